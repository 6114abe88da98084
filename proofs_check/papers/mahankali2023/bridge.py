r"""bridge: Sander et al.'s Proposition 2 (in-context autoregressive learning) and this paper's isotropic result.

Sander et al. (§4, after Proposition 2) say their finding "aligns" with this paper. Both optima are one step of GD
from 0; the closed forms are one formula. For the un-normalised step :math:`\tilde\eta` (prediction
:math:`\tilde\eta\, x_q^\top\sum_{i=1}^n y_ix_i`) with isotropic covariates, :math:`\mathbb{E}[\|x\|^2xx^\top] = \rho I`
and noise :math:`\sigma^2`, the loss per prompt is :math:`d(K_n\tilde\eta^2 - 2J_n\tilde\eta + 1)` (+ :math:`\sigma^2`) with

.. math:: K_n = n(n - 1 + \rho + \sigma^2),\qquad J_n = n .

Gaussian covariates: :math:`\rho = d + 2` (:math:`\mathbb{E}x^4 = 3`), so :math:`\tilde\eta^*_n = 1/(n+d+1+\sigma^2)`, i.e.
:math:`\eta^* = n/(n+d+1+\sigma^2)` after the 1/n normalisation. Sander et al.'s unit-modulus tokens:
:math:`\rho = d` (:math:`\mathbb{E}|\lambda|^4 = 1`), no noise, and n = T pairs (:math:`s_0 = W^{-1}s_1`) or n = T - 1
(:math:`s_0 = 0`): their per-T :math:`K_T = T(T+d-1)`, :math:`J_T = T`. Their loss (3) sums over T = 2..T_max, so
:math:`\eta^* = \sum J / \sum K \sim 3/(2T_{\max})`; the per-length optimum is :math:`\sim 1/T`: the 3/2 comes from
the averaging.
"""

from __future__ import annotations

import numpy as np
import sympy

from ical_verify.theory import linear_regression_icl as lri

from ...claim import Check, CheckOutcome, Claim, DerivedExpression
from . import _common as C
from .iso import fourth_moment_all_d

N, SIG, D, RHO, NMAX = lri.N_SYM, lri.SIGMA2, lri.D_SYM, lri.RHO_SYM, lri.NMAX_SYM
KAPPA = sympy.Symbol("kappa", positive=True)
T = sympy.Symbol("T", positive=True, integer=True)

SANDER_SECTION4 = (
    r"Proposition 2 demonstrates that a single step of gradient descent constitutes the optimal forward rule for the "
    r"Transformer $\mathcal{T}_{\theta}$. This finding aligns with recent research showing that one step of gradient "
    r"descent is the optimal in-context learner for one layer of self-attention in the context of linear regression "
    r"(Mahankali et al., 2023; Zhang et al., 2023; Ahn et al., 2023)."
)
SANDER_PROP2 = (
    r"\textbf{Proposition 2} (In-context autoregressive learning with gradient-descent). Suppose $C = C_U$, "
    r"assumptions 1 and 2. Then loss (3) is minimal for $\theta^*$ such that $a_1^* + a_4^* = a_2^* = b_2^* = 0$ and "
    r"$a_3^*b_1^* = \frac{\sum_{T=2}^{T_{max}} T}{\sum_{T=2}^{T_{max}} (T^2 + (d-1)T)}$. Furthermore, an optimal "
    r"in-context mapping $\Gamma_{\theta^*}$ is one step of gradient descent starting from the initialization "
    r"$\lambda = 0$, with a step size asymptotically equivalent to $\frac{3}{2T_{max}}$ with respect to $T_{max}$."
)

