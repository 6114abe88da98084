"""Wall and CPU time of ``ical-verify run``: quiet, and with two busy processes beside it; threads per process.

Usage (from the repository root, with ical-verify installed)::

    python3 benchmarks/bench_run.py                       # every claim, quick profile; writes benchmarks/run.md
    python3 benchmarks/bench_run.py --claims prop4,prop7  # a subset
    python3 benchmarks/bench_run.py --scenarios quiet-1,quiet-n,busy-n,threads --out /tmp/run.md

Scenarios:

- ``quiet-1``: ``--jobs 1`` (one process), nothing else running (as far as this script knows);
- ``quiet-n``: ``--jobs N`` with N = the number of cores;
- ``busy-n``: ``--jobs N`` while two ``python -c "while True: pass"`` processes run beside it (started and
  killed by this script);
- ``threads``: ``--jobs 1 --threads 1`` against ``--jobs 1 --threads T`` (T = the number of cores).

CPU time is the user + system time of the ``ical-verify`` process and its worker processes (``getrusage`` of
the children); wall time is measured around the command. The machine (``lscpu``, ``nproc``, Python, PyTorch,
NumPy) is recorded with the numbers. On a shared machine, wall times say little: record them on a quiet one.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def machine() -> list[str]:
    """Lines describing the machine: model, cores, load, Python and library versions."""
    lines = []
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=30).stdout
        keep = ("Model name", "Architecture", "CPU(s)", "Thread(s) per core", "Core(s) per socket", "Socket(s)",
                "L2 cache", "L3 cache", "Hypervisor vendor")
        lines += [" ".join(line.split()) for line in lscpu.splitlines() if line.split(":")[0].strip() in keep]
    except (OSError, subprocess.TimeoutExpired):
        lines.append("lscpu: not available")
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}   # nproc honours OMP_NUM_THREADS
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, env=env).stdout.strip() \
        if shutil.which("nproc") else str(os.cpu_count())
    lines.append(f"nproc: {nproc}")
    lines.append(f"load average before the runs: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    lines.append(f"Python {platform.python_version()} ({platform.platform()})")
    versions = subprocess.run([sys.executable, "-c", "import numpy, torch; print(numpy.__version__, torch.__version__)"],
                              capture_output=True, text=True).stdout.split()
    if len(versions) == 2:
        lines.append(f"NumPy {versions[0]}, PyTorch {versions[1]}")
    return lines


def timed(argv: list[str]) -> tuple[float, float, int]:
    """Run ``argv``; return (wall seconds, CPU seconds of it and its children, exit status)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1, 3):
        sys.stderr.write(proc.stderr[-2000:])
    return wall, cpu, proc.returncode


class Busy:
    """Two processes that spin on a core each while the block runs (killed at the end, whatever happens)."""

    def __init__(self, n: int = 2):
        self.n = n
        self.procs: list[subprocess.Popen] = []

    def __enter__(self):
        self.procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(self.n)]
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            p.kill()
        for p in self.procs:
            p.wait()
        # the spinners' CPU is reaped here: subtracting it is the caller's job (see run_scenario)
        return False


def ical_verify() -> list[str]:
    exe = shutil.which("ical-verify")
    return [exe] if exe else [sys.executable, "-m", "ical_verify.proofs_check.cli"]


def run_scenario(name: str, claims: str, profile: str, nproc: int) -> list[tuple[str, float, float, int]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="ical-bench-") as tmp:
        base = ical_verify() + ["run", "--profile", profile, "--out", str(Path(tmp) / "out")]
        if claims:
            base += ["--claims", claims]
        if name == "quiet-1":
            rows.append(("--jobs 1", *timed(base + ["--jobs", "1"])))
        elif name == "quiet-n":
            rows.append((f"--jobs {nproc}", *timed(base + ["--jobs", str(nproc)])))
        elif name == "busy-n":
            with Busy(2):
                wall, cpu, code = timed(base + ["--jobs", str(nproc)])
            rows.append((f"--jobs {nproc}, two busy processes beside it", wall, cpu, code))
        elif name == "threads":
            for threads in (1, nproc):
                rows.append((f"--jobs 1 --threads {threads}",
                             *timed(base + ["--jobs", "1", "--threads", str(threads)])))
        else:
            raise SystemExit(f"unknown scenario {name!r}: valid are quiet-1, quiet-n, busy-n, threads")
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", default="", help="comma-separated claim ids (default: every claim)")
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--scenarios", default="quiet-1,quiet-n,busy-n,threads")
    parser.add_argument("--out", default=str(HERE / "run.md"))
    args = parser.parse_args(argv)
    nproc = os.cpu_count() or 1
    info = machine()
    rows = []
    for name in [s.strip() for s in args.scenarios.split(",") if s.strip()]:
        print(f"running {name} ...", file=sys.stderr)
        rows += [(name, *row) for row in run_scenario(name, args.claims, args.profile, nproc)]
    lines = ["# `ical-verify run`: wall and CPU time", "",
             f"Measured by `python3 benchmarks/bench_run.py{' --claims ' + args.claims if args.claims else ''}` "
             f"on {time.strftime('%Y-%m-%d')}, profile `{args.profile}`"
             + (f", claims {args.claims}" if args.claims else ", every claim") + ".", "", "Machine:", ""]
    lines += [f"- {line}" for line in info]
    lines += ["", "| scenario | command options | wall (s) | CPU (s, user+sys, all processes) | exit |",
              "|---|---|---|---|---|"]
    for name, options, wall, cpu, code in rows:
        lines.append(f"| {name} | `{options}` | {wall:.1f} | {cpu:.1f} | {code} |")
    lines += ["", "In `busy-n` the CPU column counts the command and its workers only (the busy processes are "
              "reaped after it). Wall times on a shared machine are rough; the CPU column is the reliable one.", ""]
    Path(args.out).write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
