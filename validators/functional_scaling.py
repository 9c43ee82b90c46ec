r"""Checks of the functional-scaling-law laws against the exact expected-risk recursion.

Process: batch-1 SGD on Gaussian linear regression with :math:`\lambda_j = j^{-\beta}` and
:math:`\lambda_j\theta_j^{*2} = j^{-(1+s\beta)}` (``linreg.PowerLawProblem(a=beta, b=1+s*beta)``,
the dictionary :math:`a = \beta`, :math:`b = 1 + s\beta`), :math:`M = \infty` approximated by
:math:`d = 10^8` spectrally binned features, label noise :math:`\sigma^2 = 1`, last iterate (no
averaging), through :func:`scalinglaws.validators.processes.linreg.expected_risk`. The FSL
functional comes from :func:`scalinglaws.papers.functional_scaling.fsl`. ``linreg`` measures
the excess risk :math:`\tfrac12\sum\lambda_i S_i`; the FSL's exact-kernel forms approximate
twice that (:math:`q = \sum\lambda_i S_i`), so trajectories compare :math:`q` with :math:`F`.

The recursion is deterministic: intervals are window intervals with the drift allowance
(:func:`~scalinglaws.validators.fit.fit_drifting_slope`), i.e. statements about
pre-asymptotic drift, not sampling noise. Each check says its slack and why.

Schedules: constant, cosine (to 0) and the paper's WSD-like schedule (eq. 12: constant, then
*exponential* decay to :math:`\eta/K` over the last fraction :math:`r`), built as a custom
``linreg.Schedule`` from :func:`~scalinglaws.papers.functional_scaling.wsd_like_steps`.
"""

from __future__ import annotations

import functools
import math

import numpy as np

import scalinglaws as sl

from .checks import Settings, check
from .fit import Verdict, fit_drifting_slope, log_factor_slack, make_verdict
from .processes import fsl as fs

D_FEATURES = 10**8
SIGMA2 = 1.0
NEGATIVE_SHIFT = 0.15
DRIFT_SHIFT = 8.0
PEAK = 0.2  # peak step of the trajectory checks (lambda_1 = 1: x = eta lambda_1 = 0.2)
WSD_FRACTION = 0.2  # decay fraction r of the WSD-like trajectory checks
HARD = (0.5, 2.5)  # (s, beta): s <= 1 - 1/beta = 0.6
EASY = (1.0, 2.0)  # (s, beta): s >= 1 - 1/beta = 0.5
_BINS = dict(n_exact=512, bin_width=0.02)  # digest 7.2: accurate to O(width^2) for these runs


def _backend(settings: Settings) -> str:
    return "numpy" if settings.backend == "numpy" else "numba"


@functools.lru_cache(maxsize=8)
def _problem(s: float, beta: float):
    from .processes.linreg import PowerLawProblem

    return PowerLawProblem(beta, 1 + s * beta, D_FEATURES, sigma2=SIGMA2, **_BINS)


def _schedule(steps: np.ndarray, kind: str):
    """A linreg.Schedule that replays an array of step sizes (for the FSL's own schedules)."""
    from .processes.linreg import Schedule

    steps = np.asarray(steps, dtype=float)
    return Schedule(kind, {"n": steps.size}, lambda t: steps[t.astype(np.int64) - 1],
                    horizon=steps.size)


def _steps(kind: str, peak: float, K: int, fraction: float = WSD_FRACTION) -> np.ndarray:
    if kind == "constant":
        return np.full(K, peak)
    if kind == "cosine":
        k = np.arange(1, K + 1)
        return peak * 0.5 * (1 + np.cos(np.pi * (k - 1) / max(K - 1, 1)))
    if kind == "exp_decay":
        return fs.exp_decay_steps(peak, K)
    if kind == "wsd_like":
        return fs.wsd_like_steps(peak, K, fraction)
    raise ValueError(kind)


