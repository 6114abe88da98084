r"""Reference predictors for Definition 1 (Sander et al., §3): models that predict the AR process
:math:`s_{t+1} = Ws_t` without learning W in context, each in a different way.

- :class:`ZeroPredictor`: always 0 (the best predictor that ignores the context, for :math:`\mathcal{C}_U`);
- :class:`OracleGivenW`: :math:`W s_T` with W given as an input beside the prefix (a side channel);
- :class:`SecondTokenPower`: :math:`e_2^{\odot T}` (entrywise power of the second token); exact on the paper's
  data, where :math:`s_1 = 1_d` so :math:`e_2 = \lambda` and :math:`s_{T+1} = \lambda^T`, but it uses the start
  token instead of applying an estimate of W to :math:`s_\tau`;
- :class:`LookupMemoriser`: K stored contexts; it identifies the stored :math:`\lambda_k` closest to
  :math:`e_2 \oslash e_1` and predicts :math:`\lambda_k \odot s_T` (zero loss on its K training contexts).

All act on complex tokens (n, T, d) of diagonal (commuting) contexts and return (n, d).
"""

from __future__ import annotations

import torch
from torch import nn


class ZeroPredictor(nn.Module):
    """The zero output."""

    def forward(self, e: torch.Tensor, W: torch.Tensor | None = None) -> torch.Tensor:
        return torch.zeros_like(e[:, -1])                                       # (n, d)


class OracleGivenW(nn.Module):
    """:math:`W s_T` for the context W given as a second input (n, d, d)."""

    def forward(self, e: torch.Tensor, W: torch.Tensor | None = None) -> torch.Tensor:
        if W is None:
            raise ValueError("OracleGivenW needs the context matrices W")
        return torch.einsum("nij,nj->ni", W.to(e.dtype), e[:, -1])              # (n, d)


class SecondTokenPower(nn.Module):
    """:math:`e_2^{\\odot T}` for a prefix of length T."""

    def forward(self, e: torch.Tensor, W: torch.Tensor | None = None) -> torch.Tensor:
        return e[:, 1] ** e.shape[1]                                            # (n, d)


class LookupMemoriser(nn.Module):
    """Nearest stored context to :math:`e_2 \\oslash e_1`, applied to :math:`s_T`."""

    def __init__(self, contexts: torch.Tensor):
        super().__init__()
        self.register_buffer("contexts", contexts.clone())                      # (K, d) complex

    def forward(self, e: torch.Tensor, W: torch.Tensor | None = None) -> torch.Tensor:
        ratio = e[:, 1] / e[:, 0]                                               # (n, d)
        dist = (ratio[:, None, :] - self.contexts[None]).abs().pow(2).sum(-1)   # (n, K)
        k = dist.argmin(dim=1)                                                  # (n,)
        return self.contexts[k] * e[:, -1]                                      # (n, d)
