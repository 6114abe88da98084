r"""In-context mappings of model (6), symbolically: the trigonometric relation of §5.2 / Figure 2, and the
read-out position τ = T of the Conclusion (Sander et al., ICML 2024).

**The relation at the zero-loss parameters of Proposition 6.** Under Assumptions 1 and 3 with
:math:`\mathcal{C}_O` and :math:`p_t = 0` for :math:`t < T-1`, Lemma 2 gives per conjugate pair
:math:`(\lambda, \bar\lambda) = (e^{i\theta}, e^{-i\theta})`, with the 2×2 block
:math:`\begin{pmatrix} c & b\\ b & c\end{pmatrix}` of :math:`\mathbf{C} = \mathbf{B}^\top\mathbf{A}`:

.. math:: \mathcal{T}_\theta(e_{1:T})_{2i-1} = \underbrace{p_{T-1}(c+b)}_{\text{position } T-1} e_{T-1}
          + \underbrace{p_T(c\lambda + b\bar\lambda)}_{\text{position } T} e_T ,
          \qquad c\lambda + b\bar\lambda = (c+b)\cos\theta + i(c-b)\sin\theta .

Realified (multiplication by :math:`\lambda` is :math:`R_\theta`, by :math:`i` is :math:`R_{\pi/2}`), the model
applies to :math:`s_{T-1}` the matrix :math:`\kappa_I I_2 + \kappa_{\cos}\cos\theta R_\theta + \kappa_{\sin}\sin\theta
R_{\theta+\pi/2}` with (:func:`block_coefficients`)

.. math:: (\kappa_I, \kappa_{\cos}, \kappa_{\sin}) = (p_{T-1}(c+b),\ p_T(c+b),\ p_T(c-b)).

Zero loss (A.9: :math:`p_T c = 1`, :math:`p_{T-1}(c+b) + p_T b = 0`) gives, with :math:`\beta = p_T b`,
:math:`(\kappa_I, \kappa_{\cos}, \kappa_{\sin}) = (-\beta, 1+\beta, 1-\beta)` and (:func:`relation_family`)

.. math:: -\beta I_2 + (1+\beta)\cos\theta R_\theta + (1-\beta)\sin\theta R_{\theta+\pi/2} = R_{2\theta}
          \quad\text{for every } \beta ,

a one-parameter family that contains the trigonometric formula :math:`2\cos\theta R_\theta - I_2 = R_{2\theta}`
(β = 1: Lemma 3, the rank-δ minima) and :math:`R_\theta R_\theta` (β = 0: Proposition 3's mapping). Because
:math:`\cos\theta R_\theta - \sin\theta R_{\theta+\pi/2} = I_2`, the three matrix functions are linearly
dependent: the relation is identified by the positions the terms come from, not by the function of θ.

**Read-out at τ = T.** With the query :math:`e_T` instead of :math:`e_{T-1}`, every coordinate of
:math:`\sum_h\sum_{t\le T} P_{T,t}\langle e_t | A^h e_T\rangle B^h e_t` is a sum of terms
:math:`e_{t,j}\,\overline{e_{T,k}}\,e_{t,l}`, of total degree :math:`2(t-1) - (T-1) \equiv T+1 \pmod 2` in the
context, while :math:`s_{T+1} = \lambda^T` has degree T (:func:`last_query_output`, :func:`degree_parities`).
Under :math:`W \mapsto -W` (which preserves :math:`\mathcal{C}_U`, :math:`\mathcal{C}_O`, Haar measures) the
output gets the factor :math:`(-1)^{T+1}` and the target :math:`(-1)^T`, so
:math:`\mathbb{E}\langle \mathcal{T}, s_{T+1}\rangle = 0` and
:math:`\mathbb{E}\|\mathcal{T} - s_{T+1}\|^2 = \mathbb{E}\|\mathcal{T}\|^2 + \mathbb{E}\|s_{T+1}\|^2 \ge d`, for any
(full, not only diagonal) :math:`A^h, B^h`, any P and any H, with equality only for the zero output.
"""

