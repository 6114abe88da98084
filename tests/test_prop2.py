"""Proposition 2 / 8: minimisers, eta* and the GD map under the three values of s_0."""

import copy

import numpy as np
import pytest
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.models.augmented_attention import AugmentedAttentionConfig, AugmentedTransformer, prefix_loss
from ical_verify.models.train_augmented import train, train_assumption2_multistart, unitary_dataset
from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import prop2
from ical_verify.proofs_check.runner import run_claim
from ical_verify.theory import augmented_attention as aa


def test_verdicts_per_reading(quick_result):
    r = quick_result("prop2")
    by = {x.reading.id: x for x in r.readings}
    assert (r.verdict, r.severity) == ("erratum", "convention") and by["s0-backward"].reading.adopted
    assert (by["s0-zero"].verdict, by["s0-zero"].severity) == ("erratum", "convention")
    assert (by["s0-first"].verdict, by["s0-first"].severity) == ("erratum", "convention")
    status = {c.name: c.status for c in r.checks}
    assert status["initialisation-lambda"] == status["cross-reference-proposition"] == "failed"
    assert status["minimisers-first"] == status["optimal-map-is-gd-step-first"] == "failed"
    assert status["corrected-first"] == "passed"
    assert "no s_0 makes Lemma 1" in r.finding
    assert status["eta-star-backward"] == "passed" and status["eta-star-zero"] == "failed"
    assert status["optimal-map-is-gd-step-backward"] == "failed" and status["optimal-map-is-gd-step-zero"] == "passed"
    assert all(c.summary for c in r.checks)


def test_eta_star_closed_forms_and_limits():
    back, zero = prop2.eta_star("backward"), prop2.eta_star("zero")
    Tm, d = aa.TMAX_SYM, aa.D_SYM
    assert sympy.simplify(back.eta_star - aa.printed_eta_star(d, Tm)) == 0
    assert sympy.simplify(zero.eta_star - 3 / (2 * Tm + 3 * d - 4)) == 0
    assert back.limit == zero.limit == sympy.Rational(3, 2)


def test_eta_check_fails_when_the_printed_formula_differs(monkeypatch):
    """The derived eta* must equal the printed one for the check to pass (it used to be reported only)."""
    ctx = RunContext(seed=0)
    assert prop2.check_eta("backward")(ctx).passed is True
    monkeypatch.setattr(prop2, "printed_eta", lambda d, Tmax: aa.printed_eta_star(d, Tmax) * sympy.Rational(11, 10))
    out = prop2.check_eta("backward")(ctx)
    assert out.passed is False and out.metrics["equals_printed"] is False
    assert out.metrics["agrees_with_exact_minimisers"] is True  # the derivation itself is unchanged


def test_printed_conditions_hold_for_backward_only():
    assert prop2.printed_conditions_hold("backward", 2, 3)["printed_sufficient"]
    assert prop2.printed_conditions_hold("backward", 2, 3)["printed_necessary"]
    assert not prop2.printed_conditions_hold("zero", 2, 3)["printed_sufficient"]
    derived = prop2.printed_conditions_hold("zero", 2, 3, prop2.zero_padding_conditions,
                                            lambda d, T: prop2.eta_value("zero", d, T))
    assert derived["printed_sufficient"] and derived["printed_necessary"]


@settings(max_examples=8, deadline=None)
@given(st.sampled_from(aa.CONVENTIONS), st.integers(1, 3), st.integers(2, 5))
def test_gd_form_loss_matches_derived_K_J(s0, d, T):
    eta = sympy.Symbol("eta", real=True)
    e = prop2.eta_star(s0)
    K = e.K.subs({aa.T_SYM: T, aa.D_SYM: d})
    J = e.J.subs({aa.T_SYM: T, aa.D_SYM: d})
    assert sympy.expand(aa.gd_form_loss(d, T, s0, eta) - d * (K * eta ** 2 - 2 * J * eta + 1)) == 0


def test_wrong_eta_is_not_a_minimiser():
    value, _, loss_m = prop2.minimiser_set("backward", 2, 3)
    a, b = aa.parameter_symbols()
    loss = loss_m.subs(aa.products_to_parameters())
    good = loss.subs({a[0]: 0, a[1]: 0, a[2]: sympy.Rational(5, 18), a[3]: 0, b[0]: 1, b[1]: 0})
    bad = loss.subs({a[0]: 0, a[1]: 0, a[2]: sympy.Rational(5, 18) + sympy.Rational(1, 100), a[3]: 0, b[0]: 1, b[1]: 0})
    assert good == value and bad > value


def test_torch_model_matches_exact_loss_on_monte_carlo_and_excludes_the_other_convention():
    """Empirical loss of the torch Assumption-2 model against the exact polynomial, 6-sigma interval.

    The parameters and n are chosen so that the exact loss under the other s_0 convention (the nearest wrong
    alternative) falls outside the interval: the gap between conventions is ~39 at these parameters, the per-sequence
    standard deviation ~150, so n = 2^13 gives a 6-sigma half-width ~10.
    """
    rng = np.random.default_rng(3)
    d, Tm, n = 2, 3, 2 ** 13
    a, b = [0.5, 0.4, 0.6, 0.3], [0.9, 0.7]
    syms = aa.parameter_symbols()[0] + aa.parameter_symbols()[1]
    exact = {s0: float(aa.population_loss(d, Tm, s0).subs(dict(zip(syms, a + b)))) for s0 in aa.CONVENTIONS}
    for s0 in aa.CONVENTIONS:
        E, tgt, _ = unitary_dataset(d, Tm, n, rng, s0)
        model = AugmentedTransformer(AugmentedAttentionConfig(d=d, parameterisation="assumption2"))
        model.set_assumption2(a, b)
        with torch.no_grad():
            per = ((model(E) - tgt).abs() ** 2).sum(-1)[:, 1:].sum(-1).numpy()
            assert abs(float(prefix_loss(model, E, tgt)) - per.mean()) < 1e-9
        half = 6 * per.std() / np.sqrt(n)
        assert abs(per.mean() - exact[s0]) < half
        nearest = min((c for c in aa.CONVENTIONS if c != s0), key=lambda c: abs(exact[c] - exact[s0]))
        assert abs(per.mean() - exact[nearest]) > half  # the nearest wrong convention is excluded


