r"""One-pass SGD on Gaussian linear regression: exact expected risk and the sampled process.

Model
-----
Features :math:`x \sim N(0, H)`, labels :math:`y = x^\top w^* + \varepsilon`,
:math:`\varepsilon \sim N(0, \sigma^2)`, in the eigenbasis of :math:`H = \mathrm{diag}(\lambda)`:

.. math::

    \lambda_i = i^{-a}, \qquad w_i^{*2} = i^{-(b-a)}
    \quad (\text{so } \lambda_i w_i^{*2} = i^{-b}), \qquad i = 1, \dots, d.

Minibatch SGD from :math:`w_0 = 0` with batch :math:`B` and step :math:`\eta_t`,
:math:`w_t = w_{t-1} - \tfrac{\eta_t}{B}\sum_{b=1}^B x_{t,b}(x_{t,b}^\top w_{t-1} - y_{t,b})`, and an
iterate average :math:`\bar w_t = (1-\rho_t)\bar w_{t-1} + \rho_t w_t`, :math:`\bar w_0 = w_0`.
Excess risk :math:`\mathcal E(w) = \tfrac12 (w-w^*)^\top H (w-w^*)` (the label-noise floor
:math:`\sigma^2/2` is not included).

Exact expected-risk recursion
-----------------------------
With :math:`e_t = w_t - w^*`, Gaussian fourth moments
(:math:`\mathbb E[x x^\top M x x^\top] = 2HMH + \operatorname{tr}(HM) H`) close the *diagonal*
second moments :math:`S_i = \mathbb E[e_i^2]`, :math:`A_i = \mathbb E[\bar e_i^2]`,
:math:`C_i = \mathbb E[\bar e_i e_i]` (the off-diagonal entries never feed back into them):

.. math::

    q_{t-1} &= \textstyle\sum_j m_j \lambda_j S_j(t-1), \\
    S_i(t) &= \bigl(1 - 2\eta_t\lambda_i + (1 + \tfrac1B)\eta_t^2\lambda_i^2\bigr) S_i(t-1)
              + \tfrac{\eta_t^2}{B}\lambda_i\,(q_{t-1} + \sigma^2), \\
    C'_i &= (1 - \eta_t\lambda_i)\, C_i(t-1)
            \qquad (= \mathbb E[\bar e_{t-1,i}\, e_{t,i}],\ \text{since }
            \mathbb E[e_t \mid \mathcal F_{t-1}] = (I - \eta_t H) e_{t-1}), \\
    A_i(t) &= (1-\rho_t)^2 A_i(t-1) + \rho_t^2 S_i(t) + 2\rho_t(1-\rho_t)\, C'_i, \\
    C_i(t) &= (1-\rho_t)\, C'_i + \rho_t S_i(t),

started at :math:`S = A = C = w^{*2}`; :math:`m_j` is a coordinate's multiplicity (1 unless the
spectrum is binned, see :class:`PowerLawProblem`). Then
:math:`\mathbb E\,\mathcal E(w_t) = \tfrac12\sum_i m_i\lambda_i S_i(t)` and
:math:`\mathbb E\,\mathcal E(\bar w_t) = \tfrac12\sum_i m_i\lambda_i A_i(t)`. The map
:math:`(S(0), \sigma^2) \mapsto S(t)` is linear, so risk = risk(:math:`\sigma^2=0`) +
risk(:math:`w^*=0`) exactly (target ``"zero"`` gives the variance part).

Averaging weights :math:`\rho_t`: uniform :math:`1/t`; EMA-:math:`f`
:math:`1 - 2^{-f/t}` (the *old* average is kept with weight :math:`2^{-f/t}`); polynomial
:math:`\min(c, t)/t`; tail: 0 before the window start :math:`s`, then :math:`1/(t-s+1)`.

Extension point (momentum family)
---------------------------------
:func:`expected_risk` drives a *method* object (see :class:`_Method`) that owns the per-coordinate
second-moment state and its one-step update; the driver owns what all first-order methods share:
the trace coupling :math:`q = \sum_j m_j\lambda_j\,\mathbb E[\cdot]` at the gradient point (the
gradient noise variance is :math:`\tfrac1B(\lambda_i^2 S_i + \lambda_i(q+\sigma^2))`), the step
and averaging sequences, the cross-moment bookkeeping of the average, and the checkpoints. Heavy
ball, ASGD or DANA add a subclass with a 2x2 / 3x3 block per coordinate (state ``Z``, mean
transition :math:`M_t(\lambda_i)`, iterate projector ``p``; the cross term becomes the vector
:math:`c = \mathbb E[\bar e\, z]` with :math:`c' = M_t c`) and register it in ``_METHODS``; a fused
numba runner is optional (``numba_runner``).

Examples
--------
>>> from scalinglaws.validators.processes import linreg
>>> p = linreg.PowerLawProblem(a=1.5, b=2.25, d=256, sigma2=0.5)
>>> curve = linreg.expected_risk(p, linreg.constant(0.5 / p.trace), 1000)
>>> bool(curve.risk_avg[-1] < curve.risk_avg[0])
True
"""

from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from scalinglaws.errors import DomainError, ParameterError, UnknownKeyError

from scalinglaws.validators.backend import get_backend, replica_generators, require_backend, to_numpy

__all__ = [
    "PowerLawProblem",
    "SpectrumProblem",
    "Schedule",
    "constant",
    "polynomial",
    "wsd",
    "cosine",
    "exponential",
    "averaging_weights",
    "default_checkpoints",
    "RiskCurve",
    "SampledRisk",
    "expected_risk",
    "sample_risk",
    "contraction_rate",
    "method_names",
]


# =========================================================================== input checks


def _real(name, value, *, gt=None, ge=None, le=None, lt=None) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{name} must be a real number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise DomainError(f"{name} must be finite, got {value!r}")
    if gt is not None and not v > gt:
        raise DomainError(f"{name} must be > {gt}, got {value!r}")
    if ge is not None and not v >= ge:
        raise DomainError(f"{name} must be >= {ge}, got {value!r}")
    if le is not None and not v <= le:
        raise DomainError(f"{name} must be <= {le}, got {value!r}")
    if lt is not None and not v < lt:
        raise DomainError(f"{name} must be < {lt}, got {value!r}")
    return v


def _int(name, value, *, ge=None) -> int:
    if isinstance(value, (bool, np.bool_)):
        raise ParameterError(f"{name} must be an integer, got {value!r}")
    if isinstance(value, numbers.Integral):
        v = int(value)
    elif isinstance(value, numbers.Real) and float(value).is_integer():
        v = int(value)  # 1e6 is accepted as the integer 1000000
    else:
        raise ParameterError(f"{name} must be an integer, got {value!r}")
    if ge is not None and v < ge:
        raise DomainError(f"{name} must be >= {ge}, got {value!r}")
    return v


# =========================================================================== the problem

_DIRECT_SUM_MAX = 1 << 20  # power sums up to this d are summed term by term
_MAX_UNBINNED = 1 << 28  # unbinned problems beyond this size need >= 2 GiB per array
_EM_HEAD = 4096  # head summed directly before Euler-Maclaurin takes over
_BERNOULLI = (1.0 / 6.0, -1.0 / 30.0, 1.0 / 42.0, -1.0 / 30.0, 5.0 / 66.0)


def _power_sum(p: float, d: int) -> float:
    r""":math:`\sum_{i=1}^d i^{-p}` to ~1e-15 relative, for any real ``p`` (no binning error).

    Direct summation for ``d <= 2**20``; above, the first 4095 terms directly and the rest
    by Euler-Maclaurin from :math:`m = 4096` with five Bernoulli corrections (the first omitted
    term is :math:`O(m^{-p-11})`).
    """
    if d <= _DIRECT_SUM_MAX:
        return float(np.sum(np.arange(1, d + 1, dtype=np.float64) ** (-p)))
    m = _EM_HEAD
    head = float(np.sum(np.arange(1, m, dtype=np.float64) ** (-p)))
    # sum_{i=m}^{d} f(i), f(x) = x^-p
    if p == 1.0:
        integral = math.log(d / m)
    else:
        integral = m ** (1.0 - p) * math.expm1((1.0 - p) * math.log(d / m)) / (1.0 - p)
    total = integral + 0.5 * (m ** (-p) + d ** (-p))
    for k, bern in enumerate(_BERNOULLI, start=1):
        j = 2 * k - 1  # derivative order
        falling = 1.0
        for i in range(j):
            falling *= -p - i
        deriv_d = falling * d ** (-p - j)
        deriv_m = falling * m ** (-p - j)
        total += bern / math.factorial(2 * k) * (deriv_d - deriv_m)
    out = head + total
    if not math.isfinite(out):
        raise DomainError(f"sum of i^-{p} for i <= {d} overflows float64")
    return out


