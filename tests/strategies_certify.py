"""Hypothesis strategies for the certification engine: index tuples, affine exponent systems, exact matrices and
positional rows (theory.index_patterns, theory.symbolic_exponents, theory.certify)."""

from __future__ import annotations

import sympy
from hypothesis import strategies as st

from ical_verify.theory.symbolic_exponents import T, t1, t2

small_rationals = st.fractions(min_value=-2, max_value=2, max_denominator=5).map(sympy.Rational)


@st.composite
def exact_coupling_matrices(draw, d: int):
    """A d x d matrix C = BᵀA with small exact rational entries."""
    return sympy.Matrix(d, d, draw(st.lists(small_rationals, min_size=d * d, max_size=d * d)))


@st.composite
def exact_positional_rows(draw, length: int):
    """A row p = (P_(T-1,1), ..., P_(T-1,T)) with small exact rational entries."""
    return draw(st.lists(small_rationals, min_size=length, max_size=length))


@st.composite
def index_tuples(draw, size: int, n: int):
    """n coordinate indices (0-based) in [size]."""
    return tuple(draw(st.lists(st.integers(0, size - 1), min_size=n, max_size=n)))


@st.composite
def affine_exponent_systems(draw, n_vars: int = 2):
    r"""Equations :math:`a_1 t + a_2 t' + g T + h = 0` with small integer coefficients (the torus rule on exponents
    affine in the time indices and T), one or two of them."""
    variables = [t1, t2][:n_vars]
    k = draw(st.integers(1, 2))
    eqs = []
    for _ in range(k):
        coeffs = draw(st.lists(st.integers(-2, 2), min_size=n_vars, max_size=n_vars))
        g = draw(st.integers(-2, 2))
        h = draw(st.integers(-3, 3))
        eqs.append(sum(c * v for c, v in zip(coeffs, variables)) + g * T + h)
    return eqs
