"""Proposition 6 (§5.2, proof A.9): zero-loss parameters for orthogonal contexts."""

from ..claim import Claim
from ._common import ASSUMPTION_1, ASSUMPTION_3, C_MATRIX, CONVERSION_NOTE, LOSS_3, MODEL_6

#: The conditions as restated in the appendix proof A.9.
RESTATED_A9 = (
    r"Identifying gives $(C_{2i-1,2i-1} + C_{2i-1,2i})p_{T-1} + C_{2i-1,2i}p_T = 0$, $C_{2i-1,2i-1}p_T = 1$ "
    r"and $p_{t<T-1} = 0$. Similarly, on the conjugates, $(C_{2i,2i} + C_{2i,2i-1})p_{T-1} + C_{2i,2i-1}p_T "
    r"= 0$, $C_{2i,2i}p_T = 1$. Identifying the other terms gives $C_{2i,j} = C_{2i-1,j} = 0$ for $j \neq 2i$ "
    r"and $j \neq 2i - 1$."
)

CLAIM = Claim(
    id="prop6",
    kind="proposition",
    title="Orthogonal optimal in-context mapping",
    source="§5.2, Proposition 6; proof in Appendix A.9",
    order=11,
    statement=(
        r"\textbf{Proposition 6} (Orthogonal optimal in-context mapping). Suppose assumptions 1 and 3. Any "
        r"$\theta^* = (\mathbf{A}^*, \mathbf{B}^*, P^*)$ with $\ell(\theta^*) = 0$ in (3) satisfies, denoting "
        r"$\mathbf{C}^* = \mathbf{B}^{*\top}\mathbf{A}^*$ and $p^* = P_{T-1}^*$: $p_t^* = 0$ if $t < T - 1$, "
        r"$p_T^* \mathbf{C}_{i,i}^* = 1$, $p_T^* \mathbf{C}_{2i-1,2i}^* + (\mathbf{C}_{2i-1,2i-1}^* + "
        r"\mathbf{C}_{2i-1,2i}^*) p_{T-1}^* = 0$, $p_T^* \mathbf{C}_{2i,2i-1}^* + (\mathbf{C}_{2i,2i-1}^*) "
        r"p_{T-1}^* = 0$, $\mathbf{C}_{2i-1,j}^* = \mathbf{C}_{2i,j}^* = 0$ for $j \neq 2i - 1, 2i$. An optimal "
        r"in-context mapping is then, for $e_t = \lambda^{t-1}$: $\Gamma_{\theta^*}(e_{1:T}) = \lambda^2$, and the "
        r"corresponding predictive mapping $\psi_{\Gamma_{\theta^*}(e_{1:T})}(e_{1:T}) = \lambda^2 \odot e_{T-1} "
        r"= \lambda^T$."
    ),
    definitions={"(3)": LOSS_3, "(6)": MODEL_6, "A, B, C": C_MATRIX, "A.9 restatement": RESTATED_A9},
    assumptions=(ASSUMPTION_1, ASSUMPTION_3, r"$\mathcal{C} = \mathcal{C}_O$, $d = 2\delta$ (§5.2)."),
    conventions=(CONVERSION_NOTE,
                 "The printed condition on C_{2i,2i-1} reads '(C^*_{2i,2i-1}) p^*_{T-1}'; A.9 restates it as (C_{2i,2i} + C_{2i,2i-1}) p_{T-1}. Both are checked."),
)
