"""Samplers and Monte Carlo results."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.numerics.diagonal_model import (closed_form_loss, exact_loss, lemma2_output, lemma2_residual,
                                                 monte_carlo_loss, printed_prop4_loss)
from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.montecarlo import monte_carlo_mean, samples_for_relative_accuracy
from ical_verify.numerics.samplers import (ar_sequences, haar_orthogonal, haar_unitary, orthogonal_contexts,
                                           unitary_contexts, w_mu_contexts)
from ical_verify.numerics.torus import NumericLaurent, mean_square_w_mu

from strategies_diagonal import coupling_matrices, positional_rows, unitary_contexts as unitary_points


def _sized(draw, rng, right: float, wrong: float, sigmas: float = 6.0, pilot: int = 2_000):
    """A Monte Carlo estimate whose interval (``sigmas`` standard errors) is narrow enough that ``right`` and the
    wrong alternative ``wrong`` are at least 2 * sigmas standard errors apart (n from a pilot run)."""
    first = monte_carlo_mean(draw, pilot, rng)
    sd = first.standard_error * np.sqrt(first.n_samples)
    n = max(pilot, int(np.ceil(1.2 * (2 * sigmas * sd / abs(right - wrong)) ** 2)))
    return monte_carlo_mean(draw, n, rng, sigmas=sigmas)


@pytest.mark.parametrize("d", [1, 2, 5])
def test_haar_samples_are_orthogonal_and_unitary(d):
    rng = np.random.default_rng(d)
    O = haar_orthogonal(d, 16, rng)
    U = haar_unitary(d, 16, rng)
    assert np.allclose(O @ O.transpose(0, 2, 1), np.eye(d), atol=1e-12)
    assert np.allclose(U @ np.conj(U.transpose(0, 2, 1)), np.eye(d), atol=1e-12)


def test_haar_orthogonal_has_uniform_trace_moments():
    """E tr(W) = 0 and E tr(W)^2 = 1 for Haar O(d), d >= 2; the nearest wrong alternative, QR without the sign
    fix (E tr(Q) about -0.83 for d = 4), lies far outside the interval."""
    W = haar_orthogonal(4, 40_000, np.random.default_rng(3))
    tr = np.trace(W, axis1=1, axis2=2)
    m1 = monte_carlo_mean(lambda r, m: tr[:m], 40_000, np.random.default_rng(0), batch=40_000)
    m2 = monte_carlo_mean(lambda r, m: tr[:m] ** 2, 40_000, np.random.default_rng(0), batch=40_000)
    assert m1.contains(0.0) and m2.contains(1.0)
    q, _ = np.linalg.qr(np.random.default_rng(4).standard_normal((40_000, 4, 4)))
    unfixed = monte_carlo_mean(lambda r, m: np.trace(q, axis1=1, axis2=2)[:m], 40_000, np.random.default_rng(0),
                               batch=40_000)
    assert not m1.contains(unfixed.estimate) and not unfixed.contains(0.0)


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


@settings(max_examples=25, deadline=None)
@given(st.data(), st.integers(1, 4), st.integers(2, 6))
def test_lemma2_residual_matches_direct_evaluation(data, d, T):
    C, p = data.draw(coupling_matrices(d)), data.draw(positional_rows(T))
    lam = data.draw(unitary_points(d, 5))
    direct = lemma2_output(C, p, lam) - lam ** T
    via_laurent = np.stack([f(lam) for f in lemma2_residual(C, p)], axis=1)
    assert np.allclose(direct, via_laurent, atol=1e-10)


def test_exact_loss_inside_monte_carlo_interval_and_wrong_value_outside():
    """The nearest wrong alternatives: printed Proposition 4 for C_U (it adds p_(T-1)^2 ||C||_F^2), the C_U value for
    C_O. Each sample is sized so that the alternative is 12 standard errors away, and the test asserts it is out."""
    rng = np.random.default_rng(5)
    C, p = rng.standard_normal((4, 4)) / 2, rng.standard_normal(5) / 2
    for context, wrong in (("unitary", printed_prop4_loss(C, p)), ("orthogonal", closed_form_loss(C, p, "unitary"))):
        exact = exact_loss(C, p, context)
        sample = (lambda ctx_: lambda r, m: _loss_samples(C, p, r, m, ctx_))(context)
        mc = _sized(sample, rng, exact, wrong)
        assert mc.contains(exact)
        assert not mc.contains(wrong)


def _loss_samples(C, p, rng, m, context):
    d, T = C.shape[0], p.shape[0]
    lam = unitary_contexts(d, m, rng) if context == "unitary" else orthogonal_contexts(d // 2, m, rng)
    return np.sum(np.abs(lemma2_output(C, p, lam) - lam ** T) ** 2, axis=1)


def test_monte_carlo_loss_agrees_with_its_own_sampler():
    rng = np.random.default_rng(6)
    C, p = rng.standard_normal((4, 4)) / 2, rng.standard_normal(5) / 2
    mc = monte_carlo_loss(C, p, 200_000, rng, "orthogonal")
    assert mc.contains(exact_loss(C, p, "orthogonal"))
    assert not mc.contains(exact_loss(C, p, "unitary"))


def test_w_mu_mean_square_agrees_with_monte_carlo():
    """E|f|^2 under W(mu) (no Parseval): the uniform-circle value is the nearest wrong alternative; the sample is
    sized so that it lies 12 standard errors away, and it is excluded."""
    f = NumericLaurent(np.array([[-2], [0], [2], [3]]), np.array([0.3, -0.5, 1.0, -1.0]))
    exact = mean_square_w_mu(f, 7.0)
    uniform = f.mean_square()
    mc = _sized(lambda r, m: np.abs(f(w_mu_contexts(7.0, m, r))) ** 2, np.random.default_rng(2), exact, uniform)
    assert mc.contains(exact)
    assert not mc.contains(uniform)


def test_samples_for_relative_accuracy():
    pilot = monte_carlo_mean(lambda r, m: 1 + r.standard_normal(m), 10_000, np.random.default_rng(0))
    n = samples_for_relative_accuracy(pilot, 1e-3)
    assert 0.8e6 < n < 1.2e6
