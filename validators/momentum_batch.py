"""Checks of the momentum / batch-size laws against the exact expected-loss recursion.

Engine: :func:`scalinglaws.validators.processes.linreg.contraction_rate`, the per-step
contraction :math:`\\rho` of the expected loss of SGD, heavy ball and ASGD (the spectral radius of
the exact second-moment recursion, Gaussian fourth moments included). Serial runtime is
:math:`T(B) = -1/\\ln\\rho` (steps per e-fold of the loss) at the best hyperparameters for that
batch size :math:`B`, tuned here (:func:`tuned_serial_runtime`):

* SGD: step :math:`\\eta` on a 19-point log grid around :math:`1/R_B`
  (:math:`R_B = \\operatorname{tr}H/B + \\lambda_{\\max}`), refined by bounded Brent;
* heavy ball: :math:`(\\log\\eta, \\log(1-\\mu))` on a 7x7 grid (:math:`1-\\mu` from
  :math:`0.1/\\sqrt\\kappa` to 1) plus Polyak's deterministic optimum
  :math:`\\eta = 4/(\\sqrt{\\lambda_{\\max}}+\\sqrt{\\lambda_{\\min}})^2`,
  :math:`\\mu = ((\\sqrt\\kappa-1)/(\\sqrt\\kappa+1))^2`, refined by Nelder-Mead;
* ASGD (AccSGD parametrisation, :math:`c = 0.7`): :math:`(\\log \\mathrm{lr}, \\log\\kappa_a,
  \\log\\xi)` on a 4x5x4 grid, refined by Nelder-Mead.

Each tuning also starts from the optimum at the previous (smaller) batch size, so the tuned
:math:`T(B)` is non-increasing in :math:`B`, as it must be. Critical batch sizes use the
*halving* definition of the paper module's conventions: the batch where
:math:`\\mathrm{CE} = 1/(BT)` has fallen to half its value at :math:`B = 1`, located by bisection
in :math:`\\log B` (real :math:`B`: the recursion is smooth in :math:`1/B`) to a relative 0.3%.

The laws are :math:`\\Theta` statements (constants not claimed), so every check fits an
*exponent* across a sweep (of :math:`\\kappa`, of the effective rank, of :math:`d`) and compares
it with the exponent of the registered law evaluated on the same spectra and fitted over the same
window. The data are deterministic: intervals are window intervals widened by the drift
allowance of :func:`~scalinglaws.validators.fit.fit_drifting_slope` (pre-asymptotic drift), no
slack (no log factors in the laws).
"""

from __future__ import annotations

import functools
import math

import numpy as np

import scalinglaws as sl

from .checks import Settings, check
from .fit import Verdict, fit_drifting_slope, fit_loglog_slope, make_verdict

__all__ = ["tuned_serial_runtime", "critical_batch"]

NEGATIVE_SHIFT = 0.15
_C_ASGD = 0.7
_BAD = 60.0  # log T of an unstable or invalid configuration
_KNEE_STEPS = 9  # bisection steps in log B: relative precision 2^(-9) * ln(2) ~ 0.14%


# ============================================================================ problems


@functools.lru_cache(maxsize=None)
def _problem(spec: tuple):
    from .processes.linreg import SpectrumProblem

    kind, *args = spec
    if kind == "two_level":
        d, k, kappa = args
        return SpectrumProblem.two_level(d, k, kappa, grouped=True)
    if kind == "geometric":
        return SpectrumProblem.geometric(*args)
    if kind == "power_law":
        return SpectrumProblem.power_law(*args)
    raise ValueError(spec)


def _law_inputs(p) -> dict:
    return dict(trH=p.trace, lam_max=p.lam_max, lam_min=p.lam_min, d=p.d)


# ============================================================================ tuning


