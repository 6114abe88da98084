r"""Index patterns: sums over coordinate indices reduced to finitely many cases, for every dimension d.

The losses of §5 of Sander et al. (ICML 2024) are sums over coordinate indices of terms whose expectation
depends on the indices only through which of them coincide (Appendix A.3 lists the cases "j_1 = j_2 = i",
"j_1 = j_2 \ne i", ...; A.6 the cases "j \ne k", "j = k"). For the unitary contexts :math:`\mathcal{C}_U`
the *pattern* of an index tuple is the set partition of its positions into equal values; for the orthogonal
contexts :math:`\mathcal{C}_O` (:math:`\lambda_{2m} = \bar\lambda_{2m-1}`, d = 2δ) it is the partition into
conjugate pairs together with, inside each block, whether a position holds the same index as the block's
first position (sign +1) or its partner (sign -1).

A :class:`PatternForm` is a quadratic polynomial in the entries of a d x d matrix C written *per row* i,

.. math:: \sum_{i=1}^d \Big[\sum_{j,k} Q(\pi(i,j,k))\, C_{ij}C_{ik} + \sum_j L(\pi(i,j))\, C_{ij} + K\Big],

with coefficients Q, L, K that depend on the indices only through their pattern and not on d. Two such forms
are equal **for every d** as soon as their coefficients agree pattern by pattern (after symmetrising Q in j
and k, since :math:`C_{ij}C_{ik} = C_{ik}C_{ij}`): both sides are then the same sum over the same index tuples.
Conversely a pattern on which they differ is realised as soon as d (or δ) reaches its number of blocks, so
checking the closed forms at d = 1, 2, 3 (δ = 1, 2, 3) meets every pattern: this is the *index-pattern
reduction* (:func:`reduction_sizes`).

Coefficients are SymPy expressions (typically in the statistics of a positional row p, see
:mod:`ical_verify.theory.symbolic_exponents`).
"""

from __future__ import annotations

from itertools import product
from typing import Callable, Iterable, Mapping, Sequence

import sympy

from .errors import DomainError

CONTEXTS = ("unitary", "orthogonal")

#: A pattern: one (block, sign) pair per position, canonical (blocks numbered in order of first appearance,
#: the first position of each block has sign +1).
Pattern = tuple[tuple[int, int], ...]


def _check_context(context: str) -> None:
    if context not in CONTEXTS:
        raise DomainError(f"unknown context {context!r}: valid contexts are {', '.join(CONTEXTS)}")


def _restricted_growth(n: int) -> list[tuple[int, ...]]:
    """All set partitions of n positions as restricted growth strings (block of each position)."""
    out: list[tuple[int, ...]] = []

    def rec(prefix: list[int], top: int) -> None:
        if len(prefix) == n:
            out.append(tuple(prefix))
            return
        for b in range(top + 2):
            rec(prefix + [b], max(top, b))

    if n == 0:
        return [()]
    rec([0], 0)
    return out


def patterns(n: int, context: str = "unitary") -> list[Pattern]:
    r"""Every pattern of ``n`` index positions.

    Unitary: the set partitions (Bell number: 1, 2, 5 for n = 1, 2, 3). Orthogonal: set partitions into
    conjugate pairs, with a relative sign for every position but the first of its block.

    >>> len(patterns(3)), len(patterns(2, "orthogonal")), len(patterns(3, "orthogonal"))
    (5, 3, 11)
    >>> patterns(2)
    [((0, 1), (0, 1)), ((0, 1), (1, 1))]
    """
    _check_context(context)
    out = []
    for rgs in _restricted_growth(n):
        if context == "unitary":
            out.append(tuple((b, 1) for b in rgs))
            continue
        firsts = {b: rgs.index(b) for b in set(rgs)}
        free = [r for r in range(n) if firsts[rgs[r]] != r]
        for signs in product((1, -1), repeat=len(free)):
            s = [1] * n
            for r, v in zip(free, signs):
                s[r] = v
            out.append(tuple(zip(rgs, s)))
    return out


