"""The command line contract: list, check, show, proof, run, report, expectation; exit statuses 0, 1, 2, 3.

The real registry is used through the installed console script (subprocess); everything else runs in-process on
the synthetic papers of ``synthetic_papers.py`` (claims that use every field of the claim model).
"""

import json
import subprocess
import sys

import pytest

from ical_verify.proofs_check import registry
from ical_verify.proofs_check.claim import Check, CheckOutcome, Claim
from ical_verify.proofs_check.cli import main
from ical_verify.proofs_check.readme_table import readme_table
from ical_verify.proofs_check.stored import load_results
from synthetic_papers import QUIET, synthetic  # noqa: F401  (fixture)

PAPER_IDS = ["remark1", "lemma1", "prop1", "lemma4", "prop2", "lemma2", "prop3", "prop4", "prop5",
             "lemma3", "prop6", "prop7", "remark2"]
METHODS = {"symbolic", "cubature", "monte-carlo", "trained-model", "property", "ode", "spectral"}
VERDICTS = {"verified", "erratum", "refuted", "inconclusive", "not-run"}


def cli(*args, cwd=None):
    """Run the installed console script, as a user would."""
    return subprocess.run([sys.executable, "-m", "ical_verify.proofs_check.cli", *args],
                          capture_output=True, text=True, timeout=600, cwd=cwd)


def test_list_json_has_every_paper_statement_and_its_paper():
    out = cli("list", "--format", "json")
    assert out.returncode == 0
    objs = json.loads(out.stdout)
    assert [c["claim"] for c in objs][:13] == PAPER_IDS
    assert {c["paper"] for c in objs[:13]} == {"sander2024"}


def test_list_text_shows_ids_and_paper():
    out = cli("list", "--paper", "sander2024")
    assert out.returncode == 0
    for claim_id in PAPER_IDS:
        assert claim_id in out.stdout
    assert "sander2024" in out.stdout


def assert_schema(obj):
    for key in ("claim", "paper", "kind", "verdict", "severity", "finding", "scope", "statement", "corrected",
                "readings", "subclaims", "artefacts", "proof", "checks", "figures", "seconds", "skipped_checks"):
        assert key in obj
    assert obj["verdict"] in VERDICTS
    assert obj["corrected"] is None or isinstance(obj["corrected"], str)
    for check in obj["checks"]:
        assert set(check) >= {"name", "method", "target", "passed", "detail", "metrics", "summary"}
        assert check["method"] in METHODS
        assert check["target"] in {"printed", "corrected"}
        assert isinstance(check["passed"], bool)


def test_check_json_is_one_object_of_the_schema(tmp_path):
    out = cli("check", "remark1", "--format", "json", "--out", str(tmp_path / "c"))
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert obj["claim"] == "remark1" and obj["paper"] == "sander2024"
    assert obj["statement"].startswith("If $W_U \\in U(d)$")
    assert_schema(obj)
    assert json.loads((tmp_path / "c" / "results.json").read_text())[0]["claim"] == "remark1"


