"""Array backends (numpy, numba, cupy) and reproducible per-replica random streams.

Backends
--------
``"numpy"``
    Always available; array namespace :mod:`numpy`.
``"numba"``
    Compiled CPU loops (the array namespace is still :mod:`numpy`); needs numba importable.
``"cupy"``
    GPU arrays; needs cupy importable *and* a CUDA device.

Nothing optional is imported when this module is imported: availability is probed on first use
and cached (one probe per process), like xarray's ``DuckArrayModule``.

Random streams
--------------
One :class:`numpy.random.SeedSequence` root per run, one child per replica
(``SeedSequence(seed).spawn(n_replicas)``). Replica ``r`` draws only from child ``r``, so its
numbers do not depend on how many replicas run beside it, nor on the thread count:

* numpy: one ``Generator(PCG64(child_r))`` per replica (:func:`replica_generators`);
* cupy: one ``cupy.random.default_rng`` per replica, seeded by an integer drawn from child ``r``;
* compiled loops that need normals fast (the sampled linear-regression process): 17 SFC64
  generators per replica seeded from child ``r`` and a ziggurat, drawn inside the loop
  (:mod:`~scalinglaws.validators.processes.normal_streams`; about 1.3 ns a normal on one core of
  our 2-core machine, against 10-25 ns for numpy's generators there);
* numba ``prange``: numba keeps one random state per *thread*, so seeding once and drawing in a
  parallel loop is not reproducible. Pass one integer seed per replica
  (:func:`replica_int_seeds`) and call ``np.random.seed(seeds[r])`` at the top of every ``prange``
  iteration (see :func:`replica_normals_numba`).

>>> from scalinglaws.validators.processes.backend import get_backend, replica_generators
>>> get_backend("numpy").available
True
>>> g0 = replica_generators(7, 3)[1].standard_normal(2)
>>> g1 = replica_generators(7, 10)[1].standard_normal(2)
>>> bool((g0 == g1).all())
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from scalinglaws.errors import BackendUnavailableError, DomainError, ParameterError, UnknownKeyError

__all__ = [
    "BACKENDS",
    "CPU_BACKENDS",
    "Backend",
    "backend_for",
    "get_backend",
    "require_backend",
    "replica_seeds",
    "replica_int_seeds",
    "replica_generators",
    "replica_normals_numba",
    "to_numpy",
]

BACKENDS = ("numpy", "numba", "cupy")
#: The backends that run on the CPU, nearest (fastest) first: what a check whose process has no
#: GPU path runs on under ``--backend cupy``.
CPU_BACKENDS = ("numba", "numpy")


# --------------------------------------------------------------------------- availability


@functools.lru_cache(maxsize=None)
def _probe(name: str) -> tuple[bool, str | None]:
    """(available, reason-if-not) for a backend; imports the optional package once, cached."""
    if name == "numpy":
        return True, None
    if name == "numba":
        try:
            import numba  # noqa: F401
        except Exception as exc:  # ImportError, or a broken install raising something else
            return False, f"numba backend unavailable: numba is not importable ({exc})"
        return True, None
    if name == "cupy":
        try:
            import cupy
        except Exception as exc:
            return False, f"cupy backend unavailable: cupy is not importable ({exc})"
        try:
            count = cupy.cuda.runtime.getDeviceCount()
        except Exception as exc:
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return False, (
                "cupy backend unavailable: no CUDA GPU "
                f"(cupy.cuda.runtime.getDeviceCount failed: {msg})"
            )
        if count < 1:
            return False, "cupy backend unavailable: no CUDA GPU (getDeviceCount() returned 0)"
        return True, None
    raise UnknownKeyError("backend", name, BACKENDS)


@dataclass(frozen=True)
class Backend:
    """A named backend: ``name``, whether it is ``available`` here, and its array namespace ``xp``.

    ``xp`` is :mod:`numpy` for ``"numpy"`` and ``"numba"`` and :mod:`cupy` for ``"cupy"``;
    asking for the ``xp`` of an unavailable backend raises
    :class:`~scalinglaws.errors.BackendUnavailableError`.
    """

    name: str

    @property
    def available(self) -> bool:
        return _probe(self.name)[0]

    @property
    def reason(self) -> str | None:
        """Why the backend is unavailable (one line), or ``None`` when it is available."""
        return _probe(self.name)[1]

    @property
    def xp(self):
        ok, reason = _probe(self.name)
        if not ok:
            raise BackendUnavailableError(reason)
        if self.name == "cupy":
            import cupy

            return cupy
        return np

    def __repr__(self) -> str:
        return f"Backend({self.name!r}, available={self.available})"


def get_backend(name: str = "numpy") -> Backend:
    """The backend called ``name`` (one of :data:`BACKENDS`); never raises for a missing package.

    >>> get_backend("numpy").xp.__name__
    'numpy'
    """
    if not isinstance(name, str):
        raise ParameterError(f"backend name must be a string, got {type(name).__name__}")
    key = name.strip().lower()
    if key not in BACKENDS:
        raise UnknownKeyError("backend", name, BACKENDS)
    return Backend(key)


def require_backend(name: str) -> Backend:
    """Like :func:`get_backend` but raise :class:`BackendUnavailableError` (one line) if unusable."""
    backend = get_backend(name)
    if not backend.available:
        raise BackendUnavailableError(backend.reason)
    return backend


def backend_for(requested: str, supported) -> tuple[str, str]:
    """``(backend, note)``: the backend a process that supports ``supported`` runs on when
    ``requested`` is asked for, and why it differs (``""`` when it does not).

    The rule (documented in *Verification*, "Backends"): the requested backend when the process
    supports it; otherwise the nearest CPU backend it supports (numba, then numpy) that is
    available here. Nothing is ever run elsewhere silently: the note says where and why, and the
    engine records it with the check's verdict.

    >>> backend_for("cupy", ("numpy", "numba", "cupy"))
    ('cupy', '')
    >>> backend_for("numba", ("numpy",))
    ('numpy', 'ran on numpy: numba not supported by this check')
    """
    requested = get_backend(requested).name
    supported = tuple(get_backend(name).name for name in supported)
    if requested in supported:
        return requested, ""
    for name in CPU_BACKENDS:
        if name in supported and (name == "numpy" or _probe(name)[0]):
            return name, f"ran on {name}: {requested} not supported by this check"
    raise BackendUnavailableError(
        f"no backend of {supported} can run here (asked for {requested})"
    )


# --------------------------------------------------------------------------- random streams


def _root(seed) -> np.random.SeedSequence:
    """A fresh root SeedSequence (a copy when one is passed, so spawning never mutates the caller's)."""
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(
            entropy=seed.entropy, spawn_key=seed.spawn_key, pool_size=seed.pool_size
        )
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise ParameterError(
            f"seed must be a non-negative integer or a numpy.random.SeedSequence, got {seed!r}"
        )
    if seed < 0:
        raise DomainError(f"seed must be non-negative, got {seed}")
    return np.random.SeedSequence(int(seed))


def _check_count(value, name="n_replicas") -> int:
    """``value`` as an int >= 1: ParameterError if not an integer, DomainError if < 1."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ParameterError(f"{name} must be an integer, got {value!r}")
    if value < 1:
        raise DomainError(f"{name} must be >= 1, got {value}")
    return int(value)


def replica_seeds(seed, n_replicas: int) -> list[np.random.SeedSequence]:
    """One child :class:`~numpy.random.SeedSequence` per replica: ``SeedSequence(seed).spawn(n)``.

    Child ``r`` is the same whatever ``n_replicas`` is (``spawn`` numbers children 0, 1, ...).

    >>> [s.spawn_key for s in replica_seeds(1, 3)]
    [(0,), (1,), (2,)]
    """
    return _root(seed).spawn(_check_count(n_replicas))


def replica_int_seeds(seed, n_replicas: int) -> np.ndarray:
    """One ``uint32`` integer seed per replica (word 0 of ``child_r.generate_state``).

    For kernels that re-seed a per-thread RNG inside every ``numba.prange`` iteration.
    """
    children = replica_seeds(seed, n_replicas)
    return np.array([c.generate_state(1, dtype=np.uint32)[0] for c in children], dtype=np.uint32)


def _is_cupy_namespace(xp) -> bool:
    name = getattr(xp, "__name__", "")
    return name == "cupy" or name.startswith("cupy.") or name == "array_api_compat.cupy"


def replica_generators(seed, n_replicas: int, xp=np) -> list:
    """One random generator per replica, each from its own child seed.

    Parameters
    ----------
    seed : int or numpy.random.SeedSequence
        Root of the run.
    n_replicas : int
    xp : module
        :mod:`numpy` (default): ``numpy.random.Generator(PCG64(child_r))``.
        :mod:`cupy`: ``cupy.random.default_rng(int)`` with a 64-bit integer drawn from child ``r``.
    """
    children = replica_seeds(seed, n_replicas)
    if _is_cupy_namespace(xp):
        cupy = require_backend("cupy").xp
        return [
            cupy.random.default_rng(int(c.generate_state(1, dtype=np.uint64)[0])) for c in children
        ]
    if getattr(xp, "__name__", "") not in ("numpy", "array_api_compat.numpy"):
        raise ParameterError(
            f"replica_generators knows numpy and cupy generators, not {getattr(xp, '__name__', xp)!r}; "
            "for other namespaces draw with numpy and convert with xp.asarray"
        )
    return [np.random.Generator(np.random.PCG64(c)) for c in children]


def to_numpy(x) -> np.ndarray:
    """The single exit point from any array namespace to a numpy array (``.get()`` for cupy).

    >>> to_numpy([1.0, 2.0])
    array([1., 2.])
    """
    if isinstance(x, np.ndarray):
        return x
    module = type(x).__module__ or ""
    if module.startswith("cupy"):
        return x.get()
    try:
        return np.asarray(x)
    except Exception:  # namespaces that refuse __array__ but speak DLPack
        return np.from_dlpack(x)


# --------------------------------------------------------------------------- numba pattern


_prange = range  # numba.prange once _normals_kernel() has run (resolved at compile time)


def _k_replica_normals(seeds, n):  # pragma: no cover - compiled by numba
    out = np.empty((seeds.size, n))
    for r in _prange(seeds.size):
        np.random.seed(seeds[r])  # re-seed this thread's state for replica r
        for j in range(n):
            out[r, j] = np.random.standard_normal()
    return out


@functools.lru_cache(maxsize=None)
def _normals_kernel():
    require_backend("numba")
    import numba

    globals()["_prange"] = numba.prange
    # module-level function, no closure: numba's disk cache stays valid across processes
    return numba.njit(parallel=True, cache=True)(_k_replica_normals)


def replica_normals_numba(int_seeds, n: int) -> np.ndarray:
    """``(R, n)`` standard normals drawn in a ``numba.prange`` loop, one replica per iteration.

    The reproducible pattern for numba kernels: each iteration re-seeds the (thread-local) numba
    RNG with its replica's integer seed (from :func:`replica_int_seeds`) before drawing, so the
    result is bit-identical for any thread count and schedule. Numba's stream differs from
    numpy's ``Generator``; only determinism is promised.
    """
    seeds = np.ascontiguousarray(int_seeds, dtype=np.uint32)
    if seeds.ndim != 1:
        raise DomainError("int_seeds must be one-dimensional")
    if int(n) < 0:
        raise DomainError(f"n must be >= 0, got {n}")
    return _normals_kernel()(seeds, int(n))
