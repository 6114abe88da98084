r"""Model (6) read at τ = T instead of τ = T-1 (Sander et al., Conclusion, "Future work"):

.. math:: \mathcal{T}^{(T)}_\theta(e_{1:T}) = \sum_{h=1}^H \sum_{t=1}^T P_{T,t}\,
          \langle e_t | A^h e_T\rangle_{\mathbb{C}}\, B^h e_t ,

the query is the last token :math:`e_T` and the positional weights are the row :math:`P_T` (columns t <= T),
no residual connection, as in (6). Diagonal heads (Assumption 3). Every output coordinate has context
degree :math:`\equiv T+1 \pmod 2` and the target :math:`s_{T+1}` degree T (``theory.in_context``), so the
population loss is at least :math:`\mathbb{E}\|s_{T+1}\|^2` per T, attained only by the zero output.
"""

from __future__ import annotations

import math

import torch

from .diagonal_attention import DiagonalAttention, DiagonalAttentionConfig, ar_batch, sample_contexts


def last_read_mask(T_max: int) -> torch.Tensor:
    """(T_max, T_max) mask of the entries read for T = 2..T_max: row T (0-based T-1), columns <= T.

    >>> last_read_mask(3)
    tensor([[0., 0., 0.],
            [1., 1., 0.],
            [1., 1., 1.]], dtype=torch.float64)
    """
    r = torch.arange(T_max)[:, None]
    c = torch.arange(T_max)[None, :]
    return ((c <= r) & (r >= 1)).to(torch.float64)


class LastTokenAttention(DiagonalAttention):
    """Model (6) with the read-out at τ = T (diagonal heads, learnable P)."""

    def __init__(self, config: DiagonalAttentionConfig, generator: torch.Generator | None = None):
        super().__init__(config, generator)
        self.mask = last_read_mask(config.T_max)

    def forward(self, e: torch.Tensor) -> torch.Tensor:
        """Output at τ = T for tokens ``e`` (n, T, d): (n, d)."""
        n, T, d = e.shape
        A, B = self.A.to(e.dtype), self.B.to(e.dtype)
        p = self.positional()[T - 1, :T].to(e.dtype)                           # (T,): row T
        q = e[:, T - 1, :]                                                     # (n, d): e_T
        scores = torch.einsum("ntj,hj->nht", e * q.conj()[:, None, :], A)      # (n, H, T)
        mixed = torch.einsum("nht,hi->nti", scores, B)                         # (n, T, d)
        return torch.einsum("t,nti->ni", p, mixed * e)                         # (n, d)

    def sampled_loss(self, s: torch.Tensor) -> torch.Tensor:
        r"""Empirical loss (3) at τ = T on sequences (n, T_max + 1, d), summed over T = 2..T_max."""
        total = 0.0
        for T in range(2, self.config.T_max + 1):
            err = self(s[:, :T]) - s[:, T]                                     # (n, d)
            total = total + (err.abs() ** 2).sum(dim=1).mean()
        return total


def exact_loss_last_query(C: torch.Tensor, P: torch.Tensor) -> torch.Tensor:
    r"""Exact population loss (3) of the τ = T read-out for :math:`\mathcal{C}_U` (Assumptions 1, 3), from
    :math:`\mathbf{C} = \mathbf{B}^\top\mathbf{A}` and P:

    .. math:: \sum_{T=2}^{T_{\max}} \Big[p_T^2\,\|\mathbf{C}1_d\|^2 + \big(\|p\|^2 - p_T^2\big)\|\mathbf{C}\|_F^2 + d\Big],
              \qquad p = (P_{T,1}, \dots, P_{T,T}),

    (Parseval: at position t = T every :math:`j` gives the monomial :math:`\lambda_i^{T-1}`; all other monomials
    are distinct; none is :math:`\lambda_i^T`). Its minimum :math:`d(T_{\max}-1)` is the zero output's loss.

    >>> exact_loss_last_query(torch.eye(2, dtype=torch.float64), torch.ones(3, 3, dtype=torch.float64))
    tensor(14., dtype=torch.float64)
    """
    d = C.shape[0]
    T_max = P.shape[0]
    Pm = (P * last_read_mask(T_max).to(P.dtype))[1:]                          # (T_max-1, T_max): rows T
    rows = torch.arange(1, T_max)
    pT = Pm[rows - 1, rows]                                                   # (T_max-1,): P_{T,T}
    norm2 = (Pm ** 2).sum(dim=1)
    per_T = pT ** 2 * (C.sum(dim=1) ** 2).sum() + (norm2 - pT ** 2) * (C ** 2).sum() + d
    return per_T.sum()


def train_exact_last(config: DiagonalAttentionConfig, seed: int, max_iter: int = 30) -> tuple[LastTokenAttention, float]:
    """L-BFGS on :func:`exact_loss_last_query` (C_U) from a Gaussian start; returns the model and its loss."""
    g = torch.Generator().manual_seed(seed)
    model = LastTokenAttention(config, generator=g)
    opt = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=50, line_search_fn="strong_wolfe",
                            tolerance_grad=1e-300, tolerance_change=1e-300)

    def closure():
        opt.zero_grad()
        loss = exact_loss_last_query(model.C(), model.positional())
        loss.backward()
        return loss

    for _ in range(max_iter):
        opt.step(closure)
    return model, float(exact_loss_last_query(model.C(), model.positional()).detach())


def train_last_token(config: DiagonalAttentionConfig, context: str, seed: int, steps: int = 300,
                     batch: int = 256, lr: float = 3e-2) -> tuple[LastTokenAttention, list[float]]:
    """Adam on fresh minibatches (cosine learning-rate decay); returns the model and the loss history."""
    g = torch.Generator().manual_seed(seed)
    model = LastTokenAttention(config, generator=g)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 0.5 * (1 + math.cos(math.pi * k / steps)))
    history = []
    for _ in range(steps):
        lam = sample_contexts(context, batch, config.d, generator=g)
        s = ar_batch(lam, config.T_max + 1)                                    # (batch, T_max + 1, d)
        opt.zero_grad()
        loss = model.sampled_loss(s)
        loss.backward()
        opt.step()
        sched.step()
        history.append(float(loss.detach()))
    return model, history