def _log_T(p, B, method, x) -> float:
    from .processes.linreg import contraction_rate

    try:
        if method == "sgd":
            rho = contraction_rate(p, math.exp(x[0]), B)
        elif method == "hb":
            mu = -math.expm1(x[1])
            if not 0.0 <= mu < 1.0:
                return _BAD
            rho = contraction_rate(p, math.exp(x[0]), B, "hb", {"momentum": mu})
        else:
            kap, xi = math.exp(x[1]), math.exp(x[2])
            if _C_ASGD**2 * xi / kap > 1.0:
                return _BAD
            rho = contraction_rate(p, math.exp(x[0]), B, "asgd", {"kappa": kap, "xi": xi, "c": _C_ASGD})
    except (ValueError, ArithmeticError, np.linalg.LinAlgError, sl.ScalingLawsError):
        return _BAD
    if not (0.0 < rho < 1.0):
        return _BAD
    return math.log(-1.0 / math.log(rho))


def _grid(p, B, method):
    RB = p.trace / B + p.lam_max
    le0 = math.log(1.0 / RB)
    if method == "sgd":
        return [[le0 + s] for s in np.linspace(-3.0, 1.5, 19)]
    kappa = p.lam_max / p.lam_min
    if method == "hb":
        # plus Polyak's deterministic optimum (the large-B limit), whose rate sits on a kink
        # (critical damping of lam_min, stability of lam_max) that a simplex approaches slowly
        sl_, sm_ = math.sqrt(p.lam_max), math.sqrt(p.lam_min)
        polyak = [math.log(4.0 / (sl_ + sm_) ** 2), math.log(1.0 - ((sl_ - sm_) / (sl_ + sm_)) ** 2)]
        return [
            [le0 + s, ld]
            for s in np.linspace(-2.0, 2.0, 7)
            for ld in np.linspace(math.log(0.1 / math.sqrt(kappa)), 0.0, 7)
        ] + [polyak]
    return [
        [le0 + s, math.log(RB / p.lam_min) + t, lx]
        for s in np.linspace(-2.0, 1.0, 4)
        for t in np.linspace(-4.0, 0.0, 5)
        for lx in np.linspace(-1.0, 2.0, 4)
    ]


def _tune(p, B, method, start=None, grid=True):
    """(log T, x) at the best hyperparameters for batch B; ``start`` is a warm start.

    ``grid=False`` (used inside the critical-batch bisection, between two grid-tuned batches)
    refines from the warm start only.
    """
    from scipy.optimize import minimize, minimize_scalar

    candidates = (_grid(p, B, method) if grid or start is None else []) + (
        [list(start)] if start is not None else []
    )
    values = [_log_T(p, B, method, x) for x in candidates]
    i = int(np.argmin(values))
    best_f, best_x = values[i], list(candidates[i])
    if method == "sgd":
        x0 = best_x[0]
        res = minimize_scalar(
            lambda v: _log_T(p, B, "sgd", [v]), bounds=(x0 - 0.25, x0 + 0.25),
            method="bounded", options={"xatol": 1e-5},
        )
        if res.fun < best_f:
            best_f, best_x = float(res.fun), [float(res.x)]
        return best_f, best_x
    # Nelder-Mead from the best grid points (and the warm start), then once more from the best
    # result with a fresh simplex: the optimum sits on a kink (critical damping), where a single
    # simplex can stall
    order = np.argsort(values)
    starts = [list(candidates[j]) for j in order[:2]]
    if start is not None:
        starts.append(list(start))
    for k, x0 in enumerate(starts + [None]):
        x0 = best_x if x0 is None else x0
        res = minimize(
            lambda v: _log_T(p, B, method, v), np.array(x0), method="Nelder-Mead",
            options={"xatol": 1e-4, "fatol": 1e-7, "maxiter": 2000},
        )
        if res.fun < best_f:
            best_f, best_x = float(res.fun), [float(v) for v in res.x]
    return best_f, best_x


@functools.lru_cache(maxsize=None)
def _curve(spec: tuple, method: str, batches: tuple):
    """Tuned T(B) over increasing batches (warm-started), and the optimal parameters."""
    p = _problem(spec)
    out, params, start = [], [], None
    for B in batches:
        f, x = _tune(p, B, method, start)
        out.append(math.exp(f))
        params.append(x)
        start = x
    return np.array(out), params


