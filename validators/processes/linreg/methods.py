r"""The optimizers of the exact recursion: per-coordinate second-moment dynamics.

SGD (:class:`_SGD`), heavy ball (:class:`_HeavyBall`), ASGD (:class:`_ASGD`) and generalized
momentum with step-dependent coefficients (:class:`_GenMom`: SGD-M, DANA), behind the
:class:`_Method` interface that :func:`~.recursion.expected_risk` drives (see "Extension point"
in the package docstring); :func:`method_names` lists them and :func:`contraction_rate` gives the
per-step contraction factor of the expected loss at a constant step.
"""

from __future__ import annotations

import math

import numpy as np

from scalinglaws.errors import DomainError, ParameterError, UnknownKeyError

from ._kernels import _run_sgd_numba
from .problem import SpectrumProblem, _check_problem, _real  # noqa: F401 (the examples use it)

__all__ = ["contraction_rate", "method_names"]


# =========================================================================== methods


class _Method:
    r"""Per-coordinate second-moment dynamics of one optimizer (the extension point).

    The driver :func:`_run_numpy` calls, for every step :math:`t` (arrays shaped ``(P, n)`` and
    ``eta``, ``noise`` shaped ``(P, 1)``; or ``(n,)`` and Python floats for a single problem):

    * ``state = init_state(w2, shape)``: the moments at :math:`t=0` (e.g. ``{"S": w*²}``), with
      ``shape = (n,)`` for one problem or ``(P, n)`` for ``P`` problems;
    * ``gradient_moment(state)``: :math:`\mathbb E[e_i^2]` at the point where the gradient is
      taken (its trace gives :math:`q`); ``iterate_moment(state)``: at the iterate that is
      evaluated and averaged;
    * ``step(state, lam, eta, noise, batch)``: one update, where
      ``noise`` :math:`= (q + \sigma^2)/B` is the shared scalar part of the gradient-noise
      variance :math:`\tfrac1B(\lambda_i^2 S_i + \lambda_i (q+\sigma^2))`;
    * averaging: ``cross_init(w2, shape)``, ``cross_mean(cross, lam, eta)`` (:math:`c' = M_t c`,
      the mean transition applied to :math:`\mathbb E[\bar e\, z]`), ``cross_iterate(cross)``
      (:math:`p^\top c'`) and ``cross_mix(cross, state, rho)``
      (:math:`(1-\rho)c' + \rho Z p`).

    ``numba_runner`` (optional) runs the whole recursion in one compiled loop with the
    signature of :func:`_run_sgd_numba`.
    """

    name = "?"
    numba_runner = None


class _SGD(_Method):
    name = "sgd"

    def init_state(self, w2, shape):
        return {"S": np.broadcast_to(w2, shape).copy(), "_f": np.empty(shape)}

    def gradient_moment(self, state):
        return state["S"]

    iterate_moment = gradient_moment

    def step(self, state, lam, eta, noise, batch):
        # S <- (1 - 2 eta lam + (1 + 1/B) eta^2 lam^2) S + eta^2 lam (q + sigma^2) / B,
        # written as S * (1 + lam (al + be lam)) + K lam with al = -2 eta, be = (1+1/B) eta^2,
        # K = eta^2 (q + sigma^2) / B (the same association as the numba kernel); in place.
        coef = 1.0 + 1.0 / batch
        al = -2.0 * eta
        be = coef * eta * eta
        K = eta * eta * noise
        S, f = state["S"], state["_f"]
        np.multiply(be, lam, out=f)
        f += al
        f *= lam
        f += 1.0
        S *= f
        np.multiply(K, lam, out=f)
        S += f
        return state

    def cross_init(self, w2, shape):
        return np.broadcast_to(w2, shape).copy()

    def cross_mean(self, cross, lam, eta):
        g = (-eta) * lam
        g += 1.0
        cross *= g
        return cross

    def cross_iterate(self, cross):
        return cross

    def cross_mix(self, cross, state, rho):
        cross *= 1.0 - rho
        cross += rho * state["S"]
        return cross


