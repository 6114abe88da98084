"""Mutation tests for numerics.attention_capacity: model (4)'s features by explicit sums, the relaxed fit's residual
and rank, the rank-one minimum against Eckart–Young and a brute-force profile, the gated-head fit against its
documented construction (benchmarks/mutation.md)."""

import dataclasses
import math

import numpy as np
import pytest

from ical_verify.numerics.attention_capacity import (GatedCorrectionFit, RankOneMinimum, RelaxedFit,
                                                     gated_correction_fit, model4_features,
                                                     rank_one_quadratic_minimum, relaxed_fit)
from ical_verify.numerics.errors import DomainError


# model (4) features ----------------------------------------------------------------------------------------
def test_features_are_the_explicit_prefix_sums():
    rng = np.random.default_rng(0)
    E = rng.standard_normal((2, 3, 2)) + 1j * rng.standard_normal((2, 3, 2))  # (n, T, D)
    phi = model4_features(E)
    assert phi.shape == (2, 3, 8)
    for i in range(2):
        for T in range(1, 4):
            for m in range(2):
                for j in range(2):
                    for k in range(2):
                        want = sum(E[i, t, m] * np.conj(E[i, t, j]) for t in range(T)) * E[i, T - 1, k]
                        assert phi[i, T - 1, 4 * m + 2 * j + k] == pytest.approx(want, rel=1e-12, abs=1e-14)


def test_features_by_hand():
    E = np.array([[[1.0, 2.0], [3.0, -1.0]]])  # tokens e_1 = (1, 2), e_2 = (3, -1)
    phi = model4_features(E).reshape(2, 2, 2, 2)[:, :, :, :]  # (T, m, j, k)
    # T = 1: e_1 e_1^T (x) e_1; T = 2: (e_1 e_1^T + e_2 e_2^T) (x) e_2 = [[10, -1], [-1, 5]] (x) (3, -1)
    assert phi[0, 1, 1, 0] == 4.0 and phi[0, 0, 1, 1] == 4.0
    assert phi[1, 0, 0, 0] == 30.0 and phi[1, 0, 1, 1] == 1.0 and phi[1, 1, 1, 0] == 15.0


def test_features_reject_a_matrix():
    with pytest.raises(DomainError):
        model4_features(np.ones((2, 3)))


# relaxed fit -----------------------------------------------------------------------------------------------
def test_relaxed_fit_residual_by_hand():
    """One feature (1, 1), target (1, 3): best K = 2, residual (-1, 1): relative residual sqrt 2 / sqrt 10."""
    fit = relaxed_fit(np.array([[1.0], [1.0]]), np.array([[1.0], [3.0]]))
    assert isinstance(fit, RelaxedFit)
    assert fit.relative_residual == pytest.approx(1 / math.sqrt(5), rel=1e-12)
    assert fit.rank == 1 and fit.n_rows == 2 and fit.n_features == 1
    assert fit.to_json() == {"relative_residual": fit.relative_residual, "rank": 1, "n_rows": 2, "n_features": 1}
    assert type(fit.relative_residual) is float and type(fit.rank) is int


def test_relaxed_fit_frobenius_over_several_outputs():
    features = np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]])
    targets = np.array([[1.0, 2.0], [3.0, 0.0], [1.0, 2.0]])  # the third row cannot be fitted: residual (1, 2)
    fit = relaxed_fit(features, targets)
    assert fit.relative_residual == pytest.approx(math.sqrt(5) / math.sqrt(19), rel=1e-12)
    assert fit.rank == 2 and fit.n_rows == 3 and fit.n_features == 2


def test_relaxed_fit_zero_feature_columns_and_tiny_columns():
    # a zero column is ignored (no division by zero); a column of size 1e-12 still counts after column scaling
    features = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1e-12], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    targets = np.array([[1.0], [1.0], [0.0], [0.0]])
    fit = relaxed_fit(features, targets)
    assert fit.rank == 2 and fit.n_features == 3 and fit.n_rows == 4
    assert fit.relative_residual < 1e-12
    miss = relaxed_fit(features, np.array([[1.0], [1.0], [1.0], [0.0]]))
    assert miss.relative_residual == pytest.approx(1 / math.sqrt(3), rel=1e-12)


