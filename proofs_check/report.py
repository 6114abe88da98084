"""Writing run results: DIR/results.json, DIR/report.md, DIR/report.html (and, through hooks, other formats).

Files are written to temporary names and renamed at the end, so that a failed run leaves nothing
half-written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable, Sequence

from .claim import ClaimResult

#: Extra writers ``writer(results, out_dir) -> list of (filename, text)``; the HTML report registers here.
EXTRA_WRITERS: list[Callable[[Sequence[ClaimResult], Path], list[tuple[str, str]]]] = []


def results_json(results: Sequence[ClaimResult]) -> str:
    """The list of claim objects, as ``ical-verify check --format json`` prints them one by one."""
    return json.dumps([r.to_json() for r in results], indent=2, sort_keys=False)


def summary_rows(results: Sequence[ClaimResult]) -> list[tuple[str, str, str, str, str]]:
    """(id, kind, verdict, checks passed/total, seconds) for each claim."""
    rows = []
    for r in results:
        passed = sum(c.status == "passed" for c in r.checks)
        rows.append((r.claim.id, r.claim.kind, r.verdict, f"{passed}/{len(r.checks)}", f"{r.seconds:.1f}"))
    return rows


def report_markdown(results: Sequence[ClaimResult], seed: int, profile: str) -> str:
    """A Markdown report: the summary table, then each claim's statement, correction and checks."""
    out = ["# ical-verify report", "",
           "Sander, Giryes, Suzuki, Blondel and Peyré, *How do Transformers perform In-Context "
           "Autoregressive Learning?* (ICML 2024).", "",
           f"Profile `{profile}`, seed {seed}.", "",
           "| claim | kind | verdict | checks passed | seconds |", "|---|---|---|---|---|"]
    for row in summary_rows(results):
        out.append("| " + " | ".join(row) + " |")
    for r in results:
        c = r.claim
        out += ["", f"## {c.id}: {c.title}", "", f"*{c.source}* — verdict **{r.verdict}**", "",
                "Statement as printed:", "", f"> {c.statement}", ""]
        if r.corrected:
            out += ["Corrected statement (derived by the suite):", "", f"> {r.corrected}", ""]
        if c.assumptions:
            out += ["Assumptions:", ""] + [f"- {a}" for a in c.assumptions] + [""]
        if c.conventions:
            out += ["Conventions:", ""] + [f"- {a}" for a in c.conventions] + [""]
        if r.checks:
            out += ["| check | method | target | status | detail |", "|---|---|---|---|---|"]
            for k in r.checks:
                detail = k.detail.replace("|", "\\|").replace("\n", " ")
                out.append(f"| {k.name} | {k.method} | {k.target} | {k.status} | {detail} |")
        else:
            out.append("No checks yet (not-run).")
        for fig in r.figures:
            out += ["", f"![{c.id}]({os.path.relpath(fig, start='.')})"]
    return "\n".join(out) + "\n"


def write_report(results: Sequence[ClaimResult], out_dir: Path, seed: int, profile: str) -> list[Path]:
    """Write results.json, report.md, report.html and every extra format into ``out_dir``; return the paths."""
    from .html_report import html_files
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, str]] = [("results.json", results_json(results)),
                                    ("report.md", _relative_figures(report_markdown(results, seed, profile), out_dir))]
    files.extend(html_files(results, out_dir, seed, profile))
    for writer in EXTRA_WRITERS:
        files.extend(writer(results, out_dir))
    written = []
    for name, text in files:
        tmp = out_dir / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        written.append((tmp, out_dir / name))
    for tmp, final in written:
        os.replace(tmp, final)
    return [final for _, final in written]


def _relative_figures(markdown: str, out_dir: Path) -> str:
    """Figure links relative to the report's folder."""
    prefix = os.path.relpath(out_dir, start=".")
    if prefix == ".":
        return markdown
    return markdown.replace(f"]({prefix}/", "](")