# the mean map of SGD in the form the momentum family uses (z' = M z - eta u (H^ e)): M = [1], u = [1]
_SGD.mean_M = np.array([[1.0]])
_SGD.mean_u = np.array([1.0])


def _sgd_configure(self, **params):
    if params:
        raise ParameterError(f"method 'sgd' takes no method_params, got {sorted(params)}")
    return self


_SGD.configure = _sgd_configure
_SGD.numba_runner = staticmethod(_run_sgd_numba)


class _MemoryOne(_Method):
    r"""A memory-1 linear method with state :math:`z = (e_w, e_v)` per coordinate.

    One step is :math:`z' = M z - \eta_t\, \hat u\, (\hat H_t e_w)` with a fixed 2x2 matrix
    :math:`M` (rows summing to 1, so :math:`w = v = w^*` is a fixed point) and a fixed 2-vector
    :math:`\hat u`; the gradient is taken at :math:`w`, which is also the evaluated (and averaged)
    iterate. With :math:`A_i = M - \eta\lambda_i \hat u e_1^\top` the per-coordinate second
    moment :math:`Q_i = \mathbb E[z_i z_i^\top] = (s, c, v)` (ww, wv, vv) follows exactly

    .. math::

        Q_i' = A_i Q_i A_i^\top + \eta^2 \bigl(\tfrac{\lambda_i^2}{B} s_i
        + \lambda_i \tfrac{q + \sigma^2}{B}\bigr)\, \hat u \hat u^\top,
        \qquad q = \textstyle\sum_j m_j \lambda_j s_j,

    the Gaussian fourth-moment identity applied to the minibatch gradient noise (its mean part is
    :math:`A_i z_i`). Subclasses set ``mean_M`` and ``mean_u`` from their parameters in
    ``configure``.
    """

    params: dict = {}

    def configure(self, **params):
        raise NotImplementedError

    def _A(self, lam, eta):
        (m11, m12), (m21, m22) = self.mean_M.tolist()
        u1, u2 = self.mean_u.tolist()
        el = eta * lam
        return m11 - u1 * el, m12, m21 - u2 * el, m22

    def init_state(self, w2, shape):
        s = np.broadcast_to(w2, shape).copy()
        return {"s": s, "c": s.copy(), "v": s.copy()}

    def gradient_moment(self, state):
        return state["s"]

    iterate_moment = gradient_moment

    def step(self, state, lam, eta, noise, batch):
        a11, a12, a21, a22 = self._A(lam, eta)
        s, c, v = state["s"], state["c"], state["v"]
        u1, u2 = self.mean_u.tolist()
        nz = (eta * eta) * (lam * lam * s / batch + lam * noise)
        s2 = a11 * a11 * s + 2.0 * a11 * a12 * c + a12 * a12 * v + nz * (u1 * u1)
        c2 = a11 * a21 * s + (a11 * a22 + a12 * a21) * c + a12 * a22 * v + nz * (u1 * u2)
        v2 = a21 * a21 * s + 2.0 * a21 * a22 * c + a22 * a22 * v + nz * (u2 * u2)
        return {"s": s2, "c": c2, "v": v2}

    def cross_init(self, w2, shape):
        s = np.broadcast_to(w2, shape).copy()
        return (s, s.copy())

    def cross_mean(self, cross, lam, eta):
        a11, a12, a21, a22 = self._A(lam, eta)
        cw, cv = cross
        return (a11 * cw + a12 * cv, a21 * cw + a22 * cv)

    def cross_iterate(self, cross):
        return cross[0]

    def cross_mix(self, cross, state, rho):
        cw, cv = cross
        return ((1.0 - rho) * cw + rho * state["s"], (1.0 - rho) * cv + rho * state["c"])


