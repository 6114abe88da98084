"""Mutation tests for theory.augmented_attention: model (4), its Laurent forms, Lemma 4, the loss (3) and η*, and
the representability of one GD step (Proposition 1), pinned by hand expansions and by exact evaluation at
Gaussian-rational points of the torus (benchmarks/mutation.md)."""

import dataclasses
from functools import lru_cache

import numpy as np
import pytest
import sympy

from ical_verify.theory import augmented_attention as aa
from ical_verify.theory.errors import DomainError
from ical_verify.theory.laurent import LaurentPolynomial

I = sympy.I
#: a point of the torus |λ| = 1 (d = 2), generic enough that distinct monomials take distinct values
LAM = np.exp(2j * np.pi * np.array([0.1234, 0.3719]))
M = aa.product_symbols()
MS = list(M.values())


def _m(k, l):
    return M[(k, l)]


def _at(p: LaurentPolynomial, lam) -> complex:
    """A Laurent polynomial with numeric coefficients evaluated at the point ``lam``."""
    return sum((complex(c) * np.prod(lam ** np.array(k)) for k, c in p.terms.items()), 0j)


def _seq_at(lam, T, s0):
    """[s_0, ..., s_T] with s_t = λ^(t-1) (NumPy vectors), s_0 by convention."""
    seq = [lam ** (t - 1) for t in range(T + 1)]
    seq[0] = {"backward": seq[0], "zero": np.zeros(len(lam), dtype=complex), "first": seq[1]}[s0]
    return seq


def _close(laurent, values) -> bool:
    return len(laurent) == len(values) and np.allclose([_at(p, LAM) for p in laurent], values, atol=1e-10)


def _terms(p):
    return {k: sympy.expand(v) for k, v in p.terms.items()}


# ----------------------------------------------------------------------------------- constants, validation
def test_conventions_and_lemma4_shifts_are_the_documented_ones():
    assert aa.CONVENTIONS == ("backward", "zero", "first")
    assert aa.ALPHAS == (-1, 0, 1) and aa.BETAS == (-1, 0)


@pytest.mark.parametrize("d, T", [(0, 2), (1.5, 2), (-1, 2), (1, 0), (1, 1.5), (2, -1)])
def test_sequence_refuses_bad_sizes(d, T):
    with pytest.raises(DomainError):
        aa.ar_laurent_sequence(d, T, "zero")


def test_sequence_accepts_the_smallest_sizes_and_refuses_unknown_conventions():
    assert len(aa.ar_laurent_sequence(1, 1, "zero")) == 2               # d = 1, T = 1 = tmin
    with pytest.raises(DomainError):
        aa.ar_laurent_sequence(1, 2, "forward")
    with pytest.raises(DomainError):
        aa.ar_laurent_sequence(1, 2, None)


def test_loss_needs_tmax_at_least_two_and_accepts_two():
    with pytest.raises(DomainError):
        aa.population_loss_products(1, 1, "zero")
    with pytest.raises(DomainError):
        aa.assumption2_quadratic(1, 1, "zero")
    with pytest.raises(DomainError):
        aa.assumption2_quadratic(1, 2, "forward")
    assert aa.assumption2_quadratic(1, 2, "zero").Tmax == 2


# ---------------------------------------------------------------------------------- generic model (4)
def test_augmented_tokens_stack_zero_current_previous():
    s = [sympy.Matrix([1, 2]), sympy.Matrix([3, 4]), sympy.Matrix([5, 6])]
    e = aa.augmented_tokens(s)
    assert [x.T.tolist() for x in e] == [[[0, 0, 3, 4, 1, 2]], [[0, 0, 5, 6, 3, 4]]]
    assert [x.T.tolist() for x in aa.augmented_tokens(s[:2])] == [[[0, 0, 3, 4, 1, 2]]]
    with pytest.raises(DomainError):
        aa.augmented_tokens(s[:1])


def _numpy_model4(A, B, seq):
    """(e_T + sum_t <A e_T | e_t> B e_t)_{1:d}, written directly in NumPy."""
    s = np.array([[complex(x) for x in v] for v in seq])                # (T + 1, d)
    A = np.array(A.tolist(), dtype=complex)
    B = np.array(B.tolist(), dtype=complex)
    d = s.shape[1]
    E = np.concatenate([np.zeros_like(s[1:]), s[1:], s[:-1]], axis=1)   # (T, 3d)
    eT = E[-1]
    out = eT.copy()
    for et in E:
        out = out + (et.conj() @ A @ eT) * (B @ et)
    return out[:d]


def test_model4_output_matches_a_direct_numpy_evaluation_on_complex_data():
    rng = np.random.default_rng(4)
    A = sympy.Matrix(rng.integers(-3, 4, (6, 6)).tolist())
    B = sympy.Matrix(rng.integers(-3, 4, (6, 6)).tolist())
    vals = rng.integers(-3, 4, (4, 2, 2))
    seq = [sympy.Matrix([int(v[0, 0]) + int(v[0, 1]) * I, int(v[1, 0]) + int(v[1, 1]) * I]) for v in vals]
    out = aa.model4_output(A, B, seq)
    assert out.shape == (2, 1)
    assert np.allclose([complex(x) for x in out], _numpy_model4(A, B, seq), atol=1e-9)


