"""Controls that show a check can fail (and, for a check the paper's statement fails, that it can pass).

A *negative control* feeds a check a deliberately wrong input (a perturbed formula, a wrong optimum, a
mis-scaled Hessian, a shuffled token order) and asserts that the check fails. A *positive control* feeds a check
that fails on the paper's statement the right input (the corrected formula) and asserts that it passes, so the
failure is not unconditional. Mark each control test with the claim and the checks it controls::

    @negative_control("prop4", "symbolic-printed", "symbolic-corrected")
    def test_prop4_symbolic_checks_fail_on_a_perturbed_formula(monkeypatch): ...

``tests/test_control_coverage.py`` reads these marks (statically, from the source of the test files) and
asserts that every check of every claim has a negative control.
"""

import pytest


def negative_control(claim_id: str, *checks: str):
    """Mark a test as a negative control of ``checks`` of ``claim_id`` (the test asserts they fail)."""
    if not checks:
        raise ValueError("name at least one check")
    return pytest.mark.negative_control(claim_id, *checks)


def positive_control(claim_id: str, *checks: str):
    """Mark a test as a positive control of ``checks`` of ``claim_id`` (the test asserts they pass)."""
    if not checks:
        raise ValueError("name at least one check")
    return pytest.mark.positive_control(claim_id, *checks)
