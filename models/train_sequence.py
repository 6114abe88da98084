"""Training next-token predictors on AR sequences (Figures 7, 8 and 9): minibatch Adam or SGD on the MSE.

A model maps inputs (n, T, ·) to predictions (n, T, d); the loss is ``torch.nn.MSELoss`` (mean over sequences,
positions and coordinates), as in the authors' ``non_augmented.py`` (line 282) — or the mean over the positions
``positions`` only. One *epoch* is one pass over the training set in shuffled minibatches (``non_augmented.py``
lines 269 and 301–309: ``DataLoader(shuffle=True)``, batch 1024).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

OPTIMISERS = ("adam", "sgd")


@dataclass
class SequenceTrainResult:
    """Training loss per epoch (mean over its minibatches), test MSE per recorded epoch, steps taken."""

    train_losses: list = field(default_factory=list)
    test_epochs: list = field(default_factory=list)
    test_losses: list = field(default_factory=list)
    steps: int = 0
    diverged: bool = False

    @property
    def final_train(self) -> float:
        return float(self.train_losses[-1]) if self.train_losses else float("nan")

    def relative_change(self, window: int = 5) -> float:
        """Relative decrease of the training loss between the last two windows of ``window`` epochs."""
        if len(self.train_losses) < 2 * window:
            return float("nan")
        a = float(np.mean(self.train_losses[-2 * window:-window]))
        b = float(np.mean(self.train_losses[-window:]))
        return (a - b) / max(abs(a), 1e-300)


def mse(pred: torch.Tensor, target: torch.Tensor, positions: slice | None = None) -> torch.Tensor:
    """Mean squared error over sequences, (selected) positions and coordinates (``nn.MSELoss``)."""
    if positions is not None:
        pred, target = pred[:, positions], target[:, positions]
    return ((pred - target) ** 2).mean()


def per_sequence_errors(model, inputs: torch.Tensor, targets: torch.Tensor, batch: int = 4096) -> np.ndarray:
    """Squared errors summed over coordinates, (n, T) float64 numpy, without gradients."""
    out = []
    with torch.no_grad():
        for i in range(0, inputs.shape[0], batch):
            pred = model(inputs[i:i + batch])
            out.append(((pred.double() - targets[i:i + batch].double()) ** 2).sum(-1).cpu().numpy())
    return np.concatenate(out, axis=0)


def train_sequence_model(model, inputs: torch.Tensor, targets: torch.Tensor, epochs: int, lr: float,
                         batch_size: int = 1024, seed: int = 0, optimiser: str = "adam",
                         positions: slice | None = None, test: tuple | None = None, test_every: int = 0,
                         progress: Callable[[int, int], None] | None = None) -> SequenceTrainResult:
    """Minibatch training for ``epochs`` epochs; ``test = (inputs, targets)`` is evaluated every ``test_every``."""
    if optimiser not in OPTIMISERS:
        raise ValueError(f"optimiser {optimiser!r} is not one of {OPTIMISERS}")
    opt = (torch.optim.Adam(model.parameters(), lr=lr) if optimiser == "adam"
           else torch.optim.SGD(model.parameters(), lr=lr))
    gen = torch.Generator().manual_seed(seed)
    n = inputs.shape[0]
    bs = min(batch_size, n)
    out = SequenceTrainResult()
    for epoch in range(epochs):
        perm = torch.randperm(n, generator=gen)
        total, count = 0.0, 0
        for i in range(0, n, bs):
            idx = perm[i:i + bs].to(inputs.device)
            loss = mse(model(inputs[idx]), targets[idx], positions)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
            count += len(idx)
            out.steps += 1
        out.train_losses.append(total / count)
        if not np.isfinite(out.train_losses[-1]):
            out.diverged = True
            break
        if test is not None and test_every and (epoch % test_every == 0 or epoch == epochs - 1):
            with torch.no_grad():
                out.test_epochs.append(epoch + 1)
                out.test_losses.append(float(mse(model(test[0]), test[1], positions)))
        if progress is not None:
            progress(epoch, epochs)
    return out
