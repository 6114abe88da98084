"""Mutation tests for numerics.realification: batched and malformed inputs of realify, SO(1) and the documented
column flip of haar_rotation, the empty and unequal multisets of spectra_match, the selection rules at their
tolerances (|Im| = REAL_TOL, distance 1e-6 from ±1), the converse at each of its tolerances (spectrum 1e-6,
reconstruction 1e-8, selection 1e-6, Schur subdiagonal 1e-12) with the reason it reports, an orientation-reversing
input, rule names, the JSON record and the type hints, and BlockForm.is_rotation at its 1e-8 bounds
(benchmarks/mutation.md)."""

import json
import math
import typing

import numpy as np
import pytest

from ical_verify.numerics import realification as R
from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.samplers import haar_orthogonal

OK_REASON = "W = M realify(U) M^T with M orthogonal"
FAILED_REASON = "reconstruction failed"
SPECTRUM_REASON = "realify(diag(selected)) does not have the spectrum of W"
NOT_ROTATION_REASON = "W is not a rotation (an eigenvalue +1 or -1 has odd multiplicity)"


def _rotation(s):
    """The 2 x 2 rotation with sine s (cosine sqrt(1 - s^2)); already in standard real Schur form."""
    c = math.sqrt(1 - s * s)
    return np.array([[c, -s], [s, c]])


def _shear(t):
    """[[1, t], [0, 1]]: eigenvalue 1 twice, upper triangular (its own real Schur form), |W - I| = t exactly."""
    return np.array([[1.0, t], [0.0, 1.0]])


# ---------------------------------------------------------------------------------------------- realify
def test_realify_acts_on_a_batch_of_matrices_one_by_one():
    U = np.array([[[1 + 2j, 3 - 1j], [0.5j, -2.0]], [[1j, 0], [2, -1 - 1j]], [[0, 1], [1j, 1]]])   # (3, 2, 2)
    W = R.realify(U)
    assert W.shape == (3, 4, 4) and W.dtype == np.float64
    for k in range(3):
        assert np.array_equal(W[k], R.realify(U[k]))
    assert np.array_equal(W[1], [[0, 0, -1, 0], [2, -1, 0, 1], [1, 0, 0, 0], [0, -1, 2, -1]])


@pytest.mark.parametrize("shape", [(2, 3), (3, 4), (2, 3, 3, 4), (5,)])
def test_realify_refuses_a_non_square_last_pair_of_axes(shape):
    with pytest.raises(DomainError):
        R.realify(np.ones(shape))


# ----------------------------------------------------------------------------------------- haar_rotation
def test_so1_is_trivial():
    W = R.haar_rotation(1, 16, np.random.default_rng(3))
    assert W.shape == (16, 1, 1) and np.array_equal(W, np.ones((16, 1, 1)))


@pytest.mark.parametrize("d2", [2, 3, 4])
def test_haar_rotation_is_haar_orthogonal_with_the_first_column_flipped_when_det_is_negative(d2):
    """The documented construction: the same draw from the same generator, first column negated iff det = -1."""
    O = haar_orthogonal(d2, 12, np.random.default_rng(7))
    W = R.haar_rotation(d2, 12, np.random.default_rng(7))
    sign = np.sign(np.linalg.det(O))
    assert (sign < 0).any() and (sign > 0).any()
    assert np.array_equal(W[:, :, 0], O[:, :, 0] * sign[:, None]) and np.array_equal(W[:, :, 1:], O[:, :, 1:])
    assert np.allclose(np.linalg.det(W), 1.0, atol=1e-12)


# ----------------------------------------------------------------------------------------- spectra_match
def test_spectra_match_of_empty_and_of_unequal_multisets():
    assert R.spectra_match(np.array([]), np.array([])) == 0.0
    assert R.spectra_match([1.0, 1j], [1.0]) == math.inf
    assert R.spectra_match([1.0, 2.0], [2.0, 1.5]) == 0.5


# ------------------------------------------------------------------------------------ select_eigenvalues
def test_an_imaginary_part_equal_to_real_tol_is_real_and_one_above_is_not():
    """|Im| <= REAL_TOL is real (each ±1 of a pair counts half), Im > REAL_TOL is selected by its sign: the two
    classes partition the eigenvalues, so half-real selects half of a conjugation-closed multiset."""
    assert R.REAL_TOL == 1e-8
    at = np.array([1 + 1e-8j, 1 - 1e-8j])
    assert R.select_eigenvalues(at, "positive-imag").tolist() == []
    assert R.select_eigenvalues(at, "half-real").tolist() == [1 + 0j]
    above = np.array([1 + 1.5e-8j, 1 - 1.5e-8j])
    assert R.select_eigenvalues(above, "positive-imag").tolist() == [1 + 1.5e-8j]
    assert R.select_eigenvalues(above, "half-real").tolist() == [1 + 1.5e-8j]