def coordinate(index: int, context: str) -> tuple[int, int]:
    r"""The torus variable of coordinate ``index`` (0-based): ``(variable, sign)``.

    Unitary: :math:`\lambda_i` is its own variable. Orthogonal: coordinates 2m, 2m+1 (0-based) are
    :math:`\mu_m` and :math:`\bar\mu_m = \mu_m^{-1}`.

    >>> coordinate(3, "unitary"), coordinate(3, "orthogonal")
    ((3, 1), (1, -1))
    """
    _check_context(context)
    return (index, 1) if context == "unitary" else (index // 2, 1 if index % 2 == 0 else -1)


def pattern_of(indices: Sequence[int], context: str = "unitary") -> Pattern:
    r"""The pattern of a tuple of (0-based) coordinate indices.

    >>> pattern_of((2, 5, 2))
    ((0, 1), (1, 1), (0, 1))
    >>> pattern_of((0, 1, 3), "orthogonal")     # 1 is the partner of 0; 3 belongs to another pair
    ((0, 1), (0, -1), (1, 1))
    """
    blocks: dict[int, tuple[int, int]] = {}
    out = []
    for idx in indices:
        var, sign = coordinate(idx, context)
        if var not in blocks:
            blocks[var] = (len(blocks), sign)
        b, first = blocks[var]
        out.append((b, sign * first))
    return tuple(out)


def restrict(pattern: Pattern, positions: Sequence[int]) -> Pattern:
    """The pattern of the sub-tuple at ``positions`` (re-canonicalised).

    >>> restrict(((0, 1), (1, 1), (1, -1)), (0, 2))
    ((0, 1), (1, 1))
    >>> restrict(((0, 1), (1, 1), (1, -1)), (1, 2))
    ((0, 1), (0, -1))
    """
    blocks: dict[int, tuple[int, int]] = {}
    out = []
    for r in positions:
        b, s = pattern[r]
        if b not in blocks:
            blocks[b] = (len(blocks), s)
        nb, first = blocks[b]
        out.append((nb, s * first))
    return tuple(out)


def n_blocks(pattern: Pattern) -> int:
    """The number of distinct torus variables (blocks) a pattern involves.

    >>> n_blocks(((0, 1), (1, 1), (0, -1)))
    2
    """
    return len({b for b, _ in pattern})


def realisations(pattern: Pattern, size: int, context: str = "unitary", fixed_first: bool = False) -> int:
    r"""How many index tuples in :math:`[d]^n` have this pattern; ``size`` is d (unitary) or δ (orthogonal).

    With ``fixed_first`` the first index is held fixed (the count per row i).

    >>> realisations(((0, 1), (1, 1), (2, 1)), 4)        # distinct (i, j, k) with d = 4: 4*3*2
    24
    >>> realisations(((0, 1), (1, 1), (1, 1)), 4, fixed_first=True)   # j = k != i for a given i
    3
    >>> realisations(((0, 1), (0, -1)), 3, "orthogonal")  # (i, partner of i) with delta = 3
    6
    """
    _check_context(context)
    b = n_blocks(pattern)
    count = 1
    start = 1 if fixed_first else 0
    for m in range(start, b):
        count *= size - m
    if context == "orthogonal":
        count *= 2 ** (b - start)
    return max(count, 0)


def reduction_sizes(n: int) -> list[int]:
    r"""The sizes (d for unitary, δ for orthogonal contexts) at which every pattern of n positions occurs.

    An identity between sums over :math:`[d]^n` of pattern-dependent coefficients holds for every d once it
    holds for d = 1, ..., n: each pattern has at most n blocks (:func:`n_blocks`).

    >>> reduction_sizes(3)
    [1, 2, 3]
    """
    return list(range(1, n + 1))


_IJ, _IJK = 2, 3                # numbers of index positions: (i, j), (i, j, k)


class PatternForm:
    r"""A per-row quadratic form in the entries of C with pattern-dependent coefficients (see the module).

    ``quad`` maps patterns of (i, j, k) to the coefficient of :math:`C_{ij}C_{ik}`, ``lin`` patterns of (i, j) to
    that of :math:`C_{ij}`, ``const`` is the term of each row. Missing patterns have coefficient 0.

    >>> r = row_sum()                       # r_i = sum_j C_ij
    >>> f = r * r                           # sum_i r_i^2 = S(C^T C)
    >>> sorted(set(f.quad.values()))
    [1]
    >>> C = sympy.Matrix([[1, 2], [3, 4]])
    >>> f.evaluate(C)
    58
    """

    __slots__ = ("context", "quad", "lin", "const")

    def __init__(self, context: str = "unitary", quad: Mapping[Pattern, object] | None = None,
                 lin: Mapping[Pattern, object] | None = None, const: object = 0):
        _check_context(context)
        self.context = context
        self.quad = {k: sympy.sympify(v) for k, v in (quad or {}).items() if sympy.sympify(v) != 0}
        self.lin = {k: sympy.sympify(v) for k, v in (lin or {}).items() if sympy.sympify(v) != 0}
        self.const = sympy.sympify(const)

    # algebra ----------------------------------------------------------------------------------------
    def _coerce(self, other) -> "PatternForm":
        if isinstance(other, PatternForm):
            if other.context != self.context:
                raise DomainError(f"cannot combine {self.context} and {other.context} pattern forms")
            return other
        return PatternForm(self.context, const=other)

    def __add__(self, other):
        other = self._coerce(other)
        quad = dict(self.quad)
        for k, v in other.quad.items():
            quad[k] = quad.get(k, 0) + v
        lin = dict(self.lin)
        for k, v in other.lin.items():
            lin[k] = lin.get(k, 0) + v
        return PatternForm(self.context, {k: sympy.expand(v) for k, v in quad.items()},
                           {k: sympy.expand(v) for k, v in lin.items()}, sympy.expand(self.const + other.const))

    __radd__ = __add__

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-self._coerce(other))

    def __rsub__(self, other):
        return self._coerce(other) - self

    @property
    def degree(self) -> int:
        return 2 if self.quad else (1 if self.lin else 0)

    def __mul__(self, other):
        if not isinstance(other, PatternForm):
            c = sympy.sympify(other)
            return PatternForm(self.context, {k: sympy.expand(v * c) for k, v in self.quad.items()},
                               {k: sympy.expand(v * c) for k, v in self.lin.items()}, sympy.expand(self.const * c))
        other = self._coerce(other)
        if self.degree + other.degree > 2:
            raise DomainError("a pattern form is at most quadratic in C")
        out = PatternForm(self.context, {}, {}, 0)
        out = out + other * self.const + self * other.const - PatternForm(self.context,
                                                                           const=self.const * other.const)
        if self.lin and other.lin:
            quad = {}
            for pat in patterns(_IJK, self.context):
                v = self.lin.get(restrict(pat, (0, 1)), 0) * other.lin.get(restrict(pat, (0, 2)), 0)
                if v != 0:
                    quad[pat] = v
            out = out + PatternForm(self.context, quad)
        return out

    __rmul__ = __mul__

    def __pow__(self, n: int):
        if n != 2:
            raise DomainError(f"power {n} is out of range: a pattern form is at most quadratic (use ** 2)")
        return self * self

    # comparison ---------------------------------------------------------------------------------------
    def symmetrised(self) -> "PatternForm":
        r"""Q replaced by :math:`\tfrac12(Q(\pi(i,j,k)) + Q(\pi(i,k,j)))`: the same polynomial in C for every d."""
        quad = {}
        for pat in patterns(_IJK, self.context):
            swapped = restrict(pat, (0, 2, 1))
            v = (self.quad.get(pat, 0) + self.quad.get(swapped, 0)) / 2
            if v != 0:
                quad[pat] = sympy.expand(v)
        return PatternForm(self.context, quad, self.lin, self.const)

    def differences(self, other: "PatternForm") -> dict[str, object]:
        """Pattern by pattern, the non-zero coefficients of ``self - other`` (symmetrised): {label: expr}."""
        diff = (self - other).symmetrised()
        out: dict[str, object] = {}
        for pat, v in diff.quad.items():
            if sympy.expand(v) != 0:
                out["C_ij C_ik at " + describe(pat, ("i", "j", "k"))] = sympy.expand(v)
        for pat, v in diff.lin.items():
            if sympy.expand(v) != 0:
                out["C_ij at " + describe(pat, ("i", "j"))] = sympy.expand(v)
        if sympy.expand(diff.const) != 0:
            out["constant"] = sympy.expand(diff.const)
        return out

    def equals(self, other: "PatternForm") -> bool:
        """Whether the two forms are equal for every d (pattern-wise, after symmetrising)."""
        return not self.differences(other)

    def subs(self, mapping) -> "PatternForm":
        """Substitute values for symbols in every coefficient."""
        return PatternForm(self.context, {k: sympy.expand(v.subs(mapping)) for k, v in self.quad.items()},
                           {k: sympy.expand(v.subs(mapping)) for k, v in self.lin.items()},
                           sympy.expand(self.const.subs(mapping)))

    # evaluation -------------------------------------------------------------------------------------
    def evaluate(self, C, mapping=None):
        r"""The polynomial :math:`\sum_i[\dots]` for a concrete d x d matrix C (symbols substituted by ``mapping``).

        >>> c = sympy.Symbol("c")
        >>> (diagonal() * diagonal() - 2 * diagonal() + 1).evaluate(sympy.Matrix([[c]]))
        c**2 - 2*c + 1
        """
        C = sympy.Matrix(C)
        if C.shape[0] != C.shape[1]:
            raise DomainError(f"C is {C.shape[0]} x {C.shape[1]}: a pattern form is evaluated on a square matrix")
        d = C.shape[0]
        if self.context == "orthogonal" and d % 2:
            raise DomainError(f"d = {d} is odd: orthogonal contexts need an even d = 2*delta")
        form = self.subs(mapping) if mapping else self
        total = sympy.Integer(0)
        for i in range(d):
            total += form.const
            for j in range(d):
                c = form.lin.get(pattern_of((i, j), self.context))
                if c is not None:
                    total += c * C[i, j]
                for k in range(d):
                    q = form.quad.get(pattern_of((i, j, k), self.context))
                    if q is not None:
                        total += q * C[i, j] * C[i, k]
        return sympy.expand(total)

    def row_total(self, size) -> sympy.Expr:
        r"""The value of one row when every entry of C is 1, as a polynomial in the size (d, or δ for
        :math:`\mathcal{C}_O`, may be a symbol): :math:`\sum_\pi \#\{(j,k)\} Q(\pi) + \sum_\pi \#\{j\} L(\pi) + K`.

        >>> d = sympy.Symbol("d")
        >>> (row_sum() * row_sum()).row_total(d)
        d**2
        """
        total = self.const
        for pat, v in self.lin.items():
            total += v * _count_symbolic(pat, size, self.context)
        for pat, v in self.quad.items():
            total += v * _count_symbolic(pat, size, self.context)
        return sympy.expand(total)

    def __repr__(self) -> str:
        return f"PatternForm({self.context}, {len(self.quad)} quadratic, {len(self.lin)} linear patterns)"


