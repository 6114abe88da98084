"""Mutation tests for theory.gradient_step: loss (5), its gradient and one GD step on complex data at d = 2,
against a direct NumPy evaluation, with the pair range and argument checks (benchmarks/mutation.md)."""

import numpy as np
import pytest
import sympy

from ical_verify.theory.errors import DomainError
from ical_verify.theory.gradient_step import gradient_step, inner_loss, inner_loss_gradient

I = sympy.I
SEQ = [sympy.Matrix([1 + 2 * I, -1]), sympy.Matrix([2, I]), sympy.Matrix([-1 + I, 3]), sympy.Matrix([0, 2 - I])]
W = sympy.Matrix([[1, I], [2, -1 + I]])


def _np(m):
    return np.array(m.tolist(), dtype=complex)


def _pairs_np(first):
    s = [_np(x)[:, 0] for x in SEQ]
    return [(s[t], s[t + 1]) for t in range(first, len(s) - 1)]


@pytest.mark.parametrize("first", [0, 1])
def test_loss_is_half_the_sum_of_squared_residuals(first):
    expect = 0.5 * sum(np.linalg.norm(b - _np(W) @ a) ** 2 for a, b in _pairs_np(first))
    value = inner_loss(W, SEQ, first)
    assert value.is_real and abs(complex(value) - expect) < 1e-9


@pytest.mark.parametrize("first", [0, 1])
def test_gradient_is_minus_the_sum_of_residual_times_s_t_star(first):
    expect = -sum(np.outer(b - _np(W) @ a, a.conj()) for a, b in _pairs_np(first))   # (d, d)
    g = inner_loss_gradient(W, SEQ, first)
    assert g.shape == (2, 2) and np.allclose(_np(g), expect, atol=1e-12)


@pytest.mark.parametrize("first", [0, 1])
def test_one_step_is_w0_minus_eta_gradient(first):
    eta = sympy.Rational(1, 3)
    expect = _np(W) + sum(np.outer(b - _np(W) @ a, a.conj()) for a, b in _pairs_np(first)) / 3
    assert np.allclose(_np(gradient_step(W, SEQ, eta, first)), expect, atol=1e-12)


def test_defaults_start_at_t1_and_the_gradient_is_the_real_derivative():
    """Default first = 1; ∂_X L + i ∂_Y L at W = X + iY (d = 1)."""
    assert inner_loss(W, SEQ) == inner_loss(W, SEQ, 1)
    assert inner_loss_gradient(W, SEQ) == inner_loss_gradient(W, SEQ, 1)
    assert gradient_step(W, SEQ, 2) == gradient_step(W, SEQ, 2, 1)
    p, q = sympy.symbols("p q", real=True)
    s = [sympy.Matrix([3]), sympy.Matrix([1 + I]), sympy.Matrix([2 - I]), sympy.Matrix([I])]
    w = sympy.Matrix([[p + I * q]])
    L = inner_loss(w, s)
    assert sympy.expand(inner_loss_gradient(w, s)[0, 0] - (sympy.diff(L, p) + I * sympy.diff(L, q))) == 0


def test_shortest_sequence_and_out_of_range_arguments():
    s = SEQ[:2]
    assert inner_loss(W, s) == 0 and inner_loss_gradient(W, s) == sympy.zeros(2, 2)
    r = SEQ[1] - W * SEQ[0]
    assert sympy.expand(inner_loss(W, s, 0) - (r.H * r)[0, 0] / 2) == 0
    with pytest.raises(DomainError):
        inner_loss(W, SEQ[:1])
    for bad in (2, -1):
        with pytest.raises(DomainError):
            inner_loss_gradient(W, SEQ, bad)
