"""The ``ical-verify`` command line.

Commands: ``list``, ``check ID``, ``run``, ``expectation``, ``latex``, ``walkthrough``. Exit status: 0 when the work completed
(whatever the verdicts), 1 when a check crashed, 2 for bad usage (one line naming the bad value and the
valid range, no traceback), 3 when a verdict matched ``--fail-on``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from ..numerics.errors import DomainError as NumericsDomainError
from ..theory.errors import DomainError as TheoryDomainError
from .claim import PROFILES
from .errors import UsageError, require
from .verdicts import VERDICTS

EXIT_OK, EXIT_CRASH, EXIT_USAGE, EXIT_FAIL_ON = 0, 1, 2, 3
BAD_INPUT = (UsageError, TheoryDomainError, NumericsDomainError)

VERDICT_STYLE = {"verified": "green", "erratum": "yellow", "refuted": "red", "inconclusive": "magenta",
                 "not-run": "dim"}


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit status 2."""

    def error(self, message):  # noqa: D401 - argparse API
        raise UsageError(message)


def _int(name: str, low: int | None = None):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} = {text!r} is not an integer") from None
        if low is not None and value < low:
            raise argparse.ArgumentTypeError(f"{name} = {value} is out of range: {name} must be >= {low}")
        return value
    return parse


def _float(name: str):
    def parse(text: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} = {text!r} is not a number") from None
    return parse


def _profile(text: str) -> str:
    if text not in PROFILES:
        raise argparse.ArgumentTypeError(f"unknown profile {text!r}: valid profiles are {', '.join(PROFILES)}")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ical-verify", description=(
        "Verify the statements of Sander et al., 'How do Transformers perform In-Context Autoregressive "
        "Learning?' (ICML 2024), claim by claim."))
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, required=True)

    p = sub.add_parser("list", help="list every claim with its kind, title and methods")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("check", help="run the checks of one claim")
    p.add_argument("claim", help="claim id (see `ical-verify list`)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--seed", type=_int("seed", 0), default=0)
    p.add_argument("--profile", type=_profile, default="quick")
    p.add_argument("--out", default="ical-report", help="folder for figures (default ./ical-report)")

    p = sub.add_parser("run", help="run every claim; write DIR/results.json and DIR/report.md")
    p.add_argument("--profile", type=_profile, default="quick")
    p.add_argument("--out", default="ical-report", help="output folder (default ./ical-report)")
    p.add_argument("--seed", type=_int("seed", 0), default=0)
    p.add_argument("--fail-on", default="", metavar="VERDICT[,VERDICT...]",
                   help="exit 3 if any claim gets one of these verdicts")
    p.add_argument("--claims", default="", metavar="ID[,ID...]", help="run only these claims")

    p = sub.add_parser("expectation", help=(
        "exact expected loss vs Monte Carlo at seeded random parameters (unitary/orthogonal: Lemma 2 "
        "output; w-mu: loss (7))"))
    p.add_argument("--context", default="unitary", help="unitary, orthogonal or w-mu")
    p.add_argument("--d", type=_int("d", 1), default=4)
    p.add_argument("--T", type=_int("T"), default=6)
    p.add_argument("--mu", type=_float("mu"), default=None)
    p.add_argument("--samples", type=_int("samples"), default=100_000)
    p.add_argument("--seed", type=_int("seed", 0), default=0)
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("latex", help=(
        "run the checks of the given claims and write a standalone LaTeX document (statements, derived "
        "expressions, corrected statements, verdicts, checks)"))
    p.add_argument("claims", nargs="*", metavar="ID", help="claim ids (see `ical-verify list`)")
    p.add_argument("--all", action="store_true", help="every claim of the registry")
    p.add_argument("--out", default=None, metavar="FILE", help="write to FILE (default: standard output)")
    p.add_argument("--seed", type=_int("seed", 0), default=0)
    p.add_argument("--profile", type=_profile, default="quick")

    p = sub.add_parser("walkthrough", help=(
        "show a teaching walkthrough (a notebook) in the terminal, or write it as HTML with --html"))
    p.add_argument("name", help="walkthrough name (see `ical-verify walkthrough --list`)", nargs="?")
    p.add_argument("--list", action="store_true", help="list the walkthroughs")
    p.add_argument("--html", default=None, metavar="FILE", help="execute it and write a self-contained HTML page")
    p.add_argument("--execute", action="store_true", help="in the terminal: execute and show the outputs")
    p.add_argument("--no-execute", action="store_true", help="with --html: do not execute (code only)")
    return parser


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