CLASS_D = {"quick": (1, 2, 3), "full": (1, 2, 3, 4)}
#: Monte Carlo: the same regression with Gaussian and with Rademacher (E x^4 = 1, like |lambda|^4) covariates.
MC_GAUSS = C.Setting(d=2, n=3, sigma2=0.0, normalise=False)
MC_RADEMACHER = C.Setting(d=2, n=3, sigma2=0.0, normalise=False, covariates="rademacher")
#: Training: un-normalised attention, prompt lengths uniform in 1..10 (the loss averages over lengths, as (3) of
#: Sander et al. sums over T); the nearest alternative (the per-length optimum at the mean length) is 20 % away.
TRAIN_SETTING = C.Setting(d=1, n=10, sigma2=0.0, lengths=(1, 10), normalise=False)


def sander_K_J():
    """Sander et al.'s per-T K_T, J_T under both s_0 conventions (the suite's exact engine for Proposition 2)."""
    from ical_verify.theory.augmented_attention import D_SYM, T_SYM, derive_eta_star

    out = {}
    for s0 in ("backward", "zero"):
        e = derive_eta_star(s0)
        out[s0] = (e.K.subs({T_SYM: T, D_SYM: D}), e.J.subs({T_SYM: T, D_SYM: D}))
    return out


def dictionary_check(ctx) -> CheckOutcome:
    """Gaussian K_n (engine, every n) and Sander's K_T, J_T are the generic K_n = n(n - 1 + rho + sigma^2), J_n = n."""
    gauss = {}
    ok_g = True
    for d in CLASS_D[ctx.profile]:
        m = lri.feature_moments(d)
        r = m.pairs.index((0, d))
        K = sympy.cancel(N ** 2 * m.gram()[r, r])  # E[S_1^2] for the un-normalised S = n s
        J = sympy.cancel(N * m.cross[r, 0])  # E[S_1 y_q x_q1] = E[S_1 w_1]
        good = sympy.cancel(K - lri.generic_K(N, d + 2, SIG)) == 0 and sympy.cancel(J - N) == 0
        ok_g &= good
        gauss[f"d={d}"] = {"K_n": str(sympy.factor(K)), "J_n": str(J), "equals_generic_rho_d_plus_2": bool(good)}
    sk = sander_K_J()
    back_ok = (sympy.expand(sk["backward"][0] - lri.generic_K(T, D, 0)) == 0 and sympy.expand(sk["backward"][1] - T) == 0)
    zero_ok = (sympy.expand(sk["zero"][0] - lri.generic_K(T - 1, D, 0)) == 0
               and sympy.expand(sk["zero"][1] - (T - 1)) == 0)
    ok = bool(ok_g and back_ok and zero_ok)
    detail = ("Per-prompt loss of the un-normalised GD step: d(K eta~^2 - 2 J eta~ + 1). Gaussian regression (Isserlis "
              "engine, symbolic n, sigma^2): " + "; ".join(f"{k}: K_n = {v['K_n']}, J_n = {v['J_n']}" for k, v in
                                                             gauss.items())
              + f" = generic n(n - 1 + rho + sigma^2), J = n with rho = d + 2: {ok_g}. Sander et al. (the suite's exact "
              f"engine for Proposition 2): s_0 = W^(-1)s_1: K_T = {sympy.factor(sk['backward'][0])}, J_T = "
              f"{sk['backward'][1]} = generic with rho = d, sigma^2 = 0, n = T: {back_ok}; s_0 = 0: K_T = "
              f"{sympy.factor(sk['zero'][0])}, J_T = {sk['zero'][1]} = generic with rho = d, sigma^2 = 0, n = T - 1: "
              f"{zero_ok}. So the per-length optimal steps are 1/(n + d + 1 + sigma^2) (Gaussian; x n = eta* of iso) "
              f"and 1/(T + d - 1), 1/(T + d - 2) (Sander et al.): the same formula at another fourth moment, without "
              f"noise, with T or T - 1 pairs.")
    return CheckOutcome(ok, detail, {"gaussian": gauss, "sander_backward_matches": back_ok,
                                     "sander_zero_matches": zero_ok},
                        derived=[DerivedExpression.from_sympy("K_generic", lri.generic_K(N, RHO, SIG),
                                                              "K_n for E[||x||^2 x x^T] = rho I (J_n = n)")],
                        summary=("one formula K_n = n(n - 1 + rho + sigma^2), J_n = n: Gaussian rho = d + 2 gives "
                                 "eta* = n/(n+d+1+sigma^2); Sander et al.'s K_T = T(T+d-1) is rho = d, sigma^2 = 0, "
                                 "n = T (T - 1 under s_0 = 0)"),
                        scope=f"Gaussian: d in {list(CLASS_D[ctx.profile])}, every n, sigma^2; Sander: every T, d")


