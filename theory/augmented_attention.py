r"""Model (4) of Sander et al. (ICML 2024) on augmented tokens, symbolically (§4, Appendix A.2-A.3).

.. math:: \mathcal{T}_\theta(e_{1:T}) = \Big(e_T + \sum_{t=1}^T \langle A e_T | e_t\rangle_{\mathbb{C}}\, B e_t\Big)_{1:d}
          \quad (4), \qquad e_t = (0, s_t, s_{t-1}),\quad \langle \alpha | \beta\rangle = \beta^*\alpha.

**The s_0 convention.** The first token :math:`e_1 = (0, s_1, s_0)` needs :math:`s_0`, which the paper
never defines. Two conventions are supported everywhere (argument ``s0``):

- ``"backward"``: :math:`s_0 = W^{-1} s_1` (the AR process run one step back); for diagonal unitary
  contexts :math:`s_t = \lambda^{t-1}` for every :math:`t \ge 0`, so :math:`s_0 = \bar\lambda`;
- ``"zero"``: :math:`s_0 = 0` (zero padding);
- ``"first"``: :math:`s_0 = s_1` (the first token repeated; :math:`1_d` on the paper's data), what the two
  positional heads of Lemma 1's proof (A.1) output in the :math:`s_0` slot at t = 1.

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

CONVENTIONS = ("backward", "zero", "first")

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

    ``s0="backward"``: :math:`s_0 = \lambda^{-1}`; ``s0="zero"``: :math:`s_0 = 0`; ``s0="first"``:
    :math:`s_0 = s_1 = 1_d`.

    >>> [str(c.as_expr()) for c in ar_laurent_sequence(1, 2, "backward")[0] + ar_laurent_sequence(1, 2, "zero")[2]]
    ['1/lambda_1', 'lambda_1']
    >>> [str(c.as_expr()) for c in ar_laurent_sequence(2, 2, "first")[0]]
    ['1', '1']
    """
    _check_dims(d, T)
    _check_convention(s0)
    lam = LaurentPolynomial.variables(d)
    seq = [[li ** (t - 1) for li in lam] for t in range(T + 1)]
    if s0 == "zero":
        seq[0] = [LaurentPolynomial(d) for _ in range(d)]
    elif s0 == "first":
        seq[0] = [LaurentPolynomial.constant(d, 1) for _ in range(d)]
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


# Proposition 1 on the paper's data: which one-step GD maps can model (4) represent? -----------------------
def ar_laurent_tokens(d: int, T: int, s0: str) -> list[list[LaurentPolynomial]]:
    r"""The tokens without their zero block, :math:`\tilde e_t = (s_t, s_{t-1}) \in \mathbb{C}^{2d}`, t = 1..T.

    On :math:`\mathcal{C}_U` data (:func:`ar_laurent_sequence`); the first block of :math:`e_t = (0, s_t, s_{t-1})`
    is zero, so model (4) only sees :math:`\tilde e_t`.

    >>> [str(c.as_expr()) for c in ar_laurent_tokens(1, 2, "backward")[0]]
    ['1', '1/lambda_1']
    """
    s = ar_laurent_sequence(d, T, s0)
    return [list(s[t]) + list(s[t - 1]) for t in range(1, T + 1)]


def general_parameter_matrices(d: int, name: str = "") -> tuple[sympy.Matrix, sympy.Matrix]:
    r"""Symbols for the parameters of (4) that act on the data: :math:`B' = B_{1:d,\,d+1:3d}` and :math:`\tilde A = A_{d+1:3d,\,d+1:3d}`.

    Model (4) is :math:`\sum_t (e_t^* A e_T)(B e_t)_{1:d} = B' M_T \tilde A \tilde e_T` with
    :math:`M_T = \sum_{t \le T} \tilde e_t \tilde e_t^*`: the other entries of A and B multiply the zero block.
    Real symbols (the paper's parameters are real).

    >>> Bp, At = general_parameter_matrices(1)
    >>> Bp.shape, At.shape
    ((1, 2), (2, 2))
    """
    _check_dims(d, 1)
    Bp = sympy.Matrix(d, 2 * d, lambda i, j: sympy.Symbol(f"B{name}_{i}_{j}", real=True))
    At = sympy.Matrix(2 * d, 2 * d, lambda i, j: sympy.Symbol(f"A{name}_{i}_{j}", real=True))
    return Bp, At


