"""plrf_phases: phase answers on and off boundaries, values, derivations, figures."""

import numpy as np
import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.derivations import check, derivations
from scalinglaws.derivations import plrf_phases as D
from scalinglaws.errors import RegimeError
from scalinglaws.papers.plrf_phases import phases_at


def test_issue_point_is_the_II_III_boundary():
    res = sl.phase("plrf_phases", alpha=0.7, beta=0.7)
    assert res.on_boundary
    assert {l.key for l in res.laws} == {"plrf_phases.eta_II", "plrf_phases.eta_III"}
    assert float(sl.law("plrf_phases.eta_III").evaluate(alpha=0.7, beta=0.7)) == pytest.approx(
        1 - 1 / 2.8)
    assert phases_at(0.7, 0.7) == ("II", "III")


@pytest.mark.parametrize("point, key", [
    ((1.0, 0.4), "eta_Ia"), ((0.4, 0.3), "eta_Ib"), ((1.25, 0.75), "eta_II"),
    ((1.0, 2.0), "eta_III"), ((0.1, 1.0), "eta_Ic"), ((0.4, 1.0), "eta_IVb"),
    ((0.27, 1.0), "eta_IVa"), ((0.2, 0.1), "eta_no_power_law"),
])
def test_phase_inside(point, key):
    res = sl.phase("plrf_phases", alpha=point[0], beta=point[1])
    assert not res.on_boundary and res.law.key == "plrf_phases." + key


@pytest.mark.parametrize("point", [(1.0, 0.5), (0.5, 0.3), (0.3, 0.2), (0.25, 1.0)])
def test_phase_boundaries(point):
    assert sl.phase("plrf_phases", alpha=point[0], beta=point[1]).on_boundary
    assert len(phases_at(*point)) == 2


def test_off_regime_is_a_regime_error():
    with pytest.raises(RegimeError, match="beta <= 1/2"):
        sl.law("plrf_phases.eta_Ia").evaluate(alpha=0.7, beta=0.7)
    with pytest.raises(RegimeError):
        sl.law("plrf_phases.forcing_ac").evaluate(alpha=0.7, beta=0.4, gamma=0.1, B=1, r=10, d=10)


def test_eval_cli(capsys):
    from scalinglaws.cli import main

    assert main(["eval", "plrf_phases.eta_II", "alpha=0.7", "beta=0.7"]) == 0
    assert "0.642857" in capsys.readouterr().out


def test_derivations_land_and_perturbations_are_rejected():
    keys = [k for k in derivations() if k.startswith("plrf_phases.")]
    assert len(keys) >= 16
    for k in keys:
        d = derivations()[k]()
        assert check(d), k
        assert not check(d, target=sl.law(k).expr + sp.Rational(1, 7)), k
    assert all(D.boundary_checks().values())


def test_balance_rejects_terms_without_an_optimum():
    d, r = D.d, D.r
    with pytest.raises(Exception, match="no interior optimum"):
        D.balance(r ** -1, d ** -1 * r ** -1)


def _checks():
    """The registered plrf_phases checks, by name."""
    from scalinglaws.validators.engine import select_checks

    return {c.name: c for c in select_checks(("plrf_phases",))}


def _record(check, verdict):
    return {"check": check.name, "law": check.law_key, "verdict": verdict.to_dict()}


def test_report_figures(tmp_path):
    pytest.importorskip("matplotlib")
    from scalinglaws.validators import plrf_phases as V
    from scalinglaws.validators.engine import Settings

    checks = _checks()
    records = []
    for which in ("eta", "xi"):
        c = checks[f"plrf_phases.{which}_III[isoflop]"]
        records.append(_record(c, c.verdict(Settings(backend="numba"))))
    data = records[0]["verdict"]["data"]
    assert data["phase"] == "III" and data["which"] == "eta" and len(data["isoflop"]["d_grid"]) == 25
    out = V.report_figures(records, tmp_path)
    assert ("IsoFLOP curves and frontier, phase III", "plrf_isoflop_III.png") in out
    assert all((tmp_path / name).stat().st_size > 1000 for _, name in out)


