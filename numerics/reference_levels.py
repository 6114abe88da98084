r"""Reference levels for next-token MSEs on AR data: the error of predicting zero and the Bayes error.

Every MSE the suite reports for an experiment of §6 and Appendix B (Figures 7–10 of Sander et al., ICML 2024)
is shown beside two levels derived here for the data distribution, so that a reader can tell a model that
learned from one that did not:

- **zero level**: the error of the predictor :math:`\hat s_{T+1} = 0`, i.e. :math:`\mathbb{E}\|s_{T+1}\|^2 =
  \|s_1\|^2` for orthogonal or unitary W (norms are preserved);
- **Bayes level**: the smallest error any predictor of :math:`s_{T+1}` from the prefix :math:`s_{1:T}` can
  reach, :math:`\mathbb{E}\|s_{T+1} - \mathbb{E}[s_{T+1}\mid s_{1:T}]\|^2`.

**Haar O(d) contexts** (§6: "non-commuting orthogonal matrices"; the authors' ``scipy.stats.ortho_group``
samples the whole of O(d), both determinants). Fix :math:`s_1 = u` and write :math:`V = \mathrm{span}(s_1, \dots,
s_{T-1})`, :math:`U = WV = \mathrm{span}(s_2, \dots, s_T)`. Derivation (exact):

1. *Conditional law.* Haar measure on O(m) conditioned on :math:`Rx = y` is the Haar measure of the stabiliser
   of y (a copy of O(m-1) acting on :math:`y^\perp`) times any fixed R_0 with :math:`R_0x = y`. Conditioning on
   :math:`Ws_1 = s_2`, then on :math:`Ws_2 = s_3` (s_2 is now fixed), …, then on :math:`Ws_{T-1} = s_T` gives:
   given the prefix, :math:`W = R W_0` with :math:`W_0` any orthogonal map consistent with the prefix and R
   Haar-distributed on the orthogonal group of :math:`U^\perp` (identity on U).
2. *Conditional mean.* :math:`\mathbb{E}[R] = P_U` (the mean of Haar O(k) is 0 for k >= 1, since -I is in it),
   so :math:`\mathbb{E}[s_{T+1}\mid s_{1:T}] = P_U W_0 s_T = W P_V s_T`: W applied to the part of
   :math:`s_T` that the prefix determines. This is the minimum-norm least-squares prediction
   :math:`Y_T S_T^+ s_T` of the inner loss (5) (the limit of gradient descent from 0).
3. *Bayes error.* The residual is :math:`W(I - P_V)s_T`, of squared norm :math:`r_T := \|(I - P_V)s_T\|^2`.
   Given the prefix up to :math:`s_t`, :math:`W(I-P_{V_{t-1}})s_t` is uniform on the sphere of radius
   :math:`\sqrt{r_t}` in :math:`U_t^\perp` (dimension m = d - t + 1), and :math:`U_t^\perp \cap V_t` is the line
   of one unit vector f, so :math:`r_{t+1} = r_t(1 - \langle z, f\rangle^2)` with z uniform on
   :math:`S^{m-1}`, :math:`\mathbb{E}[1 - \langle z, f\rangle^2] = (m-1)/m`. Telescoping,

   .. math:: \mathbb{E}\|s_{T+1} - \mathbb{E}[s_{T+1}\mid s_{1:T}]\|^2 = \|s_1\|^2\,\frac{(d - T + 1)_+}{d},
      \qquad T = 1, 2, \dots

   (T = 1: nothing is known, the error is :math:`\|s_1\|^2`; T >= d + 1: the prefix determines W on all of
   :math:`\mathbb{R}^d`, the error is 0). Under Haar SO(d) instead, the sign left free at T = d is fixed by the
   determinant and the level at T = d would be 0: the levels are specific to O(d).

**Diagonal unitary contexts** :math:`\mathcal{C}_U` (§5.1; Figure 9 uses d = 1): the coordinates are
independent, :math:`s_{T+1,i} = \lambda_i^T` with :math:`\lambda_i` uniform on the circle, so the prefix
:math:`s_{1:T}` with T >= 2 determines :math:`\lambda = s_2 / s_1`: Bayes error 0 for T >= 2 and
:math:`\|s_1\|^2` at T = 1 (:math:`\mathbb{E}\lambda = 0`).

A number below the Bayes level (beyond sampling error) is a bug: :func:`floor_test` decides it from paired
per-sequence errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import require


@dataclass(frozen=True)
class ReferenceLevels:
    """Per-prefix zero and Bayes levels, for prefixes ``prefixes`` (T = number of observed tokens).

    ``per_coordinate`` divides by d (the mean over coordinates of ``torch.nn.MSELoss``). The means are over the
    listed prefixes with equal weights (an MSE averaged over positions).
    """

    d: int
    prefixes: tuple[int, ...]
    zero: tuple[float, ...]
    bayes: tuple[float, ...]
    context: str
    per_coordinate: bool

    @property
    def mean_zero(self) -> float:
        return float(np.mean(self.zero))

    @property
    def mean_bayes(self) -> float:
        return float(np.mean(self.bayes))

    def to_json(self) -> dict:
        return {"context": self.context, "d": self.d, "prefixes": [int(self.prefixes[0]), int(self.prefixes[-1])],
                "per_coordinate": self.per_coordinate, "mean_zero": self.mean_zero, "mean_bayes": self.mean_bayes,
                "bayes_per_prefix": [float(b) for b in self.bayes]}

    def describe(self) -> str:
        unit = "per coordinate" if self.per_coordinate else "summed over coordinates"
        return (f"reference levels ({self.context}, d = {self.d}, prefixes T = {self.prefixes[0]}..{self.prefixes[-1]}, "
                f"{unit}): predicting 0 gives {self.mean_zero:.4g}, the Bayes error (best possible from the prefix) "
                f"is {self.mean_bayes:.4g}")


def bayes_level_haar_orthogonal(d: int, T: int, s1_norm_sq: float = 1.0) -> float:
    r"""Bayes error of predicting :math:`s_{T+1}` from :math:`s_{1:T}`, W Haar on O(d): :math:`\|s_1\|^2(d-T+1)_+/d`.

    >>> [bayes_level_haar_orthogonal(3, T) for T in (1, 2, 3, 4, 5)]
    [1.0, 0.6666666666666666, 0.3333333333333333, 0.0, 0.0]
    """
    require(int(d) == d and d >= 1, f"d = {d} is out of range: it must be an integer >= 1")
    require(int(T) == T and T >= 1, f"T = {T} is out of range: it must be an integer >= 1")
    return float(s1_norm_sq * max(d - T + 1, 0) / d)


def bayes_level_unitary(T: int, s1_norm_sq: float = 1.0) -> float:
    r"""Bayes error for diagonal unitary contexts :math:`\mathcal{C}_U`: :math:`\|s_1\|^2` at T = 1, else 0.

    >>> bayes_level_unitary(1), bayes_level_unitary(2)
    (1.0, 0.0)
    """
    require(int(T) == T and T >= 1, f"T = {T} is out of range: it must be an integer >= 1")
    return float(s1_norm_sq if T == 1 else 0.0)


def reference_levels(context: str, d: int, prefixes, s1_norm_sq: float = 1.0,
                     per_coordinate: bool = False) -> ReferenceLevels:
    """The zero and Bayes levels per prefix for ``context`` ``"haar-orthogonal"`` or ``"unitary"``.

    >>> r = reference_levels("haar-orthogonal", 10, range(1, 51), s1_norm_sq=1.0, per_coordinate=True)
    >>> round(r.mean_zero, 6), round(r.mean_bayes, 6)
    (0.1, 0.011)
    """
    require(context in ("haar-orthogonal", "unitary"), f"context {context!r} is not 'haar-orthogonal' or 'unitary'")
    Ts = tuple(int(T) for T in prefixes)
    require(len(Ts) >= 1, "give at least one prefix length")
    scale = 1.0 / d if per_coordinate else 1.0
    if context == "haar-orthogonal":
        bayes = tuple(scale * bayes_level_haar_orthogonal(d, T, s1_norm_sq) for T in Ts)
    else:
        bayes = tuple(scale * bayes_level_unitary(T, s1_norm_sq) for T in Ts)
    zero = tuple(scale * float(s1_norm_sq) for _ in Ts)
    return ReferenceLevels(d, Ts, zero, bayes, context, per_coordinate)


def bayes_predictions_haar(seqs: np.ndarray) -> np.ndarray:
    r"""The conditional mean :math:`\mathbb{E}[s_{T+1}\mid s_{1:T}] = W P_V s_T` for every prefix, (n, T_len, d).

    ``seqs`` (n, T_len, d) holds :math:`s_1..s_{T_{len}}`; entry ``[:, T-1]`` is the prediction from the prefix
    :math:`s_{1:T}`. W on V is read off the prefix: with :math:`X = (s_1..s_{T-1})`, :math:`Y = (s_2..s_T)`,
    :math:`W P_V s_T = Y X^+ s_T` (float64, SVD-based pseudo-inverse). T = 1 gives 0.
    """
    require(seqs.ndim == 3, f"seqs has shape {seqs.shape}: expected (n, T, d)")
    n, L, d = seqs.shape
    out = np.zeros_like(seqs)
    for T in range(2, L + 1):
        X = np.swapaxes(seqs[:, : T - 1], 1, 2)  # (n, d, T-1): columns s_1..s_{T-1}
        Y = np.swapaxes(seqs[:, 1:T], 1, 2)  # (n, d, T-1): columns s_2..s_T
        pinv = np.linalg.pinv(X, rcond=1e-10)  # (n, T-1, d)
        coef = np.einsum("nkd,nd->nk", pinv, seqs[:, T - 1])  # (n, T-1): X^+ s_T
        out[:, T - 1] = np.einsum("ndk,nk->nd", Y, coef)  # (n, d)
    return out


def bayes_errors_haar(seqs_with_target: np.ndarray) -> np.ndarray:
    r"""Squared errors of the Bayes predictor, (n, T_len - 1): entry ``[:, T-1]`` for the prefix :math:`s_{1:T}`.

    ``seqs_with_target`` (n, T_len, d) holds :math:`s_1..s_{T_{len}}`; predictions are for T = 1..T_len - 1.
    """
    pred = bayes_predictions_haar(seqs_with_target[:, :-1])  # (n, T_len - 1, d)
    return (np.abs(pred - seqs_with_target[:, 1:]) ** 2).sum(-1)


def bayes_errors_unitary(seqs_with_target: np.ndarray) -> np.ndarray:
    r"""Squared errors of the Bayes predictor for diagonal unitary contexts, (n, T_len - 1): 0 for T >= 2.

    From the prefix with T >= 2, :math:`\lambda = s_2 / s_1` and :math:`s_{T+1} = \lambda s_T` (coordinate-wise);
    at T = 1 the prediction is 0. Accepts complex sequences (n, T_len, d).
    """
    s = seqs_with_target
    lam = s[:, 1] / s[:, 0]  # (n, d)
    pred = np.concatenate([np.zeros_like(s[:, :1]), lam[:, None, :] * s[:, 1:-1]], axis=1)  # (n, T_len - 1, d)
    return (np.abs(pred - s[:, 1:]) ** 2).sum(-1)


def mirror_consistency(W: np.ndarray, T: int, s1: np.ndarray) -> float:
    r"""Step 1 of the derivation at one W: the reflection R = 2P_U - I (U = span(s_2..s_T)) gives W' = RW with the
    same prefix :math:`s_{1:T}` and :math:`s'_{T+1} = 2\,\mathbb{E}[s_{T+1}\mid s_{1:T}] - s_{T+1}`.

    Returns the largest deviation from these identities (rounding level when they hold).
    """
    d = W.shape[0]
    s = [np.asarray(s1, dtype=float)]
    for _ in range(T):
        s.append(W @ s[-1])
    S = np.array(s)  # (T + 1, d): s_1..s_{T+1}
    if T >= 2:
        Q, _ = np.linalg.qr(S[1:T].T)  # (d, T-1): orthonormal basis of U
        rank = np.linalg.matrix_rank(S[1:T].T)
        Q = Q[:, :rank]
        R = 2 * Q @ Q.T - np.eye(d)
    else:
        R = -np.eye(d)
    W2 = R @ W
    s2 = [S[0]]
    for _ in range(T):
        s2.append(W2 @ s2[-1])
    S2 = np.array(s2)
    mean = bayes_predictions_haar(S[None, :T])[0, T - 1]
    return float(max(np.abs(S2[:T] - S[:T]).max(), np.abs(S2[T] - (2 * mean - S[T])).max()))


@dataclass(frozen=True)
class FloorTest:
    """Paired test of "a model's error is not below the Bayes error": D_i = e_model,i - e_bayes,i per sequence.

    ``violated`` when mean(D) + ``sigmas`` · SE(D) < 0 (a model cannot beat the conditional mean in
    expectation; a number that does beyond sampling error is a bug).
    """

    mean_model: float
    mean_bayes: float
    mean_difference: float
    standard_error: float
    sigmas: float
    violated: bool

    def to_json(self) -> dict:
        return {"mean_model": self.mean_model, "mean_bayes": self.mean_bayes, "mean_difference": self.mean_difference,
                "standard_error": self.standard_error, "sigmas": self.sigmas, "violated": self.violated}


def floor_test(model_errors: np.ndarray, bayes_errors: np.ndarray, sigmas: float = 6.0) -> FloorTest:
    """:class:`FloorTest` from per-sequence errors (arrays of the same shape; extra axes are averaged per sequence).

    >>> floor_test(np.array([1.0, 1.1, 0.9]), np.array([0.5, 0.5, 0.5])).violated
    False
    >>> floor_test(np.array([0.1, 0.1, 0.1]), np.array([0.5, 0.6, 0.5])).violated
    True
    """
    a, b = np.asarray(model_errors, dtype=float), np.asarray(bayes_errors, dtype=float)
    require(a.shape == b.shape, f"model errors {a.shape} and Bayes errors {b.shape} differ in shape")
    a = a.reshape(a.shape[0], -1).mean(1)
    b = b.reshape(b.shape[0], -1).mean(1)
    diff = a - b
    se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0
    m = float(diff.mean())
    # rounding slack: a model that equals the Bayes predictor gives D = 0 up to float32 error
    slack = 1e-6 * max(float(np.abs(b).mean()), 1e-12)
    return FloorTest(float(a.mean()), float(b.mean()), m, se, sigmas, bool(m + sigmas * se + slack < 0))
