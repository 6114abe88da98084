"""Figure 3: training model (6) recovers the structure of Propositions 3 and 6 (small sizes; paper scale is slow)."""

import numpy as np
import pytest
import torch

from ical_verify.models.diagonal_attention import DiagonalAttentionConfig
from ical_verify.models.train_diagonal import train_exact, train_sampled
from ical_verify.numerics.diagonal_structure import predicted_patterns, structure_report


def test_exact_training_small_unitary_recovers_prop3():
    cfg = DiagonalAttentionConfig(d=4, heads=4, T_max=5, init_scale=0.1)
    r = train_exact(cfg, "unitary", seed=0, target=1e-12, max_iter=100)
    assert r.loss <= 1e-10
    rep = structure_report(r.model.C().detach().numpy(), r.model.positional().detach().numpy(), "unitary")
    assert rep.within(1e-4) and rep.numerical_rank == 4


def test_exact_training_small_orthogonal_recovers_low_rank():
    cfg = DiagonalAttentionConfig(d=4, heads=3, T_max=5, init_scale=0.1)
    losses = []
    for seed in range(4):                       # some starts drift along a divergent valley; one must converge
        r = train_exact(cfg, "orthogonal", seed=seed, target=1e-12, max_iter=150)
        losses.append(r.loss)
        if r.loss <= 1e-10:
            break
    assert min(losses) <= 1e-10
    rep = structure_report(r.model.C().detach().numpy(), r.model.positional().detach().numpy(), "orthogonal")
    assert rep.within(1e-4)
    assert rep.numerical_rank == 2              # δ = 2 < H = 3 < d = 4: rank δ (Proposition 6)


def test_structure_report_detects_wrong_structure():
    rng = np.random.default_rng(0)
    rep = structure_report(rng.standard_normal((4, 4)), rng.standard_normal((5, 5)), "unitary")
    assert not rep.within(1e-3)
    # the orthogonal pattern accepts 2x2 blocks that the unitary pattern rejects
    C = np.kron(np.eye(2), np.ones((2, 2)))
    P = np.diag(np.ones(4), 1)[:5, :5] - np.eye(5)
    assert structure_report(C, P, "orthogonal").within(1e-12)
    assert not structure_report(C, P, "unitary").within(1e-3)
    c, p, read = predicted_patterns(4, 5, "orthogonal")
    assert c.sum() == 8 and p.sum() == 8 and read.sum() == 14


def test_sampled_training_small_unitary():
    cfg = DiagonalAttentionConfig(d=3, heads=3, T_max=4, init_scale=0.1)
    r = train_sampled(cfg, "unitary", seed=0, steps=400, batch=16, lr=3e-2)
    rep = structure_report(r.model.C().detach().numpy(), r.model.positional().detach().numpy(), "unitary")
    assert r.loss < 1e-6 and rep.within(1e-3)


@pytest.mark.slow
def test_fig3_claim_full_profile():
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = run_claim("fig3", make_context(seed=0, profile="full"))
    assert r.verdict in ("verified", "refuted", "inconclusive")
    assert all(c.status != "error" for c in r.checks)


def test_fig3_claim_structure_checks_quick(tmp_path):
    from ical_verify.proofs_check.runner import make_context, run_claim

    torch.set_num_threads(1)
    r = run_claim("fig3", make_context(seed=0, out_dir=tmp_path), only=["structure-exact"])
    assert r.checks[0].status == "passed"
    assert r.checks[0].metrics["contexts"]["orthogonal"]["structure"]["C_outside"] <= 1e-3
