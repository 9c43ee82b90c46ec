"""Running the checks of one ``verify`` on several worker processes of this machine.

``scalinglaws verify --jobs N`` runs each check that has no finished record as one task of a
pool of N worker processes (default: one per CPU this process may use, at most 4). Each worker
runs its checks on one thread (one BLAS thread, one Numba thread, one task thread), so N workers
use N cores with no barrier shared between them; on a busy machine a worker slows down in
proportion and never stalls the others. The records are the ones a run with ``--jobs 1`` writes:
every random stream is a child of ``settings.seed``, never of a worker's state or of the number
of threads, and the records come back to this process, which writes each one as soon as it
arrives (so an interrupted run resumes as any other).

A short run (checks expected to take under :data:`MIN_SECONDS` in all, by their estimates)
stays in this process: starting the workers (each imports the catalogue) costs more than it
saves.
"""

from __future__ import annotations

import os

__all__ = ["default_jobs", "run_in_processes", "MIN_SECONDS"]

#: Quick checks expected to take less than this in all run in this process, whatever ``--jobs``.
MIN_SECONDS = 20.0

#: Read by :func:`scalinglaws.validators.processes.blas_threads.default_workers` in a worker.
_WORKERS_ENV = "SCALINGLAWS_TASK_WORKERS"


def default_jobs() -> int:
    """Worker processes for ``--jobs`` when not given: the CPUs this process may use, at most 4."""
    from ..processes.blas_threads import usable_cpus

    return usable_cpus()


def _one_thread() -> None:
    """Pool initializer: everything in this worker runs on one thread."""
    os.environ[_WORKERS_ENV] = "1"
    from ..processes.blas_threads import _handles, _loaded_openblas

    for setter, _ in _handles(_loaded_openblas()):
        setter(1)
    try:
        import numba
    except Exception:  # numba is optional; without it nothing here spawns threads
        return
    numba.set_num_threads(1)


def _task(ref, settings, stamp) -> dict:
    from .distributed import _resolve
    from .verify import _run_one

    return _run_one(_resolve(ref), settings, stamp)


def run_in_processes(pending, settings, jobs: int):
    """Run ``pending`` ``(check, path, fingerprint)`` triples on ``jobs`` worker processes;
    yield ``(check, path, record)`` as they finish. A worker that dies yields an error record
    for its check (rerun by the next run). Closing the generator cancels what has not started.
    """
    import concurrent.futures
    import multiprocessing
    from .distributed import _reference
    from .verify import lost_record

    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited threads
    pool = concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                                  initializer=_one_thread)
    futures = {}
    try:
        for item, path, stamp in pending:
            futures[pool.submit(_task, _reference(item), settings, stamp)] = (item, path, stamp)
        for future in concurrent.futures.as_completed(futures):
            item, path, stamp = futures[future]
            try:
                record = future.result()
            except Exception as exc:  # the worker died, or the check could not be sent
                record = lost_record(item, settings, stamp, exc)
            yield item, path, record
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
