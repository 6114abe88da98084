"""Mutation tests for theory.symbolic_exponents: the statistics of a row at the ends of its range, the affine
solver's kinds, coincidence values and refusals, and box sums at the edges of the box, each checked against a
direct enumeration where one exists (benchmarks/mutation.md)."""

import dataclasses
import typing

import pytest
import sympy

from ical_verify.theory import symbolic_exponents as se
from ical_verify.theory.symbolic_exponents import T, t1, t2


# row statistics -------------------------------------------------------------------------------------------
def test_a_new_row_has_the_square_sum_total_and_last_two_entries():
    s = se.RowStatistics("p")
    assert [str(x) for x in s.symbols()] == [r"\|p\|^2", r"\Sigma p", "p_T", "p_{T-1}"]
    assert all(x.is_real for x in s.symbols())


def test_statistic_symbols_are_named_and_cached():
    s = se.RowStatistics("w")
    assert str(s.end(-3)) == "w_{T-3}" and s.end(-3) is s.end(-3)
    assert str(s.start(2)) == "w_{(2)}" and s.start(2) is s.start(2)
    assert str(s.lag(2)) == "R_w(2)" and s.lag(-2) is s.lag(2)
    assert s.lag(0) is s.sq
    assert s.start(1) is s.start(1)
    assert [str(x) for x in s.symbols()] == [r"\|w\|^2", r"\Sigma w", "w_T", "w_{T-1}", "w_{T-3}", "w_{(2)}",
                                             "w_{(1)}", "R_w(2)"]


@pytest.mark.parametrize("call", [lambda s: s.end(1), lambda s: s.start(0), lambda s: s.start(-1)])
def test_entries_outside_the_row_are_refused(call):
    with pytest.raises(se.DomainError):
        call(se.RowStatistics("p"))


def test_statistic_values_of_a_concrete_row():
    s = se.RowStatistics("p")
    s.start(1), s.start(3), s.start(4), s.lag(1), s.lag(2), s.end(-2)
    v = s.values([1, 2, 3])
    assert v[s.sq] == 14 and v[s.total] == 6
    assert v[s.end(0)] == 3 and v[s.end(-1)] == 2 and v[s.end(-2)] == 1
    assert v[s.start(1)] == 1 and v[s.start(3)] == 3 and v[s.start(4)] == 0     # index 4 is outside a row of 3
    assert v[s.lag(1)] == 1 * 2 + 2 * 3 and v[s.lag(2)] == 1 * 3


def test_statistic_values_of_a_row_of_one():
    s = se.RowStatistics("p")
    s.lag(1)
    v = s.values([5])
    assert v[s.end(0)] == 5 and v[s.end(-1)] == 0 and v[s.lag(1)] == 0 and v[s.sq] == 25


def test_row_symbols_are_numbered_from_one():
    assert [str(x) for x in se.row_symbols("q", 3)] == ["q_1", "q_2", "q_3"]


# the affine solver ---------------------------------------------------------------------------------------------
def test_coincidence_values_of_T_are_integers_from_2_on():
    assert se.solve_affine([T - 2], [t1, t2]).special == (2,)                  # T_MIN = 2 is a sequence length
    assert se.solve_affine([t1 - t2, T - 5], [t1, t2]).special == (5,)
    assert se.solve_affine([T - 1], [t1, t2]).special == ()                    # T = 1 is not a sequence length
    assert se.solve_affine([2 * T - 5], [t1, t2]).special == ()                # T = 5/2 is not an integer
    assert se.solve_affine([T - 2], [t1, t2]).kind == "empty"


def test_inconsistent_and_trivial_systems():
    assert se.solve_affine([sympy.Integer(1)], [t1, t2]) == se.AffineSolution("empty")
    assert se.solve_affine([], [t1, t2]).kind == "all"
    assert se.solve_affine([sympy.Integer(0)], [t1, t2]).kind == "all"
    assert se.solve_affine([t1 - t2, t1 - t2], [t1, t2]).kind == "diagonal"


