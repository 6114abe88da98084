"""Figure 6 (§6 'Change in the context distribution', §5.3): positional-encoding-only training."""

from __future__ import annotations

import numpy as np

from ...claim import Check, CheckOutcome, Claim, RunContext

CLAIM_ID = "fig6"
MUS = (50.0, 100.0, 200.0, 300.0)
T_MAX = 30
N_EXAMPLES = 10_000
LOSS_THRESHOLD = 1e-3

#: Toeplitz criterion: the diagonal index explains at least this fraction of the variance of the extra
#: coefficients (R^2 of the diagonal-averaged projection), while the row-shuffled null does not.
TOEPLITZ_R2 = 0.75
#: "Far from p*": ||P - P*||_F >= FAR * ||P*||_F.
FAR = 0.5
#: "Close to the minimum-norm solution": ||P - P_mn||_F <= CLOSE * ||P - P*||_F.
CLOSE = 0.2
#: Printed "P_{T-1,T} close to 1": mean |P_{T-1,T} - 1| over rows below this.
SUPERDIAG_TOL = 0.2

_CACHE: dict = {}


def _train(ctx: RunContext) -> dict:
    """Train the PE-only model for every μ (cached per seed/profile): GD from 0, stop at loss < 1e-3."""
    from ical_verify.models.positional_only import (PositionalOnlyConfig, min_norm_at_loss, sample_contexts,
                                           sufficient_statistics, train_gd)

    key = (ctx.seed, ctx.profile)
    if key in _CACHE:
        return _CACHE[key]
    seeds = 1 if ctx.profile == "quick" else 5
    runs = {}
    for k, mu in enumerate(MUS):
        per_seed = []
        for s in range(seeds):
            cfg = PositionalOnlyConfig(t_max=T_MAX, mu=mu, n_examples=N_EXAMPLES, loss_threshold=LOSS_THRESHOLD)
            stats = sufficient_statistics(sample_contexts(cfg, ctx.rng(100 + 10 * k + s)), T_MAX)
            res = train_gd(stats, LOSS_THRESHOLD, max_iters=cfg.max_iters)
            P_mn, gamma = min_norm_at_loss(stats, res.final_loss)
            per_seed.append({"stats": stats, "result": res, "P_mn": P_mn, "gamma": gamma})
        runs[mu] = per_seed
        ctx.report("fig6: training", k + 1, len(MUS))
    _CACHE.clear()
    _CACHE[key] = runs
    return runs


def toeplitz_r2(P: np.ndarray) -> float:
    """Fraction of the variance of the extra coefficients (support minus superdiagonal) explained by the
    diagonal-averaged projection."""
    from ical_verify.models.positional_only import support_mask, toeplitz_projection

    mask = support_mask(P.shape[1]).copy()
    i, j = np.nonzero(mask)
    mask[i[j == i + 1], j[j == i + 1]] = False
    x = P[mask]
    r = (P - toeplitz_projection(P, True))[mask]
    return float(1 - np.sum(r ** 2) / np.sum((x - x.mean()) ** 2))


