"""Figure 3 (§5): model (6) trained from random initialisation recovers the structure of Propositions 3 and 6."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ...claim import Check, CheckOutcome, Claim
from ._common import ASSUMPTION_1, ASSUMPTION_3, CONVERSION_NOTE, LOSS_3, MODEL_6

D, T_MAX = 10, 15
HEADS = {"unitary": 10, "orthogonal": 8}
INIT_SCALE = 0.1          # standard deviation of the Gaussian initialisation of A, B and P
EXACT_TOL = 1e-8          # exact population loss after training (a)
STRUCTURE_TOL = 1e-3      # relative mass outside the predicted patterns


def _settings(profile: str) -> dict:
    if profile == "quick":
        return {"max_iter": 150, "attempts": 4, "sweep": {"unitary": 1, "orthogonal": 2}, "sweep_iter": 40,
                "adam_steps": 2000, "batch": 32}
    return {"max_iter": 1000, "attempts": 10, "sweep": {"unitary": 10, "orthogonal": 20}, "sweep_iter": 400,
            "adam_steps": 6000, "batch": 64}


def _run_seed(seed: int, context: str, offset: int) -> int:
    return int(np.random.default_rng([seed, 300 + offset, len(context)]).integers(2**31))


@lru_cache(maxsize=8)
def _exact_attempts(seed: int, profile: str, context: str):
    """Training (a): L-BFGS (strong Wolfe) on the exact closed-form population loss (3), from successive random
    initialisations until one reaches the tolerance (at most ``attempts``); every attempt is recorded."""
    import torch

    from ical_verify.models.diagonal_attention import DiagonalAttentionConfig
    from ical_verify.models.train_diagonal import train_exact

    torch.set_num_threads(2)
    s = _settings(profile)
    cfg = DiagonalAttentionConfig(d=D, heads=HEADS[context], T_max=T_MAX, init_scale=INIT_SCALE)
    attempts = []
    for k in range(s["attempts"]):
        r = train_exact(cfg, context, _run_seed(seed, context, 100 + k), target=1e-11, max_iter=s["max_iter"])
        attempts.append(r)
        if r.loss <= EXACT_TOL:
            break
    return attempts


def _exact_run(seed: int, profile: str, context: str):
    """The run shown and checked: the first attempt that reached the tolerance (else the last one)."""
    return _exact_attempts(seed, profile, context)[-1]


@lru_cache(maxsize=8)
def _sampled_run(seed: int, profile: str, context: str):
    """Training (b): Adam on fresh minibatches of AR sequences (cosine learning-rate decay)."""
    import torch

    from ical_verify.models.diagonal_attention import DiagonalAttentionConfig
    from ical_verify.models.train_diagonal import train_sampled

    torch.set_num_threads(1)          # small tensors: one thread is faster than two
    s = _settings(profile)
    cfg = DiagonalAttentionConfig(d=D, heads=HEADS[context], T_max=T_MAX, init_scale=INIT_SCALE)
    return train_sampled(cfg, context, _run_seed(seed, context, 1), steps=s["adam_steps"], batch=s["batch"],
                         lr=3e-2)


def _arrays(model):
    C = model.C().detach().numpy()
    P = model.positional().detach().numpy()
    return model.A.detach().numpy(), model.B.detach().numpy(), C, P


def _shape_metrics(C: np.ndarray, P: np.ndarray, context: str) -> dict:
    """Finer structure: Prop 3 (C = cI, P_(T-1,T) C_ii = 1) or Prop 6 / Lemma 3 (blocks c·J, p_T = -2 p_(T-1))."""
    rows = np.arange(T_MAX - 1)
    pT, pT1 = P[rows, rows + 1], P[rows, rows]
    diag = np.diag(C)
    out = {"pT_times_Cii_range": [float((pT[:, None] * diag[None, :]).min()),
                                  float((pT[:, None] * diag[None, :]).max())]}
    if context == "orthogonal":
        partner = np.arange(D) ^ 1
        out["partner_over_diagonal"] = [float(x) for x in C[np.arange(D), partner] / diag]
        out["pT_over_pTm1"] = [float(x) for x in pT / pT1]
    return out


def _structure(model, context: str) -> dict:
    from ical_verify.numerics.diagonal_structure import structure_report

    _, _, C, P = _arrays(model)
    rep = structure_report(C, P, context)
    out = rep.to_json()
    out.update(_shape_metrics(C, P, context))
    sv = np.asarray(rep.singular_values)
    out["sv_ratio_after_delta"] = float(sv[D // 2] / sv[0])
    return out


def _structure_ok(s: dict, context: str) -> bool:
    ok = s["C_outside"] <= STRUCTURE_TOL and s["P_outside"] <= STRUCTURE_TOL
    lo, hi = s["pT_times_Cii_range"]
    ok &= abs(lo - 1) <= STRUCTURE_TOL and abs(hi - 1) <= STRUCTURE_TOL
    if context == "orthogonal":
        # H = 8 < d: Proposition 6 forces rank δ = 5, i.e. blocks c·J and p_T = -2 p_(T-1) (Lemma 3 up to scale)
        ok &= s["sv_ratio_after_delta"] <= STRUCTURE_TOL
        ok &= max(abs(x - 1) for x in s["partner_over_diagonal"]) <= STRUCTURE_TOL
        ok &= max(abs(x + 2) for x in s["pT_over_pTm1"]) <= 10 * STRUCTURE_TOL
    return ok


def check_exact_loss(ctx) -> CheckOutcome:
    """(a): the exact population loss after L-BFGS training from random initialisation is <= 1e-8 (first of at
    most ``attempts`` random starts that gets there; all attempts and a further seed sweep are reported)."""
    from ical_verify.models.diagonal_attention import DiagonalAttentionConfig
    from ical_verify.models.train_diagonal import train_exact

    rows, ok = {}, True
    for context in ("unitary", "orthogonal"):
        ctx.report("fig3: exact-loss training", len(rows), 2)
        attempts = _exact_attempts(ctx.seed, ctx.profile, context)
        r = attempts[-1]
        rows[context] = {"heads": HEADS[context], **r.to_json(), "attempts": len(attempts),
                         "attempt_losses": [a.loss for a in attempts]}
        ok &= r.loss <= EXACT_TOL
    # robustness over further random initialisations
    s = _settings(ctx.profile)
    sweep = {}
    for context in ("unitary", "orthogonal"):
        finals, partner = [], []
        for k in range(s["sweep"][context]):
            cfg = DiagonalAttentionConfig(d=D, heads=HEADS[context], T_max=T_MAX, init_scale=INIT_SCALE)
            r = train_exact(cfg, context, _run_seed(ctx.seed, context, 10 + k), target=1e-12,
                            max_iter=s["sweep_iter"])
            finals.append(r.loss)
            if context == "orthogonal":
                C = r.model.C().detach().numpy()
                partner.append(float(np.median(C[np.arange(D), np.arange(D) ^ 1] / np.diag(C))))
        sweep[context] = {"final_losses": finals, "reached": int(sum(f <= EXACT_TOL for f in finals)),
                          "runs": len(finals), "max_iter": s["sweep_iter"]}
        if partner:
            sweep[context]["median_C_partner_over_C_diag"] = partner
    o = sweep["orthogonal"]
    stalled = [r for f, r in zip(o["final_losses"], o.get("median_C_partner_over_C_diag", [])) if f > EXACT_TOL]
    detail = (f"L-BFGS on the exact loss (3) (closed forms verified in prop4/prop6), Gaussian init (std {INIT_SCALE}): "
              f"unitary H=10 loss {rows['unitary']['loss']:.2e} after {rows['unitary']['iterations']} L-BFGS steps "
              f"(random start {rows['unitary']['attempts']} of at most {s['attempts']}); orthogonal H=8 loss "
              f"{rows['orthogonal']['loss']:.2e} after {rows['orthogonal']['iterations']} steps (random start "
              f"{rows['orthogonal']['attempts']}; losses of the starts tried: "
              + ", ".join(f"{x:.1e}" for x in rows['orthogonal']['attempt_losses'])
              + f") (tolerance {EXACT_TOL:g}, at most {s['max_iter']} steps per start). Further starts: unitary {sweep['unitary']['reached']}/{sweep['unitary']['runs']}, "
              f"orthogonal {o['reached']}/{o['runs']} reach {EXACT_TOL:g} within {s['sweep_iter']} steps.")
    if stalled:
        detail += (" The orthogonal starts that did not reach it end with median C_(i,ī)/C_ii = "
                   + ", ".join(f"{x:.3f}" for x in stalled)
                   + " (+1 is the Lemma 3 branch; values near -1 mean the run drifts along the valley "
                   "C_(i,ī) -> -C_ii, p_(T-1)/p_T -> +inf, where the loss tends to 0 only as parameters diverge).")
    return CheckOutcome(ok, detail, {"runs": rows, "seed_sweep": sweep, "tolerance": EXACT_TOL,
                                     "optimizer": "torch L-BFGS, strong Wolfe, history 50, 50 inner iterations"})


def _structure_check(kind: str):
    def run(ctx) -> CheckOutcome:
        rows, ok, reached_loss = {}, True, {}
        for context in ("unitary", "orthogonal"):
            r = (_exact_run if kind == "exact" else _sampled_run)(ctx.seed, ctx.profile, context)
            s = _structure(r.model, context)
            s_ok = _structure_ok(s, context)
            rows[context] = {"structure": s, "within_tolerance": s_ok, **r.to_json()}
            ok &= s_ok
            reached_loss[context] = r.loss
        what = ("(a) exact-loss L-BFGS" if kind == "exact" else
                f"(b) Adam on fresh minibatches ({_settings(ctx.profile)['adam_steps']} steps of "
                f"{_settings(ctx.profile)['batch']} sequences, lr 3e-2 cosine)")
        u, o = rows["unitary"]["structure"], rows["orthogonal"]["structure"]
        detail = (f"{what}: relative mass outside the predicted pattern (tolerance {STRUCTURE_TOL:g}): unitary C "
                  f"{u['C_outside']:.1e}, P {u['P_outside']:.1e}; orthogonal C {o['C_outside']:.1e}, P "
                  f"{o['P_outside']:.1e}, σ_6/σ_1 = {o['sv_ratio_after_delta']:.1e} (rank δ = 5 predicted for H = 8 < d); "
                  f"exact losses {reached_loss['unitary']:.1e} / {reached_loss['orthogonal']:.1e}. "
                  + ("Structure of Propositions 3 and 6 recovered." if ok else
                     "The predicted structure is NOT reached within the tolerance in this budget."))
        passed: bool | None = ok
        if not ok and kind == "sampled":
            # a minibatch run that has not reached the structure in this budget cannot decide the figure's claim
            passed = None
            notes = []
            for context in ("unitary", "orthogonal"):
                if rows[context]["within_tolerance"]:
                    continue
                h = _sampled_run(ctx.seed, ctx.profile, context).history
                half = len(h) // 2
                notes.append(f"{context}: minibatch loss median {np.median(h[half - 100:half]):.2e} at mid-run, "
                             f"{np.median(h[-100:]):.2e} at the end")
                if context == "orthogonal":
                    notes[-1] += (", median C_(i,ī)/C_ii = "
                                  f"{np.median(rows[context]['structure']['partner_over_diagonal']):.3f}")
            detail += (" INCONCLUSIVE: minibatch training did not reach the tolerance within this budget ("
                       + "; ".join(notes) + "); the exact-loss run (a) decides the figure's claim.")
        return CheckOutcome(passed, detail, {"contexts": rows, "tolerance": STRUCTURE_TOL})

    return run


def check_figure(ctx) -> CheckOutcome:
    """A figure like the paper's Figure 3: A, B, BᵀA and P after training (a), unitary and orthogonal."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    for kind in ("exact", "sampled"):
        fig, axes = plt.subplots(2, 4, figsize=(15, 7.5))
        for row, context in enumerate(("unitary", "orthogonal")):
            r = (_exact_run if kind == "exact" else _sampled_run)(ctx.seed, ctx.profile, context)
            A, B, C, P = _arrays(r.model)
            for col, (name, M) in enumerate((("A", A), ("B", B), ("BᵀA", C), ("P", P))):
                ax = axes[row, col]
                v = float(np.abs(M).max()) or 1.0
                im = ax.imshow(M, cmap="RdBu_r", vmin=-v, vmax=v)
                ax.set_title(f"{context}, H={HEADS[context]}: {name}")
                fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
        fig.suptitle(f"Model (6) after training ({'exact population loss, L-BFGS' if kind == 'exact' else 'minibatch Adam'}"
                     f"), d={D}, T_max={T_MAX}, seed {ctx.seed}")
        fig.tight_layout()
        path = ctx.figure_path("fig3", f"{kind}.png")
        fig.savefig(path, dpi=90)
        plt.close(fig)
        paths.append(str(path))
    from pathlib import Path

    sizes = [Path(p).stat().st_size for p in paths]
    ok = all(s > 10_000 for s in sizes)
    return CheckOutcome(ok, f"Heat maps of A, B, BᵀA and P written: {paths} ({sizes} bytes).",
                        {"paths": paths, "bytes": sizes}, figures=paths)


