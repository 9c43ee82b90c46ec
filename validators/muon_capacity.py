"""Checks of the Muon / SGD / Newton capacity laws on the simulated associative memory.

Process: :mod:`scalinglaws.validators.processes.assoc_memory` (Gaussian embeddings
:math:`N(0, I/d)`, :math:`p_i \\propto i^{-\\alpha}`, population gradient :math:`B = \\infty`,
:math:`W_0 = 0`). Replicas are independent memories, each from its own child
:class:`numpy.random.SeedSequence` ``(seed, experiment, replica, d)``; slopes are fitted on the
replica-mean curve with a bootstrap over replicas (:func:`~scalinglaws.validators.fit.fit_loglog_slope`).

Observable. The capacity laws speak of a recovered prefix; at the sizes a CPU reaches the prefix
and the count are integer, noisy and carry large finite-size corrections (digest §1.6). The
checks measure the **threshold frequency** :math:`p^*` (where the recovery probability, fitted
logistically in :math:`\\log p`, crosses 1/2); since :math:`p_i \\propto i^{-\\alpha}`,
:math:`p^* \\propto d_t^{-\\alpha}` is the capacity in frequency units, and the laws
``muon.threshold_frequency``, ``muon.multi_step_threshold_frequency`` and
``sgd.threshold_frequency`` state it. Counts and prefixes are reported alongside (``data``).

Slack (project rule): a :math:`\\tilde\\Theta` law allows one log factor, :math:`1/\\ln d_{lo}`;
a :math:`\\Theta` law none. Each check says which next to it.

Negative controls: the prediction shifted by ``NEGATIVE_SHIFT`` must be rejected by the same data;
for a :math:`\\tilde\\Theta` check the shift is ``NEGATIVE_SHIFT`` *beyond* the log slack (a shift
inside the slack is, by the law's own statement, not an error).

Resolution (why some measurements are notes, not checks): with :math:`d_{lo} \\le 256` the log
slack is 0.18-0.21, so a :math:`\\tilde\\Theta` check cannot tell its prediction from a shift of
about 0.2 (slack plus interval). The multi-step :math:`t = 3` slope (measured -2.565 vs -2.556)
is therefore reported in the notes of the :math:`t = 2` check and run by the test suite
(:func:`multi_step_threshold_3`), not registered: a prediction moved by 0.2 would still pass. For
the same reason the paper's loss bound (an upper bound with a 0.19 slack) is checked through its
two-sided derived counterpart ``muon.unrecovered_mass``. Capacity slopes in rank units (count,
prefix) are reported in the notes; the GPU-sized grids (``--full``) start at d = 256.

V3 (critical batch, :func:`muon_critical_batch`, :func:`sgd_critical_batch`) is not registered
either. B* is the halving point (:func:`~scalinglaws.validators.fit.fit_threshold`) of the
efficiency :math:`1/(Bp^*(B))`, per replica; its slope in d is the measurement. At CPU sizes
(seed 0) Muon gives 2.156 [2.120, 2.197] on d = 128-362 and 2.189 [2.155, 2.214] on d =
181-512 against 2 with a log slack of 0.206 / 0.192: it passes, but sits at the top of its log
allowance, so the negative control (+0.34) is accepted, i.e. at these d the check cannot tell
:math:`d^{2}\\log d` from :math:`d^{2.34}`. SGD (8 replicas, d = 256-2048) gives 0.570 [0.455,
0.701] against 0.5 (slack 0.18): its interval is too wide for the control. Reaching a resolving
size (d >= 1024 for Muon, 16+ replicas for SGD) costs minutes on 2 cores; both run in the slow
tests and at GPU sizes with ``Settings(full=True)``. Registering them for ``--full`` only needs
a full-only flag on :func:`~scalinglaws.validators.checks.check`, which does not exist yet.
"""

from __future__ import annotations

import functools
import math

import numpy as np

import scalinglaws as sl

from .checks import Settings, check
from .fit import Verdict, fit_loglog_slope, fit_threshold, log_factor_slack, make_verdict

