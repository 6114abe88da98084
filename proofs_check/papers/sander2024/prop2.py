r"""Proposition 2 (§4) and its restatement Proposition 8 (Appendix A.3): the optimum is one GD step.

Read under each of the three values of s_0 (:mod:`._common`). Under :math:`s_0 = W^{-1}s_1` — the paper's own
setting for this statement, (9) — the printed minimisers and :math:`\eta^*` hold exactly, but the optimal map is
one GD step on (5) extended by the pair :math:`(s_0, s_1)`, not on (5). Under zero padding the optimal map is a GD
step on (5), with :math:`\eta_0^* = 3/(2T_{\max} + 3d - 4)` and minimisers :math:`a_1 = a_4 = 0` (not only
:math:`a_1 + a_4 = 0`). Both step sizes are :math:`\sim 3/(2T_{\max})`. Under :math:`s_0 = s_1` (what Lemma 1's
construction outputs) the optimum is no GD step at all: the minimum over Assumption 2 is strictly below the best
GD form (exact rational certificates), at a minimiser with :math:`a_1, a_4, b_2 \neq 0` whose ratios do not
vanish as :math:`T_{\max}` grows. Two typos: "initialization λ = 0" (the iterate is W) and "Γ_θ0 in
Proposition 2" (Proposition 1). No single value of s_0 makes Lemma 1 (as proved), Proposition 1 at
:math:`W_0 = 0` and Proposition 2 (as printed) true at once (artefact ``three-readings``).
"""

from ...claim import Claim, Reading
from .proofs.a3_prop2 import PROOF
from .proofs.certificates import gd_constants_all_sizes
from ._common import (ASSUMPTION_1, ASSUMPTION_2, INNER_LOSS_5, LOSS_3, MODEL_4, S0_BACKWARD, S0_CONVENTIONS,
                      S0_DEFINITION_READINGS, S0_FIRST, S0_RELATION, S0_WHERE, S0_ZERO)

PROPOSITION_8 = (
    r"\textbf{Proposition 8} (In-context autoregressive learning with gradient-descent.). Suppose "
    r"$\mathcal{C} = \mathcal{C}_U$, assumptions 1 and 2. Then loss (9) is minimal for $c_{\alpha,\beta} = 0$ "
    r"if $(\alpha, \beta) \neq (-1, 0)$ and $c_{-1,0} = \frac{\sum_{T=2}^{T_{\max}} T}{\sum_{T=2}^{T_{\max}} "
    r"(T^2 + (d-1)T)}$. Therefore, the optimal in-context map $\Gamma_{\theta^*}$ is one step of gradient "
    r"descent starting from the initialization $\lambda = 0$, with a step size asymptotically equivalent to "
    r"$\frac{3}{2T_{\max}}$ with respect to $T_{\max}$."
)

CLAIM = Claim(
    id="prop2",
    proof=PROOF,
    erratum_step="P8.27",
    kind="proposition",
    title="In-context autoregressive learning with gradient descent",
    source="§4, Proposition 2; restated as Proposition 8 and proved in Appendix A.3",
    order=5,
    statement=(
        r"\textbf{Proposition 2} (In-context autoregressive learning with gradient-descent). Suppose "
        r"$C = C_U$, assumptions 1 and 2. Then loss (3) is minimal for $\theta^*$ such that "
        r"$a_1^* + a_4^* = a_2^* = b_2^* = 0$ and $a_3^*b_1^* = \frac{\sum_{T=2}^{T_{max}} T}{\sum_{T=2}^{T_{max}} "
        r"(T^2 + (d-1)T)}$. Furthermore, an optimal in-context mapping $\Gamma_{\theta^*}$ is one step of "
        r"gradient descent starting from the initialization $\lambda = 0$, with a step size asymptotically "
        r"equivalent to $\frac{3}{2T_{max}}$ with respect to $T_{max}$."
    ),
    definitions={
        "(3)": LOSS_3,
        "(4)": MODEL_4,
        "(5)": INNER_LOSS_5,
        "Proposition 8": PROPOSITION_8,
        r"\eta^*": (r"\eta^* = \frac{\sum_{T=2}^{T_{\max}} T}{\sum_{T=2}^{T_{\max}} (T^2 + (d-1)T)} "
                    r"\sim \frac{3}{2T_{\max}}\ \text{(end of A.3)}"),
        "s_0": S0_DEFINITION_READINGS,
    },
    assumptions=(ASSUMPTION_1, ASSUMPTION_2),
    conventions=(
        "The first token e_1 = (0, s_1, s_0) needs s_0: each of its three values (0, W^{-1}s_1, s_1) is a reading "
        "(definition 's_0'); s_0 = W^{-1}s_1 is adopted, the setting of (9) in which Proposition 8 restates this "
        "statement.",
        "'Starting from the initialization lambda = 0' names the context lambda where the iterate is meant: the GD "
        "iterate is W (Gamma), as proof A.3's last display writes grad_W L(0, .) (checked as a typo). The sentence "
        "before the statement refers to 'Gamma_theta0 in Proposition 2 with W_0 = 0': Gamma_theta0 and W_0 are "
        "Proposition 1's (checked as a typo).",
        "'Loss (3) is minimal for theta* such that ...' is read as: the printed conditions characterise the global "
        "minimisers (they are sufficient, and every minimiser satisfies them), checked exactly on a grid of (d, T_max).",
        "'One step of gradient descent starting from lambda = 0' is read with the inner loss (5) of Proposition 1, "
        "W_0 = 0, and prediction Gamma s_T (proof A.3's last display).",
        "Exact methods use the closed-form population loss (Parseval on the torus); trained checks use Adam on "
        "sampled C_U sequences from independent random starts, judged by their success rate.",
    ),
)


# --- checks ---------------------------------------------------------------------------------------------
import dataclasses  # noqa: E402
import functools  # noqa: E402

import numpy as np  # noqa: E402
import sympy  # noqa: E402

from ical_verify.numerics.binomial import success_rate  # noqa: E402
from ical_verify.theory import augmented_attention as aa  # noqa: E402
from ical_verify.theory.laurent import LaurentPolynomial  # noqa: E402

from ...claim import Artefact, ArtefactOutcome, Check, CheckOutcome, DerivedExpression  # noqa: E402

GRID = ((2, 3), (2, 4), (3, 3), (3, 4))
NAMES = {S0_BACKWARD: "s_0 = W^(-1)s_1", S0_ZERO: "s_0 = 0", S0_FIRST: "s_0 = s_1"}
#: severity of a failure of the printed statement under each convention: true under the other one
SEVERITY = {S0_BACKWARD: "convention", S0_ZERO: "convention", S0_FIRST: "convention"}
SUCCESS_THRESHOLD = 0.5  # trained starts: the corrected statement says what a typical start reaches


@functools.lru_cache(maxsize=None)
def eta_star(s0: str):
    return aa.derive_eta_star(s0)


def eta_value(s0: str, d: int, Tmax: int):
    return eta_star(s0).eta_star.subs({aa.D_SYM: d, aa.TMAX_SYM: Tmax})


def printed_eta(d, Tmax):
    """The printed eta* (Proposition 2), read through the module so that controls can perturb it."""
    return aa.printed_eta_star(d, Tmax)


@functools.lru_cache(maxsize=None)
def minimiser_set(s0: str, d: int, Tmax: int):
    """Exact global minimisers of (3) under Assumptions 1, 2: (min value, solution dicts in a_i, b_i, loss in m)."""
    a, b = aa.parameter_symbols()
    loss_m = aa.population_loss_products(d, Tmax, s0)
    r = aa.relaxed_minimum(loss_m)
    tau = sympy.symbols(f"tau0:{len(r.null_directions)}")
    mp, ms = aa.products_to_parameters(), aa.product_symbols()
    eqs = [mp[s] - r.particular[s] - sum((t * nd[s] for t, nd in zip(tau, r.null_directions)), 0)
           for s in ms.values()]
    sols = sympy.solve(eqs, [a[1], a[2], a[3], b[1], *tau], dict=True)
    out = []
    for sol in sols:
        left = [sympy.simplify(e.subs(sol)) for e in eqs]
        left = [e for e in left if e != 0]
        if left:  # remaining constraints, e.g. a_1 b_1 = 0 with b_1 != 0 (a_3 b_1 = eta* != 0)
            for ex in sympy.solve(left, [a[0]], dict=True):
                out.append({k: sympy.simplify(v.subs(ex)) for k, v in {**sol, **ex}.items()})
        else:
            out.append(sol)
    out = [{k: v for k, v in s.items() if not str(k).startswith("tau")} for s in out]
    return r.value, out, loss_m


