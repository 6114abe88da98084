"""Proposition 3 (§5.1, proof A.5): zero-loss parameters for unitary contexts."""

from ..claim import Claim
from ._common import ASSUMPTION_1, ASSUMPTION_3, C_MATRIX, CONVERSION_NOTE, LOSS_3, MODEL_6

CLAIM = Claim(
    id="prop3",
    kind="proposition",
    title="Unitary optimal in-context mapping",
    source="§5.1, Proposition 3; proof in Appendix A.5",
    order=7,
    statement=(
        r"\textbf{Proposition 3} (Unitary optimal in-context mapping). Suppose assumptions 1 and 3. Any "
        r"$\theta^* = (\mathbf{A}^*, \mathbf{B}^*, P^*)$ achieving zero of the loss (3) satisfies "
        r"$P_{T-1,t}^* = 0$ if $t \neq T$, $P_{T-1,T}^*(\mathbf{B}^{*\top}\mathbf{A}^*)_{ii} = 1$, and "
        r"$(\mathbf{B}^{*\top}\mathbf{A}^*)_{ij} = 0$ for $i \neq j$. Therefore, one must have $H \geq d$. An "
        r"optimal in-context mapping satisfies $\Gamma_{\theta^*}(e_{1:T}) = \bar{e}_{T-1} \odot e_T$ and the "
        r"predictive mapping $\psi_{\gamma}(e_{1:T}) = \gamma \odot e_T$."
    ),
    definitions={"(3)": LOSS_3, "(6)": MODEL_6, "A, B, C": C_MATRIX},
    assumptions=(ASSUMPTION_1, ASSUMPTION_3, r"$\mathcal{C} = \mathcal{C}_U$ (§5.1)."),
    conventions=(CONVERSION_NOTE,),
)
