r"""What a check returns: a *measurement* of the observable one law predicts.

A check measures; the engine (:func:`~scalinglaws.validators.engine.judge.judge`) judges. A
check never computes its own prediction, never applies ``--perturb`` and never builds a negative
control: it says *what* it measured and *how the law maps onto it*, and the engine computes the
prediction from the registry, by the law's ``kind``.

Two measurements:

* :class:`Curve` -- an observable :math:`y(x)` over a scale variable :math:`x` (steps, width,
  compute, dimension): one deterministic curve, shape ``(n,)`` (a recursion, an ODE, a
  functional), or ``R`` independent replica curves, shape ``(R, n)`` (Monte Carlo).
* :class:`Value` -- a fitted quantity with its interval (a threshold, a crossing point, an
  optimum's shift) when the observable is not a curve the engine can fit itself.

How the law predicts the measurement (``predict=``):

* :class:`Exponent` ``(var)`` -- :math:`y \propto` the law's expression as a function of its
  parameter ``var``; the prediction is the leading exponent ``law.exponent(var)`` at ``point``.
* :class:`LawValue` ``(sign)`` -- the law's *value* at ``point`` is an exponent or a number:
  for a :class:`Curve`, :math:`y \propto x^{\mathrm{sign}\cdot\mathrm{value}}` (a rate law
  ``risk ~ N^-rate`` has ``sign=-1``); for a :class:`Value`, the value itself (``sign`` is 1).
* :class:`LawCurve` ``(points)`` -- the engine evaluates the law at each of ``points`` (one
  parameter dict per grid point of the curve) and judges the ratio :math:`y/\mathrm{law}`:
  its log-slope in :math:`x` (a :math:`\Theta(1)` ratio has slope 0), or with
  ``level=True`` its level (an ``exact`` law: :math:`\ln(y/\mathrm{law}) \to 0`).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from typing import Any, Mapping

import numpy as np

from scalinglaws.errors import DomainError, ParameterError

__all__ = ["Exponent", "LawValue", "LawCurve", "Curve", "Value", "Measurement"]


@dataclasses.dataclass(frozen=True)
class Exponent:
    """The curve scales like the law's expression in ``var``: predicted slope ``law.exponent(var)``."""

    var: str

    def __post_init__(self):
        if not isinstance(self.var, str) or not self.var:
            raise ParameterError(f"Exponent needs a parameter name, got {self.var!r}")


@dataclasses.dataclass(frozen=True)
class LawValue:
    """The law's value at ``point``: a curve's exponent times ``sign``, or a measured value."""

    sign: int = 1

    def __post_init__(self):
        if self.sign not in (1, -1):
            raise ParameterError(f"LawValue.sign must be 1 or -1, got {self.sign!r}")


@dataclasses.dataclass(frozen=True)
class LawCurve:
    """The law evaluated at each grid point (``points``: one parameter dict per point); judged on
    the ratio measured / law: its log-slope (default) or, with ``level=True``, its level."""

    points: tuple
    level: bool = False

    def __post_init__(self):
        pts = tuple(self.points)
        if not pts or not all(isinstance(p, Mapping) for p in pts):
            raise ParameterError("LawCurve.points must be a non-empty sequence of parameter dicts")
        object.__setattr__(self, "points", tuple(dict(p) for p in pts))


_PREDICTIONS = (Exponent, LawValue, LawCurve)


def _point(point) -> dict:
    if point is None:
        return {}
    if not isinstance(point, Mapping):
        raise ParameterError(f"point must be a dict of the law's parameter values, got {point!r}")
    out = {}
    for k, v in point.items():
        if not isinstance(k, str):
            raise ParameterError(f"point keys must be parameter names, got {k!r}")
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise ParameterError(f"point[{k!r}] must be a number, got {v!r}")
        out[k] = float(v) if not isinstance(v, numbers.Integral) else int(v)
    return out