def printed_conditions(a, b, eta):
    """The printed conditions: a point satisfying them (a = (a1, 0, eta/b1, -a1), b = (b1, 0)) and the equations."""
    return ({a[1]: 0, a[2]: eta / b[0], a[3]: -a[0], b[1]: 0}, [a[0] + a[3], a[1], b[1], a[2] * b[0] - eta])


def zero_padding_conditions(a, b, eta):
    """The conditions derived under s_0 = 0: a1 = a4 = a2 = b2 = 0, a3 b1 = eta."""
    return ({a[0]: 0, a[1]: 0, a[2]: eta / b[0], a[3]: 0, b[1]: 0}, [a[0], a[3], a[1], b[1], a[2] * b[0] - eta])


def printed_conditions_hold(s0: str, d: int, Tmax: int, conditions=printed_conditions, eta=None):
    """Do the conditions (printed by default, with the printed eta*) characterise the exact minimisers? Both ways."""
    a, b = aa.parameter_symbols()
    value, sols, loss_m = minimiser_set(s0, d, Tmax)
    eta_p = printed_eta(d, Tmax) if eta is None else eta(d, Tmax)
    loss = loss_m.subs(aa.products_to_parameters())
    point, conds = conditions(a, b, eta_p)
    # conditions => minimal
    at_printed = sympy.simplify(loss.subs(point) - value)
    # minimal => conditions
    necessary = all(sympy.simplify(c.subs(s)) == 0 for s in sols for c in conds)
    return {"minimum": str(value), "minimisers": [{str(k): str(v) for k, v in s.items()} for s in sols],
            "printed_point_excess_loss": str(at_printed), "printed_sufficient": at_printed == 0,
            "printed_necessary": bool(necessary), "printed_eta": str(eta_p),
            "derived_eta": str(eta_value(s0, d, Tmax))}


def a1_a4_probe(s0: str, d: int = 2, Tmax: int = 5, x=sympy.Rational(1, 20)) -> dict:
    """Exact loss (3) at a1 = -a4 = x, a3 b1 = the derived eta* (b = (1, 0)), the rest 0, against the minimum over
    the GD form: whether a1 + a4 = 0 alone leaves the loss minimal."""
    q = aa.assumption2_quadratic(d, Tmax, s0)
    eta = eta_value(s0, d, Tmax)
    at = q.loss([x, 0, eta, -x], [1, 0])
    base = q.loss([0, 0, eta, 0], [1, 0])
    return {"d": d, "Tmax": Tmax, "x": float(x), "loss": float(at), "minimum": float(base),
            "excess": str(sympy.nsimplify(at - base))}


def check_minimisers(s0: str, grid=GRID, conditions=printed_conditions, eta=None):
    """Check factory: the printed conditions (a1+a4 = a2 = b2 = 0, a3 b1 = eta*) characterise the exact minimisers.

    ``conditions`` and ``eta`` replace the printed ones (controls feed the derived zero-padding conditions).
    """

    def run(ctx) -> CheckOutcome:
        per = {f"d={d},Tmax={T}": printed_conditions_hold(s0, d, T, conditions, eta) for d, T in grid}
        ok = all(v["printed_sufficient"] and v["printed_necessary"] for v in per.values())
        e = per[f"d={grid[0][0]},Tmax={grid[0][1]}"]
        detail = (f"{NAMES[s0]}. Exact population loss (3) under Assumptions 1, 2, C_U as a quadratic form in "
                  f"m_kl = a_k b_l; its minimum over all 4x2 matrices m is attained by rank-one m = a b^T, so it is "
                  f"the global minimum; the minimiser set was solved exactly (SymPy). The printed conditions "
                  f"characterise it on every grid point {list(grid)}: {ok} (e.g. d = {grid[0][0]}, T_max = "
                  f"{grid[0][1]}: minimisers {e['minimisers']}, minimum {e['minimum']}, printed eta* "
                  f"{e['printed_eta']}, derived {e['derived_eta']}, printed point sufficient "
                  f"{e['printed_sufficient']}, necessary {e['printed_necessary']}).")
        # a1 + a4 = 0 on its own: the printed conditions with the derived eta*, and the referee's probe a1 = -a4 = 1/20
        with_derived = {f"d={d},Tmax={T}": printed_conditions_hold(s0, d, T, printed_conditions,
                                                                   lambda d_, T_: eta_value(s0, d_, T_))
                        for d, T in grid}
        a1a4_free = all(v["printed_sufficient"] for v in with_derived.values())
        probe = a1_a4_probe(s0)
        detail += (f" The condition a1 + a4 = 0 on its own (the printed conditions with the derived eta*): sufficient "
                   f"on every grid point: {a1a4_free}; at d = {probe['d']}, T_max = {probe['Tmax']}, a1 = -a4 = "
                   f"{probe['x']} (a3 b1 = derived eta*, the rest 0) gives loss {probe['loss']:.4f} against the minimum "
                   f"{probe['minimum']:.4f}.")
        if not ok:
            detail += ((" Under zero padding the minimisers need a1 = a4 = 0 individually (a1 + a4 = 0 is not enough: "
                        "a1 = -a4 != 0 raises the loss) and a3 b1 = 3/(2 T_max + 3d - 4)." if s0 == S0_ZERO else "")
                       + " Severity: convention — the printed conditions are exact under s_0 = W^(-1)s_1, the "
                         "convention of (9).")
        summary = (f"{NAMES[s0]}: the printed minimisers (a1 + a4 = a2 = b2 = 0, a3 b1 = eta*) are "
                   + ("exactly the global minimisers" if ok else
                      f"not the minimisers (d = {grid[0][0]}, T_max = {grid[0][1]}: a3 b1 = {e['derived_eta']}, "
                      f"printed {e['printed_eta']})") + f" on {len(grid)} (d, T_max)"
                   + ("" if a1a4_free else f"; even with the derived eta*, a1 = -a4 = {probe['x']} raises the loss from "
                      f"{probe['minimum']:.2f} to {probe['loss']:.2f} (d = {probe['d']}, T_max = {probe['Tmax']}): "
                      f"a1 = a4 = 0 is needed"))
        return CheckOutcome(ok, detail, {"per_grid_point": per, "convention": s0, "grid": list(grid),
                                         "a1_plus_a4_zero_sufficient_with_derived_eta": a1a4_free,
                                         "a1_a4_probe": probe},
                            summary=summary, severity=None if ok else SEVERITY[s0],
                            scope=f"(d, T_max) in {list(grid)}, exact")

    return run


def check_eta(s0: str, grid=GRID):
    """Check factory: the derived eta* (closed form) equals the printed one, agrees with the exact minimisers,
    and T_max eta* -> 3/2."""

    def run(ctx) -> CheckOutcome:
        printed = printed_eta(aa.D_SYM, aa.TMAX_SYM)
        e = eta_star(s0)
        same = sympy.simplify(e.eta_star - printed) == 0
        a3, b1 = sympy.Symbol("a3", real=True), sympy.Symbol("b1", real=True)
        agree = all(sympy.simplify(minimiser_set(s0, d, T)[1][0][a3] * b1 - eta_value(s0, d, T)) == 0
                    for d, T in grid)
        limit_ok = e.limit == sympy.Rational(3, 2)
        passed = bool(same and agree and limit_ok)
        detail = (f"{NAMES[s0]}. Per-T loss of the GD form (a3 b1 = eta, the rest 0) is d(K_T eta^2 - 2 J_T eta + 1) "
                  f"with K_T = {e.K}, J_T = {e.J} (interpolated from the exact engine, checked at held-out (T, d) "
                  f"{e.held_out}); eta* = sum J_T / sum K_T = {e.eta_star} (SymPy summation). Equals the printed "
                  f"sum T / sum (T^2 + (d-1)T): {same}. Agrees with the exact minimisers on {list(grid)}: {agree}. "
                  f"lim T_max eta* = {e.limit} (printed 3/2): {limit_ok}. Criterion: all three.")
        if not passed and not same:
            detail += (" Severity: convention — the printed eta* is the optimum under s_0 = W^(-1)s_1; under zero "
                       "padding the t = 1 terms vanish and the optimum moves.")
        return CheckOutcome(passed, detail, {"eta_star": str(e.eta_star), "K_T": str(e.K), "J_T": str(e.J),
                                             "limit_Tmax_eta": str(e.limit), "equals_printed": bool(same),
                                             "agrees_with_exact_minimisers": agree, "convention": s0},
                            derived=[DerivedExpression.from_sympy(f"eta_star_{s0}", e.eta_star,
                                                                  f"eta* under {NAMES[s0]} (SymPy summation)")],
                            summary=(f"{NAMES[s0]}: eta* = {e.eta_star} " + ("= printed" if same else "!= printed")
                                     + f", T_max eta* -> {e.limit}"),
                            severity=None if passed else SEVERITY[s0], scope="all d >= 1, T_max >= 2 (closed form)")

    return run


