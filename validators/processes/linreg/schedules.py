r"""Step-size schedules :math:`\eta_t`, averaging weights :math:`\rho_t` and checkpoints.

A :class:`Schedule` is a vectorised :math:`t \mapsto \eta_t` (1-based steps) with an optional
horizon; :func:`averaging_weights` gives the weights of the iterate average
:math:`\bar w_t = (1-\rho_t)\bar w_{t-1} + \rho_t w_t`; :func:`default_checkpoints` the
log-spaced steps where risks are recorded.
"""

from __future__ import annotations

import math

import numpy as np

from scalinglaws.errors import DomainError, ParameterError, UnknownKeyError

from .problem import _int, _real

__all__ = [
    "Schedule",
    "constant",
    "polynomial",
    "wsd",
    "cosine",
    "exponential",
    "averaging_weights",
    "default_checkpoints",
]


# =========================================================================== schedules


class Schedule:
    r"""A step-size schedule :math:`t \mapsto \eta_t`, :math:`t = 1, 2, \dots`, vectorised.

    Build one with :func:`constant`, :func:`polynomial`, :func:`wsd`, :func:`cosine` or
    :func:`exponential`. ``horizon`` is the planned run length ``N`` (``None`` for anytime
    schedules); asking for :math:`t > N` raises.

    >>> polynomial(1.0, 0.5).eta([1, 4, 100])
    array([1. , 0.5, 0.1])
    """

    def __init__(self, kind: str, params: dict, fn, horizon: int | None = None):
        self.kind = kind
        self.params = dict(params)
        self.horizon = horizon
        self._fn = fn

    def eta(self, t):
        """Step sizes at the (integer, 1-based) steps ``t``; same shape as ``t``."""
        t_arr = np.asarray(t)
        if t_arr.dtype.kind not in "iuf" or (
            t_arr.dtype.kind == "f" and not np.all(np.floor(t_arr) == t_arr)
        ):
            raise ParameterError("steps t must be integers (1-based)")
        t_arr = t_arr.astype(np.float64)
        if t_arr.size and t_arr.min() < 1:
            raise DomainError(f"steps are 1-based, got t = {t_arr.min():g}")
        if self.horizon is not None and t_arr.size and t_arr.max() > self.horizon:
            raise DomainError(
                f"{self!r} has horizon N = {self.horizon}; asked for t = {t_arr.max():g}"
            )
        out = np.asarray(self._fn(t_arr), dtype=np.float64)
        return out

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.kind}({args})"


def constant(eta) -> Schedule:
    r""":math:`\eta_t = \eta`."""
    eta = _real("eta", eta, gt=0)
    return Schedule("constant", {"eta": eta}, lambda t: np.full(t.shape, eta))


def polynomial(eta, gamma) -> Schedule:
    r""":math:`\eta_t = \eta\, t^{-\gamma}` (:math:`\gamma \ge 0`)."""
    eta = _real("eta", eta, gt=0)
    gamma = _real("gamma", gamma, ge=0)
    return Schedule("polynomial", {"eta": eta, "gamma": gamma}, lambda t: eta * t ** (-gamma))


def _horizon(N) -> int:
    return _int("N", N, ge=1)


def wsd(eta, N, decay_fraction, final=0.0) -> Schedule:
    r"""Warmup-free WSD: constant :math:`\eta`, then linear decay to ``final``·η over the last
    :math:`L = \mathrm{round}(\text{decay\_fraction}\cdot N)` steps.

    With :math:`t_0 = N - L`: :math:`\eta_t = \eta` for :math:`t \le t_0` and
    :math:`\eta_t = \eta\,(1 - (1 - \text{final})(t - t_0)/L)` after, so :math:`\eta_N =`
    final·η.

    >>> wsd(1.0, 10, 0.5).eta(np.arange(1, 11))
    array([1. , 1. , 1. , 1. , 1. , 0.8, 0.6, 0.4, 0.2, 0. ])
    """
    eta = _real("eta", eta, gt=0)
    N = _horizon(N)
    frac = _real("decay_fraction", decay_fraction, ge=0, le=1)
    final = _real("final", final, ge=0, le=1)
    L = int(round(frac * N))
    t0 = N - L

    def fn(t):
        if L == 0:
            return np.full(t.shape, eta)
        return eta * np.where(t <= t0, 1.0, 1.0 - (1.0 - final) * (t - t0) / L)

    return Schedule(
        "wsd", {"eta": eta, "N": N, "decay_fraction": frac, "final": final}, fn, horizon=N
    )


def cosine(eta, N, final=0.0) -> Schedule:
    r"""Cosine decay from :math:`\eta` at :math:`t=1` to final·η at :math:`t=N`:
    :math:`\eta_t = \eta\,[\text{final} + (1-\text{final})\tfrac12(1 + \cos(\pi (t-1)/(N-1)))]`.
    """
    eta = _real("eta", eta, gt=0)
    N = _horizon(N)
    final = _real("final", final, ge=0, le=1)

    def fn(t):
        if N == 1:
            return np.full(t.shape, eta)
        return eta * (final + (1.0 - final) * 0.5 * (1.0 + np.cos(np.pi * (t - 1) / (N - 1))))

    return Schedule("cosine", {"eta": eta, "N": N, "final": final}, fn, horizon=N)