@dataclasses.dataclass(frozen=True, eq=False)
class Curve:
    r"""An observable :math:`y(x)` whose scaling in :math:`x` the law predicts.

    Parameters
    ----------
    x : array_like (n,)
        The scale variable, positive and increasing.
    y : array_like (n,) or (R, n)
        One deterministic curve, or ``R`` independent replicas (rows). Positive.
    predict : Exponent, LawValue or LawCurve
        How the law maps onto ``y`` (see the module docstring).
    point : dict
        The law's parameters where it is checked (the engine validates them against the
        law's domains and regime). For :class:`Exponent`, ``var`` may be left out.
    window : (lo, hi)
        The range of ``x`` the engine judges: the upper part of the curve, where the law claims
        to hold.
    xlabel, ylabel, label : str
        Plot labels.
    notes : str
        What was simulated (sizes, seeds, step sizes), for the record.
    omega : float or (lo, hi), optional
        A declared correction-to-scaling exponent (range) for a deterministic curve, from the
        theory of the process; by default the engine scans :math:`\omega\in[0.1, 4]`.
    series : list of dict, optional
        Extra plot series ``{"x", "y", "label", "style"}``.
    extra : dict, optional
        Extra JSON-safe data kept in the record (e.g. for a paper's report figures).
    backend : str, optional
        The backend the process actually ran on, when it differs from the one asked for (a
        recursion that runs on numba under ``--backend cupy``); recorded and reported.
    log_power, log_power_reason : float or (lo, hi), and str, optional
        For a :math:`\tilde\Theta` (``theta_log``) law, or an observable whose exponent is the
        law's value (:class:`LawValue`, e.g. an optimal loss whose log factor another law
        states): the power :math:`q` of the log factor the theory puts at this point (:math:`y \asymp x^{p}(\ln x)^{q}`), or the range
        of powers (a sum of a term with and a term without the log is between the two), with the
        reason. The engine then judges :math:`y/(\ln x)^{q}` (for a range: at both ends, and
        takes the union); without it the log power is read from the law's expression, or left
        free.
    """

    x: Any
    y: Any
    predict: Any
    point: Mapping = dataclasses.field(default_factory=dict)
    window: tuple | None = None
    xlabel: str = "x"
    ylabel: str = "y"
    label: str = ""
    notes: str = ""
    omega: Any = None
    series: tuple = ()
    extra: Mapping = dataclasses.field(default_factory=dict)
    backend: str = ""
    log_power: float | tuple | None = None
    log_power_reason: str = ""

    def __post_init__(self):
        if self.log_power is not None:
            lp = self.log_power
            pair = isinstance(lp, (tuple, list)) and len(lp) == 2
            items = tuple(lp) if pair else (lp,)
            if any(isinstance(v, bool) or not isinstance(v, numbers.Real) for v in items) or (
                    pair and not items[0] < items[1]):
                raise ParameterError(
                    f"Curve.log_power must be a number or a range (lo, hi), got {lp!r}")
            object.__setattr__(self, "log_power",
                               tuple(float(v) for v in items) if pair else float(lp))
            if not self.log_power_reason:
                raise ParameterError("a declared log power needs log_power_reason (the theory "
                                     "that puts the log factor there)")
        if not isinstance(self.predict, _PREDICTIONS):
            raise ParameterError(
                f"Curve.predict must be Exponent, LawValue or LawCurve, got {self.predict!r}"
            )
        x = np.asarray(self.x, dtype=float)
        y = np.asarray(self.y, dtype=float)
        if x.ndim != 1 or y.ndim not in (1, 2) or y.shape[-1] != x.size:
            raise DomainError(f"Curve needs x (n,) and y (n,) or (R, n); got {x.shape}, {y.shape}")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "point", _point(self.point))
        if self.window is None:
            object.__setattr__(self, "window", (float(x[0]), float(x[-1])))
        else:
            lo, hi = (float(v) for v in self.window)
            object.__setattr__(self, "window", (lo, hi))
        if isinstance(self.predict, LawCurve) and len(self.predict.points) != x.size:
            raise DomainError(
                f"LawCurve has {len(self.predict.points)} points but the curve {x.size}"
            )
        object.__setattr__(self, "series", tuple(self.series))
        object.__setattr__(self, "extra", dict(self.extra))

    @property
    def deterministic(self) -> bool:
        """One curve (no replicas): judged by extrapolating its local slopes."""
        return self.y.ndim == 1


@dataclasses.dataclass(frozen=True, eq=False)
class Value:
    r"""A measured quantity with its interval, compared with the law at ``point``.

    Parameters
    ----------
    value : float
        The measurement, in the law's units (a threshold, an exponent read off a fitted
        quantity, a crossing point).
    ci : (lo, hi)
        Its interval: a bootstrap over replicas, or (``deterministic=True``) a systematic
        interval from the grid (bracketing points).
    method : str
        How ``value`` and ``ci`` were obtained, in words (one line).
    predict : Exponent or LawValue
        ``LawValue()`` (the default): the law's value at ``point``; ``Exponent(var)``: the
        law's exponent in ``var`` at ``point``.
    point : dict
        The law's parameters where it is checked.
    relative : bool
        The quantity is a scale (a batch size, a ratio): the perturbation and the negative
        control are multiplicative, ``pred * (1 +- shift)``, instead of additive.
    deterministic : bool
        The interval is systematic (no sampling noise), for the record.
    data : dict
        Plot data: ``x``, ``y`` and optional ``series``, ``xlabel``, ``ylabel``, ``loglog``.
    notes : str
        What was simulated.
    backend : str, optional
        As for :class:`Curve`.
    """

    value: float
    ci: tuple
    method: str
    predict: Any = dataclasses.field(default_factory=LawValue)
    point: Mapping = dataclasses.field(default_factory=dict)
    relative: bool = False
    deterministic: bool = False
    data: Mapping = dataclasses.field(default_factory=dict)
    notes: str = ""
    backend: str = ""

    def __post_init__(self):
        if not isinstance(self.predict, (Exponent, LawValue)):
            raise ParameterError(f"Value.predict must be Exponent or LawValue, got {self.predict!r}")
        if isinstance(self.predict, LawValue) and self.predict.sign != 1:
            raise ParameterError("a Value is in the law's units: LawValue(sign=1)")
        v = float(self.value)
        lo, hi = (float(c) for c in self.ci)
        if not (math.isfinite(v) and math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
            raise DomainError(f"Value needs a finite value and interval lo <= hi, got {v}, {self.ci}")
        object.__setattr__(self, "value", v)
        object.__setattr__(self, "ci", (lo, hi))
        object.__setattr__(self, "point", _point(self.point))
        object.__setattr__(self, "data", dict(self.data))


Measurement = Curve | Value
