r"""The one judge: every measurement is judged here, by the law's ``kind``.

:func:`judge` takes the check (which names its law), the measurement it returned and the run's
settings, and

1. computes the prediction from the registry at the measurement's point (never from the
   check), validating the point against the law's domains and regime;
2. applies ``--perturb`` once, on the law's own scale (for a bound, on its strict side: a
   weaker bound would rightly still pass);
3. chooses the test from the law's kind and the measurement:

   ============  =================================  =====================================
   kind          one deterministic curve            replicas / a measured value
   ============  =================================  =====================================
   exact, theta  local slopes extrapolated          bootstrap interval over replicas
                 (:func:`~.fit.fit_slope_limit`)    (:func:`~.fit.fit_loglog_slope`)
   theta_log     the same with a free log power     the union over a hidden log power
                 (a :math:`q/\ln x` correction)     :math:`|q| \le 1` (or the declared one)
   upper/lower   boundedness of the ratio           one-sided: the interval reaches the
                 :math:`y/x^p`: its extrapolated    bound
                 log-slope is :math:`\le 0`
                 (:math:`\ge 0`)
   ============  =================================  =====================================

   A :math:`\Theta(1)` statement (``LawCurve``) is a bounded ratio: the log-slope of
   measured / law tends to 0; with ``level=True`` (an ``exact`` law) its level tends to 0.
4. runs the negative control itself: the same test on the same data against predictions that
   are wrong by :data:`NEGATIVE_SHIFT` (a wrong exponent; a wrong constant, relatively, for a
   scale; the stronger bound for a bound). A check of a stated value whose data cannot reject
   them is ``inconclusive``, never ``pass``; a bound that holds passes, and when the stronger
   bound holds too the record says the bound is not tight at these sizes;
5. returns a frozen :class:`~.verdict.Verdict`.

Outcomes: ``pass`` (the prediction lies in the interval and every control is rejected),
``fail`` (the prediction lies outside the interval -- for a deterministic curve: the local
slopes converge elsewhere, with the extrapolation and its models in the record), or
``inconclusive`` (the interval cannot tell the law from its control, or the extrapolation is
not settled; the verdict names the size that would settle it).
"""

from __future__ import annotations

import math
import warnings as _warnings

import numpy as np

import scalinglaws as sl
from scalinglaws.errors import DomainError, ParameterError

from .fit import (
    UnsettledFitWarning,
    _as_list,
    _jsonable,
    fit_loglog_slope,
    fit_slope_limit,
)
from .measurement import Curve, Exponent, LawCurve, LawValue, Value
from .verdict import Verdict

__all__ = ["judge", "predict", "NEGATIVE_SHIFT", "BOOTSTRAP_RESAMPLES"]

#: The wrong predictions of every negative control: an exponent (or any quantity on an additive
#: scale) off by 0.1, a scale off by 10 %. A check that passes can therefore also fail a
#: ``--perturb 0.1`` run.
NEGATIVE_SHIFT = 0.1
#: The largest power of the log factor a Θ̃ law is taken to hide when the data cannot identify
#: it (replicas): |q| <= 1, one log factor either way, as "up to a log factor" reads.
HIDDEN_LOG_POWER = 1.0
#: Bootstrap resamples of every interval over replicas.
BOOTSTRAP_RESAMPLES = 2000
#: A sampled measurement (replicas, a bootstrap) *fails* only when the prediction lies outside its
#: interval widened from 95 % to 99.9 % (normal quantiles 3.29 / 1.96): a suite reads hundreds
#: of sampled checks, often many from one simulation, and at 95 % one in twenty true laws would
#: fail by chance. Between the two intervals the verdict is inconclusive (more replicas settle
#: it). A pass still needs the prediction inside the 95 % interval and the control outside it.
FAIL_EXPANSION = 3.2905 / 1.9600

_BOUND_OF_KIND = {"upper": "upper", "lower": "lower"}


def _bound(kind: str) -> str:
    return _BOUND_OF_KIND.get(kind, "two")


