"""The proofs in the claims' JSON (``run_claim``): steps with statuses, counts, and the erratum step."""

from __future__ import annotations

import dataclasses

import pytest

from ical_verify.proofs_check import runner
from ical_verify.proofs_check.claim import STEP_STATUSES
from ical_verify.proofs_check.registry import get_claim
from ical_verify.proofs_check.runner import make_context, run_claim


def test_lemma2_json_has_its_proof_and_the_all_sizes_scope(tmp_path, quick_result):
    result = quick_result("lemma2").to_json()
    proof = result["proof"]
    assert proof["source"] == "Appendix A.4"
    assert [s["id"] for s in proof["steps"]] == ["A.4.1", "A.4.2", "A.4.3", "A.4.4", "A.4.5"]
    assert proof["counts"] == {"follows": 3, "follows-with-correction": 2, "gap": 0, "fails": 0, "not-checked": 0}
    for s in proof["steps"]:
        assert s["status"] in STEP_STATUSES and s["latex"] and s["method"] and s["meaning"]
    slip = next(s for s in proof["steps"] if s["id"] == "A.4.2")
    assert slip["correction"] and slip["severity"] == "typo"
    # the identity is certified for all sizes; the statement's domain R^(T×d) is a typo (lemma2's token-domain check)
    assert (result["verdict"], result["severity"]) == ("erratum", "typo")
    assert "all d >= 1, all H >= 1, all T >= 2" in result["scope"]
    cert = next(c for c in result["checks"] if c["name"] == "certified-all-d-H-T")
    assert cert["status"] == "passed" and cert["metrics"]["method"].startswith("symbolic exponents")


def _only(claim_id, names):
    """The claim with only the checks ``names`` (readings, which name other checks, dropped)."""
    claim = get_claim(claim_id)
    return dataclasses.replace(claim, checks=tuple(c for c in claim.checks if c.name in names), readings=())


@pytest.mark.parametrize("claim_id, checks, step", [
    ("prop4", ("certified-printed-all-d-T", "certified-corrected-all-d-T"), "A.6.5"),
])
def test_an_erratum_names_its_step(monkeypatch, tmp_path, claim_id, checks, step):
    small = _only(claim_id, checks)
    monkeypatch.setattr(runner, "get_claim", lambda cid: small)
    result = run_claim(claim_id, make_context(out_dir=tmp_path)).to_json()
    assert result["verdict"] in ("erratum", "refuted")
    assert result["erratum_step"] == step
    statuses = {s["id"]: s["status"] for s in result["proof"]["steps"]}
    assert statuses[step] == "fails"


def test_without_an_explicit_erratum_step_the_first_failing_step_is_named(monkeypatch, tmp_path):
    small = dataclasses.replace(_only("prop4", ("certified-printed-all-d-T",)), erratum_step="")
    monkeypatch.setattr(runner, "get_claim", lambda cid: small)
    result = run_claim("prop4", make_context(out_dir=tmp_path)).to_json()
    assert result["verdict"] == "refuted" and result["erratum_step"] == "A.6.5"


def test_a_verified_claim_names_no_erratum_step(tmp_path, quick_result):
    result = quick_result("lemma3").to_json()
    assert result["verdict"] == "verified" and result["erratum_step"] is None
    assert result["proof"]["counts"]["follows"] == 4
