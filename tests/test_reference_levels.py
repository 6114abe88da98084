"""Reference levels of next-token MSEs: the zero level and the Bayes error (numerics.reference_levels)."""

import numpy as np
import pytest
from hypothesis import given, settings

from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.gd_inner_loss import least_squares_errors
from ical_verify.numerics.reference_levels import (bayes_errors_haar, bayes_errors_unitary,
                                                   bayes_level_haar_orthogonal, bayes_level_unitary,
                                                   bayes_predictions_haar, floor_test, mirror_consistency,
                                                   reference_levels)
from ical_verify.numerics.samplers import ar_sequences, haar_orthogonal, unitary_contexts

from strategies_section6 import contexts_and_prefix, orthogonal_matrices


@pytest.mark.parametrize("d", [1, 2, 3, 5, 10])
def test_closed_form_falls_linearly_to_zero_at_T_equal_d_plus_1(d):
    levels = [bayes_level_haar_orthogonal(d, T) for T in range(1, d + 4)]
    assert levels[0] == 1.0
    assert np.allclose(np.diff(levels[: d + 1]), -1 / d)
    assert levels[d] == 0.0 and levels[-1] == 0.0


def test_monte_carlo_confirms_the_closed_form_and_excludes_the_nearest_alternatives():
    d, n, L = 4, 20_000, 6
    rng = np.random.default_rng(12)
    s1 = np.ones(d) / np.sqrt(d)
    err = bayes_errors_haar(ar_sequences(haar_orthogonal(d, n, rng), L + 1, s1=s1))  # (n, L)
    for T in range(1, L + 1):
        m = err[:, T - 1].mean()
        half = 6 * err[:, T - 1].std(ddof=1) / np.sqrt(n) + 1e-12
        exact = bayes_level_haar_orthogonal(d, T)
        assert abs(m - exact) <= half
        # the nearest wrong alternatives: off by one prefix, and Haar SO(d) (sign fixed at T = d)
        for wrong in (max(d - T, 0) / d, (d - T + 2) / d) + ((0.0,) if T == d else ()):
            if wrong != exact:
                assert abs(m - wrong) > half


@settings(max_examples=25, deadline=None)
@given(contexts_and_prefix())
def test_reflection_identity_is_exact(case):
    """Step 1 of the derivation: W' = (2P_U - I)W has the same prefix and mirrors s_{T+1} about the Bayes mean."""
    W, T = case
    d = W.shape[0]
    s1 = np.ones(d) / np.sqrt(d)
    assert mirror_consistency(W, T, s1) < _rounding_allowance(W, T, s1)


def _rounding_allowance(W, T, s1):
    """The identity is exact up to rounding, which the least-squares Bayes mean amplifies by the condition number
    kappa of the prefix s_2..s_T among its singular values above the predictor's cut-off (1e-10 relative), and
    which the directions below the cut-off (ignored by the predictor, kept by the reflection) shift by their
    relative size: 1e-9 + 1000 eps kappa + 10 delta. A wrong identity deviates by O(1). (The derandomised profile
    once drew a nearly degenerate prefix whose deviation, 1e-7, exceeded a flat 1e-9.)"""
    if T < 3:
        return 1e-9
    prefix = np.array([np.linalg.matrix_power(W, t) @ s1 for t in range(1, T)])  # (T - 1, d): s_2..s_T
    sv = np.linalg.svd(prefix, compute_uv=False)
    kept, dropped = sv[sv > 1e-10 * sv[0]], sv[sv <= 1e-10 * sv[0]]
    delta = float(dropped.max() / sv[0]) if dropped.size else 0.0
    return 1e-9 + 1000 * np.finfo(float).eps * float(kept[0] / kept[-1]) + 10 * delta


@pytest.mark.parametrize("angle", [5e-9, 6.6e-10, 1e-5, 0.7])
def test_reflection_identity_on_nearly_degenerate_prefixes(angle):
    """Near-identity rotations (prefixes close to rank one) stay within the allowance."""
    c, s = np.cos(angle), np.sin(angle)
    W = np.array([[c, -s], [s, c]])
    s1 = np.ones(2) / np.sqrt(2)
    assert mirror_consistency(W, 3, s1) < _rounding_allowance(W, 3, s1)


@settings(max_examples=20, deadline=None)
@given(orthogonal_matrices(4))
def test_prefix_longer_than_d_determines_the_next_token(W):
    s = ar_sequences(W[None], 8, s1=np.ones(4) / 2)
    err = bayes_errors_haar(s)[0]
    assert np.all(err[4:] < 1e-16)  # T >= d + 1 = 5: s_{T+1} is known


def test_bayes_prediction_is_the_min_norm_least_squares_limit_of_gd():
    seqs = ar_sequences(haar_orthogonal(3, 50, np.random.default_rng(3)), 9)
    ours = bayes_errors_haar(seqs)[:, 1:]  # prefixes T = 2..8
    assert np.allclose(ours, least_squares_errors(seqs), atol=1e-12)


def test_prefix_of_one_token_predicts_zero():
    seqs = ar_sequences(haar_orthogonal(3, 5, np.random.default_rng(4)), 4)
    assert np.all(bayes_predictions_haar(seqs)[:, 0] == 0)


def test_unitary_levels():
    lam = unitary_contexts(2, 100, np.random.default_rng(5))
    seqs = lam[:, None, :] ** np.arange(6)[None, :, None]
    err = bayes_errors_unitary(seqs)
    assert np.allclose(err[:, 0], 2.0) and np.all(err[:, 1:] < 1e-24)
    assert [bayes_level_unitary(T) for T in (1, 2, 5)] == [1.0, 0.0, 0.0]


def test_reference_levels_per_coordinate_and_mean():
    r = reference_levels("haar-orthogonal", 5, range(2, 13), s1_norm_sq=5.0)
    assert r.mean_zero == 5.0
    assert r.mean_bayes == pytest.approx(10 / 11)
    r2 = reference_levels("haar-orthogonal", 5, range(2, 13), s1_norm_sq=5.0, per_coordinate=True)
    assert r2.mean_bayes == pytest.approx(r.mean_bayes / 5)
    assert "Bayes" in r.describe()


def test_floor_test_catches_a_number_below_the_bayes_error():
    rng = np.random.default_rng(6)
    bayes = rng.random(400)
    assert not floor_test(bayes + 0.1 * rng.random(400), bayes).violated
    assert not floor_test(bayes.copy(), bayes).violated  # equal to the Bayes predictor
    assert floor_test(bayes - 0.05, bayes).violated


@pytest.mark.parametrize("call", [
    lambda: bayes_level_haar_orthogonal(0, 1),
    lambda: bayes_level_haar_orthogonal(3, 0),
    lambda: reference_levels("commuting", 3, range(1, 3)),
    lambda: floor_test(np.ones(3), np.ones(4)),
])
def test_domain_errors(call):
    with pytest.raises(DomainError):
        call()
