"""Design study of fig7's head-count comparisons: ``python3 benchmarks/fig7_design.py [--seeds 100-139] [--jobs 2]``.

Figure 7's sub-claims compare the median test MSE of groups of training runs (``fig7._compare``). At the quick
scale some of the true effects lie near the 5 % margin, so a verdict can follow the seed. This script measures
how often, without reading the benchmark seeds 0-19:

1. **collect**: train fig7's evidence (quick profile) for the design seeds and keep the final test MSE of every
   run of the five authors'-code configurations that decide the adopted readings (plain and duplicated tokens at
   H = 1 and 4, zero-padded tokens at H = 4), in ``benchmarks/fig7-design.json``;
2. **pooled effects**: the relative change of the median between the configurations, over all pooled runs;
3. **resampling**: draw N (seed, replication) units with replacement (jointly for the five configurations, which
   share a replication's training data), run fig7's judges on them, with fig7's indifference band and without it,
   and count the verdict they imply. The other sub-claims are taken as measured (softmax-stabilises and init-mse
   never refute), so the claim is refuted when heads-no-gain or dup-heads-gain fails, an erratum when
   dup-vs-zero-padding fails and zero-padding-improves passes, inconclusive otherwise.
4. **confirm** (``--confirm 1000-1019``): run the whole claim (``run_claim``) on fresh seeds and tabulate verdicts.

Writes ``benchmarks/fig7-design.md`` with the machine and the commands (a section ``## Notes`` at its end, written
by hand, is kept). ``--from-json`` skips the training.
"""

from __future__ import annotations

import argparse
import collections
import datetime as _dt
import json
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_seeds import machine  # noqa: E402

DECIDING = (("plain", 1), ("plain", 4), ("duplicated", 1), ("duplicated", 4), ("zero-padded", 4))


def seed_range(text: str) -> list[int]:
    """'100-139' or '3,5,8' -> a list of seeds."""
    if "-" in text:
        a, b = (int(x) for x in text.split("-", 1))
        if b < a:
            raise argparse.ArgumentTypeError(f"empty seed range {text!r}")
        return list(range(a, b + 1))
    return [int(x) for x in text.split(",") if x]


def _collect_one(seed: int) -> tuple[int, dict]:
    import torch

    torch.set_num_threads(1)
    from ical_verify.proofs_check.papers.sander2024 import fig7

    ev = fig7.evidence(seed, "quick")
    out = {f"{tok}|H={H}": [r["final_mse"] for r in ev["runs"][fig7.key("code", tok, H)]] for tok, H in DECIDING}
    fig7.evidence.cache_clear()
    return seed, out


def over_seeds(fn, seeds: list[int], jobs: int, verb: str) -> dict:
    """``fn(seed) -> (seed, value)`` for every seed in ``jobs`` spawned processes, with progress: {str(seed): value}."""
    out = {}
    with mp.get_context("spawn").Pool(jobs) as pool:
        for i, (seed, value) in enumerate(pool.imap_unordered(fn, seeds), 1):
            out[str(seed)] = value
            shown = f": {value}" if isinstance(value, str) else ""
            print(f"  {verb} seed {seed}{shown} ({i}/{len(seeds)})", flush=True)
    return dict(sorted(out.items(), key=lambda kv: int(kv[0])))


def collect(seeds: list[int], jobs: int) -> dict:
    return over_seeds(_collect_one, seeds, jobs, "collected")


