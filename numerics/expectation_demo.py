r"""Exact and Monte Carlo expected losses at seeded random parameters: the CLI's ``expectation`` command.

For contexts :math:`\mathcal{C}_U` and :math:`\mathcal{C}_O` the quantity is the loss of one length T of
(3) for the output of Lemma 2, :math:`\mathbb{E}\|\sum_t p_t[\mathbf{C}\lambda^{t-T+1}]\odot\lambda^{t-1}
- \lambda^T\|^2`; for :math:`\mathcal{W}(\mu)` it is the positional-encoding-only loss (7),
:math:`\mathbb{E}|\sum_t p_t\lambda^{2t-T} - \lambda^T|^2`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .diagonal_model import exact_loss, lemma2_output, monte_carlo_loss
from .errors import require
from .montecarlo import MonteCarloResult, monte_carlo_mean
from .samplers import orthogonal_contexts, unitary_contexts, w_mu_contexts
from .torus import NumericLaurent, mean_square_w_mu

CONTEXTS = ("unitary", "orthogonal", "w-mu")


@dataclass(frozen=True)
class ExpectationComparison:
    """An exact expectation beside its Monte Carlo estimate."""

    context: str
    d: int
    T: int
    mu: float | None
    exact: float
    monte_carlo: MonteCarloResult

    @property
    def agrees(self) -> bool:
        return self.monte_carlo.contains(self.exact)

    def to_json(self) -> dict:
        return {"context": self.context, "d": self.d, "T": self.T, "mu": self.mu, "exact": self.exact,
                "monte_carlo": self.monte_carlo.to_json(), "z": self.monte_carlo.z_score(self.exact),
                "agrees": self.agrees}


#: The largest memory (bytes) and time (seconds) :func:`compare` may be asked for; larger requests are refused
#: with the estimate (:func:`estimate_cost`) instead of a MemoryError or an hour of silence.
MAX_BYTES = 4 * 2 ** 30
MAX_SECONDS = 600.0

#: Monte Carlo batch sizes (as in :func:`~.diagonal_model.monte_carlo_loss` and :func:`~.montecarlo.monte_carlo_mean`).
_BATCH_DIAGONAL = 8192
_BATCH_W_MU = 65_536


@dataclass(frozen=True)
class CostEstimate:
    """A rough, conservative estimate of the peak memory and the CPU time of :func:`compare`.

    Fitted on one core of the development machine: Monte Carlo for C_U/C_O about 1e-8 s per sample and unit of
    T d (d + 4) (four complex (batch, T, d) arrays of 16 bytes), W(mu) about 2e-8 s per sample and term; the
    exact value about 1.5e-7 s per unit of T d^3 (Laurent terms collected per coordinate), W(mu) a (T+1)^2 Gram
    matrix.
    """

    bytes: float
    seconds: float

    def describe(self) -> str:
        return f"about {self.bytes / 2 ** 30:.2g} GiB of memory and {_duration(self.seconds)} of CPU"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"


def estimate_cost(context: str, d: int, T: int, samples: int) -> CostEstimate:
    """Peak memory and CPU time of :func:`compare` for these sizes (see :class:`CostEstimate`).

    >>> estimate_cost("unitary", 4, 6, 100_000).seconds < 1
    True
    >>> estimate_cost("unitary", 64, 10**6, 10**6).bytes > MAX_BYTES
    True
    """
    if context == "w-mu":
        terms = T + 1
        mc_bytes = min(samples, _BATCH_W_MU) * terms * 16 * 3
        exact_bytes = terms * terms * 40
        seconds = 2e-8 * samples * terms + 3e-8 * terms * terms
    else:
        mc_bytes = min(samples, _BATCH_DIAGONAL) * T * d * 16 * 4
        exact_bytes = 32 * T * d * d
        seconds = 1e-8 * samples * T * d * (d + 4) + 1.5e-7 * T * d ** 3
    return CostEstimate(float(max(mc_bytes, exact_bytes)), float(seconds))


def validate(context: str, d: int, T: int, mu: float | None, samples: int) -> None:
    """One-line errors naming the bad value and the valid range (including sizes whose estimated memory or time
    exceeds :data:`MAX_BYTES` or :data:`MAX_SECONDS`)."""
    require(context in CONTEXTS, f"unknown context {context!r}: valid contexts are {', '.join(CONTEXTS)}")
    require(T >= 2, f"T = {T} is out of range: T must be >= 2")
    require(samples >= 2, f"samples = {samples} is out of range: the sample count must be >= 2")
    if mu is not None:
        require(math.isfinite(mu), f"mu = {mu} is out of range: mu must be a finite number >= 1")
    if context == "w-mu":
        require(mu is not None and mu >= 1, f"mu = {mu} is out of range: mu must be >= 1")
        require(d == 1, f"d = {d} is out of range: W(mu) contexts are scalar, d must be 1")
    else:
        require(1 <= d <= 64, f"d = {d} is out of range: d must be in 1..64")
        if context == "orthogonal":
            require(d % 2 == 0, f"d = {d} is odd: orthogonal contexts need an even d = 2*delta >= 2")
    cost = estimate_cost(context, d, T, samples)
    require(cost.bytes <= MAX_BYTES and cost.seconds <= MAX_SECONDS,
            f"d = {d}, T = {T}, samples = {samples} is too large: the estimate is {cost.describe()} "
            f"(limits {MAX_BYTES / 2 ** 30:.0f} GiB, {_duration(MAX_SECONDS)}): lower T, d or --samples")


def _counting(draw, samples: int, progress: Callable[[int, int], None]):
    """``draw`` that reports the samples drawn so far after each batch."""
    state = {"done": 0}

    def counted(r, m):
        x = draw(r, m)
        state["done"] += m
        progress(state["done"], samples)
        return x

    return counted


def compare(context: str, d: int, T: int, samples: int, seed: int = 0, mu: float | None = None,
            sigmas: float = 6.0, progress: Callable[[int, int], None] | None = None) -> ExpectationComparison:
    """Draw C ~ N(0, 1/d) and p ~ N(0, 1/T) with ``seed``; compare the exact value with Monte Carlo.

    ``progress(done, total)``, if given, is called after each batch of Monte Carlo samples (the numbers drawn
    are the same with or without it).
    """
    validate(context, d, T, mu, samples)
    rng = np.random.default_rng([seed, 17])
    p = rng.standard_normal(T) / np.sqrt(T)
    if context == "w-mu":
        t = np.arange(1, T + 1)
        f = NumericLaurent(np.concatenate([2 * t - T, [T]])[:, None], np.concatenate([p, [-1.0]]))
        exact = mean_square_w_mu(f, mu)
        draw = lambda r, m: np.abs(f(w_mu_contexts(mu, m, r))) ** 2  # noqa: E731
        if progress is not None:
            draw = _counting(draw, samples, progress)
        mc = monte_carlo_mean(draw, samples, rng, sigmas)
    else:
        C = rng.standard_normal((d, d)) / np.sqrt(d)
        exact = exact_loss(C, p, context)
        if progress is None:
            mc = monte_carlo_loss(C, p, samples, rng, context, sigmas)
        else:
            # the draws of monte_carlo_loss, batch by batch, with a report after each batch
            def draw(r, m):
                lam = unitary_contexts(d, m, r) if context == "unitary" else orthogonal_contexts(d // 2, m, r)
                res = lemma2_output(C, p, lam) - lam ** T                 # (m, d)
                return np.sum(np.abs(res) ** 2, axis=1)                     # (m,)

            mc = monte_carlo_mean(_counting(draw, samples, progress), samples, rng, sigmas=sigmas,
                                  batch=_BATCH_DIAGONAL)
    return ExpectationComparison(context, d, T, mu, exact, mc)
