"""Benchmark: Figure 3 training on the exact population loss (3) to loss <= 1e-10 (d = 10, T_max = 15).

Usage: python benchmarks/bench_fig3.py [--seeds N] [--threads K]

Unitary contexts with H = 10 heads and orthogonal contexts with H = 8 heads; L-BFGS (strong Wolfe, history
50, 50 inner iterations per step) on the closed-form loss of models.diagonal_attention.exact_population_loss,
Gaussian initialisation with std 0.1 (as in proofs_check/papers/sander2024/fig3.py). Prints one line per run and a
summary; the numbers are recorded in benchmarks/fig3.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import torch

from ical_verify.models.diagonal_attention import DiagonalAttentionConfig
from ical_verify.models.train_diagonal import train_exact


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-iter", type=int, default=1000)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print(f"# {platform.processor() or platform.machine()}, nproc={os.cpu_count()}, torch threads={args.threads}, "
          f"load average {os.getloadavg()}")
    for context, heads in (("unitary", 10), ("orthogonal", 8)):
        times, iters, reached = [], [], 0
        for seed in range(args.seeds):
            cfg = DiagonalAttentionConfig(d=10, heads=heads, T_max=15, init_scale=0.1)
            t0 = time.perf_counter()
            r = train_exact(cfg, context, seed, target=1e-10, max_iter=args.max_iter)
            dt = time.perf_counter() - t0
            ok = r.loss <= 1e-10
            reached += ok
            print(f"{context:10s} H={heads:2d} seed={seed}: loss {r.loss:.2e}  L-BFGS steps {r.iterations:4d}  "
                  f"loss evaluations {r.evaluations:6d}  {dt:7.2f} s  {'reached' if ok else 'NOT reached'}")
            if ok:
                times.append(dt)
                iters.append(r.iterations)
        if times:
            times.sort()
            print(f"{context}: {reached}/{args.seeds} reached 1e-10; median time {times[len(times) // 2]:.2f} s, "
                  f"max {max(times):.2f} s; median L-BFGS steps {sorted(iters)[len(iters) // 2]}")
        else:
            print(f"{context}: 0/{args.seeds} reached 1e-10")


if __name__ == "__main__":
    main()