class _HeavyBall(_MemoryOne):
    r"""Stochastic heavy ball, :math:`w_{t+1} = w_t - \eta_t g_t + \mu (w_t - w_{t-1})`.

    ``method_params``: ``momentum`` :math:`\mu \in [0, 1)` (default 0.9). State
    :math:`z = (e_t, e_{t-1})`, started at :math:`w_{-1} = w_0`:
    :math:`M = [[1+\mu, -\mu], [1, 0]]`, :math:`\hat u = (1, 0)`.
    """

    name = "hb"

    def __init__(self, momentum=0.9):
        self.momentum = _real("momentum", momentum, ge=0, lt=1)
        mu = self.momentum
        self.mean_M = np.array([[1.0 + mu, -mu], [1.0, 0.0]])
        self.mean_u = np.array([1.0, 0.0])
        self.params = {"momentum": mu}

    def configure(self, **params):
        unknown = set(params) - {"momentum"}
        if unknown:
            raise ParameterError(f"method 'hb' takes method_params momentum, got {sorted(unknown)}")
        return _HeavyBall(**params)


class _ASGD(_MemoryOne):
    r"""Accelerated SGD of Jain, Kakade, Kidambi, Netrapalli, Sidford (2018), in the
    parametrisation of the reference implementation (``AccSGD``, Kidambi et al. 2018).

    ``method_params``: ``kappa`` (long-to-short step ratio :math:`\kappa_a`, default 1000),
    ``xi`` (statistical advantage :math:`\xi`, default 10), ``c`` (small constant, default
    0.7); the schedule gives the short step ``lr``. With :math:`L = \mathrm{lr}\,\kappa_a/c`,
    :math:`\beta = c^2\xi/\kappa_a \in (0, 1]`, :math:`\zeta = c/(c+\beta)`, one step is (gradient
    :math:`g` at the old :math:`w`; :math:`v_0 = w_0`)

    .. math::

        v \leftarrow (1-\beta) v + \beta w - \beta L g, \qquad
        w \leftarrow \zeta (w - \mathrm{lr}\, g) + (1-\zeta) v,

    i.e. :math:`M = [[\zeta + (1-\zeta)\beta, (1-\zeta)(1-\beta)], [\beta, 1-\beta]]` and
    :math:`\hat u = (\zeta + (1-\zeta)\beta\kappa_a/c,\ \beta\kappa_a/c)`.
    """

    name = "asgd"

    def __init__(self, kappa=1000.0, xi=10.0, c=0.7):
        self.kappa = _real("kappa", kappa, gt=0)
        self.xi = _real("xi", xi, gt=0)
        self.c = _real("c", c, gt=0, le=1)
        beta = self.c * self.c * self.xi / self.kappa
        if not beta <= 1.0:
            raise DomainError(
                f"ASGD needs beta = c^2 xi / kappa <= 1, got {beta:g} (kappa={kappa}, xi={xi}, c={c})"
            )
        zeta = self.c / (self.c + beta)
        ratio = self.kappa / self.c  # large_lr / lr
        self.mean_M = np.array(
            [[zeta + (1.0 - zeta) * beta, (1.0 - zeta) * (1.0 - beta)], [beta, 1.0 - beta]]
        )
        self.mean_u = np.array([zeta + (1.0 - zeta) * beta * ratio, beta * ratio])
        self.params = {"kappa": self.kappa, "xi": self.xi, "c": self.c}

    def configure(self, **params):
        unknown = set(params) - {"kappa", "xi", "c"}
        if unknown:
            raise ParameterError(
                f"method 'asgd' takes method_params kappa, xi, c; got {sorted(unknown)}"
            )
        return _ASGD(**params)


def _hyper(name, value, *, lo=None, hi=None):
    """A hyperparameter: a real number (checked against [lo, hi]) or a callable of the 0-based
    step count; returns a function k -> float that checks what the callable gives."""
    if callable(value):
        def fn(k, _value=value):
            out = _value(k)
            try:
                out = float(out)
            except (TypeError, ValueError):
                raise ParameterError(f"{name}({k}) must be a real number, got {out!r}") from None
            if not math.isfinite(out):
                raise DomainError(f"{name}({k}) = {out!r} is not finite")
            return out
        return fn
    v = _real(name, value, ge=lo, le=hi)
    return lambda k: v