def _optimum_heads(d: int, eta):
    A, B = aa.assumption2_matrices(d, [0, 0, eta, 0], [1, 0])
    return [(B[:d, d:], A[d:, d:])]


def check_gd_map(s0: str, cases=((1, 3), (2, 3), (2, 4), (3, 3))):
    """Check factory: at the derived optimum, model (4) equals one GD step on (5) from W_0 = 0 on C_U data."""

    def run(ctx) -> CheckOutcome:
        res = {}
        for d, T in cases:
            eta = eta_value(s0, d, T)
            out = aa.model4_heads_laurent_output(d, T, s0, _optimum_heads(d, eta))
            gd5 = aa.gd_step_laurent_output(d, T, s0, sympy.zeros(d, d), eta, first=1)
            ext = aa.gd_step_laurent_output(d, T, s0, sympy.zeros(d, d), eta, first=0)
            res[f"d={d},T={T}"] = {"mismatches_gd_on_5": aa.coordinate_mismatches(out, gd5),
                                   "mismatches_gd_on_5_plus_pair": aa.coordinate_mismatches(out, ext)}
        gd5_ok = all(v["mismatches_gd_on_5"] == 0 for v in res.values())
        limit_ok = eta_star(s0).limit == sympy.Rational(3, 2)
        passed = gd5_ok and limit_ok
        detail = (f"{NAMES[s0]}. At the derived optimum (a3 b1 = eta*, a2 = b2 = 0; a1 = -a4 adds nothing on C_U data) "
                  f"model (4) against (0 - eta* grad L(0)) s_T with L = (5), exact Laurent polynomials on C_U data: "
                  + ", ".join(f"{k}: {v['mismatches_gd_on_5']} mismatched monomials (against (5) plus the pair "
                              f"(s_0, s_1): {v['mismatches_gd_on_5_plus_pair']})" for k, v in res.items())
                  + f". Step size eta* ~ 3/(2 T_max): {limit_ok}.")
        if not passed:
            detail += (" The optimal map is eta* sum_(t=1)^T s_t s_(t-1)^* s_T = -eta* grad L~(0) s_T with L~ = (5) plus "
                       "the pair (s_0, s_1): a GD step on an inner loss with one more pair, not on (5) (and, by prop1's "
                       "rank certificate, no number of heads gives a step on (5) under this convention). Severity: "
                       "convention — under zero padding the same map is a GD step on (5).")
        summary = (f"{NAMES[s0]}: the optimal map is one GD step on (5) from 0 with step ~ 3/(2 T_max)" if passed else
                   f"{NAMES[s0]}: the optimal map is a GD step on (5) plus the pair (s_0, s_1), not on (5)")
        return CheckOutcome(passed, detail, {"cases": res, "convention": s0}, summary=summary,
                            severity=None if passed else SEVERITY[s0], scope=f"(d, T) in {list(cases)}, exact")

    return run


def check_multistart(s0: str, configs=((2, 3), (3, 4))):
    """Check factory: numerical global minimisation of the exact polynomial from many starts (scipy L-BFGS)."""

    def run(ctx) -> CheckOutcome:
        from scipy.optimize import minimize

        a, b = aa.parameter_symbols()
        params = list(a) + list(b)
        rng = ctx.rng(21 if s0 == S0_BACKWARD else 22)
        starts = ctx.starts(20, 200)
        res, ok = {}, True
        for d, T in configs:
            value, _, loss_m = minimiser_set(s0, d, T)
            loss = loss_m.subs(aa.products_to_parameters())
            f = sympy.lambdify([params], loss, "numpy")
            g = sympy.lambdify([params], [sympy.diff(loss, p) for p in params], "numpy")
            eta = float(eta_value(s0, d, T))
            best, hits, viol = np.inf, 0, 0.0
            for _ in range(starts):
                r = minimize(lambda x: float(f(x)), rng.normal(0, 1, 6), jac=lambda x: np.array(g(x), float),
                             method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 5000})
                best = min(best, r.fun)
                if r.fun - float(value) < 1e-8:
                    hits += 1
                    x = dict(zip(params, r.x))
                    conds = [x[a[1]], x[b[1]], x[a[2]] * x[b[0]] - eta]
                    conds += [x[a[0]] + x[a[3]]] if s0 == S0_BACKWARD else [x[a[0]], x[a[3]]]
                    viol = max(viol, max(abs(c) for c in conds))
            good = abs(best - float(value)) < 1e-8 and viol < 1e-4 and hits > 0
            ok &= good
            res[f"d={d},Tmax={T}"] = {"exact_min": float(value), "best_found": best, "hits": hits, "starts": starts,
                                      "max_condition_violation": viol}
        conds = "a1+a4 = a2 = b2 = 0" if s0 == S0_BACKWARD else "a1 = a4 = a2 = b2 = 0"
        detail = (f"{NAMES[s0]}. L-BFGS from {starts} N(0,1) starts on the exact polynomial loss (a1..a4, b1, b2): the "
                  f"best value equals the exact minimum to 1e-8 and every start reaching it satisfies the derived "
                  f"conditions ({conds}, a3 b1 = derived eta*) to 1e-4: {ok}. "
                  + "; ".join(f"{k}: min {v['exact_min']:.6g}, found {v['best_found']:.6g}, {v['hits']}/{starts} "
                              f"starts, violation {v['max_condition_violation']:.1e}" for k, v in res.items()))
        return CheckOutcome(ok, detail, res, scope=f"(d, T_max) in {list(configs)}",
                            summary=(f"{NAMES[s0]}: L-BFGS from {starts} starts reaches the exact minimum at the derived "
                                     f"minimisers: {ok}"))

    return run


# --- trained evidence: Adam from independent random starts -------------------------------------------------
def trained_profile(ctx) -> dict:
    # quick: 16 starts. About one start in 100 stalls short of the minimiser within the step budget (20 seeds x 2
    # conventions); with 8 starts one such start left the rate at 7/8, whose interval reaches below 1/2 (undecided),
    # for 3 seeds in 20; with 16 starts that needs 4 stalled starts
    return {"d": 2, "Tmax": 4, "n": 2 ** 14 if ctx.quick else 2 ** 16, "steps": 1500 if ctx.quick else 3000,
            "starts": ctx.starts(16, 32), "lr": 2e-2, "init_scale": 0.3}


@functools.lru_cache(maxsize=8)
def trained_evidence(seed: int, profile: str, s0: str) -> dict:
    """Adam on the Assumption-2 model (4) from independent random starts on sampled C_U data (cached per seed).

    Also the exact minimiser of the empirical loss over all 4 x 2 matrices m (least squares on the model's
    features): its distance to the derived minimiser is the sampling error at this n.
    """
    import torch

    from ical_verify.models.augmented_attention import AugmentedAttentionConfig, prefix_loss
    from ical_verify.models.train_augmented import train_assumption2_multistart, unitary_dataset

    from ...claim import RunContext

    ctx = RunContext(seed=seed, profile=profile)
    p = trained_profile(ctx)
    E, tgt, _ = unitary_dataset(p["d"], p["Tmax"], p["n"], ctx.rng(31 if s0 == S0_BACKWARD else 32), s0)
    seeds = [10_000 * seed + k for k in range(p["starts"])]
    r = train_assumption2_multistart(seeds, E, tgt, p["steps"], p["lr"], p["init_scale"])
    cfg = AugmentedAttentionConfig(d=p["d"], parameterisation="assumption2")
    # the torch model itself at start 0's trained parameters: the same loss as the quadratic form
    with torch.no_grad():
        torch_loss = float(prefix_loss(r.model(0, cfg), E, tgt))
    # exact minimum of the empirical loss over all m (a lower bound over rank-one m = a b^T)
    from ical_verify.models.train_augmented import assumption2_features

    with torch.no_grad():
        F = assumption2_features(E, p["d"])[:, 1:].reshape(-1, 8)
        y = tgt[:, 1:].reshape(-1)
        G = ((F.conj().T @ F).real / p["n"]).numpy()
        h = ((F.conj().T @ y).real / p["n"]).numpy()
    m_hat = np.linalg.lstsq(G, h, rcond=None)[0]  # (8,): m_kl in the order (k, l)
    starts = []
    for k, params in enumerate(r.parameters):
        a, b = params["layers.0.a"].numpy(), params["layers.0.b"].numpy()
        starts.append({"seed": seeds[k], "a": a.tolist(), "b": b.tolist(), "a3b1": float(a[2] * b[0]),
                       "final_loss": float(r.final_losses[k]), "relative_change": float(r.relative_change()[k])})
    return {"profile": p, "convention": s0, "eta_star": float(eta_value(s0, p["d"], p["Tmax"])),
            "starts": starts, "m_hat": m_hat.tolist(), "torch_loss_start0": torch_loss}