def _shuffled(P: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    Q = P.copy()
    for i in range(P.shape[0]):
        Q[i, : i + 1] = rng.permutation(P[i, : i + 1])   # shuffle the extra coefficients of each row
    return Q


def toeplitz_outcome(P_by_mu: dict, rng: np.random.Generator) -> CheckOutcome:
    from ical_verify.models.positional_only import cosine_positional_encoding, toeplitz_deviation

    rows = []
    ok = True
    for mu, P in P_by_mu.items():
        r2 = toeplitz_r2(P)
        null = toeplitz_r2(_shuffled(P, rng))
        dev = toeplitz_deviation(P)
        ok &= r2 >= TOEPLITZ_R2 and null < TOEPLITZ_R2
        # where the residual sits: rows T <= 7 or the first column (t' = 1)
        from ical_verify.models.positional_only import support_mask, toeplitz_projection
        m = support_mask(P.shape[1]).copy()
        ii, jj = np.nonzero(m)
        m[ii[jj == ii + 1], jj[jj == ii + 1]] = False
        R2 = np.where(m, P - toeplitz_projection(P, True), 0.0) ** 2
        edge = np.zeros_like(m)
        edge[:6] = True
        edge[:, 0] = True
        edge_share = float(R2[edge & m].sum() / R2.sum())
        edge_size = float((edge & m).sum() / m.sum())
        rows.append({"mu": mu, "R2_diagonal": r2, "R2_row_shuffled_null": null,
                     "relative_deviation_from_projection": dev,
                     "residual_share_rows_T_le_7_or_first_column": edge_share,
                     "entry_share_rows_T_le_7_or_first_column": edge_size})
    pe = cosine_positional_encoding(T_MAX + 1)
    G = pe @ pe.T
    idx = np.arange(T_MAX + 1)
    cos_dev = float(max(np.ptp(np.diagonal(G, k)) for k in range(-T_MAX, T_MAX + 1)))
    return CheckOutcome(
        passed=bool(ok),
        detail=("Invariance across diagonals of the trained P (extra coefficients, P_{T-1,T} masked as in the "
                "figure): R^2 of the diagonal-averaged projection per mu = "
                + ", ".join(f"{r['mu']:g}: {r['R2_diagonal']:.3f}" for r in rows)
                + f" (threshold {TOEPLITZ_R2}); row-shuffled null R^2 = "
                + ", ".join(f"{r['R2_row_shuffled_null']:.3f}" for r in rows)
                + "; relative deviation ||P - proj|| / ||P|| = "
                + ", ".join(f"{r['relative_deviation_from_projection']:.3f}" for r in rows)
                + ". Share of the squared residual in rows T <= 7 or the first column: "
                + ", ".join(f"{r['residual_share_rows_T_le_7_or_first_column']:.2f}" for r in rows)
                + f" (these hold {rows[0]['entry_share_rows_T_le_7_or_first_column']:.2f} of the entries). "
                + f"The cosine PE Gram "
                f"pp^T is exactly Toeplitz (max spread along a diagonal {cos_dev:.1e})."),
        metrics={"per_mu": rows, "threshold_R2": TOEPLITZ_R2, "cosine_pe_max_diagonal_spread": cos_dev,
                 "positions": int(idx.size)},
    )


def check_early_stopping(ctx: RunContext) -> CheckOutcome:
    runs = _train(ctx)
    rows = [{"mu": mu, "seed": s, "iterations": r["result"].iterations, "final_loss": r["result"].final_loss,
             "stopped_early": r["result"].stopped_early, "lr": r["result"].lr}
            for mu, per in runs.items() for s, r in enumerate(per)]
    ok = all(r["stopped_early"] for r in rows)
    return CheckOutcome(
        passed=ok,
        detail=(f"Full-batch GD from P = 0 (lr = 1/L, L the largest Hessian eigenvalue of the averaged loss), "
                f"n = {N_EXAMPLES}, T_max = {T_MAX}: the loss falls below {LOSS_THRESHOLD:g} after "
                + ", ".join(f"{r['iterations']} (mu = {r['mu']:g})" for r in rows)
                + " iterations."),
        metrics={"runs": rows},
    )


def check_toeplitz(ctx: RunContext) -> CheckOutcome:
    runs = _train(ctx)
    return toeplitz_outcome({mu: per[0]["result"].P for mu, per in runs.items()}, ctx.rng(7))


def distance_outcome(runs: dict) -> CheckOutcome:
    from ical_verify.models.positional_only import optimum

    P_star = optimum(T_MAX)
    ns = float(np.linalg.norm(P_star))
    rows = []
    ok = True
    for mu, per in runs.items():
        for s, r in enumerate(per):
            P, P_mn = r["result"].P, r["P_mn"]
            d_star = float(np.linalg.norm(P - P_star))
            d_mn = float(np.linalg.norm(P - P_mn))
            ok &= d_star >= FAR * ns and d_mn <= CLOSE * d_star
            rows.append({"mu": mu, "seed": s, "norm_P": float(np.linalg.norm(P)), "norm_P_minnorm":
                         float(np.linalg.norm(P_mn)), "norm_P_star": ns, "dist_P_Pstar_rel": d_star / ns,
                         "dist_P_Pminnorm_rel": d_mn / ns, "ratio_dmn_over_dstar": d_mn / d_star if d_star > 0 else float("inf"),
                         "ridge_gamma": r["gamma"], "loss_P_star": float(r["stats"].loss(P_star))})
    return CheckOutcome(
        passed=bool(ok),
        detail=("Early-stopped GD reaches the loss threshold far from p* and close to the minimum-norm solution "
                "of the same empirical least-squares problem at the same loss (min ||P||_F s.t. L(P) <= L(P_GD), "
                "a ridge solution found by bisection): ||P - P*||/||P*|| = "
                + ", ".join(f"{r['dist_P_Pstar_rel']:.3f}" for r in rows)
                + f" (>= {FAR} required); ||P - P_mn||/||P - P*|| = "
                + ", ".join(f"{r['ratio_dmn_over_dstar']:.3f}" for r in rows)
                + f" (<= {CLOSE} required), for mu = {list(runs)}. ||P||_F = "
                + ", ".join(f"{r['norm_P']:.2f}" for r in rows)
                + f" < ||P*||_F = {ns:.2f}; P* has empirical loss {rows[0]['loss_P_star']:.1e} (exact zero-loss "
                "solution), so the unregularised least-squares solution is P* itself."),
        metrics={"runs": rows, "far_threshold": FAR, "close_threshold": CLOSE},
    )


def check_distance(ctx: RunContext) -> CheckOutcome:
    return distance_outcome(_train(ctx))


def check_superdiagonal(ctx: RunContext) -> CheckOutcome:
    runs = _train(ctx)
    rows = []
    ok = True
    for mu, per in runs.items():
        P = per[0]["result"].P
        sd = P[np.arange(T_MAX - 1), np.arange(1, T_MAX)]
        dev = float(np.mean(np.abs(sd - 1)))
        ok &= dev < SUPERDIAG_TOL
        rows.append({"mu": mu, "P_T-1,T": sd.tolist(), "mean_abs_minus_1": dev, "min": float(sd.min()),
                     "max": float(sd.max())})
    return CheckOutcome(
        passed=bool(ok),
        detail=("Printed: 'we mask coefficients P_{T-1,T} (which are close to 1 after training)'. Measured with "
                "the stated protocol: P_{T-1,T} ranges over "
                + "; ".join(f"mu = {r['mu']:g}: [{r['min']:.2f}, {r['max']:.2f}]" for r in rows)
                + f" (mean |P_(T-1,T) - 1| tolerance {SUPERDIAG_TOL}). "
                "Not close to 1: early stopping at 1e-3 leaves the weight spread over the recent tokens. Step-size "
                "and threshold sensitivity are measured in the corrected check."),
        metrics={"per_mu": rows, "tolerance": SUPERDIAG_TOL},
    )


def check_superdiagonal_corrected(ctx: RunContext) -> CheckOutcome:
    """What holds: P_{T-1,T} is the largest coefficient of its row and lies well below 1; sensitivity."""
    from ical_verify.models.positional_only import train_gd

    runs = _train(ctx)
    rows = []
    ok = True
    for mu, per in runs.items():
        stats = per[0]["stats"]
        P = per[0]["result"].P
        largest = [bool(np.argmax(P[i, : i + 2]) == i + 1) for i in range(T_MAX - 1)]
        sd = P[np.arange(T_MAX - 1), np.arange(1, T_MAX)]
        slow = train_gd(stats, LOSS_THRESHOLD, lr=0.3 / stats.lipschitz(), max_iters=50_000)
        strict = train_gd(stats, LOSS_THRESHOLD / (T_MAX - 1), max_iters=200_000)
        sd_strict = strict.P[np.arange(T_MAX - 1), np.arange(1, T_MAX)]
        lr_diff = float(np.abs(slow.P - P).max())
        ok &= all(largest) and float(sd.max()) < 1 - SUPERDIAG_TOL and lr_diff < 1e-2
        rows.append({"mu": mu, "superdiagonal_is_row_max": int(sum(largest)), "rows": T_MAX - 1,
                     "superdiag_mean": float(sd.mean()), "max_abs_change_lr_0.3/L": lr_diff,
                     "strict_threshold_superdiag_mean": float(sd_strict.mean()),
                     "strict_threshold_superdiag_last_row": float(sd_strict[-1]),
                     "strict_threshold_iterations": strict.iterations})
    return CheckOutcome(
        passed=bool(ok),
        detail=("P_{T-1,T} is the largest coefficient of each row (" + ", ".join(
            f"{r['superdiagonal_is_row_max']}/{r['rows']}" for r in rows) + " rows) but lies well below 1: means "
                + ", ".join(f"{r['superdiag_mean']:.2f}" for r in rows)
                + f" for mu = {list(runs)}; the trained P is step-size independent (max change with lr = 0.3/L: "
                + ", ".join(f"{r['max_abs_change_lr_0.3/L']:.1e}" for r in rows)
                + "); with the threshold divided by 29 (a sum over T instead of a mean) the superdiagonal means are "
                + ", ".join(f"{r['strict_threshold_superdiag_mean']:.2f}" for r in rows) + "."),
        metrics={"per_mu": rows},
        corrected=(r"\text{After early-stopped GD, } P_{T-1,T} \text{ is the largest coefficient of row } T-1 "
                   r"\text{ but is not close to 1 (0.1 to 0.65 for } \mu \in \{50,100,200,300\}\text{)}."),
    )


#: Smoothness criterion: median over rows of ||second difference|| / ||row - mean|| below this fraction of
#: the same statistic for the row-shuffled null (white noise gives about sqrt(6)).
SMOOTH_FRACTION = 0.25


def roughness(row: np.ndarray) -> float:
    """||second difference of row|| / ||row - mean(row)||."""
    return float(np.linalg.norm(np.diff(row, 2)) / np.linalg.norm(row - row.mean()))


def smoothness_outcome(P_by_mu: dict, rng: np.random.Generator) -> CheckOutcome:
    rows = []
    ok = True
    for mu, P in P_by_mu.items():
        rough, null = [], []
        for i in range(8, P.shape[0]):               # rows with >= 9 extra coefficients (T >= 10)
            extra = P[i, : i + 1]                     # P_{T-1,t}, t < T (P_{T-1,T} masked)
            rough.append(roughness(extra))
            null.append(roughness(rng.permutation(extra)))
        med, med_null = float(np.median(rough)), float(np.median(null))
        ok &= med < SMOOTH_FRACTION * med_null
        rows.append({"mu": mu, "median_roughness": med, "median_roughness_shuffled": med_null})
    return CheckOutcome(
        passed=bool(ok),
        detail=("'Each row P_t has a smooth behavior with t'': median over rows (T >= 10, P_{T-1,T} masked) of "
                "||second difference|| / ||row - mean|| = "
                + ", ".join(f"{r['median_roughness']:.3f} (mu = {r['mu']:g})" for r in rows)
                + "; row-shuffled null: " + ", ".join(f"{r['median_roughness_shuffled']:.2f}" for r in rows)
                + f"; criterion: below {SMOOTH_FRACTION} x null."),
        metrics={"per_mu": rows, "fraction": SMOOTH_FRACTION},
    )


def check_smoothness(ctx: RunContext) -> CheckOutcome:
    runs = _train(ctx)
    return smoothness_outcome({mu: per[0]["result"].P for mu, per in runs.items()}, ctx.rng(8))


def _spearman(x: np.ndarray) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(np.arange(x.size), x).statistic)


