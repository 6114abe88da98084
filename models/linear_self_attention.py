r"""One layer of linear self-attention for in-context regression (Mahankali, Hashimoto and Ma, 2023).

.. math:: f(Z) = Z + \frac1n W^{PV} Z M (Z^\top W^{KQ} Z),\qquad M = \mathrm{diag}(I_n, 0),\qquad
          \hat y = f(Z)_{d+1,\,n+1},

with tokens :math:`z_i = (x_i, y_i)` and the query :math:`z_q = (x_q, 0)` (rows of ``Z`` here, columns in
the formula). The merged matrices :math:`P = W^{PV}` and :math:`Q = W^{KQ}` have every entry trainable: the
whole one-layer class (separate :math:`W^K, W^Q, W^V, W^P` of head dimension at least d+1 give exactly these
products). The prediction reads only the query column, :math:`z_q + PGQz_q`, :math:`G = \frac1n\sum_i z_iz_i^\top`.

``n_starts`` independent models (one per random start) are held side by side in a leading dimension, so that
several starts train in one pass; the loss is a sum over starts, so each start's gradient (and Adam state) is its
own. ``normalise=False`` drops the 1/n (the un-normalised sum of Sander et al.'s model (4)). Variable prompt
lengths use a mask over the context tokens.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ical_verify.numerics.errors import DomainError


@dataclass
class LSAConfig:
    """Dimension d, number of independent starts, the 1/n normalisation, the initial scale and the dtype."""

    d: int = 2
    n_starts: int = 1
    normalise: bool = True
    init_scale: float = 0.5
    dtype: torch.dtype = torch.float64

    def __post_init__(self) -> None:
        if int(self.d) != self.d or self.d < 1:
            raise DomainError(f"d = {self.d} is out of range: it must be an integer >= 1")
        if int(self.n_starts) != self.n_starts or self.n_starts < 1:
            raise DomainError(f"n_starts = {self.n_starts} is out of range: it must be an integer >= 1")
        if not self.init_scale > 0:
            raise DomainError(f"init_scale = {self.init_scale} is out of range: it must be > 0")


class LinearSelfAttention(nn.Module):
    """``n_starts`` one-layer linear self-attention models with full P = W^{PV}, Q = W^{KQ}."""

    def __init__(self, config: LSAConfig, generator: torch.Generator | None = None):
        super().__init__()
        self.config = config
        S, k = config.n_starts, config.d + 1
        scale = config.init_scale / k ** 0.5
        self.P = nn.Parameter(scale * torch.randn(S, k, k, generator=generator, dtype=config.dtype))  # (S, d+1, d+1)
        self.Q = nn.Parameter(scale * torch.randn(S, k, k, generator=generator, dtype=config.dtype))  # (S, d+1, d+1)

    def forward(self, Z: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """Output at the query position, f(Z)[:, n+1] as rows: (S, B, d+1).

        ``Z`` is (S, B, n+1, d+1) (context tokens, then the query (x_q, 0)); ``mask`` (S, B, n) marks the context
        tokens in use (None: all).
        """
        ctx, zq = Z[..., :-1, :], Z[..., -1, :]  # (S, B, n, d+1), (S, B, d+1)
        if mask is not None:
            ctx = ctx * mask.unsqueeze(-1)  # (S, B, n, d+1)
        G = torch.einsum("sbni,sbnj->sbij", ctx, ctx)  # (S, B, d+1, d+1)
        if self.config.normalise:
            count = mask.sum(-1) if mask is not None else torch.full(G.shape[:2], ctx.shape[-2], dtype=G.dtype)
            G = G / count.unsqueeze(-1).unsqueeze(-1)  # (S, B, d+1, d+1)
        Qz = torch.einsum("sij,sbj->sbi", self.Q, zq)  # (S, B, d+1)
        GQz = torch.einsum("sbij,sbj->sbi", G, Qz)  # (S, B, d+1)
        return zq + torch.einsum("sij,sbj->sbi", self.P, GQz)  # (S, B, d+1)

    def predict(self, Z: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """The prediction y_hat = f(Z)_{d+1, n+1}: (S, B)."""
        return self.forward(Z, mask)[..., -1]

    @torch.no_grad()
    def effective_gamma(self) -> torch.Tensor:
        r""":math:`\Gamma = p_y Q_{xx} + p_x q_y^\top` (S, d, d): the coefficient of :math:`s^\top\Gamma x_q` in the prediction.

        ``p`` is the last row of P (``p_x``: its first d entries, ``p_y`` its last), ``Q_xx`` the top-left d x d
        block of Q and ``q_y`` the first d entries of Q's last row.
        """
        d = self.config.d
        p = self.P[:, d, :]  # (S, d+1)
        Qxx, qy = self.Q[:, :d, :d], self.Q[:, d, :d]  # (S, d, d), (S, d)
        return p[:, d, None, None] * Qxx + torch.einsum("si,sj->sij", p[:, :d], qy)  # (S, d, d)

    @torch.no_grad()
    def query_only_coefficients(self) -> tuple[torch.Tensor, torch.Tensor]:
        r"""The parts of the prediction that are not of the form :math:`s^\top\Gamma x_q`:
        :math:`p_x^\top S_{xx} Q_{xx} x_q` (coefficient :math:`p_x \otimes Q_{xx}`, (S, d, d)) and
        :math:`p_y\, G_{yy}\, q_y^\top x_q` (coefficient :math:`p_y q_y`, (S, d))."""
        d = self.config.d
        p = self.P[:, d, :]  # (S, d+1)
        Qxx, qy = self.Q[:, :d, :d], self.Q[:, d, :d]  # (S, d, d), (S, d)
        return torch.einsum("si,sjk->sijk", p[:, :d], Qxx).flatten(1), p[:, d, None] * qy  # (S, d*d*d), (S, d)
