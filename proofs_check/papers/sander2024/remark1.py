"""Remark 1 (§3): the realification of a unitary matrix is a rotation with conjugate-pair eigenvalues."""

from __future__ import annotations

import numpy as np

from ...claim import Check, CheckOutcome, Claim, RunContext

CLAIM_ID = "remark1"
DIMS = (1, 2, 3, 4, 6)
#: Rounding-level tolerance for orthogonality, determinant and spectra of float64 matrices of size <= 12.
TOL = 1e-10

CORRECTED = (
    r"\text{For any rotation } W_O \in SO(2d) \text{ there are a unitary } W_U \in U(d) \text{ and } M \in O(2d) "
    r"\text{ with } W_O = M\begin{bmatrix}\mathrm{Re}W_U & -\mathrm{Im}W_U\\ \mathrm{Im}W_U & \mathrm{Re}W_U"
    r"\end{bmatrix}M^\top,\ W_U = \mathrm{diag}(\text{eigenvalues with positive imaginary part, and half of "
    r"the eigenvalues } +1 \text{ and half of the eigenvalues } -1 \text{ (their multiplicities are even)})."
)


def check_symbolic(ctx: RunContext) -> CheckOutcome:
    """ρ is a *-morphism and det ρ(U) = |det U|^2, for generic symbolic complex matrices."""
    import sympy

    from ical_verify.proofs_check.claim import DerivedExpression
    from ical_verify.theory.realification import determinant_defect, morphism_defects

    morph = {d: [m.is_zero_matrix for m in morphism_defects(d)] for d in (1, 2, 3)}
    dets = {d: determinant_defect(d) for d in (1, 2)}
    ok = all(all(v) for v in morph.values()) and all(v == 0 for v in dets.values())
    return CheckOutcome(
        passed=bool(ok),
        detail=("SymPy, generic U = X + iY, V: rho(UV) = rho(U) rho(V) and rho(U^*) = rho(U)^T for d = 1, 2, 3 "
                f"({morph}); det rho(U) - |det U|^2 = {list(dets.values())} for d = 1, 2. Hence U^*U = I gives "
                "rho(U)^T rho(U) = I and det rho(U) = 1: rho maps U(d) into SO(2d)."),
        metrics={"morphism_zero": {str(k): v for k, v in morph.items()},
                 "det_defect": {str(k): str(v) for k, v in dets.items()}},
        derived=[DerivedExpression.from_sympy("det_defect_d2", sympy.Integer(dets[2]),
                                              "det rho(U) - |det U|^2 for generic 2x2 U")],
    )


def _haar_unitaries(ctx: RunContext, n: int):
    from ical_verify.numerics.samplers import haar_unitary

    rng = ctx.rng(11)
    return {d: haar_unitary(d, n, rng) for d in DIMS}


def _n(ctx: RunContext) -> int:
    return 50 if ctx.profile == "quick" else 1000


def check_orthogonal(ctx: RunContext) -> CheckOutcome:
    from ical_verify.numerics.realification import realify

    worst_orth = worst_det = 0.0
    rows = []
    for d, U in _haar_unitaries(ctx, _n(ctx)).items():
        W = realify(U)                                                        # (n, 2d, 2d)
        orth = float(np.abs(np.einsum("nji,njk->nik", W, W) - np.eye(2 * d)).max())
        det = float(np.abs(np.linalg.det(W) - 1).max())
        worst_orth, worst_det = max(worst_orth, orth), max(worst_det, det)
        rows.append({"d": d, "max_abs_WtW_minus_I": orth, "max_abs_det_minus_1": det})
    return CheckOutcome(
        passed=worst_orth < TOL and worst_det < TOL,
        detail=(f"{_n(ctx)} Haar unitaries per d in {DIMS}: max |W_O^T W_O - I| = {worst_orth:.2e}, "
                f"max |det W_O - 1| = {worst_det:.2e} (tolerance {TOL:g}). Exact reason: realify is a ring "
                "morphism with realify(U^*) = realify(U)^T, and det realify(U) = |det U|^2 = 1."),
        metrics={"per_d": rows, "tolerance": TOL},
    )


def check_conjugate_pairs(ctx: RunContext) -> CheckOutcome:
    from ical_verify.numerics.realification import realify, spectra_match

    worst_union = worst_conj = 0.0
    for d, U in _haar_unitaries(ctx, _n(ctx)).items():
        for u in U:
            ev = np.linalg.eigvals(realify(u))
            eu = np.linalg.eigvals(u)
            worst_union = max(worst_union, spectra_match(ev, np.concatenate([eu, eu.conj()])))
            worst_conj = max(worst_conj, spectra_match(ev, ev.conj()))
    return CheckOutcome(
        passed=worst_union < 1e-8 and worst_conj < 1e-8,
        detail=(f"spec(W_O) = spec(W_U) u conj spec(W_U) within {worst_union:.2e}, and spec(W_O) is closed "
                f"under conjugation within {worst_conj:.2e} (optimal matching, tolerance 1e-8)."),
        metrics={"max_union_mismatch": worst_union, "max_conjugation_mismatch": worst_conj},
    )


