"""Lemma 2: model (6) output, symbolic derivation and the PyTorch forward."""

import numpy as np
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.models.diagonal_attention import (DiagonalAttention, DiagonalAttentionConfig, ar_batch,
                                                   exact_population_loss, realify)
from ical_verify.numerics.diagonal_model import lemma2_output
from ical_verify.proofs_check.papers.sander2024._checks_diagonal import model_minus_rhs

from strategies_diagonal import diagonal_model_sizes


def test_symbolic_model_equals_printed_rhs():
    assert model_minus_rhs(2, 2, 3) == []
    assert model_minus_rhs(3, 3, 4) == []


def test_symbolic_comparison_can_fail():
    # A deliberately wrong right-hand side (AᵀB instead of BᵀA) must be detected.
    assert model_minus_rhs(2, 2, 3, rhs_C=lambda A, B: A.T * B) != []


@settings(max_examples=20, deadline=None)
@given(diagonal_model_sizes(), st.integers(0, 2**31 - 1))
def test_torch_forward_matches_lemma2(sizes, seed):
    H, d, T = sizes
    model = DiagonalAttention(DiagonalAttentionConfig(d=d, heads=H, T_max=T), torch.Generator().manual_seed(seed))
    rng = np.random.default_rng(seed)
    lam = np.exp(2j * np.pi * rng.random((8, d)))
    with torch.no_grad():
        out = model(ar_batch(torch.tensor(lam), T)).numpy()
        ref = lemma2_output(model.C().numpy(), model.positional()[T - 2, :T].numpy(), lam)
    assert np.allclose(out, ref, rtol=1e-12, atol=1e-12)


@settings(max_examples=10, deadline=None)
@given(st.integers(2, 6), st.integers(1, 4), st.integers(0, 1000))
def test_forward_all_matches_forward(T_max, H, seed):
    d = 3
    model = DiagonalAttention(DiagonalAttentionConfig(d=d, heads=H, T_max=T_max), torch.Generator().manual_seed(seed))
    lam = torch.polar(torch.ones(5, d, dtype=torch.float64), torch.rand(5, d, dtype=torch.float64) * 6.3)
    s = ar_batch(lam, T_max + 1)
    with torch.no_grad():
        allT = model.forward_all(s)
        for T in range(2, T_max + 1):
            assert torch.allclose(allT[:, T - 2], model(s[:, :T]), atol=1e-12)


def test_full_matrix_variant_with_diagonal_heads_equals_diagonal_model():
    cfg = DiagonalAttentionConfig(d=3, heads=2, T_max=5)
    diag = DiagonalAttention(cfg, torch.Generator().manual_seed(0))
    full = DiagonalAttention(DiagonalAttentionConfig(d=3, heads=2, T_max=5, diagonal=False))
    with torch.no_grad():
        full.A.copy_(torch.diag_embed(diag.A))
        full.B.copy_(torch.diag_embed(diag.B))
        full.P.copy_(diag.P)
    lam = torch.polar(torch.ones(4, 3, dtype=torch.float64), torch.rand(4, 3, dtype=torch.float64) * 6.3)
    s = ar_batch(lam, 6)
    with torch.no_grad():
        assert torch.allclose(full.forward_all(s), diag.forward_all(s), atol=1e-12)


def test_sampled_loss_estimates_exact_loss():
    cfg = DiagonalAttentionConfig(d=2, heads=2, T_max=4)
    model = DiagonalAttention(cfg, torch.Generator().manual_seed(3))
    from ical_verify.models.diagonal_attention import sample_contexts

    s = ar_batch(sample_contexts("unitary", 200_000, 2, torch.Generator().manual_seed(4)), 5)
    with torch.no_grad():
        assert abs(float(model.sampled_loss(s)) - float(model.exact_loss())) < 0.02 * float(model.exact_loss())


def test_realify_and_bad_input():
    z = torch.tensor([[1 + 2j, 3 - 1j]])
    assert realify(z).tolist() == [[1.0, 3.0, 2.0, -1.0]]
    import pytest

    from ical_verify.numerics.errors import DomainError

    with pytest.raises(DomainError, match="T_max"):
        DiagonalAttentionConfig(T_max=1)
    with pytest.raises(DomainError, match="context"):
        exact_population_loss(torch.eye(2, dtype=torch.float64), torch.zeros(3, 3, dtype=torch.float64), "real")


def test_model6_lemma3_heads_symbolic():
    from ical_verify.theory import diagonal_attention as th

    A, B = th.lemma3_heads(1)
    out = th.model6_output(A, B, [sympy.Integer(-1), sympy.Integer(2)], 2)
    assert [f.conjugate_pairs().terms for f in out] == [{(2,): 1}, {(-2,): 1}]
