r"""Checks of the functional-scaling-law laws against the exact expected-risk recursion.

Process: batch-1 SGD on Gaussian linear regression with :math:`\lambda_j = j^{-\beta}` and
:math:`\lambda_j\theta_j^{*2} = j^{-(1+s\beta)}` (``linreg.PowerLawProblem(a=beta, b=1+s*beta)``,
the dictionary :math:`a = \beta`, :math:`b = 1 + s\beta`), :math:`M = \infty` approximated by
:math:`d = 10^8` spectrally binned features, label noise :math:`\sigma^2 = 1`, last iterate (no
averaging), through :func:`scalinglaws.validators.processes.linreg.expected_risk`. The FSL
functional comes from :func:`scalinglaws.validators.processes.fsl.fsl`. ``linreg`` measures
the excess risk :math:`\tfrac12\sum\lambda_i S_i`; the FSL's exact-kernel forms approximate
twice that (:math:`q = \sum\lambda_i S_i`), so trajectories compare :math:`q` with :math:`F`.

Every measurement is one deterministic curve (the recursion and the FSL have no sampling
noise): the engine extrapolates its local slopes. The judged window is the last factor
:data:`WINDOW_FACTOR` of the scale variable (as in the anytime checks).

* The theorems (``fsl_theorem_*``, ``volterra_ratio``) state that a ratio (exact risk / a
  functional of the schedule) is :math:`\Theta(1)`: the check returns the ratio at the end of
  the schedule against the horizon :math:`K`, with the law (= 1) as a ``LawCurve``; the engine
  judges the ratio's log-slope in :math:`K` (-> 0 for a bounded ratio).
* The data- and compute-optimal relations: the optimum over a grid of steps (and decay
  fractions, model sizes), refined by parabolas in the log of the step where the minimum is
  smooth (not at the stability edge of the hard regime), against :math:`D` or :math:`C`;
  ``Exponent("D")``/``Exponent("C")``, with the law's log factor (if any) divided out by the
  engine. Nothing is widened by hand: the grids are fine enough that the envelope's local slopes do not
  jump when the optimum crosses a grid point.

Schedules: constant, cosine (to 0) and the paper's WSD-like schedule (eq. 12: constant, then
*exponential* decay to :math:`\eta/K` over the last fraction :math:`r`), built as a custom
``linreg.Schedule`` from :func:`~scalinglaws.validators.processes.fsl.wsd_like_steps`.

The scaling relations of Section 5 (Theorems 5.2-5.4) are also checked on the *FSL functional*
itself, as the paper derives them: the FSL of Theorem 4.2 (unit constants) at the end of a
constant, exponential-decay or WSD-like schedule, in continuous intrinsic time
(:func:`~scalinglaws.validators.processes.fsl.fsl_end`, O(log T) work), minimised by Newton
steps over the peak, the decay fraction and the model size at each data budget D (up to
2^512) or compute budget C = M D (up to 2^240; the decays then end at eta/C, so that
log(eta/eta_min) is the log C the relations are written in), at sigma^2 = 1 (Assumption 5.1),
deep in each
regime and 0.1 from the easy/hard boundary. One cached optimisation per (schedule, budget, s,
beta) serves every check of its relations (names ``...[fsl,s=..,beta=..]``): the Theta
relations as a ``LawCurve`` against ln D (which resolves log factors) or against C, the exponent
laws as ``LawValue`` on the optimal loss. The FSL's pieces (signal term, kernel, approximation
error, saturation time, intrinsic times, the effective rate) and the final-loss formulas
(against the SGD recursion on top-M models) have checks of their own.

Issue 21: Theorem 4.5 (sigma = 0) as the ratio of the noiseless recursion to the exact-kernel
FSL; Lemma 4.7 and Theorem 4.6's approximation term for random-M features by Monte Carlo over
W (seeded replicas); the schedule ranking as ratios of the cached FSL optima; the optimal
schedule shape of the follow-up paper (arXiv:2602.06797) by minimising the FSL over the
power-decay family eta (1 - z/K)^p in continuous time (:func:`_fsl_power_decay`). The
compute-optimal ranking (``ranking.*_compute.*``) and the log factors of the compute-optimal
exponential-decay and WSD-like relations (names ``...[fsl-far,...]``) are judged against
x = ln C on a grid geometric in ln C up to 2^512 (budget ``compute_far`` of
:func:`_fsl_optimum`), where a wrong power of ln C is a log-slope of its own.
"""

from __future__ import annotations

import functools
import math

import numpy as np

import scalinglaws as sl

from .engine import Curve, Exponent, LawCurve, LawValue, Settings, Value, check
from .processes import fsl as fs

D_FEATURES = 10**8
SIGMA2 = 1.0
PEAK = 0.2  # peak step of the trajectory checks (lambda_1 = 1: x = eta lambda_1 = 0.2)
WSD_FRACTION = 0.2  # decay fraction r of the WSD-like trajectory checks
HARD = (0.5, 2.5)  # (s, beta): s <= 1 - 1/beta = 0.6
HARD_DEEP = (0.25, 2.5)  # 1 - 1/beta - s = 0.35 (Section-5 checks below, Theorem 4.2 above)
EASY = (1.0, 2.0)  # (s, beta): s >= 1 - 1/beta = 0.5
_BINS = dict(n_exact=512, bin_width=0.02)  # digest 7.2: accurate to O(width^2) for these runs
#: The judged window: the last factor 2^8 of the scale variable (>= 17 points on these grids).
WINDOW_FACTOR = 2.0**8


def _backend(settings: Settings) -> str:
    return "numpy" if settings.backend == "numpy" else "numba"


def _window(x) -> tuple[float, float]:
    return (float(x[-1]) / WINDOW_FACTOR, float(x[-1]))


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


def _vertex(x, y):
    """Abscissa and value of the vertex of the parabola through three points (x, y); the middle
    point when the parabola is not convex."""
    (x0, x1, x2), (y0, y1, y2) = x, y
    d01, d12 = (y1 - y0) / (x1 - x0), (y2 - y1) / (x2 - x1)
    a = (d12 - d01) / (x2 - x0)
    if not a > 0:
        return x1, y1
    b = d01 - a * (x0 + x1)
    xv = -b / (2 * a)
    return xv, a * xv * xv + b * xv + (y0 - a * x0 * x0 - b * x0)


def _refined_min(grid: np.ndarray, values: np.ndarray):
    """Minimum of ``values`` (shape (P,), positive) over the log-spaced ``grid`` (P,), refined
    by the parabola through the grid minimum and its neighbours in (ln grid, ln value):
    ``(argmin, min, interior)``; at an edge of the grid, the grid point itself."""
    j = int(np.argmin(values))
    if 0 < j < grid.size - 1 and np.all(np.isfinite(values[j - 1:j + 2])):
        xv, yv = _vertex(np.log(grid[j - 1:j + 2]), np.log(values[j - 1:j + 2]))
        return math.exp(xv), math.exp(min(yv, math.log(values[j]))), True
    return float(grid[j]), float(values[j]), False


# ------------------------------------------------------------------------------ trajectories


def _horizons(settings: Settings) -> np.ndarray:
    top = 16 if settings.full else 14
    return np.unique(np.round(2.0 ** np.arange(4, top + 0.01, 0.5)).astype(int))


@functools.lru_cache(maxsize=8)
def _exact_finals(kind: str, full: bool, backend: str, s: float = HARD[0],
                  beta: float = HARD[1]) -> np.ndarray:
    """2 x the exact final excess risk at the end of a ``kind`` schedule of K steps, for each
    horizon K (shared by the three kernels; a constant schedule is one run read at every K)."""
    Ks = _horizons(Settings(full=full))
    if kind == "constant":
        from .processes.linreg import constant, expected_risk

        curve = expected_risk(_problem(s, beta), constant(PEAK), int(Ks[-1]), Ks, "none",
                              backend=backend)
        return 2.0 * np.asarray(curve.risk_last, dtype=float).ravel()
    return np.array([2.0 * _final_risks(s, beta, kind, (PEAK,), int(K), backend)[0]
                     for K in Ks])


@functools.lru_cache(maxsize=16)
def _final_ratios(kind: str, kernel: str, full: bool, backend: str, s: float = HARD[0],
                  beta: float = HARD[1]):
    """Horizons K and the ratio (2 x exact final excess risk) / FSL(K) for one schedule."""
    Ks = _horizons(Settings(full=full))
    extra = {"d": D_FEATURES} if kernel == "volterra" else {}
    q = _exact_finals(kind, full, backend, s, beta)
    if kind == "constant":  # the FSL after k steps does not depend on the horizon
        F = fs.fsl(_steps(kind, PEAK, int(Ks[-1])), s=s, beta=beta, sigma2=SIGMA2,
                   kernel=kernel, **extra, **_BINS)[Ks - 1]
    else:
        F = np.array([fs.fsl(_steps(kind, PEAK, int(K)), s=s, beta=beta, sigma2=SIGMA2,
                             kernel=kernel, **extra, **_BINS)[-1] for K in Ks])
    return Ks.astype(float), q / F


_KERNEL_WORDS = {
    "power": "the power-law FSL (unit constants)",
    "exact": "the FSL with e_M, K_M",
    "volterra": "the Volterra solution",
}


def _ratio_curve(kernel: str, kind: str, point: dict, settings: Settings) -> Curve:
    """The ratio exact / functional at the end of a ``kind`` schedule against the horizon K, with
    the law (= 1, a Theta(1) statement) as a LawCurve: the engine judges its log-slope in K."""
    s, beta = point["s"], point["beta"]
    Ks, ratios = _final_ratios(kind, kernel, settings.full, _backend(settings), s, beta)
    return Curve(
        Ks, ratios, LawCurve([{}] * Ks.size), point=point, window=_window(Ks),
        backend=_backend(settings),
        xlabel="horizon K (steps)", ylabel=f"2 x excess risk / {kernel} FSL at step K",
        label=f"{kind} schedule, peak {PEAK}",
        notes=(
            f"2 x final excess risk / {_KERNEL_WORDS[kernel]} at the end of a {kind} schedule "
            f"(peak eta = {PEAK}" + (f", decay fraction {WSD_FRACTION}" if kind == "wsd_like" else "")
            + f"), s = {s}, beta = {beta}, sigma^2 = {SIGMA2}, batch 1, d = 1e8 "
            f"binned, K = {int(Ks[0])}..{int(Ks[-1])}; ratio range [{ratios.min():.4f}, "
            f"{ratios.max():.4f}]."
        ),
        extra={"ratio_first": float(ratios[0]), "ratio_last": float(ratios[-1])},
    )


@check("functional_scaling.fsl_theorem_hard", name="functional_scaling.fsl_theorem_hard[constant]",
       quick_seconds=1)
def hard_constant(settings: Settings) -> Curve:
    """Theorem 4.2: exact risk / power-law FSL (unit constants) stays bounded, constant LR.

    Only the constant schedule: along cosine and WSD-like schedules the unit-constant power-law
    FSL's ratio converges too slowly for a slope test at our horizons (see the law's notes).
    One point, 0.1 inside the boundary s = 1 - 1/beta; the regime's other end, s -> 0, is not
    affordable: at s = 0.25 the ratio's local slope is still -0.048 at K = 2^12 and -0.030 at
    K = 2^20 (the bias (1+t)^-s fades slowly against the noise floor, both ends bounded), so a
    quick window (K <= 2^14) cannot extrapolate it.
    """
    s, beta = HARD
    return _ratio_curve("power", "constant", {"s": s, "beta": beta, "sigma2": SIGMA2}, settings)


