r"""Gradient flow of the scalar loss :math:`\ell(a, b, p) = (pab - 1)^2` (Sander et al., §5.1, Proposition 5, A.7).

Derived symbolically:

- :func:`vector_field` — :math:`(\dot a, \dot b, \dot p) = -\nabla\ell`;
- :func:`time_derivative` — :math:`\frac{d}{dt} g(a, b, p)` along the flow, for any expression g;
- :func:`conserved_quantities` — :math:`a^2 - b^2`, :math:`a^2 - p^2`, :math:`b^2 - p^2` with their (zero)
  derivatives;
- :func:`residual_equation` — :math:`\dot r = -2rS` for :math:`r = pab - 1`, :math:`S = a^2b^2 + b^2p^2 + a^2p^2`;
- :func:`speed_squared` — :math:`|\dot y|^2 = 4r^2S` (finite path length once r decays exponentially);
- :func:`energy_derivative` — :math:`\dot\ell = -|\nabla\ell|^2`;
- :func:`amgm_certificate` — :math:`(x+y+z)^3 - 27xyz` written as a combination of squares with nonnegative
  multipliers, so :math:`S^3 \ge 27(pab)^4` (x, y, z = a²b², b²p², a²p²);
- :func:`stationary_points` — solutions of :math:`\nabla\ell = 0`;
- :func:`hessian_at` — :math:`\nabla^2\ell` at a point (to classify the non-global stationary points of A.7).
"""

from __future__ import annotations

import sympy

a, b, p = sympy.symbols("a b p", real=True)
VARS = (a, b, p)


def loss():
    """:math:`\\ell(a, b, p) = (pab - 1)^2` (Proposition 5).

    >>> loss()
    (a*b*p - 1)**2
    """
    return (p * a * b - 1) ** 2


def vector_field() -> tuple:
    """The gradient flow :math:`-\\nabla\\ell` (A.7).

    >>> vector_field()
    (-2*b*p*(a*b*p - 1), -2*a*p*(a*b*p - 1), -2*a*b*(a*b*p - 1))
    """
    return tuple(sympy.factor(-sympy.diff(loss(), v)) for v in VARS)


def time_derivative(expr):
    """:math:`\\frac{d}{dt}` expr along the flow (chain rule with :func:`vector_field`).

    >>> time_derivative(a**2 - b**2)
    0
    """
    return sympy.simplify(sum(sympy.diff(expr, v) * f for v, f in zip(VARS, vector_field())))


def conserved_quantities() -> dict:
    """The balancedness quantities and their derivatives along the flow (all zero).

    >>> conserved_quantities()["a^2 - p^2"]
    (a**2 - p**2, 0)
    """
    out = {}
    for name, e in (("a^2 - b^2", a ** 2 - b ** 2), ("a^2 - p^2", a ** 2 - p ** 2), ("b^2 - p^2", b ** 2 - p ** 2)):
        out[name] = (e, time_derivative(e))
    return out


def residual_equation():
    """:math:`\\dot r` for :math:`r = pab - 1`, and its factorisation :math:`-2rS`.

    >>> d, S = residual_equation()
    >>> sympy.simplify(d + 2 * (p*a*b - 1) * S)
    0
    """
    S = a ** 2 * b ** 2 + b ** 2 * p ** 2 + a ** 2 * p ** 2
    return sympy.factor(time_derivative(p * a * b - 1)), S


def speed_squared():
    r""":math:`|\dot y|^2` along the flow, factored.

    >>> speed_squared()
    4*(a*b*p - 1)**2*(a**2*b**2 + a**2*p**2 + b**2*p**2)
    """
    return sympy.factor(sum(f ** 2 for f in vector_field()))


def energy_derivative():
    r""":math:`\frac{d}{dt}\ell` along the flow and :math:`-|\nabla\ell|^2` (equal).

    >>> d, g = energy_derivative()
    >>> sympy.simplify(d - g)
    0
    """
    return time_derivative(loss()), -sum(sympy.diff(loss(), v) ** 2 for v in VARS)


def amgm_certificate():
    r"""(lhs, rhs) with lhs = :math:`(x+y+z)^3 - 27xyz` and rhs = :math:`	frac12(x+y+z)\sum(x-y)^2 +
    3[x(y-z)^2 + y(z-x)^2 + z(x-y)^2]`, nonnegative for x, y, z >= 0; lhs - rhs expands to 0.

    >>> lhs, rhs = amgm_certificate()
    >>> sympy.expand(lhs - rhs)
    0
    """
    x, y, z = sympy.symbols("x y z", nonnegative=True)
    lhs = (x + y + z) ** 3 - 27 * x * y * z
    rhs = (sympy.Rational(1, 2) * (x + y + z) * ((x - y) ** 2 + (y - z) ** 2 + (z - x) ** 2)
           + 3 * (x * (y - z) ** 2 + y * (z - x) ** 2 + z * (x - y) ** 2))
    return lhs, rhs


def stationary_points() -> list:
    """Solutions of :math:`\\nabla\\ell = 0` (SymPy solve): the surface pab = 1 and the lines where two of
    a, b, p vanish.

    >>> len(stationary_points()) >= 4
    True
    """
    return sympy.solve([sympy.diff(loss(), v) for v in VARS], VARS, dict=True)


def hessian_at(point: dict):
    """:math:`\\nabla^2\\ell` at ``point`` (a dict of values for a, b, p).

    >>> hessian_at({a: 0, b: 0, p: 1})
    Matrix([
    [ 0, -2, 0],
    [-2,  0, 0],
    [ 0,  0, 0]])
    """
    return sympy.hessian(loss(), VARS).subs(point)