def moment_check(ctx) -> CheckOutcome:
    """rho = d - 1 + E x_i^4 for independent coordinates: d + 2 (Gaussian) against d (unit modulus, Rademacher)."""
    diag, off = fourth_moment_all_d()  # Gaussian, every d
    # independent coordinates with E x_i^2 = 1 and E x_i^4 = kappa: E[x_i^2 ||x||^2] = kappa + (d - 1)
    rho_generic = KAPPA + (D - 1)
    # unit-modulus coordinates (the torus of Sander et al.): E lambda^k conj(lambda)^l = [k = l], so E|lambda|^4 = 1
    torus_fourth = lri.torus_moment((2,), (2,))
    rho_torus = sympy.expand(rho_generic.subs(KAPPA, torus_fourth))
    rho_gauss = sympy.expand(rho_generic.subs(KAPPA, 3))
    K_generic = sympy.expand(lri.generic_K(N, rho_generic, SIG))
    ok = bool(sympy.expand(diag - rho_gauss) == 0 and off == 0 and rho_torus == D and torus_fourth == 1
              and sympy.expand(lri.generic_K(N, rho_torus, 0) - N * (N + D - 1)) == 0)
    detail = (f"E[x_i^2 ||x||^2] = kappa + d - 1 for independent coordinates with E x_i^2 = 1, E x_i^4 = kappa, so "
              f"K_n = {sympy.factor(K_generic)}. Gaussian: the engine gives E[x_i^2 ||x||^2] = {diag} (kappa = 3, "
              f"rho = d + 2: {sympy.expand(diag - rho_gauss) == 0}), E[x_i x_j ||x||^2] = {off}. Unit-modulus tokens: "
              f"E|lambda|^4 = {torus_fourth} (torus moments E lambda^k conj(lambda)^l = [k = l]), rho = {rho_torus}. The "
              "two closed forms differ by the Gaussian excess fourth moment 3 - 1 = 2 (n + d + 1 against T + d - 1) "
              "and by the noise sigma^2, which Sander et al.'s deterministic AR process does not have.")
    return CheckOutcome(ok, detail, {"rho_gauss": str(diag), "rho_torus": str(rho_torus), "K_generic": str(K_generic)},
                        derived=[DerivedExpression.from_sympy("K_kappa", K_generic,
                                                              "K_n for independent coordinates with E x^4 = kappa")],
                        summary="the '+1' vs '-1' is the fourth moment: rho = d - 1 + E x^4 = d + 2 (Gaussian), d (torus)",
                        scope="every d, n, sigma^2 (symbolic)")


