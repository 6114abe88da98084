"""Results as data: rebuild :class:`~ical_verify.proofs_check.claim.ClaimResult` objects from ``results.json``.

``ical-verify run`` writes ``DIR/results.json``, a list of claim objects (``ClaimResult.to_json``). This module
reads them back, so that every renderer (terminal, Markdown, HTML, LaTeX, the README table) works on stored
results without re-running anything:

>>> import json, tempfile, pathlib
>>> from ical_verify.proofs_check.claim import Claim, ClaimResult
>>> r = ClaimResult(Claim("x", "lemma", "A lemma", "s", "src", 1), "not-run", [], None, [], 0.0, 3, "quick")
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "results.json").write_text(json.dumps([r.to_json()]))
>>> [(s.claim.id, s.verdict, s.seed) for s in load_results(folder)]
[('x', 'not-run', 3)]

The claim of a stored result is the registry's claim when the registry has one with that id and paper (so
that its readings name their checks), with the statement and the other texts as stored; otherwise it is
rebuilt from the stored fields alone (a claim of a paper that is not installed here, or one since removed).
Stored records are not re-validated: a result is what was recorded.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Iterable

from .claim import (ArtefactResult, Check, CheckOutcome, CheckResult, Claim, ClaimResult, DerivedExpression,
                    Proof, ProofResult, ProofStep, Reading, ReadingResult, StepResult, SubClaim, SubClaimResult)
from .errors import UsageError

#: The file a run writes its results to, inside its output folder.
RESULTS_FILE = "results.json"
#: The file an interrupted run writes the results of the claims it completed to.
PARTIAL_FILE = "results.partial.json"


def _record(cls, **values):
    """An instance of the (frozen) dataclass ``cls`` with ``values``, defaults elsewhere, not re-validated."""
    obj = cls.__new__(cls)
    for f in dataclasses.fields(cls):
        if f.name in values:
            value = values[f.name]
        elif f.default is not dataclasses.MISSING:
            value = f.default
        elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
            value = f.default_factory()  # type: ignore[misc]
        else:
            raise TypeError(f"{cls.__name__}: no value for {f.name}")
        object.__setattr__(obj, f.name, value)
    return obj


def _stored_check(ctx):  # pragma: no cover - a stored claim's checks are records, never run
    return CheckOutcome(None, "this check was loaded from stored results and cannot run here")


def derived_from_json(obj: dict) -> DerivedExpression:
    return DerivedExpression(name=obj.get("name", ""), latex=obj.get("latex", ""), srepr=obj.get("srepr", ""),
                             description=obj.get("description", ""))


def _derived(items) -> list[DerivedExpression]:
    return [derived_from_json(d) for d in items or []]


def check_from_json(obj: dict) -> CheckResult:
    result = CheckResult(
        name=obj["name"], method=obj.get("method", ""), target=obj.get("target", "printed"),
        passed=bool(obj.get("passed", False)), status=obj.get("status", "passed" if obj.get("passed") else "failed"),
        detail=obj.get("detail", ""), metrics=obj.get("metrics") or {}, seconds=float(obj.get("seconds", 0.0)),
        derived=_derived(obj.get("derived")), summary=obj.get("summary", ""), severity=obj.get("severity"),
        scope=obj.get("scope"), figures=list(obj.get("figures") or []))
    result.summary = obj.get("summary", result.summary)
    return result


def _reading(obj: dict, known: dict[str, Reading]) -> Reading:
    base = known.get(obj.get("reading", ""))
    return _record(Reading, id=obj.get("reading", ""), text=obj.get("text", ""),
                   checks=tuple(base.checks) if base is not None else (), adopted=bool(obj.get("adopted")),
                   why=obj.get("why", ""))


def reading_from_json(obj: dict, known: dict[str, Reading] | None = None) -> ReadingResult:
    return ReadingResult(reading=_reading(obj, known or {}), verdict=obj.get("verdict", "not-run"),
                         severity=obj.get("severity"), evidence=list(obj.get("evidence") or []),
                         corrected=obj.get("corrected"))


def subclaim_from_json(obj: dict, known: dict[str, SubClaim] | None = None) -> SubClaimResult:
    base = (known or {}).get(obj.get("id", ""))
    base_readings = {r.id: r for r in base.readings} if base is not None else {}
    readings = [reading_from_json(r, base_readings) for r in obj.get("readings") or []]
    sub = _record(SubClaim, id=obj.get("id", ""), text=obj.get("text", ""), checks=tuple(obj.get("checks") or ()),
                  source=obj.get("source", ""), readings=tuple(r.reading for r in readings))
    return SubClaimResult(subclaim=sub, verdict=obj.get("verdict", "not-run"), severity=obj.get("severity"),
                          finding=obj.get("finding", ""), readings=readings, corrected=obj.get("corrected"))


def artefact_from_json(obj: dict) -> ArtefactResult:
    return ArtefactResult(name=obj.get("name", ""), detail=obj.get("detail", ""),
                          figures=list(obj.get("figures") or []), derived=_derived(obj.get("derived")),
                          metrics=obj.get("metrics") or {}, seconds=float(obj.get("seconds", 0.0)),
                          error=obj.get("error"))


def proof_from_json(obj: dict | None) -> ProofResult | None:
    if not obj:
        return None
    steps = []
    for s in obj.get("steps") or []:
        step = _record(ProofStep, id=s.get("id", ""), latex=s.get("latex", ""), equation=s.get("equation", ""),
                       meaning=s.get("meaning", ""), claims_from=tuple(s.get("claims_from") or ()),
                       method=s.get("method", ""), check=None,
                       reason=s.get("detail", "") if s.get("status") == "not-checked" else "")
        steps.append(StepResult(step=step, status=s.get("status", "not-checked"), detail=s.get("detail", ""),
                                correction=s.get("correction"), severity=s.get("severity"),
                                metrics=s.get("metrics") or {}, derived=_derived(s.get("derived")),
                                seconds=float(s.get("seconds", 0.0))))
    return ProofResult(source=obj.get("source", ""), steps=steps)


def _registry_claim(claim_id: str, paper: str) -> Claim | None:
    from .registry import all_claims

    try:
        claims = all_claims()
    except Exception:  # a broken registry must not stop stored results from being shown
        return None
    for c in claims:
        if c.id == claim_id and (not paper or c.paper == paper):
            return c
    return None


_TEXT_FIELDS = ("kind", "title", "statement", "source", "notes")


def claim_from_json(obj: dict, order: float = 0.0, proof: ProofResult | None = None,
                    subclaims: Iterable[SubClaimResult] = (), readings: Iterable[ReadingResult] = ()) -> Claim:
    """The claim of a stored result: the registry's (texts as stored) or one rebuilt from the stored fields."""
    claim_id, paper = obj["claim"], obj.get("paper") or ""
    stored = {k: obj[k] for k in _TEXT_FIELDS if k in obj}
    stored.update(definitions=dict(obj.get("definitions") or {}), assumptions=tuple(obj.get("assumptions") or ()),
                  conventions=tuple(obj.get("conventions") or ()), paper=paper)
    base = _registry_claim(claim_id, paper)
    if base is not None:
        values = {f.name: getattr(base, f.name) for f in dataclasses.fields(Claim)}
        values.update(stored)
        return _record(Claim, **values)
    checks = tuple(_record(Check, name=c["name"], method=c.get("method", ""), target=c.get("target", "printed"),
                           run=_stored_check, description="", severity=c.get("severity") or "substantive")
                   for c in obj.get("checks") or [])
    proof_def = None
    if proof is not None:
        proof_def = _record(Proof, source=proof.source, steps=tuple(s.step for s in proof.steps))
    return _record(Claim, id=claim_id, order=order, checks=checks, proof=proof_def,
                   subclaims=tuple(s.subclaim for s in subclaims), readings=tuple(r.reading for r in readings),
                   artefacts=(), erratum_step="", finding=None, **stored)


