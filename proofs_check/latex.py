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
\usepackage{graphicx}
\usepackage{array}
\usepackage{longtable}
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
\emergencystretch=3em
\newcommand{\statuscol}[1]{\begin{minipage}[t]{0.17\linewidth}\raggedright\small #1\end{minipage}\hfill}
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


#: Words of plain text longer than this get a break point every :data:`WORD_CHUNK` characters.
LONG_WORD = 36
WORD_CHUNK = 18


def escape_text(text: Any) -> str:
    r"""Plain text escaped for LaTeX text mode, with break points in very long words (hashes, paths, dumps).

    >>> escape_text("x" * 40).count(r"\allowbreak")
    2
    """
    import re as _re

    parts = _re.split(r"(\s+)", str(text))
    out = []
    for part in parts:
        if len(part) > LONG_WORD and not part.isspace():
            chunks = [part[i:i + WORD_CHUNK] for i in range(0, len(part), WORD_CHUNK)]
            out.append(r"\allowbreak{}".join(_escape_chars(c) for c in chunks))
        else:
            out.append(_escape_chars(part))
    return "".join(out)


def _escape_chars(text: Any) -> str:
    r"""Plain text (a check's detail, a metric, a name) escaped for LaTeX text mode.

    >>> _escape_chars("p_T = 1 & 50% of #1, cost $3 ~ x^2 \\ {a}")
    'p\\_T = 1 \\& 50\\% of \\#1, cost \\$3 \\textasciitilde{} x\\textasciicircum{}2 \\textbackslash{} \\{a\\}'
    >>> _escape_chars("σ ≤ 1 — done")
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


#: Formulas up to this many characters of LaTeX are set in display math as they are.
SHORT_FORMULA = 80
_MATRIX = re.compile(r"\\begin\{([pbBvV]?matrix|array|smallmatrix)\*?\}")
_ENV = re.compile(r"\\begin\{([a-zA-Z*]+)\}.*?\\end\{\1\}", re.S)
_FIT = r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{$\displaystyle "


def breakable_math(tex: str) -> str:
    r"""Math that TeX can break across lines: ``\left``/``\right``/``\middle`` delimiters (which glue their
    contents into one unbreakable box) become ``\bigl``/``\bigr``/``\big``, and long ``\text{...}`` runs are split
    into words joined by math spaces.

    >>> breakable_math(r"\left( a + b \right) \leftarrow \text{one two three four five six seven eight nine ten}")
    '\\bigl( a + b \\bigr) \\leftarrow \\text{one}\\ \\allowbreak \\text{two}\\ \\allowbreak \\text{three}\\ \\allowbreak \\text{four}\\ \\allowbreak \\text{five}\\ \\allowbreak \\text{six}\\ \\allowbreak \\text{seven}\\ \\allowbreak \\text{eight}\\ \\allowbreak \\text{nine}\\ \\allowbreak \\text{ten}'
    """
    out = re.sub(r"\\left(?![A-Za-z])\s*", r"\\bigl", tex)
    out = re.sub(r"\\right(?![A-Za-z])\s*", r"\\bigr", out)
    out = re.sub(r"\\middle(?![A-Za-z])\s*", r"\\big", out)
    out = out.replace(r"\bigl.", r"\bigl.").replace(r"\bigr.", r"\bigr.")

    return _split_long_text(out)


def _split_long_text(tex: str, min_chars: int = 30) -> str:
    r"""``\text{...}`` runs of at least ``min_chars`` characters split into one ``\text{word}`` per word, joined by
    math spaces at which TeX may break the line (``\ \allowbreak``). Words keep their own brace groups (``\S{}2:`` stays whole).

    >>> _split_long_text(r"x \text{\S{}2: encoding the position amounts to it}").split(r"\ \allowbreak ")
    ['x \\text{\\S{}2:}', '\\text{encoding}', '\\text{the}', '\\text{position}', '\\text{amounts}', '\\text{to}', '\\text{it}']
    """
    out, i = [], 0
    while True:
        k = tex.find("\\text{", i)
        if k < 0:
            out.append(tex[i:])
            return "".join(out)
        start = k + len("\\text{")
        depth, j = 1, start
        while j < len(tex) and depth:
            if tex[j] == "\\":
                j += 2
                continue
            depth += {"{": 1, "}": -1}.get(tex[j], 0)
            j += 1
        body = tex[start:j - 1]
        out.append(tex[i:k])
        if depth or len(body) < min_chars or "$" in body:
            out.append(tex[k:j])
        else:
            words, word, level = [], [], 0
            for ch in body:
                if ch.isspace() and level == 0:
                    if word:
                        words.append("".join(word))
                        word = []
                    continue
                level += {"{": 1, "}": -1}.get(ch, 0)
                word.append(ch)
            if word:
                words.append("".join(word))
            lead = "\\ " if body[:1].isspace() else ""
            trail = "\\ " if body[-1:].isspace() else ""
            out.append(lead + "\\ \\allowbreak ".join(rf"\text{{{w}}}" for w in words) + trail)
        i = j


def _matrix_heavy(tex: str) -> bool:
    """A formula built around a matrix (little outside its environments): scale it rather than break it."""
    return bool(_MATRIX.search(tex)) and len(_ENV.sub("", tex)) < 60


def math_block(tex: str) -> str:
    """A formula on its own: display math if short, else breakable (or, around a matrix, scaled to the line)."""
    src = latex_source(tex).strip()
    if len(src) <= SHORT_FORMULA:
        return "\\[" + src + "\\]"
    if _matrix_heavy(src):
        return "\\par\\begin{center}" + _FIT + src + "$}\\end{center}"
    return "\\par{\\raggedright\\noindent$\\displaystyle " + breakable_math(src) + "$\\par}"


def math_inline(tex: str) -> str:
    """Inline math in text: long formulas made breakable (or scaled, around a matrix)."""
    src = latex_source(tex)
    if len(src) <= SHORT_FORMULA:
        return "$" + src + "$"
    if _matrix_heavy(src):
        return _FIT + src + "$}"
    return "$" + breakable_math(src) + "$"


def latex_text(text: str) -> str:
    r"""LaTeX text written by people (a statement, a reading): text as is, math segments made breakable.

    >>> latex_text(r"If $a = b$ then \[c\]")
    'If $a = b$ then \\[c\\]'
    """
    parts = []
    for kind, chunk in split_math(text):
        if kind == "text":
            parts.append(latex_source(chunk))
        elif kind == "inline":
            parts.append(math_inline(chunk))
        else:
            parts.append(math_block(chunk))
    return "".join(parts)


def _math_or_text(text: str) -> str:
    """A corrected statement: text with math as is, a bare formula in display math, prose escaped."""
    kind = corrected_kind(text)
    if kind == "latex":
        return latex_text(text)
    if kind == "prose":
        return escape_text(text)
    return math_block(text)


def _plain_or_latex(text: str) -> str:
    return latex_text(text) if has_math(text) else escape_text(text)


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
    """One derived expression: its name, description and the formula (breakable when long)."""
    head = rf"\textbf{{{escape_text(expr.name)}}}"
    if expr.description:
        head += " --- " + escape_text(expr.description)
    if len(expr.latex) > MAX_EXPRESSION_CHARS:
        return (head + rf"\par\emph{{The expression has {len(expr.latex)} characters of LaTeX; its SymPy form "
                r"is in results.json (srepr).}}")
    return head + "\n" + math_block(expr.latex) + "\n"


#: Status symbols of proof steps in the status column (amssymb's \checkmark).
STEP_MARKS = {"follows": r"$\checkmark$", "follows-with-correction": r"$\checkmark^{*}$", "gap": r"\textbf{?}",
              "fails": r"$\boldsymbol{\times}$", "not-checked": r"--"}
VERDICT_WORD = {"verified": "verified", "erratum": "erratum", "refuted": "refuted", "inconclusive": "inconclusive",
                "not-run": "not-run"}


def _verdict(verdict: str, severity: str | None) -> str:
    return escape_text(f"{verdict} ({severity})" if severity else verdict)


def proof_block(result: ClaimResult) -> list[str]:
    """The proof, one step per row: a status column (symbol, status, step id) beside the formula and evidence."""
    proof = result.proof
    if proof is None:
        return []
    counts = ", ".join(f"{n} {s}" for s, n in proof.counts().items() if n)
    lines = [r"\subsection*{Proof (" + escape_text(proof.source) + ")}",
             r"{\small Status of each step: " + ", ".join(f"{m} {escape_text(s)}" for s, m in STEP_MARKS.items())
             + r".}\par", escape_text(f"Steps: {counts}.") + r"\par\medskip", ""]
    for s in proof.steps:
        where = escape_text(s.step.id) + (" " + escape_text(s.step.equation) if s.step.equation else "")
        if result.erratum_step == s.step.id:
            where += r" \textbf{(erratum)}"
        status = rf"{STEP_MARKS.get(s.status, '')} \textbf{{{escape_text(s.status)}}}\\ {where}"
        body = [r"\begin{minipage}[t]{0.8\linewidth}", r"\raggedright"]
        body.append(rf"\strut{math_inline(s.step.latex)}\par")
        evidence = escape_text(s.detail)
        if s.step.claims_from:
            evidence += " (from " + escape_text(", ".join(s.step.claims_from)) + ")"
        body.append(r"{\small " + evidence + r"}\par")
        if s.correction:
            body.append(r"{\small correction: }" + math_inline(s.correction) + r"\par")
        body.append(r"\end{minipage}")
        lines += [r"\noindent\statuscol{" + status + "}", *body, r"\par\medskip", ""]
    return lines


def _figure_lines(result: ClaimResult, figures: dict[str, str] | None) -> list[str]:
    from pathlib import Path

    if not result.figures:
        return []
    lines = [r"\subsection*{Figures}"]
    for f in result.figures:
        shown = (figures or {}).get(f)
        if shown:
            lines += [r"\begin{center}", rf"\includegraphics[width=0.85\linewidth]{{{shown}}}", r"\end{center}"]
        elif Path(f).is_file():
            lines.append(r"Figure file: \texttt{" + escape_text(f) + r"}\par")
        else:
            lines.append(r"Figure \texttt{" + escape_text(Path(f).name) + r"}: not included (write the document "
                         r"with \texttt{--out FILE} to get the figures beside it).\par")
    return lines


def claim_section(result: ClaimResult, figures: dict[str, str] | None = None) -> str:
    """The section of one claim (``figures`` maps a figure's stored path to the path to include)."""
    c = result.claim
    lines = [rf"\section*{{{escape_text(c.id)}: {escape_text(c.title)}}}",
             rf"\addcontentsline{{toc}}{{section}}{{{escape_text(c.id)}: {escape_text(c.title)}}}",
             rf"\emph{{{escape_text(c.source)}}}\par",
             rf"Verdict: \textbf{{{_verdict(result.verdict, result.severity)}}} "
             rf"({len(result.checks)} checks, {result.seconds:.2f}\,s, profile {escape_text(result.profile)}, "
             rf"seed {result.seed}).\par"]
    if result.scope:
        lines.append(r"Scope: " + escape_text(result.scope) + r".\par")
    if result.finding:
        lines.append(r"\textbf{Finding:} " + escape_text(result.finding) + r"\par")
    if result.erratum_step:
        lines.append(r"The proof goes wrong at step \texttt{" + escape_text(result.erratum_step) + r"}.\par")
    lines += ["", r"\subsection*{Statement as printed}", latex_text(c.statement), ""]
    if result.corrected:
        lines += [r"\subsection*{Corrected statement (derived by the suite)}", _math_or_text(result.corrected), ""]
    if result.readings:
        lines += [r"\subsection*{Readings}", r"\begin{itemize}"]
        for r in result.readings:
            adopted = r" (adopted)" if r.reading.adopted else ""
            lines.append(rf"\item \textbf{{{escape_text(r.reading.id)}}}{adopted}: "
                         rf"\textbf{{{_verdict(r.verdict, r.severity)}}}. {_plain_or_latex(r.reading.text)}"
                         + (rf" --- \emph{{why:}} {_plain_or_latex(r.reading.why)}" if r.reading.why else ""))
        lines += [r"\end{itemize}", ""]
    if result.subclaims:
        lines += [r"\subsection*{Sub-claims}", r"\begin{itemize}"]
        for s in result.subclaims:
            source = f" ({escape_text(s.subclaim.source)})" if s.subclaim.source else ""
            lines.append(rf"\item \textbf{{{escape_text(s.subclaim.id)}}}{source}: "
                         rf"\textbf{{{_verdict(s.verdict, s.severity)}}}. {_plain_or_latex(s.subclaim.text)}"
                         + (rf" --- {escape_text(s.finding)}" if s.finding else ""))
            for r in s.readings:
                lines.append(rf"\newline reading {escape_text(r.reading.id)}"
                             + (" (adopted)" if r.reading.adopted else "")
                             + rf": {_verdict(r.verdict, r.severity)}")
        lines += [r"\end{itemize}", ""]
    if c.definitions:
        lines += [r"\subsection*{Definitions}", r"\begin{itemize}"]
        for key, value in c.definitions.items():
            kind = corrected_kind(value)
            shown = (latex_text(value) if kind == "latex" else escape_text(value) if kind == "prose"
                     else math_inline(r"\displaystyle " + value))
            lines.append(rf"\item {_key(key)}: {shown}")
        lines += [r"\end{itemize}", ""]
    if c.assumptions:
        lines += [r"\subsection*{Assumptions}", r"\begin{itemize}"]
        lines += [rf"\item {_plain_or_latex(a)}" for a in c.assumptions]
        lines += [r"\end{itemize}", ""]
    if c.conventions:
        lines += [r"\subsection*{Conventions}", r"\begin{itemize}"]
        lines += [rf"\item {_plain_or_latex(a)}" for a in c.conventions]
        lines += [r"\end{itemize}", ""]
    lines.append(r"\subsection*{Checks}")
    if not result.checks:
        lines.append(r"No checks yet: the verdict is \emph{not-run}.")
    for k in result.checks:
        status = k.status + (f" ({k.severity})" if k.severity else "")
        lines += [rf"\subsubsection*{{{escape_text(k.name)}}}",
                  rf"Method {escape_text(k.method)}, target {escape_text(k.target)}: "
                  rf"\textbf{{{escape_text(status)}}} ({k.seconds:.3f}\,s)."
                  + (r" Scope: " + escape_text(k.scope) + "." if k.scope else "") + r"\par",
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
    if result.partial:
        lines.append(r"Skipped checks: " + escape_text(", ".join(result.partial)) + r".\par")
    if result.artefacts:
        lines += [r"\subsection*{Artefacts (no vote)}", r"\begin{itemize}"]
        for a in result.artefacts:
            state = ("error: " + a.error) if a.error else a.detail
            lines.append(rf"\item \textbf{{{escape_text(a.name)}}}: {escape_text(state)}")
            lines += [derived_block(d) for d in a.derived]
        lines += [r"\end{itemize}", ""]
    lines += _figure_lines(result, figures)
    lines += proof_block(result)
    return "\n".join(lines)


def summary_table(results: Sequence[ClaimResult]) -> list[str]:
    """The summary, grouped by paper: claim, kind, verdict with severity, scope and finding."""
    col = r">{\raggedright\arraybackslash}p{%s\linewidth}"
    spec = "".join(col % w for w in ("0.12", "0.10", "0.12", "0.14", "0.37"))
    lines = [r"{\small", rf"\begin{{longtable}}{{{spec}}}", r"\hline",
             r"claim & kind & verdict & scope & finding\\", r"\hline", r"\endhead"]
    for paper, group in _groups(results):
        lines.append(rf"\multicolumn{{5}}{{>{{\raggedright\arraybackslash}}p{{0.95\linewidth}}}}"
                     rf"{{\textbf{{{escape_text(_heading(paper))}}}}}\\")
        for r in group:
            lines.append(rf"{escape_text(r.claim.id)} & {escape_text(r.claim.kind)} & "
                         rf"{_verdict(r.verdict, r.severity)} & {escape_text(r.scope or '')} & "
                         rf"{escape_text(r.finding or '')}\\")
        lines.append(r"\hline")
    lines += [r"\end{longtable}", "}"]
    return lines


def _groups(results):
    from .render_terminal import paper_groups

    return paper_groups(results, lambda r: r.claim.paper)


def _heading(paper: str) -> str:
    from .render_terminal import paper_heading

    return paper_heading(paper)


def latex_document(results: Sequence[ClaimResult], title: str | None = None,
                   figures: dict[str, str] | None = None) -> str:
    """The whole document for ``results`` (grouped by paper, in the order given). ``figures`` maps stored
    figure paths to the (relative) paths to include; figures not in it are named, not included."""
    papers = [p for p, _ in _groups(results)]
    title = title or ("Verification report: " + "; ".join(escape_text(_heading(p)) for p in papers)
                      if papers else "Verification report")
    profiles = sorted({r.profile for r in results}) or ["quick"]
    seeds = sorted({r.seed for r in results}) or [0]
    body = [PREAMBLE, rf"\title{{{title}}}", r"\author{ical-verify}", r"\date{}", r"\begin{document}",
            r"\maketitle",
            rf"Profile {escape_text(', '.join(profiles))}, seed {escape_text(', '.join(map(str, seeds)))}. "
            r"Statements are transcribed as printed in the paper; the verdicts and numbers come from the checks "
            r"of the suite.", "", *summary_table(results), ""]
    for paper, group in _groups(results):
        body.append(r"\part*{" + escape_text(_heading(paper)) + "}")
        body += [claim_section(r, figures) for r in group]
    body.append(r"\end{document}")
    return "\n".join(body) + "\n"


#: Figure formats pdflatex can include.
INCLUDABLE = (".png", ".jpg", ".jpeg", ".pdf")


def copy_figures(results: Sequence[ClaimResult], folder, relative_to) -> dict[str, str]:
    """Copy every includable figure of ``results`` into ``folder``; return stored path → path relative to
    ``relative_to`` (the .tex file's folder), with file names safe for ``\\includegraphics``."""
    import shutil
    from pathlib import Path

    folder, relative_to = Path(folder), Path(relative_to)
    mapping: dict[str, str] = {}
    for r in results:
        for f in r.figures:
            src = Path(f)
            if f in mapping or src.suffix.lower() not in INCLUDABLE or not src.is_file():
                continue
            folder.mkdir(parents=True, exist_ok=True)
            safe = re.sub(r"[^A-Za-z0-9-]", "-", src.stem) + src.suffix.lower()
            shutil.copyfile(src, folder / safe)
            mapping[f] = (folder / safe).resolve().relative_to(relative_to.resolve()).as_posix()
    return mapping


def run_claims(claim_ids: Iterable[str], seed: int = 0, profile: str = "quick", out_dir=None,
               progress=None) -> list[ClaimResult]:
    """Run the checks of ``claim_ids`` in this process (figures go to ``out_dir``, or to a temporary folder)."""
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