# commands ----------------------------------------------------------------------------------------
def cmd_list(args) -> int:
    from .registry import all_claims

    claims = all_claims()
    if args.format == "json":
        print(json.dumps([{"claim": c.id, "kind": c.kind, "title": c.title, "source": c.source,
                           "methods": c.methods, "checks": [k.name for k in c.checks]} for c in claims],
                         indent=2))
        return EXIT_OK
    from rich.table import Table

    table = Table(title="Claims of Sander et al. (ICML 2024)")
    for col in ("id", "kind", "title", "methods", "checks"):
        table.add_column(col)
    for c in claims:
        table.add_row(c.id, c.kind, c.title, ", ".join(c.methods) or "-", str(len(c.checks)))
    _console().print(table)
    return EXIT_OK


def _progress_columns():
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn

    return (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())


def cmd_check(args) -> int:
    from rich.progress import Progress

    from .registry import get_claim
    from .runner import make_context, run_claim

    get_claim(args.claim)  # validate before doing anything
    with Progress(*_progress_columns(), console=_console(stderr=True), transient=True,
                  disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task(args.claim, total=None)

        def progress(desc, done, total):
            bar.update(task, description=desc, completed=done, total=total or None)

        ctx = make_context(seed=args.seed, profile=args.profile, out_dir=args.out, progress=progress)
        result = run_claim(args.claim, ctx)
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2))
    else:
        _print_result(result)
    return EXIT_CRASH if result.crashed else EXIT_OK


def _print_result(result) -> None:
    from rich.table import Table

    con = _console()
    c = result.claim
    style = VERDICT_STYLE.get(result.verdict, "")
    con.print(f"[bold]{c.id}[/bold] — {c.title} ({c.source})")
    con.print(f"verdict: [{style}]{result.verdict}[/{style}]   ({result.seconds:.2f} s, seed {result.seed})")
    con.print(f"statement: {c.statement}")
    if result.corrected:
        con.print(f"corrected: {result.corrected}")
    if result.checks:
        table = Table()
        for col in ("check", "method", "target", "status", "detail"):
            table.add_column(col, overflow="fold")
        for k in result.checks:
            table.add_row(k.name, k.method, k.target, k.status, k.detail)
        con.print(table)
    for f in result.figures:
        con.print(f"figure: {f}")


