"""Controls for Lemma 2: each check fails when fed a wrong right-hand side."""

import numpy as np

from ical_verify.numerics import diagonal_model
from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.runner import run_claim
from ical_verify.theory import diagonal_attention as th

from ical_verify.proofs_check.papers.sander2024 import lemma2

from negative_controls import negative_control, positive_control


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


@positive_control("lemma2", "token-domain-printed")
def test_token_domain_printed_passes_for_real_contexts(monkeypatch):
    """With real contexts (λ ∈ {±1}^d) the tokens are real: the printed domain check passes."""
    monkeypatch.setattr(lemma2, "sample_contexts", lambda d, n, rng: rng.choice([-1.0, 1.0], size=(n, d)) + 0j)
    assert _status("token-domain-printed") == "passed"


@negative_control("lemma2", "token-domain-printed", "token-domain-corrected")
def test_token_domain_checks_fail_off_the_unit_circle(monkeypatch):
    """Contexts of modulus 2 with phases: tokens neither real nor of modulus 1."""
    monkeypatch.setattr(lemma2, "sample_contexts", lambda d, n, rng: 2 * np.exp(2j * np.pi * rng.random((n, d))))
    assert _status("token-domain-printed") == "failed"
    assert _status("token-domain-corrected") == "failed"
