"""Mutation tests for numerics.regression_data: the prompt law (replayed draw by draw), masks and padding, the
features, GD and LSA predictions on hand-sized prompts, the running moments and the normal-equation estimates
against direct means, and argument validation at its boundaries (benchmarks/mutation.md)."""

import dataclasses
import typing

import numpy as np
import pytest

from ical_verify.numerics import regression_data as rd
from ical_verify.numerics.errors import DomainError
from ical_verify.numerics.montecarlo import MonteCarloResult


def _prompts(lengths=None):
    """Two prompts, n = 3, d = 2, hand-chosen numbers."""
    X = np.array([[[1.0, 2.0], [0.0, -1.0], [2.0, 1.0]], [[1.0, 0.0], [3.0, 1.0], [-1.0, 2.0]]])  # (2, 3, 2)
    y = np.array([[3.0, -2.0, 1.0], [1.0, 2.0, -1.0]])
    xq = np.array([[2.0, -3.0], [1.0, 1.0]])
    yq = np.array([0.5, -1.5])
    w = np.array([[1.0, 1.0], [0.0, 2.0]])
    return rd.Prompts(X, y, xq, yq, w, None if lengths is None else np.array(lengths))


def test_constants():
    assert rd.RESPONSE_FAMILIES == ("linear", "quadratic", "axis-quadratic", "drift")
    assert rd.COVARIATES == ("gaussian", "rademacher")


# ------------------------------------------------------------------------------------------ Prompts
def test_mask_counts_and_tokens_with_padding():
    p = _prompts(lengths=[2, 3])
    assert p.mask.tolist() == [[1, 1, 0], [1, 1, 1]]
    assert p.counts.tolist() == [2, 3]
    Z = p.tokens()
    assert Z.shape == (2, 4, 3)
    assert Z[0].tolist() == [[1, 2, 3], [0, -1, -2], [0, 0, 0], [2, -3, 0]]
    assert Z[1].tolist() == [[1, 0, 1], [3, 1, 2], [-1, 2, -1], [1, 1, 0]]
    full = _prompts()
    assert full.mask.tolist() == [[1, 1, 1], [1, 1, 1]] and full.counts.tolist() == [3, 3]
    assert len(full) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        full.lengths = None


def test_prompts_without_lengths_use_every_pair_and_have_valid_hints():
    full = _prompts()
    p = rd.Prompts(full.X, full.y, full.xq, full.yq, full.w)             # lengths defaults to None
    assert p.lengths is None and p.mask.tolist() == [[1, 1, 1], [1, 1, 1]]
    hints = typing.get_type_hints(rd.Prompts)
    assert hints["lengths"] == typing.Optional[np.ndarray] and hints["X"] is np.ndarray


def test_s_with_and_without_normalisation():
    p = _prompts(lengths=[2, 3])
    # prompt 0 uses two pairs: 3 (1, 2) - 2 (0, -1) = (3, 8); prompt 1: (1, 0) + 2 (3, 1) - (-1, 2) = (8, 0)
    assert p.s(False).tolist() == [[3, 8], [8, 0]]
    assert np.allclose(p.s(), [[1.5, 4], [8 / 3, 0]])
    assert np.allclose(_prompts().s(), [[5 / 3, 3], [8 / 3, 0]])


def test_take_cuts_every_field():
    p = _prompts(lengths=[2, 3]).take(1, 2)
    assert len(p) == 1 and p.X.shape == (1, 3, 2)
    assert p.y.tolist() == [[1, 2, -1]] and p.xq.tolist() == [[1, 1]] and p.yq.tolist() == [-1.5]
    assert p.w.tolist() == [[0, 2]] and p.lengths.tolist() == [3]
    q = _prompts().take(0, 1)
    assert q.lengths is None and q.yq.tolist() == [0.5]


