r"""Assertions for your own test suites: does a measurement agree with a law?

:func:`assert_supports` hands your measurement to the same judge ``scalinglaws verify`` uses
(one rule for the catalogue and for you). The functions below it take an exponent you have
already fitted, with its interval.

With a fitted exponent and its interval in hand (from :func:`scalinglaws.fit.fit_exponent`
or your own fit), check it against a registered law::

    from scalinglaws.fit import fit_exponent
    from scalinglaws.testing import assert_exponent, log_factor_slack

    f = fit_exponent(N, risk)                           # the exponent, its 95 % interval
    assert_exponent(f.exponent, f.ci, "anytime.minimax_risk", "N", values={"b": 2},
                    slack=log_factor_slack(N.min(), N.max()),
                    reason="theta_log law: one log factor allowed over the window")

The check passes when the predicted value lies in the confidence interval (widened by ``slack``
on both sides) and the measured value lies in its own interval. ``slack`` is for a stated,
systematic reason, such as the log factors a ``theta_log`` law hides (see
:func:`log_factor_slack`), never a tolerance tuned until the test passes.

Sign convention: an exponent is the ``p`` in :math:`f \sim x^p`, so a risk that decays as
:math:`N^{-1/2}` has exponent ``-0.5``, as in :meth:`scalinglaws.Law.exponent`.

This module needs only SymPy and mpmath.
"""

from __future__ import annotations

import math
import numbers
from typing import Mapping

import sympy as sp

from .errors import DomainError, ParameterError, RegimeError
from .law import Law

__all__ = [
    "assert_supports", "assert_exponent", "assert_value", "assert_in_regime", "log_factor_slack",
]


def assert_supports(law: Law | str, measurement, *, seed: int = 0, allow_inconclusive=False,
                    plot=None):
    """Assert that a measurement supports a law, judged exactly as ``scalinglaws verify`` judges.

    ``measurement`` is a ``Curve`` or a ``Value`` from :mod:`scalinglaws.validators.engine` (your
    simulation's curve or replicas, the point where you ran it and how the law maps onto it).
    The one judge of ``verify`` computes the prediction from the law, chooses the test from its
    kind (extrapolated local slopes for one deterministic curve, a bootstrap over replicas, a
    boundedness test for a bound) and runs the negative control. Passes on a ``pass``; raises
    :class:`AssertionError` with the verdict's summary on a ``fail``, and on an
    ``inconclusive`` (the data cannot tell the law from a 0.1 error) unless
    ``allow_inconclusive``. Returns the verdict. Needs the ``validate`` extra (numpy, scipy).
    With ``plot`` (a path), a failing assertion first draws the check's figure there (the curve,
    the fit, the prediction and the local slopes; needs matplotlib) and names it in the message.
    ``law`` may be a law you declared without registering it (``Paper(..., register=False)``).

    Examples
    --------
    >>> import numpy as np
    >>> from scalinglaws.validators.engine import Curve, Exponent
    >>> N = np.logspace(2, 6, 41)
    >>> risk = (1 / N) ** 0.5 * (1 + 2 / N**0.3)          # your deterministic curve
    >>> v = assert_supports("anytime.minimax_risk",
    ...                     Curve(N, risk, Exponent("N"), point={"a": 1.5, "b": 2, "sigma2": 1}))
    >>> v.outcome, round(v.predicted, 3)
    ('pass', -0.5)
    """
    from scalinglaws.validators.engine import Check, Settings, judge

    item = _as_law(law)
    stub = Check(f"assert_supports({item.key})", item.key, lambda settings: measurement,
                 "a user's measurement", 0.0)
    verdict = judge(stub, measurement, Settings(seed=seed), law=item)
    if verdict.outcome == "fail" or (verdict.outcome == "inconclusive" and not allow_inconclusive):
        message = verdict.summary() + (
            "; " + "; ".join(verdict.warnings) if verdict.warnings else "")
        if plot is not None:
            message += "; " + _draw(verdict, plot)
        raise AssertionError(message)
    return verdict


