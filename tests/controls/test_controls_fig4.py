"""Controls of the checks of fig4: each fed a wrong input must fail; those that fail on the paper's sentence pass
when fed the input under which the sentence would hold."""

from __future__ import annotations

import numpy as np
import pytest

from ical_verify.numerics import ar_fit as af
from ical_verify.numerics.data import bpe
from ical_verify.proofs_check.papers.sander2024 import fig4
from ical_verify.proofs_check.runner import make_context, run_claim
from negative_controls import negative_control, positive_control


@pytest.fixture
def ctx(tmp_path):
    return make_context(out_dir=tmp_path)


def _run(ctx, name):
    return run_claim("fig4", ctx, only=[name]).checks[0]


@negative_control("fig4", "setup-code")
def test_setup_code_fails_for_a_width_that_is_not_gpt2_large(ctx):
    assert fig4.check_setup_code(text_d=768)(ctx).passed is False
    assert fig4.check_setup_code(text_T=6)(ctx).passed is False


@negative_control("fig4", "pipeline-sample")
def test_pipeline_fails_with_a_wrong_encoder(monkeypatch, ctx):
    monkeypatch.setattr(bpe, "encode", lambda text, model: [0])
    assert _run(ctx, "pipeline-sample").status == "failed"


@negative_control("fig4", "shuffle-definition")
def test_shuffle_definition_fails_for_a_shuffle_that_is_not_a_permutation(monkeypatch, ctx):
    real = af.shuffle_windows
    monkeypatch.setattr(af, "shuffle_windows", lambda x, rng, scheme="tokens": np.repeat(
        np.asarray(x)[:1], len(x), axis=0) if np.asarray(x).dtype.kind == "f" else real(x, rng, scheme))
    assert _run(ctx, "shuffle-definition").status == "failed"


