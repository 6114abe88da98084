"""One module per claim of the paper; each defines ``CLAIM``.

Shared definitions (the paper's own wording) live in :mod:`._common` so that every statement is given
with the definition of each symbol it uses.
"""