def _draw(verdict, path) -> str:
    """Draw the verdict's figure at ``path``; a phrase for the failure message."""
    from pathlib import Path

    try:
        from scalinglaws.validators.engine.report import plot_result

        drawn = plot_result({"check": verdict.check, "status": verdict.outcome,
                             "verdict": verdict.to_dict()}, Path(path))
    except ImportError:
        return "no plot (matplotlib is not installed)"
    return f"plot: {path}" if drawn else "no plot (nothing to draw for this measurement)"


def assert_exponent(
    measured,
    ci,
    law: Law | str,
    var: str,
    *,
    values: Mapping | None = None,
    slack: float = 0.0,
    reason: str = "",
) -> float:
    """Assert that a measured power-law exponent agrees with a law's leading exponent.

    The prediction is ``law.exponent(var)`` (log factors dropped) with ``values`` substituted
    for the other parameters it depends on. The assertion passes if and only if
    ``ci[0] - slack <= predicted <= ci[1] + slack`` and ``ci[0] <= measured <= ci[1]``.

    Parameters
    ----------
    measured : float
        The fitted exponent ``p`` in ``f ~ var**p`` (negative for a decaying quantity).
    ci : (float, float)
        Its confidence interval, ``lo <= hi``.
    law : Law or str
        The law, or its key.
    var : str
        The scaling variable (a parameter of the law, e.g. ``"N"``).
    values : dict, optional
        Values of the parameters the exponent depends on (besides ``var``). Each is checked
        against its parameter's domain, and the law's regime conditions that can be decided
        from the values given are checked too.
    slack : float
        A non-negative widening of the interval for a stated systematic effect.
    reason : str
        Why ``slack`` is what it is; repeated in the failure message.

    Returns
    -------
    float
        The predicted exponent.

    Raises
    ------
    AssertionError
        When the measurement disagrees; the message gives the prediction, the measurement, the
        interval, the slack and the reason.
    ParameterError, DomainError, RegimeError, UnknownKeyError
        For bad input: a malformed interval, an unknown law or parameter, a missing value, a
        value outside its domain, or a point outside the law's regime.

    Examples
    --------
    The minimax risk decays as :math:`N^{-(1 - 1/b)}`, so at ``b = 2`` its exponent is -1/2:

    >>> assert_exponent(-0.49, (-0.52, -0.47), "anytime.minimax_risk", "N", values={"b": 2})
    -0.5
    >>> assert_exponent(-0.30, (-0.32, -0.28), "anytime.minimax_risk", "N", values={"b": 2})
    Traceback (most recent call last):
    ...
    AssertionError: anytime.minimax_risk: exponent in N at b=2: predicted -0.5, measured -0.3, confidence interval [-0.32, -0.28], slack 0: the prediction lies outside the interval widened by the slack, [-0.32, -0.28]
    """
    item = _as_law(law)
    lo, hi = _check_interval(measured, ci, slack)
    predicted_expr = _exponent_at(item, var, values or {})
    predicted = float(predicted_expr)
    where = _where(values)
    _verdict(
        f"{item.key}: exponent in {var}{where}",
        predicted, float(measured), lo, hi, float(slack), reason,
    )
    return predicted


def assert_value(measured, ci, law: Law | str, values: Mapping, *, slack: float = 0.0) -> float:
    """Assert that a measured value agrees with a law evaluated at a point.

    For laws whose value is itself the prediction (an exponent law, a threshold, a critical
    batch size, an ``exact`` law): the prediction is ``law.evaluate(**values)`` (every parameter
    given, domains and regime checked), and the assertion passes if and only if
    ``ci[0] - slack <= predicted <= ci[1] + slack`` and ``ci[0] <= measured <= ci[1]``.

    Parameters
    ----------
    measured : float
        The measured value.
    ci : (float, float)
        Its confidence interval.
    law : Law or str
        The law, or its key.
    values : dict
        Every parameter of the law.
    slack : float
        A non-negative, stated widening of the interval.

    Returns
    -------
    float
        The predicted value.

    Examples
    --------
    >>> assert_value(0.26, (0.24, 0.27), "anytime.optimal_decay_exponent", {"a": 1.5, "b": 2})
    0.25
    >>> assert_value(0.30, (0.29, 0.31), "anytime.optimal_decay_exponent", {"a": 1.5, "b": 2})
    Traceback (most recent call last):
    ...
    AssertionError: anytime.optimal_decay_exponent at a=1.5, b=2: predicted 0.25, measured 0.3, confidence interval [0.29, 0.31], slack 0: the prediction lies outside the interval widened by the slack, [0.29, 0.31]
    """
    item = _as_law(law)
    lo, hi = _check_interval(measured, ci, slack)
    if not isinstance(values, Mapping):
        raise ParameterError(f"values must be a dict of parameter values, got {values!r}")
    predicted = float(item.evaluate(**values))
    _verdict(f"{item.key}{_where(values)}", predicted, float(measured), lo, hi, float(slack), "")
    return predicted


