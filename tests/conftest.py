"""Shared test configuration: hypothesis profiles.

``ci`` (the default) is derandomised, so a run is reproducible; ``dev`` explores new examples; ``nightly``
explores many more (``HYPOTHESIS_PROFILE=nightly python3 -m pytest -m "not slow"``, see the README). Choose
with ``HYPOTHESIS_PROFILE=dev pytest`` or ``pytest --hypothesis-profile dev``.
"""

import os

if os.environ.get("PYTEST_XDIST_WORKER"):
    # ``-n auto`` already gives every core a worker: one BLAS/OpenMP/PyTorch thread each (set before NumPy and
    # PyTorch start their pools), as ``ical-verify run --jobs`` does. Variables the user set are kept.
    from ical_verify.proofs_check.parallel import THREAD_VARIABLES

    for _name in THREAD_VARIABLES:
        os.environ.setdefault(_name, "1")

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=30,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.register_profile("nightly", deadline=None, max_examples=2000,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _terminal_width_of_a_pipe(monkeypatch):
    """The CLI's output is read as it is through a pipe (160 columns): pytest-xdist workers set COLUMNS=80."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)


@pytest.fixture
def fresh_pytest_env(monkeypatch):
    """For tests that start pytest themselves: the inner run is not an xdist worker of this one."""
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def quick_result(tmp_path_factory):
    """``quick_result(claim_id)``: the claim run once at the quick profile with seed 0, shared by every test.

    The first test that asks runs the claim (under a file lock, so pytest-xdist workers wait for it rather than run
    it again) and stores its JSON in the session's shared temporary folder; later requests, in any worker, load the
    stored result. Tests that assert on a claim's real quick-profile verdict use this instead of ``run_claim``.
    """
    import fcntl
    import json

    from ical_verify.proofs_check.runner import make_context, run_claim
    from ical_verify.proofs_check.stored import result_from_json

    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / "quick-claims"
    folder.mkdir(exist_ok=True)
    cache = {}

    def get(claim_id: str):
        if claim_id in cache:
            return cache[claim_id]
        path = folder / f"{claim_id}.json"
        with open(folder / f"{claim_id}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists():
                # the quick profile as CI runs it: no optional local data (Figure 4's files) named
                saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("ICAL_FIG4_")}
                try:
                    result = run_claim(claim_id, make_context(seed=0, profile="quick", out_dir=folder / claim_id))
                finally:
                    os.environ.update(saved)
                tmp = path.with_suffix(".tmp")
                tmp.write_text(json.dumps(result.to_json()), encoding="utf-8")
                tmp.replace(path)
                cache[claim_id] = result
                return result
        cache[claim_id] = result_from_json(json.loads(path.read_text(encoding="utf-8")))
        return cache[claim_id]

    return get


def pytest_collection_modifyitems(config, items):
    """A test may not both patch (``monkeypatch``) and read the shared real quick run (``quick_result``): if it were
    the first to ask, the patched run would be cached as the real one for every later test, in every worker."""
    import inspect

    def arguments(item):  # the test's own arguments (not the autouse fixtures, which may patch the environment)
        function = getattr(item, "function", None)
        return set(inspect.signature(function).parameters) if function is not None else set()

    both = [item.nodeid for item in items if {"monkeypatch", "quick_result"} <= arguments(item)]
    if both:
        raise pytest.UsageError("tests that use both monkeypatch and quick_result: " + ", ".join(both))
    _longest_claim_runs_first(items)


def _longest_claim_runs_first(items) -> None:
    """Move the snapshot tests (each runs one claim at the quick profile, 1-25 s) to the front, longest first by the
    seconds the committed snapshot recorded, so that pytest-xdist starts them early and the short tests fill the
    end, instead of a 25 s claim run starting last. Deterministic (every worker must collect the same order)."""
    import json
    from pathlib import Path

    snapshot = Path(__file__).resolve().parent.parent / "snapshots" / "quick-seed0" / "results.json"
    try:
        seconds = {r["claim"]: float(r.get("seconds") or 0.0) for r in json.loads(snapshot.read_text("utf-8"))}
    except (OSError, ValueError, KeyError, TypeError):
        return
    prefix = "test_snapshot.py::test_quick_run_matches_the_snapshot["

    def claim_of(item):
        name = item.nodeid.rsplit("/", 1)[-1]
        return name[len(prefix):-1] if name.startswith(prefix) else None

    runs = [item for item in items if claim_of(item) is not None]
    runs.sort(key=lambda item: -seconds.get(claim_of(item), 0.0))
    rest = [item for item in items if claim_of(item) is None]
    items[:] = runs + rest
