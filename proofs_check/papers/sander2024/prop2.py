"""Proposition 2 (§4) and its restatement Proposition 8 (Appendix A.3): the optimum is one GD step."""

from ...claim import Claim
from ._common import ASSUMPTION_1, ASSUMPTION_2, INNER_LOSS_5, LOSS_3, MODEL_4
from .proofs.a3_prop2 import PROOF
from .proofs.certificates import gd_constants_all_sizes

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
    },
    assumptions=(ASSUMPTION_1, ASSUMPTION_2),
    conventions=(
        "The first token e_1 = (0, s_1, s_0) needs s_0: results are reported under s_0 = W^{-1} s_1 and under s_0 = 0.",
    ),
)


# --- checks ---------------------------------------------------------------------------------------------
import dataclasses  # noqa: E402
import functools  # noqa: E402

import numpy as np  # noqa: E402
import sympy  # noqa: E402

from ...claim import Check, CheckOutcome, DerivedExpression  # noqa: E402

GRID = ((2, 3), (2, 4), (3, 3), (3, 4))
NAMES = {"backward": "s_0 = W^{-1}s_1", "zero": "s_0 = 0"}


@functools.lru_cache(maxsize=None)
def eta_star(s0: str):
    from ical_verify.theory.augmented_attention import derive_eta_star

    return derive_eta_star(s0)


def eta_value(s0: str, d: int, Tmax: int):
    from ical_verify.theory.augmented_attention import D_SYM, TMAX_SYM

    return eta_star(s0).eta_star.subs({D_SYM: d, TMAX_SYM: Tmax})


@functools.lru_cache(maxsize=None)
def minimiser_set(s0: str, d: int, Tmax: int):
    """Exact global minimisers of (3) under Assumptions 1, 2: (min value, solution dict in a_i, b_i)."""
    from ical_verify.theory import augmented_attention as aa

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
            extra = sympy.solve(left, [a[0]], dict=True)
            for ex in extra:
                out.append({k: sympy.simplify(v.subs(ex)) for k, v in {**sol, **ex}.items()})
        else:
            out.append(sol)
    out = [{k: v for k, v in s.items() if not str(k).startswith("tau")} for s in out]
    return r.value, out, loss_m


def printed_conditions_hold(s0: str, d: int, Tmax: int):
    """Do the printed conditions characterise the exact minimisers? (both directions)"""
    from ical_verify.theory import augmented_attention as aa

    a, b = aa.parameter_symbols()
    value, sols, loss_m = minimiser_set(s0, d, Tmax)
    eta_p = aa.printed_eta_star(d, Tmax)
    loss = loss_m.subs(aa.products_to_parameters())
    # printed => minimal: a = (a1, 0, eta/b1, -a1), b = (b1, 0)
    at_printed = sympy.simplify(loss.subs({a[1]: 0, a[2]: eta_p / b[0], a[3]: -a[0], b[1]: 0}) - value)
    # minimal => printed
    conds = [a[0] + a[3], a[1], b[1], a[2] * b[0] - eta_p]
    necessary = all(sympy.simplify(c.subs(s)) == 0 for s in sols for c in conds)
    return {"minimum": str(value), "minimisers": [{str(k): str(v) for k, v in s.items()} for s in sols],
            "printed_point_excess_loss": str(at_printed), "printed_sufficient": at_printed == 0,
            "printed_necessary": bool(necessary), "printed_eta": str(eta_p),
            "derived_eta": str(eta_value(s0, d, Tmax))}


def minimisers_check(ctx) -> CheckOutcome:
    per = {s0: {f"d={d},Tmax={T}": printed_conditions_hold(s0, d, T) for d, T in GRID} for s0 in NAMES}
    ok = {s0: all(v["printed_sufficient"] and v["printed_necessary"] for v in per[s0].values()) for s0 in NAMES}
    holds = [s0 for s0 in NAMES if ok[s0]]
    lines = []
    for s0 in NAMES:
        e = per[s0][f"d={GRID[0][0]},Tmax={GRID[0][1]}"]
        lines.append(f"{NAMES[s0]}: printed conditions characterise the minimisers on every grid point: {ok[s0]} "
                     f"(e.g. d={GRID[0][0]}, T_max={GRID[0][1]}: minimisers {e['minimisers']}, minimum {e['minimum']}, "
                     f"printed eta* {e['printed_eta']}, derived {e['derived_eta']})")
    detail = ("Exact population loss (3) under Assumptions 1, 2, C_U as a quadratic form in m_kl = a_k b_l; its "
              "minimum over all 4x2 matrices m is attained by rank-one m = a b^T, so it is the global minimum; the "
              "minimiser set was solved exactly (SymPy). " + "; ".join(lines)
              + f". The printed conditions (a1+a4 = a2 = b2 = 0, a3 b1 = eta*) hold under: {holds or 'neither'}. "
              "Under zero padding the minimisers need a1 = a4 = 0 (not only a1 + a4 = 0) and a3 b1 = "
              "3/(2 T_max + 3d - 4) instead of the printed eta*.")
    return CheckOutcome(bool(holds), detail, {"per_convention": per, "holds_under": holds, "grid": GRID})


