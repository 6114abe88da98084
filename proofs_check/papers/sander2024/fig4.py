r"""Figure 4 (§6, "Validation of the token encoding choice"): AR fits of GPT-2 embeddings of Moby Dick, original
vs shuffled.

Every sentence of the paragraph and of the caption is a sub-claim. The sub-claims about Moby Dick and GPT-2's
numbers need the real files, which the suite cannot download; point it at local copies with

- ``ICAL_FIG4_CORPUS``: the text (a file, or a folder read as an nltk corpus, e.g. nltk_data/corpora/gutenberg;
  ``ICAL_FIG4_FILEID`` names the file in a folder, default melville-moby_dick.txt);
- ``ICAL_FIG4_TOKENIZER_DIR``: GPT-2's tokenizer files (tokenizer.json, or vocab.json + merges.txt);
- ``ICAL_FIG4_EMBEDDINGS``: a checkpoint with the embedding matrix ``*wte.weight`` (model.safetensors of
  gpt2-large, or a PyTorch state dict);
- optionally ``ICAL_FIG4_WINDOWS`` (default 10000, the authors' n).

Without them those sub-claims are ``not-run`` (their checks are not part of the claim), the artefact
``real-data`` says why, and every other sub-claim is decided: the mechanism (an exact characterisation of the
windows with a positive loss (5)), the threshold's role in float32 and float64, the shuffle's definition and its
seed, and the pipeline on the project's own sample files (``tests/data/fig4``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...claim import Artefact, ArtefactOutcome, Check, CheckOutcome, Claim, DerivedExpression, Reading, SubClaim
from ._common import INNER_LOSS_5

CLAIM_ID = "fig4"
T = 5
D_TEXT = 1280
THRESHOLD = 1e-12
N_WINDOWS = 10_000
TOKENS_TEXT = 325_000

#: Environment variables of the real data (the CLI's --corpus, --tokenizer-dir, --embeddings set them).
ENV_CORPUS, ENV_TOKENIZER, ENV_EMBEDDINGS = "ICAL_FIG4_CORPUS", "ICAL_FIG4_TOKENIZER_DIR", "ICAL_FIG4_EMBEDDINGS"
ENV_FILEID, ENV_WINDOWS = "ICAL_FIG4_FILEID", "ICAL_FIG4_WINDOWS"

#: Settings read from the authors' code (github.com/michaelsdr/ical at beaf4d6, validation_token_encoding.py and
#: gpt2.ipynb); the paper states T = 5 and d = 1280 only.
AUTHORS_CODE = {
    "commit": "beaf4d6338dc092c4e85f9beb6fdf370ed075626",
    "model": ("gpt2-large", "validation_token_encoding.py:29 (model_name = 'gpt2-large')"),
    "T": (5, "validation_token_encoding.py:12 (seq_lenght = 5)"),
    "n_windows": (10_000, "validation_token_encoding.py:9 and :49 ([:n] after embedding); gpt2.ipynb cell 15 "
                          "(batch_seq[:10000], 'modify to consider bigger datasets')"),
    "corpus": ("gutenberg.raw('melville-moby_dick.txt'), sent_tokenize (Punkt), '.'.join(s.split('.')[:2])",
               "validation_token_encoding.py:17-27"),
    "tokenisation": ("each simplified sentence tokenised in one padded batch; the max id (pad = eos) removed; cut to a "
                     "multiple of T with [:-r] (empty if r = 0); reshape(-1, T): consecutive windows",
                     "validation_token_encoding.py:33-46"),
    "embedding": ("model.transformer.wte rows, .float(), each token scaled to unit norm (float32)",
                  "validation_token_encoding.py:49-50"),
    "shuffle_script": ("torch.randperm(N*T) without a seed, over the N*T tokens of the first n windows",
                       "validation_token_encoding.py:52-61"),
    "shuffle_notebook": ("torch.randperm over every window's tokens (the whole book), then the first 10000 windows",
                         "gpt2.ipynb cells 14-15"),
    "fit": ("torch.linalg.lstsq(s[:-1], s[1:]) in float32, W = solution.T (minimum-norm least squares of (5))",
            "validation_token_encoding.py:66-79"),
    "plotted_mse": ("free-running rollout s_hat_1 = s_1, s_hat_(k+1) = W s_hat_k; mean over the T·d entries of "
                    "(s_hat - s)^2; histogram of values > 1e-12, 100 bins per series",
                    "validation_token_encoding.py:81-146"),
}

#: Bar heights of the authors' released Figure 4 (figures/hist.pdf of the same commit; read from the PDF's vector
#: paths: y = 41.96 is 0, 5.7705 pt per count; tests re-extract them when the authors' repository is present).
AUTHORS_HISTOGRAM = {
    "original": [1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 2, 0, 0, 1, 0, 0, 1, 0, 1, 1, 2, 2, 2, 2, 3, 4, 3, 2, 5, 2, 2, 3,
                 3, 3, 2, 6, 8, 1, 4, 8, 4, 4, 4, 3, 4, 4, 1, 3, 2, 1, 1, 1, 3, 1, 0, 0, 0, 0, 3, 2, 2, 3, 5, 3, 2, 3,
                 3, 1, 4, 4, 4, 3, 2, 2, 3, 4, 1, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 2],
    "shuffled": [2, 0, 0, 0, 0, 0, 3, 1, 2, 0, 4, 2, 3, 0, 0, 1, 4, 6, 8, 8, 12, 6, 7, 13, 10, 15, 15, 14, 17, 16, 21,
                 21, 14, 16, 16, 18, 19, 13, 16, 17, 16, 14, 16, 7, 10, 9, 7, 10, 12, 10, 12, 11, 8, 7, 9, 6, 10, 9,
                 15, 7, 6, 3, 8, 11, 8, 3, 4, 14, 5, 7, 8, 8, 10, 11, 3, 4, 9, 6, 4, 1, 3, 3, 2, 1, 3, 2, 3, 0, 1, 1, 0,
                 0, 1, 0, 0, 0, 0, 0, 0, 1],
    "mse_range": {"original": (8.95e-5, 4.535e-4), "shuffled": (4.98e-5, 5.757e-4)},
}

SENTENCES = {
    "justification": (r"Even though we acknowledge that the AR process is an overly simplistic model for real-world "
                      r"sentences, we provide empirical justification for using it by showing that such a process better "
                      r"explains real data than random ones. [...] This shows that the AR process is better suited when "
                      r"data present some semantics."),
    "setup": (r"We use the nltk package (Bird et al., 2009), and we employ classic literary works, specifically 'Moby "
              r"Dick' by Herman Melville sourced from Project Gutenberg. We use the tokenizer and word embedding layer "
              r"of a pre-trained GPT-2 model (Radford et al., 2019), and end up with about 325000 token representations "
              r"in dimension d = 1280, that we reformat in a dataset D of shape (n, T, d), where T = 5 (we keep the "
              r"relative order of each token)."),
    "tokens": r"[...] and end up with about 325000 token representations in dimension d = 1280 [...]",
    "shuffle": (r"We also consider a shuffled counterpart of D where the shuffling is done across the first two "
                r"dimensions. In other words, we create a dataset $D_{\text{shuffle}}$ from a permutation of the tokens "
                r"of the book."),
    "nontrivial": (r"We then fit AR processes for each sequence in the two datasets using loss (5), which we minimize by "
                   r"solving a linear system. It should be noted that the problem remains non-trivial for some "
                   r"sequences, despite T being significantly smaller than d."),
    "mechanism": (r"This complexity arises because certain sequences might contain identical elements with differing "
                  r"successors or predecessors."),
    "hypothesis": (r"We hypothesize that when sequences are shuffled, the number of such inconsistencies increases since "
                   r"the language's structure is lost. This hypothesis is validated in Figure 4 [...]"),
    "ratio": r"There are 4 times more sequences with such an error for the shuffled dataset than for the original.",
    "caption": (r"Figure 4. Histograms of the mean squared errors (MSE) when fitting an AR process to sequences in D "
                r"(original, in blue) or $D_{\text{shuffle}}$ (shuffled, in orange). We only display MSEs bigger than "
                r"a threshold of $10^{-12}$."),
}

CORRECTED_MECHANISM = (
    r"\min_W \tfrac12\sum_{t=1}^{T-1}\|s_{t+1} - W s_t\|^2 = \tfrac12\|(I - XX^+)Y\|_F^2 > 0 \iff \exists c:\ "
    r"\textstyle\sum_t c_t s_t = 0,\ \sum_t c_t s_{t+1} \ne 0. \text{ When the distinct tokens among } s_1..s_{T-1} "
    r"\text{ are linearly independent: } > 0 \iff \text{a token among } s_1..s_{T-1} \text{ recurs with different "
    r"successors; the minimum is half the within-token scatter of the successors. Differing predecessors alone "
    r"never make it positive.}"
)


# ---------------------------------------------------------------------------------------------------------
# real data: where, and the lazy parts of the claim that need it
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RealData:
    """The real files named by the environment (``available`` iff all three variables are set)."""

    corpus: str
    tokenizer_dir: str
    embeddings: str
    fileid: str | None
    windows: int

    @property
    def available(self) -> bool:
        return bool(self.corpus and self.tokenizer_dir and self.embeddings)

    def reason(self) -> str:
        missing = [name for name, v in ((ENV_CORPUS, self.corpus), (ENV_TOKENIZER, self.tokenizer_dir),
                                        (ENV_EMBEDDINGS, self.embeddings)) if not v]
        if not missing:
            return f"real data: corpus {self.corpus}, tokenizer {self.tokenizer_dir}, embeddings {self.embeddings}"
        return ("the Moby Dick / GPT-2 sub-claims are not-run: the real files cannot be downloaded here; set "
                + ", ".join(missing) + " (ical-verify check fig4 --corpus/--tokenizer-dir/--embeddings) to local copies")


def real_data() -> RealData:
    """The real-data settings from the environment."""
    env = os.environ
    return RealData(env.get(ENV_CORPUS, ""), env.get(ENV_TOKENIZER, ""), env.get(ENV_EMBEDDINGS, ""),
                    env.get(ENV_FILEID) or None, int(env.get(ENV_WINDOWS, N_WINDOWS)))


class WhenData(Sequence):
    """A sequence that holds ``always`` and, when the real data are named in the environment, ``data`` too
    (re-read at every access, so a run sees the environment of its time)."""

    def __init__(self, always=(), data=()):
        self.always, self.data = tuple(always), tuple(data)

    def _items(self) -> tuple:
        return self.always + (self.data if real_data().available else ())

    def __len__(self) -> int:
        return len(self._items())

    def __getitem__(self, i):
        return self._items()[i]

    def __iter__(self):
        return iter(self._items())

    def __contains__(self, x) -> bool:
        return x in self._items()

    def __repr__(self) -> str:
        return f"WhenData({self._items()!r})"


# ---------------------------------------------------------------------------------------------------------
# the project's sample files through the real pipeline
# ---------------------------------------------------------------------------------------------------------
def sample_folder() -> Path:
    """The shipped sample files (tests/data/fig4 of a checkout), or freshly written identical ones."""
    from ical_verify.numerics.data.fig4 import make_sample_files

    shipped = Path(__file__).resolve().parents[3] / "tests" / "data" / "fig4"
    if (shipped / "embeddings.safetensors").is_file():
        return shipped
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="ical-fig4-sample-"))
    atexit.register(shutil.rmtree, folder, True)
    make_sample_files(folder)
    return folder


@lru_cache(maxsize=2)
def sample_windows():
    """Figure 4's pipeline on the sample files: (windows D, folder)."""
    from ical_verify.numerics.data.fig4 import Fig4Settings, build_windows

    folder = sample_folder()
    return build_windows(folder / "corpus", folder / "tokenizer", folder / "embeddings.safetensors",
                         Fig4Settings(T=T, n_windows=N_WINDOWS)), folder