def test_frontier_budgets_sit_where_d_star_is_interior():
    """In phase III d* leaves the d grid early: the budgets of the checked frontier are spread
    over the compute range where d* is interior (a first pass over the whole range finds it)."""
    from scalinglaws.validators import plrf_phases as V
    from scalinglaws.validators.processes import powerlaw_ode as P

    alpha, beta = V.POINTS["III"]
    curves = V._curves(alpha, beta, False)
    first = P.isoflop_frontier(curves, n_flops=V.N_FLOPS)
    zoomed = V._frontier(alpha, beta, False)
    assert first.interior.sum() < V.N_FLOPS / 3
    assert zoomed.interior.sum() >= 3 * first.interior.sum()
    inside = first.flops[first.interior]
    assert zoomed.flops[0] >= first.flops[0] and zoomed.flops[-1] <= 2.01 * inside[-1]
    # the same curves: the zoomed envelope agrees with the first pass where both are interior
    f = zoomed.flops[zoomed.interior]
    f = f[f <= inside[-1]]
    np.testing.assert_allclose(
        np.interp(np.log(f), np.log(inside), np.log(first.loss_star[first.interior])),
        np.log(zoomed.loss_star[zoomed.interior][: f.size]), atol=0.02)


def test_sampled_process_matches_the_deterministic_equivalent():
    """Monte Carlo SGD on the equivalent diagonal model against the loss ODE.

    The PLRF stream is linear regression with features N(0, K) and independent label noise of
    variance 2 P_inf (digest 3.4); the risk there is 1/2 E(.)^2, so the sampled excess risk is
    compared with P_ODE - P_inf. Statistic: the geometric mean over the checkpoints t >= 100 of
    (mean over replicas) / ODE, with a 95 % bootstrap interval over the 64 replicas. The ODE is a
    continuized equivalent of the discrete process, accurate to a few percent (the tolerance of
    tests/test_dana.py against the exact recursion): the interval must lie within 5 % of 1. The
    same runs reject an ODE with half the SGD noise (batch 2 at the same step), which is off by
    20 % or more: the noise term of the equivalent is needed to match the sampled process.
    """
    import dataclasses

    from scalinglaws.validators.processes import powerlaw_ode as P
    from scalinglaws.validators.processes.linreg import (
        SpectrumProblem,
        constant,
        default_checkpoints,
        sample_risk,
    )

    alpha, beta, d, n_steps, R = 1.0, 0.4, 100, 20_000, 64
    prob = P.PLRFProblem(alpha, beta, d)
    opt = P.sgd(prob)
    gamma = float(opt.gamma2(0.0))
    diag = SpectrumProblem(prob.lam, w2=prob.rho0, sigma2=2 * prob.p_inf, name="plrf-diagonal")
    mc = sample_risk(diag, constant(gamma), n_steps, R, 0,
                     checkpoints=default_checkpoints(n_steps, 60), averaging="none")
    keep = mc.steps >= 100
    t = mc.steps[keep].astype(float)
    Y = mc.risk_last[:, keep]
    assert t.size >= 25

    def interval(optimizer):
        ode = P.solve(prob, optimizer, n_steps, dt=0.01).at(t) - prob.p_inf

        def pooled(rows):
            return float(np.exp(np.mean(np.log(rows.mean(axis=0) / ode))))

        rng = np.random.default_rng(np.random.SeedSequence([0, 5]))
        boot = [pooled(Y[rng.integers(0, R, R)]) for _ in range(1000)]
        return pooled(Y), np.quantile(boot, [0.025, 0.975])

    ratio, (lo, hi) = interval(opt)
    assert 0.95 < lo <= ratio <= hi < 1.05, (ratio, lo, hi)
    assert hi - lo < 0.1  # the runs can tell a 5 % error
    half_noise = dataclasses.replace(opt, batch=2)  # same step, SGD noise halved
    assert float(half_noise.gamma2(0.0)) == gamma
    _, (lo2, _) = interval(half_noise)
    assert lo2 > 1.05, lo2


def test_table_renders():
    t = sl.table(paper="plrf_phases")
    assert "eta_III" in str(t)


