# %% [markdown]
# # Propositions 3 and 6: the zero-loss sets, and the orthogonality between heads they imply
#
# Sander et al. (ICML 2024), §5.1–5.2. Model (6) with diagonal heads outputs, by Lemma 2,
# $\mathcal{T}_\theta(e_{1:T})_i = \sum_t p_t\sum_j \mathbf{C}_{ij}\lambda_j^{t-T+1}\lambda_i^{t-1}$ with
# $\mathbf{C} = \mathbf{B}^\top\mathbf{A}$ and $p = P_{T-1}$ (see the walkthrough `lemma2_to_prop4`). The loss is
# zero exactly when the residual $f_i = \mathcal{T}_\theta(e_{1:T})_i - \lambda_i^T$ vanishes for almost every context,
# that is, when **every coefficient** of the Laurent polynomial $f_i$ is zero (the monomials are linearly
# independent functions on the torus). So the zero-loss set is found by *identifying coefficients*: a system
# of polynomial equations in $\mathbf{C}$ and $p$, which SymPy solves.
#
# - Unitary contexts $\mathcal{C}_U$: independent $\lambda_1, \dots, \lambda_d$ (Proposition 3).
# - Orthogonal contexts $\mathcal{C}_O$: conjugate pairs $\lambda_{2i} = \bar\lambda_{2i-1}$, $d = 2\delta$
#   (Proposition 6); substituting $\lambda_{2i} = 1/\lambda_{2i-1}$ merges monomials, so there are fewer equations
#   and more solutions.

# %%
import numpy as np
import sympy as sp

from ical_verify.numerics.diagonal_model import exact_loss, lemma2_output
from ical_verify.numerics.samplers import orthogonal_contexts, unitary_contexts
from ical_verify.theory.diagonal_attention import residual as lemma2_residual
from ical_verify.theory.diagonal_attention import symbolic_matrix, symbolic_row

rng = np.random.default_rng(3)


def symbols(d, T):
    """Symbolic C (d x d) and p = (p_1, ..., p_T), real."""
    return symbolic_matrix("C", d, d), symbolic_row("p", T)


def residual(Cs, ps):
    """f_i = sum_{t,j} p_t C_ij lambda_j^{t-T+1} lambda_i^{t-1} - lambda_i^T (Lemma 2), built step by step in
    the walkthrough `lemma2_to_prop4`."""
    return lemma2_residual(Cs, ps, len(ps))


def coefficient_equations(Cs, ps, context):
    """Every coefficient of every f_i, after the substitution of the context (pairs for C_O)."""
    eqs = []
    for f in residual(Cs, ps):
        g = f.conjugate_pairs() if context == "orthogonal" else f
        eqs += [sp.expand(c) for c in g.terms.values()]
    return [e for e in eqs if e != 0]

# %% [markdown]
# ## Step 1 — Unitary contexts (Proposition 3): identify the coefficients
#
# For $d = 2$, $T = 3$ the equations and their solutions:

# %%
d, T = 2, 3
Cs, ps = symbols(d, T)
eqs = coefficient_equations(Cs, ps, "unitary")
for e in eqs:
    print(e, "= 0")
solutions = sp.solve(eqs, list(Cs) + ps, dict=True)
solutions

# %% [markdown]
# One family: $p_t = 0$ for $t \ne T$, $\mathbf{C} = \frac{1}{p_T}I$. This is Proposition 3:
# $P^*_{T-1,t} = 0$ for $t \neq T$, $P^*_{T-1,T}\mathbf{C}_{ii} = 1$, $\mathbf{C}_{ij} = 0$ for $i \ne j$. We check
# the family symbolically, and check numerically that it has zero exact loss and that leaving it costs loss.

# %%
assert len(solutions) == 1
sol = solutions[0]
pT = ps[-1]
assert all(sp.simplify(sol.get(x, x)) == 0 for x in ps[:-1])
assert all(sp.simplify(sol.get(Cs[i, j], Cs[i, j]) - (1 / pT if i == j else 0)) == 0
           for i in range(d) for j in range(d))

