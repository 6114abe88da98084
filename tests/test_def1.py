"""Definition 1 as a procedure: the printed decomposition accepts any predictor, the completion identity,
the suite's procedure (probe prefixes, fitted Γ, R², side channel), the exact optima, τ = T."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ical_verify.models import in_context_baselines as base
from ical_verify.models.diagonal_attention import DiagonalAttentionConfig
from ical_verify.models.last_token_attention import LastTokenAttention, exact_loss_last_query, last_read_mask
from ical_verify.numerics import in_context_mapping as icm
from ical_verify.proofs_check.cli import main
from ical_verify.proofs_check.papers.sander2024 import def1
from ical_verify.theory import in_context as ie
from strategies import unitary_contexts

predictions = st.lists(st.floats(-3, 3, allow_nan=False), min_size=3, max_size=3).map(np.array)


@given(predictions, unitary_contexts(3, 1))
def test_printed_gamma_reproduces_any_prediction(f, lam):
    s_tau = lam[0] ** 2                                           # any token of the process
    G = icm.printed_gamma(f[None], s_tau[None])
    assert np.allclose(G[0] @ s_tau, f)


@given(predictions, unitary_contexts(3, 1), st.integers(1, 3))
def test_completion_is_the_closest_admissible_gamma(f, lam, k):
    s_tau = lam[0]
    Wk = np.diag(lam[0] ** k)
    G = icm.completion_gamma(f[None], s_tau[None], Wk[None])[0]
    assert np.allclose(G @ s_tau, f)
    target = Wk @ s_tau
    assert np.linalg.norm(G - Wk) == pytest.approx(np.linalg.norm(f - target) / np.linalg.norm(s_tau), abs=1e-12)
    v = np.array([1.0, -2.0, 0.5]) + 0j
    v -= (np.vdot(s_tau, v) / np.vdot(s_tau, s_tau)) * s_tau          # v ⊥ s_tau
    other = G + np.outer(np.array([1.0, -1.0, 0.5]), v.conj())        # another admissible Γ: (other - G) s_tau = 0
    assert np.allclose(other @ s_tau, f)
    assert np.linalg.norm(other - Wk) >= np.linalg.norm(G - Wk) - 1e-12


@pytest.mark.parametrize("kind", ["unitary", "orthogonal", "sphere"])
def test_probe_states_lie_in_the_orbit_of_the_start_token(kind):
    U = icm.probe_states(kind, 4, 6, np.random.default_rng(0))
    assert np.allclose(np.linalg.norm(U, axis=1), 2.0)
    assert np.linalg.matrix_rank(U) == 4


def _diag(lam):
    return np.einsum("ni,ij->nij", lam, np.eye(lam.shape[1]))


def test_procedure_scores_an_exact_learner_and_a_non_learner():
    rng = np.random.default_rng(1)
    W = _diag(np.exp(2j * np.pi * rng.random((12, 3))))
    U = icm.probe_states("unitary", 3, 4, rng)
    learner = lambda e, W_: (e[:, -1] * np.conj(e[:, -2])) * e[:, -1]        # Prop. 3: Γ = ē_(T-1) ⊙ e_T
    rep = icm.extract_mapping(learner, W, U, 4, 4)
    assert rep.classify(1e-9, 1e-9) == "learns" and rep.side_channel == 0.0
    zero = icm.extract_mapping(lambda e, W_: np.zeros_like(e[:, -1]), W, U, 4, 4)
    assert zero.classify(1e-9, 1e-9) == "no" and abs(zero.r2) < 0.5
    power = icm.extract_mapping(lambda e, W_: e[:, 1] ** 4, W, U, 4, 4)       # exact on s_1 = 1_d only
    assert power.factorisation_residual > 0.1 and power.classify(1e-9, 1e-9) == "no"


def test_tau_is_not_identifiable_for_an_exact_learner():
    rng = np.random.default_rng(2)
    W = _diag(np.exp(2j * np.pi * rng.random((8, 2))))
    U = icm.probe_states("unitary", 2, 3, rng)
    learner = lambda e, W_: (e[:, -1] * np.conj(e[:, -2])) * e[:, -1]
    assert all(icm.extract_mapping(learner, W, U, 5, tau).r2 == pytest.approx(1, abs=1e-12) for tau in range(1, 6))


def test_too_few_probes_are_rejected():
    with pytest.raises(ValueError, match="K >= d"):
        icm.extract_mapping(lambda e, W: e[:, -1], _diag(np.ones((2, 3), complex)), np.ones((2, 3)), 3, 3)


def test_context_from_prefix_recovers_w():
    lam = np.exp(1j * np.array([[0.3, -1.2]]))
    seqs = icm.probe_sequences(_diag(lam), np.ones((1, 2)), 3)[:, 0]
    assert np.allclose(icm.context_from_prefix(seqs), _diag(lam))


def test_baselines():
    e = torch.tensor(icm.probe_sequences(_diag(np.exp(1j * np.array([[0.5, 1.0]]))), np.ones((1, 2)), 3)[:, 0])
    assert torch.allclose(base.SecondTokenPower()(e), e[:, 1] ** 3)
    with pytest.raises(ValueError):
        base.OracleGivenW()(e)
    memo = base.LookupMemoriser(torch.exp(1j * torch.tensor([[0.5, 1.0], [2.0, 2.0]], dtype=torch.float64)))
    assert torch.allclose(memo(e), e[:, -1] * torch.exp(1j * torch.tensor([0.5, 1.0], dtype=torch.float64)))


@given(st.lists(st.floats(-1, 1, allow_nan=False), min_size=4, max_size=4),
       st.lists(st.floats(-1, 1, allow_nan=False), min_size=9, max_size=9))
@settings(max_examples=10)
def test_last_query_closed_form_matches_the_exact_engine(cvals, pvals):
    C = torch.tensor(cvals, dtype=torch.float64).reshape(2, 2)
    P = torch.tensor(pvals, dtype=torch.float64).reshape(3, 3) * last_read_mask(3)
    total = 0
    for T in (2, 3):
        a = sympy.Matrix(C.numpy().tolist())
        total += float(ie.last_query_loss_split(a, sympy.eye(2), [float(P[T - 1, t]) for t in range(T)], T)[0])
    # A = C (rows h), B = I: B^T A = C
    assert float(exact_loss_last_query(C, P)) == pytest.approx(total, rel=1e-9, abs=1e-12)


def test_last_token_model_forward_agrees_with_the_theory():
    m = LastTokenAttention(DiagonalAttentionConfig(d=2, heads=2, T_max=3), generator=torch.Generator().manual_seed(0))
    lam = torch.exp(1j * torch.tensor([[0.4, -0.9]], dtype=torch.float64))
    e = torch.stack([lam[0] ** t for t in range(3)])[None]
    a = sympy.Matrix(m.A.detach().numpy().tolist())
    b = sympy.Matrix(m.B.detach().numpy().tolist())
    p = [float(m.positional().detach()[2, t]) for t in range(3)]
    out = ie.last_query_output(a, b, p, 3)
    val = [complex(sum(c * np.prod([complex(lam[0, j]) ** k for j, k in enumerate(exp)])
                       for exp, c in f.terms.items())) for f in out]
    assert np.allclose(m(e).detach().numpy()[0], val)


def test_parity_of_the_last_query_read_out():
    a, b = sympy.Matrix([[2, 1]]), sympy.Matrix([[1, -1]])
    for T in (2, 3, 4):
        assert ie.degree_parities(ie.last_query_output(a, b, [1] * T, T)) == {(T + 1) % 2}


def test_claim_quick(quick_result):
    out = quick_result("def1").to_json()
    verdicts = {s["id"]: s["verdict"] for s in out["subclaims"]}
    assert verdicts == {"decomposition": "erratum", "small-loss": "verified", "shifts": "verified",
                        "trained": "verified", "tau-T": "erratum"}
    assert out["verdict"] == "erratum" and out["severity"] == "substantive"
    panel = next(c for c in out["checks"] if c["name"] == "suite-procedure")["metrics"]["panel"]
    labels = {p["name"]: p["suite_label"] for p in panel}
    assert labels["prop3-optimum"] == labels["prop6-lemma3"] == "learns"
    assert labels["prop2-optimum"] == "approximate" and labels["oracle-given-W"] == "side-channel"
    assert all(labels[f"rnn-trained-{k}"] == "no" for k in range(8))
    printed = {p["name"]: p["printed_label"] for p in panel}
    assert printed["second-token-power"] == "learns"                # the printed definition accepts it
    assert any(f.endswith("def1-panel.png") for f in out["figures"])


def test_figure7_hook_runs_a_hooked_model(monkeypatch, tmp_path):
    import ical_verify.models.in_context_baselines as mod

    def adapter(seed, profile):
        rng = np.random.default_rng(seed)
        W = _diag(np.exp(2j * np.pi * rng.random((6, 2))))
        return {"predict": lambda e, W_: (e[:, -1] * np.conj(e[:, -2])) * e[:, -1], "contexts": W,
                "probes": icm.probe_states("unitary", 2, 3, rng), "T": 4, "tau": 4}
    from ical_verify.proofs_check.runner import make_context

    monkeypatch.setattr(mod, def1.HOOK, adapter, raising=False)
    out = def1.figure7_hook(make_context(out_dir=tmp_path))
    assert out.metrics["models"]["in_context_baselines"]["label"] == "learns"


@pytest.mark.slow
def test_claim_full(tmp_path):
    from ical_verify.proofs_check.runner import make_context, run_claim

    r = run_claim("def1", make_context(profile="full", out_dir=tmp_path))
    assert r.verdict == "erratum"
    assert next(c for c in r.checks if c.name == "suite-procedure").status == "passed"


def test_definition1_walkthrough_is_registered_and_asserts_each_step():
    """It is executed (every cell, no error) with the other walkthroughs in tests/test_walkthroughs.py."""
    from ical_verify.proofs_check import walkthrough

    assert "definition1" in walkthrough.names()
    source = walkthrough.path("definition1").read_text(encoding="utf-8")
    assert source.count("assert ") >= 10