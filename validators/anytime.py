"""Checks of the anytime-schedule laws against the exact expected-risk recursion.

Every check runs SGD on Gaussian linear regression with :math:`\\lambda_i = i^{-a}`,
:math:`w_i^{*2} = i^{-(b-a)}` (so :math:`\\lambda_i w_i^{*2} = i^{-b}`), :math:`d = 10^8` indices
(spectrally binned), :math:`\\eta_t = \\eta_0 t^{-\\gamma}` with :math:`\\eta_0 = 0.5/\\operatorname{tr}H`
and uniform iterate averaging, through the exact diagonal second-moment recursion
(:func:`scalinglaws.validators.processes.linreg.expected_risk`). The recursion is linear in
:math:`(w^{*2}, \\sigma^2)`, so the risk splits exactly into a *bias* run (:math:`\\sigma^2 = 0`) and
a *variance* run (:math:`w^* = 0`, :math:`\\sigma^2 = 1`); the total is their sum.

The recursion is deterministic, so the interval of a fitted exponent is the *window interval*
(the slopes over the fit window and its two halves): it measures pre-asymptotic drift, not
sampling noise. The recursion itself is checked against the sampled process in the test suite
(Monte Carlo within 4 standard errors).

Slack: the laws are Θ̃ (up to log factors). Where the theory carries a log factor we allow one,
:math:`\\kappa = 1`, i.e. a slope shift of at most :math:`1/\\ln x_{lo}` over a window starting
at :math:`x_{lo}`; where our derivation has none we say so and allow none. Each check states
its choice next to it.
"""

from __future__ import annotations

import functools
import math

import numpy as np

import scalinglaws as sl

from .checks import Settings, check
from .fit import Verdict, fit_drifting_slope, log_factor_slack, make_verdict

D = 10**8  # spectral dimension (binned): the infinite-dimensional limit for these horizons
ETA_MULTIPLIER = 0.5  # eta_0 = 0.5 / tr H, as in the authors' synthetic runs
NEGATIVE_SHIFT = 0.15  # the deliberately wrong prediction of every negative control
DRIFT_SHIFT = 8.0  # the drift allowance compares the window with the window moved down 8x


def _horizon(settings: Settings) -> int:
    return 2**21 if settings.full else 2**18


def _recursion_backend(settings: Settings) -> str:
    # The binned recursion has ~2000 coordinates: a GPU does not help; cupy runs it on numba.
    return "numpy" if settings.backend == "numpy" else "numba"


def _window(n_steps: int) -> tuple[float, float]:
    return (n_steps / 32, float(n_steps))


@functools.lru_cache(maxsize=32)
def _components(a: float, b: float, gammas: tuple, n_steps: int, backend: str):
    """(steps, bias, variance) of the averaged iterate; bias/variance have shape (len(gammas), n)."""
    from .processes.linreg import PowerLawProblem, default_checkpoints, expected_risk, polynomial

    bias_problem = PowerLawProblem(a, b, D, sigma2=0.0, target="power")
    var_problem = PowerLawProblem(a, b, D, sigma2=1.0, target="zero")
    eta0 = ETA_MULTIPLIER / bias_problem.trace
    schedules = [polynomial(eta0, g) for g in gammas]
    steps = default_checkpoints(n_steps, 64)
    bias = expected_risk(bias_problem, schedules, n_steps, steps, "uniform", backend=backend)
    var = expected_risk(var_problem, schedules, n_steps, steps, "uniform", backend=backend)
    return bias.steps, np.asarray(bias.risk_avg), np.asarray(var.risk_avg)


def _slope(x, y, window):
    return fit_drifting_slope(x, y, window, shift=DRIFT_SHIFT)


def _predicted_exponent(key: str, var: str, settings: Settings, **values) -> float:
    """The exponent p of ``law ~ var**p`` at ``values`` (which must also give ``var`` a value in
    the law's domain, so that the point is validated against the regime)."""
    law = sl.law(key)
    law.check(**values)
    subs = {law.params[k].symbol: law.params[k].check(v) for k, v in values.items() if k != var}
    return float(law.exponent(var).subs(subs)) + settings.perturb


def _rate(key: str, settings: Settings, **values) -> float:
    """A rate-exponent law's value as the exponent p of risk ~ N^p (p = -value)."""
    law = sl.law(key)
    mine = {k: v for k, v in values.items() if k in law.params}
    return -float(law.evaluate(**mine)) + settings.perturb


