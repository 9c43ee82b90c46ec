"""Running checks, and the independent pieces inside a check, as Dask tasks.

``scalinglaws verify --dask [N]`` (a ``LocalCluster`` of N worker processes here) or
``--scheduler ADDRESS`` (a running cluster) sends each check that has no finished record to the
cluster as one task. The task measures and judges the check on a worker exactly as a local run
does and returns its record; this process writes the record as soon as it arrives, so the report
is the same as a local run's, and an interrupted cluster run resumes from the records already
written. Same seed, same numbers, whatever the number of workers: every random stream is a child
of ``settings.seed``, never of a worker's state.

Inside a check, :func:`task_map` maps a function over independent replicas or grid points: as
Dask tasks when the check is itself running as a Dask task, in this process otherwise; the result
is the same list in the same order either way.

Dask is an optional extra (``pip install 'scalinglaws[dask]'``); nothing here imports it before
it is asked for, and ``import scalinglaws`` never does.
"""

from __future__ import annotations

import sys

from scalinglaws.errors import BackendUnavailableError, ParameterError

__all__ = ["make_client", "close_client", "run_on_dask", "task_map", "in_dask_task"]

_MISSING = ("--dask/--scheduler need Dask: pip install 'scalinglaws[dask]' "
            "(or pip install 'dask[distributed]')")


def _distributed():
    """The ``distributed`` package, or a one-line BackendUnavailableError naming the extra."""
    try:
        import distributed
    except Exception as exc:  # ImportError, or a broken install raising something else
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise BackendUnavailableError(f"{_MISSING}; import failed: {reason}") from None
    return distributed


def make_client(address: str | None = None, workers: int | None = None, *,
                processes: bool = True, timeout: float = 20.0):
    """A ``distributed.Client``: to the scheduler at ``address``, or to a new ``LocalCluster``
    of ``workers`` single-threaded workers (default: one per CPU; ``processes=False`` runs them
    as threads of this process, for tests). A scheduler that cannot be reached is a one-line
    :class:`~scalinglaws.errors.ParameterError`."""
    distributed = _distributed()
    if address is not None:
        text = str(address).strip()
        if not text:
            raise ParameterError("--scheduler: the address is empty; give tcp://HOST:PORT")
        try:
            return distributed.Client(text, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            shown = text if len(text) <= 80 else text[:77] + "..."
            raise ParameterError(
                f"--scheduler: cannot reach a Dask scheduler at {shown!r}: {reason[:200]}"
            ) from None
    import os

    n = int(workers) if workers else max(1, os.cpu_count() or 1)
    import logging

    cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=processes,
                                       dashboard_address=":0", silence_logs=logging.ERROR)
    client = distributed.Client(cluster)
    client._scalinglaws_cluster = cluster  # closed with the client by close_client
    return client


def close_client(client) -> None:
    """Close ``client`` and the ``LocalCluster`` :func:`make_client` started for it, if any."""
    cluster = getattr(client, "_scalinglaws_cluster", None)
    try:
        client.close()
    finally:
        if cluster is not None:
            cluster.close()


def _resolve(ref):
    """A check from its reference: a registered check's name, or the pickled check itself."""
    if isinstance(ref, str):
        from .checks import all_checks

        for item in all_checks():
            if item.name == ref:
                return item
        raise LookupError(f"check {ref!r} is not registered on this worker")
    return ref


def _remote(ref, settings, stamp, run_one):
    """The task: the check's record, measured and judged on a worker."""
    from .verify import _engine_stamp

    item = _resolve(ref)
    engine, version = _engine_stamp()
    if (engine, version) != (stamp.get("engine"), stamp.get("version")):
        raise RuntimeError(
            f"this worker runs scalinglaws {version} (engine {engine}), the client "
            f"{stamp.get('version')} (engine {stamp.get('engine')}): install the same version "
            "on every worker"
        )
    return run_one(item, settings, stamp)


def _reference(item):
    """What to send: the name of a registered check (each worker finds it in its own
    catalogue), else the check itself (pickled)."""
    from .checks import _CHECKS

    return item.name if _CHECKS.get(item.name) is item else item


def run_on_dask(client, pending, settings, run_one):
    """Submit ``pending`` ``(check, path, fingerprint)`` triples; yield ``(check, path, record)``
    as the tasks finish. A task lost with its worker, or that raised outside the check, yields
    an error record (retried by the next run). Closing the generator cancels what is left."""
    import uuid

    from .verify import lost_record

    distributed = _distributed()
    futures = {}
    run = uuid.uuid4().hex  # a key never reused: Dask hands back a result still held under a key
    for item, path, stamp in pending:
        future = client.submit(_remote, _reference(item), settings, stamp, run_one, pure=False,
                               key=f"scalinglaws-verify-{item.name}-{run}-{len(futures)}")
        futures[future] = (item, path, stamp)
    try:
        for future in distributed.as_completed(list(futures)):
            item, path, stamp = futures[future]
            try:
                record = future.result()
            except Exception as exc:
                record = lost_record(item, settings, stamp, exc)
            yield item, path, record
    finally:
        left = [f for f in futures if not f.done()]
        if left:
            try:
                client.cancel(left)
            except Exception:  # the cluster may already be gone; nothing left to keep
                pass


def in_dask_task() -> bool:
    """Whether this code runs inside a Dask task (so :func:`task_map` can fan out)."""
    if "distributed" not in sys.modules:  # never import dask to find out
        return False
    try:
        from distributed import get_worker

        get_worker()
    except Exception:
        return False
    return True


def task_map(func, items) -> list:
    """``[func(x) for x in items]``, as Dask tasks when called inside a Dask task (a check run
    by ``verify --dask`` or ``--scheduler``), in this process otherwise.

    For independent replicas or grid points: ``func`` must depend only on its item (derive each
    item's random stream from the item, e.g. a child ``SeedSequence`` in it), so that the list
    is the same, in the same order, whatever runs it.

    >>> task_map(lambda k: k * k, range(4))
    [0, 1, 4, 9]
    """
    items = list(items)
    if len(items) < 2 or not in_dask_task():
        return [func(x) for x in items]
    from distributed import worker_client

    with worker_client() as client:  # secedes from the worker's thread pool while it waits
        futures = client.map(func, items, pure=False)
        return client.gather(futures)
