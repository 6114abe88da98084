"""Mutation tests for theory.gaussian_moments: Isserlis moments by hand, block decomposition of the covariance,
new parameters met in ``expect``, odd moments, and the helpers that build covariances (benchmarks/mutation.md)."""

import sympy

from ical_verify.theory.gaussian_moments import (GaussianVector, block_covariance, expectation,
                                                 symmetric_matrix_symbols)

x, y, z = sympy.symbols("x y z")
a, b = sympy.symbols("a b")


def test_expect_meets_a_new_parameter_through_a_wider_ring():
    """E[a x^2] = a for x ~ N(0, 1) although a is not in the covariance; E[a x^2 + b y^2] = 2a + 3b."""
    g = GaussianVector([x], [[1]])
    assert g.expect(a * x**2) == a
    h = GaussianVector([x, y], [[2, 0], [0, 3]])
    assert sympy.expand(h.expect(a * x**2 + b * y**2) - (2 * a + 3 * b)) == 0


def test_param_returns_the_named_parameter_generator():
    g = GaussianVector([x, y], sympy.eye(2), parameters=[a, b])
    assert g.parameters == (a, b)
    assert g.param(a).as_expr() == a
    assert g.param(b).as_expr() == b
    assert [v.as_expr() for v in g.gens] == [x, y]


def test_a_later_block_after_a_visited_index_is_not_lost():
    """Blocks {x, y} and {z}: the scan meets y (already visited) before z; E[z^2] = 3, E[x y z^2] = 3/2."""
    half = sympy.Rational(1, 2)
    g = GaussianVector([x, y, z], [[1, half, 0], [half, 1, 0], [0, 0, 3]])
    assert g.expect(z**2) == 3
    assert g.expect(x * y * z**2) == sympy.Rational(3, 2)


def test_an_interleaved_block_is_counted_once():
    """Blocks {x, z} (cov 2, 1, 1) and {y}: E[x^2] = 2, E[x z] = 1, E[x^2 y^2] = 2 (a block counted twice gives 4)."""
    g = GaussianVector([x, y, z], [[2, 0, 1], [0, 1, 0], [1, 0, 1]])
    assert g.expect(x**2) == 2
    assert g.expect(x * z) == 1
    assert g.expect(x**2 * y**2) == 2
    assert g.expect(x**2 * z**2) == 2 * 1 + 2 * 1**2          # E x^2 E z^2 + 2 (E x z)^2 = 4
    assert g.expect(x**2 * z**2) == 4


def test_odd_block_moments_are_zero_and_even_ones_follow_isserlis():
    g = GaussianVector([x, y], sympy.eye(2))
    assert g.moment((1, 1)).as_expr() == 0                      # each block odd
    assert g.moment((3, 0)).as_expr() == 0
    assert g.moment((4, 0)).as_expr() == 3
    assert g.moment((2, 2)).as_expr() == 1
    assert g.moment((6, 0)).as_expr() == 15


def test_a_block_moment_with_no_contributing_pair_is_zero():
    """Block {x, y, z} with cov(x, y) = 0 but both tied to z: E[x y] = 0, E[x y z^2] = 2 cov(x,z) cov(y,z)."""
    half = sympy.Rational(1, 2)
    g = GaussianVector([x, y, z], [[1, 0, half], [0, 1, half], [half, half, 1]])
    assert g.moment((1, 1, 0)).as_expr() == 0
    assert g.expect(x * y) == 0
    assert g.expect(x * y * z**2) == sympy.Rational(1, 2)


def test_an_odd_term_before_even_ones_does_not_stop_the_sum():
    """E[x^3 + x^2] = 1 and E[x^5 + x y + y^4] = 3 for independent standard normals."""
    g = GaussianVector([x, y], sympy.eye(2))
    assert g.expect(x**3 + x**2) == 1
    assert g.expect(x**5 + x * y + y**4) == 3
    assert expectation(x**3 * y + 2 * x**2, [x, y], sympy.eye(2)) == 2


def test_block_covariance_accepts_nested_lists_matrices_and_scalars():
    expected = sympy.diag(1, 2, 3, 5)
    assert block_covariance([[1, 0], [0, 2]], 3, sympy.Matrix([[5]])) == expected
    assert block_covariance(sympy.ImmutableMatrix([[1, 0], [0, 2]]), sympy.Integer(3), [[5]]) == expected
    assert block_covariance(a) == sympy.Matrix([[a]])


def test_symmetric_matrix_symbols_are_real_and_take_assumptions():
    M = symmetric_matrix_symbols("S", 3, positive=True)
    assert M.shape == (3, 3) and M == M.T
    assert M[0, 2].name == "S_13"
    assert all(e.is_real and e.is_positive for e in M)
    assert symmetric_matrix_symbols("T", 2)[0, 1].is_real is True


def test_the_block_search_continues_past_a_node_met_twice():
    """Edges 0-1, 0-2, 0-3, 3-4, 4-2: the search from 0 meets node 2 twice while 1 still waits on its stack; all five
    coordinates form one block, so E[x0 x1] = cov(x0, x1) = 1/10 (a search that stopped would split off x1: 0)."""
    xs = sympy.symbols("x0:5")
    cov = sympy.eye(5)
    for i, j in [(0, 1), (0, 2), (0, 3), (3, 4), (4, 2)]:
        cov[i, j] = cov[j, i] = sympy.Rational(1, 10)
    g = GaussianVector(xs, cov)
    assert g.expect(xs[0] * xs[1]) == sympy.Rational(1, 10)
    assert g.expect(xs[1] * xs[4]) == 0
    assert g.expect(xs[0] ** 2 * xs[1] * xs[2]) == sympy.Rational(1, 50)      # c00 c12 + 2 c01 c02
