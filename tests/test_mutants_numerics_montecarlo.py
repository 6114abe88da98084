"""Mutation tests for numerics.montecarlo: the batched mean and variance against NumPy on fixed data, the batch
sizes requested, the rounding floor of a constant sample, the interval, confidence, relative error and z-score of
a result at their edge cases, the sample-size formula, and argument validation (benchmarks/mutation.md)."""

import dataclasses
import math

import numpy as np
import pytest

from ical_verify.numerics import montecarlo as M
from ical_verify.numerics.errors import DomainError


class Feed:
    """draw(rng, m): the next m values of a fixed array, recording every m asked for."""

    def __init__(self, data):
        self.data, self.pos, self.asked = np.asarray(data, dtype=float), 0, []

    def __call__(self, rng, m):
        self.asked.append(m)
        out = self.data[self.pos:self.pos + m]
        self.pos += m
        return out


def _result(est=2.0, se=0.5, interval=(1.0, 3.0), n=10, sigmas=2.0):
    return M.MonteCarloResult(est, se, interval, n, sigmas)


def test_constants():
    assert M.DEFAULT_SIGMAS == 6.0 and M.ROUNDING_FLOOR == 1e-12


@pytest.mark.parametrize("batch", [3, 4, 7, 100])
def test_batched_mean_and_standard_error_are_numpys(batch):
    data = np.array([1.0, 2.0, 4.0, 8.0, 16.0, -3.0, 0.5])
    feed = Feed(data)
    r = M.monte_carlo_mean(feed, 7, None, sigmas=2.0, batch=batch)
    se = math.sqrt(np.var(data, ddof=1) / 7)
    assert r.estimate == pytest.approx(np.mean(data), rel=1e-14)
    assert r.standard_error == pytest.approx(se, rel=1e-13)
    assert r.interval[0] == pytest.approx(np.mean(data) - 2 * se, rel=1e-13)
    assert r.interval[1] == pytest.approx(np.mean(data) + 2 * se, rel=1e-13)
    assert r.n_samples == 7 and type(r.n_samples) is int and r.sigmas == 2.0
    assert feed.asked == [min(batch, 7 - k) for k in range(0, 7, batch)]


def test_default_batch_is_65536_and_default_width_six_sigmas():
    feed = Feed(np.arange(65_537) % 5)
    r = M.monte_carlo_mean(feed, 65_537, None)
    assert feed.asked == [65_536, 1]
    assert r.sigmas == 6.0
    assert r.estimate == pytest.approx(np.mean(feed.data), rel=1e-14)


def test_constant_sample_has_zero_error_and_the_rounding_floor():
    r = M.monte_carlo_mean(lambda rng, m: np.full(m, 5.0), 10, None, batch=4)
    assert r.estimate == 5.0 and r.standard_error == 0.0
    assert r.interval == (5.0 - 5e-12, 5.0 + 5e-12)
    r = M.monte_carlo_mean(lambda rng, m: np.full(m, 0.5), 2, None)
    assert r.standard_error == 0.0 and r.interval == (0.5 - 1e-12, 0.5 + 1e-12)


def test_two_samples_and_small_sigmas_are_accepted():
    r = M.monte_carlo_mean(lambda rng, m: np.array([1.0, 3.0][:m]), 2, None, sigmas=0.5)
    assert r.estimate == 2.0 and r.standard_error == pytest.approx(1.0, rel=1e-15)   # sqrt(2 / 2)
    assert r.interval == pytest.approx((1.5, 2.5), rel=1e-15)


@pytest.mark.parametrize("n, sigmas", [(1, 6.0), (2.5, 6.0), (0, 6.0), (10, 0.0), (10, -1.0)])
def test_bad_sample_count_or_width_is_refused(n, sigmas):
    with pytest.raises(DomainError):
        M.monte_carlo_mean(lambda rng, m: np.zeros(m), n, None, sigmas=sigmas)


def test_a_draw_of_the_wrong_shape_is_refused():
    with pytest.raises(DomainError):
        M.monte_carlo_mean(lambda rng, m: np.zeros(m + 1), 5, None)


def test_result_properties():
    r = _result()
    assert r.confidence == pytest.approx(1 - math.erfc(2 / math.sqrt(2)), rel=1e-14)      # 0.9545
    assert _result(est=-2.0).relative_error == 0.25
    assert _result(est=0.0).relative_error == math.inf
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.estimate = 1.0


def test_contains_is_the_closed_interval():
    r = _result()
    assert [r.contains(v) for v in (0.999, 1.0, 2.0, 3.0, 3.001)] == [False, True, True, True, False]


def test_z_score():
    assert _result(est=3.0, se=1.0).z_score(1.0) == 2.0
    assert _result(est=3.0, se=0.5).z_score(4.0) == -2.0
    assert _result(est=3.0, se=0.0).z_score(3.0) == 0.0
    assert _result(est=3.0, se=0.0).z_score(2.0) == math.inf


def test_to_json():
    assert _result().to_json() == {"estimate": 2.0, "standard_error": 0.5, "interval": [1.0, 3.0],
                                   "n_samples": 10, "sigmas": 2.0, "confidence": _result().confidence}


def test_samples_for_relative_accuracy():
    """sd = se sqrt(n) = 0.125 * 8 = 1; (1 / (0.3 * 2))^2 = 2.78 -> 3; (1 / (0.25 * 2))^2 = 4."""
    pilot = _result(est=-2.0, se=0.125, n=64)
    assert M.samples_for_relative_accuracy(pilot, 0.3) == 3
    assert M.samples_for_relative_accuracy(pilot, 0.25) == 4
    assert M.samples_for_relative_accuracy(pilot, 2.0) == 1
    with pytest.raises(DomainError):
        M.samples_for_relative_accuracy(pilot, 0.0)
