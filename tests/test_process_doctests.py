"""The examples in the docstrings of every process module run and give what they show.

``validators/`` is installed as ``scalinglaws.validators`` but lies outside pytest's doctest
paths, so its process modules' examples are collected here, one test per module (a new process
module is picked up without any change here).
"""

import doctest
import importlib
import pkgutil

import pytest

import scalinglaws.validators.processes as processes

_OPTIONAL = {"cupy", "numba", "dask", "distributed", "jax", "torch", "matplotlib"}


def _modules():
    names = []
    for info in pkgutil.walk_packages(processes.__path__, processes.__name__ + "."):
        names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_process_module_examples(name):
    try:
        module = importlib.import_module(name)
    except ImportError as error:  # only an absent optional dependency is a skip
        if (error.name or "").split(".")[0] not in _OPTIONAL:
            raise
        pytest.skip(f"{name}: {error}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
