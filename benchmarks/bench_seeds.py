"""Verdicts over many seeds: ``python3 benchmarks/bench_seeds.py [--seeds 20] [--jobs 2] [--profile quick]``.

Runs ``ical-verify run --seed S`` for S = first .. first+seeds-1 (``--first``, default 0; fresh seeds such as
``--first 1000 --out benchmarks/seeds-fresh.md`` after a change designed on seeds 0-19), each into a temporary
folder, then writes
``benchmarks/seeds.md``: for every claim, its verdict (with severity) per seed, whether all seeds agree, and for
claims with sub-claims or readings, how often each of those moved. The machine and the wall time are recorded, and
the per-seed verdicts are kept in ``benchmarks/seeds.json``.

``--claims fig7,fig9 --merge`` re-runs only those claims (after a change to them) and keeps the other claims' rows
from ``seeds.json``; the record says which claims each run covered. A section ``## Notes`` at the end of
``seeds.md`` (written by hand) is kept when the file is rewritten.
"""

from __future__ import annotations

import argparse
import collections
import datetime as _dt
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


def run(seed: int, jobs: int, profile: str, out: Path, claims: str | None = None) -> list[dict]:
    cmd = ["ical-verify", "run", "--seed", str(seed), "--jobs", str(jobs), "--profile", profile, "--out", str(out)]
    cmd += ["--claims", claims] if claims else []
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL)
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def label(r: dict) -> str:
    return r["verdict"] + (f" ({r['severity']})" if r.get("severity") else "")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first", type=int, default=0, help="the first seed (fresh seeds: e.g. 1000)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--profile", default="quick")
    ap.add_argument("--out", default=str(HERE / "seeds.md"))
    ap.add_argument("--claims", help="only these claims (comma-separated)")
    ap.add_argument("--merge", action="store_true",
                    help="keep the other claims' rows from seeds.json (with --claims)")
    args = ap.parse_args()
    if args.seeds < 1 or args.first < 0:
        print(f"--seeds must be >= 1 and --first >= 0 (got {args.seeds}, {args.first})", file=sys.stderr)
        return 2
    seeds = range(args.first, args.first + args.seeds)
    store = Path(args.out).with_suffix(".json")
    per_claim: dict[str, dict[int, str]] = collections.defaultdict(dict)
    parts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ical-seeds-") as tmp:
        for seed in seeds:
            t0 = time.perf_counter()
            for r in run(seed, args.jobs, args.profile, Path(tmp) / f"seed{seed}", args.claims):
                per_claim[r["claim"]][seed] = label(r)
                for s in r["subclaims"]:
                    parts[r["claim"]][f"sub-claim {s['id']}: {s['verdict']}"] += 1
                for x in r["readings"]:
                    parts[r["claim"]][f"reading {x['reading']}: {x['verdict']}"] += 1
            print(f"seed {seed}: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    wall = time.perf_counter() - start
    command = (f"python3 benchmarks/bench_seeds.py --seeds {args.seeds}" + (f" --first {args.first}" if args.first else "")
               + f" --jobs {args.jobs} --profile {args.profile}"
               + (f" --claims {args.claims}" if args.claims else "") + (" --merge" if args.merge else ""))
    run_line = f"`{command}`, on {machine()}, {_dt.date.today().isoformat()}; {wall / 60:.1f} minutes in all."
    runs = [run_line]
    if args.merge:
        if not store.exists():
            raise SystemExit(f"--merge needs {store} (written by a full run)")
        old = json.loads(store.read_text(encoding="utf-8"))
        if old["seeds"] != args.seeds or old["profile"] != args.profile or old.get("first", 0) != args.first:
            raise SystemExit(f"{store} holds {old['seeds']} seeds from {old.get('first', 0)} of the {old['profile']} "
                             "profile")
        merged = {c: {int(k): v for k, v in by.items()} for c, by in old["per_claim"].items()}
        merged_parts = {c: collections.Counter(v) for c, v in old["parts"].items()}
        for c in per_claim:
            merged[c] = per_claim[c]
            merged_parts[c] = parts[c]
        order = list(old["per_claim"]) + [c for c in per_claim if c not in old["per_claim"]]
        per_claim = collections.defaultdict(dict, {c: merged[c] for c in order})
        parts = collections.defaultdict(collections.Counter, {c: merged_parts.get(c, collections.Counter())
                                                              for c in order})
        runs = old["runs"] + [run_line + f" Re-ran: {', '.join(sorted(set(args.claims.split(','))))}."]
    store.write_text(json.dumps({"seeds": args.seeds, "first": args.first, "profile": args.profile, "runs": runs,
                                 "per_claim": per_claim, "parts": {c: dict(v) for c, v in parts.items()}},
                                indent=1) + "\n", encoding="utf-8")
    lines = ["# Verdicts over seeds", ""] + (runs if len(runs) == 1 else ["Runs (the later ones re-ran some claims "
                                                                     "after a change to them; the other rows are "
                                                                     "those of the earlier runs):", ""]
                                            + [f"- {r}" for r in runs]) + [
             "", "| claim | verdicts over seeds | agree |", "|---|---|---|"]
    agree_all = 0
    for claim, by_seed in per_claim.items():
        counts = collections.Counter(by_seed.values())
        agree = len(counts) == 1
        agree_all += agree
        shown = ", ".join(f"{v} × {n}" for v, n in counts.most_common())
        lines.append(f"| {claim} | {shown} | {'yes' if agree else '**no**: ' + ', '.join(f'seed {s}: {v}' for s, v in sorted(by_seed.items()))} |")
    span = f"{args.seeds} seeds" + (f" ({args.first}-{args.first + args.seeds - 1})" if args.first else "")
    lines += ["", f"{agree_all} of {len(per_claim)} claims give one verdict for all {span}.", "",
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
    out = Path(args.out)
    notes = ""
    if out.exists() and "\n## Notes" in out.read_text(encoding="utf-8"):
        notes = "\n## Notes" + out.read_text(encoding="utf-8").split("\n## Notes", 1)[1]
    out.write_text("\n".join(lines) + "\n" + notes, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
