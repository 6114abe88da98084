"""Training model (4) with Adam on sampled sequences (Proposition 2 evidence, Figure 5), float64."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

from ical_verify.numerics.samplers import ar_sequences, unitary_contexts

from .augmented_attention import AugmentedTransformer, augment, prefix_loss


@dataclass
class TrainResult:
    """Loss history (every step), the final full-data loss and the number of steps."""

    losses: list = field(default_factory=list)
    final_loss: float = float("nan")
    steps: int = 0

    def relative_change(self, window: int = 50) -> float:
        """Relative decrease of the loss over the last ``window`` steps (an optimisation-tolerance proxy)."""
        if len(self.losses) < 2 * window:
            return float("nan")
        a, b = np.mean(self.losses[-2 * window:-window]), np.mean(self.losses[-window:])
        return float((a - b) / max(abs(a), 1e-300))


def unitary_dataset(d: int, Tmax: int, n: int, rng: np.random.Generator, s0: str):
    r"""Tokens (n, T_max, 3d) and targets (n, T_max, d) (``targets[:, T-1] = s_{T+1}``) for :math:`\mathcal{C}_U`."""
    lam = unitary_contexts(d, n, rng)  # (n, d)
    W = np.einsum("ni,ij->nij", lam, np.eye(d))  # (n, d, d) diagonal
    seqs = torch.tensor(ar_sequences(W, Tmax + 1))  # (n, T_max + 1, d)
    E = augment(seqs[:, :Tmax], s0, torch.tensor(W))  # (n, T_max, 3d)
    return E, seqs[:, 1:], seqs


def train(model: AugmentedTransformer, E: torch.Tensor, targets: torch.Tensor, steps: int, lr: float,
          batch_size: int | None = None, seed: int = 0, lr_decay: bool = True,
          progress: Callable[[int, int], None] | None = None) -> TrainResult:
    """Adam on the empirical loss (3) (sum over prefixes T = 2..T_max), full batch unless ``batch_size``.

    With ``lr_decay`` the learning rate is cosine-annealed to 1% of ``lr``.
    """
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps, eta_min=lr * 0.01) if lr_decay else None
    gen = torch.Generator().manual_seed(seed)
    n = E.shape[0]
    out = TrainResult()
    for it in range(steps):
        if batch_size is not None and batch_size < n:
            idx = torch.randperm(n, generator=gen)[:batch_size]
            loss = prefix_loss(model, E[idx], targets[idx])
        else:
            loss = prefix_loss(model, E, targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()
        out.losses.append(float(loss.detach()))
        if progress is not None and it % 50 == 0:
            progress(it, steps)
    with torch.no_grad():
        out.final_loss = float(prefix_loss(model, E, targets))
    out.steps = steps
    return out
