r"""In-context linear regression with one layer of linear self-attention (Mahankali, Hashimoto and Ma, 2023).

**Model.** Context tokens :math:`z_i = (x_i, y_i) \in \mathbb{R}^{d+1}` (i = 1..n) and the query token
:math:`z_q = (x_q, 0)` form :math:`Z \in \mathbb{R}^{(d+1)\times(n+1)}`. One layer of linear self-attention
with merged matrices :math:`P = W^{PV}` and :math:`Q = W^{KQ}` (both :math:`(d+1)\times(d+1)`, every entry
free) is

.. math:: f(Z) = Z + \frac1n P Z M (Z^\top Q Z), \qquad M = \mathrm{diag}(I_n, 0),
          \qquad \hat y = f(Z)_{d+1,\,n+1} = p^\top G\, Q z_q,\quad G = \frac1n\sum_{i=1}^n z_i z_i^\top,

with :math:`p^\top` the last row of P (the mask M keeps the query out of the keys and values). Only
:math:`p` and the first d columns :math:`Q_x` of Q reach the prediction, and

.. math:: \hat y = \sum_{a \le b} \sum_{c=1}^d F_{ab,c}\, G_{ab}\, x_{q,c},\qquad
          F_{ab,c} = p_a Q_{bc} + [a<b]\, p_b Q_{ac},

a linear form in the *features* :math:`G_{ab} x_{q,c}` (:func:`feature_coefficients`). The pre-training loss
:math:`\mathbb{E}(\hat y - y_q)^2` is therefore a convex quadratic in F; its minimum over every F (the
span of the class) is a lower bound for the class, attained when the minimising F is of the product form.

**Data.** :math:`x_i, x_q \sim N(0, \Sigma)`, :math:`w \sim N(0, \Sigma_w)`, :math:`y_i = f_w(x_i) +
\varepsilon_i` with :math:`\varepsilon_i \sim N(0, \sigma^2)` (the linear model :math:`f_w(x) = w^\top x`, or a
polynomial response family), and the target :math:`y_q = f_w(x_q) + \varepsilon_q`.

**One step of GD.** On :math:`L(w) = \frac{1}{2n}\sum_i (y_i - w^\top x_i)^2` from :math:`w_0 = 0` with a
preconditioner :math:`\Pi` and step :math:`\eta`: :math:`w_1 = \eta\Pi s`, :math:`s = \frac1n\sum_i y_i x_i`,
prediction :math:`x_q^\top w_1` (:func:`gd_prediction`). In feature terms: :math:`F_{(c,d+1),c'} = (\eta\Pi)_{c'c}`,
every other F zero (:func:`gd_feature_matrix`).

Closed forms derived here (docstrings give each formula's source):

- isotropic (:math:`\Sigma = \Sigma_w = I`): :math:`\eta^* = n/(n+d+1+\sigma^2)` (:func:`eta_star`), minimal
  loss :math:`d(d+1+\sigma^2)/(n+d+1+\sigma^2) + \sigma^2` (:func:`min_loss_iso`);
- general covariances: :math:`\Pi^* = n\Sigma_w((n+1)\Sigma\Sigma_w + (\mathrm{tr}\,\Sigma\Sigma_w + \sigma^2)I)^{-1}`
  (:func:`preconditioner`);
- a response family with a rotation-invariant law: :math:`\eta_f = n\,\mathbb{E}\|\beta_f\|^2 /
  (\mathbb{E}[y^2\|x\|^2] + (n-1)\mathbb{E}\|\beta_f\|^2)`, :math:`\beta_f = \mathbb{E}[x f(x) | f]`
  (:func:`nonlinear_step`);
- the bridge to Sander et al. (2024): per-prompt loss :math:`d(K\tilde\eta^2 - 2J\tilde\eta + 1)` of the
  un-normalised step with :math:`K = n(n - 1 + \rho + \sigma^2)`, :math:`J = n`, where :math:`\mathbb{E}[\|x\|^2
  xx^\top] = \rho I` (:func:`generic_K`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable, Sequence

import sympy

from .errors import DomainError
from .gaussian_moments import GaussianVector, block_covariance

#: Symbols: prompt length n, dimension d, noise variance sigma^2, averaging bounds.
N_SYM = sympy.Symbol("n", positive=True, integer=True)
D_SYM = sympy.Symbol("d", positive=True, integer=True)
SIGMA2 = sympy.Symbol("sigma^2", nonnegative=True)
NMAX_SYM = sympy.Symbol("n_max", positive=True, integer=True)
RHO_SYM = sympy.Symbol("rho", positive=True)


def _check_d(d) -> None:
    if isinstance(d, int) and d < 1:
        raise DomainError(f"d = {d} is out of range: it must be an integer >= 1")


# ---------------------------------------------------------------------------------------------------------
# closed forms
def eta_star(n=N_SYM, d=D_SYM, sigma2=SIGMA2):
    r"""Optimal GD step for isotropic data, :math:`\eta^* = n/(n + d + 1 + \sigma^2)` (derived here).

    The GD-form loss is :math:`d(\eta^2 (n+d+1+\sigma^2)/n - 2\eta + 1) + \sigma^2` (:func:`gd_form_loss_iso`),
    from :math:`\mathbb{E}[S^2] = (n+d+1)/n\, I` for the sample covariance S (Wishart, :func:`wishart_second_moment`).

    >>> eta_star(4, 2, 1)
    1/2
    """
    _check_d(d)
    return sympy.sympify(n) / (n + d + 1 + sigma2)


def gd_form_loss_iso(eta, n=N_SYM, d=D_SYM, sigma2=SIGMA2):
    r"""Pre-training loss of :math:`\hat y = \eta x_q^\top s` for isotropic data (noisy target).

    :math:`\mathbb{E}\|\eta s - w\|^2 + \sigma^2 = d\big(\eta^2\frac{n+d+1+\sigma^2}{n} - 2\eta + 1\big) + \sigma^2`.

    >>> eta = sympy.Symbol("eta")
    >>> sympy.solve(sympy.diff(gd_form_loss_iso(eta), eta), eta)
    [n/(d + n + sigma^2 + 1)]
    """
    return d * (eta ** 2 * (n + d + 1 + sigma2) / n - 2 * eta + 1) + sigma2


def min_loss_iso(n=N_SYM, d=D_SYM, sigma2=SIGMA2):
    r"""Minimal pre-training loss for isotropic data: :math:`d(d+1+\sigma^2)/(n+d+1+\sigma^2) + \sigma^2`.

    >>> min_loss_iso(4, 2, 1)
    2
    """
    n, d, sigma2 = map(sympy.sympify, (n, d, sigma2))
    return d * (d + 1 + sigma2) / (n + d + 1 + sigma2) + sigma2


def wishart_second_moment(n, Sigma) -> sympy.Matrix:
    r""":math:`\mathbb{E}[W^2] = n(n+1)\Sigma^2 + n\,\mathrm{tr}(\Sigma)\Sigma` for :math:`W = \sum_{i=1}^n x_ix_i^\top`,
    :math:`x_i \sim N(0, \Sigma)` i.i.d. (a classical Wishart identity; checked by the engine in the tests).

    >>> wishart_second_moment(3, sympy.eye(2))
    Matrix([
    [18,  0],
    [ 0, 18]])
    """
    Sigma = sympy.Matrix(Sigma)
    return n * (n + 1) * Sigma * Sigma + n * Sigma.trace() * Sigma


def sample_covariance_sandwich(n, Sigma, B) -> sympy.Matrix:
    r""":math:`\mathbb{E}[S B S] = \frac{n+1}{n}\Sigma B\Sigma + \frac{\mathrm{tr}(B\Sigma)}{n}\Sigma` for symmetric B and
    :math:`S = \frac1n\sum_i x_ix_i^\top`, :math:`x_i \sim N(0,\Sigma)` (Isserlis: :math:`\mathbb{E}[xx^\top Bxx^\top] =
    2\Sigma B\Sigma + \mathrm{tr}(B\Sigma)\Sigma`, plus :math:`n(n-1)` independent pairs).

    >>> sample_covariance_sandwich(2, sympy.eye(1), sympy.eye(1))
    Matrix([[2]])
    """
    Sigma, B = sympy.Matrix(Sigma), sympy.Matrix(B)
    return sympy.Rational(1) * (n + 1) / n * Sigma * B * Sigma + (B * Sigma).trace() / n * Sigma


def s_second_moment(n, Sigma, Sigma_w, sigma2) -> sympy.Matrix:
    r""":math:`\mathbb{E}[ss^\top]` for :math:`s = \frac1n\sum_i y_ix_i`, linear responses:
    :math:`\frac{n+1}{n}\Sigma\Sigma_w\Sigma + \frac{\mathrm{tr}(\Sigma\Sigma_w) + \sigma^2}{n}\Sigma`.

    >>> s_second_moment(4, sympy.eye(2), sympy.eye(2), 1)
    Matrix([
    [2, 0],
    [0, 2]])
    """
    Sigma, Sigma_w = sympy.Matrix(Sigma), sympy.Matrix(Sigma_w)
    return sample_covariance_sandwich(n, Sigma, Sigma_w) + sympy.sympify(sigma2) / n * Sigma


def _det(M: sympy.Matrix):
    """Determinant by cofactor expansion along the first row (expanded, no simplification; small matrices)."""
    k = M.rows
    if k == 1:
        return M[0, 0]
    return sympy.expand(sum((-1) ** j * M[0, j] * _det(M.minor_submatrix(0, j)) for j in range(k) if M[0, j] != 0))


def inverse(M) -> sympy.Matrix:
    """Exact inverse adj(M)/det(M) by cofactors, without SymPy's simplifying steps (fast for the small symbolic
    matrices used here); raises for a singular matrix.

    >>> inverse(sympy.Matrix([[2, 1], [1, 1]]))
    Matrix([
    [ 1, -1],
    [-1,  2]])
    """
    M = sympy.Matrix(M)
    k = M.rows
    det = _det(M)
    if det == 0:
        raise DomainError("the matrix is singular")
    if k == 1:
        return sympy.Matrix([[sympy.cancel(1 / det)]])
    adj = sympy.Matrix(k, k, lambda i, j: (-1) ** (i + j) * _det(M.minor_submatrix(j, i)))
    return adj.applyfunc(lambda e: sympy.cancel(e / det))


def preconditioner(n, Sigma, Sigma_w, sigma2) -> sympy.Matrix:
    r"""The optimal preconditioned step :math:`\Pi^* = n\Sigma_w\big((n+1)\Sigma\Sigma_w + (\mathrm{tr}(\Sigma\Sigma_w)+\sigma^2)I\big)^{-1}`.

    Derived here: :math:`\Pi^{*} = \mathbb{E}[ws^\top]\,\mathbb{E}[ss^\top]^{-1}` with :math:`\mathbb{E}[ws^\top] =
    \Sigma_w\Sigma` and :func:`s_second_moment`. For invertible :math:`\Sigma_w` it equals
    :math:`n\big((n+1)\Sigma + (\mathrm{tr}(\Sigma\Sigma_w)+\sigma^2)\Sigma_w^{-1}\big)^{-1}`. Isotropic data give
    :math:`\eta^* I`.

    >>> preconditioner(4, sympy.eye(2), sympy.eye(2), 1)
    Matrix([
    [1/2,   0],
    [  0, 1/2]])
    """
    Sigma, Sigma_w = sympy.Matrix(Sigma), sympy.Matrix(Sigma_w)
    d = Sigma.shape[0]
    c = (Sigma * Sigma_w).trace() + sigma2
    return (n * Sigma_w * inverse((n + 1) * Sigma * Sigma_w + c * sympy.eye(d))).applyfunc(sympy.cancel)


def precond_min_loss(n, Sigma, Sigma_w, sigma2):
    r"""Minimal loss with general covariances: :math:`\mathrm{tr}(\Sigma\Sigma_w) + \sigma^2 -
    \mathrm{tr}(\Pi^*\Sigma\Sigma_w\Sigma)`.

    >>> precond_min_loss(4, sympy.eye(2), sympy.eye(2), 1)
    2
    """
    Sigma, Sigma_w = sympy.Matrix(Sigma), sympy.Matrix(Sigma_w)
    P = preconditioner(n, Sigma, Sigma_w, sigma2)
    return sympy.cancel((Sigma * Sigma_w).trace() + sigma2 - (P * Sigma * Sigma_w * Sigma).trace())


def nonlinear_step(n, beta2, y2x2):
    r"""GD step of the optimum for a response family with a rotation-invariant law (derived here):

    .. math:: \eta_f = \frac{n\,\mathbb{E}\|\beta_f\|^2}{\mathbb{E}[y^2\|x\|^2] + (n-1)\,\mathbb{E}\|\beta_f\|^2},
              \qquad \beta_f = \mathbb{E}[x f(x) \mid f],

    from :math:`\mathbb{E}[ss^\top] = \frac1n\mathbb{E}[y^2xx^\top] + (1-\frac1n)\mathbb{E}[\beta_f\beta_f^\top]`
    and :math:`\mathbb{E}[s\, y_q x_q^\top] = \mathbb{E}[\beta_f\beta_f^\top]`, both multiples of I. Linear
    responses (:math:`\mathbb{E}\|\beta\|^2 = d`, :math:`\mathbb{E}[y^2\|x\|^2] = d(d+2+\sigma^2)`) give :func:`eta_star`.

    >>> d, n, s2 = sympy.symbols("d n sigma2", positive=True)
    >>> sympy.simplify(nonlinear_step(n, d, d * (d + 2 + s2)) - eta_star(n, d, s2))
    0
    """
    return sympy.sympify(n) * beta2 / (y2x2 + (n - 1) * beta2)


A_SYM = sympy.Symbol("a", real=True)


def quadratic_family_step(n=N_SYM, d=D_SYM, sigma2=SIGMA2, a=A_SYM):
    r"""Step for :math:`f_w(x) = w^\top x + a((w^\top x)^2 - \|w\|^2)`, :math:`w \sim N(0, I)`:
    :math:`\eta_f = n/(n + d + 1 + \sigma^2 + 2a^2(d+2)(d+4))`.

    :math:`\beta_w = w`, :math:`\mathbb{E}\|\beta\|^2 = d`, :math:`\mathbb{E}[y^2\|x\|^2] = d(d+2) + \sigma^2 d +
    2a^2 d(d+2)(d+4)` (the quadratic part acts on the step like extra noise of variance :math:`2a^2(d+2)(d+4)`).

    >>> quadratic_family_step(4, 2, 0, sympy.Rational(1, 4))
    2/5
    """
    return sympy.sympify(n) / (n + d + 1 + sigma2 + 2 * a ** 2 * (d + 2) * (d + 4))


def generic_K(n=N_SYM, rho=RHO_SYM, sigma2=SIGMA2):
    r""":math:`K_n = n(n - 1 + \rho + \sigma^2)`: per-coordinate :math:`\mathbb{E}\|S\|^2/d` of the un-normalised
    :math:`S = \sum_{i=1}^n y_ix_i` for i.i.d. isotropic covariates with :math:`\mathbb{E}[\|x\|^2xx^\top] = \rho I`,
    :math:`\mathbb{E}[ww^\top] = I`, noise :math:`\sigma^2`; :math:`J_n = n`. The loss of :math:`\tilde\eta\, x_q^\top S`
    is :math:`d(K_n\tilde\eta^2 - 2J_n\tilde\eta + 1)` (+ :math:`\sigma^2`). Gaussian: :math:`\rho = d + 2`;
    covariates with independent unit-modulus coordinates (the torus of Sander et al.) or Rademacher: :math:`\rho = d`.

    >>> sympy.expand(generic_K(N_SYM, D_SYM + 2, SIGMA2))
    d*n + n**2 + n*sigma^2 + n
    """
    return n * (n - 1 + rho + sigma2)


def torus_moment(powers: Sequence[int], conjugate_powers: Sequence[int]) -> int:
    r""":math:`\mathbb{E}\prod_j \lambda_j^{k_j}\bar\lambda_j^{l_j}` for independent uniform phases (Sander et al.'s
    :math:`\mathcal{C}_U`): 1 if :math:`k_j = l_j` for every j, else 0 (:math:`\mathbb{E}\lambda^m = [m = 0]`).

    >>> torus_moment((2,), (2,)), torus_moment((1, 0), (0, 1))
    (1, 0)
    """
    return int(all(k == l for k, l in zip(powers, conjugate_powers)))


def averaged_step(K, J, n_sym, lo, hi):
    r""":math:`\sum_{n=lo}^{hi} J_n / \sum_{n=lo}^{hi} K_n`: the optimal step when the loss is summed over prompt
    lengths (Sander et al. sum over T = 2..T_max; Proposition 2).

    >>> n = sympy.Symbol("n", positive=True, integer=True)
    >>> averaged_step(n * (n + 1), n, n, 1, 2)
    3/8
    """
    return sympy.factor(sympy.simplify(sympy.summation(J, (n_sym, lo, hi)) / sympy.summation(K, (n_sym, lo, hi))))


# ---------------------------------------------------------------------------------------------------------
# the model and one GD step, symbolically
def lsa_prediction(P: sympy.Matrix, Q: sympy.Matrix, X: sympy.Matrix, y: Sequence, xq: Sequence,
                   normalise: bool = True):
    r""":math:`\hat y = f(Z)_{d+1,n+1}` for :math:`f(Z) = Z + \frac1n PZM(Z^\top QZ)` (``normalise=False`` drops 1/n).

    ``X`` is n x d (rows :math:`x_i^\top`), ``y`` the n responses, ``xq`` the query. Computed from the full
    matrices (not from the feature form), so that it checks :func:`feature_coefficients`.

    >>> P = sympy.zeros(2, 2); P[1, 1] = 1
    >>> Q = sympy.zeros(2, 2); Q[0, 0] = sympy.Rational(1, 2)
    >>> lsa_prediction(P, Q, sympy.Matrix([[1], [3]]), [2, 4], [1])
    7/2
    """
    X = sympy.Matrix(X)
    n, d = X.shape
    Z = sympy.zeros(d + 1, n + 1)
    for i in range(n):
        Z[:d, i] = X[i, :].T
        Z[d, i] = y[i]
    Z[:d, n] = sympy.Matrix(xq)
    M = sympy.diag(*([1] * n + [0]))
    scale = sympy.Rational(1, n) if normalise else 1
    out = Z + scale * P * Z * M * (Z.T * Q * Z)
    return sympy.expand(out[d, n])


def gd_prediction(X: sympy.Matrix, y: Sequence, xq: Sequence, eta, precond: sympy.Matrix | None = None,
                  w0: sympy.Matrix | None = None):
    r""":math:`x_q^\top(w_0 - \eta\Pi\nabla L(w_0))` with :math:`L(w) = \frac{1}{2n}\sum_i(y_i - w^\top x_i)^2`.

    The gradient is taken symbolically (SymPy ``diff``), not written in closed form.

    >>> gd_prediction(sympy.Matrix([[1], [3]]), [2, 4], [1], 1)
    7
    """
    X = sympy.Matrix(X)
    n, d = X.shape
    w = sympy.Matrix([sympy.Dummy() for _ in range(d)])  # Dummy: no clash with the caller's symbols
    L = sum((y[i] - (w.T * X[i, :].T)[0]) ** 2 for i in range(n)) / (2 * n)
    grad = sympy.Matrix([sympy.diff(L, wi) for wi in w])
    start = sympy.zeros(d, 1) if w0 is None else sympy.Matrix(w0)
    grad0 = grad.subs(dict(zip(w, start)))
    Pi = sympy.eye(d) if precond is None else sympy.Matrix(precond)
    w1 = start - eta * Pi * grad0
    return sympy.expand((sympy.Matrix(xq).T * w1)[0])


def feature_pairs(d: int) -> list[tuple[int, int]]:
    """Index pairs (a, b), a <= b, of the distinct entries of G (0-based; index d is the response).

    >>> feature_pairs(1)
    [(0, 0), (0, 1), (1, 1)]
    """
    _check_d(d)
    return list(itertools.combinations_with_replacement(range(d + 1), 2))


def feature_coefficients(p: Sequence, Qx: sympy.Matrix) -> sympy.Matrix:
    r""":math:`F_{ab,c} = p_a Q_{bc} + [a<b] p_b Q_{ac}` (rows: :func:`feature_pairs`, columns c = 1..d).

    ``p`` is the last row of P (length d+1), ``Qx`` the first d columns of Q ((d+1) x d).

    >>> feature_coefficients([0, 1], sympy.Matrix([[2], [0]]))
    Matrix([
    [0],
    [2],
    [0]])
    """
    Qx = sympy.Matrix(Qx)
    d = Qx.shape[1]
    pairs = feature_pairs(d)
    F = sympy.zeros(len(pairs), d)
    for r, (a, b) in enumerate(pairs):
        for c in range(d):
            F[r, c] = p[a] * Qx[b, c] + (p[b] * Qx[a, c] if a < b else 0)
    return F


def gd_feature_matrix(Gamma: sympy.Matrix) -> sympy.Matrix:
    r"""Feature coefficients of :math:`\hat y = s^\top\Gamma x_q` (preconditioned GD: :math:`\Gamma = (\eta\Pi)^\top`).

    >>> gd_feature_matrix(sympy.Matrix([[3]])).T
    Matrix([[0, 3, 0]])
    """
    Gamma = sympy.Matrix(Gamma)
    d = Gamma.shape[0]
    pairs = feature_pairs(d)
    F = sympy.zeros(len(pairs), d)
    for c in range(d):
        F[pairs.index((c, d)), :] = Gamma[c, :]
    return F


# ---------------------------------------------------------------------------------------------------------
# exact moments of the features
#: A response family: ``f(x, w, params) -> polynomial`` in ring elements (x: d coordinates, w: d weights).
Response = Callable[[Sequence, Sequence, dict], object]


def linear_response(x, w, params):
    r""":math:`f_w(x) = w^\top x` (the linear model of the abstract).

    >>> linear_response([1, 2], [3, 4], {})
    11
    """
    return sum(wi * xi for wi, xi in zip(w, x))


def quadratic_response(x, w, params):
    r""":math:`f_w(x) = w^\top x + a((w^\top x)^2 - \|w\|^2)` (rotation-invariant law for :math:`w \sim N(0, I)`).

    >>> quadratic_response([1, 0], [2, 1], {"a": 1})
    1
    """
    t = sum(wi * xi for wi, xi in zip(w, x))
    return t + params["a"] * (t ** 2 - sum(wi ** 2 for wi in w))


def axis_quadratic_response(x, w, params):
    r""":math:`f_w(x) = w^\top x + a(x_1^2 - 1)`: a fixed nonlinearity along :math:`e_1` (law not rotation-invariant).

    >>> axis_quadratic_response([2, 0], [1, 1], {"a": 1})
    5
    """
    return sum(wi * xi for wi, xi in zip(w, x)) + params["a"] * (x[0] ** 2 - 1)


def drift_response(x, w, params):
    r""":math:`f_w(x) = w^\top x + a x_1`, i.e. :math:`w \sim N(a e_1, I)` (a non-centred weight law).

    >>> drift_response([2, 1], [1, 1], {"a": 1})
    5
    """
    return sum(wi * xi for wi, xi in zip(w, x)) + params["a"] * x[0]


RESPONSES: dict[str, Response] = {"linear": linear_response, "quadratic": quadratic_response,
                                  "axis-quadratic": axis_quadratic_response, "drift": drift_response}


@dataclass(frozen=True)
class FeatureMoments:
    r"""Exact moments of the features :math:`G_{ab}x_{q,c}` for symbolic n.

    ``one`` :math:`= \mathbb{E}[z_az_bz_{a'}z_{b'}]` (one token), ``two`` :math:`= \mathbb{E}[z_az_bz'_{a'}z'_{b'}]`
    (two tokens of one prompt), so that :math:`\mathbb{E}[G_{ab}G_{a'b'}] = \frac1n\,\mathrm{one} +
    (1-\frac1n)\,\mathrm{two}` (:meth:`gram`); ``cross`` :math:`= \mathbb{E}[G_{ab}x_{q,c}y_q]`; ``query_cov`` the
    covariance of :math:`x_q`; ``target_second`` :math:`= \mathbb{E}[y_q^2]`. The loss of coefficients F is
    :math:`\mathrm{tr}(F^\top\,\mathbb{E}[GG^\top] F\,\Sigma) - 2\,\mathrm{tr}(F^\top \mathrm{cross}) + \mathbb{E}[y_q^2]`.
    """

    d: int
    pairs: tuple
    one: sympy.Matrix
    two: sympy.Matrix
    cross: sympy.Matrix
    query_cov: sympy.Matrix
    target_second: sympy.Expr

    def gram(self, n=N_SYM) -> sympy.Matrix:
        return (self.one / n + (1 - sympy.Integer(1) / n) * self.two).applyfunc(sympy.cancel)

    def loss(self, F: sympy.Matrix, n=N_SYM):
        """The exact pre-training loss of feature coefficients F (pairs x d)."""
        F = sympy.Matrix(F)
        quad = (F.T * self.gram(n) * F * self.query_cov).trace()
        return sympy.cancel(quad - 2 * (F.T * self.cross).trace() + self.target_second)

    def residual(self, F: sympy.Matrix, n=N_SYM) -> sympy.Matrix:
        r"""Half the gradient of :meth:`loss` in F: :math:`\mathbb{E}[GG^\top] F\Sigma - \mathrm{cross}` (zero at the optimum)."""
        return (self.gram(n) * sympy.Matrix(F) * self.query_cov - self.cross).applyfunc(sympy.cancel)


def feature_moments(d: int, Sigma=None, Sigma_w=None, sigma2=SIGMA2, response: str | Response = "linear",
                    params: dict | None = None) -> FeatureMoments:
    r"""Exact :class:`FeatureMoments` by the Isserlis engine (:mod:`ical_verify.theory.gaussian_moments`).

    Gaussian variables: two context tokens' covariates and noises, the weights and the query (covariates
    :math:`N(0,\Sigma)`, noises :math:`N(0,\sigma^2)`, weights :math:`N(0,\Sigma_w)`); ``response`` names a
    family of :data:`RESPONSES` (or is one); ``params`` maps its parameter names to symbols or numbers.

    >>> m = feature_moments(1, sigma2=0)
    >>> m.pairs, m.cross.T, m.target_second
    (((0, 0), (0, 1), (1, 1)), Matrix([[0, 1, 0]]), 1)
    """
    _check_d(d)
    Sigma = sympy.eye(d) if Sigma is None else sympy.Matrix(Sigma)
    Sigma_w = sympy.eye(d) if Sigma_w is None else sympy.Matrix(Sigma_w)
    f = RESPONSES[response] if isinstance(response, str) else response
    params = dict(params or {})
    sym_params = [v for v in params.values() if isinstance(v, sympy.Symbol)]
    # the integration variables are Dummy symbols, so that no parameter of the caller can share their names
    xs, xs2, ws, qs = ([sympy.Dummy() for _ in range(d)] for _ in range(4))
    e1, e2, eq = sympy.Dummy(), sympy.Dummy(), sympy.Dummy()
    variables = [*xs, e1, *xs2, e2, *ws, *qs, eq]
    cov = block_covariance(Sigma, sigma2, Sigma, sigma2, Sigma_w, Sigma, sigma2)
    g = GaussianVector(variables, cov, parameters=sym_params)
    gens = g.gens
    X1, E1 = gens[:d], gens[d]
    X2, E2 = gens[d + 1:2 * d + 1], gens[2 * d + 1]
    W = gens[2 * d + 2:3 * d + 2]
    XQ, EQ = gens[3 * d + 2:4 * d + 2], gens[4 * d + 2]
    rp = {k: (g.param(v) if isinstance(v, sympy.Symbol) else g.ring(v)) for k, v in params.items()}
    z1 = list(X1) + [f(X1, W, rp) + E1]
    z2 = list(X2) + [f(X2, W, rp) + E2]
    yq = f(XQ, W, rp) + EQ
    pairs = feature_pairs(d)
    m = len(pairs)
    one, two = sympy.zeros(m, m), sympy.zeros(m, m)
    prod1 = [z1[a] * z1[b] for a, b in pairs]
    prod2 = [z2[a] * z2[b] for a, b in pairs]
    for r in range(m):
        for c in range(r, m):
            one[r, c] = one[c, r] = g.expect_poly(prod1[r] * prod1[c]).as_expr()
            two[r, c] = two[c, r] = g.expect_poly(prod1[r] * prod2[c]).as_expr()
    cross = sympy.zeros(m, d)
    for r in range(m):
        for c in range(d):
            cross[r, c] = g.expect_poly(prod1[r] * XQ[c] * yq).as_expr()
    target = g.expect_poly(yq * yq).as_expr()
    return FeatureMoments(d, tuple(pairs), one, two, cross, Sigma, target)


def blocks_of(M: sympy.Matrix) -> list[list[int]]:
    """Index blocks of a symmetric matrix: connected components of its non-zero pattern.

    >>> blocks_of(sympy.Matrix([[1, 0, 2], [0, 3, 0], [2, 0, 1]]))
    [[0, 2], [1]]
    """
    m = M.shape[0]
    seen, out = set(), []
    for s in range(m):
        if s in seen:
            continue
        comp, stack = set(), [s]
        while stack:
            i = stack.pop()
            if i in comp:
                continue
            comp.add(i)
            stack += [j for j in range(m) if j not in comp and M[i, j] != 0]
        seen |= comp
        out.append(sorted(comp))
    return out


@dataclass(frozen=True)
class RelaxedOptimum:
    """The minimiser over the span of the features: coefficients, minimal loss, and the block structure used."""

    F: sympy.Matrix
    value: sympy.Expr
    blocks: list
    solved_blocks: list


def relaxed_optimum(m: FeatureMoments, n=N_SYM) -> RelaxedOptimum:
    r"""Solve the normal equations :math:`\mathbb{E}[GG^\top] F \Sigma = \mathrm{cross}` exactly.

    The Gram matrix splits into blocks (its zero pattern); a block whose right-hand side is zero takes F = 0
    (a minimiser; any other differs by a combination of features that vanishes almost surely); the others are
    solved by exact LU (:math:`F_B = G_B^{-1}\,\mathrm{cross}_B\,\Sigma^{-1}`).

    >>> r = relaxed_optimum(feature_moments(1))
    >>> r.F.T, r.value
    (Matrix([[0, n/(n + sigma^2 + 2), 0]]), (n*sigma^2 + sigma^2**2 + 3*sigma^2 + 2)/(n + sigma^2 + 2))
    """
    gram = m.gram(n)
    blocks = blocks_of(gram)
    F = sympy.zeros(len(m.pairs), m.d)
    Sinv = inverse(m.query_cov)
    solved = []
    for B in blocks:
        rhs = m.cross.extract(B, list(range(m.d)))
        if rhs.is_zero_matrix:
            continue
        sol = gram.extract(B, B).LUsolve(rhs * Sinv).applyfunc(sympy.cancel)
        for k, r in enumerate(B):
            F[r, :] = sol[k, :]
        solved.append([m.pairs[r] for r in B])
    value = m.loss(F, n)
    return RelaxedOptimum(F, sympy.factor(value), [[m.pairs[r] for r in B] for B in blocks], solved)


def gd_restricted_optimum(m: FeatureMoments, n=N_SYM) -> sympy.Matrix:
    r"""The best predictor of the form :math:`s^\top\Gamma x_q` (any :math:`\Gamma`, every other feature coefficient 0):
    :math:`\Gamma = \mathbb{E}[ss^\top]^{-1}\,\mathrm{cross}_s\,\Sigma^{-1}` (the s-rows of the normal equations).

    >>> gd_restricted_optimum(feature_moments(1))
    Matrix([[n/(n + sigma^2 + 2)]])
    """
    d = m.d
    rows = [m.pairs.index((c, d)) for c in range(d)]
    gram = m.gram(n).extract(rows, rows)
    return (inverse(gram) * m.cross.extract(rows, list(range(d))) * inverse(m.query_cov)).applyfunc(sympy.cancel)


def lsa_loss_gradient(m: FeatureMoments, p: Sequence, Qx: sympy.Matrix, n=N_SYM) -> sympy.Matrix:
    r"""Exact gradient of the pre-training loss in (p, Q_x) (p first, then Q_x row by row), at the given point:
    :math:`\partial L/\partial\theta = 2\sum_{r,c} R_{r,c}\,\partial F_{r,c}/\partial\theta`, R = :meth:`FeatureMoments.residual`.

    >>> m = feature_moments(1)
    >>> lsa_loss_gradient(m, [0, 1], sympy.Matrix([[eta_star(N_SYM, 1, SIGMA2)], [0]])).T
    Matrix([[0, 0, 0, 0]])
    """
    Qx = sympy.Matrix(Qx)
    d = Qx.shape[1]
    # Dummy symbols: distinct for every (i, j) (names such as "_q{i}{j}" coincide for d >= 11, e.g. (1, 10) and
    # (11, 0)) and never equal to a symbol of the caller's point
    ps = [sympy.Dummy() for _ in range(d + 1)]
    Qs = sympy.Matrix(d + 1, d, lambda i, j: sympy.Dummy())
    point = {**dict(zip(ps, p)), **{Qs[i, j]: Qx[i, j] for i in range(d + 1) for j in range(d)}}
    F = feature_coefficients(ps, Qs)
    R = m.residual(F.subs(point), n)
    theta = list(ps) + list(Qs)
    grad = [2 * sum(R[r, c] * sympy.diff(F[r, c], t).subs(point) for r in range(F.rows) for c in range(d))
            for t in theta]
    return sympy.Matrix([sympy.cancel(g) for g in grad])
