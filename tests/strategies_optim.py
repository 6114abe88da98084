"""Hypothesis strategies for the optimisation and conditioning claims (prop5, prop7, remark1, remark2, fig6)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st


@st.composite
def scalar_inits_inside_condition(draw, near_boundary: bool = False):
    """Initial points (a, b, p) of Proposition 5 with |pab - 1| < 1, i.e. pab in (0, 2).

    With ``near_boundary`` the product is within 1e-6..1e-2 of 0 or of 2, and half of the draws are balanced
    (|a| = |b| = |p|), where the flow is slowest.
    """
    if near_boundary:
        delta = 10 ** draw(st.floats(-6, -2))
        prod = draw(st.sampled_from([delta, 2 - delta]))
    else:
        prod = draw(st.floats(1e-3, 2 - 1e-3))
    if draw(st.booleans()) and near_boundary:
        x = prod ** (1 / 3)
        return (x, x, x)
    a = draw(st.sampled_from([-1.0, 1.0])) * 10 ** draw(st.floats(-1.5, 1.5))
    b = draw(st.sampled_from([-1.0, 1.0])) * 10 ** draw(st.floats(-1.5, 1.5))
    return (a, b, prod / (a * b))


def mu_values(low: float = 1.0, high: float = 400.0):
    """Parameters μ >= 1 of W(μ) (§5.3)."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def horizons(low: int = 2, high: int = 6):
    """Lengths T of the positional-encoding-only problem (7)."""
    return st.integers(low, high)


def unitary_dims(high: int = 5):
    """Dimensions d of U(d) for Remark 1."""
    return st.integers(1, high)


def seeds():
    """Seeds for NumPy generators."""
    return st.integers(0, 2 ** 32 - 1)


def rng_from(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)
