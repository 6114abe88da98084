"""Benchmark: exact E||f||^2 versus Monte Carlo at 1e-3 relative accuracy.

f is the output of Lemma 2 (model (6) under Assumption 3) minus the target lambda^T, for d = 10, T = 15
and seeded random numeric parameters C (d x d) and p (length T), contexts C_U.

Run:  python benchmarks/bench_exact_vs_mc.py [--d 10] [--T 15] [--seed 0] [--repeats 50]

Prints the time per exact evaluation, the number of Monte Carlo samples that reach a standard error of
1e-3 times the mean (estimated from a pilot run, then confirmed), the Monte Carlo time for that many
samples, and the ratio. Targets: exact under 50 ms and at least 100 times faster than Monte Carlo.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

from ical_verify.numerics.diagonal_model import exact_loss, monte_carlo_loss
from ical_verify.numerics.montecarlo import samples_for_relative_accuracy


def machine() -> str:
    cpu = platform.processor() or "unknown cpu"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, NumPy {np.__version__}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--d", type=int, default=10)
    ap.add_argument("--T", type=int, default=15)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=50)
    ap.add_argument("--relative", type=float, default=1e-3)
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    C = rng.standard_normal((args.d, args.d)) / np.sqrt(args.d)
    p = rng.standard_normal(args.T) / np.sqrt(args.T)

    exact_loss(C, p)  # warm-up
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        value = exact_loss(C, p)
        times.append(time.perf_counter() - t0)
    t_exact = statistics.median(times)

    pilot = monte_carlo_loss(C, p, 20_000, np.random.default_rng([args.seed, 1]))
    n = samples_for_relative_accuracy(pilot, args.relative)
    t0 = time.perf_counter()
    mc = monte_carlo_loss(C, p, n, np.random.default_rng([args.seed, 2]))
    t_mc = time.perf_counter() - t0

    print(f"machine: {machine()}")
    print(f"d = {args.d}, T = {args.T}, seed = {args.seed}")
    print(f"exact E||f||^2 = {value:.12g}; median time per evaluation {t_exact * 1e3:.3f} ms "
          f"over {args.repeats} repeats")
    print(f"Monte Carlo: {n} samples for relative standard error {args.relative:g}: "
          f"estimate {mc.estimate:.8g} ± {mc.standard_error:.3g} (relative {mc.relative_error:.2e}), "
          f"exact inside 6-sigma interval: {mc.contains(value)}; time {t_mc:.2f} s")
    print(f"ratio (Monte Carlo time / exact time): {t_mc / t_exact:,.0f}")
    print(f"targets: exact < 50 ms: {t_exact < 0.05}; ratio >= 100: {t_mc / t_exact >= 100}")


if __name__ == "__main__":
    main()
