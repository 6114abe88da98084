"""Sander, Giryes, Suzuki, Blondel and Peyré, "How do Transformers perform In-Context Autoregressive
Learning?" (ICML 2024): one module per claim.

Shared definitions (the paper's own wording) live in :mod:`._common` so that every statement is given
with the definition of each symbol it uses.
"""

from ...paper import Paper

PAPER = Paper(
    id="sander2024",
    title="How do Transformers perform In-Context Autoregressive Learning?",
    authors="Michaël E. Sander, Raja Giryes, Taiji Suzuki, Mathieu Blondel, Gabriel Peyré",
    year=2024,
    citation=("Sander, Giryes, Suzuki, Blondel and Peyré, How do Transformers perform In-Context Autoregressive "
              "Learning? (ICML 2024)"),
    bibtex=("@inproceedings{sander2024how,\n"
            "  title     = {How do Transformers Perform In-Context Autoregressive Learning?},\n"
            "  author    = {Sander, Micha{\\\"e}l E. and Giryes, Raja and Suzuki, Taiji and Blondel, Mathieu and "
            "Peyr{\\'e}, Gabriel},\n"
            "  booktitle = {Proceedings of the 41st International Conference on Machine Learning},\n"
            "  series    = {PMLR},\n  volume    = {235},\n  year      = {2024}\n}"),
    sources=("shared/papers/sander2024-in-context-autoregressive-learning.md",),
    claims_package=__name__,
    statements=("remark1", "lemma1", "prop1", "lemma4", "prop2", "lemma2", "prop3",
                "prop4", "prop5", "lemma3", "prop6", "prop7", "remark2"),
    order=1,
)
