"""Mutation tests for theory.diagonal_attention: model (6), Lemma 2, loss (3) and the zero-loss sets of §5,
checked against model (6) and the loss evaluated numerically on a grid of roots of unity (exact for Laurent
polynomials of low degree), and against values worked out by hand (benchmarks/mutation.md)."""

import numpy as np
import pytest
import sympy

from ical_verify.theory import diagonal_attention as th
from ical_verify.theory.errors import DomainError
from torus_grids import evaluate_terms, orthogonal_grid, unitary_grid

R = sympy.Rational
N_GRID = 8          # roots of unity per coordinate: exact means for |exponents| < 4 (degrees here stay below)


# --------------------------------------------------------------------------------------------- helpers


def _model6_numeric(a, b, p, T, lam):
    """Model (6) from its formula: sum_h sum_t p_t <e_t | A^h e_(T-1)> B^h e_t, <x, y> = sum_j x_j conj(y_j),
    with e_t = lam^(t-1); (M, d)."""
    a, b = np.asarray(a, dtype=complex), np.asarray(b, dtype=complex)
    e = [lam ** (t - 1) for t in range(1, T + 1)]
    out = np.zeros(lam.shape, dtype=complex)
    for h in range(a.shape[0]):
        query = a[h] * e[T - 2]
        for t in range(T):
            score = np.sum(e[t] * query.conj(), axis=1)
            out += complex(p[t]) * score[:, None] * b[h] * e[t]
    return out


def _lemma2_numeric(C, p, T, lam):
    """sum_t p_t (C lam^(t-T+1)) * lam^(t-1), numerically."""
    C = np.asarray(C, dtype=complex)
    out = np.zeros(lam.shape, dtype=complex)
    for t in range(1, T + 1):
        out += complex(p[t - 1]) * (lam ** (t - T + 1) @ C.T) * lam ** (t - 1)
    return out


def _grid_loss(C, p, T, lam):
    """E ||Lemma 2 output - lam^T||^2 as the mean over the grid."""
    res = _lemma2_numeric(C, p, T, lam) - lam ** T
    return float(np.mean(np.sum(np.abs(res) ** 2, axis=1)))


def _mat(rows):
    return sympy.Matrix([[sympy.nsimplify(x) for x in r] for r in rows])


C2 = _mat([[R(1, 2), R(-3, 4)], [R(5, 3), R(2, 7)]])                     # not symmetric: rows != columns
P3 = [R(2, 3), R(-5, 4), R(7, 5)]
C4 = _mat([[R(1, 2), R(-1, 3), R(1, 5), R(2, 3)], [R(3, 4), R(1, 7), R(-2, 5), R(1, 4)],
           [R(-1, 6), R(2, 9), R(5, 8), R(-3, 7)], [R(4, 5), R(-1, 2), R(1, 3), R(3, 2)]])


# ------------------------------------------------------------------------------------- symbols, tokens
def test_symbolic_matrix_names_every_entry_with_one_based_indices_and_is_real():
    M = th.symbolic_matrix("Q", 2, 3)
    assert M.shape == (2, 3)
    assert [str(x) for x in M] == ["Q_1_1", "Q_1_2", "Q_1_3", "Q_2_1", "Q_2_2", "Q_2_3"]
    assert all(x.is_real is True for x in M)


def test_symbolic_row_is_p_1_to_p_T_real():
    row = th.symbolic_row("q", 4)
    assert [str(x) for x in row] == ["q_1", "q_2", "q_3", "q_4"]
    assert all(x.is_real is True for x in row)


def test_ar_tokens_are_the_powers_lambda_to_the_t_minus_1():
    e = th.ar_tokens(2, 3)
    assert len(e) == 3 and all(len(x) == 2 for x in e)
    for t in range(3):
        assert [x.terms for x in e[t]] == [{(t, 0): 1}, {(0, t): 1}]


