"""Backend selection, lazy optional imports, and reproducible per-replica random streams."""

import dataclasses
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


# --------------------------------------------------------------------------- honest backends
# A check declares the backends its process really runs on (@check(..., gpu=True) for CuPy);
# the engine runs any other check on the nearest CPU backend and says so in its record.


def test_backend_for_rule():
    gpu = ("numpy", "numba", "cupy")
    cpu = ("numpy", "numba")
    assert bk.backend_for("cupy", gpu) == ("cupy", "")
    assert bk.backend_for("numpy", gpu) == ("numpy", "")
    nearest = "numba" if bk.get_backend("numba").available else "numpy"
    assert bk.backend_for("cupy", cpu) == (nearest, f"ran on {nearest}: cupy not supported by this check")
    assert bk.backend_for("numba", ("numpy",)) == ("numpy", "ran on numpy: numba not supported by this check")
    assert bk.backend_for("cupy", ("numpy",))[0] == "numpy"
    with pytest.raises(UnknownKeyError):
        bk.backend_for("cuda", cpu)


def _linreg_check(name, gpu, namespaces):
    """A check whose process is the sampled linear-regression process (array-namespace generic):
    ``namespaces`` maps the backend the engine hands it to the array namespace it runs on; the
    measurement records the backend it was given."""
    from scalinglaws.validators.engine import Curve, LawValue
    from scalinglaws.validators.engine.checks import Check
    from scalinglaws.validators.processes import linreg as L

    def run(settings):
        p = L.PowerLawProblem(2.0, 1.5, d=16, sigma2=0.0, bin_width=0)
        out = L.sample_risk(p, L.constant(0.5), n_steps=256, n_replicas=4, seed=settings.seed,
                            checkpoints=L.default_checkpoints(256, 12),
                            xp=namespaces[settings.backend])
        return Curve(out.steps, out.risk_last, LawValue(sign=-1), point={"a": 2.0, "b": 1.5},
                     window=(16, 256), xlabel="N", ylabel="risk", backend=settings.backend)

    return Check(name, "anytime.constant_lr_suffices", run, "sampled SGD", 0.1,
                 backends=("numpy", "numba", "cupy") if gpu else ("numpy", "numba"))


def test_cpu_only_check_under_cupy_runs_on_cpu_and_says_so(tmp_path):
    from scalinglaws.validators.engine import verify as verify_mod
    from scalinglaws.validators.engine.checks import Settings
    from scalinglaws.validators.engine.report import write_report

    seen = []
    namespaces = {"numpy": np, "numba": np}
    item = _linreg_check("b.cpu_only", False, namespaces)
    inner = item.run
    item = dataclasses.replace(item, run=lambda s: seen.append(s.backend) or inner(s))
    assert not item.gpu
    settings = Settings(backend="cupy", seed=2)  # no GPU needed: the check never touches cupy
    (record,) = verify_mod.run_checks([item], settings, tmp_path)
    nearest = "numba" if bk.get_backend("numba").available else "numpy"
    assert seen == [nearest]  # the process was handed a CPU backend, not cupy
    assert record["backend"] == nearest and record["backend_requested"] == "cupy"
    assert record["backend_note"] == f"ran on {nearest}: cupy not supported by this check"
    assert record["settings"]["backend"] == "cupy"  # resumed only by a run asking the same
    assert record["backend_note"] in verify_mod.format_table([record])
    write_report([record], settings, tmp_path, plots=False)
    md = (tmp_path / "report.md").read_text()
    assert f"| {nearest} (ran on {nearest}: cupy not supported by this check) |" in md
    assert "did not run on the requested `cupy`" in md
    # resumed from its record, the note stays
    (again,) = verify_mod.run_checks([item], settings, tmp_path)
    assert seen == [nearest] and again["backend_note"] == record["backend_note"]


def test_generic_check_runs_on_the_requested_namespace(tmp_path):
    """A gpu=True check is handed "cupy" itself; here array_api_strict stands in for CuPy, and
    the sampled process gives the same numbers as on numpy (same seed, same draws)."""
    xps = pytest.importorskip("array_api_strict")
    from scalinglaws.validators.engine import verify as verify_mod
    from scalinglaws.validators.engine.checks import Settings

    item = _linreg_check("b.generic", True, {"numpy": np, "numba": np, "cupy": xps})
    assert item.gpu and item.backend_for("cupy") == ("cupy", "")
    (on_gpu,) = verify_mod.run_checks([item], Settings(backend="cupy", seed=4), tmp_path / "a")
    (on_cpu,) = verify_mod.run_checks([item], Settings(backend="numpy", seed=4), tmp_path / "b")
    assert on_gpu["status"] != "error", on_gpu.get("error")
    assert on_gpu["backend"] == "cupy" and on_gpu["backend_note"] == ""
    assert on_cpu["backend"] == "numpy" and on_cpu["backend_note"] == ""
    assert on_gpu["verdict"]["data"]["y"] == on_cpu["verdict"]["data"]["y"]
    assert on_gpu["verdict"]["measured"] == on_cpu["verdict"]["measured"]


