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
