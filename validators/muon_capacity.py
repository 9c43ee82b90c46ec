"""Checks of the Muon / SGD / Newton capacity laws on the simulated associative memory.

Process: :mod:`scalinglaws.validators.processes.assoc_memory` (Gaussian embeddings
:math:`N(0, I/d)`, :math:`p_i \\propto i^{-\\alpha}`, population gradient :math:`B = \\infty`
unless a batch is swept, :math:`W_0 = 0`). Replicas are independent memories, each from its own
child :class:`numpy.random.SeedSequence` ``(seed, experiment, replica, d)`` (the SGD runs draw
one memory per replica at the largest ``d`` and restrict it to the smaller ones: common random
numbers along a replica's curve). Most checks return replica curves over the embedding
dimension ``d`` (shape ``(R, n)``); the engine fits their exponent with a bootstrap over
replicas and judges it by the law's kind.

Observable. The capacity laws speak of a recovered prefix; at the sizes a CPU reaches the prefix
and the count are integer, noisy and carry large finite-size corrections (digest §1.6). The
checks measure the **threshold frequency** :math:`p^*` (where the recovery probability, fitted
logistically in :math:`\\log p`, crosses 1/2); since :math:`p_i \\propto i^{-\\alpha}`,
:math:`p^* \\propto d_t^{-\\alpha}` is the capacity in frequency units, and the laws
``muon.threshold_frequency``, ``muon.multi_step_threshold_frequency`` and
``sgd.threshold_frequency`` state it. Where a law states a capacity itself (Muon's, SGD's,
Newton's, Newton-Schulz Muon's, the multi-step and the information limit), the check measures
the capacity in rank units, the rank :math:`r^* = (p^*/p_1)^{-1/\\alpha}` whose frequency is the
threshold. Counts and prefixes are kept in the record (``extra``).

Θ̃ laws. Most of these laws hold up to polylog(d) factors (kind ``theta_log``): on replicas the
engine takes the hidden factor as :math:`(\\ln d)^q`, :math:`|q| \\le 1`, and judges the union
of the fits, which widens an interval by about :math:`\\pm 1/\\ln d` (0.16-0.2 here): such a
check can fail (an exponent off by more than that), but it cannot pass against the engine's
control of 0.1 at any size a CPU reaches, so it reports ``inconclusive``. Where the theory of
the process puts a definite log power at the point, the check declares it
(``Curve(log_power=...)``, with the reason).

Laws with a batch branch (``Min(d^a, B^(1/alpha))``) are evaluated by the engine at each grid
point (:class:`~scalinglaws.validators.engine.LawCurve`) with :data:`B_POPULATION` standing for
the population gradient :math:`B = \\infty` of the simulation: at every ``d`` of the grids its
``d``-branch binds, so the law's value there is the :math:`B = \\infty` value.

Cost. The quick checks share five cached simulations (one-step, SGD, multi-step, information
limit, and one batch sweep per method), keyed by (``full``, backend, seed).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .engine import Curve, Exponent, LawCurve, LawValue, Settings, check
from .engine.fit import fit_threshold

_EXPERIMENTS = {"one_step": 1, "sgd": 2, "multi_step": 3, "batch_muon": 4, "batch_sgd": 5,
                "map": 6, "information": 7, "sgd_multi": 8}
#: A batch size standing for the population gradient (B = infinity) where a law has a batch
#: branch: B^(1/alpha) >= 1e13 is far above d^2 at every simulated d, so the d-branch binds.
B_POPULATION = 10**20
D_LABEL = "d (embedding dimension)"
#: The logistic refit of :func:`~.processes.assoc_memory.threshold_frequency` uses the items
#: within a factor 10 in frequency of p*, i.e. up to the rank 10^(1/alpha) r*: an adaptive
#: scoring reaches that far, with a margin of 30 %.
_REFIT_REACH = 1.3


def _xp(settings: Settings):
    from .processes.backend import require_backend

    return require_backend("cupy").xp if settings.backend == "cupy" else np


def _map(fn, tasks, settings: Settings) -> list:
    """``[fn(t) for t in tasks]``: independent (d, replica) tasks on the CPU's worker threads,
    each with one BLAS thread (:func:`~.processes.blas_threads.map_tasks`); one at a time on
    the GPU. Every task draws from its own seed, so the numbers do not depend on the
    schedule."""
    from .processes.blas_threads import map_tasks

    return map_tasks(fn, tasks, workers=1 if settings.backend == "cupy" else None)


def _seed(settings: Settings, experiment: str, replica: int, d: int, *more) -> np.random.SeedSequence:
    return np.random.SeedSequence(entropy=settings.seed,
                                  spawn_key=(_EXPERIMENTS[experiment], replica, d, *more))


def _key(settings: Settings):
    """What the simulations depend on (the cache key): size, backend and seed."""
    return (bool(settings.full), settings.backend, int(settings.seed))


def _settings(key) -> Settings:
    full, backend, seed = key
    return Settings(full=full, backend=backend, seed=seed)


def _series(x, y, label, style="o--"):
    return {"x": list(map(float, x)), "y": list(map(float, y)), "label": label, "style": style}


def _means(x, y, fmt="{:.4g}") -> str:
    return ", ".join(f"{float(d):g}: " + fmt.format(v) for d, v in zip(x, np.asarray(y).mean(axis=0)))


def _plain_slope(x, y) -> str:
    """The least-squares log-log slope of the replica mean over the whole grid, without a log
    power (information for the record; the engine's judged fit may admit one)."""
    slope = np.polyfit(np.log(x), np.log(np.asarray(y).mean(axis=0)), 1)[0]
    return f"Plain log-log slope of the replica mean (no log power): {slope:.3f}."


def _law_points(x, **values) -> list[dict]:
    """One parameter dict per grid point of ``d`` (for a LawCurve), with B = infinity."""
    return [dict(values, d=int(d), B=B_POPULATION) for d in x]


def _rank(pstar: float, p1: float, alpha: float) -> float:
    """The capacity in rank units: the rank r* with p_1 r*^-alpha = p*."""
    return (pstar / p1) ** (-1.0 / alpha)


def _adaptive_threshold(mem, W, k_max: int, k_start: int):
    """(p*, r*, count, items scored) of ``W``, scoring items 1..K with K grown until it covers
    the logistic refit window (the rank ``_REFIT_REACH 10^(1/alpha) r*``), at most ``k_max``.

    Used where the capacity is far below the scoring budget (Newton-Schulz Muon with few
    steps): it saves scoring items that are never recovered. The refit window is the one a full
    scoring would use whenever it fits under ``k_max`` (only the first, global logistic stage
    sees fewer far-tail items).
    """
    from .processes import assoc_memory as A

    reach = _REFIT_REACH * 10 ** (1 / mem.alpha)
    K = int(min(k_max, k_start))
    rec, _ = A.recovery(mem, W, K)
    p1 = float(mem.p[0])
    while True:
        pstar = A.threshold_frequency(mem.p[:K], rec)
        r = _rank(pstar, p1, mem.alpha)
        want = int(min(k_max, math.ceil(reach * r)))
        if want <= K:
            return pstar, r, int(rec.sum()), K
        more, _ = A.recovery(mem, W, want, start=K)
        rec = np.concatenate([rec, more])
        K = want


# ------------------------------------------------------------------------------ the map (V0)


@functools.lru_cache(maxsize=4)
def _map_spectra(settings_key, lam_rule: str):
    """Singular values of one memory's gradient G (d = 128) and of h_lambda(G), ascending."""
    from .processes import assoc_memory as A

    settings = _settings(settings_key)
    d = 256 if settings.full else 128
    mem = A.make_memory(d, 1.5, 2000, _seed(settings, "map", 0, d))
    G = np.asarray(A.gradient(mem, mem.p), dtype=np.float64)
    sigma = np.sort(np.linalg.svd(G, compute_uv=False))
    lam = 0.0 if lam_rule == "zero" else float(np.median(sigma))
    out = A.muon_map(G, lam)
    image = np.sort(np.linalg.svd(np.asarray(out, dtype=np.float64), compute_uv=False))
    return sigma, image, lam


def _map_check(settings: Settings, lam_rule: str) -> Curve:
    sigma, image, lam = _map_spectra(_key(settings), lam_rule)
    points = [{"sigma": float(s), "lam": lam} for s in sigma]
    return Curve(
        sigma, image, LawCurve(points, level=True), point={"lam": lam},
        window=(sigma[0], sigma[-1]), xlabel="singular value sigma of G",
        ylabel="singular value of h_lambda(G)",
        label=f"h_lambda on a d = {sigma.size} gradient, lambda = {lam:.3g}",
        notes=(
            f"G = sum_i p_i u_i e_i^T of one memory (d = {sigma.size}, N = 2000, alpha = 1.5); "
            f"lambda = {lam:.6g} ({'the polar factor' if lam == 0 else 'the median singular value'}"
            "). The process's muon_map (an SVD in float64) is "
            "applied and the singular values of its output (LAPACK SVD, ascending) are compared "
            "with the law at the singular values of G (ascending: the map is increasing). "
            f"Largest |ln(y/law)|: computed by the engine; float64 round-off is ~1e-12."
        ),
    )


@check("muon_capacity.muon.map", name="muon_capacity.V0.map[lambda=0]", quick_seconds=1.8)
def map_polar(settings: Settings) -> Curve:
    """V0: the process's Muon map at lambda = 0 (the polar factor: every singular value -> 1),
    against h_lambda(sigma) = sigma/sqrt(sigma^2 + lambda^2), level ln(y/law) -> 0 to
    machine precision."""
    return _map_check(settings, "zero")


@check("muon_capacity.muon.map", name="muon_capacity.V0.map[lambda=median sigma]", quick_seconds=1)
def map_floor(settings: Settings) -> Curve:
    """V0: the process's Muon map at lambda = the median singular value of G (half the
    singular values below the floor, mapped to ~sigma/lambda), level ln(y/law) -> 0."""
    return _map_check(settings, "median")


# ------------------------------------------------------------------------------ one step (V1, V6, V7)


def _one_step_grid(settings: Settings):
    if settings.full:
        return (256, 362, 512, 724, 1024, 1448, 2048), 5
    return (128, 181, 256, 362, 512), 3


#: Newton-Schulz steps of the d-scan, and the dimension and steps of the k-scan (V7).
_NS_STEPS = 5
_NS_SCAN = {"quick": (362, (1, 2, 3, 4, 5)), "full": (1024, (1, 2, 3, 4, 5))}


@functools.lru_cache(maxsize=8)
def _one_step_runs(settings_key, alpha: float, c_lam: float):
    """Muon, Newton and k-step Newton-Schulz Muon, one step on the same memories: arrays
    (R, n_d) of p*, the rank r* at the threshold, count and prefix; and the k-scan of
    Newton-Schulz Muon at one d, arrays (R, n_k)."""
    from .processes import assoc_memory as A

    settings = _settings(settings_key)
    grid, R = _one_step_grid(settings)
    scan_d, scan_k = _NS_SCAN["full" if settings.full else "quick"]
    xp = _xp(settings)
    fields = ("pstar", "rank", "count", "prefix")
    out = {m: {f: np.zeros((R, len(grid))) for f in fields} for m in ("muon", "newton")}
    out["ns"] = {f: np.zeros((R, len(grid))) for f in ("pstar", "rank", "count", "scored")}
    scan = {f: np.zeros((R, len(scan_k))) for f in ("pstar", "rank", "count", "scored")}

    def task(jr):
        j, r = jr
        d = grid[j]
        K = int(0.6 * d ** (1 + 1 / (2 * alpha)))
        n_items = max(3 * K, 16000)
        mem = A.make_memory(d, alpha, n_items, _seed(settings, "one_step", r, d), xp=xp)
        p1 = float(mem.p[0])
        weights = A.batch_weights(mem, None)
        G = A.gradient(mem, weights)
        res = {}
        for method in ("muon", "newton"):
            W = A.one_step(mem, method, c_lam=c_lam, weights=weights, G=G)
            obs = A.observe(mem, W, K)
            pstar = A.threshold_frequency(mem.p[:K], obs.recovered)
            res[method] = (pstar, _rank(pstar, p1, alpha), obs.count, max(obs.prefix, 1))
        steps = sorted(set(scan_k) | {_NS_STEPS}) if d == scan_d else (_NS_STEPS,)
        for k in steps:
            W = A.one_step(mem, "newton_schulz", ns_steps=k, weights=weights, G=G)
            res[("ns", k)] = _adaptive_threshold(mem, W, K, k_start=256)
        return res

    tasks = [(j, r) for j in reversed(range(len(grid))) for r in range(R)]  # largest first
    for (j, r), res in zip(tasks, _map(task, tasks, settings)):
        for method in ("muon", "newton"):
            for f, v in zip(fields, res[method]):
                out[method][f][r, j] = v
        for k in scan_k if grid[j] == scan_d else ():
            for f, v in zip(("pstar", "rank", "count", "scored"), res[("ns", k)]):
                scan[f][r, scan_k.index(k)] = v
        for f, v in zip(("pstar", "rank", "count", "scored"), res[("ns", _NS_STEPS)]):
            out["ns"][f][r, j] = v
    out["scan"] = scan
    return np.array(grid, dtype=float), out


@check("muon_capacity.muon.threshold_frequency", gpu=True, name="muon_capacity.V1.one_step_threshold[alpha=1.5]",
       quick_seconds=3.2)
def one_step_threshold(settings: Settings) -> Curve:
    """V1: one Muon step, threshold frequency p* ~ d^-(alpha + 1/2) (capacity d^(1 + 1/(2 alpha))).

    Θ̃ law: the engine takes a hidden log power |q| <= 1. Inconclusive at every CPU size (the
    union over q is wider than the control); it fails an exponent off by more than ~0.25.
    """
    alpha, c_lam = 1.5, 0.1
    x, runs = _one_step_runs(_key(settings), alpha, c_lam)
    muon = runs["muon"]
    count = muon["count"].mean(0)
    return Curve(
        x, muon["pstar"], Exponent("d"), point={"alpha": alpha},
        window=(x[0], x[-1]), xlabel=D_LABEL, ylabel="threshold frequency p*",
        label=f"one Muon step, alpha = {alpha}",
        series=[_series(x, count * muon["pstar"].mean(0)[0] / count[0],
                        "count (rescaled to p* at the first d)")],
        notes=(
            f"lambda = {c_lam} d^-alpha, B = infinity, K = 0.6 d^(1+1/(2 alpha)) items scored "
            f"against N = max(3K, 16000), {muon['pstar'].shape[0]} replicas. Mean count per d "
            f"{_means(x, muon['count'])}; mean prefix per d {_means(x, muon['prefix'])}. "
            f"{_plain_slope(x, muon['pstar'])}"
        ),
        extra={"count": muon["count"].mean(0).tolist(), "prefix": muon["prefix"].mean(0).tolist()},
    )


def _muon_rank_curve(settings: Settings, predict, law_label: str) -> Curve:
    alpha, c_lam = 1.5, 0.1
    x, runs = _one_step_runs(_key(settings), alpha, c_lam)
    muon = runs["muon"]
    return Curve(
        x, muon["rank"], predict, point={"alpha": alpha}, window=(x[0], x[-1]),
        xlabel=D_LABEL, ylabel="Muon capacity r* = (p*/p_1)^(-1/alpha)",
        label=f"one Muon step, alpha = {alpha} ({law_label})",
        series=[_series(x, muon["count"].mean(0), "recovered count", "s:")],
        notes=(
            f"The runs of V1 (lambda = {c_lam} d^-alpha, B = infinity, "
            f"{muon['rank'].shape[0]} replicas). Mean count per d {_means(x, muon['count'])}; "
            f"mean prefix per d {_means(x, muon['prefix'])}. {_plain_slope(x, muon['rank'])}"
        ),
        extra={"count": muon["count"].mean(0).tolist(), "prefix": muon["prefix"].mean(0).tolist()},
    )


@check("muon_capacity.muon.one_step_recovered", gpu=True, name="muon_capacity.V1.one_step_recovered[alpha=1.5]",
       quick_seconds=3)
def one_step_recovered(settings: Settings) -> Curve:
    """V1: one Muon step's capacity in rank units, r* = (p*/p_1)^(-1/alpha), against
    min(d^(1 + 1/(2 alpha)), B^(1/alpha)) at B = infinity (Θ̃: the ratio r*/law, hidden log
    power |q| <= 1). Same runs as V1; inconclusive at CPU sizes, fails a ratio slope beyond
    ~0.25."""
    grid = _one_step_grid(settings)[0]
    return _muon_rank_curve(settings, LawCurve(_law_points(grid, alpha=1.5)), "ratio to the law")


@check("muon_capacity.muon.one_step_exponent", gpu=True, name="muon_capacity.V1.one_step_exponent[alpha=1.5]",
       quick_seconds=3)
def one_step_exponent(settings: Settings) -> Curve:
    """V1: the exponent of one Muon step's capacity in d, read on r* (same runs as V1):
    the law's value 1 + 1/(2 alpha) is the exponent of r* in d (Θ̃, hidden log power)."""
    return _muon_rank_curve(settings, LawValue(), "exponent")


@check("muon_capacity.newton_matches_muon", gpu=True, name="muon_capacity.V6.newton_vs_muon[alpha=1.5]",
       quick_seconds=3)
def newton_vs_muon(settings: Settings) -> Curve:
    """V6: one step of our damped Newton method stores Θ̃(d^(1 + 1/(2 alpha))) items, Muon's
    capacity.

    Observable: Newton's capacity in rank units, r* = (p*/p_1)^(-1/alpha), the rank whose
    frequency is Newton's threshold frequency, on the same memories as V1. The engine divides
    it by the law at each d (B = infinity) and judges the log-slope of the ratio as a Θ̃
    statement: a hidden power |q| <= 1 of ln d (the union of the two fits), so a slowly
    varying factor between Newton and Muon is within the law and a power of d is not.
    Inconclusive at every CPU size (the union is wider than the 0.1 control); the Newton /
    Muon ratio of the same quantity is kept in the record.
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
            f"Newton (ours): G (Sigma_e + mu I)^-1, mu = 1e-2 x the median eigenvalue of "
            f"Sigma_e; Muon lambda = {c_lam} d^-alpha; same memories for both methods, "
            f"{ratio.shape[0]} replicas. Mean ratio r*_Newton / r*_Muon per d "
            f"{_means(x, ratio)}; mean count ratio per d {_means(x, count_ratio)}. "
            f"{_plain_slope(x, newton['rank'])}"
        ),
        extra={"rank_ratio": ratio.mean(0).tolist(), "count_ratio": count_ratio.mean(0).tolist(),
               "muon_rank": muon["rank"].mean(0).tolist()},
    )


@check("muon_capacity.muon.newton_schulz_recovered", gpu=True,
       name="muon_capacity.V7.newton_schulz[k=5,d-scan]", quick_seconds=3)
def newton_schulz_d_scan(settings: Settings) -> Curve:
    """V7: one step of Muon orthogonalised by five Newton-Schulz steps, capacity r* against
    min(d^(1 + 1/(2 alpha)), 3.4445^(k (2 alpha - 1)/(2 alpha^2)) d^(1/alpha)) over d (same
    memories as V1). The grid crosses the law's two branches (the floor ||G||_F 3.4445^-5 meets
    d^-alpha near d = 110): the engine judges the ratio r*/law (Θ̃, hidden log power).
    Inconclusive at CPU sizes; fails a ratio slope beyond ~0.25 (exact Muon's capacity, r*
    ~ d^(4/3), would give +0.67)."""
    alpha, c_lam = 1.5, 0.1
    x, runs = _one_step_runs(_key(settings), alpha, c_lam)
    ns, muon = runs["ns"], runs["muon"]
    return Curve(
        x, ns["rank"], LawCurve(_law_points(x, alpha=alpha, k=_NS_STEPS)),
        point={"alpha": alpha, "k": _NS_STEPS}, window=(x[0], x[-1]), xlabel=D_LABEL,
        ylabel=f"NS-{_NS_STEPS} Muon capacity r*",
        label=f"one Muon step with {_NS_STEPS} Newton-Schulz steps, alpha = {alpha}",
        series=[_series(x, muon["rank"].mean(0), "exact-map Muon r* (same memories)", "s:")],
        notes=(
            f"Quintic Newton-Schulz (3.4445, -4.7750, 2.0315), {_NS_STEPS} steps from G/||G||_F "
            f"in float64, B = infinity, same memories as V1, {ns['rank'].shape[0]} replicas; "
            "items scored adaptively up to 1.3 x 10^(1/alpha) r* (at most K of V1). Mean "
            f"count per d {_means(x, ns['count'])} (exact-map Muon: "
            f"{_means(x, muon['count'])}); items scored {_means(x, ns['scored'], '{:.0f}')}. "
            f"{_plain_slope(x, ns['rank'])}"
        ),
        extra={"count": ns["count"].mean(0).tolist(),
               "muon_count": muon["count"].mean(0).tolist()},
    )


@check("muon_capacity.muon.newton_schulz_recovered", gpu=True,
       name="muon_capacity.V7.newton_schulz[k=1-5,d=362]", quick_seconds=3)
def newton_schulz_k_scan(settings: Settings) -> Curve:
    """V7: the Newton-Schulz Muon capacity against the number of steps k = 1-5 at fixed d,
    on the law's Newton-Schulz branch (3.4445^k below d^alpha, from k = 1, nearly SGD, to two
    steps short of the crossover k ~ alpha ln d/ln 3.4445 = 7.2 at d = 362): scale variable
    x = 3.4445^k, ratio r*/law judged with log power 0.

    Declared log power 0: in the law's derivation the only log factor, sqrt(2 ln N) of the
    maximum over the N outputs, does not depend on k at fixed d and N; a hidden factor
    (ln x)^q would mean a k-dependence the derivation does not have. Same memories as V1 at
    d = 362 (d = 1024 under --full).
    """
    alpha, c_lam = 1.5, 0.1
    _, runs = _one_step_runs(_key(settings), alpha, c_lam)
    scan = runs["scan"]
    scan_d, ks = _NS_SCAN["full" if settings.full else "quick"]
    x = np.array([3.4445**k for k in ks])
    return Curve(
        x, scan["rank"], LawCurve([{"d": scan_d, "k": k, "alpha": alpha} for k in ks]),
        point={"alpha": alpha, "d": scan_d}, window=(x[0], x[-1]),
        xlabel="3.4445^k (k Newton-Schulz steps)", ylabel="NS-k Muon capacity r*",
        label=f"one NS-k Muon step at d = {scan_d}, alpha = {alpha}",
        log_power=0.0,
        log_power_reason=("the derivation's only log factor, sqrt(2 ln N), does not depend on "
                          "k at fixed d and N"),
        notes=(
            f"d = {scan_d}, k = {', '.join(map(str, ks))} Newton-Schulz steps, B = infinity, "
            f"{scan['rank'].shape[0]} replicas (the memories of V1). Mean r* per k "
            f"{', '.join(f'{k}: {v:.4g}' for k, v in zip(ks, scan['rank'].mean(0)))}; mean "
            f"count per k {', '.join(f'{k}: {v:.4g}' for k, v in zip(ks, scan['count'].mean(0)))}. "
            f"{_plain_slope(x, scan['rank'])}"
        ),
        extra={"k": list(ks), "count": scan["count"].mean(0).tolist()},
    )


# ------------------------------------------------------------------------------ SGD (V2)

#: Items of the SGD memories: N enters the two-term law (sqrt(2 ln N)); a fixed N keeps the
#: asymptotic laws' head term in charge sooner and the runs cheap.
_SGD_ITEMS = 1000
#: Per alpha: items scored, memories pooled into one replica's threshold fit. At alpha = 2 the
#: recovery transition lies at ranks 3-10, a handful of items per memory: one replica's p* is
#: fitted on four memories pooled (relative spread 0.1 instead of 0.3-0.4 on one memory).
_SGD_ALPHAS = {1.1: {"K": 300, "pool": 1}, 2.0: {"K": 40, "pool": 4},
               # alpha < 1 (issue 21): the threshold rank ~ d^(1/(2 alpha)) is larger (about
               # 150 at d = 2048), so more items are scored (K ~ 3x the rank) on a shorter
               # quick grid (scoring costs d K N per memory)
               0.9: {"K": 500, "pool": 1, "grid": (256, 512, 1024, 2048),
                     "full_K": 1000}}


def _sgd_grid(settings: Settings):
    if settings.full:
        return (256, 512, 1024, 2048, 4096, 8192), 16
    return (256, 512, 1024, 2048, 4096), 8


@functools.lru_cache(maxsize=4)
def _sgd_runs(settings_key, alpha: float):
    """One SGD step, population gradient: (R, n_d) arrays of p*, r*, count and prefix. Each
    replica's memories are drawn at the largest d and restricted to the smaller ones."""
    from .processes import assoc_memory as A

    settings = _settings(settings_key)
    grid, R = _sgd_grid(settings)
    K, pool = _SGD_ALPHAS[alpha]["K"], _SGD_ALPHAS[alpha]["pool"]
    if settings.full:
        K = _SGD_ALPHAS[alpha].get("full_K", K)
    else:
        grid = _SGD_ALPHAS[alpha].get("grid", grid)
    xp = _xp(settings)
    out = {f: np.zeros((R, len(grid))) for f in ("pstar", "rank", "count", "prefix")}

    def task(r):
        tops = [A.make_memory(grid[-1], alpha, _SGD_ITEMS,
                              _seed(settings, "sgd", r, grid[-1], int(10 * alpha), m), xp=xp)
                for m in range(pool)]
        res = []
        for d in grid:
            ps, recs, counts, prefixes = [], [], [], []
            for top in tops:
                mem = top if d == grid[-1] else A.restrict(top, d)
                obs = A.observe(mem, None, K, sgd_weights=mem.p)
                ps.append(mem.p[:K])
                recs.append(obs.recovered)
                counts.append(obs.count)
                prefixes.append(max(obs.prefix, 1))
            pstar = A.threshold_frequency(np.concatenate(ps), np.concatenate(recs))
            res.append((pstar, _rank(pstar, float(tops[0].p[0]), alpha), np.mean(counts),
                        np.mean(prefixes)))
        return res

    for r, res in enumerate(_map(task, range(R), settings)):
        for j, values in enumerate(res):
            for f, v in zip(("pstar", "rank", "count", "prefix"), values):
                out[f][r, j] = v
    return np.array(grid, dtype=float), out


