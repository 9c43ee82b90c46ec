"""Checks of the Lion laws: the l_inf box and the update-RMS ratio behind the 3-10x rule.

* **Box** (:func:`~scalinglaws.validators.processes.optimizer_steps.lion_quadratic`): Lion with
  decoupled weight decay on a separable quadratic whose targets lie outside the box
  :math:`\\lvert\\theta_i\\rvert \\le 1/\\lambda` (so the iterate presses against it), with Gaussian
  gradient noise, started inside. The measurement is :math:`\\sup_t\\lVert\\theta_t\\rVert_\\infty`
  in float64 with a systematic interval from the same run in float32 (the gradient dominates the
  noise, so both runs take the same signs). The law is an upper bound: it holds when the interval
  reaches down to :math:`1/\\lambda`, and the run approaches the bound closely enough that a
  bound 10 % smaller is rejected.
* **RMS ratio** (:func:`~scalinglaws.validators.processes.optimizer_steps.adam_noise_update_rms`):
  Adam and Lion on the same i.i.d. Gaussian gradients, 800 coordinates in 40 independent groups;
  the ratio of the update RMS values per group, averaged, with a standard error over the groups.
  Adam's :math:`\\beta_2 = 0.9999` (the law is the :math:`\\beta_2 \\to 1` limit; the remaining
  relative bias, of order :math:`1-\\beta_2`, is far below the standard error).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .engine import Settings, Value, check
from .processes import optimizer_steps as ops

_TWO = "float64 value; interval +- its difference from the same run in float32 (systematic)"
D_BOX = 50
NOISE = 0.1


def _seed(settings: Settings, tag: int) -> int:
    return int(np.random.SeedSequence([settings.seed, tag]).generate_state(1)[0])


#: (lr, lam, steps): lr lam = 1e-3 (small steps; 5000 steps bring the iterate within e^-5 of
#: the bound) and lr lam = 0.9 (near the regime's end at 1, where one step crosses most of the
#: box)
_BOX = {"1e-3": (2e-3, 0.5, 5_000), "0.9": (0.9, 1.0, 200)}


@functools.lru_cache(maxsize=8)
def _box_run(seed: int, which: str, dtype_name: str):
    lr, lam, steps = _BOX[which]
    rng = np.random.default_rng([seed, 7])
    h = rng.uniform(0.5, 2.0, D_BOX)
    a = rng.choice([-1.0, 1.0], D_BOX) * rng.uniform(1.5, 2.5, D_BOX) / lam
    theta0 = rng.uniform(-0.5, 0.5, D_BOX) / lam
    top, _ = ops.lion_quadratic(h, a, theta0, lr=lr, wd=lam, steps=steps, noise=NOISE,
                                seed=seed, dtype=np.dtype(dtype_name).type)
    return top, float(np.max(np.abs(theta0)))


def _box(settings: Settings, which: str) -> Value:
    lr, lam, steps = _BOX[which]
    seed = _seed(settings, 1)
    v64, th0 = _box_run(seed, which, "float64")
    v32, _ = _box_run(seed, which, "float32")
    return Value(
        v64, ops.precision_interval(v64, v32), method=_TWO,
        point={"lr": lr, "lam": lam, "th0inf": th0}, relative=True, deterministic=True,
        notes=(f"Lion (betas 0.9, 0.99) on a separable quadratic, d = {D_BOX}, h in [0.5, 2], "
               f"|a| in [1.5, 2.5]/lam (outside the box), gradient noise std {NOISE}, theta_0 "
               f"uniform in [-0.5, 0.5]/lam; lr = {lr}, lam = {lam}, {steps} steps; measured "
               "the largest |theta_i| over all steps."),
    )


@check("lion.box", name="lion.box[lr*lam=1e-3]", quick_seconds=0.5)
def box_small_steps(settings: Settings) -> Value:
    """sup_t ||theta_t||_inf <= 1/lam with lr lam = 1e-3 (the iterate approaches the bound)."""
    return _box(settings, "1e-3")


@check("lion.box", name="lion.box[lr*lam=0.9]", quick_seconds=0.1)
def box_large_steps(settings: Settings) -> Value:
    """sup_t ||theta_t||_inf <= 1/lam with lr lam = 0.9 (one step crosses most of the box)."""
    return _box(settings, "0.9")


RMS = dict(d=800, groups=40, burn_in=2000, beta2=0.9999)


def _rms_steps(settings: Settings) -> int:
    return 40_000 if settings.full else 6_000


@check("lion.update_rms_ratio", name="lion.update_rms_ratio[beta1=0.9]", quick_seconds=0.8)
def update_rms_ratio(settings: Settings) -> Value:
    """RMS(Lion update) / RMS(Adam update) = sqrt((1 + beta1)/(1 - beta1)) on pure noise."""
    beta1, steps = 0.9, _rms_steps(settings)
    adam, lion = ops.adam_noise_update_rms(
        d=RMS["d"], steps=steps, burn_in=RMS["burn_in"], beta1=beta1, beta2=RMS["beta2"],
        seed=_seed(settings, 2), groups=RMS["groups"])
    ratio = lion / adam
    mean = float(ratio.mean())
    se = float(ratio.std(ddof=1) / math.sqrt(ratio.size))
    return Value(
        mean, (mean - 1.96 * se, mean + 1.96 * se),
        method=f"mean over {ratio.size} independent groups of coordinates +- 1.96 standard errors",
        point={"beta1": beta1}, relative=True,
        notes=(f"Adam (beta1 = {beta1}, beta2 = {RMS['beta2']}, eps = 0, bias-corrected) and "
               f"Lion (betas 0.9, 0.99) on the same N(0, 1) gradients, d = {RMS['d']} "
               f"coordinates in {RMS['groups']} groups, steps {RMS['burn_in']}..{steps}; Lion "
               f"RMS {float(lion.mean()):.6f}, Adam RMS {float(adam.mean()):.5f}."),
    )