def _bins(n_exact: int, d: int, width: float) -> tuple[np.ndarray, np.ndarray]:
    """Index representatives and exact counts: 1..n_exact singly, then geometric bins to d."""
    head = np.arange(1, n_exact + 1, dtype=np.float64)
    start = n_exact + 1
    k_max = int(math.ceil(math.log((d + 1) / start) / math.log1p(width))) + 1
    edges = np.ceil(start * np.exp(np.arange(k_max + 1) * math.log1p(width)))
    edges = np.unique(np.clip(edges, start, d + 1).astype(np.int64))
    if edges[0] != start:
        edges = np.concatenate([[start], edges])
    if edges[-1] != d + 1:
        edges = np.concatenate([edges, [d + 1]])
    lo, hi = edges[:-1], edges[1:] - 1  # bin k holds the integers lo..hi
    counts = (hi - lo + 1).astype(np.float64)
    # geometric mean of lo..hi: exp(mean log i) = exp((lgamma(hi+1) - lgamma(lo)) / count)
    log_gm = np.array(
        [
            math.log(l) if l == h else (math.lgamma(h + 1.0) - math.lgamma(float(l))) / (h - l + 1)
            for l, h in zip(lo.tolist(), hi.tolist())
        ]
    )
    index = np.concatenate([head, np.exp(log_gm)])
    mult = np.concatenate([np.ones(n_exact), counts])
    return index, mult


class _DiagonalProblem:
    """What every diagonal problem shares: coordinates ``lam``, multiplicities ``mult``, initial
    second moments ``w2`` over ``d`` indices."""

    @property
    def n_coords(self) -> int:
        return int(self.lam.size)

    @property
    def binned(self) -> bool:
        return self.n_coords < self.d

    @property
    def initial_risk(self) -> float:
        r""":math:`\tfrac12 \sum_i m_i\lambda_i w_i^{*2}`, the excess risk of :math:`w_0 = 0`."""
        return 0.5 * float(np.dot(self.mult * self.lam, self.w2))


class PowerLawProblem(_DiagonalProblem):
    r"""Power-law Gaussian linear regression in the eigenbasis, optionally spectrally binned.

    :math:`\lambda_i = i^{-a}`, :math:`w_i^{*2} = i^{-(b-a)}` (``target="power"``), the same
    scaled so that :math:`\|w^*\|^2 = 1` over all ``d`` indices (``"normalized"``), or
    :math:`w^* = 0` (``"zero"``: the variance part of the risk). Label noise :math:`\sigma^2`.

    Binning: indices :math:`i \le` ``n_exact`` are kept one by one; larger ones are grouped into
    geometric bins :math:`[s_k, s_{k+1})`, :math:`s_{k+1} \approx s_k(1 + \text{bin\_width})`,
    each represented by the geometric mean of its indices and carrying the exact integer count
    of indices as multiplicity :math:`m_k` (all sums :math:`\sum_i \lambda_i S_i` become
    :math:`\sum_k m_k \lambda_k S_k`). A coordinate's trajectory depends only on
    :math:`(\lambda_i, S_i(0))` and the shared trace, so this is accurate to O(bin_width²).
    ``bin_width=0`` or ``d <= n_exact`` means unbinned.

    Parameters
    ----------
    a : float
        Capacity exponent, > 0.
    b : float
        Source exponent, > 0 (:math:`\lambda_i w_i^{*2} = i^{-b}` before normalization).
    d : int
        Dimension, >= 1.
    sigma2 : float
        Label-noise variance, >= 0.
    target : {"power", "normalized", "zero"}
    n_exact : int
        Indices kept exactly when binning, >= 1.
    bin_width : float
        Relative bin width in [0, 1]; 0 disables binning.

    Attributes
    ----------
    lam, mult, w2, index : ndarray, shape (n_coords,)
        Eigenvalues, multiplicities, initial :math:`S = w^{*2}`, (representative) indices.
    trace : float
        :math:`\operatorname{tr} H = \sum_{i=1}^d i^{-a}`, summed exactly (not from the bins).
    n_coords : int
        Number of simulated coordinates.

    Examples
    --------
    >>> p = PowerLawProblem(1.5, 3.0, d=10**8)
    >>> p.binned, p.n_coords < 2500, round(p.trace, 6)
    (True, True, 2.612175)
    >>> int(p.mult.sum())
    100000000
    """

    _TARGETS = ("power", "normalized", "zero")

    def __init__(self, a, b, d, sigma2=1.0, target="power", n_exact=1024, bin_width=0.01):
        self.a = _real("a", a, gt=0)
        self.b = _real("b", b, gt=0)
        self.d = _int("d", d, ge=1)
        self.sigma2 = _real("sigma2", sigma2, ge=0)
        if not isinstance(target, str) or target not in self._TARGETS:
            raise UnknownKeyError("target", str(target), self._TARGETS)
        self.target = target
        self.n_exact = _int("n_exact", n_exact, ge=1)
        self.bin_width = _real("bin_width", bin_width, ge=0, le=1)

        if self.bin_width == 0 or self.d <= self.n_exact:
            if self.d > _MAX_UNBINNED:
                raise DomainError(
                    f"d = {self.d} unbinned needs {self.d * 8 / 2**30:.0f} GiB per array; "
                    "use bin_width > 0 (spectral binning)"
                )
            index = np.arange(1, self.d + 1, dtype=np.float64)
            mult = np.ones(self.d)
        else:
            index, mult = _bins(self.n_exact, self.d, self.bin_width)
        log_i = np.log(index)
        self.index = index
        self.mult = mult
        self.lam = np.exp(-self.a * log_i)
        if target == "zero":
            w2 = np.zeros_like(index)
        else:
            with np.errstate(over="ignore"):
                w2 = np.exp(-(self.b - self.a) * log_i)
            if target == "normalized":
                w2 = w2 / _power_sum(self.b - self.a, self.d)
        if not np.all(np.isfinite(w2)):
            raise DomainError(f"w*^2 = i^-(b-a) overflows float64 for b - a = {self.b - self.a}")
        self.w2 = w2
        self.trace = _power_sum(self.a, self.d)
        for arr in (self.index, self.mult, self.lam, self.w2):
            arr.setflags(write=False)

    def __repr__(self) -> str:
        extra = f", n_exact={self.n_exact}, bin_width={self.bin_width}" if self.binned else ""
        return (
            f"PowerLawProblem(a={self.a}, b={self.b}, d={self.d}, sigma2={self.sigma2}, "
            f"target={self.target!r}{extra})"
        )


