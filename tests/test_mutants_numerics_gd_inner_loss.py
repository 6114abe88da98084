"""Mutation tests for numerics.gd_inner_loss: the statistics S_T, Y_T of loss (5) and GD on it by hand, the step-size
search against the closed-form optimum, per-prefix tuning and the least-squares limit (benchmarks/mutation.md)."""

import dataclasses
import math

import numpy as np
import pytest

from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.gd_inner_loss import (GDResult, best_step_size, gd_iterates, gd_prediction_errors,
                                                gradient_statistics, least_squares_errors, per_prefix_best_errors)

# d = 1, s_{t+1} = 2 s_t: S_T = 1, 5, 21 and Y_T = 2, 10, 42 for T = 2, 3, 4
GEOMETRIC = np.array([[[1.0], [2.0], [4.0], [8.0]]])  # (1, 4, 1)


# gradient statistics ---------------------------------------------------------------------------------------
def test_statistics_of_a_scalar_geometric_sequence():
    S, Y = gradient_statistics(GEOMETRIC)
    assert S.shape == Y.shape == (1, 4, 1, 1)
    assert S[0, :, 0, 0].tolist() == [0.0, 1.0, 5.0, 21.0]
    assert Y[0, :, 0, 0].tolist() == [0.0, 2.0, 10.0, 42.0]


def test_statistics_of_a_two_dimensional_sequence_are_outer_products():
    seqs = np.array([[[1.0, 2.0], [3.0, -1.0], [0.5, 1.0]]])  # (1, 3, 2)
    S, Y = gradient_statistics(seqs)
    assert np.array_equal(S[0, 0], np.zeros((2, 2))) and np.array_equal(Y[0, 0], np.zeros((2, 2)))
    assert np.array_equal(S[0, 1], [[1.0, 2.0], [2.0, 4.0]])            # s_1 s_1^T
    assert np.array_equal(Y[0, 1], [[3.0, 6.0], [-1.0, -2.0]])          # s_2 s_1^T
    assert np.array_equal(S[0, 2], [[10.0, -1.0], [-1.0, 5.0]])         # + s_2 s_2^T
    assert np.array_equal(Y[0, 2], [[4.5, 5.5], [2.0, -3.0]])           # + s_3 s_2^T


def test_statistics_conjugate_the_earlier_token():
    seqs = np.array([[[1.0 + 0j], [1j], [-1.0 + 0j]]])  # s_{t+1} = i s_t
    S, Y = gradient_statistics(seqs)
    assert S.dtype == complex
    assert S[0, :, 0, 0].tolist() == [0, 1, 2]
    assert Y[0, :, 0, 0].tolist() == [0, 1j, 2j]  # i * conj(1) + (-1) * conj(i) = 2i


def test_statistics_with_the_extra_pair_s0_s1():
    seqs = np.array([[[1.0, 2.0], [3.0, -1.0]]])
    s0 = np.array([[1.0, 1j]])
    S, Y = gradient_statistics(seqs.astype(complex), s0)
    # S gains s_0 s_0^* = [[1, -i], [i, 1]], Y gains s_1 s_0^* = [[1, -i], [2, -2i]] at every prefix
    assert np.allclose(S[0, 0], [[1, -1j], [1j, 1]]) and np.allclose(Y[0, 0], [[1, -1j], [2, -2j]])
    assert np.allclose(S[0, 1], [[2, 2 - 1j], [2 + 1j, 5]]) and np.allclose(Y[0, 1], [[4, 6 - 1j], [1, -2 - 2j]])


def test_statistics_reject_a_matrix():
    with pytest.raises(DomainError):
        gradient_statistics(np.ones((3, 2)))


# GD iterates -----------------------------------------------------------------------------------------------
def test_gd_iterates_by_hand():
    """W_1 = eta Y, W_2 = 2 eta Y - eta^2 Y S (from 0); with S = 5, Y = 10, eta = 0.1: 1 and 1.5."""
    S, Y = np.array([[[5.0]]]), np.array([[[10.0]]])
    assert gd_iterates(S, Y, 1, 0.1)[0, 0, 0] == pytest.approx(1.0, rel=1e-14)
    assert gd_iterates(S, Y, 2, 0.1)[0, 0, 0] == pytest.approx(1.5, rel=1e-14)
    assert gd_iterates(S, Y, 3, 0.1)[0, 0, 0] == pytest.approx(1.5 - 0.1 * (7.5 - 10), rel=1e-14)


