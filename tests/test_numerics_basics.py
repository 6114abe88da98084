"""Samplers and Monte Carlo results."""

import numpy as np
import pytest
from hypothesis import given

from ical_verify.numerics.diagonal_model import exact_loss, lemma2_output, lemma2_residual, monte_carlo_loss
from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.montecarlo import monte_carlo_mean, samples_for_relative_accuracy
from ical_verify.numerics.samplers import (ar_sequences, haar_orthogonal, haar_unitary, orthogonal_contexts,
                                           unitary_contexts, w_mu_contexts)
from ical_verify.numerics.torus import NumericLaurent, mean_square_w_mu

from strategies import seeds


@given(seeds())
def test_haar_samples_are_orthogonal_and_unitary(seed):
    rng = np.random.default_rng(seed)
    O = haar_orthogonal(5, 4, rng)
    U = haar_unitary(4, 4, rng)
    assert np.allclose(O @ O.transpose(0, 2, 1), np.eye(5), atol=1e-12)
    assert np.allclose(U @ np.conj(U.transpose(0, 2, 1)), np.eye(4), atol=1e-12)


def test_haar_orthogonal_has_uniform_trace_moments():
    """E tr(W) = 0 and E tr(W)^2 = 1 for Haar O(d), d >= 2: a check that the QR sign fix is there."""
    W = haar_orthogonal(4, 40_000, np.random.default_rng(3))
    tr = np.trace(W, axis1=1, axis2=2)
    m1 = monte_carlo_mean(lambda r, m: tr[:m], 40_000, np.random.default_rng(0), batch=40_000)
    m2 = monte_carlo_mean(lambda r, m: tr[:m] ** 2, 40_000, np.random.default_rng(0), batch=40_000)
    assert m1.contains(0.0) and m2.contains(1.0)


def test_context_samplers_shapes_and_pairs():
    rng = np.random.default_rng(0)
    assert unitary_contexts(3, 7, rng).shape == (7, 3)
    lam = orthogonal_contexts(2, 5, rng)
    assert np.allclose(lam[:, 1::2], np.conj(lam[:, 0::2]))
    mu = w_mu_contexts(4.0, 1000, rng)
    assert np.all(np.angle(mu) >= -1e-12) and np.all(np.angle(mu) <= 2 * np.pi / 4 + 1e-12)


@pytest.mark.parametrize("call, pattern", [
    (lambda r: unitary_contexts(3, 0, r), "sample count"),
    (lambda r: w_mu_contexts(0.5, 3, r), "mu = 0.5"),
    (lambda r: monte_carlo_mean(lambda g, m: g.random(m), 1, r), "n = 1"),
    (lambda r: exact_loss(np.eye(2), np.ones(1)), "T = len"),
    (lambda r: exact_loss(np.eye(3), np.ones(3), "orthogonal"), "odd"),
])
def test_bad_input_names_value(call, pattern):
    with pytest.raises(DomainError, match=pattern):
        call(np.random.default_rng(0))


def test_ar_sequences_follow_the_recursion():
    W = haar_orthogonal(3, 2, np.random.default_rng(0))
    s = ar_sequences(W, 5)
    assert np.allclose(s[:, 0], 1.0)
    assert np.allclose(s[:, 3], np.einsum("nij,nj->ni", W, s[:, 2]))


@given(seeds())
def test_lemma2_residual_matches_direct_evaluation(seed):
    rng = np.random.default_rng(seed)
    C, p = rng.standard_normal((3, 3)), rng.standard_normal(4)
    lam = unitary_contexts(3, 5, rng)
    direct = lemma2_output(C, p, lam) - lam ** 4
    via_laurent = np.stack([f(lam) for f in lemma2_residual(C, p)], axis=1)
    assert np.allclose(direct, via_laurent, atol=1e-10)


def test_exact_loss_inside_monte_carlo_interval_and_wrong_value_outside():
    rng = np.random.default_rng(5)
    C, p = rng.standard_normal((4, 4)) / 2, rng.standard_normal(5) / 2
    for context in ("unitary", "orthogonal"):
        exact = exact_loss(C, p, context)
        mc = monte_carlo_loss(C, p, 50_000, rng, context)
        assert mc.contains(exact)
        assert not mc.contains(exact * 1.05)


def test_w_mu_mean_square_agrees_with_monte_carlo():
    f = NumericLaurent(np.array([[-2], [0], [2], [3]]), np.array([0.3, -0.5, 1.0, -1.0]))
    exact = mean_square_w_mu(f, 7.0)
    mc = monte_carlo_mean(lambda r, m: np.abs(f(w_mu_contexts(7.0, m, r))) ** 2, 50_000,
                          np.random.default_rng(2))
    assert mc.contains(exact)
    uniform = f.mean_square()   # the uniform-circle value is wrong for mu = 7 and is caught
    assert not mc.contains(uniform)


def test_samples_for_relative_accuracy():
    pilot = monte_carlo_mean(lambda r, m: 1 + r.standard_normal(m), 10_000, np.random.default_rng(0))
    n = samples_for_relative_accuracy(pilot, 1e-3)
    assert 0.8e6 < n < 1.2e6
