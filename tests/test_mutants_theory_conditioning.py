"""Mutation tests for theory.conditioning: the moments of W(mu), the Laurent coefficients and the loss (7), its
Hessian and the printed matrix of Proposition 7, against values worked out by hand (benchmarks/mutation.md).

By hand, for lambda = e^{i theta/mu}, theta ~ U(0, 2 pi): E lambda^m = (mu / (2 pi i m)) (e^{2 pi i m/mu} - 1), so
at mu = 4: E lambda = 2(1 + i)/pi, E lambda^2 = 2i/pi, E lambda^3 = 2(i - 1)/(3 pi); at mu = 8: Re E lambda^2 = 2/pi,
Re E lambda^4 = 0; at mu = 12: Re E lambda^{2k} = 3 sin(pi k/3)/(pi k)."""

import pytest
import sympy
from sympy import I, pi, sqrt

from ical_verify.theory import conditioning as c
from ical_verify.theory.errors import DomainError


def _eq(x, y) -> bool:
    """x == y, with x exact (no floating-point number in it): identically after expansion, or else to 40 digits at
    three rational points of the free symbols (exact expressions: a difference is then far above rounding level)."""
    if sympy.sympify(x).atoms(sympy.Float):
        return False
    d = sympy.expand(sympy.sympify(x) - y)
    if d == 0:
        return True
    syms = sorted(d.free_symbols, key=str)
    for n in range(3):
        at = {s: sympy.Rational(7 + 3 * n + 5 * j, 3 + j) for j, s in enumerate(syms)}
        if abs(complex(sympy.N(d.subs(at), 40))) > 1e-30:
            return False
    return True


def test_public_symbols_and_their_assumptions():
    assert c.THETA == sympy.Symbol("theta", real=True) and c.THETA.is_real
    assert c.MU == sympy.Symbol("mu", positive=True)
    assert c.K == sympy.Symbol("k", integer=True, nonzero=True) and c.K.is_integer
    assert c.Z == sympy.Symbol("z")
    assert c.p_symbols(3) == sympy.symbols("p1:4", real=True)
    assert [str(s) for s in c.p_symbols(2)] == ["p1", "p2"] and all(s.is_real for s in c.p_symbols(2))


def test_even_moment_by_hand_and_its_domain():
    assert _eq(c.even_moment(1, 4), 2 * I / pi)
    assert _eq(c.even_moment(-1, 4), -2 * I / pi)
    with pytest.raises(DomainError):
        c.even_moment(0)
    assert _eq(c.real_even_moment(1, 8), 2 / pi)


@pytest.mark.parametrize("m, mu, expected", [(0, 4, 1), (1, 4, 2 * (1 + I) / pi), (-1, 4, 2 * (1 - I) / pi),
                                             (3, 4, 2 * (I - 1) / (3 * pi)), (2, 4, 2 * I / pi),
                                             (-2, 4, -2 * I / pi)])
def test_laurent_expectation_by_hand(m, mu, expected):
    assert _eq(c.laurent_expectation(m, mu), expected)


@pytest.mark.parametrize("m, mu, expected", [(0, 8, 1), (1, 4, 2 / pi), (3, 4, -2 / (3 * pi)), (-1, 4, 2 / pi),
                                             (2, 8, 2 / pi), (-2, 8, 2 / pi), (4, 8, 0)])
def test_real_laurent_expectation_by_hand(m, mu, expected):
    assert _eq(c.real_laurent_expectation(m, mu), expected)


def test_real_even_moments_are_simplified_once_per_mu(monkeypatch):
    calls = []
    original = c.real_even_moment

    def counting(k, mu):
        calls.append(mu)
        return original(k, mu)

    monkeypatch.setattr(c, "real_even_moment", counting)
    monkeypatch.setattr(c, "_REAL_MOMENTS", {})            # an empty cache, whatever ran before
    mu = sympy.Integer(12)
    values = [c.real_laurent_expectation(m, mu) for m in (2, 4, 6, 2)]
    assert calls == [mu]
    for got, want in zip(values, [3 * sqrt(3) / (2 * pi), 3 * sqrt(3) / (4 * pi), 0, 3 * sqrt(3) / (2 * pi)]):
        assert _eq(got, want)


