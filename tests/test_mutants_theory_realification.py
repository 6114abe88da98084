"""Mutation tests for theory.realification: the generic matrices and the size symbol it documents, the defects
it reports for a wrong realification (named blocks, in the documented symbols), and block_defect on explicit and
partly-zero block matrices (benchmarks/mutation.md)."""

import sympy

from ical_verify.theory import realification as th

d = sympy.Symbol("d", integer=True, positive=True)


def test_the_size_symbol_is_a_positive_integer_d():
    assert th.D == d
    X, Y = th.matrix_symbols("X", "Y")
    assert X.shape == Y.shape == (d, d) and th.diagonaliser().shape == (2 * d, 2 * d)


def test_generic_complex_matrix_entries():
    U = th.generic_complex_matrix(2)
    x, y = sympy.Symbol("x_u01", real=True), sympy.Symbol("y_u01", real=True)
    assert U[0, 1] == x + sympy.I * y
    V = th.generic_complex_matrix(1, "v")
    assert V[0, 0] == sympy.Symbol("x_v00", real=True) + sympy.I * sympy.Symbol("y_v00", real=True)
    assert th.realify(V) == sympy.Matrix([[V[0, 0].as_real_imag()[0], -V[0, 0].as_real_imag()[1]],
                                          [V[0, 0].as_real_imag()[1], V[0, 0].as_real_imag()[0]]])


def test_a_wrong_realification_has_named_nonzero_defects():
    """rho'(X + iY) = [[X, Y], [Y, X]] (a sign dropped): rho'(U1 U2) - rho'(U1) rho'(U2) = -2 Y1 Y2 on the
    diagonal blocks, rho'(U^*) - rho'(U)^T = -2 Y1^T off the diagonal, and M rho'(U) - diag(conj U, U) M = 2Y in
    the right column."""
    bad = lambda X, Y: sympy.BlockMatrix([[X, Y], [Y, X]])
    X1, Y1, X2, Y2 = th.matrix_symbols("X1", "Y1", "X2", "Y2")
    out = th.morphism_defects_all_d(bad)
    assert out["product"] == [-2 * Y1 * Y2, 0, 0, -2 * Y1 * Y2]
    assert out["adjoint"] == [0, -2 * Y1.T, -2 * Y1.T, 0]
    assert not th.is_zero_defect(out["product"])
    X, Y = th.matrix_symbols("X", "Y")
    assert th.diagonalisation_defect_all_d(bad) == [0, 2 * Y, 0, 2 * Y]


def test_a_realification_with_a_scaled_block_has_defects_in_X():
    """rho''(X + iY) = [[X, -Y], [Y, 2X]]: the product defect involves X1 and X2, the diagonalisation defect X."""
    bad = lambda X, Y: sympy.BlockMatrix([[X, -Y], [Y, 2 * X]])
    X1, Y1, X2, Y2 = th.matrix_symbols("X1", "Y1", "X2", "Y2")
    out = th.morphism_defects_all_d(bad)
    assert out["product"] == [0, Y1 * X2, -X1 * Y2, -2 * X1 * X2 - Y1 * Y2] and th.is_zero_defect(out["adjoint"])
    X, Y = th.matrix_symbols("X", "Y")
    assert th.diagonalisation_defect_all_d(bad) == [0, -sympy.I * X, 0, sympy.I * X]


def test_block_defect_of_explicit_and_partly_zero_block_matrices():
    x, y = sympy.symbols("x y")
    assert th.block_defect(sympy.Matrix([[1, x], [y, 0]])) == [1, x, y, 0]
    X, Y = th.matrix_symbols("X", "Y")
    Z = sympy.ZeroMatrix(d, d)
    out = th.block_defect(sympy.BlockMatrix([[X, Z], [Z, Y]]))
    assert out == [X, 0, 0, Y] and not isinstance(out[1], sympy.ZeroMatrix)
    assert th.is_zero_defect([0, Z, 0, 0]) and not th.is_zero_defect([0, 0, X, 0])
