r"""Prompts of in-context linear regression, GD and linear-self-attention predictions, and Monte Carlo of the
pre-training loss and its normal equations (Mahankali, Hashimoto and Ma, 2023).

A prompt is n context pairs :math:`(x_i, y_i)` and a query :math:`(x_q, y_q)` that share one response function:
:math:`x_i, x_q \sim N(0, \Sigma)` (or Rademacher coordinates), :math:`w \sim N(0, \Sigma_w)`,
:math:`y = f_w(x) + \varepsilon`, :math:`\varepsilon \sim N(0, \sigma^2)`. Response families (the same as
:data:`ical_verify.theory.linear_regression_icl.RESPONSES`): ``linear`` :math:`w^\top x`; ``quadratic``
:math:`w^\top x + a((w^\top x)^2 - \|w\|^2)`; ``axis-quadratic`` :math:`w^\top x + a(x_1^2 - 1)`; ``drift``
:math:`w^\top x + a x_1`.

Features: the prediction of one layer of linear self-attention is a linear form in
:math:`G_{ab}x_{q,c}`, :math:`G = \frac1n\sum_i z_iz_i^\top`, :math:`z_i = (x_i, y_i)` (pairs a <= b, in the order of
``feature_pairs``). At a minimiser of the pre-training loss over the class's span every normal equation
:math:`\mathbb{E}[(\hat y - y_q)\,G_{ab}x_{q,c}] = 0` holds; :func:`normal_equation_residuals` estimates them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

from .errors import require
from .montecarlo import DEFAULT_SIGMAS, ROUNDING_FLOOR, MonteCarloResult

RESPONSE_FAMILIES = ("linear", "quadratic", "axis-quadratic", "drift")
COVARIATES = ("gaussian", "rademacher")


@dataclass(frozen=True)
class Prompts:
    """A batch of prompts: ``X`` (B, n, d), ``y`` (B, n), ``xq`` (B, d), ``yq`` (B,), ``w`` (B, d).

    ``lengths`` (B,) is the number of context pairs each prompt uses (the first ``lengths[b]``; the rest is
    padding), or None when every prompt uses all n.
    """

    X: np.ndarray
    y: np.ndarray
    xq: np.ndarray
    yq: np.ndarray
    w: np.ndarray
    lengths: np.ndarray | None = None

    @property
    def mask(self) -> np.ndarray:
        """(B, n) 1.0 for the context pairs in use, 0.0 for padding."""
        B, n = self.y.shape
        if self.lengths is None:
            return np.ones((B, n))
        return (np.arange(n)[None, :] < self.lengths[:, None]).astype(float)

    @property
    def counts(self) -> np.ndarray:
        """(B,) the number of context pairs in use."""
        return self.mask.sum(axis=1)

    def s(self, normalise: bool = True) -> np.ndarray:
        r""":math:`s = \frac1n\sum_i y_ix_i` (B, d) (without 1/n if ``normalise`` is False)."""
        m = self.mask
        S = np.einsum("bn,bn,bnd->bd", m, self.y, self.X)  # (B, d)
        return S / self.counts[:, None] if normalise else S

    def tokens(self) -> np.ndarray:
        """Z as rows: (B, n+1, d+1), context tokens (x_i, y_i) (padding zeroed) then the query (x_q, 0)."""
        B, n, d = self.X.shape
        Z = np.zeros((B, n + 1, d + 1))
        m = self.mask
        Z[:, :n, :d] = self.X * m[:, :, None]
        Z[:, :n, d] = self.y * m
        Z[:, n, :d] = self.xq
        return Z

    def __len__(self) -> int:
        return self.y.shape[0]

    def take(self, start: int, stop: int) -> "Prompts":
        """Prompts start..stop-1 (a view)."""
        cut = slice(start, stop)
        return Prompts(self.X[cut], self.y[cut], self.xq[cut], self.yq[cut], self.w[cut],
                       None if self.lengths is None else self.lengths[cut])


def _response(X: np.ndarray, w: np.ndarray, response: str, a: float) -> np.ndarray:
    """f_w(x) for X (B, m, d), w (B, d): (B, m)."""
    t = np.einsum("bmd,bd->bm", X, w)  # (B, m)
    if response == "linear":
        return t
    if response == "quadratic":
        return t + a * (t ** 2 - (w ** 2).sum(-1)[:, None])
    if response == "axis-quadratic":
        return t + a * (X[..., 0] ** 2 - 1)
    if response == "drift":
        return t + a * X[..., 0]
    raise AssertionError(response)


def sample_prompts(rng: np.random.Generator, batch: int, n: int, d: int, sigma2: float = 0.0,
                   cov: np.ndarray | None = None, weight_cov: np.ndarray | None = None,
                   response: str = "linear", a: float = 0.0, covariates: str = "gaussian",
                   lengths: tuple[int, int] | None = None) -> Prompts:
    """``batch`` independent prompts with n context pairs in dimension d (float64).

    ``cov`` and ``weight_cov`` default to the identity; ``covariates="rademacher"`` draws independent ±1
    coordinates (then ``cov`` must be None); ``lengths=(lo, hi)`` draws each prompt's length uniformly in lo..hi
    (n must be hi; the pairs beyond the length are padding).

    >>> p = sample_prompts(np.random.default_rng(0), 5, 3, 2, sigma2=0.0)
    >>> p.X.shape, p.yq.shape, bool(np.allclose(p.y, np.einsum("bnd,bd->bn", p.X, p.w)))
    ((5, 3, 2), (5,), True)
    """
    require(int(batch) == batch and batch >= 1, f"batch = {batch} is out of range: it must be an integer >= 1")
    require(int(n) == n and n >= 1, f"n = {n} is out of range: it must be an integer >= 1")
    require(int(d) == d and d >= 1, f"d = {d} is out of range: it must be an integer >= 1")
    batch, n, d = int(batch), int(n), int(d)  # whole-number floats are accepted, as the checks above allow
    require(sigma2 >= 0, f"sigma2 = {sigma2} is out of range: it must be >= 0")
    require(response in RESPONSE_FAMILIES, f"response {response!r} is not one of {RESPONSE_FAMILIES}")
    require(covariates in COVARIATES, f"covariates {covariates!r} is not one of {COVARIATES}")
    if covariates == "gaussian":
        X = rng.standard_normal((batch, n + 1, d))  # (B, n+1, d)
        if cov is not None:  # (identity covariance: no product, which would be exact but costs a batched matmul)
            X = X @ np.linalg.cholesky(np.asarray(cov, float)).T  # (B, n+1, d)
    else:
        require(cov is None, "Rademacher covariates have identity covariance: cov must be None")
        X = rng.choice([-1.0, 1.0], size=(batch, n + 1, d))  # (B, n+1, d)
    w = rng.standard_normal((batch, d))  # (B, d)
    if weight_cov is not None:
        w = w @ np.linalg.cholesky(np.asarray(weight_cov, float)).T  # (B, d)
    y = _response(X, w, response, a) + np.sqrt(sigma2) * rng.standard_normal((batch, n + 1))  # (B, n+1)
    lens = None
    if lengths is not None:
        lo, hi = lengths
        require(1 <= lo <= hi == n, f"lengths {lengths} are out of range: need 1 <= lo <= hi = n = {n}")
        lens = rng.integers(lo, hi + 1, size=batch)
    return Prompts(X[:, :n], y[:, :n], X[:, n], y[:, n], w, lens)


def feature_pairs(d: int) -> list[tuple[int, int]]:
    """Pairs (a, b), a <= b, of coordinates of z = (x, y) (index d is the response).

    >>> feature_pairs(1)
    [(0, 0), (0, 1), (1, 1)]
    """
    return list(itertools.combinations_with_replacement(range(d + 1), 2))


def feature_values(prompts: Prompts, normalise: bool = True) -> np.ndarray:
    r"""The features :math:`G_{ab}x_{q,c}` (B, m*d), row-major over (pair, c)."""
    Z = prompts.tokens()  # (B, n+1, d+1)
    ctx = Z[:, :-1]  # (B, n, d+1)
    G = np.einsum("bni,bnj->bij", ctx, ctx)  # (B, d+1, d+1)
    if normalise:
        G = G / prompts.counts[:, None, None]
    d = prompts.X.shape[2]
    a, b = np.array(feature_pairs(d)).T
    Gp = G[:, a, b]  # (B, m)
    return np.einsum("bm,bc->bmc", Gp, prompts.xq).reshape(len(prompts), -1)  # (B, m*d)


def feature_labels(d: int) -> list[str]:
    """Names of the features, in the order of :func:`feature_values` (``z`` is the response)."""
    name = [f"x{i + 1}" for i in range(d)] + ["y"]
    return [f"G[{name[a]},{name[b]}]*xq{c + 1}" for a, b in feature_pairs(d) for c in range(d)]


def gd_predictions(prompts: Prompts, step, normalise: bool = True) -> np.ndarray:
    r"""One (preconditioned) GD step from :math:`w_0 = 0` on :math:`\frac{1}{2n}\sum_i(y_i - w^\top x_i)^2`:
    :math:`x_q^\top \Pi s` with ``step`` = :math:`\eta` (scalar) or the matrix :math:`\eta\Pi` (d, d).

    >>> p = sample_prompts(np.random.default_rng(1), 4, 3, 2)
    >>> bool(np.allclose(gd_predictions(p, 0.5), 0.5 * np.einsum("bd,bd->b", p.xq, p.s())))
    True
    """
    step = np.asarray(step, float)
    s = prompts.s(normalise)  # (B, d)
    if step.ndim == 0:
        return float(step) * np.einsum("bd,bd->b", prompts.xq, s)
    return np.einsum("bd,de,be->b", prompts.xq, step, s)


def lsa_predictions(prompts: Prompts, P: np.ndarray, Q: np.ndarray, normalise: bool = True) -> np.ndarray:
    r"""Reference NumPy forward of one linear self-attention layer: :math:`[z_q + PGQz_q]_{d+1}` (B,)."""
    Z = prompts.tokens()  # (B, n+1, d+1)
    ctx, zq = Z[:, :-1], Z[:, -1]  # (B, n, d+1), (B, d+1)
    G = np.einsum("bni,bnj->bij", ctx, ctx)  # (B, d+1, d+1)
    if normalise:
        G = G / prompts.counts[:, None, None]
    out = zq + np.einsum("ij,bjk,kl,bl->bi", P, G, Q, zq)  # (B, d+1)
    return out[:, -1]


@dataclass(frozen=True)
class NormalEquations:
    r"""Monte Carlo estimates of :math:`\mathbb{E}[(\hat y - y_q)\phi_k]` for each predictor and feature.

    ``results[label]`` lists one :class:`~ical_verify.numerics.montecarlo.MonteCarloResult` per feature (in
    ``features`` order); ``loss[label]`` is the estimate of :math:`\mathbb{E}(\hat y - y_q)^2`.
    """

    features: list
    results: Mapping[str, list]
    loss: Mapping[str, MonteCarloResult]
    n_samples: int
    sigmas: float
    extra: dict = field(default_factory=dict)

    def all_contain_zero(self, label: str) -> bool:
        return all(r.contains(0.0) for r in self.results[label])

    def excluded_features(self, label: str) -> list[str]:
        """The features whose interval excludes 0 for predictor ``label``."""
        return [f for f, r in zip(self.features, self.results[label]) if not r.contains(0.0)]

    def max_abs_z(self, label: str) -> float:
        return max(abs(r.z_score(0.0)) for r in self.results[label])

    def to_json(self) -> dict:
        return {"n_samples": self.n_samples, "sigmas": self.sigmas, "features": list(self.features),
                "results": {k: [r.to_json() for r in v] for k, v in self.results.items()},
                "loss": {k: v.to_json() for k, v in self.loss.items()}}


class _Moments:
    """Running mean and M2 of many columns at once (Chan et al. merge), float64."""

    def __init__(self):
        self.n, self.mean, self.m2 = 0, None, None

    def add(self, x: np.ndarray) -> None:
        m = x.shape[0]
        mean_b = x.mean(axis=0)
        m2_b = ((x - mean_b) ** 2).sum(axis=0)
        if self.n == 0:
            self.n, self.mean, self.m2 = m, mean_b, m2_b
            return
        delta = mean_b - self.mean
        new = self.n + m
        self.mean = self.mean + delta * m / new
        self.m2 = self.m2 + m2_b + delta ** 2 * self.n * m / new
        self.n = new

    def results(self, sigmas: float) -> list[MonteCarloResult]:
        out = []
        for mu, m2 in zip(np.atleast_1d(self.mean), np.atleast_1d(self.m2)):
            se = float(np.sqrt(max(m2, 0.0) / (self.n - 1) / self.n))
            half = max(sigmas * se, ROUNDING_FLOOR * max(1.0, abs(mu)))
            out.append(MonteCarloResult(float(mu), se, (float(mu - half), float(mu + half)), self.n, float(sigmas)))
        return out


def normal_equation_residuals(rng: np.random.Generator, sampler: Callable[[np.random.Generator, int], Prompts],
                              predictors: Mapping[str, Callable[[Prompts], np.ndarray]], n_samples: int,
                              batch: int = 50_000, sigmas: float = DEFAULT_SIGMAS,
                              directions: Mapping[str, Callable[[Prompts], np.ndarray]] | None = None,
                              normalise: bool = True) -> NormalEquations:
    r"""Estimate :math:`\mathbb{E}[(\hat y - y_q)\phi]` for every feature :math:`\phi` (and every extra
    ``directions`` function, e.g. the GD direction :math:`x_q^\top s`) and the loss, for several predictors
    evaluated on the same prompts (so that their differences are estimated with common samples).

    >>> rng = np.random.default_rng(0)
    >>> ne = normal_equation_residuals(rng, lambda r, m: sample_prompts(r, m, 4, 1), {"zero": lambda p: 0 * p.yq},
    ...                                20_000)
    >>> len(ne.results["zero"]), ne.loss["zero"].contains(1.0)
    (3, True)
    """
    require(int(n_samples) == n_samples and n_samples >= 2, f"n_samples = {n_samples} must be an integer >= 2")
    directions = dict(directions or {})
    acc = {k: _Moments() for k in predictors}
    loss = {k: _Moments() for k in predictors}
    names = None
    done = 0
    while done < n_samples:
        m = min(batch, n_samples - done)
        p = sampler(rng, m)
        phi = feature_values(p, normalise)  # (m, k)
        extra = [np.asarray(f(p), float)[:, None] for f in directions.values()]
        phi = np.concatenate([phi] + extra, axis=1) if extra else phi
        if names is None:
            names = feature_labels(p.X.shape[2]) + list(directions)
        for k, predict in predictors.items():
            r = np.asarray(predict(p), float) - p.yq  # (m,)
            acc[k].add(r[:, None] * phi)
            loss[k].add((r ** 2)[:, None])
        done += m
    return NormalEquations(names, {k: v.results(sigmas) for k, v in acc.items()},
                           {k: v.results(sigmas)[0] for k, v in loss.items()}, int(n_samples), float(sigmas))
