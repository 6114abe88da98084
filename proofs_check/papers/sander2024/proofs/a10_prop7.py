r"""Appendix A.10, proof of Proposition 7 (conditioning of the loss (7)), step by step.

Notation at this point: :math:`l(p) = \mathbb{E}_{\lambda\sim\mathcal{W}(\mu)}|\sum_{t=1}^T p_t\lambda^{2t-T} -
\lambda^T|^2` with :math:`\lambda = e^{i\theta/\mu}`, θ uniform on (0, 2π), μ >= 1; :math:`\alpha = 2\pi/\mu`;
H is the matrix that A.10 defines through :math:`\langle p|Hp\rangle`, which Proposition 7 calls the Hessian.

Findings: the second-order term of l is :math:`\langle p|Hp\rangle`, so H is the matrix of the quadratic form and
the Hessian of l is 2H: the statement's erratum (a factor 2) is at the first step. The integral, its real part,
the continuity argument and the limit T, 0, ..., 0 are right for H (2T, 0, ..., 0 for the Hessian).
"""

from __future__ import annotations

import numpy as np
import sympy

from ical_verify.theory.laurent import LaurentPolynomial, w_mu_moment

from ....claim import Proof, StepOutcome
from ._steps import StepCheck, derived, is_zero, judge, step

MU = sympy.Symbol("mu", positive=True)
K = sympy.Symbol("k", integer=True, nonzero=True)          # k = t' - t
THETA = sympy.Symbol("theta", real=True)
ALPHA = 2 * sympy.pi / MU
HESSIAN_TS = (2, 3)


def loss7(T: int):
    r"""(7) exactly: the Laurent polynomial :math:`|f|^2` averaged with the moments of :math:`\mathcal{W}(\mu)`."""
    p = sympy.symbols(f"p1:{T + 1}", real=True)
    lam = LaurentPolynomial.variables(1)[0]
    f = sum((lam ** (2 * t - T) * p[t - 1] for t in range(1, T + 1)), LaurentPolynomial(1)) - lam ** T
    return sympy.expand((f * f.conjugate()).expectation_with_moments(lambda k: w_mu_moment(k, MU))), p


def real_simplify(e):
    return sympy.simplify(sympy.expand_complex(e).rewrite(sympy.sin))


# transcriptions ---------------------------------------------------------------------------------------
def moment_printed(k):
    r""":math:`\mathbb{E}\lambda^{2(t'-t)}` as A.10 writes it next (for the quadratic form), k = t' - t."""
    return w_mu_moment(2 * k, MU)


def integral_printed(k):
    r""":math:`\frac{1}{\alpha}\int_0^\alpha e^{2i\theta(t'-t)}d\theta`, :math:`\alpha = 2\pi/\mu`."""
    return sympy.integrate(sympy.exp(2 * sympy.I * THETA * k), (THETA, 0, ALPHA)) / ALPHA


def closed_printed(k):
    r""":math:`\frac{i}{2\alpha(t'-t)}[1 - e^{2i(t'-t)\alpha}]` (t != t'; 1 otherwise)."""
    return sympy.I / (2 * ALPHA * k) * (1 - sympy.exp(2 * sympy.I * k * ALPHA))


def entry_printed(k, mu=MU):
    r""":math:`H_{t,t'} = \frac{\mu}{4\pi(t'-t)}\sin(4(t'-t)\frac{\pi}{\mu})`."""
    return mu / (4 * sympy.pi * k) * sympy.sin(4 * k * sympy.pi / mu)


def entry_of_alpha(k, a):
    r"""The same entry as a function of :math:`\alpha = 2\pi/\mu`: :math:`\sin(2k\alpha)/(2k\alpha)`, 1 at α = 0."""
    return np.where(a == 0, 1.0, np.sin(2 * k * a) / np.where(a == 0, 1.0, 2 * k * a)) if k else np.ones_like(a)


