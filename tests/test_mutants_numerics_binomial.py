"""Mutation tests for numerics.binomial: the Clopper–Pearson interval by its defining equations, the decision
rule at its boundaries, the domain of the arguments, and the serialised forms (benchmarks/mutation.md)."""

import dataclasses

import pytest
from scipy.stats import binom

from ical_verify.numerics.binomial import decision_probabilities, success_rate

GRID = [(k, n) for n in (1, 2, 3, 7, 12) for k in range(n + 1)]


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
@pytest.mark.parametrize("k, n", GRID)
def test_interval_ends_solve_the_clopper_pearson_equations(k, n, confidence):
    """Clopper–Pearson: P(X >= k | low) = alpha/2 (k > 0) and P(X <= k | high) = alpha/2 (k < n)."""
    low, high = success_rate(k, n, confidence).interval
    alpha = 1 - confidence
    if k == 0:
        assert low == 0.0
    else:
        assert binom.sf(k - 1, n, low) == pytest.approx(alpha / 2, rel=1e-9)
    if k == n:
        assert high == 1.0
    else:
        assert binom.cdf(k, n, high) == pytest.approx(alpha / 2, rel=1e-9)
    assert 0.0 <= low <= k / n <= high <= 1.0


@pytest.mark.parametrize("n", [1, 2, 5, 10, 32])
def test_interval_closed_forms_at_zero_and_all_successes(n):
    """0 of n: high = 1 - (alpha/2)^(1/n); n of n: low = (alpha/2)^(1/n) (alpha = 0.05)."""
    assert success_rate(0, n).interval == (0.0, pytest.approx(1 - 0.025 ** (1 / n), rel=1e-12))
    assert success_rate(n, n).interval == (pytest.approx(0.025 ** (1 / n), rel=1e-12), 1.0)


def test_one_trial_is_a_valid_experiment():
    assert success_rate(1, 1).interval == (pytest.approx(0.025), 1.0)
    assert success_rate(0, 1).interval == (0.0, pytest.approx(0.975))


@pytest.mark.parametrize("successes, trials", [(0, 0), (1, 2.0), (1, 0.5), (-1, 3), (4, 3)])
def test_bad_counts_are_rejected(successes, trials):
    with pytest.raises(ValueError):
        success_rate(successes, trials)


@pytest.mark.parametrize("confidence", [0.0, 1.0, 1.5, -0.1])
def test_confidence_must_lie_strictly_between_0_and_1(confidence):
    with pytest.raises(ValueError):
        success_rate(3, 5, confidence)


def test_fraction_is_successes_over_trials():
    assert success_rate(3, 4).fraction == 0.75


def test_judge_decides_only_when_the_interval_is_strictly_on_one_side():
    assert success_rate(32, 32).judge(0.5) is True
    assert success_rate(0, 32).judge(0.5) is False
    assert success_rate(4, 8).judge(0.5) is None
    # an end of the interval equal to the threshold does not decide
    assert success_rate(0, 10).judge(0.0) is None          # interval [0, 0.31]
    assert success_rate(10, 10).judge(1.0) is None         # interval [0.69, 1]


@pytest.mark.parametrize("p", [0.0, 0.3, 0.5, 0.9, 1.0])
def test_decision_probabilities_sum_to_one(p):
    probs = decision_probabilities(p, 16, 0.5)
    assert set(probs) == {True, False, None}
    assert sum(probs.values()) == pytest.approx(1.0, abs=1e-12)
    if p in (0.0, 1.0):                                    # every run fails / succeeds: one decision is certain
        assert probs[p == 1.0] == pytest.approx(1.0)


def test_success_rate_is_an_immutable_value():
    r = success_rate(3, 4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.successes = 4
    assert r == success_rate(3, 4) and hash(r) == hash(success_rate(3, 4))


def test_serialised_forms():
    r = success_rate(8, 8)
    low = r.interval[0]
    assert r.to_json() == {"successes": 8, "trials": 8, "fraction": 1.0, "confidence": 0.95,
                           "interval": [low, 1.0]}
    assert str(r) == "8/8 (95 % interval [0.63, 1.00])"
    assert str(success_rate(1, 4, 0.5)).startswith("1/4 (50 % interval [")
