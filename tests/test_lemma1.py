"""Lemma 1: two softmax positional heads build the augmented tokens."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.models.softmax_positional import PositionalAttentionConfig, TwoHeadPositionalAttention
from ical_verify.numerics.errors import DomainError
from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import lemma1


def test_checks():
    ctx = RunContext(seed=0)
    assert lemma1.later_tokens(ctx).passed is True
    assert lemma1.first_token(ctx).passed is False
    assert lemma1.with_sink(ctx).passed is True


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 4), st.integers(2, 12), st.floats(0.5, 40))
def test_error_bounded_by_off_target_weight(d, T, c):
    torch.manual_seed(0)
    s = torch.randn(2, T, d, dtype=torch.float64)
    out = TwoHeadPositionalAttention(PositionalAttentionConfig(d=d, scale=c))(s)
    err = (out[:, 1:, d:2 * d] - s[:, 1:]).abs().max()
    # convex combination: error <= (1 - weight on t) * max distance <= 2 e^{-c} / (1 - e^{-c}) * 2 max|s|
    bound = 2 * torch.exp(torch.tensor(-c)) / (1 - torch.exp(torch.tensor(-c))) * 2 * s.abs().max()
    assert err <= bound + 1e-12


def test_domain_error():
    with pytest.raises(DomainError):
        PositionalAttentionConfig(d=0)
