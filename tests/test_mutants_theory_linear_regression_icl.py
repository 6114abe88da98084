"""Mutation tests for theory.linear_regression_icl: its closed forms at hand-computed values, the cofactor inverse,
the forward pass and GD step against direct sums, the feature coefficients, the engine's exact moments against
Isserlis by hand, and the relaxed / GD-restricted optima and the gradient (benchmarks/mutation.md)."""

import collections.abc
import dataclasses
import typing

import pytest
import sympy

from ical_verify.theory import linear_regression_icl as lri
from ical_verify.theory.errors import DomainError

R = sympy.Rational
N = lri.N_SYM


# ------------------------------------------------------------------------------------------ symbols
def test_symbols_names_and_assumptions():
    assert (lri.N_SYM.name, lri.D_SYM.name, lri.SIGMA2.name, lri.NMAX_SYM.name, lri.RHO_SYM.name, lri.A_SYM.name) \
        == ("n", "d", "sigma^2", "n_max", "rho", "a")
    for s in (lri.N_SYM, lri.D_SYM, lri.NMAX_SYM):
        assert s.is_positive is True and s.is_integer is True
    assert lri.SIGMA2.is_nonnegative is True and lri.SIGMA2.is_positive is None
    assert lri.RHO_SYM.is_positive is True and lri.RHO_SYM.is_integer is None
    assert lri.A_SYM.is_real is True and lri.A_SYM.is_positive is None


# ------------------------------------------------------------------------------------------ closed forms
def test_eta_star_values_and_the_boundary_of_d():
    assert lri.eta_star(5, 2, 3) == R(5, 11)
    assert lri.eta_star(1, 1, 0) == R(1, 3)                     # d = 1 is allowed
    assert lri.eta_star(7, 3, R(1, 2)) == R(14, 23)
    assert sympy.cancel(lri.eta_star() - N / (N + lri.D_SYM + 1 + lri.SIGMA2)) == 0
    assert isinstance(lri.eta_star(2, 1, 0), sympy.Rational)     # sympified: an exact fraction, not a float
    with pytest.raises(DomainError):
        lri.eta_star(3, 0, 1)
    with pytest.raises(DomainError):
        lri.eta_star(3, -2, 1)


def test_gd_form_loss_iso_at_hand_values():
    # d (eta^2 (n+d+1+s2)/n - 2 eta + 1) + s2 with eta = 1/3, n = 2, d = 3, s2 = 5: 3 (11/18 - 2/3 + 1) + 5
    assert lri.gd_form_loss_iso(R(1, 3), 2, 3, 5) == R(3 * 17, 18) + 5
    assert lri.gd_form_loss_iso(0, 4, 2, 1) == 3                 # eta = 0: d + s2
    eta = sympy.Symbol("eta")
    expr = lri.gd_form_loss_iso(eta)
    assert sympy.expand(expr - (lri.D_SYM * (eta ** 2 * (N + lri.D_SYM + 1 + lri.SIGMA2) / N - 2 * eta + 1)
                                + lri.SIGMA2)) == 0


def test_min_loss_iso_values():
    assert lri.min_loss_iso(5, 2, 3) == R(2 * 6, 11) + 3
    assert lri.min_loss_iso(3, 1, 0) == R(2, 5)
    # the minimum of the GD-form loss (its value at eta*), by hand: d(1 - eta*) + s2
    assert lri.min_loss_iso(6, 3, 2) == 3 * (1 - R(6, 12)) + 2
    assert isinstance(lri.min_loss_iso(3, 1, 0), sympy.Rational)


def test_wishart_second_moment_scalar_and_matrix():
    # one dimension: E[(sum x_i^2)^2] = n E x^4 + n(n-1) s^2 = n(n+2) s^2
    assert lri.wishart_second_moment(3, [[2]]) == sympy.Matrix([[3 * 5 * 4]])
    # Sigma = [[2, 1], [1, 3]]: Sigma^2 = [[5, 5], [5, 10]], tr = 5; n = 3: 12 Sigma^2 + 15 Sigma
    assert lri.wishart_second_moment(3, [[2, 1], [1, 3]]) == sympy.Matrix([[90, 75], [75, 165]])


