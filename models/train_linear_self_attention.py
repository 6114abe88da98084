"""Training one-layer linear self-attention on fresh prompts at every step (Adam, float64).

Each step draws ``batch`` new prompts for every start (``sample(rng, count) -> Prompts``,
:mod:`ical_verify.numerics.regression_data`), so the loss minimised is the pre-training (population) loss, not an
empirical one. The learning rate decays by a cosine schedule to ``final_fraction`` of ``lr``, which is what
brings the stochastic-gradient noise down to the stated optimisation tolerance.

Adam is written out here (:func:`adam_step`, Kingma and Ba 2015, with bias correction) rather than taken from
``torch.optim``, whose first use imports the compiler stack (about 1.5 s of CPU) for nothing this small model needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

from ical_verify.numerics.regression_data import Prompts

from .linear_self_attention import LinearSelfAttention


@dataclass
class LSATrainResult:
    """Per-start mean training loss of the last ``window`` steps, the loss history (mean over starts), steps."""

    final_window_loss: list = field(default_factory=list)
    history: list = field(default_factory=list)
    steps: int = 0


def prompts_to_tensors(p: Prompts, starts: int, device=None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Z (S, B, n+1, d+1), y_q (S, B) and the mask (S, B, n) (None for full-length prompts) from S*B prompts."""
    Z = torch.from_numpy(p.tokens())  # (S*B, n+1, d+1)
    B = Z.shape[0] // starts
    Z = Z.reshape(starts, B, *Z.shape[1:])  # (S, B, n+1, d+1)
    yq = torch.from_numpy(p.yq).reshape(starts, B)  # (S, B)
    mask = None if p.lengths is None else torch.from_numpy(p.mask).reshape(starts, B, -1)  # (S, B, n)
    if device is not None:
        Z, yq = Z.to(device), yq.to(device)
        mask = None if mask is None else mask.to(device)
    return Z, yq, mask


def adam_step(params, grads, state: dict, lr: float, beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8) -> None:
    """One Adam update of ``params`` in place (``state`` holds the step count and both moment estimates)."""
    t = state["t"] = state.get("t", 0) + 1
    if "m" not in state:
        state["m"] = [torch.zeros_like(p) for p in params]
        state["v"] = [torch.zeros_like(p) for p in params]
    with torch.no_grad():
        for p, g, m, v in zip(params, grads, state["m"], state["v"]):
            m.mul_(beta1).add_(g, alpha=1 - beta1)
            v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
            denom = (v / (1 - beta2 ** t)).sqrt_().add_(eps)
            p.addcdiv_(m, denom, value=-lr / (1 - beta1 ** t))


def cosine_lr(lr: float, step: int, steps: int, final_fraction: float) -> float:
    """Cosine annealing from ``lr`` (step 0) to ``final_fraction * lr`` (the last step)."""
    low = lr * final_fraction
    return low + 0.5 * (lr - low) * (1 + math.cos(math.pi * step / max(steps - 1, 1)))


def train_lsa(model: LinearSelfAttention, sample: Callable[[np.random.Generator, int], Prompts],
              rng: np.random.Generator, steps: int, batch: int, lr: float = 0.05, final_fraction: float = 0.002,
              window: int = 100, device=None, progress: Callable[[int, int], None] | None = None,
              chunk: int = 50, average_from: float | None = None) -> LSATrainResult:
    """Adam on sum over starts of the mean squared error of fresh prompts, cosine-annealed learning rate.

    Prompts are drawn ``chunk`` steps at a time (one call of ``sample``) and every step uses its own slice, so
    that no prompt is seen twice. With ``average_from`` (a fraction of the steps, e.g. 0.5) the model's parameters
    are set at the end to the average of the iterates from that step on (Polyak–Ruppert averaging, which removes
    most of the stochastic-gradient noise of the last phase).
    """
    S = model.config.n_starts
    params = list(model.parameters())
    state: dict = {}
    out = LSATrainResult()
    tail = []
    pool, used = None, 0
    start_avg = steps if average_from is None else int(average_from * steps)
    avg = [torch.zeros_like(p) for p in params]
    for it in range(steps):
        if pool is None or used == chunk:
            pool, used = sample(rng, chunk * S * batch), 0
        Z, yq, mask = prompts_to_tensors(pool.take(used * S * batch, (used + 1) * S * batch), S, device)
        used += 1
        per_start = ((model.predict(Z, mask) - yq) ** 2).mean(dim=1)  # (S,)
        loss = per_start.sum()
        grads = torch.autograd.grad(loss, params)
        adam_step(params, grads, state, cosine_lr(lr, it, steps, final_fraction))
        if it >= start_avg:
            with torch.no_grad():
                for a, p in zip(avg, params):
                    a.add_(p, alpha=1.0 / (steps - start_avg))
        out.history.append(float(loss.detach()) / S)
        if it >= steps - window:
            tail.append(per_start.detach().cpu().numpy())
        if progress is not None and it % 100 == 0:
            progress(it, steps)
    if start_avg < steps:
        with torch.no_grad():
            for a, p in zip(avg, params):
                p.copy_(a)
    out.final_window_loss = np.mean(tail, axis=0).tolist() if tail else []
    out.steps = steps
    return out