def tuned_serial_runtime(problem, batch, method="sgd") -> float:
    """Serial runtime :math:`T(B) = -1/\\ln\\rho` at tuned hyperparameters (see the module doc).

    ``problem`` is a :class:`~scalinglaws.validators.processes.linreg.SpectrumProblem` (or a
    power-law problem); ``method`` is ``"sgd"``, ``"hb"`` or ``"asgd"``.

    >>> from scalinglaws.validators.processes.linreg import SpectrumProblem
    >>> p = SpectrumProblem.two_level(64, 32, 100.0, grouped=True)
    >>> t1, t_big = tuned_serial_runtime(p, 1), tuned_serial_runtime(p, 10**6)
    >>> bool(t_big < t1), round(t_big / 100, 1)   # T_SGD(B -> oo) ~ kappa/4
    (True, 0.3)
    """
    if method not in ("sgd", "hb", "asgd"):
        raise sl.UnknownKeyError("method", str(method), ("sgd", "hb", "asgd"))
    if not (isinstance(batch, (int, float)) and batch >= 1):
        raise sl.DomainError(f"batch must be a number >= 1, got {batch!r}")
    return math.exp(_tune(problem, float(batch), method)[0])


@functools.lru_cache(maxsize=None)
def _knee(spec: tuple, method: str):
    """Halving critical batch: B with B T(B) = 2 T(1); bracket (lo, hi) in B."""
    p = _problem(spec)
    f1, x1 = _tune(p, 1.0, method)
    target = math.log(2.0) + f1
    lb, start, B = 0.0, x1, 1.0
    while True:
        B *= 2.0
        f, x = _tune(p, B, method, start)
        if math.log(B) + f >= target:
            break
        lb, start = math.log(B), x
        if B > 2**40:
            raise sl.DomainError(f"{method} on {spec}: compute efficiency never halves")
    lo, hi = lb, math.log(B)
    for _ in range(_KNEE_STEPS):
        mid = 0.5 * (lo + hi)
        f, x = _tune(p, math.exp(mid), method, start, grid=False)
        if mid + f >= target:
            hi = mid
        else:
            lo, start = mid, x
    return math.exp(0.5 * (lo + hi)), (math.exp(lo), math.exp(hi))


def critical_batch(problem_spec: tuple, method: str = "sgd") -> float:
    """Halving critical batch size of ``method`` on a spectrum given as a spec tuple:
    ``("two_level", d, k, kappa)``, ``("geometric", d, kappa)`` or ``("power_law", d, a)``.

    >>> round(critical_batch(("two_level", 512, 256, 1000.0)) / 256, 2)   # ~ tr H / lam_max
    1.08
    """
    try:
        _problem(tuple(problem_spec))
    except (TypeError, ValueError):
        raise sl.DomainError(f"unknown spectrum spec {problem_spec!r}") from None
    return _knee(tuple(problem_spec), method)[0]


# ============================================================================ helpers


def _law_values(key: str, problems, **extra) -> np.ndarray:
    law = sl.law(key)
    out = []
    for p in problems:
        vals = {k: v for k, v in {**_law_inputs(p), **extra}.items() if k in law.params}
        out.append(float(law.evaluate(**vals)))
    return np.array(out)


def _predicted_slope(x, law_y, window) -> float:
    return float(fit_loglog_slope(x, law_y, window).slope)


def _finish(verdict: Verdict, xlabel: str, ylabel: str, **extra) -> Verdict:
    data = dict(verdict.data)
    data.update(xlabel=xlabel, ylabel=ylabel, **extra)
    verdict.data = data
    return verdict


def _slope_check(key, name, x, y, law_y, window, shift, settings, notes, xlabel, ylabel):
    order = np.argsort(x)
    x, y, law_y = np.asarray(x)[order], np.asarray(y)[order], np.asarray(law_y)[order]
    fit = fit_drifting_slope(x, y, window, shift=shift)
    predicted = _predicted_slope(x, law_y, window) + settings.perturb
    verdict = make_verdict(
        key, name, predicted, fit, slack=0.0,
        slack_reason="none: Theta law without log factors; pre-asymptotic drift is in the interval",
        negative_shift=NEGATIVE_SHIFT, notes=notes,
    )
    return _finish(verdict, xlabel, ylabel)


# ============================================================================ SGD critical batch


