"""Controls of the checks of fig2: a wrong identity, wrong optima, a wrong family, a mis-scaled model and
perturbed trained minima must fail; the checks the caption fails pass when every minimum is of rank δ."""

from __future__ import annotations

import pytest
import sympy
import torch

from ical_verify.models.diagonal_attention import DiagonalAttention
from ical_verify.proofs_check.papers.sander2024 import fig2
from ical_verify.proofs_check.runner import make_context, run_claim
from ical_verify.theory import diagonal_attention as th
from ical_verify.theory import in_context as ie
from negative_controls import negative_control, positive_control


@pytest.fixture
def ctx(tmp_path):
    return make_context(out_dir=tmp_path)


def _run(ctx, name):
    return run_claim("fig2", ctx, only=[name]).checks[0]


@negative_control("fig2", "trig-identity")
def test_identity_fails_for_a_wrong_formula(ctx):
    wrong = lambda t: 2 * sympy.cos(t) * th.rotation(t) + sympy.eye(2) - th.rotation(2 * t)      # + I instead of - I
    assert fig2.check_identity(wrong)(ctx).passed is False


@negative_control("fig2", "lemma3-relation")
def test_lemma3_relation_fails_for_wrong_parameters(monkeypatch, ctx):
    real = th.lemma3_parameters

    def wrong(delta, T):
        C, p = real(delta, T)
        return C, p[:-2] + [sympy.Integer(-2), sympy.Integer(2)]
    monkeypatch.setattr(th, "lemma3_parameters", wrong)
    assert _run(ctx, "lemma3-relation").status == "failed"


@negative_control("fig2", "prop6-family")
def test_prop6_family_fails_for_a_family_without_the_sine_term(ctx):
    wrong = lambda b, t: -b * sympy.eye(2) + (1 + b) * sympy.cos(t) * th.rotation(t)
    assert fig2.check_prop6_family(wrong)(ctx).passed is False


@negative_control("fig2", "realified-model")
def test_realified_model_fails_for_a_mis_scaled_model(monkeypatch, ctx):
    real = DiagonalAttention.forward
    monkeypatch.setattr(DiagonalAttention, "forward", lambda self, e: 1.01 * real(self, e))
    assert _run(ctx, "realified-model").status == "failed"


@negative_control("fig2", "minima-rank-delta")
def test_rank_delta_fails_for_a_wrong_zero_block(monkeypatch, ctx):
    monkeypatch.setattr(th, "orthogonal_zero_block",
                        lambda x, y: sympy.Matrix([[1 / x, y / x], [y / x, 1 / x]]))
    assert _run(ctx, "minima-rank-delta").status == "failed"


@negative_control("fig2", "minima-full-rank")
def test_full_rank_minima_fail_the_caption(ctx):
    assert _run(ctx, "minima-full-rank").status == "failed"


@positive_control("fig2", "minima-full-rank")
def test_full_rank_check_passes_when_every_minimum_is_the_formula(monkeypatch, ctx):
    monkeypatch.setattr(ie, "block_coefficients", lambda c, b, pT1, pT: (sympy.Integer(-1), sympy.Integer(2),
                                                                       sympy.Integer(0)))
    assert _run(ctx, "minima-full-rank").status == "passed"


def _runs(betas, H=3, d=4, conform=True, reached=True):
    out = []
    for k, beta in enumerate(betas):
        row = {"H": H, "start": k, "loss": 0.0 if reached else 1.0}
        if reached:
            kappa = [-beta, 1 + beta, 1 - beta] if conform else [-beta, 1 + beta, 0.5]
            row.update({"beta_parameters": [beta] * (d // 2), "kappa_measured": [kappa] * (d // 2),
                        "kappa_fit_residual": 0.0, "trig_distance": max(abs(kappa[0] + 1), abs(kappa[1] - 2),
                                                                          abs(kappa[2]))})
        out.append(row)
    return tuple(out)


@negative_control("fig2", "trained-rank-delta")
def test_trained_rank_delta_fails_for_a_minimum_off_the_formula():
    assert fig2.judge_trained("rank-delta", _runs([1.0] * 8), 4, "quick").passed is True
    assert fig2.judge_trained("rank-delta", _runs([1.0] * 7 + [0.3]), 4, "quick").passed is False
    assert fig2.judge_trained("rank-delta", _runs([1.0] * 8, reached=False), 4, "quick").passed is None


@negative_control("fig2", "trained-full-rank")
def test_trained_full_rank_fails_for_the_minima_training_finds(ctx):
    assert fig2.judge_trained("full-rank", _runs([0.1, -0.4, 1.0], H=4), 4, "quick").passed is False
    assert _run(ctx, "trained-full-rank").status == "failed"


@positive_control("fig2", "trained-full-rank")
def test_trained_full_rank_passes_if_every_minimum_were_the_formula():
    assert fig2.judge_trained("full-rank", _runs([1.0] * 8, H=4), 4, "quick").passed is True


@negative_control("fig2", "minima-family")
def test_family_check_fails_for_minima_off_the_family(monkeypatch, ctx):
    monkeypatch.setattr(fig2, "trained_runs", lambda seed, profile: _runs([0.2] * 8, H=4, conform=False))
    assert _run(ctx, "minima-family").status == "failed"
    assert fig2.judge_trained("family", _runs([0.2, 1.0], H=4), 4, "quick").passed is True