def _final_risks(s, beta, kind, peaks, K, backend, fraction=WSD_FRACTION):
    """Final excess risk after K steps for each peak (one vectorised recursion)."""
    from .processes.linreg import expected_risk

    scheds = [_schedule(_steps(kind, p, K, fraction), kind) for p in peaks]
    curve = expected_risk(_problem(s, beta), scheds, K, [K], "none", backend=backend)
    return np.asarray(curve.risk_last)[:, -1]


def _finish(verdict: Verdict, xlabel: str, ylabel: str) -> Verdict:
    data = dict(verdict.data)
    data.update(xlabel=xlabel, ylabel=ylabel)
    verdict.data = data
    return verdict


# ------------------------------------------------------------------------------ trajectories


RATIO_SHIFT = 32.0


def _horizons(settings: Settings) -> np.ndarray:
    top = 16 if settings.full else 14
    return np.unique(np.round(2.0 ** np.arange(4, top + 0.01, 0.5)).astype(int))


@functools.lru_cache(maxsize=16)
def _final_ratios(kind: str, kernel: str, full: bool, backend: str):
    """Horizons K and the ratio (2 x exact final excess risk) / FSL(K) for one schedule."""
    s, beta = HARD
    Ks = _horizons(Settings(full=full))
    ratios = []
    for K in Ks:
        steps = _steps(kind, PEAK, int(K))
        q = 2.0 * _final_risks(s, beta, kind, (PEAK,), int(K), backend)[0]
        F = fs.fsl(steps, s=s, beta=beta, sigma2=SIGMA2, kernel=kernel, **_BINS)[-1]
        ratios.append(q / F)
    return Ks.astype(float), np.array(ratios)


def _ratio_check(key: str, kernel: str, kind: str, settings: Settings) -> Verdict:
    s, beta = HARD
    law = sl.law(key)
    point = {k: v for k, v in dict(s=s, beta=beta, sigma2=SIGMA2).items() if k in law.params}
    law.check(**point)  # the point lies in the theorem's regime
    # a Theta(1) ratio has exponent 0 in the horizon: d log(ratio) / d log K -> 0
    predicted = 0.0 + settings.perturb
    Ks, ratios = _final_ratios(kind, kernel, settings.full, _backend(settings))
    window = (Ks[-1] / 32, Ks[-1])
    # Drift allowance over a factor 32 (not 8): the local slopes of these ratios decay towards 0
    # like K^-omega with omega ~ 0.2-0.7 (measured), and the allowance's assumption needs
    # shift^omega >= 2, i.e. omega >= 0.2 for a shift of 32.
    fit = fit_drifting_slope(Ks, ratios, window, shift=RATIO_SHIFT)
    verdict = make_verdict(
        key, f"ratio exact / FSL({kernel}) at the end of a {kind} schedule vs horizon K",
        predicted, fit, slack=0.0,
        slack_reason="none: the theorem bounds the ratio by constants independent of t (no log factor)",
        negative_shift=NEGATIVE_SHIFT,
        notes=(
            f"s = {s}, beta = {beta} (hard regime), sigma^2 = {SIGMA2}, peak eta = {PEAK}, "
            f"batch 1, d = 1e8 binned; ratio range over the horizons "
            f"[{ratios.min():.3f}, {ratios.max():.3f}]. A bounded ratio has slope 0 in K; a "
            "functional with a wrong exponent would drift."
        ),
    )
    return _finish(verdict, "horizon K (steps)", "2 x excess risk / FSL at step K")


@check("functional_scaling.fsl_theorem_hard", name="functional_scaling.fsl_theorem_hard[constant]",
       quick_seconds=1)
def hard_constant(settings: Settings) -> Verdict:
    """Theorem 4.2: exact risk / power-law FSL (unit constants) stays bounded, constant LR.

    Only the constant schedule: along cosine and WSD-like schedules the unit-constant power-law
    FSL's ratio converges too slowly for a slope test at our horizons (see the law's notes).
    """
    return _ratio_check("functional_scaling.fsl_theorem_hard", "power", "constant", settings)


_WSD_NOISY_FINDING = (
    "Quick sizes: along the WSD-like schedule the ratio stays in [1.04, 1.08] for K = 16..65536 "
    "but its slope converges slowly (local slope -0.0047 at K = 2^10, -0.0018 at 2^16) after a "
    "turning point near K = 2^7, so at K <= 2^14 the slope with the drift allowance is -0.004 "
    "[-0.0076, -0.0004] and excludes 0; with K <= 2^16 (--full) it includes 0."
)

