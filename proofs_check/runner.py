"""Running the checks of a claim and deciding its verdict."""

from __future__ import annotations

import time
import traceback
from pathlib import Path
from typing import Callable, Iterable

from .claim import (DEVICES, PROFILES, ArtefactResult, CheckResult, Claim, ClaimResult, ProofResult, RunContext,
                    StepResult, SubClaimResult)
from .errors import UsageError, require
from .findings import claim_finding, from_checks
from .registry import get_claim
from .verdicts import Decision, combine, decide_readings, decide_with_severity


def make_context(seed: int = 0, profile: str = "quick", out_dir: str | Path = "ical-report",
                 progress: Callable[[str, int, int], None] | None = None, device: str = "cpu",
                 threads: int = 1) -> RunContext:
    """A validated :class:`RunContext` (unknown profiles, negative seeds and unknown devices are usage errors)."""
    require(profile in PROFILES, f"unknown profile {profile!r}: valid profiles are {', '.join(PROFILES)}")
    require(isinstance(seed, int) and not isinstance(seed, bool) and seed >= 0,
            f"seed {seed!r} is out of range: it must be an integer >= 0")
    require(device in DEVICES, f"unknown device {device!r}: valid devices are {', '.join(DEVICES)}")
    require(isinstance(threads, int) and threads >= 1, f"threads {threads!r} is out of range: it must be >= 1")
    return RunContext(seed=seed, profile=profile, out_dir=Path(out_dir), progress=progress, device=device,
                      threads=threads)


def _traceback_tail(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-3:])


def _run_check(check, ctx: RunContext) -> tuple[CheckResult, str | None]:
    """Run one check; a check that raises is recorded with status ``error``."""
    t0 = time.perf_counter()
    try:
        outcome = check.run(ctx)
    except Exception as exc:  # a crashed check is reported, not hidden
        return CheckResult(
            name=check.name, method=check.method, target=check.target, passed=False, status="error",
            detail=f"check crashed: {type(exc).__name__}: {exc}", metrics={"traceback": _traceback_tail(exc)},
            seconds=time.perf_counter() - t0), None
    status = {True: "passed", False: "failed", None: "inconclusive"}[outcome.passed]
    severity = (outcome.severity or check.severity) if check.target == "printed" and status == "failed" else None
    result = CheckResult(
        name=check.name, method=check.method, target=check.target, passed=bool(outcome.passed), status=status,
        detail=outcome.detail, metrics=_jsonable(outcome.metrics), seconds=time.perf_counter() - t0,
        derived=list(outcome.derived), summary=outcome.summary or "", severity=severity, scope=outcome.scope,
        figures=[str(f) for f in outcome.figures])
    return result, outcome.corrected


def _run_artefact(artefact, ctx: RunContext) -> ArtefactResult:
    t0 = time.perf_counter()
    try:
        out = artefact.run(ctx)
    except Exception as exc:
        return ArtefactResult(artefact.name, f"artefact crashed: {type(exc).__name__}: {exc}",
                              metrics={"traceback": _traceback_tail(exc)}, seconds=time.perf_counter() - t0,
                              error=f"{type(exc).__name__}: {exc}")
    return ArtefactResult(artefact.name, out.detail, [str(f) for f in out.figures], list(out.derived),
                          _jsonable(out.metrics), time.perf_counter() - t0)


def run_proof(claim: Claim, ctx: RunContext) -> ProofResult | None:
    """Check every step of the claim's proof (None if the claim has no proof transcribed)."""
    if claim.proof is None:
        return None
    steps = []
    for k, step in enumerate(claim.proof.steps):
        ctx.report(f"{claim.id}: proof step {step.id}", k, len(claim.proof.steps))
        t0 = time.perf_counter()
        if step.check is None:
            steps.append(StepResult(step, "not-checked", step.reason or "no checker for this step"))
            continue
        try:
            out = step.check(ctx)
        except Exception as exc:
            steps.append(StepResult(step, "not-checked", f"the step checker crashed: {type(exc).__name__}: {exc}",
                                    metrics={"traceback": _traceback_tail(exc)}, seconds=time.perf_counter() - t0))
            continue
        steps.append(StepResult(step, out.status, out.detail, out.correction, out.severity, _jsonable(out.metrics),
                                list(out.derived), time.perf_counter() - t0, out.scope))
    return ProofResult(claim.proof.source, steps)


def _scope(checks: list[CheckResult]) -> str | None:
    """For which sizes the passing checks establish what they check: the certified scopes (``all ...``) if a
    passing check certifies one, else the distinct grid scopes, joined (None if no check states one)."""
    scopes = list(dict.fromkeys(c.scope for c in checks if c.scope and c.status == "passed"))
    certified = [s for s in scopes if s.startswith("all ")]
    chosen = certified or scopes
    if not chosen:
        return None
    shown = "; ".join(chosen[:2])
    return shown + (f" (+{len(chosen) - 2} more in the checks)" if len(chosen) > 2 else "")