for _kind in ("constant", "cosine", "wsd_like"):
    def _noisy(settings: Settings, _kind=_kind) -> Curve:
        s, beta = HARD
        return _ratio_curve("exact", _kind, {"s": s, "beta": beta, "sigma2": SIGMA2}, settings)

    _noisy.__doc__ = f"Theorem 4.4: exact risk / FSL with e_M, K_M stays bounded along {_kind} schedules."
    check("functional_scaling.fsl_theorem_noisy",
          name=f"functional_scaling.fsl_theorem_noisy[{_kind}]", quick_seconds=3)(_noisy)


#: See the law's notes (finding, cosine schedule).
_VOLTERRA_COSINE_FINDING = (
    "Along cosine schedules the ratio's log-slope extrapolates to -1.4e-5 [-2.4e-5, -5e-6] "
    "(K <= 2^16). An engine artefact, not a disagreement with the law: to K = 2^18 the ratio is "
    "1 + eps with eps falling like K^-0.12 (1.17e-4 -> 0.68e-4 over K = 2^12..2^18), so its "
    "log-slope (about -0.12 eps) tends to 0; see the law's notes"
)

for _kind in ("constant", "cosine", "wsd_like"):
    def _volterra(settings: Settings, _kind=_kind) -> Curve:
        s, beta = HARD
        return _ratio_curve("volterra", _kind, {"eta": PEAK, "s": s, "beta": beta,
                                                 "sigma2": SIGMA2}, settings)

    _volterra.__doc__ = (
        f"Exact risk / Volterra solution at the end of a {_kind} schedule stays bounded in K.\n\n"
        "The law is a Theta(1) statement (ratio 1 up to a relative O(x_max^2) error, x_max = "
        "eta_max lambda_1): the engine judges the ratio's log-slope in the horizon, not its level."
    )
    check("functional_scaling.volterra_ratio",
          name=f"functional_scaling.volterra_ratio[{_kind}]", quick_seconds=3,
          known_failure=_VOLTERRA_COSINE_FINDING if _kind == "cosine" else "")(_volterra)


# ------------------------------------------------------------------------------ data-optimal


def _eta_grid(full: bool) -> np.ndarray:
    # ratio ~1.13 (quick): finer grids leave the refined envelope's local slopes unchanged
    return np.geomspace(1e-3, 0.4, 64 if full else 48)


@functools.lru_cache(maxsize=8)
def _constant_envelope(s: float, beta: float, full: bool, backend: str):
    """Data D, refined best final risk over the eta grid, refined argmin eta, interior flag."""
    from .processes.linreg import constant, default_checkpoints, expected_risk

    n = 2**18 if full else 2**16
    etas = _eta_grid(full)
    ck = default_checkpoints(n, 64)
    ck = ck[ck >= 64]
    curve = expected_risk(_problem(s, beta), [constant(e) for e in etas], n, ck, "none",
                          backend=backend)
    risk = np.asarray(curve.risk_last)  # (P, n_ck)
    opt = [_refined_min(etas, risk[:, i]) for i in range(ck.size)]
    eta_opt, best, interior = (np.array(v) for v in zip(*opt))
    return ck.astype(float), best, eta_opt, interior.astype(bool)


def _constant_curve(s, beta, settings, *, lr: bool) -> Curve:
    D, best, eta_opt, interior = _constant_envelope(s, beta, settings.full, _backend(settings))
    dropped = int((~interior).sum())
    D, best, eta_opt = D[interior], best[interior], eta_opt[interior]
    etas = _eta_grid(settings.full)
    return Curve(
        D, eta_opt if lr else best, Exponent("D"), point={"s": s, "beta": beta},
        window=_window(D), backend=_backend(settings), xlabel="D (samples = steps)",
        ylabel="argmin step over eta" if lr else "min over eta of the final excess risk",
        label=f"constant LR, s = {s}, beta = {beta}",
        notes=(f"constant steps on a grid of {etas.size} in [1e-3, 0.4] (ratio "
               f"{etas[1] / etas[0]:.3f}), optimum refined by a parabola in (ln eta, ln risk) "
               f"through the grid minimum and its neighbours; {dropped} checkpoint(s) with the "
               f"optimum at an edge of the grid left out. s = {s}, beta = {beta}, sigma^2 = "
               f"{SIGMA2}, batch 1 (D = K), last iterate."),
        extra={"eta_opt": eta_opt.tolist()},
    )


@check("functional_scaling.constant.data_optimal_loss",
       name="functional_scaling.constant.data_optimal_loss[s=1,beta=2]", quick_seconds=3)
def constant_easy(settings: Settings) -> Curve:
    """Constant LR, data-optimal final loss ~ D^-s/(s+1), easy regime.

    The local slopes reach a minimum (-0.4968) near D = 10^4 and turn back towards -0.5; the
    quick window (D <= 2^16) ends just past the turn, and its extrapolation does not see it
    (-0.4969 [-0.4998, -0.4962]). --full (D <= 2^18) sees the turn: -0.5000 [-0.5038, -0.4967].
    """
    s, beta = EASY
    return _constant_curve(s, beta, settings, lr=False)


@check("functional_scaling.constant.data_optimal_loss",
       name="functional_scaling.constant.data_optimal_loss[s=0.5,beta=2.5]", quick_seconds=3)
def constant_hard(settings: Settings) -> Curve:
    """Constant LR, data-optimal final loss ~ D^-s/(s+1), hard regime."""
    s, beta = HARD
    return _constant_curve(s, beta, settings, lr=False)


@check("functional_scaling.constant.data_optimal_lr",
       name="functional_scaling.constant.data_optimal_lr[s=1,beta=2]", quick_seconds=1)
def constant_lr_easy(settings: Settings) -> Curve:
    """Constant LR: the data-optimal step (refined argmin over the eta grid) ~ D^-s/(s+1)."""
    s, beta = EASY
    return _constant_curve(s, beta, settings, lr=True)


def _decay_horizons(settings: Settings) -> np.ndarray:
    top = 16 if settings.full else 14
    return np.unique(np.round(2.0 ** np.arange(6, top + 0.01, 0.5)).astype(int))


def _peak_grid(full: bool) -> np.ndarray:
    return np.geomspace(0.01, 0.8, 32 if full else 24)


@functools.lru_cache(maxsize=8)
def _decay_envelope(s, beta, kind, full, backend, fractions=(None,), refine=True):
    """Per horizon K: the min over peaks (and decay fractions) of the final risk, its argmin
    peak and fraction, and whether the peak optimum is interior to the grid. With ``refine``
    the min over peaks is refined by a parabola in (ln peak, ln risk)."""
    Ks = _decay_horizons(Settings(full=full))
    peaks = _peak_grid(full)
    best, peak_opt, frac_opt, interior = [], [], [], []
    for K in Ks:
        per_fraction = []
        for f in fractions:
            finals = _final_risks(s, beta, kind, tuple(peaks), int(K), backend,
                                  fraction=f if f is not None else WSD_FRACTION)
            if refine:
                per_fraction.append(_refined_min(peaks, finals))
            else:
                j = int(np.argmin(finals))
                per_fraction.append((float(peaks[j]), float(finals[j]), 0 < j < peaks.size - 1))
        i = int(np.argmin([r[1] for r in per_fraction]))
        peak_opt.append(per_fraction[i][0])
        best.append(per_fraction[i][1])
        interior.append(per_fraction[i][2])
        frac_opt.append(fractions[i] if fractions[i] is not None else float("nan"))
    return (Ks.astype(float), np.array(best), np.array(peak_opt), np.array(frac_opt),
            np.array(interior, dtype=bool))


def _decay_curve(key, s, beta, kind, settings, *, fractions=(None,), hard_regime) -> Curve:
    """The data-optimal final risk of a decaying schedule against D = K (batch 1).

    Easy regime: the optimal peak is interior (gamma_opt -> 0) and the risk is smooth around it,
    so the grid minimum is refined by a parabola in ln peak. Hard regime: the law puts the
    optimal peak at gamma_opt ~ 1, the top of the stable range, where the risk climbs steeply
    into divergence (not a quadratic minimum): the grid minimum is kept, and the correction to
    scaling is declared from the theory -- the noise term eta T^(1/beta - 1) of the final loss
    (Theorems 5.3/5.4) against the bias T^-s is a relative correction T^-(1 - 1/beta - s).
    """
    Ks, best, peak_opt, frac_opt, interior = _decay_envelope(
        s, beta, kind, settings.full, _backend(settings), fractions, not hard_regime)
    peaks = _peak_grid(settings.full)
    window = _window(Ks)
    inside = (Ks >= window[0]) & (Ks <= window[1])
    top = peak_opt[inside] >= peaks[-1]
    where = (f"optimal peak {peak_opt[inside][0]:.3g} -> {peak_opt[inside][-1]:.3g} over the window, "
             f"interior to the grid at {int(interior[inside].sum())}/{int(inside.sum())} horizons, "
             f"at its top at {int(top.sum())}")
    fr = frac_opt[inside]
    if fractions != (None,):
        where += (f"; optimal decay fraction {fr[0]:g} -> {fr[-1]:g} (grid {list(fractions)}"
                  + (", at its edge" if fr.max() >= max(fractions) or fr.min() <= min(fractions)
                     else "") + ")")
    omega = (1 - 1 / beta - s) if hard_regime else None
    return Curve(
        Ks, best, Exponent("D"), point={"s": s, "beta": beta, "D": int(Ks[-1])}, window=window,
        omega=omega, backend=_backend(settings),
        xlabel="D (samples = steps)", ylabel="min over peaks of the final excess risk",
        label=f"{kind}, s = {s}, beta = {beta}",
        notes=(f"min over {peaks.size} peaks in [0.01, 0.8]"
               + (" (refined by a parabola in ln peak)" if not hard_regime else
                  f" (grid minimum; declared correction exponent 1 - 1/beta - s = {omega:.3g})")
               + (f" and decay fractions {list(fractions)}" if fractions != (None,) else "")
               + f" at each horizon; final step eta/K; sigma^2 = {SIGMA2}, batch 1; {where}."),
        extra={"peak_opt": peak_opt.tolist(),
               "fraction_opt": [None if math.isnan(f) else f for f in frac_opt]},
    )


@check("functional_scaling.exp_decay.data_optimal_loss.hard",
       name="functional_scaling.exp_decay.data_optimal_loss.hard[s=0.5,beta=2.5]",
       quick_seconds=6, full_only=True, full_size="K = 2^6..2^16 (settles only near K ~ 1e9)", h100_seconds=6)
