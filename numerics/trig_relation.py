r"""Reading the relation a model (6) implements on a conjugate pair of C_O from its outputs (§5.2, Figure 2).

Per conjugate pair :math:`(\lambda, \bar\lambda) = (e^{i\theta}, e^{-i\theta})`, split the output of model (6) by
attention position (``theory.in_context``): divided by :math:`e_{T-1} = \lambda^{T-2}`, position T-1 contributes
a constant :math:`\kappa_I` and position T contributes :math:`\kappa_{\cos}\cos\theta\,\lambda + \kappa_{\sin}\,
i\sin\theta\,\lambda`; realified, the model applies
:math:`\kappa_I I_2 + \kappa_{\cos}\cos\theta R_\theta + \kappa_{\sin}\sin\theta R_{\theta+\pi/2}` to
:math:`s_{T-1}`. The trigonometric formula :math:`2\cos\theta R_\theta - I_2` is
:math:`(\kappa_I, \kappa_{\cos}, \kappa_{\sin}) = (-1, 2, 0)`.

- :func:`fit_block_relation`: the three coefficients by least squares from the two contributions sampled on
  a grid of angles, with the residual (zero when the model has exactly this form);
- :func:`fit_linear_map`: a real 2×2 matrix Γ with :math:`y = \Gamma x` from pairs (x, y) (the relation read in
  the realified basis), with its residual.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import require

#: The coefficients of the trigonometric formula 2 cos θ R_θ - I_2.
TRIG_FORMULA = (-1.0, 2.0, 0.0)


@dataclass(frozen=True)
class BlockRelation:
    """Coefficients (κ_I, κ_cos, κ_sin) of one pair and the relative residual of the fit."""

    kappa_I: float
    kappa_cos: float
    kappa_sin: float
    residual: float

    @property
    def kappa(self) -> tuple[float, float, float]:
        return (self.kappa_I, self.kappa_cos, self.kappa_sin)

    @property
    def beta(self) -> float:
        """β = -κ_I (at zero loss κ = (-β, 1+β, 1-β))."""
        return -self.kappa_I

    def distance_to(self, target=TRIG_FORMULA) -> float:
        """Largest absolute difference of the coefficients from ``target``."""
        return float(np.max(np.abs(np.asarray(self.kappa) - np.asarray(target))))

    def to_json(self) -> dict:
        return {"kappa_I": self.kappa_I, "kappa_cos": self.kappa_cos, "kappa_sin": self.kappa_sin,
                "residual": self.residual}


def fit_block_relation(theta, g_prev, g_last) -> BlockRelation:
    r"""Fit :math:`g_{T-1}(\theta) = \kappa_I` and :math:`g_T(\theta) = \kappa_{\cos}\cos\theta e^{i\theta} +
    \kappa_{\sin} i\sin\theta e^{i\theta}` (real κ) on angles ``theta`` (n,); ``g_prev``, ``g_last`` (n,) complex
    are the contributions of positions T-1 and T divided by :math:`e_{T-1}`.

    >>> th = np.linspace(0.1, 3.0, 7)
    >>> rel = fit_block_relation(th, -np.ones(7), 2 * np.cos(th) * np.exp(1j * th))
    >>> np.round(rel.kappa, 12).tolist(), rel.residual < 1e-12
    ([-1.0, 2.0, 0.0], True)
    """
    theta = np.asarray(theta, dtype=float)
    g_prev = np.asarray(g_prev, dtype=complex)
    g_last = np.asarray(g_last, dtype=complex)
    require(theta.shape == g_prev.shape == g_last.shape and theta.size >= 2,
            "theta, g_prev and g_last must have the same shape (n >= 2)")
    kI = float(np.mean(g_prev.real))
    a = np.cos(theta) * np.exp(1j * theta)
    b = 1j * np.sin(theta) * np.exp(1j * theta)
    M = np.concatenate([np.stack([a.real, b.real], 1), np.stack([a.imag, b.imag], 1)])     # (2n, 2)
    rhs = np.concatenate([g_last.real, g_last.imag])                                      # (2n,)
    (kc, ks), *_ = np.linalg.lstsq(M, rhs, rcond=None)
    fit_last = kc * a + ks * b
    scale = max(float(np.max(np.abs(g_prev))), float(np.max(np.abs(g_last))), 1e-300)
    resid = max(float(np.max(np.abs(g_prev - kI))), float(np.max(np.abs(g_last - fit_last)))) / scale
    return BlockRelation(kI, float(kc), float(ks), resid)


@dataclass(frozen=True)
class LinearMap:
    """A least-squares matrix Γ with y ≈ Γ x, and the relative residual."""

    matrix: np.ndarray
    residual: float


def fit_linear_map(x, y) -> LinearMap:
    """Γ minimising ‖Γ X - Y‖ for columns x_k, y_k (``x``, ``y`` of shape (m, k), m >= k).

    >>> R = np.array([[0.0, -1.0], [1.0, 0.0]])
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> lm = fit_linear_map(X, X @ R.T)
    >>> np.allclose(lm.matrix, R), lm.residual < 1e-12
    (True, True)
    """
    X = np.asarray(x, dtype=float)
    Y = np.asarray(y, dtype=float)
    require(X.ndim == 2 and X.shape == Y.shape, "x and y must have the same shape (m, k)")
    G, *_ = np.linalg.lstsq(X, Y, rcond=None)                                             # (k, k): Y ≈ X G
    resid = float(np.max(np.abs(X @ G - Y)) / max(float(np.max(np.abs(Y))), 1e-300))
    return LinearMap(G.T, resid)
