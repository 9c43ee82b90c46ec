r"""Numba kernels of the SGD expected-risk recursion (one fused compiled loop).

numba is not imported with this module: :func:`_sgd_kernels` jit-compiles the plain functions
below on first use. :func:`_run_sgd_numba` is the ``numba_runner`` of SGD
(:class:`~.methods._SGD`); it agrees with the numpy driver (:func:`~.recursion._run_numpy`) to
~1e-13, and its result does not depend on the thread count.
"""

from __future__ import annotations

import functools

import numpy as np

from ..backend import require_backend

_CHUNK = 2048  # coordinates per partial sum; fixed, so q does not depend on the thread count
_PARALLEL_MIN_COORDS = 1 << 15  # below this a prange launch per step costs more than it saves

# The numba kernels are plain functions here (numba is not imported with this module).
# _sgd_kernels() jit-compiles them on first use; before that it points the globals below at the
# compiled callees and at numba.prange, which numba resolves at compile time. Module-level
# functions without closures keep numba's on-disk cache valid across processes.
_prange = range
_j_dot4 = _j_chunk_last = _j_chunk_avg = None


def _k_dot4(x, y):  # pragma: no cover - compiled by numba
    n = x.size
    m = (n // 4) * 4
    a0 = 0.0
    a1 = 0.0
    a2 = 0.0
    a3 = 0.0
    for i in range(0, m, 4):
        a0 += x[i] * y[i]
        a1 += x[i + 1] * y[i + 1]
        a2 += x[i + 2] * y[i + 2]
        a3 += x[i + 3] * y[i + 3]
    for i in range(m, n):
        a0 += x[i] * y[i]
    return (a0 + a1) + (a2 + a3)


def _k_chunk_last(lam, ml, S, al, be, K):  # pragma: no cover - compiled by numba
    # chunks are passed as slices starting at 0: no negative-index wraparound in the loop,
    # so LLVM vectorises it without fastmath
    for i in range(lam.size):
        l = lam[i]
        S[i] = S[i] * (1.0 + l * (al + be * l)) + K * l
    return _j_dot4(ml, S)


def _k_chunk_avg(lam, ml, S, A, C, al, be, K, g, r1, r2, r3, om, r):  # pragma: no cover
    for i in range(lam.size):
        l = lam[i]
        s = S[i] * (1.0 + l * (al + be * l)) + K * l
        S[i] = s
        cp = (1.0 + g * l) * C[i]
        A[i] = r1 * A[i] + r2 * s + r3 * cp
        C[i] = om * cp + r * s
    return _j_dot4(ml, S)


def _k_sgd_driver(lam, ml, w2, etas, rho, do_avg, coef, inv_b, sigma2, ck, chunk, out_last, out_avg):  # pragma: no cover
    n = lam.size
    N = etas.size
    S = w2.copy()
    A = w2.copy()
    C = w2.copy()
    nch = (n + chunk - 1) // chunk
    part = np.zeros(nch)
    for c in _prange(nch):
        lo = c * chunk
        hi = min(lo + chunk, n)
        part[c] = _j_dot4(ml[lo:hi], S[lo:hi])
    q = 0.0
    for c in range(nch):
        q += part[c]
    k = 0
    for t in range(N):
        e = etas[t]
        al = -2.0 * e
        be = coef * e * e
        K = e * e * ((q + sigma2) * inv_b)
        if do_avg:
            r = rho[t]
            g = -e
            r1 = (1.0 - r) * (1.0 - r)
            r2 = r * r
            r3 = 2.0 * r * (1.0 - r)
            om = 1.0 - r
            for c in _prange(nch):
                lo = c * chunk
                hi = min(lo + chunk, n)
                part[c] = _j_chunk_avg(
                    lam[lo:hi], ml[lo:hi], S[lo:hi], A[lo:hi], C[lo:hi],
                    al, be, K, g, r1, r2, r3, om, r,
                )
        else:
            for c in _prange(nch):
                lo = c * chunk
                hi = min(lo + chunk, n)
                part[c] = _j_chunk_last(lam[lo:hi], ml[lo:hi], S[lo:hi], al, be, K)
        q = 0.0
        for c in range(nch):  # fixed order: the same q for any thread count
            q += part[c]
        if k < ck.size and ck[k] == t + 1:
            out_last[k] = 0.5 * q
            if do_avg:
                for c in _prange(nch):
                    lo = c * chunk
                    hi = min(lo + chunk, n)
                    part[c] = _j_dot4(ml[lo:hi], A[lo:hi])
                sa = 0.0
                for c in range(nch):
                    sa += part[c]
                out_avg[k] = 0.5 * sa
            else:
                out_avg[k] = 0.5 * q
            k += 1
    return 0


@functools.lru_cache(maxsize=None)
def _sgd_kernels():
    """Compile (once, lazily) the fused SGD recursion: a serial and a prange driver.

    Both drivers split the coordinates into fixed chunks of ``_CHUNK``; each chunk returns its
    partial sum of :math:`m_i\\lambda_i S_i` (4 interleaved accumulators, fixed order) and the
    partials are added in chunk order. The result is therefore bit-identical for the serial
    driver and the parallel one under any thread count. ``fastmath`` is off (IEEE float64).
    """
    require_backend("numba")
    import types

    import numba

    g = globals()
    g["_prange"] = numba.prange
    g["_j_dot4"] = numba.njit(cache=True, inline="never")(_k_dot4)
    g["_j_chunk_last"] = numba.njit(cache=True, inline="never")(_k_chunk_last)
    g["_j_chunk_avg"] = numba.njit(cache=True, inline="never")(_k_chunk_avg)
    serial = numba.njit(cache=True)(_k_sgd_driver)  # prange runs as range here
    # a renamed copy, so the serial and parallel builds get separate cache entries
    par_fn = types.FunctionType(_k_sgd_driver.__code__, g, "_k_sgd_driver_parallel")
    par_fn.__qualname__ = "_k_sgd_driver_parallel"
    parallel = numba.njit(cache=True, parallel=True)(par_fn)
    return {"serial": serial, "parallel": parallel}


def _run_sgd_numba(lam, mult, w2, sigma2, batch, etas, rho, ck, parallel=None):
    """Fused numba SGD recursion; one compiled call per row of ``etas``.

    ``parallel=None`` uses the prange driver from ``_PARALLEL_MIN_COORDS`` coordinates on when
    numba has more than one thread. On a machine whose cores are busy with other work the
    per-step barrier of the prange driver can make it slower than the serial one; call
    ``numba.set_num_threads(1)`` there.
    """
    kernels = _sgd_kernels()
    from numba import get_num_threads as numba_threads
    n = lam.size
    if parallel is None:  # numba.set_num_threads(1) selects the serial driver
        parallel = n >= _PARALLEL_MIN_COORDS and numba_threads() > 1
    driver = kernels["parallel" if parallel else "serial"]
    lam = np.ascontiguousarray(lam, dtype=np.float64)
    ml = np.ascontiguousarray(mult * lam, dtype=np.float64)
    w2 = np.ascontiguousarray(w2, dtype=np.float64)
    do_avg = rho is not None
    rho_arr = np.ascontiguousarray(rho if do_avg else np.zeros(1), dtype=np.float64)
    ck = np.ascontiguousarray(ck, dtype=np.int64)
    P = etas.shape[0]
    out_last = np.empty((P, ck.size))
    out_avg = np.empty((P, ck.size))
    for p in range(P):
        driver(
            lam, ml, w2, np.ascontiguousarray(etas[p]), rho_arr, do_avg,
            1.0 + 1.0 / batch, 1.0 / batch, float(sigma2), ck, _CHUNK, out_last[p], out_avg[p],
        )
    return out_last, out_avg
