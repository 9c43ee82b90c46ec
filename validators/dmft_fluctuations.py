r"""Checks of :mod:`scalinglaws.papers.dmft_fluctuations`: Monte Carlo over initialisations.

The two-layer linear network on one point is reduced exactly: its seed enters only through
(f0, K0), drawn from their exact finite-N law
(:func:`~scalinglaws.validators.processes.wide_nets.sample_initial`), and (f, K) are integrated
by the exact reduced ODE (:func:`~scalinglaws.validators.processes.wide_nets.reduced_ode`, RK4,
dt = 0.05 to t = 8, or dt = 0.01 to t = 1). ``tests/test_dmft_fluctuations.py`` checks the
reduction against the full weight dynamics.

* ``variance_scaling``: per-seed squared deviations from the width's sample mean (2000 seeds per
  width, N = 64..4096), whose mean is the variance; slope in N (the law: -1).
* ``final_ntk_variance`` / ``output_variance``: N times the variance at N = 1024 over 4000
  seeds, bootstrap interval; the output law's parameters S_f, S_K are the infinite-width ODE's
  sensitivities (:func:`~scalinglaws.validators.processes.wide_nets.output_sensitivities`).
* ``lazy_propagator``: the lazy (static-kernel) error dynamics Delta(t) = expm(-K t) y for a
  2 x 2 kernel, differentiated in one off-diagonal kernel entry by central differences.
"""

from __future__ import annotations

import functools

import numpy as np

from .engine import Curve, Exponent, Settings, Value, check

WIDTHS = (64, 128, 256, 512, 1024, 2048, 4096)


def _root(seed: int, *tag):
    return np.random.SeedSequence([seed, 0xF1C7, *tag])


@functools.lru_cache(maxsize=16)
def mc_run(N: int, gamma0: float, y: float, t_end: float, replicas: int, seed: int):
    """(f(t_end), K(t_end)) over ``replicas`` seeds of the width-N reduced dynamics."""
    from .processes.wide_nets import reduced_ode, sample_initial

    tag = (N, int(1000 * gamma0), int(1000 * abs(y)), int(100 * t_end), replicas)
    f0, K0 = sample_initial(N, gamma0, replicas, seed=_root(seed, *tag))
    dt = 0.05 if t_end > 2 else 0.01
    f, K = reduced_ode(f0, K0, gamma0, y, t_end, dt)
    return f[:, -1], K[:, -1]


def _sq_dev(v: np.ndarray) -> np.ndarray:
    return (v - v.mean()) ** 2 * v.size / (v.size - 1)


def _scaling(which: str, gamma0: float, y: float, t_end: float, sigma: float,
             settings: Settings) -> Curve:
    """``sigma``: the leading coefficient at this point (only locates the point; the exponent
    in N does not depend on it)."""
    R = 4000 if settings.full else 2000
    cols = []
    for N in WIDTHS:
        f, K = mc_run(N, gamma0, y, t_end, R, settings.seed)
        cols.append(_sq_dev(K if which == "K" else f))
    x = np.array(WIDTHS, float)
    return Curve(
        x, np.stack(cols, axis=1), Exponent("N"), point={"Sigma": sigma}, window=(256, x[-1]),
        xlabel="width N",
        ylabel=f"squared deviation of {which}(t = {t_end:g}) from its mean over seeds",
        label=f"{which}, gamma0 = {gamma0}",
        notes=(f"two-layer linear net, one point, exact reduced ODE, gamma0 = {gamma0}, "
               f"y = {y}, {R} seeds per width"),
    )


@check("dmft_fluctuations.variance_scaling", name="dmft_fluctuations.variance_scaling[K_final]",
       quick_seconds=1.0)
def scaling_k(settings: Settings) -> Curve:
    """Var over seeds of the final NTK falls like 1/N (gamma0 = y = 1, t = 8)."""
    return _scaling("K", 1.0, 1.0, 8.0, 2.0, settings)


@check("dmft_fluctuations.variance_scaling", name="dmft_fluctuations.variance_scaling[f(1)]",
       quick_seconds=0.6)
def scaling_f(settings: Settings) -> Curve:
    """Var over seeds of the output at t = 1 falls like 1/N (gamma0 = 0.5, y = 1)."""
    from .processes.wide_nets import output_sensitivities

    s = output_sensitivities(0.5, 1.0, 1.0)
    return _scaling("f", 0.5, 1.0, 1.0, s["S_f"] ** 2 / 0.25 + 4 * s["S_K"] ** 2, settings)


def _nvar(v: np.ndarray, N: int, seed: int):
    rng = np.random.default_rng(_root(seed, 99, N))
    idx = rng.integers(0, v.size, (2000, v.size))
    boot = N * v[idx].var(axis=1, ddof=1)
    return float(N * v.var(ddof=1)), tuple(float(q) for q in np.quantile(boot, [0.025, 0.975]))


N_VAR, R_VAR = 1024, 4000


