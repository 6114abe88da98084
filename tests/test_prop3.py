"""Proposition 3: zero-loss set for unitary contexts, H >= d, and the in-context mapping."""

import numpy as np
import pytest
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.models.diagonal_attention import DiagonalAttention, DiagonalAttentionConfig
from ical_verify.proofs_check.papers.sander2024 import prop3
from ical_verify.proofs_check.papers.sander2024._checks_diagonal import ideal_equality
from ical_verify.theory import diagonal_attention as th
from ical_verify.theory.laurent import LaurentPolynomial, mean_square_norm

from strategies_diagonal import complex_tokens, invertible_rational_matrices, nonzero_rationals, rationals


def _conditions_hold(C, p) -> bool:
    return all(sympy.simplify(sympy.sympify(x)) == 0 for x in th.prop3_conditions(C, p))


@st.composite
def zero_set_points(draw, d, T):
    """A point of the printed zero set: C = I/p_T, p = (0, ..., 0, p_T), p_T a random non-zero rational."""
    pT = draw(nonzero_rationals())
    return sympy.eye(d) / pT, [sympy.Integer(0)] * (T - 1) + [pT]


@st.composite
def points_near_the_zero_set(draw, d, T):
    """A point of the zero set with a random subset of its d^2 + T coordinates moved by random rationals
    (possibly none, possibly all): both zero-loss points and their complement are drawn."""
    C, p = draw(zero_set_points(d, T))
    C, p = C.copy(), list(p)
    n = d * d + T
    moved = draw(st.sets(st.integers(0, n - 1), max_size=n))
    for k in moved:
        eps = draw(nonzero_rationals())
        if k < d * d:
            C[k // d, k % d] += eps
        else:
            p[k - d * d] += eps
    return C, p


@settings(max_examples=25, deadline=None)
@given(st.data(), st.integers(1, 3), st.integers(2, 5))
def test_printed_conditions_give_zero_loss_of_model6(data, d, T):
    """(⇐) Heads realising C = I/p_T (random invertible B, A = B^(-T) C) and p = p_T e_T: model (6), expanded
    literally, predicts λ^T exactly."""
    C, p = data.draw(zero_set_points(d, T))
    B = data.draw(invertible_rational_matrices(d))
    A = B.T.inv() * C
    lam = LaurentPolynomial.variables(d)
    residual = [f - lam[i] ** T for i, f in enumerate(th.model6_output(A, B, p, T))]
    assert mean_square_norm(residual) == 0


@settings(max_examples=40, deadline=None)
@given(st.data(), st.integers(1, 3), st.integers(2, 5))
def test_zero_loss_iff_printed_conditions(data, d, T):
    """Both directions at once: at points of the zero set moved along random coordinates by random amounts,
    the exact loss vanishes exactly when every printed condition holds."""
    C, p = data.draw(points_near_the_zero_set(d, T))
    loss = th.population_loss(C, p, T)
    assert (loss == 0) == _conditions_hold(C, p)
    assert loss >= 0


@settings(max_examples=30, deadline=None)
@given(st.data(), st.integers(1, 3), st.integers(2, 5))
def test_breaking_any_single_condition_makes_the_loss_positive(data, d, T):
    """(⇒) One coordinate moved by a drawn non-zero break size: a condition is violated and the loss is > 0."""
    C, p = data.draw(zero_set_points(d, T))
    k = data.draw(st.integers(0, d * d + T - 1))
    eps = data.draw(nonzero_rationals())
    C, p = C.copy(), list(p)
    if k < d * d:
        C[k // d, k % d] += eps
    else:
        p[k - d * d] += eps
    assert not _conditions_hold(C, p)
    assert th.population_loss(C, p, T) > 0


@pytest.mark.parametrize("d", [1, 2])
@pytest.mark.parametrize("T", [2, 3, 4])
def test_zero_set_ideal_equals_printed_conditions(d, T):
    C = th.symbolic_matrix("C", d, d)
    p = th.symbolic_row("p", T)
    res = ideal_equality(th.coefficient_equations(C, p, T, "unitary"), th.prop3_conditions(C, p), list(C) + p)
    assert res["a_in_b"] and res["b_in_a"]


def test_zero_set_solution_d2_T3():
    C = th.symbolic_matrix("C", 2, 2)
    p = th.symbolic_row("p", 3)
    derived = th.solve_zero_loss(C, p, 3, "unitary")
    assert derived == [{C[0, 0]: 1 / p[2], C[0, 1]: 0, C[1, 0]: 0, C[1, 1]: 1 / p[2], p[0]: 0, p[1]: 0}]


def test_orthogonal_zero_set_differs_from_unitary():
    # Lemma 3's parameters break Proposition 3's conditions, and have positive loss on C_U
    C, p = th.lemma3_parameters(1, 3)
    assert not _conditions_hold(C, p)
    assert th.population_loss(C, p, 3, "unitary") > 0


@settings(max_examples=15, deadline=None)
@given(st.data(), st.integers(1, 4), st.integers(0, 2), st.integers(2, 6), st.floats(0.3, 3.0))
def test_model6_at_zero_loss_is_the_printed_mapping_on_arbitrary_tokens(data, d, extra, T, c):
    """ψ_Γ(e) = (ē_(T-1) ⊙ e_T) ⊙ e_T for arbitrary complex tokens, with H = d + extra heads realising C = I/c."""
    H = d + extra
    e = data.draw(complex_tokens(T, d))
    B = np.eye(H, d) + 0.3 * np.arange(H * d).reshape(H, d) / (H * d)
    A = B @ np.linalg.inv(B.T @ B) / c
    P = np.zeros((T, T))
    P[T - 2, T - 1] = c
    model = DiagonalAttention(DiagonalAttentionConfig(d=d, heads=H, T_max=T))
    with torch.no_grad():
        model.A.copy_(torch.tensor(A))
        model.B.copy_(torch.tensor(B))
        model.P.copy_(torch.tensor(P))
        out = model(torch.tensor(e)).numpy()
    ref = prop3.printed_psi(prop3.printed_gamma(e), e)
    assert np.allclose(out, ref, rtol=1e-9, atol=1e-9 * max(1.0, np.abs(ref).max()))


def test_multistart_lower_bound_small():
    from ical_verify.models.train_diagonal import multistart_minimum

    res = multistart_minimum(2, 1, 3, "unitary", starts=2, seed=1)
    assert abs(res.best - 2 * 1) < 1e-6                      # (T_max - 1)(d - H)
    res = multistart_minimum(2, 2, 3, "unitary", starts=2, seed=1)
    assert res.best < 1e-10
