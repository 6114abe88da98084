"""Figure 5 (§6, "Augmented setting"): stacked model (4) with layer norm against L steps of GD on (5)."""

from __future__ import annotations

import functools
import time

import numpy as np

from ...claim import Check, CheckOutcome, Claim
from ._common import INNER_LOSS_5, MODEL_4

PROFILES = {
    # quick: CPU scale (2 cores, about a minute); full: the paper's scale (full-batch Adam steps = epochs)
    "quick": dict(d=5, Tmax=20, n_train=2 ** 10, n_test=2 ** 9, epochs=150, lr=5e-3, depths=(1, 2, 3, 4, 5, 6)),
    "full": dict(d=5, Tmax=50, n_train=2 ** 14, n_test=2 ** 10, epochs=2000, lr=5e-3, depths=(1, 2, 3, 4, 5, 6)),
}
COMPETITIVE_FACTOR = 2.0  # (a): MSE_TF(L) <= 2 MSE_GD(L) for L = 1, 2
ORDERS_FACTOR = 100.0  # (b): MSE_TF(L) >= 100 MSE_GD(L) for L = 4, 5, 6 ("orders of magnitude": at least two)


@functools.lru_cache(maxsize=4)
def run_experiment(seed: int, profile: str) -> dict:
    """Train the L-layer model for every depth and run L steps of GD with the best step size (cached)."""
    import torch

    from ical_verify.models.augmented_attention import AugmentedAttentionConfig, AugmentedTransformer, augment, prefix_loss
    from ical_verify.models.train_augmented import train
    from ical_verify.numerics.gd_inner_loss import best_step_size, least_squares_errors, per_prefix_best_errors
    from ical_verify.numerics.samplers import ar_sequences, haar_orthogonal

    p = PROFILES[profile]
    d, Tmax = p["d"], p["Tmax"]
    rng = np.random.default_rng([seed, 61])
    train_seqs = ar_sequences(haar_orthogonal(d, p["n_train"], rng), Tmax + 1)  # (n, T_max + 1, d)
    test_seqs = ar_sequences(haar_orthogonal(d, p["n_test"], rng), Tmax + 1)
    x, xt = torch.tensor(train_seqs), torch.tensor(test_seqs)
    E, tgt = augment(x[:, :Tmax], "zero"), x[:, 1:]
    Et, tgtt = augment(xt[:, :Tmax], "zero"), xt[:, 1:]
    per_T = Tmax - 1
    out = {"params": p, "tf": [], "gd": [], "gd_per_prefix": [], "tf_train": [], "tf_converged": [],
           "tf_init": [], "gd_last_prefix": [], "seconds": {}}
    t0 = time.perf_counter()
    for L in p["depths"]:
        torch.manual_seed(seed)
        model = AugmentedTransformer(AugmentedAttentionConfig(d=d, n_layers=L, layer_norm=True, init_scale=0.02),
                                     seed=seed * 100 + L)
        with torch.no_grad():
            out["tf_init"].append(float(prefix_loss(model, Et, tgtt)) / per_T)
        r = train(model, E, tgt, p["epochs"], p["lr"], lr_decay=False)
        with torch.no_grad():
            out["tf"].append(float(prefix_loss(model, Et, tgtt)) / per_T)
        out["tf_train"].append(r.final_loss / per_T)
        out["tf_converged"].append(r.relative_change(max(5, p["epochs"] // 10)))
        g = best_step_size(train_seqs[:512], L, etas=np.geomspace(1e-3, 0.3, 25), refine=15, test_seqs=test_seqs)
        out["gd"].append({"eta": g.eta, "mse": g.mse})
        pp = per_prefix_best_errors(test_seqs, L, np.geomspace(1e-3, 0.3, 41))
        out["gd_per_prefix"].append(float(pp.mean()))
        out["gd_last_prefix"].append(float(pp[-1]))  # T = T_max only, step tuned for it
        out["seconds"][f"L={L}"] = time.perf_counter() - t0
    out["gd_floor"] = float(least_squares_errors(test_seqs).mean())
    out["trivial_mse"] = float(d)  # predicting 0: ||s_{T+1}||^2 = d for orthogonal W and s_1 = 1_d
    return out


def _figure(ctx, res) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    Ls = res["params"]["depths"]
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    ax.semilogy(Ls, res["tf"], "o-", label="model (4), L layers + layer norm (test)")
    ax.semilogy(Ls, [g["mse"] for g in res["gd"]], "s-", label="L steps of GD on (5), best step (test)")
    ax.semilogy(Ls, res["gd_per_prefix"], "^--", label="GD, step tuned per prefix T")
    ax.axhline(res["gd_floor"], color="gray", ls=":", label="GD limit (min-norm least squares)")
    ax.set_xlabel("depth L / number of GD steps")
    ax.set_ylabel("MSE (mean over T = 2..T_max)")
    p = res["params"]
    ax.set_title(f"Fig. 5 reproduction ({ctx.profile}): d={p['d']}, T_max={p['Tmax']}, n={p['n_train']}, "
                 f"{p['epochs']} epochs", fontsize=8)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = ctx.figure_path("fig5", f"mse-vs-depth-{ctx.profile}.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return str(path)


def _summary(res) -> str:
    p = res["params"]
    rows = "; ".join(f"L={L}: TF {tf:.3g} (train {tr:.3g}, last-10% rel. change {cv:.1e}), GD {g['mse']:.3g} "
                     f"(eta {g['eta']:.3g}), GD per-T {gp:.3g}"
                     for L, tf, tr, cv, g, gp in zip(p["depths"], res["tf"], res["tf_train"], res["tf_converged"],
                                                     res["gd"], res["gd_per_prefix"]))
    return (f"Setup: Haar O({p['d']}) contexts, s_1 = 1_d, T_max = {p['Tmax']}, {p['n_train']} training and "
            f"{p['n_test']} test sequences, tokens e_t = (0, s_t, s_(t-1)) with s_0 = 0, L pre-norm layers of (4) "
            f"with full A, B (init N(0, 0.02^2)), Adam lr {p['lr']}, {p['epochs']} full-batch epochs, MSE = mean over "
            f"T = 2..T_max of ||prediction - s_(T+1)||^2. GD: L steps from W_0 = 0 on (5) per prefix, one step size "
            f"per L tuned on training sequences (log grid + golden section). {rows}. GD limit (L -> infinity, min-norm "
            f"least squares): {res['gd_floor']:.3g}; predicting 0: {res['trivial_mse']:.3g}.")


def competitive_check(ctx) -> CheckOutcome:
    res = run_experiment(ctx.seed, ctx.profile)
    path = _figure(ctx, res)
    idx = [i for i, L in enumerate(res["params"]["depths"]) if L in (1, 2)]
    ratios = [res["tf"][i] / res["gd"][i]["mse"] for i in idx]
    passed = all(r <= COMPETITIVE_FACTOR for r in ratios)
    return CheckOutcome(passed, f"Criterion (first layers competitive): MSE_TF(L) <= {COMPETITIVE_FACTOR:g} x "
                        f"MSE_GD(L) for L = 1, 2. Ratios TF/GD: {[round(r, 3) for r in ratios]}: {passed}. "
                        + _summary(res), {**res, "ratios_L1_L2": ratios}, figures=[path])


def orders_check(ctx) -> CheckOutcome:
    res = run_experiment(ctx.seed, ctx.profile)
    Ls = res["params"]["depths"]
    idx = [i for i, L in enumerate(Ls) if L > 3]
    ratios = [res["tf"][i] / res["gd"][i]["mse"] for i in idx]
    ratios_best = [res["tf"][i] / res["gd_per_prefix"][i] for i in idx]
    holds = all(r >= ORDERS_FACTOR for r in ratios)
    holds_best = all(r >= ORDERS_FACTOR for r in ratios_best)
    bound = ORDERS_FACTOR * res["gd_floor"]
    if not holds and not holds_best:
        passed, why = False, ("fails even against GD with the step tuned per prefix; an under-trained model can only "
                              "raise MSE_TF, so more training cannot rescue the claim")
    elif holds and max(abs(c) for c in res["tf_converged"]) > 1e-3:
        passed, why = None, "holds, but the model is not trained to tolerance (an under-trained TF favours the claim)"
    else:
        passed, why = (holds or holds_best), "holds with the model trained to tolerance"
    return CheckOutcome(passed, f"Criterion (GD better by orders of magnitude when L > 3): MSE_TF(L) >= "
                        f"{ORDERS_FACTOR:g} x MSE_GD(L) for L = 4, 5, 6. Ratios TF/GD (one step size): "
                        f"{[round(r, 3) for r in ratios]}; against GD with per-prefix steps: "
                        f"{[round(r, 3) for r in ratios_best]}. Verdict: {why}. TF-independent bound: GD from 0 cannot "
                        f"go below its limit {res['gd_floor']:.3g} (the T <= d prefixes are under-determined), so the "
                        f"claim would need MSE_TF >= {bound:.3g} while predicting 0 gives {res['trivial_mse']:.3g}. Reading the "
                        f"MSE at the last prefix T = T_max only: GD with the step tuned for it reaches "
                        f"{[round(v, 4) for v in res['gd_last_prefix']]} for L = 1..6, so 'orders of magnitude' would "
                        f"need a last-prefix TF error >= {ORDERS_FACTOR * min(res['gd_last_prefix'][3:]):.3g}. "
                        + _summary(res), {"ratios": ratios, "ratios_per_prefix_gd": ratios_best,
                                          "required_tf_mse": bound, "trivial_mse": res["trivial_mse"],
                                          "gd_last_prefix": res["gd_last_prefix"]})


CLAIM = Claim(
    id="fig5",
    kind="experiment",
    title="Stacked linear attention on augmented tokens against gradient descent (Figure 5)",
    source="§6, 'Augmented setting', Figure 5 (caption missing from the converted text); Appendix B",
    order=105,
    statement=(
        r"We iterate relation (4) with several layers, using layer normalization (Ba et al., 2016). We consider "
        r"depth values from 1 to 6. We generate a dataset with $n = 2^{14}$ sequences with $T_{\text{max}} = 50$ and "
        r"d = 5 (therefore $e_t \in \mathbb{R}^{15}$) for training. We test using another dataset with $2^{10}$ "
        r"sequences of the same shape. We train for 2000 epochs with Adam (Kingma \& Ba, 2014) and a learning rate of "
        r"$5 \times 10^{-3}$ [...] We compare the error with L steps of gradient descent on the inner loss (5), with a "
        r"step size carefully chosen to obtain the fastest decrease. We find out that even though the first "
        r"Transformer layers are competitive with gradient descent, the latter outperforms the Transformer by order "
        r"of magnitudes when L > 3. Results are displayed in Figure 5. (Appendix B: The experiment displayed in "
        r"Figure 5 shows that linear attention fails to compete with gradient descent when there are more than 2 "
        r"layers.)"
    ),
    definitions={
        "(4)": MODEL_4,
        "(5)": INNER_LOSS_5,
        "MSE": (r"\ell(\Theta) := \sum_{T=2}^{T_{\max}} \frac1n \sum_{i=1}^n \|\mathcal{T}^L_\Theta(e^i_{1:T}) - "
                r"s^i_T\|^2\ \text{(printed with } s_T\text{; the prediction target is } s_{T+1}\text{ as in (3))}"),
        "contexts": r"W \sim \text{Haar}(O(d)) \text{ (non-commuting, §6)},\ s_1 = 1_d",
    },
    assumptions=("No Assumption 1 or 2: full A, B per layer, general orthogonal W.",),
    conventions=(
        "s_0 = 0 (zero padding) for the first token.",
        "Layer norm placement is not given; pre-norm residual layers E <- E + layer(LN(E)) are used.",
        "MSE is reported per prefix (divided by T_max - 1); the printed target s_T is read as s_{T+1}.",
        "Quick profile: d = 5, T_max = 20, 2^10 train / 2^9 test, 150 full-batch epochs (CPU); full: the paper's scale.",
    ),
    checks=(
        Check("first-layers-competitive", "trained-model", "printed", competitive_check,
              "MSE_TF(L) <= 2 MSE_GD(L) for L = 1, 2"),
        Check("gd-orders-better-for-L-gt-3", "trained-model", "printed", orders_check,
              "MSE_TF(L) >= 100 MSE_GD(L) for L = 4, 5, 6"),
    ),
)