def pooled_effects(data: dict) -> dict:
    """Relative drop of the pooled median from ``higher`` to ``lower`` for each comparison the judges make."""
    pool = {k: np.concatenate([np.asarray(v[k]) for v in data.values()]) for k in next(iter(data.values()))}
    med = {k: float(np.median(v)) for k, v in pool.items()}
    pairs = {"plain heads (H=1 -> 4)": ("plain|H=4", "plain|H=1"),
             "duplicated heads (H=1 -> 4)": ("duplicated|H=4", "duplicated|H=1"),
             "duplicated vs plain (H=4)": ("duplicated|H=4", "plain|H=4"),
             "zero-padded vs plain (H=4)": ("zero-padded|H=4", "plain|H=4"),
             "duplicated vs zero-padded (H=4)": ("duplicated|H=4", "zero-padded|H=4")}
    return {"medians": med, "runs": {k: len(v) for k, v in pool.items()},
            "drops": {name: (med[hi] - med[lo]) / med[hi] for name, (lo, hi) in pairs.items()}}


def _evidence(data: dict, units: list[tuple[str, int]]) -> dict:
    from ical_verify.proofs_check.papers.sander2024 import fig7

    p = dict(fig7.PROFILES["quick"])
    runs = {fig7.key("code", tok, H): [{"final_mse": data[s][f"{tok}|H={H}"][j]} for s, j in units]
            for tok, H in DECIDING}
    # the model-(6) share inside dup-vs-zero-padding is reported, not judged: give it the code runs
    for tok in ("plain", "duplicated", "zero-padded"):
        runs[fig7.key("paper", tok, max(p["paper_heads"]))] = runs[fig7.key("code", tok, max(p["heads"]))]
    return {"params": p, "profile": "quick", "runs": runs, "levels": {"mean_zero": 0.2, "mean_bayes": 0.05}}


def implied_verdict(no_gain, dup_gain, cause, zero_pad) -> str:
    if no_gain is False or dup_gain is False:
        return "refuted"
    if cause is False:
        return "erratum (wording)" if zero_pad is True else "refuted"
    return "inconclusive"


def resample(data: dict, n: int, draws: int, banded: bool, rng: np.random.Generator) -> dict:
    from ical_verify.proofs_check.papers.sander2024 import fig7

    units = [(s, j) for s, v in data.items() for j in range(len(v["plain|H=1"]))]
    saved = fig7.RESOLUTION
    fig7.RESOLUTION = saved if banded else None
    verdicts, parts = collections.Counter(), collections.defaultdict(collections.Counter)
    try:
        for _ in range(draws):
            ev = _evidence(data, [units[i] for i in rng.integers(0, len(units), n)])
            out = (fig7.judge_no_gain(ev, "code").passed, fig7.judge_dup_heads_gain(ev, "code").passed,
                   fig7.judge_dup_vs_zero_padding(ev).passed, fig7.judge_zero_padding_improves(ev).passed)
            verdicts[implied_verdict(*out)] += 1
            for name, v in zip(("heads-no-gain-code", "dup-heads-gain-code", "dup-vs-zero-padding",
                                "zero-padding-improves"), out):
                parts[name][{True: "passed", False: "failed", None: "undecided"}[v]] += 1
    finally:
        fig7.RESOLUTION = saved
    return {"n": n, "banded": banded, "draws": draws, "verdicts": dict(verdicts),
            "checks": {k: dict(v) for k, v in parts.items()}}


def _confirm_one(seed: int) -> tuple[int, str]:
    import tempfile

    import torch

    torch.set_num_threads(1)
    from ical_verify.proofs_check.runner import make_context, run_claim

    with tempfile.TemporaryDirectory() as tmp:
        r = run_claim("fig7", make_context(seed=seed, profile="quick", out_dir=Path(tmp)))
    return seed, r.verdict + (f" ({r.severity})" if r.severity else "")


def confirm(seeds: list[int], jobs: int) -> dict:
    return over_seeds(_confirm_one, seeds, jobs, "confirmed")


def _fmt(counter: dict, total: int) -> str:
    return ", ".join(f"{k} {v} ({100 * v / total:.1f} %)" for k, v in sorted(counter.items(), key=lambda kv: -kv[1]))


