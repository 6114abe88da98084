"""Hypothesis strategies named for the objects of in-context linear regression (Mahankali et al., 2023)."""

from __future__ import annotations

import sympy
from hypothesis import strategies as st


def prompt_lengths(max_n: int = 50):
    """The number n >= 1 of context pairs in a prompt."""
    return st.integers(1, max_n)


def dimensions(max_d: int = 6):
    """The covariate dimension d >= 1."""
    return st.integers(1, max_d)


def noise_variances():
    """Exact non-negative noise variances sigma^2 (small rationals, zero included)."""
    return st.fractions(min_value=0, max_value=4, max_denominator=5).map(sympy.Rational)


def spd_matrices(d: int, max_entry: int = 3):
    r"""Exact symmetric positive-definite d x d matrices :math:`LL^\top + \frac{1}{2}I`, L lower-triangular with small
    rational entries (covariances of the covariates or of the weight vector)."""
    entry = st.fractions(min_value=-max_entry, max_value=max_entry, max_denominator=3).map(sympy.Rational)

    def build(values):
        L = sympy.zeros(d, d)
        k = 0
        for i in range(d):
            for j in range(i + 1):
                L[i, j] = values[k]
                k += 1
        return L * L.T + sympy.Rational(1, 2) * sympy.eye(d)
    return st.lists(entry, min_size=d * (d + 1) // 2, max_size=d * (d + 1) // 2).map(build)


def covariance_pairs(max_d: int = 3):
    """(d, Sigma, Sigma_w): a dimension and two exact covariances of that size."""
    return dimensions(max_d).flatmap(lambda d: st.tuples(st.just(d), spd_matrices(d), spd_matrices(d)))


def nonlinearity_strengths():
    """The coefficient a of the quadratic part of a response family."""
    return st.fractions(min_value=-2, max_value=2, max_denominator=4).map(sympy.Rational)
