"""Throughput of the Gaussian linear-regression processes (run by hand).

    python benchmarks/bench_linreg.py [--quick]

Every number is a ratio measured in the same run against a plain reference:

1. recursion throughput (coordinate-steps per second) of the numba path and the numpy path of
   ``expected_risk`` against two baselines of the same algorithm: ``compiled_reference`` (the
   recursion as a plain compiled loop, numba, one thread: the honest baseline) and
   ``reference_recursion`` (one numpy expression per line, one step per loop iteration, which
   mostly measures interpreter overhead at small d), at d = 1e3, 1e4, 1e5;
2. spectral binning at d = 1e7: largest relative difference binned vs unbinned over the whole
   risk curve, and the work ratio (coordinates x steps);
3. the sampled process: now in ``bench_sampled.py`` (its compiled engine, its draws, the array
   engine and numpy's generators against the bare batched matrix products of the same shapes).

Timings are the best of several repeats (the machine may be shared). Output: Markdown tables
on stdout, to be pasted into benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from scalinglaws.validators.processes import linreg as L
from scalinglaws.validators.processes.linreg._kernels import _PARALLEL_MIN_COORDS


def reference_recursion(lam, mult, w2, sigma2, batch, etas, rho, steps):
    """The exact SGD second-moment recursion with uniform-style averaging, written plainly."""
    S, A, C = w2.copy(), w2.copy(), w2.copy()
    last, avg = [], []
    wanted = set(int(s) for s in steps)
    for t in range(etas.size):
        eta = etas[t]
        q = np.sum(mult * lam * S)
        S = (1 - 2 * eta * lam + (1 + 1 / batch) * eta**2 * lam**2) * S + eta**2 / batch * lam * (q + sigma2)
        r = rho[t]
        Cp = (1 - eta * lam) * C
        A = (1 - r) ** 2 * A + r**2 * S + 2 * r * (1 - r) * Cp
        C = (1 - r) * Cp + r * S
        if t + 1 in wanted:
            last.append(0.5 * np.sum(mult * lam * S))
            avg.append(0.5 * np.sum(mult * lam * A))
    return np.array(last), np.array(avg)


def _plain_loop(lam, ml, w2, sigma2, batch, etas, rho, steps, last, avg):  # pragma: no cover
    S = w2.copy()
    A = w2.copy()
    C = w2.copy()
    n = lam.size
    k = 0
    for t in range(etas.size):
        eta = etas[t]
        q = 0.0
        for i in range(n):
            q += ml[i] * S[i]
        r = rho[t]
        for i in range(n):
            S[i] = (1 - 2 * eta * lam[i] + (1 + 1 / batch) * eta**2 * lam[i] ** 2) * S[i] \
                + eta**2 / batch * lam[i] * (q + sigma2)
            cp = (1 - eta * lam[i]) * C[i]
            A[i] = (1 - r) ** 2 * A[i] + r**2 * S[i] + 2 * r * (1 - r) * cp
            C[i] = (1 - r) * cp + r * S[i]
        if k < steps.size and steps[k] == t + 1:
            sl = 0.0
            sa = 0.0
            for i in range(n):
                sl += ml[i] * S[i]
                sa += ml[i] * A[i]
            last[k] = 0.5 * sl
            avg[k] = 0.5 * sa
            k += 1


_compiled_loop = None


def compiled_reference(lam, mult, w2, sigma2, batch, etas, rho, steps):
    """The same recursion as a plain compiled loop (numba, one thread, no chunking, one
    reduction loop per step): the honest baseline for the fused kernel."""
    global _compiled_loop
    if _compiled_loop is None:
        import numba

        _compiled_loop = numba.njit(cache=True)(_plain_loop)
    steps = np.asarray(steps, dtype=np.int64)
    last, avg = np.empty(steps.size), np.empty(steps.size)
    _compiled_loop(lam, mult * lam, w2, float(sigma2), batch, etas, rho, steps, last, avg)
    return last, avg


def best_time(fn, repeats):
    best = float("inf")
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def machine_info():
    import numba

    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "numba threads": numba.get_num_threads(),
        "numba threading layer": None,  # filled after the first parallel run
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def bench_recursion(quick, repeats):
    import numba

    rows = []
    for d in (10**3, 10**4, 10**5):
        p = L.PowerLawProblem(1.5, 2.25, d=d, sigma2=1.0, bin_width=0)
        sched = L.constant(0.5 / p.trace)
        scale = 0.2 if quick else 1.0
        n_ref = int(max(100, min(20000, scale * 2e7 / d)))
        n_fast = int(max(1000, scale * 1e9 / d))
        etas_ref = sched.eta(np.arange(1, n_ref + 1))
        rho_ref = L.averaging_weights("uniform", n_ref)
        ck_ref = L.default_checkpoints(n_ref)

        t_ref, (ref_last, ref_avg) = best_time(
            lambda: reference_recursion(p.lam, p.mult, p.w2, p.sigma2, 1, etas_ref, rho_ref, ck_ref), repeats
        )
        t_np, np_curve = best_time(lambda: L.expected_risk(p, sched, n_ref, averaging="uniform"), repeats)
        L.expected_risk(p, sched, 10, backend="numba")  # compile / load the cache
        same = L.expected_risk(p, sched, n_ref, averaging="uniform", backend="numba")
        err = max(
            np.max(np.abs(same.risk_last / ref_last - 1)), np.max(np.abs(same.risk_avg / ref_avg - 1)),
            np.max(np.abs(np_curve.risk_avg / ref_avg - 1)),
        )
        etas_fast = sched.eta(np.arange(1, n_fast + 1))
        rho_fast = L.averaging_weights("uniform", n_fast)
        ck_fast = L.default_checkpoints(n_fast)
        compiled_reference(p.lam, p.mult, p.w2, p.sigma2, 1, etas_fast[:10], rho_fast[:10], ck_fast[:1])
        t_plain, (pl_last, pl_avg) = best_time(
            lambda: compiled_reference(p.lam, p.mult, p.w2, p.sigma2, 1, etas_fast, rho_fast, ck_fast), repeats)
        t_nb, nb_curve = best_time(lambda: L.expected_risk(p, sched, n_fast, averaging="uniform", backend="numba"), repeats)
        err = max(err, float(np.max(np.abs(nb_curve.risk_avg / pl_avg - 1))))
        t_nb_none, _ = best_time(lambda: L.expected_risk(p, sched, n_fast, averaging="none", backend="numba"), repeats)
        ref_rate = d * n_ref / t_ref
        row = {
            "d": d,
            "reference": ref_rate,
            "numpy path": d * n_ref / t_np,
            "numba": d * n_fast / t_nb,
            "compiled plain loop": d * n_fast / t_plain,
            "numba, no averaging": d * n_fast / t_nb_none,
            "max rel diff": err,
        }
        if d >= _PARALLEL_MIN_COORDS:
            before = numba.get_num_threads()
            numba.set_num_threads(1)
            try:
                t1, _ = best_time(
                    lambda: L.expected_risk(p, sched, n_fast, averaging="uniform", backend="numba"), repeats
                )
            finally:
                numba.set_num_threads(before)
            row["numba 1 thread"] = d * n_fast / t1
        rows.append(row)
    return rows


def bench_binning(quick, repeats):
    d = 10**7
    n = 256 if quick else 2048
    out = []
    for kw, gamma, averaging in [
        (dict(a=1.5, b=2.25, sigma2=1.0), 1 / 3, "uniform"),
        (dict(a=1.5, b=1.5, sigma2=1.0, target="zero"), 0.0, ("ema", 25.0)),
    ]:
        exact = L.PowerLawProblem(d=d, bin_width=0, **kw)
        sched = L.polynomial(0.5 / exact.trace, gamma)
        t_exact, a = best_time(lambda: L.expected_risk(exact, sched, n, averaging=averaging, backend="numba"), 1)
        for n_exact in (1024, 64):
            binned = L.PowerLawProblem(d=d, n_exact=n_exact, bin_width=0.01, **kw)
            t_binned, b = best_time(
                lambda: L.expected_risk(binned, sched, n, averaging=averaging, backend="numba"), repeats
            )
            out.append(
                {
                    "setting": f"a={kw['a']}, b={kw['b']}, target={kw.get('target', 'power')}, "
                    f"gamma={gamma:.3g}, avg={averaging}",
                    "n_exact": n_exact,
                    "N": n,
                    "coords binned": binned.n_coords,
                    "work ratio": exact.n_coords / binned.n_coords,
                    "time ratio": t_exact / t_binned,
                    "max rel diff last": float(np.max(np.abs(b.risk_last / a.risk_last - 1))),
                    "max rel diff avg": float(np.max(np.abs(b.risk_avg / a.risk_avg - 1))),
                }
            )
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (smoke run)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import numba

    info = machine_info()
    rec = bench_recursion(args.quick, args.repeats)
    info["numba threading layer"] = numba.threading_layer()
    binning = bench_binning(args.quick, args.repeats)
    info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())

    print("## Machine\n")
    for k, v in info.items():
        print(f"- {k}: {v}")
    print("\n## 1. Recursion throughput (coordinate-steps / s), uniform averaging, B = 1\n")
    print(f"numba threads: {numba.get_num_threads()}; load average now {os.getloadavg()[0]:.2f}\n")
    print("| d | reference (plain numpy loop) | compiled plain loop (numba, 1 thread) | numpy path | numba (default driver) | numba / compiled plain loop | numba / numpy loop | numba, no averaging | numba 1 thread | max rel diff vs references |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rec:
        one = f"{r['numba 1 thread']:.3g}" if "numba 1 thread" in r else "-"
        print(
            f"| {r['d']:.0e} | {r['reference']:.3g} | {r['compiled plain loop']:.3g} | {r['numpy path']:.3g} | "
            f"{r['numba']:.3g} | {r['numba'] / r['compiled plain loop']:.1f}x | {r['numba'] / r['reference']:.0f}x | "
            f"{r['numba, no averaging']:.3g} | {one} | {r['max rel diff']:.1e} |"
        )
    print("\n## 2. Spectral binning at d = 1e7 (bin width 1 %)\n")
    print("| setting | n_exact | N | coordinates binned | work ratio | time ratio | max rel diff (last) | max rel diff (avg) |")
    print("|---|---|---|---|---|---|---|---|")
    for b in binning:
        print(
            f"| {b['setting']} | {b['n_exact']} | {b['N']} | {b['coords binned']} | {b['work ratio']:.0f}x | {b['time ratio']:.0f}x | "
            f"{b['max rel diff last']:.1e} | {b['max rel diff avg']:.1e} |"
        )
    print("\n(The sampled process: python benchmarks/bench_sampled.py)")


if __name__ == "__main__":
    main()
