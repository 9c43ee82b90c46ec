r"""Checks of :mod:`scalinglaws.papers.gmm_glm`: closed form ↔ saddle-point equations ↔ Monte Carlo.

* Closed form ↔ equations: the K = 2 ridge saddle-point equations of the authors' code
  (:func:`~scalinglaws.validators.processes.gmm.solve_k2_ridge`, the shared damped fixed-point
  solver) are solved at two tolerances (1e-9 and 1e-13); each closed-form order parameter must
  match to the solver's accuracy (systematic interval: the two tolerances plus round-off).
* Limits: the ridgeless limit of q on both sides of the interpolation peak (solver at
  lam = 1e-7, interval from lam = 1e-6: the error is O(lam)), the large-alpha error (solver at
  alpha = 1e6, interval from alpha = 1e5: the error is O(1/alpha)).
* Equations ↔ sampled process: exact ridge on sampled mixtures at d = 300 (20 replicas; d = 2000
  with 50 replicas under ``--full``), the replica mean of the exact test error of each trained
  classifier (and of m) against the closed form, with a bootstrap interval over replicas.
"""

from __future__ import annotations

import functools

import numpy as np

from .engine import Settings, Value, check
from .processes.gmm import ridge_monte_carlo, solve_k2_ridge

ROUNDOFF = 64 * np.finfo(float).eps

#: Closed-form points: (alpha, lam, Delta, rho).
CF_POINTS = ((2.0, 1.0, 0.5, 0.3), (0.5, 0.1, 1.0, 0.5))
_PARAM = {"ridge_V": "V", "ridge_m": "m", "ridge_q": "q", "ridge_b": "b", "ridge_error": "eps_g"}


@functools.lru_cache(maxsize=64)
def _solve(alpha, lam, Delta, rho, tol):
    s = solve_k2_ridge(alpha=alpha, lam=lam, rho=rho, Delta=Delta, tol=tol)
    return {k: v for k, v in s.items() if k != "result"}


def _two_tol(alpha, lam, Delta, rho, key):
    fine = _solve(alpha, lam, Delta, rho, 1e-13)[key]
    coarse = _solve(alpha, lam, Delta, rho, 1e-9)[key]
    err = abs(fine - coarse) + ROUNDOFF * max(1.0, abs(fine))
    return fine, (fine - err, fine + err)


def _point(alpha, lam, Delta, rho):
    return {"alpha": alpha, "lam": lam, "Delta": Delta, "rho": rho}


for _law, _key in _PARAM.items():
    for _i, (_a, _l, _D, _r) in enumerate(CF_POINTS):
        if _law == "ridge_b" and _r == 0.5:
            continue  # b = 0 identically at rho = 1/2: no relative test
        if _law in ("ridge_V", "ridge_m", "ridge_q", "ridge_b") and _i > 0 and _law != "ridge_q":
            continue

        def _cf(settings: Settings, _a=_a, _l=_l, _D=_D, _r=_r, _key=_key) -> Value:
            """The order parameter from the damped iteration of the K = 2 ridge saddle-point
            equations (tolerance 1e-13; interval from tolerance 1e-9 plus round-off)."""
            v, ci = _two_tol(_a, _l, _D, _r, _key)
            return Value(v, ci, "saddle-point equations, damped fixed point (systematic: two "
                         "tolerances)", point=_point(_a, _l, _D, _r), relative=True,
                         deterministic=True, notes=f"{_key} at alpha={_a}, lam={_l}, "
                         f"Delta={_D}, rho={_r}")

        check(f"gmm_glm.{_law}",
              name=f"gmm_glm.{_law}[alpha={_a},lam={_l},Delta={_D},rho={_r}]",
              quick_seconds=0.1)(_cf)


# ------------------------------------------------------------------------------ limits


RIDGELESS_POINTS = {"ridgeless_q_over": (1.25, 3.0), "ridgeless_q_under": (0.5, 0.8)}

for _law, _alphas in RIDGELESS_POINTS.items():
    for _a in _alphas:
        def _ridgeless(settings: Settings, _a=_a) -> Value:
            """q from the saddle-point equations at lam = 1e-7 (Delta = 1, rho = 0.5); the
            interval runs to the value at lam = 1e-6 (the lam -> 0 error is O(lam)), plus
            round-off."""
            fine = _solve(_a, 1e-7, 1.0, 0.5, 1e-14)["q"]
            coarse = _solve(_a, 1e-6, 1.0, 0.5, 1e-14)["q"]
            err = abs(fine - coarse) + ROUNDOFF * fine
            return Value(fine, (fine - err, fine + err), "saddle-point equations at lam = 1e-7; "
                         "interval: lam = 1e-6", point={"alpha": _a, "Delta": 1.0, "rho": 0.5},
                         relative=True, deterministic=True)

        check(f"gmm_glm.{_law}", name=f"gmm_glm.{_law}[alpha={_a}]", quick_seconds=0.3)(_ridgeless)


