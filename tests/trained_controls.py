"""The negative controls shared by every check judged by ``mahankali2023._common.judge_trained``: real trained
evidence passes, and each way the evidence can speak against the derived predictor (or fail to speak) is fed to the
judge by perturbing that evidence."""

import numpy as np

from ical_verify.numerics.montecarlo import MonteCarloResult
from ical_verify.proofs_check.papers.mahankali2023 import _common as C


def assert_trained_controls(ev, tol: float = C.TRAIN_TOLERANCE) -> None:
    judge = lambda e: C.judge_trained(e, tol=tol).passed  # noqa: E731
    assert judge(ev) is True
    derived, alt = ev.labels[0], ev.labels[1]
    S = len(ev.gap)
    best = int(np.argmin([g.estimate for g in ev.select_gap]))
    # (b) one start is significantly better than the derived predictor on the test set: fails
    better = MonteCarloResult(-0.05, 0.001, (-0.056, -0.044), 1000, 6.0)
    assert judge(C.perturbed(ev, gap=[better] + list(ev.gap[1:]))) is False
    # the tied starts sit at an alternative (the lowest start's predictions within tolerance of it, their median
    # Gamma equal to that alternative's step): fails
    dist = {**ev.dist, alt: list(ev.dist[alt])}
    dist[alt][best] = tol / 8
    tied = C.judge_trained(ev, tol=tol).metrics["tied_for_lowest"]
    gamma_med = np.median(np.array([np.atleast_2d(ev.gamma[s]) for s in tied], float), axis=0)
    steps = {**ev.steps, alt: gamma_med.T.tolist()}
    assert judge(C.perturbed(ev, dist=dist, steps=steps)) is False
    # (c) an alternative whose step is 0.01 % from the derived step: the trained starts cannot resolve it: undecided
    near = {**ev.steps, alt: (1.0001 * np.asarray(ev.steps[derived], float)).tolist()}
    assert judge(C.perturbed(ev, steps=near)) is None
    # a start far from the derived predictor that the selection set cannot tell apart from the lowest one: undecided
    other = next(s for s in range(S) if s != best)
    far = {**ev.dist, derived: list(ev.dist[derived])}
    far[derived][other] = 3 * tol
    tied = list(ev.select_gap)
    low = ev.select_gap[best]
    tied[other] = MonteCarloResult(low.estimate + 0.5 * low.standard_error, low.standard_error, low.interval,
                                   low.n_samples, low.sigmas)  # tied, not lower: the lowest start stays the same
    assert judge(C.perturbed(ev, dist=far, select_gap=tied)) is None
    # the same start, tied but between tol and 2 tol (converged starts scatter there; their extra loss is below the
    # resolution either way): allowed
    near = {**far, derived: list(far[derived])}
    near[derived][other] = 1.5 * tol
    assert judge(C.perturbed(ev, dist=near, select_gap=tied)) is True
    # the same far start with a clearly higher selection loss (a local minimum or saddle): no objection
    clear = list(ev.select_gap)
    clear[other] = MonteCarloResult(low.estimate + 0.5, low.standard_error, low.interval, low.n_samples, low.sigmas)
    assert judge(C.perturbed(ev, dist=far, select_gap=clear)) is True
    # the tied starts sit consistently away from the derived step (here: the derived step moved by 30 %, farther than
    # half the distance to any alternative, with the evidence unchanged): fails
    moved_step = {**ev.steps, derived: (1.3 * np.asarray(ev.steps[derived], float)).tolist()}
    if len([s for s in range(S) if ev.dist[derived][s] <= tol]) >= 3:
        assert judge(C.perturbed(ev, steps=moved_step)) is False
    # (a) the start chosen on the selection set is far from the derived predictor (none beats it): undecided
    moved = {**ev.dist, derived: list(ev.dist[derived])}
    moved[derived][best] = 3 * tol
    assert judge(C.perturbed(ev, dist=moved)) is None
    # the choice is made on the selection set, not on the test set: making another start the lowest on the test
    # set only changes nothing
    shifted = list(ev.gap)
    shifted[other] = MonteCarloResult(-0.01, 0.02, (-0.13, 0.11), 1000, 6.0)
    out = C.judge_trained(C.perturbed(ev, gap=shifted), tol=tol)
    assert out.metrics["best_start"] == best