def test_multistart_training_equals_one_model_trained_alone():
    E, tgt, _ = unitary_dataset(2, 3, 256, np.random.default_rng(0), "zero")
    multi = train_assumption2_multistart([5, 6], E, tgt, 60, 2e-2)
    cfg = AugmentedAttentionConfig(d=2, parameterisation="assumption2", init_scale=0.3)
    alone = AugmentedTransformer(cfg, seed=6)
    r = train(alone, E, tgt, 60, 2e-2)
    assert np.allclose(multi.losses[:, 1], r.losses, rtol=1e-10, atol=1e-12)
    assert torch.allclose(multi.parameters[1]["layers.0.a"], alone.layers[0].a.detach(), atol=1e-10)


def test_trained_judge_rejects_unconverged_or_wrong_starts():
    ev = prop2.trained_evidence(0, "quick", "zero")
    assert prop2.judge_trained(ev).passed is True
    bad = copy.deepcopy(ev)
    for s in bad["starts"]:
        s["relative_change"] = 1e-3  # still moving: not trained to tolerance
    assert prop2.judge_trained(bad).passed is False
    shifted = copy.deepcopy(ev)
    for s in shifted["starts"]:
        s["a"][2] *= 1.2  # a3 b1 20 % off eta*
    assert prop2.judge_trained(shifted).passed is False


def test_trained_judge_loss_tolerance_separates_a_slow_start_from_a_saddle():
    """Seed 8 of 20: one start 1.6e-5 (relative) above the best loss, its products within 0.2 % of the minimiser,
    made the rate 7/8 and the check undecided. Within the loss tolerance it is a success; 1 % above, not."""
    ev = prop2.trained_evidence(0, "quick", "zero")
    best = min(s["final_loss"] for s in ev["starts"])
    for gap, succeeds in ((1.6e-5, True), (1e-2, False)):
        slow = copy.deepcopy(ev)
        slow["starts"][0]["final_loss"] = best * (1 + gap) if gap else best
        assert prop2.judge_trained(slow).metrics["successes"][0] is succeeds


# --- the fast quadratic form, the family minimum and s_0 = s_1 --------------------------------------------------
@settings(max_examples=10, deadline=None)
@given(st.sampled_from(aa.CONVENTIONS), st.integers(1, 3), st.integers(2, 4))
def test_fast_quadratic_form_equals_the_laurent_engine(s0, d, Tm):
    ms = sympy.Matrix(list(aa.product_symbols().values()))
    q = aa.assumption2_quadratic(d, Tm, s0)
    fast = q.c0 - 2 * (q.g.T * ms)[0, 0] + (ms.T * q.G * ms)[0, 0]
    assert sympy.expand(fast - aa.population_loss_products(d, Tm, s0)) == 0


@settings(max_examples=8, deadline=None)
@given(st.sampled_from(aa.CONVENTIONS), st.integers(2, 8),
       st.lists(st.floats(-2, 2, allow_nan=False), min_size=6, max_size=6))
def test_no_parameter_beats_the_family_minimum(s0, Tm, params):
    fm = prop2.family_minimum(s0, 2, Tm)
    assert float(prop2.quadratic(s0, 2, Tm).loss(params[:4], params[4:])) >= fm["minimum"] - 1e-9


def test_first_reading_numbers():
    fm = prop2.family_minimum("first", 2, 8)
    assert fm["minimum"] == pytest.approx(4.7687, abs=1e-4) and float(fm["gd_form_minimum"]) == pytest.approx(70 / 13)
    assert fm["certificate_loss"] < fm["gd_form_minimum"]
    r24 = prop2.family_minimum("first", 2, 24)["ratios"]
    assert r24["a4/a3"] == pytest.approx(0.51, abs=0.01) and r24["b2/b1"] == pytest.approx(-0.27, abs=0.01)
    for s0 in ("backward", "zero"):   # there the GD form is the minimum
        fm = prop2.family_minimum(s0, 2, 8)
        assert fm["minimum"] == pytest.approx(float(fm["gd_form_minimum"]), abs=1e-9)


def test_a1_plus_a4_zero_is_not_enough_under_zero_padding():
    zero, back = prop2.a1_a4_probe("zero"), prop2.a1_a4_probe("backward")
    assert zero["minimum"] == pytest.approx(3.0) and zero["loss"] == pytest.approx(3.04, abs=0.005)
    assert back["loss"] == pytest.approx(back["minimum"], abs=1e-12)


def test_three_readings_table():
    art = prop2.three_readings_artefact(RunContext(seed=0))
    t = art.metrics["table"]
    assert [s0 for s0, row in t.items() if row["lemma1_e1_built"]] == ["first"]
    assert [s0 for s0, row in t.items() if row["prop1_8_is_gd_step_from_0"]] == ["zero"]
    assert [s0 for s0, row in t.items() if row["prop2_printed_minimisers_and_eta"]] == ["backward"]
    assert not any(art.metrics["all_true"].values())