for _D, _r in ((1.0, 0.5), (0.5, 0.3)):
    def _large(settings: Settings, _D=_D, _r=_r) -> Value:
        """Test error from the saddle-point equations at alpha = 1e6 (lam = 0.1); the interval
        runs to the value at alpha = 1e5 (the error is O(1/alpha)), plus round-off."""
        fine = _solve(1e6, 0.1, _D, _r, 1e-14)["eps_g"]
        coarse = _solve(1e5, 0.1, _D, _r, 1e-14)["eps_g"]
        err = abs(fine - coarse) + ROUNDOFF
        return Value(fine, (fine - err, fine + err), "saddle-point equations at alpha = 1e6; "
                     "interval: alpha = 1e5", point={"Delta": _D, "rho": _r}, relative=True,
                     deterministic=True)

    check("gmm_glm.large_alpha_error", name=f"gmm_glm.large_alpha_error[Delta={_D},rho={_r}]",
          quick_seconds=0.2)(_large)


# ------------------------------------------------------------------------------ Monte Carlo


MC_POINTS = ((0.5, 0.1, 1.0, 0.5), (4.0, 0.1, 1.0, 0.5), (2.0, 1.0, 0.5, 0.3))


@functools.lru_cache(maxsize=16)
def _mc(alpha, lam, Delta, rho, seed, full, backend):
    d, R = (2000, 50) if full else (300, 20)
    xp = np
    if backend == "cupy":
        from .processes.backend import get_backend
        xp = get_backend("cupy").xp
    ss = np.random.SeedSequence([seed, 2106, int(alpha * 100), int(lam * 1000),
                                 int(Delta * 100), int(rho * 100)])
    return ridge_monte_carlo(alpha=alpha, lam=lam, rho=rho, Delta=Delta, d=d, replicas=R,
                             seed=ss, xp=xp), d, R


def _boot(x, seed):
    rng = np.random.default_rng(np.random.SeedSequence([seed, 31]))
    R = x.size
    b = x[rng.integers(0, R, size=(2000, R))].mean(axis=1)
    return tuple(float(v) for v in np.quantile(b, [0.025, 0.975]))


def _mc_check(key, a, l, D, r):
    def run(settings: Settings) -> Value:
        """Replica mean over exact ridge fits on sampled mixtures (d = 300, 20 replicas; d =
        2000, 50 replicas full) of the trained classifier's exact test error (or its m);
        bootstrap interval over replicas. Finite-d bias is O(1/d)."""
        mc, d, R = _mc(a, l, D, r, settings.seed, settings.full, settings.backend)
        x = mc[key]
        return Value(float(x.mean()), _boot(x, settings.seed), f"mean over {R} replicas at "
                     f"d = {d}; bootstrap 95 %", point=_point(a, l, D, r), relative=True,
                     notes=f"n = alpha d = {int(round(a * d))}")

    return run


_MC_FULL = dict(gpu=True, full_size="d = 2000, 50 replicas", h100_seconds=60.0)

for _a, _l, _D, _r in MC_POINTS:
    check("gmm_glm.ridge_error", name=f"gmm_glm.ridge_error.mc[alpha={_a},lam={_l},Delta={_D},rho={_r}]",
          quick_seconds=0.5, **_MC_FULL)(_mc_check("eps_g", _a, _l, _D, _r))
check("gmm_glm.ridge_m", name="gmm_glm.ridge_m.mc[alpha=2.0,lam=1.0,Delta=0.5,rho=0.3]",
      quick_seconds=0.1, **_MC_FULL)(_mc_check("m", 2.0, 1.0, 0.5, 0.3))


# ------------------------------------------------------------------------------ general K at K = 2


@functools.lru_cache(maxsize=8)
def _multik2(alpha, lam, Delta, rho, tol):
    from .processes.gmm import solve_multik_ridge

    return solve_multik_ridge(alpha=alpha, lam=lam, Delta=Delta, rho=np.array([rho, 1 - rho]),
                              tol=tol)["eps_g"]


for _a, _l, _D, _r in ((2.0, 1.0, 0.5, 0.3),):
    def _multik(settings: Settings, _a=_a, _l=_l, _D=_D, _r=_r) -> Value:
        """Test error from the general-K square-loss saddle-point equations (authors' multiK
        form: one-hot targets, K x K order parameters, simplex means) at K = 2, where the
        classifier is sign((w_1 - w_2).x + b_1 - b_2), ridge on +-1 labels: an independent
        route to the K = 2 closed form. Systematic interval: tolerances 1e-9 and 1e-13."""
        fine, coarse = _multik2(_a, _l, _D, _r, 1e-13), _multik2(_a, _l, _D, _r, 1e-9)
        err = abs(fine - coarse) + ROUNDOFF
        return Value(fine, (fine - err, fine + err), "general-K equations at K = 2, damped "
                     "fixed point (systematic: two tolerances)", point=_point(_a, _l, _D, _r),
                     relative=True, deterministic=True)

    check("gmm_glm.ridge_error",
          name=f"gmm_glm.ridge_error.multik[alpha={_a},lam={_l},Delta={_D},rho={_r}]",
          quick_seconds=0.2)(_multik)
