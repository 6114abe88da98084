"""Mutation tests for numerics.expectation_demo: the cost estimate by hand, validation at every boundary, and the
exact expectations against cubature on the torus / Gauss–Legendre (benchmarks/mutation.md)."""

import dataclasses
import math

import numpy as np
import pytest

from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.expectation_demo import (CONTEXTS, MAX_BYTES, MAX_SECONDS, CostEstimate,
                                                   ExpectationComparison, compare, estimate_cost, validate)


# the cost estimate -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("context, d, T, samples, nbytes, seconds", [
    # C_U / C_O: memory max(min(S, 8192) T d 64, 32 T d^2); time 1e-8 S T d (d + 4) + 1.5e-7 T d^3
    ("unitary", 4, 6, 100_000, 8192 * 6 * 4 * 64, 1e-8 * 100_000 * 6 * 4 * 8 + 1.5e-7 * 6 * 64),
    ("orthogonal", 2, 3, 15, 15 * 3 * 2 * 64, 1e-8 * 15 * 3 * 2 * 6 + 1.5e-7 * 3 * 8),
    ("unitary", 64, 5, 2, 32 * 5 * 64 * 64, 1e-8 * 2 * 5 * 64 * 68 + 1.5e-7 * 5 * 64 ** 3),
    ("unitary", 3, 7, 8192, 8192 * 7 * 3 * 64, 1e-8 * 8192 * 7 * 3 * 7 + 1.5e-7 * 7 * 27),
    ("unitary", 3, 7, 8193, 8192 * 7 * 3 * 64, 1e-8 * 8193 * 7 * 3 * 7 + 1.5e-7 * 7 * 27),
    # W(mu): terms T + 1; memory max(min(S, 65536) terms 48, 40 terms^2); time 2e-8 S terms + 3e-8 terms^2
    ("w-mu", 1, 4, 100, 100 * 5 * 48, 2e-8 * 100 * 5 + 3e-8 * 25),
    ("w-mu", 1, 4, 100_000, 65_536 * 5 * 48, 2e-8 * 100_000 * 5 + 3e-8 * 25),
    ("w-mu", 1, 999, 2, 40 * 1000 * 1000, 2e-8 * 2 * 1000 + 3e-8 * 1000 * 1000),
])
def test_cost_estimate_by_hand(context, d, T, samples, nbytes, seconds):
    c = estimate_cost(context, d, T, samples)
    assert isinstance(c, CostEstimate)
    assert c.bytes == nbytes and type(c.bytes) is float
    assert c.seconds == pytest.approx(seconds, rel=1e-12) and type(c.seconds) is float


@pytest.mark.parametrize("nbytes, seconds, text", [
    (2 ** 30, 5.0, "about 1 GiB of memory and 5 s of CPU"),
    (1.5 * 2 ** 29, 119.4, "about 0.75 GiB of memory and 119 s of CPU"),
    (3 * 2 ** 30, 120.0, "about 3 GiB of memory and 2 minutes of CPU"),
    (2 ** 31, 150.0, "about 2 GiB of memory and 2 minutes of CPU"),
    (2 ** 30, 7199.0, "about 1 GiB of memory and 120 minutes of CPU"),
    (2 ** 30, 7200.0, "about 1 GiB of memory and 2.0 hours of CPU"),
    (2 ** 30, 9000.0, "about 1 GiB of memory and 2.5 hours of CPU"),
    (2 ** 30, 7380.72, "about 1 GiB of memory and 2.1 hours of CPU"),   # 2.0502 hours (2.0496 if / 3601)
    (123 * 2 ** 30, 4000.0, "about 1.2e+02 GiB of memory and 67 minutes of CPU"),
])
def test_cost_description(nbytes, seconds, text):
    assert CostEstimate(nbytes, seconds).describe() == text


def test_cost_estimate_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        estimate_cost("unitary", 2, 3, 10).bytes = 0.0


