"""Mutation tests for theory.laurent: torus and W(mu) moments, Laurent-polynomial arithmetic, conjugation, the
orthogonal pairing and Parseval, against values worked out by hand (benchmarks/mutation.md)."""

import collections.abc

import mpmath
import pytest
import sympy

from ical_verify.theory import laurent as lp
from ical_verify.theory.errors import DomainError

LP = lp.LaurentPolynomial
a, b = sympy.symbols("a b")


def _w_mu_numeric(k: int, mu: float) -> complex:
    """E e^{ik theta/mu}, theta uniform on (0, 2 pi), by quadrature (independent of the closed form)."""
    re = mpmath.quad(lambda t: mpmath.cos(k * t / mu), [0, 2 * mpmath.pi]) / (2 * mpmath.pi)
    im = mpmath.quad(lambda t: mpmath.sin(k * t / mu), [0, 2 * mpmath.pi]) / (2 * mpmath.pi)
    return complex(re, im)


@pytest.mark.parametrize("k, expected", [(0, 1), (1, 0), (-1, 0), (2, 0), (-3, 0)])
def test_torus_moments_are_the_kronecker_delta(k, expected):
    m = lp.torus_moment(k)
    assert m == expected and isinstance(m, sympy.Integer)


def test_w_mu_moment_by_hand_and_by_quadrature():
    # mu = 4, k = +-1: (1/2pi) * (4/(+-i)) * (e^{+-i pi/2} - 1) = 2 (1 +- i) / pi
    assert abs(complex(sympy.N(lp.w_mu_moment(1, 4))) - 2 * (1 + 1j) / mpmath.pi) < 1e-14
    assert abs(complex(sympy.N(lp.w_mu_moment(-1, 4))) - 2 * (1 - 1j) / mpmath.pi) < 1e-14
    assert lp.w_mu_moment(0, 3) == 1 and lp.w_mu_moment(0, 1) == 1
    for k, mu in [(1, 3), (2, 3), (-3, 5), (1, sympy.Rational(5, 2))]:
        got = complex(sympy.N(lp.w_mu_moment(k, mu)))
        assert abs(got - _w_mu_numeric(k, float(mu))) < 1e-12
    assert abs(complex(sympy.N(lp.w_mu_moment(3, 1)))) < 1e-15          # mu = 1: the uniform circle


def test_w_mu_moment_domain_and_symbolic_mu():
    with pytest.raises(DomainError):
        lp.w_mu_moment(1, sympy.Rational(99, 100))
    with pytest.raises(DomainError):
        lp.w_mu_moment(1, 0)
    assert abs(complex(sympy.N(lp.w_mu_moment(1, 1)))) < 1e-15          # mu = 1 is allowed (boundary)
    mu = sympy.Symbol("mu", positive=True)
    e = lp.w_mu_moment(2, mu)                                           # a symbolic mu is not range-checked
    assert abs(complex(sympy.N(e.subs(mu, 4))) - complex(sympy.N(lp.w_mu_moment(2, 4)))) < 1e-15
    assert mu in e.free_symbols
    assert lp.w_mu_moment(0, mu) == 1


def test_construction_collects_terms_and_drops_zeros():
    f = LP(2, [((1, 0), 2), ((1, 0), 3), ((0, 1), 1), ((2, 2), 1), ((2, 2), -1), ((0, 0), 0)])
    assert f.terms == {(1, 0): 5, (0, 1): 1}
    assert LP(2, {(1.0, 2.0): a}).terms == {(1, 2): a}
    assert LP(0, {(): 3}).expectation() == 3 and LP(0).terms == {}
    assert LP(1).nvars == 1 and LP(3).nvars == 3
    with pytest.raises(DomainError):
        LP(-1)
    with pytest.raises(DomainError):
        LP(2, {(1,): 1})
    with pytest.raises(DomainError):
        LP(1, {(1, 0): 1})


def test_constructors_and_variables():
    assert LP.constant(2).terms == {(0, 0): 1}
    assert LP.constant(3, a).terms == {(0, 0, 0): a}
    assert LP.monomial((1, -2)).terms == {(1, -2): 1}
    assert LP.monomial((0, 3), 5).terms == {(0, 3): 5}
    assert [v.terms for v in LP.variables(3)] == [{(1, 0, 0): 1}, {(0, 1, 0): 1}, {(0, 0, 1): 1}]
    assert LP.variables(0) == [] and all(v.nvars == 3 for v in LP.variables(3))


def test_arithmetic_on_terms():
    x, y = LP.variables(2)
    f = a * x + 2
    assert (f + y).terms == {(1, 0): a, (0, 0): 2, (0, 1): 1}
    assert (1 + x).terms == {(0, 0): 1, (1, 0): 1}
    assert (-f).terms == {(1, 0): -a, (0, 0): -2}
    assert (f - y).terms == {(1, 0): a, (0, 0): 2, (0, 1): -1}
    assert (5 - x).terms == {(0, 0): 5, (1, 0): -1}
    assert (x - 5).terms == {(0, 0): -5, (1, 0): 1}
    assert (f * 3).terms == {(1, 0): 3 * a, (0, 0): 6} == (3 * f).terms
    assert (x * y ** -1).terms == {(1, -1): 1}
    assert ((x + 1) * (x - 1)).terms == {(2, 0): 1, (0, 0): -1}
    assert ((x + y) * (x + 2 * y)).terms == {(2, 0): 1, (1, 1): 3, (0, 2): 2}
    assert (f * 0).terms == {}


