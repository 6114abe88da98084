"""Results are data: every stored result rebuilds a ClaimResult whose JSON is the stored JSON, and every renderer
works on stored results (nothing is re-run)."""

import json

import pytest

from ical_verify.proofs_check import registry
from ical_verify.proofs_check.errors import UsageError
from ical_verify.proofs_check.html_report import report_html
from ical_verify.proofs_check.latex import latex_document
from ical_verify.proofs_check.parallel import run_claims
from ical_verify.proofs_check.readme_table import readme_table
from ical_verify.proofs_check.report import report_markdown, write_outputs
from ical_verify.proofs_check.stored import find_result, load_results, result_from_json
from synthetic_papers import QUIET, synthetic  # noqa: F401  (fixture)


@pytest.fixture
def stored_run(synthetic, tmp_path):
    run = run_claims(QUIET + ["boom"], jobs=1, out_dir=tmp_path)
    assert not write_outputs(run.results, tmp_path, files=run.files).errors
    return run.results, tmp_path


def test_every_field_round_trips(stored_run):
    results, folder = stored_run
    loaded = load_results(folder)
    assert [r.to_json() for r in loaded] == [r.to_json() for r in results]
    beta = find_result(loaded, "synth2024a:beta", str(folder))
    assert beta.severity == "constant" and [r.reading.id for r in beta.readings] == ["strict", "loose"]
    assert beta.readings[0].reading.checks == ("printed_hessian",)      # taken from the registry's claim
    alpha = find_result(loaded, "alpha", str(folder))
    assert [s.status for s in alpha.proof.steps][-1] == "not-checked" and alpha.artefacts[0].figures


def test_a_claim_missing_from_the_registry_is_rebuilt_from_the_stored_fields(stored_run, monkeypatch):
    results, folder = stored_run
    monkeypatch.setattr(registry, "_papers", lambda: ())
    registry._load.cache_clear()
    loaded = load_results(folder)
    assert [r.to_json() for r in loaded] == [r.to_json() for r in results]
    gamma = find_result(loaded, "gamma", str(folder))
    assert [s.subclaim.checks for s in gamma.subclaims][1] == ("flat_printed", "flat_corrected")
    assert gamma.claim.checks[0].name == "converges" and gamma.claim.paper == "synth2025b"
    registry._load.cache_clear()


def test_renderers_work_on_stored_results(stored_run):
    _, folder = stored_run
    loaded = load_results(folder)
    assert "printed H is half the Hessian" in report_markdown(loaded)
    page = report_html(loaded)
    assert page.count("data:image/png;base64,") == 2 and "<details class=\"proof\"" in page
    assert "\\part*{synth2024a" in latex_document(loaded)
    assert readme_table(loaded).count("| alpha |") == 1


def test_figures_are_found_after_the_folder_moved(stored_run, tmp_path_factory):
    import shutil

    _, folder = stored_run
    moved = tmp_path_factory.mktemp("moved") / "run"
    shutil.copytree(folder, moved)
    shutil.rmtree(folder / "figures")
    alpha = find_result(load_results(moved), "alpha", str(moved))
    assert alpha.figures and all(f.startswith(str(moved)) for f in alpha.figures)


def test_real_claims_round_trip(tmp_path):
    run = run_claims(["lemma3", "remark1"], jobs=1, out_dir=tmp_path)
    for r in run.results:
        assert result_from_json(json.loads(json.dumps(r.to_json()))).to_json() == r.to_json()


@pytest.mark.parametrize("content, fragment", [
    ("{not json", "is not valid JSON (line 1"),
    ('{"x": 1}', "holds no list of claim results"),
    ('[{"claim": "a"}]', "stored result 1 cannot be read"),
])
def test_bad_results_files_are_one_line_usage_errors(tmp_path, content, fragment):
    (tmp_path / "results.json").write_text(content)
    with pytest.raises(UsageError, match=fragment.replace("(", r"\(")):
        load_results(tmp_path)


def test_empty_folder_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no results.json in that folder"):
        load_results(tmp_path)
