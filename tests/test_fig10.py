"""Figure 10: the full Transformer on augmented tokens, trained by the Figure 5 loop, and the judges."""

import numpy as np
import pytest
import torch

from ical_verify.models.augmented_attention import augment, prefix_loss
from ical_verify.models.small_transformer import SmallTransformer
from ical_verify.models.train_augmented import train
from ical_verify.proofs_check.papers.sander2024 import fig10


def test_transformer_is_causal_and_trains_with_the_figure_5_loop():
    m = SmallTransformer(fig10.transformer_config(2, 2, 6, 8, 1), seed=0)
    s = torch.randn(16, 7, 2, dtype=torch.float64)
    E, tgt = augment(s[:, :6], "zero"), s[:, 1:]
    out = m(E)
    assert out.shape == (16, 6, 2)
    E2 = E.clone()
    E2[:, 4:] += 1
    assert torch.allclose(m(E2)[:, :4], out[:, :4])
    before = float(prefix_loss(m, E, tgt).detach())
    r = train(m, E, tgt, 30, 1e-2, lr_decay=False)
    assert r.final_loss < before


def fake_evidence(tf=None, gd=None, lin=None, conv=0.001):
    p = fig10.PROFILES["quick"]
    tf = tf or {L: 1.0 for L in p["depths"]}
    gd = gd or {L: 2.0 * 0.7 ** (L - 1) for L in sorted(set(p["depths"]) | set(p["linear_depths"]))}
    lin = lin or {L: 2.5 * gd[L] for L in p["linear_depths"]}
    mk = lambda v, j: {"seed": j, "mse": v * (1 + 0.01 * j), "init_mse": 8.0, "per_sequence": np.full(5, v),
                       "converged": conv, "final_train": v}
    return {"params": p, "runs": {"tf": {L: [mk(tf[L], j) for j in range(3)] for L in p["depths"]},
                                  "linear": {L: [mk(lin[L], j) for j in range(3)] for L in p["linear_depths"]}},
            "gd": {L: {"eta": 0.05, "mse": gd[L], "per_sequence": np.full(5, gd[L])} for L in gd},
            "gd_per_prefix": {L: 0.9 * gd[L] for L in gd}, "levels": {"mean_zero": 5.0, "mean_bayes": 0.3},
            "bayes_per_sequence": np.full(5, 0.3)}


def test_beats_gd_judge():
    assert fig10.judge_beats_gd(fake_evidence(tf={1: 1.0, 2: 0.8, 3: 0.6})).passed is True
    above = fake_evidence(tf={1: 1.0, 2: 0.8, 3: 1.2})  # GD(3) = 0.98
    assert fig10.judge_beats_gd(above).passed is False
    assert fig10.judge_beats_gd(fake_evidence(tf={1: 1.0, 2: 0.8, 3: 1.2}, conv=0.2)).passed is None


def test_trend_judge():
    assert fig10.judge_trend(fake_evidence(tf={1: 1.5, 2: 0.8, 3: 0.55})).passed is True
    assert fig10.judge_trend(fake_evidence(tf={1: 1.0, 2: 1.1, 3: 1.2})).passed is False


def test_linear_stack_and_sentences():
    assert fig10.judge_linear_fails_beyond(fake_evidence()).passed is True  # 2.5 x GD everywhere
    competes = fake_evidence(lin={2: 1.0, 3: 0.7, 4: 0.5})
    out = fig10.judge_linear_fails_beyond(competes)
    assert out.passed is False and out.metrics["first_failing_depth"] is None
    assert fig10.judge_sentences_agree(3, 2).passed is False
    assert fig10.judge_sentences_agree(3, 3).passed is True


def test_floor_judge_includes_gd():
    ev = fake_evidence()
    assert fig10.judge_floor(ev).passed is True
    ev["gd"][2]["per_sequence"] = np.full(5, 0.1)
    assert fig10.judge_floor(ev).passed is False


@pytest.mark.slow
def test_full_profile_runs(tmp_path):
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = run_claim("fig10", make_context(seed=0, profile="full", out_dir=tmp_path))
    assert r.verdict in ("verified", "refuted", "inconclusive", "erratum")
    assert r.figures
