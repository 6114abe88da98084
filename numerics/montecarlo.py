"""Monte Carlo estimates with standard errors and confidence intervals.

Intervals are ``estimate ± z * standard_error`` with ``z`` the stated number of standard errors
(default 6: a true value falls outside with probability about 2e-9 under the normal approximation, so
that a true claim fails a Monte Carlo check with probability below 1e-8). The half-width never drops
below the float64 rounding level (:data:`ROUNDING_FLOOR` relative), which matters only for samples of
a constant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import stats

from .errors import require

#: The default width of Monte Carlo intervals, in standard errors.
DEFAULT_SIGMAS = 6.0

#: Relative half-width below which an interval is never narrowed (float64 accumulation error).
ROUNDING_FLOOR = 1e-12


@dataclass(frozen=True)
class MonteCarloResult:
    """A Monte Carlo estimate of a real mean, in the manner of ``scipy.stats`` result objects.

    >>> r = monte_carlo_mean(lambda rng, m: rng.random(m), 10_000, np.random.default_rng(0))
    >>> r.contains(0.5), r.n_samples
    (True, 10000)
    """

    estimate: float
    standard_error: float
    interval: tuple[float, float]
    n_samples: int
    sigmas: float

    @property
    def confidence(self) -> float:
        """The two-sided coverage of :attr:`interval` under the normal approximation."""
        return float(1 - 2 * stats.norm.sf(self.sigmas))

    @property
    def relative_error(self) -> float:
        """standard error / |estimate| (inf for a zero estimate)."""
        return float(self.standard_error / abs(self.estimate)) if self.estimate else float("inf")

    def contains(self, value: float) -> bool:
        return bool(self.interval[0] <= value <= self.interval[1])

    def z_score(self, value: float) -> float:
        """(estimate - value) / standard error."""
        if self.standard_error == 0:
            return 0.0 if value == self.estimate else float("inf")
        return float((self.estimate - value) / self.standard_error)

    def to_json(self) -> dict:
        return {"estimate": self.estimate, "standard_error": self.standard_error,
                "interval": list(self.interval), "n_samples": self.n_samples, "sigmas": self.sigmas,
                "confidence": self.confidence}


def monte_carlo_mean(draw: Callable[[np.random.Generator, int], np.ndarray], n: int,
                     rng: np.random.Generator, sigmas: float = DEFAULT_SIGMAS,
                     batch: int = 65_536) -> MonteCarloResult:
    """Estimate E[X] from ``n`` draws; ``draw(rng, m)`` returns m independent real samples of X.

    Samples are drawn in batches of ``batch`` and accumulated with Welford-free pairwise sums (float64).
    """
    require(int(n) == n and n >= 2, f"sample count n = {n} is out of range: it must be an integer >= 2")
    require(sigmas > 0, f"sigmas = {sigmas} is out of range: it must be > 0")
    total = 0.0
    total_sq = 0.0
    done = 0
    while done < n:
        m = min(batch, n - done)
        x = np.asarray(draw(rng, m), dtype=np.float64)
        require(x.shape == (m,), f"draw returned shape {x.shape}; expected ({m},)")
        shift = x.mean()
        # merge batch statistics (Chan et al.) to keep float64 accuracy
        if done == 0:
            mean, m2 = shift, float(((x - shift) ** 2).sum())
        else:
            delta = shift - mean
            new = done + m
            mean = mean + delta * m / new
            m2 = m2 + float(((x - shift) ** 2).sum()) + delta ** 2 * done * m / new
        done += m
        total, total_sq = mean, m2
    var = max(total_sq, 0.0) / (n - 1)
    se = float(np.sqrt(var / n))
    est = float(total)
    # a sample of identical values has no statistical error, only rounding: the half-width never drops
    # below ROUNDING_FLOOR relative to the estimate
    half = max(sigmas * se, ROUNDING_FLOOR * max(1.0, abs(est)))
    return MonteCarloResult(est, se, (est - half, est + half), int(n), float(sigmas))


def samples_for_relative_accuracy(pilot: MonteCarloResult, relative: float) -> int:
    """Samples needed for a standard error of ``relative`` times |mean|, from a pilot run."""
    require(relative > 0, f"relative accuracy {relative} is out of range: it must be > 0")
    sd = pilot.standard_error * np.sqrt(pilot.n_samples)
    return int(np.ceil((sd / (relative * abs(pilot.estimate))) ** 2))
