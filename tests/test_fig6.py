"""Figure 6: positional-encoding-only training (models.positional_only, claims.fig6)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from ical_verify.models.positional_only import (PositionalOnly, PositionalOnlyConfig, cosine_positional_encoding,
                                                min_norm_at_loss, optimum, sample_contexts, sufficient_statistics,
                                                support_mask, toeplitz_deviation, train_gd)
from ical_verify.numerics.errors import DomainError
from ical_verify.proofs_check.papers.sander2024 import fig6

from strategies_optim import mu_values, rng_from, seeds


@settings(max_examples=8, deadline=None)
@given(mu_values(2.0, 300.0), seeds())
def test_sufficient_statistics_give_the_model_loss_and_gradient(mu, seed):
    rng = rng_from(seed)
    cfg = PositionalOnlyConfig(t_max=6, mu=mu, n_examples=300)
    lam = sample_contexts(cfg, rng)
    stats = sufficient_statistics(lam, 6)
    model = PositionalOnly(6)
    P = rng.standard_normal((5, 6)) * support_mask(6)
    with torch.no_grad():
        model.P.copy_(torch.as_tensor(P))
    loss = model.loss(torch.as_tensor(lam))
    loss.backward()
    assert abs(float(loss.detach()) - stats.loss(P)) < 1e-10
    assert np.abs(model.P.grad.numpy() * support_mask(6) - stats.gradient(P)).max() < 1e-10


def test_optimum_has_zero_loss_and_gd_stops_early():
    cfg = PositionalOnlyConfig(t_max=8, mu=100.0, n_examples=2000)
    stats = sufficient_statistics(sample_contexts(cfg, np.random.default_rng(0)), 8)
    assert stats.loss(optimum(8)) < 1e-12
    r = train_gd(stats, 1e-3)
    assert r.stopped_early and r.final_loss < 1e-3
    P_mn, _ = min_norm_at_loss(stats, r.final_loss)
    assert np.linalg.norm(P_mn) <= np.linalg.norm(r.P) + 1e-9        # minimum norm at that loss
    assert np.linalg.norm(P_mn) <= np.linalg.norm(optimum(8))


@settings(max_examples=10, deadline=None)
@given(seeds())
def test_toeplitz_statistic_separates_toeplitz_from_shuffled(seed):
    rng = rng_from(seed)
    diag = rng.standard_normal(60)
    i, j = np.indices((29, 30))
    P = diag[j - i + 29] * support_mask(30)                               # exactly Toeplitz on the support
    assert toeplitz_deviation(P) < 1e-12
    assert fig6.toeplitz_r2(P) > 0.999
    ok = fig6.toeplitz_outcome({1.0: P}, rng)
    assert ok.passed
    noise = rng.standard_normal((29, 30)) * support_mask(30)
    assert fig6.toeplitz_outcome({1.0: noise}, rng).passed is False         # the check can fail


def test_smoothness_check_passes_on_smooth_rows_and_fails_on_noise():
    rng = np.random.default_rng(3)
    i, j = np.indices((29, 30))
    smooth = np.cos(0.1 * (j - i)) * support_mask(30)
    assert fig6.smoothness_outcome({1.0: smooth}, rng).passed
    noise = rng.standard_normal((29, 30)) * support_mask(30)
    assert fig6.smoothness_outcome({1.0: noise}, rng).passed is False


def test_distance_check_fails_when_gd_lands_on_p_star():
    cfg = PositionalOnlyConfig(t_max=30, mu=50.0, n_examples=500)
    stats = sufficient_statistics(sample_contexts(cfg, np.random.default_rng(1)), 30)

    class R:
        P = optimum(30)

    runs = {50.0: [{"result": R, "P_mn": optimum(30), "gamma": 0.0, "stats": stats}]}
    assert fig6.distance_outcome(runs).passed is False


def test_cosine_encoding_gram_is_toeplitz():
    pe = cosine_positional_encoding(20, 32)
    G = pe @ pe.T
    for k in range(-19, 20):
        assert np.ptp(np.diagonal(G, k)) < 1e-10


def test_bad_config():
    with pytest.raises(DomainError):
        PositionalOnlyConfig(mu=0.5)
    with pytest.raises(DomainError):
        PositionalOnlyConfig(t_max=1)


def test_fig6_quick_checks():
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = run_claim("fig6", make_context(seed=0, out_dir="/tmp/ical-test-fig6"),
                  only=["early-stopping-reached", "toeplitz-invariance", "far-from-p-star-near-min-norm",
                        "superdiagonal-close-to-1", "figure"])
    status = {c.name: c.status for c in r.checks}
    assert status["early-stopping-reached"] == "passed"
    assert status["toeplitz-invariance"] == "passed"
    assert status["far-from-p-star-near-min-norm"] == "passed"
    assert status["superdiagonal-close-to-1"] == "failed"
    assert r.figures and r.figures[0].endswith(".png")


@pytest.mark.slow
def test_fig6_full_profile():
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = run_claim("fig6", make_context(seed=1, profile="full", out_dir="/tmp/ical-test-full"))
    status = {c.name: c.status for c in r.checks}
    assert r.verdict == "erratum" and status["superdiagonal-close-to-1"] == "failed"
