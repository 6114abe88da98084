r"""Conditioning of the positional-encoding-only loss (7) (Sander et al., §5.3, Proposition 7, proof A.10).

Problem (7): :math:`\min_{p\in\mathbb{R}^T} l(p) := \mathbb{E}_{\lambda\sim\mathcal{W}(\mu)}
|\sum_{t=1}^T p_t\lambda^{2t-T} - \lambda^T|^2`, with :math:`\lambda = e^{i\theta/\mu}`,
:math:`\theta\sim\mathcal{U}(0, 2\pi)`.

Everything here is derived by SymPy integration over θ, never from the printed formula:

- :func:`even_moment` — :math:`\mathbb{E}\lambda^{2k}` for an integer :math:`k \ne 0` (A.10's expectation);
- :func:`loss_7` — :math:`l(p)` for a given T as an exact expression in :math:`p_1..p_T` and μ: the integrand
  :math:`|f(\lambda)|^2 = f(z)\,\overline{f}(1/z)` at :math:`z = \lambda` (|λ| = 1, real p) is expanded as a
  Laurent polynomial in z, and each power :math:`z^m` is replaced by its expectation (:func:`laurent_expectation`);
- :func:`hessian_7` — :math:`\nabla^2 l`, the actual Hessian;
- :func:`quadratic_part` — the second-order homogeneous part of l (A.10's :math:`\langle p|Hp\rangle`);
- :func:`printed_hessian` — the matrix printed in Proposition 7, diagonal read as its limit 1;
- :func:`printed_diagonal_limit` — the printed entry at t = t' is 0/0; its limit as t' - t -> 0.
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


Z = sympy.Symbol("z")

_MOMENTS: dict = {}


def laurent_expectation(m: int, mu=MU):
    r""":math:`\mathbb{E}_{\lambda\sim\mathcal{W}(\mu)}\lambda^m` for an integer m, by SymPy integration (cached):
    1 for m = 0, else :func:`even_moment` at k = m/2 (m even) or the integral itself (m odd).

    >>> laurent_expectation(0), laurent_expectation(2, 2), laurent_expectation(2, 4)
    (1, 0, 2*I/pi)
    """
    key = (int(m), mu)
    if key not in _MOMENTS:
        if m == 0:
            val = sympy.Integer(1)
        elif m % 2 == 0:
            val = even_moment(K, mu).subs(K, m // 2)
        else:
            val = sympy.simplify(sympy.integrate(sympy.exp(sympy.I * m * THETA / mu), (THETA, 0, 2 * sympy.pi))
                                 / (2 * sympy.pi))
        _MOMENTS[key] = val
    return _MOMENTS[key]


def laurent_coefficients(T: int, p=None) -> dict:
    r"""The Laurent coefficients :math:`c_m(p)` of :math:`f(z)\overline{f}(1/z) = \sum_m c_m z^m`,
    :math:`f(z) = \sum_{t=1}^T p_t z^{2t-T} - z^T` (the integrand of (7) at :math:`z = \lambda`, |λ| = 1, p real).

    >>> sorted(laurent_coefficients(2))
    [-2, 0, 2]
    """
    p = p_symbols(T) if p is None else p
    f = sum(p[t - 1] * Z ** (2 * t - T) for t in range(1, T + 1)) - Z ** T
    fbar = sum(p[t - 1] * Z ** (T - 2 * t) for t in range(1, T + 1)) - Z ** (-T)
    out: dict = {}
    for term in sympy.Add.make_args(sympy.expand(f * fbar)):
        c, e = term.as_coeff_exponent(Z)
        out[int(e)] = out.get(int(e), 0) + c
    return {m: sympy.expand(c) for m, c in out.items() if sympy.expand(c) != 0}


def loss_7(T: int, mu=MU):
    r"""The loss (7) for horizon T, exactly: :math:`\mathbb{E}|f(\lambda)|^2 = \sum_m c_m\,\mathbb{E}\lambda^m`
    (:func:`laurent_coefficients`, :func:`laurent_expectation`). The coefficients of :math:`z^m` and
    :math:`z^{-m}` are equal (checked), and :math:`\mathbb{E}\lambda^{-m} = \overline{\mathbb{E}\lambda^m}`, so
    each pair contributes :math:`2c_m\mathrm{Re}\,\mathbb{E}\lambda^m` and l is real.

    >>> p = p_symbols(2)
    >>> sympy.simplify(loss_7(2).subs({p[0]: 0, p[1]: 1}))   # p* = delta_{t=T}
    0
    """
    c = laurent_coefficients(T)
    if any(sympy.expand(c[m] - c.get(-m, 0)) != 0 for m in c):
        raise AssertionError("the Laurent coefficients of |f|^2 are not symmetric: p must be real")
    total = c.get(0, sympy.Integer(0))
    for m, cm in c.items():
        if m > 0:
            total += 2 * cm * real_laurent_expectation(m, mu)
    return sympy.expand(total)


_REAL_MOMENTS: dict = {}


def real_laurent_expectation(m: int, mu=MU):
    r""":math:`\mathrm{Re}\,\mathbb{E}\lambda^m` (cached): for even m, :func:`real_even_moment` at k = m/2
    (simplified once for a symbolic k), else the simplified real part of :func:`laurent_expectation`.

    >>> real_laurent_expectation(2, 8)
    2/pi
    """
    key = (int(m), mu)
    if key not in _REAL_MOMENTS:
        if m == 0:
            val = sympy.Integer(1)
        elif m % 2 == 0:
            if ("k", mu) not in _REAL_MOMENTS:
                _REAL_MOMENTS[("k", mu)] = real_even_moment(K, mu)
            val = _REAL_MOMENTS[("k", mu)].subs(K, m // 2)
        else:
            val = sympy.simplify(sympy.re(sympy.expand_complex(laurent_expectation(m, mu))))
        _REAL_MOMENTS[key] = val
    return _REAL_MOMENTS[key]


def quadratic_part(T: int, mu=MU):
    r"""The second-order homogeneous part of l in p (A.10's :math:`\langle p|Hp\rangle`).

    >>> p = p_symbols(2)
    >>> sympy.simplify(quadratic_part(2, 8) - (p[0]**2 + p[1]**2 + 4*p[0]*p[1]/sympy.pi))
    0
    """
    p = p_symbols(T)
    poly = sympy.Poly(loss_7(T, mu), *p)
    return sympy.expand(sum(coef * sympy.prod([v ** e for v, e in zip(p, mon)])
                            for mon, coef in poly.terms() if sum(mon) == 2))


def printed_diagonal_limit(entry=None):
    r""":math:`\lim_{k\to 0}` of the printed entry (it is 0/0 at k = t' - t = 0; A.10 says '1 otherwise').

    >>> printed_diagonal_limit()
    1
    """
    k = sympy.Symbol("k_real", real=True)
    e = (printed_entry if entry is None else entry)(k, MU)
    return sympy.limit(e, k, 0)


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
    return H.applyfunc(sympy.expand)          # loss_7 is already in real form


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
