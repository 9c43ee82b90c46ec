"""The validators' processes on a GPU (CuPy) against the same code on the CPU and against the bare
matrix products of the same shapes (run by hand, or by ``benchmarks/run_gpu.sh``).

    python benchmarks/bench_gpu.py [--quick] [--json FILE]
    python benchmarks/bench_gpu.py --summary DIR     # results.md from DIR/report + DIR/bench.json

Two workloads, each timed three ways in one run (best of the repeats, the device synchronised):

1. **sampled process**: ``linreg.sample_risk`` (one-pass SGD on Gaussian linear regression,
   R replicas in lockstep) with ``xp=cupy`` (the array engine) against the fastest CPU engine
   (the compiled one, numba, on all cores; the array code with ``xp=numpy`` where numba is
   missing), and the floor: the two batched matrix products per step of the same shapes on the
   GPU;
2. **associative-memory step**: one Muon step of ``assoc_memory`` (gradient G = U^T diag(w) E,
   h_lambda(G) by a float64 SVD, scoring the first K items against all N) with ``xp=cupy`` and
   ``xp=numpy``, and the floor: the same products and the same SVD called bare on the GPU.

Reported: GPU / CPU speed-up (target >= 10x at the full sizes) and floor / process on the GPU
(target >= 0.5). Without a usable CuPy GPU it says why and exits 0 (``--cpu-smoke`` runs the
same code with numpy standing in for the device, to test this script on a CPU).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

SIZES = {
    # R replicas, batch B, dimension d, steps n
    "sampled": {"quick": dict(R=256, B=4, d=128, n=20), "full": dict(R=2048, B=4, d=512, n=100)},
    # dimension d, alpha, items N, scored K, batch B
    "assoc": {"quick": dict(d=128, alpha=1.5, N=4000, K=400, B=2000),
              "full": dict(d=1024, alpha=1.5, N=18000, K=6000, B=200000)},
}


def _sync(xp):
    if getattr(xp, "__name__", "") == "cupy":
        xp.cuda.get_current_stream().synchronize()


def best_time(fn, xp, repeats: int) -> float:
    fn()  # warm-up: compilation, cuBLAS/cuSOLVER handles, memory pool
    _sync(xp)
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        _sync(xp)
        best = min(best, time.perf_counter() - t0)
    return best


# ---------------------------------------------------------------------------- sampled process


def bench_sampled(dev, size, repeats):
    from scalinglaws.validators.processes import linreg as L

    R, B, d, n = size["R"], size["B"], size["d"], size["n"]
    p = L.PowerLawProblem(1.5, 2.25, d=d, sigma2=0.5, bin_width=0)
    sched = L.constant(0.5 / p.trace)
    ckpt = L.default_checkpoints(n, 8)

    def run(xp):
        return lambda: L.sample_risk(p, sched, n, R, seed=1, batch=B, checkpoints=ckpt, xp=xp)

    t_dev = best_time(run(dev), dev, repeats)
    # the CPU baseline is the fastest CPU engine: the compiled one (numba), not the array code
    t_cpu = best_time(lambda: L.sample_risk(p, sched, n, R, seed=1, batch=B, checkpoints=ckpt), np, 1)
    z = dev.asarray(np.random.default_rng(0).standard_normal((R, B, d)))
    e = dev.asarray(np.random.default_rng(1).standard_normal((R, d, 1)))
    res = dev.asarray(np.random.default_rng(2).standard_normal((R, 1, B)))

    def floor():
        for _ in range(n):
            dev.matmul(z, e)
            dev.matmul(res, z)

    t_floor = best_time(floor, dev, repeats)
    return {"workload": "sampled process (linreg.sample_risk)",
            "shape": f"R={R}, B={B}, d={d}, steps={n}",
            "device_s": t_dev, "cpu_s": t_cpu, "floor_s": t_floor}


# ---------------------------------------------------------------------------- associative memory


def bench_assoc(dev, size, repeats):
    from scalinglaws.validators.processes import assoc_memory as A

    d, alpha, N, K, B = size["d"], size["alpha"], size["N"], size["K"], size["B"]
    seed = np.random.SeedSequence(7)
    mems = {name: A.make_memory(d, alpha, N, seed, xp=xp) for name, xp in (("dev", dev), ("cpu", np))}
    weights = A.batch_weights(mems["cpu"], B)

    def step(mem):
        def go():
            G = A.gradient(mem, weights)
            lam = A.one_step_lambda(d, alpha, B, 0.1)
            W = A.direction(mem, "muon", G, weights, lam=lam)
            return A.observe(mem, W, K)
        return go

    t_dev = best_time(step(mems["dev"]), dev, repeats)
    t_cpu = best_time(step(mems["cpu"]), np, 1)
    mem = mems["dev"]
    idx = np.flatnonzero(weights > 0)
    rows = dev.asarray(idx)
    w = dev.asarray(weights[idx], dtype=mem.U.dtype)
    Us, Es = mem.U[rows], mem.E[rows]

    def floor():  # the same products and SVD, bare: G, h(G) by SVD, scores of K items vs N
        G = Us.T @ (Es * w[:, None])
        u, s, vt = dev.linalg.svd(dev.asarray(G, dtype=dev.float64), full_matrices=False)
        W = dev.asarray((u * (s / dev.sqrt(s * s + 1e-4))[None, :]) @ vt, dtype=mem.U.dtype)
        for lo in range(0, K, 2048):
            hi = min(K, lo + 2048)
            dev.max(mem.U @ (W @ mem.E[lo:hi].T), axis=0)

    t_floor = best_time(floor, dev, repeats)
    return {"workload": "associative-memory Muon step (gradient, h_lambda by SVD, scoring)",
            "shape": f"d={d}, N={N}, K={K}, B={B}",
            "device_s": t_dev, "cpu_s": t_cpu, "floor_s": t_floor}


# ---------------------------------------------------------------------------- driver


def device_namespace(cpu_smoke: bool):
    """(xp, description) of the device, or (None, reason) when there is none."""
    if cpu_smoke:
        return np, "numpy standing in for the device (--cpu-smoke: tests this script only)"
    from scalinglaws.validators.processes.backend import get_backend

    backend = get_backend("cupy")
    if not backend.available:
        return None, backend.reason
    cupy = backend.xp
    props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)
    name = props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])
    return cupy, f"{name}, CuPy {cupy.__version__}"


def table(rows) -> str:
    lines = ["| workload | shape | GPU (s) | same code on CPU (s) | bare products on GPU (s) | "
             "GPU / CPU speed-up (target >= 10x) | floor / process on GPU (target >= 0.5) |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['workload']} | {r['shape']} | {r['device_s']:.4g} | {r['cpu_s']:.4g} | "
                     f"{r['floor_s']:.4g} | {r['cpu_s'] / r['device_s']:.1f}x | "
                     f"{r['floor_s'] / r['device_s']:.2f} |")
    return "\n".join(lines) + "\n"


def run(quick: bool, cpu_smoke: bool, repeats: int) -> dict:
    dev, what = device_namespace(cpu_smoke)
    info = {"device": what, "cpu": f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}",
            "python": platform.python_version(), "numpy": np.__version__,
            "sizes": "quick" if quick else "full"}
    if dev is None:
        return {**info, "skipped": what, "rows": []}
    key = "quick" if quick else "full"
    rows = [bench_sampled(dev, SIZES["sampled"][key], repeats),
            bench_assoc(dev, SIZES["assoc"][key], repeats)]
    return {**info, "rows": rows}


def summary(outdir: Path) -> str:
    """results.md: the full-suite table (check, size, backend, time, verdict) and the ratios."""
    lines = ["# GPU run", ""]
    bench = outdir / "bench.json"
    report = outdir / "report" / "report.json"
    info = json.loads(bench.read_text()) if bench.exists() else {}
    if info:
        lines += [f"Device: {info.get('device')}; host: {info.get('cpu')}; Python "
                  f"{info.get('python')}, numpy {info.get('numpy')}.", ""]
    sizes = {}
    try:
        from scalinglaws.validators.engine.checks import all_checks

        sizes = {c.name: (c.full_size, c.h100_seconds) for c in all_checks()}
    except ImportError:
        pass
    if report.exists():
        data = json.loads(report.read_text())
        results = data.get("results", [])
        total = sum(r.get("seconds", 0.0) for r in results)
        lines += ["## `scalinglaws verify --full --backend cupy`", "",
                  f"{len(results)} checks, {total / 60:.1f} min in all (target: under 30 min on "
                  "one H100).", "",
                  "| check | size | backend | time (s) | estimate (s) | verdict |",
                  "|---|---|---|---|---|---|"]
        for r in results:
            size, estimate = sizes.get(r["check"], ("", None))
            backend = r.get("backend", "?") + (f" ({r['backend_note']})" if r.get("backend_note") else "")
            lines.append(f"| `{r['check']}` | {size or 'not stated'} | {backend} | "
                         f"{r.get('seconds', 0.0):.1f} | {estimate if estimate else '—'} | "
                         f"{r['status'].upper()} |")
        lines.append("")
    else:
        lines += ["No verify report found (the full run did not finish).", ""]
    if info.get("rows"):
        lines += ["## Speed ratios (benchmarks/bench_gpu.py)", "", table(info["rows"])]
    elif info.get("skipped"):
        lines += [f"GPU benchmark skipped: {info['skipped']}", ""]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small shapes (a smoke run)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--cpu-smoke", action="store_true",
                        help="numpy stands in for the device (tests the script without a GPU)")
    parser.add_argument("--summary", metavar="DIR",
                        help="write DIR/results.md from DIR/report and DIR/bench.json, and exit")
    args = parser.parse_args(argv)
    if args.summary:
        out = Path(args.summary)
        text = summary(out)
        (out / "results.md").write_text(text)
        print(text)
        return 0
    result = run(args.quick, args.cpu_smoke, max(1, args.repeats))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    if result.get("skipped"):
        print(f"bench_gpu: skipped, no usable GPU: {result['skipped']}")
        return 0
    print(f"Device: {result['device']}; host: {result['cpu']}\n")
    print(table(result["rows"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
