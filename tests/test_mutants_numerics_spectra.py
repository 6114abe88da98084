"""Mutation tests for numerics.spectra (Proposition 7): the printed matrix and loss (7) against their closed forms
(l(p) = p^T H p - 2 b^T p + 1 with H the printed matrix), the Gauss-Legendre rule, the sweep's ordering,
reliability flag and condition numbers, the mpmath matrices, and the interval Cholesky certificate and the
not-PD witness on small matrices whose pivots and quadratic forms are computed independently by LAPACK
(benchmarks/mutation.md)."""

import math
import warnings

import mpmath
import numpy as np
import pytest
from mpmath import iv

from ical_verify.numerics import spectra as S
from ical_verify.numerics.errors import DomainError

EPS = np.finfo(np.float64).eps


def _entry(k, mu):
    """The printed off-diagonal entry sin(4 pi k / mu) / (4 pi k / mu) (np.sinc(x) = sin(pi x) / (pi x))."""
    return float(np.sinc(4.0 * k / mu))


def _printed(T, mu):
    k = np.subtract.outer(np.arange(T), np.arange(T))
    return np.sinc(4.0 * k / mu)


def _loss7(p, mu):
    """(7) expanded: mean over theta of |sum_t p_t e^{i(2t-T)theta/mu} - e^{iT theta/mu}|^2 = p^T H p - 2 b^T p + 1
    with b_t = Re mean e^{i(2t-2T)theta/mu} = the printed entry at k = T - t."""
    p = np.asarray(p, dtype=float)
    T = len(p)
    b = np.array([_entry(T - t, mu) for t in range(1, T + 1)])
    return float(p @ _printed(T, mu) @ p - 2 * b @ p + 1)


# ---------------------------------------------------------------------------------------- domain
@pytest.mark.parametrize("T, mu", [(0, 8.0), (1.5, 8.0), (2, 0.999), (-1, 8.0)])
def test_out_of_range_T_or_mu_is_refused(T, mu):
    with pytest.raises(DomainError):
        S.printed_matrix(T, mu)


def test_smallest_admissible_T_and_mu():
    assert S.printed_matrix(1, 1.0).tolist() == [[1.0]]
    assert np.allclose(S.printed_matrix(2, 1.5), [[1, _entry(1, 1.5)], [_entry(1, 1.5), 1]], atol=1e-15)


# ---------------------------------------------------------------------------------- printed matrix
def test_printed_matrix_entries_are_the_sinc_of_4_pi_k_over_mu():
    a, b = 2 * math.sqrt(2) / math.pi, 2 / math.pi                    # k = 1, 2 at mu = 16
    expected = np.array([[1, a, b], [a, 1, a], [b, a, 1]])
    assert np.allclose(S.printed_matrix(3, 16.0), expected, rtol=0, atol=1e-15)
    assert np.allclose(S.printed_matrix(3, 16.0, factor=2.0), 2 * expected, rtol=0, atol=1e-15)
    assert np.allclose(S.printed_matrix(5, 7.3), _printed(5, 7.3), rtol=0, atol=1e-15)


# ---------------------------------------------------------------------------------------- loss (7)
P3 = np.array([0.3, -0.7, 0.5])


@pytest.mark.parametrize("p, mu", [(P3, 5.0), (np.array([1.2, 0.4]), 2.5), (np.array([0.0, 0.0, 0.0]), 9.0)])
def test_adaptive_quadrature_loss_is_the_closed_form(p, mu):
    assert S.loss7_quadrature(p, mu) == pytest.approx(_loss7(p, mu), abs=1e-12)


def test_gauss_loss_is_the_closed_form_row_by_row():
    P = np.array([P3, [0.0, 0.0, 1.0], [1.0, 2.0, -1.0]])
    got = S.loss7_gauss(P, 5.0)
    assert got.shape == (3,)
    assert np.allclose(got, [_loss7(p, 5.0) for p in P], rtol=0, atol=1e-12)
    one = S.loss7_gauss(np.array([1.2, 0.4]), 2.5)                      # one p (T,) -> (1,)
    assert one.shape == (1,) and one[0] == pytest.approx(_loss7([1.2, 0.4], 2.5), abs=1e-12)


