"""The data model of a claim: statement, assumptions, checks and their results.

A *claim* is one numbered statement (lemma, proposition, remark) or one experiment of the paper.
Each claim carries its statement verbatim (LaTeX, as printed), the paper's definition of every symbol it
uses, the assumptions and conventions it relies on, and a list of *checks*. A check is a function of a
:class:`RunContext` that returns a :class:`CheckOutcome`; the runner turns outcomes into
:class:`CheckResult` records and a verdict (:mod:`ical_verify.proofs_check.verdicts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

#: The methods a check may use (the ``method`` field of the JSON schema).
METHODS = ("symbolic", "cubature", "monte-carlo", "trained-model", "property", "ode", "spectral")

#: What a check tests: the statement as printed, or the corrected statement derived by the suite.
TARGETS = ("printed", "corrected")

#: Kinds of claim.
KINDS = ("remark", "lemma", "proposition", "experiment")

#: Run profiles: ``quick`` is the CPU scale used by default and in CI; ``full`` is the paper's scale.
PROFILES = ("quick", "full")


@dataclass(frozen=True)
class DerivedExpression:
    """An expression derived by the suite, kept for LaTeX export and round trips.

    ``latex`` is SymPy's LaTeX rendering; ``srepr`` is ``sympy.srepr`` of the expression, so that
    a reader can rebuild the exact SymPy object (``sympy.parse_expr(srepr)``); ``description`` says what
    the expression is in the paper's terms.
    """

    name: str
    latex: str
    srepr: str
    description: str = ""

    @classmethod
    def from_sympy(cls, name: str, expr: Any, description: str = "") -> "DerivedExpression":
        import sympy

        return cls(name=name, latex=sympy.latex(expr), srepr=sympy.srepr(expr), description=description)

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "latex": self.latex, "srepr": self.srepr, "description": self.description}


@dataclass
class CheckOutcome:
    """What a check function returns.

    ``passed`` is True, False, or None for *inconclusive* (the evidence cannot decide, for example a
    confidence interval that straddles the decision threshold). ``corrected`` is the LaTeX of a corrected
    statement derived by the check (only for checks whose target is ``corrected``). ``figures`` are paths
    of files the check wrote.
    """

    passed: bool | None
    detail: str
    metrics: dict[str, Any] = field(default_factory=dict)
    corrected: str | None = None
    derived: list[DerivedExpression] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)


@dataclass
class RunContext:
    """Everything a check may depend on besides the claim itself.

    ``seed`` fixes every random draw (Monte Carlo, initialisations, hypothesis-free random tests);
    ``profile`` is ``quick`` (CPU scale) or ``full`` (paper scale); ``out_dir`` is where figures go;
    ``progress`` is an optional callback ``progress(description, completed, total)`` for long work.
    """

    seed: int = 0
    profile: str = "quick"
    out_dir: Path = Path("ical-report")
    progress: Callable[[str, int, int], None] | None = None

    def figure_path(self, claim_id: str, name: str) -> Path:
        """Path for a figure of ``claim_id`` (the folder is created)."""
        folder = Path(self.out_dir) / "figures"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{claim_id}-{name}"

    def rng(self, stream: int = 0):
        """A NumPy generator seeded from ``seed`` and a per-check ``stream`` number."""
        import numpy as np

        return np.random.default_rng([self.seed, stream])

    def report(self, description: str, completed: int, total: int) -> None:
        if self.progress is not None:
            self.progress(description, completed, total)


@dataclass(frozen=True)
class Check:
    """One check of a claim: a name, a method (one of :data:`METHODS`), a target, and the function."""

    name: str
    method: str
    target: str
    run: Callable[[RunContext], CheckOutcome]
    description: str = ""

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"check {self.name!r}: method {self.method!r} is not one of {METHODS}")
        if self.target not in TARGETS:
            raise ValueError(f"check {self.name!r}: target {self.target!r} is not one of {TARGETS}")


@dataclass(frozen=True)
class Claim:
    """A numbered statement or an experiment of the paper.

    ``statement`` is the LaTeX exactly as printed; ``definitions`` maps each symbol it uses to the
    paper's own definition (LaTeX); ``source`` locates it (section, equation and proof numbers);
    ``order`` places it in the paper-wide listing.
    """

    id: str
    kind: str
    title: str
    statement: str
    source: str
    order: float
    definitions: Mapping[str, str] = field(default_factory=dict)
    assumptions: Sequence[str] = ()
    conventions: Sequence[str] = ()
    checks: Sequence[Check] = ()
    notes: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"claim {self.id!r}: kind {self.kind!r} is not one of {KINDS}")
        names = [c.name for c in self.checks]
        if len(names) != len(set(names)):
            raise ValueError(f"claim {self.id!r}: duplicate check names {names}")

    @property
    def methods(self) -> list[str]:
        """The distinct methods of its checks, in :data:`METHODS` order."""
        used = {c.method for c in self.checks}
        return [m for m in METHODS if m in used]


@dataclass
class CheckResult:
    """The record of one check after it ran (one element of the JSON ``checks`` list)."""

    name: str
    method: str
    target: str
    passed: bool
    status: str  # "passed", "failed", "inconclusive" or "error"
    detail: str
    metrics: dict[str, Any]
    seconds: float
    derived: list[DerivedExpression] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "method": self.method,
            "target": self.target,
            "passed": self.passed,
            "status": self.status,
            "detail": self.detail,
            "metrics": self.metrics,
            "seconds": round(self.seconds, 4),
            "derived": [d.to_json() for d in self.derived],
        }


@dataclass
class ClaimResult:
    """The result of running every check of a claim: the JSON object of ``ical-verify check``."""

    claim: Claim
    verdict: str
    checks: list[CheckResult]
    corrected: str | None
    figures: list[str]
    seconds: float
    seed: int
    profile: str

    @property
    def crashed(self) -> bool:
        return any(c.status == "error" for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        c = self.claim
        return {
            "claim": c.id,
            "kind": c.kind,
            "title": c.title,
            "verdict": self.verdict,
            "statement": c.statement,
            "corrected": self.corrected,
            "source": c.source,
            "definitions": dict(c.definitions),
            "assumptions": list(c.assumptions),
            "conventions": list(c.conventions),
            "checks": [r.to_json() for r in self.checks],
            "figures": list(self.figures),
            "seconds": round(self.seconds, 4),
            "seed": self.seed,
            "profile": self.profile,
        }
