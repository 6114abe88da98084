r"""The self-contained HTML verification report: DIR/report.html, written by ``ical-verify run``.

The page works offline: it loads nothing (no script, no font, no stylesheet from a CDN). Formulas are
converted from LaTeX to MathML by the pure-Python package ``latex2mathml`` (browsers render MathML
natively); a formula the converter rejects is shown as its LaTeX source in ``<code>``, so the report is
always written. Figures are embedded as base64 ``data:`` URIs.

Content: the summary table grouped by paper (a heading row with the paper's citation; each claim with its kind,
title, verdict and severity, scope and one-line finding), then per paper each claim's section: its finding,
statement as printed, corrected statement, readings (with their verdicts and why), sub-claims, definitions,
assumptions and conventions, checks (method, target, status, summary, detail; metrics as folded tables),
derived expressions, artefacts, figures, and a folded proof with each step's status beside its formula.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path
from typing import Sequence

from .claim import ClaimResult
from .render_terminal import STEP_SYMBOLS, paper_groups, paper_heading, verdict_label
from .latex import corrected_kind, format_metric, has_math, split_math

VERDICT_COLOURS = {"verified": "#1a7f37", "erratum": "#9a6700", "refuted": "#cf222e",
                   "inconclusive": "#8250df", "not-run": "#6e7781"}
STATUS_COLOURS = {"passed": "#1a7f37", "failed": "#cf222e", "inconclusive": "#8250df", "error": "#cf222e",
                  "follows": "#1a7f37", "follows-with-correction": "#9a6700", "gap": "#8250df", "fails": "#cf222e",
                  "not-checked": "#6e7781"}

_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
         ".svg": "image/svg+xml", ".webp": "image/webp"}

#: Formulas longer than this many characters are shown as LaTeX source rather than converted.
MAX_MATHML_CHARS = 20_000

CSS = """
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; max-width: 72rem; margin: 1.5rem auto;
       padding: 0 1rem; color: #1f2328; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; border-bottom: 1px solid #d0d7de; padding-top: .8rem; }
