r"""How far learned (C = BᵀA, P) are from the zero-loss structure of Propositions 3 and 6 (Sander et al., §5).

Masses are sums of absolute values. Only the entries of P read by model (6) count: row T-1, columns t <= T,
for T = 2..T_max (rows 1..T_max-1, 1-based).

- Unitary contexts (Proposition 3): C diagonal; in each row T-1 of P only the entry t = T is non-zero.
- Orthogonal contexts (Proposition 6, A.9 form): C block diagonal with 2x2 blocks on the conjugate pairs;
  in each row only t ∈ {T-1, T} are non-zero.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .errors import require


@dataclass(frozen=True)
class StructureReport:
    """Relative masses outside the predicted patterns of C and P, and C's singular values."""

    context: str
    C_outside: float
    P_outside: float
    singular_values: list[float]
    numerical_rank: int

    def within(self, tol: float) -> bool:
        return self.C_outside <= tol and self.P_outside <= tol

    def to_json(self) -> dict:
        return asdict(self)


def predicted_patterns(d: int, T_max: int, context: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boolean masks (C pattern (d, d), P pattern (T_max, T_max), P read mask (T_max, T_max)).

    >>> c, p, r = predicted_patterns(2, 3, "unitary")
    >>> c.astype(int).tolist(), p.astype(int).tolist()
    ([[1, 0], [0, 1]], [[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    """
    require(context in ("unitary", "orthogonal"),
            f"unknown context {context!r}: valid contexts are unitary, orthogonal")
    i = np.arange(d)
    if context == "unitary":
        c = np.eye(d, dtype=bool)
    else:
        require(d % 2 == 0, f"d = {d} is odd: orthogonal contexts need an even d = 2*delta")
        c = (i[:, None] // 2) == (i[None, :] // 2)
    r = np.arange(T_max)[:, None]
    col = np.arange(T_max)[None, :]
    read = (col <= r + 1) & (r <= T_max - 2)
    p = read & ((col == r + 1) | ((col == r) & (context == "orthogonal")))
    return c, p, read


def structure_report(C: np.ndarray, P: np.ndarray, context: str, rank_tol: float = 1e-6) -> StructureReport:
    """Relative mass of C and of the read part of P outside the patterns of Propositions 3 / 6.

    >>> structure_report(np.eye(2), np.diag([1.0, 1.0], 1)[:3, :3], "unitary").C_outside
    0.0
    """
    C = np.asarray(C, dtype=np.float64)
    P = np.asarray(P, dtype=np.float64)
    require(C.ndim == 2 and C.shape[0] == C.shape[1], f"C has shape {C.shape}: it must be square (d, d)")
    require(P.ndim == 2 and P.shape[0] == P.shape[1], f"P has shape {P.shape}: it must be square (T_max, T_max)")
    c, p, read = predicted_patterns(C.shape[0], P.shape[0], context)
    aC, aP = np.abs(C), np.abs(P) * read
    sv = np.linalg.svd(C, compute_uv=False)
    return StructureReport(
        context=context,
        C_outside=float(aC[~c].sum() / aC.sum()),
        P_outside=float(aP[~p].sum() / aP.sum()),
        singular_values=[float(s) for s in sv],
        numerical_rank=int(np.sum(sv > rank_tol * sv[0])),
    )