def _consistent(predicted: float, ci, bound: str) -> bool:
    """The prediction agrees with the interval: inside it (two-sided); for an upper bound, some
    value of the interval is at or below it; for a lower bound, at or above it."""
    lo, hi = ci
    if bound == "upper":
        return lo <= predicted
    if bound == "lower":
        return predicted <= hi
    return lo <= predicted <= hi


def _perturbed(value: float, delta: float, bound: str, relative: bool) -> float:
    if not delta:
        return value
    step = {"two": delta, "upper": -abs(delta), "lower": abs(delta)}[bound]
    return value * (1.0 + step) if relative else value + step


def _wrong(value: float, bound: str, relative: bool) -> list[float]:
    s = NEGATIVE_SHIFT
    if relative:
        both = [value * (1 - s), value * (1 + s)]
    else:
        both = [value - s, value + s]
    return {"two": both, "upper": both[:1], "lower": both[1:]}[bound]


def _law_point(law, point: dict, var: str | None = None) -> dict:
    """Validate ``point`` against the law (domains, regime); return the values by symbol."""
    check_values = {k: v for k, v in point.items() if k in law.params}
    if var is not None and var not in check_values:
        # the scale variable takes a representative value in its domain, so that the regime
        # conditions not involving it can be checked at the point
        check_values[var] = 2
    law.check(**check_values)
    return {law.params[k].symbol: law.params[k].check(v) for k, v in check_values.items()
            if k != var}


def predict(law, measurement) -> tuple[float, str, dict]:
    """(prediction on the law's scale, what it is, extra) for a measurement: computed from the
    registry only. The ``extra`` dict carries a law curve or a declared log power."""
    p = measurement.predict
    point = measurement.point
    if isinstance(p, Exponent):
        if p.var not in law.params:
            raise ParameterError(f"{law.key} has no parameter {p.var!r}")
        subs = _law_point(law, point, p.var)
        expo = law.exponent(p.var).subs(subs)
        extra = {"log_power": _declared_log_power(law, p.var, subs)}
        return float(expo), f"exponent of y in {p.var}", extra
    if isinstance(p, LawValue):
        _law_point(law, point)
        value = float(law.evaluate(**{k: v for k, v in point.items() if k in law.params}))
        what = "the law's value" if isinstance(measurement, Value) else (
            "exponent of y in x" if p.sign == 1 else "minus the exponent of y in x")
        return value, what, {}
    if isinstance(p, LawCurve):
        values = []
        for pt in p.points:
            merged = {k: v for k, v in dict(point, **pt).items() if k in law.params}
            _law_point(law, merged)
            values.append(float(law.evaluate(**merged)))
        curve = np.array(values)
        if not np.all(np.isfinite(curve)) or np.any(curve <= 0):
            raise DomainError(f"{law.key}: the law is not positive and finite along the curve")
        what = "level ln(y / law)" if p.level else "log-slope of y / law"
        return 0.0, what, {"law_curve": curve}
    raise ParameterError(f"unknown prediction {p!r}")


def _declared_log_power(law, var: str, subs: dict):
    """The power q of ln(var) in the law's expression at the point, when the expression carries
    one explicitly (``x**p * log(x)**q``); None otherwise."""
    import sympy as sp

    sym = law.params[var].symbol
    expr = law.expr.subs(subs)
    if not expr.has(sp.log):
        return None
    try:
        p = law.exponent(var).subs(subs)
        q = sp.limit(sp.log(expr / sym**p) / sp.log(sp.log(sym)), sym, sp.oo)
        q = float(q)
    except Exception:  # noqa: BLE001 - an expression sympy cannot reduce: no declared power
        return None
    return q if math.isfinite(q) and q != 0 else None