for _kind in ("constant", "cosine", "wsd_like"):
    def _noisy(settings: Settings, _kind=_kind) -> Verdict:
        return _ratio_check("functional_scaling.fsl_theorem_noisy", "exact", _kind, settings)

    _noisy.__doc__ = f"Theorem 4.4: exact risk / FSL with e_M, K_M stays bounded along {_kind} schedules."
    check("functional_scaling.fsl_theorem_noisy",
          name=f"functional_scaling.fsl_theorem_noisy[{_kind}]", quick_seconds=3,
          known_failure=_WSD_NOISY_FINDING if _kind == "wsd_like" else "")(_noisy)


@check("functional_scaling.volterra_ratio", name="functional_scaling.volterra_ratio[const,cosine,wsd_like]",
       quick_seconds=2)
def volterra(settings: Settings) -> Verdict:
    """Exact risk / Volterra solution along constant, cosine and WSD-like trajectories: ratio 1.

    Slack (ours, derived next to the law): the exact per-step factor 1 - 2x + 2x^2 (batch 1,
    x = eta lambda) and the Volterra form's e^(-2x) differ by at most (4/3) x^3; at the noise
    equilibrium that is a relative error of (2/3) x^2 / (1 - x), largest for the top direction
    (lambda_1 = 1) at the peak step: x = eta_max.
    """
    s, beta = HARD
    law = sl.law("functional_scaling.volterra_ratio")
    predicted = float(law.evaluate(eta=PEAK)) + settings.perturb
    K = 4096 if settings.full else 2048
    from .processes.linreg import default_checkpoints, expected_risk

    ck = default_checkpoints(K, 48)
    series, lo, hi, worst = [], np.inf, -np.inf, None
    kinds = ("constant", "cosine", "wsd_like")
    scheds = [_schedule(_steps(kind, PEAK, K), kind) for kind in kinds]
    curve = expected_risk(_problem(s, beta), scheds, K, ck, "none", backend=_backend(settings))
    for i, kind in enumerate(kinds):
        q = 2.0 * np.asarray(curve.risk_last)[i]
        F = fs.fsl(_steps(kind, PEAK, K), s=s, beta=beta, sigma2=SIGMA2, kernel="volterra",
                   d=D_FEATURES, **_BINS)[ck - 1]
        ratio = q / F
        lo, hi = min(lo, float(ratio.min())), max(hi, float(ratio.max()))
        j = int(np.argmax(np.abs(ratio - 1.0)))
        if worst is None or abs(ratio[j] - 1.0) > abs(worst - 1.0):
            worst = float(ratio[j])
        series.append({"x": ck.tolist(), "y": ratio.tolist(), "label": kind, "style": "-"})
    x = PEAK
    slack = (2.0 / 3.0) * x * x / (1.0 - x)
    ci = (lo, hi)
    shift = 0.1
    wrong = (predicted * (1 - shift), predicted * (1 + shift))
    wrong_passed = [ci[0] - slack <= w <= ci[1] + slack for w in wrong]
    return Verdict(
        key="functional_scaling.volterra_ratio",
        check=f"2 x exact risk / Volterra solution, K = {K}, three schedules",
        predicted=predicted, measured=worst, ci=ci, window=None, slack=slack,
        slack_reason=(
            f"O(x^2) error of replacing 1 - 2x + 2x^2 by e^(-2x): (2/3) x^2/(1 - x) = {slack:.4f} "
            f"at x = eta_max lambda_1 = {x}"
        ),
        kind="value", method="range over checkpoints and schedules",
        notes=(f"s = {s}, beta = {beta}, sigma^2 = {SIGMA2}, peak {PEAK}, d = 1e8 binned. "
               "ci is the range of the ratio over all checkpoints of the three schedules."),
        data={"x": series[0]["x"], "y": series[0]["y"], "label": "constant",
              "series": series[1:], "loglog": False,
              "xlabel": "step k", "ylabel": "2 x excess risk / Volterra q"},
        negative_control={"shift": shift, "mode": "relative", "predicted": list(wrong),
                          "passed": wrong_passed, "rejected": not any(wrong_passed)},
    )


