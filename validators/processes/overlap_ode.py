r"""Overlap ODEs: integrate the low-dimensional dynamics of teacher–student overlaps.

In the high-dimensional limit of one-pass SGD on a shallow network (input dimension
:math:`N \to \infty`, time :math:`t = \text{steps}/N`), the overlaps :math:`Q = WW^\top/N`,
:math:`R = WW^{*\top}/N` obey a closed system of ODEs. Such systems are stiff near convergence
(fast modes of the converged solution next to slow marginal ones), so this module integrates
them with an implicit / switching solver of :func:`scipy.integrate.solve_ivp` (``LSODA`` by
default, ``Radau`` or ``BDF`` on request) at tight tolerances.

Generic use: :func:`integrate_overlaps` takes any right-hand side on a dict of named matrices
(your own overlap ODE) and returns the times and the overlaps at each time
(:class:`OverlapTrajectory`):

>>> import numpy as np
>>> from scalinglaws.validators.processes.overlap_ode import integrate_overlaps
>>> # a toy overlap ODE: dm/dt = 1 - m (a student aligning with a teacher), dq/dt = 2 (m - q)
>>> rhs = lambda t, o: {"m": 1.0 - o["m"], "q": 2.0 * (o["m"] - o["q"])}
>>> traj = integrate_overlaps(rhs, {"m": np.zeros(1), "q": np.zeros(1)}, t_max=5.0,
...                           t_eval=np.array([0.0, 1.0, 5.0]))
>>> round(float(traj["m"][1, 0]), 6), round(1 - float(np.exp(-1.0)), 6)
(0.632121, 0.632121)

The quadratic network (:func:`quadratic_rhs`, :func:`integrate_quadratic`): student
:math:`\hat y = \frac1p\sum_{j\le p}\lambda_j^2`, teacher :math:`y = \frac1{p^*}\sum_{k\le p^*}
\lambda_k^{*2}` with :math:`\lambda = Wx/\sqrt N`, :math:`x\sim N(0, I_N)`, loss
:math:`\frac12(\hat y - y)^2`, SGD :math:`w_j \leftarrow w_j - \eta\,\frac2p\,e\,\lambda_j\,x/\sqrt N`
(:mod:`~scalinglaws.validators.processes.teacher_student` simulates it). With
:math:`C = \begin{pmatrix} Q & R\\ R^\top & T\end{pmatrix}`,
:math:`D = \mathrm{diag}(I_p/p,\,-I_{p^*}/p^*)` and the exact Gaussian moments
:math:`F_1 = \mathbb E[e\,uu^\top] = \mathrm{tr}(DC)\,C + 2CDC`,
:math:`F_2 = \mathbb E[e^2uu^\top] = [\mathrm{tr}(DC)^2 + 2\mathrm{tr}(DCDC)]\,C
+ 4\,\mathrm{tr}(DC)\,CDC + 8\,CDCDC`,

.. math::

    \dot R = -\eta\,\tfrac2p\,[F_1]_{s*}, \qquad
    \dot Q = -\eta\,\tfrac4p\,[F_1]_{ss} + \eta^2\,\tfrac4{p^2}\,[F_2]_{ss},
    \qquad \varepsilon_g = \tfrac12\big[\mathrm{tr}(DC)^2 + 2\,\mathrm{tr}(DCDC)\big].

(our derivation from the model; ``noise=False`` drops the :math:`\eta^2` SGD-noise term: the
gradient flow of the population loss, the :math:`\eta\to0` limit in the time :math:`\eta t`).

>>> from scalinglaws.validators.processes.overlap_ode import integrate_quadratic
>>> run = integrate_quadratic(np.eye(2), np.zeros((2, 1)), np.eye(1), eta=0.1, t_max=400.0,
...                           noise=False)
>>> round(float(run.Q[-1, 0, 0]), 8)      # the symmetric plateau q = p / (p + 2)
0.5
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Mapping

import numpy as np
from scipy.integrate import solve_ivp

from scalinglaws.errors import DomainError, ParameterError

__all__ = [
    "OverlapTrajectory",
    "integrate_overlaps",
    "quadratic_moments",
    "quadratic_error",
    "quadratic_rhs",
    "QuadraticRun",
    "integrate_quadratic",
    "first_crossing",
    "polar_factor",
]


@dataclasses.dataclass(frozen=True)
class OverlapTrajectory:
    """Times ``t`` (n,) and overlaps ``overlaps[name]`` of shape ``(n, *shape)`` along them.

    ``trajectory["Q"]`` is a shortcut for ``trajectory.overlaps["Q"]``; ``status`` and
    ``message`` are the solver's.
    """

    t: np.ndarray
    overlaps: Mapping[str, np.ndarray]
    status: int
    message: str
    nfev: int

    def __getitem__(self, name: str) -> np.ndarray:
        return self.overlaps[name]


def _pack(state: Mapping[str, np.ndarray]):
    names = list(state)
    arrays = [np.asarray(state[n], dtype=float) for n in names]
    shapes = [a.shape for a in arrays]
    sizes = [a.size for a in arrays]
    flat = np.concatenate([a.ravel() for a in arrays])

    def unpack(v):
        out, k = {}, 0
        for n, s, z in zip(names, shapes, sizes):
            out[n] = v[k:k + z].reshape(s)
            k += z
        return out

    return flat, unpack, names, shapes


def integrate_overlaps(rhs: Callable, y0: Mapping[str, np.ndarray], t_max: float, *,
                       t_eval=None, method: str = "LSODA", rtol: float = 1e-10,
                       atol: float = 1e-13, max_step: float = np.inf) -> OverlapTrajectory:
    """Integrate ``d overlaps/dt = rhs(t, overlaps)`` from ``y0`` at t = 0 to ``t_max``.

    Parameters
    ----------
    rhs
        ``rhs(t, overlaps) -> dict`` of derivatives, same names and shapes as ``y0``.
    y0
        Initial overlaps: a dict of arrays (matrices, vectors or scalars as 1-element arrays).
    t_max
        Final time.
    t_eval
        Times at which to report (default: the solver's own steps).
    method
        A :func:`scipy.integrate.solve_ivp` method; use a stiff one (``LSODA``, ``Radau``,
        ``BDF``) for dynamics that converge: the converged fixed point makes the system stiff.
    rtol, atol, max_step
        Solver tolerances and largest step.

    Raises
    ------
    DomainError
        If the solver fails.
    """
    if not t_max > 0:
        raise ParameterError(f"t_max must be positive, got {t_max!r}")
    flat0, unpack, names, shapes = _pack(y0)

    def f(t, v):
        d = rhs(t, unpack(v))
        return np.concatenate([np.asarray(d[n], dtype=float).ravel() for n in names])

    sol = solve_ivp(f, (0.0, float(t_max)), flat0, method=method, t_eval=t_eval, rtol=rtol,
                    atol=atol, max_step=max_step)
    if sol.status < 0:
        raise DomainError(f"the overlap ODE solver failed: {sol.message}")
    ys = sol.y.T
    overlaps = {}
    k = 0
    for n, s in zip(names, shapes):
        z = int(np.prod(s)) if s else 1
        overlaps[n] = ys[:, k:k + z].reshape((ys.shape[0],) + tuple(s))
        k += z
    return OverlapTrajectory(np.asarray(sol.t), overlaps, int(sol.status), str(sol.message),
                             int(sol.nfev))


# ------------------------------------------------------------------------------ quadratic network


def _blocks(Q, R, T, p, p_star):
    C = np.block([[Q, R], [R.T, T]])
    D = np.concatenate([np.full(p, 1.0 / p), np.full(p_star, -1.0 / p_star)])
    return C, D


def quadratic_moments(Q, R, T):
    """``(F1, F2, eps)``: :math:`\\mathbb E[e\\,uu^\\top]`, :math:`\\mathbb E[e^2 uu^\\top]` and
    the population error :math:`\\varepsilon_g = \\frac12\\mathbb E e^2` of the quadratic network at
    overlaps ``Q`` (p, p), ``R`` (p, p*), ``T`` (p*, p*)."""
    Q, R, T = (np.atleast_2d(np.asarray(a, dtype=float)) for a in (Q, R, T))
    p, p_star = Q.shape[0], T.shape[0]
    C, D = _blocks(Q, R, T, p, p_star)
    DC = D[:, None] * C
    tr = float(np.trace(DC))
    CDC = C @ DC
    tr2 = float(np.sum(DC * DC.T))
    F1 = tr * C + 2.0 * CDC
    F2 = (tr * tr + 2.0 * tr2) * C + 4.0 * tr * CDC + 8.0 * CDC @ DC
    return F1, F2, 0.5 * (tr * tr + 2.0 * tr2)


def quadratic_error(Q, R, T) -> float:
    """Population error :math:`\\frac12\\mathbb E(\\hat y - y)^2` at overlaps (Q, R, T)."""
    return quadratic_moments(Q, R, T)[2]


def quadratic_rhs(T, eta: float, *, noise: bool = True) -> Callable:
    """Right-hand side ``rhs(t, {"Q", "R"})`` of the quadratic network's overlap ODEs."""
    T = np.atleast_2d(np.asarray(T, dtype=float))
    p_star = T.shape[0]
    if not eta > 0:
        raise ParameterError(f"eta must be positive, got {eta!r}")

    def rhs(t, o):
        Q, R = o["Q"], o["R"]
        p = Q.shape[0]
        F1, F2, _ = quadratic_moments(Q, R, T)
        dR = -eta * (2.0 / p) * F1[:p, p:]
        dQ = -eta * (4.0 / p) * F1[:p, :p]
        if noise:
            dQ = dQ + eta**2 * (4.0 / p**2) * F2[:p, :p]
        dQ = 0.5 * (dQ + dQ.T)
        return {"Q": dQ, "R": dR}

    return rhs


@dataclasses.dataclass(frozen=True)
class QuadraticRun:
    """A solution of the quadratic network's overlap ODEs: ``t`` (n,), ``Q`` (n, p, p), ``R``
    (n, p, p*), ``eps`` (n,) the population error."""

    t: np.ndarray
    Q: np.ndarray
    R: np.ndarray
    eps: np.ndarray


def integrate_quadratic(Q0, R0, T, *, eta: float, t_max: float, t_eval=None,
                        noise: bool = True, method: str = "LSODA", rtol: float = 1e-10,
                        atol: float = 1e-13) -> QuadraticRun:
    """Integrate the quadratic network's overlap ODEs from (Q0, R0) with teacher overlap T."""
    Q0 = np.atleast_2d(np.asarray(Q0, dtype=float))
    R0 = np.atleast_2d(np.asarray(R0, dtype=float))
    T = np.atleast_2d(np.asarray(T, dtype=float))
    if Q0.shape[0] != Q0.shape[1] or R0.shape != (Q0.shape[0], T.shape[0]):
        raise DomainError(f"shapes Q0 {Q0.shape}, R0 {R0.shape}, T {T.shape} do not fit")
    traj = integrate_overlaps(quadratic_rhs(T, eta, noise=noise), {"Q": Q0, "R": R0}, t_max,
                              t_eval=t_eval, method=method, rtol=rtol, atol=atol)
    eps = np.array([quadratic_error(q, r, T) for q, r in zip(traj["Q"], traj["R"])])
    return QuadraticRun(traj.t, traj["Q"], traj["R"], eps)


def first_crossing(t, y, level: float) -> float:
    """The first time ``y`` falls to ``level`` (linear interpolation between samples); ``nan``
    if it never does."""
    t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
    below = np.nonzero(y <= level)[0]
    if below.size == 0:
        return float("nan")
    k = int(below[0])
    if k == 0:
        return float(t[0])
    y0, y1 = y[k - 1], y[k]
    return float(t[k - 1] + (t[k] - t[k - 1]) * (y0 - level) / (y0 - y1))


def polar_factor(R) -> np.ndarray:
    """The polar factor :math:`U V^\\top = R (R^\\top R)^{-1/2}` of a full-column-rank ``R`` (p, p*):
    the singular vectors of ``R`` without its singular values."""
    U, s, Vt = np.linalg.svd(np.asarray(R, dtype=float), full_matrices=False)
    if s.min() <= 0:
        raise DomainError("polar_factor needs R of full column rank")
    return U @ Vt
