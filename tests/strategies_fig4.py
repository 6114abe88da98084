"""Hypothesis strategies for §6's Figure 4: windows of token ids, token vectors, token pools, texts."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st


@st.composite
def token_windows(draw, T: int = 5, vocabulary: int = 6, max_windows: int = 6):
    """Windows of token ids (n, T) from a small vocabulary, so that repetitions are frequent."""
    n = draw(st.integers(1, max_windows))
    ids = draw(st.lists(st.integers(0, vocabulary - 1), min_size=n * T, max_size=n * T))
    return np.array(ids).reshape(n, T)


@st.composite
def token_vectors(draw, vocabulary: int = 6, d: int = 16):
    """A table of unit token vectors (vocabulary, d), Gaussian from a drawn seed-free float list."""
    values = draw(st.lists(st.floats(-1, 1, allow_nan=False, allow_infinity=False, width=64),
                           min_size=vocabulary * d, max_size=vocabulary * d))
    E = np.array(values).reshape(vocabulary, d) + np.eye(vocabulary, d)     # keep rows independent
    return E / np.linalg.norm(E, axis=1, keepdims=True)


@st.composite
def token_pools(draw, max_types: int = 4, max_count: int = 4, T: int = 3):
    """Token counts of a small pool (at least T tokens)."""
    counts = draw(st.lists(st.integers(1, max_count), min_size=1, max_size=max_types))
    if sum(counts) < T:
        counts = counts + [T]
    return np.array(counts)


def english_texts():
    """Short texts of letters, digits, punctuation and spaces (for tokenizer agreement)."""
    alphabet = st.sampled_from(list("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ.,;:'!?0123456789\n-"))
    return st.lists(alphabet, min_size=0, max_size=60).map("".join)