def _log_slack(window, reason: str):
    slack = log_factor_slack(window, kappa=1.0)
    return slack, f"Θ̃ law, one log factor allowed ({reason}): 1/ln(x_lo) = {slack:.3f}"


def _no_slack(reason: str):
    return 0.0, f"none: {reason}"


def _label(data: dict, xlabel: str, ylabel: str) -> dict:
    data = dict(data)
    data.update(xlabel=xlabel, ylabel=ylabel)
    return data


def _finish(verdict: Verdict, xlabel="N (steps = samples)", ylabel="excess risk") -> Verdict:
    verdict.data = _label(verdict.data, xlabel, ylabel)
    return verdict


# ------------------------------------------------------------------------------ minimax rate


def _total_slope_check(key, a, b, gamma, predicted, settings, *, slack, reason, notes="", n=None):
    """Fit the total (bias + variance) averaged risk at one decay ``gamma`` against ``predicted``."""
    n = n or _horizon(settings)
    steps, bias, var = _components(a, b, (gamma,), n, _recursion_backend(settings))
    window = _window(n)
    fit = _slope(steps, bias[0] + var[0], window)
    base = (f"bias + variance of the averaged iterate, sigma^2 = 1, eta_0 = {ETA_MULTIPLIER}/tr H, "
            f"d = 1e8 (binned), N = {n}.")
    return _finish(make_verdict(
        key, f"total risk slope at gamma = {gamma:.4g}, a={a}, b={b}", predicted, fit,
        slack=slack, slack_reason=reason, negative_shift=NEGATIVE_SHIFT,
        notes=(base + " " + notes).strip(),
    ))


def _minimax_total(key, a, b, settings, *, as_rate_law):
    gamma_star = float(sl.law("anytime.optimal_decay_exponent").evaluate(a=a, b=b))
    if as_rate_law:
        predicted = _rate(key, settings, a=a, b=b)
    else:
        predicted = _predicted_exponent(key, "N", settings, a=a, b=b, sigma2=1, N=2)
    window = _window(_horizon(settings))
    slack, reason = _log_slack(window, "Corollary 1 holds up to logs; the variance carries log N at gamma* = 1/2")
    return _total_slope_check(key, a, b, gamma_star, predicted, settings, slack=slack, reason=reason)


@check("anytime.minimax_risk", name="anytime.minimax_risk[a=1.5,b=1.5]", quick_seconds=4)
def minimax_boundary(settings: Settings) -> Verdict:
    """Minimax risk exponent -(b-1)/b at b = a (gamma* = 0)."""
    return _minimax_total("anytime.minimax_risk", 1.5, 1.5, settings, as_rate_law=False)


@check("anytime.minimax_risk", name="anytime.minimax_risk[a=1.5,b=3]", quick_seconds=4)
def minimax_half(settings: Settings) -> Verdict:
    """Minimax risk exponent -(b-1)/b at b = 2a (gamma* = 1/2, log factor in the variance)."""
    return _minimax_total("anytime.minimax_risk", 1.5, 3.0, settings, as_rate_law=False)


@check("anytime.minimax_risk_exponent", name="anytime.minimax_risk_exponent[a=2,b=3]", quick_seconds=4)
def minimax_exponent(settings: Settings) -> Verdict:
    """Rate exponent (b-1)/b at a < b < 2a (gamma* = 1/3)."""
    return _minimax_total("anytime.minimax_risk_exponent", 2.0, 3.0, settings, as_rate_law=True)


# ------------------------------------------------------------------------------ optimal decay


def _crossing(gammas, diff):
    """The gamma where ``diff`` (linear interpolation over the grid) changes sign, or None."""
    for i in range(len(gammas) - 1):
        d0, d1 = diff[i], diff[i + 1]
        if d0 == 0:
            return float(gammas[i])
        if d0 * d1 < 0:
            return float(gammas[i] + (gammas[i + 1] - gammas[i]) * d0 / (d0 - d1))
    return float(gammas[-1]) if diff[-1] == 0 else None