# ---- the Fig. 5b-style traverse (alpha = 0.7) ---------------------------------------------------


def test_traverse_points_cross_three_phases_away_from_boundaries():
    from scalinglaws.validators import plrf_phases as V

    a = V.TRAVERSE_ALPHA
    phases = []
    for b in V.TRAVERSE_BETAS:
        res = sl.phase("plrf_phases", alpha=a, beta=b)
        assert not res.on_boundary
        assert abs(2 * b - 1) >= 0.1 - 1e-12 and abs(b - a) >= 0.1 - 1e-12, b
        phases.append(res.law.key)
    assert phases == sorted(phases, key=["plrf_phases.eta_Ia", "plrf_phases.eta_II",
                                         "plrf_phases.eta_III"].index)
    assert set(phases) == {"plrf_phases.eta_Ia", "plrf_phases.eta_II", "plrf_phases.eta_III"}


def test_each_traverse_point_is_a_check_of_its_phase_law():
    from scalinglaws.validators import plrf_phases as V

    checks = _checks()
    keys = []
    for b in V.TRAVERSE_BETAS:
        c = checks[f"plrf_phases.eta_traverse[a={V.TRAVERSE_ALPHA:g},b={b:g}]"]
        law = sl.phase("plrf_phases", alpha=V.TRAVERSE_ALPHA, beta=b).law
        assert c.law_key == law.key == V.traverse_law(b)
        keys.append(c.law_key)
    assert set(keys) == {"plrf_phases.eta_Ia", "plrf_phases.eta_II", "plrf_phases.eta_III"}
    with pytest.raises(ValueError, match="boundary"):
        V.traverse_law(0.7)


@pytest.fixture(scope="module")
def traverse():
    """(check, measurement, verdict) of the traverse points at beta = 0.4 (Ia) and 1.2 (III)."""
    from scalinglaws.validators import plrf_phases as V
    from scalinglaws.validators.engine import Settings

    checks = _checks()
    out = {}
    for b in (0.4, 1.2):
        c = checks[f"plrf_phases.eta_traverse[a={V.TRAVERSE_ALPHA:g},b={b:g}]"]
        out[b] = (c, c.measure(Settings()), c.verdict(Settings()))
    return V, out


def test_traverse_verdicts_are_judged_against_their_phase_law(traverse):
    from scalinglaws.validators.engine import Curve, LawValue

    V, out = traverse
    for b, (c, m, v) in out.items():
        assert isinstance(m, Curve) and m.predict == LawValue(sign=-1) and m.deterministic
        assert m.point == {"alpha": V.TRAVERSE_ALPHA, "beta": b}
        assert np.all(np.diff(np.log(m.y)) < 0)  # P* falls with compute
        # the prediction is the engine's, from the phase law the check names
        law = sl.law(c.law_key)
        assert v.key == c.law_key
        assert v.predicted == pytest.approx(float(law.evaluate(alpha=V.TRAVERSE_ALPHA, beta=b)))
        assert v.data["traverse"]["law"] == c.law_key and v.data["traverse"]["beta"] == b


def test_traverse_point_outside_the_named_law_regime_is_refused(traverse):
    """The engine validates a point against the law's regime: the Ia point's curve judged by
    the phase III law (a wrong phase assignment) is an error, not a verdict."""
    from scalinglaws.validators.engine import Check, Settings, judge

    _, out = traverse
    _, m, _ = out[0.4]
    wrong = Check("wrong-phase", "plrf_phases.eta_III", lambda s: m, "", 1.0)
    with pytest.raises(RegimeError):
        judge(wrong, m, Settings())


def test_traverse_figure(traverse, tmp_path):
    pytest.importorskip("matplotlib")
    V, out = traverse
    records = [_record(c, v) for c, _, v in out.values()]
    drawn = V.report_figures(records, tmp_path)
    assert ("Phase diagram (alpha, beta) with measured points", "plrf_phase_diagram.png") in drawn
    assert (tmp_path / "plrf_phase_diagram.png").stat().st_size > 1000
    from scalinglaws.validators.engine.report import plot_result

    assert plot_result(records[0], tmp_path / "t.png")


