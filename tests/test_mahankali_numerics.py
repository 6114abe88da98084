"""Prompts, predictors and Monte Carlo of the pre-training loss (numerics/regression_data.py)."""

import numpy as np
import pytest
import sympy

from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.regression_data import (feature_labels, feature_pairs, feature_values, gd_predictions,
                                                  lsa_predictions, normal_equation_residuals, sample_prompts)
from ical_verify.theory import linear_regression_icl as lri


def test_prompts_have_the_stated_law():
    rng = np.random.default_rng(0)
    p = sample_prompts(rng, 200_000, 2, 2, sigma2=0.0, cov=[[1, 0.5], [0.5, 2]])
    assert p.X.shape == (200_000, 2, 2) and p.xq.shape == (200_000, 2)
    assert np.allclose(p.y, np.einsum("bnd,bd->bn", p.X, p.w))
    emp = np.cov(p.xq.T)
    assert np.allclose(emp, [[1, 0.5], [0.5, 2]], atol=0.03)
    r = sample_prompts(rng, 100, 3, 4, covariates="rademacher")
    assert set(np.unique(r.X)) == {-1.0, 1.0}


def test_variable_lengths_mask_the_padding():
    p = sample_prompts(np.random.default_rng(1), 50, 6, 2, lengths=(2, 6))
    assert p.lengths.min() >= 2 and p.lengths.max() <= 6
    Z = p.tokens()
    for b in range(5):
        assert np.all(Z[b, p.lengths[b]:6] == 0)
    full = sample_prompts(np.random.default_rng(1), 3, 4, 2)
    assert np.allclose(full.s(False), full.s() * 4)


def test_feature_order_matches_the_theory():
    assert feature_pairs(3) == lri.feature_pairs(3)
    assert len(feature_labels(2)) == 12 and feature_labels(2)[4] == "G[x1,y]*xq1"


def test_lsa_at_the_derived_parameters_is_the_gd_step():
    """The NumPy forward pass with W^PV = e_{d+1} e_{d+1}^T, W^KQ = [eta I, *; 0, *] equals eta x_q^T s."""
    rng = np.random.default_rng(2)
    p = sample_prompts(rng, 1000, 3, 2, sigma2=1.0)
    P = rng.normal(size=(3, 3))
    P[2] = [0, 0, 1]
    Q = rng.normal(size=(3, 3))
    Q[:, :2] = [[0.4, 0], [0, 0.4], [0, 0]]
    assert np.allclose(lsa_predictions(p, P, Q), gd_predictions(p, 0.4), atol=1e-12)
    # and the features reproduce any forward pass
    F = np.array(lri.feature_coefficients(list(P[2]), sympy.Matrix(Q[:, :2])), float).ravel()
    assert np.allclose(feature_values(p) @ F, lsa_predictions(p, P, Q), atol=1e-10)


def test_monte_carlo_loss_at_eta_star_and_the_nearest_alternative():
    """L* = d(d+1+s2)/(n+d+1+s2) + s2 lies in the 6-sigma interval at eta*; the minimal loss without the '+1',
    d(d+s2)/(n+d+s2) + s2, falls outside (120 000 prompts: half-width about 0.07, the gap is 0.14)."""
    n, d, s2 = 3, 2, 1.0
    eta = float(lri.eta_star(n, d, 1))
    ne = normal_equation_residuals(np.random.default_rng(3), lambda r, m: sample_prompts(r, m, n, d, s2),
                                   {"derived": lambda p: gd_predictions(p, eta)}, 120_000)
    loss = ne.loss["derived"]
    assert loss.contains(float(lri.min_loss_iso(n, d, 1)))
    assert not loss.contains(d * (d + s2) / (n + d + s2) + s2)


def test_normal_equations_separate_the_derived_step_from_a_wrong_one():
    n, d = 3, 2
    eta, wrong = float(lri.eta_star(n, d, 1)), n / (n + d + 1)
    ne = normal_equation_residuals(np.random.default_rng(4), lambda r, m: sample_prompts(r, m, n, d, 1.0),
                                   {"derived": lambda p: gd_predictions(p, eta),
                                    "no-noise": lambda p: gd_predictions(p, wrong)}, 60_000,
                                   directions={"gd": lambda p: gd_predictions(p, 1.0)})
    assert ne.all_contain_zero("derived")
    assert "gd" in ne.excluded_features("no-noise")
    assert ne.max_abs_z("no-noise") > 6
    assert set(ne.to_json()) >= {"n_samples", "results", "loss"}


def test_bad_arguments_are_domain_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(DomainError, match="response"):
        sample_prompts(rng, 2, 2, 2, response="cubic")
    with pytest.raises(DomainError, match="sigma2"):
        sample_prompts(rng, 2, 2, 2, sigma2=-1)
    with pytest.raises(DomainError, match="lengths"):
        sample_prompts(rng, 2, 3, 2, lengths=(1, 5))
    with pytest.raises(DomainError, match="Rademacher"):
        sample_prompts(rng, 2, 3, 2, cov=np.eye(2), covariates="rademacher")


def test_whole_number_float_sizes_are_accepted_and_fractions_are_domain_errors():
    """batch, n and d pass the range checks as whole-number floats; the sampler then uses them as integers (it
    used to fail with NumPy's TypeError), and draws exactly what integer sizes draw."""
    a = sample_prompts(np.random.default_rng(3), 4.0, 3.0, 2.0)
    b = sample_prompts(np.random.default_rng(3), 4, 3, 2)
    assert a.X.shape == (4, 3, 2) and np.array_equal(a.X, b.X) and np.array_equal(a.yq, b.yq)
    for bad in (dict(batch=2.5), dict(n=1.5), dict(d=0.5)):
        args = {"batch": 2, "n": 2, "d": 2, **bad}
        with pytest.raises(DomainError, match="out of range"):
            sample_prompts(np.random.default_rng(0), args["batch"], args["n"], args["d"])
