"""Mutation tests for numerics.ar_fit (loss (5), Figure 4): the least-squares minimum, fit and rollout on one-hot
windows worked by hand, the rank cut at its boundaries, the characterisation and the predecessor conflicts against
a brute force over every window of 4 symbols, the equality patterns and their exact probabilities against
enumeration of the draws, the shuffles' invariants, and argument validation (benchmarks/mutation.md)."""

import dataclasses
import itertools
import math
from collections import Counter

import numpy as np
import pytest

from ical_verify.numerics import ar_fit as A
from ical_verify.numerics.errors import DomainError

a, b, c = np.eye(3)
ABAC = np.array([a, b, a, c])                     # a is followed by b and by c
EPS = np.finfo(np.float64).eps


def _succ_conflict(w):
    """Brute force: a token among positions 1..T-1 followed by two different tokens."""
    succ = {}
    for t in range(len(w) - 1):
        succ.setdefault(w[t], set()).add(w[t + 1])
    return any(len(s) > 1 for s in succ.values())


def _pred_conflict(w):
    """Brute force: a token among positions 2..T preceded by two different tokens."""
    pred = {}
    for t in range(1, len(w)):
        pred.setdefault(w[t], set()).add(w[t - 1])
    return any(len(s) > 1 for s in pred.values())


def _pattern(w):
    labels = {}
    return tuple(labels.setdefault(x, len(labels)) for x in w)


# ------------------------------------------------------------------------------------------ shapes
@pytest.mark.parametrize("shape", [(1, 1, 3), (2, 1, 2), (1, 3), (2, 2, 2, 2), (3,)])
def test_windows_shorter_than_two_or_of_wrong_rank_are_refused(shape):
    with pytest.raises(DomainError):
        A.min_inner_loss(np.ones(shape))


def test_two_step_and_one_dimensional_windows_are_accepted():
    assert A.min_inner_loss(np.array([[1.0], [2.0]])).tolist() == [0.0]           # T = 2, d = 1: exact fit
    assert A.min_inner_loss(np.array([[1.0, 0.0], [2.0, 1.0]])).tolist() == [0.0]     # T = 2


@pytest.mark.parametrize("shape", [(1, 3), (3,), (2, 2, 2)])
def test_min_norm_fit_refuses_a_non_window(shape):
    with pytest.raises(DomainError):
        A.min_norm_fit(np.ones(shape))


# -------------------------------------------------------------------------------- loss (5), the fit
def test_min_inner_loss_of_one_dimensional_windows():
    """d = 1, X = (1, 2), Y = (2, 3): w = 8/5, residual (2/5, -1/5), L = (4/25 + 1/25)/2 = 1/10."""
    assert A.min_inner_loss(np.array([[1.0], [2.0], [3.0]]))[0] == pytest.approx(0.1, abs=1e-15)


def test_min_inner_loss_by_hand_in_a_batch():
    """T - 1 = 5 > d = 3 (thin SVD). [a, b, a, c, a, b]: a -> b, c, b, whose scatter around (2b + c)/3 is
    2 * 2/9 + 8/9 = 4/3, half: 2/3; [a, b, c, a, b, c] is consistent."""
    S = np.array([[a, b, a, c, a, b], [a, b, c, a, b, c]])
    got = A.min_inner_loss(S)
    assert got.shape == (2,)
    assert got == pytest.approx([2 / 3, 0.0], abs=1e-12)
    assert A.min_inner_loss(ABAC * 3.0) == pytest.approx([4.5], abs=1e-12)    # quadratic in the window


def test_rank_cut_relative_to_the_largest_singular_value():
    """rcond = 1 keeps no singular value (s > s_1 is false): the minimum is then |Y|^2 / 2; rcond 0.5 drops the
    second singular value of X = diag(10, 3) (3 < 5) but not with 10 x 0.5 misread as 0.5 / 10."""
    S = np.array([[10.0, 0.0], [0.0, 3.0], [1.0, 1.0]])
    assert A.min_inner_loss(S, rcond=1.0) == pytest.approx([0.5 * (9 + 1 + 1)], abs=1e-12)
    # X = diag(10, 3): rcond 0.5 keeps only e_1; Y = [(0, 3), (1, 1)]: residual (0, 3) and (0, 1) off e_1 ... rows
    # of X are e_1, e_2 (scaled): projection onto the first row's direction in R^2 (the row space of X^T)
    assert A.min_inner_loss(S, rcond=0.5) == pytest.approx([0.5 * 2.0], abs=1e-12)
    assert A.min_inner_loss(S) == pytest.approx([0.0], abs=1e-12)


