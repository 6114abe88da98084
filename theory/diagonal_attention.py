r"""Symbolic model (6) under Assumption 3, its population loss (3), and its zero-loss sets (Sander et al., §5).

Model (6) with tokens :math:`e_t = s_t = \lambda^{t-1}` (Assumption 1: :math:`W = \mathrm{diag}(\lambda)`,
:math:`s_1 = 1_d`) and diagonal heads :math:`A^h = \mathrm{diag}(a_h)`, :math:`B^h = \mathrm{diag}(b_h)`:

.. math:: \mathcal{T}_\theta(e_{1:T}) = \sum_{h=1}^H \sum_{t=1}^T P_{T-1,t}
          \langle e_t | A^h e_{T-1}\rangle_{\mathbb{C}} B^h e_t,
          \qquad \langle \alpha, \beta\rangle = \beta^*\alpha .

Every function here works with :class:`~ical_verify.theory.laurent.LaurentPolynomial` vectors in the
context variables :math:`\lambda_1..\lambda_d`, so expectations over :math:`\mathcal{C}_U` /
:math:`\mathcal{C}_O` are exact (constant terms, Parseval).

Indexing convention. For a sequence of length T the model reads the row :math:`P_{T-1}` of P, and only its
entries :math:`t = 1..T`; ``p`` always denotes that truncated row :math:`p = (P_{T-1,1},\dots,P_{T-1,T})`
(so ``p[-1]`` is :math:`p_T = P_{T-1,T}` and ``p[-2]`` is :math:`p_{T-1} = P_{T-1,T-1}`).
Matrices are nested lists (or SymPy matrices) of SymPy expressions, indices 0-based in code.
"""

from __future__ import annotations

from typing import Sequence

import sympy

from .errors import DomainError
from .laurent import LaurentPolynomial, mean_square_norm

CONTEXTS = ("unitary", "orthogonal")


def _check_T(T: int) -> None:
    if int(T) != T or T < 2:
        raise DomainError(f"T = {T} is out of range: it must be an integer >= 2")


def _check_sizes(d: int, T: int) -> None:
    if int(d) != d or d < 1:
        raise DomainError(f"d = {d} is out of range: it must be an integer >= 1")
    _check_T(T)


def _check_context(context: str, d: int) -> None:
    if context not in CONTEXTS:
        raise DomainError(f"unknown context {context!r}: valid contexts are unitary, orthogonal")
    if context == "orthogonal" and d % 2:
        raise DomainError(f"d = {d} is odd: orthogonal contexts need an even d = 2*delta")


def square_matrix(M) -> tuple[sympy.Matrix, int]:
    r"""``M`` as a SymPy matrix and its size d; a coupling matrix :math:`\mathbf{C} = \mathbf{B}^\top\mathbf{A}`
    (or a head) must be square, d×d.

    >>> square_matrix([[1, 2], [3, 4]])[1]
    2
    """
    M = sympy.Matrix(M)
    rows, cols = M.shape
    if rows != cols:
        raise DomainError(f"the matrix has shape {M.shape}; expected a square (d, d) matrix")
    return M, rows


def symbolic_matrix(name: str, rows: int, cols: int) -> sympy.Matrix:
    """A matrix of real symbols ``name_{i,j}`` (1-based names, as in the paper).

    >>> symbolic_matrix("C", 2, 2)
    Matrix([
    [C_1_1, C_1_2],
    [C_2_1, C_2_2]])
    """
    return sympy.Matrix(rows, cols, lambda i, j: sympy.Symbol(f"{name}_{i + 1}_{j + 1}", real=True))


def symbolic_row(name: str, T: int) -> list[sympy.Symbol]:
    """The truncated row :math:`p = (p_1, \\dots, p_T)` as real symbols ``p_1..p_T``.

    >>> symbolic_row("p", 3)
    [p_1, p_2, p_3]
    """
    return [sympy.Symbol(f"{name}_{t}", real=True) for t in range(1, T + 1)]


