"""Lemma 3 (§5.2, proof A.8): parameters of rank delta that predict exactly for orthogonal contexts."""

from __future__ import annotations

from ...claim import Check, CheckOutcome, Claim
from ._common import ASSUMPTION_1, ASSUMPTION_3, C_MATRIX, CONVERSION_NOTE, MODEL_6
from .proofs.a8_lemma3 import PROOF
from .proofs.certificates import lemma3_all_sizes


def check_symbolic(ctx) -> CheckOutcome:
    """Model (6) derived literally with H = δ heads a_h = b_h = (e_(2h-1) + e_(2h))/√2 (BᵀA = ½ diag(J..J)),
    p_(T-1) = -1, p_T = 2, on C_O tokens (λ_(2i) = 1/λ_(2i-1)): the residual is identically 0."""
    from ical_verify.theory import diagonal_attention as th
    from ical_verify.theory.laurent import LaurentPolynomial

    rows, ok = [], True
    for delta in (1, 2, 3):
        A, B = th.lemma3_heads(delta)
        for T in range(2, 7):
            C, p = th.lemma3_parameters(delta, T)
            lam = LaurentPolynomial.variables(2 * delta)
            out = th.model6_output(A, B, p, T)
            nonzero = sum(len((f - lam[i] ** T).conjugate_pairs().terms) for i, f in enumerate(out))
            via_rhs = sum(len(f.conjugate_pairs().terms) for f in th.residual(C, p, T))
            unitary_loss = th.population_loss(C, p, T, "unitary")
            ok &= nonzero == 0 and via_rhs == 0 and (B.T * A == C)
            rows.append({"delta": delta, "T": T, "nonzero_terms_model6": nonzero, "nonzero_terms_lemma2": via_rhs,
                         "unitary_loss_same_parameters": str(unitary_loss)})
    return CheckOutcome(ok, "With Lemma 3's parameters realised by H = δ heads, model (6) (derived literally) "
                        "and Lemma 2's form both give T_θ(e_(1:T)) - λ^T ≡ 0 on C_O for δ = 1..3, T = 2..6 "
                        f"({'all' if ok else 'not all'} residuals vanish). On C_U the same parameters give a positive "
                        f"loss (e.g. {rows[0]['unitary_loss_same_parameters']} for δ = 1, T = 2): the solution is "
                        "specific to conjugate pairs.", {"cases": rows})


def check_torch(ctx) -> CheckOutcome:
    """The PyTorch model (6) with δ = 5 heads, P = -I + 2·superdiagonal, on sampled C_O sequences (d = 10,
    T_max = 15): outputs equal s_(T+1) up to float64 rounding, and the exact closed-form loss is 0."""
    import numpy as np
    import torch

    from ical_verify.models.diagonal_attention import (DiagonalAttention, DiagonalAttentionConfig, ar_batch)
    from ical_verify.numerics.samplers import orthogonal_contexts
    from ical_verify.theory import diagonal_attention as th

    delta, T_max = 5, 15
    cfg = DiagonalAttentionConfig(d=2 * delta, heads=delta, T_max=T_max)
    model = DiagonalAttention(cfg)
    A, _ = th.lemma3_heads(delta)
    A = torch.tensor(np.array(A.evalf(), dtype=np.float64))
    with torch.no_grad():
        model.A.copy_(A)
        model.B.copy_(A)
        model.P.copy_(-torch.eye(T_max, dtype=torch.float64) + 2 * torch.diag(torch.ones(T_max - 1), 1).double())
    rng = ctx.rng(51)
    lam = orthogonal_contexts(delta, 512, rng)                                 # (512, 2 delta)
    s = ar_batch(torch.tensor(lam), T_max + 1)
    with torch.no_grad():
        err = float((model.forward_all(s) - s[:, 2:, :]).abs().max())
        exact = float(model.exact_loss("orthogonal"))
        unitary = float(model.exact_loss("unitary"))
    tol = 1e-12
    passed = err <= tol and abs(exact) <= tol
    return CheckOutcome(passed, f"d = 10, δ = 5 heads, T = 2..15: max |T_θ(e_(1:T)) - s_(T+1)| = {err:.1e} over 512 "
                        f"sampled C_O sequences; exact loss (3) = {exact:.1e} (tolerance {tol:g}); on C_U the same "
                        f"parameters have loss {unitary:.4g}.",
                        {"max_abs_error": err, "exact_loss_orthogonal": exact, "exact_loss_unitary": unitary,
                         "tolerance": tol})


CLAIM = Claim(
    id="lemma3",
    proof=PROOF,
    kind="lemma",
    title="A rank-delta exact predictor for orthogonal contexts",
    source="§5.2, Lemma 3; proof in Appendix A.8",
    order=10,
    statement=(
        r"\textbf{Lemma 3.} Suppose assumptions 1, 3. If $P_{T-1,T-1}^* = -1$, $P_{T-1,T}^* = 2$ and 0 "
        r"otherwise, and $B^{*\top}A^* = \frac{1}{2} \mathrm{diag}(J, \cdots, J)$, with $J \in \mathbb{R}^{2 \times 2}$ "
        r"and $J_{ij} = 1$ for all $i, j$, then $\mathcal{T}_{\theta^*}(e_{1:T}) = \lambda^T$."
    ),
    definitions={"(6)": MODEL_6, "A, B, C": C_MATRIX},
    assumptions=(ASSUMPTION_1, ASSUMPTION_3, r"$\mathcal{C} = \mathcal{C}_O$, $d = 2\delta$ (§5.2)."),
    conventions=(CONVERSION_NOTE,),
    checks=(
        Check("symbolic-exact-prediction", "symbolic", "printed", check_symbolic,
              "model (6) with Lemma 3's parameters predicts λ^T identically on C_O (δ <= 3, T <= 6)"),
        Check("torch-exact-prediction", "property", "printed", check_torch,
              "PyTorch model (6) with Lemma 3's parameters, d = 10, T_max = 15"),
        Check("certified-all-delta-T", "symbolic", "printed", lemma3_all_sizes(),
              "Lemma 3 for every δ and T (symbolic exponents)"),
    ),
)
