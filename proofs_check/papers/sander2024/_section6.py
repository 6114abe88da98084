"""Helpers shared by the §6 / Appendix B experiment claims (fig7, fig8, fig9, fig10).

- seeds of independent training runs derived from ``ctx.seed``;
- :func:`compare_groups`: is one group of per-seed MSEs significantly lower than another? (exact one-sided
  Mann–Whitney test over seeds plus a minimum relative effect: a "significant gain" needs both; "no gain" needs
  the bootstrap interval of the effect to lie below the minimum effect);
- :func:`describe`: median and range of per-seed numbers;
- :func:`bayes_floor_outcome`: the Monte Carlo check of the closed-form Bayes error of
  :mod:`ical_verify.numerics.reference_levels` for a claim's data, with the nearest wrong alternatives excluded;
- :func:`floor_outcome`: every trained model's test error against the Bayes error on the same test sequences.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from ...claim import CheckOutcome

#: A "significant" gain: the median MSE drops by at least this fraction ...
MIN_RELATIVE_GAIN = 0.05
#: ... and the exact one-sided Mann–Whitney p-value over seeds is at most this (3 seeds against 3: p >= 0.05).
ALPHA = 0.05


def cached_evidence(fn):
    """Cache an evidence function ``fn(seed, profile, report=None, device="cpu")`` on ``(seed, profile, device)``
    (``report``, a progress callback, is not part of the key). ``fn.cache_clear()`` empties the cache."""
    cache: dict = {}

    @functools.wraps(fn)
    def wrapper(seed: int, profile: str, report=None, device: str = "cpu"):
        k = (int(seed), str(profile), str(device))
        if k not in cache:
            cache[k] = fn(seed, profile, report, device)
        return cache[k]

    wrapper.cache_clear = cache.clear
    return wrapper


def run_seeds(seed: int, stream: int, k: int) -> list[int]:
    """``k`` training seeds for a configuration, derived from the run's ``seed`` and a per-experiment stream."""
    rng = np.random.default_rng([seed, stream])
    return [int(x) for x in rng.integers(0, 2 ** 31 - 1, size=k)]


def describe(values) -> dict:
    """Median, min, max and the per-seed values of a list of numbers."""
    v = [float(x) for x in values]
    return {"median": float(np.median(v)), "min": float(min(v)), "max": float(max(v)), "per_seed": v}


def fmt(values, digits: int = 3) -> str:
    """'median [min, max] (n seeds)'."""
    s = describe(values)
    return f"{s['median']:.{digits}g} [{s['min']:.{digits}g}, {s['max']:.{digits}g}] ({len(s['per_seed'])} seeds)"


@dataclass(frozen=True)
class GroupComparison:
    """Is group ``lower`` (per-seed MSEs) below group ``higher``? ``decision``: ``gain``, ``no-gain`` or
    ``undecided``.

    ``gain``: the median drops by at least :data:`MIN_RELATIVE_GAIN` and the exact one-sided Mann–Whitney
    p-value is at most :data:`ALPHA`; ``no-gain``: the upper end of the 95 % bootstrap interval of the relative
    drop of the median is below :data:`MIN_RELATIVE_GAIN` (a gain, if any, is confidently small); ``undecided``
    otherwise (too few or too scattered runs: training outcomes are often bimodal, some runs stall).

    With a ``resolution`` r (an indifference band of r either side of the margin, for an experiment whose
    replications cannot resolve effects near the margin), a decision also needs the point estimate outside the
    band and the whole 95 % interval on its side of the margin: ``gain`` needs a drop >= margin + r, the lower end
    of the interval above the margin and p <= alpha; ``no-gain`` needs a drop <= margin - r and the upper end
    below the margin. The band only ever turns a decision into ``undecided``.
    """

    median_lower: float
    median_higher: float
    relative_gain: float
    p_value: float
    interval: tuple[float, float]
    decision: str
    resolution: float | None = None

    def to_json(self) -> dict:
        return {"median_lower": self.median_lower, "median_higher": self.median_higher,
                "relative_gain": self.relative_gain, "p_value": self.p_value, "interval": list(self.interval),
                "decision": self.decision, "resolution": self.resolution}

    def __str__(self) -> str:
        lo, hi = self.interval
        return (f"median {self.median_lower:.4g} vs {self.median_higher:.4g} (relative gain "
                f"{100 * self.relative_gain:.1f} %, 95 % bootstrap interval [{100 * lo:.1f}, {100 * hi:.1f}] %, "
                f"one-sided Mann-Whitney p = {self.p_value:.3g}"
                + ("" if self.resolution is None else
                   f"; effects within {100 * self.resolution:g} points of the margin are not resolved")
                + f"): {self.decision}")


