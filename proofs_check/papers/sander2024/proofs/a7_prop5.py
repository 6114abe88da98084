r"""Appendix A.7, proof of Proposition 5 (gradient flow on :math:`(pab - 1)^2`), step by step.

Notation at this point: :math:`\ell(a, b, p) = (pab - 1)^2`, the gradient flow :math:`(\dot a, \dot b, \dot p) =
-\nabla\ell`, its limit :math:`(a^*, b^*, p^*)`.

Findings: the argument holds. Two slips that the argument does not use: the non-global stationary points are
called "minima" (they are saddles, or degenerate at the origin, never local minima), and
:math:`\ell(+\infty)` is written :math:`|p^*a^*b^* - 1|` (the square is missing; the value 1 is the same).
Boundedness and convergence are imported from Nguegnang et al. / Achour et al.: the suite verifies boundedness
(conserved quantities, monotone loss) and relies on the Łojasiewicz convergence of bounded trajectories of an
analytic gradient flow.
"""

from __future__ import annotations

import sympy

from ical_verify.theory import scalar_flow as sf

from ....claim import Proof, StepOutcome
from ._steps import StepCheck, is_zero, judge, step

a, b, p = sf.a, sf.b, sf.p
R = sympy.Symbol("r", real=True)            # r = pab - 1


def _field(loss):
    return tuple(-sympy.diff(loss, v) for v in sf.VARS)


def check_loss(ctx, printed, correction) -> StepOutcome:
    same = is_zero(printed - sf.loss())
    field_ok = all(is_zero(x - y) for x, y in zip(_field(printed), sf.vector_field()))
    descent = is_zero(sum(sympy.diff(printed, v) * f for v, f in zip(sf.VARS, _field(printed)))
                      + sum(sympy.diff(printed, v) ** 2 for v in sf.VARS))
    return judge(same and field_ok and descent, f"ℓ = (pab - 1)^2 as in Proposition 5: {same}; the flow -∇ℓ: "
                 f"{sf.vector_field()} ({field_ok}); along it dℓ/dt = -||∇ℓ||^2 <= 0: {descent}.")


def check_convergence(ctx, printed, correction) -> StepOutcome:
    field = printed(a, b, p)
    matches = all(is_zero(x - y) for x, y in zip(field, sf.vector_field()))
    ddt = lambda g: sympy.simplify(sum(sympy.diff(g, v) * f for v, f in zip(sf.VARS, field)))  # noqa: E731
    inv = {name: ddt(g) for name, g in (("a^2-b^2", a ** 2 - b ** 2), ("a^2-p^2", a ** 2 - p ** 2))}
    conserved = all(v == 0 for v in inv.values())
    rdot = sympy.factor(ddt(p * a * b - 1))
    S = a ** 2 * b ** 2 + b ** 2 * p ** 2 + a ** 2 * p ** 2
    monotone = is_zero(rdot + 2 * (p * a * b - 1) * S)
    ok = matches and conserved and monotone
    return judge(ok, "Boundedness, verified: a^2 - b^2 and a^2 - p^2 are conserved along the flow "
                 f"({inv}); r = pab - 1 obeys r' = {rdot} = -2 r (a^2b^2 + b^2p^2 + a^2p^2), so |r| does not grow "
                 "and |pab| <= 2 when |r(0)| < 1; if |a| grew without bound, so would |b| and |p| (the invariants) and "
                 "|pab|: the trajectory is bounded. Convergence to one stationary point is then the Łojasiewicz "
                 "property of bounded trajectories of the gradient flow of a polynomial (real-analytic) loss, the "
                 "result the proof cites (Nguegnang et al. 2021; Achour et al. 2021); the suite does not re-prove it.",
                 metrics={"invariant_derivatives": {k: str(v) for k, v in inv.items()}, "rdot": str(rdot)})