@pytest.mark.parametrize("d, T", [(0, 2), (1.5, 2), (1, 1), (1, 2.5), (-1, 3)])
def test_ar_tokens_refuses_sizes_out_of_range(d, T):
    with pytest.raises(DomainError):
        th.ar_tokens(d, T)


def test_ar_tokens_accepts_the_smallest_sizes():
    assert [[f.terms for f in x] for x in th.ar_tokens(1, 2)] == [[{(0,): 1}], [{(1,): 1}]]


# --------------------------------------------------------------------------------------------- model (6)
def test_model6_output_equals_model6_evaluated_on_the_torus_with_complex_heads():
    a = sympy.Matrix([[1 + 2 * sympy.I, R(-1, 2)], [R(3, 4), 2 - sympy.I]])
    b = sympy.Matrix([[R(1, 3), 2 * sympy.I], [-1, R(5, 2)]])
    out = th.model6_output(a, b, P3, 3)
    lam = unitary_grid(2, N_GRID)[::5]
    expected = _model6_numeric(np.array(a, dtype=complex), np.array(b, dtype=complex), P3, 3, lam)
    assert len(out) == 2
    for i in range(2):
        assert np.allclose(evaluate_terms(out[i], lam), expected[:, i], atol=1e-12)


def test_model6_output_conjugates_the_query_head():
    # <e_2 | i e_1> e_2 with e_1 = 1, e_2 = lambda: lambda * conj(i) * lambda = -i lambda^2
    out = th.model6_output(sympy.Matrix([[sympy.I]]), sympy.Matrix([[1]]), [0, 1], 2)
    assert out[0].terms == {(2,): -sympy.I}


def test_model6_output_with_one_real_head_has_lemma2_terms_at_T4():
    a, b = sympy.Matrix([[2, 3]]), sympy.Matrix([[5, 7]])
    p = [1, 0, 0, 0]                       # only t = 1: <1 | A lambda^2> B 1 = (2 l1^-2 + 3 l2^-2) (5, 7)
    out = th.model6_output(a, b, p, 4)
    assert out[0].terms == {(-2, 0): 10, (0, -2): 15}
    assert out[1].terms == {(-2, 0): 14, (0, -2): 21}


def test_model6_output_checks_the_shapes_of_b_and_p():
    a = sympy.Matrix([[1, 2]])
    with pytest.raises(DomainError):
        th.model6_output(a, sympy.Matrix([[1, 2, 3]]), [0, 1], 2)
    with pytest.raises(DomainError):
        th.model6_output(a, sympy.Matrix([[1, 2], [3, 4]]), [0, 1], 2)
    with pytest.raises(DomainError):
        th.model6_output(a, sympy.Matrix([[1, 2]]), [0, 1, 2], 2)


# ------------------------------------------------------------------------------------ Lemma 2, residual
def test_lemma2_rhs_equals_the_printed_sum_on_the_torus():
    lam = unitary_grid(2, N_GRID)[::3]
    out = th.lemma2_rhs(C2, P3, 3)
    expected = _lemma2_numeric(np.array(C2, dtype=float), P3, 3, lam)
    assert len(out) == 2
    for i in range(2):
        assert np.allclose(evaluate_terms(out[i], lam), expected[:, i], atol=1e-12)


def test_lemma2_rhs_is_model6_with_C_equal_to_B_transpose_A():
    a = sympy.Matrix([[1, R(1, 2)], [R(-2, 3), 3]])
    b = sympy.Matrix([[2, -1], [R(1, 4), 1]])
    lam = unitary_grid(2, N_GRID)[::7]
    rhs = th.lemma2_rhs(b.T * a, P3, 3)
    expected = _model6_numeric(np.array(a, dtype=float), np.array(b, dtype=float), P3, 3, lam)
    for i in range(2):
        assert np.allclose(evaluate_terms(rhs[i], lam), expected[:, i], atol=1e-12)