def test_construction8_blocks():
    eta = sympy.Symbol("eta")
    A, B = aa.construction8(2, eta)
    eA, eB = sympy.zeros(6, 6), sympy.zeros(6, 6)
    eA[4, 2] = eA[5, 3] = 1
    eB[0, 2] = eB[1, 3] = eta
    assert A == eA and B == eB


def test_assumption2_matrices_blocks_and_sizes():
    a = sympy.symbols("p1:5")
    b = sympy.symbols("q1:3")
    A, B = aa.assumption2_matrices(2, a, b)
    eA, eB = sympy.zeros(6, 6), sympy.zeros(6, 6)
    for r in range(2):
        eA[2 + r, 2 + r], eA[2 + r, 4 + r], eA[4 + r, 2 + r], eA[4 + r, 4 + r] = a
        eB[r, 2 + r], eB[r, 4 + r] = b
    assert A == eA and B == eB
    for bad in (([1, 2, 3], [1, 2]), ([1, 2, 3, 4], [1]), ([1, 2, 3, 4, 5], [1, 2]), ([1, 2, 3, 4], [1, 2, 3])):
        with pytest.raises(DomainError):
            aa.assumption2_matrices(1, *bad)


# ------------------------------------------------------------------------------------------- symbols
def test_parameter_and_product_symbols_names_and_realness():
    a, b = aa.parameter_symbols()
    assert [str(x) for x in a] == ["a1", "a2", "a3", "a4"] and [str(x) for x in b] == ["b1", "b2"]
    assert all(x.is_real is True for x in a + b)
    assert list(M) == [(k, l) for k in range(1, 5) for l in (1, 2)]
    assert [str(s) for s in MS] == ["m11", "m12", "m21", "m22", "m31", "m32", "m41", "m42"]
    assert all(s.is_real is True for s in MS)
    sub = aa.products_to_parameters()
    assert len(sub) == 8
    for (k, l), s in M.items():
        assert sub[s] == sympy.Symbol(f"a{k}", real=True) * sympy.Symbol(f"b{l}", real=True)


# ------------------------------------------------------------------------------------- Laurent engine
def test_ar_laurent_sequence_exponents_for_each_convention():
    for s0, first in (("backward", {(-1, 0): 1}), ("zero", {}), ("first", {(0, 0): 1})):
        seq = aa.ar_laurent_sequence(2, 3, s0)
        assert len(seq) == 4 and all(len(s) == 2 for s in seq)
        assert seq[0][0].terms == first
        assert seq[0][1].terms == {tuple(reversed(k)): v for k, v in first.items()}
        for t in range(1, 4):
            assert seq[t][0].terms == {(t - 1, 0): 1} and seq[t][1].terms == {(0, t - 1): 1}


def test_ar_laurent_tokens_are_current_then_previous():
    e = aa.ar_laurent_tokens(2, 3, "backward")
    assert len(e) == 3 and all(len(x) == 4 for x in e)
    for t, et in enumerate(e, start=1):
        assert [x.terms for x in et] == [{(t - 1, 0): 1}, {(0, t - 1): 1}, {(t - 2, 0): 1}, {(0, t - 2): 1}]
    assert [x.terms for x in aa.ar_laurent_tokens(1, 2, "zero")[0]] == [{(0,): 1}, {}]


#: hand expansion of model (4) under Assumptions 1-2, d = 1, T = 2 (s_1 = 1, s_2 = λ), by exponent of λ
HAND_D1T2 = {
    "backward": {(-1,): 2 * _m(2, 2), (0,): 2 * (_m(1, 2) + _m(2, 1) + _m(4, 2)),
                 (1,): 2 * (_m(1, 1) + _m(3, 2) + _m(4, 1)), (2,): 2 * _m(3, 1)},
    "zero": {(-1,): _m(2, 2), (0,): _m(1, 2) + 2 * _m(2, 1) + _m(4, 2), (1,): 2 * _m(1, 1) + _m(3, 2) + _m(4, 1),
             (2,): _m(3, 1)},
    "first": {(-1,): _m(2, 2), (0,): _m(1, 2) + 2 * _m(2, 1) + _m(2, 2) + _m(4, 1) + 2 * _m(4, 2),
              (1,): 2 * _m(1, 1) + _m(1, 2) + _m(3, 1) + 2 * _m(3, 2) + _m(4, 1), (2,): _m(3, 1)},
}


@pytest.mark.parametrize("s0", aa.CONVENTIONS)
def test_model4_laurent_output_hand_expansion_d1_t2(s0):
    out = aa.model4_laurent_output(1, 2, s0)
    assert len(out) == 1 and _terms(out[0]) == HAND_D1T2[s0]


#: a coefficient table with zeros (before non-zeros in l) and ones, not of rank one
TABLE = {(1, 1): 0, (1, 2): 3, (2, 1): 1, (2, 2): -2, (3, 1): 5, (3, 2): 0, (4, 1): -1, (4, 2): 2}


