r"""Model (6) of Sander et al. (ICML 2024, §5): multi-head linear attention without residual, read at τ = T-1.

.. math:: \mathcal{T}_\theta(e_{1:T}) = \sum_{h=1}^H \sum_{t=1}^T P_{T-1,t}\,
          \langle e_t | A^h e_{T-1}\rangle_{\mathbb{C}}\, B^h e_t, \qquad
          \langle \alpha, \beta\rangle = \beta^*\alpha, \qquad e_t = s_t .

Parameters: ``A``, ``B`` of shape (H, d) (row h is the diagonal :math:`a_h`, :math:`b_h` of Assumption 3) or
(H, d, d) for the full-matrix variant; ``P`` of shape (T_max, T_max) (the positional encoding; only the
entries :math:`P_{T-1,t}`, :math:`t \le T`, are ever read, so the rest is masked out).

Inputs are complex tensors (n, T, d) (the diagonalised AR process of Assumption 1) or real tensors (for
example :func:`realify` of complex tokens, Remark 1), for which the hermitian product is the dot product.

The exact population loss (3) under Assumptions 1 and 3 is computed in closed form from
:math:`\mathbf{C} = \mathbf{B}^\top\mathbf{A}` and P (:func:`exact_population_loss`): the corrected
Proposition 4 for :math:`\mathcal{C}_U` and the closed form derived by this suite for :math:`\mathcal{C}_O`
(both checked against the exact engine in ``theory.diagonal_attention``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from ical_verify.numerics.errors import DomainError

CONTEXTS = ("unitary", "orthogonal")


@dataclass
class DiagonalAttentionConfig:
    """Sizes and variant of model (6).

    ``diagonal=True`` is Assumption 3 (A^h, B^h diagonal); ``False`` gives full d×d matrices per head.
    ``init_scale`` is the standard deviation of the Gaussian initialisation of A, B and P.
    """

    d: int = 10
    heads: int = 10
    T_max: int = 15
    diagonal: bool = True
    init_scale: float = 0.5

    def __post_init__(self) -> None:
        for name, value, low in (("d", self.d, 1), ("heads", self.heads, 1), ("T_max", self.T_max, 2)):
            if int(value) != value or value < low:
                raise DomainError(f"{name} = {value} is out of range: it must be an integer >= {low}")
        if not self.init_scale > 0:
            raise DomainError(f"init_scale = {self.init_scale} is out of range: it must be > 0")


def read_mask(T_max: int) -> torch.Tensor:
    """(T_max, T_max) float mask of the entries of P read by (6) for T = 2..T_max: row T-1, columns ≤ T.

    >>> read_mask(3)
    tensor([[1., 1., 0.],
            [1., 1., 1.],
            [0., 0., 0.]], dtype=torch.float64)
    """
    r = torch.arange(T_max)[:, None]
    c = torch.arange(T_max)[None, :]
    return ((c <= r + 1) & (r <= T_max - 2)).to(torch.float64)


def realify(e: torch.Tensor) -> torch.Tensor:
    """Remark 1's realification of complex tokens: (..., d) complex -> (..., 2d) real ``[Re, Im]``."""
    return torch.cat([e.real, e.imag], dim=-1)


