"""Mutation tests for numerics.torus: construction and immutability of NumericLaurent, subtraction and products
by hand, the size limits of the cubature grid at their boundaries, and the default context
(benchmarks/mutation.md)."""

import dataclasses

import numpy as np
import pytest

from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.torus import NumericLaurent, grid_cubature_mean, mean_square_norm


def poly(exponents, coefficients):
    return NumericLaurent(np.array(exponents), np.array(coefficients))


def test_fields_are_converted_and_frozen():
    f = NumericLaurent([[1, 0], [0, 2]], [1, 2])
    assert isinstance(f.exponents, np.ndarray) and f.exponents.dtype == np.int64
    assert isinstance(f.coefficients, np.ndarray) and f.coefficients.dtype == np.complex128
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.coefficients = np.zeros(2)


@pytest.mark.parametrize("k, c", [([[1], [2]], [1, 2, 3]),            # rows and coefficients differ
                                  ([1, 2], [1, 2]),                    # exponents not 2-D
                                  ([[1], [2]], [[1], [2]])])          # coefficients not 1-D
def test_mismatched_shapes_are_refused(k, c):
    with pytest.raises(DomainError):
        NumericLaurent(np.array(k), np.array(c))


def test_collected_merges_terms_of_a_polynomial_in_no_variable():
    f = NumericLaurent(np.zeros((2, 0), dtype=np.int64), np.array([1.0, 2.0]))
    g = f.collected()
    assert g.exponents.shape == (1, 0)
    assert g.coefficients.tolist() == [3.0]


def test_subtraction_term_by_term():
    f = poly([[1], [0]], [2.0, 1.0])
    g = poly([[1], [2]], [0.5, 4.0])
    h = (f - g).collected()
    assert dict(zip(h.exponents[:, 0].tolist(), h.coefficients.tolist())) == {0: 1.0, 1: 1.5, 2: -4.0}
    assert (f - f).mean_square() == 0.0


def test_product_by_hand():
    """(1 + 2 λ1)(3 λ2 - λ1^{-1}) = 3 λ2 - λ1^{-1} + 6 λ1 λ2 - 2: mean -2, mean square 9 + 1 + 36 + 4."""
    f = poly([[0, 0], [1, 0]], [1.0, 2.0])
    g = poly([[0, 1], [-1, 0]], [3.0, -1.0])
    h = f * g
    assert h.exponents.shape == (4, 2)
    assert h.mean() == -2
    assert h.mean_square() == 50.0


def test_mean_square_norm_defaults_to_unitary_contexts():
    """λ1 + λ2^{-1}: mean square 2 for independent phases, 4 under conjugate pairs (it becomes 2 λ1)."""
    f = poly([[1, 0], [0, -1]], [1.0, 1.0])
    assert mean_square_norm([f]) == 2.0
    assert mean_square_norm([f], "orthogonal") == 4.0
    assert mean_square_norm([f, f]) == 4.0


def test_cubature_of_a_constant_on_one_point():
    f = poly([[0, 0]], [2.5])
    assert grid_cubature_mean(f, points_per_axis=1) == 2.5


def test_cubature_needs_more_points_than_the_largest_exponent():
    f = poly([[3]], [1.0])
    assert grid_cubature_mean(f, points_per_axis=4) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(DomainError):
        grid_cubature_mean(f, points_per_axis=3)


def test_cubature_grid_limit_is_five_million_points():
    """N^n <= 5e6: 5e6 points on one axis are allowed (the default N for exponent 4 999 999), 5e6 + 1 are not,
    and 2237^2 = 5 004 169 is over the limit."""
    f = poly([[4_999_999], [0]], [1.0, 0.25])
    assert grid_cubature_mean(f) == pytest.approx(0.25, abs=1e-9)
    with pytest.raises(DomainError):
        grid_cubature_mean(poly([[0]], [1.0]), points_per_axis=5_000_001)
    with pytest.raises(DomainError):
        grid_cubature_mean(poly([[0, 0]], [1.0]), points_per_axis=2237)
