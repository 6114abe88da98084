"""Lemma 2: model (6) output, symbolic derivation and the PyTorch forward."""

import numpy as np
import pytest
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.models.diagonal_attention import (DiagonalAttention, DiagonalAttentionConfig, ar_batch,
                                                   exact_population_loss, realify, sample_contexts)
from ical_verify.numerics.diagonal_model import lemma2_output, printed_prop4_loss
from ical_verify.numerics.montecarlo import monte_carlo_mean
from ical_verify.proofs_check.papers.sander2024._checks_diagonal import compare_components, model_minus_rhs
from ical_verify.theory import diagonal_attention as th

from strategies_diagonal import head_parameters, positional_encodings, unitary_contexts


def _model(A, B, P) -> DiagonalAttention:
    H, d = A.shape
    model = DiagonalAttention(DiagonalAttentionConfig(d=d, heads=H, T_max=P.shape[0]))
    with torch.no_grad():
        model.A.copy_(torch.tensor(A))
        model.B.copy_(torch.tensor(B))
        model.P.copy_(torch.tensor(P))
    return model


@pytest.mark.parametrize("H, d, T", [(1, 1, 2), (2, 2, 3), (3, 3, 4), (2, 3, 5)])
def test_symbolic_model_equals_printed_rhs(H, d, T):
    assert model_minus_rhs(H, d, T) == []


def test_symbolic_comparison_can_fail():
    # A deliberately wrong right-hand side (AᵀB instead of BᵀA) must be detected.
    assert model_minus_rhs(2, 2, 3, rhs_C=lambda A, B: A.T * B) != []


def test_comparison_compares_lengths_before_zipping():
    """zip() would stop at the shorter vector; a missing component must be a difference."""
    full = th.lemma2_rhs(sympy.eye(2), [0, 1], 2)
    assert compare_components(full, full) == []
    assert compare_components(full, full[:1]) == ["length 2 != 1"]
    assert model_minus_rhs(2, 2, 3, rhs=lambda C, p, T: th.lemma2_rhs(C, p, T)[:-1]) == ["length 2 != 1"]


@settings(max_examples=20, deadline=None)
@given(st.data(), st.integers(1, 6), st.integers(1, 6), st.integers(2, 8))
def test_torch_forward_matches_lemma2(data, H, d, T):
    A, B = data.draw(head_parameters(H, d))
    P = data.draw(positional_encodings(T))
    lam = data.draw(unitary_contexts(d, 5))
    model = _model(A, B, P)
    with torch.no_grad():
        out = model(ar_batch(torch.tensor(lam), T)).numpy()
    ref = lemma2_output(B.T @ A, (P * model.mask.numpy())[T - 2, :T], lam)
    assert out.shape == ref.shape
    assert np.allclose(out, ref, rtol=1e-12, atol=1e-11)


@settings(max_examples=10, deadline=None)
@given(st.data(), st.integers(2, 6), st.integers(1, 4))
def test_forward_all_matches_forward(data, T_max, H):
    d = 3
    A, B = data.draw(head_parameters(H, d))
    P = data.draw(positional_encodings(T_max))
    lam = data.draw(unitary_contexts(d, 4))
    model = _model(A, B, P)
    s = ar_batch(torch.tensor(lam), T_max + 1)
    with torch.no_grad():
        allT = model.forward_all(s)
        for T in range(2, T_max + 1):
            assert torch.allclose(allT[:, T - 2], model(s[:, :T]), atol=1e-12)


@settings(max_examples=10, deadline=None)
@given(st.data())
def test_full_matrix_variant_with_diagonal_heads_equals_diagonal_model(data):
    A, B = data.draw(head_parameters(2, 3))
    P = data.draw(positional_encodings(5))
    lam = data.draw(unitary_contexts(3, 4))
    diag = _model(A, B, P)
    full = DiagonalAttention(DiagonalAttentionConfig(d=3, heads=2, T_max=5, diagonal=False))
    with torch.no_grad():
        full.A.copy_(torch.diag_embed(diag.A))
        full.B.copy_(torch.diag_embed(diag.B))
        full.P.copy_(diag.P)
    s = ar_batch(torch.tensor(lam), 6)
    with torch.no_grad():
        assert torch.allclose(full.forward_all(s), diag.forward_all(s), atol=1e-12)


def test_sampled_loss_estimates_exact_loss_and_excludes_printed_prop4():
    """The empirical loss (3) of model (6) over sampled C_U sequences (6-sigma interval) contains the exact
    loss and excludes the nearest wrong alternative, the printed Proposition 4 (which adds p_(T-1)^2 ||C||_F^2
    per T). The sample size is computed from a pilot so that the gap is at least 12 standard errors."""
    rng = np.random.default_rng(3)
    d, H, T_max = 2, 2, 4
    A, B = rng.standard_normal((H, d)) / 2, rng.standard_normal((H, d)) / 2
    P = rng.standard_normal((T_max, T_max))
    model = _model(A, B, P)
    C, Pm = B.T @ A, P * model.mask.numpy()
    exact = float(model.exact_loss().detach())
    printed = sum(printed_prop4_loss(C, Pm[T - 2, :T]) for T in range(2, T_max + 1))
    gap = printed - exact
    assert gap > 0.05 * exact                                   # the two values are meaningfully different

    def draw(r, m):
        lam = sample_contexts("unitary", m, d, torch.Generator().manual_seed(int(r.integers(2**31))))
        s = ar_batch(lam, T_max + 1)
        with torch.no_grad():
            err = model.forward_all(s) - s[:, 2:, :]
        return (err.abs() ** 2).sum(dim=(1, 2)).numpy()

    pilot = monte_carlo_mean(draw, 2_000, rng)
    sd = pilot.standard_error * np.sqrt(pilot.n_samples)
    n = int(np.ceil((12 * sd / gap) ** 2 * 1.2))               # 6-sigma half-width <= gap / 2, with margin
    mc = monte_carlo_mean(draw, max(n, 2_000), rng)
    assert mc.contains(exact)
    assert not mc.contains(printed)


def test_realify_and_bad_input():
    z = torch.tensor([[1 + 2j, 3 - 1j]])
    assert realify(z).tolist() == [[1.0, 3.0, 2.0, -1.0]]
    from ical_verify.numerics.errors import DomainError

    with pytest.raises(DomainError, match="T_max"):
        DiagonalAttentionConfig(T_max=1)
    with pytest.raises(DomainError, match="context"):
        exact_population_loss(torch.eye(2, dtype=torch.float64), torch.zeros(3, 3, dtype=torch.float64), "real")


def test_model6_lemma3_heads_symbolic():
    A, B = th.lemma3_heads(1)
    out = th.model6_output(A, B, [sympy.Integer(-1), sympy.Integer(2)], 2)
    assert [f.conjugate_pairs().terms for f in out] == [{(2,): 1}, {(-2,): 1}]