def _count_symbolic(pattern: Pattern, size, context: str):
    """Realisations with the first index fixed, as a polynomial in ``size`` (a number or a symbol)."""
    b = n_blocks(pattern)
    count = sympy.Integer(1)
    for m in range(1, b):
        count *= (size - m)
    if context == "orthogonal":
        count *= 2 ** (b - 1)
    return count


def describe(pattern: Pattern, names: Sequence[str]) -> str:
    r"""A readable description of a pattern: ``"j = i, k != i"``, ``"j = partner(i)"``.

    >>> describe(((0, 1), (0, 1), (1, 1)), ("i", "j", "k"))
    'j = i; k new'
    >>> describe(((0, 1), (0, -1)), ("i", "j"))
    'j = partner(i)'
    """
    parts = []
    first: dict[int, tuple[str, int]] = {}
    for name, (b, s) in zip(names, pattern):
        if b not in first:
            first[b] = (name, s)
            if b > 0:
                parts.append(f"{name} new")
            continue
        ref, _ = first[b]
        parts.append(f"{name} = {ref}" if s == 1 else f"{name} = partner({ref})")
    return "; ".join(parts) if parts else "any"


# building blocks of the closed forms ------------------------------------------------------------------
def _lin(context: str, rule: Callable[[Pattern], object]) -> PatternForm:
    return PatternForm(context, lin={pat: rule(pat) for pat in patterns(_IJ, context)})


