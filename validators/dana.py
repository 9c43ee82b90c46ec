"""Checks of the DANA laws against the deterministic equivalent of Gen-Mom SGD on PLRF.

Every check integrates the deterministic equivalent (the loss ODE) of
:mod:`scalinglaws.validators.processes.powerlaw_ode` with the authors' default hyperparameters
(:math:`\\gamma_2 = 0.375/\\operatorname{tr}K`, DANA-constant :math:`\\gamma_3 = 0.1/(d\\operatorname{tr}K)`,
DANA-decaying :math:`\\gamma_3 = 0.1(1+t)^{-1/(2\\alpha)}`, :math:`\\Delta = \\delta/(1+t)` with the
code's :math:`\\delta`; SGD-M :math:`\\Delta = 0.1`, :math:`\\gamma_3 = \\Delta\\gamma_2`), batch 1,
theory spectrum :math:`\\lambda_j = j^{-2\\alpha}`, at :math:`\\alpha = 1.5, \\beta = 0.3` (pure-point
region, the cheapest clean point of the digest). The ODE itself is compared with the exact
discrete second-moment recursion (``linreg.expected_risk(method="genmom")``) and that with
Monte Carlo runs in ``tests/test_dana.py``.

The curves are deterministic, so an exponent's interval is the window interval widened by the
drift allowance of :func:`~scalinglaws.validators.fit.fit_drifting_slope` (how far the slope
moved over the preceding factor 8): it measures pre-asymptotic drift, not noise. No slack: the
laws are Θ statements without log factors in our derivation. Loss-curve exponents are fitted on
:math:`P - F_0` (:math:`F_0` = the problem's ``p_inf``) in windows far above the floor.
"""

from __future__ import annotations

import functools
import math

import numpy as np

import scalinglaws as sl

from .checks import Settings, check
from .fit import Verdict, fit_drifting_slope, make_verdict

ALPHA, BETA = 1.5, 0.3
DRIFT_SHIFT = 8.0
NEGATIVE_SHIFT = 0.15
DT = 0.02  # log-time step of the ODE
_OPTIMIZERS = ("sgd", "sgdm", "dana_constant", "dana_decaying")


def _optimizer(name, problem):
    from .processes import powerlaw_ode as O

    if name == "sgdm":
        return O.sgd_momentum(problem, delta=0.1)
    return {"sgd": O.sgd, "dana_constant": O.dana_constant, "dana_decaying": O.dana_decaying}[name](problem)


@functools.lru_cache(maxsize=64)
def _curve(name: str, alpha: float, beta: float, d: int, t_max: float):
    from .processes import powerlaw_ode as O

    p = O.PLRFProblem(alpha, beta, d)
    return O.solve(p, _optimizer(name, p), t_max, dt=DT)


def _predicted_exponent(key: str, var: str, settings: Settings, **values) -> float:
    """The exponent p of ``law ~ var**p`` at ``values`` (validated against the law's regime)."""
    law = sl.law(key)
    values = {k: v for k, v in values.items() if k in law.params}
    law.check(**values)
    subs = {law.params[k].symbol: law.params[k].check(v) for k, v in values.items() if k != var}
    return float(law.exponent(var).subs(subs)) + settings.perturb


def _value(key: str, settings: Settings, **values) -> float:
    law = sl.law(key)
    return float(law.evaluate(**{k: v for k, v in values.items() if k in law.params})) + settings.perturb


def _finish(verdict: Verdict, xlabel: str, ylabel: str, **extra) -> Verdict:
    data = dict(verdict.data)
    data.update(xlabel=xlabel, ylabel=ylabel, **extra)
    verdict.data = data
    return verdict


# ------------------------------------------------------------------------------- loss curves


