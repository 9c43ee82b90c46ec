r"""LASSO (the diagonal network with weight decay): state evolution and ERM by FISTA.

Model (our normalisation). Inputs :math:`x_\mu \sim N(0, I_d)`, labels
:math:`y_\mu = \theta^*\!\cdot x_\mu + \sqrt\Delta\,\xi_\mu`, :math:`\xi_\mu \sim N(0,1)`,
:math:`\mu = 1..n`; the estimator minimises the *summed* objective

.. math::

    \tfrac12 \sum_\mu (y_\mu - \theta\cdot x_\mu)^2 + \lambda \lVert\theta\rVert_1 ,

and the excess test risk is :math:`R = \lVert\hat\theta - \theta^*\rVert^2`. A diagonal two-layer
network :math:`f(x) = \sum_i a_i w_i x_i` trained with weight decay
:math:`\tfrac\lambda2(\lVert a\rVert^2 + \lVert w\rVert^2)` has the same minimum
(:math:`\min_{a w = c}(a^2 + w^2)/2 = |c|`), see :func:`diagonal_network_erm`.

**State evolution** (Bayati--Montanari's LASSO state evolution rewritten for this scale). Two
unknowns, the effective noise :math:`\tau` and the effective threshold :math:`t`:

.. math::

    n\tau^2 = \Delta + \sum_i \mathrm{mse}_i(\tau, t), \qquad
    \lambda = t\,\Big(n - \sum_i P_i(\tau, t)\Big),

where :math:`\hat\theta_i \approx \mathrm{soft}(\theta^*_i + \tau Z, t)`, :math:`P_i` is the
probability that coordinate :math:`i` is active and :math:`\mathrm{mse}_i` its mean squared
error (closed forms with the normal cdf, :func:`soft_threshold_moments`); the predicted excess risk
is :math:`R = n\tau^2 - \Delta`. The equations are solved with the shared damped iteration
:func:`~scalinglaws.validators.processes.fixed_point.solve_fixed_point` on :math:`(\tau^2, t)`
(:func:`state_evolution`), with warm starts along a path of :math:`\lambda` or :math:`n`
(:func:`state_evolution_path`, through
:func:`~scalinglaws.validators.processes.fixed_point.continuation`), or at a fixed threshold
(:func:`state_evolution_at_threshold`, :math:`\lambda` then follows), which is how the tuned risk
:math:`\min_\lambda R` is found (:func:`tuned_risk`).

**Teachers.** :func:`power_law_teacher` gives :math:`\theta^*_k = k^{-\gamma}`, :math:`k = 1..d`
(unnormalised, :math:`\lVert\theta^*\rVert^2 = \sum_k k^{-2\gamma}`), as a quadrature: the first
coordinates exactly and the tail in narrow geometric bins carrying their number of coordinates as
a weight, so that sums over :math:`d = 10^6` coordinates cost a few thousand terms. The
state-evolution functions take ``(theta, weights)``; the ERM functions the dense vector
(:meth:`Teacher.dense`).

**ERM.** :func:`fista` (numpy, accelerated proximal gradient with step :math:`1/\lVert X\rVert_2^2`)
and :func:`erm_risks` (independent replicas, each with its own child stream of a
``numpy.random.SeedSequence``).

The conjecture that the state evolution predicts the ERM excess risk beyond proportional
asymptotics (up to a factor :math:`1 + o(1)`) is the paper's (arXiv:2509.24882, section
"Non-asymptotic state evolution", as quoted by a third party); this module only computes both
sides.

>>> import numpy as np
>>> teacher = power_law_teacher(gamma=1.0, d=200)
>>> se = state_evolution(teacher, n=100, lam=3.0, delta=0.1)
>>> se.converged, round(se.risk, 3)
(True, 0.167)
>>> erm = erm_risks(teacher, n=100, lam=3.0, delta=0.1, replicas=8, seed=0)
>>> bool(abs(erm.mean() / se.risk - 1) < 0.15)
True

The quadratic network (a PSD matrix with a trace penalty) has the analogous ERM
:func:`psd_erm` (proximal gradient with eigenvalue soft-thresholding, small :math:`d`).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Sequence

import numpy as np
from scipy.special import ndtr

from .fixed_point import FixedPointError, continuation, solve_fixed_point

__all__ = [
    "Teacher", "power_law_teacher", "soft_threshold_moments", "SEPoint", "state_evolution",
    "state_evolution_at_threshold", "state_evolution_path", "tuned_risk", "sample_problem",
    "fista", "fista_batched", "erm_risks", "ERMReplica", "erm_replicas", "diagonal_network_erm", "lasso_objective",
    "psd_erm", "psd_objective", "quadratic_network_erm", "quadratic_teacher",
    "sample_quadratic_problem",
]

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


@dataclasses.dataclass(frozen=True)
class Teacher:
    """A teacher vector as a quadrature: distinct values ``theta`` with multiplicities ``weights``
    (the number of coordinates each stands for); ``d = weights.sum()``."""

    theta: np.ndarray
    weights: np.ndarray
    gamma: float

    @property
    def d(self) -> int:
        return int(round(float(self.weights.sum())))

    @property
    def norm2(self) -> float:
        return float(np.sum(self.weights * self.theta ** 2))

    def dense(self) -> np.ndarray:
        """The full vector :math:`(k^{-\\gamma})_{k \\le d}` (only when every weight is 1)."""
        if not np.all(self.weights == 1.0):
            raise ValueError("dense() needs an exact teacher (exact >= d in power_law_teacher)")
        return self.theta.copy()


def power_law_teacher(gamma: float, d: int, *, exact: int = 2000,
                      ratio: float = 1.005) -> Teacher:
    """:math:`\\theta^*_k = k^{-\\gamma}`, :math:`k = 1..d`: the first ``exact`` coordinates one by
    one, the rest in geometric bins (edges a factor ``ratio`` apart), each bin represented by its
    mean index and weighted by its number of integers (relative error of a smooth sum
    :math:`O((\\mathrm{ratio} - 1)^2)`)."""
    if gamma <= 0 or d < 1:
        raise ValueError("power_law_teacher needs gamma > 0 and d >= 1")
    k0 = min(int(d), int(exact))
    ks = np.arange(1, k0 + 1, dtype=float)
    theta, weights = [ks ** -gamma], [np.ones(k0)]
    if d > k0:
        edges = [k0]
        while edges[-1] < d:
            edges.append(min(int(d), max(edges[-1] + 1, int(math.floor(edges[-1] * ratio)))))
        lo, hi = np.array(edges[:-1], dtype=float), np.array(edges[1:], dtype=float)
        count = hi - lo                       # integers lo+1 .. hi
        mean_k = (lo + 1 + hi) / 2
        theta.append(mean_k ** -gamma)
        weights.append(count)
    return Teacher(np.concatenate(theta), np.concatenate(weights), float(gamma))


def soft_threshold_moments(theta: np.ndarray, tau: float, t: float):
    """For :math:`\\hat\\theta = \\mathrm{soft}(\\theta + \\tau Z, t)`: the probability of being
    active :math:`P`, the mean squared error :math:`\\mathbb E(\\hat\\theta - \\theta)^2` and the
    mean :math:`\\mathbb E\\,|\\hat\\theta|` for :math:`\\theta \\ge 0` (arrays like ``theta``).

    Closed forms: with :math:`a = (t - \\theta)/\\tau`, :math:`b = (-t - \\theta)/\\tau`,
    :math:`P = \\bar\\Phi(a) + \\Phi(b)`, and the error is :math:`\\tau Z - t` above :math:`a`,
    :math:`\\tau Z + t` below :math:`b`, :math:`-\\theta` between.
    """
    theta = np.asarray(theta, dtype=float)
    a, b = (t - theta) / tau, (-t - theta) / tau
    Pa, Pb = ndtr(-a), ndtr(b)                      # P(Z > a), P(Z < b)
    pa, pb = np.exp(-0.5 * a * a) * _INV_SQRT_2PI, np.exp(-0.5 * b * b) * _INV_SQRT_2PI
    # E[(tau Z - t)^2; Z > a] = (tau^2 + t^2) Pa + (tau^2 a - 2 tau t) pa
    upper = (tau * tau + t * t) * Pa + (tau * tau * a - 2 * tau * t) * pa
    # E[(tau Z + t)^2; Z < b] = (tau^2 + t^2) Pb - (tau^2 b + 2 tau t) pb
    lower = (tau * tau + t * t) * Pb - (tau * tau * b + 2 * tau * t) * pb
    mse = upper + lower + theta * theta * (1.0 - Pa - Pb)
    # E|soft| = E[theta + tau Z - t; Z > a] + E[-(theta + tau Z + t); Z < b]
    mean_abs = (theta - t) * Pa + tau * pa + (-(theta + t)) * Pb + tau * pb
    return Pa + Pb, np.maximum(mse, 0.0), mean_abs


@dataclasses.dataclass(frozen=True)
class SEPoint:
    """One solution of the LASSO state evolution.

    ``risk`` is the predicted excess risk :math:`n\\tau^2 - \\Delta`; ``active`` the predicted
    number of non-zero coordinates :math:`\\sum_i P_i`; ``lam`` the penalty (given, or implied
    by the threshold).
    """

    n: float
    lam: float
    delta: float
    tau: float
    t: float
    risk: float
    active: float
    converged: bool
    iterations: int


def _sums(teacher: Teacher, tau: float, t: float):
    P, mse, _ = soft_threshold_moments(teacher.theta, tau, t)
    return float(np.dot(teacher.weights, P)), float(np.dot(teacher.weights, mse))


def _tau2_map(teacher: Teacher, n: float, t: float, delta: float):
    def update(x):
        _, s_mse = _sums(teacher, math.sqrt(math.exp(float(x[0])) / n), t)
        return np.array([math.log(delta + s_mse)])
    return update


def state_evolution_at_threshold(teacher: Teacher, n: float, t: float, delta: float, *,
                                 tau2_0: float | None = None, tol: float = 1e-12,
                                 max_iter: int = 20000) -> SEPoint:
    """The state evolution at a fixed effective threshold ``t``: :math:`\\tau^2` by the damped
    iteration, then the penalty :math:`\\lambda = t(n - \\sum_i P_i)` it corresponds to (negative
    when ``t`` is below the smallest admissible threshold, where no penalty gives it). For
    :math:`d > n` the iteration is only locally stable (far above the solution
    :math:`\\sum_i P_i > n` and it expands): start it near the solution with ``tau2_0``."""
    x0 = _start(teacher, delta, tau2_0, n)
    r = solve_fixed_point(_tau2_map(teacher, n, t, delta), x0, tol=tol, max_iter=max_iter)
    tau = math.sqrt(math.exp(float(r.x[0])) / n)
    s_p, _ = _sums(teacher, tau, t)
    return SEPoint(float(n), t * (n - s_p), delta, tau, t, n * tau * tau - delta, s_p,
                   r.converged, r.iterations)


def _threshold_for(teacher: Teacher, n: float, lam: float, tau: float) -> float:
    """The threshold t solving the calibration :math:`\\lambda = t(n - \\sum_i P_i(\\tau, t))`.

    :math:`g(t) = t(n - \\sum_i P_i)` is negative wherever :math:`\\sum_i P_i > n` and
    increasing where :math:`\\sum_i P_i < n` (:math:`P_i` decreases in :math:`t`), so
    :math:`g = \\lambda > 0` has exactly one root, bracketed by :math:`[0, t_{hi}]`."""
    from scipy.optimize import brentq

    def g(t):
        return t * (n - _sums(teacher, tau, t)[0]) - lam

    hi = float(np.max(teacher.theta)) + 10.0 * tau + 2.0 * lam / n
    while g(hi) < 0:
        hi *= 2.0
    return brentq(g, 0.0, hi, xtol=1e-300, rtol=1e-14)


def _se_map(teacher: Teacher, n: float, lam: float, delta: float):
    """The map on u = ln(n tau^2) (a log scale: relative precision at any size of the risk)."""
    def update(x):
        tau = math.sqrt(math.exp(float(x[0])) / n)
        t = _threshold_for(teacher, n, lam, tau)
        _, s_mse = _sums(teacher, tau, t)
        return np.array([math.log(delta + s_mse)])
    return update


def _start(teacher: Teacher, delta: float, tau2_0, n) -> np.ndarray:
    if tau2_0 is not None:
        return np.array([math.log(n * tau2_0)])
    return np.array([math.log(delta + teacher.norm2)])


def _point(teacher, n, lam, delta, r) -> SEPoint:
    tau = math.sqrt(math.exp(float(r.x[0])) / n)
    t = _threshold_for(teacher, n, lam, tau)
    s_p, _ = _sums(teacher, tau, t)
    return SEPoint(float(n), float(lam), delta, tau, t, n * tau * tau - delta, s_p, r.converged,
                   r.iterations)


def state_evolution(teacher: Teacher, n: float, lam: float, delta: float, *, tau2_0=None,
                    damping: float = 1.0, tol: float = 1e-12, max_iter: int = 20000) -> SEPoint:
    """Solve the LASSO state evolution at penalty ``lam`` (summed-loss convention): the damped
    iteration of the shared solver on :math:`\\tau^2`, the threshold solving the calibration
    equation at each step (``tau2_0``: a warm start).

    Raises :class:`~scalinglaws.validators.processes.fixed_point.FixedPointError` when the
    iteration does not converge.
    """
    x0 = _start(teacher, delta, tau2_0, n)
    r = solve_fixed_point(_se_map(teacher, n, lam, delta), x0, damping=damping, tol=tol,
                          max_iter=max_iter)
    return _point(teacher, n, lam, delta, r)


def state_evolution_path(teacher: Teacher, *, n, lam, delta: float, **options) -> list:
    """Solve along a path: ``n`` or ``lam`` a sequence (the other a number), each solve warm
    started from the previous solution (:func:`~.fixed_point.continuation`)."""
    ns = np.atleast_1d(np.asarray(n, dtype=float))
    lams = np.atleast_1d(np.asarray(lam, dtype=float))
    if ns.size > 1 and lams.size > 1:
        raise ValueError("state_evolution_path: vary n or lam, not both")
    m = max(ns.size, lams.size)
    ns, lams = np.broadcast_to(ns, (m,)), np.broadcast_to(lams, (m,))
    options.setdefault("tol", 1e-12)
    options.setdefault("max_iter", 20000)
    x0 = _start(teacher, delta, None, ns[0])
    results = continuation(lambda i: _se_map(teacher, ns[i], lams[i], delta), range(m), x0,
                           **options)
    return [_point(teacher, ns[i], lams[i], delta, r) for i, r in enumerate(results)]


def tuned_risk(teacher: Teacher, n: float, delta: float, *, xatol: float = 1e-5) -> SEPoint:
    """The state-evolution excess risk at the best penalty, :math:`\\min_\\lambda R` (needs
    :math:`\\Delta > 0`). Returns the optimal :class:`SEPoint`.

    For :math:`d < n` every threshold :math:`t > 0` is reached by exactly one penalty, so the
    minimum is taken over :math:`\\ln t` (bounded Brent on :math:`[0.1\\sqrt{\\Delta/n},\\
    \\max\\theta^*]`) with the cheap fixed-threshold solve. For :math:`d \\ge n` it is taken over
    :math:`\\ln\\lambda` on :math:`[0.05, 20\\sqrt{\\ln d}]\\sqrt{n\\Delta}` (the universal
    threshold :math:`\\lambda^* \\approx \\sqrt{2n\\Delta\\ln(d/k)}` lies inside), warm started.
    """
    from scipy.optimize import minimize_scalar

    if delta <= 0:
        raise ValueError("tuned_risk needs label noise delta > 0 (else the best penalty is 0)")
    cache, warm = {}, [None]
    if teacher.d < n:
        def risk(log_t):
            p = state_evolution_at_threshold(teacher, n, math.exp(log_t), delta,
                                             tau2_0=warm[0])
            warm[0] = p.tau ** 2
            cache[log_t] = p
            return p.risk

        bounds = (math.log(0.1 * math.sqrt(delta / n)), math.log(float(np.max(teacher.theta))))
    else:
        def risk(log_lam):
            p = state_evolution(teacher, n, math.exp(log_lam), delta, tau2_0=warm[0])
            warm[0] = p.tau ** 2
            cache[log_lam] = p
            return p.risk

        scale = math.sqrt(n * delta)
        bounds = (math.log(0.05 * scale),
                  math.log(20.0 * scale * math.sqrt(math.log(max(teacher.d, 3)))))
    res = minimize_scalar(risk, bounds=bounds, method="bounded", options={"xatol": xatol})
    if res.x not in cache:
        risk(res.x)
    return cache[res.x]


# ---- ERM ----------------------------------------------------------------------------------------

def sample_problem(rng: np.random.Generator, theta: np.ndarray, n: int, delta: float):
    """One data set: ``X`` (n, d) with N(0, 1) entries, ``y = X theta + sqrt(delta) xi``. The
    teacher's coordinates get random signs and a random permutation (the state evolution does
    not see either)."""
    d = theta.size
    signed = rng.permutation(theta * rng.choice((-1.0, 1.0), size=d))
    X = rng.standard_normal((int(n), d))
    y = X @ signed + math.sqrt(delta) * rng.standard_normal(int(n))
    return X, y, signed


def lasso_objective(X, y, theta, lam: float) -> float:
    """:math:`\\tfrac12\\lVert y - X\\theta\\rVert^2 + \\lambda\\lVert\\theta\\rVert_1`."""
    r = y - X @ theta
    return 0.5 * float(r @ r) + lam * float(np.abs(theta).sum())


def fista(X, y, lam: float, *, max_iter: int = 3000, tol: float = 1e-10, x0=None):
    """LASSO by FISTA (accelerated proximal gradient, step :math:`1/\\lVert X\\rVert_2^2`,
    with adaptive restart). Stops when the relative change of the iterate falls below ``tol``.
    Returns ``(theta, iterations)``."""
    L = float(np.linalg.norm(X, 2)) ** 2
    d = X.shape[1]
    theta = np.zeros(d) if x0 is None else np.array(x0, dtype=float)
    z, s = theta.copy(), 1.0
    Xty = X.T @ y
    for it in range(1, max_iter + 1):
        grad = X.T @ (X @ z) - Xty
        u = z - grad / L
        new = np.sign(u) * np.maximum(np.abs(u) - lam / L, 0.0)
        s_new = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * s * s))
        step = new - theta
        if float(step @ (new - z)) > 0:       # gradient restart (O'Donoghue-Candes)
            s_new, z = 1.0, new.copy()
        else:
            z = new + ((s - 1.0) / s_new) * step
        change = float(np.sqrt(step @ step)) / max(1e-300, float(np.sqrt(new @ new)))
        theta, s = new, s_new
        if change < tol:
            return theta, it
    return theta, max_iter


@dataclasses.dataclass(frozen=True)
class ERMReplica:
    """One ERM replica: excess risk, number of non-zero coordinates, sorted :math:`|\\hat\\theta|`."""

    risk: float
    active: int
    sorted_abs: np.ndarray
    iterations: int


def fista_batched(X, y, lam: float, *, max_iter: int = 5000, tol: float = 1e-9):
    """FISTA for a batch of independent LASSO problems in lockstep: ``X`` (R, n, d), ``y``
    (R, n). Works on the Gram matrices when n > d. Each replica stops (is frozen) once its
    relative change falls below ``tol``. Returns ``(theta (R, d), iterations (R,))``."""
    R, n, d = X.shape
    gram = n > d
    if gram:
        G = np.einsum("rni,rnj->rij", X, X)
        b = np.einsum("rni,rn->ri", X, y)
        Lip = np.linalg.eigvalsh(G)[:, -1]
    else:
        Lip = np.linalg.svd(X, compute_uv=False)[:, 0] ** 2
        b = np.einsum("rni,rn->ri", X, y)
    Lip = Lip[:, None]
    theta = np.zeros((R, d))
    z, s = theta.copy(), np.ones((R, 1))
    active = np.ones(R, dtype=bool)
    iters = np.full(R, max_iter)
    for it in range(1, max_iter + 1):
        if gram:
            grad = np.einsum("rij,rj->ri", G, z) - b
        else:
            grad = np.einsum("rni,rn->ri", X, np.einsum("rni,ri->rn", X, z)) - b
        u = z - grad / Lip
        new = np.sign(u) * np.maximum(np.abs(u) - lam / Lip, 0.0)
        s_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * s * s))
        step = new - theta
        restart = np.einsum("ri,ri->r", step, new - z) > 0
        s_new[restart] = 1.0
        z_new = new + ((s - 1.0) / s_new) * step
        z_new[restart] = new[restart]
        change = np.linalg.norm(step, axis=1) / np.maximum(np.linalg.norm(new, axis=1), 1e-300)
        done = active & (change < tol)
        iters[done] = it
        keep = active & ~done
        theta[active] = new[active]
        z[keep], s[keep] = z_new[keep], s_new[keep]
        active = keep
        if not active.any():
            break
    return theta, iters


def erm_replicas(teacher: Teacher, n: int, lam: float, delta: float, *, replicas: int,
                 seed: int = 0, max_iter: int = 5000, tol: float = 1e-9) -> list:
    """Independent LASSO ERM replicas, replica ``r`` drawn from child ``r`` of
    ``numpy.random.SeedSequence(seed)`` (same seed, same numbers), solved in lockstep by
    :func:`fista_batched`."""
    theta = teacher.dense()
    data = [sample_problem(np.random.default_rng(c), theta, n, delta)
            for c in np.random.SeedSequence(seed).spawn(int(replicas))]
    X = np.stack([p[0] for p in data])
    y = np.stack([p[1] for p in data])
    est, iters = fista_batched(X, y, lam, max_iter=max_iter, tol=tol)
    out = []
    for r, (_, _, signed) in enumerate(data):
        err = est[r] - signed
        out.append(ERMReplica(float(err @ err), int(np.count_nonzero(est[r])),
                              np.sort(np.abs(est[r]))[::-1], int(iters[r])))
    return out


def erm_risks(teacher: Teacher, n: int, lam: float, delta: float, *, replicas: int,
              seed: int = 0, **options) -> np.ndarray:
    """Excess risks :math:`\\lVert\\hat\\theta - \\theta^*\\rVert^2` of :func:`erm_replicas`."""
    return np.array([r.risk for r in erm_replicas(teacher, n, lam, delta, replicas=replicas,
                                                  seed=seed, **options)])


def diagonal_network_erm(X, y, lam: float, *, rng: np.random.Generator, gtol: float = 1e-10,
                         ftol: float = 1e-14, init_scale: float = 0.5, max_iter: int = 5000):
    """Train the diagonal network :math:`f(x) = \\sum_i a_i w_i x_i` on
    :math:`\\tfrac12\\sum_\\mu (y_\\mu - f(x_\\mu))^2 + \\tfrac\\lambda2(\\lVert a\\rVert^2 +
    \\lVert w\\rVert^2)` by L-BFGS from a random initialisation (scale ``init_scale``), stopping on
    ``gtol`` or on a relative decrease of the objective below ``ftol``. Returns
    ``(a, w, objective)``."""
    from scipy.optimize import minimize

    d = X.shape[1]

    def fun(p):
        a, w = p[:d], p[d:]
        r = X @ (a * w) - y
        g = X.T @ r
        f = 0.5 * float(r @ r) + 0.5 * lam * float(a @ a + w @ w)
        return f, np.concatenate([g * w + lam * a, g * a + lam * w])

    p0 = init_scale * rng.standard_normal(2 * d)
    res = minimize(fun, p0, jac=True, method="L-BFGS-B",
                   options={"gtol": gtol, "ftol": ftol, "maxiter": max_iter, "maxcor": 30})
    return res.x[:d], res.x[d:], float(res.fun)


# ---- quadratic network: PSD program with a trace (nuclear-norm) penalty --------------------------

def quadratic_teacher(gamma: float, d: int, rng: np.random.Generator) -> np.ndarray:
    """:math:`S^* = O\\,\\mathrm{diag}(s)\\,O^\\top`, :math:`O` Haar, :math:`s_k \\propto k^{-\\gamma}`
    with :math:`\\sum_k s_k^2 = d` (the convention of the same group's follow-up code)."""
    s = np.arange(1, d + 1, dtype=float) ** -gamma
    s *= math.sqrt(d / float(s @ s))
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    q *= np.sign(np.diag(r))
    return (q * s) @ q.T


def sample_quadratic_problem(rng: np.random.Generator, S_star: np.ndarray, n: int, delta: float):
    """``X`` (n, d) standard normal and :math:`y = (x^\\top S^* x - \\mathrm{tr}\\,S^*)/\\sqrt d +
    \\sqrt\\Delta\\,\\xi`."""
    d = S_star.shape[0]
    X = rng.standard_normal((int(n), d))
    y = (np.einsum("ni,ij,nj->n", X, S_star, X) - np.trace(S_star)) / math.sqrt(d)
    return X, y + math.sqrt(delta) * rng.standard_normal(int(n))


def psd_erm(X, y, lam: float, *, max_iter: int = 2000, tol: float = 1e-9):
    """ERM of the quadratic network as a convex PSD program:
    :math:`\\min_{S \\succeq 0} d^{-2}\\sum_\\mu(\\hat y_\\mu - y_\\mu)^2 + \\lambda\\,\\mathrm{tr}S/d`,
    :math:`\\hat y = (x^\\top S x - \\mathrm{tr}S)/\\sqrt d`, by accelerated proximal gradient whose
    proximal step soft-thresholds the eigenvalues and projects on the PSD cone. Returns
    ``(S, eigenvalues, iterations)``."""
    n, d = X.shape
    sd = math.sqrt(d)
    # features phi_mu = (x x^T - I)/sqrt(d); Lipschitz constant of the loss by power iteration
    def A(S):
        return (((X @ S) * X).sum(axis=1) - np.trace(S)) / sd

    def At(r):
        return ((X.T * r) @ X - r.sum() * np.eye(d)) / sd

    rng = np.random.default_rng(0)
    V = rng.standard_normal((d, d))
    V = (V + V.T) / 2
    for _ in range(30):
        V = At(A(V))
        V /= np.linalg.norm(V)
    L = 2.0 / d ** 2 * float(np.linalg.norm(At(A(V)))) * 1.05
    S = np.zeros((d, d))
    Z, s = S.copy(), 1.0
    for it in range(1, max_iter + 1):
        grad = (2.0 / d ** 2) * At(A(Z) - y)
        U = Z - grad / L
        ev, vec = np.linalg.eigh((U + U.T) / 2)
        ev = np.maximum(ev - lam / (d * L), 0.0)
        new = (vec * ev) @ vec.T
        s_new = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * s * s))
        step = new - S
        Z = new + ((s - 1.0) / s_new) * step
        change = float(np.linalg.norm(step)) / max(1e-300, float(np.linalg.norm(new)))
        S, s = new, s_new
        if change < tol:
            break
    return S, np.sort(np.linalg.eigvalsh(S))[::-1], it


