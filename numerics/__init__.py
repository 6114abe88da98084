"""Samplers, exact numeric evaluation, Monte Carlo, ODEs and spectra (NumPy/SciPy, float64).

This layer never imports :mod:`ical_verify.theory`: its results are an independent check of the
symbolic derivations.
"""
