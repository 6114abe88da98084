"""Mutation tests for numerics.gradient_flow: the stopping rule at its boundary (the loss first falls below
loss_tol), the time axis against the closed-form time on the balanced diagonal, the documented default tolerances
and horizon, the analytic Jacobian, the start at a minimum, the domain, and the recorded result
(benchmarks/mutation.md)."""

import json

import numpy as np
import pytest
import scipy.integrate

from ical_verify.numerics import gradient_flow as gf
from ical_verify.numerics.errors import DomainError

Y0 = (0.5, 1.0, 1.0)


def _same_run(r1, r2):
    return r1.final == r2.final and r1.n_steps == r2.n_steps and r1.t_final == r2.t_final


@pytest.fixture(scope="module")
def reference():
    return gf.integrate(Y0)


def test_the_flow_stops_when_the_loss_first_falls_below_the_tolerance(reference):
    r = reference
    assert r.converged and r.status == "A termination event occurred."
    assert r.final_loss == pytest.approx(1e-14, rel=1e-6)     # stopped at the crossing, not later
    assert r.t_final < 10.0 < r.t_max
    r2 = gf.integrate(Y0, loss_tol=1e-6)
    assert r2.final_loss == pytest.approx(1e-6, rel=1e-6) and r2.t_final < r.t_final


def test_time_to_converge_on_the_balanced_diagonal_is_the_closed_form_time():
    r"""On a = b = p = x the flow is :math:`\dot x = 2(1 - x^3)x^2`; it reaches |pab - 1| = 1e-7 at
    :math:`t = \int_{x_0}^{x_*} dx / (2(1 - x^3)x^2)`, :math:`x_* = (1 - 10^{-7})^{1/3}`."""
    x0, xs = 0.5, (1 - 1e-7) ** (1 / 3)
    t, _ = scipy.integrate.quad(lambda x: 1 / (2 * (1 - x ** 3) * x ** 2), x0, xs, epsabs=0, epsrel=1e-12,
                                limit=500)
    r = gf.integrate((x0, x0, x0))
    assert r.t_final == pytest.approx(t, rel=1e-4)
    assert r.final[0] == r.final[1] == r.final[2]            # the balanced diagonal is invariant


def test_a_short_horizon_descends_and_stops_at_the_horizon():
    r = gf.integrate(Y0, t_max=0.01)
    assert r.t_final == 0.01 and not r.converged
    assert r.final_loss < gf.loss(np.array(Y0)) and r.monotone_loss


def test_a_stationary_point_runs_to_the_default_horizon():
    r = gf.integrate((0.0, 0.0, 0.0))
    assert r.t_final == r.t_max == 1e6 and not r.converged and r.final == (0.0, 0.0, 0.0)


def test_default_tolerances_are_the_documented_ones(reference):
    explicit = gf.integrate(Y0, t_max=1e6, loss_tol=1e-14, method="Radau", rtol=1e-10, atol=1e-12)
    assert _same_run(reference, explicit)
    for kwargs in (dict(rtol=2e-10), dict(atol=2e-12), dict(loss_tol=2e-14)):
        assert not _same_run(reference, gf.integrate(Y0, **kwargs)), kwargs
    assert (reference.rtol, reference.atol, reference.loss_tol) == (1e-10, 1e-12, 1e-14)
    assert reference.path_t is None and reference.path_loss is None          # keep_path defaults to False


def test_the_result_records_the_tolerances_it_was_computed_with():
    r = gf.integrate(Y0, rtol=1e-8, atol=1e-10)
    assert (r.rtol, r.atol) == (1e-8, 1e-10)


@pytest.mark.parametrize("method, analytic", [("Radau", True), ("BDF", True), ("LSODA", True), ("RK45", False)])
def test_implicit_methods_use_the_analytic_jacobian(monkeypatch, method, analytic):
    calls, analytic_jacobian = [], gf.jacobian

    def counting(t, y):
        calls.append(t)
        return analytic_jacobian(t, y)

    monkeypatch.setattr(gf, "jacobian", counting)
    # run on past loss 1e-14 into the stiff contraction near the minimum, where LSODA switches to its stiff method
    r = gf.integrate((3.0, 3.0, 3.0), method=method, t_max=100.0, loss_tol=1e-300)
    assert bool(calls) is analytic and r.final_loss < 1e-14


def test_a_start_at_a_minimum_is_not_integrated():
    r = gf.integrate((1.0, 1.0, 1.0), keep_path=True)
    assert r.status == "already at a minimum" and r.converged
    assert r.t_final == 0.0 and r.n_steps == 0 and r.final == r.initial == (1.0, 1.0, 1.0)
    assert r.final_loss == 0.0 and r.final_product == 1.0 and r.max_invariant_drift == 0.0 and r.monotone_loss
    assert r.path_t.tolist() == [0.0] and r.path_loss.tolist() == [0.0]


