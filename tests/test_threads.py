"""Thread discipline: each process uses one BLAS/OpenMP/PyTorch thread by default, ``--threads N`` overrides, set
before NumPy and PyTorch start (in the process that runs the command and in its worker processes); the device
reaches the run context."""

import json
import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).parent

SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
assert "numpy" not in sys.modules and "torch" not in sys.modules
import thread_probe
from ical_verify.proofs_check import parallel
from ical_verify.proofs_check.cli import main
if __name__ == "__main__":
    thread_probe.install()
    parallel.WORKER_SETUP[:] = [thread_probe.SETUP]
    sys.exit(main({argv!r}))
"""


def run_probes(tmp_path, *options):
    out = tmp_path / "out"
    script = tmp_path / "probe.py"
    script.write_text(SCRIPT.format(tests=str(TESTS), argv=["run", "--out", str(out), *options]))
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                                               "OPENBLAS_NUM_THREADS", "TORCH_CPP_LOG_LEVEL")}
    proc = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return [r["checks"][0]["metrics"] for r in json.loads((out / "results.json").read_text())]


def test_one_thread_by_default(tmp_path):
    jobs = "1"
    probes = run_probes(tmp_path, "--jobs", jobs)
    for m in probes:
        assert (m["omp"], m["mkl"], m["openblas"], m["torch_threads"], m["ctx_threads"]) == ("1", "1", "1", 1, 1)
        assert m["torch_log"] == "ERROR" and m["device"] == "cpu" and m["torch_device"] == "cpu"
    assert len({m["pid"] for m in probes}) == 1                  # both in the command's own process


def test_threads_option_overrides_in_every_worker(tmp_path):
    """In worker processes (spawned after main() set the environment): --threads 2 everywhere; the default of one
    thread reaches them the same way."""
    for m in run_probes(tmp_path, "--jobs", "2", "--threads", "2"):
        assert (m["omp"], m["mkl"], m["openblas"], m["torch_threads"], m["ctx_threads"]) == ("2", "2", "2", 2, 2)
