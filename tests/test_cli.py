"""The command line contract: list, check, run, expectation; exit statuses 0, 1, 2, 3."""

import json
import subprocess
import sys

import pytest

from ical_verify.proofs_check import registry
from ical_verify.proofs_check.claim import Check, Claim, CheckOutcome
from ical_verify.proofs_check.cli import main

PAPER_IDS = ["remark1", "lemma1", "prop1", "lemma4", "prop2", "lemma2", "prop3", "prop4", "prop5",
             "lemma3", "prop6", "prop7", "remark2"]
METHODS = {"symbolic", "cubature", "monte-carlo", "trained-model", "property", "ode", "spectral"}
VERDICTS = {"verified", "erratum", "refuted", "inconclusive", "not-run"}


def cli(*args):
    """Run the installed console script, as a user would."""
    return subprocess.run([sys.executable, "-m", "ical_verify.proofs_check.cli", *args],
                          capture_output=True, text=True, timeout=600)


def test_list_json_has_every_paper_statement():
    out = cli("list", "--format", "json")
    assert out.returncode == 0
    ids = [c["claim"] for c in json.loads(out.stdout)]
    assert ids[:13] == PAPER_IDS


def test_list_text_shows_ids():
    out = cli("list")
    assert out.returncode == 0
    for claim_id in PAPER_IDS:
        assert claim_id in out.stdout


def assert_schema(obj):
    for key in ("claim", "kind", "verdict", "statement", "corrected", "checks", "figures", "seconds"):
        assert key in obj
    assert obj["verdict"] in VERDICTS
    assert obj["corrected"] is None or isinstance(obj["corrected"], str)
    for check in obj["checks"]:
        assert set(check) >= {"name", "method", "target", "passed", "detail", "metrics"}
        assert check["method"] in METHODS
        assert check["target"] in {"printed", "corrected"}
        assert isinstance(check["passed"], bool)


def test_check_json_is_one_object_of_the_schema(tmp_path):
    out = cli("check", "remark1", "--format", "json", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert obj["claim"] == "remark1"
    assert obj["statement"].startswith("If $W_U \\in U(d)$")
    assert_schema(obj)


@pytest.mark.parametrize("args, fragment", [
    (["check", "nosuch"], "unknown claim 'nosuch'"),
    (["check", "prop1", "--seed", "-3"], "seed = -3"),
    (["run", "--profile", "huge"], "unknown profile 'huge'"),
    (["run", "--fail-on", "wrong"], "unknown verdict 'wrong'"),
    (["expectation", "--T", "1"], "T = 1"),
    (["expectation", "--context", "orthogonal", "--d", "5"], "d = 5 is odd"),
    (["expectation", "--context", "w-mu", "--d", "1", "--mu", "0.5"], "mu = 0.5"),
    (["expectation", "--samples", "0"], "samples = 0"),
    (["expectation", "--samples", "-10"], "samples = -10"),
    (["expectation", "--context", "torus"], "unknown context 'torus'"),
    (["nosuchcommand"], "invalid choice"),
])
def test_bad_usage_is_one_line_and_exit_2(args, fragment, tmp_path):
    out = cli(*args, *(["--out", str(tmp_path / "o")] if args[0] == "run" else []))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert fragment in lines[0]
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "o").exists()  # nothing written half-way


def test_expectation_agrees_and_reports_json():
    out = cli("expectation", "--context", "orthogonal", "--d", "4", "--T", "5", "--samples", "20000",
              "--format", "json")
    assert out.returncode == 0
    obj = json.loads(out.stdout)
    assert obj["agrees"] and obj["monte_carlo"]["interval"][0] <= obj["exact"] <= obj["monte_carlo"]["interval"][1]


# The run command is tested in-process on a small registry (the real claims are exercised by their own
# tests and by `pytest --claims`).
def _fake_claims():
    ok = Check("ok", "symbolic", "printed", lambda ctx: CheckOutcome(True, "holds", {"x": 1}))
    bad = Check("bad", "symbolic", "printed", lambda ctx: CheckOutcome(False, "fails"))
    fixed = Check("fixed", "cubature", "corrected",
                  lambda ctx: CheckOutcome(True, "corrected form holds", corrected="x = 2"))
    crash = Check("crash", "property", "printed", lambda ctx: 1 / 0)
    return (
        Claim("good", "lemma", "A true lemma", "s", "src", 1, checks=(ok,)),
        Claim("typo", "proposition", "A misprint", "s", "src", 2, checks=(bad, fixed)),
        Claim("open", "remark", "Unchecked", "s", "src", 3),
        Claim("boom", "lemma", "Crashes", "s", "src", 4, checks=(ok, crash)),
    )


@pytest.fixture
def fake_registry(monkeypatch):
    monkeypatch.setattr(registry, "_load", _fake_claims)


def test_run_writes_results_and_report(fake_registry, tmp_path, capsys):
    out = tmp_path / "rep"
    code = main(["run", "--out", str(out), "--claims", "good,typo,open"])
    assert code == 0
    results = json.loads((out / "results.json").read_text())
    assert [r["verdict"] for r in results] == ["verified", "erratum", "not-run"]
    assert results[1]["corrected"] == "x = 2"
    for r in results:
        assert_schema(r)
    md = (out / "report.md").read_text()
    assert "| typo | proposition | erratum |" in md
    assert "x = 2" in md
    assert "erratum" in capsys.readouterr().out


def test_run_fail_on_matches_exit_3(fake_registry, tmp_path):
    assert main(["run", "--out", str(tmp_path), "--claims", "good,typo", "--fail-on", "erratum,refuted"]) == 3
    assert main(["run", "--out", str(tmp_path), "--claims", "good,typo", "--fail-on", "refuted"]) == 0


def test_crashed_check_exits_1_and_is_reported(fake_registry, tmp_path, capsys):
    assert main(["check", "boom", "--format", "json", "--out", str(tmp_path)]) == 1
    obj = json.loads(capsys.readouterr().out)
    crash = [c for c in obj["checks"] if c["name"] == "crash"][0]
    assert crash["status"] == "error" and "ZeroDivisionError" in crash["detail"]
    assert obj["verdict"] == "inconclusive"
    assert main(["run", "--out", str(tmp_path / "r"), "--claims", "good,boom"]) == 1


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