# ------------------------------------------------------------------------------ data-optimal


def _predicted_exponent(key: str, var: str, settings: Settings, **values) -> float:
    """The exponent p of law ~ var**p (log factors dropped) at ``values`` (regime validated)."""
    law = sl.law(key)
    law.check(**values)
    subs = {law.params[k].symbol: law.params[k].check(v) for k, v in values.items() if k != var}
    return float(law.exponent(var).subs(subs)) + settings.perturb


@functools.lru_cache(maxsize=8)
def _constant_envelope(s: float, beta: float, full: bool, backend: str):
    """Data D, best final risk over the eta grid, argmin eta, and whether it is interior."""
    from .processes.linreg import constant, default_checkpoints, expected_risk

    n = 2**18 if full else 2**16
    etas = np.geomspace(1e-3, 0.4, 32 if full else 24)
    ck = default_checkpoints(n, 64)
    ck = ck[ck >= 64]
    curve = expected_risk(_problem(s, beta), [constant(e) for e in etas], n, ck, "none",
                          backend=backend)
    risk = np.asarray(curve.risk_last)  # (P, n_ck)
    best = risk.argmin(axis=0)
    interior = (best > 0) & (best < etas.size - 1)
    return ck.astype(float), risk.min(axis=0), etas[best], interior


def _constant_check(s, beta, settings):
    key = "functional_scaling.constant.data_optimal_loss"
    predicted = _predicted_exponent(key, "D", settings, s=s, D=2)
    D, best, eta_opt, interior = _constant_envelope(s, beta, settings.full, _backend(settings))
    window = (D[-1] / 32, D[-1])
    fit = fit_drifting_slope(D, best, window, shift=DRIFT_SHIFT)
    inside = (D >= window[0]) & (D <= window[1])
    notes = (f"min over {24 if not settings.full else 32} constant steps in [1e-3, 0.4] at each D; "
             f"s = {s}, beta = {beta}, sigma^2 = {SIGMA2}, batch 1 (D = K), last iterate.")
    # Slack: grid resolution only (Theorem 5.2 has no log factor). Near its minimum
    # E(gamma) = a (gamma D)^-s + b gamma has d^2 ln E / d(ln gamma)^2 = s, so a grid of ratio rho
    # (|ln gamma - ln gamma*| <= ln(rho)/2) gives 1 <= E_grid/E_opt <= 1 + s ln(rho)^2/8; that
    # moves a slope over a window of width ln 32 by at most ln(1 + s ln(rho)^2/8) / ln 32.
    rho = (0.4 / 1e-3) ** (1 / ((32 if settings.full else 24) - 1))
    slack = math.log1p(s * math.log(rho) ** 2 / 8) / math.log(window[1] / window[0])
    verdict = make_verdict(
        key, f"data-optimal final risk vs D, constant LR, s={s}, beta={beta}", predicted, fit,
        slack=slack,
        slack_reason=(f"eta-grid resolution (ratio {rho:.3f}): ln(1 + s ln(rho)^2/8)/ln 32 = "
                      f"{slack:.4f}; no log factor in Theorem 5.2"),
        negative_shift=NEGATIVE_SHIFT, notes=notes,
    )
    if not interior[inside].all():
        verdict.warnings.append("the optimal step sits at the edge of the eta grid inside the window")
    return _finish(verdict, "D (samples = steps)", "min over eta of the final excess risk")


@check("functional_scaling.constant.data_optimal_loss",
       name="functional_scaling.constant.data_optimal_loss[s=1,beta=2]", quick_seconds=4)
def constant_easy(settings: Settings) -> Verdict:
    """Constant LR, data-optimal final loss ~ D^-s/(s+1), easy regime."""
    return _constant_check(*EASY, settings)


@check("functional_scaling.constant.data_optimal_loss",
       name="functional_scaling.constant.data_optimal_loss[s=0.5,beta=2.5]", quick_seconds=4)