def _slope_check(key, name, d, window, settings, label):
    t_max = window[1]
    c = _curve(name, ALPHA, BETA, d, t_max)
    p_inf = c.problem.p_inf
    excess = c.risk[1:] - p_inf
    predicted = _predicted_exponent(key, "t", settings, alpha=ALPHA, beta=BETA, d=d, t=t_max)
    fit = fit_drifting_slope(c.t[1:], excess, window, shift=DRIFT_SHIFT)
    above = float(excess[-1] / p_inf)
    v = make_verdict(
        key, f"{label} loss slope, alpha={ALPHA} beta={BETA} d={d}", predicted, fit,
        slack=0.0, slack_reason="none: Theta law, no log factor in the mode argument",
        negative_shift=NEGATIVE_SHIFT,
        notes=f"Deterministic equivalent (ODE, dt={DT}); fit of P - F_0 on t in {window}; at the "
        f"window's end P - F_0 = {above:.3g} F_0 (far above the floor).",
    )
    return _finish(v, "t (iterations)", "P - F_0", optimizer=name)


@check("dana.sgd.loss", name="dana.sgd.loss_slope", quick_seconds=1)
def sgd_slope(settings: Settings):
    """SGD's loss exponent -(2 alpha + 2 beta - 1)/(2 alpha) on the ODE."""
    d = 16000 if settings.full else 2000
    return _slope_check("dana.sgd.loss", "sgd", d, (1e4, 1e6), settings, "SGD")


@check("dana.sgdm.loss", name="dana.sgdm.loss_slope", quick_seconds=2)
def sgdm_slope(settings: Settings):
    """SGD-M (Delta = 0.1) has SGD's loss exponent (fitted at t >> 1/Delta)."""
    d = 16000 if settings.full else 2000
    return _slope_check("dana.sgdm.loss", "sgdm", d, (1e4, 1e6), settings, "SGD-M")


@check("dana.decaying.loss", name="dana.decaying.loss_slope", quick_seconds=4)
def decaying_slope(settings: Settings):
    """DANA-decaying's loss exponent = SGD's x (2 - 1/(2 alpha)) on the ODE."""
    d = 32000 if settings.full else 8000
    return _slope_check("dana.decaying.loss", "dana_decaying", d, (1e5, 1e6), settings, "DANA-decaying")



@check("dana.decaying.speedup", name="dana.decaying.speedup_ratio", quick_seconds=4)
def decaying_speedup(settings: Settings):
    """Ratio of DANA-decaying's loss exponent to SGD's (same d, same window) = 2 - 1/(2 alpha)."""
    d = 32000 if settings.full else 8000
    window = (1e5, 1e6)
    fits = {}
    for name in ("sgd", "dana_decaying"):
        c = _curve(name, ALPHA, BETA, d, window[1])
        fits[name] = fit_drifting_slope(c.t[1:], c.risk[1:] - c.problem.p_inf, window, shift=DRIFT_SHIFT)
    (s0, s1), (d0, d1) = fits["sgd"].ci, fits["dana_decaying"].ci
    if not s1 < 0:
        raise RuntimeError("SGD's fitted slope interval reaches 0: no ratio")
    corners = [a / b for a in (d0, d1) for b in (s0, s1)]
    ci = (min(corners), max(corners))
    measured = fits["dana_decaying"].slope / fits["sgd"].slope
    predicted = _value("dana.decaying.speedup", settings, alpha=ALPHA, beta=BETA)
    wrong = [predicted - NEGATIVE_SHIFT, predicted + NEGATIVE_SHIFT]
    wrong_passed = [ci[0] <= w <= ci[1] for w in wrong]
    return Verdict(
        key="dana.decaying.speedup", check=f"exponent ratio DANA-decaying/SGD, alpha={ALPHA} beta={BETA} d={d}",
        predicted=predicted, measured=measured, ci=ci, window=window,
        slack_reason="none: ratio of two Theta-law exponents", kind="value", method="interval ratio",
        warnings=list(fits["sgd"].warnings) + list(fits["dana_decaying"].warnings),
        notes="Interval: the ratio over the corners of the two slope intervals (window + drift). "
        f"SGD slope {fits['sgd'].slope:.4f}, DANA-decaying slope {fits['dana_decaying'].slope:.4f}.",
        data={"x": [1.0, 2.0], "y": [abs(fits["sgd"].slope), abs(fits["dana_decaying"].slope)],
              "loglog": False, "xlabel": "1 = SGD, 2 = DANA-decaying", "ylabel": "|loss exponent|"},
        negative_control={"shift": NEGATIVE_SHIFT, "mode": "additive", "predicted": wrong,
                          "passed": wrong_passed, "rejected": not any(wrong_passed)},
    )


