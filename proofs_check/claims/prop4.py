"""Proposition 4 (§5.1, proof A.6): the population loss (3) is quadratic in C = B^T A and in P."""

from ..claim import Claim
from ._common import ASSUMPTION_1, ASSUMPTION_3, C_MATRIX, CONVERSION_NOTE, LOSS_3, MODEL_6

CLAIM = Claim(
    id="prop4",
    kind="proposition",
    title="Quadratic loss",
    source="§5.1, Proposition 4; proof in Appendix A.6",
    order=8,
    statement=(
        r"\textbf{Proposition 4} (Quadratic loss). Under assumptions 1 and 3, loss (3) reads "
        r"$\ell(\mathbf{A}, \mathbf{B}, P) = \sum_{T=2}^{T_{\max}} l(\mathbf{B}^{\top} \mathbf{A}, P_{T-1})$ "
        r"with $l(\mathbf{C}, p) = \|p\|_2^2 \|\mathbf{C}\|_F^2 + p_{T-1}^2 S(\mathbf{C}^\top \mathbf{C}) - "
        r"2 \mathrm{Tr}(\mathbf{C}) p_T + d$, where S is the sum of all coefficients operator."
    ),
    definitions={
        "(3)": LOSS_3, "(6)": MODEL_6, "A, B, C": C_MATRIX,
        "S": r"S(M) = \sum_{i,j} M_{ij}\ \text{(the sum of all coefficients operator)}",
        "p": r"p = P_{T-1} \in \mathbb{R}^{T_{\max}}\ \text{(row } T-1 \text{ of } P)",
    },
    assumptions=(ASSUMPTION_1, ASSUMPTION_3, r"$\mathcal{C} = \mathcal{C}_U$ (§5.1)."),
    conventions=(CONVERSION_NOTE,),
)
