"""Lemma 1: two softmax positional heads build the augmented tokens for t >= 2; e_1 is out of reach."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.models.softmax_positional import (CausalSoftmaxConfig, CausalSoftmaxTransformer,
                                                    PositionalAttentionConfig, TwoHeadPositionalAttention)
from ical_verify.numerics.errors import DomainError
from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import lemma1
from ical_verify.proofs_check.runner import run_claim

from strategies_augmented import unitary_contexts


def test_verdicts_per_reading():
    r = run_claim("lemma1", RunContext(seed=0))
    by = {x.reading.id: x for x in r.readings}
    assert (r.verdict, r.severity) == ("erratum", "convention")
    assert (by["s0-zero"].verdict, by["s0-zero"].severity) == ("erratum", "convention")
    assert (by["s0-backward"].verdict, by["s0-backward"].severity) == ("erratum", "substantive")
    first = next(c for c in r.checks if c.name == "first-token-zero")
    assert first.metrics["lower_bound"] == pytest.approx(np.sqrt(3) / 2)


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


def _model_with(params, heads, layers, blocks):
    model = CausalSoftmaxTransformer(CausalSoftmaxConfig(d=2, heads=heads, layers=layers, blocks=blocks, max_len=6))
    flat = torch.nn.utils.parameters_to_vector(model.parameters())
    values = torch.tensor(params, dtype=torch.float64)
    torch.nn.utils.vector_to_parameters(values.repeat(flat.numel() // len(params) + 1)[: flat.numel()],
                                        model.parameters())
    return model


architectures = st.tuples(st.integers(1, 3), st.integers(1, 2), st.booleans())
parameter_values = st.lists(st.floats(-2, 2, allow_nan=False), min_size=7, max_size=29)


@settings(max_examples=20, deadline=None)
@given(parameter_values, architectures, st.lists(st.floats(-3, 3, allow_nan=False), min_size=2, max_size=2))
def test_a_constant_sequence_gives_equal_outputs_at_every_position(params, arch, value):
    """The obstruction of first-token-zero: attention rows sum to 1 and values carry no position."""
    model = _model_with(params, *arch)
    s = torch.tensor(value, dtype=torch.float64).expand(1, 6, 2)
    with torch.no_grad():
        out = model(s)
    assert torch.allclose(out, out[:, :1].expand_as(out), atol=1e-9 * (1 + out.abs().max()))


@settings(max_examples=20, deadline=None)
@given(parameter_values, architectures, unitary_contexts(2))
def test_output_at_t1_ignores_the_future(params, arch, lam):
    model = _model_with(params, *arch)
    s = torch.tensor(np.real(lam[None, :] ** np.arange(6)[:, None]))[None]  # a real sequence from the context
    changed = s.clone()
    changed[:, 1:] += 1.0
    with torch.no_grad():
        assert torch.equal(model(s)[:, 0], model(changed)[:, 0])


def test_the_start_token_removes_the_obstruction():
    ctx = RunContext(seed=0)
    sink = lemma1.check_first_token_zero(layer_factory=lambda c: lemma1.a1_layer(c, True),
                                         model_class=lambda seed: [lemma1.a1_layer(32.0, True)])(ctx)
    assert sink.passed is True and sink.metrics["obstruction_applies"] is False


def test_domain_errors():
    with pytest.raises(DomainError):
        PositionalAttentionConfig(d=0)
    with pytest.raises(DomainError):
        CausalSoftmaxConfig(heads=0)
    with pytest.raises(DomainError):
        CausalSoftmaxTransformer(CausalSoftmaxConfig(d=1, max_len=3))(torch.ones(1, 4, 1, dtype=torch.float64))
