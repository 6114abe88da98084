"""Controls for Proposition 3: each check fails when fed wrong conditions, a wrong mapping or wrong evidence."""

import numpy as np
import pytest
import sympy

from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import prop3
from ical_verify.proofs_check.runner import run_claim
from ical_verify.theory import diagonal_attention as th

from negative_controls import negative_control


def _status(check: str) -> str:
    r = run_claim("prop3", RunContext(seed=0), only=[check])
    return next(c for c in r.checks if c.name == check).status


def _without_p_Tminus1(C, p):
    """The printed conditions without p_(T-1) = 0 (a plausible misprint: 'p_t = 0 for t < T-1')."""
    good = _GOOD(C, p)
    return [x for x in good if x != p[-2]]


def _doubled_diagonal(C, p):
    """p_T C_ii = 2 instead of 1."""
    return [x - 1 if any(x == p[-1] * C[i, i] - 1 for i in range(C.shape[0])) else x for x in _GOOD(C, p)]


_GOOD = th.prop3_conditions


@pytest.mark.parametrize("wrong", [_without_p_Tminus1, _doubled_diagonal])
@negative_control("prop3", "zero-set-symbolic", "conditions-property")
def test_zero_set_and_property_fail_on_wrong_conditions(monkeypatch, wrong):
    monkeypatch.setattr(th, "prop3_conditions", wrong)
    assert _status("zero-set-symbolic") == "failed"
    assert _status("conditions-property") == "failed"


@negative_control("prop3", "heads-rank")
def test_heads_check_fails_on_orthogonal_contexts():
    """On C_O the sum-of-squares bound is false and Lemma 3 reaches zero with rank δ < d: H >= d fails."""
    assert prop3.check_heads("orthogonal")(RunContext(seed=0)).passed is False


@negative_control("prop3", "heads-rank")
def test_heads_check_fails_on_a_loss_missing_a_term(monkeypatch):
    good = th.population_loss
    monkeypatch.setattr(th, "population_loss",
                        lambda C, p, T, context="unitary": good(C, p, T, context) - p[-2] ** 2 * sum(C) ** 2 / 4)
    assert _status("heads-rank") == "failed"


@negative_control("prop3", "multistart-heads")
def test_multistart_judge_fails_when_a_start_beats_the_bound():
    finals = {1: [9.0, 9.0], 2: [6.0, 5.2], 3: [3.0], 4: [0.0]}
    assert prop3.judge_multistart(finals).passed is False


def test_multistart_judge_is_undecided_when_the_optimiser_stops_short():
    assert prop3.judge_multistart({1: [9.5], 2: [6.0], 3: [3.0], 4: [0.0]}).passed is None
    assert prop3.judge_multistart({1: [9.0], 2: [6.0], 3: [3.0], 4: [0.3]}).passed is None   # H = d stuck


@negative_control("prop3", "in-context-mapping")
def test_mapping_fails_without_the_conjugate(monkeypatch):
    monkeypatch.setattr(prop3, "printed_gamma", lambda e: e[:, -2, :] * e[:, -1, :])
    assert _status("in-context-mapping") == "failed"


@negative_control("prop3", "in-context-mapping")
def test_mapping_fails_with_the_wrong_shift(monkeypatch):
    monkeypatch.setattr(prop3, "printed_psi", lambda g, e: g * e[:, -2, :])
    assert _status("in-context-mapping") == "failed"


@negative_control("prop3", "in-context-mapping")
def test_mapping_fails_at_parameters_off_the_zero_set(monkeypatch):
    good = prop3.printed_zero_point

    def off(d, T, pT, rng=None):
        C, p = good(d, T, pT, rng)
        return C, p[:-2] + [sympy.Rational(1, 3), p[-1]]          # p_(T-1) != 0
    monkeypatch.setattr(prop3, "printed_zero_point", off)
    assert _status("in-context-mapping") == "failed"
