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


@dataclass
class CausalSoftmaxConfig:
    r"""A causal softmax Transformer of the form (1) mapping :math:`s_{1:T} \in \mathbb{R}^d` to :math:`\mathbb{R}^{3d}`.

    ``heads`` softmax heads per layer with logits :math:`\langle W_Q^h x_t, W_K^h x_{t'}\rangle + P^h_{t,t'}`
    (positional encoding in the logits, as §2 defines it); ``layers = 1`` without ``blocks`` is the module (1)
    itself, :math:`\sum_h W_O^h \sum_{t' \le t} \mathcal{A}^h_{t,t'} W_V^h s_{t'}`; with ``blocks`` the tokens are
    embedded linearly into :math:`\mathbb{R}^{3d}` and each layer is a residual block (attention, then a ReLU MLP).
    Real parameters drawn N(0, ``init_scale``^2); ``max_len`` bounds T (size of P).
    """

    d: int = 2
    heads: int = 2
    layers: int = 1
    blocks: bool = False
    max_len: int = 32
    init_scale: float = 1.0
    dtype: torch.dtype = torch.float64

    def __post_init__(self) -> None:
        for name in ("d", "heads", "layers", "max_len"):
            value = getattr(self, name)
            if int(value) != value or value < 1:
                raise DomainError(f"{name} = {value} is out of range: it must be an integer >= 1")


class CausalSoftmaxTransformer(nn.Module):
    """Transformer (1) with softmax attention (content and positional logits), random parameters from ``seed``."""

    def __init__(self, config: CausalSoftmaxConfig, seed: int = 0):
        super().__init__()
        self.config = c = config
        g = torch.Generator().manual_seed(seed)
        D = 3 * c.d

        def rand(*shape):
            return nn.Parameter(c.init_scale * torch.randn(*shape, dtype=c.dtype, generator=g))

        widths = [D if (c.blocks or layer > 0) else c.d for layer in range(c.layers)]  # input width per layer
        self.embed = rand(D, c.d) if c.blocks else None
        self.q = nn.ParameterList(rand(c.heads, D, w) for w in widths)
        self.k = nn.ParameterList(rand(c.heads, D, w) for w in widths)
        self.v = nn.ParameterList(rand(c.heads, D, w) for w in widths)
        self.o = nn.ParameterList(rand(c.heads, D, D) for _ in range(c.layers))
        self.pos = nn.ParameterList(rand(c.heads, c.max_len, c.max_len) for _ in range(c.layers))
        self.mlp_in = nn.ParameterList(rand(2 * D, D) for _ in range(c.layers)) if c.blocks else None
        self.mlp_out = nn.ParameterList(rand(D, 2 * D) for _ in range(c.layers)) if c.blocks else None

    def attention(self, x: torch.Tensor, layer: int) -> torch.Tensor:
        """Module (1): x (n, T, w) -> (n, T, 3d)."""
        n, T, _ = x.shape
        if T > self.config.max_len:
            raise DomainError(f"T = {T} exceeds max_len = {self.config.max_len}")
        q = torch.einsum("hdw,ntw->nhtd", self.q[layer], x)  # (n, H, T, 3d)
        k = torch.einsum("hdw,ntw->nhtd", self.k[layer], x)  # (n, H, T, 3d)
        v = torch.einsum("hdw,ntw->nhtd", self.v[layer], x)  # (n, H, T, 3d)
        logits = q @ k.transpose(-1, -2) + self.pos[layer][:, :T, :T]  # (n, H, T, T)
        causal = torch.ones(T, T, dtype=torch.bool).tril()
        att = torch.softmax(logits.masked_fill(~causal, float("-inf")), dim=-1)  # rows sum to 1 over t' <= t
        heads = att @ v  # (n, H, T, 3d)
        return torch.einsum("hed,nhtd->nte", self.o[layer], heads)  # (n, T, 3d): sum over heads of W_O^h (.)

    def forward(self, s: torch.Tensor) -> torch.Tensor:
        """s (n, T, d) -> (n, T, 3d)."""
        if not self.config.blocks:
            x = s
            for layer in range(self.config.layers):
                x = self.attention(x, layer)
            return x
        x = s @ self.embed.T  # (n, T, 3d)
        for layer in range(self.config.layers):
            x = x + self.attention(x, layer)
            x = x + torch.relu(x @ self.mlp_in[layer].T) @ self.mlp_out[layer].T  # (n, T, 3d), token-wise MLP
        return x


@dataclass
class PositionalOnlyConfig:
    """H heads with positional-only attention (proof A.1's mechanism) and random value/output maps."""

    d: int = 2
    heads: int = 2
    max_len: int = 32
    init_scale: float = 1.0
    dtype: torch.dtype = torch.float64

    def __post_init__(self) -> None:
        for name in ("d", "heads", "max_len"):
            value = getattr(self, name)
            if int(value) != value or value < 1:
                raise DomainError(f"{name} = {value} is out of range: it must be an integer >= 1")


class PositionalOnlyAttention(nn.Module):
    r"""Module (1) with positional-only attention: :math:`\sum_h W_O^h\sum_{t'\le t}\mathrm{softmax}(P^h_{t,:})_{t'}
    W_V^h s_{t'}`, logits :math:`P^h` independent of the tokens (any number of heads; random parameters from ``seed``).

    The output is linear in the tokens, and a constant sequence gives equal outputs at every position (rows of
    the attention sum to 1): the two facts behind lemma1's mean-square bound.
    """

    def __init__(self, config: PositionalOnlyConfig, seed: int = 0):
        super().__init__()
        self.config = c = config
        g = torch.Generator().manual_seed(seed)
        D = 3 * c.d
        self.pos = nn.Parameter(c.init_scale * torch.randn(c.heads, c.max_len, c.max_len, dtype=c.dtype, generator=g))
        self.v = nn.Parameter(c.init_scale * torch.randn(c.heads, D, c.d, dtype=c.dtype, generator=g))
        self.o = nn.Parameter(c.init_scale * torch.randn(c.heads, D, D, dtype=c.dtype, generator=g))

    def forward(self, s: torch.Tensor) -> torch.Tensor:
        """s (n, T, d) -> (n, T, 3d)."""
        n, T, _ = s.shape
        if T > self.config.max_len:
            raise DomainError(f"T = {T} exceeds max_len = {self.config.max_len}")
        causal = torch.ones(T, T, dtype=torch.bool).tril()
        att = torch.softmax(self.pos[:, :T, :T].masked_fill(~causal, float("-inf")), dim=-1)  # (H, T, T)
        v = torch.einsum("hed,ntd->nhte", self.v, s)  # (n, H, T, 3d)
        heads = torch.einsum("hts,nhse->nhte", att, v)  # (n, H, T, 3d)
        return torch.einsum("hfe,nhte->ntf", self.o, heads)  # (n, T, 3d)
