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

import numpy as np

from scalinglaws.errors import UnknownKeyError

from .methods import _rate_of_map, contraction_rate
from .problem import SpectrumProblem, _check_problem, _real  # noqa: F401 (the examples use it)

__all__ = ["nesterov_matrices", "nesterov_contraction_rate"]


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
    return _rate_of_map(_Maps(M, u), np.asarray(problem.lam, dtype=np.float64),
                        np.asarray(problem.mult, dtype=np.float64), eta, batch, backend,
                        "nesterov_contraction_rate")
