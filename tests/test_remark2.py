"""Remark 2: linear RNN vs model (6) (models.linear_rnn, claims.remark2)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from ical_verify.models.linear_rnn import (LinearRNN, LinearRNNStack, Model6Stack, RemarkTwoConfig, ar_data,
                                           least_squares_bound, model6, per_sequence_losses, prediction_loss)
from ical_verify.numerics.errors import DomainError
from ical_verify.proofs_check.papers.sander2024 import remark2

from strategies import unitary_contexts


def _complex_matrices(d):
    entries = st.lists(st.floats(-1, 1, allow_nan=False), min_size=2 * d * d, max_size=2 * d * d)
    return entries.map(lambda v: (np.array(v[: d * d]) + 1j * np.array(v[d * d:])).reshape(d, d))


def test_symbolic_bound_and_a_cheating_predictor():
    out = remark2.orthogonality_outcome(1, 2)
    assert out.passed and out.metrics["gap"] == "1"
    cheat = remark2.orthogonality_outcome(1, 2, powers=(0, 1, 2))      # may use lambda^2 = W^2 s_1
    assert cheat.passed is False


@settings(max_examples=10, deadline=None)
@given(_complex_matrices(2), _complex_matrices(2), unitary_contexts(2, 3))
def test_rnn_forward_is_the_remark_formula(A, B, lam):
    m = LinearRNN(2)
    with torch.no_grad():
        m.A_re.copy_(torch.as_tensor(A.real)); m.A_im.copy_(torch.as_tensor(A.imag))
        m.B_re.copy_(torch.as_tensor(B.real)); m.B_im.copy_(torch.as_tensor(B.imag))
    s = ar_data(lam, 5)
    y = m(s).detach().numpy()
    for t in range(5):
        ref = sum(np.linalg.matrix_power(A, t - k) @ B @ s[0, k].numpy() for k in range(t + 1))
        assert np.allclose(y[0, t], ref, atol=1e-12)


def test_stacks_compute_what_the_single_start_models_compute():
    s = ar_data(np.exp(2j * np.pi * np.random.default_rng(0).random((40, 2))), 7)
    ms = [model6(2, 2, 6, 0.5, torch.Generator().manual_seed(k)) for k in range(3)]
    rs = [LinearRNN(2, 0.5, torch.Generator().manual_seed(k)) for k in range(3)]
    ms_stack, rs_stack = Model6Stack(ms), LinearRNNStack(rs)
    with torch.no_grad():
        for k in range(3):
            assert torch.allclose(ms_stack.predictions(s, 6)[k], ms[k].forward_all(s), atol=1e-14)
            assert torch.allclose(ms_stack.member(k).forward_all(s), ms[k].forward_all(s), atol=1e-14)
            assert torch.allclose(rs_stack.predictions(s, 6)[k], rs[k].predictions(s, 6), atol=1e-14)
    assert abs(per_sequence_losses(ms[0], s, 6).mean() - float(prediction_loss(ms[0], s, 6).detach())) < 1e-12


def test_model6_optimum_predicts_exactly():
    d, t_max = 2, 5
    m = model6(d, d, t_max)
    with torch.no_grad():
        m.A.copy_(torch.eye(d, dtype=torch.float64))
        m.B.copy_(torch.eye(d, dtype=torch.float64))
        P = torch.zeros(t_max, t_max, dtype=torch.float64)
        P[torch.arange(t_max - 1), torch.arange(1, t_max)] = 1.0        # P_{T-1,T} = 1
        m.P.copy_(P)
    s = ar_data(np.exp(2j * np.pi * np.random.default_rng(0).random((50, d))), t_max + 1)
    with torch.no_grad():
        assert float(prediction_loss(m, s, t_max)) < 1e-26


@settings(max_examples=10, deadline=None)
@given(unitary_contexts(2, 60), _complex_matrices(2), _complex_matrices(2))
def test_least_squares_bound_is_below_any_rnn(lam, A, B):
    s = ar_data(lam, 6)
    m = LinearRNN(2)
    with torch.no_grad():
        m.A_re.copy_(torch.as_tensor(A.real)); m.A_im.copy_(torch.as_tensor(A.imag))
        m.B_re.copy_(torch.as_tensor(B.real)); m.B_im.copy_(torch.as_tensor(B.imag))
        rnn_loss = float(prediction_loss(m, s, 5))
    assert least_squares_bound(s, 5) <= rnn_loss + 1e-12


def test_bad_config():
    with pytest.raises(DomainError):
        RemarkTwoConfig(t_max=1)


def test_remark2_quick_verdict(quick_result):
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = quick_result("remark2")
    assert r.verdict == "verified"
    train = next(c for c in r.checks if c.name == "rnn-vs-model6-training")
    assert train.metrics["rnn_poor"]["trials"] >= 8 and train.metrics["model6_fits"]["trials"] >= 8
    assert all(c.summary for c in r.checks)


@pytest.mark.slow
def test_remark2_full_profile():
    from ical_verify.proofs_check.runner import make_context, run_claim

    assert run_claim("remark2", make_context(seed=1, profile="full", out_dir="/tmp/ical-test-full")).verdict == "verified"
