r"""Gradient flow on :math:`\ell(a, b, p) = (pab - 1)^2` (Sander et al., Proposition 5, proof A.7), integrated
with scipy's ``solve_ivp``.

Method: ``Radau`` (implicit, L-stable, so stiff-safe: near a minimum with large |a|, |b|, |p| the flow
contracts at rate ~ 4(a²b² + b²p² + a²p²)), analytic Jacobian, ``rtol = 1e-10``, ``atol = 1e-12``
(:data:`RTOL`, :data:`ATOL`). Convergence is detected by the loss: the integration stops at the first time
the loss falls below ``loss_tol`` (default :data:`LOSS_TOL` = 1e-14, i.e. |pab - 1| < 1e-7), and otherwise
runs to the horizon ``t_max``. The flow is slow near small balanced values (|a| = |b| = |p| = x escapes
pab ≈ 0 in time ~ 1/(2x)), hence a long horizon and detection by the loss rather than a fixed time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from .errors import require

RTOL = 1e-10
ATOL = 1e-12
LOSS_TOL = 1e-14
T_MAX = 1e6


def loss(state: np.ndarray) -> float:
    """:math:`(pab - 1)^2` at state (a, b, p)."""
    a, b, p = state
    return float((p * a * b - 1.0) ** 2)


def vector_field(t: float, y: np.ndarray) -> np.ndarray:
    r""":math:`-\nabla\ell`: :math:`\dot a = -2rpb`, :math:`\dot b = -2rpa`, :math:`\dot p = -2rab`, r = pab - 1."""
    a, b, p = y
    g = -2.0 * (p * a * b - 1.0)
    # products written so that the sets |a| = |b|, |a| = |p|, |b| = |p| are invariant in floating point too
    return np.array([g * (p * b), g * (p * a), g * (a * b)])


def jacobian(t: float, y: np.ndarray) -> np.ndarray:
    """Jacobian of :func:`vector_field` (= minus the Hessian of the loss)."""
    a, b, p = y
    r = p * a * b - 1.0
    return -2 * np.array([
        [(p * b) ** 2, r * p + a * b * p * p, r * b + a * b * b * p],
        [r * p + a * b * p * p, (p * a) ** 2, r * a + a * a * b * p],
        [r * b + a * b * b * p, r * a + a * a * b * p, (a * b) ** 2],
    ])


def invariants(states: np.ndarray) -> np.ndarray:
    """(a² - b², a² - p², b² - p²) for states of shape (n, 3) -> (n, 3)."""
    a, b, p = states[:, 0], states[:, 1], states[:, 2]
    return np.stack([a * a - b * b, a * a - p * p, b * b - p * p], axis=1)


@dataclass
class FlowResult:
    """One gradient-flow trajectory: where it went and what it conserved."""

    initial: tuple[float, float, float]
    final: tuple[float, float, float]
    t_final: float
    t_max: float
    converged: bool                 # loss < loss_tol reached before t_max
    final_loss: float
    final_product: float            # p a b at the end
    max_invariant_drift: float      # max over the trajectory of |I(t) - I(0)|, the 3 invariants
    invariant_scale: float          # 1 + a0² + b0² + p0², the scale of the invariants
    monotone_loss: bool             # the loss never increased by more than rtol along the stored points
    n_steps: int
    status: str
    loss_tol: float
    rtol: float = RTOL
    atol: float = ATOL
    path_t: np.ndarray | None = None         # solver times (only with keep_path=True)
    path_loss: np.ndarray | None = None      # loss at those times

    def to_json(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()
                if not k.startswith("path_")}


def integrate(initial, t_max: float = T_MAX, loss_tol: float = LOSS_TOL, method: str = "Radau",
              rtol: float = RTOL, atol: float = ATOL, keep_path: bool = False) -> FlowResult:
    """Integrate the gradient flow from ``initial = (a, b, p)`` until the loss is below ``loss_tol`` or ``t_max``.

    >>> r = integrate((0.5, 1.0, 1.0))
    >>> r.converged, round(r.final_product, 5)
    (True, 1.0)
    """
    y0 = np.asarray(initial, dtype=np.float64)
    require(y0.shape == (3,) and np.all(np.isfinite(y0)), f"initial = {initial!r} is invalid: it must be 3 finite reals")
    require(t_max > 0, f"t_max = {t_max} is out of range: it must be > 0")
    require(loss_tol > 0, f"loss_tol = {loss_tol} is out of range: it must be > 0")

    def reached(t, y):
        return loss(y) - loss_tol

    reached.terminal = True
    reached.direction = -1
    if loss(y0) < loss_tol:
        final = y0
        sol_y = y0[:, None]
        sol_t = np.zeros(1)
        t_final, status, n = 0.0, "already at a minimum", 0
        hit = True
    else:
        sol = solve_ivp(vector_field, (0.0, t_max), y0, method=method, jac=jacobian if method in
                        ("Radau", "BDF", "LSODA") else None, rtol=rtol, atol=atol, events=reached,
                        dense_output=False)
        sol_y = sol.y
        sol_t = sol.t
        final = sol.y[:, -1]
        t_final = float(sol.t[-1])
        status = sol.message
        hit = sol.status == 1                                          # the loss event fired
        n = sol.t.size
    states = sol_y.T                                                   # (n, 3)
    inv = invariants(states)
    drift = float(np.abs(inv - inv[0]).max())
    losses = (states[:, 0] * states[:, 1] * states[:, 2] - 1.0) ** 2
    monotone = bool(np.all(np.diff(losses) <= rtol * (1.0 + losses[:-1])))
    fl = loss(final)
    return FlowResult(initial=tuple(float(v) for v in y0), final=tuple(float(v) for v in final),
                      t_final=t_final, t_max=float(t_max), converged=bool(hit or fl <= loss_tol),
                      final_loss=fl, final_product=float(final[0] * final[1] * final[2]),
                      max_invariant_drift=drift, invariant_scale=float(1.0 + np.sum(y0 ** 2)),
                      monotone_loss=monotone, n_steps=int(n), status=str(status), loss_tol=loss_tol, rtol=rtol, atol=atol,
                      path_t=sol_t if keep_path else None, path_loss=losses if keep_path else None)
