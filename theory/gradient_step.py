r"""The inner loss (5) of Sander et al. (ICML 2024) and one gradient-descent step on it (Proposition 1).

.. math:: L(W, e_{1:T}) = \frac12 \sum_{t=1}^{T-1} \| s_{t+1} - W s_t \|^2 \qquad (5)

For complex sequences and a complex matrix :math:`W = X + iY` the loss is a real function of
:math:`(X, Y)`; its gradient in the real sense, written as one complex matrix, is

.. math:: \nabla L(W) := \partial_X L + i\,\partial_Y L = -\sum_{t=1}^{T-1} (s_{t+1} - W s_t)\, s_t^*,

which for real sequences is the ordinary gradient (proof A.2 writes :math:`-\sum_t s_{t+1} s_t^\top` at
:math:`W_0 = 0`). ``first`` selects where the sum over pairs starts: ``first=1`` is (5); ``first=0`` adds
the pair :math:`(s_0, s_1)` (the AR process run one step back), which is what model (4) sums under the
convention :math:`s_0 = W^{-1}s_1` (see :mod:`ical_verify.theory.augmented_attention`).
"""

from __future__ import annotations

from typing import Sequence

import sympy

from .errors import DomainError


def _pairs(seq: Sequence[sympy.Matrix], first: int) -> range:
    if first not in (0, 1):
        raise DomainError(f"first = {first} is out of range: the sum over pairs starts at t = 0 or t = 1")
    if len(seq) < 2:
        raise DomainError(f"sequence length {len(seq)} is out of range: (5) needs s_0..s_T with T >= 1")
    return range(first, len(seq) - 1)


def inner_loss(W: sympy.Matrix, seq: Sequence[sympy.Matrix], first: int = 1):
    r"""Loss (5): :math:`\frac12\sum_{t=first}^{T-1} \|s_{t+1} - W s_t\|^2` for ``seq = [s_0, s_1, ..., s_T]``.

    ``seq[0]`` is :math:`s_0` (ignored when ``first = 1``).

    >>> s = [sympy.Matrix([0]), sympy.Matrix([1]), sympy.Matrix([2]), sympy.Matrix([4])]
    >>> inner_loss(sympy.Matrix([[2]]), s), inner_loss(sympy.Matrix([[0]]), s)
    (0, 10)
    """
    total = sympy.Integer(0)
    for t in _pairs(seq, first):
        r = seq[t + 1] - W * seq[t]
        total += (r.H * r)[0, 0]
    return sympy.expand(total / 2)


def inner_loss_gradient(W: sympy.Matrix, seq: Sequence[sympy.Matrix], first: int = 1) -> sympy.Matrix:
    r"""Gradient of (5): :math:`-\sum_{t=first}^{T-1}(s_{t+1} - W s_t) s_t^*` (real gradient as one complex matrix).

    >>> s = [sympy.Matrix([0]), sympy.Matrix([1]), sympy.Matrix([2]), sympy.Matrix([4])]
    >>> inner_loss_gradient(sympy.Matrix([[0]]), s)
    Matrix([[-10]])
    """
    d = W.shape[0]
    g = sympy.zeros(d, d)
    for t in _pairs(seq, first):
        g -= (seq[t + 1] - W * seq[t]) * seq[t].H
    return g.applyfunc(sympy.expand)


def gradient_step(W0: sympy.Matrix, seq: Sequence[sympy.Matrix], eta, first: int = 1) -> sympy.Matrix:
    r"""One gradient step on (5): :math:`W_0 - \eta \nabla L(W_0, e_{1:T})` (Proposition 1).

    >>> s = [sympy.Matrix([0]), sympy.Matrix([1]), sympy.Matrix([2]), sympy.Matrix([4])]
    >>> gradient_step(sympy.Matrix([[0]]), s, sympy.Rational(1, 5))
    Matrix([[2]])
    """
    return (W0 - eta * inner_loss_gradient(W0, seq, first)).applyfunc(sympy.expand)