class _GenMom(_MemoryOne):
    r"""Generalized momentum SGD (Gen-Mom) of Ferbach et al. (arXiv 2505.16098), with
    hyperparameters that may change with the step: SGD-M and DANA.

    With the minibatch gradient :math:`\hat g_t` at :math:`w_t` and buffer :math:`y_0 = 0`,

    .. math::

        y_t = (1 - \Delta_k)\, y_{t-1} + \gamma_1 \hat g_t, \qquad
        w_{t+1} = w_t - \eta_t \hat g_t - \gamma_{3,k}\, y_t,

    where the schedule gives :math:`\gamma_2 = \eta_t` and :math:`k = t - 1` is the 0-based
    count of steps already taken (the authors' optax convention). ``method_params``:

    * ``gamma1`` (real, default 1);
    * ``gamma3``: a number :math:`c \ge 0` with ``kappa3`` (default 0):
      :math:`\gamma_{3,k} = c\,(1+k)^{-\kappa_3}` (DANA-constant: :math:`c \propto 1/d`,
      ``kappa3=0``; DANA-decaying: ``kappa3=1/(2 alpha)``), or a callable ``k -> gamma3``;
      default 0;
    * the memory, one of ``Delta`` (a constant in [0, 1], SGD-M; or a callable ``k -> Delta``)
      or ``delta`` > 0: :math:`\Delta_k = \delta/(\delta + k)` (DANA, the authors' code form of
      :math:`\delta/(1+t)`; at most 1). Default ``Delta=1`` (no memory).

    The defaults are plain SGD. State :math:`z = (e_w, y)`, :math:`e_w = w - w^*`: the mean step
    is :math:`z' = A_k z` with :math:`A_k = [[1 - u_1\lambda, -\gamma_3(1-\Delta)],
    [\gamma_1\lambda, 1 - \Delta]]`, :math:`u = (\eta_t + \gamma_1\gamma_3, -\gamma_1)`, and the
    gradient noise adds :math:`(\tfrac{\lambda^2}{B}s + \lambda\tfrac{q+\sigma^2}{B})\,uu^\top`
    to :math:`Q = \mathbb E[zz^\top] = (s, c, v)` (the :class:`_MemoryOne` recursion with a
    step-dependent :math:`A` and :math:`u`), started at :math:`(w^{*2}, 0, 0)`.
    Not supported by :func:`contraction_rate` (no constant map) or the numba backend.
    """

    name = "genmom"
    time_dependent = True
    mean_M = np.array([[1.0, 0.0], [0.0, 0.0]])  # shape marker only: the map changes with k
    mean_u = np.array([1.0, 0.0])

    def __init__(self, gamma1=1.0, gamma3=0.0, kappa3=0.0, Delta=None, delta=None):
        if Delta is not None and delta is not None:
            raise ParameterError("give the memory as Delta or delta, not both")
        self._g1 = _real("gamma1", gamma1)
        kappa3 = _real("kappa3", kappa3, ge=0)
        if callable(gamma3):
            if kappa3 != 0:
                raise ParameterError("kappa3 applies to a numeric gamma3 only")
            self._g3 = _hyper("gamma3", gamma3)
        else:
            c = _real("gamma3", gamma3, ge=0)
            self._g3 = (lambda k: c) if kappa3 == 0 else (lambda k: c * (1.0 + k) ** (-kappa3))
        if delta is not None:
            dl = _real("delta", delta, gt=0)
            self._D = lambda k: dl / (dl + k)
        else:
            self._D = _hyper("Delta", 1.0 if Delta is None else Delta, lo=0.0, hi=1.0)
        self.params = {"gamma1": gamma1, "gamma3": gamma3, "kappa3": kappa3, "Delta": Delta, "delta": delta}

    def configure(self, **params):
        unknown = set(params) - {"gamma1", "gamma3", "kappa3", "Delta", "delta"}
        if unknown:
            raise ParameterError(
                f"method 'genmom' takes method_params gamma1, gamma3, kappa3, Delta, delta; got {sorted(unknown)}"
            )
        return _GenMom(**params)

    def coefficients(self, k, eta):
        """``(a11, a12, a21, a22)`` without the ``-u1 lam`` / ``+g1 lam`` parts, and ``(u1, u2)``
        at the 0-based step ``k`` with SGD step ``eta``: ``(1, -g3 (1-D), 0, 1-D), (eta + g1 g3, -g1)``."""
        g3, D, g1 = self._g3(k), self._D(k), self._g1
        return (-g3 * (1.0 - D), 1.0 - D), (eta + g1 * g3, -g1)

    def init_state(self, w2, shape):
        s = np.broadcast_to(w2, shape).copy()
        return {"s": s, "c": np.zeros(shape), "v": np.zeros(shape), "k": 0}

    def _A_k(self, k, lam, eta):
        (a12, a22), (u1, u2) = self.coefficients(k, eta)
        return 1.0 - u1 * lam, a12, -u2 * lam, a22, u1, u2

    def step(self, state, lam, eta, noise, batch):
        k = state["k"]
        a11, a12, a21, a22, u1, u2 = self._A_k(k, lam, eta)
        s, c, v = state["s"], state["c"], state["v"]
        nz = lam * lam * s / batch + lam * noise
        s2 = a11 * a11 * s + 2.0 * a11 * a12 * c + a12 * a12 * v + nz * (u1 * u1)
        c2 = a11 * a21 * s + (a11 * a22 + a12 * a21) * c + a12 * a22 * v + nz * (u1 * u2)
        v2 = a21 * a21 * s + 2.0 * a21 * a22 * c + a22 * a22 * v + nz * (u2 * u2)
        return {"s": s2, "c": c2, "v": v2, "k": k + 1}

    def cross_init(self, w2, shape):
        return (np.broadcast_to(w2, shape).copy(), np.zeros(shape), 0)

    def cross_mean(self, cross, lam, eta):
        cw, cv, k = cross
        a11, a12, a21, a22, _, _ = self._A_k(k, lam, eta)
        return (a11 * cw + a12 * cv, a21 * cw + a22 * cv, k + 1)

    def cross_mix(self, cross, state, rho):
        cw, cv, k = cross
        return ((1.0 - rho) * cw + rho * state["s"], (1.0 - rho) * cv + rho * state["c"], k)


