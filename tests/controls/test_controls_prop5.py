"""Controls for Proposition 5: each check fails on a wrong input (another loss, another flow, a wrong
prediction)."""

import numpy as np
import pytest

from ical_verify.numerics import gradient_flow
from ical_verify.proofs_check.papers.sander2024 import prop5
from ical_verify.proofs_check.runner import make_context, run_claim
from ical_verify.theory import scalar_flow

from negative_controls import negative_control

CTX = make_context(seed=0, out_dir="/tmp/ical-controls-prop5")


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.setattr(prop5, "_CACHE", {})


def _status(name):
    return {c.name: c.status for c in run_claim("prop5", CTX, only=[name]).checks}[name]


@negative_control("prop5", "conserved-quantities-symbolic")
def test_exact_argument_fails_for_a_loss_without_the_invariants(monkeypatch):
    a, b, p = scalar_flow.VARS
    monkeypatch.setattr(scalar_flow, "loss", lambda: (p * a * b - 1) ** 2 + a ** 2 / 10)
    assert _status("conserved-quantities-symbolic") == "failed"


POINTS = prop5.inside_points(np.random.default_rng(0), 2)[:6]


@negative_control("prop5", "convergence-inside-condition")
def test_convergence_judge_fails_for_gradient_ascent(monkeypatch):
    vf, jac = gradient_flow.vector_field, gradient_flow.jacobian
    monkeypatch.setattr(gradient_flow, "vector_field", lambda t, y: -vf(t, y))
    monkeypatch.setattr(gradient_flow, "jacobian", lambda t, y: -jac(t, y))
    flows = [gradient_flow.integrate(y, t_max=0.2) for y in POINTS]
    assert prop5.convergence_judge(flows).passed is False


@negative_control("prop5", "convergence-inside-condition")
def test_convergence_judge_fails_on_points_outside_the_condition():
    bad = np.array([[1.0, 1.0, -1.0], [0.0, 0.0, 1.0]])      # balanced pab < 0, and a stationary point
    out = prop5.convergence_outcome(bad, t_max=1e4)
    assert out.passed is False and out.metrics["converged"] == 0


@negative_control("prop5", "invariants-along-trajectories")
def test_invariants_drift_for_the_flow_of_another_loss(monkeypatch):
    # flow of (pab - 1)^2 + a^2 / 20: a^2 - b^2 and a^2 - p^2 are not conserved
    vf, jac = gradient_flow.vector_field, gradient_flow.jacobian
    monkeypatch.setattr(gradient_flow, "vector_field", lambda t, y: vf(t, y) - np.array([0.1 * y[0], 0.0, 0.0]))
    monkeypatch.setattr(gradient_flow, "jacobian", lambda t, y: jac(t, y) - np.diag([0.1, 0.0, 0.0]))
    flows = [gradient_flow.integrate(y, t_max=5.0) for y in POINTS]
    assert prop5.invariants_judge(flows).passed is False


@negative_control("prop5", "proof-A7-energy-argument")
def test_energy_argument_fails_when_stationary_points_have_another_loss(monkeypatch):
    a, b, p = scalar_flow.VARS
    monkeypatch.setattr(scalar_flow, "loss", lambda: (p * a * b - 2) ** 2)
    assert _status("proof-A7-energy-argument") == "failed"


@negative_control("prop5", "outside-condition")
def test_outside_rule_fails_on_a_flipped_prediction():
    cases = [("flipped prediction", (1.0, -1.0, 2.0), True)]   # two smallest equal: it does NOT converge
    assert prop5.outside_outcome(cases, t_max=1e4).passed is False
    cases = [("right prediction", (1.0, -1.0, 2.0), False), ("generic", (0.5, -1.0, 2.0), True)]
    assert prop5.outside_outcome(cases, t_max=1e4).passed is True
