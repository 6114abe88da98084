"""Proposition 7: the Hessian of (7) and its spectrum (theory.conditioning, numerics.spectra, claims.prop7)."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings

from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.spectra import (certify_positive_definite, hessian_by_differences, hessian_quadrature,
                                          loss7_gauss, loss7_quadrature, mp_eigenvalues, printed_entry_mp,
                                          printed_matrix, spectrum_sweep, weyl_limit_bound,
                                          witness_not_positive_definite)
from ical_verify.proofs_check.papers.sander2024 import prop7
from ical_verify.theory import conditioning

from strategies_optim import horizons, mu_values


def test_symbolic_hessian_is_twice_the_printed_matrix():
    H = conditioning.hessian_7(3)
    Hp = conditioning.printed_hessian(3)
    assert conditioning.hessian_ratio_to_printed(3).is_zero_matrix
    assert H[0, 0] == 2 and Hp[0, 0] == 1        # the printed form is not the Hessian


def test_quadratic_part_is_the_printed_form():
    p = sympy.Matrix(conditioning.p_symbols(4))
    form = sympy.expand((p.T * conditioning.printed_hessian(4) * p)[0, 0])
    assert sympy.expand(conditioning.quadratic_part(4) - form) == 0


def test_real_part_of_moment_is_printed_entry_and_diagonal_limit_is_one():
    assert sympy.simplify(conditioning.real_even_moment() - conditioning.printed_entry()) == 0
    assert conditioning.printed_diagonal_limit() == 1
    assert conditioning.laurent_expectation(0) == 1


@settings(max_examples=10, deadline=None)
@given(horizons(2, 5), mu_values(1.0, 60.0))
def test_two_independent_quadratures_give_twice_the_printed_matrix(T, mu):
    H = hessian_quadrature(T, mu)
    assert np.abs(H - printed_matrix(T, mu, 2.0)).max() < prop7.QUADRATURE_TOL
    assert np.abs(H - hessian_by_differences(T, mu)).max() < 1e-8


@settings(max_examples=15, deadline=None)
@given(horizons(2, 8), mu_values(1.0, 1e3))
def test_gauss_loss_agrees_with_the_exact_loss_at_p_star_and_with_adaptive_quadrature(T, mu):
    p = np.zeros(T)
    p[-1] = 1.0
    assert loss7_gauss(p, mu)[0] < 1e-26
    q = np.linspace(-1, 1, T)
    assert abs(loss7_gauss(q, mu)[0] - loss7_quadrature(q, mu)) < 1e-10


@settings(max_examples=10, deadline=None)
@given(horizons(2, 8), mu_values(1.0, 1e4))
def test_printed_matrix_certified_positive_definite_and_no_negative_witness(T, mu):
    assert certify_positive_definite(T, mu, 1200).certified
    assert not witness_not_positive_definite(T, mu, 200).certified


@settings(max_examples=10, deadline=None)
@given(horizons(3, 8), mu_values(20.0, 1e3))
def test_doubled_off_diagonal_is_certified_not_positive_definite(T, mu):
    doubled = lambda ctx, k, m: 2 * printed_entry_mp(ctx, k, m)
    assert witness_not_positive_definite(T, mu, 200, entry=doubled).certified
    assert not certify_positive_definite(T, mu, 200, entry=doubled).certified


def test_certificate_can_fail_without_enough_precision():
    assert not certify_positive_definite(10, 300.0, 20).certified


def test_limit_judge_tells_the_limits_apart():
    printed = prop7.printed_sweep((2, 5), prop7.LIMIT_MUS)
    assert prop7.limit_outcome(printed, 1.0, "H").passed is True
    assert prop7.limit_outcome(printed, 2.0, "H").passed is False
    hess = prop7.hessian_sweep((2, 5), prop7.LIMIT_MUS)
    assert prop7.limit_outcome(hess, 2.0, "Hessian").passed is True
    assert prop7.limit_outcome(hess, 1.0, "Hessian").passed is False
    assert weyl_limit_bound(np.ones((3, 3)) * 2, 2.0) == 0.0


def test_mp_eigenvalues_agree_with_float64_when_well_conditioned():
    ev = mp_eigenvalues(4, 3.0, 50)
    s = spectrum_sweep(4, [3.0])
    assert np.allclose(ev, s.eigenvalues[0], atol=1e-12)


def test_domain_errors():
    with pytest.raises(DomainError):
        printed_matrix(3, 0.5)
    with pytest.raises(DomainError):
        printed_matrix(0, 3.0)
    with pytest.raises(DomainError):
        hessian_quadrature(3, 0.5)
    with pytest.raises(conditioning.DomainError):
        conditioning.printed_hessian(0)


def test_prop7_verdict_per_reading(quick_result):
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = quick_result("prop7")
    assert r.verdict == "erratum" and r.severity == "constant"
    readings = {x.reading.id: x for x in r.readings}
    assert readings["hessian-literal"].reading.adopted
    assert readings["hessian-literal"].verdict == "erratum" and readings["hessian-literal"].severity == "constant"
    assert readings["quadratic-form-matrix"].verdict == "verified"
    failed = sorted(c.name for c in r.checks if c.status == "failed")
    assert failed == ["eigen-limits-of-hessian-to-T", "printed-H-is-hessian"]
    assert r.corrected and "2H" in r.corrected
    assert all(c.summary for c in r.checks)
    assert r.artefacts and r.artefacts[0].figures[0].endswith(".png")


@pytest.mark.slow
def test_prop7_full_profile():
    from ical_verify.proofs_check.runner import make_context, run_claim

    assert run_claim("prop7", make_context(seed=1, profile="full", out_dir="/tmp/ical-test-full")).verdict == "erratum"
