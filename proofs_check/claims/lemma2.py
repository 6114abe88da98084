"""Lemma 2 (§5, proof A.4): the output of the diagonal multi-head model (6)."""

from ..claim import Claim
from ._common import ASSUMPTION_1, ASSUMPTION_3, C_MATRIX, CONVERSION_NOTE, HERMITIAN, MODEL_6

CLAIM = Claim(
    id="lemma2",
    kind="lemma",
    title="Output of the diagonal linear-attention model (6)",
    source="§5, Lemma 2; proof in Appendix A.4",
    order=6,
    statement=(
        r"\textbf{Lemma 2.} Suppose assumptions 1 and 3. Writing $a_h = (a_h^1, \dots, a_h^d)$ and "
        r"$b_h = (b_h^1, \dots, b_h^d)$ and letting $\mathbf{A} := (a^1, \dots, a^d) \in \mathbb{R}^{H \times d}$, "
        r"and $\mathbf{B} := (b^1, \dots, b^d)$, one has for an input sequence $e_{1:T} = (1_d, \lambda, \dots, "
        r"\lambda^{T-1}) \in \mathbb{R}^{T \times d}$: $\mathcal{T}_{\theta}(e_{1:T}) = \sum_{t=1}^{T} P_{T-1,t} "
        r"[\mathbf{B}^{\top} \mathbf{A}] \lambda^{t-T+1} \odot \lambda^{t-1}$"
    ),
    definitions={
        "(6)": MODEL_6,
        "A, B, C": C_MATRIX,
        "hermitian product": HERMITIAN,
        r"\lambda^k": r"(\lambda^k)_i = \lambda_i^k\ \text{(Notations)}",
    },
    assumptions=(ASSUMPTION_1, ASSUMPTION_3),
    conventions=(CONVERSION_NOTE,),
)
