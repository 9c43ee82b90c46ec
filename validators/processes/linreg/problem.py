r"""The diagonal problems of Gaussian linear regression, and the input checks of ``linreg``.

:class:`PowerLawProblem` (:math:`\lambda_i = i^{-a}`, :math:`w_i^{*2} = i^{-(b-a)}`, optionally
spectrally binned into geometric bins with exact integer multiplicities) and
:class:`SpectrumProblem` (an explicit spectrum: geometric, two-level, any). Both expose the
coordinates ``lam``, multiplicities ``mult`` and initial second moments ``w2`` that the
recursion (:mod:`.recursion`), the sampled process (:mod:`.sampled`) and the contraction rate
(:mod:`.methods`) run on. The model and its equations are in the package docstring
(:mod:`scalinglaws.validators.processes.linreg`).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from scalinglaws.errors import DomainError, ParameterError, UnknownKeyError

__all__ = ["PowerLawProblem", "SpectrumProblem"]


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
