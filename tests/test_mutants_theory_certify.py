"""Mutation tests for theory.certify: the certificates' verdicts, scopes, cases and named differences, the
Laurent-monomial helpers, the summands of Lemmas 2 and 4 derived by hand, the pattern-form mean square against
its concrete recomputation at every T, a residual with an exceptional T, and the constants K_T, J_T under both
conventions (benchmarks/mutation.md)."""

import dataclasses
import functools
import typing

import pytest
import sympy

from ical_verify.theory import certify as cf
from ical_verify.theory import index_patterns as ip
from ical_verify.theory import symbolic_exponents as se

T, t = se.T, se.t1
LI, LJ = cf.LAM_I, cf.LAM_J
d = sympy.Symbol("d", integer=True, positive=True)


# Laurent monomials ---------------------------------------------------------------------------------------------
def test_torus_conjugation_inverts_every_variable_at_once():
    assert sympy.simplify(cf.torus_conj(LI ** 2 * LJ ** -3 + 5, [LI, LJ]) - (LJ ** 3 / LI ** 2 + 5)) == 0
    assert sympy.simplify(cf.torus_conj(LI * LJ, [LI]) - LJ / LI) == 0


def test_monomials_collect_like_terms_and_drop_zero_coefficients():
    assert cf.monomials(3 * LI ** t - LI ** t + LJ - LJ, [LI, LJ]) == {(t, 0): 2}
    assert cf.monomials(LI ** (t - 1) * LI * 5 + 2, [LI]) == {(t,): 5, (0,): 2}
    assert cf.monomials(sympy.Integer(0), [LI]) == {}
    assert cf.monomial_difference(LI + 2, LI + 3, [LI]) == {(0,): -1}
    assert cf.monomial_difference(LI ** t + LJ, LJ + LI ** t, [LI, LJ]) == {}
    assert cf.monomial_difference(LI, 2 * LJ, [LI, LJ]) == {(1, 0): 1, (0, 1): -2}


# Lemma 2 ---------------------------------------------------------------------------------------------------------
def test_lemma2_summands_are_the_hand_computed_monomials():
    p_t = sympy.Symbol("p_t", real=True)
    a_i, a_j, b_i, b_j = sympy.symbols("a_h^i a_h^j b_h^i b_h^j", real=True)
    model, syms = cf.lemma2_model_summand(False)
    assert sympy.simplify(model - p_t * a_j * b_i * LJ ** (t - T + 1) * LI ** (t - 1)) == 0
    assert syms == (p_t, a_i, a_j, b_i, b_j, LI, LJ)
    same, syms = cf.lemma2_model_summand(True)
    assert sympy.simplify(same - p_t * a_i * b_i * LI ** (2 * t - T)) == 0 and syms[-1] == LI
    printed = cf.lemma2_printed_summand(True)
    assert cf.monomial_difference(printed, p_t * a_i * b_i * LI ** (2 * t - T), [LI]) == {}


def test_lemma2_certificate_records_both_cases():
    c = cf.certify_lemma2()
    assert c.holds and c.name == "Lemma 2" and c.differences == {}
    assert c.method == "symbolic exponents (termwise)"
    assert [x["case"] for x in c.cases] == ["j != i", "j = i"] and all(x["equal"] for x in c.cases)
    assert c.summary() == ("Lemma 2 holds for all d >= 1, all H >= 1, all T >= 2 (symbolic exponents (termwise); "
                           "2 cases checked)")