class SpectrumProblem(_DiagonalProblem):
    r"""Gaussian linear regression with an explicit spectrum (geometric, two-level, any).

    :math:`H = \mathrm{diag}(\lambda_1, \dots, \lambda_d)` given as an array, initial squared
    error :math:`w_i^{*2}` (default: all ones), label noise :math:`\sigma^2` (default 0: the
    consistent, noiseless problem of the momentum/batch-size laws). Same attributes as
    :class:`PowerLawProblem` (multiplicities ``mult``, default 1), so it runs through
    :func:`expected_risk`, :func:`sample_risk` and :func:`contraction_rate`.

    Use :meth:`geometric` for log-uniform eigenvalues on :math:`[1/\kappa, 1]` and
    :meth:`two_level` for ``k`` eigenvalues 1 and ``d - k`` eigenvalues :math:`1/\kappa`.

    >>> p = SpectrumProblem.geometric(40, 1e3)
    >>> p.n_coords, round(p.lam_max / p.lam_min)
    (40, 1000)
    >>> round(SpectrumProblem.two_level(10, 2, 100.0).trace, 12)
    2.08
    """

    def __init__(self, lam, w2=None, sigma2=0.0, name="spectrum", mult=None):
        try:
            lam = np.array(lam, dtype=np.float64).ravel()
        except (TypeError, ValueError):
            raise ParameterError("lam must be a 1-d array of positive eigenvalues") from None
        if lam.size == 0 or not np.all(np.isfinite(lam)) or np.any(lam <= 0):
            raise DomainError("lam must be a non-empty array of finite positive eigenvalues")
        if w2 is None:
            w2 = np.ones_like(lam)
        else:
            try:
                w2 = np.array(w2, dtype=np.float64).ravel()
            except (TypeError, ValueError):
                raise ParameterError("w2 must be a 1-d array") from None
            if w2.shape != lam.shape or not np.all(np.isfinite(w2)) or np.any(w2 < 0):
                raise DomainError("w2 must have the shape of lam and be finite and >= 0")
        self.sigma2 = _real("sigma2", sigma2, ge=0)
        self.name = str(name)
        self.lam = lam
        self.w2 = w2
        if mult is None:
            mult = np.ones_like(lam)
        else:
            try:
                mult = np.array(mult, dtype=np.float64).ravel()
            except (TypeError, ValueError):
                raise ParameterError("mult must be a 1-d array of positive integers") from None
            if mult.shape != lam.shape or np.any(mult < 1) or np.any(mult != np.floor(mult)):
                raise DomainError("mult must have the shape of lam and hold integers >= 1")
        self.mult = mult
        self.index = np.arange(1, lam.size + 1, dtype=np.float64)
        self.d = int(mult.sum())
        self.trace = float(np.dot(mult, lam))
        for arr in (self.index, self.mult, self.lam, self.w2):
            arr.setflags(write=False)

    @classmethod
    def geometric(cls, d, kappa, **kwargs) -> "SpectrumProblem":
        """``d`` eigenvalues log-uniform on ``[1/kappa, 1]`` (``kappa >= 1``, ``d >= 2``)."""
        d = _int("d", d, ge=2)
        kappa = _real("kappa", kappa, ge=1)
        lam = np.exp(-np.log(kappa) * np.arange(d) / (d - 1))
        return cls(lam, name=f"geometric(d={d}, kappa={kappa:g})", **kwargs)

    @classmethod
    def power_law(cls, d, a, **kwargs) -> "SpectrumProblem":
        r""":math:`\lambda_i = i^{-a}`, :math:`i \le d` (unbinned, all :math:`w_i^{*2} = 1`)."""
        d = _int("d", d, ge=1)
        a = _real("a", a, gt=0)
        lam = np.arange(1, d + 1, dtype=np.float64) ** (-a)
        return cls(lam, name=f"power_law(d={d}, a={a:g})", **kwargs)

    @classmethod
    def two_level(cls, d, k, kappa, **kwargs) -> "SpectrumProblem":
        """``k`` eigenvalues 1 and ``d - k`` eigenvalues ``1/kappa`` (``1 <= k < d``).

        ``grouped=True`` stores two coordinates with multiplicities ``k`` and ``d - k`` (exact for
        the expected-loss recursion, whose coordinates with equal eigenvalue and initial error
        evolve identically; not for :func:`sample_risk`)."""
        d = _int("d", d, ge=2)
        k = _int("k", k, ge=1)
        if k >= d:
            raise DomainError(f"two_level needs k < d, got k={k}, d={d}")
        kappa = _real("kappa", kappa, ge=1)
        name = f"two_level(d={d}, k={k}, kappa={kappa:g})"
        if kwargs.pop("grouped", False):  # two coordinates with multiplicities k and d - k
            return cls([1.0, 1.0 / kappa], mult=[k, d - k], name=name, **kwargs)
        lam = np.concatenate([np.ones(k), np.full(d - k, 1.0 / kappa)])
        return cls(lam, name=name, **kwargs)

    @property
    def lam_max(self) -> float:
        return float(self.lam.max())

    @property
    def lam_min(self) -> float:
        return float(self.lam.min())

    def __repr__(self) -> str:
        return f"SpectrumProblem({self.name}, sigma2={self.sigma2})"


def _check_problem(problem) -> None:
    if not isinstance(problem, _DiagonalProblem):
        raise ParameterError(
            f"problem must be a PowerLawProblem or SpectrumProblem, got {type(problem).__name__}"
        )


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


# =========================================================================== results


@dataclass(frozen=True)
class RiskCurve:
    """Expected excess risk at checkpoints (from :func:`expected_risk`).

    ``steps``: int array of checkpoints; ``risk_last``, ``risk_avg``: expected excess risk of the
    last iterate and of the average, shape ``(n_checkpoints,)`` (``(P, n_checkpoints)`` when a
    list of ``P`` schedules was given). With ``averaging="none"`` both are the last iterate.
    """

    steps: np.ndarray
    risk_last: np.ndarray
    risk_avg: np.ndarray
    method: str = "sgd"
    averaging: object = "uniform"
    batch: int = 1


@dataclass(frozen=True)
class SampledRisk:
    """Per-replica exact excess risk at checkpoints (from :func:`sample_risk`).

    ``risk_last``, ``risk_avg``: shape ``(n_replicas, n_checkpoints)``.
    """

    steps: np.ndarray
    risk_last: np.ndarray
    risk_avg: np.ndarray
    n_replicas: int = field(default=0)

    @property
    def mean_last(self) -> np.ndarray:
        return self.risk_last.mean(axis=0)

    @property
    def mean_avg(self) -> np.ndarray:
        return self.risk_avg.mean(axis=0)

    @property
    def se_last(self) -> np.ndarray:
        """Standard error of :attr:`mean_last` (replica std / sqrt(R))."""
        return self.risk_last.std(axis=0, ddof=1) / math.sqrt(self.risk_last.shape[0])

    @property
    def se_avg(self) -> np.ndarray:
        return self.risk_avg.std(axis=0, ddof=1) / math.sqrt(self.risk_avg.shape[0])


# =========================================================================== methods


class _Method:
    r"""Per-coordinate second-moment dynamics of one optimizer (the extension point).

    The driver :func:`_run_numpy` calls, for every step :math:`t` (arrays shaped ``(P, n)`` and
    ``eta``, ``noise`` shaped ``(P, 1)``; or ``(n,)`` and Python floats for a single problem):

    * ``state = init_state(w2, shape)``: the moments at :math:`t=0` (e.g. ``{"S": w*²}``), with
      ``shape = (n,)`` for one problem or ``(P, n)`` for ``P`` problems;
    * ``gradient_moment(state)``: :math:`\mathbb E[e_i^2]` at the point where the gradient is
      taken (its trace gives :math:`q`); ``iterate_moment(state)``: at the iterate that is
      evaluated and averaged;
    * ``step(state, lam, eta, noise, batch)``: one update, where
      ``noise`` :math:`= (q + \sigma^2)/B` is the shared scalar part of the gradient-noise
      variance :math:`\tfrac1B(\lambda_i^2 S_i + \lambda_i (q+\sigma^2))`;
    * averaging: ``cross_init(w2, shape)``, ``cross_mean(cross, lam, eta)`` (:math:`c' = M_t c`,
      the mean transition applied to :math:`\mathbb E[\bar e\, z]`), ``cross_iterate(cross)``
      (:math:`p^\top c'`) and ``cross_mix(cross, state, rho)``
      (:math:`(1-\rho)c' + \rho Z p`).

    ``numba_runner`` (optional) runs the whole recursion in one compiled loop with the
    signature of :func:`_run_sgd_numba`.
    """

    name = "?"
    numba_runner = None


class _SGD(_Method):
    name = "sgd"

    def init_state(self, w2, shape):
        return {"S": np.broadcast_to(w2, shape).copy(), "_f": np.empty(shape)}

    def gradient_moment(self, state):
        return state["S"]

    iterate_moment = gradient_moment

    def step(self, state, lam, eta, noise, batch):
        # S <- (1 - 2 eta lam + (1 + 1/B) eta^2 lam^2) S + eta^2 lam (q + sigma^2) / B,
        # written as S * (1 + lam (al + be lam)) + K lam with al = -2 eta, be = (1+1/B) eta^2,
        # K = eta^2 (q + sigma^2) / B (the same association as the numba kernel); in place.
        coef = 1.0 + 1.0 / batch
        al = -2.0 * eta
        be = coef * eta * eta
        K = eta * eta * noise
        S, f = state["S"], state["_f"]
        np.multiply(be, lam, out=f)
        f += al
        f *= lam
        f += 1.0
        S *= f
        np.multiply(K, lam, out=f)
        S += f
        return state

    def cross_init(self, w2, shape):
        return np.broadcast_to(w2, shape).copy()

    def cross_mean(self, cross, lam, eta):
        g = (-eta) * lam
        g += 1.0
        cross *= g
        return cross

    def cross_iterate(self, cross):
        return cross

    def cross_mix(self, cross, state, rho):
        cross *= 1.0 - rho
        cross += rho * state["S"]
        return cross


# the mean map of SGD in the form the momentum family uses (z' = M z - eta u (H^ e)): M = [1], u = [1]
_SGD.mean_M = np.array([[1.0]])
_SGD.mean_u = np.array([1.0])


def _sgd_configure(self, **params):
    if params:
        raise ParameterError(f"method 'sgd' takes no method_params, got {sorted(params)}")
    return self


_SGD.configure = _sgd_configure