from __future__ import annotations

from typing import Sequence

import sympy

from .diagonal_attention import ar_tokens, rotation, square_matrix
from .errors import DomainError
from .laurent import LaurentPolynomial, mean_square_norm


def relation_family(beta, theta) -> sympy.Matrix:
    r""":math:`-\beta I_2 + (1+\beta)\cos\theta R_\theta + (1-\beta)\sin\theta R_{\theta+\pi/2}`.

    >>> th = sympy.Symbol("theta", real=True)
    >>> relation_family(1, th) == 2 * sympy.cos(th) * rotation(th) - sympy.eye(2)
    True
    """
    beta = sympy.sympify(beta)
    return (-beta * sympy.eye(2) + (1 + beta) * sympy.cos(theta) * rotation(theta)
            + (1 - beta) * sympy.sin(theta) * rotation(theta + sympy.pi / 2))


def relation_family_residual(beta, theta) -> sympy.Matrix:
    r""":math:`\text{relation\_family}(\beta, \theta) - R_{2\theta}`, simplified (zero for every β).

    >>> b, th = sympy.symbols("beta theta", real=True)
    >>> relation_family_residual(b, th)
    Matrix([
    [0, 0],
    [0, 0]])
    """
    M = relation_family(beta, theta) - rotation(2 * theta)
    return M.applyfunc(lambda x: sympy.simplify(sympy.expand_trig(sympy.expand(x))))


def realified_multiplier(g) -> sympy.Matrix:
    r"""The real 2×2 matrix of multiplication by the complex number g on a conjugate pair :math:`(z, \bar z)`
    (coordinates :math:`\sqrt2(\mathrm{Re}\,z, \mathrm{Im}\,z)`): :math:`\begin{pmatrix}\mathrm{Re}\,g & -\mathrm{Im}\,g\\
    \mathrm{Im}\,g & \mathrm{Re}\,g\end{pmatrix}`.

    >>> th = sympy.Symbol("theta", real=True)
    >>> realified_multiplier(sympy.exp(sympy.I * th)).applyfunc(sympy.simplify) == rotation(th)
    True
    """
    g = sympy.expand_complex(sympy.sympify(g))
    re, im = sympy.re(g), sympy.im(g)
    return sympy.Matrix([[re, -im], [im, re]])


def block_coefficients(c, b, pT1, pT) -> tuple:
    r""":math:`(\kappa_I, \kappa_{\cos}, \kappa_{\sin}) = (p_{T-1}(c+b), p_T(c+b), p_T(c-b))` of a block
    :math:`\begin{pmatrix} c & b\\ b & c\end{pmatrix}` (see the module docstring).

    >>> block_coefficients(sympy.Rational(1, 2), sympy.Rational(1, 2), -1, 2)     # Lemma 3
    (-1, 2, 0)
    """
    c, b, pT1, pT = (sympy.sympify(x) for x in (c, b, pT1, pT))
    return (sympy.expand(pT1 * (c + b)), sympy.expand(pT * (c + b)), sympy.expand(pT * (c - b)))


def position_contributions(C: sympy.Matrix, p: Sequence, T: int) -> list[list[LaurentPolynomial]]:
    r"""Lemma 2's output split by attention position: element ``[t-1][i]`` is
    :math:`p_t \sum_j C_{ij}\lambda_j^{t-T+1}\lambda_i^{t-1}`, t = 1..T (their sum over t is the output).

    >>> C = sympy.Matrix([[1, 0], [0, 1]])
    >>> [f.terms for f in position_contributions(C, [0, 1], 2)[1]]
    [{(2, 0): 1}, {(0, 2): 1}]
    """
    C, d = square_matrix(C)
    if len(p) != T:
        raise DomainError(f"p has length {len(p)}; expected T = {T}")
    lam = LaurentPolynomial.variables(d)
    out = []
    for t in range(1, T + 1):
        row = []
        for i in range(d):
            f = LaurentPolynomial(d)
            for j in range(d):
                f = f + (lam[j] ** (t - T + 1)) * (lam[i] ** (t - 1)) * (sympy.sympify(p[t - 1]) * C[i, j])
            row.append(f)
        out.append(row)
    return out