# checkers ---------------------------------------------------------------------------------------------
def check_quadratic_form(ctx, printed, correction) -> StepOutcome:
    moment, factor = printed
    rows, form_ok, hess_printed, hess_corr = [], True, True, True
    for T in HESSIAN_TS:
        l, p = loss7(T)
        quad = sympy.expand(l - l.subs({x: 0 for x in p}) - sum(sympy.diff(l, x).subs({y: 0 for y in p}) * x for x in p))
        form = sympy.expand(sum(p[a] * p[b] * (moment(b - a) if a != b else 1) for a in range(T) for b in range(T)))
        form_ok &= is_zero(real_simplify(quad - form))
        M = sympy.Matrix(T, T, lambda a, b: 1 if a == b else real_simplify(sympy.re(moment(b - a))))
        Hs = sympy.hessian(l, p)
        hess_printed &= all(is_zero(real_simplify(Hs[a, b] - factor * M[a, b])) for a in range(T) for b in range(T))
        if correction is not None:
            hess_corr &= all(is_zero(real_simplify(Hs[a, b] - correction[1] * M[a, b])) for a in range(T)
                             for b in range(T))
        rows.append({"T": T, "hessian_diagonal": str(Hs[0, 0])})
    holds = form_ok and hess_printed
    detail = (f"The second-order part of l (exact, moments of W(μ), T in {HESSIAN_TS}) equals Σ_(t,t') p_t p_t' "
              f"E λ^(2(t'-t)): {form_ok}. So the matrix H of ⟨p|Hp⟩ is the matrix of the quadratic form; the Hessian "
              f"of l (SymPy) equals {factor} x H: {hess_printed}"
              + (f"; it equals {correction[1]} x H: {hess_corr}" if correction is not None else "") + ". "
              "Proposition 7 calls this H 'the Hessian of l'.")
    return judge(holds, detail, corrected_holds=form_ok and hess_corr and correction is not None, inherited=True,
                 correction=r"\tfrac12\langle p|\nabla^2 l\, p\rangle = \sum_{t,t'} p_t p_{t'}\mathbb{E}\lambda^{2(t'-t)}"
                            r":\ H \text{ is the matrix of the quadratic form, the Hessian of } l \text{ is } 2H",
                 severity="constant", metrics={"cases": rows})


def check_integral(ctx, printed, correction) -> StepOutcome:
    val = sympy.simplify(printed(K))
    ok = is_zero(real_simplify(val - w_mu_moment(2 * K, MU)))
    zero = sympy.simplify(sympy.integrate(sympy.Integer(1), (THETA, 0, ALPHA)) / ALPHA) == 1
    return judge(ok and zero, "λ = e^(iθ/μ) with θ uniform on (0, 2π) is e^(iφ) with φ uniform on (0, α), α = 2π/μ; "
                 f"SymPy's integral {val} equals the moment (e^(2πi·2k/μ) - 1)/(2πi·2k/μ) of W(μ) (theory.laurent."
                 f"w_mu_moment): {ok}; k = 0 gives 1: {zero}.",
                 derived=[derived("E_lambda_2k", val, "E λ^(2k) under W(μ), k = t' - t != 0")])


def check_closed(ctx, printed, correction) -> StepOutcome:
    ok = is_zero(real_simplify(printed(K) - integral_printed(K)))
    return judge(ok, f"i/(2α k)[1 - e^(2ikα)] equals the integral for every integer k != 0 (symbolic k, μ): {ok}.")


def check_entry(ctx, printed, correction) -> StepOutcome:
    E = closed_printed(K)
    re, im = real_simplify(sympy.re(E)), real_simplify(sympy.im(E))
    ok = is_zero(real_simplify(re - printed(K)))
    odd = is_zero(real_simplify(im + sympy.im(closed_printed(-K))))
    even = is_zero(real_simplify(re - sympy.re(closed_printed(-K))))
    return judge(ok and odd and even, f"Re of A.10.3 is {re}, equal to the printed entry: {ok}. The imaginary part "
                 f"{im} is odd in k = t' - t ({odd}) and the real part even ({even}), so Σ_(t,t') p_t p_t' E λ^(2(t'-t)) "
                 "is real and its matrix is the real part: H_(t,t') = (μ/(4π(t'-t))) sin(4(t'-t)π/μ).")


def _matches_entry(printed) -> float:
    """Largest deviation of ``printed(k, α)`` from sin(2kα)/(2kα) (1 at α = 0) on a grid (float64)."""
    worst = 0.0
    for k in (0, 1, -2, 3):
        for a in np.linspace(0.0, 2 * np.pi, 17):
            ref = 1.0 if (k == 0 or a == 0) else np.sin(2 * k * a) / (2 * k * a)
            worst = max(worst, abs(float(printed(k, np.array(a))) - ref))
    return worst


