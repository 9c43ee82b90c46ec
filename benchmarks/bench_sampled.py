"""The sampled process against its matrix-product floor (issue 20, item 3; run by hand).

    python benchmarks/bench_sampled.py [--quick] [--repeats K]

``linreg.sample_risk`` (one-pass SGD on Gaussian linear regression, R replicas, batch B, d
coordinates, N steps, its own per-replica random draws) against the *floor*: only the two batched
matrix products the process performs per step, ``(R, B, d) @ (R, d, 1)`` and
``(R, 1, B) @ (R, B, d)``, with numpy on the same shapes. Timed in the same run:

* the compiled engine (``backend="numba"``, the default) on the default threads and on one;
* the draws alone: the same per-replica streams (``normal_streams.fill_calls``), one call of
  ``B(d+1)`` numbers per replica and step as the process makes them, no arithmetic;
* the array engine (``backend="array"``, numpy), the engine before issue 20's item 3;
* numpy's own ziggurat per replica (``Generator(PCG64)``, what the array engine drew before), to
  show what a numpy generator costs.

The machine's speed drifts (it is shared): every repeat times the floor and each process back to
back, and the ratio floor / process is taken per repeat; the table gives the median over the
repeats and the range, beside the median times. Also reported: the machine, the load average at
start and end, and the thread counts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

# bench_linreg.py lies beside this script, whose directory is on sys.path when it runs
from bench_linreg import machine_info


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench(R, B, d, N, repeats):
    import numba
    from scalinglaws.validators.processes import linreg as L
    from scalinglaws.validators.processes import normal_streams as S
    from scalinglaws.validators.processes.backend import replica_generators

    p = L.PowerLawProblem(1.5, 2.25, d=d, sigma2=0.5, bin_width=0)
    sched = L.constant(0.5 / p.trace)
    rng = np.random.default_rng(0)
    z = rng.standard_normal((R, B, d))
    e = rng.standard_normal((R, d, 1))
    res = rng.standard_normal((R, 1, B))
    per = B * (d + 1)
    threads = numba.get_num_threads()

    def floor():
        for _ in range(N):
            np.matmul(z, e)
            np.matmul(res, z)

    def compiled():
        return L.sample_risk(p, sched, N, R, seed=1, batch=B)

    def one_thread():
        numba.set_num_threads(1)
        try:
            return L.sample_risk(p, sched, N, R, seed=1, batch=B)
        finally:
            numba.set_num_threads(threads)

    buf = np.empty((R, 1, per))  # one step's draws of every replica, reused (R B (d+1) numbers)

    def draws_alone():
        st = S.stream_states(1, R)
        for _ in range(N):  # one call of B (d+1) numbers per replica and step, as the process
            S.fill_calls(st, per, 1, out=buf)

    def array_engine():
        return L.sample_risk(p, sched, N, R, seed=1, batch=B, backend="array")

    def numpy_ziggurat():
        gens = replica_generators(1, R)
        buf = np.empty(N * per)  # one replica's whole run, reused (it stays in L2)
        for g in gens:
            g.standard_normal(out=buf)

    cases = {
        "compiled, default threads": compiled,
        "compiled, 1 thread": one_thread,
        "draws alone (streams, default threads)": draws_alone,
        "array engine (numpy)": array_engine,
        "numpy PCG64 ziggurat, draws alone (1 thread)": numpy_ziggurat,
    }
    a, b = compiled(), array_engine()  # compile, and check that the engines agree
    agree = float(np.max(np.abs(a.risk_last / b.risk_last - 1)))
    floors, times, ratios = [], {k: [] for k in cases}, {k: [] for k in cases}
    for _ in range(repeats):
        for name, fn in cases.items():
            f = _timed(floor)
            t = _timed(fn)
            floors.append(f)
            times[name].append(t)
            ratios[name].append(f / t)
    return {
        "shape": f"R={R}, B={B}, d={d}, N={N}",
        "floor": statistics.median(floors),
        "rows": [
            (name, statistics.median(times[name]), statistics.median(ratios[name]),
             min(ratios[name]), max(ratios[name]))
            for name in cases
        ],
        "agree": agree,
        "threads": threads,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (smoke run)")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    import numba

    info = machine_info()
    shapes = [(200, 4, 64, 40)] if args.quick else [(1000, 4, 64, 200), (256, 8, 256, 100)]
    out = [bench(*s, args.repeats) for s in shapes]
    info["numba threading layer"] = numba.threading_layer()
    info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print("## Machine\n")
    for key, value in info.items():
        print(f"- {key}: {value}")
    for o in out:
        print(f"\n### {o['shape']}: floor (numpy batched matmuls) {o['floor']:.4f} s (median)\n")
        print(f"Engines agree to {o['agree']:.1e} (largest relative difference of the risks).\n")
        print("| process | time (s, median) | floor / process (median) | range over repeats |")
        print("|---|---|---|---|")
        for name, t, med, lo, hi in o["rows"]:
            print(f"| {name} | {t:.4f} | {med:.2f} | {lo:.2f}–{hi:.2f} |")


if __name__ == "__main__":
    main()
