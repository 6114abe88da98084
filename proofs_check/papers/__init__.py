"""The papers the suite verifies, one package per paper: ``papers/<paper id>/``.

A paper package defines ``PAPER``, a :class:`~ical_verify.proofs_check.paper.Paper`, in its ``__init__.py``,
and one module per claim (each defining ``CLAIM``) beside it. Adding a paper means adding one such folder
(and its tests); the registry finds it. A package installed elsewhere registers its papers through the entry
point group ``ical_verify.papers`` (see ``docs/adding-a-paper.md``).
"""
