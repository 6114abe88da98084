"""One-line findings computed from check results (never typed by hand).

Each check outcome carries a one-line ``summary`` with its numbers. The finding of a claim is built from the
summaries of the checks that decided its verdict: for an erratum the failed check of the printed statement
and the check of the corrected one, for a refutation the failed checks, for an inconclusive verdict the
undecided ones, for a verified claim its first checks of the printed statement. A claim may override this
with ``Claim.finding(result)``, a function of its results.
"""

from __future__ import annotations

from typing import Sequence

from .claim import CheckResult, ClaimResult

#: The longest finding, in characters (longer ones are cut with an ellipsis).
MAX_FINDING = 360


def _cut(text: str, limit: int = MAX_FINDING) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def from_checks(checks: Sequence[CheckResult], verdict: str) -> str:
    """The finding of a verdict decided on ``checks``.

    >>> from ical_verify.proofs_check.claim import CheckResult
    >>> bad = CheckResult("p", "symbolic", "printed", False, "failed", "Printed form off by 2x.", {}, 0.0)
    >>> fix = CheckResult("c", "symbolic", "corrected", True, "passed", "Halved form holds exactly.", {}, 0.0)
    >>> from_checks([bad, fix], "erratum")
    'Printed form off by 2x. — corrected: Halved form holds exactly.'
    """
    printed = [c for c in checks if c.target == "printed"]
    fixes = [c for c in checks if c.target == "corrected"]
    if verdict == "erratum":
        failed = [c.summary for c in printed if c.status == "failed"]
        fixed = [c.summary for c in fixes if c.status == "passed"]
        return _cut("; ".join(failed[:2]) + (" — corrected: " + fixed[0] if fixed else ""))
    if verdict == "refuted":
        return _cut("; ".join(c.summary for c in printed if c.status == "failed"))
    if verdict == "inconclusive":
        undecided = [c for c in checks if c.status in ("inconclusive", "error")]
        if not undecided:
            undecided = [c for c in fixes if c.status == "failed"]
        return _cut("; ".join(f"{c.name} {c.status}: {c.summary}" for c in undecided[:2]))
    if verdict == "verified":
        return _cut("; ".join(c.summary for c in printed[:2]))
    return "no check of the printed statement ran"


def claim_finding(result: ClaimResult) -> str:
    """The one-line finding of a claim result (``finding`` in the JSON, the README and the reports)."""
    claim = result.claim
    if claim.finding is not None:
        try:
            return _cut(claim.finding(result))
        except Exception as exc:  # a broken finding function must not hide the verdict
            return _cut(f"(finding function failed: {type(exc).__name__}: {exc}) "
                        + from_checks(result.checks, result.verdict))
    if result.subclaims:
        counts: dict[str, int] = {}
        for s in result.subclaims:
            counts[s.verdict] = counts.get(s.verdict, 0) + 1
        head = ", ".join(f"{n} {v}" for v, n in counts.items()) + f" of {len(result.subclaims)} sub-claims"
        bad = [s for s in result.subclaims if s.verdict not in ("verified", "not-run")]
        shown = bad or [s for s in result.subclaims if s.verdict == "verified"][:1]
        return _cut(head + ": " + "; ".join(f"{s.subclaim.id} {s.verdict}: {s.finding}" for s in shown))
    base = result.checks
    adopted = next((r for r in result.readings if r.reading.adopted), None)
    if adopted is not None:
        names = {e.split(":")[0] for e in adopted.evidence}
        base = [c for c in result.checks if c.name in names]
    text = from_checks(base, result.verdict)
    others = [r for r in result.readings if not r.reading.adopted and r.verdict != result.verdict]
    if others:
        text += " [other readings: " + "; ".join(f"{r.reading.id} → {r.verdict}" for r in others) + "]"
    return _cut(text)
