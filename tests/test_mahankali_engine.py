"""The Isserlis/Wick engine (theory/gaussian_moments.py) against known Gaussian and Wishart moments."""

import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.theory import linear_regression_icl as lri
from ical_verify.theory.errors import DomainError
from ical_verify.theory.gaussian_moments import (GaussianVector, block_covariance, expectation, isserlis_by_pairings,
                                                 pairings, symmetric_matrix_symbols)

x, y = sympy.symbols("x y")


@pytest.mark.parametrize("k", range(0, 6))
def test_even_moments_are_double_factorials(k):
    s = sympy.Symbol("s", positive=True)
    assert expectation(x ** (2 * k), [x], [[s]]) == sympy.factorial2(2 * k - 1) * s ** k
    assert expectation(x ** (2 * k + 1), [x], [[s]]) == 0


def test_fourth_moment_is_three():
    assert expectation(x ** 4, [x], [[1]]) == 3


def test_number_of_pairings_is_double_factorial():
    for m in range(0, 10, 2):
        assert len(pairings(range(m))) == max(1, math.prod(range(m - 1, 0, -2)))


@pytest.mark.parametrize("d", [1, 2, 3])
def test_quadratic_forms_tr_A_tr_B_plus_2_tr_AB(d):
    """E[(x^T A x)(x^T B x)] = tr(A) tr(B) + 2 tr(AB) for x ~ N(0, I), symmetric A, B (symbolic)."""
    A, B = symmetric_matrix_symbols("A", d), symmetric_matrix_symbols("B", d)
    v = sympy.Matrix(sympy.symbols(f"v1:{d + 1}"))
    g = GaussianVector(list(v), sympy.eye(d), parameters=list(A.free_symbols | B.free_symbols))
    got = g.expect((v.T * A * v)[0] * (v.T * B * v)[0])
    assert sympy.expand(got - (A.trace() * B.trace() + 2 * (A * B).trace())) == 0


def test_quadratic_forms_with_a_general_covariance():
    d = 2
    A, B, S = (symmetric_matrix_symbols(n, d) for n in "ABS")
    v = sympy.Matrix(sympy.symbols("v1:3"))
    g = GaussianVector(list(v), S, parameters=list(A.free_symbols | B.free_symbols))
    got = g.expect((v.T * A * v)[0] * (v.T * B * v)[0])
    assert sympy.expand(got - ((A * S).trace() * (B * S).trace() + 2 * (A * S * B * S).trace())) == 0


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 2), min_size=0, max_size=6),
       st.lists(st.fractions(-2, 2, max_denominator=3), min_size=6, max_size=6))
def test_recursion_equals_the_sum_over_pairings(indices, entries):
    """The engine's Stein recursion gives Isserlis' sum over perfect matchings, for any symmetric matrix."""
    C = sympy.Matrix([[entries[0], entries[1], entries[2]], [entries[1], entries[3], entries[4]],
                      [entries[2], entries[4], entries[5]]]).applyfunc(sympy.Rational)
    v = sympy.symbols("v1:4")
    g = GaussianVector(v, C)
    k = [indices.count(i) for i in range(3)]
    assert g.moment(k).as_expr() == isserlis_by_pairings(indices, C)


def wishart(n: int, d: int, Sigma):
    """W = sum of n outer products of N(0, Sigma) vectors, as a matrix of polynomials, and its Gaussian vector."""
    xs = [sympy.symbols(f"x{i}_1:{d + 1}") for i in range(n)]
    g = GaussianVector([v for row in xs for v in row], block_covariance(*[Sigma] * n))
    W = sum((sympy.Matrix(row) * sympy.Matrix(row).T for row in xs), sympy.zeros(d, d))
    return g, W


def test_wishart_mean_variance_and_second_moment():
    """E[W] = n Sigma, Var(W_ij) = n(Sigma_ij^2 + Sigma_ii Sigma_jj), E[W^2] = n(n+1) Sigma^2 + n tr(Sigma) Sigma."""
    n, d = 3, 2
    S = symmetric_matrix_symbols("S", d)
    g, W = wishart(n, d, S)
    EW = W.applyfunc(g.expect)
    assert (EW - n * S).applyfunc(sympy.expand).is_zero_matrix
    for i in range(d):
        for j in range(d):
            var = g.expect(W[i, j] ** 2) - EW[i, j] ** 2
            assert sympy.expand(var - n * (S[i, j] ** 2 + S[i, i] * S[j, j])) == 0
    EW2 = (W * W).applyfunc(g.expect)
    assert (EW2 - lri.wishart_second_moment(n, S)).applyfunc(sympy.expand).is_zero_matrix


def test_wishart_second_moment_for_symbolic_n():
    """E[S^2] for the sample covariance S = W/n, from the one- and two-vector moments: ((n+1)/n) I + (d/n) I."""
    d = 3
    m = lri.feature_moments(d, sigma2=0)
    pairs = m.pairs
    G = m.gram()  # E[G_ab G_cd], G = (1/n) sum z z^T; its covariate block is the sample covariance
    S2 = sympy.zeros(d, d)
    for i in range(d):
        for j in range(d):
            S2[i, j] = sum(G[pairs.index(tuple(sorted((i, k)))), pairs.index(tuple(sorted((k, j))))] for k in range(d))
    n = lri.N_SYM
    assert (S2 - (lri.wishart_second_moment(n, sympy.eye(d)) / n ** 2)).applyfunc(sympy.cancel).is_zero_matrix


def test_independent_blocks_factorise():
    s, t = sympy.symbols("s t", positive=True)
    g = GaussianVector([x, y], block_covariance(s, t))
    assert g.expect(x ** 2 * y ** 4) == s * 3 * t ** 2
    assert len(g._blocks) == 2


def test_engine_agrees_with_sampling():
    """A moment of a correlated pair against 400 000 samples (6-sigma); E[x^2 y^2] with rho = 1/2 is 3/2, and the
    independent-case value 1 lies outside the interval."""
    C = sympy.Matrix([[1, sympy.Rational(1, 2)], [sympy.Rational(1, 2), 1]])
    exact = float(expectation(x ** 2 * y ** 2, [x, y], C))
    rng = np.random.default_rng(5)
    v = rng.standard_normal((400_000, 2)) @ np.linalg.cholesky(np.array(C, float)).T
    z = v[:, 0] ** 2 * v[:, 1] ** 2
    half = 6 * z.std() / np.sqrt(len(z))
    assert abs(z.mean() - exact) < half
    assert abs(z.mean() - 1.0) > half


def test_bad_inputs_are_domain_errors():
    with pytest.raises(DomainError, match="symmetric"):
        GaussianVector([x, y], [[1, 2], [0, 1]])
    with pytest.raises(DomainError, match="shape"):
        GaussianVector([x], [[1, 0], [0, 1]])
    with pytest.raises(DomainError, match="exponents"):
        GaussianVector([x], [[1]]).moment([-1])
    with pytest.raises(DomainError, match="even"):
        pairings("abc")
    with pytest.raises(DomainError, match="polynomial"):
        GaussianVector([x], [[1]]).expect(sympy.exp(x))
