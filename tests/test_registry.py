"""The registry holds every numbered statement of the paper, transcribed with its definitions."""

import pytest

from ical_verify.proofs_check.claim import Check, CheckOutcome, Claim, CheckResult
from ical_verify.proofs_check.errors import UsageError
from ical_verify.proofs_check.registry import all_claims, get_claim, get_paper
from ical_verify.proofs_check.verdicts import decide


def test_every_paper_statement_is_registered_in_order():
    statements = list(get_paper("sander2024").statements)
    ids = [c.id for c in all_claims("sander2024")]
    assert ids[:len(statements)] == statements


@pytest.mark.parametrize("claim", all_claims(), ids=lambda c: c.id)
def test_claims_are_complete(claim):
    assert claim.statement and claim.source and claim.title
    if claim.kind != "experiment" and claim.id not in ("remark1", "prop5", "prop7"):
        assert claim.assumptions or claim.definitions


def test_prop2_records_proposition_8():
    claim = get_claim("prop2")
    assert "Proposition 8" in claim.definitions
    assert "c_{-1,0}" in claim.definitions["Proposition 8"]


def test_statements_are_verbatim_samples():
    assert "p_{T-1}^2 S(\\mathbf{C}^\\top \\mathbf{C})" in get_claim("prop4").statement
    assert "\\frac{\\mu}{4\\pi(t'-t)}\\sin(4(t'-t)\\frac{\\pi}{\\mu})" in get_claim("prop7").statement
    assert "|pab - 1| < 1" in get_claim("prop5").statement


def test_unknown_claim_names_valid_ids():
    with pytest.raises(UsageError, match="unknown claim 'x'.*remark1"):
        get_claim("x")


def test_bad_method_or_target_is_rejected():
    with pytest.raises(ValueError, match="method"):
        Check("c", "guess", "printed", lambda ctx: None)
    with pytest.raises(ValueError, match="target"):
        Check("c", "symbolic", "hoped", lambda ctx: None)
    with pytest.raises(ValueError, match="kind"):
        Claim("x", "theorem", "t", "s", "src", 1)


def _r(target, status):
    return CheckResult("n", "symbolic", target, status == "passed", status, "", {}, 0.0)


@pytest.mark.parametrize("results, corrected, verdict", [
    ([], None, "not-run"),
    ([_r("printed", "passed")], None, "verified"),
    ([_r("printed", "failed")], None, "refuted"),
    ([_r("printed", "failed"), _r("corrected", "passed")], "fix", "erratum"),
    ([_r("printed", "failed"), _r("corrected", "failed")], "fix", "refuted"),
    ([_r("printed", "failed"), _r("corrected", "passed")], None, "refuted"),
    ([_r("printed", "passed"), _r("printed", "inconclusive")], None, "inconclusive"),
    ([_r("printed", "passed"), _r("printed", "error")], None, "inconclusive"),
    ([_r("printed", "passed"), _r("corrected", "failed")], None, "inconclusive"),
])
def test_verdict_rules(results, corrected, verdict):
    assert decide(results, corrected) == verdict
