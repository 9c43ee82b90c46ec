r"""Deterministic equivalent of one-pass SGD and generalized-momentum SGD on power-law random features.

The model (Paquette, Paquette, Xiao, Pennington, arXiv 2405.15074; the DANA paper, arXiv 2505.16098,
restates it): hidden data :math:`x_j = j^{-\alpha} z_j`, :math:`z \sim N(0, I_v)`, target
:math:`\langle x, b\rangle` with :math:`b_j = j^{-\beta}`, random features :math:`W \in \mathbb R^{v\times d}`
with entries :math:`N(0, 1/d)`, and the risk

.. math:: P(\theta) = \tfrac12\,\mathbb E\,(\langle W^\top x, \theta\rangle - \langle x, b\rangle)^2 .

For Gaussian data the misspecification acts as independent label noise of variance :math:`2P_\infty`,
so in the eigenbasis of :math:`K = D^{1/2}WW^\top D^{1/2}` (eigenvalues :math:`\lambda_j`) the
expected squared errors evolve in closed form. For the generalized-momentum family (batch :math:`B`,
fresh samples)

.. math::
   y_{t+1} = (1-\Delta(t))\,y_t + \gamma_1\,\hat g_t, \qquad
   \theta_{t+1} = \theta_t - \gamma_2(t)\,\hat g_t - \gamma_3(t)\,y_{t+1},

(SGD: :math:`\gamma_1=\gamma_3=0`; SGD-M: constants; DANA: :math:`\Delta = \delta/(1+t)`,
:math:`\gamma_3 \propto 1/d` (DANA-constant) or :math:`\propto (1+t)^{-1/(2\alpha)}` (DANA-decaying)),
each direction :math:`j` carries :math:`v_j = (\rho_j, \sigma_j, \chi_j) = (\mathbb E e_j^2,
\mathbb E y_j^2, \mathbb E e_j y_j)` and, continuized in the iteration count :math:`s`,

.. math:: \frac{dv_j}{ds} = \Omega_j(s)\,v_j + \Gamma(s)\,\lambda_j\,2P(s), \qquad
          P(s) = P_\infty + \tfrac12 \sum_j \lambda_j \rho_j(s),

with the :math:`3\times3` matrix :math:`\Omega_j` and vector :math:`\Gamma` obtained from one step
of the update by taking expectations (Gaussian fourth moments give
:math:`\mathbb E \hat g_j^2 = \tfrac{B+1}{B}\lambda_j^2\rho_j + \lambda_j\,2P/B`); see
:func:`_coefficients`. This is the structure of the authors' ODE (their released code integrates
the same system); the module is our own implementation. It is integrated in log time
:math:`\tau = \log(1+s)` by second-order backward differentiation (BDF2, see :func:`solve`),
the rank-one coupling through :math:`P` solved exactly (Sherman–Morrison), so one step costs
:math:`O(d)` and a curve to :math:`10^{11}` iterations costs about 1300 steps. Sums are numpy
reductions, not BLAS dot products, so the
numbers do not depend on the BLAS thread count.

Inputs follow the authors' "theory" choices: :math:`\lambda_j = j^{-2\alpha}` for :math:`j \le d`,
:math:`\rho_j(0) = j^{-2\beta}` (plus :math:`d^{-1}\sum_{k\le d} k^{-2\beta}` when :math:`2\beta>1`
and :math:`2\alpha>1`, the absolutely-continuous part's weight), :math:`\sigma=\chi=0`. The floor
:math:`P_\infty` is the deterministic equivalent of the best :math:`d`-feature risk,
:math:`P_\infty = \tfrac12 \sum_{j\le v} j^{-2\alpha-2\beta}\,\kappa/(j^{-2\alpha}+\kappa)` with
:math:`d = \sum_{j\le v} j^{-2\alpha}/(j^{-2\alpha}+\kappa)` (our discrete-sum form of the
authors' integral fixed point; it sits below the level finite-time runs reach).

Risk convention: :math:`P = \tfrac12\,\mathbb E(\cdot)^2` (the authors' ODE code returns twice it).
A step uses ``batch`` samples; compute is :math:`f = d \cdot B \cdot t` (flops per sample
:math:`\propto d`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import Callable

import numpy as np

from scalinglaws.errors import DomainError, ParameterError

from .backend import get_backend
from .linreg.problem import _int, _real

__all__ = [
    "PLRFProblem",
    "GenMom",
    "ODECurve",
    "Frontier",
    "sgd",
    "sgd_momentum",
    "dana_constant",
    "dana_decaying",
    "solve",
    "isoflop_frontier", "interior_frontier",
    "VolterraTerms", "volterra_terms",
]


def _theory_inputs(alpha: float, beta: float, d: int):
    r"""The authors' theory inputs at ``d``: the spectrum :math:`\lambda_j = j^{-2\alpha}`, the
    pure-point initial weights :math:`j^{-2\beta}` and the absolutely-continuous weight
    :math:`d^{-1}\sum_{k\le d} k^{-2\beta}` added to every direction (0 unless
    :math:`2\beta > 1` and :math:`2\alpha > 1`)."""
    j = np.arange(1, d + 1, dtype=float)
    rho_pp = j ** (-2 * beta)
    weight = float(rho_pp.sum()) / d if (2 * beta > 1 and 2 * alpha > 1) else 0.0
    return j ** (-2 * alpha), rho_pp, weight


class PLRFProblem:
    r"""The power-law random-features problem with the authors' theory spectrum.

    Parameters
    ----------
    alpha : float
        Data exponent, :math:`\mathbb E x_j^2 = j^{-2\alpha}`; the floor formula needs
        :math:`2\alpha > 1` unless ``v_ratio`` keeps the sum finite (it always does: :math:`v` is finite).
    beta : float
        Target exponent, :math:`b_j = j^{-\beta}`; needs :math:`2(\alpha+\beta) > 1`.
    d : int
        Number of random features (parameters).
    v_ratio : float
        Hidden dimension :math:`v = \lceil v_\text{ratio}\, d\rceil`, ``v_ratio > 1``.

    >>> p = PLRFProblem(1.0, 0.4, 100)
    >>> p.lam.shape, bool(p.p_inf > 0), bool(p.initial_risk() > p.p_inf)
    ((100,), True, True)
    """

    def __init__(self, alpha, beta, d, v_ratio=4.0):
        self.alpha = _real("alpha", alpha, gt=0)
        self.beta = _real("beta", beta)
        if not 2 * (self.alpha + self.beta) > 1:
            raise DomainError(
                f"2*(alpha+beta) > 1 is required (no power law otherwise), got alpha={alpha}, beta={beta}"
            )
        self.d = _int("d", d, ge=1)
        self.v_ratio = _real("v_ratio", v_ratio, gt=0)
        if self.v_ratio <= 1:
            raise DomainError(f"v_ratio must be > 1 (more hidden directions than features), got {v_ratio}")
        self.v = int(math.ceil(self.v_ratio * self.d))
        self.lam, rho_pp, ac_weight = _theory_inputs(self.alpha, self.beta, self.d)
        self.rho0 = rho_pp + ac_weight
        jv = np.arange(1, self.v + 1, dtype=float)
        self.trace_K = float(np.sum(jv ** (-2 * self.alpha)))
        self.p_inf = self._floor(jv)

    def _floor(self, jv) -> float:
        lam_v = jv ** (-2 * self.alpha)
        target = jv ** (-2 * self.alpha - 2 * self.beta)

        def dof(log_k):
            k = math.exp(log_k)
            return float(np.sum(lam_v / (lam_v + k))) - self.d

        lo, hi = math.log(lam_v[-1]) - 60.0, math.log(lam_v[0]) + 60.0
        for _ in range(200):  # bisection in log kappa: dof is decreasing in kappa
            mid = 0.5 * (lo + hi)
            if not lo < mid < hi:  # adjacent floats: further halvings change nothing
                break
            if dof(mid) > 0:
                lo = mid
            else:
                hi = mid
        k = math.exp(0.5 * (lo + hi))
        return 0.5 * float(np.sum(target * k / (lam_v + k)))

    def initial_risk(self) -> float:
        """:math:`P(0) = P_\\infty + \\tfrac12\\sum_j \\lambda_j \\rho_j(0)`."""
        return self.p_inf + 0.5 * float((self.lam * self.rho0).sum())

    def __repr__(self) -> str:
        return f"PLRFProblem(alpha={self.alpha}, beta={self.beta}, d={self.d}, v_ratio={self.v_ratio})"


def _const(value: float) -> Callable:
    return lambda s: np.full_like(np.asarray(s, dtype=float), value, dtype=float)


@dataclasses.dataclass(frozen=True)
class GenMom:
    r"""Generalized-momentum hyperparameters, each a callable of the iteration count :math:`s`.

    ``gamma1``, ``gamma2``, ``gamma3``, ``delta`` map an array of iteration counts to an array of
    values; ``params`` records how they were chosen (for reports). SGD is the member with
    :math:`\gamma_1 = \gamma_3 = 0`.
    """

    name: str
    gamma1: Callable
    gamma2: Callable
    gamma3: Callable
    delta: Callable
    batch: int = 1
    params: dict = dataclasses.field(default_factory=dict)
    is_sgd: bool = False


def _lr(problem: PLRFProblem, batch: int, c: float) -> float:
    # The authors' default SGD step: c * min(2/(B+1), 1/tr K) (DANA example notebook), c = 0.375.
    return c * min(2.0 / (batch + 1), 1.0 / problem.trace_K)


def _check_problem(problem) -> None:
    if not isinstance(problem, PLRFProblem):
        raise ParameterError(f"problem must be a PLRFProblem, got {type(problem).__name__}")


def sgd(problem, batch=1, c=0.375, step=None) -> GenMom:
    r"""One-pass SGD with the authors' default constant step :math:`\gamma_2 = c\min(2/(B+1), 1/\mathrm{tr}K)`,
    or the constant ``step`` given."""
    _check_problem(problem)
    batch = _int("batch", batch, ge=1)
    g2 = _lr(problem, batch, _real("c", c, gt=0)) if step is None else _real("step", step, gt=0)
    zero = _const(0.0)
    return GenMom("SGD", zero, _const(g2), zero, _const(1.0), batch, {"gamma2": g2}, is_sgd=True)


def sgd_momentum(problem, delta=0.1, batch=1, c=0.375) -> GenMom:
    r"""SGD with constant momentum: :math:`\gamma_1 = 1`, constant :math:`\Delta`, :math:`\gamma_3 = \Delta\gamma_2`."""
    _check_problem(problem)
    batch = _int("batch", batch, ge=1)
    delta = _real("delta", delta, gt=0)
    if delta > 1:
        raise DomainError(f"delta must be in (0, 1], got {delta}")
    g2 = _lr(problem, batch, _real("c", c, gt=0))
    return GenMom(
        "SGD-M", _const(1.0), _const(g2), _const(delta * g2), _const(delta), batch,
        {"gamma2": g2, "gamma3": delta * g2, "delta": delta},
    )


def _dana_delta(problem: PLRFProblem) -> float:
    # The authors' default friction: delta = max(2 + (2 beta - 1)/alpha, 2 - 1/alpha) + 1.
    a, b = problem.alpha, problem.beta
    return max(2 + (2 * b - 1) / a, 2 - 1 / a) + 1


def _friction(problem: PLRFProblem, delta) -> float:
    return _dana_delta(problem) if delta is None else _real("delta", delta, gt=0)


def dana_constant(problem, c3=0.1, batch=1, c=0.375, delta=None) -> GenMom:
    r"""DANA-constant: :math:`\Delta = \min(1, \delta/(1+s))`, :math:`\gamma_3 = c_3/(d\,\mathrm{tr}K)`.

    The authors' code defaults (:math:`c_3 = 0.1`, :math:`\delta` from :func:`_dana_delta`
    unless ``delta`` is given); the clip at 1 (no momentum is kept while :math:`s < \delta - 1`)
    is ours: it keeps the memory factor :math:`1-\Delta` in :math:`[0, 1)`.
    """
    _check_problem(problem)
    batch = _int("batch", batch, ge=1)
    g2 = _lr(problem, batch, _real("c", c, gt=0))
    g3 = _real("c3", c3, gt=0) / (problem.d * problem.trace_K)
    delta = _friction(problem, delta)
    return GenMom(
        "DANA-constant", _const(1.0), _const(g2), _const(g3),
        lambda s: np.minimum(1.0, delta / (1.0 + np.asarray(s, dtype=float))), batch,
        {"gamma2": g2, "gamma3": g3, "delta": delta},
    )


def dana_decaying(problem, c3=0.1, batch=1, c=0.375, delta=None) -> GenMom:
    r"""DANA-decaying: :math:`\Delta = \min(1, \delta/(1+s))`, :math:`\gamma_3 = c_3 (1+s)^{-1/(2\alpha)}`
    (authors' defaults; ``delta`` overrides the code's friction :func:`_dana_delta`)."""
    _check_problem(problem)
    batch = _int("batch", batch, ge=1)
    g2 = _lr(problem, batch, _real("c", c, gt=0))
    c3 = _real("c3", c3, gt=0)
    kappa3 = 1.0 / (2 * problem.alpha)
    delta = _friction(problem, delta)
    return GenMom(
        "DANA-decaying", _const(1.0), _const(g2),
        lambda s: c3 * (1.0 + np.asarray(s, dtype=float)) ** (-kappa3),
        lambda s: np.minimum(1.0, delta / (1.0 + np.asarray(s, dtype=float))), batch,
        {"gamma2": g2, "c3": c3, "kappa3": kappa3, "delta": delta},
    )


@dataclasses.dataclass(frozen=True)
class ODECurve:
    """A deterministic loss curve: ``risk[i]`` is :math:`P` after ``t[i]`` iterations (``t[0] = 0``);
    ``error[i]`` its estimated relative error when one was asked for."""

    t: np.ndarray
    risk: np.ndarray
    problem: PLRFProblem
    optimizer: GenMom
    #: dt-halving estimate of the relative error of ``risk`` (``solve(..., error_estimate=True)``)
    error: np.ndarray | None = None

    @property
    def flops(self) -> np.ndarray:
        """Compute :math:`f = d\\,B\\,t` at each recorded time."""
        return self.t * self.problem.d * self.optimizer.batch

    def at(self, t) -> np.ndarray:
        """The risk at iteration counts ``t`` (interpolated linearly in log-log)."""
        t = np.asarray(t, dtype=float)
        if np.any(t < self.t[1]) or np.any(t > self.t[-1]):
            raise DomainError(f"t outside the integrated range [{self.t[1]:.3g}, {self.t[-1]:.3g}]")
        return np.exp(np.interp(np.log(t), np.log(self.t[1:]), np.log(self.risk[1:])))


def _omega(opt: GenMom, s: float, lam: np.ndarray):
    """The entries of Omega as a 3x3 nested list (each an (n,) array, or a float where it does
    not depend on the direction) and Gamma (3,) of the continuized moment equations at
    iteration ``s``."""
    g1 = float(opt.gamma1(s))
    g2 = float(opt.gamma2(s))
    g3 = float(opt.gamma3(s))
    D = float(opt.delta(s))
    B = opt.batch
    b = (B + 1.0) / B
    step = g2 + g1 * g3  # the total coefficient of the fresh gradient in the theta update
    om = 1.0 - D
    lam2 = lam * lam
    Om = [
        [-2 * step * lam + b * step**2 * lam2, g3**2 * om**2,
         -2 * g3 * om + 2 * step * g3 * om * lam],
        [b * g1**2 * lam2, D**2 - 2 * D, 2 * g1 * om * lam],
        [g1 * lam - b * g1 * step * lam2, -g3 * om**2, -D - (g2 * om + 2 * om * g1 * g3) * lam],
    ]
    Ga = np.array([step**2 / B, g1**2 / B, -g1 * step / B])
    return Om, Ga


def _coefficients(opt: GenMom, s: float, lam: np.ndarray):
    """Omega (n,3,3) and Gamma (3,) of the continuized moment equations at iteration ``s``."""
    entries, Ga = _omega(opt, s, lam)
    Om = np.empty((lam.shape[0], 3, 3))
    for i in range(3):
        for j in range(3):
            Om[:, i, j] = entries[i][j]
    return Om, Ga


def _implicit_step(entries, h: float, rhs: list) -> list:
    r"""Solve :math:`(I - h\Omega_j)\,x_j = r_j` for every direction ``j`` and every right-hand
    side ``r`` in ``rhs`` (each a list of 3 (n,) arrays), by the adjugate, elementwise: the
    3x3 systems are small and well conditioned (LAPACK agrees to round-off, tested), and
    entries that do not depend on the direction stay scalars."""
    a = [[(1.0 if i == j else 0.0) - h * entries[i][j] for j in range(3)] for i in range(3)]
    inv = [[a[1][1] * a[2][2] - a[1][2] * a[2][1], a[0][2] * a[2][1] - a[0][1] * a[2][2],
            a[0][1] * a[1][2] - a[0][2] * a[1][1]],
           [a[1][2] * a[2][0] - a[1][0] * a[2][2], a[0][0] * a[2][2] - a[0][2] * a[2][0],
            a[0][2] * a[1][0] - a[0][0] * a[1][2]],
           [a[1][0] * a[2][1] - a[1][1] * a[2][0], a[0][1] * a[2][0] - a[0][0] * a[2][1],
            a[0][0] * a[1][1] - a[0][1] * a[1][0]]]
    det = a[0][0] * inv[0][0] + a[0][1] * inv[1][0] + a[0][2] * inv[2][0]
    return [[(inv[i][0] * r[0] + inv[i][1] * r[1] + inv[i][2] * r[2]) / det for i in range(3)]
            for r in rhs]


def _coupled(su: float, sw: float) -> float:
    """2P's coupled part, ``su / (1 - sw)`` (Sherman-Morrison); inf where ``sw == 1`` (a
    singular step, then reported as divergence) instead of a ZeroDivisionError."""
    den = 1.0 - sw
    return su / den if den != 0.0 else math.copysign(math.inf, su) if su else math.nan


def _k_genmom(lam, rho0, h, bdf, sc, batch, p_inf, limit, risk):  # pragma: no cover - numba
    """The momentum path of :func:`_integrate`, compiled: per step two passes over the
    directions (the 3x3 solves with the sums of Sherman-Morrison, then the update), the
    expressions of :func:`_omega` and :func:`_implicit_step` in the same order (the two sums
    over the directions run sequentially, where numpy sums pairwise: rounding apart). ``sc``: (N, 4)
    gamma1..3 and delta at s_{n+1}; ``bdf[n]``: whether step n's base is (4 v_n - v_{n-1})/3.
    Returns the index of the first risk that is not finite or beyond ``limit``, else 0."""
    d = lam.size
    v = np.zeros((3, d))
    v_prev = np.zeros((3, d))
    u = np.empty((3, d))
    w = np.empty((3, d))
    v[0] = rho0
    b = (batch + 1.0) / batch
    p_inf2 = 2.0 * p_inf
    for n in range(h.size):
        g1, g2, g3, D = sc[n, 0], sc[n, 1], sc[n, 2], sc[n, 3]
        hn = h[n]
        st = g2 + g1 * g3
        om = 1.0 - D
        ga = (st**2 / batch, g1**2 / batch, -g1 * st / batch)
        e01 = g3**2 * om**2  # the entries that do not depend on the direction
        e11 = D**2 - 2 * D
        e21 = -g3 * om**2
        c02 = -2 * g3 * om
        c02l = 2 * st * g3 * om
        c22 = g2 * om + 2 * om * g1 * g3
        su = 0.0
        sw = 0.0
        for j in range(d):
            lj = lam[j]
            l2 = lj * lj
            a00 = 1.0 - hn * (-2 * st * lj + b * st**2 * l2)
            a01 = 0.0 - hn * e01
            a02 = 0.0 - hn * (c02 + c02l * lj)
            a10 = 0.0 - hn * (b * g1**2 * l2)
            a11 = 1.0 - hn * e11
            a12 = 0.0 - hn * (2 * g1 * om * lj)
            a20 = 0.0 - hn * (g1 * lj - b * g1 * st * l2)
            a21 = 0.0 - hn * e21
            a22 = 1.0 - hn * (-D - c22 * lj)
            i00 = a11 * a22 - a12 * a21
            i01 = a02 * a21 - a01 * a22
            i02 = a01 * a12 - a02 * a11
            i10 = a12 * a20 - a10 * a22
            i11 = a00 * a22 - a02 * a20
            i12 = a02 * a10 - a00 * a12
            i20 = a10 * a21 - a11 * a20
            i21 = a01 * a20 - a00 * a21
            i22 = a00 * a11 - a01 * a10
            det = a00 * i00 + a01 * i10 + a02 * i20
            c0 = hn * ga[0] * lj
            c1 = hn * ga[1] * lj
            c2 = hn * ga[2] * lj
            if bdf[n]:
                r0 = (4.0 * v[0, j] - v_prev[0, j]) / 3.0 + c0 * p_inf2
                r1 = (4.0 * v[1, j] - v_prev[1, j]) / 3.0 + c1 * p_inf2
                r2 = (4.0 * v[2, j] - v_prev[2, j]) / 3.0 + c2 * p_inf2
            else:
                r0 = v[0, j] + c0 * p_inf2
                r1 = v[1, j] + c1 * p_inf2
                r2 = v[2, j] + c2 * p_inf2
            u[0, j] = (i00 * r0 + i01 * r1 + i02 * r2) / det
            u[1, j] = (i10 * r0 + i11 * r1 + i12 * r2) / det
            u[2, j] = (i20 * r0 + i21 * r1 + i22 * r2) / det
            w[0, j] = (i00 * c0 + i01 * c1 + i02 * c2) / det
            w[1, j] = (i10 * c0 + i11 * c1 + i12 * c2) / det
            w[2, j] = (i20 * c0 + i21 * c1 + i22 * c2) / det
            su += lj * u[0, j]
            sw += lj * w[0, j]
        S = su / (1.0 - sw)
        for k in range(3):
            for j in range(d):
                v_prev[k, j] = v[k, j]
                v[k, j] = u[k, j] + w[k, j] * S
        risk[n + 1] = p_inf + 0.5 * S
        if not (np.isfinite(risk[n + 1]) and abs(risk[n + 1]) < limit):
            return n + 1
    return 0


@functools.cache
def _genmom_kernel():
    import numba

    # numpy's error model: a singular step gives inf/nan (reported as divergence), as numpy does
    return numba.njit(cache=True, boundscheck=False, error_model="numpy")(_k_genmom)


def _integrate(problem, optimizer, t_max, n_steps, rule="bdf2", engine="auto"):
    """(s_grid, risk) on ``n_steps`` uniform steps in log time. ``rule``: "bdf2" (second-order
    backward differentiation in tau after one implicit Euler step: the same one linear solve per
    step, with h = (2/3) dt (1+s_{n+1}) and the previous two states on the right), "log"
    (implicit Euler with h = dt (1+s_{n+1}), the authors' step) or "linear" (implicit Euler with
    h = s_{n+1} - s_n, our earlier rule); the last two are kept for the benchmarks. ``engine``:
    the momentum methods run a compiled loop (:func:`_k_genmom`) when numba is installed
    ("auto"), or the numpy steps ("numpy", the reference); they agree to rounding (tested)."""
    taus = np.linspace(0.0, math.log1p(t_max), n_steps + 1)
    step = taus[1] - taus[0]
    s_grid = np.expm1(taus)
    s_grid[-1] = t_max  # exact end point (expm1(log1p(x)) may round below x)
    lam = problem.lam
    p_inf2 = 2.0 * problem.p_inf
    risk = np.empty(n_steps + 1)
    risk[0] = problem.initial_risk()
    limit = 1e6 * risk[0]
    if rule not in ("bdf2", "log", "linear"):
        raise ParameterError(f"unknown step rule {rule!r}")
    if engine not in ("auto", "numpy"):
        raise ParameterError(f"engine must be 'auto' or 'numpy', got {engine!r}")

    # step n solves (I - h_n Omega) v_new = base + h_n Gamma lam 2P_new, base = v_n, or
    # (4 v_n - v_{n-1}) / 3 where bdf[n] (BDF2 after its first, implicit Euler, step)
    s_next = s_grid[1:]
    if rule == "linear":
        hs = s_next - s_grid[:-1]
    else:
        hs = step * (1.0 + s_next)
        if rule == "bdf2":
            hs[1:] = (2.0 / 3.0) * step * (1.0 + s_next[1:])
    bdf = np.zeros(n_steps, dtype=np.bool_)
    bdf[1:] = rule == "bdf2"

    def h_and_base(n, cur, prev):
        if bdf[n]:
            return float(hs[n]), [(4.0 * c - p) / 3.0 for c, p in zip(cur, prev)]
        return float(hs[n]), cur

    if optimizer.is_sgd:
        rho = problem.rho0.copy()
        rho_prev = None
        B = optimizer.batch
        g2s = np.asarray(optimizer.gamma2(s_grid), dtype=float) * np.ones(n_steps + 1)
        lam2 = lam * lam
        for n in range(n_steps):
            s = s_grid[n + 1]
            h, (base,) = h_and_base(n, [rho], None if rho_prev is None else [rho_prev])
            g2 = float(g2s[n + 1])
            a = 1.0 - h * (-2 * g2 * lam + (B + 1.0) / B * g2**2 * lam2)
            c = h * g2**2 / B * lam
            u = (base + c * p_inf2) / a
            w = c / a
            S = _coupled(float((lam * u).sum()), float((lam * w).sum()))
            rho_prev, rho = rho, u + w * S
            risk[n + 1] = problem.p_inf + 0.5 * S
            if not risk[n + 1] < limit:
                raise DomainError(f"{optimizer.name} diverged at t={s:.3g} on {problem!r}")
    elif engine == "auto" and get_backend("numba").available:
        ones = np.ones(n_steps)
        sc = np.stack([np.asarray(f(s_next), dtype=float) * ones for f in
                       (optimizer.gamma1, optimizer.gamma2, optimizer.gamma3, optimizer.delta)],
                      axis=1)
        bad = _genmom_kernel()(np.ascontiguousarray(lam, dtype=float),
                               np.ascontiguousarray(problem.rho0, dtype=float), hs, bdf, sc,
                               float(optimizer.batch), float(problem.p_inf), limit, risk)
        if bad:
            raise DomainError(f"{optimizer.name} diverged at t={s_grid[bad]:.3g} on {problem!r}")
    else:
        v = [problem.rho0.copy(), np.zeros_like(lam), np.zeros_like(lam)]  # (rho, sigma, chi)
        v_prev = None
        for n in range(n_steps):
            s = s_grid[n + 1]
            h, base = h_and_base(n, v, v_prev)
            entries, Ga = _omega(optimizer, s, lam)
            c = [h * Ga[k] * lam for k in range(3)]
            u, w = _implicit_step(entries, h, [[base[k] + c[k] * p_inf2 for k in range(3)], c])
            S = _coupled(float((lam * u[0]).sum()), float((lam * w[0]).sum()))
            v_prev, v = v, [u[k] + w[k] * S for k in range(3)]
            risk[n + 1] = problem.p_inf + 0.5 * S
            if not (np.isfinite(risk[n + 1]) and abs(risk[n + 1]) < limit):
                raise DomainError(f"{optimizer.name} diverged at t={s:.3g} on {problem!r}")
    return s_grid, risk


def solve(problem, optimizer, t_max, dt=0.02, error_estimate=False) -> ODECurve:
    r"""Integrate the deterministic equivalent from :math:`s = 0` to ``t_max`` iterations.

    Second-order backward differentiation (BDF2) in :math:`\tau = \log(1+s)` on a uniform grid
    of step ``dt`` (the first step implicit Euler). With :math:`dv/d\tau = (1+s)\,dv/ds`, each
    step solves, for all :math:`j` at once,
    :math:`(I - h\,\Omega_j)\,v_j^{new} = b_j + h\,\Gamma\lambda_j\,2P^{new}`,
    :math:`h = \tfrac23\,\Delta\tau\,(1+s_{n+1})`, :math:`b = \tfrac43 v_n - \tfrac13 v_{n-1}`;
    the 3x3 blocks are inverted in closed form, vectorised over :math:`j`, and :math:`2P^{new}`,
    which depends linearly on every :math:`\rho_j^{new}`, is solved exactly (Sherman-Morrison).
    One step costs what an implicit Euler step costs; BDF2 is L-stable like it and second
    order: at dt = 0.02 it is within ~0.02 % of a converged solution where implicit Euler with
    the authors' :math:`h = \Delta\tau(1+s_{n+1})` is off by ~0.6 % and our earlier
    :math:`h = s_{n+1}-s_n` by ~1.9 % (``benchmarks/bench_powerlaw_ode.py``). With numba
    installed the momentum methods run in a compiled loop (the same steps; the numpy steps agree
    with it to rounding). A loss that grows
    beyond :math:`10^{6}` times its initial value is reported as divergence (a
    :class:`DomainError`).

    ``error_estimate=True`` also integrates with ``dt/2`` and stores in the curve's ``error``
    the dt-halving (Richardson) estimate of the relative error of ``risk`` at each recorded time,
    :math:`\tfrac43\,|P_{dt}/P_{dt/2} - 1|` (``risk`` stays the dt run). It triples the cost.

    >>> p = PLRFProblem(1.5, 0.3, 50)
    >>> c = solve(p, sgd(p), 1e4, error_estimate=True)
    >>> bool(c.risk[-1] < c.risk[0]), bool(c.risk[-1] > p.p_inf), bool(c.error.max() < 0.01)
    (True, True, True)
    """
    _check_problem(problem)
    if not isinstance(optimizer, GenMom):
        raise ParameterError(f"optimizer must be a GenMom, got {type(optimizer).__name__}")
    t_max = _real("t_max", t_max, gt=0)
    dt = _real("dt", dt, gt=0)
    if dt > 0.5:
        raise DomainError(f"dt must be <= 0.5 (log-time step), got {dt}")
    n_steps = int(math.ceil(math.log1p(t_max) / dt))
    s_grid, risk = _integrate(problem, optimizer, t_max, n_steps)
    error = None
    if error_estimate:
        _, fine = _integrate(problem, optimizer, t_max, 2 * n_steps)
        error = (4.0 / 3.0) * np.abs(risk / fine[::2] - 1.0)
    return ODECurve(s_grid, risk, problem, optimizer, error)


@dataclasses.dataclass(frozen=True)
class Frontier:
    """The IsoFLOP (compute-optimal) frontier of a family of loss curves.

    ``d_star[i]`` and ``loss_star[i]`` minimise the loss over the model sizes at compute
    ``flops[i]``; ``interior[i]`` says whether the discrete minimiser lies strictly inside the
    ``d_grid`` (only interior points measure an optimum; an edge point is a bound).
    ``loss[k, i]`` is curve ``k`` at compute ``flops[i]``.
    """

    flops: np.ndarray
    d_star: np.ndarray
    loss_star: np.ndarray
    interior: np.ndarray
    d_grid: np.ndarray
    loss: np.ndarray


def interior_frontier(curves, n_flops=40) -> Frontier:
    """:func:`isoflop_frontier` on ``n_flops`` budgets spread over the compute range where
    :math:`d^*` is interior to the d grid (found by a first pass over the whole shared range):
    only there does the envelope measure an optimum. Where the optimum leaves the grid early
    (e.g. PLRF phase III) this puts the budgets where they measure something. Depends only on the
    curves."""
    first = isoflop_frontier(curves, n_flops=n_flops)
    inside = np.flatnonzero(first.interior)
    if inside.size == 0:
        return first
    lo = first.flops[max(inside[0] - 1, 0)]
    hi = first.flops[min(inside[-1] + 1, first.flops.size - 1)]
    return isoflop_frontier(curves, n_flops=n_flops, flops_range=(lo, hi))


def isoflop_frontier(curves, n_flops=40, t_min=100.0, flops_range=None) -> Frontier:
    r"""IsoFLOP envelope :math:`P^*(f) = \min_d P(f/(dB), d)` of curves at several :math:`d`.

    All curves must share the batch size. The compute grid is ``n_flops`` log-spaced points over
    ``flops_range`` (default: where every curve is defined with :math:`t \ge` ``t_min``, which
    skips the early-time transient). At each compute the minimiser over the grid is refined by a
    parabola through :math:`\log P` at the three nearest :math:`\log d` (the grid is coarse, a
    factor 2, and the raw argmin would quantise :math:`d^*`).
    """
    curves = list(curves)
    if len(curves) < 3:
        raise DomainError("isoflop_frontier needs curves at >= 3 values of d")
    if any(not isinstance(c, ODECurve) for c in curves):
        raise ParameterError("curves must be ODECurve objects (from solve)")
    curves.sort(key=lambda c: c.problem.d)
    ds = np.array([c.problem.d for c in curves], dtype=float)
    if len(set(ds)) != len(ds):
        raise DomainError("each curve must have a different d")
    batches = {c.optimizer.batch for c in curves}
    if len(batches) != 1:
        raise DomainError("all curves must use the same batch size")
    B = batches.pop()
    f_lo = max(c.problem.d * B * max(t_min, c.t[1]) for c in curves)
    f_hi = min(c.problem.d * B * c.t[-1] for c in curves)
    if flops_range is not None:
        f_lo, f_hi = max(f_lo, float(flops_range[0])), min(f_hi, float(flops_range[1]))
    if not f_hi > f_lo:
        raise DomainError("the curves share no compute range (integrate the small d longer)")
    flops = np.geomspace(f_lo, f_hi, int(n_flops))
    loss = np.array([c.at(flops / (c.problem.d * B)) for c in curves])
    lx, ly = np.log(ds), np.log(loss)
    k = np.argmin(ly, axis=0)
    interior = (k > 0) & (k < len(ds) - 1)
    d_star = ds[k].copy()
    loss_star = loss[k, np.arange(len(flops))].copy()
    for i in np.flatnonzero(interior):
        x = lx[k[i] - 1 : k[i] + 2]
        y = ly[k[i] - 1 : k[i] + 2, i]
        a2, a1, a0 = np.polyfit(x, y, 2)
        if a2 > 0:
            xv = -a1 / (2 * a2)
            if x[0] <= xv <= x[2]:
                d_star[i] = math.exp(xv)
                loss_star[i] = math.exp(a0 + a1 * xv + a2 * xv * xv)
    return Frontier(flops, d_star, loss_star, interior, ds, loss)


@dataclasses.dataclass(frozen=True)
class VolterraTerms:
    r"""The terms of the Volterra equation :math:`P(r) = F(r) + \sum_{k<r} K(r-k)\,P(k)` of
    discrete one-pass SGD at the iterations ``r``: ``forcing_pp`` :math:`F_{pp}(r)`,
    ``forcing_ac`` :math:`F_{ac}(r)` and ``kernel`` :math:`K(r)` (see :func:`volterra_terms`)."""

    r: np.ndarray
    forcing_pp: np.ndarray
    forcing_ac: np.ndarray
    kernel: np.ndarray
    gamma: float
    batch: int


def volterra_terms(alpha, beta, d, r, gamma, batch=1, chunk=2**22) -> VolterraTerms:
    r"""The exact finite sums of the PLRF Volterra equation for one-pass SGD with step
    :math:`\gamma`, batch :math:`B`, on the theory inputs at ``d`` (:class:`PLRFProblem`).

    With :math:`a_j = (1-\gamma\lambda_j)^2 + \gamma^2\lambda_j^2/B`, the expected squared
    errors obey :math:`s_j(r+1) = a_j s_j(r) + (\gamma^2/B)\lambda_j\,2P(r)` (the
    misspecification is label noise of variance :math:`2P_\infty`), and unrolling gives
    :math:`P(r) = P_\infty + F_{pp}(r) + F_{ac}(r) + \sum_{k<r}K(r-k)P(k)` with

    .. math:: F_{pp}(r) = \tfrac12\sum_{j\le d}\lambda_j j^{-2\beta} a_j^r, \quad
              F_{ac}(r) = \tfrac12\,w_d\sum_{j\le d}\lambda_j a_j^r, \quad
              K(r) = \frac{\gamma^2}{B}\sum_{j\le d}\lambda_j^2 a_j^{r-1},

    :math:`w_d = d^{-1}\sum_{k\le d}k^{-2\beta}` the absolutely-continuous weight (0 unless
    :math:`2\beta>1` and :math:`2\alpha>1`). ``r`` may be any positive reals (the sums are
    smooth in :math:`r`); the sums run over all :math:`d` directions, ``chunk`` numbers at a time.
    Needs :math:`\gamma\lambda_1 < 1` (every :math:`a_j < 1`).

    >>> v = volterra_terms(1.0, 0.75, 1000, [10.0, 100.0], 0.2)
    >>> bool(np.all(np.diff(v.forcing_pp) < 0) and np.all(v.forcing_ac > 0))
    True
    """
    alpha = _real("alpha", alpha, gt=0)
    beta = _real("beta", beta)
    d = _int("d", d, ge=1)
    gamma = _real("gamma", gamma, gt=0)
    batch = _int("batch", batch, ge=1)
    r = np.atleast_1d(np.asarray(r, dtype=float))
    if r.ndim != 1 or not np.all(np.isfinite(r)) or np.any(r < 1):
        raise DomainError("r must be a 1-d array of iteration counts >= 1")
    lam, rho_pp, weight = _theory_inputs(alpha, beta, d)
    if not gamma * lam[0] < 1:
        raise DomainError(f"gamma * lambda_1 = {gamma * lam[0]:.3g} must be < 1 (a_j < 1)")
    log_a = np.log1p(-2 * gamma * lam + gamma**2 * lam**2 * (1.0 + 1.0 / batch))
    pp = np.zeros(r.size)
    ac = np.zeros(r.size)
    kern = np.zeros(r.size)
    step = max(1, int(chunk) // r.size)
    for lo in range(0, d, step):
        sl = slice(lo, lo + step)
        powers = np.exp(np.outer(r - 1.0, log_a[sl]))  # a_j^(r-1)
        lam_a = lam[sl] * np.exp(log_a[sl])  # lambda_j a_j
        # numpy reductions, not BLAS products: the same numbers whatever the thread count
        pp += (powers * (lam_a * rho_pp[sl])).sum(axis=1)
        ac += (powers * lam_a).sum(axis=1)
        kern += (powers * lam[sl] ** 2).sum(axis=1)
    return VolterraTerms(r, 0.5 * pp, 0.5 * weight * ac, gamma**2 / batch * kern, gamma, batch)
