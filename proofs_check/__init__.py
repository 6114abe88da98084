"""Claim registry, checks, verdicts, CLI, reports and LaTeX export.

The public entry points are :func:`ical_verify.proofs_check.registry.all_claims`,
:func:`ical_verify.proofs_check.registry.get_claim` and
:func:`ical_verify.proofs_check.runner.run_claim`.
"""