def check_stationary(ctx, printed, correction) -> StepOutcome:
    sols = sf.stationary_points()
    glob, nonglob = printed["global"], printed["non-global"]
    covered = all(all(is_zero(g.subs(s)) for g in glob) or all(is_zero(g.subs(s)) for g in nonglob) for s in sols)
    # conversely the printed families are stationary: on pab = 1 and where two of a, b, p vanish
    grad = [sympy.diff(sf.loss(), v) for v in sf.VARS]
    x = sympy.Symbol("x", real=True, nonzero=True)
    fam_glob = all(is_zero(g.subs({p: 1 / (x * b), a: x})) for g in glob) and all(
        is_zero(e.subs({p: 1 / (x * b), a: x})) for e in grad)
    fam_non = all(is_zero(g.subs(pt)) for g in nonglob for pt in ({a: 0, b: 0}, {a: 0, p: 0}, {b: 0, p: 0})) and all(
        is_zero(e.subs(pt)) for e in grad for pt in ({a: 0, b: 0}, {a: 0, p: 0}, {b: 0, p: 0}))
    q = sympy.Symbol("q", real=True, nonzero=True)
    eig = sf.hessian_at({a: 0, b: 0, p: q}).eigenvals()
    saddle = set(eig) == {2 * q, -2 * q, sympy.Integer(0)}
    eps = sympy.Symbol("epsilon", positive=True)
    origin_not_min = bool(sf.hessian_at({a: 0, b: 0, p: 0}).is_zero_matrix) and sympy.expand(
        sf.loss().subs({a: eps, b: eps, p: eps})) == 1 - 2 * eps ** 3 + eps ** 6
    product_zero = all(is_zero((p * a * b).subs(pt)) for pt in ({a: 0, b: 0}, {a: 0, p: 0}, {b: 0, p: 0}))
    conditions_ok = covered and fam_glob and fam_non and product_zero
    kind_ok = printed.get("kind") == "saddle"
    detail = (f"SymPy solve of ∇ℓ = 0 ({len(sols)} families): each is pab = 1 or has two of a, b, p zero: {covered}; "
              f"the printed families are stationary: {fam_glob and fam_non}; there p*a*b* = 0: {product_zero}. They "
              f"are not minima: at (0, 0, q) the Hessian has eigenvalues {sorted(eig, key=str)} (a strict saddle: "
              f"{saddle}); at the origin the Hessian vanishes and ℓ(ε, ε, ε) = 1 - 2ε^3 + ε^6 < 1 ({origin_not_min}). "
              "The argument only uses that they are stationary with ℓ = 1.")
    return judge(conditions_ok and kind_ok, detail, corrected_holds=conditions_ok and saddle and origin_not_min,
                 inherited=False, correction=r"\text{non-global stationary points (saddles), where } a^*b^* = a^*p^* = "
                                             r"b^*p^* = 0", severity="wording")


def check_limit_value(ctx, printed, correction) -> StepOutcome:
    at_saddles = is_zero(printed.subs(R, -1) - 1)
    formula = is_zero(printed - R ** 2)
    r0 = sympy.Symbol("r0", real=True)
    hypothesis = sympy.solve(r0 ** 2 < 1, r0)
    corrected = correction is not None and is_zero(correction - R ** 2)
    detail = (f"At the non-global stationary points r = pab - 1 = -1 and ℓ = r^2 = 1; the printed |r| gives the same "
              f"value ({at_saddles}) but is not ℓ (ℓ = r^2: {formula}). 1 > ℓ(0) = r(0)^2 iff {hypothesis}: exactly "
              "the hypothesis |pab - 1| < 1.")
    return judge(at_saddles and formula, detail, corrected_holds=at_saddles and corrected, inherited=False,
                 correction=r"\ell(+\infty) = (p^*a^*b^* - 1)^2 = (0 - 1)^2 = 1 > \ell(0)", severity="typo")


