r"""Exact moments of centred Gaussian vectors (Isserlis' theorem / Wick's rule), symbolically.

For :math:`v \sim N(0, C)` in :math:`\mathbb{R}^m` Isserlis' theorem (1918) gives every moment as a sum over
the perfect matchings of the factors,

.. math:: \mathbb{E}[v_{i_1}\cdots v_{i_{2k}}] = \sum_{\text{pairings } \pi}\ \prod_{\{a,b\}\in\pi} C_{i_a i_b},
          \qquad \mathbb{E}[v_{i_1}\cdots v_{i_{2k+1}}] = 0 .

The engine evaluates it through the equivalent Gaussian integration by parts (Stein's lemma)
:math:`\mathbb{E}[v_i f(v)] = \sum_j C_{ij}\,\mathbb{E}[\partial_j f(v)]`, which for a monomial
:math:`v^k = \prod_j v_j^{k_j}` reads

.. math:: \mathbb{E}[v^{k}] = \sum_j C_{ij}\, k'_j\, \mathbb{E}[v^{k' - e_j}], \qquad k' = k - e_i ,

with i the first index with :math:`k_i > 0`; the recursion is memoised on exponent vectors, and independent
blocks of C (connected components of its non-zero pattern) are handled separately, so that the moment is the
product of the blocks' moments. Covariances may contain symbols (:math:`\sigma^2`, entries of
:math:`\Sigma`): moments are computed in the polynomial ring over them (exact rational arithmetic).

The engine is written once here and used by every Gaussian computation of the suite (the pre-training loss
of one-layer linear self-attention in :mod:`ical_verify.theory.linear_regression_icl`).

>>> x = sympy.Symbol("x")
>>> expectation(x**4, [x], [[1]])
3
>>> s = sympy.Symbol("s", positive=True)
>>> expectation(x**6, [x], [[s]])
15*s**3
"""

from __future__ import annotations

import itertools
from typing import Iterable, Sequence

import sympy
from sympy import QQ
from sympy.polys.rings import PolyElement, PolyRing

from .errors import DomainError


def pairings(items: Sequence) -> list[list[tuple]]:
    """The perfect matchings of ``items`` (an even number of them): (2k-1)!! lists of pairs.

    Isserlis' theorem sums over these; the engine uses the equivalent recursion, and the tests compare both.

    >>> pairings("abcd")
    [[('a', 'b'), ('c', 'd')], [('a', 'c'), ('b', 'd')], [('a', 'd'), ('b', 'c')]]
    >>> len(pairings(range(6)))
    15
    """
    items = list(items)
    if len(items) % 2:
        raise DomainError(f"{len(items)} items cannot be paired: the number must be even")
    if not items:
        return [[]]
    first, rest = items[0], items[1:]
    out = []
    for k, other in enumerate(rest):
        for tail in pairings(rest[:k] + rest[k + 1:]):
            out.append([(first, other)] + tail)
    return out


def isserlis_by_pairings(indices: Sequence[int], cov) -> sympy.Expr:
    r""":math:`\mathbb{E}[v_{i_1}\cdots v_{i_m}]` as the literal sum over pairings (slow; a reference).

    >>> isserlis_by_pairings([0, 0, 1, 1], sympy.Matrix([[1, 0], [0, 2]]))
    2
    """
    cov = sympy.Matrix(cov)
    if len(indices) % 2:
        return sympy.Integer(0)
    return sympy.expand(sum(sympy.Mul(*[cov[a, b] for a, b in p]) for p in pairings(list(indices))))


