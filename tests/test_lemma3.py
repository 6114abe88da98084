"""Lemma 3: ½ diag(J, ..., J) with P_(T-1,T-1) = -1, P_(T-1,T) = 2 predicts exactly on orthogonal contexts."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.numerics.diagonal_model import closed_form_loss, lemma2_output
from ical_verify.theory import diagonal_attention as th
from ical_verify.theory.laurent import LaurentPolynomial, mean_square_norm

from strategies_diagonal import invertible_rational_matrices, nonzero_rationals, orthogonal_contexts


@settings(max_examples=15, deadline=None)
@given(st.data(), st.integers(1, 3), st.integers(2, 6))
def test_any_heads_realising_the_coupling_predict_exactly(data, delta, T):
    """B*ᵀA* = ½ diag(J, ..., J) realised by δ heads B = R Fᵀ, A = R^(-T) G (C = F G, R drawn invertible)."""
    C, p = th.lemma3_parameters(delta, T)
    F, G = C.rank_decomposition()
    R = data.draw(invertible_rational_matrices(delta))
    A, B = R.T.inv() * G, R * F.T
    assert B.T * A == C
    lam = LaurentPolynomial.variables(2 * delta)
    residual = [f - lam[i] ** T for i, f in enumerate(th.model6_output(A, B, p, T))]
    assert all(not g.conjugate_pairs().terms for g in residual)
    assert mean_square_norm(residual, "orthogonal") == 0
    assert mean_square_norm(residual, "unitary") > 0              # the conjugate pairs are needed


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.integers(2, 6), st.sampled_from(["p_T-1", "p_T", "p_1", "C"]), nonzero_rationals())
def test_changing_one_parameter_breaks_the_exact_prediction(delta, T, which, eps):
    C, p = th.lemma3_parameters(delta, T)
    C, p = C.copy(), list(p)
    if which == "p_T-1":
        p[-2] += eps
    elif which == "p_T":
        p[-1] += eps
    elif which == "p_1":
        if T < 3:
            return                                                 # no p_t with t < T-1
        p[0] += eps
    else:
        C[0, 1] += eps
    assert th.population_loss(C, p, T, "orthogonal") > 0


@settings(max_examples=20, deadline=None)
@given(st.data(), st.integers(1, 5), st.integers(2, 15))
def test_numeric_output_on_sampled_orthogonal_contexts(data, delta, T):
    C, p = th.lemma3_parameters(delta, T)
    C = np.array(C, dtype=np.float64)
    p = np.array([float(x) for x in p])
    lam = data.draw(orthogonal_contexts(delta, 6))
    assert np.allclose(lemma2_output(C, p, lam), lam ** T, atol=1e-10)
    assert closed_form_loss(C, p, "orthogonal") == pytest.approx(0.0, abs=1e-12)


def test_lemma3_heads_realise_the_coupling():
    A, B = th.lemma3_heads(3)
    assert B.T * A == th.lemma3_parameters(3, 2)[0]
    assert A.shape == (3, 6)                                       # δ heads
    assert sympy.Matrix(B.T * A).rank() == 3


def test_readings_orthogonal_verified_unitary_refuted(quick_result):
    from ical_verify.proofs_check.claim import RunContext
    from ical_verify.proofs_check.runner import run_claim

    r = quick_result("lemma3")
    by = {x.reading.id: x for x in r.readings}
    assert r.verdict == "verified" and by["orthogonal"].reading.adopted and by["orthogonal"].verdict == "verified"
    assert by["unitary"].verdict == "refuted"
    art = next(a for a in r.artefacts if a.name == "proof-cross-reference")
    assert art.error is None and art.metrics["a5_conditions_violated"] and art.metrics["a8_certificate_holds"]
    assert "A.8" in r.claim.notes
