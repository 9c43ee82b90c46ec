"""Checks of the DynMuon mode-model laws against simulated per-direction dynamics.

Two processes, both here (they are a few lines each):

* the **mode recursion** itself, :math:`\\delta_{t+1} = (1-\\eta\\kappa h^{(p+1)/2})\\delta_t -
  \\eta h^{(p-1)/2}\\xi_t` with Rademacher noise of variance :math:`c` (not Gaussian: only the
  second moment should matter), many modes and replicas at once;
* the **matrix process** of the paper's local model: residual :math:`E \\in \\mathbb R^{n\\times m}`,
  stochastic gradient :math:`G = \\kappa H E + \\Xi`, :math:`H = \\mathrm{diag}(h_i)`,
  :math:`\\Xi_{ij} \\sim N(0, c_i)`, update :math:`E \\leftarrow E - \\eta\\,U\\Sigma^pV^\\top` with the
  exact SVD :math:`G = U\\Sigma V^\\top`. Row :math:`i` of :math:`E` is mode :math:`i`.

The laws are exact statements about the mode recursion (the second moment and noise floor are our
derivations from it). Every check returns the simulated second moments of the modes, replicas as
rows, over the modes' curvatures :math:`h` with the law's parameters at each mode
(``LawCurve(points, level=True)``): the engine evaluates the law mode by mode and judges the level
:math:`\\ln(\\text{simulated}/\\text{law})`, averaged over the modes, with a bootstrap interval
over replicas seeded by the run's seed; an exact law has level 0. The matrix process reduces to
the mode recursion exactly at :math:`p = 1`; at :math:`p \\ne 1` the paper's curvature-aligned
surrogate is an approximation.

The surrogate is checked where it is meant to hold: a **wide, noise-dominated** matrix process
(:math:`m \\gg n`, noise variance :math:`c_i = c_0 h_i^\\beta`, small step), where
:math:`GG^\\top \\approx m c_0 H^\\beta`, at :math:`\\beta = 1` (the paper's surrogate) and
:math:`\\beta = 1.4` (the paper's fitted noise law); there the exact :math:`U\\Sigma^pV^\\top`
update at :math:`p = -0.25` is judged against the mode laws with :math:`\\eta_{\\rm eff} =
\\eta (mc_0)^{(p-1)/2}`: the stationary floor (level, and its shape across modes), the lag-1
regression coefficient of a row (the contraction) and the innovation's standard deviation (the
noise gain). The surrogate's first-order error (signal in :math:`GG^\\top`, Wishart spread) is
computed from the parameters and stated in the record; it is not an allowance.

The stability bound is bracketed on the mode recursion itself, and the schedule crossing on the
logistic schedule evaluated step by step.
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np

from .engine import Curve, Exponent, LawCurve, Settings, Value, check
from .processes.blas_threads import single_blas_thread


def _child(settings: Settings, tag: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy=settings.seed, spawn_key=(tag,))))


def _mode_curve(h, sims, point, per_mode, *, ylabel, label, notes) -> Curve:
    """Replicas (rows) of the modes' second moments over the curvature ``h`` (sorted
    increasing), with the law's per-mode parameters ``per_mode`` (arrays over the modes) and the
    shared ones ``point``: the engine judges the level of ln(simulated / law), averaged over
    the modes."""
    order = np.argsort(h)
    h = np.asarray(h, dtype=float)[order]
    sims = np.asarray(sims, dtype=float)[:, order]
    per_mode = {k: np.asarray(v, dtype=float)[order] for k, v in per_mode.items()}
    points = tuple({"h": float(h[i]), **{k: float(v[i]) for k, v in per_mode.items()}}
                   for i in range(h.size))
    return Curve(h, sims, LawCurve(points, level=True), point=point, xlabel="mode curvature h",
                 ylabel=ylabel, label=label, notes=notes)


# ------------------------------------------------------------------------------ mode recursion


_MODES = dict(p=-0.25, eta=0.5, kappa=1.0, beta=1.4)


def _rademacher(rng: np.random.Generator, shape) -> np.ndarray:
    """Independent +-1 signs (variance 1)."""
    return rng.integers(0, 2, size=shape, dtype=np.int8) * 2.0 - 1.0


@functools.lru_cache(maxsize=4)
def _mode_run(seed: int, full: bool):
    """Stationary second moments of the mode recursion: (h, sims (R_groups, n_modes), c).

    The recursion is the preconditioned gradient step of one mode, delta <- delta - eta
    h^(beta (p-1)/2) (kappa h delta + xi), with the preconditioner of a noise-dominated
    G G^T ~ alpha H^beta and noise variance c = h^beta.
    """
    p, eta, kappa, beta = _MODES.values()
    h = np.logspace(-2, 0, 9)
    c = h**beta
    precond = h ** (beta * (p - 1) / 2)
    rng = _child(Settings(seed=seed), 1)
    groups, per_group = (16, 4000) if full else (16, 1000)
    burn, T = 400, 400 if not full else 1600
    delta = np.zeros((groups, per_group, h.size))
    acc = np.zeros((groups, h.size))
    for step in range(burn + T):
        xi = _rademacher(rng, delta.shape) * np.sqrt(c)
        delta = delta - eta * precond * (kappa * h * delta + xi)
        if step >= burn:
            acc += (delta**2).mean(1)
    return h, acc / T, c


@check("dynmuon.noise_floor", name="dynmuon.noise_floor[p=-0.25]", quick_seconds=1.8)
def noise_floor(settings: Settings) -> Curve:
    """The stationary second moment of every mode of the mode recursion equals the derived noise
    floor (a check of the fixed-point algebra on the recursion itself, at beta = 1.4).

    Modes h in [0.01, 1], noise variance c = h^1.4 (the paper's empirical law) and the matching
    preconditioner h^(1.4 (p-1)/2), Rademacher noise; time average over 400 steps after a
    400-step burn-in (the slowest mode relaxes in ~20 steps); 16 replica groups of 1000
    independent chains each (4000 and 1600 steps full).
    """
    p, eta, kappa, beta = _MODES.values()
    h, sims, c = _mode_run(settings.seed, settings.full)
    return _mode_curve(
        h, sims, {"eta": eta, "kappa": kappa, "p": p, "beta": beta}, {"c": c},
        ylabel="stationary E delta^2", label=f"mode recursion, p = {p}, beta = {beta}",
        notes=f"eta = {eta}, kappa = {kappa}, c = h^{beta}, {sims.shape[0]} replica groups; "
        "the statistic is the mean over the 9 modes of ln(simulated / law).",
    )


_STABILITY = dict(p=-1.5, beta=1.4, kappa=1.0, h=0.1, chains=64, T=4000, growth=10.0)


def _growth(etas: np.ndarray, seed: int) -> np.ndarray:
    """For each step size: E delta^2 at step T over E delta^2 at step T/2 (``chains`` chains of
    the mode recursion from delta = 0, Rademacher noise of variance c = h^beta, the same noise
    for every step size)."""
    p, beta, kappa, h = (_STABILITY[k] for k in ("p", "beta", "kappa", "h"))
    c = h**beta
    precond = h ** (beta * (p - 1) / 2)
    rng = _child(Settings(seed=seed), 7)
    T = _STABILITY["T"]
    etas = np.asarray(etas, dtype=float)[:, None]
    delta = np.zeros((etas.shape[0], _STABILITY["chains"]))
    noises = _rademacher(rng, (T, delta.shape[1])) * np.sqrt(c)
    step = etas * precond
    keep = 1 - step * kappa * h
    mid = None
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(T):
            delta = keep * delta - step * noises[t]
            if t == T // 2 - 1:
                mid = np.mean(delta**2, axis=1)
        ratio = np.mean(delta**2, axis=1) / mid
    return np.where(np.isfinite(ratio), ratio, np.inf)


@check("dynmuon.stability_step", name="dynmuon.stability_step[p=-1.5,beta=1.4,h=0.1]",
       quick_seconds=0.1)
def stability_step(settings: Settings) -> Value:
    """The largest stable step of a flat mode (h = 0.1) at p = -1.5 < 1 - 2/beta, where flat modes
    bind, bracketed on successive grids of steps in the simulated mode recursion.

    A step reads unstable when E delta^2 (64 chains) grows by more than 10x over the second
    half of T = 4000 steps. Below the threshold the ratio is at most 2 (a random walk at the
    edge), so an unstable reading is never wrong and the bracket's upper end bounds the
    threshold. Just above it, |contraction| = 1 + 2 eps (eps the relative excess of the step)
    and the ratio is (1 + 2 eps)^T + 1, so a step up to eps = ln(f g - 1)/(2T) above the
    threshold can still read stable (g = 10, f = 1 + 3 sqrt(4/chains) the three-standard-error
    spread of the ratio of two sample means): the lower end is the bracket's, divided by
    1 + eps (a systematic interval).
    """
    lo, hi = 0.01, 10.0
    while hi / lo > 1 + 1e-5:  # bracket refined on a grid of 32 steps at a time
        grid = np.geomspace(lo, hi, 32)
        unstable = _growth(grid, settings.seed) > _STABILITY["growth"]
        first = int(np.argmax(unstable)) if unstable.any() else grid.size - 1
        lo, hi = grid[max(first - 1, 0)], grid[first]
    spread = 1 + 3 * math.sqrt(4 / _STABILITY["chains"])
    eps = math.log(spread * _STABILITY["growth"] - 1) / (2 * _STABILITY["T"])
    point = {k: _STABILITY[k] for k in ("p", "beta", "kappa", "h")}
    return Value(
        math.sqrt(lo * hi), (lo / (1 + eps), hi),
        method="bracket on growth of the simulated second moment (systematic interval)",
        point=point, relative=True, deterministic=True,
        notes=(f"mode recursion delta <- delta - eta h^(beta (p-1)/2) (kappa h delta + xi), "
               f"c = h^beta, {_STABILITY['chains']} chains, T = {_STABILITY['T']}; detection "
               f"resolution {eps:.2e} (relative)."),
    )


# ------------------------------------------------------------------------------ schedule


def _logistic_p(s, tau, w, p_min, p_max):
    """The schedule as the released scheduler computes it: u = (s - tau)/w, a = 1/(1 + e^u)."""
    return p_min + (p_max - p_min) / (1.0 + np.exp((s - tau) / w))


def _crossing_value(x, tau, w, p_min, p_max, steps) -> Value:
    s = np.arange(steps + 1) / steps
    p_t = _logistic_p(s, tau, w, p_min, p_max)
    k = int(np.argmax(p_t <= x))  # first step at or below x (p_t decreases)
    s0, s1, p0, p1 = s[k - 1], s[k], p_t[k - 1], p_t[k]
    value = s0 + (s1 - s0) * (p0 - x) / (p0 - p1)
    return Value(
        value, (s0, s1), method=f"first of {steps} steps with p_t <= x (systematic: one step)",
        point={"tau": tau, "w": w, "p_min": p_min, "p_max": p_max, "x": x}, relative=True,
        deterministic=True,
        notes=f"schedule evaluated at every step t/T, T = {steps}; value interpolated linearly.",
    )


def _schedule_steps(settings: Settings) -> int:
    return 10**6 if settings.full else 10**5


@check("dynmuon.schedule_crossing", name="dynmuon.schedule_crossing[x=0.25,readme]",
       quick_seconds=0.1)
def schedule_crossing_readme(settings: Settings) -> Value:
    """Where the README schedule (tau = w = 0.04, p from 1 to -1/4) passes p = 1/4, the released
    code's switch from raw momentum to Newton-Schulz."""
    return _crossing_value(0.25, 0.04, 0.04, -0.25, 1.0, _schedule_steps(settings))


@check("dynmuon.schedule_crossing", name="dynmuon.schedule_crossing[x=0.95]", quick_seconds=0.1)
def schedule_crossing_top(settings: Settings) -> Value:
    """A crossing near the upper end of the regime (x close to p_max), with the schedule centred
    in the run (tau = 0.5, w = 0.05)."""
    return _crossing_value(0.95, 0.5, 0.05, -0.25, 1.0, _schedule_steps(settings))


@check("dynmuon.schedule_crossing", name="dynmuon.schedule_crossing[x=-0.2]", quick_seconds=0.1)
def schedule_crossing_bottom(settings: Settings) -> Value:
    """A crossing near the lower end of the regime (x close to p_min)."""
    return _crossing_value(-0.2, 0.5, 0.05, -0.25, 1.0, _schedule_steps(settings))


_MATRIX = {"n": 16, "m": 16, "kappa": 1.0, "eta": 0.3, "T": 20}


@check("dynmuon.second_moment", name="dynmuon.second_moment[matrix,p=1]", quick_seconds=5.7)
def matrix_second_moment(settings: Settings) -> Curve:
    """The matrix process with exact SVD shaping follows the one-step second-moment map at p = 1.

    At p = 1 the shaping is the identity, so each row of E is a mode. The process runs 20 steps
    from E_ij ~ N(0, 0.09) (the strong modes reach their noise floor, the weak ones still
    contract); the law maps the second moment of step 19 (the replica mean, per mode) to step 20,
    which is the measurement (replicas as rows). The law's input ``m`` is that measured state.
    At p = 1 the preconditioner is the identity whatever beta (the noise here has c ~ h^1.4).
    """
    p = 1.0
    h, c, prev, sims = _matrix_run(settings.seed, p, settings.full)
    return _mode_curve(
        h, sims, {"eta": _MATRIX["eta"], "kappa": _MATRIX["kappa"], "p": p, "beta": 1.4},
        {"c": c, "m": prev.mean(0)},
        ylabel=f"E delta^2 at step {_MATRIX['T']}", label="matrix process, p = 1",
        notes=f"n = m = 16, eta = {_MATRIX['eta']}, kappa = {_MATRIX['kappa']}, c = 1e-2 h^1.4, "
        f"{sims.shape[0]} replicas; law input m = replica-mean second moment at step "
        f"{_MATRIX['T'] - 1}.",
    )


@functools.lru_cache(maxsize=8)
def _matrix_run(seed: int, p: float, full: bool):
    """Row second moments of the matrix process at steps T - 1 and T: (h, c, prev, last), each
    of ``prev``, ``last`` of shape (R, n)."""
    n, m, kappa, eta, T = (_MATRIX[k] for k in ("n", "m", "kappa", "eta", "T"))
    h = np.logspace(-1, 0, n)[::-1]
    c = 1e-2 * h**1.4
    R = 400 if full else 150
    rng = _child(Settings(seed=seed), 2 + int(round(100 * (p + 2))))
    # replica-major draws, in the order of a loop over replicas (E, then one noise matrix per
    # step): the same numbers as one replica at a time, run as one stack of SVDs
    draws = rng.standard_normal((R, T + 1, n, m))
    E = draws[:, 0] * 0.3
    prev = np.zeros((R, n))
    for t in range(T):
        prev = (E**2).mean(2)
        G = kappa * h[None, :, None] * E + draws[:, t + 1] * np.sqrt(c)[None, :, None]
        with single_blas_thread():  # a stack of 16 x 16 SVDs: no barrier per call
            U, s, Vt = np.linalg.svd(G, full_matrices=False)
            E = E - eta * (U * s[:, None, :] ** p) @ Vt
    last = (E**2).mean(2)
    return h, c, prev, last


# ------------------------------------------------------------------------------ shaping at p != 1


_WIDE = dict(p=-0.25, n=8, m=512, eta_kappa=0.1, c0=1.0, kappa=1.0)


@functools.lru_cache(maxsize=8)
def _wide_run(seed: int, p: float, beta: float, full: bool):
    r"""Stationary row statistics of the matrix process in the wide, noise-dominated regime.

    :math:`E \in \mathbb R^{n\times m}` (``m >> n``), :math:`G = \kappa HE + \Xi`,
    :math:`\Xi_{ij} \sim N(0, c_0 h_i^\beta)`, update :math:`E \leftarrow E - \eta\,U\Sigma^pV^\top`
    (exact SVD of :math:`G`, all replicas at once). Then :math:`GG^\top \approx m c_0 H^\beta`,
    the surrogate with :math:`\alpha = m c_0`, so each row is a mode of the recursion with the
    effective step :math:`\eta_{\rm eff} = \eta\,\alpha^{(p-1)/2}`.

    Returns a dict: ``h``, ``c``, ``eta_eff`` and, per replica and mode (shape (R, n)), the
    stationary second moment ``floor`` (row mean of E^2), the lag-1 regression coefficient
    ``contraction`` = sum E_t E_(t+1) / sum E_t^2 and the residual (innovation) variance
    ``innovation`` of E_(t+1) on E_t, pooled over the m columns and the time window.
    """
    n, m, eta_kappa, c0, kappa = (_WIDE[k] for k in ("n", "m", "eta_kappa", "c0", "kappa"))
    h = np.logspace(-1, 0, n)[::-1]
    c = c0 * h**beta
    alpha = m * c0
    eta_eff = eta_kappa / kappa
    eta = eta_eff / alpha ** ((p - 1) / 2)
    R, T = (32, 600) if full else (8, 300)
    slowest = eta_kappa * (h ** (1 + beta * (p - 1) / 2)).min()
    burn = int(math.ceil(6 / slowest))  # six relaxation times of the slowest mode
    tag = 1000 + int(round(100 * (p + 2))) + (0 if beta == 1 else int(round(1000 * beta)))
    rng = _child(Settings(seed=seed), tag)
    E = np.zeros((R, n, m))
    s00 = np.zeros((R, n))
    s01 = np.zeros((R, n))
    s11 = np.zeros((R, n))
    for step in range(burn + T):
        noise = rng.standard_normal((R, n, m)) * np.sqrt(c)[None, :, None]
        G = kappa * h[None, :, None] * E + noise
        with single_blas_thread():  # a stack of 8 x 512 SVDs: no barrier per call
            U, sv, Vt = np.linalg.svd(G, full_matrices=False)
            new = E - eta * (U * sv[:, None, :] ** p) @ Vt
        if step >= burn:
            s00 += (E**2).sum(2)
            s01 += (E * new).sum(2)
            s11 += (new**2).sum(2)
        E = new
    contraction = s01 / s00
    count = T * m
    return {
        "h": h, "c": c, "eta_eff": eta_eff,
        "floor": s11 / count,
        "contraction": contraction,
        "innovation": (s11 - 2 * contraction * s01 + contraction**2 * s00) / count,
    }


def _surrogate_error(p: float) -> tuple[float, str]:
    """First-order size of the two errors of the surrogate GG^T ~ alpha H^beta in the wide
    process (for the record: the law is judged without an allowance)."""
    n, m, eta_kappa = _WIDE["n"], _WIDE["m"], _WIDE["eta_kappa"]
    signal = abs(p - 1) / 4 * eta_kappa
    wishart = max(abs(p * (p - 1)), abs((p - 1) * (p - 3)) / 4) * n / (2 * m)
    return signal + wishart, (
        f"the surrogate GG^T ~ alpha H^beta is first-order accurate: the signal kappa H E adds a "
        f"relative kappa^2 h^2 E delta^2 / c <= eta_eff kappa / 2 to diag(GG^T), moving the log "
        f"floor by (p - 1)/2 times that, |p - 1| eta_eff kappa / 4 = {signal:.4f}; the Wishart "
        f"spread of GG^T (ratio n/m) moves E[(GG^T)^q] by q(q - 1) n/(2m) for the powers q = p "
        f"and (p - 1)/2, at most {wishart:.4f}"
    )


def _wide_curve(key_stat, beta, settings, *, law_point=None, level=True, ylabel, label) -> Curve:
    p = _WIDE["p"]
    run = _wide_run(settings.seed, p, beta, settings.full)
    h, c, eta_eff = run["h"], run["c"], run["eta_eff"]
    y = {"floor": run["floor"], "contraction": run["contraction"],
         "gain": np.sqrt(run["innovation"] / c)}[key_stat]
    error, reason = _surrogate_error(p)
    shared = {"eta": eta_eff, "kappa": _WIDE["kappa"], "p": p, "beta": beta}
    point = {k: v for k, v in shared.items() if law_point is None or k in law_point}
    curve = _mode_curve(
        h, y, point, {"c": c}, ylabel=ylabel, label=label,
        notes=f"n = {_WIDE['n']}, m = {_WIDE['m']}, noise variance c = c_0 h^{beta}, eta_eff "
        f"kappa = {_WIDE['eta_kappa']}, alpha = m c_0 = {_WIDE['m'] * _WIDE['c0']:g}, "
        f"{y.shape[0]} replicas. First-order error of the surrogate {error:.4f}: {reason}.",
    )
    if law_point is not None and "c" not in law_point:
        pts = tuple({k: v for k, v in pt.items() if k != "c"} for pt in curve.predict.points)
        curve = dataclasses.replace(curve, predict=LawCurve(pts, level=level))
    elif not level:
        curve = dataclasses.replace(curve, predict=LawCurve(curve.predict.points, level=False))
    return curve


def _surrogate_finding(what: str) -> str:
    return (
        "Finding (about the paper's surrogate, not the mode law; numbers in the law's notes): "
        f"on the wide matrix process at p = -0.25 the {what} sits off the mode law by the "
        "surrogate's first-order signal error (an effective step 2-2.5 % below eta "
        "alpha^((p-1)/2), -0.022 computed on the log floor): GG^T ~ alpha H^beta holds to ~2 % "
        "here, not exactly."
    )


_SURROGATE_FINDING = _surrogate_finding(
    "stationary floor (-0.0176 [-0.0204, -0.0148] in mean ln(simulated / law), beta = 1)")


@check("dynmuon.noise_floor", name="dynmuon.noise_floor[matrix,p=-0.25]", quick_seconds=0.7,
       known_failure=_SURROGATE_FINDING)
def matrix_noise_floor(settings: Settings) -> Curve:
    """The matrix process with exact U Sigma^p V^T shaping at p = -0.25 sits on the mode noise
    floor (beta = 1: noise variance c_i = h_i).

    Wide (n = 8 modes, m = 512 columns), noise-dominated process, where the curvature-aligned
    surrogate (GG^T)^((p-1)/2) ~ alpha^((p-1)/2) H^((p-1)/2) holds with alpha = m c_0 (computed,
    not fitted), to first order in eta_eff kappa and n/m; 8 replicas (32 full).
    """
    return _wide_curve("floor", 1.0, settings, ylabel="stationary E delta^2 (row mean)",
                       label="matrix process, U Sigma^p V^T, p = -0.25, beta = 1")


@check("dynmuon.noise_floor", name="dynmuon.noise_floor[matrix,p=-0.25,beta=1.4]",
       quick_seconds=0.6, known_failure=_surrogate_finding(
           "stationary floor (-0.0239 [-0.0258, -0.0214], beta = 1.4)"))
def matrix_noise_floor_beta(settings: Settings) -> Curve:
    """The same at beta = 1.4 (noise variance c_i = h_i^1.4, the paper's fitted law): the floor
    with the preconditioner h^(beta (p-1)/2) of G G^T ~ alpha H^beta."""
    return _wide_curve("floor", 1.4, settings, ylabel="stationary E delta^2 (row mean)",
                       label="matrix process, U Sigma^p V^T, p = -0.25, beta = 1.4")


@check("dynmuon.small_step_floor", name="dynmuon.small_step_floor[matrix,p=-0.25]",
       quick_seconds=0.6)
def matrix_small_step_floor(settings: Settings) -> Curve:
    """The floor's shape across modes, h^(beta (p-1)/2 - 1) c, at beta = 1: the ratio of the
    matrix process's stationary second moments to the law has log-slope 0 in h (the run of
    dynmuon.noise_floor[matrix,p=-0.25])."""
    return _wide_curve("floor", 1.0, settings, level=False,
                       ylabel="stationary E delta^2 (row mean)",
                       label="matrix process, p = -0.25, beta = 1")


@check("dynmuon.small_step_floor", name="dynmuon.small_step_floor[matrix,p=-0.25,beta=1.4]",
       quick_seconds=0.6)
def matrix_small_step_floor_beta(settings: Settings) -> Curve:
    """The same at beta = 1.4, where the floor goes like h^(beta (p+1)/2 - 1) = h^-0.475 (the
    beta = 1 form would give h^-0.225)."""
    return _wide_curve("floor", 1.4, settings, level=False,
                       ylabel="stationary E delta^2 (row mean)",
                       label="matrix process, p = -0.25, beta = 1.4")


def _contraction_check(beta, settings):
    return _wide_curve("contraction", beta, settings, law_point=("eta", "kappa", "p", "beta"),
                       ylabel="lag-1 regression of E_(t+1) on E_t",
                       label=f"matrix process, p = -0.25, beta = {beta:g}")


def _gain_check(beta, settings):
    return _wide_curve("gain", beta, settings, law_point=("eta", "p", "beta"),
                       ylabel="innovation std / sqrt(c)",
                       label=f"matrix process, p = -0.25, beta = {beta:g}")


@check("dynmuon.mode_contraction", name="dynmuon.mode_contraction[matrix,p=-0.25]",
       quick_seconds=0.6, known_failure=_surrogate_finding(
           "lag-1 contraction (+0.0017 [+0.0016, +0.0019] in mean ln ratio, beta = 1)"))
def matrix_contraction(settings: Settings) -> Curve:
    """Each mode's contraction factor, measured on the matrix process as the lag-1 regression
    coefficient of a row of E at stationarity (beta = 1)."""
    return _contraction_check(1.0, settings)


@check("dynmuon.mode_contraction", name="dynmuon.mode_contraction[matrix,p=-0.25,beta=1.4]",
       quick_seconds=0.7, known_failure=_surrogate_finding(
           "lag-1 contraction (+0.0027 [+0.0025, +0.0029], beta = 1.4)"))
def matrix_contraction_beta(settings: Settings) -> Curve:
    """The same at beta = 1.4."""
    return _contraction_check(1.4, settings)


@check("dynmuon.mode_noise_gain", name="dynmuon.mode_noise_gain[matrix,p=-0.25]",
       quick_seconds=0.5, known_failure=_surrogate_finding(
           "noise gain (-0.0197 [-0.0198, -0.0196] in mean ln ratio, beta = 1)"))
def matrix_gain(settings: Settings) -> Curve:
    """Each mode's noise gain, measured on the matrix process as the standard deviation of the
    innovation E_(t+1) - r E_t (r the lag-1 coefficient) over sqrt(c) (beta = 1)."""
    return _gain_check(1.0, settings)


@check("dynmuon.mode_noise_gain", name="dynmuon.mode_noise_gain[matrix,p=-0.25,beta=1.4]",
       quick_seconds=0.5, known_failure=_surrogate_finding(
           "noise gain (-0.0257 [-0.0258, -0.0256], beta = 1.4)"))
def matrix_gain_beta(settings: Settings) -> Curve:
    """The same at beta = 1.4: gain eta h^(beta (p-1)/2), h^-0.875 (beta = 1: h^-0.625)."""
    return _gain_check(1.4, settings)


# ------------------------------------------------------------------------------ released operator
#
# The operator as validators/processes/spectral_shaping.py implements it from the released code
# (anchoring, learning-rate adjustment, Fast-Spectral with an exact polar factor). Each check
# measures the operator's action on matrices; the interval is systematic (float32 against
# float64).


def _exponent_of(op, p_t: float, seed: int) -> tuple[float, float]:
    """The log-log slope of the output singular values against the input ones, in float64 and
    float32, for a 24 x 16 matrix with singular values spread over [0.1, 1]."""
    from .processes.spectral_shaping import anchored_direction

    rng = _child(Settings(seed=seed), 31)
    U, _ = np.linalg.qr(rng.standard_normal((24, 16)))
    V, _ = np.linalg.qr(rng.standard_normal((16, 16)))
    s_in = np.geomspace(0.1, 1.0, 16)
    M = (U * s_in) @ V.T
    out = []
    for dtype in (np.float64, np.float32):
        with single_blas_thread():
            D = anchored_direction(M.astype(dtype), p_t, dtype=dtype).astype(float)
        s_out = np.einsum("ij,ik,kj->j", U, D, V)  # the output along M's singular directions
        out.append(float(np.polyfit(np.log(s_in), np.log(s_out), 1)[0]))
    return out[0], out[1]


def _anchoring(p_t: float, settings: Settings) -> Value:
    hi, lo = _exponent_of(None, p_t, settings.seed)
    half = max(abs(hi - lo), 1e-12)
    return Value(
        hi, (hi - half, hi + half),
        method="log-log slope of the output singular values in the input ones (float64; "
               "systematic interval: float32 against float64)",
        point={"p": p_t}, deterministic=True,
        notes=("validators/processes/spectral_shaping.anchored_direction (p < 0: exact "
               "U Sigma^p V^T) on a 24 x 16 matrix with singular values geometric in [0.1, 1]"),
    )


@check("dynmuon.anchored_exponent", name="dynmuon.anchored_exponent[p=0.26]", quick_seconds=0.01)
def anchoring_above(settings: Settings) -> Value:
    """Just above the first switch (p_t = 0.26): the raw momentum, exponent 1."""
    return _anchoring(0.26, settings)


@check("dynmuon.anchored_exponent", name="dynmuon.anchored_exponent[p=0.24]", quick_seconds=0.01)
def anchoring_below(settings: Settings) -> Value:
    """Just below the first switch (p_t = 0.24): the polar factor, exponent 0."""
    return _anchoring(0.24, settings)


@check("dynmuon.anchored_exponent", name="dynmuon.anchored_exponent[p=-0.25]",
       quick_seconds=0.06)
def anchoring_negative(settings: Settings) -> Value:
    """Below the second switch, at the default p_min = -0.25: the scheduled exponent itself."""
    return _anchoring(-0.25, settings)


def _lr_curve(var: str, settings: Settings) -> Value:
    """Spectral norm per unit learning rate of the applied Muon-phase step, lr_adj * polar(M),
    over fan_out (fan_in = 64) or fan_in (fan_out = 64): its log-log slope, in float64 with a
    float32 interval."""
    from .processes.spectral_shaping import adjusted_lr, anchored_direction

    rng = _child(Settings(seed=settings.seed), 32)
    sizes = np.array([16, 32, 64, 128, 256])
    slopes = []
    mats = [rng.standard_normal((int(n), 64) if var == "fan_out" else (64, int(n)))
            for n in sizes]
    for dtype in (np.float64, np.float32):
        with single_blas_thread():  # small SVDs: no thread barrier per call
            y = [np.linalg.norm(adjusted_lr(1.0, M.shape) * anchored_direction(
                M.astype(dtype), 0.1, dtype=dtype).astype(float), 2) for M in mats]
        slopes.append(float(np.polyfit(np.log(sizes), np.log(y), 1)[0]))
    half = max(abs(slopes[0] - slopes[1]), 1e-12)
    other = "fan_in" if var == "fan_out" else "fan_out"
    return Value(
        slopes[0], (slopes[0] - half, slopes[0] + half),
        method=f"log-log slope of the applied step's spectral norm in {var} (float64; "
               "systematic interval: float32 against float64)",
        predict=Exponent(var), point={other: 64}, deterministic=True,
        notes=(f"validators/processes/spectral_shaping: adjusted_lr(1, shape) * polar(M), M "
               f"Gaussian, {var} = 16..256, {other} = 64, p_t = 0.1 (Muon phase); the polar "
               "factor has spectral norm 1, so the step's norm is the factor"),
        data={"x": sizes.tolist(), "xlabel": var, "loglog": True},
    )


@check("dynmuon.lr_adjustment", name="dynmuon.lr_adjustment[fan_out]", quick_seconds=0.05)
def lr_adjustment_fan_out(settings: Settings) -> Value:
    """The applied step's spectral norm grows like sqrt(fan_out) at fixed fan_in."""
    return _lr_curve("fan_out", settings)


@check("dynmuon.lr_adjustment", name="dynmuon.lr_adjustment[fan_in]", quick_seconds=0.05)
def lr_adjustment_fan_in(settings: Settings) -> Value:
    """The applied step's spectral norm falls like fan_in^-1/2 at fixed fan_out."""
    return _lr_curve("fan_in", settings)


def _fast_value(p: float, s_target: float, settings: Settings) -> Value:
    """Fast-Spectral's gain (output singular value / ||M||_F^p) along the singular direction
    whose normalised singular value is ``s_target``, in float64 with a float32 interval."""
    from .processes.spectral_shaping import fast_spectral

    rng = _child(Settings(seed=settings.seed), 33)
    U, _ = np.linalg.qr(rng.standard_normal((20, 6)))
    V, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    rest = np.sqrt((1 - s_target**2) / 5)
    s_n = np.array([s_target] + [rest] * 5)  # sum of squares 1: ||M||_F = 3 below
    M = 3.0 * (U * s_n) @ V.T
    gains = []
    for dtype in (np.float64, np.float32):
        with single_blas_thread():
            out = fast_spectral(M.astype(dtype), p, dtype=dtype).astype(float)
        gains.append(float(U[:, 0] @ out @ V[:, 0]) / 3.0**p)
    half = max(abs(gains[0] - gains[1]), 1e-15)
    return Value(
        gains[0], (gains[0] - half, gains[0] + half),
        method="gain along one prescribed singular direction (float64; systematic interval: "
               "float32 against float64)",
        point={"p": p, "s_n": s_target}, relative=True, deterministic=True,
        notes=("validators/processes/spectral_shaping.fast_spectral (exact polar factor) on a "
               f"20 x 6 matrix, ||M||_F = 3, normalised singular values {s_target} and five "
               f"equal ones ({rest:.4f}); s_n^p would be {s_target ** p:.4f}"),
    )


@check("dynmuon.fast_spectral_gain", name="dynmuon.fast_spectral_gain[p=-0.25,s_n=0.2]",
       quick_seconds=0.01)
def fast_spectral_default(settings: Settings) -> Value:
    """At the default p_min = -0.25, on a small singular value (s_n = 0.2), where the
    surrogate's 1.185 is far from s_n^p = 1.495."""
    return _fast_value(-0.25, 0.2, settings)


@check("dynmuon.fast_spectral_gain", name="dynmuon.fast_spectral_gain[p=-1,s_n=0.9]",
       quick_seconds=0.01)
def fast_spectral_inverse(settings: Settings) -> Value:
    """At p = -1 (the inverse spectrum) on a large singular value (s_n = 0.9)."""
    return _fast_value(-1.0, 0.9, settings)


# ------------------------------------------------------------------------------ the p rule
#
# The paper's mode model (boxed recursion, beta = 1 form) at a fixed learning rate; the exact
# second-moment recursion; the best fixed p on a grid (validators/processes/spectral_shaping).

_RULE = dict(eta=0.5, kappa=1.0, modes=32, c_ref=1e-3, beta_noise=1.4, warm=10, window=50,
             early=10, early_power=2.0)


def _rule_noise(h, B, sigma2=0.0):
    return (_RULE["c_ref"] * h ** _RULE["beta_noise"] + sigma2 * h) / B


@functools.lru_cache(maxsize=64)
def _best_p(state: str, B: float, sigma2: float = 0.0, step: float = 0.01) -> float:
    from .processes.spectral_shaping import best_exponent, mode_second_moments

    h = np.logspace(-2, 0, _RULE["modes"])
    c = _rule_noise(h, B, sigma2)
    grid = np.arange(-1.0, 1.0 + step / 2, step)
    kw = dict(eta=_RULE["eta"], kappa=_RULE["kappa"], c=c)
    if state == "late":
        m0 = mode_second_moments(h, np.ones_like(h), p=0.0, steps=_RULE["warm"], **kw)
        return best_exponent(h, m0, steps=_RULE["window"], grid=grid, **kw)[0]
    return best_exponent(h, h ** _RULE["early_power"], steps=_RULE["early"], grid=grid, **kw)[0]


def _best_p_value(state: str, B: float, settings: Settings) -> Value:
    fine, coarse = _best_p(state, B, step=0.005), _best_p(state, B, step=0.01)
    half = max(abs(fine - coarse), 0.005)
    return Value(
        fine, (fine - half, fine + half),
        method="argmin over a grid of p in [-1, 1] of the mode model's exact loss (systematic "
               "interval: grid steps 0.005 against 0.01, at least one step)",
        point={}, deterministic=True,
        notes=(f"mode model, eta kappa = {_RULE['eta']}, {_RULE['modes']} modes h in [0.01, 1], "
               f"noise c_i = {_RULE['c_ref']:g} h_i^{_RULE['beta_noise']} / B at B = {B:g}; "
               + ("late: 10 Muon steps from E delta^2 = 1, then a 50-step window"
                  if state == "late" else
                  f"early: 10-step window from E delta_i^2 = h_i^{_RULE['early_power']:g}")),
        data={"state": state, "B": B},
    )


@check("dynmuon.stage_rule.late_best_p", name="dynmuon.stage_rule.late_best_p[B=16]",
       quick_seconds=0.01)
def late_best_p(settings: Settings) -> Value:
    """The best fixed p over a late window of the mode model (flat-mode residual still above
    its noise) at batch 16: negative."""
    return _best_p_value("late", 16.0, settings)


@check("dynmuon.stage_rule.late_best_p", name="dynmuon.stage_rule.late_best_p[B=2]",
       quick_seconds=0.01)
def late_best_p_noisy(settings: Settings) -> Value:
    """The same at batch 2, close to where noise makes the best p positive."""
    return _best_p_value("late", 2.0, settings)


_EARLY_FINDING = (
    "Finding (about the paper's mode model at a fixed learning rate; numbers in the law's "
    "notes): the best early p is negative (-0.58 at B = 16 with E delta_i^2 = h_i^2), because "
    "p only reweights contractions h^((p+1)/2) <= 1 and leaves the top mode's unchanged."
)


@check("dynmuon.stage_rule.early_best_p", name="dynmuon.stage_rule.early_best_p[B=16]",
       quick_seconds=0.01, known_failure=_EARLY_FINDING)
def early_best_p(settings: Settings) -> Value:
    """The best fixed p over the first 10 steps of the mode model from a residual concentrated
    in strong modes (E delta_i^2 = h_i^2), at batch 16."""
    return _best_p_value("early", 16.0, settings)


def _trend(xs, fine, coarse, *, x_name, point, notes, log_x) -> Value:
    X = np.log(xs) if log_x else np.asarray(xs, dtype=float)
    a = float(np.polyfit(X, fine, 1)[0])
    b = float(np.polyfit(X, coarse, 1)[0])
    half = max(abs(a - b), 0.005 * 2 / (X[-1] - X[0]))
    return Value(
        a, (a - half, a + half),
        method=f"least-squares slope of the mode model's best p in {x_name} (systematic "
               "interval: grid steps 0.005 against 0.01, at least one step over the range)",
        point=point, deterministic=True, notes=notes,
        data={"x": list(map(float, xs)), "y": list(map(float, fine)), "xlabel": x_name,
              "ylabel": "best late p"},
    )


@check("dynmuon.late_p_batch_trend", name="dynmuon.late_p_batch_trend", quick_seconds=0.03)
def late_batch_trend(settings: Settings) -> Value:
    """The best late p at the paper's batch sizes 2, 16, 128 (noise c ~ 1/B): its slope in
    ln B."""
    Bs = [2.0, 16.0, 128.0]
    fine = [_best_p("late", B, step=0.005) for B in Bs]
    coarse = [_best_p("late", B, step=0.01) for B in Bs]
    return _trend(Bs, fine, coarse, x_name="ln B", point={}, log_x=True,
                  notes=f"best late p at B = 2, 16, 128: {', '.join(f'{v:+.3f}' for v in fine)}")


@check("dynmuon.late_p_label_noise_trend", name="dynmuon.late_p_label_noise_trend",
       quick_seconds=0.03)
def late_label_noise_trend(settings: Settings) -> Value:
    """The best late p at batch 16 with label-noise variance 0, 1e-3, 1e-2, 3e-2 (adding
    sigma2 h_i / B to the noise): its slope in sigma2."""
    s2 = [0.0, 1e-3, 1e-2, 3e-2]
    fine = [_best_p("late", 16.0, v, step=0.005) for v in s2]
    coarse = [_best_p("late", 16.0, v, step=0.01) for v in s2]
    return _trend(s2, fine, coarse, x_name="sigma2", point={}, log_x=False,
                  notes=f"best late p at sigma2 = 0, 1e-3, 1e-2, 3e-2: "
                        f"{', '.join(f'{v:+.3f}' for v in fine)}")