h3 { font-size: 1.05rem; margin-bottom: .3rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem 0; }
th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
.verdict, .status { font-weight: bold; color: white; border-radius: .3rem; padding: .05rem .4rem; white-space: nowrap; }
.statement, .corrected { background: #f6f8fa; border-left: 4px solid #0969da; padding: .5rem .8rem; }
.corrected { border-left-color: #9a6700; }
.source { color: #57606a; font-style: italic; }
code.tex { background: #fff8c5; white-space: pre-wrap; word-break: break-word; }
.derived { margin: .4rem 0 .8rem 1rem; overflow-x: auto; overflow-y: hidden; }
.metrics { font-family: monospace; font-size: .85rem; white-space: pre-wrap; word-break: break-word; }
figure { margin: .5rem 0 1rem 0; }
figure img { width: 100%; max-width: 56rem; height: auto; border: 1px solid #d0d7de; }
.finding { font-size: 1.05rem; background: #ddf4ff; border-left: 4px solid #54aeff; padding: .4rem .8rem; }
tr.paper th { background: #eaeef2; font-size: 1.02rem; }
details { margin: .4rem 0 .8rem 0; } summary { cursor: pointer; color: #0969da; }
table.metrics td { font-family: monospace; font-size: .85rem; word-break: break-word; }
table.proof td.formula { overflow-x: auto; max-width: 40rem; }
.erratum-step { outline: 2px solid #cf222e; }
math { font-size: 1.15em; }
math[display="block"] { margin: .4rem 0; }
.corrected, .statement { overflow-x: auto; overflow-y: hidden; }
"""


def math_html(tex: str, display: bool = False) -> str:
    """MathML for the LaTeX formula ``tex``, or its source in ``<code>`` if it cannot be converted.

    >>> "<math" in math_html(r"\\frac{3}{2T_{\\max}}")
    True
    >>> math_html(r"\\frac{1}{")
    '<code class="tex">\\\\frac{1}{</code>'
    """
    if len(tex) <= MAX_MATHML_CHARS:
        try:
            from latex2mathml.converter import convert

            return convert(tex, display="block" if display else "inline")
        except Exception:  # the converter's errors are not one class: any failure shows the source
            pass
    return f'<code class="tex">{html.escape(tex)}</code>'


# Text-mode LaTeX commands with one argument, and the HTML they become.
_TEXT_COMMANDS = {"textbf": "strong", "emph": "em", "textit": "em", "texttt": "code", "text": "span",
                  "textrm": "span", "textsc": "span", "underline": "u"}
_TEXT_SYMBOLS = {"S": "§", "ldots": "…", "dots": "…", "%": "%", "&": "&amp;", "_": "_", "#": "#",
                 "$": "$", "{": "{", "}": "}", "textbackslash": "\\", "P": "¶", ",": "\u2009", " ": " ",
                 "quad": "\u2003", "qquad": "\u2003\u2003", "newline": "<br>", "\\": "<br>"}


def text_html(tex: str) -> str:
    """Text-mode LaTeX (outside math) as HTML: ``\\textbf``, ``\\emph``, ``~``, dashes, escapes.

    >>> text_html(r"\\textbf{Lemma 2.} Suppose 1--3 \\& more~now")
    '<strong>Lemma 2.</strong> Suppose 1–3 &amp; more\\xa0now'
    """
    out: list[str] = []
    i, n = 0, len(tex)
    while i < n:
        ch = tex[i]
        if ch == "\\":
            m = re.match(r"\\([A-Za-z]+)\s*|\\(.)", tex[i:])
            name = m.group(1) or m.group(2)
            i += m.end()
            if name in _TEXT_COMMANDS and i < n and tex[i] == "{":
                end = _matching_brace(tex, i)
                tag = _TEXT_COMMANDS[name]
                out.append(f"<{tag}>{text_html(tex[i + 1:end])}</{tag}>")
                i = end + 1
            elif name in _TEXT_SYMBOLS:
                out.append(_TEXT_SYMBOLS[name])
            else:
                out.append(html.escape(name))
        elif tex.startswith("---", i):
            out.append("—")
            i += 3
        elif tex.startswith("--", i):
            out.append("–")
            i += 2
        elif ch == "~":
            out.append("\xa0")
            i += 1
        elif ch in "{}":
            i += 1
        else:
            out.append(html.escape(ch))
            i += 1
    return "".join(out)


def _matching_brace(tex: str, start: int) -> int:
    depth = 0
    for j in range(start, len(tex)):
        if tex[j] == "{" and (j == 0 or tex[j - 1] != "\\"):
            depth += 1
        elif tex[j] == "}" and tex[j - 1] != "\\":
            depth -= 1
            if depth == 0:
                return j
    return len(tex) - 1


def latex_html(tex: str) -> str:
    """LaTeX text with ``$...$`` math: text parts as HTML, math parts as MathML."""
    parts = []
    for kind, chunk in split_math(tex):
        parts.append(text_html(chunk) if kind == "text" else math_html(chunk, display=kind == "display"))
    return "".join(parts)


def formula_or_text_html(tex: str, display: bool = True) -> str:
    """A value that is one formula (no math delimiters), text with math, or prose (escaped as it is)."""
    kind = corrected_kind(tex)
    if kind == "prose":
        return html.escape(tex)
    return latex_html(tex) if kind == "latex" else math_html(tex, display=display)


def corrected_html(text: str) -> str:
    """A corrected statement, printed as :func:`ical_verify.proofs_check.latex.corrected_kind` says."""
    kind = corrected_kind(text)
    if kind == "prose":
        return html.escape(text)
    return latex_html(text) if kind == "latex" else math_html(text, display=True)


def plain_or_latex_html(text: str) -> str:
    """An assumption or convention: LaTeX if it has math delimiters, else plain text."""
    return latex_html(text) if has_math(text) else html.escape(text)


def figure_html(path: str, caption: str = "") -> str:
    """A figure file embedded as a data URI (or a note if it cannot be read), with ``caption`` (the text of the
    artefact or check that drew it: for a reproduced figure, the paper's caption) beside it."""
    p = Path(path)
    mime = _MIME.get(p.suffix.lower())
    try:
        data = p.read_bytes()
    except OSError:
        return f'<p class="source">figure {html.escape(str(path))} could not be read</p>'
    if mime is None:
        return f'<p class="source">figure {html.escape(p.name)} ({len(data)} bytes, not an image)</p>'
    b64 = base64.b64encode(data).decode("ascii")
    name = html.escape(p.name)
    text = f"{html.escape(caption)} " if caption else ""
    return (f'<figure><img alt="{name}" src="data:{mime};base64,{b64}">'
            f'<figcaption>{text}<span class="source">({name})</span></figcaption></figure>')


def _badge(kind: str, value: str, colours: dict[str, str], label: str | None = None) -> str:
    colour = colours.get(value, "#57606a")
    return f'<span class="{kind}" style="background:{colour}">{html.escape(label or value)}</span>'


def verdict_badge(verdict: str, severity: str | None = None) -> str:
    return _badge("verdict", verdict, VERDICT_COLOURS, verdict_label(verdict, severity))


def _citation(paper_id: str) -> str:
    return paper_heading(paper_id)


def summary_table(results: Sequence[ClaimResult]) -> str:
    """One table, grouped by paper: each claim's kind, title, verdict (with severity), scope and finding."""
    rows = ['<table id="summary"><thead><tr><th>claim</th><th>kind</th><th>title</th><th>verdict</th>'
            "<th>scope</th><th>finding</th><th>checks passed</th></tr></thead><tbody>"]
    for paper, group in paper_groups(results, lambda r: r.claim.paper):
        rows.append(f'<tr class="paper" data-paper="{html.escape(paper)}"><th colspan="7">'
                    f"{html.escape(_citation(paper))}</th></tr>")
        for r in group:
            c = r.claim
            passed = sum(k.status == "passed" for k in r.checks)
            rows.append(f'<tr data-claim="{html.escape(c.id)}"><td><a href="#claim-{html.escape(c.id)}">'
                        f"{html.escape(c.id)}</a></td><td>{html.escape(c.kind)}</td><td>{html.escape(c.title)}</td>"
                        f"<td>{verdict_badge(r.verdict, r.severity)}</td><td>{html.escape(r.scope or '')}</td>"
                        f"<td>{html.escape(r.finding or '')}</td><td>{passed}/{len(r.checks)}</td></tr>")
    rows.append("</tbody></table>")
    return "\n".join(rows)


def _metric_value(value) -> str:
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        return "<br>".join(html.escape(", ".join(format_metric(x) for x in row)) for row in value)
    if isinstance(value, list):
        return html.escape(", ".join(format_metric(x) for x in value))
    return html.escape(format_metric(value) if not isinstance(value, str) else value)


def _flatten(metrics: dict, prefix: str = "") -> list[tuple[str, object]]:
    out = []
    for name, value in metrics.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and value:
            out += _flatten(value, key + ".")
        else:
            out.append((key, value))
    return out


def metrics_html(metrics: dict, label: str = "metrics") -> str:
    """Metrics as a folded two-column table: nested objects flattened to dotted names, lists in full."""
    if not metrics:
        return ""
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{_metric_value(v)}</td></tr>" for k, v in _flatten(metrics))
    return (f"<details class=\"metrics\"><summary>{html.escape(label)} ({len(metrics)})</summary>"
            f'<table class="metrics"><tbody>{rows}</tbody></table></details>')


def readings_html(readings, title: str = "Readings") -> str:
    if not readings:
        return ""
    out = [f"<h3>{html.escape(title)}</h3>", '<table class="readings"><thead><tr><th>reading</th><th>adopted</th>'
           "<th>verdict</th><th>text</th><th>why</th></tr></thead><tbody>"]
    for r in readings:
        out.append(f'<tr data-reading="{html.escape(r.reading.id)}"><td>{html.escape(r.reading.id)}</td>'
                   f"<td>{'yes' if r.reading.adopted else ''}</td><td>{verdict_badge(r.verdict, r.severity)}</td>"
                   f"<td>{plain_or_latex_html(r.reading.text)}</td><td>{plain_or_latex_html(r.reading.why)}</td></tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def proof_html(r: ClaimResult) -> str:
    """The proof, folded: each step's status beside its formula (MathML), with the evidence and correction."""
    if r.proof is None:
        return ""
    counts = ", ".join(f"{n} {html.escape(s)}" for s, n in r.proof.counts().items() if n)
    out = [f'<details class="proof" data-claim="{html.escape(r.claim.id)}"><summary>Proof '
           f"({html.escape(r.proof.source)}): {counts}</summary>",
           '<table class="proof"><thead><tr><th>step</th><th>status</th><th>as printed</th><th>evidence</th>'
           "</tr></thead><tbody>"]
    for s in r.proof.steps:
        cls = ' class="erratum-step"' if r.erratum_step == s.step.id else ""
        step = html.escape(s.step.id) + (f" {html.escape(s.step.equation)}" if s.step.equation else "")
        if r.erratum_step == s.step.id:
            step += " <strong>(erratum)</strong>"
        evidence = html.escape(s.detail)
        if s.correction:
            evidence += f"<br>correction: {math_html(s.correction)}"
        if s.step.claims_from:
            evidence += f'<br><span class="source">from {html.escape(", ".join(s.step.claims_from))}</span>'
        status = _badge("status", s.status, STATUS_COLOURS, f"{STEP_SYMBOLS.get(s.status, '')} {s.status}")
        out.append(f'<tr data-step="{html.escape(s.step.id)}" data-status="{html.escape(s.status)}"{cls}>'
                   f"<td>{step}</td><td>{status}</td><td class=\"formula\">{math_html(s.step.latex, display=True)}"
                   f"</td><td>{evidence}</td></tr>")
    out.append("</tbody></table></details>")
    return "\n".join(out)


def claim_html(r: ClaimResult) -> str:
    c = r.claim
    out = [f'<section class="claim" id="claim-{html.escape(c.id)}">',
           f"<h2>{html.escape(c.id)}: {html.escape(c.title)} {verdict_badge(r.verdict, r.severity)}</h2>",
           f'<p class="source">{html.escape(c.source)}'
           + (f" — scope: {html.escape(r.scope)}" if r.scope else "") + "</p>"]
    if r.finding:
        out.append(f'<p class="finding"><strong>Finding:</strong> {html.escape(r.finding)}</p>')
    out += ["<h3>Statement as printed</h3>", f'<div class="statement">{latex_html(c.statement)}</div>']
    if r.corrected:
        out += ["<h3>Corrected statement (derived by the suite)</h3>",
                f'<div class="corrected">{corrected_html(r.corrected)}</div>']
    if r.erratum_step:
        out.append(f"<p>The proof goes wrong at step <code>{html.escape(r.erratum_step)}</code>.</p>")
    out.append(readings_html(r.readings))
    if r.subclaims:
        out.append('<h3>Sub-claims</h3><table class="subclaims"><thead><tr><th>sub-claim</th><th>sentence</th>'
                   "<th>source</th><th>verdict</th><th>finding</th></tr></thead><tbody>")
        for s in r.subclaims:
            out.append(f'<tr data-subclaim="{html.escape(s.subclaim.id)}"><td>{html.escape(s.subclaim.id)}</td>'
                       f"<td>{plain_or_latex_html(s.subclaim.text)}</td><td>{html.escape(s.subclaim.source)}</td>"
                       f"<td>{verdict_badge(s.verdict, s.severity)}</td><td>{html.escape(s.finding)}</td></tr>")
        out.append("</tbody></table>")
        for s in r.subclaims:
            out.append(readings_html(s.readings, f"Readings of sub-claim {s.subclaim.id}"))
    if c.definitions:
        out.append("<h3>Definitions</h3><dl>")
        for key, value in c.definitions.items():
            key_html = math_html(key) if any(ch in key for ch in "\\^_") else html.escape(key)
            out.append(f"<dt>{key_html}</dt><dd>{formula_or_text_html(value, display=False)}</dd>")
        out.append("</dl>")
    for heading, items in (("Assumptions", c.assumptions), ("Conventions", c.conventions)):
        if items:
            out.append(f"<h3>{heading}</h3><ul>")
            out += [f"<li>{plain_or_latex_html(a)}</li>" for a in items]
            out.append("</ul>")
    out.append("<h3>Checks</h3>")
    if not r.checks:
        out.append("<p>No checks yet (not-run).</p>")
    else:
        out.append("<table class=\"checks\"><thead><tr><th>check</th><th>method</th><th>target</th><th>status</th>"
                   "<th>summary</th><th>detail</th><th>seconds</th></tr></thead><tbody>")
        for k in r.checks:
            label = k.status + (f" ({k.severity})" if k.severity else "")
            scope = f'<br><span class="source">scope: {html.escape(k.scope)}</span>' if k.scope else ""
            out.append(f"<tr><td>{html.escape(k.name)}</td><td>{html.escape(k.method)}</td>"
                       f"<td>{html.escape(k.target)}</td><td>{_badge('status', k.status, STATUS_COLOURS, label)}</td>"
                       f"<td>{html.escape(k.summary)}{scope}</td><td>{html.escape(k.detail)}"
                       f"{metrics_html(k.metrics)}</td><td>{k.seconds:.3f}</td></tr>")
        out.append("</tbody></table>")
        for k in r.checks:
            if k.derived:
                out.append(f"<h3>Derived by {html.escape(k.name)}</h3>")
                out += [_derived_html(d) for d in k.derived]
    if r.partial:
        out.append(f"<p>Skipped checks: {html.escape(', '.join(r.partial))}.</p>")
    if r.artefacts:
        out.append("<h3>Artefacts (figures and derivations that do not vote)</h3><ul>")
        for a in r.artefacts:
            state = f'<strong style="color:#cf222e">error: {html.escape(a.error)}</strong>' if a.error else \
                html.escape(a.detail)
            out.append(f"<li><strong>{html.escape(a.name)}</strong>: {state}{metrics_html(a.metrics)}"
                       + "".join(_derived_html(d) for d in a.derived) + "</li>")
        out.append("</ul>")
    if r.figures:
        out.append("<h3>Figures</h3>")
        captions = {Path(f).name: k.summary or k.detail for k in r.checks for f in k.figures}
        captions.update({Path(f).name: a.detail for a in r.artefacts for f in a.figures if not a.error})
        out += [figure_html(f, captions.get(Path(f).name, "")) for f in r.figures]
    out.append(proof_html(r))
    out.append("</section>")
    return "\n".join(x for x in out if x)


def _derived_html(d) -> str:
    desc = f" — {html.escape(d.description)}" if d.description else ""
    return (f'<div class="derived"><strong>{html.escape(d.name)}</strong>{desc}'
            f"{math_html(d.latex, display=True)}</div>")


def report_html(results: Sequence[ClaimResult], seed: int | None = None, profile: str | None = None) -> str:
    """The whole page for ``results``."""
    seed = seed if seed is not None else (results[0].seed if results else 0)
    profile = profile or (results[0].profile if results else "quick")
    counts: dict[str, int] = {}
    for r in results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    tally = ", ".join(f"{n} {html.escape(v)}" for v, n in counts.items())
    papers = [p for p, _ in paper_groups(results, lambda r: r.claim.paper)]
    cites = "".join(f"<li>{html.escape(_citation(p))}</li>" for p in papers)
    body = []
    for paper, group in paper_groups(results, lambda r: r.claim.paper):
        body.append(f'<h1 class="paper" id="paper-{html.escape(paper)}">{html.escape(_citation(paper))}</h1>')
        body += [claim_html(r) for r in group]
    body_html = "\n".join(body)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ical-verify report</title>
<style>{CSS}</style>
</head>
<body>
<h1>ical-verify report</h1>
<p>Papers:</p><ul>{cites}</ul>
<p>Profile <code>{html.escape(str(profile))}</code>, seed {html.escape(str(seed))}: {tally}.</p>
<h2>Summary</h2>
{summary_table(results)}
{body_html}
</body>
</html>
"""


def html_files(results: Sequence[ClaimResult], out_dir: Path, seed: int | None = None,
               profile: str | None = None) -> list[tuple[str, str]]:
    """The writer hook of :func:`ical_verify.proofs_check.report.write_report`: ``[("report.html", text)]``."""
    return [("report.html", report_html(results, seed, profile))]