def decision_stability(rate, threshold: float) -> str:
    """How likely another ``--seed`` is to give the same decision, if the true success rate were the observed
    fraction, or the end of its 95 % interval nearest the threshold (the least favourable rate the data allow);
    exact binomial, :func:`numerics.binomial.decision_probabilities`."""
    from ical_verify.numerics.binomial import decision_probabilities

    decision = rate.judge(threshold)
    near = rate.interval[0] if decision is True else rate.interval[1] if decision is False else rate.fraction
    at_obs = decision_probabilities(rate.fraction, rate.trials, threshold)[decision]
    at_near = decision_probabilities(near, rate.trials, threshold)[decision]
    return (f"another seed gives the same decision with probability {at_obs:.2f} if the true rate is the observed "
            f"{rate.fraction:.2f}, {at_near:.2f} if it is {near:.2f} (the interval's end nearest {threshold:g})")


def identifiable_deviation(m: np.ndarray, s0: str, eta: float) -> float:
    """Largest deviation of the products m_kl = a_k b_l (4 x 2) from the derived minimiser, over the combinations
    the loss determines: m_31 - eta*, m_21, m_k2, and m_11 + m_41 (s_0 = W^(-1)s_1, where a_1 = -a_4 is free) or
    m_11, m_41 (s_0 = 0)."""
    combos = [m[2, 0] - eta, m[1, 0], *m[:, 1]]
    combos += [m[0, 0] + m[3, 0]] if s0 == S0_BACKWARD else [m[0, 0], m[3, 0]]
    return float(max(abs(c) for c in combos))


def judge_trained(evidence: dict, tolerance: float = 0.05, optimisation_tolerance: float = 1e-5,
                  loss_tolerance: float = 1e-3) -> CheckOutcome:
    """Judge: a start succeeds if it is trained to tolerance (relative loss change over its last 50 steps below
    ``optimisation_tolerance``), reached the best loss of all starts (relative ``loss_tolerance``: not a saddle,
    whose loss is higher by a large fraction), and its products
    a_k b_l are within ``tolerance`` x eta* of the derived minimiser (the sampling error at this n, which the exact
    least-squares minimiser of the empirical loss measures); the success rate decides (Clopper-Pearson).

    ``loss_tolerance`` is commensurate with ``tolerance``: near the minimiser the loss gap is quadratic in the
    products' deviation, so products within 5 % allow a relative gap of order 1e-3. (With the loss held to 1e-5,
    one start in 8 with products within 0.2 % of the minimiser and a gap of 1.6e-5 failed, for 3 seeds in 20.)"""
    s0, eta = evidence["convention"], evidence["eta_star"]
    best = min(s["final_loss"] for s in evidence["starts"])
    ok, devs = [], []
    for s in evidence["starts"]:
        m = np.outer(s["a"], s["b"])
        dev = identifiable_deviation(m, s0, eta)
        devs.append(dev)
        converged = abs(s["relative_change"]) < optimisation_tolerance
        optimum = s["final_loss"] <= best * (1 + loss_tolerance)
        ok.append(bool(converged and optimum and dev < tolerance * eta))
    rate = success_rate(sum(ok), len(ok))
    passed = rate.judge(SUCCESS_THRESHOLD)
    p = evidence["profile"]
    torch_gap = abs(evidence["torch_loss_start0"] - evidence["starts"][0]["final_loss"])
    products = [s["a3b1"] for s in evidence["starts"]]
    sampling = identifiable_deviation(np.array(evidence["m_hat"]).reshape(4, 2), s0, eta)
    detail = (f"{NAMES[s0]}. Model (4) under Assumption 2 (a1..a4, b1, b2), float64 C_U data, d = {p['d']}, T_max = "
              f"{p['Tmax']}, n = {p['n']} sequences, Adam lr {p['lr']} (cosine to 1 %), {p['steps']} full-batch "
              f"steps, {len(ok)} independent starts N(0, {p['init_scale']}^2). The loss is evaluated through the "
              f"model's exact bilinear form (the torch model at start 0's parameters gives the same loss to "
              f"{torch_gap:.1e}). A start succeeds if it is trained to tolerance (relative loss change over the last "
              f"50 steps < {optimisation_tolerance:g}), reached the best loss of all starts ({best:.8f}) to relative "
              f"{loss_tolerance:g}, and its products a_k b_l deviate from the derived minimiser by less than {tolerance:.0%} "
              f"of eta* = {eta:.5f} (the exact least-squares minimiser of this empirical loss deviates by "
              f"{sampling:.1e}: sampling). a3 b1 over starts: median {np.median(products):.5f}, range "
              f"{min(products):.5f}..{max(products):.5f}; deviations median {np.median(devs):.1e}, max "
              f"{max(devs):.1e}. Successes {rate}; criterion: the 95 % interval above {SUCCESS_THRESHOLD}; "
              f"{decision_stability(rate, SUCCESS_THRESHOLD)}.")
    return CheckOutcome(passed, detail, {"success_rate": rate.to_json(), "successes": ok, "deviations": devs,
                                         **evidence},
                        summary=(f"{NAMES[s0]}: Adam reaches a3 b1 = {np.median(products):.4f} (derived eta* "
                                 f"{eta:.4f}) from {rate}"),
                        scope=f"d = {p['d']}, T_max = {p['Tmax']}, n = {p['n']}")


def check_trained(s0: str):
    def run(ctx) -> CheckOutcome:
        return judge_trained(trained_evidence(ctx.seed, ctx.profile, s0))

    return run


# --- corrected statements -------------------------------------------------------------------------------
CORRECTED = {
    S0_BACKWARD: (r"Under $\mathcal{C}_U$, Assumptions 1, 2 and $s_0 = W^{-1}s_1$: (3) is minimal iff $a_1+a_4 = a_2 = "
                  r"b_2 = 0$ and $a_3 b_1 = \eta^* = \frac{\sum_{T=2}^{T_{\max}} T}{\sum_{T=2}^{T_{\max}}(T^2+(d-1)T)}"
                  r" \sim \frac{3}{2T_{\max}}$, and $\Gamma_{\theta^*} = -\eta^*\nabla\tilde L(0)$ with $\tilde L(W) = "
                  r"\frac12\sum_{t=0}^{T-1}\|s_{t+1} - Ws_t\|^2$ (loss (5) plus the pair $(s_0, s_1)$)."),
    S0_ZERO: (r"Under $\mathcal{C}_U$, Assumptions 1, 2 and $s_0 = 0$: (3) is minimal iff $a_1 = a_4 = a_2 = b_2 = 0$ "
              r"and $a_3 b_1 = \eta_0^* = \frac{3}{2T_{\max} + 3d - 4} \sim \frac{3}{2T_{\max}}$, and "
              r"$\Gamma_{\theta^*} = -\eta_0^*\nabla L(0)$ with $L$ = (5)."),
}


