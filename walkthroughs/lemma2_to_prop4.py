# %% [markdown]
# # From model (6) to the quadratic loss: Lemma 2 and Proposition 4
#
# This walkthrough follows §5.1 of Sander, Giryes, Suzuki, Blondel and Peyré, *How do Transformers perform
# In-Context Autoregressive Learning?* (ICML 2024), from the multi-head linear-attention model (6) to the
# population loss of Proposition 4. Every step is done twice: symbolically with SymPy, and numerically with an
# independent engine (exact torus sums and Monte Carlo). Each step ends with an `assert`, so a wrong
# derivation stops the notebook.
#
# **Setting.** The context is $W = \mathrm{diag}(\lambda)$ with $\lambda \in \mathbb{C}^d$, $|\lambda_i| = 1$
# independent and uniform on the circle (unitary contexts $\mathcal{C}_U$, Assumption 1). The tokens are
# $e_t = s_t = \lambda^{t-1}$ (coordinate-wise powers). Model (6) with diagonal heads (Assumption 3,
# $A^h = \mathrm{diag}(a_h)$, $B^h = \mathrm{diag}(b_h)$) predicts $s_{T+1} = \lambda^T$ by
#
# $$\mathcal{T}_\theta(e_{1:T}) = \sum_{h=1}^H \sum_{t=1}^T P_{T-1,t} \langle e_t | A^h e_{T-1}\rangle_{\mathbb{C}} B^h e_t,
# \qquad \langle \alpha, \beta\rangle = \sum_i \alpha_i \bar\beta_i .$$

# %%
import numpy as np
import sympy as sp

from ical_verify.numerics.diagonal_model import exact_loss, lemma2_output, monte_carlo_loss
from ical_verify.numerics.samplers import unitary_contexts
from ical_verify.theory.laurent import LaurentPolynomial

rng = np.random.default_rng(2024)

# %% [markdown]
# ## Step 1 — Lemma 2: the output depends on the heads only through $\mathbf{C} = \mathbf{B}^\top\mathbf{A}$
#
# Expanding the hermitian product, $\langle e_t | A^h e_{T-1}\rangle = \sum_j a_h^j \lambda_j^{t-1}\bar\lambda_j^{T-2}
# = \sum_j a_h^j \lambda_j^{t-T+1}$ on the circle, and $B^h e_t = b_h \odot \lambda^{t-1}$. Summing over the heads
# gives coordinate $i$:
#
# $$\mathcal{T}_\theta(e_{1:T})_i = \sum_{t=1}^T p_t \sum_j \mathbf{C}_{ij}\lambda_j^{t-T+1}\lambda_i^{t-1},
# \qquad \mathbf{C}_{ij} = \sum_h b_h^i a_h^j = (\mathbf{B}^\top\mathbf{A})_{ij},\ p = P_{T-1}.$$
#
# We implement model (6) literally (a loop over heads and positions with the hermitian product) and compare it
# with the closed form of Lemma 2 implemented in `numerics.diagonal_model.lemma2_output`.

# %%
def model_6(a, b, p, lam):
    """Model (6) literally: a, b are (H, d) (rows a_h, b_h), p = P_{T-1} has length T, lam is (d,)."""
    H, d = a.shape
    T = len(p)
    e = [lam ** (t - 1) for t in range(1, T + 1)]          # e_t = lambda^{t-1}, t = 1..T
    out = np.zeros(d, dtype=complex)
    for h in range(H):
        for t in range(1, T + 1):
            inner = np.vdot(a[h] * e[T - 2], e[t - 1])       # <e_t | A^h e_{T-1}> = (A^h e_{T-1})^* e_t
            out += p[t - 1] * inner * (b[h] * e[t - 1])
    return out


H, d, T = 3, 2, 4
a, b, p = rng.normal(size=(H, d)), rng.normal(size=(H, d)), rng.normal(size=T)
C = b.T @ a                                                  # (d, d): C = B^T A
lam = unitary_contexts(d, 5, rng)                            # (5, d) points of the torus
direct = np.array([model_6(a, b, p, l) for l in lam])
closed = lemma2_output(C, p, lam)
gap = np.max(np.abs(direct - closed))
print(f"max |model (6) - Lemma 2| over 5 contexts: {gap:.2e}")
assert gap < 1e-12

# %% [markdown]
# ## Step 2 — The residual is a Laurent polynomial in $\lambda$
#
# The error of coordinate $i$ is $f_i(\lambda) = \mathcal{T}_\theta(e_{1:T})_i - \lambda_i^T$, a finite sum of
# monomials $c_k\lambda^k$ with $k \in \mathbb{Z}^d$. We build it with `theory.laurent.LaurentPolynomial`, with
# symbolic entries of $\mathbf{C}$ and $p$, for $d = 2$ and $T = 3$.