def constant_hard(settings: Settings) -> Verdict:
    """Constant LR, data-optimal final loss ~ D^-s/(s+1), hard regime."""
    return _constant_check(*HARD, settings)


@check("functional_scaling.constant.data_optimal_lr",
       name="functional_scaling.constant.data_optimal_lr[s=1,beta=2]", quick_seconds=1)
def constant_lr_easy(settings: Settings) -> Verdict:
    """Constant LR: the data-optimal step (argmin over the eta grid) ~ D^-s/(s+1)."""
    s, beta = EASY
    key = "functional_scaling.constant.data_optimal_lr"
    predicted = _predicted_exponent(key, "D", settings, s=s, D=2)
    D, _, eta_opt, interior = _constant_envelope(s, beta, settings.full, _backend(settings))
    window = (D[-1] / 32, D[-1])
    fit = fit_drifting_slope(D, eta_opt, window, shift=DRIFT_SHIFT)
    slack = math.log(np.geomspace(1e-3, 0.4, 32 if settings.full else 24)[1] / 1e-3) / math.log(32)
    verdict = make_verdict(
        key, f"argmin step vs D, constant LR, s={s}, beta={beta}", predicted, fit,
        slack=slack,
        slack_reason=(
            f"grid resolution: the argmin is quantised to the eta grid (ratio "
            f"{math.exp(slack * math.log(32)):.3f}), which can move a slope over a window of "
            f"width ln 32 by {slack:.3f}"
        ),
        negative_shift=NEGATIVE_SHIFT,
    )
    return _finish(verdict, "D (samples = steps)", "argmin over the eta grid")


def _decay_envelope(s, beta, kind, settings, fractions=(None,)):
    top = 16 if settings.full else 14
    Ks = np.unique(np.round(2.0 ** np.arange(8, top + 0.01, 0.5)).astype(int))
    peaks = np.geomspace(0.01, 0.8, 16 if settings.full else 12)
    best, edge = [], []
    for K in Ks:
        finals = np.concatenate([
            _final_risks(s, beta, kind, tuple(peaks), int(K), _backend(settings),
                         fraction=f if f is not None else WSD_FRACTION)
            for f in fractions
        ]).reshape(len(fractions), peaks.size)
        i = np.unravel_index(np.argmin(finals), finals.shape)
        best.append(finals[i])
        edge.append(i[1])
    return Ks.astype(float), np.array(best), peaks, np.array(edge)


def _decay_check(key, s, beta, kind, settings, *, kappa_law_key=None, kappa=0.0,
                 fractions=(None,), hard_regime, over_log=False):
    predicted = _predicted_exponent(key, "D", settings, s=s, beta=beta, D=3)
    Ks, best, peaks, edge = _decay_envelope(s, beta, kind, settings, fractions)
    x = Ks / np.log(Ks) if over_log else Ks
    window = (x[-1] / 32, x[-1])
    fit = fit_drifting_slope(x, best, window, shift=DRIFT_SHIFT)
    Ks = x  # the abscissa of the fit (D or D/log D), for the window mask below
    if over_log:
        slack, reason = 0.0, ("none: the law is a power of D/log D and the fit is against "
                              "D/log D, so its log factor is in the abscissa")
    elif kappa:
        slack = log_factor_slack(window, kappa=kappa)
        reason = (f"the law carries (log D)^{kappa:.3g} ({kappa_law_key}): slope shift at most "
                  f"kappa/ln(D_lo) = {slack:.3f}")
    else:
        slack, reason = 0.0, "none: the law has no log factor"
    verdict = make_verdict(
        key, f"data-optimal final risk vs D, {kind}, s={s}, beta={beta}", predicted, fit,
        slack=slack, slack_reason=reason, negative_shift=NEGATIVE_SHIFT,
        notes=(f"min over {peaks.size} peaks in [0.01, 0.8]"
               + (f" and decay fractions {list(fractions)}" if fractions != (None,) else "")
               + f" at each horizon; final step eta/K; sigma^2 = {SIGMA2}, batch 1."),
    )
    inside = (Ks >= window[0]) & (Ks <= window[1])
    at_top = edge[inside] == peaks.size - 1
    if hard_regime:
        verdict.warnings.append(
            f"optimal peak at the top of the grid at {int(at_top.sum())}/{int(inside.sum())} "
            "horizons in the window (the law predicts gamma_opt ~ 1 in the hard regime)")
    elif at_top.any() or (edge[inside] == 0).any():
        verdict.warnings.append("the optimal peak sits at an edge of the grid inside the window")
    return _finish(verdict, "D / ln D" if over_log else "D (samples = steps)",
                   "min over peaks of the final excess risk")


