"""Checks of the normalize-and-project laws on scale-invariant toy problems.

Two processes (:mod:`~scalinglaws.validators.processes.optimizer_steps`):

* **normalized softmax regression** (a weight matrix followed by a normalization: logits
  :math:`s\\,Wx/\\lVert W\\rVert_F`), trained by minibatch SGD. The scale-invariance identities
  are measured with complex-step gradients (machine precision, independent of the analytic
  gradient the SGD run uses); the SGD run gives the Pythagorean norm growth and the direction
  step that projected SGD must reproduce;
* **tangential noise**: SGD (with or without weight decay) whose gradient is pure noise of norm
  :math:`G\\rho_0/\\lVert\\theta\\rVert` orthogonal to :math:`\\theta`; it gives the
  :math:`\\lVert\\theta\\rVert^4` growth, the effective-learning-rate decay and the weight-decay
  equilibrium.

The exact identities are :class:`Value` measurements in float64 with a systematic interval from
the same run in float32 (same random numbers): they pass at machine precision and a 10 % error
is rejected. The growth law is a deterministic curve (the engine judges the bounded ratio), and
the decay exponent a deterministic curve's extrapolated local slopes.
"""

from __future__ import annotations

import functools

import numpy as np

from .engine import Curve, LawCurve, LawValue, Settings, Value, check
from .processes import optimizer_steps as ops

SCALE = 2.0  # logit scale s of the normalized softmax model
_TWO = "float64 value; interval +- its difference from the same run in float32 (systematic)"


def _seed(settings: Settings, tag: int) -> int:
    return int(np.random.SeedSequence([settings.seed, tag]).generate_state(1)[0])


# ------------------------------------------------------------------ normalized softmax


@functools.lru_cache(maxsize=4)
def _problem(seed: int):
    return ops.softmax_problem(seed, n=64, d_in=5, classes=3)


def _full_loss(X, Y):
    return lambda W: ops.normalized_softmax_loss(W, X, Y, SCALE)


def _grads(c: float, seed: int, dtype):
    """Complex-step gradients at W0 and at c W0 (full batch), in ``dtype``."""
    X, Y, W0 = _problem(seed)
    Xd, W = X.astype(dtype), W0.astype(dtype)
    h = 1e-30 if dtype == np.float64 else 1e-20
    f = _full_loss(Xd, Y)
    g1 = ops.complex_step_grad(f, W, h=h)
    gc = ops.complex_step_grad(f, (dtype(c) * W).astype(dtype), h=h)
    return W, g1, gc


def _grad_scale(c: float, settings: Settings) -> Value:
    seed = _seed(settings, 1)
    vals = []
    for dtype in (np.float64, np.float32):
        _, g1, gc = _grads(c, seed, dtype)
        vals.append(float(np.sum(gc * g1) / np.sum(g1 * g1)))
    return Value(
        vals[0], ops.precision_interval(*vals), method=_TWO, point={"c": c}, relative=True,
        deterministic=True,
        notes=("normalized softmax regression (3 classes, 5 inputs, 64 samples, logit scale 2), "
               "full-batch gradients by the complex step at W0 and c W0; measured the projection "
               "<grad(c W0), grad(W0)> / ||grad(W0)||^2."),
    )


@check("normalize_project.grad_scale", name="normalize_project.grad_scale[c=3.7]",
       quick_seconds=0.1)
def grad_scale_up(settings: Settings) -> Value:
    """nabla L(c theta) = nabla L(theta)/c at c = 3.7 (complex-step gradients)."""
    return _grad_scale(3.7, settings)


@check("normalize_project.grad_scale", name="normalize_project.grad_scale[c=0.25]",
       quick_seconds=0.1)
def grad_scale_down(settings: Settings) -> Value:
    """nabla L(c theta) = nabla L(theta)/c at c = 0.25 (complex-step gradients)."""
    return _grad_scale(0.25, settings)


