"""Controls of fig8 (judges fed synthetic measures; the Bayes floor with a wrong closed form)."""

import numpy as np

from ical_verify.numerics import reference_levels
from ical_verify.proofs_check.papers.sander2024 import fig8
from ical_verify.proofs_check.runner import make_context, run_claim

from negative_controls import negative_control, positive_control
from test_fig8 import fake_evidence

ORTHO = {"orthogonality-adam-value-output": ("adam|standard|code", "value-output"),
         "orthogonality-adam-value": ("adam|standard|code", "value"),
         "orthogonality-model-6": ("adam|standard|paper", "value-output"),
         "orthogonality-sgd": ("sgd|standard|code", "value-output"),
         "orthogonality-rotated-coordinates": ("adam|rotated|code", "value-output")}


@negative_control("fig8", "bayes-floor")
def test_bayes_floor_fails_on_the_special_orthogonal_formula(monkeypatch, tmp_path):
    # Haar SO(d) would fix the last sign: level 0 at T = d instead of 1/d
    monkeypatch.setattr(reference_levels, "bayes_level_haar_orthogonal",
                        lambda d, T, s1=1.0: s1 * max(d - T, 0) / d if T >= d else s1 * (d - T + 1) / d)
    r = run_claim("fig8", make_context(out_dir=tmp_path), only=["bayes-floor"])
    assert r.checks[0].status == "failed"


@negative_control("fig8", "no-mse-below-floor")
def test_floor_fails_below_the_bayes_error():
    ev = fake_evidence()
    ev["runs"]["sgd|standard|code"][0]["per_sequence"] = np.full(6, 0.01)
    assert fig8.judge_floor(ev).passed is False


@negative_control("fig8", "orthogonality-adam-value-output", "orthogonality-adam-value", "orthogonality-model-6",
                  "orthogonality-sgd", "orthogonality-rotated-coordinates")
def test_orthogonality_fails_at_the_random_heads_level():
    ev = fake_evidence(rho0=0.7, rho1=0.45, null=0.4)
    for run, definition in ORTHO.values():
        assert fig8.judge_orthogonality(ev, run, definition).passed is False


@positive_control("fig8", "orthogonality-adam-value-output", "orthogonality-adam-value", "orthogonality-model-6",
                  "orthogonality-sgd", "orthogonality-rotated-coordinates")
def test_orthogonality_passes_well_below_the_random_heads_level():
    ev = fake_evidence(rho0=0.7, rho1=0.15, null=0.4)
    for run, definition in ORTHO.values():
        assert fig8.judge_orthogonality(ev, run, definition).passed is True


@negative_control("fig8", "off-diagonal-drop-adam")
def test_drop_fails_when_the_ratio_rises():
    assert fig8.judge_orthogonality(fake_evidence(0.6, 0.7, 0.4), "adam|standard|code", "value-output",
                                    "init").passed is False


@positive_control("fig8", "off-diagonal-drop-adam")
def test_drop_passes_when_the_ratio_falls():
    assert fig8.judge_orthogonality(fake_evidence(0.7, 0.5, 0.4), "adam|standard|code", "value-output",
                                    "init").passed is True


@negative_control("fig8", "tied-to-the-basis")
def test_basis_check_fails_on_isotropy():
    assert fig8.judge_basis(fake_evidence(rho1=0.3, rnd=0.3)).passed is False


@positive_control("fig8", "tied-to-the-basis")
def test_basis_check_passes_when_only_the_standard_basis_is_diagonal():
    assert fig8.judge_basis(fake_evidence(rho1=0.1, rnd=0.6)).passed is True


@negative_control("fig8", "specialisation-query-key", "specialisation-value-output")
def test_specialisation_fails_at_the_random_level():
    ev = fake_evidence(spec0=0.1, spec1=0.2, specn=0.2)
    assert fig8.judge_specialisation(ev, "query-key").passed is False
    assert fig8.judge_specialisation(ev, "value-output").passed is False


@positive_control("fig8", "specialisation-query-key", "specialisation-value-output")
def test_specialisation_passes_when_heads_concentrate():
    ev = fake_evidence(spec0=0.1, spec1=0.6, specn=0.2)
    assert fig8.judge_specialisation(ev, "query-key").passed is True
    assert fig8.judge_specialisation(ev, "value-output").passed is True


@negative_control("fig8", "perturbation-breaks-symmetry")
def test_symmetry_check_fails_without_the_perturbation(tmp_path):
    from ical_verify.proofs_check.claim import RunContext

    assert fig8.symmetry_check(RunContext(out_dir=tmp_path), noise=0.0).passed is False


@negative_control("fig8", "measure-is-between-heads")
def test_the_printed_measure_scores_identical_heads_as_orthogonal():
    out = fig8.judge_measure(fig8.measure_cases(np.random.default_rng(0)))
    assert out.passed is False and out.severity == "wording"


@positive_control("fig8", "measure-is-between-heads")
def test_a_measure_between_heads_passes():
    def head_overlap(B):  # off-diagonal ratio of the H x H matrix ||B_h^T B_h'||_F
        O = np.array([[np.linalg.norm(a.T @ b) for b in B] for a in B])
        return fig8.off_diagonal_ratio(O)

    assert fig8.judge_measure(fig8.measure_cases(np.random.default_rng(0), head_overlap)).passed is True


@negative_control("fig8", "measure-corrected")
def test_corrected_measure_fails_with_the_row_gram(monkeypatch, tmp_path):
    from ical_verify.proofs_check.claim import RunContext

    monkeypatch.setattr(fig8, "gram", lambda B: np.einsum("hij,hkj->ik", B, B))  # rows, not columns
    assert fig8.corrected_measure_check(RunContext(out_dir=tmp_path)).passed is False
