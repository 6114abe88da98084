r"""Remark 2's linear RNN, and a minimal diagonal model (6) for comparison (Sander et al., §3 Remark 2, §5).

Linear RNN (Remark 2): hidden state :math:`h_t = A h_{t-1} + B s_t`, :math:`h_0 = 0`, output :math:`y_t = h_t`, i.e.

.. math:: y_t = \sum_{k=1}^t A^{t-k} B W^{k-1} e_1 ,

trained to predict :math:`s_{t+1} = W^t s_1`. A and B are learned complex d x d matrices (a superset of
the real case). On the AR process with :math:`W\sim\mathcal{U}(\mathcal{C}_U)` every output coordinate of any
predictor that is linear in :math:`s_1..s_t` with W-independent coefficients is a Laurent polynomial in
:math:`\lambda` whose monomials have degree < t in each variable, hence orthogonal to :math:`\lambda_i^t`:
:math:`\mathbb{E}\|y_t - s_{t+1}\|^2 = \mathbb{E}\|y_t\|^2 + d \ge d`. That is the population lower bound; on a
finite data set :func:`least_squares_bound` computes the smallest empirical loss of *any* such linear predictor
(a convex problem; it contains every RNN).

:func:`model6` builds the project's model (6) under Assumption 3 (diagonal :math:`A^h, B^h`, real, learnable
positional encoding P; :mod:`ical_verify.models.diagonal_attention`) for the comparison:

.. math:: \mathcal{T}_\theta(e_{1:T}) = \sum_{h=1}^H\sum_{t=1}^T P_{T-1,t}\langle e_t | A^h e_{T-1}\rangle_{\mathbb{C}}
          B^h e_t, \qquad \langle\alpha|\beta\rangle = \sum_i \alpha_i\bar\beta_i .

Both models predict :math:`s_{T+1}` for T = 2..T_max and use the same loss: the mean over examples, T and
coordinates of :math:`|\hat s_{T+1} - s_{T+1}|^2` (so the linear-RNN population bound is exactly 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from ical_verify.numerics.errors import require

from .diagonal_attention import DiagonalAttention, DiagonalAttentionConfig


@dataclass
class RemarkTwoConfig:
    """Data and training settings for the Remark 2 comparison."""

    d: int = 2
    t_max: int = 6
    n_train: int = 2048
    n_test: int = 8192
    heads: int = 2                 # heads of the diagonal model (6); d heads suffice (Proposition 3)
    steps: int = 3000
    lr: float = 1e-2
    init_scale: float = 0.5

    def __post_init__(self) -> None:
        require(self.d >= 1, f"d = {self.d} is out of range: it must be >= 1")
        require(self.t_max >= 2, f"t_max = {self.t_max} is out of range: it must be >= 2")
        require(self.n_train >= 1 and self.n_test >= 1, "n_train and n_test must be >= 1")


def ar_data(lam: np.ndarray, length: int) -> torch.Tensor:
    r"""Sequences :math:`s_t = \lambda^{t-1}` (s_1 = 1_d, W = diag(λ)): (n, d) -> (n, length, d) complex128."""
    lam = torch.as_tensor(lam, dtype=torch.complex128)
    powers = torch.arange(length, dtype=torch.float64)
    return torch.exp(1j * torch.angle(lam)[:, None, :] * powers[None, :, None])   # (n, length, d)


class LinearRNN(torch.nn.Module):
    """y_t = sum_k A^{t-k} B s_k with learned complex A, B (d x d)."""

    def __init__(self, d: int, init_scale: float = 0.5, generator: torch.Generator | None = None):
        super().__init__()
        g = generator
        self.A_re = torch.nn.Parameter(init_scale * torch.randn(d, d, dtype=torch.float64, generator=g) / d ** 0.5)
        self.A_im = torch.nn.Parameter(init_scale * torch.randn(d, d, dtype=torch.float64, generator=g) / d ** 0.5)
        self.B_re = torch.nn.Parameter(init_scale * torch.randn(d, d, dtype=torch.float64, generator=g) / d ** 0.5)
        self.B_im = torch.nn.Parameter(init_scale * torch.randn(d, d, dtype=torch.float64, generator=g) / d ** 0.5)

    @property
    def A(self) -> torch.Tensor:
        return torch.complex(self.A_re, self.A_im)

    @property
    def B(self) -> torch.Tensor:
        return torch.complex(self.B_re, self.B_im)

    def forward(self, s: torch.Tensor) -> torch.Tensor:
        """s: (n, L, d) -> outputs y_1..y_L: (n, L, d)."""
        n, L, d = s.shape
        h = torch.zeros(n, d, dtype=s.dtype)
        out = []
        A, B = self.A, self.B
        for t in range(L):
            h = h @ A.T + s[:, t] @ B.T                                  # (n, d)
            out.append(h)
        return torch.stack(out, dim=1)                                    # (n, L, d)

    def predictions(self, s: torch.Tensor, t_max: int) -> torch.Tensor:
        """Predictions of s_{T+1} for T = 2..t_max: (n, t_max - 1, d)."""
        return self(s[:, :t_max])[:, 1:t_max]


def model6(d: int, heads: int, t_max: int, init_scale: float = 0.5,
           generator: torch.Generator | None = None) -> DiagonalAttention:
    """Model (6) under Assumption 3 (:mod:`ical_verify.models.diagonal_attention`) sized for the comparison.

    A and B start at ``init_scale`` N(0, 1) and P at ``init_scale / t_max`` N(0, 1), so that every row of
    the positional encoding starts with a comparable sum whatever t_max.
    """
    model = DiagonalAttention(DiagonalAttentionConfig(d=d, heads=heads, T_max=t_max, init_scale=init_scale),
                              generator=generator)
    with torch.no_grad():
        model.P.div_(t_max)
    return model


def predictions(model: torch.nn.Module, s: torch.Tensor, t_max: int) -> torch.Tensor:
    """Predictions of s_{T+1} for T = 2..t_max by a linear RNN or by model (6): (n, t_max - 1, d)."""
    if isinstance(model, DiagonalAttention):
        require(model.config.T_max == t_max, f"t_max = {t_max} does not match the model's T_max = "
                f"{model.config.T_max}")
        return model.forward_all(s)                                      # (n, t_max - 1, d)
    return model.predictions(s, t_max)


def prediction_loss(model, s: torch.Tensor, t_max: int) -> torch.Tensor:
    """Mean over examples, T = 2..t_max and coordinates of |prediction - s_{T+1}|^2."""
    target = s[:, 2:t_max + 1]                                            # (n, t_max - 1, d): s_3..s_{t_max+1}
    return (predictions(model, s, t_max) - target).abs().pow(2).mean()


@dataclass
class FitResult:
    """Training record of one model."""

    name: str
    train_loss: float
    test_loss: float
    history: list[float] = field(default_factory=list)
    state: dict = field(default_factory=dict)


def fit(model: torch.nn.Module, s_train: torch.Tensor, s_test: torch.Tensor, t_max: int, steps: int,
        lr: float, name: str) -> FitResult:
    """Full-batch Adam on :func:`prediction_loss`; returns the final train and test losses."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    hist = []
    for i in range(steps):
        opt.zero_grad()
        loss = prediction_loss(model, s_train, t_max)
        loss.backward()
        opt.step()
        sched.step()
        if i % 50 == 0:
            hist.append(float(loss.detach()))
    with torch.no_grad():
        tr = float(prediction_loss(model, s_train, t_max))
        te = float(prediction_loss(model, s_test, t_max))
    return FitResult(name, tr, te, hist, {k: v.detach().clone() for k, v in model.state_dict().items()})


