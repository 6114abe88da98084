"""Figure 7 (§6, "Non-Augmented setting"): MSE against the number of heads, with and without duplicated tokens.

Evidence (training, cached per seed and profile) is separated from the judges (pure functions of the evidence),
so that the negative controls feed the judges perturbed evidence without training.
"""

from __future__ import annotations

import numpy as np

from ...claim import Artefact, ArtefactOutcome, Check, CheckOutcome, Claim, Reading, SubClaim
from . import _section6 as s6
from ._common import MODEL_6

CODE = "non_augmented.py"  # the authors' script for Figure 7 (README: "Experiment in Figure 7 - Non-Augmented setting")

PROFILES = {
    # quick: 2 CPU cores, seconds. d, T and the data are reduced; the head grid is {1, 4}; 3 seeds per configuration.
    "quick": dict(d=5, T=12, n_train=512, n_test=512, batch=128, epochs=25, lr=1e-2, heads=(1, 4), paper_heads=(1, 4),
                  seeds=3, decisive_seeds=16, sweep_lrs=(3e-2,), sweep_seeds=1, mc=3000,
                  init=dict(d=10, T=50, n=64, heads=(1, 4, 16), seeds=4)),
    # full: the paper's scale (d = 10, 50 tokens, 2^14 / 2^10 sequences, 200 epochs, Adam 1e-2, batch 1024).
    "full": dict(d=10, T=50, n_train=2 ** 14, n_test=2 ** 10, batch=1024, epochs=200, lr=1e-2, heads=(1, 4, 16, 64),
                 paper_heads=(1, 4, 16, 64), seeds=8, decisive_seeds=32, sweep_lrs=(3e-3, 3e-2), sweep_seeds=3, mc=20000,
                 init=dict(d=10, T=50, n=1024, heads=(1, 2, 4, 8, 16, 32, 64), seeds=8)),
}
#: the scale each profile measures, shown in the claim's finding
SCALES = {
    "quick": "d = 5, 12 tokens, 512 sequences, 25 epochs, heads {1, 4}, 3-16 replications",
    "full": "the paper's scale, heads {1, 4, 16, 64}, 8-32 replications",
}
INIT_RANGE = (0.35, 1.0)  # caption: "At initialization, the MSE is between 0.35 and 1"
INIT_TYPICAL = 0.5  # the caption read as describing a typical initialisation: P(init MSE in range) > 0.5
STABILITY_FACTOR = 2.0  # "stabilises": the free-P instability index is at least twice the softmax one
#: detection floor of the instability index: a rise of the loss below 1 % of its total decrease is not an
#: instability; where neither variant's runs rise more (and none diverges), the comparison has no power
STABILITY_MARGIN = 0.01
#: indifference band of the head-count and token comparisons (:func:`_section6.compare_groups`): a relative change
#: of the median MSE within 5 points of the 5 % margin (a drop between 0 % and 10 %) is not resolved. Set after a
#: design study (``benchmarks/fig7_design.py``, seeds 100-139, not the benchmark seeds): at the quick scale the
#: head gain is about 5.2 % with plain tokens and 2.8 % with duplicated ones, and without the band the verdict
#: followed the seed (``benchmarks/seeds.md``). The band can only turn a decision into "undecided".
RESOLUTION = 0.05


# ------------------------------------------------------------------------------------------------------ evidence
def _data(d: int, T: int, n: int, rng, s1_scale: str = "code"):
    import torch

    from ical_verify.numerics.samplers import ar_sequences, haar_orthogonal

    u = np.ones(d) / np.sqrt(d) if s1_scale == "code" else np.ones(d)
    seqs = ar_sequences(haar_orthogonal(d, n, rng), T + 1, s1=u)  # (n, T + 1, d)
    return seqs, torch.tensor(seqs, dtype=torch.float32)


def _instability(curve) -> float:
    """Total upward movement of the per-epoch training loss over its total decrease (0: monotone decrease)."""
    c = np.asarray(curve, dtype=float)
    if len(c) < 2 or not np.all(np.isfinite(c)):
        return float("inf")
    up = float(np.clip(np.diff(c), 0, None).sum())
    return up / max(float(c[0] - c.min()), 1e-12)


def _plan(p: dict) -> list[tuple]:
    """Configurations (variant, tokens, heads, positional, lr, n_seeds). The authors'-code configurations that decide
    the adopted readings (plain and duplicated tokens at every H, zero padding at the largest H) get
    ``decisive_seeds`` replications; the learning-rate sweep (plain, duplicated, free P) ``sweep_seeds``."""
    top, ptop = max(p["heads"]), max(p["paper_heads"])
    many, few = p["decisive_seeds"], p["seeds"]
    plan = [("code", tok, H, "softmax", p["lr"], many) for tok in ("plain", "duplicated") for H in p["heads"]]
    plan += [("code", "zero-padded", top, "softmax", p["lr"], many)]
    plan += [("paper", tok, H, "softmax", p["lr"], few) for tok in ("plain", "duplicated") for H in p["paper_heads"]]
    plan += [("paper", "zero-padded", ptop, "softmax", p["lr"], few)]
    plan += [("code", "duplicated", top, "free", p["lr"], few), ("paper", "duplicated", ptop, "free", p["lr"], few)]
    plan += [("code", tok, top, pos, lr, p["sweep_seeds"]) for lr in p["sweep_lrs"]
             for tok, pos in (("plain", "softmax"), ("duplicated", "softmax"), ("duplicated", "free"))]
    return plan


