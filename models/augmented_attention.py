r"""Model (4) of Sander et al. (ICML 2024): linear attention on augmented tokens, one or L layers.

.. math:: \mathcal{T}_\theta(e_{1:T}) = \Big(e_T + \sum_{t=1}^T \langle A e_T | e_t\rangle_{\mathbb{C}}\, B e_t\Big)_{1:d}
   \quad (4),\qquad e_t = (0, s_t, s_{t-1}) \in \mathbb{C}^{3d},\ \langle x | y\rangle = y^* x.

A layer maps every position :math:`\tau` causally, :math:`e_\tau \mapsto e_\tau + \sum_{t \le \tau}
\langle A e_\tau | e_t\rangle B e_t`, so that one pass over a sequence of length :math:`T_{\max}` gives the
output of (4) for every prefix :math:`e_{1:T}` at position :math:`T`. The stacked model of §6 ("Augmented
setting") iterates the layer L times with layer normalisation (pre-norm: :math:`E \leftarrow E +
\mathrm{layer}(\mathrm{LN}(E))`), then reads the first d coordinates.

Parameterisations: ``"full"`` (A, B in :math:`\mathbb{R}^{3d\times 3d}`) and ``"assumption2"`` (Assumption 2:
:math:`A_i = a_i I`, :math:`B_i = b_i I`, the other blocks zero). Inputs may be complex (diagonal unitary
contexts) or real; parameters are real; float64 by default.

The s_0 convention of the first token: ``s0="backward"`` (:math:`s_0 = W^{-1}s_1`), ``s0="zero"`` or
``s0="first"`` (:math:`s_0 = s_1`, the first token repeated).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ical_verify.numerics.errors import DomainError

PARAMETERISATIONS = ("full", "assumption2")
S0_CONVENTIONS = ("backward", "zero", "first")


@dataclass
class AugmentedAttentionConfig:
    """Configuration of model (4): dimension d, depth, parameterisation, layer norm, init scale, dtype."""

    d: int = 2
    n_layers: int = 1
    parameterisation: str = "full"
    layer_norm: bool = False
    init_scale: float = 0.02
    dtype: torch.dtype = torch.float64

    def __post_init__(self) -> None:
        if int(self.d) != self.d or self.d < 1:
            raise DomainError(f"d = {self.d} is out of range: it must be an integer >= 1")
        if int(self.n_layers) != self.n_layers or self.n_layers < 1:
            raise DomainError(f"n_layers = {self.n_layers} is out of range: it must be an integer >= 1")
        if self.parameterisation not in PARAMETERISATIONS:
            raise DomainError(f"parameterisation {self.parameterisation!r} is not one of {PARAMETERISATIONS}")
        if self.parameterisation == "assumption2" and (self.n_layers != 1 or self.layer_norm):
            raise DomainError("parameterisation 'assumption2' is the single-layer model (4) without layer norm")


def augment(seqs: torch.Tensor, s0: str = "zero", W: torch.Tensor | None = None) -> torch.Tensor:
    r"""Augmented tokens :math:`e_t = (0, s_t, s_{t-1})` from sequences ``seqs`` (n, T, d) = :math:`s_{1:T}`.

    ``s0="zero"``: :math:`s_0 = 0`; ``s0="backward"``: :math:`s_0 = W^{-1}s_1` with ``W`` (n, d, d) the
    context matrices (for diagonal unitary contexts ``W = diag(lambda)``, so :math:`s_0 = \bar\lambda`);
    ``s0="first"``: :math:`s_0 = s_1` (what Lemma 1's two positional heads output at t = 1).

    >>> E = augment(torch.ones(1, 2, 1, dtype=torch.float64))
    >>> E[0].tolist()
    [[0.0, 1.0, 0.0], [0.0, 1.0, 1.0]]
    """
    if s0 not in S0_CONVENTIONS:
        raise DomainError(f"s0 convention {s0!r} is not one of {S0_CONVENTIONS}")
    n, T, d = seqs.shape
    if s0 == "zero":
        first = torch.zeros_like(seqs[:, :1])  # (n, 1, d)
    elif s0 == "first":
        first = seqs[:, :1]  # (n, 1, d): s_0 = s_1
    else:
        if W is None:
            raise DomainError("s0 = 'backward' needs the context matrices W (n, d, d)")
        first = torch.linalg.solve(W, seqs[:, 0].unsqueeze(-1)).squeeze(-1).unsqueeze(1)  # (n, 1, d)
    prev = torch.cat([first, seqs[:, :-1]], dim=1)  # (n, T, d): s_{t-1}
    return torch.cat([torch.zeros_like(seqs), seqs, prev], dim=-1)  # (n, T, 3d)


class AugmentedAttentionLayer(nn.Module):
    """One causal layer of (4) at every position, with parameters A, B (full or Assumption 2)."""

    def __init__(self, config: AugmentedAttentionConfig, generator: torch.Generator | None = None):
        super().__init__()
        self.config = config
        d, s = config.d, config.init_scale
        if config.parameterisation == "full":
            self.A = nn.Parameter(s * torch.randn(3 * d, 3 * d, dtype=config.dtype, generator=generator))
            self.B = nn.Parameter(s * torch.randn(3 * d, 3 * d, dtype=config.dtype, generator=generator))
        else:
            self.a = nn.Parameter(s * torch.randn(4, dtype=config.dtype, generator=generator))
            self.b = nn.Parameter(s * torch.randn(2, dtype=config.dtype, generator=generator))

    def matrices(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(A, B), each (3d, 3d); under Assumption 2 built from the blocks a_i I, b_i I."""
        if self.config.parameterisation == "full":
            return self.A, self.B
        d = self.config.d
        I = torch.eye(d, dtype=self.config.dtype)
        Z = torch.zeros(d, d, dtype=self.config.dtype)
        a, b = self.a, self.b
        A = torch.cat([torch.cat([Z, Z, Z], 1),
                       torch.cat([Z, a[0] * I, a[1] * I], 1),
                       torch.cat([Z, a[2] * I, a[3] * I], 1)], 0)  # (3d, 3d)
        B = torch.cat([torch.cat([Z, b[0] * I, b[1] * I], 1),
                       torch.cat([Z, Z, Z], 1), torch.cat([Z, Z, Z], 1)], 0)  # (3d, 3d)
        return A, B

    def forward(self, E: torch.Tensor) -> torch.Tensor:
        r"""The increment :math:`\sum_{t\le\tau} \langle A e_\tau | e_t\rangle B e_t` at every position τ."""
        A, B = self.matrices()
        A, B = A.to(E.dtype), B.to(E.dtype)
        AE = E @ A.transpose(0, 1)  # (n, T, 3d): A e_tau
        BE = E @ B.transpose(0, 1)  # (n, T, 3d): B e_t
        scores = torch.einsum("nsj,ntj->nst", AE, E.conj())  # (n, T, T): <A e_s | e_t> = e_t^* A e_s
        T = E.shape[1]
        mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
        scores = scores * mask  # causal: t <= s
        return scores @ BE  # (n, T, 3d)


class AugmentedTransformer(nn.Module):
    """Model (4) (``n_layers = 1``, no layer norm) or its L-layer stack with pre-norm layer normalisation."""

    def __init__(self, config: AugmentedAttentionConfig, seed: int | None = None):
        super().__init__()
        self.config = config
        gen = torch.Generator().manual_seed(seed) if seed is not None else None
        self.layers = nn.ModuleList(AugmentedAttentionLayer(config, gen) for _ in range(config.n_layers))
        self.norms = nn.ModuleList(nn.LayerNorm(3 * config.d, dtype=config.dtype) if config.layer_norm
                                   else nn.Identity() for _ in range(config.n_layers))

    def forward(self, E: torch.Tensor) -> torch.Tensor:
        """Outputs (n, T, d): position T holds :math:`\\mathcal{T}_\\theta(e_{1:T})`, first d coordinates."""
        if E.shape[-1] != 3 * self.config.d:
            raise DomainError(f"token size {E.shape[-1]} does not match 3d = {3 * self.config.d}")
        for layer, norm in zip(self.layers, self.norms):
            E = E + layer(norm(E))
        return E[..., : self.config.d]  # (n, T, d)

    def set_assumption2(self, a, b) -> None:
        """Set (a_1..a_4), (b_1, b_2) (Assumption 2 parameterisation)."""
        with torch.no_grad():
            self.layers[0].a.copy_(torch.as_tensor(a, dtype=self.config.dtype))
            self.layers[0].b.copy_(torch.as_tensor(b, dtype=self.config.dtype))


def prefix_loss(model: AugmentedTransformer, E: torch.Tensor, targets: torch.Tensor, t_min: int = 2) -> torch.Tensor:
    r"""Empirical loss (3): :math:`\sum_{T=t_{min}}^{T_{\max}} \frac1n\sum_i \|\mathcal{T}_\theta(e^i_{1:T}) - s^i_{T+1}\|^2`.

    ``E`` (n, T_max, 3d) tokens; ``targets`` (n, T_max, d) with ``targets[:, T-1] = s_{T+1}``.
    """
    return prefix_loss_from_outputs(model(E), targets, t_min)


def prefix_loss_from_outputs(out: torch.Tensor, targets: torch.Tensor, t_min: int = 2) -> torch.Tensor:
    r"""Loss (3) from the outputs ``out`` (n, T_max, d) of a model: :func:`prefix_loss` without the forward pass."""
    err = (out - targets)[:, t_min - 1:]  # (n, T_max - t_min + 1, d)
    return (err.abs() ** 2).sum(-1).mean(0).sum()


def per_prefix_errors(out: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    r"""Squared errors :math:`\|\mathcal{T}(e_{1:T}) - s_{T+1}\|^2` per sequence and prefix: (n, T_max)."""
    return ((out - targets).abs() ** 2).sum(-1)