@check("functional_scaling.exp_decay.data_optimal_loss.hard",
       name="functional_scaling.exp_decay.data_optimal_loss.hard[s=0.5,beta=2.5]", quick_seconds=4)
def exp_hard(settings: Settings) -> Verdict:
    """Exponential decay to eta/K, hard regime: E_opt ~ (D/log D)^-s."""
    s, beta = HARD
    return _decay_check("functional_scaling.exp_decay.data_optimal_loss.hard", s, beta,
                        "exp_decay", settings, kappa_law_key="(D/log D)^-s", kappa=s,
                        hard_regime=True)


@check("functional_scaling.exp_decay.data_optimal_loss.easy",
       name="functional_scaling.exp_decay.data_optimal_loss.easy[s=1,beta=2]", quick_seconds=4)
def exp_easy(settings: Settings) -> Verdict:
    """Exponential decay to eta/K, easy regime: E_opt ~ (D/log D)^-s*beta/(1+s*beta)."""
    s, beta = EASY
    return _decay_check("functional_scaling.exp_decay.data_optimal_loss.easy", s, beta,
                        "exp_decay", settings, hard_regime=False, over_log=True)


@check("functional_scaling.wsd.data_optimal_loss.hard",
       name="functional_scaling.wsd.data_optimal_loss.hard[s=0.5,beta=2.5]", quick_seconds=8)
def wsd_hard(settings: Settings) -> Verdict:
    """WSD-like (exponential decay over the last r K steps), hard regime: E_opt ~ D^-s."""
    s, beta = HARD
    return _decay_check("functional_scaling.wsd.data_optimal_loss.hard", s, beta, "wsd_like",
                        settings, fractions=(0.1, 0.2, 0.4), hard_regime=True)


@check("functional_scaling.wsd.data_optimal_loss.easy",
       name="functional_scaling.wsd.data_optimal_loss.easy[s=1,beta=2]", quick_seconds=8)
def wsd_easy(settings: Settings) -> Verdict:
    """WSD-like, easy regime: E_opt ~ D^-s*beta/(1+s*beta) (log D)^((s*beta - s)/(1+s*beta))."""
    s, beta = EASY
    kappa = (s * beta - s) / (1 + s * beta)
    return _decay_check("functional_scaling.wsd.data_optimal_loss.easy", s, beta, "wsd_like",
                        settings, kappa_law_key="(log D)^((s beta - s)/(1 + s beta))",
                        kappa=kappa, fractions=(0.3, 0.5, 0.7, 0.9), hard_regime=False)


# ------------------------------------------------------------------------------ compute-optimal


