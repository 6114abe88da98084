"""Remark 1 (§3): the realification of a unitary matrix is a rotation with conjugate-pair eigenvalues, and the
converse: a rotation of size 2d gives a unitary of size d by selecting half of its eigenvalues.

The converse sentence admits two readings (``READINGS``): "by selecting half of the eigenvalues" as the rule,
with "(for instance those with positive imaginary parts)" an example of a selection (adopted: "for instance"
marks an example); or the example as the rule for every rotation, which fails for rotations with eigenvalues ±1.
"""

from __future__ import annotations

import numpy as np

from ...claim import Check, CheckOutcome, Claim, DerivedExpression, Reading, RunContext

CLAIM_ID = "remark1"
DIMS = (1, 2, 3, 4, 6)
#: Rounding-level tolerance for orthogonality, determinant and spectra of float64 matrices of size <= 12.
TOL = 1e-10
#: Spectra are compared by optimal matching; eigenvalues of a (nearly) defective matrix are accurate to ~sqrt(eps).
SPECTRUM_TOL = 1e-8

#: The selection used for the converse under the adopted reading: one eigenvalue of each conjugate pair (the
#: one with positive imaginary part) and half of each of the eigenvalues +1 and -1.
SELECTION_RULE = "half-real"
#: The example the text gives ("for instance those with positive imaginary parts").
EXAMPLE_RULE = "positive-imag"

CORRECTED = (
    r"\text{For any rotation } W_O \in SO(2d) \text{ there are a unitary } W_U \in U(d) \text{ and } M \in O(2d) "
    r"\text{ with } W_O = M\begin{bmatrix}\mathrm{Re}W_U & -\mathrm{Im}W_U\\ \mathrm{Im}W_U & \mathrm{Re}W_U"
    r"\end{bmatrix}M^\top,\ W_U = \mathrm{diag}(\text{eigenvalues with positive imaginary part, and half of "
    r"the eigenvalues } +1 \text{ and half of the eigenvalues } -1 \text{ (their multiplicities are even)})."
)


# ------------------------------------------------------------------------------------------------ inputs
def _n(ctx: RunContext) -> int:
    return 50 if ctx.profile == "quick" else 1000


def unitary_inputs(ctx: RunContext) -> list[tuple[str, np.ndarray]]:
    """Unitaries W_U: Haar-random for each d in :data:`DIMS`, and structured ones with real eigenvalues
    (±identity, diagonal sign matrices, permutation matrices, diag(1, phases))."""
    from ical_verify.numerics.samplers import haar_unitary

    rng = ctx.rng(11)
    out = [(f"Haar U({d})", U) for d in DIMS for U in haar_unitary(d, _n(ctx), rng)]
    for d in (1, 2, 3, 4):
        out.append((f"I_{d}", np.eye(d, dtype=complex)))
        out.append((f"-I_{d}", -np.eye(d, dtype=complex)))
        out.append((f"diag(+-1) d={d}", np.diag(rng.choice([-1.0, 1.0], d)).astype(complex)))
        out.append((f"permutation d={d}", np.eye(d, dtype=complex)[rng.permutation(d)]))
        out.append((f"diag(1, phases) d={d}", np.diag(np.r_[1.0, np.exp(1j * rng.uniform(0, 2 * np.pi, d - 1))])))
    return out


