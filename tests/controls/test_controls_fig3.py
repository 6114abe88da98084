"""Controls for Figure 3: every judge fails on evidence that contradicts it, and the checks that fail on the
paper's statement pass on evidence that supports it. The evidence is synthetic (no training): a population of
starts with chosen final losses and learned (C, P)."""

import numpy as np
import pytest

from ical_verify.models.train_diagonal import PopulationMultistart
from ical_verify.proofs_check.papers.sander2024 import fig3

from negative_controls import negative_control, positive_control

D, T_MAX = fig3.D, fig3.T_MAX


def _optimum(context: str, pT: float = 1.3):
    """(C, P) at zero loss: Proposition 3's C = I/p_T, or Lemma 3 up to scale (blocks c·J, p_(T-1) = -p_T/2)."""
    P = np.zeros((T_MAX, T_MAX))
    r = np.arange(T_MAX - 1)
    P[r, r + 1] = pT
    if context == "unitary":
        return np.eye(D) / pT, P
    P[r, r] = -pT / 2
    return np.kron(np.eye(D // 2), np.ones((2, 2))) / pT, P


def synthetic(context: str, losses, C=None, P=None) -> PopulationMultistart:
    """Evidence with the given final losses; every start has the optimum (C, P) unless given."""
    losses = np.asarray(losses, dtype=np.float64)
    n = losses.size
    C0, P0 = _optimum(context)
    C = np.repeat((C0 if C is None else C)[None], n, axis=0)
    P = np.repeat((P0 if P is None else P)[None], n, axis=0)
    H = fig3.HEADS[context]
    z = np.zeros((n, H, D))
    return PopulationMultistart(context, D, H, T_MAX, 0.1, 1e-3, 3000, 1200, 1e-10, z, z, P, C, losses, losses,
                                np.zeros(n, dtype=np.int64))


def _losses(n_ok: int, n_bad: int):
    return [1e-12] * n_ok + [2e-3] * n_bad


@negative_control("fig3", "loss-unitary-typical", "loss-orthogonal-typical")
@pytest.mark.parametrize("context", ["unitary", "orthogonal"])
def test_typical_start_fails_when_most_starts_stall(context):
    assert fig3.judge_success(synthetic(context, _losses(30, 98)), fig3.TYPICAL).passed is False


@negative_control("fig3", "loss-unitary-every", "loss-orthogonal-every")
@pytest.mark.parametrize("context", ["unitary", "orthogonal"])
def test_every_start_fails_when_a_quarter_stall(context):
    assert fig3.judge_success(synthetic(context, _losses(96, 32)), fig3.EVERY).passed is False


@positive_control("fig3", "loss-orthogonal-every")
def test_every_start_passes_when_every_start_converges():
    assert fig3.judge_success(synthetic("orthogonal", _losses(128, 0)), fig3.EVERY).passed is True


def test_success_judges_are_undecided_near_the_threshold():
    assert fig3.judge_success(synthetic("orthogonal", _losses(64, 64)), fig3.TYPICAL).passed is None
    assert fig3.judge_success(synthetic("unitary", _losses(8, 0)), fig3.EVERY).passed is None     # too few starts


@negative_control("fig3", "loss-orthogonal-corrected")
@pytest.mark.parametrize("n_ok", [128, 10])
def test_corrected_rate_fails_when_all_or_almost_none_converge(n_ok):
    assert fig3.judge_rate_between(synthetic("orthogonal", _losses(n_ok, 128 - n_ok))).passed is False


@negative_control("fig3", "structure-unitary")
def test_structure_fails_on_a_converged_start_with_off_diagonal_coupling():
    C, P = _optimum("unitary")
    C = C.copy()
    C[0, 1] = 0.05
    assert fig3.judge_structure(synthetic("unitary", _losses(5, 0), C=C)).passed is False


@negative_control("fig3", "structure-unitary")
def test_structure_fails_when_the_positional_encoding_reads_t_minus_one():
    C, P = _optimum("unitary")
    P = P.copy()
    P[3, 3] = 0.2
    assert fig3.judge_structure(synthetic("unitary", _losses(5, 0), P=P)).passed is False


@negative_control("fig3", "structure-orthogonal")
def test_structure_fails_on_the_valley_shape():
    """Blocks c·[[1, -1], [-1, 1]] (the valley's limit) instead of c·J."""
    C, P = _optimum("orthogonal")
    C = C * np.kron(np.eye(D // 2), np.array([[1, -1], [-1, 1]]))
    assert fig3.judge_structure(synthetic("orthogonal", _losses(5, 0), C=C)).passed is False


@negative_control("fig3", "structure-orthogonal")
def test_structure_fails_on_the_unitary_optimum_for_orthogonal_contexts():
    C, P = _optimum("unitary")
    assert fig3.judge_structure(synthetic("orthogonal", _losses(5, 0), C=C, P=P)).passed is False


@negative_control("fig3", "low-rank-orthogonal")
def test_low_rank_fails_on_a_full_rank_converged_start():
    C, P = _optimum("orthogonal")
    C = C + 0.3 * np.eye(D)
    assert fig3.judge_low_rank(synthetic("orthogonal", _losses(5, 0), C=C)).passed is False


def test_structure_and_rank_are_undecided_without_converged_starts():
    ev = synthetic("orthogonal", _losses(0, 20))
    assert fig3.judge_structure(ev).passed is None
    assert fig3.judge_low_rank(ev).passed is None


def test_judges_pass_on_the_predicted_optimum():
    for context in ("unitary", "orthogonal"):
        ev = synthetic(context, _losses(128, 0))
        assert fig3.judge_structure(ev).passed is True
        assert fig3.judge_success(ev, fig3.EVERY).passed is True
    assert fig3.judge_low_rank(synthetic("orthogonal", _losses(5, 0))).passed is True
    assert fig3.judge_rate_between(synthetic("orthogonal", _losses(90, 38))).passed is True
