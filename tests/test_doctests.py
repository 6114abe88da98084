"""Every docstring example of the installed package runs and gives what it shows."""

import doctest
import importlib
import pkgutil

import pytest

import ical_verify.models
import ical_verify.numerics
import ical_verify.proofs_check
import ical_verify.theory


def _modules():
    names = []
    for pkg in (ical_verify.theory, ical_verify.numerics, ical_verify.models, ical_verify.proofs_check):
        names.append(pkg.__name__)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + "."):
            names.append(info.name)
    return sorted(set(names))


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
