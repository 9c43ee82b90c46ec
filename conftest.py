"""Test configuration: markers ``slow`` (run with --runslow) and ``gpu`` (skipped without CuPy + GPU)."""

import functools
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


@functools.cache
def _paper_names() -> frozenset:
    import scalinglaws

    return frozenset(p.name for p in scalinglaws.papers())


def _paper_group(item):
    """The paper whose simulations a test runs: the check it is parametrised with, or the paper
    its file tests (tests/test_<paper>.py), else None."""
    callspec = getattr(item, "callspec", None)
    check = callspec.params.get("item") if callspec is not None else None
    paper = getattr(check, "paper", None)
    if isinstance(paper, str):
        return paper
    stem = item.path.stem if getattr(item, "path", None) is not None else ""
    if stem == "test_derivations":  # one worker builds its module fixture (every derivation)
        return "derivations"
    if stem.startswith("test_"):
        if stem[5:] in _paper_names():
            return stem[5:]
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # ``-n 2 --dist loadgroup``: the tests that run one paper's checks go to one worker, where
    # the validator's module-level caches (one simulation measured by several checks) serve
    # them all; spread over two workers each would compute them again
    for item in items:
        group = _paper_group(item)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
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
