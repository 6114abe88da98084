"""Remark 2 (§3): a linear RNN cannot learn the AR process in context."""

from ..claim import Claim
from ._common import AR_PROCESS

CLAIM = Claim(
    id="remark2",
    kind="remark",
    title="Linear RNNs cannot learn the AR process in context",
    source="§3, Remark 2",
    order=13,
    statement=(
        r"\textbf{Remark 2.} We use the word in-context to make explicit the fact that the matrix $W$ is "
        r"different for each sequence. As a consequence, attention-based models are particularly well suited "
        r"to such a task because predicting $W$ involves considering relationships between tokens. In contrast, "
        r"RNNs perform poorly in this setting precisely because they do not consider interactions between "
        r"tokens. In fact, in its simplest form, a linear RNN with parameters $A$ and $B$ outputs, for each $t$: "
        r"$y_t = \sum_{k=1}^t A^{t-k} BW^{k-1}e_1$. It is easy to see that $A$ and $B$ would have to depend on "
        r"$W$ for $y_t$ to be close to $W^ts_1$, which is impossible because $W$ is different for each sequence."
    ),
    definitions={"AR process": AR_PROCESS},
    assumptions=(),
)