def ar_tokens(d: int, T: int) -> list[list[LaurentPolynomial]]:
    r"""The tokens :math:`e_t = s_t = \lambda^{t-1}`, t = 1..T (Assumption 1, :math:`s_1 = 1_d`).

    >>> e = ar_tokens(2, 3)
    >>> e[2][1].terms
    {(0, 2): 1}
    """
    _check_sizes(d, T)
    lam = LaurentPolynomial.variables(d)
    return [[lam[j] ** (t - 1) for j in range(d)] for t in range(1, T + 1)]


def model6_output(a: sympy.Matrix, b: sympy.Matrix, p: Sequence, T: int) -> list[LaurentPolynomial]:
    r"""Model (6) literally, on :math:`e_{1:T} = (1_d, \lambda, \dots, \lambda^{T-1})`.

    ``a`` and ``b`` are (H, d): row h is :math:`a_h` (the diagonal of :math:`A^h`), resp. :math:`b_h`.
    The hermitian product is :math:`\langle e_t | A^h e_{T-1}\rangle = (A^h e_{T-1})^* e_t
    = \sum_j e_{t,j}\,\overline{a_h^j e_{T-1,j}}` (Appendix A), computed with the torus conjugation.

    >>> a = sympy.Matrix([[2]]); b = sympy.Matrix([[3]])
    >>> [f.terms for f in model6_output(a, b, [0, 1], 2)]   # 6 * conj(lambda) * lambda * lambda
    [{(2,): 6}]
    """
    a, b = sympy.Matrix(a), sympy.Matrix(b)
    H, d = a.shape
    if b.shape != (H, d):
        raise DomainError(f"b has shape {b.shape}; expected (H, d) = {(H, d)} like a")
    if len(p) != T:
        raise DomainError(f"p has length {len(p)}; expected T = {T} (the row P_(T-1) up to column T)")
    e = ar_tokens(d, T)
    zero = LaurentPolynomial(d)
    out = [zero for _ in range(d)]
    for h in range(H):
        query = [e[T - 2][j] * a[h, j] for j in range(d)]               # A^h e_{T-1}
        for t in range(T):
            score = zero
            for j in range(d):                                          # <e_t | A^h e_{T-1}>
                score = score + e[t][j] * query[j].conjugate()
            for i in range(d):                                          # P_{T-1,t} score B^h e_t
                out[i] = out[i] + score * (e[t][i] * (b[h, i] * p[t]))
    return out


def lemma2_rhs(C: sympy.Matrix, p: Sequence, T: int) -> list[LaurentPolynomial]:
    r"""The right-hand side printed in Lemma 2: :math:`\sum_{t=1}^T P_{T-1,t}[\mathbf{C}\lambda^{t-T+1}]
    \odot \lambda^{t-1}`, with :math:`\mathbf{C} = \mathbf{B}^\top\mathbf{A}`.

    >>> [f.terms for f in lemma2_rhs(sympy.Matrix([[5]]), [0, 1], 2)]
    [{(2,): 5}]
    """
    C, d = square_matrix(C)
    _check_sizes(d, T)
    if len(p) != T:
        raise DomainError(f"p has length {len(p)}; expected T = {T}")
    lam = LaurentPolynomial.variables(d)
    out = []
    for i in range(d):
        f = LaurentPolynomial(d)
        for t in range(1, T + 1):
            for j in range(d):
                f = f + (lam[j] ** (t - T + 1)) * (lam[i] ** (t - 1)) * (p[t - 1] * C[i, j])
        out.append(f)
    return out


def residual(C: sympy.Matrix, p: Sequence, T: int) -> list[LaurentPolynomial]:
    r"""Components of :math:`\mathcal{T}_\theta(e_{1:T}) - s_{T+1}` (Lemma 2 form), :math:`s_{T+1} = \lambda^T`."""
    C, d = square_matrix(C)
    lam = LaurentPolynomial.variables(d)
    return [f - lam[i] ** T for i, f in enumerate(lemma2_rhs(C, p, T))]