@pytest.mark.parametrize("eqs, kind, values, offset", [
    ([t1 - 3], "fixed", {0: 3}, None),
    ([t2 - T], "fixed", {1: T}, None),
    ([t1 - t2 - 1], "diagonal", {}, 1),
    ([2 * t1 - 2 * t2 - 2], "diagonal", {}, 1),
    ([t1 - t2 - T], "diagonal", {}, T),
    ([t1 - T, t2 - 1], "point", {0: T, 1: 1}, None),
    ([t2 - 1, t1 - T], "point", {0: T, 1: 1}, None),
    ([3 * t1 + 3 * t2 - 6 * T, t1 - t2], "point", {0: T, 1: T}, None),
])
def test_solution_kinds(eqs, kind, values, offset):
    sol = se.solve_affine(eqs, [t1, t2])
    assert sol.kind == kind and sol.values == values and sol.offset == offset and sol.special == ()


@pytest.mark.parametrize("eqs, variables", [([t1 * t2], [t1, t2]), ([t1 - T ** 2], [t1]),
                                            ([t1 - sympy.Symbol("x")], [t1]), ([t1 + t2 - T], [t1, t2]),
                                            ([t1 / 2 - t2 / 3], [t1, t2])])
def test_systems_outside_the_closed_forms_are_refused(eqs, variables):
    with pytest.raises(se.NotCertifiable):
        se.solve_affine(eqs, variables)


# box sums ---------------------------------------------------------------------------------------------------------
def _check_against_enumeration(eqs, variables, bs, stats, Ts=range(2, 8)):
    for Tv in Ts:
        row = se.row_symbols("p", Tv)
        concrete = se.box_sum_concrete(eqs, variables, Tv, row)
        generic = sympy.expand(sympy.sympify(bs.value).subs(stats.values(row)).subs(T, Tv))
        if Tv not in bs.exceptions:
            assert sympy.expand(generic - concrete) == 0, Tv


@pytest.mark.parametrize("eqs, variables, value, exceptions", [
    ([], [t1, t2], "total**2", set()),
    ([], [t1], "total", set()),
    ([t1 - 3], [t1, t2], "start(3)*total", {2}),
    ([t2 - T], [t1, t2], "end(0)*total", set()),
    ([t1 - t2 - 1], [t1, t2], "lag(1)", set()),
    ([t1 - t2], [t1, t2], "sq", set()),
    ([t1 - T, t2 - 1], [t1, t2], "end(0)*start(1)", set()),
    ([t1 - T + 1], [t1], "end(-1)", set()),
    ([t1 - T - 1], [t1], "0", set()),
    ([t1 - 2 * T + 3], [t1], "0", {2, 3}),                  # 2T - 3 lies in [1, T] only for T = 2, 3
    ([t1 - 2], [t1], "start(2)", set()),
    ([t1], [t1], "0", set()),
    ([t1 - T + 3], [t1], "end(-3)", {2, 3}),                # T - 3 >= 1 only from T = 4 on
])
def test_box_sums_and_their_exceptions(eqs, variables, value, exceptions):
    s = se.RowStatistics("p")
    bs = se.box_sum(se.solve_affine(eqs, variables), len(variables), s)
    expected = eval(value, {"total": s.total, "sq": s.sq, "start": s.start, "end": s.end, "lag": s.lag})
    assert sympy.expand(bs.value - expected) == 0
    assert set(bs.exceptions) == exceptions
    _check_against_enumeration(eqs, variables, bs, s)


def test_a_coincidence_value_is_an_exception_of_the_box_sum():
    s = se.RowStatistics("p")
    bs = se.box_sum(se.solve_affine([t1 - t2, T - 3], [t1, t2]), 2, s)
    assert bs.value == 0 and bs.exceptions == frozenset({3})
    _check_against_enumeration([t1 - t2, T - 3], [t1, t2], bs, s)


@pytest.mark.parametrize("eqs, variables", [([t1 - t2 - T], [t1, t2]), ([2 * t1 - T], [t1])])
def test_box_sums_outside_the_closed_forms_are_refused(eqs, variables):
    with pytest.raises(se.NotCertifiable):
        se.box_sum(se.solve_affine(eqs, variables), len(variables), se.RowStatistics("p"))


def test_an_unknown_solution_kind_is_refused():
    with pytest.raises(se.NotCertifiable):
        se.box_sum(se.AffineSolution("plane"), 2, se.RowStatistics("p"))


