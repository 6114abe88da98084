"""Figure 5: GD on the inner loss, the stacked model and the decision logic of the checks."""

import numpy as np
import pytest
import torch

from ical_verify.models.augmented_attention import AugmentedAttentionConfig, AugmentedTransformer, augment
from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.gd_inner_loss import best_step_size, gd_prediction_errors, least_squares_errors
from ical_verify.numerics.samplers import ar_sequences, haar_orthogonal
from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import fig5


def test_gd_converges_to_least_squares_and_best_step_beats_grid_ends():
    seqs = ar_sequences(haar_orthogonal(3, 64, np.random.default_rng(0)), 12)
    floor = least_squares_errors(seqs).mean()
    many = gd_prediction_errors(seqs, 3000, 0.02).mean()
    assert abs(many - floor) < 1e-3
    g = best_step_size(seqs, 2, etas=np.geomspace(1e-3, 0.3, 15), refine=10)
    assert g.mse <= gd_prediction_errors(seqs, 2, 1e-3).mean()
    assert g.mse <= gd_prediction_errors(seqs, 2, 0.05).mean()


def test_stacked_model_is_causal_and_shapes():
    model = AugmentedTransformer(AugmentedAttentionConfig(d=2, n_layers=3, layer_norm=True), seed=0)
    s = torch.randn(4, 6, 2, dtype=torch.float64)
    E = augment(s)
    out = model(E)
    assert out.shape == (4, 6, 2)
    E2 = E.clone()
    E2[:, 4:] += 1.0  # changing the future does not change the past
    assert torch.allclose(model(E2)[:, :4], out[:, :4])


def _fake(tf, gd, conv=1e-6):
    L = len(tf)
    return {"params": {**fig5.PROFILES["quick"], "depths": tuple(range(1, L + 1))}, "tf": tf,
            "gd": [{"eta": 0.01, "mse": g} for g in gd], "gd_per_prefix": gd, "tf_train": tf,
            "tf_converged": [conv] * L, "gd_floor": 1e-4, "trivial_mse": 5.0, "gd_last_prefix": gd, "tf_init": tf}


def test_decision_logic(monkeypatch, tmp_path):
    ctx = RunContext(seed=0, out_dir=tmp_path)
    claim_true = _fake([1.0, 0.5, 0.4, 0.3, 0.3, 0.3], [1.0, 0.4, 0.01, 1e-3, 1e-4, 1e-5])
    monkeypatch.setattr(fig5, "run_experiment", lambda seed, profile: claim_true)
    assert fig5.competitive_check(ctx).passed is True
    assert fig5.orders_check(ctx).passed is True
    claim_false = _fake([1.0, 0.5, 0.4, 0.3, 0.3, 0.3], [1.0, 0.6, 0.5, 0.4, 0.35, 0.33])
    monkeypatch.setattr(fig5, "run_experiment", lambda seed, profile: claim_false)
    assert fig5.orders_check(ctx).passed is False
    unconverged = _fake([1.0, 0.5, 0.4, 0.3, 0.3, 0.3], [1.0, 0.4, 0.01, 1e-3, 1e-4, 1e-5], conv=0.1)
    monkeypatch.setattr(fig5, "run_experiment", lambda seed, profile: unconverged)
    assert fig5.orders_check(ctx).passed is None


def test_config_domain_errors():
    with pytest.raises(DomainError):
        AugmentedAttentionConfig(d=2, n_layers=0)
    with pytest.raises(DomainError):
        AugmentedAttentionConfig(d=2, n_layers=2, parameterisation="assumption2")


@pytest.mark.slow
def test_full_profile_runs(tmp_path):
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = run_claim("fig5", make_context(seed=0, profile="full", out_dir=tmp_path))
    assert r.verdict in ("verified", "refuted", "inconclusive")
    assert r.figures