@check("normalize_project.gradient_orthogonality", quick_seconds=0.1)
def gradient_orthogonality(settings: Settings) -> Value:
    """theta . nabla L(theta) = 0: the cosine between W0 and its complex-step gradient."""
    seed = _seed(settings, 1)
    vals = []
    for dtype in (np.float64, np.float32):
        W, g1, _ = _grads(1.0, seed, dtype)
        vals.append(float(np.sum(W * g1) / np.sqrt(np.sum(W * W) * np.sum(g1 * g1))))
    return Value(
        vals[0], ops.precision_interval(*vals), method=_TWO, deterministic=True,
        notes="normalized softmax regression, full-batch complex-step gradient at W0.",
    )


@functools.lru_cache(maxsize=4)
def _sgd(seed: int, dtype_name: str):
    X, Y, W0 = _problem(seed)
    return ops.sgd_scale_invariant(W0, X, Y, eta=ETA_SGD, steps=STEPS_SGD, batch=8, seed=seed,
                                   scale=SCALE, dtype=np.dtype(dtype_name).type)


ETA_SGD = 2.0  # large enough for the norm to grow visibly over the run
STEPS_SGD = 300
_SGD_NOTES = (f"normalized softmax regression, minibatch SGD (batch 8 of 64), eta = {ETA_SGD}, "
              f"{STEPS_SGD} steps, analytic gradient")


@check("normalize_project.norm_growth", quick_seconds=0.3)
def norm_growth(settings: Settings) -> Value:
    """||theta_T||^2 = ||theta_0||^2 + eta^2 sum_t ||g_t||^2 after a plain SGD run."""
    seed = _seed(settings, 2)
    W, G, _ = _sgd(seed, "float64")
    W32, _, _ = _sgd(seed, "float32")
    x0, S2 = float(np.sum(W[0] ** 2)), float(np.sum(G**2))
    v64, v32 = float(np.sum(W[-1] ** 2)), float(np.sum(W32[-1].astype(np.float64) ** 2))
    return Value(
        v64, ops.precision_interval(v64, v32), method=_TWO,
        point={"x0": x0, "eta": ETA_SGD, "S2": S2}, relative=True, deterministic=True,
        notes=_SGD_NOTES + f"; ||theta||^2 grew from {x0:.4g} to {v64:.4g}.",
    )


def _projected_rate(seed: int, W, batches, step: int, rho: float, dtype):
    """The learning rate of projected SGD that maps u_t = rho theta_t/||theta_t|| to the
    direction of theta_{t+1}: u_{t+1} = c (u_t - eta_p g(u_t)) gives
    eta_p = -rho^2 <u_{t+1}, g> / (||g||^2 <u_{t+1}, u_t>)."""
    X, Y, _ = _problem(seed)
    idx = batches[step]
    th, nxt = W[step], W[step + 1]
    u = dtype(rho) * th / np.sqrt(np.sum(th * th))
    g = ops.normalized_softmax_grad(u, X.astype(dtype)[idx], Y[idx], SCALE)
    return float(-rho**2 * np.sum(nxt * g) / (np.sum(g * g) * np.sum(nxt * u)))


@check("normalize_project.projected_equivalence", quick_seconds=0.3)
def projected_equivalence(settings: Settings) -> Value:
    """The projected-SGD learning rate that reproduces the last direction step of an
    unconstrained SGD run, measured from the two directions and the gradient at radius rho."""
    seed = _seed(settings, 2)
    vals = []
    for name in ("float64", "float32"):
        W, _, batches = _sgd(seed, name)
        dtype = np.dtype(name).type
        rho = float(np.sqrt(np.sum(W[0].astype(np.float64) ** 2)))
        vals.append(_projected_rate(seed, W, batches, STEPS_SGD - 1, rho, dtype))
    W, _, _ = _sgd(seed, "float64")
    r = float(np.sqrt(np.sum(W[-2] ** 2)))
    rho = float(np.sqrt(np.sum(W[0] ** 2)))
    return Value(
        vals[0], ops.precision_interval(*vals), method=_TWO,
        point={"eta": ETA_SGD, "rho": rho, "r": r}, relative=True, deterministic=True,
        notes=_SGD_NOTES + f"; radius rho = ||theta_0|| = {rho:.4g}, ||theta_T-1|| = {r:.4g}.",
    )


