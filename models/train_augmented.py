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


def orthogonal_dataset(d: int, Tmax: int, n: int, rng: np.random.Generator, s0: str = "zero"):
    r"""Tokens (n, T_max, 3d), targets (n, T_max, d) and sequences (n, T_max + 1, d) for Haar-orthogonal contexts.

    The data of §6 ("Augmented setting", Figure 5): :math:`W \sim \mathrm{Haar}(O(d))`, :math:`s_1 = 1_d`,
    ``targets[:, T-1] = s_{T+1}``; ``s0`` as in :func:`~ical_verify.models.augmented_attention.augment`.
    """
    from ical_verify.numerics.samplers import haar_orthogonal

    W = haar_orthogonal(d, n, rng)  # (n, d, d)
    seqs = torch.tensor(ar_sequences(W, Tmax + 1))  # (n, T_max + 1, d)
    E = augment(seqs[:, :Tmax], s0, torch.tensor(W))  # (n, T_max, 3d)
    return E, seqs[:, 1:], seqs


@dataclass
class MultiStartResult:
    """Independent trainings from ``seeds``: loss history (steps, K), final full-data losses (K,), parameters."""

    seeds: list
    losses: np.ndarray
    final_losses: np.ndarray
    parameters: list

    def relative_change(self, window: int = 50) -> np.ndarray:
        """Per start, relative decrease of the loss over the last ``window`` steps (optimisation-tolerance proxy)."""
        if self.losses.shape[0] < 2 * window:
            return np.full(len(self.seeds), np.nan)
        a = self.losses[-2 * window:-window].mean(0)
        b = self.losses[-window:].mean(0)
        return (a - b) / np.maximum(np.abs(a), 1e-300)

    def model(self, k: int, config) -> AugmentedTransformer:
        """Start k as an :class:`AugmentedTransformer` with its trained parameters."""
        m = AugmentedTransformer(config)
        m.load_state_dict({name: torch.as_tensor(v) for name, v in self.parameters[k].items()})
        return m


def train_multistart(config, seeds, E: torch.Tensor, targets: torch.Tensor, steps: int, lr: float,
                     lr_decay: bool = True, progress: Callable[[int, int], None] | None = None) -> MultiStartResult:
    r"""Train one :class:`AugmentedTransformer` per seed, all at once (``torch.func.vmap``), full batch, Adam.

    Each start is initialised exactly as ``AugmentedTransformer(config, seed=seed)``. Adam acts entry by entry,
    so minimising the sum of the K losses trains the K models independently (the same updates as :func:`train`
    per model). ``E`` (n, T, 3d) and ``targets`` (n, T, d) are shared by all starts, or (K, n, T, 3d) and
    (K, n, T, d) give each start its own data. On real data this costs about K separate trainings (the work is
    arithmetic); on complex data ``vmap`` falls back to slow paths: train complex models one by one, or use
    :func:`train_assumption2_multistart` under Assumption 2.
    """
    from torch.func import functional_call, stack_module_state, vmap

    from .augmented_attention import prefix_loss_from_outputs

    seeds = list(seeds)
    models = [AugmentedTransformer(config, seed=s) for s in seeds]
    params, buffers = stack_module_state(models)  # each (K, ...), leaves requiring grad
    base = models[0]
    per_start = E.dim() == 4
    if per_start and E.shape[0] != len(seeds):
        raise ValueError(f"per-start data for {E.shape[0]} starts, but {len(seeds)} seeds")

    def loss_one(p, b, E1, t1):
        return prefix_loss_from_outputs(functional_call(base, (p, b), (E1,)), t1)

    batched = vmap(loss_one, in_dims=(0, 0, 0 if per_start else None, 0 if per_start else None))
    opt = torch.optim.Adam(list(params.values()), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps, eta_min=lr * 0.01) if lr_decay else None
    history = np.zeros((steps, len(seeds)))
    for it in range(steps):
        losses = batched(params, buffers, E, targets)  # (K,)
        opt.zero_grad()
        losses.sum().backward()
        opt.step()
        if sched is not None:
            sched.step()
        history[it] = losses.detach().numpy()
        if progress is not None and it % 50 == 0:
            progress(it, steps)
    with torch.no_grad():
        final = batched(params, buffers, E, targets).numpy()
    state = [{name: v[k].detach().clone() for name, v in {**params, **buffers}.items()} for k in range(len(seeds))]
    return MultiStartResult(seeds, history, final, state)


