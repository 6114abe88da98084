"""Lemma 4 (Appendix A.3): the loss of model (4) under Assumptions 1 and 2, equation (9)."""

from ..claim import Claim
from ._common import ASSUMPTION_1, ASSUMPTION_2, LOSS_3, MODEL_4, TORUS_MOMENTS

CLAIM = Claim(
    id="lemma4",
    kind="lemma",
    title="Structure of the augmented-token loss (9)",
    source="Appendix A.3, Lemma 4, equation (9)",
    order=4,
    statement=(
        r"\textbf{Lemma 4.} Under assumptions 1 and 2, the loss of the linear Transformer writes: "
        r"$\ell((a_i), (b_i)) = \mathbb{E}_{\lambda} \sum_{T=2}^{T_{max}} \sum_{i=1}^{d} |\sum_{t, j, "
        r"\alpha \in \mathcal{A}, \beta \in \mathcal{B}} c_{\alpha, \beta} \lambda_j^{T-t-\alpha} "
        r"\lambda_i^{t-1+\beta} - \lambda_i^T|^2$ (9) with $\mathcal{A} = \{-1, 0, 1\}$ and "
        r"$\mathcal{B} = \{-1, 0\}$. We have $c_{\alpha,\beta} = u_{\alpha}v_{\beta}$ for $u_0 = a_1 + a_4$, "
        r"$u_1 = a_2$, $u_{-1} = a_3$, $v_0 = b_1$ and $v_{-1} = b_2$."
    ),
    definitions={
        "(3)": LOSS_3,
        "(4)": MODEL_4,
        "sums": r"\text{the sums over } t \text{ are from } t = 1 \text{ to } T \text{ and over } j \text{ from } 1 \text{ to } d",
        "moments": TORUS_MOMENTS,
    },
    assumptions=(ASSUMPTION_1, ASSUMPTION_2, r"$\mathcal{C} = \mathcal{C}_U$, $s_t = \lambda^{t-1}$."),
    conventions=("The term t = 1 involves s_0: see the s_0 conventions of prop1.",),
)