def test_sample_covariance_sandwich_with_noncommuting_matrices():
    S, B = sympy.Matrix([[2, 1], [1, 1]]), sympy.Matrix([[1, 0], [0, 3]])
    # S B S = [[7, 5], [5, 4]], tr(B S) = 5; n = 2: 3/2 S B S + 5/2 S
    out = lri.sample_covariance_sandwich(2, S, B)
    assert out == sympy.Matrix([[R(31, 2), 10], [10, R(17, 2)]])
    # one dimension, B = 1: E[S^2] = (n+1)/n s^2 + s^2/n = (n+2)/n s^2
    assert lri.sample_covariance_sandwich(4, [[3]], [[1]]) == sympy.Matrix([[R(6, 4) * 9]])


def test_s_second_moment_with_noise_and_general_covariances():
    S, W = sympy.Matrix([[2, 1], [1, 1]]), sympy.Matrix([[1, 0], [0, 3]])
    # sandwich above (n = 2) + sigma2/n S with sigma2 = 4
    assert lri.s_second_moment(2, S, W, 4) == sympy.Matrix([[R(31, 2) + 4, 12], [12, R(17, 2) + 2]])


def test_inverse_of_one_by_one_and_non_symmetric_matrices():
    assert lri.inverse(sympy.Matrix([[4]])) == sympy.Matrix([[R(1, 4)]])
    assert lri.inverse([[R(-2, 3)]]) == sympy.Matrix([[R(-3, 2)]])
    A = sympy.Matrix([[1, 2, 0], [3, 1, 4], [1, 0, 2]])        # det = -2, an entry 1 in the first row
    assert lri.inverse(A) == sympy.Matrix([[-1, 2, -4], [1, -1, 2], [R(1, 2), -1, R(5, 2)]])   # adj(A) / det
    B = sympy.Matrix([[0, 1, 1], [1, 0, 2], [3, 1, 0]])        # a zero in the first row
    assert lri.inverse(B) * B == sympy.eye(3)
    C = sympy.Matrix([[2, 3], [1, 5]])                          # det 7, not symmetric
    assert lri.inverse(C) == sympy.Matrix([[R(5, 7), R(-3, 7)], [R(-1, 7), R(2, 7)]])
    D = sympy.Matrix([[1, 1, 1, 0], [0, 2, 1, 1], [1, 0, 3, 1], [1, 1, 0, 2]])
    assert lri.inverse(D) * D == sympy.eye(4)
    x = sympy.Symbol("x")
    Mi = lri.inverse(sympy.Matrix([[x, 1], [1, x]]))
    assert (Mi - sympy.Matrix([[x, -1], [-1, x]]) / (x ** 2 - 1)).applyfunc(sympy.cancel).is_zero_matrix
    with pytest.raises(DomainError):
        lri.inverse(sympy.Matrix([[0]]))
    with pytest.raises(DomainError):
        lri.inverse(sympy.Matrix([[1, 2], [2, 4]]))


def test_preconditioner_with_noncommuting_covariances():
    S, W = sympy.Matrix([[2, 1], [1, 1]]), sympy.Matrix([[1, 0], [0, 3]])
    n, s2 = 2, 4
    # n W ((n+1) S W + (tr(S W) + s2) I)^{-1}: S W = [[2, 3], [1, 3]], tr = 5, c = 9
    A = sympy.Matrix([[6 + 9, 9], [3, 9 + 9]])
    expected = 2 * W * A.inv()
    assert lri.preconditioner(n, S, W, s2) == expected
    # it solves the normal equations Pi E[ss^T] = E[w s^T] = W S
    P = lri.preconditioner(n, S, W, s2)
    assert P * lri.s_second_moment(n, S, W, s2) == W * S
    assert lri.preconditioner(4, sympy.eye(3), sympy.eye(3), 1) == R(4, 9) * sympy.eye(3)


def test_precond_min_loss_general_and_isotropic():
    S, W = sympy.Matrix([[2, 1], [1, 1]]), sympy.Matrix([[1, 0], [0, 3]])
    P = 2 * W * sympy.Matrix([[15, 9], [3, 18]]).inv()
    expected = 5 + 4 - (P * S * W * S).trace()
    assert lri.precond_min_loss(2, S, W, 4) == expected
    assert lri.precond_min_loss(5, sympy.eye(2), sympy.eye(2), 3) == lri.min_loss_iso(5, 2, 3) == R(12, 11) + 3