def assert_in_regime(law: Law | str, **values) -> None:
    """Assert that a point lies in the regime where a law holds.

    Only the parameters the regime mentions are needed; any other parameter of the law may be
    given and is checked against its domain.

    Raises
    ------
    AssertionError
        Naming the violated condition, when the point is outside the regime.
    ParameterError, DomainError
        For a missing or unknown parameter, or a value outside its domain.

    Examples
    --------
    >>> assert_in_regime("anytime.minimax_risk", a=2, b=3)
    >>> assert_in_regime("anytime.minimax_risk", a=2, b=5)
    Traceback (most recent call last):
    ...
    AssertionError: anytime.minimax_risk: outside its regime, condition b <= 2*a fails at a=2, b=5
    """
    item = _as_law(law)
    needed = sorted(str(s) for s in item.regime.free_symbols)
    missing = [name for name in needed if name not in values]
    if missing:
        raise ParameterError(
            f"{item.key}: the regime needs {', '.join(missing)} "
            f"({'; '.join(f'{m}: {item.params[m].meaning}' for m in missing)})"
        )
    try:
        _check_partial(item, values)
    except RegimeError as exc:
        raise AssertionError(str(exc)) from None


def log_factor_slack(x_lo, x_hi, kappa=1) -> float:
    r"""The drift of a log-log slope caused by a :math:`(\log x)^\kappa` factor over a window.

    A law of kind ``theta_log`` promises :math:`f(x) \asymp x^p` only up to polylogarithmic
    factors. If in fact :math:`f(x) = C x^p (\ln x)^\kappa`, the local log-log slope is

    .. math::

        \frac{d \ln f}{d \ln x} = p + \frac{\kappa}{\ln x},

    so the local slope sits above :math:`p` by :math:`\kappa/\ln x`. A least-squares slope over
    the window :math:`[x_{lo}, x_{hi}]` on sorted points is a positively weighted average of the
    slopes between neighbouring points, each equal to :math:`p + \kappa/\ln\xi` for some
    :math:`\xi` in the window, so it lies between :math:`p + \kappa/\ln x_{hi}` and
    :math:`p + \kappa/\ln x_{lo}`. This function returns the bound on the shift,

    .. math:: s = \frac{|\kappa|}{\ln x_{lo}},

    to be used as ``slack`` (the first-order estimate :math:`|\kappa|/\ln x_c` at the centre is
    smaller, and a wide window exceeds it). The drift decays only like :math:`1/\ln x`: a factor
    :math:`\ln N` shifts a slope fitted from :math:`N = 10^4` up by at most 0.11, so a
    ``theta_log`` law cannot be checked to better than that without modelling the log factor.

    Parameters
    ----------
    x_lo, x_hi : float
        The ends of the fitted window, ``1 < x_lo < x_hi``.
    kappa : float
        The power of the log factor (1 for one ``log x``).

    Examples
    --------
    >>> round(log_factor_slack(1e4, 1e6), 4)   # 1 / ln(1e4)
    0.1086
    >>> round(log_factor_slack(1e4, 1e6, kappa=2), 4)
    0.2171
    """
    for name, x in (("x_lo", x_lo), ("x_hi", x_hi), ("kappa", kappa)):
        if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
            raise ParameterError(f"{name} must be a finite real number, got {x!r}")
    if not 1 < x_lo < x_hi:
        raise DomainError(f"the window must satisfy 1 < x_lo < x_hi, got x_lo={x_lo}, x_hi={x_hi}")
    return abs(float(kappa)) / math.log(x_lo)


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------