def judge(check, measurement, settings, *, law=None) -> Verdict:
    """Judge ``measurement`` (returned by ``check`` under ``settings``) against the law the check
    names (or ``law``, a :class:`~scalinglaws.Law` a user declared without registering it). The
    only function that builds a :class:`Verdict`."""
    if not isinstance(measurement, (Curve, Value)):
        raise ParameterError(
            f"check {check.name} returned {type(measurement).__name__}, not a Curve or a Value"
        )
    if law is None:
        law = sl.law(check.law_key)
    bound = _bound(law.kind)
    raw, observable, extra = predict(law, measurement)
    relative = isinstance(measurement, Value) and measurement.relative
    predicted = _perturbed(raw, settings.perturb, bound, relative)
    wrong = _wrong(predicted, bound, relative)
    if isinstance(measurement, Value):
        return _judge_value(check, law, measurement, predicted, wrong, bound, observable)
    return _judge_curve(check, law, measurement, predicted, wrong, bound, observable, extra,
                        settings)


def _control(wrong, ci, bound) -> dict:
    passed = [_consistent(w, ci, bound) for w in wrong]
    return {"shift": NEGATIVE_SHIFT, "predicted": wrong, "passed": passed,
            "rejected": not any(passed)}


def _outcome(consistent: bool, control: dict, settled: bool = True, bound: str = "two") -> str:
    """pass / fail / inconclusive. A law that states a value passes only when its control is
    rejected too; a bound that holds passes even when the stronger bound (its control) also
    holds -- a loose bound is still a true bound -- and the record says it is not tight."""
    if not settled:
        return "inconclusive"
    if not consistent:
        return "fail"
    if bound != "two":
        return "pass"
    return "pass" if control["rejected"] else "inconclusive"


def _sampling_guard(outcome: str, predicted: float, measured: float, ci, bound: str,
                    warns: list) -> str:
    """A sampled measurement's fail stands only outside the 99.9 % interval (FAIL_EXPANSION)."""
    if outcome != "fail":
        return outcome
    lo, hi = ci
    wide = (measured - FAIL_EXPANSION * (measured - lo), measured + FAIL_EXPANSION * (hi - measured))
    if _consistent(predicted, wide, bound):
        warns.append("the prediction lies outside the 95 % interval but inside the 99.9 % one "
                     f"[{wide[0]:.4g}, {wide[1]:.4g}]: not a fail among many sampled checks; "
                     "more replicas would settle it")
        return "inconclusive"
    return outcome


def _control_warnings(consistent: bool, control: dict, bound: str, relative=False) -> list:
    """What a consistent measurement whose control was not rejected means: a bound that is not
    tight, or a stated value the data cannot tell from an error of NEGATIVE_SHIFT."""
    if not consistent or control["rejected"]:
        return []
    if bound != "two":
        return [f"the bound holds but is not tight at these sizes: the stronger bound (off by "
                f"{NEGATIVE_SHIFT:g}) holds too"]
    return ["the interval also accepts the negative control: this measurement cannot tell the "
            f"law from an error of {NEGATIVE_SHIFT:g}" + (" (relative)" if relative else "")]


def _judge_value(check, law, m: Value, predicted, wrong, bound, observable) -> Verdict:
    ci = m.ci
    consistent = _consistent(predicted, ci, bound)
    control = _control(wrong, ci, bound)
    control["mode"] = "relative" if m.relative else "additive"
    outcome = _outcome(consistent, control, bound=bound)
    warns = _control_warnings(consistent, control, bound, relative=m.relative)
    if not m.deterministic:
        outcome = _sampling_guard(outcome, predicted, float(m.value), ci, bound, warns)
    data = dict(m.data)
    data.setdefault("predicted_x", None)
    return Verdict(
        key=law.key, check=check.name, predicted=predicted, measured=m.value, ci=ci,
        outcome=outcome, kind=law.kind,
        test=("bound on a measured value" if bound != "two" else "measured value")
        + (" (systematic interval)" if m.deterministic else ""),
        observable=observable, bound=bound, method=m.method, window=None, point=m.point,
        negative_control=control, warnings=tuple(warns), notes=m.notes, data=data,
    )