def test_relaxed_fit_columns_of_any_sign_and_size():
    features = np.array([[-3.0, 0.0], [0.0, -1e-9], [1.0, 0.0]])
    fit = relaxed_fit(features, np.array([[0.0], [5.0], [0.0]]))
    assert fit.rank == 2 and fit.relative_residual < 1e-12


def test_relaxed_fit_rows_must_agree():
    with pytest.raises(DomainError):
        relaxed_fit(np.ones((3, 2)), np.ones((2, 1)))


def test_relaxed_fit_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        relaxed_fit(np.eye(2), np.eye(2)).rank = 0


# rank-one minimum ------------------------------------------------------------------------------------------
def _identity_problem(M, c0=3.0):
    """G = I, g = vec(M) (index 2k + l): c0 - 2<M, ab^T> + |ab^T|^2 = c0 - |M|^2 + |ab^T - M|^2."""
    M = np.asarray(M, dtype=float)
    return np.eye(M.size), M.ravel(), c0


def _brute_profile(G, g, c0, phi, n_a):
    b = np.array([math.cos(phi), math.sin(phi)])
    M = np.zeros((2 * n_a, n_a))
    for k in range(n_a):
        M[2 * k: 2 * k + 2, k] = b
    A = M.T @ G @ M
    r = M.T @ g
    return c0 - r @ np.linalg.solve(A, r)


@pytest.mark.parametrize("M", [[[2.0, 0.0], [0.0, 1.0]], [[1.0, 2.0], [-0.5, 0.7]], [[0.3, 0.0], [0.0, 1.5]],
                               [[1.0, 1.0], [1.0, -1.0]]])
def test_rank_one_minimum_is_eckart_young(M):
    G, g, c0 = _identity_problem(M)
    r = rank_one_quadratic_minimum(G, g, c0, n_a=2, grid=37)
    s = np.linalg.svd(np.array(M), compute_uv=False)
    assert r.value == pytest.approx(c0 - s[0] ** 2, abs=1e-9)
    assert isinstance(r, RankOneMinimum) and r.grid == 37
    assert r.b.shape == (2,) and r.a.shape == (2,) and np.linalg.norm(r.b) == pytest.approx(1.0, rel=1e-12)
    # the minimiser reproduces the value
    m = np.outer(r.a, r.b).ravel()
    assert c0 - 2 * g @ m + m @ G @ m == pytest.approx(r.value, abs=1e-12)
    assert 0.0 <= r.phi < math.pi
    assert r.phi == pytest.approx(math.atan2(r.b[1], r.b[0]) % math.pi, abs=1e-12)


def test_rank_one_minimum_direction_and_angle():
    """M = u v^T with v at angle pi/3: exactly rank one, value c0 - |M|^2, phi = pi / 3; v = e_2: phi = pi/2."""
    v = np.array([math.cos(math.pi / 3), math.sin(math.pi / 3)])
    M = np.outer([1.0, -2.0], v)
    r = rank_one_quadratic_minimum(*_identity_problem(M, 1.0), n_a=2, grid=37)
    assert r.value == pytest.approx(1.0 - 5.0, abs=1e-9)
    assert r.phi == pytest.approx(math.pi / 3, abs=1e-6)
    r2 = rank_one_quadratic_minimum(*_identity_problem(np.outer([0.5, 1.0], [0.0, 1.0]), 1.0), n_a=2, grid=37)
    assert r2.phi == pytest.approx(math.pi / 2, abs=1e-6)
    assert r2.value == pytest.approx(1.0 - 1.25, abs=1e-9)
    assert np.allclose(np.outer(r2.a, r2.b), [[0.0, 0.5], [0.0, 1.0]], atol=1e-6)