# ---- issue 14: declared corrections, coverage, the term / capacity / step checks ---------------


def test_every_law_has_a_quick_check_or_a_reason():
    from scalinglaws.validators.engine import all_checks

    quick = {c.law_key for c in all_checks() if c.paper == "plrf_phases" and not c.full_only}
    for law in sl.laws(paper="plrf_phases"):
        assert law.key in quick or law.unchecked, law.key
        assert not (law.key in quick and law.unchecked), law.key
    assert sl.law("plrf_phases.eta_no_power_law").unchecked.startswith("convention:")
    # laws with a regime boundary where the formula changes are checked on both sides of it
    names = {c.name for c in all_checks() if c.paper == "plrf_phases"}
    assert {"plrf_phases.capacity_loss[a=1,b=0.4]", "plrf_phases.capacity_loss[a=1,b=0.6]"} <= names
    for key in ("forcing_pp", "kernel_pp", "forcing_ac", "max_stable_lr"):
        assert sum(1 for c in all_checks() if c.law_key == f"plrf_phases.{key}") >= 2, key


def test_correction_exponents():
    from scalinglaws.validators import plrf_phases as V

    assert V.correction_exponents(1.0, 0.4) == pytest.approx({"step": 1.0, "F_0": 0.2})
    iii = V.correction_exponents(1.0, 2.0)  # r* ~ d: F_ac's cutoff, not its weight, is slowest
    assert iii["F_ac cutoff"] == pytest.approx(0.5) and iii["F_ac weight"] == pytest.approx(3.0)
    ii = V.correction_exponents(1.25, 0.75)  # r* ~ d^(alpha/beta): both 2 beta - 1 here
    assert ii["F_ac cutoff"] == pytest.approx(0.5) == ii["F_ac weight"]
    assert V.correction_exponents(0.4, 0.2) == pytest.approx({"step": 0.2, "F_0": 0.6})
    assert set(V.correction_exponents(0.4, 0.7)) == {"step", "F_0"}  # no F_ac weight below 2a = 1


def test_the_f_ac_cutoff_correction_is_the_process_s():
    """At fixed gamma r the sum over j <= d of lambda_j a_j^r misses its d -> infinity value by a
    relative (gamma r d^-2alpha)^(1 - 1/(2 alpha)) ~ d^-(2 alpha - 1): measured on the exact sums."""
    from scalinglaws.validators.processes import powerlaw_ode as P

    alpha, beta, gamma, r = 1.0, 0.75, 0.25, 400.0
    ref = P.volterra_terms(alpha, beta, 200_000, [r], gamma)
    ds = np.array([200, 400, 800, 1600])
    # F_ac / weight is the bare sum; the weight differs with d, so divide it out
    ac = []
    for d in ds:
        v = P.volterra_terms(alpha, beta, int(d), [r], gamma)
        w = (np.arange(1, d + 1) ** (-2 * beta)).sum() / d
        ac.append(v.forcing_ac[0] / w)
    w_ref = (np.arange(1, 200_001) ** (-2 * beta)).sum() / 200_000
    deficit = 1 - np.array(ac) / (ref.forcing_ac[0] / w_ref)
    slope = np.polyfit(np.log(ds), np.log(deficit), 1)[0]
    assert slope == pytest.approx(-(2 * alpha - 1), abs=0.05)


def test_frontier_checks_declare_the_slowest_correction():
    from scalinglaws.validators import plrf_phases as V
    from scalinglaws.validators.engine import Settings

    m = _checks()["plrf_phases.xi_II[isoflop]"].measure(Settings())
    exps = V.correction_exponents(*V.POINTS["II"])
    fr = V._frontier(*V.POINTS["II"], False)
    w = fr.interior & (fr.flops >= m.window[0])
    xi = np.polyfit(np.log(fr.flops[w]), np.log(fr.d_star[w]), 1)[0]
    assert m.omega == pytest.approx(xi * min(exps.values()))
    assert m.extra["corrections"] == exps