def _sgd_setup(alpha: float, runs, settings: Settings | None = None) -> str:
    pool = _SGD_ALPHAS[alpha]["pool"]
    K = _SGD_ALPHAS[alpha]["K"]
    if settings is not None and settings.full:
        K = _SGD_ALPHAS[alpha].get("full_K", K)
    return (f"N = {_SGD_ITEMS}, K = {K} items scored, B = infinity, "
            f"{runs['pstar'].shape[0]} replicas" + (f" of {pool} pooled memories" if pool > 1 else "")
            + " (each drawn at the largest d and restricted to the smaller ones)")


def _sgd_curve(settings: Settings, alpha: float, observable: str, predict, point, ylabel) -> Curve:
    x, runs = _sgd_runs(_key(settings), alpha)
    return Curve(
        x, runs[observable], predict, point=point, window=(x[0], x[-1]), xlabel=D_LABEL,
        ylabel=ylabel, label=f"one SGD step, alpha = {alpha}",
        notes=(
            f"{_sgd_setup(alpha, runs, settings)}. Mean p* per d {_means(x, runs['pstar'])}; "
            f"mean r* per d {_means(x, runs['rank'])}; mean prefix per d "
            f"{_means(x, runs['prefix'])}. {_plain_slope(x, runs[observable])}"
        ),
        extra={"count": runs["count"].mean(0).tolist(), "prefix": runs["prefix"].mean(0).tolist()},
    )