def key(variant, tokens, H, positional="softmax", lr=None, profile="quick") -> str:
    lr = PROFILES[profile]["lr"] if lr is None else lr
    return f"{variant}|{tokens}|H={H}|{positional}|lr={lr:g}"


@s6.cached_evidence
def evidence(seed: int, profile: str, report=None, device: str = "cpu") -> dict:
    """Train every configuration of :func:`_plan`; record test MSEs, per-sequence errors and training curves."""
    import torch

    from ical_verify.models.positional_softmax_attention import PositionalSoftmaxAttention, PositionalSoftmaxConfig
    from ical_verify.models.train_sequence import mse, per_sequence_errors, train_sequence_model
    from ical_verify.numerics.reference_levels import bayes_errors_haar, reference_levels

    p = PROFILES[profile]
    d, T = p["d"], p["T"]
    dev = torch.device(device)
    test_np, test = _data(d, T, p["n_test"], np.random.default_rng([seed, 70]))
    test = test.to(dev)
    train_sets: dict[int, object] = {}  # replication j trains on its own data set, shared by every configuration

    def train_set(j: int):
        if j not in train_sets:
            train_sets[j] = _data(d, T, p["n_train"], np.random.default_rng([seed, 72, j]))[1].to(dev)
        return train_sets[j]

    levels = reference_levels("haar-orthogonal", d, range(1, T + 1), 1.0, per_coordinate=True)
    bayes_seq = bayes_errors_haar(test_np).mean(1) / d  # (n_test,): per sequence, per coordinate, mean over T
    runs: dict[str, list] = {}
    plan = _plan(p)
    for i, (variant, tokens, H, positional, lr, k) in enumerate(plan):
        if report is not None:
            report(f"fig7: {variant} {tokens} H={H} {positional} lr={lr:g}", i, len(plan))
        out = []
        for j, rs in enumerate(s6.run_seeds(seed, 700 + i, k)):
            train = train_set(j)
            torch.manual_seed(rs)
            cfg = PositionalSoftmaxConfig(d=d, tokens=tokens, heads=H, t_max=T, variant=variant, positional=positional)
            model = PositionalSoftmaxAttention(cfg, seed=rs).to(dev)
            with torch.no_grad():
                init = float(mse(model(test[:, :-1]), test[:, 1:]))
            r = train_sequence_model(model, train[:, :-1], train[:, 1:], p["epochs"], lr, p["batch"], seed=rs)
            with torch.no_grad():
                final = float(mse(model(test[:, :-1]), test[:, 1:]))
            per_seq = per_sequence_errors(model, test[:, :-1], test[:, 1:]).mean(1) / d  # (n_test,)
            out.append({"seed": rs, "init_mse": init, "final_mse": final if np.isfinite(final) else float("inf"),
                        "per_sequence": per_seq, "curve": r.train_losses, "diverged": r.diverged,
                        "instability": _instability(r.train_losses)})
        runs[key(variant, tokens, H, positional, lr, profile)] = out
    return {"params": p, "profile": profile, "runs": runs, "levels": levels.to_json(), "bayes_per_sequence": bayes_seq}


@s6.cached_evidence
def init_evidence(seed: int, profile: str, report=None, device: str = "cpu") -> dict:
    """Test MSE at initialisation at the paper's d = 10, T = 50 (forward passes only), under two data scales:
    ``code`` (s_1 = 1_d/sqrt(d), MSE = mean over positions and coordinates, ``nn.MSELoss``) and ``paper``
    (s_1 = 1_d as in §3, MSE = mean over prefixes T = 2..T_max of the squared error summed over coordinates)."""
    import torch

    from ical_verify.models.positional_softmax_attention import PositionalSoftmaxAttention, PositionalSoftmaxConfig
    from ical_verify.numerics.reference_levels import reference_levels

    q = PROFILES[profile]["init"]
    d, T = q["d"], q["T"]
    rng = np.random.default_rng([seed, 71])
    _, code_data = _data(d, T, q["n"], rng, "code")
    _, paper_data = _data(d, T, q["n"], rng, "paper")
    code_data, paper_data = code_data.to(device), paper_data.to(device)
    rows = []
    for variant in ("code", "paper"):
        for tokens in ("plain", "duplicated"):
            for H in q["heads"]:
                for rs in s6.run_seeds(seed, 790 + H, q["seeds"]):
                    cfg = PositionalSoftmaxConfig(d=d, tokens=tokens, heads=H, t_max=T, variant=variant)
                    model = PositionalSoftmaxAttention(cfg, seed=rs).to(device)
                    with torch.no_grad():  # in chunks of 128 sequences (H = 64 at T = 50 is large)
                        sq = torch.cat([((model(c[:, :-1]) - c[:, 1:]) ** 2) for c in code_data.split(128)])
                        code = float(sq.mean())  # (n, T, d) averaged: nn.MSELoss
                        err = torch.cat([((model(c[:, :-1]) - c[:, 1:]) ** 2).sum(-1)
                                         for c in paper_data.split(128)])  # (n, T)
                        paper = float(err[:, 1:].mean())
                    rows.append({"variant": variant, "tokens": tokens, "heads": H, "seed": rs, "code_scale": code,
                                 "paper_scale": paper})
    levels = {"code": reference_levels("haar-orthogonal", d, range(1, T + 1), 1.0, True).to_json(),
              "paper": reference_levels("haar-orthogonal", d, range(2, T + 1), float(d), False).to_json()}
    return {"rows": rows, "levels": levels, "params": q}


