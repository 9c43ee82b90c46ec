r"""Checks of the batch-dependent drift of stochastic Adam (:mod:`scalinglaws.papers.stochastic_adam`).

The paper's generalization statements have no checkable closed form (see the paper module). The
side results are checked on one gradient coordinate with per-sample gradients
:math:`N(\mu, \sigma^2)`, :math:`\sigma = 1`, :math:`\mu = 0.2`:

* **SignSGD drift** (:math:`\beta_1 = \beta_2 = 0`): the mean of :math:`\mathrm{sign}\,\hat g`
  over batches of :math:`B` per-sample gradients, at :math:`B = 1` (the smallest batch) and
  :math:`B = 16`; t-interval over 16 seeded replicas.
* **Slow-v drift** (:math:`\beta_1 = 0`, :math:`\beta_2 \to 1`): the stationary mean of
  :math:`\hat g_t/\sqrt{v_t}` with :math:`v_t = \beta_2 v_{t-1} + (1-\beta_2)\hat g_t^2` (the EMA
  computed exactly by a linear filter along time), at :math:`1-\beta_2 = 0.01` and
  :math:`0.005`, Richardson-extrapolated to :math:`\beta_2 = 1` (the law is the limit; the
  correction is :math:`O(1-\beta_2)`), at :math:`B = 4` and :math:`B = 64`. Here
  :math:`\hat g_t \sim N(\mu, \sigma^2/B)` is drawn directly (the mean of :math:`B` Gaussian
  per-sample gradients has exactly that law).
"""

from __future__ import annotations

import functools

import numpy as np
from scipy import signal, stats

from .engine import Settings, Value, check

MU, SIGMA = 0.2, 1.0
REPLICAS = 16


def _streams(seed: int, tag: int):
    root = np.random.SeedSequence([int(seed), 0x5ADA, int(tag)])
    return [np.random.Generator(np.random.PCG64(s)) for s in root.spawn(REPLICAS)]


def _t_interval(values) -> tuple:
    v = np.asarray(values, dtype=float)
    se = v.std(ddof=1) / np.sqrt(v.size)
    q = stats.t.ppf(0.975, v.size - 1)
    return float(v.mean()), (float(v.mean() - q * se), float(v.mean() + q * se))


def _sign_drift(B: int, settings: Settings) -> Value:
    batches = (20000 if settings.full else 4000) * max(1, 16 // B)
    vals = []
    for rng in _streams(settings.seed, B):
        g = MU + SIGMA * rng.standard_normal((batches, B))
        vals.append(np.sign(g.mean(axis=1)).mean())
    value, ci = _t_interval(vals)
    return Value(value, ci, method=f"Monte Carlo mean, t-interval over {REPLICAS} replicas",
                 point={"mu": MU, "sigma": SIGMA, "B": B}, relative=True,
                 notes=f"{batches} batches of {B} per-sample gradients N({MU}, {SIGMA}^2) per replica.")


@check("stochastic_adam.signsgd_drift", name="stochastic_adam.signsgd_drift[B=1]",
       quick_seconds=0.1)
def sign_drift_b1(settings: Settings) -> Value:
    """Mean SignSGD update at batch 1 (mu = 0.2 sigma): predicted erf(0.2/sqrt 2) = 0.159."""
    return _sign_drift(1, settings)


@check("stochastic_adam.signsgd_drift", name="stochastic_adam.signsgd_drift[B=16]",
       quick_seconds=0.2)
def sign_drift_b16(settings: Settings) -> Value:
    """Mean SignSGD update at batch 16 (mu = 0.2 sigma): predicted erf(0.8/sqrt 2) = 0.576."""
    return _sign_drift(16, settings)


_ONE_MINUS_BETA2 = (0.01, 0.005)


@functools.lru_cache(maxsize=8)
def _adam_drift(B: int, full: bool, seed: int):
    coords = 400 if full else 100
    out = []
    for rng in _streams(seed, 1000 + B):
        row = []
        for eps2 in _ONE_MINUS_BETA2:
            burn = int(10 / eps2)
            T = burn + int(20 / eps2)
            g = MU + SIGMA / np.sqrt(B) * rng.standard_normal((T, coords))
            v0 = (g[:100] ** 2).mean(axis=0)  # warm start; burn-in forgets it
            v, _ = signal.lfilter([eps2], [1.0, -(1.0 - eps2)], g**2, axis=0,
                                  zi=((1.0 - eps2) * v0)[None, :])
            row.append(float((g[burn:] / np.sqrt(v[burn:])).mean()))
        out.append(row)
    return np.array(out)


def _slow_v(B: int, settings: Settings) -> Value:
    u = _adam_drift(B, settings.full, settings.seed)
    e1, e2 = _ONE_MINUS_BETA2
    limit = (e1 * u[:, 1] - e2 * u[:, 0]) / (e1 - e2)  # linear extrapolation to 1 - beta2 = 0
    value, ci = _t_interval(limit)
    return Value(
        value, ci, method=(f"Richardson to beta2 -> 1 from 1 - beta2 = {e1}, {e2}; t-interval "
                           f"over {REPLICAS} replicas"),
        point={"mu": MU, "sigma": SIGMA, "B": B}, relative=True,
        data={"x": list(_ONE_MINUS_BETA2), "y": u.mean(axis=0).tolist(), "xlabel": "1 - beta2",
              "ylabel": "E g_hat / sqrt(v)", "loglog": False},
        notes=(f"Adam beta1 = 0, eps = 0 on independent coordinates; burn-in 10/(1 - beta2) "
               f"steps, average over 20/(1 - beta2) steps; mean drifts {u.mean(axis=0).round(5)}."),
    )


@check("stochastic_adam.slow_v_drift", name="stochastic_adam.slow_v_drift[B=4]",
       quick_seconds=0.6)
def slow_v_b4(settings: Settings) -> Value:
    """Mean Adam (beta1 = 0) update at batch 4 as beta2 -> 1: predicted 0.2/sqrt(0.29) = 0.371
    (SignSGD's would be 0.311)."""
    return _slow_v(4, settings)


@check("stochastic_adam.slow_v_drift", name="stochastic_adam.slow_v_drift[B=64]",
       quick_seconds=0.6)
def slow_v_b64(settings: Settings) -> Value:
    """Mean Adam (beta1 = 0) update at batch 64 as beta2 -> 1: predicted 0.848."""
    return _slow_v(64, settings)