def eta_check(ctx) -> CheckOutcome:
    """eta* in closed form (SymPy summation) under both conventions, and the limit T_max eta* -> 3/2."""
    from ical_verify.theory import augmented_attention as aa

    printed = aa.printed_eta_star(aa.D_SYM, aa.TMAX_SYM)
    res, derived = {}, []
    for s0 in NAMES:
        e = eta_star(s0)
        same = sympy.simplify(e.eta_star - printed) == 0
        res[s0] = {"eta_star": str(e.eta_star), "K_T": str(e.K), "J_T": str(e.J), "limit_Tmax_eta": str(e.limit),
                   "equals_printed": bool(same)}
        derived.append(DerivedExpression.from_sympy(f"eta_star_{s0}", e.eta_star,
                                                    f"eta* under {NAMES[s0]} (SymPy summation)"))
    # independent: the exact relaxed minimiser on the grid
    agree = all(sympy.simplify(minimiser_set(s0, d, T)[1][0][sympy.Symbol('a3', real=True)]
                               * sympy.Symbol('b1', real=True) - eta_value(s0, d, T)) == 0
                for s0 in NAMES for d, T in GRID)
    limits = all(eta_star(s0).limit == sympy.Rational(3, 2) for s0 in NAMES)
    passed = limits and agree
    detail = (f"Per-T loss of the GD form is d(K_T eta^2 - 2 J_T eta + 1) with, under s_0 = W^(-1)s_1, "
              f"K_T = {res['backward']['K_T']}, J_T = {res['backward']['J_T']}, and under s_0 = 0, "
              f"K_T = {res['zero']['K_T']}, J_T = {res['zero']['J_T']} (interpolated from the exact engine, "
              f"checked at held-out (T, d)). eta* = sum J_T / sum K_T: s_0 = W^(-1)s_1: {res['backward']['eta_star']} "
              f"(equals the printed sum T / sum (T^2 + (d-1)T): {res['backward']['equals_printed']}); s_0 = 0: "
              f"{res['zero']['eta_star']} (equals printed: {res['zero']['equals_printed']}). Both agree with the exact "
              f"minimisers on the grid: {agree}. lim T_max eta* = {res['backward']['limit_Tmax_eta']} (s_0 = W^(-1)s_1) "
              f"and {res['zero']['limit_Tmax_eta']} (s_0 = 0): eta* ~ 3/(2 T_max) holds under both.")
    return CheckOutcome(passed, detail, {"eta_star": res, "agrees_with_exact_minimisers": agree}, derived=derived)


