"""Figure 9: the small Transformer on realified d = 1 unitary contexts, the exact softmax construction, and the
decision logic of the judges."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from ical_verify.models.small_transformer import SmallTransformer, SmallTransformerConfig
from ical_verify.numerics.errors import DomainError
from ical_verify.proofs_check.papers.sander2024 import fig9


def linear_model_6():
    """Model (6), realified, one head: P_{T-1,T} = 2, P_{T-1,T-1} = -1, A = B = I gives 2<x_T, x_{T-1}> x_T - x_{T-1}."""
    cfg = SmallTransformerConfig(d_in=2, d_out=2, width=2, heads=1, t_max=10, attention="linear", query="previous",
                                 dtype=torch.float64)
    m = SmallTransformer(cfg, seed=0)
    a = m.blocks[0].attention
    I = torch.eye(2, dtype=torch.float64)[None]
    with torch.no_grad():
        a.Wq.copy_(np.sqrt(2) * I)  # the score is divided by sqrt(E)
        a.Wk.copy_(I)
        a.Wv.copy_(I)
        a.Wo.copy_(I)
        P = torch.zeros(1, 10, 10, dtype=torch.float64)
        for tau in range(1, 10):
            P[0, tau, tau], P[0, tau, tau - 1] = 2.0, -1.0
        a.pos.copy_(P)
    return m


@settings(max_examples=20, deadline=None)
@given(st.floats(0, 2 * np.pi))
def test_linear_attention_represents_the_in_context_mapping_exactly(theta):
    x = torch.tensor(fig9.unitary_tokens(np.array([theta]), 11))
    pred = linear_model_6()(x[:, :-1])
    assert torch.allclose(pred[:, 1:], x[:, 2:], atol=1e-12)  # prefixes T >= 2


def test_softmax_construction_loss_falls_like_beta_to_the_fourth():
    losses = [fig9.population_loss(fig9.construction(b), 10, 128) for b in (0.1, 0.01)]
    assert losses[1] < 1e-7
    assert losses[0] / losses[1] == pytest.approx(1e4, rel=0.05)
    assert fig9.population_loss(linear_model_6(), 10, 64) < 1e-24


def test_quadrature_is_converged():
    m = fig9.construction(0.05)
    assert fig9.population_loss(m, 10, 64) == pytest.approx(fig9.population_loss(m, 10, 256), rel=1e-10)


@pytest.mark.parametrize("attention", ["softmax", "linear"])
@pytest.mark.parametrize("query", ["last", "previous"])
def test_small_transformer_is_causal(attention, query):
    cfg = SmallTransformerConfig(d_in=3, d_out=2, width=4, heads=2, layers=1, t_max=6, attention=attention,
                                 mlp_width=5, norm="post", residual=True, query=query, sinusoidal=True,
                                 readout="linear", dtype=torch.float64)
    m = SmallTransformer(cfg, seed=1)
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    out = m(x)
    x2 = x.clone()
    x2[:, 3:] += 1
    assert out.shape == (2, 6, 2) and torch.allclose(m(x2)[:, :3], out[:, :3])


def test_config_domain_errors():
    with pytest.raises(DomainError):
        SmallTransformerConfig(attention="relu")
    with pytest.raises(DomainError):
        SmallTransformerConfig(layers=2, query="previous")


def fake_evidence(soft=0.05, lin=1e-4, soft_decisive=None):
    """Evidence shaped like fig9.evidence (quick plan) with fixed final MSEs per attention type."""
    p = fig9.PROFILES["quick"]
    runs = {}
    for att, mlp, H, lr, k in fig9._plan(p):
        v = lin if att == "linear" else soft
        if soft_decisive is not None and att == "softmax" and mlp == 0 and H == max(p["heads"]) and lr == p["lr"]:
            v = soft_decisive
        runs[fig9.key(att, mlp, H, lr)] = [{"seed": j, "final_mse": v * (1 + 0.01 * j), "final_train": v,
                                            "curve": [0.5, v], "diverged": False, "per_sequence": np.full(5, v)}
                                           for j in range(k)]
    return {"params": p, "runs": runs, "levels": {"mean_zero": 0.5, "mean_bayes": 0.0},
            "bayes_per_sequence": np.zeros(5)}


def test_not_learned_judge():
    assert fig9.judge_not_learned(fake_evidence(soft=0.05, lin=1e-4)).passed is None  # too few seeds to confirm
    assert fig9.judge_not_learned(fake_evidence(soft=0.05, lin=1e-4, soft_decisive=1e-3)).passed is False


def test_gap_judge():
    assert fig9.judge_gap(fake_evidence(soft=0.05, lin=1e-4)).passed is True
    assert fig9.judge_gap(fake_evidence(soft=1e-4, lin=1e-4)).passed is False
    assert fig9.judge_gap(fake_evidence(soft=0.05, lin=0.05)).passed is None  # linear did not learn: no contrast


@pytest.mark.slow
def test_full_profile_runs(tmp_path):
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = run_claim("fig9", make_context(seed=0, profile="full", out_dir=tmp_path))
    assert r.verdict in ("verified", "refuted", "inconclusive")
    assert r.figures


def test_the_deciding_configuration_has_enough_seeds_for_a_seed_free_decision():
    """Softmax without MLP at H = 4 learns in about half its quick runs (7/16 to 9/16 over seeds 0, 1, 5, 9, 11):
    with 24 runs the 95 % interval of its rate lies above 0.1 ('learns reproducibly') for all but about 1 seed in
    100 at a rate of 1/2 (4 in 100 at 0.45), where the 6 runs used before left it undecided for 1 seed in 3."""
    from ical_verify.numerics.binomial import decision_probabilities

    n = fig9.PROFILES["quick"]["decisive_seeds"]
    assert decision_probabilities(0.5, n, 0.1)[True] > 0.985
    assert decision_probabilities(0.45, n, 0.1)[True] > 0.96
    assert decision_probabilities(0.5, 6, 0.1)[True] < 0.7
    top = max(fig9.PROFILES["quick"]["heads"])
    seeds = {(att, mlp, H): k for att, mlp, H, lr, k in fig9._plan(fig9.PROFILES["quick"])
             if lr == fig9.PROFILES["quick"]["lr"]}
    assert seeds[("softmax", 0, top)] == n


def test_the_search_over_softmax_configurations_has_a_stated_family_wise_error():
    """The fail side calls 'learns reproducibly' if ANY softmax configuration's lower bound exceeds 0.1; with the
    quick plan's run counts, the chance that this happens when every configuration learns at rate 0.1 (the worst
    case of 'learns rarely') is about 1 %: mostly the 24-run configuration; a 3-run one needs 3/3 (0.1 %). Brute force
    over the joint outcomes of a small plan agrees with the product formula."""
    import itertools

    from scipy.stats import binom

    from ical_verify.numerics.binomial import success_rate

    counts = [r[4] for r in fig9._plan(fig9.PROFILES["quick"]) if r[0] == "softmax"]
    bound = fig9.false_reproducible_bound(counts)
    assert 0.005 < bound < 0.02
    small = [3, 2, 4]
    brute = sum(np.prod([binom.pmf(k, n, 0.1) for k, n in zip(ks, small)])
                for ks in itertools.product(*(range(n + 1) for n in small))
                if any(success_rate(k, n).interval[0] > 0.1 for k, n in zip(ks, small)))
    assert fig9.false_reproducible_bound(small) == pytest.approx(brute, rel=1e-12)
    assert fig9.false_reproducible_bound([3]) == pytest.approx(0.001)