def _top_m_problem(s: float, beta: float, M: int, d: int = D_FEATURES, sigma2: float = SIGMA2):
    r"""The top-M model of the power-law problem with ``d`` features: ``(problem, approx_error)``.

    The model learns the first ``M`` coordinates; the unlearnable tail :math:`M < j \le d`
    (frozen at :math:`w_j = 0`) enters the first ``M`` coordinates' recursion only through the
    trace :math:`\sum_j \lambda_j S_j`, as extra label noise
    :math:`\sigma_{\rm eff}^2 = \sigma^2 + \sum_{M<j\le d}\lambda_j\theta_j^{*2}` (exact for
    Gaussian features: the cross moments of independent coordinates vanish), and adds the
    approximation error :math:`\tfrac12\sum_{M<j\le d}\lambda_j\theta_j^{*2}` to the excess
    risk. ``problem`` is a ``linreg.PowerLawProblem`` with ``d = M`` and noise
    :math:`\sigma_{\rm eff}^2`; excess risk of the top-M model = its ``expected_risk`` +
    ``approx_error``. Tail sum :math:`\sum_{M<j\le d} j^{-(1+s\beta)}` by Hurwitz zeta.
    """
    from scipy.special import zeta

    from .processes.linreg import PowerLawProblem

    M, d = int(M), int(d)
    if not 1 <= M <= d:
        raise sl.errors.DomainError(f"top-M truncation needs 1 <= M <= d, got M={M}, d={d}")
    b = 1.0 + s * beta
    tail = float(zeta(b, M + 1) - zeta(b, d + 1)) if M < d else 0.0
    tail = max(tail, 0.0)
    return PowerLawProblem(beta, b, M, sigma2=sigma2 + tail, **_BINS), 0.5 * tail


def _vertex(x, y):
    """Abscissa and value of the vertex of the parabola through three points (x, y)."""
    (x0, x1, x2), (y0, y1, y2) = x, y
    d01, d12 = (y1 - y0) / (x1 - x0), (y2 - y1) / (x2 - x1)
    a = (d12 - d01) / (x2 - x0)
    if not a > 0:
        return x1, y1
    b = d01 - a * (x0 + x1)
    xv = -b / (2 * a)
    return xv, a * xv * xv + b * xv + (y0 - a * x0 * x0 - b * x0)


def _compute_grids(full: bool):
    top = 24 if full else 20
    Cs = 2.0 ** np.arange(10, top + 0.01, 0.5)
    Ms = np.unique(np.round(2.0 ** np.arange(1, (7 if full else 6) + 0.01, 0.5)).astype(int))
    gammas = np.geomspace(1e-4 if full else 3e-4, 0.2 if full else 0.1, 25 if full else 17)
    return Cs, Ms, gammas


@functools.lru_cache(maxsize=4)
def _compute_envelope(s: float, beta: float, full: bool, backend: str):
    """Per compute C: grid-min and refined-min final risk, argmin M and gamma, interior flag.

    R[c, m, g] = final excess risk of the top-M model after D = round(C/M) constant steps of
    size gamma (batch 1); one vectorised recursion per M serves every C (checkpoints C/M).
    """
    from .processes.linreg import constant, expected_risk

    Cs, Ms, gammas = _compute_grids(full)
    R = np.full((Cs.size, Ms.size, gammas.size), np.inf)
    for j, M in enumerate(Ms):
        D = np.round(Cs / M).astype(int)
        ok = D >= 16
        if not ok.any():
            continue
        ck = np.unique(D[ok])
        problem, approx = _top_m_problem(s, beta, int(M))
        curve = expected_risk(problem, [constant(g) for g in gammas], int(ck[-1]), ck, "none",
                              backend=backend)
        risk = np.asarray(curve.risk_last) + approx  # (P, n_ck)
        for i in np.nonzero(ok)[0]:
            R[i, j] = risk[:, np.searchsorted(ck, D[i])]
    lg, lm = np.log(gammas), np.log(Ms.astype(float))
    grid, refined, m_opt, g_opt, interior = [], [], [], [], []
    for i in range(Cs.size):
        jm, jg = np.unravel_index(np.argmin(R[i]), R[i].shape)
        grid.append(R[i, jm, jg])
        inside = 0 < jm < Ms.size - 1
        rows = []  # profile: for M_{jm-1..jm+1}, the parabola-refined min over ln gamma
        for j in (jm - 1, jm, jm + 1) if inside else (jm,):
            k = int(np.argmin(R[i, j]))
            if not (0 < k < gammas.size - 1 and np.isfinite(R[i, j, k - 1:k + 2]).all()):
                inside = False
                rows.append((lg[k], math.log(R[i, j, k])))
                continue
            rows.append(_vertex(lg[k - 1:k + 2], np.log(R[i, j, k - 1:k + 2])))
        if inside:
            xm, ym = _vertex(lm[jm - 1:jm + 2], [r[1] for r in rows])
            refined.append(math.exp(min(ym, rows[1][1])))
            m_opt.append(math.exp(xm))
            g_opt.append(math.exp(rows[1][0]))
        else:
            refined.append(grid[-1])
            m_opt.append(float(Ms[jm]))
            g_opt.append(float(gammas[jg]))
        interior.append(inside)
    return (Cs, np.array(grid), np.array(refined), np.array(m_opt), np.array(g_opt),
            np.array(interior))


