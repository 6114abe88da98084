"""Controls for Figure 6: every check fails on a wrong input (a shuffled or reversed P, p* itself, a P with another
superdiagonal, training that stops too early, a non-sinusoidal 'cosine' encoding); the checks that fail on the
paper's sentences pass on an input for which those sentences hold."""

import numpy as np
import pytest

from ical_verify.models import positional_only as po
from ical_verify.proofs_check.papers.sander2024 import fig6
from ical_verify.proofs_check.runner import make_context

from negative_controls import negative_control, positive_control

CTX = make_context(seed=0, out_dir="/tmp/ical-controls-fig6")


@pytest.fixture(scope="module")
def ev():
    return fig6.evidence(CTX)


def _shuffled(ev):
    rng = np.random.default_rng(5)
    return fig6.with_P(ev, lambda r: po.shuffle_extra(r.P, rng))


def _p_star(ev, noise=0.0):
    rng = np.random.default_rng(6)
    return fig6.with_P(ev, lambda r: po.optimum(fig6.T_MAX) + noise * rng.standard_normal(r.P.shape)
                       * po.support_mask(fig6.T_MAX))


@negative_control("fig6", "early-stopping-reached")
def test_protocol_fails_when_training_is_cut_short():
    assert fig6.judge_protocol(fig6.evidence(CTX, max_iters=10)).passed is False


@negative_control("fig6", "superdiagonal-close-to-1", "superdiagonal-above-half")
def test_superdiagonal_value_checks_fail_on_the_trained_encodings(ev):
    assert fig6.judge_close_to_1(ev).passed is False
    assert fig6.judge_above_half(ev).passed is False


@positive_control("fig6", "superdiagonal-close-to-1", "superdiagonal-above-half")
def test_superdiagonal_value_checks_pass_when_it_is_one(ev):
    assert fig6.judge_close_to_1(_p_star(ev)).passed is True
    assert fig6.judge_above_half(_p_star(ev)).passed is True


@negative_control("fig6", "superdiagonal-row-maximum")
def test_row_maximum_fails_when_the_superdiagonal_is_removed(ev):
    def drop(r):
        P = r.P.copy()
        P[np.arange(fig6.T_MAX - 1), np.arange(1, fig6.T_MAX)] = 0.0
        return P

    assert fig6.judge_row_maximum(fig6.with_P(ev, drop)).passed is False


@negative_control("fig6", "superdiagonal-measured")
def test_measured_statement_fails_on_p_star(ev):
    assert fig6.judge_superdiagonal_measured(_p_star(ev)).passed is False


@negative_control("fig6", "toeplitz-invariance", "smooth-rows", "rows-ordered")
def test_structure_checks_fail_on_shuffled_rows(ev):
    shuffled = _shuffled(ev)
    assert fig6.judge_toeplitz(shuffled).passed is False
    assert fig6.judge_smooth(shuffled).passed is False
    assert fig6.judge_ordered(shuffled).passed is False


@negative_control("fig6", "toeplitz-exact")
def test_exact_invariance_fails_on_the_trained_encodings(ev):
    assert fig6.judge_toeplitz_exact(ev).passed is False


@positive_control("fig6", "toeplitz-exact")
def test_exact_invariance_passes_on_toeplitz_projections(ev):
    projected = fig6.with_P(ev, lambda r: po.toeplitz_projection(r.P, True))
    assert fig6.judge_toeplitz_exact(projected).passed is True


@negative_control("fig6", "cosine-pe-toeplitz")
def test_cosine_check_fails_for_a_learned_absolute_encoding(monkeypatch):
    rng = np.random.default_rng(0)
    monkeypatch.setattr(po, "cosine_positional_encoding", lambda n, d_model=64, base=1e4: rng.standard_normal((n, d_model)))
    assert fig6.cosine_pe_outcome().passed is False


def _reversed(ev):
    def rev(r):
        P = r.P.copy()
        for i in range(P.shape[0]):
            P[i, : i + 1] = P[i, : i + 1][::-1]
        return P

    return fig6.with_P(ev, rev)


@negative_control("fig6", "recency-at-high-mu", "most-recent-largest")
def test_recency_checks_fail_when_old_tokens_get_the_weight(ev):
    assert fig6.judge_recency(_reversed(ev)).passed is False
    assert fig6.judge_most_recent(_reversed(ev)).passed is False


@negative_control("fig6", "far-from-p-star", "beyond-stopping-tolerance", "closer-to-min-norm-than-p-star")
def test_deviation_checks_fail_near_p_star(ev):
    near = _p_star(ev, noise=1e-4)
    assert fig6.judge_far(near).passed is False
    assert fig6.judge_beyond_tolerance(near).passed is False
    assert fig6.judge_closer(near).passed is False


@negative_control("fig6", "near-min-norm", "gd-matches-ridge")
def test_min_norm_checks_fail_for_the_converged_solution(ev):
    converged = _p_star(ev)                     # GD run to convergence: the unregularised solution p*
    assert fig6.judge_min_norm(converged).passed is False
    assert fig6.judge_ridge(converged).passed is False


def test_judge_is_inconclusive_on_a_mixed_sample(ev):
    mixed = {"datasets": ev["datasets"][:4] + _p_star(ev)["datasets"][4:], "population": ev["population"]}
    assert fig6.judge_far(mixed).passed is None
