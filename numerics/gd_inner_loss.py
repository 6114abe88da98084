r"""Gradient descent on the inner loss (5) of Sander et al. (ICML 2024), in batch (§4, §6 and Figure 5).

.. math:: L(W, e_{1:T}) = \frac12\sum_{t=1}^{T-1}\|s_{t+1} - W s_t\|^2, \qquad
          \nabla L(W) = W S_T - Y_T,\ S_T = \sum_{t=1}^{T-1} s_t s_t^*,\ Y_T = \sum_{t=1}^{T-1} s_{t+1} s_t^*.

``first=0`` adds the pair :math:`(s_0, s_1)` (the convention :math:`s_0 = W^{-1}s_1`). The prediction of
k steps from :math:`W_0 = 0` for the prefix :math:`s_{1:T}` is :math:`W_k s_T`, compared with
:math:`s_{T+1}` for every T = 2..T_max (the same prefixes as loss (3)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import require


def gradient_statistics(seqs: np.ndarray, s0: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""Cumulative :math:`S_T, Y_T` for every prefix: arrays (n, T_len, d, d), index T-1 for prefix T.

    ``seqs`` (n, T_len, d) holds :math:`s_1..s_{T_{len}}`; with ``s0`` (n, d) the pair (s_0, s_1) is included.

    >>> S, Y = gradient_statistics(np.array([[[1.0], [2.0], [4.0]]]))
    >>> S[0, :, 0, 0].tolist(), Y[0, :, 0, 0].tolist()
    ([0.0, 1.0, 5.0], [0.0, 2.0, 10.0])
    """
    require(seqs.ndim == 3, f"seqs has shape {seqs.shape}: expected (n, T, d)")
    n, T, d = seqs.shape
    x = seqs[:, :-1]  # (n, T-1, d): s_t, t = 1..T-1
    y = seqs[:, 1:]  # (n, T-1, d): s_{t+1}
    ss = np.einsum("nti,ntj->ntij", x, x.conj())  # (n, T-1, d, d)
    ys = np.einsum("nti,ntj->ntij", y, x.conj())  # (n, T-1, d, d)
    S = np.zeros((n, T, d, d), dtype=seqs.dtype)
    Y = np.zeros((n, T, d, d), dtype=seqs.dtype)
    S[:, 1:] = np.cumsum(ss, axis=1)
    Y[:, 1:] = np.cumsum(ys, axis=1)
    if s0 is not None:
        S += np.einsum("ni,nj->nij", s0, s0.conj())[:, None]
        Y += np.einsum("ni,nj->nij", seqs[:, 0], s0.conj())[:, None]
    return S, Y


def gd_iterates(S: np.ndarray, Y: np.ndarray, steps: int, eta: float, W0: np.ndarray | None = None) -> np.ndarray:
    r""":math:`W_{k+1} = W_k - \eta(W_k S - Y)` for ``steps`` steps, batched over leading axes.

    >>> S = np.array([[[1.0]]]); Y = np.array([[[2.0]]])
    >>> float(gd_iterates(S, Y, 1, 0.5)[0, 0, 0])
    1.0
    """
    require(int(steps) == steps and steps >= 0, f"steps = {steps} is out of range: it must be an integer >= 0")
    W = np.zeros_like(Y) if W0 is None else np.broadcast_to(W0, Y.shape).astype(Y.dtype)
    for _ in range(int(steps)):
        W = W - eta * (W @ S - Y)
    return W


def gd_prediction_errors(seqs: np.ndarray, steps: int, eta: float, t_min: int = 2) -> np.ndarray:
    r"""Squared errors :math:`\|W_k s_T - s_{T+1}\|^2`, (n, T_len - t_min), for T = t_min..T_len-1.

    ``seqs`` (n, T_len, d) holds :math:`s_1..s_{T_{len}}` (so T_max = T_len - 1); GD runs on (5) for each prefix.
    """
    S, Y = gradient_statistics(seqs)
    W = gd_iterates(S[:, t_min - 1:-1], Y[:, t_min - 1:-1], steps, eta)  # (n, m, d, d)
    pred = np.einsum("ntij,ntj->nti", W, seqs[:, t_min - 1:-1])  # (n, m, d): W s_T
    return (np.abs(pred - seqs[:, t_min:]) ** 2).sum(-1)


