"""Proposition 2 (§4) and its restatement Proposition 8 (Appendix A.3): the optimum is one GD step."""

from ..claim import Claim
from ._common import ASSUMPTION_1, ASSUMPTION_2, INNER_LOSS_5, LOSS_3, MODEL_4

PROPOSITION_8 = (
    r"\textbf{Proposition 8} (In-context autoregressive learning with gradient-descent.). Suppose "
    r"$\mathcal{C} = \mathcal{C}_U$, assumptions 1 and 2. Then loss (9) is minimal for $c_{\alpha,\beta} = 0$ "
    r"if $(\alpha, \beta) \neq (-1, 0)$ and $c_{-1,0} = \frac{\sum_{T=2}^{T_{\max}} T}{\sum_{T=2}^{T_{\max}} "
    r"(T^2 + (d-1)T)}$. Therefore, the optimal in-context map $\Gamma_{\theta^*}$ is one step of gradient "
    r"descent starting from the initialization $\lambda = 0$, with a step size asymptotically equivalent to "
    r"$\frac{3}{2T_{\max}}$ with respect to $T_{\max}$."
)

CLAIM = Claim(
    id="prop2",
    kind="proposition",
    title="In-context autoregressive learning with gradient descent",
    source="§4, Proposition 2; restated as Proposition 8 and proved in Appendix A.3",
    order=5,
    statement=(
        r"\textbf{Proposition 2} (In-context autoregressive learning with gradient-descent). Suppose "
        r"$C = C_U$, assumptions 1 and 2. Then loss (3) is minimal for $\theta^*$ such that "
        r"$a_1^* + a_4^* = a_2^* = b_2^* = 0$ and $a_3^*b_1^* = \frac{\sum_{T=2}^{T_{max}} T}{\sum_{T=2}^{T_{max}} "
        r"(T^2 + (d-1)T)}$. Furthermore, an optimal in-context mapping $\Gamma_{\theta^*}$ is one step of "
        r"gradient descent starting from the initialization $\lambda = 0$, with a step size asymptotically "
        r"equivalent to $\frac{3}{2T_{max}}$ with respect to $T_{max}$."
    ),
    definitions={
        "(3)": LOSS_3,
        "(4)": MODEL_4,
        "(5)": INNER_LOSS_5,
        "Proposition 8": PROPOSITION_8,
        r"\eta^*": (r"\eta^* = \frac{\sum_{T=2}^{T_{\max}} T}{\sum_{T=2}^{T_{\max}} (T^2 + (d-1)T)} "
                    r"\sim \frac{3}{2T_{\max}}\ \text{(end of A.3)}"),
    },
    assumptions=(ASSUMPTION_1, ASSUMPTION_2),
    conventions=(
        "The first token e_1 = (0, s_1, s_0) needs s_0: results are reported under s_0 = W^{-1} s_1 and under s_0 = 0.",
    ),
)
