"""The one-layer linear self-attention model and its trainer (models/linear_self_attention.py)."""

import numpy as np
import pytest
import torch

from ical_verify.models.linear_self_attention import LinearSelfAttention, LSAConfig
from ical_verify.models.train_linear_self_attention import adam_step, cosine_lr, prompts_to_tensors, train_lsa
from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.regression_data import gd_predictions, lsa_predictions, sample_prompts


def test_forward_matches_the_numpy_reference_for_every_start():
    p = sample_prompts(np.random.default_rng(0), 3 * 40, 5, 2, sigma2=0.5)
    model = LinearSelfAttention(LSAConfig(d=2, n_starts=3, init_scale=1.0), torch.Generator().manual_seed(0))
    Z, yq, mask = prompts_to_tensors(p, 3)
    with torch.no_grad():
        pred = model.predict(Z, mask).numpy()
    for s in range(3):
        ref = lsa_predictions(p.take(40 * s, 40 * (s + 1)), model.P[s].detach().numpy(), model.Q[s].detach().numpy())
        assert np.allclose(pred[s], ref, atol=1e-12)


@pytest.mark.parametrize("normalise", [True, False])
def test_masked_prompts_equal_short_prompts(normalise):
    rng = np.random.default_rng(1)
    p = sample_prompts(rng, 30, 6, 2, lengths=(1, 6))
    model = LinearSelfAttention(LSAConfig(d=2, normalise=normalise, init_scale=1.0), torch.Generator().manual_seed(1))
    Z, _, mask = prompts_to_tensors(p, 1)
    with torch.no_grad():
        pred = model.predict(Z, mask)[0].numpy()
    P, Q = model.P[0].detach().numpy(), model.Q[0].detach().numpy()
    assert np.allclose(pred, lsa_predictions(p, P, Q, normalise), atol=1e-12)
    b = 0
    L = int(p.lengths[b])
    short = sample_prompts(rng, 1, L, 2)
    short = type(short)(p.X[b:b + 1, :L], p.y[b:b + 1, :L], p.xq[b:b + 1], p.yq[b:b + 1], p.w[b:b + 1])
    assert np.isclose(pred[b], lsa_predictions(short, P, Q, normalise)[0])


def test_effective_gamma_and_the_gd_predictor():
    model = LinearSelfAttention(LSAConfig(d=2))
    with torch.no_grad():
        model.P.zero_()
        model.Q.zero_()
        model.P[0, 2, 2] = 2.0
        model.Q[0, :2, :2] = 0.25 * torch.eye(2, dtype=torch.float64)
    assert torch.allclose(model.effective_gamma()[0], 0.5 * torch.eye(2, dtype=torch.float64))
    a, b = model.query_only_coefficients()
    assert float(a.abs().max()) == 0 and float(b.abs().max()) == 0
    p = sample_prompts(np.random.default_rng(2), 20, 4, 2)
    Z, _, _ = prompts_to_tensors(p, 1)
    with torch.no_grad():
        assert np.allclose(model.predict(Z)[0].numpy(), gd_predictions(p, 0.5), atol=1e-12)


def test_adam_step_matches_torch_optim_adam():
    torch.manual_seed(0)
    target = torch.randn(4, 3, dtype=torch.float64)
    a = torch.zeros(4, 3, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(4, 3, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([b], lr=0.1)
    state = {}
    for _ in range(25):
        ga, = torch.autograd.grad(((a - target) ** 4).sum(), [a])
        adam_step([a], [ga], state, 0.1)
        opt.zero_grad()
        ((b - target) ** 4).sum().backward()
        opt.step()
    assert torch.allclose(a, b, atol=1e-12)


def test_cosine_schedule_endpoints():
    assert cosine_lr(0.1, 0, 100, 0.01) == pytest.approx(0.1)
    assert cosine_lr(0.1, 99, 100, 0.01) == pytest.approx(0.001)


def test_training_lowers_the_loss_on_fresh_prompts():
    model = LinearSelfAttention(LSAConfig(d=2, n_starts=2, init_scale=0.5), torch.Generator().manual_seed(3))
    seen = []

    def sample(rng, count):
        p = sample_prompts(rng, count, 3, 2, sigma2=0.5)
        seen.append(p.yq[:3].copy())
        return p
    r = train_lsa(model, sample, np.random.default_rng(4), 120, 64, lr=0.05, chunk=40, window=20)
    assert len(seen) == 3  # 120 steps drawn 40 at a time: no prompt reused
    assert np.mean(r.history[-20:]) < np.mean(r.history[:20])
    assert len(r.final_window_loss) == 2


def test_bad_configurations_are_domain_errors():
    with pytest.raises(DomainError, match="d = 0"):
        LSAConfig(d=0)
    with pytest.raises(DomainError, match="n_starts"):
        LSAConfig(n_starts=0)
    with pytest.raises(DomainError, match="init_scale"):
        LSAConfig(init_scale=0)
