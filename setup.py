"""Package layout: the root folders become subpackages of the ``ical_verify`` namespace.

``theory/`` → ``ical_verify.theory``, ``numerics/`` → ``ical_verify.numerics``, ``models/`` → ``ical_verify.models``,
``proofs_check/`` → ``ical_verify.proofs_check`` (with one subpackage per paper under ``proofs_check/papers/``),
``walkthroughs/`` → ``ical_verify.walkthroughs``. Subpackages (any folder with an ``__init__.py``) are found
here, so that adding a paper's folder needs no change to this file or to ``pyproject.toml``. Everything else is
declared in ``pyproject.toml``.
"""

from pathlib import Path

from setuptools import setup

ROOTS = ("theory", "numerics", "models", "proofs_check", "walkthroughs")
HERE = Path(__file__).parent


def _layout():
    package_dir, packages = {}, []
    for root in ROOTS:
        for init in sorted((HERE / root).rglob("__init__.py")):
            folder = init.parent.relative_to(HERE)
            name = "ical_verify." + ".".join(folder.parts)
            package_dir[name] = folder.as_posix()
            packages.append(name)
    return package_dir, packages


package_dir, packages = _layout()
setup(package_dir=package_dir, packages=packages)
