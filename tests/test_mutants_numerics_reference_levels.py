"""Mutation tests for numerics.reference_levels: the closed-form levels, the Bayes predictor against an independent
least-squares projection, the reflection identity, the floor test at its boundaries (benchmarks/mutation.md)."""

import dataclasses
import math

import numpy as np
import pytest

from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.reference_levels import (FloorTest, ReferenceLevels, bayes_errors_haar,
                                                   bayes_errors_unitary, bayes_level_haar_orthogonal,
                                                   bayes_level_unitary, bayes_predictions_haar, floor_test,
                                                   mirror_consistency, reference_levels)

# a fixed orthogonal 3 x 3 context (both determinants occur below: W and its reflection)
_Q = np.linalg.qr(np.array([[2.0, 1.0, 0.5], [-1.0, 3.0, 0.25], [0.5, -0.75, 2.5]]))[0]
W3 = _Q * np.sign(np.diag(np.linalg.qr(np.array([[2.0, 1.0, 0.5], [-1.0, 3.0, 0.25], [0.5, -0.75, 2.5]]))[1]))
W3_REFLECTED = W3 @ np.diag([1.0, 1.0, -1.0])


def _sequence(W, s1, L):
    s = [np.asarray(s1, dtype=float)]
    for _ in range(L - 1):
        s.append(W @ s[-1])
    return np.array(s)  # (L, d)


def _projection_prediction(prefix):
    """E[s_{T+1} | s_{1:T}] = Y c with c the minimum-norm least-squares solution of X c = s_T (lstsq, not pinv)."""
    T = len(prefix)
    if T == 1:
        return np.zeros_like(prefix[0])
    X, Y = prefix[:-1].T, prefix[1:].T  # (d, T-1)
    c = np.linalg.lstsq(X, prefix[-1], rcond=None)[0]
    return Y @ c


# closed-form levels -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("d, T, norm, expected", [
    (1, 1, 1.0, 1.0), (1, 2, 1.0, 0.0), (1, 3, 2.0, 0.0),
    (4, 1, 2.5, 2.5), (4, 2, 2.5, 1.875), (4, 4, 2.5, 0.625), (4, 5, 2.5, 0.0), (4, 6, 2.5, 0.0),
    (4, 9, 2.5, 0.0), (3, 2, 3.0, 2.0),
])
def test_haar_level_is_norm_times_d_minus_T_plus_1_positive_part_over_d(d, T, norm, expected):
    assert bayes_level_haar_orthogonal(d, T, norm) == pytest.approx(expected, abs=1e-15)
    assert type(bayes_level_haar_orthogonal(d, T, norm)) is float


def test_haar_level_default_norm_is_one():
    assert bayes_level_haar_orthogonal(4, 2) == 0.75
    assert bayes_level_haar_orthogonal(2, 1) == 1.0


@pytest.mark.parametrize("d, T", [(0, 1), (-1, 1), (2.5, 1), (3, 0), (3, -2), (3, 1.5)])
def test_haar_level_rejects_non_integer_or_non_positive_arguments(d, T):
    with pytest.raises(DomainError):
        bayes_level_haar_orthogonal(d, T)


def test_haar_level_accepts_the_smallest_arguments_and_integral_floats():
    assert bayes_level_haar_orthogonal(1, 1) == 1.0
    assert bayes_level_haar_orthogonal(2.0, 1.0) == 1.0


@pytest.mark.parametrize("T, norm, expected", [(1, 3.0, 3.0), (2, 3.0, 0.0), (3, 3.0, 0.0), (7, 0.5, 0.0),
                                               (1, 0.5, 0.5)])
def test_unitary_level_is_the_norm_at_T_1_and_zero_after(T, norm, expected):
    assert bayes_level_unitary(T, norm) == expected
    assert type(bayes_level_unitary(T, norm)) is float


def test_unitary_level_default_norm_and_domain():
    assert bayes_level_unitary(1) == 1.0
    assert bayes_level_unitary(1.0) == 1.0
    for bad in (0, -1, 1.5):
        with pytest.raises(DomainError):
            bayes_level_unitary(bad)