def _ev(ctx) -> dict:
    return evidence(ctx.seed, ctx.profile, ctx.report, ctx.device)


def _finals(ev, variant, tokens, H, positional="softmax", lr=None) -> list[float]:
    return [r["final_mse"] for r in ev["runs"][key(variant, tokens, H, positional, lr, ev["profile"])]]


def _compare(lower, higher) -> "s6.GroupComparison":
    """:func:`_section6.compare_groups` with fig7's indifference band :data:`RESOLUTION`."""
    return s6.compare_groups(lower, higher, resolution=RESOLUTION)


def _band_note(c, lower=None, higher=None) -> str:
    """', within the indifference band ...' when the drop lies within :data:`RESOLUTION` of the margin, with the
    decision the margin alone would give (the band was set after a design study: both are shown)."""
    m = s6.MIN_RELATIVE_GAIN
    if RESOLUTION and c.decision == "undecided" and m - RESOLUTION < c.relative_gain < m + RESOLUTION:
        plain = "" if lower is None else f"; the margin alone: {s6.compare_groups(lower, higher).decision}"
        return (f", within the indifference band {100 * (m - RESOLUTION):g}-{100 * (m + RESOLUTION):g} % set after a "
                f"design study{plain}")
    return ""


def _levels_line(ev) -> str:
    lv = ev["levels"]
    return (f"Reference levels (test, per coordinate, T = 1..{ev['params']['T']}): predicting 0 gives "
            f"{lv['mean_zero']:.3g}, the Bayes error is {lv['mean_bayes']:.3g}.")


# -------------------------------------------------------------------------------------------------------- judges
def judge_no_gain(ev, variant: str) -> CheckOutcome:
    """'we do not observe a significant gain as the number of heads increases' (plain tokens)."""
    heads = ev["params"]["heads" if variant == "code" else "paper_heads"]
    lo, hi = min(heads), max(heads)
    a, b = _finals(ev, variant, "plain", hi), _finals(ev, variant, "plain", lo)
    c = _compare(a, b)
    passed = {"no-gain": True, "gain": False, "undecided": None}[c.decision]
    rows = "; ".join(f"H={H}: {s6.fmt(_finals(ev, variant, 'plain', H))}" for H in heads)
    summary = (f"{variant} model, plain tokens: H={lo} -> H={hi} changes the test MSE by "
               f"{-100 * c.relative_gain:+.1f} % ({c.decision}, p = {c.p_value:.2g}{_band_note(c, a, b)})")
    m, r = 100 * s6.MIN_RELATIVE_GAIN, 100 * (RESOLUTION or 0.0)
    detail = (f"Criterion: a significant gain is a drop of the median test MSE by >= {m + r:g} % (the {m:g} % margin "
              f"plus the {r:g}-point band this experiment cannot resolve), with the 95 % bootstrap interval of the "
              f"drop above {m:g} % and one-sided Mann-Whitney p <= {s6.ALPHA} over replications; 'no significant "
              f"gain' passes when the drop is <= {m - r:g} % and its interval lies below {m:g} %, fails on a significant "
              f"gain, and is undecided otherwise. {summary}; {c}. Per H: {rows}. " + _levels_line(ev))
    return CheckOutcome(passed, detail, {"comparison": c.to_json(), "per_heads": {
        str(H): s6.describe(_finals(ev, variant, "plain", H)) for H in heads}}, summary=summary)


def judge_dup_heads_gain(ev, variant: str) -> CheckOutcome:
    """Reading A: with duplicated tokens the MSE improves significantly as the number of heads grows."""
    heads = ev["params"]["heads" if variant == "code" else "paper_heads"]
    lo, hi = min(heads), max(heads)
    a, b = _finals(ev, variant, "duplicated", hi), _finals(ev, variant, "duplicated", lo)
    c = _compare(a, b)
    passed = {"gain": True, "no-gain": False, "undecided": None}[c.decision]
    plain = _compare(_finals(ev, variant, "plain", hi), _finals(ev, variant, "plain", lo))
    contrast = ("; the paper's contrast is reversed at this scale: plain tokens gain more from heads "
                f"({100 * plain.relative_gain:.1f} %)" if plain.relative_gain > c.relative_gain else
                f"; plain tokens gain {100 * plain.relative_gain:.1f} % from heads")
    summary = (f"{variant} model, duplicated tokens: H={lo} -> H={hi} changes the test MSE by "
               f"{-100 * c.relative_gain:+.1f} % ({c.decision}{_band_note(c, a, b)}){contrast}")
    rows = "; ".join(f"H={H}: {s6.fmt(_finals(ev, variant, 'duplicated', H))}" for H in heads)
    detail = (f"{summary}; {c}. Per H: {rows}. An undecided result inside the band is 'not reproduced at this "
              f"scale' (the effect is measured, and lies between the thresholds), not evidence about the paper's scale "
              f"(heads up to 64, d = 10, 50 tokens, 200 epochs). " + _levels_line(ev))
    return CheckOutcome(passed, detail, {"comparison": c.to_json(), "plain_heads": plain.to_json()},
                        summary=summary)