def exp_hard(settings: Settings) -> Curve:
    """Exponential decay to eta/K, hard regime: E_opt ~ (D/log D)^-s (SGD recursion; full only).

    Full only: at quick sizes it is inconclusive, and the quick checks of the law minimise the
    FSL functional itself (exp_decay.data_optimal_loss.hard[fsl,...]).

    The correction K^-(1 - 1/beta - s) = K^-0.1 (declared) is too slow to extrapolate from
    K <= 2^14 or 2^16: inconclusive at both sizes (the engine puts the settling size near
    K ~ 10^9 or more). The unit-constant final loss of Theorem 5.3 at a fixed peak has the same
    local slopes (-0.520 at K = 2^14, -0.515 at 2^20, -0.505 at 2^40).
    """
    s, beta = HARD
    return _decay_curve("functional_scaling.exp_decay.data_optimal_loss.hard", s, beta,
                        "exp_decay", settings, hard_regime=True)


@check("functional_scaling.exp_decay.data_optimal_loss.easy",
       name="functional_scaling.exp_decay.data_optimal_loss.easy[s=1,beta=2]",
       quick_seconds=6, full_only=True, full_size="K = 2^6..2^16 horizons, peak grid", h100_seconds=6)
def exp_easy(settings: Settings) -> Curve:
    """Exponential decay to eta/K, easy regime: E_opt ~ (D/log D)^-s*beta/(1+s*beta) (SGD
    recursion; full only: inconclusive at quick sizes, the quick [fsl,...] checks cover the law).

    Quick (K <= 2^14): the local slopes still converge (-0.760 -> -0.673), inconclusive;
    --full (K <= 2^16) settles it.
    """
    s, beta = EASY
    return _decay_curve("functional_scaling.exp_decay.data_optimal_loss.easy", s, beta,
                        "exp_decay", settings, hard_regime=False)


@check("functional_scaling.wsd.data_optimal_loss.hard",
       name="functional_scaling.wsd.data_optimal_loss.hard[s=0.5,beta=2.5]",
       quick_seconds=15, full_only=True, full_size="K = 2^6..2^16 (settles only beyond K ~ 1e7)", h100_seconds=15)
def wsd_hard(settings: Settings) -> Curve:
    """WSD-like (exponential decay over the last r K steps), hard regime: E_opt ~ D^-s (SGD
    recursion; full only: inconclusive at quick sizes, the quick [fsl,...] checks cover the law).

    As for exponential decay, the noise term makes a correction K^-0.1 (declared): inconclusive
    at K <= 2^14 and 2^16 (settling size beyond 10^7).
    """
    s, beta = HARD
    return _decay_curve("functional_scaling.wsd.data_optimal_loss.hard", s, beta, "wsd_like",
                        settings, fractions=(0.1, 0.2, 0.4), hard_regime=True)


@check("functional_scaling.wsd.data_optimal_loss.easy",
       name="functional_scaling.wsd.data_optimal_loss.easy[s=1,beta=2]",
       quick_seconds=18, full_only=True, full_size="K = 2^6..2^16 horizons, peak x fraction grid", h100_seconds=18)
def wsd_easy(settings: Settings) -> Curve:
    """WSD-like, easy regime: E_opt ~ D^-s*beta/(1+s*beta) (log D)^((s*beta - s)/(1+s*beta))
    (SGD recursion; full only: not settled at quick sizes, the quick [fsl,...] checks cover it).

    The engine divides the law's log factor out. Quick (K <= 2^14): not settled (a slow
    correction is admissible); --full (K <= 2^16) settles it.
    """
    s, beta = EASY
    return _decay_curve("functional_scaling.wsd.data_optimal_loss.easy", s, beta, "wsd_like",
                        settings, fractions=(0.3, 0.5, 0.7, 0.9), hard_regime=False)


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


def _compute_grids(full: bool):
    """Budgets C, model sizes M (every integer up to ~12, then ratio ~2^(1/8)) and steps gamma
    (ratio ~1.2). The grids resolve the optimum: with M on a sqrt(2) grid the refined envelope's
    local slopes jumped by +-0.015 each time M_opt crossed a grid point."""
    top = 24 if full else 20
    Cs = 2.0 ** np.arange(10, top + 0.01, 0.5)
    Ms = np.unique(np.round(2.0 ** np.arange(1, (7 if full else 6) + 0.01, 0.125)).astype(int))
    gammas = np.geomspace(1e-4 if full else 3e-4, 0.2 if full else 0.1, 49 if full else 33)
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


@check("functional_scaling.constant.compute_optimal_loss",
       name="functional_scaling.constant.compute_optimal_loss[s=1,beta=2]", quick_seconds=9)
def constant_compute_easy(settings: Settings) -> Curve:
    """Constant LR, compute-optimal final loss ~ C^-s*beta/(1+s*beta+beta) (top-M models).

    For each compute C = M D the final risk of the top-M model after D = C/M batch-1 steps is
    minimised over M (every integer up to ~12, then ratio ~2^(1/8)) and gamma, refined by parabolas in ln gamma (per M) and
    then in ln M. Only budgets whose optimum is interior to both grids are measured.
    """
    s, beta = EASY
    Cs, grid, refined, m_opt, g_opt, interior = _compute_envelope(
        s, beta, settings.full, _backend(settings))
    C, E = Cs[interior], refined[interior]
    _, Ms, gammas = _compute_grids(settings.full)
    return Curve(
        C, E, Exponent("C"), point={"s": s, "beta": beta}, window=_window(C),
        backend=_backend(settings),
        xlabel="compute C = M D", ylabel="min over M, gamma of the final excess risk",
        label=f"constant LR, s = {s}, beta = {beta}",
        notes=(f"top-M models (tail as extra label noise + approximation error, exact for "
               f"Gaussian features), d = 1e8, sigma^2 = {SIGMA2}, batch 1, last iterate; "
               f"M in {sorted(set(Ms.tolist()))}, {gammas.size} steps; "
               f"{int((~interior).sum())}/{Cs.size} budgets left out (optimum at an edge of the "
               f"M or gamma grid); M_opt {m_opt[interior][0]:.2f} -> {m_opt[interior][-1]:.2f}, "
               f"gamma_opt {g_opt[interior][0]:.3g} -> {g_opt[interior][-1]:.3g} over "
               f"C = {C[0]:.3g} .. {C[-1]:.3g}; largest grid-to-refined correction "
               f"|ln(E_grid/E_refined)| = {np.abs(np.log(grid[interior] / E)).max():.4f}."),
        extra={"M_opt": m_opt[interior].tolist(), "gamma_opt": g_opt[interior].tolist()},
    )


# ------------------------------------------------------------------------------ the FSL optimum
#
# Theorems 5.2-5.4 minimise the FSL over the schedule's free parameters at fixed data D (model
# size M = infinity) or fixed compute C = M D. The checks below do the same numerically on the
# FSL functional itself (Theorem 4.2's form with unit constants, in continuous intrinsic time:
# processes.fsl.fsl_end), so the relations are followed to any scale: D and C run to 2^256. One
# optimisation per (schedule, budget, s, beta) is cached and read by every check of its laws.

#: Largest admissible peak step: the paper's sup gamma <= C_3 (Assumption 4.1), our C_3 = 1/2
#: (lambda_1 = 1). In the hard regime the optimum sits at this cap (the paper's gamma_opt ~ 1).
ETA_MAX = 0.5
#: Data budgets of the optimum curves: ln D on a geometric grid from ln 2^10 to ln 2^512.
LOG2_SCALE = (10.0, 512.0)
#: Curves against x = ln(budget) are judged from 2^96 at the earliest, and late enough that the
#: correction the distance to the easy/hard boundary brings, budget^-omega with omega =
#: |s - (1 - 1/beta)| / (2 - 1/beta) (the decay of the hard-regime WSD decay fraction, the
#: slowest power correction at the point), is below 1e-3: in x = ln(budget) a power correction
#: is not one of the engine's models, so it must have died out.
LOG2_WINDOW = 96.0
#: Curves against the budget itself are judged on [2^112, 2^240]: there the engine models the
#: power corrections itself, and its correction columns (x / x_top)^-2 omega (omega <= 4) stay
#: finite in double precision only over a factor below 2^128.
LOG2_BUDGET_WINDOW = (112.0, 240.0)
#: Compute budgets of the far grid (``compute_far``): ln C geometric over [2^128, 2^512], for the
#: checks against x = ln C at a point so close to the easy/hard boundary that its power
#: corrections C^-omega (omega = 0.0625 at s = 0.5, beta = 2.5) are still resolved at 2^240.
LOG2_FAR_COMPUTE = (128.0, 512.0)
#: The points of the Section-5 checks: deep in each regime and near their common boundary
#: s = 1 - 1/beta (0.6 at beta = 2.5), all with sigma^2 = 1 (Assumption 5.1: sigma^2 >~ 1).
EASY_DEEP = (1.0, 2.0)   # s - (1 - 1/beta) = 0.5
EASY_EDGE = (0.7, 2.5)   # s - (1 - 1/beta) = 0.1
HARD_EDGE = (0.5, 2.5)   # 1 - 1/beta - s = 0.1
_FD_STEP = 1e-3
_ALPHAS = np.array([1.0, 0.5, 0.25, 0.125, 1.0 / 16, 1.0 / 64])


def _stencil(n: int) -> np.ndarray:
    """Centre, +-h along each axis and +h along each pair: the finite-difference Newton stencil."""
    pts = [np.zeros(n)]
    for i in range(n):
        e = np.zeros(n)
        e[i] = _FD_STEP
        pts += [e, -e]
    for i in range(n):
        for j in range(i + 1, n):
            e = np.zeros(n)
            e[i] = e[j] = _FD_STEP
            pts.append(e)
    return np.array(pts)


def _newton(f, x0, lo, hi, tol=1e-10, max_iter=80):
    """Minimise ``f`` ((P, n) points -> (P,) values) from ``x0`` inside the box [lo, hi]:
    finite-difference Newton steps (the Hessian's eigenvalues taken in absolute value), each
    followed by a batched backtracking line search. Returns ``(x, f(x), at_edge)``."""
    x = np.clip(np.asarray(x0, dtype=float), lo, hi)
    n = x.size
    S = _stencil(n)
    h = _FD_STEP
    f0 = float(f(x[None])[0])
    for _ in range(max_iter):
        v = f(x + S)
        f0 = v[0]
        g = np.array([(v[1 + 2 * i] - v[2 + 2 * i]) / (2 * h) for i in range(n)])
        H = np.zeros((n, n))
        for i in range(n):
            H[i, i] = (v[1 + 2 * i] - 2 * f0 + v[2 + 2 * i]) / h**2
        k = 1 + 2 * n
        for i in range(n):
            for j in range(i + 1, n):
                H[i, j] = H[j, i] = (v[k] - v[1 + 2 * i] - v[1 + 2 * j] + f0) / h**2
                k += 1
        w, U = np.linalg.eigh(H)
        w = np.maximum(np.abs(w), 1e-8 * max(1.0, float(np.abs(w).max())))
        step = -(U @ ((U.T @ g) / w))
        big = float(np.abs(step).max())
        if big > 2.0:
            step *= 2.0 / big
        cand = np.clip(x + _ALPHAS[:, None] * step, lo, hi)
        fc = f(cand)
        j = int(np.argmin(fc))
        if not fc[j] < f0:
            break
        moved = float(np.abs(cand[j] - x).max())
        x, f0 = cand[j], float(fc[j])
        if moved < tol:
            break
    at_edge = bool(np.any(x <= np.asarray(lo) + 1e-6) or np.any(x >= np.asarray(hi) - 1e-6))
    return x, float(f0), at_edge


