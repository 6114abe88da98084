"""Proposition 5 (§5.1, proof A.7): gradient flow on (pab - 1)^2 from |pab - 1| < 1."""

from __future__ import annotations

import numpy as np
import sympy

from ...claim import Artefact, ArtefactOutcome, Check, CheckOutcome, Claim, DerivedExpression, RunContext
from .proofs.a7_prop5 import PROOF

CLAIM_ID = "prop5"

#: Convergence means |pab - 1| < 1e-6 (the flow is stopped at loss < 1e-14) before the horizon T_MAX (numerics.gradient_flow).
PRODUCT_TOL = 1e-6
#: Invariant drift tolerance, relative to 1 + a0² + b0² + p0² (Radau at rtol 1e-10, atol 1e-12).
INVARIANT_TOL = 1e-7


# ------------------------------------------------------------------------------------------ initial points
def inside_points(rng: np.random.Generator, n: int) -> np.ndarray:
    """Initial points with |pab - 1| < 1: random products in (0, 2), near-boundary products (pab = δ and
    2 - δ for δ down to 1e-6), balanced small values a = b = p, and strongly unbalanced scales.
    Returns (m, 3)."""
    pts = []
    deltas = [1e-2, 1e-4, 1e-6]
    for d in deltas:
        for prod in (d, 2 - d):
            x = prod ** (1 / 3)
            pts.append((x, x, x))                                   # balanced
            s = rng.choice([-1.0, 1.0], size=2)
            u = np.exp(rng.uniform(-2, 2, size=2))
            a, b = s[0] * u[0], s[1] * u[1]
            pts.append((a, b, prod / (a * b)))                      # unbalanced, same product
    for _ in range(n):
        prod = rng.uniform(0, 2)
        if prod == 0:
            continue
        s = rng.choice([-1.0, 1.0], size=2)
        u = np.exp(rng.uniform(-3, 3, size=2))
        a, b = s[0] * u[0], s[1] * u[1]
        pts.append((a, b, prod / (a * b)))
    return np.array(pts)


# ---------------------------------------------------------------------------------------------- checks
def exact_argument_outcome() -> CheckOutcome:
    """The identities of an exact proof of Proposition 5 (SymPy, for the flow of ``theory.scalar_flow.loss``):
    three conserved quantities, r' = -2 r S, |y'|^2 = 4 r^2 S, and an AM-GM certificate for S^3 >= 27 (pab)^4."""
    from ical_verify.theory import scalar_flow as sf

    a, b, p = sf.VARS
    cq = sf.conserved_quantities()
    rdot, S = sf.residual_equation()
    r = p * a * b - 1
    conserved = {k: v[1] == 0 for k, v in cq.items()}
    residual_ok = sympy.simplify(rdot + 2 * r * S) == 0
    speed_ok = sympy.simplify(sf.speed_squared() - 4 * r ** 2 * S) == 0
    lhs, rhs = sf.amgm_certificate()
    cert_ok = sympy.expand(lhs - rhs) == 0
    x, y, z = sorted(lhs.free_symbols, key=str)
    match_S = sympy.expand((x + y + z).subs({x: (a * b) ** 2, y: (b * p) ** 2, z: (a * p) ** 2}) - S) == 0
    ok = all(conserved.values()) and residual_ok and speed_ok and cert_ok and match_S
    derived = [DerivedExpression.from_sympy(f"d/dt({k})", v[1], f"time derivative of {k} along the flow")
               for k, v in cq.items()]
    derived.append(DerivedExpression.from_sympy("vector_field", sympy.Matrix(sf.vector_field()), "-grad l"))
    derived.append(DerivedExpression.from_sympy("rdot", rdot, "d/dt (pab - 1) = -2 r S"))
    return CheckOutcome(
        passed=bool(ok),
        detail=("SymPy, along the flow y' = -grad l: d/dt(a^2-b^2), d/dt(a^2-p^2), d/dt(b^2-p^2) vanish: "
                f"{conserved}; r = pab - 1 obeys r' = {rdot} = -2 r S with S = a^2b^2 + b^2p^2 + a^2p^2: {residual_ok}; "
                f"|y'|^2 = 4 r^2 S: {speed_ok}; (x+y+z)^3 - 27xyz = 1/2 (x+y+z) sum (x-y)^2 + 3 sum x (y-z)^2 "
                f"(a certificate that S^3 >= 27 (pab)^4 with x, y, z = a^2b^2, b^2p^2, a^2p^2): {cert_ok and match_S}. "
                "Proof for every initial point with |pab - 1| < 1 (pab in (0, 2)): r keeps its sign and |r| "
                "decreases, so pab stays between pab(0) and 1, |pab| >= m = min(pab(0), 1) > 0 and S >= 3 m^(4/3); "
                "hence |r(t)| <= |r(0)| exp(-6 m^(4/3) t) -> 0. The invariants and |pab| <= max(pab(0), 1) bound a^2 "
                "(a^2 (a^2 - c1)(a^2 - c2) = (pab)^2), so S <= S_max and the path length int |y'| = int 2|r| sqrt(S) "
                "is finite: y(t) converges, to a point with r = 0, i.e. p*a*b* = 1. The same argument covers every "
                "pab(0) > 0."),
        summary=(f"Exact argument (SymPy identities: 3 invariants {all(conserved.values())}, r' = -2rS {residual_ok}, "
                 f"|y'|^2 = 4r^2S {speed_ok}, AM-GM certificate {cert_ok and match_S}): every flow with "
                 "|pab - 1| < 1 converges to pab = 1 at rate exp(-6 m^(4/3) t)."),
        metrics={"conserved": conserved, "residual_equation": residual_ok, "speed": speed_ok,
                 "amgm_certificate": cert_ok and match_S, "rdot": str(rdot)},
        derived=derived,
        scope="every initial point with |pab - 1| < 1 (exact argument)",
    )


