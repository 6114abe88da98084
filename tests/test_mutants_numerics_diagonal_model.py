"""Mutation tests for numerics.diagonal_model: Lemma 2's output and residual, the exact, closed-form, printed and
Monte Carlo losses, and loss (3) with its gradient on both paths, against a brute-force cubature of the direct
formula, hand-computed values and finite differences (benchmarks/mutation.md)."""

import dataclasses
import itertools

import numpy as np
import pytest

from ical_verify.numerics import diagonal_model as M
from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.montecarlo import DEFAULT_SIGMAS
from ical_verify.numerics.samplers import orthogonal_contexts, unitary_contexts


# ------------------------------------------------------------------------------ independent brute force
def direct_output(C, p, lam):
    """Lemma 2 term by term: component i is sum_t sum_j p_t C_ij lam_j^(t-T+1) lam_i^(t-1); lam is (n, d)."""
    T, d = len(p), C.shape[0]
    out = np.zeros(lam.shape, dtype=complex)
    for t in range(1, T + 1):
        for i in range(d):
            for j in range(d):
                out[:, i] += p[t - 1] * C[i, j] * lam[:, j] ** (t - T + 1) * lam[:, i] ** (t - 1)
    return out


def torus_grid(d, T, context):
    """Product grid of N-th roots of unity: each point weighs the same, and the grid mean of |f|^2 is E|f|^2
    exactly when N exceeds every exponent of |f|^2. Each exponent of the residual lies in [2 - T, T], so those of
    |f|^2 lie in [2 - 2T, 2T - 2] (unitary) and, after lam_{2k+1} = 1/lam_{2k}, in [4 - 4T, 4T - 4] (orthogonal).
    Orthogonal: columns 2k, 2k+1 are z_k, conj(z_k)."""
    N = 2 * T - 1 if context == "unitary" else 4 * T - 3
    k = d if context == "unitary" else d // 2
    z = np.exp(2j * np.pi * np.array(list(itertools.product(range(N), repeat=k))) / N)
    if context == "unitary":
        return z
    lam = np.empty((z.shape[0], d), dtype=complex)
    lam[:, 0::2], lam[:, 1::2] = z, np.conj(z)
    return lam


def brute_loss(C, p, context="unitary"):
    """E ||T_theta(e_{1:T}) - lam^T||^2 by exact cubature of the direct formula."""
    lam = torus_grid(C.shape[0], len(p), context)
    res = direct_output(C, p, lam) - lam ** len(p)
    return float(np.mean(np.sum(np.abs(res) ** 2, axis=1)))


def brute_population(A, B, P, context):
    """Loss (3): sum over T = 2..T_max of the exact loss at C = B^T A and p = row T-1 of P, columns t <= T."""
    return sum(brute_loss(B.T @ A, P[T - 2, :T], context) for T in range(2, P.shape[0] + 1))


def finite_difference(f, X, h=1e-5):
    g = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        Xp, Xm = X.copy(), X.copy()
        Xp[idx] += h
        Xm[idx] -= h
        g[idx] = (f(Xp) - f(Xm)) / (2 * h)
    return g


RNG = np.random.default_rng(20240607)
C3 = RNG.standard_normal((3, 3))
C4 = RNG.standard_normal((4, 4))
P4 = RNG.standard_normal(4)
P3 = RNG.standard_normal(3)
P2 = RNG.standard_normal(2)


# ------------------------------------------------------------------------------------------ validation
@pytest.mark.parametrize("C, p", [(np.ones((2, 3)), np.ones(3)), (np.ones(3), np.ones(3)),
                                  (np.ones((2, 2, 2)), np.ones(3)), (np.eye(2), np.ones(1)),
                                  (np.eye(2), np.ones((2, 2))), (np.eye(2), np.ones((3, 1)))])
@pytest.mark.parametrize("fn", [M.lemma2_residual, M.exact_loss, M.closed_form_loss, M.printed_prop4_loss])
def test_non_square_C_and_p_shorter_than_2_are_refused(fn, C, p):
    with pytest.raises(DomainError):
        fn(C, p)


def test_lemma2_output_validates_like_the_others():
    with pytest.raises(DomainError):
        M.lemma2_output(np.eye(2), np.ones(1), np.ones((1, 2)))
    with pytest.raises(DomainError):
        M.lemma2_output(np.ones((2, 3)), np.ones(2), np.ones((1, 2)))


