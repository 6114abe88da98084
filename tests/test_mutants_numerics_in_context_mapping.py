"""Mutation tests for numerics.in_context_mapping: probe states and sequences, the fields of extract_mapping's
report on predictors whose mapping is known in closed form (scalar contexts, probes ±1), the classification at its
thresholds, and the printed-definition Γ (benchmarks/mutation.md)."""

import typing
from typing import Callable

import numpy as np
import pytest

from ical_verify.numerics import in_context_mapping as icm
from ical_verify.numerics.errors import DomainError


# --------------------------------------------------------------------------------------------- probes
def test_probe_kinds():
    assert icm.PROBE_KINDS == ("unitary", "orthogonal", "sphere")


def test_unitary_probes_are_the_documented_draw():
    u = icm.probe_states("unitary", 3, 4, np.random.default_rng(7))
    expected = np.exp(2j * np.pi * np.random.default_rng(7).random((4, 3)))
    assert u.shape == (4, 3) and np.allclose(u, expected, atol=0, rtol=1e-15)


def test_orthogonal_probes_interleave_conjugate_pairs():
    u = icm.probe_states("orthogonal", 4, 3, np.random.default_rng(2))
    z = np.exp(2j * np.pi * np.random.default_rng(2).random((3, 2)))
    assert u.shape == (3, 4)
    assert np.allclose(u[:, 0], z[:, 0]) and np.allclose(u[:, 1], z[:, 0].conj())
    assert np.allclose(u[:, 2], z[:, 1]) and np.allclose(u[:, 3], z[:, 1].conj())


def test_sphere_probes_are_real_of_norm_sqrt_d_along_a_gaussian_draw():
    u = icm.probe_states("sphere", 3, 5, np.random.default_rng(4))
    x = np.random.default_rng(4).standard_normal((5, 3))
    assert u.shape == (5, 3) and np.isrealobj(u)
    assert np.allclose(np.linalg.norm(u, axis=1), np.sqrt(3))
    assert np.allclose(u / np.linalg.norm(u, axis=1, keepdims=True), x / np.linalg.norm(x, axis=1, keepdims=True))


@pytest.mark.parametrize("kind, d, count", [("haar", 2, 2), ("orthogonal", 3, 2), ("unitary", 0, 2),
                                            ("unitary", 2, 0), ("sphere", 0, 0)])
def test_probe_states_refuses(kind, d, count):
    with pytest.raises(DomainError):
        icm.probe_states(kind, d, count, np.random.default_rng(0))


def test_probe_states_accepts_one_state_of_one_coordinate():
    assert icm.probe_states("unitary", 1, 1, np.random.default_rng(0)).shape == (1, 1)
    assert icm.probe_states("sphere", 1, 1, np.random.default_rng(0)).tolist() in ([[1.0]], [[-1.0]])


def test_probe_sequences_are_matrix_powers_applied_to_each_state():
    W = np.array([[[0.0, -2.0], [1.0, 0.5]], [[1.0, 1.0], [0.0, 3.0]]])          # not symmetric
    U = np.array([[1.0, 2.0], [1j, -1.0], [0.5, 0.0]])
    seq = icm.probe_sequences(W, U, 4)
    assert seq.shape == (2, 3, 4, 2) and seq.dtype == complex
    for m in range(2):
        for k in range(3):
            for t in range(4):
                assert np.allclose(seq[m, k, t], np.linalg.matrix_power(W[m], t) @ U[k])


def test_probe_sequences_keep_a_real_dtype():
    seq = icm.probe_sequences(np.array([[[2.0]]]), np.array([[1.0]]), 3)
    assert seq.dtype == np.float64 and seq[0, 0, :, 0].tolist() == [1.0, 2.0, 4.0]


# ----------------------------------------------------------------------------- scalar contexts, probes ±1
LAMS = np.array([1.0, 2.0, -0.5, 1.5])            # four scalar contexts W = (lambda)
U_PM = np.array([[1.0], [-1.0]])                   # probes u = ±1: s_t = lambda^(t-1) u


def _contexts(lams):
    return np.asarray(lams, dtype=float)[:, None, None]


def _lam_of(prefix):
    """The context read from the prefix (s_2 / s_1)."""
    return prefix[:, 1, 0] / prefix[:, 0, 0]


