"""Shared helpers of the §5 checks (Lemma 2, Propositions 3, 4, 6, Lemma 3, Figure 3)."""

from __future__ import annotations

import numpy as np
import sympy

from ical_verify.theory import diagonal_attention as th


def model_minus_rhs(H: int, d: int, T: int, rhs_C=None) -> list:
    """Model (6) derived literally with symbolic a_h, b_h, p, minus Lemma 2's right-hand side.

    ``rhs_C(A, B)`` builds the matrix used on the right-hand side (default :math:`B^\\top A`, as printed);
    a deliberately wrong builder (e.g. ``A^T B``) lets tests show that the comparison can fail.
    Returns the list of non-zero coefficient differences (empty iff the identity holds).
    """
    A = th.symbolic_matrix("a", H, d)
    B = th.symbolic_matrix("b", H, d)
    p = th.symbolic_row("p", T)
    C = (rhs_C or (lambda A_, B_: B_.T * A_))(A, B)
    lhs = th.model6_output(A, B, p, T)
    rhs = th.lemma2_rhs(C, p, T)
    out = []
    for f, g in zip(lhs, rhs):
        out.extend(c for c in (f - g).terms.values() if sympy.expand(c) != 0)
    return out


def random_rational_matrix(rng: np.random.Generator, rows: int, cols: int, scale: int = 5) -> sympy.Matrix:
    """A matrix of random small rationals (exact arithmetic)."""
    return sympy.Matrix(rows, cols, lambda i, j: sympy.Rational(int(rng.integers(-scale * 4, scale * 4 + 1)), 4))


def table(rows: list[dict]) -> str:
    """A compact one-line rendering of per-case results for check details."""
    return "; ".join(", ".join(f"{k}={v}" for k, v in r.items()) for r in rows)
