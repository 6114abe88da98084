r"""The Figure 7/8 model (§6, "Non-Augmented setting"): multi-head linear attention with softmax positional encoding.

The paper describes it as model (6) without Assumptions 1 and 3,

.. math:: \mathcal{T}_\theta(e_{1:T}) = \sum_{h=1}^H \sum_{t=1}^T P_{T-1,t}\,\langle e_t | A^h e_{T-1}\rangle\,
          B^h e_t, \qquad P_{t,t'} = \mathrm{softmax}_{t'}(\langle W_{Q_{pos}} p_t | W_{K_{pos}} p_{t'}\rangle),

with tokens :math:`e_t = s_t` (``tokens="plain"``), or duplicated :math:`e_t = (s_t, s_t)` (``"duplicated"``,
``non_augmented.py`` line 195: ``src.repeat(1, 1, n)``). ``"zero-padded"``, :math:`e_t = (s_t, 0)`, is a control:
the same width 2d without the copy. The authors' ``non_augmented.py``
(the code for Figure 7) differs; ``variant`` selects either:

- ``"paper"``: (6) as printed: query :math:`e_{T-1}`, keys and values :math:`e_t` for t <= T, full
  :math:`A^h, B^h \in \mathbb{R}^{E\times E}`, one positional matrix P shared by the heads (learned position
  vectors :math:`p_t \in \mathbb{R}^E`, maps :math:`W_{Q_{pos}}, W_{K_{pos}}`), no bias, no layer norm, no
  residual; the prediction of :math:`s_{T+1}` is the first d coordinates of the output (the text does not say
  which coordinates are read when tokens are duplicated). The prefix T = 1 has no token :math:`e_{T-1}`: its
  prediction is 0 (which is the Bayes prediction there, :math:`\mathbb{E}[Ws_1] = 0`).
- ``"code"``: ``non_augmented.py`` lines 12–198: the query is the *last* token :math:`e_T`; Q, K, V are linear
  maps with biases (lines 19–21), head dimension E (line 17); the token score :math:`q\cdot k/\sqrt{E}` (line 55)
  multiplies a per-head positional softmax built with the *same* Q and K maps applied to learned position
  embeddings (lines 58–75, ``nn.Embedding``, N(0, 1)); heads are summed (line 82), then an output map with bias
  (line 83), a LayerNorm without residual (lines 104–105) and a final linear map to d (line 169).

``positional="free"`` (a control for "as we found it to stabilize the training process") replaces the softmax
positional matrix by a directly learned matrix P (§5's parameterisation, per head in ``"code"``), initialised
to the value the softmax parameterisation has at initialisation, so that both start from the same function.

``init_same`` (Figure 8, ``non_augmented.py`` lines 25–33, a flag that the published script never switches on)
initialises every head's Q, K, V (weights and biases; ``"paper"``: :math:`A^h, B^h`) as head 0's plus
``init_noise`` · N(0, 1).

Inputs are sequences ``s`` (n, T, d) = :math:`s_1..s_T`; outputs (n, T, d), entry ``[:, T-1]`` the prediction of
:math:`s_{T+1}` from the prefix :math:`s_{1:T}`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from ical_verify.numerics.errors import DomainError

VARIANTS = ("paper", "code")
TOKENS = ("plain", "duplicated", "zero-padded")
POSITIONALS = ("softmax", "free")


@dataclass
class PositionalSoftmaxConfig:
    """d: dimension of s_t; tokens: plain (E = d), duplicated or zero-padded (E = 2d); heads H; t_max positions."""

    d: int = 10
    tokens: str = "plain"
    heads: int = 1
    t_max: int = 50
    variant: str = "code"
    positional: str = "softmax"
    init_same: bool = False
    init_noise: float = 0.05
    dtype: torch.dtype = torch.float32

    def __post_init__(self) -> None:
        for name in ("d", "heads", "t_max"):
            v = getattr(self, name)
            if int(v) != v or v < 1:
                raise DomainError(f"{name} = {v} is out of range: it must be an integer >= 1")
        if self.tokens not in TOKENS:
            raise DomainError(f"tokens {self.tokens!r} is not one of {TOKENS}")
        if self.variant not in VARIANTS:
            raise DomainError(f"variant {self.variant!r} is not one of {VARIANTS}")
        if self.positional not in POSITIONALS:
            raise DomainError(f"positional {self.positional!r} is not one of {POSITIONALS}")

    @property
    def embed(self) -> int:
        return self.d if self.tokens == "plain" else 2 * self.d


def _causal(T: int, shift: int = 0, device=None) -> torch.Tensor:
    """Mask (T, T): query position q may see key position k iff k <= q + shift."""
    q = torch.arange(T, device=device)[:, None]
    k = torch.arange(T, device=device)[None, :]
    return k <= q + shift


class PositionalSoftmaxAttention(nn.Module):
    """Figure 7/8 model in the ``"paper"`` or ``"code"`` variant (see the module docstring)."""

    def __init__(self, config: PositionalSoftmaxConfig, seed: int | None = None):
        super().__init__()
        self.config = config
        c, E, H = config, config.embed, config.heads
        g = torch.Generator().manual_seed(seed) if seed is not None else None
        if c.variant == "code":
            self.queries = nn.Linear(E, E * H, dtype=c.dtype)
            self.keys = nn.Linear(E, E * H, dtype=c.dtype)
            self.values = nn.Linear(E, E * H, dtype=c.dtype)
            self.attn_out = nn.Linear(E, E, dtype=c.dtype)
            self.norm = nn.LayerNorm(E, dtype=c.dtype)
            self.readout = nn.Linear(E, c.d, dtype=c.dtype)
            for lin in (self.queries, self.keys, self.values, self.attn_out, self.readout):
                bound = 1 / math.sqrt(lin.in_features)  # PyTorch's default Linear initialisation, seeded
                with torch.no_grad():
                    lin.weight.uniform_(-bound, bound, generator=g)
                    lin.bias.uniform_(-bound, bound, generator=g)
            self.pos = nn.Parameter(torch.randn(c.t_max, E, dtype=c.dtype, generator=g))  # nn.Embedding init
            if c.init_same:
                with torch.no_grad():
                    for lin in (self.queries, self.keys, self.values):
                        w0, b0 = lin.weight[:E].clone(), lin.bias[:E].clone()  # (E, E), (E,)
                        for h in range(H):
                            lin.weight[h * E:(h + 1) * E] = w0 + c.init_noise * torch.randn(E, E, dtype=c.dtype,
                                                                                          generator=g)
                            lin.bias[h * E:(h + 1) * E] = b0 + c.init_noise * torch.randn(E, dtype=c.dtype,
                                                                                         generator=g)
        else:
            s = 1 / math.sqrt(E)
            A = s * torch.randn(H, E, E, dtype=c.dtype, generator=g)  # (H, E, E)
            B = s * torch.randn(H, E, E, dtype=c.dtype, generator=g) / math.sqrt(H)  # (H, E, E)
            if c.init_same:
                A = A[:1] + c.init_noise * torch.randn(H, E, E, dtype=c.dtype, generator=g)
                B = B[:1] + c.init_noise * torch.randn(H, E, E, dtype=c.dtype, generator=g)
            self.A, self.B = nn.Parameter(A), nn.Parameter(B)
            self.pos = nn.Parameter(torch.randn(c.t_max, E, dtype=c.dtype, generator=g))
            self.Wq_pos = nn.Parameter(s * torch.randn(E, E, dtype=c.dtype, generator=g))
            self.Wk_pos = nn.Parameter(s * torch.randn(E, E, dtype=c.dtype, generator=g))
        if c.positional == "free":
            with torch.no_grad():
                P0 = self._softmax_positional(c.t_max).clone()  # (H', t_max, t_max)
            self.P = nn.Parameter(P0)

    # ----------------------------------------------------------------------------------------------- positional
    def _softmax_positional(self, T: int) -> torch.Tensor:
        """Positional attention (H', T, T) with H' = H (code) or 1 (paper): row = query position, causal."""
        c, E, H = self.config, self.config.embed, self.config.heads
        p = self.pos[:T]  # (T, E)
        if c.variant == "code":
            qp = self.queries(p).reshape(T, H, E)  # (T, H, E)
            kp = self.keys(p).reshape(T, H, E)  # (T, H, E)
            logits = torch.einsum("qhe,khe->hqk", qp, kp) / math.sqrt(E)  # (H, T, T)
            mask = _causal(T, device=p.device)
        else:
            qp = p @ self.Wq_pos.T  # (T, E)
            kp = p @ self.Wk_pos.T  # (T, E)
            logits = (qp @ kp.T / math.sqrt(E))[None]  # (1, T, T): row t-1 for the prefix T (query e_{T-1})
            # row q is the query token e_{q+1} of the prefix T = q + 2, which sees t <= T (0-based k <= q + 1)
            mask = _causal(T, shift=1, device=p.device)
        logits = logits.masked_fill(~mask, float("-inf"))
        return torch.softmax(logits, dim=-1)  # (H', T, T)

    def positional(self, T: int) -> torch.Tensor:
        """The positional matrix in use, (H', T, T) (causally masked; rows are query positions)."""
        if self.config.positional == "free":
            shift = 0 if self.config.variant == "code" else 1
            return self.P[:, :T, :T] * _causal(T, shift, self.P.device).to(self.P.dtype)  # (H', T, T)
        return self._softmax_positional(T)

    # ---------------------------------------------------------------------------------------------------- forward
    def embed_tokens(self, s: torch.Tensor) -> torch.Tensor:
        """(n, T, d) -> (n, T, E): e_t = s_t, (s_t, s_t) or (s_t, 0)."""
        if self.config.tokens == "plain":
            return s
        if self.config.tokens == "duplicated":
            return s.repeat(1, 1, 2)  # (n, T, 2d)
        return torch.cat([s, torch.zeros_like(s)], dim=-1)  # (n, T, 2d)

    def forward(self, s: torch.Tensor) -> torch.Tensor:
        c, E, H = self.config, self.config.embed, self.config.heads
        n, T, d = s.shape
        if d != c.d:
            raise DomainError(f"token dimension {d} does not match d = {c.d}")
        if T > c.t_max:
            raise DomainError(f"sequence length {T} exceeds t_max = {c.t_max}")
        x = self.embed_tokens(s).to(c.dtype)  # (n, T, E)
        P = self.positional(T)  # (H', T, T)
        if c.variant == "code":
            q = self.queries(x).reshape(n, T, H, E).transpose(1, 2)  # (n, H, T, E)
            k = self.keys(x).reshape(n, T, H, E).transpose(1, 2)  # (n, H, T, E)
            v = self.values(x).reshape(n, T, H, E).transpose(1, 2)  # (n, H, T, E)
            score = q @ k.transpose(-1, -2) / math.sqrt(E)  # (n, H, T, T)
            att = score * P  # (n, H, T, T): P is zero outside the causal window
            out = (att @ v).sum(1)  # (n, T, E): summed over heads
            out = self.norm(self.attn_out(out))  # (n, T, E)
            return self.readout(out)  # (n, T, d)
        xq = torch.cat([torch.zeros_like(x[:, :1]), x[:, :-1]], dim=1)  # (n, T, E): row T-1 holds e_{T-1}
        qa = (xq @ self.A.reshape(H * E, E).T).reshape(n, T, H, E).transpose(1, 2)  # (n, H, T, E): A^h e_{T-1}
        score = qa @ x.transpose(1, 2)[:, None]  # (n, H, T, T): <e_t | A^h e_{T-1}>
        Pq = torch.cat([torch.zeros_like(P[:, :1]), P[:, :-1]], dim=1)  # (1, T, T): row T-1 of P for the prefix T
        att = score * Pq  # (n, H, T, T)
        vb = (x @ self.B.reshape(H * E, E).T).reshape(n, T, H, E).transpose(1, 2)  # (n, H, T, E): B^h e_t
        out = (att @ vb).sum(1)  # (n, T, E)
        return out[..., : c.d]  # (n, T, d)

    # -------------------------------------------------------------------------------------------- head matrices
    def value_maps(self) -> torch.Tensor:
        """W_V^h (code: the values Linear's slice for head h; paper: B^h), (H, E, E)."""
        c, E, H = self.config, self.config.embed, self.config.heads
        if c.variant == "code":
            return self.values.weight.reshape(H, E, E)  # (H, E, E): rows h*E..(h+1)*E-1
        return self.B

    def value_output_maps(self) -> torch.Tensor:
        r"""B^h as in (6): the map from a token to the head's contribution, :math:`W_O W_V^h` (code), B^h (paper)."""
        if self.config.variant == "code":
            return torch.einsum("ij,hjk->hik", self.attn_out.weight, self.value_maps())  # (H, E, E)
        return self.B

    def query_key_maps(self) -> torch.Tensor:
        r""":math:`A^h = W_K^{h\top} W_Q^h` (code) or A^h (paper), (H, E, E)."""
        c, E, H = self.config, self.config.embed, self.config.heads
        if c.variant == "code":
            Wq = self.queries.weight.reshape(H, E, E)  # (H, E, E)
            Wk = self.keys.weight.reshape(H, E, E)
            return torch.einsum("hji,hjk->hik", Wk, Wq)  # (H, E, E)
        return self.A


# ------------------------------------------------------------------------------------------------------------
# Duplicated and zero-padded tokens define the same function class (used by the Figure 7 mechanism check)
# ------------------------------------------------------------------------------------------------------------
def _clone(model: PositionalSoftmaxAttention, tokens: str) -> PositionalSoftmaxAttention:
    cfg = PositionalSoftmaxConfig(**{**model.config.__dict__, "tokens": tokens})
    other = PositionalSoftmaxAttention(cfg, seed=0)
    other.load_state_dict(model.state_dict())
    return other


def equivalent_zero_padded(model: PositionalSoftmaxAttention) -> PositionalSoftmaxAttention:
    r"""A model on zero-padded tokens :math:`(s_t, 0)` computing exactly the same function as ``model`` (duplicated
    tokens :math:`(s_t, s_t)`).

    ``"code"``: every input map :math:`W = [W_1, W_2]` (Q, K, V; blocks act on the two copies) becomes
    :math:`W' = [W_1 + W_2, W_2]` and every position vector :math:`p = (p_a, p_b)` becomes
    :math:`p' = (p_a, p_b - p_a)`, so that :math:`W'(s, 0) = W(s, s)` and :math:`W'p' = Wp`. ``"paper"``: the
    token blocks become :math:`A'_{11} = A_{11} + A_{12} + A_{21} + A_{22}` and :math:`B'_{11} = B_{11} + B_{12}`
    (the positional parameters act on positions only and are kept).
    """
    if model.config.tokens != "duplicated":
        raise DomainError("equivalent_zero_padded maps a model on duplicated tokens")
    other = _clone(model, "zero-padded")
    d = model.config.d
    with torch.no_grad():
        if model.config.variant == "code":
            for name in ("queries", "keys", "values"):
                W = getattr(model, name).weight  # (E*H, 2d)
                getattr(other, name).weight.copy_(torch.cat([W[:, :d] + W[:, d:], W[:, d:]], dim=1))
            p = model.pos  # (t_max, 2d)
            other.pos.copy_(torch.cat([p[:, :d], p[:, d:] - p[:, :d]], dim=1))
        else:
            A, B = model.A, model.B  # (H, 2d, 2d)
            A2 = torch.zeros_like(A)
            A2[:, :d, :d] = A[:, :d, :d] + A[:, :d, d:] + A[:, d:, :d] + A[:, d:, d:]
            B2 = torch.zeros_like(B)
            B2[:, :d, :d] = B[:, :d, :d] + B[:, :d, d:]
            other.A.copy_(A2)
            other.B.copy_(B2)
    return other


def equivalent_duplicated(model: PositionalSoftmaxAttention) -> PositionalSoftmaxAttention:
    r"""The converse of :func:`equivalent_zero_padded`: a model on duplicated tokens computing exactly ``model``
    (zero-padded tokens). ``"code"``: :math:`W' = [A, B] \mapsto W = [A - B, B]`, :math:`p = (p'_a, p'_a + p'_b)`;
    ``"paper"``: :math:`A_{11} = A'_{11}`, :math:`B_{11} = B'_{11}`, the other token blocks 0.
    """
    if model.config.tokens != "zero-padded":
        raise DomainError("equivalent_duplicated maps a model on zero-padded tokens")
    other = _clone(model, "duplicated")
    d = model.config.d
    with torch.no_grad():
        if model.config.variant == "code":
            for name in ("queries", "keys", "values"):
                W = getattr(model, name).weight  # (E*H, 2d)
                getattr(other, name).weight.copy_(torch.cat([W[:, :d] - W[:, d:], W[:, d:]], dim=1))
            p = model.pos  # (t_max, 2d)
            other.pos.copy_(torch.cat([p[:, :d], p[:, :d] + p[:, d:]], dim=1))
        else:
            A, B = model.A, model.B
            A2, B2 = torch.zeros_like(A), torch.zeros_like(B)
            A2[:, :d, :d] = A[:, :d, :d]
            B2[:, :d, :d] = B[:, :d, :d]
            other.A.copy_(A2)
            other.B.copy_(B2)
    return other