class DiagonalAttention(nn.Module):
    """Model (6) with H heads, diagonal (Assumption 3) or full A^h, B^h, and a learnable P."""

    def __init__(self, config: DiagonalAttentionConfig, generator: torch.Generator | None = None):
        super().__init__()
        self.config = config
        H, d, s = config.heads, config.d, config.init_scale
        shape = (H, d) if config.diagonal else (H, d, d)
        g = generator
        self.A = nn.Parameter(s * torch.randn(shape, generator=g, dtype=torch.float64))
        self.B = nn.Parameter(s * torch.randn(shape, generator=g, dtype=torch.float64))
        self.P = nn.Parameter(s * torch.randn((config.T_max, config.T_max), generator=g, dtype=torch.float64))
        self.register_buffer("mask", read_mask(config.T_max))

    # the model ---------------------------------------------------------------------------------
    def positional(self) -> torch.Tensor:
        """P with the entries (6) never reads set to 0: (T_max, T_max)."""
        return self.P * self.mask

    def C(self) -> torch.Tensor:
        r""":math:`\mathbf{C} = \mathbf{B}^\top\mathbf{A}` (Lemma 2; diagonal variant only): (d, d)."""
        if not self.config.diagonal:
            raise DomainError("C = B^T A is defined for the diagonal variant (Assumption 3) only")
        return self.B.T @ self.A                                               # (d, d)

    def forward(self, e: torch.Tensor) -> torch.Tensor:
        """Output of (6) at τ = T-1 for tokens ``e`` (n, T, d), 2 <= T <= T_max: returns (n, d)."""
        n, T, d = e.shape
        if not 2 <= T <= self.config.T_max or d != self.config.d:
            raise DomainError(f"tokens of shape {tuple(e.shape)}: need 2 <= T <= T_max = {self.config.T_max} "
                              f"and d = {self.config.d}")
        A = self.A.to(e.dtype)
        B = self.B.to(e.dtype)
        p = self.positional()[T - 2, :T].to(e.dtype)                           # (T,): row T-1, t <= T
        q = e[:, T - 2, :]                                                     # (n, d): e_{T-1}
        if self.config.diagonal:
            # <e_t | A^h e_{T-1}> = sum_j e_{t,j} conj(a_h^j e_{T-1,j})  (a_h real)
            scores = torch.einsum("ntj,hj->nht", e * q.conj()[:, None, :], A)  # (n, H, T)
            mixed = torch.einsum("nht,hi->nti", scores, B)                     # (n, T, d): sum_h score b_h
            values = mixed * e                                                 # (n, T, d): sum_h score B^h e_t
        else:
            query = torch.einsum("hij,nj->nhi", A, q)                          # (n, H, d): A^h e_{T-1}
            scores = torch.einsum("ntj,nhj->nht", e, query.conj())             # (n, H, T)
            values = torch.einsum("nht,hij,ntj->nti", scores, B, e)            # (n, T, d)
        return torch.einsum("t,nti->ni", p, values)                            # (n, d)

    # losses ------------------------------------------------------------------------------------
    def forward_all(self, s: torch.Tensor) -> torch.Tensor:
        r"""Outputs of (6) for every length T = 2..T_max at once, on tokens ``s`` (n, >= T_max, d).

        Row r of the result (0-based) is :math:`\mathcal{T}_\theta(e_{1:T})` for T = r + 2; the masked P
        restricts row T-1 to t <= T. Returns (n, T_max - 1, d); agrees with :meth:`forward` for each T.
        """
        T_max = self.config.T_max
        e = s[:, :T_max, :]                                                    # (n, T_max, d): e_1..e_Tmax
        q = e[:, : T_max - 1, :]                                               # (n, T_max-1, d): e_{T-1}
        A = self.A.to(e.dtype)
        B = self.B.to(e.dtype)
        Pm = self.positional()[: T_max - 1].to(e.dtype)                        # (T_max-1, T_max)
        if self.config.diagonal:
            z = e[:, None, :, :] * q.conj()[:, :, None, :]                     # (n, T_max-1, T_max, d)
            scores = torch.einsum("nrtj,hj->nhrt", z, A)                       # (n, H, T_max-1, T_max)
            mixed = torch.einsum("nhrt,hi->nrti", scores, B)                   # (n, T_max-1, T_max, d)
            return torch.einsum("rt,nrti,nti->nri", Pm, mixed, e)              # (n, T_max-1, d)
        query = torch.einsum("hij,nrj->nrhi", A, q)                            # (n, T_max-1, H, d)
        scores = torch.einsum("nti,nrhi->nhrt", e, query.conj())               # (n, H, T_max-1, T_max)
        values = torch.einsum("nhrt,hij,ntj->nrti", scores, B, e)              # (n, T_max-1, T_max, d)
        return torch.einsum("rt,nrti->nri", Pm, values)                        # (n, T_max-1, d)

    def sampled_loss(self, s: torch.Tensor) -> torch.Tensor:
        r"""Empirical loss (3) on sequences ``s`` (n, T_max + 1, d):
        :math:`\sum_{T=2}^{T_{\max}} \frac1n\sum \|\mathcal{T}_\theta(s_{1:T}) - s_{T+1}\|^2`."""
        err = self.forward_all(s) - s[:, 2:, :]                                # (n, T_max-1, d)
        return (err.abs() ** 2).sum(dim=(1, 2)).mean()

    def exact_loss(self, context: str = "unitary") -> torch.Tensor:
        """The exact population loss (3) (closed form, Assumptions 1 and 3)."""
        return exact_population_loss(self.C(), self.positional(), context)


