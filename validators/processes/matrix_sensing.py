r"""Nuclear-norm (trace-penalised PSD) matrix sensing: the quadratic network's state evolution.

Model (the normalisation of the same group's follow-up code, ``SPOC-group/WidthQuadraticNetworks``,
as transcribed in our research digest). Inputs :math:`x_\mu \sim N(0, I_d)`, teacher
:math:`S^* = O\,\mathrm{diag}(s)\,O^\top` with :math:`s_k \propto k^{-\gamma}`,
:math:`\sum_k s_k^2 = d` (so :math:`Q_0 = \lVert S^*\rVert_F^2/d = 1`), labels
:math:`y_\mu = (x_\mu^\top S^* x_\mu - \mathrm{tr}\,S^*)/\sqrt d + \sqrt\Delta\,\xi_\mu`. The
quadratic network :math:`\hat y = d^{-1/2}\sum_j((w_j\cdot x)^2 - \lVert w_j\rVert^2)` trained with
weight decay on its first layer is the convex program

.. math::

    \min_{S \succeq 0}\; d^{-2}\sum_\mu (\hat y_\mu - y_\mu)^2 + \lambda\,\mathrm{tr}\,S/d ,

(:func:`scalinglaws.validators.processes.lasso.psd_erm` solves it; :func:`erm_replicas` runs
independent replicas of it). The excess test risk is :math:`2\lVert\hat S - S^*\rVert_F^2/d`
(:math:`\mathrm{Var}(x^\top A x) = 2\lVert A\rVert_F^2`).

**State evolution** (transcribed from the follow-up's ``state_evolution_deterministic`` notebook
via our digest; finite-:math:`d`, deterministic teacher). Sample ratio :math:`\alpha = n/d^2`;
order parameters :math:`q = \lVert\hat S\rVert_F^2/d`, :math:`m = \langle S^*, \hat S\rangle/d` and
the divergence :math:`\sigma`;

.. math::

    \hat q = \frac{2\alpha (Q_0 - 2m + q + \Delta/2)}{(\sigma + 1/4)^2}, \qquad
    \hat m = \frac{2\alpha}{\sigma + 1/4},

the denoiser soft-thresholds the spectrum of :math:`M = \sqrt{\hat q}\,Z + \hat m S^* - 2\lambda I
= O\,\mathrm{diag}(\nu)O^\top` (:math:`Z` a GOE matrix with off-diagonal variance :math:`1/d`):
:math:`\hat S = O\,\mathrm{diag}(f)O^\top`, :math:`f_i = \max(\nu_i, 0)/\hat m`, and

.. math::

    q = \lVert\hat S\rVert_F^2/d,\quad m = \langle S^*, \hat S\rangle/d,\quad
    \sigma = d^{-2}\Big[\tfrac{2}{\hat m}\#\{\nu_i > 0\} + \sum_{i\ne j}
    \frac{f_i - f_j}{\nu_i - \nu_j}\Big],

averaged over a few GOE draws that stay **fixed** during the iteration (``draws`` of them, from
``seed``: the state evolution at finite :math:`d` is then a deterministic function of the seed).
The teacher is taken diagonal (the GOE is rotation invariant). The equations are solved with
the shared damped iteration :func:`~scalinglaws.validators.processes.fixed_point.solve_fixed_point`
(:func:`state_evolution`), with warm starts along a path (:func:`state_evolution_path`). The
output carries the predicted excess risk :math:`2(Q_0 + q - 2m)`, the predicted learned rank
:math:`\#\{f_i > 0\}` and the predicted trained spectrum (the sorted :math:`f`, averaged over the
draws).

The paper (arXiv:2509.24882) conjectures, per a third-party quote, that such a state evolution
predicts the ERM risk beyond proportional asymptotics; that the transcription matches ERM was
checked in our digest at :math:`d = 20..30` (within 5--7 %).

>>> teacher = power_law_spectrum(gamma=1.0, d=20)
>>> se = state_evolution(teacher, n=400, lam=0.05, delta=0.1, draws=4, seed=0)
>>> se.converged, 0.03 < se.mse < 0.07, 15 <= se.rank <= 20
(True, True, True)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from .blas_threads import single_blas_thread
from .fixed_point import FixedPointError, solve_fixed_point

__all__ = [
    "ERMReplica", "SEPoint", "erm_replicas", "goe_draws", "power_law_spectrum",
    "psd_projection_divergence",
    "state_evolution", "state_evolution_path", "tuned_risk", "tuned_risk_grid",
]


def power_law_spectrum(gamma: float, d: int) -> np.ndarray:
    """Teacher eigenvalues :math:`s_k \\propto k^{-\\gamma}`, :math:`k = 1..d`, normalised to
    :math:`\\sum_k s_k^2 = d` (decreasing)."""
    s = np.arange(1, int(d) + 1, dtype=float) ** -float(gamma)
    return s * math.sqrt(d / float(s @ s))


def goe_draws(d: int, draws: int, seed: int) -> np.ndarray:
    """``draws`` GOE matrices :math:`Z = (G + G^\\top)/\\sqrt{2d}` (off-diagonal variance
    :math:`1/d`, spectrum on :math:`[-2, 2]`), shape ``(draws, d, d)``, one
    ``SeedSequence`` child per draw."""
    children = np.random.SeedSequence(int(seed)).spawn(int(draws))
    out = np.empty((int(draws), int(d), int(d)))
    for a, child in enumerate(children):
        G = np.random.default_rng(child).standard_normal((d, d))
        out[a] = (G + G.T) / math.sqrt(2.0 * d)
    return out


def psd_projection_divergence(d: int, draws: int, seed: int) -> np.ndarray:
    r"""Divergence of the projection onto the PSD cone at ``draws`` GOE matrices
    (:func:`goe_draws`), one value per draw: :math:`\#\{\nu_i > 0\} + \tfrac12\sum_{i \ne j}
    (\nu_i^+ - \nu_j^+)/(\nu_i - \nu_j)`, the state evolution's :math:`\sigma\hat m d^2/2`
    in the noise-dominated limit (teacher and penalty negligible next to the noise). Its mean
    is the statistical dimension of the PSD cone, :math:`d(d+1)/4` (the identity map gives
    :math:`d(d+1)/2`), and the state evolution's fixed point
    :math:`\sigma = \mathrm{div}\,(\sigma + 1/4)/(n)` diverges at :math:`n = \mathrm{div}`:
    the noise-dominated pole of the PSD program's risk.

    >>> g = psd_projection_divergence(10, 400, 0)
    >>> bool(abs(g.mean() / (10 * 11 / 4) - 1) < 0.02)
    True
    """
    Z = goe_draws(int(d), int(draws), int(seed))
    with single_blas_thread():
        nu = np.linalg.eigvalsh(Z)                                    # (draws, d)
    f = np.maximum(nu, 0.0)
    dn = nu[:, :, None] - nu[:, None, :]
    df = f[:, :, None] - f[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(dn != 0, df / np.where(dn == 0, 1.0, dn), 0.0)
    idx = np.arange(int(d))
    ratio[:, idx, idx] = 0.0
    return np.count_nonzero(nu > 0, axis=1) + 0.5 * ratio.sum(axis=(1, 2))


@dataclasses.dataclass(frozen=True)
class SEPoint:
    """One solution of the quadratic state evolution.

    ``mse`` = :math:`\\lVert\\hat S - S^*\\rVert_F^2/d`; ``risk`` = 2 ``mse`` (excess test risk);
    ``rank`` = mean number of non-zero eigenvalues of :math:`\\hat S` over the draws;
    ``spectrum`` = sorted eigenvalues of :math:`\\hat S` (decreasing), averaged over the draws.
    """

    n: float
    lam: float
    delta: float
    q: float
    m: float
    sigma: float
    mse: float
    risk: float
    rank: float
    spectrum: np.ndarray = dataclasses.field(repr=False)
    converged: bool = True
    iterations: int = 0


def _denoise(s, Z, qh, mh, lam):
    """Average over draws of (q, m, sigma, rank, sorted spectrum) for the given hats (all draws
    diagonalised as one stack, on one BLAS thread)."""
    d = s.size
    M = math.sqrt(max(qh, 0.0)) * Z
    idx = np.arange(d)
    M[:, idx, idx] += mh * s - 2.0 * lam
    with single_blas_thread():  # d x d eighs: OpenBLAS's threads only wait on each other
        nu, O = np.linalg.eigh(M)                                  # (D, d), (D, d, d)
    f = np.maximum(nu, 0.0) / mh
    # q = ||S||_F^2/d, m = <S*, S>/d with S* diagonal
    q = np.einsum("ai,ai->a", f, f) / d
    m = np.einsum("aki,ai,k->a", O * O, f, s) / d
    dn = nu[:, :, None] - nu[:, None, :]
    df = f[:, :, None] - f[:, None, :]
    pos = nu > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(np.abs(dn) > 1e-14, df / np.where(dn == 0, 1.0, dn),
                         np.where(pos[:, :, None] & pos[:, None, :], 1.0 / mh, 0.0))
    ratio[:, idx, idx] = 0.0
    active = np.count_nonzero(pos, axis=1)
    sig = ((2.0 / mh) * active + ratio.sum(axis=(1, 2))) / d ** 2
    spec = -np.sort(-f, axis=1)
    return (float(q.mean()), float(m.mean()), float(sig.mean()), float(active.mean()),
            spec.mean(axis=0))


def _hats(x, alpha, delta, Q0):
    q, m, sig = x
    sig = max(sig, 0.0)
    qh = 2 * alpha * max(Q0 - 2 * m + q + delta / 2, 0.0) / (sig + 0.25) ** 2
    mh = 2 * alpha / (sig + 0.25)
    return qh, mh


def state_evolution(s: np.ndarray, n: float, lam: float, delta: float, *, draws: int = 4,
                    seed: int = 0, Z: np.ndarray | None = None, x0=None, damping: float = 1.0,
                    tol: float = 1e-10, max_iter: int = 3000) -> SEPoint:
    """Solve the quadratic state evolution at sample size ``n`` (:math:`\\alpha = n/d^2`),
    penalty ``lam`` (:math:`\\lambda\\,\\mathrm{tr}S/d` convention) and noise ``delta`` for the
    teacher spectrum ``s`` (:func:`power_law_spectrum`). ``Z`` (from :func:`goe_draws`) overrides
    ``draws``/``seed``; ``x0`` = ``(q, m, sigma)`` warm start. Raises
    :class:`~scalinglaws.validators.processes.fixed_point.FixedPointError` when the iteration
    does not converge."""
    s = np.asarray(s, dtype=float)
    d = s.size
    if Z is None:
        Z = goe_draws(d, draws, seed)
    Q0 = float(s @ s) / d
    alpha = float(n) / d ** 2

    def update(x):
        qh, mh = _hats(x, alpha, delta, Q0)
        q, m, sig, _, _ = _denoise(s, Z, qh, mh, lam)
        return np.array([q, m, sig])

    start = np.array([0.5 * Q0, 0.5 * Q0, 0.1]) if x0 is None else np.asarray(x0, float)
    r = solve_fixed_point(update, start, damping=damping, tol=tol, max_iter=max_iter)
    qh, mh = _hats(r.x, alpha, delta, Q0)
    q, m, sig, rank, spec = _denoise(s, Z, qh, mh, lam)
    mse = Q0 + q - 2 * m
    return SEPoint(float(n), float(lam), float(delta), q, m, sig, mse, 2 * mse, rank, spec,
                   bool(r.converged), int(r.iterations))


def state_evolution_path(s: np.ndarray, *, n, lam, delta: float, draws: int = 4, seed: int = 0,
                         **options) -> list:
    """:func:`state_evolution` along a path of ``n`` or ``lam`` (the other a scalar), each solve
    warm started from the previous one, with the same GOE draws throughout."""
    ns = np.atleast_1d(np.asarray(n, dtype=float))
    lams = np.atleast_1d(np.asarray(lam, dtype=float))
    size = max(ns.size, lams.size)
    ns = np.broadcast_to(ns, (size,))
    lams = np.broadcast_to(lams, (size,))
    Z = goe_draws(np.asarray(s).size, draws, seed)
    out, x0 = [], None
    for nn, ll in zip(ns, lams):
        p = state_evolution(s, nn, ll, delta, Z=Z, x0=x0, **options)
        out.append(p)
        x0 = (p.q, p.m, p.sigma)
    return out


def tuned_risk(s: np.ndarray, n: float, delta: float, *, lam_range: Sequence[float],
               draws: int = 4, seed: int = 0, xatol: float = 0.01, **options) -> SEPoint:
    """Minimum over the penalty of the state-evolution risk at fixed ``n``: golden-section
    search on :math:`\\log\\lambda` inside ``lam_range`` (each solve warm started from the
    previous one; ``x0`` starts the first) (tolerance ``xatol`` in
    :math:`\\ln\\lambda`), same GOE draws for every penalty. A penalty whose state evolution
    does not converge counts as excluded (risk :math:`+\\infty`). Raises ``ValueError`` when the
    minimum sits on the edge of the range or was not reached by a converged solve."""
    from scipy.optimize import minimize_scalar

    Z = goe_draws(np.asarray(s).size, draws, seed)
    cache = {}

    last = [options.pop("x0", None)]

    def risk(loglam):
        try:
            p = state_evolution(s, n, math.exp(loglam), delta, Z=Z, x0=last[0], **options)
        except FixedPointError:
            return math.inf
        cache[loglam] = p
        last[0] = (p.q, p.m, p.sigma)
        return p.risk

    lo, hi = (math.log(v) for v in lam_range)
    res = minimize_scalar(risk, bounds=(lo, hi), method="bounded",
                          options={"xatol": xatol})
    if res.x not in cache:
        raise ValueError("no converged state evolution at the minimiser lam = "
                         f"{math.exp(res.x):.3g}")
    if min(res.x - lo, hi - res.x) < 2 * xatol:
        raise ValueError(f"the tuned penalty {math.exp(res.x):.3g} sits on the edge of "
                         f"lam_range {tuple(lam_range)}")
    return cache[res.x]


def tuned_risk_grid(s: np.ndarray, n: float, delta: float, lams: Sequence[float], *,
                    draws: int = 4, seed: int = 0, **options) -> tuple:
    """Cheaper tuned risk: the state-evolution risk on a log-spaced grid of penalties ``lams``
    (one warm-started path, same GOE draws), minimised by the parabola in :math:`\\ln\\lambda`
    through the grid minimum and its two neighbours (exact at the vertex for a risk quadratic
    in :math:`\\ln\\lambda` near its minimum). A penalty whose state evolution does not
    converge is excluded (risk :math:`+\\infty`, point ``None``). Returns
    ``(lam_star, risk_star, points)``; raises ``ValueError`` when the grid minimum sits on the
    edge of the grid or next to an excluded penalty."""
    lams = np.sort(np.asarray(lams, dtype=float))
    Z = goe_draws(np.asarray(s).size, draws, seed)
    pts, R, x0 = [], [], None
    for lam in lams[::-1]:                       # from the large, easy penalties downwards
        try:
            p = state_evolution(s, n, lam, delta, Z=Z, x0=x0, **options)
        except FixedPointError:
            pts.append(None)
            R.append(math.inf)
            continue
        pts.append(p)
        R.append(p.risk)
        x0 = (p.q, p.m, p.sigma)
    pts, R = pts[::-1], np.array(R[::-1])
    i = int(np.argmin(R))
    if i == 0 or i == R.size - 1 or not np.all(np.isfinite(R[i - 1:i + 2])):
        raise ValueError(f"the grid minimum sits on the edge of the penalty grid (lam = "
                         f"{lams[i]:.3g})")
    u = np.log(lams[i - 1:i + 2])
    a, b, c = np.polyfit(u, R[i - 1:i + 2], 2)
    u_star = -b / (2 * a)
    return float(np.exp(u_star)), float(c - b * b / (4 * a)), pts


@dataclasses.dataclass(frozen=True)
class ERMReplica:
    """One replica of the PSD ERM: excess risk :math:`2\\lVert\\hat S - S^*\\rVert_F^2/d`,
    rank (eigenvalues above ``1e-8`` of the largest), sorted eigenvalues, iterations."""

    risk: float
    rank: int
    spectrum: np.ndarray = dataclasses.field(repr=False)
    iterations: int = 0


def erm_replicas(s: np.ndarray, n: int, lam: float, delta: float, *, replicas: int, seed: int,
                 max_iter: int = 3000, tol: float = 1e-9) -> list:
    """Independent replicas of the PSD ERM
    (:func:`~scalinglaws.validators.processes.lasso.psd_erm`): each draws a Haar rotation of
    the teacher ``diag(s)``, the data and the noise from its own ``SeedSequence`` child of
    ``seed``."""
    s = np.asarray(s, dtype=float)
    out = []
    with single_blas_thread():  # small products and eighs: OpenBLAS's threads only stall
        for child in np.random.SeedSequence(int(seed)).spawn(int(replicas)):
            out.append(_erm_one(s, int(n), lam, delta, child, max_iter, tol))
    return out


def _erm_one(s, n, lam, delta, child, max_iter, tol):
    """One PSD-ERM replica from its own ``SeedSequence`` child."""
    from .lasso import psd_erm

    d = s.size
    rng = np.random.default_rng(child)
    Qm, Rm = np.linalg.qr(rng.standard_normal((d, d)))
    Qm *= np.sign(np.diag(Rm))
    S_star = (Qm * s) @ Qm.T
    X = rng.standard_normal((int(n), d))
    y = (np.einsum("ni,ij,nj->n", X, S_star, X) - float(s.sum())) / math.sqrt(d)
    y = y + math.sqrt(delta) * rng.standard_normal(int(n))
    S, ev, it = psd_erm(X, y, lam, max_iter=max_iter, tol=tol)
    diff = S - S_star
    rank = int(np.count_nonzero(ev > 1e-8 * max(ev[0], 1e-300)))
    return ERMReplica(2 * float(np.sum(diff * diff)) / d, rank, ev, int(it))