def averaging_check(ctx) -> CheckOutcome:
    """Sander's eta* = sum J / sum K over T = 2..T_max; its 3/(2 T_max) is an effect of the averaging."""
    from ical_verify.theory.augmented_attention import D_SYM, TMAX_SYM, printed_eta_star

    printed = printed_eta_star(D_SYM, TMAX_SYM).subs({D_SYM: D, TMAX_SYM: NMAX})
    back = lri.averaged_step(lri.generic_K(T, D, 0), T, T, 2, NMAX)
    zero = lri.averaged_step(lri.generic_K(T - 1, D, 0), T - 1, T, 2, NMAX)
    gauss = lri.averaged_step(lri.generic_K(N, D + 2, SIG), N, N, 2, NMAX)
    lim = {k: sympy.limit(NMAX * v, NMAX, sympy.oo) for k, v in (("backward", back), ("zero", zero), ("gauss", gauss))}
    per_length = sympy.limit(N / lri.generic_K(N, D + 2, SIG) * N, N, sympy.oo)
    ok = bool(sympy.simplify(back - printed) == 0 and sympy.simplify(zero - 3 / (2 * NMAX + 3 * D - 4)) == 0
              and all(v == sympy.Rational(3, 2) for v in lim.values()) and per_length == 1)
    detail = (f"Sum over lengths of d(K eta~^2 - 2 J eta~ + 1) is minimal at sum J / sum K. Sander et al. (s_0 = W^(-1)s_1, "
              f"T = 2..T_max): {back} (equals the printed sum T / sum (T^2 + (d-1)T): "
              f"{sympy.simplify(back - printed) == 0}); s_0 = 0: {zero}. The Gaussian analogue (un-normalised step, n = "
              f"2..n_max): {gauss}. n_max eta~ -> {lim['gauss']} (Gaussian), T_max eta* -> {lim['backward']}, "
              f"{lim['zero']} (Sander): the 3/2 is sum n / sum n^2 ~ (n^2/2)/(n^3/3); at one length n eta~*_n -> "
              f"{per_length} (eta* of iso -> 1). What differs in the closed forms: the fourth moment (rho), the noise, "
              f"n = T or T - 1 pairs, the 1/n normalisation of Mahankali et al. (eta* = n eta~*), and Sander et al.'s "
              f"sum over T.")
    return CheckOutcome(ok, detail, {"sander_backward": str(back), "sander_zero": str(zero), "gaussian_averaged": str(gauss),
                                     "limits": {k: str(v) for k, v in lim.items()}},
                        derived=[DerivedExpression.from_sympy("eta_avg_gauss", gauss,
                                                              "optimal un-normalised step, Gaussian, n uniform in 2..n_max")],
                        summary="summing over lengths gives eta ~ 3/(2 n_max) in both settings; one length gives eta~ ~ 1/n",
                        scope="every d, T_max (n_max), sigma^2 (symbolic sums)")


def _mc_steps(setting, rho):
    n, d, s2 = setting.n, setting.d, setting.sigma2
    return float(1 / (n - 1 + rho + s2))


def monte_carlo_check(ctx) -> CheckOutcome:
    d = MC_GAUSS.d
    outs = []
    for setting, rho, other, label, stream in ((MC_GAUSS, d + 2, d, "Gaussian", 601),
                                               (MC_RADEMACHER, d, d + 2, "Rademacher", 602)):
        right = _mc_steps(setting, rho)
        wrong = _mc_steps(setting, other)
        steps = (("derived", C.as_tuple(right * np.eye(d))),
                 (f"formula with rho = {other}", C.as_tuple(wrong * np.eye(d))))
        ne = C.mc_evidence(setting, steps, ctx.seed, ctx.profile, stream)
        outs.append(C.judge_normal_equations(ne, "derived", [steps[1][0]], None, only=["gd-direction"],
                                             what=f"{label} covariates ({setting.describe()}), eta~ = {right:.4f}: "))
    passed = all(o.passed for o in outs)
    detail = " || ".join(o.detail for o in outs)
    return CheckOutcome(passed, detail, {"gaussian": outs[0].metrics, "rademacher": outs[1].metrics},
                        summary=("MC: the optimal un-normalised step is 1/(n + rho - 1 + sigma^2) with rho = d + 2 for "
                                 "Gaussian and rho = d for Rademacher (E x^4 = 1, like |lambda|^4) covariates; each "
                                 "formula fails on the other data"),
                        scope=f"{MC_GAUSS.describe()} and Rademacher")


