"""Controls for Proposition 1: each check fails on a wrong input; the checks that fail on the paper pass on the right one."""

import pytest
import sympy

from ical_verify.proofs_check.claim import RunContext
from ical_verify.proofs_check.papers.sander2024 import prop1
from ical_verify.proofs_check.runner import run_claim
from ical_verify.theory import augmented_attention as aa
from ical_verify.theory import gradient_step as gs

from negative_controls import negative_control, positive_control


@pytest.fixture(autouse=True)
def fresh_caches():
    """The construction identities and the Gröbner certificate are cached per run: recompute them per control."""
    prop1.construction_identities.cache_clear()
    prop1._counterexample.cache_clear()
    prop1.feasible_sets.cache_clear()
    yield
    prop1.construction_identities.cache_clear()
    prop1._counterexample.cache_clear()
    prop1.feasible_sets.cache_clear()


def _status(check, ctx=None):
    r = run_claim("prop1", ctx or RunContext(seed=0), only=[check])
    return next(c for c in r.checks if c.name == check).status


def _transposed8(d, eta):
    A, B = aa.construction8(d, eta)
    return A.T, B  # the block picks s_t^* s_(T-1)... instead of s_(t-1)^* s_T: not a gradient step


@negative_control("prop1", "w0-0-construction-zero", "w0-0-construction-backward", "w0-0-torch-zero",
                  "corrected-backward", "w0-0-construction-first")
def test_construction_checks_fail_on_a_transposed_construction(monkeypatch):
    good = aa.construction8
    monkeypatch.setattr(aa, "construction8", lambda d, eta: (good(d, eta)[0].T, good(d, eta)[1]))
    for check in ("w0-0-construction-zero", "w0-0-construction-backward", "w0-0-torch-zero", "corrected-backward",
                  "w0-0-construction-first"):
        prop1.construction_identities.cache_clear()
        assert _status(check) == "failed", check


@negative_control("prop1", "w0-0-torch-zero")
def test_torch_check_fails_on_a_mis_scaled_step(monkeypatch):
    good = aa.construction8
    monkeypatch.setattr(aa, "construction8", lambda d, eta: good(d, 2 * eta))
    assert _status("w0-0-torch-zero") == "failed"


@positive_control("prop1", "w0-0-construction-backward")
def test_backward_construction_passes_against_the_loss_with_the_pair_s0_s1(monkeypatch):
    """Fed the inner loss the tokens actually carry (t = 0..T-1), the s_0 = W^(-1)s_1 comparison passes."""
    good = gs.gradient_step
    monkeypatch.setattr(gs, "gradient_step", lambda W0, seq, eta, first=1: good(W0, seq, eta, 0))
    assert _status("w0-0-construction-backward") == "passed"


@negative_control("prop1", "corrected-backward")
def test_corrected_backward_fails_against_the_loss_without_the_pair(monkeypatch):
    good = gs.gradient_step
    monkeypatch.setattr(gs, "gradient_step", lambda W0, seq, eta, first=1: good(W0, seq, eta, 1))
    assert _status("corrected-backward") == "failed"


@negative_control("prop1", "any-w0-one-head-zero")
def test_one_head_check_fails_for_a_w0_off_the_family():
    assert _status("any-w0-one-head-zero") == "failed"
    out = prop1.check_any_w0_one_head(sympy.Matrix([[0, 1], [0, 0]]))(RunContext(seed=0))
    assert out.passed is False and out.severity == "substantive"


@positive_control("prop1", "any-w0-one-head-zero")
def test_one_head_check_passes_for_w0_with_equal_rows():
    assert prop1.check_any_w0_one_head(sympy.Matrix([[1, 2], [1, 2]]))(RunContext(seed=0)).passed is True


@negative_control("prop1", "any-heads-backward")
def test_any_heads_check_fails_under_backward():
    assert _status("any-heads-backward") == "failed"


@positive_control("prop1", "any-heads-backward")
def test_any_heads_check_passes_under_zero_padding():
    assert prop1.check_any_heads("zero")(RunContext(seed=0)).passed is True


@negative_control("prop1", "corrected-zero")
def test_corrected_zero_fails_on_wrong_constructions():
    def wrong_one(d, v, eta):
        Bp, At = aa.one_head_construction(d, v, eta)
        At = At.copy()
        At[d:, d:] = -At[d:, d:]  # +diag(v) instead of -diag(v)
        return Bp, At

    def wrong_two(d, W0, eta):
        (B1, A1), (B2, A2) = aa.two_head_construction(d, W0, eta)
        return [(B1 * d, A1), (B2, A2)]  # W_0 instead of W_0 / d

    ctx = RunContext(seed=0)
    assert prop1.check_corrected_zero(one_head=wrong_one)(ctx).passed is False
    assert prop1.check_corrected_zero(two_heads=wrong_two)(ctx).passed is False


# --- s_0 = s_1 -------------------------------------------------------------------------------------------------
@positive_control("prop1", "w0-0-construction-first")
def test_first_construction_passes_against_the_loss_with_the_pair_s1_s1(monkeypatch):
    """Fed the inner loss with the pair (s_0, s_1) = (s_1, s_1) that the tokens carry, the comparison passes."""
    good = gs.gradient_step
    monkeypatch.setattr(gs, "gradient_step", lambda W0, seq, eta, first=1: good(W0, seq, eta, 0))
    assert _status("w0-0-construction-first") == "passed"


@negative_control("prop1", "feasible-w0-first")
def test_feasible_check_fails_on_the_paper_and_under_backward():
    assert _status("feasible-w0-first") == "failed"
    out = prop1.check_feasible_w0("backward", cases=((2, (2, 3), (sympy.Rational(1, 3),)),))(RunContext(seed=0))
    assert out.passed is False and out.metrics["zero_feasible"]["d=2,eta=1/3"] is False


@positive_control("prop1", "feasible-w0-first")
def test_feasible_check_passes_under_zero_padding_where_two_heads_reach_every_w0():
    out = prop1.check_feasible_w0("zero")(RunContext(seed=0))
    assert out.passed is True and all(out.metrics["zero_feasible"].values())


@negative_control("prop1", "corrected-first")
def test_corrected_first_fails_with_a_wrong_kappa():
    wrong = prop1.check_corrected_first(kappa_fn=lambda d, eta: eta / (1 + eta))  # d missing
    assert wrong(RunContext(seed=0)).passed is False