def test_lemma2_rhs_checks_T_and_the_length_of_p():
    with pytest.raises(DomainError):
        th.lemma2_rhs(sympy.Matrix([[1]]), [1], 1)
    with pytest.raises(DomainError):
        th.lemma2_rhs(sympy.Matrix([[1]]), [1, 2, 3], 2)


def test_residual_subtracts_lambda_to_the_T():
    lam = unitary_grid(2, N_GRID)[::3]
    res = th.residual(C2, P3, 3)
    expected = _lemma2_numeric(np.array(C2, dtype=float), P3, 3, lam) - lam ** 3
    for i in range(2):
        assert np.allclose(evaluate_terms(res[i], lam), expected[:, i], atol=1e-12)


# -------------------------------------------------------------------------------------------- loss (3)
def test_population_loss_unitary_is_the_torus_mean_and_unitary_is_the_default():
    exact = th.population_loss(C2, P3, 3)
    assert exact == th.population_loss(C2, P3, 3, "unitary")
    assert exact.is_Rational
    assert float(exact) == pytest.approx(_grid_loss(np.array(C2, dtype=float), P3, 3, unitary_grid(2, N_GRID)), abs=1e-12)


@pytest.mark.parametrize("delta, T", [(1, 2), (1, 3), (2, 3)])
def test_population_loss_orthogonal_is_the_mean_over_conjugate_pairs(delta, T):
    C = C2 if delta == 1 else C4
    p = P3[-T:]
    exact = th.population_loss(C, p, T, "orthogonal")
    grid = _grid_loss(np.array(C, dtype=float), p, T, orthogonal_grid(delta, N_GRID))
    assert float(exact) == pytest.approx(grid, abs=1e-12)
    assert abs(float(exact) - _grid_loss(np.array(C, dtype=float), p, T, unitary_grid(2 * delta, N_GRID))) > 1e-3


def test_population_loss_by_hand_for_d1():
    c, q1, q2, q3 = sympy.symbols("c q1 q2 q3", real=True)
    # out = c (q1 l^-1 + q2 l + q3 l^3): E|out - l^3|^2 = c^2 q1^2 + c^2 q2^2 + (c q3 - 1)^2
    assert th.population_loss(sympy.Matrix([[c]]), [q1, q2, q3], 3) == sympy.expand(
        c ** 2 * q1 ** 2 + c ** 2 * q2 ** 2 + (c * q3 - 1) ** 2)


@pytest.mark.parametrize("context, d", [("real", 2), ("orthogonal", 1), ("orthogonal", 3), ("Unitary", 2)])
def test_population_loss_refuses_unknown_contexts_and_odd_orthogonal_d(context, d):
    with pytest.raises(DomainError):
        th.population_loss(sympy.eye(d), [0, 1], 2, context)


def test_contexts_are_named_unitary_and_orthogonal():
    assert th.CONTEXTS == ("unitary", "orthogonal")


def test_population_loss_unitary_accepts_odd_d():
    assert th.population_loss(sympy.eye(3), [0, 1], 2, "unitary") == 0
    assert th.population_loss(sympy.eye(3), [0, 1], 2) == 0


def test_population_loss_sum_adds_rows_T_minus_1_over_T_2_to_T_max():
    P = _mat([[R(1, 2), R(3, 2), R(-1, 3)], [R(2, 5), R(-3, 4), R(5, 6)], [R(7, 3), R(1, 9), R(-4, 3)]])
    C = np.array(C2, dtype=float)
    lam = unitary_grid(2, N_GRID)
    expected = _grid_loss(C, [P[0, 0], P[0, 1]], 2, lam) + _grid_loss(C, [P[1, 0], P[1, 1], P[1, 2]], 3, lam)
    got = th.population_loss_sum(C2, P, 3)
    assert got == th.population_loss_sum(C2, P, 3, "unitary")
    assert float(got) == pytest.approx(expected, abs=1e-12)
    lam_o = orthogonal_grid(1, N_GRID)
    expected_o = (_grid_loss(C, [P[0, 0], P[0, 1]], 2, lam_o)
                  + _grid_loss(C, [P[1, 0], P[1, 1], P[1, 2]], 3, lam_o))
    assert float(th.population_loss_sum(C2, P, 3, "orthogonal")) == pytest.approx(expected_o, abs=1e-12)


