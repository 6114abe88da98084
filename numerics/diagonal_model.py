r"""Exact numeric and Monte Carlo evaluation of the output of model (6) under Assumption 3 (Lemma 2).

Lemma 2 (Sander et al., §5) writes the output of the diagonal multi-head model (6) on
:math:`e_{1:T} = (1_d, \lambda, \dots, \lambda^{T-1})` as

.. math:: \mathcal{T}_\theta(e_{1:T}) = \sum_{t=1}^T p_t\, [\mathbf{C}\lambda^{t-T+1}] \odot \lambda^{t-1},
          \qquad \mathbf{C} = \mathbf{B}^\top\mathbf{A},\ p = P_{T-1},

and the loss (3) compares it with :math:`s_{T+1} = \lambda^T`. Component i of the residual is the Laurent
polynomial :math:`\sum_{t,j} p_t C_{ij} \lambda_j^{t-T+1}\lambda_i^{t-1} - \lambda_i^T`.
"""

from __future__ import annotations

import numpy as np

from .errors import require
from .montecarlo import DEFAULT_SIGMAS, MonteCarloResult, monte_carlo_mean
from .samplers import orthogonal_contexts, unitary_contexts
from .torus import NumericLaurent


def _validate(C: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    C = np.asarray(C, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    require(C.ndim == 2 and C.shape[0] == C.shape[1], f"C has shape {C.shape}: it must be square (d, d)")
    require(p.ndim == 1 and p.shape[0] >= 2, f"p has length {p.shape[0] if p.ndim == 1 else p.shape}: "
            "T = len(p) must be >= 2")
    return C, p


def lemma2_residual(C: np.ndarray, p: np.ndarray) -> list[NumericLaurent]:
    r"""The components :math:`f_i` of :math:`\mathcal{T}_\theta(e_{1:T}) - \lambda^T` as Laurent polynomials.

    ``p`` has length T (row :math:`P_{T-1}` restricted to :math:`t \le T`).

    >>> f = lemma2_residual(np.eye(2), np.array([0.0, 1.0]))   # the optimum of Proposition 3
    >>> [g.mean_square() for g in f]
    [0.0, 0.0]
    """
    C, p = _validate(C, p)
    d, T = C.shape[0], p.shape[0]
    t = np.arange(1, T + 1)
    out = []
    for i in range(d):
        # exponent of term (t, j): (t - T + 1) on coordinate j, plus (t - 1) on coordinate i
        K = np.zeros((T, d, d), dtype=np.int64)                    # (t, j, coordinate)
        K[:, np.arange(d), np.arange(d)] += (t - T + 1)[:, None]
        K[:, :, i] += (t - 1)[:, None]
        coeffs = (p[:, None] * C[i][None, :]).reshape(-1)          # (T*d,)
        target = np.zeros((1, d), dtype=np.int64)
        target[0, i] = T
        out.append(NumericLaurent(np.vstack([K.reshape(-1, d), target]),
                                  np.concatenate([coeffs, [-1.0]])))
    return out


def lemma2_output(C: np.ndarray, p: np.ndarray, lam: np.ndarray) -> np.ndarray:
    r"""Evaluate :math:`\sum_t p_t [\mathbf{C}\lambda^{t-T+1}] \odot \lambda^{t-1}` at a batch ``lam`` (n, d)."""
    C, p = _validate(C, p)
    lam = np.atleast_2d(lam)
    T = p.shape[0]
    t = np.arange(1, T + 1)
    left = lam[:, None, :] ** (t - T + 1)[None, :, None]            # (n, T, d): lambda^{t-T+1}
    right = lam[:, None, :] ** (t - 1)[None, :, None]               # (n, T, d): lambda^{t-1}
    mixed = np.einsum("ij,ntj->nti", C, left)                       # (n, T, d): C lambda^{t-T+1}
    return np.einsum("t,nti->ni", p, mixed * right)                 # (n, d)


def exact_loss(C: np.ndarray, p: np.ndarray, context: str = "unitary") -> float:
    r""":math:`\mathbb{E}\|\mathcal{T}_\theta(e_{1:T}) - \lambda^T\|^2` exactly, for one length T = len(p)."""
    return float(sum(f.mean_square(context) for f in lemma2_residual(C, p)))


def monte_carlo_loss(C: np.ndarray, p: np.ndarray, n: int, rng: np.random.Generator,
                     context: str = "unitary", sigmas: float = DEFAULT_SIGMAS) -> MonteCarloResult:
    r"""Monte Carlo estimate of :math:`\mathbb{E}\|\mathcal{T}_\theta(e_{1:T}) - \lambda^T\|^2`."""
    C, p = _validate(C, p)
    d, T = C.shape[0], p.shape[0]
    if context == "orthogonal":
        require(d % 2 == 0, f"d = {d} is odd: orthogonal contexts need an even d = 2*delta")
        sample = lambda r, m: orthogonal_contexts(d // 2, m, r)
    else:
        require(context == "unitary", f"unknown context {context!r}: valid contexts are unitary, orthogonal")
        sample = lambda r, m: unitary_contexts(d, m, r)

    def draw(r, m):
        lam = sample(r, m)
        res = lemma2_output(C, p, lam) - lam ** T
        return np.sum(np.abs(res) ** 2, axis=1)

    return monte_carlo_mean(draw, n, rng, sigmas=sigmas, batch=8192)


def closed_form_loss(C: np.ndarray, p: np.ndarray, context: str = "unitary") -> float:
    r"""The closed forms of :math:`\mathbb{E}\|\mathcal{T}_\theta(e_{1:T}) - \lambda^T\|^2` derived in
    ``theory.diagonal_attention`` (corrected Proposition 4 for :math:`\mathcal{C}_U`, the suite's formula for
    :math:`\mathcal{C}_O`), evaluated in floating point; ``p`` is :math:`(P_{T-1,1}, \dots, P_{T-1,T})`.

    >>> C = np.array([[1.0, 2.0], [0.5, -1.0]]); p = np.array([0.3, -0.7, 1.1])
    >>> bool(np.isclose(closed_form_loss(C, p), exact_loss(C, p)))
    True
    >>> bool(np.isclose(closed_form_loss(C, p, "orthogonal"), exact_loss(C, p, "orthogonal")))
    True
    """
    C, p = _validate(C, p)
    d = C.shape[0]
    pT, pT1 = p[-1], p[-2]
    norm2 = float(p @ p)
    rows = C.sum(axis=1)
    if context == "unitary":
        return float((norm2 - pT1 ** 2) * np.sum(C ** 2) + pT1 ** 2 * np.sum(rows ** 2)
                     - 2 * pT * np.trace(C) + d)
    require(context == "orthogonal", f"unknown context {context!r}: valid contexts are unitary, orthogonal")
    require(d % 2 == 0, f"d = {d} is odd: orthogonal contexts need an even d = 2*delta")
    partner = np.arange(d) ^ 1
    m = C[np.arange(d), partner]
    diag = np.diag(C)
    block = np.zeros((d, d), dtype=bool)
    block[np.arange(d), np.arange(d)] = True
    block[np.arange(d), partner] = True
    q = p.sum() - pT1
    head = norm2 - pT1 ** 2 - pT ** 2
    return float(np.sum((pT1 * rows + m * q) ** 2) + np.sum((pT * diag - 1) ** 2) + head * np.sum(diag ** 2)
                 + (norm2 - pT1 ** 2) * np.sum(C[~block] ** 2))


def printed_prop4_loss(C: np.ndarray, p: np.ndarray) -> float:
    r"""Proposition 4 as printed, :math:`\|p\|^2\|\mathbf{C}\|_F^2 + p_{T-1}^2 S(\mathbf{C}^\top\mathbf{C})
    - 2\mathrm{Tr}(\mathbf{C})p_T + d`, in floating point (p truncated at column T)."""
    C, p = _validate(C, p)
    return float((p @ p) * np.sum(C ** 2) + p[-2] ** 2 * np.sum(C.T @ C) - 2 * np.trace(C) * p[-1] + C.shape[0])