def population_loss(C: sympy.Matrix, p: Sequence, T: int, context: str = "unitary"):
    r"""One term of loss (3): :math:`\mathbb{E}\|\mathcal{T}_\theta(e_{1:T}) - \lambda^T\|^2`, exactly.

    >>> c, q1, q2 = sympy.symbols("c q1 q2", real=True)
    >>> population_loss(sympy.Matrix([[c]]), [q1, q2], 2)
    c**2*q1**2 + c**2*q2**2 - 2*c*q2 + 1
    """
    C, d = square_matrix(C)
    _check_context(context, d)
    return mean_square_norm(residual(C, p, T), context)


def population_loss_sum(C: sympy.Matrix, P: sympy.Matrix, T_max: int, context: str = "unitary"):
    r"""Loss (3): :math:`\sum_{T=2}^{T_{\max}} \mathbb{E}\|\mathcal{T}_\theta(e_{1:T}) - s_{T+1}\|^2`.

    ``P`` is :math:`T_{\max}\times T_{\max}`; the term T uses row T-1 (1-based), columns 1..T.
    """
    P = sympy.Matrix(P)
    if P.shape != (T_max, T_max):
        raise DomainError(f"P has shape {P.shape}; expected (T_max, T_max) = {(T_max, T_max)}")
    return sympy.expand(sum((population_loss(C, [P[T - 2, t] for t in range(T)], T, context)
                             for T in range(2, T_max + 1)), sympy.Integer(0)))


def sum_of_coefficients(M: sympy.Matrix):
    """S(M): the sum of all coefficients operator of Proposition 4.

    >>> sum_of_coefficients(sympy.Matrix([[1, 2], [3, 4]]))
    10
    """
    return sum(sympy.Matrix(M))


def prop4_printed(C: sympy.Matrix, p: Sequence):
    r"""Proposition 4 as printed: :math:`\|p\|_2^2\|\mathbf{C}\|_F^2 + p_{T-1}^2 S(\mathbf{C}^\top\mathbf{C})
    - 2\mathrm{Tr}(\mathbf{C})p_T + d`, with p the row :math:`P_{T-1}` up to column T."""
    C, d = square_matrix(C)
    norm_p = sum(x ** 2 for x in p)
    return sympy.expand(norm_p * sum(c ** 2 for c in C) + p[-2] ** 2 * sum_of_coefficients(C.T * C)
                        - 2 * C.trace() * p[-1] + d)


def prop4_corrected(C: sympy.Matrix, p: Sequence):
    r"""The population loss that holds for :math:`\mathcal{C}_U` (derived here; it replaces Proposition 4):

    .. math:: l(\mathbf{C}, p) = (\|p\|_2^2 - p_{T-1}^2)\|\mathbf{C}\|_F^2 + p_{T-1}^2
              S(\mathbf{C}^\top\mathbf{C}) - 2\mathrm{Tr}(\mathbf{C})p_T + d,

    (:math:`S(\mathbf{C}^\top\mathbf{C}) = \|\mathbf{C}1_d\|^2`, the squared row sums) instead of the printed
    :math:`\|p\|^2\|\mathbf{C}\|_F^2 + p_{T-1}^2 S(\mathbf{C}^\top\mathbf{C})`, which counts the terms
    :math:`t = t' = T-1, j = k` of the proof A.6 twice.

    >>> c, q1, q2 = sympy.symbols("c q1 q2", real=True)
    >>> prop4_corrected(sympy.Matrix([[c]]), [q1, q2]) == population_loss(sympy.Matrix([[c]]), [q1, q2], 2)
    True
    """
    C, d = square_matrix(C)
    norm_p = sum(x ** 2 for x in p)
    return sympy.expand((norm_p - p[-2] ** 2) * sum(c ** 2 for c in C)
                        + p[-2] ** 2 * sum_of_coefficients(C.T * C) - 2 * C.trace() * p[-1] + d)


