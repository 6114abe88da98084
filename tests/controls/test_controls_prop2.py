"""Controls for Proposition 2: each check fails on a wrong formula, optimum or step size; failing checks pass on the
derived (right) input."""

import copy

import pytest
import sympy

from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import prop2
from ical_verify.proofs_check.runner import run_claim
from ical_verify.theory import augmented_attention as aa

from negative_controls import negative_control, positive_control

CTX = RunContext(seed=0)


def _status(check):
    r = run_claim("prop2", CTX, only=[check])
    return next(c for c in r.checks if c.name == check).status


def _off_by_ten_percent(d, Tmax):
    return aa.printed_eta_star(d, Tmax) * sympy.Rational(11, 10)


@negative_control("prop2", "minimisers-backward", "minimisers-zero", "eta-star-backward", "eta-star-zero")
def test_printed_checks_fail_on_a_perturbed_eta(monkeypatch):
    monkeypatch.setattr(prop2, "printed_eta", _off_by_ten_percent)
    for check in ("minimisers-backward", "minimisers-zero", "eta-star-backward", "eta-star-zero"):
        assert _status(check) == "failed", check


@positive_control("prop2", "minimisers-zero")
def test_minimisers_zero_passes_with_the_derived_conditions():
    out = prop2.check_minimisers("zero", conditions=prop2.zero_padding_conditions,
                                 eta=lambda d, T: prop2.eta_value("zero", d, T))(CTX)
    assert out.passed is True


@positive_control("prop2", "eta-star-zero")
def test_eta_zero_passes_against_the_derived_formula(monkeypatch):
    monkeypatch.setattr(prop2, "printed_eta", lambda d, Tmax: sympy.Integer(3) / (2 * Tmax + 3 * d - 4))
    assert _status("eta-star-zero") == "passed"


def _wrong_optimum(d, eta):  # a_2 b_1 = eta instead of a_3 b_1: s_t^* s_(T-1) s_t, not a gradient step
    A, B = aa.assumption2_matrices(d, [0, eta, 0, 0], [1, 0])
    return [(B[:d, d:], A[d:, d:])]


@negative_control("prop2", "optimal-map-is-gd-step-backward", "optimal-map-is-gd-step-zero")
def test_gd_map_checks_fail_on_a_wrong_optimum(monkeypatch):
    monkeypatch.setattr(prop2, "_optimum_heads", _wrong_optimum)
    assert _status("optimal-map-is-gd-step-zero") == "failed"
    assert _status("optimal-map-is-gd-step-backward") == "failed"


@positive_control("prop2", "optimal-map-is-gd-step-backward")
def test_gd_map_backward_passes_against_the_loss_with_the_pair(monkeypatch):
    good = aa.gd_step_laurent_output
    monkeypatch.setattr(aa, "gd_step_laurent_output", lambda d, T, s0, W0, eta, first=1: good(d, T, s0, W0, eta, 0))
    assert _status("optimal-map-is-gd-step-backward") == "passed"


@negative_control("prop2", "corrected-backward", "corrected-zero", "multistart-backward", "multistart-zero")
def test_corrected_and_multistart_fail_with_the_other_conventions_step(monkeypatch):
    good = prop2.eta_star
    swap = {"backward": "zero", "zero": "backward"}
    monkeypatch.setattr(prop2, "eta_star", lambda s0: good(swap[s0]))
    for check in ("corrected-backward", "corrected-zero", "multistart-backward", "multistart-zero"):
        assert _status(check) == "failed", check


@negative_control("prop2", "trained-assumption2-backward", "trained-assumption2-zero")
def test_trained_judges_fail_on_a_wrong_step_size():
    for s0 in ("backward", "zero"):
        ev = copy.deepcopy(prop2.trained_evidence(0, "quick", s0))
        assert prop2.judge_trained(ev).passed is True
        ev["eta_star"] *= 1.1  # the judge fed a wrong optimum
        assert prop2.judge_trained(ev).passed is False


# --- s_0 = s_1 -------------------------------------------------------------------------------------------------
@pytest.fixture
def fresh_first_caches():
    """The family minima and quadratic forms are cached per convention: controls that feed another loss clear them."""
    cached = (prop2.family_minimum, prop2.quadratic)
    for f in cached:
        f.cache_clear()
    yield
    for f in cached:
        f.cache_clear()


@negative_control("prop2", "minimisers-first")
def test_minimisers_first_fails_on_the_paper_and_with_the_derived_gd_step(fresh_first_caches):
    assert _status("minimisers-first") == "failed"
    # the best GD-form step size under s_0 = s_1 instead of the printed eta*: still beaten
    out = prop2.check_minimisers_first(eta=lambda d, T: aa.assumption2_quadratic(d, T, "first").gd_form_minimum()[1])(CTX)
    assert out.passed is False


@positive_control("prop2", "minimisers-first")
def test_minimisers_first_passes_on_a_loss_whose_minimisers_are_the_printed_ones(monkeypatch, fresh_first_caches):
    """Fed the loss of s_0 = W^(-1)s_1 (where the printed conditions are the minimisers), nothing beats them."""
    monkeypatch.setattr(prop2, "quadratic", lambda s0, d, T: aa.assumption2_quadratic(d, T, "backward"))
    assert prop2.check_minimisers_first()(CTX).passed is True


@negative_control("prop2", "optimal-map-is-gd-step-first", "corrected-first")
def test_first_map_and_corrected_checks_fail_on_wrong_inputs(monkeypatch, fresh_first_caches):
    assert _status("optimal-map-is-gd-step-first") == "failed"
    # the corrected statement says the minimiser is far from the GD form: under s_0 = W^(-1)s_1 it is not
    monkeypatch.setattr(prop2, "S0_FIRST", "backward")
    assert prop2.check_corrected_first()(CTX).passed is False


@positive_control("prop2", "optimal-map-is-gd-step-first")
def test_first_map_check_passes_under_zero_padding(monkeypatch, fresh_first_caches):
    """Computed under zero padding (a GD step on (5) is representable and the GD form is optimal), the check passes."""
    monkeypatch.setattr(prop2, "S0_FIRST", "zero")
    assert prop2.check_gd_map_first()(CTX).passed is True


@negative_control("prop2", "initialisation-lambda")
def test_initialisation_check_fails_on_the_paper_and_on_a_mis_scaled_w_step(monkeypatch):
    assert _status("initialisation-lambda") == "failed"
    good = prop2._w_gd_map
    monkeypatch.setitem(prop2.ITERATES, "W", lambda seq, eta: [x + x * x for x in good(seq, eta)])  # not linear in eta
    assert prop2.check_initialisation("W")(CTX).passed is False


@positive_control("prop2", "initialisation-lambda")
def test_initialisation_check_passes_with_the_iterate_w():
    assert prop2.check_initialisation("W")(CTX).passed is True


@negative_control("prop2", "cross-reference-proposition")
def test_cross_reference_fails_on_the_paper_and_for_proposition_3():
    assert _status("cross-reference-proposition") == "failed"
    assert prop2.check_cross_reference("Proposition 3")(CTX).passed is False


@positive_control("prop2", "cross-reference-proposition")
def test_cross_reference_passes_for_proposition_1():
    assert prop2.check_cross_reference("Proposition 1")(CTX).passed is True