def _two_level_family(settings):
    ks = [4**j for j in range(1, 9 if settings.full else 8)]
    return [("two_level", 2 * k, k, 1000.0) for k in ks]


@check("momentum_batch.sgd.critical_batch", name="momentum_batch.sgd.critical_batch[two-level]", quick_seconds=2)
def sgd_critical_two_level(settings: Settings) -> Verdict:
    """SGD's halving critical batch scales like tr H / lam_max over two-level spectra.

    Spectra: k eigenvalues 1 and k eigenvalues 1e-3 (d = 2k), k = 4 ... 4^7 (4^8 full): the
    effective rank tr H/lam_max ~ k. Fit of log B_c against log(tr H/lam_max) on the upper
    part, drift allowance from the window moved down 8x.
    """
    specs = _two_level_family(settings)
    problems = [_problem(s) for s in specs]
    bc = np.array([_knee(s, "sgd")[0] for s in specs])
    x = _law_values("momentum_batch.sgd.critical_batch", problems)
    window = (x[-1] / 300.0, x[-1] * 1.01)
    return _slope_check(
        "momentum_batch.sgd.critical_batch", "slope of B_c vs tr H/lam_max, two-level spectra",
        x, bc, x, window, 8.0, settings,
        notes=f"B_c / (tr H/lam_max) = {np.round(bc / x, 3).tolist()} (an O(1) offset, B_c ~ "
        "tr H/lam_max + 3.5, makes the small ranks pre-asymptotic).",
        xlabel="tr H / lam_max", ylabel="SGD critical batch B_c (CE halved)",
    )


@check("momentum_batch.sgd.critical_batch", name="momentum_batch.sgd.critical_batch[geometric]", quick_seconds=3)
def sgd_critical_geometric(settings: Settings) -> Verdict:
    """SGD's critical batch over geometric spectra (kappa = 1e3, d = 16 ... 2048).

    tr H/lam_max grows like d/ln(kappa); fit of log B_c against log(tr H/lam_max), drift
    allowance from the window moved down 4x.
    """
    ds = [2**j for j in range(4, 13 if settings.full else 12)]
    specs = [("geometric", d, 1000.0) for d in ds]
    problems = [_problem(s) for s in specs]
    bc = np.array([_knee(s, "sgd")[0] for s in specs])
    x = _law_values("momentum_batch.sgd.critical_batch", problems)
    window = (x[-1] / 20.0, x[-1] * 1.01)
    return _slope_check(
        "momentum_batch.sgd.critical_batch", "slope of B_c vs tr H/lam_max, geometric spectra",
        x, bc, x, window, 4.0, settings,
        notes=f"d = {ds}; B_c / (tr H/lam_max) = {np.round(bc / x, 3).tolist()}.",
        xlabel="tr H / lam_max", ylabel="SGD critical batch B_c (CE halved)",
    )


# ============================================================================ heavy-ball window


def _kappas(settings):
    step = 0.25 if settings.full else 0.5
    return [float(10**e) for e in np.arange(1.0, 4.0 + 1e-9, step)]


def _kappa_specs(settings):
    return [("two_level", 64, 32, k) for k in _kappas(settings)]


_KAPPA_WINDOW = (10**2.5 * 0.99, 1.01e4)
_KAPPA_SHIFT = 10**0.5
_KAPPA_NOTE = (
    "Spectra: 32 eigenvalues 1 and 32 eigenvalues 1/kappa (tr H/lam_max ~ 32), kappa = 10 ... 1e4; "
    "fit window kappa in [10^2.5, 1e4], drift allowance from the window moved down 10^0.5x."
)


@check("momentum_batch.hb.window_ratio", name="momentum_batch.hb.window_ratio[two-level]", quick_seconds=12)
def hb_window_ratio(settings: Settings) -> Verdict:
    """Heavy ball's window end over SGD's critical batch grows like sqrt(kappa).

    Both critical batches by the halving rule, heavy ball with step and momentum tuned per B.
    """
    specs = _kappa_specs(settings)
    problems = [_problem(s) for s in specs]
    ratio = np.array([_knee(s, "hb")[0] / _knee(s, "sgd")[0] for s in specs])
    kap = np.array(_kappas(settings))
    law_y = _law_values("momentum_batch.hb.window_ratio", problems)
    return _slope_check(
        "momentum_batch.hb.window_ratio", "slope of B_c^HB/B_c^SGD vs kappa",
        kap, ratio, law_y, _KAPPA_WINDOW, _KAPPA_SHIFT, settings,
        notes=_KAPPA_NOTE + f" Ratios: {np.round(ratio, 3).tolist()}.",
        xlabel="kappa = lam_max/lam_min", ylabel="B_c(heavy ball) / B_c(SGD)",
    )


