"""Lemma 3 (§5.2, proof A.8): parameters of rank delta that predict exactly for orthogonal contexts."""

from ..claim import Claim
from ._common import ASSUMPTION_1, ASSUMPTION_3, C_MATRIX, CONVERSION_NOTE, MODEL_6

CLAIM = Claim(
    id="lemma3",
    kind="lemma",
    title="A rank-delta exact predictor for orthogonal contexts",
    source="§5.2, Lemma 3; proof in Appendix A.8",
    order=10,
    statement=(
        r"\textbf{Lemma 3.} Suppose assumptions 1, 3. If $P_{T-1,T-1}^* = -1$, $P_{T-1,T}^* = 2$ and 0 "
        r"otherwise, and $B^{*\top}A^* = \frac{1}{2} \mathrm{diag}(J, \cdots, J)$, with $J \in \mathbb{R}^{2 \times 2}$ "
        r"and $J_{ij} = 1$ for all $i, j$, then $\mathcal{T}_{\theta^*}(e_{1:T}) = \lambda^T$."
    ),
    definitions={"(6)": MODEL_6, "A, B, C": C_MATRIX},
    assumptions=(ASSUMPTION_1, ASSUMPTION_3, r"$\mathcal{C} = \mathcal{C}_O$, $d = 2\delta$ (§5.2)."),
    conventions=(CONVERSION_NOTE,),
)
