r"""Checks of :mod:`scalinglaws.papers.plrf_phases`: IsoFLOP exponents per phase, the SGD loss
slope, and a Monte Carlo spot check of the deterministic equivalent.

Process: :mod:`scalinglaws.validators.processes.powerlaw_ode` (the loss ODE of one-pass SGD on
power-law random features, theory spectrum :math:`j^{-2\alpha}`, :math:`v = 4d`, step
:math:`0.375/\operatorname{tr}K`). IsoFLOP protocol (digest 2.4): curves at
:math:`d = 100\cdot 2^k`, the envelope :math:`\min_d P(f/d, d)` on 40 log-spaced budgets, fits only
where :math:`d^*` is interior to the grid. Every curve is deterministic, so the interval of a
fitted exponent is the window interval plus the drift allowance of
:func:`~scalinglaws.validators.fit.fit_drifting_slope` (the slope's movement over the preceding
factor ``DRIFT_SHIFT`` of compute). Points sit away from phase boundaries (digest pitfall).
The traverse check (paper's Fig. 5b) measures eta along beta at alpha = 0.7 across Ia, II and
III, each point against the law of the phase :func:`scalinglaws.phase` reports there.
"""

from __future__ import annotations

import functools

import numpy as np

import scalinglaws as sl
from scalinglaws.validators.checks import Settings, check
from scalinglaws.validators.fit import Verdict, _passes, fit_drifting_slope, make_verdict

__all__ = ["report_figures"]

DRIFT_SHIFT = 3.0
#: Phase points (alpha, beta) of the IsoFLOP checks, inside their phases (digest 2.4).
POINTS = {"Ia": (1.0, 0.4), "Ib": (0.4, 0.2), "II": (1.25, 0.75), "III": (1.0, 2.0)}


def _ode():
    from scalinglaws.validators.processes import powerlaw_ode

    return powerlaw_ode


@functools.lru_cache(maxsize=None)
def _curves(alpha: float, beta: float, full: bool) -> tuple:
    """SGD loss curves of the deterministic equivalent at d = 100 * 2^k, each to the same compute."""
    P = _ode()
    k_max = 10 if full else 6
    f_max = 1e14 if full else 1e12
    curves = []
    for k in range(k_max + 1):
        prob = P.PLRFProblem(alpha, beta, 100 * 2**k)
        curves.append(P.solve(prob, P.sgd(prob), f_max / prob.d, dt=0.02))
    return tuple(curves)


@functools.lru_cache(maxsize=None)
def _frontier(alpha: float, beta: float, full: bool):
    return _ode().isoflop_frontier(_curves(alpha, beta, full), n_flops=40)


def _isoflop(phase: str, which: str, settings: Settings) -> Verdict:
    alpha, beta = POINTS[phase]
    key = f"plrf_phases.{which}_{phase}"
    value = float(sl.law(key).evaluate(alpha=alpha, beta=beta))
    fr = _frontier(alpha, beta, settings.full)
    m = fr.interior
    x = fr.flops[m]
    if which == "xi":
        y, predicted = fr.d_star[m], value + settings.perturb
        ylabel = "compute-optimal d*"
    else:
        y, predicted = fr.loss_star[m], -value + settings.perturb
        ylabel = "compute-optimal loss P*"
    window = (x[0] * DRIFT_SHIFT, x[-1])
    fit = fit_drifting_slope(x, y, window, shift=DRIFT_SHIFT)
    v = make_verdict(
        key, f"IsoFLOP {which} in phase {phase} at alpha={alpha}, beta={beta}", predicted, fit,
        notes=f"{int(m.sum())} interior budgets of {m.size}; d grid {int(fr.d_grid[0])}.."
        f"{int(fr.d_grid[-1])}",
    )
    v.data.update(
        xlabel="compute f = d r", ylabel=ylabel, phase=phase, alpha=alpha, beta=beta,
        which=which, law_value=value,
        measured_value=-v.measured if which == "eta" else v.measured,
        isoflop={
            "flops": fr.flops.tolist(), "d_grid": fr.d_grid.tolist(), "loss": fr.loss.tolist(),
            "d_star": fr.d_star.tolist(), "loss_star": fr.loss_star.tolist(),
            "interior": fr.interior.tolist(),
        },
    )
    return v