def write_md(path: Path, record: dict) -> None:
    e = record["effects"]
    lines = ["# fig7: design study of the head-count comparisons", "",
             f"- `{record['command']}`", f"- {record['machine']}, {record['date']}; {record['minutes']:.1f} minutes.",
             f"- Design seeds: {record['seeds'][0]}-{record['seeds'][-1]} ({len(record['seeds'])} seeds, quick "
             f"profile); the benchmark seeds 0-19 of `seeds.md` are not used here.", "",
             "## Pooled effects (relative drop of the median test MSE)", "",
             "| comparison | drop |", "|---|---|"]
    lines += [f"| {k} | {100 * v:.1f} % |" for k, v in e["drops"].items()]
    lines += ["", "Runs pooled per configuration: " + ", ".join(f"{k} {v}" for k, v in e["runs"].items()) + ".", "",
              "## Resampled experiments", "",
              "Each draw takes N (seed, replication) units with replacement, jointly for the five configurations, and "
              "runs fig7's judges; the claim verdict is the one the judges imply (other sub-claims as measured).", "",
              "| N | rule | implied claim verdict | heads-no-gain-code | dup-heads-gain-code |", "|---|---|---|---|---|"]
    for s in record["resampling"]:
        rule = "band ±5 points" if s["banded"] else "margin only"
        lines.append(f"| {s['n']} | {rule} | {_fmt(s['verdicts'], s['draws'])} | "
                     f"{_fmt(s['checks']['heads-no-gain-code'], s['draws'])} | "
                     f"{_fmt(s['checks']['dup-heads-gain-code'], s['draws'])} |")
    if record.get("confirm"):
        c = collections.Counter(record["confirm"].values())
        seeds = list(record["confirm"])
        lines += ["", f"## Confirmation on fresh seeds {seeds[0]}-{seeds[-1]} (whole claim, `run_claim`)", "",
                  _fmt(c, len(seeds)) + ".", "",
                  "Per seed: " + ", ".join(f"{s}: {v}" for s, v in record["confirm"].items()) + "."]
    text = "\n".join(lines) + "\n"
    if path.exists() and "\n## Notes" in path.read_text(encoding="utf-8"):  # written by hand: kept
        text += "\n## Notes" + path.read_text(encoding="utf-8").split("\n## Notes", 1)[1]
    path.write_text(text, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=seed_range, default=seed_range("100-139"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--n", default="5,16,24", help="replications per configuration to resample")
    ap.add_argument("--confirm", type=seed_range, help="fresh seeds on which to run the whole claim")
    ap.add_argument("--from-json", action="store_true", help="reuse benchmarks/fig7-design.json")
    ap.add_argument("--out", default=str(HERE / "fig7-design.md"))
    a = ap.parse_args()
    if a.jobs < 1 or a.draws < 1:
        print(f"--jobs and --draws must be at least 1 (got {a.jobs}, {a.draws})", file=sys.stderr)
        return 2
    t0 = time.time()
    store = HERE / "fig7-design.json"
    if a.from_json:
        saved = json.loads(store.read_text(encoding="utf-8"))
        data, seeds = saved["finals"], [int(s) for s in saved["finals"]]
    else:
        seeds = a.seeds
        data = collect(seeds, a.jobs)
    effects = pooled_effects(data)
    rng = np.random.default_rng(20261124)
    resampling = [resample(data, int(n), a.draws, banded, rng) for n in a.n.split(",") for banded in (False, True)]
    record = {"command": "python3 benchmarks/fig7_design.py " + " ".join(sys.argv[1:]), "machine": machine(),
              "date": _dt.date.today().isoformat(), "seeds": seeds, "effects": effects, "resampling": resampling,
              "confirm": confirm(a.confirm, a.jobs) if a.confirm else None, "minutes": (time.time() - t0) / 60}
    if not a.from_json:
        store.write_text(json.dumps({"finals": data}, indent=0), encoding="utf-8")
    write_md(Path(a.out), record)
    print(Path(a.out).read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