def check_setup_code(text_d: int = D_TEXT, text_T: int = T):
    """The printed d and T against the authors' code: d = 1280 is gpt2-large's embedding width (the code's model),
    T = 5 the code's window; and what the text leaves out (n = 10000 windows, unit norm, float32)."""

    def run(ctx) -> CheckOutcome:
        from ical_verify.numerics.data.embeddings import GPT2_WIDTHS

        model, where = AUTHORS_CODE["model"]
        width = GPT2_WIDTHS[model]
        ok = width == text_d and AUTHORS_CODE["T"][0] == text_T
        return CheckOutcome(ok, f"The text's d = {text_d} and T = {text_T}; the authors' code uses {model} ({where}), whose "
                            f"embeddings have width {width}, and T = {AUTHORS_CODE['T'][0]} ({AUTHORS_CODE['T'][1]}). "
                            "Not in the text, from the code only: Figure 4 uses the first n = 10000 windows "
                            f"({AUTHORS_CODE['n_windows'][1]}), of ~65000; tokens scaled to unit norm in float32 "
                            f"({AUTHORS_CODE['embedding'][1]}); the shuffle is unseeded.",
                            {"authors_code": AUTHORS_CODE, "gpt2_widths": GPT2_WIDTHS},
                            summary=f"d = {text_d} is {model}'s width ({width}), T = {AUTHORS_CODE['T'][0]} in the code; "
                                    "n = 10000 windows, unit norm, float32 from the code only")

    return run


def check_pipeline_sample(ctx) -> CheckOutcome:
    """The pipeline (nltk corpus reader, GPT-2-format BPE through ``tokenizers``, safetensors embeddings) on the
    project's sample files: the library tokenizer agrees with the project's own BPE encoder, windows are
    consecutive (order kept), shape (n, 5, d), tokens unit norm in float32."""
    from ical_verify.numerics.data import bpe
    from ical_verify.numerics.data.corpus import read_corpus, simplify_sentence, split_sentences

    D, folder = sample_windows()
    text = read_corpus(folder / "corpus")
    tok = bpe.load_tokenizer(folder / "tokenizer")
    own = bpe.read_tokenizer(folder / "tokenizer")
    sents = [simplify_sentence(s) for s in split_sentences(text).sentences]
    agree = all(tok.encode(s).ids == bpe.encode(s, own) for s in sents)
    order = bool(np.array_equal(D.ids.ravel(), D.all_ids[: D.ids.size]))
    norms = np.linalg.norm(D.vectors.astype(np.float64), axis=-1)
    unit = float(np.max(np.abs(norms - 1)))
    ok = agree and order and D.vectors.dtype == np.float32 and D.vectors.shape[1] == T and unit < 1e-6
    return CheckOutcome(ok, f"Sample corpus ({folder}): {D.n_sentences} sentences ({D.splitter}), {D.n_tokens} tokens, "
                        f"D of shape {tuple(D.vectors.shape)} {D.vectors.dtype}; tokenizers == own BPE encoder: {agree}; "
                        f"windows are the token stream in order: {order}; max |‖token‖ - 1| = {unit:.1e}.",
                        {"sample": D.to_json(), "tokenizer_agrees": agree, "order_kept": order, "unit_norm_error": unit},
                        summary=f"pipeline on the sample files: D {tuple(D.vectors.shape)}, order kept {order}, "
                                f"tokenizer agrees {agree}")


