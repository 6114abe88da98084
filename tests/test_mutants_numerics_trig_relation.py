"""Mutation tests for numerics.trig_relation: the fitted coefficients (κ_I, κ_cos, κ_sin) and Γ on synthetic data
of known form, their residuals worked out by hand, the argument checks at their boundaries and the result objects
(benchmarks/mutation.md)."""

import dataclasses

import numpy as np
import pytest

from ical_verify.numerics import trig_relation as tr
from ical_verify.numerics.errors import DomainError

THETA = np.linspace(0.2, 2.9, 9)


def _g_last(theta, kc, ks):
    """kc cos θ e^{iθ} + ks i sin θ e^{iθ}, written out: (kc cos² θ - ks sin² θ) + i (kc + ks) sin θ cos θ."""
    c, s = np.cos(theta), np.sin(theta)
    return (kc * c * c - ks * s * s) + 1j * (kc + ks) * s * c


def test_trig_formula_is_minus_one_two_zero():
    assert tr.TRIG_FORMULA == (-1.0, 2.0, 0.0)


def test_fit_recovers_each_of_the_three_coefficients():
    rel = tr.fit_block_relation(THETA, np.full(9, 0.3 + 0j), _g_last(THETA, -1.2, 0.7))
    assert rel.kappa_I == pytest.approx(0.3, abs=1e-12)
    assert rel.kappa_cos == pytest.approx(-1.2, abs=1e-12)
    assert rel.kappa_sin == pytest.approx(0.7, abs=1e-12)
    assert rel.residual < 1e-12
    assert all(type(x) is float for x in (rel.kappa_I, rel.kappa_cos, rel.kappa_sin, rel.residual))


def test_fit_kappa_I_is_the_mean_of_the_real_parts_and_the_residual_the_largest_deviation():
    # g_prev = (1, 3, 2 + i, 2 - i ...): κ_I = 2, deviations 1, 1, 1, 1 -> residual 1 / scale, scale = max |g| = 3
    theta = THETA[:4]
    g_prev = np.array([1, 3, 2 + 1j, 2 - 1j])
    rel = tr.fit_block_relation(theta, g_prev, 0.5 * _g_last(theta, 1.0, 0.0))
    assert rel.kappa_I == pytest.approx(2.0, abs=1e-12)
    assert rel.kappa_cos == pytest.approx(0.5, abs=1e-12)
    assert rel.residual == pytest.approx(1 / 3, abs=1e-12)


def test_fit_residual_from_the_last_position_is_the_largest_misfit_over_the_largest_value():
    """A perturbation orthogonal (in R^2n) to the two fitted functions leaves κ unchanged; the residual is then
    max |perturbation| / max(|g_prev|, |g_last|)."""
    theta = THETA[:4]
    a = np.cos(theta) * np.exp(1j * theta)
    b = 1j * np.sin(theta) * np.exp(1j * theta)
    basis, _ = np.linalg.qr(np.stack([np.r_[a.real, a.imag], np.r_[b.real, b.imag]], 1))
    v = np.array([0.3, -0.1, 0.2, 0.4, -0.2, 0.1, 0.05, -0.3])
    v = v - basis @ (basis.T @ v)
    pert = v[:4] + 1j * v[4:]
    g_last = _g_last(theta, 2.0, -0.5) + pert
    rel = tr.fit_block_relation(theta, np.full(4, -1.0), g_last)
    assert rel.kappa == pytest.approx((-1.0, 2.0, -0.5), abs=1e-12)
    scale = max(1.0, np.max(np.abs(g_last)))
    assert rel.residual == pytest.approx(np.max(np.abs(pert)) / scale, rel=1e-9)
    assert np.max(np.abs(pert)) > 0.05


def test_fit_residual_scale_for_small_values():
    # values far below 1: the residual is relative (not floored at 1)
    g_prev = np.array([0.01, 0.03])
    rel = tr.fit_block_relation(THETA[:2], g_prev, np.zeros(2))
    assert rel.kappa_I == pytest.approx(0.02, abs=1e-15)
    assert rel.residual == pytest.approx(0.01 / 0.03, rel=1e-12)
    zero = tr.fit_block_relation(THETA[:2], np.zeros(2), np.zeros(2))
    assert zero.residual == 0.0 and zero.kappa == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("n_theta, n_prev, n_last", [(3, 2, 3), (3, 3, 2), (1, 1, 1)])