for p_last in (0.5, 2.0, -3.0):
    p_num = np.zeros(T); p_num[-1] = p_last
    assert exact_loss(np.eye(d) / p_last, p_num) < 1e-24
    assert exact_loss(np.eye(d) / p_last + 1e-3 * rng.normal(size=(d, d)), p_num) > 1e-8
print("zero loss on the family, positive loss next to it")

# %% [markdown]
# The same identification for a larger case, $d = 3$, $T = 4$, with the family substituted: every equation holds.

# %%
Cs3, ps3 = symbols(3, 4)
family = {x: 0 for x in ps3[:-1]} | {Cs3[i, j]: (1 / ps3[-1] if i == j else 0) for i in range(3) for j in range(3)}
assert all(sp.simplify(e.subs(family)) == 0 for e in coefficient_equations(Cs3, ps3, "unitary"))

# %% [markdown]
# ## Step 2 — Orthogonality between heads, and $H \ge d$
#
# $\mathbf{C} = \mathbf{B}^\top\mathbf{A} = \frac1{p_T}I$ says that the columns $a^j, b^i \in \mathbb{R}^H$ (the
# weights of coordinates $j$ and $i$ across the $H$ heads) satisfy $\langle b^i, a^j\rangle = \delta_{ij}/p_T$: a
# biorthogonal system. Coordinate $i$ is read only through directions of head space orthogonal to every $a^j$,
# $j \ne i$. Such a system needs $\mathrm{rank}\,\mathbf{C} = d \le H$, hence $H \ge d$.
#
# Numerically: with $H = d$, any invertible $\mathbf{A}$ and $\mathbf{B} = \mathbf{A}^{-\top}/p_T$ reach zero loss.
# With $H < d$, $\mathbf{C}$ has rank at most $H$, and at $p = e_T$ the loss is $\|\mathbf{C} - I\|_F^2$, whose
# minimum over rank-$H$ matrices is $d - H$ (Eckart–Young): zero loss is impossible.

# %%
d, T, H = 4, 5, 4
A = rng.normal(size=(H, d))
B = np.linalg.inv(A).T / 2.0                         # p_T = 2
p_num = np.zeros(T); p_num[-1] = 2.0
C = B.T @ A
print("B^T A =\n", np.round(C, 12))
assert exact_loss(C, p_num) < 1e-20
gram = B.T @ A                                       # <b^i, a^j>
assert np.allclose(gram - np.diag(np.diag(gram)), 0, atol=1e-12)

e_T = np.zeros(T); e_T[-1] = 1.0
for H_small in (1, 2, 3):
    C_best = np.diag([1.0] * H_small + [0.0] * (d - H_small))      # best rank-H approximation of I
    assert abs(exact_loss(C_best, e_T) - (d - H_small)) < 1e-12
    C_random = rng.normal(size=(H_small, d)).T @ rng.normal(size=(H_small, d))
    assert exact_loss(C_random, e_T) >= d - H_small - 1e-12
    print(f"H = {H_small} < d = {d}: loss at p = e_T is at least {d - H_small}")

# %% [markdown]
# The optimal in-context map is then $\Gamma_{\theta^*}(e_{1:T}) = \bar e_{T-1}\odot e_T = \lambda$ (coordinate-wise
# $\bar\lambda^{T-2}\lambda^{T-1}$), and the prediction is $\lambda\odot e_T = \lambda^T$:

# %%
lam = unitary_contexts(d, 3, rng)
prediction = lemma2_output(C, p_num, lam)
assert np.allclose(prediction, lam ** T, atol=1e-12)
assert np.allclose(np.conj(lam ** (T - 2)) * lam ** (T - 1), lam, atol=1e-12)

# %% [markdown]
# ## Step 3 — Orthogonal contexts (Proposition 6): fewer equations, more solutions
#
# With $\lambda_2 = \bar\lambda_1$ ($d = 2$, $\delta = 1$), monomials that were distinct merge, so some
# coefficients only have to vanish *in sum*. For $T = 3$:

# %%
d, T = 2, 3
Cs, ps = symbols(d, T)
eqs_o = coefficient_equations(Cs, ps, "orthogonal")
for e in eqs_o:
    print(e, "= 0")
