"""Lemma 4: structure (9) of the loss under Assumptions 1, 2, under both s_0 conventions."""

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import lemma4
from ical_verify.proofs_check.runner import run_claim
from ical_verify.theory import augmented_attention as aa
from ical_verify.theory.errors import DomainError
from ical_verify.theory.laurent import LaurentPolynomial

from strategies import laurent_polynomials


def test_verdict_per_convention(quick_result):
    r = quick_result("lemma4")
    by = {x.reading.id: x for x in r.readings}
    assert r.verdict == "verified" and by["s0-backward"].verdict == "verified"
    assert by["s0-zero"].verdict == "erratum" and by["s0-zero"].severity == "convention"
    assert by["s0-first"].verdict == "erratum" and by["s0-first"].severity == "convention"
    assert all(c.summary for c in r.checks)


def test_printed_structure_holds_under_backward_convention_only():
    ctx = RunContext(seed=0)
    back = lemma4.check_structure("backward")(ctx)
    zero = lemma4.check_structure("zero", severity="convention")(ctx)
    assert back.passed is True and back.metrics["mismatched_monomials"] == 0
    assert zero.passed is False and zero.metrics["mismatched_monomials"] > 0 and zero.severity == "convention"


def test_swapped_pairing_fails():
    assert lemma4.check_structure("backward", pairing=lemma4.SWAPPED)(RunContext(seed=0)).passed is False


def test_truncated_printed_side_is_not_a_vacuous_pass(monkeypatch):
    """The old comparison zipped the two sides: an empty printed side compared equal. Lengths come first now."""
    monkeypatch.setattr(aa, "lemma4_laurent_output", lambda d, T, coefficients=None, t_range=None: [])
    out = lemma4.check_structure("backward")(RunContext(seed=0))
    assert out.passed is False and out.metrics["mismatched_monomials"] > 0


@settings(max_examples=25, deadline=None)
@given(st.lists(laurent_polynomials(2), min_size=1, max_size=3), st.integers(0, 2))
def test_vectors_of_different_lengths_never_compare_equal(polys, drop):
    shorter = polys[: len(polys) - 1 - drop] if drop < len(polys) else []
    assert aa.coordinate_mismatches(polys, polys) == 0
    assert aa.coordinate_mismatches(polys, shorter) >= 1
    assert aa.coordinate_mismatches(shorter, polys) >= 1


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 3), st.integers(2, 5))
def test_model_output_equals_printed_9_backward(d, T):
    model = aa.model4_laurent_output(d, T, "backward")
    printed = aa.lemma4_laurent_output(d, T)
    assert len(model) == len(printed) == d
    assert aa.coordinate_mismatches(model, printed) == 0


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 3), st.integers(2, 5))
def test_zero_padding_differs_exactly_by_the_t1_terms(d, T):
    model = aa.model4_laurent_output(d, T, "zero")
    rest = aa.lemma4_laurent_output(d, T, t_range=range(2, T + 1))
    one = aa.lemma4_laurent_output(d, T, lemma4.zero_padding_first_coefficients(), t_range=[1])
    assert len(model) == len(rest) == len(one) == d
    assert aa.coordinate_mismatches(model, [x + y for x, y in zip(rest, one)]) == 0


def test_bad_convention_and_dims():
    with pytest.raises(DomainError):
        aa.model4_laurent_output(2, 3, "forward")
    with pytest.raises(DomainError):
        aa.population_loss_products(2, 1, "zero")


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 3), st.integers(2, 5))
def test_first_token_convention_differs_exactly_by_the_t1_terms(d, T):
    model = aa.model4_laurent_output(d, T, "first")
    rest = aa.lemma4_laurent_output(d, T, t_range=range(2, T + 1))
    one = aa.lemma4_laurent_output(d, T, lemma4.first_token_coefficients(), t_range=[1])
    assert aa.coordinate_mismatches(model, [x + y for x, y in zip(rest, one)]) == 0
    assert aa.coordinate_mismatches(model, aa.lemma4_laurent_output(d, T)) > 0


def test_first_form_is_certified_for_every_size():
    cert = lemma4.certify_first_form()
    assert cert["holds"] and len(cert["cases"]) == 4


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(aa.CONVENTIONS), st.integers(1, 3), st.integers(2, 4))
def test_generic_model_equals_the_laurent_form_at_a_torus_point(s0, d, T):
    import numpy as np

    rng = np.random.default_rng(d * 10 + T)
    a, b = [sympy.Rational(int(x), 7) for x in rng.integers(-9, 10, 4)], [sympy.Rational(int(x), 5) for x in rng.integers(-9, 10, 2)]
    lam = np.exp(2j * np.pi * rng.random(d))
    seq = [lam ** (t - 1) for t in range(T + 1)]
    seq[0] = {"backward": seq[0], "zero": np.zeros(d, dtype=complex), "first": seq[1]}[s0]
    A, B = aa.assumption2_matrices(d, a, b)
    generic = lemma4.generic_model4(np.array(A.tolist(), dtype=float), np.array(B.tolist(), dtype=float), seq)
    lau = aa.model4_laurent_output(d, T, s0, coefficient=lambda k, l: a[k - 1] * b[l - 1])
    assert np.allclose(generic, [lemma4._evaluate(p, lam) for p in lau], atol=1e-10)
