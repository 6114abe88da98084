r"""Samplers of contexts (Sander et al., Assumption 1, §5.3 and §6).

- :func:`unitary_contexts`: :math:`\mathcal{C}_U`, d independent uniform phases;
- :func:`orthogonal_contexts`: :math:`\mathcal{C}_O`, δ uniform phases and their conjugates, d = 2δ,
  ordered :math:`(\lambda_1, \bar\lambda_1, \dots, \lambda_\delta, \bar\lambda_\delta)`;
- :func:`w_mu_contexts`: :math:`\mathcal{W}(\mu)`, :math:`\lambda = e^{i\theta/\mu}`, θ uniform on (0, 2π);
- :func:`haar_orthogonal`, :func:`haar_unitary`: Haar measure on O(d), U(d) (non-commuting contexts, §6).

Every sampler takes a :class:`numpy.random.Generator` and returns float64/complex128 arrays.
"""

from __future__ import annotations

import numpy as np

from .errors import require


def _check_count(n: int) -> None:
    require(int(n) == n and n >= 1, f"sample count n = {n} is out of range: it must be an integer >= 1")


def unitary_contexts(d: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """n contexts of :math:`\\mathcal{C}_U`: an (n, d) complex array of independent uniform phases.

    >>> lam = unitary_contexts(3, 5, np.random.default_rng(0))
    >>> lam.shape, bool(np.allclose(abs(lam), 1))
    ((5, 3), True)
    """
    require(int(d) == d and d >= 1, f"d = {d} is out of range: it must be an integer >= 1")
    _check_count(n)
    return np.exp(2j * np.pi * rng.random((n, d)))


def orthogonal_contexts(delta: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """n contexts of :math:`\\mathcal{C}_O`: (n, 2δ), columns 2i and 2i+1 conjugate (0-based)."""
    require(int(delta) == delta and delta >= 1, f"delta = {delta} is out of range: it must be an integer >= 1")
    half = unitary_contexts(delta, n, rng)
    out = np.empty((n, 2 * delta), dtype=np.complex128)
    out[:, 0::2] = half
    out[:, 1::2] = np.conj(half)
    return out


def w_mu_contexts(mu: float, n: int, rng: np.random.Generator, d: int = 1) -> np.ndarray:
    """n contexts of :math:`\\mathcal{W}(\\mu)` (§5.3): (n, d) values :math:`e^{i\\theta/\\mu}`."""
    require(mu >= 1, f"mu = {mu} is out of range: mu must be >= 1")
    _check_count(n)
    return np.exp(1j * 2 * np.pi * rng.random((n, d)) / mu)


def _haar(d: int, n: int, rng: np.random.Generator, complex_: bool) -> np.ndarray:
    require(int(d) == d and d >= 1, f"d = {d} is out of range: it must be an integer >= 1")
    _check_count(n)
    z = rng.standard_normal((n, d, d))
    if complex_:
        z = (z + 1j * rng.standard_normal((n, d, d))) / np.sqrt(2)
    q, r = np.linalg.qr(z)
    diag = np.diagonal(r, axis1=1, axis2=2)
    phases = diag / np.abs(diag)
    return q * phases[:, None, :]  # fix the QR sign ambiguity so that the law is Haar


def haar_orthogonal(d: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """n Haar-distributed matrices of O(d): (n, d, d) float64.

    >>> W = haar_orthogonal(4, 3, np.random.default_rng(1))
    >>> bool(np.allclose(W @ W.transpose(0, 2, 1), np.eye(4)))
    True
    """
    return _haar(d, n, rng, complex_=False).real


def haar_unitary(d: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """n Haar-distributed matrices of U(d): (n, d, d) complex128."""
    return _haar(d, n, rng, complex_=True)


def ar_sequences(W: np.ndarray, T: int, s1: np.ndarray | None = None) -> np.ndarray:
    """AR sequences :math:`s_1 = 1_d` (default), :math:`s_{t+1} = W s_t`: (n, T, d) from W of shape (n, d, d)."""
    require(int(T) == T and T >= 1, f"T = {T} is out of range: it must be an integer >= 1")
    n, d, _ = W.shape
    s = np.ones((n, d), dtype=W.dtype) if s1 is None else np.broadcast_to(s1, (n, d)).astype(W.dtype)
    out = np.empty((n, T, d), dtype=W.dtype)
    for t in range(T):
        out[:, t] = s
        s = np.einsum("nij,nj->ni", W, s)  # (n, d)
    return out
