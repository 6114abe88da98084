"""Controls for Remark 1: every check fails on a wrong input; the check that fails on the paper's example rule
passes on the right rule."""

import numpy as np
import sympy

from ical_verify.numerics import realification as num
from ical_verify.proofs_check.papers.sander2024 import remark1
from ical_verify.proofs_check.runner import make_context, run_claim
from ical_verify.theory import realification as th

from negative_controls import negative_control, positive_control

CTX = make_context(seed=0, out_dir="/tmp/ical-controls-remark1")


def _status(name):
    return {c.name: c.status for c in run_claim("remark1", CTX, only=[name]).checks}[name]


def _wrong_realify(U):
    """[[Re, Im], [Im, Re]]: a real matrix of the right size that is not the realification of Remark 1."""
    U = np.asarray(U)
    return np.block([[U.real, U.imag], [U.imag, U.real]])


@negative_control("remark1", "realification-morphism-symbolic")
def test_symbolic_identities_fail_for_a_wrong_block_form(monkeypatch):
    monkeypatch.setattr(th, "realify_blocks", lambda X, Y: sympy.BlockMatrix([[X, Y], [Y, X]]))
    assert _status("realification-morphism-symbolic") == "failed"


@negative_control("remark1", "realification-morphism-symbolic")
def test_symbolic_identities_fail_for_the_conjugate_realification():
    # rho(conj U) is multiplicative too; the diagonalisation identity tells it apart
    out = remark1.symbolic_outcome(lambda X, Y: sympy.BlockMatrix([[X, Y], [-Y, X]]))
    assert out.passed is False


@negative_control("remark1", "realification-in-SO2d", "conjugate-pair-eigenvalues", "rotation-block-form")
def test_numeric_checks_fail_for_a_wrong_realification(monkeypatch):
    monkeypatch.setattr(num, "realify", _wrong_realify)
    assert _status("realification-in-SO2d") == "failed"
    assert _status("conjugate-pair-eigenvalues") == "failed"
    assert _status("rotation-block-form") == "failed"


@negative_control("remark1", "realification-in-SO2d", "conjugate-pair-eigenvalues")
def test_numeric_checks_fail_on_non_unitary_inputs():
    rng = np.random.default_rng(0)
    bad = [("not unitary", rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3)))]
    assert remark1.orthogonality_outcome(bad).passed is False
    # a realification whose spectrum is not spec U u conj spec U
    assert remark1.conjugate_pairs_outcome(bad, lambda U: np.kron(np.eye(2), U.real)).passed is False


@negative_control("remark1", "rotation-block-form")
def test_block_form_fails_on_a_reflection():
    D = np.eye(4)
    D[0, 0] = -1.0
    assert remark1.block_form_outcome([("reflection", D)]).passed is False


def _largest_real_part(eigs):
    """A wrong selection: the d eigenvalues with the largest real part (takes both members of a conjugate pair)."""
    order = np.argsort(-eigs.real, kind="stable")
    return eigs[order[: eigs.size // 2]]


@negative_control("remark1", "converse-select-half", "converse-corrected-rule", "converse-positive-imag-generic")
def test_converse_checks_fail_for_a_wrong_selection_rule(monkeypatch):
    monkeypatch.setattr(remark1, "SELECTION_RULE", _largest_real_part)
    monkeypatch.setattr(remark1, "EXAMPLE_RULE", _largest_real_part)
    assert _status("converse-select-half") == "failed"
    assert _status("converse-corrected-rule") == "failed"
    assert _status("converse-positive-imag-generic") == "failed"


@negative_control("remark1", "converse-select-half")
def test_select_half_fails_when_improper_matrices_are_accepted():
    # a "rotation" list that contains a det -1 matrix cannot be reconstructed
    D = np.eye(4)
    D[0, 0] = -1.0
    assert remark1.select_half_outcome([("reflection", D)]).passed is False


@negative_control("remark1", "converse-positive-imag-real-eigenvalues")
def test_example_as_rule_fails_on_rotations_with_real_eigenvalues():
    assert _status("converse-positive-imag-real-eigenvalues") == "failed"


@positive_control("remark1", "converse-positive-imag-real-eigenvalues")
def test_example_as_rule_check_passes_with_the_half_real_selection(monkeypatch):
    monkeypatch.setattr(remark1, "EXAMPLE_RULE", "half-real")
    assert _status("converse-positive-imag-real-eigenvalues") == "passed"