# ------------------------------------------------------------------ tangential noise


D_NOISE = 20
NOISE = dict(eta=0.3, G=1.5, rho0=0.8)


@functools.lru_cache(maxsize=8)
def _noise_run(seed: int, eta: float, G: float, rho0: float, lam: float, steps: int,
               dtype_name: str):
    theta0 = np.random.default_rng([seed, 1]).standard_normal(D_NOISE)  # not the noise stream
    theta0 /= np.linalg.norm(theta0)  # ||theta_0|| = 1
    return ops.tangential_noise_sgd(theta0, eta=eta, G=G, rho0=rho0, lam=lam, steps=steps,
                                    seed=seed, dtype=np.dtype(dtype_name).type)


def _growth_steps(settings: Settings) -> int:
    return 200_000 if settings.full else 10_000


_NOISE_NOTES = (f"tangential-noise SGD, d = {D_NOISE}, ||theta_0|| = 1, eta = {NOISE['eta']}, "
                f"G = {NOISE['G']}, rho0 = {NOISE['rho0']}, no weight decay")


@check("normalize_project.norm4_identity", quick_seconds=0.2)
def norm4_identity(settings: Settings) -> Value:
    """||theta_t||^4 = ||theta_0||^4 + 2 eta^2 G^2 rho0^2 t + eta^4 G^4 rho0^4 sum ||theta_s||^-4
    after t = 4000 steps."""
    seed, steps = _seed(settings, 3), 4000
    vals, S4 = [], None
    for name in ("float64", "float32"):
        th = _noise_run(seed, NOISE["eta"], NOISE["G"], NOISE["rho0"], 0.0, steps, name)
        n2 = np.sum(th.astype(np.float64) ** 2, axis=1)
        vals.append(float(n2[-1] ** 2))
        if S4 is None:
            S4 = float(np.sum(n2[:-1] ** -2))
    return Value(
        vals[0], ops.precision_interval(*vals), method=_TWO,
        point={"th0": 1.0, **NOISE, "t": steps, "S4": S4}, relative=True, deterministic=True,
        notes=_NOISE_NOTES + f", t = {steps}.",
    )


def _growth_curve(settings: Settings):
    seed, steps = _seed(settings, 3), _growth_steps(settings)
    th = _noise_run(seed, NOISE["eta"], NOISE["G"], NOISE["rho0"], 0.0, steps, "float64")
    t = np.unique(np.geomspace(1, steps, 48).astype(int))
    n2 = np.sum(th[t] ** 2, axis=1)
    return t.astype(float), n2, steps


@check("normalize_project.norm4_growth", quick_seconds=0.4)
def norm4_growth(settings: Settings) -> Curve:
    """||theta_t||^4 against ||theta_0||^4 + 2 eta^2 G^2 rho0^2 t: the ratio's log-slope -> 0."""
    t, n2, steps = _growth_curve(settings)
    return Curve(
        t, n2**2, LawCurve(tuple({"t": int(v)} for v in t)), point={"th0": 1.0, **NOISE},
        window=(steps / 64, steps), xlabel="t (steps)", ylabel="||theta_t||^4",
        label="tangential-noise SGD", notes=_NOISE_NOTES + f", T = {steps}.",
    )


@check("normalize_project.elr_decay_exponent", quick_seconds=0.4)
def elr_decay(settings: Settings) -> Curve:
    """The effective learning rate eta/||theta_t||^2 decays like t^-1/2."""
    t, n2, steps = _growth_curve(settings)
    return Curve(
        t, NOISE["eta"] / n2, LawValue(sign=-1), window=(steps / 64, steps),
        xlabel="t (steps)", ylabel="eta / ||theta_t||^2", label="effective learning rate",
        notes=_NOISE_NOTES + f", T = {steps}.",
    )