def test_length_two_p_is_the_smallest_valid_one():
    assert M.exact_loss(np.eye(2), np.array([0.0, 1.0])) == 0.0
    assert M.closed_form_loss(np.eye(2), np.array([0.0, 1.0])) == 0.0
    assert M.printed_prop4_loss(np.eye(2), np.array([0.0, 1.0])) == 1 * 2 + 0 - 2 * 2 + 2


@pytest.mark.parametrize("fn", [M.exact_loss, M.closed_form_loss])
def test_unknown_context_and_odd_orthogonal_dimension_are_refused(fn):
    with pytest.raises(DomainError):
        fn(np.eye(2), P3, "hermitian")
    with pytest.raises(DomainError):
        fn(np.eye(3), P3, "orthogonal")


# ------------------------------------------------------------------------------ Lemma 2 output, residual
@pytest.mark.parametrize("C, p", [(C3, P4), (C4, P2), (C3, P3)])
def test_lemma2_output_equals_the_direct_sum_at_complex_and_real_points(C, p):
    d = C.shape[0]
    lam = np.exp(1j * RNG.uniform(0, 2 * np.pi, (5, d)))
    assert np.allclose(M.lemma2_output(C, p, lam), direct_output(C, p, lam), rtol=1e-12, atol=1e-12)
    real = RNG.uniform(0.4, 2.5, (4, d))                 # off the circle: every exponent is visible
    assert np.allclose(M.lemma2_output(C, p, real), direct_output(C, p, real), rtol=1e-12, atol=1e-12)


def test_lemma2_output_of_one_point_is_a_batch_of_one():
    C = np.array([[1.0, 2.0], [3.0, 4.0]])
    p = np.array([1.0, 0.0, 2.0])                         # T = 3
    lam = np.array([2.0, 0.5])
    # t = 1: C lam^{-1} * lam^0 = C (1/2, 2) = (4.5, 9.5); t = 3: C lam^{1} * lam^2 = (3, 8) * (4, 1/4) = (12, 2)
    out = M.lemma2_output(C, p, lam)
    assert out.shape == (1, 2)
    assert np.allclose(out, [[4.5 + 2 * 12, 9.5 + 2 * 2]], rtol=1e-14)


@pytest.mark.parametrize("C, p", [(C3, P4), (C4, P2), (C4, P3)])
def test_lemma2_residual_is_output_minus_lambda_to_the_T(C, p):
    f = M.lemma2_residual(C, p)
    d, T = C.shape[0], len(p)
    assert len(f) == d and all(g.nvars == d for g in f)
    lam = np.exp(1j * RNG.uniform(0, 2 * np.pi, (6, d)))
    want = direct_output(C, p, lam) - lam ** T
    got = np.stack([g(lam) for g in f], axis=1)
    assert np.allclose(got, want, rtol=1e-12, atol=1e-12)


def test_lemma2_residual_terms_and_exponents_by_hand():
    """d = 2, T = 3, C = [[1, 2], [3, 4]], p = (5, 7, 11). t = 1 has exponent -1 on j (and 0 on i), t = 2 has
    exponent 0 on j and 1 on i, t = 3 exponent 1 on j and 2 on i; the target lam_i^3 enters with -1:
    f_0 = 5 lam_0^-1 + 10 lam_1^-1 + 21 lam_0 + (11 - 1) lam_0^3 + 22 lam_0^2 lam_1, and f_1 likewise."""
    f0, f1 = M.lemma2_residual(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([5.0, 7.0, 11.0]))
    got = {tuple(k): c for k, c in zip(f0.collected().exponents.tolist(), f0.collected().coefficients)}
    assert got == {(-1, 0): 5, (0, -1): 10, (1, 0): 21, (3, 0): 10, (2, 1): 22}
    got = {tuple(k): c for k, c in zip(f1.collected().exponents.tolist(), f1.collected().coefficients)}
    assert got == {(-1, 0): 15, (0, -1): 20, (0, 1): 49, (1, 2): 33, (0, 3): 43}


# ------------------------------------------------------------------------------------- the exact losses
@pytest.mark.parametrize("C, p", [(C3, P4), (C3, P2), (C4, P3)])
def test_exact_loss_unitary_is_the_default_and_equals_the_cubature(C, p):
    want = brute_loss(C, p, "unitary")
    assert M.exact_loss(C, p) == pytest.approx(want, rel=1e-11)
    assert M.exact_loss(C, p, "unitary") == pytest.approx(want, rel=1e-11)


