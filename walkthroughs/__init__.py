"""Teaching walkthroughs: Jupyter notebooks in jupytext percent format (see ``ical-verify walkthrough``).

The ``*.py`` files of this folder are notebooks, not modules: read them with jupytext or
:mod:`ical_verify.proofs_check.walkthrough`; importing one would execute it.
"""
