"""Remark 2: linear RNN vs model (6) (models.linear_rnn, claims.remark2)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings

from ical_verify.models.linear_rnn import (LinearRNN, model6, RemarkTwoConfig, ar_data,
                                           least_squares_bound, prediction_loss)
from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.samplers import unitary_contexts
from ical_verify.proofs_check.papers.sander2024 import remark2

from strategies_optim import rng_from, seeds


def test_symbolic_bound():
    out = remark2.orthogonality_outcome(1, 2)
    assert out.passed and out.metrics["gap"] == "1"


@settings(max_examples=10, deadline=None)
@given(seeds())
def test_rnn_forward_is_the_remark_formula(seed):
    g = torch.Generator().manual_seed(seed % 2 ** 31)
    m = LinearRNN(2, 0.7, g)
    s = ar_data(unitary_contexts(2, 3, rng_from(seed)), 5)
    y = m(s).detach()
    A, B = m.A.detach(), m.B.detach()
    for t in range(5):
        ref = sum(torch.linalg.matrix_power(A, t - k) @ B @ s[0, k] for k in range(t + 1))
        assert torch.allclose(y[0, t], ref, atol=1e-12)


def test_model6_optimum_predicts_exactly():
    d, t_max = 2, 5
    m = model6(d, d, t_max)
    with torch.no_grad():
        m.A.copy_(torch.eye(d, dtype=torch.float64))
        m.B.copy_(torch.eye(d, dtype=torch.float64))
        P = torch.zeros(t_max, t_max, dtype=torch.float64)
        P[torch.arange(t_max - 1), torch.arange(1, t_max)] = 1.0        # P_{T-1,T} = 1
        m.P.copy_(P)
    s = ar_data(unitary_contexts(d, 50, np.random.default_rng(0)), t_max + 1)
    with torch.no_grad():
        assert float(prediction_loss(m, s, t_max)) < 1e-26


@settings(max_examples=10, deadline=None)
@given(seeds())
def test_least_squares_bound_is_below_any_rnn(seed):
    s = ar_data(unitary_contexts(2, 200, rng_from(seed)), 6)
    g = torch.Generator().manual_seed(seed % 2 ** 31)
    with torch.no_grad():
        rnn_loss = float(prediction_loss(LinearRNN(2, 0.5, g), s, 5))
    assert least_squares_bound(s, 5) <= rnn_loss + 1e-12


def test_comparison_fails_when_w_is_shared():
    """Same W for every sequence (not in-context): a linear RNN (A = 0, B = W) fits, so the check must fail."""
    torch.set_num_threads(1)
    cfg = RemarkTwoConfig(d=1, t_max=4, n_train=64, n_test=64, steps=600, lr=3e-2)
    lam = np.full((64, 1), np.exp(0.7j))
    s = ar_data(lam, cfg.t_max + 1)
    out = remark2.comparison_outcome(s, s, cfg, rnn_starts=1, att_steps=50, seed=0)
    assert out.passed is False
    assert min(out.metrics["rnn_train_losses"]) < 0.5


def test_bad_config():
    with pytest.raises(DomainError):
        RemarkTwoConfig(t_max=1)


@pytest.mark.slow
def test_remark2_full_profile():
    from ical_verify.proofs_check.runner import make_context, run_claim

    assert run_claim("remark2", make_context(seed=1, profile="full", out_dir="/tmp/ical-test-full")).verdict == "verified"
