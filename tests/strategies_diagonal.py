"""Hypothesis strategies for §5 (model (6), Lemma 2, Propositions 3, 4, 6, Lemma 3): the paper's objects."""

from __future__ import annotations

import numpy as np
import sympy
from hypothesis import strategies as st

finite = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False, allow_infinity=False)


def _array(shape):
    n = int(np.prod(shape))
    return st.lists(finite, min_size=n, max_size=n).map(lambda xs: np.array(xs, dtype=np.float64).reshape(shape))


@st.composite
def coupling_matrices(draw, d: int):
    """A real d x d matrix C = BᵀA with entries in [-2, 2]."""
    return draw(_array((d, d)))


@st.composite
def positional_rows(draw, T: int):
    """A row p = (P_(T-1,1), ..., P_(T-1,T)) with entries in [-2, 2]."""
    return draw(_array((T,)))


@st.composite
def head_parameters(draw, H: int, d: int):
    """Diagonal heads (Assumption 3): A, B of shape (H, d), row h the diagonal a_h (resp. b_h)."""
    return draw(_array((H, d))), draw(_array((H, d)))


@st.composite
def positional_encodings(draw, T_max: int):
    """A positional encoding P of shape (T_max, T_max) with entries in [-2, 2]."""
    return draw(_array((T_max, T_max)))


@st.composite
def unitary_contexts(draw, d: int, n: int = 4):
    """n contexts of C_U: (n, d) unit-modulus complex numbers."""
    phases = draw(st.lists(st.floats(0.0, 2 * np.pi), min_size=n * d, max_size=n * d))
    return np.exp(1j * np.array(phases)).reshape(n, d)


@st.composite
def orthogonal_contexts(draw, delta: int, n: int = 4):
    """n contexts of C_O: (n, 2δ) with conjugate pairs (λ_1, λ̄_1, ..., λ_δ, λ̄_δ)."""
    half = draw(unitary_contexts(delta, n))
    out = np.empty((n, 2 * delta), dtype=complex)
    out[:, 0::2], out[:, 1::2] = half, np.conj(half)
    return out


@st.composite
def complex_tokens(draw, T: int, d: int, n: int = 3):
    """Arbitrary complex tokens e_(1:T) (not an AR sequence, not of unit modulus): (n, T, d)."""
    re = draw(_array((n, T, d)))
    im = draw(_array((n, T, d)))
    return re + 1j * im


@st.composite
def diagonal_model_sizes(draw, max_d: int = 6, max_T: int = 8, max_H: int = 6):
    """(H, d, T) for model (6)."""
    return (draw(st.integers(1, max_H)), draw(st.integers(1, max_d)), draw(st.integers(2, max_T)))


def nonzero_rationals(max_numerator: int = 9, max_denominator: int = 9):
    """Non-zero exact rationals ±a/b (parameters such as p_T, break sizes)."""
    return st.builds(lambda a, b, s: s * sympy.Rational(a, b), st.integers(1, max_numerator),
                     st.integers(1, max_denominator), st.sampled_from([1, -1]))


def rationals(max_numerator: int = 9, max_denominator: int = 9):
    """Exact rationals a/b, possibly zero."""
    return st.builds(lambda a, b: sympy.Rational(a, b), st.integers(-max_numerator, max_numerator),
                     st.integers(1, max_denominator))


@st.composite
def invertible_rational_matrices(draw, d: int):
    """An invertible d x d matrix of small rationals (for heads realising a given C = BᵀA exactly)."""
    M = sympy.Matrix(d, d, lambda i, j: draw(rationals(4, 3)))
    from hypothesis import assume

    assume(M.det() != 0)
    return M