#: Findings (quick grid d = 100..6400, f <= 1e12): the drift-window interval excludes the law.
KNOWN_FAILURES = {
    ("II", "eta"): "measured eta 0.7518 [0.7505, 0.7531] vs 0.75: off by 0.002, finite-size",
    ("II", "xi"): "measured xi 0.360 [0.358, 0.363] vs 0.375 (digest's larger grid: 0.353)",
    ("Ia", "xi"): "measured xi 0.3427 [0.3359, 0.3454] vs 0.3333 (digest: 0.330)",
    ("Ib", "eta"): "measured eta 0.0933 [0.0897, 0.0967] vs 0.1 at alpha=0.4, beta=0.2 (v = 4d, "
    "step c/tr K so gamma ~ d^(2 alpha - 1)); xi 0.499 agrees",
}


def _make(phase: str, which: str):
    @check(f"plrf_phases.{which}_{phase}", name=f"plrf_phases.{which}_{phase}[isoflop]",
           quick_seconds=3, known_failure=KNOWN_FAILURES.get((phase, which), ""))
    def run(settings: Settings) -> Verdict:
        return _isoflop(phase, which, settings)

    run.__doc__ = f"IsoFLOP {which} of phase {phase}: slope of the compute-optimal frontier."
    return run


for _phase in POINTS:
    for _which in ("eta", "xi"):
        _make(_phase, _which)


@check("plrf_phases.sgd_loss_exponent", name="plrf_phases.sgd_loss_exponent[a=1.5,b=0.3]",
       quick_seconds=1)
def sgd_loss_slope(settings: Settings) -> Verdict:
    """Pre-floor slope of the SGD loss P(r) - F_0 (deterministic equivalent, d = 3200)."""
    P = _ode()
    alpha, beta = 1.5, 0.3
    d = 12800 if settings.full else 3200
    prob = P.PLRFProblem(alpha, beta, d)
    curve = P.solve(prob, P.sgd(prob), 1e7, dt=0.02)
    t, excess = curve.t[1:], curve.risk[1:] - prob.p_inf
    rate = float(sl.law("plrf_phases.sgd_loss_exponent").evaluate(alpha=alpha, beta=beta))
    window = (1e3, 1e6)
    fit = fit_drifting_slope(t, excess, window, shift=8.0)
    v = make_verdict("plrf_phases.sgd_loss_exponent", f"SGD loss slope, alpha={alpha}, "
                     f"beta={beta}, d={d}", -rate + settings.perturb, fit)
    v.data.update(xlabel="iterations r", ylabel="P(r) - P_inf")
    return v


@check("plrf_phases.forcing_pp", name="plrf_phases.forcing_pp[mc_vs_ode]", quick_seconds=8)
def mc_spot_check(settings: Settings) -> Verdict:
    """Sampled SGD on the equivalent diagonal model against the deterministic equivalent.

    The PLRF stream is linear regression with features N(0, K) and independent label noise of
    variance 2 P_inf (digest 3.4); the risk there is 1/2 E(.)^2, so the sampled excess risk is
    compared with P_ODE - P_inf. Measured: the geometric mean over checkpoints t >= 100 of the
    ratio (sampled mean)/(ODE); interval: bootstrap over replicas (95 %). Predicted ratio 1.
    """
    from scalinglaws.validators.processes.linreg import (
        SpectrumProblem, constant, default_checkpoints, sample_risk,
    )

    P = _ode()
    alpha, beta, d = 1.0, 0.4, 100
    n_steps, R = (200_000, 256) if settings.full else (20_000, 64)
    prob = P.PLRFProblem(alpha, beta, d)
    opt = P.sgd(prob)
    gamma = float(opt.gamma2(np.array([0.0]))[0])
    curve = P.solve(prob, opt, n_steps, dt=0.01)
    diag = SpectrumProblem(prob.lam, w2=prob.rho0, sigma2=2 * prob.p_inf, name="plrf-diagonal")
    steps = default_checkpoints(n_steps, 60)
    mc = sample_risk(diag, constant(gamma), n_steps, R, settings.seed, checkpoints=steps,
                     averaging="none")
    keep = mc.steps >= 100
    t = mc.steps[keep].astype(float)
    ode = curve.at(t) - prob.p_inf
    Y = mc.risk_last[:, keep]

    def pooled(rows):
        return float(np.exp(np.mean(np.log(rows.mean(axis=0) / ode))))

    rng = np.random.default_rng(np.random.SeedSequence([settings.seed, 5]))
    boot = np.array([pooled(Y[rng.integers(0, R, R)]) for _ in range(1000)])
    measured = pooled(Y)
    ci = (float(np.quantile(boot, 0.025)), float(np.quantile(boot, 0.975)))
    predicted = 1.0 + settings.perturb
    shifts = [predicted * 0.9, predicted * 1.1]
    nc = {"shifted": shifts, "rejected_each": [not _passes(s, ci, 0.0) for s in shifts]}
    nc["rejected"] = all(nc["rejected_each"])
    return Verdict(
        key="plrf_phases.forcing_pp", check=f"MC/ODE loss ratio, alpha={alpha}, beta={beta}, d={d}",
        predicted=predicted, measured=measured, ci=ci, kind="value", method="bootstrap",
        notes=f"{R} replicas, {n_steps} steps, step {gamma:.4g}; pooled over {t.size} checkpoints",
        negative_control=nc,
        data={"x": t.tolist(), "y": Y.mean(axis=0).tolist(), "series": [
            {"x": t.tolist(), "y": ode.tolist(), "label": "deterministic equivalent",
             "style": "-"}], "loglog": True, "xlabel": "iterations", "ylabel": "excess risk"},
    )