@check("muon_capacity.sgd.threshold_frequency", gpu=True, name="muon_capacity.V2.sgd_threshold[alpha=1.1]",
       quick_seconds=0.9)
def sgd_threshold(settings: Settings) -> Curve:
    """V2: one SGD step, threshold frequency p* ~ d^-1/2 (our asymptotic hypothesis, Θ: no
    hidden log). Eight replicas on d = 256-4096 at quick sizes; ``--full`` runs 16 on
    d = 256-8192."""
    return _sgd_curve(settings, 1.1, "pstar", Exponent("d"), {"alpha": 1.1}, "threshold frequency p*")


def _two_term(settings: Settings, alpha: float) -> Curve:
    x = _sgd_runs(_key(settings), alpha)[0]
    return _sgd_curve(
        settings, alpha, "pstar",
        LawCurve([{"d": int(d), "N": _SGD_ITEMS, "alpha": alpha} for d in x]),
        {"alpha": alpha, "N": _SGD_ITEMS}, "threshold frequency p*")


@check("muon_capacity.sgd.threshold_frequency_two_term", gpu=True,
       name="muon_capacity.V2.sgd_threshold_two_term[alpha=1.1]", quick_seconds=0.9)
def sgd_two_term_flat(settings: Settings) -> Curve:
    """V2: p* of one SGD step against the two-term law p_1/sqrt(d) + sqrt(2 ln N) ||p||_2/d at
    alpha = 1.1 (a flat head: many head items compete). Θ: the ratio p*/law has log-slope
    -> 0 (runs of V2)."""
    return _two_term(settings, 1.1)


