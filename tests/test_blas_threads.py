"""The BLAS thread control the processes use: one thread inside the block, the counts restored
after it, and the library scan kept until a module is imported."""

import builtins
import sys

import numpy as np  # noqa: F401  (loads numpy's OpenBLAS)

from scalinglaws.validators.processes import blas_threads as bt


def test_single_blas_thread_sets_one_and_restores():
    before = bt.blas_threads()
    with bt.single_blas_thread():
        assert all(n == 1 for n in bt.blas_threads())
        with bt.single_blas_thread():  # re-entrant
            assert all(n == 1 for n in bt.blas_threads())
    assert bt.blas_threads() == before


def test_library_scan_is_kept_until_a_module_is_imported(monkeypatch):
    bt._loaded_openblas()
    opened = []
    real_open = builtins.open

    def counting_open(path, *args, **kwargs):
        if str(path) == "/proc/self/maps":
            opened.append(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting_open)
    first = bt._loaded_openblas()
    assert opened == [] and bt._loaded_openblas() == first
    monkeypatch.setitem(sys.modules, "_a_module_imported_meanwhile", object())
    assert bt._loaded_openblas() == first
    assert len(opened) == 1
