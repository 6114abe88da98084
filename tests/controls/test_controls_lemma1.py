"""Controls for Lemma 1: each check fails on a wrong construction; the failing checks pass on the right input."""

import copy

import numpy as np
import pytest
import torch

from ical_verify.models.softmax_positional import PositionalAttentionConfig, TwoHeadPositionalAttention
from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import lemma1
from ical_verify.proofs_check.runner import run_claim

from negative_controls import negative_control, positive_control


@pytest.fixture(autouse=True)
def fresh_cache():
    lemma1._a1_errors.cache_clear()
    yield
    lemma1._a1_errors.cache_clear()


class LaggingHeads(TwoHeadPositionalAttention):
    """A wrong construction: head 2 attends to t - 2 instead of t - 1 (a shuffled token order)."""

    def logits(self, T, head):
        return super().logits(T, 3 if head == 2 else head)


def _lagging(c, sink=False):
    return LaggingHeads(PositionalAttentionConfig(d=lemma1.D, scale=c, sink=sink))


def _status(check):
    r = run_claim("lemma1", RunContext(seed=0), only=[check])
    return next(c for c in r.checks if c.name == check).status


@negative_control("lemma1", "tokens-t-ge-2", "corrected-t-ge-2-backward", "corrected-with-start-token")
def test_token_checks_fail_on_lagging_heads(monkeypatch):
    monkeypatch.setattr(lemma1, "a1_layer", _lagging)
    for check in ("tokens-t-ge-2", "corrected-t-ge-2-backward", "corrected-with-start-token"):
        lemma1._a1_errors.cache_clear()
        assert _status(check) == "failed", check


@negative_control("lemma1", "first-token-zero", "first-token-backward")
def test_first_token_checks_fail_on_the_paper_and_on_lagging_heads():
    assert _status("first-token-zero") == "failed"
    assert _status("first-token-backward") == "failed"
    ctx = RunContext(seed=0)
    assert lemma1.check_first_token_zero(layer_factory=_lagging)(ctx).passed is False


@positive_control("lemma1", "first-token-zero")
def test_first_token_zero_passes_with_a_start_position():
    ctx = RunContext(seed=0)
    out = lemma1.check_first_token_zero(layer_factory=lambda c: lemma1.a1_layer(c, True),
                                        model_class=lambda seed: [lemma1.a1_layer(32.0, True)])(ctx)
    assert out.passed is True


@positive_control("lemma1", "first-token-backward")
def test_first_token_backward_passes_when_s0_is_a_function_of_s1():
    """One context only (W = I): s_0 = s_1, and A.1's head 2 returns s_1 at t = 1, which is then right."""
    identity = [np.eye(lemma1.D, dtype=complex)[None].repeat(4, 0)]
    out = lemma1.check_first_token_backward(contexts=identity)(RunContext(seed=0))
    assert out.passed is True and out.metrics["lower_bound"] == 0.0


# --- s_0 = s_1 and the mean-square readings ------------------------------------------------------------------
@negative_control("lemma1", "first-token-first")
def test_first_token_first_fails_with_a_zero_valued_start_position():
    """A start position of value 0 makes head 2 return ~0 at t = 1, not s_1."""
    out = lemma1.check_first_token_first(layer_factory=lambda c: lemma1.a1_layer(c, True))(RunContext(seed=0))
    assert out.passed is False


@negative_control("lemma1", "mean-square-positional-zero")
def test_mean_square_positional_fails_on_the_paper_and_for_s0_minus_s1():
    assert _status("mean-square-positional-zero") == "failed"
    out = lemma1.check_mean_square_positional(-1)(RunContext(seed=0))
    assert out.passed is False and out.metrics["floor_per_d"]["3"] == "12/5"


@positive_control("lemma1", "mean-square-positional-zero")
def test_mean_square_positional_passes_when_the_target_is_s1():
    """With s_0 = s_1 the positional-only layer has nothing to correct: the floor is 0."""
    assert lemma1.check_mean_square_positional(1)(RunContext(seed=0)).passed is True


@negative_control("lemma1", "mean-square-content-zero")
def test_content_judge_fails_when_the_errors_stay_at_the_floor():
    ev = copy.deepcopy(lemma1.content_evidence(0, "quick"))
    for h in ev["heldout_mse"]:
        ev["heldout_mse"][h] = [0.5 for _ in ev["heldout_mse"][h]]
    assert lemma1.judge_content(ev).passed is False


def test_content_judge_passes_on_an_exact_realisation_and_is_undecided_on_the_paper():
    ev = copy.deepcopy(lemma1.content_evidence(0, "quick"))
    assert lemma1.judge_content(ev).passed is None
    ev["heldout_mse"][str(ev["profile"]["heads"][-1])][0] = 0.0
    assert lemma1.judge_content(ev).passed is True