def gd_map_check(ctx) -> CheckOutcome:
    """Optimal output vs one GD step on (5) from W_0 = 0 with the optimal step (generic symbolic sequences)."""
    from ical_verify.theory import augmented_attention as aa
    from ical_verify.theory.gradient_step import gradient_step

    eta = sympy.Symbol("eta", positive=True)
    res = {}
    for d, T in ((1, 3), (2, 3)):
        xs = [sympy.Matrix([sympy.Symbol(f"x{t}_{i}") + sympy.I * sympy.Symbol(f"y{t}_{i}") for i in range(d)])
              for t in range(T + 1)]
        A, B = aa.assumption2_matrices(d, [0, 0, eta, 0], [1, 0])
        for s0 in NAMES:
            seq = list(xs)
            if s0 == "zero":
                seq[0] = sympy.zeros(d, 1)
            out = aa.model4_output(A, B, seq)
            gd5 = (gradient_step(sympy.zeros(d, d), seq, eta, first=1) * seq[-1]).applyfunc(sympy.expand)
            gd_ext = (gradient_step(sympy.zeros(d, d), seq, eta, first=0) * seq[-1]).applyfunc(sympy.expand)
            extra = (eta * seq[1] * (seq[0].H * seq[-1])).applyfunc(sympy.expand)
            res[f"{s0},d={d},T={T}"] = {"equals_gd_on_5": (out - gd5).applyfunc(sympy.expand) == sympy.zeros(d, 1),
                                        "equals_gd_on_5_plus_pair_s0_s1": (out - gd_ext).applyfunc(sympy.expand)
                                        == sympy.zeros(d, 1),
                                        "difference_is_eta_s1_s0H_sT": (out - gd5 - extra).applyfunc(sympy.expand)
                                        == sympy.zeros(d, 1)}
    back_gd5 = all(v["equals_gd_on_5"] for k, v in res.items() if k.startswith("backward"))
    zero_gd5 = all(v["equals_gd_on_5"] for k, v in res.items() if k.startswith("zero"))
    # printed: minimisers with the printed eta* AND a GD step on (5) with it: needs both under one convention
    holds = [s0 for s0, gd in (("backward", back_gd5), ("zero", zero_gd5))
             if gd and printed_conditions_hold(s0, *GRID[0])["printed_sufficient"]]
    detail = ("At the optimum (a3 b1 = eta, others zero; a1 = -a4 adds nothing on C_U data) model (4) outputs "
              "eta sum_{t=1}^T s_t s_{t-1}^* s_T. Generic complex symbolic sequences: under s_0 = 0 this equals "
              f"(0 - eta grad L(0)) s_T with L = (5): {zero_gd5}; under s_0 = W^(-1)s_1 it equals it: {back_gd5}, "
              "the difference being exactly eta s_1 s_0^* s_T, i.e. the output is one GD step on (5) extended by the "
              "pair (s_0, s_1). So 'optimal map = one GD step on (5) with the printed step eta*' holds under: "
              f"{holds or 'neither convention'} (the printed eta* needs s_0 = W^(-1)s_1, the GD step on (5) needs s_0 = 0).")
    return CheckOutcome(bool(holds), detail, {"cases": res, "holds_under": holds})


def multistart_check(ctx) -> CheckOutcome:
    """Numerical global minimisation of the exact polynomial from many starts (scipy L-BFGS)."""
    from scipy.optimize import minimize

    from ical_verify.theory import augmented_attention as aa

    a, b = aa.parameter_symbols()
    params = list(a) + list(b)
    rng = ctx.rng(21)
    starts = 40 if ctx.profile == "quick" else 400
    res = {}
    ok = True
    for s0 in NAMES:
        for d, T in ((2, 3), (3, 4)):
            value, sols, loss_m = minimiser_set(s0, d, T)
            loss = loss_m.subs(aa.products_to_parameters())
            f = sympy.lambdify([params], loss, "numpy")
            g = sympy.lambdify([params], [sympy.diff(loss, p) for p in params], "numpy")
            best, hits, viol = np.inf, 0, 0.0
            for _ in range(starts):
                r = minimize(lambda x: float(f(x)), rng.normal(0, 1, 6), jac=lambda x: np.array(g(x), float),
                             method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 5000})
                best = min(best, r.fun)
                if r.fun - float(value) < 1e-8:
                    hits += 1
                    x = dict(zip(params, r.x))
                    eta = float(eta_value(s0, d, T))
                    conds = [x[a[1]], x[b[1]], x[a[2]] * x[b[0]] - eta]
                    conds += [x[a[0]] + x[a[3]]] if s0 == "backward" else [x[a[0]], x[a[3]]]
                    viol = max(viol, max(abs(c) for c in conds))
            good = abs(best - float(value)) < 1e-8 and viol < 1e-4
            ok &= good
            res[f"{s0},d={d},Tmax={T}"] = {"exact_min": float(value), "best_found": best, "hits": hits,
                                           "starts": starts, "max_condition_violation": viol}
    detail = (f"L-BFGS from {starts} N(0,1) starts on the exact polynomial loss (a1..a4, b1, b2): best value equals "
              f"the exact minimum to 1e-8 and every start reaching it satisfies the derived conditions to 1e-4 "
              f"(s_0 = W^(-1)s_1: a1+a4 = a2 = b2 = 0, a3 b1 = eta*; s_0 = 0: a1 = a4 = a2 = b2 = 0, a3 b1 = eta*_0): "
              f"{ok}. " + "; ".join(f"{k}: min {v['exact_min']:.6g}, found {v['best_found']:.6g}, {v['hits']}/{starts} "
                                     f"starts, violation {v['max_condition_violation']:.1e}" for k, v in res.items()))
    return CheckOutcome(ok, detail, res)