@check("momentum_batch.hb.window_end", name="momentum_batch.hb.window_end[two-level]", quick_seconds=1)
def hb_window_end(settings: Settings) -> Verdict:
    """Heavy ball's halving critical batch scales like tr H/sqrt(lam_max lam_min)."""
    specs = _kappa_specs(settings)
    problems = [_problem(s) for s in specs]
    bc = np.array([_knee(s, "hb")[0] for s in specs])
    kap = np.array(_kappas(settings))
    law_y = _law_values("momentum_batch.hb.window_end", problems)
    return _slope_check(
        "momentum_batch.hb.window_end", "slope of B_c^HB vs kappa (law: tr H/sqrt(lam_max lam_min))",
        kap, bc, law_y, _KAPPA_WINDOW, _KAPPA_SHIFT, settings,
        notes=_KAPPA_NOTE + f" B_c^HB / law = {np.round(bc / law_y, 3).tolist()}.",
        xlabel="kappa = lam_max/lam_min", ylabel="heavy-ball critical batch B_c (CE halved)",
    )


_B_LARGE = 2.0**40  # "B -> oo": at 2^24 a finite-batch correction is still visible (see law notes)


def _large_batch_runtime(method: str, name: str, scale, scale_label: str, settings: Settings) -> Verdict:
    """Slope in kappa of the tuned serial runtime at B = 2^40 against the law at the same B."""
    key = f"momentum_batch.{method}.serial_runtime"
    specs = _kappa_specs(settings)
    problems = [_problem(s) for s in specs]
    T = np.array([_curve(s, method, (1.0, _B_LARGE))[0][-1] for s in specs])
    kap = np.array(_kappas(settings))
    law_y = _law_values(key, problems, B=int(_B_LARGE))
    return _slope_check(
        key, f"slope of T_{name}(B = 2^40) vs kappa",
        kap, T, law_y, _KAPPA_WINDOW, _KAPPA_SHIFT, settings,
        notes=_KAPPA_NOTE + f" T_{name} / {scale_label} = {np.round(T / scale(kap), 3).tolist()}.",
        xlabel="kappa = lam_max/lam_min",
        ylabel=f"{'heavy-ball' if method == 'hb' else 'SGD'} serial runtime T (steps per e-fold)",
    )


@check("momentum_batch.hb.serial_runtime", name="momentum_batch.hb.serial_runtime[B=2^40]", quick_seconds=3)
def hb_runtime_large_batch(settings: Settings) -> Verdict:
    """At large batch heavy ball's serial runtime tends to its accelerated scale sqrt(kappa)."""
    return _large_batch_runtime("hb", "HB", np.sqrt, "sqrt(kappa)", settings)


@check("momentum_batch.sgd.serial_runtime", name="momentum_batch.sgd.serial_runtime[B=2^40]", quick_seconds=1)
def sgd_runtime_large_batch(settings: Settings) -> Verdict:
    """At large batch SGD's serial runtime tends to kappa (no acceleration)."""
    return _large_batch_runtime("sgd", "SGD", lambda k: k, "kappa", settings)