@check("muon_capacity.sgd.threshold_frequency_two_term", gpu=True,
       name="muon_capacity.V2.sgd_threshold_two_term[alpha=2]", quick_seconds=2.8)
def sgd_two_term_steep(settings: Settings) -> Curve:
    """V2: the two-term law at alpha = 2 (a steep head: the generic term is comparable to the
    head term at d = 256-4096, where the plain slope of p* is near -0.65). Eight replicas,
    each fitted on four pooled memories."""
    return _two_term(settings, 2.0)


@check("muon_capacity.sgd.one_step_recovered", gpu=True, name="muon_capacity.V2.sgd_one_step_recovered[alpha=1.1]",
       quick_seconds=0.9)
def sgd_one_step_recovered(settings: Settings) -> Curve:
    """V2: one SGD step's capacity in rank units r* = (p*/p_1)^(-1/alpha) against
    min(d^(1/(2 alpha)), B^(1/alpha)) at B = infinity (Θ̃: ratio, hidden log power; runs of
    V2 at alpha = 1.1)."""
    x = _sgd_grid(settings)[0]
    return _sgd_curve(settings, 1.1, "rank", LawCurve(_law_points(x, alpha=1.1)), {"alpha": 1.1},
                      "SGD capacity r* = (p*/p_1)^(-1/alpha)")


@check("muon_capacity.sgd.one_step_exponent", gpu=True, name="muon_capacity.V2.sgd_one_step_exponent[alpha=2]",
       quick_seconds=2.7)
def sgd_one_step_exponent(settings: Settings) -> Curve:
    """V2: the exponent of one SGD step's capacity in d, 1/(2 alpha), read on r* at alpha = 2
    (runs of the two-term check; Θ̃, hidden log power). Inconclusive at CPU sizes; fails an
    exponent off by more than ~0.25."""
    return _sgd_curve(settings, 2.0, "rank", LawValue(), {"alpha": 2.0},
                      "SGD capacity r* = (p*/p_1)^(-1/alpha)")


# ------------------------------------------------------------------------------ multi-step (V4, V5, V8, V9)

_MS = {"alpha": 1.5, "c_lam": 1.0, "kappa": 4.0}
#: The learning-rate scan of the loss (V9's record): a geometric grid wide enough for every d,
#: not chosen from the law (eta* ~ 25-40 at d = 181-512), refined by a parabola.
_ETA_GRID = np.geomspace(1.0, 1.0e4, 13)


def _ms_grid(settings: Settings, steps: int):
    if settings.full:
        return (256, 362, 512, 724, 1024), 3
    return (181, 256, 362, 512), 2


def _ms_steps(settings: Settings) -> int:
    """Steps the registered multi-step checks need: t <= 2 at quick sizes, t <= 3 with --full."""
    return 3 if settings.full else 2


def _loss_items(K: int, n_items: int) -> tuple[np.ndarray, np.ndarray]:
    """(0-based item indices, rank-interval edges) of a stratified sample for the population
    loss: every item of rank <= 64, 120 log-spaced ranks in (64, K], 60 in (K, N]. Item j stands
    for the ranks between the midpoints to its neighbours."""
    head = np.arange(1, 65)
    body = np.unique(np.geomspace(65, K, 120).astype(int))
    tail = np.unique(np.geomspace(K + 1, n_items, 60).astype(int))
    ranks = np.unique(np.concatenate([head, body, tail]))
    edges = np.concatenate([[0.5], (ranks[1:] + ranks[:-1]) / 2, [n_items + 0.5]])
    return ranks - 1, edges


def _population_loss(mem, W, eta: float, K: int):
    """(loss at each eta of _ETA_GRID, loss at eta): the population cross-entropy
    sum_i p_i CE_i(eta W/eta) over the N items, by the stratified sample of _loss_items."""
    from .processes import assoc_memory as A

    items, edges = _loss_items(K, mem.n_items)
    cum = np.concatenate([[0.0], np.cumsum(mem.p)])
    lo = np.clip(np.ceil(edges[:-1]).astype(int) - 1, 0, mem.n_items)
    hi = np.clip(np.floor(edges[1:]).astype(int), 0, mem.n_items)
    weights = cum[hi] - cum[lo]
    scales = np.concatenate([_ETA_GRID, [eta]])
    ce = A.cross_entropy(mem, W / eta, items, scales)
    loss = weights @ ce
    return loss[:-1], float(loss[-1])


def _eta_star(loss: np.ndarray) -> float:
    """The minimiser of the loss over the eta grid: a parabola in ln eta through the grid
    minimum and its two neighbours (the grid's ends if the minimum is at an end)."""
    j = int(np.clip(np.argmin(loss), 1, loss.size - 2))
    u = np.log(_ETA_GRID[j - 1:j + 2])
    a, b, _ = np.polyfit(u, loss[j - 1:j + 2], 2)
    if not a > 0:
        return float(_ETA_GRID[int(np.argmin(loss))])
    return float(np.exp(np.clip(-b / (2 * a), u[0], u[-1])))