class _MemoryOne(_Method):
    r"""A memory-1 linear method with state :math:`z = (e_w, e_v)` per coordinate.

    One step is :math:`z' = M z - \eta_t\, \hat u\, (\hat H_t e_w)` with a fixed 2x2 matrix
    :math:`M` (rows summing to 1, so :math:`w = v = w^*` is a fixed point) and a fixed 2-vector
    :math:`\hat u`; the gradient is taken at :math:`w`, which is also the evaluated (and averaged)
    iterate. With :math:`A_i = M - \eta\lambda_i \hat u e_1^\top` the per-coordinate second
    moment :math:`Q_i = \mathbb E[z_i z_i^\top] = (s, c, v)` (ww, wv, vv) follows exactly

    .. math::

        Q_i' = A_i Q_i A_i^\top + \eta^2 \bigl(\tfrac{\lambda_i^2}{B} s_i
        + \lambda_i \tfrac{q + \sigma^2}{B}\bigr)\, \hat u \hat u^\top,
        \qquad q = \textstyle\sum_j m_j \lambda_j s_j,

    the Gaussian fourth-moment identity applied to the minibatch gradient noise (its mean part is
    :math:`A_i z_i`). Subclasses set ``mean_M`` and ``mean_u`` from their parameters in
    ``configure``.
    """

    params: dict = {}

    def configure(self, **params):
        raise NotImplementedError

    def _A(self, lam, eta):
        (m11, m12), (m21, m22) = self.mean_M.tolist()
        u1, u2 = self.mean_u.tolist()
        el = eta * lam
        return m11 - u1 * el, m12, m21 - u2 * el, m22

    def init_state(self, w2, shape):
        s = np.broadcast_to(w2, shape).copy()
        return {"s": s, "c": s.copy(), "v": s.copy()}

    def gradient_moment(self, state):
        return state["s"]

    iterate_moment = gradient_moment

    def step(self, state, lam, eta, noise, batch):
        a11, a12, a21, a22 = self._A(lam, eta)
        s, c, v = state["s"], state["c"], state["v"]
        u1, u2 = self.mean_u.tolist()
        nz = (eta * eta) * (lam * lam * s / batch + lam * noise)
        s2 = a11 * a11 * s + 2.0 * a11 * a12 * c + a12 * a12 * v + nz * (u1 * u1)
        c2 = a11 * a21 * s + (a11 * a22 + a12 * a21) * c + a12 * a22 * v + nz * (u1 * u2)
        v2 = a21 * a21 * s + 2.0 * a21 * a22 * c + a22 * a22 * v + nz * (u2 * u2)
        return {"s": s2, "c": c2, "v": v2}

    def cross_init(self, w2, shape):
        s = np.broadcast_to(w2, shape).copy()
        return (s, s.copy())

    def cross_mean(self, cross, lam, eta):
        a11, a12, a21, a22 = self._A(lam, eta)
        cw, cv = cross
        return (a11 * cw + a12 * cv, a21 * cw + a22 * cv)

    def cross_iterate(self, cross):
        return cross[0]

    def cross_mix(self, cross, state, rho):
        cw, cv = cross
        return ((1.0 - rho) * cw + rho * state["s"], (1.0 - rho) * cv + rho * state["c"])


class _HeavyBall(_MemoryOne):
    r"""Stochastic heavy ball, :math:`w_{t+1} = w_t - \eta_t g_t + \mu (w_t - w_{t-1})`.

    ``method_params``: ``momentum`` :math:`\mu \in [0, 1)` (default 0.9). State
    :math:`z = (e_t, e_{t-1})`, started at :math:`w_{-1} = w_0`:
    :math:`M = [[1+\mu, -\mu], [1, 0]]`, :math:`\hat u = (1, 0)`.
    """

    name = "hb"

    def __init__(self, momentum=0.9):
        self.momentum = _real("momentum", momentum, ge=0, lt=1)
        mu = self.momentum
        self.mean_M = np.array([[1.0 + mu, -mu], [1.0, 0.0]])
        self.mean_u = np.array([1.0, 0.0])
        self.params = {"momentum": mu}

    def configure(self, **params):
        unknown = set(params) - {"momentum"}
        if unknown:
            raise ParameterError(f"method 'hb' takes method_params momentum, got {sorted(unknown)}")
        return _HeavyBall(**params)


class _ASGD(_MemoryOne):
    r"""Accelerated SGD of Jain, Kakade, Kidambi, Netrapalli, Sidford (2018), in the
    parametrisation of the reference implementation (``AccSGD``, Kidambi et al. 2018).

    ``method_params``: ``kappa`` (long-to-short step ratio :math:`\kappa_a`, default 1000),
    ``xi`` (statistical advantage :math:`\xi`, default 10), ``c`` (small constant, default
    0.7); the schedule gives the short step ``lr``. With :math:`L = \mathrm{lr}\,\kappa_a/c`,
    :math:`\beta = c^2\xi/\kappa_a \in (0, 1]`, :math:`\zeta = c/(c+\beta)`, one step is (gradient
    :math:`g` at the old :math:`w`; :math:`v_0 = w_0`)

    .. math::

        v \leftarrow (1-\beta) v + \beta w - \beta L g, \qquad
        w \leftarrow \zeta (w - \mathrm{lr}\, g) + (1-\zeta) v,

    i.e. :math:`M = [[\zeta + (1-\zeta)\beta, (1-\zeta)(1-\beta)], [\beta, 1-\beta]]` and
    :math:`\hat u = (\zeta + (1-\zeta)\beta\kappa_a/c,\ \beta\kappa_a/c)`.
    """

    name = "asgd"

    def __init__(self, kappa=1000.0, xi=10.0, c=0.7):
        self.kappa = _real("kappa", kappa, gt=0)
        self.xi = _real("xi", xi, gt=0)
        self.c = _real("c", c, gt=0, le=1)
        beta = self.c * self.c * self.xi / self.kappa
        if not beta <= 1.0:
            raise DomainError(
                f"ASGD needs beta = c^2 xi / kappa <= 1, got {beta:g} (kappa={kappa}, xi={xi}, c={c})"
            )
        zeta = self.c / (self.c + beta)
        ratio = self.kappa / self.c  # large_lr / lr
        self.mean_M = np.array(
            [[zeta + (1.0 - zeta) * beta, (1.0 - zeta) * (1.0 - beta)], [beta, 1.0 - beta]]
        )
        self.mean_u = np.array([zeta + (1.0 - zeta) * beta * ratio, beta * ratio])
        self.params = {"kappa": self.kappa, "xi": self.xi, "c": self.c}

    def configure(self, **params):
        unknown = set(params) - {"kappa", "xi", "c"}
        if unknown:
            raise ParameterError(
                f"method 'asgd' takes method_params kappa, xi, c; got {sorted(unknown)}"
            )
        return _ASGD(**params)


def _hyper(name, value, *, lo=None, hi=None):
    """A hyperparameter: a real number (checked against [lo, hi]) or a callable of the 0-based
    step count; returns a function k -> float that checks what the callable gives."""
    if callable(value):
        def fn(k, _value=value):
            out = _value(k)
            try:
                out = float(out)
            except (TypeError, ValueError):
                raise ParameterError(f"{name}({k}) must be a real number, got {out!r}") from None
            if not math.isfinite(out):
                raise DomainError(f"{name}({k}) = {out!r} is not finite")
            return out
        return fn
    v = _real(name, value, ge=lo, le=hi)
    return lambda k: v