def test_lemma2_certificate_names_the_differing_monomials():
    c = cf.certify_lemma2(exponents=lambda t, T: (t - T + 2, t - 1))
    assert not c.holds and c.scope == "fails for some d, H, T"
    assert [x["equal"] for x in c.cases] == [False, False]
    p_t, a_j, b_i = sympy.Symbol("p_t", real=True), sympy.Symbol("a_h^j", real=True), sympy.Symbol("b_h^i", real=True)
    assert c.differences[f"j != i: coefficient of lambda^{(t - 1, t - T + 1)}"] == a_j * b_i * p_t
    assert c.differences[f"j != i: coefficient of lambda^{(t - 1, t - T + 2)}"] == -a_j * b_i * p_t
    assert len(c.differences) == 4
    assert c.summary().startswith("Lemma 2 does not hold: it fails for some d, H, T (")
    c = cf.certify_lemma2(factor=lambda ai, aj, bi, bj: ai * bj)
    assert not c.holds and [x["equal"] for x in c.cases] == [False, True]     # C^T = C on the diagonal


# Lemma 4 ---------------------------------------------------------------------------------------------------------
@functools.cache
def _lemma4(convention=None):
    """Each certificate once (about 0.1 s of CPU each); convention None is the default call."""
    return cf.certify_lemma4() if convention is None else cf.certify_lemma4(convention)


def test_lemma4_backward_convention_holds_in_four_cases():
    c = _lemma4()                                  # the default convention is s_0 = W^-1 s_1
    assert c.holds and c.scope == cf.ALL_SIZES == "all d >= 1, all T >= 2"
    assert c.name == "Lemma 4 output (9), s_0 = W^-1 s_1"
    assert c.method == "symbolic exponents (termwise)"
    assert [x["case"] for x in c.cases] == ["j != i, t >= 2 (symbolic t)", "j != i, t = 1",
                                            "j = i, t >= 2 (symbolic t)", "j = i, t = 1"]


def test_lemma4_zero_padding_fails_only_at_t_equal_1():
    c = _lemma4("zero")
    assert not c.holds and c.name == "Lemma 4 output (9), s_0 = 0"
    assert [x["equal"] for x in c.cases] == [True, False, True, False]
    assert c.scope == "fails for every d >= 1, T >= 2 (j != i, t = 1, j = i, t = 1)"
    a, b = sympy.symbols("a1:5", real=True), sympy.symbols("b1:3", real=True)
    assert c.differences[f"j != i, t = 1: coefficient of lambda^{(0, T)}"] == -a[2] * b[0]
    assert all(k.startswith(("j != i, t = 1: ", "j = i, t = 1: ")) for k in c.differences)


def test_lemma4_t1_summands_differ_exactly_by_the_s0_terms():
    a, b = sympy.symbols("a1:5", real=True), sympy.symbols("b1:3", real=True)
    zero = cf.lemma4_model_summand(False, "zero", sympy.Integer(1))
    backward = cf.lemma4_model_summand(False, "backward", sympy.Integer(1))
    assert sympy.simplify(zero - (a[0] * b[0] + a[1] * b[0] / LJ) * LJ ** (T - 1)) == 0
    # the s_0 = lambda^-1 terms: a3, a4 (token s_0 in the query) and b2 (value s_0)
    extra = sympy.expand(backward - zero)
    assert extra != 0 and sympy.expand(extra.subs({a[2]: 0, a[3]: 0, b[1]: 0})) == 0


def test_lemma4_zero_padding_form_passes_with_the_first_coefficients():
    a, b = sympy.symbols("a1:5", real=True), sympy.symbols("b1:3", real=True)
    first = {(al, be): sympy.Integer(0) for al in cf.ALPHAS for be in cf.BETAS}
    first[(0, 0)], first[(1, 0)] = a[0] * b[0], a[1] * b[0]
    assert cf.certify_lemma4("zero", coefficients_first=first).holds


@pytest.mark.parametrize("call", [lambda: cf.certify_lemma4("forward"), lambda: cf.gd_form_constants("forward")])
def test_unknown_conventions_are_refused(call):
    with pytest.raises(cf.DomainError):
        call()