@functools.lru_cache(maxsize=4)
def _multi_step_runs(settings_key, steps: int):
    """Thresholded multi-step Muon: (R, n_d, steps) arrays of p*, r*, count, prefix,
    unrecovered mass (finite and infinite power law); and at the last step the population loss
    of W_t (learning rate sqrt(d)) and the loss-optimal fixed learning rate, (R, n_d)."""
    from .processes import assoc_memory as A

    settings = _settings(settings_key)
    alpha, c_lam, kappa = _MS["alpha"], _MS["c_lam"], _MS["kappa"]
    grid, R = _ms_grid(settings, steps)
    r_ = 1 - 1 / (2 * alpha)
    xp = _xp(settings)
    out = {k: np.zeros((R, len(grid), steps))
           for k in ("pstar", "rank", "count", "prefix", "mass", "mass_inf")}
    out.update({k: np.zeros((R, len(grid))) for k in ("loss", "eta_star", "loss_star")})

    def task(jr):
        j, r = jr
        d = grid[j]
        K = int(0.12 * d ** (2 - r_**steps))
        n_items = max(3 * K, 16000)
        eta = math.sqrt(d)
        mem = A.make_memory(d, alpha, n_items, _seed(settings, "multi_step", r, d), xp=xp)
        memories = {}

        def keep(t, W, obs):
            memories[t] = W

        runs = A.multi_step(mem, steps, K, c_lam=c_lam, kappa=kappa, eta=eta, on_step=keep)
        per_step = []
        for obs in runs:
            pstar = A.threshold_frequency(mem.p[:K], obs.recovered)
            per_step.append((pstar, _rank(pstar, float(mem.p[0]), alpha), obs.count,
                             max(obs.prefix, 1), obs.mass_unrec, obs.mass_unrec_inf))
        scan, at_eta = _population_loss(mem, memories[steps], eta, K)
        return per_step, (at_eta, _eta_star(scan), float(scan.min()))

    tasks = [(j, r) for j in reversed(range(len(grid))) for r in range(R)]
    for (j, r), (per_step, last) in zip(tasks, _map(task, tasks, settings)):
        for t, values in enumerate(per_step):
            for k, v in zip(("pstar", "rank", "count", "prefix", "mass", "mass_inf"), values):
                out[k][r, j, t] = v
        for k, v in zip(("loss", "eta_star", "loss_star"), last):
            out[k][r, j] = v
    return np.array(grid, dtype=float), out


def _ms_setup(runs) -> str:
    return (f"Margin rule kappa = {_MS['kappa']}, lambda_t = {_MS['c_lam']} d_(t+1)^-alpha sqrt(d), "
            f"eta = sqrt(d), B = infinity, K = 0.12 d^(a_T) items scored (T = "
            f"{runs['count'].shape[2]} steps) against N = max(3K, 16000), "
            f"{runs['count'].shape[0]} replicas")


def _multi_step_threshold(settings: Settings, t: int, steps: int | None = None) -> Curve:
    steps = steps or _ms_steps(settings)
    x, runs = _multi_step_runs(_key(settings), steps)
    series = [
        _series(x, runs["pstar"][:, :, s - 1].mean(0), f"p* after t={s}", "s:")
        for s in range(1, steps + 1) if s != t
    ]
    counts = "; ".join(f"t={s}: {_means(x, runs['count'][:, :, s - 1])}" for s in range(1, steps + 1))
    return Curve(
        x, runs["pstar"][:, :, t - 1], Exponent("d"), point={"alpha": _MS["alpha"], "t": t},
        window=(x[0], x[-1]), xlabel=D_LABEL, ylabel=f"threshold frequency p* after {t} steps",
        label=f"p* after t={t} thresholded Muon steps, alpha = {_MS['alpha']}", series=series,
        notes=(f"{_ms_setup(runs)}. Mean counts per d: {counts}. "
               f"{_plain_slope(x, runs['pstar'][:, :, t - 1])}"),
        extra={"count": runs["count"][:, :, t - 1].mean(0).tolist(),
               "prefix": runs["prefix"][:, :, t - 1].mean(0).tolist()},
    )


@check("muon_capacity.muon.multi_step_threshold_frequency", gpu=True, name="muon_capacity.V4.multi_step_threshold[t=2]",
       quick_seconds=2.2)
def multi_step_threshold_2(settings: Settings) -> Curve:
    """V4: after t = 2 thresholded Muon steps, p* ~ d^-(alpha a_2), a_2 = 2 - (1 - 1/(2 alpha))^2.

    Θ̃ law (hidden log power |q| <= 1). Two replicas on d = 181-512 at quick sizes (two steps,
    K for t = 2); ``--full`` (d = 256-1024, 3 replicas, three steps) settles nothing more
    against the hidden log power but narrows the sampling part of the interval.
    """
    return _multi_step_threshold(settings, 2)


def multi_step_threshold_3(settings: Settings) -> Curve:
    """V4 at t = 3: the measurement, not a registered check.

    It needs a third step and a larger K (0.12 d^(a_3)), which the quick runs do not make (a
    run of its own, about 12 s on one core); at quick sizes its local slopes still drift
    (-2.75 to -2.51 on d = 181-512, law's notes) and the hidden log power leaves its verdict
    uninformative; ``--full`` (d = 256-1024) is the size at which registering it would make
    sense.
    """
    return _multi_step_threshold(settings, 3, steps=3)


def _mass_check(settings: Settings, t: int) -> Curve:
    x, runs = _multi_step_runs(_key(settings), _ms_steps(settings))
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


@check("muon_capacity.muon.unrecovered_mass", gpu=True, name="muon_capacity.V5.unrecovered_mass[t=1]", quick_seconds=2.2)
def unrecovered_mass(settings: Settings) -> Curve:
    """V5: the unrecovered frequency mass after t steps scales like d_t^(1 - alpha) (Θ̃).

    The engine evaluates the law at each d (B = infinity) and judges the ratio measured / law
    (hidden log power).
    """
    return _mass_check(settings, 1)


@check("muon_capacity.muon.multi_step_recovered", gpu=True, name="muon_capacity.V8.multi_step_recovered[t=2]",
       quick_seconds=2.2)
def multi_step_recovered(settings: Settings) -> Curve:
    """V8: the capacity in rank units r*_t = (p*_t/p_1)^(-1/alpha) after t = 2 thresholded
    steps, against min(d^(2 - (1 - 1/(2 alpha))^t), B^(1/alpha)) at B = infinity (Θ̃: ratio,
    hidden log power; runs of V4)."""
    steps = _ms_steps(settings)
    x, runs = _multi_step_runs(_key(settings), steps)
    t = 2
    return Curve(
        x, runs["rank"][:, :, t - 1], LawCurve(_law_points(x, alpha=_MS["alpha"], t=t)),
        point={"alpha": _MS["alpha"], "t": t}, window=(x[0], x[-1]), xlabel=D_LABEL,
        ylabel=f"capacity r* after {t} steps", label=f"r* after t={t} thresholded Muon steps",
        notes=(f"{_ms_setup(runs)}. Mean prefix per d {_means(x, runs['prefix'][:, :, t - 1])}. "
               f"{_plain_slope(x, runs['rank'][:, :, t - 1])}"),
    )


@check("muon_capacity.muon.multi_step_exponent", gpu=True, name="muon_capacity.V8.multi_step_exponent[t=1]",
       quick_seconds=2.1)
def multi_step_exponent(settings: Settings) -> Curve:
    """V8: the exponent a_1 = 2 - (1 - 1/(2 alpha)) of the capacity after the first thresholded
    step (floor lambda_0 of the schedule), read on r*_1 (runs of V4; Θ̃, hidden log power)."""
    steps = _ms_steps(settings)
    x, runs = _multi_step_runs(_key(settings), steps)
    t = 1
    return Curve(
        x, runs["rank"][:, :, t - 1], LawValue(), point={"alpha": _MS["alpha"], "t": t},
        window=(x[0], x[-1]), xlabel=D_LABEL, ylabel=f"capacity r* after {t} step",
        label=f"r* after t={t} thresholded Muon step",
        notes=f"{_ms_setup(runs)}. {_plain_slope(x, runs['rank'][:, :, t - 1])}",
    )


@check("muon_capacity.muon.multi_step_loss", gpu=True, name="muon_capacity.V9.multi_step_loss[t=2]",
       quick_seconds=2.2)