def test_nonlinear_quadratic_and_generic_steps():
    assert lri.nonlinear_step(4, 3, 10) == R(12, 10 + 9)
    assert lri.nonlinear_step(1, 2, 5) == R(2, 5)
    assert isinstance(lri.nonlinear_step(4, 3, 10), sympy.Rational)
    # quadratic family: n / (n + d + 1 + s2 + 2 a^2 (d+2)(d+4))
    assert lri.quadratic_family_step(3, 1, 2, 1) == R(3, 3 + 1 + 1 + 2 + 2 * 3 * 5)
    assert lri.quadratic_family_step(4, 2, 0, R(1, 4)) == R(2, 5)
    assert lri.quadratic_family_step(5, 2, 1, 0) == lri.eta_star(5, 2, 1)
    assert isinstance(lri.quadratic_family_step(3, 1, 2, 1), sympy.Rational)
    assert lri.generic_K(3, 4, 2) == 3 * (3 - 1 + 4 + 2)
    assert lri.generic_K(1, 1, 0) == 1


def test_torus_moment_is_one_exactly_when_the_powers_match():
    assert lri.torus_moment((1, 0), (1, 0)) == 1
    assert lri.torus_moment((2, 3), (2, 3)) == 1
    assert lri.torus_moment((1,), (2,)) == 0
    assert lri.torus_moment((0, 1), (0, 2)) == 0
    assert type(lri.torus_moment((1,), (1,))) is int


def test_averaged_step_sums_over_the_range():
    m = sympy.Symbol("m", positive=True, integer=True)
    # J = m, K = m^2 over m = 2..4: 9 / 29
    assert lri.averaged_step(m ** 2, m, m, 2, 4) == R(9, 29)
    assert lri.averaged_step(m ** 2 + 1, 1, m, 1, 1) == R(1, 2)


# ------------------------------------------------------------------------------------------ model and GD
def _lsa_reference(P, Q, X, y, xq, normalise=True):
    """p^T G Q z_q with G = (1/n) sum_i z_i z_i^T over the context tokens only, z_q = (x_q, 0)."""
    X = sympy.Matrix(X)
    n, d = X.shape
    zs = [sympy.Matrix(list(X[i, :]) + [y[i]]) for i in range(n)]
    G = sum((z * z.T for z in zs), sympy.zeros(d + 1, d + 1)) / (n if normalise else 1)
    zq = sympy.Matrix(list(xq) + [0])
    return sympy.expand((P[d, :] * G * Q * zq)[0])


def test_lsa_prediction_matches_direct_sums_and_masks_the_query():
    P = sympy.Matrix([[1, 2, -1], [0, 3, 1], [2, -1, 3]])
    Q = sympy.Matrix([[2, 1, 5], [-1, 1, 7], [3, 2, 1]])
    X = sympy.Matrix([[1, 2], [0, -1], [2, 1]])
    y, xq = [3, -2, 1], [2, -3]
    out = lri.lsa_prediction(P, Q, X, y, xq)
    assert out == _lsa_reference(P, Q, X, y, xq)
    assert lri.lsa_prediction(P, Q, X, y, xq, normalise=False) == _lsa_reference(P, Q, X, y, xq, False) == 3 * out
    assert out != 0
    # with the query among the keys the value changes: here p^T z_q z_q^T Q z_q / n != 0
    zq = sympy.Matrix(xq + [0])
    assert (P[2, :] * zq * zq.T * Q * zq)[0] != 0
    # the residual stream: with P = 0 the prediction is the query's response slot, 0
    assert lri.lsa_prediction(sympy.zeros(3, 3), Q, X, y, xq) == 0


def test_gd_prediction_from_a_start_with_a_preconditioner():
    X = sympy.Matrix([[1, 2], [0, -1], [2, 1]])
    y, xq = [3, -2, 1], [2, -3]
    eta = R(1, 2)
    Pi = sympy.Matrix([[2, 1], [0, 1]])
    w0 = sympy.Matrix([1, -1])
    # grad L(w) = -(1/n) sum_i (y_i - w^T x_i) x_i
    grad = -sum(((y[i] - (w0.T * X[i, :].T)[0]) * X[i, :].T for i in range(3)), sympy.zeros(2, 1)) / 3
    w1 = w0 - eta * Pi * grad
    assert lri.gd_prediction(X, y, xq, eta, Pi, w0) == (sympy.Matrix(xq).T * w1)[0]
    s = sum((y[i] * X[i, :].T for i in range(3)), sympy.zeros(2, 1)) / 3
    assert lri.gd_prediction(X, y, xq, eta) == eta * (sympy.Matrix(xq).T * s)[0]
    assert lri.gd_prediction(X, y, xq, 3, Pi) == 3 * (sympy.Matrix(xq).T * Pi * s)[0]


