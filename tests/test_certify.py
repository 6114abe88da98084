"""The certification engine (index patterns, symbolic exponents, certificates) and the certification checks.

Each certification check has a negative control that breaks it by perturbing one coefficient of the certified
formula (or of the model side) and asserts that it fails; the check that fails on the paper (Proposition 4 as
printed) has a positive control fed the corrected formula.
"""

from __future__ import annotations

import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

from ical_verify.proofs_check.papers.sander2024.proofs import certificates as certs
from ical_verify.proofs_check.runner import make_context
from ical_verify.theory import certify as cf
from ical_verify.theory import diagonal_attention as th
from ical_verify.theory import index_patterns as ip
from ical_verify.theory import symbolic_exponents as se

from negative_controls import negative_control, positive_control
from strategies_certify import (affine_exponent_systems, exact_coupling_matrices, exact_positional_rows,
                                index_tuples)

CTX = make_context()
EPS = sympy.Rational(1, 7)


# index patterns ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("context, size", [("unitary", 1), ("unitary", 2), ("unitary", 4), ("orthogonal", 1),
                                           ("orthogonal", 3)])
@pytest.mark.parametrize("n", [1, 2, 3])
def test_pattern_realisations_count_every_index_tuple(context, size, n):
    d = size if context == "unitary" else 2 * size
    total = sum(ip.realisations(p, size, context) for p in ip.patterns(n, context))
    assert total == d ** n


@given(st.integers(1, 4).flatmap(lambda d: index_tuples(d, 3)))
def test_pattern_of_a_tuple_is_an_enumerated_pattern(idx):
    assert ip.pattern_of(idx) in ip.patterns(3)
    assert ip.pattern_of(idx, "orthogonal") in ip.patterns(3, "orthogonal")


@given(exact_coupling_matrices(3))
def test_pattern_forms_evaluate_to_the_matrix_functionals(C):
    assert ip.row_sum().__pow__(2).evaluate(C) == th.sum_of_coefficients(C.T * C)
    assert ip.row_norm_sq().evaluate(C) == sum(x ** 2 for x in C)
    assert ip.diagonal().evaluate(C) == C.trace()


def test_symmetrising_does_not_change_the_polynomial():
    C = th.symbolic_matrix("C", 3, 3)
    form = ip.row_sum() * ip.diagonal() + 3 * ip.row_norm_sq()
    assert sympy.expand(form.evaluate(C) - form.symmetrised().evaluate(C)) == 0


def test_reduction_sizes_meet_every_pattern():
    for n in (1, 2, 3):
        assert max(ip.n_blocks(p) for p in ip.patterns(n)) == max(ip.reduction_sizes(n))


# symbolic exponents -----------------------------------------------------------------------------------
@given(affine_exponent_systems(2), st.lists(st.integers(-3, 3), min_size=9, max_size=9))
def test_box_sums_for_a_symbolic_T_agree_with_enumeration(eqs, values):
    stats = se.RowStatistics("w")
    try:
        bs = se.box_sum(se.solve_affine(eqs, [se.t1, se.t2]), 2, stats)
    except se.NotCertifiable:
        assume(False)
    for Tv in range(2, 8):
        if Tv in bs.exceptions:
            continue
        row = [sympy.Integer(v) for v in values[:Tv]]
        generic = sympy.sympify(bs.value).subs(stats.values(row)).subs(se.T, Tv)
        assert sympy.expand(generic - se.box_sum_concrete(eqs, [se.t1, se.t2], Tv, row)) == 0


@given(affine_exponent_systems(1), st.lists(st.integers(-3, 3), min_size=9, max_size=9))
def test_single_index_box_sums_agree_with_enumeration(eqs, values):
    stats = se.RowStatistics("w")
    try:
        bs = se.box_sum(se.solve_affine(eqs, [se.t1]), 1, stats)
    except se.NotCertifiable:
        assume(False)
    for Tv in range(2, 8):
        if Tv in bs.exceptions:
            continue
        row = [sympy.Integer(v) for v in values[:Tv]]
        assert sympy.expand(sympy.sympify(bs.value).subs(stats.values(row)).subs(se.T, Tv)
                            - se.box_sum_concrete(eqs, [se.t1], Tv, row)) == 0


def test_a_T_dependent_coincidence_is_exceptional():
    sol = se.solve_affine([se.t1 - se.t2, se.T - 3], [se.t1, se.t2])
    assert sol.kind == "empty" and sol.special == (3,)


# the model's mean square (index-pattern reduction) --------------------------------------------------------
@pytest.mark.parametrize("context, d, T", [("unitary", 1, 2), ("unitary", 2, 4), ("unitary", 3, 3),
                                           ("orthogonal", 2, 3), ("orthogonal", 4, 2), ("orthogonal", 6, 3)])
def test_mean_square_pattern_form_equals_the_exact_engine(context, d, T):
    ms = cf.mean_square_form(cf.lemma2_residual_spec(), context)
    C, p = th.symbolic_matrix("C", d, d), th.symbolic_row("p", T)
    assert sympy.expand(ms.generic.evaluate(C, ms.stats.values(p)) - th.population_loss(C, p, T, context)) == 0


@given(exact_coupling_matrices(2), exact_positional_rows(5))
def test_mean_square_pattern_form_at_exact_points(C, p):
    ms = cf.mean_square_form(cf.lemma2_residual_spec())
    assert ms.generic.evaluate(C, ms.stats.values(p)) == th.population_loss(C, p, 5)


