"""Proposition 7: the Hessian of (7) and its spectrum (theory.conditioning, numerics.spectra, claims.prop7)."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings

from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.spectra import (certify_positive_definite, hessian_by_differences, mp_eigenvalues,
                                          printed_matrix, spectrum_sweep)
from ical_verify.proofs_check.papers.sander2024 import prop7
from ical_verify.theory import conditioning

from strategies_optim import horizons, mu_values


def test_symbolic_hessian_is_twice_the_printed_matrix():
    H = conditioning.hessian_7(3)
    Hp = conditioning.printed_hessian(3)
    assert conditioning.hessian_ratio_to_printed(3).is_zero_matrix
    assert H[0, 0] == 2 and Hp[0, 0] == 1        # the printed form is not the Hessian


def test_real_part_of_moment_is_printed_entry():
    assert sympy.simplify(conditioning.real_even_moment() - conditioning.printed_entry()) == 0


@settings(max_examples=10, deadline=None)
@given(horizons(2, 4), mu_values(1.0, 60.0))
def test_quadrature_hessian_is_twice_printed(T, mu):
    H = hessian_by_differences(T, mu)
    assert np.abs(H - printed_matrix(T, mu, 2.0)).max() < prop7.QUADRATURE_TOL


@settings(max_examples=10, deadline=None)
@given(horizons(2, 8), mu_values(1.0, 1e4))
def test_printed_matrix_certified_positive_definite(T, mu):
    assert certify_positive_definite(T, mu, 1200).certified


def test_certificate_can_fail_without_enough_precision():
    assert not certify_positive_definite(10, 300.0, 20).certified


def test_limits_hold_for_printed_and_fail_for_wrong_limit():
    ok, _ = prop7._limit_check(1.0, 1.0)
    assert ok
    ok2, _ = prop7._limit_check(2.0, 2.0)
    assert ok2
    wrong, _ = prop7._limit_check(2.0, 1.0)        # claiming sigma_1 -> T for the actual Hessian fails
    assert not wrong


def test_mp_eigenvalues_agree_with_float64_when_well_conditioned():
    ev = mp_eigenvalues(4, 3.0, 50)
    s = spectrum_sweep(4, [3.0])
    assert np.allclose(ev, s.eigenvalues[0], atol=1e-12)


def test_domain_errors():
    with pytest.raises(DomainError):
        printed_matrix(3, 0.5)
    with pytest.raises(DomainError):
        printed_matrix(0, 3.0)
    with pytest.raises(conditioning.DomainError):
        conditioning.printed_hessian(0)


def test_prop7_claim_verdict_is_erratum():
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = run_claim("prop7", make_context(seed=0, out_dir="/tmp/ical-test-prop7"))
    assert r.verdict == "erratum"
    failed = [c.name for c in r.checks if c.status == "failed"]
    assert failed == ["printed-H-is-hessian"]
    assert r.corrected and "2H" in r.corrected
    assert r.figures and r.figures[0].endswith(".png")


@pytest.mark.slow
def test_prop7_full_profile():
    from ical_verify.proofs_check.runner import make_context, run_claim

    assert run_claim("prop7", make_context(seed=1, profile="full", out_dir="/tmp/ical-test-full")).verdict == "erratum"