def test_laurent_coefficients_by_hand():
    p1, p2, p3 = c.p_symbols(3)
    q1, q2 = c.p_symbols(2)
    cm = q1 * q2 - q1
    assert c.laurent_coefficients(2) == {0: sympy.expand(q1 ** 2 + (q2 - 1) ** 2), 2: cm, -2: cm}
    got = c.laurent_coefficients(3)
    assert sorted(got) == [-4, -2, 0, 2, 4]
    assert got[4] == got[-4] == sympy.expand(p1 * (p3 - 1))
    assert got[2] == got[-2] == sympy.expand(p1 * p2 + p2 * (p3 - 1))
    assert got[0] == sympy.expand(p1 ** 2 + p2 ** 2 + (p3 - 1) ** 2)
    # numeric p: coefficients equal to 1 are kept, zero ones dropped
    assert c.laurent_coefficients(1, (0,)) == {0: 1}
    assert c.laurent_coefficients(2, (0, 1)) == {}
    assert c.laurent_coefficients(2, (1, 2)) == {0: 2, 2: 1, -2: 1}


def test_loss_7_by_hand():
    (p1,) = c.p_symbols(1)
    assert c.loss_7(1, 8) == p1 ** 2 - 2 * p1 + 1                      # T = 1: f = (p1 - 1) z
    q1, q2 = c.p_symbols(2)
    assert _eq(c.loss_7(2, 8), q1 ** 2 + (q2 - 1) ** 2 + 2 * q1 * (q2 - 1) * 2 / pi)


def test_loss_7_guards_and_pairs_through_its_coefficients(monkeypatch):
    a = sympy.Symbol("a", real=True)
    monkeypatch.setattr(c, "laurent_coefficients", lambda T: {1: 1, 0: 1})
    with pytest.raises(AssertionError):
        c.loss_7(1, 4)                                                 # z^1 without z^-1: p was not real
    monkeypatch.setattr(c, "laurent_coefficients", lambda T: {2: a, -2: a})
    assert _eq(c.loss_7(1, 8), 4 * a / pi)                            # no z^0 term: it counts 0
    monkeypatch.setattr(c, "laurent_coefficients", lambda T: {1: a, -1: a, 0: 3})
    assert _eq(c.loss_7(1, 4), 3 + 4 * a / pi)                        # 2 a Re E lambda at mu = 4


def test_printed_entry_and_matrix():
    assert _eq(c.printed_entry(1, 8), 2 / pi)
    assert _eq(c.printed_entry(2, 3), 3 * sqrt(3) / (16 * pi))       # 3/(8 pi) sin(8 pi/3)
    assert c.printed_hessian(1, 8) == sympy.Matrix([[1]])
    r = 2 / pi
    assert c.printed_hessian(3, 8) == sympy.Matrix([[1, r, 0], [r, 1, r], [0, r, 1]])
    H = c.printed_hessian(3, 5)                                       # k = 1 and k = 2 entries differ
    assert _eq(H[0, 2], c.printed_entry(2, 5)) and _eq(H[1, 2], c.printed_entry(1, 5))
    assert not _eq(H[0, 2], H[0, 1])


def test_hessian_quadratic_part_and_ratio_by_hand():
    r = 4 / pi
    assert c.hessian_7(1, 8) == sympy.Matrix([[2]])
    assert c.hessian_7(3, 8) == sympy.Matrix([[2, r, 0], [r, 2, r], [0, r, 2]])
    (p1,) = c.p_symbols(1)
    assert c.quadratic_part(1, 8) == p1 ** 2
    q1, q2, q3 = c.p_symbols(3)
    assert _eq(c.quadratic_part(3, 8), q1 ** 2 + q2 ** 2 + q3 ** 2 + r * (q1 * q2 + q2 * q3))
    assert c.hessian_ratio_to_printed(3, 8) == sympy.zeros(3, 3)
    assert c.hessian_ratio_to_printed(1, 8) == sympy.zeros(1, 1)


def test_limits():
    assert c.printed_diagonal_limit() == 1
    seen = []

    def entry(k, mu):
        seen.append(k)
        return sympy.sin(3 * k) / k

    assert c.printed_diagonal_limit(entry) == 3
    assert seen == [sympy.Symbol("k_real", real=True)] and seen[0].is_real   # k = t' - t is real
    assert c.limit_entry() == 1 and c.limit_entry(2) == 1


@pytest.mark.parametrize("T", [0, -1, 2.0, "3"])
def test_horizon_out_of_range(T):
    with pytest.raises(DomainError):
        c.p_symbols(T)
    with pytest.raises(DomainError):
        c.printed_hessian(T, 8)


def test_even_moments_are_the_symbolic_k_integral_at_half_m():
    """laurent_expectation's documented derivation for even m: even_moment at k = m/2 (one integral for every k);
    the expression, not only its value, is that one."""
    assert c.laurent_expectation(2, 8) == c.even_moment(c.K, 8).subs(c.K, 1)
