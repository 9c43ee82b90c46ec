"""Run small dense linear algebra on one BLAS thread, and independent tasks on worker threads.

OpenBLAS splits even a 128 x 128 SVD over its threads and synchronises them with spin-waits;
on a shared machine whose cores are busy, a descheduled thread stalls the others at every
barrier. Measured on a 2-core box under a load of ~11: an SVD of a 128 x 128 float64 matrix
took 1.4 s on OpenBLAS's 2 threads against 6.5 ms on one (``eigh`` 0.6 s against 3.3 ms). The
processes therefore run their small factorisations (SVD, eigh, solve) and their stacks of
small matrix products inside :func:`single_blas_thread`, and use the cores by running
independent tasks (replicas, grid points) on worker threads (:func:`map_tasks`), each with
one BLAS thread: no barrier inside a call, so a busy machine slows the tasks in proportion
and never stalls them.

The thread count of every OpenBLAS library loaded in the process (numpy's, and scipy's when it
is loaded) is set through its C entry point (ctypes). Where that fails (another BLAS, another
platform) the context manager does nothing. Numbers do not depend on the thread count of these
calls beyond rounding.

>>> import numpy as np
>>> with single_blas_thread():
...     s = np.linalg.svd(np.eye(3), compute_uv=False)
>>> s.tolist()
[1.0, 1.0, 1.0]
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import threading

__all__ = ["single_blas_thread", "blas_threads", "map_tasks", "default_workers", "usable_cpus"]

_SET = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
        "openblas_set_num_threads64_", "openblas_set_num_threads")
_GET = ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads",
        "openblas_get_num_threads64_", "openblas_get_num_threads")
_LOCK = threading.RLock()
_DEPTH = [0]


_SCANNED: dict = {}


def _loaded_openblas() -> tuple[str, ...]:
    """The OpenBLAS libraries loaded in this process. Reading ``/proc/self/maps`` costs
    milliseconds, so the answer is kept until a module is imported (the way a new OpenBLAS
    arrives: scipy's, an extension's)."""
    import sys

    modules = len(sys.modules)
    if _SCANNED.get("modules") == modules:
        return _SCANNED["found"]
    try:
        with open("/proc/self/maps") as fh:
            names = {line.split()[-1] for line in fh if "openblas" in line.lower()}
    except OSError:
        return ()
    found = tuple(sorted(n for n in names if ".so" in n))
    _SCANNED.update(modules=modules, found=found)
    return found


@functools.lru_cache(maxsize=8)
def _handles(paths: tuple[str, ...]):
    out = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        setter = next((getattr(lib, s) for s in _SET if hasattr(lib, s)), None)
        getter = next((getattr(lib, s) for s in _GET if hasattr(lib, s)), None)
        if setter is not None and getter is not None:
            setter.argtypes, setter.restype = [ctypes.c_int], None
            getter.argtypes, getter.restype = [], ctypes.c_int
            out.append((setter, getter))
    return tuple(out)


def blas_threads() -> list[int]:
    """The current thread count of each loaded OpenBLAS (empty when none is found)."""
    return [int(get()) for _, get in _handles(_loaded_openblas())]


@contextlib.contextmanager
def single_blas_thread():
    """Run the block with every loaded OpenBLAS on one thread (re-entrant; restores the
    previous counts on exit)."""
    with _LOCK:
        _DEPTH[0] += 1
        outer = _DEPTH[0] == 1
        saved = []
        if outer:
            for setter, getter in _handles(_loaded_openblas()):
                saved.append((setter, int(getter())))
                setter(1)
    try:
        yield
    finally:
        with _LOCK:
            _DEPTH[0] -= 1
            for setter, n in saved:
                setter(n)


def default_workers() -> int:
    """Worker threads for independent tasks: the CPUs this process may run on, at most 4
    (1 in a worker process of ``verify --jobs``, which sets ``SCALINGLAWS_TASK_WORKERS``)."""
    import os

    forced = os.environ.get("SCALINGLAWS_TASK_WORKERS", "")
    if forced.isdigit() and int(forced) >= 1:
        return int(forced)
    return usable_cpus()


def usable_cpus(limit: int = 4) -> int:
    """The CPUs this process may run on, at most ``limit``."""
    import os

    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(limit, n))


def map_tasks(fn, items, workers: int | None = None) -> list:
    """``[fn(item) for item in items]``, run on ``workers`` threads (default
    :func:`default_workers`), each task's BLAS on one thread.

    Parallel over independent tasks (replicas, grid points) instead of inside one BLAS call:
    no barrier per call, so a busy machine slows the tasks down in proportion and never stalls
    them. Results come back in the order of ``items`` whatever the schedule; a task must
    write only what it returns (or slots of its own), and draw from its own generator, so
    that the numbers do not depend on the number of workers.

    >>> map_tasks(lambda x: x * x, range(5), workers=2)
    [0, 1, 4, 9, 16]
    """
    items = list(items)
    workers = default_workers() if workers is None else int(workers)
    with single_blas_thread():
        if workers <= 1 or len(items) <= 1:
            return [fn(item) for item in items]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
            return list(pool.map(fn, items))
