"""Controls for Lemma 4: every check fails on a deliberately wrong input; the failing check passes on the right one."""

import sympy

from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import lemma4
from ical_verify.proofs_check.runner import run_claim
from ical_verify.theory import augmented_attention as aa

from negative_controls import negative_control, positive_control


def _status(claim_id, check, ctx=None):
    r = run_claim(claim_id, ctx or RunContext(seed=0), only=[check])
    return next(c for c in r.checks if c.name == check).status


@negative_control("lemma4", "structure-9-backward", "structure-9-zero", "structure-9-first")
def test_structure_checks_fail_on_swapped_pairing(monkeypatch):
    swapped = aa.lemma4_coefficients(lemma4.SWAPPED)
    monkeypatch.setattr(aa, "lemma4_coefficients", lambda pairing=None: swapped)
    assert _status("lemma4", "structure-9-backward") == "failed"
    assert _status("lemma4", "structure-9-zero") == "failed"
    assert _status("lemma4", "structure-9-first") == "failed"


@negative_control("lemma4", "structure-9-backward")
def test_structure_check_fails_on_a_perturbed_coefficient(monkeypatch):
    good = aa.lemma4_coefficients
    m = aa.product_symbols()

    def perturbed(pairing=None):
        c = dict(good(pairing))
        c[(-1, 0)] = 2 * c[(-1, 0)]  # u_{-1} v_0 = 2 a_3 b_1
        return c

    monkeypatch.setattr(aa, "lemma4_coefficients", perturbed)
    assert _status("lemma4", "structure-9-backward") == "failed"
    assert m[(3, 1)] in good()[(-1, 0)].free_symbols


@positive_control("lemma4", "structure-9-zero")
def test_zero_padding_structure_passes_when_fed_the_derived_t1_terms(monkeypatch):
    printed = aa.lemma4_laurent_output

    def with_zero_padding_t1(d, T, coefficients=None, t_range=None):
        rest = printed(d, T, coefficients, range(2, T + 1))
        one = printed(d, T, lemma4.zero_padding_first_coefficients(), [1])
        return [x + y for x, y in zip(rest, one)]

    monkeypatch.setattr(aa, "lemma4_laurent_output", with_zero_padding_t1)
    assert _status("lemma4", "structure-9-zero") == "passed"


@negative_control("lemma4", "laurent-vs-generic-model")
def test_generic_cross_check_fails_on_a_mis_derived_expansion(monkeypatch):
    good = aa.model4_laurent_output

    def swapped_b(d, T, s0, coefficient=None):  # B_1 and B_2 exchanged: (b_2 s_t + b_1 s_{t-1})
        if coefficient is None:
            return good(d, T, s0)
        return good(d, T, s0, coefficient=lambda k, l: coefficient(k, 3 - l))

    monkeypatch.setattr(aa, "model4_laurent_output", swapped_b)
    assert _status("lemma4", "laurent-vs-generic-model") == "failed"


@negative_control("lemma4", "zero-padding-form")
def test_zero_padding_form_fails_without_the_a2_b1_term():
    first = lemma4.zero_padding_first_coefficients()
    first[(1, 0)] = sympy.Integer(0)
    assert lemma4.check_zero_padding_form(first)(RunContext(seed=0)).passed is False


# --- s_0 = s_1 -------------------------------------------------------------------------------------------------
@positive_control("lemma4", "structure-9-first")
def test_first_structure_passes_when_fed_the_derived_t1_terms(monkeypatch):
    printed = aa.lemma4_laurent_output

    def with_first_t1(d, T, coefficients=None, t_range=None):
        rest = printed(d, T, coefficients, range(2, T + 1))
        one = printed(d, T, lemma4.first_token_coefficients(), [1])
        return [x + y for x, y in zip(rest, one)]

    monkeypatch.setattr(aa, "lemma4_laurent_output", with_first_t1)
    assert _status("lemma4", "structure-9-first") == "passed"


def _without_b2(first):
    m = aa.product_symbols()
    return {k: v.subs({m[(1, 2)]: 0, m[(2, 2)]: 0, m[(3, 2)]: 0, m[(4, 2)]: 0}) for k, v in first.items()}


@negative_control("lemma4", "first-token-form", "certified-first-all-d-T")
def test_first_forms_fail_without_the_b2_part_of_the_t1_value():
    """(B e_1)_(1:d) = (b_1 + b_2) 1_d under s_0 = s_1: dropping b_2 is wrong."""
    wrong = _without_b2(lemma4.first_token_coefficients())
    ctx = RunContext(seed=0)
    assert lemma4.check_first_form(wrong)(ctx).passed is False
    out = lemma4.check_certified_first(wrong)(ctx)
    assert out.passed is False and out.metrics["differences"]
