"""The proofs of Appendix A of Sander et al. (ICML 2024), step by step (one module per proof).

Each module defines ``PROOF``, a :class:`~ical_verify.proofs_check.claim.Proof` whose steps transcribe the
displayed equations (and the inline equalities that carry the argument) with their LaTeX as printed, the
meaning of their symbols at that point, what they claim to follow from, and a checker. Checkers compare the
step with the model (model (4) / (6), the losses) and with the previous steps, exactly (SymPy, Laurent
polynomials on the torus) wherever they can; :mod:`.certificates` holds the checks that certify identities for
every d and T (appended to the claims' checks).

The claim modules import ``PROOF`` from here; these modules import only ``theory``/``numerics`` (never a claim
module), so there is no import cycle.
"""
