"""Remark 2 (§3): a linear RNN cannot learn the AR process in context."""

from __future__ import annotations

import numpy as np
import sympy

from ...claim import Check, CheckOutcome, Claim, DerivedExpression, RunContext
from ._common import AR_PROCESS

CLAIM_ID = "remark2"
#: Model (6) counts as fitting the data when its train and test losses are below this (optimisation tolerance).
FIT_TOL = 1e-6
#: The RNN counts as bounded away from 0 when every start's loss is above this fraction of the bound 1.
AWAY = 0.9


def orthogonality_outcome(d: int, t: int) -> CheckOutcome:
    """SymPy: E||y_t - s_{t+1}||^2 = E||y_t||^2 + d for y_t = sum_k M_k s_k with symbolic complex M_k."""
    from ical_verify.theory.laurent import LaurentPolynomial

    lam = LaurentPolynomial.variables(d)
    comps_y, comps_res = [], []
    for i in range(d):
        y = LaurentPolynomial.constant(d, 0)
        for k in range(1, t + 1):
            for j in range(d):
                x, z = sympy.symbols(f"x_{k}{i}{j} z_{k}{i}{j}", real=True)
                y = y + (x + sympy.I * z) * lam[j] ** (k - 1)   # (M_k)_{ij} (s_k)_j, s_k = lambda^(k-1)
        comps_y.append(y)
        comps_res.append(y - lam[i] ** t)
    ms_res = sum(f.mean_square("unitary") for f in comps_res)
    ms_y = sum(f.mean_square("unitary") for f in comps_y)
    gap = sympy.simplify(ms_res - ms_y)
    return CheckOutcome(
        passed=bool(gap == d),
        detail=(f"SymPy (exact torus expectation, d = {d}, t = {t}, coefficients M_k complex symbols independent of "
                f"W): E||y_t - s_(t+1)||^2 - E||y_t||^2 = {gap}. Every predictor linear in s_1..s_t with "
                "W-independent coefficients (every linear RNN, whatever A and B) has loss >= d per step, with "
                "equality iff y_t = 0; normalised per coordinate the bound is 1."),
        metrics={"d": d, "t": t, "gap": str(gap)},
        derived=[DerivedExpression.from_sympy("loss_minus_output_energy", gap,
                                              "E||y_t - s_{t+1}||^2 - E||y_t||^2 for linear predictors")],
    )


def check_orthogonality(ctx: RunContext) -> CheckOutcome:
    return orthogonality_outcome(2, 3)


def check_exact_attention(ctx: RunContext) -> CheckOutcome:
    """Model (6) at C = B^T A = I, p = e_T has zero population loss (numerics.diagonal_model.exact_loss)."""
    from ical_verify.numerics.diagonal_model import exact_loss

    vals = {}
    for d in (1, 2, 3):
        for T in range(2, 7):
            p = np.zeros(T)
            p[-1] = 1.0
            vals[f"d={d},T={T}"] = exact_loss(np.eye(d), p)
    return CheckOutcome(
        passed=all(v == 0 for v in vals.values()),
        detail=("Exact torus expectation of the loss of model (6) (Lemma 2) at B^T A = I, P_{T-1,t} = delta_{t=T}: "
                f"{sorted(set(vals.values()))} for d = 1..3, T = 2..6: attention reaches zero population loss."),
        metrics={"exact_losses": vals},
    )