def _as_law(law) -> Law:
    if isinstance(law, Law):
        return law
    if isinstance(law, str):
        from .registry import law as lookup

        return lookup(law)
    raise ParameterError(f"law must be a Law or a law key, got {type(law).__name__}")


def _real(name: str, x) -> float:
    if isinstance(x, bool):
        raise ParameterError(f"{name} must be a real number, got a bool")
    try:
        value = float(x)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a real number, got {x!r}") from None
    if not math.isfinite(value):
        raise ParameterError(f"{name} must be finite, got {x!r}")
    return value


def _check_interval(measured, ci, slack) -> tuple[float, float]:
    _real("measured", measured)
    try:
        lo, hi = ci
    except (TypeError, ValueError):
        raise ParameterError(f"ci must be a pair (lo, hi), got {ci!r}") from None
    lo, hi = _real("ci[0]", lo), _real("ci[1]", hi)
    if lo > hi:
        raise DomainError(f"ci must have lo <= hi, got ({lo}, {hi})")
    if _real("slack", slack) < 0:
        raise DomainError(f"slack must be non-negative, got {slack}")
    return lo, hi


def _check_partial(item: Law, values: Mapping) -> dict:
    """Validate the values given (names, domains) and every regime condition they decide.

    Returns the substitution ``{symbol: exact value}``. Raises ParameterError, DomainError or
    RegimeError (the first condition that the values make false or undecidable).
    """
    unknown = [k for k in values if k not in item.params]
    if unknown:
        raise ParameterError(
            f"{item.key}: unknown parameter(s) {', '.join(map(repr, unknown))}; "
            f"expected {', '.join(item.params)}"
        )
    subs = {item.params[k].symbol: item.params[k].check(v) for k, v in values.items()}
    for condition in item.conditions:
        if not condition.free_symbols <= set(subs):
            continue  # not decided by the values given
        truth = condition.subs(subs)
        if truth not in (sp.true, sp.false):
            truth = sp.simplify(truth)
        if truth is not sp.true:
            raise RegimeError(item.key, condition, values)
    return subs


def _exponent_at(item: Law, var: str, values: Mapping, *, partial: bool = False) -> sp.Expr:
    """``item.exponent(var)`` at ``values``, with the values validated.

    Values are needed for the parameters the exponent depends on (unless ``partial``, which
    leaves the result symbolic in those not given); a value of ``var`` itself or of another
    parameter may be given (it is checked, and used for the regime check).
    """
    exponent = item.exponent(var)
    subs = _check_partial(item, values)
    missing = sorted(str(s) for s in exponent.free_symbols if s not in subs)
    if partial and missing:
        return sp.simplify(exponent.subs(subs))
    if missing:
        raise ParameterError(
            f"{item.key}: the exponent in {var}, {exponent}, needs a value for "
            f"{', '.join(missing)}"
        )
    value = sp.simplify(exponent.subs(subs))
    if not (value.is_number and value.is_extended_real and value.is_finite):
        raise ParameterError(
            f"{item.key}: the exponent in {var} is {value} here, not a real number"
        )
    return value


def _where(values) -> str:
    if not values:
        return ""
    return " at " + ", ".join(f"{k}={v}" for k, v in values.items())


def _verdict(what, predicted, measured, lo, hi, slack, reason) -> None:
    problems = []
    if not lo - slack <= predicted <= hi + slack:
        problems.append(
            "the prediction lies outside the interval widened by the slack, "
            f"[{lo - slack:.6g}, {hi + slack:.6g}]"
        )
    if not lo <= measured <= hi:
        problems.append("the measured value lies outside its own confidence interval")
    if problems:
        why = f" ({reason})" if reason else ""
        raise AssertionError(
            f"{what}: predicted {predicted:.6g}, measured {measured:.6g}, confidence interval "
            f"[{lo:.6g}, {hi:.6g}], slack {slack:.6g}{why}: " + "; ".join(problems)
        )
