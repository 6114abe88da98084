"""mutmut 2.5.1 hook file: targeted tests per mutated module, and the mutants that cannot matter.

mutmut imports this file from the repository root (it must be run from there, as ``benchmarks/mutation.py``
does) and calls :func:`pre_mutation` before each mutant is tested. The hook

- sets the test command to the **targeted tests** of the mutated module (:func:`test_args`): the doctests of the
  module (and of the modules built on it), the test files and control tests that reach it, then the mutation
  tests written for it (``tests/test_mutants_<package>_<module>.py``), in that order, with
  ``-x -q -p no:cacheprovider`` so that a killed mutant stops at its first failing test. The existing tests come
  first, so a mutant credited to a ``test_mutants_*`` test is one the rest of the suite does not kill;
- marks as *skipped* the mutants that cannot matter (:func:`skip_reason`):

  1. a change inside the **message of an exception** (the message argument of ``raise SomeError(...)`` or of
     ``require(condition, message)``): the message is for people, the exception type and the condition are the
     behaviour, and those are still mutated (the condition of ``require`` is not part of the message);
  2. a change inside a ``__repr__`` method: a debugging aid that no result depends on;
  3. a change inside the ``argument`` of a ``Certificate`` (theory.certify): a paragraph of prose explaining the
     certificate to a reader, like an exception message; the verdict, scope, method, cases and differences of a
     certificate are data and are still mutated.

  Docstrings (and so doctests) are never mutated by mutmut 2.

The mutant being tested is passed to the test command (``--mutant line:index:hash``) so that the test runner
can record which test killed it (see ``benchmarks/mutation.py``). ``OMP_NUM_THREADS`` and friends are 1 in every
process mutmut starts (the machine is shared).

Modules without an entry in :data:`TARGETS` get a default selection (:func:`default_targets`): the doctests of
the module and its ``tests/test_mutants_*`` file, or, for a module without one, every test file that imports it.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import sys
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"      # a mutated module must never leave a .pyc behind

ROOT = Path(__file__).resolve().parent
# Flags that make each test run cheap without changing which tests run or whether they pass: "-n0", else pyproject's
# addopts "-n auto" starts two pytest-xdist workers (fresh interpreters importing NumPy, SciPy, ...) for every
# mutant, about 3 s of CPU; "-p no:anyio" (its plugin probes the async backends), "-p no:unraisableexception" (five
# gc.collect() at the end of the session, over the SymPy heap) and "--assert=plain" (no assertion rewriting: with
# PYTHONDONTWRITEBYTECODE every test module and plugin was recompiled each time) take a forked test run from about
# 1.0 s to about 0.25 s of CPU (measured on numerics/spectra.py's selection); the benchmark and trio plugins, which
# these tests do not use, cost load time too.
PYTEST_FLAGS = ["-n0", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:anyio", "-p", "no:unraisableexception",
                "-p", "no:benchmark", "-p", "no:trio", "--assert=plain"]

#: module -> (modules whose doctests to run, test files / node ids), existing tests only, cheapest first.
#: ``tests/test_mutants_<package>_<module>.py`` is appended automatically when it exists.
TARGETS: dict[str, tuple[list[str], list[str]]] = {
    "theory/realification.py": (["theory.realification"],
                                ["tests/test_remark1.py", "tests/controls/test_controls_remark1.py"]),
    "theory/scalar_flow.py": (["theory.scalar_flow"],
                              ["tests/test_prop5.py", "tests/controls/test_controls_prop5.py"]),
    "numerics/realification.py": (["numerics.realification"],
                                  ["tests/test_remark1.py", "tests/controls/test_controls_remark1.py"]),
    "numerics/gradient_flow.py": (["numerics.gradient_flow"],
                                  ["tests/test_prop5.py", "tests/controls/test_controls_prop5.py"]),
    "numerics/binomial.py": (["numerics.binomial"], ["tests/test_remark2.py::test_remark2_quick_verdict"]),
    "numerics/errors.py": (["numerics.errors"], ["tests/test_numerics_basics.py"]),
    # modules with a tests/test_mutants_* file need an entry only for more than their own doctests and that file
    # (the default): the claim-level tests (test_prop7.py, test_certify.py, ...) cost 5 to 40 s of CPU per mutant
    "theory/diagonal_attention.py": (["theory.diagonal_attention", "theory.in_context"], []),
    "theory/gaussian_moments.py": (["theory.gaussian_moments"], ["tests/test_mahankali_engine.py"]),
    "numerics/torus.py": (["numerics.torus"], ["tests/test_engine.py", "tests/test_layering.py",
                                               "tests/test_numerics_basics.py"]),
    "theory/symbolic_exponents.py": (["theory.symbolic_exponents", "theory.certify"], []),
    "numerics/reference_levels.py": (["numerics.reference_levels"], [
        "tests/test_reference_levels.py::" + t for t in (
            "test_closed_form_falls_linearly_to_zero_at_T_equal_d_plus_1", "test_reflection_identity_is_exact",
            "test_prefix_longer_than_d_determines_the_next_token",
            "test_bayes_prediction_is_the_min_norm_least_squares_limit_of_gd", "test_prefix_of_one_token_predicts_zero",
            "test_unitary_levels", "test_reference_levels_per_coordinate_and_mean",
            "test_floor_test_catches_a_number_below_the_bayes_error", "test_domain_errors")]),
    "numerics/gd_inner_loss.py": (["numerics.gd_inner_loss"], [
        "tests/test_reference_levels.py::test_bayes_prediction_is_the_min_norm_least_squares_limit_of_gd"]),
}


def module_path(filename: str) -> str:
    """``theory/x.py`` for any spelling of the path of a module of the repository."""
    p = Path(filename)
    if p.is_absolute():
        p = p.resolve().relative_to(ROOT)
    return p.as_posix().removeprefix("./")


def dotted(module: str) -> str:
    """``theory/index_patterns.py`` -> ``theory.index_patterns``."""
    return module.removesuffix(".py").replace("/", ".")


def mutants_test_file(module: str) -> str:
    """``tests/test_mutants_<package>_<module>.py``: the tests written to kill this module's mutants."""
    return "tests/test_mutants_" + dotted(module).replace(".", "_") + ".py"


