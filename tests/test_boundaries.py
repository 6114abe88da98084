"""Boundaries: output paths validated before any work, file-system errors that never change a verdict, Ctrl-C
(exit 130, no half-written file), the expectation command's size limits and progress."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ical_verify.numerics.expectation_demo import MAX_BYTES, MAX_SECONDS, compare, estimate_cost, validate
from ical_verify.numerics.errors import DomainError
from ical_verify.proofs_check import walkthrough
from ical_verify.proofs_check.cli import main
from synthetic_papers import QUIET, synthetic  # noqa: F401  (fixture)

TESTS = Path(__file__).parent
UNWRITABLE = Path("/proc/ical-verify-test")   # /proc refuses new files, even to root


@pytest.mark.parametrize("args, fragment", [
    (["run", "--claims", "alpha", "--out", str(UNWRITABLE)], "--out /proc/ical-verify-test: cannot create a folder"),
    (["latex", "alpha", "--out", str(UNWRITABLE) + ".tex"], "folder /proc is not writable"),
    (["check", "alpha", "--out", "{file}"], "is a file, not a folder"),
    (["run", "--claims", "alpha", "--out", "{file}"], "is a file, not a folder"),
    (["run", "--claims", "alpha", "--out", "{file}/sub"], "is a file, not a folder: give a folder path"),
    (["latex", "alpha", "--out", "{dir}"], "is a folder: give a file name such as report.tex"),
    (["latex", "alpha", "--out", "{dir}/missing/x.tex"], "does not exist"),
    (["report", "--from", "{dir}", "--out", str(UNWRITABLE)], None),
])
def test_bad_output_paths_are_refused_before_any_work(synthetic, tmp_path, capsys, args, fragment):
    existing = tmp_path / "existing.txt"
    existing.write_text("keep")
    args = [a.replace("{file}", str(existing)).replace("{dir}", str(tmp_path)) for a in args]
    if args[0] == "report":
        assert main(["run", "--claims", "alpha", "--out", str(tmp_path), "--jobs", "1"]) == 0
        capsys.readouterr()
        fragment = "cannot create a folder there"
    before = sorted(p.name for p in tmp_path.rglob("*"))
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and fragment in err[0], err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before and existing.read_text() == "keep"
    assert not UNWRITABLE.exists()


def test_walkthrough_html_path_is_validated_first(capsys):
    name = walkthrough.names()[0]
    assert main(["walkthrough", name, "--html", str(UNWRITABLE) + ".html"]) == 2
    assert "--html /proc/ical-verify-test.html: folder /proc is not writable" in capsys.readouterr().err


def test_a_figure_that_cannot_be_written_is_a_report_error_not_a_failed_check(synthetic, tmp_path, capsys):
    (tmp_path / "figures").write_text("a file where the figures folder should be")
    assert main(["run", "--claims", "alpha,beta", "--out", str(tmp_path), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "figure" in err and "not written" in err
    results = json.loads((tmp_path / "results.json").read_text())
    assert [(r["verdict"], r["severity"]) for r in results] == [("verified", None), ("erratum", "constant")]
    assert all(c["status"] != "error" for r in results for c in r["checks"])


SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
import synthetic_papers
from ical_verify.proofs_check import parallel
from ical_verify.proofs_check.cli import main
if __name__ == "__main__":
    synthetic_papers.install()
    parallel.WORKER_SETUP[:] = [synthetic_papers.SETUP]
    sys.exit(main(["run", "--claims", "alpha,sleepy", "--out", {out!r}, "--jobs", {jobs!r}]))
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_exits_130_and_leaves_no_half_written_file(tmp_path, jobs):
    out, flag = tmp_path / "out", tmp_path / "flag"
    flag.write_text("wait")
    script = tmp_path / "run.py"
    script.write_text(SCRIPT.format(tests=str(TESTS), out=str(out), jobs=jobs))
    proc = subprocess.Popen([sys.executable, str(script)], env=dict(os.environ, ICAL_TEST_SLEEP=str(flag)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while not Path(str(flag) + ".started").exists():       # the sleepy claim is running
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        flag.unlink(missing_ok=True)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    names = sorted(p.name for p in out.rglob("*")) if out.exists() else []
    assert not [n for n in names if n.endswith(".tmp")]
    assert "report.md" not in names and "results.json" not in names
    if "results.partial.json" in names:
        partial = json.loads((out / "results.partial.json").read_text())
        assert partial["interrupted"] and "sleepy" in partial["missing"]
        assert [r["claim"] for r in partial["results"]] == partial["completed"]
    if jobs == "1":                 # alpha ran first and completed
        assert names == ["results.partial.json"]


# expectation -------------------------------------------------------------------------------------------
def test_expectation_limits_come_from_an_estimate():
    small = estimate_cost("unitary", 4, 6, 100_000)
    assert small.bytes < MAX_BYTES and small.seconds < MAX_SECONDS
    validate("unitary", 4, 6, None, 100_000)
    for context, d, T, samples in [("unitary", 64, 100_000, 100_000), ("unitary", 8, 20, 10 ** 12),
                                   ("w-mu", 1, 10 ** 6, 100)]:
        cost = estimate_cost(context, d, T, samples)
        assert cost.bytes > MAX_BYTES or cost.seconds > MAX_SECONDS
        with pytest.raises(DomainError, match="is too large: the estimate is about"):
            validate(context, d, T, 100.0 if context == "w-mu" else None, samples)


@pytest.mark.parametrize("mu", [float("inf"), float("nan"), float("-inf")])
def test_expectation_rejects_non_finite_mu(mu):
    with pytest.raises(DomainError, match="mu = .* is out of range"):
        validate("w-mu", 1, 5, mu, 100)


@pytest.mark.parametrize("context, d, mu", [("unitary", 3, None), ("orthogonal", 4, None), ("w-mu", 1, 50.0)])
def test_expectation_progress_reports_every_batch_and_changes_no_number(context, d, mu):
    seen = []
    plain = compare(context, d, 5, 20_000, 1, mu)
    shown = compare(context, d, 5, 20_000, 1, mu, progress=lambda done, total: seen.append((done, total)))
    assert shown.to_json() == plain.to_json()
    assert seen[-1] == (20_000, 20_000) and len(seen) >= 1
    assert [s[0] for s in seen] == sorted(s[0] for s in seen)


def test_main_keeps_native_warnings_quiet(monkeypatch, capsys):
    monkeypatch.delenv("TORCH_CPP_LOG_LEVEL", raising=False)
    assert main(["list", "--format", "json"]) == 0
    assert os.environ["TORCH_CPP_LOG_LEVEL"] == "ERROR"
