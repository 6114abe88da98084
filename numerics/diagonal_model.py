r"""Exact numeric and Monte Carlo evaluation of the output of model (6) under Assumption 3 (Lemma 2).

Lemma 2 (Sander et al., §5) writes the output of the diagonal multi-head model (6) on
:math:`e_{1:T} = (1_d, \lambda, \dots, \lambda^{T-1})` as

.. math:: \mathcal{T}_\theta(e_{1:T}) = \sum_{t=1}^T p_t\, [\mathbf{C}\lambda^{t-T+1}] \odot \lambda^{t-1},
          \qquad \mathbf{C} = \mathbf{B}^\top\mathbf{A},\ p = P_{T-1},

and the loss (3) compares it with :math:`s_{T+1} = \lambda^T`. Component i of the residual is the Laurent
polynomial :math:`\sum_{t,j} p_t C_{ij} \lambda_j^{t-T+1}\lambda_i^{t-1} - \lambda_i^T`.

:func:`population_loss_and_gradient` gives loss (3) summed over T and its exact gradient in (A, B, P) from the
closed forms (float64 NumPy, batched over parameter sets): the training loop of Figure 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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


@dataclass(frozen=True)
class LossAndGradient:
    """Loss (3) at (A, B, P) and its gradients (same shapes as A, B, P; zero on the entries of P never read).

    With a leading batch axis (several parameter sets at once) ``loss`` is an array of shape (N,).
    """

    loss: float | np.ndarray
    grad_A: np.ndarray
    grad_B: np.ndarray
    grad_P: np.ndarray


def population_loss_and_gradient(A: np.ndarray, B: np.ndarray, P: np.ndarray,
                                 context: str = "unitary") -> LossAndGradient:
    r"""Loss (3), :math:`\sum_{T=2}^{T_{\max}} l(\mathbf{B}^\top\mathbf{A}, P_{T-1})`, and its exact gradient.

    The closed forms are those of :func:`closed_form_loss` (corrected Proposition 4 for :math:`\mathcal{C}_U`; the
    suite's formula for :math:`\mathcal{C}_O`), summed over the rows :math:`P_{T-1}` (columns :math:`t \le T`)
    for T = 2..T_max; ``A`` and ``B`` are (H, d) (row h is :math:`a_h`, :math:`b_h`, Assumption 3) and
    :math:`\mathbf{C} = \mathbf{B}^\top\mathbf{A}`, so that :math:`\nabla_A = \mathbf{B}G` and
    :math:`\nabla_B = \mathbf{A}G^\top` with :math:`G = \nabla_{\mathbf{C}}\ell`. Inputs may carry a leading
    batch axis, (N, H, d), (N, H, d), (N, T_max, T_max): N parameter sets are evaluated at once. Float64 NumPy,
    no autograd: a training step of Figure 3 costs tens of microseconds.

    >>> rng = np.random.default_rng(0)
    >>> A, B, P = rng.standard_normal((2, 2)), rng.standard_normal((2, 2)), rng.standard_normal((4, 4))
    >>> lg = population_loss_and_gradient(A, B, P)
    >>> bool(np.isclose(lg.loss, sum(closed_form_loss(B.T @ A, P[T - 2, :T]) for T in range(2, 5))))
    True
    >>> batch = population_loss_and_gradient(A[None], B[None], P[None])
    >>> bool(np.isclose(batch.loss[0], lg.loss)), batch.grad_P.shape
    (True, (1, 4, 4))
    """
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    P = np.asarray(P, dtype=np.float64)
    single = A.ndim == 2
    if single and A.shape == B.shape and P.ndim == 2 and P.shape[0] == P.shape[1] and P.shape[0] >= 2:
        if context == "unitary" or (context == "orthogonal" and A.shape[1] % 2 == 0):
            return _loss_and_gradient_one(A, B, P, context)
    if single:      # every valid single parameter set took the fast path above: this one fails a check below
        A, B, P = A[None], B[None], P[None]
    require(A.ndim == 3 and A.shape == B.shape, f"A {A.shape} and B {B.shape} must both be (H, d) or (N, H, d)")
    require(P.ndim == 3 and P.shape[0] == A.shape[0] and P.shape[1] == P.shape[2] and P.shape[1] >= 2,
            f"P has shape {P.shape}: it must be (T_max, T_max) with T_max >= 2 (with the batch axis of A)")
    d = A.shape[2]
    T_max = P.shape[1]
    C = np.einsum("nhi,nhj->nij", B, A)                                    # (N, d, d): C = B^T A
    R = T_max - 1                                                          # rows T-1 = 1..T_max-1 (r = T-2)
    r = np.arange(R)
    read = np.arange(T_max)[None, :] <= r[:, None] + 1                     # (R, T_max): t <= T
    Pm = np.where(read, P[:, :R], 0.0)                                     # (N, R, T_max)
    a = Pm[:, r, r]                                                        # (N, R): p_{T-1}
    b = Pm[:, r, r + 1]                                                    # (N, R): p_T
    norm2 = np.sum(Pm ** 2, axis=2)                                        # (N, R)
    others = norm2 - a ** 2                                                # (N, R): sum over t != T-1 of p_t^2
    rows = C.sum(axis=2)                                                   # (N, d): C 1
    eye = np.eye(d)
    if context == "unitary":
        F = np.sum(C ** 2, axis=(1, 2))                                    # (N,)
        S = np.sum(rows ** 2, axis=1)                                      # (N,)
        tr = np.trace(C, axis1=1, axis2=2)                                 # (N,)
        loss = np.sum(others * F[:, None] + a ** 2 * S[:, None] - 2 * b * tr[:, None] + d, axis=1)
        gC = (2 * others.sum(1)[:, None, None] * C + 2 * (a ** 2).sum(1)[:, None, None] * rows[:, :, None]
              - 2 * b.sum(1)[:, None, None] * eye)
        gPm = 2 * F[:, None, None] * Pm                                    # d/dp_t of others * F
        gPm[:, r, r] = 2 * a * S[:, None]
        gPm[:, r, r + 1] -= 2 * tr[:, None]
    else:
        require(context == "orthogonal", f"unknown context {context!r}: valid contexts are unitary, orthogonal")
        require(d % 2 == 0, f"d = {d} is odd: orthogonal contexts need an even d = 2*delta")
        i = np.arange(d)
        partner = i ^ 1
        block = (i[:, None] // 2) == (i[None, :] // 2)                     # (d, d): the 2x2 diagonal blocks
        m = C[:, i, partner]                                               # (N, d): C_{i, ibar}
        diag = C[:, i, i]                                                  # (N, d)
        off = np.where(block, 0.0, C)                                      # (N, d, d)
        outside = np.sum(off ** 2, axis=(1, 2))                            # (N,)
        q = Pm.sum(axis=2) - a                                             # (N, R): sum over t != T-1
        head = others - b ** 2                                             # (N, R): sum over t <= T-2 of p_t^2
        u = a[:, :, None] * rows[:, None, :] + q[:, :, None] * m[:, None, :]   # (N, R, d)
        v = b[:, :, None] * diag[:, None, :] - 1                           # (N, R, d)
        D2 = np.sum(diag ** 2, axis=1)                                     # (N,)
        loss = (np.sum(u ** 2, axis=(1, 2)) + np.sum(v ** 2, axis=(1, 2)) + head.sum(1) * D2
                + others.sum(1) * outside)
        gu = 2 * u                                                         # (N, R, d)
        gC = np.repeat(np.einsum("nrd,nr->nd", gu, a)[:, :, None], d, axis=2)   # d u_i / d C_ij = a
        gC[:, i, partner] += np.einsum("nrd,nr->nd", gu, q)                # + q on j = ibar
        gC[:, i, i] += np.einsum("nrd,nr->nd", 2 * v, b) + 2 * head.sum(1)[:, None] * diag
        gC += 2 * others.sum(1)[:, None, None] * off
        gq = np.einsum("nrd,nd->nr", gu, m)                                # (N, R): d loss / d q
        gPm = gq[:, :, None] + 2 * Pm * (D2 + outside)[:, None, None]      # t <= T-2 (q, head, others)
        gPm[:, r, r] = np.einsum("nrd,nd->nr", gu, rows)                   # p_{T-1}
        gPm[:, r, r + 1] = gq + np.einsum("nrd,nd->nr", 2 * v, diag) + 2 * b * outside[:, None]
    gP = np.zeros_like(P)
    gP[:, :R] = np.where(read, gPm, 0.0)
    gA = np.einsum("nhi,nij->nhj", B, gC)                                  # (N, H, d): B G
    gB = np.einsum("nhj,nij->nhi", A, gC)                                  # (N, H, d): A G^T
    return LossAndGradient(loss, gA, gB, gP)


@lru_cache(maxsize=32)
def _indices(d: int, T_max: int):
    """Index arrays shared by every evaluation of :func:`_loss_and_gradient_one` for sizes (d, T_max)."""
    R = T_max - 1
    r = np.arange(R)
    read = (np.arange(T_max)[None, :] <= r[:, None] + 1).astype(np.float64)   # (R, T_max)
    i = np.arange(d)
    block = ((i[:, None] // 2) == (i[None, :] // 2)).astype(np.float64)        # (d, d)
    return r, read, i, i ^ 1, 1.0 - block, np.eye(d)


def _loss_and_gradient_one(A: np.ndarray, B: np.ndarray, P: np.ndarray, context: str) -> LossAndGradient:
    """:func:`population_loss_and_gradient` for one parameter set, with as few NumPy calls as possible (the
    inner loop of the L-BFGS polish of Figure 3); tests check that it equals the batched path."""
    d, T_max = A.shape[1], P.shape[0]
    r, read, i, partner, outside_mask, eye = _indices(d, T_max)
    C = B.T @ A                                                            # (d, d)
    Pm = P[:-1] * read                                                     # (R, T_max)
    a = Pm[r, r]                                                           # (R,): p_{T-1}
    b = Pm[r, r + 1]                                                       # (R,): p_T
    Pm2 = Pm * Pm
    others = Pm2.sum(axis=1) - a * a                                       # (R,)
    rows = C.sum(axis=1)                                                   # (d,)
    if context == "unitary":
        F = float(np.vdot(C, C))
        S = float(rows @ rows)
        tr = float(np.trace(C))
        sa2 = float(a @ a)
        loss = float(others.sum() * F + sa2 * S - 2 * b.sum() * tr + d * (T_max - 1))
        gC = (2 * others.sum()) * C
        gC += (2 * sa2) * rows[:, None]
        gC -= (2 * b.sum()) * eye
        gPm = (2 * F) * Pm
        gPm[r, r] = (2 * S) * a
        gPm[r, r + 1] -= 2 * tr
    else:
        m = C[i, partner]                                                  # (d,)
        diag = C[i, i]                                                     # (d,)
        off = C * outside_mask
        outside = float(np.vdot(off, off))
        q = Pm.sum(axis=1) - a                                             # (R,)
        head = others - b * b                                              # (R,)
        u = np.outer(a, rows) + np.outer(q, m)                             # (R, d)
        v = np.outer(b, diag) - 1.0                                        # (R, d)
        D2 = float(diag @ diag)
        so = float(others.sum())
        sh = float(head.sum())
        loss = float(np.vdot(u, u) + np.vdot(v, v) + sh * D2 + so * outside)
        gu = 2 * u
        gC = np.outer(a @ gu, np.ones(d))                                  # d u_i / d C_ij = a
        gC[i, partner] += q @ gu
        gC[i, i] += 2 * (b @ v) + (2 * sh) * diag
        gC += (2 * so) * off
        gq = gu @ m                                                        # (R,)
        gPm = gq[:, None] + (2 * (D2 + outside)) * Pm
        gPm[r, r] = gu @ rows
        gPm[r, r + 1] = gq + 2 * (v @ diag) + (2 * outside) * b
        gPm *= read
    gP = np.zeros_like(P)
    gP[:-1] = gPm
    return LossAndGradient(loss, B @ gC, A @ gC.T, gP)