def check_corrected(s0: str, grid=GRID):
    """Check factory: the corrected statement under ``s0``: minimiser sets, eta*, the GD map and the limit, exactly."""

    def run(ctx) -> CheckOutcome:
        a, b = aa.parameter_symbols()
        ok = True
        for d, T in grid:
            _, sols, _ = minimiser_set(s0, d, T)
            eta = eta_value(s0, d, T)
            conds = [a[1], b[1], a[2] * b[0] - eta] + ([a[0] + a[3]] if s0 == S0_BACKWARD else [a[0], a[3]])
            ok &= len(sols) > 0 and all(sympy.simplify(c.subs(s)) == 0 for s in sols for c in conds)
        closed = (sympy.simplify(eta_star(s0).eta_star - printed_eta(aa.D_SYM, aa.TMAX_SYM)) == 0
                  if s0 == S0_BACKWARD else
                  sympy.simplify(eta_star(s0).eta_star - 3 / (2 * aa.TMAX_SYM + 3 * aa.D_SYM - 4)) == 0)
        first = 0 if s0 == S0_BACKWARD else 1
        maps = all(aa.coordinate_mismatches(
            aa.model4_heads_laurent_output(d, T, s0, _optimum_heads(d, eta_value(s0, d, T))),
            aa.gd_step_laurent_output(d, T, s0, sympy.zeros(d, d), eta_value(s0, d, T), first=first)) == 0
            for d, T in ((1, 3), (2, 3), (3, 3)))
        ok = bool(ok and closed and maps and eta_star(s0).limit == sympy.Rational(3, 2))
        return CheckOutcome(ok, f"{NAMES[s0]}: minimiser sets on {list(grid)}, the closed form eta* = "
                            f"{eta_star(s0).eta_star} ({closed}), the GD map on the inner loss with "
                            f"{'the pair (s_0, s_1)' if first == 0 else 'pairs t = 1..T-1 (5)'} ({maps}) and "
                            f"T_max eta* -> 3/2, all exact: {ok}.", {"eta_star": str(eta_star(s0).eta_star)},
                            corrected=CORRECTED[s0], scope=f"(d, T_max) in {list(grid)}; eta* for all d, T_max",
                            summary=f"{NAMES[s0]}: corrected minimisers, eta* = {eta_star(s0).eta_star} and GD map "
                                    f"hold exactly: {ok}")

    return run


def full_parameters_artefact(ctx) -> ArtefactOutcome:
    """Full A, B (outside Assumption 2) trained on C_U: loss against the GD form and distance to the GD map."""
    import torch

    from ical_verify.models.augmented_attention import AugmentedAttentionConfig, AugmentedTransformer, prefix_loss
    from ical_verify.models.train_augmented import train, unitary_dataset

    d, Tmax = 2, 4
    n, steps = (2 ** 10, 400) if ctx.quick else (2 ** 15, 3000)
    res = {}
    for s0 in (S0_BACKWARD, S0_ZERO):
        E, tgt, _ = unitary_dataset(d, Tmax, n, ctx.rng(33 if s0 == S0_BACKWARD else 34), s0)
        model = AugmentedTransformer(AugmentedAttentionConfig(d=d, init_scale=0.1), seed=ctx.seed)
        r = train(model, E, tgt, steps, 1e-2, progress=lambda i, s: ctx.report(f"prop2: full A, B ({s0})", i, s))
        ref = AugmentedTransformer(AugmentedAttentionConfig(d=d, parameterisation="assumption2"))
        ref.set_assumption2([0, 0, float(eta_value(s0, d, Tmax)), 0], [1, 0])
        with torch.no_grad():
            out, out_gd = model(E)[:, 1:], ref(E)[:, 1:]
            ref_loss = float(prefix_loss(ref, E, tgt))
        dist = float(((out - out_gd).abs() ** 2).sum().sqrt() / (out_gd.abs() ** 2).sum().sqrt())
        res[s0] = {"final_loss": r.final_loss, "gd_form_loss": ref_loss, "output_vs_gd_step": dist,
                   "last_window_relative_loss_change": r.relative_change()}
    return ArtefactOutcome(
        f"Full A, B (3d x 3d real, outside Assumption 2) trained with Adam on C_U (d = {d}, T_max = {Tmax}, n = {n}, "
        f"{steps} steps, one start; no vote): " + "; ".join(
            f"{NAMES[s0]}: loss {v['final_loss']:.5f} vs the one-step GD form {v['gd_form_loss']:.5f}, relative "
            f"distance of the outputs to the GD map {v['output_vs_gd_step']:.3f}" for s0, v in res.items())
        + ". A loss below the GD form with outputs far from it means that outside Assumption 2 the optimum of (3) "
          "is not a GD step (Proposition 2 does not claim it is).", metrics=res)


# --- s_0 = s_1: the optimum of (3) is no gradient step ----------------------------------------------------------
#: (d, T_max) of the exact certificates under s_0 = s_1, and the T_max of the ratio table (d = 2)
FIRST_GRID = ((2, 3), (2, 5), (2, 8), (3, 4))
FIRST_RATIO_TMAX = (8, 16, 24)
PROFILE_GRID = 360  # directions of b scanned before refinement (half-degree steps)


@functools.lru_cache(maxsize=None)
def quadratic(s0: str, d: int, Tmax: int):
    return aa.assumption2_quadratic(d, Tmax, s0)


@functools.lru_cache(maxsize=None)
def family_minimum(s0: str, d: int, Tmax: int) -> dict:
    """The minimum of (3) over Assumption 2 (rank-one profile, numerical), an exact rational certificate point near it,
    and the exact best GD form (a3 b1 = eta only)."""
    from ical_verify.numerics.attention_capacity import rank_one_quadratic_minimum

    q = quadratic(s0, d, Tmax)
    r = rank_one_quadratic_minimum(np.array(q.G.tolist(), dtype=float), np.array(q.g.tolist(), dtype=float).ravel(),
                                   float(q.c0), grid=PROFILE_GRID)
    scale = r.b[0] if abs(r.b[0]) > 1e-12 else 1.0  # b = (1, b2/b1): a carries the scale
    a, b = r.a * scale, r.b / scale
    cert_a = [sympy.Rational(round(x * 10 ** 6), 10 ** 6) for x in a]
    cert_b = [sympy.Rational(round(x * 10 ** 6), 10 ** 6) for x in b]
    gd_value, gd_eta = q.gd_form_minimum()
    return {"d": d, "Tmax": Tmax, "minimum": r.value, "a": a.tolist(), "b": b.tolist(),
            "certificate_a": [str(x) for x in cert_a], "certificate_b": [str(x) for x in cert_b],
            "certificate_loss": q.loss(cert_a, cert_b), "gd_form_minimum": gd_value, "gd_form_eta": gd_eta,
            "ratios": {"a1/a3": float(a[0] / a[2]), "a2/a3": float(a[1] / a[2]), "a4/a3": float(a[3] / a[2]),
                       "b2/b1": float(b[1] / b[0])}}


def printed_set_minimum(s0: str, d: int, Tmax: int, eta=None):
    """Exact minimum of (3) over the printed set {a1 + a4 = a2 = b2 = 0, a3 b1 = eta*} (free: x = a1 b1)."""
    x = sympy.Symbol("x", real=True)
    q = quadratic(s0, d, Tmax)
    eta = printed_eta(d, Tmax) if eta is None else eta
    m = sympy.Matrix([x, 0, 0, 0, eta, 0, -x, 0])  # (m11, m12, m21, m22, m31, m32, m41, m42)
    f = sympy.expand(q.c0 - 2 * (q.g.T * m)[0, 0] + (m.T * q.G * m)[0, 0])
    crit = sympy.solve(sympy.diff(f, x), x)
    return sympy.nsimplify(min([f.subs(x, c) for c in crit] + [f.subs(x, 0)]))


def check_minimisers_first(grid=FIRST_GRID, eta=None):
    """Check factory (s_0 = s_1): the best point of the printed set against an exact certificate point of lower loss."""

    def run(ctx) -> CheckOutcome:
        rows, ok = {}, True
        for d, T in grid:
            fm = family_minimum(S0_FIRST, d, T)
            best_printed = printed_set_minimum(S0_FIRST, d, T, None if eta is None else eta(d, T))
            below = fm["certificate_loss"] < best_printed
            rows[f"d={d},Tmax={T}"] = {"printed_set_minimum": float(best_printed),
                                       "certificate_loss": float(fm["certificate_loss"]), "family_minimum": fm["minimum"],
                                       "beaten": bool(below)}
            ok &= not below
        e = rows[f"d={grid[0][0]},Tmax={grid[0][1]}"] if (2, 8) not in grid else rows["d=2,Tmax=8"]
        detail = ("s_0 = s_1. Exact loss (3) under Assumptions 1, 2, C_U (quadratic form in m_kl = a_k b_l, integer "
                  "arithmetic). The printed minimiser set {a1 + a4 = a2 = b2 = 0, a3 b1 = printed eta*} has exact best "
                  "loss (over the free a1 = -a4) " + "; ".join(f"{k}: {v['printed_set_minimum']:.6f}, a rational point "
                  f"of loss {v['certificate_loss']:.6f} (exact) beats it: {v['beaten']}" for k, v in rows.items())
                  + ". So the printed conditions do not give the minimum of (3) under this reading.")
        if not ok:
            detail += (" Severity: convention — they are exact under s_0 = W^(-1)s_1, the convention of (9).")
        return CheckOutcome(ok, detail, {"cases": rows}, severity=None if ok else SEVERITY[S0_FIRST],
                            summary=(f"s_0 = s_1: the printed minimisers are beaten (d = 2, T_max = 8: best printed "
                                     f"point {e['printed_set_minimum']:.3f} > exact certificate {e['certificate_loss']:.3f})"
                                     if not ok else "s_0 = s_1: no point beats the printed minimisers"),
                            scope=f"(d, T_max) in {list(grid)}, exact certificates")

    return run


