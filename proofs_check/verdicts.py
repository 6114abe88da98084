"""Verdicts from check results.

- ``verified``: every check of the printed statement passes (and no check is inconclusive);
- ``erratum``: a check of the printed statement fails, and the suite derived a corrected statement that
  passes every one of its checks; the erratum's ``severity`` is the most severe of the failed checks'
  (:data:`~ical_verify.proofs_check.claim.SEVERITIES`);
- ``refuted``: a check of the printed statement fails and no correction is established;
- ``inconclusive``: no check fails, but at least one cannot decide;
- ``not-run``: no check of the printed statement ran (the claim has no checks yet, or a partial run skipped
  all of them).

If the printed statement passes while a check of a corrected form fails, the evidence is mixed and the
verdict is ``inconclusive``. A check that crashed (status ``error``) makes the claim ``inconclusive``; the CLI
exits 1 for it.

A statement that admits several readings (:class:`~ical_verify.proofs_check.claim.Reading`) gets a verdict
per reading, each decided on the checks common to all readings plus its own; the statement's verdict is the
adopted reading's. A claim with sub-claims (:class:`~ical_verify.proofs_check.claim.SubClaim`) gets the worst
of their verdicts, in the order refuted, erratum, inconclusive, verified (not-run sub-claims are left out
unless every sub-claim is not-run).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .claim import CheckResult, Reading, ReadingResult, most_severe

VERDICTS = ("verified", "erratum", "refuted", "inconclusive", "not-run")

#: The order in which sub-claim verdicts combine (worst first).
WORST_FIRST = ("refuted", "erratum", "inconclusive", "verified", "not-run")


@dataclass(frozen=True)
class Decision:
    """A verdict with the severity of an erratum (None for other verdicts)."""

    verdict: str
    severity: str | None = None


def decide_with_severity(results: Sequence[CheckResult], corrected: str | None) -> Decision:
    """The verdict of a set of check results, and the erratum's severity.

    >>> from ical_verify.proofs_check.claim import CheckResult
    >>> bad = CheckResult("b", "symbolic", "printed", False, "failed", "", {}, 0.0, severity="constant")
    >>> fix = CheckResult("c", "symbolic", "corrected", True, "passed", "", {}, 0.0)
    >>> decide_with_severity([bad, fix], "H = 2 H_printed")
    Decision(verdict='erratum', severity='constant')
    """
    printed = [r for r in results if r.target == "printed"]
    fixes = [r for r in results if r.target == "corrected"]
    if not printed:
        return Decision("not-run")
    failed = [r for r in printed if r.status == "failed"]
    if failed:
        if corrected and fixes and all(r.status == "passed" for r in fixes):
            return Decision("erratum", most_severe(r.severity or "substantive" for r in failed))
        return Decision("refuted")
    if any(r.status in ("inconclusive", "error") for r in results):
        return Decision("inconclusive")
    if any(r.status == "failed" for r in fixes):
        # the printed statement passed, but a derived alternative did not: the evidence is mixed
        return Decision("inconclusive")
    return Decision("verified")


def decide(results: Sequence[CheckResult], corrected: str | None) -> str:
    """The verdict of a claim from its check results and its corrected statement (or None).

    >>> from ical_verify.proofs_check.claim import CheckResult
    >>> ok = CheckResult("a", "symbolic", "printed", True, "passed", "", {}, 0.0)
    >>> bad = CheckResult("b", "symbolic", "printed", False, "failed", "", {}, 0.0)
    >>> fix = CheckResult("c", "symbolic", "corrected", True, "passed", "", {}, 0.0)
    >>> decide([ok], None), decide([ok, bad], None), decide([bad, fix], "x"), decide([], None)
    ('verified', 'refuted', 'erratum', 'not-run')
    >>> decide([fix], "x")   # no check of the printed statement ran
    'not-run'
    """
    return decide_with_severity(results, corrected).verdict


def decide_readings(readings: Sequence[Reading], results: Sequence[CheckResult],
                    corrected_by_check: dict[str, str]) -> list[ReadingResult]:
    """A verdict per reading: each on the checks common to all readings plus its own.

    ``corrected_by_check`` maps a check name to the corrected statement it derived (if any); a reading's
    corrected statement is the first one among its checks.
    """
    specific = {name for r in readings for name in r.checks}
    common = [r for r in results if r.name not in specific]
    out = []
    for reading in readings:
        own = [r for r in results if r.name in reading.checks]
        pool = common + own
        corrected = next((corrected_by_check[r.name] for r in pool if r.name in corrected_by_check), None)
        d = decide_with_severity(pool, corrected)
        evidence = [f"{r.name}: {r.status}" for r in pool]
        out.append(ReadingResult(reading, d.verdict, d.severity, evidence,
                                 corrected if d.verdict == "erratum" else None))
    return out


def combine(decisions: Sequence[Decision]) -> Decision:
    """The verdict of a claim from those of its sub-claims: the worst, not-run left out.

    >>> combine([Decision("verified"), Decision("erratum", "typo"), Decision("not-run")])
    Decision(verdict='erratum', severity='typo')
    >>> combine([Decision("not-run")]).verdict
    'not-run'
    """
    ran = [d for d in decisions if d.verdict != "not-run"]
    if not ran:
        return Decision("not-run")
    worst = min(ran, key=lambda d: WORST_FIRST.index(d.verdict))
    if worst.verdict == "erratum":
        return Decision("erratum", most_severe(d.severity for d in ran if d.verdict == "erratum"))
    return Decision(worst.verdict)


def parse_fail_on(text: str) -> list[tuple[str, str | None]]:
    """``--fail-on`` filters: ``"refuted,erratum:substantive"`` → ``[("refuted", None), ("erratum", "substantive")]``.

    >>> parse_fail_on("refuted, erratum:substantive")
    [('refuted', None), ('erratum', 'substantive')]
    """
    from .claim import SEVERITIES
    from .errors import require

    out = []
    for item in (s.strip() for s in text.split(",")):
        if not item:
            continue
        verdict, _, severity = item.partition(":")
        require(verdict in VERDICTS,
                f"unknown verdict {verdict!r} in --fail-on: valid verdicts are {', '.join(VERDICTS)}")
        if severity:
            require(verdict == "erratum", f"--fail-on {item!r}: only erratum takes a severity (erratum:SEVERITY)")
            require(severity in SEVERITIES,
                    f"unknown severity {severity!r} in --fail-on: valid severities are {', '.join(SEVERITIES)}")
        out.append((verdict, severity or None))
    return out


def matches_fail_on(verdict: str, severity: str | None, filters: Sequence[tuple[str, str | None]]) -> bool:
    """Whether a claim's verdict (and severity) matches one of the ``--fail-on`` filters.

    >>> matches_fail_on("erratum", "typo", [("erratum", "substantive")]), matches_fail_on("erratum", "typo", [("erratum", None)])
    (False, True)
    """
    return any(verdict == v and (s is None or severity == s) for v, s in filters)