def _max_slope_shift(x: np.ndarray, bound: np.ndarray) -> float:
    """Largest change of a least-squares slope of ln y on ln x when each ln y_i moves by at
    most ``bound[i]`` (attained by moving each point by +-bound[i] with the sign of its weight)."""
    u = np.log(x) - np.log(x).mean()
    return float(np.sum(np.abs(u) * bound) / np.sum(u * u))


@check("functional_scaling.constant.compute_optimal_loss",
       name="functional_scaling.constant.compute_optimal_loss[s=1,beta=2]", quick_seconds=4)
def constant_compute_easy(settings: Settings) -> Verdict:
    """Constant LR, compute-optimal final loss ~ C^-s*beta/(1+s*beta+beta) (top-M models).

    For each compute C = M D the final risk of the top-M model after D = C/M batch-1 steps is
    minimised over M (ratio ~sqrt 2) and gamma, refined by parabolas in ln gamma (per M) and
    then in ln M. Only budgets whose optimum is interior to both grids enter the fit.
    """
    s, beta = EASY
    key = "functional_scaling.constant.compute_optimal_loss"
    predicted = _predicted_exponent(key, "C", settings, s=s, beta=beta, C=2)
    Cs, grid, refined, m_opt, g_opt, interior = _compute_envelope(
        s, beta, settings.full, _backend(settings))
    C, E = Cs[interior], refined[interior]
    window = (C[-1] / 32, C[-1])
    fit = fit_drifting_slope(C, E, window, shift=DRIFT_SHIFT)
    inside = (C >= window[0]) & (C <= window[1])
    # Slack: the refinement's residual error. The parabola vertex replaces the grid minimum; we
    # bound its error at each budget by the size of the step it took, |ln(E_grid/E_refined)|
    # (the residual after a quadratic step is of higher order in the grid spacing), and take
    # the largest least-squares slope change such per-point errors can cause. No log factor.
    # (Cross-checked once at 6 quick budgets against the min over every integer M in 2..32 and
    # 120 steps: |ln(E_true/E_refined)| <= 0.0082, each within its budget's bound.)
    corr = np.abs(np.log(grid[interior] / refined[interior]))[inside]
    slack = _max_slope_shift(C[inside], corr)
    Cs_all, n_edge = Cs.size, int((~interior).sum())
    verdict = make_verdict(
        key, f"compute-optimal final risk vs C = M D, constant LR, s={s}, beta={beta}",
        predicted, fit, slack=slack,
        slack_reason=(f"grid refinement: per-budget |ln(E_grid/E_refined)| <= {corr.max():.4f}, "
                      f"moving the least-squares slope by at most {slack:.4f}; no log factor "
                      "in Theorem 5.2"),
        negative_shift=NEGATIVE_SHIFT,
        notes=(f"top-M models (tail as extra label noise + approximation error, exact for "
               f"Gaussian features), d = 1e8, sigma^2 = {SIGMA2}, batch 1, last iterate; "
               f"M in {sorted(set(_compute_grids(settings.full)[1].tolist()))}, "
               f"{_compute_grids(settings.full)[2].size} steps; M_opt {m_opt[interior][0]:.2f} -> "
               f"{m_opt[interior][-1]:.2f}, gamma_opt {g_opt[interior][0]:.3g} -> "
               f"{g_opt[interior][-1]:.3g} over C = {C[0]:.3g} .. {C[-1]:.3g}."),
    )
    if n_edge:
        verdict.warnings.append(
            f"{n_edge}/{Cs_all} budgets dropped: optimum at an edge of the M or gamma grid")
    return _finish(verdict, "compute C = M D", "min over M, gamma of the final excess risk")