def test_term_checks_measure_the_exact_sums_along_a_ray():
    from scalinglaws.validators import plrf_phases as V
    from scalinglaws.validators.engine import LawCurve, Settings
    from scalinglaws.validators.processes import powerlaw_ode as P

    m = _checks()["plrf_phases.forcing_ac[a=1,b=0.6]"].measure(Settings())
    assert isinstance(m.predict, LawCurve) and m.deterministic
    d = np.array([pt["d"] for pt in m.predict.points])
    x = V.TERM_STEP * m.x
    assert np.all(d ** 2.0 >= V.RAY_CUTOFF * x) and np.all((d - 1) ** 2.0 < V.RAY_CUTOFF * x)
    i = 7
    v = P.volterra_terms(1.0, 0.6, int(d[i]), [m.x[i]], V.TERM_STEP)
    assert m.y[i] == pytest.approx(v.forcing_ac[0], rel=1e-12)
    assert m.omega == (pytest.approx(0.1), V.OMEGA_MAX)


def test_capacity_check_measures_the_floor():
    from scalinglaws.validators.engine import Exponent, Settings
    from scalinglaws.validators.processes import powerlaw_ode as P

    m = _checks()["plrf_phases.capacity_loss[a=1,b=0.6]"].measure(Settings())
    assert m.predict == Exponent("d") and m.omega == pytest.approx(0.2)
    assert m.y[3] == P.PLRFProblem(1.0, 0.6, int(m.x[3])).p_inf
    assert np.all(np.diff(np.log(m.y)) < 0)


def test_divergence_threshold_of_the_ode_is_the_kernel_norm_condition():
    """The step at which the SGD ODE diverges falls, as the horizon grows, onto the root of
    ||K|| = (gamma/2) sum_j lambda_j/(1 - gamma lambda_j) = 1 (from above: a slightly unstable
    step needs a long horizon to blow up), within 2/tr K (the law's bound)."""
    from scalinglaws.validators import plrf_phases as V
    from scalinglaws.validators.engine import Settings, Value
    from scalinglaws.validators.processes import powerlaw_ode as P
    from scipy.optimize import brentq

    m = _checks()["plrf_phases.max_stable_lr[a=0.4]"].measure(Settings())
    assert isinstance(m, Value) and m.relative and m.deterministic
    lam = P.PLRFProblem(0.4, 0.3, V.LR_D).lam
    root = brentq(lambda g: 0.5 * g * np.sum(lam / (1 - g * lam)) - 1, 1e-9, 0.999 / lam[0])
    assert root <= m.ci[0] <= root * (1 + 1e-4)
    assert m.ci[1] / m.ci[0] - 1 < 0.03
    assert m.point["trK"] == pytest.approx(lam.sum()) and m.value < 2 / lam.sum()


# ---- issue 21: every region answers; Ic, IVa, IVb; r*, r*/d*; the full curve -------------------


def test_every_point_of_a_grid_lands_in_exactly_one_phase_or_on_a_boundary():
    from fractions import Fraction as Fr

    from scalinglaws.papers.plrf_phases import PHASE_NAMES

    alphas = [Fr(k, 40) for k in range(1, 81)]  # 0.025 .. 2, boundaries 1/4, 1/2 included
    betas = [Fr(k, 20) for k in range(-19, 61)]  # -0.95 .. 3, boundaries 1/2 and beta = alpha
    counts = {}
    for a in alphas:
        for b in betas + [a]:
            names = phases_at(a, b)
            assert names, (a, b)
            assert set(names) <= set(PHASE_NAMES)
            counts[len(names)] = counts.get(len(names), 0) + 1
    assert counts[1] > 4000 and max(counts) <= 5  # interiors, boundaries, corners (5 at (1/2, 1/2))


