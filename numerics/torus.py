r"""Numeric Laurent polynomials on the torus: exact expectations without symbolic algebra.

A :class:`NumericLaurent` stores :math:`f(\lambda) = \sum_m c_m \lambda^{k_m}` as an integer array of
exponents ``K`` (terms x variables) and a complex array of coefficients ``c``. For independent uniform
phases (contexts :math:`\mathcal{C}_U`), :math:`\mathbb{E}f = c_0` and :math:`\mathbb{E}|f|^2 =
\sum_k |c_k|^2` once equal exponents are merged (Parseval; Sander et al., Appendix A.3 uses
:math:`\mathbb{E}\lambda^k = \delta_{k=0}`). For conjugate pairs (contexts :math:`\mathcal{C}_O`) the
exponents of :math:`\lambda_{2i}` are subtracted from those of :math:`\lambda_{2i-1}` first.

An independent second exact method, :func:`grid_cubature_mean`, averages over the product grid of
N-th roots of unity, which integrates every monomial of degree below N in each variable exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import require


@dataclass(frozen=True)
class NumericLaurent:
    """:math:`\\sum_m c_m \\lambda^{k_m}` with ``exponents`` (m, n) int64 and ``coefficients`` (m,) complex128.

    >>> f = NumericLaurent(np.array([[1, 0], [0, 0], [1, 0]]), np.array([1.0, 2.0, 3.0]))
    >>> f.mean().real, f.mean_square()
    (2.0, 20.0)
    """

    exponents: np.ndarray
    coefficients: np.ndarray

    def __post_init__(self):
        k = np.asarray(self.exponents, dtype=np.int64)
        c = np.asarray(self.coefficients, dtype=np.complex128)
        require(k.ndim == 2 and c.ndim == 1 and k.shape[0] == c.shape[0],
                f"exponents {k.shape} and coefficients {c.shape} do not match: expected (m, n) and (m,)")
        object.__setattr__(self, "exponents", k)
        object.__setattr__(self, "coefficients", c)

    @property
    def nvars(self) -> int:
        return self.exponents.shape[1]

    def collected(self) -> "NumericLaurent":
        """Merge terms with equal exponents (one coefficient per exponent)."""
        if self.exponents.shape[0] == 0:
            return self
        keys, inverse = np.unique(self.exponents, axis=0, return_inverse=True)
        coeffs = np.zeros(keys.shape[0], dtype=np.complex128)
        np.add.at(coeffs, inverse.ravel(), self.coefficients)
        return NumericLaurent(keys, coeffs)

    def conjugate_pairs(self) -> "NumericLaurent":
        r"""Substitute :math:`\lambda_{2i} = 1/\lambda_{2i-1}` (orthogonal contexts, d = 2δ)."""
        n = self.nvars
        require(n % 2 == 0, f"d = {n} is odd: orthogonal contexts need an even d = 2*delta")
        return NumericLaurent(self.exponents[:, 0::2] - self.exponents[:, 1::2], self.coefficients)

    def _reduced(self, context: str) -> "NumericLaurent":
        require(context in ("unitary", "orthogonal"),
                f"unknown context {context!r}: valid contexts are unitary, orthogonal")
        return self if context == "unitary" else self.conjugate_pairs()

    def mean(self, context: str = "unitary") -> complex:
        """:math:`\\mathbb{E} f`: the sum of the coefficients whose exponent vanishes."""
        f = self._reduced(context)
        zero = ~np.any(f.exponents != 0, axis=1)
        return complex(f.coefficients[zero].sum())

    def mean_square(self, context: str = "unitary") -> float:
        """:math:`\\mathbb{E}|f|^2 = \\sum_k |c_k|^2` after merging equal exponents."""
        f = self._reduced(context).collected()
        return float(np.sum(np.abs(f.coefficients) ** 2))

    def __call__(self, lam: np.ndarray, chunk: int = 4096) -> np.ndarray:
        """Evaluate at unit-modulus points ``lam`` of shape (N, n) (or (n,)); returns (N,) complex."""
        lam = np.atleast_2d(np.asarray(lam, dtype=np.complex128))
        require(lam.shape[1] == self.nvars, f"points have {lam.shape[1]} coordinates; expected {self.nvars}")
        theta = np.angle(lam)
        out = np.empty(lam.shape[0], dtype=np.complex128)
        kt = self.exponents.T.astype(np.float64)
        for s in range(0, lam.shape[0], chunk):
            phase = theta[s:s + chunk] @ kt  # (chunk, m)
            out[s:s + chunk] = np.exp(1j * phase) @ self.coefficients
        return out

    def __add__(self, other: "NumericLaurent") -> "NumericLaurent":
        return NumericLaurent(np.vstack([self.exponents, other.exponents]),
                              np.concatenate([self.coefficients, other.coefficients]))

    def __sub__(self, other: "NumericLaurent") -> "NumericLaurent":
        return self + NumericLaurent(other.exponents, -other.coefficients)

    def __mul__(self, other: "NumericLaurent") -> "NumericLaurent":
        k = (self.exponents[:, None, :] + other.exponents[None, :, :]).reshape(-1, self.nvars)
        c = (self.coefficients[:, None] * other.coefficients[None, :]).ravel()
        return NumericLaurent(k, c).collected()

    def conjugate(self) -> "NumericLaurent":
        return NumericLaurent(-self.exponents, np.conj(self.coefficients))


def mean_square_norm(components, context: str = "unitary") -> float:
    """:math:`\\mathbb{E}\\|f\\|^2` for a list of components :math:`f_i`."""
    return float(sum(f.mean_square(context) for f in components))


def grid_cubature_mean(f: NumericLaurent, points_per_axis: int | None = None) -> complex:
    r"""E f over independent uniform phases by the product rule on N-th roots of unity.

    The rule :math:`\frac{1}{N}\sum_{j<N} \omega^{jk}` equals :math:`\delta_{k \equiv 0 \bmod N}`, so it is
    exact for every monomial with :math:`|k_i| < N`; N defaults to one more than the largest |exponent|.
    Cost :math:`N^n` evaluations: for small n only.

    >>> f = NumericLaurent(np.array([[2, -1], [0, 0]]), np.array([5.0, 1.5]))
    >>> round(grid_cubature_mean(f).real, 12)
    1.5
    """
    n = f.nvars
    big = int(np.abs(f.exponents).max(initial=0))
    N = points_per_axis or big + 1
    require(N > big, f"points_per_axis = {N} is too small: it must exceed the largest |exponent| {big}")
    require(N ** n <= 5_000_000, f"grid of {N}^{n} points is too large for cubature (limit 5e6)")
    roots = np.exp(2j * np.pi * np.arange(N) / N)
    grids = np.meshgrid(*([roots] * n), indexing="ij")
    pts = np.stack([g.ravel() for g in grids], axis=1)
    return complex(f(pts).mean())


def w_mu_moment(k: np.ndarray | int, mu: float) -> np.ndarray:
    r""":math:`\mathbb{E}\lambda^k` for :math:`\lambda = e^{i\theta/\mu}`, θ uniform on (0, 2π) (§5.3, A.10).

    :math:`(e^{2\pi i k/\mu} - 1)/(2\pi i k/\mu)`, and 1 at k = 0.

    >>> np.abs(w_mu_moment(np.array([0, 1, 2]), 1.0)).round(12).tolist()   # mu = 1: the uniform circle
    [1.0, 0.0, 0.0]
    """
    require(mu >= 1, f"mu = {mu} is out of range: mu must be >= 1")
    k = np.asarray(k, dtype=np.float64)
    x = 2 * np.pi * k / mu
    safe = np.where(k == 0, 1.0, x)
    out = (np.exp(1j * safe) - 1) / (1j * safe)
    return np.where(k == 0, 1.0 + 0j, out)


def mean_square_w_mu(f: NumericLaurent, mu: float) -> float:
    r""":math:`\mathbb{E}|f|^2` for one variable :math:`\lambda \sim \mathcal{W}(\mu)`.

    The law is not uniform, so Parseval does not apply: :math:`\sum_{k,k'} c_k \bar c_{k'}
    \mathbb{E}\lambda^{k-k'}` over the merged coefficients.
    """
    require(f.nvars == 1, f"W(mu) contexts are scalar: the polynomial has {f.nvars} variables, expected 1")
    g = f.collected()
    k = g.exponents[:, 0]
    gram = w_mu_moment(k[:, None] - k[None, :], mu)  # (m, m)
    return float(np.real(g.coefficients @ gram @ np.conj(g.coefficients)))
