"""Checks of the Muon / SGD / Newton capacity laws on the simulated associative memory.

Process: :mod:`scalinglaws.validators.processes.assoc_memory` (Gaussian embeddings
:math:`N(0, I/d)`, :math:`p_i \\propto i^{-\\alpha}`, population gradient :math:`B = \\infty`
unless a batch is swept, :math:`W_0 = 0`). Replicas are independent memories, each from its own
child :class:`numpy.random.SeedSequence` ``(seed, experiment, replica, d)``. Every check returns
the replica curves over the embedding dimension ``d`` (shape ``(R, n)``); the engine fits their
exponent with a bootstrap over replicas and judges it by the law's kind.

Observable. The capacity laws speak of a recovered prefix; at the sizes a CPU reaches the prefix
and the count are integer, noisy and carry large finite-size corrections (digest §1.6). The
checks measure the **threshold frequency** :math:`p^*` (where the recovery probability, fitted
logistically in :math:`\\log p`, crosses 1/2); since :math:`p_i \\propto i^{-\\alpha}`,
:math:`p^* \\propto d_t^{-\\alpha}` is the capacity in frequency units, and the laws
``muon.threshold_frequency``, ``muon.multi_step_threshold_frequency`` and
``sgd.threshold_frequency`` state it. Where a law states a capacity itself (Newton's, V6), the
check measures the capacity in rank units, the rank :math:`r^* = (p^*/p_1)^{-1/\\alpha}` whose
frequency is the threshold. Counts and prefixes are kept in the record (``extra``).

Θ̃ laws. Most of these laws hold up to polylog(d) factors (kind ``theta_log``): the engine fits
a free power of :math:`\\ln d` beside the power of :math:`d`, so the interval of the exponent
carries the uncertainty of the log power. On grids spanning a factor 4 in ``d`` that widens the
interval a lot; an interval that also holds a prediction off by 0.1 is reported as
inconclusive, and the docstrings say which size would settle it. Over a factor 2.8-4 in ``d``
the log power is barely identifiable: the fit can trade a large power of ``ln d`` for a wrong
power of ``d`` (the checks' notes give the plain slopes).

Laws with a batch branch (``Min(d^a, B^(1/alpha))``) are evaluated by the engine at each grid
point (:class:`~scalinglaws.validators.engine.LawCurve`) with :data:`B_POPULATION` standing for
the population gradient :math:`B = \\infty` of the simulation: at every ``d`` of the grids its
``d``-branch binds, so the law's value there is the :math:`B = \\infty` value.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .engine import Curve, Exponent, LawCurve, Settings, check
from .engine.fit import fit_threshold

_EXPERIMENTS = {"one_step": 1, "sgd": 2, "multi_step": 3, "batch_muon": 4, "batch_sgd": 5}
#: A batch size standing for the population gradient (B = infinity) where a law has a batch
#: branch: B^(1/alpha) >= 1e13 is far above d^2 at every simulated d, so the d-branch binds.
B_POPULATION = 10**20
D_LABEL = "d (embedding dimension)"


def _xp(settings: Settings):
    from .processes.backend import require_backend

    return require_backend("cupy").xp if settings.backend == "cupy" else np


def _seed(settings: Settings, experiment: str, replica: int, d: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(entropy=settings.seed, spawn_key=(_EXPERIMENTS[experiment], replica, d))


def _key(settings: Settings):
    """What the simulations depend on (the cache key): size, backend and seed."""
    return (bool(settings.full), settings.backend, int(settings.seed))


def _settings(key) -> Settings:
    full, backend, seed = key
    return Settings(full=full, backend=backend, seed=seed)


def _series(x, y, label, style="o--"):
    return {"x": list(map(float, x)), "y": list(map(float, y)), "label": label, "style": style}


def _means(x, y) -> str:
    return ", ".join(f"{int(d)}: {v:.4g}" for d, v in zip(x, np.asarray(y).mean(axis=0)))


def _plain_slope(x, y) -> str:
    """The least-squares log-log slope of the replica mean over the whole grid, without a log
    power (information for the record; the engine's judged fit admits one)."""
    slope = np.polyfit(np.log(x), np.log(np.asarray(y).mean(axis=0)), 1)[0]
    return f"Plain log-log slope of the replica mean (no log power): {slope:.3f}."


def _law_points(x, **values) -> list[dict]:
    """One parameter dict per grid point of ``d`` (for a LawCurve), with B = infinity."""
    return [dict(values, d=int(d), B=B_POPULATION) for d in x]


# ------------------------------------------------------------------------------ one step (V1, V6)


def _one_step_grid(settings: Settings):
    if settings.full:
        return (256, 362, 512, 724, 1024, 1448, 2048), 5
    return (128, 181, 256, 362, 512), 3


@functools.lru_cache(maxsize=8)
def _one_step_runs(settings_key, alpha: float, c_lam: float):
    """Muon and Newton one step on the same memories: arrays (R, n_d) of p*, the rank r* at the
    threshold, count and prefix."""
    from .processes import assoc_memory as A

    settings = _settings(settings_key)
    grid, R = _one_step_grid(settings)
    xp = _xp(settings)
    fields = ("pstar", "rank", "count", "prefix")
    out = {m: {k: np.zeros((R, len(grid))) for k in fields} for m in ("muon", "newton")}
    for j, d in enumerate(grid):
        K = int(0.6 * d ** (1 + 1 / (2 * alpha)))
        n_items = max(3 * K, 16000)
        for r in range(R):
            mem = A.make_memory(d, alpha, n_items, _seed(settings, "one_step", r, d), xp=xp)
            p1 = float(mem.p[0])
            for method in ("muon", "newton"):
                W = A.one_step(mem, method, c_lam=c_lam)
                obs = A.observe(mem, W, K)
                pstar = A.threshold_frequency(mem.p[:K], obs.recovered)
                out[method]["pstar"][r, j] = pstar
                out[method]["rank"][r, j] = (pstar / p1) ** (-1.0 / alpha)
                out[method]["count"][r, j] = obs.count
                out[method]["prefix"][r, j] = max(obs.prefix, 1)
    return np.array(grid, dtype=float), out


@check("muon_capacity.muon.threshold_frequency", name="muon_capacity.V1.one_step_threshold[alpha=1.5]",
       quick_seconds=15)
def one_step_threshold(settings: Settings) -> Curve:
    """V1: one Muon step, threshold frequency p* ~ d^-(alpha + 1/2) (capacity d^(1 + 1/(2 alpha))).

    Θ̃ law: the engine fits a free log power. The quick grid (d = 128-512, 3 replicas) leaves a
    wide interval; ``--full`` (d = 256-2048, 5 replicas) narrows it.
    """
    alpha, c_lam = 1.5, 0.1
    x, runs = _one_step_runs(_key(settings), alpha, c_lam)
    muon = runs["muon"]
    count = muon["count"].mean(0)
    return Curve(
        x, muon["pstar"], Exponent("d"), point={"alpha": alpha, "c_lambda": c_lam},
        window=(x[0], x[-1]), xlabel=D_LABEL, ylabel="threshold frequency p*",
        label=f"one Muon step, alpha = {alpha}",
        series=[_series(x, count * muon["pstar"].mean(0)[0] / count[0],
                        "count (rescaled to p* at the first d)")],
        notes=(
            f"lambda = {c_lam} d^-alpha, B = infinity, K = 0.6 d^(1+1/(2 alpha)) items scored "
            f"against N = max(3K, 16000), {muon['pstar'].shape[0]} replicas. Mean count per d "
            f"{_means(x, muon['count'])}; mean prefix per d {_means(x, muon['prefix'])} "
            f"(capacity in rank units, not judged here). {_plain_slope(x, muon['pstar'])}"
        ),
        extra={"count": muon["count"].mean(0).tolist(), "prefix": muon["prefix"].mean(0).tolist()},
    )


@check("muon_capacity.newton_matches_muon", name="muon_capacity.V6.newton_vs_muon[alpha=1.5]",
       quick_seconds=1)
def newton_vs_muon(settings: Settings) -> Curve:
    """V6: one damped Newton step stores d^(1 + 1/(2 alpha)) items, Muon's capacity (Θ̃).

    Observable: Newton's capacity in rank units, r* = (p*/p_1)^(-1/alpha), the rank whose
    frequency is Newton's threshold frequency, on the same memories as V1. The engine divides
    it by the law at each d (B = infinity) and fits the log-slope of the ratio with a free log
    power. The Newton / Muon ratio of the same quantity is kept in the record.
    """
    alpha, c_lam = 1.5, 0.1
    x, runs = _one_step_runs(_key(settings), alpha, c_lam)
    newton, muon = runs["newton"], runs["muon"]
    ratio = newton["rank"] / muon["rank"]
    count_ratio = newton["count"] / muon["count"]
    return Curve(
        x, newton["rank"], LawCurve(_law_points(x, alpha=alpha)), point={"alpha": alpha},
        window=(x[0], x[-1]), xlabel=D_LABEL, ylabel="Newton capacity r* = (p*/p_1)^(-1/alpha)",
        label=f"one Newton step, alpha = {alpha}",
        series=[_series(x, muon["rank"].mean(0), "Muon r* (same memories)", "s:")],
        notes=(
            f"Newton: G (Sigma_e + mu I)^-1, mu = 1e-2 median eig; Muon lambda = {c_lam} "
            f"d^-alpha; same memories for both methods, {ratio.shape[0]} replicas. Mean ratio "
            f"r*_Newton / r*_Muon per d {_means(x, ratio)}; mean count ratio per d "
            f"{_means(x, count_ratio)}. {_plain_slope(x, newton['rank'])}"
        ),
        extra={"rank_ratio": ratio.mean(0).tolist(), "count_ratio": count_ratio.mean(0).tolist(),
               "muon_rank": muon["rank"].mean(0).tolist()},
    )


# ------------------------------------------------------------------------------ SGD (V2)


@functools.lru_cache(maxsize=4)
def _sgd_runs(settings_key, alpha: float):
    from .processes import assoc_memory as A

    settings = _settings(settings_key)
    grid = (256, 512, 1024, 2048, 4096) if settings.full else (256, 512, 1024, 2048)
    R = 12 if settings.full else 4
    K = 300
    xp = _xp(settings)
    out = {k: np.zeros((R, len(grid))) for k in ("pstar", "count", "prefix")}
    for j, d in enumerate(grid):
        for r in range(R):
            mem = A.make_memory(d, alpha, 16000, _seed(settings, "sgd", r, d), xp=xp)
            obs = A.observe(mem, None, K, sgd_weights=mem.p)
            out["pstar"][r, j] = A.threshold_frequency(mem.p[:K], obs.recovered)
            out["count"][r, j] = obs.count
            out["prefix"][r, j] = max(obs.prefix, 1)
    return np.array(grid, dtype=float), out


@check("muon_capacity.sgd.threshold_frequency", name="muon_capacity.V2.sgd_threshold[alpha=1.1]",
       quick_seconds=15)
def sgd_threshold(settings: Settings) -> Curve:
    """V2: one SGD step, threshold frequency p* ~ d^-1/2, independent of alpha (our hypothesis).

    A Θ law (no log of d at a fixed number of items N = 16000): the exponent alone. Four
    replicas at quick sizes; ``--full`` runs 12 on d = 256-4096.
    """
    alpha = 1.1
    x, runs = _sgd_runs(_key(settings), alpha)
    return Curve(
        x, runs["pstar"], Exponent("d"), point={"alpha": alpha}, window=(x[0], x[-1]),
        xlabel=D_LABEL, ylabel="threshold frequency p*", label=f"one SGD step, alpha = {alpha}",
        notes=(
            f"N = 16000, K = 300 items scored, B = infinity, {runs['pstar'].shape[0]} replicas. "
            f"Mean prefix per d {_means(x, runs['prefix'])} (the capacity hypothesis "
            f"d^(1/(2 alpha)) is not judged here). {_plain_slope(x, runs['pstar'])}"
        ),
        extra={"count": runs["count"].mean(0).tolist(), "prefix": runs["prefix"].mean(0).tolist()},
    )


# ------------------------------------------------------------------------------ multi-step (V4, V5)


@functools.lru_cache(maxsize=4)
def _multi_step_runs(settings_key, alpha: float, steps: int, c_lam: float, kappa: float):
    from .processes import assoc_memory as A

    settings = _settings(settings_key)
    grid = (256, 362, 512, 724, 1024) if settings.full else (181, 256, 362, 512)
    R = 3 if settings.full else 2
    r_ = 1 - 1 / (2 * alpha)
    xp = _xp(settings)
    out = {k: np.zeros((R, len(grid), steps)) for k in ("pstar", "count", "prefix", "mass", "mass_inf")}
    for j, d in enumerate(grid):
        K = int(0.12 * d ** (2 - r_**steps))
        n_items = max(3 * K, 16000)
        for r in range(R):
            mem = A.make_memory(d, alpha, n_items, _seed(settings, "multi_step", r, d), xp=xp)
            for t, obs in enumerate(A.multi_step(mem, steps, K, c_lam=c_lam, kappa=kappa)):
                out["pstar"][r, j, t] = A.threshold_frequency(mem.p[:K], obs.recovered)
                out["count"][r, j, t] = obs.count
                out["prefix"][r, j, t] = max(obs.prefix, 1)
                out["mass"][r, j, t] = obs.mass_unrec
                out["mass_inf"][r, j, t] = obs.mass_unrec_inf
    return np.array(grid, dtype=float), out


_MS = dict(alpha=1.5, steps=3, c_lam=1.0, kappa=4.0)


def _ms_setup(runs) -> str:
    return (f"Margin rule kappa = {_MS['kappa']}, lambda_t = {_MS['c_lam']} d_(t+1)^-alpha sqrt(d), "
            f"B = infinity, {runs['count'].shape[0]} replicas")


def _multi_step_threshold(settings: Settings, t: int) -> Curve:
    x, runs = _multi_step_runs(_key(settings), *_MS.values())
    series = [
        _series(x, runs["pstar"][:, :, s - 1].mean(0), f"p* after t={s}", "s:")
        for s in range(1, _MS["steps"] + 1) if s != t
    ]
    counts = "; ".join(f"t={s}: {_means(x, runs['count'][:, :, s - 1])}"
                       for s in range(1, _MS["steps"] + 1))
    return Curve(
        x, runs["pstar"][:, :, t - 1], Exponent("d"), point={"alpha": _MS["alpha"], "t": t},
        window=(x[0], x[-1]), xlabel=D_LABEL, ylabel=f"threshold frequency p* after {t} steps",
        label=f"p* after t={t} thresholded Muon steps, alpha = {_MS['alpha']}", series=series,
        notes=(f"{_ms_setup(runs)}. Mean counts per d: {counts}. "
               f"{_plain_slope(x, runs['pstar'][:, :, t - 1])}"),
        extra={"count": runs["count"][:, :, t - 1].mean(0).tolist(),
               "prefix": runs["prefix"][:, :, t - 1].mean(0).tolist()},
    )


@check("muon_capacity.muon.multi_step_threshold_frequency", name="muon_capacity.V4.multi_step_threshold[t=2]",
       quick_seconds=25)
def multi_step_threshold_2(settings: Settings) -> Curve:
    """V4: after t = 2 thresholded Muon steps, p* ~ d^-(alpha a_2), a_2 = 2 - (1 - 1/(2 alpha))^2.

    Θ̃ law (free log power). Two replicas on d = 181-512 at quick sizes: four grid points leave
    one degree of freedom to the fit with a free log power; ``--full`` (d = 256-1024, 3
    replicas) has five.
    """
    return _multi_step_threshold(settings, 2)


def multi_step_threshold_3(settings: Settings) -> Curve:
    """V4 at t = 3: the measurement, not a registered check (as before the one-judge engine).

    It reuses the runs of t = 2 (the third step costs nothing more), but at quick sizes its
    local slopes still drift (-2.75 to -2.51 on d = 181-512, law's notes) and with a free log
    power on four grid points the engine's fit is not informative (quick sizes, seed 0:
    -0.60 [-0.99, -0.21] against -2.556, plain slope -2.565); ``--full`` (d = 256-1024) is
    the size at which registering it would make sense.
    """
    return _multi_step_threshold(settings, 3)


def _mass_check(settings: Settings, t: int) -> Curve:
    x, runs = _multi_step_runs(_key(settings), *_MS.values())
    raw = runs["mass"][:, :, t - 1]
    return Curve(
        x, runs["mass_inf"][:, :, t - 1],
        LawCurve(_law_points(x, alpha=_MS["alpha"], t=t)), point={"alpha": _MS["alpha"], "t": t},
        window=(x[0], x[-1]), xlabel=D_LABEL, ylabel="unrecovered frequency mass",
        label=f"unrecovered mass after t={t} steps, alpha = {_MS['alpha']}",
        series=[_series(x, raw.mean(0), "without the mass beyond N (finite-N artefact)", "s:")],
        notes=(
            f"{_ms_setup(runs)}. Mass of the unrecovered items under the infinite power law "
            "i^-alpha/zeta(alpha): items beyond the K scored and beyond the N simulated count as "
            f"unrecovered. Without the mass beyond N, mean per d: {_means(x, raw)}. "
            f"{_plain_slope(x, runs['mass_inf'][:, :, t - 1])}"
        ),
    )


@check("muon_capacity.muon.unrecovered_mass", name="muon_capacity.V5.unrecovered_mass[t=1]", quick_seconds=1)
def unrecovered_mass(settings: Settings) -> Curve:
    """V5: the unrecovered frequency mass after t steps scales like d_t^(1 - alpha) (Θ̃).

    The paper's loss bound (muon.multi_step_loss, an upper bound) is checked through its
    two-sided, derived counterpart muon.unrecovered_mass; the engine evaluates the law at each
    d (B = infinity) and judges the ratio measured / law.
    """
    return _mass_check(settings, 1)


# ------------------------------------------------------------------------------ batch sweep (V3)

#: V3 settings per method: frequency exponent alpha and the Muon floor constant.
_V3 = {"muon": dict(alpha=1.5, c_lam=0.1), "sgd": dict(alpha=1.1, c_lam=0.0)}
_SGD_ITEMS = 4000  # items of the SGD sweep (a nuisance parameter, fixed across d)
_BASE_POINTS = 2  # smallest-B grid points on which the batch-limited B p* is reported
#: batch-limited plateau of 1/(B p*): an item is recovered iff it is in the batch, which happens
#: with probability 1 - exp(-B p) = 1/2 at B p* = ln 2. A property of multinomial sampling, not
#: of the laws checked; a fixed plateau keeps the noise of the few-item small-B fits out of B*.
_BATCH_LIMITED = 1 / math.log(2)


def _batch_grid(settings: Settings, method: str):
    """(d grid, B grid, replicas). The B grid is common to every d (never chosen from a law)."""
    if method == "muon":
        if settings.full:
            return (256, 362, 512, 724, 1024), 10 ** np.arange(2.0, 6.01, 0.25), 5
        return (128, 181, 256, 362), 10 ** np.arange(2.5, 5.01, 0.25), 3
    if settings.full:
        return (256, 512, 1024, 2048, 4096), 10 ** np.arange(1.5, 4.01, 0.25), 16
    return (256, 512, 1024, 2048), 10 ** np.arange(1.5, 3.51, 0.25), 8


def _scored(p: np.ndarray, B: int, K: int, floor: int) -> int:
    """Items to score at batch B: three times the rank r_B at which an item is in the batch with
    probability 1/2 (B p_r = ln 2), clipped to [floor, K]. Below the critical batch the
    recovery transition lies near r_B; items far beyond it are never recovered."""
    r_b = int(np.searchsorted(-p, -math.log(2) / B, side="right"))
    return int(min(K, max(floor, 3 * r_b)))


@functools.lru_cache(maxsize=4)
def _batch_runs(settings_key, method: str):
    """Threshold frequency p*(B) after one step on a fresh batch of B samples: (R, n_d, n_B)."""
    from .processes import assoc_memory as A

    settings = _settings(settings_key)
    grid, Bs, R = _batch_grid(settings, method)
    Bs = np.array([int(round(b)) for b in Bs])
    alpha, c_lam = _V3[method]["alpha"], _V3[method]["c_lam"]
    xp = _xp(settings)
    pstar = np.zeros((R, len(grid), Bs.size))
    prefix = np.zeros_like(pstar)
    for j, d in enumerate(grid):
        if method == "muon":
            K, floor = int(0.6 * d ** (1 + 1 / (2 * alpha))), 64
            n_items = max(3 * K, 16000)
        else:
            K, floor, n_items = 200, 32, _SGD_ITEMS
        for r in range(R):
            mem = A.make_memory(d, alpha, n_items, _seed(settings, f"batch_{method}", r, d), xp=xp)
            for b, B in enumerate(Bs):
                k_b = _scored(mem.p, int(B), K, floor)
                if method == "muon":
                    obs = A.observe(mem, A.one_step(mem, "muon", B=int(B), c_lam=c_lam), k_b)
                else:
                    obs = A.observe(mem, None, k_b, sgd_weights=A.batch_weights(mem, int(B)))
                pstar[r, j, b] = A.threshold_frequency(mem.p[:k_b], obs.recovered)
                prefix[r, j, b] = max(obs.prefix, 1)
    return np.array(grid, dtype=float), Bs.astype(float), pstar, prefix


def _halving(Bs: np.ndarray, eff: np.ndarray, seed: int):
    """fit_threshold's halving point of the efficiency curve(s) ``eff`` = 1/(B p*), (n_B,) or
    (R, n_B), from the batch-limited plateau 1/ln 2 of the model 'recovered iff in the batch'."""
    return fit_threshold(Bs, eff, definition="halving", baseline=_BATCH_LIMITED, seed=seed)


def critical_batches(settings: Settings, method: str):
    """(d grid, B grid, B* per replica and d (R, n_d), efficiency 1/(B p*) (R, n_d, n_B), prefix).

    B* is the halving point of one replica's efficiency curve (a threshold per replica, so the
    replicas stay independent for the engine's bootstrap of its slope in d).
    """
    x, Bs, pstar, prefix = _batch_runs(_key(settings), method)
    eff = 1.0 / (Bs * pstar)
    crit = np.array([[_halving(Bs, eff[r, j], settings.seed).threshold for j in range(x.size)]
                     for r in range(pstar.shape[0])])
    return x, Bs, crit, eff, pstar, prefix


def _critical_batch(settings: Settings, method: str) -> Curve:
    r"""The critical batch of one step of ``method`` (Muon or SGD), per replica, against d.

    Efficiency :math:`y(B) = 1/(B\,p^*(B))`: :math:`B p^*` is the expected number of copies, in
    the batch, of the item at the recovery threshold. Batch-limited (an item is recovered once
    it is in the batch) it is a constant, :math:`\approx \ln 2`; d-limited it grows like
    :math:`B`. The critical batch :math:`B^*` is the halving point of :math:`y`
    (:func:`~scalinglaws.validators.engine.fit.fit_threshold`), found per replica and d; the
    replica curves :math:`B^*(d)` are the measurement (the engine fits their exponent in d).
    """
    alpha = _V3[method]["alpha"]
    x, Bs, crit, eff, pstar, prefix = critical_batches(settings, method)
    R = crit.shape[0]
    means = [_halving(Bs, eff[:, j], settings.seed) for j in range(x.size)]
    thresholds = "; ".join(
        f"d={int(d)}: {m.threshold:.4g} [{m.ci[0]:.4g}, {m.ci[1]:.4g}]" for d, m in zip(x, means))
    low = Bs[None, :_BASE_POINTS] * pstar[:, :, :_BASE_POINTS]
    plateau = ", ".join(f"{v:.3f}" for v in low.mean((0, 2)))
    setup = (f"lambda = {_V3['muon']['c_lam']} max(d^-alpha, 1/B), K = 0.6 d^(1+1/(2 alpha)) items "
             "scored against N = max(3K, 16000)" if method == "muon"
             else f"N = {_SGD_ITEMS}, K = 200 items scored (SGD memory W = G, scored without forming it)")
    prefix_top = ", ".join(f"{v:.0f}" for v in prefix[:, :, -1].mean(0))
    return Curve(
        x, crit, Exponent("d"), point={"alpha": alpha}, window=(x[0], x[-1]),
        xlabel=D_LABEL, ylabel="critical batch B* (halving point of 1/(B p*))",
        label=f"{method} critical batch, alpha = {alpha}",
        notes=(
            f"One step from W_0 = 0 on a fresh multinomial batch of B samples, {setup}; B grid "
            f"{int(Bs[0])}-{int(Bs[-1])} (quarter decades, common to every d), {R} replicas. "
            f"B* = the batch at which 1/(B p*) falls to half its batch-limited plateau 1/ln 2 "
            f"(an item is recovered iff it is in the batch), i.e. B p* = 2 ln 2, per replica. "
            f"Measured batch-limited B p* (first {_BASE_POINTS} grid points) = {plateau} at d = "
            f"{', '.join(str(int(v)) for v in x)} (ln 2 = 0.693). B* of the replica-mean curve "
            f"(bootstrap over replicas): {thresholds}. Recovered prefix at B = {int(Bs[-1])}: "
            f"{prefix_top}. {_plain_slope(x, crit)}"
        ),
        # the efficiency curves (B on the x axis) go beside the plotted B*(d) data
        extra={"batch_grid": Bs.tolist(),
               "efficiency": [eff[:, j].mean(0).tolist() for j in range(x.size)]},
    )


@check("muon_capacity.muon.critical_batch", name="muon_capacity.V3.critical_batch[muon,alpha=1.5]",
       quick_seconds=1800, full_only=True)
def muon_critical_batch(settings: Settings) -> Curve:
    """V3: the critical batch of one Muon step grows like d^(alpha + 1/2) (Θ̃).

    From B^(1/alpha) = d^(1 + 1/(2 alpha)), the crossing of the one-step capacity's branches.
    Registered for ``--full`` only (d = 256-1024, 5 replicas): the quick grid (d = 128-362, 3
    replicas, about a minute on 2 cores) has four points, which leave the fit with a free log
    power one degree of freedom (quick sizes, seed 0: plain slope 2.16, with the free log power
    0.98 [-0.24, 1.97]); the slow tests run it at quick sizes.
    """
    return _critical_batch(settings, "muon")


@check("muon_capacity.sgd.critical_batch", name="muon_capacity.V3.critical_batch[sgd,alpha=1.1]",
       quick_seconds=600, full_only=True)
def sgd_critical_batch(settings: Settings) -> Curve:
    """V3: the critical batch of one SGD step grows like sqrt(d), independent of alpha (our
    hypothesis, Θ̃). Registered for ``--full`` only (d = 256-4096, 16 replicas; quick sizes,
    8 replicas on d = 256-2048: plain slope 0.57, with the free log power 1.13 [-1.70, 4.71])."""
    return _critical_batch(settings, "sgd")