def test_gauss_nodes_default_count_and_the_three_point_rule():
    phi, w = S.gauss_nodes(3, 4.0)
    assert len(phi) == len(w) == 8 * 3 + 48
    alpha = 2 * np.pi / 4.0
    assert 0 < phi.min() and phi.max() < alpha and w.sum() == pytest.approx(1.0, abs=1e-14)
    phi, w = S.gauss_nodes(3, 4.0, 3)                                   # x = 0, +-sqrt(3/5); w = 5/9, 8/9
    r = math.sqrt(3 / 5)
    assert np.allclose(phi, [alpha * (1 - r) / 2, alpha / 2, alpha * (1 + r) / 2], rtol=0, atol=1e-15)
    assert np.allclose(w, [5 / 18, 4 / 9, 5 / 18], rtol=0, atol=1e-15)


# ----------------------------------------------------------------------------------------- Hessians
def test_hessian_by_differences_is_twice_the_printed_matrix():
    H = S.hessian_by_differences(2, 8.0)
    assert np.allclose(H, 2 * _printed(2, 8.0), rtol=0, atol=1e-10)
    assert np.array_equal(H, S.hessian_by_differences(2, 8.0, h=0.5))   # the default step is h = 0.5
    assert np.allclose(S.hessian_by_differences(2, 8.0, h=0.25), H, rtol=0, atol=1e-9)   # divided by 4h^2


def test_hessian_quadrature_is_twice_the_printed_matrix():
    H = S.hessian_quadrature(3, 5.0)
    assert np.allclose(H, 2 * _printed(3, 5.0), rtol=0, atol=1e-12)
    assert np.array_equal(H, S.hessian_quadrature(3, 5.0, h=0.5))       # the default step is h = 0.5
    assert np.allclose(S.hessian_quadrature(3, 5.0, h=0.25), H, rtol=0, atol=1e-11)       # divided by 4h^2
    assert np.allclose(S.hessian_quadrature(1, 3.0), [[2.0]], atol=1e-13)


def test_weyl_limit_bound_is_the_frobenius_distance_to_c_times_ones():
    assert S.weyl_limit_bound([[1, 2], [3, 4]], 1.0) == pytest.approx(math.sqrt(14), abs=1e-15)
    assert S.weyl_limit_bound([[1, 2], [3, 4]], 2.0) == pytest.approx(math.sqrt(1 + 0 + 1 + 4), abs=1e-15)


# ------------------------------------------------------------------------------------------- sweep
def test_sweep_eigenvalues_descending_and_condition_numbers():
    a = 2 / math.pi                                                    # T = 2, mu = 8: eigenvalues 1 +- a
    sw = S.spectrum_sweep(2, [8, 16.0])
    assert sw.mus == [8.0, 16.0] and sw.T == 2 and sw.factor == 1.0
    assert np.allclose(sw.eigenvalues[0], [1 + a, 1 - a], atol=1e-15)
    assert sw.condition[0] == pytest.approx((1 + a) / (1 - a), rel=1e-13)
    ev3 = np.linalg.eigvalsh(_printed(3, 5.0))[::-1]
    sw3 = S.spectrum_sweep(3, [5.0], factor=2.0)
    assert sw3.eigenvalues.shape == (1, 3) and np.allclose(sw3.eigenvalues[0], 2 * ev3, atol=1e-14)
    assert sw3.condition[0] == pytest.approx(ev3[0] / ev3[2], rel=1e-12)
    assert sw3.float64_reliable == [True]
    js = sw.to_json()
    assert set(js) == {"T", "factor", "mus", "sigma_1", "sigma_2", "sigma_T", "condition", "float64_reliable"}
    assert js["T"] == 2 and js["factor"] == 1.0 and js["mus"] == [8.0, 16.0]
    assert js["sigma_1"] == sw.eigenvalues[:, 0].tolist() and js["sigma_2"] == sw.eigenvalues[:, 1].tolist()
    assert js["sigma_T"] == sw.eigenvalues[:, 1].tolist() and js["condition"] == sw.condition.tolist()
    assert js["float64_reliable"] == [True, True]
    js3 = sw3.to_json()
    assert js3["sigma_2"] == [sw3.eigenvalues[0, 1]] and js3["sigma_T"] == [sw3.eigenvalues[0, 2]]
    one = S.spectrum_sweep(1, [3.0]).to_json()
    assert one["sigma_2"] == [] and one["sigma_1"] == one["sigma_T"] == [1.0] and one["condition"] == [1.0]