def test_gd_iterates_matrix_order_is_W_times_S():
    S = np.array([[2.0, 1.0], [1.0, 3.0]])
    Y = np.array([[1.0, 0.0], [0.0, 0.0]])
    W0 = np.array([[0.0, 1.0], [0.0, 0.0]])
    # W0 S = [[1, 3], [0, 0]]; W1 = W0 - 0.5 (W0 S - Y) = [[0, 1], [0, 0]] - 0.5 [[0, 3], [0, 0]]
    assert np.allclose(gd_iterates(S, Y, 1, 0.5, W0), [[0.0, -0.5], [0.0, 0.0]], atol=1e-15)


def test_gd_iterates_start_point_and_zero_steps():
    S, Y = np.ones((2, 1, 1)), np.full((2, 1, 1), 3.0)
    assert np.array_equal(gd_iterates(S, Y, 0, 0.1), np.zeros((2, 1, 1)))
    W = gd_iterates(S, Y, 0, 0.1, W0=np.array([[2.0]]))
    assert W.shape == (2, 1, 1) and np.array_equal(W, np.full((2, 1, 1), 2.0))
    # one step from W0 = 2: 2 - 0.1 (2 - 3) = 2.1
    assert np.allclose(gd_iterates(S, Y, 1, 0.1, W0=np.array([[2.0]])), 2.1, atol=1e-15)
    Wc = gd_iterates(S.astype(complex), Y.astype(complex), 0, 0.1, W0=np.array([[1.0]]))
    assert Wc.dtype == complex


@pytest.mark.parametrize("steps", [-1, 1.5, -0.5])
def test_gd_iterates_reject_bad_step_counts(steps):
    with pytest.raises(DomainError):
        gd_iterates(np.ones((1, 1)), np.ones((1, 1)), steps, 0.1)


def test_gd_iterates_accept_an_integral_float_step_count():
    assert gd_iterates(np.ones((1, 1)), np.ones((1, 1)), 2.0, 0.5)[0, 0] == pytest.approx(0.75)


# prediction errors -----------------------------------------------------------------------------------------
def test_prediction_errors_by_hand():
    """One step: W = eta Y_T; T = 2: (4 eta - 4)^2, T = 3: (40 eta - 8)^2. Two steps at eta = 0.1: W = 0.38, 1.5."""
    e1 = gd_prediction_errors(GEOMETRIC, 1, 0.1)
    assert e1.shape == (1, 2)
    assert e1[0] == pytest.approx([12.96, 16.0], rel=1e-12)
    e2 = gd_prediction_errors(GEOMETRIC, 2, 0.1)
    assert e2[0] == pytest.approx([(0.76 - 4) ** 2, 4.0], rel=1e-12)
    last = gd_prediction_errors(GEOMETRIC, 1, 0.1, t_min=3)
    assert last.shape == (1, 1) and last[0, 0] == pytest.approx(16.0, rel=1e-12)


def test_prediction_errors_sum_over_coordinates_of_squared_moduli():
    seqs = np.concatenate([GEOMETRIC, 1j * GEOMETRIC], axis=2)  # (1, 4, 2): two copies, one imaginary
    e = gd_prediction_errors(seqs, 1, 0.1)
    # S_T, Y_T double (|i|^2 = 1) and the coupling makes W = eta Y_T [[1, -i], [i, 1]]: W s_T = 2 eta Y_T s_T
    # per coordinate, so each coordinate errs (8 eta - 4)^2, (80 eta - 8)^2
    assert e.shape == (1, 2)
    assert e[0] == pytest.approx([2 * (0.8 - 4) ** 2, 2 * (8 - 8) ** 2], abs=1e-12)


# the step-size search ----------------------------------------------------------------------------------------
ETA_STAR = 336 / 1616  # argmin of ((4 eta - 4)^2 + (40 eta - 8)^2) / 2


def _mse_one_step(eta):
    return ((4 * eta - 4) ** 2 + (40 * eta - 8) ** 2) / 2


def test_best_step_size_finds_the_closed_form_optimum():
    g = best_step_size(GEOMETRIC, 1)
    assert isinstance(g, GDResult)
    assert g.steps == 1
    assert g.eta == pytest.approx(ETA_STAR, rel=2e-6)
    assert g.mse == pytest.approx(_mse_one_step(ETA_STAR), rel=1e-9)
    assert g.grid == pytest.approx(list(np.geomspace(1e-4, 1.0, 41)), rel=1e-12)
    assert len(g.grid) == 41 and g.grid[0] == pytest.approx(1e-4) and g.grid[-1] == 1.0
    assert all(type(x) is float for x in g.grid)
    assert g.to_json() == {"steps": 1, "eta": g.eta, "mse": g.mse}


def test_best_step_size_defaults_are_the_documented_ones():
    seqs = np.array([[[1.0, 0.5], [0.2, 1.1], [-0.9, 0.4], [0.3, -0.8], [0.7, 0.6]]])
    default = best_step_size(seqs, 2)
    explicit = best_step_size(seqs, 2, etas=np.geomspace(1e-4, 1.0, 41), refine=30, t_min=2)
    assert default.eta == explicit.eta and default.mse == explicit.mse
    assert best_step_size(seqs, 2, refine=31).eta != default.eta


