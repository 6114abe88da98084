"""Remark 1: realification U(d) -> SO(2d) and its converse (numerics.realification, claims.remark1)."""

import numpy as np
import pytest
from hypothesis import given, settings

from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.realification import (haar_rotation, realify, rotation_to_unitary, spectra_match)
from ical_verify.numerics.samplers import haar_unitary
from ical_verify.proofs_check.papers.sander2024 import remark1

from strategies_optim import rng_from, seeds, unitary_dims


@settings(max_examples=25, deadline=None)
@given(unitary_dims(), seeds())
def test_realification_of_haar_unitary_is_rotation_with_conjugate_pairs(d, seed):
    U = haar_unitary(d, 1, rng_from(seed))[0]
    W = realify(U)
    assert np.abs(W.T @ W - np.eye(2 * d)).max() < 1e-12
    assert abs(np.linalg.det(W) - 1) < 1e-12
    ev = np.linalg.eigvals(W)
    eu = np.linalg.eigvals(U)
    assert spectra_match(ev, np.concatenate([eu, eu.conj()])) < 1e-9


@settings(max_examples=25, deadline=None)
@given(unitary_dims(), seeds())
def test_converse_on_haar_rotations(d, seed):
    W = haar_rotation(2 * d, 1, rng_from(seed))[0]
    r = rotation_to_unitary(W, "positive-imag")
    assert r.ok and r.n_selected == d
    assert np.abs(r.basis @ realify(r.unitary) @ r.basis.T - W).max() < 1e-9
    assert np.abs(r.basis.T @ r.basis - np.eye(2 * d)).max() < 1e-9


@settings(max_examples=15, deadline=None)
@given(unitary_dims(4), seeds())
def test_converse_of_realified_unitary_with_real_eigenvalues(d, seed):
    rng = rng_from(seed)
    signs = rng.choice([-1.0, 1.0], size=d)
    U = np.diag(signs.astype(complex))            # a unitary whose eigenvalues are all real
    W = realify(U)
    assert not rotation_to_unitary(W, "positive-imag").ok
    assert rotation_to_unitary(W, "half-real").ok


def test_improper_orthogonal_rejected():
    D = np.diag([-1.0, 1.0, 1.0, 1.0])
    assert not rotation_to_unitary(D, "half-real").ok


def test_remark1_checks_and_verdict():
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = run_claim("remark1", make_context(seed=0, out_dir="/tmp/ical-test-remark1"))
    assert r.verdict == "erratum"
    status = {c.name: c.status for c in r.checks}
    assert status["converse-positive-imag-real-eigenvalues"] == "failed"
    assert status["converse-corrected-rule"] == "passed"
    assert status["realification-in-SO2d"] == "passed"


def test_bad_inputs():
    with pytest.raises(DomainError):
        realify(np.ones(3))
    with pytest.raises(DomainError):
        rotation_to_unitary(np.eye(3))
    with pytest.raises(DomainError):
        rotation_to_unitary(np.eye(4), "nonsense")


@pytest.mark.slow
def test_remark1_full_profile():
    from ical_verify.proofs_check.runner import make_context, run_claim

    assert run_claim("remark1", make_context(seed=1, profile="full", out_dir="/tmp/ical-test-full")).verdict == "erratum"


def test_symbolic_morphism_and_determinant():
    from ical_verify.theory.realification import determinant_defect, morphism_defects

    assert all(m.is_zero_matrix for m in morphism_defects(2))
    assert determinant_defect(1) == 0
    # the transpose (not rho(U)^T = rho(U^T)) is what matches the adjoint: rho(U^T) differs for complex U
    from ical_verify.theory.realification import generic_complex_matrix, realify
    U = generic_complex_matrix(2)
    assert not (realify(U.T) - realify(U).T).applyfunc(lambda e: e.expand()).is_zero_matrix
