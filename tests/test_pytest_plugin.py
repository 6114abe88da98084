"""``pytest --claims``: verified passes, erratum xfails with the correction, refuted fails, not-run skips."""

import pytest

pytest_plugins = ["pytester"]

CONFTEST = '''
from ical_verify.proofs_check import registry
from ical_verify.proofs_check.claim import Check, CheckOutcome, Claim

def _claims():
    ok = Check("ok", "symbolic", "printed", lambda ctx: CheckOutcome(True, "holds"))
    bad = Check("bad", "symbolic", "printed", lambda ctx: CheckOutcome(False, "fails"))
    fix = Check("fix", "symbolic", "corrected", lambda ctx: CheckOutcome(True, "ok", corrected="a = 2b"))
    unsure = Check("unsure", "monte-carlo", "printed", lambda ctx: CheckOutcome(None, "too wide"))
    return (Claim("good", "lemma", "t", "s", "src", 1, checks=(ok,)),
            Claim("typo", "lemma", "t", "s", "src", 2, checks=(bad, fix)),
            Claim("wrong", "lemma", "t", "s", "src", 3, checks=(bad,)),
            Claim("open", "lemma", "t", "s", "src", 4),
            Claim("unsure", "lemma", "t", "s", "src", 5, checks=(unsure,)))

_saved = []

def pytest_configure(config):
    _saved.append(registry._load)
    registry._load = _claims

def pytest_unconfigure(config):
    registry._load = _saved.pop()
'''


def test_claims_become_test_items(pytester):
    pytester.makeconftest(CONFTEST)
    result = pytester.runpytest_inprocess("--claims", "-rxs", "-p", "no:cacheprovider",
                                          "--claims-out", str(pytester.path / "figs"))
    result.assert_outcomes(passed=1, xfailed=1, failed=2, skipped=1)
    result.stdout.fnmatch_lines(["*erratum*corrected: a = 2b*"])


def test_claims_subset_and_unknown_id(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.runpytest_inprocess("--claims=good,open", "-p", "no:cacheprovider").assert_outcomes(
        passed=1, skipped=1)
    bad = pytester.runpytest_inprocess("--claims=nosuch", "-p", "no:cacheprovider")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR


def test_without_flag_plugin_collects_nothing_extra(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile("def test_x():\n    assert 1 + 1 == 2\n")
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
