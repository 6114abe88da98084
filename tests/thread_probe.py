"""A synthetic paper whose checks record the threads and device they run with (tests of --threads/--device)."""

import os

from ical_verify.proofs_check import registry
from ical_verify.proofs_check.claim import Check, CheckOutcome, Claim
from ical_verify.proofs_check.paper import Paper

SETUP = "thread_probe:install"


def _probe(ctx):
    import torch

    return CheckOutcome(True, "recorded", {
        "omp": os.environ.get("OMP_NUM_THREADS"), "mkl": os.environ.get("MKL_NUM_THREADS"),
        "openblas": os.environ.get("OPENBLAS_NUM_THREADS"), "torch_threads": torch.get_num_threads(),
        "ctx_threads": ctx.threads, "device": ctx.device, "torch_device": str(ctx.torch_device()),
        "torch_log": os.environ.get("TORCH_CPP_LOG_LEVEL"), "pid": os.getpid()})


CLAIMS = tuple(Claim(f"probe{k}", "lemma", "records its threads", "s", "src", k,
                     checks=(Check("probe", "property", "printed", _probe),)) for k in (1, 2))
PAPER = Paper("probe2026", "Thread probes", "T. Probe", 2026, "Probe, Thread probes (2026)", claims=CLAIMS)


def install() -> None:
    registry._papers = lambda: (PAPER,)
    registry._load.cache_clear()
