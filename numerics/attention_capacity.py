r"""What model (4) can represent: the best fit of its output over *all* parameters (a linear relaxation).

Model (4) (Sander et al., ICML 2024) at position T is

.. math:: \mathcal{T}_\theta(e_{1:T})_i = \sum_{m,j,k} B_{im} A_{jk} \sum_{t=1}^T e_{t,m}\,\bar e_{t,j}\, e_{T,k}
          \qquad (i \le d;\ \text{the skip term } (e_T)_{1:d} = 0),

linear in the tensor :math:`K_{imjk} = B_{im}A_{jk}`. Replacing the rank-one K by an arbitrary tensor gives a
superset of the model class, so if the best *relaxed* least-squares fit of a target map leaves a residual,
no :math:`\theta = (A, B)` reproduces the target (used for Proposition 1 with :math:`W_0 \neq 0`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import require


def model4_features(E: np.ndarray) -> np.ndarray:
    r"""Features :math:`\phi_{mjk}(T) = \sum_{t\le T} e_{t,m}\bar e_{t,j} e_{T,k}` for every prefix T.

    ``E`` (n, T, 3d) tokens; returns (n, T, (3d)^3).

    >>> E = np.ones((1, 2, 3))
    >>> model4_features(E).shape, float(model4_features(E)[0, 1, 0])
    ((1, 2, 27), 2.0)
    """
    require(E.ndim == 3, f"tokens have shape {E.shape}: expected (n, T, 3d)")
    n, T, D = E.shape
    outer = np.cumsum(np.einsum("ntm,ntj->ntmj", E, E.conj()), axis=1)  # (n, T, D, D)
    phi = np.einsum("ntmj,ntk->ntmjk", outer, E)  # (n, T, D, D, D)
    return phi.reshape(n, T, D ** 3)


@dataclass(frozen=True)
class RelaxedFit:
    """Least-squares fit of targets by the relaxed model: relative residual, rank, rows, features."""

    relative_residual: float
    rank: int
    n_rows: int
    n_features: int

    def to_json(self) -> dict:
        return {"relative_residual": self.relative_residual, "rank": self.rank, "n_rows": self.n_rows,
                "n_features": self.n_features}


def relaxed_fit(features: np.ndarray, targets: np.ndarray) -> RelaxedFit:
    r"""Best fit :math:`\min_K \|\Phi K - Y\|_F / \|Y\|_F` over all tensors K (one column per output coordinate).

    ``features`` (rows, F), ``targets`` (rows, d).

    >>> X = np.eye(3); fit = relaxed_fit(X, X[:, :1])
    >>> fit.relative_residual < 1e-12, fit.rank
    (True, 3)
    """
    require(features.shape[0] == targets.shape[0], "features and targets need the same number of rows")
    scale = np.abs(features).max(axis=0)
    scale[scale == 0] = 1.0
    Phi = features / scale
    K, _, rank, _ = np.linalg.lstsq(Phi, targets, rcond=None)
    res = np.linalg.norm(Phi @ K - targets) / np.linalg.norm(targets)
    return RelaxedFit(float(res), int(rank), int(features.shape[0]), int(features.shape[1]))


@dataclass(frozen=True)
class RankOneMinimum:
    r"""Minimum of :math:`c_0 - 2g^\top m + m^\top G m` over rank-one :math:`m = \mathrm{vec}(a b^\top)`.

    ``value`` the minimum found, ``a`` (n_a) and ``b`` (unit vector of length 2) a minimiser, ``phi`` the angle of
    b, ``grid`` the number of angles of the initial scan, ``profile_spread`` the spread of the profile over the
    scan (a flat profile means b is not identified).
    """

    value: float
    a: np.ndarray
    b: np.ndarray
    phi: float
    grid: int
    profile_spread: float

    def to_json(self) -> dict:
        return {"value": self.value, "a": self.a.tolist(), "b": self.b.tolist(), "phi": self.phi, "grid": self.grid,
                "profile_spread": self.profile_spread}


def rank_one_quadratic_minimum(G: np.ndarray, g: np.ndarray, c0: float, n_a: int = 4,
                               grid: int = 721) -> RankOneMinimum:
    r"""Global minimum over :math:`a \in \mathbb{R}^{n_a}`, :math:`b \in \mathbb{R}^2` of the quadratic
    :math:`c_0 - 2g^\top m + m^\top G m`, :math:`m_{(k,l)} = a_kb_l` (index 2k + l): the loss (3) of model (4)
    under Assumption 2 (Proposition 2) in the products :math:`a_kb_l`.

    The scale of b is absorbed by a, so b = (cos φ, sin φ), φ ∈ [0, π); for fixed φ the minimum over a is a
    linear least-squares problem (its value is the profile :math:`p(\varphi)`); p is scanned on ``grid`` angles and
    refined around the best one (bounded scalar search, tolerance 1e-12).

    >>> G = np.eye(8); g = np.zeros(8); g[4] = 1.0   # c0 - 2 m_31 + |m|^2: minimum c0 - 1 at a = e_3, b = e_1
    >>> r = rank_one_quadratic_minimum(G, g, 2.0)
    >>> round(r.value, 9), round(float(np.outer(r.a, r.b)[2, 0]), 9)
    (1.0, 1.0)
    """
    from scipy.optimize import minimize_scalar

    G = np.asarray(G, dtype=float)
    g = np.asarray(g, dtype=float)
    require(G.shape == (2 * n_a, 2 * n_a) and g.shape == (2 * n_a,), "G must be (2 n_a, 2 n_a) and g (2 n_a,)")

    def profile(phi):
        b = np.array([np.cos(phi), np.sin(phi)])
        M = np.kron(np.eye(n_a), b[:, None])  # (2 n_a, n_a): m = M a
        A, r = M.T @ G @ M, M.T @ g
        a = np.linalg.lstsq(A, r, rcond=None)[0]
        return float(c0 - r @ a), a, b

    phis = np.linspace(0.0, np.pi, grid, endpoint=False)
    values = np.array([profile(p)[0] for p in phis])
    k = int(np.argmin(values))
    step = phis[1] - phis[0]
    res = minimize_scalar(lambda p: profile(p)[0], bounds=(phis[k] - step, phis[k] + step), method="bounded",
                          options={"xatol": 1e-12})
    best = min((profile(res.x), res.x), (profile(phis[k]), phis[k]), key=lambda x: x[0][0])
    (value, a, b), phi = best
    return RankOneMinimum(value, a, b, float(phi % np.pi), grid, float(values.max() - values.min()))


@dataclass(frozen=True)
class GatedCorrectionFit:
    r"""Least-squares fit of :math:`f(\lambda)(\lambda - 1) \approx 1` on the unit circle by H gated heads.

    ``train_mse`` on the quadrature grid, ``heldout_mse`` on the shifted grid (both estimate
    :math:`\mathbb{E}_\lambda|f(\lambda)(\lambda-1) - 1|^2` for λ uniform), ``heads``, ``grid``.
    """

    heads: int
    grid: int
    train_mse: float
    heldout_mse: float

    def to_json(self) -> dict:
        return {"heads": self.heads, "grid": self.grid, "train_mse": self.train_mse, "heldout_mse": self.heldout_mse}


def gated_correction_fit(heads: int, rng: np.random.Generator, grid: int = 2048,
                         max_steepness: float = 64.0) -> GatedCorrectionFit:
    r"""Lemma 1 under zero padding, d = 1: how well H content-gated heads correct the s_0 slot (a demonstration).

    A head attending to the keys {t, 1} with logits affine in the content of :math:`s_t = \lambda^{t-1}` puts the
    weight :math:`a_h = \sigma(\kappa_h(\cos(\theta - \varphi_h) - \cos\delta_h))` on :math:`s_t`
    (:math:`\lambda = e^{i\theta}`), so H heads with complex output maps :math:`m_h` add
    :math:`f(s_t)(s_t - 1) + \text{const}` to the s_0 slot, :math:`f = \sum_h a_h m_h`; the slot is right at t = 1
    and at every t >= 2 iff :math:`f(\lambda)(\lambda - 1) = 1`. The gate parameters are drawn at random (centre
    φ uniform, half-width δ uniform on (0, π), steepness κ log-uniform on [1, ``max_steepness``]) and the
    :math:`m_h` fitted by least squares on ``grid`` equispaced angles (trapezoidal quadrature of the mean square,
    a smooth periodic integrand); the held-out error is measured on the midpoints.

    >>> r = gated_correction_fit(8, np.random.default_rng(0), grid=256)
    >>> 0 < r.heldout_mse < 0.5
    True
    """
    require(int(heads) == heads and heads >= 1, f"heads = {heads} is out of range: it must be an integer >= 1")
    require(int(grid) == grid and grid >= 8, f"grid = {grid} is out of range: it must be an integer >= 8")
    heads, grid = int(heads), int(grid)  # integral floats are accepted above; numpy sizes must be int
    phi = rng.uniform(0.0, 2 * np.pi, heads)
    delta = rng.uniform(0.0, np.pi, heads)
    kappa = np.exp(rng.uniform(0.0, np.log(max_steepness), heads))

    def features(theta):  # (grid, heads): a_h(lambda) (lambda - 1)
        gate = 1.0 / (1.0 + np.exp(-kappa * (np.cos(theta[:, None] - phi) - np.cos(delta))))
        return gate * (np.exp(1j * theta) - 1.0)[:, None]

    theta = 2 * np.pi * np.arange(grid) / grid
    F = features(theta)
    m = np.linalg.lstsq(F, np.ones(grid, dtype=complex), rcond=None)[0]
    train = float(np.mean(np.abs(F @ m - 1.0) ** 2))
    held = float(np.mean(np.abs(features(theta + np.pi / grid) @ m - 1.0) ** 2))
    return GatedCorrectionFit(int(heads), int(grid), train, held)
