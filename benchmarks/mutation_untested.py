r"""Test the mutants that ``mutmut run`` leaves *untested* because their source line repeats an earlier line.

mutmut 2.5.1 looks cached statuses up by line **text** (``mutmut.cache.get_cached_mutation_statuses`` keeps one
``Line`` per text in ``line_obj_by_line``), so when a line such as ``continue`` or ``if context == "orthogonal":``
occurs twice in a module, the second occurrence's mutants get the first one's status: once the first is killed,
the second is never run and stays ``untested`` in ``.mutmut-cache`` (``benchmarks/mutation.py`` then reports the
module as stopped part-way). This script runs each such mutant exactly as mutmut would: it applies the mutant in
place, runs the module's full targeted selection (``python3 benchmarks/mutation.py pytest <module> --mutant key``,
which records the killing test in ``.mutmut-kills.jsonl``), restores the source, and stores the status in
mutmut's cache (by line number, as ``mutmut.cache.update_mutant_status`` does). Mutants that
``mutmut_config.skip_reason`` would skip are stored as skipped. Run it from the repository root, after
``benchmarks/mutation.py <module>`` and never while a mutation run is going::

    python3 benchmarks/mutation_untested.py theory/index_patterns.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import mutation as mb  # noqa: E402
import mutmut_config as mc  # noqa: E402


def test_untested(module: str) -> list[tuple[int, int, str, str]]:
    """Run every untested mutant of ``module``; return (1-based line, index, line, status) for each."""
    from mutmut import BAD_SURVIVED, BAD_TIMEOUT, OK_KILLED, SKIPPED, Context, RelativeMutationID, mutate_file
    from mutmut.cache import hash_of_tests, update_mutant_status

    todo = [m for m in mb.cached_mutants(module) if m["status"] == "untested"]
    tests_hash = hash_of_tests(["tests/"])
    out = []
    for m in todo:
        mid = RelativeMutationID(line=m["line"], index=m["index"], line_number=m["line_number"], filename=module)
        source = (ROOT / module).read_text()
        if mc.skip_reason(source, mid, module):
            status = SKIPPED
        else:
            mutate_file(backup=True, context=Context(mutation_id=mid, filename=module, dict_synonyms=[""]))
            try:
                r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "mutation.py"), "pytest", module,
                                    "--mutant", mc.mutant_key(mid)], cwd=ROOT, timeout=600,
                                   stdout=subprocess.DEVNULL)
                status = OK_KILLED if r.returncode == 1 else BAD_SURVIVED
            except subprocess.TimeoutExpired:
                status = BAD_TIMEOUT
            finally:
                os.replace(str(ROOT / module) + ".bak", ROOT / module)
        update_mutant_status(file_to_mutate=module, mutation_id=mid, status=status, tests_hash=tests_hash)
        out.append((m["line_number"] + 1, m["index"], m["line"].strip(), status))
    return out


if __name__ == "__main__":
    os.chdir(ROOT)
    for mod in sys.argv[1:]:
        for line, index, text, status in test_untested(mc.module_path(mod)):
            print(f"{mod}:{line}:{index} {text} -> {status}")
