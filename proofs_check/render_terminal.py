"""Terminal rendering (rich) of claims and results: ``list``, ``check``, ``show``, ``proof`` and ``run``'s summary.

Everything here works on :class:`~ical_verify.proofs_check.claim.ClaimResult` objects, fresh or loaded from
``results.json`` (:mod:`ical_verify.proofs_check.stored`).
"""

from __future__ import annotations

from typing import Iterable, Sequence

from .claim import Claim, ClaimResult, ProofResult

VERDICT_STYLE = {"verified": "green", "erratum": "yellow", "refuted": "red", "inconclusive": "magenta",
                 "not-run": "dim"}
STATUS_STYLE = {"passed": "green", "failed": "red", "inconclusive": "magenta", "error": "bold red",
                "follows": "green", "follows-with-correction": "yellow", "gap": "magenta", "fails": "bold red",
                "not-checked": "dim"}
#: One symbol per proof-step status (the terminal and the LaTeX margin use the same).
STEP_SYMBOLS = {"follows": "✓", "follows-with-correction": "✓*", "gap": "?", "fails": "✗", "not-checked": "–"}


def verdict_label(verdict: str, severity: str | None) -> str:
    """``erratum (constant)`` for an erratum with a severity, the verdict alone otherwise.

    >>> verdict_label("erratum", "constant"), verdict_label("verified", None)
    ('erratum (constant)', 'verified')
    """
    return f"{verdict} ({severity})" if severity else verdict


def styled(text: str, style: str) -> str:
    from rich.markup import escape

    return f"[{style}]{escape(text)}[/{style}]" if style else escape(text)


def verdict_markup(verdict: str, severity: str | None = None) -> str:
    return styled(verdict_label(verdict, severity), VERDICT_STYLE.get(verdict, ""))


def _esc(text) -> str:
    from rich.markup import escape

    return escape(str(text))


def paper_groups(items: Sequence, paper_of) -> list[tuple[str, list]]:
    """``items`` grouped by paper id, papers in first-appearance order."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(paper_of(item) or "", []).append(item)
    return list(groups.items())


def paper_heading(paper_id: str) -> str:
    """``paper_id — citation`` from the registry (the id alone for a paper that is not registered)."""
    if not paper_id:
        return "(no paper)"
    from .registry import all_papers

    for p in all_papers():
        if p.id == paper_id:
            return f"{p.id} — {p.citation}"
    return paper_id


def claims_table(claims: Sequence[Claim], title: str = "Claims"):
    """``list``: one table per paper (titled with its citation): each claim's kind, title, methods and how many
    checks, readings, sub-claims and proof steps it has."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    tables = [Text(title, style="bold")]
    for paper, group in paper_groups(claims, lambda c: c.paper):
        table = Table(title=paper_heading(paper), title_justify="left")
        for col in ("id", "kind", "title", "methods", "checks", "readings", "sub-claims", "proof steps"):
            table.add_column(col, overflow="fold")
        for c in group:
            table.add_row(_esc(c.id), c.kind, _esc(c.title), ", ".join(c.methods) or "-", str(len(c.checks)),
                          str(len(c.readings)) if c.readings else "-",
                          str(len(c.subclaims)) if c.subclaims else "-",
                          str(len(c.proof.steps)) if c.proof is not None else "-")
        tables.append(table)
    return Group(*tables)


