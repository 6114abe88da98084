"""Controls for Lemma 3: both checks fail when the parameters are changed."""

import pytest
import sympy

from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.runner import run_claim
from ical_verify.theory import diagonal_attention as th

from negative_controls import negative_control, positive_control

_GOOD = th.lemma3_parameters


def _wrong_positional(delta, T):
    C, p = _GOOD(delta, T)
    return C, p[:-2] + [sympy.Rational(-1, 2), p[-1]]             # P_(T-1,T-1) = -1/2


def _wrong_scale(delta, T):
    C, p = _GOOD(delta, T)
    return 2 * C, p                                               # diag(J, ..., J) without the 1/2


def _unitary_optimum(delta, T):
    """Proposition 3's optimum C = I, p = e_T: exact on C_U, not the statement of Lemma 3 (and on C_O it also
    predicts exactly, so it is not a wrong input for this lemma's conclusion: it is used as a sanity case)."""
    return sympy.eye(2 * delta), [0] * (T - 1) + [1]


@pytest.mark.parametrize("wrong", [_wrong_positional, _wrong_scale])
@negative_control("lemma3", "symbolic-exact-prediction", "torch-exact-prediction")
def test_checks_fail_on_changed_parameters(monkeypatch, wrong):
    monkeypatch.setattr(th, "lemma3_parameters", wrong)
    for check in ("symbolic-exact-prediction", "torch-exact-prediction"):
        r = run_claim("lemma3", RunContext(seed=0), only=[check])
        assert r.checks[0].status == "failed", check


def test_the_unitary_optimum_also_predicts_exactly_on_orthogonal_contexts(monkeypatch):
    monkeypatch.setattr(th, "lemma3_parameters", _unitary_optimum)
    r = run_claim("lemma3", RunContext(seed=0), only=["symbolic-exact-prediction"])
    assert r.checks[0].status == "passed"


@negative_control("lemma3", "unitary-contexts")
def test_unitary_check_fails_on_the_paper_and_on_mis_scaled_parameters(monkeypatch):
    assert run_claim("lemma3", RunContext(seed=0), only=["unitary-contexts"]).checks[0].status == "failed"
    monkeypatch.setattr(th, "lemma3_parameters", _wrong_scale)
    assert run_claim("lemma3", RunContext(seed=0), only=["unitary-contexts"]).checks[0].status == "failed"


@positive_control("lemma3", "unitary-contexts")
def test_unitary_check_passes_for_the_unitary_optimum(monkeypatch):
    """Proposition 3's parameters (C = I, p = e_T) predict exactly on C_U: the check can pass."""
    monkeypatch.setattr(th, "lemma3_parameters", _unitary_optimum)
    assert run_claim("lemma3", RunContext(seed=0), only=["unitary-contexts"]).checks[0].status == "passed"