def _scales(budget: str, full: bool) -> np.ndarray:
    """ln of the budgets: data, geometric in ln D from ln 2^10 to ln 2^512 (the checks against
    ln D reach far, where log factors are resolved); compute, uniform in ln C from 2^12 to 2^240
    (the checks against C itself need many points in LOG2_BUDGET_WINDOW)."""
    if budget == "data":
        lo, hi = (v * math.log(2.0) for v in LOG2_SCALE)
        return np.geomspace(lo, hi, 64 if full else 40)
    if budget == "compute_far":  # ln C geometric to 2^512, for checks against ln C only
        lo, hi = (v * math.log(2.0) for v in LOG2_FAR_COMPUTE)
        return np.geomspace(lo, hi, 33 if full else 17)
    step = 4.0 if full else 8.0
    return np.arange(12.0, LOG2_BUDGET_WINDOW[1] + 0.01, step) * math.log(2.0)


@functools.lru_cache(maxsize=64)
def _fsl_optimum(kind: str, budget: str, s: float, beta: float, full: bool):
    r"""The minimum of the FSL over the schedule's free parameters at each budget.

    ``kind``: ``constant``, ``exp_decay`` or ``wsd_like`` (eq. 12, decay fraction r free), the
    decays ending at eta/K for a data budget, eta/C for a compute budget (see ``objective``);
    ``budget``: ``data`` (D = K steps of batch 1, M = infinity) or ``compute`` (C = M D, M
    free and continuous; ``compute_far``: the same on a grid geometric in ln C up to 2^512,
    :data:`LOG2_FAR_COMPUTE`). The peak eta is free in
    (0, ETA_MAX] in the easy regime (and for the constant schedule); in the hard regime it is
    held at ETA_MAX, and ``active`` records where the cap binds (d ln F / d ln eta < 0 there).
    Returns a dict of arrays over the budgets: ``L`` (ln budget), ``E``, ``eta``, ``r``, ``M``,
    ``D``, ``ok`` (optimum interior to the box, cap binding where it is held).
    """
    hard = s <= 1 - 1 / beta and kind != "constant"
    Ls = _scales(budget, full)
    names = ([] if hard else ["eta"]) + (["r"] if kind == "wsd_like" else []) + (
        ["M"] if budget != "data" else [])
    lo = {"eta": math.log(1e-300), "r": math.log(1e-300), "M": 0.0}
    hi = {"eta": math.log(ETA_MAX), "r": 0.0}

    def unpack(V, L):
        cols = dict(zip(names, V.T))
        eta = np.exp(cols["eta"]) if "eta" in cols else np.full(V.shape[0], ETA_MAX)
        r = np.exp(np.minimum(cols["r"], 0.0)) if "r" in cols else None
        M = np.exp(cols["M"]) if "M" in cols else None
        D = np.exp(L - cols["M"]) if "M" in cols else np.full(V.shape[0], math.exp(L))
        return eta, r, M, D

    def objective(L):
        # the final step: eta/K for a data budget (Theorems 5.3/5.4), eta/C for a compute budget,
        # so that log(eta/eta_min) is the log C the compute-optimal relations are written in
        # (with eta/K it is log D = log C - log M, the same up to the factor 1 - 1/(2 + s beta),
        # approached like ln ln C / ln C: a correction the engine's models do not include)
        final = None if budget == "data" or kind == "constant" else math.exp(-L)

        def f(V):
            eta, r, M, D = unpack(V, L)
            T1, T2, eta_end = fs.schedule_times(kind, eta, D, r, final_ratio=final)
            return np.log(fs.fsl_end(eta, T1, T2, eta_end, s=s, beta=beta, sigma2=SIGMA2, M=M))
        return f

    out = {k: [] for k in ("E", "eta", "r", "M", "D", "ok")}
    path = []
    for L in Ls:
        box_lo = np.array([lo[n] for n in names])
        box_hi = np.array([hi.get(n, L - math.log(2.0)) for n in names])  # M <= C/2
        f = objective(L)
        if not names:
            x, fx, at_edge = np.zeros(0), float(f(np.zeros((1, 0)))[0]), False
        else:
            if len(path) >= 2:  # warm start: the optimum moves smoothly in ln budget
                x0 = path[-1] + (path[-1] - path[-2]) * (L - Ls[len(path) - 1]) / (
                    Ls[len(path) - 1] - Ls[len(path) - 2])
            elif path:
                x0 = path[-1]
            else:  # a coarse grid over the box
                axes = [np.linspace(max(box_lo[i], -40.0), box_hi[i], 13)
                        for i in range(len(names))]
                grid = np.array(np.meshgrid(*axes, indexing="ij")).reshape(len(names), -1).T
                x0 = grid[int(np.argmin(f(grid)))]
            x, fx, at_edge = _newton(f, x0, box_lo, box_hi)
            if "r" in names and (at_edge or not hard and x[names.index("r")] < math.log(1e-3)):
                # ln F is nearly flat in ln r as r -> 0 (the schedule tends to the constant one)
                # and r = 1 is an edge of the box: a second start from r = 1/2 gets Newton off
                # that plateau and that edge
                x1 = np.array(x, dtype=float)
                x1[names.index("r")] = math.log(0.5)
                x, fx, at_edge = min(((x, fx, at_edge), _newton(f, x1, box_lo, box_hi)),
                                     key=lambda res: res[1])
        path.append(x)
        eta, r, M, D = unpack(x[None], L)
        ok = not at_edge
        if hard:  # the cap must bind: ln F still falls with eta at ETA_MAX
            e = np.log(ETA_MAX) + np.array([-_FD_STEP, 0.0])
            final = None if budget == "data" else math.exp(-L)
            g = _fsl_value_at(kind, s, beta, np.exp(e), r, M, D, final)
            ok = ok and bool(g[1] < g[0])
        out["E"].append(math.exp(fx))
        out["eta"].append(float(eta[0]))
        out["r"].append(float(r[0]) if r is not None else float("nan"))
        out["M"].append(float(M[0]) if M is not None else float("nan"))
        out["D"].append(float(D[0]))
        out["ok"].append(ok)
    res = {k: np.array(v) for k, v in out.items()}
    res["L"] = Ls
    return res


def _fsl_value_at(kind, s, beta, etas, r, M, D, final=None):
    """The FSL at the end of the schedule for several peaks, other parameters fixed."""
    n = np.size(etas)
    rr = None if r is None else np.full(n, float(np.ravel(r)[0]))
    T1, T2, eta_end = fs.schedule_times(kind, etas, np.full(n, float(np.ravel(D)[0])), rr,
                                        final_ratio=final)
    MM = None if M is None else np.full(n, float(np.ravel(M)[0]))
    return fs.fsl_end(etas, T1, T2, eta_end, s=s, beta=beta, sigma2=SIGMA2, M=MM)


_OBSERVABLES = {
    "E": "min of the FSL (the optimal final excess risk)",
    "eta": "optimal peak effective rate gamma = eta/B",
    "r": "optimal decay fraction r",
    "M": "compute-optimal model size M",
    "D": "compute-optimal data D = C/M",
    "M_min": "M whose approximation term M^-s*beta equals the data-optimal loss",
}
_KIND_WORDS = {"constant": "constant schedule", "exp_decay": "exponential decay",
               "wsd_like": "WSD-like schedule (eq. 12, exponential decay phase)"}


def _window_start(s: float, beta: float) -> float:
    """ln of the budget where the judged window starts at point (s, beta) (see LOG2_WINDOW)."""
    omega = abs(s - (1 - 1 / beta)) / (2 - 1 / beta)
    return max(LOG2_WINDOW * math.log(2.0), math.log(1e3) / omega)


def _tag(s: float, beta: float) -> str:
    return f"s={s:g},beta={beta:g}"


def _optimum_notes(kind, budget, s, beta, res, keep) -> str:
    var = "D" if budget == "data" else "C"
    L = res["L"][keep]
    held = s <= 1 - 1 / beta and kind != "constant"
    free = (["M (continuous, D = C/M)"] if budget != "data" else []) + (
        ["the decay fraction r"] if kind == "wsd_like" else []) + (
        [] if held else [f"the peak eta in (0, {ETA_MAX}]"])
    return (
        f"FSL of Theorem 4.2 (unit constants, continuous intrinsic time, processes.fsl.fsl_end) "
        f"at the end of a {_KIND_WORDS[kind]}"
        + (", final step eta/C (log(eta/eta_min) = log C)" if budget != "data"
           and kind != "constant" else "")
        + f", sigma^2 = {SIGMA2:g} (Assumption 5.1), batch 1 "
        f"(D = K), {'M = infinity' if budget == 'data' else 'approximation term M^-s*beta'}; "
        f"minimised by finite-difference Newton over {', '.join(free) or 'nothing'}"
        + (f" with the peak held at the cap eta = {ETA_MAX} (hard regime; the cap binds at every "
           "budget kept)" if held else "")
        + f"; s = {s:g}, beta = {beta:g}; {var} = 2^{L[0] / math.log(2):.0f} .. "
        f"2^{L[-1] / math.log(2):.0f} ({int(keep.sum())} of {keep.size} budgets kept: optimum "
        "interior to its box)."
    )


def _optimum_curve(kind, budget, point, obs, settings, scale="log") -> Curve:
    r"""A Section-5 relation on the FSL optimum, with the law as a ``LawCurve`` (the engine
    judges the log-slope of observable / law, which tends to 0 for a Theta statement).

    ``scale="log"``: against x = ln(budget). A wrong power of the budget makes the ratio grow
    without bound in x and a wrong power q of ln(budget) gives it the log-slope q, so the check
    resolves the law's log factor as well as its power. ``scale="budget"``: against the budget
    itself, where a log factor is not resolved (a wrong power q of ln C tilts the ratio's slope by
    q / ln C only): used for the compute-optimal relations of the decaying schedules, written in
    C/log C while the optimum carries log D = log C - log M (the schedule's final step is
    eta/K): the two differ by a Theta(1) factor approached like ln ln C / ln C, a correction
    the engine's models in x = ln C do not include.
    """
    s, beta = point
    res = _fsl_optimum(kind, budget, s, beta, settings.full)
    keep = res["ok"]
    L = res["L"][keep]
    y = res["E"][keep] ** (-1.0 / (s * beta)) if obs == "M_min" else res[obs][keep]
    var = "D" if budget == "data" else "C"
    if scale == "log":
        lo, hi = _window_start(s, beta), float(L[-1])
    else:
        lo, hi = (v * math.log(2.0) for v in LOG2_BUDGET_WINDOW)
    inside = (L >= lo * (1 - 1e-12)) & (L <= hi * (1 + 1e-12))
    L, y = L[inside], y[inside]
    x = L if scale == "log" else np.exp(L)
    return Curve(
        x, y, LawCurve([{var: round(math.exp(v))} for v in L]),
        point={"s": s, "beta": beta, "sigma2": SIGMA2}, window=(float(x[0]), float(x[-1])),
        xlabel=f"ln {var}" if scale == "log" else var, ylabel=_OBSERVABLES[obs],
        label=f"{kind}, {budget}-optimal, s = {s:g}, beta = {beta:g}",
        notes=_optimum_notes(kind, budget, s, beta, res, keep)
        + (" y = E_opt^(-1/(s beta)), the M at which the FSL's approximation term M^-s*beta "
           "equals the data-optimal loss." if obs == "M_min" else ""),
    )