def test_concrete_box_sums_enumerate_the_box():
    w = se.row_symbols("w", 4)
    assert se.box_sum_concrete([t1 - t2 - 1], [t1, t2], 3, w) == w[0] * w[1] + w[1] * w[2]
    assert se.box_sum_concrete([t1 - T], [t1], 4, w) == w[3]
    assert se.box_sum_concrete([], [t1], 2, w) == w[0] + w[1]
    assert se.box_sum_concrete([t1 - T - 1], [t1], 3, w) == 0
    assert se.box_sum_concrete([t1 - 1], [t1], 1, w) == w[0]


# the symbols and their assumptions (visible in every printed form and in what SymPy may simplify) ----------------
def test_sequence_length_and_time_indices_are_named_integer_symbols():
    assert str(T) == "T" and T.is_integer and T.is_positive
    assert (str(t1), str(t2)) == ("t", "t'") and t1.is_integer and t2.is_integer
    assert t1.is_positive is None and t2.is_positive is None               # time differences may be negative


def test_statistics_are_real_and_named_p_by_default():
    s = se.RowStatistics()
    assert str(s.sq) == r"\|p\|^2" and str(s.start(1)) == "p_{(1)}"
    assert s.start(2).is_real and s.lag(3).is_real and s.end(-2).is_real and s.total.is_real


def test_concrete_row_entries_are_real():
    assert all(x.is_real for x in se.row_symbols("p", 2))


def test_affine_solutions_and_box_sums_are_immutable_values():
    sol = se.solve_affine([t1 - t2], [t1, t2])
    with pytest.raises(dataclasses.FrozenInstanceError):
        sol.kind = "all"
    bs = se.box_sum(sol, 2, se.RowStatistics("p"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        bs.value = 0


def test_public_annotations_resolve():
    # documentation tools evaluate them: an annotation that is not a valid type expression breaks them
    for name in se.__all__:
        obj = getattr(se, name)
        if callable(obj) and not isinstance(obj, sympy.Basic):
            typing.get_type_hints(obj)
    assert typing.get_type_hints(se.AffineSolution)["offset"] == (sympy.Expr | None)


def test_a_redundant_equation_does_not_hide_a_later_coincidence():
    # after elimination the second equation is 0 = 0 and the third 0 = 3 - T: no solution unless T = 3
    sol = se.solve_affine([t1 - t2, 2 * t1 - 2 * t2, T - 3], [t1, t2])
    assert sol == se.AffineSolution("empty", special=(3,))


def test_a_coincidence_with_a_positive_T_coefficient_on_the_other_side():
    assert se.solve_affine([2 - T], [t1, t2]) == se.AffineSolution("empty", special=(2,))
    assert se.solve_affine([t1 - t2, 7 - T], [t1, t2]).special == (7,)


def test_three_time_indices_of_rank_one_are_refused():
    t3 = sympy.Symbol("t3", integer=True)
    with pytest.raises(se.NotCertifiable):
        se.solve_affine([t1 - t2], [t1, t2, t3])
    assert se.solve_affine([t1 - 1, t2 - 2, t3 - T], [t1, t2, t3]).values == {0: 1, 1: 2, 2: T}


def test_an_index_falling_with_T_is_in_the_row_only_between_its_crossings():
    # w_(5 - T) lies in [1, T] exactly for T = 3, 4 (5 - T <= T from T = 2.5 on, 5 - T >= 1 up to T = 4)
    s = se.RowStatistics("p")
    bs = se.box_sum(se.solve_affine([t1 + T - 5], [t1]), 1, s)
    assert bs.value == 0 and bs.exceptions == frozenset({3, 4})
    _check_against_enumeration([t1 + T - 5], [t1], bs, s)
    assert se.BoxSum(sympy.Integer(0)).exceptions == frozenset()


def test_a_point_collects_the_exceptions_of_both_coordinates():
    # (t, t') = (T - 3, 3): w_(T-3) is in the row from T = 4 on, w_3 from T = 3 on
    s = se.RowStatistics("p")
    eqs = [t1 - T + 3, t2 - 3]
    bs = se.box_sum(se.solve_affine(eqs, [t1, t2]), 2, s)
    assert bs.value == s.end(-3) * s.start(3) and bs.exceptions == frozenset({2, 3})
    _check_against_enumeration(eqs, [t1, t2], bs, s)