@pytest.mark.parametrize("v", [1.0, -1.0])
def test_half_real_counts_a_real_eigenvalue_as_pm1_within_1e_6(v):
    near = np.array([v * (1 + 5e-7)] * 2)
    far = np.array([v * (1 + 1.5e-6)] * 2)
    assert R.select_eigenvalues(near, "half-real").tolist() == [complex(v)]
    assert R.select_eigenvalues(far, "half-real").tolist() == []


# ----------------------------------------------------------------------------------- rotation_to_unitary
def test_too_few_selected_eigenvalues_leave_no_unitary():
    r = R.rotation_to_unitary(np.eye(4), "positive-imag")
    assert (r.ok, r.n_selected, r.size, r.rule) == (False, 0, 4, "positive-imag")
    assert r.reason == "the rule selects 0 eigenvalues, not d = 2"
    assert r.unitary is None and r.basis is None
    assert math.isnan(r.reconstruction_error) and math.isnan(r.spectrum_error)
    j = r.to_json()
    assert j == {"rule": "positive-imag", "size": 4, "n_selected": 0, "ok": False, "reason": r.reason,
                 "reconstruction_error": j["reconstruction_error"], "spectrum_error": j["spectrum_error"]}
    assert math.isnan(j["reconstruction_error"]) and math.isnan(j["spectrum_error"])
    json.dumps(j)


def test_the_default_rule_is_the_example_of_remark_1():
    W = R.realify(np.diag([np.exp(0.3j), np.exp(2.0j)]))
    r = R.rotation_to_unitary(W)
    assert r.rule == "positive-imag" and r.ok and r.reason == OK_REASON
    assert np.allclose(np.diag(r.unitary), [np.exp(0.3j), np.exp(2.0j)], atol=1e-12)
    j = r.to_json()
    assert j == {"rule": "positive-imag", "size": 4, "n_selected": 2, "ok": True, "reason": OK_REASON,
                 "reconstruction_error": r.reconstruction_error, "spectrum_error": r.spectrum_error}
    assert j["reconstruction_error"] < 1e-12 and j["spectrum_error"] < 1e-12


def _conjugates(eigs):
    return eigs[eigs.imag < 0]


class _Conjugates:                                          # a callable without __name__
    def __call__(self, eigs):
        return eigs[eigs.imag < 0]


def test_a_callable_rule_is_recorded_by_its_name_or_as_custom():
    W = R.realify(np.diag([np.exp(0.3j)]))
    assert R.rotation_to_unitary(W, _conjugates).rule == "_conjugates"
    assert R.rotation_to_unitary(W, _Conjugates()).rule == "custom"
    assert R.rotation_to_unitary(W, lambda e: e[:1]).rule == "<lambda>"


@pytest.mark.parametrize("t, ok", [(5e-9, True), (1e-8, False), (1.5e-8, False)])
def test_the_reconstruction_must_be_within_1e_8(t, ok):
    """[[1, t], [0, 1]] has the spectrum {1, 1} of realify(1), but M realify(1) M^T = I misses it by t."""
    r = R.rotation_to_unitary(_shear(t), "half-real")
    assert r.spectrum_error == 0.0 and r.reconstruction_error == t
    assert r.ok is ok and r.reason == (OK_REASON if ok else FAILED_REASON)
    assert r.unitary.tolist() == [[1 + 0j]] and r.basis is not None


def test_a_failed_reconstruction_is_not_rescued_by_a_matching_selection():
    r = R.rotation_to_unitary(_shear(5.0), "half-real")
    assert np.abs(r.unitary - np.eye(1)).max() == 0.0          # the selection agrees with the Schur pairs
    assert r.reconstruction_error == 5.0 and r.ok is False and r.reason == FAILED_REASON


@pytest.mark.parametrize("s, ok", [(2.5e-7, True), (5e-7, False), (7.5e-7, False)])
def test_the_selection_must_agree_with_the_unitary_built_within_1e_6(s, ok):
    """Selecting the conjugate e^{-i theta} of a rotation by a tiny angle: same spectrum, exact reconstruction
    by the Schur pair e^{+i theta}, but the two differ by 2 s (exactly 1e-6 for s = 5e-7)."""
    W = _rotation(s)
    c = W[0, 0]
    r = R.rotation_to_unitary(W, lambda eigs: np.array([complex(c, -s)]))
    assert r.spectrum_error < 1e-15 and r.reconstruction_error == 0.0
    assert r.unitary.tolist() == [[complex(c, s)]]
    assert r.ok is ok and r.reason == (OK_REASON if ok else FAILED_REASON)