def multi_step_loss(settings: Settings) -> Curve:
    """V9: the population cross-entropy after t = 2 thresholded Muon steps with the schedule's
    learning rate sqrt(d), against the bound d_t^(1 - alpha) (an upper bound up to logs: the
    ratio loss/law must not grow).

    The loss is over the N simulated items (a stratified sample of 64 head items, 200
    log-spaced ranks up to K and 100 beyond, each weighted by the frequency mass of its rank
    interval). At a fixed N the unrecovered mass falls faster than the infinite power law's
    (V5), so the bound is expected to hold without being tight; it fails if the loss of the
    recovered items, or of the tail, stops falling.
    """
    steps = _ms_steps(settings)
    x, runs = _multi_step_runs(_key(settings), steps)
    t = steps
    return Curve(
        x, runs["loss"], LawCurve(_law_points(x, alpha=_MS["alpha"], t=t)),
        point={"alpha": _MS["alpha"], "t": t}, window=(x[0], x[-1]), xlabel=D_LABEL,
        ylabel=f"population loss after {t} steps",
        label=f"cross-entropy after t={t} thresholded Muon steps, eta = sqrt(d)",
        series=[_series(x, runs["loss_star"].mean(0), "loss at the best fixed eta", "s:"),
                _series(x, runs["mass"][:, :, t - 1].mean(0), "unrecovered mass (finite N)", "^:")],
        notes=(f"{_ms_setup(runs)}. Loss at the best fixed learning rate per d "
               f"{_means(x, runs['loss_star'])}; that learning rate eta* (a scan of 13 values "
               "from 1 to 1e4, refined by a parabola in ln eta) over sqrt(d) per d "
               f"{_means(x, runs['eta_star'] / np.sqrt(x)[None, :], '{:.3f}')} "
               f"({_plain_slope(x, runs['eta_star'])[:-1]} for eta*). "
               f"{_plain_slope(x, runs['loss'])}"),
        extra={"eta_star": runs["eta_star"].mean(0).tolist(),
               "loss_star": runs["loss_star"].mean(0).tolist()},
    )


# ------------------------------------------------------------------------------ information limit (V11)

_INFO = {"alpha": 1.5, "steps": 6, "c_K": 0.06}


@functools.lru_cache(maxsize=4)
def _information_runs(settings_key):
    """Many thresholded Muon steps at small d, until the capacity stops growing: (R, n_d, T)
    arrays of r* and count."""
    from .processes import assoc_memory as A

    settings = _settings(settings_key)
    alpha, steps = _INFO["alpha"], _INFO["steps"]
    grid = (64, 90, 128, 181, 256) if settings.full else (45, 64, 90, 128, 181)
    R = 5 if settings.full else 3
    xp = _xp(settings)
    out = {k: np.zeros((R, len(grid), steps)) for k in ("rank", "count")}

    def task(jr):
        j, r = jr
        d = grid[j]
        K = int(_INFO["c_K"] * d**2)
        n_items = max(3 * K, 2000)
        mem = A.make_memory(d, alpha, n_items, _seed(settings, "information", r, d), xp=xp)
        res = []
        for obs in A.multi_step(mem, steps, K, c_lam=_MS["c_lam"], kappa=_MS["kappa"]):
            pstar = A.threshold_frequency(mem.p[:K], obs.recovered)
            res.append((_rank(pstar, float(mem.p[0]), alpha), obs.count))
        return res

    tasks = [(j, r) for j in reversed(range(len(grid))) for r in range(R)]
    for (j, r), res in zip(tasks, _map(task, tasks, settings)):
        for t, (rank, count) in enumerate(res):
            out["rank"][r, j, t] = rank
            out["count"][r, j, t] = count
    return np.array(grid, dtype=float), out


@check("muon_capacity.information_limit", gpu=True, name="muon_capacity.V11.information_limit[t=6]",
       quick_seconds=2.4)
def information_limit(settings: Settings) -> Curve:
    """V11: the capacity the thresholded steps converge to grows like d^2 (Θ̃, hidden log
    power). Six steps at d = 45-181 (the capacity stops growing after 3-4 steps at these d:
    the per-step values are in the record); r* after the last step against d.

    Small d, because K ~ d^2 items must be scored against N = 3K outputs at every step.
    Inconclusive at CPU sizes (hidden log power); fails an exponent off by more than ~0.25.
    """
    x, runs = _information_runs(_key(settings))
    last = runs["rank"][:, :, -1]
    growth = runs["rank"][:, :, -1] / runs["rank"][:, :, -2]
    per_step = "; ".join(f"t={t + 1}: {_means(x, runs['rank'][:, :, t] / x[None, :] ** 2, '{:.4f}')}"
                         for t in range(runs["rank"].shape[2]))
    return Curve(
        x, last, Exponent("d"), point={}, window=(x[0], x[-1]), xlabel=D_LABEL,
        ylabel=f"capacity r* after {_INFO['steps']} steps",
        label=f"r* after {_INFO['steps']} thresholded Muon steps, alpha = {_INFO['alpha']}",
        series=[_series(x, runs["rank"][:, :, 0].mean(0), "after one step", "s:")],
        notes=(
            f"alpha = {_INFO['alpha']}, margin rule kappa = {_MS['kappa']}, lambda_t = "
            f"{_MS['c_lam']} d_(t+1)^-alpha sqrt(d), K = {_INFO['c_K']} d^2 items scored "
            f"against N = max(3K, 2000), {last.shape[0]} replicas. r*/d^2 per step and d: "
            f"{per_step}. Growth of r* over the last step per d: {_means(x, growth, '{:.3f}')}. "
            f"{_plain_slope(x, last)}"
        ),
        extra={"rank_over_d2": (runs["rank"] / x[None, :, None] ** 2).mean(0).tolist()},
    )


# ------------------------------------------------------------------------------ batch sweep (V3)

#: V3 settings per method: frequency exponent alpha and the Muon floor constant.
_V3 = {"muon": {"alpha": 1.5, "c_lam": 0.1}, "sgd": {"alpha": 1.1, "c_lam": 0.0}}
_SGD_BATCH_ITEMS = 4000  # items of the SGD sweep (a nuisance parameter, fixed across d)
_BASE_POINTS = 2  # smallest-B grid points on which the batch-limited B p* is reported
#: batch-limited plateau of 1/(B p*): an item is recovered iff it is in the batch, which happens
#: with probability 1 - exp(-B p) = 1/2 at B p* = ln 2. A property of multinomial sampling, not
#: of the laws checked; a fixed plateau keeps the noise of the few-item small-B fits out of B*.
_BATCH_LIMITED = 1 / math.log(2)
#: The sizes of the batch sweeps: "quick" (the quick checks), "small" (the sizes the slow tests
#: ran before the quick tier had these checks) and "full".
_BATCH_SIZES = {
    "muon": {
        "quick": {"grid": (64, 91, 128, 181), "B": (2.0, 4.75), "R": 5, "min_items": 4000},
        "small": {"grid": (128, 181, 256, 362), "B": (2.5, 5.0), "R": 3, "min_items": 16000},
        "full": {"grid": (256, 362, 512, 724, 1024), "B": (2.0, 6.0), "R": 5, "min_items": 16000},
    },
    "sgd": {
        "quick": {"grid": (128, 256, 512, 1024), "B": (1.25, 3.25), "R": 6},
        "small": {"grid": (256, 512, 1024, 2048), "B": (1.5, 3.5), "R": 8},
        "full": {"grid": (256, 512, 1024, 2048, 4096), "B": (1.5, 4.0), "R": 16},
    },
}


def _batch_size_name(settings: Settings) -> str:
    return "full" if settings.full else "quick"


def _batch_grid(size: dict):
    """(d grid, B grid, replicas). The B grid is common to every d (never chosen from a law)."""
    lo, hi = size["B"]
    return size["grid"], 10 ** np.arange(lo, hi + 0.01, 0.25), size["R"]


def _scored(p: np.ndarray, B: int, K: int, floor: int) -> int:
    """Items to score at batch B: three times the rank r_B at which an item is in the batch with
    probability 1/2 (B p_r = ln 2), clipped to [floor, K]. Below the critical batch the
    recovery transition lies near r_B; items far beyond it are never recovered."""
    r_b = int(np.searchsorted(-p, -math.log(2) / B, side="right"))
    return int(min(K, max(floor, 3 * r_b)))


