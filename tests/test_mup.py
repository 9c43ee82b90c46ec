"""The TP5 μP table: laws, derivations, the MLP coordinate check and its negative control."""

import numpy as np
import pytest

import scalinglaws as sl
from scalinglaws.derivations import mup as DM
from scalinglaws.papers import mup as P
from scalinglaws.parameterization import abc_exponents, equivalent
from scalinglaws.validators import mup as V
from scalinglaws.validators.engine import Curve, LawCurve, Settings, judge, select_checks

KEYS = sorted(DM.TABLE_DERIVATIONS)


def test_nine_table_laws_from_the_authors_code():
    items = sl.laws(paper="mup", tag="table")
    assert {i.key for i in items} == set(KEYS)
    assert all(i.status == "authors_code" and i.kind == "theta" for i in items)
    assert {i.key for i in sl.laws(paper="mup")} == set(KEYS) | {"mup.hidden.max_update"}
    assert sl.law("mup.output.init_var").exponent("fan_in") == -2
    assert sl.law("mup.input.lr_sgd").in_regime(fan_in=3, fan_out=100)
    assert not sl.law("mup.input.lr_sgd").in_regime(fan_in=100, fan_out=3)


@pytest.mark.parametrize("key", KEYS)
def test_derivation_lands_and_a_wrong_law_is_rejected(key, monkeypatch):
    d = DM.TABLE_DERIVATIONS[key]()
    assert d.key == key and DM.lands(d)
    item = sl.law(key)
    grows = item.params["fan_out" if "input" in key else "fan_in"].symbol
    monkeypatch.setattr(item, "expr", item.expr * grows)
    assert not DM.lands(d)


def test_tp5_table_abc_exponents():
    sgd = P.tp5_table("sgd")
    assert abc_exponents(sgd, "output") == {"a": {"n": 0}, "b": {"n": 1}, "c": {"n": 1}}
    assert abc_exponents(sgd, "input")["c"] == {"n": -1}
    assert not equivalent(P.tp5_table("sgd"), P.tp5_table("adam"))
    with pytest.raises(ValueError):
        P.tp5_table("lion")


def _check(optimizer):
    (chk,) = select_checks((f"mup.coord_check.{optimizer}",))
    return chk


def test_coordinate_checks_name_the_max_update_law():
    sgd = V.measure("sgd", Settings())
    assert _check("sgd").law_key == "mup.hidden.max_update" and isinstance(sgd.predict, LawCurve)
    assert _check("adam").law_key == "mup.hidden.max_update" and _check("adam").full_only
    assert sgd.y.shape == (V.REPLICAS, 5) and sgd.window == (128.0, 1024.0)


def test_mup_sgd_coordinate_check_is_decided_by_its_law():
    chk, m = _check("sgd"), V.measure("sgd", Settings())
    assert judge(chk, m, Settings()).outcome != "fail"
    assert judge(chk, m, Settings(perturb=0.1)).outcome != "pass"
    # updates that grow like the width (as under SP) cannot pass
    grown = Curve(m.x, m.y * m.x, m.predict, window=m.window)
    wrong = judge(chk, grown, Settings())
    assert wrong.outcome == "fail" and wrong.measured > 0.5


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_standard_parameterization_fails_the_coordinate_check(optimizer):
    v = judge(_check(optimizer), V.measure(optimizer, Settings(), data_parameterization="sp"),
              Settings())
    assert v.outcome == "fail"
    assert v.measured - v.predicted > 0.5  # SP hidden updates grow with width


def test_mup_recipe_uses_the_table():
    var, lr = V.recipe("mup", "sgd", 256, 64)
    assert var["output"] == pytest.approx(256.0**-2)
    assert lr["input"] == pytest.approx(0.1 * 4)  # SGD input lr ~ fan_out
    assert lr["output"] == pytest.approx(0.1 / 4)
    assert lr["hidden"] == pytest.approx(0.1)
    var, lr = V.recipe("mup", "sgd", 256, 64, n2=128, n2_0=128)  # hidden 256 -> 128
    assert lr["hidden"] == pytest.approx(0.1 / 4)  # fan_out / fan_in


# ---- table entries ------------------------------------------------------------------------------


def _entry(name):
    (chk,) = [c for c in select_checks(("mup",)) if c.name == name]
    return chk