@pytest.mark.parametrize("point", [
    (0.1, 0.5), (0.25, 0.5), (0.25, 0.7), (0.5, 0.5), (0.5, 0.9), (0.4, 0.5), (0.2, 0.3),
    (0.7, 0.7), (1.0, 0.5), (0.3, 0.2), (0.1, 0.45), (0.6, -0.1), (1.5, 3.0), (0.05, 2.0),
])
def test_phase_answers_agree_with_the_geometry_and_on_boundaries(point):
    res = sl.phase("plrf_phases", alpha=point[0], beta=point[1])
    names = phases_at(*point)
    keys = {("plrf_phases.eta_" + n) if n != "none" else "plrf_phases.eta_no_power_law"
            for n in names}
    assert {l.key for l in res.laws} == keys
    assert res.on_boundary == (len(names) > 1)
    values = {sp.nsimplify(l.subs(alpha=point[0], beta=point[1])) for l in res.laws}
    assert len(values) == 1, values


def test_iv_split_is_where_the_noise_exponent_changes_sign():
    from scalinglaws.papers.plrf_phases import ALPHA_IV_SPLIT

    a_c = float(sl.law("plrf_phases.alpha_IV_split").evaluate(beta=1.0))
    assert a_c == pytest.approx(1 - 2 ** -0.5) == pytest.approx(float(ALPHA_IV_SPLIT))
    assert phases_at(0.29, 1.0) == ("IVa",) and phases_at(0.3, 1.0) == ("IVb",)
    # eta is continuous across the line, xi jumps (except at 2 beta = 1)
    e = {k: float(sl.law(f"plrf_phases.{k}").evaluate(
        alpha=a_c + (1e-9 if k.endswith("b") else -1e-9), beta=1.0))
        for k in ("eta_IVa", "eta_IVb", "xi_IVa", "xi_IVb")}
    assert e["eta_IVa"] == pytest.approx(e["eta_IVb"], abs=1e-6)
    assert e["eta_IVb"] == pytest.approx(a_c, abs=1e-6)
    assert e["xi_IVa"] > e["xi_IVb"] + 0.1


@pytest.mark.parametrize("phase, point", [
    ("Ia", (1.0, 0.4)), ("Ib", (0.4, 0.2)), ("Ic", (0.2, 0.7)), ("II", (1.25, 0.75)),
    ("III", (1.0, 2.0)), ("IVa", (0.27, 1.0)), ("IVb", (0.4, 0.7)),
])
def test_rstar_and_tokens_per_parameter_follow_xi(phase, point):
    a, b = point
    xi = float(sl.law(f"plrf_phases.xi_{phase}").evaluate(alpha=a, beta=b))
    assert float(sl.law(f"plrf_phases.rstar_{phase}").evaluate(alpha=a, beta=b)) == pytest.approx(1 - xi)
    assert float(sl.law(f"plrf_phases.tokens_per_param_{phase}").evaluate(alpha=a, beta=b)) == (
        pytest.approx(1 - 2 * xi))


def test_below_line_exponents_at_the_checked_points():
    # hand values of the derived formulas (not the code's): Ic at (0.2, 0.7), IVa at (0.27, 1)
    ev = lambda k, a, b: float(sl.law(f"plrf_phases.{k}").evaluate(alpha=a, beta=b))  # noqa: E731
    assert ev("eta_Ic", 0.2, 0.7) == pytest.approx(0.2 * 0.8 / 0.72)
    assert ev("xi_Ic", 0.2, 0.7) == pytest.approx(0.8 / 1.44)
    assert ev("eta_IVa", 0.27, 1.0) == pytest.approx(0.46 * 1.54 / 2.38)
    assert ev("xi_IVa", 0.27, 1.0) == pytest.approx(0.73 / 1.19)
    assert ev("eta_IVb", 0.4, 0.7) == pytest.approx(0.4)
    # the bounds stay valid above the exponents
    for k, (a, b) in (("Ic", (0.2, 0.7)), ("IV", (0.4, 0.7))):
        bound = ev(f"eta_{k}_bound", a, b)
        exact = ev("eta_Ic" if k == "Ic" else "eta_IVb", a, b)
        assert exact < bound


@pytest.mark.parametrize("alpha, beta, d", [(1.0, 0.6, 400), (1.0, 2.0, 800), (0.4, 0.7, 800),
                                            (1.5, 0.3, 400), (0.3, 0.3, 1600)])
