"""Proposition 2 / 8: minimisers, eta* and the GD map under both s_0 conventions."""

import numpy as np
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.models.augmented_attention import AugmentedAttentionConfig, AugmentedTransformer, augment
from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import prop2
from ical_verify.theory import augmented_attention as aa


def test_eta_star_closed_forms_and_limits():
    back, zero = prop2.eta_star("backward"), prop2.eta_star("zero")
    Tm, d = aa.TMAX_SYM, aa.D_SYM
    assert sympy.simplify(back.eta_star - aa.printed_eta_star(d, Tm)) == 0
    assert sympy.simplify(zero.eta_star - 3 / (2 * Tm + 3 * d - 4)) == 0
    assert back.limit == zero.limit == sympy.Rational(3, 2)


def test_printed_conditions_hold_for_backward_only():
    assert prop2.printed_conditions_hold("backward", 2, 3)["printed_sufficient"]
    assert prop2.printed_conditions_hold("backward", 2, 3)["printed_necessary"]
    assert not prop2.printed_conditions_hold("zero", 2, 3)["printed_sufficient"]


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


def test_gd_map_check_fails_as_printed_and_corrected_passes():
    ctx = RunContext(seed=0)
    assert prop2.gd_map_check(ctx).passed is False
    assert prop2.corrected_check(ctx).passed is True


def test_torch_model_matches_exact_loss_on_monte_carlo():
    """Empirical loss of the torch Assumption-2 model converges to the exact polynomial (6-sigma)."""
    from ical_verify.models.train_augmented import unitary_dataset
    from ical_verify.models.augmented_attention import prefix_loss

    rng = np.random.default_rng(3)
    d, Tm, n = 2, 3, 20000
    a, b = [0.2, -0.1, 0.3, 0.05], [0.9, 0.2]
    for s0 in aa.CONVENTIONS:
        E, tgt, _ = unitary_dataset(d, Tm, n, rng, s0)
        model = AugmentedTransformer(AugmentedAttentionConfig(d=d, parameterisation="assumption2"))
        model.set_assumption2(a, b)
        with torch.no_grad():
            per = ((model(E) - tgt).abs() ** 2).sum(-1)[:, 1:].sum(-1).numpy()
        exact = float(aa.population_loss(d, Tm, s0).subs(dict(zip(aa.parameter_symbols()[0] + aa.parameter_symbols()[1],
                                                                      a + b))))
        assert abs(per.mean() - exact) < 6 * per.std() / np.sqrt(n)
        with torch.no_grad():
            assert abs(float(prefix_loss(model, E, tgt)) - per.mean()) < 1e-9