# %%
def symbols(d, T):
    Cs = sp.Matrix(d, d, lambda i, j: sp.Symbol(f"C_{i + 1}{j + 1}", real=True))
    ps = [sp.Symbol(f"p_{t}", real=True) for t in range(1, T + 1)]
    return Cs, ps


def residual(Cs, ps):
    """f_i = sum_{t,j} p_t C_ij lambda_j^{t-T+1} lambda_i^{t-1} - lambda_i^T, as Laurent polynomials."""
    d, T = Cs.shape[0], len(ps)
    lam = LaurentPolynomial.variables(d)
    out = []
    for i in range(d):
        f = -lam[i] ** T
        for t in range(1, T + 1):
            for j in range(d):
                f = f + ps[t - 1] * Cs[i, j] * lam[j] ** (t - T + 1) * lam[i] ** (t - 1)
        out.append(f)
    return out


Cs, ps = symbols(2, 3)
f = residual(Cs, ps)
for k, c in sorted(f[0].terms.items()):
    print(f"lambda^{k}: {c}")

# the same residual as the library's, which the claim checks use
from ical_verify.theory.diagonal_attention import residual as library_residual

assert all(g == h for g, h in zip(f, library_residual(Cs, ps, 3)))

# %% [markdown]
# Note the collision at $t = T - 1$: the off-diagonal terms $\lambda_j^{0}\lambda_i^{T-2}$ land on the same
# monomial $\lambda_i^{T-2}$ as the diagonal term, so their coefficient is $p_{T-1}\sum_j \mathbf{C}_{ij}$.
# Numerical check: evaluate the symbolic polynomial at numbers and compare with the numeric model.

# %%
def evaluate(poly, values, lam_point):
    exps, coeffs = poly.subs(values).to_arrays()
    return sum(c * np.prod(lam_point ** np.array(k)) for k, c in zip(exps, coeffs))


Cn, pn = rng.normal(size=(2, 2)), rng.normal(size=3)
values = {Cs[i, j]: Cn[i, j] for i in range(2) for j in range(2)} | {ps[t]: pn[t] for t in range(3)}
point = unitary_contexts(2, 1, rng)[0]
symbolic = np.array([evaluate(fi, values, point) for fi in f])
numeric = lemma2_output(Cn, pn, point[None, :])[0] - point ** 3
print(symbolic, numeric)
assert np.allclose(symbolic, numeric, atol=1e-12)

# %% [markdown]
# ## Step 3 — Expectation on the torus: Parseval
#
# Since $\mathbb{E}\lambda_i^k = \delta_{k=0}$ for independent uniform phases, the monomials are orthonormal and
# $\mathbb{E}|f_i|^2 = \sum_k |c_k|^2$ (Parseval). Summing over the coordinates gives the loss of one length $T$,
# $l(\mathbf{C}, p) = \sum_i \mathbb{E}|f_i|^2$, a polynomial in the entries of $\mathbf{C}$ and $p$.

# %%
loss_sym = sp.expand(sum(fi.mean_square("unitary") for fi in f))
loss_sym

# %% [markdown]
# Two independent numerical checks at random parameters: the exact numeric torus engine
# (`numerics.diagonal_model.exact_loss`) and a Monte Carlo estimate with its 6-sigma interval.

# %%
exact = exact_loss(Cn, pn, "unitary")
symbolic_value = float(loss_sym.subs(values))
mc = monte_carlo_loss(Cn, pn, 200_000, rng, "unitary")
print(f"symbolic {symbolic_value:.12f}, exact numeric {exact:.12f}, Monte Carlo {mc.estimate:.5f} ± {mc.standard_error:.5f}")
assert abs(symbolic_value - exact) < 1e-10 * max(1.0, exact)
assert mc.contains(symbolic_value)

# %% [markdown]
# ## Step 4 — The loss in closed form
#
# Collecting the coefficients of Step 2 by hand: the diagonal terms $p_t\mathbf{C}_{ii}\lambda_i^{2t-T}$ are distinct
# monomials; the one with $t = T$ meets the target $\lambda_i^T$; every off-diagonal term is its own monomial except
# at $t = T-1$, where all of row $i$ collects on $\lambda_i^{T-2}$. Hence
#
# $$l(\mathbf{C}, p) = \Big(\sum_{t \neq T-1} p_t^2\Big)\|\mathbf{C}\|_F^2 + p_{T-1}^2\, S(\mathbf{C}^\top\mathbf{C})
# - 2\,\mathrm{Tr}(\mathbf{C})\,p_T + d,$$
#
# where $S$ sums all coefficients, so $S(\mathbf{C}^\top\mathbf{C}) = \sum_i (\sum_j \mathbf{C}_{ij})^2$. We check this
# closed form against the Parseval computation for several $(d, T)$.