# reference_levels ----------------------------------------------------------------------------------------------
def test_reference_levels_haar_fields():
    r = reference_levels("haar-orthogonal", 4, [1, 2, 5], s1_norm_sq=2.0)
    assert isinstance(r, ReferenceLevels)
    assert r.d == 4 and r.prefixes == (1, 2, 5) and r.context == "haar-orthogonal" and r.per_coordinate is False
    assert r.zero == (2.0, 2.0, 2.0)
    assert r.bayes == pytest.approx((2.0, 1.5, 0.0), abs=1e-15)
    assert r.mean_zero == 2.0 and type(r.mean_zero) is float
    assert r.mean_bayes == pytest.approx(3.5 / 3, abs=1e-15) and type(r.mean_bayes) is float


def test_reference_levels_per_coordinate_divides_by_d():
    r = reference_levels("haar-orthogonal", 4, range(1, 4), s1_norm_sq=2.0, per_coordinate=True)
    assert r.per_coordinate is True
    assert r.zero == pytest.approx((0.5, 0.5, 0.5), abs=1e-15)
    assert r.bayes == pytest.approx((0.5, 0.375, 0.25), abs=1e-15)


def test_reference_levels_defaults_are_unit_norm_and_summed_over_coordinates():
    r = reference_levels("haar-orthogonal", 2, [1, 2])
    assert r.zero == (1.0, 1.0) and r.bayes == pytest.approx((1.0, 0.5), abs=1e-15)
    assert r.per_coordinate is False


def test_reference_levels_unitary():
    r = reference_levels("unitary", 3, (1, 2, 3), s1_norm_sq=3.0)
    assert r.context == "unitary"
    assert r.bayes == (3.0, 0.0, 0.0) and r.zero == (3.0, 3.0, 3.0)
    r2 = reference_levels("unitary", 3, (1, 2), s1_norm_sq=3.0, per_coordinate=True)
    assert r2.bayes == pytest.approx((1.0, 0.0), abs=1e-15) and r2.zero == pytest.approx((1.0, 1.0), abs=1e-15)


def test_reference_levels_accepts_one_prefix_and_rejects_none_or_an_unknown_context():
    r = reference_levels("haar-orthogonal", 3, [2])
    assert r.prefixes == (2,) and r.bayes == pytest.approx((2 / 3,), abs=1e-15)
    with pytest.raises(DomainError):
        reference_levels("haar-orthogonal", 3, [])
    with pytest.raises(DomainError):
        reference_levels("orthogonal", 3, [1])


def test_reference_levels_to_json_and_describe():
    r = reference_levels("haar-orthogonal", 4, range(2, 5), s1_norm_sq=2.0)
    assert r.to_json() == {"context": "haar-orthogonal", "d": 4, "prefixes": [2, 4], "per_coordinate": False,
                           "mean_zero": 2.0, "mean_bayes": pytest.approx(1.0, abs=1e-15),
                           "bayes_per_prefix": [1.5, 1.0, 0.5]}
    assert r.describe() == ("reference levels (haar-orthogonal, d = 4, prefixes T = 2..4, summed over coordinates): "
                            "predicting 0 gives 2, the Bayes error (best possible from the prefix) is 1")
    r2 = reference_levels("unitary", 2, range(1, 4), per_coordinate=True)
    assert r2.describe() == ("reference levels (unitary, d = 2, prefixes T = 1..3, per coordinate): "
                             "predicting 0 gives 0.5, the Bayes error (best possible from the prefix) is 0.1667")


def test_reference_levels_is_immutable():
    r = reference_levels("unitary", 2, [1])
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.d = 3


# the Bayes predictor and its errors ------------------------------------------------------------------------
def _two_haar_sequences(L=6):
    s1a = np.array([1.0, 2.0, -0.5])
    s1b = np.array([0.3, -1.0, 0.7])
    return np.stack([_sequence(W3, s1a, L), _sequence(W3_REFLECTED, s1b, L)])  # (2, L, 3)