# validation ---------------------------------------------------------------------------------------------------
def test_limits_are_four_gibibytes_and_ten_minutes():
    assert CONTEXTS == ("unitary", "orthogonal", "w-mu")
    assert MAX_BYTES == 4 * 1024 ** 3 and MAX_SECONDS == 600.0


@pytest.mark.parametrize("args", [
    ("unitary", 1, 2, None, 2), ("unitary", 64, 2, None, 2), ("orthogonal", 2, 2, None, 2),
    ("orthogonal", 64, 3, None, 10), ("w-mu", 1, 2, 1.0, 2), ("w-mu", 1, 5, 50.0, 100),
    ("unitary", 3, 4, 2.0, 10),                    # a finite mu is accepted (and ignored) outside W(mu)
    ("unitary", 64, 128, None, 8192),              # exactly 4 GiB of Monte Carlo memory
    ("unitary", 1, 2, None, 5_999_999_997),        # exactly 600 s
])
def test_validate_accepts_the_boundaries(args):
    assert validate(*args) is None


@pytest.mark.parametrize("args", [
    ("diagonal", 2, 3, None, 10), ("Unitary", 2, 3, None, 10),
    ("unitary", 2, 1, None, 10), ("unitary", 2, 0, None, 10),
    ("unitary", 2, 3, None, 1), ("unitary", 2, 3, None, 0),
    ("unitary", 0, 3, None, 10), ("unitary", 65, 3, None, 10), ("orthogonal", 3, 3, None, 10),
    ("orthogonal", 1, 3, None, 10), ("orthogonal", 0, 3, None, 10),
    ("w-mu", 1, 3, None, 10), ("w-mu", 1, 3, 0.99, 10), ("w-mu", 2, 3, 2.0, 10), ("w-mu", 0, 3, 2.0, 10),
    ("w-mu", 1, 3, math.inf, 10), ("unitary", 2, 3, math.nan, 10),
    ("unitary", 64, 129, None, 8192),              # 4 GiB + 32 MiB
    ("unitary", 1, 2, None, 5_999_999_998),        # 600 s + 1e-7
    ("unitary", 1, 2, None, 6_005_000_000),        # 600.5 s
])
def test_validate_rejects_outside_the_boundaries(args):
    with pytest.raises(DomainError):
        validate(*args)


# exact values by an independent method -------------------------------------------------------------------------
def _draws(T, d, seed):
    rng = np.random.default_rng([seed, 17])
    p = rng.standard_normal(T) / math.sqrt(T)
    C = rng.standard_normal((d, d)) / math.sqrt(d)
    return p, C


def _residual_sq(C, p, lam):
    """|sum_t p_t (C lam^{t-T+1}) * lam^{t-1} - lam^T|^2 summed over coordinates, for lam (d,)."""
    T = len(p)
    out = sum(p[t - 1] * (C @ lam ** (t - T + 1)) * lam ** (t - 1) for t in range(1, T + 1))
    return float(np.sum(np.abs(out - lam ** T) ** 2))


def _torus_mean_unitary(C, p, N=16):
    """Exact mean over the torus of a trigonometric polynomial of degree < N: the N x N equispaced grid."""
    z = np.exp(2j * np.pi * np.arange(N) / N)
    return np.mean([_residual_sq(C, p, np.array([a, b])) for a in z for b in z])


def _circle_mean_orthogonal(C, p, N=64):
    z = np.exp(2j * np.pi * np.arange(N) / N)
    return np.mean([_residual_sq(C, p, np.array([a, np.conj(a)])) for a in z])


def _w_mu_mean(p, mu, nodes=120):
    """E over theta uniform on [0, 2 pi) of |sum_t p_t lam^{2t-T} - lam^T|^2, lam = e^{i theta / mu} (Gauss-Legendre)."""
    T = len(p)
    x, w = np.polynomial.legendre.leggauss(nodes)
    theta = np.pi * (x + 1)
    lam = np.exp(1j * theta / mu)
    f = sum(p[t - 1] * lam ** (2 * t - T) for t in range(1, T + 1)) - lam ** T
    return float(np.sum(w * np.abs(f) ** 2) / 2)


