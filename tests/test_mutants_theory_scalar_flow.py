"""Mutation tests for theory.scalar_flow: the AM-GM certificate of A.7 in the variables it documents
(benchmarks/mutation.md)."""

import sympy

from ical_verify.theory import scalar_flow as sf


def test_amgm_certificate_is_in_nonnegative_x_y_z_and_gives_the_bound_on_S():
    r"""lhs = (x+y+z)^3 - 27xyz at x, y, z = a²b², b²p², a²p² is :math:`S^3 - 27(pab)^4`; rhs is a sum of
    products of nonnegative factors, which SymPy sees from the assumptions x, y, z >= 0."""
    lhs, rhs = sf.amgm_certificate()
    x, y, z = sympy.symbols("x y z", nonnegative=True)
    assert lhs.free_symbols == rhs.free_symbols == {x, y, z}
    assert rhs.is_nonnegative is True
    a, b, p = sf.a, sf.b, sf.p
    S = a ** 2 * b ** 2 + b ** 2 * p ** 2 + a ** 2 * p ** 2
    at = {x: a ** 2 * b ** 2, y: b ** 2 * p ** 2, z: a ** 2 * p ** 2}
    assert sympy.expand(lhs.subs(at, simultaneous=True) - (S ** 3 - 27 * (p * a * b) ** 4)) == 0
