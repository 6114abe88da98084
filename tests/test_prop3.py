"""Proposition 3: zero-loss set for unitary contexts."""

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.theory import diagonal_attention as th


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 3), st.integers(2, 5), st.integers(-9, 9).filter(bool), st.integers(1, 9))
def test_conditions_give_zero_loss_and_breaking_one_gives_positive(d, T, num, den):
    c = sympy.Rational(num, den)
    C = sympy.eye(d) * c
    p = [sympy.Integer(0)] * (T - 1) + [1 / c]
    assert th.population_loss(C, p, T) == 0
    for t in range(T - 1):                      # break p_t = 0
        q = list(p)
        q[t] = sympy.Rational(1, 3)
        assert th.population_loss(C, q, T) > 0
    for i in range(d):
        for j in range(d):                      # break C_ii p_T = 1 or C_ij = 0
            C2 = C.copy()
            C2[i, j] += sympy.Rational(1, 5)
            assert th.population_loss(C2, p, T) > 0


def test_zero_set_matches_printed_conditions():
    C = th.symbolic_matrix("C", 2, 2)
    p = th.symbolic_row("p", 3)
    derived = th.solve_zero_loss(C, p, 3, "unitary")
    assert derived == [{C[0, 0]: 1 / p[2], C[0, 1]: 0, C[1, 0]: 0, C[1, 1]: 1 / p[2], p[0]: 0, p[1]: 0}]
    for cond in th.prop3_conditions(C, p):
        assert sympy.simplify(sympy.sympify(cond).subs(derived[0])) == 0


def test_orthogonal_zero_set_differs_from_unitary():
    # Lemma 3's parameters break Proposition 3's conditions, and have positive loss on C_U
    C, p = th.lemma3_parameters(1, 3)
    assert any(sympy.sympify(x) != 0 for x in th.prop3_conditions(C, p))
    assert th.population_loss(C, p, 3, "unitary") > 0


def test_multistart_lower_bound_small():
    from ical_verify.models.train_diagonal import multistart_minimum

    res = multistart_minimum(2, 1, 3, "unitary", starts=2, seed=1)
    assert abs(res.best - 2 * 1) < 1e-6                      # (T_max - 1)(d - H)
    res = multistart_minimum(2, 2, 3, "unitary", starts=2, seed=1)
    assert res.best < 1e-10