def _train_steps():
    lo, hi = TRAIN_SETTING.lengths
    d, s2 = TRAIN_SETTING.d, sympy.nsimplify(TRAIN_SETTING.sigma2)
    avg = lri.averaged_step(lri.generic_K(N, d + 2, s2), N, N, lo, hi)
    mean_n = sympy.Rational(lo + hi, 2)
    alts = {"per-length optimum at the mean length": 1 / (mean_n + d + 1 + s2),
            "Sander form (rho = d)": lri.averaged_step(lri.generic_K(N, d, s2), N, N, lo, hi),
            "3/(2 n_max)": sympy.Rational(3, 2 * hi)}
    return (("derived", C.as_tuple(float(avg) * np.eye(d))),) + tuple(
        (k, C.as_tuple(float(v) * np.eye(d))) for k, v in alts.items())


def trained_check(ctx) -> CheckOutcome:
    ev = C.trained_evidence(TRAIN_SETTING, _train_steps(), ctx.seed, ctx.profile, str(ctx.torch_device()), 603)
    out = C.judge_trained(ev, what=("Un-normalised one-layer model (Sander et al.'s sum over tokens) trained on "
                                    "prompts of random length, the loss averaged over lengths. "))
    out.scope = TRAIN_SETTING.describe()
    return out


CLAIM = Claim(
    id="bridge",
    kind="remark",
    title="Sander et al.'s Proposition 2 and the isotropic result: one formula, other moments",
    source=("Sander et al. (ICML 2024), §4, the paragraph after Proposition 2 (shared/papers/"
            "sander2024-in-context-autoregressive-learning.md); Mahankali et al., abstract"),
    order=4,
    statement=SANDER_SECTION4,
    definitions={"Proposition 2 (Sander et al.)": SANDER_PROP2,
                 "iso (this paper)": C.ABSTRACT_ISO,
                 "un-normalised step": (r"\hat y = \tilde\eta\, x_q^\top \sum_{i=1}^n y_i x_i\ (\tilde\eta = \eta/n;\ "
                                        r"\text{Sander et al.'s model (4) sums over tokens without } 1/T)"),
                 r"\rho": r"\mathbb{E}[\|x\|^2 x x^\top] = \rho I\ (\text{Gaussian: } d+2;\ |\lambda_i| = 1: d)",
                 "K, J": r"\text{loss per prompt } d(K\tilde\eta^2 - 2J\tilde\eta + 1),\ K_n = n(n-1+\rho+\sigma^2),\ J_n = n"},
    assumptions=("Sander et al.: C = C_U, Assumptions 1 and 2, loss (3) summed over T = 2..T_max, both s_0 conventions "
                 "(as in the suite's prop2).",
                 "Mahankali et al.: isotropic Gaussian covariates and weights, noise sigma^2, one prompt length n."),
    conventions=(C.CONVENTION_GD,
                 "The comparison is made on the un-normalised step (Sander et al.'s model sums over tokens); "
                 "Mahankali et al.'s eta* = n eta~*.",
                 "Rademacher covariates (E x^4 = 1) stand in for the unit-modulus coordinates of Sander et al. in the "
                 "Monte Carlo check: both have rho = d."),
    checks=(
        Check("dictionary-per-length", "symbolic", "printed", dictionary_check,
              "Gaussian K_n (engine) and Sander's K_T, J_T (both s_0) are one formula n(n - 1 + rho + sigma^2), n"),
        Check("fourth-moment-origin", "symbolic", "printed", moment_check,
              "rho = d - 1 + E x^4: d + 2 (Gaussian) vs d (unit modulus)"),
        Check("averaging-over-lengths", "symbolic", "printed", averaging_check,
              "sum J / sum K reproduces the printed eta*; 3/(2 T_max) comes from the averaging"),
        Check("monte-carlo-fourth-moment", "monte-carlo", "printed", monte_carlo_check,
              "the optimal step on Gaussian vs Rademacher covariates; each formula fails on the other data"),
        Check("trained-averaged-lengths", "trained-model", "printed", trained_check,
              "un-normalised model trained over random lengths learns sum n / sum K_n"),
    ),
)