def embed_parameters(d: int, Bp: sympy.Matrix, At: sympy.Matrix) -> tuple[sympy.Matrix, sympy.Matrix]:
    r"""The full :math:`3d\times 3d` matrices (A, B) of (4) with :math:`\tilde A` and :math:`B'` in place, zeros elsewhere.

    >>> A, B = embed_parameters(1, sympy.Matrix([[1, 2]]), sympy.Matrix([[3, 4], [5, 6]]))
    >>> A.tolist(), B.tolist()
    ([[0, 0, 0], [0, 3, 4], [0, 5, 6]], [[0, 1, 2], [0, 0, 0], [0, 0, 0]])
    """
    A = sympy.zeros(3 * d, 3 * d)
    B = sympy.zeros(3 * d, 3 * d)
    A[d:, d:] = At
    B[:d, d:] = Bp
    return A, B


def model4_heads_laurent_output(d: int, T: int, s0: str, heads: Sequence[tuple[sympy.Matrix, sympy.Matrix]]
                                ) -> list[LaurentPolynomial]:
    r"""Model (4) with H heads :math:`(B'_h, \tilde A_h)` on :math:`\mathcal{C}_U` data, as Laurent polynomials in λ.

    :math:`\sum_h B'_h M_T \tilde A_h \tilde e_T` (one head is (4); several heads sum their outputs).

    >>> A, B = construction8(1, 2)
    >>> out = model4_heads_laurent_output(1, 2, "zero", [(B[:1, 1:], A[1:, 1:])])
    >>> str(out[0].as_expr())
    '2*lambda_1**2'
    """
    _check_dims(d, T)
    e = ar_laurent_tokens(d, T, s0)
    D = 2 * d
    M = [[LaurentPolynomial(d) for _ in range(D)] for _ in range(D)]
    for et in e:
        conj = [x.conjugate() for x in et]
        for m in range(D):
            if not et[m].terms:
                continue
            for j in range(D):
                if conj[j].terms:
                    M[m][j] = M[m][j] + et[m] * conj[j]
    eT = e[-1]
    out = [LaurentPolynomial(d) for _ in range(d)]
    for Bp, At in heads:
        v = [sum((eT[k] * At[j, k] for k in range(D) if At[j, k] != 0), LaurentPolynomial(d)) for j in range(D)]
        Mv = [sum((M[m][j] * v[j] for j in range(D) if v[j].terms), LaurentPolynomial(d)) for m in range(D)]
        for i in range(d):
            out[i] = out[i] + sum((Mv[m] * Bp[i, m] for m in range(D) if Bp[i, m] != 0), LaurentPolynomial(d))
    return out