_METHODS = {"sgd": _SGD(), "hb": _HeavyBall(), "asgd": _ASGD()}
_TIME_DEPENDENT = {"genmom": _GenMom()}


def method_names(time_dependent=False) -> tuple:
    """The registered optimizers with constant coefficients, supported everywhere
    (:func:`contraction_rate` included): ``('sgd', 'hb', 'asgd')``; with
    ``time_dependent=True`` also those whose coefficients change with the step, supported by
    :func:`expected_risk` and :func:`sample_risk` only: ``'genmom'`` (SGD-M, DANA)."""
    return tuple(_METHODS) + (tuple(_TIME_DEPENDENT) if time_dependent else ())


def _configured(method, method_params):
    known = {**_METHODS, **_TIME_DEPENDENT}
    if not isinstance(method, str) or method not in known:
        raise UnknownKeyError("method", str(method), tuple(known))
    if method_params is None:
        return known[method]
    if not isinstance(method_params, dict):
        raise ParameterError(f"method_params must be a dict, got {method_params!r}")
    return known[method].configure(**method_params)


# --------------------------------------------------------------------------- contraction rate


def _blocks(meth, lam, eta, batch):
    """Per-coordinate blocks D_i (n, k, k) of the second-moment map without the trace coupling,
    and the coupling column c (k,) (response of the block state to a unit q/B), for the state
    ordering (s,) [SGD] or (s, c, v) [memory-1]."""
    M, u = meth.mean_M, meth.mean_u * eta
    n = lam.size
    if M.shape == (1, 1):
        a = 1.0 - eta * lam
        D = (a * a + eta * eta * lam * lam / batch).reshape(n, 1, 1)
        return D, np.array([eta * eta])
    a11 = M[0, 0] - u[0] * lam
    a12 = np.full(n, M[0, 1])
    a21 = M[1, 0] - u[1] * lam
    a22 = np.full(n, M[1, 1])
    uu = np.array([u[0] * u[0], u[0] * u[1], u[1] * u[1]])
    D = np.empty((n, 3, 3))
    D[:, 0, 0], D[:, 0, 1], D[:, 0, 2] = a11 * a11, 2 * a11 * a12, a12 * a12
    D[:, 1, 0], D[:, 1, 1], D[:, 1, 2] = a11 * a21, a11 * a22 + a12 * a21, a12 * a22
    D[:, 2, 0], D[:, 2, 1], D[:, 2, 2] = a21 * a21, 2 * a21 * a22, a22 * a22
    D[:, :, 0] += (lam * lam / batch)[:, None] * uu[None, :]
    return D, uu


