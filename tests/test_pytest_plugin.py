"""``pytest --claims``: verified passes, erratum xfails with its severity, finding and correction, refuted and
inconclusive fail, not-run skips; items are grouped by paper (``claims/<paper>/<id>``); bad options are usage
errors (exit status 4)."""

import numpy  # noqa: F401
import pytest

# imported here, before any in-process pytester run: such a run removes the modules it imported first, and a
# module imported again would be a second registry that the conftest below does not patch
from ical_verify.proofs_check import registry, runner  # noqa: F401

pytest_plugins = ["pytester"]

#: The conftest of the runs below: the synthetic papers as the registry, and a log of every item's outcome and
#: user properties (written by the controlling process only, so that it is the same with and without xdist).
CONFTEST = '''
import json, os
import synthetic_papers
from ical_verify.proofs_check import registry

_saved = []

def pytest_configure(config):
    _saved.append(registry._papers)
    registry._papers = synthetic_papers._papers
    registry._load.cache_clear()
    config._claims_log = None if hasattr(config, "workerinput") else os.environ.get("CLAIMS_LOG")

def pytest_unconfigure(config):
    registry._papers = _saved.pop()
    registry._load.cache_clear()

def pytest_runtest_logreport(report):
    import _pytest.config
    log = os.environ.get("CLAIMS_LOG")
    if not log or report.when != "call" or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    outcome = "xfailed" if hasattr(report, "wasxfail") else report.outcome
    with open(log, "a") as f:
        f.write(json.dumps({"nodeid": report.nodeid, "outcome": outcome,
                            "reason": getattr(report, "wasxfail", ""),
                            "props": [list(p) for p in report.user_properties]}) + "\\n")
'''


@pytest.fixture
def claims_dir(pytester, monkeypatch, fresh_pytest_env):
    from pathlib import Path

    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent))
    pytester.makeconftest(CONFTEST)
    return pytester


def test_claims_become_test_items_grouped_by_paper(claims_dir):
    result = claims_dir.runpytest_inprocess("--claims", "-rxs", "-v", "-p", "no:cacheprovider",
                                            "--claims-out", str(claims_dir.path / "figs"))
    result.assert_outcomes(passed=2, xfailed=1, failed=2, skipped=1)
    result.stdout.fnmatch_lines(["claims/synth2024a/alpha PASSED*", "claims/synth2024a/beta XFAIL*",
                                 "claims/synth2025b/gamma FAILED*", "claims/synth2025b/delta SKIPPED*"])
    result.stdout.fnmatch_lines(["*erratum (constant): printed H is half the Hessian (ratio 2)*corrected:*"])


def test_claims_subset_and_unknown_id(claims_dir):
    claims_dir.runpytest_inprocess("--claims=alpha,delta", "-p", "no:cacheprovider").assert_outcomes(
        passed=1, skipped=1)
    bad = claims_dir.runpytest_inprocess("--claims=nosuch", "-p", "no:cacheprovider")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR


@pytest.mark.parametrize("args, message", [
    (["--claims-profile", "huge"], "unknown profile 'huge': valid profiles are quick, full"),
    (["--claims-seed", "-1"], "seed = -1 is out of range"),
    (["--claims-seed", "x"], "invalid int value"),
])
def test_bad_profile_or_seed_is_a_usage_error(claims_dir, args, message):
    result = claims_dir.runpytest_inprocess("--claims=alpha", *args, "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str()


def test_without_flag_plugin_collects_nothing_extra(claims_dir):
    claims_dir.makepyfile("def test_x():\n    assert 1 + 1 == 2\n")
    claims_dir.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_items_record_verdict_severity_and_finding(claims_dir, monkeypatch):
    import json

    log = claims_dir.path / "log.jsonl"
    monkeypatch.setenv("CLAIMS_LOG", str(log))
    claims_dir.runpytest_inprocess("--claims=beta,gamma", "-p", "no:cacheprovider")
    rows = {r["nodeid"]: r for r in map(json.loads, log.read_text().splitlines())}
    beta = dict(map(tuple, rows["claims/synth2024a/beta"]["props"]))
    assert beta["verdict"] == "erratum" and beta["severity"] == "constant" and beta["claim"] == "synth2024a:beta"
    assert rows["claims/synth2025b/gamma"]["outcome"] == "failed"
