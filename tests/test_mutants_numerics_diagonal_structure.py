"""Mutation tests for numerics.diagonal_structure: the predicted patterns of Propositions 3 and 6 written out by
hand, the relative masses and numerical rank of a hand-made (C, P), StructureReport.within at its boundary,
its JSON form and immutability (benchmarks/mutation.md)."""

import dataclasses

import numpy as np
import pytest

from ical_verify.numerics.diagonal_structure import StructureReport, predicted_patterns, structure_report
from ical_verify.numerics.errors import DomainError

# read entries of a 4 x 4 P: row T-1 (0-based r = T-2) for T = 2..4, columns t <= T (0-based c <= r + 1)
READ_4 = [[1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1], [0, 0, 0, 0]]
C_ORTHOGONAL_4 = [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]]


def test_unitary_patterns_by_hand():
    c, p, read = predicted_patterns(4, 4, "unitary")
    assert c.dtype == bool and p.dtype == bool and read.dtype == bool
    assert c.astype(int).tolist() == np.eye(4, dtype=int).tolist()
    assert p.astype(int).tolist() == [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]
    assert read.astype(int).tolist() == READ_4


def test_orthogonal_patterns_by_hand():
    c, p, read = predicted_patterns(4, 4, "orthogonal")
    assert c.astype(int).tolist() == C_ORTHOGONAL_4
    assert p.astype(int).tolist() == [[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1], [0, 0, 0, 0]]
    assert read.astype(int).tolist() == READ_4


def test_odd_dimension_is_fine_for_unitary_contexts_only():
    c, p, read = predicted_patterns(3, 2, "unitary")
    assert c.astype(int).tolist() == np.eye(3, dtype=int).tolist()
    assert p.astype(int).tolist() == [[0, 1], [0, 0]] and read.astype(int).tolist() == [[1, 1], [0, 0]]
    with pytest.raises(DomainError):
        predicted_patterns(3, 2, "orthogonal")
    with pytest.raises(DomainError):
        predicted_patterns(2, 2, "hermitian")
    with pytest.raises(DomainError):
        structure_report(np.eye(2), np.eye(2), "hermitian")


C = np.array([[4.0, -1.0, 0.0, 2.0], [1.0, 3.0, 0.0, 0.0], [0.0, 0.0, 5.0, 1.0], [-2.0, 0.0, 1.0, 6.0]])
# |C| sums to 26: off the diagonal 8, off the 2 x 2 blocks 4 (the entries (0, 3) and (3, 0))
P = np.array([[1.0, -2.0, 100.0, -100.0], [-3.0, 4.0, 5.0, 100.0], [6.0, 7.0, -8.0, 9.0], [100.0] * 4])
# read entries sum to 45 in absolute value; on the superdiagonal 2 + 5 + 9 = 16, on the diagonal 1 + 4 + 8 = 13


def test_relative_masses_unitary_by_hand():
    rep = structure_report(C, P, "unitary")
    assert rep.context == "unitary"
    assert rep.C_outside == pytest.approx(8 / 26, rel=1e-15)
    assert rep.P_outside == pytest.approx((45 - 16) / 45, rel=1e-15)


def test_relative_masses_orthogonal_by_hand():
    rep = structure_report(C, P, "orthogonal")
    assert rep.context == "orthogonal"
    assert rep.C_outside == pytest.approx(4 / 26, rel=1e-15)
    assert rep.P_outside == pytest.approx((45 - 16 - 13) / 45, rel=1e-15)


def test_singular_values_are_the_roots_of_the_eigenvalues_of_CtC_in_decreasing_order():
    rep = structure_report(C, P, "unitary")
    want = np.sqrt(np.sort(np.linalg.eigvalsh(C.T @ C))[::-1])
    assert isinstance(rep.singular_values, list) and all(type(s) is float for s in rep.singular_values)
    assert np.allclose(rep.singular_values, want, rtol=1e-12)
    assert rep.numerical_rank == 4 and type(rep.numerical_rank) is int


def test_numerical_rank_counts_singular_values_strictly_above_rank_tol_times_the_largest():
    P2 = np.array([[0.0, 1.0], [0.0, 0.0]])
    assert structure_report(np.diag([1.0, 2.0 ** -19]), P2, "unitary").numerical_rank == 2    # default 1e-6
    assert structure_report(np.diag([1.0, 2.0 ** -20]), P2, "unitary", rank_tol=2.0 ** -20).numerical_rank == 1
    assert structure_report(np.diag([1.0, 2.0 ** -20]), P2, "unitary", 2.0 ** -21).numerical_rank == 2
    assert structure_report(np.diag([8.0, 1.0]), P2, "unitary", rank_tol=0.2).numerical_rank == 1      # 1 < 1.6
    assert structure_report(np.diag([8.0, 1.0]), P2, "unitary", rank_tol=0.1).numerical_rank == 2
    assert structure_report(np.diag([1.0, 1e-7]), P2, "unitary").numerical_rank == 1


def test_the_optimum_of_proposition_3_is_exactly_on_the_pattern():
    rep = structure_report(np.eye(3), np.diag([1.0, 1.0], 1), "unitary")
    assert rep.C_outside == 0.0 and rep.P_outside == 0.0 and rep.within(0.0)


def test_within_is_inclusive_and_needs_both_masses():
    rep = StructureReport("unitary", 0.2, 0.1, [1.0], 1)
    assert rep.within(0.2) and not rep.within(0.19)
    rep = StructureReport("unitary", 0.1, 0.2, [1.0], 1)
    assert rep.within(0.2) and not rep.within(0.19)
    assert not StructureReport("unitary", 0.1, 0.3, [1.0], 1).within(0.2)
    assert not StructureReport("unitary", 0.3, 0.1, [1.0], 1).within(0.2)


def test_to_json_and_immutability():
    rep = structure_report(np.diag([2.0, 1.0]), np.array([[0.0, 1.0], [0.0, 0.0]]), "orthogonal")
    assert rep.to_json() == {"context": "orthogonal", "C_outside": 0.0, "P_outside": 0.0,
                             "singular_values": [2.0, 1.0], "numerical_rank": 2}
    with pytest.raises(dataclasses.FrozenInstanceError):
        rep.C_outside = 1.0


@pytest.mark.parametrize("C_, P_", [(np.ones((2, 3)), np.eye(3)), (np.ones(4), np.eye(3)),
                                    (np.ones((2, 2, 2)), np.eye(3)), (np.eye(2), np.ones((3, 1))),
                                    (np.eye(2), np.ones(3)), (np.eye(2), np.ones((3, 3, 3)))])
def test_non_square_C_or_P_is_refused(C_, P_):
    with pytest.raises(DomainError):
        structure_report(C_, P_, "unitary")