def result_from_json(obj: dict, order: float = 0.0) -> ClaimResult:
    """Rebuild one :class:`ClaimResult` from its JSON object (``ClaimResult.to_json``)."""
    if not isinstance(obj, dict) or "claim" not in obj or "verdict" not in obj:
        raise UsageError("a stored result is not a claim object (it needs at least 'claim' and 'verdict')")
    base = _registry_claim(obj["claim"], obj.get("paper") or "")
    base_readings = {r.id: r for r in base.readings} if base is not None else {}
    base_subs = {s.id: s for s in base.subclaims} if base is not None else {}
    readings = [reading_from_json(r, base_readings) for r in obj.get("readings") or []]
    subclaims = [subclaim_from_json(s, base_subs) for s in obj.get("subclaims") or []]
    proof = proof_from_json(obj.get("proof"))
    claim = claim_from_json(obj, order, proof, subclaims, readings)
    return ClaimResult(
        claim=claim, verdict=obj["verdict"], checks=[check_from_json(c) for c in obj.get("checks") or []],
        corrected=obj.get("corrected"), figures=list(obj.get("figures") or []),
        seconds=float(obj.get("seconds", 0.0)), seed=int(obj.get("seed", 0)), profile=obj.get("profile", "quick"),
        severity=obj.get("severity"), finding=obj.get("finding", ""), readings=readings, subclaims=subclaims,
        artefacts=[artefact_from_json(a) for a in obj.get("artefacts") or []], proof=proof,
        scope=obj.get("scope"), erratum_step=obj.get("erratum_step"),
        partial=list(obj.get("skipped_checks") or []))