def _exponent_curve(kind, budget, point, over_log, settings) -> Curve:
    r"""An exponent law on the FSL optimum: the optimal loss against the budget (or budget /
    ln budget, the variable the law's power is stated in), ``LawValue(sign=-1)``, judged on
    LOG2_BUDGET_WINDOW."""
    s, beta = point
    res = _fsl_optimum(kind, budget, s, beta, settings.full)
    keep = res["ok"]
    lo, hi = (v * math.log(2.0) for v in LOG2_BUDGET_WINDOW)
    L = res["L"][keep]
    inside = (L >= lo * (1 - 1e-12)) & (L <= hi * (1 + 1e-12))
    L, E = L[inside], res["E"][keep][inside]
    var = "D" if budget == "data" else "C"
    x = np.exp(L - np.log(L)) if over_log else np.exp(L)
    return Curve(
        x, E, LawValue(sign=-1), point={"s": s, "beta": beta, "sigma2": SIGMA2},
        window=(float(x[0]), float(x[-1])),
        xlabel=f"{var} / ln {var}" if over_log else var, ylabel=_OBSERVABLES["E"],
        label=f"{kind}, {budget}-optimal, s = {s:g}, beta = {beta:g}",
        notes=_optimum_notes(kind, budget, s, beta, res, keep),
    )


def _register_optimum(key, kind, budget, obs, points, *, scale="log", tag="fsl",
                      quick_seconds=0.3):
    law = "functional_scaling." + key
    for point in points:
        def run(settings: Settings, point=point) -> Curve:
            if obs.startswith("exponent"):
                return _exponent_curve(kind, budget, point, obs == "exponent/log", settings)
            return _optimum_curve(kind, budget, point, obs, settings, scale=scale)

        run.__doc__ = (
            f"{law} on the minimum of the FSL functional ({_KIND_WORDS[kind]}, {budget} budget, "
            f"{_tag(*point)}, against "
            f"{'ln ' if scale == 'log' and not obs.startswith('exp') else ''}"
            f"{'D' if budget == 'data' else 'C'}).\n\nOne cached optimisation per (schedule, "
            "budget, s, beta), read by every check of its relations."
        )
        check(law, name=f"{law}[{tag},{_tag(*point)}]", quick_seconds=quick_seconds)(run)


_EASY = (EASY_DEEP, EASY_EDGE)
_HARD = (HARD_DEEP, HARD_EDGE)
_OBS = {"lr": "eta", "model_size": "M", "data": "D", "loss": "E"}

# Theorem 5.2, constant schedule (no regime; data-optimal loss and lr also by linreg above)
_register_optimum("constant.data_optimal_lr", "constant", "data", "eta", (HARD_DEEP,))
_register_optimum("constant.data_optimal_model_size", "constant", "data", "M_min", (EASY_DEEP,))
_register_optimum("constant.data_optimal_loss_exponent", "constant", "data", "exponent",
                  (EASY_DEEP, HARD_DEEP))
for _name, _obs in _OBS.items():
    _register_optimum(f"constant.compute_optimal_{_name}", "constant", "compute", _obs,
                      (HARD_DEEP,), scale="budget")
_register_optimum("constant.compute_optimal_loss_exponent", "constant", "compute", "exponent",
                  (EASY_DEEP, HARD_DEEP))
# Theorems 5.3 (exponential decay) and 5.4 (WSD-like): data budgets against ln D (log factors
# resolved), compute budgets against C; the disputed WSD log factors also against ln C
for _kind, _key in (("exp_decay", "exp_decay"), ("wsd_like", "wsd")):
    _register_optimum(f"{_key}.data_optimal_lr.easy", _kind, "data", "eta", _EASY)
    for _r, _pts in (("easy", _EASY), ("hard", _HARD)):
        _register_optimum(f"{_key}.data_optimal_loss.{_r}", _kind, "data", "E", _pts)
        for _name, _obs in _OBS.items():
            if _name == "lr" and _r == "hard":
                continue  # the hard-regime peak is the cap, gamma_opt ~ 1 (no law)
            _register_optimum(f"{_key}.compute_optimal_{_name}.{_r}", _kind, "compute", _obs,
                              _pts, scale="budget")
            if _kind == "wsd_like" and _r == "easy":
                _register_optimum(f"wsd.compute_optimal_{_name}.easy", _kind, "compute", _obs,
                                  (EASY_DEEP,), tag="fsl-log")
_register_optimum("wsd.data_optimal_decay_fraction.hard", "wsd_like", "data", "r", _HARD,
                  scale="budget")
for _r, _pts in (("easy", _EASY), ("hard", _HARD)):
    _register_optimum(f"exp_decay.data_optimal_loss_exponent.{_r}", "exp_decay", "data",
                      "exponent/log", _pts)
    _register_optimum(f"exp_decay.compute_optimal_loss_exponent.{_r}", "exp_decay", "compute",
                      "exponent/log", _pts)
_register_optimum("wsd.data_optimal_loss_exponent.hard", "wsd_like", "data", "exponent", _HARD)
_register_optimum("wsd.compute_optimal_loss_exponent.hard", "wsd_like", "compute", "exponent",
                  _HARD)


# ------------------------------------------------------------------------------ the FSL's pieces


@check("functional_scaling.intrinsic_time_constant", quick_seconds=0.1)
def intrinsic_time_constant(settings: Settings) -> Curve:
    """t_K = sum of K constant steps (fsl.intrinsic_time) against eta K: the level ln(t/law)."""
    eta = PEAK
    Ks = np.unique(np.round(2.0 ** np.arange(2, 15, 1.0)).astype(int))
    t = fs.intrinsic_time(np.full(int(Ks[-1]), eta))[Ks - 1]
    return Curve(
        Ks.astype(float), t, LawCurve([{"K": int(k)} for k in Ks], level=True),
        point={"eta": eta}, xlabel="K (steps)", ylabel="intrinsic time t_K",
        label=f"constant step {eta}",
        notes=f"cumulative sum of K steps of size {eta} (processes.fsl.intrinsic_time).",
    )


def _exp_decay_time(eta: float, eta_min: float, K: int, nodes: int) -> float:
    """int_0^K eta (eta_min/eta)^(tau/K) dtau by ``nodes``-point Gauss-Legendre."""
    x, w = np.polynomial.legendre.leggauss(nodes)
    tau = K * (x + 1.0) / 2.0
    return float(np.sum(eta * (eta_min / eta) ** (tau / K) * w) * K / 2.0)


for _ratio in (None, 0.9):
    def _exp_time(settings: Settings, _ratio=_ratio) -> Value:
        eta, K = PEAK, 4096
        eta_min = eta / K if _ratio is None else _ratio * eta
        fine, coarse = _exp_decay_time(eta, eta_min, K, 64), _exp_decay_time(eta, eta_min, K, 32)
        # systematic interval: the two resolutions' difference plus the round-off of a 64-term sum
        err = abs(fine - coarse) + 64 * np.finfo(float).eps * fine
        return Value(
            fine, (fine - err, fine + err),
            "intrinsic time int_0^K phi of the continuous schedule phi(tau) = eta (eta_min/"
            "eta)^(tau/K), Gauss-Legendre with 64 nodes (interval: against 32 nodes, plus "
            "round-off)", point={"eta": eta, "eta_min": eta_min, "K": K}, relative=True,
            deterministic=True,
            notes=(f"eta = {eta}, eta_min = {eta_min:.6g}, K = {K}; the sum of the K discrete "
                   "steps of processes.fsl.exp_decay_steps exceeds the integral by less than "
                   "one step."),
        )

    _exp_time.__doc__ = (
        "Theorem 5.3's T = (eta - eta_min) K / log(eta/eta_min) against the numerically "
        "integrated intrinsic time of the continuous exponential decay, at eta_min = "
        + ("eta/K (the data-optimal choice)" if _ratio is None else
           "0.9 eta (near the regime's boundary eta_min -> eta)") + "."
    )
    check("functional_scaling.exp_decay_intrinsic_time",
          name="functional_scaling.exp_decay_intrinsic_time[eta_min="
          + ("eta/K" if _ratio is None else "0.9eta") + "]", quick_seconds=0.05)(_exp_time)


def _piece_times() -> np.ndarray:
    return np.geomspace(1.0, 1e8, 41)


@check("functional_scaling.signal_term", quick_seconds=0.2)
def signal_term(settings: Settings) -> Curve:
    """e(t) = (1+t)^-s against the exact sum e_M(t) = sum lambda_j theta_j^2 e^(-2 lambda_j t)
    over d = 1e8 binned features (M = infinity for t << d^beta): the ratio's log-slope in t."""
    s, beta = HARD_EDGE
    t = _piece_times()
    e, _ = fs.spectral_sums(t, s=s, beta=beta, **_BINS)
    return Curve(
        t, e, LawCurve([{"t": float(v)} for v in t]), point={"s": s, "beta": beta},
        window=(1e4, float(t[-1])), xlabel="intrinsic time t", ylabel="e_M(t)",
        label=f"s = {s}, beta = {beta}",
        notes=(f"lambda_j = j^-{beta}, lambda_j theta_j^2 = j^-(1 + s beta), s = {s}, d = 1e8 "
               "spectrally binned (processes.fsl.spectral_sums); t = 1..1e8 << d^beta."),
    )


@check("functional_scaling.noise_kernel", quick_seconds=0.2)
def noise_kernel(settings: Settings) -> Curve:
    """K(t) = (1+t)^-(2 - 1/beta) against the exact sum K_M(t) = sum lambda_j^2 e^(-2 lambda_j t)
    over d = 1e8 binned features: the ratio's log-slope in t."""
    s, beta = HARD_EDGE
    t = _piece_times()
    _, K = fs.spectral_sums(t, s=s, beta=beta, **_BINS)
    return Curve(
        t, K, LawCurve([{"t": float(v)} for v in t]), point={"beta": beta},
        window=(1e4, float(t[-1])), xlabel="intrinsic time t", ylabel="K_M(t)",
        label=f"beta = {beta}",
        notes=f"lambda_j = j^-{beta}, d = 1e8 spectrally binned (processes.fsl.spectral_sums).",
    )


@check("functional_scaling.approximation_error", quick_seconds=0.1)
def approximation_error(settings: Settings) -> Curve:
    """The approximation error of the top-M model, half the unlearnable signal
    sum_{j>M} lambda_j theta_j^2 (Hurwitz zeta), against M^-s*beta: the ratio's log-slope in M."""
    from scipy.special import zeta

    s, beta = HARD_EDGE
    Ms = np.unique(np.round(2.0 ** np.arange(1, 20.01, 0.5)).astype(int))
    tail = 0.5 * zeta(1.0 + s * beta, Ms + 1.0)
    return Curve(
        Ms.astype(float), tail, LawCurve([{"M": int(m)} for m in Ms]),
        point={"s": s, "beta": beta}, window=(2.0**8, float(Ms[-1])),
        xlabel="model size M", ylabel="approximation error", label=f"s = {s}, beta = {beta}",
        notes=("1/2 sum_{j>M} j^-(1 + s beta) = zeta(1 + s beta, M + 1) / 2 (scipy), the "
               "excess risk of the best top-M predictor for Gaussian features."),
    )