# Lemma 3 ---------------------------------------------------------------------------------------------------------
def test_lemma3_certificate_and_its_failure():
    c = cf.certify_lemma3()
    assert c.holds and c.scope == "all δ >= 1, all T >= 2 (d = 2δ)" and c.name == "Lemma 3"
    assert [x["component"] for x in c.cases] == ["mu**T", "mu**(-T)"]
    bad = cf.certify_lemma3(c_rule=lambda kind: sympy.Rational(1, 2) if kind == "same" else 0)
    assert not bad.holds and bad.scope == "fails for every δ >= 1, T >= 2"
    assert bad.differences == {"i odd (lambda_i = mu): coefficient of mu^T - 2": -sympy.Rational(1, 2),
                               "i even (lambda_i = 1/mu): coefficient of mu^2 - T": -sympy.Rational(1, 2)}
    assert not cf.certify_lemma3(p_rule=lambda c: {0: 2, -1: -2}[c]).holds


# mean squares ----------------------------------------------------------------------------------------------------
def test_lemma2_residual_spec_and_evaluation_at_a_time():
    spec = cf.lemma2_residual_spec()
    assert (spec.a, spec.b, spec.c) == (t - T + 1, t - 1, T)
    assert spec.at(3) == (4 - T, 2)
    g = cf.gd_form_spec()
    assert (g.a, g.b, g.c) == (T - t + 1, t - 1, T)


@pytest.mark.parametrize("context, n_systems", [("unitary", 5 + 2), ("orthogonal", 11 + 3)])
def test_mean_square_records_one_system_per_pattern(context, n_systems):
    ms = cf.mean_square_form(cf.lemma2_residual_spec(), context)
    assert len(ms.systems) == n_systems and ms.exceptions == {}
    assert ms.generic.const == 1 and ms.generic.context == context
    first = ms.systems[0]
    assert first == {"pattern": "j = i; k = i", "equations": ["2*t - 2*t'"], "solution": "diagonal",
                     "sum": r"\|p\|^2", "exceptional_T": []}
    lin = {x["pattern"]: x for x in ms.systems[-(n_systems - (5 if context == "unitary" else 11)):]}
    assert lin["j = i"] == {"pattern": "j = i", "equations": ["-2*T + 2*t"], "solution": "point", "sum": "-2*p_T",
                            "exceptional_T": []}                   # -2 p_T C_ii: the cross term with lambda_i^T


@pytest.mark.parametrize("context", ["unitary", "orthogonal"])
@pytest.mark.parametrize("Tv", [2, 3, 4])
def test_mean_square_generic_form_equals_its_concrete_recomputation(context, Tv):
    spec = cf.lemma2_residual_spec()
    ms = cf.mean_square_form(spec, context)
    concrete = cf.mean_square_concrete(spec, Tv, context)
    row = se.row_symbols("p", Tv)
    assert ms.generic.subs(ms.stats.values(row)).subs({T: Tv}).equals(concrete)
    assert concrete.const == 1 and concrete.context == context


def test_closed_form_failure_scopes_count_the_blocks_of_a_differing_pattern():
    c = cf.certify_closed_form("x", lambda s: cf.prop4_corrected_form(s) + ip.row_norm_sq())
    assert not c.holds and c.scope == ("fails for every d >= 1 and every T >= 2 (a differing pattern has 1 "
                                       "block)")
    assert c.differences == {"C_ij C_ik at j = i; k = i": 1, "C_ij C_ik at j new; k = j": 1}
    assert c.cases == [{"T": "generic (symbolic)", "equal": False, "patterns": 8}]
    o = cf.certify_closed_form("y", lambda s: cf.orthogonal_closed_form(s) + ip.off_block_norm_sq(), "orthogonal")
    assert o.scope == "fails for every δ >= 2 and every T >= 2 (a differing pattern has 2 blocks)"
    assert o.cases[0]["patterns"] == 11 + 3 + 1


