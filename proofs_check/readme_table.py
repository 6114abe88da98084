"""The README's claims table, generated from results (``ical-verify run --readme-table [--from DIR]``).

One Markdown table per paper (a ``###`` heading with the paper's citation above it), each claim a row: id,
kind, statement title, verdict with the erratum's severity, scope and the one-line finding. Nothing in it is
typed by hand: a test compares the README with :func:`readme_table` of the committed results.
"""

from __future__ import annotations

from typing import Sequence

from .claim import ClaimResult
from .render_terminal import paper_groups, verdict_label

HEADER = "| id | kind | statement | verdict | scope | finding |"
RULE = "|---|---|---|---|---|---|"


def cell(text) -> str:
    """Table-cell text: one line, pipes escaped.

    >>> cell("a | b\\nc")
    'a \\\\| b c'
    """
    return " ".join(str(text).split()).replace("|", "\\|")


def _citation(paper_id: str) -> str:
    from .registry import all_papers

    for p in all_papers():
        if p.id == paper_id:
            return p.citation
    return ""


def readme_table(results: Sequence[ClaimResult]) -> str:
    """The claims table of the README for ``results`` (fresh or loaded with ``stored.load_results``)."""
    profiles = sorted({r.profile for r in results}) or ["quick"]
    seeds = sorted({r.seed for r in results}) or [0]
    out = [f"Verdicts of `ical-verify run` ({', '.join(profiles)} profile, seed {', '.join(map(str, seeds))}).",
           ""]
    for paper, group in paper_groups(results, lambda r: r.claim.paper):
        citation = _citation(paper)
        out += [f"### {paper or 'other claims'}" + (f": {cell(citation)}" if citation else ""), "", HEADER, RULE]
        for r in group:
            out.append(f"| {cell(r.claim.id)} | {cell(r.claim.kind)} | {cell(r.claim.title)} | "
                       f"{cell(verdict_label(r.verdict, r.severity))} | {cell(r.scope or '—')} | "
                       f"{cell(r.finding or '—')} |")
        out.append("")
    return "\n".join(out)
