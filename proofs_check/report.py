"""Writing run results: DIR/results.json, DIR/report.md, DIR/report.html (and, through hooks, other formats).

Files are written to temporary names and renamed at the end, so that a failed or interrupted run leaves
nothing half-written. Figures the checks wrote (returned as bytes by :mod:`ical_verify.proofs_check.parallel`)
are written here too; a figure that cannot be written is reported as an error of the report, and never
changes a verdict.

report.md: the summary grouped by paper (verdict, severity, scope, one-line finding), then per claim its
finding, statement, corrected statement, readings, sub-claims, checks, artefacts, figures and, folded, its
metrics and its proof step by step.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from .claim import ClaimResult
from .render_terminal import STEP_SYMBOLS, paper_groups, paper_heading, verdict_label

#: Extra writers ``writer(results, out_dir) -> list of (filename, text)``; the HTML report registers here.
EXTRA_WRITERS: list[Callable[[Sequence[ClaimResult], Path], list[tuple[str, str]]]] = []


def results_json(results: Sequence[ClaimResult]) -> str:
    """The list of claim objects, as ``ical-verify check --format json`` prints them one by one."""
    return json.dumps([r.to_json() for r in results], indent=2, sort_keys=False)


def summary_rows(results: Sequence[ClaimResult]) -> list[tuple[str, str, str, str, str]]:
    """(id, kind, verdict with severity, checks passed/total, seconds) for each claim."""
    rows = []
    for r in results:
        passed = sum(c.status == "passed" for c in r.checks)
        rows.append((r.claim.id, r.claim.kind, verdict_label(r.verdict, r.severity), f"{passed}/{len(r.checks)}",
                     f"{r.seconds:.1f}"))
    return rows


def _cell(text) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _quote(text: str) -> list[str]:
    return ["> " + line if line else ">" for line in str(text).splitlines()] or [">"]


def metrics_markdown(metrics: dict) -> list[str]:
    """Metrics as a two-column table (nested values as compact JSON), folded in ``<details>``."""
    if not metrics:
        return []
    out = ["<details><summary>metrics</summary>", "", "| metric | value |", "|---|---|"]
    for name, value in metrics.items():
        shown = value if isinstance(value, (int, float, str)) and not isinstance(value, bool) else \
            json.dumps(value, default=str)
        out.append(f"| {_cell(name)} | {_cell(shown)} |")
    return out + ["", "</details>", ""]


def proof_markdown(r: ClaimResult) -> list[str]:
    if r.proof is None:
        return []
    counts = ", ".join(f"{n} {s}" for s, n in r.proof.counts().items() if n)
    out = [f"<details><summary>Proof ({_cell(r.proof.source)}): {counts}</summary>", "",
           "| step | eq. | status | as printed | evidence |", "|---|---|---|---|---|"]
    for s in r.proof.steps:
        mark = " **(erratum)**" if r.erratum_step == s.step.id else ""
        evidence = s.detail + (f" — correction: ${s.correction}$" if s.correction else "")
        out.append(f"| {_cell(s.step.id)}{mark} | {_cell(s.step.equation)} | {STEP_SYMBOLS.get(s.status, '')} "
                   f"{s.status} | ${_cell(s.step.latex)}$ | {_cell(evidence)} |")
    return out + ["", "</details>", ""]


def _figure_link(fig: str, out_dir: Path | None) -> str:
    if out_dir is None:
        return fig
    try:
        return os.path.relpath(os.path.abspath(fig), start=os.path.abspath(out_dir))
    except ValueError:  # another drive (Windows)
        return fig


def claim_markdown(r: ClaimResult, out_dir: Path | None = None) -> list[str]:
    c = r.claim
    out = ["", f"## {c.id}: {c.title}", "",
           f"*{c.source}* — verdict **{verdict_label(r.verdict, r.severity)}**"
           + (f" — scope: {r.scope}" if r.scope else ""), ""]
    if r.finding:
        out += [f"**Finding:** {r.finding}", ""]
    out += ["Statement as printed:", "", *_quote(c.statement), ""]
    if r.corrected:
        out += ["Corrected statement (derived by the suite):", "", *_quote(r.corrected), ""]
    if r.erratum_step:
        out += [f"The proof goes wrong at step `{r.erratum_step}`.", ""]
    if r.readings:
        out += ["Readings:", "", "| reading | adopted | verdict | text | why |", "|---|---|---|---|---|"]
        out += [f"| {_cell(x.reading.id)} | {'yes' if x.reading.adopted else ''} | "
                f"{verdict_label(x.verdict, x.severity)} | {_cell(x.reading.text)} | {_cell(x.reading.why)} |"
                for x in r.readings] + [""]
    if r.subclaims:
        out += ["Sub-claims:", "", "| sub-claim | sentence | source | verdict | finding |", "|---|---|---|---|---|"]
        out += [f"| {_cell(s.subclaim.id)} | {_cell(s.subclaim.text)} | {_cell(s.subclaim.source)} | "
                f"{verdict_label(s.verdict, s.severity)} | {_cell(s.finding)} |" for s in r.subclaims] + [""]
    if c.assumptions:
        out += ["Assumptions:", ""] + [f"- {a}" for a in c.assumptions] + [""]
    if c.conventions:
        out += ["Conventions:", ""] + [f"- {a}" for a in c.conventions] + [""]
    if r.checks:
        out += ["| check | method | target | status | summary | detail |", "|---|---|---|---|---|---|"]
        for k in r.checks:
            status = k.status + (f" ({k.severity})" if k.severity else "")
            out.append(f"| {_cell(k.name)} | {k.method} | {k.target} | {status} | {_cell(k.summary)} | "
                       f"{_cell(k.detail)} |")
        out.append("")
        for k in r.checks:
            if k.metrics:
                out += [f"Metrics of `{k.name}`:", ""] + metrics_markdown(k.metrics)
    else:
        out += ["No checks yet (not-run).", ""]
    if r.partial:
        out += [f"Skipped checks: {', '.join(r.partial)}.", ""]
    for a in r.artefacts:
        state = f"error: {a.error}" if a.error else a.detail
        out += [f"Artefact `{a.name}`: {_cell(state)}", ""]
    for fig in r.figures:
        out += [f"![{c.id}]({_figure_link(fig, out_dir)})", ""]
    out += proof_markdown(r)
    return out


def report_markdown(results: Sequence[ClaimResult], seed: int | None = None, profile: str | None = None,
                    out_dir: Path | None = None) -> str:
    """A Markdown report: the summary grouped by paper, then each claim's section."""
    seed = seed if seed is not None else (results[0].seed if results else 0)
    profile = profile or (results[0].profile if results else "quick")
    out = ["# ical-verify report", "", f"Profile `{profile}`, seed {seed}.", ""]
    for paper, group in paper_groups(results, lambda r: r.claim.paper):
        out += [f"### {paper_heading(paper)}", "", "| claim | kind | verdict | severity | scope | finding |",
                "|---|---|---|---|---|---|"]
        for r in group:
            out.append(f"| [{r.claim.id}](#{r.claim.id}-{_anchor(r.claim.title)}) | {r.claim.kind} | {r.verdict} | "
                       f"{r.severity or ''} | {_cell(r.scope or '')} | {_cell(r.finding)} |")
        out.append("")
    for paper, group in paper_groups(results, lambda r: r.claim.paper):
        out += ["", f"# {paper_heading(paper)}"]
        for r in group:
            out += claim_markdown(r, out_dir)
    return "\n".join(out) + "\n"