def test_a_start_with_the_loss_equal_to_the_tolerance_is_integrated():
    r = gf.integrate((1.0, 1.0, 1.5), loss_tol=0.25)          # loss (1.5 - 1)^2 = 0.25 is not below 0.25
    assert r.status != "already at a minimum" and r.n_steps >= 1


@pytest.mark.parametrize("kwargs", [dict(t_max=0.0), dict(t_max=-1.0), dict(loss_tol=0.0), dict(loss_tol=-1e-3)])
def test_out_of_range_horizon_or_tolerance_is_refused(kwargs):
    with pytest.raises(DomainError):
        gf.integrate(Y0, **kwargs)


def test_the_path_is_kept_on_request_and_left_out_of_the_json():
    r = gf.integrate(Y0, keep_path=True)
    assert r.path_t[0] == 0.0 and r.path_t[-1] == r.t_final and r.path_t.shape == r.path_loss.shape
    assert r.path_loss[-1] == pytest.approx(r.final_loss, rel=1e-12)
    j = r.to_json()
    assert set(j) == {"initial", "final", "t_final", "t_max", "converged", "final_loss", "final_product",
                      "max_invariant_drift", "invariant_scale", "monotone_loss", "n_steps", "status", "loss_tol",
                      "rtol", "atol"}
    assert j["initial"] == [0.5, 1.0, 1.0] and isinstance(j["final"], list)
    json.dumps(j)


def test_a_result_built_by_hand_has_no_path():
    r = gf.FlowResult(initial=(1.0, 1.0, 1.0), final=(1.0, 1.0, 1.0), t_final=0.0, t_max=1.0, converged=True,
                      final_loss=0.0, final_product=1.0, max_invariant_drift=0.0, invariant_scale=4.0,
                      monotone_loss=True, n_steps=0, status="", loss_tol=1e-14)
    assert r.path_t is None and r.path_loss is None and (r.rtol, r.atol) == (gf.RTOL, gf.ATOL)


# the bookkeeping of integrate on a trajectory chosen by the test (a stand-in for the solver) -------------------
class _Solution:
    def __init__(self, xs, status=0):
        self.y = np.array([[1.0 + x, 1.0, 1.0] for x in xs]).T        # (3, n): loss (p a b - 1)^2 = x^2
        self.t = np.arange(len(xs), dtype=float)
        self.status, self.message = status, "stand-in"


def _integrate_along(monkeypatch, xs, **kwargs):
    monkeypatch.setattr(gf, "solve_ivp", lambda *a, **k: _Solution(xs))
    return gf.integrate((1.0 + xs[0], 1.0, 1.0), **kwargs)


def test_monotone_tolerates_an_increase_of_up_to_rtol_times_one_plus_the_loss(monkeypatch):
    """Losses 1/16, 1/4, 9/16 with rtol = 1/4: the increases 3/16 and 5/16 are at most rtol (1 + previous loss)
    = 17/64 and 5/16 (the second exactly at the bound); all numbers are exact in binary."""
    r = _integrate_along(monkeypatch, [-0.25, -0.5, -0.75], rtol=0.25)
    assert r.monotone_loss is True
    assert r.t_final == 2.0 and r.n_steps == 3 and r.status == "stand-in" and not r.converged
    assert r.final == (0.25, 1.0, 1.0) and r.final_loss == 0.5625
    # invariants (a^2 - b^2, a^2 - p^2, b^2 - p^2) drift by at most |0.25^2 - 0.75^2| = 1/2 from the start
    assert r.max_invariant_drift == 0.5 and r.invariant_scale == 1.0 + 0.5625 + 1.0 + 1.0


def test_monotone_fails_for_a_larger_increase(monkeypatch):
    """Losses 1/4 then 49/64: an increase of 33/64 > rtol (1 + 1/4) = 5/16 (and < rtol (2 + 1/4))."""
    assert _integrate_along(monkeypatch, [-0.5, -0.875], rtol=0.25).monotone_loss is False


def test_a_final_loss_equal_to_the_tolerance_counts_as_converged(monkeypatch):
    r = _integrate_along(monkeypatch, [-0.75, -0.5], loss_tol=0.25)           # final loss 1/4 = loss_tol
    assert r.converged is True


def test_a_constant_loss_is_monotone_even_at_rtol_zero():
    with pytest.warns(UserWarning):                              # the solver raises its own rtol to 100 eps
        r = gf.integrate((0.0, 0.0, 0.0), t_max=1.0, rtol=0.0)
    assert r.monotone_loss is True and r.final_loss == 1.0


def test_the_result_type_hints_resolve():
    import typing

    hints = typing.get_type_hints(gf.FlowResult)
    assert hints["path_t"] == hints["path_loss"] == (np.ndarray | None)
    assert hints["initial"] == tuple[float, float, float]
