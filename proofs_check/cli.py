"""The ``ical-verify`` command line.

Commands: ``list``, ``check ID``, ``show ID``, ``proof ID``, ``run``, ``report``, ``latex``, ``expectation``,
``walkthrough``. Exit status: 0 when the work completed (whatever the verdicts); 1 when a check crashed or an
output file could not be written; 2 for bad usage (one line naming the bad value and the valid range, no
traceback, nothing written; also a bare ``ical-verify``, which shows the commands); 3 when a verdict matched
``--fail-on``; 130 when interrupted (Ctrl-C: temporary files are removed; ``run`` keeps the claims it completed
in ``DIR/results.partial.json``).

Threads: :func:`main` sets ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS`` and ``OPENBLAS_NUM_THREADS`` (one thread
by default, ``--threads N``) before anything imports NumPy or PyTorch; this module imports neither at load time.
"""

from __future__ import annotations

import argparse
import os
import json
import sys
import time
from pathlib import Path

from ..numerics.errors import DomainError as NumericsDomainError
from ..theory.errors import DomainError as TheoryDomainError
from .claim import DEVICES, PROFILES
from .errors import UsageError, require
from .verdicts import VERDICTS

EXIT_OK, EXIT_CRASH, EXIT_USAGE, EXIT_FAIL_ON, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
BAD_INPUT = (UsageError, TheoryDomainError, NumericsDomainError)

#: The largest --jobs and --threads accepted (at least this, or the number of cores if larger).
MAX_WORKERS = 64
#: Seeds are 0 .. 2**63 - 1 (NumPy and PyTorch accept them all).
MAX_SEED = 2 ** 63 - 1

from .render_terminal import VERDICT_STYLE  # noqa: E402  (re-exported for callers of the old module)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit status 2."""

    def error(self, message):  # noqa: D401 - argparse API
        raise UsageError(message)


def _int(name: str, low: int | None = None, high: int | None = None):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} = {text!r} is not an integer") from None
        if low is not None and value < low or high is not None and value > high:
            if high is None:
                raise argparse.ArgumentTypeError(f"{name} = {value} is out of range: {name} must be >= {low}")
            raise argparse.ArgumentTypeError(f"{name} = {value} is out of range: {name} must be in {low}..{high}")
        return value
    return parse


def _float(name: str, finite: bool = False):
    def parse(text: str) -> float:
        import math

        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} = {text!r} is not a number") from None
        if finite and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{name} = {text} is out of range: {name} must be a finite number")
        return value
    return parse


def _choice(name: str, valid):
    def parse(text: str) -> str:
        if text not in valid:
            raise argparse.ArgumentTypeError(f"unknown {name} {text!r}: valid {name}s are {', '.join(valid)}")
        return text
    return parse


_profile = _choice("profile", PROFILES)


def _workers_max() -> int:
    from .parallel import cpu_count

    return max(MAX_WORKERS, cpu_count())


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("ical-verify")
    except Exception:  # pragma: no cover - not installed
        return "unknown"


#: Local data files of Figure 4: flag, the environment variable the claim reads, what it is.
DATA_OPTIONS = (
    ("--corpus", "ICAL_FIG4_CORPUS", "the text of Moby Dick: a text file, or an nltk corpus folder (gutenberg/)"),
    ("--tokenizer-dir", "ICAL_FIG4_TOKENIZER_DIR", "the GPT-2 tokenizer: a folder with tokenizer.json, or "
                                                   "vocab.json and merges.txt"),
    ("--embeddings", "ICAL_FIG4_EMBEDDINGS", "GPT-2 token embeddings: a safetensors file or PyTorch state dict "
                                             "holding *wte.weight"),
)


def _apply_data_options(args) -> None:
    """Validate the Figure 4 data paths given on the command line and pass them to the claim (environment)."""
    for flag, env, _ in DATA_OPTIONS:
        value = getattr(args, flag.lstrip("-").replace("-", "_"), None)
        if value is None:
            continue
        require(Path(value).exists(), f"{flag} {value}: no such file or folder (it must name local {env} data)")
        os.environ[env] = str(Path(value).resolve())


