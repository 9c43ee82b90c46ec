r"""The compiled sampled process: every replica's whole run in one fused loop.

:func:`run_sampled_numba` runs the process of :func:`~.sampled.sample_risk` for all replicas,
one replica per ``prange`` iteration and all its steps inside it: one parallel region for the
whole run, no barrier per step (the thread cliff of issue 20 does not arise), and a replica's
numbers do not depend on the thread count. Each step draws its ``B(d+1)`` normals as one call of
the replica's stream (:mod:`~scalinglaws.validators.processes.normal_streams`) into a buffer that
stays in L1, then forms the residuals and the gradient with plain loops over ``d``; nothing of
size ``R × d`` is written per step.

Per step ``t`` the update is linear in ``(e, e_v, g)`` with ``g = √λ ⊙ Σ_b res_b z_b``; the
coefficients are prepared in Python (:func:`step_coefficients`), so SGD, the memory-one methods
and Gen-Mom share this kernel:

* mode 0 (SGD): ``e ← e − c₄ g``;
* mode 1 (memory one): ``(e, e_v) ← (c₀ e + c₁ e_v − c₄ g, c₂ e + c₃ e_v − c₅ g)``;
* mode 2 (Gen-Mom): ``e_v ← c₃ e_v − c₅ g``, then ``e ← e − c₄ g − c₁ e_v``.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import normal_streams
from ..backend import require_backend

_prange = range
_j_call = None


def step_coefficients(meth, etas, B) -> tuple[int, np.ndarray]:
    """``(mode, coef)`` with ``coef`` of shape ``(N, 6)``: the update of every step (see above)."""
    N = etas.size
    coef = np.zeros((N, 6))
    if getattr(meth, "time_dependent", False):
        for t in range(N):
            (_, a22), (_, u2) = meth.coefficients(t, float(etas[t]))
            coef[t, 1] = meth._g3(t)
            coef[t, 3] = a22
            coef[t, 4] = float(etas[t]) / B
            coef[t, 5] = u2 / B
        return 2, coef
    if meth.mean_M.shape != (1, 1):
        (m11, m12), (m21, m22) = meth.mean_M.tolist()
        coef[:, 0], coef[:, 1], coef[:, 2], coef[:, 3] = m11, m12, m21, m22
        for t in range(N):
            coef[t, 4], coef[t, 5] = (meth.mean_u * (float(etas[t]) / B)).tolist()
        return 1, coef
    coef[:, 4] = etas / B
    return 0, coef


def _k_sampled(states, sqrt_lam, lam, E, EV, EBAR, coef, mode, rho, do_avg, ck, k0, t0, count,
               B, sigma, Z, XI, given, out_last, out_avg):  # pragma: no cover - compiled by numba
    R, d = E.shape
    per = B * (d + 1)
    for r in _prange(R):
        raw = np.empty(16 * ((per + 15) // 16), dtype=np.uint64)
        missed = np.empty(per, dtype=np.intp)
        buf = np.empty(per)
        res = np.empty(B)
        se = np.empty(d)
        g = np.empty(d)
        e = E[r].copy()  # private copies: a view shares its parent's reference count, which
        ev = EV[r].copy()  # every thread would update at each use
        eb = EBAR[r].copy()
        st = states[r].copy()
        for i in range(d):
            se[i] = sqrt_lam[i] * e[i]
        k = k0
        for j in range(count):
            t = t0 + j
            if given:
                for b in range(B):
                    for i in range(d):
                        buf[b * (d + 1) + i] = Z[r, j, b, i]
                    buf[b * (d + 1) + d] = XI[r, j, b]
            else:
                _j_call(st, per, raw, buf, missed)
            for b in range(B):  # res_b = z_b . (sqrt(lam) e) - sigma xi_b
                o = b * (d + 1)
                acc = 0.0  # a plain loop: reassociation lets LLVM vectorise it (partial
                for i in range(d):  # sums unrolled by hand were twice as slow: not vectorised)
                    acc += buf[o + i] * se[i]
                res[b] = acc - sigma * buf[o + d]
            c0 = coef[t, 0]
            c1 = coef[t, 1]
            c2 = coef[t, 2]
            c3 = coef[t, 3]
            c4 = coef[t, 4]
            c5 = coef[t, 5]
            r0 = res[0]  # g = sum_b res_b z_b
            for i in range(d):
                g[i] = r0 * buf[i]
            for b in range(1, B):
                o = b * (d + 1)
                rb = res[b]
                for i in range(d):
                    g[i] += rb * buf[o + i]
            if mode == 0:  # the updates (g_i scaled by sqrt(lam_i) here), and sqrt(lam) e
                for i in range(d):
                    e[i] -= c4 * (sqrt_lam[i] * g[i])
                    se[i] = sqrt_lam[i] * e[i]
            elif mode == 1:
                for i in range(d):
                    gi = sqrt_lam[i] * g[i]
                    ei = e[i]
                    e[i] = c0 * ei + c1 * ev[i] - c4 * gi
                    ev[i] = c2 * ei + c3 * ev[i] - c5 * gi
                    se[i] = sqrt_lam[i] * e[i]
            else:
                for i in range(d):
                    gi = sqrt_lam[i] * g[i]
                    ev[i] = c3 * ev[i] - c5 * gi
                    e[i] = e[i] - c4 * gi - c1 * ev[i]
                    se[i] = sqrt_lam[i] * e[i]
            if do_avg:
                rt = rho[t]
                for i in range(d):
                    eb[i] = (1.0 - rt) * eb[i] + rt * e[i]
            if k < ck.size and ck[k] == t + 1:
                s_last = 0.0
                s_avg = 0.0
                for i in range(d):
                    s_last += lam[i] * e[i] * e[i]
                    s_avg += lam[i] * eb[i] * eb[i]
                out_last[r, k] = 0.5 * s_last
                out_avg[r, k] = 0.5 * s_avg if do_avg else 0.5 * s_last
                k += 1
        E[r] = e
        EV[r] = ev
        EBAR[r] = eb
        states[r] = st


def _agrees_with_the_streams(kernel) -> bool:
    """The kernel's own draws are the numpy reference's, bit for bit (three SGD steps).

    The kernel inlines ``normal_streams._k_call``, and numba invalidates an on-disk cache only
    when the cached function's own file changes: a cache compiled against an older
    ``normal_streams`` would draw other numbers. The kernel runs once on its internal draws and
    once on the numpy reference's draws passed in; the two runs must be equal, and equal to the
    same steps in numpy to rounding. Seed 1768's 3 x 1005 normals take every path of the
    ziggurat: 6 misses, among them a wedge acceptance, 3 wedge rejections and their restarts,
    and two tails, one of each sign (the first seed from 0 whose draws hold a tail of
    each sign).
    """
    d, B, n, sigma, c4 = 200, 5, 3, 0.7, 0.01
    lam = 1.0 / np.arange(1.0, d + 1)
    states = normal_streams.stream_states(1768, 1)
    draws = normal_streams.fill_calls(states.copy(), B * (d + 1), n, "numpy")[0]
    e = np.ones(d)
    for t in range(n):
        z = draws[t].reshape(B, d + 1)
        res = z[:, :d] @ (np.sqrt(lam) * e) - sigma * z[:, d]
        e = e - c4 * np.sqrt(lam) * (res @ z[:, :d])
    coef = np.zeros((n, 6))
    coef[:, 4] = c4
    finals = []
    for given in (False, True):
        E = np.ones((1, d))
        out = np.zeros((1, 1))
        Z = draws.reshape(1, n, B, d + 1)[..., :d].copy() if given else np.empty((1, 0, B, d))
        XI = draws.reshape(1, n, B, d + 1)[..., d].copy() if given else np.empty((1, 0, B))
        kernel(states.copy(), np.sqrt(lam), lam, E, E.copy(), E.copy(), coef, 0, np.empty(0),
               False, np.array([n], dtype=np.int64), 0, 0, n, B, sigma, Z, XI, given, out,
               out.copy())
        finals.append(E[0])
    return bool(np.array_equal(finals[0], finals[1])
                and np.allclose(finals[0], e, rtol=1e-12, atol=0.0))


@functools.cache
def _kernel():
    require_backend("numba")
    import numba

    normal_streams._kernels()
    g = globals()
    g["_j_call"] = normal_streams._j_call
    g["_prange"] = numba.prange
    # reassociation and contraction let LLVM vectorise the dots; the stream's numbers are not
    # touched by it (its fast path is one rounding, its slow path compiles without the flags)
    options = {"parallel": True, "boundscheck": False, "fastmath": {"reassoc", "contract"}}
    kernel = numba.njit(cache=True, **options)(_k_sampled)
    if _agrees_with_the_streams(kernel):
        return kernel
    # a stale on-disk cache: drop it (numba's cache object; private API, hence the getattr),
    # and compile afresh, caching the new kernel where the cache could be dropped
    cache = getattr(kernel, "_cache", None)
    flushed = callable(getattr(cache, "flush", None))
    if flushed:
        cache.flush()
    kernel = numba.njit(cache=flushed, **options)(_k_sampled)
    if not _agrees_with_the_streams(kernel):
        raise RuntimeError("the compiled sampled process disagrees with normal_streams")
    return kernel


def run_sampled_numba(states, sqrt_lam, lam, E, EV, EBAR, coef, mode, rho, ck, k0, t0, count, B,
                      sigma, out_last, out_avg, Z=None, XI=None):
    """Advance every replica by ``count`` steps from step ``t0`` (arrays updated in place).

    ``Z, XI`` (shapes ``(R, count, B, d)``, ``(R, count, B)``) are given draws; ``None`` draws
    from ``states``.
    """
    R, d = E.shape
    given = Z is not None
    if not given:
        Z = np.empty((R, 0, B, d))
        XI = np.empty((R, 0, B))
    do_avg = rho is not None
    rho_arr = rho if do_avg else np.empty(0)
    _kernel()(states, sqrt_lam, lam, E, EV, EBAR, coef, mode, rho_arr, do_avg, ck, k0, t0, count,
              B, sigma, np.ascontiguousarray(Z, dtype=np.float64),
              np.ascontiguousarray(XI, dtype=np.float64), given, out_last, out_avg)
