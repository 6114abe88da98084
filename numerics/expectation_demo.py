r"""Exact and Monte Carlo expected losses at seeded random parameters: the CLI's ``expectation`` command.

For contexts :math:`\mathcal{C}_U` and :math:`\mathcal{C}_O` the quantity is the loss of one length T of
(3) for the output of Lemma 2, :math:`\mathbb{E}\|\sum_t p_t[\mathbf{C}\lambda^{t-T+1}]\odot\lambda^{t-1}
- \lambda^T\|^2`; for :math:`\mathcal{W}(\mu)` it is the positional-encoding-only loss (7),
:math:`\mathbb{E}|\sum_t p_t\lambda^{2t-T} - \lambda^T|^2`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .diagonal_model import exact_loss, monte_carlo_loss
from .errors import require
from .montecarlo import MonteCarloResult, monte_carlo_mean
from .samplers import w_mu_contexts
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


def validate(context: str, d: int, T: int, mu: float | None, samples: int) -> None:
    """One-line errors naming the bad value and the valid range."""
    require(context in CONTEXTS, f"unknown context {context!r}: valid contexts are {', '.join(CONTEXTS)}")
    require(T >= 2, f"T = {T} is out of range: T must be >= 2")
    require(samples >= 2, f"samples = {samples} is out of range: the sample count must be >= 2")
    if context == "w-mu":
        require(mu is not None and mu >= 1, f"mu = {mu} is out of range: mu must be >= 1")
        require(d == 1, f"d = {d} is out of range: W(mu) contexts are scalar, d must be 1")
    else:
        require(1 <= d <= 64, f"d = {d} is out of range: d must be in 1..64")
        if context == "orthogonal":
            require(d % 2 == 0, f"d = {d} is odd: orthogonal contexts need an even d = 2*delta >= 2")


def compare(context: str, d: int, T: int, samples: int, seed: int = 0, mu: float | None = None,
            sigmas: float = 6.0) -> ExpectationComparison:
    """Draw C ~ N(0, 1/d) and p ~ N(0, 1/T) with ``seed``; compare the exact value with Monte Carlo."""
    validate(context, d, T, mu, samples)
    rng = np.random.default_rng([seed, 17])
    p = rng.standard_normal(T) / np.sqrt(T)
    if context == "w-mu":
        t = np.arange(1, T + 1)
        f = NumericLaurent(np.concatenate([2 * t - T, [T]])[:, None], np.concatenate([p, [-1.0]]))
        exact = mean_square_w_mu(f, mu)
        mc = monte_carlo_mean(lambda r, m: np.abs(f(w_mu_contexts(mu, m, r))) ** 2, samples, rng, sigmas)
    else:
        C = rng.standard_normal((d, d)) / np.sqrt(d)
        exact = exact_loss(C, p, context)
        mc = monte_carlo_loss(C, p, samples, rng, context, sigmas)
    return ExpectationComparison(context, d, T, mu, exact, mc)
