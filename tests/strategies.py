"""Hypothesis strategies named for the objects of the paper."""

from __future__ import annotations

import numpy as np
import sympy
from hypothesis import strategies as st

from ical_verify.theory.laurent import LaurentPolynomial


def exponents(nvars: int, max_degree: int = 3):
    """Exponent vectors k in {-max_degree..max_degree}^nvars."""
    return st.tuples(*[st.integers(-max_degree, max_degree)] * nvars)


def rational_coefficients():
    """Small exact rationals, so that symbolic and numeric values can be compared at rounding level."""
    return st.fractions(min_value=-3, max_value=3, max_denominator=7).map(sympy.Rational)


def laurent_polynomials(nvars: int, max_terms: int = 6, max_degree: int = 3):
    """Laurent polynomials with rational coefficients in ``nvars`` torus variables."""
    terms = st.lists(st.tuples(exponents(nvars, max_degree), rational_coefficients()),
                     min_size=1, max_size=max_terms)
    return terms.map(lambda ts: LaurentPolynomial(nvars, ts))


def unitary_contexts(d: int, n: int = 1):
    """Points of the torus U^d (contexts C_U): arrays (n, d) of unit-modulus complex numbers."""
    phases = st.lists(st.floats(0, 2 * np.pi, allow_nan=False), min_size=n * d, max_size=n * d)
    return phases.map(lambda ph: np.exp(1j * np.array(ph)).reshape(n, d))


def orthogonal_contexts(delta: int, n: int = 1):
    """Contexts C_O: arrays (n, 2*delta) with conjugate pairs (lambda_1, conj lambda_1, ...)."""
    def pair(lam):
        out = np.empty((n, 2 * delta), dtype=complex)
        out[:, 0::2], out[:, 1::2] = lam, np.conj(lam)
        return out
    return unitary_contexts(delta, n).map(pair)


def seeds():
    return st.integers(0, 2**32 - 1)
