r"""Checks of the convex-reformulation laws of CRONOS (:mod:`scalinglaws.papers.cronos`).

Process: :mod:`~scalinglaws.validators.processes.group_lasso` -- a two-layer gated-ReLU network
with weight decay (non-convex, conjugate gradient from random starts) and its convex group-lasso
program (FISTA with group soft-thresholding and a dual lower bound), on one seeded data set
(n = 30 samples, d = 3 with the bias column, P = 20 Gaussian gates).

* ``gated_relu_equivalence``: the ratio of the two optimal values. The interval is systematic:
  the convex optimum lies between FISTA's dual bound and its primal value (the duality gap), and
  the non-convex solver's error is read from its values at two gradient tolerances (the tight
  value, less their difference, to the tight value).
* ``amgm_identity``: the minimum over :math:`\alpha > 0` of
  :math:`\tfrac12(\|w\|^2/\alpha^2 + \alpha^2)` (the constraint :math:`u\alpha = w` fixes
  :math:`u = w/\alpha`) by bounded Brent search, evaluated in float64 and float32 (two
  precisions: the systematic interval).
* ``pattern_count_bound``: the exact number of activation patterns of points in the plane,
  counted on the arcs between the critical directions :math:`h \perp x_i`.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy import optimize

from .engine import Settings, Value, check
from .processes import group_lasso as gl

#: Data set: samples, columns (with bias), gates; FISTA iterations (quick, full).
DATA = {"n": 30, "d": 3, "gates": 20}
FISTA_ITERS = {False: 5000, True: 50000}


@functools.lru_cache(maxsize=4)
def _data(seed: int):
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0xC0]))
    return gl.gated_relu_data(rng, **DATA)


def _equivalence(beta: float, settings: Settings) -> Value:
    X, y, D = _data(settings.seed)
    convex = gl.group_lasso(X, D, y, beta=beta, iters=FISTA_ITERS[settings.full])
    rng = np.random.default_rng(np.random.SeedSequence([int(settings.seed), 0xC1]))
    loose, tight = gl.train_gated_net(X, D, y, beta=beta, rng=rng)
    value = tight / convex["primal"]
    # the non-convex optimum is at most `tight`, and at least `tight` less the solver's error
    # (its change between the two tolerances); the convex one lies in [dual, primal]
    lo = (tight - abs(loose - tight)) / convex["primal"]
    hi = tight / convex["dual"]
    return Value(
        value, (lo, hi), method=("optimal values of both programs; interval from the duality "
                                 "gap and two solver tolerances (systematic)"),
        relative=True, deterministic=True,
        notes=(f"n = {DATA['n']}, d = {DATA['d']} (bias column), P = {DATA['gates']} gates, "
               f"beta = {beta}; convex primal {convex['primal']:.10g}, dual {convex['dual']:.10g} "
               f"({FISTA_ITERS[settings.full]} FISTA steps); non-convex best of 2 CG starts "
               f"{tight:.10g} (gtol 1e-7), {loose:.10g} (gtol 1e-5); "
               f"{int((np.linalg.norm(convex['w'], axis=1) > 1e-9).sum())} active neurons."),
    )


@check("cronos.gated_relu_equivalence", name="cronos.gated_relu_equivalence[beta=0.1]",
       quick_seconds=1.5)
def equivalence_weak_decay(settings: Settings) -> Value:
    """Non-convex / convex optimal value at beta = 0.1 (most neurons active)."""
    return _equivalence(0.1, settings)


@check("cronos.gated_relu_equivalence", name="cronos.gated_relu_equivalence[beta=1]",
       quick_seconds=1.0)
def equivalence_strong_decay(settings: Settings) -> Value:
    """Non-convex / convex optimal value at beta = 1 (sparse: few neurons active)."""
    return _equivalence(1.0, settings)


def _amgm(w: float) -> Value:
    res = optimize.minimize_scalar(lambda al: 0.5 * (w * w / (al * al) + al * al),
                                   bounds=(1e-6 * np.sqrt(w), 1e6 * np.sqrt(w)),
                                   method="bounded", options={"xatol": 1e-12 * np.sqrt(w)})
    vals = []
    for dt in (np.float64, np.float32):
        al, ww = dt(res.x), dt(w)
        vals.append(float(dt(0.5) * (ww * ww / (al * al) + al * al)))
    return Value(vals[0], (min(vals), max(vals)),
                 method="bounded Brent minimum, evaluated in float64 and float32 (systematic)",
                 point={"w": w}, relative=True, deterministic=True,
                 notes=f"minimizer alpha = {res.x:.12g} (u = w / alpha).")


@check("cronos.amgm_identity", name="cronos.amgm_identity[w=2.5]", quick_seconds=0.01)
def amgm_large(settings: Settings) -> Value:
    """Weight decay of one neuron whose product has norm 2.5."""
    return _amgm(2.5)


@check("cronos.amgm_identity", name="cronos.amgm_identity[w=0.01]", quick_seconds=0.01)
def amgm_small(settings: Settings) -> Value:
    """Weight decay of one neuron whose product has norm 0.01."""
    return _amgm(0.01)


def _patterns_in_plane(n: int, seed: int) -> int:
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0xC2, n]))
    X = rng.standard_normal((n, 2))
    theta = np.arctan2(X[:, 1], X[:, 0])
    crit = np.sort(np.mod(np.concatenate([theta + np.pi / 2, theta - np.pi / 2]), 2 * np.pi))
    mids = (crit + np.diff(np.append(crit, crit[0] + 2 * np.pi)) / 2)
    H = np.stack([np.cos(mids), np.sin(mids)])
    return len({row.tobytes() for row in (X @ H >= 0).T})


def _pattern_value(n: int, settings: Settings) -> Value:
    count = _patterns_in_plane(n, settings.seed)
    return Value(count, (count, count), method="exact count over the arcs between critical "
                 "directions", point={"n": n}, relative=True, deterministic=True,
                 notes=f"{n} Gaussian points in the plane (rank 2, general position a.s.).")


@check("cronos.pattern_count_bound", name="cronos.pattern_count_bound[n=2]", quick_seconds=0.01)
def patterns_two(settings: Settings) -> Value:
    """Activation patterns of 2 points in the plane (bound 4), at the regime's end."""
    return _pattern_value(2, settings)


@check("cronos.pattern_count_bound", name="cronos.pattern_count_bound[n=40]",
       quick_seconds=0.01)
def patterns_forty(settings: Settings) -> Value:
    """Activation patterns of 40 points in the plane (bound 80)."""
    return _pattern_value(40, settings)
