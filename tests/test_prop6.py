"""Proposition 6: orthogonal contexts — the A.9 zero-loss family and its complement, the §5.2 slip, the closed
form of the C_O loss, the mapping Γ = λ², and the rank statement."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.numerics.diagonal_model import closed_form_loss, exact_loss, monte_carlo_loss
from ical_verify.proofs_check.papers.sander2024 import prop6
from ical_verify.proofs_check.papers.sander2024._checks_diagonal import ideal_equality
from ical_verify.theory import diagonal_attention as th

from strategies_diagonal import coupling_matrices, nonzero_rationals, positional_rows, rationals


def _holds(conditions) -> bool:
    return all(sympy.simplify(sympy.sympify(x)) == 0 for x in conditions)


@st.composite
def a9_zero_loss_points(draw, delta, T):
    """A point of the A.9 zero-loss family: every pair block [[c, b], [b, c]], c = 1/p_T,
    b = -p_(T-1)/(p_T (p_T + p_(T-1))), p = (0, ..., 0, p_(T-1), p_T), p_T and p_T + p_(T-1) non-zero."""
    pT = draw(nonzero_rationals())
    pT1 = draw(rationals().filter(lambda x: x != -pT))
    C, _ = prop6.zero_loss_parameters(delta, pT, pT1)
    return C, [sympy.Integer(0)] * (T - 2) + [pT1, pT]


@st.composite
def points_near_the_a9_family(draw, delta, T):
    """A family point with a random subset of its coordinates moved by random non-zero rationals (possibly none)."""
    C, p = draw(a9_zero_loss_points(delta, T))
    C, p = C.copy(), list(p)
    d = 2 * delta
    n = d * d + T
    for k in draw(st.sets(st.integers(0, n - 1), max_size=3)):
        eps = draw(nonzero_rationals())
        if k < d * d:
            C[k // d, k % d] += eps
        else:
            p[k - d * d] += eps
    return C, p


@settings(max_examples=30, deadline=None)
@given(st.data(), st.integers(1, 2), st.integers(2, 5))
def test_a9_family_has_zero_loss_and_the_printed_condition_holds_only_if_p_Tminus1_is_zero(data, delta, T):
    """(⇐) Every point of the A.9 family has zero C_O loss and meets the A.9 conditions; the §5.2 condition
    (missing C_(2i,2i)) holds there exactly when p_(T-1) = 0 — it excludes every rank-deficient zero."""
    C, p = data.draw(a9_zero_loss_points(delta, T))
    assert th.population_loss(C, p, T, "orthogonal") == 0
    assert _holds(th.prop6_conditions(C, p, "A.9"))
    assert _holds(th.prop6_conditions(C, p, "printed")) == (p[-2] == 0)


@settings(max_examples=40, deadline=None)
@given(st.data(), st.integers(1, 2), st.integers(2, 5))
def test_zero_loss_iff_A9_conditions_near_the_family(data, delta, T):
    """Both directions: at family points moved along random coordinates by random amounts, the exact C_O loss is
    zero exactly when the A.9 conditions hold."""
    C, p = data.draw(points_near_the_a9_family(delta, T))
    loss = th.population_loss(C, p, T, "orthogonal")
    assert loss >= 0
    assert (loss == 0) == _holds(th.prop6_conditions(C, p, "A.9"))


@settings(max_examples=30, deadline=None)
@given(st.data(), st.integers(1, 2), st.integers(2, 5))
def test_perturbing_one_coordinate_of_a_zero_makes_the_loss_positive(data, delta, T):
    """(⇒) Zero loss forces the conditions: moving any one coordinate of a zero by a drawn amount makes the loss
    positive and breaks an A.9 condition (the family is a graph over (p_T, p_(T-1)): no single move stays in it)."""
    C, p = data.draw(a9_zero_loss_points(delta, T))
    d = 2 * delta
    k = data.draw(st.integers(0, d * d + T - 1))
    eps = data.draw(nonzero_rationals())
    C, p = C.copy(), list(p)
    if k < d * d:
        C[k // d, k % d] += eps
    else:
        p[k - d * d] += eps
    assert th.population_loss(C, p, T, "orthogonal") > 0
    assert not _holds(th.prop6_conditions(C, p, "A.9"))


@pytest.mark.parametrize("T", [2, 3, 4, 5])
def test_zero_set_ideal_equals_A9_and_not_the_printed_form(T):
    C = th.symbolic_matrix("C", 2, 2)
    p = th.symbolic_row("p", T)
    eqs = th.coefficient_equations(C, p, T, "orthogonal")
    a9 = ideal_equality(eqs, th.prop6_conditions(C, p, "A.9"), list(C) + p)
    printed = ideal_equality(eqs, th.prop6_conditions(C, p, "printed"), list(C) + p)
    assert a9["a_in_b"] and a9["b_in_a"]
    assert not (printed["a_in_b"] and printed["b_in_a"])


def test_printed_condition_fails_on_lemma3_and_A9_holds():
    C, p = th.lemma3_parameters(2, 4)
    printed = [sympy.nsimplify(x) for x in th.prop6_conditions(C, p, "printed")]
    a9 = [sympy.nsimplify(x) for x in th.prop6_conditions(C, p, "A.9")]
    assert sorted(set(printed) - {0}) == [sympy.Rational(1, 2)]
    assert all(x == 0 for x in a9)


@settings(max_examples=25, deadline=None)
@given(st.data(), st.integers(1, 3), st.integers(2, 8))
def test_orthogonal_closed_form_equals_exact(data, delta, T):
    C = data.draw(coupling_matrices(2 * delta))
    p = data.draw(positional_rows(T))
    assert np.isclose(closed_form_loss(C, p, "orthogonal"), exact_loss(C, p, "orthogonal"), rtol=1e-10, atol=1e-10)


def test_orthogonal_closed_form_monte_carlo_excludes_the_unitary_value():
    """6-sigma interval over C_O contains the closed form and excludes the nearest wrong alternative (the C_U loss of
    the same parameters); the sample size is computed from a pilot so that they are 12 standard errors apart."""
    rng = np.random.default_rng(5)
    C = rng.standard_normal((4, 4)) / 2
    p = rng.standard_normal(5)
    right, wrong = closed_form_loss(C, p, "orthogonal"), closed_form_loss(C, p, "unitary")
    pilot = monte_carlo_loss(C, p, 2_000, rng, "orthogonal")
    sd = pilot.standard_error * np.sqrt(pilot.n_samples)
    n = max(2_000, int(np.ceil(1.2 * (12 * sd / abs(right - wrong)) ** 2)))
    mc = monte_carlo_loss(C, p, n, rng, "orthogonal")
    assert mc.contains(right)
    assert not mc.contains(wrong)


def test_trig_identity_and_rank():
    theta = sympy.Symbol("theta", real=True)
    assert th.trig_identity_residual(theta) == sympy.zeros(2, 2)
    x, y = sympy.symbols("x y", real=True)
    block = th.orthogonal_zero_block(x, y)
    assert block.subs({x: 2, y: -1}).rank() == 1 and block.subs({x: 1, y: 0}).rank() == 2
    A, B = th.lemma3_heads(3)
    assert B.T * A == th.lemma3_parameters(3, 2)[0]


def test_domain_errors():
    from ical_verify.theory.errors import DomainError

    with pytest.raises(DomainError, match="odd"):
        th.orthogonal_loss_closed_form(sympy.eye(3), [0, 1])
    with pytest.raises(DomainError, match="T = 1"):
        th.ar_tokens(2, 1)
    with pytest.raises(DomainError, match="form"):
        th.prop6_conditions(sympy.eye(2), [0, 1], "nosuch")