def least_squares_bound(s: np.ndarray | torch.Tensor, t_max: int) -> float:
    """Smallest empirical loss (same normalisation as :func:`prediction_loss`) of any predictor
    y_T = sum_{k<=T} M_{T,k} s_k with complex d x d coefficients independent of the sequence: per T, a
    least-squares regression of s_{T+1} on (s_1, ..., s_T). Every linear RNN is such a predictor."""
    s = np.asarray(s.detach() if isinstance(s, torch.Tensor) else s)
    n, _, d = s.shape
    total = 0.0
    for T in range(2, t_max + 1):
        X = s[:, :T].reshape(n, T * d)                                    # (n, T d)
        Y = s[:, T]                                                        # (n, d): s_{T+1}
        # normal equations with einsum (no threaded BLAS); T d is small
        G = np.einsum("ni,nj->ij", X.conj(), X, optimize=False)           # (T d, T d)
        R = np.einsum("ni,nj->ij", X.conj(), Y, optimize=False)           # (T d, d)
        M = np.linalg.lstsq(G, R, rcond=None)[0]                          # (T d, d)
        resid = Y - np.einsum("ni,ij->nj", X, M, optimize=False)          # (n, d)
        total += float(np.mean(np.abs(resid) ** 2))
    return total / (t_max - 1)