def rotation_inputs(ctx: RunContext) -> list[tuple[str, np.ndarray]]:
    """Rotations of SO(2d): Haar-random (no real eigenvalue almost surely) and rotations with eigenvalues ±1
    (:func:`real_eigen_rotations`)."""
    from ical_verify.numerics.realification import haar_rotation

    rng = ctx.rng(12)
    rots = [(f"Haar SO({2 * d})", W) for d in DIMS for W in haar_rotation(2 * d, max(2, _n(ctx) // 5), rng)]
    return rots + real_eigen_rotations(ctx.rng(13))


def real_eigen_rotations(rng: np.random.Generator) -> list[tuple[str, np.ndarray]]:
    """Rotations with eigenvalues ±1 (each of even multiplicity, as in SO(2d)): identities, realifications of
    unitaries with real eigenvalues, and random orthogonal conjugates of diag(R(θ), ±I)."""
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


def improper_inputs() -> list[tuple[str, np.ndarray]]:
    """Orthogonal matrices of determinant -1 (not rotations): diag(-1, 1, ..., 1) of sizes 2, 4, 6."""
    out = []
    for d in (1, 2, 3):
        D = np.eye(2 * d)
        D[0, 0] = -1
        out.append((f"diag(-1, 1, ...) size {2 * d}", D))
    return out


# ------------------------------------------------------------------------------------------------ judges
def symbolic_outcome(realify_fn=None) -> CheckOutcome:
    """Block identities for every d (d a symbol): rho is multiplicative, rho(U^*) = rho(U)^T, and
    M rho(U) M^-1 = diag(conj U, U); plus the entrywise determinant identity for d = 1, 2 as a cross-check."""
    import sympy

    from ical_verify.theory import realification as th

    morph = th.morphism_defects_all_d(realify_fn)
    diag = th.diagonalisation_defect_all_d(realify_fn)
    ok_morph = {k: th.is_zero_defect(v) for k, v in morph.items()}
    ok_diag = th.is_zero_defect(diag)
    detM = {d: str(th.diagonaliser_determinant(d)) for d in (1, 2, 3)}
    dets = {d: th.determinant_defect(d) for d in (1, 2)} if realify_fn is None else {}
    ok = all(ok_morph.values()) and ok_diag and all(v == 0 for v in dets.values())
    bad = {k: [str(b) for b in v] for k, v in morph.items() if not ok_morph[k]}
    if not ok_diag:
        bad["diagonalisation"] = [str(b) for b in diag]
    return CheckOutcome(
        passed=bool(ok),
        detail=("SymPy block-matrix identities with d a symbol and U = X + iY (X, Y non-commuting d x d matrix "
                f"symbols): rho(U1 U2) - rho(U1) rho(U2) = 0: {ok_morph['product']}; rho(U^*) - rho(U)^T = 0: "
                f"{ok_morph['adjoint']}; M rho(U) - diag(conj U, U) M = 0 with M = [[I, -iI], [I, iI]] "
                f"(det M = (2i)^d, e.g. {detM}): {ok_diag}. Hence for every d and U in U(d): rho(U)^T rho(U) = "
                "rho(U^* U) = I, det rho(U) = det(conj U) det(U) = |det U|^2 = 1, and spec rho(U) = spec U u conj "
                "spec U (pairwise conjugate): rho maps U(d) into SO(2d). Entrywise cross-check det rho(U) - "
                f"|det U|^2 = {list(dets.values())} for d = 1, 2." + (f" NONZERO: {bad}" if bad else "")),
        summary=(f"For every d (block identities, d symbolic): rho multiplicative and rho(U^*) = rho(U)^T: "
                 f"{all(ok_morph.values())}; rho(U) similar to diag(conj U, U): {ok_diag}; so W_O in SO(2d) with "
                 "conjugate-pair spectrum."),
        metrics={"product_zero": ok_morph["product"], "adjoint_zero": ok_morph["adjoint"],
                 "diagonalisation_zero": ok_diag, "det_M": detM,
                 "entrywise_det_defect": {str(k): str(v) for k, v in dets.items()}, "nonzero_blocks": bad},
        derived=[DerivedExpression.from_sympy("diagonaliser", th.diagonaliser(2).as_explicit(),
                                              "M (d = 2) with M rho(U) M^-1 = diag(conj U, U)"),
                 DerivedExpression.from_sympy("det_defect_d2", sympy.Integer(dets.get(2, 0)),
                                              "det rho(U) - |det U|^2 for generic 2x2 U")],
        scope="all d >= 1",
    )


def orthogonality_outcome(unitaries, realify_fn=None) -> CheckOutcome:
    """W_O^T W_O = I and det W_O = 1 for each W_U of ``unitaries`` (label, matrix)."""
    from ical_verify.numerics.realification import realify

    rho = realify if realify_fn is None else realify_fn
    worst_orth = worst_det = 0.0
    worst_at = ""
    for name, U in unitaries:
        W = rho(U)
        orth = float(np.abs(W.T @ W - np.eye(W.shape[0])).max())
        det = float(abs(np.linalg.det(W) - 1))
        if max(orth, det) > max(worst_orth, worst_det):
            worst_at = name
        worst_orth, worst_det = max(worst_orth, orth), max(worst_det, det)
    ok = worst_orth < TOL and worst_det < TOL
    return CheckOutcome(
        passed=bool(ok),
        detail=(f"{len(unitaries)} unitaries (Haar for d in {DIMS}, and +-I, sign, permutation and diag(1, phases) "
                f"matrices): max |W_O^T W_O - I| = {worst_orth:.2e}, max |det W_O - 1| = {worst_det:.2e} "
                f"(rounding tolerance {TOL:g}; worst at {worst_at or 'n/a'})."),
        summary=(f"W_O in SO(2d) for {len(unitaries)} drawn unitaries: max |W^T W - I| = {worst_orth:.1e}, "
                 f"max |det W - 1| = {worst_det:.1e} (tol {TOL:g})."),
        metrics={"n": len(unitaries), "max_abs_WtW_minus_I": worst_orth, "max_abs_det_minus_1": worst_det,
                 "worst_at": worst_at, "tolerance": TOL},
        scope=f"drawn unitaries, d in {DIMS}",
    )


def conjugate_pairs_outcome(unitaries, realify_fn=None) -> CheckOutcome:
    """spec W_O = spec W_U u conj spec W_U (optimal matching) for each W_U."""
    from ical_verify.numerics.realification import realify, spectra_match

    rho = realify if realify_fn is None else realify_fn
    worst_union = worst_conj = 0.0
    for _, u in unitaries:
        ev = np.linalg.eigvals(rho(u))
        eu = np.linalg.eigvals(u)
        worst_union = max(worst_union, spectra_match(ev, np.concatenate([eu, eu.conj()])))
        worst_conj = max(worst_conj, spectra_match(ev, ev.conj()))
    ok = worst_union < SPECTRUM_TOL and worst_conj < SPECTRUM_TOL
    return CheckOutcome(
        passed=bool(ok),
        detail=(f"{len(unitaries)} unitaries: spec(W_O) = spec(W_U) u conj spec(W_U) within {worst_union:.2e}, "
                f"and spec(W_O) is closed under conjugation within {worst_conj:.2e} (optimal matching, tolerance "
                f"{SPECTRUM_TOL:g})."),
        summary=(f"spec W_O = spec W_U u conj spec W_U within {worst_union:.1e} over {len(unitaries)} unitaries "
                 f"(tol {SPECTRUM_TOL:g})."),
        metrics={"n": len(unitaries), "max_union_mismatch": worst_union, "max_conjugation_mismatch": worst_conj},
        scope=f"drawn unitaries, d in {DIMS}",
    )


def block_form_outcome(matrices) -> CheckOutcome:
    """Each matrix is orthogonally similar (real Schur form) to a block-diagonal matrix of 2 x 2 rotations: its
    2 x 2 blocks are rotations and its 1 x 1 blocks are ±1, each sign with even multiplicity."""
    from ical_verify.numerics.realification import rotation_block_form

    forms = [(name, rotation_block_form(W)) for name, W in matrices]
    bad = [name for name, f in forms if not f.is_rotation]
    worst_off = max(f.off_block for _, f in forms)
    worst_block = max(f.block_non_rotation for _, f in forms)
    with_real = sum(bool(f.singles) for _, f in forms)
    return CheckOutcome(
        passed=not bad,
        detail=(f"Real Schur form Z^T W_O Z (Z orthogonal) of {len(forms)} realified unitaries: block diagonal "
                f"within {worst_off:.2e}; 2x2 blocks are rotations within {worst_block:.2e}; {with_real} have real "
                "eigenvalues, all +-1 with even multiplicity of each sign (they pair into rotations by 0 or pi)."
                + (f" NOT rotations: {bad[:5]}" if bad else "")),
        summary=(f"{len(forms) - len(bad)}/{len(forms)} W_O are block-diagonal rotations up to an orthogonal change "
                 f"of basis (off-block {worst_off:.1e})."),
        metrics={"n": len(forms), "not_rotations": bad[:20], "max_off_block": worst_off,
                 "max_block_non_rotation": worst_block, "with_real_eigenvalues": with_real},
    )


def converse_outcome(rotations, rule) -> tuple[bool, list[dict]]:
    from ical_verify.numerics.realification import rotation_to_unitary

    rows = []
    for name, W in rotations:
        r = rotation_to_unitary(W, rule)
        rows.append({"rotation": name, "ok": r.ok, "n_selected": r.n_selected, "d": W.shape[0] // 2,
                     "reason": r.reason, "reconstruction_error": r.reconstruction_error})
    return all(r["ok"] for r in rows), rows


def select_half_outcome(rotations, rule=None, improper=None) -> CheckOutcome:
    """Adopted reading: for every rotation, selecting half of the eigenvalues (one of each conjugate pair, half
    of each real eigenvalue ±1) gives W_U of size d with W_O = M realify(W_U) M^T, M orthogonal; an improper
    orthogonal matrix (not a rotation) admits no such selection."""
    rule = SELECTION_RULE if rule is None else rule
    ok, rows = converse_outcome(rotations, rule)
    _, bad_rows = converse_outcome(improper_inputs() if improper is None else improper, rule)
    rejects = all(not r["ok"] for r in bad_rows)
    failed = [f"{r['rotation']} ({r['reason']})" for r in rows if not r["ok"]]
    worst = max((r["reconstruction_error"] for r in rows if r["ok"]), default=float("nan"))
    n_real = sum(1 for name, _ in rotations if not name.startswith("Haar"))
    return CheckOutcome(
        passed=bool(ok and rejects),
        detail=(f"Selecting half of the eigenvalues (one of each conjugate pair, and half of the eigenvalues +1 and "
                f"half of the eigenvalues -1, whose multiplicities are even in SO(2d)) for {len(rows)} rotations "
                f"({n_real} with eigenvalues +-1): {len(rows) - len(failed)} give a unitary of size d with "
                f"W_O = M realify(W_U) M^T, M orthogonal from the real Schur form, within {worst:.2e}; improper "
                f"orthogonal matrices (det -1, an eigenvalue of odd multiplicity) are rejected: {rejects}."
                + (f" FAILED: {failed[:4]}" if failed else "")),
        summary=(f"Selecting half of the eigenvalues works for {len(rows) - len(failed)}/{len(rows)} rotations "
                 f"({n_real} with eigenvalues +-1; reconstruction {worst:.1e}); det -1 rejected: {rejects}."),
        metrics={"cases": rows, "improper_rejected": rejects, "improper": bad_rows,
                 "rule": rule if isinstance(rule, str) else getattr(rule, "__name__", "custom")},
    )


# ------------------------------------------------------------------------------------------------ checks
def check_symbolic(ctx: RunContext) -> CheckOutcome:
    """rho is a *-morphism similar to diag(conj U, U), for every d (block identities)."""
    return symbolic_outcome()


def check_orthogonal(ctx: RunContext) -> CheckOutcome:
    return orthogonality_outcome(unitary_inputs(ctx))


def check_conjugate_pairs(ctx: RunContext) -> CheckOutcome:
    return conjugate_pairs_outcome(unitary_inputs(ctx))


def check_block_form(ctx: RunContext) -> CheckOutcome:
    """Real Schur form of W_O: block diagonal with 2x2 rotations (an orthogonal similarity)."""
    from ical_verify.numerics.realification import realify

    return block_form_outcome([(name, realify(U)) for name, U in unitary_inputs(ctx)])


def check_converse_generic(ctx: RunContext) -> CheckOutcome:
    from ical_verify.numerics.realification import haar_rotation

    rng = ctx.rng(12)
    rots = [(f"Haar SO({2 * d})", W) for d in DIMS for W in haar_rotation(2 * d, max(2, _n(ctx) // 5), rng)]
    ok, rows = converse_outcome(rots, EXAMPLE_RULE)
    bad = sum(not r["ok"] for r in rows)
    worst = max(r["reconstruction_error"] for r in rows)
    return CheckOutcome(
        passed=ok,
        detail=(f"{len(rows)} Haar rotations of SO(2d), d in {DIMS}: the example selection (eigenvalues with "
                f"positive imaginary part) gives exactly d of them in {len(rows) - bad} cases, and "
                f"W_O = M realify(diag(selected)) M^T with M orthogonal (from the real Schur form) within "
                f"{worst:.2e}. (Haar rotations have no real eigenvalue almost surely.)"),
        summary=(f"The example rule (positive imaginary parts) works on {len(rows) - bad}/{len(rows)} Haar rotations "
                 f"(reconstruction {worst:.1e})."),
        metrics={"n": len(rows), "all_ok": ok, "max_reconstruction_error": worst},
    )


def check_select_half(ctx: RunContext) -> CheckOutcome:
    return select_half_outcome(rotation_inputs(ctx))


def check_converse_real_eigenvalues(ctx: RunContext) -> CheckOutcome:
    rots = real_eigen_rotations(ctx.rng(13))
    ok, rows = converse_outcome(rots, EXAMPLE_RULE)
    failed = [f"{r['rotation']} ({r['n_selected']} of {r['d']})" for r in rows if not r["ok"]]
    return CheckOutcome(
        passed=ok,
        detail=("The example ('those with positive imaginary parts') taken as the rule for every rotation, on "
                f"rotations with eigenvalues +-1: it fails for {len(failed)} of {len(rows)}: {failed}. A rotation "
                "with real eigenvalues (e.g. the identity I_2d = realify(I_d)) has fewer than d eigenvalues with "
                "positive imaginary part, so this rule does not produce a unitary of size d there; half of the +1 "
                "and half of the -1 eigenvalues must be added (next check)."),
        summary=(f"Example-as-rule (positive imaginary parts only) fails on {len(failed)}/{len(rows)} rotations "
                 "with eigenvalues +-1 (e.g. I_2d: 0 of d selected)."),
        metrics={"cases": rows, "failed": len(failed)},
    )


def check_converse_corrected(ctx: RunContext) -> CheckOutcome:
    out = select_half_outcome(rotation_inputs(ctx))
    out.corrected = CORRECTED
    return out


READINGS = (
    Reading("select-half",
            "'for any rotation W_O of size 2d corresponds a unitary matrix W_U of size d by selecting half of the "
            "eigenvalues': the rule is a selection of half of the eigenvalues (one of each conjugate pair; the "
            "eigenvalues +1 and -1 of a rotation of SO(2d) have even multiplicity, and half of each is taken); "
            "'(for instance those with positive imaginary parts)' is an example of such a selection.",
            checks=("converse-select-half",), adopted=True,
            why=("'for instance' marks an example, and the sentence states the rule itself ('by selecting half of "
                 "the eigenvalues'); the example is exactly right for rotations without real eigenvalues (almost "
                 "every rotation), and a selection of half of the eigenvalues exists for every rotation.")),
    Reading("example-as-rule",
            "The parenthetical example is the selection rule for every rotation: W_U = diag(the eigenvalues of W_O "
            "with positive imaginary part).",
            checks=("converse-positive-imag-real-eigenvalues", "converse-corrected-rule"),
            why=("Not adopted: it promotes 'for instance' to the rule. Under it the rule fails for rotations with "
                 "eigenvalues +-1 (the identity selects none): an erratum of that reading, corrected by adding half "
                 "of each real eigenvalue.")),
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
    conventions=("A rotation is an element of SO(2d): orthogonal with determinant +1.",
                 "'corresponds' is read up to an orthogonal change of basis: W_O = M realify(W_U) M^T with M in "
                 "O(2d) (W_O itself equals realify(W_U) only if it commutes with J = [[0, -I], [I, 0]]).",
                 "The converse is judged under the reading a fair referee adopts ('select-half'); the "
                 "example-as-rule reading is reported with its own verdict."),
    checks=(
        Check("realification-morphism-symbolic", "symbolic", "printed", check_symbolic,
              "for every d: rho(U1 U2) = rho(U1) rho(U2), rho(U^*) = rho(U)^T, M rho(U) M^-1 = diag(conj U, U)"),
        Check("realification-in-SO2d", "property", "printed", check_orthogonal,
              "W_O^T W_O = I and det W_O = 1 over drawn unitaries (Haar and with real eigenvalues)"),
        Check("conjugate-pair-eigenvalues", "property", "printed", check_conjugate_pairs,
              "spec W_O = spec W_U u conj spec W_U"),
        Check("rotation-block-form", "property", "printed", check_block_form,
              "real Schur form is block diagonal with 2x2 rotations, +-1 in pairs"),
        Check("converse-positive-imag-generic", "property", "printed", check_converse_generic,
              "the example selection on Haar rotations (no real eigenvalue)"),
        Check("converse-select-half", "property", "printed", check_select_half,
              "selecting half of the eigenvalues, on all rotations (with and without eigenvalues +-1)"),
        Check("converse-positive-imag-real-eigenvalues", "property", "printed", check_converse_real_eigenvalues,
              "the example taken as the rule, on rotations with eigenvalues +-1", severity="substantive"),
        Check("converse-corrected-rule", "property", "corrected", check_converse_corrected,
              "positive imaginary part + half of the real eigenvalues, on all rotations"),
    ),
    readings=READINGS,
    notes=("What is true and worth saying: W_O is in O(2d) and moreover in SO(2d) (det W_O = |det W_U|^2 = 1), "
           "so 'W_O is a rotation' holds; its spectrum is spec W_U u conj spec W_U. For the converse, a rotation "
           "with real eigenvalues needs a choice of half of them: the eigenvalues +1 and -1 of a rotation of "
           "SO(2d) have even multiplicity, and half of each is selected (the example 'positive imaginary parts' "
           "covers rotations without real eigenvalues only). The correspondence is up to an orthogonal change of "
           "basis M (W_O = M realify(W_U) M^T), and W_U is determined up to conjugating some of its eigenvalues."),
)
