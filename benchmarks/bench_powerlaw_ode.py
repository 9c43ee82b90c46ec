"""Cost and accuracy of the power-law random-features deterministic equivalent (run by hand).

    python benchmarks/bench_powerlaw_ode.py [--quick]

Every number is a ratio measured in the same run against a plain reference:

1. log-time ODE (``powerlaw_ode.solve``, SGD) against the exact discrete second-moment
   recursion of the equivalent diagonal model (``linreg.expected_risk``, numba if available)
   run to the same horizon: wall-time ratio and largest relative difference of the risk for
   t >= 300 (the continuization error);
2. one implicit step of the generalized-momentum system (DANA-decaying) vectorized over all
   directions against ``reference_step`` below (the same step, one 3x3 solve per direction in a
   Python loop): throughput ratio and agreement.

Output: Markdown tables on stdout, to be pasted into benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from scalinglaws.validators.processes import linreg
from scalinglaws.validators.processes import powerlaw_ode as po


def best_time(fn, repeats):
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def reference_step(opt, s, h, lam, v, p_inf2):
    """One implicit Euler step of the moment system, written plainly (loop over directions)."""
    Om, Ga = po._coefficients(opt, s, lam)
    u = np.empty_like(v)
    w = np.empty_like(v)
    for j in range(lam.size):
        A = np.eye(3) - h * Om[j]
        c = h * Ga * lam[j]
        u[j] = np.linalg.solve(A, v[j] + c * p_inf2)
        w[j] = np.linalg.solve(A, c)
    S = np.dot(lam, u[:, 0]) / (1 - np.dot(lam, w[:, 0]))
    return u + w * S


def vector_step(opt, s, h, lam, v, p_inf2):
    Om, Ga = po._coefficients(opt, s, lam)
    A = np.eye(3)[None] - h * Om
    c = h * Ga[None, :] * lam[:, None]
    sol = np.linalg.solve(A, np.stack([v + c * p_inf2, c], axis=2))
    u, w = sol[:, :, 0], sol[:, :, 1]
    S = np.dot(lam, u[:, 0]) / (1 - np.dot(lam, w[:, 0]))
    return u + w * S


def bench_horizon(quick):
    print("### 1. Log-time ODE vs exact discrete recursion (SGD, alpha=1, beta=0.4)\n")
    print("| d | horizon | ODE steps | ODE time | recursion time | time ratio | max rel. diff. (t >= 300) |")
    print("|---|---|---|---|---|---|---|")
    backend = "numba"
    try:
        import numba  # noqa: F401
    except ImportError:
        backend = "numpy"
    for d, horizon in ([(500, 10**5)] if quick else [(1000, 10**5), (1000, 10**6), (4000, 10**6)]):
        p = po.PLRFProblem(1.0, 0.4, d)
        opt = po.sgd(p)
        t_ode, curve = best_time(lambda: po.solve(p, opt, horizon), 3)
        steps = np.unique(np.geomspace(300, horizon, 40).astype(int))
        diag = linreg.SpectrumProblem(p.lam, w2=p.rho0, sigma2=2 * p.p_inf)
        sched = linreg.constant(opt.params["gamma2"])
        t_rec, exact = best_time(
            lambda: linreg.expected_risk(diag, sched, horizon, checkpoints=steps, averaging="none",
                                         backend=backend), 2)  # the first repeat compiles
        diff = np.max(np.abs(curve.at(steps) / (exact.risk_last + p.p_inf) - 1))
        print(f"| {d} | {horizon:.0e} | {curve.t.size - 1} | {t_ode:.3f} s | {t_rec:.3f} s "
              f"({backend}) | {t_rec / t_ode:.0f}x | {diff:.3f} |")
    print()


def bench_step(quick):
    print("### 2. Vectorized implicit step vs a per-direction loop (DANA-decaying)\n")
    print("| d | reference (loop) | vectorized | ratio | max rel. diff. |")
    print("|---|---|---|---|---|")
    for d in ([500] if quick else [1000, 8000]):
        p = po.PLRFProblem(1.5, 0.3, d)
        opt = po.dana_decaying(p)
        rng = np.random.default_rng(0)
        v = np.abs(rng.standard_normal((d, 3))) * p.rho0[:, None]
        t_ref, a = best_time(lambda: reference_step(opt, 100.0, 2.0, p.lam, v, 2 * p.p_inf), 2)
        t_vec, b = best_time(lambda: vector_step(opt, 100.0, 2.0, p.lam, v, 2 * p.p_inf), 5)
        diff = np.max(np.abs(a - b) / np.maximum(np.abs(a), 1e-300))
        print(f"| {d} | {t_ref * 1e3:.1f} ms | {t_vec * 1e3:.2f} ms | {t_ref / t_vec:.0f}x | {diff:.1e} |")
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    args = parser.parse_args()
    bench_horizon(args.quick)
    bench_step(args.quick)


if __name__ == "__main__":
    main()
