"""Lemma 1: two softmax positional heads build the augmented tokens for t >= 2; e_1 is out of reach."""

import numpy as np
import pytest
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.models.softmax_positional import (CausalSoftmaxConfig, CausalSoftmaxTransformer,
                                                    PositionalAttentionConfig, TwoHeadPositionalAttention)
from ical_verify.numerics.errors import DomainError
from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import lemma1
from ical_verify.proofs_check.runner import run_claim

from strategies_augmented import rational_matrices, unitary_contexts


def test_verdicts_per_reading(quick_result):
    r = quick_result("lemma1")
    by = {x.reading.id: x for x in r.readings}
    assert (r.verdict, r.severity) == ("erratum", "convention")
    assert (by["s0-zero"].verdict, by["s0-zero"].severity) == ("erratum", "convention")
    assert (by["s0-backward"].verdict, by["s0-backward"].severity) == ("erratum", "substantive")
    assert by["s0-first"].verdict == "verified"
    assert (by["s0-zero-mean-square-positional"].verdict, by["s0-zero-mean-square-positional"].severity) == \
        ("erratum", "convention")
    assert by["s0-zero-mean-square-content"].verdict == "inconclusive"
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


# --- s_0 = s_1 and the mean-square readings ------------------------------------------------------------------
def test_a1_builds_e1_exactly_under_first():
    out = lemma1.check_first_token_first()(RunContext(seed=0))
    assert out.passed is True and max(out.metrics["t1_error_per_scale"]) < 1e-12
    assert all(e <= b + 1e-12 for e, b in zip(lemma1._a1_errors(0, False)["t>=2"], out.metrics["uniform_bound_per_scale"]))


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_positional_floor_closed_form(d):
    closed, dsym = lemma1.positional_floor_symbolic(0)
    assert sympy.simplify(closed - dsym / (dsym + 2)) == 0
    assert lemma1.positional_floor_full(d, 0) == sympy.Rational(d, d + 2)
    assert lemma1.positional_floor_full(d, 1) == 0   # s_0 = s_1: nothing to correct


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.data())
def test_no_positional_layer_beats_the_floor(d, data):
    """Every (v, N) of a positional-only layer has block-3 error |v|^2 + |N|_F^2 + |v - N1 - 1|^2 >= d/(d+2)."""
    v = data.draw(rational_matrices(d, 1))
    N = data.draw(rational_matrices(d, d))
    one = sympy.ones(d, 1)
    err = (v.T * v)[0, 0] + sum(x ** 2 for x in N) + ((v - N * one - one).T * (v - N * one - one))[0, 0]
    assert err >= sympy.Rational(d, d + 2)


def test_expectation_identity_of_the_floor():
    assert lemma1.expectation_identity(2) is True


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.lists(st.floats(-2, 2, allow_nan=False), min_size=6, max_size=6))
def test_positional_only_layers_are_linear_and_keep_constant_sequences_constant(heads, d, values):
    from ical_verify.models.softmax_positional import PositionalOnlyAttention, PositionalOnlyConfig

    m = PositionalOnlyAttention(PositionalOnlyConfig(d=d, heads=heads, max_len=6), seed=heads)
    x = torch.tensor(values[:d], dtype=torch.float64).expand(1, 6, d)
    y = torch.tensor(np.resize(values, 6 * d).reshape(1, 6, d))
    with torch.no_grad():
        assert torch.allclose(m(x), m(x)[:, :1].expand(1, 6, 3 * d), atol=1e-10)
        assert torch.allclose(m(2 * x - y), 2 * m(x) - m(y), atol=1e-9)


def test_gated_fit_improves_with_heads_and_beats_the_floor():
    from ical_verify.numerics.attention_capacity import gated_correction_fit

    ev = lemma1.content_evidence(0, "quick")
    med = [np.median(ev["heldout_mse"][str(h)]) for h in ev["profile"]["heads"]]
    assert all(b < a for a, b in zip(med, med[1:])) and med[-1] < lemma1.CONTENT_FLOOR / 10
    r = gated_correction_fit(16, np.random.default_rng(1), grid=512)
    assert r.heldout_mse == pytest.approx(r.train_mse, rel=0.2, abs=1e-3)   # the quadrature grid resolves the gates