# %%
def closed_form(Cs, ps):
    d, T = Cs.shape[0], len(ps)
    frob = sum(c ** 2 for c in Cs)
    S = sum(sum(Cs[i, j] for j in range(d)) ** 2 for i in range(d))       # S(C^T C)
    rest = sum(ps[t - 1] ** 2 for t in range(1, T + 1) if t != T - 1)
    return sp.expand(rest * frob + ps[T - 2] ** 2 * S - 2 * Cs.trace() * ps[T - 1] + d)


for dd, TT in [(1, 2), (2, 3), (3, 3), (2, 5)]:
    Cs_, ps_ = symbols(dd, TT)
    parseval = sp.expand(sum(fi.mean_square("unitary") for fi in residual(Cs_, ps_)))
    assert sp.expand(parseval - closed_form(Cs_, ps_)) == 0, (dd, TT)
    print(f"d = {dd}, T = {TT}: closed form = Parseval sum")

# %% [markdown]
# ## Step 5 — Comparison with Proposition 4 as printed
#
# Proposition 4 prints $l(\mathbf{C}, p) = \|p\|_2^2\|\mathbf{C}\|_F^2 + p_{T-1}^2 S(\mathbf{C}^\top\mathbf{C})
# - 2\mathrm{Tr}(\mathbf{C})p_T + d$. Its first term sums over **all** $t$, including $t = T-1$, whose diagonal
# contribution is already inside $p_{T-1}^2 S(\mathbf{C}^\top\mathbf{C})$. The difference with the derivation
# above is exactly $p_{T-1}^2\|\mathbf{C}\|_F^2$; for $d = 1$ it is easy to see by hand:
# $\mathbb{E}|\sum_t p_t C\lambda^{2t-T} - \lambda^T|^2 = \|p\|^2C^2 - 2Cp_T + 1$, without an extra $p_{T-1}^2C^2$.
# The case analysis of Appendix A.6 agrees with the derivation: its $j = k$ terms give
# $\|p\|_2^2\|\mathbf{C}\|_F^2$ and its $j \neq k$ terms give $p_{T-1}^2\sum_i\sum_{j\neq k}\mathbf{C}_{ij}\mathbf{C}_{ik}
# = p_{T-1}^2\big(S(\mathbf{C}^\top\mathbf{C}) - \|\mathbf{C}\|_F^2\big)$; the printed statement drops the
# $-\|\mathbf{C}\|_F^2$. (The suite's own verdict on Proposition 4 is given by `ical-verify check prop4`.)

# %%
Cs, ps = symbols(2, 4)
printed = sp.expand(sum(x ** 2 for x in ps) * sum(c ** 2 for c in Cs)
                    + ps[2] ** 2 * sum(sum(Cs[i, j] for j in range(2)) ** 2 for i in range(2))
                    - 2 * Cs.trace() * ps[3] + 2)
difference = sp.factor(printed - closed_form(Cs, ps))
print("printed - derived =", difference)
assert sp.expand(difference - ps[2] ** 2 * sum(c ** 2 for c in Cs)) == 0

# a number: at C = I, p = (0, 0, 1, 1) the derivation and the exact engine agree, the printed form does not
point_values = {Cs[i, j]: int(i == j) for i in range(2) for j in range(2)} | dict(zip(ps, [0, 0, 1, 1]))
print("exact engine:", exact_loss(np.eye(2), np.array([0.0, 0.0, 1.0, 1.0])),
      " derived:", closed_form(Cs, ps).subs(point_values), " printed:", printed.subs(point_values))
assert abs(exact_loss(np.eye(2), np.array([0.0, 0.0, 1.0, 1.0])) - float(closed_form(Cs, ps).subs(point_values))) < 1e-12

# %% [markdown]
# ## Step 6 — The population loss is quadratic in $\mathbf{C}$ and in $P$
#
# The loss (3) sums $l(\mathbf{C}, P_{T-1})$ over $T = 2, \dots, T_{\max}$. For fixed $P$ it is a quadratic
# polynomial in the entries of $\mathbf{C}$, and for fixed $\mathbf{C}$ a quadratic in the entries of $P$. It
# vanishes at $\mathbf{C} = I$, $P_{T-1} = e_T$ (the zero-loss point of Proposition 3, see the walkthrough
# `zero_loss_sets`).

# %%
Tmax = 4
Cs, _ = symbols(2, Tmax)
P = {T: [sp.Symbol(f"P_{T - 1}{t}", real=True) for t in range(1, T + 1)] for T in range(2, Tmax + 1)}
ell = sum(closed_form(Cs, P[T]) for T in range(2, Tmax + 1))
p_vars = [x for T in P for x in P[T]]
assert sp.Poly(ell, *Cs).total_degree() == 2 and sp.Poly(ell, *p_vars).total_degree() == 2
zero = {Cs[i, j]: int(i == j) for i in range(2) for j in range(2)}
zero |= {x: int(t == len(P[T]) - 1) for T in P for t, x in enumerate(P[T])}
print("loss at C = I, P_{T-1} = e_T:", ell.subs(zero))
assert ell.subs(zero) == 0
