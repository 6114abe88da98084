r"""Definition 1 (in-context autoregressive learning, Sander et al. §3) as a measurable procedure.

**The printed definition cannot tell a model that learns W in context from one that does not.** For any
predictor :math:`f` of the prefix and :math:`s_\tau \ne 0`, :math:`\Gamma(e) = f(e)\,s_\tau^*/\|s_\tau\|^2` is a
function of the prefix with :math:`\Gamma(e)s_\tau = f(e)` (:func:`printed_gamma`), so every model "can be
decomposed" as required; and when the prefix determines W, the completion

.. math:: \Gamma^\star(e) = W^k + (f(e) - W^k s_\tau)\,\frac{s_\tau^*}{\|s_\tau\|^2}, \qquad k = T+1-\tau,

(:func:`completion_gamma`) is the prefix function closest to :math:`W^k` among those with
:math:`\Gamma s_\tau = f`, at Frobenius distance :math:`\|f(e) - s_{T+1}\|/\|s_\tau\|`. So "Γ ≈ W^{T+1-τ}" holds
for some admissible Γ exactly when the prediction error is small: the definition's content is "the loss is
small", whatever the model computes.

**The suite's procedure** (:func:`extract_mapping`) makes Γ a measured object:

1. *no side channel*: the prediction depends on W only through the prefix (swapping the W a model is given,
   prefix fixed, must not change its output);
2. *recovered from outputs on probes*: for each context W, the model is run on the prefixes
   :math:`e(W, u)` of the AR process from several initial states u (the orbit of the training start token
   :math:`1_d` under the context group: unit-modulus entries for :math:`\mathcal{C}_U`, conjugate pairs for
   :math:`\mathcal{C}_O`, the sphere for O(d)) spanning the state space; one matrix :math:`\hat\Gamma_W` is fitted
   by least squares to :math:`f(e(W,u)) = \hat\Gamma_W s_\tau(W, u)`, and the relative residual says whether the
   model factors as "estimate, then apply to :math:`s_\tau`";
3. *on held-out W*: :math:`\hat\Gamma_W` is compared with :math:`W^{T+1-\tau}` on contexts not used in training:
   relative error, and :math:`R^2 = 1 - \sum\|\hat\Gamma_W - W^k\|^2 / \sum\|W^k - \overline{W^k}\|^2` (1 for
   an exact in-context learner, 0 for a model that ignores the context).

A model then *learns the AR process in context at shift τ* when it has no side channel, its factorisation
residual is at most a tolerance and :math:`R^2 \ge 1 - \varepsilon`; it is an *approximate* in-context learner
when it factors and :math:`0 < R^2 < 1 - \varepsilon` clearly; otherwise it does not learn in context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .errors import require

#: A model as the procedure sees it: prefixes (n, T, d) and the contexts W (n, d, d) that generated them
#: (honest in-context models ignore W) -> predictions (n, d).
Predictor = Callable[[np.ndarray, np.ndarray], np.ndarray]

PROBE_KINDS = ("unitary", "orthogonal", "sphere")


def probe_states(kind: str, d: int, count: int, rng: np.random.Generator) -> np.ndarray:
    r"""Initial states (count, d) in the orbit of :math:`1_d` under the context group: ``"unitary"`` unit-modulus
    entries, ``"orthogonal"`` conjugate pairs :math:`(z, \bar z)` with :math:`|z| = 1`, ``"sphere"`` real vectors of
    norm :math:`\sqrt d`.

    >>> u = probe_states("orthogonal", 4, 3, np.random.default_rng(0))
    >>> bool(np.allclose(u[:, 1], u[:, 0].conj()) and np.allclose(abs(u), 1))
    True
    """
    require(kind in PROBE_KINDS, f"probe kind {kind!r} is not one of {PROBE_KINDS}")
    require(count >= 1 and d >= 1, "count and d must be >= 1")
    if kind == "unitary":
        return np.exp(2j * np.pi * rng.random((count, d)))
    if kind == "orthogonal":
        require(d % 2 == 0, f"d = {d} is odd: orthogonal probes need pairs")
        z = np.exp(2j * np.pi * rng.random((count, d // 2)))
        return np.stack([z, z.conj()], axis=2).reshape(count, d)
    x = rng.standard_normal((count, d))
    return np.sqrt(d) * x / np.linalg.norm(x, axis=1, keepdims=True)


def probe_sequences(W: np.ndarray, U: np.ndarray, length: int) -> np.ndarray:
    """AR sequences :math:`s_t = W^{t-1}u` for every context and initial state: (m, K, length, d).

    >>> W = np.array([np.diag([1j, -1.0])])
    >>> probe_sequences(W, np.ones((1, 2)), 3)[0, 0].tolist()
    [[(1+0j), (1+0j)], [1j, (-1+0j)], [(-1+0j), (1+0j)]]
    """
    W = np.asarray(W)
    U = np.asarray(U)
    m, d, _ = W.shape
    dtype = np.result_type(W.dtype, U.dtype)
    out = np.empty((m, U.shape[0], length, d), dtype=dtype)
    s = np.broadcast_to(U, (m,) + U.shape).astype(dtype)                        # (m, K, d)
    for t in range(length):
        out[:, :, t] = s
        s = np.einsum("mij,mkj->mki", W, s)                                       # (m, K, d)
    return out


@dataclass
class MappingReport:
    """What :func:`extract_mapping` measured (relative quantities; ``gammas`` are the fitted :math:`\\hat\\Gamma_W`)."""

    T: int
    tau: int
    factorisation_residual: float
    relative_error: float
    r2: float
    scale: float
    scaled_error: float
    prediction_mse: float
    side_channel: float | None
    relative_errors: list = field(default_factory=list)
    gammas: np.ndarray | None = None

    def learns(self, residual_tol: float, error_tol: float, side_tol: float = 1e-9) -> bool:
        """No side channel, factorisation residual <= ``residual_tol`` and R² >= 1 - ``error_tol``."""
        side_ok = self.side_channel is None or self.side_channel <= side_tol
        return bool(side_ok and self.factorisation_residual <= residual_tol and self.r2 >= 1 - error_tol)

    def classify(self, residual_tol: float, error_tol: float, none_below: float = 0.1, side_tol: float = 1e-9) -> str:
        """``"learns"``, ``"approximate"`` (factors, R² in [none_below, 1 - error_tol)), ``"side-channel"`` or
        ``"no"``."""
        if self.side_channel is not None and self.side_channel > side_tol:
            return "side-channel"
        if self.learns(residual_tol, error_tol, side_tol):
            return "learns"
        if self.factorisation_residual <= max(residual_tol, 0.1) and self.r2 >= none_below:
            return "approximate"
        return "no"

    def to_json(self) -> dict:
        return {"T": self.T, "tau": self.tau, "factorisation_residual": self.factorisation_residual,
                "relative_error_median": self.relative_error, "r2": self.r2, "scale": self.scale,
                "scaled_error_median": self.scaled_error, "prediction_mse": self.prediction_mse,
                "side_channel": self.side_channel}


def extract_mapping(predict: Predictor, W: np.ndarray, U: np.ndarray, T: int, tau: int,
                    side_channel: bool = True) -> MappingReport:
    r"""The in-context mapping of ``predict`` at shift ``tau`` on contexts ``W`` (m, d, d) with probe initial
    states ``U`` (K, d), K >= d, prefixes of length T (see the module docstring).

    >>> rng = np.random.default_rng(0)
    >>> lam = np.exp(2j * np.pi * rng.random((6, 2)))
    >>> W = np.einsum("ni,ij->nij", lam, np.eye(2))
    >>> exact = lambda e, W_: np.einsum("nij,nj->ni", W_, e[:, -1])     # W s_T (given W: a side channel)
    >>> rep = extract_mapping(exact, W, probe_states("unitary", 2, 4, rng), T=3, tau=3)
    >>> round(rep.r2, 12), rep.side_channel > 0.1
    (1.0, True)
    """
    W = np.asarray(W)
    U = np.asarray(U)
    m, d, _ = W.shape
    K = U.shape[0]
    require(K >= d, f"{K} probe states cannot identify a {d}x{d} mapping: need K >= d")
    require(1 <= tau <= T, f"tau = {tau} is out of range 1..T = {T}")
    seqs = probe_sequences(W, U, T + 1)                                          # (m, K, T+1, d)
    prefix = seqs[:, :, :T].reshape(m * K, T, d)
    Wrep = np.repeat(W, K, axis=0)                                               # (m K, d, d)
    pred = np.asarray(predict(prefix, Wrep)).reshape(m, K, d)
    target = seqs[:, :, T]                                                       # (m, K, d): s_{T+1}
    s_tau = seqs[:, :, tau - 1]                                                  # (m, K, d)
    k = T + 1 - tau
    Wk = np.stack([np.linalg.matrix_power(w, k) for w in W])                     # (m, d, d)
    gammas = np.empty((m, d, d), dtype=np.result_type(pred.dtype, s_tau.dtype))
    resid, errs, scales, scaled = [], [], [], []
    for j in range(m):
        G_t, *_ = np.linalg.lstsq(s_tau[j], pred[j], rcond=None)                 # (d, d): pred ≈ s_tau G^T
        gammas[j] = G_t.T
        fit = s_tau[j] @ G_t
        resid.append(float(np.linalg.norm(fit - pred[j]) / max(np.linalg.norm(pred[j]), 1e-300)))
        ref = np.linalg.norm(Wk[j])
        errs.append(float(np.linalg.norm(gammas[j] - Wk[j]) / ref))
        kappa = np.vdot(Wk[j], gammas[j]).real / ref ** 2
        scales.append(float(kappa))
        scaled.append(float(np.linalg.norm(gammas[j] - kappa * Wk[j]) / ref))
    centred = Wk - Wk.mean(axis=0)
    denom = float(np.sum(np.abs(centred) ** 2)) or float(np.sum(np.abs(Wk) ** 2))
    r2 = 1.0 - float(np.sum(np.abs(gammas - Wk) ** 2)) / denom
    side = None
    if side_channel and m > 1:
        swapped = np.repeat(np.roll(W, 1, axis=0), K, axis=0)
        other = np.asarray(predict(prefix, swapped)).reshape(m, K, d)
        side = float(np.linalg.norm(other - pred) / max(np.linalg.norm(pred), 1e-300))
    mse = float(np.mean(np.abs(pred - target) ** 2))
    return MappingReport(T, tau, max(resid), float(np.median(errs)), r2, float(np.median(scales)),
                         float(np.median(scaled)), mse, side, errs, gammas)


# ---------------------------------------------------------------------------------------------------------
# the printed definition's Γ
# ---------------------------------------------------------------------------------------------------------
def printed_gamma(pred: np.ndarray, s_tau: np.ndarray) -> np.ndarray:
    r"""The prefix function :math:`\Gamma(e) = f(e)s_\tau^*/\|s_\tau\|^2` (n, d, d): :math:`\Gamma s_\tau = f` for
    any predictor, so Definition 1's two steps accept every model.

    >>> G = printed_gamma(np.array([[2.0, 3.0]]), np.array([[1.0, 0.0]]))
    >>> (G[0] @ np.array([1.0, 0.0])).tolist()
    [2.0, 3.0]
    """
    pred = np.asarray(pred)
    s = np.asarray(s_tau)
    return np.einsum("ni,nj->nij", pred, s.conj()) / np.sum(np.abs(s) ** 2, axis=1)[:, None, None]


def completion_gamma(pred: np.ndarray, s_tau: np.ndarray, Wk: np.ndarray) -> np.ndarray:
    r""":math:`\Gamma^\star = W^k + (f - W^k s_\tau)s_\tau^*/\|s_\tau\|^2` (n, d, d): the matrix closest to
    :math:`W^k` (Frobenius) with :math:`\Gamma s_\tau = f`; a prefix function whenever the prefix determines W.

    >>> G = completion_gamma(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]), np.eye(2)[None])
    >>> G[0].tolist()
    [[0.0, 0.0], [1.0, 1.0]]
    """
    Wk = np.asarray(Wk)
    correction = np.asarray(pred) - np.einsum("nij,nj->ni", Wk, s_tau)
    return Wk + printed_gamma(correction, s_tau)


def context_from_prefix(prefix: np.ndarray) -> np.ndarray:
    r"""W recovered from a prefix of a commuting (diagonal) AR process: :math:`W = \mathrm{diag}(s_2 / s_1)`
    (n, d, d); the prefix determines W when T >= 2 and :math:`s_1` has no zero entry.

    >>> context_from_prefix(np.array([[[1.0, 2.0], [3.0, 4.0]]]))[0].tolist()
    [[3.0, 0.0], [0.0, 2.0]]
    """
    prefix = np.asarray(prefix)
    require(prefix.shape[1] >= 2, "the prefix must have T >= 2 tokens to determine W")
    ratio = prefix[:, 1] / prefix[:, 0]
    return np.einsum("ni,ij->nij", ratio, np.eye(prefix.shape[2]))