def check_block_form(ctx: RunContext) -> CheckOutcome:
    """Real Schur form of W_O: block diagonal with 2x2 rotations (an orthogonal similarity)."""
    import scipy.linalg

    from ical_verify.numerics.realification import realify

    worst_off = worst_block = 0.0
    for d, U in _haar_unitaries(ctx, _n(ctx)).items():
        for u in U:
            T, Z = scipy.linalg.schur(realify(u), output="real")
            blocks = np.zeros_like(T)
            i = 0
            while i < 2 * d:
                if i + 1 < 2 * d and abs(T[i + 1, i]) > 1e-12:
                    B = T[i:i + 2, i:i + 2]
                    worst_block = max(worst_block, float(np.abs(B.T @ B - np.eye(2)).max()),
                                      abs(float(np.linalg.det(B)) - 1))
                    blocks[i:i + 2, i:i + 2] = B
                    i += 2
                else:
                    blocks[i, i] = T[i, i]
                    i += 1
            worst_off = max(worst_off, float(np.abs(T - blocks).max()))
    return CheckOutcome(
        passed=worst_off < 1e-8 and worst_block < 1e-8,
        detail=(f"Real Schur form Z^T W_O Z (Z orthogonal) is block diagonal within {worst_off:.2e}; every 2x2 "
                f"block is a rotation within {worst_block:.2e}; 1x1 blocks (real eigenvalues) are +-1 and pair "
                "into rotations by 0 or pi."),
        metrics={"max_off_block": worst_off, "max_block_non_rotation": worst_block},
    )


def _real_eigen_rotations(rng: np.random.Generator) -> list[tuple[str, np.ndarray]]:
    """Rotations with eigenvalues +-1: identities, realifications of unitaries with real eigenvalues, and
    random orthogonal conjugates of diag(R(θ), ±I)."""
    from ical_verify.numerics.realification import haar_rotation, realify

    out = []
    for d in (1, 2, 3):
        out.append((f"I_{2 * d}", np.eye(2 * d)))
        out.append((f"-I_{2 * d}", -np.eye(2 * d)))
    for d in (2, 3):
        phases = np.exp(1j * rng.uniform(0, 2 * np.pi, d - 1))
        out.append((f"realify(diag(1, e^i.)) d={d}", realify(np.diag(np.r_[1.0, phases]))))
        out.append((f"realify(diag(-1, e^i.)) d={d}", realify(np.diag(np.r_[-1.0, phases]))))
        Q = haar_rotation(2 * d, 1, rng)[0]
        th = rng.uniform(0, np.pi)
        D = np.eye(2 * d)
        D[:2, :2] = [[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]]
        out.append((f"Q diag(R, I) Q^T d={d}", Q @ D @ Q.T))
        D2 = D.copy()
        D2[2:4, 2:4] = -np.eye(2)
        out.append((f"Q diag(R, -I_2, I) Q^T d={d}", Q @ D2 @ Q.T))
    return out


def converse_outcome(rotations: list[tuple[str, np.ndarray]], rule: str) -> tuple[bool, list[dict]]:
    from ical_verify.numerics.realification import rotation_to_unitary

    rows = []
    for name, W in rotations:
        r = rotation_to_unitary(W, rule)
        rows.append({"rotation": name, "ok": r.ok, "n_selected": r.n_selected, "d": W.shape[0] // 2,
                     "reason": r.reason, "reconstruction_error": r.reconstruction_error})
    return all(r["ok"] for r in rows), rows


