"""Hypothesis strategies for Figure 6 / §5.3: contexts of W(mu) as drawn angles, and positional encodings P."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st


@st.composite
def w_mu_contexts(draw, n_min: int = 20, n_max: int = 200, mu_min: float = 2.0, mu_max: float = 300.0):
    """(mu, lambda): lambda_k = e^{i theta_k / mu} with theta_k drawn in [0, 2 pi)."""
    mu = draw(st.floats(mu_min, mu_max, allow_nan=False))
    n = draw(st.integers(n_min, n_max))
    thetas = draw(st.lists(st.floats(0.0, 2 * np.pi, exclude_max=True, allow_nan=False), min_size=n, max_size=n))
    return mu, np.exp(1j * np.array(thetas) / mu)


@st.composite
def toeplitz_encodings(draw, t_max: int = 30):
    """P_{T-1,t} = f(T - t) on the support (exactly invariant across diagonals), f drawn."""
    from ical_verify.models.positional_only import support_mask

    f = np.array(draw(st.lists(st.floats(-1, 1, allow_nan=False), min_size=2 * t_max, max_size=2 * t_max)))
    i, j = np.indices((t_max - 1, t_max))
    return f[j - i + t_max - 1] * support_mask(t_max)