@functools.lru_cache(maxsize=6)
def _batch_runs(settings_key, method: str, size_name: str):
    """Threshold frequency p*(B) after one step on a fresh batch of B samples: (R, n_d, n_B)."""
    from .processes import assoc_memory as A

    settings = _settings(settings_key)
    size = _BATCH_SIZES[method][size_name]
    grid, Bs, R = _batch_grid(size)
    Bs = np.round(Bs).astype(int)
    alpha, c_lam = _V3[method]["alpha"], _V3[method]["c_lam"]
    xp = _xp(settings)
    pstar = np.zeros((R, len(grid), Bs.size))
    prefix = np.zeros_like(pstar)

    def task(jr):
        j, r = jr
        d = grid[j]
        if method == "muon":
            K, floor = int(0.6 * d ** (1 + 1 / (2 * alpha))), 64
            n_items = max(3 * K, size["min_items"])
        else:
            K, floor, n_items = 200, 32, _SGD_BATCH_ITEMS
        mem = A.make_memory(d, alpha, n_items, _seed(settings, f"batch_{method}", r, d), xp=xp)
        res = []
        for B in Bs:  # the batches of one memory in order: they share its generator
            k_b = _scored(mem.p, int(B), K, floor)
            if method == "muon":
                obs = A.observe(mem, A.one_step(mem, "muon", B=int(B), c_lam=c_lam), k_b)
            else:
                obs = A.observe(mem, None, k_b, sgd_weights=A.batch_weights(mem, int(B)))
            res.append((A.threshold_frequency(mem.p[:k_b], obs.recovered), max(obs.prefix, 1)))
        return res

    tasks = [(j, r) for j in reversed(range(len(grid))) for r in range(R)]
    for (j, r), res in zip(tasks, _map(task, tasks, settings)):
        for b, (ps, pre) in enumerate(res):
            pstar[r, j, b] = ps
            prefix[r, j, b] = pre
    return np.array(grid, dtype=float), Bs.astype(float), pstar, prefix


def _halving(Bs: np.ndarray, eff: np.ndarray, seed: int):
    """fit_threshold's halving point of the efficiency curve(s) ``eff`` = 1/(B p*), (n_B,) or
    (R, n_B), from the batch-limited plateau 1/ln 2 of the model 'recovered iff in the batch'."""
    return fit_threshold(Bs, eff, definition="halving", baseline=_BATCH_LIMITED, seed=seed)


def critical_batches(settings: Settings, method: str, size_name: str | None = None):
    """(d grid, B grid, B* per replica and d (R, n_d), efficiency 1/(B p*) (R, n_d, n_B), p*,
    prefix) at the sizes ``size_name`` ("quick", "small" or "full"; default: the settings').

    B* is the halving point of one replica's efficiency curve (a threshold per replica, so the
    replicas stay independent for the engine's bootstrap of its slope in d).
    """
    size_name = size_name or _batch_size_name(settings)
    x, Bs, pstar, prefix = _batch_runs(_key(settings), method, size_name)
    eff = 1.0 / (Bs * pstar)
    crit = np.array([[_halving(Bs, eff[r, j], settings.seed).threshold for j in range(x.size)]
                     for r in range(pstar.shape[0])])
    return x, Bs, crit, eff, pstar, prefix


#: The log power the Muon critical batch may carry at alpha = 3/2 (see muon_critical_batch).
MUON_BATCH_LOG_POWER = (0.0, 1.0)
_MUON_BATCH_LOG_REASON = (
    "at alpha = 3/2 the batch's sampling-noise singular values ~ 1/sqrt(B d) meet the "
    "gradient's bulk d^-alpha at B ~ d^(2 alpha - 1) = d^2 = d^(alpha + 1/2), the critical "
    "batch itself: a marginal case, which may put up to one power of ln d on B*"
)


_SGD_BATCH_LOG_REASON = (
    "at a fixed number of items N the d-limited SGD threshold p_1/sqrt(d) + sqrt(2 ln N) "
    "||p||_2/d (sgd.threshold_frequency_two_term) carries no log of d, and B* ~ 2 ln 2/p*"
)


def _critical_batch(settings: Settings, method: str, size_name: str | None = None) -> Curve:
    r"""The critical batch of one step of ``method`` (Muon or SGD), per replica, against d.

    Efficiency :math:`y(B) = 1/(B\,p^*(B))`: :math:`B p^*` is the expected number of copies, in
    the batch, of the item at the recovery threshold. Batch-limited (an item is recovered once
    it is in the batch) it is a constant, :math:`\approx \ln 2`; d-limited it grows like
    :math:`B`. The critical batch :math:`B^*` is the halving point of :math:`y`
    (:func:`~scalinglaws.validators.engine.fit.fit_threshold`), found per replica and d; the
    replica curves :math:`B^*(d)` are the measurement (the engine fits their exponent in d).
    """
    size_name = size_name or _batch_size_name(settings)
    size = _BATCH_SIZES[method][size_name]
    alpha = _V3[method]["alpha"]
    x, Bs, crit, eff, pstar, prefix = critical_batches(settings, method, size_name)
    R = crit.shape[0]
    means = [_halving(Bs, eff[:, j], settings.seed) for j in range(x.size)]
    thresholds = "; ".join(
        f"d={int(d)}: {m.threshold:.4g} [{m.ci[0]:.4g}, {m.ci[1]:.4g}]" for d, m in zip(x, means))
    low = Bs[None, :_BASE_POINTS] * pstar[:, :, :_BASE_POINTS]
    plateau = ", ".join(f"{v:.3f}" for v in low.mean((0, 2)))
    setup = (f"lambda = {_V3['muon']['c_lam']} max(d^-alpha, 1/B), K = 0.6 d^(1+1/(2 alpha)) items "
             f"scored against N = max(3K, {size.get('min_items')})" if method == "muon"
             else f"N = {_SGD_BATCH_ITEMS}, K = 200 items scored (SGD memory W = G, scored without forming it)")
    prefix_top = ", ".join(f"{v:.0f}" for v in prefix[:, :, -1].mean(0))
    log_ratio = ""
    if method == "muon":
        ratio = crit.mean(0) / (x**2 * np.log(x))
        log_ratio = f"B*/(d^2 ln d) per d: {', '.join(f'{v:.4g}' for v in ratio)}. "
    extra_log = ({"log_power": MUON_BATCH_LOG_POWER, "log_power_reason": _MUON_BATCH_LOG_REASON}
                 if method == "muon" else
                 {"log_power": 0.0, "log_power_reason": _SGD_BATCH_LOG_REASON})
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
            f"(bootstrap over replicas): {thresholds}. {log_ratio}Recovered prefix at B = "
            f"{int(Bs[-1])}: {prefix_top}. {_plain_slope(x, crit)}"
        ),
        # the efficiency curves (B on the x axis) go beside the plotted B*(d) data
        extra={"batch_grid": Bs.tolist(),
               "efficiency": [eff[:, j].mean(0).tolist() for j in range(x.size)]},
        **extra_log,
    )


@check("muon_capacity.muon.critical_batch", gpu=True, name="muon_capacity.V3.critical_batch[muon,alpha=1.5]",
       quick_seconds=2.7, full_size="d = 256..1024, 5 replicas, B/d^(1+1/(2 alpha)) in [2, 6]", h100_seconds=120)
def muon_critical_batch(settings: Settings) -> Curve:
    """V3: the critical batch of one Muon step grows like d^(alpha + 1/2) (Θ̃), from
    B^(1/alpha) = d^(1 + 1/(2 alpha)), the crossing of the one-step capacity's branches.

    Declared log power: a range [0, 1] of powers of ln d (the union of the two fits), for the
    reason in ``_MUON_BATCH_LOG_REASON``: a power of d that differs from the law's by more than
    the log can explain over the grid (d^2.34 against d^2 ln d) fails. Quick sizes d = 64-181
    (5 replicas, N = max(3K, 4000)); ``--full`` d = 256-1024 (5 replicas, N = max(3K, 16000)).
    Inconclusive at every size: the union over the log power holds the control 2.1.
    """
    return _critical_batch(settings, "muon")


@check("muon_capacity.sgd.critical_batch", gpu=True, name="muon_capacity.V3.critical_batch[sgd,alpha=1.1]",
       quick_seconds=3.4, full_size="d = 256..4096, 16 replicas", h100_seconds=60)
def sgd_critical_batch(settings: Settings) -> Curve:
    """V3: the critical batch of one SGD step grows like sqrt(d), independent of alpha (our
    hypothesis, Θ̃). Declared log power 0 (``_SGD_BATCH_LOG_REASON``): at a fixed N the
    d-limited threshold has no log of d; its second term is a power correction, which makes
    the local slopes fall towards 1/2 from above. Quick sizes d = 128-1024, 6 replicas;
    ``--full`` d = 256-4096, 16 replicas (about two minutes on 2 CPU cores: the slow test
    runs it)."""
    return _critical_batch(settings, "sgd")


# ------------------------------------------------------------------------------ Newton in its own right (V6)


