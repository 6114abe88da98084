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
KINDS = ("remark", "lemma", "proposition", "definition", "experiment")

#: Run profiles: ``quick`` is the CPU scale used by default and in CI; ``full`` is the paper's scale.
PROFILES = ("quick", "full")

#: How grave an erratum is, most severe first (the ``severity`` field of an erratum):
#: ``substantive`` the mathematical content is false (a wrong formula, a wrong optimum); ``constant`` a factor or
#: a normalisation (a matrix called the Hessian that is half of it); ``convention`` true only under a convention
#: the text does not state or contradicts elsewhere; ``typo`` a printed slip that the surrounding derivation does
#: not use; ``wording`` the words say more (or other) than the mathematics shown.
SEVERITIES = ("substantive", "constant", "convention", "typo", "wording")

#: The status of a step of a proof (:class:`ProofStep`): ``follows``; ``follows-with-correction`` (a printed slip
#: that the next steps do not inherit; the correction is shown); ``gap`` (true, but the justification given does
#: not establish it); ``fails`` (false, and later steps rely on it); ``not-checked`` (with the reason).
STEP_STATUSES = ("follows", "follows-with-correction", "gap", "fails", "not-checked")

#: Devices a trained-model check may run on (``--device``); ``cuda`` only when asked for and available.
DEVICES = ("cpu", "cuda")


def most_severe(severities) -> str | None:
    """The most severe of ``severities`` (None if there is none).

    >>> most_severe(["typo", "constant", None])
    'constant'
    """
    found = [s for s in severities if s]
    return min(found, key=SEVERITIES.index) if found else None