class _GenMom(_MemoryOne):
    r"""Generalized momentum SGD (Gen-Mom) of Ferbach et al. (arXiv 2505.16098), with
    hyperparameters that may change with the step: SGD-M and DANA.

    With the minibatch gradient :math:`\hat g_t` at :math:`w_t` and buffer :math:`y_0 = 0`,

    .. math::

        y_t = (1 - \Delta_k)\, y_{t-1} + \gamma_1 \hat g_t, \qquad
        w_{t+1} = w_t - \eta_t \hat g_t - \gamma_{3,k}\, y_t,

    where the schedule gives :math:`\gamma_2 = \eta_t` and :math:`k = t - 1` is the 0-based
    count of steps already taken (the authors' optax convention). ``method_params``:

    * ``gamma1`` (real, default 1);
    * ``gamma3``: a number :math:`c \ge 0` with ``kappa3`` (default 0):
      :math:`\gamma_{3,k} = c\,(1+k)^{-\kappa_3}` (DANA-constant: :math:`c \propto 1/d`,
      ``kappa3=0``; DANA-decaying: ``kappa3=1/(2 alpha)``), or a callable ``k -> gamma3``;
      default 0;
    * the memory, one of ``Delta`` (a constant in [0, 1], SGD-M; or a callable ``k -> Delta``)
      or ``delta`` > 0: :math:`\Delta_k = \delta/(\delta + k)` (DANA, the authors' code form of
      :math:`\delta/(1+t)`; at most 1). Default ``Delta=1`` (no memory).

    The defaults are plain SGD. State :math:`z = (e_w, y)`, :math:`e_w = w - w^*`: the mean step
    is :math:`z' = A_k z` with :math:`A_k = [[1 - u_1\lambda, -\gamma_3(1-\Delta)],
    [\gamma_1\lambda, 1 - \Delta]]`, :math:`u = (\eta_t + \gamma_1\gamma_3, -\gamma_1)`, and the
    gradient noise adds :math:`(\tfrac{\lambda^2}{B}s + \lambda\tfrac{q+\sigma^2}{B})\,uu^\top`
    to :math:`Q = \mathbb E[zz^\top] = (s, c, v)` (the :class:`_MemoryOne` recursion with a
    step-dependent :math:`A` and :math:`u`), started at :math:`(w^{*2}, 0, 0)`.
    Not supported by :func:`contraction_rate` (no constant map) or the numba backend.
    """

    name = "genmom"
    time_dependent = True
    mean_M = np.array([[1.0, 0.0], [0.0, 0.0]])  # shape marker only: the map changes with k
    mean_u = np.array([1.0, 0.0])

    def __init__(self, gamma1=1.0, gamma3=0.0, kappa3=0.0, Delta=None, delta=None):
        if Delta is not None and delta is not None:
            raise ParameterError("give the memory as Delta or delta, not both")
        self._g1 = _real("gamma1", gamma1)
        kappa3 = _real("kappa3", kappa3, ge=0)
        if callable(gamma3):
            if kappa3 != 0:
                raise ParameterError("kappa3 applies to a numeric gamma3 only")
            self._g3 = _hyper("gamma3", gamma3)
        else:
            c = _real("gamma3", gamma3, ge=0)
            self._g3 = (lambda k: c) if kappa3 == 0 else (lambda k: c * (1.0 + k) ** (-kappa3))
        if delta is not None:
            dl = _real("delta", delta, gt=0)
            self._D = lambda k: dl / (dl + k)
        else:
            self._D = _hyper("Delta", 1.0 if Delta is None else Delta, lo=0.0, hi=1.0)
        self.params = {"gamma1": gamma1, "gamma3": gamma3, "kappa3": kappa3, "Delta": Delta, "delta": delta}

    def configure(self, **params):
        unknown = set(params) - {"gamma1", "gamma3", "kappa3", "Delta", "delta"}
        if unknown:
            raise ParameterError(
                f"method 'genmom' takes method_params gamma1, gamma3, kappa3, Delta, delta; got {sorted(unknown)}"
            )
        return _GenMom(**params)

    def coefficients(self, k, eta):
        """``(a11, a12, a21, a22)`` without the ``-u1 lam`` / ``+g1 lam`` parts, and ``(u1, u2)``
        at the 0-based step ``k`` with SGD step ``eta``: ``(1, -g3 (1-D), 0, 1-D), (eta + g1 g3, -g1)``."""
        g3, D, g1 = self._g3(k), self._D(k), self._g1
        return (-g3 * (1.0 - D), 1.0 - D), (eta + g1 * g3, -g1)

    def init_state(self, w2, shape):
        s = np.broadcast_to(w2, shape).copy()
        return {"s": s, "c": np.zeros(shape), "v": np.zeros(shape), "k": 0}

    def _A_k(self, k, lam, eta):
        (a12, a22), (u1, u2) = self.coefficients(k, eta)
        return 1.0 - u1 * lam, a12, -u2 * lam, a22, u1, u2

    def step(self, state, lam, eta, noise, batch):
        k = state["k"]
        a11, a12, a21, a22, u1, u2 = self._A_k(k, lam, eta)
        s, c, v = state["s"], state["c"], state["v"]
        nz = lam * lam * s / batch + lam * noise
        s2 = a11 * a11 * s + 2.0 * a11 * a12 * c + a12 * a12 * v + nz * (u1 * u1)
        c2 = a11 * a21 * s + (a11 * a22 + a12 * a21) * c + a12 * a22 * v + nz * (u1 * u2)
        v2 = a21 * a21 * s + 2.0 * a21 * a22 * c + a22 * a22 * v + nz * (u2 * u2)
        return {"s": s2, "c": c2, "v": v2, "k": k + 1}

    def cross_init(self, w2, shape):
        return (np.broadcast_to(w2, shape).copy(), np.zeros(shape), 0)

    def cross_mean(self, cross, lam, eta):
        cw, cv, k = cross
        a11, a12, a21, a22, _, _ = self._A_k(k, lam, eta)
        return (a11 * cw + a12 * cv, a21 * cw + a22 * cv, k + 1)

    def cross_mix(self, cross, state, rho):
        cw, cv, k = cross
        return ((1.0 - rho) * cw + rho * state["s"], (1.0 - rho) * cv + rho * state["c"], k)


_METHODS = {"sgd": _SGD(), "hb": _HeavyBall(), "asgd": _ASGD()}
_TIME_DEPENDENT = {"genmom": _GenMom()}


def method_names(time_dependent=False) -> tuple:
    """The registered optimizers with constant coefficients, supported everywhere
    (:func:`contraction_rate` included): ``('sgd', 'hb', 'asgd')``; with
    ``time_dependent=True`` also those whose coefficients change with the step, supported by
    :func:`expected_risk` and :func:`sample_risk` only: ``'genmom'`` (SGD-M, DANA)."""
    return tuple(_METHODS) + (tuple(_TIME_DEPENDENT) if time_dependent else ())


def _configured(method, method_params):
    known = {**_METHODS, **_TIME_DEPENDENT}
    if not isinstance(method, str) or method not in known:
        raise UnknownKeyError("method", str(method), tuple(known))
    if method_params is None:
        return known[method]
    if not isinstance(method_params, dict):
        raise ParameterError(f"method_params must be a dict, got {method_params!r}")
    return known[method].configure(**method_params)


# --------------------------------------------------------------------------- contraction rate


def _blocks(meth, lam, eta, batch):
    """Per-coordinate blocks D_i (n, k, k) of the second-moment map without the trace coupling,
    and the coupling column c (k,) (response of the block state to a unit q/B), for the state
    ordering (s,) [SGD] or (s, c, v) [memory-1]."""
    M, u = meth.mean_M, meth.mean_u * eta
    n = lam.size
    if M.shape == (1, 1):
        a = 1.0 - eta * lam
        D = (a * a + eta * eta * lam * lam / batch).reshape(n, 1, 1)
        return D, np.array([eta * eta])
    a11 = M[0, 0] - u[0] * lam
    a12 = np.full(n, M[0, 1])
    a21 = M[1, 0] - u[1] * lam
    a22 = np.full(n, M[1, 1])
    uu = np.array([u[0] * u[0], u[0] * u[1], u[1] * u[1]])
    D = np.empty((n, 3, 3))
    D[:, 0, 0], D[:, 0, 1], D[:, 0, 2] = a11 * a11, 2 * a11 * a12, a12 * a12
    D[:, 1, 0], D[:, 1, 1], D[:, 1, 2] = a11 * a21, a11 * a22 + a12 * a21, a12 * a22
    D[:, 2, 0], D[:, 2, 1], D[:, 2, 2] = a21 * a21, 2 * a21 * a22, a22 * a22
    D[:, :, 0] += (lam * lam / batch)[:, None] * uu[None, :]
    return D, uu


_DENSE_RATE_MAX = 24  # up to this many stacked moments, dense eigenvalues (else the secular root)