# ------------------------------------------------------------------------------------------ sampling
def _replay(seed, batch, n, d, sigma2, L, Lw, response, a, lengths=None, rademacher=False):
    """The documented law, drawn in the documented order: covariates, weights, noise, lengths."""
    rng = np.random.default_rng(seed)
    if rademacher:
        X = rng.choice([-1.0, 1.0], size=(batch, n + 1, d))
    else:
        X = rng.standard_normal((batch, n + 1, d)) @ L.T
    w = rng.standard_normal((batch, d)) @ Lw.T
    t = np.einsum("bmd,bd->bm", X, w)
    f = {"linear": t, "quadratic": t + a * (t ** 2 - (w ** 2).sum(-1)[:, None]),
         "axis-quadratic": t + a * (X[..., 0] ** 2 - 1), "drift": t + a * X[..., 0]}[response]
    y = f + np.sqrt(sigma2) * rng.standard_normal((batch, n + 1))
    lens = None if lengths is None else rng.integers(lengths[0], lengths[1] + 1, size=batch)
    return X, y, w, lens


@pytest.mark.parametrize("response", ["linear", "quadratic", "axis-quadratic", "drift"])
def test_sample_prompts_replays_the_documented_law(response):
    cov = np.array([[2.0, 0.6], [0.6, 1.0]])
    wcov = np.array([[1.0, -0.3], [-0.3, 0.5]])
    p = rd.sample_prompts(np.random.default_rng(7), 3, 4, 2, sigma2=2.25, cov=cov, weight_cov=wcov,
                          response=response, a=0.7)
    X, y, w, _ = _replay(7, 3, 4, 2, 2.25, np.linalg.cholesky(cov), np.linalg.cholesky(wcov), response, 0.7)
    assert np.allclose(p.X, X[:, :4]) and np.allclose(p.xq, X[:, 4])
    assert np.allclose(p.y, y[:, :4]) and np.allclose(p.yq, y[:, 4]) and np.allclose(p.w, w)
    assert p.lengths is None


def test_sample_prompts_defaults_rademacher_and_lengths():
    p = rd.sample_prompts(np.random.default_rng(3), 40, 3, 2, lengths=(1, 3))
    X, y, w, lens = _replay(3, 40, 3, 2, 0.0, np.eye(2), np.eye(2), "linear", 0.0, lengths=(1, 3))
    assert np.array_equal(p.X, X[:, :3]) and np.array_equal(p.y, y[:, :3]) and np.array_equal(p.lengths, lens)
    assert set(p.lengths.tolist()) == {1, 2, 3}
    r = rd.sample_prompts(np.random.default_rng(5), 4, 2, 3, covariates="rademacher", sigma2=1.0)
    X, y, w, _ = _replay(5, 4, 2, 3, 1.0, None, np.eye(3), "linear", 0.0, rademacher=True)
    assert np.array_equal(r.X, X[:, :2]) and np.array_equal(r.xq, X[:, 2]) and np.allclose(r.y, y[:, :2])
    assert set(np.unique(r.X).tolist()) == {-1.0, 1.0}
    one = rd.sample_prompts(np.random.default_rng(0), 1, 1, 1, lengths=(1, 1))      # every lower bound
    assert one.X.shape == (1, 1, 1) and one.lengths.tolist() == [1]


def test_sample_prompts_nonlinear_families_default_to_a_zero():
    """a defaults to 0: every family is then the linear one (same draws)."""
    lin = rd.sample_prompts(np.random.default_rng(9), 3, 2, 2, sigma2=1.0)
    for response in ("quadratic", "axis-quadratic", "drift"):
        p = rd.sample_prompts(np.random.default_rng(9), 3, 2, 2, sigma2=1.0, response=response)
        assert np.array_equal(p.y, lin.y) and np.array_equal(p.yq, lin.yq)


