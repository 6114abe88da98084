"""Mutation tests for theory.in_context: the relation family of §5.2, the block coefficients, Lemma 2 split by
position and the τ = T read-out, against hand-worked values and model (6) evaluated numerically on a grid of roots of
unity (benchmarks/mutation.md)."""

import numpy as np
import pytest
import sympy

from ical_verify.theory import in_context as ie
from ical_verify.theory.errors import DomainError
from ical_verify.theory.laurent import LaurentPolynomial
from torus_grids import evaluate_terms, orthogonal_grid, unitary_grid

R = sympy.Rational
N_GRID = 16         # roots of unity per coordinate: exact means while exponent differences stay below 16


def _read_out_T_numeric(As, Bs, p, T, lam):
    """sum_h sum_t p_t <e_t | A^h e_T> B^h e_t with full matrices, e_t = lam^(t-1), <x, y> = sum_j x_j conj(y_j)."""
    e = [lam ** (t - 1) for t in range(1, T + 1)]
    out = np.zeros(lam.shape, dtype=complex)
    for A, B in zip(As, Bs):
        A, B = np.asarray(A, dtype=complex), np.asarray(B, dtype=complex)
        query = e[T - 1] @ A.T
        for t in range(T):
            score = np.sum(e[t] * query.conj(), axis=1)
            out += complex(p[t]) * score[:, None] * (e[t] @ B.T)
    return out


def _rot(x):
    return np.array([[np.cos(x), -np.sin(x)], [np.sin(x), np.cos(x)]])


# ------------------------------------------------------------------------------------ relation family
@pytest.mark.parametrize("beta", [0, 2, R(-3, 2)])
def test_relation_family_is_the_rotation_by_two_theta_for_every_beta(beta):
    M = np.array(ie.relation_family(beta, sympy.Float(0.7)).evalf(), dtype=float)
    assert np.allclose(M, _rot(1.4), atol=1e-12)


def test_relation_family_terms_by_hand_at_theta_zero_and_pi_over_two():
    # θ = 0: -β I + (1 + β) I = I ; θ = π/2: -β I + (1 - β) R_π = -I
    b = sympy.Symbol("b", real=True)
    assert ie.relation_family(b, 0) == sympy.eye(2)
    assert ie.relation_family(b, sympy.pi / 2) == -sympy.eye(2)


def test_relation_family_residual_vanishes_at_numbers():
    M = ie.relation_family_residual(3, sympy.Float(0.4))
    assert M.shape == (2, 2) and all(abs(complex(x)) < 1e-12 for x in M)


# ----------------------------------------------------------------------------------- block coefficients
def test_realified_multiplier_of_three_plus_four_i():
    assert ie.realified_multiplier(3 + 4 * sympy.I) == sympy.Matrix([[3, -4], [4, 3]])
    x = sympy.Symbol("x", real=True)
    assert ie.realified_multiplier(x * (1 + sympy.I)) == sympy.Matrix([[x, -x], [x, x]])


def test_block_coefficients_by_hand():
    assert ie.block_coefficients(2, 3, 5, 7) == (25, 35, -7)
    c, b, q, r = sympy.symbols("c b q r")
    assert ie.block_coefficients(c, b, q, r) == (c * q + b * q, c * r + b * r, c * r - b * r)


# ------------------------------------------------------------------------------ positions of Lemma 2
def test_position_contributions_by_hand():
    C = sympy.Matrix([[1, 2], [3, 4]])
    out = ie.position_contributions(C, [5, 6, 7], 3)
    terms = [[f.terms for f in row] for row in out]
    assert terms == [[{(-1, 0): 5, (0, -1): 10}, {(-1, 0): 15, (0, -1): 20}],
                     [{(1, 0): 18}, {(0, 1): 42}],
                     [{(3, 0): 7, (2, 1): 14}, {(1, 2): 21, (0, 3): 28}]]


def test_position_contributions_checks_p():
    with pytest.raises(DomainError):
        ie.position_contributions(sympy.eye(2), [0, 1, 2], 2)


# ----------------------------------------------------------------------------------------- τ = T
A_FULL = [sympy.Matrix([[1, R(1, 2)], [-2, sympy.I]]), sympy.Matrix([[R(1, 3), 0], [1, 2]])]
B_FULL = [sympy.Matrix([[2, -1], [R(1, 4), 3]]), sympy.Matrix([[1, 1], [0, -1]])]
P = [R(1, 2), -2, R(3, 2)]


