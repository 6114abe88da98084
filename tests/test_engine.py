"""The exact expectation engine: symbolic, exact numeric, cubature and Monte Carlo agree.

The four methods are independent: constant terms of collected SymPy coefficients; merged NumPy
coefficients (Parseval); averages over grids of roots of unity; random sampling with a 6-sigma interval.
A deliberately wrong identity is caught by the same comparisons.
"""

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ical_verify.numerics.montecarlo import monte_carlo_mean
from ical_verify.numerics.samplers import orthogonal_contexts as sample_orthogonal
from ical_verify.numerics.samplers import unitary_contexts as sample_unitary
from ical_verify.numerics.torus import NumericLaurent, grid_cubature_mean
from ical_verify.theory.errors import DomainError
from ical_verify.theory.laurent import LaurentPolynomial, mean_square_norm

from strategies import laurent_polynomials, orthogonal_contexts, unitary_contexts


def numeric(f: LaurentPolynomial) -> NumericLaurent:
    exps, coeffs = f.to_arrays()
    if not exps:
        return NumericLaurent(np.zeros((0, f.nvars), dtype=int), np.zeros(0))
    return NumericLaurent(np.array(exps), np.array(coeffs))


@given(laurent_polynomials(3))
def test_symbolic_and_numeric_exact_agree(f):
    g = numeric(f)
    assert complex(f.expectation()) == pytest.approx(g.mean(), abs=1e-12)
    assert float(f.mean_square()) == pytest.approx(g.mean_square(), rel=1e-12, abs=1e-12)


@given(laurent_polynomials(2, max_terms=5, max_degree=2))
def test_cubature_agrees_with_parseval(f):
    g = numeric(f)
    # E|f|^2 by cubature of f * conj(f): a method that never uses Parseval
    assert grid_cubature_mean(g * g.conjugate()).real == pytest.approx(float(f.mean_square()), abs=1e-10)
    assert grid_cubature_mean(g) == pytest.approx(complex(f.expectation()), abs=1e-10)


@given(laurent_polynomials(2, max_terms=4, max_degree=2))
def test_parseval_equals_constant_term_of_product(f):
    assert sympy.expand((f * f.conjugate()).expectation() - f.mean_square()) == 0