def test_rank_one_profile_spread_on_the_documented_grid():
    """M = diag(2, 1): p(phi) = c0 - 1 - 3 cos^2 phi. On 721 angles k pi / 721 (no endpoint) the largest is at
    k = 360, so the spread is 3 cos^2(pi / 1442); on 7 angles it is 3 (cos^2 0 - cos^2(3 pi / 7))."""
    G, g, c0 = _identity_problem([[2.0, 0.0], [0.0, 1.0]])
    r = rank_one_quadratic_minimum(G, g, c0, n_a=2)
    assert r.profile_spread == pytest.approx(3 * math.cos(math.pi / 1442) ** 2, rel=1e-12)
    assert min(r.phi, math.pi - r.phi) < 1e-6 and r.value == pytest.approx(c0 - 4, abs=1e-12)
    r7 = rank_one_quadratic_minimum(G, g, c0, n_a=2, grid=7)
    assert r7.grid == 7
    assert r7.profile_spread == pytest.approx(3 * (1 - math.cos(3 * math.pi / 7) ** 2), rel=1e-12)
    assert r7.value == pytest.approx(c0 - 4, abs=1e-9)


def test_rank_one_flat_profile_for_the_identity():
    """M = I: every direction gives the same best rank-one error 1: spread 0, value c0 - 1."""
    r = rank_one_quadratic_minimum(*_identity_problem(np.eye(2), 2.0), n_a=2, grid=37)
    assert r.profile_spread < 1e-12 and r.value == pytest.approx(1.0, abs=1e-12)


def test_rank_one_minimum_with_a_general_quadratic_against_a_brute_force_profile():
    rng = np.random.default_rng(3)
    n_a = 3
    B = rng.standard_normal((6, 6))
    G = B @ B.T + 0.5 * np.eye(6)
    g = rng.standard_normal(6)
    r = rank_one_quadratic_minimum(G, g, 4.0, n_a=n_a, grid=181)
    coarse = np.linspace(0, math.pi, 1001)
    p0 = coarse[int(np.argmin([_brute_profile(G, g, 4.0, p, n_a) for p in coarse]))]
    brute = min(_brute_profile(G, g, 4.0, p, n_a) for p in np.linspace(p0 - 0.004, p0 + 0.004, 801))
    assert r.value <= brute + 1e-12 and r.value == pytest.approx(brute, abs=1e-6)
    assert r.value == pytest.approx(_brute_profile(G, g, 4.0, r.phi, n_a), abs=1e-12)
    scan = [_brute_profile(G, g, 4.0, p, n_a) for p in np.arange(181) * math.pi / 181]
    assert r.profile_spread == pytest.approx(max(scan) - min(scan), rel=1e-10)


def test_rank_one_minimum_default_size_and_domain():
    G, g, c0 = np.eye(8), np.zeros(8), 1.0
    g[1] = 1.0
    r = rank_one_quadratic_minimum(G, g, c0, grid=9)  # n_a = 4 by default
    assert r.a.shape == (4,) and r.value == pytest.approx(0.0, abs=1e-12)
    for bad in [(np.eye(6), np.zeros(6)), (np.eye(8), np.zeros(6)), (np.eye(6), np.zeros(8)),
                (np.ones((8, 6)), np.zeros(8))]:
        with pytest.raises(DomainError):
            rank_one_quadratic_minimum(*bad, 1.0)
    with pytest.raises(DomainError):
        rank_one_quadratic_minimum(np.eye(4), np.zeros(4), 1.0, n_a=3)
    assert rank_one_quadratic_minimum(np.eye(6), np.zeros(6), 1.0, n_a=3, grid=5).value == pytest.approx(1.0)


def test_rank_one_minimum_to_json_and_immutability():
    r = rank_one_quadratic_minimum(*_identity_problem(np.outer([1.0, 0.0], [0.0, 1.0]), 1.0), n_a=2, grid=9)
    j = r.to_json()
    assert set(j) == {"value", "a", "b", "phi", "grid", "profile_spread"}
    assert j["value"] == r.value and j["a"] == r.a.tolist() and j["b"] == r.b.tolist() and j["phi"] == r.phi
    assert j["grid"] == 9 and j["profile_spread"] == r.profile_spread
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.value = 0.0