def test_population_loss_sum_of_T_max_2_is_one_term():
    P = _mat([[R(1, 3), R(2, 3)], [5, 7]])
    assert th.population_loss_sum(C2, P, 2) == th.population_loss(C2, [R(1, 3), R(2, 3)], 2)


def test_population_loss_sum_checks_the_shape_of_P():
    with pytest.raises(DomainError):
        th.population_loss_sum(C2, sympy.zeros(3, 3), 2)
    with pytest.raises(DomainError):
        th.population_loss_sum(C2, sympy.zeros(2, 3), 2)


# ----------------------------------------------------------------------------- Proposition 4, closed forms
def test_sum_of_coefficients_adds_every_entry():
    assert th.sum_of_coefficients(sympy.Matrix([[1, -2, 3], [4, 5, -7]])) == 4


def test_prop4_printed_by_hand():
    # ||p||^2 ||C||_F^2 + p_(T-1)^2 (squared row sums) - 2 tr(C) p_T + d
    C, p = C2, P3
    norm_p = sum(x ** 2 for x in p)
    fro = R(1, 4) + R(9, 16) + R(25, 9) + R(4, 49)
    rows = (R(1, 2) - R(3, 4)) ** 2 + (R(5, 3) + R(2, 7)) ** 2
    expected = norm_p * fro + R(25, 16) * rows - 2 * (R(1, 2) + R(2, 7)) * R(7, 5) + 2
    assert th.prop4_printed(C, p) == expected


def test_prop4_corrected_is_the_exact_loss_and_differs_from_the_printed_one():
    exact = _grid_loss(np.array(C2, dtype=float), P3, 3, unitary_grid(2, N_GRID))
    corrected = th.prop4_corrected(C2, P3)
    assert float(corrected) == pytest.approx(exact, abs=1e-12)
    fro = float(sum(x ** 2 for x in C2))
    assert float(th.prop4_printed(C2, P3)) == pytest.approx(exact + float(P3[-2]) ** 2 * fro, abs=1e-12)


def test_prop4_corrected_symbolic_d1():
    c, q1, q2 = sympy.symbols("c q1 q2", real=True)
    assert th.prop4_corrected(sympy.Matrix([[c]]), [q1, q2]) == sympy.expand(
        q2 ** 2 * c ** 2 + q1 ** 2 * c ** 2 - 2 * c * q2 + 1)


@pytest.mark.parametrize("delta, T", [(1, 2), (1, 3), (2, 3), (2, 4)])
def test_orthogonal_closed_form_is_the_exact_orthogonal_loss(delta, T):
    C = C2 if delta == 1 else C4
    p = [R(2, 3), R(-5, 4), R(7, 5), R(-1, 6)][-T:]
    grid = _grid_loss(np.array(C, dtype=float), p, T, orthogonal_grid(delta, N_GRID))
    assert float(th.orthogonal_loss_closed_form(C, p)) == pytest.approx(grid, abs=1e-12)


def test_orthogonal_closed_form_refuses_odd_d():
    with pytest.raises(DomainError):
        th.orthogonal_loss_closed_form(sympy.eye(3), [0, 1])