def check_conserved_symbolic(ctx: RunContext) -> CheckOutcome:
    """d/dt of a²-b², a²-p², b²-p² along the flow; r' = -2 r S; |y'|² = 4 r² S; AM-GM certificate."""
    return exact_argument_outcome()


_CACHE: dict = {}


def inside_trajectories(ctx: RunContext) -> list:
    """Evidence: gradient flows (numerics.gradient_flow.integrate) from :func:`inside_points` (cached)."""
    from ical_verify.numerics.gradient_flow import T_MAX, integrate

    key = ("inside", ctx.seed, ctx.profile)
    if key not in _CACHE:
        pts = inside_points(ctx.rng(2), 20 if ctx.quick else 300)
        out = []
        for i, y in enumerate(pts):
            out.append(integrate(y, t_max=T_MAX))
            ctx.report("prop5: flows inside", i + 1, len(pts))
        _CACHE[key] = out
    return _CACHE[key]


def outside_trajectories(ctx: RunContext) -> tuple[list, list]:
    """Evidence: the cases of :func:`_outside_cases` and their flows (horizon 1e5), paths kept (cached)."""
    from ical_verify.numerics.gradient_flow import integrate

    key = ("outside", ctx.seed, ctx.profile)
    if key not in _CACHE:
        cases = _outside_cases(ctx.rng(3), 4 if ctx.quick else 40)
        flows = []
        for i, (_, y, _) in enumerate(cases):
            flows.append(integrate(y, t_max=1e5, keep_path=True))
            ctx.report("prop5: flows outside", i + 1, len(cases))
        _CACHE[key] = (cases, flows)
    return _CACHE[key]


def convergence_judge(flows) -> CheckOutcome:
    """Passed iff every flow reached |pab - 1| < PRODUCT_TOL before its horizon."""
    from ical_verify.numerics.gradient_flow import ATOL, LOSS_TOL, RTOL

    conv = [r.converged and abs(r.final_product - 1) < PRODUCT_TOL for r in flows]
    bad = [r.initial for r, c in zip(flows, conv) if not c]
    r0 = [abs(float(np.prod(r.initial)) - 1) for r in flows]
    t_max = max(r.t_max for r in flows)
    return CheckOutcome(
        passed=not bad,
        detail=(f"{sum(conv)}/{len(flows)} gradient flows from |pab - 1| < 1 reached |pab - 1| < {PRODUCT_TOL:g} "
                f"(Radau, rtol {RTOL:g}, atol {ATOL:g}, stop at loss < {LOSS_TOL:g}, horizon t = {t_max:g}); "
                f"initial |pab - 1| ranges over [{min(r0):.3g}, {max(r0):.6f}]; longest time to converge "
                f"{max(r.t_final for r in flows):.4g} (balanced small values are slowest)."
                + (f" NOT converged: {bad[:5]}" if bad else "")),
        summary=(f"{sum(conv)}/{len(flows)} flows from |pab - 1| < 1 (|pab(0) - 1| up to 1 - {1 - max(r0):.0e}) "
                 f"reach |pab - 1| < {PRODUCT_TOL:g}; slowest t = {max(r.t_final for r in flows):.3g}."),
        metrics={"n": len(flows), "converged": int(sum(conv)), "not_converged": bad[:20],
                 "max_time_to_converge": max(r.t_final for r in flows), "horizon": t_max,
                 "rtol": RTOL, "atol": ATOL, "loss_tol": LOSS_TOL, "product_tol": PRODUCT_TOL,
                 "min_abs_r0": min(r0), "max_abs_r0": max(r0),
                 "max_abs_final_pab_minus_1": max(abs(r.final_product - 1) for r in flows)},
    )


