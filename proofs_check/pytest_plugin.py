"""pytest plugin: ``pytest --claims`` turns every claim into a test item.

Registered through the ``pytest11`` entry point, so it is active wherever ical-verify is installed. Items are
grouped by paper, with readable node ids (``claims/sander2024/prop4``). The verdict decides the outcome:
verified passes; erratum is an expected failure whose reason shows the severity, the finding and the corrected
statement; refuted and inconclusive fail; not-run is skipped. A crashed check fails. Each item records its
verdict, severity and finding in ``user_properties`` (so JUnit XML and pytest-xdist carry them).

Options: ``--claims`` (every claim) or ``--claims=ID,ID`` (some), ``--claims-seed N``,
``--claims-profile quick|full`` and ``--claims-out DIR``; an unknown id, profile or a negative seed is a usage
error (exit status 4). With ``--claims`` only claim items are collected. Works under pytest-xdist (``-n 2``):
each claim is one item, and its result does not depend on the worker that runs it.
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
        self.user_properties += [("claim", result.claim.qualified_id), ("verdict", result.verdict),
                                 ("severity", result.severity or ""), ("finding", result.finding)]
        if result.crashed:
            raise ClaimFailure(_describe(result))
        if result.verdict == "verified":
            return
        if result.verdict == "erratum":
            pytest.xfail(f"erratum ({result.severity or 'substantive'}): {result.finding}; "
                         f"corrected: {result.corrected}")
        if result.verdict == "not-run":
            pytest.skip(f"{self.claim_id}: no checks yet (not-run)")
        raise ClaimFailure(_describe(result))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ClaimFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"claim {self.nodeid}"


def _describe(result) -> str:
    lines = [f"{result.claim.qualified_id}: verdict {result.verdict}" + (f" — {result.finding}" if result.finding
                                                                         else "")]
    for c in result.checks:
        lines.append(f"  [{c.status}] {c.name} ({c.method}, {c.target}): {c.detail}")
    return "\n".join(lines)


class PaperCollector(pytest.Collector):
    """The claims of one paper (node id ``claims/<paper>``)."""

    def __init__(self, *, ids, **kwargs):
        super().__init__(**kwargs)
        self.ids = ids

    def collect(self):
        for claim_id in self.ids:
            yield ClaimItem.from_parent(self, name=claim_id, claim_id=claim_id,
                                        nodeid=f"{self.nodeid}/{claim_id}")


class ClaimRegistry(pytest.Collector):
    """The collector whose children are the papers of the selected claims."""

    def __init__(self, *, ids, **kwargs):
        super().__init__(**kwargs)
        self.ids = ids

    def collect(self):
        from .registry import get_claim

        by_paper: dict[str, list[str]] = {}
        for claim_id in self.ids:
            by_paper.setdefault(get_claim(claim_id).paper or "other", []).append(claim_id)
        for paper, ids in by_paper.items():
            yield PaperCollector.from_parent(self, name=paper, ids=ids, nodeid=f"claims/{paper}")


def _validate(config) -> list[str]:
    from .claim import PROFILES
    from .errors import UsageError
    from .registry import claim_ids, resolve_ids

    wanted = config.getoption("claims")
    profile = config.getoption("claims_profile")
    seed = config.getoption("claims_seed")
    if profile not in PROFILES:
        raise pytest.UsageError(f"--claims-profile: unknown profile {profile!r}: valid profiles are "
                                f"{', '.join(PROFILES)}")
    if seed < 0:
        raise pytest.UsageError(f"--claims-seed: seed = {seed} is out of range: it must be an integer >= 0")
    if wanted == "all":
        return claim_ids()
    try:
        return resolve_ids([s.strip() for s in wanted.split(",") if s.strip()])
    except UsageError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_collection_modifyitems(session, config, items):
    if config.getoption("claims") is None:
        return
    ids = _validate(config)
    registry = ClaimRegistry.from_parent(session, name="claims", ids=ids, nodeid="claims")
    items[:] = [item for paper in registry.collect() for item in paper.collect()]
    config.hook.pytest_deselected(items=[])
