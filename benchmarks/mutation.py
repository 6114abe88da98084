r"""Mutation testing of the mathematics (``theory/``, ``numerics/``) with mutmut 2.5.1, and its record.

One command, from the repository root, with the project's virtual environment::

    python3 benchmarks/mutation.py --phase 1                  # the phase-1 modules, one after the other
    python3 benchmarks/mutation.py --phase 2                  # the phase-2 modules
    python3 benchmarks/mutation.py --all                      # every module of theory/ and numerics/
    python3 benchmarks/mutation.py theory/index_patterns.py numerics/spectra.py
    python3 benchmarks/mutation.py --phase 1 --fresh          # forget cached results of these modules first
    python3 benchmarks/mutation.py --report-only              # rewrite benchmarks/mutation.md from the cache
    python3 benchmarks/mutation.py --retest-survivors theory/certify.py   # survivors vs the new tests only
    python3 benchmarks/mutation.py --import-from ../wt-other theory/laurent.py   # results of another worktree

Modules can be mutated in several worktrees at once (mutmut mutates in place, so one worktree per concurrent
run); ``--import-from`` then copies a module's results (mutmut's cache rows, the killing tests and the run record)
into this worktree's record, after checking that the module's source and its test file are byte for byte the
ones here, so the record describes this tree's code and tests.

For each module in turn it runs ``mutmut run --paths-to-mutate <module>`` with the hook file ``mutmut_config.py``
(targeted tests per module, mutants that cannot matter skipped: see that file), measures the CPU time (user + sys
of every process it starts), checks that the source is restored byte for byte, and then writes
``benchmarks/mutation.md``: the command, mutmut version, machine, per-module counts (killed, survived, timeout,
suspicious, skipped, equivalent), the score over non-equivalent mutants with the line ``mutation score: NN %``
(rounded down), the mutants the existing tests let survive with the ``tests/test_mutants_*`` test that now kills
each, and the equivalent mutants with their reasons (read from ``benchmarks/mutation-equivalents.toml``, so the
score is recomputed the same way every time).

mutmut mutates the sources **in place** (the root folders are mapped to ``ical_verify.*`` by the editable
install): run it only in a worktree where nobody else works. If a run is interrupted,
``git checkout -- theory numerics`` restores the sources (and delete any ``*.py.bak``).

Cost: every mutant runs pytest on its module's targeted tests. To avoid paying for the import of NumPy, SciPy,
SymPy, pytest and hypothesis (about 1.5 s of CPU) per mutant, a small fork server holds those imports and forks
one child per test run; the child imports ``ical_verify`` afresh, so it sees the mutated source. The same tests
run with plain pytest when the server is off (``--no-server``); the equivalent plain command of each module is
printed in the record. Results are cached in ``.mutmut-cache`` (mutmut's cache): a killed mutant is not
re-run; the others are re-run when a test file changes.

Internal subcommands (used by mutmut through ``mutmut_config.py``): ``pytest <module> [--mutant key]`` runs the
targeted tests (through the server when ``ICAL_MUTATION_SOCKET`` is set) and records which test killed the
mutant in ``.mutmut-kills.jsonl``; ``serve <socket>`` is the fork server.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import mutmut_config as mc  # noqa: E402  (the hook file: targets, skip rules)

CACHE = ROOT / ".mutmut-cache"
KILLS = ROOT / ".mutmut-kills.jsonl"
RUNS = ROOT / ".mutmut-runs.json"
LOG = ROOT / ".mutmut-last-test.log"
REPORT = ROOT / "benchmarks" / "mutation.md"
EQUIVALENTS = ROOT / "benchmarks" / "mutation-equivalents.toml"
SOCKET_ENV = "ICAL_MUTATION_SOCKET"
ARGS_ENV = "ICAL_MUTATION_ARGS"

PHASES = {
    1: ["theory/index_patterns.py", "theory/symbolic_exponents.py", "theory/certify.py", "theory/realification.py",
        "theory/conditioning.py", "theory/scalar_flow.py", "numerics/realification.py", "numerics/spectra.py",
        "numerics/gradient_flow.py", "numerics/binomial.py", "numerics/errors.py"],
    2: ["theory/laurent.py", "theory/diagonal_attention.py", "theory/augmented_attention.py",
        "theory/gradient_step.py", "numerics/torus.py", "numerics/montecarlo.py", "numerics/samplers.py",
        "numerics/diagonal_model.py", "numerics/diagonal_structure.py", "numerics/gd_inner_loss.py",
        "numerics/attention_capacity.py", "numerics/expectation_demo.py"],
}

STATUS = {"ok_killed": "killed", "ok_suspicious": "suspicious", "bad_timeout": "timeout",
          "bad_survived": "survived", "skipped": "skipped", "untested": "untested"}
DETECTED = ("killed", "suspicious", "timeout")


# running the targeted tests (client, fork server) ---------------------------------------------------------
def _run_pytest(args: list[str], module: str, mutant: str | None) -> int:
    """pytest.main on the targeted selection; 0 if every test passed, else 1 (collection errors included:
    mutmut counts only exit code 1 as a failure). Records the first failing test for ``mutant``."""
    import pytest

    class FirstFailure:
        nodeid = None

        def pytest_runtest_logreport(self, report):
            if report.failed and self.nodeid is None:
                self.nodeid = report.nodeid

        def pytest_collectreport(self, report):
            if report.failed and self.nodeid is None:
                self.nodeid = f"collection error in {report.nodeid}"

    rec = FirstFailure()
    code = pytest.main(list(args), plugins=[rec])
    rc = 0 if code == 0 else 1
    if mutant:
        with open(KILLS, "a") as f:
            f.write(json.dumps({"module": module, "mutant": mutant, "rc": int(code), "killed_by": rec.nodeid})
                    + "\n")
    return rc


def client(module: str, mutant: str | None) -> int:
    frozen = json.loads(os.environ.get(ARGS_ENV, "{}"))           # the selection fixed when the run started
    args = frozen.get(module) or mc.test_args(module)
    path = os.environ.get(SOCKET_ENV)
    if path and os.path.exists(path):
        import socket

        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        s.sendall(json.dumps({"args": args, "module": module, "mutant": mutant}).encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(64)
            if not chunk:
                return 1                                   # the server died: count as a failure, loudly
            data += chunk
        return int(data)
    return _run_pytest(args, module, mutant)


def serve(path: str) -> None:
    """Fork server: pre-imports the heavy third-party packages (never ical_verify), then one child per request.

    A request is a JSON line; the reply the exit code. If the client goes away (mutmut's timeout kills it),
    the child is killed too."""
    import select
    import signal
    import socket

    sys.dont_write_bytecode = True
    import hypothesis  # noqa: F401
    import mpmath  # noqa: F401
    import numpy  # noqa: F401
    import pytest  # noqa: F401
    import scipy.integrate  # noqa: F401
    import scipy.linalg  # noqa: F401
    import scipy.optimize  # noqa: F401
    import scipy.special  # noqa: F401
    import scipy.stats  # noqa: F401
    import sympy  # noqa: F401
    import doctest  # noqa: F401
    import _pytest.doctest  # noqa: F401
    import _pytest.python  # noqa: F401
    import gc
    from importlib.metadata import entry_points

    # pytest's third-party plugins (entry points; never the project's own), imported once here instead of in
    # every child (about 0.4 s CPU per test run, mostly anyio's plugin). pytest still registers them in the child.
    for ep in entry_points(group="pytest11"):
        if not ep.value.startswith("ical_verify"):
            try:
                ep.load()
            except Exception:                                          # the child will report it
                pass
    # Freeze what is imported: a child's garbage collections (pytest runs several at the end of a session) then
    # skip these objects (about 0.4 s CPU per test run); the child's own objects are collected as usual.
    gc.collect()
    gc.freeze()

    assert not any(m.startswith("ical_verify") for m in sys.modules), "the server must not import ical_verify"
    child = [0]

    def stop(signum, frame):
        if child[0]:
            try:
                os.kill(child[0], signal.SIGKILL)
            except ProcessLookupError:
                pass
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    try:
        while True:
            conn, _ = srv.accept()
            buf = b""
            while not buf.endswith(b"\n"):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                buf += chunk
            if not buf.endswith(b"\n"):
                conn.close()
                continue
            req = json.loads(buf)
            pid = os.fork()
            if pid == 0:                                               # child
                code = 1
                try:
                    srv.close()
                    conn.close()
                    fd = os.open(LOG, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                    os.dup2(fd, 1)
                    os.dup2(fd, 2)
                    code = _run_pytest(req["args"], req["module"], req.get("mutant"))
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
            child[0] = pid
            rc = 1
            while True:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    rc = os.waitstatus_to_exitcode(status)
                    rc = 0 if rc == 0 else 1
                    break
                readable, _, _ = select.select([conn], [], [], 0.05)
                if readable and not conn.recv(1):                      # client gone (timeout): stop the child
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    rc = None
                    break
            child[0] = 0
            if rc is not None:
                try:
                    conn.sendall(f"{rc}\n".encode())
                except OSError:
                    pass
            conn.close()
    finally:
        srv.close()
        if os.path.exists(path):
            os.unlink(path)


# the mutmut cache -------------------------------------------------------------------------------------------
def _db():
    import sqlite3

    return sqlite3.connect(CACHE)


def cached_mutants(module: str) -> list[dict]:
    """Every mutant of ``module`` in mutmut's cache: line (0-based), index, line text, status."""
    if not CACHE.exists():
        return []
    with _db() as db:
        rows = db.execute(
            "SELECT l.line_number, m.\"index\", l.line, m.status FROM Mutant m JOIN Line l ON m.line = l.id "
            "JOIN SourceFile s ON l.sourcefile = s.id WHERE s.filename = ? ORDER BY l.line_number, m.\"index\"",
            (module,)).fetchall()
    return [{"line_number": r[0], "index": r[1], "line": r[2], "status": STATUS.get(r[3], r[3])} for r in rows]


def forget(module: str) -> None:
    """Drop a module's cached results (``--fresh``)."""
    if not CACHE.exists():
        return
    with _db() as db:
        ids = [r[0] for r in db.execute("SELECT id FROM SourceFile WHERE filename = ?", (module,))]
        for sid in ids:
            db.execute("DELETE FROM Mutant WHERE line IN (SELECT id FROM Line WHERE sourcefile = ?)", (sid,))
            db.execute("DELETE FROM Line WHERE sourcefile = ?", (sid,))
            db.execute("DELETE FROM SourceFile WHERE id = ?", (sid,))


def forget_baseline() -> None:
    """mutmut caches one baseline test time for all modules; each module has its own targeted tests."""
    if CACHE.exists():
        with _db() as db:
            db.execute("DELETE FROM MiscData WHERE key = 'baseline_time_elapsed'")


# one module ---------------------------------------------------------------------------------------------------
def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


class _Session:
    """Environment for one module: the frozen test selection and (optionally) a fork server."""

    def __init__(self, module: str, args: list[str], use_server: bool):
        self.module, self.args, self.use_server = module, args, use_server
        self.server = None
        self.env = dict(os.environ)
        self.env[ARGS_ENV] = json.dumps({module: args})        # a test file edited mid-run is not picked up
        self.env.pop(SOCKET_ENV, None)

    def __enter__(self):
        import subprocess
        import tempfile
        import time

        src = ROOT / self.module
        if not src.exists():
            raise SystemExit(f"{self.module}: no such module")
        if Path(str(src) + ".bak").exists():
            raise SystemExit(f"{self.module}.bak exists: an interrupted run? Restore the source (git checkout) "
                             "and delete it")
        self.sha, self.original = _sha(src), src.read_bytes()
        if self.use_server:
            sock = os.path.join(tempfile.gettempdir(), f"ical-mutation-{os.getpid()}.sock")
            self.server = subprocess.Popen([sys.executable, __file__, "serve", sock], cwd=ROOT, env=self.env)
            for _ in range(600):
                if os.path.exists(sock) or self.server.poll() is not None:
                    break
                time.sleep(0.1)
            if not os.path.exists(sock):
                self.server.kill()
                self.server.wait()
                raise SystemExit("the fork server did not start")
            self.env[SOCKET_ENV] = sock
        return self

    def __exit__(self, *exc):
        src = ROOT / self.module
        if self.server is not None:
            self.server.terminate()
            self.server.wait()
        if _sha(src) != self.sha:                              # never leave a mutant behind
            src.write_bytes(self.original)
            print(f"!! {self.module} was left mutated: restored", file=sys.stderr)
        bak = Path(str(src) + ".bak")
        if bak.exists():
            bak.unlink()
        return False


def run_in_own_group(cmd: list[str], timeout: float | None = None, **kw) -> int:
    """Run ``cmd`` in a new session (its own process group) and return its exit code. If this process is
    interrupted (Ctrl-C, SIGTERM turned into an exception) or the timeout expires, the whole group is killed and
    reaped before the exception propagates, so that no worker of mutmut's keeps mutating the source in place after
    :class:`_Session` has restored it. (Ctrl-C from the terminal reaches only this process: the group is not the
    terminal's foreground group.)"""
    import signal
    import subprocess

    proc = subprocess.Popen(cmd, start_new_session=True, **kw)
    try:
        return proc.wait(timeout=timeout)
    except BaseException:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        raise


def _cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_module(module: str, use_server: bool) -> dict:
    """``mutmut run`` on one module with its targeted tests; CPU time of every process it starts."""
    # killed mutants mutmut will reuse: those on lines whose text is still in the source (mutmut keys its cache by
    # line text and drops the lines that are gone)
    current = set((ROOT / module).read_text(encoding="utf-8").splitlines())
    cached_killed = sum(m["status"] in DETECTED and m["status"] != "timeout" and m["line"] in current
                        for m in cached_mutants(module))
    forget_baseline()
    cmd = [sys.executable, "-m", "mutmut", "run", "--paths-to-mutate", module, "--runner",
           mc.runner_command(module), "--simple-output", "--no-progress"]
    print(f"== {module}: {' '.join(cmd[1:6])} ...", flush=True)
    c0 = _cpu()
    with _Session(module, mc.test_args(module), use_server) as s:
        code = run_in_own_group(cmd, cwd=ROOT, env=s.env)
        if code & 1:
            raise SystemExit(f"mutmut failed on {module} (exit code {code})")
        # mutmut 2.5.1 looks cached statuses up by line text, so a mutant on a line that repeats an earlier one
        # (a second ``continue``) inherits that line's status and is never run: it stays untested. Run those here,
        # with the same selection.
        untested = [m for m in cached_mutants(module) if m["status"] == "untested"]
        if untested:
            print(f"   {module}: {len(untested)} mutants on repeated lines, tested one by one", flush=True)
            _test_in_place(module, untested, s.env)
    cpu = _cpu() - c0
    n = len(cached_mutants(module))
    return {"module": module, "date": _dt.datetime.now().isoformat(timespec="seconds"), "cpu_seconds": round(cpu, 1),
            "mutants": n, "reused_from_cache": cached_killed, "run": n - cached_killed, "server": use_server,
            "test_args": mc.test_args(module)}


def _test_in_place(module: str, mutants: list[dict], env: dict) -> int:
    """Test ``mutants`` of ``module`` one by one as mutmut would: apply the mutant in place, run the selection frozen
    in ``env`` (recording the killing test), restore the source, store the status in mutmut's cache (skipped for
    the mutants ``mutmut_config.skip_reason`` skips). Returns how many were killed (timeouts included)."""
    import subprocess

    from mutmut import BAD_SURVIVED, BAD_TIMEOUT, OK_KILLED, SKIPPED, Context, RelativeMutationID, mutate_file
    from mutmut.cache import hash_of_tests, update_mutant_status

    tests_hash = hash_of_tests(["tests/"])
    killed = 0
    for m in mutants:
        mid = RelativeMutationID(line=m["line"], index=m["index"], line_number=m["line_number"], filename=module)
        if mc.skip_reason((ROOT / module).read_text(), mid, module):
            status = SKIPPED
        else:
            mutate_file(backup=True, context=Context(mutation_id=mid, filename=module, dict_synonyms=[""]))
            try:
                code = run_in_own_group([sys.executable, __file__, "pytest", module, "--mutant", mc.mutant_key(mid)],
                                        timeout=600, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
                status = OK_KILLED if code == 1 else BAD_SURVIVED
            except subprocess.TimeoutExpired:
                status = BAD_TIMEOUT
            finally:
                os.replace(str(ROOT / module) + ".bak", ROOT / module)
            killed += status in (OK_KILLED, BAD_TIMEOUT)
        update_mutant_status(file_to_mutate=module, mutation_id=mid, status=status, tests_hash=tests_hash)
    return killed


def retest_survivors(module: str, use_server: bool) -> dict:
    """Re-test the mutants that survived the module's full targeted tests against its ``tests/test_mutants_*``
    file only (the rest of the selection already let them survive), as mutmut would (:func:`_test_in_place`)."""
    import subprocess

    extra = mc.mutants_test_file(module)
    if not (ROOT / extra).exists():
        raise SystemExit(f"{extra} does not exist: nothing to re-test {module} with")
    survivors = [m for m in cached_mutants(module) if m["status"] == "survived"]
    print(f"== {module}: re-testing {len(survivors)} survivors against {extra} only", flush=True)
    c0 = _cpu()
    with _Session(module, mc.PYTEST_FLAGS + [extra], use_server) as s:
        # the new tests must pass on the original source
        if subprocess.run([sys.executable, __file__, "pytest", module], cwd=ROOT, env=s.env).returncode != 0:
            raise SystemExit(f"{extra} fails on the original {module}")
        killed = _test_in_place(module, survivors, s.env)
    cpu = _cpu() - c0
    print(f"   {killed} of {len(survivors)} now killed", flush=True)
    return {"date": _dt.datetime.now().isoformat(timespec="seconds"), "cpu_seconds": round(cpu, 1),
            "retested": len(survivors), "killed": killed}


# results of another worktree -----------------------------------------------------------------------------------
def import_results(src_root: Path, modules: list[str]) -> list[str]:
    """Copy the results of ``modules`` from the worktree ``src_root`` into this one's record.

    A module is imported only if its source and its ``tests/test_mutants_*`` file are identical in both trees
    (merge the other branch first); otherwise it is refused with the reason. Returns the modules imported."""
    import sqlite3

    src_root = Path(src_root).resolve()
    src_cache = src_root / CACHE.name
    if not src_cache.exists():
        raise SystemExit(f"{src_cache}: no mutmut cache there")
    src_runs = json.loads((src_root / RUNS.name).read_text()) if (src_root / RUNS.name).exists() else {}
    src_kills = (src_root / KILLS.name).read_text().splitlines() if (src_root / KILLS.name).exists() else []
    runs = json.loads(RUNS.read_text()) if RUNS.exists() else {}
    with sqlite3.connect(src_cache) as sdb:
        available = [r[0] for r in sdb.execute("SELECT filename FROM SourceFile")]
    done = []
    for module in modules or available:
        if module not in available:
            print(f"   {module}: not in {src_cache}", file=sys.stderr)
            continue
        test_file = mc.mutants_test_file(module)
        differ = [f for f in (module, test_file)
                  if (src_root / f).exists() != (ROOT / f).exists()
                  or ((ROOT / f).exists() and _sha(ROOT / f) != _sha(src_root / f))]
        if differ:
            print(f"   {module}: not imported, {', '.join(differ)} differ(s) from {src_root}", file=sys.stderr)
            continue
        if mc.test_args(module) != _frozen_args(src_runs.get(module, {}), module):
            print(f"   {module}: not imported, its targeted tests differ from those of {src_root}", file=sys.stderr)
            continue
        forget(module)
        with sqlite3.connect(src_cache) as sdb, _db() as db:
            for sid, fname, h in sdb.execute("SELECT id, filename, hash FROM SourceFile WHERE filename = ?",
                                             (module,)).fetchall():
                new_sid = db.execute("INSERT INTO SourceFile (filename, hash) VALUES (?, ?)", (fname, h)).lastrowid
                for lid, line, num in sdb.execute("SELECT id, line, line_number FROM Line WHERE sourcefile = ?",
                                                  (sid,)).fetchall():
                    new_lid = db.execute("INSERT INTO Line (sourcefile, line, line_number) VALUES (?, ?, ?)",
                                         (new_sid, line, num)).lastrowid
                    for idx, th, st in sdb.execute('SELECT "index", tested_against_hash, status FROM Mutant '
                                                   "WHERE line = ?", (lid,)).fetchall():
                        db.execute('INSERT INTO Mutant (line, "index", tested_against_hash, status) '
                                   "VALUES (?, ?, ?, ?)", (new_lid, idx, th, st))
        with open(KILLS, "a") as f:
            for line in src_kills:
                if line.strip() and json.loads(line)["module"] == module:
                    f.write(line + "\n")
        if module in src_runs:
            runs[module] = {**src_runs[module], "imported_from": src_root.name}
        done.append(module)
        print(f"   {module}: imported from {src_root}", flush=True)
    RUNS.write_text(json.dumps(runs, indent=1))
    return done


def _frozen_args(run: dict, module: str) -> list[str]:
    """The targeted tests a run used (recorded since imports exist; older runs: the current selection)."""
    return run.get("test_args") or mc.test_args(module)


# the record ---------------------------------------------------------------------------------------------------
def _load_equivalents() -> list[dict]:
    import tomllib

    if not EQUIVALENTS.exists():
        return []
    return tomllib.loads(EQUIVALENTS.read_text()).get("equivalent", [])


def _kills() -> dict:
    out = {}
    if KILLS.exists():
        for line in KILLS.read_text().splitlines():
            if line.strip():
                r = json.loads(line)
                out[(r["module"], r["mutant"])] = r
    return out


def _key(m: dict) -> str:
    from mutmut import RelativeMutationID

    return mc.mutant_key(RelativeMutationID(line=m["line"], index=m["index"], line_number=m["line_number"]))


def _describe(module: str, m: dict, source: str) -> dict:
    """The mutant's key, 1-based line, and its original and mutated line (from the current source)."""
    from mutmut import RelativeMutationID

    mid = RelativeMutationID(line=m["line"], index=m["index"], line_number=m["line_number"], filename=module)
    mutated = mc.mutated_source(source, mid, module)
    where = mc.first_difference(source, mutated)
    a, b = source.split("\n"), mutated.split("\n")
    k = (where[0] - 1) if where else m["line_number"]
    return {"key": mc.mutant_key(mid), "lineno": k + 1, "original": a[k].strip() if k < len(a) else "",
            "mutant": b[k].strip() if k < len(b) else "",
            "skip": mc.skip_reason(source, mid, module) if m["status"] == "skipped" else None}


def _machine() -> str:
    import subprocess

    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()[:10]
    except OSError:
        lscpu = ["(lscpu not available)"]
    return "\n".join(lscpu + [f"nproc: {os.cpu_count()} (os.cpu_count)",
                              f"Python {sys.version.split()[0]}"])


def summarise(modules: list[str]) -> dict:
    """Per-module counts, the equivalents matched, and the mutants first killed by a test_mutants_* test."""
    equivalents = _load_equivalents()
    kills = _kills()
    used = set()
    per, survivors, new_kills, skipped_by = {}, [], [], {}
    for module in modules:
        ms = cached_mutants(module)
        if not ms:
            continue
        source = (ROOT / module).read_text()
        c = dict.fromkeys(["total", "killed", "suspicious", "timeout", "survived", "skipped", "equivalent",
                           "untested", "killed_by_new_tests"], 0)
        for m in ms:
            c["total"] += 1
            st = m["status"]
            d = _describe(module, m, source) if st in ("survived", "skipped", "untested") else None
            if st == "survived":
                eq = next((i for i, e in enumerate(equivalents) if e["module"] == module
                           and e["original"].strip() == d["original"] and e["mutant"].strip() == d["mutant"]
                           and e.get("line", d["lineno"]) == d["lineno"]), None)
                if eq is None:
                    eq = next((i for i, e in enumerate(equivalents) if e["module"] == module
                               and e["original"].strip() == d["original"] and e["mutant"].strip() == d["mutant"]
                               and i not in used), None)
                if eq is not None:
                    used.add(eq)
                    c["equivalent"] += 1
                    survivors.append({**d, "module": module, "equivalent": equivalents[eq]["reason"]})
                    continue
                survivors.append({**d, "module": module, "equivalent": None})
            if st == "skipped":
                skipped_by[d["skip"] or "other"] = skipped_by.get(d["skip"] or "other", 0) + 1
            c[st] += 1
            if st in DETECTED:
                rec = kills.get((module, _key(m)))
                who = rec and rec.get("killed_by")
                if who and "test_mutants_" in who:
                    c["killed_by_new_tests"] += 1
                    new_kills.append({**_describe(module, m, source), "module": module, "killed_by": who})
        per[module] = c
    stale = [e for i, e in enumerate(equivalents) if i not in used and e["module"] in per]
    return {"per": per, "survivors": survivors, "new_kills": new_kills, "stale": stale, "skipped_by": skipped_by}


def _pct(num: int, den: int) -> str:
    return f"{100 * num / den:.1f}" if den else "n/a"


def _score(c: dict) -> tuple[int, int]:
    det = c["killed"] + c["suspicious"] + c["timeout"]
    return det, c["total"] - c["skipped"] - c["equivalent"]


def _cell(s: str) -> str:
    return "`" + s.replace("|", "\\|").replace("`", "'") + "`"


def write_report(modules: list[str], runs: dict, command: str) -> int:
    import mutmut

    s = summarise(modules)
    sources = {r["imported_from"] for m, r in runs.items() if isinstance(r, dict) and r.get("imported_from")}
    # the score is over modules whose every mutant was tested; a run stopped half-way leaves "untested" mutants,
    # which are neither killed nor survivors: such a module is listed apart, with what was tested of it
    partial = {m: c for m, c in s["per"].items() if c["untested"]}
    per = {m: c for m, c in s["per"].items() if not c["untested"]}
    everything = _all_modules()
    no_mutants = [m for m in everything if m not in s["per"] and not _has_mutants(m)]
    not_run = [m for m in everything if m not in s["per"] and m not in no_mutants]
    tot = {k: sum(c[k] for c in per.values()) for k in next(iter(per.values()), {})} if per else {}
    det, den = _score(tot) if tot else (0, 0)
    score = (100 * det // den) if den else 0
    lines = ["# Mutation testing of theory/ and numerics/", "",
             "Written by `benchmarks/mutation.py` (do not edit by hand; rerun it). Tool: mutmut "
             f"{mutmut.__version__} (pinned in the `dev` extra), hook file `mutmut_config.py`, equivalent mutants "
             "in `benchmarks/mutation-equivalents.toml`.", "",
             f"mutation score: {score} %", "",
             f"(killed + timeout + suspicious) / (mutants - skipped - equivalent) = {det} / {den} over "
             f"{len(per)} modules; a timeout (the mutant makes the tests hang) and a suspicious mutant (killed, but "
             "slowly) count as killed. The percentage is rounded down.", "",
             f"**Coverage: {len(per)} of the {len(everything)} modules of `theory/` and `numerics/` were mutated "
             f"completely; the score is over those only.** {len(partial)} more were stopped part-way (below, not in "
             f"the score) and {len(not_run)} have not been mutated"
             + (": " + ", ".join(f"`{m}`" for m in not_run) if not_run else "")
             + (f"; {len(no_mutants)} {'has' if len(no_mutants) == 1 else 'have'} no code that mutmut mutates ("
                + ", ".join(f"`{m}`" for m in no_mutants) + ")" if no_mutants else "") + ".", "",
             "## Command", "", "To reproduce the whole record (from the repository root):", "", "```",
             "python3 benchmarks/mutation.py --all                      # every module, with its targeted tests",
             "python3 benchmarks/mutation.py --retest-survivors --all   # survivors vs the test_mutants_* files",
             "```", "", f"Last command here: `{command}`."
             + (f" The modules were mutated in {len(sources)} worktrees at once (`{'`, `'.join(sorted(sources))}`), "
                "one module at a time in each, with the same commands per module, and their results assembled "
                "here with `--import-from` (which checks that the module and its test file are those of this "
                "tree): the list of runs below says where each ran." if sources else ""), "",
             "Each module is mutated on its own, with the targeted tests of `mutmut_config.py` (plain-pytest "
             "equivalent below; `-x` stops at the first failing test). The existing tests run before the "
             "`tests/test_mutants_*` file of the module, so a mutant credited to such a test is one the rest of "
             "the suite let survive.", ""]
    lines += ["## Per module", "",
              "| module | mutants | killed | timeout | suspicious | survived | skipped | equivalent | score % "
              "| killed only by new tests | score % before new tests | mutants run | CPU s | survivors re-tested "
              "| CPU s |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for module, c in per.items():
        d, n = _score(c)
        r = runs.get(module, {})
        lines.append(f"| `{module}` | {c['total']} | {c['killed']} | {c['timeout']} | {c['suspicious']} | "
                     f"{c['survived']} | {c['skipped']} | {c['equivalent']} | {_pct(d, n)} | "
                     f"{c['killed_by_new_tests']} | {_pct(d - c['killed_by_new_tests'], n)} | "
                     f"{r.get('mutants', 0) - r.get('reused_from_cache', 0)} | {r.get('cpu_seconds', 'n/a')} | "
                     f"{sum(x['retested'] for x in r.get('retests', []))} | "
                     f"{sum(x['cpu_seconds'] for x in r.get('retests', [])):.1f} |")
    if tot:
        rs = [runs.get(m, {}) for m in per]
        cpu = sum(r.get("cpu_seconds", 0) for r in rs)
        ran = sum(r.get("mutants", 0) - r.get("reused_from_cache", 0) for r in rs)
        re_n = sum(x["retested"] for r in rs for x in r.get("retests", []))
        re_cpu = sum(x["cpu_seconds"] for r in rs for x in r.get("retests", []))
        lines.append(f"| **total** | {tot['total']} | {tot['killed']} | {tot['timeout']} | {tot['suspicious']} | "
                     f"{tot['survived']} | {tot['skipped']} | {tot['equivalent']} | {_pct(det, den)} | "
                     f"{tot['killed_by_new_tests']} | {_pct(det - tot['killed_by_new_tests'], den)} | "
                     f"{ran} | {cpu:.1f} | {re_n} | {re_cpu:.1f} |")
    if partial:
        lines += ["", "Stopped part-way (not in the score): "
                  + "; ".join(f"`{m}`: {c['total'] - c['untested']} of {c['total']} mutants tested, "
                              f"{c['killed'] + c['timeout'] + c['suspicious']} killed, {c['survived']} survived"
                              for m, c in partial.items()) + "."]
    lines += ["", "Per phase:", ""]
    for ph, mods in PHASES.items():
        cs = [per[m] for m in mods if m in per]
        if cs:
            t = {k: sum(c[k] for c in cs) for k in cs[0]}
            d, n = _score(t)
            lines.append(f"- phase {ph}: {len(cs)} of {len(mods)} modules, {d} / {n} = {_pct(d, n)} % "
                         f"(before the new tests: {_pct(d - t['killed_by_new_tests'], n)} %)")
    lines += ["", "CPU s is user + sys of every process started (mutmut, the fork server and its test runs). "
              "*mutants run* is how many the last `mutmut run` of the module ran through its whole targeted "
              "selection (killed mutants cached from an earlier run are not re-run); the mutants that survived it "
              "were then re-tested against the module's `tests/test_mutants_*` file only "
              "(`--retest-survivors`): the rest of the selection had already let them survive. Runs:", ""]
    for module in per:
        r = runs.get(module)
        if r and "date" in r:
            where = f" (in `{r['imported_from']}`)" if r.get("imported_from") else ""
            lines.append(f"- `{module}`{where}: {r['date']}, {r['cpu_seconds']} s CPU, {r['mutants']} mutants "
                         f"({r['reused_from_cache']} killed ones reused from the cache), fork server "
                         f"{'on' if r.get('server') else 'off'}" + "".join(
                             f"; re-test {x['date']}: {x['killed']} of {x['retested']} survivors killed, "
                             f"{x['cpu_seconds']} s CPU" for x in r.get("retests", [])))
    lines += ["", "Skipped mutants (rules in `mutmut_config.py`): " + (", ".join(
        f"{k}: {v}" for k, v in sorted(s["skipped_by"].items())) or "none") + ". A change inside an exception "
              "message only changes text meant for people (the exception type and the condition that raises it "
              "are still mutated); a change inside `__repr__` only changes a debugging aid.", ""]
    lines += ["## Targeted tests", "", "Plain-pytest equivalent of the command each mutant runs "
              "(`python3 benchmarks/mutation.py pytest <module>` runs exactly this selection):", ""]
    for module in per:
        lines.append(f"- `{module}`: `python3 -m pytest {' '.join(mc.test_args(module))}`")
    unexplained = [v for v in s["survivors"] if not v["equivalent"]]
    lines += ["", "## Surviving mutants", ""]
    if unexplained:
        lines += [f"{len(unexplained)} surviving mutants are neither killed nor explained:", "",
                  "| module | line | original | mutant |", "|---|---|---|---|"]
        lines += [f"| `{v['module']}` | {v['lineno']} | {_cell(v['original'])} | {_cell(v['mutant'])} |"
                  for v in unexplained]
    else:
        lines.append("Every surviving mutant is explained as equivalent below.")
    lines += ["", "### Killed by a new test", "",
              "Mutants the existing tests let survive, and the `tests/test_mutants_*` test that kills each:", "",
              "| module | line | original | mutant | killed by |", "|---|---|---|---|---|"]
    lines += [f"| `{v['module']}` | {v['lineno']} | {_cell(v['original'])} | {_cell(v['mutant'])} | "
              f"`{v['killed_by'].split('::', 1)[-1]}` |" for v in s["new_kills"]]
    lines += ["", "### Equivalent", "",
              "No input can tell these from the original (reasons from `benchmarks/mutation-equivalents.toml`):",
              "", "| module | line | original | mutant | reason |", "|---|---|---|---|---|"]
    lines += [f"| `{v['module']}` | {v['lineno']} | {_cell(v['original'])} | {_cell(v['mutant'])} | "
              f"{v['equivalent']} |" for v in s["survivors"] if v["equivalent"]]
    if s["stale"]:
        lines += ["", "Entries of the equivalents file that match no surviving mutant (stale, or now killed):", ""]
        lines += [f"- `{e['module']}` line {e.get('line', '?')}: {_cell(e['original'])} -> {_cell(e['mutant'])}"
                  for e in s["stale"]]
    lines += ["", "## Machine", "", "```", runs.get("_machine", _machine()), "```", ""]
    REPORT.write_text("\n".join(lines))
    print(f"wrote {REPORT.relative_to(ROOT)}: mutation score: {score} % ({det} / {den}); "
          f"{len(unexplained)} unexplained survivors")
    return len(unexplained)


def _has_mutants(module: str) -> bool:
    """Whether mutmut finds anything to mutate in ``module`` (a module of docstrings and imports has nothing)."""
    from mutmut import Context, list_mutations

    return bool(list_mutations(Context(source=(ROOT / module).read_text(), filename=module)))


def _all_modules() -> list[str]:
    return [p.relative_to(ROOT).as_posix() for folder in ("theory", "numerics")
            for p in sorted((ROOT / folder).glob("*.py")) if p.name != "__init__.py"]


def _terminate_as_interrupt() -> None:
    """SIGTERM raises KeyboardInterrupt, so that `kill` cleans up as Ctrl-C does (:func:`run_in_own_group`,
    :class:`_Session` restoring the source)."""
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupt)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["pytest"]:
        p = argparse.ArgumentParser(prog="mutation.py pytest")
        p.add_argument("module")
        p.add_argument("--mutant")
        a = p.parse_args(argv[1:])
        return client(mc.module_path(a.module), a.mutant)
    if argv[:1] == ["serve"]:
        serve(argv[1])
        return 0
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("modules", nargs="*", help="paths such as theory/index_patterns.py")
    p.add_argument("--phase", type=int, choices=sorted(PHASES), action="append")
    p.add_argument("--all", action="store_true", help="every module of theory/ and numerics/")
    p.add_argument("--fresh", action="store_true", help="forget the cached results of these modules first")
    p.add_argument("--no-server", action="store_true", help="run plain pytest per mutant (slower)")
    p.add_argument("--report-only", action="store_true", help="only rewrite benchmarks/mutation.md")
    p.add_argument("--retest-survivors", action="store_true",
                   help="re-test the surviving mutants against the module's tests/test_mutants_* file only")
    p.add_argument("--import-from", metavar="WORKTREE",
                   help="copy these modules' results (all, if none given) from another worktree's record")
    a = p.parse_args(argv)
    os.chdir(ROOT)
    _terminate_as_interrupt()
    modules = [mc.module_path(m) for m in a.modules]
    for ph in a.phase or []:
        modules += PHASES[ph]
    if a.all:
        modules += _all_modules()
    modules = list(dict.fromkeys(modules))
    runs = json.loads(RUNS.read_text()) if RUNS.exists() else {}
    command = "python3 benchmarks/mutation.py " + " ".join(argv)
    if a.import_from:
        import_results(Path(a.import_from), modules)
        runs = json.loads(RUNS.read_text())
        modules = []
        command = runs.get("_last_command", command)
    elif not a.report_only:
        if not modules:
            p.error("give modules, --phase N or --all")
        runs["_machine"] = _machine()
        total = 0.0
        for module in modules:
            if a.fresh:
                forget(module)
            if a.retest_survivors:
                if not (ROOT / mc.mutants_test_file(module)).exists() and len(modules) > 1:
                    print(f"== {module}: no {mc.mutants_test_file(module)}, nothing to re-test", flush=True)
                    continue
                r = retest_survivors(module, not a.no_server)
                runs.setdefault(module, {}).setdefault("retests", []).append(r)
            else:
                r = run_module(module, not a.no_server)
                r["retests"] = []                              # re-tests refer to the run before them
                runs[module] = r
                print(f"   {module}: {r['mutants']} mutants, {r['cpu_seconds']} s CPU", flush=True)
            runs[module]["cpu_total"] = round(runs[module].get("cpu_total", 0) + r["cpu_seconds"], 1)
            total += r["cpu_seconds"]
            RUNS.write_text(json.dumps(runs, indent=1))
        runs["_last_command"] = command
        runs["_last_cpu_seconds"] = round(total, 1)
        RUNS.write_text(json.dumps(runs, indent=1))
        print(f"CPU time of this run: {total:.1f} s (user + sys)")
    else:
        command = runs.get("_last_command", command)
    order = [m for ph in sorted(PHASES) for m in PHASES[ph]] + _all_modules()
    report_modules = [m for m in dict.fromkeys(order + modules) if cached_mutants(m)]
    unexplained = write_report(report_modules, runs, command)
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