# ---------------------------------------------------------------------------------------------------------
# data-free sub-claims: the mechanism, the threshold, the shuffle
# ---------------------------------------------------------------------------------------------------------
def check_nontrivial_exact(ctx) -> CheckOutcome:
    """Exact rational arithmetic (SymPy), d = 8 >> T = 5: a window of distinct tokens has min (5) = 0 (X has full
    row rank, XX^+ = I); the window (a, b, a, c, e) has min (5) = |b - c|²/4 > 0."""
    import sympy

    rng = ctx.rng(41)
    d = 8

    def min_loss(rows):
        X = sympy.Matrix(rows[:-1])
        Y = sympy.Matrix(rows[1:])
        proj = X * X.pinv()
        R = (sympy.eye(X.rows) - proj) * Y
        return sympy.nsimplify(sympy.simplify(sum(x ** 2 for x in R) / 2))

    vecs = [[sympy.Rational(int(v), 7) for v in rng.integers(-9, 10, d)] for _ in range(5)]
    a, b, c, e, f = vecs
    distinct = min_loss([a, b, c, e, f])
    repeated = min_loss([a, b, a, c, e])
    expected = sympy.nsimplify(sum((x - y) ** 2 for x, y in zip(b, c)) / 4)
    ok = distinct == 0 and repeated == expected and repeated > 0
    return CheckOutcome(ok, f"Exact (rational vectors in d = {d}): min_W (5) of five distinct tokens = {distinct}; of "
                        f"(a, b, a, c, e) = {repeated} = |b - c|²/4 ({expected}). T = 5 << d does not make every "
                        "window exact: a repeated token with two successors cannot be fitted.",
                        {"distinct": str(distinct), "repeated": str(repeated)},
                        derived=[DerivedExpression.from_sympy("min_loss_repeated", repeated,
                                                              "min of (5) for (a, b, a, c, e)")],
                        summary=f"exact: distinct tokens give min (5) = {distinct}; (a, b, a, c, e) gives |b-c|²/4 > 0")


def _pattern_study(rng, dims=(8, 64, 1280), reps: int = 3) -> dict:
    from ical_verify.numerics import ar_fit as af

    pats = np.array(af.equality_patterns(T))
    inc = af.inconsistent_windows(pats)
    pred_conf = af.predecessor_conflicts(pats)
    out = {"patterns": len(pats), "inconsistent": int(inc.sum()), "rows": []}
    worst_agree, worst_value = True, 0.0
    for d in dims:
        for _ in range(reps):
            E = rng.standard_normal((T, d))
            E /= np.linalg.norm(E, axis=1, keepdims=True)
            V = E[pats]                                                         # (52, T, d)
            loss = af.min_inner_loss(V)
            pred = af.predicted_min_loss(pats, V)
            agree = bool(np.array_equal(loss > 1e-20, inc))
            worst_agree &= agree
            worst_value = max(worst_value, float(np.max(np.abs(loss - pred))))
            out["rows"].append({"d": d, "agree": agree, "max_loss_consistent": float(loss[~inc].max()),
                                "min_loss_inconsistent": float(loss[inc].min())})
    out["agree"] = worst_agree
    out["value_error"] = worst_value
    out["predecessor_only"] = [list(map(int, p)) for p, i, c in zip(pats, inc, pred_conf) if c and not i]
    return out


def check_characterisation(ctx) -> CheckOutcome:
    """All 52 equality patterns of a window of 5 tokens, random unit vectors in d = 8, 64, 1280: min (5) > 0 iff a
    token among s_1..s_4 has two different successors, and its value is half the successors' scatter."""
    st = _pattern_study(ctx.rng(42))
    ok = st["agree"] and st["value_error"] < 1e-12
    return CheckOutcome(ok, f"Over the {st['patterns']} equality patterns of T = 5 (3 draws each of d = 8, 64, 1280): min "
                        f"(5) > 0 exactly for the {st['inconsistent']} patterns with a token followed by two different "
                        f"tokens ({'every draw' if st['agree'] else 'NOT every draw'}); min (5) equals half the successors' "
                        f"within-token scatter to {st['value_error']:.1e}.", st,
                        summary=f"min (5) > 0 iff a token recurs with different successors ({st['inconsistent']}/52 "
                                f"patterns); value = ½ successor scatter (to {st['value_error']:.0e})",
                        scope="T = 5, all patterns; d = 8, 64, 1280 (random tokens; (A) holds a.s.)")


def check_predecessors(ctx) -> CheckOutcome:
    """'identical elements with differing [...] predecessors': do patterns with a token preceded by two different
    tokens, but no token with two successors, give a positive loss? (They never do.)"""
    from ical_verify.numerics import ar_fit as af

    st = _pattern_study(ctx.rng(43), dims=(64,), reps=1)
    pats = [tuple(p) for p in st["predecessor_only"]]
    rng = ctx.rng(44)
    E = rng.standard_normal((T, 64))
    E /= np.linalg.norm(E, axis=1, keepdims=True)
    losses = af.min_inner_loss(E[np.array(pats)]) if pats else np.array([])
    positive = int(np.sum(losses > 1e-20))
    passed = bool(pats) and positive == len(pats)
    return CheckOutcome(passed, f"{len(pats)} of the 52 patterns have a token preceded by two different tokens but none "
                        f"followed by two (e.g. {pats[:3]}); min (5) is positive for {positive} of them (largest "
                        f"{float(losses.max()) if len(losses) else 0:.1e}). W need not be injective: W s = s' for two "
                        "different s is allowed, so differing predecessors never make the fit non-trivial.",
                        {"predecessor_only_patterns": [list(p) for p in pats], "losses": losses.tolist()},
                        severity="wording",
                        summary=f"differing predecessors alone: {positive}/{len(pats)} patterns with a positive loss "
                                "(never): only successors matter")


def true_ranks(S) -> np.ndarray:
    """Rank of X = (s_1..s_(T-1)) per window, in float64 (relative tolerance 1e-9): (n,)."""
    X = np.asarray(S, dtype=np.float64)[:, :-1]
    return np.linalg.matrix_rank(X, tol=None, rtol=1e-9)


def _mechanism_pipeline_rows(ctx, embeddings=None) -> list:
    """Original and 8 shuffles of the sample data set: the windows with rollout MSE > 1e-12 (float64 SVD rollout,
    and the authors' float32 lstsq) against the characterisation (token ids only). Windows where float32 lstsq
    reports a rank below the true rank (a rank misreport) are counted apart."""
    from ical_verify.numerics import ar_fit as af
    from ical_verify.numerics.data.fig4 import embed

    D, _ = sample_windows()
    matrix = D.embedding_matrix if embeddings is None else embeddings
    rng = ctx.rng(45)
    rows = []
    for k in range(9):
        ids = D.ids if k == 0 else af.shuffle_windows(D.ids, rng)
        vec = embed(ids, matrix, D.settings)
        fit = af.authors_fit(vec)
        above32 = fit.mse > THRESHOLD
        above64 = af.rollout_mse(vec.astype(np.float64)) > THRESHOLD
        pred = af.inconsistent_windows(ids)
        misreport = fit.rank < true_ranks(vec)
        ok = ~misreport
        rows.append({"dataset": "original" if k == 0 else f"shuffle-{k}", "above_threshold": int(above64.sum()),
                     "above_threshold_authors": int(above32.sum()), "predicted": int(pred.sum()),
                     "same_set": bool(np.array_equal(above64, pred)),
                     "same_set_authors": bool(np.array_equal(above32[ok], pred[ok])),
                     "rank_misreports": int(misreport.sum()),
                     "max_mse_predicted_exact": float(fit.mse[~pred & ok].max()) if (~pred & ok).any() else 0.0,
                     "min_mse_predicted_positive": float(fit.mse[pred].min()) if pred.any() else None})
    return rows


def check_mechanism_pipeline(ctx) -> CheckOutcome:
    """On the project's sample corpus through the real pipeline: the windows above the threshold are exactly the
    windows the characterisation predicts from the token ids, original and 8 shuffles (float64 rollout; and the
    authors' float32 lstsq wherever it reports the true rank)."""
    rows = _mechanism_pipeline_rows(ctx)
    ok = all(r["same_set"] and r["same_set_authors"] for r in rows)
    mis = sum(r["rank_misreports"] for r in rows)
    return CheckOutcome(ok, "Sample corpus: windows above 1e-12 vs predicted (a token with two successors): "
                        + "; ".join(f"{r['dataset']} {r['above_threshold']}/{r['predicted']} same set {r['same_set']}"
                                    for r in rows)
                        + f". The authors' float32 lstsq agrees wherever it reports the true rank "
                          f"({all(r['same_set_authors'] for r in rows)}; {mis} rank misreports).", {"datasets": rows},
                        summary=f"sample corpus: above-threshold windows = predicted windows in "
                                f"{sum(r['same_set'] and r['same_set_authors'] for r in rows)}/{len(rows)} data sets")