def test_powers():
    x, y = LP.variables(2)
    assert (2 * x * y ** -1) ** -2 == LP(2, {(-2, 2): sympy.Rational(1, 4)})
    assert ((3 * x) ** 2).terms == {(2, 0): 9}
    assert ((x + 1) ** 2).terms == {(2, 0): 1, (1, 0): 2, (0, 0): 1}
    assert ((x + y) ** 3).terms == {(3, 0): 1, (2, 1): 3, (1, 2): 3, (0, 3): 1}
    assert ((x + 1) ** 1).terms == {(1, 0): 1, (0, 0): 1}
    assert ((x + 1) ** 0).terms == {(0, 0): 1}
    for bad in (-1, 2.0):
        with pytest.raises(DomainError):
            (x + 1) ** bad


def test_equality_and_hashing():
    x, y = LP.variables(2)
    assert (x + 1) * (x - 1) == x ** 2 - 1
    assert not (x + 1 == x + 2) and not (x + 2 == x + 1) and not (x == y) and not (x == 0)
    assert LP.constant(2, 3) == 3 and not (LP.constant(2, 3) == 4)
    assert a * (x + 1) == a * x + a
    assert LP(2, {(1, 0): (a + 1) ** 2}) == LP(2, {(1, 0): a ** 2 + 2 * a + 1})   # coefficients expanded
    assert LP.__hash__ is None and not isinstance(x, collections.abc.Hashable)
    with pytest.raises(TypeError):
        hash(x)


def test_mixing_numbers_of_variables_is_refused():
    (x,) = LP.variables(1)
    y, _ = LP.variables(2)
    for op in (lambda: x + y, lambda: x * y, lambda: x - y):
        with pytest.raises(DomainError):
            op()


def test_conjugate_inverts_exponents_and_conjugates_coefficients():
    x, y = LP.variables(2)
    f = (1 + 2 * sympy.I) * x ** 2 * y ** -1 + b
    assert f.conjugate().terms == {(-2, 1): 1 - 2 * sympy.I, (0, 0): sympy.conjugate(b)}


def test_conjugate_pairs_and_orthogonal_context():
    l1, l2, l3, l4 = LP.variables(4)
    f = l1 ** 2 * l2 * l3 * l4 ** 3 + 5 * l2 * l4
    assert f.conjugate_pairs().terms == {(1, -2): 1, (-1, -1): 5}
    assert f.conjugate_pairs().nvars == 2
    g = a * l1 * l2 + b * l3 * l4 ** -1 + l2 * l4 ** -1 + 1
    # with l2 = 1/l1, l4 = 1/l3: a l1 l2 = a, b l3/l4 = b mu_2^2, l2/l4 = mu_2/mu_1, so E = a + 1
    assert g.expectation("orthogonal") == a + 1
    assert g.expectation("unitary") == 1
    assert g.expectation() == 1
    assert g.mean_square("orthogonal") == sympy.expand((a + 1) * sympy.conjugate(a + 1) + b * sympy.conjugate(b) + 1)
    assert g.mean_square("unitary") == sympy.expand(a * sympy.conjugate(a) + b * sympy.conjugate(b) + 2)
    with pytest.raises(DomainError):
        LP.variables(3)[0].conjugate_pairs()
    with pytest.raises(DomainError):
        LP.variables(3)[0].expectation("orthogonal")
    for bad in ("real", "Unitary"):
        with pytest.raises(DomainError):
            g.expectation(bad)


def test_expectation_and_parseval():
    x, y = LP.variables(2)
    f = a * x * y ** -1 + 2 + 3 * y
    assert f.constant_term() == 2 and f.expectation() == 2
    assert (x + y).constant_term() == 0 and isinstance((x + y).constant_term(), sympy.Integer)
    assert (x + y).expectation() == 0
    assert f.mean_square() == sympy.expand(a * sympy.conjugate(a) + 13)
    assert LP(2).mean_square() == 0 and LP(2).expectation() == 0
    assert (f * f.conjugate()).expectation() == f.mean_square()
    assert lp.mean_square_norm([x - 1, y * x, LP.constant(2, 3)]) == 1 + 1 + 1 + 9
    assert lp.mean_square_norm([x * y + 1], "orthogonal") == 4
    assert lp.mean_square_norm([]) == 0


def test_expectation_with_moments():
    x, y = LP.variables(2)
    f = 2 * x * y ** 2 + 3 * x ** -1 + 7

    def m(k):
        return {0: 1, 1: a, 2: b, -1: 5}[k]

    assert sympy.expand(f.expectation_with_moments(m) - (2 * a * b + 15 + 7)) == 0
    assert f.expectation_with_moments(lp.torus_moment) == 7
    assert LP(1).expectation_with_moments(m) == 0


def test_subs_free_symbols_arrays_and_expression():
    x, y = LP.variables(2)
    f = a * x + b * y ** -1 + 1
    assert f.subs({a: 2}).terms == {(1, 0): 2, (0, -1): b, (0, 0): 1}
    assert f.subs({a: 0}).terms == {(0, -1): b, (0, 0): 1}
    assert f.free_symbols() == {a, b} and LP.constant(2, 3).free_symbols() == set()
    exps, coeffs = (2 * x + sympy.I * y).to_arrays()
    assert dict(zip(exps, coeffs)) == {(1, 0): 2 + 0j, (0, 1): 1j}
    assert all(type(c) is complex for c in coeffs)
    L1, L2 = sympy.symbols("lambda_1 lambda_2")
    assert sympy.expand(f.as_expr() - (a * L1 + b / L2 + 1)) == 0
    u, v = sympy.symbols("u v")
    assert sympy.expand(f.as_expr([u, v]) - (a * u + b / v + 1)) == 0


def test_the_exponent_type_is_a_tuple_of_integers():
    assert lp.Exponent == tuple[int, ...]