@pytest.mark.parametrize("s0", aa.CONVENTIONS)
def test_model4_laurent_output_equals_the_generic_model_at_a_torus_point(s0):
    """d = 2, T = 3; the table is split into its two columns (b = e_1, e_2), model (4) being bilinear."""
    d, T = 2, 3
    lau = aa.model4_laurent_output(d, T, s0, coefficient=lambda k, l: TABLE[(k, l)])
    seq = _seq_at(LAM, T, s0)
    generic = np.zeros(d, dtype=complex)
    for l, b in ((1, [1, 0]), (2, [0, 1])):
        A, B = aa.assumption2_matrices(d, [TABLE[(k, l)] for k in range(1, 5)], b)
        generic += _numpy_model4(A, B, seq)
    assert _close(lau, generic)


# ----------------------------------------------------------------------------------------------- Lemma 4
def test_lemma4_printed_coefficients():
    c = aa.lemma4_coefficients()
    assert c == {(0, 0): _m(1, 1) + _m(4, 1), (0, -1): _m(1, 2) + _m(4, 2), (1, 0): _m(2, 1), (1, -1): _m(2, 2),
                 (-1, 0): _m(3, 1), (-1, -1): _m(3, 2)}
    swapped = aa.lemma4_coefficients({0: (2,), 1: (1, 4), -1: (3,)})
    assert swapped[(1, 0)] == _m(1, 1) + _m(4, 1) and swapped[(0, -1)] == _m(2, 2)
    assert aa.lemma4_coefficients({0: (), 1: (2,), -1: (3,)})[(0, 0)] == 0


def test_lemma4_laurent_output_hand_values():
    """d = 1, T = 2: both t give λ^(1 - α + β); d = 2 with t_range and custom coefficients."""
    out = aa.lemma4_laurent_output(1, 2)
    assert len(out) == 1 and _terms(out[0]) == HAND_D1T2["backward"]
    one = aa.lemma4_laurent_output(1, 2, t_range=[1])
    assert _terms(one[0]) == {k: v / 2 for k, v in HAND_D1T2["backward"].items()}
    x = sympy.Symbol("x")
    c = {(al, be): 0 for al in aa.ALPHAS for be in aa.BETAS}
    c[(1, -1)] = x                                              # λ_j^(T - t - 1) λ_i^(t - 2)
    two = aa.lemma4_laurent_output(2, 3, coefficients=c)
    # t = 1, 2, 3 and j = 1, 2: exponents (T-t-1) e_j + (t-2) e_i, i = 1
    expect = {}
    for t in (1, 2, 3):
        for j in (0, 1):
            k = [0, 0]
            k[j] += 3 - t - 1
            k[0] += t - 2
            expect[tuple(k)] = expect.get(tuple(k), 0) + x
    assert _terms(two[0]) == expect and len(two) == 2


def test_lemma4_form_equals_model4_under_backward_at_d2():
    model = aa.model4_laurent_output(2, 3, "backward")
    printed = aa.lemma4_laurent_output(2, 3)
    assert aa.coordinate_mismatches(model, printed) == 0


# ------------------------------------------------------------------------------------------- loss (3)
def test_target_is_lambda_to_the_T():
    assert [p.terms for p in aa.target_laurent(2, 3)] == [{(3, 0): 1}, {(0, 3): 1}]


def test_population_loss_products_by_hand_d1_tmax2():
    for s0, out in HAND_D1T2.items():
        expect = sum(((v - (1 if k == (2,) else 0)) ** 2 for k, v in out.items()), sympy.Integer(0))
        assert sympy.expand(aa.population_loss_products(1, 2, s0) - expect) == 0
    a, b = aa.parameter_symbols()
    expect = sympy.expand(sum(((v - (1 if k == (2,) else 0)) ** 2 for k, v in HAND_D1T2["zero"].items()),
                              sympy.Integer(0)).subs({M[(k, l)]: a[k - 1] * b[l - 1] for (k, l) in M}))
    assert sympy.expand(aa.population_loss(1, 2, "zero") - expect) == 0


def _hand_quadratic(s0):
    """G, g, c0 of the d = 1, T_max = 2 loss from the hand expansion: feature vectors per monomial."""
    feats = [[sympy.Poly(v, *MS).coeff_monomial(s) for s in MS] for v in HAND_D1T2[s0].values()]
    G = sum((sympy.Matrix(f) * sympy.Matrix(f).T for f in feats), sympy.zeros(8, 8))
    g = sympy.Matrix(feats[list(HAND_D1T2[s0]).index((2,))])
    return G, g, 1


@pytest.mark.parametrize("s0", aa.CONVENTIONS)
def test_assumption2_quadratic_by_hand_d1_tmax2(s0):
    q = aa.assumption2_quadratic(1, 2, s0)
    G, g, c0 = _hand_quadratic(s0)
    assert (q.d, q.Tmax, q.s0) == (1, 2, s0)
    assert q.G.shape == (8, 8) and q.g.shape == (8, 1)
    assert q.G == G and q.g == g and q.c0 == c0