def check_mechanism_corrected(ctx) -> CheckOutcome:
    """The corrected sentence: the characterisation (all patterns, three widths) and no effect of predecessors."""
    a = check_characterisation(ctx)
    b = check_predecessors(ctx)
    ok = bool(a.passed) and b.passed is False
    return CheckOutcome(ok, f"{a.summary}; {b.summary}.", {"characterisation": a.metrics}, corrected=CORRECTED_MECHANISM,
                        summary="min (5) > 0 iff a token recurs with different successors (½ successor scatter); "
                                "predecessors play no role")


def threshold_study(rng, coherences=(0.0, 0.6, 0.99), reps: int = 2, authors_per_coherence: int = 52,
                    d: int = D_TEXT, vocabulary: int = 3000) -> dict:
    """Float32 and float64 noise floors of Figure 4's MSE for exactly fittable windows, and the smallest MSE of
    inconsistent windows, for GPT-2-like unit embeddings (d = 1280, common direction of cosine ρ)."""
    from ical_verify.numerics import ar_fit as af
    from ical_verify.numerics.data.embeddings import random_embeddings

    pats = np.array(af.equality_patterns(T))
    inc = af.inconsistent_windows(pats)
    rows = []
    for rho in coherences:
        E = random_embeddings(vocabulary, d, seed=int(rng.integers(2**31)), coherence=rho)
        E = E / np.linalg.norm(E, axis=1, keepdims=True)
        ids = np.concatenate([np.stack([rng.choice(vocabulary, T, replace=False)[p] for p in pats])
                              for _ in range(reps)])
        flags = np.tile(inc, reps)
        V = E[ids]
        f32 = af.rollout_mse(V.astype(np.float32))
        f64 = af.rollout_mse(V.astype(np.float64))
        sub = np.arange(min(authors_per_coherence, len(ids)))
        fit = af.authors_fit(V[sub].astype(np.float32))
        mis = fit.rank < true_ranks(V[sub])
        good = ~mis
        rows.append({"coherence": rho, "windows": int(len(ids)),
                     "float32_max_exact": float(f32[~flags].max()), "float32_min_positive": float(f32[flags].min()),
                     "float64_max_exact": float(f64[~flags].max()), "float64_min_positive": float(f64[flags].min()),
                     "authors_windows": int(len(sub)),
                     "authors_float32_max_exact": float(fit.mse[~flags[sub] & good].max()),
                     "authors_float32_min_positive": float(fit.mse[flags[sub]].min()),
                     "authors_rank_misreports": int(mis.sum()),
                     "authors_float32_agree": bool(np.array_equal(fit.mse[good] > THRESHOLD, flags[sub][good]))})
    return {"rows": rows, "d": d, "threshold": THRESHOLD}


def judge_threshold(study: dict, threshold: float = THRESHOLD) -> CheckOutcome:
    """The threshold separates: every exactly fittable window below it, every inconsistent one above, in the authors'
    float32 computation (and float64). Rank misreports of float32 lstsq (exact fits turned into errors of order
    1e-3, which no threshold can catch) are counted apart, with their rate."""
    from ical_verify.numerics.binomial import success_rate

    rows = study["rows"]
    floor32 = max(max(r["float32_max_exact"], r["authors_float32_max_exact"]) for r in rows)
    floor64 = max(r["float64_max_exact"] for r in rows)
    low = min(min(r["float32_min_positive"], r["authors_float32_min_positive"]) for r in rows)
    mis = sum(r["authors_rank_misreports"] for r in rows) + study.get("extra_misreports", 0)
    n_auth = sum(r["authors_windows"] for r in rows) + study.get("extra_windows", 0)
    rate = success_rate(mis, n_auth)
    ok = floor32 < threshold < low and floor64 < threshold
    return CheckOutcome(ok, f"Unit GPT-2-like embeddings (d = {study['d']}, common-direction cosine "
                        + ", ".join(str(r["coherence"]) for r in rows) + f"): exactly fittable windows have MSE <= "
                        f"{floor32:.1e} in float32 (authors' lstsq and an SVD rollout) and <= {floor64:.1e} in float64; "
                        f"inconsistent windows have MSE >= {low:.1e} (about 2(1 - cos)/(4Td) for two successors). The "
                        f"threshold {threshold:g} lies in the float32 gap: 'MSE > {threshold:g}' is 'min (5) > 0' in "
                        "exact arithmetic. It would fail only for successors with 1 - cos below ~1e-8 or a float32 noise "
                        f"floor 1000 times higher. Separately, float32 torch.linalg.lstsq (default gelsy, rcond = "
                        f"eps·max(m, n)) reported a rank below the true one in {mis}/{n_auth} (95 % interval "
                        f"{rate.interval[0]:.1e} to {rate.interval[1]:.1e}) of the windows fitted as the "
                        "authors do (here: torch " + study.get("torch", "?") + "); such a window shows an error of order "
                        "1e-3 however exact its fit, and no threshold removes it (scipy's sgelsy with the same "
                        "tolerance does not misreport on the cases seen).", study,
                        summary=f"float32 noise floor {floor32:.0e} (float64 {floor64:.0e}) < {threshold:g} < smallest "
                                f"positive MSE {low:.0e}: the threshold separates exact from inconsistent windows; "
                                f"float32 lstsq rank misreports {mis}/{n_auth}")


def check_threshold(ctx) -> CheckOutcome:
    import torch

    study = threshold_study(ctx.rng(46))
    study["torch"] = torch.__version__
    if not ctx.quick:
        study.update(misreport_rate(ctx.rng(52), 4000))
    return judge_threshold(study)


def misreport_rate(rng, windows: int, d: int = D_TEXT) -> dict:
    """Rank misreports of float32 torch.linalg.lstsq on ``windows`` windows of 5 distinct random unit tokens."""
    import torch

    mis = 0
    for _ in range(windows):
        x = rng.standard_normal((T, d))
        x = torch.as_tensor((x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32))
        mis += int(torch.linalg.lstsq(x[:-1], x[1:]).rank) < T - 1
    return {"extra_misreports": mis, "extra_windows": windows}


def check_zero_sets(ctx) -> CheckOutcome:
    """The caption's 'MSE when fitting' is the rollout's MSE in the authors' code; loss (5) and the rollout MSE vanish
    on the same windows (induction on k), all 52 patterns, float64."""
    from ical_verify.numerics import ar_fit as af

    rng = ctx.rng(47)
    pats = np.array(af.equality_patterns(T))
    rows, ok = [], True
    for d in (8, 64):
        E = rng.standard_normal((T, d))
        E /= np.linalg.norm(E, axis=1, keepdims=True)
        V = E[pats]
        loss = af.min_inner_loss(V)
        roll = af.rollout_mse(V)
        same = bool(np.array_equal(loss > 1e-20, roll > 1e-20))
        ok &= same
        pos = loss > 1e-20
        rows.append({"d": d, "same_zero_set": same, "rollout_over_loss_min": float((roll[pos] / loss[pos]).min()),
                     "rollout_over_loss_max": float((roll[pos] / loss[pos]).max())})
    return CheckOutcome(ok, "Rollout MSE (plotted) and min (5) have the same zero set over the 52 patterns: "
                        + "; ".join(f"d = {r['d']}: {r['same_zero_set']}, ratio of positive values "
                                    f"{r['rollout_over_loss_min']:.2g}..{r['rollout_over_loss_max']:.2g}" for r in rows)
                        + ". The histogram's selection (> 1e-12) is the same under both readings of 'MSE'; its values "
                        "are the rollout's.", {"rows": rows, "authors_plot": AUTHORS_CODE["plotted_mse"]},
                        summary="rollout MSE and loss (5) vanish on the same windows: the displayed set is the same")


