r"""Exponent and threshold fits with confidence intervals, and the :class:`Verdict` of a check.

A validator measures an observable :math:`y` (an excess risk, an efficiency) on a grid
:math:`x_1 < \dots < x_n` (a step count, a batch size), either as one deterministic curve (an
exact expected-risk recursion) or as :math:`R` independent replica curves (Monte Carlo runs, one
seed stream each). This module turns that data into numbers with intervals:

* :func:`fit_loglog_slope` -- the exponent :math:`p` of :math:`y \asymp x^{p}` over a window,
  with a bootstrap interval over replicas (``method="bootstrap"``) or, for a deterministic
  curve, a *systematic* interval from sub-windows (``method="window"``), and the local slopes
  that show whether the curve has reached its asymptote;
* :func:`fit_threshold` -- a critical scale (a critical batch size): where an efficiency curve
  falls to half its plateau (``"halving"``), or where its two asymptotic power laws meet
  (``"knee"``);
* :func:`make_verdict` -- compares a law's prediction with a fit and returns a :class:`Verdict`
  (pass/fail, the interval, the slack and why, a negative control, the data of a plot), which
  round-trips through strict JSON;
* :func:`log_factor_slack` -- the slack a :math:`\tilde\Theta` law (one allowed log factor) earns.

Conventions
-----------
* ``y`` has shape ``(n,)`` (one deterministic curve) or ``(R, n)`` (row ``r`` is replica
  ``r``'s whole curve). Replicas are averaged **first** and the logarithm taken **after**:
  the fitted curve is :math:`\log \bar y(x)` with :math:`\bar y = R^{-1}\sum_r y_r`, because the
  laws are statements about expectations :math:`\mathbb E\,y`, and
  :math:`\mathbb E\log y \ne \log \mathbb E y`.
* The slope is :math:`p` in :math:`y \sim x^{p}`: a decaying risk has a negative slope.
* Points along one replica's curve are correlated, so intervals resample whole replicas (a
  cluster bootstrap), never individual points.
* Every random draw comes from ``numpy.random.default_rng(numpy.random.SeedSequence(seed))``:
  the same data and seed give the same interval.

Bad input raises :class:`scalinglaws.errors.DomainError` (a ``ValueError``) with the reason.
The examples are checked in ``tests/test_fit.py``.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import statistics
import warnings as _warnings
from typing import Any, Mapping

import numpy as np

from scalinglaws.errors import DomainError, ParameterError

__all__ = [
    "SlopeFit",
    "ThresholdFit",
    "Verdict",
    "UnsettledFitWarning",
    "fit_loglog_slope",
    "fit_drifting_slope",
    "fit_threshold",
    "make_verdict",
    "log_factor_slack",
]

_VERDICT_KINDS = ("exponent", "threshold", "value")
_THRESHOLD_RULES = ("halving", "knee")
_CI_METHODS = ("percentile", "expanded", "bca")
_NORMAL = statistics.NormalDist()
# Bootstrap resamples are drawn in chunks of at most this many (resample, replica) indices; the
# chunk size depends only on R, so the same data and seed always give the same draws.
_CHUNK_ELEMENTS = 1 << 21


class UnsettledFitWarning(UserWarning):
    """The local log-log slopes still drift over the fit window: the fit may be pre-asymptotic."""


# ----------------------------------------------------------------------------------------------
# JSON helpers
# ----------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """``value`` as plain Python (dict, list, float, int, str, bool, None); NaN and ±inf -> None."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        v = float(value)
        return v if math.isfinite(v) else None
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    raise ParameterError(f"cannot encode {type(value).__name__} as JSON")


def _as_list(a) -> list | None:
    return None if a is None else _jsonable(np.asarray(a, dtype=float))


# ----------------------------------------------------------------------------------------------
# Input validation
# ----------------------------------------------------------------------------------------------


def _check_confidence(confidence) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real):
        raise DomainError(f"confidence must be a number in (0, 1), got {confidence!r}")
    c = float(confidence)
    if not 0.0 < c < 1.0:
        raise DomainError(f"confidence must lie in (0, 1), got {confidence!r}")
    return c