@check("anytime.optimal_decay_exponent", name="anytime.optimal_decay_exponent[a=2,b=3]", quick_seconds=12)
def optimal_decay(settings: Settings) -> Verdict:
    """gamma* = 1 - a/b where the bias and variance rates cross (the min of the two is largest).

    For each gamma on a grid the bias and variance exponents are fitted separately (window
    intervals). The bias rate falls and the variance rate rises with gamma, so the best rate
    min(bias, variance) sits at their crossing. The crossing's interval comes from crossing the
    ends of the two window intervals. Slack: none — away from gamma = 1/2 the derivation has no
    log factor in either component (digest §2.4), so the components are pure power laws.
    """
    a, b = 2.0, 3.0
    n = _horizon(settings)
    gammas = tuple(np.round(np.arange(0, 0.5 + 1e-9, 1 / 16 if settings.full else 1 / 8), 6))
    steps, bias, var = _components(a, b, gammas, n, _recursion_backend(settings))
    window = _window(n)
    bias_fits = [_slope(steps, bias[i], window) for i in range(len(gammas))]
    var_fits = [_slope(steps, var[i], window) for i in range(len(gammas))]
    # rates r = -slope; diff = r_bias - r_var, decreasing in gamma
    mid = np.array([-bf.slope + vf.slope for bf, vf in zip(bias_fits, var_fits)])
    lo_diff = np.array([-bf.ci[1] + vf.ci[0] for bf, vf in zip(bias_fits, var_fits)])
    hi_diff = np.array([-bf.ci[0] + vf.ci[1] for bf, vf in zip(bias_fits, var_fits)])
    measured = _crossing(gammas, mid)
    ends = [_crossing(gammas, lo_diff), _crossing(gammas, hi_diff)]
    warnings = []
    if measured is None or None in ends:
        warnings.append("the bias and variance rates do not cross inside the gamma grid")
        measured = measured if measured is not None else float(gammas[-1])
        ends = [e if e is not None else float(gammas[-1]) for e in ends]
    ci = (min(ends + [measured]), max(ends + [measured]))
    predicted = float(sl.law("anytime.optimal_decay_exponent").evaluate(a=a, b=b)) + settings.perturb
    wrong = (predicted - NEGATIVE_SHIFT, predicted + NEGATIVE_SHIFT)
    wrong_passed = [ci[0] <= w <= ci[1] for w in wrong]
    data = {
        "x": list(map(float, gammas)),
        "y": [-f.slope for f in bias_fits],
        "series": [{"x": list(map(float, gammas)), "y": [-f.slope for f in var_fits],
                    "label": "variance rate", "style": "s-"}],
        "label": "bias rate",
        "fit_x": [measured, measured],
        "fit_y": [min(-f.slope for f in bias_fits), max(-f.slope for f in bias_fits)],
        "predicted_x": [predicted, predicted],
        "predicted_y": [min(-f.slope for f in bias_fits), max(-f.slope for f in bias_fits)],
        "loglog": False,
        "xlabel": "decay exponent gamma",
        "ylabel": "rate (minus the fitted slope of risk vs N)",
    }
    return Verdict(
        key="anytime.optimal_decay_exponent",
        check=f"crossing of bias and variance rates, a={a}, b={b}",
        predicted=predicted, measured=measured, ci=ci, window=None, slack=0.0,
        slack_reason="none: no log factor in the components away from gamma = 1/2",
        kind="value", method="window crossing", warnings=warnings + [
            w for f in bias_fits + var_fits for w in f.warnings][:4],
        notes=f"gamma grid {list(map(float, gammas))}, N = {n}.",
        data=data,
        negative_control={"shift": NEGATIVE_SHIFT, "mode": "additive", "predicted": list(wrong),
                          "passed": wrong_passed, "rejected": not any(wrong_passed)},
    )


# ------------------------------------------------------------------------------ hard regime


@check("anytime.constant_lr_suffices", name="anytime.constant_lr_suffices[a=2,b=1.5]", quick_seconds=3)
def constant_lr(settings: Settings) -> Verdict:
    """Constant step + averaging at b < a: total risk exponent -(b-1)/a."""
    a, b = 2.0, 1.5
    slack, reason = _no_slack("the bias-limited rate (eta N)^-((b-1)/a) of our derivation has no log factor")
    return _total_slope_check(
        "anytime.constant_lr_suffices", a, b, 0.0,
        _rate("anytime.constant_lr_suffices", settings, a=a, b=b), settings, slack=slack, reason=reason,
    )