@pytest.mark.parametrize("C, p", [(C4, P4), (C4, P2), (C4[:2, :2], P3)])
def test_exact_loss_orthogonal_equals_the_cubature_and_differs_from_unitary(C, p):
    want = brute_loss(C, p, "orthogonal")
    assert M.exact_loss(C, p, "orthogonal") == pytest.approx(want, rel=1e-11)
    assert abs(want - brute_loss(C, p, "unitary")) > 1e-3 * want


def test_losses_by_hand():
    """C = 0: residual -lam^T, loss d. C = 2I, p = (0, 1): residual lam^2 per component, loss d. C = I,
    p = (0, 1): zero (Proposition 3)."""
    for fn in (M.exact_loss, M.closed_form_loss):
        assert fn(np.zeros((2, 2)), np.array([0.3, 0.4])) == pytest.approx(2.0, rel=1e-14)
        assert fn(2 * np.eye(4), np.array([0.0, 1.0])) == pytest.approx(4.0, rel=1e-14)
        assert fn(np.eye(2), np.array([0.0, 1.0]), "orthogonal") == pytest.approx(0.0, abs=1e-14)


@pytest.mark.parametrize("C, p", [(C3, P4), (C3, P2), (C4, P3), (C4, P4)])
def test_closed_form_unitary_is_the_default_and_equals_the_cubature(C, p):
    want = brute_loss(C, p, "unitary")
    assert M.closed_form_loss(C, p) == pytest.approx(want, rel=1e-11)
    assert M.closed_form_loss(C, p, "unitary") == pytest.approx(want, rel=1e-11)


@pytest.mark.parametrize("C, p", [(C4, P4), (C4, P3), (C4, P2), (C4[:2, :2], P4),
                                  (np.arange(36.0).reshape(6, 6) / 10 - 1, P4)])
def test_closed_form_orthogonal_equals_the_cubature(C, p):
    assert M.closed_form_loss(C, p, "orthogonal") == pytest.approx(brute_loss(C, p, "orthogonal"), rel=1e-11)


def test_printed_prop4_by_hand():
    """C = [[1, 2], [3, 4]], p = (1, 2, 3): |p|^2 |C|_F^2 = 14 * 30, p_{T-1}^2 S(C^T C) = 4 * 58 (S(C C^T) would
    be 52), -2 Tr(C) p_T = -30, + d = 2: 624."""
    assert M.printed_prop4_loss(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 2.0, 3.0])) == 624.0
    assert M.printed_prop4_loss(np.eye(3), np.array([0.0, 1.0])) == 1 * 3 + 0 - 2 * 3 + 3
    # p = (1, 3, 2): p_{T-1} = 3 is squared (9 * 58), not doubled; 420 + 522 - 20 + 2
    assert M.printed_prop4_loss(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 3.0, 2.0])) == 924.0


# --------------------------------------------------------------------------------------------- Monte Carlo
@pytest.mark.parametrize("context, C, p", [("unitary", C3, P3), ("orthogonal", C4, P2)])
def test_monte_carlo_loss_is_the_mean_over_the_sampled_contexts(context, C, p):
    """With the same generator the estimate is the sample mean of ||direct output - lam^T||^2 over the
    contexts the sampler draws, and the exact value lies in its interval."""
    n = 300
    r = M.monte_carlo_loss(C, p, n, np.random.default_rng(5), context=context)
    rng = np.random.default_rng(5)
    d = C.shape[0]
    lam = unitary_contexts(d, n, rng) if context == "unitary" else orthogonal_contexts(d // 2, n, rng)
    x = np.sum(np.abs(direct_output(C, p, lam) - lam ** len(p)) ** 2, axis=1)
    assert r.n_samples == n and r.sigmas == DEFAULT_SIGMAS
    assert r.estimate == pytest.approx(x.mean(), rel=1e-12)
    assert r.standard_error == pytest.approx(x.std(ddof=1) / np.sqrt(n), rel=1e-9)
    assert r.contains(brute_loss(C, p, context))


def test_monte_carlo_loss_defaults_to_unitary_and_passes_sigmas():
    a = M.monte_carlo_loss(C3, P3, 50, np.random.default_rng(1))
    b = M.monte_carlo_loss(C3, P3, 50, np.random.default_rng(1), "unitary", sigmas=2.5)
    assert a.estimate == b.estimate and b.sigmas == 2.5
    assert b.interval == pytest.approx((b.estimate - 2.5 * b.standard_error, b.estimate + 2.5 * b.standard_error))


def test_monte_carlo_loss_refuses_bad_contexts():
    with pytest.raises(DomainError):
        M.monte_carlo_loss(C3, P3, 10, np.random.default_rng(0), "orthogonal")
    with pytest.raises(DomainError):
        M.monte_carlo_loss(C4, P3, 10, np.random.default_rng(0), "hermitian")
    with pytest.raises(DomainError):
        M.monte_carlo_loss(np.ones((2, 3)), P3, 10, np.random.default_rng(0))


# ------------------------------------------------------------------------------------- loss (3), gradient
def test_loss_and_gradient_is_frozen():
    lg = M.population_loss_and_gradient(np.ones((1, 2)), np.ones((1, 2)), np.eye(3))
    with pytest.raises(dataclasses.FrozenInstanceError):
        lg.loss = 0.0
    assert [f.name for f in dataclasses.fields(lg)] == ["loss", "grad_A", "grad_B", "grad_P"]


PARAMS = {"unitary": (RNG.standard_normal((2, 3)), RNG.standard_normal((2, 3)), RNG.standard_normal((4, 4))),
          "orthogonal": (RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4)), RNG.standard_normal((4, 4)))}


