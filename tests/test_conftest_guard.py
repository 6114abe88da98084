"""The suite's own guard: a test that patches must not compute the shared real quick run."""

from types import SimpleNamespace

import pytest

from conftest import pytest_collection_modifyitems


def _item(nodeid, *fixtures):
    namespace = {}
    exec(f"def test({', '.join(fixtures)}): pass", namespace)
    return SimpleNamespace(nodeid=nodeid, function=namespace["test"], fixturenames=list(fixtures) + ["monkeypatch"])


def test_a_test_that_patches_and_reads_the_shared_run_is_refused():
    with pytest.raises(pytest.UsageError, match="t_bad"):
        pytest_collection_modifyitems(None, [_item("t_ok", "quick_result"), _item("t_bad", "monkeypatch",
                                                                                   "quick_result")])


def test_tests_that_do_one_or_the_other_are_accepted():
    items = [_item("a", "quick_result", "tmp_path"), _item("b", "monkeypatch")]
    assert pytest_collection_modifyitems(None, items) is None and len(items) == 2