@pytest.mark.parametrize("where", ["interior", "first", "last"])
def test_best_step_size_optimum_anywhere_on_the_grid(where):
    """The optimum inside the grid, left of it (best at the first point) or right of it (at the last point)."""
    etas = {"interior": np.geomspace(0.01, 10.0, 7), "first": np.geomspace(0.5, 2.0, 5),
            "last": np.geomspace(1e-3, 0.1, 5)}[where]
    g = best_step_size(GEOMETRIC, 1, etas=etas)
    expected = {"interior": ETA_STAR, "first": 0.5, "last": 0.1}[where]
    assert g.eta == pytest.approx(expected, rel=2e-6)
    assert g.mse == pytest.approx(_mse_one_step(expected), rel=1e-9)


def test_best_step_size_refinement_is_optional_and_bracketed_by_the_neighbours():
    etas = np.geomspace(0.01, 10.0, 7)
    g0 = best_step_size(GEOMETRIC, 1, etas=etas, refine=0)
    # no refinement: the better of the two golden points of [etas[1], etas[3]] or the grid point itself
    assert etas[1] <= g0.eta <= etas[3]
    assert _mse_one_step(g0.eta) <= _mse_one_step(etas[2]) + 1e-12
    g5 = best_step_size(GEOMETRIC, 1, etas=etas, refine=5)
    assert abs(g5.eta - ETA_STAR) < abs(g0.eta - ETA_STAR)
    assert abs(np.log(g5.eta / ETA_STAR)) < 2 * np.log(10) * 0.618 ** 5


def test_best_step_size_ignores_diverging_step_sizes():
    """Large step sizes overflow (inf / nan errors); the search must not pick them."""
    seqs = np.array([[[1.0], [10.0], [100.0], [1000.0]]])  # S_T up to 1e4: GD diverges for eta >~ 1e-4
    g = best_step_size(seqs, 200, etas=np.geomspace(1e-9, 1e3, 13))
    assert np.isfinite(g.mse) and g.eta < 2 / 101  # stability: eta S_3 < 2


def test_best_step_size_reports_the_test_error_when_given():
    test = 3 * GEOMETRIC
    g = best_step_size(GEOMETRIC, 1, test_seqs=test)
    assert g.eta == pytest.approx(ETA_STAR, rel=2e-6)
    # on 3 * (1, 2, 4, 8): Y_2 = 18, Y_3 = 90, so W s_T = 108 eta (target 12) and 1080 eta (target 24)
    e2 = (108 * ETA_STAR - 12) ** 2
    e3 = (1080 * ETA_STAR - 24) ** 2
    assert g.mse == pytest.approx((e2 + e3) / 2, rel=1e-6)


def test_best_step_size_last_prefix_only():
    g = best_step_size(GEOMETRIC, 1, t_min=3)
    assert g.eta == pytest.approx(0.2, rel=2e-6)  # (40 eta - 8)^2 vanishes at 0.2
    assert g.mse < 1e-9


def test_best_step_size_domain():
    assert best_step_size(GEOMETRIC, 1, t_min=2).steps == 1
    for bad in (dict(steps=0), dict(steps=-1), dict(steps=1, t_min=1), dict(steps=1, t_min=4)):
        with pytest.raises(DomainError):
            best_step_size(GEOMETRIC, **bad)
    # t_min bound is the sequence length (axis 1), not the dimension (axis 2)
    wide = np.ones((1, 3, 5))
    with pytest.raises(DomainError):
        best_step_size(wide, 1, t_min=3)
    # T = 4 only: W = eta Y_4 = 42 eta, s_4 = 8, target 16: exact at eta = 1/21
    assert best_step_size(np.array([[[1.0], [2.0], [4.0], [8.0], [16.0]]]), 1, t_min=4).eta == pytest.approx(
        1 / 21, rel=2e-6)


def test_gd_result_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        best_step_size(GEOMETRIC, 1, etas=[0.1, 0.2], refine=0).eta = 1.0


# per-prefix tuning and the least-squares floor ------------------------------------------------------------------
def test_per_prefix_best_errors_pick_the_best_grid_point_per_prefix():
    etas = np.array([0.1, 0.2, 0.25, 1e6])  # T = 2 best at 0.25 (error 9), T = 3 exact at 0.2; 1e6 is terrible
    best = per_prefix_best_errors(GEOMETRIC, 1, etas)
    assert best.shape == (2,)
    assert best[0] == pytest.approx(min((4 * e - 4) ** 2 for e in etas[:3]), rel=1e-12)  # (4*0.25-4)^2 = 9
    assert best[1] == pytest.approx(0.0, abs=1e-20)
    last = per_prefix_best_errors(GEOMETRIC, 1, etas, t_min=3)
    assert last.shape == (1,) and last[0] == pytest.approx(0.0, abs=1e-20)