def last_query_output(a: sympy.Matrix, b: sympy.Matrix, p: Sequence, T: int, full: bool = False
                      ) -> list[LaurentPolynomial]:
    r"""Model (6) read at τ = T (query :math:`e_T`, positions t = 1..T, weights ``p`` = :math:`P_{T,1..T}`) on
    :math:`e_t = \lambda^{t-1}`: :math:`\sum_h\sum_t p_t\langle e_t | A^h e_T\rangle_{\mathbb{C}} B^h e_t`.

    ``a``, ``b``: (H, d) diagonals (Assumption 3), or with ``full=True`` lists of H d×d matrices.

    >>> out = last_query_output(sympy.Matrix([[1]]), sympy.Matrix([[1]]), [0, 1], 2)
    >>> out[0].terms                      # <e_2|e_2> e_2 = lambda: degree 1, target lambda^2 has degree 2
    {(1,): 1}
    """
    if full:
        mats_a = [sympy.Matrix(x) for x in a]
        mats_b = [sympy.Matrix(x) for x in b]
        d = square_matrix(mats_a[0])[1]
    else:
        a, b = sympy.Matrix(a), sympy.Matrix(b)
        d = a.shape[1]
        mats_a = [sympy.diag(*a.row(h)) for h in range(a.shape[0])]
        mats_b = [sympy.diag(*b.row(h)) for h in range(b.shape[0])]
    if len(mats_a) != len(mats_b) or any(M.shape != (d, d) for M in mats_a + mats_b):
        raise DomainError(f"the heads must be H pairs of d x d matrices (d = {d}), as many A as B")
    if len(p) != T:
        raise DomainError(f"p has length {len(p)}; expected T = {T}")
    e = ar_tokens(d, T)
    zero = LaurentPolynomial(d)
    out = [zero for _ in range(d)]
    for A, B in zip(mats_a, mats_b):
        query = [sum((e[T - 1][k] * A[j, k] for k in range(d)), zero) for j in range(d)]   # A e_T
        for t in range(T):
            score = zero
            for j in range(d):                                                              # <e_t | A e_T>
                score = score + e[t][j] * query[j].conjugate()
            for i in range(d):
                value = sum((e[t][l] * B[i, l] for l in range(d)), zero)                    # (B e_t)_i
                out[i] = out[i] + score * value * sympy.sympify(p[t])
    return out


def degree_parities(polys: Sequence[LaurentPolynomial]) -> set[int]:
    """The parities (0 or 1) of the total degrees of every monomial of ``polys``.

    >>> l1, l2 = LaurentPolynomial.variables(2)
    >>> sorted(degree_parities([l1 * l2 ** -2, l1 ** 3]))
    [1]
    """
    return {sum(k) % 2 for f in polys for k in f.terms}


def last_query_loss_split(a: sympy.Matrix, b: sympy.Matrix, p: Sequence, T: int, context: str = "unitary",
                          full: bool = False) -> tuple:
    r"""``(E‖out - λ^T‖², E‖out‖², cross)`` for the τ = T read-out, exactly; ``cross`` is
    :math:`\mathbb{E}\|out - \lambda^T\|^2 - \mathbb{E}\|out\|^2 - d` (zero by the parity argument).

    >>> x = sympy.Symbol("x", real=True)
    >>> last_query_loss_split(sympy.Matrix([[x]]), sympy.Matrix([[1]]), [0, 1], 2)
    (x**2 + 1, x**2, 0)
    """
    out = last_query_output(a, b, p, T, full=full)
    d = len(out)
    lam = LaurentPolynomial.variables(d)
    total = mean_square_norm([f - lam[i] ** T for i, f in enumerate(out)], context)
    own = mean_square_norm(out, context)
    return total, own, sympy.expand(total - own - d)
