r"""Stochastic Nesterov momentum on Gaussian linear regression: its exact contraction rate.

Nesterov's accelerated gradient (NAG) with a constant step :math:`\eta` and momentum
:math:`\mu`, minibatch gradients of batch :math:`B` with fresh samples,

.. math::

    w_{t+1} = y_t - \eta\, g_t(y_t), \qquad y_{t+1} = w_{t+1} + \mu\,(w_{t+1} - w_t),
    \qquad y_0 = w_0,

takes the gradient at the look-ahead point :math:`y_t`, not at the iterate. In the state
:math:`z = (y_t - w^*, w_t - w^*)` one step is
:math:`z' = M z - \eta\,\hat u\,(\hat H_t z_1)` with

.. math::

    M = \begin{pmatrix} 1+\mu & -\mu \\ 1 & 0 \end{pmatrix}, \qquad
    \hat u = (1 + \mu,\ 1),

so the gradient is taken at the *first* coordinate of the state, as in the memory-1 methods of
:mod:`.methods` (heavy ball has the same :math:`M` and :math:`\hat u = (1, 0)`). Its exact
second-moment map is therefore the memory-1 map of :mod:`.methods` with this
:math:`(M, \hat u)`, and :func:`nesterov_contraction_rate` returns its spectral radius by the
same computation as :func:`~.methods.contraction_rate` (dense eigenvalues for at most 24 stacked
moments, otherwise the largest root of the secular equation; ``backend="numba"`` runs the
compiled kernel of :mod:`._rate`). The per-step contraction of :math:`\mathbb E\,\mathcal L`
is the same whether the loss is read at :math:`y_t` or :math:`w_t` (one map drives both).

This module adds a method without registering it in ``methods._METHODS`` (whose list other
code relies on): it is reached through :func:`nesterov_contraction_rate` only.

>>> p = SpectrumProblem.geometric(20, 100.0)
>>> r_nag = nesterov_contraction_rate(p, 0.5, batch=64, momentum=0.6)
>>> r_sgd = contraction_rate(p, 0.5, batch=64)
>>> bool(r_nag < r_sgd < 1)
True
>>> nesterov_contraction_rate(p, 0.5, batch=64, momentum=0.0) == r_sgd   # mu = 0 is SGD
True
"""

from __future__ import annotations

import math

import numpy as np

from scalinglaws.errors import UnknownKeyError

from .methods import _blocks, contraction_rate
from .problem import SpectrumProblem, _check_problem, _real  # noqa: F401 (the examples use it)

__all__ = ["nesterov_matrices", "nesterov_contraction_rate"]

_DENSE_RATE_MAX = 24


def nesterov_matrices(momentum: float) -> tuple[np.ndarray, np.ndarray]:
    """``(M, u)`` of Nesterov momentum in the state (look-ahead, iterate); see the module doc.

    >>> M, u = nesterov_matrices(0.5)
    >>> M.tolist(), u.tolist()
    ([[1.5, -0.5], [1.0, 0.0]], [1.5, 1.0])
    """
    mu = _real("momentum", momentum, ge=0, lt=1)
    return np.array([[1.0 + mu, -mu], [1.0, 0.0]]), np.array([1.0 + mu, 1.0])


class _Maps:
    """The (M, u) pair in the form :func:`.methods._blocks` reads."""

    def __init__(self, M, u):
        self.mean_M, self.mean_u = M, u


def nesterov_contraction_rate(problem, eta, batch=1, momentum=0.9, backend="numpy") -> float:
    r"""Per-step contraction factor :math:`\rho` of the expected loss of stochastic Nesterov
    momentum at constant step ``eta`` and momentum ``momentum`` (the spectral radius of the
    exact second-moment map; :math:`-1/\ln\rho` steps per e-fold). A value :math:`\ge 1` means
    the loss does not contract. ``momentum = 0`` is SGD.
    """
    _check_problem(problem)
    eta = _real("eta", eta, gt=0)
    batch = _real("batch", batch, gt=0)
    M, u = nesterov_matrices(momentum)
    if momentum == 0:  # SGD exactly: the 1x1 map, not a 3x3 map with a spurious zero mode
        return contraction_rate(problem, eta, batch, backend=backend)
    if backend not in ("numpy", "numba"):
        raise UnknownKeyError("contraction_rate backend", str(backend), ("numpy", "numba"))
    lam = np.asarray(problem.lam, dtype=np.float64)
    mult = np.asarray(problem.mult, dtype=np.float64)
    if backend == "numba":
        from ._rate import rate_numba

        rate, status = rate_numba(lam, mult, batch, M, u, eta)
        if status == 3:
            raise ArithmeticError("nesterov_contraction_rate: Brent's method did not converge")
        return rate
    D, c = _blocks(_Maps(M, u), lam, eta, batch)
    n, k = lam.size, 3
    if n * k <= _DENSE_RATE_MAX:
        big = np.zeros((n * k, n * k))
        for i in range(n):
            big[i * k:(i + 1) * k, i * k:(i + 1) * k] = D[i]
        coupling = mult * lam / batch
        big[:, ::k] += np.kron(lam[:, None], c[:, None]).reshape(n * k, 1) * coupling[None, :]
        with np.errstate(all="ignore"):
            ev = np.linalg.eigvals(big)
        rho = float(np.max(np.abs(ev)))
        return rho if math.isfinite(rho) else math.inf
    ml2 = mult * lam * lam / batch
    with np.errstate(all="ignore"):
        ev = np.linalg.eigvals(D)
    rho0 = float(np.max(np.abs(ev)))
    if not math.isfinite(rho0):
        return math.inf
    d00, d01, d02 = D[:, 0, 0], D[:, 0, 1], D[:, 0, 2]
    d10, d11, d12 = D[:, 1, 0], D[:, 1, 1], D[:, 1, 2]
    d20, d21, d22 = D[:, 2, 0], D[:, 2, 1], D[:, 2, 2]
    c0, c1, c2 = c.tolist()

    def f(z):
        m11, m22 = z - d11, z - d22
        C00 = m11 * m22 - d12 * d21
        C10 = d01 * m22 + d02 * d21
        C20 = d01 * d12 + d02 * m11
        det = (z - d00) * C00 - d10 * C10 - d20 * C20
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.sum(ml2 * (c0 * C00 + c1 * C10 + c2 * C20) / det))

    from scipy.optimize import brentq

    def root(a, b):
        return float(brentq(lambda z: 1.0 / f(z) - 1.0, a, b, xtol=1e-16,
                            rtol=4 * np.finfo(float).eps, maxiter=500))

    lo = rho0 + 1e-9 * max(rho0, 1e-300)
    flo = f(lo)
    if flo < 0.0:  # rho0 computed low (non-normal block): step right of the pole
        prev, offset, fc = lo, 1e-9, flo
        for _ in range(40):
            offset *= 4.0
            cand = rho0 + offset * max(rho0, 1e-300)
            fc = f(cand)
            if not fc < 0.0:
                break
            prev = cand
        if not fc >= 0.0:
            raise ArithmeticError("nesterov_contraction_rate: no bracket above the blocks' radius")
        if fc <= 1.0:
            return root(prev, cand)
        lo = cand
    elif flo <= 1.0:
        return rho0
    hi = 1.0 if lo < 1.0 else 2.0 * lo
    while f(hi) > 1.0:
        hi *= 2.0
        if hi > 1e300:
            return math.inf
    return root(lo, hi)