def check_decrease(ctx, printed, correction) -> StepOutcome:
    grad = [sympy.diff(sf.loss(), v) for v in sf.VARS]
    ok = is_zero(sf.time_derivative(sf.loss()) - printed(grad))
    return judge(ok, "dℓ/dt = ∇ℓ · (-∇ℓ) = -||∇ℓ||^2 <= 0 along the flow (SymPy), so ℓ(t) <= ℓ(0) for every t and "
                 f"ℓ(+∞) = lim ℓ(t) <= ℓ(0): {ok}. With A.7.4 this contradicts convergence to a non-global point.")


def check_conclusion(ctx, printed, correction) -> StepOutcome:
    sols = sf.stationary_points()
    below = [s for s in sols if not is_zero(sf.loss().subs(s) - 1)]
    ok = bool(below) and all(is_zero(printed.subs(s)) for s in below)
    return judge(ok, f"Every stationary point with ℓ < 1 satisfies p*a*b* = 1 (SymPy: {len(below)} of {len(sols)} "
                 "families have ℓ != 1, all on pab = 1): the limit, stationary with ℓ <= ℓ(0) < 1, is a global "
                 f"minimum: {ok}.")


PROOF = Proof(source="Appendix A.7", steps=(
    step("A.7.1", r"\dot{a} = -\nabla_a \ell(a, b, p)", meaning=r"$\ell(a, b, p) = (pab - 1)^2$; 'and similarly for "
         r"b and p'.", claims_from=("Proposition 5",), method="symbolic: the loss, its gradient flow and dℓ/dt",
         check=StepCheck(check_loss, (p * a * b - 1) ** 2)),
    step("A.7.2", r"\lim_{t \to \infty} (a(t), b(t), p(t)) = (a^*, b^*, p^*)",
         meaning="'a(t), b(t), and p(t) are bounded and converge to a stationary point' (Nguegnang et al. 2021; "
                 "Achour et al. 2021).", claims_from=("A.7.1", "Nguegnang et al. (2021)", "Achour et al. (2021)"),
         method="symbolic: conserved quantities and the residual equation give boundedness; convergence cited "
                "(Łojasiewicz)", check=StepCheck(check_convergence, lambda a_, b_, p_: tuple(
                    -sympy.diff((p_ * a_ * b_ - 1) ** 2, v) for v in (a_, b_, p_)))),
    step("A.7.3", r"\text{Global minimum if } p^*a^*b^* = 1;\ \text{non-global minimum if } a^*b^* = 0,\ a^*p^* = 0 "
                  r"\text{ and } b^*p^* = 0 \text{ and therefore } p^*a^*b^* = 0",
         meaning="The possible stationary points.", claims_from=("A.7.2",),
         method="symbolic: SymPy solve of ∇ℓ = 0, Hessians at the non-global points",
         check=StepCheck(check_stationary, {"global": [p * a * b - 1], "non-global": [a * b, a * p, b * p],
                                            "kind": "minimum"})),
    step("A.7.4", r"\ell(+\infty) = |p^*a^*b^* - 1| = |0 - 1| = 1 > \ell(0)",
         meaning=r"'If the system were to converge to a non-global minimum'; $r = pab - 1$.",
         claims_from=("A.7.3", "hypothesis |pab - 1| < 1"), method="symbolic",
         check=StepCheck(check_limit_value, sympy.Abs(R), R ** 2)),
    step("A.7.5", r"\text{This is a contradiction because the energy should have decreased over time.}",
         meaning=r"Checked as $\frac{d\ell}{dt} = -\|\nabla\ell\|^2 \le 0$ along the flow.",
         claims_from=("A.7.1",), method="symbolic: dℓ/dt along the flow",
         check=StepCheck(check_decrease, lambda grad: -sum(g ** 2 for g in grad))),
    step("A.7.6", r"\text{the only remaining possibility for the stationary points is that they must satisfy } p^*a^*b^* = 1",
         meaning="The limit is a global minimum.",
         claims_from=("A.7.3", "A.7.4", "A.7.5"), method="symbolic: the loss at every stationary family",
         check=StepCheck(check_conclusion, p * a * b - 1)),
))
