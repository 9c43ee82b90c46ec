r"""Fit the exponent of your own simulation, and judge it as ``scalinglaws verify`` would.

:func:`fit_exponent` takes ``(x, y)`` -- one deterministic curve, shape ``(n,)``, or replicas,
shape ``(R, n)`` -- and returns an :class:`ExponentFit`: the exponent with its interval, the
local slopes and the method. The numbers come from the same code the one judge of
``scalinglaws verify`` runs: for one curve, the local slopes extrapolated with correction-to-
scaling models; for replicas, a bootstrap over replicas. :meth:`ExponentFit.against` then judges
the fit against a number or a law (with the negative control: a ``pass`` rejects a 0.1 error).

>>> import numpy as np
>>> from scalinglaws.fit import fit_exponent
>>> N = np.logspace(2, 6, 41)
>>> risk = N ** -0.5 * (1 + 3 * N ** -0.4)          # your curve: exponent -1/2, a correction
>>> f = fit_exponent(N, risk)
>>> round(f.exponent, 2), f.ci[0] < -0.5 < f.ci[1]
(-0.5, True)
>>> f.against(-0.5).outcome
'pass'
>>> f.against(-0.4).outcome
'fail'
>>> f.against("anytime.minimax_risk", var="N", point={"a": 1.5, "b": 2, "sigma2": 1}).outcome
'pass'

A law you declare yourself, without adding it to the catalogue, is a
:class:`~scalinglaws.Law` of a :class:`~scalinglaws.Paper` made with ``register=False``::

    mine = sl.Paper("mine", arxiv="unpublished", title="My model", register=False)
    n = mine.param("n", "samples")
    rate = mine.law("rate", quantity="my risk", expr=n ** sp.Rational(-2, 3), kind="theta",
                    where="my notes, eq. 3", status="hypothesis")
    fit_exponent(n_grid, my_risk).against(rate, var="n")

Needs the ``validate`` extra (numpy, scipy).
"""

from __future__ import annotations

import dataclasses
import numbers

import sympy as sp

from .errors import ParameterError
from .law import Law, Paper

__all__ = ["fit_exponent", "ExponentFit"]


def _probe_law(value: float, log_corrections: bool) -> Law:
    """An unregistered law whose value is a number: what a bare exponent is judged against."""
    paper = Paper("user", arxiv="unpublished", title="a value stated by the user", register=False)
    kind = "theta_log" if log_corrections else "theta"
    return paper.law("exponent", quantity="the exponent of y in x", expr=sp.Float(value),
                     where="stated by the user", status="hypothesis", kind=kind)


@dataclasses.dataclass(frozen=True, eq=False)
class ExponentFit:
    """The exponent :math:`p` of :math:`y \\sim x^p` over ``window``, with its interval.

    ``local_x``/``local_slopes`` are the local log-log slopes (for replicas, of their mean);
    ``settled`` says whether they have stopped drifting (one curve: whether the extrapolation is
    determined; replicas: no drift beyond sampling noise); ``method`` and ``warnings`` come from
    the fit. ``measurement`` is the :class:`~scalinglaws.validators.engine.Curve` judged.
    """

    exponent: float
    ci: tuple[float, float]
    method: str
    settled: bool
    local_x: tuple
    local_slopes: tuple
    window: tuple[float, float]
    warnings: tuple[str, ...]
    measurement: object
    log_corrections: bool
    seed: int

    def against(self, law, var: str | None = None, *, point=None):
        """The verdict of the one judge on this fit against a number (the exponent itself) or a
        law (its exponent in ``var`` at ``point``; a :class:`~scalinglaws.Law` or a key)."""
        from scalinglaws.validators.engine import Check, Curve, Exponent, LawValue, Settings, judge

        m = self.measurement
        if isinstance(law, numbers.Real) and not isinstance(law, bool):
            target = _probe_law(float(law), self.log_corrections)
            predict, point = LawValue(sign=1), {}
        else:
            from .registry import law as get_law

            target = law if isinstance(law, Law) else get_law(law)
            if var is None:
                raise ParameterError("against(law): give var, the law's scale variable")
            predict = Exponent(var)
        curve = Curve(m.x, m.y, predict, point=point or {}, window=m.window, omega=m.omega,
                      xlabel=m.xlabel, ylabel=m.ylabel)
        stub = Check(f"fit_exponent against {target.key}", target.key, lambda s: curve,
                     "a user's fit", 0.0)
        return judge(stub, curve, Settings(seed=self.seed), law=target)


def fit_exponent(x, y, *, window=None, log_corrections: bool = False, omega=None,
                 seed: int = 0, xlabel: str = "x", ylabel: str = "y") -> ExponentFit:
    """Fit the exponent of ``y`` in ``x`` (see the module docstring).

    Parameters
    ----------
    x : array_like (n,)
        The scale variable, positive and increasing.
    y : array_like (n,) or (R, n)
        One deterministic curve, or ``R`` independent replicas (rows); positive.
    window : (lo, hi), optional
        The range of ``x`` to fit (default: all of it): the part where the law should hold.
    log_corrections : bool
        Admit log factors :math:`(\\ln x)^q` (a :math:`\\tilde\\Theta` statement): on one curve
        among the correction models, on replicas as a hidden power :math:`|q| \\le 1`.
    omega : float or (lo, hi), optional
        A known correction-to-scaling exponent (one curve only), from the theory of your process.
    seed : int
        The bootstrap's seed (replicas).
    """
    from scalinglaws.validators.engine import Check, Curve, LawValue, Settings, judge

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError(f"seed must be a non-negative integer, got {seed!r}")
    curve = Curve(x, y, LawValue(sign=1), window=window, omega=omega, xlabel=xlabel,
                  ylabel=ylabel)
    probe = _probe_law(0.0, log_corrections)
    stub = Check("fit_exponent", probe.key, lambda s: curve, "a user's fit", 0.0)
    v = judge(stub, curve, Settings(seed=seed), law=probe)
    data = v.data
    settled = not any(w.startswith("not settled") for w in v.warnings)
    return ExponentFit(
        exponent=float(v.measured), ci=tuple(v.ci), method=v.method, settled=settled,
        local_x=tuple(data.get("local_x") or ()), local_slopes=tuple(data.get("local_slopes") or ()),
        window=tuple(curve.window), warnings=tuple(v.warnings), measurement=curve,
        log_corrections=bool(log_corrections), seed=seed,
    )