def results_file(path: str | Path) -> Path:
    """The results file of ``path``: the file itself, or ``path/results.json`` for a folder."""
    p = Path(path)
    if p.is_dir():
        f = p / RESULTS_FILE
        if not f.exists() and (p / PARTIAL_FILE).exists():
            f = p / PARTIAL_FILE
        if not f.exists():
            raise UsageError(f"--from {path}: no {RESULTS_FILE} in that folder (give a folder written by "
                             "`ical-verify run` or `check`, or a results file)")
        return f
    if not p.exists():
        raise UsageError(f"--from {path}: no such file or folder (give a folder written by `ical-verify run` "
                         "or a results.json file)")
    return p


def load_json(path: str | Path) -> list[dict]:
    """The list of stored claim objects in ``path`` (a results folder or file)."""
    f = results_file(path)
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"--from {path}: {f} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--from {path}: cannot read {f} ({exc})") from None
    if isinstance(data, dict):
        data = data.get("results", [data] if "claim" in data else None)
    if not isinstance(data, list):
        raise UsageError(f"--from {path}: {f} holds no list of claim results")
    return data


def resolve_figure(path: str, base: Path) -> str:
    """A stored figure path as it can be opened from here: as stored if it exists, else inside ``base``."""
    p = Path(path)
    if p.exists():
        return path
    candidates = [base / p, base / "figures" / p.name, base / p.name]
    if not p.is_absolute():
        # a path stored relative to the run's working folder, e.g. ical-report/figures/x.png
        candidates += [base / Path(*p.parts[1:])] if len(p.parts) > 1 else []
    for c in candidates:
        if c.exists():
            return str(c)
    return path


def _relocate(result: ClaimResult, base: Path) -> None:
    fix = lambda paths: [resolve_figure(f, base) for f in paths]  # noqa: E731
    result.figures = fix(result.figures)
    for c in result.checks:
        c.figures = fix(c.figures)
    for a in result.artefacts:
        a.figures = fix(a.figures)


def load_results(path: str | Path, relocate: bool = True) -> list[ClaimResult]:
    """Every stored result of ``path`` (a folder with ``results.json``, or a results file), in stored order.

    With ``relocate`` (the default) figure paths that do not exist as stored are looked up in the results'
    folder, so that a report folder moved elsewhere still renders its figures.
    """
    objs = load_json(path)
    results = []
    for k, obj in enumerate(objs):
        try:
            results.append(result_from_json(obj, order=k))
        except (KeyError, TypeError, ValueError) as exc:
            raise UsageError(f"--from {path}: stored result {k + 1} cannot be read ({type(exc).__name__}: {exc})") \
                from None
    if relocate:
        base = results_file(path).parent
        for r in results:
            _relocate(r, base)
    return results


def find_result(results: Iterable[ClaimResult], claim: str, source: str) -> ClaimResult:
    """The stored result of ``claim`` (``id`` or ``paper:id``); a one-line :class:`UsageError` otherwise."""
    results = list(results)
    paper, sep, bare = claim.rpartition(":")
    for r in results:
        if r.claim.id == bare and (not sep or r.claim.paper == paper):
            return r
    have = ", ".join(r.claim.id for r in results) or "none"
    raise UsageError(f"claim {claim!r} has no stored result in {source}: stored claims are {have}")


def dumps(results: Iterable[ClaimResult]) -> str:
    """``results.json``'s text for ``results``."""
    return json.dumps([r.to_json() for r in results], indent=2, sort_keys=False)


def replace_in_strings(value: Any, old: str, new: str) -> Any:
    """``value`` (a JSON tree) with every occurrence of ``old`` in its strings replaced by ``new``."""
    if isinstance(value, str):
        return value.replace(old, new) if old in value else value
    if isinstance(value, list):
        return [replace_in_strings(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: replace_in_strings(v, old, new) for k, v in value.items()}
    return value


__all__ = ["load_results", "load_json", "result_from_json", "find_result", "dumps", "resolve_figure",
           "RESULTS_FILE", "PARTIAL_FILE"]
