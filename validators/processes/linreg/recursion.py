r"""The exact expected-risk recursion (the package docstring's equations), numpy driver.

:func:`expected_risk` runs the diagonal second-moment recursion of a method
(:mod:`.methods`) for any schedule and averaging, on numpy (:func:`_run_numpy`, vectorised over
coordinates and over several schedules at once) or numba (the method's ``numba_runner``, see
:mod:`._kernels`), and returns a :class:`RiskCurve`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scalinglaws.errors import DomainError, ParameterError

from ..backend import get_backend, require_backend
from .methods import _configured
from .problem import _check_problem, _int
from .schedules import Schedule, _checkpoints, _step_sizes, averaging_weights

__all__ = ["RiskCurve", "expected_risk"]


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
        ``"numba"`` runs one fused compiled loop: several schedules run on separate threads;
        one schedule of more than 32768 coordinates uses a prange over coordinate chunks only
        while that beats one thread on the machine as loaded now (see :mod:`._kernels`); the
        reduction is thread-count independent, and numpy and numba agree to ~1e-13.
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
