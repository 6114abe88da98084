"""Mutation tests for numerics.samplers: each sampler's documented construction replayed from the same generator
(uniform phases, conjugate pairs, e^{i theta / mu}), the Haar samplers as the QR factor whose R has a positive
diagonal, their dtypes, the AR recursion, and argument validation at the boundaries (benchmarks/mutation.md)."""

import numpy as np
import pytest

from ical_verify.numerics import samplers as S
from ical_verify.numerics.errors import DomainError


def _phases(lam):
    return np.mod(np.angle(lam), 2 * np.pi) / (2 * np.pi)


def test_unitary_contexts_are_uniform_phases_of_the_generators_draws():
    lam = S.unitary_contexts(3, 4, np.random.default_rng(0))
    u = np.random.default_rng(0).random((4, 3))
    assert lam.shape == (4, 3) and lam.dtype == np.complex128
    assert np.allclose(np.abs(lam), 1, atol=1e-15) and np.allclose(_phases(lam), u, atol=1e-12)


def test_orthogonal_contexts_interleave_phases_and_conjugates():
    out = S.orthogonal_contexts(2, 3, np.random.default_rng(4))
    half = S.unitary_contexts(2, 3, np.random.default_rng(4))
    assert out.shape == (3, 4) and out.dtype == np.complex128
    assert np.array_equal(out[:, 0::2], half) and np.array_equal(out[:, 1::2], np.conj(half))


def test_w_mu_contexts_are_e_to_the_i_theta_over_mu():
    lam = S.w_mu_contexts(3.0, 5, np.random.default_rng(1))
    theta = 2 * np.pi * np.random.default_rng(1).random((5, 1))
    assert lam.shape == (5, 1) and np.allclose(lam, np.exp(1j * theta / 3.0), atol=1e-15)
    lam = S.w_mu_contexts(1.5, 2, np.random.default_rng(1), d=3)
    assert lam.shape == (2, 3) and np.allclose(np.mod(np.angle(lam), 2 * np.pi) * 1.5 / (2 * np.pi),
                                               np.random.default_rng(1).random((2, 3)), atol=1e-12)
    assert S.w_mu_contexts(1, 1, np.random.default_rng(1)).shape == (1, 1)              # mu = 1, n = 1


@pytest.mark.parametrize("call", [
    lambda r: S.unitary_contexts(0, 2, r), lambda r: S.unitary_contexts(1.5, 2, r),
    lambda r: S.unitary_contexts(2, 0, r), lambda r: S.unitary_contexts(2, 1.5, r),
    lambda r: S.orthogonal_contexts(0, 2, r), lambda r: S.orthogonal_contexts(1.5, 2, r),
    lambda r: S.w_mu_contexts(0.99, 2, r), lambda r: S.w_mu_contexts(2.0, 0, r),
    lambda r: S.haar_orthogonal(0, 2, r), lambda r: S.haar_orthogonal(1.5, 2, r), lambda r: S.haar_unitary(2, 0, r),
    lambda r: S.ar_sequences(np.eye(2)[None], 0), lambda r: S.ar_sequences(np.eye(2)[None], 1.5),
])
def test_out_of_range_arguments_are_refused(call):
    with pytest.raises(DomainError):
        call(np.random.default_rng(0))


def test_smallest_admissible_sizes():
    r = np.random.default_rng(0)
    assert S.unitary_contexts(1, 1, r).shape == (1, 1)
    assert S.orthogonal_contexts(1, 1, r).shape == (1, 2)
    assert S.haar_orthogonal(1, 1, r).shape == (1, 1, 1)
    assert S.ar_sequences(np.eye(2)[None], 1).tolist() == [[[1.0, 1.0]]]


def _gaussians(seed, n, d, complex_):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, d, d))
    if complex_:
        z = (z + 1j * rng.standard_normal((n, d, d))) / np.sqrt(2)
    return z


@pytest.mark.parametrize("complex_", [False, True])
def test_haar_samplers_are_the_qr_factor_with_positive_diagonal_r(complex_):
    """Q = the unitary factor of z = QR with diag(R) > 0 (unique): Q^H z is upper triangular, positive diagonal."""
    f = S.haar_unitary if complex_ else S.haar_orthogonal
    W = f(3, 5, np.random.default_rng(9))
    z = _gaussians(9, 5, 3, complex_)
    assert W.dtype == (np.complex128 if complex_ else np.float64) and W.shape == (5, 3, 3)
    assert np.allclose(W @ np.conj(W.transpose(0, 2, 1)), np.eye(3), atol=1e-13)
    R = np.conj(W.transpose(0, 2, 1)) @ z
    assert np.allclose(np.tril(R, -1), 0, atol=1e-13)
    diag = np.diagonal(R, axis1=1, axis2=2)
    assert np.allclose(diag.imag, 0, atol=1e-13) and (diag.real > 0).all()
    if complex_:
        assert np.abs(W.imag).max() > 0.1


def test_haar_of_dimension_one_is_the_sign_or_phase_of_the_gaussian():
    z = _gaussians(2, 6, 1, False)
    assert np.array_equal(S.haar_orthogonal(1, 6, np.random.default_rng(2)), np.sign(z))
    z = _gaussians(2, 6, 1, True)
    assert np.allclose(S.haar_unitary(1, 6, np.random.default_rng(2)), z / np.abs(z), atol=1e-15)


def test_ar_sequences():
    W = np.array([[[0.0, 2.0], [1.0, 0.0]], [[1.0, 1.0], [0.0, 1.0]]])              # (2, 2, 2)
    out = S.ar_sequences(W, 4)                                                    # s_1 = (1, 1)
    assert out.shape == (2, 4, 2)
    assert out[0].tolist() == [[1, 1], [2, 1], [2, 2], [4, 2]]
    assert out[1].tolist() == [[1, 1], [2, 1], [3, 1], [4, 1]]
    out = S.ar_sequences(W, 3, s1=np.array([0.0, 1.0]))
    assert out[0].tolist() == [[0, 1], [2, 0], [0, 2]] and out[1].tolist() == [[0, 1], [1, 1], [2, 1]]
    Wc = np.array([[[1j]]])
    assert S.ar_sequences(Wc, 3).tolist() == [[[1], [1j], [-1]]] and S.ar_sequences(Wc, 2).dtype == np.complex128
