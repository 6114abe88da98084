"""Controls of fig10."""

import numpy as np

from ical_verify.numerics import reference_levels
from ical_verify.proofs_check.papers.sander2024 import fig10
from ical_verify.proofs_check.runner import make_context, run_claim

from negative_controls import negative_control, positive_control
from test_fig10 import fake_evidence


@negative_control("fig10", "bayes-floor")
def test_bayes_floor_fails_with_the_wrong_norm(monkeypatch, tmp_path):
    # forgetting ||s_1||^2 = d: the level of s_1 = 1_d/sqrt(d)
    monkeypatch.setattr(reference_levels, "bayes_level_haar_orthogonal", lambda d, T, s1=1.0: max(d - T + 1, 0) / d)
    r = run_claim("fig10", make_context(out_dir=tmp_path), only=["bayes-floor"])
    assert r.checks[0].status == "failed"


@negative_control("fig10", "no-mse-below-floor")
def test_floor_fails_below_the_bayes_error():
    ev = fake_evidence()
    ev["runs"]["tf"][1][0]["per_sequence"] = np.full(5, 0.2)
    assert fig10.judge_floor(ev).passed is False


@negative_control("fig10", "tf-beats-gd", "tf-beats-gd-per-prefix")
def test_beats_gd_fails_when_the_trained_transformer_is_worse():
    ev = fake_evidence(tf={1: 3.0, 2: 3.0, 3: 3.0})
    assert fig10.judge_beats_gd(ev).passed is False
    assert fig10.judge_beats_gd(ev, True).passed is False


@positive_control("fig10", "tf-beats-gd", "tf-beats-gd-per-prefix")
def test_beats_gd_passes_when_the_transformer_is_better():
    ev = fake_evidence(tf={1: 0.95, 2: 0.5, 3: 0.3})
    assert fig10.judge_beats_gd(ev).passed is True
    assert fig10.judge_beats_gd(ev, True).passed is True


@negative_control("fig10", "similar-trend")
def test_trend_fails_on_a_flat_transformer():
    assert fig10.judge_trend(fake_evidence(tf={1: 1.0, 2: 1.0, 3: 1.05})).passed is False


@positive_control("fig10", "similar-trend")
def test_trend_passes_when_both_fall_alike():
    assert fig10.judge_trend(fake_evidence(tf={1: 1.0, 2: 0.5, 3: 0.33})).passed is True


def _init(code, suite, n=20):
    return {"rows": [{"scale": "code", "L": 1, "seed": j, "mse": code} for j in range(n)]
            + [{"scale": "suite", "L": 1, "seed": j, "mse": suite} for j in range(n)],
            "levels": {"code": {"mean_zero": 0.2, "mean_bayes": 0.04}, "suite": {"mean_zero": 5.0, "mean_bayes": 0.9}}}


@negative_control("fig10", "init-range-code-scale", "init-range-suite-scale")
def test_init_fails_outside_the_printed_interval():
    iv = _init(0.5, 9.0)
    assert fig10.judge_init(iv, "code").passed is False
    assert fig10.judge_init(iv, "suite").passed is False


@positive_control("fig10", "init-range-code-scale", "init-range-suite-scale")
def test_init_passes_inside_the_printed_interval():
    iv = _init(1.5, 1.5)
    assert fig10.judge_init(iv, "code").passed is True
    assert fig10.judge_init(iv, "suite").passed is True


@negative_control("fig10", "linear-fails-beyond-2-layers")
def test_appendix_b_sentence_fails_when_linear_attention_competes():
    ev = fake_evidence(lin={2: 0.9, 3: 0.7, 4: 0.5})
    assert fig10.judge_linear_fails_beyond(ev).passed is False


@positive_control("fig10", "linear-fails-beyond-2-layers")
def test_appendix_b_sentence_passes_when_linear_attention_is_far_worse():
    assert fig10.judge_linear_fails_beyond(fake_evidence()).passed is True


@negative_control("fig10", "sentences-agree")
def test_sentences_disagree_as_printed():
    out = fig10.judge_sentences_agree()
    assert out.passed is False and out.severity == "wording"


@positive_control("fig10", "sentences-agree")
def test_sentences_agree_with_equal_thresholds():
    assert fig10.judge_sentences_agree(3, 3).passed is True