def test_closed_form_certificates_that_hold():
    c = cf.certify_closed_form("Proposition 4 (corrected)", cf.prop4_corrected_form)
    assert c.holds and c.scope == "all d >= 1, all T >= 2" and c.method == "index patterns + symbolic exponents"
    assert c.summary() == ("Proposition 4 (corrected) holds for all d >= 1, all T >= 2 (index patterns + symbolic "
                           "exponents; 1 case checked)")
    o = cf.certify_closed_form("O", cf.orthogonal_closed_form, "orthogonal")
    assert o.holds and o.scope == "all δ >= 1, all T >= 2 (d = 2δ)" and len(o.systems) == 14


def test_printed_and_corrected_prop4_differ_by_the_last_weight_times_the_row_norm():
    s = se.RowStatistics("p")
    assert (cf.prop4_printed_form(s) - cf.prop4_corrected_form(s)).equals(s.end(-1) ** 2 * ip.row_norm_sq())


# a residual with an exceptional T: a = -t, b = t + 1, c = T - 1 ------------------------------------------------------
EXC_SPEC = cf.ResidualSpec(-t, t + 1, T - 1)


def test_a_coincidence_at_T_2_is_recomputed_concretely():
    ms = cf.mean_square_form(EXC_SPEC)
    assert sorted(ms.exceptions) == [2]
    concrete = cf.mean_square_concrete(EXC_SPEC, 2)
    assert ms.exceptions[2].equals(concrete)
    assert not ms.generic.subs(ms.stats.values(se.row_symbols("p", 2))).subs({T: 2}).equals(concrete)
    for Tv in (3, 4):
        row = se.row_symbols("p", Tv)
        assert ms.generic.subs(ms.stats.values(row)).subs({T: Tv}).equals(cf.mean_square_concrete(EXC_SPEC, Tv))


def test_the_generic_form_fails_the_certificate_at_the_exceptional_T():
    generic = cf.mean_square_form(EXC_SPEC).generic
    c = cf.certify_closed_form("generic", lambda s: generic, spec=EXC_SPEC)
    assert not c.holds
    assert c.cases[0]["equal"] is True and c.cases[1] == {"T": 2, "equal": False}
    assert c.differences and all(k.startswith("T = 2: C_ij at ") for k in c.differences)


def test_a_failure_at_an_exceptional_T_only_is_scoped_to_that_T():
    generic = cf.mean_square_form(EXC_SPEC).generic
    c = cf.certify_closed_form("generic", lambda s: generic, spec=EXC_SPEC)
    assert "every T >= 2" not in c.scope and "T = 2" in c.scope


# the constants K_T, J_T of A.3 ---------------------------------------------------------------------------------------
def test_gd_constants_under_both_conventions():
    k = cf.gd_form_constants("backward")
    assert sympy.expand(k["K"] - T * (T + d - 1)) == 0 and k["J"] == T
    assert k["valid_from"] == 2 and k["concrete"] == {} and len(k["systems"]) == 7
    z = cf.gd_form_constants("zero")
    assert sympy.expand(z["K"] - (T - 1) * (T + d - 2)) == 0 and z["J"] == T - 1
    assert z["valid_from"] == 3 and z["concrete"] == {2: {"K": d, "J": 1}}
    assert sympy.expand(z["K"].subs(T, 2) - z["concrete"][2]["K"]) == 0       # the closed form also holds at T = 2
    assert sympy.expand(cf.gd_form_constants("backward", d=3)["K"] - T * (T + 2)) == 0


def test_certificate_summaries_count_cases_in_the_singular_and_plural():
    one = cf.Certificate("X", True, "all d", "m", "arg", cases=[{}])
    assert one.summary() == "X holds for all d (m; 1 case checked)"
    none = cf.Certificate("Y", False, "fails for d = 1", "m", "arg")
    assert none.summary() == "Y does not hold: it fails for d = 1 (m; 0 cases checked)"
    assert none.cases == [] and none.differences == {} and none.systems == []


# methods, and failure scopes confined to exceptional T ------------------------------------------------------------
def test_lemma3_certificate_names_its_method():
    assert cf.certify_lemma3().method == "symbolic exponents (index pattern of j)"