def summary_table(results: Sequence[ClaimResult], title: str = ""):
    """``run``'s summary, one table per paper: each claim's verdict (and severity), scope and one-line finding."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts = [Text(title, style="bold")] if title else []
    for paper, group in paper_groups(results, lambda r: r.claim.paper):
        table = Table(title=paper_heading(paper), title_justify="left")
        for col, kw in (("claim", {}), ("kind", {}), ("verdict", {}), ("scope", {"overflow": "fold"}),
                        ("finding", {"overflow": "fold", "ratio": 3}), ("checks", {}), ("s", {"justify": "right"})):
            table.add_column(col, **kw)
        for r in group:
            passed = sum(k.status == "passed" for k in r.checks)
            table.add_row(_esc(r.claim.id), r.claim.kind, verdict_markup(r.verdict, r.severity),
                          _esc(r.scope or "-"), _esc(r.finding or "-"), f"{passed}/{len(r.checks)}",
                          f"{r.seconds:.1f}")
        parts.append(table)
    return Group(*parts)


def proof_table(proof: ProofResult, erratum_step: str | None = None):
    """Each step of a proof with its status beside its LaTeX (and the correction, the evidence)."""
    from rich.table import Table

    counts = ", ".join(f"{n} {s}" for s, n in proof.counts().items() if n)
    table = Table(title=f"Proof ({_esc(proof.source)}): {counts}", show_lines=True)
    for col, kw in (("step", {}), ("eq.", {}), ("status", {}), ("LaTeX as printed", {"overflow": "fold", "ratio": 3}),
                    ("evidence", {"overflow": "fold", "ratio": 2})):
        table.add_column(col, **kw)
    for s in proof.steps:
        status = f"{STEP_SYMBOLS.get(s.status, '')} {s.status}"
        step = _esc(s.step.id) + (" [bold red]← erratum[/bold red]" if erratum_step == s.step.id else "")
        evidence = _esc(s.detail)
        if s.correction:
            evidence += f"\n[yellow]correction:[/yellow] {_esc(s.correction)}"
        if s.step.claims_from:
            evidence += f"\n[dim]from {_esc(', '.join(s.step.claims_from))}[/dim]"
        table.add_row(step, _esc(s.step.equation or ""), styled(status, STATUS_STYLE.get(s.status, "")),
                      _esc(s.step.latex), evidence)
    return table


def print_result(console, result: ClaimResult, proof: bool = False) -> None:
    """A claim's result: verdict and severity, finding, statement, correction, readings, sub-claims, checks,
    artefacts and figures; with ``proof`` also its proof step by step."""
    from rich.table import Table

    c = result.claim
    paper = f" [{_esc(c.paper)}]" if c.paper else ""
    console.print(f"[bold]{_esc(c.id)}[/bold] — {_esc(c.title)} ({_esc(c.source)}){paper}")
    console.print(f"verdict: {verdict_markup(result.verdict, result.severity)}   "
                  f"({result.seconds:.2f} s, seed {result.seed}, profile {result.profile})")
    if result.finding:
        console.print(f"finding: {_esc(result.finding)}")
    if result.scope:
        console.print(f"scope: {_esc(result.scope)}")
    if result.erratum_step:
        console.print(f"erratum at proof step: {_esc(result.erratum_step)}")
    console.print(f"statement: {_esc(c.statement)}")
    if result.corrected:
        console.print(f"corrected: {_esc(result.corrected)}")
    if result.readings:
        console.print(readings_table(result.readings, "Readings"))
    if result.subclaims:
        table = Table(title="Sub-claims")
        for col, kw in (("id", {}), ("sentence", {"overflow": "fold", "ratio": 2}), ("source", {}),
                        ("verdict", {}), ("finding", {"overflow": "fold", "ratio": 2})):
            table.add_column(col, **kw)
        for s in result.subclaims:
            table.add_row(_esc(s.subclaim.id), _esc(s.subclaim.text), _esc(s.subclaim.source),
                          verdict_markup(s.verdict, s.severity), _esc(s.finding))
        console.print(table)
        for s in result.subclaims:
            if s.readings:
                console.print(readings_table(s.readings, f"Readings of sub-claim {s.subclaim.id}"))
    if result.checks:
        table = Table(title="Checks")
        for col, kw in (("check", {}), ("method", {}), ("target", {}), ("status", {}),
                        ("summary", {"overflow": "fold", "ratio": 3}), ("scope", {"overflow": "fold"})):
            table.add_column(col, **kw)
        for k in result.checks:
            status = k.status + (f" ({k.severity})" if k.severity else "")
            table.add_row(_esc(k.name), k.method, k.target, styled(status, STATUS_STYLE.get(k.status, "")),
                          _esc(k.summary or k.detail), _esc(k.scope or ""))
        console.print(table)
    else:
        console.print("no checks yet (not-run)")
    if result.partial:
        console.print(f"skipped checks: {_esc(', '.join(result.partial))}")
    for a in result.artefacts:
        state = f"[red]error: {_esc(a.error)}[/red]" if a.error else _esc(a.detail)
        console.print(f"artefact {_esc(a.name)}: {state}")
    for f in result.figures:
        console.print(f"figure: {_esc(f)}")
    if proof:
        if result.proof is None:
            console.print("proof: not transcribed for this claim" if c.proof is None
                          else "proof: not checked in this run")
        else:
            console.print(proof_table(result.proof, result.erratum_step))


def readings_table(readings: Iterable, title: str):
    from rich.table import Table

    table = Table(title=title)
    for col, kw in (("reading", {}), ("adopted", {}), ("text", {"overflow": "fold", "ratio": 2}),
                    ("verdict", {}), ("why", {"overflow": "fold", "ratio": 2})):
        table.add_column(col, **kw)
    for r in readings:
        table.add_row(_esc(r.reading.id), "yes" if r.reading.adopted else "", _esc(r.reading.text),
                      verdict_markup(r.verdict, r.severity), _esc(r.reading.why))
    return table