def _check_int(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise DomainError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if int(value) < minimum:
        raise DomainError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def _seed_sequence(seed) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise DomainError(f"seed must be an integer >= 0 or a numpy SeedSequence, got {seed!r}")
    return np.random.SeedSequence(int(seed))


def _check_data(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Validate the grid and the curves; return ``x`` (n,) and ``y`` as (R, n), both float64."""
    try:
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DomainError(f"x and y must be numeric arrays ({exc})") from None
    if x.ndim != 1:
        raise DomainError(f"x must be 1-D, got shape {x.shape}")
    if not np.all(np.isfinite(x)) or np.any(x <= 0):
        raise DomainError("x must be finite and positive (a log-log fit takes log x)")
    if x.size >= 2 and np.any(np.diff(x) <= 0):
        raise DomainError("x must be strictly increasing")
    if y.ndim == 1:
        y = y[None, :]
    elif y.ndim != 2:
        raise DomainError(f"y must have shape (n,) or (R, n), got shape {y.shape}")
    if y.shape[1] != x.size:
        raise DomainError(
            f"y has {y.shape[1]} points per curve but x has {x.size} "
            "(y is (R, n): one row per replica)"
        )
    if y.shape[0] < 1:
        raise DomainError("y has no replica rows")
    if not np.all(np.isfinite(y)):
        raise DomainError("y contains NaN or inf")
    if np.any(y <= 0):
        bad = np.argwhere(y <= 0)[0]
        raise DomainError(
            f"y must be positive for a log-log fit; y[{bad[0]}, {bad[1]}] = {y[tuple(bad)]!r} "
            f"at x = {x[bad[1]]!r}"
        )
    return x, y


def _check_window(window) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in window)
    except (TypeError, ValueError):
        raise DomainError(f"window must be a pair (lo, hi) of numbers, got {window!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo <= 0 or hi <= lo:
        raise DomainError(f"window must satisfy 0 < lo < hi < inf, got {window!r}")
    return lo, hi


# ----------------------------------------------------------------------------------------------
# Linear algebra of the fits (all fits are fixed linear maps of log ybar)
# ----------------------------------------------------------------------------------------------


def _ols_weights(lx: np.ndarray) -> np.ndarray:
    """Weights ``w`` with ``slope = w @ ly`` for the OLS fit of ``ly`` on ``lx``."""
    d = lx - lx.mean()
    return d / np.dot(d, d)


def _local_weights(lx: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(L, m) matrix of sliding k-point OLS slopes, and the geometric-mean x of each sub-window."""
    m = lx.size
    L = m - k + 1
    W = np.zeros((L, m))
    centres = np.empty(L)
    for j in range(L):
        W[j, j : j + k] = _ols_weights(lx[j : j + k])
        centres[j] = lx[j : j + k].mean()
    return W, np.exp(centres)


def _roundoff(lx: np.ndarray, ly: np.ndarray, slope: float) -> float:
    r"""A bound on the round-off error of an OLS slope in log space.

    Each logarithm carries an absolute error :math:`\delta \lesssim \epsilon\,(|\log y| +
    |p|\,|\log x| + 1)`; a perturbation :math:`\delta_i` moves the slope by
    :math:`\sum_i (\ell_i-\bar\ell)\delta_i/S_{xx} \le \delta\sqrt{m/S_{xx}} \le
    \delta\sqrt{2m}/\operatorname{ptp}(\ell)`. A factor 8 covers the arithmetic of the fit.
    """
    eps = np.finfo(float).eps
    delta = 8 * eps * (np.max(np.abs(ly)) + abs(slope) * np.max(np.abs(lx)) + 1.0)
    return float(delta * math.sqrt(2 * lx.size) / np.ptp(lx))


def _boot_means(Y: np.ndarray, n_boot: int, rng: np.random.Generator):
    """Yield chunks (b, n) of bootstrap mean curves: rows of ``Y`` resampled with replacement.

    Each resample is an (R,) row of replica indices; a chunk draws an (b, R) integer array,
    turns it into replica counts with one ``bincount`` and averages with one matrix product.
    """
    R = Y.shape[0]
    chunk = max(1, _CHUNK_ELEMENTS // R)
    done = 0
    while done < n_boot:
        b = min(chunk, n_boot - done)
        idx = rng.integers(0, R, size=(b, R))
        flat = (idx + R * np.arange(b)[:, None]).ravel()
        counts = np.bincount(flat, minlength=b * R).reshape(b, R)
        yield (counts @ Y) / R
        done += b


def _percentile_ci(samples: np.ndarray, confidence: float) -> tuple[float, float]:
    alpha = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(samples, [alpha, 1.0 - alpha])
    return float(lo), float(hi)


def _expanded_levels(confidence: float, R: int) -> float:
    r"""Confidence level of the expanded percentile interval (Hesterberg 2015).

    A percentile bootstrap over :math:`R` rows is too narrow by about
    :math:`\sqrt{(R-1)/R}` and ignores that the spread itself is estimated; the expanded
    interval takes the bootstrap quantiles at :math:`\alpha' = \Phi(-\sqrt{R/(R-1)}\,
    t_{1-\alpha/2,\,R-1})` instead of :math:`\alpha/2`, where :math:`t` is Student's
    quantile. Returns :math:`1-2\alpha'` (tends to ``confidence`` as :math:`R\to\infty`).
    """
    from scipy.special import stdtrit  # lazy: scipy is a validate-extra

    t = float(stdtrit(R - 1, 0.5 + confidence / 2.0))
    return 1.0 - 2.0 * _NORMAL.cdf(-math.sqrt(R / (R - 1)) * t)


def _bca_ci(
    boot: np.ndarray, estimate: float, jack: np.ndarray, confidence: float
) -> tuple[float, float]:
    r"""Bias-corrected and accelerated percentile interval (Efron 1987).

    :math:`z_0 = \Phi^{-1}(\#\{\hat\theta^*_b < \hat\theta\}/B)` (ties count half),
    :math:`a = \sum_i d_i^3 / (6(\sum_i d_i^2)^{3/2})` with jackknife deviations
    :math:`d_i = \bar\theta_{(\cdot)} - \hat\theta_{(i)}`, and the interval is the
    :math:`\Phi(z_0 + (z_0+z_\alpha)/(1-a(z_0+z_\alpha)))` quantiles of the bootstrap sample.
    """
    B = boot.size
    frac = (np.sum(boot < estimate) + 0.5 * np.sum(boot == estimate)) / B
    frac = min(max(frac, 0.5 / B), 1.0 - 0.5 / B)
    z0 = _NORMAL.inv_cdf(frac)
    d = jack.mean() - jack
    ss = float(np.dot(d, d))
    a = float(np.sum(d**3) / (6.0 * ss**1.5)) if ss > 0 else 0.0
    alpha = (1.0 - confidence) / 2.0
    levels = []
    for q in (alpha, 1.0 - alpha):
        zq = _NORMAL.inv_cdf(q)
        levels.append(_NORMAL.cdf(z0 + (z0 + zq) / (1.0 - a * (z0 + zq))))
    lo, hi = np.quantile(boot, levels)
    return float(lo), float(hi)


def _replica_band(Y: np.ndarray, confidence: float):
    """Per-point percentiles of the replicas (None for a single curve)."""
    if Y.shape[0] < 2:
        return None, None
    alpha = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(Y, [alpha, 1.0 - alpha], axis=0)
    return lo, hi


# ----------------------------------------------------------------------------------------------
# Slope fits
# ----------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class SlopeFit:
    r"""A fitted log-log slope :math:`p` (:math:`y \sim x^{p}`) and its interval.

    Attributes
    ----------
    slope, intercept:
        OLS fit :math:`\log\bar y = \text{intercept} + \text{slope}\cdot\log x` over the window.
    ci:
        ``(lo, hi)``. For ``method="bootstrap"`` a ``confidence``-level percentile (or BCa)
        bootstrap interval over replicas; for ``method="window"`` the *systematic* interval
        ``[min, max]`` of the slopes on the whole window and on its lower and upper halves in
        :math:`\log x` (no coverage level: ``confidence`` is None).
    window:
        The window ``(lo, hi)`` requested; ``x_span`` the first and last grid points inside it.
    method, ci_method:
        ``"bootstrap"`` or ``"window"``; ``"expanded"``, ``"percentile"``, ``"bca"`` or
        ``"window"``.
    n_points, n_replicas, confidence, n_boot:
        Points in the window, replica rows, the interval's level, bootstrap resamples (0 if none).
    se:
        Bootstrap standard deviation of the slope (None for the window method).
    half_slopes:
        Slopes fitted on the lower and upper halves of the window (in :math:`\log x`).
    local_x, local_slopes:
        Sliding OLS slopes over ``k`` consecutive window points (finite differences of
        :math:`\log\bar y` vs :math:`\log x`, smoothed), placed at each sub-window's geometric
        mean :math:`x`.
    drift, drift_noise, drift_tol, settled:
        ``drift`` = max - min of the local slopes. ``drift_noise`` is the ``confidence``
        quantile of the range of bootstrap fluctuations of the local slopes (0 for one curve).
        Since :math:`\operatorname{range}(s+n) \le \operatorname{range}(s)+\operatorname{range}(n)`,
        ``drift - drift_noise`` is a lower bound on the drift of the noiseless curve;
        ``settled`` is ``drift - drift_noise <= drift_tol``.
    warnings:
        Human-readable caveats (unsettled slopes, too few replicas, ...).
    x, y, y_lo, y_hi:
        The whole grid, the mean curve and the per-point replica percentile band (None for one
        curve), kept for plots.
    """

    slope: float
    ci: tuple[float, float]
    window: tuple[float, float]
    method: str
    n_points: int
    n_replicas: int
    confidence: float | None
    local_x: np.ndarray
    local_slopes: np.ndarray
    settled: bool
    warnings: list[str]
    intercept: float
    ci_method: str
    n_boot: int
    se: float | None
    half_slopes: tuple[float, float]
    x_span: tuple[float, float]
    drift: float
    drift_noise: float
    drift_tol: float
    x: np.ndarray
    y: np.ndarray
    y_lo: np.ndarray | None
    y_hi: np.ndarray | None

    def predict(self, x) -> np.ndarray:
        """The fitted power law :math:`e^{\\text{intercept}} x^{\\text{slope}}` at ``x``."""
        return np.exp(self.intercept) * np.asarray(x, dtype=float) ** self.slope

    def to_dict(self) -> dict:
        """A strict-JSON-safe dict (arrays as lists, NaN/inf as None)."""
        return _jsonable({f.name: getattr(self, f.name) for f in dataclasses.fields(self)})


def fit_loglog_slope(
    x,
    y,
    window,
    *,
    n_boot: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
    ci_method: str = "expanded",
    local_points: int = 5,
    drift_tol: float = 0.05,
) -> SlopeFit:
    r"""Fit the exponent :math:`p` of :math:`y \sim x^{p}` on ``window`` with an interval.

    The estimate is the ordinary least-squares slope of :math:`\log\bar y` on :math:`\log x`
    over the points with ``window[0] <= x <= window[1]``,

    .. math:: \hat p = \frac{\sum_i (\ell_i-\bar\ell)\log\bar y_i}{\sum_i (\ell_i-\bar\ell)^2},
       \qquad \ell_i = \log x_i,\quad \bar y_i = \frac1R\sum_{r=1}^R y_{r,i},

    mean over replicas first, logarithm second.

    Parameters
    ----------
    x : array_like, shape (n,)
        Positive, strictly increasing grid.
    y : array_like, shape (n,) or (R, n)
        One deterministic curve, or ``R`` independent replica curves (one per row). Positive.
    window : (float, float)
        The fit window ``(lo, hi)``; it must hold at least 4 grid points.
    n_boot : int
        Bootstrap resamples (replica data only).
    confidence : float
        Level of the bootstrap interval and of the replica band.
    seed : int or numpy.random.SeedSequence
        Root of the bootstrap's random stream (``default_rng(SeedSequence(seed))``).
    ci_method : {"expanded", "percentile", "bca"}
        Replica data only. ``"percentile"``: quantiles :math:`\alpha/2, 1-\alpha/2` of the
        bootstrap slopes. ``"expanded"`` (default): the same percentile interval taken at the
        wider level :math:`1-2\Phi(-\sqrt{R/(R-1)}\,t_{1-\alpha/2,R-1})` (Hesterberg's
        expanded percentile interval), which corrects the plain percentile interval's
        under-coverage at small :math:`R` and tends to it as :math:`R\to\infty`. ``"bca"``:
        bias-corrected and accelerated (jackknife over replicas).
    local_points : int
        Points per local slope, ``k = max(2, min(local_points, m // 2))`` for ``m`` window points.
    drift_tol : float
        Largest local-slope drift over the window accepted as settled.

    Returns
    -------
    SlopeFit

    Notes
    -----
    *Replicas (R >= 2), ``method="bootstrap"``.* Rows of ``y`` are resampled with replacement
    ``n_boot`` times (one ``(n_boot, R)`` array of row indices, turned into counts, so every
    mean curve is one matrix product); each resample's mean curve is refitted; the interval is
    the expanded-percentile, percentile or BCa interval of those slopes. Resampling whole rows
    respects the correlation of the points along a replica's curve. The interval measures
    *sampling* noise only; pre-asymptotic drift shows up in ``local_slopes``/``settled`` and in
    ``half_slopes``. Measured coverage of nominal 95% intervals (1000 simulated data sets,
    lognormal replica noise plus a random walk along x, ``tests/test_fit.py``): at R = 8,
    0.87 (percentile), 0.93 (expanded); at R = 32, 0.93 and 0.94; at R = 128, 0.94 and 0.945.
    Below 10 replicas a warning says the interval under-covers.

    *One curve (R == 1), ``method="window"``.* A deterministic curve (an exact expected-risk
    recursion) has no sampling noise; what is uncertain is whether the window is asymptotic.
    The interval is ``[min, max]`` of the slopes fitted on the whole window and on its lower
    and upper halves (split at the midpoint of :math:`\log x` of the window's points), widened
    by a round-off allowance (:math:`\sim 10^{-13}`). It is a **systematic** interval, not a
    statistical one: it has no coverage level, and for an exact power law it has width ~0.

    *Settling.* When ``drift - drift_noise > drift_tol`` the fit is flagged unsettled: a string
    is added to ``warnings`` and an :class:`UnsettledFitWarning` is emitted.

    Raises
    ------
    DomainError
        Fewer than 4 points in the window, non-positive or non-finite ``y``, ``x`` not positive
        and increasing, mismatched shapes, a bad window, or bad options.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.logspace(1, 4, 31)
    >>> fit = fit_loglog_slope(x, 2.0 * x**-0.5, (100, 1e4))   # one exact curve
    >>> fit.method, round(fit.slope, 12), fit.ci[1] - fit.ci[0] < 1e-10, fit.settled
    ('window', -0.5, True, True)
    >>> rng = np.random.default_rng(0)
    >>> Y = x**-0.5 * rng.lognormal(-0.02, 0.2, size=(64, x.size))   # 64 noisy replicas
    >>> fit = fit_loglog_slope(x, Y, (100, 1e4), seed=1)
    >>> fit.method, fit.ci[0] < -0.5 < fit.ci[1], fit.ci[1] - fit.ci[0] < 0.05
    ('bootstrap', True, True)
    """
    x, Y = _check_data(x, y)
    lo_w, hi_w = _check_window(window)
    confidence = _check_confidence(confidence)
    n_boot = _check_int("n_boot", n_boot, 1)
    local_points = _check_int("local_points", local_points, 2)
    if ci_method not in _CI_METHODS:
        raise DomainError(f"ci_method must be one of {_CI_METHODS}, got {ci_method!r}")
    if isinstance(drift_tol, bool) or not isinstance(drift_tol, numbers.Real) or not drift_tol >= 0:
        raise DomainError(f"drift_tol must be a number >= 0, got {drift_tol!r}")
    seed_seq = _seed_sequence(seed)

    mask = (x >= lo_w) & (x <= hi_w)
    m = int(mask.sum())
    if m < 4:
        raise DomainError(
            f"window {window!r} holds {m} grid point(s); a slope fit needs at least 4 "
            f"(grid spans [{x[0]!r}, {x[-1]!r}])"
        )
    R = Y.shape[0]
    xw = x[mask]
    lx = np.log(xw)
    ybar = Y.mean(axis=0)
    ly = np.log(ybar[mask])

    w = _ols_weights(lx)
    slope = float(w @ ly)
    intercept = float(ly.mean() - slope * lx.mean())
    pad = _roundoff(lx, ly, slope)

    mid = 0.5 * (lx[0] + lx[-1])
    lower, upper = lx <= mid, lx >= mid
    if lower.sum() < 2 or upper.sum() < 2:
        raise DomainError(
            "the window's points are too unevenly spaced in log x: each half of the window "
            "needs at least 2 points"
        )
    half = (float(_ols_weights(lx[lower]) @ ly[lower]), float(_ols_weights(lx[upper]) @ ly[upper]))

    k = max(2, min(local_points, m // 2))
    W_local, local_x = _local_weights(lx, k)
    local = W_local @ ly
    drift = float(local.max() - local.min())

    notes: list[str] = []
    if R == 1:
        method, used_ci_method, se, drift_noise = "window", "window", None, 0.0
        conf_out = None
        ci = (min(slope, *half) - pad, max(slope, *half) + pad)
        n_boot_used = 0
    else:
        method, used_ci_method, conf_out, n_boot_used = "bootstrap", ci_method, confidence, n_boot
        rng = np.random.default_rng(seed_seq)
        Yw = Y[:, mask]
        boot_slopes = np.empty(n_boot)
        boot_noise = np.empty(n_boot)
        pos = 0
        for means in _boot_means(Yw, n_boot, rng):
            lyb = np.log(means)
            b = lyb.shape[0]
            boot_slopes[pos : pos + b] = lyb @ w
            dev = lyb @ W_local.T - local
            boot_noise[pos : pos + b] = dev.max(axis=1) - dev.min(axis=1)
            pos += b
        se = float(boot_slopes.std(ddof=1)) if n_boot > 1 else 0.0
        if ci_method == "percentile":
            ci = _percentile_ci(boot_slopes, confidence)
        elif ci_method == "expanded":
            ci = _percentile_ci(boot_slopes, _expanded_levels(confidence, R))
        else:
            total = Yw.sum(axis=0)
            jack = np.log((total[None, :] - Yw) / (R - 1)) @ w
            ci = _bca_ci(boot_slopes, slope, jack, confidence)
        ci = (ci[0] - pad, ci[1] + pad)
        drift_noise = float(np.quantile(boot_noise, confidence))
        if R < 10:
            notes.append(
                f"only {R} replicas: a bootstrap over so few replicas under-covers "
                f"(about 0.87-0.93 for a nominal 0.95 at R = 8); use more replicas"
            )
        if n_boot < 200:
            notes.append(f"only {n_boot} bootstrap resamples: the interval's ends are noisy")

    settled = bool(drift - drift_noise <= drift_tol)
    if not settled:
        msg = (
            f"local log-log slopes drift by {drift:.3g} over the window "
            f"[{xw[0]:.4g}, {xw[-1]:.4g}] (from {local[0]:.4g} to {local[-1]:.4g}"
            + (f"; sampling noise accounts for at most {drift_noise:.3g}" if drift_noise else "")
            + f"), more than drift_tol = {drift_tol:g}: the fit may be pre-asymptotic"
        )
        notes.append(msg)
        _warnings.warn(msg, UnsettledFitWarning, stacklevel=2)
    elif drift_noise > drift_tol:
        notes.append(
            f"local slopes too noisy to assess settling (noise range {drift_noise:.3g} > "
            f"drift_tol = {drift_tol:g}); settled means only 'no detectable drift'"
        )

    y_lo, y_hi = _replica_band(Y, confidence)
    return SlopeFit(
        slope=slope,
        ci=(float(ci[0]), float(ci[1])),
        window=(lo_w, hi_w),
        method=method,
        n_points=m,
        n_replicas=R,
        confidence=conf_out,
        local_x=local_x,
        local_slopes=local,
        settled=settled,
        warnings=notes,
        intercept=intercept,
        ci_method=used_ci_method,
        n_boot=n_boot_used,
        se=se,
        half_slopes=half,
        x_span=(float(xw[0]), float(xw[-1])),
        drift=drift,
        drift_noise=drift_noise,
        drift_tol=float(drift_tol),
        x=x,
        y=ybar,
        y_lo=y_lo,
        y_hi=y_hi,
    )


# ----------------------------------------------------------------------------------------------
# Threshold fits
# ----------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class ThresholdFit:
    r"""A fitted threshold (a critical scale :math:`x_c`, e.g. a critical batch size).

    Attributes
    ----------
    threshold:
        The estimate :math:`\hat x_c`.
    ci:
        ``(lo, hi)``: a ``confidence``-level (expanded) percentile bootstrap interval over
        replicas (``method="bootstrap"``, ``ci_method`` says which), or the two grid points
        bracketing :math:`\hat x_c` (``method="grid"``, ``ci_method="grid"``: a resolution
        statement without coverage level).
    definition:
        A sentence stating what the threshold is; ``rule`` its short name (``"halving"`` or
        ``"knee"``).
    baseline:
        ``"halving"``: the plateau value the curve is halved from.
    lines:
        ``"knee"``: ``{"small": (slope, intercept), "large": (slope, intercept)}`` of the two
        asymptotic power laws, :math:`\log\bar y = \text{intercept} + \text{slope}\log x`.
    k:
        ``"knee"``: points in each asymptotic fit.
    interp_error:
        ``"halving"``: an estimated bound on the error in :math:`\log x` of the log-log
        interpolation between the bracketing grid points (from the curvature of
        :math:`\log\bar y`); the bootstrap interval does not include it, and a warning is
        added when it exceeds a quarter of the interval's half-width in :math:`\log x`.
    n_points, n_replicas, confidence, n_boot, warnings, x, y, y_lo, y_hi:
        As in :class:`SlopeFit`.
    """

    threshold: float
    ci: tuple[float, float]
    definition: str
    rule: str
    method: str
    ci_method: str
    n_points: int
    n_replicas: int
    confidence: float | None
    n_boot: int
    warnings: list[str]
    baseline: float | None
    lines: dict | None
    k: int | None
    interp_error: float | None
    x: np.ndarray
    y: np.ndarray
    y_lo: np.ndarray | None
    y_hi: np.ndarray | None

    def to_dict(self) -> dict:
        """A strict-JSON-safe dict (arrays as lists, NaN/inf as None)."""
        return _jsonable({f.name: getattr(self, f.name) for f in dataclasses.fields(self)})


def _halving_log_threshold(lx: np.ndarray, lyb: np.ndarray, log_target: np.ndarray) -> np.ndarray:
    """First down-crossing of ``log_target`` by each row of ``lyb`` (b, n), linear in log-log.

    ``+inf`` where a row never reaches the target inside the grid (it crosses beyond the
    largest x), ``-inf`` where it is already at or below the target at the first point.
    """
    below = lyb <= log_target[:, None]
    first = np.argmax(below, axis=1)
    never = ~below.any(axis=1)
    at_start = below[:, 0]
    ok = ~never & ~at_start
    i = np.where(ok, first, 1)
    rows = np.arange(lyb.shape[0])
    l0, l1 = lyb[rows, i - 1], lyb[rows, i]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = (log_target - l0) / (l1 - l0)
    out = lx[i - 1] + frac * (lx[i] - lx[i - 1])
    out = np.where(never, np.inf, out)
    return np.where(at_start, -np.inf, out)


def _interpolation_error(lx: np.ndarray, ly: np.ndarray, i: int) -> float | None:
    r"""Estimated bound on the log-x error of interpolating linearly between points i-1 and i.

    With curvature :math:`c = |d^2\log y/d(\log x)^2|` (estimated from the second divided
    differences at points i-1 and i), the chord is off by at most :math:`c\,h^2/8` in
    :math:`\log y` over a step :math:`h`, i.e. by that over the chord's slope in :math:`\log x`.
    None when the grid has no neighbours to estimate the curvature from.
    """
    curv = []
    for j in (i - 1, i):
        if 1 <= j <= lx.size - 2:
            s1 = (ly[j] - ly[j - 1]) / (lx[j] - lx[j - 1])
            s2 = (ly[j + 1] - ly[j]) / (lx[j + 1] - lx[j])
            curv.append(abs(2.0 * (s2 - s1) / (lx[j + 1] - lx[j - 1])))
    if not curv:
        return None
    h = lx[i] - lx[i - 1]
    chord = abs((ly[i] - ly[i - 1]) / h)
    return float(max(curv) * h * h / 8.0 / chord)


def _knee_log_threshold(lx: np.ndarray, lyb: np.ndarray, k: int):
    """Intersection of the OLS lines on the first and last ``k`` points of each row of ``lyb``."""
    w1, w2 = _ols_weights(lx[:k]), _ols_weights(lx[-k:])
    p1 = lyb[:, :k] @ w1
    p2 = lyb[:, -k:] @ w2
    c1 = lyb[:, :k].mean(axis=1) - p1 * lx[:k].mean()
    c2 = lyb[:, -k:].mean(axis=1) - p2 * lx[-k:].mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        lstar = (c2 - c1) / (p1 - p2)
    return lstar, p1, c1, p2, c2


def fit_threshold(
    x,
    y,
    *,
    definition: str = "halving",
    baseline: float | None = None,
    k: int = 3,
    n_boot: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
    ci_method: str = "expanded",
) -> ThresholdFit:
    r"""Estimate a threshold :math:`x_c` of a curve: its halving point or its knee.

    Meant for critical batch sizes: ``x`` is the batch size :math:`B` and ``y`` an efficiency
    such as :math:`1/(B\,T(B))` (inverse samples to reach a target), flat for
    :math:`B \ll B_c` and falling for :math:`B \gg B_c`. Replicas are averaged first, as in
    :func:`fit_loglog_slope`.

    Parameters
    ----------
    x, y :
        As in :func:`fit_loglog_slope`: ``x`` (n,) positive increasing; ``y`` (n,) or (R, n)
        positive.
    definition : {"halving", "knee"}
        ``"halving"``: :math:`x_c` is where :math:`\bar y` first falls to half its small-x
        plateau, :math:`\bar y(x_c) = y_0/2`, interpolating :math:`\log\bar y` linearly in
        :math:`\log x` between the two bracketing grid points. ``"knee"``: :math:`x_c` is where
        the two asymptotic power laws, OLS lines of :math:`\log\bar y` on :math:`\log x` over
        the first ``k`` and the last ``k`` points, intersect:
        :math:`\log x_c = (c_2-c_1)/(p_1-p_2)`.
    baseline : float, optional
        ``"halving"`` only: the plateau value :math:`y_0`. Default: the mean curve at the
        smallest ``x`` (re-taken in every bootstrap resample); a warning is added when the curve
        is not flat there (local log-log slope between the first two points beyond 0.1 in
        absolute value).
    k : int
        ``"knee"`` only: points in each asymptotic fit (``2 <= k``, ``2k <= n``).
    n_boot, confidence, seed :
        Bootstrap settings for replica data (resampling whole replicas).
    ci_method : {"expanded", "percentile"}
        As in :func:`fit_loglog_slope`.

    Returns
    -------
    ThresholdFit

    Notes
    -----
    For replica data the interval is a percentile bootstrap over replicas; it does not include
    the (systematic) error of the log-log interpolation between grid points, which is small
    when the grid is fine compared with the curvature of :math:`\log\bar y`. For one curve the
    interval is the pair of grid points bracketing the estimate.

    Raises
    ------
    DomainError
        Bad data (as in :func:`fit_loglog_slope`), a curve that never falls to half its plateau
        within the grid (or does so in more than a fraction ``(1-confidence)/2`` of the
        resamples), parallel asymptotes, or a knee outside the grid.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.logspace(-2, 4, 61)                     # 1/(1 + x/20): halves at x = 20
    >>> fit = fit_threshold(x, 1 / (1 + x / 20), baseline=1.0)
    >>> fit.method, fit.ci[0] < 20 < fit.ci[1], round(fit.threshold, 1)
    ('grid', True, 20.0)
    >>> wide = np.logspace(-3, 6, 91)   # the knee needs both asymptotes on the grid
    >>> round(fit_threshold(wide, 1 / (1 + wide / 20), definition="knee").threshold, 1)
    20.0
    """
    x, Y = _check_data(x, y)
    confidence = _check_confidence(confidence)
    n_boot = _check_int("n_boot", n_boot, 1)
    seed_seq = _seed_sequence(seed)
    if ci_method not in ("expanded", "percentile"):
        raise DomainError(f"ci_method must be 'expanded' or 'percentile', got {ci_method!r}")
    if definition not in _THRESHOLD_RULES:
        raise DomainError(f"definition must be one of {_THRESHOLD_RULES}, got {definition!r}")
    n, R = x.size, Y.shape[0]
    if n < 3:
        raise DomainError(f"a threshold fit needs at least 3 grid points, got {n}")
    lx = np.log(x)
    ybar = Y.mean(axis=0)
    ly = np.log(ybar)
    notes: list[str] = []
    lines = None
    k_out = None
    base_out = None

    if definition == "halving":
        if baseline is not None:
            if isinstance(baseline, bool) or not isinstance(baseline, numbers.Real):
                raise DomainError(f"baseline must be a positive number, got {baseline!r}")
            if not (math.isfinite(baseline) and baseline > 0):
                raise DomainError(f"baseline must be a positive finite number, got {baseline!r}")
            base_out = float(baseline)
            sentence = (
                f"halving: the smallest x at which the mean efficiency falls to half of the given "
                f"plateau value y0 = {base_out:.6g}, interpolating log y linearly in log x between "
                f"the bracketing grid points"
            )
        else:
            base_out = float(ybar[0])
            sentence = (
                "halving: the smallest x at which the mean efficiency falls to half of its "
                "plateau value y0, taken as the mean curve at the smallest grid point, "
                "interpolating log y linearly in log x between the bracketing grid points"
            )
            first_slope = (ly[1] - ly[0]) / (lx[1] - lx[0])
            if abs(first_slope) > 0.1:
                notes.append(
                    f"the curve is not flat at the smallest x (log-log slope {first_slope:.3g} "
                    "between the first two points): y0 = y(x_min) underestimates the plateau; "
                    "extend the grid to smaller x or pass baseline="
                )

        def estimate(lyb: np.ndarray) -> np.ndarray:
            b0 = np.full(lyb.shape[0], math.log(base_out)) if baseline is not None else lyb[:, 0]
            return _halving_log_threshold(lx, lyb, b0 - math.log(2.0))

        lstar = float(estimate(ly[None, :])[0])
        if not math.isfinite(lstar):
            if ly[0] <= math.log(base_out / 2):
                raise DomainError(
                    "the curve is already at or below half the baseline at the smallest x; "
                    "extend the grid to smaller x"
                )
            raise DomainError(
                f"the curve never falls to half its plateau ({base_out / 2:.6g}) within the grid "
                f"(it ends at {ybar[-1]:.6g}); extend the grid to larger x"
            )
        i = int(np.searchsorted(lx, lstar, side="left"))
        i = min(max(i, 1), n - 1)
        bracket = (float(x[i - 1]), float(x[i]))
        interp_error = _interpolation_error(lx, ly, i)
    else:
        k = _check_int("k", k, 2)
        if 2 * k > n:
            raise DomainError(f"the knee needs 2k <= n grid points; k = {k}, n = {n}")
        k_out = k
        interp_error = None
        sentence = (
            f"knee: the x at which the two asymptotic power laws meet, i.e. the intersection of "
            f"the least-squares lines of log y on log x fitted on the first {k} and on the last "
            f"{k} grid points"
        )
        l_arr, p1, c1, p2, c2 = _knee_log_threshold(lx, ly[None, :], k)
        lstar = float(l_arr[0])
        p1, c1, p2, c2 = float(p1[0]), float(c1[0]), float(p2[0]), float(c2[0])
        lines = {"small": (p1, c1), "large": (p2, c2)}
        if abs(p1 - p2) < 1e-8 or not math.isfinite(lstar):
            raise DomainError(
                f"the two asymptotic lines are parallel (slopes {p1:.6g} and {p2:.6g}): no knee"
            )
        if abs(p1 - p2) < 0.2:
            notes.append(
                f"the asymptotic slopes differ by only {abs(p1 - p2):.3g}: the knee is poorly "
                "conditioned"
            )
        if not lx[0] <= lstar <= lx[-1]:
            raise DomainError(
                f"the asymptotes meet at x = {math.exp(lstar):.6g}, outside the grid "
                f"[{x[0]:.6g}, {x[-1]:.6g}]"
            )
        if not lx[k - 1] <= lstar <= lx[n - k]:
            notes.append(
                "the knee lies inside one of the asymptotic fit regions: those lines are not "
                "asymptotic; use a wider grid or a smaller k"
            )

        def estimate(lyb: np.ndarray) -> np.ndarray:
            return _knee_log_threshold(lx, lyb, k)[0]

        lo_i = int(np.searchsorted(lx, lstar, side="right")) - 1
        hi_i = int(np.searchsorted(lx, lstar, side="left"))
        bracket = (float(x[max(lo_i, 0)]), float(x[min(hi_i, n - 1)]))

    if R == 1:
        method, ci, conf_out, n_boot_used = "grid", bracket, None, 0
    else:
        method, conf_out, n_boot_used = "bootstrap", confidence, n_boot
        rng = np.random.default_rng(seed_seq)
        boot = np.concatenate([estimate(np.log(means)) for means in _boot_means(Y, n_boot, rng)])
        missing = float(np.mean(~np.isfinite(boot)))
        if np.any(np.isnan(boot)):
            raise DomainError(
                "in some bootstrap resamples the asymptotic lines are parallel: no knee"
            )
        if missing > 0:
            notes.append(
                f"in {100 * missing:.2f}% of the bootstrap resamples the threshold lay beyond the "
                "grid's end; they enter the percentiles as lying beyond that end"
            )
        level = _expanded_levels(confidence, R) if ci_method == "expanded" else confidence
        if missing > 0:
            # no interpolation next to the infinite entries
            alpha = (1.0 - level) / 2.0
            lo, hi = np.quantile(boot, [alpha, 1.0 - alpha], method="inverted_cdf")
        else:
            lo, hi = _percentile_ci(boot, level)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise DomainError(
                f"in {100 * missing:.1f}% of the bootstrap resamples the threshold is not inside "
                "the grid, so the interval leaves the grid: extend it"
            )
        ci = (math.exp(lo), math.exp(hi))
        if interp_error is not None and interp_error > 0.25 * 0.5 * (hi - lo):
            notes.append(
                f"the log-log interpolation between grid points may be off by up to "
                f"{interp_error:.2g} in log x, not small against the interval's half-width "
                f"{0.5 * (hi - lo):.2g} (which counts sampling noise only): refine the grid "
                "near the threshold"
            )
        if R < 10:
            notes.append(f"only {R} replicas: a bootstrap over so few replicas under-covers")

    y_lo, y_hi = _replica_band(Y, confidence)
    return ThresholdFit(
        threshold=math.exp(lstar),
        ci=(float(ci[0]), float(ci[1])),
        definition=sentence,
        rule=definition,
        method=method,
        ci_method=ci_method if method == "bootstrap" else "grid",
        n_points=n,
        n_replicas=R,
        confidence=conf_out,
        n_boot=n_boot_used,
        warnings=notes,
        baseline=base_out,
        lines=lines,
        k=k_out,
        interp_error=interp_error,
        x=x,
        y=ybar,
        y_lo=y_lo,
        y_hi=y_hi,
    )


# ----------------------------------------------------------------------------------------------
# Verdicts
# ----------------------------------------------------------------------------------------------


_BOUNDS = ("two", "upper", "lower")


def _passes(predicted: float, ci: tuple[float, float], slack: float, bound: str = "two") -> bool:
    """The passing rule. ``two``: the prediction lies in the widened interval. ``upper`` (the law
    bounds the quantity from above, y ≲ x^p): some value of the widened interval lies at or
    below the prediction. ``lower``: some value at or above it."""
    if bound == "upper":
        return bool(ci[0] - slack <= predicted)
    if bound == "lower":
        return bool(predicted <= ci[1] + slack)
    return bool(ci[0] - slack <= predicted <= ci[1] + slack)


def _as_float(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{name} must be a number, got {value!r}")
    return float(value)


def _as_pair(name: str, value) -> tuple[float, float]:
    try:
        a, b = value
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a pair (lo, hi), got {value!r}") from None
    return (_as_float(f"{name}[0]", a), _as_float(f"{name}[1]", b))


@dataclasses.dataclass
class Verdict:
    r"""The outcome of checking one law against one fit.

    Attributes
    ----------
    key:
        The law's key (``"anytime.bias_exponent"``).
    check:
        Short name of the check (``"bias slope, a=1.5 b=3 gamma=0.5"``).
    predicted, measured:
        The law's value and the fitted one.
    ci:
        The measured value's interval ``(lo, hi)``.
    window:
        The fit window, or None (thresholds, values).
    slack, slack_reason:
        Tolerance added on both sides of the interval, :math:`\ge 0`, and why (e.g. a
        :math:`\tilde\Theta` law's log factor, see :func:`log_factor_slack`). Same units as
        ``predicted``.
    passed:
        ``ci[0] - slack <= predicted <= ci[1] + slack``. Computed when None; a value that
        disagrees with the rule is an error.
    kind:
        ``"exponent"``, ``"threshold"`` or ``"value"``.
    method:
        How ``ci`` was obtained (``"bootstrap"``, ``"window"``, ``"grid"``, ...).
    warnings, notes:
        Caveats carried over from the fit, and free text.
    data:
        Lists for a plot: ``x``, ``y`` (mean curve), ``y_lo``/``y_hi`` (replica band or None),
        ``fit_x``/``fit_y`` (the fitted line or threshold marker), ``predicted_y`` (the
        predicted line over ``fit_x``), ``window``; thresholds add ``predicted_x``.
    negative_control:
        The deliberately wrong predictions and whether the same rule rejected them (see
        :func:`make_verdict`), or None.

    A verdict round-trips through strict JSON: ``Verdict.from_dict(json.loads(json.dumps(
    v.to_dict(), allow_nan=False))) == v`` (NaN and inf in ``data`` are stored as None).
    """

    key: str
    check: str
    predicted: float
    measured: float
    ci: tuple[float, float]
    window: tuple[float, float] | None = None
    slack: float = 0.0
    slack_reason: str = ""
    passed: bool | None = None
    kind: str = "exponent"
    method: str = ""
    warnings: list[str] = dataclasses.field(default_factory=list)
    notes: str = ""
    data: dict = dataclasses.field(default_factory=dict)
    negative_control: dict | None = None
    bound: str = "two"

    def __post_init__(self):
        if self.bound not in _BOUNDS:
            raise DomainError(f"Verdict.bound must be one of {_BOUNDS}, got {self.bound!r}")
        for name in ("key", "check", "slack_reason", "method", "notes"):
            if not isinstance(getattr(self, name), str):
                value = getattr(self, name)
                raise ParameterError(f"Verdict.{name} must be a string, got {value!r}")
        if self.kind not in _VERDICT_KINDS:
            raise DomainError(f"Verdict.kind must be one of {_VERDICT_KINDS}, got {self.kind!r}")
        self.predicted = _as_float("predicted", self.predicted)
        self.measured = _as_float("measured", self.measured)
        if not (math.isfinite(self.predicted) and math.isfinite(self.measured)):
            raise DomainError("predicted and measured must be finite")
        self.ci = _as_pair("ci", self.ci)
        if not (math.isfinite(self.ci[0]) and math.isfinite(self.ci[1])) or self.ci[0] > self.ci[1]:
            raise DomainError(f"ci must be a finite pair with lo <= hi, got {self.ci!r}")
        if self.window is not None:
            self.window = _as_pair("window", self.window)
        self.slack = _as_float("slack", self.slack)
        if not (math.isfinite(self.slack) and self.slack >= 0):
            raise DomainError(f"slack must be finite and >= 0, got {self.slack!r}")
        rule = _passes(self.predicted, self.ci, self.slack, self.bound)
        if self.passed is None:
            self.passed = rule
        elif bool(self.passed) != rule:
            raise DomainError(
                f"passed={self.passed!r} contradicts the {self.bound}-sided rule on "
                f"ci ± slack (which gives {rule})"
            )
        self.passed = bool(self.passed)
        if isinstance(self.warnings, str) or not all(isinstance(w, str) for w in self.warnings):
            raise ParameterError("Verdict.warnings must be a list of strings")
        self.warnings = list(self.warnings)
        if not isinstance(self.data, Mapping):
            raise ParameterError("Verdict.data must be a dict")
        self.data = _jsonable(self.data)
        if self.negative_control is not None:
            if not isinstance(self.negative_control, Mapping):
                raise ParameterError("Verdict.negative_control must be a dict or None")
            self.negative_control = _jsonable(self.negative_control)

    def summary(self) -> str:
        """One line: PASS/FAIL, key, check, predicted vs measured [ci] ± slack."""
        status = "PASS" if self.passed else "FAIL"
        s = (
            f"{status} {self.key} [{self.check}]: predicted {self.predicted:.4g}, measured "
            f"{self.measured:.4g} [{self.ci[0]:.4g}, {self.ci[1]:.4g}]"
        )
        if self.slack:
            s += f" ± slack {self.slack:.3g}"
        if self.negative_control is not None and not self.negative_control.get("rejected", True):
            s += " (negative control NOT rejected)"
        return s

    def to_dict(self) -> dict:
        """A strict-JSON-safe dict (tuples as lists, NaN/inf as None)."""
        return _jsonable({f.name: getattr(self, f.name) for f in dataclasses.fields(self)})

    @classmethod
    def from_dict(cls, d: Mapping) -> "Verdict":
        """Rebuild a verdict from :meth:`to_dict` output (after a JSON round trip)."""
        if not isinstance(d, Mapping):
            raise ParameterError(f"Verdict.from_dict needs a dict, got {type(d).__name__}")
        names = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(d) - set(names))
        if unknown:
            raise ParameterError(f"unknown Verdict field(s): {', '.join(unknown)}")
        required = ("key", "check", "predicted", "measured", "ci")
        missing = [n for n in required if n not in d]
        if missing:
            raise ParameterError(f"missing Verdict field(s): {', '.join(missing)}")
        kwargs = dict(d)
        kwargs["ci"] = tuple(kwargs["ci"])
        if kwargs.get("window") is not None:
            kwargs["window"] = tuple(kwargs["window"])
        return cls(**kwargs)


def log_factor_slack(window, kappa: float = 1.0) -> float:
    r"""Slack of a :math:`\tilde\Theta` law: the most a :math:`(\ln x)^{\kappa}` factor can shift a
    log-log slope fitted over ``window``, :math:`|\kappa|/\ln x_{lo}`.

    The maths is in :func:`scalinglaws.testing.log_factor_slack` (this takes the window as one
    pair). ``window[0]`` must exceed 1.

    Examples
    --------
    >>> import math
    >>> round(log_factor_slack((math.exp(10), math.exp(12))), 12)
    0.1
    """
    from scalinglaws.testing import log_factor_slack as _slack

    lo, hi = _check_window(window)
    if isinstance(kappa, bool) or not isinstance(kappa, numbers.Real) or not math.isfinite(kappa):
        raise DomainError(f"kappa must be a finite number, got {kappa!r}")
    if lo <= 1:
        raise DomainError(f"the window must start above 1 for a log-factor slack, got {lo:.4g}")
    return _slack(lo, hi, kappa)


def fit_drifting_slope(x, y, window, *, shift: float = 8.0, **kwargs) -> SlopeFit:
    r"""Fit a deterministic curve whose log-log slope may still drift, with a drift allowance.

    For an exact deterministic equivalent (no sampling noise) the only error of a fitted
    exponent is pre-asymptotic: the local slope is still moving towards its limit. The slope is
    fitted on ``window`` (the window interval of :func:`fit_loglog_slope`) and again on the
    same window moved down by the factor ``shift`` :math:`s`, :math:`[x_{lo}/s, x_{hi}/s]`. The
    drift :math:`\Delta = \hat p(\text{window}) - \hat p(\text{window}/s)` is how far the slope
    moved over the last factor :math:`s`; the window interval :math:`[c_0, c_1]` is widened by
    :math:`|\Delta|` on both sides (near a turning point the slope can overshoot its limit, so
    the direction of the last drift is no guide),

    .. math:: [\,c_0 - |\Delta|,\ c_1 + |\Delta|\,].

    The assumption, stated in the result: the slope will not move further beyond ``window``
    than it moved over the preceding factor :math:`s`. It holds when the correction decays at
    least geometrically in :math:`\ln x` (a correction :math:`x^{-\omega}` with
    :math:`s^{\omega} \ge 2`); a slower correction can break it, and a :math:`1/\ln x`
    correction is a log factor that belongs in the slack instead. ``method`` becomes
    ``"window+drift"``.
    """
    fit = fit_loglog_slope(x, y, window, **kwargs)
    if fit.method != "window":
        raise DomainError("fit_drifting_slope is for one deterministic curve (y of shape (n,))")
    s = _as_float("shift", shift)
    if not (math.isfinite(s) and s > 1):
        raise DomainError(f"shift must be > 1, got {shift!r}")
    lo, hi = fit.window
    earlier = fit_loglog_slope(x, y, (lo / s, hi / s), **kwargs)
    drift = abs(fit.slope - earlier.slope)
    c0, c1 = fit.ci
    note = (
        f"drift allowance: slope {fit.slope:.4g} on the window, {earlier.slope:.4g} on the "
        f"window / {s:g}; interval widened by {drift:.3g} on both sides"
    )
    return dataclasses.replace(
        fit, ci=(c0 - drift, c1 + drift), method="window+drift",
        warnings=list(fit.warnings) + [note],
    )


def _slope_data(fit: SlopeFit, predicted: float) -> dict:
    xs = fit.x[(fit.x >= fit.window[0]) & (fit.x <= fit.window[1])]
    xc = math.sqrt(fit.x_span[0] * fit.x_span[1])
    anchor = float(fit.predict(xc))
    return {
        "x": _as_list(fit.x),
        "y": _as_list(fit.y),
        "y_lo": _as_list(fit.y_lo),
        "y_hi": _as_list(fit.y_hi),
        "fit_x": _as_list(xs),
        "fit_y": _as_list(fit.predict(xs)),
        "predicted_y": _as_list(anchor * (xs / xc) ** predicted),
        "window": list(fit.window),
        "local_x": _as_list(fit.local_x),
        "local_slopes": _as_list(fit.local_slopes),
    }


def _threshold_data(fit: ThresholdFit, predicted: float) -> dict:
    x = fit.x
    if fit.rule == "halving":
        target = fit.baseline / 2.0
        fit_x = [float(x[0]), float(x[-1])]
        fit_y = [target, target]
        predicted_y = [target]
    else:
        (p1, c1), (p2, c2) = fit.lines["small"], fit.lines["large"]

        def broken(xx):
            lxx = np.log(np.asarray(xx, dtype=float))
            return np.exp(np.where(xx <= fit.threshold, c1 + p1 * lxx, c2 + p2 * lxx))

        fit_x = _as_list(x)
        fit_y = _as_list(broken(x))
        predicted_y = _as_list(broken(np.array([predicted])))
    return {
        "x": _as_list(x),
        "y": _as_list(fit.y),
        "y_lo": _as_list(fit.y_lo),
        "y_hi": _as_list(fit.y_hi),
        "fit_x": fit_x,
        "fit_y": fit_y,
        "predicted_x": [float(predicted)],
        "predicted_y": predicted_y,
        "measured_x": [float(fit.threshold)],
        "window": None,
    }


def make_verdict(
    key: str,
    check: str,
    predicted: float,
    fit: SlopeFit | ThresholdFit,
    *,
    slack: float = 0.0,
    slack_reason: str = "",
    notes: str = "",
    negative_shift: float = 0.15,
    bound: str = "two",
) -> Verdict:
    r"""Compare a law's prediction with a fit; return a :class:`Verdict` with a negative control.

    The check passes when :math:`\mathrm{ci}_0 - s \le \text{predicted} \le \mathrm{ci}_1 + s`
    (:math:`s` = ``slack``).

    *Negative control.* The same rule is applied to deliberately wrong predictions: for an
    exponent, ``predicted ± negative_shift``; for a threshold (a scale, where an additive shift
    has no meaning), ``predicted · (1 ± negative_shift)``. Both should FAIL; ``negative_control``
    records the shifted values, whether each was rejected and ``rejected`` (both were). A check
    whose interval plus slack cannot tell the prediction from its shifts gets a warning: it
    could not have failed by that much.

    Parameters
    ----------
    key, check :
        The law's key and a short name of the check.
    predicted : float
        The law's value (exponent in the :math:`y \sim x^{p}` convention, or threshold).
    fit : SlopeFit or ThresholdFit
        The measurement; its kind sets the verdict's ``kind`` (``"exponent"``/``"threshold"``).
    slack : float
        Extra tolerance, :math:`\ge 0`, e.g. :func:`log_factor_slack` for a
        :math:`\tilde\Theta` law; ``slack_reason`` says why.
    notes : str
        Free text.
    negative_shift : float
        Size of the negative control's shift (> 0).
    bound : {"two", "upper", "lower"}
        ``"two"`` for a law that states the value (Θ, Θ̃, exact); ``"upper"`` for an upper bound
        (:math:`y \lesssim x^{p}`: passes when :math:`\mathrm{ci}_0 - s \le p`, and the negative
        control is only the stronger claim :math:`p - \text{shift}`); ``"lower"`` symmetrically.

    Returns
    -------
    Verdict
        ``data`` holds the grid, the mean curve, the replica band, the fitted line over the
        window and the predicted line :math:`\hat y(x_c)(x/x_c)^{p_{\rm pred}}` anchored at the
        fit's value at the geometric centre :math:`x_c` of the window's points (exponents), or
        the threshold markers and the fitted asymptotes (thresholds).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.logspace(1, 4, 31)
    >>> fit = fit_loglog_slope(x, x**-0.5, (100, 1e4))
    >>> v = make_verdict("demo.exponent", "slope", -0.5, fit)
    >>> v.passed, v.negative_control["rejected"]
    (True, True)
    >>> make_verdict("demo.exponent", "slope", -0.4, fit).passed
    False
    >>> Verdict.from_dict(v.to_dict()) == v
    True
    """
    predicted = _as_float("predicted", predicted)
    if not math.isfinite(predicted):
        raise DomainError(f"predicted must be finite, got {predicted!r}")
    slack = _as_float("slack", slack)
    if not (math.isfinite(slack) and slack >= 0):
        raise DomainError(f"slack must be finite and >= 0, got {slack!r}")
    shift = _as_float("negative_shift", negative_shift)
    if not (math.isfinite(shift) and shift > 0):
        raise DomainError(f"negative_shift must be finite and > 0, got {negative_shift!r}")

    if isinstance(fit, SlopeFit):
        kind, measured, window = "exponent", fit.slope, fit.window
        wrong = (predicted - shift, predicted + shift)
        mode = "additive"
        data = _slope_data(fit, predicted)
    elif isinstance(fit, ThresholdFit):
        if shift >= 1:
            raise DomainError("a threshold's negative_shift is relative and must be < 1")
        kind, measured, window = "threshold", fit.threshold, None
        wrong = (predicted * (1 - shift), predicted * (1 + shift))
        mode = "relative"
        data = _threshold_data(fit, predicted)
    else:
        raise ParameterError(f"fit must be a SlopeFit or a ThresholdFit, got {type(fit).__name__}")

    if bound not in _BOUNDS:
        raise DomainError(f"bound must be one of {_BOUNDS}, got {bound!r}")
    # a one-sided law is only contradicted by a stronger claim: the shift on its strict side
    if bound == "upper":
        wrong = wrong[:1]
    elif bound == "lower":
        wrong = wrong[1:]
    wrong_passed = [_passes(w, fit.ci, slack, bound) for w in wrong]
    control = {
        "shift": shift,
        "mode": mode,
        "predicted": list(wrong),
        "passed": wrong_passed,
        "rejected": not any(wrong_passed),
    }
    warns = list(fit.warnings)
    if any(wrong_passed):
        sign = "±" if mode == "additive" else "×(1±)"
        warns.append(
            f"negative control not rejected: the interval plus slack also accepts predicted "
            f"{sign}{shift:g}, so this check cannot tell the prediction from such an error"
        )
    return Verdict(
        key=key,
        check=check,
        predicted=predicted,
        measured=measured,
        ci=fit.ci,
        window=window,
        slack=slack,
        slack_reason=slack_reason,
        kind=kind,
        method=fit.method,
        warnings=warns,
        notes=notes,
        data=data,
        negative_control=control,
        bound=bound,
    )
