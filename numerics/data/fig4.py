r"""The data pipeline of Figure 4 (Sander et al., §6): text -> token ids -> windows of T tokens -> embeddings.

As in the authors' validation_token_encoding.py (cited by line in the claim ``fig4``): the text is split into
sentences, each simplified (:func:`~.corpus.simplify_sentence`), tokenised separately with GPT-2's BPE, the ids
concatenated (padding removed), cut to a multiple of T and reshaped into consecutive windows (n, T) ("we keep
the relative order of each token"); the first ``n_windows`` windows are embedded with the rows of the
embedding matrix, and every token vector is scaled to unit norm, in float32.

:func:`build_windows` runs it on local files; :func:`make_sample_files` writes the project's own small
corpus, tokenizer and embedding file (the test data under ``tests/data/fig4``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import require
from . import bpe as _bpe
from .corpus import read_corpus, simplify_sentence, split_sentences
from .embeddings import load_embeddings, random_embeddings, write_embeddings


@dataclass(frozen=True)
class Fig4Settings:
    """Window length T, number of windows kept, unit normalisation and dtype (the authors': 5, 10000, True,
    float32)."""

    T: int = 5
    n_windows: int = 10_000
    normalise: bool = True
    dtype: str = "float32"

    def __post_init__(self) -> None:
        require(int(self.T) == self.T and self.T >= 2, f"T = {self.T} is out of range: it must be >= 2")
        require(int(self.n_windows) == self.n_windows and self.n_windows >= 1,
                f"n_windows = {self.n_windows} is out of range: it must be >= 1")
        require(self.dtype in ("float32", "float64"), f"dtype {self.dtype!r} is not float32 or float64")


@dataclass
class Fig4Windows:
    """The data set D: ``ids`` (n, T) and unit-norm ``vectors`` (n, T, d) of the first n windows, with the
    whole trimmed token stream ``all_ids`` (for a shuffle of the whole book) and bookkeeping."""

    ids: np.ndarray
    vectors: np.ndarray
    all_ids: np.ndarray
    embedding_matrix: np.ndarray
    n_sentences: int
    n_tokens: int
    splitter: str
    authors_trim_empty: bool
    settings: Fig4Settings = field(default_factory=Fig4Settings)

    @property
    def d(self) -> int:
        return int(self.vectors.shape[-1])

    def embed(self, ids: np.ndarray) -> np.ndarray:
        """Unit-norm vectors (..., d) of token ids (...) with this data set's matrix and dtype."""
        return embed(ids, self.embedding_matrix, self.settings)

    def to_json(self) -> dict:
        return {"windows": int(self.ids.shape[0]), "T": self.settings.T, "d": self.d,
                "sentences": self.n_sentences, "tokens": self.n_tokens, "splitter": self.splitter,
                "vocabulary_rows": int(self.embedding_matrix.shape[0]),
                "authors_trim_would_be_empty": self.authors_trim_empty}


def embed(ids: np.ndarray, matrix: np.ndarray, settings: Fig4Settings = Fig4Settings()) -> np.ndarray:
    """Rows of ``matrix`` for ``ids``, in ``settings.dtype``, each scaled to unit norm if ``settings.normalise``.

    >>> embed(np.array([[0, 1]]), np.array([[3.0, 4.0], [0.0, 2.0]])).tolist()
    [[[0.6000000238418579, 0.800000011920929], [0.0, 1.0]]]
    """
    v = np.asarray(matrix)[np.asarray(ids)].astype(settings.dtype)
    if settings.normalise:
        v = v / np.linalg.norm(v, axis=-1, keepdims=True)
    return v


def token_ids(text: str, tokenizer) -> tuple[np.ndarray, int, str]:
    """GPT-2 ids of the simplified sentences of ``text``, concatenated (each sentence tokenised on its own,
    end-of-text/padding ids removed); also the number of sentences and the sentence splitter used."""
    sents = split_sentences(text)
    simple = [simplify_sentence(s) for s in sents.sentences]
    encodings = tokenizer.encode_batch(simple)
    eos = tokenizer.token_to_id(_bpe.END_OF_TEXT)
    ids = [i for enc in encodings for i in enc.ids if i != eos]
    return np.asarray(ids, dtype=np.int64), len(simple), sents.splitter