def check_gd_map_first(Ts=(2, 3, 4), grid=FIRST_GRID):
    """Check factory (s_0 = s_1): is an optimal map one GD step from 0? (i) No parameters of (4), any number of heads,
    give a GD step on (5) from W_0 = 0 (exact ranks); (ii) the GD form of the family (a3 b1 = eta only: a GD step on
    (5) plus the pair (s_1, s_1)) is beaten by an exact certificate point."""

    def run(ctx) -> CheckOutcome:
        rep = aa.any_heads_representability(2, Ts, S0_FIRST, free_w0=False)
        rows, beaten = {}, False
        for d, T in grid:
            fm = family_minimum(S0_FIRST, d, T)
            b = fm["certificate_loss"] < fm["gd_form_minimum"]
            beaten |= bool(b)
            rows[f"d={d},Tmax={T}"] = {"gd_form_minimum": float(fm["gd_form_minimum"]),
                                       "certificate_loss": float(fm["certificate_loss"]),
                                       "family_minimum": fm["minimum"], "gd_form_beaten": bool(b)}
        passed = bool(rep.consistent and not beaten)
        e = rows.get("d=2,Tmax=8", next(iter(rows.values())))
        detail = (f"s_0 = s_1. (i) One GD step on (5) from W_0 = 0, as the output of (4) with any number of heads on C_U "
                  f"data, d = 2, T in {list(Ts)}: exact rank {rep.rank_model} -> {rep.rank_augmented} with the "
                  f"right-hand side: {'representable' if rep.consistent else 'not representable'}. (ii) The family's "
                  f"GD form (a3 b1 = eta, the rest 0; its map eta sum_t (s_(t-1)^* s_T) s_t is the GD step on (5) plus "
                  f"the pair (s_1, s_1)) against exact certificate points: " + "; ".join(
                      f"{k}: best GD form {v['gd_form_minimum']:.6f}, certificate {v['certificate_loss']:.6f}, family "
                      f"minimum {v['family_minimum']:.6f}" for k, v in rows.items()) + ".")
        if not passed:
            detail += (" So no optimal in-context map is one step of gradient descent from 0 under this reading: the "
                       "optimum lies off the GD form (corrected-first). Severity: convention — under zero padding the "
                       "optimal map is a GD step on (5).")
        return CheckOutcome(passed, detail, {"representability": dataclasses.asdict(rep), "cases": rows},
                            severity=None if passed else SEVERITY[S0_FIRST],
                            summary=(f"s_0 = s_1: the optimal map is no GD step from 0 (no parameters give a GD step on "
                                     f"(5); the GD form {e['gd_form_minimum']:.3f} is beaten by {e['certificate_loss']:.3f}"
                                     f", d = 2, T_max = 8)" if not passed else
                                     "s_0 = s_1: the optimal map is one GD step from 0"),
                            scope=f"(i) d = 2, T in {list(Ts)}, any number of heads; (ii) (d, T_max) in {list(grid)}")

    return run


def check_corrected_first(grid=FIRST_GRID, ratio_tmax=FIRST_RATIO_TMAX, floor=0.05):
    """Check factory: the corrected statement under s_0 = s_1 — the minimum over Assumption 2 lies strictly below the
    best GD form (exact certificates), at a minimiser with a1, a4, b2 != 0 whose ratios stay away from 0 as T_max
    grows; the profile minimum is cross-checked by L-BFGS from random starts."""

    def run(ctx) -> CheckOutcome:
        from scipy.optimize import minimize

        rng = ctx.rng(23)
        rows, ok = {}, True
        for d, T in grid:
            fm = family_minimum(S0_FIRST, d, T)
            q = quadratic(S0_FIRST, d, T)
            G, g, c0 = np.array(q.G.tolist(), dtype=float), np.array(q.g.tolist(), dtype=float).ravel(), float(q.c0)

            def f(x):
                m = np.kron(x[:4], x[4:])
                dm = (2 * G @ m - 2 * g).reshape(4, 2)  # d loss / d m_kl
                return c0 - 2 * g @ m + m @ G @ m, np.concatenate([dm @ x[4:], dm.T @ x[:4]])

            best = min(minimize(f, rng.normal(0, 1, 6), jac=True, method="L-BFGS-B",
                                options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 5000}).fun for _ in range(10))
            r = fm["ratios"]
            good = (fm["certificate_loss"] < fm["gd_form_minimum"] and best >= fm["minimum"] - 1e-9
                    and abs(r["a1/a3"]) > floor and abs(r["a4/a3"]) > floor and abs(r["b2/b1"]) > floor)
            rows[f"d={d},Tmax={T}"] = {"family_minimum": fm["minimum"], "lbfgs_best": float(best),
                                       "gd_form_minimum": float(fm["gd_form_minimum"]), **r, "holds": bool(good)}
            ok &= bool(good)
        table = {T: family_minimum(S0_FIRST, 2, T)["ratios"] for T in ratio_tmax}
        persist = all(abs(v["a4/a3"]) > floor and abs(v["b2/b1"]) > floor for v in table.values())
        passed = bool(ok and persist)
        e = rows.get("d=2,Tmax=8", next(iter(rows.values())))
        last = table[ratio_tmax[-1]]
        return CheckOutcome(passed, "s_0 = s_1: " + "; ".join(
            f"{k}: family minimum {v['family_minimum']:.6f} (L-BFGS from 10 starts: {v['lbfgs_best']:.6f}) < best GD "
            f"form {v['gd_form_minimum']:.6f}, minimiser a1/a3 = {v['a1/a3']:.3f}, a4/a3 = {v['a4/a3']:.3f}, b2/b1 = "
            f"{v['b2/b1']:.3f}" for k, v in rows.items()) + ". d = 2, ratios of the minimiser as T_max grows: "
            + "; ".join(f"T_max = {T}: a4/a3 = {v['a4/a3']:.3f}, b2/b1 = {v['b2/b1']:.3f}, a1/a3 = {v['a1/a3']:.3f}"
                        for T, v in table.items())
            + f": bounded away from 0 (|ratio| > {floor}): {persist}. The minimum is the profile over the direction of "
              f"b (the scale of b goes into a; least squares in a for each direction; {PROFILE_GRID} directions, refined to "
              f"1e-12), cross-checked by L-BFGS; the comparison with the GD form rests on exact rational certificates.",
            {"cases": rows, "ratios_by_Tmax": {str(k): v for k, v in table.items()}}, corrected=CORRECTED[S0_FIRST],
            summary=(f"s_0 = s_1: the minimum of (3) is {e['family_minimum']:.3f} < {e['gd_form_minimum']:.3f} (best GD "
                     f"form, d = 2, T_max = 8) at a1, a4, b2 != 0; at T_max = {ratio_tmax[-1]} a4/a3 = "
                     f"{last['a4/a3']:.2f}, b2/b1 = {last['b2/b1']:.2f}: {passed}"),
            scope=f"(d, T_max) in {list(grid)}; ratios d = 2, T_max in {list(ratio_tmax)} (numerical minimiser)")

    return run


CORRECTED[S0_FIRST] = (
    r"Under $\mathcal{C}_U$, Assumptions 1, 2 and $s_0 = s_1$: no parameters of (4) give a gradient step on (5) from "
    r"$0$, and the minimum of (3) lies strictly below the best one-step form $a_3b_1 = \eta$ (e.g. $d = 2$, "
    r"$T_{\max} = 8$: $4.769 < 5.385$), at a minimiser with $a_1, a_4, b_2 \neq 0$ whose ratios do not vanish as "
    r"$T_{\max}$ grows ($a_4/a_3 \approx 0.5$, $b_2/b_1 \approx -0.27$ at $T_{\max} = 24$): the optimal in-context map "
    r"is not one step of gradient descent.")