def test_sample_prompts_rejects_bad_arguments_at_the_boundary():
    rng = np.random.default_rng(0)
    for kw in ({"batch": 0}, {"batch": 1.5}, {"n": 0}, {"n": 2.5}, {"d": 0}, {"d": 1.5}):
        args = {"batch": 2, "n": 2, "d": 2, **kw}
        with pytest.raises(DomainError):
            rd.sample_prompts(rng, args["batch"], args["n"], args["d"])
    with pytest.raises(DomainError):
        rd.sample_prompts(rng, 2, 2, 2, sigma2=-1e-12)
    with pytest.raises(DomainError):
        rd.sample_prompts(rng, 2, 2, 2, response="cubic")
    with pytest.raises(DomainError):
        rd.sample_prompts(rng, 2, 2, 2, covariates="uniform")
    with pytest.raises(DomainError):
        rd.sample_prompts(rng, 2, 2, 2, cov=np.eye(2), covariates="rademacher")
    for lengths in ((0, 3), (3, 2), (1, 4), (1, 2)):
        with pytest.raises(DomainError):
            rd.sample_prompts(rng, 2, 3, 2, lengths=lengths)
    assert rd.sample_prompts(rng, 2, 3, 2, lengths=(3, 3)).lengths.tolist() == [3, 3]


# ------------------------------------------------------------------------------------------ features and predictions
def test_feature_pairs_and_labels():
    assert rd.feature_pairs(1) == [(0, 0), (0, 1), (1, 1)]
    assert rd.feature_pairs(2) == [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)]
    assert rd.feature_labels(1) == ["G[x1,x1]*xq1", "G[x1,y]*xq1", "G[y,y]*xq1"]
    lab = rd.feature_labels(2)
    assert lab[:3] == ["G[x1,x1]*xq1", "G[x1,x1]*xq2", "G[x1,x2]*xq1"] and lab[-1] == "G[y,y]*xq2"


def test_feature_values_by_hand():
    p = _prompts(lengths=[2, 3]).take(0, 1)
    # prompt 0, pairs 1-2: z = (1, 2, 3), (0, -1, -2); G (sum) = [[1, 2, 3], [2, 5, 8], [3, 8, 13]]; xq = (2, -3)
    Gs = {(0, 0): 1, (0, 1): 2, (0, 2): 3, (1, 1): 5, (1, 2): 8, (2, 2): 13}
    want = [Gs[pr] * xc for pr in rd.feature_pairs(2) for xc in (2, -3)]
    assert rd.feature_values(p, normalise=False).tolist() == [want]
    assert np.allclose(rd.feature_values(p), [np.array(want) / 2])


def test_gd_predictions_scalar_and_matrix_steps():
    p = _prompts()
    s = np.array([[5 / 3, 3], [8 / 3, 0]])
    assert np.allclose(rd.gd_predictions(p, 0.5), 0.5 * np.array([2 * 5 / 3 - 3 * 3, 8 / 3]))
    M = np.array([[1.0, 2.0], [0.0, 3.0]])
    # x_q^T M s
    want = [np.array([2, -3]) @ M @ s[0], np.array([1, 1]) @ M @ s[1]]
    assert np.allclose(rd.gd_predictions(p, M), want)
    assert np.allclose(rd.gd_predictions(p, M, normalise=False), 3 * np.array(want))
    assert np.allclose(rd.gd_predictions(p, 2, normalise=False), 2 * np.array([2 * 5 - 3 * 9, 8]))


def test_lsa_predictions_by_hand():
    p = _prompts(lengths=[2, 3])
    P = np.array([[1.0, 2, -1], [0, 3, 1], [2, -1, 3]])
    Q = np.array([[2.0, 1, 5], [-1, 1, 7], [3, 2, 1]])
    out = []
    for b, k in ((0, 2), (1, 3)):
        Z = np.concatenate([p.X[b, :k], p.y[b, :k, None]], axis=1)
        G = Z.T @ Z / k
        zq = np.append(p.xq[b], 0.0)
        out.append((zq + P @ G @ Q @ zq)[-1])
    assert np.allclose(rd.lsa_predictions(p, P, Q), out)
    Praw = [(np.append(p.xq[b], 0.0) + P @ (np.concatenate([p.X[b, :k], p.y[b, :k, None]], 1).T
                                             @ np.concatenate([p.X[b, :k], p.y[b, :k, None]], 1)) @ Q
             @ np.append(p.xq[b], 0.0))[-1] for b, k in ((0, 2), (1, 3))]
    assert np.allclose(rd.lsa_predictions(p, P, Q, normalise=False), Praw)
    # the residual stream: the query's response slot is 0, not something else
    Qz = Q.copy()
    Qz[:, :] = 0
    assert rd.lsa_predictions(p, P, Qz).tolist() == [0.0, 0.0]


