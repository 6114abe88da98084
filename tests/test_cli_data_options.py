"""The Figure 4 data flags of the command line: validated before any work, then handed to the claim."""

import json
import os
from pathlib import Path

import pytest

from ical_verify.proofs_check.cli import DATA_OPTIONS, main

SAMPLE = Path(__file__).parent / "data" / "fig4"


@pytest.mark.parametrize("flag", [flag for flag, _, _ in DATA_OPTIONS])
def test_a_missing_data_path_is_a_usage_error_before_any_work(flag, tmp_path, capsys):
    out = tmp_path / "report"
    code = main(["check", "fig4", flag, str(tmp_path / "nope"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and flag in err and "no such file" in err
    assert not out.exists()


def test_data_flags_reach_the_claim(tmp_path, monkeypatch, capsys):
    for _, env, _ in DATA_OPTIONS:
        monkeypatch.delenv(env, raising=False)
    code = main(["check", "fig4", "--format", "json", "--out", str(tmp_path / "r"),
                 "--corpus", str(SAMPLE / "corpus"), "--tokenizer-dir", str(SAMPLE / "tokenizer"),
                 "--embeddings", str(SAMPLE / "embeddings.safetensors")])
    result = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    assert os.environ["ICAL_FIG4_CORPUS"] == str((SAMPLE / "corpus").resolve())
    # with the files named, the real-data checks run and no sub-claim is left not-run
    assert {"setup-real", "ratio-real", "hypothesis-real"} <= {c["name"] for c in result["checks"]}
    assert all(s["verdict"] != "not-run" for s in result["subclaims"])