def _add_run_options(p, jobs: bool = True) -> None:
    p.add_argument("--seed", type=_int("seed", 0, MAX_SEED), default=0)
    p.add_argument("--profile", type=_profile, default="quick", help="quick (CPU scale, default) or full")
    p.add_argument("--device", type=_choice("device", DEVICES), default="cpu",
                   help="device of trained-model checks: cpu (default) or cuda (only if available)")
    p.add_argument("--threads", type=_int("threads", 1, _workers_max()), default=1,
                   help="BLAS/OpenMP/PyTorch threads per process (default 1)")
    if jobs:
        p.add_argument("--jobs", type=_int("jobs", 1, _workers_max()), default=None,
                       help="claims run in parallel worker processes (default: the number of cores)")
    data = p.add_argument_group("Figure 4 data (local files; without them fig4's Moby Dick sub-claims are not-run)")
    for flag, env, what in DATA_OPTIONS:
        data.add_argument(flag, default=None, metavar="PATH", help=f"{what} (sets {env})")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ical-verify", description=(
        "Verify the numbered statements and experiments of papers on in-context learning in linear-attention "
        "Transformers, claim by claim: does each hold exactly as printed, and if not, what does?"))
    parser.add_argument("--version", action="version", version=f"ical-verify {_version()}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    p = sub.add_parser("list", help="list the claims (grouped by paper) with kind, title and methods")
    p.add_argument("--paper", default=None, metavar="ID", help="only the claims of this paper")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("check", help="run the checks of one claim")
    p.add_argument("claim", help="claim id (see `ical-verify list`)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="output folder (default ./ical-report/check-ID-seedS); gets results.json and figures/")
    p.add_argument("--proof", action="store_true", help="also show the proof step by step")
    _add_run_options(p, jobs=False)

    p = sub.add_parser("show", help="print a claim's stored result (from a results.json; nothing is run)")
    p.add_argument("claim", help="claim id")
    p.add_argument("--from", dest="from_", default="ical-report", metavar="DIR",
                   help="folder of a run (or a results.json file); default ./ical-report")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--proof", action="store_true", help="also show the proof step by step")

    p = sub.add_parser("proof", help="a claim's proof with each step's status beside its LaTeX")
    p.add_argument("claim", help="claim id")
    p.add_argument("--from", dest="from_", default=None, metavar="DIR",
                   help="take the proof from a stored run instead of checking its steps now")
    p.add_argument("--format", choices=("text", "json"), default="text")
    _add_run_options(p, jobs=False)

    p = sub.add_parser("run", help="run every claim; write DIR/results.json, DIR/report.md and DIR/report.html")
    p.add_argument("--out", default="ical-report", metavar="DIR", help="output folder (default ./ical-report)")
    p.add_argument("--fail-on", default="", metavar="VERDICT[:SEVERITY],...",
                   help="exit 3 if a claim gets one of these verdicts (e.g. refuted,erratum:substantive)")
    p.add_argument("--claims", default="", metavar="ID[,ID...]", help="run only these claims")
    p.add_argument("--paper", default=None, metavar="ID", help="run only the claims of this paper")
    p.add_argument("--dask", default=None, metavar="tcp://HOST:PORT",
                   help="submit the claims to this Dask scheduler instead of local worker processes")
    p.add_argument("--readme-table", action="store_true",
                   help="print the README's claims table (Markdown) from the results")
    p.add_argument("--from", dest="from_", default=None, metavar="DIR",
                   help="with --readme-table: use the results stored in DIR instead of running")
    _add_run_options(p)

    p = sub.add_parser("report", help="write report.md and report.html from stored results (nothing is run)")
    p.add_argument("--from", dest="from_", required=True, metavar="DIR", help="folder of a run, or a results.json")
    p.add_argument("--out", default=None, metavar="DIR2", help="where to write the reports (default: DIR)")

    p = sub.add_parser("expectation", help=(
        "exact expected loss vs Monte Carlo at seeded random parameters (unitary/orthogonal: Lemma 2 "
        "output; w-mu: loss (7))"))
    p.add_argument("--context", default="unitary", help="unitary, orthogonal or w-mu")
    p.add_argument("--d", type=_int("d", 1), default=4)
    p.add_argument("--T", type=_int("T"), default=6)
    p.add_argument("--mu", type=_float("mu", finite=True), default=None)
    p.add_argument("--samples", type=_int("samples"), default=100_000)
    p.add_argument("--seed", type=_int("seed", 0, MAX_SEED), default=0)
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("latex", help=(
        "a standalone LaTeX document of the given claims (statements, verdicts, findings, readings, proofs, "
        "figures); from stored results with --from, else by running the checks"))
    p.add_argument("claims", nargs="*", metavar="ID", help="claim ids (see `ical-verify list`)")
    p.add_argument("--all", action="store_true", help="every claim of the registry (or of --paper)")
    p.add_argument("--paper", default=None, metavar="ID", help="with --all: the claims of this paper")
    p.add_argument("--out", default=None, metavar="FILE",
                   help="write to FILE, figures beside it in FILE-figures/ (default: standard output)")
    p.add_argument("--from", dest="from_", default=None, metavar="DIR",
                   help="use the results stored in DIR (claims missing there are run)")
    _add_run_options(p)

    p = sub.add_parser("walkthrough", help=(
        "show a teaching walkthrough (a notebook) in the terminal, or write it as HTML with --html"))
    p.add_argument("name", help="walkthrough name (see `ical-verify walkthrough --list`)", nargs="?")
    p.add_argument("--list", action="store_true", help="list the walkthroughs")
    p.add_argument("--html", default=None, metavar="FILE", help="execute it and write a self-contained HTML page")
    p.add_argument("--execute", action="store_true", help="in the terminal: execute and show the outputs")
    p.add_argument("--no-execute", action="store_true", help="with --html: do not execute (code only)")
    return parser


def _console(stderr: bool = False):
    """A rich console; when output goes to a file or a pipe (no terminal, no COLUMNS), 160 columns wide so that
    tables stay readable."""
    import os

    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    wide = not (hasattr(stream, "isatty") and stream.isatty()) and "COLUMNS" not in os.environ
    return Console(stderr=stderr, highlight=False, width=160 if wide else None)


# shared pieces ------------------------------------------------------------------------------------------
def check_device(device: str) -> None:
    """``cuda`` only when this machine has it: a one-line usage error otherwise (before any work)."""
    if device != "cuda":
        return
    import torch

    if not torch.cuda.is_available():
        why = "this PyTorch build has no CUDA" if torch.version.cuda is None else "no CUDA device is visible"
        raise UsageError(f"--device cuda is not available here ({why}; torch {torch.__version__}): valid devices "
                         "on this machine are cpu")


def _select(claims_arg: str, paper: str | None, all_if_empty: bool = True) -> list[str]:
    from .registry import claim_ids, get_paper, resolve_ids

    if paper is not None:
        get_paper(paper)
    names = [s.strip() for s in claims_arg.split(",") if s.strip()]
    if names:
        return resolve_ids(names, paper)
    return claim_ids(paper) if all_if_empty else []


class _Bar:
    """One progress bar for a set of claims (on standard error), fed by ``parallel.run_claims``."""

    def __init__(self, ids, transient: bool = False):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.total = len(ids)
        self.running: dict[str, str] = {}
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=_console(stderr=True), transient=transient,
                                 disable=not sys.stderr.isatty())
        self.task = None

    def __enter__(self):
        self.progress.__enter__()
        self.task = self.progress.add_task("claims", total=self.total)
        return self

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)

    def __call__(self, claim_id: str, desc: str, done: int, total: int, finished: bool) -> None:
        if finished:
            self.running.pop(claim_id, None)
            self.progress.advance(self.task)
        else:
            self.running[claim_id] = f"{desc} {done}/{total}" if total else desc
        shown = "; ".join(self.running.values())
        self.progress.update(self.task, description=(f"claims — {shown}"[:70] if shown else "claims"))