@check("momentum_batch.sgd.serial_runtime", name="momentum_batch.sgd.serial_runtime[B=1]", quick_seconds=1)
def sgd_runtime_small_batch(settings: Settings) -> Verdict:
    """At batch 1 SGD's serial runtime grows like tr H/lam_min (the noise-limited branch)."""
    specs = _kappa_specs(settings)
    problems = [_problem(s) for s in specs]
    T = np.array([_curve(s, "sgd", (1.0, _B_LARGE))[0][0] for s in specs])
    kap = np.array(_kappas(settings))
    law_y = _law_values("momentum_batch.sgd.serial_runtime", problems, B=1)
    return _slope_check(
        "momentum_batch.sgd.serial_runtime", "slope of T_SGD(B = 1) vs kappa",
        kap, T, law_y, _KAPPA_WINDOW, _KAPPA_SHIFT, settings,
        notes=_KAPPA_NOTE + f" T_SGD / law = {np.round(T / law_y, 3).tolist()}.",
        xlabel="kappa = lam_max/lam_min", ylabel="SGD serial runtime T at B = 1",
    )


# ============================================================================ ASGD gain vs d


def _gain_data(a: float, settings):
    ds = [16, 32, 64, 128, 256] + ([512, 1024] if settings.full else [])
    specs = [("power_law", d, a) for d in ds]
    gains, rows = [], []
    for s in specs:
        ts = _curve(s, "sgd", (1.0,))[0][0]
        th = _curve(s, "hb", (1.0,))[0][0]
        ta = _curve(s, "asgd", (1.0,))[0][0]
        gains.append(min(ts, th) / ta)
        rows.append((ts, th, ta))
    return np.array(ds, dtype=float), np.array(gains), rows


def _gain_check(a: float, settings: Settings, shift: float = NEGATIVE_SHIFT) -> Verdict:
    key = "momentum_batch.powerlaw.asgd.small_batch_ce_gain"
    d, gain, rows = _gain_data(a, settings)
    law = sl.law(key)
    law.check(a=a, d=int(d[-1]))
    predicted = float(law.exponent("d").subs(law.params["a"].symbol, law.params["a"].check(a)))
    predicted += settings.perturb
    window = (d[1] * 0.99, d[-1] * 1.01)
    fit = fit_drifting_slope(d, gain, window, shift=2.0)
    verdict = make_verdict(
        key, f"slope of the B = 1 CE gain of ASGD over min(SGD, HB) vs d, lambda_i = i^-{a:g}",
        predicted, fit, slack=0.0,
        slack_reason="none: Theta law without log factors; pre-asymptotic drift is in the interval",
        negative_shift=shift,
        notes=f"d = {d.astype(int).tolist()}; gains {np.round(gain, 3).tolist()}; T at B = 1 "
        f"(SGD, HB, ASGD): {[tuple(round(v, 1) for v in r) for r in rows]}. Predicted: "
        "law.exponent('d') of the power-law law at this a.",
    )
    return _finish(verdict, "d (dimension)", "CE gain of ASGD at B = 1")


@check(
    "momentum_batch.powerlaw.asgd.small_batch_ce_gain",
    name="momentum_batch.powerlaw.asgd.small_batch_ce_gain[a=2]", quick_seconds=8,
    known_failure=(
        "Finding: for lambda_i = i^-2 the B = 1 CE gain of tuned ASGD over tuned HB/SGD grows "
        "like d^0.67 (gains 4.28, 6.74, 10.7, 17.2 at d = 32 ... 256; local slopes 0.655, 0.671, "
        "0.678, not drifting towards 0.5), faster than the predicted d^((a-1)/2) = d^0.5: tuned "
        "ASGD needs T ~ d^1.31 steps at B = 1, fewer than the sqrt(kappa_s kappa_tilde) ~ d^1.5 "
        "of the Jain et al. bound used in the derivation."
    ),
)
def asgd_gain_fast_decay(settings: Settings) -> Verdict:
    """ASGD's small-batch CE gain grows like d^((a-1)/2) for a fast-decaying power law (a = 2)."""
    # negative control shift 0.3: the known failure's measured slope (0.67) sits 0.17 above the
    # prediction, where a +0.15 control would land on the data instead of testing the check
    return _gain_check(2.0, settings, shift=0.3)


