"""Hypothesis strategies for §4 (augmented tokens): contexts and sequences."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st


@st.composite
def unitary_contexts(draw, d: int):
    """A diagonal unitary context lambda in C^d (phases drawn as floats in [0, 1))."""
    phases = draw(st.lists(st.floats(0, 1, allow_nan=False, exclude_max=True), min_size=d, max_size=d))
    return np.exp(2j * np.pi * np.array(phases))


@st.composite
def real_sequences(draw, d: int, T: int):
    """A general real sequence s_0..s_T, (T + 1, d), entries in [-2, 2]."""
    vals = draw(st.lists(st.floats(-2, 2, allow_nan=False), min_size=(T + 1) * d, max_size=(T + 1) * d))
    return np.array(vals).reshape(T + 1, d)


@st.composite
def complex_sequences(draw, d: int, T: int):
    """A general complex sequence s_0..s_T, (T + 1, d)."""
    re = draw(real_sequences(d, T))
    im = draw(real_sequences(d, T))
    return re + 1j * im


small_dims = st.integers(1, 3)
small_lengths = st.integers(2, 6)


@st.composite
def rational_matrices(draw, rows: int, cols: int, bound: int = 3, max_denominator: int = 7):
    """An exact rational matrix (SymPy), entries in [-bound, bound]: a W_0 or a parameter block."""
    import sympy

    vals = draw(st.lists(st.fractions(min_value=-bound, max_value=bound, max_denominator=max_denominator),
                         min_size=rows * cols, max_size=rows * cols))
    return sympy.Matrix(rows, cols, [sympy.Rational(v.numerator, v.denominator) for v in vals])


@st.composite
def step_sizes(draw, max_value: int = 4, max_denominator: int = 9):
    """A positive rational step size eta of one gradient step (Proposition 1), exact (SymPy)."""
    import sympy

    v = draw(st.fractions(min_value=0, max_value=max_value, max_denominator=max_denominator).filter(lambda x: x > 0))
    return sympy.Rational(v.numerator, v.denominator)