def _scaled_learner(factors):
    """f(e) = kappa(lambda) lambda s_T, kappa read from the prefix: Γ = kappa lambda at tau = T."""
    def predict(prefix, W):
        lam = _lam_of(prefix)
        kappa = np.array([factors[int(np.argmin(np.abs(LAMS - x)))] for x in lam])
        return (kappa * lam * prefix[:, -1, 0])[:, None]
    return predict


def test_exact_learner_at_tau_T_and_tau_1():
    seen = []

    def predict(prefix, W):
        seen.append(prefix.shape)
        return _lam_of(prefix)[:, None] * prefix[:, -1]
    rep = icm.extract_mapping(predict, _contexts(LAMS), U_PM, T=3, tau=3)
    assert seen[0] == (8, 3, 1)
    assert (rep.T, rep.tau) == (3, 3)
    assert rep.r2 == pytest.approx(1.0, abs=1e-12) and rep.relative_error == pytest.approx(0.0, abs=1e-12)
    assert rep.scale == pytest.approx(1.0, abs=1e-12) and rep.scaled_error == pytest.approx(0.0, abs=1e-12)
    assert rep.prediction_mse == pytest.approx(0.0, abs=1e-12) and rep.factorisation_residual < 1e-12
    assert rep.side_channel == 0.0
    assert rep.gammas.shape == (4, 1, 1) and np.allclose(rep.gammas[:, 0, 0], LAMS)
    early = icm.extract_mapping(predict, _contexts(LAMS), U_PM, T=3, tau=1)           # Γ = W^3 on s_1
    assert np.allclose(early.gammas[:, 0, 0], LAMS ** 3) and early.r2 == pytest.approx(1.0, abs=1e-12)


def test_report_fields_for_a_learner_with_a_context_dependent_scale():
    factors = [1.5, 3.0, 1.1, 1.2]
    rep = icm.extract_mapping(_scaled_learner(factors), _contexts(LAMS), U_PM, T=2, tau=2)
    k = np.array(factors)
    assert np.allclose(rep.relative_errors, np.abs(k - 1))                 # |kappa lambda - lambda| / |lambda|
    assert rep.relative_error == pytest.approx(np.median(np.abs(k - 1)))  # 0.35: median, not mean or max
    assert rep.scale == pytest.approx(np.median(k))                        # <W, Γ> / |W|^2 = kappa
    assert rep.scaled_error == pytest.approx(0.0, abs=1e-12)
    num = np.sum(((k - 1) * LAMS) ** 2)
    assert rep.r2 == pytest.approx(1 - num / np.sum((LAMS - LAMS.mean()) ** 2), rel=1e-12)
    # |pred - s_3|^2 = ((kappa - 1) lambda^2)^2 for both probes
    assert rep.prediction_mse == pytest.approx(np.mean(((k - 1) * LAMS ** 2) ** 2), rel=1e-12)
    assert rep.side_channel == 0.0


def test_scale_is_the_projection_on_W_for_a_matrix_context():
    # d = 2, W = diag(2, 1j) (|W|_F^2 = 5), predictor Γ = diag(2, 0) W: <W, Γ> / |W|^2 = 8 / 5
    W = np.array([np.diag([2.0, 1j]), np.diag([2.0, 1j])])
    U = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    rep = icm.extract_mapping(lambda e, W_: np.einsum("ij,nj->ni", np.diag([4.0, 0.0]), e[:, -1]), W, U,
                              T=2, tau=2)
    assert rep.scale == pytest.approx(8 / 5)
    assert rep.relative_error == pytest.approx(1.0)                       # |Γ - W| = |(2, -i)| = |W|
    assert rep.scaled_error == pytest.approx(np.linalg.norm([4 - 16 / 5, 8j / 5]) / np.sqrt(5))
    # the two contexts are equal: R^2 falls back on sum |W^k|^2 = 10, and sum |Γ - W|^2 = 10
    assert rep.r2 == pytest.approx(0.0, abs=1e-12)


def test_identical_contexts_use_the_uncentred_denominator():
    rep = icm.extract_mapping(_scaled_learner([1.5] * 4), _contexts([2.0, 2.0]), U_PM, T=2, tau=2)
    assert rep.r2 == pytest.approx(1 - 2 * 0.25 * 4 / (2 * 4.0))


def test_factorisation_residual_is_the_worst_context_and_relative():
    # context 1 (lambda = 1) predicts a constant c for both probes ±1: the best Γ is 0, relative residual 1
    def predict(prefix, W):
        lam = _lam_of(prefix)
        return np.where(np.isclose(lam, 1.0), 0.01, lam * prefix[:, -1, 0])[:, None]
    rep = icm.extract_mapping(predict, _contexts(LAMS), U_PM, T=2, tau=2)
    assert rep.factorisation_residual == pytest.approx(1.0, rel=1e-12)