def check_smooth(ctx, printed, correction) -> StepOutcome:
    a = sympy.Symbol("alpha", positive=True)
    entry = sympy.sin(2 * K * a) / (2 * K * a)
    same = is_zero(sympy.simplify(entry.subs(a, 2 * sympy.pi / MU) - entry_printed(K)))
    limit = sympy.limit(entry, a, 0)
    dev = _matches_entry(printed)
    ok = same and limit == 1 and dev < 1e-12
    return judge(ok, f"In α = 2π/μ the entries are sin(2kα)/(2kα) (= the printed entry: {same}; the transcription "
                 f"used here deviates by {dev:.1e}), analytic in α with limit {limit} at α = 0 (the diagonal), and "
                 "even in k: H(α) is a smooth map from [0, 2π] to the symmetric matrices (μ >= 1 gives α in (0, 2π]).")


def check_continuity(ctx, printed, correction) -> StepOutcome:
    T = 6
    alphas = np.linspace(0.0, 2 * np.pi, 401)

    def H(a):
        return np.array([[float(printed(j - i, np.array(a))) for j in range(T)] for i in range(T)])

    worst, symmetric = 0.0, True
    prev = None
    for a in alphas:
        M = H(a)
        symmetric &= bool(np.allclose(M, M.T, atol=0, rtol=0))
        ev = np.linalg.eigvalsh((M + M.T) / 2)[::-1]
        if prev is not None:
            dM, dev = np.linalg.norm(M - prev[0], 2), np.max(np.abs(ev - prev[1]))
            worst = max(worst, dev - dM)
        prev = (M, ev)
    dev = _matches_entry(printed)
    ok = symmetric and worst <= 1e-12 and dev < 1e-12
    return judge(ok, "The ordered eigenvalues of a continuous symmetric matrix function are continuous (Weyl: "
                 "|ν_k(A) - ν_k(B)| <= ||A - B||_2; Kato's Th. 5.2 as cited). Numerically, T = 6, 401 values of α in "
                 f"[0, 2π]: H(α) (the entries of A.10.5, deviation {dev:.1e}) symmetric {symmetric}, Weyl bound "
                 f"violated by at most {worst:.1e} (float64 rounding tolerance 1e-12).",
                 metrics={"max_weyl_violation": worst})


def check_alpha_zero(ctx, printed, correction) -> StepOutcome:
    ok, rows = True, []
    for T in (2, 3, 6):
        H0 = sympy.Matrix(T, T, lambda i, j: sympy.limit(sympy.sin(2 * (j - i) * THETA) / (2 * (j - i) * THETA), THETA, 0)
                          if i != j else 1)
        ev = H0.eigenvals()
        want = printed(T)
        got = sorted((v for v, m in ev.items() for _ in range(m)), reverse=True)
        ok &= got == want
        rows.append({"T": T, "eigenvalues": [str(x) for x in got]})
    return judge(ok, f"At α = 0 every entry of H is 1 (H = 11ᵀ), whose eigenvalues are T, 0, ..., 0: {rows}.",
                 metrics={"cases": rows})


def check_limits(ctx, printed, correction) -> StepOutcome:
    top, rest = printed
    rows, ok = [], True
    for T in (2, 5, 10):
        for mu in (1e4, 1e6):
            M = np.array([[1.0 if i == j else float(entry_printed(j - i, mu)) for j in range(T)] for i in range(T)])
            ev = np.linalg.eigvalsh(M)[::-1]
            good = abs(ev[0] - top(T)) < 1e-4 * T and np.max(np.abs(ev[1:] - rest)) < 1e-4 * T
            ok &= bool(good)
            rows.append({"T": T, "mu": mu, "sigma_1": float(ev[0]), "max_other": float(np.max(np.abs(ev[1:])))})
    return judge(ok, "With μ = 2π/α → ∞ (α → 0) the eigenvalues of H tend to those of H(0): σ_1 → T, σ_(t>1) → 0; "
                 "numerically at μ = 1e4, 1e6 (T = 2, 5, 10) within 1e-4 T. This holds for H, the matrix of the "
                 "quadratic form (A.10.1); the Hessian 2H has σ_1 → 2T.", metrics={"cases": rows})


