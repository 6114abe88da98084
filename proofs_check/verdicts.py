"""Verdicts from check results.

- ``verified``: every check of the printed statement passes (and no check is inconclusive);
- ``erratum``: a check of the printed statement fails, and the suite derived a corrected statement that
  passes every one of its checks;
- ``refuted``: a check of the printed statement fails and no correction is established;
- ``inconclusive``: no check fails, but at least one cannot decide;
- ``not-run``: the claim has no checks yet.

If the printed statement passes while a check of a corrected form fails, the evidence is mixed and the
verdict is ``inconclusive``.

A check that crashed (status ``error``) makes the claim ``inconclusive``; the CLI exits 1 for it.
"""

from __future__ import annotations

from typing import Sequence

from .claim import CheckResult

VERDICTS = ("verified", "erratum", "refuted", "inconclusive", "not-run")


def decide(results: Sequence[CheckResult], corrected: str | None) -> str:
    """The verdict of a claim from its check results and its corrected statement (or None).

    >>> from ical_verify.proofs_check.claim import CheckResult
    >>> ok = CheckResult("a", "symbolic", "printed", True, "passed", "", {}, 0.0)
    >>> bad = CheckResult("b", "symbolic", "printed", False, "failed", "", {}, 0.0)
    >>> fix = CheckResult("c", "symbolic", "corrected", True, "passed", "", {}, 0.0)
    >>> decide([ok], None), decide([ok, bad], None), decide([bad, fix], "x"), decide([], None)
    ('verified', 'refuted', 'erratum', 'not-run')
    """
    if not results:
        return "not-run"
    printed = [r for r in results if r.target == "printed"]
    fixes = [r for r in results if r.target == "corrected"]
    if any(r.status == "failed" for r in printed):
        if corrected and fixes and all(r.status == "passed" for r in fixes):
            return "erratum"
        return "refuted"
    if any(r.status in ("inconclusive", "error") for r in results):
        return "inconclusive"
    if any(r.status == "failed" for r in fixes):
        # the printed statement passed, but a derived alternative did not: the evidence is mixed
        return "inconclusive"
    return "verified"