def orthogonal_loss_closed_form(C: sympy.Matrix, p: Sequence):
    r"""The population loss for :math:`\mathcal{C}_O` (d = 2δ), derived here (the paper gives none).

    With :math:`\bar\imath` the partner of i in its conjugate pair, :math:`r_i = \sum_j C_{ij}` and
    :math:`q = \sum_{t \ne T-1} p_t`:

    .. math:: l_O(\mathbf{C}, p) = \sum_{i=1}^d \Big[(p_{T-1} r_i + C_{i\bar\imath}\, q)^2
              + (p_T C_{ii} - 1)^2 + C_{ii}^2 \sum_{t \le T-2} p_t^2
              + \big(\|p\|^2 - p_{T-1}^2\big) \sum_{j \notin \{i, \bar\imath\}} C_{ij}^2\Big].

    >>> c, q1, q2 = sympy.symbols("c q1 q2", real=True)
    >>> C = sympy.Matrix([[c, 0], [0, c]])
    >>> orthogonal_loss_closed_form(C, [q1, q2]) == population_loss(C, [q1, q2], 2, "orthogonal")
    True
    """
    C, d = square_matrix(C)
    _check_context("orthogonal", d)
    pT, pT1 = p[-1], p[-2]
    q = sum(p) - pT1
    head = sum(x ** 2 for x in p[:-2])
    others = sum(x ** 2 for x in p) - pT1 ** 2
    total = sympy.Integer(0)
    for i in range(d):
        ib = i + 1 if i % 2 == 0 else i - 1
        r = sum(C[i, j] for j in range(d))
        outside = sum(C[i, j] ** 2 for j in range(d) if j not in (i, ib))
        total += (pT1 * r + C[i, ib] * q) ** 2 + (pT * C[i, i] - 1) ** 2 + C[i, i] ** 2 * head + others * outside
    return sympy.expand(total)


def coefficient_equations(C: sympy.Matrix, p: Sequence, T: int, context: str = "unitary") -> list:
    r"""The coefficients of the residual Laurent polynomials (after :math:`\lambda_{2i}=1/\lambda_{2i-1}`
    for :math:`\mathcal{C}_O`): zero loss holds iff all of them vanish (Parseval), the identification of
    coefficients of the proofs A.5 and A.9."""
    C, d = square_matrix(C)
    _check_context(context, d)
    eqs = []
    for f in residual(C, p, T):
        g = f if context == "unitary" else f.conjugate_pairs()
        eqs.extend(sympy.expand(c) for c in g.terms.values())
    return [e for e in eqs if e != 0]


def solve_zero_loss(C: sympy.Matrix, p: Sequence, T: int, context: str = "unitary") -> list[dict]:
    """All solutions of :func:`coefficient_equations` (SymPy ``solve``, as dictionaries)."""
    C = sympy.Matrix(C)
    unknowns = sorted(set(C.free_symbols) | {x for x in p if isinstance(x, sympy.Symbol)}, key=str)
    return sympy.solve(coefficient_equations(C, p, T, context), unknowns, dict=True)


def prop3_conditions(C: sympy.Matrix, p: Sequence) -> list:
    r"""Proposition 3's conditions as expressions that must vanish: :math:`p_t` (t ≠ T),
    :math:`p_T C_{ii} - 1`, :math:`C_{ij}` (i ≠ j)."""
    C, d = square_matrix(C)
    return ([p[t] for t in range(len(p) - 1)] + [p[-1] * C[i, i] - 1 for i in range(d)]
            + [C[i, j] for i in range(d) for j in range(d) if i != j])


