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
(:math:`m \\gg n`, noise variance :math:`c_i = c_0 h_i`, small step), where
:math:`GG^\\top \\approx m c_0 H`; there the exact :math:`U\\Sigma^pV^\\top` update at
:math:`p = -0.25` is judged against the noise-floor law with :math:`\\eta_{\\rm eff} =
\\eta (mc_0)^{(p-1)/2}`. The surrogate's first-order error (signal in :math:`GG^\\top`, Wishart
spread) is computed from the parameters and stated in the record; it is not an allowance.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .engine import Curve, LawCurve, Settings, check


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


@functools.lru_cache(maxsize=4)
def _mode_run(seed: int, full: bool):
    """Stationary second moments of the mode recursion: (h, sims (R_groups, n_modes), c)."""
    p, eta, kappa, beta = _MODES.values()
    h = np.logspace(-2, 0, 9)
    c = h**beta
    contraction = 1 - eta * kappa * h ** ((p + 1) / 2)
    gain = eta * h ** ((p - 1) / 2)
    rng = _child(Settings(seed=seed), 1)
    groups, per_group = (16, 4000) if full else (16, 1000)
    burn, T = 400, 400 if not full else 1600
    delta = np.zeros((groups, per_group, h.size))
    acc = np.zeros((groups, h.size))
    for step in range(burn + T):
        xi = rng.choice((-1.0, 1.0), size=delta.shape) * np.sqrt(c)
        delta = contraction * delta - gain * xi
        if step >= burn:
            acc += (delta**2).mean(1)
    return h, acc / T, c


@check("dynmuon.noise_floor", name="dynmuon.noise_floor[p=-0.25]", quick_seconds=3)
def noise_floor(settings: Settings) -> Curve:
    """The stationary second moment of every mode equals the derived noise floor.

    Modes h in [0.01, 1], noise variance c = h^1.4 (the paper's empirical law), Rademacher noise;
    time average over 400 steps after a 400-step burn-in (the slowest mode relaxes in ~30 steps);
    16 replica groups of 1000 independent chains each (4000 and 1600 steps full).
    """
    p, eta, kappa, beta = _MODES.values()
    h, sims, c = _mode_run(settings.seed, settings.full)
    return _mode_curve(
        h, sims, {"eta": eta, "kappa": kappa, "p": p}, {"c": c},
        ylabel="stationary E delta^2", label=f"mode recursion, p = {p}",
        notes=f"eta = {eta}, kappa = {kappa}, c = h^{beta}, {sims.shape[0]} replica groups; "
        "the statistic is the mean over the 9 modes of ln(simulated / law).",
    )


_MATRIX = {"n": 16, "m": 16, "kappa": 1.0, "eta": 0.3, "T": 20}