_DENSE_RATE_MAX = 24  # up to this many stacked moments, dense eigenvalues (else the secular root)


def contraction_rate(problem, eta, batch=1, method="sgd", method_params=None,
                     backend="numpy") -> float:
    r"""Per-step contraction factor :math:`\rho` of the expected loss at a constant step.

    The exact recursion of :func:`expected_risk` (noiseless part, :math:`\sigma^2` ignored) is a
    linear map :math:`\mathcal T = \oplus_i D_i + \tfrac1B c\, g^\top` on the stacked
    per-coordinate moments: blocks :math:`D_i` (1x1 for SGD, 3x3 for the memory-1 methods) plus
    the rank-one trace coupling :math:`g^\top Q = \sum_j m_j\lambda_j s_j`. It maps PSD moments
    to PSD moments, so its spectral radius :math:`\rho` is a real eigenvalue; it is the largest
    root :math:`z > \rho_0 = \max_i \rho(D_i)` of the secular equation
    :math:`1 = \tfrac1B \sum_i m_i\lambda_i^2\, e_s^\top (zI - D_i)^{-1} c`, found by Brent's
    method in O(n) per evaluation (or :math:`\rho = \rho_0` when the coupling is too weak to
    lift it); maps with at most 24 stacked moments use the dense eigenvalues instead.
    Asymptotically :math:`\mathbb E\,\mathcal E_t \propto \rho^t`, so
    :math:`-1/\ln\rho` steps divide the loss by e. Returns ``inf``-safe values: a number
    :math:`\ge 1` means the loss does not contract (unstable).

    The bracket of the root starts a relative 1e-9 above :math:`\rho_0`; when the blocks' radius
    is computed low by more than that (an ill-conditioned eigenvalue of a non-normal block),
    :math:`f < 0` there and the start steps up by factors of 4 until it is right of the pole.

    ``backend="numba"`` runs the same computation in one compiled call
    (:mod:`~._rate`: the secular root at every size, :math:`\rho(D_i)` by Newton on the
    block's characteristic cubic), 5-20x faster; it agrees with the numpy path to round-off
    (1e-11 relative in the tests), except where numpy uses the dense eigenvalues (at most 24
    moments), which also resolve a lift of :math:`\rho` above :math:`\rho_0` smaller than
    1e-9 relative.

    >>> p = SpectrumProblem.geometric(20, 100.0)
    >>> r_sgd = contraction_rate(p, 0.5, batch=64)
    >>> r_hb = contraction_rate(p, 0.5, batch=64, method="hb", method_params={"momentum": 0.6})
    >>> bool(r_hb < r_sgd < 1)
    True
    """
    _check_problem(problem)
    meth = _configured(method, method_params)
    if getattr(meth, "time_dependent", False):
        raise DomainError(f"contraction_rate needs a constant map; method {method!r} changes with the step")
    eta = _real("eta", eta, gt=0)
    batch = _real("batch", batch, gt=0)  # real B allowed: the map is smooth in 1/B
    if backend not in ("numpy", "numba"):
        raise UnknownKeyError("contraction_rate backend", str(backend), ("numpy", "numba"))
    return _rate_of_map(meth, np.asarray(problem.lam, dtype=np.float64),
                        np.asarray(problem.mult, dtype=np.float64), eta, batch, backend,
                        "contraction_rate")