def test_sweep_of_the_zero_matrix_is_unreliable_with_infinite_condition():
    """factor 0: sigma = 0 is not > 100 T eps * 0, and sigma_T = 0 gives an infinite condition number, without
    a floating-point warning (no 0/0 is evaluated)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sw = S.spectrum_sweep(1, [2.0], factor=0.0)
    assert sw.float64_reliable == [False] and sw.condition.tolist() == [math.inf]


def test_reliability_flag_is_sigma_T_above_100_T_eps_sigma_1():
    """T = 2: sigma_T / sigma_1 = (1 - a)/(1 + a) ~ (4 pi / mu)^2 / 12 spans 20..500 T eps on this grid; the
    flag switches exactly at 100 T eps (grid points fall on both sides within 1 %)."""
    T = 2
    r = np.geomspace(20, 500, 200) * T * EPS
    sw = S.spectrum_sweep(T, 4 * np.pi / np.sqrt(12 * r))
    ratio = sw.eigenvalues[:, -1] / sw.eigenvalues[:, 0] / (T * EPS)
    assert ((ratio > 99) & (ratio <= 100)).any() and ((ratio > 100) & (ratio < 101)).any()
    assert sw.float64_reliable == [bool(e[-1] > 100 * T * EPS * e[0]) for e in sw.eigenvalues]
    assert sw.float64_reliable[0] is False and sw.float64_reliable[-1] is True


def test_sweep_with_T_3_flags_and_condition_follow_the_smallest_eigenvalue():
    """T = 3 at large mu: sigma_2 is resolved while sigma_3 is below rounding (sometimes <= 0 in float64)."""
    mus = [5.0, 1e6] + list(np.geomspace(1e8, 1e10, 9))
    sw = S.spectrum_sweep(3, mus)
    ev = sw.eigenvalues
    assert (ev[:, 1] > 0).all() and (ev[:, -1] <= 0).any()              # the grid has sigma_3 <= 0 < sigma_2
    assert sw.float64_reliable[:2] == [True, False] and not any(sw.float64_reliable[2:])
    for e, c in zip(ev, sw.condition):
        assert c == (e[0] / e[-1] if e[-1] > 0 else math.inf)


def test_sweep_dataclass_default_reliability_list():
    sw = S.SpectrumSweep(T=1, factor=1.0, mus=[2.0], eigenvalues=np.ones((1, 1)), condition=np.ones(1))
    assert sw.float64_reliable == []


# -------------------------------------------------------------------------------------- mpmath parts
def test_printed_entry_mp_and_mp_eigenvalues():
    with mpmath.workdps(30):
        assert abs(S.printed_entry_mp(mpmath.mp, 1, 16) - 2 * mpmath.sqrt(2) / mpmath.pi) < mpmath.mpf(10) ** -28
        assert abs(S.printed_entry_mp(mpmath.mp, 2, 16) - 2 / mpmath.pi) < mpmath.mpf(10) ** -28
    a = 2 / math.pi
    assert S.mp_eigenvalues(2, 8.0) == pytest.approx([1 + a, 1 - a], abs=1e-15)


def _tridiag_entry(ctx, k, mu):
    """|k| / (10 mu): a symmetric Toeplitz matrix, different on each diagonal, depending on mu."""
    return ctx.mpf(abs(k)) / (10 * ctx.mpf(mu))


def test_mp_eigenvalues_with_a_custom_entry_are_lapacks():
    M = np.array([[1, .1, .2], [.1, 1, .1], [.2, .1, 1]]) / 1.0
    M = np.eye(3) + (M - np.eye(3)) / 2.0                               # mu = 2: entry |k| / 20
    expected = np.linalg.eigvalsh(M)[::-1]
    assert S.mp_eigenvalues(3, 2.0, entry=_tridiag_entry) == pytest.approx(expected.tolist(), abs=1e-15)


def test_mp_eigenvalues_default_precision_is_60_digits():
    """T = 10, mu = 1e4: sigma_min ~ 1e-54, so 60 and 61 digits give different floats for it."""
    assert S.mp_eigenvalues(10, 1e4) == S.mp_eigenvalues(10, 1e4, dps=60)


# ------------------------------------------------------------------------------ interval Cholesky
def _cholesky_reference(H):
    L = np.linalg.cholesky(H)
    pivots = np.diag(L) ** 2
    fro = float(np.sum(np.linalg.inv(L) ** 2))
    return pivots.min(), math.log10(1 / fro)


def test_certificate_pivots_and_eigenvalue_bound_match_lapack():
    old = iv.prec
    c = S.certify_positive_definite(3, 2.0, 200, entry=_tridiag_entry)
    H = np.array([[1, .05, .1], [.05, 1, .05], [.1, .05, 1]])
    pmin, log_bound = _cholesky_reference(H)
    assert c.certified is True and c.T == 3 and c.mu == 2.0 and c.prec_bits == 200
    assert c.min_pivot_lower == pytest.approx(pmin, rel=1e-13)
    assert c.log10_min_pivot == pytest.approx(math.log10(pmin), rel=1e-13)
    assert c.log10_eigenvalue_lower_bound == pytest.approx(log_bound, rel=1e-12)
    assert 10 ** c.log10_eigenvalue_lower_bound <= np.linalg.eigvalsh(H)[0]
    assert iv.prec == old                                               # the precision is restored


@pytest.mark.parametrize("bits", [20, 30])
def test_eigenvalue_bound_is_tight_at_low_precision(bits):
    """Each interval entry of L is one rounding wide (L_jj = sqrt of the pivot interval): at p bits the rigorous
    bound log10(1 / ||L^-1||_F^2) is below the exact one by less than 3 * 2^-p (a looser enclosure, such as
    L_jj = s / sqrt(s), loses about 3.5 units)."""
    H = np.array([[1, .05, .1], [.05, 1, .05], [.1, .05, 1]])
    exact = _cholesky_reference(H)[1]
    c = S.certify_positive_definite(3, 2.0, bits, entry=_tridiag_entry)
    assert c.certified is True
    assert 0 <= exact - c.log10_eigenvalue_lower_bound < 3 * 2.0 ** -bits


def test_certificate_of_the_printed_matrix_2x2():
    a = 2 / math.pi
    c = S.certify_positive_definite(2, 8.0)
    assert c.certified is True and c.prec_bits == 600
    assert c.min_pivot_lower == pytest.approx(1 - a * a, rel=1e-14)     # pivots 1, 1 - a^2
    # L = [[1, 0], [a, s]], s^2 = 1 - a^2: ||L^-1||_F^2 = 1 + a^2/s^2 + 1/s^2
    s2 = 1 - a * a
    assert c.log10_eigenvalue_lower_bound == pytest.approx(-math.log10(1 + (a * a + 1) / s2), rel=1e-14)


def test_certificate_fails_on_a_singular_matrix_at_the_zero_pivot():
    """entry 1: H = 11^T (2 x 2), second pivot exactly [0, 0]; no eigenvalue bound."""
    one = lambda ctx, k, mu: ctx.mpf(1)                                 # noqa: E731
    c = S.certify_positive_definite(2, 3.0, 100, entry=one)
    assert c.certified is False and c.min_pivot_lower == 0.0
    assert c.log10_min_pivot == -math.inf and c.log10_eigenvalue_lower_bound == -math.inf


def test_certificate_stops_at_the_first_non_positive_pivot():
    """H = [[1, 1, 2], [1, 1, 1], [2, 1, 1]]: pivots 1, 0 -> stop (continuing would give 1 - 4 = -3)."""
    e = lambda ctx, k, mu: ctx.mpf(abs(k))                              # noqa: E731
    c = S.certify_positive_definite(3, 3.0, 100, entry=e)
    assert c.certified is False and c.min_pivot_lower == 0.0


def test_certificate_json_and_default_field():
    c = S.certify_positive_definite(2, 8.0, 100)
    js = c.to_json()
    assert js == {"T": 2, "mu": 8.0, "prec_bits": 100, "certified": True, "min_pivot_lower": c.min_pivot_lower,
                  "log10_min_pivot": c.log10_min_pivot,
                  "log10_eigenvalue_lower_bound": c.log10_eigenvalue_lower_bound}
    bare = S.PDCertificate(T=1, mu=1.0, prec_bits=10, certified=False, min_pivot_lower=0.0, log10_min_pivot=0.0)
    assert bare.log10_eigenvalue_lower_bound == -math.inf


# ------------------------------------------------------------------------------------------ witness
def test_witness_on_a_doubled_off_diagonal_is_the_smallest_eigenvector_with_a_negative_form():
    bad = lambda ctx, k, mu: 2 * S.printed_entry_mp(ctx, k, mu)         # noqa: E731
    old = iv.prec
    w = S.witness_not_positive_definite(4, 100.0, 200, entry=bad)
    assert iv.prec == old
    H = np.eye(4) + 2 * (_printed(4, 100.0) - np.eye(4))
    lam, U = np.linalg.eigh(H)
    v = np.array(w.vector)
    assert w.certified is True and w.T == 4 and w.mu == 100.0 and w.prec_bits == 200
    assert abs(abs(v @ U[:, 0]) - 1) < 1e-12                           # the eigenvector of the smallest one
    q = float(v @ H @ v)
    assert q == pytest.approx(lam[0], rel=1e-9) and q < 0
    assert w.quadratic_form_lower <= w.quadratic_form_upper < 0
    assert w.quadratic_form_upper == pytest.approx(q, rel=1e-9)
    assert w.to_json() == {"T": 4, "mu": 100.0, "prec_bits": 200, "certified": True,
                           "quadratic_form_upper": w.quadratic_form_upper,
                           "quadratic_form_lower": w.quadratic_form_lower}


def test_witness_of_a_psd_matrix_with_an_exactly_zero_form_is_not_certified():
    """H = 11^T: v = (1, -1)/sqrt 2 rounded, v^T H v = (v_1 + v_2)^2 = 0 exactly: 0 < 0 is false."""
    one = lambda ctx, k, mu: ctx.mpf(1)                                 # noqa: E731
    w = S.witness_not_positive_definite(2, 8.0, entry=one)
    assert w.prec_bits == 300
    assert w.quadratic_form_upper == 0.0 and w.quadratic_form_lower == 0.0 and w.certified is False


def test_witness_of_the_printed_matrix_has_a_positive_form():
    a = 2 / math.pi
    w = S.witness_not_positive_definite(2, 8.0, 100)
    assert w.certified is False
    assert w.quadratic_form_lower == pytest.approx(1 - a, rel=1e-12)
    assert w.quadratic_form_upper == pytest.approx(1 - a, rel=1e-12)


def _near_degenerate(ctx, k, mu):
    """b = 1/2 at |k| = 2 and a = sqrt(b^2 - 3bg/2 + g^2/2) at |k| = 1, g = 1e-80: eigenvalues 1/2 (eigenvector
    (1, 0, -1)/sqrt 2), 1/2 + g and about 2 (solve the persymmetric 3 x 3 by hand)."""
    b, g = ctx.mpf(1) / 2, ctx.mpf(10) ** -80
    return ctx.sqrt(b * b - 3 * b * g / 2 + g * g / 2) if abs(k) == 1 else b


def test_witness_vector_is_the_smallest_eigenvector_at_prec_bits_over_3_digits():
    """The two smallest eigenvalues are 1e-80 apart: 300 bits give 100 digits, enough to separate them (75 would
    not), so v is the eigenvector of 1/2 and v^T H v = 1/2."""
    w = S.witness_not_positive_definite(3, 2.0, entry=_near_degenerate)
    v = np.array(w.vector) * np.sign(w.vector[0])
    assert np.allclose(v, [math.sqrt(0.5), 0.0, -math.sqrt(0.5)], rtol=0, atol=1e-12)
    assert w.quadratic_form_upper == pytest.approx(0.5, rel=1e-14) and w.certified is False