def test_check_decorator_declares_backends_and_full_size():
    from scalinglaws.errors import RegistrationError
    from scalinglaws.validators.engine import checks as C

    try:
        C.check("anytime.constant_lr_suffices", name="b.decl", gpu=True, full_size="d = 4096",
                h100_seconds=30)(lambda s: None)
        C.check("anytime.constant_lr_suffices", name="b.plain")(lambda s: None)
        assert C._CHECKS["b.decl"].backends == ("numpy", "numba", "cupy")
        assert C._CHECKS["b.decl"].full_size == "d = 4096"
        assert C._CHECKS["b.decl"].h100_seconds == 30.0
        assert C._CHECKS["b.plain"].backends == ("numpy", "numba")  # default: CPU only
        assert C._CHECKS["b.plain"].full_size == "" and C._CHECKS["b.plain"].h100_seconds is None
    finally:
        C._CHECKS.pop("b.decl", None)
        C._CHECKS.pop("b.plain", None)
    with pytest.raises(RegistrationError):
        C.check("anytime.constant_lr_suffices", name="b.bad", h100_seconds=-1)


def test_full_only_checks_state_their_size_and_h100_time():
    from scalinglaws.validators.engine.checks import all_checks

    missing = [c.name for c in all_checks() if c.full_only and not (c.full_size and c.h100_seconds)]
    assert not missing, f"full-only checks without full_size/h100_seconds: {missing}"


def test_full_size_table_lists_every_full_size_check():
    from scalinglaws.validators.engine.checks import all_checks, full_size_table

    text = full_size_table()
    assert text.startswith("| check |")
    for c in all_checks():
        if c.full_only or c.full_size:
            assert f"`{c.name}`" in text


def test_strict_backend_skips_cpu_only_checks(tmp_path, capsys, monkeypatch):
    from scalinglaws.cli import main
    from scalinglaws.validators.engine import verify as verify_mod

    monkeypatch.setattr(verify_mod, "_resolve_backend", lambda name: name)  # pretend a GPU
    target = "functional_scaling.exp_decay_intrinsic_time[eta_min=eta/K]"  # a CPU recursion
    rc = main(["verify", target, "--backend", "cupy", "--strict-backend", "--out", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "--strict-backend" in err[0] and target in err[0]


@pytest.mark.gpu
def test_generic_check_on_cupy_is_reproducible(tmp_path):
    """On a GPU: a gpu=True check runs on CuPy itself, and the same seed gives the same numbers."""
    from scalinglaws.validators.engine import verify as verify_mod
    from scalinglaws.validators.engine.checks import Settings

    cupy = bk.require_backend("cupy").xp
    item = _linreg_check("b.gpu", True, {"numpy": np, "numba": np, "cupy": cupy})
    (a,) = verify_mod.run_checks([item], Settings(backend="cupy", seed=4), tmp_path / "a")
    (b,) = verify_mod.run_checks([item], Settings(backend="cupy", seed=4), tmp_path / "b")
    assert a["status"] != "error", a.get("error")
    assert a["backend"] == "cupy" and a["backend_note"] == ""
    assert a["verdict"]["data"]["y"] == b["verdict"]["data"]["y"]


@pytest.mark.gpu
def test_gpu_benchmark_runs_quick(tmp_path):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_gpu.py"
    spec = importlib.util.spec_from_file_location("bench_gpu", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.run(quick=True, cpu_smoke=False, repeats=1)
    assert not result.get("skipped") and len(result["rows"]) == 2
    assert all(r["device_s"] > 0 and r["cpu_s"] > 0 and r["floor_s"] > 0 for r in result["rows"])


def test_gpu_benchmark_script_logic_without_a_gpu(tmp_path, monkeypatch):
    """bench_gpu.py skips cleanly without a GPU, and its timing and summary code runs (numpy
    standing in for the device, tiny shapes)."""
    import importlib.util
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_gpu.py"
    spec = importlib.util.spec_from_file_location("bench_gpu", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    if not bk.get_backend("cupy").available:
        skipped = bench.run(quick=True, cpu_smoke=False, repeats=1)
        assert skipped["skipped"].startswith("cupy backend unavailable") and skipped["rows"] == []
    monkeypatch.setitem(bench.SIZES, "sampled", {"quick": dict(R=8, B=2, d=16, n=5)})
    monkeypatch.setitem(bench.SIZES, "assoc", {"quick": dict(d=16, alpha=1.5, N=200, K=20, B=100)})
    result = bench.run(quick=True, cpu_smoke=True, repeats=1)
    assert [r["workload"].split()[0] for r in result["rows"]] == ["sampled", "associative-memory"]
    (tmp_path / "bench.json").write_text(json.dumps(result))
    text = bench.summary(tmp_path)
    assert "No verify report found" in text and "GPU / CPU speed-up" in text
