"""Checks of the weight-decay fixed-point laws on a diagonal quadratic.

Process (:func:`~scalinglaws.validators.processes.optimizer_steps.weight_decay_quadratic`):
full-batch gradient descent on :math:`L = \\frac12\\sum_i h_i(\\theta_i - a_i)^2`, ``d = 10``,
:math:`h_i \\in [0.5, 2]`, :math:`a_i \\in [1, 3]` (seeded), with a two-phase learning rate
(:math:`\\eta_1 = 0.1`, then :math:`\\eta_2 = 0.02`, 3000 steps each: every coordinate contracts
by at least :math:`e^{-60}` per phase) and vanilla or coupled weight decay. The end of each phase
is the phase's fixed point to machine precision; each law is read there, in float64, with a
systematic interval from the same run in float32.

AdamS (:func:`~scalinglaws.validators.processes.optimizer_steps.adams_quadratic`, the authors'
update) is run where every coordinate keeps a nonzero gradient (targets outside the box
:math:`\\lvert\\theta_i\\rvert \\le c`): its steps are then sign-stable and a constant learning rate
converges geometrically to the fixed point. (A coordinate whose gradient vanishes at the fixed
point makes Adam chatter with an O(eta) limit cycle, which only a decaying learning rate
removes, and slowly: a geometric decay to 1e-12 over 4e4 steps still leaves 2e-6.)
"""

from __future__ import annotations

import functools

import numpy as np

from .engine import Settings, Value, check
from .processes import optimizer_steps as ops

D = 10
ETAS = (0.1, 0.02)
PHASE = 3000
LAM0 = 0.01  # vanilla decay per step
LAM = 0.05  # coupled decay coefficient
_TWO = "float64 value; interval +- its difference from the same run in float32 (systematic)"


def _seed(settings: Settings, tag: int) -> int:
    return int(np.random.SeedSequence([settings.seed, tag]).generate_state(1)[0])


@functools.lru_cache(maxsize=4)
def _problem(seed: int):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.5, 2.0, D), rng.uniform(1.0, 3.0, D)


@functools.lru_cache(maxsize=8)
def _ends(seed: int, mode: str, dtype_name: str):
    h, a = _problem(seed)
    decay = LAM0 if mode == "vanilla" else LAM
    return ops.weight_decay_quadratic(h, a, np.zeros(D), etas=ETAS, phase_steps=PHASE,
                                      decay=decay, mode=mode,
                                      dtype=np.dtype(dtype_name).type).astype(np.float64)


def _both(settings: Settings, mode: str):
    seed = _seed(settings, 1)
    return seed, _ends(seed, mode, "float64"), _ends(seed, mode, "float32")


def _notes(mode: str) -> str:
    decay = f"lam0 = {LAM0} per step" if mode == "vanilla" else f"lam = {LAM} (coupled)"
    return (f"gradient descent on a diagonal quadratic, d = {D}, h in [0.5, 2], a in [1, 3]; "
            f"{mode} weight decay, {decay}; learning rate {ETAS[0]} then {ETAS[1]}, {PHASE} "
            "steps each")


def _coordinate(seed: int) -> int:
    """The coordinate with the smallest curvature: the one weight decay moves most."""
    h, _ = _problem(seed)
    return int(np.argmin(h))


def _fixed_point(settings: Settings, mode: str, phase: int) -> Value:
    """One coordinate of the iterate at the end of ``phase`` under ``mode`` weight decay."""
    seed, e64, e32 = _both(settings, mode)
    h, a = _problem(seed)
    i = _coordinate(seed)
    decay = {"lam0": LAM0} if mode == "vanilla" else {"lam": LAM}
    return Value(
        e64[phase, i], ops.precision_interval(e64[phase, i], e32[phase, i]), method=_TWO,
        point={"eta": ETAS[phase], "h": float(h[i]), "a": float(a[i]), **decay},
        relative=True, deterministic=True,
        notes=_notes(mode) + f"; coordinate {i} at the end of phase {phase + 1}.",
    )


@check("swd.vanilla_fixed_point", name="swd.vanilla_fixed_point[eta=0.1]", quick_seconds=0.3)
def vanilla_fixed_point_high(settings: Settings) -> Value:
    """Vanilla-WD fixed point eta h a/(eta h + lam0) at the end of the eta = 0.1 phase."""
    return _fixed_point(settings, "vanilla", 0)


@check("swd.vanilla_fixed_point", name="swd.vanilla_fixed_point[eta=0.02]", quick_seconds=0.1)
def vanilla_fixed_point_low(settings: Settings) -> Value:
    """Vanilla-WD fixed point at the end of the annealed eta = 0.02 phase."""
    return _fixed_point(settings, "vanilla", 1)


@check("swd.vanilla_phase_gap", quick_seconds=0.1)
def vanilla_phase_gap(settings: Settings) -> Value:
    """The iterate's jump between the ends of the eta = 0.1 and eta = 0.02 phases."""
    seed, e64, e32 = _both(settings, "vanilla")
    h, a = _problem(seed)
    i = _coordinate(seed)
    gap64, gap32 = e64[0, i] - e64[1, i], e32[0, i] - e32[1, i]
    return Value(
        gap64, ops.precision_interval(gap64, gap32), method=_TWO,
        point={"eta1": ETAS[0], "eta2": ETAS[1], "h": float(h[i]), "a": float(a[i]),
               "lam0": LAM0},
        relative=True, deterministic=True,
        notes=_notes("vanilla") + f"; coordinate {i}: end of phase 1 minus end of phase 2.",
    )


