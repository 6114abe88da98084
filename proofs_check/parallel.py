"""Running claims: in this process, in parallel worker processes (the default), or on a Dask cluster.

Every claim runs through one task function, :func:`run_task`, wherever it runs: it builds a
:class:`~ical_verify.proofs_check.claim.RunContext` whose output folder is a private scratch folder, runs the
claim, and returns the result as JSON together with the bytes of every file the checks wrote. The caller
(:func:`run_claims`) rebuilds the results (:mod:`ical_verify.proofs_check.stored`), rewrites the scratch paths
to the real output folder, and writes the files there itself. So:

- results do not depend on where a claim ran: the same seed gives the same JSON (apart from timings) with
  ``--jobs 1``, ``--jobs N`` or ``--dask``;
- a file that cannot be written is an error of the report, never a failed check (the checks write into a
  fresh scratch folder; the report writer reports what it could not write);
- an interrupted run leaves no half-written file in the output folder.

Worker processes are started with the ``spawn`` method (no fork of a process that holds threads), use one
BLAS/OpenMP/PyTorch thread each unless ``threads`` says otherwise (:func:`apply_threads`), and receive the
claims longest first, by the costs recorded in a previous ``results.json`` or :data:`DEFAULT_COSTS`.
"""

from __future__ import annotations

import importlib
import os
import queue as queue_mod
import shutil
import signal
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .claim import ClaimResult
from .errors import UsageError, require

#: Environment variables that size the thread pools of OpenMP, MKL, OpenBLAS, Accelerate and numexpr.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                    "NUMEXPR_NUM_THREADS")

#: ``module:function`` names that each worker process calls once before its first claim (tests use it to
#: install a synthetic registry in the workers; a plugin could use it to register papers).
WORKER_SETUP: list[str] = []

#: Quick-profile seconds per claim measured on the development machine (one process, 2024 claims) (used to start the longest claims
#: first when no earlier results.json records costs); unknown claims count by kind.
DEFAULT_COSTS = {
    "fig5": 43.2, "prop2": 26.1, "fig3": 16.9, "prop6": 15.2, "fig6": 13.7, "prop7": 7.9, "prop5": 5.5,
    "prop4": 5.4, "prop1": 3.6, "remark2": 2.0, "lemma1": 1.0, "prop3": 1.0, "lemma2": 0.7, "remark1": 0.6,
    "lemma4": 0.4, "lemma3": 0.1,
}
KIND_COSTS = {"experiment": 30.0, "proposition": 5.0, "lemma": 2.0, "remark": 2.0}

#: How long to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT = "15s"


def cpu_count() -> int:
    """The cores this process may use (the default of ``--jobs``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def set_thread_environment(threads: int) -> None:
    """Set the thread variables (:data:`THREAD_VARIABLES`) to ``threads``; effective for libraries not yet
    loaded and for every process started afterwards."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)


def apply_threads(threads: int) -> None:
    """Use ``threads`` threads in this process: the environment, PyTorch (if loaded) and, where threadpoolctl is
    installed, the BLAS pools NumPy already started."""
    set_thread_environment(threads)
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(threads)


# the task ---------------------------------------------------------------------------------------------------
_SETUP_DONE: set[str] = set()
_PROGRESS_QUEUE = None


def _run_setup(names: Iterable[str]) -> None:
    for name in names:
        if name in _SETUP_DONE:
            continue
        module, _, func = name.partition(":")
        getattr(importlib.import_module(module), func or "setup")()
        _SETUP_DONE.add(name)