@check(
    "momentum_batch.powerlaw.asgd.small_batch_ce_gain",
    name="momentum_batch.powerlaw.asgd.small_batch_ce_gain[a=0.5]", quick_seconds=4,
    known_failure=(
        "Finding: for lambda_i = i^-0.5 the B = 1 CE gain is flat to 1% (1.009, 1.012, 1.014, "
        "1.016, 1.018 at d = 16 ... 256) but its fitted exponent 0.0029 (window interval "
        "0.0017 ... 0.0041) is not the law's 0: the exact recursion resolves a slow drift that "
        "a Theta statement does not pin down at these sizes."
    ),
)
def asgd_gain_slow_decay(settings: Settings) -> Verdict:
    """ASGD's small-batch CE gain stays O(1) (exponent 0 in d) for a slow-decaying power law."""
    return _gain_check(0.5, settings)


# ============================================================================ the B sweep (plot)


def _sweep_batches(settings):
    if settings.full:
        return tuple(float(2**j) for j in range(0, 17))
    return tuple(float(4**j) for j in range(0, 8))


_SWEEP_SPEC = ("power_law", 64, 2.0)


@check(
    "momentum_batch.asgd.serial_runtime", name="momentum_batch.asgd.serial_runtime[a=2,d=64]",
    quick_seconds=18,
    known_failure=(
        "Finding: on lambda_i = i^-2, d = 64, tuned ASGD's T(B) divided by the law falls from "
        "0.45 (B = 1) to 0.26 (B >= 32) and then stays flat: fitted slope -0.049 in B over "
        "B = 4^0 ... 4^7 (window interval -0.136 ... -0.008), i.e. the law overestimates small-batch runtime by ~1.7x "
        "relative to large batches (same cause as the d^0.67 small-batch gain)."
    ),
)
def asgd_runtime_sweep(settings: Settings) -> Verdict:
    """ASGD's serial runtime follows the law's shape in B (measured/law has slope 0 in B).

    Spectrum lambda_i = i^-2, d = 64; B = 4^0 ... 4^7 (2^0 ... 2^16 full). The plot also shows SGD and
    heavy ball, and B T = 1/CE for the three methods, with the laws' curves anchored at B = 1.
    """
    Bs = _sweep_batches(settings)
    p = _problem(_SWEEP_SPEC)
    T = {m: _curve(_SWEEP_SPEC, m, Bs)[0] for m in ("sgd", "hb", "asgd")}
    x = np.array(Bs)
    laws = {
        "sgd": "momentum_batch.sgd.serial_runtime",
        "hb": "momentum_batch.hb.serial_runtime",
        "asgd": "momentum_batch.asgd.serial_runtime",
    }
    law_T = {m: np.array([_law_values(k, [p], B=int(B))[0] for B in Bs]) for m, k in laws.items()}
    ratio = T["asgd"] / law_T["asgd"]
    window = (x[0], x[-1])
    fit = fit_loglog_slope(x, ratio, window)
    verdict = make_verdict(
        "momentum_batch.asgd.serial_runtime", "slope in B of T_ASGD(measured)/T_ASGD(law), i^-2, d=64",
        0.0 + settings.perturb, fit, slack=0.0,
        slack_reason="none: Theta law; the whole B range is one window (no asymptote to reach)",
        negative_shift=NEGATIVE_SHIFT,
        notes="measured/law ratios " + str(np.round(ratio, 3).tolist()),
    )
    series = []
    colors = {"sgd": "C2", "hb": "C1", "asgd": "C4"}
    for m in ("sgd", "hb", "asgd"):
        c = colors[m]
        anchor = T[m][0] / law_T[m][0]
        series.append({"x": x.tolist(), "y": T[m].tolist(), "label": f"T {m} (measured)", "style": c + "o"})
        series.append({"x": x.tolist(), "y": (anchor * law_T[m]).tolist(), "label": f"T {m} (law, anchored at B=1)", "style": c + "--"})
        series.append({"x": x.tolist(), "y": (x * T[m]).tolist(), "label": f"B T = 1/CE {m}", "style": c + "s"})
        series.append({"x": x.tolist(), "y": (anchor * x * law_T[m]).tolist(), "label": f"B T {m} (law)", "style": c + ":"})
    data = {
        "x": x.tolist(), "y": ratio.tolist(), "label": "T_ASGD measured / law",
        "series": series, "loglog": True,
    }
    return _finish(verdict, "batch size B", "T (steps per e-fold); B T = 1/CE (gradient queries)", **data)
