"""Every check of every claim runs on real data at the quick profile, and gives what the committed snapshot says.

``snapshots/quick-seed0/results.json`` is the result of ``ical-verify run`` (quick profile, seed 0). Each claim is
run once here (``quick_result``, shared with the claim's own tests) and compared with it: verdict, severity, the
status of every check, the verdicts of every reading and sub-claim, and the status of every proof step. A change of
any of them is a change of a scientific finding: it fails here until the snapshot is regenerated and the diff
reviewed::

    ical-verify run --out /tmp/snapshot && cp /tmp/snapshot/results.json snapshots/quick-seed0/results.json
    ical-verify run --readme-table --from snapshots/quick-seed0      # then paste it into the README

The README's claims table is generated from the same snapshot, and tested against it here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ical_verify.proofs_check.registry import claim_ids

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "snapshots" / "quick-seed0" / "results.json"
README = ROOT / "README.md"
START, END = "<!-- claims-table:start -->", "<!-- claims-table:end -->"


def _stored() -> dict[str, dict]:
    return {r["claim"]: r for r in json.loads(SNAPSHOT.read_text(encoding="utf-8"))}


def findings(result: dict) -> dict:
    """The scientific content of a claim result, without numbers that may move in the last digits or timings."""
    proof = result.get("proof") or {"steps": []}
    return {
        "verdict": result["verdict"],
        "severity": result["severity"],
        "erratum_step": result["erratum_step"],
        "checks": {c["name"]: c["status"] for c in result["checks"]},
        "readings": {r["reading"]: r["verdict"] for r in result["readings"]},
        "subclaims": {s["id"]: s["verdict"] for s in result["subclaims"]},
        "proof": {s["id"]: s["status"] for s in proof["steps"]},
        "artefacts_crashed": sorted(a["name"] for a in result["artefacts"] if a["error"]),
    }


def test_snapshot_lists_every_claim_of_the_registry():
    assert list(_stored()) == claim_ids()


@pytest.mark.parametrize("claim_id", claim_ids())
def test_quick_run_matches_the_snapshot(claim_id, quick_result):
    now = findings(quick_result(claim_id).to_json())
    then = findings(_stored()[claim_id])
    diff = {k: (then[k], now[k]) for k in now if now[k] != then[k]}
    assert not diff, (f"{claim_id}: the quick run differs from {SNAPSHOT.relative_to(ROOT)} (snapshot, now): {diff}. "
                      "If the change is intended, regenerate the snapshot and review the diff (see this module).")
    assert not now["artefacts_crashed"]


def test_findings_differ_when_a_check_status_changes():
    """The comparison can fail: one flipped check status is a difference."""
    stored = next(iter(_stored().values()))
    changed = json.loads(json.dumps(stored))
    changed["checks"][0]["status"] = "failed" if stored["checks"][0]["status"] != "failed" else "passed"
    assert findings(changed) != findings(stored)


def test_readme_claims_table_is_generated_from_the_snapshot():
    from ical_verify.proofs_check.readme_table import readme_table
    from ical_verify.proofs_check.stored import load_results

    text = README.read_text(encoding="utf-8")
    assert START in text and END in text, "README has no generated claims table"
    committed = text[text.index(START) + len(START):text.index(END)].strip()
    generated = readme_table(load_results(SNAPSHOT, relocate=False)).strip()
    assert committed == generated, ("README's claims table differs from the snapshot's: regenerate it with "
                                    "`ical-verify run --readme-table --from snapshots/quick-seed0`")
