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
* :func:`fit_slope_limit` -- for one deterministic curve, the limit of its local log-log slopes,
  extrapolated with correction-to-scaling models, with an interval from the residuals and the
  spread of the admissible models.

This module only measures; :mod:`scalinglaws.validators.engine.judge` compares measurements with
the laws.

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
    "SlopeLimit",
    "UnsettledFitWarning",
    "fit_loglog_slope",
    "fit_slope_limit",
    "fit_threshold",
]

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
    log_power=None,
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
    log_power : None, float or "free"
        For a :math:`\tilde\Theta` law, :math:`y \asymp x^{p}(\ln x)^{q}`: a declared ``q``
        (the fit is of :math:`\ln\bar y - q\ln\ln x`), or ``"free"`` (``q`` fitted as a
        second regressor, :math:`\ln\bar y = c + p\ln x + q\ln\ln x`, so the interval of
        ``p`` carries the uncertainty of the log power). The window must start above 1.

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

    if log_power is not None:
        if lx[0] <= 0:
            raise DomainError("a log power needs the window to start above x = 1")
        if isinstance(log_power, str):
            if log_power != "free":
                raise DomainError(f"log_power must be a number or 'free', got {log_power!r}")
        elif isinstance(log_power, bool) or not isinstance(log_power, numbers.Real):
            raise DomainError(f"log_power must be a number or 'free', got {log_power!r}")
    if isinstance(log_power, numbers.Real):
        ly = ly - float(log_power) * np.log(lx)
    if log_power == "free":
        design = np.column_stack([np.ones_like(lx), lx, np.log(lx)])
        w = np.linalg.pinv(design)[1]
    else:
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
        shift_q = float(log_power) * np.log(lx) if isinstance(log_power, numbers.Real) else 0.0
        for means in _boot_means(Yw, n_boot, rng):
            lyb = np.log(means) - shift_q
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
# Small validators
# ----------------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------------
# Deterministic curves: extrapolating the local slopes
# ----------------------------------------------------------------------------------------------

#: Correction exponents omega scanned by :func:`fit_slope_limit` (a geometric grid).
_OMEGA_GRID = np.geomspace(0.1, 4.0, 48)
#: Offsets u0 of the shifted log model s = s_inf + q / (ln x + u0) (a theta_log law's mixture of
#: x^p and x^p ln x), a geometric grid.
_LOG_OFFSETS = np.geomspace(1.0, 1000.0, 31)
#: Smallest correction exponent of the ``log+power`` model: over a window of a few e-folds a
#: slower power x^-omega and 1/ln x are nearly collinear, and the pair extrapolates anywhere.
_LOG_POWER_OMEGA_MIN = 0.5
#: Profile-likelihood admissibility: a model is admissible while its residual sum of squares
#: exceeds the best model's by at most ``_CHI2_95_1`` residual variances (chi^2_1 at 95 %).
_CHI2_95_1 = 3.841
#: The interval of each admissible model's limit: its estimate +- this many standard errors.
_Z_95 = 1.96
#: Model error of an extrapolation, as a fraction of the distance it extrapolates (from the last
#: local slope to the best model's limit): we trust the direction of an extrapolation, not its
#: exact length. On synthetic curves with two power corrections (tests/test_fit.py) the error of
#: the best limit exceeded 0.3 of that distance in 1 % of 300 curves and 0.07 of it in 5 %; on
#: the recursions the size of the remaining drift is not known that well, hence the whole
#: distance.
_EXTRAPOLATION_TRUST = 1.0


