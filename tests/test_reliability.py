"""Verdicts do not depend on the seed: every claim, quick profile, five seeds, one verdict.

Marked slow (about five quick runs of every claim). ``python3 benchmarks/bench_seeds.py`` records the same over
20 seeds in ``benchmarks/seeds.md``.
"""

import pytest

from ical_verify.proofs_check.registry import claim_ids
from ical_verify.proofs_check.runner import make_context, run_claim

SEEDS = (0, 1, 2, 3, 4)


@pytest.mark.slow
@pytest.mark.parametrize("claim_id", claim_ids())
def test_verdict_is_the_same_for_five_seeds(claim_id, tmp_path):
    verdicts = {}
    for seed in SEEDS:
        r = run_claim(claim_id, make_context(seed=seed, out_dir=tmp_path / f"seed{seed}"))
        verdicts[seed] = (r.verdict, r.severity)
    assert len(set(verdicts.values())) == 1, f"{claim_id}: verdict depends on the seed: {verdicts}"