def test_fit_refuses_mismatched_shapes_and_a_single_angle(n_theta, n_prev, n_last):
    with pytest.raises(DomainError):
        tr.fit_block_relation(THETA[:n_theta], np.ones(n_prev), np.ones(n_last))


def test_fit_accepts_two_angles():
    rel = tr.fit_block_relation(THETA[:2], -np.ones(2), _g_last(THETA[:2], 2.0, 0.0))
    assert rel.kappa == pytest.approx((-1.0, 2.0, 0.0), abs=1e-12)


def test_block_relation_kappa_beta_distance_and_json():
    rel = tr.BlockRelation(kappa_I=-0.5, kappa_cos=1.25, kappa_sin=0.5, residual=1e-3)
    assert rel.kappa == (-0.5, 1.25, 0.5)
    assert rel.beta == 0.5
    assert rel.distance_to() == 0.75                       # |1.25 - 2|
    assert rel.distance_to((-0.5, 1.0, 0.0)) == 0.5        # |0.5 - 0| beats |1.25 - 1|
    assert type(rel.distance_to()) is float
    assert rel.to_json() == {"kappa_I": -0.5, "kappa_cos": 1.25, "kappa_sin": 0.5, "residual": 1e-3}


def test_block_relation_is_frozen():
    rel = tr.BlockRelation(0.0, 0.0, 0.0, 0.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rel.kappa_I = 1.0


def test_fit_linear_map_recovers_a_non_symmetric_matrix():
    G = np.array([[1.0, -2.0], [0.5, 3.0]])
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, -1.0]])
    lm = tr.fit_linear_map(X, X @ G.T)
    assert np.allclose(lm.matrix, G, atol=1e-12)
    assert lm.residual < 1e-12 and type(lm.residual) is float


def test_fit_linear_map_residual_is_the_largest_misfit_over_the_largest_value():
    # X = rows (1, 0), (0, 1), (1, 1); n = (1, 1, -1) is orthogonal to X's columns: Y = X G^T + e n y^T fits G
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    G = np.array([[0.2, 0.1], [-0.1, 0.3]])
    Y = X @ G.T + 0.05 * np.outer([1.0, 1.0, -1.0], [1.0, 0.0])
    lm = tr.fit_linear_map(X, Y)
    assert np.allclose(lm.matrix, G, atol=1e-12)
    assert lm.residual == pytest.approx(0.05 / np.max(np.abs(Y)), rel=1e-9)     # max|Y| = 0.35 < 1
    assert tr.fit_linear_map(X, np.zeros((3, 2))).residual == 0.0


@pytest.mark.parametrize("x_shape, y_shape", [((3,), (3,)), ((3, 2), (3, 3)), ((3, 2), (2, 2)), ((1, 3, 2), (1, 3, 2))])
def test_fit_linear_map_refuses_other_shapes(x_shape, y_shape):
    with pytest.raises(DomainError):
        tr.fit_linear_map(np.ones(x_shape), np.ones(y_shape))


def test_fit_residual_of_tiny_values_is_relative_down_to_the_1e_300_floor():
    rel = tr.fit_block_relation(THETA[:2], np.array([1.5e-300, -1.5e-300]), np.zeros(2))
    assert rel.kappa_I == 0.0 and rel.residual == pytest.approx(1.0, rel=1e-12)


def test_fit_linear_map_residual_of_tiny_values_is_relative_down_to_the_1e_300_floor():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    Y = 1.5e-300 * np.outer([1.0, 1.0, -1.0], [1.0, 0.0])                # orthogonal to X's columns: Γ = 0
    assert tr.fit_linear_map(X, Y).residual == pytest.approx(1.0, rel=1e-12)


def test_linear_map_is_frozen():
    lm = tr.LinearMap(np.eye(2), 0.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        lm.residual = 1.0
