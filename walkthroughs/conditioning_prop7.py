# %% [markdown]
# # Proposition 7: conditioning of the positional encoding and early stopping
#
# §5.3 of Sander et al. (ICML 2024) fixes $\mathbf{B}^\top\mathbf{A} = I_d$ (positional-encoding-only attention);
# the problem splits by coordinate, so $d = 1$. The context is $s_{t+1} = \lambda s_t$ with
# $\lambda = e^{i\theta/\mu}$, $\theta \sim \mathcal{U}(0, 2\pi)$, $\mu \ge 1$: the distribution $\mathcal{W}(\mu)$.
# For $\mu = 1$ the phase is uniform on the circle; for large $\mu$ it is concentrated on a small arc near $1$.
# The positional encoding $p \in \mathbb{R}^T$ solves
#
# $$\min_{p\in\mathbb{R}^T} l(p) := \mathbb{E}_{\lambda\sim\mathcal{W}(\mu)}\Big|\sum_{t=1}^T p_t\lambda^{2t-T} - \lambda^T\Big|^2 \quad (7).$$
#
# The minimiser is $p^* = e_T$ for every $\mu$ (the last token predicts the next one exactly), but the *conditioning*
# of (7) depends on $\mu$, and so does what gradient descent finds in a finite number of steps.

# %%
import matplotlib.pyplot as plt
import numpy as np
import sympy as sp

from ical_verify.numerics.montecarlo import monte_carlo_mean
from ical_verify.numerics.samplers import w_mu_contexts
from ical_verify.theory.laurent import LaurentPolynomial, w_mu_moment

rng = np.random.default_rng(11)

# %% [markdown]
# ## Step 1 — The loss (7) from the moments of $\mathcal{W}(\mu)$
#
# $|f|^2 = f\bar f$ with $\bar\lambda = 1/\lambda$ on the circle, so $l(p)$ is a combination of the moments
# $\mathbb{E}\lambda^k = \frac{e^{2\pi i k/\mu} - 1}{2\pi i k/\mu}$ (`theory.laurent.w_mu_moment`). Unlike the
# uniform case, these moments are not zero: the monomials are no longer orthogonal.

# %%
T = 4
mu = sp.Integer(3)
p = [sp.Symbol(f"p_{t}", real=True) for t in range(1, T + 1)]
lam, = LaurentPolynomial.variables(1)
f = sum((p[t - 1] * lam ** (2 * t - T) for t in range(1, T + 1)), -lam ** T)
l_sym = (f * f.conjugate()).expectation_with_moments(lambda k: w_mu_moment(k, mu))
l_sym = sp.nsimplify(sp.expand(sp.re(sp.expand_complex(l_sym))))
print(sp.N(l_sym, 6))

# %% [markdown]
# Check at a random $p$ against a Monte Carlo estimate (6-sigma interval) from samples of $\mathcal{W}(\mu)$:

# %%
p_num = rng.normal(size=T)
exact_value = float(l_sym.subs(dict(zip(p, p_num))))


def draw(r, n):
    z = w_mu_contexts(float(mu), n, r)[:, 0]                                # (n,) samples of lambda
    out = sum(p_num[t - 1] * z ** (2 * t - T) for t in range(1, T + 1)) - z ** T
    return np.abs(out) ** 2


mc = monte_carlo_mean(draw, 400_000, rng)
print(f"exact {exact_value:.6f}, Monte Carlo {mc.estimate:.6f} ± {mc.standard_error:.6f}")
assert mc.contains(exact_value)

# %% [markdown]
# ## Step 2 — The quadratic term: $H_{t,t'} = \frac{\mu}{4\pi(t'-t)}\sin\big(4(t'-t)\frac{\pi}{\mu}\big)$
#
# Appendix A.10 writes the second-order term as $\langle p|Hp\rangle = \sum_{t,t'}p_tp_{t'}\,\mathbb{E}\lambda^{2(t'-t)}$.
# The real part of $\mathbb{E}\lambda^{2k} = \frac{\mu}{2\pi}\int_0^{2\pi/\mu}e^{2ik\phi}\,d\phi$ is
# $\frac{\mu}{4\pi k}\sin(4\pi k/\mu)$, and $1$ on the diagonal (the limit $k \to 0$). This $H$ is the matrix of the
# quadratic form, $l(p) = p^\top H p - 2p^\top H e_T + 1$; the Hessian of $l$ in the usual sense is $2H$ (the
# factor does not change the conditioning, it doubles every eigenvalue). We compare with the SymPy Hessian:

# %%
def H_printed(T, mu):
    t = np.arange(1, T + 1)
    k = t[None, :] - t[:, None]                                             # (T, T): t' - t
    with np.errstate(invalid="ignore", divide="ignore"):
        H = mu / (4 * np.pi * k) * np.sin(4 * k * np.pi / mu)
    H[k == 0] = 1.0
    return H