@pytest.mark.parametrize("eps", [1e-6, 1.5e-6])
def test_the_spectrum_must_match_within_1e_6(eps):
    """eps I has the double eigenvalue eps; realify(diag(0)) = 0 has 0: a distance of exactly eps."""
    r = R.rotation_to_unitary(eps * np.eye(2), lambda eigs: np.zeros(1))
    assert r.spectrum_error == eps and r.ok is False and r.reason == SPECTRUM_REASON
    assert r.unitary.tolist() == [[0j]] and r.basis is None and math.isnan(r.reconstruction_error)


def test_a_spectrum_within_1e_6_is_accepted_and_then_reconstructed():
    r = R.rotation_to_unitary(5e-7 * np.eye(2), lambda eigs: np.zeros(1))
    assert r.spectrum_error == 5e-7 and r.reason == FAILED_REASON and not r.ok


def test_an_orientation_reversing_matrix_is_not_a_rotation():
    """diag(e, -e) has det < 0, so it is not M realify(U) M^T (det = |det U|^2 >= 0), although its spectrum is
    within 1e-6 of realify(diag(0))'s: its real Schur form has one positive and one negative 1 x 1 block."""
    r = R.rotation_to_unitary(np.diag([1e-7, -1e-7]), lambda eigs: np.zeros(1))
    assert r.spectrum_error == 1e-7
    assert r.ok is False and r.reason == NOT_ROTATION_REASON and r.basis is None
    assert math.isnan(r.reconstruction_error)


@pytest.mark.parametrize("s, block", [(1e-12, False), (1.5e-12, True)])
def test_a_schur_subdiagonal_above_1e_12_is_a_rotation_block_in_both_readings(s, block):
    """A rotation by a tiny angle s: its Schur subdiagonal s is read as a 2 x 2 block iff s > 1e-12, the same way
    by rotation_block_form and rotation_to_unitary (which then returns e^{i s} exactly, else 1)."""
    W = _rotation(s)
    f = R.rotation_block_form(W)
    assert f.is_rotation
    assert f.singles == ([] if block else [1.0, 1.0]) and f.plus_ones == (0 if block else 2)
    r = R.rotation_to_unitary(W, "half-real")
    assert r.ok and r.unitary.tolist() == [[complex(1.0, s) if block else 1 + 0j]]
    assert r.reconstruction_error == (0.0 if block else s)


@pytest.mark.parametrize("shape", [(2, 4), (4, 2), (3, 3), (2, 2, 2)])
def test_rotation_to_unitary_refuses_a_non_square_or_odd_matrix(shape):
    with pytest.raises(DomainError):
        R.rotation_to_unitary(np.ones(shape), "half-real")


def test_the_result_type_hints_resolve():
    hints = typing.get_type_hints(R.ConverseResult)
    assert hints["unitary"] == hints["basis"] == (np.ndarray | None)
    assert hints["spectrum_error"] is float


# ----------------------------------------------------------------------------------- rotation_block_form
@pytest.mark.parametrize("t, rotation", [(5e-9, True), (1e-8, False), (1.5e-8, False)])
def test_block_form_off_block_bound(t, rotation):
    f = R.rotation_block_form(_shear(t))
    assert f.off_block == t and f.singles == [1.0, 1.0] and f.is_rotation is rotation


@pytest.mark.parametrize("field", ["off_block", "block_non_rotation", "singles_error"])
@pytest.mark.parametrize("value, rotation", [(5e-9, True), (1e-8, False), (1.5e-8, False)])
def test_is_rotation_needs_each_defect_strictly_below_1e_8(field, value, rotation):
    base = dict(off_block=0.0, block_non_rotation=0.0, singles=[1.0, 1.0], singles_error=0.0, plus_ones=2,
                minus_ones=0)
    assert R.BlockForm(**base).is_rotation
    assert R.BlockForm(**{**base, field: value}).is_rotation is rotation


def test_zero_eigenvalues_count_as_neither_plus_nor_minus_one():
    f = R.rotation_block_form(np.diag([0.0, 0.0, 1.0, -1.0]))
    assert sorted(f.singles) == [-1.0, 0.0, 0.0, 1.0]
    assert (f.plus_ones, f.minus_ones, f.singles_error) == (1, 1, 1.0) and not f.is_rotation


@pytest.mark.parametrize("shape", [(2, 3), (3, 2), (2, 2, 2), (4,)])
def test_rotation_block_form_refuses_a_non_square_matrix(shape):
    with pytest.raises(DomainError):
        R.rotation_block_form(np.ones(shape))
