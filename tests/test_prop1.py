"""Proposition 1: construction (8), one gradient step on (5), and which W_0 model (4) reaches on the paper's data."""

import numpy as np
import pytest
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.models.augmented_attention import AugmentedAttentionConfig, AugmentedTransformer
from ical_verify.numerics.gd_inner_loss import gd_iterates, gradient_statistics
from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import prop1
from ical_verify.proofs_check.runner import run_claim
from ical_verify.theory import augmented_attention as aa
from ical_verify.theory.errors import DomainError
from ical_verify.theory.gradient_step import gradient_step, inner_loss, inner_loss_gradient

from strategies import rational_coefficients
from strategies_augmented import complex_sequences, real_sequences, rational_matrices, step_sizes


def _model8(d, eta):
    model = AugmentedTransformer(AugmentedAttentionConfig(d=d))
    with torch.no_grad():
        model.layers[0].A.zero_()
        model.layers[0].B.zero_()
        model.layers[0].A[2 * d:, d:2 * d] = torch.eye(d, dtype=torch.float64)
        model.layers[0].B[:d, d:2 * d] = eta * torch.eye(d, dtype=torch.float64)
    return model


def _tokens(seq):
    s = torch.tensor(seq)
    return torch.cat([torch.zeros_like(s[1:]), s[1:], s[:-1]], -1)[None]  # (1, T, 3d)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3).flatmap(lambda d: st.tuples(st.just(d), st.integers(2, 6))).flatmap(
    lambda dt: st.tuples(st.just(dt), st.one_of(real_sequences(*dt), complex_sequences(*dt)))),
    st.floats(0.01, 1.0))
def test_construction8_is_gd_step_with_zero_padding_and_extra_pair_otherwise(case, eta):
    (d, T), seq = case
    model = _model8(d, eta)
    S, Y = gradient_statistics(seq[None, 1:])
    gd = np.einsum("ij,j->i", gd_iterates(S, Y, 1, eta)[0, -1], seq[-1])
    padded = seq.copy()
    padded[0] = 0
    with torch.no_grad():
        out_zero = model(_tokens(padded))[0, -1].numpy()
        out_back = model(_tokens(seq))[0, -1].numpy()
    scale = 1 + np.abs(seq).max() ** 3 * T
    assert np.allclose(out_zero, gd, atol=1e-12 * scale)
    extra = eta * seq[1] * (seq[0].conj() @ seq[-1])  # eta s_1 s_0^* s_T
    assert np.allclose(out_back, gd + extra, atol=1e-12 * scale)


def test_verdicts_per_reading(quick_result):
    r = quick_result("prop1")
    by = {x.reading.id: x for x in r.readings}
    assert r.verdict == "erratum" and r.severity == "substantive"
    assert by["s0-zero"].reading.adopted
    assert (by["s0-zero"].verdict, by["s0-zero"].severity) == ("erratum", "substantive")
    assert (by["s0-backward"].verdict, by["s0-backward"].severity) == ("erratum", "convention")
    assert all(c.summary for c in r.checks) and r.artefacts and r.artefacts[0].error is None


def test_symbolic_identities_hold_under_zero_padding_only():
    res = prop1.construction_identities(((1, 2), (2, 3)))
    assert all(v["equals_gd_on_5"] for k, v in res.items() if k.startswith("zero"))
    assert not any(v["equals_gd_on_5"] for k, v in res.items() if k.startswith("backward"))
    assert all(v["equals_gd_on_5_plus_pair_s0_s1"] for k, v in res.items() if k.startswith("backward"))


@settings(max_examples=12, deadline=None)
@given(st.integers(1, 3).flatmap(lambda d: st.tuples(st.just(d), st.integers(2, 5),
                                                      st.lists(rational_coefficients(), min_size=d, max_size=d),
                                                      rational_matrices(d, d))),
       rational_coefficients().filter(lambda x: x != 0))
def test_one_head_reaches_1vT_and_two_heads_any_w0_on_unitary_data(case, eta):
    d, T, v, W0 = case
    one = aa.model4_heads_laurent_output(d, T, "zero", [aa.one_head_construction(d, v, eta)])
    assert aa.coordinate_mismatches(one, aa.gd_step_laurent_output(d, T, "zero", sympy.ones(d, 1) * sympy.Matrix([v]),
                                                                   eta)) == 0
    two = aa.model4_heads_laurent_output(d, T, "zero", aa.two_head_construction(d, W0, eta))
    assert aa.coordinate_mismatches(two, aa.gd_step_laurent_output(d, T, "zero", W0, eta)) == 0


def test_one_head_exists_exactly_for_w0_with_equal_rows():
    """Elimination ideal (d = 2, eta = 1/3, theta shared by T = 2, 3): its zero set is {W_0 = 1 v^T}."""
    w = sympy.symbols("w0:4")
    Bp, At = aa.general_parameter_matrices(2)
    eqs = aa.representation_equations(2, [2, 3], "zero", sympy.Matrix(2, 2, w), sympy.Rational(1, 3), [(Bp, At)])
    theta = sorted(set().union(*[e.free_symbols for e in eqs]) - set(w), key=str)
    # the scaling (B', A~) -> (c B', A~ / c) normalises B'_11 = 1; B'_11 = 0 has no solution (first T already)
    assert sympy.groebner(eqs + [Bp[0, 0]], *theta, *w, order="grevlex").exprs == [1]
    G = sympy.groebner(eqs + [Bp[0, 0] - 1], *theta, *w, order="lex")
    elim = [g for g in G.exprs if not (g.free_symbols & set(theta))]
    rows_equal = {w[0]: w[2], w[1]: w[3]}
    assert elim and all(sympy.expand(g.subs(rows_equal)) == 0 for g in elim)
    # and nothing else: on the zero set, rows are equal
    sols = sympy.solve(elim, w, dict=True)
    assert sols and all(sympy.simplify(s.get(w[0], w[0]) - s.get(w[2], w[2])) == 0
                        and sympy.simplify(s.get(w[1], w[1]) - s.get(w[3], w[3])) == 0 for s in sols)