def _jobs(args, n_claims: int) -> int:
    from .parallel import cpu_count

    jobs = args.jobs if getattr(args, "jobs", None) is not None else cpu_count()
    return max(1, min(jobs, n_claims))


def _run(ids, args, out_dir, transient: bool = False):
    """Run claims ``ids`` with the options of ``args``; return the ``RunOutput``."""
    from .parallel import recorded_costs, run_claims

    with _Bar(ids, transient=transient) as bar:
        return run_claims(ids, seed=args.seed, profile=args.profile, device=args.device, threads=args.threads,
                          jobs=_jobs(args, len(ids)), dask=getattr(args, "dask", None), out_dir=out_dir,
                          progress=bar, costs=recorded_costs(out_dir, args.profile))


def _report_errors(errors) -> None:
    for e in errors:
        print(f"ical-verify: error: {e}", file=sys.stderr)


# commands ----------------------------------------------------------------------------------------------
def cmd_list(args) -> int:
    from .registry import all_claims, get_paper
    from .render_terminal import claims_table

    claims = all_claims(args.paper)
    if args.format == "json":
        print(json.dumps([{"claim": c.id, "paper": c.paper, "kind": c.kind, "title": c.title, "source": c.source,
                           "methods": c.methods, "checks": [k.name for k in c.checks],
                           "readings": [r.id for r in c.readings], "subclaims": [s.id for s in c.subclaims],
                           "proof_steps": len(c.proof.steps) if c.proof is not None else 0} for c in claims],
                         indent=2))
        return EXIT_OK
    title = f"Claims of {get_paper(args.paper).citation}" if args.paper else "Claims"
    _console().print(claims_table(claims, title))
    return EXIT_OK


