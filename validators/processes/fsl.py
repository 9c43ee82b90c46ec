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

:func:`fsl_end` is the FSL of Theorem 4.2 in *continuous* intrinsic time, at the end of the
schedules of Section 5 (constant, then decaying linearly in intrinsic time, which is what an
exponential decay in steps is), by Gauss-Legendre quadrature on panels graded towards both ends
of each phase: O(log T) work whatever the horizon, so the asymptotic scaling relations can be
followed to any data size (:func:`schedule_times` gives the phases of a schedule of ``K``
steps).

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

__all__ = ["exp_decay_steps", "fsl", "fsl_end", "intrinsic_time", "schedule_times",
           "spectral_sums", "wsd_like_steps"]


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


def _noise(sigma2, batch) -> float:
    """Validate the label-noise variance (finite, >= 0) and the batch size (an integer >= 1);
    return sigma2 as a float."""
    sig = float(sigma2)
    if not (math.isfinite(sig) and sig >= 0):
        raise DomainError(f"sigma2 must be finite and >= 0, got {sigma2!r}")
    if isinstance(batch, bool) or int(batch) != batch or batch < 1:
        raise DomainError(f"batch must be an integer >= 1, got {batch!r}")
    return sig


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


def spectral_sums(t, *, s, beta, M=None, d=10**8, n_exact=1024, bin_width=0.01):
    r"""The exact sums of Theorems 4.3/4.4 at intrinsic times ``t``:
    :math:`e_M(t) = \sum_{j\le M}\lambda_j\theta_j^2 e^{-2\lambda_j t}` and
    :math:`\mathcal K_M(t) = \sum_{j\le M}\lambda_j^2 e^{-2\lambda_j t}` for
    :math:`\lambda_j = j^{-\beta}`, :math:`\lambda_j\theta_j^2 = j^{-(1+s\beta)}` (``M=None``:
    the first ``d`` features, spectrally binned as in :func:`fsl`). Returns ``(e, K)``, arrays
    shaped like ``t``.

    >>> e, K = spectral_sums([0.0], s=1.0, beta=2.0, M=3)
    >>> float(e[0]) == 1 + 2.0**-3 + 3.0**-3, float(K[0]) == 1 + 2.0**-4 + 3.0**-4
    (True, True)
    """
    s_ = _positive("s", s)
    beta_ = _positive("beta", beta, 1.0)
    tt = np.asarray(t, dtype=float)
    if np.any(~np.isfinite(tt)) or np.any(tt < 0):
        raise DomainError("intrinsic times must be finite and >= 0")
    dim = int(M) if M is not None else int(d)
    lam, signal, mult = _spectrum(s_, beta_, dim, int(n_exact), float(bin_width))
    decay = np.exp(-2.0 * np.multiply.outer(tt.ravel(), lam))
    e = decay @ (mult * signal)
    K = decay @ (mult * lam * lam)
    return e.reshape(tt.shape), K.reshape(tt.shape)


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
    sig = _noise(sigma2, batch)
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
    signal_t = msig.copy()  # lambda_j theta_j^2 e^(-2 lambda_j t_k), updated step by step
    last_step, decay = None, None
    for k in range(steps.size):
        if steps[k] != last_step:  # e^(-2 lambda eta_k), recomputed only when the step changes
            last_step, decay = steps[k], np.exp(-2.0 * lam * steps[k])
        driver = q_prev if kernel == "volterra" else e_prev
        n *= decay
        n += w_in[k] * (driver + sig)
        signal_t *= decay
        e_now = float(signal_t.sum())
        q_now = e_now + float(np.dot(ml2, n))
        out[k] = q_now + tail
        q_prev, e_prev = q_now, e_now
    return out


# --------------------------------------------------------------------- continuous intrinsic time

