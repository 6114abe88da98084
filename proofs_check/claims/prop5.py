"""Proposition 5 (§5.1, proof A.7): gradient flow on (pab - 1)^2 from |pab - 1| < 1."""

from ..claim import Claim

CLAIM = Claim(
    id="prop5",
    kind="proposition",
    title="Global convergence of gradient flow in the scalar case",
    source="§5.1, Proposition 5; proof in Appendix A.7",
    order=9,
    statement=(
        r"\textbf{Proposition 5.} Consider the loss $\ell(a, b, p) = (pab - 1)^2$. Suppose that at "
        r"initialization, $|pab - 1| < 1$. Then gradient flow on $(a, b, p)$ converges to a global minimum "
        r"satisfying $a^*b^*p^* = 1$."
    ),
    definitions={
        "gradient flow": r"\dot a = -\nabla_a \ell(a, b, p)\ \text{and similarly for } b \text{ and } p\ \text{(A.7)}",
    },
    assumptions=("The scalar case H = d = 1 of Proposition 4 with P^*_{T-1,t} = delta_{t=T} except p_T.",),
)
