r"""Laurent polynomials on the torus and their exact expectations.

The proofs of §4 and §5 of Sander et al. (ICML 2024) rest on one fact (Appendix A.3):

.. math:: \mathbb{E}_\lambda(\lambda_i^k) = \delta_{k=0} \quad\text{for } \lambda_i \text{ uniform on the unit circle.}

A function of the context :math:`\lambda \in \mathcal{U}^d` built from the model's output is a Laurent
polynomial :math:`f(\lambda) = \sum_{k \in \mathbb{Z}^d} c_k \lambda^k` (here :math:`\lambda^k =
\prod_i \lambda_i^{k_i}`), so that for independent uniform phases (the unitary contexts
:math:`\mathcal{C}_U`)

.. math:: \mathbb{E} f = c_0, \qquad \mathbb{E}|f|^2 = \sum_k |c_k|^2 \quad\text{(Parseval)},

and the product :math:`f\bar f` never needs to be formed. For the orthogonal contexts :math:`\mathcal{C}_O`
(pairs :math:`\lambda_{2i} = \bar\lambda_{2i-1}`, :math:`d = 2\delta`) the substitution
:math:`\lambda_{2i} = 1/\lambda_{2i-1}` gives a Laurent polynomial in :math:`\delta` independent uniform
phases, to which the same rules apply.

Coefficients are SymPy expressions (symbols for entries of C, p, a_i, b_i) or numbers. Conjugation on the
torus maps :math:`\lambda \mapsto 1/\lambda` and conjugates the coefficients.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, Sequence

import sympy

from .errors import DomainError

Exponent = tuple[int, ...]


def torus_moment(k: int):
    r"""E[λ^k] for λ uniform on the unit circle: :math:`\delta_{k=0}` (Appendix A.3).

    >>> torus_moment(0), torus_moment(3), torus_moment(-1)
    (1, 0, 0)
    """
    return sympy.Integer(1) if k == 0 else sympy.Integer(0)


def w_mu_moment(k: int, mu):
    r"""E[λ^k] for λ = e^{iθ/μ}, θ uniform on (0, 2π): the distribution :math:`\mathcal{W}(\mu)` of §5.3.

    .. math:: \mathbb{E}\lambda^k = \frac{\mu}{2\pi} \int_0^{2\pi/\mu} e^{ik\phi} d\phi
              = \frac{e^{2\pi i k/\mu} - 1}{2\pi i k/\mu}, \qquad \mathbb{E}\lambda^0 = 1.

    >>> w_mu_moment(0, 7)
    1
    >>> sympy.simplify(w_mu_moment(2, 1))   # μ = 1 is the uniform circle
    0
    """
    mu = sympy.sympify(mu)
    if mu.is_number and not (mu >= 1):
        raise DomainError(f"mu = {mu} is out of range: mu must be >= 1")
    if k == 0:
        return sympy.Integer(1)
    x = 2 * sympy.pi * k / mu
    return (sympy.exp(sympy.I * x) - 1) / (sympy.I * x)


class LaurentPolynomial:
    r"""A Laurent polynomial :math:`\sum_k c_k \lambda^k` in ``nvars`` torus variables.

    Terms are kept collected (one coefficient per exponent) and zero coefficients are dropped.

    >>> l1, l2 = LaurentPolynomial.variables(2)
    >>> a = sympy.Symbol("a", real=True)
    >>> f = a * l1 * l2**-1 + 2
    >>> f.expectation(), f.mean_square()
    (2, a**2 + 4)
    >>> (f * f.conjugate()).expectation() == f.mean_square()
    True
    """

    __slots__ = ("nvars", "terms")

    def __init__(self, nvars: int, terms: Mapping[Exponent, object] | Iterable[tuple[Exponent, object]] = ()):
        if nvars < 0:
            raise DomainError(f"nvars = {nvars} is out of range: it must be >= 0")
        self.nvars = nvars
        items = terms.items() if isinstance(terms, Mapping) else terms
        collected: dict[Exponent, object] = {}
        for k, c in items:
            k = tuple(int(x) for x in k)
            if len(k) != nvars:
                raise DomainError(f"exponent {k} has {len(k)} entries; expected nvars = {nvars}")
            collected[k] = collected.get(k, 0) + sympy.sympify(c)
        self.terms = {k: c for k, c in collected.items() if c != 0}

    # construction -------------------------------------------------------------------------------
    @classmethod
    def constant(cls, nvars: int, c=1) -> "LaurentPolynomial":
        return cls(nvars, {(0,) * nvars: c})

    @classmethod
    def monomial(cls, exponent: Sequence[int], c=1) -> "LaurentPolynomial":
        """:math:`c\\,\\lambda^k` for the exponent vector ``k``."""
        return cls(len(exponent), {tuple(exponent): c})

    @classmethod
    def variables(cls, nvars: int) -> list["LaurentPolynomial"]:
        """The coordinate functions λ_1, ..., λ_n."""
        out = []
        for i in range(nvars):
            k = [0] * nvars
            k[i] = 1
            out.append(cls.monomial(k))
        return out

    # arithmetic ---------------------------------------------------------------------------------
    def _coerce(self, other) -> "LaurentPolynomial":
        if isinstance(other, LaurentPolynomial):
            if other.nvars != self.nvars:
                raise DomainError(f"cannot combine polynomials in {self.nvars} and {other.nvars} variables")
            return other
        return LaurentPolynomial.constant(self.nvars, other)

    def __add__(self, other):
        other = self._coerce(other)
        return LaurentPolynomial(self.nvars, list(self.terms.items()) + list(other.terms.items()))

    __radd__ = __add__

    def __neg__(self):
        return LaurentPolynomial(self.nvars, {k: -c for k, c in self.terms.items()})

    def __sub__(self, other):
        return self + (-self._coerce(other))

    def __rsub__(self, other):
        return self._coerce(other) - self

    def __mul__(self, other):
        if not isinstance(other, LaurentPolynomial):
            c = sympy.sympify(other)
            return LaurentPolynomial(self.nvars, {k: v * c for k, v in self.terms.items()})
        other = self._coerce(other)
        out: list[tuple[Exponent, object]] = []
        for k1, c1 in self.terms.items():
            for k2, c2 in other.terms.items():
                out.append((tuple(a + b for a, b in zip(k1, k2)), c1 * c2))
        return LaurentPolynomial(self.nvars, out)

    __rmul__ = __mul__

    def __pow__(self, n: int):
        if len(self.terms) == 1 and isinstance(n, int):
            ((k, c),) = self.terms.items()
            return LaurentPolynomial(self.nvars, {tuple(n * x for x in k): c ** n})
        if not isinstance(n, int) or n < 0:
            raise DomainError(f"power {n} is out of range: only monomials take negative powers")
        out = LaurentPolynomial.constant(self.nvars, 1)
        for _ in range(n):
            out = out * self
        return out

    def __eq__(self, other) -> bool:
        if not isinstance(other, LaurentPolynomial):
            other = LaurentPolynomial.constant(self.nvars, other)
        diff = self - other
        return all(sympy.expand(c) == 0 for c in diff.terms.values())

    __hash__ = None  # mutable-looking value type

    def __repr__(self) -> str:
        return f"LaurentPolynomial({self.nvars}, {len(self.terms)} terms)"

    # torus operations ---------------------------------------------------------------------------
    def conjugate(self) -> "LaurentPolynomial":
        r""":math:`\overline{f}` on the torus: :math:`\bar\lambda = 1/\lambda`, coefficients conjugated."""
        return LaurentPolynomial(self.nvars, {tuple(-x for x in k): sympy.conjugate(c)
                                              for k, c in self.terms.items()})

    def conjugate_pairs(self) -> "LaurentPolynomial":
        r"""Substitute :math:`\lambda_{2i} = \bar\lambda_{2i-1} = 1/\lambda_{2i-1}` (contexts :math:`\mathcal{C}_O`).

        The result is a polynomial in :math:`\delta = d/2` variables, one per conjugate pair.

        >>> l1, l2 = LaurentPolynomial.variables(2)
        >>> (l1 * l2 + l1**2).conjugate_pairs().terms == {(0,): 1, (2,): 1}
        True
        """
        if self.nvars % 2:
            raise DomainError(f"d = {self.nvars} is odd: orthogonal contexts need an even d = 2*delta")
        out = []
        for k, c in self.terms.items():
            out.append((tuple(k[2 * i] - k[2 * i + 1] for i in range(self.nvars // 2)), c))
        return LaurentPolynomial(self.nvars // 2, out)

    def _reduced(self, context: str) -> "LaurentPolynomial":
        if context == "unitary":
            return self
        if context == "orthogonal":
            return self.conjugate_pairs()
        raise DomainError(f"unknown context {context!r}: valid contexts are unitary, orthogonal")

    def constant_term(self):
        """The coefficient of :math:`\\lambda^0`."""
        return self.terms.get((0,) * self.nvars, sympy.Integer(0))

    def expectation(self, context: str = "unitary"):
        r""":math:`\mathbb{E} f` for contexts :math:`\mathcal{C}_U` (``"unitary"``) or :math:`\mathcal{C}_O`."""
        return sympy.expand(self._reduced(context).constant_term())

    def mean_square(self, context: str = "unitary"):
        r""":math:`\mathbb{E}|f|^2 = \sum_k |c_k|^2` (Parseval), without forming :math:`f\bar f`."""
        reduced = self._reduced(context)
        return sympy.expand(sum((c * sympy.conjugate(c) for c in reduced.terms.values()), sympy.Integer(0)))

    def expectation_with_moments(self, moment: Callable[[int], object]):
        r""":math:`\mathbb{E} f = \sum_k c_k \prod_i m(k_i)` for independent coordinates with moments ``m``.

        >>> l, = LaurentPolynomial.variables(1)
        >>> (l + l**-1 + 3).expectation_with_moments(torus_moment)
        3
        """
        total = sympy.Integer(0)
        for k, c in self.terms.items():
            factor = sympy.Integer(1)
            for x in k:
                factor *= moment(x)
            total += c * factor
        return total

    # conversion ---------------------------------------------------------------------------------
    def subs(self, mapping) -> "LaurentPolynomial":
        """Substitute values for symbols in the coefficients."""
        return LaurentPolynomial(self.nvars, {k: sympy.sympify(c).subs(mapping) for k, c in self.terms.items()})

    def free_symbols(self) -> set:
        out: set = set()
        for c in self.terms.values():
            out |= sympy.sympify(c).free_symbols
        return out

    def to_arrays(self):
        """``(exponents, coefficients)`` as lists, for numeric engines (coefficients must be numbers)."""
        exps = list(self.terms.keys())
        coeffs = [complex(sympy.N(c)) for c in self.terms.values()]
        return exps, coeffs

    def as_expr(self, lambdas: Sequence[sympy.Symbol] | None = None):
        """The SymPy expression :math:`\\sum_k c_k \\lambda^k` in symbols λ_1..λ_n."""
        if lambdas is None:
            lambdas = sympy.symbols(f"lambda_1:{self.nvars + 1}")
        return sympy.Add(*[c * sympy.Mul(*[l ** e for l, e in zip(lambdas, k)]) for k, c in self.terms.items()])


def mean_square_norm(components: Iterable[LaurentPolynomial], context: str = "unitary"):
    r""":math:`\mathbb{E}\|f\|^2 = \sum_i \mathbb{E}|f_i|^2` for a vector of Laurent polynomials.

    >>> l1, l2 = LaurentPolynomial.variables(2)
    >>> mean_square_norm([l1 - 1, l2 * l1], "unitary")
    3
    """
    return sympy.expand(sum((f.mean_square(context) for f in components), sympy.Integer(0)))
