r"""Spectra of the Hessian of the positional-encoding-only loss (7) (Sander et al., §5.3, Proposition 7).

- :func:`printed_matrix`: the matrix printed in Proposition 7, :math:`H_{t,t'} = \frac{\mu}{4\pi(t'-t)}
  \sin(4(t'-t)\pi/\mu)`, diagonal 1, in float64;
- :func:`loss7_quadrature`: :math:`l(p)` of (7) by adaptive quadrature over θ (an independent method);
- :func:`hessian_by_differences`: the Hessian of :func:`loss7_quadrature` by central second differences
  (exact for a quadratic up to quadrature error);
- :func:`loss7_gauss`, :func:`hessian_quadrature`: the same by Gauss–Legendre quadrature in
  :math:`\varphi = \theta/\mu`, vectorised over many p (fast enough for sweeps over T and μ), and
  :func:`weyl_limit_bound`: :math:`\|H - c\,11^\top\|_F`, which bounds how far every eigenvalue of H is from
  those of :math:`c\,11^\top` (cT once, 0 otherwise; Weyl's inequality);
- :func:`spectrum_sweep`: eigenvalues (scipy.linalg.eigvalsh) and condition numbers against μ;
- :func:`mp_eigenvalues`: eigenvalues at high precision (mpmath), for μ where float64 cannot resolve them;
- :func:`certify_positive_definite`: a rigorous certificate by Cholesky in interval arithmetic (mpmath.iv);
- :func:`witness_not_positive_definite`: a rigorous certificate of the opposite: an exactly representable vector
  v with :math:`v^\top Hv < 0` in interval arithmetic.

The interval and mpmath routines take an optional ``entry(ctx, k, mu)`` (the off-diagonal entry for
k = t' - t != 0, diagonal 1), so that they can be run on other matrices (negative controls).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.integrate
import scipy.linalg

from .errors import require


def _check(T: int, mu: float) -> None:
    require(int(T) == T and T >= 1, f"T = {T} is out of range: it must be an integer >= 1")
    require(mu >= 1, f"mu = {mu} is out of range: mu must be >= 1")


def printed_matrix(T: int, mu: float, factor: float = 1.0) -> np.ndarray:
    r"""``factor`` times the matrix printed in Proposition 7 (factor 2 gives the actual Hessian, see prop7).

    >>> printed_matrix(2, 8.0).round(4).tolist()
    [[1.0, 0.6366], [0.6366, 1.0]]
    """
    _check(T, mu)
    k = np.arange(T)[None, :] - np.arange(T)[:, None]           # (T, T): t' - t
    x = 4.0 * np.pi * k / mu
    with np.errstate(invalid="ignore", divide="ignore"):
        H = np.where(k == 0, 1.0, np.sin(x) / np.where(k == 0, 1.0, x))
    return factor * H


def loss7_quadrature(p: np.ndarray, mu: float) -> float:
    r""":math:`l(p) = \frac{1}{2\pi}\int_0^{2\pi}|\sum_t p_t e^{i(2t-T)\theta/\mu} - e^{iT\theta/\mu}|^2 d\theta` by scipy quad."""
    p = np.asarray(p, dtype=np.float64)
    T = p.shape[0]
    _check(T, mu)
    e = 2 * np.arange(1, T + 1) - T

    def integrand(theta: float) -> float:
        f = np.sum(p * np.exp(1j * e * theta / mu)) - np.exp(1j * T * theta / mu)
        return float(abs(f) ** 2)

    val, _ = scipy.integrate.quad(integrand, 0.0, 2 * np.pi, epsabs=1e-13, epsrel=1e-13, limit=200)
    return val / (2 * np.pi)


def hessian_by_differences(T: int, mu: float, h: float = 0.5) -> np.ndarray:
    r"""Hessian of (7) by central second differences of :func:`loss7_quadrature` around p = 0.

    For a quadratic the differences are exact; the error is the quadrature error over :math:`4h^2`.
    """
    _check(T, mu)
    H = np.empty((T, T))
    E = np.eye(T)
    for i in range(T):
        for j in range(i, T):
            v = (loss7_quadrature(h * (E[i] + E[j]), mu) - loss7_quadrature(h * (E[i] - E[j]), mu)
                 - loss7_quadrature(h * (-E[i] + E[j]), mu) + loss7_quadrature(-h * (E[i] + E[j]), mu))
            H[i, j] = H[j, i] = v / (4 * h * h)
    return H


@dataclass
class SpectrumSweep:
    """Eigenvalues (descending) of ``factor`` x printed matrix for each μ, and the condition numbers."""

    T: int
    factor: float
    mus: list[float]
    eigenvalues: np.ndarray            # (len(mus), T), descending
    condition: np.ndarray              # (len(mus),): sigma_1 / sigma_T (float64; unreliable past 1/eps)
    float64_reliable: list[bool] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"T": self.T, "factor": self.factor, "mus": list(self.mus),
                "sigma_1": self.eigenvalues[:, 0].tolist(),
                "sigma_2": self.eigenvalues[:, 1].tolist() if self.T > 1 else [],
                "sigma_T": self.eigenvalues[:, -1].tolist(), "condition": self.condition.tolist(),
                "float64_reliable": self.float64_reliable}


def spectrum_sweep(T: int, mus, factor: float = 1.0) -> SpectrumSweep:
    """Eigenvalues by scipy.linalg.eigvalsh over a μ grid. A condition number is flagged unreliable when
    sigma_T is below 100 * T * eps * sigma_1 (float64 cannot resolve it)."""
    mus = [float(m) for m in mus]
    ev = np.array([scipy.linalg.eigvalsh(printed_matrix(T, m, factor))[::-1] for m in mus])  # (M, T)
    eps = np.finfo(np.float64).eps
    reliable = [bool(e[-1] > 100 * T * eps * e[0]) for e in ev]
    with np.errstate(divide="ignore"):
        cond = np.where(ev[:, -1] > 0, ev[:, 0] / np.where(ev[:, -1] > 0, ev[:, -1], 1.0), np.inf)
    return SpectrumSweep(T=T, factor=factor, mus=mus, eigenvalues=ev, condition=cond, float64_reliable=reliable)


def gauss_nodes(T: int, mu: float, nodes: int | None = None):
    """Gauss–Legendre nodes and weights on [0, 2π/μ] for the integrand of (7), whose frequencies in φ are at most
    2T: ``nodes`` defaults to 8T + 48, far more than the ~Tα/π + 10 that make the rule exact to rounding."""
    n = 8 * T + 48 if nodes is None else nodes
    x, w = np.polynomial.legendre.leggauss(n)
    alpha = 2 * np.pi / mu
    return alpha * (x + 1) / 2, w / 2                                   # (n,), (n,): weights sum to 1


def loss7_gauss(P: np.ndarray, mu: float, nodes: int | None = None) -> np.ndarray:
    r""":math:`l(p)` of (7) for every row p of ``P`` (B, T): :math:`\frac1\alpha\int_0^\alpha|\sum_t p_t
    e^{i(2t-T)\varphi} - e^{iT\varphi}|^2 d\varphi`, α = 2π/μ, by Gauss–Legendre quadrature (exact to rounding).

    >>> float(loss7_gauss(np.array([[0.0, 1.0]]), 3.0)[0]) < 1e-28      # p* = delta_{t=T}
    True
    """
    P = np.atleast_2d(np.asarray(P, dtype=np.float64))
    T = P.shape[1]
    _check(T, mu)
    phi, w = gauss_nodes(T, mu, nodes)
    e = 2 * np.arange(1, T + 1) - T                                    # (T,)
    X = np.exp(1j * e[:, None] * phi[None, :])                         # (T, n)
    y = np.exp(1j * T * phi)                                           # (n,)
    f = P @ X - y[None, :]                                             # (B, n)
    return (np.abs(f) ** 2) @ w                                        # (B,)


def hessian_quadrature(T: int, mu: float, h: float = 0.5, nodes: int | None = None) -> np.ndarray:
    r"""The Hessian of l in (7) by second differences of :func:`loss7_gauss` (never the printed formula):
    :math:`\partial_{ij} l = [l(h(e_i+e_j)) - l(h(e_i-e_j)) - l(h(e_j-e_i)) + l(-h(e_i+e_j))]/(4h^2)`, exact for
    a quadratic up to rounding.

    >>> hessian_quadrature(2, 8.0).round(6).tolist()
    [[2.0, 1.27324], [1.27324, 2.0]]
    """
    _check(T, mu)
    E = np.eye(T)
    i, j = np.triu_indices(T)
    plus = h * (E[i] + E[j])                                           # (m, T)
    minus = h * (E[i] - E[j])                                          # (m, T)
    vals = loss7_gauss(np.concatenate([plus, minus, -minus, -plus]), mu, nodes).reshape(4, -1)
    H = np.empty((T, T))
    H[i, j] = (vals[0] - vals[1] - vals[2] + vals[3]) / (4 * h * h)
    H[j, i] = H[i, j]
    return H


def weyl_limit_bound(H: np.ndarray, c: float) -> float:
    r""":math:`\|H - c\,11^\top\|_F`: every eigenvalue of the symmetric H is within this of the corresponding
    eigenvalue of :math:`c\,11^\top` (cT, then 0 repeated; Weyl's inequality, :math:`\|\cdot\|_2 \le \|\cdot\|_F`).

    >>> weyl_limit_bound(np.ones((3, 3)), 1.0)
    0.0
    """
    H = np.asarray(H, dtype=np.float64)
    return float(np.linalg.norm(H - c * np.ones_like(H)))


def printed_entry_mp(ctx, k: int, mu):
    """The printed off-diagonal entry μ sin(4kπ/μ) / (4kπ) in the arithmetic of ``ctx`` (mpmath.mp or mpmath.iv)."""
    x = 4 * k * ctx.pi / ctx.mpf(mu)
    return ctx.sin(x) / x


def _mp_matrix(T: int, mu, ctx, entry=None):
    entry = printed_entry_mp if entry is None else entry
    M = ctx.matrix(T, T)
    for i in range(T):
        for j in range(T):
            M[i, j] = ctx.mpf(1) if i == j else entry(ctx, j - i, mu)
    return M


def mp_eigenvalues(T: int, mu: float, dps: int = 60, entry=None) -> list[float]:
    """Eigenvalues of the printed matrix (or of the matrix with off-diagonal ``entry``), descending, computed by
    mpmath at ``dps`` digits, as floats."""
    import mpmath

    _check(T, mu)
    with mpmath.workdps(dps):
        ev = mpmath.eigsy(_mp_matrix(T, mu, mpmath.mp, entry), eigvals_only=True)
        vals = sorted((float(v) for v in ev), reverse=True)
    return vals


@dataclass
class PDCertificate:
    """Result of :func:`certify_positive_definite`: the lower bound of every squared Cholesky pivot."""

    T: int
    mu: float
    prec_bits: int
    certified: bool
    min_pivot_lower: float          # min over j of the lower end of the interval of L_jj^2 (as float)
    log10_min_pivot: float
    log10_eigenvalue_lower_bound: float = float("-inf")   # rigorous: sigma_min >= 1 / ||L^{-1}||_F^2

    def to_json(self) -> dict:
        return {"T": self.T, "mu": self.mu, "prec_bits": self.prec_bits, "certified": self.certified,
                "min_pivot_lower": self.min_pivot_lower, "log10_min_pivot": self.log10_min_pivot,
                "log10_eigenvalue_lower_bound": self.log10_eigenvalue_lower_bound}


def certify_positive_definite(T: int, mu: float, prec_bits: int = 600, entry=None) -> PDCertificate:
    r"""Cholesky factorisation of the printed matrix in interval arithmetic (mpmath.iv at ``prec_bits``).

    Every squared pivot :math:`L_{jj}^2 = H_{jj} - \sum_{k<j} L_{jk}^2` is an interval that contains the exact
    value; if every lower end is > 0 the exact matrix is positive definite (a rigorous certificate), and the
    interval inverse of L gives a rigorous lower bound of the smallest eigenvalue. If an
    interval contains 0 the certificate fails (``certified=False``): more precision is needed, or the
    matrix is not positive definite.

    >>> certify_positive_definite(3, 10.0, 200).certified
    True
    """
    import mpmath
    from mpmath import iv

    _check(T, mu)
    old = iv.prec
    iv.prec = prec_bits
    try:
        A = _mp_matrix(T, mpmath.mpf(mu), iv, entry)
        L = [[iv.mpf(0) for _ in range(T)] for _ in range(T)]
        pivots = []
        ok = True
        for j in range(T):
            s = A[j, j] - sum((L[j][k] ** 2 for k in range(j)), iv.mpf(0))
            pivots.append(s)
            if not s.a > 0:
                ok = False
                break
            L[j][j] = iv.sqrt(s)
            for i in range(j + 1, T):
                L[i][j] = (A[i, j] - sum((L[i][k] * L[j][k] for k in range(j)), iv.mpf(0))) / L[j][j]
        low = min(pv.a for pv in pivots)
        low_mp = mpmath.mpf(low)
        log10 = float(mpmath.log10(low_mp)) if low_mp > 0 else float("-inf")
        eig_low = float("-inf")
        if ok:
            # interval inverse of L by forward substitution; sigma_min(H) = 1/||L^-1||_2^2 >= 1/||L^-1||_F^2
            fro = iv.mpf(0)
            for c in range(T):
                x = [iv.mpf(0)] * T
                for i in range(c, T):
                    rhs = iv.mpf(1 if i == c else 0) - sum((L[i][k] * x[k] for k in range(c, i)), iv.mpf(0))
                    x[i] = rhs / L[i][i]
                    fro += x[i] ** 2
            eig_low = float(mpmath.log10(1 / mpmath.mpf(fro.b)))
        return PDCertificate(T=T, mu=float(mu), prec_bits=prec_bits, certified=ok,
                             min_pivot_lower=float(low_mp), log10_min_pivot=log10,
                             log10_eigenvalue_lower_bound=eig_low)
    finally:
        iv.prec = old


@dataclass
class NotPDWitness:
    """Result of :func:`witness_not_positive_definite`: a vector v (exact binary floats) and an interval that
    contains :math:`v^\top H v` exactly; ``certified`` when its upper end is < 0 (H is not positive definite)."""

    T: int
    mu: float
    prec_bits: int
    certified: bool
    quadratic_form_upper: float
    quadratic_form_lower: float
    vector: list[float]

    def to_json(self) -> dict:
        return {"T": self.T, "mu": self.mu, "prec_bits": self.prec_bits, "certified": self.certified,
                "quadratic_form_upper": self.quadratic_form_upper,
                "quadratic_form_lower": self.quadratic_form_lower}


def witness_not_positive_definite(T: int, mu: float, prec_bits: int = 300, entry=None) -> NotPDWitness:
    r"""Look for a certificate that the matrix is *not* positive definite: v = the eigenvector of its smallest
    eigenvalue (mpmath at ~prec_bits/3.3 digits), rounded to float64 (so v is an exact rational), and
    :math:`v^\top Hv` evaluated in interval arithmetic (mpmath.iv at ``prec_bits``). ``certified`` iff the whole
    interval is < 0.

    >>> bad = lambda ctx, k, mu: 2 * printed_entry_mp(ctx, k, mu)      # off-diagonal doubled: not PD for large mu
    >>> witness_not_positive_definite(4, 100.0, 200, entry=bad).certified
    True
    >>> witness_not_positive_definite(4, 100.0, 200).certified        # the printed matrix is PD
    False
    """
    import mpmath
    from mpmath import iv

    _check(T, mu)
    with mpmath.workdps(max(30, prec_bits // 3)):
        E, Q = mpmath.eigsy(_mp_matrix(T, mu, mpmath.mp, entry))
        k = min(range(T), key=lambda i: E[i])
        v = [float(Q[i, k]) for i in range(T)]
    old = iv.prec
    iv.prec = prec_bits
    try:
        A = _mp_matrix(T, mpmath.mpf(mu), iv, entry)
        q = iv.mpf(0)
        for i in range(T):
            for j in range(T):
                q += iv.mpf(v[i]) * A[i, j] * iv.mpf(v[j])
        upper, lower = float(mpmath.mpf(q.b)), float(mpmath.mpf(q.a))
        return NotPDWitness(T=T, mu=float(mu), prec_bits=prec_bits, certified=bool(q.b < 0),
                            quadratic_form_upper=upper, quadratic_form_lower=lower, vector=v)
    finally:
        iv.prec = old