def test_compare_unitary_exact_and_fields():
    r = compare("unitary", 2, 3, 4000, seed=5, sigmas=5.0)
    p, C = _draws(3, 2, 5)
    assert isinstance(r, ExpectationComparison)
    assert r.exact == pytest.approx(_torus_mean_unitary(C, p), rel=1e-10)
    assert (r.context, r.d, r.T, r.mu) == ("unitary", 2, 3, None)
    assert r.monte_carlo.n_samples == 4000 and r.monte_carlo.sigmas == 5.0
    assert r.agrees is True
    assert r.monte_carlo.contains(r.exact)
    assert abs(r.monte_carlo.estimate - r.exact) <= 5 * r.monte_carlo.standard_error


def test_compare_orthogonal_exact():
    r = compare("orthogonal", 2, 4, 4000, seed=2)
    p, C = _draws(4, 2, 2)
    assert r.exact == pytest.approx(_circle_mean_orthogonal(C, p), rel=1e-10)
    assert r.agrees and r.monte_carlo.sigmas == 6.0
    assert abs(r.monte_carlo.estimate - r.exact) <= 6 * r.monte_carlo.standard_error


@pytest.mark.parametrize("mu", [1.0, 3.0])
def test_compare_w_mu_exact(mu):
    r = compare("w-mu", 1, 4, 4000, seed=3, mu=mu)
    p = np.random.default_rng([3, 17]).standard_normal(4) / 2.0
    assert r.exact == pytest.approx(_w_mu_mean(p, mu), rel=1e-10)
    assert r.mu == mu and r.d == 1 and r.T == 4 and r.context == "w-mu"
    assert r.agrees and abs(r.monte_carlo.estimate - r.exact) <= 6 * r.monte_carlo.standard_error


def test_compare_default_seed_is_zero():
    a = compare("unitary", 1, 3, 200)
    b = compare("unitary", 1, 3, 200, seed=0)
    assert a.to_json() == b.to_json()
    p, C = _draws(3, 1, 0)
    # d = 1: the exponents 2t - T are distinct and only t = T meets lambda^T: c^2 sum_{t<T} p_t^2 + (c p_T - 1)^2
    c = C[0, 0]
    assert a.exact == pytest.approx(c ** 2 * (p[0] ** 2 + p[1] ** 2) + (c * p[2] - 1) ** 2, rel=1e-12)


def test_compare_validates_first():
    with pytest.raises(DomainError):
        compare("w-mu", 1, 4, 100)  # mu missing
    with pytest.raises(DomainError):
        compare("orthogonal", 3, 4, 100)


def test_comparison_to_json():
    r = compare("w-mu", 1, 3, 300, seed=1, mu=2.0)
    j = r.to_json()
    assert j == {"context": "w-mu", "d": 1, "T": 3, "mu": 2.0, "exact": r.exact,
                 "monte_carlo": r.monte_carlo.to_json(), "z": r.monte_carlo.z_score(r.exact), "agrees": r.agrees}
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.T = 4


def test_agrees_is_false_when_the_interval_misses_the_exact_value():
    r = compare("unitary", 1, 3, 300, seed=1)
    shifted = dataclasses.replace(r, exact=r.monte_carlo.interval[1] + 1.0)
    assert shifted.agrees is False and shifted.to_json()["agrees"] is False
    assert r.agrees is True


# progress reports ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("context, d, mu, samples, reports", [
    ("unitary", 2, None, 8200, [(8192, 8200), (8200, 8200)]),
    ("orthogonal", 2, None, 300, [(300, 300)]),
    ("w-mu", 1, 2.0, 65_540, [(65_536, 65_540), (65_540, 65_540)]),
])
def test_progress_reports_each_batch_and_changes_no_number(context, d, mu, samples, reports):
    seen = []
    shown = compare(context, d, 3, samples, 4, mu, progress=lambda done, total: seen.append((done, total)))
    plain = compare(context, d, 3, samples, 4, mu)
    assert seen == reports
    assert shown.to_json() == plain.to_json()
