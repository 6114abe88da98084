r"""Teaching walkthroughs: Jupyter notebooks kept as jupytext "percent" scripts (``walkthroughs/*.py``).

The notebooks are installed as the package data of ``ical_verify.walkthroughs`` (the folder
``walkthroughs/`` of the repository). This module finds them, reads the percent format (``# %%`` starts a
code cell, ``# %% [markdown]`` a Markdown cell whose lines are commented with ``# ``), executes them with
``nbclient`` (the ``dev``/``walkthroughs`` extras: jupytext, nbclient, nbformat, ipykernel) and renders
them in the terminal (rich) or as one self-contained HTML page (Markdown by ``markdown-it-py``, code by
``pygments``, formulas as MathML by ``latex2mathml``, images as data URIs; nothing is loaded from the
network).
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import UsageError

#: Seconds one cell may run before the execution is stopped.
CELL_TIMEOUT = 300

_MARKER = re.compile(r"^# %%(.*)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class Cell:
    """One cell: ``kind`` is "markdown" or "code"; ``outputs`` are nbformat output dicts once executed."""

    kind: str
    source: str
    outputs: list[dict[str, Any]] = field(default_factory=list)


def folder() -> Path:
    """The folder holding the walkthrough scripts (installed package data)."""
    return Path(str(resources.files("ical_verify.walkthroughs")))


def names() -> list[str]:
    """The names of the walkthroughs (file names without ``.py``), sorted."""
    return sorted(p.stem for p in folder().glob("*.py") if not p.name.startswith("_"))


def path(name: str) -> Path:
    """The script of walkthrough ``name``; :class:`UsageError` naming the valid names otherwise."""
    valid = names()
    if name not in valid:
        raise UsageError(f"unknown walkthrough {name!r}: valid names are {', '.join(valid)}")
    return folder() / f"{name}.py"


def parse_percent(text: str) -> list[Cell]:
    r"""The cells of a jupytext percent script.

    >>> [(c.kind, c.source) for c in parse_percent("# %% [markdown]\n# # Title\n# $x$\n\n# %%\nx = 1\n")]
    [('markdown', '# Title\n$x$'), ('code', 'x = 1')]
    """
    cells: list[Cell] = []
    kind, lines = None, []

    def flush():
        if kind is None:
            if "".join(lines).strip():
                cells.append(Cell("code", "\n".join(lines).strip("\n")))
            return
        body = lines
        if kind == "markdown":
            body = [ln[2:] if ln.startswith("# ") else ln[1:] if ln.startswith("#") else ln for ln in lines]
        cells.append(Cell(kind, "\n".join(body).strip("\n")))

    for line in text.splitlines():
        m = _MARKER.match(line)
        if m:
            flush()
            kind = "markdown" if re.search(r"\[(markdown|md)\]", m.group(1)) else "code"
            lines = []
        else:
            lines.append(line)
    flush()
    return [c for c in cells if c.source.strip() or c.kind == "code"]


def read(name: str) -> list[Cell]:
    """The cells of walkthrough ``name``."""
    return parse_percent(path(name).read_text(encoding="utf-8"))


def title(name: str) -> str:
    """The first Markdown heading of walkthrough ``name``."""
    for cell in read(name):
        if cell.kind == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return name


class WalkthroughError(RuntimeError):
    """A cell of a walkthrough raised: the message names the cell and the error."""


def run_cells(cells: list[Cell], cwd: str | Path | None = None, timeout: int = CELL_TIMEOUT) -> list[Cell]:
    """Run the code cells in a fresh Python kernel (the running interpreter's ipykernel).

    Raises :class:`WalkthroughError` at the first cell that fails; its message names the cell (1-based
    among all cells) and the exception. Returns the cells with their outputs.
    """
    import tempfile

    try:
        import nbclient
        import nbformat
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise UsageError(f"executing a walkthrough needs nbclient, nbformat and ipykernel ({exc.name} is "
                         "missing): pip install 'ical-verify[walkthroughs]'") from None
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(c.source) if c.kind == "markdown" else nbformat.v4.new_code_cell(c.source)
                for c in cells]
    with tempfile.TemporaryDirectory(prefix="ical-walkthrough-") as tmp:
        client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=timeout,
                                         resources={"metadata": {"path": str(cwd or tmp)}})
        try:
            client.execute()
        except nbclient.exceptions.CellExecutionError as exc:
            index = next((i for i, c in enumerate(nb.cells) if any(o.get("output_type") == "error"
                                                                   for o in c.get("outputs", []))), None)
            where = "a cell"
            if index is not None:
                first = next((ln for ln in nb.cells[index].source.splitlines() if ln.strip()), "")
                where = f"cell {index + 1} ({first.strip()[:60]!r})"
            raise WalkthroughError(f"{where} failed: {getattr(exc, 'ename', '')}: "
                                   f"{getattr(exc, 'evalue', exc)}".rstrip(": ")) from None
    out = []
    for cell, nb_cell in zip(cells, nb.cells):
        out.append(Cell(cell.kind, cell.source, [dict(o) for o in nb_cell.get("outputs", [])]))
    return out


# terminal ------------------------------------------------------------------------------------------
def render_terminal(name: str, console, execute: bool = False) -> None:
    """Print walkthrough ``name`` with rich: Markdown cells as Markdown, code highlighted, outputs if run."""
    from rich.markdown import Markdown
    from rich.panel import Panel
    from rich.syntax import Syntax
    from rich.text import Text

    cells = read(name)
    if execute:
        cells = run_cells(cells)
    for cell in cells:
        if cell.kind == "markdown":
            console.print(Markdown(_protect_math(cell.source)))
        else:
            console.print(Panel(Syntax(cell.source, "python", theme="ansi_dark", line_numbers=False),
                                border_style="dim"))
            for text in _output_texts(cell.outputs):
                console.print(Text.from_ansi(text), style="cyan")
        console.print()


def _protect_math(source: str) -> str:
    """Markdown with its formulas as code spans (inline) or code blocks (display), so the terminal
    Markdown renderer shows the LaTeX unchanged instead of reading ``_`` and ``*`` as emphasis.

    >>> _protect_math(r"a $x_1 * y_2$ b")
    'a `x_1 * y_2` b'
    """
    from .latex import split_math

    out = []
    for kind, chunk in split_math(source):
        if kind == "text":
            out.append(chunk)
        elif kind == "inline" and "`" not in chunk:
            out.append(f"`{chunk}`")
        else:
            out.append(f"\n```latex\n{chunk.strip()}\n```\n")
    return "".join(out)


def _output_texts(outputs: list[dict[str, Any]]) -> list[str]:
    texts = []
    for o in outputs:
        kind = o.get("output_type")
        if kind == "stream":
            texts.append(o.get("text", "").rstrip("\n"))
        elif kind in ("execute_result", "display_data"):
            data = o.get("data", {})
            if "image/png" in data:
                texts.append("[figure: use --html to see it]")
            elif "text/plain" in data:
                texts.append(str(data["text/plain"]))
        elif kind == "error":
            texts.append("\n".join(o.get("traceback", [])))
    return texts


# HTML ----------------------------------------------------------------------------------------------
_CSS = """
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; max-width: 60rem; margin: 1.5rem auto;
       padding: 0 1rem; color: #1f2328; line-height: 1.5; }
.code { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: .3rem; padding: .2rem .6rem; margin: .6rem 0; overflow-x: auto; }
.code pre { margin: .3rem 0; }
.output { border-left: 3px solid #8c959f; padding: .1rem .6rem; margin: .2rem 0 1rem 0; overflow-x: auto; }
.output pre { margin: .2rem 0; }
.error { border-left-color: #cf222e; background: #ffebe9; }
code.tex { background: #fff8c5; }
img { max-width: 100%; }
math { font-size: 1.1em; }
"""


def _markdown_html(source: str) -> str:
    """Markdown with ``$...$`` math: math is set aside, the rest rendered by markdown-it, math put back."""
    from markdown_it import MarkdownIt

    from .html_report import math_html
    from .latex import split_math

    pieces, parts = [], []
    for kind, chunk in split_math(source):
        if kind == "text":
            parts.append(chunk)
        else:
            parts.append(f"\ue000{len(pieces)}\ue001")
            pieces.append(math_html(chunk, display=kind == "display"))
    rendered = MarkdownIt("commonmark").enable("table").render("".join(parts))
    return re.sub("\ue000(\\d+)\ue001", lambda m: pieces[int(m.group(1))], rendered)


def _code_html(source: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    return highlight(source, PythonLexer(), HtmlFormatter(noclasses=True, nobackground=True))


def _outputs_html(outputs: list[dict[str, Any]]) -> str:
    from .html_report import latex_html

    out = []
    for o in outputs:
        kind = o.get("output_type")
        if kind == "stream":
            out.append(f"<pre>{html.escape(_ANSI.sub('', o.get('text', '')))}</pre>")
        elif kind in ("execute_result", "display_data"):
            data = o.get("data", {})
            if "image/png" in data:
                b64 = "".join(data["image/png"].split()) if isinstance(data["image/png"], str) else \
                    base64.b64encode(data["image/png"]).decode("ascii")
                out.append(f'<img alt="figure" src="data:image/png;base64,{b64}">')
            elif "text/latex" in data:
                out.append(f"<div>{latex_html(str(data['text/latex']))}</div>")
            elif "text/plain" in data:
                out.append(f"<pre>{html.escape(str(data['text/plain']))}</pre>")
        elif kind == "error":
            tb = _ANSI.sub("", "\n".join(o.get("traceback", [])))
            out.append(f'<pre class="error">{html.escape(tb)}</pre>')
    if not out:
        return ""
    cls = "output error" if any(o.get("output_type") == "error" for o in outputs) else "output"
    return f'<div class="{cls}">' + "\n".join(out) + "</div>"


def cells_html(cells: list[Cell], page_title: str) -> str:
    """One self-contained HTML page of ``cells``."""
    body = []
    for cell in cells:
        if cell.kind == "markdown":
            body.append(_markdown_html(cell.source))
        else:
            body.append(f'<div class="code">{_code_html(cell.source)}</div>')
            body.append(_outputs_html(cell.outputs))
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(page_title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def to_html(name: str, execute: bool = True) -> str:
    """Walkthrough ``name`` as one HTML page, executed first unless ``execute`` is false."""
    cells = read(name)
    if execute:
        cells = run_cells(cells)
    return cells_html(cells, title(name))