def gd_step_laurent_output(d: int, T: int, s0: str, W0: sympy.Matrix, eta, first: int = 1) -> list[LaurentPolynomial]:
    r"""One GD step on (5) applied to :math:`s_T`: :math:`(W_0 - \eta\nabla L(W_0, e_{1:T}))s_T` on :math:`\mathcal{C}_U` data.

    :math:`\nabla L(W_0) = W_0 S_T - Y_T` with :math:`S_T = \sum_{t} s_t s_t^*`, :math:`Y_T = \sum_t s_{t+1} s_t^*`,
    t = ``first``..T-1 (``first = 1`` is (5); ``first = 0`` adds the pair :math:`(s_0, s_1)`).

    >>> str(gd_step_laurent_output(1, 2, "zero", sympy.Matrix([[0]]), 1)[0].as_expr())
    'lambda_1**2'
    """
    _check_dims(d, T)
    if first not in (0, 1):
        raise DomainError(f"first = {first} is out of range: the sum over pairs starts at t = 0 or t = 1")
    s = ar_laurent_sequence(d, T, s0)
    sT = s[T]
    Ss = [LaurentPolynomial(d) for _ in range(d)]  # S_T s_T
    Ys = [LaurentPolynomial(d) for _ in range(d)]  # Y_T s_T
    for t in range(first, T):
        proj = _dot_conj(s[t], sT)  # s_t^* s_T
        for i in range(d):
            Ss[i] = Ss[i] + s[t][i] * proj
            Ys[i] = Ys[i] + s[t + 1][i] * proj
    out = []
    for i in range(d):
        row = LaurentPolynomial(d)
        for c in range(d):
            if W0[i, c] != 0:
                row = row + sT[c] * W0[i, c] - Ss[c] * (eta * W0[i, c])
        out.append(row + Ys[i] * eta)
    return out


def representation_equations(d: int, Ts: Sequence[int], s0: str, W0: sympy.Matrix, eta,
                             heads: Sequence[tuple[sympy.Matrix, sympy.Matrix]] | None = None) -> list[sympy.Expr]:
    r"""The polynomial equations in the parameters for model (4) to equal one GD step on (5), for every T in ``Ts``.

    Both sides are Laurent polynomials in λ (:math:`\mathcal{C}_U` data); they agree on the torus iff every
    coefficient agrees. ``heads`` defaults to one head of symbolic parameters (:func:`general_parameter_matrices`);
    the same parameters serve every T (θ_0 does not depend on the prefix length).

    >>> eqs = representation_equations(1, [2], "zero", sympy.Matrix([[0]]), 1)
    >>> len(eqs) > 0
    True
    """
    heads = heads if heads is not None else [general_parameter_matrices(d)]
    eqs: list[sympy.Expr] = []
    for T in Ts:
        out = model4_heads_laurent_output(d, T, s0, heads)
        tgt = gd_step_laurent_output(d, T, s0, W0, eta)
        if len(out) != len(tgt):
            raise DomainError(f"output has {len(out)} coordinates, target {len(tgt)}")
        for o, g in zip(out, tgt):
            for c in (o - g).terms.values():
                c = sympy.expand(c)
                if c != 0:
                    eqs.append(c)
    return list(dict.fromkeys(eqs))


@dataclass(frozen=True)
class SingleHeadFeasibility:
    r"""Whether one head of (4) can equal the GD step (complex solutions of :func:`representation_equations`).

    The equations are invariant under :math:`(B', \tilde A) \mapsto (cB', \tilde A/c)`, so every solution
    has :math:`B'_{11} = 1` after scaling, or :math:`B'_{11} = 0`: ``groebner_normalised`` and
    ``groebner_zero`` are the reduced Gröbner bases of the equations with each of these added; the system has
    no solution, real or complex, iff both are ``[1]`` (Hilbert's Nullstellensatz).
    """

    feasible: bool
    groebner_normalised: list
    groebner_zero: list
    n_equations: int
    n_unknowns: int