@negative_control("fig4", "shuffle-seed")
def test_shuffle_seed_fails_when_the_published_ratio_is_not_four(monkeypatch, ctx):
    monkeypatch.setitem(fig4.AUTHORS_HISTOGRAM, "shuffled", [x // 2 for x in fig4.AUTHORS_HISTOGRAM["shuffled"]])
    assert _run(ctx, "shuffle-seed").status == "failed"


@negative_control("fig4", "nontrivial-exact")
def test_nontrivial_fails_with_a_broken_pseudo_inverse(monkeypatch, ctx):
    import sympy

    monkeypatch.setattr(sympy.Matrix, "pinv", lambda self: sympy.zeros(self.cols, self.rows))
    assert _run(ctx, "nontrivial-exact").status == "failed"


@negative_control("fig4", "characterisation", "mechanism-corrected")
def test_characterisation_fails_for_a_rule_that_ignores_successors(monkeypatch, ctx):
    monkeypatch.setattr(af, "inconsistent_windows", lambda ids: af.predecessor_conflicts(ids)
                        | np.array([len(set(r[:-1])) < len(r) - 1 for r in np.atleast_2d(ids)]))
    assert _run(ctx, "characterisation").status == "failed"
    assert _run(ctx, "mechanism-corrected").status == "failed"


@negative_control("fig4", "mechanism-corrected")
def test_corrected_mechanism_fails_with_a_wrong_value_formula(monkeypatch, ctx):
    real = af.predicted_min_loss
    monkeypatch.setattr(af, "predicted_min_loss", lambda ids, v: 2 * real(ids, v))
    assert _run(ctx, "mechanism-corrected").status == "failed"


@negative_control("fig4", "predecessors")
def test_predecessors_fails_on_the_printed_sentence(ctx):
    assert _run(ctx, "predecessors").status == "failed"


def _procrustes_min_loss(S):
    """min over orthogonal W of (5): ½(‖X‖² + ‖Y‖² - 2‖YᵀX‖_*): with an injective W, predecessors matter."""
    S = np.atleast_3d(S) if np.asarray(S).ndim == 3 else np.asarray(S)[None]
    X, Y = S[:, :-1], S[:, 1:]
    nuc = np.linalg.svd(np.einsum("ntd,nte->nde", Y, X), compute_uv=False).sum(axis=1)
    return 0.5 * (np.sum(X ** 2, axis=(1, 2)) + np.sum(Y ** 2, axis=(1, 2)) - 2 * nuc)


@positive_control("fig4", "predecessors")
def test_predecessors_passes_for_an_orthogonal_fit(monkeypatch, ctx):
    monkeypatch.setattr(af, "min_inner_loss", _procrustes_min_loss)
    assert _run(ctx, "predecessors").status == "passed"


@negative_control("fig4", "mechanism-pipeline")
def test_mechanism_pipeline_fails_for_a_wrong_prediction(monkeypatch, ctx):
    monkeypatch.setattr(af, "inconsistent_windows", lambda ids: np.zeros(np.atleast_2d(ids).shape[0], dtype=bool))
    assert _run(ctx, "mechanism-pipeline").status == "failed"


@negative_control("fig4", "zero-sets")
def test_zero_sets_fail_for_a_rollout_that_never_vanishes(monkeypatch, ctx):
    monkeypatch.setattr(af, "rollout_mse", lambda S, rcond=None: np.ones(np.asarray(S).shape[0]))
    assert _run(ctx, "zero-sets").status == "failed"


@negative_control("fig4", "threshold")
def test_threshold_judge_fails_below_the_noise_floor_or_on_a_noisy_floor():
    study = fig4.threshold_study(np.random.default_rng(0), coherences=(0.3,), reps=1, authors_per_coherence=8)
    assert fig4.judge_threshold(study).passed is True
    assert fig4.judge_threshold(study, threshold=1e-20).passed is False
    study["rows"][0]["float32_max_exact"] = 1e-10
    assert fig4.judge_threshold(study).passed is False


@negative_control("fig4", "authors-histogram")
def test_authors_histogram_fails_for_other_bars(monkeypatch, ctx):
    monkeypatch.setitem(fig4.AUTHORS_HISTOGRAM, "shuffled", [2 * x for x in fig4.AUTHORS_HISTOGRAM["original"]])
    assert _run(ctx, "authors-histogram").status == "failed"


@negative_control("fig4", "uniform-random")
def test_uniform_random_fails_on_the_published_counts(ctx):
    assert _run(ctx, "uniform-random").status == "failed"


@positive_control("fig4", "uniform-random")
def test_uniform_random_passes_for_a_text_without_inconsistencies(monkeypatch, ctx):
    monkeypatch.setitem(fig4.AUTHORS_HISTOGRAM, "original", [0] * 100)
    assert _run(ctx, "uniform-random").status == "passed"


@negative_control("fig4", "embedding-invariance")
def test_embedding_invariance_fails_as_the_count_ignores_embeddings(ctx):
    assert _run(ctx, "embedding-invariance").status == "failed"


@positive_control("fig4", "embedding-invariance")
def test_embedding_invariance_passes_for_a_statistic_that_reads_embeddings(monkeypatch, ctx):
    real = af.rollout_mse
    monkeypatch.setattr(af, "rollout_mse", lambda S, rcond=None: real(S) + (np.asarray(S)[:, 0, 0] > 0.1))
    assert _run(ctx, "embedding-invariance").status == "passed"


# real-data judges on synthetic evidence ------------------------------------------------------------------
def _evidence(original=175, shuffled=699, n=10_000, seeds=8, tokens=325_100, d=1280, mismatch=False, floor=1e-15):
    rng = np.random.default_rng(0)
    pred = np.zeros(n, dtype=bool)
    pred[:original] = True
    mse = np.where(pred, 1e-4, floor)
    if mismatch:
        mse[original] = 1e-4
    counts = [int(shuffled + k) for k in rng.integers(-20, 20, seeds)]
    shuffles = {name: {"counts": counts, "expected": float(shuffled), "fits": [{"same_set": True}]}
                for name in ("script", "notebook")}
    return {"D": {}, "n": n, "d": d, "tokens": tokens, "mse": mse, "predicted": pred,
            "original_count": int((mse > 1e-12).sum()), "predicted_count": int(pred.sum()),
            "authors_sample": {"indices": [0], "mse": [1e-4], "rank_misreports": 0, "agree": True},
            "assumption_A_violations": 0, "shuffles": shuffles, "within_windows": [300] * seeds,
            "windows_shuffle": [int((mse > 1e-12).sum())] * seeds, "seeds": seeds}


@negative_control("fig4", "setup-real")
def test_setup_real_judge():
    assert fig4.judge_setup_real(_evidence()).passed is True
    assert fig4.judge_setup_real(_evidence(tokens=200_000)).passed is False
    assert fig4.judge_setup_real(_evidence(d=768)).passed is False


@negative_control("fig4", "nontrivial-real")
def test_nontrivial_real_judge():
    assert fig4.judge_nontrivial_real(_evidence()).passed is True
    assert fig4.judge_nontrivial_real(_evidence(original=0)).passed is False


@negative_control("fig4", "mechanism-real")
def test_mechanism_real_judge():
    assert fig4.judge_mechanism_real(_evidence()).passed is True
    assert fig4.judge_mechanism_real(_evidence(mismatch=True)).passed is False


@negative_control("fig4", "hypothesis-real", "conclusion-real")
def test_hypothesis_and_conclusion_judges():
    assert fig4.judge_hypothesis_real(_evidence(seeds=32)).passed is True
    assert fig4.judge_conclusion_real(_evidence(seeds=32)).passed is True
    fewer = _evidence(original=700, shuffled=175, seeds=32)
    assert fig4.judge_hypothesis_real(fewer).passed is False
    assert fig4.judge_conclusion_real(fewer).passed is False
    broken = _evidence(seeds=32)
    broken["windows_shuffle"][0] += 1                 # a window-order shuffle changed the count: pipeline bug
    assert fig4.judge_hypothesis_real(broken).passed is False


@negative_control("fig4", "ratio-real")
def test_ratio_real_judge():
    assert fig4.judge_ratio_real(_evidence(seeds=32)).passed is True
    assert fig4.judge_ratio_real(_evidence(shuffled=350, seeds=32)).passed is False


@negative_control("fig4", "threshold-real")
def test_threshold_real_judge():
    assert fig4.judge_threshold_real(_evidence()).passed is True
    assert fig4.judge_threshold_real(_evidence(floor=1e-10)).passed is False