def exponential(eta, N, final_ratio) -> Schedule:
    r"""Geometric decay :math:`\eta_t = \eta\, r^{(t-1)/(N-1)}` with ``final_ratio`` :math:`r`
    (so :math:`\eta_N = r\eta`)."""
    eta = _real("eta", eta, gt=0)
    N = _horizon(N)
    r = _real("final_ratio", final_ratio, gt=0)

    def fn(t):
        if N == 1:
            return np.full(t.shape, eta)
        return eta * np.exp(math.log(r) * (t - 1) / (N - 1))

    return Schedule("exponential", {"eta": eta, "N": N, "final_ratio": r}, fn, horizon=N)


# =========================================================================== averaging


def _parse_averaging(averaging):
    """Canonical (kind, parameter) for an averaging spec."""
    if isinstance(averaging, str):
        if averaging in ("none", "uniform"):
            return averaging, None
        raise UnknownKeyError("averaging", averaging, ("none", "uniform", "tail", "ema", "poly"))
    if isinstance(averaging, (tuple, list)) and len(averaging) == 2 and isinstance(averaging[0], str):
        kind, value = averaging
        if kind == "tail":
            return kind, _real("tail fraction", value, gt=0, le=1)
        if kind == "ema":
            return kind, _real("EMA f", value, gt=0)
        if kind == "poly":
            return kind, _real("poly c", value, gt=0)
        raise UnknownKeyError("averaging", kind, ("none", "uniform", "tail", "ema", "poly"))
    raise ParameterError(
        "averaging must be 'none', 'uniform', ('tail', fraction), ('ema', f) or ('poly', c); "
        f"got {averaging!r}"
    )


def averaging_weights(averaging, n_steps) -> np.ndarray | None:
    r"""The weights :math:`\rho_t`, :math:`t = 1..N`, of :math:`\bar w_t = (1-\rho_t)\bar w_{t-1} +
    \rho_t w_t`, or ``None`` for ``"none"`` (no average: the "average" is the last iterate).

    ``"uniform"``: :math:`1/t`. ``("ema", f)``: :math:`1 - 2^{-f/t}`. ``("poly", c)``:
    :math:`\min(c,t)/t`. ``("tail", x)``: uniform over the last :math:`L = \max(1,
    \mathrm{round}(xN))` steps, i.e. 0 before :math:`s = N - L + 1`, then :math:`1/(t - s + 1)`.

    >>> averaging_weights(("tail", 0.5), 6)
    array([0.        , 0.        , 0.        , 1.        , 0.5       , 0.33333333])
    """
    kind, value = _parse_averaging(averaging)
    N = _int("n_steps", n_steps, ge=1)
    t = np.arange(1, N + 1, dtype=np.float64)
    if kind == "none":
        return None
    if kind == "uniform":
        return 1.0 / t
    if kind == "ema":
        return -np.expm1(-value * math.log(2.0) / t)
    if kind == "poly":
        return np.minimum(value, t) / t
    L = max(1, int(round(value * N)))
    start = N - L + 1
    return np.where(t < start, 0.0, 1.0 / np.maximum(t - start + 1, 1.0))


def default_checkpoints(n_steps, n=60) -> np.ndarray:
    """About ``n`` log-spaced distinct integers in ``[1, n_steps]`` (always including both ends).

    >>> default_checkpoints(100, 5)
    array([  1,   3,  10,  32, 100])
    """
    N = _int("n_steps", n_steps, ge=1)
    n = _int("n", n, ge=1)
    if n == 1:
        return np.array([N])
    return np.unique(np.rint(np.geomspace(1, N, n)).astype(np.int64))


def _checkpoints(checkpoints, n_steps: int) -> np.ndarray:
    if checkpoints is None:
        return default_checkpoints(n_steps)
    ck = np.asarray(checkpoints)
    if ck.ndim != 1 or ck.size == 0:
        raise ParameterError("checkpoints must be a non-empty 1-d sequence of steps")
    if ck.dtype.kind == "f" and np.all(np.floor(ck) == ck):
        ck = ck.astype(np.int64)
    if ck.dtype.kind not in "iu":
        raise ParameterError("checkpoints must be integers")
    ck = np.unique(ck.astype(np.int64))
    if ck[0] < 1 or ck[-1] > n_steps:
        raise DomainError(f"checkpoints must lie in [1, n_steps={n_steps}], got [{ck[0]}, {ck[-1]}]")
    return ck


def _step_sizes(schedules, n_steps: int) -> np.ndarray:
    t = np.arange(1, n_steps + 1, dtype=np.float64)
    rows = []
    for s in schedules:
        if not isinstance(s, Schedule):
            raise ParameterError(f"schedule must be a Schedule (see linreg.constant, ...), got {s!r}")
        if s.horizon is not None and s.horizon < n_steps:
            raise DomainError(f"{s!r} has horizon N = {s.horizon} < n_steps = {n_steps}")
        eta = s.eta(t)
        if not np.all(np.isfinite(eta)) or np.any(eta < 0):
            raise DomainError(f"{s!r} gives step sizes that are negative or not finite")
        rows.append(eta)
    return np.ascontiguousarray(np.stack(rows))