def contraction_rate(problem, eta, batch=1, method="sgd", method_params=None) -> float:
    r"""Per-step contraction factor :math:`\rho` of the expected loss at a constant step.

    The exact recursion of :func:`expected_risk` (noiseless part, :math:`\sigma^2` ignored) is a
    linear map :math:`\mathcal T = \oplus_i D_i + \tfrac1B c\, g^\top` on the stacked
    per-coordinate moments: blocks :math:`D_i` (1x1 for SGD, 3x3 for the memory-1 methods) plus
    the rank-one trace coupling :math:`g^\top Q = \sum_j m_j\lambda_j s_j`. It maps PSD moments
    to PSD moments, so its spectral radius :math:`\rho` is a real eigenvalue; it is the largest
    root :math:`z > \rho_0 = \max_i \rho(D_i)` of the secular equation
    :math:`1 = \tfrac1B \sum_i m_i\lambda_i^2\, e_s^\top (zI - D_i)^{-1} c`, found by Brent's
    method in O(n) per evaluation (or :math:`\rho = \rho_0` when the coupling is too weak to
    lift it); maps with at most 24 stacked moments use the dense eigenvalues instead.
    Asymptotically :math:`\mathbb E\,\mathcal E_t \propto \rho^t`, so
    :math:`-1/\ln\rho` steps divide the loss by e. Returns ``inf``-safe values: a number
    :math:`\ge 1` means the loss does not contract (unstable).

    >>> p = SpectrumProblem.geometric(20, 100.0)
    >>> r_sgd = contraction_rate(p, 0.5, batch=64)
    >>> r_hb = contraction_rate(p, 0.5, batch=64, method="hb", method_params={"momentum": 0.6})
    >>> bool(r_hb < r_sgd < 1)
    True
    """
    _check_problem(problem)
    meth = _configured(method, method_params)
    if getattr(meth, "time_dependent", False):
        raise DomainError(f"contraction_rate needs a constant map; method {method!r} changes with the step")
    eta = _real("eta", eta, gt=0)
    batch = _real("batch", batch, gt=0)  # real B allowed: the map is smooth in 1/B
    lam = np.asarray(problem.lam, dtype=np.float64)
    ml2 = np.asarray(problem.mult, dtype=np.float64) * lam * lam / batch
    D, c = _blocks(meth, lam, eta, batch)
    k = D.shape[1]
    n = lam.size
    if n * k <= _DENSE_RATE_MAX:  # small: the dense map's eigenvalues are cheaper
        big = np.zeros((n * k, n * k))
        for i in range(n):
            big[i * k:(i + 1) * k, i * k:(i + 1) * k] = D[i]
        coupling = np.asarray(problem.mult, dtype=np.float64) * lam / batch
        big[:, ::k] += np.kron(lam[:, None], c[:, None]).reshape(n * k, 1) * coupling[None, :]
        with np.errstate(all="ignore"):
            ev = np.linalg.eigvals(big)
        rho = float(np.max(np.abs(ev)))
        return rho if math.isfinite(rho) else math.inf
    if k == 1:
        rho0 = float(np.max(np.abs(D[:, 0, 0])))

        def f(z):
            return float(np.sum(ml2 * c[0] / (z - D[:, 0, 0])))
    else:
        with np.errstate(all="ignore"):
            ev = np.linalg.eigvals(D)
        rho0 = float(np.max(np.abs(ev)))
        # e_s^T (zI - D)^-1 c by Cramer's rule: det of (zI - D) with column s replaced by c
        d00, d01, d02 = D[:, 0, 0], D[:, 0, 1], D[:, 0, 2]
        d10, d11, d12 = D[:, 1, 0], D[:, 1, 1], D[:, 1, 2]
        d20, d21, d22 = D[:, 2, 0], D[:, 2, 1], D[:, 2, 2]
        c0, c1, c2 = c.tolist()

        def f(z):
            m11, m22 = z - d11, z - d22
            # cofactors of column 0 of M = zI - D (off-diagonal entries of M are -d_ij)
            C00 = m11 * m22 - d12 * d21
            C10 = d01 * m22 + d02 * d21
            C20 = d01 * d12 + d02 * m11
            det = (z - d00) * C00 - d10 * C10 - d20 * C20
            num = c0 * C00 + c1 * C10 + c2 * C20  # column 0 of M replaced by c
            with np.errstate(divide="ignore", invalid="ignore"):
                return float(np.sum(ml2 * num / det))

    if not math.isfinite(rho0):
        return math.inf
    lo = rho0 + 1e-9 * max(rho0, 1e-300)
    try:
        flo = f(lo)
    except np.linalg.LinAlgError:
        flo = math.inf
    if flo <= 1.0:
        return rho0
    hi = 1.0 if lo < 1.0 else 2.0 * lo
    while f(hi) > 1.0:
        hi *= 2.0
        if hi > 1e300:
            return math.inf
    from scipy.optimize import brentq

    # 1/f is smooth through the pole of f at rho0: solve 1/f(z) = 1
    return float(brentq(lambda z: 1.0 / f(z) - 1.0, lo, hi, xtol=1e-16, rtol=4 * np.finfo(float).eps, maxiter=500))


def _weighted_sum(X, ml, buf):
    """``sum_i ml_i X[..., i]`` by pairwise summation into a scratch buffer.

    Not ``X @ ml``: a multithreaded BLAS gemv stalls badly on a busy machine (measured 15 ms
    instead of 0.07 ms at n = 1e5 with two OpenBLAS threads and other work on both cores).
    """
    np.multiply(X, ml, out=buf)
    return buf.sum(axis=-1)


def _run_numpy(method, lam, mult, w2, sigma2, batch, etas, rho, ck):
    """Generic driver, vectorised over coordinates (and the leading problem axis P).

    Method hooks may update their arguments in place; the driver never reuses an old state.
    """
    P, N = etas.shape
    ml = mult * lam
    inv_b = 1.0 / batch
    # one problem: 1-d arrays and Python floats (no per-step tiny-array overhead);
    # P problems: arrays (P, n), step sizes and noise levels (P, 1)
    single = P == 1
    shape = (lam.size,) if single else (P, lam.size)
    steps = etas[0].tolist() if single else etas
    weights = rho.tolist() if rho is not None else None
    state = method.init_state(w2, shape)
    buf = np.empty(shape)
    q = _weighted_sum(method.gradient_moment(state), ml, buf)
    averaging = rho is not None
    if averaging:
        A = np.broadcast_to(w2, shape).copy()
        cross = method.cross_init(w2, shape)
    out_last = np.empty((P, ck.size))
    out_avg = np.empty((P, ck.size))
    k = 0
    for t in range(N):
        if single:
            eta = steps[t]
            noise = (float(q) + sigma2) * inv_b
        else:
            eta = steps[:, t : t + 1]
            noise = ((q + sigma2) * inv_b)[:, None]
        state = method.step(state, lam, eta, noise, batch)
        q = _weighted_sum(method.gradient_moment(state), ml, buf)
        if averaging:
            # A <- (1-r)^2 A + r^2 S + 2 r (1-r) p.c',  c' = M_t c;  c <- (1-r) c' + r Z p
            r = weights[t]
            S = method.iterate_moment(state)
            cross = method.cross_mean(cross, lam, eta)
            A *= (1.0 - r) * (1.0 - r)
            np.multiply(r * r, S, out=buf)
            A += buf
            np.multiply(2.0 * r * (1.0 - r), method.cross_iterate(cross), out=buf)
            A += buf
            cross = method.cross_mix(cross, state, r)
        if k < ck.size and ck[k] == t + 1:
            last = 0.5 * _weighted_sum(method.iterate_moment(state), ml, buf)
            out_last[:, k] = last
            out_avg[:, k] = 0.5 * _weighted_sum(A, ml, buf) if averaging else last
            k += 1
    return out_last, out_avg


# --------------------------------------------------------------------------- numba (SGD)

_CHUNK = 2048  # coordinates per partial sum; fixed, so q does not depend on the thread count
_PARALLEL_MIN_COORDS = 1 << 15  # below this a prange launch per step costs more than it saves

# The numba kernels are plain functions here (numba is not imported with this module).
# _sgd_kernels() jit-compiles them on first use; before that it points the globals below at the
# compiled callees and at numba.prange, which numba resolves at compile time. Module-level
# functions without closures keep numba's on-disk cache valid across processes.
_prange = range
_j_dot4 = _j_chunk_last = _j_chunk_avg = None