def _trained(ctx, s0: str, d: int, Tmax: int, n: int, steps: int, parameterisation: str):
    import torch

    from ical_verify.models.augmented_attention import AugmentedAttentionConfig, AugmentedTransformer, prefix_loss
    from ical_verify.models.train_augmented import train, unitary_dataset

    torch.manual_seed(ctx.seed)
    E, tgt, _ = unitary_dataset(d, Tmax, n, ctx.rng(31 if s0 == "backward" else 32), s0)
    cfg = AugmentedAttentionConfig(d=d, parameterisation=parameterisation,
                                   init_scale=0.3 if parameterisation == "assumption2" else 0.1)
    model = AugmentedTransformer(cfg, seed=ctx.seed)
    r = train(model, E, tgt, steps, 2e-2 if parameterisation == "assumption2" else 1e-2,
              progress=lambda i, s: ctx.report(f"prop2: training ({s0}, {parameterisation})", i, s))
    eta = float(eta_value(s0, d, Tmax))
    ref = AugmentedTransformer(AugmentedAttentionConfig(d=d, parameterisation="assumption2"))
    ref.set_assumption2([0, 0, eta, 0], [1, 0])
    with torch.no_grad():
        out, out_gd = model(E)[:, 1:], ref(E)[:, 1:]
        ref_loss = float(prefix_loss(ref, E, tgt))
    rel = float(((out - out_gd).abs() ** 2).sum().sqrt() / (out_gd.abs() ** 2).sum().sqrt())
    return model, r, eta, ref_loss, rel


def trained_assumption2_check(ctx) -> CheckOutcome:
    d, Tmax = 2, 4
    n, steps = (2 ** 12, 800) if ctx.profile == "quick" else (2 ** 15, 3000)
    res, ok = {}, True
    for s0 in NAMES:
        model, r, eta, ref_loss, rel = _trained(ctx, s0, d, Tmax, n, steps, "assumption2")
        a, b = model.layers[0].a.detach().numpy(), model.layers[0].b.detach().numpy()
        prod = float(a[2] * b[0])
        err = abs(prod - eta) / eta
        good = err < 0.02
        ok &= good
        res[s0] = {"a": a.tolist(), "b": b.tolist(), "a3b1": prod, "eta_star": eta, "relative_error": err,
                   "final_loss": r.final_loss, "gd_form_loss_same_data": ref_loss,
                   "last_window_relative_loss_change": r.relative_change(), "output_vs_gd_step": rel}
    detail = (f"Model (4) with Assumption 2 (a1..a4, b1, b2), complex float64 data from C_U, d = {d}, T_max = {Tmax}, "
              f"n = {n} sequences, Adam (lr 2e-2, cosine to 2e-4), {steps} full-batch steps; optimisation tolerance: "
              f"relative loss change over the last 50 steps (reported) and trained loss <= loss of the exact GD form "
              f"on the same data (sampling makes the empirical optimum differ from eta* by O(n^-1/2)). "
              + "; ".join(f"{NAMES[s0]}: a3 b1 = {v['a3b1']:.5f} vs derived eta* = {v['eta_star']:.5f} (relative error "
                          f"{v['relative_error']:.2%}, criterion < 2%), a2 = {v['a'][1]:.1e}, b2 = {v['b'][1]:.1e}, "
                          f"a1 + a4 = {v['a'][0] + v['a'][3]:.1e}, loss {v['final_loss']:.6f} vs GD form "
                          f"{v['gd_form_loss_same_data']:.6f}, output vs GD step {v['output_vs_gd_step']:.1e}"
                          for s0, v in res.items()))
    return CheckOutcome(ok, detail, res)


def trained_full_check(ctx) -> CheckOutcome:
    d, Tmax = 2, 4
    n, steps = (2 ** 12, 800) if ctx.profile == "quick" else (2 ** 15, 3000)
    res, ok = {}, True
    for s0 in NAMES:
        model, r, eta, ref_loss, rel = _trained(ctx, s0, d, Tmax, n, steps, "full")
        good = r.final_loss <= ref_loss * (1 + 1e-2)
        ok &= good
        res[s0] = {"final_loss": r.final_loss, "gd_form_loss": ref_loss, "output_vs_gd_step": rel,
                   "last_window_relative_loss_change": r.relative_change()}
    detail = (f"Full A, B (3d x 3d real) trained like the Assumption-2 model on C_U (d = {d}, T_max = {Tmax}, n = {n}, "
              f"{steps} steps). Criterion: its loss is at most 1% above the GD-form optimum of Assumption 2 (a "
              f"sub-family). What the map computes: relative distance of its outputs to the one-step GD map "
              f"(a3 b1 = eta*): " + "; ".join(f"{NAMES[s0]}: loss {v['final_loss']:.6f} vs GD form "
                                                f"{v['gd_form_loss']:.6f}, output distance {v['output_vs_gd_step']:.3f}"
                                                for s0, v in res.items())
              + ". An output distance well above the optimisation tolerance with a loss below the GD form means the "
              "trained full-A, B map is not the one-step GD map: outside Assumption 2 the optimum of (3) on C_U is "
              "not a GD step (Proposition 2 does not claim it is).")
    return CheckOutcome(ok, detail, res)