# ---- Fig. 5b-style traverse: alpha = 0.7, beta across Ia -> II -> III ----------------------------

#: Finding (quick grid d = 100..6400, f <= 1e12): the Ia and II points run low, III agrees.
TRAVERSE_FINDING = (
    "alpha=0.7: eta(beta=0.2, Ia) 0.3302 [0.3257, 0.3332] vs 0.3333; (0.3, Ia) 0.4105 [0.4062, "
    "0.4154] vs 0.4167; (0.4, Ia) 0.4868 [0.4812, 0.4928] vs 0.5; (0.6, II) 0.5933 [0.5818, "
    "0.5949] vs 0.6154 (worst, z = -4.1); III agrees: (0.9) 0.6575 [0.6312, 0.6967], (1.2) "
    "0.6282 [0.6051, 0.6554] vs 0.6429. Finite-size: Ia/II measured 0.003-0.022 below the law"
)
#: The traverse (paper's Fig. 5b, digest 2.4): alpha fixed, beta crossing 2 beta = 1 (Ia -> II)
#: and beta = alpha (II -> III); no point with |2 beta - 1| < 0.1 or |beta - alpha| < 0.1
#: (digest 2.5: finite-size crossovers). Each point is predicted by the eta law of the phase
#: ``sl.phase`` reports there.
TRAVERSE_ALPHA = 0.7
TRAVERSE_BETAS = (0.2, 0.3, 0.4, 0.6, 0.9, 1.2)
_TRAVERSE_SHIFT = 0.15


@functools.lru_cache(maxsize=None)
def _traverse_frontier(alpha: float, beta: float, full: bool):
    """The curves of :func:`_frontier` (same d grid and compute), with the compute grid then
    zoomed onto the budgets whose d* is interior: at alpha = 0.7, beta > alpha the optimum leaves
    the d grid early, and the zoom puts the 40 budgets where the fit can use them. The zoom
    depends only on the curves, not on a phase."""
    P = _ode()
    curves = _curves(alpha, beta, full)
    fr = _frontier(alpha, beta, full)
    inside = np.flatnonzero(fr.interior)
    if inside.size == 0:
        return fr
    hi = fr.flops[min(inside[-1] + 1, fr.flops.size - 1)]
    return P.isoflop_frontier(curves, n_flops=40, flops_range=(fr.flops[0], hi))


def _phase_eta(alpha: float, beta: float):
    """(phase law, its eta) at a point, from ``sl.phase`` (first law on a boundary: they agree)."""
    law = sl.phase("plrf_phases", alpha=alpha, beta=beta).laws[0]
    return law, float(law.evaluate(alpha=alpha, beta=beta))


def _normalised(pred, lo, hi):
    """Signed offset of the measured interval's centre from ``pred`` in half-widths."""
    return (0.5 * (lo + hi) - pred) / max(0.5 * (hi - lo), 1e-12)


@check("plrf_phases.eta_II", name="plrf_phases.eta_traverse[a=0.7]", quick_seconds=4,
       known_failure=TRAVERSE_FINDING)