def _judge_curve(check, law, m: Curve, predicted, wrong, bound, observable, extra,
                 settings) -> Verdict:
    p = m.predict
    x = m.x
    y = m.y
    sign = p.sign if isinstance(p, LawValue) else 1
    law_curve = extra.get("law_curve")
    log_power = extra.get("log_power")
    if m.log_power is not None:
        # a theta_log law hides the log factor; a law whose *value* is the exponent (LawValue)
        # may be read on an observable that carries a log factor stated by another law
        if law.kind != "theta_log" and not isinstance(p, LawValue):
            raise ParameterError(f"{law.key} is {law.kind}: a log factor can be declared for a "
                                 "theta_log law, or for an observable whose exponent the law's "
                                 "value is (LawValue)")
        log_power = m.log_power
    plotted = m.y  # the measured curve, for the plot
    if law_curve is not None:
        y = y / law_curve  # the ratio measured / law (broadcast over replicas)
    if log_power is not None:
        if m.window[0] <= 1:
            raise DomainError("a log power needs the window to start above x = 1")
        keep = x > 1  # ln x > 0 where the log factor is divided out
        x, y, plotted = x[keep], y[..., keep], plotted[..., keep]
        if law_curve is not None:
            law_curve = law_curve[keep]
    if isinstance(p, LawCurve) and p.level:
        return _judge_level(check, law, m, y, predicted, wrong, bound, observable, settings)
    # A Θ̃ law hides log factors. On one deterministic curve the log corrections are among the
    # extrapolation models (the data identify them); on replicas over a short grid ln x and
    # ln ln x are nearly collinear and a free log power is ill-posed, so the hidden factor is
    # taken as (ln x)^q with |q| <= HIDDEN_LOG_POWER and the interval is the union over q.
    # A deterministic Θ(1) ratio may approach its bounds logarithmically: it admits the log
    # corrections too.
    hidden = law.kind == "theta_log" and log_power is None and not m.deterministic
    if hidden:
        log_power = (-HIDDEN_LOG_POWER, HIDDEN_LOG_POWER)
    bounded_ratio = law_curve is not None and m.deterministic
    free_log = m.deterministic and (law.kind == "theta_log" or bounded_ratio) and log_power is None
    warns: list[str] = []
    settle = None
    settled = True
    powers = (list(log_power) if isinstance(log_power, tuple) else [log_power])
    # a range of log powers: a mixture of terms with and without the log, so at each end a
    # residual log correction remains admissible
    mixed = isinstance(log_power, tuple) and m.deterministic
    fits = [_fit_curve(x, y, m, q, free_log or mixed, settings) for q in powers]
    first = fits[0]
    s_ci = (min(f["ci"][0] for f in fits), max(f["ci"][1] for f in fits))
    s_hat = float(np.mean([f["limit"] for f in fits]))
    settled = all(f["settled"] for f in fits)
    method, test_name = first["method"], first["test"]
    fitted_line, local, lim = first["line"], first["local"], first["lim"]
    models = None if first["models"] is None else [
        dict(md, log_power=q) for q, f in zip(powers, fits) for md in f["models"]]
    for f in fits:
        warns += f["warnings"]
    if free_log:
        test_name += ", log corrections admitted"
    elif log_power is not None:
        shown = (f"in [{log_power[0]:g}, {log_power[1]:g}] (union of the two)"
                 if isinstance(log_power, tuple) else f"{log_power:g}")
        test_name += (f", hidden log power {shown}" if hidden
                      else f", declared log power {shown}")
        if m.log_power is not None:
            test_name += f" ({m.log_power_reason})"
    if bound != "two":
        test_name = ("boundedness of y / law (upper bound: log-slope <= 0)" if bound == "upper"
                     else "boundedness of y / law (lower bound: log-slope >= 0)") + "; " + test_name
    elif law_curve is not None:
        test_name = "bounded ratio y / law (log-slope -> 0); " + test_name
    if not m.deterministic and not settled:
        # drifting replicas leave a fail open only when the drift heads towards the prediction
        ls = sign * np.asarray(local[1], dtype=float)
        settled = not abs(ls[-1] - predicted) < abs(ls[0] - predicted)
    # slope units -> the law's units
    measured = sign * s_hat
    ci = tuple(sorted((sign * s_ci[0], sign * s_ci[1])))
    consistent = _consistent(predicted, ci, bound)
    control = _control(wrong, ci, bound)
    control["mode"] = "additive"
    outcome = _outcome(consistent, control, settled, bound)
    if settled and bound != "two":
        warns += _control_warnings(consistent, control, bound)
    if not m.deterministic:
        outcome = _sampling_guard(outcome, predicted, measured, ci, bound, warns)
    if not settled and not m.deterministic:
        warns.append("not settled: the local slopes drift towards the prediction by more than "
                     "sampling noise explains (more than 0.05 beyond it) over the window")
    elif not settled:
        warns.append("not settled: a correction slower than x^-0.1, still larger than "
                     f"{NEGATIVE_SHIFT / 4:g} at the top of the window, is admissible, so the "
                     "limit cannot be extrapolated from this window")
    if outcome == "inconclusive" and lim is not None:
        target = lim.settling_size(NEGATIVE_SHIFT / 4)
        settle = {
            "x": target,
            "why": (f"the size of x at which every admissible correction model puts the local "
                    f"slope within {NEGATIVE_SHIFT / 4:g} of its limit"
                    if target is not None else
                    "unknown: a correction too slow to extrapolate is admissible" if not settled
                    else "no admissible model settles below x = 1e60"),
        }
    elif outcome == "inconclusive":
        warns.append("the bootstrap interval is wider than the negative control's shift: more "
                     "replicas or a longer window would settle it")
    data = _curve_data(m, x, plotted, law_curve, predicted, sign, fitted_line, local, models,
                       s_hat, bound)
    return Verdict(
        key=law.key, check=check.name, predicted=predicted, measured=measured, ci=ci,
        outcome=outcome, kind=law.kind, test=test_name, observable=observable, bound=bound,
        method=method, window=m.window, point=m.point, negative_control=control,
        settle=settle, warnings=tuple(warns), notes=m.notes, data=data,
    )