MEANING = (r"$l(p) = \mathbb{E}_{\lambda\sim\mathcal{W}(\mu)}|\sum_t p_t\lambda^{2t-T} - \lambda^T|^2$, "
           r"$\lambda = e^{i\theta/\mu}$, $\theta\sim\mathcal{U}(0, 2\pi)$, $\alpha = 2\pi/\mu$; $H$ as defined by "
           r"$\langle p|Hp\rangle$.")

PROOF = Proof(source="Appendix A.10", steps=(
    step("A.10.1", r"\langle p|Hp\rangle = \sum_{t,t'} p_t p_{t'} \mathbb{E}_{\lambda \sim \mathcal{W}(\mu)} \lambda^{2(t'-t)}",
         meaning=MEANING + " 'the second order term in the quadratic form (7)'; Proposition 7 names H the Hessian of l.",
         claims_from=("(7)",), method="symbolic: (7) exactly with the moments of W(μ), its quadratic part and its "
                                     "SymPy Hessian, T = 2, 3",
         check=StepCheck(check_quadratic_form, (moment_printed, 1), (moment_printed, 2))),
    step("A.10.2", r"\mathbb{E}_{\lambda \sim \mathcal{W}(\mu)} \lambda^{2(t'-t)} = \frac{1}{\alpha} \int_0^\alpha "
                   r"e^{2i\theta(t'-t)} d\theta",
         meaning=MEANING + r" 'Writing $\alpha = \frac{2\pi}{\mu}$'.", claims_from=("definition of W(μ)",),
         method="symbolic: SymPy integration with symbolic k = t' - t, μ vs the closed-form moment",
         check=StepCheck(check_integral, integral_printed)),
    step("A.10.3", r"\frac{i}{2\alpha(t'-t)}[1-e^{2i(t'-t)\alpha}] \text{ if } t \neq t' \text{ and } 1 \text{ otherwise}",
         meaning=MEANING, claims_from=("A.10.2",), method="symbolic (k, μ symbolic)",
         check=StepCheck(check_closed, closed_printed)),
    step("A.10.4", r"H_{t,t'} = (\mu/(4\pi(t'-t)))\sin(4(t'-t)\frac{\pi}{\mu})",
         meaning=MEANING + r" 'Since $\langle p|Hp\rangle$ is real, we can identify the real parts'.",
         claims_from=("A.10.1", "A.10.3"), method="symbolic: real and imaginary parts, parity in k",
         check=StepCheck(check_entry, entry_printed)),
    step("A.10.5", r"H \text{ is a smooth function of } \alpha:\ H: [0, 2\pi] \to S_T", meaning=MEANING,
         claims_from=("A.10.4",), method="symbolic: the entries in α and their limit at 0",
         check=StepCheck(check_smooth, entry_of_alpha)),
    step("A.10.6", r"\text{the eigenvalues of } H \text{ can be parametrized as continuous functions } \nu_1(\alpha) \ge "
                   r"\nu_2(\alpha) \ge \cdots \nu_T(\alpha)",
         meaning=MEANING + " 'Using Th. 5.2 from Kato (2013)'.", claims_from=("A.10.5", "Kato (2013), Th. 5.2"),
         method="numeric: Weyl's bound between neighbouring α (float64), T = 6, 401 values of α",
         check=StepCheck(check_continuity, entry_of_alpha)),
    step("A.10.7", r"\text{for } \alpha = 0, \text{ the eigenvalues of } H \text{ are } T, 0, \cdots 0",
         meaning=MEANING, claims_from=("A.10.5",), method="symbolic: the limit matrix and its eigenvalues, T = 2, 3, 6",
         check=StepCheck(check_alpha_zero, lambda T: [T] + [0] * (T - 1))),
    step("A.10.8", r"\text{recalling that } \mu = \frac{2\pi}{\alpha}, \text{ we obtain the result}",
         meaning=MEANING + r" The result: $\sigma_1(\mu) \rightarrow T$ and $\sigma_{t>1}(\mu) \rightarrow 0$ as "
                           r"$\mu \rightarrow +\infty$ (Proposition 7).",
         claims_from=("A.10.6", "A.10.7"), method="numeric: eigvalsh at μ = 1e4, 1e6 (float64), T = 2, 5, 10",
         check=StepCheck(check_limits, (lambda T: T, 0.0))),
))
