"""Lemma 4: structure (9) of the loss under Assumptions 1, 2."""

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import lemma4
from ical_verify.theory import augmented_attention as aa
from ical_verify.theory.errors import DomainError


def test_printed_structure_holds_under_backward_convention():
    out = lemma4.structure_check(RunContext(seed=0))
    assert out.passed is True
    assert out.metrics["holds_under"] == ["backward"]
    assert out.metrics["per_convention"]["zero"]["mismatched_monomials"] > 0


def test_swapped_pairing_fails():
    out = lemma4.structure_check(RunContext(seed=0), pairing=lemma4.SWAPPED)
    assert out.passed is False


def test_zero_padding_form_and_generic_cross_check():
    ctx = RunContext(seed=0)
    assert lemma4.zero_padding_form(ctx).passed is True
    assert lemma4.cross_check_generic(ctx).passed is True


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 3), st.integers(2, 5))
def test_model_output_equals_printed_9_backward(d, T):
    model = aa.model4_laurent_output(d, T, "backward")
    printed = aa.lemma4_laurent_output(d, T)
    assert all(sympy.expand(c) == 0 for m, p in zip(model, printed) for c in (m - p).terms.values())


def test_bad_convention_and_dims():
    with pytest.raises(DomainError):
        aa.model4_laurent_output(2, 3, "forward")
    with pytest.raises(DomainError):
        aa.population_loss_products(2, 1, "zero")
