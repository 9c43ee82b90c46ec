"""Running the checks of one ``verify`` on several worker processes of this machine.

``scalinglaws verify --jobs N`` runs each check that has no finished record as one task of a
pool of N worker processes (default: one per CPU this process may use, at most 4). Each worker
runs its checks on one thread (one BLAS thread, one Numba thread, one task thread), so N workers
use N cores with no barrier shared between them; on a busy machine a worker slows down in
proportion and never stalls the others. The records are the ones a run with ``--jobs 1`` writes:
every random stream is a child of ``settings.seed``, never of a worker's state or of the number
of threads, and the records come back to this process, which writes each one as soon as it
arrives (so an interrupted run resumes as any other).

Each worker takes the checks of one validator module at a time (the next module, largest
expected time first, when it is idle): the simulation that several checks of a module share
through a module-level cache is then computed once, not once per worker.

A short run (checks expected to take under :data:`MIN_SECONDS` in all, by their estimates)
stays in this process: starting the workers (each imports the catalogue) costs more than it
saves.
"""

from __future__ import annotations

import os

__all__ = ["default_jobs", "run_in_processes", "schedule", "MIN_SECONDS"]

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


def _group(item) -> str:
    """The worker-sticky group of a check: the module that defines it (its paper's validator),
    whose module-level caches (one simulation measured by several checks) its other checks
    reuse only on the same worker."""
    return getattr(getattr(item, "run", None), "__module__", None) or item.paper


def schedule(pending, estimates=None) -> list[list]:
    """``pending`` items grouped by :func:`_group` (order kept within a group), largest expected
    time first (``estimates``: ``{check name: seconds}``, else each check's ``quick_seconds``):
    the order in which idle workers take whole groups (longest-processing-time first)."""
    estimates = estimates or {}
    groups: dict[str, list] = {}
    for entry in pending:
        groups.setdefault(_group(entry[0]), []).append(entry)

    def cost(group):
        return sum(float(estimates.get(e[0].name, e[0].quick_seconds) or 0.0) for e in group)

    return sorted(groups.values(), key=cost, reverse=True)


def run_in_processes(pending, settings, jobs: int, estimates=None):
    """Run ``pending`` ``(check, path, fingerprint)`` triples on ``jobs`` worker processes;
    yield ``(check, path, record)`` as they finish. A worker that dies yields an error record
    for its check (rerun by the next run). Closing the generator cancels what has not started.

    Each worker takes a whole group of checks at a time (the checks of one validator module,
    :func:`schedule`: largest expected time first, the next group when it is idle), so a
    simulation that several checks of a module share is computed once, not once per worker.
    Which worker runs a check never changes its record.
    """
    import concurrent.futures
    import multiprocessing
    from .distributed import _reference
    from .verify import lost_record

    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited threads
    groups = schedule(pending, estimates)
    workers: list = []
    futures: dict = {}  # future -> (item, path, stamp, worker index): what is outstanding

    def new_worker():
        return concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context,
                                                      initializer=_one_thread)

    def submit(index, item, stamp):
        try:
            return workers[index].submit(_task, _reference(item), settings, stamp)
        except concurrent.futures.process.BrokenProcessPool:  # its process died: a fresh one
            workers[index].shutdown(wait=False, cancel_futures=True)
            workers[index] = new_worker()
            return workers[index].submit(_task, _reference(item), settings, stamp)

    def feed(index):
        """Hand the next group to worker ``index`` once nothing of its last group is left."""
        if groups and all(entry[3] != index for entry in futures.values()):
            for item, path, stamp in groups.pop(0):
                futures[submit(index, item, stamp)] = (item, path, stamp, index)

    try:
        for index in range(max(1, min(jobs, len(groups)))):
            workers.append(new_worker())
            feed(index)
        while futures:
            done, _ = concurrent.futures.wait(list(futures),
                                              return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                item, path, stamp, index = futures.pop(future)
                try:
                    record = future.result()
                except Exception as exc:  # the worker died, or the check could not be sent
                    record = lost_record(item, settings, stamp, exc)
                yield item, path, record
                feed(index)
    finally:
        for worker in workers:
            worker.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.shutdown(wait=True)