@check("dynmuon.second_moment", name="dynmuon.second_moment[matrix,p=1]", quick_seconds=1)
def matrix_second_moment(settings: Settings) -> Curve:
    """The matrix process with exact SVD shaping follows the one-step second-moment map at p = 1.

    At p = 1 the shaping is the identity, so each row of E is a mode. The process runs 20 steps
    from E_ij ~ N(0, 0.09) (the strong modes reach their noise floor, the weak ones still
    contract); the law maps the second moment of step 19 (the replica mean, per mode) to step 20,
    which is the measurement (replicas as rows). The law's input ``m`` is that measured state.
    """
    p = 1.0
    h, c, prev, sims = _matrix_run(settings.seed, p, settings.full)
    return _mode_curve(
        h, sims, {"eta": _MATRIX["eta"], "kappa": _MATRIX["kappa"], "p": p},
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
    prev = np.zeros((R, n))
    last = np.zeros((R, n))
    for r in range(R):
        E = rng.standard_normal((n, m)) * 0.3
        for _ in range(T):
            prev[r] = (E**2).mean(1)
            G = kappa * h[:, None] * E + rng.standard_normal((n, m)) * np.sqrt(c)[:, None]
            U, s, Vt = np.linalg.svd(G, full_matrices=False)
            E = E - eta * (U * s**p) @ Vt
        last[r] = (E**2).mean(1)
    return h, c, prev, last


# ------------------------------------------------------------------------------ shaping at p != 1


_WIDE = dict(p=-0.25, n=8, m=512, eta_kappa=0.1, c0=1.0, kappa=1.0)


@functools.lru_cache(maxsize=8)
def _wide_run(seed: int, p: float, full: bool):
    r"""Stationary row second moments of the matrix process in the wide, noise-dominated regime.

    :math:`E \in \mathbb R^{n\times m}` (``m >> n``), :math:`G = \kappa HE + \Xi`,
    :math:`\Xi_{ij} \sim N(0, c_0 h_i)`, update :math:`E \leftarrow E - \eta\,U\Sigma^pV^\top`
    (exact SVD of :math:`G`, all replicas at once). Then :math:`GG^\top \approx m c_0 H` (noise
    variance proportional to curvature), which is the paper's curvature-aligned surrogate with
    :math:`\alpha = m c_0`, so each row is a mode of the recursion with the effective step
    :math:`\eta_{\rm eff} = \eta\,\alpha^{(p-1)/2}`. Returns ``(h, c, eta_eff, sims (R, n))``.
    """
    n, m, eta_kappa, c0, kappa = (_WIDE[k] for k in ("n", "m", "eta_kappa", "c0", "kappa"))
    h = np.logspace(-1, 0, n)[::-1]
    c = c0 * h
    alpha = m * c0
    eta_eff = eta_kappa / kappa
    eta = eta_eff / alpha ** ((p - 1) / 2)
    R, T = (32, 600) if full else (8, 300)
    slowest = eta_kappa * h.min() ** ((p + 1) / 2)
    burn = int(math.ceil(6 / slowest))  # six relaxation times of the slowest mode
    rng = _child(Settings(seed=seed), 1000 + int(round(100 * (p + 2))))
    E = np.zeros((R, n, m))
    acc = np.zeros((R, n))
    for step in range(burn + T):
        G = kappa * h[None, :, None] * E + rng.standard_normal((R, n, m)) * np.sqrt(c)[None, :, None]
        U, sv, Vt = np.linalg.svd(G, full_matrices=False)
        E = E - eta * (U * sv[:, None, :] ** p) @ Vt
        if step >= burn:
            acc += (E**2).mean(2)
    return h, c, eta_eff, acc / T


def _surrogate_error(p: float) -> tuple[float, str]:
    """First-order size of the two errors of the surrogate GG^T ~ alpha H in the wide process
    (for the record: the law is judged without an allowance)."""
    n, m, eta_kappa = _WIDE["n"], _WIDE["m"], _WIDE["eta_kappa"]
    signal = abs(p - 1) / 4 * eta_kappa
    wishart = max(abs(p * (p - 1)), abs((p - 1) * (p - 3)) / 4) * n / (2 * m)
    return signal + wishart, (
        f"the surrogate GG^T ~ alpha H is first-order accurate: the signal kappa H E adds a "
        f"relative kappa^2 h^2 E delta^2 / c <= eta_eff kappa / 2 to diag(GG^T), moving the log "
        f"floor by (p - 1)/2 times that, |p - 1| eta_eff kappa / 4 = {signal:.4f}; the Wishart "
        f"spread of GG^T (ratio n/m) moves E[(GG^T)^q] by q(q - 1) n/(2m) for the powers q = p "
        f"and (p - 1)/2, at most {wishart:.4f}"
    )


@check("dynmuon.noise_floor", name="dynmuon.noise_floor[matrix,p=-0.25]", quick_seconds=2,
       known_failure=(
           "Finding (about the paper's surrogate, not the mode law): the wide matrix process at "
           "p = -0.25 sits -0.0176 [-0.0204, -0.0148] in mean ln(simulated / law) below the "
           "noise floor at eta_eff (8 modes, 8 replicas), with the sign and size of the "
           "surrogate's first-order signal error (-0.022 on average; see the law's notes): "
           "GG^T ~ alpha H holds to ~2 % here, not exactly."
       ))
def matrix_noise_floor(settings: Settings) -> Curve:
    """The matrix process with exact U Sigma^p V^T shaping at p = -0.25 sits on the mode noise floor.

    Wide (n = 8 modes, m = 512 columns), noise-dominated process with noise variance c_i = h_i,
    where the paper's curvature-aligned surrogate (GG^T)^((p-1)/2) ~ alpha^((p-1)/2)
    H^((p-1)/2) holds with alpha = m c_0 (computed, not fitted), to first order in eta_eff kappa
    and n/m; 8 replicas (32 full).
    """
    p = _WIDE["p"]
    h, c, eta_eff, sims = _wide_run(settings.seed, p, settings.full)
    error, reason = _surrogate_error(p)
    return _mode_curve(
        h, sims, {"eta": eta_eff, "kappa": _WIDE["kappa"], "p": p}, {"c": c},
        ylabel="stationary E delta^2 (row mean)", label=f"matrix process, U Sigma^p V^T, p = {p}",
        notes=f"n = {_WIDE['n']}, m = {_WIDE['m']}, eta_eff kappa = {_WIDE['eta_kappa']}, "
        f"alpha = m c_0 = {_WIDE['m'] * _WIDE['c0']:g}, {sims.shape[0]} replicas. First-order "
        f"error of the surrogate {error:.4f}: {reason}.",
    )