# ------------------------------------------------------------------------------ components


_SWEEP = (0.0, 0.25, 0.5, 0.75)


def _component_check(key, component, gamma, settings, *, kappa_reason):
    a, b = 1.5, 3.0
    n = _horizon(settings)
    steps, bias, var = _components(a, b, _SWEEP, n, _recursion_backend(settings))
    i = _SWEEP.index(gamma)
    curve = {"bias": bias[i], "variance": var[i], "total": bias[i] + var[i]}[component]
    window = _window(n)
    fit = _slope(steps, curve, window)
    slack, reason = _no_slack(kappa_reason)
    return _finish(make_verdict(
        key, f"{component} slope at gamma = {gamma}, a={a}, b={b}",
        _rate(key, settings, a=a, b=b, gamma=gamma), fit,
        slack=slack, slack_reason=reason, negative_shift=NEGATIVE_SHIFT,
    ), ylabel=f"{component} part of the excess risk")


@check("anytime.bias_exponent", name="anytime.bias_exponent[a=1.5,b=3,gamma=0.25]", quick_seconds=8)
def bias_component(settings: Settings) -> Verdict:
    """Bias exponent (1-gamma)(b-1)/a."""
    return _component_check("anytime.bias_exponent", "bias", 0.25, settings,
                            kappa_reason="no log factor in our derivation away from gamma = 1/2")


@check("anytime.variance_exponent", name="anytime.variance_exponent[a=1.5,b=3,gamma=0.25]", quick_seconds=1)
def variance_component(settings: Settings) -> Verdict:
    """Variance exponent 1 - (1-gamma)/a."""
    return _component_check("anytime.variance_exponent", "variance", 0.25, settings,
                            kappa_reason="no log factor in our derivation away from gamma = 1/2")


@check(
    "anytime.early_noise_exponent", name="anytime.early_noise_exponent[a=1.5,b=3,gamma=0.75]",
    quick_seconds=1,
    known_failure=(
        "Not confirmed: the variance slope at gamma = 0.75 is -0.44 (N = 2^15), -0.40 (2^18), "
        "-0.38 (2^20), still moving towards the predicted -1/3 but outside the drift interval."
    ),
)
def early_noise(settings: Settings) -> Verdict:
    """Early-noise exponent (1-gamma)(2-1/a) of the variance for gamma > 1/2 (our hypothesis)."""
    return _component_check("anytime.early_noise_exponent", "variance", 0.75, settings,
                            kappa_reason="our derivation of the early-noise term has no log factor")


@check("anytime.polynomial_schedule_rate_exponent",
       name="anytime.polynomial_schedule_rate_exponent[a=1.5,b=3,gamma=0.25]", quick_seconds=1)
def polynomial_rate(settings: Settings) -> Verdict:
    """Total-risk exponent min(bias, variance, early) at a gamma away from gamma*."""
    return _component_check("anytime.polynomial_schedule_rate_exponent", "total", 0.25, settings,
                            kappa_reason="no component carries a log factor at gamma = 1/4")


@check(
    "anytime.early_noise_limited_exponent", name="anytime.early_noise_limited_exponent[a=1.5,b=3.75]",
    quick_seconds=4,
    known_failure=(
        "Not confirmed: the total slope is -0.65 (N = 2^15), -0.62 (2^18), -0.60 (2^20), "
        "below the minimax -0.73 as the hypothesis says but not yet at its -0.53."
    ),
)
def early_noise_limited(settings: Settings) -> Verdict:
    """At b > 2a the schedule t^-gamma* from t = 1 reaches only (2a-1)/b, not (b-1)/b."""
    a, b = 1.5, 3.75  # b <= 2a + 1 keeps uniform averaging out of its saturation
    slack, reason = _no_slack("our derivation of the early-noise term has no log factor")
    return _total_slope_check(
        "anytime.early_noise_limited_exponent", a, b, 1 - a / b,
        _rate("anytime.early_noise_limited_exponent", settings, a=a, b=b), settings,
        slack=slack, reason=reason,
        notes=f"The paper's minimax exponent here would be {(b - 1) / b:.3f}.",
    )


