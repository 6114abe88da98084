"""Figure 6: positional-encoding-only training (models.positional_only, claims.fig6)."""

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings, strategies as st

from ical_verify.models.positional_only import (PositionalOnly, PositionalOnlyConfig, cosine_positional_encoding,
                                                early_stopped_gd, min_norm_at_loss, optimum, population_moments,
                                                sample_contexts, shuffle_extra, spectral_rows,
                                                statistics_from_moments, sufficient_statistics, support_mask,
                                                toeplitz_deviation, train_gd)
from ical_verify.numerics.errors import DomainError
from ical_verify.proofs_check.papers.sander2024 import fig6

from strategies_fig6 import toeplitz_encodings, w_mu_contexts


@settings(max_examples=8, deadline=None)
@given(w_mu_contexts(), st.integers(0, 2 ** 31))
def test_sufficient_statistics_give_the_model_loss_and_gradient(ctx, k):
    mu, lam = ctx
    stats = sufficient_statistics(lam, 6)
    direct = sufficient_statistics(lam, 6, "direct")
    assert max(float(np.abs(a - b).max()) for a, b in zip(stats.G, direct.G)) < 1e-12
    model = PositionalOnly(6)
    P = np.random.default_rng(k).standard_normal((5, 6)) * support_mask(6)
    with torch.no_grad():
        model.P.copy_(torch.as_tensor(P))
    loss = model.loss(torch.as_tensor(lam))
    loss.backward()
    assert abs(float(loss.detach()) - stats.loss(P)) < 1e-10
    assert np.abs(model.P.grad.numpy() * support_mask(6) - stats.gradient(P)).max() < 1e-10


@settings(max_examples=10, deadline=None)
@given(w_mu_contexts(n_min=200, n_max=400, mu_min=20.0), st.sampled_from([0.25, 0.5, None]))
def test_closed_form_gd_is_the_iterated_gd(ctx, lr):
    mu, lam = ctx
    stats = sufficient_statistics(lam, 8)
    a = early_stopped_gd(stats, 1e-3, lr)
    b = train_gd(stats, 1e-3, lr=lr, max_iters=100_000)
    assert a.iterations == b.iterations and a.stopped_early == b.stopped_early
    assert np.abs(a.P - b.P).max() < 1e-9


@settings(max_examples=10, deadline=None)
@given(w_mu_contexts(n_min=200, n_max=400, mu_min=20.0))
def test_minimum_norm_solution_has_the_loss_and_no_larger_norm(ctx):
    mu, lam = ctx
    stats = sufficient_statistics(lam, 8)
    r = early_stopped_gd(stats, 1e-3, 0.5)
    assume(r.stopped_early and r.iterations > 0)
    P_mn, _ = min_norm_at_loss(stats, r.final_loss)
    assert abs(stats.loss(P_mn) - r.final_loss) < 1e-8
    assert np.linalg.norm(P_mn) <= np.linalg.norm(r.P) + 1e-9
    assert np.linalg.norm(P_mn) <= np.linalg.norm(optimum(8))
    assert stats.loss(optimum(8)) < 1e-12


def test_population_statistics_match_large_samples():
    cfg = PositionalOnlyConfig(t_max=10, mu=50.0, n_examples=200_000)
    lam = sample_contexts(cfg, np.random.default_rng(0))
    emp, pop = sufficient_statistics(lam, 10), statistics_from_moments(population_moments(50.0, 10), 10)
    # Monte Carlo: moments have standard error <= 1/sqrt(n) ~ 2.2e-3; 6 sigma
    assert max(float(np.abs(a - b).max()) for a, b in zip(emp.G, pop.G)) < 6 / np.sqrt(cfg.n_examples)


@settings(max_examples=10, deadline=None)
@given(toeplitz_encodings())
def test_toeplitz_statistics_on_exactly_invariant_encodings(P):
    assume(np.ptp(P[fig6._extra_mask()]) > 1e-3)
    assert toeplitz_deviation(P) < 1e-12 and fig6.toeplitz_residual(P) < 1e-12
    assert fig6.toeplitz_r2(P) > 0.999
    shuffled = shuffle_extra(P, np.random.default_rng(0))
    assert fig6.toeplitz_r2(shuffled) < fig6.toeplitz_r2(P)


def test_threshold_origins():
    # a sinusoid of period 4 pi positions has roughness 4 sin^2(1/4) (up to end effects)
    x = np.cos(0.5 * np.arange(200))
    assert abs(fig6.roughness(x) - fig6.SMOOTH_MAX) < 0.01
    # an unordered row: roughness ~ sqrt(6 (n - 2) / (n - 1))
    rng = np.random.default_rng(0)
    assert abs(np.mean([fig6.roughness(rng.standard_normal(30)) for _ in range(400)]) - np.sqrt(6 * 28 / 29)) < 0.1
    assert abs(fig6.FILTER_GAP - 0.2036) < 1e-3


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
    with pytest.raises(DomainError):
        sufficient_statistics(np.ones(3), 4, "nonsense")


def test_fig6_quick_verdicts(quick_result):
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = quick_result("fig6")
    assert r.verdict == "erratum" and r.severity == "wording"
    subs = {s.subclaim.id: s for s in r.subclaims}
    assert subs["superdiagonal"].verdict == "erratum"
    assert {x.reading.id: x.verdict for x in subs["superdiagonal"].readings}["dominant"] == "verified"
    assert {x.reading.id: x.verdict for x in subs["diagonal-invariance"].readings} == {"approximate": "verified",
                                                                                       "exact": "refuted"}
    for sid in ("protocol", "smooth-rows", "recency", "deviates-from-p-star", "minimum-norm", "l2-regularisation"):
        assert subs[sid].verdict == "verified", sid
    early = next(c for c in r.checks if c.name == "early-stopping-reached")
    assert early.metrics["rate"]["trials"] >= 8
    assert all(c.summary for c in r.checks)
    assert any(f.endswith(".png") for f in r.figures)


@pytest.mark.slow
def test_fig6_full_profile():
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = run_claim("fig6", make_context(seed=1, profile="full", out_dir="/tmp/ical-test-full"))
    assert r.verdict == "erratum" and r.severity == "wording"
    early = next(c for c in r.checks if c.name == "early-stopping-reached")
    assert early.metrics["rate"]["trials"] >= 32
