"""Controls of the checks of precond (non-isotropic covariates and weights): a wrong preconditioner, a perturbed
moment and perturbed training evidence make them fail; the reading 'every change' can pass."""

import sympy

from negative_controls import negative_control, positive_control
from trained_controls import assert_trained_controls

from ical_verify.proofs_check.papers.mahankali2023 import _common as C
from ical_verify.proofs_check.papers.mahankali2023 import precond
from ical_verify.proofs_check.runner import make_context, run_claim
from ical_verify.theory import linear_regression_icl as lri


def status(check: str) -> str:
    (r,) = run_claim("precond", make_context(seed=0, profile="quick"), only=[check]).checks
    return r.status


def without_trace_term(n, Sigma, Sigma_w, sigma2):
    """n ((n+1) Sigma)^-1: the preconditioner without the tr(Sigma Sigma_w) + sigma^2 term (a multiple of Sigma^-1)."""
    return (sympy.sympify(n) / (n + 1) * lri.inverse(sympy.Matrix(Sigma))).applyfunc(sympy.cancel)


@negative_control("precond", "whole-class-minimum", "preconditioner-cases", "monte-carlo-normal-equations")
def test_a_wrong_preconditioner_fails(monkeypatch):
    monkeypatch.setattr(lri, "preconditioner", without_trace_term)
    for check in ("whole-class-minimum", "preconditioner-cases", "monte-carlo-normal-equations"):
        assert status(check) == "failed", check


@negative_control("precond", "closed-form-every-d")
def test_a_perturbed_moment_fails(monkeypatch):
    """E[s s^T] with (n+1)/n replaced by 1 (the Wishart '+1' dropped)."""
    def perturbed(n, Sigma, Sigma_w, sigma2):
        Sigma, Sigma_w = sympy.Matrix(Sigma), sympy.Matrix(Sigma_w)
        return Sigma * Sigma_w * Sigma + ((Sigma * Sigma_w).trace() + sigma2) / n * Sigma

    monkeypatch.setattr(lri, "s_second_moment", perturbed)
    assert status("closed-form-every-d") == "failed"


@negative_control("precond", "trained-full-parameterisation")
def test_trained_judge_fails_on_perturbed_evidence():
    ev = C.trained_evidence(precond.SETTING, precond._steps(), 0, "quick", "cpu", 402)
    assert_trained_controls(ev)


def compensating(multiple_of_I: bool):
    real = precond.cases()
    pair = {**real["compensating pair"], "multiple_of_I": multiple_of_I}
    return lambda: {**real, "compensating pair": pair}


@negative_control("precond", "every-non-isotropic-change-matters")
def test_every_change_reading_fails_on_a_plain_gd_pair(monkeypatch):
    monkeypatch.setattr(precond, "cases", compensating(True))
    assert status("every-non-isotropic-change-matters") == "failed"


@positive_control("precond", "every-non-isotropic-change-matters")
def test_every_change_reading_passes_without_a_compensating_pair(monkeypatch):
    monkeypatch.setattr(precond, "cases", compensating(False))
    assert status("every-non-isotropic-change-matters") == "passed"