@pytest.mark.parametrize("args, fragment", [
    (["check", "nosuch"], "unknown claim 'nosuch'"),
    (["check", "prop1", "--seed", "-3"], "seed = -3"),
    (["check", "prop1", "--seed", str(2 ** 64)], "seed = 18446744073709551616 is out of range"),
    (["check", "prop1", "--device", "tpu"], "unknown device 'tpu': valid devices are cpu, cuda"),
    (["check", "prop1", "--threads", "0"], "threads = 0 is out of range: threads must be in 1.."),
    (["run", "--profile", "huge"], "unknown profile 'huge'"),
    (["run", "--fail-on", "wrong"], "unknown verdict 'wrong'"),
    (["run", "--fail-on", "erratum:bogus"], "unknown severity 'bogus'"),
    (["run", "--jobs", "0"], "jobs = 0 is out of range: jobs must be in 1.."),
    (["run", "--jobs", "many"], "jobs = 'many' is not an integer"),
    (["run", "--paper", "nosuch2099"], "unknown paper 'nosuch2099': valid papers are sander2024"),
    (["run", "--dask", "localhost"], "--dask 'localhost' is not a scheduler address: give tcp://HOST:PORT"),
    (["run", "--from", "x"], "run --from works with --readme-table only"),
    (["list", "--paper", "nosuch2099"], "unknown paper 'nosuch2099'"),
    (["show", "prop4", "--from", "/nonexistent/dir"], "--from /nonexistent/dir: no such file or folder"),
    (["expectation", "--T", "1"], "T = 1"),
    (["expectation", "--context", "orthogonal", "--d", "5"], "d = 5 is odd"),
    (["expectation", "--context", "w-mu", "--d", "1", "--mu", "0.5"], "mu = 0.5"),
    (["expectation", "--context", "w-mu", "--d", "1", "--mu", "inf"], "mu = inf is out of range"),
    (["expectation", "--context", "w-mu", "--d", "1", "--mu", "nan"], "mu = nan is out of range"),
    (["expectation", "--samples", "0"], "samples = 0"),
    (["expectation", "--samples", "-10"], "samples = -10"),
    (["expectation", "--context", "torus"], "unknown context 'torus'"),
    (["expectation", "--d", "64", "--T", "100000", "--samples", "100000"], "is too large: the estimate is about"),
    (["nosuchcommand"], "invalid choice"),
])
def test_bad_usage_is_one_line_and_exit_2(args, fragment, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main([*args, *(["--out", str(tmp_path / "o")] if args[0] in ("run", "check") else [])])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert fragment in lines[0]
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []   # nothing written half-way


@pytest.mark.parametrize("args, fragment", [
    (["check", "nosuch"], "unknown claim 'nosuch'"),
    (["expectation", "--context", "w-mu", "--d", "1", "--mu", "nan"], "mu = nan is out of range"),
])
def test_bad_usage_through_the_console_script(args, fragment, tmp_path):
    """The same contract across the process boundary (the installed module run as a program)."""
    out = cli(*args, cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.strip().splitlines() == [out.stderr.strip()]
    assert fragment in out.stderr and "Traceback" not in out.stderr
    assert list(tmp_path.iterdir()) == []


def test_expectation_agrees_and_reports_json():
    out = cli("expectation", "--context", "orthogonal", "--d", "4", "--T", "5", "--samples", "20000",
              "--format", "json")
    assert out.returncode == 0
    obj = json.loads(out.stdout)
    assert obj["agrees"] and obj["monte_carlo"]["interval"][0] <= obj["exact"] <= obj["monte_carlo"]["interval"][1]


def test_version_and_bare_command():
    from importlib.metadata import version

    out = cli("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"ical-verify {version('ical-verify')}"
    bare = cli()
    assert bare.returncode == 2
    for command in ("list", "check", "show", "proof", "run", "report", "latex", "expectation", "walkthrough"):
        assert command in bare.stderr
    assert "Traceback" not in bare.stderr


# synthetic papers, in-process --------------------------------------------------------------------------
def test_run_writes_results_and_report_grouped_by_paper(synthetic, tmp_path, capsys):
    out = tmp_path / "rep"
    assert main(["run", "--out", str(out), "--claims", ",".join(QUIET), "--jobs", "1"]) == 0
    results = json.loads((out / "results.json").read_text())
    assert [r["verdict"] for r in results] == ["verified", "erratum", "refuted", "not-run"]
    assert [r["paper"] for r in results] == ["synth2024a", "synth2024a", "synth2025b", "synth2025b"]
    assert results[1]["severity"] == "constant" and results[1]["corrected"].startswith(r"\mathbf{C}^{\star}")
    for r in results:
        assert_schema(r)
    md = (out / "report.md").read_text()
    assert "### synth2024a — Author, A synthetic paper (2024)" in md
    assert "| erratum | constant | all mu >= 1 | printed H is half the Hessian (ratio 2)" in md
    assert "<details><summary>Proof (Appendix A.1): 1 follows, 1 follows-with-correction, 1 gap, 1 fails" in md
    shown = capsys.readouterr().out
    assert "erratum (constant)" in shown and "synth2025b" in shown
    assert (out / "figures" / "alpha-draws-seed0.png").exists()


def test_run_paper_selects_its_claims(synthetic, tmp_path, capsys):
    assert main(["run", "--out", str(tmp_path), "--paper", "synth2024a", "--jobs", "1"]) == 0
    assert [r["claim"] for r in json.loads((tmp_path / "results.json").read_text())] == ["alpha", "beta"]
    assert main(["run", "--out", str(tmp_path / "x"), "--paper", "synth2024a", "--claims", "gamma"]) == 2
    assert "claim 'gamma' belongs to paper 'synth2025b', not 'synth2024a'" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("fail_on, code", [("erratum", 3), ("erratum:constant", 3), ("erratum:substantive", 0),
                                           ("refuted", 0), ("verified", 3), ("", 0)])
def test_run_fail_on_filters(synthetic, tmp_path, fail_on, code):
    assert main(["run", "--out", str(tmp_path), "--paper", "synth2024a", "--jobs", "1", "--fail-on", fail_on]) == code


def test_crashed_check_exits_1_and_is_reported(synthetic, tmp_path, capsys):
    assert main(["check", "boom", "--format", "json", "--out", str(tmp_path / "c")]) == 1
    obj = json.loads(capsys.readouterr().out)
    crash = [c for c in obj["checks"] if c["name"] == "crash"][0]
    assert crash["status"] == "error" and "ZeroDivisionError" in crash["detail"]
    assert obj["verdict"] == "inconclusive"
    assert main(["run", "--out", str(tmp_path / "r"), "--claims", "alpha,boom", "--jobs", "1"]) == 1


def test_corrected_statement_is_reported_only_for_errata(monkeypatch, tmp_path, capsys):
    """A variant derived for a claim that holds as printed is not shown as its correction."""
    ok = Check("ok", "symbolic", "printed", lambda ctx: CheckOutcome(True, "holds"))
    variant = Check("variant", "symbolic", "corrected",
                    lambda ctx: CheckOutcome(True, "other convention", corrected="y = 3"))
    monkeypatch.setattr(registry, "_load", lambda: (Claim("fine", "lemma", "t", "s", "src", 1,
                                                          checks=(ok, variant)),))
    assert main(["check", "fine", "--format", "json", "--out", str(tmp_path)]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["verdict"] == "verified" and obj["corrected"] is None


def test_check_text_shows_severity_finding_readings_subclaims_and_proof(synthetic, tmp_path, capsys):
    assert main(["check", "beta", "--out", str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert "verdict: erratum (constant)" in out
    assert "finding: printed H is half the Hessian (ratio 2)" in out
    assert "strict" in out and "loose" in out and "the text says 'the Hessian'" in out
    assert main(["check", "gamma", "--out", str(tmp_path / "g")]) == 0
    out = capsys.readouterr().out
    assert "Sub-claims" in out and "erratum (typo)" in out and "refuted" in out
    assert main(["check", "alpha", "--proof", "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    for status in ("follows", "follows-with-correction", "gap", "fails", "not-checked"):
        assert status in out
    assert r"\sum_{t=1}^T p_t" in out


def test_check_writes_its_own_folder_named_by_seed(synthetic, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["check", "alpha", "--seed", "3"]) == 0
    folder = tmp_path / "ical-report" / "check-alpha-seed3"
    assert json.loads((folder / "results.json").read_text())[0]["seed"] == 3
    assert (folder / "figures" / "alpha-draws-seed3.png").exists()


def test_check_never_overwrites_a_stored_run(synthetic, tmp_path, capsys):
    assert main(["run", "--out", str(tmp_path), "--paper", "synth2024a", "--jobs", "1"]) == 0
    before = (tmp_path / "results.json").read_text()
    assert main(["check", "alpha", "--seed", "1", "--out", str(tmp_path)]) == 2
    assert "holds a stored run" in capsys.readouterr().err
    assert (tmp_path / "results.json").read_text() == before


def test_proof_command_runs_only_the_proof(synthetic, capsys):
    assert main(["proof", "alpha", "--format", "json"]) == 0
    proof = json.loads(capsys.readouterr().out)
    assert [s["status"] for s in proof["steps"]] == ["follows", "follows-with-correction", "gap", "fails",
                                                     "not-checked"]
    assert main(["proof", "alpha"]) == 0
    assert "✗ fails" in capsys.readouterr().out
    assert main(["proof", "beta"]) == 2
    assert "no proof transcribed: claims with proofs are alpha" in capsys.readouterr().err


def test_show_report_and_readme_table_from_stored_results(synthetic, tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["run", "--out", str(run), "--claims", ",".join(QUIET), "--jobs", "1"]) == 0
    capsys.readouterr()
    assert main(["show", "beta", "--from", str(run)]) == 0
    assert "erratum (constant)" in capsys.readouterr().out
    assert main(["show", "alpha", "--from", str(run), "--format", "json", "--proof"]) == 0
    assert json.loads(capsys.readouterr().out)["proof"]["counts"]["fails"] == 1
    assert main(["show", "nosuch", "--from", str(run)]) == 2
    assert "has no stored result" in capsys.readouterr().err
    other = tmp_path / "other"
    assert main(["report", "--from", str(run), "--out", str(other)]) == 0
    assert sorted(p.name for p in other.iterdir()) == ["report.html", "report.md"]
    assert "printed H is half the Hessian" in (other / "report.md").read_text()
    assert main(["run", "--readme-table", "--from", str(run)]) == 0
    table = capsys.readouterr().out
    assert table.strip() == readme_table(load_results(run)).strip()
    assert "| beta | proposition | A constant slip | erratum (constant) | all mu >= 1 |" in table
    assert "### synth2025b: Author and Author, Another synthetic paper (2025)" in table


def test_run_readme_table_after_a_run_prints_only_the_table_on_stdout(synthetic, tmp_path, capsys):
    assert main(["run", "--out", str(tmp_path), "--paper", "synth2024a", "--jobs", "1", "--readme-table"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Verdicts of `ical-verify run`") and "┏" not in out


def test_device_and_threads_reach_the_run_context(synthetic, tmp_path, capsys, monkeypatch):
    import synthetic_papers

    seen = {}

    def record(ctx):
        seen.update(device=ctx.device, threads=ctx.threads)
        return CheckOutcome(True, "recorded")

    claim = Claim("ctxprobe", "lemma", "t", "s", "src", 9, checks=(Check("probe", "property", "printed", record),))
    papers = (synthetic_papers.PAPERS[0].__class__("probe2020", "t", "a", 2020, "c", claims=(claim,)),)
    monkeypatch.setattr(registry, "_papers", lambda: papers)
    registry._load.cache_clear()
    assert main(["check", "ctxprobe", "--device", "cpu", "--threads", "2", "--out", str(tmp_path)]) == 0
    assert seen == {"device": "cpu", "threads": 2}
    registry._load.cache_clear()
    from ical_verify.proofs_check.parallel import apply_threads

    apply_threads(1)