def _sized_monte_carlo(f: LaurentPolynomial, context: str, alternatives: list, cap: int = 400_000):
    """Monte Carlo of E|f|^2 (6-sigma interval) with a sample sized from the exact variance so that the nearest of
    the wrong ``alternatives`` is at least 12 standard errors from the exact value. Returns (mc, exact, nearest)."""
    exact = float(f.mean_square(context))
    fourth = float((f * f).mean_square(context))                 # E|f|^4 = E|f^2|^2 (Parseval)
    sd = max(fourth - exact ** 2, 0.0) ** 0.5
    gaps = [(abs(a - exact), a) for a in alternatives if abs(a - exact) > 1e-9 * (1 + abs(exact))]
    assume(gaps)                                                  # nothing wrong to tell apart: nothing to test
    gap, nearest = min(gaps)
    n = max(2_000, int(np.ceil(1.2 * (12 * sd / gap) ** 2)))
    assume(n <= cap)
    g = numeric(f)
    d = f.nvars
    sample = ((lambda r, m: np.abs(g(sample_unitary(d, m, r))) ** 2) if context == "unitary" else
              (lambda r, m: np.abs(g(sample_orthogonal(d // 2, m, r))) ** 2))
    return monte_carlo_mean(sample, n, np.random.default_rng(0)), exact, nearest


@given(laurent_polynomials(2, max_terms=5))
@settings(max_examples=15, deadline=None)
def test_monte_carlo_interval_contains_exact_and_excludes_the_nearest_wrong_value(f):
    """Wrong alternatives: |E f|^2 (the mean squared instead of the mean square) and the C_O value of the same
    polynomial (λ_2 = conj λ_1: the other context's rule)."""
    wrong = [abs(complex(f.expectation())) ** 2, float(f.mean_square("orthogonal"))]
    mc, exact, nearest = _sized_monte_carlo(f, "unitary", wrong)
    assert mc.contains(exact), (mc, exact)
    assert not mc.contains(nearest), (mc, nearest)


@given(laurent_polynomials(4, max_terms=5))
@settings(max_examples=15, deadline=None)
def test_orthogonal_contexts_exact_vs_monte_carlo(f):
    """C_O: the nearest wrong alternative is the C_U value (independent phases) or |E f|^2."""
    exact = float(f.mean_square("orthogonal"))
    assert exact == pytest.approx(numeric(f).mean_square("orthogonal"), abs=1e-12)
    wrong = [float(f.mean_square("unitary")), abs(complex(f.expectation("orthogonal"))) ** 2]
    mc, exact, nearest = _sized_monte_carlo(f, "orthogonal", wrong)
    assert mc.contains(exact)
    assert not mc.contains(nearest)


@given(laurent_polynomials(2), unitary_contexts(2, n=3))
def test_conjugation_is_pointwise_conjugate_on_the_torus(f, lam):
    g = numeric(f)
    assert np.allclose(numeric(f.conjugate())(lam), np.conj(g(lam)), atol=1e-9)


@given(laurent_polynomials(4), orthogonal_contexts(2, n=3))
def test_conjugate_pair_substitution_is_evaluation_on_C_O(f, lam):
    reduced = numeric(f.conjugate_pairs())
    assert np.allclose(reduced(lam[:, 0::2]), numeric(f)(lam), atol=1e-9)


def test_wrong_identity_is_caught():
    """E|f|^2 = |E f|^2 is false as soon as f has a non-constant term: every method says so."""
    l1, l2 = LaurentPolynomial.variables(2)
    f = 2 + l1 - 3 * l1 * l2**-1
    wrong = abs(complex(f.expectation())) ** 2
    right = float(f.mean_square())
    assert right == 14 and wrong == 4
    g = numeric(f)
    assert g.mean_square() != pytest.approx(wrong)
    assert grid_cubature_mean(g * g.conjugate()).real != pytest.approx(wrong)
    mc = monte_carlo_mean(lambda r, m: np.abs(g(sample_unitary(2, m, r))) ** 2, 20_000,
                          np.random.default_rng(0))
    assert mc.contains(right) and not mc.contains(wrong)


def test_wrong_moment_rule_is_caught():
    """Pretending E[lambda^k] = 1 for every k disagrees with Monte Carlo."""
    l1, = LaurentPolynomial.variables(1)
    f = l1 + l1**-2 + 1
    bogus = f.expectation_with_moments(lambda k: 1)
    g = numeric(f)
    mc = monte_carlo_mean(lambda r, m: g(sample_unitary(1, m, r)).real, 20_000, np.random.default_rng(1))
    assert mc.contains(float(f.expectation())) and not mc.contains(float(bogus))


def test_mean_square_norm_sums_components():
    l1, l2 = LaurentPolynomial.variables(2)
    a = sympy.Symbol("a", real=True)
    assert mean_square_norm([a * l1 - 1, l2]) == a**2 + 2


@pytest.mark.parametrize("bad", [lambda: LaurentPolynomial.variables(3)[0].conjugate_pairs(),
                                 lambda: LaurentPolynomial.variables(2)[0].expectation("nosuch")])
def test_domain_errors_name_the_value(bad):
    with pytest.raises(DomainError, match="odd|unknown context"):
        bad()


def test_mean_square_does_not_form_the_product():
    """E|f|^2 of a polynomial with 10^4 terms is immediate: it never squares the term count."""
    n = 10_000
    exps = np.stack([np.arange(n) % 97 - 48, np.arange(n) // 97 - 50], axis=1)
    g = NumericLaurent(exps, np.ones(n))
    assert g.mean_square() == pytest.approx(float(n))