def comparison_outcome(s_train, s_test, cfg, rnn_starts: int, att_steps: int, seed: int,
                       report=None) -> CheckOutcome:
    """Train the linear RNN (several starts) and the diagonal model (6) on the same data; compare."""
    import torch

    from ical_verify.models.linear_rnn import LinearRNN, fit, least_squares_bound, model6

    lb_train = least_squares_bound(s_train, cfg.t_max)
    lb_test = least_squares_bound(s_test, cfg.t_max)
    rnn = []
    for k in range(rnn_starts):
        g = torch.Generator().manual_seed(seed * 1000 + k)
        rnn.append(fit(LinearRNN(cfg.d, cfg.init_scale, g), s_train, s_test, cfg.t_max, cfg.steps, cfg.lr, "rnn"))
        if report:
            report(k + 1, rnn_starts + 1)
    g = torch.Generator().manual_seed(seed * 1000 + 999)
    att = fit(model6(cfg.d, cfg.heads, cfg.t_max, cfg.init_scale, g), s_train, s_test, cfg.t_max,
              att_steps, cfg.lr, "model6")
    if report:
        report(rnn_starts + 1, rnn_starts + 1)
    rnn_min = min(r.train_loss for r in rnn)
    rnn_test_min = min(r.test_loss for r in rnn)
    consistent = rnn_min >= lb_train - 1e-9
    ok = (rnn_min >= AWAY and rnn_test_min >= AWAY and consistent
          and att.train_loss <= FIT_TOL and att.test_loss <= FIT_TOL)
    return CheckOutcome(
        passed=bool(ok),
        detail=(f"Same data (d = {cfg.d}, W ~ U(C_U), s_1 = 1_d, T = 2..{cfg.t_max}, {len(s_train)} train / "
                f"{len(s_test)} test sequences; loss per coordinate). Linear RNN, {rnn_starts} random starts "
                f"(Adam, {cfg.steps} steps): train losses {[round(r.train_loss, 4) for r in rnn]}, test "
                f"{[round(r.test_loss, 4) for r in rnn]}; the best linear predictor of any kind reaches "
                f"{lb_train:.4f} on train ({lb_test:.4f} on test; population bound exactly 1), and every RNN is "
                f"above it ({consistent}). Diagonal model (6) ({cfg.heads} heads, learned P, {att_steps} steps): "
                f"train {att.train_loss:.2e}, test {att.test_loss:.2e}. Criteria: RNN >= {AWAY}, model (6) <= "
                f"{FIT_TOL:g}."),
        metrics={"rnn_train_losses": [r.train_loss for r in rnn], "rnn_test_losses": [r.test_loss for r in rnn],
                 "linear_predictor_bound_train": lb_train, "linear_predictor_bound_test": lb_test,
                 "population_bound": 1.0, "model6_train_loss": att.train_loss, "model6_test_loss": att.test_loss,
                 "rnn_above_empirical_bound": consistent, "fit_tol": FIT_TOL, "away_threshold": AWAY},
    )


def check_training(ctx: RunContext) -> CheckOutcome:
    import torch

    from ical_verify.models.linear_rnn import RemarkTwoConfig, ar_data
    from ical_verify.numerics.samplers import unitary_contexts

    quick = ctx.profile == "quick"
    cfg = RemarkTwoConfig(n_train=512 if quick else 8192, n_test=4096 if quick else 32768,
                          steps=800 if quick else 3000)
    torch.manual_seed(ctx.seed)
    rng = ctx.rng(21)
    L = cfg.t_max + 1
    s_train = ar_data(unitary_contexts(cfg.d, cfg.n_train, rng), L)
    s_test = ar_data(unitary_contexts(cfg.d, cfg.n_test, rng), L)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)          # tiny tensors: threading only adds contention
    try:
        return comparison_outcome(s_train, s_test, cfg, rnn_starts=3 if quick else 5,
                                  att_steps=400 if quick else 2000, seed=ctx.seed,
                                  report=lambda i, m: ctx.report("remark2: training", i, m))
    finally:
        torch.set_num_threads(threads)


CLAIM = Claim(
    id="remark2",
    kind="remark",
    title="Linear RNNs cannot learn the AR process in context",
    source="§3, Remark 2",
    order=13,
    statement=(
        r"\textbf{Remark 2.} We use the word in-context to make explicit the fact that the matrix $W$ is "
        r"different for each sequence. As a consequence, attention-based models are particularly well suited "
        r"to such a task because predicting $W$ involves considering relationships between tokens. In contrast, "
        r"RNNs perform poorly in this setting precisely because they do not consider interactions between "
        r"tokens. In fact, in its simplest form, a linear RNN with parameters $A$ and $B$ outputs, for each $t$: "
        r"$y_t = \sum_{k=1}^t A^{t-k} BW^{k-1}e_1$. It is easy to see that $A$ and $B$ would have to depend on "
        r"$W$ for $y_t$ to be close to $W^ts_1$, which is impossible because $W$ is different for each sequence."
    ),
    definitions={"AR process": AR_PROCESS},
    assumptions=(),
    notes="The checks use contexts W ~ U(C_U) (Assumption 1, unitary diagonal) and e_1 = s_1 = 1_d.",
    checks=(
        Check("linear-predictor-lower-bound", "symbolic", "printed", check_orthogonality,
              "E||y_t - s_{t+1}||^2 = E||y_t||^2 + d for any W-independent linear predictor"),
        Check("model6-zero-loss", "cubature", "printed", check_exact_attention,
              "exact loss of model (6) at B^T A = I, p = e_T"),
        Check("rnn-vs-model6-training", "trained-model", "printed", check_training,
              "trained linear RNN (multi-start) vs trained diagonal model (6) on the same data"),
    ),
)