def convergence_outcome(points: np.ndarray, t_max: float | None = None, report=None) -> CheckOutcome:
    """Integrate from every point and judge (:func:`convergence_judge`)."""
    from ical_verify.numerics.gradient_flow import T_MAX, integrate

    t_max = T_MAX if t_max is None else t_max
    flows = []
    for i, y in enumerate(points):
        flows.append(integrate(y, t_max=t_max))
        if report:
            report(i + 1, len(points))
    return convergence_judge(flows)


def invariants_judge(flows) -> CheckOutcome:
    """Drift of a²-b², a²-p², b²-p² along the trajectories, relative to 1 + |y0|², below INVARIANT_TOL, and a
    non-increasing loss."""
    worst = max(r.max_invariant_drift / r.invariant_scale for r in flows)
    mono = all(r.monotone_loss for r in flows)
    return CheckOutcome(
        passed=bool(worst < INVARIANT_TOL and mono),
        detail=(f"Over {len(flows)} trajectories (inside and outside the condition) the largest drift of the three "
                f"invariants is {worst:.3g} x (1 + |y0|^2) (tolerance {INVARIANT_TOL:g}, from the solver's rtol "
                f"1e-10 accumulated over the trajectory); the loss is non-increasing along every stored trajectory: "
                f"{mono}."),
        summary=(f"Invariants conserved along {len(flows)} integrated flows: max drift {worst:.1e} x (1 + |y0|^2) "
                 f"(tol {INVARIANT_TOL:g}); loss monotone: {mono}."),
        metrics={"n_trajectories": len(flows), "max_relative_drift": worst, "tolerance": INVARIANT_TOL,
                 "loss_monotone": mono},
    )


def check_convergence_inside(ctx: RunContext) -> CheckOutcome:
    return convergence_judge(inside_trajectories(ctx))


def check_invariants_numeric(ctx: RunContext) -> CheckOutcome:
    """Drift of a²-b², a²-p², b²-p² along the integrated trajectories of the two ODE checks."""
    return invariants_judge(inside_trajectories(ctx) + outside_trajectories(ctx)[1])


def _outside_cases(rng: np.random.Generator, n: int) -> list[tuple[str, tuple, bool]]:
    """(label, initial point, predicted convergence to pab = 1) outside |pab - 1| < 1.

    Prediction derived from the invariants: if pab(0) > 0 the flow converges; if pab(0) <= 0 it converges
    iff the smallest of |a|, |b|, |p| is attained by one coordinate only (that one crosses 0 in finite time
    and pab becomes positive); otherwise the two smallest vanish together and the flow tends to a
    stationary point with two zero coordinates (loss 1).
    """
    cases = []
    for _ in range(n):                      # pab >= 2, i.e. pab - 1 >= 1, loss(0) >= 1
        prod = 2 + np.exp(rng.uniform(-8, 3))
        u = np.exp(rng.uniform(-2, 2, 2)) * rng.choice([-1, 1], 2)
        cases.append(("pab - 1 >= 1", (u[0], u[1], prod / (u[0] * u[1])), True))
    cases.append(("pab = 2 exactly (boundary)", (1.0, 1.0, 2.0), True))
    for _ in range(n):                      # pab < 0, magnitudes distinct (generic)
        m = np.sort(np.exp(rng.uniform(-2, 1, 3)))
        signs = rng.choice([-1, 1], 3)
        signs[2] = -signs[0] * signs[1]     # negative product
        perm = rng.permutation(3)
        cases.append(("pab < 0, distinct magnitudes", tuple((m * signs)[perm]), True))
    for _ in range(n):                      # pab < 0, two smallest magnitudes equal
        m = np.exp(rng.uniform(-2, 1))
        big = m * (1 + np.exp(rng.uniform(-3, 1)))
        perm = rng.permutation(3)
        y = np.array([m, -m, big])[perm]
        cases.append(("pab < 0, two smallest |.| equal", tuple(y), False))
    cases.append(("pab < 0, balanced |a| = |b| = |p|", (1.0, 1.0, -1.0), False))
    cases.append(("pab = 0, one coordinate zero", (0.0, 1.0, 1.5), True))
    cases.append(("stationary point, a = b = 0", (0.0, 0.0, 1.0), False))
    cases.append(("stationary point, a = b = p = 0", (0.0, 0.0, 0.0), False))
    cases.append(("pab < 0, smallest unique by 1e-6", (1.0, -1.000001, 2.0), True))
    return cases