def judge_dup_vs_plain(ev, variant: str) -> CheckOutcome:
    """Reading B: duplicated tokens give a significantly lower MSE than plain tokens at the same H (the largest
    H of the grid), and the ordering survives the learning-rate sweep (code model)."""
    heads = ev["params"]["heads" if variant == "code" else "paper_heads"]
    hi = max(heads)
    c = _compare(_finals(ev, variant, "duplicated", hi), _finals(ev, variant, "plain", hi))
    per_h = {H: _compare(_finals(ev, variant, "duplicated", H), _finals(ev, variant, "plain", H)).to_json()
             for H in heads}
    sweep, survives = [], True
    if variant == "code":
        for lr in ev["params"]["sweep_lrs"]:
            dup = float(np.median(_finals(ev, "code", "duplicated", hi, lr=lr)))
            pl = float(np.median(_finals(ev, "code", "plain", hi, lr=lr)))
            sweep.append({"lr": lr, "duplicated": dup, "plain": pl, "ordered": dup < pl})
            survives &= dup < pl
    passed = {"gain": True, "no-gain": False, "undecided": None}[c.decision]
    if passed and not survives:
        passed = False
    sweep_txt = ("; learning-rate sweep (H=%d): " % hi + ", ".join(
        f"lr {s['lr']:g}: duplicated {s['duplicated']:.3g} vs plain {s['plain']:.3g}" for s in sweep)) if sweep else ""
    summary = (f"{variant} model, H={hi}: duplicated {c.median_lower:.3g} vs plain {c.median_higher:.3g} "
               f"({100 * c.relative_gain:.0f} % lower, {c.decision}){'' if survives else ', not at every swept lr'}")
    return CheckOutcome(passed, f"{summary}; {c}{sweep_txt}. " + _levels_line(ev),
                        {"comparison": c.to_json(), "per_heads": {str(k): v for k, v in per_h.items()},
                         "lr_sweep": sweep}, summary=summary)


def judge_dup_vs_zero_padding(ev) -> CheckOutcome:
    """The improvement is due to duplicating the data. Control: zero-padded tokens (s_t, 0), same width 2d, same
    data, seeds and training. Fails when zero padding reaches at least half of the duplication's gain over plain
    tokens (lower end of the 95 % bootstrap interval of the share >= 0.5); passes when duplicated tokens are
    significantly below zero-padded ones; undecided otherwise."""
    H = max(ev["params"]["heads"])
    plain, dup, zp = (_finals(ev, "code", t, H) for t in ("plain", "duplicated", "zero-padded"))
    share = s6.share_of_gain(plain, dup, zp)
    c = _compare(dup, zp)
    ptop = max(ev["params"]["paper_heads"])
    share_p = s6.share_of_gain(*(_finals(ev, "paper", t, ptop) for t in ("plain", "duplicated", "zero-padded")))
    if c.decision == "gain":
        passed = True
    elif share["interval"][0] >= 0.5:
        passed = False
    else:
        passed = None
    lo, hi = share["interval"]
    summary = (f"code model, at the same H={H}: duplicated {np.median(dup):.3g}, zero-padded (s_t, 0) "
               f"{np.median(zp):.3g}, plain {np.median(plain):.3g}: zero padding reaches {100 * share['share']:.0f} % of "
               f"the duplication's gain over plain tokens (95 % interval [{100 * lo:.0f}, {100 * hi:.0f}] %): the "
               f"width 2d, not the copy, gives it (a mechanism; the improvement itself holds)")
    detail = (f"Control holding everything fixed (width E = 2d, parameters, data, replications, training) except the "
              f"duplication. Criterion: fails if zero padding reaches >= 50 % of the gain of duplication over plain "
              f"tokens (lower end of the bootstrap interval), passes if duplicated tokens are significantly below "
              f"zero-padded ones. {summary}. Duplicated vs zero-padded: {c}. Model (6), H={ptop}: zero padding reaches "
              f"{100 * share_p['share']:.0f} % of the gain. " + _levels_line(ev))
    return CheckOutcome(passed, detail, {"share": share, "duplicated_vs_zero_padded": c.to_json(),
                                         "share_model_6": share_p}, summary=summary, severity="wording")


def judge_zero_padding_improves(ev) -> CheckOutcome:
    """Corrected statement: the width 2d gives the improvement (zero padding beats plain tokens at the same H)."""
    H = max(ev["params"]["heads"])
    c = _compare(_finals(ev, "code", "zero-padded", H), _finals(ev, "code", "plain", H))
    passed = {"gain": True, "no-gain": False, "undecided": None}[c.decision]
    summary = f"zero-padded tokens (s_t, 0) vs plain (code model, H={H}): {c.decision}, {100 * c.relative_gain:.0f} % lower"
    return CheckOutcome(passed, f"{summary}; {c}. " + _levels_line(ev), {"comparison": c.to_json()},
                        summary=summary,
                        corrected=(r"Doubling the token width (e_t \in \mathbb{R}^{2d}) leads to the improvement; "
                                   r"duplicating e_t = (s_t, s_t) and zero padding e_t = (s_t, 0) define the same "
                                   r"function class, so duplication acts only through the parameterisation. "
                                   r"Whether the wider tokens add expressivity or only ease the optimisation, this "
                                   r"experiment does not separate."))