@dataclass(frozen=True)
class GDResult:
    """k GD steps on (5) with the best step size: ``eta``, ``mse`` (mean over T and sequences), grid searched."""

    steps: int
    eta: float
    mse: float
    grid: list

    def to_json(self) -> dict:
        return {"steps": self.steps, "eta": self.eta, "mse": self.mse}


def best_step_size(seqs: np.ndarray, steps: int, etas: np.ndarray | None = None, refine: int = 30,
                   test_seqs: np.ndarray | None = None, t_min: int = 2) -> GDResult:
    r"""k steps of GD on (5) with the step size minimising the mean prediction MSE on ``seqs``.

    A log grid of step sizes, then a golden-section refinement in log η around the best grid point; the MSE
    reported is on ``test_seqs`` when given (step size tuned on ``seqs``). The MSE is the mean over the prefixes
    T = ``t_min``..T_max (``t_min = T_max``: the last prefix only).
    """
    require(steps >= 1, f"steps = {steps} is out of range: it must be >= 1")
    require(2 <= t_min < seqs.shape[1], f"t_min = {t_min} is out of range: it must lie in 2..{seqs.shape[1] - 1}")
    etas = np.geomspace(1e-4, 1.0, 41) if etas is None else np.asarray(etas)

    def mse(eta: float) -> float:
        with np.errstate(all="ignore"):
            v = float(gd_prediction_errors(seqs, steps, eta, t_min).mean())
        return v if np.isfinite(v) else np.inf

    vals = [mse(e) for e in etas]
    i = int(np.argmin(vals))
    lo, hi = np.log(etas[max(i - 1, 0)]), np.log(etas[min(i + 1, len(etas) - 1)])
    g = (np.sqrt(5) - 1) / 2
    x1, x2 = hi - g * (hi - lo), lo + g * (hi - lo)
    f1, f2 = mse(np.exp(x1)), mse(np.exp(x2))
    for _ in range(refine):
        if f1 < f2:
            hi, x2, f2 = x2, x1, f1
            x1 = hi - g * (hi - lo)
            f1 = mse(np.exp(x1))
        else:
            lo, x1, f1 = x1, x2, f2
            x2 = lo + g * (hi - lo)
            f2 = mse(np.exp(x2))
    best = float(np.exp(x1 if f1 < f2 else x2))
    if min(f1, f2) > vals[i]:
        best = float(etas[i])
    final = test_seqs if test_seqs is not None else seqs
    return GDResult(steps=steps, eta=best, mse=float(gd_prediction_errors(final, steps, best, t_min).mean()),
                    grid=[float(e) for e in etas])


def per_prefix_best_errors(seqs: np.ndarray, steps: int, etas: np.ndarray | None = None, t_min: int = 2) -> np.ndarray:
    r"""Mean squared error per prefix T with the step size tuned *separately for each T* (log grid).

    The most favourable reading of "a step size carefully chosen"; returns (T_len - t_min,) errors.
    """
    etas = np.geomspace(1e-4, 1.0, 81) if etas is None else np.asarray(etas)
    best = np.full(seqs.shape[1] - t_min, np.inf)
    for eta in etas:
        with np.errstate(all="ignore"):
            e = gd_prediction_errors(seqs, steps, float(eta), t_min).mean(0)
        e[~np.isfinite(e)] = np.inf
        best = np.minimum(best, e)
    return best


def least_squares_errors(seqs: np.ndarray, t_min: int = 2) -> np.ndarray:
    r"""Errors of the limit of GD from 0 (min-norm least squares :math:`W = Y_T S_T^+`), (n, T_len - t_min).

    A lower bound for every GD run from :math:`W_0 = 0` only in the limit; reported as GD's floor.
    """
    S, Y = gradient_statistics(seqs)
    W = np.einsum("ntij,ntjk->ntik", Y[:, t_min - 1:-1], np.linalg.pinv(S[:, t_min - 1:-1], hermitian=True))
    pred = np.einsum("ntij,ntj->nti", W, seqs[:, t_min - 1:-1])
    return (np.abs(pred - seqs[:, t_min:]) ** 2).sum(-1)