@lru_cache(maxsize=None)
def _loss(d, Tmax, s0):
    return aa.population_loss_products(d, Tmax, s0)


@pytest.mark.parametrize("s0", ["backward", "zero"])
def test_assumption2_quadratic_equals_the_laurent_loss_at_d2_tmax3(s0):
    q = aa.assumption2_quadratic(2, 3, s0)
    m = sympy.Matrix(MS)
    assert q.c0 == 4
    assert sympy.expand(q.c0 - 2 * (q.g.T * m)[0, 0] + (m.T * q.G * m)[0, 0] - _loss(2, 3, s0)) == 0


def test_quadratic_loss_and_gd_form_minimum():
    """Backward, d = 2, T_max = 3: per-T GD-form loss d(K η² - 2 J η + 1), K = T(T + d - 1), J = T (by hand), so
    G_33 = 2(6 + 12) = 36, g_3 = 2(2 + 3) = 10, η = 5/18, minimum 4 - 100/36 = 11/9."""
    q = aa.assumption2_quadratic(2, 3, "backward")
    assert q.gd_form_minimum() == (sympy.Rational(11, 9), sympy.Rational(5, 18))
    z = aa.assumption2_quadratic(1, 2, "zero")
    a, b = [1, 2, -1, 3], [2, -1]
    m = {(k, l): a[k - 1] * b[l - 1] for k in range(1, 5) for l in (1, 2)}
    expect = sum(((v.subs({M[key]: val for key, val in m.items()}) - (1 if k == (2,) else 0)) ** 2
                  for k, v in HAND_D1T2["zero"].items()), sympy.Integer(0))
    assert z.loss(a, b) == expect
    assert z.loss([0, 0, sympy.Rational(1, 2), 0], [1, 0]) == sympy.Rational(1, 4)


def test_quadratic_type_is_frozen():
    q = aa.assumption2_quadratic(1, 2, "zero")
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.c0 = 0


# ---------------------------------------------------------------------------------------- relaxed minimum
def test_relaxed_minimum_of_a_degenerate_quadratic():
    loss = (_m(1, 1) + _m(1, 2) - 2) ** 2 + (_m(3, 1) - 1) ** 2 + 3
    r = aa.relaxed_minimum(loss)
    assert r.value == 3 and r.hessian_rank == 2
    assert r.particular == {s: (2 if s == _m(1, 1) else 1 if s == _m(3, 1) else 0) for s in MS}
    unit = {s: {q: (1 if q == s else 0) for q in MS} for s in MS}
    m12 = dict(unit[_m(1, 2)])
    m12[_m(1, 1)] = -1
    expected = [m12] + [unit[s] for s in (_m(2, 1), _m(2, 2), _m(3, 2), _m(4, 1), _m(4, 2))]
    assert r.null_directions == expected
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.value = 0


# ------------------------------------------------------------------------------------------------- η*
def test_gd_form_loss_by_hand():
    """Zero padding: ((T-1)η - 1)² + (d-1)(T-1)η² per coordinate; backward: (Tη - 1)² + (d-1)Tη²; s_0 = s_1 at
    d = 1, T = 2: output η(λ + λ²)."""
    eta = sympy.Symbol("eta", real=True)
    assert aa.gd_form_loss(1, 2, "zero").free_symbols == {eta}
    assert sympy.expand(aa.gd_form_loss(2, 3, "zero") - 2 * ((2 * eta - 1) ** 2 + 2 * eta ** 2)) == 0
    assert sympy.expand(aa.gd_form_loss(2, 3, "backward", eta) - 2 * ((3 * eta - 1) ** 2 + 3 * eta ** 2)) == 0
    assert sympy.expand(aa.gd_form_loss(1, 2, "first", eta) - (eta ** 2 + (eta - 1) ** 2)) == 0
    assert aa.gd_form_loss(1, 2, "zero", sympy.Rational(1, 2)) == sympy.Rational(1, 4)


@pytest.fixture(scope="module")
def eta_zero():
    return aa.derive_eta_star("zero")