def test_bayes_predictions_match_an_independent_least_squares_projection():
    seqs = _two_haar_sequences()
    pred = bayes_predictions_haar(seqs)
    assert pred.shape == seqs.shape
    for i in range(2):
        for T in range(1, 7):
            assert np.allclose(pred[i, T - 1], _projection_prediction(seqs[i, :T]), atol=1e-12)
    # T >= d + 1 = 4: the prefix determines W, the prediction is the next token
    assert np.allclose(pred[0, 3], W3 @ seqs[0, 3], atol=1e-12)
    assert np.all(pred[:, 0] == 0)


def test_bayes_prediction_by_hand_cyclic_permutation():
    """W x = (x_3, x_1, x_2), s_1 = (1, 1, 0): s_2 = (0, 1, 1). T = 2: V = span(s_1), P_V s_2 = s_1 / 2,
    W P_V s_2 = s_2 / 2 = (0, 1/2, 1/2)."""
    W = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    seqs = _sequence(W, [1.0, 1.0, 0.0], 3)[None]
    pred = bayes_predictions_haar(seqs)
    assert np.allclose(pred[0, 1], [0.0, 0.5, 0.5], atol=1e-15)
    # T = 3: V = span((1,1,0), (0,1,1)); s_3 = (1,0,1) = s_1 - s_2 + ... solved exactly: P_V s_3 = (2/3)(1,0,1) +
    # (1/3)(...): check against the definition W P_V s_3 with P_V from an orthonormal basis
    V = np.linalg.qr(np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]))[0]
    assert np.allclose(pred[0, 2], W @ (V @ V.T @ np.array([1.0, 0.0, 1.0])), atol=1e-14)


def test_bayes_predictions_reject_a_matrix():
    with pytest.raises(DomainError):
        bayes_predictions_haar(np.ones((3, 2)))
    with pytest.raises(DomainError):
        bayes_predictions_haar(np.ones((1, 3, 2, 2)))


def test_bayes_prediction_keeps_a_small_but_resolvable_direction():
    """A prefix with singular values in ratio ~1.5e-10 (above the cutoff 1e-10): the second direction is kept,
    so with d = 2 the prefix s_1, s_2 determines W and the prediction at T = 3 is s_4."""
    theta = 3e-10
    W = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    seqs = _sequence(W, [1.0, 0.0], 4)[None]
    sv = np.linalg.svd(seqs[0, :2].T, compute_uv=False)
    assert 1e-10 < sv[1] / sv[0] < 2e-10
    err = bayes_errors_haar(seqs)[0]
    dropped = np.linalg.norm(seqs[0, 3] - W @ (np.outer(seqs[0, 0], seqs[0, 0]) @ seqs[0, 2])) ** 2
    assert err[2] < dropped / 100


def test_bayes_errors_haar_are_squared_distances_to_the_next_token():
    seqs = _two_haar_sequences(6)
    err = bayes_errors_haar(seqs)
    assert err.shape == (2, 5)
    for i in range(2):
        for T in range(1, 6):
            expected = np.sum((_projection_prediction(seqs[i, :T]) - seqs[i, T]) ** 2)
            assert err[i, T - 1] == pytest.approx(expected, abs=1e-12)
    assert err[0, 0] == pytest.approx(np.sum(seqs[0, 1] ** 2), rel=1e-12)  # T = 1: |s_2|^2 = |s_1|^2 = 5.25
    assert err[0, 0] == pytest.approx(5.25, rel=1e-12)
    assert np.all(err[:, 3:] < 1e-20)


def test_bayes_errors_unitary_general_coefficients():
    """s_{t+1} = lambda s_t coordinate-wise with s_1 != 1 and |lambda| != 1: T = 1 errors |s_2|^2, T >= 2 zero."""
    lam = np.array([[0.5 + 0.5j, -2.0 + 0.0j], [1.5j, 0.25 - 1.0j]])  # (n=2, d=2)
    s1 = np.array([[2.0 - 1.0j, 0.5 + 0.0j], [-1.0 + 0.0j, 3.0 + 2.0j]])
    seqs = s1[:, None, :] * lam[:, None, :] ** np.arange(5)[None, :, None]  # (2, 5, 2)
    err = bayes_errors_unitary(seqs)
    assert err.shape == (2, 4)
    assert err[:, 0] == pytest.approx(np.sum(np.abs(s1 * lam) ** 2, axis=1), rel=1e-12)
    assert err[0, 0] == pytest.approx(2.5 + 1.0, rel=1e-12)  # |(2-i)(1+i)/2|^2 + |0.5*(-2)|^2
    assert np.all(err[:, 1:] < 1e-24)


