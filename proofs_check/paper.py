"""A paper: its id, bibliographic entry, source files, and where its claims live.

In-repository papers are packages under :mod:`ical_verify.proofs_check.papers`; third-party papers are
registered by installed packages through the entry point group :data:`ENTRY_POINT_GROUP`, whose entries
load to a :class:`Paper` (or to a module that defines ``PAPER``).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Sequence

from .claim import Claim

#: The entry point group through which an installed package registers its papers.
ENTRY_POINT_GROUP = "ical_verify.papers"


@dataclass(frozen=True)
class Paper:
    """One paper the suite verifies.

    ``id`` is short and unique (``sander2024``); ``citation`` is the line shown in reports; ``bibtex`` its entry;
    ``sources`` the files (or addresses) of its text that the claims transcribe; ``claims_package`` a package
    whose modules each define ``CLAIM`` (modules whose name starts with ``_`` are skipped), or ``claims`` the
    claims themselves; ``statements`` the ids of its numbered statements in the paper's order; ``order`` places
    the paper in listings.
    """

    id: str
    title: str
    authors: str
    year: int
    citation: str
    bibtex: str = ""
    sources: Sequence[str] = ()
    claims_package: str | None = None
    claims: Sequence[Claim] = ()
    statements: Sequence[str] = ()
    order: float = 100.0
    notes: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id or not self.id.replace("_", "").replace("-", "").isalnum() or ":" in self.id:
            raise ValueError(f"paper id {self.id!r} must be letters, digits, '-' or '_'")
        if self.claims_package is None and not self.claims:
            raise ValueError(f"paper {self.id!r} has neither claims_package nor claims")

    def load_claims(self) -> list[Claim]:
        """Its claims, each stamped with this paper's id, in the paper's order."""
        found: list[Claim] = list(self.claims)
        if self.claims_package is not None:
            pkg = importlib.import_module(self.claims_package)
            for info in pkgutil.iter_modules(pkg.__path__):
                if info.name.startswith("_"):
                    continue
                module = importlib.import_module(f"{self.claims_package}.{info.name}")
                claim = getattr(module, "CLAIM", None)
                if claim is not None:
                    found.append(claim)
        stamped = []
        for claim in found:
            if claim.paper and claim.paper != self.id:
                raise RuntimeError(f"claim {claim.id!r} says it belongs to {claim.paper!r}, not {self.id!r}")
            stamped.append(claim if claim.paper == self.id else _with_paper(claim, self.id))
        return sorted(stamped, key=lambda c: (c.order, c.id))

    def to_json(self) -> dict:
        return {"paper": self.id, "title": self.title, "authors": self.authors, "year": self.year,
                "citation": self.citation, "bibtex": self.bibtex, "sources": list(self.sources),
                "statements": list(self.statements)}


def _with_paper(claim: Claim, paper_id: str) -> Claim:
    import dataclasses

    return dataclasses.replace(claim, paper=paper_id)


def builtin_papers() -> list[Paper]:
    """The papers in :mod:`ical_verify.proofs_check.papers` (each subpackage's ``PAPER``)."""
    from . import papers as pkg

    out = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.ispkg or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        paper = getattr(module, "PAPER", None)
        if paper is not None:
            out.append(paper)
    return out


def plugin_papers() -> list[Paper]:
    """The papers that installed packages register through the entry point group ``ical_verify.papers``."""
    from importlib.metadata import entry_points

    out = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        obj = ep.load()
        paper = obj if isinstance(obj, Paper) else getattr(obj, "PAPER", None)
        if not isinstance(paper, Paper):
            raise RuntimeError(f"entry point {ep.name!r} ({ep.value}) in {ENTRY_POINT_GROUP} does not give a Paper")
        out.append(paper)
    return out