# ------------------------------------------------------------------------------- zero-loss equations
def test_coefficient_equations_unitary_and_orthogonal_by_hand():
    c, b, q1, q2 = sympy.symbols("c b q1 q2", real=True)
    C = sympy.Matrix([[c, b], [b, c]])
    # unitary, T = 2: out_1 = q1 (c + b) + q2 (c l1^2 + b l1 l2), minus l1^2
    uni = th.coefficient_equations(C, [q1, q2], 2)
    assert uni == th.coefficient_equations(C, [q1, q2], 2, "unitary")
    assert sorted(map(str, uni)) == sorted(map(str, [sympy.expand(q1 * (c + b)), c * q2 - 1, b * q2] * 2))
    # orthogonal: l2 = 1/l1 merges the constant and l1 l2: q1 (c + b) + q2 b
    orth = th.coefficient_equations(C, [q1, q2], 2, "orthogonal")
    assert sorted(map(str, orth)) == sorted(map(str, [sympy.expand(q1 * (c + b) + q2 * b), c * q2 - 1] * 2))


def test_coefficient_equations_drop_coefficients_that_expand_to_zero():
    x, y = sympy.symbols("x y", real=True)
    hidden_zero = x * (y + 1) - x * y - x                  # not zero as written, zero once expanded
    assert hidden_zero != 0
    eqs = th.coefficient_equations(sympy.Matrix([[1]]), [hidden_zero, 1], 2)
    assert eqs == []


def test_coefficient_equations_checks_the_context():
    with pytest.raises(DomainError):
        th.coefficient_equations(sympy.eye(1), [0, 1], 2, "orthogonal")


def test_solve_zero_loss_d1_T2():
    c, q1, q2 = sympy.symbols("c q1 q2", real=True)
    assert th.solve_zero_loss(sympy.Matrix([[c]]), [q1, q2], 2) == [{c: 1 / q2, q1: 0}]
    assert th.solve_zero_loss(sympy.Matrix([[c]]), [0, 2], 2, "unitary") == [{c: R(1, 2)}]


def test_solve_zero_loss_orthogonal():
    c, b = sympy.symbols("c b", real=True)
    sols = th.solve_zero_loss(sympy.Matrix([[c, b], [b, c]]), [-1, 2], 2, "orthogonal")
    assert sols == [{c: R(1, 2), b: R(1, 2)}]


def test_prop3_conditions_listed_in_order():
    C = th.symbolic_matrix("C", 2, 2)
    p = th.symbolic_row("p", 3)
    assert th.prop3_conditions(C, p) == [p[0], p[1], p[2] * C[0, 0] - 1, p[2] * C[1, 1] - 1, C[0, 1], C[1, 0]]


def test_prop6_conditions_printed_and_A9_by_hand():
    C = th.symbolic_matrix("C", 4, 4)
    p = th.symbolic_row("p", 3)
    c = lambda i, j: C[i - 1, j - 1]                         # noqa: E731  (1-based, as in the paper)
    pT, pT1 = p[2], p[1]
    head = [p[0]] + [pT * c(i, i) - 1 for i in range(1, 5)]
    printed = head + [pT * c(1, 2) + (c(1, 1) + c(1, 2)) * pT1, pT * c(2, 1) + c(2, 1) * pT1,
                      c(1, 3), c(2, 3), c(1, 4), c(2, 4),
                      pT * c(3, 4) + (c(3, 3) + c(3, 4)) * pT1, pT * c(4, 3) + c(4, 3) * pT1,
                      c(3, 1), c(4, 1), c(3, 2), c(4, 2)]
    a9 = head + [pT * c(1, 2) + (c(1, 1) + c(1, 2)) * pT1, (c(2, 2) + c(2, 1)) * pT1 + c(2, 1) * pT,
                 c(1, 3), c(2, 3), c(1, 4), c(2, 4),
                 pT * c(3, 4) + (c(3, 3) + c(3, 4)) * pT1, (c(4, 4) + c(4, 3)) * pT1 + c(4, 3) * pT,
                 c(3, 1), c(4, 1), c(3, 2), c(4, 2)]
    assert th.prop6_conditions(C, p) == printed
    assert th.prop6_conditions(C, p, "printed") == printed
    assert th.prop6_conditions(C, p, "A.9") == a9