def test_bayes_errors_unitary_of_a_wrong_continuation():
    """A sequence that breaks the recursion after s_3: the error at T = 3 is |s_4 - lambda s_3|^2."""
    seqs = np.array([[[1.0 + 0.0j], [2.0 + 0.0j], [4.0 + 0.0j], [5.0 + 0.0j]]])  # lambda = 2, s_4 should be 8
    err = bayes_errors_unitary(seqs)
    assert err[0].tolist() == [4.0, 0.0, 9.0]


# the reflection identity -----------------------------------------------------------------------------------
@pytest.mark.parametrize("T", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("W", [W3, W3_REFLECTED], ids=["det+", "det-"])
def test_reflection_identity_holds_for_orthogonal_contexts(W, T):
    assert mirror_consistency(W, T, np.array([1.0, -0.5, 2.0])) < 1e-12


def test_reflection_identity_with_a_degenerate_prefix():
    W = np.diag([1.0, -1.0, 1.0])
    assert mirror_consistency(W, 3, np.array([1.0, 0.0, 0.0])) < 1e-12


def test_reflection_defect_of_a_non_orthogonal_map_by_hand():
    """W = diag(1, 2), s_1 = (1, 1)/sqrt 2, T = 2: P_U s_3 = (9/5) s_2 and W P_V s_2 = (3/2) s_2, so the defect is
    2 max|0.3 s_2| = 1.2 / sqrt 2."""
    W = np.diag([1.0, 2.0])
    assert mirror_consistency(W, 2, np.array([1, 1]) / math.sqrt(2)) == pytest.approx(1.2 / math.sqrt(2), rel=1e-12)


@pytest.mark.parametrize("T", [2, 3])
def test_reflection_defect_of_a_non_orthogonal_map_against_projections(T):
    """Defect = 2 max|P_U s_{T+1} - Y X^+ s_T| (the prefix itself is reproduced exactly)."""
    W = np.array([[1.0, 0.5, 0.0], [0.0, 1.5, 0.25], [0.3, 0.0, 0.8]])
    s1 = np.array([1.0, -1.0, 0.5])
    S = _sequence(W, s1, T + 1)
    U = np.linalg.qr(S[1:T].T)[0]
    expected = 2 * np.abs(U @ U.T @ S[T] - _projection_prediction(S[:T])).max()
    assert expected > 1e-3
    assert mirror_consistency(W, T, s1) == pytest.approx(expected, rel=1e-9)
    # integer input is accepted (cast to float)
    assert mirror_consistency(W, T, np.array([2, -2, 1])) == pytest.approx(2 * expected, rel=1e-9)


# the floor test --------------------------------------------------------------------------------------------
def test_floor_test_fields_against_hand_values():
    model = np.array([1.0, 2.0, 4.0])
    bayes = np.array([0.5, 0.5, 0.5])
    f = floor_test(model, bayes)
    assert isinstance(f, FloorTest)
    assert f.mean_model == pytest.approx(7 / 3) and f.mean_bayes == 0.5
    assert f.mean_difference == pytest.approx(7 / 3 - 0.5)
    # D = (0.5, 1.5, 3.5): sample sd with ddof 1 = sqrt(((−4/3)^2 + (−1/3)^2 + (5/3)^2) / 2) = sqrt(7/3)
    assert f.standard_error == pytest.approx(math.sqrt(7 / 3) / math.sqrt(3), rel=1e-12)
    assert f.sigmas == 6.0 and f.violated is False
    assert f.to_json() == {"mean_model": f.mean_model, "mean_bayes": 0.5, "mean_difference": f.mean_difference,
                           "standard_error": f.standard_error, "sigmas": 6.0, "violated": False}
    assert type(f.violated) is bool


def test_floor_test_averages_extra_axes_per_sequence():
    model = np.array([[1.0, 3.0, 2.0], [0.0, 2.0, 1.0]])  # per-sequence means 2, 1
    bayes = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 3.0]])  # per-sequence means 0, 1
    f = floor_test(model, bayes)
    assert f.mean_model == 1.5 and f.mean_bayes == 0.5 and f.mean_difference == 1.0
    assert f.standard_error == pytest.approx(math.sqrt(2.0) / math.sqrt(2.0), rel=1e-12)  # D = (2, 0)