def _fit_curve(x, y, m, q, free_log, settings) -> dict:
    """Fit one curve (or replicas) with a declared log power ``q`` (or none); for one curve, with
    the log corrections admitted on top when ``free_log``."""
    out = {"warnings": []}
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", UnsettledFitWarning)
        if m.deterministic:
            yy = y if q is None else y / np.log(x) ** q
            lim = fit_slope_limit(x, yy, m.window, log_correction=free_log, omega=m.omega,
                                  resolution=NEGATIVE_SHIFT / 4)
            out.update(
                ci=lim.ci, limit=lim.limit, settled=lim.settled, lim=lim, line=None,
                method=("local slopes extrapolated (models: "
                        + ", ".join(sorted({f["model"] for f in lim.models})) + ")"),
                test="deterministic curve: extrapolated local slopes",
                local=(lim.local_x, lim.local_slopes),
                models=[{k: v for k, v in f.items()
                         if k in ("model", "omega", "u0", "s_inf", "se", "upper")}
                        for f in lim.models],
            )
        else:  # replicas: a declared log power only (never a free one, see _judge_curve)
            fit = fit_loglog_slope(x, y, m.window, n_boot=BOOTSTRAP_RESAMPLES, seed=settings.seed,
                                   log_power=q)
            # replicas whose local slopes drift by more than their noise can explain are not
            # settled either: a fail needs a curve that has stopped moving
            out.update(
                ci=fit.ci, limit=fit.slope, settled=fit.settled, lim=None, line=fit,
                method=f"bootstrap over {fit.n_replicas} replicas ({fit.ci_method} percentile)",
                test="replicas: bootstrap interval of the log-log slope",
                local=(fit.local_x, fit.local_slopes), models=None,
            )
            out["warnings"] = list(fit.warnings)
    return out