def single_head_feasibility(d: int, Ts: Sequence[int], s0: str, W0: sympy.Matrix, eta) -> SingleHeadFeasibility:
    r"""Decide exactly (Gröbner bases over :math:`\mathbb{Q}`) whether one head of (4) gives the GD step from ``W0``.

    ``eta`` is a number, or a SymPy symbol: then the step size is an unknown too, constrained to
    :math:`\eta \neq 0` (an extra unknown z with :math:`z\eta = 1`), and "not feasible" means: for no step size.

    >>> single_head_feasibility(1, [2, 3], "zero", sympy.Matrix([[1]]), sympy.Rational(1, 3)).feasible
    True
    """
    Bp, At = general_parameter_matrices(d)
    eqs = representation_equations(d, Ts, s0, W0, eta, [(Bp, At)])
    first = representation_equations(d, list(Ts)[:1], s0, W0, eta, [(Bp, At)])
    extra: list = []
    params: list = []
    if isinstance(eta, sympy.Symbol):
        z = sympy.Dummy("z")
        extra, params = [z * eta - 1], [eta, z]
    unknowns = sorted(set().union(*[e.free_symbols for e in eqs]) - set(params) | {Bp[0, 0]}, key=str)
    gens = unknowns + params
    G = sympy.groebner(eqs + extra + [Bp[0, 0] - 1], *gens, order="grevlex")
    bases = [[str(g) for g in G.exprs]]
    # B'_11 = 0: the equations of the first T alone usually exclude it already (a subsystem without solution
    # leaves the whole system without solution); otherwise the whole system decides
    G0 = sympy.groebner(first + extra + [Bp[0, 0]], *gens, order="grevlex")
    if [str(g) for g in G0.exprs] != ["1"]:
        G0 = sympy.groebner(eqs + extra + [Bp[0, 0]], *gens, order="grevlex")
    bases.append([str(g) for g in G0.exprs])
    feasible = not (bases[0] == ["1"] and bases[1] == ["1"])
    return SingleHeadFeasibility(feasible, bases[0], bases[1], len(eqs), len(unknowns))


def one_head_construction(d: int, v: Sequence, eta) -> tuple[sympy.Matrix, sympy.Matrix]:
    r"""One head :math:`(B', \tilde A)` giving the GD step from :math:`W_0 = 1_d v^\top` on :math:`\mathcal{C}_U` data, zero padding.

    :math:`B' = (I_d,\ -1_d v^\top)`, :math:`\tilde A = \begin{pmatrix} V & 0 \\ \eta I_d & -V\end{pmatrix}`,
    :math:`V = \mathrm{diag}(v)`. With :math:`M_T = \begin{pmatrix} X & C \\ C^* & Z\end{pmatrix}` the output is
    :math:`(X - \Lambda Z\bar\Lambda)V s_T + \eta\Lambda Z s_T - \eta 1_d v^\top Z s_T`, and on this data
    :math:`C = \Lambda Z`, :math:`Z = S_T`, :math:`X - \Lambda Z \bar\Lambda = s_1 s_1^* = 1_d 1_d^\top`, so it
    equals :math:`1_d v^\top s_T - \eta 1_d v^\top S_T s_T + \eta Y_T s_T` (derivation; checked exactly by
    :func:`model4_heads_laurent_output`).

    >>> Bp, At = one_head_construction(1, [2], 3)
    >>> Bp.tolist(), At.tolist()
    ([[1, -2]], [[2, 0], [3, -2]])
    """
    _check_dims(d, 1)
    V = sympy.diag(*[sympy.sympify(x) for x in v])
    one = sympy.ones(d, 1)
    Bp = sympy.Matrix.hstack(sympy.eye(d), -one * sympy.Matrix([list(v)]))
    At = sympy.Matrix.vstack(sympy.Matrix.hstack(V, sympy.zeros(d, d)), sympy.Matrix.hstack(eta * sympy.eye(d), -V))
    return Bp, At


def two_head_construction(d: int, W0: sympy.Matrix, eta) -> list[tuple[sympy.Matrix, sympy.Matrix]]:
    r"""Two heads giving the GD step on (5) from any :math:`W_0` on norm-preserving data with :math:`|s_1|^2 = d`, zero padding.

    Head 1: :math:`B' = (W_0/d,\ 0)`, :math:`\tilde A = \mathrm{diag}(I_d, 0)`: output :math:`W_0 X s_T / d`.
    Head 2: :math:`B' = (\eta I_d,\ -(1/d + \eta)W_0)`, :math:`\tilde A_{21} = I_d`: output
    :math:`\eta C s_T - (1/d + \eta)W_0 Z s_T`. Under zero padding :math:`X - Z = s_T s_T^*`, :math:`Z = S_T`,
    :math:`C = Y_T`, so the sum is :math:`W_0 s_T |s_T|^2/d - \eta W_0 S_T s_T + \eta Y_T s_T`: the GD step exactly
    when :math:`|s_T|^2 = d` (unitary W, :math:`s_1 = 1_d`).

    >>> [h[0].tolist() for h in two_head_construction(1, sympy.Matrix([[2]]), 1)]
    [[[2, 0]], [[1, -4]]]
    """
    _check_dims(d, 1)
    Z = sympy.zeros(d, d)
    I = sympy.eye(d)
    head1 = (sympy.Matrix.hstack(W0 / d, Z), sympy.diag(I, Z))
    head2 = (sympy.Matrix.hstack(eta * I, -(sympy.Rational(1, d) + eta) * W0),
             sympy.Matrix.vstack(sympy.zeros(d, 2 * d), sympy.Matrix.hstack(I, Z)))
    return [head1, head2]