sol_o = sp.solve(eqs_o, list(Cs) + ps, dict=True)
sol_o

# %% [markdown]
# Each solution family is checked numerically: pick numbers for its free symbols, and the exact loss under
# orthogonal contexts (`numerics.diagonal_model.exact_loss(..., "orthogonal")`) is zero. The same parameters give
# a positive loss under *unitary* contexts whenever $p_{T-1} \ne 0$ — the extra solutions exist only because
# the context pairs conjugate eigenvalues.

# %%
found_new = False
for s in sol_o:
    free = sorted(set().union(*[sp.sympify(v).free_symbols for v in s.values()]) |
                  (set(list(Cs) + ps) - set(s)), key=str)
    for trial in range(20):
        values = {x: sp.Rational(int(rng.integers(2, 9)), int(rng.integers(2, 5))) for x in free}
        C_num = np.array([[float(sp.sympify(s.get(Cs[i, j], Cs[i, j])).subs(values)) for j in range(d)]
                          for i in range(d)])
        p_vals = np.array([float(sp.sympify(s.get(x, x)).subs(values)) for x in ps])
        if np.all(np.isfinite(C_num)):
            break
    loss_o = exact_loss(C_num, p_vals, "orthogonal")
    loss_u = exact_loss(C_num, p_vals, "unitary")
    print(f"C = {C_num.tolist()}, p = {p_vals.tolist()}: orthogonal loss {loss_o:.1e}, unitary loss {loss_u:.3f}")
    assert loss_o < 1e-20
    found_new |= loss_u > 1e-6
assert found_new      # at least one zero-loss point for C_O is not a zero-loss point for C_U

# %% [markdown]
# ## Step 4 — Orthogonality between the pairs of heads for $\delta = 2$
#
# For $d = 4$ (two conjugate pairs) we fix a zero-loss positional encoding found above and solve the (now linear)
# coefficient equations for $\mathbf{C}$: the solution is **block diagonal**, $\mathbf{C}_{2i-1,j} =
# \mathbf{C}_{2i,j} = 0$ for $j \notin \{2i-1, 2i\}$ — the heads serving one conjugate pair are orthogonal to the
# coordinates of the other pair, as Proposition 6 states. Lemma 3's encoding $p_{T-1} = -1$, $p_T = 2$ is used;
# the solution is then unique, with blocks $\frac12\begin{pmatrix}1 & 1\\ 1 & 1\end{pmatrix}$ of rank one, so
# $\mathrm{rank}\,\mathbf{C} = \delta$: $\delta$ heads suffice for orthogonal contexts (Lemma 3), against $d$ for
# unitary ones.

# %%
d, T = 4, 3
Cs4, _ = symbols(d, T)
p_fixed = [0, -1, 2]                                    # p_{T-2} = 0, p_{T-1} = -1, p_T = 2 (Lemma 3)
eqs4 = coefficient_equations(Cs4, p_fixed, "orthogonal")
sol4 = sp.solve(eqs4, list(Cs4), dict=True)
assert len(sol4) == 1
C4 = Cs4.subs(sol4[0])
print(C4)
for i in range(0, d, 2):
    for j in range(d):
        if j not in (i, i + 1):
            assert C4[i, j] == 0 and C4[i + 1, j] == 0
lam_o = orthogonal_contexts(2, 4, rng)
C4_num = np.array(C4.subs({x: 0.7 for x in C4.free_symbols}), dtype=float)
assert exact_loss(C4_num, np.array(p_fixed, dtype=float), "orthogonal") < 1e-20
assert np.allclose(lemma2_output(C4_num, np.array(p_fixed, dtype=float), lam_o), lam_o ** T, atol=1e-12)
assert C4.rank() == d // 2
print("block-diagonal C of rank delta, exact predictions on orthogonal contexts")

# %% [markdown]
# Within a block, the solution mixes the two coordinates of a pair: it implements, coordinate-wise, the
# trigonometric identity $2\cos\theta\,R_\theta - I_2 = R_{2\theta}$ of Figure 2 ($\lambda + \bar\lambda = 2\cos\theta$),
# predicting $\lambda^T = \lambda^2\odot e_{T-1}$ from the two previous tokens.