def test_identity_initialisation_needs_theta_depending_on_T():
    """W_0 = I_2, eta = 1/3: one head fits each single T, not T = 2 and 3 with the same theta."""
    I2, eta = sympy.eye(2), sympy.Rational(1, 3)
    assert aa.single_head_feasibility(2, [2], "zero", I2, eta).feasible
    assert aa.single_head_feasibility(2, [3], "zero", I2, eta).feasible
    assert not aa.single_head_feasibility(2, [2, 3], "zero", I2, eta).feasible


def test_any_number_of_heads_fits_zero_padding_and_nothing_fits_backward():
    for d in (1, 2):
        assert aa.any_heads_representability(d, [2, 3], "zero").consistent
        assert not aa.any_heads_representability(d, [2, 3], "backward").consistent


def test_gradient_matches_real_derivatives():
    x = sympy.symbols("x0:3", real=True)
    y = sympy.symbols("y0:3", real=True)
    seq = [sympy.Matrix([x[t] + sympy.I * y[t]]) for t in range(3)]
    p, q = sympy.symbols("p q", real=True)
    W = sympy.Matrix([[p + sympy.I * q]])
    L = inner_loss(W, seq)
    g = inner_loss_gradient(W, seq)[0, 0]
    assert sympy.simplify(g - (sympy.diff(L, p) + sympy.I * sympy.diff(L, q))) == 0


def test_wrong_construction_is_caught():
    eta = sympy.Symbol("eta")
    A, B = aa.construction8(1, eta)
    A = A.T  # the transposed block picks s_t^* s_{T-1}: not a GD step
    seq = [sympy.Matrix([0]), sympy.Matrix([1]), sympy.Matrix([2]), sympy.Matrix([3])]
    assert aa.model4_output(A, B, seq) != gradient_step(sympy.zeros(1, 1), seq, eta) * seq[-1]


def test_domain_errors():
    with pytest.raises(DomainError):
        inner_loss(sympy.Matrix([[1]]), [sympy.Matrix([1])])
    with pytest.raises(DomainError):
        inner_loss_gradient(sympy.Matrix([[1]]), [sympy.Matrix([1]), sympy.Matrix([1])], first=2)
    with pytest.raises(DomainError):
        aa.gd_step_laurent_output(1, 2, "zero", sympy.Matrix([[0]]), 1, first=2)
    with pytest.raises(DomainError):
        aa.any_heads_representability(1, [2], "forward")


@pytest.mark.slow
def test_one_head_initialisations_for_every_step_size():
    """With eta an unknown (eta != 0): the one-head W_0 are 1 v^T, plus W_0 = w I at eta = -1/2 only (d = 2)."""
    w = sympy.symbols("w0:4")
    eta, z = sympy.symbols("eta z")
    Bp, At = aa.general_parameter_matrices(2)
    eqs = aa.representation_equations(2, [2, 3], "zero", sympy.Matrix(2, 2, w), eta, [(Bp, At)])
    theta = sorted(set().union(*[e.free_symbols for e in eqs]) - set(w) - {eta}, key=str)
    G = sympy.groebner(eqs + [Bp[0, 0] - 1, eta * z - 1], *theta, z, *w, eta, order="lex")
    elim = [g for g in G.exprs if not (g.free_symbols & (set(theta) | {z}))]
    expected = [w[0] + w[1] - w[2] - w[3], w[1] * (w[1] - w[3]), w[2] * (w[1] - w[3]),
                (2 * eta + 1) * w[3] * (w[1] - w[3])]
    ideal = sympy.groebner(expected, *w, eta, order="lex")
    assert all(ideal.contains(g) for g in elim) and all(sympy.groebner(elim, *w, eta, order="lex").contains(g)
                                                        for g in expected)


# --- s_0 = s_1 --------------------------------------------------------------------------------------------------
def test_first_reading_verdict(quick_result):
    r = quick_result("prop1")
    by = {x.reading.id: x for x in r.readings}
    assert (by["s0-first"].verdict, by["s0-first"].severity) == ("erratum", "convention")
    status = {c.name: c.status for c in r.checks}
    assert status["feasible-w0-first"] == "failed" and status["corrected-first"] == "passed"


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 2), step_sizes(), st.data())
def test_reachable_initialisations_under_first_are_those_with_w0_1_equal_kappa_1(d, eta, data):
    """Any number of heads, s_0 = s_1: W_0 is reached iff W_0 1_d = d eta/(1 + d eta) 1_d."""
    F = aa.feasible_initialisations(d, (2, 3, 4), "first", eta)
    W0 = data.draw(rational_matrices(d, d))
    one = sympy.ones(d, 1)
    kappa = d * eta / (1 + d * eta)
    projected = W0 - (W0 * one - kappa * one) * one.T / d  # the nearest W_0 with W_0 1 = kappa 1
    assert F.contains(projected)
    assert F.contains(W0) == ((W0 * one - kappa * one).is_zero_matrix)
    assert not F.contains(sympy.zeros(d, d))


@settings(max_examples=6, deadline=None)
@given(st.integers(1, 2), step_sizes(), st.data())
def test_every_w0_is_reached_under_zero_padding_and_none_under_backward(d, eta, data):
    W0 = data.draw(rational_matrices(d, d))
    assert aa.feasible_initialisations(d, (2, 3), "zero", eta).contains(W0)
    back = aa.feasible_initialisations(d, (2, 3), "backward", eta)
    assert not back.consistent and not back.contains(W0)
