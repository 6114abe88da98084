"""pytest plugin: ``pytest --claims`` turns every claim into a test item.

Registered through the ``pytest11`` entry point, so it is active wherever ical-verify is installed. The
verdict decides the outcome: verified passes; erratum is an expected failure whose reason shows the
corrected statement; refuted and inconclusive fail; not-run is skipped. A crashed check fails.

Options: ``--claims`` (every claim) or ``--claims=ID,ID`` (some), ``--claims-seed N`` and
``--claims-profile quick|full``. With ``--claims`` only claim items are collected.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("ical-verify", "claim verification runs")
    group.addoption("--claims", action="store", nargs="?", const="all", default=None, metavar="IDS",
                    help="collect the claims of the registry as test items (all, or a comma-separated list of ids)")
    group.addoption("--claims-seed", action="store", type=int, default=0, help="seed for the claim checks")
    group.addoption("--claims-profile", action="store", default="quick", help="quick (default) or full")
    group.addoption("--claims-out", action="store", default="ical-report",
                    help="folder where claim checks write their figures")


class ClaimFailure(Exception):
    """A claim whose verdict is refuted or inconclusive, or whose check crashed."""


class ClaimItem(pytest.Item):
    """One claim of the registry, run as a test."""

    def __init__(self, *, claim_id: str, **kwargs):
        super().__init__(**kwargs)
        self.claim_id = claim_id
        self.result = None

    def runtest(self):
        from .runner import make_context, run_claim

        opts = self.config.option
        ctx = make_context(seed=opts.claims_seed, profile=opts.claims_profile, out_dir=opts.claims_out)
        self.result = result = run_claim(self.claim_id, ctx)
        if result.crashed:
            raise ClaimFailure(_describe(result))
        if result.verdict == "verified":
            return
        if result.verdict == "erratum":
            pytest.xfail(f"erratum: printed statement fails; corrected: {result.corrected}")
        if result.verdict == "not-run":
            pytest.skip(f"{self.claim_id}: no checks yet (not-run)")
        raise ClaimFailure(_describe(result))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ClaimFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"claim {self.claim_id}"


def _describe(result) -> str:
    lines = [f"{result.claim.id}: verdict {result.verdict}"]
    for c in result.checks:
        lines.append(f"  [{c.status}] {c.name} ({c.method}, {c.target}): {c.detail}")
    return "\n".join(lines)


class ClaimRegistry(pytest.Collector):
    """The collector whose children are the selected claims."""

    def __init__(self, *, ids, **kwargs):
        super().__init__(**kwargs)
        self.ids = ids

    def collect(self):
        for claim_id in self.ids:
            yield ClaimItem.from_parent(self, name=claim_id, claim_id=claim_id)


def pytest_collection_modifyitems(session, config, items):
    wanted = config.getoption("claims")
    if wanted is None:
        return
    from .errors import UsageError
    from .registry import claim_ids, get_claim

    if wanted == "all":
        ids = claim_ids()
    else:
        ids = [s.strip() for s in wanted.split(",") if s.strip()]
        try:
            for claim_id in ids:
                get_claim(claim_id)
        except UsageError as exc:
            raise pytest.UsageError(str(exc)) from None
    registry = ClaimRegistry.from_parent(session, name="claims", ids=ids)
    items[:] = list(registry.collect())
    config.hook.pytest_deselected(items=[])
