"""Figure 4's mechanism: least-squares AR fits of short windows (loss (5)), the characterisation of the windows
with a positive minimum, the plotted rollout MSE, the exact pattern laws under shuffling, the shuffles."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.numerics import ar_fit as af
from strategies_fig4 import token_pools, token_vectors, token_windows


@given(token_windows(), token_vectors())
def test_min_of_loss5_is_positive_iff_a_token_has_two_successors(ids, E):
    V = E[ids]
    loss = af.min_inner_loss(V)
    assert np.array_equal(loss > 1e-18, af.inconsistent_windows(ids))
    assert np.allclose(loss, af.predicted_min_loss(ids, V), atol=1e-12)


@given(token_windows(), token_vectors())
def test_rollout_and_loss5_vanish_together(ids, E):
    V = E[ids]
    assert np.array_equal(af.rollout_mse(V) > 1e-18, af.min_inner_loss(V) > 1e-18)


@given(token_windows(vocabulary=8), token_vectors(vocabulary=8))
def test_the_min_norm_fit_attains_the_minimum(ids, E):
    s = E[ids[0]]
    W = af.min_norm_fit(s)
    value = 0.5 * np.sum((s[1:] - s[:-1] @ W.T) ** 2)
    assert value == pytest.approx(af.min_inner_loss(s)[0], abs=1e-12)


def test_predecessors_alone_never_matter():
    pats = np.array(af.equality_patterns(5))
    only_pred = af.predecessor_conflicts(pats) & ~af.inconsistent_windows(pats)
    assert only_pred.sum() == 6
    E = np.random.default_rng(0).standard_normal((5, 32))
    assert np.all(af.min_inner_loss(E[pats[only_pred]]) < 1e-20)


def test_dependent_distinct_tokens_break_the_characterisation():
    """Without (A): three distinct tokens with a + b = c can make a window with no repeated token non-trivial."""
    a, b = np.eye(2)
    window = np.array([a, b, a + b, np.array([5.0, 0.0])])          # c = a + b, successors not additive
    assert not af.inconsistent_windows([[0, 1, 2, 3]])[0]
    assert af.min_inner_loss(window)[0] > 1e-3
    assert af.distinct_rank_deficient([[0, 1, 2, 3]], window[None])[0]


@pytest.mark.parametrize("T", [2, 3, 4, 5])
def test_equality_patterns_are_the_set_partitions(T):
    bell = {2: 2, 3: 5, 4: 15, 5: 52}[T]
    pats = af.equality_patterns(T)
    assert len(pats) == len(set(pats)) == bell


def _brute_force_inconsistent(counts, T):
    """Exact probability over every ordered choice of T distinct positions of the pool (fractions)."""
    pool = [v for v, c in enumerate(counts) for _ in range(c)]
    hits = total = 0
    for choice in itertools.permutations(range(len(pool)), T):
        total += 1
        hits += bool(af.inconsistent_windows(np.array([[pool[i] for i in choice]]))[0])
    return Fraction(hits, total)


@given(token_pools(T=3))
@settings(max_examples=15)
def test_pattern_law_equals_brute_force_on_small_pools(counts):
    exact = _brute_force_inconsistent(list(counts), 3)
    assert af.expected_inconsistent_fraction(counts, 3) == pytest.approx(float(exact), abs=1e-12)
    law = af.pattern_law(counts, 3)
    assert sum(law.probabilities.values()) == pytest.approx(1.0, abs=1e-12)


def test_pattern_law_iid_uniform_closed_form():
    # T = 3: inconsistent iff s1 = s2 and s2 != s3 ... only (0,0,1): probability (1/V)(1 - 1/V)
    V = 7
    assert af.expected_inconsistent_fraction(np.ones(V), 3, "iid") == pytest.approx((1 / V) * (1 - 1 / V))


def test_pattern_law_against_monte_carlo_at_six_sigma():
    rng = np.random.default_rng(3)
    counts = rng.integers(1, 30, 40)
    p = af.expected_inconsistent_fraction(counts, 5)
    pool = np.repeat(np.arange(len(counts)), counts)
    n = len(pool) // 5
    draws = np.array([af.inconsistent_windows(rng.permutation(pool)[: n * 5].reshape(n, 5)).mean()
                      for _ in range(400)])
    se = draws.std(ddof=1) / np.sqrt(len(draws))
    assert abs(draws.mean() - p) < 6 * se
    assert abs(draws.mean() - 1.2 * p) > 6 * se              # a 20 % wrong value is outside the interval


@given(token_windows(max_windows=5), st.integers(0, 2**31 - 1))
def test_shuffles_keep_what_they_should(ids, seed):
    rng = np.random.default_rng(seed)
    tok = af.shuffle_windows(ids, rng, "tokens")
    assert sorted(tok.ravel()) == sorted(ids.ravel())
    within = af.shuffle_windows(ids, rng, "within-windows")
    assert all(sorted(a) == sorted(b) for a, b in zip(within, ids))
    whole = af.shuffle_windows(ids, rng, "windows")
    assert sorted(map(tuple, whole)) == sorted(map(tuple, ids))
    assert af.inconsistent_windows(whole).sum() == af.inconsistent_windows(ids).sum()


def test_unknown_shuffle_and_sampling_are_rejected():
    with pytest.raises(ValueError, match="scheme"):
        af.shuffle_windows(np.zeros((2, 5)), np.random.default_rng(0), "rows")
    with pytest.raises(ValueError, match="sampling"):
        af.pattern_law([1, 2], 2, "bootstrap")


def test_authors_fit_reports_ranks_and_matches_the_svd_rollout():
    rng = np.random.default_rng(1)
    E = rng.standard_normal((6, 32))
    E /= np.linalg.norm(E, axis=1, keepdims=True)
    ids = np.array([[0, 1, 2, 3, 4], [0, 1, 0, 2, 3], [0, 1, 2, 1, 5]])
    fit = af.authors_fit(E[ids].astype(np.float64))
    assert fit.rank.tolist() == [4, 3, 3]
    assert np.allclose(fit.mse, af.rollout_mse(E[ids]), atol=1e-12)