def zipf_pool(rng, target: float, tokens: int = 50_000, vocabulary: int = 10_000) -> np.ndarray:
    """Token counts of a Zipf-law pool (``tokens`` tokens) whose exact shuffled inconsistency probability is
    ``target`` (exponent by bisection)."""
    from ical_verify.numerics.ar_fit import expected_inconsistent_fraction

    ranks = np.arange(1, vocabulary + 1)
    lo, hi = 0.5, 1.5
    counts = None
    for _ in range(14):
        s = (lo + hi) / 2
        p = ranks ** -s
        counts = np.random.default_rng(0).multinomial(tokens, p / p.sum())
        if expected_inconsistent_fraction(counts, T) < target:
            lo = s
        else:
            hi = s
    return counts


def check_shuffle_definition(ctx) -> CheckOutcome:
    """'Across the first two dimensions' is 'a permutation of the tokens' (multiset kept, windows not), and the
    expected number of inconsistent shuffled windows depends only on the pool's token counts (exact pattern law,
    checked against 400 permutations of the sample corpus at 6 sigma)."""
    from ical_verify.numerics import ar_fit as af

    rng = ctx.rng(48)
    x = rng.standard_normal((50, T, 3))
    y = af.shuffle_windows(x, rng, "tokens")
    same_multiset = bool(np.allclose(np.sort(x.reshape(-1, 3), axis=0), np.sort(y.reshape(-1, 3), axis=0)))
    moved = float(np.mean(np.any(x != y, axis=(1, 2))))
    D, _ = sample_windows()
    counts = np.bincount(D.ids.ravel())
    p = af.expected_inconsistent_fraction(counts, T)
    n = len(D.ids)
    draws = np.array([af.inconsistent_windows(af.shuffle_windows(D.ids, rng)).sum() for _ in range(400)])
    se = np.sqrt(np.var(draws, ddof=1) / len(draws))
    z = (draws.mean() - n * p) / se
    ok = same_multiset and moved > 0.5 and abs(z) < 6
    return CheckOutcome(ok, f"Shuffling the (n, T) axes is one permutation of the n·T tokens (token multiset kept: "
                        f"{same_multiset}; {moved:.0%} of windows changed). Exact expected inconsistent windows of the "
                        f"shuffled sample corpus: {n * p:.3f} of {n}; 400 permutations give {draws.mean():.3f} (z = {z:.2f}). "
                        "The authors' script permutes the tokens of the first 10000 windows "
                        f"({AUTHORS_CODE['shuffle_script'][1]}), their notebook the tokens of the whole book "
                        f"({AUTHORS_CODE['shuffle_notebook'][1]}): 'a permutation of the tokens of the book' is the "
                        "notebook's; the two pools differ only through their token counts.",
                        {"same_multiset": same_multiset, "expected": n * p, "monte_carlo_mean": float(draws.mean()),
                         "z": float(z), "authors_code": {k: AUTHORS_CODE[k] for k in ("shuffle_script", "shuffle_notebook")}},
                        summary=f"the shuffle is a token permutation; expected shuffled count from token counts alone "
                                f"(exact law vs 400 permutations: z = {z:.1f})")


def check_shuffle_seed(ctx) -> CheckOutcome:
    """The authors' shuffle is unseeded. On Zipf pools of 50000 tokens calibrated to the published shuffled rate
    (699/10000), the count of inconsistent shuffled windows over 64 seeds has a spread close to binomial; the
    published 699/175 would move within [lo, hi], still '4 times'."""
    from ical_verify.numerics import ar_fit as af

    rng = ctx.rng(49)
    shuffled, original = sum(AUTHORS_HISTOGRAM["shuffled"]), sum(AUTHORS_HISTOGRAM["original"])
    counts = zipf_pool(rng, shuffled / N_WINDOWS)
    pool = np.repeat(np.arange(len(counts)), counts)[: N_WINDOWS * T].reshape(N_WINDOWS, T)
    seeds = ctx.starts(64, 256)
    draws = np.array([af.inconsistent_windows(af.shuffle_windows(pool, rng)).sum() for _ in range(seeds)])
    mean, sd = float(draws.mean()), float(draws.std(ddof=1))
    # the band the published ratio would move in under another seed: +-2 standard deviations of the count (about
    # 95 % of seeds); the extreme of the 64 draws is not used: it moves with the seed and failed one seed in 20
    lo, hi = (shuffled * (1 + k * sd / mean) / original for k in (-2, 2))
    ok = sd <= 1.5 * np.sqrt(mean) and 3.5 <= lo and hi < 4.5
    return CheckOutcome(ok, f"Zipf pool (50000 tokens, exact shuffled rate {af.expected_inconsistent_fraction(counts, T):.4f}): "
                        f"over {seeds} seeds the shuffled count is {mean:.1f} ± {sd:.1f} (binomial would be "
                        f"{np.sqrt(mean * (1 - mean / N_WINDOWS)):.1f}), range {draws.min()}..{draws.max()}. Scaled to the "
                        f"published {shuffled} vs {original}, the ratio would move within [{lo:.2f}, {hi:.2f}] for about 95 % "
                        "of seeds (+-2 standard deviations): the seed does not change '4 times'.", {"draws": draws.tolist(), "mean": mean, "sd": sd, "ratio_range": [lo, hi]},
                        summary=f"unseeded shuffle: count ± {sd / mean:.1%} over {seeds} seeds; published ratio would "
                                f"move within [{lo:.2f}, {hi:.2f}] (95 % of seeds)")


def check_authors_histogram(ctx) -> CheckOutcome:
    """The authors' released Figure 4 (bar heights of figures/hist.pdf): windows above 1e-12, original vs shuffled."""
    o, s = sum(AUTHORS_HISTOGRAM["original"]), sum(AUTHORS_HISTOGRAM["shuffled"])
    ratio = s / o
    ok = 3.5 <= ratio < 4.5
    return CheckOutcome(ok, f"Authors' released histogram (github.com/michaelsdr/ical@{AUTHORS_CODE['commit'][:7]}, "
                        f"figures/hist.pdf, 100 bars per series): {o} original and {s} shuffled windows of 10000 above "
                        f"1e-12 (1.75 % vs 6.99 %), ratio {ratio:.2f}; MSE ranges {AUTHORS_HISTOGRAM['mse_range']}. "
                        "Consistent with the sentence; it is the authors' own run, not a reproduction.",
                        {"original": o, "shuffled": s, "ratio": ratio},
                        summary=f"authors' released histogram: {o} vs {s} windows above 1e-12, ratio {ratio:.2f}")


def check_uniform_random(ctx) -> CheckOutcome:
    """'better explains real data than random ones' with random = i.i.d. uniform GPT-2 tokens: expected inconsistent
    windows (exact) vs the original book's published count."""
    from ical_verify.numerics.ar_fit import expected_inconsistent_fraction

    p = expected_inconsistent_fraction(np.ones(50257), T, "iid")
    expected = p * N_WINDOWS
    original = sum(AUTHORS_HISTOGRAM["original"])
    ok = original < expected          # the reading: real text has fewer inconsistent windows than random text
    return CheckOutcome(ok, f"Windows of 5 i.i.d. uniform tokens of GPT-2's 50257: {expected:.2f} inconsistent per 10000 "
                        f"expected (exact), against {original} for Moby Dick (the authors' histogram). Random token "
                        "sequences are fitted exactly more often than the book: the comparison favours real text only "
                        "against random sequences with the book's token frequencies (the shuffle).",
                        {"uniform_expected": expected, "original_published": original}, severity="wording",
                        summary=f"uniform random tokens: {expected:.1f} inconsistent windows per 10000 vs {original} for "
                                "the book: random sequences fit better")