# --------------------------------------------------------------------- DANA-constant onset


def _onset_time(sgd, dana) -> float:
    """First t where (P_dana - F_0) / (P_sgd - F_0) falls below 1/2 (log-linear interpolation)."""
    p_inf = sgd.problem.p_inf
    r = np.log((dana.risk[1:] - p_inf) / (sgd.risk[1:] - p_inf))
    lt = np.log(dana.t[1:])
    i = int(np.argmax(r < math.log(0.5)))
    if i == 0:
        raise RuntimeError("DANA-constant never reached half of SGD's excess loss")
    w = (math.log(0.5) - r[i - 1]) / (r[i] - r[i - 1])
    return float(math.exp(lt[i - 1] + w * (lt[i] - lt[i - 1])))


@check("dana.constant.onset", name="dana.constant.onset_scaling", quick_seconds=5)
def constant_onset(settings: Settings):
    """DANA-constant leaves SGD at t ~ d: the time its excess loss is half SGD's grows like d."""
    ks = range(0, 8) if settings.full else range(0, 7)
    ds = np.array([64 * 2**k for k in ks])
    t_on = []
    for d in ds:
        t_max = 200.0 * d
        t_on.append(_onset_time(_curve("sgd", ALPHA, BETA, int(d), t_max),
                                _curve("dana_constant", ALPHA, BETA, int(d), t_max)))
    t_on = np.array(t_on)
    predicted = _predicted_exponent("dana.constant.onset", "d", settings, alpha=ALPHA, beta=BETA, d=int(ds[-1]))
    window = (float(ds[-4]), float(ds[-1]))
    fit = fit_drifting_slope(ds.astype(float), t_on, window, shift=DRIFT_SHIFT)
    v = make_verdict(
        "dana.constant.onset", f"onset time vs d, alpha={ALPHA} beta={BETA}", predicted, fit,
        slack_reason="none: Theta law", negative_shift=NEGATIVE_SHIFT,
        notes="Onset = first t with (P_DANA-const - F_0) < (P_SGD - F_0)/2; measured t_on/d = "
        + ", ".join(f"{x / d:.1f}" for x, d in zip(t_on, ds)) + ".",
    )
    return _finish(v, "d", "onset time t_on")


# ------------------------------------------------------------------------- compute-optimal


_CO_NAMES = {"sgd": "sgd", "constant": "dana_constant", "decaying": "dana_decaying"}


@functools.lru_cache(maxsize=8)
def _frontier(name: str, full: bool):
    from .processes import powerlaw_ode as O

    ks = range(9) if full else range(8)
    f_max = 1e14 if full else 1e13
    curves = [_curve(name, ALPHA, BETA, 25 * 2**k, f_max / (25 * 2**k)) for k in ks]
    return O.isoflop_frontier(curves, n_flops=60 if full else 40)


def _co_check(family: str, which: str, settings: Settings):
    key = f"dana.{family}.{which}"
    fr = _frontier(_CO_NAMES[family], settings.full)
    m = fr.interior
    f = fr.flops[m]
    y = fr.d_star[m] if which == "xi" else fr.loss_star[m]
    hi = float(f.max())
    window = (hi / 100.0, hi)  # the upper two decades of the interior frontier
    fit = fit_drifting_slope(f, y, window, shift=DRIFT_SHIFT)
    law_value = _value(key, settings, alpha=ALPHA, beta=BETA)
    predicted = law_value if which == "xi" else -law_value
    edge = int((~fr.interior).sum())
    v = make_verdict(
        key, f"IsoFLOP {which} of {_CO_NAMES[family]}, alpha={ALPHA} beta={BETA}", predicted, fit,
        slack_reason="none: Theta law", negative_shift=NEGATIVE_SHIFT,
        notes=f"IsoFLOP envelope of ODE curves at d = 25 * 2^k ({len(fr.d_grid)} sizes), compute "
        f"f = t d; fit only where d* is interior to the grid ({edge} of {len(fr.flops)} compute "
        "values at an edge were left out); window = the upper two decades of the interior part. "
        + ("xi: slope of d* vs f." if which == "xi" else "eta: minus the slope of P* vs f."),
    )
    return _finish(v, "compute f = t d", "d*" if which == "xi" else "P*", optimizer=_CO_NAMES[family])


