"""Controls for Remark 2: a predictor that may use W (a cheating "RNN"), a wrong optimum of model (6), an
untrained model (6), and data where W is shared (not in context) make the checks fail."""

import copy

import numpy as np
import pytest

from ical_verify.models.linear_rnn import RemarkTwoConfig, ar_data
from ical_verify.proofs_check.papers.sander2024 import remark2
from ical_verify.proofs_check.runner import make_context, run_claim

from negative_controls import negative_control

CTX = make_context(seed=0, out_dir="/tmp/ical-controls-remark2")


def _status(name):
    return {c.name: c.status for c in run_claim("remark2", CTX, only=[name]).checks}[name]


@negative_control("remark2", "linear-predictor-lower-bound")
def test_bound_fails_for_a_predictor_that_uses_w():
    # inputs s_1..s_t and W^t s_1 = lambda^t: the coefficients of a W-independent predictor cannot reach it,
    # a W-dependent one can
    assert remark2.bound_outcome(powers_for=lambda t: range(t + 1)).passed is False


@negative_control("remark2", "model6-zero-loss")
def test_zero_loss_fails_at_a_wrong_positional_encoding(monkeypatch):
    def wrong(T):
        p = np.zeros(T)
        p[T - 2] = 1.0
        return p

    monkeypatch.setattr(remark2, "model6_optimum", wrong)
    assert _status("model6-zero-loss") == "failed"


@pytest.fixture(scope="module")
def evidence():
    return remark2.training_evidence(CTX)


@negative_control("remark2", "rnn-vs-model6-training")
def test_training_judge_fails_for_a_cheating_w_dependent_rnn(evidence):
    """y_t = W s_t (A = 0, B = W: B depends on the sequence) predicts s_{t+1} exactly."""
    cfg = RemarkTwoConfig(n_train=8, n_test=512)
    lam = np.exp(2j * np.pi * np.random.default_rng(1).random((cfg.n_test, cfg.d)))
    s = ar_data(lam, cfg.t_max + 1).numpy()
    y = lam[:, None, :] * s[:, 1:cfg.t_max]                                  # (n, t_max - 1, d): W s_T
    per_seq = np.mean(np.abs(y - s[:, 2:cfg.t_max + 1]) ** 2, axis=(1, 2))   # (n,)
    ev = copy.deepcopy(evidence)
    for r in ev["rows"]:
        r.update(rnn_test=float(per_seq.mean()), rnn_test_se=float(per_seq.std(ddof=1) / np.sqrt(per_seq.size)))
    assert remark2.training_judge(ev).passed is False


@negative_control("remark2", "rnn-vs-model6-training")
def test_training_judge_fails_when_model6_is_not_trained(evidence):
    ev = copy.deepcopy(evidence)
    for r in ev["rows"]:
        r.update(model6_train=0.8, model6_test=0.8)
    assert remark2.training_judge(ev).passed is False


@negative_control("remark2", "rnn-vs-model6-training")
def test_training_fails_when_w_is_shared_across_sequences():
    """Same W for every sequence (not in context): a linear RNN (A = 0, B = W) fits, so the check must fail."""
    cfg = RemarkTwoConfig(d=1, t_max=4, n_train=64, n_test=64, steps=600, lr=3e-2)
    lam = np.full((64, 1), np.exp(0.7j))
    s = ar_data(lam, cfg.t_max + 1)
    ev = remark2.train_evidence(s, s, cfg, starts=8, att_steps=50, seed=0)
    out = remark2.training_judge(ev)
    assert out.passed is False
    assert max(r["rnn_test"] for r in ev["rows"]) < 0.5


def test_training_judge_is_inconclusive_when_the_fractions_cannot_decide(evidence):
    ev = copy.deepcopy(evidence)
    for r in ev["rows"][: len(ev["rows"]) // 2]:
        r.update(model6_train=0.8, model6_test=0.8)
    assert remark2.training_judge(ev).passed is None
