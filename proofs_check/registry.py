"""The claim registry: one module per claim in :mod:`ical_verify.proofs_check.claims`.

Every module in that package defines ``CLAIM``, a :class:`~ical_verify.proofs_check.claim.Claim`. The
registry discovers them, checks that the ids are unique, and orders them by ``Claim.order`` (the order
of the paper: remark1, lemma1, prop1, lemma4, prop2, lemma2, prop3, prop4, prop5, lemma3, prop6, prop7,
remark2, then the experiments fig3 to fig10).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from . import claims as _claims_pkg
from .claim import Claim
from .errors import UsageError

#: The numbered statements of the paper, in the registry's order.
PAPER_STATEMENTS = (
    "remark1", "lemma1", "prop1", "lemma4", "prop2", "lemma2", "prop3",
    "prop4", "prop5", "lemma3", "prop6", "prop7", "remark2",
)


@lru_cache(maxsize=1)
def _load() -> tuple[Claim, ...]:
    found: dict[str, Claim] = {}
    for info in pkgutil.iter_modules(_claims_pkg.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{_claims_pkg.__name__}.{info.name}")
        claim = getattr(module, "CLAIM", None)
        if claim is None:
            continue
        if claim.id in found:
            raise RuntimeError(f"claim id {claim.id!r} is defined twice")
        found[claim.id] = claim
    return tuple(sorted(found.values(), key=lambda c: (c.order, c.id)))


def all_claims() -> tuple[Claim, ...]:
    """Every registered claim, in the paper's order.

    >>> [c.id for c in all_claims()][:3]
    ['remark1', 'lemma1', 'prop1']
    """
    return _load()


def claim_ids() -> list[str]:
    """The ids of every registered claim, in order."""
    return [c.id for c in all_claims()]


def get_claim(claim_id: str) -> Claim:
    """The claim with id ``claim_id``; :class:`UsageError` naming the valid ids otherwise.

    >>> get_claim("prop2").title
    'In-context autoregressive learning with gradient descent'
    """
    for c in all_claims():
        if c.id == claim_id:
            return c
    raise UsageError(f"unknown claim {claim_id!r}: valid ids are {', '.join(claim_ids())}")