def test_plrf_curve_matches_the_deterministic_equivalent(alpha, beta, d):
    from scalinglaws.validators.processes import plrf_curve as C
    from scalinglaws.validators.processes import powerlaw_ode as P

    curve = C.plrf_curve(alpha, beta, d, 1e7, ac="finite" if 2 * beta > 1 and 2 * alpha > 1 else None)
    prob = P.PLRFProblem(alpha, beta, d)
    ode = P.solve(prob, P.sgd(prob), 1e7, dt=0.02)
    r = np.geomspace(1, 1e7, 15)
    ratio = curve.at(r) / ode.at(r)
    assert np.all(np.abs(ratio - 1) < 0.01), ratio
    assert curve.floor == pytest.approx(prob.p_inf, rel=0.01)


def test_plrf_curve_asymptotic_ac_weight_shows_the_finite_size_crossover():
    from scalinglaws.validators.processes import plrf_curve as C

    # zeta(2b)/d against d^-1 sum_{k<=d} k^-2b: near 2b = 1 the two differ by ~ d^-(2b-1)
    gaps = []
    for d in (200, 3200):
        a = C.plrf_curve(1.0, 0.6, d, 1e3, ac=True).risk[-1]
        f = C.plrf_curve(1.0, 0.6, d, 1e3, ac="finite").risk[-1]
        gaps.append(a / f - 1)
    assert gaps[0] > 0.1 and gaps[0] > 5 * gaps[1] > 0  # 22 % at d = 200, 2 % at d = 3200


def test_forcing_ac_below_the_line_is_a_plateau_of_order_d_minus_2alpha():
    from scalinglaws.validators.processes import plrf_curve as C

    alpha, beta = 0.3, 1.0
    vals = []
    for d in (1000, 16000):
        g = C.default_step(alpha, d)
        early, late = C.forcing_ac(alpha, beta, d, [1.0, 1e-3 * d ** (2 * alpha) / g], g)
        assert late == pytest.approx(early, rel=0.05)  # flat while gamma r << d^(2 alpha)
        vals.append(late)
    assert np.log(vals[0] / vals[1]) / np.log(16) == pytest.approx(2 * alpha, abs=0.05)


def test_loss_terms_four_term_reading_is_close_to_the_volterra_curve():
    from scalinglaws.validators.processes import plrf_curve as C

    c = C.plrf_curve(1.0, 0.4, 3200, 1e5)
    r = np.geomspace(100, 1e4, 5)
    ratio = c.at(r) * (1 - c.knorm) / C.loss_terms(1.0, 0.4, 3200, r, c.gamma)
    assert np.all(np.abs(ratio - 1) < 0.1), ratio


# ---- the whole-curve laws (issue 21) -------------------------------------------------------------


@pytest.mark.parametrize("B", [1, 4])
def test_loss_curve_laws_are_the_public_callable_divided_by_one_minus_knorm(B):
    """The laws' gamma is the step on the batch-summed loss, the callables' the step on the
    batch-averaged loss: the laws at (gamma, B) are the callables at (gamma B, B)."""
    from scalinglaws.validators.processes import plrf_curve as C

    for key, (alpha, beta) in (("loss_curve", (1.25, 1.5)), ("loss_curve_Ia", (1.0, 0.4))):
        d, step = 20000, C.default_step(alpha, 20000)  # the batch-averaged step
        gamma = step / B  # the laws' step
        r = np.geomspace(50, 5e4, 4)
        kn = C.kernel_norm(alpha, d, step, B)
        f0 = C.capacity_level(alpha, beta, d)
        f = sl.law("plrf_phases." + key).lambdify()
        args = dict(r=r, gamma=gamma, F0=f0, Knorm=kn, alpha=alpha, beta=beta)
        law = f(**args, d=d, B=B) if key == "loss_curve" else f(**args, B=B)
        # the callable's noise integral is the finite sum_{j<=d} j^-2b, the law's zeta(2b)
        np.testing.assert_allclose(law * (1 - kn), C.loss_terms(alpha, beta, d, r, step, B),
                                   rtol=1e-6)
        if B > 1:  # the same number as the step of both would be a different run
            assert not np.allclose(law * (1 - kn), C.loss_terms(alpha, beta, d, r, gamma, B),
                                   rtol=1e-3)