def _collect_files(folder: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def run_task(claim_id: str, seed: int, profile: str, device: str = "cpu", threads: int = 1,
             setup: Sequence[str] = (), proof: bool = True, only: Sequence[str] | None = None,
             scratch_root: str | None = None, progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Run one claim in a fresh scratch folder; return ``{"claim", "result", "files", "scratch", "cpu", "wall",
    "pid"}`` (``result`` is the JSON object, ``files`` the bytes of what the checks wrote, by relative path)."""
    from .registry import get_claim
    from .runner import make_context, run_claim

    _run_setup(setup)
    get_claim(claim_id)  # loads the registry (and the libraries its claims import) before the threads are set
    apply_threads(threads)
    if device == "cuda":  # checked where the claim runs (a Dask worker may have a GPU the client lacks)
        import torch

        require(torch.cuda.is_available(), f"--device cuda is not available on the machine that runs {claim_id} "
                                           f"(torch {torch.__version__}): valid devices there are cpu")
    if progress is None and _PROGRESS_QUEUE is not None:
        q = _PROGRESS_QUEUE

        def progress(desc, done, total):
            try:
                q.put_nowait((claim_id, desc, done, total))
            except Exception:  # progress is best effort
                pass

    scratch = Path(tempfile.mkdtemp(prefix=f"ical-{claim_id}-", dir=scratch_root))
    try:
        ctx = make_context(seed=seed, profile=profile, out_dir=scratch, progress=progress, device=device,
                           threads=threads)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        result = run_claim(claim_id, ctx, only=only, proof=proof)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        return {"claim": claim_id, "result": result.to_json(), "files": _collect_files(scratch),
                "scratch": str(scratch), "cpu": cpu, "wall": wall, "pid": os.getpid()}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _init_worker(progress_queue, threads: int, setup: Sequence[str]) -> None:
    """Initializer of a local worker process: ignore Ctrl-C (the parent stops the workers), set the threads."""
    global _PROGRESS_QUEUE
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _PROGRESS_QUEUE = progress_queue
    apply_threads(threads)
    _run_setup(setup)


# the orchestration -----------------------------------------------------------------------------------------
@dataclass
class RunOutput:
    """Results of :func:`run_claims`, with the files the checks wrote (relative path → bytes)."""

    results: list[ClaimResult]
    files: dict[str, bytes] = field(default_factory=dict)
    cpu_seconds: float = 0.0
    where: str = "in-process"


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`run_claims`: ``completed`` holds the results of the claims that finished."""

    def __init__(self, completed: list[ClaimResult]):
        super().__init__("interrupted")
        self.completed = completed


def recorded_costs(out_dir: str | Path | None, profile: str) -> dict[str, float]:
    """Seconds per claim recorded by an earlier run in ``out_dir`` (same profile), over :data:`DEFAULT_COSTS`."""
    costs = dict(DEFAULT_COSTS) if profile == "quick" else {k: 20 * v for k, v in DEFAULT_COSTS.items()}
    if out_dir is None:
        return costs
    try:
        from .stored import load_json

        for obj in load_json(out_dir):
            if obj.get("profile") == profile and isinstance(obj.get("seconds"), (int, float)):
                costs[obj["claim"]] = float(obj["seconds"])
    except (UsageError, OSError, AttributeError, KeyError, TypeError):
        pass
    return costs


def order_by_cost(ids: Sequence[str], costs: dict[str, float]) -> list[str]:
    """``ids`` longest first (ties in the given order)."""
    from .registry import get_claim

    def cost(claim_id: str) -> float:
        if claim_id in costs:
            return costs[claim_id]
        try:
            return KIND_COSTS.get(get_claim(claim_id).kind, 2.0)
        except UsageError:
            return 2.0

    return sorted(ids, key=lambda c: -cost(c))


def _registry_replaced() -> bool:
    """Whether this process's registry was replaced by a plain function (as tests do with monkeypatch)."""
    from . import registry

    return not all(hasattr(getattr(registry, name), "cache_clear") for name in ("_load", "_papers"))


def _finish(out: dict, out_dir: str | Path | None) -> tuple[ClaimResult, dict[str, bytes]]:
    from .stored import replace_in_strings, result_from_json

    obj = out["result"]
    target = str(Path(out_dir)) if out_dir is not None else "."
    obj = replace_in_strings(obj, out["scratch"], target)
    return result_from_json(obj), out["files"]


ProgressFn = Callable[[str, str, int, int, bool], None]


def run_claims(ids: Sequence[str], *, seed: int = 0, profile: str = "quick", device: str = "cpu",
               threads: int = 1, jobs: int = 1, dask: str | None = None, out_dir: str | Path | None = None,
               progress: ProgressFn | None = None, costs: dict[str, float] | None = None,
               proof: bool = True, setup: Sequence[str] | None = None) -> RunOutput:
    """Run the claims ``ids`` and return their results in the order of ``ids``.

    ``jobs`` worker processes run them (in this process when ``jobs`` is 1 or there is one claim); ``dask`` is
    the address of a Dask scheduler (``tcp://host:port``) to submit them to instead. ``out_dir`` is where the
    returned figure paths point (the caller writes ``files`` there). ``progress(claim_id, description, done,
    total, finished)`` is called in this process. Ctrl-C raises :class:`Interrupted` after stopping the workers.
    """
    ids = list(ids)
    require(isinstance(jobs, int) and jobs >= 1, f"jobs {jobs!r} is out of range: it must be >= 1")
    setup = list(WORKER_SETUP if setup is None else setup)
    if jobs > 1 and not setup and _registry_replaced():
        jobs = 1  # a registry replaced in this process (a test's) cannot reach fresh worker processes
    costs = costs if costs is not None else recorded_costs(out_dir, profile)
    ordered = order_by_cost(ids, costs)
    args = dict(seed=seed, profile=profile, device=device, threads=threads, setup=setup, proof=proof)
    done: dict[str, tuple[ClaimResult, dict[str, bytes], float]] = {}

    def record(out: dict) -> None:
        result, files = _finish(out, out_dir)
        done[out["claim"]] = (result, files, out["cpu"])
        if progress is not None:
            progress(out["claim"], "done", 1, 1, True)

    def output(where: str) -> RunOutput:
        files: dict[str, bytes] = {}
        for claim_id in ids:
            files.update(done[claim_id][1])
        return RunOutput([done[c][0] for c in ids], files, sum(done[c][2] for c in ids), where)

    try:
        if dask is not None:
            _run_dask(dask, ordered, args, costs, record)
            return output(f"dask {dask}")
        if jobs == 1 or len(ids) <= 1:
            for claim_id in ordered:
                def step(desc, d, t, _c=claim_id):
                    if progress is not None:
                        progress(_c, desc, d, t, False)
                record(run_task(claim_id, progress=step, **args))
            return output("in-process")
        _run_pool(min(jobs, len(ids)), ordered, args, record, progress)
        return output(f"{min(jobs, len(ids))} worker processes")
    except KeyboardInterrupt:
        raise Interrupted([done[c][0] for c in ids if c in done]) from None


def _run_pool(jobs: int, ordered: list[str], args: dict, record, progress) -> None:
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    scratch_root = tempfile.mkdtemp(prefix="ical-run-")
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                               initargs=(q, args["threads"], args["setup"]))
    clean = False
    try:
        pending = {pool.submit(run_task, c, scratch_root=scratch_root, **args): c for c in ordered}
        while pending:
            finished, _ = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            _drain(q, progress, set(pending.values()))
            for future in finished:
                pending.pop(future)
                try:
                    record(future.result())
                except BrokenProcessPool:
                    raise RuntimeError("a worker process died (out of memory, or killed); run with --jobs 1 "
                                       "to see the claim that stops it") from None
        clean = True
    finally:
        if not clean:
            _terminate(pool)
        pool.shutdown(wait=True, cancel_futures=True)
        q.close()
        q.join_thread()
        shutil.rmtree(scratch_root, ignore_errors=True)


def _drain(q, progress, running: set[str]) -> None:
    while True:
        try:
            claim_id, desc, d, t = q.get_nowait()
        except (queue_mod.Empty, OSError, ValueError):
            return
        if progress is not None and claim_id in running:
            progress(claim_id, desc, d, t, False)


def _terminate(pool) -> None:
    """Stop the worker processes of ``pool`` now (Ctrl-C, or a failed claim)."""
    stop = getattr(pool, "terminate_workers", None)  # Python >= 3.14
    if stop is not None:
        stop()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()


# Dask ------------------------------------------------------------------------------------------------------
def _dask_client(address: str):
    import re

    require(bool(re.fullmatch(r"(tcp|tls|ucx)://[^\s/:]+:\d{1,5}", address)),
            f"--dask {address!r} is not a scheduler address: give tcp://HOST:PORT (e.g. tcp://10.0.0.5:8786)")
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--dask needs the 'distributed' package: pip install 'ical-verify[dask]'") from None
    quiet_dask_logs()
    try:
        return Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"--dask {address}: no Dask scheduler answers there ({type(exc).__name__}); start one "
                         "with `dask scheduler` and workers with `dask worker tcp://HOST:PORT`") from None


def quiet_dask_logs() -> None:
    """Keep Dask's and Tornado's informational and connection warnings away from the user's terminal."""
    import logging

    for name in ("distributed", "tornado", "asyncio", "bokeh"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _run_dask(address: str, ordered: list[str], args: dict, costs: dict[str, float], record) -> None:
    client = _dask_client(address)
    token = uuid.uuid4().hex[:8]
    futures = []
    try:
        from distributed import as_completed

        for rank, claim_id in enumerate(ordered):
            futures.append(client.submit(run_task, claim_id, key=f"ical-verify-{claim_id}-{token}", pure=False,
                                         priority=len(ordered) - rank, **args))
        for future in as_completed(futures):
            record(future.result())
    except KeyboardInterrupt:
        client.cancel(futures)
        raise
    finally:
        client.close()


__all__ = ["run_claims", "run_task", "RunOutput", "Interrupted", "apply_threads", "set_thread_environment",
           "cpu_count", "recorded_costs", "order_by_cost", "WORKER_SETUP", "THREAD_VARIABLES"]