def _check_out(claim_id: str, args) -> Path:
    from .outputs import check_folder
    from .stored import RESULTS_FILE, load_json

    out = check_folder(args.out or Path("ical-report") / f"check-{claim_id}-seed{args.seed}", "--out")
    if (out / RESULTS_FILE).exists():
        try:
            stored = load_json(out)
        except UsageError:
            stored = []
        others = sorted({o.get("claim") for o in stored if isinstance(o, dict)} - {claim_id})
        if others:
            raise UsageError(f"--out {out} holds a stored run ({len(stored)} claims in {RESULTS_FILE}); `check` "
                             f"would overwrite it: give another folder, e.g. {out / f'check-{claim_id}-seed{args.seed}'}")
    return out


def cmd_check(args) -> int:
    from .registry import get_claim
    from .render_terminal import print_result
    from .report import write_outputs

    claim = get_claim(args.claim)  # validate before doing anything
    out = _check_out(claim.id, args)
    check_device(args.device)
    args.jobs = 1
    run = _run([claim.id], args, out, transient=True)
    result = run.results[0]
    written = write_outputs(run.results, out, args.seed, args.profile, files=run.files, reports=False)
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2))
    else:
        print_result(_console(), result, proof=args.proof)
        _console(stderr=True).print(f"wrote {out}")
    _report_errors(written.errors)
    return EXIT_CRASH if result.crashed or written.errors else EXIT_OK


def cmd_show(args) -> int:
    from .render_terminal import print_result
    from .stored import find_result, load_results

    result = find_result(load_results(args.from_), args.claim, args.from_)
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2))
    else:
        print_result(_console(), result, proof=args.proof)
    return EXIT_OK


def cmd_proof(args) -> int:
    from .registry import all_claims, get_claim
    from .render_terminal import proof_table
    from .runner import make_context, run_proof

    if args.from_ is not None:
        from .stored import find_result, load_results

        result = find_result(load_results(args.from_), args.claim, args.from_)
        require(result.proof is not None, f"claim {result.claim.id!r} has no proof in {args.from_}")
        proof, step = result.proof, result.erratum_step
    else:
        claim = get_claim(args.claim)
        with_proof = [c.id for c in all_claims() if c.proof is not None]
        require(claim.proof is not None, f"claim {claim.id!r} has no proof transcribed: claims with proofs are "
                                         f"{', '.join(with_proof) or 'none yet'}")
        check_device(args.device)
        from .parallel import apply_threads

        apply_threads(args.threads)
        import tempfile

        with tempfile.TemporaryDirectory(prefix="ical-proof-") as tmp:
            ctx = make_context(seed=args.seed, profile=args.profile, out_dir=tmp, device=args.device,
                               threads=args.threads)
            proof = run_proof(claim, ctx)
        step = claim.erratum_step or next((s.step.id for s in proof.steps if s.status == "fails"), None)
    if args.format == "json":
        print(json.dumps(proof.to_json(), indent=2))
    else:
        _console().print(proof_table(proof, step))
    return EXIT_OK


