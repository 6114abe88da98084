"""Proposition 5: gradient flow on (pab - 1)^2 (theory.scalar_flow, numerics.gradient_flow, claims.prop5)."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings

from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.gradient_flow import integrate, invariants, jacobian, vector_field
from ical_verify.proofs_check.papers.sander2024 import prop5
from ical_verify.theory import scalar_flow

from strategies_optim import scalar_inits_inside_condition


def test_invariants_derived_symbolically_vanish():
    cq = scalar_flow.conserved_quantities()
    assert set(cq) == {"a^2 - b^2", "a^2 - p^2", "b^2 - p^2"}
    assert all(v[1] == 0 for v in cq.values())
    # a quantity that is not conserved: the check can tell
    assert scalar_flow.time_derivative(scalar_flow.a ** 2 + scalar_flow.b ** 2) != 0


def test_numeric_vector_field_and_jacobian_match_sympy():
    a, b, p = scalar_flow.VARS
    f = sympy.lambdify((a, b, p), scalar_flow.vector_field())
    J = sympy.lambdify((a, b, p), sympy.Matrix(scalar_flow.vector_field()).jacobian([a, b, p]))
    for y in [(0.3, -1.2, 2.0), (1.5, 0.7, -0.2)]:
        assert np.allclose(vector_field(0, np.array(y)), f(*y), atol=1e-14)
        assert np.allclose(jacobian(0, np.array(y)), np.array(J(*y), dtype=float), atol=1e-14)


@settings(max_examples=20, deadline=None)
@given(scalar_inits_inside_condition())
def test_flow_converges_inside_condition(y0):
    r = integrate(y0)
    assert r.converged
    assert abs(r.final_product - 1) < prop5.PRODUCT_TOL
    assert r.max_invariant_drift <= prop5.INVARIANT_TOL * r.invariant_scale


@settings(max_examples=15, deadline=None)
@given(scalar_inits_inside_condition(near_boundary=True))
def test_flow_converges_near_boundary(y0):
    r = integrate(y0)
    assert r.converged and abs(r.final_product - 1) < prop5.PRODUCT_TOL
    assert r.monotone_loss


def test_exact_argument_identities():
    lhs, rhs = scalar_flow.amgm_certificate()
    assert sympy.expand(lhs - rhs) == 0
    d, g = scalar_flow.energy_derivative()
    assert sympy.simplify(d - g) == 0
    r = scalar_flow.p * scalar_flow.a * scalar_flow.b - 1
    S = scalar_flow.residual_equation()[1]
    assert sympy.simplify(scalar_flow.speed_squared() - 4 * r ** 2 * S) == 0


@settings(max_examples=20, deadline=None)
@given(scalar_inits_inside_condition())
def test_residual_decays_at_least_at_the_proved_rate(y0):
    """|r(t)| <= |r(0)| exp(-6 m^(4/3) t), m = min(pab(0), 1): checked at the stopping time."""
    r = integrate(y0)
    prod0 = float(np.prod(y0))
    m = min(prod0, 1.0)
    bound = abs(prod0 - 1) * np.exp(-6 * m ** (4 / 3) * r.t_final)
    assert abs(r.final_product - 1) <= bound * (1 + 1e-6) + 1e-9


def test_invariants_helper():
    y = np.array([[1.0, 2.0, 3.0]])
    assert invariants(y).tolist() == [[-3.0, -8.0, -5.0]]


def test_bad_initial_point_raises():
    with pytest.raises(DomainError):
        integrate((1.0, 2.0))
    with pytest.raises(DomainError):
        integrate((1.0, np.nan, 1.0))


def test_prop5_claim_verdict_and_proof_steps(quick_result):
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = quick_result("prop5")
    assert r.verdict == "verified"
    assert all(c.status == "passed" and c.summary for c in r.checks)
    steps = {s.step.id: s for s in r.proof.steps}
    # A.7.3 calls the non-global stationary points minima (they are saddles); A.7.4 drops a square
    assert steps["A.7.3"].status == "follows-with-correction" and steps["A.7.3"].severity == "wording"
    assert steps["A.7.4"].status == "follows-with-correction" and steps["A.7.4"].severity == "typo"
    assert steps["A.7.5"].status == "follows"
    assert r.artefacts and r.artefacts[0].figures


@pytest.mark.slow
def test_prop5_full_profile():
    from ical_verify.proofs_check.runner import make_context, run_claim

    assert run_claim("prop5", make_context(seed=1, profile="full", out_dir="/tmp/ical-test-full")).verdict == "verified"