def check_recency(ctx: RunContext) -> CheckOutcome:
    runs = _train(ctx)
    rows = []
    for mu, per in runs.items():
        last = per[0]["result"].P[-1, :-1]       # extra coefficients of the last row (P_{T-1,T} masked)
        rows.append({"mu": mu, "spearman_position_vs_P": _spearman(last)})
    rho = [r["spearman_position_vs_P"] for r in rows]
    ok = bool(np.all(np.diff(rho) > 0) and rho[-1] >= 0.8)
    return CheckOutcome(
        passed=ok,
        detail=("'For high mu the most recent tokens are more informative': Spearman correlation between position "
                "and the last row's extra coefficients = "
                + ", ".join(f"{r['spearman_position_vs_P']:.2f} (mu = {r['mu']:g})" for r in rows)
                + "; criterion: increasing in mu and >= 0.8 at mu = 300."),
        metrics={"per_mu": rows},
    )


def check_figure(ctx: RunContext) -> CheckOutcome:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ical_verify.models.positional_only import cosine_positional_encoding, optimum, support_mask

    runs = _train(ctx)
    fig, axes = plt.subplots(2, 5, figsize=(20, 7.5))
    mask = support_mask(T_MAX)
    for k, (mu, per) in enumerate(runs.items()):
        P = per[0]["result"].P
        D = np.where(mask, P, np.nan)
        D[np.arange(T_MAX - 1), np.arange(1, T_MAX)] = np.nan          # mask P_{T-1,T} as in the paper
        im = axes[0, k].imshow(D, cmap="viridis")
        axes[0, k].set_title(rf"$P$, $\mu$ = {mu:g} ($P_{{T-1,T}}$ masked)")
        axes[0, k].set_xlabel("t'")
        axes[0, k].set_ylabel("row T - 1")
        fig.colorbar(im, ax=axes[0, k], fraction=0.046)
        t = np.arange(1, T_MAX + 1)
        axes[1, k].plot(t, P[-1], "o-", ms=3, label="trained P (last row)")
        axes[1, k].plot(t, per[0]["P_mn"][-1], "--", label="min-norm at same loss")
        axes[1, k].plot(t, optimum(T_MAX)[-1], ":", color="grey", label=r"$p^* = \delta_{t=T}$")
        axes[1, k].set_ylim(-0.15, 1.05)
        axes[1, k].set_xlabel("t'")
        axes[1, k].legend(fontsize=7)
    pe = cosine_positional_encoding(T_MAX)
    G = pe @ pe.T
    im = axes[0, 4].imshow(G, cmap="viridis")
    axes[0, 4].set_title(r"cosine PE: $pp^\top$")
    fig.colorbar(im, ax=axes[0, 4], fraction=0.046)
    axes[1, 4].plot(np.arange(1, T_MAX + 1), G[-1], "o-", ms=3)
    axes[1, 4].set_title(r"last row of $pp^\top$")
    fig.suptitle(f"Fig. 6 reproduction: PE-only training, n = {N_EXAMPLES}, T_max = {T_MAX}, "
                 f"GD from 0 stopped at loss < {LOSS_THRESHOLD:g}")
    fig.tight_layout()
    path = ctx.figure_path(CLAIM_ID, "positional-encodings.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return CheckOutcome(passed=True, detail=f"Figure written: {path} (P heat maps, last rows, cosine PE pp^T).",
                        metrics={"figure": str(path)}, figures=[str(path)])