@check("functional_scaling.saturation_time", quick_seconds=0.3)
def saturation_time(settings: Settings) -> Curve:
    """t_M, where the learnable signal e_M(t) of a top-M model falls to its approximation error
    sum_{j>M} lambda_j theta_j^2 (the model stops learning), against M^beta."""
    from scipy.optimize import brentq
    from scipy.special import zeta

    s, beta = HARD_EDGE
    Ms = np.unique(np.round(2.0 ** np.arange(2, 12.01, 0.5)).astype(int))
    out = []
    for M in Ms:
        tail = float(zeta(1.0 + s * beta, M + 1.0))

        def gap(lt, M=int(M), tail=tail):
            return math.log(float(fs.spectral_sums([math.exp(lt)], s=s, beta=beta, M=M)[0][0])
                            / tail)

        out.append(math.exp(brentq(gap, -5.0, beta * math.log(float(M)) + 3.0, xtol=1e-12)))
    return Curve(
        Ms.astype(float), np.array(out), LawCurve([{"M": int(m)} for m in Ms]),
        point={"beta": beta}, window=(2.0**6, float(Ms[-1])), xlabel="model size M",
        ylabel="t_M: e_M(t_M) = approximation tail", label=f"s = {s}, beta = {beta}",
        notes=("root in t of e_M(t) = sum_{j>M} j^-(1 + s beta), exact sums over the first M "
               "features (processes.fsl.spectral_sums), Brent to 1e-12 in ln t."),
    )


@check("functional_scaling.noise_accumulation_constant", quick_seconds=0.3)
def noise_accumulation_constant(settings: Settings) -> Curve:
    """The sigma^2 part of the FSL along a constant schedule, fsl(sigma2=1) - fsl(sigma2=0) (the
    FSL is linear in sigma^2), against the closed form gamma sigma^2 int_0^t K(u) du."""
    s, beta = HARD_EDGE
    eta, K = 0.05, 2**15
    steps = np.full(K, eta)
    noise = fs.fsl(steps, s=s, beta=beta, sigma2=1.0) - fs.fsl(steps, s=s, beta=beta, sigma2=0.0)
    ks = np.unique(np.round(2.0 ** np.arange(0, 15.01, 0.5)).astype(int))
    t = eta * ks
    return Curve(
        t, noise[ks - 1], LawCurve([{"t": float(v)} for v in t]),
        point={"gamma": eta, "sigma2": 1.0, "beta": beta}, window=(1.0, float(t[-1])),
        xlabel="intrinsic time t = eta k", ylabel="sigma^2 part of the FSL",
        label=f"constant step {eta}, batch 1, beta = {beta}",
        notes=(f"processes.fsl.fsl (power kernels, steps of {eta}, batch 1) with sigma^2 = 1 "
               "minus the same with sigma^2 = 0; t = 0.05 .. 1638. The law saturates at "
               "gamma sigma^2 beta/(beta - 1): the window spans the approach to it."),
    )


@check("functional_scaling.effective_lr", quick_seconds=0.1)
def effective_lr(settings: Settings) -> Curve:
    r"""The batch-1 step that gives batch-B SGD's stationary excess risk, against eta/B.

    The exact second-moment recursion of batch-B SGD (linreg's SGD step: S <- (1 - 2 eta lambda
    + (1 + 1/B) eta^2 lambda^2) S + (eta^2/B) lambda (q + sigma^2), q = sum lambda S) has the
    fixed point q_B(eta) = sigma^2 kappa/(1 - kappa), kappa = (eta/B) sum lambda / (2 - (1 +
    1/B) eta lambda). The batch-1 step gamma_1 with q_1(gamma_1) = q_B(eta) (Brent) is the
    effective rate; the law says gamma = eta/B (exact in the SDE limit eta lambda -> 0): the
    level ln(gamma_1 / (eta/B)) over B = 1..64 at eta = 0.1.
    """
    from scipy.optimize import brentq

    problem = _problem(*HARD_EDGE)
    lam, mult = np.asarray(problem.lam, dtype=float), np.asarray(problem.mult, dtype=float)
    eta = 0.1
    Bs = 2 ** np.arange(0, 7)

    def q(step, batch):
        kappa = (step / batch) * float(
            np.sum(mult * lam / (2.0 - (1.0 + 1.0 / batch) * step * lam)))
        return SIGMA2 * kappa / (1.0 - kappa)

    gam = np.array([brentq(lambda g, B=int(B): q(g, 1) - q(eta, B), 1e-6, eta, xtol=1e-15)
                    for B in Bs])
    return Curve(
        Bs.astype(float), gam, LawCurve([{"eta": eta, "B": int(B)} for B in Bs], level=True),
        point={"eta": eta}, xlabel="batch B", ylabel="batch-1 step with the same stationary risk",
        label=f"peak eta = {eta}, s = {HARD_EDGE[0]}, beta = {HARD_EDGE[1]}",
        notes=("fixed point of the exact expected-risk recursion of batch-B SGD (the K -> "
               f"infinity risk), d = 1e8 binned, sigma^2 = {SIGMA2}; gamma_1 by Brent to 1e-15."),
    )


# ------------------------------------------------------------------------------ final losses


def _top_m_final(s: float, beta: float, M: int, steps: np.ndarray, backend: str,
                 sigma2: float = SIGMA2) -> float:
    """Exact final excess risk of batch-1 SGD with the given steps on the top-M model of the
    d = 1e8 power-law problem (approximation error included, see _top_m_problem)."""
    from .processes.linreg import expected_risk

    problem, approx = _top_m_problem(s, beta, int(M), sigma2=sigma2)
    K = int(steps.size)
    curve = expected_risk(problem, _schedule(steps, "custom"), K, [K], "none", backend=backend)
    return float(np.asarray(curve.risk_last).ravel()[-1]) + approx


#: Decay fraction of the WSD-like final-loss path (half the steps decay, so T2 grows fast enough
#: for M = T2^(1/beta) to reach 20 within 2^15 steps).
_FINAL_FRACTION = 0.5


def _final_loss_path(kind: str, m_factor: float, settings: Settings, sigma2: float = SIGMA2):
    """A path of (K, eta, M) along which every term of the theorem's final loss matters, at
    s = 1, beta = 2, sigma^2 = 1, batch 1 (D = K): the peak on the data-optimal path
    eta = 0.3 (X/X_0)^-nu (X = K, nu = s/(s+1) for the constant schedule; X = K/ln K,
    nu = (1 + s beta - beta)/(1 + s beta) for the decaying ones: Theorems 5.2-5.4), so the
    signal and noise terms stay comparable, and M = m_factor T^(1/beta) (T the intrinsic time,
    of the decay phase for WSD-like), so the approximation term and the min{M, T^(1/beta)}
    factor stay in play. M runs over integers (the top-M model) and K is solved for.
    Returns (Ks, risks, law points)."""
    from scipy.optimize import brentq

    s, beta = EASY_DEEP
    X0 = 64.0 if kind == "constant" else 64.0 / math.log(64.0)

    def design(K):
        if kind == "constant":
            eta = 0.3 * (K / X0) ** (-s / (s + 1))
            return eta, eta * K
        eta = 0.3 * (K / math.log(K) / X0) ** (-(1 + s * beta - beta) / (1 + s * beta))
        frac = 1.0 if kind == "exp_decay" else _FINAL_FRACTION
        return eta, (eta - eta / K) * frac * K / math.log(K)

    Ms = np.arange(3, 25)
    Ks, risks, points = [], [], []
    for M in Ms:
        lk = brentq(lambda v, M=M: m_factor * design(math.exp(v))[1] ** (1 / beta) - M,
                    math.log(8.0), math.log(1e9))
        K = round(math.exp(lk))
        if K > 2**17:
            break
        eta, _ = design(K)
        if kind == "constant":
            steps = np.full(K, eta)
        elif kind == "exp_decay":
            steps = fs.exp_decay_steps(eta, K)
        else:
            steps = fs.wsd_like_steps(eta, K, _FINAL_FRACTION)
        risks.append(_top_m_final(s, beta, int(M), steps, _backend(settings), sigma2))
        pt = {"M": int(M), "eta": eta, "B": 1}
        if kind == "constant":
            pt.update(D=K, gamma=eta)
        elif kind == "exp_decay":
            pt.update(K=K, eta_min=eta / K)
        else:
            K2 = round(_FINAL_FRACTION * K)
            pt.update(K1=K - K2, K2=K2, eta_min=eta / K)
        Ks.append(K)
        points.append(pt)
    return np.array(Ks, dtype=float), np.array(risks), points


_FINAL_KEYS = {"constant": "constant.final_loss", "exp_decay": "exp_decay.final_loss",
               "wsd_like": "wsd.final_loss"}

for _kind in ("constant", "exp_decay", "wsd_like"):
    for _sig in (SIGMA2, 4.0):
        def _final(settings: Settings, _kind=_kind, _sig=_sig) -> Curve:
            Ks, risks, points = _final_loss_path(_kind, 1.0, settings, _sig)
            s, beta = EASY_DEEP
            return Curve(
                Ks, risks, LawCurve(points), point={"s": s, "beta": beta, "sigma2": _sig},
                window=_window(Ks), backend=_backend(settings), xlabel="K (steps, batch 1)",
                ylabel="exact final excess risk (top-M model)",
                label=f"{_kind}, M = T^(1/beta), sigma^2 = {_sig:g}",
                notes=(f"exact expected-risk recursion of batch-1 SGD on the top-M model of the "
                       f"d = 1e8 power-law problem (tail as extra label noise + approximation "
                       f"error), s = {s}, beta = {beta}, sigma^2 = {_sig:g}, K = "
                       f"{int(Ks[0])}..{int(Ks[-1])}; peak on the data-optimal path from 0.3, "
                       f"M = T^(1/beta) (M = {points[0]['M']}..{points[-1]['M']}, K solved for)"
                       + (f", decay fraction {_FINAL_FRACTION}" if _kind == "wsd_like" else "")
                       + "."),
            )

        _final.__doc__ = (
            f"{_FINAL_KEYS[_kind]}: exact SGD risk / the theorem's final loss stays bounded along "
            f"a path where every term matters (sigma^2 = {_sig:g}: "
            + ("the boundary of Assumption 5.1" if _sig == SIGMA2 else "inside it") + ").\n\n"
            "See _final_loss_path. M = T^(1/beta) sits where min{M, T^(1/beta)} switches "
            "branch; the branches are not tested apart (M = T^(1/beta)/2 needs K ~ 10^6)."
        )
        check(f"functional_scaling.{_FINAL_KEYS[_kind]}",
              name=f"functional_scaling.{_FINAL_KEYS[_kind]}[sigma2={_sig:g}]",
              quick_seconds=0.4)(_final)


# ------------------------------------------------------------------ Theorems 4.5 and 4.6 (issue 21)


