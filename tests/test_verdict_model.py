"""The verdict model: readings, sub-claims, severities, findings, artefacts, proof steps and partial runs.

These are tested on small synthetic claims run through the real runner (the registry is replaced), so every
rule is seen deciding a verdict, and each rule is shown able to give each of its outcomes.
"""

import pytest

from ical_verify.proofs_check import registry
from ical_verify.proofs_check.claim import (Artefact, ArtefactOutcome, Check, CheckOutcome, Claim, Proof, ProofStep,
                                            Reading, StepOutcome, SubClaim)
from ical_verify.proofs_check.errors import UsageError
from ical_verify.proofs_check.runner import make_context, run_claim
from ical_verify.proofs_check.verdicts import Decision, combine, matches_fail_on, parse_fail_on


def _check(name, passed, target="printed", severity="substantive", corrected=None, summary=None, scope=None):
    return Check(name, "symbolic", target,
                 lambda ctx: CheckOutcome(passed, f"{name} detail. More words.", {"n": 1}, corrected=corrected,
                                          summary=summary, scope=scope),
                 severity=severity)


def _install(monkeypatch, *claims):
    stamped = tuple(Claim(**{**c.__dict__, "paper": "toy"}) for c in claims)
    monkeypatch.setattr(registry, "_load", lambda: stamped)


def _run(monkeypatch, claim, **kw):
    _install(monkeypatch, claim)
    return run_claim(claim.id, make_context(), **kw)


def test_erratum_takes_the_most_severe_failed_check(monkeypatch):
    claim = Claim("c", "lemma", "t", "s", "src", 1, checks=(
        _check("typo-part", False, severity="typo"),
        _check("constant-part", False, severity="constant"),
        _check("fix", True, target="corrected", corrected="x = 2y"),
    ))
    r = _run(monkeypatch, claim)
    assert (r.verdict, r.severity, r.corrected) == ("erratum", "constant", "x = 2y")
    js = r.to_json()
    assert js["severity"] == "constant" and js["paper"] == "toy"
    assert [c["severity"] for c in js["checks"]] == ["typo", "constant", None]


def test_outcome_severity_overrides_the_declared_one(monkeypatch):
    check = Check("p", "symbolic", "printed", lambda ctx: CheckOutcome(False, "off by 2", severity="constant"))
    claim = Claim("c", "lemma", "t", "s", "src", 1, checks=(
        check, _check("fix", True, target="corrected", corrected="H' = 2H")))
    assert _run(monkeypatch, claim).severity == "constant"


def test_severity_is_none_unless_erratum(monkeypatch):
    claim = Claim("c", "lemma", "t", "s", "src", 1, checks=(_check("p", False, severity="typo"),))
    r = _run(monkeypatch, claim)
    assert (r.verdict, r.severity) == ("refuted", None)


def test_readings_each_get_a_verdict_and_the_adopted_one_decides(monkeypatch):
    claim = Claim("c", "proposition", "t", "s", "src", 1,
                  checks=(_check("common", True), _check("under-zero", True), _check("under-back", False),
                          _check("fix-back", True, target="corrected", corrected="y")),
                  readings=(Reading("zero", "s0 = 0", ("under-zero",), adopted=True, why="the proof uses it"),
                            Reading("back", "s0 = W^-1 s1", ("under-back", "fix-back"))))
    r = _run(monkeypatch, claim)
    by = {x.reading.id: x for x in r.readings}
    assert r.verdict == "verified"
    assert by["zero"].verdict == "verified" and by["back"].verdict == "erratum"
    assert by["back"].corrected == "y" and by["zero"].corrected is None
    assert "common: passed" in by["back"].evidence and "under-zero: passed" not in by["back"].evidence
    assert "back → erratum" in r.finding
    js = r.to_json()["readings"]
    assert [x["adopted"] for x in js] == [True, False] and js[0]["why"] == "the proof uses it"


def test_adopting_the_other_reading_changes_the_verdict(monkeypatch):
    claim = Claim("c", "proposition", "t", "s", "src", 1,
                  checks=(_check("under-zero", True), _check("under-back", False)),
                  readings=(Reading("zero", "a", ("under-zero",)),
                            Reading("back", "b", ("under-back",), adopted=True)))
    assert _run(monkeypatch, claim).verdict == "refuted"