def _rate_of_map(meth, lam, mult, eta, batch, backend, who):
    """The spectral radius of the second-moment map of a memory-1 method given by its
    ``(meth.mean_M, meth.mean_u)``: the body of :func:`contraction_rate`, also used by methods
    reached outside ``_METHODS`` (:mod:`.nesterov`); ``who`` names the caller in errors."""
    if backend == "numba":
        from ._rate import rate_numba

        rate, status = rate_numba(lam, mult, batch, meth.mean_M, meth.mean_u, eta)
        if status == 3:
            raise ArithmeticError(f"{who}: Brent's method did not converge")
        return rate
    ml2 = mult * lam * lam / batch
    D, c = _blocks(meth, lam, eta, batch)
    k = D.shape[1]
    n = lam.size
    if n * k <= _DENSE_RATE_MAX:  # small: the dense map's eigenvalues are cheaper
        big = np.zeros((n * k, n * k))
        for i in range(n):
            big[i * k:(i + 1) * k, i * k:(i + 1) * k] = D[i]
        coupling = mult * lam / batch
        big[:, ::k] += np.kron(lam[:, None], c[:, None]).reshape(n * k, 1) * coupling[None, :]
        with np.errstate(all="ignore"):
            ev = np.linalg.eigvals(big)
        rho = float(np.max(np.abs(ev)))
        return rho if math.isfinite(rho) else math.inf
    if k == 1:
        rho0 = float(np.max(np.abs(D[:, 0, 0])))

        def f(z):
            return float(np.sum(ml2 * c[0] / (z - D[:, 0, 0])))
    else:
        with np.errstate(all="ignore"):
            ev = np.linalg.eigvals(D)
        rho0 = float(np.max(np.abs(ev)))
        # e_s^T (zI - D)^-1 c by Cramer's rule: det of (zI - D) with column s replaced by c
        d00, d01, d02 = D[:, 0, 0], D[:, 0, 1], D[:, 0, 2]
        d10, d11, d12 = D[:, 1, 0], D[:, 1, 1], D[:, 1, 2]
        d20, d21, d22 = D[:, 2, 0], D[:, 2, 1], D[:, 2, 2]
        c0, c1, c2 = c.tolist()

        def f(z):
            m11, m22 = z - d11, z - d22
            # cofactors of column 0 of M = zI - D (off-diagonal entries of M are -d_ij)
            C00 = m11 * m22 - d12 * d21
            C10 = d01 * m22 + d02 * d21
            C20 = d01 * d12 + d02 * m11
            det = (z - d00) * C00 - d10 * C10 - d20 * C20
            num = c0 * C00 + c1 * C10 + c2 * C20  # column 0 of M replaced by c
            with np.errstate(divide="ignore", invalid="ignore"):
                return float(np.sum(ml2 * num / det))

    if not math.isfinite(rho0):
        return math.inf
    from scipy.optimize import brentq

    def root(a, b):  # 1/f is smooth through the pole of f at rho0: solve 1/f(z) = 1
        return float(brentq(lambda z: 1.0 / f(z) - 1.0, a, b, xtol=1e-16,
                            rtol=4 * np.finfo(float).eps, maxiter=500))

    lo = rho0 + 1e-9 * max(rho0, 1e-300)
    try:
        flo = f(lo)
    except np.linalg.LinAlgError:
        flo = math.inf
    if flo < 0.0:
        # rho0 lies below the true radius of a block by more than the offset (an ill-conditioned
        # eigenvalue of a non-normal block): f < 0 just left of that pole, where 1/f - 1 < 0 as
        # at the pole itself. Step up until f >= 0 (right of the pole).
        prev, offset, fc = lo, 1e-9, flo
        for _ in range(40):
            offset *= 4.0
            cand = rho0 + offset * max(rho0, 1e-300)
            fc = f(cand)
            if not fc < 0.0:
                break
            prev = cand
        if not fc >= 0.0:
            raise ArithmeticError(f"{who}: no bracket above the blocks' radius")
        if fc <= 1.0:  # the root lies between prev (1/f - 1 < 0) and cand (1/f - 1 >= 0)
            return root(prev, cand)
        lo = cand
    elif flo <= 1.0:
        return rho0
    hi = 1.0 if lo < 1.0 else 2.0 * lo
    while f(hi) > 1.0:
        hi *= 2.0
        if hi > 1e300:
            return math.inf
    return root(lo, hi)