def run_claim(claim_id: str, context: RunContext | None = None,
              only: Iterable[str] | None = None, proof: bool = True) -> ClaimResult:
    """Run every check of claim ``claim_id`` (or those named in ``only``) and decide the verdict.

    A check that raises is recorded with status ``error`` and the traceback's last lines in its metrics; the
    other checks still run. ``only`` must name checks of the claim (an unknown name is a :class:`UsageError`);
    a partial run records the skipped checks in ``skipped_checks``, runs no artefacts and no proof, and its
    verdict is ``not-run`` if it ran no check of the printed statement. ``proof=False`` skips the proof steps.
    """
    claim = get_claim(claim_id)
    ctx = context or make_context()
    names = [c.name for c in claim.checks]
    if only is not None:
        only = list(only)
        unknown = [n for n in only if n not in names]
        require(not unknown, f"claim {claim.id}: unknown check(s) {', '.join(map(repr, unknown))}: "
                             f"valid checks are {', '.join(names)}")
    wanted = set(only) if only is not None else None
    start = time.perf_counter()
    results: list[CheckResult] = []
    corrected_by_check: dict[str, str] = {}
    checks = [c for c in claim.checks if wanted is None or c.name in wanted]
    for i, check in enumerate(checks):
        ctx.report(f"{claim.id}: {check.name}", i, len(checks))
        result, corrected = _run_check(check, ctx)
        results.append(result)
        if corrected:
            corrected_by_check[check.name] = corrected
    artefacts = []
    if wanted is None:
        for artefact in claim.artefacts:
            ctx.report(f"{claim.id}: {artefact.name}", len(checks), len(checks))
            artefacts.append(_run_artefact(artefact, ctx))
    proof_result = run_proof(claim, ctx) if proof and wanted is None else None
    ctx.report(f"{claim.id}: done", len(checks), len(checks))

    readings, subclaims = [], []
    if claim.subclaims:
        decisions = []
        for sub in claim.subclaims:
            pool = [r for r in results if r.name in sub.checks]
            if sub.readings:
                rr = decide_readings(sub.readings, pool, corrected_by_check)
                adopted = next(r for r in rr if r.reading.adopted)
                d, corr = Decision(adopted.verdict, adopted.severity), adopted.corrected
                names_used = {e.split(":")[0] for e in adopted.evidence}
                finding = from_checks([r for r in pool if r.name in names_used], d.verdict)
            else:
                rr = []
                corr = next((corrected_by_check[r.name] for r in pool if r.name in corrected_by_check), None)
                d = decide_with_severity(pool, corr)
                finding = from_checks(pool, d.verdict)
            decisions.append(d)
            subclaims.append(SubClaimResult(sub, d.verdict, d.severity, finding, rr,
                                            corr if d.verdict == "erratum" else None))
        decision = combine(decisions)
        corrected = next((s.corrected for s in subclaims if s.corrected and s.severity == decision.severity), None)
    elif claim.readings:
        readings = decide_readings(claim.readings, results, corrected_by_check)
        adopted = next(r for r in readings if r.reading.adopted)
        decision, corrected = Decision(adopted.verdict, adopted.severity), adopted.corrected
    else:
        corrected = next((corrected_by_check[r.name] for r in results if r.name in corrected_by_check), None)
        decision = decide_with_severity(results, corrected)
        # the top-level corrected statement is the erratum's; a variant derived for a claim that holds as
        # printed (another convention, say) stays in its check's detail
        corrected = corrected if decision.verdict == "erratum" else None

    figures = [f for r in results for f in r.figures] + [f for a in artefacts for f in a.figures]
    erratum_step = None
    if decision.verdict in ("erratum", "refuted"):
        erratum_step = claim.erratum_step or None
        if erratum_step is None and proof_result is not None:
            erratum_step = next((s.step.id for s in proof_result.steps if s.status == "fails"), None)
    result = ClaimResult(
        claim=claim, verdict=decision.verdict, checks=results, corrected=corrected, figures=figures,
        seconds=time.perf_counter() - start, seed=ctx.seed, profile=ctx.profile, severity=decision.severity,
        readings=readings, subclaims=subclaims, artefacts=artefacts, proof=proof_result, scope=_scope(results),
        erratum_step=erratum_step,
        partial=[c.name for c in claim.checks if wanted is not None and c.name not in wanted])
    result.finding = claim_finding(result)
    return result


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


__all__ = ["make_context", "run_claim", "run_proof", "UsageError"]