def test_min_norm_fit_by_hand():
    W = A.min_norm_fit(ABAC)
    assert np.allclose(W, [[0, 1, 0], [0.5, 0, 0], [0.5, 0, 0]], atol=1e-15)      # W a = (b + c)/2, W b = a
    assert np.allclose(A.min_norm_fit(np.array([[1.0], [2.0]])), [[2.0]])           # T = 2
    assert np.allclose(A.min_norm_fit(np.array([[1.0], [2.0], [3.0]])), [[1.6]])


# ---------------------------------------------------------------------------------------- rollout
ROLL = np.array([a, (b + c) / 2, a / 2, (b + c) / 4])                           # of [a, b, a, c], by hand


def test_rollout_of_a_rank_deficient_window_by_hand():
    """W a = (b + c)/2, W b = a, W c = 0 (min norm): s_hat = a, (b+c)/2, a/2, (b+c)/4."""
    assert np.allclose(A.rollout(ABAC)[0], ROLL, atol=1e-15)
    mse = (0 + 0.5 + 0.25 + 0.625) / 12
    assert A.rollout_mse(ABAC) == pytest.approx([mse], abs=1e-15)
    two = A.rollout(np.array([ABAC, [a, b, c, a]]))
    assert two.shape == (2, 4, 3)
    assert np.allclose(two[1], [a, b, c, a], atol=1e-14) and np.allclose(two[0], ROLL, atol=1e-15)


def test_rollout_of_a_long_one_dimensional_window():
    """d = 1: w = 8/5 (X = (1, 2), Y = (2, 3)): s_hat_k = (8/5)^(k-1)."""
    S = np.array([[1.0], [2.0], [3.0]])
    assert np.allclose(A.rollout(S)[0, :, 0], [1, 1.6, 2.56], atol=1e-14)
    assert A.rollout_mse(S) == pytest.approx([((2 - 1.6) ** 2 + (3 - 2.56) ** 2) / 3], abs=1e-14)


def test_rollout_with_a_coarse_rank_cut():
    """X = diag(10, 3) at rcond 0.5: only e_1 is kept, W = (Y^T X^+^T) maps e_1 -> (0, 3)/10 and e_2 -> 0."""
    S = np.array([[10.0, 0.0], [0.0, 3.0], [1.0, 1.0]])
    R = A.rollout(S, rcond=0.5)[0]
    assert np.allclose(R, [[10, 0], [0, 3], [0, 0]], atol=1e-14)
    assert np.allclose(A.rollout(S)[0], S, atol=1e-14)                           # full rank: exact


