"""A third-party paper registered through the ``ical_verify.papers`` entry point (docs/adding-a-paper.md).

The worked example of the guide (its fenced blocks marked ``file=...``) is written into a temporary folder,
installed there without network and without touching the real environment (``pip install --no-deps
--no-build-isolation --no-index --target``), and the ``ical-verify`` command is run in a subprocess with that folder
on ``PYTHONPATH`` so that ``importlib.metadata`` finds the package's entry point.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "adding-a-paper.md"
CLAIM_ID = "example-fourth-moment"
PAPER_ID = "example2024"

FENCE = re.compile(r"^```(\w+)\s+file=(\S+)\n(.*?)^```", re.S | re.M)


def guide_files() -> dict[str, str]:
    """The files of the guide's worked example: {relative path: content}."""
    return {path: body for _, path, body in FENCE.findall(GUIDE.read_text(encoding="utf-8"))}


def cli() -> list[str]:
    """The ``ical-verify`` console script of the interpreter running the tests."""
    script = Path(sys.executable).with_name("ical-verify")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ical_verify.proofs_check.cli"]


def _env(site: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(site) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[var] = "1"
    return env


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory) -> Path:
    """The example package, installed into a temporary folder (returned); nothing enters the real environment."""
    base = tmp_path_factory.mktemp("plugin")
    src, site = base / "src", base / "site"
    for rel, body in guide_files().items():
        target = src / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
                           "--disable-pip-version-check", "--quiet", "--target", str(site), str(src)],
                          capture_output=True, text=True, cwd=base)
    assert done.returncode == 0, done.stdout + done.stderr
    return site


def test_the_guide_holds_a_complete_example():
    files = guide_files()
    assert set(files) == {"pyproject.toml", "ical_example_paper/__init__.py", "ical_example_paper/fourth_moment.py"}
    assert '[project.entry-points."ical_verify.papers"]' in files["pyproject.toml"]
    assert f'id="{PAPER_ID}"' in files["ical_example_paper/__init__.py"]
    assert f'id="{CLAIM_ID}"' in files["ical_example_paper/fourth_moment.py"]


def test_install_is_outside_the_real_environment(plugin_site):
    from importlib.metadata import entry_points

    assert (plugin_site / "ical_example_paper" / "fourth_moment.py").exists()
    eps = list(plugin_site.glob("*.dist-info/entry_points.txt"))
    assert eps and "ical_verify.papers" in eps[0].read_text()
    # the interpreter running the tests does not see the plugin
    assert all(ep.name != PAPER_ID for ep in entry_points(group="ical_verify.papers"))


def test_list_shows_the_plugin_claim(plugin_site):
    done = subprocess.run(cli() + ["list", "--format", "json"], capture_output=True, text=True, env=_env(plugin_site),
                          cwd=plugin_site.parent)
    assert done.returncode == 0, done.stderr
    listed = {c["claim"]: c for c in json.loads(done.stdout)}
    assert CLAIM_ID in listed
    assert listed[CLAIM_ID]["checks"] == ["isserlis-exact"]
    assert {"iso", "precond", "nonlinear", "bridge", "prop2"} <= set(listed)  # the built-in papers stay


@pytest.mark.parametrize("name", [CLAIM_ID, f"{PAPER_ID}:{CLAIM_ID}"])
def test_check_runs_the_plugin_claim(plugin_site, name, tmp_path):
    done = subprocess.run(cli() + ["check", name, "--format", "json", "--out", str(tmp_path)], capture_output=True,
                          text=True, env=_env(plugin_site), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["claim"] == CLAIM_ID and result["paper"] == PAPER_ID
    assert result["verdict"] == "verified"
    (check,) = result["checks"]
    assert check["status"] == "passed" and check["metrics"]["exact"] == "3"
    assert check["derived"][0]["srepr"] == "Integer(3)"


def test_the_guide_negative_control_fails_the_check(plugin_site, monkeypatch):
    """The control printed in the guide: a wrong printed value makes the plugin's check fail."""
    monkeypatch.syspath_prepend(str(plugin_site))
    from ical_example_paper import fourth_moment

    assert fourth_moment.isserlis_check(None).passed is True
    monkeypatch.setattr(fourth_moment, "PRINTED", 2)
    assert fourth_moment.isserlis_check(None).passed is False


def test_the_registry_loads_the_plugin_in_process(plugin_site, monkeypatch):
    """With the folder on sys.path the registry lists the plugin paper after its built-in papers."""
    from ical_verify.proofs_check import registry

    monkeypatch.syspath_prepend(str(plugin_site))
    registry._reset()
    try:
        ids = [p.id for p in registry.all_papers()]
        assert ids.index("sander2024") < ids.index("mahankali2023") < ids.index(PAPER_ID)
        assert registry.get_claim(f"{PAPER_ID}:{CLAIM_ID}").paper == PAPER_ID
        assert registry.claim_ids(PAPER_ID) == [CLAIM_ID]
    finally:
        monkeypatch.undo()
        registry._reset()
