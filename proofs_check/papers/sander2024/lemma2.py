"""Lemma 2 (§5, proof A.4): the output of the diagonal multi-head model (6)."""

from __future__ import annotations

import numpy as np

from ical_verify.numerics.samplers import unitary_contexts

from ...claim import Check, CheckOutcome, Claim, DerivedExpression
from ._common import ASSUMPTION_1, ASSUMPTION_3, C_MATRIX, CONVERSION_NOTE, HERMITIAN, MODEL_6

#: (H, d, T) of the symbolic derivation (d = 1..3, T = 2..6, H = 1..4).
SYMBOLIC_CASES = ((1, 1, 2), (2, 1, 6), (1, 2, 3), (2, 2, 4), (3, 2, 6), (2, 3, 2), (3, 3, 5), (4, 3, 6))


def check_symbolic_output(ctx) -> CheckOutcome:
    """Model (6) derived literally (symbolic a_h, b_h, P_{T-1,t}, λ; hermitian product (A^h e_{T-1})^* e_t)
    equals the printed right-hand side with C = BᵀA, coefficient by coefficient (lengths compared first)."""
    import sympy

    from ical_verify.theory import diagonal_attention as th

    from ._checks_diagonal import model_minus_rhs

    rows, bad, failing = [], 0, []
    for k, (H, d, T) in enumerate(SYMBOLIC_CASES):
        ctx.report("lemma2: symbolic cases", k, len(SYMBOLIC_CASES))
        diff = model_minus_rhs(H, d, T)
        bad += len(diff)
        if diff:
            failing.append((H, d, T))
        rows.append({"H": H, "d": d, "T": T, "nonzero_coefficient_differences": len(diff)})
    A = th.symbolic_matrix("a", 2, 2)
    B = th.symbolic_matrix("b", 2, 2)
    p = th.symbolic_row("p", 3)
    out1 = th.model6_output(A, B, p, 3)[0].as_expr()
    passed = bad == 0
    n_ok = len(SYMBOLIC_CASES) - len(failing)
    summary = (f"Model (6) derived symbolically {'equals' if passed else 'differs from'} the printed "
               f"Σ_t P_(T-1,t) [BᵀA λ^(t-T+1)] ⊙ λ^(t-1) in {n_ok}/{len(SYMBOLIC_CASES)} cases (H <= 4, d <= 3, "
               f"T <= 6): {bad} coefficient differences.")
    detail = (summary + " Torus variables λ with conjugation λ -> 1/λ; every coefficient of every component compared "
              "(component counts compared first)."
              + (f" Failing (H, d, T): {failing}." if failing else "")
              + " (Typographical, not a failure: the statement writes e_(1:T) ∈ R^(T×d) although λ is complex.)")
    return CheckOutcome(passed, detail, {"cases": rows, "coefficient_differences": bad}, summary=summary,
                        scope="H <= 4, d <= 3, T <= 6 (8 symbolic cases)",
                        derived=[DerivedExpression.from_sympy(
                            "lemma2_output_component1_H2_d2_T3", sympy.factor_terms(out1),
                            "first component of model (6) for H = 2, d = 2, T = 3, derived from (6)")])


#: (H, d, T) of the PyTorch comparison (random parameters and contexts).
TORCH_CASES = ((1, 1, 2), (3, 2, 5), (4, 5, 7), (10, 10, 15), (6, 10, 15))


def check_torch_forward(ctx) -> CheckOutcome:
    """The PyTorch model (6) (models.diagonal_attention) against Lemma 2's formula at random parameters."""
    import torch

    from ical_verify.models.diagonal_attention import DiagonalAttention, DiagonalAttentionConfig, ar_batch
    from ical_verify.numerics import diagonal_model

    rng = ctx.rng(21)
    rows, worst = [], 0.0
    for H, d, T in TORCH_CASES:
        cfg = DiagonalAttentionConfig(d=d, heads=H, T_max=T)
        model = DiagonalAttention(cfg, generator=torch.Generator().manual_seed(int(rng.integers(2**31))))
        lam = unitary_contexts(d, 64, rng)                                    # (64, d)
        s = ar_batch(torch.tensor(lam), T)
        with torch.no_grad():
            out = model(s).numpy()                                            # (64, d)
            C = model.C().numpy()
            p = model.positional()[T - 2, :T].numpy()
        ref = diagonal_model.lemma2_output(C, p, lam)
        if ref.shape != out.shape:
            err = float("inf")
        else:
            err = float(np.max(np.abs(out - ref)) / max(1.0, np.max(np.abs(ref))))
        worst = max(worst, err)
        rows.append({"H": H, "d": d, "T": T, "max_relative_error": err})
    tol = 1e-12
    passed = worst <= tol
    summary = (f"PyTorch model (6) vs Lemma 2's formula at random (A, B, P, λ), {len(TORCH_CASES)} sizes up to "
               f"H = d = 10, T = 15: worst relative error {worst:.1e} (float64 rounding tolerance {tol:g}).")
    return CheckOutcome(passed, summary + " 64 unitary contexts per size.", {"cases": rows, "tolerance": tol,
                                                                            "worst": worst},
                        summary=summary, scope="5 random (H, d, T) with d <= 10, T <= 15")


CLAIM = Claim(
    id="lemma2",
    kind="lemma",
    title="Output of the diagonal linear-attention model (6)",
    source="§5, Lemma 2; proof in Appendix A.4",
    order=6,
    statement=(
        r"\textbf{Lemma 2.} Suppose assumptions 1 and 3. Writing $a_h = (a_h^1, \dots, a_h^d)$ and "
        r"$b_h = (b_h^1, \dots, b_h^d)$ and letting $\mathbf{A} := (a^1, \dots, a^d) \in \mathbb{R}^{H \times d}$, "
        r"and $\mathbf{B} := (b^1, \dots, b^d)$, one has for an input sequence $e_{1:T} = (1_d, \lambda, \dots, "
        r"\lambda^{T-1}) \in \mathbb{R}^{T \times d}$: $\mathcal{T}_{\theta}(e_{1:T}) = \sum_{t=1}^{T} P_{T-1,t} "
        r"[\mathbf{B}^{\top} \mathbf{A}] \lambda^{t-T+1} \odot \lambda^{t-1}$"
    ),
    definitions={
        "(6)": MODEL_6,
        "A, B, C": C_MATRIX,
        "hermitian product": HERMITIAN,
        r"\lambda^k": r"(\lambda^k)_i = \lambda_i^k\ \text{(Notations)}",
    },
    assumptions=(ASSUMPTION_1, ASSUMPTION_3),
    conventions=(CONVERSION_NOTE,
                 "A is the H x d matrix whose row h is a_h (column j is a^j); C = BᵀA has C_ij = Σ_h b_h^i a_h^j.",
                 "The statement writes e_(1:T) ∈ R^(T×d); the tokens λ^(t-1) are complex (C^(T×d)), as the proof A.4 "
                 "uses. Read as a typographical slip; it changes nothing in the identity."),
    checks=(
        Check("symbolic-output", "symbolic", "printed", check_symbolic_output,
              "model (6) derived symbolically from its definition equals the printed right-hand side",
              severity="substantive"),
        Check("torch-forward", "property", "printed", check_torch_forward,
              "the PyTorch model (6) agrees with Lemma 2's formula at random parameters"),
    ),
)