def test_default_rank_cut_is_max_of_T_minus_1_and_d_times_eps():
    """X (100 x 2) with singular values 1 and ~10 eps: below the default cut 99 eps (it is dropped) and above
    2 eps (d eps alone would keep it, and 1/s ~ 1e14 would blow the rollout up)."""
    m = 100
    u1 = np.ones(m) / math.sqrt(m)
    u2 = np.tile([1.0, -1.0], m // 2) / math.sqrt(m)
    X = np.outer(u1, [1.0, 0.0]) + 10 * EPS * np.outer(u2, [0.0, 1.0])
    s = np.linalg.svd(X, compute_uv=False)
    assert 2 * EPS < s[1] / s[0] < (m - 1) * EPS / 2
    S = np.concatenate([X, [[0.0, 1.0]]])                                        # T = 101, d = 2
    assert np.abs(A.rollout(S)).max() < 10
    dropped = A.min_inner_loss(S)[0]
    kept = A.min_inner_loss(S, rcond=EPS)[0]
    assert dropped != pytest.approx(kept, abs=1e-3)


# -------------------------------------------------------------------------------------- authors_fit
def test_authors_dataclass_is_frozen():
    r = A.AuthorsFit(np.zeros(1), np.zeros(1, dtype=int))
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.mse = None


def test_pattern_law_dataclass_is_frozen():
    law = A.pattern_law([1, 1], 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        law.T = 3


# ----------------------------------------------------------------------------- the characterisation
ALL_4 = np.array(list(itertools.product(range(4), repeat=5)))                     # every window of 4 symbols


def test_inconsistent_windows_is_the_brute_force_on_every_window():
    got = A.inconsistent_windows(ALL_4)
    assert got.shape == (len(ALL_4),)
    assert got.tolist() == [_succ_conflict(tuple(w)) for w in ALL_4]
    assert A.inconsistent_windows([1, 2, 3, 1]).tolist() == [False]              # last token equal to the first
    assert A.inconsistent_windows([1, 1, 2]).tolist() == [True]
    assert A.inconsistent_windows([1, 2, 1, 3]).tolist() == [True]


def test_predecessor_conflicts_is_the_brute_force_on_every_window():
    got = A.predecessor_conflicts(ALL_4)
    assert got.shape == (len(ALL_4),)
    assert got.tolist() == [_pred_conflict(tuple(w)) for w in ALL_4]
    assert A.predecessor_conflicts([1, 2, 3, 2]).tolist() == [True]


def _scatter(ids, V):
    groups = {}
    for t in range(len(ids) - 1):
        groups.setdefault(ids[t], []).append(V[t + 1])
    return 0.5 * sum(float(np.sum((np.array(g) - np.mean(g, axis=0)) ** 2)) for g in groups.values())


def test_predicted_min_loss_by_hand_and_against_the_scatter():
    ids = [0, 1, 0, 2, 0, 1]                                                     # 0 -> b, c, b: 2/3
    V = np.eye(3)[ids]
    assert A.predicted_min_loss(ids, V) == pytest.approx([2 / 3], abs=1e-14)
    ids2 = [0, 1, 0, 2, 1, 3]                                                    # 0 -> b, c and 1 -> a, d: 1/2 + 1/2
    assert A.predicted_min_loss([ids2], np.eye(4)[ids2][None]) == pytest.approx([1.0], abs=1e-14)
    rng = np.random.default_rng(5)
    idsb = rng.integers(0, 3, size=(6, 7))
    Vb = rng.standard_normal((6, 7, 4))
    assert A.predicted_min_loss(idsb, Vb) == pytest.approx([_scatter(i, v) for i, v in zip(idsb, Vb)], abs=1e-12)


def test_predicted_min_loss_equals_the_least_squares_minimum_for_one_hot_tokens():
    rng = np.random.default_rng(2)
    ids = rng.integers(0, 4, size=(20, 6))
    V = np.eye(6)[ids]                                                           # independent token vectors
    assert np.allclose(A.predicted_min_loss(ids, V), A.min_inner_loss(V), atol=1e-12)


def test_distinct_rank_deficient():
    ids = np.array([[0, 1, 0, 2], [0, 1, 0, 2]])
    V = np.array([[a, b, a, c], [a, 2 * a, a, c]])                               # second: token 1 = 2 x token 0
    assert A.distinct_rank_deficient(ids, V).tolist() == [False, True]
    assert A.distinct_rank_deficient([0, 1, 2, 3], np.array([a, b, a + b, c])).tolist() == [True]
    assert A.distinct_rank_deficient([0, 1, 2, 3], np.array([a, b, c, a + b])).tolist() == [False]


def test_distinct_rank_deficient_relative_tolerance_boundaries():
    """[[1, 0], [1, e]]: s_2 / s_1 = e / 2 (to first order); e = 3e-9 is independent at the default 1e-9 and not
    at 2e-9; scaled by 1000, e = 1e-9 is deficient (the tolerance is relative to s_1)."""
    ids = [0, 1, 2]
    V = np.array([[1.0, 0.0], [1.0, 3e-9], [0.0, 0.0]])
    assert A.distinct_rank_deficient(ids, V).tolist() == [False]
    assert A.distinct_rank_deficient(ids, V, tol=2e-9).tolist() == [True]
    W = 1000 * np.array([[1.0, 0.0], [1.0, 1e-9], [0.0, 0.0]])
    assert A.distinct_rank_deficient(ids, W).tolist() == [True]
    assert A.distinct_rank_deficient([0, 0, 1], np.array([a, a, b]), tol=1.0).tolist() == [True]   # s_1 > s_1: no


# ----------------------------------------------------------------------------------- equality patterns
def test_equality_patterns_are_the_restricted_growth_strings():
    assert A.equality_patterns(1) == ((0,),)
    assert A.equality_patterns(3) == ((0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1), (0, 1, 2))
    assert [len(A.equality_patterns(T)) for T in range(1, 7)] == [1, 2, 5, 15, 52, 203]    # Bell numbers
    assert set(A.equality_patterns(4)) == {_pattern(w) for w in itertools.product(range(4), repeat=4)}
    assert A.equality_patterns(4) is A.equality_patterns(4)                      # cached


@pytest.mark.parametrize("T", [0, 1.5, -2])
def test_equality_patterns_refuse_a_bad_length(T):
    with pytest.raises(DomainError):
        A.equality_patterns(T)


def test_pattern_is_inconsistent():
    assert A.pattern_is_inconsistent((0, 0, 1)) is True
    assert A.pattern_is_inconsistent((0, 1, 2, 0)) is False


def _brute_law_permutation(counts, T):
    pool = [v for v, k in enumerate(counts) for _ in range(k)]
    law = Counter(_pattern([pool[i] for i in sel]) for sel in itertools.permutations(range(len(pool)), T))
    total = sum(law.values())
    return {p: n / total for p, n in law.items()}


def _brute_law_iid(counts, T):
    q = np.asarray(counts, float) / sum(counts)
    law = {}
    for w in itertools.product(range(len(counts)), repeat=T):
        p = _pattern(w)
        law[p] = law.get(p, 0.0) + float(np.prod(q[list(w)]))
    return law


@pytest.mark.parametrize("counts, T", [([2, 2, 1], 4), ([3, 1, 1, 0], 4), ([1, 1, 1, 1], 4), ([2, 1], 3)])
def test_permutation_law_is_the_enumeration_of_draws(counts, T):
    law = A.pattern_law(counts, T, "permutation")
    brute = _brute_law_permutation(counts, T)
    assert set(law.probabilities) == set(A.equality_patterns(T))
    for p, prob in law.probabilities.items():
        assert prob == pytest.approx(brute.get(p, 0.0), abs=1e-14)
    bad = sum(v for p, v in brute.items() if _succ_conflict(p))
    assert law.inconsistent == pytest.approx(bad, abs=1e-14)
    assert law.T == T and law.sampling == "permutation"
    js = law.to_json()
    assert js == {"T": T, "sampling": "permutation", "inconsistent_probability": law.inconsistent,
                  "total_probability": pytest.approx(1.0, abs=1e-14)}


@pytest.mark.parametrize("counts, T", [([3, 1, 2], 4), ([1, 1], 3), ([5], 2)])
def test_iid_law_is_the_enumeration_of_draws(counts, T):
    law = A.pattern_law(counts, T, "iid")
    brute = _brute_law_iid(counts, T)
    for p, prob in law.probabilities.items():
        assert prob == pytest.approx(brute.get(p, 0.0), abs=1e-14)
    bad = sum(v for p, v in brute.items() if _succ_conflict(p))
    assert law.inconsistent == pytest.approx(bad, abs=1e-14) and law.sampling == "iid"


def test_pattern_law_arguments():
    assert A.pattern_law([1, 2], 3).sampling == "permutation"                   # the default; N = T allowed
    with pytest.raises(DomainError):
        A.pattern_law([1, 1], 3)                                                # a pool of 2 cannot fill 3
    with pytest.raises(DomainError):
        A.pattern_law([1, 1], 2, "poisson")
    assert A.pattern_law([1, 1], 3, "iid").T == 3                               # iid: any T


def test_expected_inconsistent_fraction_defaults_to_T_5_and_permutation():
    counts = [2, 2, 1, 1]
    brute = _brute_law_permutation(counts, 5)
    bad = sum(v for p, v in brute.items() if _succ_conflict(p))
    assert A.expected_inconsistent_fraction(counts) == pytest.approx(bad, abs=1e-14)
    iid = _brute_law_iid([1, 1, 1], 5)
    assert A.expected_inconsistent_fraction([1, 1, 1], sampling="iid") == pytest.approx(
        sum(v for p, v in iid.items() if _succ_conflict(p)), abs=1e-14)


# ---------------------------------------------------------------------------------------------- shuffles
X = np.arange(24).reshape(6, 4)                                                 # 6 windows of 4 distinct ids


def test_shuffle_scheme_names():
    assert A.SHUFFLES == ("tokens", "within-windows", "windows")
    with pytest.raises(DomainError):
        A.shuffle_windows(X, np.random.default_rng(0), "rows")


def test_token_shuffle_mixes_tokens_across_windows():
    for out in (A.shuffle_windows(X, np.random.default_rng(1)), A.shuffle_windows(X, np.random.default_rng(1),
                                                                                    "tokens")):
        assert out.shape == X.shape and sorted(out.ravel()) == list(range(24))
        assert any(set(r) != set(x) for r, x in zip(out, X))


def test_within_window_shuffle_keeps_each_windows_tokens_and_moves_some():
    out = A.shuffle_windows(X, np.random.default_rng(1), "within-windows")
    assert [sorted(r) for r in out] == [list(x) for x in X]
    assert not np.array_equal(out, X)


def test_window_shuffle_keeps_windows_intact_and_reorders_them():
    out = A.shuffle_windows(X, np.random.default_rng(1), "windows")
    assert sorted(map(tuple, out)) == sorted(map(tuple, X)) and not np.array_equal(out, X)


def test_shuffles_of_token_vectors_move_whole_vectors():
    V = np.arange(6 * 4 * 3).reshape(6, 4, 3)                                    # token vectors, d = 3
    rows = sorted(map(tuple, V.reshape(-1, 3)))
    for scheme in A.SHUFFLES:
        out = A.shuffle_windows(V, np.random.default_rng(3), scheme)
        assert out.shape == V.shape and sorted(map(tuple, out.reshape(-1, 3))) == rows
        assert not np.array_equal(out, V)
    out = A.shuffle_windows(V, np.random.default_rng(3), "within-windows")
    assert all(sorted(map(tuple, o)) == sorted(map(tuple, v)) for o, v in zip(out, V))


# ------------------------------------------------------------------------------- authors (torch, last)
def _lstsq_rollout_mse(w):
    Wt = np.linalg.lstsq(w[:-1], w[1:], rcond=None)[0]                          # X W^T = Y
    approx = [w[0]]
    for _ in range(1, len(w)):
        approx.append(Wt.T @ approx[-1])
    return float(np.mean((np.array(approx) - w) ** 2))


def test_authors_fit_matches_a_numpy_least_squares_rollout():
    """Windows with X of full column rank (torch's default lstsq reports an erratic rank, sometimes 0, for an
    exactly singular X, so none is used here); the 1-d window by hand: w = 8/5, errors 0, 0.4, 0.44."""
    S = np.array([[[1.0, 0], [0, 1], [1, 1], [2, 0]], [[1.0, 2], [2, 1], [0, 1], [1, 1]]])   # (2, 4, 2)
    r = A.authors_fit(S)
    assert r.mse.shape == (2,) and r.rank.tolist() == [2, 2]
    assert r.mse == pytest.approx([_lstsq_rollout_mse(w) for w in S], abs=1e-12)
    assert A.authors_rollout_mse(np.array([[1.0], [2.0], [3.0]])) == pytest.approx([(0.16 + 0.44 ** 2) / 3],
                                                                                  abs=1e-12)