def check_converse_generic(ctx: RunContext) -> CheckOutcome:
    from ical_verify.numerics.realification import haar_rotation

    rng = ctx.rng(12)
    rots = [(f"Haar SO({2 * d})", W) for d in DIMS for W in haar_rotation(2 * d, _n(ctx) // 5, rng)]
    ok, rows = converse_outcome(rots, "positive-imag")
    worst = max(r["reconstruction_error"] for r in rows)
    return CheckOutcome(
        passed=ok,
        detail=(f"{len(rows)} Haar rotations of SO(2d), d in {DIMS}: selecting the eigenvalues with positive "
                f"imaginary part gives exactly d of them every time, and W_O = M realify(diag(selected)) M^T "
                f"with M orthogonal (from the real Schur form) within {worst:.2e}. (Haar rotations have no real "
                "eigenvalue almost surely.)"),
        metrics={"n": len(rows), "all_ok": ok, "max_reconstruction_error": worst},
    )


def check_converse_real_eigenvalues(ctx: RunContext) -> CheckOutcome:
    rots = _real_eigen_rotations(ctx.rng(13))
    ok, rows = converse_outcome(rots, "positive-imag")
    failed = [f"{r['rotation']} ({r['n_selected']} of {r['d']})" for r in rows if not r["ok"]]
    return CheckOutcome(
        passed=ok,
        detail=("The printed selection rule ('those with positive imaginary parts') applied to rotations with "
                f"eigenvalues +-1: it fails for {len(failed)} of {len(rows)}: {failed}. A rotation with real "
                "eigenvalues (e.g. the identity I_2d = realify(I_d)) has fewer than d eigenvalues with positive "
                "imaginary part, so the printed rule does not produce a unitary of size d there; half of the "
                "+1 and half of the -1 eigenvalues must be added (corrected rule, next check)."),
        metrics={"cases": rows},
    )


def check_converse_corrected(ctx: RunContext) -> CheckOutcome:
    from ical_verify.numerics.realification import haar_rotation

    rng = ctx.rng(14)
    rots = _real_eigen_rotations(ctx.rng(13)) + [(f"Haar SO({2 * d})", W) for d in DIMS
                                                  for W in haar_rotation(2 * d, 10, rng)]
    ok, rows = converse_outcome(rots, "half-real")
    # negative control: improper orthogonal matrices (det -1) must be rejected
    improper = []
    for d in (1, 2, 3):
        D = np.eye(2 * d)
        D[0, 0] = -1
        improper.append((f"diag(-1, 1, ...) size {2 * d}", D))
    _, bad_rows = converse_outcome(improper, "half-real")
    rejects = all(not r["ok"] for r in bad_rows)
    worst = max(r["reconstruction_error"] for r in rows)
    return CheckOutcome(
        passed=ok and rejects,
        detail=(f"Corrected rule (positive imaginary part + half of each of the eigenvalues +1 and -1): all "
                f"{len(rows)} rotations (with and without real eigenvalues) give a unitary of size d with "
                f"W_O = M realify(W_U) M^T within {worst:.2e}; improper orthogonal matrices (det -1) are rejected "
                f"({rejects}). Note the correspondence holds up to the orthogonal change of basis M: W_O itself "
                "equals realify(W_U) only if it commutes with J = [[0, -I], [I, 0]]."),
        metrics={"cases": rows, "improper_rejected": rejects, "improper": bad_rows},
        corrected=CORRECTED,
    )


CLAIM = Claim(
    id="remark1",
    kind="remark",
    title="Realification maps U(d) into O(2d)",
    source="§3, Remark 1",
    order=1,
    statement=(
        r"If $W_U \in U(d)$, then $W_O := \begin{bmatrix} \mathrm{Real}(W_U) & -\mathrm{Imag}(W_U) \\ "
        r"\mathrm{Imag}(W_U) & \mathrm{Real}(W_U) \end{bmatrix}$ is in $O(2d)$ and has pairwise conjugate "
        r"eigenvalues. $W_O$ is a rotation (because $W_O$ is similar to a $2 \times 2$ block diagonal matrix "
        r"with rotations). Reciprocally, for any rotation $W_O$ of size $2d$ corresponds a unitary matrix "
        r"$W_U$ of size $d$ by selecting half of the eigenvalues (for instance those with positive imaginary "
        r"parts)."
    ),
    definitions={
        "O(d)": r"O(d) = \{W \in \mathbb{R}^{d\times d} | W^\top W = I_d\}",
        "U(d)": r"U(d) = \{W \in \mathbb{C}^{d\times d} | W^* W = I_d\}",
    },
    assumptions=(),
    conventions=("A rotation is an element of SO(2d): orthogonal with determinant +1.",),
    checks=(
        Check("realification-morphism-symbolic", "symbolic", "printed", check_symbolic,
              "rho(UV) = rho(U)rho(V), rho(U^*) = rho(U)^T, det rho(U) = |det U|^2"),
        Check("realification-in-SO2d", "property", "printed", check_orthogonal,
              "W_O^T W_O = I and det W_O = 1 over Haar unitaries"),
        Check("conjugate-pair-eigenvalues", "property", "printed", check_conjugate_pairs,
              "spec W_O = spec W_U u conj spec W_U"),
        Check("rotation-block-form", "property", "printed", check_block_form,
              "real Schur form is block diagonal with 2x2 rotations"),
        Check("converse-positive-imag-generic", "property", "printed", check_converse_generic,
              "printed selection rule on Haar rotations"),
        Check("converse-positive-imag-real-eigenvalues", "property", "printed", check_converse_real_eigenvalues,
              "printed selection rule on rotations with eigenvalues +-1"),
        Check("converse-corrected-rule", "property", "corrected", check_converse_corrected,
              "positive imaginary part + half of the real eigenvalues, on all rotations"),
    ),
)