def compare_groups(lower, higher, min_gain: float = MIN_RELATIVE_GAIN, alpha: float = ALPHA,
                   resamples: int = 2000, resolution: float | None = None) -> GroupComparison:
    """Compare two groups of per-seed numbers (see :class:`GroupComparison`); the bootstrap is seeded (fixed).

    >>> compare_groups([1.0, 1.1, 0.9], [2.0, 2.1, 1.9]).decision
    'gain'
    >>> compare_groups([2.0, 2.01, 1.99], [2.0, 2.005, 1.995]).decision
    'no-gain'
    >>> compare_groups([1.50, 1.51, 1.92], [1.49, 1.50, 1.60]).decision
    'undecided'

    A drop of 7 % is a gain under the plain rule, but lies within a band of 5 points of the 5 % margin:

    >>> a, b = [0.930, 0.931, 0.932, 0.929, 0.930], [1.0, 1.001, 1.002, 0.999, 1.0]
    >>> compare_groups(a, b).decision, compare_groups(a, b, resolution=0.05).decision
    ('gain', 'undecided')
    >>> compare_groups([0.8, 0.81, 0.79, 0.8, 0.8], b, resolution=0.05).decision
    'gain'
    """
    if resolution is not None and not 0 <= resolution < 1:
        raise ValueError(f"resolution must lie in [0, 1), got {resolution!r}")
    from scipy.stats import mannwhitneyu

    a, b = np.asarray(lower, dtype=float), np.asarray(higher, dtype=float)
    ma, mb = float(np.median(a)), float(np.median(b))
    rel = (mb - ma) / abs(mb) if mb != 0 else 0.0
    p = float(mannwhitneyu(a, b, alternative="less", method="exact").pvalue)
    rng = np.random.default_rng(0)
    ra = np.median(a[rng.integers(0, len(a), (resamples, len(a)))], axis=1)
    rb = np.median(b[rng.integers(0, len(b), (resamples, len(b)))], axis=1)
    rels = (rb - ra) / np.where(rb != 0, np.abs(rb), 1.0)
    lo, hi = (float(x) for x in np.quantile(rels, [0.025, 0.975]))
    r = 0.0 if resolution is None else resolution
    banded = resolution is not None
    if rel >= min_gain + r and p <= alpha and (not banded or lo > min_gain):
        decision = "gain"
    elif hi < min_gain and (not banded or rel <= min_gain - r):
        decision = "no-gain"
    else:
        decision = "undecided"
    return GroupComparison(ma, mb, float(rel), p, (lo, hi), decision, resolution)


