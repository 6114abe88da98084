"""The claim registry: the papers and their claims.

Papers are found in :mod:`ical_verify.proofs_check.papers` (one package per paper) and through the entry point
group ``ical_verify.papers`` (papers of installed packages). Claim ids are unique across papers, so a claim can
be named by its id alone (``prop4``) or qualified by its paper (``sander2024:prop4``). Claims are listed paper by
paper (in the papers' ``order``), each paper's in its own order (for Sander et al.: remark1, lemma1, prop1, lemma4,
prop2, lemma2, prop3, prop4, prop5, lemma3, prop6, prop7, remark2, then the experiments).
"""

from __future__ import annotations

from functools import lru_cache

from .claim import Claim
from .errors import UsageError
from .paper import Paper, builtin_papers, plugin_papers


@lru_cache(maxsize=1)
def _papers() -> tuple[Paper, ...]:
    found: dict[str, Paper] = {}
    for paper in builtin_papers() + plugin_papers():
        if paper.id in found:
            raise RuntimeError(f"paper id {paper.id!r} is registered twice")
        found[paper.id] = paper
    return tuple(sorted(found.values(), key=lambda p: (p.order, p.year, p.id)))


@lru_cache(maxsize=1)
def _load() -> tuple[Claim, ...]:
    found: dict[str, Claim] = {}
    ordered: list[Claim] = []
    for paper in _papers():
        for claim in paper.load_claims():
            if claim.id in found:
                raise RuntimeError(f"claim id {claim.id!r} is defined twice (papers {found[claim.id].paper!r} "
                                   f"and {claim.paper!r}); claim ids must be unique across papers")
            found[claim.id] = claim
            ordered.append(claim)
    return tuple(ordered)


def all_papers() -> tuple[Paper, ...]:
    """Every registered paper, in order.

    >>> [p.id for p in all_papers()][:1]
    ['sander2024']
    """
    return _papers()


def paper_ids() -> list[str]:
    return [p.id for p in all_papers()]


def get_paper(paper_id: str) -> Paper:
    """The paper with id ``paper_id``; :class:`UsageError` naming the valid ids otherwise."""
    for p in all_papers():
        if p.id == paper_id:
            return p
    raise UsageError(f"unknown paper {paper_id!r}: valid papers are {', '.join(paper_ids())}")


def all_claims(paper: str | None = None) -> tuple[Claim, ...]:
    """Every registered claim (of one paper if ``paper`` is given), in order.

    >>> [c.id for c in all_claims()][:3]
    ['remark1', 'lemma1', 'prop1']
    """
    claims = _load()
    if paper is None:
        return claims
    get_paper(paper)
    return tuple(c for c in claims if c.paper == paper)


def claim_ids(paper: str | None = None) -> list[str]:
    """The ids of every registered claim (of one paper), in order."""
    return [c.id for c in all_claims(paper)]


def get_claim(claim_id: str) -> Claim:
    """The claim with id ``claim_id`` (or ``paper:id``); :class:`UsageError` naming the valid ids otherwise.

    >>> get_claim("prop2").title
    'In-context autoregressive learning with gradient descent'
    >>> get_claim("sander2024:prop2").id
    'prop2'
    """
    paper, sep, bare = claim_id.rpartition(":")
    for c in _load():
        if c.id == bare and (not sep or c.paper == paper):
            return c
    raise UsageError(f"unknown claim {claim_id!r}: valid ids are {', '.join(claim_ids())}")


def resolve_ids(names, paper: str | None = None) -> list[str]:
    """Validate claim names (bare or qualified) and return their bare ids, in the order given, without repeats."""
    out = []
    for name in names:
        c = get_claim(name)
        if paper is not None and c.paper != paper:
            raise UsageError(f"claim {name!r} belongs to paper {c.paper!r}, not {paper!r}")
        if c.id not in out:
            out.append(c.id)
    return out


def _reset() -> None:
    """Forget the loaded papers and claims (tests that install plugins call this)."""
    _papers.cache_clear()
    _load.cache_clear()
