"""Cost and accuracy of the power-law random-features deterministic equivalent (run by hand).

    python benchmarks/bench_powerlaw_ode.py [--quick] [--larger-steps]

Every number is a ratio measured in the same run against a plain reference:

1. log-time ODE (``powerlaw_ode.solve``, SGD) against the exact discrete second-moment
   recursion of the equivalent diagonal model (``linreg.expected_risk``, numba if available)
   run to the same horizon: wall-time ratio and largest relative difference of the risk for
   t >= 300 (the continuization error);
2. one implicit step of the generalized-momentum system (DANA-decaying) vectorized over all
   directions against ``reference_step`` below (the same step, one 3x3 solve per direction in a
   Python loop): throughput ratio and agreement;
3. accuracy per second: every config of the PLRF/DANA checks (four optimizers at alpha = 1.5,
   beta = 0.3; SGD at three PLRF phase points) integrated at dt = 0.02 by our earlier rule,
   by implicit Euler with the authors' step h = dt (1 + s_{n+1}), by BDF2 (the default now) and
   by a numpy re-implementation of the authors' integrator (``authors_step_solver``), each
   against a converged solution of the same ODE, with the dt-halving error estimate. (The
   authors' own solver is JAX; this section times their method on our stack, section 4 also
   in JAX.)
4. ``--larger-steps`` (this section only): every config integrated by BDF2 at dt, 2 dt and
   4 dt (dt = 0.02), against a converged solution, timed beside the authors' step at dt in
   numpy and, where JAX is installed (``pip install -e ".[bench]"``), in JAX as their code runs
   it (``authors_step_jax``: one jitted ``lax.scan``, float64): the time BDF2 needs to stay
   within 0.25 % of converged, against the reference solver's time.

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


def authors_step_solver(problem, opt, t_max, n_steps):
    """The authors' published integrator re-implemented in numpy (our coefficients, float64):
    implicit Euler in log time with h = dt (1 + s_{n+1}), the full 3x3 block stack (3, 3, d)
    inverted by cofactors and applied by einsum, Sherman-Morrison for the coupling through P.
    Their code (LosVolterrosHermanos/Experimental, power_law_rf/ode.py) runs the same step in JAX
    (float32, lax.scan) and has no SGD special case; neither has this re-implementation."""
    lam = problem.lam
    d = lam.size
    taus = np.linspace(0.0, np.log1p(t_max), n_steps + 1)
    dt = taus[1] - taus[0]
    s_grid = np.expm1(taus)
    v = np.stack([problem.rho0, np.zeros(d), np.zeros(d)])
    risk = np.empty(n_steps + 1)
    risk[0] = problem.initial_risk()
    p_inf2 = 2 * problem.p_inf
    eye = np.eye(3)[:, :, None]
    for n in range(n_steps):
        s = s_grid[n + 1]
        h = dt * (1.0 + s)
        entries, Ga = po._omega(opt, s, lam)
        Om = np.empty((3, 3, d))
        for i in range(3):
            for j in range(3):
                Om[i, j] = entries[i][j]
        a = eye - h * Om
        inv = np.empty_like(a)
        inv[0, 0] = a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1]
        inv[0, 1] = a[0, 2] * a[2, 1] - a[0, 1] * a[2, 2]
        inv[0, 2] = a[0, 1] * a[1, 2] - a[0, 2] * a[1, 1]
        inv[1, 0] = a[1, 2] * a[2, 0] - a[1, 0] * a[2, 2]
        inv[1, 1] = a[0, 0] * a[2, 2] - a[0, 2] * a[2, 0]
        inv[1, 2] = a[0, 2] * a[1, 0] - a[0, 0] * a[1, 2]
        inv[2, 0] = a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0]
        inv[2, 1] = a[0, 1] * a[2, 0] - a[0, 0] * a[2, 1]
        inv[2, 2] = a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0]
        inv /= a[0, 0] * inv[0, 0] + a[0, 1] * inv[1, 0] + a[0, 2] * inv[2, 0]
        G = h * Ga[:, None] * lam[None, :]
        x = np.einsum("ijk,jk->ik", inv, v + G * p_inf2)
        y = np.einsum("ijk,jk->ik", inv, G)
        S = (lam * x[0]).sum() / (1.0 - (lam * y[0]).sum())
        v = x + y * S
        risk[n + 1] = problem.p_inf + 0.5 * S
    return s_grid, risk


def authors_step_jax(problem, opt, t_max, n_steps):
    """The same integrator as :func:`authors_step_solver` on the authors' stack: JAX, the steps
    in one jitted ``lax.scan`` over (3, d) states, in float64 (their code runs float32). The
    per-step scalars (h, gamma1..3, delta: four numbers a step) are computed in numpy first; the
    d-sized work is all in JAX. Returns a function of no arguments giving ``(s_grid, risk)``;
    its first call compiles (call it once before timing). ``None`` if JAX is not installed."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    taus = np.linspace(0.0, np.log1p(t_max), n_steps + 1)
    s_grid = np.expm1(taus)
    s_next = s_grid[1:]
    h = (taus[1] - taus[0]) * (1.0 + s_next)
    scalars = np.stack([h, opt.gamma1(s_next) * np.ones_like(s_next),
                        opt.gamma2(s_next) * np.ones_like(s_next),
                        opt.gamma3(s_next) * np.ones_like(s_next),
                        opt.delta(s_next) * np.ones_like(s_next)], axis=1)
    lam = jnp.asarray(problem.lam)
    lam2 = lam * lam
    B = float(opt.batch)
    b = (B + 1.0) / B
    p_inf, p_inf2 = float(problem.p_inf), 2.0 * float(problem.p_inf)
    v0 = jnp.stack([jnp.asarray(problem.rho0), jnp.zeros_like(lam), jnp.zeros_like(lam)])

    def step(v, sc):
        hh, g1, g2, g3, D = sc[0], sc[1], sc[2], sc[3], sc[4]
        st = g2 + g1 * g3
        om = 1.0 - D
        one = jnp.ones_like(lam)
        Om = [[-2 * st * lam + b * st**2 * lam2, g3**2 * om**2 * one,
               -2 * g3 * om * one + 2 * st * g3 * om * lam],
              [b * g1**2 * lam2, (D**2 - 2 * D) * one, 2 * g1 * om * lam],
              [g1 * lam - b * g1 * st * lam2, -g3 * om**2 * one,
               -D * one - (g2 * om + 2 * om * g1 * g3) * lam]]
        a = jnp.eye(3)[:, :, None] - hh * jnp.stack([jnp.stack(row) for row in Om])
        inv = jnp.stack([
            jnp.stack([a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1], a[0, 2] * a[2, 1] - a[0, 1] * a[2, 2],
                       a[0, 1] * a[1, 2] - a[0, 2] * a[1, 1]]),
            jnp.stack([a[1, 2] * a[2, 0] - a[1, 0] * a[2, 2], a[0, 0] * a[2, 2] - a[0, 2] * a[2, 0],
                       a[0, 2] * a[1, 0] - a[0, 0] * a[1, 2]]),
            jnp.stack([a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0], a[0, 1] * a[2, 0] - a[0, 0] * a[2, 1],
                       a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0]])])
        inv = inv / (a[0, 0] * inv[0, 0] + a[0, 1] * inv[1, 0] + a[0, 2] * inv[2, 0])
        Ga = jnp.stack([st**2 / B, g1**2 / B, -g1 * st / B])
        G = hh * Ga[:, None] * lam[None, :]
        x = jnp.einsum("ijk,jk->ik", inv, v + G * p_inf2)
        y = jnp.einsum("ijk,jk->ik", inv, G)
        S = (lam * x[0]).sum() / (1.0 - (lam * y[0]).sum())
        v = x + y * S
        return v, p_inf + 0.5 * S

    run = jax.jit(lambda v, sc: jax.lax.scan(step, v, sc)[1])
    sc = jnp.asarray(scalars)
    risk0 = problem.initial_risk()

    def solve():
        risk = np.asarray(run(v0, sc).block_until_ready())
        return s_grid, np.concatenate([[risk0], risk])

    return solve