def _k_dot4(x, y):  # pragma: no cover - compiled by numba
    n = x.size
    m = (n // 4) * 4
    a0 = 0.0
    a1 = 0.0
    a2 = 0.0
    a3 = 0.0
    for i in range(0, m, 4):
        a0 += x[i] * y[i]
        a1 += x[i + 1] * y[i + 1]
        a2 += x[i + 2] * y[i + 2]
        a3 += x[i + 3] * y[i + 3]
    for i in range(m, n):
        a0 += x[i] * y[i]
    return (a0 + a1) + (a2 + a3)


def _k_chunk_last(lam, ml, S, al, be, K):  # pragma: no cover - compiled by numba
    # chunks are passed as slices starting at 0: no negative-index wraparound in the loop,
    # so LLVM vectorises it without fastmath
    for i in range(lam.size):
        l = lam[i]
        S[i] = S[i] * (1.0 + l * (al + be * l)) + K * l
    return _j_dot4(ml, S)


def _k_chunk_avg(lam, ml, S, A, C, al, be, K, g, r1, r2, r3, om, r):  # pragma: no cover
    for i in range(lam.size):
        l = lam[i]
        s = S[i] * (1.0 + l * (al + be * l)) + K * l
        S[i] = s
        cp = (1.0 + g * l) * C[i]
        A[i] = r1 * A[i] + r2 * s + r3 * cp
        C[i] = om * cp + r * s
    return _j_dot4(ml, S)


def _k_sgd_driver(lam, ml, w2, etas, rho, do_avg, coef, inv_b, sigma2, ck, chunk, out_last, out_avg):  # pragma: no cover
    n = lam.size
    N = etas.size
    S = w2.copy()
    A = w2.copy()
    C = w2.copy()
    nch = (n + chunk - 1) // chunk
    part = np.zeros(nch)
    for c in _prange(nch):
        lo = c * chunk
        hi = min(lo + chunk, n)
        part[c] = _j_dot4(ml[lo:hi], S[lo:hi])
    q = 0.0
    for c in range(nch):
        q += part[c]
    k = 0
    for t in range(N):
        e = etas[t]
        al = -2.0 * e
        be = coef * e * e
        K = e * e * ((q + sigma2) * inv_b)
        if do_avg:
            r = rho[t]
            g = -e
            r1 = (1.0 - r) * (1.0 - r)
            r2 = r * r
            r3 = 2.0 * r * (1.0 - r)
            om = 1.0 - r
            for c in _prange(nch):
                lo = c * chunk
                hi = min(lo + chunk, n)
                part[c] = _j_chunk_avg(
                    lam[lo:hi], ml[lo:hi], S[lo:hi], A[lo:hi], C[lo:hi],
                    al, be, K, g, r1, r2, r3, om, r,
                )
        else:
            for c in _prange(nch):
                lo = c * chunk
                hi = min(lo + chunk, n)
                part[c] = _j_chunk_last(lam[lo:hi], ml[lo:hi], S[lo:hi], al, be, K)
        q = 0.0
        for c in range(nch):  # fixed order: the same q for any thread count
            q += part[c]
        if k < ck.size and ck[k] == t + 1:
            out_last[k] = 0.5 * q
            if do_avg:
                for c in _prange(nch):
                    lo = c * chunk
                    hi = min(lo + chunk, n)
                    part[c] = _j_dot4(ml[lo:hi], A[lo:hi])
                sa = 0.0
                for c in range(nch):
                    sa += part[c]
                out_avg[k] = 0.5 * sa
            else:
                out_avg[k] = 0.5 * q
            k += 1
    return 0


@functools.lru_cache(maxsize=None)
def _sgd_kernels():
    """Compile (once, lazily) the fused SGD recursion: a serial and a prange driver.

    Both drivers split the coordinates into fixed chunks of ``_CHUNK``; each chunk returns its
    partial sum of :math:`m_i\\lambda_i S_i` (4 interleaved accumulators, fixed order) and the
    partials are added in chunk order. The result is therefore bit-identical for the serial
    driver and the parallel one under any thread count. ``fastmath`` is off (IEEE float64).
    """
    require_backend("numba")
    import types

    import numba

    g = globals()
    g["_prange"] = numba.prange
    g["_j_dot4"] = numba.njit(cache=True, inline="never")(_k_dot4)
    g["_j_chunk_last"] = numba.njit(cache=True, inline="never")(_k_chunk_last)
    g["_j_chunk_avg"] = numba.njit(cache=True, inline="never")(_k_chunk_avg)
    serial = numba.njit(cache=True)(_k_sgd_driver)  # prange runs as range here
    # a renamed copy, so the serial and parallel builds get separate cache entries
    par_fn = types.FunctionType(_k_sgd_driver.__code__, g, "_k_sgd_driver_parallel")
    par_fn.__qualname__ = "_k_sgd_driver_parallel"
    parallel = numba.njit(cache=True, parallel=True)(par_fn)
    return {"serial": serial, "parallel": parallel}


def _run_sgd_numba(lam, mult, w2, sigma2, batch, etas, rho, ck, parallel=None):
    """Fused numba SGD recursion; one compiled call per row of ``etas``.

    ``parallel=None`` uses the prange driver from ``_PARALLEL_MIN_COORDS`` coordinates on when
    numba has more than one thread. On a machine whose cores are busy with other work the
    per-step barrier of the prange driver can make it slower than the serial one; call
    ``numba.set_num_threads(1)`` there.
    """
    kernels = _sgd_kernels()
    from numba import get_num_threads as numba_threads
    n = lam.size
    if parallel is None:  # numba.set_num_threads(1) selects the serial driver
        parallel = n >= _PARALLEL_MIN_COORDS and numba_threads() > 1
    driver = kernels["parallel" if parallel else "serial"]
    lam = np.ascontiguousarray(lam, dtype=np.float64)
    ml = np.ascontiguousarray(mult * lam, dtype=np.float64)
    w2 = np.ascontiguousarray(w2, dtype=np.float64)
    do_avg = rho is not None
    rho_arr = np.ascontiguousarray(rho if do_avg else np.zeros(1), dtype=np.float64)
    ck = np.ascontiguousarray(ck, dtype=np.int64)
    P = etas.shape[0]
    out_last = np.empty((P, ck.size))
    out_avg = np.empty((P, ck.size))
    for p in range(P):
        driver(
            lam, ml, w2, np.ascontiguousarray(etas[p]), rho_arr, do_avg,
            1.0 + 1.0 / batch, 1.0 / batch, float(sigma2), ck, _CHUNK, out_last[p], out_avg[p],
        )
    return out_last, out_avg


_SGD.numba_runner = staticmethod(_run_sgd_numba)


# =========================================================================== expected risk


def expected_risk(
    problem,
    schedule,
    n_steps,
    checkpoints=None,
    averaging="uniform",
    batch=1,
    backend="numpy",
    method="sgd",
    method_params=None,
) -> RiskCurve:
    r"""Exact expected excess risk of (minibatch) SGD, O(n_coords) per step.

    Runs the diagonal second-moment recursion of the module docstring for ``n_steps`` steps.

    Parameters
    ----------
    problem : PowerLawProblem
    schedule : Schedule or sequence of Schedule
        A sequence of ``P`` schedules runs ``P`` problems at once (leading axis of the result).
    n_steps : int
        Number of SGD steps :math:`N` (each uses ``batch`` fresh samples).
    checkpoints : sequence of int, optional
        Steps in ``[1, n_steps]`` where the risk is recorded (default ~60 log-spaced).
    averaging : str or tuple
        ``"none"``, ``"uniform"``, ``("tail", fraction)``, ``("ema", f)``, ``("poly", c)``
        (see :func:`averaging_weights`).
    batch : int
        Minibatch size :math:`B`.
    backend : {"numpy", "numba"}
        ``"numba"`` runs one fused compiled loop (prange over coordinate chunks above 32768
        coordinates, with a thread-count-independent reduction); both agree to ~1e-13.
    method : {"sgd", "hb", "asgd", "genmom"}
        The optimizer: SGD, heavy ball (:class:`_HeavyBall`), ASGD (:class:`_ASGD`) or
        generalized momentum with step-dependent coefficients (:class:`_GenMom`: SGD-M, DANA);
        the schedule gives the (short) step size (Gen-Mom's :math:`\gamma_2`).
    method_params : dict, optional
        The method's hyperparameters besides the step: ``{"momentum": mu}`` for ``"hb"``,
        ``{"kappa": ..., "xi": ..., "c": ...}`` for ``"asgd"``, ``{"gamma1", "gamma3", "kappa3",
        "Delta" or "delta"}`` for ``"genmom"`` (defaults in their classes).

    Returns
    -------
    RiskCurve
    """
    _check_problem(problem)
    meth = _configured(method, method_params)
    n_steps = _int("n_steps", n_steps, ge=1)
    batch = _int("batch", batch, ge=1)
    single = isinstance(schedule, Schedule)
    schedules = [schedule] if single else list(schedule) if isinstance(schedule, (list, tuple)) else None
    if not schedules:
        raise ParameterError("schedule must be a Schedule or a non-empty list of Schedules")
    etas = _step_sizes(schedules, n_steps)
    ck = _checkpoints(checkpoints, n_steps)
    rho = averaging_weights(averaging, n_steps)
    name = get_backend(backend).name
    if name == "numba":
        require_backend("numba")
        if meth.numba_runner is None:
            raise DomainError(f"method {method!r} has no numba runner; use backend='numpy'")
        last, avg = meth.numba_runner(
            problem.lam, problem.mult, problem.w2, problem.sigma2, batch, etas, rho, ck
        )
    elif name == "numpy":
        last, avg = _run_numpy(
            meth, problem.lam, problem.mult, problem.w2, problem.sigma2, batch, etas, rho, ck
        )
    else:
        raise DomainError(f"expected_risk runs on backend 'numpy' or 'numba', not {name!r}")
    if single:
        last, avg = last[0], avg[0]
    return RiskCurve(ck, last, avg, method=method, averaging=averaging, batch=batch)


# =========================================================================== sampled process


def _namespace(xp):
    """An array-API namespace from ``None`` / a name / a module (numpy via array_api_compat)."""
    if xp is None or isinstance(xp, str):
        name = "numpy" if xp is None else xp
        if name == "array_api_strict":
            import array_api_strict

            return array_api_strict
        xp = require_backend(name).xp
    try:
        import array_api_compat
    except ImportError:  # numpy >= 2 and cupy >= 13 are close enough to the standard
        return xp
    return array_api_compat.array_namespace(xp.asarray(0.0))


def _rng_family(xp) -> str:
    name = getattr(xp, "__name__", "")
    return "cupy" if "cupy" in name else "numpy"


_BLOCK_NUMBERS = 1 << 21  # random numbers per block (16 MB of float64: stays in L3)
_MIN_CALL_NUMBERS = 2048  # but at least this many per generator call (call overhead)


def sample_risk(
    problem,
    schedule,
    n_steps,
    n_replicas,
    seed,
    checkpoints=None,
    averaging="uniform",
    batch=1,
    xp=None,
    draws="internal",
    method="sgd",
    method_params=None,
) -> SampledRisk:
    r"""Monte Carlo SGD on the Gaussian problem: ``n_replicas`` independent runs in lockstep.

    Each replica :math:`r` and step :math:`t` draws :math:`z_{t,b} \sim N(0, I_d)` and
    :math:`\xi_{t,b} \sim N(0,1)`, sets :math:`x = \sqrt\lambda \odot z`,
    :math:`\varepsilon = \sigma\xi`, and with :math:`e = w - w^*` updates

    .. math::

        \text{res}_b = x_b^\top e - \varepsilon_b, \qquad
        e \leftarrow e - \tfrac{\eta_t}{B}\textstyle\sum_b \text{res}_b\, x_b, \qquad
        \bar e \leftarrow (1-\rho_t)\bar e + \rho_t e,

    recording the exact excess risks :math:`\tfrac12\sum_i\lambda_i e_i^2` and
    :math:`\tfrac12\sum_i\lambda_i \bar e_i^2` at the checkpoints. The array code is written
    once against the namespace ``xp`` (numpy, cupy, array_api_strict, ...).

    Parameters
    ----------
    problem : PowerLawProblem
        Must be unbinned (the sampled process has one coordinate per dimension).
    schedule : Schedule
    n_steps, n_replicas : int
    seed : int or numpy.random.SeedSequence
        Root of the run; replica ``r`` draws only from child ``r`` of
        ``SeedSequence(seed).spawn(n_replicas)``, in step order, so its numbers do not depend on
        ``n_replicas``.
    checkpoints, averaging, batch
        As in :func:`expected_risk`.
    xp : module or str, optional
        Array namespace (default numpy). Random numbers come from numpy generators, or from
        cupy generators when ``xp`` is cupy; namespaces without an RNG receive numpy draws
        through ``xp.asarray``.
    draws : "internal" or callable
        A callable ``draws(start, count) -> (z, xi)`` returns the standard normals of steps
        ``start+1 .. start+count`` with shapes ``(R, count, B, d)`` and ``(R, count, B)``.
    method, method_params
        As in :func:`expected_risk`. For ``"hb"`` and ``"asgd"`` each replica also carries the
        second state vector :math:`e_v` (started at :math:`e_v = e_w`) and steps
        :math:`(e_w, e_v) \leftarrow M (e_w, e_v) - \eta_t \hat u\, \tfrac1B\sum_b
        \text{res}_b x_b` (see :class:`_MemoryOne`). For ``"genmom"`` the second vector is the
        buffer :math:`y` (started at 0): :math:`y \leftarrow (1-\Delta_k) y + \gamma_1 \hat g`,
        :math:`e \leftarrow e - \eta_t \hat g - \gamma_{3,k} y` (see :class:`_GenMom`).

    Returns
    -------
    SampledRisk
        Per-replica risks as numpy arrays of shape ``(n_replicas, n_checkpoints)``.
    """
    _check_problem(problem)
    if problem.binned:
        raise DomainError(
            "sample_risk simulates every coordinate; build the problem with bin_width=0 "
            f"(this one bins d={problem.d} into {problem.n_coords} coordinates)"
        )
    if not isinstance(schedule, Schedule):
        raise ParameterError(f"schedule must be a Schedule, got {schedule!r}")
    meth = _configured(method, method_params)
    momentum = meth.mean_M.shape != (1, 1)
    n_steps = _int("n_steps", n_steps, ge=1)
    R = _int("n_replicas", n_replicas, ge=1)
    B = _int("batch", batch, ge=1)
    etas = _step_sizes([schedule], n_steps)[0]
    ck = _checkpoints(checkpoints, n_steps)
    rho = averaging_weights(averaging, n_steps)
    if not (draws == "internal" or callable(draws)):
        raise ParameterError("draws must be 'internal' or a callable draws(start, count)")
    ns = _namespace(xp)
    d = problem.d
    sigma = math.sqrt(problem.sigma2)
    family = _rng_family(ns)

    per_step = B * (d + 1)  # numbers one replica draws per step
    block = max(_BLOCK_NUMBERS // (R * per_step), -(-_MIN_CALL_NUMBERS // per_step), 1)
    block = min(block, n_steps)
    if draws == "internal":
        if family == "cupy":
            gens = replica_generators(seed, R, xp=require_backend("cupy").xp)
        else:
            gens = replica_generators(seed, R)
            buf = np.empty((R, block, B, d + 1))  # reused: stays in cache, no page faults

        def draw_block(start, count):
            if family == "cupy":
                blk = ns.stack([g.standard_normal((count, B, d + 1)) for g in gens])
            else:
                view = buf[:, :count]
                for r, g in enumerate(gens):
                    g.standard_normal(out=view[r])
                blk = ns.asarray(view)
            return blk[..., :d], blk[..., d]

    else:

        def draw_block(start, count):
            z, xi = draws(start, count)
            z, xi = ns.asarray(z), ns.asarray(xi)
            if tuple(z.shape) != (R, count, B, d) or tuple(xi.shape) != (R, count, B):
                raise DomainError(
                    f"draws({start}, {count}) returned shapes {tuple(z.shape)}, {tuple(xi.shape)}; "
                    f"expected {(R, count, B, d)} and {(R, count, B)}"
                )
            return z, xi

    dtype = ns.float64
    lam = ns.asarray(problem.lam, dtype=dtype)
    sqrt_lam = ns.asarray(np.sqrt(problem.lam), dtype=dtype)
    e = ns.zeros((R, d), dtype=dtype) - ns.asarray(np.sqrt(problem.w2), dtype=dtype)
    ebar = e
    genmom = getattr(meth, "time_dependent", False)
    ev = ns.zeros((R, d), dtype=dtype) if genmom else e  # Gen-Mom's buffer starts at y = 0
    out_last = np.empty((R, ck.size))
    out_avg = np.empty((R, ck.size))
    k = 0
    for start in range(0, n_steps, block):
        count = min(block, n_steps - start)
        Z, XI = draw_block(start, count)
        for j in range(count):
            t = start + j
            z = Z[:, j, :, :]  # (R, B, d); x = sqrt(lam) * z is never formed
            # residual x.e - eps = z.(sqrt(lam) e) - sigma xi
            res = ns.reshape(ns.matmul(z, ns.reshape(sqrt_lam * e, (R, d, 1))), (R, 1, B))
            res = res - sigma * ns.reshape(XI[:, j, :], (R, 1, B))
            # sum_b res_b x_b = sqrt(lam) * sum_b res_b z_b
            grad = sqrt_lam * ns.reshape(ns.matmul(res, z), (R, d))
            if genmom:  # y <- (1 - D) y + g1 g;  e <- e - eta g - g3 y  (g = grad / B)
                (_, a22), (_, u2) = meth.coefficients(t, float(etas[t]))
                ev = a22 * ev - (u2 / B) * grad
                e = e - (float(etas[t]) / B) * grad - meth._g3(t) * ev
            elif momentum:
                (m11, m12), (m21, m22) = meth.mean_M.tolist()
                u1, u2 = (meth.mean_u * (float(etas[t]) / B)).tolist()
                e, ev = m11 * e + m12 * ev - u1 * grad, m21 * e + m22 * ev - u2 * grad
            else:
                e = e - (float(etas[t]) / B) * grad
            if rho is not None:
                r = float(rho[t])
                ebar = (1.0 - r) * ebar + r * e
            if k < ck.size and ck[k] == t + 1:
                out_last[:, k] = to_numpy(0.5 * ns.sum(lam * e * e, axis=1))
                out_avg[:, k] = (
                    to_numpy(0.5 * ns.sum(lam * ebar * ebar, axis=1)) if rho is not None else out_last[:, k]
                )
                k += 1
    return SampledRisk(ck, out_last, out_avg, n_replicas=R)
