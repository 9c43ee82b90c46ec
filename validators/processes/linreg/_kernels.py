r"""Numba kernels of the SGD expected-risk recursion (fused compiled loops).

numba is not imported with this module: :func:`_sgd_kernels` jit-compiles the plain functions
below on first use. :func:`_run_sgd_numba` is the ``numba_runner`` of SGD
(:class:`~.methods._SGD`); it agrees with the numpy driver (:func:`~.recursion._run_numpy`) to
~1e-13, and its result does not depend on the thread count nor on the driver that ran it: every
driver splits the coordinates into the same fixed chunks and adds the per-chunk partial sums of
the trace in chunk order, so the serial driver, the per-step ``prange`` driver and the driver
that runs independent schedules on different threads give bit-identical numbers.

Threading (issue 20, the "thread cliff"). Within one run every step needs the trace of the
previous one, so a per-step ``prange`` has one barrier per step. On a machine whose cores are
busy with other work that barrier stalls (a thread descheduled for a time slice holds up every
step: measured up to 9x slower than one thread). :func:`_run_sgd_numba` therefore

* runs several schedules (``P > 1`` rows) on different threads, each one serial inside: one
  parallel region for the whole run, no barrier per step;
* runs a single schedule serially below ``_PARALLEL_MIN_COORDS`` coordinates, and above it in
  blocks of steps: serially, and with the per-step driver only while the machine has idle cores
  for its threads (1-minute load average) and a timed probe on a short block beats the serial
  block; the probe is repeated at doubling intervals, so a machine that becomes loaded falls
  back to one thread after one block, and a probe costs a small fraction of the run.
"""

from __future__ import annotations

import functools
import os
import time

import numpy as np

from ..backend import require_backend

_CHUNK = 2048  # coordinates per partial sum; fixed, so q does not depend on the thread count
_PARALLEL_MIN_COORDS = 1 << 15  # below this a prange launch per step costs more than it saves
_BLOCK_WORK = 1 << 24  # coordinate-steps per timed block of the adaptive driver (~10-20 ms)
_FIRST_WAIT = 4  # serial blocks before the parallel driver is first probed (then doubled)
_PROBE_FRACTION = 16  # a probe runs block // _PROBE_FRACTION steps

# The numba kernels are plain functions here (numba is not imported with this module).
# _sgd_kernels() jit-compiles them on first use; before that it points the globals below at the
# compiled callees and at numba.prange, which numba resolves at compile time. Module-level
# functions without closures keep numba's on-disk cache valid across processes.
_prange = range
_j_dot4 = _j_chunk_last = _j_chunk_avg = _j_block_serial = _j_trace_serial = None


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


def _k_trace(ml, X, part, chunk):  # pragma: no cover - compiled by numba
    n = ml.size
    nch = part.size
    for c in _prange(nch):
        lo = c * chunk
        hi = min(lo + chunk, n)
        part[c] = _j_dot4(ml[lo:hi], X[lo:hi])
    q = 0.0
    for c in range(nch):  # fixed order: the same sum for any thread count
        q += part[c]
    return q


def _k_sgd_block(lam, ml, S, A, C, part, etas, rho, t0, t1, do_avg, coef, inv_b, sigma2,
                 ck, k, q, chunk, out_last, out_avg):  # pragma: no cover - compiled by numba
    """Steps t0..t1-1 of one run, state (S, A, C, q, k) updated in place / returned."""
    n = lam.size
    nch = part.size
    for t in range(t0, t1):
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
    return q, k


def _k_sgd_runs(lam, ml, w2, etas, rho, do_avg, coef, inv_b, sigma2, ck, chunk,
                out_last, out_avg):  # pragma: no cover - compiled by numba
    """Independent runs (rows of etas) on different threads, each one serial inside."""
    n = lam.size
    N = etas.shape[1]
    nch = (n + chunk - 1) // chunk
    for p in _prange(etas.shape[0]):
        S = w2.copy()
        A = w2.copy()
        C = w2.copy()
        part = np.zeros(nch)
        q = _j_trace_serial(ml, S, part, chunk)
        _j_block_serial(lam, ml, S, A, C, part, etas[p], rho, 0, N, do_avg, coef, inv_b,
                        sigma2, ck, 0, q, chunk, out_last[p], out_avg[p])
    return 0


def _renamed(fn, g, name):
    import types

    out = types.FunctionType(fn.__code__, g, name)
    out.__qualname__ = name
    return out


@functools.lru_cache(maxsize=None)
def _sgd_kernels():
    """Compile (once, lazily) the fused SGD recursion: serial and prange builds.

    Keys: ``"block"``/``"trace"`` (serial), ``"block_par"``/``"trace_par"`` (prange over
    coordinate chunks, one barrier per step) and ``"runs"`` (prange over independent runs).
    ``fastmath`` is off (IEEE float64).
    """
    require_backend("numba")
    import numba

    g = globals()
    g["_prange"] = numba.prange
    g["_j_dot4"] = numba.njit(cache=True, inline="never")(_k_dot4)
    g["_j_chunk_last"] = numba.njit(cache=True, inline="never")(_k_chunk_last)
    g["_j_chunk_avg"] = numba.njit(cache=True, inline="never")(_k_chunk_avg)
    block = numba.njit(cache=True)(_k_sgd_block)  # prange runs as range here
    trace = numba.njit(cache=True)(_k_trace)
    g["_j_block_serial"] = block
    g["_j_trace_serial"] = trace
    # renamed copies, so the serial and parallel builds get separate cache entries
    block_par = numba.njit(cache=True, parallel=True)(_renamed(_k_sgd_block, g, "_k_sgd_block_par"))
    trace_par = numba.njit(cache=True, parallel=True)(_renamed(_k_trace, g, "_k_trace_par"))
    runs = numba.njit(cache=True, parallel=True)(_k_sgd_runs)
    return {"block": block, "trace": trace, "block_par": block_par, "trace_par": trace_par,
            "runs": runs}


