r"""Symbolic facts behind Remark 1 (Sander et al., §3): the realification
:math:`\rho(W_U) = \begin{bmatrix}\mathrm{Re}\,W_U & -\mathrm{Im}\,W_U\\ \mathrm{Im}\,W_U & \mathrm{Re}\,W_U\end{bmatrix}`.

For every size d at once (d a SymPy symbol, :math:`U = X + iY` with X, Y non-commuting d x d matrix symbols):

- :func:`realify_blocks` — ρ as a 2 x 2 block matrix of matrix expressions;
- :func:`morphism_defects_all_d` — :math:`\rho(U_1U_2) - \rho(U_1)\rho(U_2)` and :math:`\rho(U^*) - \rho(U)^\top`;
- :func:`diagonalisation_defect_all_d` — :math:`M\rho(U) - \mathrm{diag}(\bar U, U)M` with
  :math:`M = \begin{bmatrix} I & -iI\\ I & iI\end{bmatrix}` (invertible, :math:`\det M = (2i)^d`).

All three are zero, so for every d: :math:`U^*U = I \Rightarrow \rho(U)^\top\rho(U) = \rho(U^*U) = I`;
:math:`\rho(U)` is similar to :math:`\mathrm{diag}(\bar U, U)`, hence :math:`\det\rho(U) = \det\bar U\det U =
|\det U|^2` and :math:`\mathrm{spec}\,\rho(U) = \mathrm{spec}\,U \cup \overline{\mathrm{spec}\,U}` (pairwise
conjugate eigenvalues).

For fixed small d, with entrywise symbols (a cross-check of the block computation):

- :func:`realify` — ρ for an explicit SymPy matrix;
- :func:`generic_complex_matrix` — :math:`X + iY` with real symbolic entries;
- :func:`morphism_defects` — :math:`\rho(UV) - \rho(U)\rho(V)` and :math:`\rho(U^*) - \rho(U)^\top` (zero matrices);
- :func:`determinant_defect` — :math:`\det\rho(U) - |\det U|^2` (zero).
"""

from __future__ import annotations

import sympy

#: The size d of W_U, as a symbol: the block identities below hold for every d >= 1.
D = sympy.Symbol("d", integer=True, positive=True)


def realify(U: sympy.Matrix) -> sympy.Matrix:
    """ρ(U) for a d x d SymPy matrix.

    >>> realify(sympy.Matrix([[sympy.I]]))
    Matrix([
    [0, -1],
    [1,  0]])
    """
    re = U.applyfunc(lambda z: sympy.re(z))
    im = U.applyfunc(lambda z: sympy.im(z))
    return sympy.BlockMatrix([[re, -im], [im, re]]).as_explicit()


def generic_complex_matrix(d: int, name: str = "u") -> sympy.Matrix:
    """X + iY with real symbols x_{name}ij, y_{name}ij."""
    return sympy.Matrix(d, d, lambda i, j: sympy.Symbol(f"x_{name}{i}{j}", real=True)
                        + sympy.I * sympy.Symbol(f"y_{name}{i}{j}", real=True))


def morphism_defects(d: int) -> tuple[sympy.Matrix, sympy.Matrix]:
    """(ρ(UV) - ρ(U)ρ(V), ρ(U^*) - ρ(U)^T) for generic complex d x d U, V, expanded.

    >>> [m.is_zero_matrix for m in morphism_defects(2)]
    [True, True]
    """
    U, V = generic_complex_matrix(d, "u"), generic_complex_matrix(d, "v")
    prod = (realify((U * V).applyfunc(sympy.expand)) - realify(U) * realify(V)).applyfunc(sympy.expand)
    adj = (realify(U.H) - realify(U).T).applyfunc(sympy.expand)
    return prod, adj


def determinant_defect(d: int):
    r""":math:`\det\rho(U) - |\det U|^2` for generic complex U, expanded.

    >>> determinant_defect(2)
    0
    """
    U = generic_complex_matrix(d)
    det = sympy.expand(U.det())
    return sympy.expand(realify(U).det() - (sympy.re(det) ** 2 + sympy.im(det) ** 2))


# ---------------------------------------------------------------------------------------- every d at once
def matrix_symbols(*names: str, d=D) -> tuple:
    """Real d x d matrix symbols (non-commuting), one per name."""
    return tuple(sympy.MatrixSymbol(n, d, d) for n in names)