def build_windows(corpus: str | Path, tokenizer_dir: str | Path, embeddings: str | Path,
                  settings: Fig4Settings = Fig4Settings(), fileid: str | None = None) -> Fig4Windows:
    """Figure 4's data set D from local files: a corpus (file or nltk corpus folder), a GPT-2 tokenizer folder
    and a checkpoint with ``wte.weight``."""
    text = read_corpus(corpus, fileid)
    tok = _bpe.load_tokenizer(tokenizer_dir)
    ids, n_sent, splitter = token_ids(text, tok)
    matrix = load_embeddings(embeddings)
    require(int(ids.max(initial=-1)) < matrix.shape[0],
            f"token id {int(ids.max())} is outside the embedding matrix ({matrix.shape[0]} rows)")
    T = settings.T
    r = len(ids) % T
    trimmed = ids[: len(ids) - r]
    windows = trimmed.reshape(-1, T)                                        # (all windows, T)
    require(len(windows) >= 1, f"the corpus gives {len(ids)} tokens: fewer than one window of T = {T}")
    kept = windows[: settings.n_windows]                                   # (n, T)
    return Fig4Windows(kept, embed(kept, matrix, settings), trimmed, matrix, n_sent, int(len(ids)), splitter,
                       authors_trim_empty=(r == 0), settings=settings)


# the project's own sample files ----------------------------------------------------------------------
#: A short text written for this project (public domain), in the register of a sea story, with the
#: repetitions (articles, commas, "the ... of the ...") that make some windows of five tokens inconsistent.
SAMPLE_TEXT = """\
The harbour was grey before dawn, and the boats lay still on the water. Mr. Hale walked along the quay with \
his lantern. He counted the boats, one by one, as he had done every morning for thirty years. The first boat \
was old. The second boat was older still, and the third had lost its mast in the winter gale.

Out past the breakwater the sea was rising. A gull cried over the roofs of the town, and another answered it \
from the masthead of the schooner. The schooner had come in late, heavy with salt and with the smell of the \
north. Her captain was asleep. Her crew were asleep. Only the cook was awake, and he was singing a song about \
a whale that swallowed the moon.

Mr. Hale listened. The song was sad, and the tune was older than the town. When the cook stopped, the harbour \
was silent again, and the light came slowly over the hills. It was going to be a long day. It was going to be \
a hard day, with the wind from the east and the tide against them. But the boats would go out, as they always \
did, and the men would come back, as they mostly did.
"""

#: Settings of the sample files: merges of the tiny BPE, embedding width, seed.
SAMPLE_MERGES = 120
SAMPLE_WIDTH = 64
SAMPLE_SEED = 20240


def make_sample_files(folder: str | Path) -> dict[str, Path]:
    """Write the project's sample data into ``folder``: ``corpus/sea.txt`` (:data:`SAMPLE_TEXT`), a byte-level BPE
    trained on it (``tokenizer/vocab.json``, ``tokenizer/merges.txt``) and Gaussian embeddings
    (``embeddings.safetensors``, key ``wte.weight``). Deterministic: the same bytes every time."""
    folder = Path(folder)
    corpus = folder / "corpus" / "sea.txt"
    corpus.parent.mkdir(parents=True, exist_ok=True)
    corpus.write_text(SAMPLE_TEXT, encoding="utf-8")
    model = _bpe.train_byte_bpe(SAMPLE_TEXT, SAMPLE_MERGES)
    vocab, merges = _bpe.write_tokenizer(model, folder / "tokenizer")
    emb = write_embeddings(random_embeddings(len(model.vocab), SAMPLE_WIDTH, SAMPLE_SEED),
                           folder / "embeddings.safetensors")
    return {"corpus": corpus, "tokenizer_dir": vocab.parent, "vocab": vocab, "merges": merges, "embeddings": emb}