def test_loss_curve_laws_split_the_line_2beta_1_and_stay_above_2alpha_1():
    full, low = sl.law("plrf_phases.loss_curve"), sl.law("plrf_phases.loss_curve_Ia")
    base = dict(F0=1e-6, Knorm=0.2, gamma=0.2, r=100.0)
    for a, b in ((1.0, 0.6), (1.0, 0.4), (1.0, 0.5), (0.4, 0.7), (0.6, -0.05)):
        in_full = full.in_regime(**base, d=100, B=1, alpha=a, beta=b)
        in_low = low.in_regime(**base, B=1, alpha=a, beta=b)
        assert in_full == (2 * a > 1 and 2 * b > 1)
        assert in_low == (2 * a > 1 and 2 * b < 1 and a + b > 0.5)
        assert not (in_full and in_low)


def test_loss_curve_numpy_form_is_finite_with_a_step_named_gamma():
    # regression: sympy's gamma function printed beside the parameter gamma gave
    # "'Symbol' object is not callable"; the array evaluator now gives the law's parameters
    # nameless Dummys before lambdify, and the law writes sympy.gamma
    f = sl.law("plrf_phases.loss_curve").lambdify(outside="nan")
    v = f(r=np.array([10.0, 1e3]), d=1000, gamma=0.3, B=1, F0=1e-6, Knorm=0.2,
          alpha=np.array([1.0, 0.4]), beta=1.0)
    assert np.isfinite(v[0]) and np.isnan(v[1])
    exact = float(sl.law("plrf_phases.loss_curve").evaluate(r=10.0, d=1000, gamma=0.3, B=1,
                                                             F0=1e-6, Knorm=0.2, alpha=1.0,
                                                             beta=1.0))
    assert v[0] == pytest.approx(exact, rel=1e-12)


def test_noise_integral_is_the_pure_point_forcing_and_the_ac_part_saturates_late():
    # int_0^oo F_pp dr over the continuized modes is sum_j j^-2b / (4 gamma (1 - gamma lam_j))
    # (B = 1): the law's zeta(2b)/(4 gamma) is its small-step limit. The ac part's integral,
    # w d/(4 gamma), is reached only at gamma r ~ d^(2 alpha).
    alpha, beta, d = 1.0, 1.5, 2000
    j = np.arange(1, d + 1, dtype=float)
    lam = j ** (-2 * alpha)
    for gamma in (1e-3, 1e-2):
        exact = np.sum(0.5 * lam * j ** (-2 * beta) / (2 * gamma * lam - gamma**2 * lam**2 * 2))
        assert exact * 4 * gamma / np.sum(j ** (-2 * beta)) == pytest.approx(1, abs=2 * gamma)
    gamma, w = 0.2, np.sum(j ** (-2 * beta)) / d
    rate = 2 * gamma * lam - 2 * gamma**2 * lam**2
    total = np.sum(0.5 * w * lam / rate)
    upto = np.sum(0.5 * w * lam * -np.expm1(-rate * 1e-4 * d ** (2 * alpha) / gamma) / rate)
    assert upto < 0.1 * total  # inside the window the ac integral is far from saturated


def test_loss_curve_checks_sit_in_their_laws_regimes_and_near_a_boundary():
    from scalinglaws.validators import plrf_phases as V

    by_law = {}
    for key, a, b, _ in V.CURVE_POINTS:
        law = sl.law("plrf_phases." + key)
        assert law.in_regime(**{k: v for k, v in dict(
            alpha=a, beta=b, d=100, B=1, F0=1e-6, Knorm=0.2, gamma=0.2, r=100.0).items()
            if k in law.params})
        by_law.setdefault(key, []).append((a, b))
    for pts in by_law.values():
        assert len(pts) >= 2 and any(abs(2 * b - 1) <= 0.2 for _, b in pts)
    c = V.curve_corrections(1.0, 0.6)
    assert c["noise integral tail"] == pytest.approx(0.1) and min(c.values()) == c[
        "noise integral tail"]
