"""Shared test configuration: hypothesis profiles.

``ci`` (the default) is derandomised, so a run is reproducible; ``dev`` explores new examples; ``nightly``
explores many more (``HYPOTHESIS_PROFILE=nightly python3 -m pytest -m "not slow"``, see the README). Choose
with ``HYPOTHESIS_PROFILE=dev pytest`` or ``pytest --hypothesis-profile dev``.
"""

import os

from hypothesis import HealthCheck, settings

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