@pytest.mark.parametrize("context", ["unitary", "orthogonal"])
def test_one_parameter_set_loss_is_the_cubature_sum_and_gradient_the_finite_difference(context):
    A, B, P = PARAMS[context]
    lg = M.population_loss_and_gradient(A, B, P, context)
    assert isinstance(lg.loss, float)
    assert lg.loss == pytest.approx(brute_population(A, B, P, context), rel=1e-11)
    loss = lambda A_, B_, P_: M.population_loss_and_gradient(A_, B_, P_, context).loss
    for got, X, f in ((lg.grad_A, A, lambda X: loss(X, B, P)), (lg.grad_B, B, lambda X: loss(A, X, P)),
                      (lg.grad_P, P, lambda X: loss(A, B, X))):
        assert got.shape == X.shape
        assert np.allclose(got, finite_difference(f, X), rtol=1e-6, atol=1e-6)
    # entries of P never read (t > T, and the last row) have gradient exactly zero
    assert np.all(lg.grad_P[3] == 0) and np.all(lg.grad_P[2] != 0) and np.all(lg.grad_P[:2, :2] != 0)
    assert lg.grad_P[0, 2] == 0 and lg.grad_P[0, 3] == 0 and lg.grad_P[1, 3] == 0


@pytest.mark.parametrize("context", ["unitary", "orthogonal"])
def test_batched_loss_is_the_cubature_sum_and_gradient_the_finite_difference(context):
    A0, B0, P0 = PARAMS[context]
    A = np.stack([A0, B0[::-1]])
    B = np.stack([B0, A0])
    P = np.stack([P0, P0.T[::-1] + 0.5])
    lg = M.population_loss_and_gradient(A, B, P, context)
    assert lg.loss.shape == (2,)
    for k in range(2):
        assert lg.loss[k] == pytest.approx(brute_population(A[k], B[k], P[k], context), rel=1e-11)
    loss = lambda A_, B_, P_: M.population_loss_and_gradient(A_, B_, P_, context).loss.sum()
    for got, X, f in ((lg.grad_A, A, lambda X: loss(X, B, P)), (lg.grad_B, B, lambda X: loss(A, X, P)),
                      (lg.grad_P, P, lambda X: loss(A, B, X))):
        assert got.shape == X.shape
        assert np.allclose(got, finite_difference(f, X), rtol=1e-6, atol=1e-6)
    assert np.all(lg.grad_P[:, 3] == 0) and np.all(lg.grad_P[:, 0, 2:] == 0) and np.all(lg.grad_P[:, 1, 3] == 0)


