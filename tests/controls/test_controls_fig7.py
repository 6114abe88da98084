"""Controls of fig7: every check fails on a deliberately wrong input; checks that fail on the paper's statement
also pass on the right input. Judges are fed synthetic evidence (no training)."""

import numpy as np

from ical_verify.numerics import reference_levels
from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import fig7
from ical_verify.proofs_check.runner import make_context, run_claim

from negative_controls import negative_control, positive_control
from test_fig7 import fake_evidence, k

SWEEP = fig7.PROFILES["quick"]["sweep_lrs"]


@negative_control("fig7", "bayes-floor")
def test_bayes_floor_fails_on_an_off_by_one_formula(monkeypatch, tmp_path):
    monkeypatch.setattr(reference_levels, "bayes_level_haar_orthogonal",
                        lambda d, T, s1=1.0: s1 * max(d - T, 0) / d)
    r = run_claim("fig7", make_context(out_dir=tmp_path), only=["bayes-floor"])
    assert r.checks[0].status == "failed"


@negative_control("fig7", "no-mse-below-floor")
def test_floor_check_fails_on_a_number_below_the_bayes_error():
    ev = fake_evidence()
    ev["runs"][k("paper", "duplicated", 4)][1]["per_sequence"] = np.full(8, 0.0)
    assert fig7.judge_floor(ev).passed is False


@negative_control("fig7", "heads-no-gain-code", "heads-no-gain-paper")
def test_no_gain_fails_when_more_heads_clearly_help():
    ev = fake_evidence({k("code", "plain", 4): [0.08, 0.081, 0.082], k("paper", "plain", 4): [0.08, 0.081, 0.082]})
    assert fig7.judge_no_gain(ev, "code").passed is False
    assert fig7.judge_no_gain(ev, "paper").passed is False


@negative_control("fig7", "dup-heads-gain-code", "dup-heads-gain-paper")
def test_heads_gain_with_duplication_fails_on_a_flat_curve():
    ev = fake_evidence()
    assert fig7.judge_dup_heads_gain(ev, "code").passed is False
    assert fig7.judge_dup_heads_gain(ev, "paper").passed is False


@positive_control("fig7", "dup-heads-gain-code", "dup-heads-gain-paper")
def test_heads_gain_with_duplication_passes_on_a_falling_curve():
    ev = fake_evidence({k("code", "duplicated", 4): [0.08, 0.081, 0.082],
                        k("paper", "duplicated", 4): [0.08, 0.081, 0.082]})
    assert fig7.judge_dup_heads_gain(ev, "code").passed is True
    assert fig7.judge_dup_heads_gain(ev, "paper").passed is True


@negative_control("fig7", "dup-vs-plain-code", "dup-vs-plain-paper")
def test_dup_vs_plain_fails_when_the_results_are_swapped():
    finals = {k(v, "plain", 4): [0.10, 0.101, 0.102] for v in ("code", "paper")}  # plain is now the better one
    for lr in SWEEP:
        finals[k("code", "plain", 4, lr=lr)] = [0.1]
    ev = fake_evidence(finals)
    assert fig7.judge_dup_vs_plain(ev, "code").passed is False
    assert fig7.judge_dup_vs_plain(ev, "paper").passed is False


@positive_control("fig7", "dup-vs-plain-paper")
def test_dup_vs_plain_passes_when_duplication_is_clearly_better():
    ev = fake_evidence({k("paper", "duplicated", 4): [0.10, 0.101, 0.102]})
    assert fig7.judge_dup_vs_plain(ev, "paper").passed is True


@negative_control("fig7", "dup-vs-zero-padding")
def test_dup_vs_zero_padding_fails_when_padding_matches():
    ev = fake_evidence({k("code", "duplicated", 4): [0.12, 0.121, 0.122],
                        k("code", "zero-padded", 4): [0.12, 0.121, 0.122]})
    out = fig7.judge_dup_vs_zero_padding(ev)
    assert out.passed is False and out.severity == "wording"


@positive_control("fig7", "dup-vs-zero-padding")
def test_dup_vs_zero_padding_passes_when_only_duplication_helps():
    ev = fake_evidence({k("code", "duplicated", 4): [0.10, 0.101, 0.102]})
    assert fig7.judge_dup_vs_zero_padding(ev).passed is True


@negative_control("fig7", "zero-padding-improves")
def test_zero_padding_improves_fails_when_padding_equals_plain():
    assert fig7.judge_zero_padding_improves(fake_evidence()).passed is False


@negative_control("fig7", "same-function-class")
def test_same_function_class_fails_with_a_wrong_parameter_map(tmp_path):
    from ical_verify.models import positional_softmax_attention as psa

    def dropped_copy(model):  # forgets the second copy's block: W' = [W_1, 0]
        other = psa.equivalent_zero_padded(model)
        d = model.config.d
        with __import__("torch").no_grad():
            if model.config.variant == "code":
                for name in ("queries", "keys", "values"):
                    getattr(other, name).weight[:, :d] = getattr(model, name).weight[:, :d]
            else:
                other.A[:, :model.config.d, :d] = model.A[:, :d, :d]
        return other

    assert fig7.same_function_class(RunContext(out_dir=tmp_path), to_zero=dropped_copy).passed is False


@negative_control("fig7", "softmax-positional-stabilises-code", "softmax-positional-stabilises-paper")
def test_stabilises_fails_when_the_softmax_encoding_is_the_unstable_one():
    rough = [0.5, 0.3, 0.45, 0.25, 0.4, 0.2] + [0.2] * 24
    curves = {}
    for variant in ("code", "paper"):
        for lr in [fig7.PROFILES["quick"]["lr"]] + list(fig7.PROFILES["quick"]["sweep_lrs"]):
            curves[k(variant, "duplicated", 4, "softmax", lr)] = rough
    ev = fake_evidence(curves=curves)
    assert fig7.judge_stabilises(ev, "code").passed is False
    assert fig7.judge_stabilises(ev, "paper").passed is False
    # neither variant unstable: no power, undecided (not refuted)
    assert fig7.judge_stabilises(fake_evidence(), "code").passed is None


@positive_control("fig7", "softmax-positional-stabilises-code", "softmax-positional-stabilises-paper")
def test_stabilises_passes_when_the_free_matrix_diverges():
    ev = fake_evidence({k("code", "duplicated", 4, "free"): [np.inf, 0.15, 0.15],
                        k("paper", "duplicated", 4, "free"): [np.inf, 0.15, 0.15]})
    assert fig7.judge_stabilises(ev, "code").passed is True
    assert fig7.judge_stabilises(ev, "paper").passed is True


def _init(value_code, value_paper, n=16):
    return {"rows": [{"variant": v, "code_scale": value_code, "paper_scale": value_paper}
                     for v in ("code", "paper") for _ in range(n)],
            "levels": {"code": {"mean_zero": 0.1, "mean_bayes": 0.011}, "paper": {"mean_zero": 10.0, "mean_bayes": 0.92}}}


@negative_control("fig7", "init-range-code-scale", "init-range-paper-scale")
def test_init_range_fails_outside_the_printed_interval():
    iv = _init(1.7, 40.0)
    assert fig7.judge_init_range(iv, "code", "code").passed is False
    assert fig7.judge_init_range(iv, "paper", "paper").passed is False


@positive_control("fig7", "init-range-paper-scale")
def test_init_range_passes_inside_the_printed_interval():
    assert fig7.judge_init_range(_init(0.5, 0.6), "paper", "paper").passed is True
