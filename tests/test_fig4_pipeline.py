"""Figure 4's data pipeline (nltk corpus reader, GPT-2-format byte-level BPE through ``tokenizers``, embeddings
from safetensors or a PyTorch state dict) on the project's own files, and the claim with and without real data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings

from ical_verify.numerics.data import bpe, corpus, embeddings, fig4
from ical_verify.proofs_check.cli import main
from strategies_fig4 import english_texts

DATA = Path(__file__).parent / "data" / "fig4"
REAL_ENV = ("ICAL_FIG4_CORPUS", "ICAL_FIG4_TOKENIZER_DIR", "ICAL_FIG4_EMBEDDINGS")


def test_sample_files_are_made_by_the_project(tmp_path):
    made = fig4.make_sample_files(tmp_path)
    for key in ("corpus", "vocab", "merges", "embeddings"):
        rel = made[key].relative_to(tmp_path)
        assert made[key].read_bytes() == (DATA / rel).read_bytes(), rel


@pytest.fixture(scope="module")
def library_tokenizer():
    return bpe.load_tokenizer(DATA / "tokenizer")


@given(english_texts())
@settings(max_examples=40)
def test_tokenizers_library_agrees_with_the_projects_encoder(library_tokenizer, text):
    own = bpe.read_tokenizer(DATA / "tokenizer")
    assert library_tokenizer.encode(text).ids == bpe.encode(text, own)
    assert library_tokenizer.decode(library_tokenizer.encode(text).ids) == text


def test_byte_symbols_are_a_bijection_and_eos_is_last():
    table = bpe.byte_symbols()
    assert sorted(table) == list(range(256)) and len(set(table.values())) == 256
    model = bpe.train_byte_bpe(fig4.SAMPLE_TEXT, 10)
    assert model.eos_id == max(model.vocab.values()) == 256 + 10


def test_build_windows_keeps_order_and_normalises():
    D = fig4.build_windows(DATA / "corpus", DATA / "tokenizer", DATA / "embeddings.safetensors",
                           fig4.Fig4Settings(n_windows=50))
    assert D.ids.shape == (50, 5) and D.vectors.shape == (50, 5, 64) and D.vectors.dtype == np.float32
    assert np.array_equal(D.ids.ravel(), D.all_ids[:250])
    assert np.allclose(np.linalg.norm(D.vectors, axis=-1), 1, atol=1e-6)
    assert D.n_tokens == 422 and D.n_sentences == 19 and not D.authors_trim_empty
    assert np.allclose(D.embed(D.ids[:2]), D.vectors[:2])


def test_corpus_reader_accepts_file_folder_and_fileid(tmp_path):
    text = corpus.read_corpus(DATA / "corpus" / "sea.txt")
    assert text == corpus.read_corpus(DATA / "corpus") == fig4.SAMPLE_TEXT
    (tmp_path / "a.txt").write_text("One. Two.")
    (tmp_path / "b.txt").write_text("Three.")
    with pytest.raises(FileNotFoundError, match="name one"):
        corpus.read_corpus(tmp_path)
    assert corpus.read_corpus(tmp_path, "b.txt") == "Three."
    with pytest.raises(FileNotFoundError):
        corpus.read_corpus(tmp_path / "missing")


def test_sentence_simplification_is_the_authors():
    assert corpus.simplify_sentence("A. B. C.") == "A. B"
    assert corpus.split_sentences("It was late. He slept.").sentences == ["It was late.", "He slept."]


@pytest.mark.parametrize("suffix, key", [(".safetensors", "wte.weight"), (".pt", "transformer.wte.weight")])
def test_embeddings_load_from_both_formats(tmp_path, suffix, key):
    M = embeddings.random_embeddings(10, 6, seed=2)
    path = embeddings.write_embeddings(M, tmp_path / f"model{suffix}", key)
    assert np.array_equal(embeddings.load_embeddings(path), M)


def test_embeddings_errors(tmp_path):
    torch.save({"wpe.weight": torch.zeros(2, 2)}, tmp_path / "x.pt")
    with pytest.raises(KeyError, match="wte.weight"):
        embeddings.load_embeddings(tmp_path / "x.pt")
    with pytest.raises(FileNotFoundError):
        embeddings.load_embeddings(tmp_path / "none.safetensors")
    assert embeddings.GPT2_WIDTHS["gpt2-large"] == 1280


def test_tokenizer_folder_without_files_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="vocab.json"):
        bpe.load_tokenizer(tmp_path)


def _clear_real(monkeypatch):
    for name in REAL_ENV:
        monkeypatch.delenv(name, raising=False)


def test_claim_without_real_data_decides_the_data_free_subclaims(quick_result):
    out = quick_result("fig4").to_json()     # the shared quick run names no real data
    verdicts = {s["id"]: s["verdict"] for s in out["subclaims"]}
    assert verdicts["mechanism"] == "erratum" and verdicts["caption"] == "verified"
    assert {verdicts[k] for k in ("tokens", "hypothesis", "ratio", "justification")} == {"not-run"}
    assert verdicts["setup"] == "verified"
    assert out["verdict"] == "erratum" and out["severity"] == "wording"
    assert not any(c["name"].endswith("-real") for c in out["checks"])
    reason = next(a for a in out["artefacts"] if a["name"] == "real-data")["detail"]
    assert all(name in reason for name in REAL_ENV)
    assert any(f.endswith("fig4-histograms.png") for f in out["figures"])


def test_claim_with_real_data_runs_the_real_checks(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ICAL_FIG4_CORPUS", str(DATA / "corpus"))
    monkeypatch.setenv("ICAL_FIG4_TOKENIZER_DIR", str(DATA / "tokenizer"))
    monkeypatch.setenv("ICAL_FIG4_EMBEDDINGS", str(DATA / "embeddings.safetensors"))
    main(["check", "fig4", "--format", "json", "--out", str(tmp_path)])
    out = json.loads(capsys.readouterr().out)
    real = {c["name"]: c for c in out["checks"] if c["name"].endswith("-real")}
    assert set(real) == {"setup-real", "nontrivial-real", "mechanism-real", "hypothesis-real", "ratio-real",
                         "threshold-real", "conclusion-real"}
    assert all(c["status"] != "error" for c in real.values())
    assert real["setup-real"]["status"] == "failed"          # 422 tokens of a paragraph are not 325000
    assert real["mechanism-real"]["status"] == "passed" and real["threshold-real"]["status"] == "passed"
    assert next(s for s in out["subclaims"] if s["id"] == "ratio")["verdict"] != "not-run"


def test_wrong_real_path_is_reported_as_a_crash(monkeypatch, tmp_path):
    from ical_verify.proofs_check.papers.sander2024 import fig4 as claim
    from ical_verify.proofs_check.runner import make_context, run_claim

    monkeypatch.setenv("ICAL_FIG4_CORPUS", str(tmp_path / "nothing"))
    monkeypatch.setenv("ICAL_FIG4_TOKENIZER_DIR", str(DATA / "tokenizer"))
    monkeypatch.setenv("ICAL_FIG4_EMBEDDINGS", str(DATA / "embeddings.safetensors"))
    claim.real_evidence.cache_clear()
    r = run_claim("fig4", make_context(out_dir=tmp_path), only=["setup-real"])
    assert r.checks[0].status == "error" and "does not exist" in r.checks[0].detail


AUTHORS_PDF = Path("/work/.mirror/michaelsdr+ical/repo")


@pytest.mark.skipif(not AUTHORS_PDF.exists(), reason="the authors' repository is not on this machine")
def test_recorded_bars_match_the_authors_pdf():
    import re
    import subprocess
    import zlib

    from ical_verify.proofs_check.papers.sander2024.fig4 import AUTHORS_CODE, AUTHORS_HISTOGRAM

    data = subprocess.run(["git", "-C", str(AUTHORS_PDF), "show", f"{AUTHORS_CODE['commit']}:figures/hist.pdf"],
                          capture_output=True, check=True).stdout
    i = data.find(b"9 0 obj")
    start = data.find(b"stream", i) + 7
    content = zlib.decompress(data[start:data.find(b"endstream", start)]).decode("latin1")
    bars = {}
    for part in content.split("re W n ")[1:]:
        tag = part[:3]
        if tag not in ("/A2", "/A3"):
            continue
        ys = [float(y) for _, y in re.findall(r"([\d.]+) ([\d.]+) [ml]", part.split("\nf")[0])]
        bars.setdefault(tag, []).append(round((max(ys) - 41.96) / ((70.812608 - 41.96) / 5)))
    assert bars["/A2"] == AUTHORS_HISTOGRAM["original"] and bars["/A3"] == AUTHORS_HISTOGRAM["shuffled"]


@pytest.mark.slow
def test_full_profile_without_real_data(monkeypatch, tmp_path):
    from ical_verify.proofs_check.runner import make_context, run_claim

    _clear_real(monkeypatch)
    r = run_claim("fig4", make_context(profile="full", out_dir=tmp_path))
    assert r.verdict == "erratum"
    thr = next(c for c in r.checks if c.name == "threshold")
    assert thr.status == "passed" and "rank misreports" in thr.summary
