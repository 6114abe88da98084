r"""Torus expectations with the sequence length T and the time indices carried as symbols.

Under :math:`\mathbb{E}_\lambda(\lambda_i^k) = \delta_{k=0}` (Sander et al., Appendix A.3) the expectation of a
monomial whose exponents are affine in the time indices :math:`t, t'` and in T is the indicator of an affine
system :math:`E(t, t', T) = 0`. Sums such as :math:`\sum_{t,t'=1}^T p_t p_{t'}\,\mathbb{E}(\dots)` (A.6) are
then sums of :math:`p_t p_{t'}` over the integer points of an affine set inside the box :math:`[1, T]^2`, and
for every T except finitely many they take one of a few forms:

- no point: 0;
- one point :math:`(t, t') = (T + c_1, T + c_2)` (or a fixed index): :math:`p_{T+c_1}p_{T+c_2}`;
- a diagonal :math:`t' = t - c`: the lag sum :math:`\sum_t p_t p_{t-c}` (:math:`\|p\|^2` for c = 0);
- one index fixed, the other free: :math:`p_{T+c}\sum_t p_t`;
- the whole box: :math:`(\sum_t p_t)^2`.

:func:`solve_affine` solves the system for a symbolic T and lists the *coincidence values* of T where its
solution set is not the generic one; :func:`box_sum` sums over the box for a symbolic T and lists the values
of T where a point leaves the box. A caller checks the generic case symbolically and every exceptional T
concretely (:func:`box_sum_concrete`): together they cover every T >= 2.

Statistics of the row p are SymPy symbols (:class:`RowStatistics`); :meth:`RowStatistics.values` gives their
values for a concrete row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product
from math import ceil
from typing import Iterable, Sequence

import sympy

from .errors import DomainError

#: The sequence length, an integer symbol.
T = sympy.Symbol("T", integer=True, positive=True)
#: Time indices of the two factors of a mean square (A.6 writes t, t'; A.3 writes t_1, t_2).
t1, t2 = sympy.Symbol("t", integer=True), sympy.Symbol("t'", integer=True)

#: The smallest sequence length the losses use (Sander et al. (3): T = 2..T_max).
T_MIN = 2


class NotCertifiable(DomainError):
    """The affine system or the sum is outside the forms this module sums in closed form."""


class RowStatistics:
    r"""Symbols for the statistics of a row :math:`w = (w_1, \dots, w_T)` (the positional row p of (6)).

    ``sq`` is :math:`\sum_t w_t^2`, ``total`` is :math:`\sum_t w_t`, ``end(c)`` is :math:`w_{T+c}` (c <= 0),
    ``start(c)`` is :math:`w_c` (c >= 1), ``lag(c)`` is :math:`\sum_t w_t w_{t+c}` (``lag(0) == sq``).

    >>> s = RowStatistics("p")
    >>> s.end(-1), s.sq, s.total
    (p_{T-1}, \|p\|^2, \Sigma p)
    >>> sorted(str(v) for v in s.values([1, 2, 3]).values())
    ['14', '2', '3', '6']
    """

    def __init__(self, name: str = "p"):
        self.name = name
        self.sq = sympy.Symbol(rf"\|{name}\|^2", real=True)
        self.total = sympy.Symbol(rf"\Sigma {name}", real=True)
        self._end: dict[int, sympy.Symbol] = {}
        self._start: dict[int, sympy.Symbol] = {}
        self._lag: dict[int, sympy.Symbol] = {}
        for c in (0, -1):
            self.end(c)

    def end(self, c: int) -> sympy.Symbol:
        """:math:`w_{T+c}`."""
        c = int(c)
        if c > 0:
            raise DomainError(f"w_(T{c:+d}) is outside the row: the offset must be <= 0")
        if c not in self._end:
            self._end[c] = sympy.Symbol(f"{self.name}_T" if c == 0 else f"{self.name}_{{T{c:+d}}}", real=True)
        return self._end[c]

    def start(self, c: int) -> sympy.Symbol:
        """:math:`w_c` for a fixed index c >= 1."""
        c = int(c)
        if c < 1:
            raise DomainError(f"w_{c} is outside the row: the index must be >= 1")
        if c not in self._start:
            self._start[c] = sympy.Symbol(f"{self.name}_{{({c})}}", real=True)
        return self._start[c]

    def lag(self, c: int) -> sympy.Symbol:
        r""":math:`\sum_t w_t w_{t+|c|}` (``lag(0)`` is ``sq``)."""
        c = abs(int(c))
        if c == 0:
            return self.sq
        if c not in self._lag:
            self._lag[c] = sympy.Symbol(f"R_{self.name}({c})", real=True)
        return self._lag[c]

    def symbols(self) -> list[sympy.Symbol]:
        return [self.sq, self.total, *self._end.values(), *self._start.values(), *self._lag.values()]

    def values(self, row: Sequence) -> dict:
        """The value of every statistic created so far for a concrete row (a list of numbers or symbols)."""
        row = list(row)
        n = len(row)
        out = {self.sq: sum((x ** 2 for x in row), sympy.Integer(0)), self.total: sum(row, sympy.Integer(0))}
        for c, s in self._end.items():
            out[s] = row[n - 1 + c] if n + c >= 1 else sympy.Integer(0)
        for c, s in self._start.items():
            out[s] = row[c - 1] if c <= n else sympy.Integer(0)
        for c, s in self._lag.items():
            out[s] = sum((row[t] * row[t + c] for t in range(n - c)), sympy.Integer(0))
        return out


def row_symbols(name: str, length: int) -> list[sympy.Symbol]:
    """Real symbols ``name_1 .. name_length`` for a concrete row (the exceptional cases)."""
    return [sympy.Symbol(f"{name}_{k}", real=True) for k in range(1, length + 1)]


# affine systems ---------------------------------------------------------------------------------------
def _affine(expr, variables: Sequence[sympy.Symbol]) -> tuple[list[Fraction], sympy.Expr]:
    """Coefficients of ``expr`` in ``variables`` (rationals) and the remainder (affine in T)."""
    expr = sympy.expand(expr)
    coeffs = []
    for v in variables:
        c = expr.coeff(v)
        if c.free_symbols:
            raise NotCertifiable(f"{expr} is not affine in {list(variables)} with constant coefficients")
        coeffs.append(Fraction(int(sympy.numer(c)), int(sympy.denom(c))))
    rest = sympy.expand(expr - sum(sympy.Rational(c.numerator, c.denominator) * v for c, v in zip(coeffs, variables)))
    if rest.free_symbols - {T}:
        raise NotCertifiable(f"{expr}: the remainder {rest} involves symbols other than T")
    if rest.has(T) and sympy.degree(rest, T) > 1:
        raise NotCertifiable(f"{expr}: the remainder {rest} is not affine in T")
    return coeffs, rest


@dataclass(frozen=True)
class AffineSolution:
    r"""The integer solutions :math:`x \in \mathbb{Z}^n` of an affine system, for a generic integer T >= 2.

    ``kind``: ``"empty"``, ``"point"`` (``values`` gives every coordinate, affine in T), ``"fixed"`` (n = 2:
    ``values`` has one coordinate, the other is free), ``"diagonal"`` (n = 2: :math:`x_2 = x_1 -`
    ``offset``), ``"all"``. ``special`` lists the integers T >= 2 at which the system has other solutions than
    the generic ones (a condition :math:`gT + h = 0`).
    """

    kind: str
    values: dict = field(default_factory=dict)
    offset: sympy.Expr | None = None
    special: tuple[int, ...] = ()


def solve_affine(equations: Iterable, variables: Sequence[sympy.Symbol]) -> AffineSolution:
    r"""Solve :math:`E(x, T) = 0` for integer x and a symbolic integer T (Gaussian elimination over
    :math:`\mathbb{Q}`, the T-parts carried along).

    >>> solve_affine([t1 - T + 1, t2 - T + 1], [t1, t2]).values
    {0: T - 1, 1: T - 1}
    >>> solve_affine([2 * t2 - 2 * t1], [t1, t2]).kind, solve_affine([T - 3], [t1, t2]).special
    ('diagonal', (3,))
    >>> solve_affine([t1 - T - 1], [t1]).kind     # the solution is out of the box only later (box_sum)
    'point'
    """
    variables = list(variables)
    n = len(variables)
    rows = []
    for e in equations:
        coeffs, rest = _affine(e, variables)
        rows.append((coeffs, -rest))            # coeffs . x = rhs
    pivots: list[int] = []
    r = 0
    for col in range(n):
        sel = next((k for k in range(r, len(rows)) if rows[k][0][col] != 0), None)
        if sel is None:
            continue
        rows[r], rows[sel] = rows[sel], rows[r]
        cr, rr = rows[r]
        piv = cr[col]
        cr = [c / piv for c in cr]
        rr = sympy.expand(rr / sympy.Rational(piv.numerator, piv.denominator))
        rows[r] = (cr, rr)
        for k in range(len(rows)):
            if k != r and rows[k][0][col] != 0:
                f = rows[k][0][col]
                rows[k] = ([a - f * b for a, b in zip(rows[k][0], cr)],
                           sympy.expand(rows[k][1] - sympy.Rational(f.numerator, f.denominator) * rr))
        pivots.append(col)
        r += 1
    special: set[int] = set()
    for coeffs, rhs in rows[r:]:
        g, h = sympy.expand(rhs).coeff(T), sympy.expand(rhs).subs(T, 0)
        if g == 0 and h == 0:
            continue
        if g == 0:
            return AffineSolution("empty")
        root = -h / g
        if root.is_integer and root >= T_MIN:
            special.add(int(root))
        return AffineSolution("empty", special=tuple(sorted(special)))
    if r == 0:
        return AffineSolution("all")
    if r == n:
        return AffineSolution("point", {pivots[k]: rows[k][1] for k in range(n)})
    if n == 2 and r == 1:
        (a, b), rhs = rows[0]                  # the pivot row, normalised: its first non-zero coefficient is 1
        if b == 0:
            return AffineSolution("fixed", {0: rhs})
        if a == 0:
            return AffineSolution("fixed", {1: rhs})
        if a == -b:
            return AffineSolution("diagonal", offset=rhs)
    raise NotCertifiable(f"affine solution set of rank {r} in {n} variables is not summed in closed form")


# sums over the box [1, T]^n ---------------------------------------------------------------------------
def _in_box(value, Tv: int) -> bool:
    v = sympy.sympify(value).subs(T, Tv)
    return bool(v.is_integer and 1 <= v <= Tv)


def _index_statistic(value, stats: RowStatistics) -> tuple[sympy.Expr, set[int]]:
    """:math:`w_{v(T)}` for an index affine in T, and the T >= 2 where membership in [1, T] is not generic."""
    value = sympy.expand(value)
    a, b = value.coeff(T), value.subs(T, 0)
    if not (a.is_integer and b.is_integer):
        raise NotCertifiable(f"index {value} is not an integer for every integer T")
    a, b = int(a), int(b)
    if a == 1:
        generic = b <= 0
        stat = stats.end(b) if generic else sympy.Integer(0)
    elif a == 0:
        generic = b >= 1
        stat = stats.start(b) if generic else sympy.Integer(0)
    else:
        generic, stat = False, sympy.Integer(0)
    # each of a T + b >= 1 and (a - 1) T + b <= 0 changes truth at most once, at its crossing point; from the
    # ceiling of the last crossing on, membership is the generic one (an integer crossing is itself scanned)
    crossings = [abs(Fraction(1 - b, a)) if a else 0, abs(Fraction(-b, a - 1)) if a != 1 else 0]
    bound = max(T_MIN, int(ceil(max(crossings))))
    exceptions = {Tv for Tv in range(T_MIN, bound + 1) if _in_box(value, Tv) != generic}
    return stat, exceptions


@dataclass(frozen=True)
class BoxSum:
    r"""A sum over the box for a symbolic T: ``value`` holds for every integer T >= 2 not in ``exceptions``."""

    value: sympy.Expr
    exceptions: frozenset = frozenset()


def box_sum(solution: AffineSolution, n: int, stats: RowStatistics) -> BoxSum:
    r"""Sum of :math:`\prod_r w_{x_r}` over the solutions :math:`x \in [1, T]^n` (n = 1 or 2).

    >>> s = RowStatistics("p")
    >>> box_sum(solve_affine([t1 - t2], [t1, t2]), 2, s).value
    \|p\|^2
    >>> b = box_sum(solve_affine([t1 - T + 1, t2 - T + 1], [t1, t2]), 2, s)
    >>> b.value, sorted(b.exceptions)
    (p_{T-1}**2, [])
    >>> box_sum(solve_affine([t1 - T - 1], [t1]), 1, s).value
    0
    """
    exc = set(solution.special)
    if solution.kind == "empty":
        return BoxSum(sympy.Integer(0), frozenset(exc))
    if solution.kind == "all":
        return BoxSum(stats.total ** n, frozenset(exc))
    if solution.kind == "point":
        value = sympy.Integer(1)
        for k in range(n):
            stat, e = _index_statistic(solution.values[k], stats)
            value *= stat
            exc |= e
        return BoxSum(sympy.expand(value), frozenset(exc))
    if solution.kind == "fixed":
        ((k, v),) = solution.values.items()
        stat, e = _index_statistic(v, stats)
        return BoxSum(sympy.expand(stat * stats.total), frozenset(exc | e))
    if solution.kind == "diagonal":
        off = sympy.expand(solution.offset)
        if off.has(T) or not off.is_integer:
            raise NotCertifiable(f"diagonal offset {off} depends on T: not summed in closed form")
        return BoxSum(stats.lag(int(off)), frozenset(exc))
    raise NotCertifiable(f"unknown solution kind {solution.kind!r}")


def box_sum_concrete(equations: Iterable, variables: Sequence[sympy.Symbol], T_value: int,
                     row: Sequence) -> sympy.Expr:
    r"""The same sum for a concrete T by enumeration: :math:`\sum_{x \in [1,T]^n,\,E(x,T)=0} \prod_r w_{x_r}`.

    >>> w = row_symbols("p", 3)
    >>> box_sum_concrete([t1 - t2], [t1, t2], 3, w)
    p_1**2 + p_2**2 + p_3**2
    """
    equations = [sympy.sympify(e).subs(T, T_value) for e in equations]
    total = sympy.Integer(0)
    for x in product(range(1, T_value + 1), repeat=len(variables)):
        sub = dict(zip(variables, x))
        if all(e.subs(sub) == 0 for e in equations):
            term = sympy.Integer(1)
            for v in x:
                term *= row[v - 1]
            total += term
    return sympy.expand(total)


__all__ = ["T", "t1", "t2", "T_MIN", "NotCertifiable", "RowStatistics", "row_symbols", "AffineSolution",
           "solve_affine", "BoxSum", "box_sum", "box_sum_concrete"]
