r"""The sampled process: Monte Carlo SGD on the Gaussian problem, replicas in lockstep.

:func:`sample_risk` simulates every coordinate of an unbinned problem with one
``numpy.random.SeedSequence`` child per replica and returns the per-replica risks as a
:class:`SampledRisk`. It checks the exact recursion (:mod:`.recursion`) at small scale.

Two engines run the same process on the same random numbers (the per-replica streams of
:mod:`~scalinglaws.validators.processes.normal_streams`):

* ``backend="numba"``: one compiled loop per replica (:mod:`._sampled_kernel`), replicas on
  threads; the default when numba is importable and no namespace is given;
* ``backend="array"``: the array code written once against a namespace ``xp`` (numpy, cupy,
  array_api_strict). On cupy the draws come from cupy generators instead.

They agree to rounding (~1e-13; tested), and neither depends on the thread count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from scalinglaws.errors import DomainError, ParameterError

from .. import normal_streams
from ..backend import get_backend, replica_generators, require_backend, to_numpy
from .methods import _configured
from .problem import _check_problem, _int
from .schedules import Schedule, _checkpoints, _step_sizes, averaging_weights

__all__ = ["SampledRisk", "sample_risk"]


@dataclass(frozen=True)
class SampledRisk:
    """Per-replica exact excess risk at checkpoints (from :func:`sample_risk`).

    ``risk_last``, ``risk_avg``: shape ``(n_replicas, n_checkpoints)``.
    """

    steps: np.ndarray
    risk_last: np.ndarray
    risk_avg: np.ndarray
    n_replicas: int = field(default=0)

    @property
    def mean_last(self) -> np.ndarray:
        return self.risk_last.mean(axis=0)

    @property
    def mean_avg(self) -> np.ndarray:
        return self.risk_avg.mean(axis=0)

    @property
    def se_last(self) -> np.ndarray:
        """Standard error of :attr:`mean_last` (replica std / sqrt(R))."""
        return self.risk_last.std(axis=0, ddof=1) / math.sqrt(self.risk_last.shape[0])

    @property
    def se_avg(self) -> np.ndarray:
        return self.risk_avg.std(axis=0, ddof=1) / math.sqrt(self.risk_avg.shape[0])


def _namespace(xp):
    """An array-API namespace from ``None`` / a name / a module (numpy via array_api_compat)."""
    if xp is None or isinstance(xp, str):
        name = "numpy" if xp is None else xp
        if name == "array_api_strict":
            import array_api_strict

            return array_api_strict
        xp = require_backend(name).xp
    try:
        import array_api_compat
    except ImportError:  # numpy >= 2 and cupy >= 13 are close enough to the standard
        return xp
    return array_api_compat.array_namespace(xp.asarray(0.0))


def _rng_family(xp) -> str:
    name = getattr(xp, "__name__", "")
    return "cupy" if "cupy" in name else "numpy"


_BLOCK_NUMBERS = 1 << 21  # random numbers per block of draws (16 MB of float64)
_MIN_CALL_NUMBERS = 2048  # but at least this many per block


def _given_draws(draws, start, count, R, B, d, asarray):
    """``draws(start, count)`` as arrays of ``asarray``, their shapes checked."""
    z, xi = draws(start, count)
    z, xi = asarray(z), asarray(xi)
    if tuple(z.shape) != (R, count, B, d) or tuple(xi.shape) != (R, count, B):
        raise DomainError(
            f"draws({start}, {count}) returned shapes {tuple(z.shape)}, {tuple(xi.shape)}; "
            f"expected {(R, count, B, d)} and {(R, count, B)}"
        )
    return z, xi


def _engine(backend, xp, ns):
    """``"numba"`` or ``"array"`` for ``sample_risk(backend=..., xp=...)``."""
    if backend not in ("auto", "numba", "array"):
        raise ParameterError(f"backend must be 'auto', 'numba' or 'array', got {backend!r}")
    numpy_ns = xp is None or getattr(ns, "__name__", "") in ("numpy", "array_api_compat.numpy")
    if backend == "numba":
        if not numpy_ns:
            raise ParameterError("backend='numba' runs on numpy arrays; leave xp unset or use backend='array'")
        require_backend("numba")
        return "numba"
    if backend == "auto" and xp is None and get_backend("numba").available:
        return "numba"
    return "array"


def sample_risk(
    problem,
    schedule,
    n_steps,
    n_replicas,
    seed,
    checkpoints=None,
    averaging="uniform",
    batch=1,
    xp=None,
    draws="internal",
    method="sgd",
    method_params=None,
    backend="auto",
) -> SampledRisk:
    r"""Monte Carlo SGD on the Gaussian problem: ``n_replicas`` independent runs in lockstep.

    Each replica :math:`r` and step :math:`t` draws :math:`z_{t,b} \sim N(0, I_d)` and
    :math:`\xi_{t,b} \sim N(0,1)`, sets :math:`x = \sqrt\lambda \odot z`,
    :math:`\varepsilon = \sigma\xi`, and with :math:`e = w - w^*` updates

    .. math::

        \text{res}_b = x_b^\top e - \varepsilon_b, \qquad
        e \leftarrow e - \tfrac{\eta_t}{B}\textstyle\sum_b \text{res}_b\, x_b, \qquad
        \bar e \leftarrow (1-\rho_t)\bar e + \rho_t e,

    recording the exact excess risks :math:`\tfrac12\sum_i\lambda_i e_i^2` and
    :math:`\tfrac12\sum_i\lambda_i \bar e_i^2` at the checkpoints. Each replica-step draws
    its :math:`B(d+1)` normals as one call of the replica's stream (:math:`z_{t,b}` then
    :math:`\xi_{t,b}`, for :math:`b = 1..B`).

    Parameters
    ----------
    problem : PowerLawProblem
        Must be unbinned (the sampled process has one coordinate per dimension).
    schedule : Schedule
    n_steps, n_replicas : int
    seed : int or numpy.random.SeedSequence
        Root of the run; replica ``r`` draws only from child ``r`` of
        ``SeedSequence(seed).spawn(n_replicas)``, in step order
        (:func:`~scalinglaws.validators.processes.normal_streams.stream_states`), so its numbers
        depend neither on ``n_replicas`` nor on the thread count.
    checkpoints, averaging, batch
        As in :func:`expected_risk`.
    xp : module or str, optional
        Array namespace of the array engine (default numpy). Random numbers come from the
        replica streams, or from cupy generators when ``xp`` is cupy; other namespaces receive
        them through ``xp.asarray``.
    draws : "internal" or callable
        A callable ``draws(start, count) -> (z, xi)`` returns the standard normals of steps
        ``start+1 .. start+count`` with shapes ``(R, count, B, d)`` and ``(R, count, B)``; both
        engines ask for the same blocks, in step order.
    method, method_params
        As in :func:`expected_risk`. For ``"hb"`` and ``"asgd"`` each replica also carries the
        second state vector :math:`e_v` (started at :math:`e_v = e_w`) and steps
        :math:`(e_w, e_v) \leftarrow M (e_w, e_v) - \eta_t \hat u\, \tfrac1B\sum_b
        \text{res}_b x_b` (see :class:`_MemoryOne`). For ``"genmom"`` the second vector is the
        buffer :math:`y` (started at 0): :math:`y \leftarrow (1-\Delta_k) y + \gamma_1 \hat g`,
        :math:`e \leftarrow e - \eta_t \hat g - \gamma_{3,k} y` (see :class:`_GenMom`).
    backend : {"auto", "numba", "array"}
        The compiled engine, the array engine, or (``"auto"``) the compiled one when numba is
        importable and no ``xp`` is given (an explicit ``xp``, numpy included, runs the array
        code on it, so that namespaces can be compared digit for digit). Same numbers to
        rounding.

    Returns
    -------
    SampledRisk
        Per-replica risks as numpy arrays of shape ``(n_replicas, n_checkpoints)``.
    """
    _check_problem(problem)
    if problem.binned:
        raise DomainError(
            "sample_risk simulates every coordinate; build the problem with bin_width=0 "
            f"(this one bins d={problem.d} into {problem.n_coords} coordinates)"
        )
    if not isinstance(schedule, Schedule):
        raise ParameterError(f"schedule must be a Schedule, got {schedule!r}")
    meth = _configured(method, method_params)
    momentum = meth.mean_M.shape != (1, 1)
    n_steps = _int("n_steps", n_steps, ge=1)
    R = _int("n_replicas", n_replicas, ge=1)
    B = _int("batch", batch, ge=1)
    etas = _step_sizes([schedule], n_steps)[0]
    ck = _checkpoints(checkpoints, n_steps)
    rho = averaging_weights(averaging, n_steps)
    if not (draws == "internal" or callable(draws)):
        raise ParameterError("draws must be 'internal' or a callable draws(start, count)")
    ns = _namespace(xp)
    engine = _engine(backend, xp, ns)
    d = problem.d
    sigma = math.sqrt(problem.sigma2)
    family = _rng_family(ns)
    per_step = B * (d + 1)  # numbers one replica draws per step
    block = max(_BLOCK_NUMBERS // (R * per_step), -(-_MIN_CALL_NUMBERS // per_step), 1)
    block = min(block, n_steps)
    if engine == "numba":
        return _sample_numba(problem, meth, etas, ck, rho, R, B, sigma, seed, draws, n_steps, block)
    if draws == "internal":
        if family == "cupy":
            gens = replica_generators(seed, R, xp=require_backend("cupy").xp)
        else:
            states = normal_streams.stream_states(seed, R)
            fill = "numba" if get_backend("numba").available else "numpy"
            buf = np.empty((R, block, per_step))  # reused: no page faults per block

        def draw_block(start, count):
            if family == "cupy":
                blk = ns.stack([g.standard_normal((count, B, d + 1)) for g in gens])
            else:
                calls = buf if count == block else np.empty((R, count, per_step))
                normal_streams.fill_calls(states, per_step, count, fill, out=calls)
                blk = ns.asarray(calls.reshape(R, count, B, d + 1))
            return blk[..., :d], blk[..., d]

    else:

        def draw_block(start, count):
            return _given_draws(draws, start, count, R, B, d, ns.asarray)

    dtype = ns.float64
    lam = ns.asarray(problem.lam, dtype=dtype)
    sqrt_lam = ns.asarray(np.sqrt(problem.lam), dtype=dtype)
    e = ns.zeros((R, d), dtype=dtype) - ns.asarray(np.sqrt(problem.w2), dtype=dtype)
    ebar = e
    genmom = getattr(meth, "time_dependent", False)
    ev = ns.zeros((R, d), dtype=dtype) if genmom else e  # Gen-Mom's buffer starts at y = 0
    out_last = np.empty((R, ck.size))
    out_avg = np.empty((R, ck.size))
    k = 0
    for start in range(0, n_steps, block):
        count = min(block, n_steps - start)
        Z, XI = draw_block(start, count)
        for j in range(count):
            t = start + j
            z = Z[:, j, :, :]  # (R, B, d); x = sqrt(lam) * z is never formed
            # residual x.e - eps = z.(sqrt(lam) e) - sigma xi
            res = ns.reshape(ns.matmul(z, ns.reshape(sqrt_lam * e, (R, d, 1))), (R, 1, B))
            res = res - sigma * ns.reshape(XI[:, j, :], (R, 1, B))
            # sum_b res_b x_b = sqrt(lam) * sum_b res_b z_b
            grad = sqrt_lam * ns.reshape(ns.matmul(res, z), (R, d))
            if genmom:  # y <- (1 - D) y + g1 g;  e <- e - eta g - g3 y  (g = grad / B)
                (_, a22), (_, u2) = meth.coefficients(t, float(etas[t]))
                ev = a22 * ev - (u2 / B) * grad
                e = e - (float(etas[t]) / B) * grad - meth._g3(t) * ev
            elif momentum:
                (m11, m12), (m21, m22) = meth.mean_M.tolist()
                u1, u2 = (meth.mean_u * (float(etas[t]) / B)).tolist()
                e, ev = m11 * e + m12 * ev - u1 * grad, m21 * e + m22 * ev - u2 * grad
            else:
                e = e - (float(etas[t]) / B) * grad
            if rho is not None:
                r = float(rho[t])
                ebar = (1.0 - r) * ebar + r * e
            if k < ck.size and ck[k] == t + 1:
                out_last[:, k] = to_numpy(0.5 * ns.sum(lam * e * e, axis=1))
                out_avg[:, k] = (
                    to_numpy(0.5 * ns.sum(lam * ebar * ebar, axis=1)) if rho is not None else out_last[:, k]
                )
                k += 1
    return SampledRisk(ck, out_last, out_avg, n_replicas=R)


def _sample_numba(problem, meth, etas, ck, rho, R, B, sigma, seed, draws, n_steps, block):
    """:func:`sample_risk` on the compiled engine (:mod:`._sampled_kernel`); given draws are
    asked for in blocks of ``block`` steps, as the array engine asks for them."""
    from . import _sampled_kernel as K

    d = problem.d
    mode, coef = K.step_coefficients(meth, etas, B)
    E = np.repeat(-np.sqrt(problem.w2)[None, :], R, axis=0)
    EV = np.zeros((R, d)) if mode == 2 else E.copy()
    EBAR = E.copy()
    out_last = np.zeros((R, ck.size))
    out_avg = np.zeros((R, ck.size))
    ck64 = np.ascontiguousarray(ck, dtype=np.int64)
    args = (np.sqrt(problem.lam), np.ascontiguousarray(problem.lam, dtype=np.float64), E, EV, EBAR,
            coef, mode, rho, ck64)
    if draws == "internal":
        states = normal_streams.stream_states(seed, R)
        K.run_sampled_numba(states, *args, 0, 0, n_steps, B, sigma, out_last, out_avg)
    else:
        states = np.zeros((R, 4, normal_streams.LANES + 1), dtype=np.uint64)
        for start in range(0, n_steps, block):
            count = min(block, n_steps - start)
            z, xi = _given_draws(draws, start, count, R, B, d, to_numpy)
            k0 = int(np.searchsorted(ck64, start + 1))
            K.run_sampled_numba(states, *args, k0, start, count, B, sigma, out_last, out_avg, z, xi)
    return SampledRisk(ck, out_last, out_avg, n_replicas=R)