# f_i = sum_t w_t C_ij - lambda_i^c with c = T - 3 (resp. 2T - 3): the cross term picks w_(T-3) (resp. w_(2T-3)),
# whose membership in [1, T] is not the generic one at T = 2, 3
LATE_SPEC = cf.ResidualSpec(sympy.Integer(0), t, T - 3)
DOUBLE_SPEC = cf.ResidualSpec(sympy.Integer(0), t, 2 * T - 3)


def test_exceptional_T_where_the_generic_form_still_holds_pass_the_certificate():
    # at T = 2, 3 the entry w_(T-3) is outside the row: the concrete sum and the generic p_(T-3) (read as 0) agree
    generic = cf.mean_square_form(LATE_SPEC).generic
    c = cf.certify_closed_form("late", lambda s: generic, spec=LATE_SPEC)
    assert c.holds and c.scope == "all d >= 1, all T >= 2" and c.differences == {}
    assert c.cases[1:] == [{"T": 2, "equal": True}, {"T": 3, "equal": True}]


def test_a_failure_at_two_exceptional_T_is_scoped_to_both():
    generic = cf.mean_square_form(DOUBLE_SPEC).generic          # generic: w_(2T-3) never in the row, so 0
    c = cf.certify_closed_form("double", lambda s: generic, spec=DOUBLE_SPEC)
    assert not c.holds
    assert c.scope == ("fails at T = 2, 3 only (an exceptional T, recomputed concretely); holds for all d >= 1 and "
                       "every other T >= 2")
    p1, p3 = sympy.Symbol("p_1", real=True), sympy.Symbol("p_3", real=True)
    # the cross term -2 w_(2T-3) C_ij at T = 2 (w_1) and T = 3 (w_3), missing from the generic form
    assert c.differences == {"T = 2: C_ij at j = i": 2 * p1, "T = 2: C_ij at j new": 2 * p1,
                             "T = 3: C_ij at j = i": 2 * p3, "T = 3: C_ij at j new": 2 * p3}


def test_exceptional_T_failure_scope_of_a_single_T_and_orthogonal_sizes():
    generic = cf.mean_square_form(EXC_SPEC).generic
    c = cf.certify_closed_form("generic", lambda s: generic, spec=EXC_SPEC)
    assert c.scope == ("fails at T = 2 only (an exceptional T, recomputed concretely); holds for all d >= 1 and "
                       "every other T >= 2")


def test_a_wrong_constant_alone_fails_for_every_size():
    c = cf.certify_closed_form("x", lambda s: cf.prop4_corrected_form(s) + 1)
    assert c.differences == {"constant": 1}
    assert c.scope == "fails for every d >= 1 and every T >= 2 (a differing pattern has 1 block)"


# the weight statistics of A.3 against a brute-force row --------------------------------------------------------------
@pytest.mark.parametrize("convention", ["backward", "zero"])
@pytest.mark.parametrize("extra", ["end(-3)", "start(4)", "start(1)", "lag(1)", "lag(3)"])
def test_weight_statistics_hold_exactly_from_the_least_valid_T(convention, extra):
    s = se.RowStatistics("w")
    eval("s." + extra)
    values, valid = cf._weights(convention, s)
    top = 9
    agree = []
    for Tv in range(2, top + 1):
        row = [0 if (convention == "zero" and k == 1) else 1 for k in range(1, Tv + 1)]
        concrete = s.values(row)
        agree.append(all(sympy.sympify(values[x]).subs(T, Tv) == concrete[x] for x in s.symbols()))
    least = next(Tv for Tv in range(2, top + 1) if all(agree[Tv - 2:]))
    assert valid == least


def test_residual_specs_are_immutable_and_annotations_resolve():
    spec = cf.lemma2_residual_spec()
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.c = T + 1
    # documentation tools evaluate the annotations: each must be a valid type expression
    for name in cf.__all__:
        obj = getattr(cf, name)
        if callable(obj):
            typing.get_type_hints(obj)
    assert typing.get_type_hints(cf.mean_square_form)["stats"] == (se.RowStatistics | None)