def cmd_run(args) -> int:
    from .readme_table import readme_table
    from .verdicts import matches_fail_on, parse_fail_on

    fail_on = parse_fail_on(args.fail_on)
    if args.from_ is not None:
        require(args.readme_table, "run --from works with --readme-table only: to render stored results use "
                                   "`ical-verify report --from DIR` or `ical-verify latex --from DIR`")
        from .stored import load_results

        print(readme_table(load_results(args.from_, relocate=False)))
        return EXIT_OK
    from .outputs import check_folder

    ids = _select(args.claims, args.paper)
    require(bool(ids), f"paper {args.paper!r} has no claims yet")
    out = check_folder(args.out, "--out")
    if args.dask is None:
        check_device(args.device)  # with --dask the workers check it where the claims run
    else:
        from .parallel import _dask_client

        _dask_client(args.dask).close()  # validate the address and reach the scheduler before any work
    from .parallel import Interrupted
    from .render_terminal import summary_table

    start = time.perf_counter()
    try:
        run = _run(ids, args, out)
    except Interrupted as exc:
        return _interrupted(exc, ids, out)
    from .report import write_outputs

    written = write_outputs(run.results, out, args.seed, args.profile, files=run.files)
    results = run.results
    con = _console(stderr=args.readme_table)
    title = (f"ical-verify run ({args.profile}, seed {args.seed}, {time.perf_counter() - start:.1f} s, "
             f"{run.where})")
    con.print(summary_table(results, title))
    counts = {v: sum(r.verdict == v for r in results) for v in VERDICTS}
    con.print(", ".join(f"{n} {v}" for v, n in counts.items() if n))
    for p in written.paths:
        if p.parent == out:
            _console(stderr=True).print(f"wrote {p}")
    _report_errors(written.errors)
    if args.readme_table:
        print(readme_table(results))
    if any(r.crashed for r in results) or written.errors:
        return EXIT_CRASH
    if any(matches_fail_on(r.verdict, r.severity, fail_on) for r in results):
        return EXIT_FAIL_ON
    return EXIT_OK


def _interrupted(exc, ids, out: Path) -> int:
    """Ctrl-C during a run: keep the completed claims in DIR/results.partial.json, marked as partial."""
    from .stored import PARTIAL_FILE

    done = exc.completed
    msg = f"ical-verify: interrupted: {len(done)} of {len(ids)} claims completed"
    if done:
        try:
            out.mkdir(parents=True, exist_ok=True)
            data = {"interrupted": True, "completed": [r.claim.id for r in done],
                    "missing": [i for i in ids if i not in {r.claim.id for r in done}],
                    "results": [r.to_json() for r in done]}
            tmp = out / f".{PARTIAL_FILE}.tmp"
            tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
            tmp.replace(out / PARTIAL_FILE)
            msg += f"; their results are in {out / PARTIAL_FILE} (no report written)"
        except OSError:
            pass
    print(msg, file=sys.stderr)
    return EXIT_INTERRUPTED


def cmd_report(args) -> int:
    from .outputs import check_folder
    from .report import write_outputs
    from .stored import load_results, results_file

    results = load_results(args.from_)
    out = check_folder(args.out if args.out is not None else results_file(args.from_).parent, "--out")
    require(bool(results), f"--from {args.from_}: no stored results to report")
    written = write_outputs(results, out, data=False)
    for p in written.paths:
        _console(stderr=True).print(f"wrote {p}")
    _report_errors(written.errors)
    return EXIT_CRASH if written.errors else EXIT_OK


