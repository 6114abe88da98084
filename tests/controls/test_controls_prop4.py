"""Controls for Proposition 4: the checks of the printed formula pass when fed the corrected one (positive
controls), and every check fails when fed a wrong formula (negative controls)."""

import pytest

from ical_verify.numerics import diagonal_model as dm
from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import prop4
from ical_verify.proofs_check.runner import run_claim
from ical_verify.theory import diagonal_attention as th

from negative_controls import negative_control, positive_control


def _status(check: str) -> str:
    r = run_claim("prop4", RunContext(seed=0), only=[check])
    return next(c for c in r.checks if c.name == check).status


_CORRECTED = th.prop4_corrected


def _column_sums(C, p):
    """S(C Cᵀ) (column sums) instead of S(CᵀC) (row sums): a plausible slip."""
    return _CORRECTED(C, p) - p[-2] ** 2 * (th.sum_of_coefficients(C.T * C) - th.sum_of_coefficients(C * C.T))


@positive_control("prop4", "symbolic-printed")
def test_symbolic_printed_passes_on_the_corrected_formula(monkeypatch):
    monkeypatch.setattr(th, "prop4_printed", th.prop4_corrected)
    assert _status("symbolic-printed") == "passed"


@negative_control("prop4", "symbolic-printed", "symbolic-corrected")
def test_symbolic_checks_fail_on_column_sums(monkeypatch):
    monkeypatch.setattr(th, "prop4_printed", _column_sums)
    monkeypatch.setattr(th, "prop4_corrected", _column_sums)
    assert _status("symbolic-printed") == "failed"
    assert _status("symbolic-corrected") == "failed"


@positive_control("prop4", "symbolic-printed-full-row")
def test_full_row_check_passes_when_the_row_is_truncated_and_corrected(monkeypatch):
    monkeypatch.setattr(prop4, "printed_full_row", lambda C, row, T: th.prop4_corrected(C, row[:T]))
    assert _status("symbolic-printed-full-row") == "passed"


@negative_control("prop4", "symbolic-printed-full-row")
def test_full_row_check_fails_on_the_truncated_printed_formula(monkeypatch):
    monkeypatch.setattr(prop4, "printed_full_row", lambda C, row, T: th.prop4_printed(C, row[:T]))
    assert _status("symbolic-printed-full-row") == "failed"


@negative_control("prop4", "exact-numeric-corrected")
def test_exact_numeric_fails_on_a_perturbed_closed_form(monkeypatch):
    good = dm.closed_form_loss
    monkeypatch.setattr(dm, "closed_form_loss", lambda C, p, context="unitary": good(C, p, context) * (1 + 1e-6))
    assert _status("exact-numeric-corrected") == "failed"


@negative_control("prop4", "exact-numeric-corrected")
def test_exact_numeric_fails_on_the_printed_formula(monkeypatch):
    monkeypatch.setattr(dm, "closed_form_loss", lambda C, p, context="unitary": dm.printed_prop4_loss(C, p))
    assert _status("exact-numeric-corrected") == "failed"


@positive_control("prop4", "monte-carlo-printed")
def test_monte_carlo_printed_passes_on_the_true_loss(monkeypatch):
    """Fed the true loss as 'printed' (and a wrong one as the alternative), the printed check passes."""
    good = dm.closed_form_loss
    monkeypatch.setattr(dm, "printed_prop4_loss", lambda C, p: good(C, p))
    monkeypatch.setattr(dm, "closed_form_loss", lambda C, p, context="unitary": good(C, p, context) + 1.0)
    assert prop4.judge_monte_carlo(prop4.monte_carlo_evidence(0, "quick"), "printed").passed is True


@negative_control("prop4", "monte-carlo-printed", "monte-carlo-corrected")
@pytest.mark.parametrize("offset", [0.5, -0.5])
def test_monte_carlo_checks_fail_on_a_shifted_formula(monkeypatch, offset):
    good = dm.closed_form_loss
    monkeypatch.setattr(dm, "closed_form_loss", lambda C, p, context="unitary": good(C, p, context) * (1 + offset / 10))
    monkeypatch.setattr(dm, "printed_prop4_loss", lambda C, p: good(C, p) * (1 - offset / 10))
    ev = prop4.monte_carlo_evidence(0, "quick")
    assert prop4.judge_monte_carlo(ev, "corrected").passed is False
    assert prop4.judge_monte_carlo(ev, "printed").passed is False


@negative_control("prop4", "monte-carlo-corrected")
def test_monte_carlo_corrected_fails_on_the_printed_formula(monkeypatch):
    monkeypatch.setattr(dm, "closed_form_loss", lambda C, p, context="unitary": dm.printed_prop4_loss(C, p))
    assert _status("monte-carlo-corrected") == "failed"


def test_monte_carlo_is_undecided_when_the_forms_cannot_be_separated(monkeypatch):
    monkeypatch.setattr(dm, "printed_prop4_loss", lambda C, p: dm.closed_form_loss(C, p))
    assert prop4.judge_monte_carlo(prop4.monte_carlo_evidence(0, "quick"), "corrected").passed is None