def exact_population_loss(C: torch.Tensor, P: torch.Tensor, context: str = "unitary") -> torch.Tensor:
    r"""Loss (3), :math:`\sum_{T=2}^{T_{\max}} l(\mathbf{C}, P_{T-1})`, exactly, differentiable in C and P.

    For :math:`\mathcal{C}_U` (corrected Proposition 4), with :math:`p = (P_{T-1,1..T})`:
    :math:`l = (\|p\|^2 - p_{T-1}^2)\|\mathbf{C}\|_F^2 + p_{T-1}^2\|\mathbf{C}1\|^2
    - 2 p_T\mathrm{Tr}\,\mathbf{C} + d`.
    For :math:`\mathcal{C}_O` (d = 2δ): :math:`l = \sum_i (p_{T-1} r_i + C_{i\bar\imath} q)^2
    + (p_T C_{ii} - 1)^2 + C_{ii}^2\sum_{t\le T-2}p_t^2 + (\|p\|^2 - p_{T-1}^2)\sum_{j\notin\{i,\bar\imath\}}
    C_{ij}^2`, :math:`r = \mathbf{C}1`, :math:`q = \sum_{t\ne T-1} p_t`.

    >>> exact_population_loss(torch.eye(2, dtype=torch.float64), torch.diag(torch.ones(2), 1)[:3, :3].double())
    tensor(0., dtype=torch.float64)
    """
    if context not in CONTEXTS:
        raise DomainError(f"unknown context {context!r}: valid contexts are unitary, orthogonal")
    d = C.shape[0]
    T_max = P.shape[0]
    rows = torch.arange(T_max - 1)
    Pm = P * read_mask(T_max).to(P.dtype)
    Pm = Pm[: T_max - 1]                                                      # (T_max-1, T_max): rows T-1
    a = Pm[rows, rows]                                                        # (T_max-1,): p_{T-1}
    b = Pm[rows, rows + 1]                                                    # (T_max-1,): p_T
    norm2 = (Pm ** 2).sum(dim=1)                                              # (T_max-1,): ||p||^2
    frob = (C ** 2).sum()
    rowsum = C.sum(dim=1)                                                     # (d,)
    if context == "unitary":
        per_T = (norm2 - a ** 2) * frob + a ** 2 * (rowsum ** 2).sum() - 2 * b * torch.trace(C) + d
        return per_T.sum()
    if d % 2:
        raise DomainError(f"d = {d} is odd: orthogonal contexts need an even d = 2*delta")
    partner = torch.arange(d) ^ 1                                              # 0<->1, 2<->3, ...
    m = C[torch.arange(d), partner]                                           # (d,): C_{i,ibar}
    diag = torch.diagonal(C)                                                  # (d,)
    block = torch.zeros(d, d, dtype=torch.bool)
    block[torch.arange(d), torch.arange(d)] = True
    block[torch.arange(d), partner] = True
    outside = (C ** 2 * (~block).to(C.dtype)).sum()
    q = Pm.sum(dim=1) - a                                                     # (T_max-1,)
    head = norm2 - a ** 2 - b ** 2                                            # sum_{t<=T-2} p_t^2
    u = a[:, None] * rowsum[None, :] + q[:, None] * m[None, :]                # (T_max-1, d)
    per_T = ((u ** 2).sum(dim=1) + ((b[:, None] * diag[None, :] - 1) ** 2).sum(dim=1)
             + head * (diag ** 2).sum() + (norm2 - a ** 2) * outside)
    return per_T.sum()


def ar_batch(lam: torch.Tensor, T: int) -> torch.Tensor:
    r"""Sequences :math:`s_t = \lambda^{t-1}` (s_1 = 1_d), t = 1..T, for contexts ``lam`` (n, d): (n, T, d)."""
    t = torch.arange(T, dtype=torch.float64)
    phase = torch.angle(lam)[:, None, :] * t[None, :, None]                  # (n, T, d)
    return torch.polar(torch.ones_like(phase), phase)


def sample_contexts(context: str, n: int, d: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """n contexts of C_U (independent phases) or C_O (conjugate pairs): (n, d) complex128."""
    if context not in CONTEXTS:
        raise DomainError(f"unknown context {context!r}: valid contexts are unitary, orthogonal")
    if context == "unitary":
        theta = 2 * math.pi * torch.rand((n, d), generator=generator, dtype=torch.float64)
    else:
        if d % 2:
            raise DomainError(f"d = {d} is odd: orthogonal contexts need an even d = 2*delta")
        half = 2 * math.pi * torch.rand((n, d // 2), generator=generator, dtype=torch.float64)
        theta = torch.stack([half, -half], dim=2).reshape(n, d)              # (n, d): pairs (θ, -θ)
    return torch.polar(torch.ones_like(theta), theta)
