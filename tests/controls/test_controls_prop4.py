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
    """Fed the true loss as 'printed' (and a wrong one as the alternative), the printed check passes. The evidence is
    sampled before the patch (monte_carlo_evidence sizes its samples from the gap between the two forms and is
    cached: sampled under a patch, it would be sized for the patched gap, here and for every later test)."""
    ev = _real_evidence()
    good = dm.closed_form_loss
    monkeypatch.setattr(dm, "printed_prop4_loss", lambda C, p: good(C, p))
    monkeypatch.setattr(dm, "closed_form_loss", lambda C, p, context="unitary": good(C, p, context) + 5.0)
    assert prop4.judge_monte_carlo(ev, "printed").passed is True


@negative_control("prop4", "monte-carlo-printed", "monte-carlo-corrected")
@pytest.mark.parametrize("offset", [0.5, -0.5])
def test_monte_carlo_checks_fail_on_a_shifted_formula(monkeypatch, offset):
    ev = _real_evidence()
    good = dm.closed_form_loss
    monkeypatch.setattr(dm, "closed_form_loss", lambda C, p, context="unitary": good(C, p, context) * (1 + offset / 10))
    monkeypatch.setattr(dm, "printed_prop4_loss", lambda C, p: good(C, p) * (1 - offset / 10))
    assert prop4.judge_monte_carlo(ev, "corrected").passed is False
    assert prop4.judge_monte_carlo(ev, "printed").passed is False


@negative_control("prop4", "monte-carlo-corrected")
def test_monte_carlo_corrected_fails_on_the_printed_formula(monkeypatch):
    monkeypatch.setattr(dm, "closed_form_loss", lambda C, p, context="unitary": dm.printed_prop4_loss(C, p))
    assert _status("monte-carlo-corrected") == "failed"


def test_monte_carlo_is_undecided_when_the_forms_cannot_be_separated(monkeypatch):
    ev = _real_evidence()
    monkeypatch.setattr(dm, "printed_prop4_loss", lambda C, p: dm.closed_form_loss(C, p))
    assert prop4.judge_monte_carlo(ev, "corrected").passed is None


def _real_evidence():
    """The quick Monte Carlo evidence sampled with the real formulas (whatever an earlier test left in the cache)."""
    prop4.monte_carlo_evidence.cache_clear()
    return prop4.monte_carlo_evidence(0, "quick")


def test_the_positive_control_does_not_depend_on_what_ran_before(monkeypatch):
    """Regression: evidence sampled under a patch was cached and reused by later tests, so the positive control (whose
    +1.0 alternative the real quick evidence does not resolve: z = -2.6 in one case; now +5.0) passed only after a
    test had cached evidence sized for other formulas."""
    good = dm.closed_form_loss
    with monkeypatch.context() as m:
        m.setattr(dm, "closed_form_loss", lambda C, p, context="unitary": good(C, p, context) * 1.3)
        prop4.monte_carlo_evidence.cache_clear()
        prop4.monte_carlo_evidence(0, "quick")                 # a stale entry, sized for a 30 % gap
    test_monte_carlo_printed_passes_on_the_true_loss(monkeypatch)


def test_coinciding_forms_get_the_sample_cap_not_an_overflow(monkeypatch):
    """With the two forms equal the separating sample size is infinite: it used to raise OverflowError; it is the
    cap (100 x the floor). Sampling is stubbed: only the sizes asked for are recorded."""
    from ical_verify.numerics.montecarlo import MonteCarloResult

    asked = []

    def stub(C, p, n, rng, context="unitary", sigmas=6.0):
        asked.append(n)
        return MonteCarloResult(1.0, 0.01, (0.94, 1.06), n, sigmas)

    monkeypatch.setattr(dm, "closed_form_loss", lambda C, p, context="unitary": dm.printed_prop4_loss(C, p))
    monkeypatch.setattr(dm, "monte_carlo_loss", stub)
    ev = prop4.monte_carlo_evidence.__wrapped__(0, "quick")
    assert asked == [2_000, 2_000_000] * len(prop4.SIZES_MC)
    assert [case[4].n_samples for case in ev.cases] == [2_000_000] * len(prop4.SIZES_MC)


@pytest.fixture(autouse=True)
def _evidence_sampled_with_the_real_formulas():
    """Every test here starts from the quick Monte Carlo evidence sampled with the real formulas, so that a patched
    run (``_status`` under monkeypatch) reuses it, whatever ran before in this worker."""
    _real_evidence()
    yield
    prop4.monte_carlo_evidence.cache_clear()