def eta_traverse(settings: Settings) -> Verdict:
    r"""IsoFLOP eta along beta at alpha = 0.7 (Ia -> II -> III), each point against its phase's law.

    Per point: eta from the compute-optimal frontier exactly as the per-phase checks (window
    [3 f_0, f_1] over the interior budgets, drift allowance over a factor 3). Measured: the worst
    point's signed offset ``z = (centre - predicted) / half-width`` of its interval, so the check
    passes iff every prediction lies in its point's interval (``|z| <= 1``; ``ci = z -+ 1``,
    predicted 0). Negative controls: every point predicted with eta_Ia's formula, or with
    eta_III's, and all predictions shifted by +-0.15; each must put some point outside.
    """
    alpha = TRAVERSE_ALPHA
    rows = []
    for beta in TRAVERSE_BETAS:
        law, value = _phase_eta(alpha, beta)
        fr = _traverse_frontier(alpha, beta, settings.full)
        m = fr.interior
        x = fr.flops[m]
        fit = fit_drifting_slope(x, fr.loss_star[m], (x[0] * DRIFT_SHIFT, x[-1]),
                                 shift=DRIFT_SHIFT)
        xi_fit = fit_drifting_slope(x, fr.d_star[m], (x[0] * DRIFT_SHIFT, x[-1]),
                                    shift=DRIFT_SHIFT)
        rows.append({
            "beta": beta, "law": law.key, "phase": law.key.rsplit("_", 1)[-1],
            "eta": -fit.slope, "lo": -fit.ci[1], "hi": -fit.ci[0],
            "predicted": value + settings.perturb, "n_interior": int(m.sum()),
            # xi is reported, not judged (grid-limited, digest 2.5)
            "xi": xi_fit.slope, "xi_ci": list(xi_fit.ci),
            "xi_law": float(sl.law(law.key.replace("eta_", "xi_")).evaluate(alpha=alpha,
                                                                              beta=beta)),
        })

    def worst(preds):
        z = [_normalised(p, r["lo"], r["hi"]) for p, r in zip(preds, rows)]
        return z[int(np.argmax(np.abs(z)))], z

    z_worst, zs = worst([r["predicted"] for r in rows])
    for r, z in zip(rows, zs):
        r["z"] = z
    params = sl.law("plrf_phases.eta_Ia").params
    a, b = params["alpha"].symbol, params["beta"].symbol
    wrong = {}
    for other in ("eta_Ia", "eta_III"):
        expr = sl.law(f"plrf_phases.{other}").expr  # formula only: its regime is ignored on purpose
        wrong[f"all {other}"] = [float(expr.subs({a: alpha, b: r["beta"]})) + settings.perturb
                                 for r in rows]
    for s in (-_TRAVERSE_SHIFT, _TRAVERSE_SHIFT):
        wrong[f"shift {s:+g}"] = [r["predicted"] + s for r in rows]
    nc_z = {k: worst(v)[0] for k, v in wrong.items()}
    nc = {"variants": list(nc_z), "worst_z": list(nc_z.values()),
          "rejected_each": [abs(z) > 1 for z in nc_z.values()]}
    nc["rejected"] = all(nc["rejected_each"])
    summary = "; ".join(f"b={r['beta']:g} {r['phase']} {r['eta']:.4f} [{r['lo']:.4f}, "
                        f"{r['hi']:.4f}] vs {r['predicted']:.4f}" for r in rows)
    bs = np.linspace(0.1, 1.3, 25)
    curve = [_phase_eta(alpha, float(bb))[1] + settings.perturb for bb in bs]
    return Verdict(
        key="plrf_phases.eta_II", check=f"IsoFLOP eta traverse at alpha={alpha} (Ia -> II -> III)",
        predicted=0.0, measured=z_worst,
        ci=(z_worst - 1.0, z_worst + 1.0), kind="value", method="window+drift, worst point",
        notes="worst offset in interval half-widths; " + summary, negative_control=nc,
        data={
            "x": [r["beta"] for r in rows], "y": [r["eta"] for r in rows],
            "series": [
                {"x": [r["beta"] for r in rows], "y": [r["lo"] for r in rows],
                 "label": "interval (lo, hi)", "style": "k_"},
                {"x": [r["beta"] for r in rows], "y": [r["hi"] for r in rows],
                 "label": None, "style": "k_"},
                {"x": [r["beta"] for r in rows], "y": [r["predicted"] for r in rows],
                 "label": "phase law at the points", "style": "rx"},
                {"x": bs.tolist(), "y": curve, "label": "predicted (phase of sl.phase)",
                 "style": "-"},
            ],
            "loglog": False, "xlabel": "beta (alpha = 0.7)", "ylabel": "IsoFLOP eta",
            "traverse": {"alpha": alpha, "rows": rows},
        },
    )


# ---- figures -------------------------------------------------------------------------------------


