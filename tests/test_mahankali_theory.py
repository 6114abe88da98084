"""Closed forms of theory/linear_regression_icl.py and the optimality conditions they satisfy."""

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from strategies_regression import (covariance_pairs, dimensions, noise_variances, nonlinearity_strengths,
                                   prompt_lengths, spd_matrices)

from ical_verify.theory import linear_regression_icl as lri
from ical_verify.theory.errors import DomainError

N, SIG = lri.N_SYM, lri.SIGMA2
eta = sympy.Symbol("eta", real=True)


@settings(max_examples=40, deadline=None)
@given(prompt_lengths(), dimensions(12), noise_variances())
def test_eta_star_is_the_strict_minimum_of_the_gd_family(n, d, s2):
    loss = lri.gd_form_loss_iso(eta, n, d, s2)
    e = lri.eta_star(n, d, s2)
    assert sympy.diff(loss, eta).subs(eta, e) == 0
    assert sympy.diff(loss, eta, 2) > 0
    assert loss.subs(eta, e) == lri.min_loss_iso(n, d, s2)
    # the wrong alternatives are not stationary
    for wrong in (sympy.Rational(n, n + d + 1), sympy.Rational(n) / (n + d + s2)):
        if wrong != e:
            assert sympy.diff(loss, eta).subs(eta, wrong) != 0


@settings(max_examples=25, deadline=None)
@given(covariance_pairs(3), prompt_lengths(20), noise_variances())
def test_preconditioner_solves_the_normal_equations(pair, n, s2):
    """Pi* E[s s^T] = E[w s^T] (closed-form moments), Pi* is symmetric positive definite."""
    d, S, W = pair
    P = lri.preconditioner(n, S, W, s2)
    assert (P * lri.s_second_moment(n, S, W, s2) - W * S).applyfunc(sympy.simplify).is_zero_matrix
    assert (P - P.T).applyfunc(sympy.simplify).is_zero_matrix
    assert P.applyfunc(sympy.nsimplify).is_positive_definite


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 2).flatmap(lambda d: st.tuples(st.just(d), spd_matrices(d), spd_matrices(d))),
       prompt_lengths(10), noise_variances())
def test_preconditioner_satisfies_every_normal_equation_of_the_class(pair, n, s2):
    """With the engine's exact feature moments (numbers): the whole-class normal equations hold at Pi*."""
    d, S, W = pair
    m = lri.feature_moments(d, S, W, s2)
    F = lri.gd_feature_matrix(lri.preconditioner(n, S, W, s2).T)
    assert m.residual(F, n).is_zero_matrix
    assert sympy.simplify(m.loss(F, n) - lri.precond_min_loss(n, S, W, s2)) == 0


@settings(max_examples=15, deadline=None)
@given(covariance_pairs(3), prompt_lengths(), noise_variances(), st.fractions(1, 5, max_denominator=3))
def test_preconditioner_is_a_multiple_of_sigma_inverse_when_weights_are_whitening(pair, n, s2, beta):
    d, S, _ = pair
    beta = sympy.Rational(beta)
    P = lri.preconditioner(n, S, beta * lri.inverse(S), s2)
    k = sympy.Rational(n) / (n + 1 + d + s2 / beta)
    assert (P - k * lri.inverse(S)).applyfunc(sympy.simplify).is_zero_matrix


def test_preconditioner_reduces_to_eta_star_for_isotropic_data():
    for d in (1, 2, 3):
        P = lri.preconditioner(N, sympy.eye(d), sympy.eye(d), SIG)
        assert (P - lri.eta_star(N, d, SIG) * sympy.eye(d)).applyfunc(sympy.cancel).is_zero_matrix