def test_gd_constants_are_the_printed_ones_under_the_backward_convention():
    k = cf.gd_form_constants("backward")
    d = sympy.Symbol("d", integer=True, positive=True)
    assert sympy.expand(k["K"] - (se.T ** 2 + (d - 1) * se.T)) == 0 and k["J"] == se.T


# certification checks: negative and positive controls -----------------------------------------------------
@negative_control("lemma2", "certified-all-d-H-T")
@pytest.mark.parametrize("kwargs", [dict(factor=lambda ai, aj, bi, bj: ai * bj),            # C^T instead of C
                                    dict(exponents=lambda t, T: (t - T + 1, t))])          # one exponent off
def test_lemma2_certification_fails_on_a_perturbed_summand(kwargs):
    out = certs.lemma2_all_sizes(**kwargs)(CTX)
    assert out.passed is False and out.scope is None


def test_lemma2_certification_passes():
    out = certs.lemma2_all_sizes()(CTX)
    assert out.passed is True and out.scope == "all d >= 1, all H >= 1, all T >= 2"


@negative_control("lemma4", "certified-all-d-T")
def test_lemma4_certification_fails_on_a_swapped_coefficient():
    c = dict(certs.aa.lemma4_coefficients())
    c = {k: v.subs(certs.aa.products_to_parameters()) for k, v in c.items()}
    c[(1, 0)], c[(-1, 0)] = c[(-1, 0)], c[(1, 0)]
    assert certs.lemma4_all_sizes(c)(CTX).passed is False


@negative_control("lemma4", "certified-zero-padding-all-d-T")
def test_lemma4_zero_padding_certification_fails_without_the_a2_term():
    first = certs.zero_padding_first_coefficients()
    first[(1, 0)] = sympy.Integer(0)
    assert certs.lemma4_zero_padding_all_sizes(first)(CTX).passed is False


def test_lemma4_certifications_pass():
    assert certs.lemma4_all_sizes()(CTX).passed is True
    assert certs.lemma4_zero_padding_all_sizes()(CTX).passed is True


@negative_control("prop4", "certified-printed-all-d-T")
def test_prop4_printed_certification_fails_on_the_paper_and_on_a_perturbed_form():
    out = certs.prop4_certified("printed")(CTX)
    assert out.passed is False and out.metrics["excess_is_pT1sq_frobenius"] is True
    assert out.scope == cf.ALL_SIZES
    worse = certs.prop4_certified("printed", lambda s: cf.prop4_printed_form(s) + EPS * s.end(0) * ip.diagonal())(CTX)
    assert worse.passed is False and worse.metrics["excess_is_pT1sq_frobenius"] is False


@positive_control("prop4", "certified-printed-all-d-T")
def test_prop4_printed_certification_passes_on_the_corrected_form():
    out = certs.prop4_certified("printed", cf.prop4_corrected_form, th.prop4_corrected)(CTX)
    assert out.passed is True and out.scope == cf.ALL_SIZES


@negative_control("prop4", "certified-corrected-all-d-T")
def test_prop4_corrected_certification_fails_on_one_perturbed_coefficient():
    def form(s):
        return ((s.sq - s.end(-1) ** 2) * ip.row_norm_sq() + (1 + EPS) * s.end(-1) ** 2 * ip.row_sum() ** 2
                - 2 * s.end(0) * ip.diagonal() + 1)
    assert certs.prop4_certified("corrected", form)(CTX).passed is False


def test_prop4_corrected_certification_passes():
    out = certs.prop4_certified("corrected")(CTX)
    assert out.passed is True and out.scope == cf.ALL_SIZES
    assert out.metrics["reduction_cross_check"]["model_mismatches"] == 0


@negative_control("prop6", "certified-closed-form-all-delta-T")
def test_orthogonal_closed_form_certification_fails_on_one_perturbed_coefficient():
    def form(s):
        o = "orthogonal"
        pT, pT1 = s.end(0), s.end(-1)
        q = s.total - pT1
        head = s.sq - pT1 ** 2 - pT ** 2
        return ((pT1 * ip.row_sum(o) + q * ip.partner(o)) ** 2 + (pT * ip.diagonal(o) - 1) ** 2
                + (1 + EPS) * head * ip.diagonal(o) ** 2 + (s.sq - pT1 ** 2) * ip.off_block_norm_sq(o))
    assert certs.orthogonal_closed_form_all_sizes(form)(CTX).passed is False


def test_orthogonal_closed_form_certification_passes():
    out = certs.orthogonal_closed_form_all_sizes()(CTX)
    assert out.passed is True and "all d = 2δ" in out.scope


@negative_control("lemma3", "certified-all-delta-T")
def test_lemma3_certification_fails_on_a_perturbed_parameter():
    assert certs.lemma3_all_sizes(p_rule=lambda c: {0: 2, -1: -1 + EPS}[c])(CTX).passed is False


def test_lemma3_certification_passes():
    assert certs.lemma3_all_sizes()(CTX).passed is True


@negative_control("prop2", "certified-gd-constants-all-d-T")
def test_gd_constants_certification_fails_on_a_perturbed_coefficient():
    claimed = {"backward": (lambda d, T: T ** 2 + d * T, lambda d, T: T),
               "zero": (lambda d, T: (T - 1) ** 2 + (d - 1) * (T - 1), lambda d, T: T - 1)}
    assert certs.gd_constants_all_sizes(claimed)(CTX).passed is False


def test_gd_constants_certification_passes():
    out = certs.gd_constants_all_sizes()(CTX)
    assert out.passed is True
    assert out.metrics["eta_star"]["zero"] == "3/(2*T_max + 3*d - 4)"
