"""The teaching walkthroughs: every notebook executes without an error in any cell (read with jupytext,
executed with nbclient in a kernel of the running interpreter), a broken notebook is reported as failing, and
the `ical-verify walkthrough` command renders them in the terminal and as offline HTML."""

from __future__ import annotations

import importlib.util
from html.parser import HTMLParser

import pytest

from ical_verify.proofs_check import walkthrough
from ical_verify.proofs_check.cli import main

MISSING = [m for m in ("jupytext", "nbclient", "nbformat", "ipykernel") if importlib.util.find_spec(m) is None]
needs_kernel = pytest.mark.skipif(bool(MISSING), reason=f"{', '.join(MISSING)} not installed (pip install -e '.[dev]')")

EXPECTED = {"lemma2_to_prop4", "zero_loss_sets", "gd_step_prop2", "conditioning_prop7", "definition1"}


def execute_with_jupytext(path):
    """Read a percent script with jupytext and execute it with nbclient; return the notebook."""
    import jupytext
    import nbclient

    nb = jupytext.read(path)
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=300,
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def errors(nb) -> list[str]:
    return [f"{o.get('ename')}: {o.get('evalue')}" for c in nb.cells for o in c.get("outputs", [])
            if o.get("output_type") == "error"]


def test_the_four_walkthroughs_are_installed():
    assert EXPECTED <= set(walkthrough.names())
    for name in walkthrough.names():
        code = "\n".join(c.source for c in walkthrough.read(name) if c.kind == "code")
        assert code.count("assert ") >= 3, f"{name}: every step should assert its numeric check"
        assert walkthrough.title(name) != name


@needs_kernel
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_walkthrough_executes_without_error(name):
    nb = execute_with_jupytext(walkthrough.path(name))
    assert errors(nb) == []
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert code_cells and all(c.get("execution_count") for c in code_cells)   # every cell ran


@needs_kernel
def test_a_broken_notebook_fails(tmp_path):
    script = tmp_path / "broken.py"
    script.write_text("# %% [markdown]\n# # Broken\n\n# %%\nx = 1 + 1\n\n# %%\nassert x == 3, 'wrong derivation'\n"
                      "\n# %%\nprint('never reached')\n", encoding="utf-8")
    import nbclient

    with pytest.raises(nbclient.exceptions.CellExecutionError, match="wrong derivation"):
        execute_with_jupytext(script)
    with pytest.raises(walkthrough.WalkthroughError, match=r"cell 3 \(.assert x == 3.*wrong derivation"):
        walkthrough.run_cells(walkthrough.parse_percent(script.read_text()))


@needs_kernel
def test_own_reader_agrees_with_jupytext():
    import jupytext

    for name in walkthrough.names():
        nb = jupytext.read(walkthrough.path(name))
        mine = walkthrough.read(name)
        assert [(c.cell_type, c.source.strip()) for c in nb.cells] == [(c.kind, c.source.strip()) for c in mine]


def test_cli_lists_and_rejects_unknown_names(capsys):
    assert main(["walkthrough", "--list"]) == 0
    listing = capsys.readouterr().out
    assert all(n in listing for n in EXPECTED)
    assert main(["walkthrough", "nosuch"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown walkthrough 'nosuch'" in err[0] and "gd_step_prop2" in err[0]


def test_cli_renders_in_the_terminal(capsys):
    assert main(["walkthrough", "conditioning_prop7"]) == 0
    out = capsys.readouterr().out
    assert "Proposition 7" in out and "def gd_until" in out
    assert r"\mathbb{E}_{\lambda\sim\mathcal{W}(\mu)}" in out      # formulas shown as written


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.urls = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]


def test_cli_html_without_execution_is_offline(tmp_path):
    out = tmp_path / "w.html"
    assert main(["walkthrough", "lemma2_to_prop4", "--html", str(out), "--no-execute"]) == 0
    p = _Tags()
    p.feed(out.read_text())
    assert "math" in p.tags and "script" not in p.tags
    assert not [u for u in p.urls if u.startswith(("http:", "https:", "//"))]


@needs_kernel
def test_cli_html_executes_and_embeds_outputs(tmp_path):
    out = tmp_path / "w.html"
    assert main(["walkthrough", "conditioning_prop7", "--html", str(out)]) == 0
    page = out.read_text()
    assert "data:image/png;base64," in page          # the matplotlib figures
    assert "Monte Carlo" in page and 'class="output error"' not in page


def test_cli_html_bad_path_is_usage_error(tmp_path, capsys):
    assert main(["walkthrough", "gd_step_prop2", "--html", str(tmp_path / "no" / "w.html"), "--no-execute"]) == 2
    assert "does not exist" in capsys.readouterr().err