NEGATIVE_SHIFT = 0.15
_EXPERIMENTS = {"one_step": 1, "sgd": 2, "multi_step": 3, "batch_muon": 4, "batch_sgd": 5}


def _xp(settings: Settings):
    from .backend import require_backend

    return require_backend("cupy").xp if settings.backend == "cupy" else np


def _seed(settings: Settings, experiment: str, replica: int, d: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(entropy=settings.seed, spawn_key=(_EXPERIMENTS[experiment], replica, d))


def _exponent(key: str, **values) -> float:
    """The exponent in d of a law's d-branch (B = infinity) at ``values``, validated by the law.

    A law without ``d`` (a Theta(1) ratio) has exponent 0.
    """
    import sympy as sp

    from scalinglaws.law import leading_exponent

    law = sl.law(key)
    point = {k: v for k, v in values.items() if k in law.params}
    for name, default in (("d", 2), ("B", 1)):
        if name in law.params:
            point.setdefault(name, default)
    law.check(**point)
    if "d" not in law.params:
        return 0.0
    expr = law.expr
    if "B" in law.params:
        expr = expr.subs(law.params["B"].symbol, sp.oo)
    subs = {law.params[k].symbol: law.params[k].check(v) for k, v in values.items() if k in law.params}
    return float(leading_exponent(expr, law.params["d"].symbol).subs(subs))


def _log_slack(window, reason: str):
    slack = log_factor_slack(window, kappa=1.0)
    return slack, f"Θ̃ law, one log factor allowed ({reason}): 1/ln(d_lo) = {slack:.3f}"


def _log_shift(slack: float) -> float:
    """Negative-control shift of a Θ̃ check: NEGATIVE_SHIFT beyond the log allowance (a shift
    inside the allowance is, by the law's own statement, not an error)."""
    return slack + NEGATIVE_SHIFT


def _series(x, y, label, style="o--"):
    return {"x": list(map(float, x)), "y": list(map(float, y)), "label": label, "style": style}


def _finish(verdict: Verdict, ylabel: str, series=(), xlabel="d (embedding dimension)") -> Verdict:
    data = dict(verdict.data)
    data.update(xlabel=xlabel, ylabel=ylabel)
    if series:
        data["series"] = list(series)
    verdict.data = data
    return verdict


# ------------------------------------------------------------------------------ one step (V1, V6)


def _one_step_grid(settings: Settings):
    if settings.full:
        return (256, 362, 512, 724, 1024, 1448, 2048), 5
    return (128, 181, 256, 362, 512), 3


@functools.lru_cache(maxsize=8)
def _one_step_runs(settings_key, alpha: float, c_lam: float):
    """Muon and Newton one step on the same memories: arrays (R, n_d) of p*, count, prefix."""
    from .processes import assoc_memory as A

    settings = Settings(**dict(settings_key))
    grid, R = _one_step_grid(settings)
    xp = _xp(settings)
    out = {m: {k: np.zeros((R, len(grid))) for k in ("pstar", "count", "prefix")} for m in ("muon", "newton")}
    for j, d in enumerate(grid):
        K = int(0.6 * d ** (1 + 1 / (2 * alpha)))
        n_items = max(3 * K, 16000)
        for r in range(R):
            mem = A.make_memory(d, alpha, n_items, _seed(settings, "one_step", r, d), xp=xp)
            for method in ("muon", "newton"):
                W = A.one_step(mem, method, c_lam=c_lam)
                obs = A.observe(mem, W, K)
                out[method]["pstar"][r, j] = A.threshold_frequency(mem.p[:K], obs.recovered)
                out[method]["count"][r, j] = obs.count
                out[method]["prefix"][r, j] = max(obs.prefix, 1)
    return np.array(grid, dtype=float), out


def _key(settings: Settings):
    return tuple(sorted(dict(settings.to_dict(), perturb=0.0).items()))


@check("muon_capacity.muon.threshold_frequency", name="muon_capacity.V1.one_step_threshold[alpha=1.5]",
       quick_seconds=15)
def one_step_threshold(settings: Settings) -> Verdict:
    """V1: one Muon step, threshold frequency p* ~ d^-(alpha + 1/2) (capacity d^(1 + 1/(2 alpha)))."""
    alpha, c_lam = 1.5, 0.1
    x, runs = _one_step_runs(_key(settings), alpha, c_lam)
    window = (x[0], x[-1])
    fit = fit_loglog_slope(x, runs["muon"]["pstar"], window, seed=settings.seed)
    predicted = _exponent("muon_capacity.muon.threshold_frequency", alpha=alpha) + settings.perturb
    slack, reason = _log_slack(window, "the one-step capacity is stated up to polylog(d)")
    count_fit = fit_loglog_slope(x, runs["muon"]["count"], window, seed=settings.seed)
    return _finish(make_verdict(
        "muon_capacity.muon.threshold_frequency", f"one-step Muon p* slope, alpha={alpha}, c_lambda={c_lam}",
        predicted, fit, slack=slack, slack_reason=reason, negative_shift=_log_shift(slack),
        notes=(
            f"lambda = {c_lam} d^-alpha, B = infinity, K = 0.6 d^(1+1/(2 alpha)) items scored "
            f"against N = max(3K, 16000). Count slope {count_fit.slope:.3f} "
            f"[{count_fit.ci[0]:.3f}, {count_fit.ci[1]:.3f}] vs capacity exponent "
            f"{1 + 1 / (2 * alpha):.3f} (not checked: its resolution at these d is the log slack)."
        ),
    ), "threshold frequency p*", series=[
        _series(x, runs["muon"]["count"].mean(0) * runs["muon"]["pstar"].mean(0)[0] / runs["muon"]["count"].mean(0)[0],
                "count (rescaled to p* at the first d)")])


@check("muon_capacity.newton_matches_muon", name="muon_capacity.V6.newton_vs_muon[alpha=1.5]",
       quick_seconds=1, known_failure=(
           "The count ratio Newton/Muon falls from 1.06 (d = 128) to 0.93 (d = 512): slope "
           "-0.089 [-0.101, -0.072], 3 replicas, alpha = 1.5; not a Theta(1) ratio at these d "
           "(a log factor, or a slow approach to a constant, would fit)."))
def newton_vs_muon(settings: Settings) -> Verdict:
    """V6: count_Newton / count_Muon is Theta(1) in d: its log-log slope is 0.

    Predicted: the exponent of Newton's capacity law minus that of Muon's. Slack: none. The
    ratio is Theta(1) (our reading of 'matches'); a log factor in it would contradict that. Same memories for both methods (paired replicas).
    """
    alpha, c_lam = 1.5, 0.1
    x, runs = _one_step_runs(_key(settings), alpha, c_lam)
    ratio = runs["newton"]["count"] / runs["muon"]["count"]
    window = (x[0], x[-1])
    fit = fit_loglog_slope(x, ratio, window, seed=settings.seed)
    predicted = (_exponent("muon_capacity.newton_matches_muon", alpha=alpha)
                 - _exponent("muon_capacity.muon.one_step_recovered", alpha=alpha) + settings.perturb)
    return _finish(make_verdict(
        "muon_capacity.newton_matches_muon", f"slope of count ratio Newton/Muon, alpha={alpha}",
        predicted, fit, slack=0.0, slack_reason="none: the law is a Theta(1) ratio",
        negative_shift=NEGATIVE_SHIFT,
        notes=(
            f"Newton: G (Sigma_e + mu I)^-1, mu = 1e-2 median eig; Muon lambda = {c_lam} d^-alpha. "
            f"Mean ratios {', '.join(f'{v:.3f}' for v in ratio.mean(0))} at d = "
            f"{', '.join(str(int(v)) for v in x)}."
        ),
    ), "count_Newton / count_Muon")


# ------------------------------------------------------------------------------ SGD (V2)


@functools.lru_cache(maxsize=4)
def _sgd_runs(settings_key, alpha: float):
    from .processes import assoc_memory as A

    settings = Settings(**dict(settings_key))
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
def sgd_threshold(settings: Settings) -> Verdict:
    """V2: one SGD step, threshold frequency p* ~ d^-1/2, independent of alpha (our hypothesis).

    Slack: none. Our heuristic (head-item interference p_1/sqrt(d)) carries no log of d at a
    fixed number of items N = 16000.
    """
    alpha = 1.1
    x, runs = _sgd_runs(_key(settings), alpha)
    window = (x[0], x[-1])
    fit = fit_loglog_slope(x, runs["pstar"], window, seed=settings.seed)
    predicted = _exponent("muon_capacity.sgd.threshold_frequency") + settings.perturb
    prefix_fit = fit_loglog_slope(x, runs["prefix"], window, seed=settings.seed)
    return _finish(make_verdict(
        "muon_capacity.sgd.threshold_frequency", f"one-step SGD p* slope, alpha={alpha}",
        predicted, fit, slack=0.0, slack_reason="none: our heuristic has no log factor at fixed N",
        negative_shift=NEGATIVE_SHIFT,
        notes=(
            f"N = 16000, K = 300 items scored, B = infinity. Prefix slope {prefix_fit.slope:.3f} "
            f"[{prefix_fit.ci[0]:.3f}, {prefix_fit.ci[1]:.3f}] vs the capacity hypothesis "
            f"1/(2 alpha) = {1 / (2 * alpha):.3f} (not checked: resolution)."
        ),
    ), "threshold frequency p*")


# ------------------------------------------------------------------------------ multi-step (V4, V5)


@functools.lru_cache(maxsize=4)
def _multi_step_runs(settings_key, alpha: float, steps: int, c_lam: float, kappa: float):
    from .processes import assoc_memory as A

    settings = Settings(**dict(settings_key))
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


def _multi_step_threshold(settings: Settings, t: int) -> Verdict:
    x, runs = _multi_step_runs(_key(settings), *_MS.values())
    window = (x[0], x[-1])
    fit = fit_loglog_slope(x, runs["pstar"][:, :, t - 1], window, seed=settings.seed)
    key = "muon_capacity.muon.multi_step_threshold_frequency"
    predicted = _exponent(key, alpha=_MS["alpha"], t=t) + settings.perturb
    slack, reason = _log_slack(window, "the multi-step capacity is stated up to polylog(d)")
    others = []
    for s_ in range(1, _MS["steps"] + 1):
        c = fit_loglog_slope(x, runs["count"][:, :, s_ - 1], window, seed=settings.seed)
        q = fit_loglog_slope(x, runs["pstar"][:, :, s_ - 1], window, seed=settings.seed)
        a_s = 2 - (1 - 1 / (2 * _MS["alpha"])) ** s_
        others.append(
            f"t={s_}: p* slope {q.slope:.3f} [{q.ci[0]:.3f}, {q.ci[1]:.3f}] vs {-_MS['alpha'] * a_s:.3f}, "
            f"count slope {c.slope:.3f} vs a_t = {a_s:.3f}"
        )
    series = [
        _series(x, runs["pstar"][:, :, s_ - 1].mean(0), f"p* after t={s_}", "s:")
        for s_ in range(1, _MS["steps"] + 1) if s_ != t
    ]
    return _finish(make_verdict(
        key, f"p* slope after t={t} thresholded Muon steps, alpha={_MS['alpha']}",
        predicted, fit, slack=slack, slack_reason=reason, negative_shift=_log_shift(slack),
        notes=(
            f"Margin rule kappa = {_MS['kappa']}, lambda_t = {_MS['c_lam']} d_(t+1)^-alpha sqrt(d), "
            f"B = infinity, {runs['count'].shape[0]} replicas. " + "; ".join(others) + "."
        ),
    ), f"threshold frequency p* after {t} steps", series=series)


@check("muon_capacity.muon.multi_step_threshold_frequency", name="muon_capacity.V4.multi_step_threshold[t=2]",
       quick_seconds=25)
def multi_step_threshold_2(settings: Settings) -> Verdict:
    """V4: after t = 2 thresholded Muon steps, p* ~ d^-(alpha a_2) (the notes give t = 1, 3)."""
    return _multi_step_threshold(settings, 2)


def multi_step_threshold_3(settings: Settings) -> Verdict:
    """V4 at t = 3 (not registered: it cannot resolve a 0.2 perturbation at affordable sizes).

    Quick grid d = 181-512, seed 0: slope -2.565, interval about +-0.01, against -2.556 with a
    log slack 1/ln 181 = 0.192. A prediction moved by -0.2 (-2.756) lies inside interval plus
    slack, and +0.2 is rejected by only 0.007. Resolving +-0.2 with margin needs a slack below
    ~0.15, i.e. d_lo >~ 800 (and d up to ~2000 for a 4-point window): K = 0.12 d^(a_3) ~ 5e4
    items scored against N = 3K over three steps, tens of CPU-minutes per replica. It runs in the
    slow tests (and at GPU sizes with ``Settings(full=True)``, d = 256-1024).
    """
    return _multi_step_threshold(settings, 3)


@check("muon_capacity.muon.unrecovered_mass", name="muon_capacity.V5.unrecovered_mass[t=1]", quick_seconds=1)
def unrecovered_mass(settings: Settings) -> Verdict:
    """V5: the unrecovered frequency mass after t steps scales like d_t^(1 - alpha).

    The paper's loss bound (muon.multi_step_loss, an upper bound) is checked through its
    two-sided, derived counterpart muon.unrecovered_mass: a check of an upper bound with a log
    slack of 0.19 could not reject a 0.2-stronger claim.
    """
    return _mass_check(settings, 1)


def _mass_check(settings: Settings, t: int) -> Verdict:
    x, runs = _multi_step_runs(_key(settings), *_MS.values())
    window = (x[0], x[-1])
    fit = fit_loglog_slope(x, runs["mass_inf"][:, :, t - 1], window, seed=settings.seed)
    key = "muon_capacity.muon.unrecovered_mass"
    predicted = _exponent(key, alpha=_MS["alpha"], t=t) + settings.perturb
    slack, reason = _log_slack(window, "derived from a capacity stated up to polylog(d)")
    raw = fit_loglog_slope(x, runs["mass"][:, :, t - 1], window, seed=settings.seed)
    return _finish(make_verdict(
        key, f"unrecovered mass slope after t={t} steps, alpha={_MS['alpha']}",
        predicted, fit, slack=slack, slack_reason=reason, negative_shift=_log_shift(slack),
        notes=(
            "Mass of the unrecovered items under the infinite power law i^-alpha/zeta(alpha): "
            "items beyond the K scored and beyond the N simulated count as unrecovered. Without "
            f"the mass beyond N the slope is {raw.slope:.3f} (finite-N artefact)."
        ),
    ), "unrecovered frequency mass")


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

    settings = Settings(**dict(settings_key))
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


def _critical_batch(settings: Settings, method: str) -> Verdict:
    r"""The exponent in d of the critical batch of one step of ``method`` (Muon or SGD).

    Efficiency :math:`y(B) = 1/(B\,p^*(B))`: :math:`B p^*` is the expected number of copies, in
    the batch, of the item at the recovery threshold. Batch-limited (an item is recovered once
    it is in the batch) it is a constant, :math:`\approx \ln 2`; d-limited it grows like
    :math:`B`. The critical batch :math:`B^*` is the halving point of :math:`y`
    (:func:`~scalinglaws.validators.fit.fit_threshold`), found per replica and d; its log-log
    slope in d, bootstrapped over replicas, is compared with the law's exponent.
    """
    key = f"muon_capacity.{method}.critical_batch"
    alpha = _V3[method]["alpha"]
    x, Bs, pstar, prefix = _batch_runs(_key(settings), method)
    R = pstar.shape[0]
    eff = 1.0 / (Bs * pstar)
    crit = np.array([[_halving(Bs, eff[r, j], settings.seed).threshold for j in range(x.size)]
                     for r in range(R)])
    window = (x[0], x[-1])
    fit = fit_loglog_slope(x, crit, window, seed=settings.seed)
    predicted = _exponent(key, alpha=alpha) + settings.perturb
    slack, reason = _log_slack(window, "the critical batch is stated up to polylog(d)")
    means = [_halving(Bs, eff[:, j], settings.seed) for j in range(x.size)]
    thresholds = "; ".join(
        f"d={int(d)}: {m.threshold:.4g} [{m.ci[0]:.4g}, {m.ci[1]:.4g}]" for d, m in zip(x, means))
    low = Bs[None, :_BASE_POINTS] * pstar[:, :, :_BASE_POINTS]
    plateau = ", ".join(f"{v:.3f}" for v in low.mean((0, 2)))
    setup = (f"lambda = {_V3['muon']['c_lam']} max(d^-alpha, 1/B), K = 0.6 d^(1+1/(2 alpha)) items "
             "scored against N = max(3K, 16000)" if method == "muon"
             else f"N = {_SGD_ITEMS}, K = 200 items scored (SGD memory W = G, scored without forming it)")
    prefix_top = ", ".join(f"{v:.0f}" for v in prefix[:, :, -1].mean(0))
    verdict = make_verdict(
        key, f"{method} critical batch: slope in d of the halving point of 1/(B p*(B)), alpha={alpha}",
        predicted, fit, slack=slack, slack_reason=reason, negative_shift=_log_shift(slack),
        notes=(
            f"One step from W_0 = 0 on a fresh multinomial batch of B samples, {setup}; B grid "
            f"{int(Bs[0])}-{int(Bs[-1])} (quarter decades, common to every d), {R} replicas. "
            f"B* = the batch at which 1/(B p*) falls to half its batch-limited plateau 1/ln 2 "
            f"(an item is recovered iff it is in the batch), i.e. B p* = 2 ln 2. Measured "
            f"batch-limited B p* (first {_BASE_POINTS} grid points) = {plateau} at d = "
            f"{', '.join(str(int(v)) for v in x)} (ln 2 = 0.693). "
            f"B* of the replica-mean curve (bootstrap over replicas): {thresholds}. Recovered "
            f"prefix at B = {int(Bs[-1])}: {prefix_top}."
        ),
    )
    # the efficiency curves (B on the x axis) go beside the plotted B*(d) data, not into its series
    verdict = _finish(verdict, "critical batch B* (halving point of 1/(B p*))")
    verdict.data = dict(verdict.data, batch_grid=Bs.tolist(),
                        efficiency=[eff[:, j].mean(0).tolist() for j in range(x.size)])
    return verdict


@check("muon_capacity.muon.critical_batch", name="muon_capacity.V3.critical_batch[muon,alpha=1.5]",
       quick_seconds=1800, full_only=True)
def muon_critical_batch(settings: Settings) -> Verdict:
    """V3: the critical batch of one Muon step grows like d^(alpha + 1/2).

    From B^(1/alpha) = d^(1 + 1/(2 alpha)), the crossing of the one-step capacity's branches.

    Slack: one log factor (the law is the crossing of two Theta-tilde branches). Registered for
    ``--full`` only (see the module notes on resolution: at quick sizes it passes but cannot
    reject its negative control); the slow tests run it at quick sizes.
    """
    return _critical_batch(settings, "muon")


@check("muon_capacity.sgd.critical_batch", name="muon_capacity.V3.critical_batch[sgd,alpha=1.1]",
       quick_seconds=600, full_only=True)
def sgd_critical_batch(settings: Settings) -> Verdict:
    """V3: the critical batch of one SGD step grows like sqrt(d), independent of alpha (our hypothesis).

    Slack: one log factor (the law, a crossing of two Theta-tilde branches, is stated as
    Theta-tilde). Registered for ``--full`` only (see the module notes on resolution).
    """
    return _critical_batch(settings, "sgd")
