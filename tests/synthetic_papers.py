r"""Synthetic papers whose claims use every field of the claim model, for the tests of the command line, the
runner's orchestration and the reports (the real claims are being rewritten; these stay fixed).

Papers ``synth2024a`` (claims ``alpha``, ``beta``) and ``synth2025b`` (``gamma``, ``delta``, ``boom``,
``sleepy``):

- ``alpha`` (lemma, verified): a symbolic check with a summary, a scope and a derived expression, a seeded
  Monte Carlo-like check (its number depends on the seed), an artefact with a figure, and a proof whose steps
  take every status (follows, follows-with-correction, gap, fails, not-checked);
- ``beta`` (proposition, erratum of severity ``constant``): two readings (the adopted one fails as printed), a
  corrected statement as wide as the real ones that overflowed a page (about 1500 pt of unbreakable formula),
  a long derived expression, a figure written by a check;
- ``gamma`` (experiment, refuted): three sub-claims (verified, erratum ``typo``, refuted), nested metrics;
- ``delta`` (remark, not-run): no checks;
- ``boom`` (lemma): one check crashes (exit status 1);
- ``sleepy`` (lemma, verified): waits while the file named by ``ICAL_TEST_SLEEP`` exists (Ctrl-C tests).

``install()`` makes these the registry's papers (in this process); worker processes call it through
``parallel.WORKER_SETUP = ["synthetic_papers:install"]``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ical_verify.proofs_check import registry
from ical_verify.proofs_check.claim import (Artefact, ArtefactOutcome, Check, CheckOutcome, Claim,
                                            DerivedExpression, Proof, ProofStep, Reading, StepOutcome, SubClaim)
from ical_verify.proofs_check.paper import Paper

SETUP = "synthetic_papers:install"

#: One wide unbreakable formula (about 1500 pt in 10 pt type), like prop6's corrected statement.
WIDE_FORMULA = (r"\mathbf{C}^{\star} = \left(" + " + ".join(rf"\frac{{p_{{{k}}} a_{{{k}}}^2}}{{1 + b_{{{k}}}}}"
                                                          for k in range(1, 46)) + r"\right)")
WIDE_TEXT = (r"For every $T \geq 2$ and $d \geq 1$ the corrected loss is $" + WIDE_FORMULA
             + r"$ and the constant is $\frac{3}{2 T_{\max}}$; prose around it.")


def _figure(ctx, claim_id: str, name: str, values) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = ctx.figure_path(claim_id, name)
    fig, ax = plt.subplots(figsize=(4, 2.5))
    ax.plot(range(len(values)), values, "o-")
    ax.set_xlabel("t")
    ax.set_ylabel("value")
    fig.savefig(path, dpi=60)
    plt.close(fig)
    return str(path)


def _derived_long() -> DerivedExpression:
    import sympy as sp

    xs = sp.symbols("x_1:60")
    return DerivedExpression.from_sympy("long_sum", sum(x ** 2 / (1 + x) for x in xs), "a long sum")


# alpha ----------------------------------------------------------------------------------------------------
def _alpha_identity(ctx):
    import sympy as sp

    T = sp.Symbol("T_max", positive=True)
    return CheckOutcome(True, "The residual is identically zero. Checked symbolically.", {"residual": 0},
                        derived=[DerivedExpression.from_sympy("eta", sp.Rational(3, 2) / T, "step size")],
                        summary="residual identically 0 (symbolic)", scope="all d >= 1, all T >= 2")


def _alpha_seeded(ctx):
    x = float(ctx.rng(3).standard_normal(1000).mean())
    return CheckOutcome(abs(x) < 1, f"mean of 1000 normals is {x:.6f}.", {"mean": x, "seed": ctx.seed},
                        summary=f"mean {x:.4f} within 1", scope="d <= 3, T <= 6")


def _alpha_artefact(ctx):
    values = list(ctx.rng(5).standard_normal(6))
    return ArtefactOutcome("a picture of six draws", figures=[_figure(ctx, "alpha", f"draws-seed{ctx.seed}.png",
                                                                    values)], metrics={"n": 6})


def _step(status, correction=None):
    return lambda ctx: StepOutcome(status, f"step {status}: checked at random rational points", correction,
                                   "typo" if status == "follows-with-correction" else None, {"points": 5})


ALPHA = Claim(
    "alpha", "lemma", "A true lemma with a proof", r"\textbf{Lemma 1.} For $T \geq 2$, $\sum_t p_t = 1$.",
    "§2, Appendix A.1", 1, definitions={r"p_t": r"\frac{1}{T}"}, assumptions=("$T \\geq 2$.",),
    conventions=("Sums start at t = 1.",),
    checks=(Check("identity", "symbolic", "printed", _alpha_identity),
            Check("seeded", "monte-carlo", "printed", _alpha_seeded)),
    artefacts=(Artefact("draws", _alpha_artefact, "six seeded draws"),),
    proof=Proof("Appendix A.1", (
        ProofStep("s1", r"\sum_{t=1}^T p_t = T \cdot \frac{1}{T}", "(10)", "p_t as defined", (), "symbolic",
                  _step("follows")),
        ProofStep("s2", r"= \frac{T}{T} + 0", "", "", ("s1",), "symbolic",
                  _step("follows-with-correction", r"= \frac{T}{T}")),
        ProofStep("s3", r"\geq 1", "", "", ("s2",), "sign argument", _step("gap")),
        ProofStep("s4", r"\leq 0", "(11)", "", ("s3",), "symbolic", _step("fails")),
        ProofStep("s5", WIDE_FORMULA, "", "", ("s4",), "", None, "no checker: prose argument"),
    )),
)


# beta -----------------------------------------------------------------------------------------------------
def _beta_printed(ctx):
    return CheckOutcome(False, "The printed Hessian is half the true one: ratio 2.000000.", {"ratio": 2.0},
                        summary="printed H is half the Hessian (ratio 2)", severity="constant")


def _beta_corrected(ctx):
    path = _figure(ctx, "beta", f"ratio-seed{ctx.seed}.png", [2.0, 2.0, 2.0])
    return CheckOutcome(True, "2H matches the Hessian exactly.", {"max_error": 0.0}, corrected=WIDE_FORMULA,
                        derived=[_derived_long()], figures=[path], summary="2H is the Hessian (exact)",
                        scope="all mu >= 1")


def _beta_loose(ctx):
    return CheckOutcome(True, "Up to a constant factor the printed H is the Hessian.", {},
                        summary="H proportional to the Hessian")


BETA = Claim(
    "beta", "proposition", "A constant slip",
    r"\textbf{Proposition 2.} The Hessian of (7) is $H = (\frac{\mu}{4\pi k}\sin(\frac{4\pi k}{\mu}))_{k}$.",
    "§5.3", 2,
    checks=(Check("printed_hessian", "symbolic", "printed", _beta_printed, severity="constant"),
            Check("corrected_hessian", "symbolic", "corrected", _beta_corrected),
            Check("up_to_constant", "spectral", "printed", _beta_loose)),
    readings=(Reading("strict", "H is the Hessian itself", ("printed_hessian",), adopted=True,
                      why="the text says 'the Hessian', with no 'up to'"),
              Reading("loose", "H is the Hessian up to a constant factor", ("up_to_constant",),
                      why="conditioning does not depend on a factor")),
)


# gamma ----------------------------------------------------------------------------------------------------
def _ok(summary):
    return lambda ctx: CheckOutcome(True, summary + ".", {"nested": {"a": [1, 2, 3], "b": {"c": 0.5}}},
                                    summary=summary)


GAMMA = Claim(
    "gamma", "experiment", "Figure 9: three sentences about an experiment",
    "Figure 9 shows that training converges, that the curve is flat, and that GD wins by orders of magnitude.",
    "§6, Figure 9", 3,
    checks=(Check("converges", "trained-model", "printed", _ok("loss below 1e-8 in 8/8 starts")),
            Check("flat_printed", "trained-model", "printed",
                  lambda ctx: CheckOutcome(False, "slope 0.3, not flat", {"slope": 0.3}, severity="typo")),
            Check("flat_corrected", "trained-model", "corrected",
                  lambda ctx: CheckOutcome(True, "slope 0.3 as the caption of Figure 10 says", corrected="slope 0.3")),
            Check("gd_wins", "trained-model", "printed",
                  lambda ctx: CheckOutcome(False, "GD wins by 1.5x, not orders of magnitude", {"ratio": 1.5}))),
    subclaims=(SubClaim("converges", "training converges", ("converges",), "§6"),
               SubClaim("flat", "the curve is flat", ("flat_printed", "flat_corrected"), "caption of Figure 9"),
               SubClaim("gd", "GD wins by orders of magnitude", ("gd_wins",), "§6, last paragraph")),
)

DELTA = Claim("delta", "remark", "An unchecked remark", "A remark with $x_1$.", "§3", 4)

BOOM = Claim("boom", "lemma", "A check that crashes", "s", "§4", 5,
             checks=(Check("ok", "symbolic", "printed", _ok("holds")),
                     Check("crash", "property", "printed", lambda ctx: 1 / 0)))


def _sleepy(ctx):
    flag = os.environ.get("ICAL_TEST_SLEEP")
    if flag:
        Path(flag + ".started").write_text("started")
        deadline = time.monotonic() + 120
        while Path(flag).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    return CheckOutcome(True, "woke up", {})


SLEEPY = Claim("sleepy", "lemma", "Waits for a flag file", "s", "§4", 6,
               checks=(Check("wait", "property", "printed", _sleepy),))

PAPERS = (
    Paper("synth2024a", "A synthetic paper", "A. Author", 2024, "Author, A synthetic paper (2024)",
          claims=(ALPHA, BETA), statements=("alpha", "beta"), order=1),
    Paper("synth2025b", "Another synthetic paper", "B. Author and C. Author", 2025,
          "Author and Author, Another synthetic paper (2025)", claims=(GAMMA, DELTA, BOOM, SLEEPY), order=2),
)

#: The claims that finish without crashing or waiting.
QUIET = ["alpha", "beta", "gamma", "delta"]


def _papers():
    return PAPERS


def install() -> None:
    """Make the synthetic papers the registry's (in this process)."""
    registry._papers = _papers
    registry._load.cache_clear()


def _fixture():
    import pytest

    @pytest.fixture
    def synthetic(monkeypatch):
        """The synthetic papers as the registry, here and in worker processes."""
        from ical_verify.proofs_check import parallel

        monkeypatch.setattr(registry, "_papers", _papers)
        registry._load.cache_clear()
        monkeypatch.setattr(parallel, "WORKER_SETUP", [SETUP])
        yield PAPERS
        registry._load.cache_clear()

    return synthetic


synthetic = _fixture()
