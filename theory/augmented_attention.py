r"""Model (4) of Sander et al. (ICML 2024) on augmented tokens, symbolically (§4, Appendix A.2-A.3).

.. math:: \mathcal{T}_\theta(e_{1:T}) = \Big(e_T + \sum_{t=1}^T \langle A e_T | e_t\rangle_{\mathbb{C}}\, B e_t\Big)_{1:d}
          \quad (4), \qquad e_t = (0, s_t, s_{t-1}),\quad \langle \alpha | \beta\rangle = \beta^*\alpha.

**The s_0 convention.** The first token :math:`e_1 = (0, s_1, s_0)` needs :math:`s_0`, which the paper
never defines. Two conventions are supported everywhere (argument ``s0``):

- ``"backward"``: :math:`s_0 = W^{-1} s_1` (the AR process run one step back); for diagonal unitary
  contexts :math:`s_t = \lambda^{t-1}` for every :math:`t \ge 0`, so :math:`s_0 = \bar\lambda`;
- ``"zero"``: :math:`s_0 = 0` (zero padding).

Under Assumptions 1 and 2 (:math:`A_i = a_i I`, :math:`B_i = b_i I`) the output is linear in the eight
products :math:`m_{kl} = a_k b_l` (:func:`product_symbols`), so the population loss (3) is a quadratic form
in :math:`m`; :func:`relaxed_minimum` minimises it over all :math:`4\times 2` matrices :math:`m`, a lower
bound that is the global minimum of (3) whenever a rank-one :math:`m = a b^\top` attains it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import sympy

from .errors import DomainError
from .laurent import LaurentPolynomial

CONVENTIONS = ("backward", "zero")

#: Shifts of Lemma 4: the printed u_alpha, v_beta index sets.
ALPHAS = (-1, 0, 1)
BETAS = (-1, 0)


def _check_convention(s0: str) -> None:
    if s0 not in CONVENTIONS:
        raise DomainError(f"s0 convention {s0!r} is not one of {CONVENTIONS}")


def _check_dims(d: int, T: int, tmin: int = 1) -> None:
    if int(d) != d or d < 1:
        raise DomainError(f"d = {d} is out of range: it must be an integer >= 1")
    if int(T) != T or T < tmin:
        raise DomainError(f"T = {T} is out of range: it must be an integer >= {tmin}")


# generic model (4) with SymPy matrices ---------------------------------------------------------------
def augmented_tokens(seq: Sequence[sympy.Matrix]) -> list[sympy.Matrix]:
    r"""Tokens :math:`e_t = (0, s_t, s_{t-1})`, t = 1..T, from ``seq = [s_0, s_1, ..., s_T]`` (§3).

    >>> augmented_tokens([sympy.Matrix([0]), sympy.Matrix([1]), sympy.Matrix([2])])[1].T
    Matrix([[0, 2, 1]])
    """
    if len(seq) < 2:
        raise DomainError(f"sequence length {len(seq)} is out of range: need s_0, s_1 at least")
    d = seq[0].shape[0]
    return [sympy.Matrix.vstack(sympy.zeros(d, 1), seq[t], seq[t - 1]) for t in range(1, len(seq))]


def model4_output(A: sympy.Matrix, B: sympy.Matrix, seq: Sequence[sympy.Matrix]) -> sympy.Matrix:
    r"""Model (4): :math:`(e_T + \sum_{t=1}^T (e_t^* A e_T)\, B e_t)_{1:d}` from ``seq = [s_0, ..., s_T]``.

    The hermitian product is :math:`\langle A e_T | e_t\rangle = e_t^* A e_T` (Appendix A).

    >>> A, B = construction8(1, sympy.Symbol("eta"))
    >>> model4_output(A, B, [sympy.Matrix([0]), sympy.Matrix([1]), sympy.Matrix([2])])
    Matrix([[4*eta]])
    """
    e = augmented_tokens(seq)
    d = seq[0].shape[0]
    eT = e[-1]
    AeT = A * eT
    out = eT
    for et in e:
        out = out + (et.H * AeT)[0, 0] * (B * et)
    return out[:d, :].applyfunc(sympy.expand)


def construction8(d: int, eta) -> tuple[sympy.Matrix, sympy.Matrix]:
    r"""The block construction (8) of proof A.2: A has :math:`I_d` in block (3, 2), B has :math:`\eta I_d` in block (1, 2).

    >>> A, B = construction8(1, 2)
    >>> A.tolist(), B.tolist()
    ([[0, 0, 0], [0, 0, 0], [0, 1, 0]], [[0, 2, 0], [0, 0, 0], [0, 0, 0]])
    """
    _check_dims(d, 1)
    A = sympy.zeros(3 * d, 3 * d)
    B = sympy.zeros(3 * d, 3 * d)
    A[2 * d:, d:2 * d] = sympy.eye(d)
    B[:d, d:2 * d] = eta * sympy.eye(d)
    return A, B


def assumption2_matrices(d: int, a: Sequence, b: Sequence) -> tuple[sympy.Matrix, sympy.Matrix]:
    r"""A and B of Assumption 2: blocks :math:`A_i = a_i I_d` (i = 1..4) and :math:`B_i = b_i I_d` (i = 1, 2).

    >>> A, B = assumption2_matrices(1, [1, 2, 3, 4], [5, 6])
    >>> A.tolist(), B.tolist()
    ([[0, 0, 0], [0, 1, 2], [0, 3, 4]], [[0, 5, 6], [0, 0, 0], [0, 0, 0]])
    """
    _check_dims(d, 1)
    if len(a) != 4 or len(b) != 2:
        raise DomainError(f"Assumption 2 has 4 scalars a_i and 2 scalars b_i; got {len(a)} and {len(b)}")
    I = sympy.eye(d)
    A = sympy.zeros(3 * d, 3 * d)
    B = sympy.zeros(3 * d, 3 * d)
    A[d:2 * d, d:2 * d], A[d:2 * d, 2 * d:] = a[0] * I, a[1] * I
    A[2 * d:, d:2 * d], A[2 * d:, 2 * d:] = a[2] * I, a[3] * I
    B[:d, d:2 * d], B[:d, 2 * d:] = b[0] * I, b[1] * I
    return A, B


# Laurent-polynomial form under Assumptions 1 and 2 ---------------------------------------------------
def parameter_symbols() -> tuple[tuple[sympy.Symbol, ...], tuple[sympy.Symbol, ...]]:
    """The real symbols (a_1, a_2, a_3, a_4) and (b_1, b_2) of Assumption 2."""
    return sympy.symbols("a1:5", real=True), sympy.symbols("b1:3", real=True)


def product_symbols() -> dict[tuple[int, int], sympy.Symbol]:
    """Real symbols m_kl standing for the products a_k b_l (k = 1..4, l = 1, 2)."""
    return {(k, l): sympy.Symbol(f"m{k}{l}", real=True) for k in range(1, 5) for l in (1, 2)}


def products_to_parameters() -> dict[sympy.Symbol, sympy.Expr]:
    """The substitution m_kl -> a_k b_l."""
    a, b = parameter_symbols()
    return {s: a[k - 1] * b[l - 1] for (k, l), s in product_symbols().items()}


def ar_laurent_sequence(d: int, T: int, s0: str) -> list[list[LaurentPolynomial]]:
    r"""``[s_0, s_1, ..., s_T]`` for :math:`W = \mathrm{diag}(\lambda)`, :math:`s_1 = 1_d`: :math:`s_t = \lambda^{t-1}`.

    ``s0="backward"``: :math:`s_0 = \lambda^{-1}`; ``s0="zero"``: :math:`s_0 = 0`.

    >>> [str(c.as_expr()) for c in ar_laurent_sequence(1, 2, "backward")[0] + ar_laurent_sequence(1, 2, "zero")[2]]
    ['1/lambda_1', 'lambda_1']
    """
    _check_dims(d, T)
    _check_convention(s0)
    lam = LaurentPolynomial.variables(d)
    seq = [[li ** (t - 1) for li in lam] for t in range(T + 1)]
    if s0 == "zero":
        seq[0] = [LaurentPolynomial(d) for _ in range(d)]
    return seq


def _dot_conj(x: Sequence[LaurentPolynomial], y: Sequence[LaurentPolynomial]) -> LaurentPolynomial:
    r""":math:`x^* y = \sum_j \bar x_j y_j` on the torus."""
    out = LaurentPolynomial(x[0].nvars)
    for xj, yj in zip(x, y):
        out = out + xj.conjugate() * yj
    return out


def model4_laurent_output(d: int, T: int, s0: str, coefficient: Callable[[int, int], object] | None = None
                          ) -> list[LaurentPolynomial]:
    r"""Coordinates i = 1..d of model (4) under Assumptions 1, 2 as Laurent polynomials in :math:`\lambda`.

    Block by block, :math:`A e_T = (0, a_1 s_T + a_2 s_{T-1}, a_3 s_T + a_4 s_{T-1})` and
    :math:`(B e_t)_{1:d} = b_1 s_t + b_2 s_{t-1}`, so

    .. math:: \mathcal{T}_\theta(e_{1:T}) = \sum_{t=1}^T \sum_{k,l} a_k b_l\, P_k(t)\, Q_l(t),\quad
       P = (s_t^* s_T, s_t^* s_{T-1}, s_{t-1}^* s_T, s_{t-1}^* s_{T-1}),\ Q = (s_t, s_{t-1}).

    ``coefficient(k, l)`` gives the coefficient of :math:`P_k Q_l` (default: the product symbol
    :math:`m_{kl}`; pass ``lambda k, l: a[k-1]*b[l-1]`` for the parameters themselves).

    >>> out = model4_laurent_output(1, 2, "zero")
    >>> sorted(str(k) + ":" + str(v) for k, v in out[0].terms.items())
    ['(-1,):m22', '(0,):m12 + 2*m21 + m42', '(1,):2*m11 + m32 + m41', '(2,):m31']
    """
    _check_dims(d, T)
    coef = coefficient or (lambda k, l, _m=product_symbols(): _m[(k, l)])
    s = ar_laurent_sequence(d, T, s0)
    out = [LaurentPolynomial(d) for _ in range(d)]
    for t in range(1, T + 1):
        P = (_dot_conj(s[t], s[T]), _dot_conj(s[t], s[T - 1]), _dot_conj(s[t - 1], s[T]),
             _dot_conj(s[t - 1], s[T - 1]))
        Q = (s[t], s[t - 1])
        for k in range(1, 5):
            for l in (1, 2):
                c = coef(k, l)
                if c == 0:
                    continue
                pk = P[k - 1] * c
                for i in range(d):
                    out[i] = out[i] + pk * Q[l - 1][i]
    return out


def lemma4_coefficients(pairing: dict[int, Sequence[int]] | None = None) -> dict[tuple[int, int], sympy.Expr]:
    r"""The printed :math:`c_{\alpha,\beta} = u_\alpha v_\beta` of Lemma 4, in the product symbols m_kl.

    Printed: :math:`u_0 = a_1 + a_4, u_1 = a_2, u_{-1} = a_3, v_0 = b_1, v_{-1} = b_2`. ``pairing`` maps
    :math:`\alpha` to the indices k of the a_k forming :math:`u_\alpha` (to test alternatives).

    >>> lemma4_coefficients()[(-1, 0)]
    m31
    """
    pairing = pairing or {0: (1, 4), 1: (2,), -1: (3,)}
    m = product_symbols()
    vb = {0: 1, -1: 2}
    return {(al, be): sum((m[(k, vb[be])] for k in pairing[al]), sympy.Integer(0))
            for al in ALPHAS for be in BETAS}


def lemma4_laurent_output(d: int, T: int, coefficients: dict[tuple[int, int], object] | None = None,
                          t_range: Sequence[int] | None = None) -> list[LaurentPolynomial]:
    r"""The model output as printed inside (9): :math:`\sum_{t,j,\alpha,\beta} c_{\alpha,\beta}\lambda_j^{T-t-\alpha}\lambda_i^{t-1+\beta}`.

    Sums over t = 1..T (Appendix A.3) unless ``t_range`` is given.

    >>> lemma4_laurent_output(1, 2)[0].terms[(2,)]
    2*m31
    """
    _check_dims(d, T)
    c = coefficients or lemma4_coefficients()
    ts = list(t_range) if t_range is not None else list(range(1, T + 1))
    out = []
    for i in range(d):
        terms: list[tuple[tuple[int, ...], object]] = []
        for t in ts:
            for j in range(d):
                for (al, be), cab in c.items():
                    k = [0] * d
                    k[j] += T - t - al
                    k[i] += t - 1 + be
                    terms.append((tuple(k), cab))
        out.append(LaurentPolynomial(d, terms))
    return out


def target_laurent(d: int, T: int) -> list[LaurentPolynomial]:
    r"""The target :math:`s_{T+1} = \lambda^T` coordinate-wise."""
    return [li ** T for li in LaurentPolynomial.variables(d)]


def population_loss_products(d: int, Tmax: int, s0: str) -> sympy.Expr:
    r"""Loss (3) under Assumptions 1, 2, :math:`\mathcal{C}_U`: exact, as a quadratic polynomial in the m_kl.

    :math:`\ell = \sum_{T=2}^{T_{\max}} \sum_i \mathbb{E}|\mathcal{T}_\theta(e_{1:T})_i - \lambda_i^T|^2`
    (Parseval on the torus, :meth:`LaurentPolynomial.mean_square`).

    >>> population_loss_products(1, 2, "backward").subs({s: 0 for s in product_symbols().values()})
    1
    """
    _check_dims(d, Tmax, 2)
    total = sympy.Integer(0)
    for T in range(2, Tmax + 1):
        out = model4_laurent_output(d, T, s0)
        for i, tgt in enumerate(target_laurent(d, T)):
            total += (out[i] - tgt).mean_square()
    return sympy.expand(total)


def population_loss(d: int, Tmax: int, s0: str) -> sympy.Expr:
    """Loss (3) under Assumptions 1, 2 as a polynomial in (a_1..a_4, b_1, b_2) (Proposition 2)."""
    return sympy.expand(population_loss_products(d, Tmax, s0).subs(products_to_parameters()))


@dataclass(frozen=True)
class RelaxedMinimum:
    r"""Minimum of the loss over all :math:`4\times2` matrices m (a lower bound over rank-one :math:`m = ab^\top`).

    ``value``: the minimum; ``particular``: one minimiser (dict m_kl -> value); ``null_directions``: a basis
    of directions (dicts) along which the loss is constant; ``hessian_rank``.
    """

    value: sympy.Expr
    particular: dict
    null_directions: list
    hessian_rank: int


def relaxed_minimum(loss_m: sympy.Expr) -> RelaxedMinimum:
    r"""Exact minimum of a convex quadratic :math:`\ell(m) = m^\top Q m - 2p^\top m + c` over all m.

    >>> m = product_symbols()
    >>> r = relaxed_minimum((m[(3, 1)] - 2) ** 2 + 1)
    >>> r.value, r.particular[m[(3, 1)]], r.hessian_rank
    (1, 2, 1)
    """
    syms = list(product_symbols().values())
    H = sympy.hessian(loss_m, syms)
    g0 = sympy.Matrix([sympy.diff(loss_m, s) for s in syms]).subs({s: 0 for s in syms})
    sol, params = H.gauss_jordan_solve(-g0)
    particular = sol.subs({p: 0 for p in params})
    nulls = []
    for p in params:
        direction = sol.subs({q: (1 if q == p else 0) for q in params}) - particular
        nulls.append({s: direction[i] for i, s in enumerate(syms)})
    part = {s: particular[i] for i, s in enumerate(syms)}
    value = sympy.simplify(loss_m.subs(part))
    return RelaxedMinimum(value=value, particular=part, null_directions=nulls, hessian_rank=H.rank())


# eta* -------------------------------------------------------------------------------------------------
def gd_form_loss(d: int, T: int, s0: str, eta=None) -> sympy.Expr:
    r"""Per-T loss of the one-step-GD parameters (:math:`a_3 b_1 = \eta`, every other :math:`m_{kl} = 0`).

    >>> eta = sympy.Symbol("eta", real=True)
    >>> sympy.factor(gd_form_loss(1, 2, "backward", eta))
    (2*eta - 1)**2
    """
    eta = sympy.Symbol("eta", real=True) if eta is None else eta
    out = model4_laurent_output(d, T, s0, coefficient=lambda k, l: eta if (k, l) == (3, 1) else 0)
    return sympy.expand(sum((o - g).mean_square() for o, g in zip(out, target_laurent(d, T))))


@dataclass(frozen=True)
class EtaStar:
    r"""The closed form of :math:`\eta^*` derived for one s_0 convention.

    ``K``, ``J``: per-T loss :math:`d(K\eta^2 - 2J\eta + 1)` as polynomials in (T, d), interpolated from the
    exact engine on ``grid`` and verified on ``held_out``; ``eta_star``: :math:`\sum_T J / \sum_T K`
    (SymPy summation); ``limit``: :math:`\lim_{T_{\max}\to\infty} T_{\max}\eta^*`.
    """

    convention: str
    K: sympy.Expr
    J: sympy.Expr
    eta_star: sympy.Expr
    limit: sympy.Expr
    grid: list
    held_out: list


T_SYM, D_SYM, TMAX_SYM = sympy.symbols("T d T_max", positive=True, integer=True)


def derive_eta_star(s0: str, grid_T: Sequence[int] = (2, 3, 4), grid_d: Sequence[int] = (1, 2, 3),
                    held_out: Sequence[tuple[int, int]] = ((5, 4), (6, 2), (7, 1))) -> EtaStar:
    r""":math:`\eta^*(d, T_{\max})` in closed form for convention ``s0`` (Proposition 2 / 8).

    The per-T loss of the GD form is :math:`d(K\eta^2 - 2J\eta + 1)` with K quadratic in T and linear in d
    and J linear in T (each coordinate's mean square counts monomials, at most :math:`dT` of them, with at
    most T collisions); K and J are interpolated with bidegree (2, 2) from the exact engine on the grid and
    checked at held-out (T, d). Then :math:`\eta^* = \sum_{T=2}^{T_{\max}} J / \sum_{T=2}^{T_{\max}} K`.
    """
    _check_convention(s0)
    eta = sympy.Symbol("eta", real=True)
    pts = []
    for T in grid_T:
        for d in grid_d:
            poly = sympy.Poly(gd_form_loss(d, T, s0, eta) / d, eta)
            pts.append((T, d, poly.coeff_monomial(eta ** 2), -poly.coeff_monomial(eta) / 2))

    def interp(values):
        expr = sympy.Integer(0)
        for (T, d, v) in values:
            basis = sympy.Integer(1)
            for T2 in grid_T:
                if T2 != T:
                    basis *= (T_SYM - T2) / sympy.Integer(T - T2)
            for d2 in grid_d:
                if d2 != d:
                    basis *= (D_SYM - d2) / sympy.Integer(d - d2)
            expr += v * basis
        return sympy.expand(expr)

    K = interp([(T, d, k) for T, d, k, _ in pts])
    J = interp([(T, d, j) for T, d, _, j in pts])
    checked = []
    for T, d in held_out:
        poly = sympy.Poly(gd_form_loss(d, T, s0, eta) / d, eta)
        ok = (poly.coeff_monomial(eta ** 2) == K.subs({T_SYM: T, D_SYM: d})
              and -poly.coeff_monomial(eta) / 2 == J.subs({T_SYM: T, D_SYM: d}))
        if not ok:
            raise DomainError(f"interpolated K, J do not match the engine at T = {T}, d = {d}")
        checked.append((T, d))
    num = sympy.summation(J, (T_SYM, 2, TMAX_SYM))
    den = sympy.summation(K, (T_SYM, 2, TMAX_SYM))
    eta_star = sympy.factor(sympy.simplify(num / den))
    limit = sympy.limit(TMAX_SYM * eta_star, TMAX_SYM, sympy.oo)
    return EtaStar(s0, sympy.factor(K), sympy.factor(J), eta_star, limit, [(T, d) for T, d, _, _ in pts], checked)


def printed_eta_star(d, Tmax) -> sympy.Expr:
    r"""The printed :math:`\eta^* = \sum_{T=2}^{T_{\max}} T / \sum_{T=2}^{T_{\max}} (T^2 + (d-1)T)` (Prop. 2)."""
    T = sympy.Symbol("T", integer=True, positive=True)
    return sympy.factor(sympy.simplify(sympy.summation(T, (T, 2, Tmax))
                                       / sympy.summation(T ** 2 + (d - 1) * T, (T, 2, Tmax))))


def coordinate_mismatches(lhs: Sequence[LaurentPolynomial], rhs: Sequence[LaurentPolynomial]) -> int:
    r"""The number of monomials where two vectors of Laurent polynomials differ, coordinate by coordinate.

    The lengths are compared first: a coordinate present on one side only counts as all its monomials (at
    least one), so that two vectors of different lengths never compare equal (no ``zip`` truncation).

    >>> l, = LaurentPolynomial.variables(1)
    >>> coordinate_mismatches([l + 1], [l + 1]), coordinate_mismatches([l + 1], [l - 1]), coordinate_mismatches([l], [])
    (0, 1, 1)
    """
    common = min(len(lhs), len(rhs))
    count = 0
    for x, y in zip(lhs[:common], rhs[:common]):
        count += sum(1 for c in (x - y).terms.values() if sympy.expand(c) != 0)
    for extra in list(lhs[common:]) + list(rhs[common:]):
        count += max(1, len(extra.terms))
    return count
