r"""The full SGD loss curve of power-law random features from the continuum (asymptotic) Volterra terms.

Model: the power-law random-features (PLRF) problem of Paquette, Paquette, Xiao, Pennington
(arXiv 2405.15074; laws in :mod:`scalinglaws.papers.plrf_phases`), one-pass SGD with step
:math:`\gamma` on the batch-averaged loss and batch :math:`B` (the laws, like the authors' code,
write the step on the batch-summed loss, :math:`\gamma/B` here; they agree at :math:`B = 1`),
risk :math:`P = \tfrac12\mathbb E(\cdot)^2`. The loss solves
the convolution Volterra equation

.. math:: P(r) = F(r) + \int_0^r K(r-s)\,P(s)\,ds, \qquad
          F(r) = F_0 + F_{pp}(r) + F_{ac}(r), \qquad
          K(r) = \frac{\gamma^2}{B}\int x^{-4\alpha} e^{L(x) r}\,dx,

with :math:`L(x) = a(x) - 1`, :math:`a(x) = (1-\gamma x^{-2\alpha})^2 + \gamma^2 x^{-4\alpha}/B`
the per-step contraction of mode :math:`x` (eigenvalue :math:`x^{-2\alpha}`; continuized SGD, the
time convention of the authors' ODE and of
:mod:`~scalinglaws.validators.processes.powerlaw_ode`), and the forcings

.. math:: F_{pp}(r) = \tfrac12\int x^{-2\alpha-2\beta} e^{L(x) r}dx, \qquad
          F_{ac}(r) = \tfrac12\, w\int x^{-2\alpha} e^{L(x) r}dx ,

the integrals over the continuum of modes :math:`x \in [N+\tfrac12, d+\tfrac12]` plus the first
:math:`N` (:data:`N_EXACT`) modes as they are (the sums over :math:`j \le d` of the deterministic
equivalent replaced by their integrals beyond the head: the asymptotic forms, which for :math:`1 \ll \gamma r \ll d^{2\alpha}` are the paper's power laws with their
Gamma constants, :func:`asymptotic_terms`). :math:`w` is the absolutely-continuous weight
(:math:`\zeta(2\beta)/d` for :math:`2\beta > 1`) and :math:`F_0` the capacity level, from the
continuum form of the degrees-of-freedom fixed point (:func:`capacity_level`).

:func:`plrf_curve` solves the Volterra equation without the :math:`O(n^2)` convolution: the
kernel is a sum of exponentials over the quadrature nodes of the mode integral, so the
convolution is one linear recursion per node, integrated on a geometric grid in :math:`r` by an
exponential integrator with :math:`P` linear on each step (the equation is linear in the new
:math:`P`, solved exactly each step): :math:`O(n_\text{nodes})` work per step, a curve to
:math:`10^{10}` iterations in about 1500 steps. The curve it returns is the PLRF analogue of
:func:`scalinglaws.validators.processes.fsl.fsl` and matches the deterministic equivalent of
:mod:`~scalinglaws.validators.processes.powerlaw_ode` up to the continuum approximation of the
sums (a few per cent; ``tests/test_plrf_phases.py``).

:func:`loss_terms` is the closed-form reading of the paper's four-term statement
:math:`P(r) \asymp F_0 + F_{pp}(r) + F_{ac}(r) + \frac{\gamma^2 B}{1-\|K\|}K_{pp}(r)\,I`
(with our normalisation :math:`I = \int_0^\infty F_{pp} \approx \sum_j j^{-2\beta}/(4\gamma)`
made explicit: the noise is the kernel times the forcing it convolves; registered, divided by
:math:`1-\|K\|`, as the laws ``plrf_phases.loss_curve`` and ``plrf_phases.loss_curve_Ia``).

>>> import numpy as np
>>> from scalinglaws.validators.processes import plrf_curve as C
>>> c = C.plrf_curve(1.0, 0.6, 400, 1e6)
>>> bool(np.all(np.diff(c.risk) <= 1e-12))   # decreasing
True
>>> bool(abs(c.risk[-1] * (1 - c.knorm) / c.floor - 1) < 0.02)   # P(oo) = F_0/(1 - ||K||)
True
>>> t = C.asymptotic_terms(1.0, 0.6, 400, [1e3], c.gamma)
>>> sorted(t)
['F_0', 'F_ac', 'F_pp', 'K', 'noise']
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np

from scalinglaws.errors import DomainError

from .linreg.problem import _int, _real

__all__ = ["default_step", "capacity_level", "forcing_ac", "asymptotic_terms", "loss_terms",
           "kernel_norm", "PLRFCurve", "plrf_curve"]


def _check(alpha, beta, d):
    alpha = _real("alpha", alpha, gt=0)
    beta = _real("beta", beta)
    if not 2 * (alpha + beta) > 1:
        raise DomainError(f"2*(alpha+beta) > 1 is required, got alpha={alpha}, beta={beta}")
    return alpha, beta, _int("d", d, ge=1)


def default_step(alpha, d, v_ratio=4.0, c=0.375) -> float:
    r"""The authors' default step :math:`c/\operatorname{tr}K`, :math:`\operatorname{tr}K =
    \sum_{j \le v} j^{-2\alpha}`, :math:`v = \lceil v_\text{ratio} d\rceil` (the step of
    :func:`scalinglaws.validators.processes.powerlaw_ode.sgd`).

    >>> round(default_step(1.0, 100), 4)
    0.2283
    """
    alpha = _real("alpha", alpha, gt=0)
    v = int(math.ceil(_real("v_ratio", v_ratio, gt=1) * _int("d", d, ge=1)))
    return float(c) / float(np.sum(np.arange(1, v + 1, dtype=float) ** (-2 * alpha)))


def forcing_ac(alpha, beta, d, r, gamma, batch=1) -> np.ndarray:
    r"""The exact finite sum :math:`F_{ac}(r) = \tfrac12 w_d \sum_{j\le d} \lambda_j a_j^r` with the
    weight :math:`w_d = d^{-1}\sum_{k \le d} k^{-2\beta}` ON for every :math:`\alpha` (the
    deterministic equivalent's theory inputs drop it below :math:`2\alpha = 1`), spectrum
    :math:`\lambda_j = j^{-2\alpha}`, :math:`a_j = (1-\gamma\lambda_j)^2 + \gamma^2\lambda_j^2/B`.
    Needs :math:`2\beta > 1`.

    >>> v = forcing_ac(0.3, 1.0, 1000, [1.0, 10.0], 0.01)
    >>> bool(v[1] < v[0])
    True
    """
    alpha, beta, d = _check(alpha, beta, d)
    if not 2 * beta > 1:
        raise DomainError(f"F_ac needs 2 beta > 1, got beta={beta}")
    gamma = _real("gamma", gamma, gt=0)
    batch = _int("batch", batch, ge=1)
    r = np.atleast_1d(np.asarray(r, dtype=float))
    j = np.arange(1, d + 1, dtype=float)
    lam = j ** (-2 * alpha)
    if not gamma * lam[0] < 1:
        raise DomainError("gamma * lambda_1 must be < 1")
    weight = float(np.sum(j ** (-2 * beta))) / d
    log_a = np.log1p(-2 * gamma * lam + gamma**2 * lam**2 * (1.0 + 1.0 / batch))
    return np.array([0.5 * weight * float(np.sum(lam * np.exp(rr * log_a))) for rr in r])


@functools.lru_cache(maxsize=8)
def _leggauss(n: int):
    return np.polynomial.legendre.leggauss(n)


#: Modes j <= N_EXACT are kept discrete (weight 1 each); the continuum starts at N_EXACT + 1/2.
N_EXACT = 32


def _nodes(lo: float, hi: float, n: int, n_exact: int = N_EXACT):
    """Nodes and weights for sum_{j <= hi - 1/2} g(j): the first ``n_exact`` modes exactly, the
    rest as int g(x) dx over [n_exact + 1/2, hi] by Gauss-Legendre in u = ln x."""
    m = int(min(n_exact, math.floor(hi - 0.5)))
    xs = [np.arange(1, m + 1, dtype=float)]
    ws = [np.ones(m)]
    lo = max(lo, m + 0.5)
    if hi > lo:
        u, w = _leggauss(int(n))
        a, b = math.log(lo), math.log(hi)
        x = np.exp(0.5 * (b - a) * u + 0.5 * (b + a))
        xs.append(x)
        ws.append(0.5 * (b - a) * w * x)
    return np.concatenate(xs), np.concatenate(ws)


def capacity_level(alpha, beta, d, v_ratio=4.0, n_nodes=160) -> float:
    r"""Continuum form of the capacity level :math:`F_0(d)`:
    :math:`F_0 = \tfrac12\int x^{-2\alpha-2\beta}\kappa/(x^{-2\alpha}+\kappa)\,dx` with
    :math:`d = \int x^{-2\alpha}/(x^{-2\alpha}+\kappa)\,dx`, both over
    :math:`x \in [\tfrac12, v+\tfrac12]`, :math:`v = \lceil v_\text{ratio} d\rceil`.

    >>> f0 = capacity_level(1.0, 0.4, 100); f1 = capacity_level(1.0, 0.4, 200)
    >>> bool(0.2 < f1 / f0 < 0.35)    # F_0 ~ d^-1.8: ratio 2^-1.8 = 0.29
    True
    """
    alpha, beta, d = _check(alpha, beta, d)
    v = int(math.ceil(_real("v_ratio", v_ratio, gt=1) * d))
    x, w = _nodes(0.5, v + 0.5, n_nodes)
    lam = x ** (-2 * alpha)
    target = x ** (-2 * alpha - 2 * beta)

    def dof(log_k):
        return float(np.sum(w * lam / (lam + math.exp(log_k)))) - d

    lo, hi = math.log(lam.min()) - 60.0, math.log(lam.max()) + 60.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if not lo < mid < hi:
            break
        if dof(mid) > 0:
            lo = mid
        else:
            hi = mid
    k = math.exp(0.5 * (lo + hi))
    return 0.5 * float(np.sum(w * target * k / (lam + k)))


def _ac_weight(alpha, beta, d, ac):
    """The absolutely-continuous weight: ``ac`` None (as the theory inputs: on for 2b > 1 and
    2a > 1), False, True (the asymptotic zeta(2b)/d) or "finite" (d^-1 sum_{k<=d} k^-2b, the
    deterministic equivalent's; the two differ by the crossover d^-(2b-1))."""
    if ac is None:
        ac = 2 * beta > 1 and 2 * alpha > 1  # the deterministic equivalent's theory inputs
    if not ac:
        return 0.0
    if not 2 * beta > 1:
        raise DomainError("the absolutely-continuous weight needs 2 beta > 1")
    if ac == "finite":
        return float(np.sum(np.arange(1, d + 1, dtype=float) ** (-2 * beta))) / d
    from scipy.special import zeta

    return float(zeta(2 * beta)) / d


def kernel_norm(alpha, d, gamma, batch=1) -> float:
    r""":math:`\|K\| = \sum_{r\ge1} K(r) = \frac{\gamma}{B}\sum_{j\le d}
    \frac{\lambda_j}{2 - \gamma\lambda_j(1+1/B)}` on the spectrum :math:`j^{-2\alpha}`, :math:`j\le d`
    (stability needs :math:`\|K\| < 1`).

    >>> bool(kernel_norm(1.0, 100, default_step(1.0, 100)) < 1)
    True
    """
    lam = np.arange(1, _int("d", d, ge=1) + 1, dtype=float) ** (-2 * _real("alpha", alpha, gt=0))
    b = _int("batch", batch, ge=1)
    return float(gamma / b * np.sum(lam / (2 - gamma * lam * (1 + 1 / b))))


def asymptotic_terms(alpha, beta, d, r, gamma, batch=1, v_ratio=4.0) -> dict:
    r"""The paper's asymptotic forms of the Volterra terms at iterations ``r`` (risk
    :math:`\tfrac12\mathbb E(\cdot)^2`, :math:`c = 2\gamma r`, :math:`\gamma` the step on the
    batch-averaged loss): :math:`F_{pp} =
    \frac{1}{4\alpha}\Gamma(1+\frac{2\beta-1}{2\alpha})c^{-(2\alpha+2\beta-1)/(2\alpha)}`,
    :math:`F_{ac} = \frac{\zeta(2\beta)}{4\alpha d}\Gamma(1-\frac{1}{2\alpha})c^{-(1-1/(2\alpha))}`
    (:math:`2\beta > 1,\ 2\alpha > 1`; else 0), the kernel :math:`K = \frac{\gamma^2}{B}
    \frac{1}{2\alpha}\Gamma(2-\frac1{2\alpha})c^{-(2-1/(2\alpha))}` (:math:`4\alpha > 1`), the
    capacity level :math:`F_0` (:func:`capacity_level`) and the noise term
    :math:`K(r)\,I/(1-\|K\|)`, :math:`I = \sum_{j\le d}j^{-2\beta}/(4\gamma)` (the integral of
    :math:`F_{pp}`; the absolutely-continuous part's integral saturates only at
    :math:`\gamma r \sim d^{2\alpha}`, beyond the window; :math:`2\beta > 1`, else 0). The laws
    ``plrf_phases.loss_curve`` (:math:`2\beta > 1`) and ``plrf_phases.loss_curve_Ia``
    (:math:`2\beta < 1`) are :func:`loss_terms` divided by :math:`1 - \|K\|` (with
    :math:`\zeta(2\beta)` for the finite sums), the laws' step being the step on the
    batch-summed loss: the laws at :math:`(\gamma, B)` are these terms at
    :math:`(\gamma B, B)` (tested for :math:`B = 1, 4`). Valid for
    :math:`1 \ll \gamma r \ll d^{2\alpha}`."""
    from scipy.special import gamma as G, zeta

    alpha, beta, d = _check(alpha, beta, d)
    r = np.atleast_1d(np.asarray(r, dtype=float))
    c = 2 * gamma * r  # a mode x^-2a decays like exp(-c x^-2a): the batch enters the noise only
    fpp = G(1 + (2 * beta - 1) / (2 * alpha)) / (4 * alpha) * c ** (-(2 * alpha + 2 * beta - 1) / (2 * alpha))
    if 2 * beta > 1 and 2 * alpha > 1:
        fac = float(zeta(2 * beta)) * G(1 - 1 / (2 * alpha)) / (4 * alpha * d) * c ** (-(1 - 1 / (2 * alpha)))
    else:
        fac = np.zeros_like(r)
    if 4 * alpha > 1:
        kern = gamma**2 / batch * G(2 - 1 / (2 * alpha)) / (2 * alpha) * c ** (-(2 - 1 / (2 * alpha)))
    else:
        kern = np.full_like(r, np.nan)
    if 2 * beta > 1:
        # int_0^oo F_pp: the ac part's integral saturates only at gamma r ~ d^(2 alpha)
        integral = float(np.sum(np.arange(1, d + 1, dtype=float) ** (-2 * beta))) / (4 * gamma)
        noise = kern * integral / (1 - kernel_norm(alpha, d, gamma, batch))
    else:
        noise = np.zeros_like(r)
    return {"F_0": capacity_level(alpha, beta, d, v_ratio), "F_pp": fpp, "F_ac": fac,
            "K": kern, "noise": noise}


def loss_terms(alpha, beta, d, r, gamma, batch=1, v_ratio=4.0) -> np.ndarray:
    r"""The four-term reading :math:`F_0 + F_{pp} + F_{ac} + \text{noise}` of
    :func:`asymptotic_terms` (valid for :math:`1 \ll \gamma r`; no cutoff at :math:`d^{2\alpha}`,
    where the terms are below :math:`F_0` anyway)."""
    t = asymptotic_terms(alpha, beta, d, r, gamma, batch, v_ratio)
    return t["F_0"] + t["F_pp"] + t["F_ac"] + np.nan_to_num(t["noise"])


@dataclasses.dataclass(frozen=True)
class PLRFCurve:
    """A loss curve of :func:`plrf_curve`: iterations ``r`` (0 first), ``risk`` P(r), the capacity
    level ``floor`` (F_0), the step ``gamma``, ``batch`` and the kernel norm ``knorm``."""

    r: np.ndarray
    risk: np.ndarray
    floor: float
    gamma: float
    batch: int
    knorm: float

    def at(self, r) -> np.ndarray:
        """P at iterations ``r`` (log-log interpolation; r >= 1)."""
        r = np.asarray(r, dtype=float)
        return np.exp(np.interp(np.log(r), np.log(self.r[1:]), np.log(self.risk[1:])))


def plrf_curve(alpha, beta, d, r_max, gamma=None, batch=1, *, v_ratio=4.0, ac=None,
               n_nodes=160, ratio=1.02, floor=None) -> PLRFCurve:
    r"""The SGD loss curve :math:`P(r)`, :math:`0 \le r \le r_\text{max}`, solving the Volterra
    equation :math:`P = F + K * P` from the continuum (asymptotic) forcing and kernel (module
    docstring).

    Parameters
    ----------
    alpha, beta : float
        Data and target exponents, :math:`2(\alpha+\beta) > 1`.
    d : int
        Number of parameters (modes :math:`x \in [\tfrac12, d+\tfrac12]`).
    r_max : float
        Last iteration.
    gamma : float, optional
        Step on the batch-averaged loss; default :func:`default_step` (the authors'
        :math:`0.375/\operatorname{tr}K`). The ``plrf_phases`` laws write the step on the
        batch-summed loss, :math:`\gamma/B` in this convention.
    batch : int
        Batch size :math:`B`.
    v_ratio : float
        Hidden dimension :math:`v/d` (enters :math:`F_0` and the default step).
    ac : bool or "finite", optional
        Include the absolutely-continuous forcing with the asymptotic weight
        :math:`\zeta(2\beta)/d` (True) or the finite one :math:`d^{-1}\sum_{k\le d}k^{-2\beta}`
        (``"finite"``, the deterministic equivalent's; they differ by the finite-size crossover
        :math:`d^{-(2\beta-1)}`, law ``plrf_phases.ac_weight_correction``); default (None): on
        with the asymptotic weight where the theory inputs have it (:math:`2\beta>1`,
        :math:`2\alpha>1`).
    n_nodes : int
        Gauss-Legendre nodes of the mode integral (in :math:`\ln x`).
    ratio : float
        Growth factor of the time grid after its first 32 unit steps.
    floor : float, optional
        :math:`F_0`; default :func:`capacity_level`.
    """
    alpha, beta, d = _check(alpha, beta, d)
    batch = _int("batch", batch, ge=1)
    r_max = _real("r_max", r_max, gt=0)
    gamma = default_step(alpha, d, v_ratio) if gamma is None else _real("gamma", gamma, gt=0)
    if not gamma * 0.5 ** (-2 * alpha) < 1 and not gamma < 1:
        raise DomainError("gamma * lambda_max must be < 1")
    x, w = _nodes(0.5, d + 0.5, int(n_nodes))
    lam = x ** (-2 * alpha)
    L = -2 * gamma * lam + gamma**2 * lam**2 * (1.0 + 1.0 / batch)  # a(x) - 1 (continuized)
    if not np.all(np.isfinite(L)) or np.any(L >= 0):
        raise DomainError("the step is unstable for some mode (a(x) >= 1)")
    rho0 = x ** (-2 * beta) + _ac_weight(alpha, beta, d, ac)
    F0 = capacity_level(alpha, beta, d, v_ratio) if floor is None else float(floor)
    knorm = float(np.sum(w * (gamma**2 / batch) * lam**2 / (-L)))  # continuum ||K||
    # grid: unit steps, then geometric
    head = np.arange(0.0, min(32.0, r_max) + 1.0)
    grid = [float(v) for v in head]
    while grid[-1] < r_max:
        grid.append(min(r_max, grid[-1] * ratio))
    t = np.array(grid)
    s = rho0.copy()  # E e_x^2 per mode
    coup = 0.5 * w * lam  # P = F0 + sum coup * s
    noise = (gamma**2 / batch) * lam * 2.0  # ds = L s + noise * P
    P = np.empty(t.size)
    P[0] = F0 + float(np.sum(coup * s))
    for n in range(1, t.size):
        h = t[n] - t[n - 1]
        e = np.exp(L * h)
        phi1 = np.expm1(L * h) / L
        phi2 = (np.expm1(L * h) - L * h) / (L * L * h)
        # s_new = e s + noise [P_old (phi1 - phi2) + P_new phi2]
        base = e * s + noise * P[n - 1] * (phi1 - phi2)
        slope = noise * phi2
        P[n] = (F0 + float(np.sum(coup * base))) / (1.0 - float(np.sum(coup * slope)))
        s = base + slope * P[n]
    return PLRFCurve(t, P, F0, float(gamma), batch, knorm)