@dataclass(frozen=True)
class RelaxedRepresentability:
    r"""Exact consistency of the linear system "model (4) with any number of heads = a GD step" (ranks over :math:`\mathbb{Q}`).

    The output of H heads is linear in :math:`K = \sum_h \mathrm{vec}(B'_h)\mathrm{vec}(\tilde A_h)^\top`, and
    every matrix K is such a sum, so "some number of heads" is "some K". The unknowns are K and, with
    ``free_w0``, two free matrices U, V in place of :math:`W_0` and :math:`-\eta W_0`; the right-hand side is
    :math:`Y_T s_T`. Dividing by η ≠ 0 shows that an inconsistent system rules out every :math:`W_0` and every
    step size η ≠ 0. ``consistent`` iff ``rank_augmented == rank_model``.
    """

    consistent: bool
    rank_model: int
    rank_augmented: int
    rows: int
    columns: int


def _kernel_monomials(d: int, T: int, s0: str, D: int):
    """The terms of model (4)'s output on C_U contexts, one per product e_t[m] conj(e_t[j]) e_T[k] (t = 1..T) in
    output coordinate i: yields ``(i, col, mono)``, ``col`` the kernel entry (i, m, j, k) it multiplies and
    ``mono`` its Laurent exponent (token entries are monomials; zero entries are skipped)."""
    e = ar_laurent_tokens(d, T, s0)
    expo = [[next(iter(x.terms)) if x.terms else None for x in et] for et in e]
    eT = expo[-1]
    for i in range(d):
        for m in range(D):
            for j in range(D):
                for k in range(D):
                    if eT[k] is None:
                        continue
                    col = ((i * D + m) * D + j) * D + k
                    for t in range(T):
                        if expo[t][m] is None or expo[t][j] is None:
                            continue
                        yield i, col, tuple(a - b + c for a, b, c in zip(expo[t][m], expo[t][j], eT[k]))


def any_heads_representability(d: int, Ts: Sequence[int], s0: str, free_w0: bool = True) -> RelaxedRepresentability:
    r"""Decide exactly whether some number of heads of (4) gives a GD step on (5) on :math:`\mathcal{C}_U` data.

    >>> any_heads_representability(1, [2, 3], "zero").consistent, any_heads_representability(1, [2, 3], "backward").consistent
    (True, False)
    """
    from sympy import QQ, ZZ
    from sympy.polys.matrices import DomainMatrix

    _check_convention(s0)
    D = 2 * d
    rows: dict[tuple, dict[int, int]] = {}
    rhs: dict[tuple, int] = {}

    def add(key, col, value):
        row = rows.setdefault(key, {})
        row[col] = row.get(col, 0) + value

    nK = d * D ** 3
    for T in Ts:
        _check_dims(d, T, 2)
        for i, col, mono in _kernel_monomials(d, T, s0, D):
            add((T, i, mono), col, 1)
        s = ar_laurent_sequence(d, T, s0)
        for i in range(d):
            # Y_T s_T (right-hand side), U s_T and V S_T s_T (free W_0 parts), sums t = 1..T-1
            for t in range(1, T):
                proj = _dot_conj(s[t], s[T])
                for mono, c in (s[t + 1][i] * proj).terms.items():
                    rhs[(T, i, mono)] = rhs.get((T, i, mono), 0) + int(c)
                if free_w0:
                    for c_ in range(d):
                        for mono, c in (s[t][c_] * proj).terms.items():
                            add((T, i, mono), nK + d * d + i * d + c_, int(c))
            if free_w0:
                for c_ in range(d):
                    for mono, c in s[T][c_].terms.items():
                        add((T, i, mono), nK + i * d + c_, int(c))
    keys = sorted(set(rows) | set(rhs))
    ncols = nK + (2 * d * d if free_w0 else 0)
    dense = [[ZZ(rows.get(k, {}).get(c, 0)) for c in range(ncols)] for k in keys]
    aug = [r + [ZZ(rhs.get(k, 0))] for r, k in zip(dense, keys)]
    r1 = DomainMatrix(dense, (len(keys), ncols), ZZ).convert_to(QQ).rank()
    r2 = DomainMatrix(aug, (len(keys), ncols + 1), ZZ).convert_to(QQ).rank()
    return RelaxedRepresentability(r1 == r2, int(r1), int(r2), len(keys), ncols)


