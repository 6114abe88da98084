"""Hypothesis strategies for the §6 / Appendix B experiments (fig7–fig10) and the reference levels.

They draw the mathematical objects: orthogonal context matrices (QR of a drawn matrix, signs fixed), prefix
lengths, parameter vectors of the Figure 7 model, head maps for the Figure 8 measures.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

finite = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False, width=64)


def dimensions(low: int = 1, high: int = 6):
    """Token dimensions d of the AR process."""
    return st.integers(low, high)


@st.composite
def orthogonal_matrices(draw, d: int):
    """A d x d orthogonal matrix: the Q factor of a drawn well-conditioned matrix (either determinant)."""
    M = draw(arrays(np.float64, (d, d), elements=finite))
    M = M + 4.0 * np.eye(d)  # keeps the QR factorisation well conditioned
    q, r = np.linalg.qr(M)
    q = q * np.sign(np.diag(r))
    if draw(st.booleans()):
        q[:, 0] = -q[:, 0]  # both components of O(d)
    return q


@st.composite
def contexts_and_prefix(draw, high_d: int = 5):
    """(W, T): an orthogonal context of a drawn dimension and a prefix length T in 1..d + 2."""
    d = draw(dimensions(1, high_d))
    W = draw(orthogonal_matrices(d))
    T = draw(st.integers(1, d + 2))
    return W, T


def parameter_vectors(size: int, scale: float = 1.0):
    """A real parameter vector of the given size (entries in [-scale, scale])."""
    return arrays(np.float64, (size,), elements=st.floats(-scale, scale, allow_nan=False, width=64))


def head_maps(H: int, E: int):
    """H head maps E x E (Figure 8 measures)."""
    return arrays(np.float64, (H, E, E), elements=finite)