def first_line(text: str, limit: int = 200) -> str:
    """The first sentence of ``text`` on one line, at most ``limit`` characters (a default one-line summary).

    >>> first_line("The residual is zero. Checked for d <= 3.")
    'The residual is zero.'
    """
    flat = " ".join(str(text).split())
    cut = len(flat)
    for stop in (". ", "; "):
        k = flat.find(stop)
        if 0 < k < cut:
            cut = k + 1
    line = flat[:cut].rstrip(";")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


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

    ``summary`` is the check's finding in one line with its numbers (the claim's one-line ``finding`` is built
    from these; default: the first sentence of ``detail``). ``severity`` overrides the check's declared severity
    for this outcome (what a failure means, one of :data:`SEVERITIES`). ``scope`` says for which sizes the check
    establishes its statement, e.g. ``"all d >= 1, all T >= 2"`` (certified by an argument the code carries
    out) or ``"d <= 3, T <= 6"`` (a grid).
    """

    passed: bool | None
    detail: str
    metrics: dict[str, Any] = field(default_factory=dict)
    corrected: str | None = None
    derived: list[DerivedExpression] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    summary: str | None = None
    severity: str | None = None
    scope: str | None = None

    def __post_init__(self) -> None:
        if self.passed not in (True, False, None):
            # numpy booleans are accepted, anything else is a programming error in the check
            if type(self.passed).__name__ == "bool_":
                self.passed = bool(self.passed)
            else:
                raise TypeError(f"CheckOutcome.passed must be True, False or None, not {self.passed!r}")
        if self.severity is not None and self.severity not in SEVERITIES:
            raise ValueError(f"severity {self.severity!r} is not one of {SEVERITIES}")


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
    device: str = "cpu"
    threads: int = 1

    @property
    def quick(self) -> bool:
        return self.profile == "quick"

    def starts(self, quick: int, full: int) -> int:
        """How many independent random starts an experiment runs: ``quick`` or ``full`` by profile."""
        return quick if self.quick else full

    def torch_device(self):
        """The ``torch.device`` trained-model checks use (``cpu`` unless ``--device cuda`` was asked for)."""
        import torch

        return torch.device(self.device)

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
    """One check of a claim: a name, a method (one of :data:`METHODS`), a target, and the function.

    ``severity`` says what a failure of this check of the printed statement means (one of
    :data:`SEVERITIES`); an outcome may override it.
    """

    name: str
    method: str
    target: str
    run: Callable[[RunContext], CheckOutcome]
    description: str = ""
    severity: str = "substantive"

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"check {self.name!r}: method {self.method!r} is not one of {METHODS}")
        if self.target not in TARGETS:
            raise ValueError(f"check {self.name!r}: target {self.target!r} is not one of {TARGETS}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"check {self.name!r}: severity {self.severity!r} is not one of {SEVERITIES}")


@dataclass
class ArtefactOutcome:
    """What an artefact function returns: figures and derivations that illustrate a claim but do not vote."""

    detail: str
    figures: list[str] = field(default_factory=list)
    derived: list[DerivedExpression] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Artefact:
    """A figure or a derivation of a claim that is not a check: it has no pass criterion and no vote."""

    name: str
    run: Callable[[RunContext], ArtefactOutcome]
    description: str = ""


@dataclass(frozen=True)
class Reading:
    """One reasonable reading of a statement (or of a sub-claim) and the checks that decide it.

    ``checks`` names the checks specific to this reading; checks named by no reading are common to all. Its
    verdict is decided on the common checks plus its own. ``adopted`` marks the reading a fair referee adopts
    (exactly one per statement): its verdict is the statement's. ``why`` says why it is (or is not) adopted:
    the qualifiers and the context that decide it.
    """

    id: str
    text: str
    checks: tuple[str, ...] = ()
    adopted: bool = False
    why: str = ""


@dataclass(frozen=True)
class SubClaim:
    """One sentence about an experiment (or one part of a statement), with its own checks and verdict.

    ``text`` is the sentence as printed, ``source`` where (§6, a caption, Appendix B). A claim with sub-claims
    gets the worst of their verdicts (refuted, erratum, inconclusive, verified; not-run ones are left out unless
    every sub-claim is not-run).
    """

    id: str
    text: str
    checks: tuple[str, ...]
    source: str = ""
    readings: tuple[Reading, ...] = ()


@dataclass
class StepOutcome:
    """What the checker of a proof step returns: a status (one of :data:`STEP_STATUSES`) and its evidence."""

    status: str
    detail: str
    correction: str | None = None
    severity: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    derived: list[DerivedExpression] = field(default_factory=list)
    scope: str | None = None

    def __post_init__(self) -> None:
        if self.scope is None and isinstance(self.metrics.get("scope"), str):
            self.scope = self.metrics["scope"]
        if self.status not in STEP_STATUSES:
            raise ValueError(f"step status {self.status!r} is not one of {STEP_STATUSES}")
        if self.severity is not None and self.severity not in SEVERITIES:
            raise ValueError(f"severity {self.severity!r} is not one of {SEVERITIES}")


@dataclass(frozen=True)
class ProofStep:
    """One displayed equation (or inline equality or inequality that carries the argument) of a proof.

    ``latex`` is the step exactly as printed; ``equation`` its number in the paper where it has one
    (``"(10)"``); ``meaning`` the meaning of its symbols at that point; ``claims_from`` what it says it follows
    from (earlier step ids, a named lemma, an assumption); ``method`` how the suite checks it (e.g. ``symbolic``,
    ``exact numeric at random rational points``, ``sign argument``); ``check`` returns its :class:`StepOutcome`
    (None: not checked, with ``reason``).
    """

    id: str
    latex: str
    equation: str = ""
    meaning: str = ""
    claims_from: tuple[str, ...] = ()
    method: str = ""
    check: Callable[[RunContext], StepOutcome] | None = None
    reason: str = ""


@dataclass(frozen=True)
class Proof:
    """The proof of a claim in the paper, step by step (``source`` is e.g. ``"Appendix A.6"``)."""

    source: str
    steps: tuple[ProofStep, ...]

    def __post_init__(self) -> None:
        ids = [s.id for s in self.steps]
        if len(ids) != len(set(ids)):
            raise ValueError(f"proof {self.source!r}: duplicate step ids {ids}")


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
    readings: Sequence[Reading] = ()
    subclaims: Sequence[SubClaim] = ()
    artefacts: Sequence[Artefact] = ()
    proof: Proof | None = None
    erratum_step: str = ""
    finding: Callable[["ClaimResult"], str] | None = None
    paper: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"claim {self.id!r}: kind {self.kind!r} is not one of {KINDS}")
        names = [c.name for c in self.checks]
        if len(names) != len(set(names)):
            raise ValueError(f"claim {self.id!r}: duplicate check names {names}")
        known = set(names)
        _validate_readings(self.id, self.readings, known)
        in_sub: list[str] = []
        for sub in self.subclaims:
            unknown = set(sub.checks) - known
            if unknown:
                raise ValueError(f"claim {self.id!r}: sub-claim {sub.id!r} names unknown checks {sorted(unknown)}")
            _validate_readings(f"{self.id}/{sub.id}", sub.readings, set(sub.checks))
            in_sub += sub.checks
        if self.subclaims:
            left = known - set(in_sub)
            if left:
                raise ValueError(f"claim {self.id!r}: checks {sorted(left)} belong to no sub-claim")
            if self.readings:
                raise ValueError(f"claim {self.id!r}: give readings per sub-claim, not at the claim level")
        if len({a.name for a in self.artefacts} | known) != len(self.artefacts) + len(known):
            raise ValueError(f"claim {self.id!r}: artefact names must differ from each other and from check names")
        if self.erratum_step and (self.proof is None or self.erratum_step not in {s.id for s in self.proof.steps}):
            raise ValueError(f"claim {self.id!r}: erratum_step {self.erratum_step!r} is not a step of its proof")

    @property
    def qualified_id(self) -> str:
        """``paper:id`` (the id alone for a claim that belongs to no paper)."""
        return f"{self.paper}:{self.id}" if self.paper else self.id

    @property
    def methods(self) -> list[str]:
        """The distinct methods of its checks, in :data:`METHODS` order."""
        used = {c.method for c in self.checks}
        return [m for m in METHODS if m in used]


def _validate_readings(owner: str, readings: Sequence[Reading], known: set[str]) -> None:
    if not readings:
        return
    ids = [r.id for r in readings]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{owner}: duplicate reading ids {ids}")
    if sum(r.adopted for r in readings) != 1:
        raise ValueError(f"{owner}: exactly one reading must be adopted (found {sum(r.adopted for r in readings)})")
    for r in readings:
        unknown = set(r.checks) - known
        if unknown:
            raise ValueError(f"{owner}: reading {r.id!r} names unknown checks {sorted(unknown)}")


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
    summary: str = ""
    severity: str | None = None
    scope: str | None = None
    figures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.summary:
            self.summary = first_line(self.detail)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "method": self.method,
            "target": self.target,
            "passed": self.passed,
            "status": self.status,
            "summary": self.summary,
            "severity": self.severity,
            "scope": self.scope,
            "detail": self.detail,
            "metrics": self.metrics,
            "seconds": round(self.seconds, 4),
            "derived": [d.to_json() for d in self.derived],
            "figures": list(self.figures),
        }


@dataclass
class ReadingResult:
    """The verdict of one reading (``readings`` in the JSON)."""

    reading: Reading
    verdict: str
    severity: str | None
    evidence: list[str]
    corrected: str | None = None

    def to_json(self) -> dict[str, Any]:
        r = self.reading
        return {"reading": r.id, "text": r.text, "adopted": r.adopted, "why": r.why, "verdict": self.verdict,
                "severity": self.severity, "evidence": list(self.evidence), "corrected": self.corrected}


@dataclass
class SubClaimResult:
    """The verdict of one sub-claim (``subclaims`` in the JSON)."""

    subclaim: SubClaim
    verdict: str
    severity: str | None
    finding: str
    readings: list[ReadingResult] = field(default_factory=list)
    corrected: str | None = None

    def to_json(self) -> dict[str, Any]:
        s = self.subclaim
        return {"id": s.id, "text": s.text, "source": s.source, "checks": list(s.checks), "verdict": self.verdict,
                "severity": self.severity, "finding": self.finding, "corrected": self.corrected,
                "readings": [r.to_json() for r in self.readings]}


@dataclass
class ArtefactResult:
    """An artefact after it ran (``artefacts`` in the JSON); ``error`` holds the message if it crashed."""

    name: str
    detail: str
    figures: list[str] = field(default_factory=list)
    derived: list[DerivedExpression] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "detail": self.detail, "figures": list(self.figures),
                "derived": [d.to_json() for d in self.derived], "metrics": self.metrics,
                "seconds": round(self.seconds, 4), "error": self.error}


@dataclass
class StepResult:
    """A proof step after its checker ran (one element of ``proof.steps`` in the JSON)."""

    step: ProofStep
    status: str
    detail: str
    correction: str | None = None
    severity: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    derived: list[DerivedExpression] = field(default_factory=list)
    seconds: float = 0.0
    scope: str | None = None

    def to_json(self) -> dict[str, Any]:
        s = self.step
        return {"id": s.id, "equation": s.equation, "latex": s.latex, "meaning": s.meaning,
                "claims_from": list(s.claims_from), "method": s.method, "status": self.status,
                "detail": self.detail, "correction": self.correction, "severity": self.severity,
                "scope": self.scope, "metrics": self.metrics, "derived": [d.to_json() for d in self.derived],
                "seconds": round(self.seconds, 4)}


@dataclass
class ProofResult:
    """The proof of a claim with the status of each step (``proof`` in the JSON)."""

    source: str
    steps: list[StepResult]

    def counts(self) -> dict[str, int]:
        return {status: sum(s.status == status for s in self.steps) for status in STEP_STATUSES}

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "counts": self.counts(), "steps": [s.to_json() for s in self.steps]}


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
    severity: str | None = None
    finding: str = ""
    readings: list[ReadingResult] = field(default_factory=list)
    subclaims: list[SubClaimResult] = field(default_factory=list)
    artefacts: list[ArtefactResult] = field(default_factory=list)
    proof: ProofResult | None = None
    scope: str | None = None
    erratum_step: str | None = None
    partial: list[str] = field(default_factory=list)

    @property
    def crashed(self) -> bool:
        return (any(c.status == "error" for c in self.checks)
                or any(a.error is not None for a in self.artefacts))

    def to_json(self) -> dict[str, Any]:
        c = self.claim
        return {
            "claim": c.id,
            "paper": c.paper,
            "kind": c.kind,
            "title": c.title,
            "verdict": self.verdict,
            "severity": self.severity,
            "finding": self.finding,
            "scope": self.scope,
            "statement": c.statement,
            "corrected": self.corrected,
            "erratum_step": self.erratum_step,
            "source": c.source,
            "definitions": dict(c.definitions),
            "assumptions": list(c.assumptions),
            "conventions": list(c.conventions),
            "notes": c.notes,
            "readings": [r.to_json() for r in self.readings],
            "subclaims": [s.to_json() for s in self.subclaims],
            "checks": [r.to_json() for r in self.checks],
            "artefacts": [a.to_json() for a in self.artefacts],
            "proof": self.proof.to_json() if self.proof is not None else None,
            "figures": list(self.figures),
            "seconds": round(self.seconds, 4),
            "seed": self.seed,
            "profile": self.profile,
            "skipped_checks": list(self.partial),
        }