# ------------------------------------------------------------------------------------------ Monte Carlo
def _result(est, se, lo, hi):
    return MonteCarloResult(est, se, (lo, hi), 10, 6.0)


def test_normal_equations_accessors():
    ne = rd.NormalEquations(["f1", "f2"], {"a": [_result(0.1, 0.1, -0.5, 0.7), _result(2.0, 0.25, 0.5, 3.5)],
                                           "b": [_result(0.0, 0.1, 0.0, 1.0), _result(-0.3, 0.1, -0.6, 0.0)]},
                            {"a": _result(1.0, 0.1, 0.4, 1.6)}, 10, 6.0)
    assert not ne.all_contain_zero("a") and ne.all_contain_zero("b")
    assert ne.excluded_features("a") == ["f2"] and ne.excluded_features("b") == []
    assert ne.max_abs_z("a") == 8.0 and ne.max_abs_z("b") == pytest.approx(3.0)
    js = ne.to_json()
    assert set(js) == {"n_samples", "sigmas", "features", "results", "loss"}
    assert js["n_samples"] == 10 and js["sigmas"] == 6.0 and js["features"] == ["f1", "f2"]
    assert js["results"]["a"][1]["estimate"] == 2.0 and js["loss"]["a"]["interval"] == [0.4, 1.6]
    assert ne.extra == {}


def test_running_moments_merge_chunks_of_unequal_size():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(23, 3)) * [1.0, 3.0, 0.1] + [1.0, -2.0, 5.0]
    m = rd._Moments()
    for lo, hi in ((0, 1), (1, 8), (8, 23)):
        m.add(x[lo:hi])
    assert m.n == 23
    assert np.allclose(m.mean, x.mean(0), rtol=1e-13, atol=0)
    assert np.allclose(m.m2, ((x - x.mean(0)) ** 2).sum(0), rtol=1e-12, atol=0)
    res = m.results(4.0)
    se = x.std(0, ddof=1) / np.sqrt(23)
    for r, mu, e in zip(res, x.mean(0), se):
        assert r.n_samples == 23 and r.sigmas == 4.0
        assert r.estimate == pytest.approx(mu, rel=1e-13) and r.standard_error == pytest.approx(e, rel=1e-12)
        assert r.interval[0] == pytest.approx(mu - 4 * e, rel=1e-12)
        assert r.interval[1] == pytest.approx(mu + 4 * e, rel=1e-12)


def test_running_moments_rounding_floor_for_constant_data():
    m = rd._Moments()
    m.add(np.array([[3.0, 0.5, -4.0]] * 2))
    m.add(np.array([[3.0, 0.5, -4.0]] * 3))
    res = m.results(6.0)
    assert [r.standard_error for r in res] == [0.0, 0.0, 0.0]
    assert res[0].interval == pytest.approx((3 - 3e-12, 3 + 3e-12), abs=1e-16)
    assert res[1].interval == pytest.approx((0.5 - 1e-12, 0.5 + 1e-12), abs=1e-17)
    assert res[2].interval == pytest.approx((-4 - 4e-12, -4 + 4e-12), abs=1e-16)
    assert res[0].interval[1] - res[0].interval[0] > 5e-12