def psd_objective(X, y, S, lam: float) -> float:
    """:math:`d^{-2}\\sum_\\mu(\\hat y_\\mu - y_\\mu)^2 + \\lambda\\,\\mathrm{tr}S/d` with
    :math:`\\hat y = (x^\\top S x - \\mathrm{tr}S)/\\sqrt d`."""
    d = X.shape[1]
    pred = (np.einsum("ni,ij,nj->n", X, S, X) - np.trace(S)) / math.sqrt(d)
    r = pred - y
    return float(r @ r) / d ** 2 + lam * float(np.trace(S)) / d


def quadratic_network_erm(X, y, lam: float, *, width: int, rng: np.random.Generator,
                          gtol: float = 1e-10, ftol: float = 1e-14, max_iter: int = 5000):
    """Train the quadratic network :math:`\\hat y = d^{-1/2}\\sum_{j \\le m}((w_j\\cdot x)^2 -
    \\lVert w_j\\rVert^2)` (second layer fixed to 1) with weight decay
    :math:`\\lambda\\lVert B\\rVert_F^2/d` on :math:`B = (w_1..w_m)` by L-BFGS from
    :math:`N(0, 1/d)` entries. Its objective is :func:`psd_objective` at :math:`S = BB^\\top`
    (:math:`\\lVert B\\rVert_F^2 = \\mathrm{tr}S`). Stops on ``gtol`` or on a relative decrease
    of the objective below ``ftol`` (at a rank-deficient optimum the factorisation has flat
    directions and the gradient decays slowly). Returns ``(B, objective)``."""
    from scipy.optimize import minimize

    n, d = X.shape
    sd = math.sqrt(d)

    def fun(p):
        B = p.reshape(d, width)
        XB = X @ B
        pred = ((XB ** 2).sum(1) - (B ** 2).sum()) / sd
        r = pred - y
        f = float(r @ r) / d ** 2 + lam * float((B ** 2).sum()) / d
        # d f / d B = (2/d^2) sum_mu r_mu (2 x x^T B - 2 B)/sqrt(d) + 2 lam B / d
        g = (4.0 / (d ** 2 * sd)) * (X.T @ (r[:, None] * XB) - r.sum() * B) + 2 * lam * B / d
        return f, g.ravel()

    p0 = rng.standard_normal(d * width) / sd
    res = minimize(fun, p0, jac=True, method="L-BFGS-B",
                   options={"gtol": gtol, "ftol": ftol, "maxiter": max_iter, "maxcor": 30})
    return res.x.reshape(d, width), float(res.fun)