def _newton_curve(settings: Settings, observable: str, predict, ylabel: str) -> Curve:
    alpha, c_lam = 1.5, 0.1
    x, runs = _one_step_runs(_key(settings), alpha, c_lam)
    newton = runs["newton"]
    return Curve(
        x, newton[observable], predict, point={"alpha": alpha}, window=(x[0], x[-1]),
        xlabel=D_LABEL, ylabel=ylabel, label=f"one damped Newton step, alpha = {alpha}",
        series=[_series(x, newton["count"].mean(0), "recovered count", "s:")],
        notes=(
            f"The Newton runs of V6 (ours: G (Sigma_e + mu I)^-1, mu = 1e-2 x the median "
            f"eigenvalue of Sigma_e, B = infinity, {newton[observable].shape[0]} replicas). "
            f"Mean count per d {_means(x, newton['count'])}; mean prefix per d "
            f"{_means(x, newton['prefix'])}. {_plain_slope(x, newton[observable])}"
        ),
        extra={"count": newton["count"].mean(0).tolist(), "prefix": newton["prefix"].mean(0).tolist()},
    )


@check("muon_capacity.newton.one_step_recovered", gpu=True,
       name="muon_capacity.V6.newton_one_step_recovered[alpha=1.5]", quick_seconds=0.1)
def newton_one_step_recovered(settings: Settings) -> Curve:
    """V6: one damped Newton step's capacity in rank units r* = (p*/p_1)^(-1/alpha) against
    min(d^(1 + 1/(2 alpha)), B^(1/alpha)) at B = infinity (Θ̃: the ratio, hidden log power
    |q| <= 1). The runs of V1/V6 (cached); inconclusive at CPU sizes like Muon's."""
    grid = _one_step_grid(settings)[0]
    return _newton_curve(settings, "rank", LawCurve(_law_points(grid, alpha=1.5)),
                         "Newton capacity r* = (p*/p_1)^(-1/alpha)")


@check("muon_capacity.newton.one_step_exponent", gpu=True,
       name="muon_capacity.V6.newton_one_step_exponent[alpha=1.5]", quick_seconds=0.1)
def newton_one_step_exponent(settings: Settings) -> Curve:
    """V6: the exponent of one Newton step's capacity in d, 1 + 1/(2 alpha), read on r*."""
    return _newton_curve(settings, "rank", LawValue(), "Newton capacity r* = (p*/p_1)^(-1/alpha)")


@check("muon_capacity.newton.threshold_frequency", gpu=True,
       name="muon_capacity.V6.newton_threshold[alpha=1.5]", quick_seconds=0.1)
def newton_threshold(settings: Settings) -> Curve:
    """V6: one Newton step's threshold frequency p* ~ d^-(alpha + 1/2) (Θ̃)."""
    return _newton_curve(settings, "pstar", Exponent("d"), "threshold frequency p*")


# ------------------------------------------------------------------------------ alpha < 1 (V2)




@check("muon_capacity.sgd.one_step_exponent", gpu=True,
       name="muon_capacity.V2.sgd_one_step_exponent[alpha=0.9]", quick_seconds=0.1)
def sgd_one_step_exponent_below_one(settings: Settings) -> Curve:
    """V2 below alpha = 1: the exponent 1/(2 alpha) of one SGD step's capacity r* in d at
    alpha = 0.9 (runs of the alpha = 0.9 two-term check; Θ̃, hidden log power)."""
    return _sgd_curve(settings, 0.9, "rank", LawValue(), {"alpha": 0.9},
                      "SGD capacity r* = (p*/p_1)^(-1/alpha)")


@check("muon_capacity.sgd.one_step_exponent", gpu=True,
       name="muon_capacity.V2.sgd_one_step_exponent[alpha=1.1]", quick_seconds=0.1)
def sgd_one_step_exponent_above_one(settings: Settings) -> Curve:
    """V2 just above alpha = 1: the exponent 1/(2 alpha) read on r* at alpha = 1.1 (runs of
    V2 at alpha = 1.1)."""
    return _sgd_curve(settings, 1.1, "rank", LawValue(), {"alpha": 1.1},
                      "SGD capacity r* = (p*/p_1)^(-1/alpha)")


# ------------------------------------------------------------------------------ multi-step SGD (V12)

_SGD_MS = {"alpha": 1.5, "kappa": 4.0}


def _sgd_ms_size(settings: Settings):
    """(d, replicas, steps, N, K); the judged window is t >= 2 (a hidden log of t needs
    t > 1). Quick d = 128 (4 replicas, 12 steps, N = 2000, K = 150);
    --full d = 512 (8 replicas, 24 steps, N = 8000, K = 400). K covers the threshold rank
    ~ (t sqrt(d))^(1/alpha) (26 at t = 12, d = 128) with the logistic refit's reach."""
    if settings.full:
        return 512, 8, 24, 8000, 400
    return 128, 4, 12, 2000, 150


@functools.lru_cache(maxsize=4)
def _sgd_ms_runs(settings_key):
    """Thresholded multi-step SGD (margin kappa = 4, population gradient) at one d: arrays
    (R, steps) of p*_t and the rank r*_t = (p*_t/p_1)^(-1/alpha)."""
    from .processes import assoc_memory as A

    settings = _settings(settings_key)
    d, R, steps, n_items, K = _sgd_ms_size(settings)
    alpha = _SGD_MS["alpha"]
    xp = _xp(settings)

    def task(r):
        mem = A.make_memory(d, alpha, n_items, _seed(settings, "sgd_multi", r, d), xp=xp)
        obs = A.multi_step(mem, steps, K, method="sgd", kappa=_SGD_MS["kappa"])
        p1 = float(mem.p[0])
        ps = [A.threshold_frequency(mem.p[:K], o.recovered) for o in obs]
        return ps, [_rank(p, p1, alpha) for p in ps], [o.count for o in obs]

    res = _map(task, range(R), settings)
    pstar = np.array([r[0] for r in res])
    rank = np.array([r[1] for r in res])
    count = np.array([r[2] for r in res], dtype=float)
    return np.arange(1, steps + 1, dtype=float), pstar, rank, count, (d, R, n_items, K)


def _sgd_ms_curve(settings: Settings, observable: str, predict, ylabel: str) -> Curve:
    t, pstar, rank, count, (d, R, n_items, K) = _sgd_ms_runs(_key(settings))
    y = pstar if observable == "pstar" else rank
    alpha = _SGD_MS["alpha"]
    return Curve(
        t, y, predict, point={"alpha": alpha, "d": d}, window=(t[1], t[-1]),
        xlabel="t (thresholded SGD steps)", ylabel=ylabel,
        label=f"thresholded SGD, d = {d}, alpha = {alpha}",
        notes=(
            f"Thresholded SGD (items leave the gradient once their margin exceeds "
            f"{_SGD_MS['kappa']:g}), population gradient, d = {d}, N = {n_items}, K = {K} "
            f"items scored, {R} replicas. Mean p* per t {_means(t, pstar)}; mean r* per t "
            f"{_means(t, rank)}; mean count per t {_means(t, count)}. {_plain_slope(t, y)}"
        ),
        extra={"count": count.mean(0).tolist()},
    )


@check("muon_capacity.sgd.multi_step_threshold_frequency", gpu=True,
       name="muon_capacity.V12.sgd_multi_step_threshold[d=128]", quick_seconds=0.5,
       full_size="d = 512, 8 replicas, 24 steps, N = 8000")
def sgd_multi_step_threshold(settings: Settings) -> Curve:
    """V12: after t thresholded SGD steps the threshold frequency falls like 1/t at fixed d
    (Θ̃: the log of d_t hidden; our hypothesis). Quick d = 128, t = 1..12, 4 replicas;
    ``--full`` d = 512, t = 1..24, 8 replicas. Inconclusive at both sizes: the free power of
    ln t over one decade of t leaves an interval ~1 wide (quick: -0.96 [-1.79, -0.20]; 8
    replicas and t <= 32 at d = 128 still give -0.95 [-1.48, -0.41]); settling it needs
    about two decades of t before the generic floor, i.e. d >~ 2048 (the floor falls like
    1/d) and t up to ~ 1000 -- a GPU-sized run."""
    return _sgd_ms_curve(settings, "pstar", Exponent("t"), "threshold frequency p*_t")


@check("muon_capacity.sgd.multi_step_recovered", gpu=True,
       name="muon_capacity.V12.sgd_multi_step_recovered[d=128]", quick_seconds=0.1,
       full_size="d = 512, 8 replicas, 24 steps, N = 8000")
def sgd_multi_step_recovered(settings: Settings) -> Curve:
    """V12: SGD's capacity in rank units after t thresholded steps against
    min((t sqrt(d))^(1/alpha), d^2, B^(1/alpha)) at B = infinity (Θ̃, the ratio over t at
    fixed d; runs of the threshold check)."""
    t, _, _, _, (d, *_rest) = _sgd_ms_runs(_key(settings))
    points = [{"t": int(v), "d": d, "alpha": _SGD_MS["alpha"], "B": B_POPULATION} for v in t]
    return _sgd_ms_curve(settings, "rank", LawCurve(points),
                         "SGD capacity r*_t = (p*_t/p_1)^(-1/alpha)")