def outside_judge(cases, flows) -> CheckOutcome:
    """Passed iff the measured outcome of every flow (convergence to pab = 1) matches the predicted one."""
    rows, mismatches = [], []
    for (label, y, predicted), r in zip(cases, flows):
        got = bool(r.converged and abs(r.final_product - 1) < PRODUCT_TOL)
        rows.append({"case": label, "initial": list(y), "predicted_converges": predicted, "converged": got,
                     "final_loss": r.final_loss, "final_state": list(r.final), "t_final": r.t_final})
        if got != predicted:
            mismatches.append(rows[-1])
    summary: dict = {}
    for row in rows:
        s = summary.setdefault(row["case"], {"n": 0, "converged": 0})
        s["n"] += 1
        s["converged"] += int(row["converged"])
    t_max = max(r.t_max for r in flows)
    return CheckOutcome(
        passed=not mismatches,
        detail=("Outside |pab - 1| < 1, measured (horizon t = %g): " % t_max
                + "; ".join(f"{k}: {v['converged']}/{v['n']} converge" for k, v in summary.items())
                + (". Every outcome matches" if not mismatches else ". NOT every outcome matches")
                + " the rule derived from the invariants: convergence to pab = 1 from every point with pab > 0 (the "
                  "hypothesis |pab - 1| < 1 is not needed when pab >= 2), and from pab <= 0 iff the smallest of |a|, "
                  "|b|, |p| is unique; otherwise (measure zero) the flow tends to a stationary point with two zero "
                  "coordinates and loss 1 (the vector field is written so that these invariant sets stay invariant "
                  "in floating point; they are unstable: a 1e-6 perturbation converges)."
                + (f" MISMATCHES: {mismatches[:3]}" if mismatches else "")),
        summary=(f"Outside the condition, {len(rows) - len(mismatches)}/{len(rows)} flows behave as the invariants "
                 "predict: pab > 0 always converges; pab <= 0 converges iff the smallest |coordinate| is unique."),
        metrics={"summary": summary, "cases": rows, "mismatches": mismatches},
    )


def outside_outcome(cases, t_max: float = 1e5, report=None) -> CheckOutcome:
    """Integrate from each case and judge (:func:`outside_judge`)."""
    from ical_verify.numerics.gradient_flow import integrate

    flows = []
    for i, (_, y, _) in enumerate(cases):
        flows.append(integrate(y, t_max=t_max))
        if report:
            report(i + 1, len(cases))
    return outside_judge(cases, flows)


def check_outside(ctx: RunContext) -> CheckOutcome:
    return outside_judge(*outside_trajectories(ctx))


def energy_argument_outcome() -> CheckOutcome:
    """The core of A.7's argument, for ``theory.scalar_flow.loss``: every stationary point off pab = 1 has loss
    exactly 1, and the loss is non-increasing along the flow (l' = -|grad l|^2), so a flow with l(0) < 1 cannot
    converge to one."""
    from ical_verify.theory import scalar_flow as sf

    a, b, p = sf.VARS
    sols = sf.stationary_points()
    nonglobal = [s for s in sols if sympy.simplify((p * a * b - 1).subs(s)) != 0]
    losses = sorted({str(sympy.simplify(sf.loss().subs(s))) for s in nonglobal})
    d, g = sf.energy_derivative()
    decreasing = sympy.simplify(d - g) == 0
    ok = bool(nonglobal) and losses == ["1"] and decreasing
    r0 = sympy.Symbol("r0", real=True)
    return CheckOutcome(
        passed=bool(ok),
        detail=("SymPy solve of grad l = 0: the surface pab = 1 and the families where two of a, b, p vanish "
                f"({len(nonglobal)} non-global families), where l = {losses}; l' = -|grad l|^2 along the flow: "
                f"{decreasing}. A flow that converges to a non-global stationary point therefore has l(0) >= 1, so "
                "l(0) = (pab - 1)^2 < 1, i.e. |pab - 1| < 1, rules it out: exactly A.7's hypothesis."),
        summary=(f"Non-global stationary points ({len(nonglobal)} families) all have loss {', '.join(losses)}; "
                 f"l' = -|grad l|^2: {decreasing}; so |pab - 1| < 1 excludes them."),
        metrics={"nonglobal_stationary": [str(s) for s in nonglobal], "loss_there": losses,
                 "energy_decreasing": decreasing, "condition_for_contradiction": str(sympy.solve(r0 ** 2 < 1, r0))},
    )