def test_subclaims_combine_to_the_worst(monkeypatch):
    claim = Claim("f", "experiment", "t", "s", "src", 1,
                  checks=(_check("a", True), _check("b", False, severity="wording"),
                          _check("b-fix", True, target="corrected", corrected="z"), _check("c", None)),
                  subclaims=(SubClaim("one", "first sentence", ("a",)),
                             SubClaim("two", "second sentence", ("b", "b-fix")),
                             SubClaim("three", "third sentence", ("c",))))
    r = _run(monkeypatch, claim)
    assert [s.verdict for s in r.subclaims] == ["verified", "erratum", "inconclusive"]
    assert (r.verdict, r.severity, r.corrected) == ("erratum", "wording", "z")
    assert r.finding.startswith("1 verified, 1 erratum, 1 inconclusive of 3 sub-claims")
    assert r.to_json()["subclaims"][1]["text"] == "second sentence"


def test_a_not_run_subclaim_does_not_decide(monkeypatch):
    claim = Claim("f", "experiment", "t", "s", "src", 1,
                  checks=(_check("a", True), _check("needs-data", True, target="corrected")),
                  subclaims=(SubClaim("free", "x", ("a",)), SubClaim("data", "y", ("needs-data",))))
    r = _run(monkeypatch, claim)
    assert [s.verdict for s in r.subclaims] == ["verified", "not-run"] and r.verdict == "verified"


def test_combine_rules():
    assert combine([Decision("verified"), Decision("refuted")]).verdict == "refuted"
    assert combine([Decision("inconclusive"), Decision("erratum", "typo"), Decision("erratum", "constant")]) == \
        Decision("erratum", "constant")
    assert combine([Decision("verified"), Decision("inconclusive")]).verdict == "inconclusive"
    assert combine([]).verdict == "not-run"


def test_partial_run_of_corrected_checks_only_is_not_verified(monkeypatch):
    claim = Claim("c", "lemma", "t", "s", "src", 1,
                  checks=(_check("p", False), _check("fix", True, target="corrected", corrected="x")))
    r = _run(monkeypatch, claim, only=["fix"])
    assert r.verdict == "not-run" and r.checks[0].status == "passed"
    assert r.partial == ["p"] and r.to_json()["skipped_checks"] == ["p"]


def test_unknown_check_name_is_a_usage_error(monkeypatch):
    claim = Claim("c", "lemma", "t", "s", "src", 1, checks=(_check("p", True),))
    _install(monkeypatch, claim)
    with pytest.raises(UsageError, match="unknown check.*'nope'.*valid checks are p"):
        run_claim("c", make_context(), only=["nope"])


def test_artefacts_do_not_vote_but_their_crash_is_reported(monkeypatch):
    def boom(ctx):
        raise RuntimeError("disk full")

    claim = Claim("c", "experiment", "t", "s", "src", 1, checks=(_check("p", True),),
                  artefacts=(Artefact("plot", lambda ctx: ArtefactOutcome("drawn", figures=["x.png"])),
                             Artefact("broken", boom)))
    r = _run(monkeypatch, claim)
    assert r.verdict == "verified" and "x.png" in r.figures
    assert r.crashed and r.to_json()["artefacts"][1]["error"] == "RuntimeError: disk full"


def test_proof_steps_are_checked_and_point_the_erratum(monkeypatch):
    proof = Proof("A.9", (
        ProofStep("s1", "a = b", check=lambda ctx: StepOutcome("follows", "exact")),
        ProofStep("s2", "b = 2c", equation="(11)", check=lambda ctx: StepOutcome("fails", "b = c")),
        ProofStep("s3", "c = d", reason="needs an analytic argument"),
        ProofStep("s4", "d = e", check=lambda ctx: 1 / 0),
    ))
    claim = Claim("c", "lemma", "t", "s", "src", 1, checks=(_check("p", False),), proof=proof)
    r = _run(monkeypatch, claim)
    statuses = [s.status for s in r.proof.steps]
    assert statuses == ["follows", "fails", "not-checked", "not-checked"]
    assert r.erratum_step == "s2"
    js = r.to_json()["proof"]
    assert js["counts"]["fails"] == 1 and js["steps"][1]["equation"] == "(11)"
    assert "ZeroDivisionError" in js["steps"][3]["detail"]
    assert run_claim("c", make_context(), proof=False).proof is None


