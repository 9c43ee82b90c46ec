"""Thread cliff of the exact SGD recursion on a machine loaded on purpose (run by hand).

    python benchmarks/bench_thread_cliff.py [--busy K] [--rounds R] [--quick]

In ONE run, on a quiet phase and then with K busy-looping processes started by this script
(default: as many as there are cores), it times the numba recursion of
:func:`scalinglaws.validators.processes.linreg.expected_risk` at d = 1e5 (unbinned, uniform
averaging) three ways, interleaved round by round (median over rounds):

* ``one thread``: ``numba.set_num_threads(1)`` (the serial driver);
* ``per-step prange``: the old default, a prange over coordinate chunks with one barrier per step;
* ``default``: what ``expected_risk`` does now (adaptive blocks for one schedule, one thread per
  schedule for several).

for one schedule and for four schedules (P = 4 rows, e.g. four learning rates). It prints
ratios to one thread (< 1 is faster) and checks that all three give bit-identical curves.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import statistics
import time

import numpy as np


def _busy(stop):  # pragma: no cover - runs in a child process
    x = 0
    while not stop.is_set():
        for _ in range(100000):
            x += 1


def _load():
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def _time_modes(args, rounds):
    import numba

    from scalinglaws.validators.processes.linreg import _kernels as K

    threads = numba.get_num_threads()
    modes = {
        "one thread": (1, False),
        "per-step prange": (threads, True),
        "default": (threads, None),
    }
    times = {m: [] for m in modes}
    outs = {}
    for _ in range(rounds):
        for name, (nt, par) in modes.items():
            numba.set_num_threads(nt)
            try:
                t0 = time.perf_counter()
                outs[name] = K._run_sgd_numba(*args, parallel=par)
                times[name].append(time.perf_counter() - t0)
            finally:
                numba.set_num_threads(threads)
    ref = outs["one thread"]
    identical = all(
        np.array_equal(ref[0], o[0]) and np.array_equal(ref[1], o[1]) for o in outs.values()
    )
    return {m: statistics.median(v) for m, v in times.items()}, identical


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    opts = parser.parse_args()
    import numba

    from scalinglaws.validators.processes import linreg as L
    from scalinglaws.validators.processes.linreg import schedules as S

    d = 10**5
    n = 300 if opts.quick else 1000
    p = L.PowerLawProblem(1.5, 2.25, d=d, sigma2=1.0, bin_width=0)
    rho = L.averaging_weights("uniform", n)
    ck = L.default_checkpoints(n)
    cases = {}
    for P in (1, 4):
        etas = S._step_sizes([L.constant(c / p.trace) for c in (0.5, 0.35, 0.25, 0.18)[:P]], n)
        cases[P] = (p.lam, p.mult, p.w2, p.sigma2, 1, etas, rho, ck)
    from scalinglaws.validators.processes.linreg import _kernels as K

    for args in cases.values():  # compile / load the cache
        for par in (False, True, None):
            K._run_sgd_numba(*args[:5], args[5][:, :20], args[6][:20], np.array([20]), parallel=par)

    print("## Machine\n")
    print(f"- nproc {os.cpu_count()}, Python {platform.python_version()}, numpy {np.__version__}, "
          f"numba {numba.__version__} ({numba.get_num_threads()} threads, layer "
          f"{numba.threading_layer()})")
    print(f"- d = {d} (unbinned), N = {n} steps, uniform averaging, median of {opts.rounds} "
          "interleaved rounds\n")
    print("| phase | runs P | load avg (1/5/15 min) | one thread (s) | per-step prange / one thread "
          "| default / one thread | identical bits |")
    print("|---|---|---|---|---|---|---|", flush=True)
    for phase in ("no load added", f"+{opts.busy} busy processes"):
        stop, procs = None, []
        if phase != "no load added":
            stop = mp.Event()
            procs = [mp.Process(target=_busy, args=(stop,), daemon=True) for _ in range(opts.busy)]
            for pr in procs:
                pr.start()
            time.sleep(1.0)
        try:
            for P, args in cases.items():
                load0 = _load()
                med, same = _time_modes(args, opts.rounds)
                one = med["one thread"]
                print(f"| {phase} | {P} | {load0} | {one:.2f} | {med['per-step prange'] / one:.2f} | "
                      f"{med['default'] / one:.2f} | {same} |", flush=True)
        finally:
            if stop is not None:
                stop.set()
                for pr in procs:
                    pr.join()


if __name__ == "__main__":
    main()
