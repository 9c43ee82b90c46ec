r"""The functional scaling law (FSL) of power-law kernel regression, integrated along a schedule.

Model (Li, Chen, Huang, Wang, Wu, arXiv:2509.19189; the laws are in
:mod:`scalinglaws.papers.functional_scaling`): features with covariance eigenvalues
:math:`\lambda_j = j^{-\beta}` (capacity :math:`\beta > 1`), target with
:math:`\lambda_j\theta_j^{*2} = j^{-(1+s\beta)}` (relative difficulty :math:`s > 0`), a model of
:math:`M` features, label noise :math:`\sigma^2`, one-pass SGD with steps :math:`\eta_k` and batch
:math:`B`. With the *intrinsic time* :math:`t_k = \sum_{i \le k} \eta_i` and the *effective
learning rate* :math:`\gamma_k = \eta_k / B`, the FSL reads

.. math::

    \mathbb E[R(\nu_t)] - \frac{\sigma^2}{2} \eqsim M^{-s\beta} + e(t)
    + \int_0^t \mathcal K(t - z)\,\bigl[e(z) + \sigma^2\bigr]\,\gamma(z)\,dz,
    \qquad e(t) = (1+t)^{-s},\quad \mathcal K(t) = (1+t)^{-(2-1/\beta)}

(Theorem 4.2; Theorems 4.3/4.4 with the exact sums
:math:`e_M(t) = \sum_{j\le M}\lambda_j\theta_j^2 e^{-2\lambda_j t}` and
:math:`\mathcal K_M(t) = \sum_{j\le M}\lambda_j^2 e^{-2\lambda_j t}`). Discretised over the steps,

.. math::

    F_k = M^{-s\beta} + e(t_k) + \sum_{j \le k} \eta_j \gamma_j\,
    \mathcal K(t_k - t_j)\,[e(t_{j-1}) + \sigma^2].

:func:`fsl` evaluates it for any schedule in O(K x n) work, never the O(K^2) convolution: the
power kernel is a Laplace integral of exponentials (:func:`_laplace_nodes`), so the convolution
becomes ``n`` one-step recursions; the exact sums run over a geometrically binned spectrum
(:func:`_spectrum`), with the unlearned directions :math:`j > M` acting as extra label noise
(:func:`_tail_mass`). ``kernel="volterra"`` solves the Volterra equation of which the FSL is the
first Picard iterate; for batch 1 it matches twice the exact expected excess risk of
:mod:`scalinglaws.validators.processes.linreg` up to :math:`O((\eta\lambda_1)^2)`.
:func:`intrinsic_time`, :func:`exp_decay_steps` and :func:`wsd_like_steps` (the paper's eq. 12,
exponential decay) build the schedules the paper's scaling relations are stated for.

>>> import numpy as np
>>> from scalinglaws.validators.processes import fsl as F
>>> eta = np.full(1000, 0.125)                     # constant step 1/8 for 1000 steps
>>> risk = F.fsl(eta, s=0.5, beta=2.5, sigma2=1.0)  # power-law kernels, M = infinity
>>> risk.shape, bool(risk[-1] < risk[0])
((1000,), True)
>>> float(F.intrinsic_time(eta)[-1])
125.0
"""

from __future__ import annotations

import math

import numpy as np

from scalinglaws.errors import DomainError, ParameterError, UnknownKeyError

__all__ = ["fsl", "intrinsic_time", "wsd_like_steps", "exp_decay_steps"]


_KERNELS = ("power", "exact", "volterra")