def _anchor(title: str) -> str:
    import re

    return re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")


@dataclass
class Written:
    """What :func:`write_outputs` wrote, and the files it could not write (each a one-line message)."""

    paths: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def write_outputs(results: Sequence[ClaimResult], out_dir: Path, seed: int | None = None,
                  profile: str | None = None, files: dict[str, bytes] | None = None,
                  reports: bool = True, data: bool = True) -> Written:
    """Write the figures ``files`` (relative path → bytes), results.json, report.md, report.html and every extra
    format into ``out_dir``. Each file goes to a temporary name first; an OSError is recorded in ``errors``."""
    from .html_report import html_files

    out_dir = Path(out_dir)
    done = Written()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        done.errors.append(f"cannot create {out_dir}: {exc.strerror or exc}")
        return done
    for rel, data in sorted((files or {}).items()):
        target = out_dir / rel
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(target, data)
            done.paths.append(target)
        except OSError as exc:
            done.errors.append(f"figure {target} not written: {exc.strerror or exc}")
    texts: list[tuple[str, str]] = [("results.json", results_json(results))] if data else []
    if reports:
        texts.append(("report.md", report_markdown(results, seed, profile, out_dir)))
        texts.extend(html_files(results, out_dir, seed, profile))
        for writer in EXTRA_WRITERS:
            texts.extend(writer(results, out_dir))
    staged: list[tuple[Path, Path]] = []
    try:
        for name, text in texts:
            tmp = out_dir / f".{name}.tmp"
            staged.append((tmp, out_dir / name))
            try:
                tmp.write_text(text, encoding="utf-8")
            except OSError as exc:
                done.errors.append(f"{out_dir / name} not written: {exc.strerror or exc}")
                staged.pop()
                tmp.unlink(missing_ok=True)
        for tmp, final in staged:
            try:
                os.replace(tmp, final)
                done.paths.append(final)
            except OSError as exc:
                done.errors.append(f"{final} not written: {exc.strerror or exc}")
    finally:  # interrupted: leave no temporary file behind
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return done


def _atomic_write(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_report(results: Sequence[ClaimResult], out_dir: Path, seed: int, profile: str) -> list[Path]:
    """Write results.json, report.md, report.html and every extra format into ``out_dir``; return the paths."""
    written = write_outputs(results, out_dir, seed, profile)
    if written.errors:
        raise OSError(written.errors[0])
    return [p for p in written.paths if p.parent == Path(out_dir)]
