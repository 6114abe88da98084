"""Controls of the checks of def1: judges fed perturbed panels (a learner that does not learn, a broken identity,
a non-learner labelled as learning) must fail; the checks the printed text fails pass on the input under which
it would hold."""

from __future__ import annotations

import copy
import dataclasses

import pytest
import sympy

from ical_verify.proofs_check.papers.sander2024 import def1
from ical_verify.proofs_check.runner import make_context, run_claim
from ical_verify.theory import diagonal_attention as th
from ical_verify.theory import in_context as ie
from negative_controls import negative_control, positive_control


@pytest.fixture(scope="module")
def panel():
    return def1._panel_with_extras(0, "quick")


def _with(entries, name, **report_changes):
    """A copy of the panel where entry ``name`` has a changed report (or, with ``entry__x``, a changed field)."""
    out = []
    for e in entries:
        if e.name.startswith(name):
            fields = {k[7:]: v for k, v in report_changes.items() if k.startswith("entry__")}
            rep = {k: v for k, v in report_changes.items() if not k.startswith("entry__")}
            e = dataclasses.replace(e, report=dataclasses.replace(e.report, **rep), extra=copy.deepcopy(e.extra),
                                    **fields)
        out.append(e)
    return tuple(out)


@negative_control("def1", "printed-decomposition")
def test_printed_decomposition_fails_on_the_panel(panel):
    assert def1.judge_printed_decomposition(panel).passed is False


@positive_control("def1", "printed-decomposition")
def test_printed_decomposition_passes_without_the_small_loss_non_learners(panel):
    rest = tuple(e for e in panel if e.name not in ("second-token-power", "oracle-given-W"))
    assert def1.judge_printed_decomposition(rest).passed is True


@negative_control("def1", "suite-procedure")
def test_suite_procedure_fails_when_a_learner_is_mislabelled(panel):
    assert def1.judge_suite_procedure(panel).passed is True
    assert def1.judge_suite_procedure(_with(panel, "prop3-optimum", r2=0.5)).passed is False
    assert def1.judge_suite_procedure(_with(panel, "rnn-trained-0", r2=1.0)).passed is False


@negative_control("def1", "loss-equivalence")
def test_loss_equivalence_fails_for_a_broken_identity(panel):
    assert def1.judge_loss_equivalence(_with(panel, "zero", entry__completion_gap=1e-3)).passed is False


@negative_control("def1", "memoriser-empirical")
def test_memoriser_fails_the_empirical_reading(panel):
    assert def1.judge_memoriser(panel).passed is False


@positive_control("def1", "memoriser-empirical")
def test_memoriser_passes_if_its_training_loss_were_large(panel):
    changed = _with(panel, "memoriser")
    m = next(e for e in changed if e.name == "memoriser")
    m.extra["empirical_training_loss"] = 1.0
    assert def1.judge_memoriser(changed).passed is True


@negative_control("def1", "optima-procedure")
def test_optima_fail_for_a_wrong_optimum(panel):
    assert def1.judge_optima(panel).passed is True
    assert def1.judge_optima(_with(panel, "prop3-optimum", r2=0.9)).passed is False
    assert def1.judge_optima(_with(panel, "prop2-optimum", factorisation_residual=0.3)).passed is False


@negative_control("def1", "trained-model6")
def test_trained_model6_fails_for_a_minimum_that_does_not_learn(panel):
    assert def1.judge_trained(panel, "model6").passed is True
    assert def1.judge_trained(_with(panel, "model6-trained-unitary-0", r2=0.2), "model6").passed is False


@negative_control("def1", "trained-model4")
def test_trained_model4_fails_for_a_different_mapping(panel):
    assert def1.judge_trained(panel, "model4").passed is True
    assert def1.judge_trained(_with(panel, "model4-trained-3", r2=0.5), "model4").passed is False


def test_trained_model4_judges_only_the_starts_that_reached_the_best_loss(panel):
    """A start that stopped short of the best loss is an optimisation failure (seed 5 of 20 had one): left out;
    the same start at the best loss with another mapping still fails the check."""
    runs = [e for e in panel if e.name.startswith("model4-trained")]
    target = runs[3]

    def stopped_short(e):
        if e is not target:
            return e
        return dataclasses.replace(e, report=dataclasses.replace(e.report, r2=0.5),
                                   extra={**e.extra, "train_loss": e.extra["train_loss"] + 1e-3})

    short = tuple(stopped_short(e) for e in panel)
    out = def1.judge_trained(short, "model4")
    assert out.passed is True and out.metrics["reached"]["trials"] == len(runs)
    assert out.metrics["reached"]["successes"] == len(runs) - 1


@negative_control("def1", "tau-T-zero-loss")
def test_tau_T_symbolic_fails_for_the_tau_T_minus_1_read_out(monkeypatch, tmp_path):
    def read_at_T_minus_1(a, b, p, T, full=False):
        if full:
            a = sympy.Matrix([[A[i, i] for i in range(A.rows)] for A in a])
            b = sympy.Matrix([[B[i, i] for i in range(B.rows)] for B in b])
        return th.model6_output(a, b, p, T)
    monkeypatch.setattr(ie, "last_query_output", read_at_T_minus_1)
    assert run_claim("def1", make_context(out_dir=tmp_path), only=["tau-T-zero-loss"]).checks[0].status == "failed"


@negative_control("def1", "tau-T-approximate")
def test_tau_T_approximate_fails_on_the_trained_models(panel):
    assert def1.judge_tau_T(panel).passed is False


@positive_control("def1", "tau-T-approximate")
def test_tau_T_approximate_passes_if_the_minima_were_approximate_learners(panel):
    changed = panel
    for k in range(8):
        changed = _with(changed, f"tau-T-trained-{k}", r2=0.6, factorisation_residual=0.0)
    assert def1.judge_tau_T(changed).passed is True


@negative_control("def1", "tau-T-corrected")
def test_tau_T_corrected_fails_if_a_trained_model_had_a_mapping(monkeypatch, panel, tmp_path):
    monkeypatch.setattr(def1, "_panel_with_extras", lambda seed, profile: _with(panel, "tau-T-trained-0", r2=0.7))
    assert run_claim("def1", make_context(out_dir=tmp_path), only=["tau-T-corrected"]).checks[0].status == "failed"