def test_feature_pairs_order_and_domain():
    assert lri.feature_pairs(2) == [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)]
    assert len(lri.feature_pairs(3)) == 10
    with pytest.raises(DomainError):
        lri.feature_pairs(0)


def test_feature_coefficients_entries():
    p = sympy.symbols("p0:3")
    Q = sympy.Matrix(3, 2, lambda i, j: sympy.Symbol(f"Q{i}{j}"))
    F = lri.feature_coefficients(list(p), Q)
    assert F.shape == (6, 2)
    pairs = lri.feature_pairs(2)
    for r, (a, b) in enumerate(pairs):
        for c in range(2):
            want = p[a] * Q[b, c] + (p[b] * Q[a, c] if a != b else 0)
            assert sympy.expand(F[r, c] - want) == 0
    assert F[0, 1] == p[0] * Q[0, 1]                      # a = b: one term, not two
    assert F[4, 0] == p[1] * Q[2, 0] + p[2] * Q[1, 0]


def test_gd_feature_matrix_places_gamma_on_the_response_rows():
    G = sympy.Matrix([[1, 2], [3, 4]])
    F = lri.gd_feature_matrix(G)
    want = sympy.zeros(6, 2)
    want[2, :] = sympy.Matrix([[1, 2]])                      # pair (0, 2)
    want[4, :] = sympy.Matrix([[3, 4]])                      # pair (1, 2)
    assert F == want


def test_response_functions():
    assert set(lri.RESPONSES) == {"linear", "quadratic", "axis-quadratic", "drift"}
    assert lri.RESPONSES["linear"] is lri.linear_response and lri.RESPONSES["drift"] is lri.drift_response
    assert lri.RESPONSES["quadratic"] is lri.quadratic_response
    assert lri.RESPONSES["axis-quadratic"] is lri.axis_quadratic_response
    assert lri.linear_response([2, 3], [5, 7], {}) == 31
    # t = 2*1 + 3*2 = 8; 8 + 2 (64 - 5)
    assert lri.quadratic_response([2, 3], [1, 2], {"a": 2}) == 8 + 2 * (64 - 5)
    assert lri.axis_quadratic_response([3, 1], [1, 2], {"a": 2}) == 5 + 2 * 8
    assert lri.drift_response([3, 1], [1, 2], {"a": 2}) == 5 + 6


# ------------------------------------------------------------------------------------------ moments
def _hand_moments():
    """d = 1, Sigma = [[2]], Sigma_w = [[3]], sigma^2 = 5 (s, t, e): Isserlis by hand.

    one: E x^4 = 3s^2, E x^2 y^2 = 3ts^2 + s e, E y^4 = 9t^2s^2 + 6tse + 3e^2 (odd powers of w vanish);
    two: s^2, s(ts + e), E[xy x'y'] = ts^2, 3t^2s^2 + 2tse + e^2; cross: E[xy x_q y_q] = ts^2; E y_q^2 = ts + e.
    """
    one = sympy.Matrix([[12, 0, 46], [0, 46, 0], [46, 0, 579]])
    two = sympy.Matrix([[4, 0, 22], [0, 12, 0], [22, 0, 193]])
    return one, two, sympy.Matrix([0, 12, 0]), sympy.Matrix([[2]]), 11


def test_feature_moments_d1_match_isserlis_by_hand():
    m = lri.feature_moments(1, [[2]], [[3]], 5)
    one, two, cross, qc, target = _hand_moments()
    assert m.d == 1 and m.pairs == ((0, 0), (0, 1), (1, 1))
    assert m.one == one and m.two == two and m.cross == cross
    assert m.query_cov == qc and m.target_second == target
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.d = 2


def test_feature_moments_d2_match_isserlis_by_hand():
    S = sympy.Matrix([[2, 1], [1, 3]])
    W = sympy.Matrix([[1, 0], [0, 2]])
    m = lri.feature_moments(2, S, W, 5)
    SWS = S * W * S
    c = (W * S).trace()
    # rows of pairs (0, 2), (1, 2) of cross are S W S, the others 0 (odd in w)
    want = sympy.zeros(6, 2)
    want[2, :], want[4, :] = SWS[0, :], SWS[1, :]
    assert m.cross == want
    assert m.target_second == c + 5
    assert m.query_cov == S
    r = [2, 4]
    assert m.two.extract(r, r) == SWS
    assert m.one.extract(r, r) == 2 * SWS + c * S + 5 * S
    # E[x1^2 x2^2] = s11 s22 + 2 s12^2 (one token), E[x1 x2] E[x1' x2'] = s12^2 (two tokens)
    assert m.one[0, 3] == 2 * 3 + 2 and m.two[0, 3] == 2 * 3 and m.two[1, 1] == 1
    assert m.one[0, 0] == 3 * 4 and m.one[3, 3] == 3 * 9
    # E[x1^2 y'^2] = s11 (tr(W S) + sigma^2)
    assert m.two[0, 5] == 2 * (c + 5)
    assert m.one == m.one.T and m.two == m.two.T