@dataclasses.dataclass(frozen=True, eq=False)
class SlopeLimit:
    r"""The limit :math:`s_\infty` of the local log-log slopes of a deterministic curve.

    Attributes
    ----------
    limit:
        :math:`s_\infty` of the best-fitting correction model.
    ci:
        ``(lo, hi)``: the union over the admissible correction models of
        :math:`\hat s_\infty \pm 1.96\,\widehat{\mathrm{se}}`, widened by the round-off bound.
        A systematic interval (no coverage level): it is as wide as the data leaves the
        extrapolation undetermined.
    models:
        The admissible models, each ``{"model", "omega", "u0", "s_inf", "coef", "se", "rss"}``:
        ``model`` names one of the correction models of :func:`fit_slope_limit` (its correction
        columns are :func:`_model_columns`), ``omega``/``u0`` its nonlinear parameter (or
        None), ``coef`` the fitted coefficients of its correction columns.
    best:
        The model with the smallest residual sum of squares.
    local_x, local_slopes:
        The local slopes (sliding least-squares slopes over ``k`` consecutive points of the
        window) and the geometric-mean ``x`` of each.
    window, x_span, k:
        The window asked for, the first and last grid points in it, the points per local slope.
    x, y:
        The whole curve (for plots).
    """

    limit: float
    ci: tuple[float, float]
    models: list[dict]
    best: dict
    local_x: np.ndarray
    local_slopes: np.ndarray
    window: tuple[float, float]
    x_span: tuple[float, float]
    k: int
    x: np.ndarray
    y: np.ndarray
    settled: bool = True

    def remaining_correction(self, x: float) -> float:
        r"""The largest :math:`|s_M(x) - s_{\infty,M}|` over the admissible models: how far the
        local slope at ``x`` may still be from its limit, by the models the data admits."""
        u = np.array([math.log(x)])
        worst = 0.0
        for m in self.models:
            columns = _model_columns(m, u, math.log(m["x_ref"]))
            worst = max(worst, abs(sum(c * col[0] for c, col in zip(m["coef"], columns))))
        return worst

    def settling_size(self, tolerance: float, *, limit: float = 1e60) -> float | None:
        r"""The smallest :math:`x \ge x_{\max}` (scanned by factors of 2) at which every admissible
        model's local slope is within ``tolerance`` of its own limit: a curve run to that size
        decides a question of resolution ``tolerance``. None beyond ``limit``, and None when
        the extrapolation is not settled (the admissible models say nothing reliable then)."""
        if not self.settled:
            return None
        x = self.x_span[1]
        while x <= limit:
            if self.remaining_correction(x) <= tolerance:
                return float(x)
            x *= 2.0
        return None

    def to_dict(self) -> dict:
        """A strict-JSON-safe dict."""
        return _jsonable({f.name: getattr(self, f.name) for f in dataclasses.fields(self)})


def _linear_fit(A: np.ndarray, s: np.ndarray):
    """Least squares ``s ~ A @ theta``: (theta, rss, (A^T A)^-1) or None when singular."""
    try:
        theta, _res, rank, _sv = np.linalg.lstsq(A, s, rcond=None)
        if rank < A.shape[1]:
            return None
        r = s - A @ theta
        return theta, float(r @ r), np.linalg.inv(A.T @ A)
    except np.linalg.LinAlgError:  # ill-conditioned columns: this model cannot be fitted
        return None


