"""Proposition 1: construction (8) and one gradient step on the inner loss (5)."""

import numpy as np
import pytest
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.models.augmented_attention import AugmentedAttentionConfig, AugmentedTransformer
from ical_verify.numerics.gd_inner_loss import gd_iterates, gradient_statistics
from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import prop1
from ical_verify.theory.augmented_attention import construction8, model4_output
from ical_verify.theory.errors import DomainError
from ical_verify.theory.gradient_step import gradient_step, inner_loss, inner_loss_gradient

from strategies_augmented import complex_sequences, real_sequences


def _model8(d, eta):
    model = AugmentedTransformer(AugmentedAttentionConfig(d=d))
    with torch.no_grad():
        model.layers[0].A.zero_()
        model.layers[0].B.zero_()
        model.layers[0].A[2 * d:, d:2 * d] = torch.eye(d, dtype=torch.float64)
        model.layers[0].B[:d, d:2 * d] = eta * torch.eye(d, dtype=torch.float64)
    return model


def _tokens(seq):
    s = torch.tensor(seq)
    return torch.cat([torch.zeros_like(s[1:]), s[1:], s[:-1]], -1)[None]  # (1, T, 3d)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3).flatmap(lambda d: st.tuples(st.just(d), st.integers(2, 6))).flatmap(
    lambda dt: st.tuples(st.just(dt), st.one_of(real_sequences(*dt), complex_sequences(*dt)))),
    st.floats(0.01, 1.0))
def test_construction8_is_gd_step_with_zero_padding_and_extra_pair_otherwise(case, eta):
    (d, T), seq = case
    model = _model8(d, eta)
    S, Y = gradient_statistics(seq[None, 1:])
    gd = np.einsum("ij,j->i", gd_iterates(S, Y, 1, eta)[0, -1], seq[-1])
    padded = seq.copy()
    padded[0] = 0
    with torch.no_grad():
        out_zero = model(_tokens(padded))[0, -1].numpy()
        out_back = model(_tokens(seq))[0, -1].numpy()
    scale = 1 + np.abs(seq).max() ** 3 * T
    assert np.allclose(out_zero, gd, atol=1e-12 * scale)
    extra = eta * seq[1] * (seq[0].conj() @ seq[-1])  # eta s_1 s_0^* s_T
    assert np.allclose(out_back, gd + extra, atol=1e-12 * scale)


def test_symbolic_identities_hold_under_zero_padding_only():
    res = prop1.construction_identities(((1, 2), (2, 3)))
    assert all(v["equals_gd_on_5"] for k, v in res.items() if k.startswith("zero"))
    assert not any(v["equals_gd_on_5"] for k, v in res.items() if k.startswith("backward"))
    assert all(v["equals_gd_on_5_plus_pair_s0_s1"] for k, v in res.items() if k.startswith("backward"))


def test_gradient_matches_real_derivatives():
    x = sympy.symbols("x0:3", real=True)
    y = sympy.symbols("y0:3", real=True)
    seq = [sympy.Matrix([x[t] + sympy.I * y[t]]) for t in range(3)]
    p, q = sympy.symbols("p q", real=True)
    W = sympy.Matrix([[p + sympy.I * q]])
    L = inner_loss(W, seq)
    g = inner_loss_gradient(W, seq)[0, 0]
    assert sympy.simplify(g - (sympy.diff(L, p) + sympy.I * sympy.diff(L, q))) == 0


def test_any_w0_check_fails_and_w0_zero_passes():
    ctx = RunContext(seed=0)
    assert prop1.any_w0_homogeneity(ctx).passed is False
    assert prop1.w0_zero_symbolic(ctx).passed is True
    assert prop1.corrected_check(ctx).passed is True


def test_wrong_construction_is_caught():
    eta = sympy.Symbol("eta")
    A, B = construction8(1, eta)
    A = A.T  # the transposed block picks s_t^* s_{T-1}: not a GD step
    seq = [sympy.Matrix([0]), sympy.Matrix([1]), sympy.Matrix([2]), sympy.Matrix([3])]
    assert model4_output(A, B, seq) != gradient_step(sympy.zeros(1, 1), seq, eta) * seq[-1]


def test_domain_errors():
    with pytest.raises(DomainError):
        inner_loss(sympy.Matrix([[1]]), [sympy.Matrix([1])])
    with pytest.raises(DomainError):
        inner_loss_gradient(sympy.Matrix([[1]]), [sympy.Matrix([1]), sympy.Matrix([1])], first=2)