def test_prop6_conditions_refuses_unknown_forms_and_odd_d():
    with pytest.raises(DomainError):
        th.prop6_conditions(sympy.eye(2), [0, 1], "a.9")
    with pytest.raises(DomainError):
        th.prop6_conditions(sympy.eye(3), [0, 1], "A.9")


# --------------------------------------------------------------------------------------------- Lemma 3
def test_lemma3_parameters_delta2_T4():
    C, p = th.lemma3_parameters(2, 4)
    h = R(1, 2)
    assert C == sympy.Matrix([[h, h, 0, 0], [h, h, 0, 0], [0, 0, h, h], [0, 0, h, h]])
    assert p == [0, 0, -1, 2]


def test_lemma3_parameters_delta3_T2_has_no_leading_zeros():
    C, p = th.lemma3_parameters(3, 2)
    assert C.shape == (6, 6) and C[4, 5] == R(1, 2) and C[3, 4] == 0
    assert p == [-1, 2]


@pytest.mark.parametrize("delta, T", [(0, 3), (1.5, 3), (-1, 3), (1, 1)])
def test_lemma3_parameters_refuses_out_of_range(delta, T):
    with pytest.raises(DomainError):
        th.lemma3_parameters(delta, T)


def test_lemma3_heads_are_normalised_pairs():
    A, B = th.lemma3_heads(2)
    s = 1 / sympy.sqrt(2)
    assert A == B == sympy.Matrix([[s, s, 0, 0], [0, 0, s, s]])
    assert A is not B


# --------------------------------------------------------------------------------- rotations, §5.2 block
def test_rotation_entries():
    assert th.rotation(sympy.pi / 6) == sympy.Matrix([[sympy.sqrt(3) / 2, -R(1, 2)], [R(1, 2), sympy.sqrt(3) / 2]])


def test_orthogonal_zero_block_entries():
    x, y = sympy.symbols("x y", real=True)
    B = th.orthogonal_zero_block(x, y)
    assert sympy.simplify(B[0, 0] - 1 / x) == 0 and sympy.simplify(B[1, 1] - 1 / x) == 0
    off = -y / (x * (x + y))
    assert sympy.simplify(B[0, 1] - off) == 0 and sympy.simplify(B[1, 0] - off) == 0
    assert th.orthogonal_zero_block(sympy.Integer(2), sympy.Integer(-1)) == sympy.Matrix([[R(1, 2), R(1, 2)], [R(1, 2), R(1, 2)]])


# ------------------------------------------------------------------------------------ square couplings
def test_square_matrix_returns_the_matrix_and_its_size():
    M, d = th.square_matrix([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    assert d == 3 and M == sympy.Matrix([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    with pytest.raises(DomainError):
        th.square_matrix([[1, 2, 3], [4, 5, 6]])


@pytest.mark.parametrize("call", [
    lambda C: th.lemma2_rhs(C, [0, 1], 2), lambda C: th.residual(C, [0, 1], 2),
    lambda C: th.population_loss(C, [0, 1], 2), lambda C: th.population_loss(C, [0, 1], 2, "orthogonal"),
    lambda C: th.prop4_printed(C, [0, 1]), lambda C: th.prop4_corrected(C, [0, 1]),
    lambda C: th.orthogonal_loss_closed_form(C, [0, 1]), lambda C: th.coefficient_equations(C, [0, 1], 2),
    lambda C: th.prop3_conditions(C, [0, 1]), lambda C: th.prop6_conditions(C, [0, 1]),
], ids=["lemma2_rhs", "residual", "loss", "loss_O", "prop4_printed", "prop4_corrected", "closed_form_O",
        "equations", "prop3", "prop6"])
def test_a_non_square_coupling_is_refused(call):
    """C = BᵀA is d×d: a 2×4 (or 4×2) matrix was silently truncated to its first d columns (or rows) before."""
    for shape in [(2, 4), (4, 2)]:
        with pytest.raises(DomainError):
            call(sympy.ones(*shape))
