"""benchmarks/mutation.py: an interrupted run leaves no process of the mutation tester behind."""

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def mutation():
    pytest.importorskip("mutmut")
    sys.path.insert(0, str(ROOT))
    try:
        spec = importlib.util.spec_from_file_location("ical_mutation_tool", ROOT / "benchmarks" / "mutation.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        yield mod
    finally:
        sys.path.remove(str(ROOT))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers signal 0: read its state
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_exit_code_is_returned(mutation):
    assert mutation.run_in_own_group([sys.executable, "-c", "raise SystemExit(3)"]) == 3


def test_an_interrupt_kills_the_whole_group(mutation, tmp_path):
    """A child that starts a grandchild (as mutmut starts workers) and an interrupt in the parent: both die."""
    pidfile = tmp_path / "grandchild.pid"
    script = ("import subprocess, sys, time; "
              f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
              f"open({str(pidfile)!r}, 'w').write(str(p.pid)); time.sleep(60)")

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 1.5)
        with pytest.raises(KeyboardInterrupt):
            mutation.run_in_own_group([sys.executable, "-c", script])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    grandchild = int(pidfile.read_text())
    for _ in range(50):
        if not _alive(grandchild):
            break
        time.sleep(0.1)
    assert not _alive(grandchild)


def test_a_timeout_kills_the_group_and_propagates(mutation):
    with pytest.raises(subprocess.TimeoutExpired):
        mutation.run_in_own_group([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