def assumption2_features(E: torch.Tensor, d: int) -> torch.Tensor:
    r"""Outputs of model (4) under Assumption 2 with :math:`a = e_k`, :math:`b = e_l`: (n, T, d, 4, 2).

    Under Assumption 2 the output is bilinear in (a, b) (Lemma 4's first display), so
    :math:`\mathcal{T}_\theta(e_{1:T}) = \sum_{k,l} a_k b_l F_{kl}`; the features are computed by the model itself.
    """
    from .augmented_attention import AugmentedAttentionConfig

    model = AugmentedTransformer(AugmentedAttentionConfig(d=d, parameterisation="assumption2"))
    cols = []
    with torch.no_grad():
        for k in range(4):
            row = []
            for l in range(2):
                model.set_assumption2(np.eye(4)[k], np.eye(2)[l])
                row.append(model(E))  # (n, T, d)
            cols.append(torch.stack(row, -1))  # (n, T, d, 2)
    return torch.stack(cols, -2)  # (n, T, d, 4, 2)


def train_assumption2_multistart(seeds, E: torch.Tensor, targets: torch.Tensor, steps: int, lr: float,
                                 init_scale: float = 0.3, lr_decay: bool = True, t_min: int = 2,
                                 progress: Callable[[int, int], None] | None = None) -> MultiStartResult:
    r"""Adam on loss (3) for the Assumption-2 model (4) from one start per seed, all starts at once.

    The same trajectories (up to rounding) as :func:`train` on ``AugmentedTransformer(config, seed)``
    (Assumption 2, full batch): the output is :math:`F m` with :math:`m = \mathrm{vec}(a b^\top)` and the features
    F of :func:`assumption2_features`, so the empirical loss (3) is exactly the quadratic
    :math:`m^\top G m - 2 h^\top m + c` with :math:`G = \mathrm{Re}(F^* F)/n`, :math:`h = \mathrm{Re}(F^* y)/n`,
    :math:`c = \|y\|^2/n` (real parameters). One feature pass; then each step costs O(K) 8 x 8 products.
    """
    from .augmented_attention import AugmentedAttentionConfig

    seeds = list(seeds)
    n, T, d = targets.shape
    cfg = AugmentedAttentionConfig(d=d, parameterisation="assumption2", init_scale=init_scale)
    inits = [AugmentedTransformer(cfg, seed=s).layers[0] for s in seeds]
    a = torch.stack([m.a.detach() for m in inits]).requires_grad_()  # (K, 4)
    b = torch.stack([m.b.detach() for m in inits]).requires_grad_()  # (K, 2)
    with torch.no_grad():
        F = assumption2_features(E, d)[:, t_min - 1:].reshape(-1, 8)  # (n (T - t_min + 1) d, 8): columns (k, l)
        y = targets[:, t_min - 1:].reshape(-1)  # (n (T - t_min + 1) d,)
        G = (F.conj().T @ F).real / n  # (8, 8)
        h = (F.conj().T @ y).real / n  # (8,)
        c = float((y.abs() ** 2).sum() / n)
    opt = torch.optim.Adam([a, b], lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps, eta_min=lr * 0.01) if lr_decay else None

    def losses():
        m = torch.einsum("sk,sl->skl", a, b).reshape(len(seeds), 8)  # (K, 8): m_kl = a_k b_l
        return torch.einsum("si,ij,sj->s", m, G, m) - 2 * m @ h + c  # (K,)

    history = np.zeros((steps, len(seeds)))
    for it in range(steps):
        loss = losses()
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
        if sched is not None:
            sched.step()
        history[it] = loss.detach().numpy()
        if progress is not None and it % 50 == 0:
            progress(it, steps)
    with torch.no_grad():
        final = losses().numpy()
    params = [{"layers.0.a": a[k].detach().clone(), "layers.0.b": b[k].detach().clone()} for k in range(len(seeds))]
    return MultiStartResult(seeds, history, final, params)
