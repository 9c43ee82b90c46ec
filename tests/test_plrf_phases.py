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
    ((1.0, 2.0), "eta_III"), ((0.1, 1.0), "eta_Ic_bound"), ((0.4, 1.0), "eta_IV_bound"),
    ((0.2, 0.1), "eta_no_power_law"),
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