def same_function_class(ctx, to_zero=None, to_dup=None) -> CheckOutcome:
    """Exact: every model on duplicated tokens equals a model on zero-padded tokens and conversely (both variants,
    float64, random parameters), through the explicit maps of models.positional_softmax_attention."""
    import torch

    from ical_verify.models import positional_softmax_attention as psa

    to_zero = to_zero or psa.equivalent_zero_padded
    to_dup = to_dup or psa.equivalent_duplicated
    rng = ctx.rng(77)
    worst = 0.0
    for variant in ("code", "paper"):
        for trial in range(3):
            d, H, T = int(rng.integers(1, 5)), int(rng.integers(1, 4)), int(rng.integers(2, 8))
            s = torch.tensor(rng.standard_normal((4, T, d)))
            for tokens, mapping in (("duplicated", to_zero), ("zero-padded", to_dup)):
                cfg = psa.PositionalSoftmaxConfig(d=d, tokens=tokens, heads=H, t_max=T, variant=variant,
                                                  dtype=torch.float64)
                m = psa.PositionalSoftmaxAttention(cfg, seed=int(rng.integers(2 ** 31)))
                with torch.no_grad():
                    if variant == "paper":  # generic blocks (the default init is block-random already)
                        m.A.add_(torch.tensor(rng.standard_normal(m.A.shape)))
                    worst = max(worst, float((mapping(m)(s) - m(s)).abs().max()))
    passed = worst < 1e-10
    summary = (f"duplicated (s_t, s_t) and zero-padded (s_t, 0) tokens give the same function class in both models "
               f"(explicit parameter maps, max deviation {worst:.1e})" if passed else
               f"the parameter maps between duplicated and zero-padded models do not preserve the function "
               f"(max deviation {worst:.2g})")
    return CheckOutcome(passed, summary + ". In model (6) the token part of the duplicated class even equals the "
                        "plain class (A' = sum of the four blocks, B' = B_11 + B_12); only the positional vectors "
                        "p_t gain dimensions.", {"max_deviation": worst}, summary=summary,
                        scope="random d <= 4, H <= 3, T <= 7, both variants")


def judge_stabilises(ev, variant: str) -> CheckOutcome:
    """'as we found it to stabilize the training process': softmax positional encoding against a directly learned
    P started from the same function (control)."""
    H = max(ev["params"]["heads" if variant == "code" else "paper_heads"])
    lrs = [ev["params"]["lr"]] + ([lr for lr in ev["params"]["sweep_lrs"]
                                   if key(variant, "duplicated", H, "free", lr, ev["profile"]) in ev["runs"]])
    rows, verdicts = [], []
    for lr in lrs:
        soft = ev["runs"][key(variant, "duplicated", H, "softmax", lr, ev["profile"])]
        free = ev["runs"][key(variant, "duplicated", H, "free", lr, ev["profile"])]
        i_soft = float(np.median([r["instability"] for r in soft]))
        i_free = float(np.median([r["instability"] for r in free]))
        div_soft, div_free = sum(r["diverged"] for r in soft), sum(r["diverged"] for r in free)
        if div_free > div_soft or i_free >= STABILITY_FACTOR * i_soft + STABILITY_MARGIN:
            verdicts.append(True)
        elif div_soft > div_free or i_soft >= STABILITY_FACTOR * i_free + STABILITY_MARGIN:
            verdicts.append(False)                      # the softmax encoding is the less stable one
        else:
            verdicts.append(None)                       # no instability to remove, or no clear difference
        rows.append({"lr": lr, "instability_softmax": [r["instability"] for r in soft],
                     "instability_free": [r["instability"] for r in free], "diverged_softmax": div_soft,
                     "diverged_free": div_free, "final_softmax": [r["final_mse"] for r in soft],
                     "final_free": [r["final_mse"] for r in free], "stabilises": verdicts[-1]})
    passed = True if True in verdicts else (False if all(v is False for v in verdicts) else None)
    summary = f"{variant} model, H={H}, duplicated, softmax-P vs free P: " + "; ".join(
        f"lr {r['lr']:g}: instability {np.median(r['instability_softmax']):.3g} vs "
        f"{np.median(r['instability_free']):.3g}, diverged {r['diverged_softmax']} vs {r['diverged_free']}, final MSE "
        f"{np.median(r['final_softmax']):.3g} vs {np.median(r['final_free']):.3g}" for r in rows)
    detail = (f"Instability index = total rise of the per-epoch training loss / its total decrease (0: monotone). "
              f"'Stabilises' passes when, at some tested learning rate, the free-P runs diverge more often or have an "
              f"index >= {STABILITY_FACTOR:g}x the softmax one (+{STABILITY_MARGIN:g}); fails when, at every tested "
              f"learning rate, the softmax runs are the less stable ones by the same rule; undecided otherwise, in "
              f"particular when neither variant rises by {STABILITY_MARGIN:g} of its decrease or diverges: at this scale "
              f"there is then no instability for the encoding to remove, and the comparison has no power. {summary}. "
              + _levels_line(ev))
    return CheckOutcome(passed, detail, {"rows": rows}, summary=summary)


def judge_init_range(iv, variant: str, scale: str) -> CheckOutcome:
    """Caption: 'At initialization, the MSE is between 0.35 and 1' (a typical initialisation: binomial interval)."""
    from ical_verify.numerics.binomial import success_rate

    vals = [r[f"{scale}_scale"] for r in iv["rows"] if r["variant"] == variant]
    inside = sum(INIT_RANGE[0] <= v <= INIT_RANGE[1] for v in vals)
    rate = success_rate(inside, len(vals))
    passed = rate.judge(INIT_TYPICAL)
    lv = iv["levels"][scale]
    summary = (f"{variant} model at initialisation, {scale} scale: MSE {s6.fmt(vals)}; in [0.35, 1] for {rate}")
    detail = (f"Criterion: the caption describes a typical initialisation, P(MSE_init in [0.35, 1]) > {INIT_TYPICAL}: "
              f"passes if the 95 % Clopper-Pearson interval lies above, fails if below. {summary}. At this scale "
              f"predicting 0 gives {lv['mean_zero']:.3g} and the Bayes error is {lv['mean_bayes']:.3g}"
              + (" — a mean MSE <= 1 would be below the Bayes error, impossible for any predictor"
                 if lv["mean_bayes"] > INIT_RANGE[1] else "") + ".")
    return CheckOutcome(passed, detail, {"values": vals, "rate": rate.to_json(), "levels": lv}, summary=summary)


