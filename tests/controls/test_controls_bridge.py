"""Controls of the checks of bridge (Sander et al.'s Proposition 2 against the isotropic result): a dictionary without
the '-1', a perturbed torus moment, a wrong averaging, swapped moment formulas and perturbed training evidence make
them fail."""

import sympy

from negative_controls import negative_control
from trained_controls import assert_trained_controls

from ical_verify.proofs_check.papers.mahankali2023 import _common as C
from ical_verify.proofs_check.papers.mahankali2023 import bridge
from ical_verify.proofs_check.runner import make_context, run_claim
from ical_verify.theory import linear_regression_icl as lri


def status(check: str) -> str:
    (r,) = run_claim("bridge", make_context(seed=0, profile="quick"), only=[check]).checks
    return r.status


@negative_control("bridge", "dictionary-per-length", "averaging-over-lengths")
def test_a_dictionary_without_the_minus_one_fails(monkeypatch):
    monkeypatch.setattr(lri, "generic_K", lambda n=lri.N_SYM, rho=lri.RHO_SYM, sigma2=lri.SIGMA2: n * (n + rho + sigma2))
    for check in ("dictionary-per-length", "averaging-over-lengths"):
        assert status(check) == "failed", check


@negative_control("bridge", "fourth-moment-origin")
def test_a_perturbed_torus_moment_fails(monkeypatch):
    monkeypatch.setattr(lri, "torus_moment", lambda powers, conjugate_powers: 2)
    assert status("fourth-moment-origin") == "failed"


@negative_control("bridge", "averaging-over-lengths")
def test_the_per_length_optimum_instead_of_the_average_fails(monkeypatch):
    """J/K at the longest length instead of sum J / sum K: no 3/2, and not the printed eta*."""
    def longest(K, J, n_sym, lo, hi):
        return sympy.cancel((J / K).subs(n_sym, hi))

    monkeypatch.setattr(lri, "averaged_step", longest)
    assert status("averaging-over-lengths") == "failed"


@negative_control("bridge", "monte-carlo-fourth-moment")
def test_swapped_moment_formulas_fail(monkeypatch):
    """Every covariate law judged with the torus formula (rho = d)."""
    monkeypatch.setattr(bridge, "_mc_steps", lambda setting, rho: float(1 / (setting.n - 1 + setting.d + setting.sigma2)))
    assert status("monte-carlo-fourth-moment") == "failed"


@negative_control("bridge", "trained-averaged-lengths")
def test_trained_judge_fails_on_perturbed_evidence():
    ev = C.trained_evidence(bridge.TRAIN_SETTING, bridge._train_steps(), 0, "quick", "cpu", 603)
    assert_trained_controls(ev)
