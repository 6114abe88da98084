"""Figure 3 (§5): model (6) trained from random initialisation; final loss, and the structure of Propositions 3
and 6 — judged over many random starts, not one seed.

Training follows the authors' procedure where the paper is silent (authors' ``orthogonal.py`` lines 58-71,
``unitary.py`` lines 9-18: plain gradient descent on the closed-form population loss from an
:math:`\\mathcal{N}(0, 0.1^2)` initialisation of A, B and P; learning rate 1e-3 in the orthogonal script), then a
quasi-Newton polish only accelerates its slow final phase. The benchmark ``benchmarks/fig3.md`` shows that the
polish leaves the outcome of every start unchanged against 60 000 plain gradient steps.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ...claim import Artefact, ArtefactOutcome, Check, CheckOutcome, Claim, Reading, SubClaim
from ._common import ASSUMPTION_1, ASSUMPTION_3, CONVERSION_NOTE, LOSS_3, MODEL_6

D, T_MAX = 10, 15
DELTA = D // 2
HEADS = {"unitary": 10, "orthogonal": 8}
INIT_SCALE = 0.1          # standard deviation of the Gaussian initialisation of A, B and P (authors' alpha)
LR = 1e-3                 # gradient-descent learning rate (authors' orthogonal.py)
GD_STEPS = 3000           # plain gradient steps before the polish (the outcome of a start is settled by then)
SUCCESS_TOL = 1e-8        # a start "reaches an arbitrarily small loss" if its exact loss (3) ends <= this
STRUCTURE_TOL = 1e-3      # relative deviations from the structure of Propositions 3 / 6 at a converged start
RANK_TOL = 1e-3           # numerical rank: singular values above RANK_TOL * sigma_1
TYPICAL, EVERY = 0.5, 0.95   # success-rate thresholds of the readings "typical start" and "(almost) every start"
CONFIDENCE = 0.95


def _settings(profile: str) -> dict:
    if profile == "quick":
        return {"starts": 128, "polish_iterations": 1200, "target": 1e-10}
    return {"starts": 512, "polish_iterations": 3000, "target": 1e-12}


@lru_cache(maxsize=8)
def evidence(seed: int, profile: str, context: str):
    """Evidence: ``starts`` independent trainings of model (6) (d = 10, T_max = 15, H = 10 unitary / 8
    orthogonal) on the exact loss (3), :func:`~ical_verify.models.train_diagonal.train_population_multistart`."""
    from ical_verify.models.train_diagonal import train_population_multistart

    s = _settings(profile)
    rng = np.random.default_rng([seed, 300, HEADS[context]])
    return train_population_multistart(context, s["starts"], rng, d=D, heads=HEADS[context], T_max=T_MAX,
                                       init_scale=INIT_SCALE, lr=LR, gd_steps=GD_STEPS,
                                       polish_iterations=s["polish_iterations"], target=s["target"])


# ---- descriptions of the evidence ---------------------------------------------------------------------------

def _partner_ratio(C: np.ndarray) -> float:
    """Median over i of C_(i,ī)/C_ii (+1 on the Lemma 3 branch, -> -1 along the diverging valley)."""
    i = np.arange(C.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.median(C[i, i ^ 1] / C[i, i]))


def loss_distribution(ev) -> dict:
    """Quantiles of the final losses and counts per decade (log10), and the failures classified."""
    f = np.asarray(ev.final_loss, dtype=np.float64)
    q = np.quantile(f, [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1])
    decades = np.floor(np.log10(np.maximum(f, 1e-300))).astype(int)
    counts = {int(k): int(v) for k, v in zip(*np.unique(np.clip(decades, -16, 3), return_counts=True))}
    failed = np.nonzero(f > SUCCESS_TOL)[0]
    valley = [int(n) for n in failed if ev.context == "orthogonal" and _partner_ratio(ev.C[n]) < -0.9]
    return {"quantiles": {k: float(v) for k, v in zip(("min", "q10", "q25", "median", "q75", "q90", "max"), q)},
            "per_decade": counts, "failed": int(failed.size), "failed_in_valley": len(valley),
            "smallest_failed_loss": float(f[failed].min()) if failed.size else None,
            "largest_success_loss": float(f[f <= SUCCESS_TOL].max()) if (f <= SUCCESS_TOL).any() else None,
            "valley_C_max": [float(np.abs(ev.C[n]).max()) for n in valley][:10]}


def _rate(ev):
    from ical_verify.numerics.binomial import success_rate

    ok = int(np.sum(np.asarray(ev.final_loss) <= SUCCESS_TOL))
    return success_rate(ok, ev.starts, CONFIDENCE)


def _stability(rate, threshold: float) -> dict:
    """The probability of each decision of the judge if the true rate were the observed fraction (plug-in)."""
    from ical_verify.numerics.binomial import decision_probabilities

    probs = decision_probabilities(rate.fraction, rate.trials, threshold, CONFIDENCE)
    return {"pass": probs[True], "fail": probs[False], "undecided": probs[None]}


def _training(ev) -> str:
    return (f"{ev.starts} starts, N(0, {ev.init_scale:g}^2) init, {ev.gd_steps} gradient steps (lr {ev.lr:g}) + at most "
            f"{ev.polish_iterations_max} L-BFGS iterations, exact loss (3)")


# ---- judges (pure functions of the evidence) ------------------------------------------------------------------

def judge_success(ev, threshold: float) -> CheckOutcome:
    """The success rate (final exact loss <= SUCCESS_TOL) against ``threshold``: passes if the whole 95 %
    Clopper–Pearson interval lies above it, fails if it lies below, undecided otherwise."""
    rate = _rate(ev)
    decided = rate.judge(threshold)
    dist = loss_distribution(ev)
    stab = _stability(rate, threshold)
    lo, hi = rate.interval
    q = dist["quantiles"]
    word = {True: "above", False: "below", None: "straddling"}[decided]
    summary = (f"{ev.context}, H = {ev.heads}: {rate.successes}/{rate.trials} starts reach loss <= {SUCCESS_TOL:g} "
               f"(95 % CI [{lo:.2f}, {hi:.2f}], {word} {threshold:g}); final loss median {q['median']:.1e}, max "
               f"{q['max']:.1e}.")
    detail = (summary + f" Training: {_training(ev)}. Final losses per decade (log10: count) {dist['per_decade']}.")
    if dist["failed"]:
        detail += (f" {dist['failed']} starts fail (smallest failed loss {dist['smallest_failed_loss']:.1e}, largest "
                   f"successful {dist['largest_success_loss'] or float('nan'):.1e}: a gap of orders of magnitude, so "
                   f"the tolerance does not decide the count)")
        if ev.context == "orthogonal":
            detail += (f"; {dist['failed_in_valley']} of them in the valley C_(i,ī)/C_ii -> -1, p_(T-1)/p_T -> ∞ where the "
                       "loss decreases only as the parameters diverge (max |C| " +
                       ", ".join(f"{x:.0f}" for x in dist["valley_C_max"][:5]) + ", ...)")
        detail += "."
    detail += (f" If the true rate were the observed {rate.fraction:.2f}, this judge would pass / fail / stay undecided "
               f"with probability {stab['pass']:.3f} / {stab['fail']:.3f} / {stab['undecided']:.3f}.")
    return CheckOutcome(decided, detail, {"success_rate": rate.to_json(), "threshold": threshold,
                                          "loss_distribution": dist, "decision_probabilities": stab,
                                          "settings": ev.settings(), "tolerance": SUCCESS_TOL},
                        summary=summary, scope=f"d = {D}, T_max = {T_MAX}, {rate.trials} random starts")


def judge_rate_between(ev, low: float = TYPICAL, high: float = EVERY) -> CheckOutcome:
    """The corrected statement 'most, but not almost all, starts converge': the 95 % interval lies inside
    (``low``, ``high``) (passes), entirely outside it (fails), or straddles an end (undecided)."""
    rate = _rate(ev)
    lo, hi = rate.interval
    if lo > low and hi < high:
        decided = True
    elif hi < low or lo > high:
        decided = False
    else:
        decided = None
    a, b = _stability(rate, low), _stability(rate, high)
    summary = (f"{ev.context}, H = {ev.heads}: success rate {rate.successes}/{rate.trials}, 95 % CI [{lo:.2f}, "
               f"{hi:.2f}] {'inside' if decided else 'not inside'} ({low:g}, {high:g}): most, but not almost all, "
               f"random starts reach loss <= {SUCCESS_TOL:g}.")
    stab = {"above_low": a["pass"], "below_high": b["fail"]}
    return CheckOutcome(decided, summary + f" Training: {_training(ev)}. Plug-in probabilities that the interval lies "
                        f"above {low:g}: {a['pass']:.3f}, below {high:g}: {b['fail']:.3f}.",
                        {"success_rate": rate.to_json(), "interval_bounds": [low, high], "decision_probabilities": stab},
                        corrected=CORRECTED, summary=summary,
                        scope=f"d = {D}, T_max = {T_MAX}, {rate.trials} random starts")


def structure_of(C: np.ndarray, P: np.ndarray, context: str) -> dict:
    """Deviations of (C, P) from the zero-loss structure: Proposition 3 (C diagonal, P_(T-1,t) = 0 for t != T,
    P_(T-1,T) C_ii = 1) or Proposition 6 with H < d (pair blocks c·J — C_(i,ī) = C_ii —, P_(T-1,T) = -2
    P_(T-1,T-1), P_(T-1,T) C_ii = 1, rank δ)."""
    from ical_verify.numerics.diagonal_structure import structure_report

    rep = structure_report(C, P, context, rank_tol=RANK_TOL)
    r = np.arange(P.shape[0] - 1)
    pT, pT1 = P[r, r + 1], P[r, r]
    diag = np.diag(C)
    out = {"C_outside": rep.C_outside, "P_outside": rep.P_outside,
           "pT_Cii_minus_1": float(np.max(np.abs(pT[:, None] * diag[None, :] - 1))),
           "numerical_rank": rep.numerical_rank,
           "singular_value_ratios": [float(s / rep.singular_values[0]) for s in rep.singular_values]}
    if context == "orthogonal":
        i = np.arange(C.shape[0])
        with np.errstate(divide="ignore", invalid="ignore"):
            out["partner_over_diagonal_minus_1"] = float(np.nan_to_num(np.max(np.abs(C[i, i ^ 1] / diag - 1)), nan=np.inf))
            out["pT_over_pTm1_plus_2"] = float(np.nan_to_num(np.max(np.abs(pT / pT1 + 2)), nan=np.inf))
    return out


def _within(s: dict, context: str) -> bool:
    keys = ["C_outside", "P_outside", "pT_Cii_minus_1"]
    if context == "orthogonal":
        keys += ["partner_over_diagonal_minus_1", "pT_over_pTm1_plus_2"]
    return all(s[k] <= STRUCTURE_TOL for k in keys)


def judge_structure(ev) -> CheckOutcome:
    """Every start that reached zero loss has the structure of Proposition 3 (unitary) or of Proposition 6 with
    H < d, i.e. Lemma 3 up to scale (orthogonal), within STRUCTURE_TOL; undecided if no start reached it."""
    ok_idx = np.nonzero(np.asarray(ev.final_loss) <= SUCCESS_TOL)[0]
    rows = [structure_of(ev.C[n], ev.P[n], ev.context) for n in ok_idx]
    good = [_within(s, ev.context) for s in rows]
    worst = {k: float(max(s[k] for s in rows)) for k in rows[0] if isinstance(rows[0][k], float)} if rows else {}
    decided = None if not rows else all(good)
    which = "Proposition 3 (C = I/p_T, P = p_T δ_(t=T))" if ev.context == "unitary" else \
        "Proposition 6 with H < d: blocks c·J, p_T = -2 p_(T-1), p_T C_ii = 1 (Lemma 3 up to scale)"
    summary = (f"{ev.context}: {sum(good)}/{len(rows)} converged starts have the structure of {which} within "
               f"{STRUCTURE_TOL:g} (worst deviations " + ", ".join(f"{k} {v:.1e}" for k, v in worst.items()) + ").")
    return CheckOutcome(decided, summary + (" No start reached zero loss: nothing to judge." if not rows else ""),
                        {"converged": len(rows), "with_structure": int(sum(good)), "worst": worst,
                         "tolerance": STRUCTURE_TOL}, summary=summary,
                        scope=f"d = {D}, T_max = {T_MAX}, converged starts of {ev.starts}")


def judge_low_rank(ev) -> CheckOutcome:
    """'H = 8 < d, which leads to low rank BᵀA': every orthogonal start that reached zero loss has numerical rank
    δ = 5 (Proposition 6: rank C* ∈ {δ, d}, and rank <= H < d) — not merely rank <= H, which holds by
    construction; undecided if no start reached zero loss."""
    ok_idx = np.nonzero(np.asarray(ev.final_loss) <= SUCCESS_TOL)[0]
    ranks = [structure_of(ev.C[n], ev.P[n], ev.context)["numerical_rank"] for n in ok_idx]
    ratios = [float(np.linalg.svd(ev.C[n], compute_uv=False)[DELTA] / np.linalg.svd(ev.C[n], compute_uv=False)[0])
              for n in ok_idx]
    decided = None if not ranks else all(r == DELTA for r in ranks)
    counts = {int(k): int(v) for k, v in zip(*np.unique(ranks, return_counts=True))} if ranks else {}
    summary = (f"{ev.context}, H = {ev.heads} < d = {D}: numerical rank of BᵀA at the {len(ranks)} converged starts "
               f"(σ_k > {RANK_TOL:g} σ_1): {counts}; σ_6/σ_1 <= {max(ratios) if ratios else float('nan'):.1e} "
               f"(predicted rank δ = {DELTA}).")
    return CheckOutcome(decided, summary, {"rank_counts": counts, "max_sigma6_over_sigma1": max(ratios) if ratios else None,
                                           "rank_tolerance": RANK_TOL}, summary=summary,
                        scope=f"d = {D}, H = {ev.heads}, converged starts of {ev.starts}")


# ---- checks ---------------------------------------------------------------------------------------------------

def _success_check(context: str, threshold: float):
    def run(ctx) -> CheckOutcome:
        ctx.report(f"fig3: training ({context})", 0, 1)
        return judge_success(evidence(ctx.seed, ctx.profile, context), threshold)

    run.__doc__ = (f"Success rate of {context} training (loss <= {SUCCESS_TOL:g}) against {threshold:g} "
                   "(95 % Clopper–Pearson interval).")
    return run


def _evidence_check(context: str, judge):
    def run(ctx) -> CheckOutcome:
        ctx.report(f"fig3: training ({context})", 0, 1)
        return judge(evidence(ctx.seed, ctx.profile, context))

    run.__doc__ = judge.__doc__
    return run


# ---- artefacts ------------------------------------------------------------------------------------------------

def figure_matrices(ctx) -> ArtefactOutcome:
    """A figure like the paper's Figure 3: A, B, BᵀA and P of the first converged start of each context, and of
    the first orthogonal start that ended in the diverging valley (if any)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = []
    for context in ("unitary", "orthogonal"):
        ev = evidence(ctx.seed, ctx.profile, context)
        ok = np.nonzero(ev.final_loss <= SUCCESS_TOL)[0]
        if ok.size:
            panels.append((f"{context}, H = {ev.heads}, start {ok[0]}, loss {ev.final_loss[ok[0]]:.0e}", ev, ok[0]))
        bad = np.nonzero(ev.final_loss > SUCCESS_TOL)[0]
        if context == "orthogonal" and bad.size:
            panels.append((f"{context} (valley), H = {ev.heads}, start {bad[0]}, loss {ev.final_loss[bad[0]]:.0e}",
                           ev, bad[0]))
    fig, axes = plt.subplots(len(panels), 4, figsize=(15, 3.6 * len(panels)), squeeze=False)
    for row, (title, ev, n) in enumerate(panels):
        Pm = ev.P[n].copy()
        mask = np.triu(np.ones_like(Pm), k=2).astype(bool)
        Pm[mask] = 0.0
        for col, (name, M, xl, yl) in enumerate((("A", ev.A[n], "dimension", "head"),
                                                 ("B", ev.B[n], "dimension", "head"),
                                                 ("BᵀA", ev.C[n], "dimension", "dimension"),
                                                 ("P", Pm[:-1], "t", "T - 1"))):
            ax = axes[row, col]
            v = float(np.abs(M).max()) or 1.0
            im = ax.imshow(M, cmap="RdBu_r", vmin=-v, vmax=v)
            ax.set_title(f"{name}\n{title}" if col == 0 else name, fontsize=9)
            ax.set_xlabel(xl)
            ax.set_ylabel(yl)
            fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    fig.suptitle(f"Model (6) after training on loss (3) from random initialisation, d = {D}, T_max = {T_MAX} "
                 f"(seed {ctx.seed})")
    fig.tight_layout()
    path = ctx.figure_path("fig3", "matrices.png")
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return ArtefactOutcome(f"A, B, BᵀA and P of {len(panels)} trained starts (first converged per context; first "
                           "valley start).", figures=[str(path)])


