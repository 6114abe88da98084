"""Benchmark: CPU cost of the §6 / Appendix B claims (fig7, fig8, fig9, fig10), quick profile, one process.

Usage: python benchmarks/bench_section6.py [--seed N] [--out benchmarks/section6.md]

Runs the four claims one after the other in one process, as ``ical-verify run --claims fig7,fig8,fig9,fig10``
does, and records the CPU time (user + sys of this process, ``resource.getrusage``; not wall time: the machine is
shared) of the start-up (imports) and of each claim. The full profile is not run: its cost is extrapolated from
the quick cost by the ratio of the training work of the two profiles (sum over the trained configurations of
seeds x optimiser steps x sequences per step x heads x positions^2 x width, the size of the attention products),
which ignores fixed per-step overheads (they dominate at the quick sizes, so the estimate is pessimistic) and memory
effects. The machine is described
by the first lines of ``lscpu``. Writes the Markdown table to ``--out``.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def work(claim: str, profile: str) -> float:
    """Training work of a profile (arbitrary units, comparable between the two profiles of one claim)."""
    from ical_verify.proofs_check.papers.sander2024 import fig7, fig8, fig9, fig10

    if claim == "fig7":
        p = fig7.PROFILES[profile]
        steps = p["epochs"] * math.ceil(p["n_train"] / p["batch"])
        w = 0.0
        for variant, tokens, H, positional, lr, k in fig7._plan(p):
            E = p["d"] * (1 if tokens == "plain" else 2)
            w += k * steps * min(p["batch"], p["n_train"]) * H * p["T"] ** 2 * E
        return w
    if claim == "fig8":
        p = fig8.PROFILES[profile]
        per = min(p["batch"], p["n_train"]) * p["heads"] * p["T"] ** 2 * 2 * p["d"] * math.ceil(p["n_train"] / p["batch"])
        return p["seeds"] * per * (3 * p["epochs"] + p["sgd_epochs"])
    if claim == "fig9":
        p = fig9.PROFILES[profile]
        steps = p["epochs"] * math.ceil(p["n_train"] / p["batch"])
        return sum(k * steps * min(p["batch"], p["n_train"]) * H * p["T"] ** 2 * (1 + bool(mlp))
                   for att, mlp, H, lr, k in fig9._plan(p))
    p = fig10.PROFILES[profile]
    batch = p["batch"] or p["n_train"]
    layers = sum(p["depths"]) * 2 + sum(p["linear_depths"])  # the Transformer layer costs about two linear ones
    return p["seeds"] * p["steps"] * batch * p["Tmax"] ** 2 * 3 * p["d"] * layers


def lscpu_head(n: int = 10) -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return platform.processor() or platform.machine()
    return "\n".join(out.splitlines()[:n])


def human(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(Path(__file__).with_name("section6.md")))
    args = ap.parse_args()
    t0 = cpu()
    from ical_verify.proofs_check.runner import make_context, run_claim

    import torch  # noqa: F401  (counted in the start-up)

    startup = cpu() - t0
    rows = []
    out_dir = Path("/tmp") / f"bench-section6-{os.getpid()}"
    for claim in ("fig7", "fig8", "fig9", "fig10"):
        c0, w0 = cpu(), time.perf_counter()
        r = run_claim(claim, make_context(seed=args.seed, profile="quick", out_dir=out_dir))
        spent = cpu() - c0
        ratio = work(claim, "full") / work(claim, "quick")
        rows.append((claim, spent, time.perf_counter() - w0, r.verdict, ratio))
        print(f"{claim}: {spent:.1f} s CPU, verdict {r.verdict}, full/quick work ratio {ratio:.3g}", flush=True)
    total = startup + sum(r[1] for r in rows)
    lines = [
        "# CPU cost of the §6 / Appendix B claims (fig7–fig10)",
        "",
        f"`python benchmarks/bench_section6.py --seed {args.seed}` — the four claims in one process, quick profile, "
        f"CPU time (user + sys) from `resource.getrusage`; wall time is not recorded as a cost (the machine is shared "
        f"by several jobs; the lead re-runs wall time on a quiet machine). Budget: 65 s CPU for the four together.",
        "",
        f"Python {platform.python_version()}, torch {__import__('torch').__version__}, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, load average {os.getloadavg()[0]:.1f}.",
        "",
        "```",
        lscpu_head(),
        "```",
        "",
        "| claim | quick CPU (s) | verdict (seed %d) | full / quick training work | full profile, extrapolated CPU |" % args.seed,
        "|---|---|---|---|---|",
        f"| start-up (imports) | {startup:.1f} | | | |",
    ]
    for claim, spent, wall, verdict, ratio in rows:
        lines.append(f"| {claim} | {spent:.1f} | {verdict} | {ratio:.3g} | {human(spent * ratio)} |")
    lines += [f"| **total** | **{total:.1f}** | | | |", "",
              "The extrapolation scales the quick CPU by the ratio of training work (seeds x steps x sequences per "
              "step x heads x positions² x width); it ignores per-step overheads (which dominate at the quick sizes, "
              "so it errs high) and memory effects: an order of magnitude, not a forecast. At the paper's scale the "
              "full profiles of fig7, fig8 and fig10 need a GPU (`--device cuda`).", ""]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print(f"total {total:.1f} s CPU; wrote {args.out}")
    sys.exit(0)


if __name__ == "__main__":
    main()