def test_derived_eta_star_under_zero_padding(eta_zero):
    """K = (T-1)(T+d-2), J = T-1 (hand expansion above); η* = Σ(T-1)/Σ(T-1)(T+d-2) = 3/(2T_max + 3d - 4)."""
    T, d, Tm = aa.T_SYM, aa.D_SYM, aa.TMAX_SYM
    e = eta_zero
    assert e.convention == "zero"
    assert sympy.expand(e.K - (T - 1) * (T + d - 2)) == 0 and sympy.expand(e.J - (T - 1)) == 0
    assert sympy.simplify(e.eta_star - 3 / (2 * Tm + 3 * d - 4)) == 0
    assert e.limit == sympy.Rational(3, 2)
    assert e.grid == [(T_, d_) for T_ in (2, 3, 4) for d_ in (1, 2, 3)]
    assert e.held_out == [(5, 4), (6, 2), (7, 1)]
    assert {str(s) for s in e.K.free_symbols} == {"T", "d"}
    assert {str(s) for s in e.eta_star.free_symbols} == {"T_max", "d"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.K = 0


def test_eta_symbols_are_positive_integers():
    assert [str(s) for s in (aa.T_SYM, aa.D_SYM, aa.TMAX_SYM)] == ["T", "d", "T_max"]
    assert all(s.is_positive is True and s.is_integer is True for s in (aa.T_SYM, aa.D_SYM, aa.TMAX_SYM))


def test_interpolation_on_too_small_a_grid_is_refused():
    """Linear in T cannot reproduce K (quadratic in T), while J (linear) still fits: the held-out check must fail."""
    with pytest.raises(DomainError):
        aa.derive_eta_star("zero", grid_T=(2, 3), grid_d=(1, 2), held_out=((5, 2),))
    with pytest.raises(DomainError):
        aa.derive_eta_star("forward")


def test_printed_eta_star_values():
    """Σ_{T=2}^{3} T = 5 and Σ_{T=2}^{3} (T² + (d-1)T) at d = 2: 6 + 12 = 18; at d = 3, T_max = 4:
    9 / (2+3 + 6+... ) = (2+3+4) / ((4+4) + (9+6) + (16+8))."""
    assert aa.printed_eta_star(2, 3) == sympy.Rational(5, 18)
    assert aa.printed_eta_star(3, 4) == sympy.Rational(9, 8 + 15 + 24)


# -------------------------------------------------------------------------------------- coordinate_mismatches
def test_coordinate_mismatches_counts_monomials():
    l, = LaurentPolynomial.variables(1)
    assert aa.coordinate_mismatches([l], [l]) == 0
    assert aa.coordinate_mismatches([l + 1], [l - 1]) == 1
    assert aa.coordinate_mismatches([2 * l + 3], [l]) == 2
    assert aa.coordinate_mismatches([l, l], [l + 1, l + 1]) == 2
    assert aa.coordinate_mismatches([l + 1, l], [l - 1]) == 2
    assert aa.coordinate_mismatches([l], []) == 1
    assert aa.coordinate_mismatches([], [LaurentPolynomial(1)]) == 1
    assert aa.coordinate_mismatches([l], [l, l + l ** 2 + 3]) == 3


# -------------------------------------------------------------------------------- heads, GD step (Prop. 1)
def test_general_parameter_matrices_names_shapes_realness():
    Bp, At = aa.general_parameter_matrices(2)
    assert Bp.shape == (2, 4) and At.shape == (4, 4)
    assert str(Bp[1, 3]) == "B_1_3" and str(At[3, 2]) == "A_3_2"
    assert all(s.is_real is True for s in list(Bp) + list(At))
    Bx, Ax = aa.general_parameter_matrices(1, "x")
    assert [str(s) for s in Bx] == ["Bx_0_0", "Bx_0_1"] and str(Ax[1, 0]) == "Ax_1_0"


def test_embed_parameters_places_the_blocks():
    Bp = sympy.Matrix(2, 4, list(range(1, 9)))
    At = sympy.Matrix(4, 4, list(range(11, 27)))
    A, B = aa.embed_parameters(2, Bp, At)
    assert A.shape == B.shape == (6, 6)
    assert A[2:, 2:] == At and A[:2, :] == sympy.zeros(2, 6) and A[:, :2] == sympy.zeros(6, 2)
    assert B[:2, 2:] == Bp and B[2:, :] == sympy.zeros(4, 6) and B[:, :2] == sympy.zeros(6, 2)


HEADS = [(sympy.Matrix([[1, 0, 2, -1], [0, 3, 1, 1]]),
          sympy.Matrix([[1, 0, 2, 0], [0, -1, 1, 3], [2, 1, 0, 0], [0, 0, 1, 1]])),
         (sympy.Matrix([[0, 1, 0, 2], [1, 1, 0, 0]]), sympy.Matrix([[0, 1, 0, 0], [1, 0, 0, 2], [0, 0, 3, 0],
                                                                    [1, 0, 0, -1]]))]


def _heads_at(lam, T, s0, heads):
    """Σ_h B'_h M_T Ã_h ẽ_T at the point, M_T = Σ_t ẽ_t ẽ_t^*, ẽ_t = (s_t, s_{t-1}) (NumPy)."""
    seq = _seq_at(lam, T, s0)
    e = [np.concatenate([seq[t], seq[t - 1]]) for t in range(1, T + 1)]
    Mt = sum(np.outer(x, x.conj()) for x in e)                          # (2d, 2d)
    return sum(np.array(Bp.tolist(), dtype=float) @ Mt @ np.array(At.tolist(), dtype=float) @ e[-1]
               for Bp, At in heads)


@pytest.mark.parametrize("s0", aa.CONVENTIONS)
def test_heads_output_equals_direct_evaluation_at_a_torus_point(s0):
    assert _close(aa.model4_heads_laurent_output(2, 3, s0, HEADS), _heads_at(LAM, 3, s0, HEADS))
    assert _close(aa.model4_heads_laurent_output(2, 3, s0, HEADS[:1]), _heads_at(LAM, 3, s0, HEADS[:1]))


W0 = sympy.Matrix([[1, 0], [2, -3]])


def _gd_at(lam, T, s0, W, eta, first):
    """(W - η ∇L(W)) s_T with ∇L = W S - Y, S = Σ s_t s_t^*, Y = Σ s_{t+1} s_t^*, t = first..T-1 (NumPy)."""
    s = _seq_at(lam, T, s0)
    S = sum(np.outer(s[t], s[t].conj()) for t in range(first, T))
    Y = sum(np.outer(s[t + 1], s[t].conj()) for t in range(first, T))
    W = np.array(W.tolist(), dtype=float)
    return (W - float(eta) * (W @ S - Y)) @ s[T]


@pytest.mark.parametrize("s0, first", [("zero", 1), ("backward", 1), ("backward", 0), ("first", 0), ("first", 1)])
def test_gd_step_output_equals_gradient_step_at_a_torus_point(s0, first):
    eta = sympy.Rational(2, 7)
    assert _close(aa.gd_step_laurent_output(2, 3, s0, W0, eta, first=first), _gd_at(LAM, 3, s0, W0, eta, first))


def test_gd_step_default_starts_at_t1_and_first_is_validated():
    eta = sympy.Rational(2, 7)
    assert _close(aa.gd_step_laurent_output(2, 3, "backward", W0, eta), _gd_at(LAM, 3, "backward", W0, eta, 1))
    for bad in (2, -1):
        with pytest.raises(DomainError):
            aa.gd_step_laurent_output(1, 2, "zero", sympy.Matrix([[0]]), 1, first=bad)


def test_representation_equations_by_hand_d1_t2():
    """M_2 = [[2, λ], [λ̄, 1]] (zero padding); the output's coefficients minus η Y_2 s_2 = λ² (W_0 = 0, η = 1)."""
    Bp, At = aa.general_parameter_matrices(1)
    b0, b1 = Bp
    a00, a01, a10, a11 = At
    eqs = aa.representation_equations(1, [2], "zero", sympy.Matrix([[0]]), 1)
    expect = {b0 * a10 - 1, 2 * b0 * a00 + b0 * a11 + b1 * a10, 2 * b0 * a01 + b1 * a00 + b1 * a11, b1 * a01}
    assert len(eqs) == 4 and {sympy.expand(e) for e in eqs} == {sympy.expand(e) for e in expect}
    zero_head = [(sympy.zeros(1, 2), sympy.zeros(2, 2))]
    assert aa.representation_equations(1, [2], "zero", sympy.Matrix([[0]]), -1, zero_head) == [1]
    A, B = aa.construction8(1, 1)
    assert aa.representation_equations(1, [2, 3], "zero", sympy.Matrix([[0]]), 1, [(B[:1, 1:], A[1:, 1:])]) == []


def test_single_head_feasibility_decisions():
    ok = aa.single_head_feasibility(1, [2, 3], "zero", sympy.Matrix([[1]]), sympy.Rational(1, 3))
    assert ok.feasible is True and "B_0_0 - 1" in ok.groebner_normalised and ok.groebner_normalised != ["1"]
    assert ok.groebner_zero == ["1"] and ok.n_unknowns == 6
    assert ok.n_equations == len(aa.representation_equations(1, [2, 3], "zero", sympy.Matrix([[1]]),
                                                             sympy.Rational(1, 3)))
    no = aa.single_head_feasibility(1, [2, 3], "backward", sympy.Matrix([[1]]), sympy.Rational(1, 3))
    assert no.feasible is False and no.groebner_normalised == ["1"] and no.groebner_zero == ["1"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        no.feasible = True


def test_single_head_feasibility_with_unknown_step_size():
    """η symbolic, η ≠ 0: construction (8) exists under zero padding from W_0 = 0; nothing fits backward (with
    η = 0 allowed, the zero head would fit W_0 = 0)."""
    eta = sympy.Symbol("eta")
    yes = aa.single_head_feasibility(1, [2, 3], "zero", sympy.Matrix([[0]]), eta)
    no = aa.single_head_feasibility(1, [2, 3], "backward", sympy.Matrix([[0]]), eta)
    assert yes.feasible is True and no.feasible is False
    assert yes.n_unknowns == 6 and no.groebner_normalised == ["1"] and no.groebner_zero == ["1"]
    assert not any("eta" in g for g in yes.groebner_zero)


def test_one_head_construction_matrices():
    Bp, At = aa.one_head_construction(2, [2, -3], 5)
    assert Bp == sympy.Matrix([[1, 0, -2, 3], [0, 1, -2, 3]])
    assert At == sympy.Matrix([[2, 0, 0, 0], [0, -3, 0, 0], [5, 0, -2, 0], [0, 5, 0, 3]])


def test_two_head_construction_matrices():
    W = sympy.Matrix([[1, 2], [3, 4]])
    eta = sympy.Rational(1, 3)
    (B1, A1), (B2, A2) = aa.two_head_construction(2, W, eta)
    assert B1 == sympy.Matrix([[sympy.Rational(1, 2), 1, 0, 0], [sympy.Rational(3, 2), 2, 0, 0]])
    assert A1 == sympy.diag(1, 1, 0, 0)
    c = -(sympy.Rational(1, 2) + eta)
    assert B2 == sympy.Matrix([[eta, 0, c, 2 * c], [0, eta, 3 * c, 4 * c]])
    assert A2 == sympy.Matrix([[0, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0]])


# --------------------------------------------------------------------------- any number of heads, exactly
def _numeric_ranks(d, Ts, s0, free_w0, rng):
    """Ranks of "K-model (+ free W_0 parts) = Y_T s_T" by evaluation at random torus points (another method than
    the coefficient comparison: the evaluation map is injective on Laurent polynomials with few monomials)."""
    D = 2 * d
    nK = d * D ** 3
    ncols = nK + (2 * d * d if free_w0 else 0)
    rows, rhs = [], []
    for T in Ts:
        for _ in range(60):
            lam = np.exp(2j * np.pi * rng.random(d))
            s = [lam ** (t - 1) for t in range(T + 1)]
            s[0] = {"backward": s[0], "zero": np.zeros(d), "first": s[1]}[s0]
            e = [np.concatenate([s[t], s[t - 1]]) for t in range(1, T + 1)]
            Mt = sum(np.outer(x, x.conj()) for x in e)                   # (D, D)
            K = np.einsum("mj,k->mjk", Mt, e[-1])                         # (D, D, D)
            S = sum(np.outer(s[t], s[t].conj()) for t in range(1, T))    # (d, d)
            Y = sum(np.outer(s[t + 1], s[t].conj()) for t in range(1, T))
            for i in range(d):
                row = np.zeros(ncols, dtype=complex)
                row[i * D ** 3:(i + 1) * D ** 3] = K.reshape(-1)
                if free_w0:
                    row[nK + i * d:nK + (i + 1) * d] = s[T]
                    row[nK + d * d + i * d:nK + d * d + (i + 1) * d] = S @ s[T]
                rows.append(row)
                rhs.append((Y @ s[T])[i])
    A = np.array(rows)
    r1 = np.linalg.matrix_rank(A, tol=1e-8)
    r2 = np.linalg.matrix_rank(np.column_stack([A, rhs]), tol=1e-8)
    return r1, r2


def test_any_heads_representability_by_hand_d1():
    """d = 1: kernel columns (m, j, k) give λ^(T-1-m+j-k); offsets -2..1 at T = 2, 3: 8 rows, 8 + 2 columns.
    Backward: every column is T at one offset: rank 4, + U s_T (1, 1) at offset 0: 5; Y_T s_T = (T-1)λ^T is not a
    multiple of (2, 3): 6. Zero padding: columns with m = j = 0 count T, the others T - 1: rank 6, consistent."""
    b = aa.any_heads_representability(1, [2, 3], "backward")
    assert (b.consistent, b.rank_model, b.rank_augmented, b.rows, b.columns) == (False, 5, 6, 8, 10)
    z = aa.any_heads_representability(1, [2, 3], "zero")
    assert (z.consistent, z.rank_model, z.rank_augmented, z.rows, z.columns) == (True, 6, 6, 8, 10)
    z0 = aa.any_heads_representability(1, [2, 3], "zero", free_w0=False)
    assert (z0.consistent, z0.rank_model, z0.rows, z0.columns) == (True, 6, 8, 8)
    b0 = aa.any_heads_representability(1, [2, 3], "backward", free_w0=False)
    assert (b0.consistent, b0.rank_model, b0.rank_augmented, b0.columns) == (False, 4, 5, 8)
    with pytest.raises(dataclasses.FrozenInstanceError):
        b.rows = 0
    with pytest.raises(DomainError):
        aa.any_heads_representability(1, [1, 2], "zero")
    with pytest.raises(DomainError):
        aa.any_heads_representability(1, [2], "forward")


@pytest.mark.parametrize("s0, free_w0", [("first", True), ("zero", True), ("backward", True), ("first", False)])
def test_any_heads_ranks_match_evaluation_at_torus_points_d2(s0, free_w0):
    r = aa.any_heads_representability(2, [2, 3], s0, free_w0=free_w0)
    r1, r2 = _numeric_ranks(2, [2, 3], s0, free_w0, np.random.default_rng(7))
    assert (r.rank_model, r.rank_augmented, r.consistent) == (r1, r2, r1 == r2)
    assert r.columns == 2 * 4 ** 3 + (8 if free_w0 else 0)


def test_any_heads_ranks_match_evaluation_d1_first():
    r = aa.any_heads_representability(1, [2, 3], "first")
    assert (r.rank_model, r.rank_augmented) == _numeric_ranks(1, [2, 3], "first", True, np.random.default_rng(8))


# ----------------------------------------------------------------------------- feasible initialisations
def test_feasible_initialisations_zero_and_backward_d1():
    """Zero padding: every W_0 (dimension 1, no constraint); 6 distinct kernel columns (see the rank test), 8 rows.
    Backward: inconsistent (dimension -1), 4 distinct kernel columns (one per offset)."""
    z = aa.feasible_initialisations(1, [2, 3], "zero", sympy.Rational(1, 3))
    assert (z.consistent, z.dimension, z.constraints, z.rank_model, z.rows, z.columns) == (True, 1, [], 6, 8, 7)
    b = aa.feasible_initialisations(1, [2, 3], "backward", 0.5)
    assert (b.consistent, b.dimension, b.rank_model, b.rows, b.columns) == (False, -1, 4, 8, 5)
    # offset 0 (λ^(T-1)): 2k - w/2 = 0 at T = 2 and 3k + 0 w = 0 at T = 3, so w = 0; the rhs row is no constraint
    assert b.constraints == [["1", "0"]]
    assert not b.contains([[0]]) and not b.contains([[1]])
    with pytest.raises(DomainError):
        aa.feasible_initialisations(1, [2], "forward", 1)
    with pytest.raises(DomainError):
        aa.feasible_initialisations(1, [1], "zero", 1)


@pytest.mark.parametrize("d, expected", [
    (1, [["1", "1/4"]]),                                     # κ = dη/(1 + dη) = 1/4 at η = 1/3
    (2, [["1", "1", "0", "0", "2/5"], ["0", "0", "1", "1", "2/5"]]),   # W_0 1 = (2/5) 1
])
def test_feasible_initialisations_first_convention_constraints(d, expected):
    F = aa.feasible_initialisations(d, (2, 3, 4), "first", sympy.Rational(1, 3))
    assert F.consistent and F.constraints == expected and F.dimension == d * d - d
    assert F.columns == F.rank_model + (F.columns - F.rank_model) and F.columns > d * d
    r1, _ = _numeric_ranks(d, (2, 3, 4), "first", False, np.random.default_rng(9))
    assert F.rank_model == r1
    if d == 2:
        assert F.contains(sympy.Matrix([[sympy.Rational(2, 5), 0], [1, sympy.Rational(-3, 5)]]))
        assert not F.contains(sympy.Matrix([[sympy.Rational(2, 5), 0], [1, 0]]))
        assert not F.contains(sympy.zeros(2, 2))


def test_feasible_initialisations_zero_d2_reaches_everything():
    F = aa.feasible_initialisations(2, [2, 3], "zero", sympy.Rational(1, 3))
    assert (F.consistent, F.dimension, F.constraints) == (True, 4, [])
    r1, _ = _numeric_ranks(2, [2, 3], "zero", False, np.random.default_rng(10))
    assert F.rank_model == r1
    assert F.rows == aa.any_heads_representability(2, [2, 3], "zero").rows
    assert F.contains(sympy.Matrix([[3, -1], [0, 2]]))


def test_contains_checks_every_constraint_exactly():
    F = aa.FeasibleInitialisations(True, 2, [["2", "-1", "0", "3", "5"], ["0", "1", "1", "0", "1/2"]], 0, 0, 0)
    assert F.contains([[3, 1], [sympy.Rational(-1, 2), 0]])           # 6 - 1 + 0 = 5; 1 - 1/2 = 1/2
    assert F.contains([[1, 0], [sympy.Rational(1, 2), 1]])            # 2 + 3 = 5; 1/2
    assert not F.contains([[1, 0], [0, 1]])                           # second row: 0 != 1/2
    assert not F.contains([[0, 0], [0, 0]])
    assert not F.contains([[2, 0], [sympy.Rational(1, 2), 0]])        # first row: 4 != 5
    assert F.contains([[0.5, 0], [0.5, sympy.Rational(4, 3)]])        # floats read exactly: 1 + 4 = 5
    assert not aa.FeasibleInitialisations(False, -1, [], 0, 0, 0).contains([[1, 0], [0, 1]])
    with pytest.raises(dataclasses.FrozenInstanceError):
        F.consistent = False


def test_zero_branch_basis_is_that_of_the_whole_system():
    """η = 0, W_0 = 1, zero padding: with B'_11 = 0 the equations of T = 2 alone have solutions, those of T = 2, 3
    together have none; the zero-branch basis must be the whole system's ([1]), not the first T's."""
    r = aa.single_head_feasibility(1, [2, 3], "zero", sympy.Matrix([[1]]), 0)
    assert r.feasible is True and r.groebner_zero == ["1"]
    Bp, At = aa.general_parameter_matrices(1)
    first = aa.representation_equations(1, [2], "zero", sympy.Matrix([[1]]), 0, [(Bp, At)])
    assert sympy.groebner(first + [Bp[0, 0]], *Bp, *At, order="grevlex").exprs != [1]


def test_unknown_step_size_is_constrained_nonzero_by_z_eta_equal_one():
    r = aa.single_head_feasibility(1, [2, 3], "zero", sympy.Matrix([[0]]), sympy.Symbol("eta"))
    assert "_z*eta - 1" in r.groebner_normalised and "B_0_0 - 1" in r.groebner_normalised