def check_embedding_invariance(ctx) -> CheckOutcome:
    """Does the statistic see the embeddings' semantics? The above-threshold windows of the sample corpus with its
    embeddings, with other random embeddings, and with anisotropic ones (cosine 0.6): identical sets."""
    from ical_verify.numerics.data.embeddings import random_embeddings

    D, _ = sample_windows()
    V = D.embedding_matrix.shape[0]
    base = _mechanism_pipeline_rows(ctx)
    other = _mechanism_pipeline_rows(ctx, random_embeddings(V, D.d, seed=int(ctx.rng(50).integers(2**31))))
    aniso = _mechanism_pipeline_rows(ctx, random_embeddings(V, D.d, seed=7, coherence=0.6))
    same = all(a["above_threshold"] == b["above_threshold"] == c["above_threshold"] and a["same_set"] and b["same_set"]
               and c["same_set"] for a, b, c in zip(base, other, aniso))
    return CheckOutcome(not same, f"Sample corpus, original and 8 shuffles: windows above 1e-12 with the file's embeddings "
                        f"{[r['above_threshold'] for r in base]}, with other random embeddings "
                        f"{[r['above_threshold'] for r in other]}, with anisotropic ones {[r['above_threshold'] for r in aniso]}: "
                        f"{'identical' if same else 'different'} sets. Under (A) the count is a function of the token ids "
                        "alone: it measures repetitions with different successors, not what the embeddings encode.",
                        {"file": base, "other": other, "anisotropic": aniso}, severity="wording",
                        summary=f"the count is {'invariant' if same else 'NOT invariant'} to replacing the embeddings "
                                "(token ids decide it): no embedding semantics involved")


# ---------------------------------------------------------------------------------------------------------
# real data
# ---------------------------------------------------------------------------------------------------------
def real_evidence(seed: int, profile: str) -> dict:
    """Figure 4 on the real files named by the environment (cached per files, seed and profile)."""
    return _real_evidence(seed, profile, real_data())


real_evidence.cache_clear = lambda: _real_evidence.cache_clear()


@lru_cache(maxsize=2)
def _real_evidence(seed: int, profile: str, rd: RealData) -> dict:
    """Figure 4 on the real files: D, its fits, the shuffles (two pools, many seeds), controls."""
    from ical_verify.numerics import ar_fit as af
    from ical_verify.numerics.data.fig4 import Fig4Settings, build_windows

    D = build_windows(rd.corpus, rd.tokenizer_dir, rd.embeddings, Fig4Settings(T=T, n_windows=rd.windows), rd.fileid)
    n = len(D.ids)
    rng = np.random.default_rng([seed, 4004])
    seeds = 8 if profile == "quick" else 32
    mse = af.rollout_mse(D.vectors)                                            # float32 SVD rollout, all windows
    pred = af.inconsistent_windows(D.ids)
    sample = np.arange(n) if profile == "full" else rng.choice(n, min(n, 200), replace=False)
    fit = af.authors_fit(D.vectors[sample])
    authors = fit.mse
    misreport = fit.rank < true_ranks(D.vectors[sample])
    rank_bad = af.distinct_rank_deficient(D.ids[: min(n, 2000)], D.vectors[: min(n, 2000)].astype(np.float64))
    pools = {"script": D.ids.ravel(), "notebook": D.all_ids}
    shuffles = {}
    for name, pool in pools.items():
        counts, fits = [], []
        for k in range(seeds):
            perm = pool[rng.permutation(len(pool))][: n * T].reshape(n, T)
            counts.append(int(af.inconsistent_windows(perm).sum()))
            if k == 0:
                vec = D.embed(perm)
                m = af.rollout_mse(vec)
                fits.append({"above": int((m > THRESHOLD).sum()),
                             "same_set": bool(np.array_equal(m > THRESHOLD, af.inconsistent_windows(perm))),
                             "mse_above": m[m > THRESHOLD].tolist()})
        law = af.pattern_law(np.bincount(pool), T)
        shuffles[name] = {"counts": counts, "expected": law.inconsistent * n, "fits": fits}
    within = [int(af.inconsistent_windows(af.shuffle_windows(D.ids, rng, "within-windows")).sum()) for _ in range(seeds)]
    windows = [int(af.inconsistent_windows(af.shuffle_windows(D.ids, rng, "windows")).sum()) for _ in range(seeds)]
    return {"D": D.to_json(), "n": n, "d": D.d, "tokens": D.n_tokens, "mse": mse, "predicted": pred,
            "original_count": int((mse > THRESHOLD).sum()), "predicted_count": int(pred.sum()),
            "authors_sample": {"indices": sample.tolist(), "mse": authors.tolist(),
                               "rank_misreports": int(misreport.sum()),
                               "agree": bool(np.array_equal((authors > THRESHOLD)[~misreport], pred[sample][~misreport]))},
            "assumption_A_violations": int(rank_bad.sum()), "shuffles": shuffles, "within_windows": within,
            "windows_shuffle": windows, "seeds": seeds}


def _real_check(judge):
    def run(ctx) -> CheckOutcome:
        ctx.report("fig4: real data", 0, 1)
        return judge(real_evidence(ctx.seed, ctx.profile))

    return run


def judge_setup_real(ev: dict) -> CheckOutcome:
    ok = ev["d"] == D_TEXT and abs(ev["tokens"] / TOKENS_TEXT - 1) <= 0.05
    return CheckOutcome(ok, f"Real files: {ev['tokens']} tokens (text: about {TOKENS_TEXT}; within 5 %: "
                        f"{abs(ev['tokens'] / TOKENS_TEXT - 1) <= 0.05}), d = {ev['d']}, D {ev['D']}.", {"D": ev["D"]},
                        summary=f"{ev['tokens']} tokens (about 325000?), d = {ev['d']}")


def judge_nontrivial_real(ev: dict) -> CheckOutcome:
    return CheckOutcome(ev["original_count"] > 0, f"{ev['original_count']} of {ev['n']} windows of D have MSE > 1e-12.",
                        {"count": ev["original_count"]}, summary=f"{ev['original_count']}/{ev['n']} windows of D non-trivial")


def judge_mechanism_real(ev: dict) -> CheckOutcome:
    same = bool(np.array_equal(ev["mse"] > THRESHOLD, ev["predicted"]))
    fits = [f for s in ev["shuffles"].values() for f in s["fits"]]
    ok = same and ev["authors_sample"]["agree"] and all(f["same_set"] for f in fits)
    return CheckOutcome(ok, f"D: windows above 1e-12 ({ev['original_count']}) = windows with a token followed by two "
                        f"different tokens ({ev['predicted_count']}): {same}; authors' float32 lstsq on "
                        f"{len(ev['authors_sample']['indices'])} windows agrees where it reports the true rank: "
                        f"{ev['authors_sample']['agree']} ({ev['authors_sample']['rank_misreports']} rank misreports); shuffled "
                        f"data sets agree: {[f['same_set'] for f in fits]}; assumption (A) fails in "
                        f"{ev['assumption_A_violations']} of the first 2000 windows.", {"authors_sample": ev["authors_sample"]},
                        summary=f"real D: above-threshold set = predicted set ({same})")


def _ratio_stats(ev: dict) -> dict:
    o = ev["original_count"]
    out = {}
    for name, s in ev["shuffles"].items():
        r = np.array(s["counts"]) / max(o, 1)
        out[name] = {"median": float(np.median(r)), "min": float(r.min()), "max": float(r.max()),
                     "counts_median": float(np.median(s["counts"])), "expected": s["expected"],
                     "round_to_4": int(np.sum((r >= 3.5) & (r < 4.5))), "seeds": len(r)}
    return out