def test_every_table_law_has_quick_entry_checks():
    quick = [c for c in select_checks(("mup",)) if not c.full_only]
    for key in KEYS:
        assert sum(c.law_key == key for c in quick) == len(V.ENTRY_SWEEPS[key]) >= 1
    assert len(V.ENTRY_SWEEPS["mup.hidden.lr_sgd"]) == 3  # square, fan-in and fan-out alone


def test_unit_sizes_do_not_read_the_group_variance():
    from scalinglaws.validators.processes.moe import MLPShape, mlp_coordinates

    lr = {"input": 0.1, "hidden": 0.1, "output": 0.1}
    a = mlp_coordinates(MLPShape(4, 16, n2=8), {"input": .25, "hidden": 1 / 16, "output": .1},
                        lr, replicas=3, seed=2)
    b = mlp_coordinates(MLPShape(4, 16, n2=8), {"input": .25, "hidden": 5.0, "output": .1},
                        lr, replicas=3, seed=2)
    np.testing.assert_allclose(a["unit.hidden"], b["unit.hidden"])
    assert not np.allclose(a["probe.output"], b["probe.output"])  # the downstream does change


@pytest.mark.parametrize("key, sp_fails", [("mup.hidden.lr_sgd", True),
                                           ("mup.output.lr_adam", False)])
def test_a_wrong_entry_fails_and_sp_data(key, sp_fails, monkeypatch):
    """A wrong entry fails on the same data. Under SP the needed SGD hidden rate changes (the
    output layer starts at variance 1/n, so the backward signal is n^-1/2, not n^-1), while
    the Adam rate of the output layer, read from Theta(1) activations, does not."""
    name = f"{key}[square]"
    chk, m = _entry(name), V.entry_curve(key, "square", Settings())
    assert judge(chk, m, Settings()).outcome != "fail"
    sp_data = V.entry_curve(key, "square", Settings(), parameterization="sp")
    assert (judge(chk, sp_data, Settings()).outcome == "fail") == sp_fails
    monkeypatch.setattr(sl.law(key), "expr", sl.law(key).expr * P.fan_in)
    assert judge(chk, m, Settings()).outcome == "fail"


def test_hidden_sgd_rate_in_fan_in_and_fan_out_separately():
    for sweep, sign in (("fan_in", -1), ("fan_out", 1)):
        m = V.entry_curve("mup.hidden.lr_sgd", sweep, Settings())
        slope = np.polyfit(np.log(m.x), np.log(m.y.mean(axis=0)), 1)[0]
        assert slope == pytest.approx(sign, abs=0.15)


def test_mlp_process_is_array_namespace_generic():
    """Under array-api-strict (standing in for CuPy) the MLP coordinate checks give the numpy
    numbers (same per-replica draws)."""
    xps = pytest.importorskip("array_api_strict")
    from scalinglaws.validators.processes.moe import MLPShape, mlp_coord_check, mlp_coordinates

    var = {"input": .25, "hidden": .125, "output": .02}
    lr = {"input": .1, "hidden": .1, "output": .1}
    for optimizer in ("sgd", "adam"):
        a = mlp_coordinates(MLPShape(4, 8, n2=6), var, lr, optimizer=optimizer, replicas=2, steps=2)
        b = mlp_coordinates(MLPShape(4, 8, n2=6), var, lr, optimizer=optimizer, replicas=2, steps=2,
                            xp=xps)
        c = mlp_coord_check(MLPShape(4, 8), var, lr, optimizer=optimizer, replicas=2, steps=2)
        d = mlp_coord_check(MLPShape(4, 8), var, lr, optimizer=optimizer, replicas=2, steps=2,
                            xp=xps)
        for x, y in ((a, b), (c, d)):
            for key in x:
                np.testing.assert_array_equal(x[key], y[key], err_msg=key)


def test_entry_runs_do_not_depend_on_the_worker_threads(monkeypatch):
    from scalinglaws.validators.processes import blas_threads

    monkeypatch.setitem(V.SWEEPS, "square", ((16, 32, 64), V.SWEEPS["square"][1]))
    V.entry_run.cache_clear()
    try:
        monkeypatch.setattr(blas_threads, "default_workers", lambda: 1)
        serial = V.entry_run("square", "adam", seed=2)
        V.entry_run.cache_clear()
        monkeypatch.setattr(blas_threads, "default_workers", lambda: 3)
        threaded = V.entry_run("square", "adam", seed=2)
    finally:
        V.entry_run.cache_clear()
    for key, value in serial.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(value, threaded[key], err_msg=key)