def check_proof_a7(ctx: RunContext) -> CheckOutcome:
    return energy_argument_outcome()


# ------------------------------------------------------------------------------------------------ artefact
def outside_figure(ctx: RunContext) -> ArtefactOutcome:
    """Loss along every flow outside the condition (the evidence of outside-condition)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cases, flows = outside_trajectories(ctx)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    labels = sorted({c[0] for c in cases})
    colors = {lab: plt.cm.tab10(k % 10) for k, lab in enumerate(labels)}
    seen = set()
    for (lab, _, _), r in zip(cases, flows):
        t, l = r.path_t, r.path_loss
        if t is None or t.size < 2:
            continue
        ax.loglog(t[1:], np.maximum(l[1:], 1e-16), color=colors[lab], lw=1, label=None if lab in seen else lab)
        seen.add(lab)
    ax.set_xlabel("time t")
    ax.set_ylabel(r"$\ell = (pab - 1)^2$")
    ax.set_title("Prop. 5 outside |pab - 1| < 1: gradient-flow loss (Radau)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = ctx.figure_path(CLAIM_ID, "outside-condition-loss.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return ArtefactOutcome(detail=f"Figure written: {path}", figures=[str(path)])


CLAIM = Claim(
    id="prop5",
    kind="proposition",
    title="Global convergence of gradient flow in the scalar case",
    source="§5.1, Proposition 5; proof in Appendix A.7",
    order=9,
    statement=(
        r"\textbf{Proposition 5.} Consider the loss $\ell(a, b, p) = (pab - 1)^2$. Suppose that at "
        r"initialization, $|pab - 1| < 1$. Then gradient flow on $(a, b, p)$ converges to a global minimum "
        r"satisfying $a^*b^*p^* = 1$."
    ),
    definitions={
        "gradient flow": r"\dot a = -\nabla_a \ell(a, b, p)\ \text{and similarly for } b \text{ and } p\ \text{(A.7)}",
    },
    assumptions=("The scalar case H = d = 1 of Proposition 4 with P^*_{T-1,t} = delta_{t=T} except p_T.",),
    checks=(
        Check("conserved-quantities-symbolic", "symbolic", "printed", check_conserved_symbolic,
              "invariants, r' = -2 r S, |y'|^2 = 4 r^2 S and an AM-GM certificate: an exact proof"),
        Check("convergence-inside-condition", "ode", "printed", check_convergence_inside,
              "solve_ivp (Radau) from random and near-boundary points with |pab - 1| < 1"),
        Check("invariants-along-trajectories", "ode", "printed", check_invariants_numeric,
              "numerical drift of the conserved quantities along the integrated flows"),
        Check("proof-A7-energy-argument", "symbolic", "printed", check_proof_a7,
              "non-global stationary points have loss 1 and the loss decreases: the hypothesis excludes them"),
        Check("outside-condition", "ode", "corrected", check_outside,
              "measured behaviour outside |pab - 1| < 1 against the rule derived from the invariants"),
    ),
    artefacts=(Artefact("outside-condition-figure", outside_figure, "loss along the flows outside the condition"),),
    proof=PROOF,
    notes=("The outside-condition check is a strengthening, not a correction: the proposition holds as printed, "
           "and also for every initial point with pab > 0, and for almost every other point. A.7's argument holds "
           "with two slips that later steps do not inherit: the non-global stationary points are saddles, not "
           "minima, and l(+inf) = (p*a*b* - 1)^2 (the square is missing; the value 1 is the same)."),
)