def judge_ratio_real(ev: dict) -> CheckOutcome:
    from ical_verify.numerics.binomial import success_rate

    st = _ratio_stats(ev)
    rates = {k: success_rate(v["round_to_4"], v["seeds"]) for k, v in st.items()}
    decisions = [r.judge(0.5) for r in rates.values()]
    passed = True if all(x is True for x in decisions) else (False if any(x is False for x in decisions) else None)
    return CheckOutcome(passed, f"Original: {ev['original_count']} windows above 1e-12; shuffled ({ev['seeds']} seeds): "
                        + "; ".join(f"{k} pool median count {v['counts_median']:.0f} (exact expectation "
                                    f"{v['expected']:.1f}), ratio median {v['median']:.2f} in [{v['min']:.2f}, "
                                    f"{v['max']:.2f}], rounds to 4 in {rates[k]}" for k, v in st.items()) + ".",
                        {"ratios": st, "rates": {k: r.to_json() for k, r in rates.items()}},
                        summary="shuffled/original: " + ", ".join(f"{k} {v['median']:.2f} [{v['min']:.2f}, {v['max']:.2f}]"
                                                                   for k, v in st.items()))


def _more_than_original(ev: dict):
    """Per pool: how many seeds give more inconsistent shuffled windows than the original, as a success rate."""
    from ical_verify.numerics.binomial import success_rate

    o = ev["original_count"]
    return {k: success_rate(int(np.sum(np.array(s["counts"]) > o)), len(s["counts"])) for k, s in ev["shuffles"].items()}


def judge_hypothesis_real(ev: dict) -> CheckOutcome:
    st = _ratio_stats(ev)
    rates = _more_than_original(ev)
    decisions = [r.judge(0.5) for r in rates.values()]
    intact = all(c == ev["original_count"] for c in ev["windows_shuffle"])
    more = True if all(x is True for x in decisions) else (False if any(x is False for x in decisions) else None)
    passed = (more if intact else False) if more is not None else None
    return CheckOutcome(passed, f"Inconsistent windows: original {ev['original_count']}; token permutation "
                        + ", ".join(f"{k} median {v['counts_median']:.0f}, more than the original in {rates[k]}"
                                    for k, v in st.items())
                        + f"; within-window permutation (composition kept, order lost) median "
                        f"{np.median(ev['within_windows']):.0f}; window permutation (control, windows intact) "
                        f"{sorted(set(ev['windows_shuffle']))} (must equal the original: {intact}).",
                        {"within_windows": ev["within_windows"], "windows_shuffle": ev["windows_shuffle"],
                         "rates": {k: r.to_json() for k, r in rates.items()}},
                        summary=f"shuffling raises inconsistencies: {more}; window-order control unchanged: {intact}")


def judge_threshold_real(ev: dict) -> CheckOutcome:
    mse, pred = ev["mse"], ev["predicted"]
    floor = float(mse[~pred].max()) if (~pred).any() else 0.0
    low = float(mse[pred].min()) if pred.any() else float("inf")
    ok = floor < THRESHOLD < low
    return CheckOutcome(ok, f"Real D: exactly fittable windows have MSE <= {floor:.1e}, inconsistent ones >= {low:.1e}.",
                        {"floor": floor, "lowest_positive": low},
                        summary=f"real D: noise floor {floor:.0e} < 1e-12 < {low:.0e}")


def judge_conclusion_real(ev: dict) -> CheckOutcome:
    st = _ratio_stats(ev)
    rates = _more_than_original(ev)
    decisions = [r.judge(0.5) for r in rates.values()]
    ok = True if all(x is True for x in decisions) else (False if any(x is False for x in decisions) else None)
    frac = 1 - ev["original_count"] / ev["n"]
    return CheckOutcome(ok, f"Exactly fitted windows: original {frac:.2%}; shuffled "
                        + ", ".join(f"{k} {1 - v['counts_median'] / ev['n']:.2%} (original better in {rates[k]})"
                                    for k, v in st.items()) + ".",
                        {"ratios": st, "rates": {k: r.to_json() for k, r in rates.items()}},
                        summary=f"exact fits: original {frac:.2%} vs shuffled medians "
                                + ", ".join(f"{1 - v['counts_median'] / ev['n']:.2%}" for v in st.values()))


# ---------------------------------------------------------------------------------------------------------
# artefacts
# ---------------------------------------------------------------------------------------------------------
def real_data_artefact(ctx) -> ArtefactOutcome:
    rd = real_data()
    return ArtefactOutcome(rd.reason(), metrics={"available": rd.available, "env": {
        ENV_CORPUS: rd.corpus, ENV_TOKENIZER: rd.tokenizer_dir, ENV_EMBEDDINGS: rd.embeddings,
        ENV_FILEID: rd.fileid, ENV_WINDOWS: rd.windows}})