def test_side_channel_is_the_relative_change_when_W_is_rolled():
    lams = np.array([1.0, 2.0, -0.5, 3.0])
    rep = icm.extract_mapping(lambda e, W: 0.01 * W[:, :, 0] * e[:, -1], _contexts(lams), U_PM, T=2, tau=2)
    prev = np.roll(lams, 1)
    # |pred| = 0.01 |lambda| |lambda u| ; change 0.01 |lambda_prev - lambda| |lambda u|
    expected = np.sqrt(np.sum((prev - lams) ** 2 * lams ** 2) / np.sum(lams ** 4))
    assert rep.side_channel == pytest.approx(expected, rel=1e-12)


def test_side_channel_is_skipped_when_asked_or_with_one_context():
    learner = lambda e, W: _lam_of(e)[:, None] * e[:, -1]                          # noqa: E731
    assert icm.extract_mapping(learner, _contexts(LAMS), U_PM, T=2, tau=2, side_channel=False).side_channel is None
    assert icm.extract_mapping(learner, _contexts([2.0]), U_PM, T=2, tau=2).side_channel is None
    assert icm.extract_mapping(learner, _contexts([2.0, 3.0]), U_PM, T=2, tau=2).side_channel == 0.0


def test_extract_mapping_zero_predictions_have_zero_residual_and_side_channel():
    rep = icm.extract_mapping(lambda e, W: np.zeros((e.shape[0], 1)), _contexts([2.0, 3.0]), U_PM, T=2, tau=2)
    assert rep.factorisation_residual == 0.0 and rep.side_channel == 0.0
    assert rep.r2 == pytest.approx(1 - 13 / 0.5) and rep.scale == 0.0


@pytest.mark.parametrize("tau, K", [(0, 2), (4, 2), (2, 1)])
def test_extract_mapping_refuses(tau, K):
    W = _contexts([1.0, 2.0])
    W2 = np.stack([np.eye(2), 2 * np.eye(2)])
    with pytest.raises(DomainError):
        if K == 1:
            icm.extract_mapping(lambda e, W_: e[:, -1], W2, np.ones((1, 2)), T=3, tau=tau)
        else:
            icm.extract_mapping(lambda e, W_: e[:, -1], W, U_PM, T=3, tau=tau)


def test_extract_mapping_accepts_K_equal_d_and_tau_1_and_T():
    W2 = np.stack([np.eye(2), 2 * np.eye(2)])
    rep = icm.extract_mapping(lambda e, W_: e[:, -1], W2, np.eye(2), T=3, tau=1)
    assert rep.tau == 1 and rep.gammas.shape == (2, 2, 2)


# ---------------------------------------------------------------------------------------- MappingReport
def _report(residual=0.0, r2=1.0, side=None):
    return icm.MappingReport(T=3, tau=2, factorisation_residual=residual, relative_error=0.1, r2=r2, scale=1.0,
                             scaled_error=0.05, prediction_mse=0.2, side_channel=side)


def test_report_defaults():
    rep = _report()
    assert rep.relative_errors == [] and rep.gammas is None
    assert _report().relative_errors is not rep.relative_errors


def test_learns_at_its_thresholds():
    assert _report(residual=0.01, r2=0.9).learns(0.01, 0.1)
    assert not _report(residual=0.0101, r2=0.95).learns(0.01, 0.1)
    assert not _report(residual=0.0, r2=0.89).learns(0.01, 0.1)
    assert _report(side=1e-9).learns(0.01, 0.1)
    assert not _report(side=2e-9).learns(0.01, 0.1)
    assert not _report(side=0.5).learns(0.01, 0.1)
    assert _report(side=0.5).learns(0.01, 0.1, side_tol=0.5)
    assert type(_report().learns(0.01, 0.1)) is bool


