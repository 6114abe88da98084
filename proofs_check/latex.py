r"""A standalone LaTeX document of the verification: statements, derived expressions, verdicts, checks.

``ical-verify latex`` writes it. For each claim the document prints the statement as printed (its LaTeX is
used as is), the definitions and assumptions the claim relies on, the verdict, the corrected statement
where the suite derived one, and every check with its status, detail and numbers (metrics), followed by
the SymPy expressions the check derived (:class:`~ical_verify.proofs_check.claim.DerivedExpression`,
rendered with SymPy's LaTeX printer). The document needs only ``article`` and ``amsmath``/``amssymb``
(Debian's ``texlive-latex-base``) and compiles with ``latexmk -pdf``.

Two kinds of text go into the document:

- LaTeX written by people or SymPy (statements, definitions, corrected statements, derived expressions)
  is copied verbatim, except that non-ASCII characters (``§``, ``≤``, Greek letters) are replaced by
  commands that work in text and in math mode (:func:`latex_source`);
- plain text produced by checks (details, metrics, names) is escaped (:func:`escape_text`), so that
  ``_``, ``%``, ``&``, ``#``, ``$``, ``^``, ``~``, ``\``, braces and Unicode cannot break the document.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, Iterable, Sequence

from .claim import ClaimResult, DerivedExpression

#: Derived expressions longer than this (in characters of LaTeX) are summarised instead of printed.
MAX_EXPRESSION_CHARS = 40_000

#: A metric value is shortened to this many characters in the document (the JSON report has it all).
MAX_METRIC_CHARS = 400

PREAMBLE = r"""\documentclass[10pt]{article}
\usepackage[utf8]{inputenc}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage[margin=2.2cm]{geometry}
\providecommand{\coloneqq}{\mathrel{\mathop:}=}
\providecommand{\eqqcolon}{=\mathrel{\mathop:}}
\providecommand{\Tr}{\operatorname{Tr}}
\providecommand{\diag}{\operatorname{diag}}
\providecommand{\E}{\mathbb{E}}
\setcounter{MaxMatrixCols}{20}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5ex}
\allowdisplaybreaks
\sloppy
"""

# Characters that plain text may contain, with a rendering valid in text mode (and, with \ensuremath,
# in math mode).
_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "varepsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi",
    "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi",
    "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi",
    "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega", "ϵ": "epsilon", "ϕ": "varphi",
}
_SYMBOLS = {
    "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "≈": r"\approx", "∼": r"\sim", "≃": r"\simeq",
    "±": r"\pm", "∓": r"\mp", "×": r"\times", "·": r"\cdot", "∞": r"\infty", "∈": r"\in", "∉": r"\notin",
    "→": r"\to", "←": r"\leftarrow", "⇒": r"\Rightarrow", "⇔": r"\Leftrightarrow", "↦": r"\mapsto",
    "∑": r"\sum", "∏": r"\prod", "∫": r"\int", "∂": r"\partial", "∇": r"\nabla", "√": r"\surd",
    "‖": r"\|", "⊤": r"\top", "⊙": r"\odot", "⊗": r"\otimes", "∘": r"\circ", "∀": r"\forall",
    "∃": r"\exists", "∅": r"\emptyset", "⊂": r"\subset", "⊆": r"\subseteq", "∪": r"\cup", "∩": r"\cap",
    "−": "-", "≡": r"\equiv", "∝": r"\propto", "ℓ": r"\ell", "ℝ": r"\mathbb{R}", "ℂ": r"\mathbb{C}",
    "ℤ": r"\mathbb{Z}", "ℕ": r"\mathbb{N}", "⟨": r"\langle", "⟩": r"\rangle", "°": r"^\circ",
    "²": "^2", "³": "^3", "¹": "^1", "⁻": "^-", "½": r"\tfrac12",
}
_TEXT_UNICODE = {
    "§": r"\S{}", "—": "---", "–": "--", "…": r"\ldots{}", "’": "'", "‘": "`", "“": "``", "”": "''",
    "\u00a0": "~", "é": r"\'e", "è": r"\`e", "ö": r"\"o", "ü": r"\"u", "ä": r"\"a", "©": r"\copyright{}",
    "¶": r"\P{}", "•": r"\textbullet{}", "\u2009": r"\,", "\u202f": r"\,",
}
_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "%": r"\%", "#": r"\#",
    "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}", "<": r"\textless{}",
    ">": r"\textgreater{}", "|": r"\textbar{}",
}


def _unicode(ch: str) -> str:
    """A LaTeX rendering of one non-ASCII character, valid in text and in math mode."""
    if ch in _GREEK:
        return rf"\ensuremath{{\{_GREEK[ch]}}}"
    if ch in _SYMBOLS:
        return rf"\ensuremath{{{_SYMBOLS[ch]}}}"
    if ch in _TEXT_UNICODE:
        return _TEXT_UNICODE[ch]
    ascii_ = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
    if ascii_ and ascii_.isprintable():
        return "".join(_ESCAPES.get(c, c) for c in ascii_)
    return rf"[U+{ord(ch):04X}]"


def escape_text(text: Any) -> str:
    r"""Plain text (a check's detail, a metric, a name) escaped for LaTeX text mode.

    >>> escape_text("p_T = 1 & 50% of #1, cost $3 ~ x^2 \\ {a}")
    'p\\_T = 1 \\& 50\\% of \\#1, cost \\$3 \\textasciitilde{} x\\textasciicircum{}2 \\textbackslash{} \\{a\\}'
    >>> escape_text("σ ≤ 1 — done")
    '\\ensuremath{\\sigma} \\ensuremath{\\leq} 1 --- done'
    """
    out = []
    for ch in str(text):
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch == "\n":
            out.append(r"\newline ")
        elif ch == "\t":
            out.append(" ")
        elif ord(ch) < 32:
            continue
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append(_unicode(ch))
    return "".join(out)


def latex_source(text: str) -> str:
    r"""LaTeX written by people, kept verbatim except for non-ASCII characters (made pdflatex-safe).

    >>> latex_source(r"$\mathcal{C}_U$ (§5.1), σ")
    '$\\mathcal{C}_U$ (\\S{}5.1), \\ensuremath{\\sigma}'
    """
    return "".join(ch if ord(ch) < 128 else _unicode(ch) for ch in text)


def split_math(text: str) -> list[tuple[str, str]]:
    r"""Split LaTeX text into ``("text", ...)``, ``("inline", ...)`` and ``("display", ...)`` segments.

    Inline math is ``$...$`` or ``\(...\)``; display math is ``$$...$$`` or ``\[...\]``; ``\$`` is a
    dollar sign in text. An unclosed delimiter leaves the rest as text.

    >>> split_math(r"Suppose $C = C_U$ and \$5; $$x^2$$")
    [('text', 'Suppose '), ('inline', 'C = C_U'), ('text', ' and \\$5; '), ('display', 'x^2')]
    """
    out: list[tuple[str, str]] = []
    buf: list[str] = []
    i, n = 0, len(text)

    def flush():
        if buf:
            out.append(("text", "".join(buf)))
            buf.clear()

    while i < n:
        if text.startswith("\\$", i):
            buf.append("\\$")
            i += 2
            continue
        for opener, closer, kind in (("$$", "$$", "display"), ("\\[", "\\]", "display"),
                                     ("\\(", "\\)", "inline"), ("$", "$", "inline")):
            if text.startswith(opener, i):
                end = _find_closer(text, closer, i + len(opener))
                if end < 0:
                    continue
                flush()
                out.append((kind, text[i + len(opener):end]))
                i = end + len(closer)
                break
        else:
            buf.append(text[i])
            i += 1
    flush()
    return out


def _find_closer(text: str, closer: str, start: int) -> int:
    j = start
    while True:
        j = text.find(closer, j)
        if j < 0:
            return -1
        if j > 0 and text[j - 1] == "\\" and closer.startswith("$"):
            j += 1
            continue
        return j


def has_math(text: str) -> bool:
    """Whether ``text`` is LaTeX with math delimiters (``$...$``, ``\\(...\\)``) rather than plain text."""
    return any(kind != "text" for kind, _ in split_math(text))


def text_or_latex(text: str) -> str:
    r"""An assumption or convention: LaTeX if it has math delimiters, else plain text (escaped).

    >>> text_or_latex("P^h and s_0")
    'P\\textasciicircum{}h and s\\_0'
    >>> text_or_latex(r"$d = 2\delta$ (§5.2)")
    '$d = 2\\delta$ (\\S{}5.2)'
    """
    return latex_source(text) if has_math(text) else escape_text(text)


_PROSE = re.compile(r"(?<![\\\w])[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}")
_SIMPLE_COMMAND = re.compile(r"\\[A-Za-z]+\{[^{}]*\}")


def corrected_kind(text: str) -> str:
    r"""How to print a corrected statement: ``"latex"`` (text with ``$...$`` math), ``"formula"`` (one bare
    formula) or ``"prose"`` (plain text without math delimiters, or with characters that cannot stand in math).

    >>> corrected_kind(r"For $T \geq 2$, $a = b$"), corrected_kind(r"a_3 b_1 = \eta^*\ \text{for all } d")
    ('latex', 'formula')
    >>> corrected_kind("the step size is 3/(2 T_max) only when d = 1"), corrected_kind("x = 2 (to 1%)")
    ('prose', 'prose')
    >>> corrected_kind(r"W = \begin{bmatrix} a & -b \\ b & a \end{bmatrix}"), corrected_kind("A & B")
    ('formula', 'prose')
    """
    if has_math(text):
        return "latex"
    bare = _SIMPLE_COMMAND.sub(" ", text)
    # '&' separates columns inside environments (bmatrix, cases): only '&' outside them marks prose
    outside_envs = re.sub(r"\\begin\{([a-zA-Z*]+)\}.*?\\end\{\1\}", " ", text, flags=re.S)
    if _PROSE.search(bare) or re.search(r"(?<!\\)[%#&]", outside_envs):
        return "prose"
    return "formula"


def _math_or_text(text: str) -> str:
    """A corrected statement: text with math as is, a bare formula in display math, prose escaped."""
    kind = corrected_kind(text)
    if kind == "latex":
        return latex_source(text)
    if kind == "prose":
        return escape_text(text)
    return "\\[" + latex_source(text) + "\\]"


def _key(key: str) -> str:
    """A definition's key: math if it looks like a formula, else text."""
    if any(c in key for c in "\\^_"):
        return "$" + latex_source(key) + "$"
    return escape_text(key)


def format_metric(value: Any) -> str:
    """A metric value as short plain text (numbers with 6 significant digits, JSON otherwise)."""
    if isinstance(value, bool) or value is None:
        text = json.dumps(value)
    elif isinstance(value, float):
        text = f"{value:.6g}"
    elif isinstance(value, (int, str)):
        text = str(value)
    else:
        text = json.dumps(value, default=str, separators=(", ", ": "))
    if len(text) > MAX_METRIC_CHARS:
        text = text[:MAX_METRIC_CHARS] + f" ... ({len(text)} characters in all; see results.json)"
    return text


def derived_block(expr: DerivedExpression) -> str:
    """One derived expression: its name, description and the formula in display math."""
    head = rf"\textbf{{{escape_text(expr.name)}}}"
    if expr.description:
        head += " --- " + escape_text(expr.description)
    if len(expr.latex) > MAX_EXPRESSION_CHARS:
        return (head + rf"\par\emph{{The expression has {len(expr.latex)} characters of LaTeX; its SymPy form "
                r"is in results.json (srepr).}}")
    return head + "\n\\begin{gather*}\n" + latex_source(expr.latex) + "\n\\end{gather*}"


def claim_section(result: ClaimResult) -> str:
    """The section of one claim."""
    c = result.claim
    lines = [rf"\section*{{{escape_text(c.id)}: {escape_text(c.title)}}}",
             rf"\addcontentsline{{toc}}{{section}}{{{escape_text(c.id)}: {escape_text(c.title)}}}",
             rf"\emph{{{escape_text(c.source)}}}\par",
             rf"Verdict: \textbf{{{escape_text(result.verdict)}}} "
             rf"({len(result.checks)} checks, {result.seconds:.2f}\,s, profile {escape_text(result.profile)}, "
             rf"seed {result.seed}).",
             "", r"\subsection*{Statement as printed}", latex_source(c.statement), ""]
    if result.corrected:
        lines += [r"\subsection*{Corrected statement (derived by the suite)}", _math_or_text(result.corrected), ""]
    if c.definitions:
        lines += [r"\subsection*{Definitions}", r"\begin{itemize}"]
        for key, value in c.definitions.items():
            shown = latex_source(value) if has_math(value) else rf"$\displaystyle {latex_source(value)}$"
            lines.append(rf"\item {_key(key)}: {shown}")
        lines += [r"\end{itemize}", ""]
    if c.assumptions:
        lines += [r"\subsection*{Assumptions}", r"\begin{itemize}"]
        lines += [rf"\item {text_or_latex(a)}" for a in c.assumptions]
        lines += [r"\end{itemize}", ""]
    if c.conventions:
        lines += [r"\subsection*{Conventions}", r"\begin{itemize}"]
        lines += [rf"\item {text_or_latex(a)}" for a in c.conventions]
        lines += [r"\end{itemize}", ""]
    lines.append(r"\subsection*{Checks}")
    if not result.checks:
        lines.append(r"No checks yet: the verdict is \emph{not-run}.")
    for k in result.checks:
        lines += [rf"\subsubsection*{{{escape_text(k.name)}}}",
                  rf"Method {escape_text(k.method)}, target {escape_text(k.target)}: "
                  rf"\textbf{{{escape_text(k.status)}}} ({k.seconds:.3f}\,s).\par",
                  escape_text(k.detail) + r"\par"]
        if k.metrics:
            lines.append(r"\begin{itemize}")
            for name, value in k.metrics.items():
                lines.append(rf"\item \texttt{{{escape_text(name)}}}: {escape_text(format_metric(value))}")
            lines.append(r"\end{itemize}")
        if k.derived:
            lines.append(r"Derived expressions:\par")
            lines += [derived_block(d) for d in k.derived]
        lines.append("")
    return "\n".join(lines)


def latex_document(results: Sequence[ClaimResult], title: str | None = None) -> str:
    """The whole document for ``results`` (in the order given)."""
    title = title or ("Verification of Sander, Giryes, Suzuki, Blondel and Peyr\\'e, \\emph{How do "
                      "Transformers perform In-Context Autoregressive Learning?} (ICML 2024)")
    profiles = sorted({r.profile for r in results}) or ["quick"]
    seeds = sorted({r.seed for r in results}) or [0]
    summary = [r"\begin{center}", r"\begin{tabular}{llll}", r"\hline",
               r"claim & kind & verdict & checks passed\\", r"\hline"]
    for r in results:
        passed = sum(k.status == "passed" for k in r.checks)
        summary.append(rf"{escape_text(r.claim.id)} & {escape_text(r.claim.kind)} & "
                       rf"{escape_text(r.verdict)} & {passed}/{len(r.checks)}\\")
    summary += [r"\hline", r"\end{tabular}", r"\end{center}"]
    body = [PREAMBLE, rf"\title{{{title}}}", r"\author{ical-verify}", r"\date{}", r"\begin{document}",
            r"\maketitle",
            rf"Profile {escape_text(', '.join(profiles))}, seed {escape_text(', '.join(map(str, seeds)))}. "
            r"Statements are transcribed as printed in the paper; the verdicts and numbers come from the checks "
            r"of the suite.", "", *summary, ""]
    body += [claim_section(r) for r in results]
    body.append(r"\end{document}")
    return "\n".join(body) + "\n"


def run_claims(claim_ids: Iterable[str], seed: int = 0, profile: str = "quick", out_dir=None,
               progress=None) -> list[ClaimResult]:
    """Run the checks of ``claim_ids`` (figures go to ``out_dir``, or to a temporary folder)."""
    import tempfile

    from .runner import make_context, run_claim

    ids = list(claim_ids)
    with tempfile.TemporaryDirectory(prefix="ical-latex-") as tmp:
        ctx = make_context(seed=seed, profile=profile, out_dir=out_dir or tmp, progress=progress)
        return [run_claim(i, ctx) for i in ids]


def run_and_render(claim_ids: Iterable[str], seed: int = 0, profile: str = "quick", out_dir=None,
                   progress=None) -> str:
    """Run the checks of ``claim_ids`` and return the LaTeX document."""
    return latex_document(run_claims(claim_ids, seed, profile, out_dir, progress))
