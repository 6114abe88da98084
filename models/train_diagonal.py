r"""Training model (6) (``models.diagonal_attention``) on the population loss (3), exact or sampled.

- :func:`train_exact`: full-batch L-BFGS (strong Wolfe line search) on the exact closed-form loss (3),
  from a Gaussian initialisation; stops when the loss is at most ``target``.
- :func:`train_sampled`: Adam on fresh minibatches of AR sequences (the empirical counterpart of (3)),
  with a cosine-decayed learning rate.
- :func:`multistart_minimum`: many-start minimisation of the exact loss over (A, B, P) with SciPy's
  L-BFGS-B (closed-form NumPy gradient), for the lower-bound checks of Propositions 3 and 6.
- :func:`train_population_multistart`: many independent trainings at once (Figure 3): batched plain gradient
  descent on the closed-form loss (the authors' procedure), then a per-start L-BFGS polish of the slow final phase;
  returns a :class:`PopulationMultistart` (the evidence the fig3 judges read).
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
    """Minimise the exact loss (3) over (A, B, P) from ``starts`` Gaussian starts (SciPy L-BFGS-B).

    The loss and its gradient are the closed forms of
    :func:`~ical_verify.numerics.diagonal_model.population_loss_and_gradient` (float64 NumPy; they agree with
    autograd through :func:`~ical_verify.models.diagonal_attention.exact_population_loss`, see the tests).
    """
    from scipy.optimize import minimize

    from ical_verify.numerics.diagonal_model import population_loss_and_gradient

    rng = np.random.default_rng(seed)
    nA = heads * d
    nP = T_max * T_max

    def unpack(x):
        return x[:nA].reshape(heads, d), x[nA:2 * nA].reshape(heads, d), x[2 * nA:].reshape(T_max, T_max)

    def fun(x):
        A, B, P = unpack(x)
        out = population_loss_and_gradient(A, B, P, context)
        return out.loss, np.concatenate([out.grad_A.ravel(), out.grad_B.ravel(), out.grad_P.ravel()])

    finals, all_C = [], []
    best = (math.inf, None)
    for _ in range(starts):
        x0 = init_scale * rng.standard_normal(2 * nA + nP)
        res = minimize(fun, x0, jac=True, method="L-BFGS-B",
                       options={"maxiter": maxiter, "ftol": 1e-15, "gtol": 1e-12})
        finals.append(float(res.fun))
        A_, B_, _ = unpack(res.x)
        all_C.append(B_.T @ A_)
        if res.fun < best[0]:
            best = (float(res.fun), res.x)
    A, B, P = unpack(best[1])
    return MultistartResult(best[0], finals, starts, B.T @ A, P.copy(), all_C)


@dataclass
class PopulationMultistart:
    """Evidence of many independent trainings of model (6) on the exact population loss (3) (Figure 3).

    Every array has a leading axis over the starts: ``A``, ``B`` (N, H, d), ``P`` (N, T_max, T_max) after
    training, ``C`` = BᵀA (N, d, d); ``gd_loss`` the loss after the gradient-descent phase, ``final_loss`` after
    the quasi-Newton polish, ``polish_iterations`` the L-BFGS iterations used. The settings that produced it are
    recorded with it.
    """

    context: str
    d: int
    heads: int
    T_max: int
    init_scale: float
    lr: float
    gd_steps: int
    polish_iterations_max: int
    target: float
    A: np.ndarray
    B: np.ndarray
    P: np.ndarray
    C: np.ndarray
    gd_loss: np.ndarray
    final_loss: np.ndarray
    polish_iterations: np.ndarray

    @property
    def starts(self) -> int:
        return int(self.final_loss.shape[0])

    def settings(self) -> dict:
        return {"context": self.context, "d": self.d, "heads": self.heads, "T_max": self.T_max,
                "init_scale": self.init_scale, "lr": self.lr, "gd_steps": self.gd_steps,
                "polish_iterations_max": self.polish_iterations_max, "target": self.target, "starts": self.starts}


def _read_mask_np(T_max: int) -> np.ndarray:
    r = np.arange(T_max - 1)
    return np.arange(T_max)[None, :] <= r[:, None] + 1                       # (T_max-1, T_max): t <= T


def train_population_multistart(context: str, starts: int, rng: np.random.Generator, d: int = 10,
                                heads: int = 10, T_max: int = 15, init_scale: float = 0.1, lr: float = 1e-3,
                                gd_steps: int = 2000, polish_iterations: int = 1500, target: float = 1e-12,
                                memory: int = 20, progress=None) -> PopulationMultistart:
    r"""Train model (6) from ``starts`` independent Gaussian initialisations on the exact population loss (3).

    Phase 1 is plain gradient descent at learning rate ``lr`` on all starts at once (NumPy, the closed-form loss
    and gradient of :func:`~ical_verify.numerics.diagonal_model.population_loss_and_gradient`): it follows the
    gradient flow and decides which minimum (or valley) a start goes to. Phase 2 polishes each start with
    L-BFGS-B (SciPy) for at most ``polish_iterations`` iterations, stopping at loss <= ``target``; it only
    accelerates the slow final phase of gradient descent. Only the entries of P read by (6) (row T-1,
    columns t <= T) are parameters; the others stay 0. A, B and those entries of P start i.i.d.
    :math:`\mathcal{N}(0, \mathrm{init\_scale}^2)`.
    """
    from scipy.optimize import minimize

    from ical_verify.numerics.diagonal_model import population_loss_and_gradient

    H, N = heads, int(starts)
    read = _read_mask_np(T_max)                                              # (T_max-1, T_max)
    A = init_scale * rng.standard_normal((N, H, d))
    B = init_scale * rng.standard_normal((N, H, d))
    P = np.zeros((N, T_max, T_max))
    P[:, : T_max - 1][:, read] = init_scale * rng.standard_normal((N, int(read.sum())))
    for k in range(gd_steps):
        g = population_loss_and_gradient(A, B, P, context)
        A -= lr * g.grad_A
        B -= lr * g.grad_B
        P -= lr * g.grad_P
        if progress is not None and k % 500 == 0:
            progress(f"gradient descent ({context})", k, gd_steps)
    gd_loss = np.asarray(population_loss_and_gradient(A, B, P, context).loss, dtype=np.float64)
    nA = H * d

    def unflat(x):
        Pn = np.zeros((T_max, T_max))
        Pn[: T_max - 1][read] = x[2 * nA:]
        return x[:nA].reshape(H, d), x[nA:2 * nA].reshape(H, d), Pn

    def fun(x):
        a, b, p = unflat(x)
        out = population_loss_and_gradient(a, b, p, context)
        return out.loss, np.concatenate([out.grad_A.ravel(), out.grad_B.ravel(), out.grad_P[: T_max - 1][read]])

    def stop(intermediate_result):
        if intermediate_result.fun <= target:
            raise StopIteration

    final = np.empty(N)
    iterations = np.zeros(N, dtype=np.int64)
    for n in range(N):
        if progress is not None:
            progress(f"L-BFGS polish ({context})", n, N)
        x0 = np.concatenate([A[n].ravel(), B[n].ravel(), P[n, : T_max - 1][read]])
        if gd_loss[n] <= target or polish_iterations == 0:
            x, final[n] = x0, gd_loss[n]
        else:
            res = minimize(fun, x0, jac=True, method="L-BFGS-B", callback=stop,
                           options={"maxiter": polish_iterations, "maxfun": 3 * polish_iterations, "ftol": 0.0,
                                    "gtol": 1e-14, "maxcor": memory})
            x, final[n], iterations[n] = res.x, float(res.fun), int(res.nit)
        A[n], B[n], P[n] = unflat(x)
    C = np.einsum("nhi,nhj->nij", B, A)                                       # (N, d, d): C = B^T A
    return PopulationMultistart(context, d, H, T_max, init_scale, lr, gd_steps, polish_iterations, target,
                                A, B, P, C, gd_loss, final, iterations)
