"""Test configuration: markers ``slow`` (run with --runslow) and ``gpu`` (skipped without CuPy + GPU)."""

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
# pytest -n 2 runs two workers on two cores: one BLAS thread each, or they oversubscribe
# (a MoE coordinate check ran 24x slower with OpenBLAS's default threads under xdist)
for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False, help="run tests marked slow")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long runs, skipped unless --runslow")
    config.addinivalue_line("markers", "gpu: needs CuPy and a CUDA GPU; skipped otherwise")


def _gpu_available() -> bool:
    try:
        import cupy

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


def pytest_collection_modifyitems(config, items):
    runslow = config.getoption("--runslow") or os.environ.get("SCALINGLAWS_RUNSLOW") == "1"
    skip_slow = pytest.mark.skip(reason="slow: run with --runslow")
    skip_gpu = pytest.mark.skip(reason="no usable CuPy GPU here")
    gpu = None
    for item in items:
        if "slow" in item.keywords and not runslow:
            item.add_marker(skip_slow)
        if "gpu" in item.keywords:
            if gpu is None:
                gpu = _gpu_available()
            if not gpu:
                item.add_marker(skip_gpu)
