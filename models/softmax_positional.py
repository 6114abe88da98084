r"""Lemma 1 of Sander et al. (ICML 2024), proof A.1: two softmax positional-attention heads build e_t.

Transformer (1) with two heads whose attention is positional only, :math:`\mathcal{A}^h_{t,:} =
\mathrm{softmax}(P^h_{t,:})` over the causal window :math:`t' \le t`, values :math:`W_V^1 s = (0, s, 0)` and
:math:`W_V^2 s = (0, 0, s)`. With logits :math:`P^h_{t,t'} = -c\,|t' - (t - h + 1)|` (scale c), head 1
concentrates on :math:`t' = t` and head 2 on :math:`t' = t - 1` as c grows, so the output tends to
:math:`(0, s_t, s_{t-1}) = e_t` for :math:`t \ge 2`. At t = 1 the causal window holds only :math:`s_1`:
head 2 returns :math:`s_1`, not :math:`s_0`. With ``sink=True`` a start position 0 with value 0 is prepended
(then head 2 returns :math:`\approx 0 = s_0` under zero padding).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ical_verify.numerics.errors import DomainError


@dataclass
class PositionalAttentionConfig:
    """d: token dimension; scale: positional logit scale c; sink: prepend a zero-valued start position."""

    d: int = 2
    scale: float = 10.0
    sink: bool = False

    def __post_init__(self) -> None:
        if int(self.d) != self.d or self.d < 1:
            raise DomainError(f"d = {self.d} is out of range: it must be an integer >= 1")
        if not self.scale >= 0:
            raise DomainError(f"scale = {self.scale} is out of range: it must be >= 0")


class TwoHeadPositionalAttention(nn.Module):
    """The two-head causal softmax layer of proof A.1, mapping s_{1:T} to approximate e_{1:T}."""

    def __init__(self, config: PositionalAttentionConfig):
        super().__init__()
        self.config = config

    def logits(self, T: int, head: int) -> torch.Tensor:
        """P^h (T, T') with T' = T (+1 with the sink); -inf outside the causal window."""
        off = 1 if self.config.sink else 0
        t = torch.arange(1, T + 1, dtype=torch.float64)[:, None]  # (T, 1)
        tp = torch.arange(1 - off, T + 1, dtype=torch.float64)[None, :]  # (1, T')
        P = -self.config.scale * (tp - (t - head + 1)).abs()  # (T, T')
        return P.masked_fill(tp > t, float("-inf"))

    def forward(self, s: torch.Tensor) -> torch.Tensor:
        """s (n, T, d) -> approximate tokens (n, T, 3d)."""
        n, T, d = s.shape
        values = torch.cat([torch.zeros_like(s[:, :1]), s], 1) if self.config.sink else s  # (n, T', d)
        heads = []
        for h in (1, 2):
            att = torch.softmax(self.logits(T, h), dim=-1).to(s.dtype)  # (T, T')
            heads.append(torch.einsum("tu,nud->ntd", att, values))  # (n, T, d)
        return torch.cat([torch.zeros_like(s), heads[0], heads[1]], -1)  # (n, T, 3d)