@pytest.mark.parametrize("d", [1, 2, 3])
def test_whole_class_optimum_is_gd_and_the_gradient_vanishes_there(d):
    m = lri.feature_moments(d)
    r = lri.relaxed_optimum(m)
    e = lri.eta_star(N, d, SIG)
    assert (r.F - lri.gd_feature_matrix(e * sympy.eye(d))).applyfunc(sympy.cancel).is_zero_matrix
    p = [0] * d + [1]
    Qx = sympy.zeros(d + 1, d)
    Qx[:d, :d] = e * sympy.eye(d)
    assert lri.lsa_loss_gradient(m, p, Qx).is_zero_matrix
    Qx[:d, :d] = sympy.Rational(1, 2) * sympy.eye(d)  # a wrong step: not stationary
    assert not lri.lsa_loss_gradient(m, p, Qx).is_zero_matrix


@settings(max_examples=6, deadline=None)
@given(st.integers(1, 2), nonlinearity_strengths(), noise_variances())
def test_quadratic_family_step_matches_the_general_formula_and_the_engine(d, a, s2):
    m = lri.feature_moments(d, sigma2=s2, response="quadratic", params={"a": a})
    r = lri.relaxed_optimum(m)
    e = lri.quadratic_family_step(N, d, s2, a)
    assert (r.F - lri.gd_feature_matrix(e * sympy.eye(d))).applyfunc(sympy.cancel).is_zero_matrix
    # E||beta||^2 = d, E[y^2 ||x||^2] = d(d+2) + sigma^2 d + 2 a^2 d (d+2)(d+4)
    assert sympy.cancel(lri.nonlinear_step(N, d, d * (d + 2) + s2 * d + 2 * a ** 2 * d * (d + 2) * (d + 4)) - e) == 0


def test_axis_nonlinearity_gives_a_preconditioner():
    m = lri.feature_moments(2, response="axis-quadratic", params={"a": lri.A_SYM})
    G = lri.gd_restricted_optimum(m)
    a = lri.A_SYM
    assert sympy.cancel(G[0, 0] - N / (N + 3 + SIG + 10 * a ** 2)) == 0
    assert sympy.cancel(G[1, 1] - N / (N + 3 + SIG + 2 * a ** 2)) == 0
    assert m.residual(lri.gd_feature_matrix(G)).is_zero_matrix


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.lists(st.integers(-3, 3), min_size=40, max_size=40))
def test_lsa_forward_equals_its_feature_form(n, d, values):
    """The full forward pass f(Z)_{d+1,n+1} equals sum F_ab,c G_ab x_q,c for any P, Q (the class is the feature span)."""
    it = iter(values * 3)
    P = sympy.Matrix(d + 1, d + 1, lambda i, j: next(it))
    Q = sympy.Matrix(d + 1, d + 1, lambda i, j: next(it))
    X = sympy.Matrix(n, d, lambda i, j: next(it))
    y = [next(it) for _ in range(n)]
    xq = [next(it) for _ in range(d)]
    F = lri.feature_coefficients(list(P[d, :]), Q[:, :d])
    Z = [list(X[i, :]) + [y[i]] for i in range(n)]
    G = {(a, b): sympy.Rational(sum(Z[i][a] * Z[i][b] for i in range(n)), n) for a, b in lri.feature_pairs(d)}
    feat = sum(F[r, c] * G[pr] * xq[c] for r, pr in enumerate(lri.feature_pairs(d)) for c in range(d))
    assert lri.lsa_prediction(P, Q, X, y, xq) == feat


def test_gd_prediction_is_one_step_from_zero():
    X = sympy.Matrix([[1, 0], [0, 2], [1, 1]])
    y, xq = [1, 2, 3], [1, -1]
    s = sum((y[i] * X[i, :].T for i in range(3)), sympy.zeros(2, 1)) / 3
    assert lri.gd_prediction(X, y, xq, sympy.Rational(1, 2)) == (sympy.Matrix(xq).T * s)[0] / 2
    P = sympy.Matrix([[2, 0], [0, 1]])
    assert lri.gd_prediction(X, y, xq, 1, P) == (sympy.Matrix(xq).T * P * s)[0]