# Proposition 1 for a fixed step size: the exact set of initialisations W_0 that some number of heads reaches ----
@dataclass(frozen=True)
class FeasibleInitialisations:
    r"""The set of :math:`W_0` for which some number of heads of (4) equals :math:`(W_0 - \eta\nabla L(W_0))s_T`.

    For a fixed step size η the conditions are linear in (K, :math:`W_0`) (K as in
    :class:`RelaxedRepresentability`), so the feasible :math:`W_0` form an affine subspace
    :math:`\{W_0 : C\,\mathrm{vec}(W_0) = h\}` (``vec`` row by row), empty when ``consistent`` is False.
    ``constraints`` holds the rows :math:`(C \mid h)` of the reduced row echelon form that do not involve K
    (exact rationals, as strings); ``dimension`` is :math:`d^2 - \mathrm{rank}\,C`.
    """

    consistent: bool
    dimension: int
    constraints: list
    rank_model: int
    rows: int
    columns: int

    def contains(self, W0) -> bool:
        """Whether ``W0`` (a d x d matrix) is feasible, exactly."""
        if not self.consistent:
            return False
        w = [sympy.nsimplify(x) for x in sympy.Matrix(W0)]
        for row in self.constraints:
            c = [sympy.Rational(x) for x in row]
            if sum((a * b for a, b in zip(c[:-1], w)), sympy.Integer(0)) != c[-1]:
                return False
        return True