def cmd_expectation(args) -> int:
    from ..numerics.expectation_demo import compare, validate

    validate(args.context, args.d, args.T, args.mu, args.samples)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("Monte Carlo"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=_console(stderr=True), transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("mc", total=args.samples)
        r = compare(args.context, args.d, args.T, args.samples, args.seed, args.mu,
                    progress=lambda done, total: bar.update(task, completed=done, total=total))
    if args.format == "json":
        print(json.dumps(r.to_json(), indent=2))
    else:
        mc = r.monte_carlo
        con = _console()
        con.print(f"context {r.context}, d = {r.d}, T = {r.T}" + (f", mu = {r.mu}" if r.mu else ""))
        con.print(f"exact:       {r.exact:.12g}")
        con.print(f"Monte Carlo: {mc.estimate:.12g} ± {mc.standard_error:.3g} (n = {mc.n_samples}, "
                  f"{mc.sigmas:g}-sigma interval [{mc.interval[0]:.6g}, {mc.interval[1]:.6g}])")
        con.print(f"agree: {r.agrees} (z = {mc.z_score(r.exact):+.2f})")
    return EXIT_OK


def cmd_latex(args) -> int:
    import shutil
    import tempfile

    from .latex import copy_figures, latex_document
    from .outputs import check_file
    from .registry import claim_ids, get_paper

    require(not (args.all and args.claims), "give claim ids or --all, not both")
    if args.paper is not None:
        get_paper(args.paper)
    require(args.all or args.claims,
            f"no claims given: name claim ids or --all (valid ids are {', '.join(claim_ids())})")
    ids = claim_ids(args.paper) if args.all else _select(",".join(args.claims), args.paper)
    out = check_file(args.out, "--out", "report.tex") if args.out is not None else None
    stored = {}
    if args.from_ is not None:
        from .stored import load_results

        stored = {r.claim.id: r for r in load_results(args.from_)}
    missing = [i for i in ids if i not in stored]
    if missing:
        check_device(args.device)
    scratch = Path(tempfile.mkdtemp(prefix="ical-latex-"))
    try:
        fresh = {}
        if missing:
            if stored:
                print(f"ical-verify: {len(missing)} claim(s) not in {args.from_}, running them: "
                      f"{', '.join(missing)}", file=sys.stderr)
            from .parallel import Interrupted
            from .report import write_outputs

            try:
                run = _run(missing, args, scratch, transient=True)
            except Interrupted:
                print("ical-verify: interrupted: no document written", file=sys.stderr)
                return EXIT_INTERRUPTED
            write_outputs(run.results, scratch, files=run.files, reports=False)
            fresh = {r.claim.id: r for r in run.results}
        results = [stored.get(i) or fresh[i] for i in ids]
        if out is None:
            figures = {f: str(Path(f).resolve()) for r in results for f in r.figures
                       if r.claim.id in stored and Path(f).is_file()}
            sys.stdout.write(latex_document(results, figures=figures))
        else:
            folder = out.parent / f"{out.stem}-figures"
            figures = copy_figures(results, folder, out.parent)
            tmp = out.with_name(f".{out.name}.tmp")
            try:
                tmp.write_text(latex_document(results, figures=figures), encoding="utf-8")
                tmp.replace(out)
            finally:
                tmp.unlink(missing_ok=True)
            _console(stderr=True).print(f"wrote {out}" + (f" and {len(figures)} figures in {folder}" if figures
                                                           else ""))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return EXIT_CRASH if any(r.crashed for r in results) else EXIT_OK


def cmd_walkthrough(args) -> int:
    from . import walkthrough

    names = walkthrough.names()
    if args.list or args.name is None:
        require(args.list, f"no walkthrough named: valid names are {', '.join(names)}")
        for name in names:
            print(f"{name}: {walkthrough.title(name)}")
        return EXIT_OK
    require(args.name in names, f"unknown walkthrough {args.name!r}: valid names are {', '.join(names)}")
    if args.html is not None:
        from .outputs import check_file

        out = check_file(args.html, "--html", "walkthrough.html")
        try:
            html = walkthrough.to_html(args.name, execute=not args.no_execute)
        except walkthrough.WalkthroughError as exc:
            print(f"ical-verify: walkthrough {args.name}: {exc}", file=sys.stderr)
            return EXIT_CRASH
        tmp = out.with_name(f".{out.name}.tmp")
        try:
            tmp.write_text(html, encoding="utf-8")
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
        _console(stderr=True).print(f"wrote {out}")
        return EXIT_OK
    try:
        walkthrough.render_terminal(args.name, _console(), execute=args.execute)
    except walkthrough.WalkthroughError as exc:
        print(f"ical-verify: walkthrough {args.name}: {exc}", file=sys.stderr)
        return EXIT_CRASH
    return EXIT_OK


def quiet_native_warnings() -> None:
    """Keep warnings of native code away from the user: PyTorch's c10 log (on kernels without IPv6, gloo and
    the c10d store print ``[W socket.cpp] ... errno: 97 - Address family not supported by protocol`` when they
    open sockets) is set to errors only, for this process and the worker processes it starts."""
    import os

    os.environ.setdefault("TORCH_CPP_LOG_LEVEL", "ERROR")


COMMANDS = {"list": cmd_list, "check": cmd_check, "show": cmd_show, "proof": cmd_proof, "run": cmd_run,
            "report": cmd_report, "expectation": cmd_expectation, "latex": cmd_latex, "walkthrough": cmd_walkthrough}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        parser = build_parser()
        if not argv:
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        from .parallel import apply_threads, set_thread_environment

        threads = getattr(args, "threads", None) or 1
        set_thread_environment(threads)  # before NumPy and PyTorch start their thread pools
        quiet_native_warnings()
        if "numpy" in sys.modules or "torch" in sys.modules:  # called in-process (tests, notebooks)
            apply_threads(threads)
        _apply_data_options(args)
        return COMMANDS[args.command](args)
    except BAD_INPUT as exc:
        print(f"ical-verify: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except KeyboardInterrupt:
        print("ical-verify: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