def bayes_floor_outcome(d: int, t_max: int, rng: np.random.Generator, n: int, s1_norm_sq: float = 1.0,
                        sigmas: float = 6.0) -> CheckOutcome:
    r"""Monte Carlo check of :math:`\mathbb{E}\|s_{T+1} - \mathbb{E}[s_{T+1}|s_{1:T}]\|^2 = \|s_1\|^2(d-T+1)_+/d`
    (Haar O(d)) for T = 1..min(t_max, d + 1), and of the exact reflection identity behind it.

    The interval (``sigmas`` standard errors) must contain the closed form and exclude the nearest wrong
    alternatives :math:`\|s_1\|^2(d-T)_+/d`, :math:`\|s_1\|^2(d-T+2)/d` (off by one) and the Haar SO(d) value 0 at
    T = d.
    """
    from ical_verify.numerics.reference_levels import (bayes_errors_haar, bayes_level_haar_orthogonal,
                                                       mirror_consistency)
    from ical_verify.numerics.samplers import ar_sequences, haar_orthogonal

    u = np.ones(d) * np.sqrt(s1_norm_sq / d)
    L = min(t_max, d + 1)
    W = haar_orthogonal(d, n, rng)
    seqs = ar_sequences(W, L + 1, s1=u)  # (n, L + 1, d)
    err = bayes_errors_haar(seqs)  # (n, L)
    rows, ok, excluded = [], True, True
    for T in range(1, L + 1):
        m, se = float(err[:, T - 1].mean()), float(err[:, T - 1].std(ddof=1) / np.sqrt(n))
        half = sigmas * se + 1e-12
        exact = bayes_level_haar_orthogonal(d, T, s1_norm_sq)
        wrong = [s1_norm_sq * max(d - T, 0) / d, s1_norm_sq * (d - T + 2) / d]
        if T == d:
            wrong.append(0.0)
        inside = abs(m - exact) <= half
        out = all(abs(m - w) > half for w in wrong if w != exact)
        ok &= inside
        excluded &= out
        rows.append({"T": T, "estimate": m, "half_width": half, "closed_form": exact, "inside": inside,
                     "alternatives": wrong, "alternatives_excluded": out})
    mirror = max(mirror_consistency(W[i], T, u) for i in range(min(n, 20)) for T in (1, max(1, d // 2), d))
    exact_ok = mirror < 1e-9
    passed = bool(ok and excluded and exact_ok)
    summary = (f"Bayes error {s1_norm_sq:g}·(d - T + 1)_+/d (Haar O({d})) confirmed by Monte Carlo ({n} sequences, "
               f"{sigmas:g} sigma) for T = 1..{L}; reflection identity exact to {mirror:.1e}")
    detail = (summary + ". Derivation: numerics/reference_levels.py (conditional law of W given the prefix = Haar on "
              "the stabiliser of span(s_2..s_T); conditional mean W P_V s_T; residual norm telescopes). Per prefix: "
              + "; ".join(f"T={r['T']}: {r['estimate']:.4f} ± {r['half_width']:.4f} vs {r['closed_form']:.4f}"
                          for r in rows)
              + f". Nearest wrong alternatives (off by one, Haar SO(d) at T = d) excluded: {excluded}.")
    if not passed:
        summary = "Bayes floor derivation NOT confirmed: " + summary
    return CheckOutcome(passed, detail, {"rows": rows, "mirror_max_deviation": mirror, "n": n}, summary=summary,
                        scope=f"d = {d}, T = 1..{L}")


def floor_outcome(rows: list[dict], levels: dict) -> CheckOutcome:
    """No trained model and no GD number below the Bayes error on the same test sequences (a bug otherwise).

    ``rows``: dicts with ``label``, ``per_sequence`` (model errors per test sequence) and ``bayes_per_sequence``
    (Bayes errors per test sequence, same normalisation).
    """
    from ical_verify.numerics.reference_levels import floor_test

    bad, worst = [], None
    out = []
    for r in rows:
        t = floor_test(np.asarray(r["per_sequence"]), np.asarray(r["bayes_per_sequence"]))
        z = t.mean_difference / t.standard_error if t.standard_error > 0 else float("inf")
        out.append({"label": r["label"], **t.to_json(), "z": z})
        if worst is None or z < worst[1]:
            worst = (r["label"], z, t)
        if t.violated:
            bad.append(r["label"])
    passed = not bad
    lab, z, t = worst
    summary = (f"{len(rows)} reported numbers, none below the Bayes error (closest: {lab}, "
               f"{t.mean_model:.4g} vs Bayes {t.mean_bayes:.4g}, z = {z:.1f})" if passed else
               f"BUG: {len(bad)} of {len(rows)} reported numbers lie below the Bayes error: {', '.join(bad[:3])}")
    detail = (summary + f". Levels: predicting 0 gives {levels['mean_zero']:.4g}, Bayes {levels['mean_bayes']:.4g} "
              "(per-sequence paired test, 6 sigma; a model cannot beat the conditional mean in expectation).")
    return CheckOutcome(passed, detail, {"rows": out, "levels": levels}, summary=summary)


def scaled_finding(scales: dict):
    """A ``Claim.finding``: the default sub-claim summary, prefixed by the scale the verdict was measured at
    (``scales[profile]``), so that a verdict of the reduced quick profile is never read as the paper's scale."""

    def finding(result) -> str:
        counts: dict[str, int] = {}
        for s in result.subclaims:
            counts[s.verdict] = counts.get(s.verdict, 0) + 1
        head = ", ".join(f"{n} {v}" for v, n in counts.items()) + f" of {len(result.subclaims)} sub-claims"
        bad = [s for s in result.subclaims if s.verdict not in ("verified", "not-run")]
        shown = bad or [s for s in result.subclaims if s.verdict == "verified"][:1]
        scale = scales.get(result.profile, result.profile)
        return (f"[{result.profile} profile: {scale}] " + head + ": "
                + "; ".join(f"{s.subclaim.id} {s.verdict}: {s.finding}" for s in shown))

    return finding


def share_of_gain(base, treated, control, resamples: int = 2000) -> dict:
    """Share of the treatment's gain that the control reaches: ``(med(base) - med(control)) / (med(base) -
    med(treated))`` (1: the control does as well as the treatment, 0: no better than the base), with a seeded 95 %
    bootstrap interval over the runs of the three groups.

    >>> r = share_of_gain([1.0, 1.01, 0.99], [0.5, 0.51, 0.49], [0.5, 0.52, 0.5])
    >>> round(r["share"], 2), r["interval"][0] > 0.8
    (1.0, True)
    """
    a, t, c = (np.asarray(x, dtype=float) for x in (base, treated, control))
    med = lambda x: float(np.median(x))
    gain = med(a) - med(t)
    share = (med(a) - med(c)) / gain if gain != 0 else float("nan")
    rng = np.random.default_rng(0)
    ra = np.median(a[rng.integers(0, len(a), (resamples, len(a)))], axis=1)
    rt = np.median(t[rng.integers(0, len(t), (resamples, len(t)))], axis=1)
    rc = np.median(c[rng.integers(0, len(c), (resamples, len(c)))], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = (ra - rc) / (ra - rt)
    shares = shares[np.isfinite(shares)]
    lo, hi = (float(x) for x in np.quantile(shares, [0.025, 0.975])) if len(shares) else (float("nan"),) * 2
    return {"share": float(share), "interval": (lo, hi), "gain": gain}
