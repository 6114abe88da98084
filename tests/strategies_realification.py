"""Hypothesis strategies for Remark 1: unitary matrices, rotations of SO(2d) (with eigenvalues ±1 of even
multiplicity) and improper orthogonal matrices, drawn as matrices (entries, eigenphases, bases), not seeds."""

from __future__ import annotations

import numpy as np
import scipy.linalg
from hypothesis import strategies as st

_entry = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)
_phase = st.floats(0.0, 2 * np.pi, allow_nan=False, allow_infinity=False)


@st.composite
def hermitian_matrices(draw, d: int):
    """Hermitian d x d matrices from drawn real and imaginary entries."""
    re = np.array(draw(st.lists(_entry, min_size=d * d, max_size=d * d))).reshape(d, d)
    im = np.array(draw(st.lists(_entry, min_size=d * d, max_size=d * d))).reshape(d, d)
    Z = re + 1j * im
    return (Z + Z.conj().T) / 2


@st.composite
def unitary_matrices(draw, max_d: int = 4, real_eigenvalues: bool | None = None):
    """Unitaries V diag(e^{i phi}) V^* with V = expm(iH), H drawn Hermitian, and eigenphases drawn. With
    ``real_eigenvalues=True`` some eigenvalues are ±1 (phases 0 or π); ``False``: generic phases only; ``None``:
    either."""
    d = draw(st.integers(1, max_d))
    V = scipy.linalg.expm(1j * draw(hermitian_matrices(d)))
    special = st.sampled_from([0.0, np.pi])
    if real_eigenvalues is True:
        phases = [draw(special)] + [draw(st.one_of(special, _phase)) for _ in range(d - 1)]
    elif real_eigenvalues is False:
        phases = [draw(st.floats(0.05, np.pi - 0.05)) * draw(st.sampled_from([1, -1])) for _ in range(d)]
    else:
        phases = [draw(st.one_of(special, _phase)) for _ in range(d)]
    return V @ np.diag(np.exp(1j * np.array(phases))) @ V.conj().T


@st.composite
def orthogonal_bases(draw, n: int):
    """Orthogonal n x n matrices expm(S) with S skew-symmetric from drawn entries (rotations)."""
    A = np.array(draw(st.lists(_entry, min_size=n * n, max_size=n * n))).reshape(n, n)
    return scipy.linalg.expm(A - A.T)


@st.composite
def rotations(draw, max_d: int = 4, min_real_pairs: int = 0):
    """Rotations of SO(2d): Q diag(R(θ_1), ..., ±I_2, ...) Q^T with k₊ blocks +I_2 and k₋ blocks -I_2 (so the
    eigenvalues +1 and -1 have even multiplicity), the other blocks rotations by θ in (0, π)."""
    d = draw(st.integers(max(1, min_real_pairs), max_d))
    k_real = draw(st.integers(min_real_pairs, d))
    signs = [draw(st.sampled_from([1.0, -1.0])) for _ in range(k_real)]
    thetas = [draw(st.floats(0.05, np.pi - 0.05)) for _ in range(d - k_real)]
    D = np.zeros((2 * d, 2 * d))
    for k, s in enumerate(signs):
        D[2 * k:2 * k + 2, 2 * k:2 * k + 2] = s * np.eye(2)
    for k, th in enumerate(thetas, start=k_real):
        D[2 * k:2 * k + 2, 2 * k:2 * k + 2] = [[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]]
    Q = draw(orthogonal_bases(2 * d))
    return Q @ D @ Q.T


@st.composite
def improper_orthogonal_matrices(draw, max_d: int = 3):
    """Orthogonal matrices of even size 2d with determinant -1: Q diag(-1, 1, ..., 1) Q^T."""
    d = draw(st.integers(1, max_d))
    D = np.eye(2 * d)
    D[0, 0] = -1.0
    Q = draw(orthogonal_bases(2 * d))
    return Q @ D @ Q.T