CLAIM = Claim(
    id="fig6",
    kind="experiment",
    title="Positional-encoding-only training under W(mu) (Figure 6)",
    source="§6 'Change in the context distribution' and Figure 6; §5.3 and Proposition 7",
    order=106,
    statement=(
        r"Change in the context distribution. We consider the setting of §5.3, using the empirical loss "
        r"counterpart of (7), averaged over $T \in \{2, \dots, T_{\max}\}$. We generate a dataset with $10^4$ "
        r"examples and $T_{\max} = 30$. We train our positional encoding-only model with gradient descent and stop "
        r"training (early stopping) when the loss is smaller than $10^{-3}$. We initialize $P_{t,t'} = 0$. Results "
        r"are in Figure 6, where we mask coefficients $P_{T-1,T}$ (which are close to 1 after training) in the "
        r"display to investigate the behavior of the extra coefficients. We observe that the trained positional "
        r"encoding exhibits an invariance across diagonals. Importantly, each row $P_t$ has a smooth behavior with "
        r"$t'$, that we compare to absolute cosine positional encodings (Vaswani et al., 2017). "
        r"\textit{Figure 6.} Left: Positional encodings after training for $\mu \in \{50, 100, 200, 300\}$. The "
        r"first raw corresponds to the matrix P, and the second raw to a plot of its last raw. Right: Comparison "
        r"with the cosine absolute positional encoding standardly used in machine translation (Vaswani et al., "
        r"2017) (we display $pp^{\top}$). In both cases, we observe an invariance across diagonals. In addition, "
        r"for high $\mu$ (i.e. small variations of the context), the most recent tokens are more informative, as "
        r"imposed by the inductive prior of the cosine positional encoding. "
        r"(§5.3:) Therefore, for large $\mu$, H in Proposition 7 is poorly conditioned. In such a setting, "
        r"gradient descent, even with a large number of iterations, induces a $\ell_2$ regularization (Yao et "
        r"al., 2007). As an informal consequence, approximate solutions computed by gradient descent "
        r"significantly deviate from the optimal $p^*$."
    ),
    definitions={
        "(7)": (r"\min_{p \in \mathbb{R}^T} l(p) := \mathbb{E}_{\lambda \sim \mathcal{W}(\mu)} |\sum_{t=1}^T "
                r"p_t \lambda^{2t-T} - \lambda^T|^2"),
        r"\mathcal{W}(\mu)": r"\lambda = e^{i\theta/\mu},\ \theta \sim \mathcal{U}(0, 2\pi)",
        "empirical loss": (r"L(P) = \frac{1}{T_{\max}-1}\sum_{T=2}^{T_{\max}} \frac{1}{n}\sum_k |\sum_{t\le T} "
                           r"P_{T-1,t}\lambda_k^{2t-T} - \lambda_k^T|^2"),
    },
    assumptions=("Full-batch gradient descent with step 1/L (L = largest Hessian eigenvalue of L(P)); the paper "
                 "does not state the step size (the result is step-size independent, checked).",
                 "Cosine PE: d_model = 64, base 10000 (Vaswani et al., 2017); the paper does not state d_model."),
    conventions=("'raw' in the caption is read as 'row'.",),
    checks=(
        Check("early-stopping-reached", "trained-model", "printed", check_early_stopping,
              "GD from P = 0 reaches loss < 1e-3"),
        Check("toeplitz-invariance", "trained-model", "printed", check_toeplitz,
              "invariance across diagonals, quantified against a row-shuffled null"),
        Check("smooth-rows", "trained-model", "printed", check_smoothness,
              "rows of P are smooth in t' (second differences vs a shuffled null)"),
        Check("far-from-p-star-near-min-norm", "trained-model", "printed", check_distance,
              "distance to p* and to the minimum-norm solution at the same loss"),
        Check("superdiagonal-close-to-1", "trained-model", "printed", check_superdiagonal,
              "the masked coefficients P_{T-1,T} after training"),
        Check("superdiagonal-measured", "trained-model", "corrected", check_superdiagonal_corrected,
              "what holds for P_{T-1,T}; step-size and threshold sensitivity"),
        Check("recency-at-high-mu", "trained-model", "printed", check_recency,
              "last-row weight increases toward recent tokens for high mu"),
        Check("figure", "trained-model", "printed", check_figure, "Figure 6 reproduction (PNG)"),
    ),
)
