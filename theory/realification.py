r"""Symbolic facts behind Remark 1 (Sander et al., §3): the realification
:math:`\rho(W_U) = \begin{bmatrix}\mathrm{Re}\,W_U & -\mathrm{Im}\,W_U\\ \mathrm{Im}\,W_U & \mathrm{Re}\,W_U\end{bmatrix}`.

- :func:`realify` — ρ for a SymPy matrix;
- :func:`generic_complex_matrix` — :math:`X + iY` with real symbolic entries;
- :func:`morphism_defects` — :math:`\rho(UV) - \rho(U)\rho(V)` and :math:`\rho(U^*) - \rho(U)^\top` (zero matrices);
- :func:`determinant_defect` — :math:`\det\rho(U) - |\det U|^2` (zero).

Together: :math:`U^*U = I \Rightarrow \rho(U)^\top\rho(U) = \rho(U^*U) = I` and :math:`\det\rho(U) = 1`.
"""

from __future__ import annotations

import sympy


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
