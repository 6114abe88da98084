"""Figure 7: the positional-softmax attention model (both variants), the duplicated/zero-padded equivalence and the
decision logic of the judges (on synthetic evidence)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from ical_verify.models.positional_softmax_attention import (PositionalSoftmaxAttention, PositionalSoftmaxConfig,
                                                             equivalent_duplicated, equivalent_zero_padded)
from ical_verify.numerics.errors import DomainError
from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import fig7

from strategies_section6 import parameter_vectors

VARIANTS = ("code", "paper")
TOKENS = ("plain", "duplicated", "zero-padded")


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("tokens", TOKENS)
def test_model_is_causal_and_has_the_shapes(variant, tokens):
    m = PositionalSoftmaxAttention(PositionalSoftmaxConfig(d=3, tokens=tokens, heads=2, t_max=6, variant=variant,
                                                           dtype=torch.float64), seed=0)
    s = torch.randn(4, 6, 3, dtype=torch.float64)
    out = m(s)
    assert out.shape == (4, 6, 3)
    s2 = s.clone()
    s2[:, 4:] += 1.0
    assert torch.allclose(m(s2)[:, :4], out[:, :4])  # the prediction from s_{1:T} ignores s_{T+1}, ...
    if variant == "paper":
        assert torch.all(out[:, 0] == 0)  # model (6) needs e_{T-1}: the prefix T = 1 predicts 0


@pytest.mark.parametrize("variant", VARIANTS)
def test_free_positional_matrix_starts_from_the_softmax_function(variant):
    kw = dict(d=2, tokens="duplicated", heads=3, t_max=5, variant=variant, dtype=torch.float64)
    a = PositionalSoftmaxAttention(PositionalSoftmaxConfig(**kw), seed=4)
    b = PositionalSoftmaxAttention(PositionalSoftmaxConfig(**kw, positional="free"), seed=4)
    s = torch.randn(3, 5, 2, dtype=torch.float64)
    assert torch.allclose(a(s), b(s), atol=1e-12)


def _load(model, vec):
    flat = torch.nn.utils.parameters_to_vector(model.parameters())
    torch.nn.utils.vector_to_parameters(torch.as_tensor(np.resize(vec, flat.numel()), dtype=flat.dtype),
                                        model.parameters())
    return model


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(VARIANTS), st.integers(1, 3), st.integers(1, 3), parameter_vectors(64))
def test_duplicated_and_zero_padded_tokens_give_the_same_functions(variant, d, H, vec):
    """For drawn parameters, the explicit maps give a model of the other encoding computing the same function."""
    s = torch.tensor(np.sin(np.arange(2 * 5 * d)).reshape(2, 5, d))
    for tokens, mapping in (("duplicated", equivalent_zero_padded), ("zero-padded", equivalent_duplicated)):
        m = _load(PositionalSoftmaxAttention(PositionalSoftmaxConfig(d=d, tokens=tokens, heads=H, t_max=5,
                                                                     variant=variant, dtype=torch.float64), 0), vec)
        other = mapping(m)
        assert other.config.tokens != tokens
        assert torch.allclose(other(s), m(s), atol=1e-9, rtol=1e-9)


def test_config_domain_errors():
    with pytest.raises(DomainError):
        PositionalSoftmaxConfig(tokens="tripled")
    with pytest.raises(DomainError):
        PositionalSoftmaxConfig(variant="other")
    m = PositionalSoftmaxAttention(PositionalSoftmaxConfig(d=2, t_max=4), seed=0)
    with pytest.raises(DomainError):
        m(torch.zeros(1, 5, 2))
    with pytest.raises(DomainError):
        equivalent_zero_padded(m)


# ---------------------------------------------------------------------------------- judges on synthetic evidence
def fake_evidence(finals: dict | None = None, default: float = 0.15, curves: dict | None = None):
    """Evidence shaped like fig7.evidence: every configuration of the quick plan, with given per-seed finals."""
    p = fig7.PROFILES["quick"]
    runs = {}
    for variant, tokens, H, positional, lr, k in fig7._plan(p):
        key = fig7.key(variant, tokens, H, positional, lr)
        vals = (finals or {}).get(key, [default + 0.001 * j for j in range(k)])
        curve = (curves or {}).get(key, list(np.linspace(0.5, 0.15, p["epochs"])))
        runs[key] = [{"seed": j, "init_mse": 0.5, "final_mse": v, "per_sequence": np.full(8, v), "curve": curve,
                      "diverged": not np.isfinite(v), "instability": fig7._instability(curve)}
                     for j, v in enumerate(vals)]
    return {"params": p, "profile": "quick", "runs": runs, "bayes_per_sequence": np.full(8, 0.05),
            "levels": {"mean_zero": 0.2, "mean_bayes": 0.05}}


def k(variant, tokens, H, positional="softmax", lr=None):
    return fig7.key(variant, tokens, H, positional, lr)


def test_no_gain_judge_three_ways():
    flat = fake_evidence()
    assert fig7.judge_no_gain(flat, "code").passed is True
    gain = fake_evidence({k("code", "plain", 4): [0.10, 0.101, 0.102]})
    assert fig7.judge_no_gain(gain, "code").passed is False
    noisy = fake_evidence({k("code", "plain", 4): [0.10, 0.16, 0.101], k("code", "plain", 1): [0.15, 0.151, 0.152]})
    assert fig7.judge_no_gain(noisy, "code").passed is None


def _tight(centre: float, n: int = 24) -> list[float]:
    """n replications spread by +-0.2 % around ``centre``."""
    return list(centre * (1 + np.linspace(-0.002, 0.002, n)))


@pytest.mark.parametrize("drop, banded, unbanded", [
    (0.00, True, True),      # no change: no gain under either rule
    (0.07, None, False),     # a 7 % drop: a gain at the 5 % margin, but inside the 0-10 % band: undecided
    (0.15, False, False),    # a 15 % drop is resolved: a significant gain, the printed sentence fails
])
def test_no_gain_judge_resolution_band(monkeypatch, drop, banded, unbanded):
    """fig7.RESOLUTION: a head gain within 5 points of the 5 % margin is not resolved at this scale (the design
    study, benchmarks/fig7-design.md, measured 5.2 % with plain tokens); outside the band the judge decides.
    Control: without the band (RESOLUTION None) the same 7 % drop is a significant gain."""
    ev = fake_evidence({k("code", "plain", 1): _tight(0.19), k("code", "plain", 4): _tight(0.19 * (1 - drop))})
    assert fig7.judge_no_gain(ev, "code").passed is banded
    monkeypatch.setattr(fig7, "RESOLUTION", None)
    assert fig7.judge_no_gain(ev, "code").passed is unbanded


@pytest.mark.parametrize("drop, banded", [(0.03, None), (-0.02, False), (0.2, True)])
def test_duplicated_heads_gain_judge_resolution_band(drop, banded):
    """Duplicated tokens: a 3 % head gain (2.8 % measured at the quick scale) is undecided; no gain at all (a 2 %
    rise) refutes the heads-trend reading; a 20 % gain verifies it."""
    ev = fake_evidence({k("code", "duplicated", 1): _tight(0.15),
                        k("code", "duplicated", 4): _tight(0.15 * (1 - drop))})
    out = fig7.judge_dup_heads_gain(ev, "code")
    assert out.passed is banded
    assert out.metrics["comparison"]["resolution"] == fig7.RESOLUTION


def test_the_band_reaches_the_summary():
    ev = fake_evidence({k("code", "plain", 1): _tight(0.19), k("code", "plain", 4): _tight(0.19 * 0.93)})
    out = fig7.judge_no_gain(ev, "code")
    assert "within the indifference band 0-10 % set after a design study" in out.summary and "10 %" in out.detail
    assert "the margin alone: gain" in out.summary      # the decision without the band is shown beside it


def test_duplicated_heads_summary_states_the_reversed_contrast():
    """Plain tokens gaining more from heads than duplicated ones (as measured at the quick scale) is said."""
    ev = fake_evidence({k("code", "plain", 1): _tight(0.19), k("code", "plain", 4): _tight(0.19 * 0.95),
                        k("code", "duplicated", 1): _tight(0.15), k("code", "duplicated", 4): _tight(0.15 * 0.97)})
    out = fig7.judge_dup_heads_gain(ev, "code")
    assert out.passed is None and "reversed at this scale" in out.summary
    ev = fake_evidence({k("code", "plain", 1): _tight(0.19), k("code", "plain", 4): _tight(0.19 * 0.99),
                        k("code", "duplicated", 1): _tight(0.15), k("code", "duplicated", 4): _tight(0.15 * 0.7)})
    assert "reversed" not in fig7.judge_dup_heads_gain(ev, "code").summary


def test_the_deciding_configurations_have_16_quick_replications():
    plan = fig7._plan(fig7.PROFILES["quick"])
    deciding = [r for r in plan if r[0] == "code" and r[3] == "softmax" and r[4] == fig7.PROFILES["quick"]["lr"]]
    assert len(deciding) == 5 and all(r[5] == 16 for r in deciding)
    assert all(r[5] == 32 for r in fig7._plan(fig7.PROFILES["full"]) if r[0] == "code" and r[3] == "softmax"
               and r[4] == fig7.PROFILES["full"]["lr"])


def test_dup_vs_plain_needs_the_sweep_to_agree():
    better = {k("code", "duplicated", 4): [0.10, 0.101, 0.102]}
    for lr in fig7.PROFILES["quick"]["sweep_lrs"]:
        better[k("code", "duplicated", 4, lr=lr)] = [0.1]
    assert fig7.judge_dup_vs_plain(fake_evidence(better), "code").passed is True
    lr = fig7.PROFILES["quick"]["sweep_lrs"][0]
    better[k("code", "duplicated", 4, lr=lr)] = [0.3]
    assert fig7.judge_dup_vs_plain(fake_evidence(better), "code").passed is False


def test_stability_judge():
    rough = [0.5, 0.3, 0.45, 0.25, 0.4, 0.2] + [0.2] * 24
    ev = fake_evidence(curves={k("code", "duplicated", 4, "free"): rough})
    assert fig7.judge_stabilises(ev, "code").passed is True
    assert fig7.judge_stabilises(fake_evidence(), "code").passed is None


def test_stability_judge_has_no_power_without_instability():
    """Both variants monotone but for a rise of 0.6 % of the decrease in the free-P runs (seeds 2 and 11 of
    benchmarks/seeds.md): below the 1 % detection floor there is no instability to remove, so undecided, not
    refuted; a rise of 2.5 % is an instability the softmax encoding removes (passes); 3 % against the softmax runs'
    2 % is undecided; softmax runs rising by 3 % against monotone free-P runs fail it."""
    def bumped(rise):
        c = list(np.linspace(1.0, 0.2, fig7.PROFILES["quick"]["epochs"]))
        c[10] = c[9] + rise * 0.8                       # one rise of `rise` times the total decrease 0.8
        return c

    assert fig7._instability(bumped(0.006)) == pytest.approx(0.006)
    lrs = [fig7.PROFILES["quick"]["lr"]] + list(fig7.PROFILES["quick"]["sweep_lrs"])

    def judged(soft_rise, free_rise):
        curves = {}
        for lr in lrs:
            curves[k("code", "duplicated", 4, "softmax", lr)] = bumped(soft_rise)
            curves[k("code", "duplicated", 4, "free", lr)] = bumped(free_rise)
        return fig7.judge_stabilises(fake_evidence(curves=curves), "code").passed

    assert judged(0.0, 0.006) is None
    assert judged(0.0, 0.025) is True
    assert judged(0.02, 0.03) is None
    assert judged(0.03, 0.0) is False


def test_init_range_judge_uses_a_binomial_interval():
    inside = {"rows": [{"variant": "code", "code_scale": 0.5, "paper_scale": 9.0}] * 12,
              "levels": {"code": {"mean_zero": 0.1, "mean_bayes": 0.011}, "paper": {"mean_zero": 10, "mean_bayes": 1}}}
    assert fig7.judge_init_range(inside, "code", "code").passed is True
    outside = {**inside, "rows": [{"variant": "code", "code_scale": 0.2, "paper_scale": 9.0}] * 12}
    assert fig7.judge_init_range(outside, "code", "code").passed is False
    few = {**inside, "rows": inside["rows"][:2]}
    assert fig7.judge_init_range(few, "code", "code").passed is None


def test_floor_judge_flags_a_number_below_the_bayes_error():
    ev = fake_evidence()
    assert fig7.judge_floor(ev).passed is True
    ev["runs"][k("code", "plain", 1)][0]["per_sequence"] = np.full(8, 0.01)
    assert fig7.judge_floor(ev).passed is False


def test_same_function_class_check_passes(tmp_path):
    assert fig7.same_function_class(RunContext(out_dir=tmp_path)).passed is True


@pytest.mark.slow
def test_full_profile_runs(tmp_path):
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = run_claim("fig7", make_context(seed=0, profile="full", out_dir=tmp_path))
    assert r.verdict in ("verified", "erratum", "refuted", "inconclusive")
    assert r.figures and all(s.verdict != "not-run" for s in r.subclaims)


@pytest.mark.parametrize("resolution", [-0.01, 1.0])
def test_compare_groups_rejects_a_resolution_outside_0_1(resolution):
    from ical_verify.proofs_check.papers.sander2024 import _section6 as s6

    with pytest.raises(ValueError, match="resolution"):
        s6.compare_groups([1.0, 1.1], [2.0, 2.1], resolution=resolution)
