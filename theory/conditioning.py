r"""Conditioning of the positional-encoding-only loss (7) (Sander et al., §5.3, Proposition 7, proof A.10).

Problem (7): :math:`\min_{p\in\mathbb{R}^T} l(p) := \mathbb{E}_{\lambda\sim\mathcal{W}(\mu)}
|\sum_{t=1}^T p_t\lambda^{2t-T} - \lambda^T|^2`, with :math:`\lambda = e^{i\theta/\mu}`,
:math:`\theta\sim\mathcal{U}(0, 2\pi)`.

Everything here is derived by SymPy integration over θ, never from the printed formula:

- :func:`even_moment` — :math:`\mathbb{E}\lambda^{2k}` for an integer :math:`k \ne 0` (A.10's expectation);
- :func:`loss_7` — :math:`l(p)` for a given T as an exact expression in :math:`p_1..p_T` and μ;
- :func:`hessian_7` — :math:`\nabla^2 l`, the actual Hessian;
- :func:`printed_hessian` — the matrix printed in Proposition 7, diagonal read as its limit 1.
"""

from __future__ import annotations

import sympy

from .errors import DomainError

THETA = sympy.Symbol("theta", real=True)
MU = sympy.Symbol("mu", positive=True)
K = sympy.Symbol("k", integer=True, nonzero=True)


def even_moment(k=K, mu=MU):
    r""":math:`\mathbb{E}_{\lambda\sim\mathcal{W}(\mu)}\lambda^{2k} = \frac{1}{2\pi}\int_0^{2\pi} e^{2ik\theta/\mu}d\theta`
    by SymPy integration (A.10), for an integer :math:`k \ne 0`.

    >>> even_moment()
    I*mu*(1 - exp(4*I*pi*k/mu))/(4*pi*k)
    """
    if isinstance(k, int) and k == 0:
        raise DomainError("k = 0 is out of range: even_moment needs an integer k != 0 (the k = 0 moment is 1)")
    return sympy.simplify(sympy.integrate(sympy.exp(2 * sympy.I * k * THETA / mu), (THETA, 0, 2 * sympy.pi))
                          / (2 * sympy.pi))


def real_even_moment(k=K, mu=MU):
    r""":math:`\mathrm{Re}\,\mathbb{E}\lambda^{2k}` (derived from :func:`even_moment`).

    >>> real_even_moment()
    mu*sin(4*pi*k/mu)/(4*pi*k)
    """
    return sympy.simplify(sympy.re(sympy.expand_complex(even_moment(k, mu))))


def printed_entry(k=K, mu=MU):
    r"""The off-diagonal entry printed in Proposition 7: :math:`\frac{\mu}{4\pi k}\sin(4k\pi/\mu)`, k = t' - t.

    >>> printed_entry(1, 4)
    0
    """
    return mu / (4 * sympy.pi * k) * sympy.sin(4 * k * sympy.pi / mu)


def printed_hessian(T: int, mu=MU) -> sympy.Matrix:
    r"""The T x T matrix printed in Proposition 7 (diagonal = its limit 1, as A.10 says).

    >>> printed_hessian(2, 8)
    Matrix([
    [   1, 2/pi],
    [2/pi,    1]])
    """
    _check_T(T)
    return sympy.Matrix(T, T, lambda i, j: sympy.Integer(1) if i == j else printed_entry(j - i, mu))


def p_symbols(T: int) -> tuple:
    """Real symbols :math:`p_1, \\dots, p_T`."""
    _check_T(T)
    return sympy.symbols(f"p1:{T + 1}", real=True)


def loss_7(T: int, mu=MU):
    r"""The loss (7) for horizon T, exactly: :math:`\frac{1}{2\pi}\int_0^{2\pi}|f(e^{i\theta/\mu})|^2 d\theta`
    with :math:`f(\lambda) = \sum_t p_t\lambda^{2t-T} - \lambda^T`, integrated term by term by SymPy.

    >>> p = p_symbols(2)
    >>> sympy.simplify(loss_7(2).subs({p[0]: 0, p[1]: 1}))   # p* = delta_{t=T}
    0
    """
    p = p_symbols(T)
    f = sum(p[t - 1] * sympy.exp(sympy.I * (2 * t - T) * THETA / mu) for t in range(1, T + 1)) \
        - sympy.exp(sympy.I * T * THETA / mu)
    integrand = sympy.expand(f * sympy.conjugate(f))
    total = sympy.Integer(0)
    for term in sympy.Add.make_args(integrand):
        total += sympy.integrate(term, (THETA, 0, 2 * sympy.pi))
    return sympy.expand(total / (2 * sympy.pi))


def _real_simplify(expr):
    return sympy.simplify(sympy.expand_complex(expr).rewrite(sympy.sin))


def hessian_7(T: int, mu=MU) -> sympy.Matrix:
    r"""The actual Hessian :math:`\nabla^2_p l` of (7), from :func:`loss_7` (entries simplified to real form).

    >>> hessian_7(2, 8)
    Matrix([
    [   2, 4/pi],
    [4/pi,    2]])
    """
    H = sympy.hessian(loss_7(T, mu), p_symbols(T))
    return H.applyfunc(_real_simplify)


def hessian_ratio_to_printed(T: int, mu=MU) -> sympy.Matrix:
    r"""Entrywise :math:`\nabla^2 l - 2 H_{\mathrm{printed}}` simplified; the zero matrix when the Hessian is twice the print.

    >>> hessian_ratio_to_printed(2)
    Matrix([
    [0, 0],
    [0, 0]])
    """
    return (hessian_7(T, mu) - 2 * printed_hessian(T, mu)).applyfunc(_real_simplify)


def limit_entry(k=K):
    r""":math:`\lim_{\mu\to\infty}` of the printed entry, used with Kato's continuity argument of A.10.

    >>> limit_entry()
    1
    """
    return sympy.limit(printed_entry(k, MU), MU, sympy.oo)


def _check_T(T: int) -> None:
    if not (isinstance(T, int) and T >= 1):
        raise DomainError(f"T = {T!r} is out of range: it must be an integer >= 1")
