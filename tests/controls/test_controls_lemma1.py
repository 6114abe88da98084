"""Controls for Lemma 1: each check fails on a wrong construction; the failing checks pass on the right input."""

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
