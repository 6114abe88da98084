"""Lemma 1 (§4, proof A.1): softmax attention can build the augmented tokens."""

from ..claim import Claim

CLAIM = Claim(
    id="lemma1",
    kind="lemma",
    title="Augmented tokens from a two-head softmax attention layer",
    source="§4, Lemma 1; proof in Appendix A.1",
    order=2,
    statement=(
        r"The tokens $e_{1:T}$ can be approximated with arbitrary precision given tokens $s_{1:T}$ with a "
        r"Transformer (1)."
    ),
    definitions={
        "e_t": r"e_t := (0, s_t, s_{t-1})\ \text{(augmented setting, §3)}",
        "(1)": (r"\Big(\sum_{h=1}^H W_O^h \sum_{t'=1}^t \mathcal{A}^h_{t,t'} W_V^h e_{t'}\Big)_{t\in\{1,\dots,T\}}"
                r",\quad \mathcal{A}^h_{t,:} = \mathrm{softmax}(\langle W_Q^h e_t, W_K^h e_:\rangle)"),
        "proof A.1": (r"\mathcal{A}^h_{t,:} = \mathrm{softmax}(P^h_{t,:}),\ \mathcal{A}^1_{t,t'} \simeq "
                      r"\delta_{t'=t},\ \mathcal{A}^2_{t,t'} \simeq \delta_{t'=t-1}"),
    },
    assumptions=("Positional attention-only heads (proof A.1): the attention logits are the positional encodings P^h.",),
    conventions=("The first token needs s_0, which the causal attention cannot see: see the claim's checks for how t = 1 is treated.",),
)