def test_last_query_output_full_matrices_is_the_read_out_on_the_torus():
    out = ie.last_query_output(A_FULL, B_FULL, P, 3, full=True)
    lam = unitary_grid(2, N_GRID)[::5]
    expected = _read_out_T_numeric(A_FULL, B_FULL, P, 3, lam)
    assert len(out) == 2
    for i in range(2):
        assert np.allclose(evaluate_terms(out[i], lam), expected[:, i], atol=1e-12)


def test_last_query_output_diagonal_heads_by_default():
    a = sympy.Matrix([[1, 2, -1], [R(1, 2), 0, 3]])
    b = sympy.Matrix([[3, -1, 1], [2, 1, R(1, 3)]])
    out = ie.last_query_output(a, b, P, 3)
    lam = unitary_grid(3, N_GRID)[::11]
    expected = _read_out_T_numeric([sympy.diag(*a.row(h)) for h in range(2)],
                                   [sympy.diag(*b.row(h)) for h in range(2)], P, 3, lam)
    assert len(out) == 3
    for i in range(3):
        assert np.allclose(evaluate_terms(out[i], lam), expected[:, i], atol=1e-12)


def test_last_query_output_checks_p():
    with pytest.raises(DomainError):
        ie.last_query_output(sympy.Matrix([[1]]), sympy.Matrix([[1]]), [1, 2], 3)


def test_degree_parities():
    l1, l2 = LaurentPolynomial.variables(2)
    assert ie.degree_parities([l1 * l2, l1 ** 2 * l2 ** 4]) == {0}
    assert ie.degree_parities([l1 ** -1, l2 ** 3 * l1 ** 2]) == {1}
    assert ie.degree_parities([l1 + 1, l2 ** -2]) == {0, 1}
    assert ie.degree_parities([]) == set()


@pytest.mark.parametrize("context", ["unitary", "orthogonal"])
def test_last_query_loss_split_against_the_torus_mean(context):
    lam = unitary_grid(2, N_GRID) if context == "unitary" else orthogonal_grid(1, N_GRID)
    out = _read_out_T_numeric(A_FULL, B_FULL, P, 3, lam)
    total = np.mean(np.sum(np.abs(out - lam ** 3) ** 2, axis=1))
    own = np.mean(np.sum(np.abs(out) ** 2, axis=1))
    got = ie.last_query_loss_split(A_FULL, B_FULL, P, 3, context, full=True)
    assert len(got) == 3
    assert complex(got[0]) == pytest.approx(total, abs=1e-10)
    assert complex(got[1]) == pytest.approx(own, abs=1e-10)
    assert got[2] == 0


def test_last_query_loss_split_defaults_to_unitary_diagonal_heads():
    a, b = sympy.Matrix([[1, 2]]), sympy.Matrix([[3, -1]])
    lam = unitary_grid(2, N_GRID)
    out = _read_out_T_numeric([sympy.diag(1, 2)], [sympy.diag(3, -1)], [1, 1], 2, lam)
    total = np.mean(np.sum(np.abs(out - lam ** 2) ** 2, axis=1))
    own = np.mean(np.sum(np.abs(out) ** 2, axis=1))
    got = ie.last_query_loss_split(a, b, [1, 1], 2)
    assert float(got[0]) == pytest.approx(total, abs=1e-10) and float(got[1]) == pytest.approx(own, abs=1e-10)
    assert got[2] == 0 and float(got[0]) == pytest.approx(own + 2, abs=1e-10)


@pytest.mark.parametrize("a, b, full", [
    ([sympy.eye(2), sympy.eye(2)], [sympy.eye(2)], True),             # two A heads, one B head
    ([sympy.ones(2, 3)], [sympy.eye(2)], True),                        # A not square
    ([sympy.eye(2)], [sympy.eye(3)], True),                            # B of another size
    (sympy.Matrix([[1, 2]]), sympy.Matrix([[1, 2, 3]]), False),        # b of another d
    (sympy.Matrix([[1, 2]]), sympy.Matrix([[1, 2], [3, 4]]), False),   # two b heads, one a head
], ids=["heads", "A-shape", "B-size", "b-d", "b-heads"])
def test_last_query_output_refuses_heads_that_do_not_pair_up(a, b, full):
    """zip() paired the first min(H_A, H_B) heads and B's extra rows and columns were never read before."""
    with pytest.raises(DomainError):
        ie.last_query_output(a, b, [0, 1], 2, full=full)


def test_position_contributions_refuses_a_non_square_coupling():
    with pytest.raises(DomainError):
        ie.position_contributions(sympy.ones(2, 3), [0, 1], 2)