# --- typos in and around the statement ----------------------------------------------------------------------------
def _lambda_gd_map(seq, eta):
    """One GD step on (5) with the iterate W = diag(w), from w = 0, applied to s_T: eta (sum_t s_(t+1) * conj(s_t)) * s_T
    (componentwise; the gradient of (5) in w is -sum_t (s_(t+1) - w s_t) conj(s_t) componentwise)."""
    d, T = len(seq[0]), len(seq) - 1
    w = [sum((seq[t + 1][i] * seq[t][i].conjugate() for t in range(1, T)), LaurentPolynomial(d)) * eta
         for i in range(d)]
    return [w[i] * seq[T][i] for i in range(d)]


def _w_gd_map(seq, eta):
    """One GD step on (5) with the iterate W (a full matrix), from W = 0, applied to s_T: eta sum_t s_(t+1)(s_t^* s_T)."""
    d, T = len(seq[0]), len(seq) - 1
    out = []
    for i in range(d):
        out.append(sum((seq[t + 1][i] * sum((seq[t][j].conjugate() * seq[T][j] for j in range(d)), LaurentPolynomial(d))
                        for t in range(1, T)), LaurentPolynomial(d)) * eta)
    return out


ITERATES = {"lambda": _lambda_gd_map, "W": _w_gd_map}


def check_initialisation(iterate: str = "lambda", cases=((1, 3), (2, 3), (3, 4))):
    """Check factory: 'one step of gradient descent starting from the initialization lambda = 0' read with the iterate
    named by ``iterate``: does one GD step on (5) from 0 in that iterate, for some step size, give the optimal map
    eta* sum_t s_t s_(t-1)^* s_T (A.3's display, under zero padding, where it is a GD step at all)?"""

    def run(ctx) -> CheckOutcome:
        eta, step = sympy.Symbol("eta", real=True), sympy.Symbol("h", real=True)
        rows, ok = {}, True
        for d, T in cases:
            seq = aa.ar_laurent_sequence(d, T, S0_ZERO)
            opt = [sum((seq[t][i] * sum((seq[t - 1][j].conjugate() * seq[T][j] for j in range(d)),
                                        LaurentPolynomial(d)) for t in range(1, T + 1)), LaurentPolynomial(d)) * eta
                   for i in range(d)]
            gd = ITERATES[iterate](seq, step)
            eqs = [sympy.expand(c) for o, g_ in zip(opt, gd) for c in (o - g_).terms.values()]
            eqs = [e for e in eqs if e != 0]
            sol = sympy.solve(eqs, [step], dict=True) if eqs else [{step: eta}]
            good = bool(sol) and all(sympy.expand(e.subs(sol[0])) == 0 for e in eqs)
            rows[f"d={d},T={T}"] = {"matches_for_some_step": good, "equations": len(eqs)}
            ok &= good
        first_bad = next((k for k, v in rows.items() if not v["matches_for_some_step"]), None)
        detail = (f"Iterate read as {'lambda (W = diag(lambda), the context)' if iterate == 'lambda' else 'W'}: one GD "
                  f"step on (5) from {iterate} = 0 with a free step size h, against the optimal in-context map eta* "
                  f"sum_t (s_(t-1)^* s_T) s_t (A.3; zero padding, where it is a GD step), exact Laurent polynomials on "
                  f"C_U data: " + ", ".join(f"{k}: {'matches' if v['matches_for_some_step'] else 'no step size matches'}"
                                            for k, v in rows.items()) + ". ")
        if not ok:
            detail += (f"With the iterate lambda the step gives eta (T-1) lambda^T componentwise, while the optimal map "
                       f"mixes coordinates (monomials lambda_i^t lambda_j^(T-t), j != i) from d = 2 on ({first_bad}): "
                       "lambda is the context, the GD iterate is W (Gamma), as A.3's last display writes "
                       "grad_W L(0, e_(1:T)). 'Initialization lambda = 0' should read W = 0. Severity: typo — the proof "
                       "uses W = 0 throughout.")
        return CheckOutcome(ok, detail, {"cases": rows, "iterate": iterate}, severity=None if ok else "typo",
                            summary=(f"typo: 'initialization lambda = 0' — a GD step in lambda (the context) is not the "
                                     f"optimal map from d = 2 on ({first_bad}); the iterate is W, W = 0" if not ok else
                                     f"one GD step from {iterate} = 0 gives the optimal map ({len(rows)} cases, exact)"),
                            scope=f"(d, T) in {list(cases)}")

    return run


def check_cross_reference(label: str = "Proposition 2"):
    """Check factory: 'Gamma_theta* corresponds to Gamma_theta0 in <label> with W_0 = 0' (the sentence before the
    statement): the referenced statement must define theta_0 and W_0, and the optimum (a3 b1 = eta, a3 = 1) must be
    construction (8) of that statement's proof with eta."""

    def run(ctx) -> CheckOutcome:
        from ...registry import get_claim

        number = label.split()[-1]
        try:
            ref = get_claim(f"prop{number}")
            stmt = ref.statement
        except Exception:  # noqa: BLE001 - a label the paper does not have
            ref, stmt = None, ""
        defines = "theta_0" in stmt.replace("\\", "") and "W_0" in stmt
        eta = sympy.Symbol("eta", real=True)
        A, B = aa.assumption2_matrices(2, [0, 0, 1, 0], [eta, 0])
        A8, B8 = aa.construction8(2, eta)
        is_8 = (A - A8).is_zero_matrix and (B - B8).is_zero_matrix
        passed = bool(defines and is_8)
        detail = (f"The sentence before Proposition 2: 'at optimality, Gamma_theta* corresponds to Gamma_theta0 in "
                  f"{label} with W_0 = 0'. {label} ({ref.source if ref else 'not in the paper'}) defines theta_0 and "
                  f"W_0: {defines}. The optimum's parameters with a3 = 1, b1 = eta (Assumption 2) are exactly "
                  f"construction (8) of proof A.2 (Proposition 1): {is_8}. ")
        if not passed:
            detail += ("Proposition 2 has neither theta_0 nor W_0; they are Proposition 1's: the reference should read "
                       "'Proposition 1'. Severity: typo.")
        return CheckOutcome(passed, detail, {"label": label, "defines_theta0_W0": defines, "optimum_is_8": is_8},
                            severity=None if passed else "typo",
                            summary=(f"typo: 'Gamma_theta0 in {label}' — theta_0 and W_0 are Proposition 1's (the "
                                     f"optimum is construction (8) of A.2)" if not passed else
                                     f"'Gamma_theta0 in {label}' resolves: {label} defines theta_0, W_0, and the optimum "
                                     f"is its construction (8)"),
                            scope="the text of §4")

    return run


def finding(result) -> str:
    """One line from the results: the adopted reading, the other two, the typos, and the three-readings table."""
    by = {c.name: c for c in result.checks}
    st = {k: v.status for k, v in by.items()}
    parts = []
    if "optimal-map-is-gd-step-backward" in by:
        exact = st.get("minimisers-backward") == "passed" and st.get("eta-star-backward") == "passed"
        parts.append("s_0 = W^(-1)s_1 (adopted): " + ("minimisers and eta* exact, but " if exact else "")
                     + ("the optimal map is GD on (5) plus the pair (s_0, s_1), not on (5)"
                        if st["optimal-map-is-gd-step-backward"] == "failed" else "the optimal map is GD on (5)"))
    if "eta-star-zero" in by and st["eta-star-zero"] == "failed":
        parts.append(f"s_0 = 0: eta* = {by['eta-star-zero'].metrics.get('eta_star')}, a1 = a4 = 0")
    if "corrected-first" in by and st.get("optimal-map-is-gd-step-first") == "failed":
        c = by["corrected-first"].metrics.get("cases", {}).get("d=2,Tmax=8", {})
        parts.append("s_0 = s_1: no GD step" + (f" (min {c['family_minimum']:.3f} < GD form {c['gd_form_minimum']:.3f})"
                                                if c else ""))
    typos = [n for n in ("initialisation-lambda", "cross-reference-proposition") if st.get(n) == "failed"]
    if typos:
        parts.append("typos: " + ", ".join({"initialisation-lambda": "'lambda = 0' for W = 0",
                                            "cross-reference-proposition": "'Proposition 2' for 1"}[n] for n in typos))
    art = next((a for a in result.artefacts if a.name == "three-readings" and a.error is None), None)
    if art is not None and not any(art.metrics.get("all_true", {}).values()):
        parts.append("no s_0 makes Lemma 1, Prop. 1 (W_0 = 0) and Prop. 2 true at once")
    return "; ".join(parts) + "." if parts else "no check ran"