#: (eta, lam): eta lam = 0.005 (the small-decay limit) and 0.9 (near the regime's end at 1)
_WD_POINTS = {"0.005": (0.1, 0.05), "0.9": (0.9, 1.0)}
_WD_G, _WD_RHO0, _WD_STEPS = 1.5, 0.8, 4000


def _wd_runs(settings: Settings, which: str):
    eta, lam = _WD_POINTS[which]
    seed = _seed(settings, 4)
    return eta, lam, [_noise_run(seed, eta, _WD_G, _WD_RHO0, lam, _WD_STEPS, name)
                      for name in ("float64", "float32")]


def _wd_equilibrium(settings: Settings, which: str) -> Value:
    eta, lam, runs = _wd_runs(settings, which)
    vals = [float(np.sum(th[-1].astype(np.float64) ** 2) ** 2) for th in runs]
    return Value(
        vals[0], ops.precision_interval(*vals), method=_TWO,
        point={"eta": eta, "lam": lam, "G": _WD_G, "rho0": _WD_RHO0}, relative=True,
        deterministic=True,
        notes=(f"tangential-noise SGD with weight decay, d = {D_NOISE}, ||theta_0|| = 1, "
               f"eta = {eta}, lam = {lam}, G = {_WD_G}, rho0 = {_WD_RHO0}; ||theta||^4 after "
               f"{_WD_STEPS} steps (the fixed point attracts at rate |2(1 - eta lam)^2 - 1|)."),
    )


def _angular(settings: Settings, which: str) -> Value:
    eta, lam, runs = _wd_runs(settings, which)
    vals = []
    for th in runs:
        a, b = th[-2].astype(np.float64), th[-1].astype(np.float64)
        ahat = a / np.linalg.norm(a)
        perp = b - (b @ ahat) * ahat
        vals.append(float(np.linalg.norm(perp) / np.linalg.norm(b)))
    return Value(
        vals[0], ops.precision_interval(*vals), method=_TWO,
        point={"eta": eta, "lam": lam}, relative=True, deterministic=True,
        notes=(f"tangential-noise SGD with weight decay, d = {D_NOISE}, eta = {eta}, "
               f"lam = {lam}, G = {_WD_G}, rho0 = {_WD_RHO0}; sine of the angle between the "
               f"last two iterates after {_WD_STEPS} steps."),
    )


@check("normalize_project.wd_equilibrium_norm",
       name="normalize_project.wd_equilibrium_norm[eta*lam=0.005]", quick_seconds=0.2)
def wd_equilibrium_small(settings: Settings) -> Value:
    """Equilibrium ||theta||^4 = eta G^2 rho0^2/(lam (2 - eta lam)) at eta lam = 0.005."""
    return _wd_equilibrium(settings, "0.005")


@check("normalize_project.wd_equilibrium_norm",
       name="normalize_project.wd_equilibrium_norm[eta*lam=0.9]", quick_seconds=0.2)
def wd_equilibrium_large(settings: Settings) -> Value:
    """Equilibrium ||theta||^4 at eta lam = 0.9 (near the end of the regime)."""
    return _wd_equilibrium(settings, "0.9")


@check("normalize_project.angular_update",
       name="normalize_project.angular_update[eta*lam=0.005]", quick_seconds=0.1)
def angular_small(settings: Settings) -> Value:
    """Angular update sqrt(eta lam (2 - eta lam)) ~ sqrt(2 eta lam) at eta lam = 0.005."""
    return _angular(settings, "0.005")


@check("normalize_project.angular_update",
       name="normalize_project.angular_update[eta*lam=0.9]", quick_seconds=0.1)
def angular_large(settings: Settings) -> Value:
    """Angular update at eta lam = 0.9, where sqrt(2 eta lam) would be 35 % too large."""
    return _angular(settings, "0.9")
