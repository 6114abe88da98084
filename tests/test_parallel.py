"""Claims in parallel worker processes give the same results as one process: the same JSON apart from timings,
in the requested order, with the figures written into the output folder; the longest claims start first."""

import json

import pytest

from ical_verify.proofs_check import parallel
from ical_verify.proofs_check.cli import main
from ical_verify.proofs_check.errors import UsageError
from ical_verify.proofs_check.parallel import order_by_cost, recorded_costs, run_claims
from synthetic_papers import QUIET, synthetic  # noqa: F401  (fixture)


def without_timings(obj):
    """A results JSON tree without the wall-clock fields (``seconds``)."""
    if isinstance(obj, dict):
        return {k: without_timings(v) for k, v in obj.items() if k != "seconds"}
    if isinstance(obj, list):
        return [without_timings(v) for v in obj]
    return obj


def test_without_timings_sees_a_changed_number():
    """The comparison below can fail: a changed metric is a difference, a changed timing is not."""
    a = {"seconds": 1.0, "checks": [{"metrics": {"mean": 0.5}, "seconds": 2.0}]}
    b = {"seconds": 9.0, "checks": [{"metrics": {"mean": 0.5}, "seconds": 3.0}]}
    assert without_timings(a) == without_timings(b)
    b["checks"][0]["metrics"]["mean"] = 0.6
    assert without_timings(a) != without_timings(b)


def test_worker_processes_match_one_process_on_synthetic_claims(synthetic, tmp_path):
    ids = QUIET + ["boom"]
    one = run_claims(ids, jobs=1, out_dir=tmp_path, seed=4)
    two = run_claims(ids, jobs=2, out_dir=tmp_path, seed=4)
    assert two.where == "2 worker processes" and one.where == "in-process"
    assert [r.claim.id for r in two.results] == ids
    assert [without_timings(r.to_json()) for r in two.results] == [without_timings(r.to_json()) for r in one.results]
    assert sorted(two.files) == sorted(one.files) == ["figures/alpha-draws-seed4.png", "figures/beta-ratio-seed4.png"]
    assert two.results[0].figures == [str(tmp_path / "figures" / "alpha-draws-seed4.png")]
    other_seed = run_claims(["alpha"], jobs=1, out_dir=tmp_path, seed=5)
    assert without_timings(other_seed.results[0].to_json()) != without_timings(one.results[0].to_json())


def test_cli_run_jobs_2_writes_the_same_results_json_as_jobs_1(synthetic, tmp_path):
    claims = ",".join(QUIET)
    assert main(["run", "--out", str(tmp_path / "a"), "--claims", claims, "--jobs", "1"]) == 0
    assert main(["run", "--out", str(tmp_path / "b"), "--claims", claims, "--jobs", "2"]) == 0
    a = json.loads((tmp_path / "a" / "results.json").read_text().replace(str(tmp_path / "a"), "OUT"))
    b = json.loads((tmp_path / "b" / "results.json").read_text().replace(str(tmp_path / "b"), "OUT"))
    assert without_timings(a) == without_timings(b)
    assert (tmp_path / "b" / "figures" / "beta-ratio-seed0.png").stat().st_size > 1000


def test_real_claims_match_across_processes(tmp_path):
    ids = ["lemma3", "remark1", "lemma4"]
    one = run_claims(ids, jobs=1, out_dir=tmp_path)
    two = run_claims(ids, jobs=2, out_dir=tmp_path)
    assert [without_timings(r.to_json()) for r in two.results] == [without_timings(r.to_json()) for r in one.results]


def test_longest_claims_start_first(tmp_path):
    costs = {"a": 1.0, "b": 30.0, "c": 5.0}
    assert order_by_cost(["a", "b", "c"], costs) == ["b", "c", "a"]
    (tmp_path / "results.json").write_text(json.dumps([
        {"claim": "prop4", "verdict": "erratum", "profile": "quick", "seconds": 99.0},
        {"claim": "fig5", "verdict": "refuted", "profile": "full", "seconds": 1.0}]))
    costs = recorded_costs(tmp_path, "quick")
    assert costs["prop4"] == 99.0                       # recorded by the earlier run
    assert costs["fig5"] == parallel.DEFAULT_COSTS["fig5"]  # another profile's record is ignored
    assert order_by_cost(["lemma3", "fig5", "prop4"], costs) == ["prop4", "fig5", "lemma3"]


def test_bad_jobs_is_a_usage_error():
    with pytest.raises(UsageError, match="jobs 0 is out of range"):
        run_claims(["lemma3"], jobs=0)


def test_a_registry_replaced_in_this_process_runs_here(monkeypatch, tmp_path):
    """A test that monkeypatches the registry without a worker setup still gets its claims run (in-process)."""
    from ical_verify.proofs_check import registry
    from ical_verify.proofs_check.claim import Check, CheckOutcome, Claim

    ok = Check("ok", "symbolic", "printed", lambda ctx: CheckOutcome(True, "holds"))
    monkeypatch.setattr(registry, "_load", lambda: (Claim("local1", "lemma", "t", "s", "src", 1, checks=(ok,)),
                                                    Claim("local2", "lemma", "t", "s", "src", 2, checks=(ok,))))
    run = run_claims(["local1", "local2"], jobs=2, out_dir=tmp_path)
    assert run.where == "in-process" and [r.verdict for r in run.results] == ["verified", "verified"]