def _configs(quick):
    d_big = 400 if quick else 1600
    out = []
    for name in ("sgd", "sgdm", "dana_constant", "dana_decaying"):
        out.append(("dana", 1.5, 0.3, d_big, name, 1e6))
    for alpha, beta in ((0.7, 0.3), (0.7, 0.9), (1.0, 0.4)):
        out.append(("plrf_phases", alpha, beta, 200 if quick else 800, "sgd", 1e7))
    return out


def _opt(name, p):
    return {"sgd": po.sgd, "sgdm": lambda q: po.sgd_momentum(q, delta=0.1),
            "dana_constant": po.dana_constant, "dana_decaying": po.dana_decaying}[name](p)


def bench_accuracy(quick):
    """Accuracy per second: every config against a converged solution of the same ODE."""
    print("### 3. Accuracy per second against a converged solution (same ODE)\n")
    print("All at dt = 0.02 (log-time step). Converged = Richardson extrapolation of the new "
          "solver at dt/16 and dt/32 "
          "(dt = 0.02); errors are the largest relative deviation over the log-time grid. "
          "`est.` is `solve(..., error_estimate=True)`'s dt-halving estimate (max over the grid). "
          "Times are the best of 3, in the same run.\n")
    print("| paper | alpha, beta | d | optimizer | t_max | old rule (implicit Euler, h = "
          "s_{n+1}-s_n): err / time | implicit Euler, h = dt (1+s_{n+1}): err / time | "
          "BDF2 in log time (new default): err / est. / time | authors' step re-implemented "
          "(numpy): err / time | BDF2 / authors' time |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    dt = 0.02
    worst = 0.0
    for paper, alpha, beta, d, name, t_max in _configs(quick):
        p = po.PLRFProblem(alpha, beta, d)
        opt = _opt(name, p)
        n = int(np.ceil(np.log1p(t_max) / dt))
        _, f1 = po._integrate(p, opt, t_max, 16 * n)
        _, f2 = po._integrate(p, opt, t_max, 32 * n)
        conv = (4 * f2[::32] - f1[::16]) / 3  # second-order Richardson
        t_old, (_, old) = best_time(lambda: po._integrate(p, opt, t_max, n, rule="linear"), 3)
        t_ie, (_, ie) = best_time(lambda: po._integrate(p, opt, t_max, n, rule="log"), 3)
        t_new, (_, new) = best_time(lambda: po._integrate(p, opt, t_max, n), 3)
        t_ref, (_, ref) = best_time(lambda: authors_step_solver(p, opt, t_max, n), 3)
        est = po.solve(p, opt, t_max, dt=dt, error_estimate=True).error
        e_old, e_ie, e_new, e_ref = (float(np.max(np.abs(c / conv - 1))) for c in (old, ie, new, ref))
        worst = max(worst, e_new)
        print(f"| {paper} | {alpha}, {beta} | {d} | {opt.name} | {t_max:.0e} | "
              f"{100 * e_old:.3f} % / {t_old:.3f} s | {100 * e_ie:.3f} % / {t_ie:.3f} s | "
              f"{100 * e_new:.4f} % / "
              f"{100 * float(est.max()):.3f} % / {t_new:.3f} s | {100 * e_ref:.3f} % / "
              f"{t_ref:.3f} s | {t_new / t_ref:.2f} |")
    print(f"\nLargest error of the new rule at dt = {dt}: {100 * worst:.3f} %\n")


def bench_larger_steps(quick):
    """BDF2 at 2 dt and 4 dt against the authors' step at dt, each against converged."""
    print("### 4. BDF2 at larger steps against the authors' step at dt = 0.02\n")
    print("Converged = Richardson extrapolation of BDF2 at dt/4 and dt/8 (BDF2's own error at dt "
          "is ~1e-4, so this reference is good to ~1e-7). The number of steps at dt is rounded "
          "up to a multiple of 4, so the larger steps land on its grid. Times are the best of 3, "
          "in the same run.\n")
    print("| paper | alpha, beta | d | optimizer | authors' step at dt (numpy): err / time | "
          "authors' step at dt (JAX): err / time | BDF2 at dt: err / time | BDF2 at 2 dt: "
          "err / time | BDF2 at 4 dt: err / time | BDF2 at dt, 2 dt, 4 dt / authors' time "
          "(numpy) | the same / authors' time (JAX) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    dt = 0.02
    for paper, alpha, beta, d, name, t_max in _configs(quick):
        p = po.PLRFProblem(alpha, beta, d)
        opt = _opt(name, p)
        n = 4 * int(np.ceil(np.log1p(t_max) / dt / 4))
        _, f1 = po._integrate(p, opt, t_max, 4 * n)
        _, f2 = po._integrate(p, opt, t_max, 8 * n)
        conv = (4 * f2[::8] - f1[::4]) / 3  # second-order Richardson, on the grid of n steps
        t_ref, (_, ref) = best_time(lambda: authors_step_solver(p, opt, t_max, n), 3)
        row = [f"{100 * float(np.max(np.abs(ref / conv - 1))):.3f} % / {t_ref:.3f} s"]
        solve_jax = authors_step_jax(p, opt, t_max, n)
        if solve_jax is None:
            t_jax = float("nan")
            row.append("JAX not installed")
        else:
            solve_jax()  # compiles
            t_jax, (_, rj) = best_time(solve_jax, 3)
            row.append(f"{100 * float(np.max(np.abs(rj / conv - 1))):.3f} % / {t_jax:.3f} s")
        times = []
        for k in (1, 2, 4):
            t_k, (_, r_k) = best_time(lambda: po._integrate(p, opt, t_max, n // k), 3)
            err = float(np.max(np.abs(r_k / conv[::k] - 1)))
            row.append(f"{100 * err:.3f} % / {t_k:.3f} s")
            times.append(t_k)
        print(f"| {paper} | {alpha}, {beta} | {d} | {opt.name} | " + " | ".join(row)
              + " | " + ", ".join(f"{t / t_ref:.2f}" for t in times)
              + " | " + ", ".join(f"{t / t_jax:.2f}" for t in times) + " |")
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    parser.add_argument("--larger-steps", action="store_true",
                        help="only section 4: BDF2 at 2 dt and 4 dt against the authors' step")
    args = parser.parse_args()
    import os
    import platform

    print(f"Machine: nproc {os.cpu_count()}, Python {platform.python_version()}, numpy "
          f"{np.__version__}; load average {os.getloadavg()[0]:.2f} at start (numpy is "
          "single-threaded here: elementwise ops and reductions, no BLAS)\n")
    if args.larger_steps:
        bench_larger_steps(args.quick)
    else:
        bench_horizon(args.quick)
        bench_step(args.quick)
        bench_accuracy(args.quick)
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