def _as_steps(schedule, n_steps):
    if hasattr(schedule, "eta") and callable(schedule.eta):
        n = n_steps if n_steps is not None else getattr(schedule, "horizon", None)
        if n is None:
            raise ParameterError("a schedule without a horizon needs n_steps")
        steps = np.asarray(schedule.eta(np.arange(1, int(n) + 1)), dtype=float)
    elif callable(schedule):
        raise ParameterError("schedule must be an array of step sizes or an object with .eta(t)")
    else:
        try:
            steps = np.asarray(schedule, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError("schedule must be a 1-d array of step sizes") from None
        if n_steps is not None:
            raise ParameterError("n_steps is only for schedule objects; an array has its length")
    if steps.ndim != 1 or steps.size == 0:
        raise ParameterError(f"the step sizes must form a non-empty 1-d array, got shape {steps.shape}")
    if not np.all(np.isfinite(steps)) or np.any(steps < 0):
        raise DomainError("step sizes must be finite and >= 0")
    return steps


def _positive(name, value, low=0.0):
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        raise ParameterError(f"{name} must be a number, got {value!r}")
    v = float(value)
    if not (math.isfinite(v) and v > low):
        raise DomainError(f"{name} must be finite and > {low}, got {value!r}")
    return v


def intrinsic_time(schedule, n_steps=None):
    r"""Intrinsic time :math:`t_k = \sum_{i \le k} \eta_i` after each step :math:`k = 1..K`.

    ``schedule``: a 1-d array of step sizes :math:`\eta_1..\eta_K`, or an object with
    ``.eta(t)`` (1-based steps) such as ``scalinglaws.validators.processes.linreg.Schedule``
    (then ``n_steps`` or its ``horizon`` gives :math:`K`).

    >>> intrinsic_time([0.5, 0.5, 1.0])
    array([0.5, 1. , 2. ])
    """
    return np.cumsum(_as_steps(schedule, n_steps))


def exp_decay_steps(eta, n_steps, final_ratio=None):
    r"""Exponential decay :math:`\eta_k = \eta\, \rho^{(k-1)/(K-1)}` from ``eta`` to
    ``final_ratio``·``eta`` (default :math:`\rho = 1/K`, Theorem 5.3's data-optimal choice).

    >>> exp_decay_steps(1.0, 3, 0.25)
    array([1.  , 0.5 , 0.25])
    """
    eta = _positive("eta", eta)
    K = int(n_steps)
    if K < 1 or K != n_steps:
        raise DomainError(f"n_steps must be an integer >= 1, got {n_steps!r}")
    rho = 1.0 / K if final_ratio is None else _positive("final_ratio", final_ratio)
    if K == 1:
        return np.array([eta])
    return eta * np.exp(math.log(rho) * np.arange(K) / (K - 1))


def wsd_like_steps(eta, n_steps, decay_fraction, final_ratio=None):
    r"""The paper's WSD-like schedule (eq. 12): ``eta`` for :math:`K_1 = K - K_2` steps, then
    exponential decay to ``final_ratio``·``eta`` over the last :math:`K_2 =
    \mathrm{round}(rK)` steps (default final ratio :math:`1/K`).

    The decay is *exponential*, not linear as in most WSD implementations:
    :math:`\eta_{K_1 + j} = \eta\,\rho^{j/K_2}`, :math:`j = 1..K_2`.

    >>> wsd_like_steps(1.0, 6, 0.5, 0.125)
    array([1.   , 1.   , 1.   , 0.5  , 0.25 , 0.125])
    """
    eta = _positive("eta", eta)
    K = int(n_steps)
    if K < 1 or K != n_steps:
        raise DomainError(f"n_steps must be an integer >= 1, got {n_steps!r}")
    r = float(decay_fraction)
    if not 0.0 <= r <= 1.0:
        raise DomainError(f"decay_fraction must lie in [0, 1], got {decay_fraction!r}")
    rho = 1.0 / K if final_ratio is None else _positive("final_ratio", final_ratio)
    K2 = int(round(r * K))
    out = np.full(K, eta)
    if K2 > 0:
        out[K - K2:] = eta * np.exp(math.log(rho) * np.arange(1, K2 + 1) / K2)
    return out


def _laplace_nodes(p, u_max, h=0.25):
    r"""Nodes and weights of :math:`(1+u)^{-p} = \Gamma(p)^{-1}\int_0^\infty x^{p-1}e^{-x}e^{-xu}dx`.

    Trapezoid rule in :math:`y = \log x`; the integrand is analytic in the strip
    :math:`|\mathrm{Im}\, y| < \pi/2`, so the error is about :math:`e^{-\pi^2/h}` (~1e-17 at
    h = 1/4), plus the cut-offs: :math:`x < e^{-20}/(1+u_{\max})` (relative error
    :math:`\le e^{-20p}/(p\Gamma(p))`) and :math:`x > 40` (:math:`e^{-40}`).
    """
    y_lo = -math.log1p(u_max) - 20.0
    y_hi = math.log(40.0)
    y = np.arange(y_lo, y_hi + h, h)
    x = np.exp(y)
    w = h * np.exp(p * y - x) / math.gamma(p)
    return x, w


def _spectrum(s_, beta_, d, n_exact=1024, width=0.01):
    """lambda_j = j^-beta and lambda_j theta_j^2 = j^-(1 + s beta) for j <= d, binned geometrically."""
    if d <= n_exact:
        j = np.arange(1, d + 1, dtype=float)
        mult = np.ones(d)
    else:
        head = np.arange(1, n_exact + 1, dtype=float)
        edges = np.unique(np.ceil((n_exact + 1) * (1 + width) ** np.arange(
            int(math.log((d + 1) / (n_exact + 1)) / math.log1p(width)) + 2)).astype(np.int64))
        edges = edges[edges <= d + 1]
        if edges[-1] != d + 1:
            edges = np.append(edges, d + 1)
        lo, hi = edges[:-1], edges[1:] - 1
        j = np.concatenate([head, np.sqrt(lo * hi.astype(float))])
        mult = np.concatenate([np.ones(n_exact), (hi - lo + 1).astype(float)])
    lam = j ** (-beta_)
    signal = j ** (-(1.0 + s_ * beta_))
    return lam, signal, mult


def _tail_mass(s_, beta_, M):
    """sum_{j > M} j^-(1 + s beta) (Euler-Maclaurin to O(M^-p-3))."""
    p = 1.0 + s_ * beta_
    return M ** (1.0 - p) / (p - 1.0) - 0.5 * M ** (-p) + p * M ** (-p - 1.0) / 12.0


def fsl(schedule, *, s, beta, M=None, sigma2=1.0, batch=1, kernel="power", n_steps=None,
        d=10**8, n_exact=1024, bin_width=0.01):
    r"""The functional scaling law along a schedule: :math:`F(t_k)` after each step :math:`k`.

    Parameters
    ----------
    schedule : array_like or schedule object
        Step sizes :math:`\eta_1, \dots, \eta_K` (a 1-d array), or an object with ``.eta(t)``
        (e.g. ``linreg.Schedule``; ``n_steps`` or its horizon gives :math:`K`).
    s, beta : float
        Relative difficulty :math:`s > 0` and capacity :math:`\beta > 1`.
    M : int, optional
        Model size. ``None``: :math:`M = \infty` (no approximation term).
    sigma2 : float
        Label-noise variance :math:`\sigma^2 \ge 0`.
    batch : int
        Batch size :math:`B`; the effective rate is :math:`\gamma_k = \eta_k / B`.
    kernel : {"power", "exact", "volterra"}
        ``"power"``: the FSL of Theorem 4.2 with :math:`e(t) = (1+t)^{-s}`,
        :math:`\mathcal K(t) = (1+t)^{-(2-1/\beta)}` (unit constants), plus :math:`M^{-s\beta}`,

        .. math:: F_k = M^{-s\beta} + e(t_k) + \sum_{j \le k} \eta_j \gamma_j\,
           \mathcal K(t_k - t_j)\,[e(t_{j-1}) + \sigma^2].

        ``"exact"``: Theorems 4.3/4.4, the same with the exact sums
        :math:`e_M(t) = \sum_{j\le M}\lambda_j\theta_j^2 e^{-2\lambda_j t}` and
        :math:`\mathcal K_M(t) = \sum_{j\le M}\lambda_j^2 e^{-2\lambda_j t}` for
        :math:`\lambda_j = j^{-\beta}`, :math:`\lambda_j\theta_j^2 = j^{-(1+s\beta)}`, plus the
        approximation tail :math:`\sum_{j>M}\lambda_j\theta_j^2`.
        ``"volterra"``: the solution of :math:`q_k = e_M(t_k) + \sum_{j\le k}\eta_j\gamma_j
        \mathcal K_M(t_k - t_j)(q_{j-1} + \sigma^2)` (the FSL is its first Picard iterate); for
        batch 1 it matches :math:`2\times` the exact expected excess risk of SGD on the
        Gaussian model up to :math:`O((\eta\lambda_1)^2)`.
    n_steps : int, optional
        Steps to take from a schedule object.
    d : int
        Number of features of the exact spectrum when ``M`` is None.
    n_exact, bin_width : int, float
        Spectral binning of the exact forms: indices up to ``n_exact`` one by one, then
        geometric bins of relative width ``bin_width`` (each at its geometric-mean index, with
        its count as multiplicity), so a large ``d`` or ``M`` costs little.

    Returns
    -------
    numpy.ndarray, shape (K,)
        :math:`F` after each step. The theorems say excess risk :math:`\eqsim F`; in the
        units of :mod:`linreg <scalinglaws.validators.processes.linreg>`, ``"exact"`` and
        ``"volterra"`` approximate :math:`2\times` the excess risk.

    Cost: :math:`O(K \cdot n)` with :math:`n` about 120 quadrature nodes (``"power"``: the kernel
    is written as a Laplace integral of exponentials, so the convolution becomes ``n``
    one-step recursions) or the number of spectral bins (``"exact"``, ``"volterra"``); never
    the :math:`O(K^2)` convolution.

    Examples
    --------
    >>> import numpy as np
    >>> eta = np.full(200, 0.05)
    >>> F = fsl(eta, s=0.5, beta=2.5, sigma2=0.0)
    >>> t = np.cumsum(eta)
    >>> brute = [(1 + t[k]) ** -0.5 + sum(eta[j] ** 2 * (1 + t[k] - t[j]) ** -1.6
    ...          * (1 + (t[j - 1] if j else 0.0)) ** -0.5 for j in range(k + 1)) for k in (9, 199)]
    >>> bool(np.allclose(F[[9, 199]], brute, rtol=1e-10))
    True
    >>> fsl(eta, s=0.5, beta=0.5)
    Traceback (most recent call last):
    ...
    scalinglaws.errors.DomainError: beta must be finite and > 1.0, got 0.5
    """
    steps = _as_steps(schedule, n_steps)
    s_ = _positive("s", s)
    beta_ = _positive("beta", beta, 1.0)
    sig = float(sigma2)
    if not (math.isfinite(sig) and sig >= 0):
        raise DomainError(f"sigma2 must be finite and >= 0, got {sigma2!r}")
    if isinstance(batch, bool) or int(batch) != batch or batch < 1:
        raise DomainError(f"batch must be an integer >= 1, got {batch!r}")
    if M is not None and (isinstance(M, bool) or int(M) != M or M < 1):
        raise DomainError(f"M must be an integer >= 1 or None, got {M!r}")
    if kernel not in _KERNELS:
        raise UnknownKeyError("FSL kernel", str(kernel), _KERNELS)
    w_in = steps * steps / int(batch)  # eta_j * gamma_j: dz gamma(z) over step j
    t_k = np.cumsum(steps)
    t_prev = t_k - steps
    out = np.empty(steps.size)

    if kernel == "power":
        p = 2.0 - 1.0 / beta_
        x, w = _laplace_nodes(p, float(t_k[-1]))
        drive = w_in * ((1.0 + t_prev) ** (-s_) + sig)
        acc = np.zeros_like(x)
        last_step, decay = None, None
        for k in range(steps.size):
            if steps[k] != last_step:  # e^{-x eta_k}, recomputed only when the step changes
                last_step, decay = steps[k], np.exp(-x * steps[k])
            acc *= decay
            acc += drive[k]
            out[k] = np.dot(w, acc)
        out += (1.0 + t_k) ** (-s_)
        if M is not None:
            out += float(M) ** (-s_ * beta_)
        return out

    dim = int(M) if M is not None else int(d)
    if int(n_exact) != n_exact or n_exact < 1 or not 0 < float(bin_width) <= 1:
        raise DomainError("n_exact must be an integer >= 1 and bin_width in (0, 1]")
    lam, signal, mult = _spectrum(s_, beta_, dim, int(n_exact), float(bin_width))
    ml2 = mult * lam * lam
    e_M = np.array([np.dot(mult * signal, np.exp(-2.0 * lam * tk)) for tk in t_prev[:1]])
    n = np.zeros_like(lam)
    q_prev = float(e_M[0])  # q at t = 0
    # the directions j > M are never learned: their signal is the approximation error and acts
    # as extra label noise (exact for Gaussian features)
    tail = _tail_mass(s_, beta_, int(M)) if M is not None else 0.0
    sig = sig + tail
    msig = mult * signal
    e_prev = q_prev
    for k in range(steps.size):
        decay = np.exp(-2.0 * lam * steps[k])
        driver = q_prev if kernel == "volterra" else e_prev
        n *= decay
        n += w_in[k] * (driver + sig)
        e_now = float(np.dot(msig, np.exp(-2.0 * lam * t_k[k])))
        q_now = e_now + float(np.dot(ml2, n))
        out[k] = q_now + tail
        q_prev, e_prev = q_now, e_now
    return out
