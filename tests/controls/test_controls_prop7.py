"""Controls for Proposition 7: each check fails on a wrong input (a mis-scaled or mis-stated matrix, a wrong
eigenvalue limit, another distribution, a wrong optimum, a matrix that is not positive definite); the checks
that fail on the printed statement pass on the corrected one."""

import numpy as np
import pytest
import sympy

from ical_verify.numerics import spectra
from ical_verify.proofs_check.papers.sander2024 import prop7
from ical_verify.proofs_check.runner import make_context, run_claim
from ical_verify.theory import conditioning

from negative_controls import negative_control, positive_control

CTX = make_context(seed=0, out_dir="/tmp/ical-controls-prop7")


@pytest.fixture(scope="module")
def symbolic_evidence():
    """The SymPy Hessian and quadratic part of the exactly integrated loss (7): no control here alters them, so
    they are derived once for the module (the judges, fed wrong inputs, still run every time)."""
    saved = prop7._CACHE
    prop7._CACHE = {}
    try:
        rows = prop7._symbolic_rows(CTX)
    finally:
        prop7._CACHE = saved
    return rows


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch, symbolic_evidence):
    """Evidence is cached per profile: every control starts from a cache that holds only the symbolic evidence."""
    monkeypatch.setattr(prop7, "_CACHE", {("symbolic", CTX.profile): symbolic_evidence})


def _status(name):
    return {c.name: c.status for c in run_claim("prop7", CTX, only=[name]).checks}[name]


def _scaled_printed_hessian(factor):
    original = conditioning.printed_hessian
    return lambda T, mu=conditioning.MU: factor * original(T, mu)


@negative_control("prop7", "moment-by-integration")
def test_moment_check_fails_for_a_wrong_entry(monkeypatch):
    monkeypatch.setattr(conditioning, "printed_entry",
                        lambda k=conditioning.K, mu=conditioning.MU: mu / (2 * sympy.pi * k) * sympy.sin(4 * k * sympy.pi / mu))
    assert _status("moment-by-integration") == "failed"


@negative_control("prop7", "printed-diagonal-entry")
def test_diagonal_check_fails_when_the_formula_does_not_extend_to_one(monkeypatch):
    monkeypatch.setattr(conditioning, "printed_entry",
                        lambda k=conditioning.K, mu=conditioning.MU: mu / (4 * sympy.pi * k) * sympy.sin(8 * k * sympy.pi / mu))
    assert _status("printed-diagonal-entry") == "failed"


@negative_control("prop7", "printed-H-is-hessian")
def test_hessian_check_fails_on_the_printed_and_on_a_thrice_scaled_matrix(monkeypatch):
    assert _status("printed-H-is-hessian") == "failed"
    monkeypatch.setattr(prop7, "_CACHE", {})
    monkeypatch.setattr(conditioning, "printed_hessian", _scaled_printed_hessian(3))
    assert _status("printed-H-is-hessian") == "failed"


@positive_control("prop7", "printed-H-is-hessian")
def test_hessian_check_passes_on_twice_the_printed_matrix(monkeypatch):
    monkeypatch.setattr(conditioning, "printed_hessian", _scaled_printed_hessian(2))
    assert _status("printed-H-is-hessian") == "passed"


@negative_control("prop7", "printed-H-is-quadratic-form-matrix")
def test_quadratic_form_check_fails_on_a_mis_scaled_matrix(monkeypatch):
    monkeypatch.setattr(conditioning, "printed_hessian", _scaled_printed_hessian(2))
    assert _status("printed-H-is-quadratic-form-matrix") == "failed"


def _other_distribution_nodes(original):
    """Gauss nodes of W(2 mu) instead of W(mu): the quadrature computes the Hessian of another loss."""
    return lambda T, mu, nodes=None: original(T, 2 * mu, nodes)


@negative_control("prop7", "hessian-by-quadrature")
def test_quadrature_check_fails_for_another_distribution(monkeypatch):
    monkeypatch.setattr(spectra, "gauss_nodes", _other_distribution_nodes(spectra.gauss_nodes))
    assert _status("hessian-by-quadrature") == "failed"


@negative_control("prop7", "hessian-by-quadrature")
def test_quadrature_check_fails_against_a_mis_scaled_printed_matrix(monkeypatch):
    original = spectra.printed_matrix
    monkeypatch.setattr(spectra, "printed_matrix", lambda T, mu, factor=1.0: original(T, mu, 1.5 * factor))
    assert _status("hessian-by-quadrature") == "failed"


@negative_control("prop7", "eigen-limits-printed-H")
def test_printed_limits_fail_for_a_matrix_with_another_limit(monkeypatch):
    original = spectra.printed_matrix
    monkeypatch.setattr(spectra, "printed_matrix", lambda T, mu, factor=1.0: original(T, mu, 2 * factor))
    assert _status("eigen-limits-printed-H") == "failed"


@negative_control("prop7", "eigen-limits-of-hessian-to-T")
def test_hessian_against_the_printed_limit_fails():
    assert _status("eigen-limits-of-hessian-to-T") == "failed"


@positive_control("prop7", "eigen-limits-of-hessian-to-T")
def test_half_the_hessian_has_the_printed_limit():
    half = {T: Hs / 2 for T, Hs in prop7.hessian_sweep().items()}
    assert prop7.limit_outcome(half, 1.0, "half Hessian").passed is True


@negative_control("prop7", "eigen-limits-true-hessian")
def test_true_limit_fails_when_the_evidence_is_the_printed_matrix(monkeypatch):
    monkeypatch.setattr(spectra, "hessian_quadrature", lambda T, mu, h=0.5, nodes=None: spectra.printed_matrix(T, mu))
    assert _status("eigen-limits-true-hessian") == "failed"


@negative_control("prop7", "eigen-limits-true-hessian")
def test_true_limit_fails_for_another_distribution(monkeypatch):
    # W(mu^0.5): the entries converge much more slowly, the Weyl bound at mu = 1e6 is far above tolerance
    original = spectra.gauss_nodes
    monkeypatch.setattr(spectra, "gauss_nodes", lambda T, mu, nodes=None: original(T, mu ** 0.5, nodes))
    assert _status("eigen-limits-true-hessian") == "failed"


@negative_control("prop7", "condition-number-growth")
def test_condition_check_fails_on_a_well_conditioned_matrix(monkeypatch):
    monkeypatch.setattr(spectra, "mp_eigenvalues", lambda T, mu, dps=60, entry=None: [1.0] * T)
    assert _status("condition-number-growth") == "failed"


@negative_control("prop7", "p-star-zero-loss")
def test_p_star_check_fails_for_a_wrong_optimum(monkeypatch):
    monkeypatch.setattr(prop7, "p_star_index", lambda T: T - 2)
    assert _status("p-star-zero-loss") == "failed"


@negative_control("prop7", "hessian-positive-definite")
def test_positive_definite_check_fails_on_a_matrix_that_is_not():
    doubled = lambda ctx, k, mu: 2 * spectra.printed_entry_mp(ctx, k, mu)
    out = prop7.positive_definite_outcome(prop7.pd_cases(CTX, entry=doubled))
    assert out.passed is False and out.metrics["certified_not_pd"] > 0


def test_positive_definite_judge_is_inconclusive_when_undecided():
    cases = [{"T": 3, "mu": 10.0, "status": "undecided", "float64_min_eigenvalue": 1e-3,
              "log10_sigma_min_rigorous_lower_bound": float("-inf")}]
    assert prop7.positive_definite_outcome(cases).passed is None