@check(
    "anytime.large_source_rate_exponent", name="anytime.large_source_rate_exponent[a=1.5,b=3.75]",
    quick_seconds=3,
)
def large_source_rate(settings: Settings) -> Verdict:
    """At b > 2a the decay gamma = 1/2 reaches 1 - 1/(2a) (our hypothesis)."""
    a, b = 1.5, 3.75
    n = 4 * _horizon(settings)  # the log factor and the drift need the longer run to be decisive
    slack, reason = _log_slack(_window(n), "the variance carries log N at gamma = 1/2")
    return _total_slope_check(
        "anytime.large_source_rate_exponent", a, b, 0.5,
        _rate("anytime.large_source_rate_exponent", settings, a=a, b=b), settings,
        slack=slack, reason=reason, n=n,
        notes=f"gamma* = 1 - a/b = {1 - a / b:.3g} would give (2a-1)/b = {(2 * a - 1) / b:.3f}.",
    )


# ------------------------------------------------------------------------------ WSD


def _wsd_final_risks(a, b, settings):
    from .processes.linreg import PowerLawProblem, expected_risk, wsd

    top = 18 if not settings.full else 20
    horizons = np.unique(np.round(2.0 ** np.arange(8, top + 0.01, 0.5)).astype(int))
    backend = _recursion_backend(settings)
    problem = PowerLawProblem(a, b, D, sigma2=1.0, target="power")
    eta0 = ETA_MULTIPLIER / problem.trace
    finals = []
    for n in horizons:
        curve = expected_risk(problem, wsd(eta0, int(n), 0.5), int(n), [int(n)], "none", backend=backend)
        finals.append(float(np.asarray(curve.risk_last).ravel()[-1]))
    return horizons.astype(float), np.array(finals)


def _wsd_check(a, b, settings):
    horizons, finals = _wsd_final_risks(a, b, settings)
    window = (horizons[-1] / 64, horizons[-1])
    fit = _slope(horizons, finals, window)
    slack, reason = _no_slack("Theorem 2 as transcribed carries log factors only at b = a")
    # an upper bound is perturbed on its strict side: a stronger claim by |perturb|
    predicted = _predicted_exponent(
        "anytime.wsd_last_iterate_rate", "N", Settings(), a=a, b=b, sigma2=1, N=2
    ) - abs(settings.perturb)
    return _finish(make_verdict(
        "anytime.wsd_last_iterate_rate", f"last-iterate risk vs horizon, WSD (decay over the last half), a={a}, b={b}",
        predicted, fit, slack=slack, slack_reason=reason, negative_shift=NEGATIVE_SHIFT,
        bound="upper",
        notes=(
            "The law is an upper bound: the check passes when the risk decays at least as fast "
            "as predicted, and its negative control is the stronger claim (exponent - 0.15). "
            "One run per horizon, sigma^2 = 1, decay over the last half (rho = 1/2)."
        ),
    ), xlabel="horizon N")


@check("anytime.wsd_last_iterate_rate", name="anytime.wsd_last_iterate_rate[a=1.2,b=3]", quick_seconds=3)
def wsd_variance(settings: Settings) -> Verdict:
    """WSD last iterate, b > a: variance term sigma^2 N^-(1-1/a) dominates."""
    return _wsd_check(1.2, 3.0, settings)


@check(
    "anytime.wsd_last_iterate_rate", name="anytime.wsd_last_iterate_rate[a=1.5,b=3]",
    quick_seconds=3,
    known_failure=(
        "At a = 1.5, b = 3 the last-iterate risk decays as N^-0.27 (horizons to 2^14), "
        "N^-0.29 (2^16), N^-0.30 (2^18), N^-0.303 (2^19): slower than the bound N^-1/3 at every "
        "horizon we reached, with slopes steepening slowly."
    ),
)
def wsd_variance_slow(settings: Settings) -> Verdict:
    """WSD last iterate at a = 1.5, b > a: the bound sigma^2 N^-(1-1/a) (a finding)."""
    return _wsd_check(1.5, 3.0, settings)


@check("anytime.wsd_last_iterate_rate", name="anytime.wsd_last_iterate_rate[a=1.5,b=1.25]", quick_seconds=3)
def wsd_bias(settings: Settings) -> Verdict:
    """WSD last iterate, b < a: bias term N^-((b-1)/a) dominates."""
    return _wsd_check(1.5, 1.25, settings)