# recorded cases and the symbols of the torus ------------------------------------------------------------------------
def test_lemma2_cases_record_both_summands_as_printed():
    p_t = sympy.Symbol("p_t", real=True)
    a_i, a_j, b_i = sympy.Symbol("a_h^i", real=True), sympy.Symbol("a_h^j", real=True), sympy.Symbol("b_h^i", real=True)
    off, diag = cf.certify_lemma2().cases
    hand = str(p_t * a_j * b_i * LJ ** (t - T + 1) * LI ** (t - 1))
    assert off == {"case": "j != i", "model_summand": hand, "printed_summand": hand, "equal": True}
    assert diag["model_summand"] == str(p_t * a_i * b_i * LI ** (2 * t - T))
    assert diag["printed_summand"] == str(p_t * a_i * b_i * LI ** (t - T + 1) * LI ** (t - 1))


def test_lemma4_cases_record_the_model_summand():
    a, b = sympy.symbols("a1:5", real=True), sympy.symbols("b1:3", real=True)
    c = _lemma4("zero")
    assert [sorted(x) for x in c.cases] == [["case", "equal", "model_summand"]] * 4
    names = {str(s): s for s in (*a, *b, LI, LJ, T, t)}
    recorded = sympy.sympify(c.cases[1]["model_summand"], locals=names)       # j != i, t = 1, s_0 = 0
    assert sympy.simplify(recorded - (a[0] * b[0] + a[1] * b[0] / LJ) * LJ ** (T - 1)) == 0


def test_the_torus_variables_are_named_nonzero_symbols():
    assert (str(LI), str(LJ)) == ("lambda_i", "lambda_j")
    assert LI.is_nonzero and LJ.is_nonzero and LI.is_zero is False


@pytest.mark.parametrize("spec, exceptional", [
    (cf.ResidualSpec(t - T + 3, t, T + 5), [2, 3]),        # quadratic part only: w_(T-3)^2, in the row from T = 4
    (cf.ResidualSpec(T - t - 3, T - 2, T), [2, 3, 4, 5]),  # and the cross term -2 w_(T-5) C_ii, from T = 6
])
def test_exceptional_T_are_gathered_from_every_pattern(spec, exceptional):
    ms = cf.mean_square_form(spec)
    assert sorted(ms.exceptions) == exceptional
    assert all(ms.exceptions[Tv].equals(cf.mean_square_concrete(spec, Tv)) for Tv in exceptional)


def test_lemma3_cases_and_a_partner_only_coupling():
    c = cf.certify_lemma3()
    assert c.cases == [{"case": "i odd (lambda_i = mu)", "component": "mu**T", "equal": True},
                       {"case": "i even (lambda_i = 1/mu)", "component": "mu**(-T)", "equal": True}]
    # C_(i, partner) = 1/2 only: component i is (2 - 1) / 2 * lambda_i^(T-2), against lambda_i^T
    bad = cf.certify_lemma3(c_rule=lambda kind: {"same": 0, "partner": sympy.Rational(1, 2)}[kind])
    assert [x["equal"] for x in bad.cases] == [False, False]
    half = sympy.Rational(1, 2)
    assert bad.differences == {"i odd (lambda_i = mu): coefficient of mu^T - 2": half,
                               "i odd (lambda_i = mu): coefficient of mu^T": -1,
                               "i even (lambda_i = 1/mu): coefficient of mu^2 - T": half,
                               "i even (lambda_i = 1/mu): coefficient of mu^-T": -1}


def test_gd_constants_default_to_the_backward_convention():
    k = cf.gd_form_constants()
    assert sympy.expand(k["K"] - T * (T + d - 1)) == 0 and k["J"] == T and k["valid_from"] == 2