@functools.lru_cache(maxsize=8)
def _noiseless_ratios(s: float, beta: float, full: bool, backend: str):
    """Horizons K and 2 x the exact excess risk of batch-1 SGD at a constant step PEAK without
    label noise (sigma^2 = 0, M = infinity as d = 1e8 binned features) over the FSL of
    Theorem 4.5 with the exact sums e_M, K_M (fsl(kernel='exact', sigma2=0)), after K steps."""
    from .processes.linreg import PowerLawProblem, constant, expected_risk

    Ks = _horizons(Settings(full=full))
    problem = PowerLawProblem(beta, 1 + s * beta, D_FEATURES, sigma2=0.0, **_BINS)
    curve = expected_risk(problem, constant(PEAK), int(Ks[-1]), Ks, "none", backend=backend)
    q = 2.0 * np.asarray(curve.risk_last, dtype=float).ravel()
    F = fs.fsl(np.full(int(Ks[-1]), PEAK), s=s, beta=beta, sigma2=0.0, kernel="exact",
               **_BINS)[Ks - 1]
    return Ks.astype(float), q / F


for _pt in ((0.5, 2.5), (1.5, 2.5)):
    def _noiseless(settings: Settings, _pt=_pt) -> Curve:
        s, beta = _pt
        Ks, ratio = _noiseless_ratios(s, beta, settings.full, _backend(settings))
        return Curve(
            Ks, ratio, LawCurve([{}] * Ks.size), point={"s": s, "beta": beta},
            window=_window(Ks), backend=_backend(settings), xlabel="steps K",
            ylabel="2 x excess risk / FSL (e_M, K_M, sigma = 0)",
            label=f"constant step {PEAK}, s = {s}, beta = {beta}, sigma = 0",
            notes=(f"exact expected-risk recursion of batch-1 SGD, constant step {PEAK} "
                   f"(lambda_1 = 1), no label noise, d = 1e8 binned (M = infinity), s = {s}, "
                   f"beta = {beta}; over fsl(kernel='exact', sigma2=0) after K steps, K = "
                   f"{int(Ks[0])}..{int(Ks[-1])}."),
        )

    _noiseless.__doc__ = (
        "Theorem 4.5 (sigma = 0): the exact SGD risk over the noiseless FSL with e_M, K_M stays "
        f"bounded in K (log-slope -> 0), at s = {_pt[0]}, beta = {_pt[1]} "
        + ("(inside the range s <= 2 - 1/beta = 1.6)" if _pt[0] < 1 else
           "(0.1 from the range's end s = 2 - 1/beta = 1.6)") + "."
    )
    check("functional_scaling.fsl_theorem_noiseless",
          name=f"functional_scaling.fsl_theorem_noiseless[s={_pt[0]:g},beta={_pt[1]:g}]",
          quick_seconds=0.4)(_noiseless)


#: Random-M features: sizes M (quick / full), features N = RF_RATIO * M of the spectrum (the tail
#: beyond N is added as its expectation, see _random_features), replicas (independent W).
RF_SIZES = {False: (16, 24, 32, 48, 64, 96, 128, 192, 256),
            True: (16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768)}
RF_RATIO = 8
RF_REPLICAS = {False: 12, True: 32}


