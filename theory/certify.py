r"""Certificates for every d and every T of the identities of Sander et al. (ICML 2024) that the suite otherwise
checks on a grid of small sizes.

Each certificate is an argument the code carries out:

- **Lemma 2** (:func:`certify_lemma2`) and **Lemma 4** (:func:`certify_lemma4`): the model's output and the
  printed form are sums over the same index set (heads h, times t, coordinates j); their summands are equal as
  Laurent monomials with *symbolic* exponents in t and T, in each coincidence case of the coordinates (i = j,
  i != j) and of the time index (t = 1, where s_0 enters, and t >= 2). Equal summands over equal index sets give
  equal sums for every d, H and T.
- **Mean squares** (:func:`mean_square_form`): for a residual
  :math:`f_i = \sum_{t=1}^T\sum_j w_t C_{ij}\lambda_j^{a(t,T)}\lambda_i^{b(t,T)} - \lambda_i^{c(T)}` the
  expectation :math:`\mathbb{E}|f_i|^2` is a :class:`~ical_verify.theory.index_patterns.PatternForm`: for each
  index pattern of (i, j, k) (:mod:`~ical_verify.theory.index_patterns`) the torus rule
  :math:`\mathbb{E}\lambda^k = \delta_{k=0}` gives an affine system in (t, t', T) whose box sum is computed for a
  symbolic T (:mod:`~ical_verify.theory.symbolic_exponents`), and every exceptional T is recomputed
  concretely. :func:`certify_closed_form` compares it, pattern by pattern, with a closed form: equal coefficients
  give the identity for every d (every δ for :math:`\mathcal{C}_O`) and every T >= 2.
- **Lemma 3** (:func:`certify_lemma3`), the constants :math:`K_T, J_T` of A.3 (:func:`gd_form_constants`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import sympy

from . import index_patterns as ip
from . import symbolic_exponents as se
from .augmented_attention import ALPHAS, BETAS, assumption2_matrices, lemma4_coefficients, products_to_parameters
from .errors import DomainError

T, t1, t2 = se.T, se.t1, se.t2
LAM_I, LAM_J = sympy.symbols("lambda_i lambda_j", nonzero=True)
ALL_SIZES = "all d >= 1, all T >= 2"


@dataclass
class Certificate:
    r"""The outcome of a certification: whether the identity holds, for which sizes, and the argument.

    ``cases`` are the finite cases the argument reduces to, each with its result; ``differences`` the
    non-zero remainders (label -> SymPy expression) when it does not hold.
    """

    name: str
    holds: bool
    scope: str
    method: str
    argument: str
    cases: list = field(default_factory=list)
    differences: dict = field(default_factory=dict)
    systems: list = field(default_factory=list)

    def summary(self) -> str:
        n = len(self.cases)
        cases = f"{n} case{'s' if n != 1 else ''} checked"
        if self.holds:
            return f"{self.name} holds for {self.scope} ({self.method}; {cases})"
        return f"{self.name} does not hold: it {self.scope} ({self.method}; {cases})"


# Laurent monomials with symbolic exponents ------------------------------------------------------------
def torus_conj(expr, lambdas: Sequence[sympy.Symbol]):
    r"""Conjugate on the torus: :math:`\bar\lambda = \lambda^{-1}` for each of ``lambdas``, real coefficients.

    >>> torus_conj(3 * LAM_I ** (t1 - 1), [LAM_I])
    3*lambda_i**(1 - t)
    """
    out = sympy.sympify(expr).subs({l: 1 / l for l in lambdas}, simultaneous=True)
    return sympy.powsimp(sympy.expand(out), combine="exp")


def monomials(expr, lambdas: Sequence[sympy.Symbol]) -> dict:
    r"""``expr`` as {exponent tuple: coefficient}; exponents may be symbolic (affine in t, T).

    >>> sorted(monomials(2 * LAM_I ** (t1 - 1) * LAM_I * LAM_J ** T + 1, [LAM_I, LAM_J]).items(), key=str)
    [((0, 0), 1), ((t, T), 2)]
    """
    expr = sympy.expand(sympy.powsimp(sympy.expand(expr), combine="exp"))
    out: dict = {}
    for term in sympy.Add.make_args(expr):
        powers = term.as_powers_dict()
        exps = []
        coeff = term
        for lam in lambdas:
            e = sympy.expand(powers.get(lam, 0))
            exps.append(e)
            if e != 0:
                coeff = coeff / lam ** e
        coeff = sympy.expand(sympy.powsimp(coeff))
        key = tuple(exps)
        out[key] = sympy.expand(out.get(key, 0) + coeff)
    return {k: v for k, v in out.items() if v != 0}


def monomial_difference(lhs, rhs, lambdas) -> dict:
    """The monomials of ``lhs - rhs`` with a non-zero coefficient (empty iff equal as symbolic Laurent sums)."""
    a, b = monomials(lhs, lambdas), monomials(rhs, lambdas)
    out = {}
    for k in set(a) | set(b):
        v = sympy.expand(a.get(k, 0) - b.get(k, 0))
        if v != 0:
            out[k] = v
    return out


# Lemma 2 ------------------------------------------------------------------------------------------------
def lemma2_model_summand(i_equals_j: bool):
    r"""Summand (h, t, j) of component i of model (6), from its definition (§5, (6); Appendix A hermitian product):
    :math:`P_{T-1,t}\,\langle e_t | A^h e_{T-1}\rangle_j\,(B^h e_t)_i` with :math:`e_t = \lambda^{t-1}`,
    :math:`(A^h e_{T-1})_j = a_h^j\lambda_j^{T-2}`, :math:`\langle x|y\rangle_j = x_j\bar y_j`.

    Returns ``(summand, symbols)`` with ``symbols`` = (p_t, a_h^i, a_h^j, b_h^i, b_h^j, λ_i, λ_j).

    >>> s, _ = lemma2_model_summand(False)
    >>> s
    a_h^j*b_h^i*lambda_i**(t - 1)*lambda_j**(-T + t + 1)*p_t
    """
    p_t = sympy.Symbol("p_t", real=True)
    a_i, a_j, b_i, b_j = sympy.symbols("a_h^i a_h^j b_h^i b_h^j", real=True)
    lam_j = LAM_I if i_equals_j else LAM_J
    a_jj, b_ii = (a_i if i_equals_j else a_j), b_i
    token_j = lam_j ** (t1 - 1)                       # (e_t)_j
    query_j = a_jj * lam_j ** (T - 2)                 # (A^h e_{T-1})_j
    score_j = token_j * torus_conj(query_j, [lam_j])  # (e_t)_j * conj((A^h e_{T-1})_j)
    value_i = b_ii * LAM_I ** (t1 - 1)                # (B^h e_t)_i
    summand = sympy.powsimp(sympy.expand(p_t * score_j * value_i), combine="exp")
    return summand, (p_t, a_i, a_j, b_i, b_j, LAM_I, lam_j)


def lemma2_printed_summand(i_equals_j: bool, exponents=None, factor=None):
    r"""Summand (t, j) of Lemma 2's printed right-hand side :math:`P_{T-1,t}[\mathbf{C}\lambda^{t-T+1}]_i
    \lambda_i^{t-1}` with :math:`C_{ij} = (\mathbf{B}^\top\mathbf{A})_{ij} = \sum_h b_h^i a_h^j`, written with the
    head-h summand of :math:`C_{ij}` (the sums over h then coincide).

    ``exponents(t, T)`` gives the exponents of (λ_j, λ_i) (default the printed :math:`(t-T+1, t-1)`);
    ``factor(a_i, a_j, b_i, b_j)`` the head-h summand of the coefficient (default :math:`b_h^i a_h^j`).
    """
    p_t = sympy.Symbol("p_t", real=True)
    a_i, a_j, b_i, b_j = sympy.symbols("a_h^i a_h^j b_h^i b_h^j", real=True)
    if i_equals_j:
        a_j, b_j = a_i, b_i
    lam_j = LAM_I if i_equals_j else LAM_J
    ej, ei = exponents(t1, T) if exponents else (t1 - T + 1, t1 - 1)
    coeff = factor(a_i, a_j, b_i, b_j) if factor else b_i * a_j
    return p_t * coeff * lam_j ** ej * LAM_I ** ei


def certify_lemma2(exponents=None, factor=None) -> Certificate:
    r"""Lemma 2 for every d >= 1, H >= 1 and T >= 2.

    Model (6) is :math:`\sum_{h=1}^H\sum_{t=1}^T\sum_{j=1}^d` of :func:`lemma2_model_summand`; the printed form
    is :math:`\sum_{t=1}^T\sum_{j=1}^d P_{T-1,t} C_{ij}\lambda_j^{t-T+1}\lambda_i^{t-1}` with
    :math:`C_{ij} = \sum_{h=1}^H b_h^i a_h^j`, i.e. the same triple sum of :func:`lemma2_printed_summand`. The
    summands are compared as Laurent monomials with symbolic t and T for j != i and for j = i.

    >>> certify_lemma2().holds, certify_lemma2(exponents=lambda t, T: (t - T + 2, t - 1)).holds
    (True, False)
    """
    cases, diffs = [], {}
    for same in (False, True):
        model, syms = lemma2_model_summand(same)
        printed = lemma2_printed_summand(same, exponents, factor)
        lams = [LAM_I] if same else [LAM_I, LAM_J]
        d = monomial_difference(model, printed, lams)
        label = "j = i" if same else "j != i"
        cases.append({"case": label, "model_summand": str(model), "printed_summand": str(printed),
                      "equal": not d})
        for k, v in d.items():
            diffs[f"{label}: coefficient of lambda^{k}"] = v
    holds = not diffs
    return Certificate(
        "Lemma 2", holds, "all d >= 1, all H >= 1, all T >= 2" if holds else "fails for some d, H, T",
        "symbolic exponents (termwise)",
        "Both sides are sums over the same index set (h in [H], t in [T], j in [d]); their summands, derived from "
        "model (6) with the hermitian product and the torus rule conj(lambda) = 1/lambda, are equal as Laurent "
        "monomials with symbolic t and T in the two coincidence cases j != i and j = i. Equal summands over "
        "equal index sets give equal sums for every d, H and T >= 2 (T >= 2 so that e_(T-1) exists).",
        cases, diffs)


# Lemma 4 ------------------------------------------------------------------------------------------------
def _a_b():
    return sympy.symbols("a1:5", real=True), sympy.symbols("b1:3", real=True)


def lemma4_model_summand(i_equals_j: bool, convention: str, t=t1):
    r"""Summand (t, j) of component i of model (4) under Assumptions 1, 2, from the block matrices.

    With :math:`A_k = a_k I_d`, :math:`B_l = b_l I_d` the matrices act coordinate by coordinate
    (:math:`A = M_A \otimes I_d`, M_A the 3 x 3 matrix of :func:`assumption2_matrices` for d = 1), so
    :math:`\langle Ae_T|e_t\rangle = \sum_j \tilde e_{t,j}^* M_A \tilde e_{T,j}` with
    :math:`\tilde e_{t,j} = (0, s_{t,j}, s_{t-1,j})`, and :math:`(Be_t)_i = (M_B\tilde e_{t,i})_1`.
    :math:`s_t = \lambda^{t-1}`; :math:`s_0 = \lambda^{-1}` (``"backward"``) or 0 (``"zero"``) when t = 1.
    """
    a, b = _a_b()
    MA, MB = assumption2_matrices(1, list(a), list(b))
    lam_j = LAM_I if i_equals_j else LAM_J

    def s(k, lam):
        if k == 0 and convention == "zero":
            return sympy.Integer(0)
        return lam ** (k - 1)

    def token(k, lam):
        return sympy.Matrix([0, s(k, lam), s(k - 1, lam)])

    e_tj, e_Tj, e_ti = token(t, lam_j), token(T, lam_j), token(t, LAM_I)
    score = (e_tj.applyfunc(lambda x: torus_conj(x, [lam_j])).T * MA * e_Tj)[0, 0]
    value = (MB * e_ti)[0, 0]
    return sympy.expand(score * value)


def lemma4_printed_summand(i_equals_j: bool, coefficients=None, t=t1):
    r"""Summand (t, j) of (9): :math:`\sum_{\alpha,\beta} c_{\alpha,\beta}\lambda_j^{T-t-\alpha}\lambda_i^{t-1+\beta}`
    with the printed :math:`c_{\alpha,\beta} = u_\alpha v_\beta` in the a_k, b_l."""
    c = coefficients or {k: v.subs(products_to_parameters()) for k, v in lemma4_coefficients().items()}
    lam_j = LAM_I if i_equals_j else LAM_J
    return sympy.expand(sum((c[(al, be)] * lam_j ** (T - t - al) * LAM_I ** (t - 1 + be)
                             for al in ALPHAS for be in BETAS), sympy.Integer(0)))


def certify_lemma4(convention: str = "backward", coefficients=None, coefficients_first=None) -> Certificate:
    r"""The printed output of (9) against model (4) for every d >= 1 and T >= 2, under one s_0 convention.

    Cases: j != i and j = i; t symbolic (t >= 2: :math:`s_{t-1} = \lambda^{t-2}`) and t = 1 (:math:`s_0`).
    Under ``"backward"`` the symbolic formula :math:`s_t = \lambda^{t-1}` also holds at t = 0, so every case
    agrees; under ``"zero"`` the t = 1 summand differs. ``coefficients_first`` replaces the
    :math:`c_{\alpha,\beta}` of the t = 1 summand (the zero-padding form: :math:`c^{(1)}_{0,0} = a_1b_1`,
    :math:`c^{(1)}_{1,0} = a_2b_1`, the others 0).

    >>> certify_lemma4("backward").holds, certify_lemma4("zero").holds
    (True, False)
    """
    if convention not in ("backward", "zero"):
        raise DomainError(f"s0 convention {convention!r} is not one of ('backward', 'zero')")
    cases, diffs = [], {}
    for same in (False, True):
        lams = [LAM_I] if same else [LAM_I, LAM_J]
        for t_case, t_val in (("t >= 2 (symbolic t)", t1), ("t = 1", sympy.Integer(1))):
            model = lemma4_model_summand(same, convention, t_val)
            coeffs = coefficients_first if (coefficients_first is not None and t_val == 1) else coefficients
            printed = lemma4_printed_summand(same, coeffs, t_val)
            d = monomial_difference(model, printed, lams)
            label = f"{'j = i' if same else 'j != i'}, {t_case}"
            cases.append({"case": label, "equal": not d, "model_summand": str(model)})
            for k, v in d.items():
                diffs[f"{label}: coefficient of lambda^{k}"] = v
    holds = not diffs
    scope = ALL_SIZES if holds else "fails for every d >= 1, T >= 2 (" + ", ".join(
        sorted({c["case"] for c in cases if not c["equal"]})) + ")"
    return Certificate(
        f"Lemma 4 output (9), s_0 {'= W^-1 s_1' if convention == 'backward' else '= 0'}", holds, scope,
        "symbolic exponents (termwise)",
        "Model (4) under Assumptions 1, 2 acts coordinate by coordinate (A = M_A (x) I_d), so its output is "
        "sum_(t in [T]) sum_(j in [d]) of a summand built from the 3 x 3 blocks; (9) sums over the same (t, j). "
        "The summands are compared as Laurent monomials with symbolic t and T for j != i and j = i, and at t = 1 "
        "(where s_0 enters) separately.", cases, diffs)


# mean squares as pattern forms ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ResidualSpec:
    r""":math:`f_i = \sum_{t=1}^T\sum_j w_t C_{ij}\lambda_j^{a}\lambda_i^{b} - \lambda_i^{c}` with a, b affine in
    (t, T) and c affine in T (the Lemma 2 residual: a = t - T + 1, b = t - 1, c = T)."""

    a: sympy.Expr
    b: sympy.Expr
    c: sympy.Expr

    def at(self, t) -> tuple:
        return self.a.subs(t1, t), self.b.subs(t1, t)


def lemma2_residual_spec() -> ResidualSpec:
    r"""The residual of Lemma 2, read off the printed summand of :func:`lemma2_printed_summand` (whose sum
    :func:`certify_lemma2` identifies with model (6)) and the target :math:`s_{T+1} = \lambda^T`.

    >>> lemma2_residual_spec()
    ResidualSpec(a=-T + t + 1, b=t - 1, c=T)
    """
    powers = lemma2_printed_summand(False).as_powers_dict()
    return ResidualSpec(sympy.expand(powers[LAM_J]), sympy.expand(powers[LAM_I]), T)


@dataclass
class MeanSquare:
    r""":math:`\mathbb{E}|f_i|^2` as a pattern form: ``generic`` for every T >= 2 not in ``exceptions``, which maps
    each exceptional T to the form computed concretely (coefficients in the row symbols w_1..w_T)."""

    generic: ip.PatternForm
    exceptions: dict
    stats: se.RowStatistics
    systems: list


def _exponents_quadratic(spec: ResidualSpec):
    """Exponents of positions (i, j, k) in the product of the (t, j) term and the conjugate (t', k) term."""
    a1, b1 = spec.a.subs(t1, t1), spec.b
    a2, b2 = spec.a.subs(t1, t2), spec.b.subs(t1, t2)
    return (sympy.expand(b1 - b2), sympy.expand(a1), sympy.expand(-a2))


def _block_equations(pattern: ip.Pattern, exps) -> list:
    blocks: dict[int, sympy.Expr] = {}
    for (b, s), e in zip(pattern, exps):
        blocks[b] = blocks.get(b, 0) + s * e
    return [sympy.expand(v) for v in blocks.values()]


def mean_square_form(spec: ResidualSpec, context: str = "unitary", stats: se.RowStatistics | None = None,
                     name: str = "p") -> MeanSquare:
    r""":math:`\mathbb{E}|f_i|^2` pattern by pattern, for a symbolic T (see the module).

    >>> ms = mean_square_form(lemma2_residual_spec())
    >>> s = ms.stats
    >>> sorted(set(map(str, ms.generic.quad.values()))), ms.exceptions
    (['\\|p\\|^2', 'p_{T-1}**2'], {})
    """
    stats = stats or se.RowStatistics(name)
    quad, lin, systems, exceptional = {}, {}, [], set()
    e_quad = _exponents_quadratic(spec)
    for pat in ip.patterns(3, context):
        eqs = _block_equations(pat, e_quad)
        sol = se.solve_affine(eqs, [t1, t2])
        bs = se.box_sum(sol, 2, stats)
        quad[pat] = bs.value
        exceptional |= set(bs.exceptions)
        systems.append({"pattern": ip.describe(pat, ("i", "j", "k")), "equations": [str(e) for e in eqs],
                        "solution": sol.kind, "sum": str(bs.value), "exceptional_T": sorted(bs.exceptions)})
    e_lin = (sympy.expand(spec.b - spec.c), sympy.expand(spec.a))
    for pat in ip.patterns(2, context):
        eqs = _block_equations(pat, e_lin)
        sol = se.solve_affine(eqs, [t1])
        bs = se.box_sum(sol, 1, stats)
        lin[pat] = -2 * bs.value
        exceptional |= set(bs.exceptions)
        systems.append({"pattern": ip.describe(pat, ("i", "j")), "equations": [str(e) for e in eqs],
                        "solution": sol.kind, "sum": str(-2 * bs.value), "exceptional_T": sorted(bs.exceptions)})
    generic = ip.PatternForm(context, quad, lin, sympy.Integer(1))   # E|lambda_i^c|^2 = 1 on the torus
    exceptions = {Tv: mean_square_concrete(spec, Tv, context, name) for Tv in sorted(exceptional)}
    return MeanSquare(generic, exceptions, stats, systems)


def mean_square_concrete(spec: ResidualSpec, T_value: int, context: str = "unitary",
                         name: str = "p") -> ip.PatternForm:
    """The same pattern form for a concrete T, by enumerating t, t' (coefficients in w_1..w_T)."""
    row = se.row_symbols(name, T_value)
    e_quad = [e.subs(T, T_value) for e in _exponents_quadratic(spec)]
    quad = {pat: se.box_sum_concrete(_block_equations(pat, e_quad), [t1, t2], T_value, row)
            for pat in ip.patterns(3, context)}
    e_lin = [sympy.expand(spec.b - spec.c).subs(T, T_value), spec.a.subs(T, T_value)]
    lin = {pat: -2 * se.box_sum_concrete(_block_equations(pat, e_lin), [t1], T_value, row)
           for pat in ip.patterns(2, context)}
    return ip.PatternForm(context, quad, lin, 1)


def certify_closed_form(name: str, claimed: Callable[[se.RowStatistics], ip.PatternForm],
                        context: str = "unitary", spec: ResidualSpec | None = None) -> Certificate:
    r"""A closed form of :math:`\mathbb{E}|f_i|^2` (a per-row pattern form in the statistics of p) against
    :func:`mean_square_form`, for every d (every δ) and every T >= 2.

    >>> from ical_verify.theory.index_patterns import diagonal, row_norm_sq, row_sum
    >>> def corrected(s):
    ...     return ((s.sq - s.end(-1)**2) * row_norm_sq() + s.end(-1)**2 * row_sum()**2
    ...             - 2 * s.end(0) * diagonal() + 1)
    >>> certify_closed_form("Proposition 4 (corrected)", corrected).holds
    True
    """
    spec = spec or lemma2_residual_spec()
    ms = mean_square_form(spec, context)
    form = claimed(ms.stats)
    diffs = {k: v for k, v in form.differences(ms.generic).items()}
    cases = [{"T": "generic (symbolic)", "equal": not diffs, "patterns": len(ip.patterns(3, context))
              + len(ip.patterns(2, context)) + 1}]
    for Tv, concrete in ms.exceptions.items():
        row = se.row_symbols("p", Tv)
        d = form.subs(ms.stats.values(row)).differences(concrete)
        cases.append({"T": Tv, "equal": not d})
        for k, v in d.items():
            diffs[f"T = {Tv}: {k}"] = v
    holds = not diffs
    size = "δ" if context == "orthogonal" else "d"
    if holds:
        scope = f"all {size} >= 1, all T >= 2" + (" (d = 2δ)" if context == "orthogonal" else "")
    elif cases[0]["equal"]:  # the generic form agrees; only exceptional T (recomputed concretely) differ
        failing = ", ".join(str(c["T"]) for c in cases[1:] if not c["equal"])
        scope = (f"fails at T = {failing} only (an exceptional T, recomputed concretely); holds for all {size} >= 1 "
                 "and every other T >= 2")
    else:
        gap = (form - ms.generic).symmetrised()
        blocks = [ip.n_blocks(p) for p, v in list(gap.quad.items()) + list(gap.lin.items()) if v != 0]
        least = min(blocks) if blocks else 1
        scope = (f"fails for every {size} >= {least} and every T >= 2 (a differing pattern has {least} "
                 f"block{'s' if least > 1 else ''})")
    return Certificate(
        name, holds, scope, "index patterns + symbolic exponents",
        f"E|f_i|^2 = sum over index patterns of (i, j, k) [{len(ip.patterns(3, context))} patterns] and (i, j) "
        f"[{len(ip.patterns(2, context))}] of a coefficient that depends only on the pattern; for each pattern the "
        "torus rule E lambda^k = delta_(k=0) gives an affine system in (t, t', T), solved for a symbolic T and "
        "summed over the box [1, T]^2 in closed form (statistics ||p||^2, sum p, p_(T+c), lag sums); exceptional "
        f"T (a point leaving the box, a T-dependent coincidence) are recomputed concretely: {sorted(ms.exceptions)}. "
        "The claimed form agrees pattern by pattern (symmetrised in j, k), so the two are the same sum over "
        f"the same index tuples for every {size}.",
        cases, diffs, ms.systems)


# closed forms (the paper's and the suite's), as pattern forms -------------------------------------------
def prop4_printed_form(s: se.RowStatistics) -> ip.PatternForm:
    r"""Proposition 4 as printed, per row: :math:`\|p\|^2\|C_i\|^2 + p_{T-1}^2 r_i^2 - 2p_T C_{ii} + 1`
    (:math:`\sum_i r_i^2 = S(\mathbf{C}^\top\mathbf{C})`, :math:`\sum_i C_{ii} = \mathrm{Tr}\,\mathbf{C}`)."""
    return s.sq * ip.row_norm_sq() + s.end(-1) ** 2 * ip.row_sum() ** 2 - 2 * s.end(0) * ip.diagonal() + 1


def prop4_corrected_form(s: se.RowStatistics) -> ip.PatternForm:
    r"""The corrected Proposition 4 per row: :math:`(\|p\|^2 - p_{T-1}^2)\|C_i\|^2 + p_{T-1}^2 r_i^2 - 2p_TC_{ii} + 1`."""
    return ((s.sq - s.end(-1) ** 2) * ip.row_norm_sq() + s.end(-1) ** 2 * ip.row_sum() ** 2
            - 2 * s.end(0) * ip.diagonal() + 1)


def orthogonal_closed_form(s: se.RowStatistics) -> ip.PatternForm:
    r"""The suite's :math:`\mathcal{C}_O` loss per row (``theory.diagonal_attention.orthogonal_loss_closed_form``):
    :math:`(p_{T-1}r_i + C_{i\bar\imath}q)^2 + (p_TC_{ii} - 1)^2 + C_{ii}^2\sum_{t\le T-2}p_t^2
    + (\|p\|^2 - p_{T-1}^2)\sum_{j\notin\{i,\bar\imath\}}C_{ij}^2`, :math:`q = \sum_{t\ne T-1}p_t`."""
    o = "orthogonal"
    pT, pT1 = s.end(0), s.end(-1)
    q = s.total - pT1
    head = s.sq - pT1 ** 2 - pT ** 2
    return ((pT1 * ip.row_sum(o) + q * ip.partner(o)) ** 2 + (pT * ip.diagonal(o) - 1) ** 2
            + head * ip.diagonal(o) ** 2 + (s.sq - pT1 ** 2) * ip.off_block_norm_sq(o))


# Lemma 3 ------------------------------------------------------------------------------------------------
def certify_lemma3(p_rule: Callable[[int], object] | None = None, c_rule=None) -> Certificate:
    r"""Lemma 3 for every δ >= 1 and T >= 2: :math:`\sum_t p_t\sum_j C_{ij}\lambda_j^{t-T+1}\lambda_i^{t-1} =
    \lambda_i^T` on :math:`\mathcal{C}_O` with :math:`p_{T-1} = -1, p_T = 2` (other :math:`p_t = 0`) and
    :math:`\mathbf{C} = \tfrac12\mathrm{diag}(J,\dots,J)`.

    ``p_rule(offset)`` gives :math:`p_{T+offset}` (offset 0, -1; every other entry is 0), ``c_rule(kind)`` the
    entry :math:`C_{ij}` for ``kind`` in ("same", "partner") (every other entry is 0). C depends on (i, j) only
    through their pattern and only the partners j in {i, ī} have non-zero entries, so component i is a sum of
    four monomials in :math:`\lambda_i` (:math:`\lambda_{\bar\imath} = 1/\lambda_i`) whatever δ; both parities
    of i (λ_i = μ or 1/μ) are compared with symbolic T.

    >>> certify_lemma3().holds, certify_lemma3(p_rule=lambda c: {0: 2, -1: 1}[c]).holds
    (True, False)
    """
    p_rule = p_rule or (lambda c: {0: sympy.Integer(2), -1: sympy.Integer(-1)}[c])
    c_rule = c_rule or (lambda kind: sympy.Rational(1, 2))
    mu = sympy.Symbol("mu", nonzero=True)
    cases, diffs = [], {}
    for parity, lam_i in (("i odd (lambda_i = mu)", mu), ("i even (lambda_i = 1/mu)", 1 / mu)):
        partner = 1 / lam_i
        total = sympy.Integer(0)
        for off in (0, -1):
            t = T + off
            for kind, lam_j in (("same", lam_i), ("partner", partner)):
                total += p_rule(off) * c_rule(kind) * lam_j ** (t - T + 1) * lam_i ** (t - 1)
        d = monomial_difference(total, lam_i ** T, [mu])
        cases.append({"case": parity, "component": str(sympy.powsimp(sympy.expand(total))), "equal": not d})
        for k, v in d.items():
            diffs[f"{parity}: coefficient of mu^{k[0]}"] = v
    holds = not diffs
    return Certificate(
        "Lemma 3", holds, "all δ >= 1, all T >= 2 (d = 2δ)" if holds else "fails for every δ >= 1, T >= 2",
        "symbolic exponents (index pattern of j)",
        "C = 1/2 diag(J, ..., J) has C_ij = 1/2 exactly when j is i or its partner, for every δ; p_t = 0 except "
        "t = T-1 and t = T, both in [1, T] for every T >= 2. So component i of Lemma 2's sum has four terms, "
        "compared with lambda_i^T as Laurent monomials with symbolic T, for both parities of i.", cases, diffs)


# the constants K_T, J_T of A.3 ----------------------------------------------------------------------------
def gd_form_spec() -> ResidualSpec:
    r"""The monomials of :math:`c_{-1,0}` in (9): :math:`\lambda_j^{T-t+1}\lambda_i^{t-1}` (α = -1, β = 0)."""
    return ResidualSpec(sympy.expand(T - t1 + 1), sympy.expand(t1 - 1), T)


def _weights(convention: str, stats: se.RowStatistics):
    """Statistics of the weights w_t (1, and w_1 = 0 under zero padding) for a symbolic T, and the least T >= 2
    from which every one of them is right (an end entry w_(T+c) must lie in the row, a lag sum have a term)."""
    zero = convention == "zero"
    values = {stats.sq: T - (1 if zero else 0), stats.total: T - (1 if zero else 0)}
    valid = se.T_MIN
    for c, sym in stats._end.items():
        values[sym] = sympy.Integer(1)
        valid = max(valid, (2 if zero else 1) - c)
    for c, sym in stats._start.items():
        values[sym] = sympy.Integer(0 if (zero and c == 1) else 1)
        valid = max(valid, c)
    for c, sym in stats._lag.items():
        values[sym] = T - c - (1 if zero else 0)
        valid = max(valid, c + (1 if zero else 0))
    return values, valid


def gd_form_constants(convention: str = "backward", d=None) -> dict:
    r""":math:`K_T` and :math:`J_T` of A.3 for every d and T >= 2: the loss of the one-step-GD parameters
    (:math:`c_{-1,0} = \eta`, every other :math:`c_{\alpha,\beta} = 0`) is :math:`d(K_T\eta^2 - 2J_T\eta + 1)`.

    The residual of one coordinate is :math:`\eta\sum_{t,j} w_t\lambda_j^{T-t+1}\lambda_i^{t-1} - \lambda_i^T`
    with weights :math:`w_t = 1` (:math:`s_0 = W^{-1}s_1`) or :math:`w_1 = 0` (:math:`s_0 = 0`: the
    :math:`a_3` term :math:`s_{t-1}^* s_T` vanishes at t = 1): its mean square is :func:`mean_square_form`
    evaluated at C = all ones (one row, counted per pattern as a polynomial in d), with the statistics of w.

    >>> k = gd_form_constants("backward"); sympy.factor(k["K"]), k["J"]
    (T*(T + d - 1), T)
    >>> sympy.factor(gd_form_constants("zero")["K"])
    (T - 1)*(T + d - 2)
    """
    if convention not in ("backward", "zero"):
        raise DomainError(f"s0 convention {convention!r} is not one of ('backward', 'zero')")
    d = sympy.Symbol("d", integer=True, positive=True) if d is None else d
    ms = mean_square_form(gd_form_spec())
    values, valid = _weights(convention, ms.stats)
    quad = ip.PatternForm("unitary", ms.generic.quad).subs(values).row_total(d)
    lin = ip.PatternForm("unitary", lin=ms.generic.lin).subs(values).row_total(d)
    concrete = {}
    for Tv in sorted(set(ms.exceptions) | set(range(se.T_MIN, valid))):
        row = [sympy.Integer(0 if (convention == "zero" and k == 1) else 1) for k in range(1, Tv + 1)]
        form = ms.exceptions.get(Tv) or mean_square_concrete(gd_form_spec(), Tv)
        rmap = dict(zip(se.row_symbols("p", Tv), row))
        concrete[Tv] = {"K": sympy.expand(ip.PatternForm("unitary", form.quad).subs(rmap).row_total(d)),
                        "J": sympy.expand(-ip.PatternForm("unitary", lin=form.lin).subs(rmap).row_total(d) / 2)}
    return {"K": sympy.expand(quad), "J": sympy.expand(-lin / 2), "valid_from": valid, "concrete": concrete,
            "systems": ms.systems}


__all__ = ["Certificate", "ALL_SIZES", "torus_conj", "monomials", "monomial_difference", "lemma2_model_summand",
           "lemma2_printed_summand", "certify_lemma2", "lemma4_model_summand", "lemma4_printed_summand",
           "certify_lemma4", "ResidualSpec", "lemma2_residual_spec", "MeanSquare", "mean_square_form",
           "mean_square_concrete", "certify_closed_form", "prop4_printed_form", "prop4_corrected_form",
           "orthogonal_closed_form", "certify_lemma3", "gd_form_spec", "gd_form_constants"]
