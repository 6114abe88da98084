"""Controls for Lemma 2: each check fails when fed a wrong right-hand side."""

import numpy as np

from ical_verify.numerics import diagonal_model
from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.runner import run_claim
from ical_verify.theory import diagonal_attention as th

from negative_controls import negative_control


def _status(check: str) -> str:
    r = run_claim("lemma2", RunContext(seed=0), only=[check])
    return next(c for c in r.checks if c.name == check).status


@negative_control("lemma2", "symbolic-output")
def test_symbolic_output_fails_with_the_transposed_coupling(monkeypatch):
    good = th.lemma2_rhs
    monkeypatch.setattr(th, "lemma2_rhs", lambda C, p, T: good(C.T, p, T))     # AᵀB instead of BᵀA
    assert _status("symbolic-output") == "failed"


@negative_control("lemma2", "symbolic-output")
def test_symbolic_output_fails_when_a_component_is_missing(monkeypatch):
    """A right-hand side with one component fewer must not pass through a truncating zip."""
    good = th.lemma2_rhs
    monkeypatch.setattr(th, "lemma2_rhs", lambda C, p, T: good(C, p, T)[:-1])
    assert _status("symbolic-output") == "failed"


@negative_control("lemma2", "symbolic-output")
def test_symbolic_output_fails_with_a_shifted_exponent(monkeypatch):
    """λ^(t-T) instead of λ^(t-T+1): the query token e_T instead of e_(T-1)."""
    def shifted(C, p, T):
        return [f * g for f, g in zip(good(C, p, T), th.LaurentPolynomial.variables(C.shape[0]))]

    good = th.lemma2_rhs
    monkeypatch.setattr(th, "lemma2_rhs", shifted)
    assert _status("symbolic-output") == "failed"


@negative_control("lemma2", "torch-forward")
def test_torch_forward_fails_against_a_wrong_formula(monkeypatch):
    good = diagonal_model.lemma2_output
    monkeypatch.setattr(diagonal_model, "lemma2_output", lambda C, p, lam: good(np.asarray(C).T, p, lam))
    assert _status("torch-forward") == "failed"


@negative_control("lemma2", "torch-forward")
def test_torch_forward_fails_against_a_doubled_formula(monkeypatch):
    good = diagonal_model.lemma2_output
    monkeypatch.setattr(diagonal_model, "lemma2_output", lambda C, p, lam: 2 * good(C, p, lam))
    assert _status("torch-forward") == "failed"