def test_feature_moments_of_the_other_responses_d1():
    a = lri.A_SYM
    # quadratic, w ~ N(0, 1), x ~ N(0, 1): E y_q^2 = 1 + a^2 E[w^4] E[(x^2 - 1)^2] = 1 + 6a^2 (+ sigma^2)
    m = lri.feature_moments(1, sigma2=0, response="quadratic", params={"a": a})
    assert sympy.expand(m.target_second - (1 + 6 * a ** 2)) == 0
    m = lri.feature_moments(1, sigma2=1, response="quadratic", params={"a": 2})
    assert m.target_second == 1 + 24 + 1
    # axis-quadratic: E y_q^2 = t s + a^2 E (x^2 - 1)^2 + sigma^2 = 3 + 2 a^2 + 0 with Sigma_w = 3
    m = lri.feature_moments(1, Sigma_w=[[3]], sigma2=0, response="axis-quadratic", params={"a": 2})
    assert m.target_second == 3 + 8
    # drift: y = (w + a) x + e: E y_q^2 = (t + a^2) s + e, cross row (0, 1) = (t + a^2) s^2, row (0, 0) = a s^2
    m = lri.feature_moments(1, [[2]], [[3]], 5, response="drift", params={"a": 2})
    assert m.target_second == 7 * 2 + 5
    assert m.cross[1, 0] == 7 * 4 and m.cross[0, 0] == 2 * 4
    # a response given as a function
    m = lri.feature_moments(1, [[2]], [[3]], 5, response=lambda x, w, p: x[0] * w[0])
    assert m.one == _hand_moments()[0]
    with pytest.raises(DomainError):
        lri.feature_moments(0)


def test_feature_moments_gram_loss_and_residual():
    one, two, cross, qc, target = _hand_moments()
    m = lri.FeatureMoments(1, ((0, 0), (0, 1), (1, 1)), one, two, cross, qc, target)
    n = 4
    gram = one / 4 + R(3, 4) * two
    assert m.gram(4) == gram
    assert sympy.cancel(m.gram()[1, 1] - (46 / N + (1 - 1 / N) * 12)) == 0
    F = sympy.Matrix([1, 2, -1])
    want = (F.T * gram * F)[0] * 2 - 2 * (2 * 12) + 11
    assert m.loss(F, n) == want
    assert m.residual(F, n) == gram * F * 2 - cross


def test_blocks_of_chained_and_isolated_indices():
    M = sympy.Matrix([[1, 0, 0, 1], [0, 1, 1, 0], [0, 1, 1, 0], [1, 0, 0, 1]])
    assert lri.blocks_of(M) == [[0, 3], [1, 2]]
    chain = sympy.Matrix([[1, 0, 0, 2, 0], [0, 5, 0, 0, 0], [0, 0, 1, 1, 0], [2, 0, 1, 1, 0], [0, 0, 0, 0, 3]])
    assert lri.blocks_of(chain) == [[0, 2, 3], [1], [4]]
    assert lri.blocks_of(sympy.eye(3)) == [[0], [1], [2]]
    assert lri.blocks_of(sympy.ones(3, 3)) == [[0, 1, 2]]


def test_relaxed_optimum_d1_by_hand():
    r = lri.relaxed_optimum(lri.feature_moments(1, [[2]], [[3]], 5))
    # gram[(0,1),(0,1)] = 46/n + 12 (1 - 1/n) = (12n + 34)/n;  F s gram = 12  =>  F = 3n/(6n + 17)
    assert (r.F - sympy.Matrix([0, 3 * N / (6 * N + 17), 0])).applyfunc(sympy.cancel).is_zero_matrix
    assert sympy.cancel(r.value - (30 * N + 187) / (6 * N + 17)) == 0
    assert r.blocks == [[(0, 0), (1, 1)], [(0, 1)]] and r.solved_blocks == [[(0, 1)]]
    r4 = lri.relaxed_optimum(lri.feature_moments(1, [[2]], [[3]], 5), 4)
    assert r4.F == sympy.Matrix([0, R(12, 41), 0]) and r4.value == R(307, 41)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.value = 0


