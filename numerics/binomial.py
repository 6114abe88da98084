"""Success rates of repeated random experiments, with exact (Clopper–Pearson) confidence intervals.

A claim about training from random initialisation is a statement about a distribution of runs. The suite runs
``n`` independent starts, counts the successes, and decides from the interval, not from one seed: the claim
"the success rate exceeds ``threshold``" passes when the whole interval lies above the threshold, fails when it
lies below, and is undecided otherwise. :func:`decision_probabilities` gives, for a true success rate, the exact
probability of each decision, so that a claim can state how likely another ``--seed`` is to change its verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SuccessRate:
    """``successes`` out of ``trials`` with a two-sided Clopper–Pearson interval at ``confidence``."""

    successes: int
    trials: int
    confidence: float
    interval: tuple[float, float]

    @property
    def fraction(self) -> float:
        return self.successes / self.trials

    def judge(self, threshold: float) -> bool | None:
        """True if the interval lies above ``threshold``, False if below, None if it straddles it."""
        low, high = self.interval
        if low > threshold:
            return True
        if high < threshold:
            return False
        return None

    def to_json(self) -> dict:
        return {"successes": self.successes, "trials": self.trials, "fraction": self.fraction,
                "confidence": self.confidence, "interval": list(self.interval)}

    def __str__(self) -> str:
        lo, hi = self.interval
        return f"{self.successes}/{self.trials} ({100 * self.confidence:g} % interval [{lo:.2f}, {hi:.2f}])"


def success_rate(successes: int, trials: int, confidence: float = 0.95) -> SuccessRate:
    """The Clopper–Pearson (exact binomial) interval for a success probability.

    >>> r = success_rate(8, 8)
    >>> round(r.interval[0], 4), r.interval[1]
    (0.6306, 1.0)
    >>> success_rate(0, 10).interval[0]
    0.0
    """
    from scipy.stats import beta

    if not (isinstance(trials, (int, np.integer)) and trials >= 1):
        raise ValueError(f"trials = {trials!r}: it must be an integer >= 1")
    if not 0 <= successes <= trials:
        raise ValueError(f"successes = {successes!r}: it must lie in 0..{trials}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence = {confidence!r}: it must lie in (0, 1)")
    alpha = 1 - confidence
    low = 0.0 if successes == 0 else float(beta.ppf(alpha / 2, successes, trials - successes + 1))
    high = 1.0 if successes == trials else float(beta.ppf(1 - alpha / 2, successes + 1, trials - successes))
    return SuccessRate(int(successes), int(trials), float(confidence), (low, high))


def decision_probabilities(p: float, trials: int, threshold: float, confidence: float = 0.95) -> dict:
    """For a true success rate ``p``, the exact probability that :meth:`SuccessRate.judge` says True, False, None.

    >>> probs = decision_probabilities(1.0, 8, 0.5)
    >>> probs[True]
    1.0
    >>> round(decision_probabilities(0.9, 32, 0.5)[True], 4)
    0.9992
    """
    from scipy.stats import binom

    out = {True: 0.0, False: 0.0, None: 0.0}
    for k in range(trials + 1):
        out[success_rate(k, trials, confidence).judge(threshold)] += float(binom.pmf(k, trials, p))
    return out