def _final_var(gamma0: float, y: float, settings: Settings) -> Value:
    _, K = mc_run(N_VAR, gamma0, y, 8.0, R_VAR, settings.seed)
    value, ci = _nvar(K, N_VAR, settings.seed)
    return Value(
        value, ci, f"N Var of the final NTK over {R_VAR} seeds at N = {N_VAR}, bootstrap 95 %",
        point={"gamma0": gamma0, "y": y}, relative=True,
        notes=f"two-layer linear net, one point, exact reduced ODE to t = 8, gamma0 = {gamma0}, y = {y}",
    )


@check("dmft_fluctuations.final_ntk_variance",
       name="dmft_fluctuations.final_ntk_variance[gamma0=1]", quick_seconds=0.3)
def final_var_g1(settings: Settings) -> Value:
    """N Var K_final = 4/(1 + gamma0^2 y^2) = 2 at gamma0 = y = 1 (the lazy value 4 is rejected)."""
    return _final_var(1.0, 1.0, settings)


@check("dmft_fluctuations.final_ntk_variance",
       name="dmft_fluctuations.final_ntk_variance[gamma0=0.1]", quick_seconds=0.3)
def final_var_g01(settings: Settings) -> Value:
    """Near the lazy limit, gamma0 = 0.1: N Var K_final = 3.96."""
    return _final_var(0.1, 1.0, settings)


@check("dmft_fluctuations.final_ntk_variance",
       name="dmft_fluctuations.final_ntk_variance[gamma0=3]", quick_seconds=0.3)
def final_var_g3(settings: Settings) -> Value:
    """Strong feature learning, gamma0 = 3: N Var K_final = 0.4."""
    return _final_var(3.0, 1.0, settings)


def _output_var(gamma0: float, y: float, t: float, settings: Settings) -> Value:
    from .processes.wide_nets import output_sensitivities

    f, _ = mc_run(N_VAR, gamma0, y, t, R_VAR, settings.seed)
    value, ci = _nvar(f, N_VAR, settings.seed)
    s = output_sensitivities(gamma0, y, t)
    return Value(
        value, ci, f"N Var of f(t = {t:g}) over {R_VAR} seeds at N = {N_VAR}, bootstrap 95 %",
        point={"gamma0": gamma0, "S_f": s["S_f"], "S_K": s["S_K"]}, relative=True,
        notes=(f"two-layer linear net, one point, exact reduced ODE, gamma0 = {gamma0}, y = {y}; "
               f"S_f = {s['S_f']:.4f}, S_K = {s['S_K']:.4f} from the infinite-width ODE's "
               "variational equations (a separate, deterministic process)"),
    )


@check("dmft_fluctuations.output_variance", name="dmft_fluctuations.output_variance[gamma0=1]",
       quick_seconds=0.3)
def output_var_g1(settings: Settings) -> Value:
    """N Var f(1) against S_f^2/gamma0^2 + 4 S_K^2 at gamma0 = y = 1 (0.050)."""
    return _output_var(1.0, 1.0, 1.0, settings)


@check("dmft_fluctuations.output_variance", name="dmft_fluctuations.output_variance[gamma0=2]",
       quick_seconds=0.3)
def output_var_g2(settings: Settings) -> Value:
    """The same at gamma0 = 2, y = 1, t = 0.5."""
    return _output_var(2.0, 1.0, 0.5, settings)


def _propagator(lk: float, ll: float, t: float) -> Value:
    from scipy.linalg import expm

    yv = np.array([0.7, 1.3])  # target modes (k = 0, l = 1)
    Kbar = np.diag([lk, ll])

    def delta_k(eps):
        E = np.array([[0.0, 1.0], [1.0, 0.0]]) * eps
        return (expm(-(Kbar + E) * t) @ yv)[0]

    def resp(eps):
        return -(delta_k(eps) - delta_k(-eps)) / (2 * eps * yv[1])

    fine, coarse = resp(1e-4), resp(2e-4)
    err = abs(fine - coarse)
    return Value(
        fine, (fine - err, fine + err),
        "central difference of Delta_k(t) = [expm(-(Kbar + dK) t) y]_k in dK_kl (eps = 1e-4); "
        "interval +- the difference from eps = 2e-4",
        point={"lambda_k": lk, "lambda_l": ll, "t": t}, relative=True, deterministic=True,
        notes="lazy (static-kernel) error dynamics, 2 x 2 kernel diag(lambda_k, lambda_l), "
              "symmetric perturbation of the off-diagonal entry",
    )


@check("dmft_fluctuations.lazy_propagator", name="dmft_fluctuations.lazy_propagator[k>l]",
       quick_seconds=0.05)
def propagator_a(settings: Settings) -> Value:
    """Response of the fast mode (lambda_k = 2) to the slow one (lambda_l = 0.5) at t = 1."""
    return _propagator(2.0, 0.5, 1.0)


@check("dmft_fluctuations.lazy_propagator", name="dmft_fluctuations.lazy_propagator[k<l]",
       quick_seconds=0.05)
def propagator_b(settings: Settings) -> Value:
    """Response of a slow mode (lambda_k = 0.5) to a fast one (lambda_l = 3) at t = 2, and
    near-degenerate modes are covered by the k != l regime's other end in the tests."""
    return _propagator(0.5, 3.0, 2.0)