def prop6_conditions(C: sympy.Matrix, p: Sequence, form: str = "printed") -> list:
    r"""Proposition 6's conditions as expressions that must vanish.

    ``form="printed"`` (§5.2): :math:`p_t` (t < T-1), :math:`p_T C_{ii} - 1`,
    :math:`p_T C_{2i-1,2i} + (C_{2i-1,2i-1} + C_{2i-1,2i})p_{T-1}`, :math:`p_T C_{2i,2i-1} + C_{2i,2i-1}
    p_{T-1}`, :math:`C_{2i-1,j}, C_{2i,j}` (j ∉ {2i-1, 2i}). ``form="A.9"``: the same with
    :math:`(C_{2i,2i} + C_{2i,2i-1})p_{T-1} + C_{2i,2i-1}p_T` for the fourth family.
    """
    if form not in ("printed", "A.9"):
        raise DomainError(f"unknown form {form!r}: valid forms are printed, A.9")
    C, d = square_matrix(C)
    _check_context("orthogonal", d)
    pT, pT1 = p[-1], p[-2]
    out = [p[t] for t in range(len(p) - 2)] + [pT * C[i, i] - 1 for i in range(d)]
    for k in range(d // 2):
        o, e = 2 * k, 2 * k + 1       # 0-based indices of 2i-1 and 2i
        out.append(pT * C[o, e] + (C[o, o] + C[o, e]) * pT1)
        if form == "printed":
            out.append(pT * C[e, o] + C[e, o] * pT1)
        else:
            out.append((C[e, e] + C[e, o]) * pT1 + C[e, o] * pT)
        for j in range(d):
            if j not in (o, e):
                out += [C[o, j], C[e, j]]
    return out


def lemma3_parameters(delta: int, T: int) -> tuple[sympy.Matrix, list]:
    r"""Lemma 3: :math:`\mathbf{C} = \tfrac12\mathrm{diag}(J,\dots,J)`, :math:`p_{T-1} = -1`, :math:`p_T = 2`,
    other entries 0.

    >>> C, p = lemma3_parameters(1, 3)
    >>> C, p
    (Matrix([
    [1/2, 1/2],
    [1/2, 1/2]]), [0, -1, 2])
    """
    if int(delta) != delta or delta < 1:
        raise DomainError(f"delta = {delta} is out of range: it must be an integer >= 1")
    _check_T(T)
    J = sympy.ones(2, 2)
    C = sympy.diag(*([J] * delta)) / 2
    p = [sympy.Integer(0)] * (T - 2) + [sympy.Integer(-1), sympy.Integer(2)]
    return C, p


def lemma3_heads(delta: int) -> tuple[sympy.Matrix, sympy.Matrix]:
    r"""δ diagonal heads realising Lemma 3: :math:`a_h = b_h = (e_{2h-1} + e_{2h})/\sqrt2`, so
    :math:`\mathbf{B}^\top\mathbf{A} = \tfrac12\mathrm{diag}(J,\dots,J)` with H = δ.

    >>> A, B = lemma3_heads(2)
    >>> B.T * A == lemma3_parameters(2, 2)[0]
    True
    """
    A = sympy.zeros(delta, 2 * delta)
    for h in range(delta):
        A[h, 2 * h] = A[h, 2 * h + 1] = 1 / sympy.sqrt(2)
    return A, A.copy()


def rotation(theta) -> sympy.Matrix:
    r""":math:`R_\theta`, the rotation of angle θ in :math:`\mathbb{R}^2`."""
    return sympy.Matrix([[sympy.cos(theta), -sympy.sin(theta)], [sympy.sin(theta), sympy.cos(theta)]])


def trig_identity_residual(theta) -> sympy.Matrix:
    r""":math:`2\cos\theta R_\theta - I_2 - R_{2\theta}` simplified (§5.2, Figure 2); zero iff the identity holds.

    >>> trig_identity_residual(sympy.Symbol("theta", real=True))
    Matrix([
    [0, 0],
    [0, 0]])
    """
    M = 2 * sympy.cos(theta) * rotation(theta) - sympy.eye(2) - rotation(2 * theta)
    return M.applyfunc(lambda x: sympy.simplify(sympy.expand_trig(x)))


def orthogonal_zero_block(pT, pT1) -> sympy.Matrix:
    r"""The 2×2 diagonal block of a zero-loss :math:`\mathbf{C}^*` for :math:`\mathcal{C}_O` (from A.9):
    :math:`C_{ii} = 1/p_T`, :math:`C_{i\bar\imath} = -p_{T-1}/(p_T(p_T + p_{T-1}))`.

    >>> x, y = sympy.symbols("x y", real=True)
    >>> sympy.factor(orthogonal_zero_block(x, y).det())
    (x + 2*y)/(x*(x + y)**2)
    """
    c = 1 / pT
    b = -pT1 / (pT * (pT + pT1))
    return sympy.Matrix([[c, b], [b, c]])