_GL_X, _GL_W = np.polynomial.legendre.leggauss(16)
#: Width of a quadrature panel in w = ln(1 + u), u the distance to a phase end. In w the powers
#: (1 + u)^-p are entire and (1 + z)^-s is analytic in a strip of half-width pi, so 16-point
#: Gauss-Legendre on panels of width 3 converges like 4.4^-32 inside a phase; the panel next to
#: the phase's midpoint sees the other end's kernel singularity ln 2 beyond its edge
#: (2.5^-32 ~ 1e-13).
_PANEL_WIDTH = 3.0


def schedule_times(kind, eta, n_steps, decay_fraction=None, final_ratio=None):
    r"""The phases of a Section-5 schedule of ``n_steps`` steps in continuous intrinsic time.

    Returns ``(T_stable, T_decay, eta_end)``: the schedule holds ``eta`` for intrinsic time
    ``T_stable``, then decays exponentially in steps to ``eta_end = final_ratio * eta`` (default
    :math:`\eta/K`), which is *linear* in intrinsic time over ``T_decay``:
    :math:`\eta(\tau) = \eta e^{-\lambda\tau}` gives :math:`t = (\eta - \eta(\tau))/\lambda`.
    ``kind``: ``"constant"`` (:math:`T = \eta K`), ``"exp_decay"`` (Theorem 5.3,
    :math:`T = (\eta - \eta_{\min})K/\log(\eta/\eta_{\min})`) or ``"wsd_like"`` (Theorem 5.4,
    eq. 12: :math:`T_1 = \eta(1 - r)K`,
    :math:`T_2 = (\eta - \eta_{\min})rK/\log(\eta/\eta_{\min})`).
    ``eta``, ``n_steps`` and ``decay_fraction`` broadcast; ``n_steps`` may be any real > 1 (the
    continuous schedule).

    >>> [round(float(v), 6) for v in schedule_times("exp_decay", 1.0, 100)]
    [0.0, 21.497577, 0.01]
    """
    eta = np.asarray(eta, dtype=float)
    K = np.asarray(n_steps, dtype=float)
    if np.any(~(eta > 0)) or np.any(~(K > 1)):
        raise DomainError("schedule_times needs eta > 0 and n_steps > 1")
    if kind == "constant":
        T = eta * K
        return T, np.zeros_like(T), eta + np.zeros_like(T)
    if kind not in ("exp_decay", "wsd_like"):
        raise UnknownKeyError("schedule kind", str(kind), ("constant", "exp_decay", "wsd_like"))
    rho = 1.0 / K if final_ratio is None else np.asarray(final_ratio, dtype=float)
    if np.any(~(rho > 0)) or np.any(~(rho < 1)):
        raise DomainError("final_ratio must lie in (0, 1)")
    eta_end = eta * rho
    if kind == "exp_decay":
        T2 = eta * (1.0 - rho) * K / -np.log(rho)
        return np.zeros_like(T2), T2, eta_end + np.zeros_like(T2)
    r = np.asarray(decay_fraction, dtype=float)
    if np.any(~(r > 0)) or np.any(~(r <= 1)):
        raise DomainError("decay_fraction must lie in (0, 1]")
    T1 = eta * (1.0 - r) * K
    T2 = eta * (1.0 - rho) * r * K / -np.log(rho)
    return T1 + np.zeros_like(T2), T2 + np.zeros_like(T1), eta_end + np.zeros_like(T1 + T2)


def _graded_nodes(length, panels):
    """Distances u in [0, length/2] from a phase end and their weights: ``panels`` panels of
    equal width in w = ln(1 + u), 16 Gauss-Legendre nodes per panel in w (du = e^w dw)."""
    w_max = np.log1p(0.5 * length)
    width = (w_max / panels)[:, None, None]
    w = (np.arange(panels)[None, :, None] + (_GL_X + 1.0)[None, None, :] / 2.0) * width
    u = np.expm1(w).reshape(length.size, -1)
    wt = (width / 2.0 * _GL_W * np.exp(w)).reshape(length.size, -1)
    return u, wt


