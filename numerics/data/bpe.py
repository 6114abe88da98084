r"""GPT-2-style byte-level BPE: loading a tokenizer from local files, and a small trainer written here.

GPT-2's tokenizer (Radford et al., 2019) splits text with a regular expression into words (contractions,
letter runs, digit runs, punctuation runs, each with its leading space), maps every byte of a word to a
printable unicode character (:func:`byte_symbols`), and applies the learned merges in rank order. Its files
are ``vocab.json`` (symbol string -> id) and ``merges.txt`` (one merge "a b" per line, after a version
line), or a single ``tokenizer.json``.

- :func:`load_tokenizer` loads such files with the ``tokenizers`` library (the real loading code: point it at
  the folder of GPT-2's files);
- :func:`train_byte_bpe`, :func:`write_tokenizer` and :func:`encode` are a small pure-Python trainer, writer
  and encoder, used to make the project's own test tokenizer and to cross-check the library on it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import require

#: GPT-2's pre-tokenisation pattern (contractions, letters, digits, other symbols, whitespace).
PRETOKEN_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""

#: The end-of-text token, last id of the vocabulary (GPT-2's 50256).
END_OF_TEXT = "<|endoftext|>"


@lru_cache(maxsize=1)
def byte_symbols() -> dict[int, str]:
    """GPT-2's byte -> printable character table: the printable Latin-1 bytes map to themselves, the other
    68 bytes to the characters 256, 257, ... in byte order.

    >>> table = byte_symbols()
    >>> len(set(table.values())), table[ord("a")], table[ord(" ")], table[10]
    (256, 'a', 'Ġ', 'Ċ')
    """
    printable = set(range(ord("!"), ord("~") + 1)) | set(range(ord("¡"), ord("¬") + 1)) | set(range(ord("®"), 256))
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


def pretokenize(text: str) -> list[str]:
    """Words of ``text`` by GPT-2's pattern, each as its byte symbols.

    >>> pretokenize("Call me Ishmael.")
    ['Call', 'Ġme', 'ĠIshmael', '.']
    """
    import regex

    table = byte_symbols()
    return ["".join(table[b] for b in w.encode("utf-8")) for w in regex.findall(PRETOKEN_PATTERN, text)]


@dataclass
class ByteBPE:
    """A byte-level BPE: ``vocab`` (symbol -> id) and ``merges`` (pairs, in rank order)."""

    vocab: dict[str, int]
    merges: list[tuple[str, str]]

    @property
    def eos_id(self) -> int:
        return self.vocab[END_OF_TEXT]


def train_byte_bpe(text: str, n_merges: int) -> ByteBPE:
    """Learn up to ``n_merges`` merges on ``text``: repeatedly merge the most frequent adjacent pair of symbols
    within words (ties broken by the pair's string order, so training is deterministic). The vocabulary is the
    256 byte symbols, then one symbol per merge, then :data:`END_OF_TEXT` (the largest id).

    >>> bpe = train_byte_bpe("the cat the hat the", 3)
    >>> bpe.merges[:2], len(bpe.vocab)
    ([('h', 'e'), ('t', 'he')], 260)
    """
    require(n_merges >= 0, f"n_merges = {n_merges} is out of range: it must be >= 0")
    words = Counter(pretokenize(text))
    seqs = {w: list(w) for w in words}
    table = byte_symbols()
    vocab = {table[b]: b for b in range(256)}
    merges: list[tuple[str, str]] = []
    for _ in range(n_merges):
        pairs: Counter = Counter()
        for w, count in words.items():
            s = seqs[w]
            for a, b in zip(s, s[1:]):
                pairs[(a, b)] += count
        if not pairs:
            break
        best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        merges.append(best)
        vocab[best[0] + best[1]] = len(vocab)
        for w in seqs:
            seqs[w] = _merge(seqs[w], best)
    vocab[END_OF_TEXT] = len(vocab)
    return ByteBPE(vocab, merges)


def _merge(symbols: list[str], pair: tuple[str, str]) -> list[str]:
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def encode(text: str, bpe: ByteBPE) -> list[int]:
    """Token ids of ``text`` (pure Python: merges applied lowest rank first within each word).

    >>> bpe = train_byte_bpe("the cat the hat the", 3)
    >>> encode("the hat", bpe)
    [257, 32, 104, 258]
    """
    ranks = {pair: k for k, pair in enumerate(bpe.merges)}
    ids: list[int] = []
    for word in pretokenize(text):
        s = list(word)
        while len(s) > 1:
            candidates = [(ranks[p], p) for p in zip(s, s[1:]) if p in ranks]
            if not candidates:
                break
            s = _merge(s, min(candidates)[1])
        ids.extend(bpe.vocab[sym] for sym in s)
    return ids


def write_tokenizer(bpe: ByteBPE, folder: str | Path) -> tuple[Path, Path]:
    """Write ``vocab.json`` and ``merges.txt`` (GPT-2's format) into ``folder``; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    vocab_path, merges_path = folder / "vocab.json", folder / "merges.txt"
    vocab_path.write_text(json.dumps(bpe.vocab, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    merges_path.write_text("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in bpe.merges), encoding="utf-8")
    return vocab_path, merges_path


def read_tokenizer(folder: str | Path) -> ByteBPE:
    """Read ``vocab.json`` and ``merges.txt`` into a :class:`ByteBPE` (for :func:`encode`)."""
    folder = Path(folder)
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    lines = (folder / "merges.txt").read_text(encoding="utf-8").splitlines()
    merges = [tuple(line.split(" ")) for line in lines if line and not line.startswith("#version")]
    return ByteBPE(vocab, [(a, b) for a, b in merges])


def load_tokenizer(folder: str | Path):
    """A ``tokenizers.Tokenizer`` for GPT-2-format files in ``folder``: ``tokenizer.json`` if present, else
    ``vocab.json`` + ``merges.txt`` with a byte-level pre-tokeniser (no added prefix space) and decoder.

    Raises :class:`FileNotFoundError` naming the files looked for.
    """
    folder = Path(folder)
    try:
        from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ImportError("loading a GPT-2 tokenizer needs the 'tokenizers' package: "
                          "pip install 'ical-verify[data]'") from exc
    if (folder / "tokenizer.json").is_file():
        return Tokenizer.from_file(str(folder / "tokenizer.json"))
    vocab, merges = folder / "vocab.json", folder / "merges.txt"
    if not (vocab.is_file() and merges.is_file()):
        raise FileNotFoundError(f"no tokenizer in {folder}: expected tokenizer.json, or vocab.json and merges.txt")
    tok = Tokenizer(models.BPE.from_file(str(vocab), str(merges)))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    return tok
