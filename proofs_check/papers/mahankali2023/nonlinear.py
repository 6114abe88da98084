r"""nonlinear: changing only the responses, even to nonlinear functions, keeps the minimiser a plain GD step
(abstract, third result).

Derived here (covariates :math:`N(0, I_d)`): if the law of the response function f is invariant under rotations
of the covariate space (:math:`f\circ U \overset{d}{=} f` for every orthogonal U; e.g. :math:`y = g(w^\top x) +
\varepsilon`, :math:`w \sim N(0, I)`), the global minimiser over the whole one-layer class is one step of plain GD
with

.. math:: \eta_f = \frac{n\,\mathbb{E}\|\beta_f\|^2}{\mathbb{E}[y^2\|x\|^2] + (n-1)\,\mathbb{E}\|\beta_f\|^2},
          \qquad \beta_f = \mathbb{E}[x f(x) \mid f]

(:math:`U = -I` decouples the features that are not :math:`s \otimes x_q`; isotropy makes :math:`\mathbb{E}[ss^\top]`
and :math:`\mathbb{E}[\beta\beta^\top]` multiples of I). For :math:`f_w(x) = w^\top x + a((w^\top x)^2 - \|w\|^2)`:
:math:`\eta_f = n/(n + d + 1 + \sigma^2 + 2a^2(d+2)(d+4))`. Without the invariance it fails: a fixed nonlinearity
along one axis gives a preconditioned step; anisotropic weights (a change of the responses only) give the
preconditioner of ``precond``; a non-centred weight law makes the optimum leave the GD form altogether.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy

from ical_verify.theory import linear_regression_icl as lri

from ...claim import Check, CheckOutcome, Claim, DerivedExpression, Reading
from . import _common as C

N, SIG, A = lri.N_SYM, lri.SIGMA2, lri.A_SYM
CLASS_D = {"quick": (1, 2), "full": (1, 2, 3)}
#: Monte Carlo and training: quadratic family; eta_f = 3/9.5; the nearest wrong step (the nonlinear part counted
#: as noise of its own variance) is 27 % away.
SETTING = C.Setting(d=2, n=3, sigma2=0.5, response="quadratic", a=0.25)
#: The quadratic responses have heavy-tailed gradients: fewer starts, larger batches, a smaller learning rate and a
#: wider optimisation tolerance (converged starts lie within 0.03-0.09; the nearest alternative is 0.267 away).
# quick: 16 starts. The fraction of starts that reach the derived predictor varies between seeds more than a
# binomial would (4/16 to 12/16 over seeds 0-9; starts share a seed's training stream): a threshold on its interval
# left the trained check undecided for about one seed in 20, with 16 starts as with 32 (7/32 for seed 2), so the
# judge (_common.judge_trained) asks where the lowest-loss start ends instead (benchmarks/seeds.md)
PROTOCOL = {"quick": (("starts", 16), ("steps", 600), ("batch", 512), ("lr", 0.02)),
            "full": (("starts", 64), ("steps", 4000), ("batch", 1024), ("lr", 0.02))}
TOLERANCE = 0.12


def response_moments(d: int, family: str = "quadratic"):
    r""":math:`\mathbb{E}\|\beta_f\|^2` and :math:`\mathbb{E}[y^2\|x\|^2]` by the engine (:math:`\beta_w = \mathbb{E}[x f_w(x)|w]`
    computed with w as a parameter, then averaged over :math:`w \sim N(0, I)`)."""
    from ical_verify.theory.gaussian_moments import GaussianVector

    xs = sympy.symbols(f"x1:{d + 1}")
    ws = sympy.symbols(f"w1:{d + 1}")
    e = sympy.Symbol("e")
    f = lri.RESPONSES[family]
    gx = GaussianVector(xs, sympy.eye(d), parameters=list(ws) + [A])
    X, W = gx.gens, [gx.param(w) for w in ws]
    fx = f(X, W, {"a": gx.param(A)})
    beta = [gx.expect_poly(X[i] * fx).as_expr() for i in range(d)]
    gw = GaussianVector(ws, sympy.eye(d), parameters=[A])
    beta2 = gw.expect(sum(b ** 2 for b in beta))
    gall = GaussianVector(list(xs) + list(ws) + [e], sympy.diag(sympy.eye(d), sympy.eye(d), SIG), parameters=[A])
    Xa, Wa, Ea = gall.gens[:d], gall.gens[d:2 * d], gall.gens[2 * d]
    y = f(Xa, Wa, {"a": gall.param(A)}) + Ea
    y2x2 = gall.expect_poly(y * y * sum(x * x for x in Xa)).as_expr()
    return sympy.expand(beta2), sympy.expand(y2x2)


@functools.lru_cache(maxsize=None)
def _moments(d: int, family: str):
    return lri.feature_moments(d, response=family, params={"a": A})


def family_check(ctx) -> CheckOutcome:
    """Rotation-invariant nonlinear family: the whole-class optimum is plain GD with eta_f (exact, symbolic n, sigma^2, a)."""
    res, ok = {}, True
    for d in CLASS_D[ctx.profile]:
        m = _moments(d, "quadratic")
        r = lri.relaxed_optimum(m)
        eta_q = lri.quadratic_family_step(N, d, SIG, A)
        beta2, y2x2 = response_moments(d)
        eta_g = lri.nonlinear_step(N, beta2, y2x2)
        target = lri.gd_feature_matrix(eta_q * sympy.eye(d))
        gd = (r.F - target).applyfunc(sympy.cancel).is_zero_matrix
        general = sympy.cancel(eta_g - eta_q) == 0
        ok &= bool(gd and general)
        res[f"d={d}"] = {"optimum_is_plain_gd": bool(gd), "eta_f": str(sympy.factor(r.F[m.pairs.index((0, d)), 0])),
                         "E|beta|^2": str(beta2), "E[y^2|x|^2]": str(sympy.factor(y2x2)),
                         "general_formula_matches": bool(general)}
    detail = ("Response family f_w(x) = w^T x + a((w^T x)^2 - ||w||^2), w ~ N(0, I) (its law is rotation invariant; it is "
              "not odd: f and -f have different laws). Exact feature moments (Isserlis engine, symbolic n, sigma^2, a), "
              "normal equations solved over the span of the whole class: the optimum has non-zero coefficients only on "
              "s_c x_q,c, all equal to eta_f = n/(n + d + 1 + sigma^2 + 2 a^2 (d+2)(d+4)), i.e. plain GD (realised by "
              "p = e_(d+1), Q_x = eta_f (I; 0)); the general formula eta_f = n E||beta||^2 / (E[y^2 ||x||^2] + (n-1) "
              "E||beta||^2), beta_w = E[x f_w(x) | w], with the engine's moments gives the same step. "
              + "; ".join(f"{k}: {v}" for k, v in res.items()))
    derived = [DerivedExpression.from_sympy("eta_f", lri.nonlinear_step(N, sympy.Symbol("B2"), sympy.Symbol("M4")),
                                            "step for a rotation-invariant family; B2 = E||beta_f||^2, M4 = E[y^2||x||^2]"),
               DerivedExpression.from_sympy("eta_quadratic", lri.quadratic_family_step(N, lri.D_SYM, SIG, A),
                                            "step for f_w(x) = w^T x + a((w^T x)^2 - ||w||^2)")]
    return CheckOutcome(ok, detail, res, derived=derived,
                        summary=("rotation-invariant nonlinear family: exact whole-class optimum is plain GD with "
                                 "eta_f = n/(n+d+1+sigma^2+2a^2(d+2)(d+4)) = n E|beta|^2/(E[y^2|x|^2] + (n-1)E|beta|^2)"),
                        scope=f"d in {list(CLASS_D[ctx.profile])}, every n >= 1, sigma^2 >= 0, a")


#: The families of the boundary check, by role: a fixed nonlinearity along one axis, and a non-centred weight law
#: (w ~ N(a e_1, I)); ANISOTROPIC_WEIGHTS is the weight covariance of the linear case. Controls replace them.
BOUNDARY_FAMILIES = {"axis": "axis-quadratic", "drift": "drift"}
ANISOTROPIC_WEIGHTS = ((1, 0), (0, 4))


def counterexamples() -> dict:
    """Families whose law is not rotation invariant (d = 2, symbolic n, sigma^2, a), and anisotropic linear weights."""
    return _counterexamples(tuple(BOUNDARY_FAMILIES.items()), ANISOTROPIC_WEIGHTS)


@functools.lru_cache(maxsize=None)
def _counterexamples(families: tuple, weights: tuple) -> dict:
    out = {}
    d = 2
    for role, fam in families:
        m = _moments(d, fam)
        G = lri.gd_restricted_optimum(m)
        plain = proportional_to_identity(G)
        p = [0] * d + [1]
        Qx = sympy.zeros(d + 1, d)
        Qx[:d, :d] = G
        grad = lri.lsa_loss_gradient(m, p, Qx)
        stationary = all(g == 0 for g in grad)
        names = [f"p_{i + 1}" for i in range(d + 1)] + [f"W^KQ_{i + 1}{j + 1}" for i in range(d + 1) for j in range(d)]
        nonzero = [(names[i], sympy.factor(g)) for i, g in enumerate(grad) if g != 0]
        out[role] = {"family": fam, "best_gd_Gamma": str(G), "plain_gd": plain, "gd_point_stationary": stationary,
                     "all_normal_equations_hold": m.residual(lri.gd_feature_matrix(G)).is_zero_matrix,
                     "nonzero_gradient": [f"dL/d{k} = {g}" for k, g in nonzero[-1:]]}
        if role == "axis":
            # the best plain step against the best preconditioned one
            eta = sympy.Symbol("eta")
            Lp = m.loss(lri.gd_feature_matrix(eta * sympy.eye(d)))
            eta_b = sympy.solve(sympy.diff(Lp, eta), eta)[0]
            gap = sympy.factor(sympy.cancel(Lp.subs(eta, eta_b) - m.loss(lri.gd_feature_matrix(G))))
            out[role]["loss_gap_best_plain_minus_best_preconditioned"] = str(gap)
    # linear responses, anisotropic weights (covariates still N(0, I)): from the closed form (precond)
    P = lri.preconditioner(N, sympy.eye(2), sympy.Matrix(weights), SIG)
    out["weights"] = {"Sigma_w": str(sympy.Matrix(weights).tolist()), "Pi": str(P), "plain_gd": proportional_to_identity(P)}
    return out


def proportional_to_identity(M) -> bool:
    M = sympy.Matrix(M)
    return all(sympy.cancel(M[i, j] - (M[0, 0] if i == j else 0)) == 0 for i in range(M.rows) for j in range(M.cols))


def boundary_check(ctx) -> CheckOutcome:
    """Adopted reading: without rotation invariance the optimum is not plain GD (so the condition is needed)."""
    r = counterexamples()
    ax, dr, aw = r["axis"], r["drift"], r["weights"]
    passed = bool(not ax["plain_gd"] and not dr["gd_point_stationary"] and not aw["plain_gd"])
    detail = ("Families whose law is not rotation invariant (d = 2, covariates N(0, I), exact, symbolic n, sigma^2, a): "
              f"(1) {ax['family']} (f_w(x) = w^T x + a(x_1^2 - 1)): the best GD-form step is Gamma* = {ax['best_gd_Gamma']} "
              f"(every normal equation of the class holds with it: {ax['all_normal_equations_hold']}), not plain GD: {not ax['plain_gd']}; the best plain step loses "
              f"{ax['loss_gap_best_plain_minus_best_preconditioned']} > 0 for a != 0. (2) {dr['family']} (f_w(x) = "
              f"w^T x + a x_1, i.e. w ~ N(a e_1, I), a non-centred weight law): at the best GD point of any preconditioner the exact gradient "
              f"in (p, Q_x) is not zero ({dr['nonzero_gradient']}), so no GD step from w_0 = 0 is a minimiser: "
              f"{not dr['gd_point_stationary']}. (3) linear responses with w ~ N(0, {aw['Sigma_w']}) (only the "
              f"responses change): Pi* = {aw['Pi']}, not plain GD: {not aw['plain_gd']}. Rotation invariance of the response law "
              "is what the result needs; 'only the responses change' is not enough.")
    return CheckOutcome(passed, detail, r, summary=("without rotation invariance it fails: a fixed axis nonlinearity "
                                                    "gives preconditioned GD, a non-centred weight law leaves the GD form, "
                                                    "anisotropic weights give Pi*"),
                        scope="d = 2, every n >= 1, sigma^2 >= 0, a != 0")


def any_response_check(ctx) -> CheckOutcome:
    """Reading 'any change of the responses': does plain GD survive every response family? (fails)"""
    r = counterexamples()
    stays = {r["axis"]["family"]: r["axis"]["plain_gd"],
             r["drift"]["family"]: r["drift"]["plain_gd"] and r["drift"]["gd_point_stationary"],
             f"linear, Sigma_w = {r['weights']['Sigma_w']}": r["weights"]["plain_gd"]}
    passed = all(stays.values())
    return CheckOutcome(passed, ("Under the reading 'any change of the distribution of the responses (covariates still "
                                 "N(0, I)) keeps a plain GD step', the families of the boundary check are "
                                 f"counterexamples: plain GD survives {stays}."), {"plain_gd_survives": stays},
                        summary="counterexamples: a fixed axis nonlinearity, a non-centred weight law, anisotropic weights")


def _steps():
    n, d, s2, a = SETTING.n, SETTING.d, sympy.nsimplify(SETTING.sigma2), sympy.nsimplify(SETTING.a)
    eta = float(lri.quadratic_family_step(n, d, s2, a))
    alts = {"linear-formula (nonlinearity ignored)": float(lri.eta_star(n, d, s2)),
            "nonlinearity-as-noise": float(sympy.Rational(n) / (n + d + 1 + s2 + 2 * a ** 2 * d * (d + 2))),
            # E[(u^2 - |w|^2)^2 |x|^2] = 2d(d+2)(d+4) with the factor 2 of Isserlis' theorem dropped
            "without-the-factor-2": float(sympy.Rational(n) / (n + d + 1 + s2 + a ** 2 * (d + 2) * (d + 4)))}
    return (("derived", C.as_tuple(eta * np.eye(d))),) + tuple((k, C.as_tuple(v * np.eye(d))) for k, v in alts.items())


def monte_carlo_check(ctx) -> CheckOutcome:
    steps = _steps()
    # sized for the nearest wrong alternative (nonlinearity-as-noise): at 100 000 prompts its largest |z| was about
    # 8 and fell below 6 for one seed in 20; 400 000 prompts double it (|z| grows as the square root of the count)
    ne = C.mc_evidence(SETTING, steps, ctx.seed, ctx.profile, 501, samples=max(400_000, C.MC_SAMPLES[ctx.profile]))
    n, d, s2, a = SETTING.n, SETTING.d, sympy.nsimplify(SETTING.sigma2), sympy.nsimplify(SETTING.a)
    m = _moments(d, "quadratic")
    L = float(m.loss(lri.gd_feature_matrix(lri.quadratic_family_step(n, d, s2, a) * sympy.eye(d)), n).subs(
        {SIG: s2, A: a}))
    out = C.judge_normal_equations(ne, "derived", [k for k, _ in steps[1:]], L,
                                   what=f"{SETTING.describe()}, eta_f = {steps[0][1][0][0]:.4f}. ")
    out.scope = SETTING.describe()
    return out


def constant_centred_step(n, d, sigma2, a):
    r"""A wrong answer near eta_f: its formula with the moments of the neighbouring family
    :math:`w^\top x + a((w^\top x)^2 - d)` (centred by :math:`\mathbb{E}\|w\|^2 = d` instead of :math:`\|w\|^2`), where
    :math:`\mathbb{E}[(u^2 - d)^2\|x\|^2] = 2d(d+3)(d+4)` replaces :math:`2d(d+2)(d+4)`:
    :math:`n/(n + d + 1 + \sigma^2 + 2a^2(d+3)(d+4))` (the value a reader centring by d would compute; whether it is that
    family's whole-class optimum is not claimed). 7 % from eta_f at the trained setting: closer than the trained check
    resolves, so it is reported, not required.

    >>> constant_centred_step(3, 2, sympy.Rational(1, 2), sympy.Rational(1, 4))
    12/41
    """
    return sympy.sympify(n) / (n + d + 1 + sigma2 + 2 * a ** 2 * (d + 3) * (d + 4))


def trained_check(ctx) -> CheckOutcome:
    ev = C.trained_evidence(SETTING, _steps(), ctx.seed, ctx.profile, str(ctx.torch_device()), 502, PROTOCOL[ctx.profile])
    n, d, s2, a = SETTING.n, SETTING.d, sympy.nsimplify(SETTING.sigma2), sympy.nsimplify(SETTING.a)
    out = C.judge_trained(ev, tol=TOLERANCE, what="Full parameterisation trained on the quadratic response family. ",
                          reported={"constant-centred family": float(constant_centred_step(n, d, s2, a))})
    out.scope = SETTING.describe()
    return out


def finding(result) -> str:
    """One line: the condition, the step and the counterexamples."""
    from ...findings import from_checks

    if result.verdict != "verified":
        return from_checks(result.checks, result.verdict)
    return ("holds for response laws invariant under rotations: plain GD, eta_f = n E|beta|^2/(E[y^2|x|^2] + (n-1) "
            "E|beta|^2) (quadratic family n/(n+d+1+sigma^2+2a^2(d+2)(d+4)), exact); fails without it: an axis "
            "nonlinearity or anisotropic weights give preconditioned GD, a non-centred weight law leaves the GD form")


CLAIM = Claim(
    id="nonlinear",
    kind="proposition",
    title="Nonlinear responses: the optimum stays one step of plain GD (under rotation invariance)",
    source="Abstract (third result); " + C.SOURCE,
    order=3,
    statement=C.ABSTRACT_NONLINEAR,
    definitions={"tokens": C.TOKENS, "one layer of linear self-attention": C.MODEL_LSA,
                 "pre-training loss": C.LOSS, "a single step of GD": C.GD_STEP, "feature form": C.FEATURES,
                 "responses": (r"y_i = f(x_i) + \varepsilon_i,\ y_q = f(x_q) + \varepsilon_q,\ x \sim N(0, I_d),\ f "
                               r"\text{ random, independent of the covariates and the noise}"),
                 r"\beta_f": r"\beta_f = \mathbb{E}[x f(x) \mid f]\ \text{(the linear part of f)}"},
    assumptions=(C.ABSTRACT_SETTING, "Covariates x_i, x_q ~ N(0, I_d) (unchanged); only the law of the response "
                                     "function f changes; finite fourth moments."),
    conventions=(C.CONVENTION_PARAMETERISATION, C.CONVENTION_MASK, C.CONVENTION_GD,
                 "The paper's 'more general family of nonlinear functions' is not available: the suite derives the "
                 "condition under which the sentence holds (a rotation-invariant law of f) and tests it on the family "
                 "f_w(x) = w^T x + a((w^T x)^2 - ||w||^2), w ~ N(0, I), which is nonlinear and not odd.",
                 "Derived statement: if f o U has the law of f for every orthogonal U, the global minimiser is plain GD "
                 "with eta_f = n E||beta_f||^2 / (E[y^2 ||x||^2] + (n-1) E||beta_f||^2); the nonlinearity enters only "
                 "through these two moments (for the quadratic family like extra noise of variance 2a^2(d+2)(d+4))."),
    finding=finding,
    readings=(
        Reading("rotation-invariant", "The family's law is invariant under rotations of the covariate space (as "
                                      "isotropic covariates are); then the global minimiser is one step of plain GD.",
                checks=("boundary-needs-rotation-invariance",), adopted=True,
                why=("The sentence contrasts 'only the responses' with the previous sentence, where a non-isotropic "
                     "weight vector (a change of the responses' law) gives pre-conditioned GD: the authors cannot "
                     "mean every response law. A 'family of nonlinear functions' in this setting comes with a "
                     "distribution; rotation invariance is the condition under which 'still plain GD' holds, and the "
                     "boundary check shows it cannot be dropped.")),
        Reading("any-response", "Any change of the distribution of the responses (covariates unchanged) keeps the "
                                "minimiser a plain GD step.",
                checks=("any-response-stays-plain-gd",),
                why="Not adopted: contradicts the abstract's own previous sentence (weight-vector anisotropy)."),
    ),
    checks=(
        Check("rotation-invariant-family", "symbolic", "printed", family_check,
              "quadratic family: exact whole-class optimum is plain GD with eta_f; the general eta_f formula"),
        Check("monte-carlo-normal-equations", "monte-carlo", "printed", monte_carlo_check,
              "6-sigma normal equations at eta_f; the linear-formula step and nonlinearity-as-noise violate them"),
        Check("trained-full-parameterisation", "trained-model", "printed", trained_check,
              "random starts of all entries on the quadratic family; binomial interval of reaching eta_f"),
        Check("boundary-needs-rotation-invariance", "symbolic", "printed", boundary_check,
              "families that are not rotation invariant: the optimum is not plain GD (verified boundary)"),
        Check("any-response-stays-plain-gd", "symbolic", "printed", any_response_check,
              "reading 'any response law': plain GD for every family? (counterexamples)", severity="wording"),
    ),
)
