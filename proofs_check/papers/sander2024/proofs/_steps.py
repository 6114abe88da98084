"""Shared machinery of the proof-step checkers.

A step checker is a :class:`StepCheck`: a function ``fn(ctx, printed, correction) -> StepOutcome`` bound to
the suite's transcription of the step (``printed``: the formula, exponents, conditions ... that the checker
compares with the model and with the previous steps) and, where the step has a printed slip, the corrected
form (``correction``). Tests feed a checker a wrong transcription with :meth:`StepCheck.with_inputs` and see it
flagged.

:func:`judge` turns the findings of a checker into a status:

- the step is true and its justification establishes it: ``follows``;
- true, but the justification given does not establish it: ``gap`` (``missing`` says what is missing);
- false as printed, its corrected form is true, and the next steps do not inherit the slip:
  ``follows-with-correction``;
- false as printed and later steps rely on it (or no correction holds): ``fails``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

import sympy

from ....claim import DerivedExpression, ProofStep, StepOutcome

_KEEP = object()


@dataclass(frozen=True)
class StepCheck:
    """A checker bound to its inputs (see the module)."""

    fn: Callable[..., StepOutcome]
    printed: Any = None
    correction: Any = None

    def __call__(self, ctx) -> StepOutcome:
        return self.fn(ctx, self.printed, self.correction)

    def with_inputs(self, printed=_KEEP, correction=_KEEP) -> "StepCheck":
        """The same checker with another transcription (and/or correction): for negative controls."""
        out = self
        if printed is not _KEEP:
            out = replace(out, printed=printed)
        if correction is not _KEEP:
            out = replace(out, correction=correction)
        return out


def judge(holds: bool, detail: str, *, justified: bool = True, missing: str = "", corrected_holds: bool = False,
          inherited: bool = False, correction: str | None = None, severity: str | None = None,
          metrics: dict | None = None, derived=None) -> StepOutcome:
    """A :class:`StepOutcome` from what a checker found (see the module for the rules)."""
    metrics = dict(metrics or {})
    derived = list(derived or [])
    if holds:
        if justified:
            return StepOutcome("follows", detail, metrics=metrics, derived=derived)
        return StepOutcome("gap", f"{detail} Missing: {missing}".strip(), correction=correction, severity=severity,
                           metrics=metrics, derived=derived)
    if corrected_holds and not inherited:
        return StepOutcome("follows-with-correction", detail, correction=correction, severity=severity or "typo",
                           metrics=metrics, derived=derived)
    return StepOutcome("fails", detail, correction=correction,
                       severity=severity or "substantive", metrics=metrics, derived=derived)


def is_zero(expr) -> bool:
    """Exact zero test of a SymPy expression (expand, then simplify if needed)."""
    e = sympy.expand(expr)
    if e == 0:
        return True
    return sympy.simplify(e) == 0


def laurent_diff_count(lhs, rhs) -> int:
    """Number of monomials where two vectors of Laurent polynomials differ (0 iff equal)."""
    bad = 0
    for f, g in zip(lhs, rhs):
        bad += sum(1 for c in (f - g).terms.values() if sympy.expand(c) != 0)
    if len(lhs) != len(rhs):
        bad += abs(len(lhs) - len(rhs))
    return bad


def matrix_zero(M) -> bool:
    """Whether every entry of a SymPy matrix expands to zero."""
    return all(is_zero(x) for x in sympy.Matrix(M))


def derived(name: str, expr, description: str = "") -> DerivedExpression:
    return DerivedExpression.from_sympy(name, expr, description)


def step(id: str, latex: str, *, equation: str = "", meaning: str = "", claims_from=(), method: str = "",
         check=None, reason: str = "") -> ProofStep:
    """A :class:`ProofStep` (keyword arguments, claims_from as a tuple)."""
    return ProofStep(id=id, latex=latex, equation=equation, meaning=meaning, claims_from=tuple(claims_from),
                     method=method, check=check, reason=reason)


def symbolic_vectors(d: int, T: int, complex_: bool = True, first: int = 0, prefix: str = "s"):
    """Generic symbolic vectors s_first..s_T in C^d (or R^d): entries x + i y with real symbols."""
    out = []
    for t in range(first, T + 1):
        entries = []
        for i in range(d):
            x = sympy.Symbol(f"x{t}_{i}", real=True)
            entries.append(x + sympy.I * sympy.Symbol(f"y{t}_{i}", real=True) if complex_ else x)
        out.append(sympy.Matrix(entries))
    return out


__all__ = ["StepCheck", "judge", "is_zero", "laurent_diff_count", "matrix_zero", "derived", "step",
           "symbolic_vectors"]
