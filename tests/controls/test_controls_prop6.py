"""Controls for Proposition 6: the §5.2 check passes on the A.9 form (positive control), and every check fails
when fed wrong conditions, a wrong mapping, a wrong model, a wrong block or wrong evidence."""

import sympy
import torch

from ical_verify.models.diagonal_attention import DiagonalAttention
from ical_verify.numerics import diagonal_model as dm
from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import prop6
from ical_verify.proofs_check.runner import run_claim
from ical_verify.theory import diagonal_attention as th

from negative_controls import negative_control, positive_control

_CONDITIONS = th.prop6_conditions


def _status(check: str) -> str:
    r = run_claim("prop6", RunContext(seed=0), only=[check])
    return next(c for c in r.checks if c.name == check).status


def _a9_for_both(C, p, form="printed"):
    return _CONDITIONS(C, p, "A.9")


def _flipped_first_pair(C, p, form="printed"):
    """The first pair condition with -p_(T-1) instead of +p_(T-1)."""
    out = _CONDITIONS(C, p, form)
    pT, pT1 = p[-1], p[-2]
    return [x.subs(pT1, -pT1) if sympy.sympify(x).has(pT) and sympy.sympify(x).has(pT1) else x for x in out]


@positive_control("prop6", "zero-set-printed-5.2")
def test_printed_zero_set_check_passes_on_the_A9_form(monkeypatch):
    monkeypatch.setattr(th, "prop6_conditions", _a9_for_both)
    assert _status("zero-set-printed-5.2") == "passed"


@negative_control("prop6", "zero-set-printed-5.2", "zero-set-A9")
def test_zero_set_checks_fail_on_a_flipped_pair_condition(monkeypatch):
    monkeypatch.setattr(th, "prop6_conditions", _flipped_first_pair)
    assert _status("zero-set-printed-5.2") == "failed"
    assert _status("zero-set-A9") == "failed"


@negative_control("prop6", "optimal-mapping")
def test_mapping_fails_with_the_unitary_mapping(monkeypatch):
    monkeypatch.setattr(prop6, "printed_gamma", lambda lam: lam)            # Γ = λ (Proposition 3's)
    assert _status("optimal-mapping") == "failed"


@negative_control("prop6", "optimal-mapping")
def test_mapping_fails_with_the_wrong_shift(monkeypatch):
    monkeypatch.setattr(prop6, "printed_psi", lambda g, e: g * e[:, -1, :])
    assert _status("optimal-mapping") == "failed"


@negative_control("prop6", "optimal-mapping")
def test_mapping_fails_off_the_zero_set(monkeypatch):
    good = prop6.zero_loss_parameters

    def wrong(delta, pT, pT1):
        C, p = good(delta, pT, pT1)
        return C + sympy.diag(*([sympy.Matrix([[0, sympy.Rational(1, 7)], [0, 0]])] * delta)), p
    monkeypatch.setattr(prop6, "zero_loss_parameters", wrong)
    assert _status("optimal-mapping") == "failed"


@negative_control("prop6", "optimal-mapping")
def test_mapping_fails_when_the_model_is_wrong(monkeypatch):
    """The check runs model (6) itself: a model that doubles its output (engine and PyTorch) is caught; the old
    check, which only solved Lemma 2's right-hand side for its own zeros, could not see this."""
    good_engine, good_forward = th.model6_output, DiagonalAttention.forward
    monkeypatch.setattr(th, "model6_output", lambda A, B, p, T: [2 * f for f in good_engine(A, B, p, T)])
    monkeypatch.setattr(DiagonalAttention, "forward", lambda self, e: 2 * good_forward(self, e))
    assert _status("optimal-mapping") == "failed"


@negative_control("prop6", "optimal-mapping")
def test_mapping_fails_when_only_the_pytorch_model_is_wrong(monkeypatch):
    good_forward = DiagonalAttention.forward
    monkeypatch.setattr(DiagonalAttention, "forward", lambda self, e: good_forward(self, e.conj()))
    assert _status("optimal-mapping") == "failed"


@negative_control("prop6", "trig-identity")
def test_trig_identity_fails_without_the_identity_term(monkeypatch):
    monkeypatch.setattr(prop6, "printed_trig",
                        lambda theta: (2 * sympy.cos(theta) * th.rotation(theta), th.rotation(2 * theta)))
    assert _status("trig-identity") == "failed"


@negative_control("prop6", "rank-symbolic")
def test_rank_check_fails_on_a_wrong_zero_block(monkeypatch):
    monkeypatch.setattr(th, "orthogonal_zero_block",
                        lambda pT, pT1: sympy.Matrix([[1 / pT, pT1 / (pT * (pT + pT1))], [pT1 / (pT * (pT + pT1)), 1 / pT]]))
    assert _status("rank-symbolic") == "failed"


@negative_control("prop6", "rank-multistart")
def test_rank_judge_fails_on_a_full_rank_zero_below_d():
    ev = {1: [(1.0, [1.0, 0.0, 0.0, 0.0])], 2: [(0.0, [1.0, 1.0, 0.0, 0.0])],
          3: [(0.0, [1.0, 1.0, 0.5, 0.0])], 4: [(0.0, [1.0, 1.0, 1.0, 1.0])]}
    assert prop6.judge_rank_multistart(ev).passed is False
    ev[3] = [(0.0, [1.0, 1.0, 0.0, 0.0])]
    ev[1] = [(0.0, [1.0, 0.0, 0.0, 0.0])]                                     # H < δ reaching zero
    assert prop6.judge_rank_multistart(ev).passed is False


def test_rank_judge_is_undecided_without_zero_loss_starts():
    ev = {1: [(1.0, [1.0, 0, 0, 0])], 2: [(0.5, [1.0, 1.0, 0, 0])], 3: [(0.4, [1, 1, 1, 0])], 4: [(0.0, [1, 1, 1, 1])]}
    assert prop6.judge_rank_multistart(ev).passed is None


@negative_control("prop6", "closed-form-loss-symbolic")
def test_closed_form_symbolic_fails_on_a_missing_term(monkeypatch):
    good = th.orthogonal_loss_closed_form
    monkeypatch.setattr(th, "orthogonal_loss_closed_form", lambda C, p: good(C, p) - (p[-1] * C[0, 0] - 1) ** 2)
    assert _status("closed-form-loss-symbolic") == "failed"


@negative_control("prop6", "closed-form-loss-monte-carlo")
def test_closed_form_monte_carlo_fails_on_the_unitary_formula(monkeypatch):
    evidence = prop6.monte_carlo_evidence(0, "quick")                 # sampled with the true closed forms
    good = dm.closed_form_loss
    monkeypatch.setattr(dm, "closed_form_loss", lambda C, p, context="unitary": good(C, p, "unitary"))
    assert prop6.judge_closed_form_mc(evidence).passed is False


def test_closed_form_monte_carlo_is_undecided_when_the_alternative_cannot_be_excluded(monkeypatch):
    evidence = prop6.monte_carlo_evidence(0, "quick")
    good = dm.closed_form_loss
    monkeypatch.setattr(dm, "closed_form_loss", lambda C, p, context="unitary": good(C, p, "orthogonal"))
    assert prop6.judge_closed_form_mc(evidence).passed is None
