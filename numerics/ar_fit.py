r"""Fitting first-order AR processes to short sequences by least squares (Sander et al., loss (5), §6 Figure 4).

For one window :math:`s_{1:T}` (rows of an array ``(T, d)``) loss (5) is

.. math:: L(W, s_{1:T}) = \frac12 \sum_{t=1}^{T-1} \|s_{t+1} - W s_t\|^2 ,

minimised over all :math:`W \in \mathbb{R}^{d\times d}` "by solving a linear system". With
:math:`X = (s_1,\dots,s_{T-1})` and :math:`Y = (s_2,\dots,s_T)` as rows, the minimum-norm minimiser is
:math:`W^\top = X^+ Y` and

.. math:: \min_W L = \tfrac12\,\|(I - XX^+)\,Y\|_F^2 ,

where :math:`I - XX^+` projects onto the linear dependencies :math:`\{c : \sum_t c_t s_t = 0\}` of
:math:`s_1..s_{T-1}`. Hence (**characterisation**, :func:`predicted_min_loss`): the minimum is positive iff
some dependency :math:`\sum_t c_t s_t = 0` has :math:`\sum_t c_t s_{t+1} \neq 0`. When the vectors of the
*distinct* tokens among :math:`s_1..s_{T-1}` are linearly independent (assumption (A), generic for
embeddings with d ≥ T), the dependencies are exactly the equalities between tokens, and

.. math:: \min_W L = \tfrac12 \sum_{v} \sum_{t:\, s_t = v,\ t\le T-1} \|s_{t+1} - \bar s^{+}_v\|^2 ,
          \qquad \bar s^{+}_v = \text{mean of the successors of } v ,

which is positive iff a token occurring among :math:`s_1..s_{T-1}` is followed by two different tokens
(:func:`inconsistent_windows`). Differing *predecessors* never make it positive (W need not be injective).

Figure 4 plots not (5) but the mean squared error of a free-running rollout
:math:`\hat s_1 = s_1,\ \hat s_{k+1} = W\hat s_k` of the fitted W (the authors' validation_token_encoding.py,
functions fit_ar and generate): :func:`rollout_mse`. It is zero iff (5) is zero (by induction on k), so both
have the same zero set; their positive values differ.

:func:`equality_patterns` and :func:`expected_inconsistent_fraction` give, for windows drawn from a random
permutation of a pool of tokens (the shuffled data set) or i.i.d. from a unigram law, the exact probability
that a window is inconsistent, from the token counts alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .errors import require


# ----------------------------------------------------------------------------------------------------
# least squares, loss (5) and the rollout
# ----------------------------------------------------------------------------------------------------
def _windows(S) -> np.ndarray:
    S = np.asarray(S)
    if S.ndim == 2:
        S = S[None]
    require(S.ndim == 3 and S.shape[1] >= 2, f"windows must have shape (n, T, d) with T >= 2, not {S.shape}")
    return S


def _pinv_parts(X: np.ndarray, rcond: float | None):
    """Batched thin SVD of X (n, T-1, d) with a rank cut: U (n, T-1, k), 1/s (n, k) masked, Vh (n, k, d)."""
    U, s, Vh = np.linalg.svd(X, full_matrices=False)                       # (n, m, k), (n, k), (n, k, d)
    if rcond is None:
        rcond = max(X.shape[1], X.shape[2]) * np.finfo(X.dtype).eps
    keep = s > rcond * s[:, :1]
    inv = np.where(keep, 1.0 / np.where(keep, s, 1.0), 0.0)                # (n, k)
    return U, inv, Vh, keep


def min_inner_loss(S, rcond: float | None = None) -> np.ndarray:
    r"""Minimum over W of loss (5) for each window of ``S`` (n, T, d) (or one window (T, d)): (n,).

    Computed as :math:`\tfrac12\|(I - XX^+)Y\|_F^2` (thin SVD of X, singular values below ``rcond`` times the
    largest treated as zero; default ``max(T-1, d)·eps``, as LAPACK's least squares).

    >>> a, b, c = np.eye(3)
    >>> min_inner_loss(np.array([a, b, c])).round(12).tolist()        # distinct tokens: exact fit
    [0.0]
    >>> min_inner_loss(np.array([a, b, a, c])).round(12).tolist()     # a is followed by b and by c
    [0.5]
    """
    S = _windows(S)
    X, Y = S[:, :-1], S[:, 1:]                                             # (n, T-1, d) each
    U, _, _, keep = _pinv_parts(X, rcond)
    Ur = U * keep[:, None, :]                                              # (n, T-1, k): range of X
    proj = np.einsum("nmk,nlk->nml", Ur, Ur.conj())                        # (n, T-1, T-1): X X^+
    R = Y - np.einsum("nml,nld->nmd", proj, Y)                             # (n, T-1, d)
    return 0.5 * np.sum(np.abs(R) ** 2, axis=(1, 2))


def min_norm_fit(s) -> np.ndarray:
    r"""The minimum-norm minimiser W (d, d) of loss (5) for one window ``s`` (T, d): :math:`W = Y^\top (X^+)^\top`.

    >>> a, b, c = np.eye(3)
    >>> W = min_norm_fit(np.array([a, b, c]))
    >>> bool(np.allclose(W @ a, b) and np.allclose(W @ b, c))
    True
    """
    s = np.asarray(s)
    require(s.ndim == 2 and s.shape[0] >= 2, f"a window must have shape (T, d), not {s.shape}")
    return s[1:].T @ np.linalg.pinv(s[:-1]).T


def rollout(S, rcond: float | None = None) -> np.ndarray:
    r"""Free-running rollout of the minimum-norm fit of each window: :math:`\hat s_1 = s_1`,
    :math:`\hat s_{k+1} = W\hat s_k`, k = 1..T-1, with :math:`W = Y^\top (X^+)^\top`: (n, T, d).

    Computed without forming W: :math:`W\hat s = Y^\top c` with :math:`c = (X^+)^\top \hat s = U\Sigma^{-1}V^\top\hat s`.
    """
    S = _windows(S)
    X, Y = S[:, :-1], S[:, 1:]
    U, inv, Vh, _ = _pinv_parts(X, rcond)
    n, T, d = S.shape
    out = np.empty_like(S)
    out[:, 0] = S[:, 0]
    for k in range(1, T):
        v = np.einsum("nkd,nd->nk", Vh, out[:, k - 1])                     # (n, k): V^T s_hat
        c = np.einsum("nmk,nk->nm", U, inv * v)                            # (n, T-1): (X^+)^T s_hat
        out[:, k] = np.einsum("nmd,nm->nd", Y, c)                          # (n, d): Y^T c
    return out


def rollout_mse(S, rcond: float | None = None) -> np.ndarray:
    """Mean over the T·d entries of the squared rollout error, per window (Figure 4's MSE): (n,)."""
    S = _windows(S)
    return np.mean(np.abs(rollout(S, rcond) - S) ** 2, axis=(1, 2))


@dataclass(frozen=True)
class AuthorsFit:
    """Figure 4's MSE per window computed as the authors do, with the rank ``torch.linalg.lstsq`` reported."""

    mse: np.ndarray
    rank: np.ndarray


def authors_fit(S) -> AuthorsFit:
    r"""Figure 4's MSE computed as the authors do: per window, ``torch.linalg.lstsq`` of :math:`X\,\tilde W = Y` in
    the dtype of ``S`` (float32 there; default driver and rcond), :math:`W = \tilde W^\top`, a rollout with
    ``torch.matmul`` from :math:`s_1`, and the mean of the squared error over the T·d entries (written here from
    the description of their validation_token_encoding.py, functions fit_ar, generate and plot_hist). The rank
    the solver reports is kept: in float32 it is occasionally below the true rank of a well-conditioned X (a
    rank misreport turns an exact fit into an error of order 1e-3).

    Slow (one d×d solve per window): meant for samples and for the full profile.
    """
    import torch

    S = _windows(S)
    t = torch.as_tensor(S)
    mse = np.empty(S.shape[0])
    rank = np.empty(S.shape[0], dtype=int)
    for i in range(S.shape[0]):
        seq = t[i]                                                         # (T, d)
        res = torch.linalg.lstsq(seq[:-1], seq[1:])
        W = res.solution.T                                                 # (d, d)
        approx = [seq[0]]
        for _ in range(1, seq.shape[0]):
            approx.append(torch.matmul(W, approx[-1].unsqueeze(-1)).squeeze(-1))
        mse[i] = float(((torch.stack(approx) - seq) ** 2).mean())
        rank[i] = int(res.rank) if res.rank is not None and res.rank.numel() else -1
    return AuthorsFit(mse, rank)


def authors_rollout_mse(S) -> np.ndarray:
    """The MSE of :func:`authors_fit`, per window: (n,)."""
    return authors_fit(S).mse


# ----------------------------------------------------------------------------------------------------
# the characterisation on token ids
# ----------------------------------------------------------------------------------------------------
def inconsistent_windows(ids) -> np.ndarray:
    """Whether each window of token ids (n, T) has a token among positions 1..T-1 followed by two different
    tokens (the characterisation of a positive minimum of (5) under assumption (A)): (n,) bool.

    >>> inconsistent_windows([[1, 2, 1, 3, 4], [1, 2, 4, 3, 2], [1, 2, 1, 2, 1]]).tolist()
    [True, False, False]
    """
    ids = np.asarray(ids)
    if ids.ndim == 1:
        ids = ids[None]
    n, T = ids.shape
    bad = np.zeros(n, dtype=bool)
    for t in range(T - 1):
        for u in range(t + 1, T - 1):
            bad |= (ids[:, t] == ids[:, u]) & (ids[:, t + 1] != ids[:, u + 1])
    return bad


def predecessor_conflicts(ids) -> np.ndarray:
    """Whether each window (n, T) has a token among positions 2..T preceded by two different tokens: (n,) bool.

    >>> predecessor_conflicts([[1, 2, 4, 3, 2], [1, 2, 1, 3, 4]]).tolist()
    [True, False]
    """
    ids = np.asarray(ids)
    if ids.ndim == 1:
        ids = ids[None]
    n, T = ids.shape
    bad = np.zeros(n, dtype=bool)
    for t in range(1, T):
        for u in range(t + 1, T):
            bad |= (ids[:, t] == ids[:, u]) & (ids[:, t - 1] != ids[:, u - 1])
    return bad


def predicted_min_loss(ids, vectors) -> np.ndarray:
    r"""The characterisation's value of :math:`\min_W L`: half the within-group scatter of the successors,
    grouping positions 1..T-1 by token id. ``ids`` (n, T), ``vectors`` (n, T, d) the tokens' vectors: (n,).

    Equal to :func:`min_inner_loss` whenever the distinct tokens of each window are linearly independent.

    >>> a, b, c = np.eye(3)
    >>> predicted_min_loss([[0, 1, 0, 2]], np.array([[a, b, a, c]])).tolist()
    [0.5]
    """
    ids = np.asarray(ids)
    V = np.asarray(vectors)
    if ids.ndim == 1:
        ids, V = ids[None], V[None]
    n, T = ids.shape
    out = np.zeros(n)
    for i in range(n):
        groups: dict = {}
        for t in range(T - 1):
            groups.setdefault(ids[i, t], []).append(V[i, t + 1])
        for succ in groups.values():
            if len(succ) > 1:
                arr = np.asarray(succ)
                out[i] += 0.5 * float(np.sum(np.abs(arr - arr.mean(axis=0)) ** 2))
    return out


def distinct_rank_deficient(ids, vectors, tol: float = 1e-9) -> np.ndarray:
    """Whether assumption (A) fails in each window: the distinct tokens among positions 1..T-1 are linearly
    dependent (numerical rank below their number, relative tolerance ``tol``): (n,) bool."""
    ids = np.asarray(ids)
    V = np.asarray(vectors)
    if ids.ndim == 1:
        ids, V = ids[None], V[None]
    out = np.zeros(ids.shape[0], dtype=bool)
    for i in range(ids.shape[0]):
        _, first = np.unique(ids[i, :-1], return_index=True)
        M = V[i, np.sort(first)]
        s = np.linalg.svd(M, compute_uv=False)
        out[i] = bool(np.sum(s > tol * s[0]) < len(first))
    return out


# ----------------------------------------------------------------------------------------------------
# equality patterns and exact probabilities under shuffling
# ----------------------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def equality_patterns(T: int) -> tuple[tuple[int, ...], ...]:
    """Every equality pattern of a window of length T (set partitions of the positions, as restricted growth
    strings: position t gets the label of its block, labels in order of first appearance).

    >>> len(equality_patterns(5)), equality_patterns(2)
    (52, ((0, 0), (0, 1)))
    """
    require(int(T) == T and T >= 1, f"T = {T} is out of range: it must be an integer >= 1")
    out = [(0,)]
    for _ in range(T - 1):
        out = [p + (k,) for p in out for k in range(max(p) + 2)]
    return tuple(out)


def pattern_is_inconsistent(pattern) -> bool:
    """Whether a window with this equality pattern has a positive minimum of (5) under (A).

    >>> pattern_is_inconsistent((0, 1, 0, 2, 3)), pattern_is_inconsistent((0, 1, 2, 3, 1))
    (True, False)
    """
    return bool(inconsistent_windows(np.asarray(pattern)[None])[0])


def _set_partitions(m: int):
    for p in equality_patterns(m) if m else ((),):
        blocks: dict = {}
        for i, lab in enumerate(p):
            blocks.setdefault(lab, []).append(i)
        yield list(blocks.values())


def _distinct_sum(factors: list[np.ndarray]) -> float:
    r""":math:`\sum_{v_1..v_m \text{ distinct}} \prod_i f_i(v_i)` by Möbius inversion on the partition lattice."""
    m = len(factors)
    total = 0.0
    for tau in _set_partitions(m):
        term = 1.0
        for block in tau:
            prod = np.ones_like(factors[0])
            for i in block:
                prod = prod * factors[i]
            term *= float(np.sum(prod))
        mu = 1
        for block in tau:
            mu *= (-1) ** (len(block) - 1) * math.factorial(len(block) - 1)
        total += mu * term
    return total


@dataclass(frozen=True)
class PatternLaw:
    """Exact probabilities of the equality patterns of a window under a sampling scheme.

    ``probabilities`` maps each pattern (:func:`equality_patterns`) to its probability; ``inconsistent``
    is the total probability of the patterns with a positive minimum of (5) (under (A)).
    """

    T: int
    sampling: str
    probabilities: dict
    inconsistent: float

    def to_json(self) -> dict:
        return {"T": self.T, "sampling": self.sampling, "inconsistent_probability": self.inconsistent,
                "total_probability": float(sum(self.probabilities.values()))}


def pattern_law(counts, T: int, sampling: str = "permutation") -> PatternLaw:
    r"""Probabilities of the equality patterns of a window of T tokens.

    ``sampling="permutation"``: a window of a uniformly random permutation of a pool with ``counts[v]`` copies
    of token v (the shuffled data set; sampling without replacement); ``"iid"``: T independent draws with
    probabilities ``counts / counts.sum()`` (for instance uniform over a vocabulary).

    >>> law = pattern_law([1, 1, 1, 1, 1], 5)            # five distinct tokens: every window is a permutation
    >>> round(law.probabilities[(0, 1, 2, 3, 4)], 12), law.inconsistent
    (1.0, 0.0)
    >>> round(pattern_law([1, 1], 2, "iid").inconsistent, 12)   # T = 2: never inconsistent
    0.0
    """
    require(sampling in ("permutation", "iid"), f"sampling {sampling!r} is not one of permutation, iid")
    c = np.asarray(counts, dtype=np.float64)
    c = c[c > 0]
    N = float(c.sum())
    require(N >= T or sampling == "iid", f"a pool of {N:g} tokens cannot fill a window of T = {T}")

    def factor(k: int) -> np.ndarray:
        if sampling == "iid":
            return (c / N) ** k
        out = np.ones_like(c)
        for j in range(k):
            out = out * np.maximum(c - j, 0.0)
        return out

    norm = 1.0
    if sampling == "permutation":
        for j in range(T):
            norm *= N - j
    probs, bad = {}, 0.0
    for p in equality_patterns(T):
        sizes = np.bincount(np.asarray(p))
        value = _distinct_sum([factor(int(k)) for k in sizes]) / norm
        probs[p] = value
        if pattern_is_inconsistent(p):
            bad += value
    return PatternLaw(T, sampling, probs, bad)


def expected_inconsistent_fraction(counts, T: int = 5, sampling: str = "permutation") -> float:
    """The probability that a window is inconsistent (:func:`pattern_law`), i.e. the expected fraction of
    windows with a positive minimum of (5).

    >>> round(expected_inconsistent_fraction(np.ones(50257), 5, "iid") * 10_000, 2)   # uniform GPT-2 tokens
    1.19
    """
    return pattern_law(counts, T, sampling).inconsistent


# ----------------------------------------------------------------------------------------------------
# shuffling
# ----------------------------------------------------------------------------------------------------
SHUFFLES = ("tokens", "within-windows", "windows")


def shuffle_windows(ids, rng: np.random.Generator, scheme: str = "tokens") -> np.ndarray:
    """A shuffled copy of windows ``ids`` (n, T, ...) (token ids or token vectors).

    ``"tokens"``: one permutation of the n·T tokens ("shuffling across the first two dimensions", §6);
    ``"within-windows"``: each window's T tokens permuted (the windows' token multisets kept);
    ``"windows"``: the order of the windows permuted (every window kept intact).

    >>> x = np.arange(10).reshape(5, 2)
    >>> sorted(shuffle_windows(x, np.random.default_rng(0)).ravel().tolist()) == list(range(10))
    True
    """
    require(scheme in SHUFFLES, f"shuffle scheme {scheme!r} is not one of {SHUFFLES}")
    a = np.asarray(ids)
    n, T = a.shape[:2]
    if scheme == "tokens":
        flat = a.reshape((n * T,) + a.shape[2:])
        return flat[rng.permutation(n * T)].reshape(a.shape)
    if scheme == "windows":
        return a[rng.permutation(n)]
    order = np.argsort(rng.random((n, T)), axis=1)                         # (n, T): a permutation per window
    return np.take_along_axis(a, order.reshape((n, T) + (1,) * (a.ndim - 2)), axis=1)