def test_generic_K_and_averaging():
    assert sympy.expand(lri.generic_K(N, lri.D_SYM + 2, SIG) - N * (N + lri.D_SYM + 1 + SIG)) == 0
    n = sympy.Symbol("m", positive=True, integer=True)
    assert lri.averaged_step(n * (n + 2), n, n, 2, 3) == sympy.Rational(5, 23)


def test_inverse_and_domain_errors():
    M = sympy.Matrix([[2, 1, 0], [1, 2, 1], [0, 1, 2]])
    assert lri.inverse(M) * M == sympy.eye(3)
    with pytest.raises(DomainError, match="singular"):
        lri.inverse(sympy.Matrix([[1, 1], [1, 1]]))
    with pytest.raises(DomainError, match="d = 0"):
        lri.eta_star(3, 0, 1)


@pytest.mark.parametrize("name", ["_w00", "_w0", "w0"])
def test_gd_prediction_does_not_confuse_the_callers_symbols_with_its_own(name):
    """A response named like the internal weight symbol (formerly ``_w0:d``) must stay a constant of the loss."""
    c, ref = sympy.Symbol(name), sympy.Symbol("c")
    X = sympy.Matrix([[1], [2]])
    got = lri.gd_prediction(X, [c, 1], [1], sympy.Rational(1, 2))
    want = lri.gd_prediction(X, [ref, 1], [1], sympy.Rational(1, 2)).subs(ref, c)
    assert sympy.simplify(got - want) == 0 and got.has(c)


def test_lsa_loss_gradient_does_not_confuse_the_callers_symbols_with_its_own():
    """A point given in symbols named like the internal parameters (formerly ``_p0``, ``_p1``, ``_q{i}{j}``): the
    gradient must be that of the same point in other symbols (sequential substitution used to send _p0 -> _p1 -> 0)."""
    m = lri.feature_moments(1)
    a, q = sympy.Symbol("_p1"), sympy.Symbol("_q00")
    s, t = sympy.Symbol("s"), sympy.Symbol("t")
    got = lri.lsa_loss_gradient(m, [a, 1], sympy.Matrix([[q], [0]]))
    want = lri.lsa_loss_gradient(m, [s, 1], sympy.Matrix([[t], [0]])).subs({s: a, t: q}, simultaneous=True)
    assert (got - want).applyfunc(sympy.cancel) == sympy.zeros(4, 1)
    assert got.has(a)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_constant_centred_moment_behind_the_reported_alternative(d):
    """E[((w^T x)^2 - d)^2 |x|^2] = 2d(d+3)(d+4) (the family centred by E|w|^2 = d), against the |w|^2-centred
    2d(d+2)(d+4) of eta_f: exact Gaussian expectations by the engine."""
    from ical_verify.proofs_check.papers.mahankali2023 import nonlinear
    from ical_verify.theory.gaussian_moments import GaussianVector

    xs, ws = sympy.symbols(f"x1:{d + 1}"), sympy.symbols(f"w1:{d + 1}")
    g = GaussianVector(list(xs) + list(ws), sympy.eye(2 * d))
    X, W = g.gens[:d], g.gens[d:]
    u = sum(a * b for a, b in zip(X, W))
    norm_x = sum(a * a for a in X)
    assert g.expect_poly((u * u - d) ** 2 * norm_x).as_expr() == 2 * d * (d + 3) * (d + 4)
    assert g.expect_poly((u * u - sum(b * b for b in W)) ** 2 * norm_x).as_expr() == 2 * d * (d + 2) * (d + 4)
    n, s2, a = sympy.symbols("n sigma2 a", positive=True)
    assert sympy.simplify(nonlinear.constant_centred_step(n, d, s2, a)
                          - n / (n + d + 1 + s2 + a ** 2 * 2 * d * (d + 3) * (d + 4) / d)) == 0
