"""Proposition 1 (§4, proof A.2): one head of linear attention is one gradient step on the inner loss (5)."""

from ..claim import Claim
from ._common import HERMITIAN, INNER_LOSS_5, MODEL_4

CLAIM = Claim(
    id="prop1",
    kind="proposition",
    title="Linear attention implements one gradient-descent step (Von Oswald et al.)",
    source="§4, Proposition 1; construction (8) and proof in Appendix A.2",
    order=3,
    statement=(
        r"\textbf{Proposition 1} (Von Oswald et al. (2023b)). There exists $\theta_0$ such that "
        r"$\Gamma_{\theta_0}(e_{1:T}) = W_0 - \eta \nabla L(W_0, e_{1:T})$ with "
        r"$L(W, e_{1:T}) = \frac{1}{2}\sum_{t=1}^{T-1} \|s_{t+1} - W s_t\|^2$, (5) and $W_0$ is any gradient "
        r"descent initialization."
    ),
    definitions={
        "(4)": MODEL_4,
        "(5)": INNER_LOSS_5,
        "(8)": (r"A = \begin{pmatrix} 0 & 0 & 0 \\ 0 & 0 & 0 \\ 0 & I_d & 0 \end{pmatrix},\quad "
                r"B = \begin{pmatrix} 0 & \eta I_d & 0 \\ 0 & 0 & 0 \\ 0 & 0 & 0 \end{pmatrix}"),
        "Definition 1": (r"\mathcal{T}_{\theta^*}(e_{1:T}) = \psi_\gamma(e_{1:T}) = \gamma s_\tau,\ "
                         r"\gamma = \Gamma_{\theta^*}(e_{1:T})"),
        "hermitian product": HERMITIAN,
    },
    assumptions=(r"$\mathcal{W} = \mathcal{U}(\mathcal{C}_U)$ (unitary contexts), as stated before (4).",),
    conventions=(
        "The first token e_1 = (0, s_1, s_0) needs s_0: either s_0 = W^{-1} s_1 (the AR process one step back) or s_0 = 0 (zero padding).",
        "Proof A.2 treats W_0 = 0 only; the statement says any W_0.",
    ),
)