def figure(ctx) -> ArtefactOutcome:
    """Figure 4 redrawn: histograms of the MSEs above 1e-12, original (blue) and shuffled (orange); real data when
    given, else the project's sample corpus (labelled as such), with the authors' released bars for reference."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ical_verify.numerics import ar_fit as af

    rd = real_data()
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    if rd.available:
        ev = real_evidence(ctx.seed, ctx.profile)
        orig = ev["mse"][ev["mse"] > THRESHOLD]
        shuf = np.asarray(ev["shuffles"]["script"]["fits"][0]["mse_above"])
        label = f"{Path(rd.corpus).name} with {Path(rd.embeddings).name} (d = {ev['d']}, {ev['n']} windows)"
    else:
        D, _ = sample_windows()
        m0 = af.rollout_mse(D.vectors)
        m1 = af.rollout_mse(D.embed(af.shuffle_windows(D.ids, ctx.rng(51))))
        orig, shuf = m0[m0 > THRESHOLD], m1[m1 > THRESHOLD]
        label = f"project's sample corpus, NOT Moby Dick (d = {D.d}, {len(D.ids)} windows)"
    ax = axes[0]
    ax.hist(orig, bins=30, color="#007acc", alpha=0.7, label=f"Original ({len(orig)})")
    ax.hist(shuf, bins=30, color="#cc7000", alpha=0.5, label=f"Shuffled ({len(shuf)})")
    ax.set_xlabel("MSE (rollout, > 1e-12)")
    ax.set_ylabel("Frequency")
    ax.set_title(label, fontsize=9)
    ax.legend()
    bx = axes[1]
    for key, color in (("shuffled", "#cc7000"), ("original", "#007acc")):
        lo, hi = AUTHORS_HISTOGRAM["mse_range"][key]
        heights = AUTHORS_HISTOGRAM[key]
        edges = np.linspace(lo, hi, len(heights) + 1)
        bx.stairs(heights, edges, color=color, fill=True, alpha=0.5,
                  label=f"{key.capitalize()} ({sum(heights)})")
    bx.set_xlabel("MSE (> 1e-12)")
    bx.set_ylabel("Frequency")
    bx.set_title("Authors' released Figure 4 (bar heights of figures/hist.pdf)", fontsize=9)
    bx.legend()
    fig.tight_layout()
    path = ctx.figure_path(CLAIM_ID, "histograms.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return ArtefactOutcome(f"Figure 4 redrawn ({label}) beside the authors' bars: {path}", figures=[str(path)])


def _finding(result) -> str:
    counts: dict = {}
    for s in result.subclaims:
        counts[s.verdict] = counts.get(s.verdict, 0) + 1
    head = ", ".join(f"{n} {v}" for v, n in counts.items()) + f" of {len(result.subclaims)} sub-claims"
    bad = [s for s in result.subclaims if s.verdict not in ("verified", "not-run")]
    text = head + ": " + "; ".join(f"{s.subclaim.id} {s.verdict}: {s.finding}" for s in bad[:2])
    if any(s.verdict == "not-run" for s in result.subclaims):
        text += f" [not-run: {', '.join(s.subclaim.id for s in result.subclaims if s.verdict == 'not-run')}: set " \
                f"{ENV_CORPUS}, {ENV_TOKENIZER}, {ENV_EMBEDDINGS}]"
    return text


REAL = {
    "setup-real": Check("setup-real", "property", "printed", _real_check(judge_setup_real),
                        "real files: about 325000 tokens, d = 1280"),
    "nontrivial-real": Check("nontrivial-real", "property", "printed", _real_check(judge_nontrivial_real),
                             "real D: some windows have MSE > 1e-12"),
    "mechanism-real": Check("mechanism-real", "property", "printed", _real_check(judge_mechanism_real),
                            "real D and D_shuffle: above-threshold windows = predicted windows"),
    "hypothesis-real": Check("hypothesis-real", "monte-carlo", "printed", _real_check(judge_hypothesis_real),
                             "real data: shuffling increases inconsistencies (with window-order control)"),
    "ratio-real": Check("ratio-real", "monte-carlo", "printed", _real_check(judge_ratio_real),
                        "real data: shuffled/original ratio rounds to 4 over seeds, both pools"),
    "threshold-real": Check("threshold-real", "property", "printed", _real_check(judge_threshold_real),
                            "real D: the threshold separates exact and inconsistent windows"),
    "conclusion-real": Check("conclusion-real", "monte-carlo", "printed", _real_check(judge_conclusion_real),
                             "real data: the original is fitted exactly more often than every shuffle"),
}

CHECKS = WhenData((
    Check("setup-code", "property", "printed", check_setup_code(), "the printed d and T against the authors' code"),
    Check("pipeline-sample", "property", "printed", check_pipeline_sample,
          "the pipeline (nltk, tokenizers, safetensors) on the project's sample files"),
    Check("shuffle-definition", "monte-carlo", "printed", check_shuffle_definition,
          "shuffle = token permutation; exact expected shuffled count from token counts"),
    Check("shuffle-seed", "monte-carlo", "printed", check_shuffle_seed, "the unseeded shuffle's spread over seeds"),
    Check("nontrivial-exact", "symbolic", "printed", check_nontrivial_exact, "exact witness of a non-trivial window"),
    Check("characterisation", "property", "printed", check_characterisation,
          "min (5) > 0 iff a token recurs with different successors (all patterns)"),
    Check("predecessors", "property", "printed", check_predecessors,
          "differing predecessors alone make the fit non-trivial?", severity="wording"),
    Check("mechanism-pipeline", "property", "printed", check_mechanism_pipeline,
          "sample corpus: above-threshold windows = predicted windows"),
    Check("mechanism-corrected", "property", "corrected", check_mechanism_corrected,
          "corrected mechanism sentence"),
    Check("zero-sets", "property", "printed", check_zero_sets, "rollout MSE and loss (5) have the same zero set"),
    Check("threshold", "property", "printed", check_threshold, "the threshold in float32 and float64"),
    Check("authors-histogram", "property", "printed", check_authors_histogram, "the authors' released bars"),
    Check("uniform-random", "property", "printed", check_uniform_random,
          "random = uniform tokens: are they fitted worse than the book?", severity="wording"),
    Check("embedding-invariance", "property", "printed", check_embedding_invariance,
          "does the statistic depend on the embeddings?", severity="wording"),
), tuple(REAL.values()))


def _sub(always, data=()):
    return WhenData(always, data)


CLAIM = Claim(
    id=CLAIM_ID,
    kind="experiment",
    title="Figure 4: AR fits of GPT-2 embeddings of Moby Dick, original vs shuffled",
    source="§6, 'Validation of the token encoding choice', and Figure 4",
    order=104,
    statement=" ".join(SENTENCES[k] for k in ("setup", "shuffle", "nontrivial", "mechanism", "hypothesis", "ratio"))
              + " " + SENTENCES["caption"],
    definitions={"(5)": INNER_LOSS_5, "MSE": r"\frac{1}{Td}\sum_{k=1}^{T}\|\hat s_k - s_k\|^2,\ \hat s_1 = s_1,\ "
                                              r"\hat s_{k+1} = \hat W\hat s_k\ \text{(authors' code)}",
                 "D": r"(n, T, d) = (10000, 5, 1280)\ \text{windows of consecutive unit-norm GPT-2-large embeddings}",
                 "(A)": r"\text{the distinct tokens among } s_1..s_{T-1} \text{ of a window are linearly independent}"},
    assumptions=("Assumption (A) (distinct tokens linearly independent) holds almost surely for embeddings with "
                 "d >= T; on real data it is checked.",),
    conventions=(
        "Settings from the authors' code (commit beaf4d6), cited by file and line in the checks' metrics: gpt2-large, "
        "T = 5, first n = 10000 windows, unit norm in float32, float32 torch.linalg.lstsq, free-running rollout MSE, "
        "unseeded torch.randperm (script: tokens of the first 10000 windows; notebook: tokens of the whole book).",
        f"Real data from {ENV_CORPUS}, {ENV_TOKENIZER}, {ENV_EMBEDDINGS} (optional {ENV_FILEID}, {ENV_WINDOWS}); "
        "without them the Moby Dick sub-claims are not-run.",
        "Sentence splitting: nltk's pretrained English Punkt when its data is installed, else an untrained Punkt "
        "(recorded); the authors' simplification '.'.join(s.split('.')[:2]); trimming to a multiple of T without the "
        "authors' [:-r] slip (which would give an empty data set when r = 0).",
        "Shuffles over seeds: quick 8, full 32 (real data); seed robustness on a Zipf pool: 64 / 256 seeds.",
    ),
    checks=CHECKS,
    subclaims=(
        SubClaim("setup", SENTENCES["setup"], ("setup-code", "pipeline-sample"), "§6"),
        SubClaim("tokens", SENTENCES["tokens"], _sub((), ("setup-real",)), "§6"),
        SubClaim("shuffle", SENTENCES["shuffle"], ("shuffle-definition", "shuffle-seed"), "§6"),
        SubClaim("nontrivial", SENTENCES["nontrivial"], _sub(("nontrivial-exact",), ("nontrivial-real",)), "§6"),
        SubClaim("mechanism", SENTENCES["mechanism"],
                 _sub(("characterisation", "predecessors", "mechanism-pipeline", "mechanism-corrected"),
                      ("mechanism-real",)), "§6"),
        SubClaim("hypothesis", SENTENCES["hypothesis"], _sub((), ("hypothesis-real",)), "§6"),
        SubClaim("ratio", SENTENCES["ratio"], _sub(("authors-histogram",), ("ratio-real",)), "§6",
                 readings=(
                     Reading("reproduction", "On Moby Dick with GPT-2's tokenizer and embeddings, the shuffled data set "
                             "has about 4 times as many windows above 1e-12, whatever the shuffle's seed.",
                             _sub((), ("ratio-real",)), adopted=True,
                             why="The sentence reports a property of the data; a referee reproduces it."),
                     Reading("authors-run", "The authors' run (their released histogram) has about 4 times more.",
                             ("authors-histogram",),
                             why="What the figure shows; agreement of text and figure, not a reproduction."),
                 )),
        SubClaim("caption", SENTENCES["caption"], _sub(("zero-sets", "threshold"), ("threshold-real",)),
                 "Figure 4, caption"),
        SubClaim("justification", SENTENCES["justification"],
                 _sub(("uniform-random", "embedding-invariance"), ("conclusion-real",)), "§6",
                 readings=(
                     Reading("shuffled-comparator", "'random ones' is D_shuffle and 'semantics' the order of the text: "
                             "the original is fitted exactly more often than its token permutations.",
                             _sub((), ("conclusion-real",)), adopted=True,
                             why="The comparison made in the paragraph is with D_shuffle."),
                     Reading("any-random", "AR processes explain real text better than random sequences in general "
                             "(e.g. uniform random tokens).", ("uniform-random",),
                             why="'random ones' without qualification."),
                     Reading("embedding-semantics", "The result reflects the semantic content of GPT-2's embeddings.",
                             ("embedding-invariance",), why="'semantics' with GPT-2's word embeddings in play."),
                 )),
    ),
    artefacts=(Artefact("real-data", real_data_artefact, "which real files were used, or why not"),
               Artefact("figure", figure, "Figure 4 redrawn (PNG)")),
    finding=_finding,
    notes=("The count of windows above the threshold depends only on the token ids (a token followed by two "
           "different tokens within the first T-1 positions); GPT-2's embeddings enter only through assumption (A) "
           "and the sizes of the positive errors."),
)
