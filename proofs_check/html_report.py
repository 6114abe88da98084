r"""The self-contained HTML verification report: DIR/report.html, written by ``ical-verify run``.

The page works offline: it loads nothing (no script, no font, no stylesheet from a CDN). Formulas are
converted from LaTeX to MathML by the pure-Python package ``latex2mathml`` (browsers render MathML
natively); a formula the converter rejects is shown as its LaTeX source in ``<code>``, so the report is
always written. Figures are embedded as base64 ``data:`` URIs.

Content: the summary table (every claim, its kind, verdict and checks passed), then for each claim its
statement as printed, the corrected statement where the suite derived one, definitions, assumptions and
conventions, the checks (method, target, status, detail, metrics), the derived expressions and figures.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path
from typing import Sequence

from .claim import ClaimResult
from .latex import corrected_kind, format_metric, has_math, split_math

VERDICT_COLOURS = {"verified": "#1a7f37", "erratum": "#9a6700", "refuted": "#cf222e",
                   "inconclusive": "#8250df", "not-run": "#6e7781"}
STATUS_COLOURS = {"passed": "#1a7f37", "failed": "#cf222e", "inconclusive": "#8250df", "error": "#cf222e"}

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
figure img { max-width: 100%; border: 1px solid #d0d7de; }
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
    """A value that is either one formula (no math delimiters) or text with math."""
    return latex_html(tex) if has_math(tex) else math_html(tex, display=display)


def corrected_html(text: str) -> str:
    """A corrected statement, printed as :func:`ical_verify.proofs_check.latex.corrected_kind` says."""
    kind = corrected_kind(text)
    if kind == "prose":
        return html.escape(text)
    return latex_html(text) if kind == "latex" else math_html(text, display=True)


def plain_or_latex_html(text: str) -> str:
    """An assumption or convention: LaTeX if it has math delimiters, else plain text."""
    return latex_html(text) if has_math(text) else html.escape(text)


def figure_html(path: str) -> str:
    """A figure file embedded as a data URI (or a note if it cannot be read)."""
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
    return (f'<figure><img alt="{name}" src="data:{mime};base64,{b64}">'
            f'<figcaption class="source">{name}</figcaption></figure>')


def _badge(kind: str, value: str, colours: dict[str, str]) -> str:
    colour = colours.get(value, "#57606a")
    return f'<span class="{kind}" style="background:{colour}">{html.escape(value)}</span>'


def summary_table(results: Sequence[ClaimResult]) -> str:
    rows = ['<table id="summary"><thead><tr><th>claim</th><th>kind</th><th>title</th><th>verdict</th>'
            "<th>checks passed</th><th>seconds</th></tr></thead><tbody>"]
    for r in results:
        c = r.claim
        passed = sum(k.status == "passed" for k in r.checks)
        rows.append(f'<tr data-claim="{html.escape(c.id)}"><td><a href="#claim-{html.escape(c.id)}">'
                    f"{html.escape(c.id)}</a></td><td>{html.escape(c.kind)}</td><td>{html.escape(c.title)}</td>"
                    f"<td>{_badge('verdict', r.verdict, VERDICT_COLOURS)}</td><td>{passed}/{len(r.checks)}</td>"
                    f"<td>{r.seconds:.1f}</td></tr>")
    rows.append("</tbody></table>")
    return "\n".join(rows)


def claim_html(r: ClaimResult) -> str:
    c = r.claim
    out = [f'<section class="claim" id="claim-{html.escape(c.id)}">',
           f"<h2>{html.escape(c.id)}: {html.escape(c.title)} {_badge('verdict', r.verdict, VERDICT_COLOURS)}</h2>",
           f'<p class="source">{html.escape(c.source)}</p>',
           "<h3>Statement as printed</h3>", f'<div class="statement">{latex_html(c.statement)}</div>']
    if r.corrected:
        out += ["<h3>Corrected statement (derived by the suite)</h3>",
                f'<div class="corrected">{corrected_html(r.corrected)}</div>']
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
                   "<th>detail</th><th>metrics</th><th>seconds</th></tr></thead><tbody>")
        for k in r.checks:
            metrics = "\n".join(f"{name}: {format_metric(v)}" for name, v in k.metrics.items())
            out.append(f"<tr><td>{html.escape(k.name)}</td><td>{html.escape(k.method)}</td>"
                       f"<td>{html.escape(k.target)}</td><td>{_badge('status', k.status, STATUS_COLOURS)}</td>"
                       f"<td>{html.escape(k.detail)}</td><td class=\"metrics\">{html.escape(metrics)}</td>"
                       f"<td>{k.seconds:.3f}</td></tr>")
        out.append("</tbody></table>")
        for k in r.checks:
            if k.derived:
                out.append(f"<h3>Derived by {html.escape(k.name)}</h3>")
                for d in k.derived:
                    desc = f" — {html.escape(d.description)}" if d.description else ""
                    out.append(f'<div class="derived"><strong>{html.escape(d.name)}</strong>{desc}'
                               f"{math_html(d.latex, display=True)}</div>")
    if r.figures:
        out.append("<h3>Figures</h3>")
        out += [figure_html(f) for f in r.figures]
    out.append("</section>")
    return "\n".join(out)


def report_html(results: Sequence[ClaimResult], seed: int | None = None, profile: str | None = None) -> str:
    """The whole page for ``results``."""
    seed = seed if seed is not None else (results[0].seed if results else 0)
    profile = profile or (results[0].profile if results else "quick")
    counts: dict[str, int] = {}
    for r in results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    tally = ", ".join(f"{n} {html.escape(v)}" for v, n in counts.items())
    body = "\n".join(claim_html(r) for r in results)
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
<p>Sander, Giryes, Suzuki, Blondel and Peyré, <em>How do Transformers perform In-Context Autoregressive
Learning?</em> (ICML 2024). Profile <code>{html.escape(str(profile))}</code>, seed {html.escape(str(seed))}:
{tally}.</p>
<h2>Summary</h2>
{summary_table(results)}
{body}
</body>
</html>
"""


def html_files(results: Sequence[ClaimResult], out_dir: Path, seed: int | None = None,
               profile: str | None = None) -> list[tuple[str, str]]:
    """The writer hook of :func:`ical_verify.proofs_check.report.write_report`: ``[("report.html", text)]``."""
    return [("report.html", report_html(results, seed, profile))]
