"""plrf_phases: phase answers on and off boundaries, values, derivations, figures."""

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


def test_report_figures(tmp_path):
    pytest.importorskip("matplotlib")
    from scalinglaws.validators import plrf_phases as V
    from scalinglaws.validators.checks import Settings

    v = V._isoflop("III", "eta", Settings())
    out = V.report_figures([{"verdict": v.to_dict()}], tmp_path)
    assert out and all((tmp_path / name).stat().st_size > 1000 for _, name in out)


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


@pytest.fixture(scope="module")
def traverse():
    from scalinglaws.validators import plrf_phases as V
    from scalinglaws.validators.checks import Settings

    return V, V.eta_traverse(Settings())


def test_traverse_predictions_come_from_the_phase_laws(traverse):
    V, v = traverse
    rows = v.data["traverse"]["rows"]
    assert [r["beta"] for r in rows] == list(V.TRAVERSE_BETAS)
    for r in rows:
        law = sl.phase("plrf_phases", alpha=V.TRAVERSE_ALPHA, beta=r["beta"]).law
        assert r["law"] == law.key
        assert r["predicted"] == pytest.approx(
            float(law.evaluate(alpha=V.TRAVERSE_ALPHA, beta=r["beta"])), abs=1e-12)
        assert r["lo"] < r["eta"] < r["hi"]


def test_traverse_verdict_is_every_point_in_its_interval(traverse):
    _, v = traverse
    rows = v.data["traverse"]["rows"]
    inside = [r["lo"] <= r["predicted"] <= r["hi"] for r in rows]
    assert v.passed == all(inside)
    assert abs(v.measured) == pytest.approx(max(abs(r["z"]) for r in rows))
    # the per-point offset is in half-widths: |z| <= 1 exactly when the point is inside
    assert [abs(r["z"]) <= 1 for r in rows] == inside
    nc = v.negative_control
    assert nc["rejected"] and len(nc["rejected_each"]) == 4


def test_traverse_wrong_phase_assignment_and_perturbation_fail(traverse):
    V, v = traverse
    from scalinglaws.validators.checks import Settings

    # predicting the II/III points with eta_Ia's formula puts them far outside their intervals
    assert dict(zip(v.negative_control["variants"], v.negative_control["rejected_each"]))[
        "all eta_Ia"]
    assert not V.eta_traverse(Settings(perturb=0.2)).passed


def test_traverse_figure(traverse, tmp_path):
    pytest.importorskip("matplotlib")
    V, v = traverse
    out = V.report_figures([{"verdict": v.to_dict()}], tmp_path)
    assert ("Phase diagram (alpha, beta) with measured points", "plrf_phase_diagram.png") in out
    assert (tmp_path / "plrf_phase_diagram.png").stat().st_size > 1000
    from scalinglaws.validators.report import plot_result

    assert plot_result({"check": v.check, "verdict": v.to_dict()}, tmp_path / "t.png")