def _phase_regions(A, Bt):
    """Integer labels of the phases on a grid (geometric, from the paper module's regions)."""
    lab = np.full(A.shape, 6)
    lab[(A >= 0.5) & (Bt <= 0.5)] = 0  # Ia
    lab[(A < 0.5) & (Bt <= 0.5)] = 1  # Ib
    lab[(A < 0.25) & (Bt > 0.5)] = 2  # Ic
    lab[(A >= 0.5) & (Bt > 0.5) & (Bt <= A)] = 3  # II
    lab[(A >= 0.5) & (Bt > A)] = 4  # III
    lab[(A >= 0.25) & (A < 0.5) & (Bt > 0.5)] = 5  # IV
    lab[A + Bt <= 0.5] = 6  # no power law
    return lab


def report_figures(records, plots_dir):
    """Phase diagram with the measured points, and IsoFLOP plots; returns (title, file) pairs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    out = []
    data = [r.get("verdict", {}).get("data", {}) for r in records]
    traverses = [x["traverse"] for x in data if x.get("traverse")]
    data = [x for x in data if x.get("phase")]
    a = np.linspace(0.01, 2.0, 400)
    b = np.linspace(-0.5, 2.5, 400)
    A, Bt = np.meshgrid(a, b)
    names = ["Ia", "Ib", "Ic", "II", "III", "IVa/IVb", "no power law"]
    colors = ["#8dd3c7", "#b3de69", "#fdb462", "#80b1d3", "#bebada", "#fb8072", "#d9d9d9"]
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.pcolormesh(A, Bt, _phase_regions(A, Bt), cmap=ListedColormap(colors), vmin=-0.5,
                  vmax=6.5, shading="auto")
    for i, (x, y) in enumerate([(1.5, 0.1), (0.35, 0.3), (0.12, 1.5), (1.8, 0.75), (0.9, 2.0),
                                (0.37, 1.5), (0.1, 0.1)]):
        ax.text(x, y, names[i], ha="center", va="center", fontsize=10, weight="bold")
    by_point = {}
    for x in data:
        by_point.setdefault((x["alpha"], x["beta"]), {})[x["which"]] = x
    for (al, be), d in by_point.items():
        ax.plot(al, be, "k*", ms=12)
        label = []
        for which in ("eta", "xi"):
            if which in d:
                label.append(f"{which} {d[which].get('measured_value', float('nan')):.3f}"
                             f" (pred {d[which]['law_value']:.3f})")
        ax.annotate("\n".join(label), (al, be), textcoords="offset points", xytext=(6, 6),
                    fontsize=7)
    for tr in traverses:
        for row in tr["rows"]:
            ok = row["lo"] <= row["predicted"] <= row["hi"]
            ax.plot(tr["alpha"], row["beta"], "o", ms=6, mfc="w" if ok else "r", mec="k")
            ax.annotate(f"{row['eta']:.3f} ({row['predicted']:.3f})", (tr["alpha"], row["beta"]),
                        textcoords="offset points", xytext=(-6, 0), ha="right", fontsize=6)
    ax.set_xlabel("alpha (data complexity)")
    ax.set_ylabel("beta (target complexity)")
    ax.set_title("4+3 phases: measured compute-optimal exponents\n(circles: eta traverse at "
                 "alpha = 0.7, measured (law); red = law outside the interval)", fontsize=9)
    fig.tight_layout()
    fig.savefig(plots_dir / "plrf_phase_diagram.png", dpi=110)
    plt.close(fig)
    out.append(("Phase diagram (alpha, beta) with measured points", "plrf_phase_diagram.png"))

    for (al, be), d in by_point.items():
        iso = next(iter(d.values()))["isoflop"]
        f = np.array(iso["flops"])
        fig, ax = plt.subplots(figsize=(6, 4.5))
        for k, dd in enumerate(iso["d_grid"]):
            ax.loglog(f, iso["loss"][k], lw=1, label=f"d={int(dd)}")
        ax.loglog(f, iso["loss_star"], "k--", lw=2, label="frontier")
        ax.set_xlabel("compute f")
        ax.set_ylabel("loss P")
        phase = next(iter(d.values()))["phase"]
        ax.set_title(f"IsoFLOP, phase {phase} (alpha={al}, beta={be})")
        ax.legend(fontsize=6, ncol=2)
        fig.tight_layout()
        name = f"plrf_isoflop_{phase}.png"
        fig.savefig(plots_dir / name, dpi=110)
        plt.close(fig)
        out.append((f"IsoFLOP curves and frontier, phase {phase}", name))
    return out
