r"""Checks of :mod:`scalinglaws.papers.quadratic_escape` on the overlap ODEs and on one-pass SGD.

Three levels:

* closed form ↔ overlap ODEs (:mod:`~scalinglaws.validators.processes.overlap_ode`, gradient
  flow = the :math:`\eta\to0` limit, LSODA at rtol 1e-10): the plateau fixed point (integrated
  from :math:`Q = I, R = 0`), the growth rate of :math:`R` on the plateau (read off the ODE's
  right-hand side), the slope of the escape time in :math:`\ln N` (:math:`R(0) = G/\sqrt N`,
  :math:`N = 10^3..10^6`), the conserved polar factor of :math:`R` and the closest-point limit,
  the late algebraic decay of the error for :math:`p > p^*`;
* closed form ↔ sampled network: the initial error, measured by the sampled loss of random
  networks on fresh inputs;
* ODE law ↔ SGD (``--full``): the escape-time slope from replicas of one-pass SGD
  (:mod:`~scalinglaws.validators.processes.teacher_student`) at growing N.

Systematic intervals of the deterministic checks compare two resolutions (two times on an
exponentially converging quantity, two ranges of N, two tolerances), plus the float64
round-off of the observable.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .engine import Curve, LawValue, Settings, Value, check
from .processes.overlap_ode import (
    first_crossing,
    integrate_quadratic,
    polar_factor,
    quadratic_rhs,
)

#: Float64 round-off of an O(1) observable built from a few matrix products.
ROUNDOFF = 64 * np.finfo(float).eps


def _G(p: int, p_star: int, seed: int) -> np.ndarray:
    """The seeded Gaussian direction of R(0) (p, p*)."""
    return np.random.default_rng(np.random.SeedSequence([seed, 2604, p, p_star])).standard_normal(
        (p, p_star))


# ------------------------------------------------------------------------------ plateau


@functools.lru_cache(maxsize=8)
def _plateau(p: int, p_star: int, eta: float):
    """Gradient flow from Q = I, R = 0 (R stays 0): (q, eps) at two late times."""
    rate = 4 * eta / p  # relaxation rate of q to the plateau
    t = np.array([20.0 / rate, 40.0 / rate])
    run = integrate_quadratic(np.eye(p), np.zeros((p, p_star)), np.eye(p_star), eta=eta,
                              t_max=float(t[-1]), t_eval=t, noise=False)
    q = np.array([np.trace(Q) / p for Q in run.Q])
    return q, run.eps


def _two_res(v_coarse: float, v_fine: float) -> tuple:
    err = abs(v_fine - v_coarse) + ROUNDOFF * max(1.0, abs(v_fine))
    return (v_fine - err, v_fine + err)


PLATEAU_POINTS = ((1, 1), (8, 4))

for _p, _ps in PLATEAU_POINTS:
    def _plateau_q(settings: Settings, _p=_p, _ps=_ps) -> Value:
        """Self-overlap q = tr Q/p reached by the gradient-flow ODE from Q = I, R = 0, read at
        20 and 40 relaxation times (the fine value and its systematic interval)."""
        q, _ = _plateau(_p, _ps, 0.1)
        return Value(q[1], _two_res(q[0], q[1]), "overlap ODE (gradient flow), LSODA rtol 1e-10; "
                     "interval: two late times + round-off", point={"p": _p}, relative=True,
                     deterministic=True, notes=f"p = {_p}, p* = {_ps}, eta = 0.1, Q(0) = I, R = 0")

    def _plateau_eps(settings: Settings, _p=_p, _ps=_ps) -> Value:
        """Population error on the plateau reached by the gradient-flow ODE from Q = I, R = 0."""
        _, e = _plateau(_p, _ps, 0.1)
        return Value(e[1], _two_res(e[0], e[1]), "overlap ODE (gradient flow), LSODA rtol 1e-10; "
                     "interval: two late times + round-off", point={"p": _p, "p_star": _ps},
                     relative=True, deterministic=True,
                     notes=f"p = {_p}, p* = {_ps}, eta = 0.1, Q(0) = I, R = 0")

    check("quadratic_escape.plateau_overlap", name=f"quadratic_escape.plateau_overlap[p={_p}]",
          quick_seconds=0.2)(_plateau_q)
    check("quadratic_escape.plateau_error",
          name=f"quadratic_escape.plateau_error[p={_p},p_star={_ps}]", quick_seconds=0.1)(_plateau_eps)


# ------------------------------------------------------------------------------ escape rate


ESCAPE_RATE_POINTS = ((2, 2, 0.1), (6, 3, 0.05))

for _p, _ps, _eta in ESCAPE_RATE_POINTS:
    def _rate(settings: Settings, _p=_p, _ps=_ps, _eta=_eta) -> Value:
        """Growth rate d ln|R|_F/dt = tr(R^T dR/dt)/|R|^2 on the plateau of the gradient-flow ODE
        (R(0) = 1e-9 G, Q(0) = I; absolute tolerance 1e-22 so that R is resolved), read off the
        right-hand side at 15 and 20 relaxation times 4 eta/p of the plateau, where the
        relaxation (e^-15) and the nonlinear terms (|R|^2) are both below 1e-6."""
        G = _G(_p, _ps, settings.seed)
        relax = 4 * _eta / _p
        t = np.array([15.0 / relax, 20.0 / relax])
        rhs = quadratic_rhs(np.eye(_ps), _eta, noise=False)
        rates = []
        for rtol, atol in ((1e-7, 1e-19), (1e-10, 1e-22)):
            run = integrate_quadratic(np.eye(_p), 1e-9 * G, np.eye(_ps), eta=_eta,
                                      t_max=float(t[-1]), t_eval=t, noise=False, rtol=rtol,
                                      atol=atol)
            for Q, R in zip(run.Q, run.R):
                dR = rhs(0.0, {"Q": Q, "R": R})["R"]
                rates.append(float(np.sum(R * dR) / np.sum(R * R)))
        v = rates[-1]
        err = max(abs(r - v) for r in rates[:-1]) + ROUNDOFF
        return Value(v, (v - err, v + err),
                     "d ln|R|/dt from the ODE's right-hand side on the plateau; interval: two "
                     "times and two tolerances + round-off",
                     point={"p": _p, "p_star": _ps, "eta": _eta},
                     relative=True, deterministic=True,
                     notes=f"gradient flow, Q(0) = I, R(0) = 1e-9 G (seeded), times {t.tolist()}")

    check("quadratic_escape.escape_rate",
          name=f"quadratic_escape.escape_rate[p={_p},p_star={_ps},eta={_eta}]",
          quick_seconds=0.3)(_rate)


# ------------------------------------------------------------------------------ escape time


ESCAPE_POINTS = ((1, 1, 0.2), (8, 2, 0.05))
ESCAPE_N = (1e4, 1e5, 1e6)


@functools.lru_cache(maxsize=8)
def _escape_times(p: int, p_star: int, eta: float, seed: int) -> np.ndarray:
    G = _G(p, p_star, seed)
    eps_pl_half = None
    out = []
    for n in ESCAPE_N:
        t_max = 2.0 * p * p_star / (8 * eta) * math.log(n) + 40.0 * p / (4 * eta)
        run = integrate_quadratic(np.eye(p), G / math.sqrt(n), np.eye(p_star), eta=eta,
                                  t_max=t_max, t_eval=np.linspace(0.0, t_max, 1501), noise=False)
        if eps_pl_half is None:
            # the threshold: half of the plateau error, read from this run's own plateau
            # (the largest error after the initial relaxation, before the escape)
            k = int(np.searchsorted(run.t, 10.0 * p / (4 * eta)))
            eps_pl_half = 0.5 * float(run.eps[k])
        out.append(first_crossing(run.t, run.eps, eps_pl_half))
    return np.array(out)


for _p, _ps, _eta in ESCAPE_POINTS:
    def _escape(settings: Settings, _p=_p, _ps=_ps, _eta=_eta) -> Value:
        """Slope of the escape time (first time eps falls to half its plateau value) in ln N,
        gradient-flow ODE from Q = I, R = G/sqrt(N), N = 1e4, 1e5, 1e6: the last slope (N = 1e5 to
        1e6), interval from the slope one decade lower."""
        t = _escape_times(_p, _ps, _eta, settings.seed)
        s = np.diff(t) / np.diff(np.log(ESCAPE_N))
        return Value(s[-1], _two_res(s[-2], s[-1]),
                     "finite-difference slope of t_esc in ln N over the last decade; interval: "
                     "the previous decade", point={"p": _p, "p_star": _ps, "eta": _eta},
                     relative=True, deterministic=True,
                     data={"x": list(ESCAPE_N), "y": t.tolist(), "xlabel": "N",
                           "ylabel": "t_esc", "loglog": False},
                     notes=f"escape times {np.round(t, 4).tolist()} at N = {list(ESCAPE_N)}")

    check("quadratic_escape.escape_time_slope",
          name=f"quadratic_escape.escape_time_slope[p={_p},p_star={_ps},eta={_eta}]",
          quick_seconds=0.8)(_escape)


# ------------------------------------------------------------------------------ implicit bias


@functools.lru_cache(maxsize=8)
def _long_run(p: int, p_star: int, seed: int):
    """Gradient flow from Q = I, R = G/sqrt(1e4), eta = 0.1, to t = 4000 (p > p*: algebraic
    convergence) or 300 (p = p*: exponential), at log-spaced times."""
    G = _G(p, p_star, seed)
    t_max = 4000.0 if p > p_star else 300.0
    t = np.geomspace(1.0, t_max, 240)
    run = integrate_quadratic(np.eye(p), G / 100.0, np.eye(p_star), eta=0.1, t_max=t_max,
                              t_eval=t, noise=False)
    loose = integrate_quadratic(np.eye(p), G / 100.0, np.eye(p_star), eta=0.1, t_max=t_max,
                                t_eval=t, noise=False, rtol=1e-7, atol=1e-10)
    return G, run, loose


CONSERVE_POINTS = ((4, 2), (3, 1))

for _p, _ps in CONSERVE_POINTS:
    def _conserve(settings: Settings, _p=_p, _ps=_ps) -> Value:
        """Smallest overlap tr(P(t)^T P(0))/p* of the polar factor of R with its initial value
        over t <= t_esc + 100 (gradient-flow ODE, Q(0) = I, R(0) = G/100); interval from the
        same run at rtol 1e-7 + round-off."""
        G, run, loose = _long_run(_p, _ps, settings.seed)
        P0 = polar_factor(G)
        t_esc = first_crossing(run.t, run.eps, 0.5 * float(run.eps[0]))
        keep = run.t <= t_esc + 100.0

        def worst(r):
            return min(float(np.trace(polar_factor(R).T @ P0)) / _ps for R in r.R[keep])

        v, v_loose = worst(run), worst(loose)
        return Value(v, _two_res(v_loose, v), "min over t <= t_esc + 100 of tr(P_t^T P_0)/p*; "
                     "interval: rtol 1e-7 vs 1e-10 + round-off", point={}, relative=True,
                     deterministic=True,
                     notes=f"p = {_p}, p* = {_ps}, eta = 0.1, t_esc = {t_esc:.1f}")

    check("quadratic_escape.conserved_polar_factor",
          name=f"quadratic_escape.conserved_polar_factor[p={_p},p_star={_ps}]",
          quick_seconds=0.6)(_conserve)


CLOSEST_POINTS = ((2, 2), (4, 2))

for _p, _ps in CLOSEST_POINTS:
    def _closest(settings: Settings, _p=_p, _ps=_ps) -> Value:
        """Limit of tr(R(t)^T P(0))/p* (gradient-flow ODE, Q(0) = I, R(0) = G/100). The overlap
        rises monotonically to its limit: the interval runs from the last value (t_end = 4000
        for p > p*, 300 for p = p*) to the 1/t (Richardson) extrapolation from t_end/2, t_end,
        widened by its change from the extrapolation at t_end/4, t_end/2."""
        G, run, _ = _long_run(_p, _ps, settings.seed)
        P0 = polar_factor(G)
        ov = np.array([float(np.trace(R.T @ P0)) / _ps for R in run.R])

        def at(t):
            return float(np.interp(t, run.t, ov))

        t_end = float(run.t[-1])
        rich = 2 * at(t_end) - at(t_end / 2)
        rich_prev = 2 * at(t_end / 2) - at(t_end / 4)
        last = at(t_end)
        lo = min(last, rich) - ROUNDOFF
        hi = max(last, rich) + abs(rich - rich_prev) + ROUNDOFF
        return Value(rich, (lo, hi), "1/t extrapolation of tr(R_t^T P_0)/p*; interval: last value "
                     "to extrapolation + its change", point={"p": _p, "p_star": _ps},
                     relative=True, deterministic=True,
                     data={"x": run.t.tolist(), "y": ov.tolist(), "xlabel": "t",
                           "ylabel": "tr(R^T P0)/p*", "loglog": False},
                     notes=f"p = {_p}, p* = {_ps}, eta = 0.1; overlap at t = {t_end:g}: {last:.6f}")

    check("quadratic_escape.closest_point_overlap",
          name=f"quadratic_escape.closest_point_overlap[p={_p},p_star={_ps}]",
          quick_seconds=0.6)(_closest)


LATE_POINTS = ((3, 2), (8, 2))


@functools.lru_cache(maxsize=8)
def _late(p: int, p_star: int, seed: int):
    G = _G(p, p_star, seed)
    t = np.geomspace(1.0, 3e4, 300)
    return integrate_quadratic(np.eye(p), G / 100.0, np.eye(p_star), eta=0.1, t_max=3e4,
                               t_eval=t, noise=False)


for _p, _ps in LATE_POINTS:
    def _late_check(settings: Settings, _p=_p, _ps=_ps) -> Curve:
        """Error eps(t) of the gradient-flow ODE after the escape (Q(0) = I, R(0) = G/100,
        eta = 0.1), judged over t = 300..3e4 (two decades after the escape)."""
        run = _late(_p, _ps, settings.seed)
        m = run.t >= 30.0
        return Curve(run.t[m], run.eps[m], LawValue(sign=-1), point={"p": _p, "p_star": _ps},
                     window=(300.0, 3e4), xlabel="t", ylabel="eps", label="overlap ODE",
                     notes=f"p = {_p}, p* = {_ps}, gradient flow, LSODA rtol 1e-10")

    check("quadratic_escape.late_decay_exponent",
          name=f"quadratic_escape.late_decay_exponent[p={_p},p_star={_ps}]",
          quick_seconds=0.5)(_late_check)


# ------------------------------------------------------------------------------ sampled network


INIT_POINTS = ((1.0, 4, 2), (0.5, 1, 1))


def _sampled_initial_error(sigma0: float, p: int, p_star: int, N: int, replicas: int,
                           samples: int, seed: int) -> np.ndarray:
    from .processes.teacher_student import orthonormal_teacher

    out = []
    for child in np.random.SeedSequence([seed, 30068, p, p_star]).spawn(replicas):
        rng = np.random.default_rng(child)
        Ws = orthonormal_teacher(p_star, N, rng)
        W = sigma0 * rng.standard_normal((p, N))
        X = rng.standard_normal((samples, N))
        yhat = ((X @ W.T) ** 2).mean(axis=1) / N
        y = ((X @ Ws.T) ** 2).mean(axis=1) / N
        out.append(0.5 * np.mean((yhat - y) ** 2))
    return np.array(out)


for _s0, _p, _ps in INIT_POINTS:
    def _init(settings: Settings, _s0=_s0, _p=_p, _ps=_ps) -> Value:
        """Sampled loss (yhat - y)^2/2 of random networks at init (student rows N(0, sigma0^2),
        orthonormal teacher) on fresh Gaussian inputs: N = 200, 40 replicas x 1000 inputs
        (200 replicas, N = 1000 full); bootstrap interval over replicas."""
        N, R = (1000, 200) if settings.full else (200, 40)
        e = _sampled_initial_error(_s0, _p, _ps, N, R, 1000, settings.seed)
        rng = np.random.default_rng(np.random.SeedSequence([settings.seed, 77]))
        boot = e[rng.integers(0, R, size=(2000, R))].mean(axis=1)
        ci = tuple(float(x) for x in np.quantile(boot, [0.025, 0.975]))
        return Value(float(e.mean()), ci, f"mean over {R} replicas; bootstrap 95 %",
                     point={"sigma0": _s0, "p": _p, "p_star": _ps}, relative=True,
                     notes=f"N = {N}; finite-N bias O(1/N)")

    check("quadratic_escape.initial_error",
          name=f"quadratic_escape.initial_error[sigma0={_s0},p={_p},p_star={_ps}]",
          quick_seconds=1.0)(_init)


# ------------------------------------------------------------------------------ SGD escape (full)


@check("quadratic_escape.escape_time_slope",
       name="quadratic_escape.escape_time_slope.sgd[p=1,p_star=1,eta=0.02]", full_only=True,
       quick_seconds=36000.0, gpu=True, full_size="N = 500..4000, 32 replicas, eta = 0.02",
       h100_seconds=600.0)
def escape_sgd(settings: Settings) -> Value:
    """Slope of the replica-mean SGD escape time (first record with eps below half its value at
    t = 5) in ln N, N = 500..4000, 32 replicas each, eta = 0.02, p = p* = 1, sigma0 = 1;
    bootstrap over replicas. GPU-sized (``--backend cupy``, inputs drawn on the device): about
    1.2e6 steps at N = 4000; hours on a CPU. Not run yet: no GPU was available. Finite eta
    (the SGD-noise term) and plateau noise bias the slope by O(eta) (ODE with the eta^2 term:
    +4 % at eta = 0.05, p = p* = 2)."""
    from .processes.backend import get_backend
    from .processes.teacher_student import quadratic_sgd

    xp = get_backend("cupy" if settings.backend == "cupy" else "numpy").xp
    p, p_star, eta = 1, 1, 0.02
    Ns = (500, 1000, 2000, 4000)
    R = 32
    times = []
    for N, child in zip(Ns, np.random.SeedSequence([settings.seed, 3068]).spawn(len(Ns))):
        t_max = 2.0 * p * p_star / (8 * eta) * math.log(N) + 200.0
        run = quadratic_sgd(p=p, p_star=p_star, N=N, eta=eta, t_max=t_max, replicas=R,
                            seed=child, record_every=max(N // 20, 1), xp=xp)
        k = int(np.searchsorted(run.t, 5.0))
        times.append([first_crossing(run.t, run.eps[r], 0.5 * run.eps[r, k]) for r in range(R)])
    T = np.array(times)  # (len(Ns), R)
    x = np.log(np.array(Ns, dtype=float))

    def slope(cols):
        return float(np.polyfit(x, np.nanmean(T[:, cols], axis=1), 1)[0])

    rng = np.random.default_rng(np.random.SeedSequence([settings.seed, 99]))
    boot = [slope(rng.integers(0, R, R)) for _ in range(1000)]
    ci = tuple(float(v) for v in np.quantile(boot, [0.025, 0.975]))
    return Value(slope(np.arange(R)), ci, f"least-squares slope of mean t_esc in ln N; bootstrap "
                 f"over {R} replicas", point={"p": p, "p_star": p_star, "eta": eta},
                 relative=True, notes="one-pass SGD (processes.teacher_student); finite eta "
                 "lowers the rate by O(eta) and plateau noise advances the escape")
