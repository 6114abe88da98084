"""Proposition 4: the population loss (3) for C_U; the printed formula and the corrected one."""

import numpy as np
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.models.diagonal_attention import exact_population_loss
from ical_verify.numerics.diagonal_model import closed_form_loss, exact_loss, printed_prop4_loss
from ical_verify.proofs_check.runner import make_context, run_claim
from ical_verify.theory import diagonal_attention as th

from strategies_diagonal import coupling_matrices, positional_rows


@settings(max_examples=25, deadline=None)
@given(st.data(), st.integers(1, 5), st.integers(2, 8))
def test_corrected_closed_form_equals_exact_numeric(data, d, T):
    C = data.draw(coupling_matrices(d))
    p = data.draw(positional_rows(T))
    ex = exact_loss(C, p)
    assert np.isclose(closed_form_loss(C, p), ex, rtol=1e-10, atol=1e-10)
    # the printed formula exceeds the exact loss by exactly p_(T-1)^2 ||C||_F^2
    assert np.isclose(printed_prop4_loss(C, p) - ex, p[-2] ** 2 * np.sum(C ** 2), rtol=1e-9, atol=1e-9)


def test_symbolic_corrected_and_printed():
    C = th.symbolic_matrix("C", 2, 2)
    p = th.symbolic_row("p", 4)
    L = th.population_loss(C, p, 4)
    assert sympy.expand(L - th.prop4_corrected(C, p)) == 0
    assert sympy.expand(th.prop4_printed(C, p) - L - p[-2] ** 2 * sum(c ** 2 for c in C)) == 0


def test_a_wrong_closed_form_is_detected():
    # S(C Cᵀ) (column sums) instead of S(CᵀC) (row sums) must not pass the comparison with the engine
    C = th.symbolic_matrix("C", 2, 2)
    p = th.symbolic_row("p", 3)
    wrong = th.prop4_corrected(C, p) - p[-2] ** 2 * (th.sum_of_coefficients(C.T * C) - th.sum_of_coefficients(C * C.T))
    assert sympy.expand(th.population_loss(C, p, 3) - wrong) != 0


def test_torch_exact_loss_sums_rows_of_P():
    rng = np.random.default_rng(0)
    d, T_max = 3, 6
    C = rng.standard_normal((d, d))
    P = rng.standard_normal((T_max, T_max))
    ref = sum(closed_form_loss(C, P[T - 2, :T]) for T in range(2, T_max + 1))
    got = float(exact_population_loss(torch.tensor(C), torch.tensor(P)))
    assert np.isclose(got, ref, rtol=1e-12)
    ref_o = sum(closed_form_loss(C[:2, :2], P[T - 2, :T], "orthogonal")
                for T in range(2, T_max + 1))
    got_o = float(exact_population_loss(torch.tensor(C[:2, :2]), torch.tensor(P), "orthogonal"))
    assert np.isclose(got_o, ref_o, rtol=1e-12)


def test_prop4_verdict_is_erratum_with_corrected_statement():
    r = run_claim("prop4", make_context(seed=0), only=["symbolic-printed", "symbolic-corrected",
                                                       "exact-numeric-corrected"])
    status = {c.name: c.status for c in r.checks}
    assert status == {"symbolic-printed": "failed", "symbolic-corrected": "passed",
                      "exact-numeric-corrected": "passed"}
    assert r.verdict == "erratum" and "p_{T-1}^2" in r.corrected
    assert r.severity == "substantive"


def test_prop4_both_readings_of_p_are_errata():
    r = run_claim("prop4", make_context(seed=0), only=["symbolic-printed", "symbolic-printed-full-row",
                                                       "symbolic-corrected"])
    assert {x.reading.id: x.verdict for x in r.readings} == {"row-up-to-T": "erratum", "full-row": "erratum"}
