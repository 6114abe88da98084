"""Proposition 7 (§5.3, proof A.10): conditioning of positional-encoding-only attention."""

from ..claim import Claim

CLAIM = Claim(
    id="prop7",
    kind="proposition",
    title="Conditioning of the positional-encoding-only loss (7)",
    source="§5.3, Proposition 7, equation (7); proof in Appendix A.10",
    order=12,
    statement=(
        r"\textbf{Proposition 7} (Conditioning). The Hessian $H \in \mathbb{R}^{T \times T}$ of $l$ in (7) is "
        r"given by $H_{t,t'} = \frac{\mu}{4\pi(t'-t)}\sin(4(t'-t)\frac{\pi}{\mu})$. Denoting "
        r"$\sigma_1(\mu) \geq \cdots \geq \sigma_T(\mu)$ its eigenvalues, one has $\sigma_1(\mu) \rightarrow T$ "
        r"and $\sigma_{t>1}(\mu) \rightarrow 0$ as $\mu \rightarrow +\infty$."
    ),
    definitions={
        "(7)": (r"\min_{p \in \mathbb{R}^T} l(p) := \mathbb{E}_{\lambda \sim \mathcal{W}(\mu)} |\sum_{t=1}^T "
                r"p_t \lambda^{2t-T} - \lambda^T|^2"),
        r"\mathcal{W}(\mu)": r"\lambda = e^{i\theta/\mu},\ \theta \sim \mathcal{U}(0, 2\pi),\ \mu \geq 1",
        "A.10": r"\langle p|Hp\rangle = \sum_{t,t'} p_t p_{t'} \mathbb{E}_{\lambda\sim\mathcal{W}(\mu)} \lambda^{2(t'-t)}",
    },
    assumptions=(r"Positional-encoding-only attention: $\mathbf{B}^\top\mathbf{A} = I_d$, reduced to $d = 1$ (§5.3).",),
    conventions=("The diagonal t = t' of the printed formula is read as its limit (A.10: 'and 1 otherwise').",),
)
