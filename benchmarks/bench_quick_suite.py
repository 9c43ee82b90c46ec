"""Time of every quick check of the catalogue, with the machine's state (run by hand).

    python benchmarks/bench_quick_suite.py [PAPER ...] [--json FILE] [--busy K]

Runs each registered quick check (all papers, or the ones named) in one process, in name
order, as ``scalinglaws verify`` would on the numba backend, and prints one line per check:
wall seconds, CPU seconds of this process (all threads), the check's own ``quick_seconds``
estimate and the verdict; then a table per paper and the total. A check that reads a cached
simulation another check already ran costs only its judgement: the first reader pays the
simulation. ``--busy K`` starts K busy-looping processes for the run (a loaded machine on
purpose, for the "never more than 2x under load" target).

Recorded with every run: machine, Python/numpy versions, CPUs, the load average before and
after, the BLAS thread count (:mod:`~scalinglaws.validators.processes.blas_threads`) and the
worker threads of the simulations. On a quiet machine the wall time is the figure to compare
with the 3-minute target; on a loaded one, the CPU seconds estimate the quiet time (one
process's worker threads share the cores it gets).
"""

from __future__ import annotations

import argparse
import importlib
import json
import multiprocessing as mp
import os
import platform
import sys
import time
import warnings


def _spin(stop):  # pragma: no cover - a load generator
    while not stop.is_set():
        pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("papers", nargs="*")
    parser.add_argument("--json", default="")
    parser.add_argument("--busy", type=int, default=0)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")

    import numpy as np

    from scalinglaws.validators.engine import Settings
    from scalinglaws.validators.engine import checks as C
    from scalinglaws.validators.processes.blas_threads import blas_threads, default_workers

    C._LOADED = True
    here = os.path.dirname(os.path.abspath(__file__))
    names = sorted(f[:-3] for f in os.listdir(os.path.join(here, "..", "validators"))
                   if f.endswith(".py") and not f.startswith("_"))
    papers = args.papers or names
    for paper in papers:
        importlib.import_module(f"scalinglaws.validators.{paper}")
    stop = mp.Event()
    busy = [mp.Process(target=_spin, args=(stop,), daemon=True) for _ in range(args.busy)]
    for p in busy:
        p.start()
    machine = {"platform": platform.platform(), "python": sys.version.split()[0],
               "numpy": np.__version__, "cpus": os.cpu_count(), "busy": args.busy,
               "load_before": os.getloadavg(), "blas_threads": blas_threads(),
               "workers": default_workers()}
    rows = []
    t_all = time.perf_counter()
    try:
        for check in sorted(C._CHECKS.values(), key=lambda c: c.name):
            if check.paper not in papers or check.full_only:
                continue
            t, cpu = time.perf_counter(), time.process_time()
            try:
                summary = check.verdict(Settings(backend="numba")).summary()
            except Exception as exc:  # report and go on
                summary = f"ERROR {type(exc).__name__}: {exc}"
            rows.append({"paper": check.paper, "check": check.name,
                         "wall": time.perf_counter() - t, "cpu": time.process_time() - cpu,
                         "quick_seconds": check.quick_seconds, "verdict": summary})
            r = rows[-1]
            print(f"{r['wall']:7.1f}s {r['cpu']:7.1f}cpu est {r['quick_seconds']:6.1f}  "
                  f"{summary[:110]}", flush=True)
    finally:
        stop.set()
        for p in busy:
            p.join()
    machine["load_after"] = os.getloadavg()
    machine["total_wall"] = time.perf_counter() - t_all
    print("\n| paper | checks | wall s | CPU s | sum of estimates s |\n|---|---|---|---|---|")
    for paper in papers:
        mine = [r for r in rows if r["paper"] == paper]
        print(f"| {paper} | {len(mine)} | {sum(r['wall'] for r in mine):.1f} | "
              f"{sum(r['cpu'] for r in mine):.1f} | {sum(r['quick_seconds'] for r in mine):.1f} |")
    print(f"\ntotal {machine['total_wall']:.1f} s wall; machine {json.dumps(machine)}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"machine": machine, "checks": rows}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
