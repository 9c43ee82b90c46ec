"""Fixed-point and saddle-point equations: a damped iteration with diagnostics and warm starts.

State evolution of LASSO, the saddle-point equations of Gaussian-mixture GLMs and the DMFT kernel
closure all have the form :math:`x = F(x)` for a vector (or a tuple of arrays) :math:`x`. This
module solves them by the damped iteration

.. math::

    x_{k+1} = (1 - \\eta_k)\\, x_k + \\eta_k\\, F(x_k),

and says how it went: the number of iterations, the final residual
:math:`\\lVert F(x) - x\\rVert_\\infty / \\max(1, \\lVert x\\rVert_\\infty)`, and the residual history.
When the residual grows, or oscillates without shrinking for five iterations, the damping :math:`\\eta_k` is halved
(down to ``min_damping``); when it shrinks steadily the damping recovers towards its initial
value. An iteration that does not
reach ``tol`` within ``max_iter`` raises :class:`FixedPointError` with the last residual; it
never returns an unconverged point silently (``raise_on_failure=False`` returns it, flagged).

:func:`continuation` solves along a parameter path, each solve started from the previous
solution (warm starts), which is how a phase diagram or a curve in a control parameter is
traced.

>>> import numpy as np
>>> from scalinglaws.validators.processes.fixed_point import solve_fixed_point
>>> result = solve_fixed_point(lambda x: np.cos(x), np.array([1.0]))
>>> round(float(result.x[0]), 10), result.converged
(0.7390851332, True)

Tuples of arrays are accepted as the unknown (each component keeps its shape):

>>> r = solve_fixed_point(lambda s: (0.5 * s[1] + 1.0, 0.5 * s[0]), (np.zeros(2), np.zeros(2)))
>>> [round(float(v), 10) for v in (r.x[0][0], r.x[1][0])]
[1.3333333333, 0.6666666667]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from scalinglaws.errors import ScalingLawsError

__all__ = ["FixedPointError", "FixedPointResult", "solve_fixed_point", "continuation"]


class FixedPointError(ScalingLawsError, ArithmeticError):
    """A fixed-point iteration did not converge (or produced a non-finite value).

    ``result`` holds the last iterate and its diagnostics.
    """

    def __init__(self, message: str, result: "FixedPointResult"):
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class FixedPointResult:
    """The outcome of :func:`solve_fixed_point`.

    Attributes
    ----------
    x
        The solution, in the shape of ``x0`` (an array, or a tuple of arrays).
    converged
        Whether the residual fell below ``tol``.
    iterations
        Number of evaluations of the map.
    residual
        Final relative residual :math:`\\lVert F(x) - x\\rVert_\\infty / \\max(1, \\lVert x\\rVert_\\infty)`.
    damping
        The damping in use at the end.
    history
        The residual after each iteration (a float array).
    """

    x: object
    converged: bool
    iterations: int
    residual: float
    damping: float
    history: np.ndarray = field(repr=False)


def _flatten(x) -> tuple[np.ndarray, Callable[[np.ndarray], object]]:
    if isinstance(x, tuple):
        parts = [np.asarray(p, dtype=float) for p in x]
        shapes = [p.shape for p in parts]
        sizes = [p.size for p in parts]
        flat = np.concatenate([p.ravel() for p in parts]) if parts else np.zeros(0)

        def unflatten(v: np.ndarray):
            out, start = [], 0
            for shape, size in zip(shapes, sizes):
                out.append(v[start:start + size].reshape(shape))
                start += size
            return tuple(out)

        return flat, unflatten
    arr = np.asarray(x, dtype=float)
    shape = arr.shape
    return arr.ravel().copy(), lambda v: v.reshape(shape)


def solve_fixed_point(update: Callable, x0, *, damping: float = 1.0, tol: float = 1e-12,
                      max_iter: int = 10_000, min_damping: float = 1e-4,
                      raise_on_failure: bool = True) -> FixedPointResult:
    """Solve :math:`x = F(x)` by damped iteration from ``x0``.

    Parameters
    ----------
    update
        The map :math:`F`; called with an array (or a tuple of arrays) shaped like ``x0`` and
        returning the same structure.
    x0
        Starting point: an array-like, or a tuple of array-likes.
    damping
        Initial damping :math:`\\eta_0 \\in (0, 1]`; 1 is the plain iteration.
    tol
        Convergence threshold on the relative residual (in ``(0, 1)``).
    max_iter
        Largest number of map evaluations.
    min_damping
        The damping is never halved below this.
    raise_on_failure
        Raise :class:`FixedPointError` when not converged (default); otherwise return the last
        iterate with ``converged=False``.
    """
    if not (0.0 < damping <= 1.0):
        raise ValueError(f"damping must lie in (0, 1], got {damping!r}")
    if not (0.0 < tol < 1.0):
        raise ValueError(f"tol must lie in (0, 1), got {tol!r}")
    if not (0.0 < min_damping <= damping):
        raise ValueError(f"min_damping must lie in (0, damping], got {min_damping!r}")
    if int(max_iter) != max_iter or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")
    x, unflatten = _flatten(x0)
    if not np.all(np.isfinite(x)):
        raise ValueError("x0 must be finite")
    eta, history, previous, stalled, last_step = float(damping), [], np.inf, 0, None
    residual = np.inf
    for iteration in range(1, int(max_iter) + 1):
        fx, _ = _flatten(update(unflatten(x.copy())))
        if fx.shape != x.shape:
            raise ValueError(f"the map returned {fx.size} values for {x.size} unknowns")
        if not np.all(np.isfinite(fx)):
            result = FixedPointResult(unflatten(x), False, iteration, np.inf, eta, np.array(history))
            raise FixedPointError(f"the map returned a non-finite value at iteration {iteration}",
                                  result)
        step = fx - x
        residual = float(np.max(np.abs(step)) / max(1.0, float(np.max(np.abs(x), initial=0.0))))
        history.append(residual)
        if residual <= tol:
            x = fx
            return FixedPointResult(unflatten(x), True, iteration, residual, eta, np.array(history))
        # growth halves the damping at once; an oscillation that neither grows nor shrinks
        # (successive steps pointing back and forth, a contraction factor near -1) halves it
        # after five iterations; a slow monotone approach (steps in one direction) is left alone
        oscillating = last_step is not None and float(np.dot(step, last_step)) < 0
        stalled = stalled + 1 if (residual >= 0.99 * previous and oscillating) else 0
        last_step = step
        if (residual > previous or stalled >= 5) and eta > min_damping:
            eta, stalled = max(min_damping, eta / 2), 0
        elif residual < 0.5 * previous:
            eta = min(float(damping), eta * 1.25)
        previous = residual
        x = x + eta * step
    result = FixedPointResult(unflatten(x), False, int(max_iter), residual, eta, np.array(history))
    if raise_on_failure:
        raise FixedPointError(
            f"no convergence in {int(max_iter)} iterations: residual {residual:.3g} > tol {tol:g} "
            f"(damping {eta:.3g})", result)
    return result


def continuation(make_update: Callable[[object], Callable], path: Sequence, x0,
                 **options) -> list[FixedPointResult]:
    """Solve along a parameter path with warm starts.

    ``make_update(p)`` returns the map for the parameter value ``p``; the solve at each value
    starts from the solution at the previous one (the first from ``x0``). ``options`` are passed
    to :func:`solve_fixed_point`. Returns one result per value of ``path``.

    >>> import numpy as np
    >>> results = continuation(lambda a: (lambda x: a * np.cos(x)), [0.5, 1.0], np.array([0.0]))
    >>> [round(float(r.x[0]), 6) for r in results]
    [0.450184, 0.739085]
    """
    results, start = [], x0
    for p in path:
        r = solve_fixed_point(make_update(p), start, **options)
        results.append(r)
        start = r.x
    return results