def test_relaxed_optimum_solves_the_coupled_block_of_the_drift_family():
    """Drift responses (a non-centred weight law) couple every feature into one block with a non-zero right-hand
    side: the solution satisfies the normal equations and has non-zero coefficients outside the GD feature."""
    m = lri.feature_moments(1, [[2]], [[3]], 5, response="drift", params={"a": 2})
    r = lri.relaxed_optimum(m, 3)
    gram = m.one / 3 + R(2, 3) * m.two
    assert gram * r.F * 2 == m.cross
    assert r.F[0, 0] != 0 and r.F[2, 0] != 0
    assert r.blocks == r.solved_blocks == [[(0, 0), (0, 1), (1, 1)]]   # the mean of w couples every feature
    F = r.F
    assert r.value == (F.T * gram * F)[0] * 2 - 2 * (F.T * m.cross)[0] + m.target_second


def test_gd_restricted_optimum_d1_and_d2():
    G = lri.gd_restricted_optimum(lri.feature_moments(1, [[2]], [[3]], 5), 4)
    assert G == sympy.Matrix([[R(12, 41)]])
    S = sympy.Matrix([[2, 1], [1, 3]])
    W = sympy.Matrix([[1, 0], [0, 2]])
    n = 3
    G2 = lri.gd_restricted_optimum(lri.feature_moments(2, S, W, 5), n)
    # Gamma = E[ss^T]^{-1} E[s y_q x_q^T] Sigma^{-1} = E[ss^T]^{-1} S W: the transpose of Pi*
    assert G2 == lri.preconditioner(n, S, W, 5).T
    assert G2 == (lri.s_second_moment(n, S, W, 5).inv() * S * W)


def test_lsa_loss_gradient_equals_the_derivative_of_the_loss():
    one, two, cross, qc, target = _hand_moments()
    m = lri.FeatureMoments(1, ((0, 0), (0, 1), (1, 1)), one, two, cross, qc, target)
    n = 4
    gram = one / 4 + R(3, 4) * two
    p0, p1, q0, q1 = sympy.symbols("p0 p1 q0 q1")
    F = sympy.Matrix([p0 * q0, p0 * q1 + p1 * q0, p1 * q1])
    L = (F.T * gram * F)[0] * 2 - 2 * (F.T * cross)[0] + target
    point = {p0: 2, p1: 3, q0: -1, q1: R(1, 2)}
    want = sympy.Matrix([sympy.diff(L, t).subs(point) for t in (p0, p1, q0, q1)])
    got = lri.lsa_loss_gradient(m, [2, 3], sympy.Matrix([[-1], [R(1, 2)]]), n)
    assert got == want
    assert got.shape == (4, 1) and not got.is_zero_matrix


def test_blocks_of_keeps_every_pending_neighbour():
    """A star: 0 touches 1 and 2, 1 touches 3; the search from 0 must come back to 1 after visiting 2."""
    M = sympy.Matrix([[1, 1, 1, 0], [1, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1]])
    assert lri.blocks_of(M) == [[0, 1, 2, 3]]


def test_response_type_is_a_callable_of_x_w_params():
    assert typing.get_origin(lri.Response) is collections.abc.Callable
    assert typing.get_args(lri.Response)[1] is object


def test_feature_moments_pass_exactly_d_coordinates_and_weights_to_the_response():
    """A response that reads the last coordinate and the last weight (d = 1: x_1 w_1, the linear model)."""
    m = lri.feature_moments(1, [[2]], [[3]], 5, response=lambda x, w, p: x[-1] * w[-1] * len(x) * len(w))
    one, two, cross, qc, target = _hand_moments()
    assert m.one == one and m.two == two and m.cross == cross and m.target_second == target


def test_feature_moments_checks_d_first():
    with pytest.raises(DomainError):
        lri.feature_moments(-1)


def test_blocks_of_with_a_node_pushed_twice():
    """0 touches 1, 2, 3 and 2 touches 3: node 2 is pushed twice; the second pop must not end the search."""
    M = sympy.Matrix([[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 1, 1], [1, 0, 1, 1]])
    assert lri.blocks_of(M) == [[0, 1, 2, 3]]