# --------------------------------------------------------------------------------- several starts at once
class LinearRNNStack(torch.nn.Module):
    """S independent :class:`LinearRNN` (one per random start) evaluated in one pass.

    Built from S ``LinearRNN`` instances (so each start keeps its own initialisation); :meth:`member` returns
    start k as a ``LinearRNN`` again, so that results are read through the single-start model.
    """

    def __init__(self, members: list[LinearRNN]):
        super().__init__()
        for name in ("A_re", "A_im", "B_re", "B_im"):
            setattr(self, name, torch.nn.Parameter(torch.stack([getattr(m, name).detach() for m in members])))

    @property
    def starts(self) -> int:
        return self.A_re.shape[0]

    def predictions(self, s: torch.Tensor, t_max: int) -> torch.Tensor:
        """Predictions of s_{T+1}, T = 2..t_max, for every start: (n, L, d) -> (S, n, t_max - 1, d)."""
        A = torch.complex(self.A_re, self.A_im)                              # (S, d, d)
        B = torch.complex(self.B_re, self.B_im)                              # (S, d, d)
        u = torch.einsum("kij,ntj->knti", B, s[:, :t_max])                   # (S, n, t_max, d): B s_t
        h = u[:, :, 0]                                                       # (S, n, d): h_1
        out = []
        for t in range(1, t_max):
            h = torch.einsum("kij,knj->kni", A, h) + u[:, :, t]              # (S, n, d): h_{t+1}
            out.append(h)
        return torch.stack(out, dim=2)                                       # (S, n, t_max - 1, d)

    def member(self, k: int) -> LinearRNN:
        d = self.A_re.shape[-1]
        m = LinearRNN(d)
        with torch.no_grad():
            for name in ("A_re", "A_im", "B_re", "B_im"):
                getattr(m, name).copy_(getattr(self, name)[k])
        return m


class Model6Stack(torch.nn.Module):
    """S independent copies of the project's model (6) under Assumption 3
    (:class:`~ical_verify.models.diagonal_attention.DiagonalAttention`, diagonal variant) evaluated in one pass.

    :meth:`predictions` computes, for every start, what ``DiagonalAttention.forward_all`` computes (tested equal);
    :meth:`member` returns start k as a ``DiagonalAttention``, through which results are read.
    """

    def __init__(self, members: list[DiagonalAttention]):
        super().__init__()
        require(all(m.config.diagonal for m in members), "Model6Stack needs the diagonal variant (Assumption 3)")
        self.config = members[0].config
        self.A = torch.nn.Parameter(torch.stack([m.A.detach() for m in members]))    # (S, H, d)
        self.B = torch.nn.Parameter(torch.stack([m.B.detach() for m in members]))    # (S, H, d)
        self.P = torch.nn.Parameter(torch.stack([m.P.detach() for m in members]))    # (S, T_max, T_max)
        self.register_buffer("mask", members[0].mask.clone())

    @property
    def starts(self) -> int:
        return self.A.shape[0]

    def predictions(self, s: torch.Tensor, t_max: int) -> torch.Tensor:
        """Outputs of (6) for T = 2..T_max for every start: (n, >= T_max, d) -> (S, n, T_max - 1, d)."""
        T_max = self.config.T_max
        require(t_max == T_max, f"t_max = {t_max} does not match the model's T_max = {T_max}")
        e = s[:, :T_max, :]                                                  # (n, T_max, d)
        q = e[:, : T_max - 1, :]                                             # (n, T_max - 1, d): e_{T-1}
        Pm = (self.P * self.mask)[:, : T_max - 1].to(e.dtype)                # (S, T_max - 1, T_max)
        z = e[:, None, :, :] * q.conj()[:, :, None, :]                       # (n, T_max - 1, T_max, d)
        scores = torch.einsum("nrtj,khj->knhrt", z, self.A.to(e.dtype))      # (S, n, H, T_max - 1, T_max)
        mixed = torch.einsum("knhrt,khi->knrti", scores, self.B.to(e.dtype)) # (S, n, T_max - 1, T_max, d)
        return torch.einsum("krt,knrti,nti->knri", Pm, mixed, e)             # (S, n, T_max - 1, d)

    def member(self, k: int) -> DiagonalAttention:
        m = DiagonalAttention(self.config)
        with torch.no_grad():
            m.A.copy_(self.A[k])
            m.B.copy_(self.B[k])
            m.P.copy_(self.P[k])
        return m


def fit_stack(stack: torch.nn.Module, s_train: torch.Tensor, t_max: int, steps: int, lr: float) -> list[float]:
    """Full-batch Adam with a cosine schedule on the sum over starts of :func:`prediction_loss` (Adam is
    elementwise, so this is S independent runs); returns the final train loss of each start."""
    opt = torch.optim.Adam(stack.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, max(steps, 1))
    target = s_train[:, 2:t_max + 1]                                         # (n, t_max - 1, d)
    for _ in range(steps):
        opt.zero_grad()
        per_start = (stack.predictions(s_train, t_max) - target).abs().pow(2).mean(dim=(1, 2, 3))   # (S,)
        per_start.sum().backward()
        opt.step()
        sched.step()
    with torch.no_grad():
        per_start = (stack.predictions(s_train, t_max) - target).abs().pow(2).mean(dim=(1, 2, 3))
    return [float(v) for v in per_start]


def per_sequence_losses(model: torch.nn.Module, s: torch.Tensor, t_max: int) -> np.ndarray:
    """The loss of each sequence (mean over T = 2..t_max and coordinates): (n,); its mean is :func:`prediction_loss`."""
    with torch.no_grad():
        err = (predictions(model, s, t_max) - s[:, 2:t_max + 1]).abs().pow(2)   # (n, t_max - 1, d)
    return err.mean(dim=(1, 2)).numpy()
