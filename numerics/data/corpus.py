r"""Reading a plain-text corpus and splitting it into simplified sentences, as in §6 ("Validation of the token
encoding choice") of Sander et al.

The authors read 'melville-moby_dick.txt' from nltk's Gutenberg corpus, split it into sentences with nltk's
``sent_tokenize`` (the pretrained English Punkt model) and keep, of each sentence, the text up to its second
period: ``'.'.join(sentence.split('.')[:2])`` (their validation_token_encoding.py, lines 22-27).

- :func:`read_corpus`: the raw text of a local file, or of one file of a folder read as an nltk corpus
  (``nltk.corpus.reader.PlaintextCorpusReader``; the folder of nltk's ``gutenberg`` corpus works as is; the
  folder is added to ``nltk.data.path``, where nltk 3.9+ requires corpora to be);
- :func:`split_sentences`: Punkt sentences: the pretrained English model when nltk's data has it, otherwise
  an untrained ``PunktSentenceTokenizer`` (which result is used is returned);
- :func:`simplify_sentence`: the authors' simplification.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The file of nltk's Gutenberg corpus that §6 uses.
MOBY_DICK = "melville-moby_dick.txt"


def read_corpus(path: str | Path, fileid: str | None = None) -> str:
    """The raw text of ``path``: a text file, or a folder read with nltk's ``PlaintextCorpusReader`` (then
    ``fileid`` names the file; default :data:`MOBY_DICK` if the folder has it, else its only ``.txt`` file).

    Raises :class:`FileNotFoundError` for a missing path or file id.
    """
    from nltk.corpus.reader import PlaintextCorpusReader

    path = Path(path).resolve()
    if not path.exists():
        raise FileNotFoundError(f"corpus {path} does not exist")
    root = path.parent if path.is_file() else path
    _allow_root(root)
    if path.is_file():
        reader = PlaintextCorpusReader(str(root), [path.name])
        return reader.raw(path.name)
    reader = PlaintextCorpusReader(str(root), r".*\.txt")
    ids = list(reader.fileids())
    if fileid is None:
        if MOBY_DICK in ids:
            fileid = MOBY_DICK
        elif len(ids) == 1:
            fileid = ids[0]
        else:
            raise FileNotFoundError(f"corpus folder {path} has {len(ids)} .txt files and no {MOBY_DICK}: "
                                    "name one (ICAL_FIG4_FILEID)")
    if fileid not in ids:
        raise FileNotFoundError(f"corpus folder {path} has no file {fileid!r} (it has {ids[:5]}...)")
    return reader.raw(fileid)


def _allow_root(root: Path) -> None:
    """Let nltk read the folder the user pointed at: nltk (3.9 and later) reads corpora only under the folders
    of ``nltk.data.path``, so the folder is added there (the documented way to register a data folder)."""
    import nltk

    if str(root) not in [str(p) for p in nltk.data.path]:
        nltk.data.path.append(str(root))


@dataclass(frozen=True)
class Sentences:
    """Sentences of a text and the splitter used (``"punkt-english"`` or ``"punkt-untrained"``)."""

    sentences: list[str]
    splitter: str


def split_sentences(text: str, require_pretrained: bool = False) -> Sentences:
    """Punkt sentences of ``text``: nltk's pretrained English model if its data is installed, otherwise an
    untrained ``PunktSentenceTokenizer`` (``require_pretrained=True`` makes that a :class:`LookupError`).

    >>> split_sentences("Call me Ishmael. Some years ago I went to sea.").sentences
    ['Call me Ishmael.', 'Some years ago I went to sea.']
    """
    import nltk
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    try:
        return Sentences(nltk.sent_tokenize(text), "punkt-english")
    except LookupError:
        if require_pretrained:
            raise
    return Sentences(PunktSentenceTokenizer().tokenize(text), "punkt-untrained")


def simplify_sentence(sentence: str) -> str:
    """The sentence up to (and without) its second period: ``'.'.join(sentence.split('.')[:2])``.

    >>> simplify_sentence("Mr. Starbuck stood. Then he spoke. Nobody answered.")
    'Mr. Starbuck stood'
    >>> simplify_sentence("Call me Ishmael.")
    'Call me Ishmael.'
    """
    return ".".join(sentence.split(".")[:2])