def test_floor_test_two_sequences_have_a_standard_error():
    f = floor_test(np.array([1.0, 3.0]), np.array([0.0, 0.0]))
    assert f.standard_error == pytest.approx(math.sqrt(2.0) / math.sqrt(2.0), rel=1e-12)


def test_floor_test_one_sequence_has_zero_standard_error():
    f = floor_test(np.array([0.2]), np.array([0.5]))
    assert f.standard_error == 0.0 and f.violated is True
    assert floor_test(np.array([0.7]), np.array([0.5])).violated is False


def test_floor_test_sigmas_decide_at_the_boundary():
    """D = (-1, -3, -2): mean -2, SE = 1/sqrt 3; violated iff -2 + k/sqrt 3 < 0, i.e. k < 2 sqrt 3 = 3.46."""
    model, bayes = np.array([0.0, 0.0, 0.0]), np.array([1.0, 3.0, 2.0])
    assert floor_test(model, bayes, sigmas=3.4).violated is True
    assert floor_test(model, bayes, sigmas=3.5).violated is False
    assert floor_test(model, bayes).violated is False  # default 6 sigmas
    # D = (-1, -5, -3): mean -3, SE = 2/sqrt 3; violated iff k < 1.5 sqrt 3 = 2.6 (default 6: not violated)
    D = np.array([-1.0, -5.0, -3.0])
    assert floor_test(np.zeros(3), -D).sigmas == 6.0
    assert floor_test(np.zeros(3), -D, sigmas=2.5).violated is True


def test_floor_test_default_sigmas_is_six_not_seven():
    """D with mean -1 and SE 1/6.5: violated iff -1 + k/6.5 < 0, i.e. k < 6.5; default 6 violates, 7 would not."""
    se = 1 / 6.5
    sd = se * math.sqrt(2)
    D = np.array([-1 - sd / math.sqrt(2), -1 + sd / math.sqrt(2)])  # n = 2: sd = |D1 - D2| / sqrt 2
    f = floor_test(D, np.zeros(2))
    assert f.standard_error == pytest.approx(se, rel=1e-9)
    assert f.violated is True
    assert floor_test(D, np.zeros(2), sigmas=7.0).violated is False


def test_floor_test_slack_is_one_millionth_of_the_bayes_mean():
    """Constant D (SE 0): violated iff mean(D) + 1e-6 mean|b| < 0."""
    b = np.array([0.5, 0.5])
    assert floor_test(b - 1e-7, b).violated is False         # -1e-7 + 5e-7 > 0: within the slack
    assert floor_test(b - 6e-7, b).violated is True
    assert floor_test(b - 4e-7, b).violated is False
    assert floor_test(b - 1e-9, b).violated is False
    # Bayes errors 0: the slack floor 1e-12 * 1e-6 = 1e-18
    assert floor_test(np.full(2, -1e-17), np.zeros(2)).violated is True
    assert floor_test(np.full(2, -1.5e-18), np.zeros(2)).violated is True
    assert floor_test(np.full(2, -1e-19), np.zeros(2)).violated is False


def test_floor_test_strict_inequality_at_exactly_zero():
    slack = 1e-6 * 1e-12
    assert floor_test(np.array([-slack]), np.array([0.0])).violated is False
    assert floor_test(np.array([0.5]), np.array([0.5])).violated is False


def test_floor_test_rejects_shapes_that_differ():
    with pytest.raises(DomainError):
        floor_test(np.ones((3, 2)), np.ones((3, 3)))
    assert floor_test(np.ones((3, 2)), np.ones((3, 2))).violated is False


def test_floor_test_result_is_immutable():
    f = floor_test(np.array([1.0, 2.0]), np.array([0.5, 0.5]))
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.violated = True
