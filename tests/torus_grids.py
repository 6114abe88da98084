"""Product grids of roots of unity on the torus, for tests that need exact means of Laurent polynomials.

The mean over the N-th roots of unity of lam^k is 1 if N divides k and 0 otherwise, so the mean over the grid of a
Laurent polynomial whose exponents (or exponent differences, for a mean square) stay below N in absolute value is
its exact expectation for independent uniform phases (contexts C_U), and with conjugate pairs, for C_O.
"""

import itertools

import numpy as np


def unitary_grid(d: int, n: int) -> np.ndarray:
    """(n^d, d) points of (U_n)^d."""
    roots = np.exp(2j * np.pi * np.arange(n) / n)
    return np.array(list(itertools.product(roots, repeat=d)))


def orthogonal_grid(delta: int, n: int) -> np.ndarray:
    """(n^delta, 2 delta) points (z_1, conj z_1, ..., z_delta, conj z_delta): the spectra of C_O on a grid."""
    z = unitary_grid(delta, n)
    lam = np.empty((z.shape[0], 2 * delta), dtype=complex)
    lam[:, 0::2], lam[:, 1::2] = z, z.conj()
    return lam


def evaluate_terms(f, lam: np.ndarray) -> np.ndarray:
    """A Laurent polynomial given by its ``terms`` ({exponent tuple: coefficient}) at the points ``lam`` (M, d)."""
    out = np.zeros(lam.shape[0], dtype=complex)
    for k, c in f.terms.items():
        out += complex(c) * np.prod(lam ** np.array(k), axis=1)
    return out
