"""The exact SGD recursion against the peer's stack: JAX, all learning rates vectorised (run by hand).

    pip install "jax[cpu]"            # or: pip install -e ".[bench]"
    python benchmarks/bench_jax_peer.py [--quick]

The anytime authors run the exact second-moment recursion of SGD in JAX, one sweep of learning
rates at a time (``synthetics/figure3_exact_recursion.py`` in alexandrumeterez/anytime-training;
read, not copied). This script writes that algorithm in JAX the way such code is written (the
state of every rate as one (P, d) array, ``lax.scan`` over the steps, float64, jitted; compile
time excluded, the best of 3 runs) and times it, in the same run, against
``linreg.expected_risk(..., backend="numba")`` on the same workload: the same coordinates (no
binning), the same P rates and steps, uniform averaging from step 1. Both do P·d·N
coordinate-steps (work ratio 1); the last column is the largest relative difference of the
averaged-risk curves at the checkpoints. Machine, load and threads are printed with the table.
A missing JAX is a one-line message, not a traceback.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np

from scalinglaws.validators.processes import linreg as L

RATES = np.array([1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 1e-1, 2e-1, 3e-1, 5e-1, 8e-1, 1.0])


def jax_sweep(lam, mult, w2, sigma2, etas, rho, checkpoints):
    """Averaged risk at ``checkpoints`` for every rate: etas (N, P), rho (N,)."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    lam, ml, w2 = jnp.asarray(lam), jnp.asarray(mult * lam), jnp.asarray(w2)
    P = etas.shape[1]

    @jax.jit
    def run(etas, rho):
        def step(state, inputs):
            S, A, C = state
            eta, r = inputs
            eta = eta[:, None]
            q = S @ ml
            S = (1 - 2 * eta * lam + 2 * eta**2 * lam**2) * S + eta**2 * lam * (q + sigma2)[:, None]
            Cp = (1 - eta * lam) * C
            A = (1 - r) ** 2 * A + r**2 * S + 2 * r * (1 - r) * Cp
            C = (1 - r) * Cp + r * S
            return (S, A, C), 0.5 * (A @ ml)

        start = jnp.broadcast_to(w2, (P, w2.size))
        _, avg = jax.lax.scan(step, (start, start, start), (etas, rho))
        return avg

    etas_j, rho_j = jnp.asarray(etas), jnp.asarray(rho)
    run(etas_j, rho_j).block_until_ready()  # compile
    best = np.inf
    for _ in range(3):
        t0 = time.perf_counter()
        avg = run(etas_j, rho_j).block_until_ready()
        best = min(best, time.perf_counter() - t0)
    return np.asarray(avg)[np.asarray(checkpoints) - 1].T, best


def ours(problem, scheds, steps, checkpoints):
    L.expected_risk(problem, scheds, 4, checkpoints=[4], averaging="uniform", backend="numba")
    best, curve = np.inf, None
    for _ in range(3):
        t0 = time.perf_counter()
        curve = L.expected_risk(problem, scheds, steps, checkpoints=checkpoints,
                                averaging="uniform", backend="numba")
        best = min(best, time.perf_counter() - t0)
    return curve.risk_avg, best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="d = 2000, 1000 steps")
    args = parser.parse_args()
    try:
        import jax
    except ImportError:
        print("bench_jax_peer: JAX is not installed (pip install 'jax[cpu]'); nothing to compare")
        return 2
    import numba

    sizes = [(2000, 1000)] if args.quick else [(10_000, 5000), (100_000, 2000)]
    print(f"- nproc {os.cpu_count()}, Python {platform.python_version()}, numpy {np.__version__}, "
          f"numba {numba.__version__} ({numba.get_num_threads()} threads), jax {jax.__version__} "
          f"(XLA CPU, its default threads), load average {os.getloadavg()[0]:.2f} at start")
    print("| a, b | d | steps | rates P | JAX (s) | ours, numba (s) | JAX / ours | "
          "max rel. diff. |")
    print("|---|---|---|---|---|---|---|---|")
    for d, steps in sizes:
        a, b = 1.5, 3.0
        problem = L.PowerLawProblem(a, b, d=d, sigma2=0.01, bin_width=0)
        tr = float(np.sum(problem.mult * problem.lam))
        scheds = [L.polynomial(m / tr, 0.0) for m in RATES]
        checkpoints = np.unique(np.geomspace(1, steps, 30).astype(int))
        t = np.arange(1, steps + 1)
        etas = np.stack([s.eta(t) for s in scheds], axis=1)
        rho = L.averaging_weights("uniform", steps)
        with np.errstate(all="ignore"):
            mine, t_ours = ours(problem, scheds, steps, checkpoints)
            theirs, t_jax = jax_sweep(problem.lam, problem.mult, problem.w2, 0.01, etas, rho,
                                      checkpoints)
        finite = np.isfinite(mine) & np.isfinite(theirs)
        diff = float(np.max(np.abs(theirs[finite] - mine[finite]) / np.abs(mine[finite])))
        print(f"| {a}, {b} | {d} | {steps} | {RATES.size} | {t_jax:.3f} | {t_ours:.3f} | "
              f"{t_jax / t_ours:.2f} | {diff:.1e} |")
    print(f"- load average {os.getloadavg()[0]:.2f} at end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