def fit_slope_limit(x, y, window, *, log_correction: bool = False, local_points: int | None = None,
                    omega=None, resolution: float = 0.025) -> SlopeLimit:
    r"""Extrapolate the local log-log slopes of one deterministic curve to :math:`x\to\infty`.

    A deterministic curve (an exact recursion, an ODE, a functional) has no sampling noise; what
    is uncertain is how far its local slope :math:`s(x) = d\ln y/d\ln x` still is from its limit.
    The local slopes :math:`s_j` (sliding least-squares slopes over ``k`` consecutive points of
    ``window``, at the geometric mean :math:`x_j` of their points) are fitted by the
    correction-to-scaling models

    * ``power``: :math:`s(x) = s_\infty + c\,x^{-\omega}` for :math:`\omega` on a geometric grid
      in :math:`[0.1, 4]` (or the declared ``omega``: a number or a ``(lo, hi)`` range),
    * ``constant``: :math:`s(x) = s_\infty` (the limit :math:`\omega\to\infty`),
    * ``log`` (only with ``log_correction=True``, for a :math:`\tilde\Theta` law): :math:`s(x) =
      s_\infty + q/\ln x`, which is *exactly* the local slope of :math:`x^{s_\infty}(\ln x)^q`,
      so a free log power is one of the admissible models; ``log2``, :math:`s_\infty +
      c/(\ln x)^2`, the local slope of a ratio settling like :math:`1 + c/\ln x`; ``log-offset``,
      :math:`s_\infty + q/(\ln x + u_0)` (:math:`u_0` on a grid in :math:`[1, 1000]`), the local
      slope of a mixture :math:`x^{p}(B + V\ln x)`; and ``log+power`` (:math:`\omega \ge 0.5`,
      so that the power cannot mimic the log),
      :math:`s_\infty + c\,x^{-\omega} + q/\ln x`,

    * ``power2``: :math:`s_\infty + c_1 x^{-\omega} + c_2 x^{-2\omega}` (the next order of the
      same expansion),

    each by linear least squares (given :math:`\omega`). With :math:`\hat\sigma^2 =
    \mathrm{RSS}_{\min}/(n - p)` from the best model (:math:`n` local slopes, :math:`p` its
    parameters), a model is *admissible* when :math:`\mathrm{RSS} \le \mathrm{RSS}_{\min} +
    3.84\,k\,\hat\sigma^2` (the 95 % profile-likelihood rule, the factor :math:`k` because
    sliding slopes over :math:`k` points share their points, so only about :math:`n/k` of them
    are independent). Each admissible model gives :math:`\hat s_\infty \pm 1.96\,\mathrm{se}`,
    :math:`\mathrm{se}^2 = k\,\mathrm{RSS}/(n-p)\,[(A^\top A)^{-1}]_{00}`; the interval is their
    union, together with the same rule applied to the upper two thirds of the local slopes (the
    extrapolation must be stable when its fit range shrinks), widened by a model error equal to
    the distance extrapolated, :math:`|\hat s_\infty - s_n|` from the last local slope
    :math:`s_n` (on synthetic curves with two power corrections the error was below 0.3 of it in
    99 % of cases), extended beyond the upper fit's limit by the move of the best limit from the
    whole window to its upper two thirds, in the direction of that move (a truncated expansion
    biases the whole-window fit; if the limits approach geometrically, at least halving their
    distance at each step, what is left is below that move), and by the round-off bound of the
    slopes. It is never of zero width and never widened by hand: its width is the spread of the
    extrapolations the data cannot tell apart. ``settled`` is False when a correction exponent
    at the bottom of the scanned range is admissible with a correction still larger than
    ``resolution`` at the top of the window (a correction slower than :math:`x^{-0.1}` cannot
    be extrapolated), or when admissible models extrapolate the last local slope in opposite
    directions, each by more than ``resolution`` (the data do not say where the slope is
    heading: e.g. a log factor whose weight is still growing against a power correction), or
    when the local slopes turn back in the upper half of the window by more than ten times their
    roughness (median absolute second difference): the direction of approach is not
    established.

    The assumption, stated: the correction to scaling is one of these models over the window
    (a power of :math:`x`, or for a :math:`\tilde\Theta` law a power of :math:`\ln x`). Two
    competing corrections of similar size can fool any extrapolation; then the local slopes'
    residuals grow and so does the interval.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.logspace(1, 5, 41)
    >>> y = x**-0.5 * (1 + 3 * x**-0.4)       # local slope -> -0.5 like x^-0.4
    >>> lim = fit_slope_limit(x, y, (1e2, 1e5))
    >>> lim.ci[0] < -0.5 < lim.ci[1], round(float(lim.local_slopes[-1]), 3)
    (True, -0.513)
    """
    x, Y = _check_data(x, y)
    if Y.shape[0] != 1:
        raise DomainError("fit_slope_limit is for one deterministic curve (y of shape (n,))")
    lo_w, hi_w = _check_window(window)
    mask = (x >= lo_w) & (x <= hi_w)
    m = int(mask.sum())
    if m < 6:
        raise DomainError(
            f"window {window!r} holds {m} grid point(s); extrapolating local slopes needs at "
            "least 6"
        )
    xw = x[mask]
    lx = np.log(xw)
    ly = np.log(Y[0][mask])
    if local_points is None:
        k = max(3, m // 8)
    else:
        k = _check_int("local_points", local_points, 2)
    k = min(k, m - 3)
    W, local_x = _local_weights(lx, k)
    s = W @ ly
    n = s.size
    u = np.log(local_x)
    if omega is None:
        omegas = _OMEGA_GRID
    elif isinstance(omega, numbers.Real) and not isinstance(omega, bool):
        omegas = np.array([float(omega)])
    else:
        o_lo, o_hi = _as_pair("omega", omega)
        if not 0 < o_lo <= o_hi:
            raise DomainError(f"omega must be > 0 (a number or a range lo <= hi), got {omega!r}")
        omegas = np.geomspace(o_lo, o_hi, 24) if o_hi > o_lo else np.array([o_lo])
    if np.any(~np.isfinite(omegas)) or np.any(omegas <= 0):
        raise DomainError(f"omega must be positive and finite, got {omega!r}")
    pad = _roundoff(lx, ly, float(s[-1]))
    admissible = _admissible_models(u, s, omegas, k, log_correction, upper=False)
    # stability of the extrapolation: the same rule on the upper two thirds of the local slopes
    cut = n // 3
    if n - cut >= 6:
        admissible += _admissible_models(u[cut:], s[cut:], omegas, k, log_correction, upper=True)
    if not admissible:
        raise DomainError("too few local slopes for any correction model; use a wider window")
    best = dict(min((f for f in admissible if not f["upper"]), key=lambda f: f["rss"]))
    reach = _EXTRAPOLATION_TRUST * abs(best["s_inf"] - float(s[-1]))
    lo = min(f["s_inf"] - _Z_95 * f["se"] for f in admissible) - reach
    hi = max(f["s_inf"] + _Z_95 * f["se"] for f in admissible) + reach
    # the extrapolation still moves when its fit range shrinks: the truncated expansion biases
    # the whole-window fit. The move from the whole window to its upper two thirds bounds what
    # is left (a geometric approach at least halving at each step): extend the interval by it,
    # beyond the upper fit, in the direction of the move
    upper_fits = [f for f in admissible if f["upper"]]
    if upper_fits:
        best_upper = min(upper_fits, key=lambda f: f["rss"])["s_inf"]
        move = best_upper - best["s_inf"]
        lo = min(lo, best_upper + min(move, 0.0))
        hi = max(hi, best_upper + max(move, 0.0))
    # a correction slower than the scanned range, not negligible against the interval itself
    edge = [f for f in admissible if f["model"] in _POWER_COLUMNS
            and f["omega"] <= omegas[0] * 1.0001 and omegas.size > 1
            and abs(sum(f["coef"][:_POWER_COLUMNS[f["model"]]])) > resolution]
    # admissible models that extrapolate in opposite directions from the last local slope, each
    # by more than the resolution: the data do not say where the slope is heading
    moves = [f["s_inf"] - float(s[-1]) for f in admissible]
    split = max(moves) > resolution and min(moves) < -resolution
    # the local slopes turn in the upper half of the window (their last extremum lies there and
    # is deeper than ten times their roughness, the median |second difference|): the direction
    # of approach is not established
    roughness = float(np.median(np.abs(np.diff(s, 2)))) if n >= 3 else 0.0
    turn = _late_turn(s, roughness)
    settled = not edge and not split and not turn
    return SlopeLimit(
        limit=best["s_inf"], ci=(lo - pad, hi + pad), models=admissible, best=best,
        local_x=local_x, local_slopes=s, window=(lo_w, hi_w),
        x_span=(float(xw[0]), float(xw[-1])), k=k, x=x, y=Y[0], settled=settled,
    )


def _late_turn(s: np.ndarray, noise: float) -> bool:
    """True when the local slopes ``s`` change direction in the upper half of the window by more
    than ten times ``noise`` (a turning point the correction models cannot be trusted past)."""
    n = s.size
    if n < 6:
        return False
    tail = s[n // 2:]
    d = np.diff(tail)
    scale = max(10.0 * noise, 1e-12 * (1.0 + float(np.max(np.abs(s)))))
    ups, downs = d > 0, d < 0
    if not (ups.any() and downs.any()):
        return False
    # the last extremum of the tail, and how far the slopes moved back from it since
    j = int(np.argmax(tail)) if tail[-1] < tail.max() - scale else int(np.argmin(tail))
    depth = abs(tail[-1] - tail[j])
    return 0 < j < tail.size - 1 and depth > scale


#: Models whose leading correction columns are powers x^-omega, x^-2 omega (how many): their
#: amplitude at the top of the window is the sum of those columns' coefficients.
_POWER_COLUMNS = {"power": 1, "power2": 2, "log+power": 1}


def _model_columns(model: dict, u: np.ndarray, u_top: float) -> list:
    """The correction columns of a model (all but the constant) at ``u = ln x``; the power
    columns are normalised to 1 at ``u_top``, the top of the window."""
    name = model["model"]
    if name == "constant":
        return []
    if name in _POWER_COLUMNS:
        g = np.exp(-model["omega"] * (u - u_top))
        return {"power": [g], "power2": [g, g * g], "log+power": [g, 1.0 / u]}[name]
    if name == "log":
        return [1.0 / u]
    if name == "log2":  # a ratio settling to a constant like 1 + c / ln x
        return [1.0 / u**2]
    if name == "log-offset":  # mixtures x^p (B + V ln x): s = p + q / (ln x + u0), u0 = B / V
        return [1.0 / (u + model["u0"])]
    raise DomainError(f"unknown correction model {name!r}")


def _admissible_models(u, s, omegas, k, log_correction, *, upper):
    """The correction models admissible for local slopes ``s`` at ``u = ln x`` (see
    :func:`fit_slope_limit`), each a dict with its limit and standard error."""
    n = s.size
    u_top = float(u[-1])
    models = [{"model": "constant", "omega": None, "u0": None}]
    for om in omegas:
        models.append({"model": "power", "omega": float(om), "u0": None})
        models.append({"model": "power2", "omega": float(om), "u0": None})
    if log_correction:
        if u[0] <= 0:
            raise DomainError("a log correction needs the window to start above x = 1")
        models.append({"model": "log", "omega": None, "u0": None})
        models.append({"model": "log2", "omega": None, "u0": None})
        models += [{"model": "log-offset", "omega": None, "u0": float(u0)} for u0 in _LOG_OFFSETS]
        models += [{"model": "log+power", "omega": float(om), "u0": None}
                   for om in omegas[omegas >= _LOG_POWER_OMEGA_MIN]]
    fitted = []
    for model in models:
        with np.errstate(over="ignore"):
            A = np.column_stack([np.ones(n), *_model_columns(model, u, u_top)])
        if A.shape[1] + 2 > n or not np.all(np.isfinite(A)):
            continue  # too few slopes, or a correction varying by more than e^709 over the window
        res = _linear_fit(A, s)
        if res is None:
            continue
        theta, rss, cov = res
        fitted.append(dict(model, s_inf=float(theta[0]), coef=[float(c) for c in theta[1:]],
                           rss=rss, p=A.shape[1], cov00=float(cov[0, 0]), upper=upper,
                           x_ref=float(math.exp(u_top))))
    if not fitted:
        return []
    best = min(fitted, key=lambda f: f["rss"])
    sigma2 = best["rss"] / max(n - best["p"], 1)
    threshold = best["rss"] + _CHI2_95_1 * k * sigma2
    out = []
    for f in fitted:
        if f["rss"] > threshold * (1 + 1e-12) + 1e-300:
            continue
        se = math.sqrt(k * f["rss"] / max(n - f["p"], 1) * f.pop("cov00"))
        out.append(dict(f, se=se))
    return out