def cmd_run(args) -> int:
    from rich.progress import Progress
    from rich.table import Table

    from .registry import claim_ids, get_claim
    from .report import summary_rows, write_report
    from .runner import make_context, run_claim

    fail_on = [v.strip() for v in args.fail_on.split(",") if v.strip()]
    for v in fail_on:
        require(v in VERDICTS, f"unknown verdict {v!r} in --fail-on: valid verdicts are {', '.join(VERDICTS)}")
    ids = [s.strip() for s in args.claims.split(",") if s.strip()] or claim_ids()
    for claim_id in ids:
        get_claim(claim_id)
    out = Path(args.out)
    require(not out.exists() or out.is_dir(), f"--out {out} exists and is not a folder")
    results = []
    start = time.perf_counter()
    with Progress(*_progress_columns(), console=_console(stderr=True)) as bar:
        overall = bar.add_task("claims", total=len(ids))
        inner = bar.add_task("", total=None)

        def progress(desc, done, total):
            bar.update(inner, description=f"  {desc}", completed=done, total=total or None)

        ctx = make_context(seed=args.seed, profile=args.profile, out_dir=out, progress=progress)
        for claim_id in ids:
            bar.update(overall, description=f"claims ({claim_id})")
            results.append(run_claim(claim_id, ctx))
            bar.advance(overall)
    paths = write_report(results, out, args.seed, args.profile)
    table = Table(title=f"ical-verify run ({args.profile}, seed {args.seed}, {time.perf_counter() - start:.1f} s)")
    for col in ("claim", "kind", "verdict", "checks passed", "seconds"):
        table.add_column(col)
    for row in summary_rows(results):
        style = VERDICT_STYLE.get(row[2], "")
        table.add_row(row[0], row[1], f"[{style}]{row[2]}[/{style}]", row[3], row[4])
    con = _console()
    con.print(table)
    counts = {v: sum(r.verdict == v for r in results) for v in VERDICTS}
    con.print(", ".join(f"{n} {v}" for v, n in counts.items() if n))
    for p in paths:
        con.print(f"wrote {p}")
    if any(r.crashed for r in results):
        return EXIT_CRASH
    if any(r.verdict in fail_on for r in results):
        return EXIT_FAIL_ON
    return EXIT_OK


def cmd_expectation(args) -> int:
    from ..numerics.expectation_demo import compare, validate

    validate(args.context, args.d, args.T, args.mu, args.samples)
    r = compare(args.context, args.d, args.T, args.samples, args.seed, args.mu)
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
    from rich.progress import Progress

    from .latex import latex_document, run_claims
    from .registry import claim_ids, get_claim

    require(not (args.all and args.claims), "give claim ids or --all, not both")
    require(args.all or args.claims, f"no claims given: name claim ids or --all (valid ids are {', '.join(claim_ids())})")
    ids = claim_ids() if args.all else list(dict.fromkeys(args.claims))
    for claim_id in ids:
        get_claim(claim_id)  # validate every id before running anything
    if args.out is not None:
        out = Path(args.out)
        require(not out.is_dir(), f"--out {out} is a folder: give a file name such as report.tex")
        require(out.parent.is_dir(), f"--out {out}: folder {out.parent} does not exist")
    with Progress(*_progress_columns(), console=_console(stderr=True), transient=True,
                  disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("latex", total=None)

        def progress(desc, done, total):
            bar.update(task, description=desc, completed=done, total=total or None)

        results = run_claims(ids, seed=args.seed, profile=args.profile, progress=progress)
    document = latex_document(results)
    if args.out is None:
        sys.stdout.write(document)
    else:
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(document, encoding="utf-8")
        tmp.replace(out)
        _console(stderr=True).print(f"wrote {out}")
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
        out = Path(args.html)
        require(not out.is_dir(), f"--html {out} is a folder: give a file name such as walkthrough.html")
        require(out.parent.is_dir(), f"--html {out}: folder {out.parent} does not exist")
        try:
            html = walkthrough.to_html(args.name, execute=not args.no_execute)
        except walkthrough.WalkthroughError as exc:
            print(f"ical-verify: walkthrough {args.name}: {exc}", file=sys.stderr)
            return EXIT_CRASH
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(out)
        _console(stderr=True).print(f"wrote {out}")
        return EXIT_OK
    try:
        walkthrough.render_terminal(args.name, _console(), execute=args.execute)
    except walkthrough.WalkthroughError as exc:
        print(f"ical-verify: walkthrough {args.name}: {exc}", file=sys.stderr)
        return EXIT_CRASH
    return EXIT_OK


COMMANDS = {"list": cmd_list, "check": cmd_check, "run": cmd_run, "expectation": cmd_expectation,
            "latex": cmd_latex, "walkthrough": cmd_walkthrough}


def main(argv: list[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        return COMMANDS[args.command](args)
    except BAD_INPUT as exc:
        print(f"ical-verify: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ical-verify: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
