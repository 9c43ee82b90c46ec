"""The anytime paper's synthetic Figure-3 workload, whole, with its accuracy (run by hand).

    python benchmarks/bench_anytime_fig3.py [--quick]

The workload of the authors' ``synthetics/figure3_exact_recursion.py``
(alexandrumeterez/anytime-training; read, not copied): six panels a in {1.1, 1.5, 1.9},
b in {a, 2a}; two schedules (constant eta/tr H and eta/(tr H sqrt t)); 22 learning-rate
multipliers; 5e4 steps of the exact second-moment recursion of SGD (batch 1, sigma^2 = 0.01)
with uniform averaging from step 1 at d = 5e5; the learning rate of each (panel, schedule) is
the one with the smallest mean averaged excess risk over the checkpoints
{1e3, 2e3, 3e3, 5e3, 8e3, 1e4, 2e4, 5e4}. That is 12 sweeps x 22 rates = 264 runs, 1.3e13
coordinate-steps unbinned (the authors run it in JAX, all rates of a sweep vectorised).

Here every sweep runs on the binned spectrum (``PowerLawProblem`` spectral binning, bin width
1 %, 1024 exact indices) with the 22 rates as one ``expected_risk`` call (one thread per rate,
see ``linreg._kernels``), and again on a finer binning (bin width 0.1 %, 8192 exact indices) as
the accuracy reference. Reported: wall time of each, the work ratio to the unbinned workload,
whether the selected rates agree, and the largest relative difference of the selected
averaged-risk curves over the checkpoints. Machine, load and threads are printed with them.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from scalinglaws.validators.processes import linreg as L

LR = np.array([1e-4, 2e-4, 5e-4, 7e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 3e-2, 5e-2, 7.5e-2, 1e-1,
               2e-1, 3e-1, 5e-1, 8e-1, 1.0, 2.0, 3.0, 5.0, 10.0])
CHECKPOINTS = np.array([1000, 2000, 3000, 5000, 8000, 10000, 20000, 50000])


def workload(d, steps, bin_width, n_exact):
    ck = CHECKPOINTS[CHECKPOINTS <= steps]
    out = {}
    coords = 0
    for a in (1.1, 1.5, 1.9):
        for b in (a, 2 * a):
            p = L.PowerLawProblem(a, b, d=d, sigma2=0.01, bin_width=bin_width, n_exact=n_exact)
            coords += p.n_coords
            tr = float(np.sum(np.arange(1, d + 1, dtype=float) ** (-a)))
            for name, gamma in (("constant", 0.0), ("sqrt", 0.5)):
                scheds = [L.polynomial(m / tr, gamma) for m in LR]
                with np.errstate(all="ignore"):
                    curve = L.expected_risk(p, scheds, steps, checkpoints=ck, averaging="uniform",
                                            backend="numba")
                score = curve.risk_avg.mean(axis=1)
                score[~np.isfinite(score)] = np.inf
                best = int(np.argmin(score))
                out[(a, b, name)] = (LR[best], curve.risk_avg[best])
    return out, coords


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="d = 5e4, 5e3 steps")
    parser.add_argument("--ref-bin", type=float, default=0.001, help="reference bin width")
    parser.add_argument("--ref-exact", type=int, default=8192, help="reference exact indices")
    opts = parser.parse_args()
    import numba

    d, steps = (50_000, 5_000) if opts.quick else (500_000, 50_000)
    L.expected_risk(L.PowerLawProblem(1.5, 3.0, d=1000), [L.constant(0.1)] * 2, 10,
                    backend="numba")  # compile / load the cache
    load0 = os.getloadavg()
    t0 = time.perf_counter()
    fast, coords = workload(d, steps, 0.01, 1024)
    t_fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    fine, coords_fine = workload(d, steps, opts.ref_bin, opts.ref_exact)
    t_fine = time.perf_counter() - t0
    load1 = os.getloadavg()
    same = all(fast[k][0] == fine[k][0] for k in fast)
    err = max(float(np.max(np.abs(fast[k][1] / fine[k][1] - 1))) for k in fast if fast[k][0] == fine[k][0])
    unbinned = 6 * d
    print("## Machine\n")
    print(f"- nproc {os.cpu_count()}, Python {platform.python_version()}, numpy {np.__version__}, "
          f"numba {numba.__version__} ({numba.get_num_threads()} threads), load average "
          f"{load0[0]:.2f} at start, {load1[0]:.2f} at end\n")
    print(f"d = {d}, {steps} steps, 12 sweeps x 22 rates, uniform averaging, sigma^2 = 0.01\n")
    print("| run | coordinates (6 panels) | work ratio to unbinned | wall time | "
          "selected rates equal to the fine run | max rel. diff. of selected curves |")
    print("|---|---|---|---|---|---|")
    print(f"| bins 1 %, 1024 exact | {coords} | {unbinned / coords:.0f}x less | {t_fast:.1f} s | "
          f"{same} | {err:.1e} |")
    print(f"| bins {100 * opts.ref_bin:g} %, {opts.ref_exact} exact (reference) | {coords_fine} | {unbinned / coords_fine:.0f}x less "
          f"| {t_fine:.1f} s | - | - |")
    print("\nselected multipliers (constant, sqrt) per panel: " + "; ".join(
        f"a={a:g} b={b:g}: {fast[(a, b, 'constant')][0]:g}, {fast[(a, b, 'sqrt')][0]:g}"
        for a in (1.1, 1.5, 1.9) for b in (a, 2 * a)))


if __name__ == "__main__":
    main()
