r"""Positional-encoding-only attention (Sander et al., §5.3 and §6 "Change in the context distribution", Figure 6).

With :math:`\mathbf{B}^\top\mathbf{A} = I_d` fixed, model (6) reduces (Lemma 2, d = 1) to

.. math:: \mathcal{T}_P(e_{1:T}) = \sum_{t=1}^T P_{T-1,t}\,\lambda^{2t-T}, \qquad e_{1:T} = (1, \lambda, \dots, \lambda^{T-1}),

trained to predict :math:`s_{T+1} = \lambda^T` with :math:`\lambda\sim\mathcal{W}(\mu)` (§5.3). The empirical loss of
§6 is the counterpart of (7) averaged over :math:`T\in\{2,\dots,T_{\max}\}`:

.. math:: L(P) = \frac{1}{T_{\max}-1}\sum_{T=2}^{T_{\max}}\frac{1}{n}\sum_{k=1}^n
          |\sum_{t\le T} P_{T-1,t}\lambda_k^{2t-T} - \lambda_k^T|^2 .

:class:`PositionalOnly` is the PyTorch model (forward and loss). :func:`train_gd` is full-batch gradient descent
from :math:`P = 0` with early stopping at ``loss < loss_threshold`` (§6). Because L is quadratic in P, the
trainer runs on its sufficient statistics :math:`G_T = \mathrm{Re}(X_T^*X_T)/n`, :math:`b_T = \mathrm{Re}(X_T^*y_T)/n`
(:func:`sufficient_statistics`): the same loss and the same gradient as the PyTorch model (tested), at a cost
independent of n per step. Because |λ| = 1, :math:`G_T[t, t'] = \mathrm{Re}\,\overline{\lambda^{2t-T}}\lambda^{2t'-T}`
averaged is :math:`m_{|t'-t|}` and :math:`b_T[t] = m_{T-t}`, with the empirical moments
:math:`m_k = \mathrm{Re}\,\frac1n\sum\lambda^{2k}` (:func:`empirical_moments`): the statistics are Toeplitz and
cost O(n T_max) to build.

Gradient descent on a quadratic is linear, so the early-stopped iterate has a closed form
(:func:`gd_iterate`, :func:`early_stopped_gd`): with :math:`G_T = V\,\mathrm{diag}(g)V^\top` and
:math:`\eta = 2\,\mathrm{lr}/(T_{\max}-1)` (the gradient of the averaged loss),
:math:`p_k = V\,\mathrm{diag}\big((1 - (1-\eta g)^k)/g\big)V^\top b_T` from :math:`p_0 = 0` — the iterates of
:func:`train_gd` in exact arithmetic (tested against it), computed without iterating. The minimum-norm solution at
a given loss is a ridge solution with a common γ (Lagrange), also in closed form in the same eigenbases
(:func:`min_norm_at_loss`).

Indices: P is stored 0-based, row i = T - 2 (the paper's row T - 1), column j = t - 1; row i uses columns 0..i+1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from ical_verify.numerics.errors import require


@dataclass
class PositionalOnlyConfig:
    """Settings of §6 "Change in the context distribution" (defaults: the paper's scale)."""

    t_max: int = 30
    mu: float = 50.0
    n_examples: int = 10_000
    loss_threshold: float = 1e-3
    max_iters: int = 200_000
    lr: float | None = None          # None: 1/L with L the largest Hessian eigenvalue of the averaged loss

    def __post_init__(self) -> None:
        require(int(self.t_max) == self.t_max and self.t_max >= 2, f"t_max = {self.t_max} is out of range: it must be >= 2")
        require(self.mu >= 1, f"mu = {self.mu} is out of range: mu must be >= 1")
        require(self.n_examples >= 1, f"n_examples = {self.n_examples} is out of range: it must be >= 1")
        require(self.loss_threshold > 0, f"loss_threshold = {self.loss_threshold} is out of range: it must be > 0")


def support_mask(t_max: int) -> np.ndarray:
    """Boolean (t_max - 1, t_max) mask of the entries P_{T-1,t}, t <= T, used by some T in 2..t_max."""
    i = np.arange(t_max - 1)[:, None]
    j = np.arange(t_max)[None, :]
    return j <= i + 1


class PositionalOnly(torch.nn.Module):
    """The PE-only model: one learnable matrix P (rows T - 1 = 1..t_max - 1 of the paper), initialised at 0."""

    def __init__(self, t_max: int):
        super().__init__()
        self.t_max = t_max
        self.P = torch.nn.Parameter(torch.zeros(t_max - 1, t_max, dtype=torch.float64))
        T = torch.arange(2, t_max + 1)                                   # (t_max - 1,)
        t = torch.arange(1, t_max + 1)                                   # (t_max,)
        self.register_buffer("exponent", 2 * t[None, :] - T[:, None])    # (t_max - 1, t_max): 2t - T
        self.register_buffer("mask", torch.as_tensor(support_mask(t_max)))
        self.register_buffer("target_exponent", T)                       # (t_max - 1,)

    def forward(self, lam: torch.Tensor) -> torch.Tensor:
        """Predictions for every T = 2..t_max: (n,) complex -> (n, t_max - 1) complex."""
        powers = lam[:, None, None] ** self.exponent[None]               # (n, t_max - 1, t_max)
        weights = (self.P * self.mask).to(powers.dtype)                  # (t_max - 1, t_max)
        return torch.einsum("it,nit->ni", weights, powers)               # (n, t_max - 1)

    def loss(self, lam: torch.Tensor) -> torch.Tensor:
        """The empirical loss L(P), averaged over examples and over T = 2..t_max."""
        target = lam[:, None] ** self.target_exponent[None]               # (n, t_max - 1)
        return (self(lam) - target).abs().pow(2).mean()


@dataclass
class SufficientStatistics:
    """Per-row quadratic form: L(P) = mean_T [p_T^T G_T p_T - 2 b_T^T p_T + c_T]."""

    G: list[np.ndarray]               # G[i]: (i + 2, i + 2)
    b: list[np.ndarray]               # b[i]: (i + 2,)
    c: list[float]                    # mean |lambda^T|^2 = 1

    @property
    def t_max(self) -> int:
        return len(self.G) + 1

    def row_losses(self, P: np.ndarray) -> np.ndarray:
        out = []
        for i, (G, b, c) in enumerate(zip(self.G, self.b, self.c)):
            p = P[i, : i + 2]
            out.append(p @ G @ p - 2 * b @ p + c)
        return np.array(out)

    def loss(self, P: np.ndarray) -> float:
        return float(self.row_losses(P).mean())

    def gradient(self, P: np.ndarray) -> np.ndarray:
        g = np.zeros_like(P)
        m = len(self.G)
        for i, (G, b) in enumerate(zip(self.G, self.b)):
            g[i, : i + 2] = 2 * (G @ P[i, : i + 2] - b) / m
        return g

    def lipschitz(self) -> float:
        """Largest Hessian eigenvalue of L (rows decouple): max_T 2 sigma_max(G_T) / (t_max - 1)."""
        return max(2 * np.linalg.eigvalsh(G)[-1] for G in self.G) / len(self.G)


def sample_contexts(cfg: PositionalOnlyConfig, rng: np.random.Generator) -> np.ndarray:
    r""":math:`\lambda_k = e^{i\theta_k/\mu}`, k = 1..n (numerics.samplers.w_mu_contexts), shape (n,)."""
    from ical_verify.numerics.samplers import w_mu_contexts

    return w_mu_contexts(cfg.mu, cfg.n_examples, rng)[:, 0]


def sufficient_statistics(lam: np.ndarray, t_max: int, method: str = "moments") -> SufficientStatistics:
    """G_T, b_T, c_T of the empirical loss from contexts ``lam`` (n,): from the empirical moments (``"moments"``,
    Toeplitz, O(n t_max)) or from the design matrices X_T directly (``"direct"``, O(n t_max^3)); equal to rounding
    for |λ| = 1.

    >>> lam = np.exp(1j * np.linspace(0, 1, 50))
    >>> a, b = sufficient_statistics(lam, 6), sufficient_statistics(lam, 6, "direct")
    >>> max(float(np.abs(x - y).max()) for x, y in zip(a.G, b.G)) < 1e-12
    True
    """
    lam = np.asarray(lam, dtype=np.complex128)
    require(method in ("moments", "direct"), f"unknown method {method!r}: valid methods are moments, direct")
    if method == "moments":
        m = empirical_moments(lam, t_max)
        c = [float(np.mean(np.abs(lam) ** (2 * T))) for T in range(2, t_max + 1)]
        return statistics_from_moments(m, t_max, c)
    n = lam.shape[0]
    # power table lambda^k, k = -t_max..t_max, by repeated multiplication (complex ** is slow)
    table = np.empty((n, 2 * t_max + 1), dtype=np.complex128)          # column k + t_max holds lambda^k
    table[:, t_max] = 1.0
    inv = 1.0 / lam
    for k in range(1, t_max + 1):
        table[:, t_max + k] = table[:, t_max + k - 1] * lam
        table[:, t_max - k] = table[:, t_max - k + 1] * inv
    Gs, bs, cs = [], [], []
    for T in range(2, t_max + 1):
        t = np.arange(1, T + 1)
        X = table[:, t_max + 2 * t - T]                                    # (n, T): lambda^(2t - T)
        y = table[:, t_max + T]                                            # (n,): lambda^T
        # einsum without BLAS: threaded complex GEMM is erratic on small shared machines
        Gs.append(np.einsum("ni,nj->ij", X.conj(), X, optimize=False).real / n)   # (T, T)
        bs.append(np.einsum("ni,n->i", X.conj(), y, optimize=False).real / n)     # (T,)
        cs.append(float(np.mean(np.abs(y) ** 2)))
    return SufficientStatistics(Gs, bs, cs)


def empirical_moments(lam: np.ndarray, t_max: int) -> np.ndarray:
    r""":math:`m_k = \mathrm{Re}\,\frac1n\sum_i \lambda_i^{2k}`, k = 0..t_max - 1: (t_max,).

    >>> empirical_moments(np.array([1.0, -1.0]), 3).tolist()
    [1.0, 1.0, 1.0]
    """
    lam2 = np.asarray(lam, dtype=np.complex128) ** 2
    powers = np.ones_like(lam2)
    out = np.empty(t_max)
    for k in range(t_max):
        out[k] = float(np.mean(powers.real))
        powers = powers * lam2
    return out


def population_moments(mu: float, t_max: int) -> np.ndarray:
    r"""The population counterpart of :func:`empirical_moments` under :math:`\mathcal{W}(\mu)`:
    :math:`\mathrm{Re}\,\mathbb{E}\lambda^{2k} = \sin(4\pi k/\mu)/(4\pi k/\mu)` (A.10; derived by
    integration and checked in Proposition 7's moment-by-integration).

    >>> bool(np.allclose(population_moments(2.0, 3), [1, 0, 0]))
    True
    """
    k = np.arange(t_max)
    return np.sinc(4 * k / mu)                                             # np.sinc(x) = sin(pi x) / (pi x)


def statistics_from_moments(m: np.ndarray, t_max: int, c=None) -> SufficientStatistics:
    """The Toeplitz statistics G_T[t, t'] = m_|t'-t|, b_T[t] = m_(T-t), c_T (default 1) for T = 2..t_max."""
    m = np.asarray(m, dtype=np.float64)
    require(m.shape[0] >= t_max, f"{m.shape[0]} moments given: need t_max = {t_max}")
    Gs, bs = [], []
    for T in range(2, t_max + 1):
        t = np.arange(T)
        Gs.append(m[np.abs(t[:, None] - t[None, :])])                      # (T, T)
        bs.append(m[T - 1 - t])                                            # (T,): m_{T - t}, t = 1..T
    cs = [1.0] * (t_max - 1) if c is None else [float(v) for v in c]
    return SufficientStatistics(Gs, bs, cs)


@dataclass
class SpectralRows:
    """Eigendecompositions G_T = V diag(g) V^T of every row's statistics, and beta = V^T b_T."""

    g: list[np.ndarray]
    V: list[np.ndarray]
    beta: list[np.ndarray]
    c: list[float]

    @property
    def t_max(self) -> int:
        return len(self.g) + 1

    @property
    def sigma_max(self) -> float:
        """The largest eigenvalue of any G_T."""
        return float(max(g[-1] for g in self.g))


def spectral_rows(stats: SufficientStatistics) -> SpectralRows:
    g, V, beta = [], [], []
    for G, b in zip(stats.G, stats.b):
        w, Q = np.linalg.eigh(G)
        g.append(w)
        V.append(Q)
        beta.append(Q.T @ b)
    return SpectralRows(g, V, beta, list(stats.c))


def _gd_coefficients(g: np.ndarray, beta: np.ndarray, eta: float, k: int) -> np.ndarray:
    """Coordinates of the GD iterate p_k (from 0) in the eigenbasis: beta (1 - (1 - eta g)^k) / g, stably."""
    x = eta * g
    k = int(k)
    with np.errstate(divide="ignore", invalid="ignore"):
        small = np.abs(x) < 0.5
        q_k = np.where(small, 0.0, np.power(np.where(small, 0.0, 1.0 - x), k))
        s_small = -np.expm1(k * np.log1p(-np.where(small, x, 0.0)))       # 1 - (1 - x)^k for |x| < 1/2
        one_minus = np.where(small, s_small, 1.0 - q_k)
        factor = np.where(x == 0, eta * k, eta * one_minus / np.where(x == 0, 1.0, x))
    return beta * factor


def gd_iterate(spec: SpectralRows, k: int, lr: float) -> np.ndarray:
    """P after k full-batch GD steps of size ``lr`` on the averaged loss from P = 0 (closed form)."""
    t_max = spec.t_max
    eta = 2.0 * lr / (t_max - 1)
    P = np.zeros((t_max - 1, t_max))
    for i, (g, V, beta) in enumerate(zip(spec.g, spec.V, spec.beta)):
        P[i, : i + 2] = V @ _gd_coefficients(g, beta, eta, k)
    return P


def gd_loss(spec: SpectralRows, k: int, lr: float) -> float:
    """The averaged loss L(P_k) of the closed-form iterate, from its eigen-coordinates."""
    eta = 2.0 * lr / (spec.t_max - 1)
    total = 0.0
    for g, beta, c in zip(spec.g, spec.beta, spec.c):
        a = _gd_coefficients(g, beta, eta, k)
        total += float(np.sum(g * a * a - 2 * beta * a) + c)
    return total / (spec.t_max - 1)


def early_stopped_gd(stats: SufficientStatistics, loss_threshold: float = 1e-3, lr: float | None = None,
                     max_iters: int = 100_000, spec: SpectralRows | None = None) -> TrainResult:
    """Full-batch GD from P = 0 stopped at the first k with L(P_k) < loss_threshold (§6), in closed form: the loss
    is non-increasing in k (every |1 - eta g| <= 1), so k is found by doubling and bisection on :func:`gd_loss`.

    >>> lam = np.exp(1j * np.linspace(0, 2 * np.pi / 50, 200))
    >>> stats = sufficient_statistics(lam, 5)
    >>> a, b = early_stopped_gd(stats, 1e-3), train_gd(stats, 1e-3)
    >>> a.iterations == b.iterations, bool(np.abs(a.P - b.P).max() < 1e-10)
    (True, True)
    """
    spec = spectral_rows(stats) if spec is None else spec
    lr = 1.0 / stats.lipschitz() if lr is None else lr
    eta = 2.0 * lr / (spec.t_max - 1)
    require(eta * spec.sigma_max <= 2.0, f"lr = {lr} is too large: GD diverges (eta sigma_max > 2)")
    if gd_loss(spec, 0, lr) < loss_threshold:
        k = 0
    else:
        hi = 1
        while hi < max_iters and not gd_loss(spec, hi, lr) < loss_threshold:
            hi = min(2 * hi, max_iters)
        if not gd_loss(spec, hi, lr) < loss_threshold:
            P = gd_iterate(spec, max_iters, lr)
            return TrainResult(P=P, iterations=max_iters, final_loss=stats.loss(P), stopped_early=False, lr=lr)
        lo = hi // 2                                                        # L(lo) >= threshold
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if gd_loss(spec, mid, lr) < loss_threshold:
                hi = mid
            else:
                lo = mid
        k = hi
    P = gd_iterate(spec, k, lr)
    loss = stats.loss(P)
    return TrainResult(P=P, iterations=k, final_loss=loss, stopped_early=loss < loss_threshold, lr=lr)


@dataclass
class TrainResult:
    """Outcome of :func:`train_gd`."""

    P: np.ndarray                     # (t_max - 1, t_max), zeros off the support
    iterations: int
    final_loss: float
    stopped_early: bool               # loss < threshold reached
    lr: float
    loss_history: list[float] = field(default_factory=list)


def train_gd(stats: SufficientStatistics, loss_threshold: float = 1e-3, lr: float | None = None,
             max_iters: int = 200_000, P0: np.ndarray | None = None) -> TrainResult:
    """Full-batch gradient descent on L from P0 (default 0), stopped once L < loss_threshold (§6).

    >>> lam = np.exp(1j * np.linspace(0, 2 * np.pi / 50, 200))
    >>> r = train_gd(sufficient_statistics(lam, 5), 1e-3)
    >>> r.stopped_early and r.final_loss < 1e-3
    True
    """
    t_max = stats.t_max
    P = np.zeros((t_max - 1, t_max)) if P0 is None else np.array(P0, dtype=np.float64)
    lr = 1.0 / stats.lipschitz() if lr is None else lr
    history = []
    loss = stats.loss(P)
    it = 0
    while loss >= loss_threshold and it < max_iters:
        P = P - lr * stats.gradient(P)
        it += 1
        loss = stats.loss(P)
        if it % 10 == 0 or loss < loss_threshold:
            history.append(loss)
    return TrainResult(P=P, iterations=it, final_loss=loss, stopped_early=loss < loss_threshold, lr=lr,
                       loss_history=history)


# ------------------------------------------------------------------------------------------- analysis
def toeplitz_projection(P: np.ndarray, include_superdiagonal: bool = True) -> np.ndarray:
    """Average of P along each diagonal j - i over the support (optionally without the superdiagonal)."""
    t_max = P.shape[1]
    mask = support_mask(t_max)
    i, j = np.nonzero(mask)
    off = j - i
    Q = np.zeros_like(P)
    for k in np.unique(off):
        sel = off == k
        Q[i[sel], j[sel]] = P[i[sel], j[sel]].mean()
    if not include_superdiagonal:
        Q[i[off == 1], j[off == 1]] = P[i[off == 1], j[off == 1]]
    return Q


def toeplitz_deviation(P: np.ndarray, include_superdiagonal: bool = False) -> float:
    """||P - Toeplitz projection|| / ||P|| over the support (without the superdiagonal P_{T-1,T} by default,
    that is over the 'extra coefficients' displayed in Figure 6)."""
    mask = support_mask(P.shape[1]).copy()
    if not include_superdiagonal:
        i, j = np.nonzero(mask)
        mask[i[j == i + 1], j[j == i + 1]] = False
    R = (P - toeplitz_projection(P, True))[mask]
    return float(np.linalg.norm(R) / np.linalg.norm(P[mask]))


def optimum(t_max: int) -> np.ndarray:
    r""":math:`P^*_{T-1,t} = \delta_{t=T}`: ones on the superdiagonal (zero loss, §5.3)."""
    P = np.zeros((t_max - 1, t_max))
    P[np.arange(t_max - 1), np.arange(1, t_max)] = 1.0
    return P


def ridge_solution(stats: SufficientStatistics, gamma: float, spec: SpectralRows | None = None) -> np.ndarray:
    """argmin L(P) + gamma ||P||_F^2 / (t_max - 1): row-wise (G_T + gamma I)^{-1} b_T (in the eigenbases)."""
    spec = spectral_rows(stats) if spec is None else spec
    t_max = spec.t_max
    P = np.zeros((t_max - 1, t_max))
    for i, (g, V, beta) in enumerate(zip(spec.g, spec.V, spec.beta)):
        P[i, : i + 2] = V @ (beta / (g + gamma))
    return P


def _ridge_loss(spec: SpectralRows, gamma: float) -> float:
    total = 0.0
    for g, beta, c in zip(spec.g, spec.beta, spec.c):
        a = beta / (g + gamma)
        total += float(np.sum(g * a * a - 2 * beta * a) + c)
    return total / (spec.t_max - 1)


def min_norm_at_loss(stats: SufficientStatistics, target_loss: float, tol: float = 1e-10,
                     spec: SpectralRows | None = None) -> tuple[np.ndarray, float]:
    """The minimum-Frobenius-norm P with L(P) <= target_loss (Lagrange: a ridge solution with a common gamma and
    the loss equal to target_loss; gamma found by bisection on log10 gamma, L increasing in gamma). Returns
    (P, gamma)."""
    spec = spectral_rows(stats) if spec is None else spec
    lo, hi = -30.0, 5.0
    require(_ridge_loss(spec, 10 ** hi) > target_loss,
            f"target_loss = {target_loss} is out of range: it must be below the loss at P = 0")
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if _ridge_loss(spec, 10 ** mid) > target_loss:
            hi = mid
        else:
            lo = mid
        if hi - lo < tol:
            break
    return ridge_solution(stats, 10 ** lo, spec), 10 ** lo


def shuffle_extra(P: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """P with the extra coefficients of each row (P_{T-1,t}, t < T) randomly permuted (a null without order)."""
    Q = np.array(P, dtype=np.float64, copy=True)
    for i in range(Q.shape[0]):
        Q[i, : i + 1] = rng.permutation(Q[i, : i + 1])
    return Q


def cosine_positional_encoding(n_positions: int, d_model: int = 64, base: float = 10_000.0) -> np.ndarray:
    """The absolute sinusoidal positional encoding of Vaswani et al. (2017): (n_positions, d_model)."""
    pos = np.arange(n_positions)[:, None]
    i = np.arange(d_model // 2)[None, :]
    ang = pos / base ** (2 * i / d_model)
    pe = np.zeros((n_positions, d_model))
    pe[:, 0::2] = np.sin(ang)
    pe[:, 1::2] = np.cos(ang)
    return pe
