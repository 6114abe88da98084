"""Mahankali, Hashimoto and Ma, "One Step of Gradient Descent is Provably the Optimal In-Context Learner with One
Layer of Linear Self-Attention" (2023): one module per claim.

Only the abstract is available (``shared/papers/mahankali2023-one-step-gd-abstract.md``): each claim's statement is
the abstract's sentence as printed, and the suite derives the exact statement (closed forms, conditions,
boundaries) beside it. ``bridge`` relates the isotropic result to Proposition 2 of Sander et al. (2024), whose §4
cites this paper. Shared definitions and the evidence/judge helpers live in :mod:`._common`.
"""

from ...paper import Paper

PAPER = Paper(
    id="mahankali2023",
    title="One Step of Gradient Descent is Provably the Optimal In-Context Learner with One Layer of Linear "
          "Self-Attention",
    authors="Arvind Mahankali, Tatsunori B. Hashimoto, Tengyu Ma",
    year=2023,
    citation=("Mahankali, Hashimoto and Ma, One Step of Gradient Descent is Provably the Optimal In-Context "
              "Learner with One Layer of Linear Self-Attention (arXiv:2307.03576, 2023)"),
    bibtex=("@article{mahankali2023one,\n"
            "  title   = {One Step of Gradient Descent is Provably the Optimal In-Context Learner with One Layer "
            "of Linear Self-Attention},\n"
            "  author  = {Mahankali, Arvind and Hashimoto, Tatsunori B. and Ma, Tengyu},\n"
            "  journal = {arXiv preprint arXiv:2307.03576},\n  year    = {2023}\n}"),
    sources=("shared/papers/mahankali2023-one-step-gd-abstract.md",
             "shared/papers/sander2024-in-context-autoregressive-learning.md (§4, for bridge)"),
    claims_package=__name__,
    statements=("iso", "precond", "nonlinear", "bridge"),
    order=2,
    notes="Abstract only: statements are the abstract's sentences; exact statements are derived by the suite.",
)
