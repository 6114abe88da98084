r"""A small causal Transformer for Figures 9 and 10 (Appendix B): softmax or linear attention, optional MLP,
optional layer norm, one or several layers.

The paper gives no code for these figures; the settings below are the suite's and each claim states them.

One layer maps the representations :math:`x_1..x_T \in \mathbb{R}^E` (position τ sees t <= τ):

.. math:: a_\tau = \sum_{h=1}^H W_O^h \sum_{t \le \tau} \alpha^h_{\tau,t}\, W_V^h x_t, \qquad
   \alpha^h_{\tau,t} = \begin{cases} \mathrm{softmax}_{t \le \tau}\big(\langle W_Q^h x_{q(\tau)}, W_K^h x_t\rangle
   / \sqrt{E} + \pi^h_{\tau,t}\big) & \text{softmax} \\ P^h_{\tau,t}\,\langle W_Q^h x_{q(\tau)}, W_K^h x_t
   \rangle / \sqrt{E} & \text{linear} \end{cases}

with q(τ) = τ (the usual query, ``query="last"``) or q(τ) = τ - 1 (``query="previous"``: model (6) queries with
:math:`e_{T-1}` and still sees :math:`e_T`); :math:`\pi^h` are learned positional logits (softmax) and
:math:`P^h` learned positional weights (linear), one per head, initialised to 0 and to 1 on the causal window.
Then, with ``residual``: :math:`x \leftarrow x + a` (else :math:`x \leftarrow a`), an optional MLP
:math:`x \leftarrow x + W_2\,\mathrm{ReLU}(W_1 x + b_1) + b_2` of width ``mlp_width``, and layer norm
(``norm="post"``: after each residual sum, as in Vaswani et al. 2017; ``"pre"``: on each block's input;
``"none"``). Inputs may be embedded by a linear map (``width`` != input dimension); Vaswani's sinusoidal
positional encoding is added to the input when ``sinusoidal``; the output is read by a linear map to ``d_out``
(``readout="linear"``) or is the first ``d_out`` coordinates (``readout="first"``).

Figure 9: one layer, E = 2 (d = 1 unitary contexts realified: :math:`\lambda^{t-1} \mapsto (\cos, \sin)`),
``query="previous"``, no residual, no norm, readout ``first``; softmax or linear, MLP width 32 or none. The
linear no-MLP configuration is model (6) with full 2×2 :math:`A^h = W_K^{h\top}W_Q^h/\sqrt{E}`,
:math:`B^h = W_O^hW_V^h` and per-head P.

Figure 10: L layers on augmented tokens (3d), softmax, MLP, post layer norm, residual, sinusoidal positions,
linear readout to d.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from ical_verify.numerics.errors import DomainError

ATTENTIONS = ("softmax", "linear")
NORMS = ("none", "post", "pre")
QUERIES = ("last", "previous")
READOUTS = ("linear", "first")


@dataclass
class SmallTransformerConfig:
    """Sizes and switches of :class:`SmallTransformer` (see the module docstring)."""

    d_in: int = 2
    d_out: int = 2
    width: int = 2
    heads: int = 1
    layers: int = 1
    t_max: int = 10
    attention: str = "softmax"
    mlp_width: int = 0
    norm: str = "none"
    residual: bool = False
    query: str = "previous"
    sinusoidal: bool = False
    readout: str = "first"
    init_scale: float = 1.0
    dtype: torch.dtype = torch.float32

    def __post_init__(self) -> None:
        for name in ("d_in", "d_out", "width", "heads", "layers", "t_max"):
            v = getattr(self, name)
            if int(v) != v or v < 1:
                raise DomainError(f"{name} = {v} is out of range: it must be an integer >= 1")
        if self.mlp_width < 0:
            raise DomainError(f"mlp_width = {self.mlp_width} is out of range: it must be >= 0 (0: no MLP)")
        for name, allowed in (("attention", ATTENTIONS), ("norm", NORMS), ("query", QUERIES),
                              ("readout", READOUTS)):
            if getattr(self, name) not in allowed:
                raise DomainError(f"{name} {getattr(self, name)!r} is not one of {allowed}")
        if self.query == "previous" and self.layers != 1:
            raise DomainError("query = 'previous' (model (6)) is a one-layer model")
        if self.readout == "first" and self.d_out > self.width:
            raise DomainError(f"readout 'first' needs d_out = {self.d_out} <= width = {self.width}")


def sinusoidal_encoding(T: int, width: int, dtype=torch.float32) -> torch.Tensor:
    """Vaswani et al. (2017) positional encoding, (T, width): sin/cos of pos / 10000^(2i/width)."""
    pos = torch.arange(T, dtype=torch.float64)[:, None]  # (T, 1)
    i = torch.arange(width, dtype=torch.float64)[None, :]  # (1, width)
    angle = pos / torch.pow(10000.0, (2 * torch.div(i, 2, rounding_mode="floor")) / width)  # (T, width)
    enc = torch.where(i % 2 == 0, torch.sin(angle), torch.cos(angle))
    return enc.to(dtype)


class AttentionLayer(nn.Module):
    """Multi-head causal attention (softmax or linear) with per-head positional logits or weights."""

    def __init__(self, config: SmallTransformerConfig, generator: torch.Generator | None = None):
        super().__init__()
        self.config = config
        c, E, H = config, config.width, config.heads
        s = c.init_scale / math.sqrt(E)
        self.Wq = nn.Parameter(s * torch.randn(H, E, E, dtype=c.dtype, generator=generator))  # (H, E, E)
        self.Wk = nn.Parameter(s * torch.randn(H, E, E, dtype=c.dtype, generator=generator))
        self.Wv = nn.Parameter(s * torch.randn(H, E, E, dtype=c.dtype, generator=generator))
        self.Wo = nn.Parameter(s * torch.randn(H, E, E, dtype=c.dtype, generator=generator) / math.sqrt(H))
        init = 0.0 if c.attention == "softmax" else 1.0
        self.pos = nn.Parameter(torch.full((H, c.t_max, c.t_max), init, dtype=c.dtype))  # (H, T, T)

    def mask(self, T: int, device=None) -> torch.Tensor:
        """(T, T) booleans: position τ sees t <= τ."""
        return torch.tril(torch.ones(T, T, dtype=torch.bool, device=device))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        c, E, H = self.config, self.config.width, self.config.heads
        n, T, _ = x.shape
        xq = x if c.query == "last" else torch.cat([torch.zeros_like(x[:, :1]), x[:, :-1]], dim=1)  # (n, T, E)
        q = (xq @ self.Wq.reshape(H * E, E).T).reshape(n, T, H, E).transpose(1, 2)  # (n, H, T, E): W_Q^h x
        k = (x @ self.Wk.reshape(H * E, E).T).reshape(n, T, H, E).transpose(1, 2)  # (n, H, T, E)
        v = (x @ self.Wv.reshape(H * E, E).T).reshape(n, T, H, E).transpose(1, 2)  # (n, H, T, E)
        score = q @ k.transpose(-1, -2) / math.sqrt(E)  # (n, H, T, T)
        mask = self.mask(T, x.device)
        if c.attention == "softmax":
            logits = (score + self.pos[:, :T, :T]).masked_fill(~mask, -1e30)  # (n, H, T, T)
            z = torch.exp(logits - logits.amax(-1, keepdim=True).detach())  # (n, H, T, T): 0 outside the window
            att = z / z.sum(-1, keepdim=True)  # softmax over t <= tau (written out: faster than aten for short rows)
        else:
            att = score * (self.pos[:, :T, :T] * mask)  # (n, H, T, T)
        if c.query == "previous":
            has_prev = (torch.arange(T, device=x.device) > 0).to(att.dtype)  # (T,): position 0 has no e_{T-1}
            att = att * has_prev[:, None]
        heads = (att @ v).transpose(1, 2).reshape(n, T, H * E)  # (n, T, H*E): heads side by side
        return heads @ self.Wo.transpose(0, 1).reshape(E, H * E).T  # (n, T, E): sum_h W_O^h head_h

    def value_output_maps(self) -> torch.Tensor:
        """B^h = W_O^h W_V^h, (H, E, E)."""
        return self.Wo @ self.Wv


class MLP(nn.Module):
    """x -> W_2 ReLU(W_1 x + b_1) + b_2 (width ``mlp_width``)."""

    def __init__(self, config: SmallTransformerConfig, generator: torch.Generator | None = None):
        super().__init__()
        c, E, m = config, config.width, config.mlp_width
        self.W1 = nn.Parameter(torch.randn(m, E, dtype=c.dtype, generator=generator) * math.sqrt(2 / E))
        self.b1 = nn.Parameter(torch.zeros(m, dtype=c.dtype))
        self.W2 = nn.Parameter(torch.randn(E, m, dtype=c.dtype, generator=generator) / math.sqrt(m))
        self.b2 = nn.Parameter(torch.zeros(E, dtype=c.dtype))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(x @ self.W1.T + self.b1)  # (n, T, m)
        return h @ self.W2.T + self.b2  # (n, T, E)


class Block(nn.Module):
    """Attention (+ residual), optional MLP (+ residual), layer norm as configured."""

    def __init__(self, config: SmallTransformerConfig, generator: torch.Generator | None = None):
        super().__init__()
        c = config
        self.config = c
        self.attention = AttentionLayer(c, generator)
        self.mlp = MLP(c, generator) if c.mlp_width else None
        if c.norm != "none":
            self.norm1 = nn.LayerNorm(c.width, dtype=c.dtype)
            self.norm2 = nn.LayerNorm(c.width, dtype=c.dtype) if self.mlp is not None else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        c = self.config
        inp = self.norm1(x) if c.norm == "pre" else x
        a = self.attention(inp)  # (n, T, E)
        x = x + a if c.residual else a
        if c.norm == "post":
            x = self.norm1(x)
        if self.mlp is not None:
            inp = self.norm2(x) if c.norm == "pre" else x
            x = x + self.mlp(inp)  # (n, T, E)
            if c.norm == "post":
                x = self.norm2(x)
        return x


class SmallTransformer(nn.Module):
    """Input embedding (when width != d_in), optional sinusoidal positions, ``layers`` blocks, readout."""

    def __init__(self, config: SmallTransformerConfig, seed: int | None = None):
        super().__init__()
        c = config
        self.config = c
        g = torch.Generator().manual_seed(seed) if seed is not None else None
        self.embed = (nn.Parameter(torch.randn(c.width, c.d_in, dtype=c.dtype, generator=g) / math.sqrt(c.d_in))
                      if c.width != c.d_in else None)
        self.blocks = nn.ModuleList(Block(c, g) for _ in range(c.layers))
        self.readout = (nn.Parameter(torch.randn(c.d_out, c.width, dtype=c.dtype, generator=g) / math.sqrt(c.width))
                        if c.readout == "linear" else None)
        self.register_buffer("sinusoid", sinusoidal_encoding(c.t_max, c.width, c.dtype), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (n, T, d_in) -> predictions (n, T, d_out); entry [:, τ] from the tokens at positions <= τ."""
        c = self.config
        n, T, d = x.shape
        if d != c.d_in:
            raise DomainError(f"input dimension {d} does not match d_in = {c.d_in}")
        if T > c.t_max:
            raise DomainError(f"sequence length {T} exceeds t_max = {c.t_max}")
        x = x.to(c.dtype)
        if self.embed is not None:
            x = x @ self.embed.T  # (n, T, width)
        if c.sinusoidal:
            x = x + self.sinusoid[:T]
        for block in self.blocks:
            x = block(x)  # (n, T, width)
        if self.readout is not None:
            return x @ self.readout.T  # (n, T, d_out)
        return x[..., : c.d_out]  # (n, T, d_out)