def _register_co(family, which, seconds, known_failure=""):
    def run(settings: Settings):
        return _co_check(family, which, settings)

    run.__doc__ = f"Compute-optimal {which} of {_CO_NAMES[family]} from the IsoFLOP envelope of the ODE."
    check(f"dana.{family}.{which}", name=f"dana.{family}.{which}_isoflop", quick_seconds=seconds,
          known_failure=known_failure)(run)


_register_co("sgd", "xi", 1, known_failure=(
    "xi = 0.244 [0.193, 0.2499] vs 0.25 at d <= 3200: the interpolated d* oscillates with the "
    "factor-2 d grid (local slopes 0.19-0.40), biasing the upper-two-decade window low"))
_register_co("sgd", "eta", 1)
_register_co("constant", "xi", 6, known_failure=(
    "xi = 0.328 [0.298, 0.330] vs 0.333 at d <= 3200: grid-limited d* (local slopes 0.23-0.47 "
    "over one d doubling)"))
_register_co("constant", "eta", 6)
_register_co("decaying", "xi", 7)
_register_co("decaying", "eta", 7)


# ------------------------------------------------------------------------------------ report

_LABELS = {"sgd": "SGD", "sgdm": "SGD-M", "dana_constant": "DANA-constant", "dana_decaying": "DANA-decaying"}


def report_figures(records, plots_dir):
    """Loss curves of SGD, SGD-M and DANA, and the IsoFLOP frontiers P*(f) of SGD and the two
    DANAs, from the checks' data; returns ``(title, filename)`` pairs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = []
    data = [(r.get("check", ""), (r.get("verdict") or {}).get("data") or {}) for r in records]
    curves = [(n, x) for n, x in data if x.get("optimizer") and x.get("x") and "loss_slope" in n]
    if curves:
        fig, ax = plt.subplots(figsize=(6, 4.5))
        for _, x in curves:
            ax.loglog(x["x"], x["y"], lw=1.5, label=_LABELS.get(x["optimizer"], x["optimizer"]))
        ax.set_xlabel("t (iterations)")
        ax.set_ylabel("P - F_0")
        ax.set_title(f"Loss curves on PLRF, alpha={ALPHA}, beta={BETA} (ODE)")
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(plots_dir / "dana_loss_curves.png", dpi=110)
        plt.close(fig)
        out.append(("SGD, SGD-M and DANA loss curves (deterministic equivalent)", "dana_loss_curves.png"))
    fronts = [(n, x) for n, x in data if x.get("optimizer") and x.get("x") and n.endswith("eta_isoflop")]
    if fronts:
        fig, ax = plt.subplots(figsize=(6, 4.5))
        for _, x in fronts:
            ax.loglog(x["x"], x["y"], "o-", ms=3, lw=1, label=_LABELS.get(x["optimizer"], x["optimizer"]))
        ax.set_xlabel("compute f = t d")
        ax.set_ylabel("compute-optimal loss P*")
        ax.set_title(f"IsoFLOP frontiers, alpha={ALPHA}, beta={BETA}")
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(plots_dir / "dana_isoflop.png", dpi=110)
        plt.close(fig)
        out.append(("IsoFLOP frontiers: SGD vs DANA-constant vs DANA-decaying", "dana_isoflop.png"))
    return out