def doctest_id(dotted_name: str) -> str:
    return f"tests/test_doctests.py::test_docstring_examples[ical_verify.{dotted_name}]"


def default_targets(module: str) -> tuple[list[str], list[str]]:
    """The module's doctests, and (appended by :func:`test_args`) its ``tests/test_mutants_*`` file when it has
    one; without that file, the doctests and every test file under tests/ that imports the module."""
    if (ROOT / mutants_test_file(module)).exists():
        return [dotted(module)], []
    pkg, name = dotted(module).split(".", 1)
    pattern = re.compile(rf"ical_verify\.{pkg}\.{name}\b|from ical_verify\.{pkg} import [^\n]*\b{name}\b"
                         rf"|from \.\.?{pkg}\.{name} import")
    files = []
    for f in sorted((ROOT / "tests").rglob("test_*.py")):
        if f.name.startswith("test_mutants_") or f.name == "test_doctests.py":
            continue
        if pattern.search(f.read_text()):
            files.append(f.relative_to(ROOT).as_posix())
    return [dotted(module)], files


def test_args(module: str) -> list[str]:
    """The pytest arguments (flags and ordered test selection) for the mutants of ``module``."""
    module = module_path(module)
    docs, tests = TARGETS.get(module) or default_targets(module)
    selection = [doctest_id(d) for d in docs] + list(tests)
    extra = mutants_test_file(module)
    if (ROOT / extra).exists():
        selection.append(extra)
    return PYTEST_FLAGS + selection


def runner_command(module: str, mutant: str | None = None) -> str:
    """The test command mutmut runs (the baseline and every mutant of ``module``)."""
    cmd = f"{sys.executable} {ROOT / 'benchmarks' / 'mutation.py'} pytest {module_path(module)}"
    return cmd + (f" --mutant {mutant}" if mutant else "")


# mutants that cannot matter ---------------------------------------------------------------------------------
def mutant_key(mutation_id) -> str:
    """``line:index:hash`` of a mutmut RelativeMutationID (0-based line; hash of the line's text)."""
    h = hashlib.sha1(mutation_id.line.encode()).hexdigest()[:10]
    return f"{mutation_id.line_number}:{mutation_id.index}:{h}"


def mutated_source(source: str, mutation_id, filename: str) -> str:
    from mutmut import Context, mutate

    ctx = Context(source=source, mutation_id=mutation_id, filename=filename)
    out, n = mutate(ctx)
    return out if n else source


def first_difference(a: str, b: str) -> tuple[int, int] | None:
    """(1-based line, 0-based column) of the first character where two sources differ."""
    la, lb = a.split("\n"), b.split("\n")
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            col = next((k for k, (c, d) in enumerate(zip(x, y)) if c != d), min(len(x), len(y)))
            return i + 1, col
    return None if len(la) == len(lb) else (min(len(la), len(lb)) + 1, 0)


def _span(node) -> tuple[tuple[int, int], tuple[int, int]]:
    return (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)


_SPANS: dict[str, dict[str, list]] = {}


def noise_spans(source: str) -> dict[str, list]:
    """Spans ((line, col), (end_line, end_col)) of the code that cannot matter, by reason (see the module)."""
    key = hashlib.sha1(source.encode()).hexdigest()
    if key not in _SPANS:
        out: dict[str, list] = {"exception message": [], "__repr__": [], "certificate argument (prose)": []}
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                out["exception message"] += [_span(a) for a in node.exc.args]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id == "require" and len(node.args) >= 2:
                    out["exception message"].append(_span(node.args[1]))
                elif node.func.id == "Certificate":
                    prose = node.args[4:5] + [k.value for k in node.keywords if k.arg == "argument"]
                    out["certificate argument (prose)"] += [_span(a) for a in prose]
            elif isinstance(node, ast.FunctionDef) and node.name == "__repr__":
                out["__repr__"].append(_span(node))
        _SPANS[key] = out
    return _SPANS[key]


def skip_reason(source: str, mutation_id, filename: str) -> str | None:
    """Why this mutant cannot matter (it is then skipped), or None."""
    where = first_difference(source, mutated_source(source, mutation_id, filename))
    if where is None:
        return None
    for reason, spans in noise_spans(source).items():
        if any(lo <= where < hi for lo, hi in spans):
            return reason
    return None


def pre_mutation(context) -> None:
    """mutmut hook: targeted tests for the mutated module; skip the mutants that cannot matter."""
    module = module_path(context.filename)
    if skip_reason(context.source, context.mutation_id, context.filename):
        context.skip = True
        return
    context.config.test_command = runner_command(module, mutant_key(context.mutation_id))
