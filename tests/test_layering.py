"""Dependencies point one way: proofs_check uses theory, numerics and models; models may use numerics;
theory uses neither numerics nor models; numerics uses neither theory nor models."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "theory": {"numerics", "models", "proofs_check"},
    "numerics": {"theory", "models", "proofs_check"},
    "models": {"theory", "proofs_check"},
}


def imported_layers(path: Path, layer: str) -> set[str]:
    """The sibling layers a module imports, from absolute `ical_verify.X` or relative `..X` imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level >= 2 and node.module:
                names = ["ical_verify." + node.module]
            elif node.level == 0 and node.module:
                names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "ical_verify" and len(parts) > 1:
                found.add(parts[1])
    return found - {layer}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_one_way(layer):
    bad = {}
    for path in sorted((ROOT / layer).rglob("*.py")):
        hits = imported_layers(path, layer) & FORBIDDEN[layer]
        if hits:
            bad[str(path.relative_to(ROOT))] = sorted(hits)
    assert not bad, f"{layer} must not import {sorted(FORBIDDEN[layer])}: {bad}"


def test_the_checker_sees_a_forbidden_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from ..numerics.torus import NumericLaurent\nimport ical_verify.models.x\n")
    assert imported_layers(module, "theory") == {"numerics", "models"}
