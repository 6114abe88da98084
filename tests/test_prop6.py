"""Lemma 3 and Proposition 6: orthogonal contexts."""

import numpy as np
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.numerics.diagonal_model import closed_form_loss, exact_loss, monte_carlo_loss
from ical_verify.theory import diagonal_attention as th

from strategies_diagonal import coupling_matrices, positional_rows


@settings(max_examples=25, deadline=None)
@given(st.data(), st.integers(1, 3), st.integers(2, 8))
def test_orthogonal_closed_form_equals_exact(data, delta, T):
    C = data.draw(coupling_matrices(2 * delta))
    p = data.draw(positional_rows(T))
    assert np.isclose(closed_form_loss(C, p, "orthogonal"), exact_loss(C, p, "orthogonal"), rtol=1e-10, atol=1e-10)


def test_orthogonal_closed_form_monte_carlo():
    rng = np.random.default_rng(5)
    C = rng.standard_normal((4, 4)) / 2
    p = rng.standard_normal(5)
    mc = monte_carlo_loss(C, p, 100_000, rng, "orthogonal")
    assert mc.contains(closed_form_loss(C, p, "orthogonal"))
    assert not mc.contains(closed_form_loss(C, p, "unitary"))        # the MC check can fail


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 3), st.integers(2, 6))
def test_lemma3_predicts_exactly(delta, T):
    C, p = th.lemma3_parameters(delta, T)
    assert th.population_loss(C, p, T, "orthogonal") == 0
    assert th.population_loss(C, p, T, "unitary") > 0


def test_printed_condition_fails_on_lemma3_and_A9_holds():
    C, p = th.lemma3_parameters(2, 4)
    printed = [sympy.nsimplify(x) for x in th.prop6_conditions(C, p, "printed")]
    a9 = [sympy.nsimplify(x) for x in th.prop6_conditions(C, p, "A.9")]
    assert sorted(set(printed) - {0}) == [sympy.Rational(1, 2)]
    assert all(x == 0 for x in a9)


def test_zero_set_equals_A9_form():
    C = th.symbolic_matrix("C", 2, 2)
    p = th.symbolic_row("p", 3)
    derived = th.solve_zero_loss(C, p, 3, "orthogonal")
    stated = sympy.solve(th.prop6_conditions(C, p, "A.9"), sorted(set(C.free_symbols) | set(p), key=str), dict=True)
    assert derived == stated
    stated_printed = sympy.solve(th.prop6_conditions(C, p, "printed"), sorted(set(C.free_symbols) | set(p), key=str),
                                 dict=True)
    assert derived != stated_printed


def test_trig_identity_and_rank():
    theta = sympy.Symbol("theta", real=True)
    assert th.trig_identity_residual(theta) == sympy.zeros(2, 2)
    x, y = sympy.symbols("x y", real=True)
    block = th.orthogonal_zero_block(x, y)
    assert block.subs({x: 2, y: -1}).rank() == 1 and block.subs({x: 1, y: 0}).rank() == 2
    A, B = th.lemma3_heads(3)
    assert B.T * A == th.lemma3_parameters(3, 2)[0]


def test_domain_errors():
    import pytest

    from ical_verify.theory.errors import DomainError

    with pytest.raises(DomainError, match="odd"):
        th.orthogonal_loss_closed_form(sympy.eye(3), [0, 1])
    with pytest.raises(DomainError, match="T = 1"):
        th.ar_tokens(2, 1)