hessian = np.array(sp.hessian(l_sym, p).evalf(), dtype=float)
print(np.round(hessian / 2, 6))
assert np.allclose(hessian / 2, H_printed(T, 3.0), atol=1e-12)
gradient_at_eT = np.array([float(sp.diff(l_sym, x).subs(dict(zip(p, [0] * (T - 1) + [1])))) for x in p])
assert np.allclose(gradient_at_eT, 0, atol=1e-12)                         # p* = e_T is a critical point
assert abs(float(l_sym.subs(dict(zip(p, [0] * (T - 1) + [1]))))) < 1e-12  # ... with zero loss

# %% [markdown]
# ## Step 3 — The spectrum: $\sigma_1(\mu) \to T$, $\sigma_{t>1}(\mu) \to 0$ as $\mu \to \infty$
#
# As $\mu \to \infty$, $\frac{\mu}{4\pi k}\sin(4\pi k/\mu) \to 1$ for every $k$, so $H \to \mathbf{1}\mathbf{1}^\top$,
# whose eigenvalues are $T$ (once) and $0$. For $\mu = 1$ the moments vanish ($k \ne 0$) and $H = I$: perfectly
# conditioned (so is $\mu = 2$, since then $\lambda^2$ is uniform on the circle). In between, the condition number $\sigma_1/\sigma_T$ grows quickly with $\mu$.

# %%
T = 10
mus = np.geomspace(1, 1000, 40)
spectra = np.array([np.sort(np.linalg.eigvalsh(H_printed(T, m)))[::-1] for m in mus])   # (40, T)
assert np.allclose(spectra[0], 1, atol=1e-12)                                            # mu = 1: H = I
far = np.sort(np.linalg.eigvalsh(H_printed(T, 1e5)))[::-1]                              # mu = 10^5
assert abs(far[0] - T) < 1e-4 and far[1] < 1e-4
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.loglog(mus, np.clip(spectra, 1e-17, None), lw=1)
ax.set_xlabel("$\\mu$")
ax.set_ylabel("eigenvalues of $H$")
ax.set_title(f"T = {T}: one eigenvalue tends to T, the others to 0")
fig.tight_layout()
plt.show()
for m in (1, 2, 5, 20, 100):
    s = np.sort(np.linalg.eigvalsh(H_printed(T, m)))[::-1]
    cond = f"{s[0] / s[-1]:.2e}" if s[-1] > 1e-13 else "beyond double precision"
    print(f"mu = {m:4d}: sigma_1 = {s[0]:.4f}, sigma_2 = {s[1]:.2e}, sigma_T = {s[-1]:.1e}, condition number {cond}")

# %% [markdown]
# ## Step 4 — Early stopping: what gradient descent finds before it converges
#
# Gradient descent on $l$ from $p_0 = 0$ with step $\eta$ gives $p_k - p^* = (I - 2\eta H)^k(p_0 - p^*)$: the error
# shrinks by $1 - 2\eta\sigma$ along the eigenvector of each eigenvalue $\sigma$. With $\eta = 1/(2\sigma_1)$, the
# direction of $\sigma_1$ is solved in one step, while directions with tiny $\sigma$ barely move. Stopping when the
# loss is below $10^{-3}$ (as in §6) leaves $p$ far from $p^* = e_T$, and the error is a smooth function of $t$ —
# the "spatial smoothing" of the positional encoding discussed after Proposition 7.

# %%
def gd_until(H, tol=1e-3, max_steps=100_000):
    T = H.shape[0]
    target = np.zeros(T); target[-1] = 1.0                                  # p* = e_T
    eta = 1 / (2 * np.linalg.eigvalsh(H)[-1])
    q = np.zeros(T)
    for k in range(max_steps):
        err = q - target
        if err @ H @ err < tol:                                             # l(q) = (q - p*)^T H (q - p*)
            return q, k
        q = q - eta * 2 * H @ err                                           # grad l = 2 H (q - p*)
    return q, max_steps


results = {}
for m in (1.0, 5.0, 50.0):
    H = H_printed(T, m)
    q, steps = gd_until(H)
    w, V = np.linalg.eigh(H)
    eta = 1 / (2 * w[-1])
    target = np.eye(T)[-1]
    closed = target + V @ np.diag((1 - 2 * eta * w) ** steps) @ V.T @ (-target)   # the closed form above
    assert np.allclose(q, closed, atol=1e-9)
    results[m] = (q, steps)
    print(f"mu = {m:5.1f}: {steps:5d} steps, loss < 1e-3, |p - p*| = {np.linalg.norm(q - target):.3f}")

assert np.linalg.norm(results[1.0][0] - np.eye(T)[-1]) < 0.05     # well conditioned: p is close to p*
assert np.linalg.norm(results[50.0][0] - np.eye(T)[-1]) > 0.5      # ill conditioned: low loss, p far from p*

fig, ax = plt.subplots(figsize=(6, 3.5))
for m, (q, steps) in results.items():
    ax.plot(np.arange(1, T + 1), q, "o-", label=f"$\\mu$ = {m:g} ({steps} steps)")
ax.plot(np.arange(1, T + 1), np.eye(T)[-1], "k--", label="$p^* = e_T$")
ax.set_xlabel("t")
ax.set_ylabel("$p_t$ when the loss is below $10^{-3}$")
ax.legend()
fig.tight_layout()
plt.show()