def realify_blocks(X, Y) -> sympy.BlockMatrix:
    r"""ρ(X + iY) as the block matrix :math:`\begin{bmatrix} X & -Y\\ Y & X\end{bmatrix}` (Remark 1), for real
    blocks X = Re U, Y = Im U of any size.

    >>> X, Y = matrix_symbols("X", "Y")
    >>> realify_blocks(X, Y).blocks[0, 1]
    -Y
    """
    return sympy.BlockMatrix([[X, -Y], [Y, X]])


def block_defect(expr) -> list:
    """The four blocks of a 2 x 2 block-matrix expression after block multiplication, expanded; ``[0, 0, 0, 0]``
    when the expression is zero.

    >>> X, Y = matrix_symbols("X", "Y")
    >>> block_defect(realify_blocks(X, Y) - realify_blocks(X, Y))
    [0, 0, 0, 0]
    """
    out = sympy.block_collapse(expr)
    if isinstance(out, sympy.ZeroMatrix):
        return [sympy.Integer(0)] * 4
    if isinstance(out, sympy.BlockMatrix):
        blocks = [out.blocks[i, j] for i in range(2) for j in range(2)]
    else:  # an explicit Matrix of blocks
        blocks = [out[i, j] for i in range(2) for j in range(2)]
    return [0 if (b == 0 or isinstance(b, sympy.ZeroMatrix)) else sympy.expand(b) for b in blocks]


def is_zero_defect(blocks: list) -> bool:
    """Whether every block of :func:`block_defect` is zero."""
    return all(b == 0 or isinstance(b, sympy.ZeroMatrix) for b in blocks)


def morphism_defects_all_d(realify_fn=None) -> dict:
    r"""For every d: the blocks of :math:`\rho(U_1U_2) - \rho(U_1)\rho(U_2)` and of :math:`\rho(U^*) - \rho(U)^\top`,
    with :math:`U_k = X_k + iY_k`, :math:`U_1U_2 = (X_1X_2 - Y_1Y_2) + i(X_1Y_2 + Y_1X_2)` and
    :math:`U^* = X^\top - iY^\top`. ``realify_fn(X, Y)`` defaults to :func:`realify_blocks`.

    >>> {k: is_zero_defect(v) for k, v in morphism_defects_all_d().items()}
    {'product': True, 'adjoint': True}
    """
    rho = realify_blocks if realify_fn is None else realify_fn
    X1, Y1, X2, Y2 = matrix_symbols("X1", "Y1", "X2", "Y2")
    product = rho(X1 * X2 - Y1 * Y2, X1 * Y2 + Y1 * X2) - rho(X1, Y1) * rho(X2, Y2)
    adjoint = rho(X1.T, -Y1.T) - rho(X1, Y1).T
    return {"product": block_defect(product), "adjoint": block_defect(adjoint)}


def diagonaliser(d=D) -> sympy.BlockMatrix:
    r""":math:`M = \begin{bmatrix} I & -iI\\ I & iI\end{bmatrix}`, invertible (:math:`\det M = (2i)^d`)."""
    I = sympy.Identity(d)
    return sympy.BlockMatrix([[I, -sympy.I * I], [I, sympy.I * I]])


def diagonalisation_defect_all_d(realify_fn=None) -> list:
    r"""For every d: the blocks of :math:`M\rho(U) - \mathrm{diag}(\bar U, U)M` (:func:`diagonaliser`), U = X + iY.

    Zero means :math:`\rho(U) = M^{-1}\mathrm{diag}(\bar U, U)M`: the determinant is :math:`|\det U|^2` and the
    spectrum is :math:`\mathrm{spec}\,U\cup\overline{\mathrm{spec}\,U}`.

    >>> is_zero_defect(diagonalisation_defect_all_d())
    True
    """
    rho = realify_blocks if realify_fn is None else realify_fn
    X, Y = matrix_symbols("X", "Y")
    Z = sympy.ZeroMatrix(D, D)
    diag = sympy.BlockMatrix([[X - sympy.I * Y, Z], [Z, X + sympy.I * Y]])
    M = diagonaliser(D)
    return block_defect(M * rho(X, Y) - diag * M)


def diagonaliser_determinant(d: int) -> sympy.Expr:
    r""":math:`\det M` for an explicit d (it is :math:`(2i)^d \ne 0`).

    >>> diagonaliser_determinant(3)
    -8*I
    """
    return sympy.simplify(diagonaliser(d).as_explicit().det())