def test_per_prefix_best_errors_default_grid_and_divergence():
    d = per_prefix_best_errors(GEOMETRIC, 1)
    e = per_prefix_best_errors(GEOMETRIC, 1, np.geomspace(1e-4, 1.0, 81))
    assert np.array_equal(d, e)
    assert np.array_equal(d, per_prefix_best_errors(GEOMETRIC, 1, np.geomspace(1e-4, 1.0, 81)[:81]))
    assert not np.array_equal(d, per_prefix_best_errors(GEOMETRIC, 1, np.geomspace(1e-4, 1.0, 82)))
    big = np.array([[[1.0], [10.0], [100.0], [1000.0]]])
    b = per_prefix_best_errors(big, 400, np.array([1e-6, 1e3]))  # 1e3 overflows to inf / nan
    assert np.all(np.isfinite(b))
    assert b == pytest.approx(gd_prediction_errors(big, 400, 1e-6).mean(0), rel=1e-12)


def test_least_squares_errors_against_an_independent_solve():
    rng = np.random.default_rng(1)
    seqs = rng.standard_normal((2, 6, 3))
    err = least_squares_errors(seqs)
    assert err.shape == (2, 4)
    for i in range(2):
        for T in range(2, 6):
            X, Yt = seqs[i, : T - 1], seqs[i, 1:T]  # rows s_t, s_{t+1}
            Wt = np.linalg.lstsq(X, Yt, rcond=None)[0]  # min-norm solution of X W^T = Y^T
            pred = seqs[i, T - 1] @ Wt
            assert err[i, T - 2] == pytest.approx(np.sum((pred - seqs[i, T]) ** 2), rel=1e-9, abs=1e-12)
    last = least_squares_errors(seqs, t_min=5)
    assert last.shape == (2, 1) and np.allclose(last[:, 0], err[:, 3], rtol=1e-12)


def test_least_squares_errors_of_complex_scalar_sequences():
    # s_{t+1} = i s_t: Y_T S_T^+ = i exactly, every prediction is exact
    seqs = np.array([[[1.0 + 0j], [1j], [-1.0 + 0j], [-1j]]])
    assert np.allclose(least_squares_errors(seqs), 0.0, atol=1e-24)
    # a break after s_3: at T = 3 the prediction is i s_3 = -i, the target 2: error |2 + i|^2 = 5
    seqs2 = np.array([[[1.0 + 0j], [1j], [-1.0 + 0j], [2.0 + 0j]]])
    assert least_squares_errors(seqs2)[0] == pytest.approx([0.0, 5.0], abs=1e-12)


@pytest.mark.parametrize("etas", [[0.2, 0.5, 1.0], [0.01, 0.1, 0.21]], ids=["best-first", "best-last"])
def test_best_step_size_refines_between_an_end_point_and_its_neighbour(etas):
    """The best grid point at an end of the grid with the optimum between it and its neighbour: the refinement
    brackets [etas[0], etas[1]] (resp. [etas[-2], etas[-1]]) and finds the optimum, not the grid point."""
    g = best_step_size(GEOMETRIC, 1, etas=etas)
    assert g.eta == pytest.approx(ETA_STAR, rel=2e-6)
    assert g.eta not in etas


# s_2 = 0: Y_T = 0, so W_k = 0 for every step size and every prediction (0) is exact: a flat objective
STOPPED = np.array([[[1.0], [0.0], [0.0], [0.0]]])


def test_flat_objective_keeps_the_refined_point_and_breaks_ties_towards_larger_steps():
    """On equal values the golden-section search keeps the right-hand part of its bracket, and the refined point is
    kept unless it is strictly worse than the best grid point: the reported step size is the upper end of the
    first bracket [etas[0], etas[1]] (to the search's resolution), deterministically."""
    etas = [1e-3, 1.0, 10.0]
    g = best_step_size(STOPPED, 1, etas=etas)
    assert g.mse == 0.0
    assert g.eta == pytest.approx(1.0, rel=1e-5) and g.eta < 1.0
    # no refinement: the two golden points of [log 1e-3, 0] tie; the upper one, 1e-3^(1 - g) = 10^(-3 (1 - 0.618))
    g0 = best_step_size(STOPPED, 1, etas=etas, refine=0)
    gold = (math.sqrt(5) - 1) / 2
    assert g0.eta == pytest.approx(1e-3 ** (1 - gold), rel=1e-12)