def feasible_initialisations(d: int, Ts: Sequence[int], s0: str, eta) -> FeasibleInitialisations:
    r"""Exactly (rationals), the affine set of :math:`W_0` for which some number of heads of (4) gives one GD step
    on (5) from :math:`W_0` with step size ``eta`` (a rational), on :math:`\mathcal{C}_U` data, one θ for every T in
    ``Ts`` (Proposition 1).

    Unknowns: the entries of K (duplicate columns merged) and of :math:`W_0`; equations: the coefficients of the
    Laurent polynomials of :math:`\sum_h B'_h M_T\tilde A_h\tilde e_T - (W_0 s_T - \eta W_0 S_T s_T)` and
    :math:`\eta Y_T s_T` agree. The reduced row echelon form of :math:`[M_K \mid -L_{W_0} \mid r]` (K columns
    first) leaves, in its rows without K, the constraints on :math:`W_0` alone.

    >>> F = feasible_initialisations(1, [2, 3], "zero", sympy.Rational(1, 3))
    >>> F.consistent, F.dimension
    (True, 1)
    """
    from sympy import QQ
    from sympy.polys.matrices import DomainMatrix

    _check_convention(s0)
    eta = sympy.Rational(sympy.nsimplify(eta))
    D = 2 * d
    kcols: dict[int, dict[tuple, int]] = {}
    wcols: dict[int, dict[tuple, object]] = {}
    rhs: dict[tuple, object] = {}

    def add(table, col, key, value):
        entry = table.setdefault(col, {})
        entry[key] = entry.get(key, 0) + value

    for T in Ts:
        _check_dims(d, T, 2)
        for i, col, mono in _kernel_monomials(d, T, s0, D):
            add(kcols, col, (T, i, mono), 1)
        s = ar_laurent_sequence(d, T, s0)
        for i in range(d):
            for c_ in range(d):  # -(W_0 s_T - eta W_0 S_T s_T), column (i, c_) of vec(W_0)
                for mono, c in s[T][c_].terms.items():
                    add(wcols, i * d + c_, (T, i, mono), -c)
            for t in range(1, T):
                proj = _dot_conj(s[t], s[T])
                for mono, c in (s[t + 1][i] * proj).terms.items():
                    rhs[(T, i, mono)] = rhs.get((T, i, mono), 0) + eta * c
                for c_ in range(d):
                    for mono, c in (s[t][c_] * proj).terms.items():
                        add(wcols, i * d + c_, (T, i, mono), eta * c)
    unique = {}
    for col, entries in kcols.items():
        key = tuple(sorted((k, v) for k, v in entries.items() if v != 0))
        if key:
            unique.setdefault(key, col)
    kept = [dict(k) for k in unique]
    keys = sorted(set().union(*[set(c) for c in kept], *[set(c) for c in wcols.values()], set(rhs)))
    index = {k: r for r, k in enumerate(keys)}
    nk, nw = len(kept), d * d
    sparse: dict[int, dict[int, object]] = {}

    def put(row, col, value):
        value = sympy.Rational(value)
        if value != 0:
            entry = sparse.setdefault(row, {})
            new = entry.get(col, QQ(0)) + QQ(value.p, value.q)
            if new:
                entry[col] = new
            else:
                entry.pop(col, None)

    for c, entries in enumerate(kept):
        for k, v in entries.items():
            put(index[k], c, v)
    for c in range(nw):
        for k, v in wcols.get(c, {}).items():
            put(index[k], nk + c, v)
    for k, v in rhs.items():
        put(index[k], nk + nw, v)
    R, pivots = DomainMatrix({r: e for r, e in sparse.items() if e}, (len(keys), nk + nw + 1), QQ).rref()
    rank_model = sum(1 for p in pivots if p < nk)
    rows = R.to_sdm()
    consistent = nk + nw not in pivots
    constraints = []
    for r, p in enumerate(pivots):
        if nk <= p < nk + nw:
            row = rows.get(r, {})
            constraints.append([str(sympy.Rational(int(row[c].numerator), int(row[c].denominator)))
                                if c in row else "0" for c in range(nk, nk + nw + 1)])
    dimension = nw - len(constraints) if consistent else -1
    return FeasibleInitialisations(consistent, dimension, constraints, rank_model, len(keys), nk + nw)


# Loss (3) under Assumption 2 as an exact quadratic form (fast path for large T_max) ----------------------------
@dataclass(frozen=True)
class Assumption2Quadratic:
    r"""Loss (3) under Assumptions 1, 2 on :math:`\mathcal{C}_U` as :math:`\ell(m) = c_0 - 2g^\top m + m^\top G m`.

    ``m`` is the vector of the products :math:`m_{kl} = a_kb_l` in the order (k, l) = (1,1), (1,2), ..., (4,2)
    (that of :func:`product_symbols`); ``G`` (8 x 8), ``g`` (8) and ``c0`` are exact rationals (SymPy).
    """

    d: int
    Tmax: int
    s0: str
    G: sympy.Matrix
    g: sympy.Matrix
    c0: sympy.Integer

    def loss(self, a: Sequence, b: Sequence):
        """Exact loss at parameters ``a`` (4 entries) and ``b`` (2 entries)."""
        m = sympy.Matrix([sympy.nsimplify(x) * sympy.nsimplify(y) for x in a for y in b])
        return sympy.nsimplify(self.c0 - 2 * (self.g.T * m)[0, 0] + (m.T * self.G * m)[0, 0])

    def gd_form_minimum(self) -> tuple:
        r"""The best loss with only :math:`a_3b_1 = \eta` non-zero (the GD form) and its η, exactly."""
        k = 4  # index of m_31
        eta = self.g[k] / self.G[k, k]
        return sympy.nsimplify(self.c0 - self.g[k] ** 2 / self.G[k, k]), eta