# --- how the three readings relate ---------------------------------------------------------------------------------
def three_readings_artefact(ctx) -> ArtefactOutcome:
    """For each value of s_0: does Lemma 1 hold as proved, Proposition 1 at W_0 = 0, Proposition 2 as printed?"""
    import torch

    from ical_verify.models.augmented_attention import augment
    from ical_verify.models.softmax_positional import PositionalAttentionConfig, TwoHeadPositionalAttention
    from ical_verify.numerics.samplers import ar_sequences, unitary_contexts

    rng = ctx.rng(24)
    d, T = 2, 3
    lam = unitary_contexts(d, 16, rng)
    W = np.einsum("ni,ij->nij", lam, np.eye(d)).astype(complex)
    s = torch.tensor(ar_sequences(W, 6))
    with torch.no_grad():
        out = TwoHeadPositionalAttention(PositionalAttentionConfig(d=d, scale=40.0))(s)  # (n, 6, 3d)
    table = {}
    eta = sympy.Rational(1, 3)
    A8, B8 = aa.construction8(d, eta)
    for s0 in (S0_ZERO, S0_BACKWARD, S0_FIRST):
        e1_err = float((out[:, 0] - augment(s, s0, torch.tensor(W))[:, 0]).abs().max())
        p1 = aa.coordinate_mismatches(aa.model4_heads_laurent_output(d, T, s0, [(B8[:d, d:], A8[d:, d:])]),
                                      aa.gd_step_laurent_output(d, T, s0, sympy.zeros(d, d), eta, first=1)) == 0
        fm = family_minimum(s0, 2, 5)
        q = quadratic(s0, 2, 5)
        printed_point = float(q.loss([0, 0, printed_eta(2, 5), 0], [1, 0]))
        p2_min = printed_point <= fm["minimum"] + 1e-9
        p2_map = check_gd_map(s0)(ctx).passed if s0 != S0_FIRST else check_gd_map_first()(ctx).passed
        table[s0] = {"lemma1_e1_built": e1_err < 1e-9, "lemma1_t1_error": e1_err,
                     "prop1_8_is_gd_step_from_0": bool(p1), "prop2_printed_minimisers_and_eta": bool(p2_min),
                     "prop2_optimum_is_gd_step_on_5": bool(p2_map)}
    all_true = {s0: all(v for k, v in row.items() if k != "lemma1_t1_error") for s0, row in table.items()}
    lines = "; ".join(f"{NAMES[s0]}: Lemma 1 (A.1 builds e_1) {row['lemma1_e1_built']}, Prop. 1 ((8) = GD step on (5) "
                      f"from 0) {row['prop1_8_is_gd_step_from_0']}, Prop. 2 minimisers and eta* "
                      f"{row['prop2_printed_minimisers_and_eta']}, Prop. 2 optimum = GD step on (5) "
                      f"{row['prop2_optimum_is_gd_step_on_5']}" for s0, row in table.items())
    return ArtefactOutcome(
        f"Each part against each value of s_0 (A.1's layer at scale 40 on C_U sequences; (8) against the GD step on (5) "
        f"at d = 2, T = 3, exact; the printed point's loss against the family minimum at d = 2, T_max = 5; the GD-map "
        f"checks): {lines}. A value making all true: {[NAMES[k] for k, v in all_true.items() if v] or 'none'}. "
        + S0_RELATION.replace(" (prop2's artefact three-readings computes the table)", "") + " Proposition 2 as printed "
        "(minimisers, eta* and the GD map on (5)) holds under none of the three.",
        metrics={"table": table, "all_true": all_true})


CLAIM = dataclasses.replace(
    CLAIM,
    checks=tuple(
        check for s0 in (S0_BACKWARD, S0_ZERO) for check in (
            Check(f"minimisers-{s0}", "symbolic", "printed", check_minimisers(s0),
                  f"exact global minimisers vs a1+a4 = a2 = b2 = 0, a3 b1 = eta*, {NAMES[s0]}", severity=SEVERITY[s0]),
            Check(f"eta-star-{s0}", "symbolic", "printed", check_eta(s0),
                  f"eta* in closed form equals the printed one, limit T_max eta* = 3/2, {NAMES[s0]}",
                  severity=SEVERITY[s0]),
            Check(f"optimal-map-is-gd-step-{s0}", "symbolic", "printed", check_gd_map(s0),
                  f"optimal map vs one GD step on (5) from 0, {NAMES[s0]}", severity=SEVERITY[s0]),
            Check(f"corrected-{s0}", "symbolic", "corrected", check_corrected(s0),
                  f"minimisers, eta* and GD map of the corrected statement, {NAMES[s0]}"),
            Check(f"multistart-{s0}", "property", "corrected", check_multistart(s0),
                  f"scipy multi-start on the exact polynomial reaches the derived minimisers, {NAMES[s0]}"),
            Check(f"trained-assumption2-{s0}", "trained-model", "corrected", check_trained(s0),
                  f"Adam from independent starts reaches a3 b1 = eta* (success rate), {NAMES[s0]}"),
        )
    ) + (Check("certified-gd-constants-all-d-T", "symbolic", "corrected", gd_constants_all_sizes(),
               "K_T, J_T and eta* for every d and T under both s_0 conventions"),
         Check("minimisers-first", "symbolic", "printed", check_minimisers_first(),
               "printed minimisers vs an exact certificate point of lower loss, s_0 = s_1", severity=SEVERITY[S0_FIRST]),
         Check("optimal-map-is-gd-step-first", "symbolic", "printed", check_gd_map_first(),
               "no GD step on (5) from 0 is representable, and the GD form is beaten, s_0 = s_1",
               severity=SEVERITY[S0_FIRST]),
         Check("corrected-first", "symbolic", "corrected", check_corrected_first(),
               "the minimum lies strictly below the GD form at a1, a4, b2 != 0, ratios persisting in T_max, s_0 = s_1"),
         Check("initialisation-lambda", "symbolic", "printed", check_initialisation("lambda"),
               "'initialization lambda = 0': a GD step in lambda (the context) vs the optimal map", severity="typo"),
         Check("cross-reference-proposition", "symbolic", "printed", check_cross_reference("Proposition 2"),
               "'Gamma_theta0 in Proposition 2 with W_0 = 0' (the sentence before the statement)", severity="typo"),
         ),
    readings=(
        Reading("s0-backward", S0_CONVENTIONS[S0_BACKWARD],
                tuple(f"{c}-{S0_BACKWARD}" for c in ("minimisers", "eta-star", "optimal-map-is-gd-step", "multistart",
                                                      "trained-assumption2", "corrected")), adopted=True,
                why=f"the paper's own setting for this statement: Proposition 8 restates it on (9), whose t = 1 terms "
                    f"read s_0 = lambda^(-1) ({S0_WHERE[S0_BACKWARD]}). " + S0_RELATION + " Proposition 2 as printed "
                    "holds under none of the three values: its minimisers and eta* need s_0 = W^(-1)s_1, its GD map on "
                    "(5) needs s_0 = 0."),
        Reading("s0-zero", S0_CONVENTIONS[S0_ZERO],
                tuple(f"{c}-{S0_ZERO}" for c in ("minimisers", "eta-star", "optimal-map-is-gd-step", "multistart",
                                                  "trained-assumption2", "corrected")),
                why=f"zero padding is {S0_WHERE[S0_ZERO]}; the proof's last display (-eta* grad L(0) with (5)) needs it."
                    " Under it a1 + a4 = 0 is not enough: the minimisers have a1 = a4 = 0."),
        Reading("s0-first", S0_CONVENTIONS[S0_FIRST],
                ("minimisers-first", "optimal-map-is-gd-step-first", "corrected-first"),
                why=f"s_0 = s_1 is {S0_WHERE[S0_FIRST]}: the tokens Lemma 1's construction actually delivers. Under it "
                    "the optimum of (3) is no GD step at all. Not adopted: A.3 reads the t = 1 terms of (9) with "
                    "s_0 = lambda^(-1)."),
    ),
    artefacts=(
        Artefact("full-parameters-trained", full_parameters_artefact,
                 "full A, B trained on C_U: loss against the GD form and distance to the GD map (no vote)"),
        Artefact("three-readings", three_readings_artefact,
                 "Lemma 1 (as proved), Proposition 1 at W_0 = 0 and Proposition 2 (as printed) under each value of s_0"),
    ),
    finding=finding,
)
