r"""Training model (6) (``models.diagonal_attention``) on the population loss (3), exact or sampled.

- :func:`train_exact`: full-batch L-BFGS (strong Wolfe line search) on the exact closed-form loss (3),
  from a Gaussian initialisation; stops when the loss is at most ``target``.
- :func:`train_sampled`: Adam on fresh minibatches of AR sequences (the empirical counterpart of (3)),
  with a cosine-decayed learning rate.
- :func:`multistart_minimum`: many-start minimisation of the exact loss over (A, B, P) with SciPy's
  L-BFGS-B (gradients by autograd), for the lower-bound checks of Propositions 3 and 6.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from .diagonal_attention import (DiagonalAttention, DiagonalAttentionConfig, ar_batch,
                                 exact_population_loss, sample_contexts)


@dataclass
class TrainResult:
    """Outcome of a training run: final loss, iterations (optimizer steps / loss evaluations), time."""

    model: DiagonalAttention
    loss: float
    iterations: int
    evaluations: int
    seconds: float
    history: list[float] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"loss": self.loss, "iterations": self.iterations, "evaluations": self.evaluations,
                "seconds": round(self.seconds, 3)}


def train_exact(config: DiagonalAttentionConfig, context: str, seed: int, target: float = 1e-10,
                max_iter: int = 5000, model: DiagonalAttention | None = None) -> TrainResult:
    """L-BFGS on the exact population loss (3) until ``loss <= target`` or ``max_iter`` outer steps."""
    g = torch.Generator().manual_seed(seed)
    model = model or DiagonalAttention(config, generator=g)
    opt = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=50, history_size=50,
                            tolerance_grad=1e-300, tolerance_change=1e-300, line_search_fn="strong_wolfe")
    evals = [0]

    def closure():
        opt.zero_grad()
        loss = model.exact_loss(context)
        loss.backward()
        evals[0] += 1
        return loss

    history: list[float] = []
    start = time.perf_counter()
    steps = 0
    loss = float(model.exact_loss(context).detach())
    while loss > target and steps < max_iter:
        opt.step(closure)
        steps += 1
        loss = float(model.exact_loss(context).detach())
        history.append(loss)
        if len(history) > 3 and history[-1] >= history[-4]:   # stalled: restart the quasi-Newton memory
            opt.state.clear()
    return TrainResult(model, loss, steps, evals[0], time.perf_counter() - start, history)


def train_sampled(config: DiagonalAttentionConfig, context: str, seed: int, steps: int = 2000,
                  batch: int = 256, lr: float = 1e-2, model: DiagonalAttention | None = None) -> TrainResult:
    """Adam on fresh minibatches of ``batch`` sequences per step (cosine learning-rate decay to 0)."""
    g = torch.Generator().manual_seed(seed)
    model = model or DiagonalAttention(config, generator=g)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 0.5 * (1 + math.cos(math.pi * k / steps)))
    history: list[float] = []
    start = time.perf_counter()
    for _ in range(steps):
        lam = sample_contexts(context, batch, config.d, generator=g)
        s = ar_batch(lam, config.T_max + 1)                                    # (batch, T_max+1, d)
        opt.zero_grad()
        loss = model.sampled_loss(s)
        loss.backward()
        opt.step()
        sched.step()
        history.append(float(loss.detach()))
    exact = float(model.exact_loss(context).detach())
    return TrainResult(model, exact, steps, steps, time.perf_counter() - start, history)


@dataclass
class MultistartResult:
    """Minimum over starts of the exact loss, with every start's final value."""

    best: float
    finals: list[float]
    starts: int
    best_C: np.ndarray
    best_P: np.ndarray
    all_C: list = field(default_factory=list)

    def to_json(self) -> dict:
        return {"best": self.best, "finals": self.finals, "starts": self.starts}


def multistart_minimum(d: int, heads: int, T_max: int, context: str, starts: int, seed: int,
                       maxiter: int = 3000, init_scale: float = 0.7) -> MultistartResult:
    """Minimise the exact loss (3) over (A, B, P) from ``starts`` Gaussian starts (SciPy L-BFGS-B)."""
    from scipy.optimize import minimize

    rng = np.random.default_rng(seed)
    nA = heads * d
    nP = T_max * T_max

    def unpack(x):
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        A = t[:nA].reshape(heads, d)                                          # (H, d)
        B = t[nA:2 * nA].reshape(heads, d)                                    # (H, d)
        P = t[2 * nA:].reshape(T_max, T_max)                                  # (T_max, T_max)
        return t, A, B, P

    def fun(x):
        t, A, B, P = unpack(x)
        loss = exact_population_loss(B.T @ A, P, context)
        loss.backward()
        return float(loss.detach()), t.grad.numpy().copy()

    finals, all_C = [], []
    best = (math.inf, None)
    for _ in range(starts):
        x0 = init_scale * rng.standard_normal(2 * nA + nP)
        res = minimize(fun, x0, jac=True, method="L-BFGS-B",
                       options={"maxiter": maxiter, "ftol": 1e-15, "gtol": 1e-12})
        finals.append(float(res.fun))
        _, A_, B_, _ = unpack(res.x)
        all_C.append((B_.T @ A_).detach().numpy())
        if res.fun < best[0]:
            best = (float(res.fun), res.x)
    _, A, B, P = unpack(best[1])
    return MultistartResult(best[0], finals, starts, (B.T @ A).detach().numpy(), P.detach().numpy(), all_C)
