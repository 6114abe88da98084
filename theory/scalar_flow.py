r"""Gradient flow of the scalar loss :math:`\ell(a, b, p) = (pab - 1)^2` (Sander et al., §5.1, Proposition 5, A.7).

Derived symbolically:

- :func:`vector_field` — :math:`(\dot a, \dot b, \dot p) = -\nabla\ell`;
- :func:`time_derivative` — :math:`\frac{d}{dt} g(a, b, p)` along the flow, for any expression g;
- :func:`conserved_quantities` — :math:`a^2 - b^2`, :math:`a^2 - p^2`, :math:`b^2 - p^2` with their (zero)
  derivatives;
- :func:`residual_equation` — :math:`\dot r = -2rS` for :math:`r = pab - 1`, :math:`S = a^2b^2 + b^2p^2 + a^2p^2`;
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
