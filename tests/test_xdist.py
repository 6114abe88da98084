"""``pytest --claims`` under pytest-xdist (``-n 2``): the same items, outcomes, reasons and recorded verdicts as
without it."""

import json

import pytest

from test_pytest_plugin import CONFTEST

pytest_plugins = ["pytester"]
xdist = pytest.importorskip("xdist", reason="pytest-xdist not installed (pip install 'ical-verify[dev]')")


def _run(pytester, monkeypatch, name, *args):
    log = pytester.path / f"{name}.jsonl"
    monkeypatch.setenv("CLAIMS_LOG", str(log))
    result = pytester.runpytest_subprocess("--claims=alpha,beta,gamma,delta,boom", "-p", "no:cacheprovider",
                                           "--claims-out", str(pytester.path / f"figs-{name}"), *args)
    rows = sorted((json.loads(line) for line in log.read_text().splitlines()), key=lambda r: r["nodeid"])
    return result, rows


def test_xdist_gives_identical_results(pytester, monkeypatch, fresh_pytest_env):
    from pathlib import Path

    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent))
    pytester.makeconftest(CONFTEST)
    serial, serial_rows = _run(pytester, monkeypatch, "serial", "-p", "no:xdist")
    parallel, parallel_rows = _run(pytester, monkeypatch, "xdist", "-n", "2")
    serial.assert_outcomes(passed=1, xfailed=1, failed=2, skipped=1)
    parallel.assert_outcomes(passed=1, xfailed=1, failed=2, skipped=1)
    assert "2 workers" in parallel.stdout.str() or "gw1" in parallel.stdout.str()
    assert [r["nodeid"] for r in serial_rows] == ["claims/synth2024a/alpha", "claims/synth2024a/beta",
                                                  "claims/synth2025b/boom", "claims/synth2025b/delta",
                                                  "claims/synth2025b/gamma"]
    assert parallel_rows == serial_rows          # outcomes, xfail reasons, verdicts, severities and findings