def test_normal_equation_residuals_equal_direct_means_over_uneven_batches():
    def sampler(rng, m):
        return rd.sample_prompts(rng, m, 3, 1, sigma2=0.5)

    preds = {"gd": lambda p: rd.gd_predictions(p, 0.4), "zero": lambda p: 0.0 * p.yq}
    ne = rd.normal_equation_residuals(np.random.default_rng(11), sampler, preds, 11, batch=4, sigmas=5.0,
                                      directions={"dir": lambda p: p.xq[:, 0]})
    rng = np.random.default_rng(11)
    parts = [sampler(rng, m) for m in (4, 4, 3)]
    phi = np.concatenate([np.concatenate([rd.feature_values(q), q.xq[:, :1]], 1) for q in parts])   # (11, 4)
    assert ne.features == ["G[x1,x1]*xq1", "G[x1,y]*xq1", "G[y,y]*xq1", "dir"]
    assert ne.n_samples == 11 and ne.sigmas == 5.0 and isinstance(ne.n_samples, int)
    for k, f in preds.items():
        r = np.concatenate([f(q) - q.yq for q in parts])
        est = [x.estimate for x in ne.results[k]]
        assert np.allclose(est, (r[:, None] * phi).mean(0), rtol=1e-12, atol=0)
        se = (r[:, None] * phi).std(0, ddof=1) / np.sqrt(11)
        assert np.allclose([x.standard_error for x in ne.results[k]], se, rtol=1e-10, atol=0)
        assert ne.loss[k].estimate == pytest.approx((r ** 2).mean(), rel=1e-12)
        assert ne.loss[k].n_samples == 11 and ne.loss[k].sigmas == 5.0
    # without directions, unnormalised features (n = 3: three times the normalised ones)
    ne2 = rd.normal_equation_residuals(np.random.default_rng(11), sampler, {"zero": preds["zero"]}, 2,
                                       normalise=False)
    q = sampler(np.random.default_rng(11), 2)
    assert ne2.features == rd.feature_labels(1)
    assert np.allclose([x.estimate for x in ne2.results["zero"]], (-q.yq[:, None] * rd.feature_values(q, False)).mean(0))
    assert ne2.sigmas == 6.0


def test_normal_equation_residuals_default_batch_is_50000():
    sizes = []

    def sampler(rng, m):
        sizes.append(m)
        return rd.sample_prompts(rng, m, 1, 1)

    ne = rd.normal_equation_residuals(np.random.default_rng(0), sampler, {"z": lambda p: 0 * p.yq}, 50_001)
    assert sizes == [50_000, 1] and ne.n_samples == 50_001 and ne.loss["z"].n_samples == 50_001


def test_normal_equation_residuals_rejects_too_few_samples():
    with pytest.raises(DomainError):
        rd.normal_equation_residuals(np.random.default_rng(0), lambda r, m: rd.sample_prompts(r, m, 2, 1),
                                     {"z": lambda p: 0 * p.yq}, 1)
    with pytest.raises(DomainError):
        rd.normal_equation_residuals(np.random.default_rng(0), lambda r, m: rd.sample_prompts(r, m, 2, 1),
                                     {"z": lambda p: 0 * p.yq}, 2.5)


def test_feature_values_of_full_prompts_use_every_context_token():
    """No padding: all three context tokens enter G (and the query does not)."""
    p = _prompts()
    G0 = {(0, 0): 5, (0, 1): 4, (0, 2): 5, (1, 1): 6, (1, 2): 9, (2, 2): 14}
    G1 = {(0, 0): 11, (0, 1): 1, (0, 2): 8, (1, 1): 5, (1, 2): 0, (2, 2): 6}
    want = [[G[pr] * xc for pr in rd.feature_pairs(2) for xc in xq] for G, xq in ((G0, (2, -3)), (G1, (1, 1)))]
    assert rd.feature_values(p, normalise=False).tolist() == want


def test_normal_equations_are_frozen():
    ne = rd.NormalEquations(["f"], {"a": [_result(0.0, 0.1, -1.0, 1.0)]}, {"a": _result(1.0, 0.1, 0.4, 1.6)}, 10, 6.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ne.n_samples = 11