def test_finding_is_computed_from_summaries(monkeypatch):
    claim = Claim("c", "lemma", "t", "s", "src", 1, checks=(
        _check("p", False, summary="printed form exceeds the exact loss by p^2 ||C||^2"),
        _check("fix", True, target="corrected", corrected="x", summary="corrected form exact in 18/18 cases")))
    r = _run(monkeypatch, claim)
    assert r.finding == ("printed form exceeds the exact loss by p^2 ||C||^2 — corrected: corrected form exact "
                         "in 18/18 cases")
    # without a summary, the first sentence of the detail stands in
    claim2 = Claim("d", "lemma", "t", "s", "src", 1, checks=(_check("q", True),))
    assert _run(monkeypatch, claim2).finding == "q detail."


def test_claim_finding_function_and_its_failure(monkeypatch):
    claim = Claim("c", "lemma", "t", "s", "src", 1, checks=(_check("p", True),),
                  finding=lambda res: f"{len(res.checks)} check, verdict {res.verdict}")
    assert _run(monkeypatch, claim).finding == "1 check, verdict verified"
    broken = Claim("d", "lemma", "t", "s", "src", 1, checks=(_check("p", True),), finding=lambda res: 1 / 0)
    assert "finding function failed" in _run(monkeypatch, broken).finding


def test_scope_lists_what_passing_checks_establish(monkeypatch):
    claim = Claim("c", "lemma", "t", "s", "src", 1, checks=(
        _check("grid", True, scope="d <= 3, T <= 6"), _check("cert", True, scope="all d >= 1, all T >= 2"),
        _check("other", True)))
    assert _run(monkeypatch, claim).scope == "all d >= 1, all T >= 2"
    grid_only = Claim("g", "lemma", "t", "s", "src", 1, checks=(
        _check("a", True, scope="d <= 3"), _check("b", True, scope="T <= 6"), _check("c", False, scope="all d")))
    assert _run(monkeypatch, grid_only).scope == "d <= 3; T <= 6"
    many = Claim("m", "lemma", "t", "s", "src", 1, checks=tuple(_check(f"k{i}", True, scope=f"d <= {i}")
                                                               for i in range(4)))
    assert _run(monkeypatch, many).scope == "d <= 0; d <= 1 (+2 more in the checks)"


@pytest.mark.parametrize("kwargs, message", [
    (dict(readings=(Reading("a", "x"), Reading("b", "y"))), "exactly one reading must be adopted"),
    (dict(readings=(Reading("a", "x", ("nope",), adopted=True),)), "unknown checks"),
    (dict(subclaims=(SubClaim("s", "x", ()),)), "belong to no sub-claim"),
    (dict(subclaims=(SubClaim("s", "x", ("nope",)),)), "unknown checks"),
    (dict(artefacts=(Artefact("p", lambda ctx: None),)), "artefact names"),
    (dict(erratum_step="s9"), "not a step of its proof"),
])
def test_malformed_claims_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Claim("c", "lemma", "t", "s", "src", 1, checks=(_check("p", True),), **kwargs)


def test_bad_severity_and_status_are_rejected():
    with pytest.raises(ValueError, match="severity"):
        Check("c", "symbolic", "printed", lambda ctx: None, severity="grave")
    with pytest.raises(ValueError, match="status"):
        StepOutcome("probably", "x")
    with pytest.raises(TypeError, match="passed"):
        CheckOutcome("yes", "x")


def test_fail_on_filters():
    filters = parse_fail_on("refuted,erratum:substantive")
    assert matches_fail_on("refuted", None, filters)
    assert matches_fail_on("erratum", "substantive", filters)
    assert not matches_fail_on("erratum", "typo", filters)
    assert not matches_fail_on("verified", None, filters)
    for bad, message in (("erratum:grave", "unknown severity"), ("verified:typo", "only erratum"),
                         ("wrong", "unknown verdict")):
        with pytest.raises(UsageError, match=message):
            parse_fail_on(bad)
