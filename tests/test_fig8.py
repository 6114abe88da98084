"""Figure 8: the measures of orthogonality between heads (off-diagonal ratio, null level, basis dependence,
specialisation), the equal-heads initialisation and the decision logic of the judges."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from ical_verify.models.positional_softmax_attention import PositionalSoftmaxAttention, PositionalSoftmaxConfig
from ical_verify.proofs_check.papers.sander2024 import fig8

from strategies_section6 import head_maps, orthogonal_matrices


@settings(max_examples=25, deadline=None)
@given(head_maps(3, 4), st.floats(0.1, 10.0))
def test_off_diagonal_ratio_is_scale_free_and_in_unit_interval(B, c):
    G = fig8.gram(B)
    r = fig8.off_diagonal_ratio(G)
    assert 0 <= r <= 1
    assert fig8.off_diagonal_ratio(c * G) == pytest.approx(r, abs=1e-12)


@settings(max_examples=10, deadline=None)
@given(orthogonal_matrices(4))
def test_heads_on_disjoint_coordinates_are_orthogonal_and_isotropy_is_basis_free(Q):
    B = np.zeros((4, 4, 4))
    for h in range(4):
        B[h, h, h] = 1.0 + h  # head h reads coordinate h only
    assert fig8.off_diagonal_ratio(fig8.gram(B)) == 0.0
    assert fig8.specialisation(B) == pytest.approx(1.0)
    iso = np.eye(4)
    assert fig8.off_diagonal_ratio(Q.T @ iso @ Q) < 1e-12  # c I is diagonal in every basis
    assert fig8.random_basis_ratio(iso, np.random.default_rng(0)) < 1e-12


def test_null_level_falls_with_the_number_of_heads():
    rng = np.random.default_rng(1)
    few = fig8.null_levels((2, 10, 10), 1.0, rng, 100)["rho"]
    many = fig8.null_levels((64, 10, 10), 1.0, rng, 100)["rho"]
    assert many < few
    assert many == pytest.approx(np.sqrt(9 / (64 * 10 + 9)), rel=0.15)  # (E-1)/(HE + E-1), Wishart heuristics


@pytest.mark.parametrize("variant", ["code", "paper"])
def test_equal_heads_initialisation(variant):
    m = PositionalSoftmaxAttention(PositionalSoftmaxConfig(d=2, tokens="duplicated", heads=3, t_max=4,
                                                           variant=variant, init_same=True, init_noise=0.05), seed=0)
    B = m.value_maps().detach().numpy()
    spread = np.abs(B - B.mean(0)).max()
    assert 0 < spread < 0.05 * 4  # equal up to the 0.05 N(0, 1) perturbation


def _measures(rho0, rho1, null, spec0=0.1, spec1=0.1, specn=0.1, rnd=None):
    return {"rho_init": rho0, "rho_trained": rho1, "rho_null": null, "rho_random_basis": rho1 if rnd is None else rnd,
            "spec_init": spec0, "spec_trained": spec1, "spec_null": specn}


def fake_evidence(rho0=0.7, rho1=0.6, null=0.4, final=0.15, **kw):
    """Evidence shaped like fig8.evidence with the same measures for every run and definition."""
    m = _measures(rho0, rho1, null, **kw)
    runs = {}
    for key in ("adam|standard|code", "sgd|standard|code", "adam|rotated|code", "adam|standard|paper"):
        runs[key] = [{"seed": j, "final_mse": final, "diverged": False, "per_sequence": np.full(6, final),
                      "measures": {d: dict(m) for d in ("value-output", "value", "query-key")}} for j in range(3)]
    return {"params": fig8.PROFILES["quick"], "runs": runs, "levels": {"mean_zero": 0.2, "mean_bayes": 0.05},
            "bayes_per_sequence": {"standard": np.full(6, 0.05), "rotated": np.full(6, 0.05)}}


def test_orthogonality_judge_three_ways():
    run = "adam|standard|code"
    assert fig8.judge_orthogonality(fake_evidence(0.7, 0.2, 0.4), run, "value-output").passed is True
    assert fig8.judge_orthogonality(fake_evidence(0.7, 0.6, 0.4), run, "value-output").passed is False
    assert fig8.judge_orthogonality(fake_evidence(0.7, 0.6, 0.65), run, "value-output").passed is None
    # an untrained model says nothing
    assert fig8.judge_orthogonality(fake_evidence(0.7, 0.6, 0.4, final=0.199), run, "value-output").passed is None


def test_specialisation_and_basis_judges():
    assert fig8.judge_specialisation(fake_evidence(spec0=0.1, spec1=0.5, specn=0.2), "query-key").passed is True
    assert fig8.judge_specialisation(fake_evidence(spec0=0.1, spec1=0.15, specn=0.2), "query-key").passed is False
    assert fig8.judge_basis(fake_evidence(rho1=0.2, rnd=0.6)).passed is True
    assert fig8.judge_basis(fake_evidence(rho1=0.6, rnd=0.6)).passed is False


@pytest.mark.slow
def test_full_profile_runs(tmp_path):
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = run_claim("fig8", make_context(seed=0, profile="full", out_dir=tmp_path))
    assert r.verdict in ("verified", "refuted", "inconclusive")
    assert r.figures