def _idle_cores():
    """Whether the machine has a core idle for each extra numba thread (1-minute load average).

    Our own running thread counts about 1 in the load average.
    """
    from numba import get_num_threads

    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover - no load average on this platform
        return True
    return load + get_num_threads() - 1 <= (os.cpu_count() or 1) - 0.5


def _adaptive_single(kernels, args, N, n):
    """One run in timed blocks: per-step prange while it beats the serial driver, else serial.

    Same numbers as either driver alone (bit for bit). Returns the per-block log
    ``[(driver, steps, seconds), ...]`` for the benchmarks.
    """
    lam, ml, S, A, C, part, etas, rho, do_avg, coef, inv_b, sigma2, ck, chunk, ol, oa = args
    q = kernels["trace"](ml, S, part, chunk)
    k = 0
    block = max(1, _BLOCK_WORK // max(n, 1))
    probe = max(1, block // _PROBE_FRACTION)
    t = 0
    rate = {"serial": None, "parallel": None}  # seconds per step, latest block of each
    mode, wait, backoff = "serial", _FIRST_WAIT, 2 * _FIRST_WAIT
    log = []
    while t < N:
        if mode == "serial" and wait <= 0 and _idle_cores():
            mode = "parallel"  # (re-)probe on a short block
            t1 = min(N, t + probe)
        else:
            t1 = min(N, t + block)
        drv = kernels["block_par" if mode == "parallel" else "block"]
        t_start = time.perf_counter()
        q, k = drv(lam, ml, S, A, C, part, etas, rho, t, t1, do_avg, coef, inv_b, sigma2, ck, k,
                   q, chunk, ol, oa)
        dt = time.perf_counter() - t_start
        log.append((mode, t1 - t, dt))
        rate[mode] = dt / (t1 - t)
        t = t1
        if mode == "parallel":
            if rate["parallel"] >= rate["serial"]:
                mode, wait, backoff = "serial", backoff, 2 * backoff
        else:
            wait -= 1
            if wait <= 0 and not _idle_cores():
                wait, backoff = backoff, 2 * backoff
    return log


#: per-block log of the last single-run adaptive call (driver, steps, seconds); for benchmarks
last_log: list = []


def _run_sgd_numba(lam, mult, w2, sigma2, batch, etas, rho, ck, parallel=None):
    """Fused numba SGD recursion; ``etas`` has one row per run.

    ``parallel``: ``None`` (default) chooses by the work per step and the machine's load (see
    the module docstring): several rows run on separate threads, one row of at least
    ``_PARALLEL_MIN_COORDS`` coordinates runs adaptively; ``False`` forces the serial driver,
    ``True`` the per-step prange driver for every row, ``"runs"`` the over-runs driver. The
    numbers are the same whatever the choice and the thread count.
    """
    kernels = _sgd_kernels()
    from numba import get_num_threads as numba_threads

    n = lam.size
    lam = np.ascontiguousarray(lam, dtype=np.float64)
    ml = np.ascontiguousarray(mult * lam, dtype=np.float64)
    w2 = np.ascontiguousarray(w2, dtype=np.float64)
    do_avg = rho is not None
    rho_arr = np.ascontiguousarray(rho if do_avg else np.zeros(1), dtype=np.float64)
    ck = np.ascontiguousarray(ck, dtype=np.int64)
    etas = np.ascontiguousarray(etas, dtype=np.float64)
    P, N = etas.shape
    out_last = np.empty((P, ck.size))
    out_avg = np.empty((P, ck.size))
    coef, inv_b, s2 = 1.0 + 1.0 / batch, 1.0 / batch, float(sigma2)
    threads = numba_threads()
    if parallel is None:
        if threads > 1 and P > 1:
            parallel = "runs"
        elif threads > 1 and n >= _PARALLEL_MIN_COORDS:
            parallel = "adaptive"
        else:
            parallel = False
    if parallel == "runs":
        kernels["runs"](lam, ml, w2, etas, rho_arr, do_avg, coef, inv_b, s2, ck, _CHUNK,
                        out_last, out_avg)
        return out_last, out_avg
    nch = (n + _CHUNK - 1) // _CHUNK
    for p in range(P):
        S, A, C = w2.copy(), w2.copy(), w2.copy()
        part = np.zeros(nch)
        if parallel == "adaptive":
            global last_log
            last_log = _adaptive_single(
                kernels, (lam, ml, S, A, C, part, etas[p], rho_arr, do_avg, coef, inv_b, s2, ck,
                          _CHUNK, out_last[p], out_avg[p]), N, n)
            continue
        key = "_par" if parallel else ""
        q = kernels["trace" + key](ml, S, part, _CHUNK)
        kernels["block" + key](lam, ml, S, A, C, part, etas[p], rho_arr, 0, N, do_avg, coef,
                               inv_b, s2, ck, 0, q, _CHUNK, out_last[p], out_avg[p])
    return out_last, out_avg