def test_smallest_model_by_hand():
    """H = d = 1, T_max = 2: C = b a, loss (p1 C)^2 + (p2 C - 1)^2 ... as unitary: (p1^2 + p2^2) C^2 - p1^2 C^2
    + p1^2 C^2 - 2 p2 C + 1 = (p1^2 + p2^2) C^2 - 2 p2 C + 1; a = 2, b = 1, p = (1, 3): 40 - 12 + 1 = 29."""
    P = np.array([[1.0, 3.0], [7.0, 9.0]])
    for A, B, P_ in ((np.array([[2.0]]), np.array([[1.0]]), P), (np.array([[[2.0]]]), np.array([[[1.0]]]), P[None])):
        lg = M.population_loss_and_gradient(A, B, P_)
        assert np.squeeze(lg.loss) == 29.0
        # dL/dC = 2 * 10 * 2 - 6 = 34; dL/da = b * 34, dL/db = a * 34; dL/dp1 = 2 p1 C^2 = 8, dL/dp2 = 2 p2 C^2 - 2C
        assert np.squeeze(lg.grad_A) == 34.0 and np.squeeze(lg.grad_B) == 68.0
        assert np.array_equal(lg.grad_P.reshape(2, 2), [[8.0, 20.0], [0.0, 0.0]])


@pytest.mark.parametrize("context, d", [("unitary", 1), ("unitary", 3), ("orthogonal", 2), ("orthogonal", 4)])
@pytest.mark.parametrize("T_max", [2, 3])
def test_one_parameter_set_gives_a_float_loss_and_unbatched_gradients(context, d, T_max):
    """Every valid (H, d), (H, d), (T_max, T_max) input, T_max = 2 included, is one parameter set: a float loss
    (the cubature sum) and gradients of the shapes of A, B, P."""
    rng = np.random.default_rng(d + 10 * T_max)
    A, B, P = rng.standard_normal((2, d)), rng.standard_normal((2, d)), rng.standard_normal((T_max, T_max))
    lg = M.population_loss_and_gradient(A, B, P, context)
    assert isinstance(lg.loss, float)
    assert lg.loss == pytest.approx(brute_population(A, B, P, context), rel=1e-11)
    assert lg.grad_A.shape == A.shape and lg.grad_B.shape == B.shape and lg.grad_P.shape == P.shape


def test_fast_and_batched_paths_agree_on_one_parameter_set():
    for context, (A, B, P) in PARAMS.items():
        one = M.population_loss_and_gradient(A, B, P, context)
        many = M.population_loss_and_gradient(A[None], B[None], P[None], context)
        assert one.loss == pytest.approx(many.loss[0], rel=1e-13)
        for x, y in zip((one.grad_A, one.grad_B, one.grad_P), (many.grad_A, many.grad_B, many.grad_P)):
            assert np.allclose(x, y[0], rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("A, B, P", [
    (np.ones((2, 3)), np.ones((2, 4)), np.eye(3)),            # A, B differ
    (np.ones((3, 3)), np.ones((2, 3)), np.eye(3)),
    (np.ones((2, 2)), np.ones((2, 2)), np.eye(1)),            # T_max = 1
    (np.ones((2, 2)), np.ones((2, 2)), np.ones((3, 2))),      # P not square
    (np.ones((2, 2)), np.ones((2, 2)), np.ones(3)),
    (np.ones((2, 2)), np.ones((2, 2)), np.ones((3, 3, 3))),   # one parameter set with a batch of P
    (np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 2, 2))),
    (np.ones((2, 2, 2)), np.ones((2, 2, 2)), np.ones((3, 3, 3))),   # batch axes differ
    (np.ones((2, 2, 2)), np.ones((2, 2, 2)), np.ones((2, 3, 2))),
    (np.ones((2, 2, 2)), np.ones((2, 2, 2)), np.ones((2, 1, 1))),
    (np.ones((2, 2, 2)), np.ones((2, 2, 2)), np.ones((3, 3))),
    (np.ones((2, 2, 2)), np.ones((2, 2, 3)), np.ones((2, 3, 3))),
    (np.ones(2), np.ones(2), np.eye(3)),
])
def test_malformed_parameters_are_refused(A, B, P):
    with pytest.raises(DomainError):
        M.population_loss_and_gradient(A, B, P)


@pytest.mark.parametrize("batch", [False, True])
def test_unknown_context_and_odd_orthogonal_dimension_are_refused_by_loss_3(batch):
    A, B, P = np.ones((2, 3)), np.ones((2, 3)), np.eye(3)
    if batch:
        A, B, P = A[None], B[None], P[None]
    with pytest.raises(DomainError):
        M.population_loss_and_gradient(A, B, P, "orthogonal")
    with pytest.raises(DomainError):
        M.population_loss_and_gradient(A, B, P, "hermitian")
    with pytest.raises(DomainError):
        M.population_loss_and_gradient(np.ones((2, 4)), np.ones((2, 4)), np.eye(3), "hermitian")
