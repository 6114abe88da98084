"""Controls for Proposition 2: each check fails on a wrong formula, optimum or step size; failing checks pass on the
derived (right) input."""

import copy

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