@functools.lru_cache(maxsize=8)
def _random_features(s: float, beta: float, seed: int, full: bool):
    r"""(sizes M, eigenvalues mu_(M/4), mu_(M/2) and mu_M of W H W^T / M (shape (R, n, 3)),
    approximation error (R, n)), over R replicas and n sizes.

    W is M x N with i.i.d. N(0, 1) entries, N = RF_RATIO M, H = diag(j^-beta), theta*_j with
    lambda_j theta_j^2 = j^-(1 + s beta). The spectrum beyond N is not sampled: its
    contribution to W H W^T / M is replaced by its expectation (sum_{j>N} lambda_j / M) I,
    and its signal sum_{j>N} lambda_j theta_j^2 counts as unlearnable (an upper bound on that
    part, the same fraction of the error at every M). Approximation error: half of
    theta*^T H theta* - b^T (W H W^T)^-1 b, b = W H theta*, for the features j <= N.
    Per-replica streams: SeedSequence(seed).spawn.
    """
    from scipy.special import zeta

    from .processes.blas_threads import single_blas_thread

    sizes = RF_SIZES[full]
    R = RF_REPLICAS[full]
    streams = np.random.SeedSequence(seed).spawn(R)
    eig = np.empty((R, len(sizes), 3))
    approx = np.empty((R, len(sizes)))
    with single_blas_thread():
        for r, ss in enumerate(streams):
            rng = np.random.default_rng(ss)
            for k, M in enumerate(sizes):
                N = RF_RATIO * M
                idx = np.arange(1, N + 1, dtype=float)
                lam = idx ** (-beta)
                theta = np.sqrt(idx ** (-(1 + s * beta)) / lam)
                W = rng.standard_normal((M, N))
                G = (W * lam) @ W.T
                tail_lam = float(zeta(beta, N + 1.0))
                mu = np.linalg.eigvalsh(G / M + (tail_lam / M) * np.eye(M))[::-1]
                eig[r, k] = mu[M // 4 - 1], mu[M // 2 - 1], mu[M - 1]
                z = np.linalg.solve(np.linalg.cholesky(G), W @ (lam * theta))
                signal = float(np.sum(lam * theta**2))
                tail_sig = float(zeta(1.0 + s * beta, N + 1.0))
                approx[r, k] = 0.5 * (signal - float(z @ z) + tail_sig)
    return np.array(sizes, dtype=float), eig, approx


def _rf_notes(s, beta, full):
    return (f"{RF_REPLICAS[full]} independent random-feature matrices W (M x N, N = {RF_RATIO} M, "
            f"i.i.d. N(0, 1)) per size M = {RF_SIZES[full][0]}..{RF_SIZES[full][-1]}, "
            f"lambda_j = j^-{beta}, lambda_j theta_j^2 = j^-(1 + s beta), s = {s}; the spectrum "
            "beyond N enters through its expectation (see _random_features); seeded from "
            "settings.seed.")


RF_BETA = 2.5  # capacity of the random-feature checks (the spectrum does not depend on s)

for _which, _frac, _full in ((0, 4, False), (1, 2, False), (2, 1, True)):
    def _rf_spectrum(settings: Settings, _which=_which, _frac=_frac) -> Curve:
        sizes, eig, _ = _random_features(0.5, RF_BETA, settings.seed, settings.full)
        return Curve(
            sizes, eig[:, :, _which],
            LawCurve([{"j": int(m) // _frac, "M": int(m)} for m in sizes]),
            point={"beta": RF_BETA}, window=(32.0, float(sizes[-1])), xlabel="model size M",
            ylabel=f"eigenvalue mu_j of W H W^T / M, j = M/{_frac}".replace("M/1", "M"),
            label=f"beta = {RF_BETA}, j = M/{_frac}".replace("M/1", "M"),
            notes=_rf_notes(0.5, RF_BETA, settings.full),
        )

    _rf_spectrum.__doc__ = (
        f"Lemma 4.7 at beta = {RF_BETA}: the j-th eigenvalue of W H W^T / M over j^-beta at "
        + {4: "j = M/4", 2: "j = M/2 (towards the regime's end j <= M)",
           1: "j = M (the regime's end; full only: at the quick sizes M <= 256 with 12 "
              "replicas its log-slope is -0.030 [-0.055, -0.004]; at the full sizes M <= 768, "
              "32 replicas, -0.026 [-0.033, -0.019], a fail recorded as a finding in the law's "
              "notes)"}[_frac]
        + " stays bounded as M grows (replicas over W; the engine bootstraps the log-slope)."
    )
    check("functional_scaling.random_features_spectrum",
          name="functional_scaling.random_features_spectrum[beta=2.5,j=M"
          + {4: "/4]", 2: "/2]", 1: "]"}[_frac],
          quick_seconds=0.05, full_only=_full,
          **({"full_size": "M = 16..768, 32 random-feature matrices", "h100_seconds": 10}
             if _full else {}),
          known_failure=("" if _frac != 1 else
                         "finding (law notes): at j = M the ratio drifts, log-slope -0.026 "
                         "[-0.033, -0.019] over M = 16..768 with 32 replicas"))(_rf_spectrum)

for _s, _full in ((0.5, False), (0.75, True), (1.0, True)):
    def _rf_approx(settings: Settings, _s=_s) -> Curve:
        sizes, _, approx = _random_features(_s, RF_BETA, settings.seed, settings.full)
        return Curve(
            sizes, approx, LawCurve([{"M": int(m)} for m in sizes]),
            point={"s": _s, "beta": RF_BETA}, window=(32.0, float(sizes[-1])),
            xlabel="model size M", ylabel="approximation error of the random-M model",
            label=f"s = {_s}, beta = {RF_BETA}", notes=_rf_notes(_s, RF_BETA, settings.full),
        )

    _rf_approx.__doc__ = (
        f"Theorem 4.6's approximation term at s = {_s}, beta = {RF_BETA} "
        + ("(deep inside s <= 1)" if _s == 0.5 else "(near or at the range's end s = 1; full "
           "only: at the quick sizes M <= 256, 8 replicas, the local slopes drift like a log "
           "factor and the check is inconclusive at s = 0.75; the full sizes (M <= 768, 32 "
           "replicas) are needed to tell a log factor from a power)")
        + ": the best random-M predictor's excess risk over M^-s*beta stays bounded in M."
    )
    check("functional_scaling.random_features_approximation",
          name=f"functional_scaling.random_features_approximation[s={_s:g},beta=2.5]",
          quick_seconds=0.8, full_only=_full,
          **({"full_size": "M = 16..768, 32 random-feature matrices", "h100_seconds": 10}
             if _full else {}))(_rf_approx)


# ------------------------------------------------------------------ schedule ranking (issue 21)


def _ranking_curve(num: str, den: str, point, settings: Settings, budget: str = "data") -> Curve:
    """E_opt(num) / E_opt(den) on the FSL optimum (data budget, M = infinity; or compute budget
    C = M D, M free), against x = ln D (ln C), with the ranking law as a LawCurve: the log-slope
    in ln x of ratio / law -> 0. In x = ln(budget) a wrong power q of the log factor is the
    log-slope q itself, so the check resolves the law's log power, and a wrong power of the
    budget makes the ratio grow like e^(p x) (rejected outright)."""
    s, beta = point
    a = _fsl_optimum(num, budget, s, beta, settings.full)
    b = _fsl_optimum(den, budget, s, beta, settings.full)
    keep = a["ok"] & b["ok"]
    L = a["L"][keep]
    y = a["E"][keep] / b["E"][keep]
    inside = L >= _window_start(s, beta) * (1 - 1e-12)
    L, y = L[inside], y[inside]
    var = "D" if budget == "data" else "C"
    return Curve(
        L, y, LawCurve([{var: round(math.exp(v))} for v in L]),
        point={"s": s, "beta": beta, "sigma2": SIGMA2}, window=(float(L[0]), float(L[-1])),
        xlabel=f"ln {var}", ylabel=f"E_opt({num}) / E_opt({den})",
        label=f"{num} / {den}, {budget}-optimal, s = {s:g}, beta = {beta:g}",
        notes=("ratio of two minima of the FSL. " + _optimum_notes(num, budget, s, beta, a, keep)
               + " Denominator: " + _optimum_notes(den, budget, s, beta, b, keep)),
    )


for _num, _den, _key in (("exp_decay", "wsd_like", "exp_over_wsd_data"),
                         ("constant", "exp_decay", "constant_over_exp_data")):
    for _r, _pts in (("easy", _EASY), ("hard", _HARD)):
        for _pt in _pts:
            def _rank(settings: Settings, _num=_num, _den=_den, _pt=_pt) -> Curve:
                return _ranking_curve(_num, _den, _pt, settings)

            _rank.__doc__ = (
                f"The schedule ranking {_num} vs {_den} as the ratio of their data-optimal "
                f"losses on the FSL functional ({_tag(*_pt)}), against ln D (log factors "
                "resolved). Shares the cached optimisations of the Section-5 checks."
            )
            check(f"functional_scaling.ranking.{_key}.{_r}",
                  name=f"functional_scaling.ranking.{_key}.{_r}[fsl,{_tag(*_pt)}]",
                  quick_seconds=0.4)(_rank)

# the same ranking at fixed compute C = M D (M free), against x = ln C on the far grid (ln C
# geometric over 2^128..2^512, its own optimisations, ~0.5 s per point): at 0.1 from the
# easy/hard boundary the hard-regime optimum approaches its form like C^-omega, omega = 0.0625
# (the WSD decay fraction r_opt -> 0, the exponential decay's capped peak), which in x = ln C is
# no correction model of the engine; by 2^300 it is below 1e-3 of its value at 2^128
#: the hard point of the exp/WSD compute ranking near the boundary: at HARD_EDGE (0.1 from it)
#: the ratio / law still approaches its limit like the WSD decay fraction r_opt ~ C^-0.0625
#: (ln(ratio/law) = -r_opt to 10 %: -0.060 at 2^166, -0.0045 at 2^256, -7.7e-6 at 2^470), which
#: in x = ln C is no correction model of the engine: inconclusive over 2^160..2^512 (measured
#: 0.044 [-0.042, 0.69]), pass or fail depending on where a window is started. 0.15 from the
#: boundary, omega = 0.094, it has died out by 2^300.
HARD_NEAR = (0.45, 2.5)
for _num, _den, _key in (("exp_decay", "wsd_like", "exp_over_wsd_compute"),
                         ("constant", "exp_decay", "constant_over_exp_compute")):
    for _r, _pts in (("easy", _EASY), ("hard", _HARD if _num == "constant" else
                                        (HARD_DEEP, HARD_NEAR))):
        for _pt in _pts:
            def _rank_c(settings: Settings, _num=_num, _den=_den, _pt=_pt) -> Curve:
                return _ranking_curve(_num, _den, _pt, settings, budget="compute_far")

            _rank_c.__doc__ = (
                f"The schedule ranking {_num} vs {_den} at fixed compute C = M D as the ratio "
                f"of their compute-optimal losses on the FSL functional ({_tag(*_pt)}), "
                "against ln C (log factors resolved), C = 2^128..2^512."
            )
            check(f"functional_scaling.ranking.{_key}.{_r}",
                  name=f"functional_scaling.ranking.{_key}.{_r}[fsl,{_tag(*_pt)}]",
                  quick_seconds=0.6)(_rank_c)

# The compute-optimal relations of exponential decay and WSD-like with their log factors
# resolved (issue 21): against x = ln C on the far grid (the optimisations of the ranking checks
# above, so only the judging costs), one point per law -- their checks against C (above) have
# two points each but leave the log factor unresolved (a wrong power q of ln C tilts the slope
# by q/ln C only). Easy laws at (1, 2), hard laws at (0.45, 2.5), near the boundary but past
# its C^-0.0625 correction (see HARD_NEAR); the WSD-like hard loss has no log factor, which a
# check against ln C tests; the WSD-like easy lr, inconclusive against ln C up to 2^240
# (fsl-log), is settled by the grid to 2^512.
for _name, _obs in _OBS.items():
    _register_optimum(f"exp_decay.compute_optimal_{_name}.easy", "exp_decay", "compute_far",
                      _obs, (EASY_DEEP,), tag="fsl-far", quick_seconds=0.3)
    if _name != "lr":
        _register_optimum(f"exp_decay.compute_optimal_{_name}.hard", "exp_decay", "compute_far",
                          _obs, (HARD_NEAR,), tag="fsl-far", quick_seconds=0.3)
_register_optimum("wsd.compute_optimal_lr.easy", "wsd_like", "compute_far", "eta", (EASY_DEEP,),
                  tag="fsl-far", quick_seconds=0.3)
_register_optimum("wsd.compute_optimal_loss.hard", "wsd_like", "compute_far", "E", (HARD_NEAR,),
                  tag="fsl-far", quick_seconds=0.3)



# ------------------------------------------------------------------ optimal schedule shape (issue 21)


def _fsl_power_decay(eta, p, K, s, beta, sigma2=SIGMA2):
    r"""The FSL of Theorem 4.2 (unit constants, batch 1, M = infinity) at the end of the
    continuous schedule eta(z) = eta (1 - z/K)^p, z in [0, K], for arrays ``eta``, ``p`` (P,).

    With u = 1 - z/K = e^-w: intrinsic time t(z) = T (1 - u^(p+1)), T = eta K/(p + 1), and
    F = (1+T)^-s + int_0^oo K eta^2 e^-(2p+1)w (1 + T e^-(p+1)w)^-(2-1/beta)
    [(1 + T(1 - e^-(p+1)w))^-s + sigma^2] dw, by 16-point Gauss-Legendre panels in w, graded
    geometrically near w = 0 (1 - u^(p+1) by expm1, no cancellation); agrees with a
    high-precision quadrature to ~1e-13 (tests)."""
    eta = np.asarray(eta, dtype=float)
    p = np.asarray(p, dtype=float)
    T = eta * K / (p + 1.0)
    q = 2.0 - 1.0 / beta
    w_max = float(np.max(np.log1p(T) / (p + 1.0) + 60.0 / (2.0 * p + 1.0)))
    # panels: geometric in w from 1e-4/(1 + T) to 1 (near the start of training, z -> 0, the
    # intrinsic time T (1 - e^-(p+1)w) ~ T (p+1) w moves on the scale w ~ 1/T), then width 1/4
    t_max = float(np.max(T * (p + 1.0)))
    small = np.geomspace(1e-4 / (1.0 + t_max), 1.0,
                         int(math.ceil(math.log(1e4 * (1.0 + t_max)) / math.log(1.5))) + 1)
    edges = np.concatenate([[0.0], small, np.arange(1.25, w_max + 0.25, 0.25)])
    x, wts = np.polynomial.legendre.leggauss(16)
    width = np.diff(edges)[:, None]
    w = (edges[:-1, None] + (x[None, :] + 1.0) / 2.0 * width).ravel()[None, :]
    wt = (wts[None, :] * width / 2.0).ravel()
    pp, TT, ee = p[:, None], T[:, None], eta[:, None]
    f = (K * ee**2 * np.exp(-(2.0 * pp + 1.0) * w) * (1.0 + TT * np.exp(-(pp + 1.0) * w)) ** (-q)
         * ((1.0 + TT * -np.expm1(-(pp + 1.0) * w)) ** (-s) + sigma2))
    return (1.0 + T) ** (-s) + f @ wt


@functools.lru_cache(maxsize=8)
def _power_decay_optimum(s: float, beta: float, full: bool):
    """(ln K, optimal peak, optimal power) of the FSL over eta(z) = eta (1 - z/K)^p, by
    finite-difference Newton in (ln eta, ln p) at each horizon (warm-started along ln K), on
    ln K geometric from ln 2^10 to ln 2^512 (24 points quick, 48 full)."""
    Ls = np.geomspace(*(v * math.log(2.0) for v in LOG2_SCALE), 48 if full else 24)
    lo, hi = np.array([-700.0, -5.0]), np.array([math.log(ETA_MAX), 5.0])
    x = np.array([math.log(0.1), math.log(2.0)])
    etas, ps, ok = [], [], []
    for L in Ls:
        K = math.exp(L)

        def f(X, K=K):
            return np.log(_fsl_power_decay(np.exp(X[:, 0]), np.exp(X[:, 1]), K, s, beta))

        x, _, at_edge = _newton(f, x, lo, hi)
        etas.append(math.exp(x[0]))
        ps.append(math.exp(x[1]))
        ok.append(not at_edge)
    return Ls, np.array(etas), np.array(ps), np.array(ok)


def _power_decay_notes(s, beta, Ls):
    return (f"FSL of Theorem 4.2 (unit constants, continuous intrinsic time, sigma^2 = {SIGMA2:g}, "
            f"batch 1, M = infinity) at the end of eta(z) = eta (1 - z/K)^p, minimised over "
            f"(eta, p) by finite-difference Newton at each K = 2^{Ls[0] / math.log(2):.0f} .. "
            f"2^{Ls[-1] / math.log(2):.0f}; s = {s:g}, beta = {beta:g}. The family contains the "
            "claimed optimum, so its best member must approach it.")


for _pt in _EASY:
    def _decay_power(settings: Settings, _pt=_pt) -> Curve:
        s, beta = _pt
        Ls, _, ps, ok = _power_decay_optimum(s, beta, settings.full)
        Ls, ps = Ls[ok], ps[ok]
        lo = LOG2_WINDOW * math.log(2.0)
        return Curve(
            Ls, ps, LawCurve([{}] * Ls.size, level=True), point={"s": s, "beta": beta},
            window=(lo, float(Ls[-1])), xlabel="ln K", ylabel="optimal power p*",
            label=f"power-decay family, s = {s:g}, beta = {beta:g}",
            notes=_power_decay_notes(s, beta, Ls),
        )

    _decay_power.__doc__ = (
        f"The optimal power of the decay (1 - z/K)^p on the FSL ({_tag(*_pt)}): its level "
        "against 2 beta - 1 over K = 2^96 .. 2^512."
    )
    check("functional_scaling.optimal_schedule.decay_power",
          name=f"functional_scaling.optimal_schedule.decay_power[fsl,{_tag(*_pt)}]",
          quick_seconds=0.9)(_decay_power)

    def _peak(settings: Settings, _pt=_pt) -> Curve:
        s, beta = _pt
        Ls, etas, _, ok = _power_decay_optimum(s, beta, settings.full)
        Ls, etas = Ls[ok], etas[ok]
        inside = Ls >= _window_start(s, beta) * (1 - 1e-12)
        Ls, etas = Ls[inside], etas[inside]
        return Curve(
            Ls, etas, LawCurve([{"K": round(math.exp(v))} for v in Ls]),
            point={"s": s, "beta": beta}, window=(float(Ls[0]), float(Ls[-1])),
            xlabel="ln K", ylabel="optimal peak eta_peak", label=f"s = {s:g}, beta = {beta:g}",
            notes=_power_decay_notes(s, beta, Ls),
        )

    _peak.__doc__ = (
        f"The optimal peak of the power-decay schedule on the FSL ({_tag(*_pt)}), against ln K "
        "(the log-slope of peak / K^-nu in ln K -> 0 also excludes a log factor)."
    )
    check("functional_scaling.optimal_schedule.peak_lr",
          name=f"functional_scaling.optimal_schedule.peak_lr[fsl,{_tag(*_pt)}]",
          quick_seconds=0.1)(_peak)
