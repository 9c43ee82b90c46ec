"""Backend selection, lazy optional imports, and reproducible per-replica random streams."""

import subprocess
import sys

import numpy as np
import pytest

from scalinglaws.errors import (
    BackendUnavailableError,
    DomainError,
    ParameterError,
    UnknownKeyError,
)
from scalinglaws.validators.processes import backend as bk


def _has(module):
    try:
        __import__(module)
    except Exception:
        return False
    return True


# --------------------------------------------------------------------------- selection


def test_numpy_backend():
    b = bk.get_backend("numpy")
    assert b.name == "numpy" and b.available and b.reason is None
    assert b.xp is np
    assert bk.require_backend("NumPy").name == "numpy"


def test_unknown_backend_suggests():
    with pytest.raises(UnknownKeyError) as info:
        bk.get_backend("numbaa")
    assert "numba" in info.value.suggestions
    with pytest.raises(ParameterError):
        bk.get_backend(3)


@pytest.mark.skipif(not _has("numba"), reason="numba not installed")
def test_numba_backend_available():
    b = bk.require_backend("numba")
    assert b.available and b.xp is np


def test_cupy_missing_is_one_clear_line():
    b = bk.get_backend("cupy")
    if b.available:
        pytest.skip("a usable CuPy GPU is present")
    assert b.reason.startswith("cupy backend unavailable: ")
    assert "\n" not in b.reason
    with pytest.raises(BackendUnavailableError) as info:
        bk.require_backend("cupy")
    assert str(info.value) == b.reason
    with pytest.raises(BackendUnavailableError):
        b.xp  # noqa: B018


def test_imports_stay_lazy():
    code = (
        "import sys\n"
        "import scalinglaws.validators.processes.backend as b\n"
        "import scalinglaws.validators.processes.linreg as l\n"
        "b.get_backend('numba'); b.get_backend('cupy')\n"
        "print(sorted(m for m in ('numba', 'cupy', 'matplotlib', 'scipy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- seeds


def test_replica_seeds_are_children_of_one_root():
    kids = bk.replica_seeds(42, 4)
    assert [k.spawn_key for k in kids] == [(0,), (1,), (2,), (3,)]
    assert all(k.entropy == 42 for k in kids)
    root = np.random.SeedSequence(5)
    first = [k.generate_state(2).tolist() for k in bk.replica_seeds(root, 3)]
    again = [k.generate_state(2).tolist() for k in bk.replica_seeds(root, 3)]
    assert first == again  # the caller's SeedSequence is not consumed by spawning


def test_bad_seeds_and_counts():
    for bad in (-1,):
        with pytest.raises(DomainError):
            bk.replica_seeds(bad, 2)
    for bad in (1.5, "7", None, True):
        with pytest.raises(ParameterError):
            bk.replica_seeds(bad, 2)
    with pytest.raises(DomainError):
        bk.replica_seeds(1, 0)
    with pytest.raises(ParameterError):
        bk.replica_seeds(1, 2.0)


def test_generators_reproducible_and_replica_independent():
    a = [g.standard_normal(5) for g in bk.replica_generators(123, 3)]
    b = [g.standard_normal(5) for g in bk.replica_generators(123, 8)]
    for r in range(3):
        np.testing.assert_array_equal(a[r], b[r])  # replica r ignores how many run beside it
    assert not np.array_equal(a[0], a[1])  # replicas have distinct streams
    c = [g.standard_normal(5) for g in bk.replica_generators(124, 3)]
    assert not any(np.array_equal(a[r], c[r]) for r in range(3))  # seeds matter
    assert isinstance(bk.replica_generators(0, 1)[0].bit_generator, np.random.PCG64)


def test_generators_reject_unknown_namespace():
    import array_api_strict

    with pytest.raises(ParameterError):
        bk.replica_generators(0, 2, xp=array_api_strict)


def test_int_seeds():
    s3 = bk.replica_int_seeds(9, 3)
    s6 = bk.replica_int_seeds(9, 6)
    assert s3.dtype == np.uint32
    np.testing.assert_array_equal(s3, s6[:3])
    assert len(set(s6.tolist())) == 6
    assert not np.array_equal(s3, bk.replica_int_seeds(10, 3))


@pytest.mark.skipif(not _has("numba"), reason="numba not installed")
def test_numba_prange_draws_independent_of_thread_count():
    import numba

    seeds = bk.replica_int_seeds(2024, 16)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = bk.replica_normals_numba(seeds, 257)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = bk.replica_normals_numba(seeds, 257)
        two_again = bk.replica_normals_numba(seeds, 257)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one, two)  # bit-identical
    np.testing.assert_array_equal(two, two_again)
    # replica r depends only on its own seed
    np.testing.assert_array_equal(bk.replica_normals_numba(seeds[:3], 257), one[:3])
    other = bk.replica_normals_numba(bk.replica_int_seeds(2025, 16), 257)
    assert not np.array_equal(one, other)
    # and they are standard normals (a loose sanity check: 4112 draws, SE of the mean 0.016)
    assert abs(one.mean()) < 4 * 1 / np.sqrt(one.size)
    assert abs(one.var() - 1) < 4 * np.sqrt(2 / one.size)


# --------------------------------------------------------------------------- to_numpy


def test_to_numpy():
    x = np.arange(3.0)
    assert bk.to_numpy(x) is x
    np.testing.assert_array_equal(bk.to_numpy([1, 2]), [1, 2])
    import array_api_strict as xps

    np.testing.assert_array_equal(bk.to_numpy(xps.asarray([1.0, 2.0])), [1.0, 2.0])


@pytest.mark.gpu
def test_cupy_generators_and_to_numpy():
    cupy = bk.require_backend("cupy").xp
    a = [bk.to_numpy(g.standard_normal(4)) for g in bk.replica_generators(3, 2, xp=cupy)]
    b = [bk.to_numpy(g.standard_normal(4)) for g in bk.replica_generators(3, 5, xp=cupy)]
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], a[1])
    assert isinstance(bk.to_numpy(cupy.arange(3)), np.ndarray)