def judge_floor(ev) -> CheckOutcome:
    rows = []
    for k, runs in ev["runs"].items():
        for r in runs:
            rows.append({"label": f"{k} seed {r['seed']}", "per_sequence": r["per_sequence"],
                         "bayes_per_sequence": ev["bayes_per_sequence"]})
    return s6.floor_outcome(rows, ev["levels"])


# -------------------------------------------------------------------------------------------------------- checks
def _check(judge, *args):
    return lambda ctx: judge(_ev(ctx), *args)


def _init_check(variant, scale):
    return lambda ctx: judge_init_range(init_evidence(ctx.seed, ctx.profile, None, ctx.device), variant, scale)


def bayes_floor(ctx) -> CheckOutcome:
    p = PROFILES[ctx.profile]
    return s6.bayes_floor_outcome(p["d"], p["T"], ctx.rng(71), p["mc"], 1.0)


def figure(ctx) -> ArtefactOutcome:
    """Figure 7 laid out as in the paper: test MSE against the number of heads, without and with duplication."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ev = _ev(ctx)
    p = ev["params"]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    for ax, variant, heads in ((axes[0], "code", p["heads"]), (axes[1], "paper", p["paper_heads"])):
        for tokens, style, label in (("plain", "o-", "without duplication"), ("duplicated", "s-", "duplicated (s_t, s_t)"),
                                     ("zero-padded", "^--", "control: zero-padded (s_t, 0)")):
            hs = [H for H in heads if key(variant, tokens, H, "softmax", None, ev["profile"]) in ev["runs"]]
            if not hs:
                continue
            med = [np.median(_finals(ev, variant, tokens, H)) for H in hs]
            lo = [m - min(_finals(ev, variant, tokens, H)) for m, H in zip(med, hs)]
            hi = [max(_finals(ev, variant, tokens, H)) - m for m, H in zip(med, hs)]
            ax.errorbar(hs, med, yerr=[lo, hi], fmt=style, capsize=3, label=label)
        ax.axhline(ev["levels"]["mean_zero"], color="gray", ls=":", label="predicting 0")
        ax.axhline(ev["levels"]["mean_bayes"], color="k", ls="-.", label="Bayes error")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("number of heads H")
        ax.set_title("authors' code (non_augmented.py)" if variant == "code" else "model (6) as printed", fontsize=9)
    axes[0].set_ylabel("test MSE (per coordinate)")
    axes[1].legend(fontsize=7)
    fig.suptitle(f"Fig. 7 ({ctx.profile}): d={p['d']}, T={p['T']}, n={p['n_train']}, {p['epochs']} epochs; median and "
                 f"range over seeds", fontsize=8)
    fig.tight_layout()
    path = ctx.figure_path("fig7", f"mse-vs-heads-{ctx.profile}.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return ArtefactOutcome("Figure 7 reproduction: " + CAPTION, [str(path)])


CAPTION = "Figure 7. Evolution of the MSE with the number of heads. At initialization, the MSE is between 0.35 and 1."

STATEMENT = (
    r"We parameterize the positional encoding in the linear Transformer equation (6) using the softmax of a "
    r"positional attention-only similarity cost matrix with learnable parameters $W_{Q_{\text{pos}}}$ and "
    r"$W_{K_{\text{pos}}}$: $P_{t,t'} = \text{softmax}(\langle W_{Q_{\text{pos}}}p_t | W_{K_{\text{pos}}}p_{t'} "
    r"\rangle)$, as we found it to stabilize the training process. We use a similar dataset as in the previous "
    r"section, i.e., a training set with $2^{14}$ sequences, each with 50 elements of dimension d = 10, and we test "
    r"using another dataset with $2^{10}$ sequences of the same shape. We train models $\mathcal{T}_\theta$ in (6) "
    r"for 200 epochs with different numbers of heads. We use the Adam optimizer with a learning rate of $10^{-2}$. "
    r"Without further modification, we do not observe a significant gain as the number of heads increases. However, "
    r"when duplicating the data along the dimension axis, that is $e_t := (s_t, s_t)$, we observe a significant "
    r"improvement, as illustrated in Figure 7. Understanding why duplicating the data leads to a significant "
    r"improvement is left for future work. (Figure 7: Evolution of the MSE with the number of heads. At "
    r"initialization, the MSE is between 0.35 and 1.)"
)

_ARCH = ("authors-code", "the authors' non_augmented.py architecture (last-token query, biases, per-head positional "
         "softmax from the token Q/K maps, output map, LayerNorm, readout)")
_M6 = ("model-6", "model (6) as printed (query e_{T-1}, full A^h, B^h, one softmax positional matrix, first d "
       "coordinates read)")
_WHY_CODE = ("Figure 7 was produced with the authors' non_augmented.py (their README); where it departs from (6) the "
             "figure reflects the code. Model (6) as printed is reported beside it.")

CLAIM = Claim(
    id="fig7",
    kind="experiment",
    title="MSE against the number of heads, with and without duplicated tokens (Figure 7)",
    source="§6 'Non-Augmented setting', Figure 7 and its caption",
    order=107,
    statement=STATEMENT,
    definitions={
        "(6)": MODEL_6,
        "P": r"P_{t,t'} = \mathrm{softmax}_{t'}(\langle W_{Q_{pos}} p_t | W_{K_{pos}} p_{t'}\rangle)\ \text{(§6)}",
        "duplication": r"e_t := (s_t, s_t) \in \mathbb{R}^{2d}\ \text{(§6)}",
        "contexts": r"W \sim \mathrm{Haar}(O(d))\ \text{(non-commuting orthogonal, §6)}",
        "MSE": r"\text{not defined for Figure 7; the suite reports } \tfrac1{nTd}\sum_{i,t}\|\hat s^i_{t+1} - "
               r"s^i_{t+1}\|^2 \text{ (torch.nn.MSELoss, as in non\_augmented.py line 282)}",
    },
    assumptions=("No Assumption 1 or 3: full A^h, B^h, Haar-orthogonal (non-commuting) contexts.",),
    conventions=(
        "Stated by the paper: d = 10, 50 tokens, 2^14 training / 2^10 test sequences, 200 epochs, Adam, lr 1e-2, "
        "softmax positional encoding, duplication e_t = (s_t, s_t).",
        f"Only the authors' code gives: s_1 = 1_d/sqrt(d) ({CODE} lines 209-210; §3 says s_1 = 1_d); W from "
        f"scipy's ortho_group, i.e. Haar on O(d) (line 215); batch 1024 with shuffling (lines 241, 269); "
        f"nn.MSELoss over all positions, including the prediction of s_2 from s_1 (lines 235-236, 282, 307); "
        f"biases in Q, K, V and an output map (lines 19-22), head dimension E (line 17), score scaled by 1/sqrt(E) "
        f"(line 55), the query is the last token (mask tril, line 186), the positional softmax per head from the "
        f"token Q/K maps on learned position embeddings (lines 58-75, 124), LayerNorm of the attention output without "
        f"residual (lines 104-105), a final linear map to d (line 169); PyTorch default initialisation; "
        f"default heads = 64 (line 241).",
        "Neither gives: the grid of heads of Figure 7, the number of seeds, which coordinates of (6)'s output are read "
        "for duplicated tokens (the suite reads the first d), the initialisation of A^h, B^h in (6) (the suite: "
        "N(0, 1/E), B^h also / sqrt(H)), the dimension of p_t (the suite: E, as the code).",
        "Code and text disagree (query token, biases, LayerNorm, per-head positional matrices built from the token "
        "maps): both are run; readings 'authors-code' (adopted: the figure came from the code) and 'model-6'.",
        "Training uses the code's scale (s_1 = 1_d/sqrt(d), MSE per coordinate); the caption's numbers are judged "
        "under both scales.",
        "Replications: replication j of every configuration trains on its own training set j (shared by the "
        "configurations, so that they are compared on the same data) from its own initialisation; one test set.",
        "Quick profile: d = 5, 12 tokens, 512 training / 512 test sequences, batch 128, 25 epochs, heads {1, 4}, "
        "16 replications for the authors'-code configurations that decide the adopted readings, 3 for the others, one "
        "at the swept learning rate 3e-2 (full: {3e-3, 3e-2}, 3 each); zero padding at the largest H only; initial MSEs at the paper's d = 10, 50 tokens (64 sequences, "
        "heads {1, 4, 16}, 4 seeds). Full: the paper's scale, heads {1, 4, 16, 64}, 8 (32 deciding) replications.",
        "A 'significant' gain: median test MSE lower by >= 5 % (the margin) and one-sided exact Mann-Whitney "
        "p <= 0.05 over replications; 'no gain': the 95 % bootstrap interval of the relative drop of the median lies "
        "below 5 %; otherwise undecided (outcomes are bimodal: some runs stall near the error of predicting 0). "
        "Indifference band: a drop within 5 points of the margin (between 0 % and 10 %) is not resolved, so a gain "
        "also needs a drop >= 10 % with its interval above 5 %, and 'no gain' a drop <= 0 %. Set after a design study "
        "on seeds 100-139 (benchmarks/fig7-design.md): the quick-scale head gains (about 5.2 % plain, 2.8 % "
        "duplicated) lie near the margin, and without the band the verdict followed the seed; with the band and 16 "
        "replications a seed changes the verdict with probability about 1 % (the same at 24).",
    ),
    checks=(
        Check("bayes-floor", "monte-carlo", "printed", bayes_floor,
              "the closed-form Bayes error of the data (numerics.reference_levels) against Monte Carlo"),
        Check("no-mse-below-floor", "property", "printed", _check(judge_floor),
              "every trained model's test error is not below the Bayes error on the same sequences"),
        Check("heads-no-gain-code", "trained-model", "printed", _check(judge_no_gain, "code"),
              "plain tokens: no significant gain from H_min to H_max (authors' architecture)"),
        Check("heads-no-gain-paper", "trained-model", "printed", _check(judge_no_gain, "paper"),
              "plain tokens: no significant gain from H_min to H_max (model (6))"),
        Check("dup-heads-gain-code", "trained-model", "printed", _check(judge_dup_heads_gain, "code"),
              "duplicated tokens: significant gain from H_min to H_max (authors' architecture)"),
        Check("dup-heads-gain-paper", "trained-model", "printed", _check(judge_dup_heads_gain, "paper"),
              "duplicated tokens: significant gain from H_min to H_max (model (6))"),
        Check("dup-vs-plain-code", "trained-model", "printed", _check(judge_dup_vs_plain, "code"),
              "duplicated below plain at H_max, at every swept learning rate (authors' architecture)"),
        Check("dup-vs-plain-paper", "trained-model", "printed", _check(judge_dup_vs_plain, "paper"),
              "duplicated below plain at H_max (model (6))"),
        Check("dup-vs-zero-padding", "trained-model", "printed", _check(judge_dup_vs_zero_padding),
              "the improvement needs the duplication: duplicated tokens beat zero-padded ones of the same width",
              severity="wording"),
        Check("zero-padding-improves", "trained-model", "corrected", _check(judge_zero_padding_improves),
              "zero-padded tokens (width 2d, no copy) beat plain tokens"),
        Check("same-function-class", "property", "corrected", same_function_class,
              "duplicated and zero-padded tokens define the same function class (explicit maps, exact)"),
        Check("softmax-positional-stabilises-code", "trained-model", "printed", _check(judge_stabilises, "code"),
              "softmax positional encoding against a directly learned P (authors' architecture)"),
        Check("softmax-positional-stabilises-paper", "trained-model", "printed", _check(judge_stabilises, "paper"),
              "softmax positional encoding against a directly learned P (model (6))"),
        Check("init-range-code-scale", "trained-model", "printed", _init_check("code", "code"),
              "initial MSE in [0.35, 1] for a typical initialisation (code architecture and scale)"),
        Check("init-range-paper-scale", "trained-model", "printed", _init_check("paper", "paper"),
              "initial MSE in [0.35, 1] for a typical initialisation (model (6), s_1 = 1_d, summed coordinates)"),
    ),
    subclaims=(
        SubClaim("reference-levels", "Evolution of the MSE with the number of heads.",
                 ("bayes-floor", "no-mse-below-floor"), "Figure 7 caption (what is plotted, beside the suite's levels)"),
        SubClaim("heads-no-gain", "Without further modification, we do not observe a significant gain as the number "
                 "of heads increases.", ("heads-no-gain-code", "heads-no-gain-paper"), "§6",
                 readings=(Reading(_ARCH[0], _ARCH[1], ("heads-no-gain-code",), True, _WHY_CODE),
                           Reading(_M6[0], _M6[1], ("heads-no-gain-paper",), False, "the text's model"))),
        SubClaim("duplication-improves", "However, when duplicating the data along the dimension axis, that is "
                 "e_t := (s_t, s_t), we observe a significant improvement, as illustrated in Figure 7.",
                 ("dup-heads-gain-code", "dup-heads-gain-paper", "dup-vs-plain-code", "dup-vs-plain-paper"), "§6",
                 readings=(
                     Reading("heads-trend-code", "with duplicated tokens the MSE improves significantly as the number "
                             "of heads increases (" + _ARCH[0] + ")", ("dup-heads-gain-code",), True,
                             "'However' contrasts with the previous sentence (no gain as the number of heads "
                             "increases), and Figure 7 plots the MSE against the number of heads. " + _WHY_CODE),
                     Reading("heads-trend-model-6", "the same, model (6)", ("dup-heads-gain-paper",)),
                     Reading("vs-plain-code", "duplicated tokens give a significantly lower MSE than plain tokens at "
                             "the same number of heads (" + _ARCH[0] + ")", ("dup-vs-plain-code",), False,
                             "also natural ('duplicating the data leads to a significant improvement'), not adopted "
                             "because of the contrast with the heads sentence"),
                     Reading("vs-plain-model-6", "the same, model (6)", ("dup-vs-plain-paper",)))),
        SubClaim("duplication-is-the-cause", "Understanding why duplicating the data leads to a significant "
                 "improvement is left for future work.", ("dup-vs-zero-padding", "zero-padding-improves",
                                                          "same-function-class"), "§6"),
        SubClaim("softmax-positional-stabilises", "... using the softmax of a positional attention-only similarity "
                 "cost matrix ..., as we found it to stabilize the training process.",
                 ("softmax-positional-stabilises-code", "softmax-positional-stabilises-paper"), "§6",
                 readings=(Reading(_ARCH[0], _ARCH[1], ("softmax-positional-stabilises-code",), True, _WHY_CODE),
                           Reading(_M6[0], _M6[1], ("softmax-positional-stabilises-paper",), False,
                                   "the text's model"))),
        SubClaim("init-mse", "At initialization, the MSE is between 0.35 and 1.",
                 ("init-range-code-scale", "init-range-paper-scale"), "Figure 7 caption",
                 readings=(Reading("code-scale", "authors' architecture, s_1 = 1_d/sqrt(d), MSE per coordinate "
                                   "(nn.MSELoss)", ("init-range-code-scale",), True,
                                   "the numbers of the caption come from the authors' script; under the paper's own "
                                   "scale they would lie below the Bayes error"),
                           Reading("paper-scale", "model (6), s_1 = 1_d (§3), squared error summed over coordinates, "
                                   "mean over T = 2..50", ("init-range-paper-scale",)))),
    ),
    artefacts=(Artefact("figure-7", figure, CAPTION),),
    finding=s6.scaled_finding(SCALES),
    notes=("Duplicated tokens act through the parameterisation only: the same function class is reached with zero "
           "padding, and in model (6) the token part of the class is that of plain tokens."),
)
