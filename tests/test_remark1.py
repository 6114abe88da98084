"""Remark 1: realification U(d) -> SO(2d) and its converse (theory/numerics.realification, claims.remark1)."""

import numpy as np
import pytest
from hypothesis import given, settings

from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.realification import (realify, rotation_block_form, rotation_to_unitary, spectra_match)
from ical_verify.proofs_check.papers.sander2024 import remark1
from ical_verify.theory import realification as th

from strategies_realification import improper_orthogonal_matrices, rotations, unitary_matrices


@settings(max_examples=25, deadline=None)
@given(unitary_matrices())
def test_realification_of_a_unitary_is_a_rotation_with_conjugate_pairs(U):
    d = U.shape[0]
    W = realify(U)
    assert np.abs(W.T @ W - np.eye(2 * d)).max() < 1e-12
    assert abs(np.linalg.det(W) - 1) < 1e-12
    ev, eu = np.linalg.eigvals(W), np.linalg.eigvals(U)
    assert spectra_match(ev, np.concatenate([eu, eu.conj()])) < 1e-6
    assert rotation_block_form(W).is_rotation


@settings(max_examples=25, deadline=None)
@given(rotations())
def test_selecting_half_of_the_eigenvalues_reconstructs_every_rotation(W):
    d = W.shape[0] // 2
    r = rotation_to_unitary(W, "half-real")
    assert r.ok and r.n_selected == d
    assert np.abs(r.basis @ realify(r.unitary) @ r.basis.T - W).max() < 1e-8
    assert np.abs(r.basis.T @ r.basis - np.eye(2 * d)).max() < 1e-9
    assert np.allclose(np.abs(np.diag(r.unitary)), 1)


@settings(max_examples=20, deadline=None)
@given(rotations(min_real_pairs=1))
def test_example_rule_fails_exactly_when_the_rotation_has_real_eigenvalues(W):
    assert not rotation_to_unitary(W, "positive-imag").ok
    assert rotation_to_unitary(W, "half-real").ok


@settings(max_examples=20, deadline=None)
@given(unitary_matrices(real_eigenvalues=False))
def test_example_rule_works_without_real_eigenvalues(U):
    assert rotation_to_unitary(realify(U), "positive-imag").ok


@settings(max_examples=15, deadline=None)
@given(improper_orthogonal_matrices())
def test_improper_orthogonal_matrices_are_rejected(W):
    assert not rotation_block_form(W).is_rotation
    assert not rotation_to_unitary(W, "half-real").ok


def test_block_identities_hold_for_every_d_and_detect_a_wrong_realification():
    assert all(th.is_zero_defect(v) for v in th.morphism_defects_all_d().values())
    assert th.is_zero_defect(th.diagonalisation_defect_all_d())
    transposed = lambda X, Y: th.sympy.BlockMatrix([[X, Y], [-Y, X]])      # rho(conj U): also a morphism
    assert all(th.is_zero_defect(v) for v in th.morphism_defects_all_d(transposed).values())
    assert not th.is_zero_defect(th.diagonalisation_defect_all_d(transposed))
    # the transpose (not rho(U^T)) matches the adjoint: rho(U^T) differs for complex U
    U = th.generic_complex_matrix(2)
    assert not (th.realify(U.T) - th.realify(U).T).applyfunc(lambda e: e.expand()).is_zero_matrix


def test_entrywise_identities_agree_with_the_block_computation():
    assert all(m.is_zero_matrix for m in th.morphism_defects(2))
    assert th.determinant_defect(1) == 0


def test_remark1_verdict_follows_the_adopted_reading(quick_result):
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = quick_result("remark1")
    assert r.verdict == "verified"
    readings = {x.reading.id: x for x in r.readings}
    assert readings["select-half"].reading.adopted and readings["select-half"].verdict == "verified"
    assert readings["example-as-rule"].verdict == "erratum"
    assert readings["example-as-rule"].severity == "substantive"
    status = {c.name: c.status for c in r.checks}
    assert status["converse-positive-imag-real-eigenvalues"] == "failed"
    assert status["converse-select-half"] == "passed"
    assert all(c.summary for c in r.checks)
    assert "all d >= 1" in (r.scope or "")


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

    assert run_claim("remark1", make_context(seed=1, profile="full", out_dir="/tmp/ical-test-full")).verdict == "verified"
