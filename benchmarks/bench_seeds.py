"""Verdicts over many seeds: ``python3 benchmarks/bench_seeds.py [--seeds 20] [--jobs 2] [--profile quick]``.

Runs ``ical-verify run --seed S`` for S = 0 .. seeds-1 (each into a temporary folder), then writes
``benchmarks/seeds.md``: for every claim, its verdict (with severity) per seed, whether all seeds agree, and for
claims with sub-claims or readings, how often each of those moved. The machine and the wall time are recorded.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def machine() -> str:
    try:
        cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next((l.split(":", 1)[1].strip() for l in cpu.splitlines() if l.startswith("Model name")), "?")
    except OSError:
        model = platform.processor() or "?"
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def run(seed: int, jobs: int, profile: str, out: Path) -> list[dict]:
    cmd = ["ical-verify", "run", "--seed", str(seed), "--jobs", str(jobs), "--profile", profile, "--out", str(out)]
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL)
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def label(r: dict) -> str:
    return r["verdict"] + (f" ({r['severity']})" if r.get("severity") else "")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--profile", default="quick")
    ap.add_argument("--out", default=str(HERE / "seeds.md"))
    args = ap.parse_args()
    per_claim: dict[str, dict[int, str]] = collections.defaultdict(dict)
    parts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ical-seeds-") as tmp:
        for seed in range(args.seeds):
            t0 = time.perf_counter()
            for r in run(seed, args.jobs, args.profile, Path(tmp) / f"seed{seed}"):
                per_claim[r["claim"]][seed] = label(r)
                for s in r["subclaims"]:
                    parts[r["claim"]][f"sub-claim {s['id']}: {s['verdict']}"] += 1
                for x in r["readings"]:
                    parts[r["claim"]][f"reading {x['reading']}: {x['verdict']}"] += 1
            print(f"seed {seed}: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    wall = time.perf_counter() - start
    lines = ["# Verdicts over seeds", "",
             f"`python3 benchmarks/bench_seeds.py --seeds {args.seeds} --jobs {args.jobs} --profile {args.profile}`, "
             f"on {machine()}; {wall / 60:.1f} minutes in all.", "",
             "| claim | verdicts over seeds | agree |", "|---|---|---|"]
    agree_all = 0
    for claim, by_seed in per_claim.items():
        counts = collections.Counter(by_seed.values())
        agree = len(counts) == 1
        agree_all += agree
        shown = ", ".join(f"{v} × {n}" for v, n in counts.most_common())
        lines.append(f"| {claim} | {shown} | {'yes' if agree else '**no**: ' + ', '.join(f'seed {s}: {v}' for s, v in sorted(by_seed.items()))} |")
    lines += ["", f"{agree_all} of {len(per_claim)} claims give one verdict for all {args.seeds} seeds.", "",
              "## Sub-claims and readings that moved", ""]
    moved = False
    for claim, counter in parts.items():
        keys = collections.defaultdict(dict)
        for key, n in counter.items():
            name, verdict = key.rsplit(": ", 1)
            keys[name][verdict] = n
        for name, verdicts in keys.items():
            if len(verdicts) > 1:
                moved = True
                lines.append(f"- {claim}, {name}: " + ", ".join(f"{v} × {n}" for v, n in verdicts.items()))
    if not moved:
        lines.append("None: every sub-claim and reading gave one verdict for every seed.")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