def test_classify_at_its_thresholds():
    assert _report(side=2e-9).classify(0.01, 0.1) == "side-channel"
    assert _report(side=1e-9).classify(0.01, 0.1) == "learns"
    assert _report(side=0.5).classify(0.01, 0.1, side_tol=0.5) == "learns"
    assert _report(residual=0.0).classify(0.01, 0.1) == "learns"
    assert _report(residual=0.1, r2=0.1).classify(0.01, 0.1) == "approximate"
    assert _report(residual=0.1, r2=0.5).classify(0.01, 0.1, none_below=0.5) == "approximate"
    assert _report(residual=0.1, r2=0.4).classify(0.01, 0.1, none_below=0.5) == "no"
    assert _report(residual=0.10001, r2=0.5).classify(0.01, 0.1) == "no"
    assert _report(residual=0.3, r2=0.5).classify(0.3, 0.1) == "approximate"
    assert _report(residual=0.0, r2=0.099).classify(0.01, 0.1) == "no"


def test_report_to_json():
    assert _report(side=0.25).to_json() == {
        "T": 3, "tau": 2, "factorisation_residual": 0.0, "relative_error_median": 0.1, "r2": 1.0, "scale": 1.0,
        "scaled_error_median": 0.05, "prediction_mse": 0.2, "side_channel": 0.25}


# ------------------------------------------------------------------------------------ printed definition
def test_printed_gamma_is_pred_times_conjugate_state_over_its_norm():
    G = icm.printed_gamma(np.array([[1.0, 2.0], [3.0, 0.0]]), np.array([[1j, 1.0], [0.0, 2.0]]))
    assert np.allclose(G[0], np.array([[-1j, 1.0], [-2j, 2.0]]) / 2)
    assert np.allclose(G[1], np.array([[0.0, 6.0], [0.0, 0.0]]) / 4)


def test_completion_gamma_adds_the_correction_to_W_k():
    Wk = np.array([[[0.0, 1.0], [2.0, 0.0]]])
    G = icm.completion_gamma(np.array([[1.0, 1.0]]), np.array([[0.0, 2.0]]), Wk)
    # W^k s = (2, 0); correction (-1, 1) s^T / 4 = [[0, -1/2], [0, 1/2]]
    assert np.allclose(G[0], [[0.0, 0.5], [2.0, 0.5]])


def test_context_from_prefix_reads_the_ratio_of_the_first_two_tokens():
    prefix = np.array([[[2.0, 1j], [1.0, 3.0], [7.0, 7.0]]])
    assert np.allclose(icm.context_from_prefix(prefix)[0], np.diag([0.5, -3j]))
    with pytest.raises(DomainError):
        icm.context_from_prefix(np.ones((1, 1, 2)))
    assert icm.context_from_prefix(np.ones((1, 2, 3))).shape == (1, 3, 3)


# ------------------------------------------------------------------------- floors of the relative measures
def test_side_channel_of_a_model_silent_with_its_own_context_is_relative_to_the_1e_300_floor():
    """Zero predictions with the true W, ones with a swapped W: the change is measured against 1e-300 (not 0)."""
    lams = np.array([2.0, 3.0])

    def predict(prefix, W):
        honest = np.isclose(W[:, 0, 0], _lam_of(prefix))
        return np.where(honest, 0.0, 1.0)[:, None]
    rep = icm.extract_mapping(predict, _contexts(lams), U_PM, T=2, tau=2)
    assert rep.side_channel == pytest.approx(2.0 / 1e-300, rel=1e-12)       # |ones(4)| = 2


def test_factorisation_residual_of_predictions_whose_norm_underflows_uses_the_1e_300_floor():
    """Probes s = (1, 2), predictions (a, -a) with a = 1.5e-162: |pred|^2 underflows to 0 in float64 while the
    misfit (-6a/5, 3a/5) of the best Γ = -a/5 keeps a non-zero norm, so the residual is |misfit| / 1e-300."""
    a = 1.5e-162
    pred = np.array([[a], [-a]])
    assert np.linalg.norm(pred) == 0.0
    rep = icm.extract_mapping(lambda e, W: pred, _contexts([1.0]), np.array([[1.0], [2.0]]), T=1, tau=1)
    misfit = np.linalg.norm([-6 * a / 5, 3 * a / 5])
    assert misfit > 0
    assert rep.factorisation_residual == pytest.approx(misfit / 1e-300, rel=1e-12)


# ---------------------------------------------------------------------------------------------- types
def test_predictor_type_and_report_field_types():
    hints = typing.get_type_hints(icm.extract_mapping)
    assert hints["predict"] == Callable[[np.ndarray, np.ndarray], np.ndarray]
    fields = typing.get_type_hints(icm.MappingReport)
    assert fields["gammas"] == (np.ndarray | None) and fields["side_channel"] == (float | None)
