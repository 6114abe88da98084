"""Controls for Figure 5: every reading fails on runs where its sentence does not hold (a mis-trained or mis-scaled
model, GD with a wrong step size), and the readings that fail on the measured runs pass on runs where it holds."""

import pytest

from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import fig5
from ical_verify.proofs_check.runner import run_claim

from negative_controls import negative_control, positive_control
from test_fig5 import PAPER_LIKE, TF_COMPETITIVE, fake_evidence

ALL = [s[0] for s in fig5.CHECK_SPECS]


def _statuses(monkeypatch, tmp_path, evidence):
    monkeypatch.setattr(fig5, "run_experiment", lambda seed, profile: evidence)
    r = run_claim("fig5", RunContext(seed=0, out_dir=tmp_path))
    return {c.name: c.status for c in r.checks}


@negative_control("fig5", "orders-10x-mean", "orders-100x-mean", "orders-10x-last", "orders-100x-last",
                  "several-steps-mean", "several-steps-last", "fails-to-compete-mean", "fails-to-compete-last")
def test_gd_sentences_fail_when_the_transformer_matches_gd(monkeypatch, tmp_path):
    """Runs where GD is run with a too small step (its error stays at the Transformer's): GD never wins."""
    ev = fake_evidence(tf_mean=[1.0, 0.5, 0.4, 0.3, 0.3, 0.3], gd_mean=[1.0, 0.6, 0.5, 0.4, 0.35, 0.33],
                       tf_last=[1.0, 0.5, 0.4, 0.3, 0.3, 0.3], gd_last=[1.0, 0.6, 0.5, 0.4, 0.35, 0.33])
    status = _statuses(monkeypatch, tmp_path, ev)
    for name in ALL[2:]:
        assert status[name] == "failed", name


@negative_control("fig5", "competitive-mean", "competitive-last")
def test_competitiveness_fails_for_a_mis_scaled_transformer(monkeypatch, tmp_path):
    """A converged but mis-scaled model (outputs 10x too large: error 100x) is not competitive at L = 1, 2."""
    ev = fake_evidence(tf_mean=[100.0, 50.0, 1, 1, 1, 1], gd_mean=[1.0] * 6, tf_last=[100.0, 50.0, 1, 1, 1, 1],
                       gd_last=[1.0] * 6)
    status = _statuses(monkeypatch, tmp_path, ev)
    assert status["competitive-mean"] == "failed" and status["competitive-last"] == "failed"


@positive_control("fig5", "orders-10x-mean", "orders-100x-mean", "orders-10x-last", "orders-100x-last",
                  "several-steps-mean", "several-steps-last", "fails-to-compete-mean", "fails-to-compete-last",
                  "competitive-mean", "competitive-last")
def test_every_reading_passes_on_runs_like_the_papers_description(monkeypatch, tmp_path):
    """Converged runs where GD wins by 3-5 orders of magnitude beyond L = 3 and the first layers are close."""
    ev = fake_evidence(tf_mean=[1.0, 0.5, 0.4, 0.3, 0.3, 0.3], gd_mean=[1.0, 0.4, 0.01, 1e-3, 1e-4, 1e-5],
                       tf_last=[1.0, 0.5, 0.4, 0.3, 0.3, 0.3], gd_last=[1.0, 0.4, 0.01, 1e-3, 1e-4, 1e-5])
    status = _statuses(monkeypatch, tmp_path, ev)
    for name in ALL:
        assert status[name] == "passed", name
