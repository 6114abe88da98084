"""Lemma 1 (§4, proof A.1): softmax attention can build the augmented tokens."""

from ...claim import Claim
from .proofs.a1_lemma1 import PROOF

CLAIM = Claim(
    id="lemma1",
    proof=PROOF,
    erratum_step="A.1.3",
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


# --- checks ---------------------------------------------------------------------------------------------
import dataclasses  # noqa: E402

import numpy as np  # noqa: E402

from ...claim import Check, CheckOutcome  # noqa: E402

SCALES = (1.0, 2.0, 4.0, 8.0, 12.0, 16.0, 20.0, 24.0, 32.0)


def _errors(ctx, sink: bool):
    """Max token error per scale for t >= 2 and for t = 1 under both s_0 conventions."""
    import torch

    from ical_verify.models.augmented_attention import augment
    from ical_verify.models.softmax_positional import PositionalAttentionConfig, TwoHeadPositionalAttention
    from ical_verify.numerics.samplers import ar_sequences, haar_orthogonal, unitary_contexts

    rng = ctx.rng(51)
    d, T, n = 3, 20, 64
    lam = unitary_contexts(d, n, rng)
    Ws = [np.einsum("ni,ij->nij", lam, np.eye(d)).astype(complex), haar_orthogonal(d, n, rng).astype(complex)]
    out = {"t>=2": [], "t=1,zero": [], "t=1,backward": []}
    for c in SCALES:
        layer = TwoHeadPositionalAttention(PositionalAttentionConfig(d=d, scale=c, sink=sink))
        e2 = e1z = e1b = 0.0
        for W in Ws:
            s = torch.tensor(ar_sequences(W, T))
            approx = layer(s)
            ez, eb = augment(s, "zero"), augment(s, "backward", torch.tensor(W))
            e2 = max(e2, float((approx[:, 1:] - ez[:, 1:]).abs().max()))
            e1z = max(e1z, float((approx[:, 0] - ez[:, 0]).abs().max()))
            e1b = max(e1b, float((approx[:, 0] - eb[:, 0]).abs().max()))
        out["t>=2"].append(e2)
        out["t=1,zero"].append(e1z)
        out["t=1,backward"].append(e1b)
    return out


def later_tokens(ctx) -> CheckOutcome:
    err = _errors(ctx, sink=False)["t>=2"]
    below = [c for c, e in zip(SCALES, err) if e < 1e-6]
    decreasing = all(b <= a * (1 + 1e-12) for a, b in zip(err, err[1:]))
    passed = bool(below) and decreasing
    return CheckOutcome(passed, "Two causal softmax heads with positional logits -c|t' - t| and -c|t' - (t-1)|, values "
                        "(0, s, 0) and (0, 0, s) (proof A.1), on C_U and Haar O(3) sequences (d = 3, T = 20): max "
                        "entry error over t = 2..T: " + ", ".join(f"c={c:g}: {e:.1e}" for c, e in zip(SCALES, err))
                        + f". Monotone decrease: {decreasing}; below 1e-6 from c = {below[0] if below else None}.",
                        {"scales": SCALES, "max_error_t_ge_2": err, "first_scale_below_1e-6": below[0] if below else None})


def first_token(ctx) -> CheckOutcome:
    err = _errors(ctx, sink=False)
    z, b = err["t=1,zero"], err["t=1,backward"]
    passed = min(z) < 1e-6 or min(b) < 1e-6
    return CheckOutcome(passed, "e_1 = (0, s_1, s_0): with causal attention the window at t = 1 holds only s_1, so head 2 "
                        "returns s_1 whatever the scale. Max error at t = 1 over the scales: s_0 = 0: "
                        f"{min(z):.3f}..{max(z):.3f} (= max |s_1| = 1); s_0 = W^(-1)s_1: {min(b):.3f}..{max(b):.3f}. "
                        "So e_1 is not approximated under either convention: the printed 'e_{1:T} with arbitrary "
                        "precision' fails at t = 1 (proof A.1's A^2_{1,t'} ~ delta_{t'=0} has no t' = 0 to attend to).",
                        {"t1_error_zero_padding": z, "t1_error_backward": b})


CORRECTED = (r"Two positional softmax heads approximate $e_t$ with arbitrary precision for $t \ge 2$; $e_1$ with "
             r"$s_0 = 0$ also, if a zero-valued start position is prepended (otherwise the causal window at $t = 1$ "
             r"only holds $s_1$); $e_1$ with $s_0 = W^{-1}s_1$ cannot be built from $s_1$ alone.")


def with_sink(ctx) -> CheckOutcome:
    err = _errors(ctx, sink=True)
    worst = [max(a, b) for a, b in zip(err["t>=2"], err["t=1,zero"])]
    below = [c for c, e in zip(SCALES, worst) if e < 1e-6]
    passed = bool(below)
    return CheckOutcome(passed, "With a prepended start position of value 0: max error over all t = 1..T against zero "
                        "padding: " + ", ".join(f"c={c:g}: {e:.1e}" for c, e in zip(SCALES, worst))
                        + f"; below 1e-6 from c = {below[0] if below else None}. Against s_0 = W^(-1)s_1 the t = 1 error "
                        f"stays {min(err['t=1,backward']):.3f} (s_0 depends on W, unseen at t = 1).",
                        {"scales": SCALES, "max_error_all_t_zero": worst, "t1_error_backward": err["t=1,backward"]},
                        corrected=CORRECTED)


CLAIM = dataclasses.replace(CLAIM, checks=(
    Check("tokens-t-ge-2", "property", "printed", later_tokens,
          "approximation error of e_t, t >= 2, as the positional logit scale grows"),
    Check("first-token", "property", "printed", first_token,
          "e_1 = (0, s_1, s_0) under both s_0 conventions"),
    Check("corrected-with-start-token", "property", "corrected", with_sink,
          "all tokens with a zero-valued start position (zero padding)"),
))