def row_sum(context: str = "unitary") -> PatternForm:
    r""":math:`r_i = \sum_j C_{ij}` (so :math:`\sum_i r_i^2 = S(\mathbf{C}^\top\mathbf{C})`)."""
    return _lin(context, lambda pat: 1)


def diagonal(context: str = "unitary") -> PatternForm:
    r""":math:`C_{ii}` (so :math:`\sum_i C_{ii} = \mathrm{Tr}\,\mathbf{C}`)."""
    return _lin(context, lambda pat: 1 if pat[1] == (0, 1) else 0)


def partner(context: str = "orthogonal") -> PatternForm:
    r""":math:`C_{i\bar\imath}`, the entry of the conjugate partner :math:`\bar\imath` of i (orthogonal contexts)."""
    if context != "orthogonal":
        raise DomainError("partner entries exist only for orthogonal contexts (conjugate pairs)")
    return _lin(context, lambda pat: 1 if pat[1] == (0, -1) else 0)


def row_norm_sq(context: str = "unitary") -> PatternForm:
    r""":math:`\sum_j C_{ij}^2` (so :math:`\sum_i \sum_j C_{ij}^2 = \|\mathbf{C}\|_F^2`)."""
    return PatternForm(context, quad={pat: 1 for pat in patterns(_IJK, context) if restrict(pat, (1, 2))
                                      == ((0, 1), (0, 1))})


def off_block_norm_sq(context: str = "orthogonal") -> PatternForm:
    r""":math:`\sum_{j \notin \{i, \bar\imath\}} C_{ij}^2` (orthogonal contexts)."""
    if context != "orthogonal":
        raise DomainError("off-block entries are defined for orthogonal contexts (conjugate pairs)")
    return PatternForm(context, quad={pat: 1 for pat in patterns(_IJK, context)
                                      if pat[1][0] != 0 and restrict(pat, (1, 2)) == ((0, 1), (0, 1))})


def constant(value, context: str = "unitary") -> PatternForm:
    """The same constant in every row (:math:`\\sum_i 1 = d`)."""
    return PatternForm(context, const=value)


__all__ = ["Pattern", "PatternForm", "patterns", "pattern_of", "restrict", "n_blocks", "realisations",
           "reduction_sizes", "describe", "row_sum", "diagonal", "partner", "row_norm_sq", "off_block_norm_sq",
           "constant", "coordinate"]