CORRECTED = (r"Under $\mathcal{C}_U$ and Assumptions 1, 2: if $s_0 = W^{-1}s_1$, (3) is minimal iff $a_1+a_4 = a_2 = "
             r"b_2 = 0$ and $a_3 b_1 = \eta^* = \frac{\sum_{T=2}^{T_{\max}} T}{\sum_{T=2}^{T_{\max}}(T^2+(d-1)T)}$, and "
             r"$\Gamma_{\theta^*} = -\eta^*\nabla\tilde L(0)$ with $\tilde L(W) = \frac12\sum_{t=0}^{T-1}\|s_{t+1} - "
             r"Ws_t\|^2$ (loss (5) plus the pair $(s_0, s_1)$); if $s_0 = 0$, (3) is minimal iff $a_1 = a_4 = a_2 = "
             r"b_2 = 0$ and $a_3 b_1 = \eta_0^* = \frac{3}{2T_{\max} + 3d - 4}$, and $\Gamma_{\theta^*} = -\eta_0^*"
             r"\nabla L(0)$ with $L$ = (5). In both cases the step size is $\sim \frac{3}{2T_{\max}}$.")


def corrected_check(ctx) -> CheckOutcome:
    """The corrected statement: minimisers and GD map under each convention (exact)."""
    from ical_verify.theory import augmented_attention as aa

    a, b = aa.parameter_symbols()
    ok = True
    for s0 in NAMES:
        for d, T in GRID:
            _, sols, _ = minimiser_set(s0, d, T)
            eta = eta_value(s0, d, T)
            conds = [a[1], b[1], a[2] * b[0] - eta] + ([a[0] + a[3]] if s0 == "backward" else [a[0], a[3]])
            ok &= len(sols) > 0 and all(sympy.simplify(c.subs(s)) == 0 for s in sols for c in conds)
    gd = gd_map_check(ctx).metrics["cases"]
    ok &= all(v["equals_gd_on_5_plus_pair_s0_s1"] for k, v in gd.items() if k.startswith("backward"))
    ok &= all(v["equals_gd_on_5"] for k, v in gd.items() if k.startswith("zero"))
    ok &= all(eta_star(s0).limit == sympy.Rational(3, 2) for s0 in NAMES)
    return CheckOutcome(ok, "Corrected statement checked exactly: minimiser sets on the grid " + str(GRID) +
                        ", GD-map identities on generic complex symbolic sequences and the 3/(2 T_max) limits, "
                        f"under both conventions: {ok}. eta* (s_0 = W^(-1)s_1) = {eta_star('backward').eta_star}; "
                        f"eta*_0 (s_0 = 0) = {eta_star('zero').eta_star}.",
                        {"eta_star_backward": str(eta_star("backward").eta_star),
                         "eta_star_zero": str(eta_star("zero").eta_star)}, corrected=CORRECTED)


CLAIM = dataclasses.replace(CLAIM, checks=(
    Check("minimisers-printed-conditions", "symbolic", "printed", minimisers_check,
          "exact global minimisers vs a1+a4 = a2 = b2 = 0, a3 b1 = eta*, under both s_0 conventions"),
    Check("eta-star-closed-form-and-limit", "symbolic", "printed", eta_check,
          "eta* by SymPy summation under both conventions; limit T_max eta* = 3/2"),
    Check("optimal-map-is-gd-step", "symbolic", "printed", gd_map_check,
          "optimal map vs one GD step on (5) from 0 with the printed eta*"),
    Check("multistart-global-minimisation", "property", "corrected", multistart_check,
          "scipy multi-start on the exact polynomial agrees with the derived minimisers"),
    Check("corrected-statement", "symbolic", "corrected", corrected_check,
          "minimisers, eta* and GD map under each s_0 convention"),
    Check("trained-assumption2", "trained-model", "corrected", trained_assumption2_check,
          "Adam-trained Assumption-2 model reaches a3 b1 within 2% of eta*"),
    Check("trained-full-AB", "trained-model", "corrected", trained_full_check,
          "full A, B trained on C_U: loss vs the GD form and distance to the GD step"),
    Check("certified-gd-constants-all-d-T", "symbolic", "corrected", gd_constants_all_sizes(),
          "K_T, J_T and eta* for every d and T under both s_0 conventions"),
))