CLAIM = Claim(
    id="fig3",
    kind="experiment",
    title="Figure 3: trained diagonal attention recovers Propositions 3 and 6",
    source="§5, Figure 3 (and §5.1 'We provide evidence for global convergence in Figure 3', §5.2)",
    order=103,
    statement=(
        r"Figure 3. Matrices A, B, $B^{T}A$ and P after training model (6) on loss (3) with random "
        r"initialization. We take d = 10 and T = 15. Left: Unitary context case with H = 10. Right: Orthogonal "
        r"context case, with H = 8 < d, which leads to low rank $B^{T}A$. In both cases, we obtain arbitrarily "
        r"small final loss. We recover parameters corresponding to our Propositions 3 and 6. "
        r"(§5.1: ``We provide evidence for global convergence in Figure 3.'' §5.2: ``We provide experimental "
        r"evidence for convergence in Figure 3.'')"
    ),
    definitions={"(3)": LOSS_3, "(6)": MODEL_6, "T": r"T = T_{\max} = 15\ \text{(loss (3) sums } T = 2..T_{\max})"},
    assumptions=(ASSUMPTION_1, ASSUMPTION_3),
    conventions=(CONVERSION_NOTE,
                 "Training (a) minimises the exact population loss (3) in closed form (corrected Proposition 4 for "
                 "C_U; the suite's C_O formula), both verified against the exact engine; training (b) uses Adam on "
                 "fresh minibatches of AR sequences s_t = λ^(t-1).",
                 "Only the entries of P read by (6) (row T-1, columns t <= T, T = 2..T_max) are trained and shown; "
                 "the others are masked to 0.",
                 f"Random initialisation: i.i.d. N(0, {INIT_SCALE}^2) entries of A, B (H x d) and P; seeds from --seed."),
    checks=(
        Check("exact-loss-training", "trained-model", "printed", check_exact_loss,
              "(a) exact-loss training reaches loss <= 1e-8 in both context types"),
        Check("structure-exact", "trained-model", "printed", _structure_check("exact"),
              "(a) learned BᵀA and P have the structure of Propositions 3 and 6 (tolerance 1e-3)"),
        Check("structure-sampled", "trained-model", "printed", _structure_check("sampled"),
              "(b) minibatch training: learned BᵀA and P have the predicted structure (tolerance 1e-3)"),
        Check("figure", "trained-model", "printed", check_figure, "heat maps of A, B, BᵀA and P (PNG)"),
    ),
)