# gated heads -----------------------------------------------------------------------------------------------
def _documented_gated_fit(heads, seed, grid, max_steepness=64.0):
    """The construction of the docstring, written out: centres, half-widths, log-uniform steepness (drawn in that
    order), logistic gates on the grid 2 pi k / grid, least squares, held-out error on the midpoints."""
    rng = np.random.default_rng(seed)
    centre = rng.uniform(0.0, 2 * math.pi, heads)
    half = rng.uniform(0.0, math.pi, heads)
    steep = np.exp(rng.uniform(0.0, math.log(max_steepness), heads))

    def design(theta):
        cols = []
        for h in range(heads):
            logit = steep[h] * (np.cos(theta - centre[h]) - math.cos(half[h]))
            cols.append((np.exp(1j * theta) - 1) / (1 + np.exp(-logit)))
        return np.stack(cols, axis=1)

    theta = np.array([2 * math.pi * k / grid for k in range(grid)])
    F = design(theta)
    m = np.linalg.lstsq(F, np.ones(grid), rcond=None)[0]
    train = np.mean(np.abs(F @ m - 1) ** 2)
    held = np.mean(np.abs(design(theta + math.pi / grid) @ m - 1) ** 2)
    return train, held


@pytest.mark.parametrize("heads, grid, steep", [(1, 8, 64.0), (3, 16, 64.0), (4, 32, 5.0)])
def test_gated_fit_follows_its_documented_construction(heads, grid, steep):
    r = gated_correction_fit(heads, np.random.default_rng(7), grid=grid, max_steepness=steep)
    train, held = _documented_gated_fit(heads, 7, grid, steep)
    assert isinstance(r, GatedCorrectionFit)
    assert r.heads == heads and r.grid == grid
    assert r.train_mse == pytest.approx(train, rel=1e-9, abs=1e-15)
    assert r.heldout_mse == pytest.approx(held, rel=1e-9, abs=1e-15)
    assert type(r.train_mse) is float and type(r.heads) is int


def test_gated_fit_defaults():
    r = gated_correction_fit(2, np.random.default_rng(1))
    assert r.grid == 2048
    train, held = _documented_gated_fit(2, 1, 2048)
    assert r.train_mse == pytest.approx(train, rel=1e-9) and r.heldout_mse == pytest.approx(held, rel=1e-9)
    assert r.to_json() == {"heads": 2, "grid": 2048, "train_mse": r.train_mse, "heldout_mse": r.heldout_mse}
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.heads = 3


@pytest.mark.parametrize("heads, grid", [(0, 16), (-1, 16), (1.5, 16), (2, 7), (2, 8.5), (2, 0)])
def test_gated_fit_domain(heads, grid):
    with pytest.raises(DomainError):
        gated_correction_fit(heads, np.random.default_rng(0), grid=grid)


def test_gated_fit_accepts_integral_floats():
    r = gated_correction_fit(2.0, np.random.default_rng(0), grid=8.0)
    assert r.heads == 2 and r.grid == 8 and type(r.grid) is int


@pytest.mark.parametrize("grid", [2, 3])
def test_rank_one_minimum_with_the_coarsest_scans(grid):
    """Two or three scan angles are enough: the refinement searches one scan step either side of the best angle."""
    G, g, c0 = _identity_problem([[2.0, 0.0], [0.0, 1.0]])
    r = rank_one_quadratic_minimum(G, g, c0, n_a=2, grid=grid)
    assert r.grid == grid and r.value == pytest.approx(c0 - 4, abs=1e-12)
    assert r.profile_spread == pytest.approx(3 * (1 - math.cos(math.pi / grid * (grid // 2)) ** 2), rel=1e-12)