def assumption2_quadratic(d: int, Tmax: int, s0: str) -> Assumption2Quadratic:
    r"""The exact quadratic form of loss (3) in the products :math:`m_{kl} = a_kb_l` (integer arithmetic).

    The same quantity as :func:`population_loss_products`, built from the Laurent coefficients of the eight
    features :math:`P_k(t)Q_l(t)` of model (4) without SymPy polynomials (Parseval: inner products of
    coefficient vectors), so that :math:`T_{\max}` in the tens stays cheap.

    >>> q = assumption2_quadratic(1, 2, "backward")
    >>> q.c0, q.loss([0, 0, 0, 0], [0, 0])
    (1, 1)
    >>> ms = list(product_symbols().values())
    >>> L = population_loss_products(2, 3, "first")
    >>> q = assumption2_quadratic(2, 3, "first")
    >>> sympy.expand(q.c0 - 2 * (q.g.T * sympy.Matrix(ms))[0, 0] + (sympy.Matrix(ms).T * q.G * sympy.Matrix(ms))[0, 0] - L)
    0
    """
    _check_dims(d, Tmax, 2)
    _check_convention(s0)
    from collections import defaultdict

    G = [[0] * 8 for _ in range(8)]
    g = [0] * 8

    def tok(t):  # s_t as a list of {exponent: coefficient}
        if t >= 1:
            return [{tuple((t - 1) if q == j else 0 for q in range(d)): 1} for j in range(d)]
        if s0 == "backward":
            return [{tuple(-1 if q == j else 0 for q in range(d)): 1} for j in range(d)]
        if s0 == "first":
            return [{(0,) * d: 1} for _ in range(d)]
        return [{} for _ in range(d)]

    def mul(p, q):
        out = defaultdict(int)
        for k1, v1 in p.items():
            for k2, v2 in q.items():
                out[tuple(a + b for a, b in zip(k1, k2))] += v1 * v2
        return out

    def conj(p):
        return {tuple(-x for x in k): v for k, v in p.items()}

    def dot(x, y):  # x^* y
        out = defaultdict(int)
        for xj, yj in zip(x, y):
            for k, v in mul(conj(xj), yj).items():
                out[k] += v
        return out

    for T in range(2, Tmax + 1):
        feats = [[defaultdict(int) for _ in range(d)] for _ in range(8)]
        sT, sT1 = tok(T), tok(T - 1)
        for t in range(1, T + 1):
            st, st1 = tok(t), tok(t - 1)
            P = (dot(st, sT), dot(st, sT1), dot(st1, sT), dot(st1, sT1))
            Q = (st, st1)
            for k in range(4):
                for l in range(2):
                    for i in range(d):
                        for key, v in mul(P[k], Q[l][i]).items():
                            feats[2 * k + l][i][key] += v
        for i in range(d):
            target = tuple(T if q == i else 0 for q in range(d))
            for a in range(8):
                fa = feats[a][i]
                g[a] += fa.get(target, 0)
                for b in range(a, 8):
                    fb = feats[b][i]
                    small, large = (fa, fb) if len(fa) <= len(fb) else (fb, fa)
                    val = sum(v * large.get(k, 0) for k, v in small.items())
                    G[a][b] += val
                    if b != a:
                        G[b][a] += val
    return Assumption2Quadratic(d, Tmax, s0, sympy.Matrix(G), sympy.Matrix(g), sympy.Integer(d * (Tmax - 1)))