def _gradient_ratio(settings: Settings, mode: str, phase: int) -> Value:
    seed, e64, e32 = _both(settings, mode)
    h, a = _problem(seed)
    vals = [float(np.linalg.norm(h * (e[phase] - a)) / np.linalg.norm(e[phase]))
            for e in (e64, e32)]
    point = ({"eta": ETAS[phase], "lam0": LAM0, "h": float(h.max())} if mode == "vanilla"
             else {"lam": LAM})
    return Value(
        vals[0], ops.precision_interval(*vals), method=_TWO, point=point, relative=True,
        deterministic=True,
        notes=_notes(mode) + f"; ||grad L|| / ||theta|| at the end of phase {phase + 1}.",
    )


@check("swd.vanilla_gradient_norm", name="swd.vanilla_gradient_norm[eta=0.1]",
       quick_seconds=0.1)
def vanilla_gradient_norm_high(settings: Settings) -> Value:
    """||grad L|| / ||theta|| = lam0/eta at the vanilla fixed point, eta = 0.1."""
    return _gradient_ratio(settings, "vanilla", 0)


@check("swd.vanilla_gradient_norm", name="swd.vanilla_gradient_norm[eta=0.02]",
       quick_seconds=0.1)
def vanilla_gradient_norm_low(settings: Settings) -> Value:
    """||grad L|| / ||theta|| = lam0/eta after annealing to eta = 0.02 (five times larger)."""
    return _gradient_ratio(settings, "vanilla", 1)


@check("swd.coupled_fixed_point", name="swd.coupled_fixed_point[eta=0.1]", quick_seconds=0.3)
def coupled_fixed_point_high(settings: Settings) -> Value:
    """Coupled-WD fixed point h a/(h + lam) at the end of the eta = 0.1 phase."""
    return _fixed_point(settings, "coupled", 0)


@check("swd.coupled_fixed_point", name="swd.coupled_fixed_point[eta=0.02]", quick_seconds=0.1)
def coupled_fixed_point_low(settings: Settings) -> Value:
    """The same fixed point after annealing to eta = 0.02 (schedule-free)."""
    return _fixed_point(settings, "coupled", 1)


@check("swd.coupled_gradient_norm", quick_seconds=0.1)
def coupled_gradient_norm(settings: Settings) -> Value:
    """||grad L|| / ||theta|| = lam at the coupled stationary point (end of the annealed phase)."""
    return _gradient_ratio(settings, "coupled", 1)


# ------------------------------------------------------------------ AdamS

#: |a_i| > the box half-width, so every coordinate ends with a nonzero gradient: then the AdamS
#: step is sign-stable (no limit cycle) and a constant learning rate reaches the fixed point
#: geometrically (rate about lr lam / sqrt(vbar) per step).
ADAMS = dict(d=20, lam=1.0, lr=0.1, betas=(0.9, 0.99))


def _adams_steps(settings: Settings) -> int:
    return 10_000 if settings.full else 5_000


@functools.lru_cache(maxsize=4)
def _adams_run(seed: int, steps: int, dtype_name: str):
    rng = np.random.default_rng(seed)
    d = ADAMS["d"]
    h = rng.uniform(0.5, 2.0, d)
    a = rng.choice([-1.0, 1.0], d) * rng.uniform(3.0, 5.0, d)
    th = ops.adams_quadratic(h, a, np.zeros(d), lr=ADAMS["lr"], lr_decay=1.0, steps=steps,
                             wd=ADAMS["lam"], betas=ADAMS["betas"],
                             dtype=np.dtype(dtype_name).type).astype(np.float64)
    g = h * (th - a)
    return float(np.linalg.norm(g) / np.max(np.abs(th))), int(np.sum(np.abs(g) > 1e-6))


@check("swd.adams_gradient_identity", quick_seconds=1.0)
def adams_gradient_identity(settings: Settings) -> Value:
    """||grad L||_2 / ||theta||_inf = lam sqrt(d) at the end of a long AdamS run (constant
    learning rate, every coordinate active)."""
    seed, n = _seed(settings, 2), _adams_steps(settings)
    v64, active = _adams_run(seed, n, "float64")
    v32, _ = _adams_run(seed, n, "float32")
    return Value(
        v64, ops.precision_interval(v64, v32), method=_TWO,
        point={"lam": ADAMS["lam"], "d": ADAMS["d"]}, relative=True, deterministic=True,
        notes=(f"AdamS (authors' update, eps = 0, betas {ADAMS['betas']}) on a diagonal "
               f"quadratic, d = {ADAMS['d']}, h in [0.5, 2], |a| in [3, 5] (outside the box, "
               f"so no coordinate stalls at zero gradient); lam = {ADAMS['lam']}, constant lr "
               f"{ADAMS['lr']}, {n} steps; {active} of {ADAMS['d']} coordinates end with a "
               "nonzero gradient."),
    )
