"""SymPy derivations, exact expectations on the torus, and closed forms.

This layer depends on SymPy and NumPy only: never on :mod:`ical_verify.numerics` or
:mod:`ical_verify.models`.
"""