def fsl_end(eta, T_stable, T_decay, eta_end, *, s, beta, sigma2=1.0, M=None, batch=1):
    r"""The FSL of Theorem 4.2 at the end of a constant-then-decaying schedule, in continuous time.

    .. math::

        F = M^{-s\beta} + (1+T)^{-s} + \int_0^T (1+T-z)^{-(2-1/\beta)}
            \bigl[(1+z)^{-s} + \sigma^2\bigr]\,\gamma(z)\,dz,\qquad T = T_1 + T_2,

    with :math:`\gamma = \eta/B` on :math:`[0, T_1]` and falling linearly from :math:`\eta/B` to
    :math:`\eta_{\rm end}/B` on :math:`[T_1, T]` (:func:`schedule_times`). Unit constants, as in
    ``fsl(kernel="power")``, of which this is the continuous-time limit (the sum over steps is a
    Riemann sum of the integral). The integral is split at the phase boundary and each phase is
    integrated by 16-point Gauss-Legendre in :math:`w = \ln(1 + u)`, :math:`u` the distance
    to the nearer end (relative error ~1e-13 at any :math:`T`, tested against mpmath); distances
    to the ends are computed directly, never as differences of large times.

    All of ``eta, T_stable, T_decay, eta_end`` (and ``M``) broadcast; returns an array of
    their broadcast shape (flattened to 1-d). ``M=None``: :math:`M = \infty`.

    >>> import numpy as np
    >>> T = 50.0
    >>> F = fsl_end(0.001, T, 0.0, 0.001, s=0.5, beta=2.0)[0]
    >>> fine = fsl(np.full(50000, 0.001), s=0.5, beta=2.0)[-1]  # 50000 steps of 0.001
    >>> bool(abs(F / fine - 1) < 1e-4)
    True
    """
    s_ = _positive("s", s)
    beta_ = _positive("beta", beta, 1.0)
    sig = _noise(sigma2, batch)
    arrays = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, dtype=float)).ravel()
                                   for v in (eta, T_stable, T_decay, eta_end)))
    eta_, T1, T2, e_end = (a.astype(float, copy=True) for a in arrays)
    if (np.any(~np.isfinite(T1 + T2 + eta_ + e_end)) or np.any(T1 < 0) or np.any(T2 < 0)
            or np.any(eta_ < 0) or np.any(e_end < 0)):
        raise DomainError("fsl_end needs finite eta, eta_end >= 0 and phase lengths >= 0")
    p = 2.0 - 1.0 / beta_
    T = T1 + T2
    out = (1.0 + T) ** (-s_)
    panels = max(1, math.ceil(math.log1p(0.5 * float(max(T1.max(), T2.max()))) / _PANEL_WIDTH))
    g_hi, g_lo = eta_ / batch, e_end / batch
    zero = np.zeros_like(T)
    # (start, length, time after the phase's end, rate at its start, rate at its end)
    for start, length, after, g0, g1 in ((zero, T1, T2, g_hi, g_hi), (T1, T2, zero, g_hi, g_lo)):
        if not np.any(length > 0):
            continue
        u, wt = _graded_nodes(length, panels)
        frac = u / np.where(length > 0, length, 1.0)[:, None]
        for near_start in (True, False):
            if near_start:  # distance u from the phase's start
                z = start[:, None] + u
                to_end = (after + length)[:, None] - u
                g = g0[:, None] + (g1 - g0)[:, None] * frac
            else:  # distance u from the phase's end
                z = (start + length)[:, None] - u
                to_end = after[:, None] + u
                g = g1[:, None] + (g0 - g1)[:, None] * frac
            f = (1.0 + to_end) ** (-p) * ((1.0 + z) ** (-s_) + sig) * g
            out = out + np.sum(f * wt, axis=1)
    if M is not None:
        M_ = np.asarray(M, dtype=float)
        if np.any(~(M_ >= 1)):
            raise DomainError("M must be >= 1")
        out = out + M_.ravel() ** (-s_ * beta_)
    return out
