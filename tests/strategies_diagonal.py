"""Hypothesis strategies for §5 (model (6), Lemma 2, Propositions 3, 4, 6)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

finite = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False, allow_infinity=False)


@st.composite
def coupling_matrices(draw, d: int):
    """A real d x d matrix C = BᵀA with entries in [-2, 2]."""
    return np.array(draw(st.lists(finite, min_size=d * d, max_size=d * d))).reshape(d, d)


@st.composite
def positional_rows(draw, T: int):
    """A row p = (P_(T-1,1), ..., P_(T-1,T)) with entries in [-2, 2]."""
    return np.array(draw(st.lists(finite, min_size=T, max_size=T)))


@st.composite
def unitary_contexts(draw, d: int, n: int = 4):
    """n contexts of C_U: (n, d) unit-modulus complex numbers."""
    phases = draw(st.lists(st.floats(0.0, 2 * np.pi), min_size=n * d, max_size=n * d))
    return np.exp(1j * np.array(phases)).reshape(n, d)


@st.composite
def diagonal_model_sizes(draw, max_d: int = 6, max_T: int = 8, max_H: int = 6):
    """(H, d, T) for model (6)."""
    return (draw(st.integers(1, max_H)), draw(st.integers(1, max_d)), draw(st.integers(2, max_T)))


nonzero_rationals = st.builds(lambda a, b: (a, b), st.integers(1, 9).map(lambda x: x), st.integers(1, 9)).filter(
    lambda ab: ab[0] != 0)