def _judge_level(check, law, m: Curve, ratio, predicted, wrong, bound, observable, settings):
    """``LawCurve(level=True)``: the mean over the grid of ln(measured / law), with a bootstrap
    interval over replicas (or, for one curve, the range of ln ratio over the window)."""
    mask = (m.x >= m.window[0]) & (m.x <= m.window[1])
    R = ratio if ratio.ndim == 2 else ratio[None, :]
    R = R[:, mask]
    if np.any(R <= 0) or not np.all(np.isfinite(R)):
        raise DomainError("measured / law must be positive and finite")
    law_mean = np.log(R.mean(axis=0))
    measured = float(law_mean.mean())
    if R.shape[0] >= 2:
        rng = np.random.default_rng(np.random.SeedSequence([settings.seed, 0x1E7E1]))
        idx = rng.integers(0, R.shape[0], size=(BOOTSTRAP_RESAMPLES, R.shape[0]))
        boot = np.log(R[idx].mean(axis=1)).mean(axis=1)
        ci = tuple(float(q) for q in np.quantile(boot, [0.025, 0.975]))
        method = f"bootstrap over {R.shape[0]} replicas (95 % percentile)"
    else:
        ci = (float(law_mean.min()), float(law_mean.max()))
        method = "range of ln(y / law) over the window (systematic)"
    ci = (min(ci[0], measured), max(ci[1], measured))
    consistent = _consistent(predicted, ci, bound)
    control = _control(wrong, ci, bound)
    control["mode"] = "additive (in ln ratio)"
    outcome = _outcome(consistent, control, bound=bound)
    warns: list = []
    if R.shape[0] >= 2:
        outcome = _sampling_guard(outcome, predicted, measured, ci, bound, warns)
    data = {"x": _as_list(m.x[mask]), "y": _as_list(law_mean), "loglog": False,
            "xlabel": m.xlabel, "ylabel": f"ln({m.ylabel} / law)", "label": m.label or "measured",
            "predicted_y": [predicted] * int(mask.sum()), "series": list(m.series), **m.extra}
    return Verdict(
        key=law.key, check=check.name, predicted=predicted, measured=measured, ci=ci,
        outcome=outcome, kind=law.kind, test="level of ln(y / law) over the grid",
        observable=observable, bound=bound, method=method, window=m.window, point=m.point,
        negative_control=control, warnings=tuple(warns), notes=m.notes, data=data,
    )


def _curve_data(m, x, y, law_curve, predicted, sign, fit, local, models, s_hat, bound) -> dict:
    """Plot data: the curve (mean of replicas), its band, the predicted line through the window's
    centre, the local slopes and the extrapolated limit."""
    Y = np.atleast_2d(y)
    mean = Y.mean(axis=0)
    band = (np.quantile(Y, [0.025, 0.975], axis=0) if Y.shape[0] >= 2 else (None, None))
    mask = (x >= m.window[0]) & (x <= m.window[1])
    xs = x[mask]
    xc = math.sqrt(xs[0] * xs[-1])
    anchor = float(np.exp(np.interp(math.log(xc), np.log(xs), np.log(mean[mask]))))
    if law_curve is not None:
        # the law's curve, scaled to the measurement at the window's centre and tilted by the
        # predicted log-slope of the ratio (0 unless perturbed)
        lc = law_curve[mask]
        lc_c = float(np.exp(np.interp(math.log(xc), np.log(xs), np.log(lc))))
        pred_y = anchor * (lc / lc_c) * (xs / xc) ** predicted
    else:
        pred_y = anchor * (xs / xc) ** (sign * predicted)
    data = {
        "x": _as_list(x), "y": _as_list(mean),
        "y_lo": None if band[0] is None else _as_list(band[0]),
        "y_hi": None if band[1] is None else _as_list(band[1]),
        "fit_x": _as_list(xs), "fit_y": _as_list(fit.predict(xs)) if fit is not None else None,
        "predicted_y": _as_list(pred_y), "window": list(m.window),
        "local_x": _as_list(local[0]), "local_slopes": _as_list(local[1]),
        "slope_limit": float(s_hat),
        "predicted_slope": float(sign * predicted) if law_curve is None else None,
        "models": models,
        "xlabel": m.xlabel, "ylabel": m.ylabel, "label": m.label or "measured",
        "series": list(m.series), "loglog": True,
    }
    data.update(_jsonable(dict(m.extra)))
    return data
