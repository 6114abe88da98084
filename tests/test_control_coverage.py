"""Every check of every claim has a negative control, and every check that fails on the paper has a positive one.

The controls are the tests marked ``@negative_control(claim, *checks)`` / ``@positive_control(claim, *checks)``
(``tests/negative_controls.py``), kept in ``tests/controls/test_controls_<claim>.py``. This test reads the marks
from the source (statically, so it sees every control whether or not it was selected in this run) and compares
them with the registry and with the committed results snapshot.
"""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest

from ical_verify.proofs_check.registry import all_claims

TESTS = Path(__file__).parent
SNAPSHOT = TESTS.parent / "snapshots" / "quick-seed0" / "results.json"


def _marks(kind: str) -> dict[tuple[str, str], list[str]]:
    """(claim, check) → the test functions marked as a ``kind`` control of it."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for deco in node.decorator_list:
                if not (isinstance(deco, ast.Call) and getattr(deco.func, "id", None) == kind):
                    continue
                args = [a.value for a in deco.args if isinstance(a, ast.Constant)]
                if len(args) != len(deco.args) or len(args) < 2:
                    raise AssertionError(f"{path.name}:{node.lineno}: {kind} takes literal strings")
                claim, *checks = args
                for check in checks:
                    found.setdefault((claim, check), []).append(f"{path.name}::{node.name}")
    return found


#: Checks that exist only when local data are named (Figure 4's real-data checks): the shipped sample files name them.
SAMPLE = TESTS / "data" / "fig4"
DATA_ENV = {"ICAL_FIG4_CORPUS": SAMPLE / "corpus", "ICAL_FIG4_TOKENIZER_DIR": SAMPLE / "tokenizer",
            "ICAL_FIG4_EMBEDDINGS": SAMPLE / "embeddings.safetensors"}


def _checks():
    """Every (claim, check) of the registry, with and without the optional local data."""
    found = [(c.id, k.name) for c in all_claims() for k in c.checks]
    saved = {name: os.environ.get(name) for name in DATA_ENV}
    os.environ.update({name: str(path) for name, path in DATA_ENV.items()})
    try:
        found += [(c.id, k.name) for c in all_claims() for k in c.checks if (c.id, k.name) not in found]
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return found


def test_every_control_names_a_real_check():
    real = set(_checks())
    for kind in ("negative_control", "positive_control"):
        unknown = sorted(set(_marks(kind)) - real)
        assert not unknown, f"{kind} marks that name no check of the registry: {unknown}"


def test_every_check_has_a_negative_control():
    marks = _marks("negative_control")
    missing = [f"{claim}:{check}" for claim, check in _checks() if (claim, check) not in marks]
    covered = len(_checks()) - len(missing)
    assert not missing, (f"{covered} of {len(_checks())} checks have a negative control; missing: "
                         + ", ".join(missing))


def test_every_check_that_fails_on_the_paper_has_a_positive_control():
    if not SNAPSHOT.exists():
        pytest.skip(f"no results snapshot at {SNAPSHOT}")
    stored = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    failing = [(r["claim"], c["name"]) for r in stored for c in r["checks"] if c["status"] == "failed"]
    marks = _marks("positive_control")
    missing = [f"{claim}:{check}" for claim, check in failing if (claim, check) not in marks]
    assert not missing, "checks that fail on the paper's statement without a positive control: " + ", ".join(missing)
