"""Running the checks of a claim and deciding its verdict."""

from __future__ import annotations

import time
import traceback
from pathlib import Path
from typing import Callable, Iterable

from .claim import PROFILES, CheckResult, ClaimResult, RunContext
from .errors import require
from .registry import get_claim
from .verdicts import decide


def make_context(seed: int = 0, profile: str = "quick", out_dir: str | Path = "ical-report",
                 progress: Callable[[str, int, int], None] | None = None) -> RunContext:
    """A validated :class:`RunContext` (unknown profiles and negative seeds are usage errors)."""
    require(profile in PROFILES, f"unknown profile {profile!r}: valid profiles are {', '.join(PROFILES)}")
    require(isinstance(seed, int) and seed >= 0, f"seed {seed!r} is out of range: it must be an integer >= 0")
    return RunContext(seed=seed, profile=profile, out_dir=Path(out_dir), progress=progress)


def run_claim(claim_id: str, context: RunContext | None = None,
              only: Iterable[str] | None = None) -> ClaimResult:
    """Run every check of claim ``claim_id`` (or those named in ``only``) and decide the verdict.

    A check that raises is recorded with status ``error`` and the traceback's last line in its detail;
    the other checks still run.
    """
    claim = get_claim(claim_id)
    ctx = context or make_context()
    wanted = set(only) if only is not None else None
    start = time.perf_counter()
    results: list[CheckResult] = []
    corrected: str | None = None
    figures: list[str] = []
    checks = [c for c in claim.checks if wanted is None or c.name in wanted]
    for i, check in enumerate(checks):
        ctx.report(f"{claim.id}: {check.name}", i, len(checks))
        t0 = time.perf_counter()
        try:
            outcome = check.run(ctx)
        except Exception as exc:  # a crashed check is reported, not hidden
            tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
            results.append(CheckResult(
                name=check.name, method=check.method, target=check.target, passed=False,
                status="error", detail=f"check crashed: {type(exc).__name__}: {exc}",
                metrics={"traceback": "".join(tb[-3:])}, seconds=time.perf_counter() - t0))
            continue
        status = {True: "passed", False: "failed", None: "inconclusive"}[outcome.passed]
        results.append(CheckResult(
            name=check.name, method=check.method, target=check.target,
            passed=bool(outcome.passed), status=status, detail=outcome.detail,
            metrics=_jsonable(outcome.metrics), seconds=time.perf_counter() - t0,
            derived=list(outcome.derived)))
        if outcome.corrected and corrected is None:
            corrected = outcome.corrected
        figures.extend(str(f) for f in outcome.figures)
    ctx.report(f"{claim.id}: done", len(checks), len(checks))
    verdict = decide(results, corrected)
    # the top-level corrected statement is the erratum's; a variant derived for a claim that holds as
    # printed (another convention, say) stays in its check's detail
    return ClaimResult(claim=claim, verdict=verdict, checks=results,
                       corrected=corrected if verdict == "erratum" else None, figures=figures,
                       seconds=time.perf_counter() - start, seed=ctx.seed, profile=ctx.profile)


def _jsonable(value):
    """Metrics as plain JSON values (NumPy scalars and arrays, SymPy numbers, tuples)."""
    import numbers

    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bool, str)) or value is None:
        return value
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return _jsonable(value.tolist())
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        f = float(value)
        return f if f == f and abs(f) != float("inf") else str(f)
    if isinstance(value, complex):
        return {"re": value.real, "im": value.imag}
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)
