r"""Realification of unitary matrices and its converse (Sander et al., §3, Remark 1).

- :func:`realify`: :math:`W_U \mapsto W_O = \begin{bmatrix}\mathrm{Re}\,W_U & -\mathrm{Im}\,W_U\\
  \mathrm{Im}\,W_U & \mathrm{Re}\,W_U\end{bmatrix}`;
- :func:`haar_rotation`: Haar-random elements of SO(2d) (from :func:`numerics.samplers.haar_orthogonal`);
- :func:`rotation_to_unitary`: the converse of Remark 1: from a rotation :math:`W_O` of size 2d, a selection
  of half of its eigenvalues gives :math:`W_U = \mathrm{diag}(\text{selected})` and an orthogonal basis M with
  :math:`W_O = M\,\mathrm{realify}(W_U)\,M^\top`. Two selection rules: ``"positive-imag"`` (the example
  Remark 1 gives: "for instance those with positive imaginary parts") and ``"half-real"`` (positive imaginary
  parts plus half of the multiplicity of each real eigenvalue ±1); any callable ``eigs -> selected`` is also
  accepted (to test wrong rules);
- :func:`rotation_block_form`: the real Schur form of an orthogonal matrix read as 2 x 2 rotation blocks and
  ±1 entries, and whether it is a rotation (every ±1 of even multiplicity);
- :func:`spectra_match`: multiset comparison of two spectra (optimal assignment).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
from scipy.optimize import linear_sum_assignment

from .errors import require
from .samplers import haar_orthogonal

#: Eigenvalues with |Im| below this are treated as real (±1) by the selection rules.
REAL_TOL = 1e-8
RULES = ("positive-imag", "half-real")


def realify(U: np.ndarray) -> np.ndarray:
    """The real 2d x 2d matrix of Remark 1 for a (…, d, d) complex U.

    >>> realify(np.array([[1j]])).tolist()
    [[0.0, -1.0], [1.0, 0.0]]
    """
    U = np.asarray(U)
    require(U.ndim >= 2 and U.shape[-1] == U.shape[-2], f"U has shape {U.shape}: it must be (..., d, d)")
    re, im = U.real, U.imag
    top = np.concatenate([re, -im], axis=-1)                     # (..., d, 2d)
    bottom = np.concatenate([im, re], axis=-1)                   # (..., d, 2d)
    return np.concatenate([top, bottom], axis=-2)                # (..., 2d, 2d)


def haar_rotation(d2: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """n Haar-random rotations of SO(d2): Haar O(d2) with the first column flipped when det = -1.

    >>> W = haar_rotation(4, 3, np.random.default_rng(0))
    >>> bool(np.allclose(np.linalg.det(W), 1))
    True
    """
    W = haar_orthogonal(d2, n, rng).copy()
    neg = np.linalg.det(W) < 0
    W[neg, :, 0] *= -1
    return W


def spectra_match(x: np.ndarray, y: np.ndarray) -> float:
    """Largest distance in the best one-to-one matching of two multisets of complex numbers (inf if sizes differ)."""
    x = np.asarray(x).ravel()
    y = np.asarray(y).ravel()
    if x.size != y.size:
        return float("inf")
    cost = np.abs(x[:, None] - y[None, :])
    i, j = linear_sum_assignment(cost)
    return float(cost[i, j].max()) if x.size else 0.0


@dataclass
class ConverseResult:
    """Outcome of :func:`rotation_to_unitary`."""

    rule: str
    size: int                       # 2d
    n_selected: int                 # eigenvalues selected by the rule
    ok: bool                        # a unitary of size d was built and reproduces W_O
    reason: str
    unitary: np.ndarray | None = None       # (d, d) diagonal unitary
    basis: np.ndarray | None = None         # (2d, 2d) orthogonal M with W_O = M realify(U) M^T
    reconstruction_error: float = float("nan")
    spectrum_error: float = float("nan")

    def to_json(self) -> dict:
        return {"rule": self.rule, "size": self.size, "n_selected": self.n_selected, "ok": self.ok,
                "reason": self.reason, "reconstruction_error": self.reconstruction_error,
                "spectrum_error": self.spectrum_error}


def select_eigenvalues(eigs: np.ndarray, rule) -> np.ndarray:
    """Half of the eigenvalues of a rotation by ``rule`` (a name of :data:`RULES` or a callable, see module
    docstring).

    >>> select_eigenvalues(np.array([1j, -1j, 1, 1]), "half-real").tolist()
    [1j, (1+0j)]
    """
    eigs = np.asarray(eigs)
    if callable(rule):
        return np.asarray(rule(eigs), dtype=np.complex128)
    require(rule in RULES, f"unknown rule {rule!r}: valid rules are {', '.join(RULES)}")
    sel = list(eigs[eigs.imag > REAL_TOL])
    if rule == "half-real":
        real = eigs[np.abs(eigs.imag) <= REAL_TOL].real
        for v in (1.0, -1.0):
            m = int(np.sum(np.abs(real - v) < 1e-6))
            sel += [complex(v)] * (m // 2)
    return np.array(sel, dtype=np.complex128)


def _standard_blocks(W: np.ndarray) -> tuple[list[tuple[int, int, complex]], np.ndarray, float]:
    """Real Schur form of an orthogonal W: list of (column i, column j, eigenvalue e^{iθ}, θ in [0, π]) pairing
    the basis columns, the (sign-adjusted) Schur basis Z, and the off-block residual of the Schur form."""
    T, Z = scipy.linalg.schur(W, output="real")
    n = W.shape[0]
    Z = Z.copy()
    pairs = []
    singles = {1.0: [], -1.0: []}
    off = 0.0
    i = 0
    while i < n:
        if i + 1 < n and abs(T[i + 1, i]) > 1e-12:
            c, x, y = T[i, i], T[i, i + 1], T[i + 1, i]
            if y < 0:                       # flip the second vector: block becomes [[c, -x], [-y, c]]
                Z[:, i + 1] *= -1
                y = -y
            pairs.append((i, i + 1, complex(c, y)))
            mask = np.ones(n, bool)
            mask[i:i + 2] = False
            off = max(off, float(np.abs(T[i:i + 2][:, mask]).max(initial=0.0)))
            i += 2
        else:
            v = 1.0 if T[i, i] > 0 else -1.0
            singles[v].append(i)
            mask = np.ones(n, bool)
            mask[i] = False
            off = max(off, float(np.abs(T[i][mask]).max(initial=0.0)))
            i += 1
    leftovers = []
    for v, idx in singles.items():
        for k in range(0, len(idx) - 1, 2):
            pairs.append((idx[k], idx[k + 1], complex(v, 0.0)))
        if len(idx) % 2:
            leftovers.append(v)
    return pairs, Z, off if not leftovers else float("inf")


def rotation_to_unitary(W: np.ndarray, rule="positive-imag") -> ConverseResult:
    """The converse of Remark 1 for one rotation W (2d x 2d) with the selection ``rule``.

    >>> r = rotation_to_unitary(np.eye(4), "positive-imag")
    >>> r.ok, r.n_selected
    (False, 0)
    >>> rotation_to_unitary(np.eye(4), "half-real").ok
    True
    """
    W = np.asarray(W, dtype=np.float64)
    require(W.ndim == 2 and W.shape[0] == W.shape[1] and W.shape[0] % 2 == 0,
            f"W has shape {W.shape}: it must be square of even size 2d")
    n = W.shape[0]
    d = n // 2
    eigs = np.linalg.eigvals(W)
    sel = select_eigenvalues(eigs, rule)
    rule = rule if isinstance(rule, str) else getattr(rule, "__name__", "custom")
    if sel.size != d:
        return ConverseResult(rule, n, int(sel.size), False,
                              f"the rule selects {sel.size} eigenvalues, not d = {d}")
    U = np.diag(sel)
    spec_err = spectra_match(np.linalg.eigvals(realify(U)), eigs)
    if not spec_err < 1e-6:
        return ConverseResult(rule, n, int(sel.size), False,
                              "realify(diag(selected)) does not have the spectrum of W", U, None,
                              spectrum_error=spec_err)
    # explicit orthogonal basis from the real Schur form
    pairs, Z, off = _standard_blocks(W)
    if len(pairs) != d or not np.isfinite(off):
        return ConverseResult(rule, n, int(sel.size), False,
                              "W is not a rotation (an eigenvalue +1 or -1 has odd multiplicity)", U, None,
                              spectrum_error=spec_err)
    # order the pairs to match the selected eigenvalues
    lam = np.array([p[2] for p in pairs])
    cost = np.abs(sel[:, None] - lam[None, :])
    r_idx, c_idx = linear_sum_assignment(cost)
    order = [pairs[j] for j in c_idx[np.argsort(r_idx)]]
    M = np.empty((n, n))
    for k, (i, j, _) in enumerate(order):
        M[:, k] = Z[:, i]
        M[:, k + d] = Z[:, j]
    U2 = np.diag(np.array([p[2] for p in order]))
    recon = float(np.abs(M @ realify(U2) @ M.T - W).max())
    ok = recon < 1e-8 and float(np.abs(U2 - U).max()) < 1e-6
    return ConverseResult(rule, n, int(sel.size), bool(ok),
                          "W = M realify(U) M^T with M orthogonal" if ok else "reconstruction failed",
                          U2, M, recon, spec_err)


@dataclass
class BlockForm:
    """The real Schur form :math:`Z^\top W Z` of a real matrix read as rotation blocks (:func:`rotation_block_form`)."""

    off_block: float            # largest entry outside the 2 x 2 / 1 x 1 diagonal blocks
    block_non_rotation: float   # largest |B^T B - I| or |det B - 1| over the 2 x 2 blocks
    singles: list[float]        # the 1 x 1 blocks (real eigenvalues)
    singles_error: float        # largest distance of a 1 x 1 block to +1 or -1
    plus_ones: int
    minus_ones: int

    @property
    def is_rotation(self) -> bool:
        """Orthogonally similar to a block-diagonal matrix of 2 x 2 rotations (±1 entries pair up into rotations
        by 0 and π only if each sign has even multiplicity), within 1e-8."""
        return (self.off_block < 1e-8 and self.block_non_rotation < 1e-8 and self.singles_error < 1e-8
                and self.plus_ones % 2 == 0 and self.minus_ones % 2 == 0)


def rotation_block_form(W: np.ndarray) -> BlockForm:
    """Read the real Schur form of W as 2 x 2 blocks and 1 x 1 entries.

    >>> rotation_block_form(np.eye(2)).is_rotation, rotation_block_form(np.diag([-1.0, 1.0])).is_rotation
    (True, False)
    """
    W = np.asarray(W, dtype=np.float64)
    require(W.ndim == 2 and W.shape[0] == W.shape[1], f"W has shape {W.shape}: it must be square")
    T, _ = scipy.linalg.schur(W, output="real")
    n = W.shape[0]
    blocks = np.zeros_like(T)
    worst_block = 0.0
    singles = []
    i = 0
    while i < n:
        if i + 1 < n and abs(T[i + 1, i]) > 1e-12:
            B = T[i:i + 2, i:i + 2]
            worst_block = max(worst_block, float(np.abs(B.T @ B - np.eye(2)).max()), abs(float(np.linalg.det(B)) - 1))
            blocks[i:i + 2, i:i + 2] = B
            i += 2
        else:
            blocks[i, i] = T[i, i]
            singles.append(float(T[i, i]))
            i += 1
    err = max((min(abs(v - 1), abs(v + 1)) for v in singles), default=0.0)
    return BlockForm(off_block=float(np.abs(T - blocks).max()), block_non_rotation=worst_block, singles=singles,
                     singles_error=float(err), plus_ones=sum(v > 0 for v in singles),
                     minus_ones=sum(v < 0 for v in singles))