class GaussianVector:
    r"""A centred Gaussian vector :math:`v \sim N(0, C)` with named coordinates ``variables``.

    ``cov`` is a symmetric matrix (SymPy entries, symbols allowed, polynomial in its symbols). Use
    :meth:`expect` on a SymPy expression polynomial in the variables, or build polynomials in :attr:`ring`
    (generators: the variables, then the covariance's symbols and any ``parameters``) and use
    :meth:`expect_poly`, which is much faster for large expressions.

    >>> x, y = sympy.symbols("x y")
    >>> g = GaussianVector([x, y], [[1, sympy.Rational(1, 2)], [sympy.Rational(1, 2), 1]])
    >>> g.expect(x**2 * y**2)
    3/2
    """

    def __init__(self, variables: Sequence[sympy.Symbol], cov, parameters: Iterable[sympy.Symbol] = ()):
        self.variables = tuple(variables)
        m = len(self.variables)
        if len(set(self.variables)) != m:
            raise DomainError("the variables of a Gaussian vector must be distinct")
        cov = sympy.Matrix(cov)
        if cov.shape != (m, m):
            raise DomainError(f"covariance shape {cov.shape} does not match {m} variables")
        if (cov - cov.T).applyfunc(sympy.expand) != sympy.zeros(m, m):
            raise DomainError("the covariance matrix must be symmetric")
        params = set(parameters) | set().union(*[e.free_symbols for e in cov]) if m else set(parameters)
        if params & set(self.variables):
            raise DomainError("a covariance entry depends on a variable of the vector")
        self.parameters = tuple(sorted(params, key=str))
        self.ring: PolyRing = PolyRing(list(self.variables) + list(self.parameters) or [sympy.Dummy("c")], QQ)
        self._m = m
        self._cov = [[self.ring(cov[i, j]) for j in range(m)] for i in range(m)]
        self._blocks = self._components(cov)
        self._memo: list[dict] = [dict() for _ in self._blocks]
        self.cov = cov

    @property
    def gens(self) -> tuple[PolyElement, ...]:
        """The variables as elements of :attr:`ring` (to build polynomials for :meth:`expect_poly`)."""
        return self.ring.gens[:self._m]

    def param(self, symbol: sympy.Symbol) -> PolyElement:
        """A parameter symbol as an element of :attr:`ring`."""
        return self.ring.gens[self._m + self.parameters.index(symbol)]

    @staticmethod
    def _components(cov: sympy.Matrix) -> list[tuple[int, ...]]:
        m = cov.shape[0]
        seen, blocks = set(), []
        for start in range(m):
            if start in seen:
                continue
            stack, comp = [start], set()
            while stack:
                i = stack.pop()
                if i in comp:
                    continue
                comp.add(i)
                stack += [j for j in range(m) if j not in comp and cov[i, j] != 0]
            seen |= comp
            blocks.append(tuple(sorted(comp)))
        return blocks

    def _block_moment(self, b: int, k: tuple[int, ...]) -> PolyElement:
        """E[prod v_j^k_j] over block b (k indexed like the block's coordinates)."""
        memo = self._memo[b]
        if k in memo:
            return memo[k]
        if sum(k) % 2:
            val = self.ring.zero
        elif not any(k):
            val = self.ring.one
        else:
            idx = self._blocks[b]
            i = next(a for a, e in enumerate(k) if e)
            kp = list(k)
            kp[i] -= 1
            val = self.ring.zero
            for j, e in enumerate(kp):
                c = self._cov[idx[i]][idx[j]]
                if e and c:
                    low = list(kp)
                    low[j] -= 1
                    val += c * e * self._block_moment(b, tuple(low))
        memo[k] = val
        return val

    def moment(self, exponents: Sequence[int]) -> PolyElement:
        r""":math:`\mathbb{E}[\prod_j v_j^{k_j}]` as an element of :attr:`ring` (polynomial in the parameters)."""
        if len(exponents) != self._m or any(int(e) != e or e < 0 for e in exponents):
            raise DomainError(f"exponents {tuple(exponents)} must be {self._m} non-negative integers")
        out = self.ring.one
        for b, idx in enumerate(self._blocks):
            out *= self._block_moment(b, tuple(int(exponents[i]) for i in idx))
            if not out:
                break
        return out

    def expect_poly(self, p: PolyElement) -> PolyElement:
        """E[p] for p in :attr:`ring`: a polynomial in the parameters only (an element of :attr:`ring`)."""
        if p.ring != self.ring:
            raise DomainError("the polynomial belongs to another ring: build it from GaussianVector.gens")
        m = self._m
        out = self.ring.zero
        cache: dict = {}
        for monom, coeff in p.terms():
            g = monom[:m]
            if sum(g) % 2:
                continue
            if g not in cache:
                cache[g] = self.moment(g)
            mom = cache[g]
            if mom:
                out += mom.mul_monom((0,) * m + monom[m:]) * coeff
        return out

    def expect(self, expr) -> sympy.Expr:
        """E[expr] for a SymPy expression polynomial in the variables (coefficients polynomial in parameters)."""
        expr = sympy.sympify(expr)
        extra = expr.free_symbols - set(self.variables) - set(self.parameters)
        if extra:
            # new parameters: a wider ring
            wider = GaussianVector(self.variables, self.cov, set(self.parameters) | extra)
            return wider.expect(expr)
        try:
            p = self.ring.from_expr(sympy.expand(expr))
        except (ValueError, TypeError, sympy.polys.polyerrors.PolynomialError) as exc:
            raise DomainError(f"{expr} is not a polynomial in {self.variables} and the parameters") from exc
        return self.expect_poly(p).as_expr()


def expectation(expr, variables: Sequence[sympy.Symbol], cov) -> sympy.Expr:
    r""":math:`\mathbb{E}[\mathrm{expr}(v)]` for :math:`v \sim N(0, \mathrm{cov})` (Isserlis; exact).

    >>> x1, x2 = sympy.symbols("x1 x2")
    >>> expectation((x1**2 + x2**2)**2, [x1, x2], sympy.eye(2))   # E||x||^4 = d(d+2)
    8
    """
    return GaussianVector(variables, cov).expect(expr)


def block_covariance(*blocks) -> sympy.Matrix:
    """The block-diagonal covariance of independent Gaussian blocks (each a square matrix or a scalar).

    >>> block_covariance(sympy.eye(2), sympy.Symbol("s"))
    Matrix([
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, s]])
    """
    mats = [sympy.Matrix(b) if not isinstance(b, (int, sympy.Basic)) or isinstance(b, sympy.MatrixBase)
            else sympy.Matrix([[b]]) for b in blocks]
    return sympy.diag(*mats)


def symmetric_matrix_symbols(name: str, d: int, **assumptions) -> sympy.Matrix:
    """A d x d symmetric matrix of symbols ``name_ij`` (i <= j).

    >>> symmetric_matrix_symbols("S", 2)
    Matrix([
    [S_11, S_12],
    [S_12, S_22]])
    """
    M = sympy.zeros(d, d)
    for i, j in itertools.combinations_with_replacement(range(d), 2):
        M[i, j] = M[j, i] = sympy.Symbol(f"{name}_{i + 1}{j + 1}", real=True, **assumptions)
    return M