def figure_losses(ctx) -> ArtefactOutcome:
    """Histogram of the final exact losses of every start, per context (log scale), with the success tolerance."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    bins = np.arange(-16, 3.5, 0.5)
    for context, colour in (("unitary", "tab:blue"), ("orthogonal", "tab:orange")):
        ev = evidence(ctx.seed, ctx.profile, context)
        x = np.log10(np.maximum(ev.final_loss, 1e-16))
        ax.hist(x, bins=bins, alpha=0.6, color=colour, label=f"{context}, H = {ev.heads} ({ev.starts} starts)")
    ax.axvline(np.log10(SUCCESS_TOL), color="k", ls="--", label=f"tolerance {SUCCESS_TOL:g}")
    ax.set_xlabel("log10 final exact loss (3)")
    ax.set_ylabel("number of random starts")
    ax.set_title(f"Final losses after training, d = {D}, T_max = {T_MAX}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = ctx.figure_path("fig3", "final-losses.png")
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return ArtefactOutcome("Distribution of final losses over the random starts.", figures=[str(path)])


CORRECTED = (
    r"\text{In the orthogonal case } (H = 8 < d = 10)\text{, training from random initialisation reaches an "
    r"arbitrarily small loss, with the structure of Proposition 6 (Lemma 3 up to scale), from most but not almost "
    r"all initialisations: a positive fraction of starts drifts along a valley } \mathbf{C}_{i\bar\imath}/"
    r"\mathbf{C}_{ii} \to -1,\ P_{T-1,T-1}/P_{T-1,T} \to \infty \text{ where the loss decreases only as the "
    r"parameters diverge. In the unitary case } (H = d) \text{ every start converges.}"
)

CAPTION = (r"Figure 3. Matrices A, B, $B^{T}A$ and P after training model (6) on loss (3) with random "
           r"initialization. We take d = 10 and T = 15. Left: Unitary context case with H = 10. Right: Orthogonal "
           r"context case, with H = 8 < d, which leads to low rank $B^{T}A$. In both cases, we obtain arbitrarily "
           r"small final loss. We recover parameters corresponding to our Propositions 3 and 6.")

WHY_TYPICAL = ("'We obtain' reports what training did; a referee reads it as what training typically does from a random "
               "initialisation (a majority of starts), not as a guarantee for every start.")
WHY_EVERY = ("Read as a property of training from random initialisation in general, it would need (almost) every start "
             "to reach it; 'arbitrarily small' is not met by the valley starts, whose loss stalls at 1e-3..1e-4 (after "
             "the polish; 0.4-1 under the paper's plain gradient descent) and decreases further only as the parameters "
             "diverge.")

CLAIM = Claim(
    id="fig3",
    kind="experiment",
    title="Figure 3: trained diagonal attention recovers Propositions 3 and 6",
    source="§5, Figure 3 (and §5.1 'We provide evidence for global convergence in Figure 3', §5.2)",
    order=103,
    statement=(
        CAPTION + r" (§5.1: ``We provide evidence for global convergence in Figure 3.'' §5.2: ``We provide "
        r"experimental evidence for convergence in Figure 3.'')"
    ),
    definitions={"(3)": LOSS_3, "(6)": MODEL_6, "T": r"T = T_{\max} = 15\ \text{(loss (3) sums } T = 2..T_{\max})"},
    assumptions=(ASSUMPTION_1, ASSUMPTION_3),
    conventions=(
        CONVERSION_NOTE,
        "Training: the exact population loss (3) in closed form (corrected Proposition 4 for C_U, the suite's C_O "
        "formula; both verified in prop4 / prop6), float64. Plain gradient descent, learning rate 1e-3, from i.i.d. "
        "N(0, 0.1^2) entries of A, B (H x d) and P, as in the authors' orthogonal.py (lines 58-71); 3000 steps settle "
        "the outcome of each start, then at most 1200 (full: 3000) L-BFGS iterations replace the ~10^5 further "
        "gradient steps of the authors' script. benchmarks/fig3.md: over 64 starts the outcome (converged or not) "
        "is the same as after 60 000 plain gradient steps for every start.",
        "The caption's T = 15 is T_max = 15 (the authors' scripts use T = 20; the suite follows the paper).",
        "Only the entries of P read by (6) (row T-1, columns t <= T) are parameters; the others stay 0.",
        f"A start succeeds if its final exact loss is <= {SUCCESS_TOL:g}; failed starts end >= 1e-3 (a gap of five "
        "orders of magnitude, so the tolerance does not decide the count).",
        f"Random starts: 128 per context (full profile 512), seeded from --seed; rates judged with 95 % "
        f"Clopper-Pearson intervals against {TYPICAL:g} ('typical start') and {EVERY:g} ('(almost) every start').",
    ),
    notes=("The orthogonal case has a valley of non-convergence: about a quarter to a third of random starts (with "
           "plain gradient descent as well as with L-BFGS, benchmarks/fig3.md) end with C_(i,ī)/C_ii -> -1 and "
           "p_(T-1)/p_T -> ∞, where the loss keeps decreasing only as the parameters grow (|C| ~ 15-50 and rising); "
           "A.9's 'C_(2i,2i-1) = -1 is impossible' is the limit they approach. More iterations or a better-conditioned "
           "optimiser (L-BFGS, exact-Hessian trust region) change which starts fall in, not that a positive fraction "
           "does. Figure 3 shows one start that converged."),
    subclaims=(
        SubClaim("arbitrarily-small-loss", "In both cases, we obtain arbitrarily small final loss.",
                 checks=("loss-unitary-typical", "loss-orthogonal-typical", "loss-unitary-every",
                         "loss-orthogonal-every", "loss-orthogonal-corrected"),
                 source="Figure 3 caption",
                 readings=(
                     Reading("typical-start", "Training from a random initialisation typically (in a majority of "
                             "starts) ends with an arbitrarily small loss, in both cases.",
                             checks=("loss-unitary-typical", "loss-orthogonal-typical"), adopted=True, why=WHY_TYPICAL),
                     Reading("every-start", "Every (almost every) random start ends with an arbitrarily small loss.",
                             checks=("loss-unitary-every", "loss-orthogonal-every", "loss-orthogonal-corrected"),
                             why=WHY_EVERY),
                 )),
        SubClaim("low-rank", "Right: Orthogonal context case, with H = 8 < d, which leads to low rank BᵀA.",
                 checks=("low-rank-orthogonal",), source="Figure 3 caption"),
        SubClaim("recover-propositions", "We recover parameters corresponding to our Propositions 3 and 6.",
                 checks=("structure-unitary", "structure-orthogonal"), source="Figure 3 caption"),
        SubClaim("global-convergence-unitary", "We provide evidence for global convergence in Figure 3.",
                 checks=("loss-unitary-every", "loss-unitary-typical"), source="§5.1",
                 readings=(
                     Reading("almost-every-start", "Gradient descent from (almost) every initialisation reaches a "
                             "global minimum (the conjecture of Nguegnang et al. and Achour et al. the sentence "
                             "answers).", checks=("loss-unitary-every",), adopted=True,
                             why="The sentence follows the open problem of global convergence 'for almost all "
                                 "initialization'; evidence for it must come from (almost) every start."),
                     Reading("typical-start", "Gradient descent from a typical initialisation reaches a global "
                             "minimum.", checks=("loss-unitary-typical",),
                             why="A weaker reading of 'evidence'; not what 'global convergence' means."),
                 )),
        SubClaim("convergence-orthogonal", "We provide experimental evidence for convergence in Figure 3.",
                 checks=("loss-orthogonal-every", "loss-orthogonal-corrected", "loss-orthogonal-typical"),
                 source="§5.2",
                 readings=(
                     Reading("almost-every-start", "Gradient descent on the C_O loss converges to a global minimum "
                             "from (almost) every initialisation.",
                             checks=("loss-orthogonal-every", "loss-orthogonal-corrected"), adopted=True,
                             why="The sentence follows 'global convergence results of gradient descent on such loss "
                                 "function are still an open problem'; the evidence is offered for that global "
                                 "statement."),
                     Reading("typical-start", "Gradient descent converges from a typical initialisation.",
                             checks=("loss-orthogonal-typical",),
                             why="What the figure (one run) can show; weaker than the open problem it is cited for."),
                 )),
    ),
    checks=(
        Check("loss-unitary-typical", "trained-model", "printed", _success_check("unitary", TYPICAL),
              f"unitary, H = 10: success rate (loss <= {SUCCESS_TOL:g}) above {TYPICAL:g} (95 % CI)"),
        Check("loss-unitary-every", "trained-model", "printed", _success_check("unitary", EVERY),
              f"unitary, H = 10: success rate above {EVERY:g} (95 % CI)"),
        Check("loss-orthogonal-typical", "trained-model", "printed", _success_check("orthogonal", TYPICAL),
              f"orthogonal, H = 8: success rate above {TYPICAL:g} (95 % CI)"),
        Check("loss-orthogonal-every", "trained-model", "printed", _success_check("orthogonal", EVERY),
              f"orthogonal, H = 8: success rate above {EVERY:g} (95 % CI)", severity="substantive"),
        Check("loss-orthogonal-corrected", "trained-model", "corrected",
              _evidence_check("orthogonal", judge_rate_between),
              f"orthogonal: success rate inside ({TYPICAL:g}, {EVERY:g}) — most, not almost all, starts"),
        Check("structure-unitary", "trained-model", "printed", _evidence_check("unitary", judge_structure),
              f"converged unitary starts have Proposition 3's structure (tolerance {STRUCTURE_TOL:g})"),
        Check("structure-orthogonal", "trained-model", "printed", _evidence_check("orthogonal", judge_structure),
              f"converged orthogonal starts have Proposition 6's structure with H < d (tolerance {STRUCTURE_TOL:g})"),
        Check("low-rank-orthogonal", "trained-model", "printed", _evidence_check("orthogonal", judge_low_rank),
              "converged orthogonal starts have numerical rank δ = 5"),
    ),
    artefacts=(
        Artefact("figure-matrices", figure_matrices, "heat maps of A, B, BᵀA and P (the paper's panels)"),
        Artefact("figure-final-losses", figure_losses, "histogram of the final losses over the random starts"),
    ),
)
