"""The TP5 μP table: laws, derivations, the MLP coordinate check and its negative control."""

import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.derivations import mup as DM
from scalinglaws.papers import mup as P
from scalinglaws.parameterization import abc_exponents, equivalent
from scalinglaws.validators import mup as V
from scalinglaws.validators.engine import Exponent, LawCurve, Settings, judge, select_checks

KEYS = sorted(DM.TABLE_DERIVATIONS)


def test_nine_laws_from_the_authors_code():
    items = sl.laws(paper="mup")
    assert {i.key for i in items} == set(KEYS)
    assert all(i.status == "authors_code" and i.kind == "theta" for i in items)
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


def test_measurements_name_the_hidden_lr_laws():
    sgd, adam = V.measure("sgd", Settings()), V.measure("adam", Settings())
    assert _check("sgd").law_key == "mup.hidden.lr_sgd" and isinstance(sgd.predict, LawCurve)
    assert sgd.predict.points[0] == {"fan_in": 64, "fan_out": 64}
    assert _check("adam").law_key == "mup.hidden.lr_adam" and adam.predict == Exponent("fan_in")
    assert sgd.y.shape == (V.REPLICAS, 5) and sgd.window == (128.0, 1024.0)
    # Adam's observable is Delta z_2 / n (the normalised update moves each of n summands)
    assert adam.y * adam.x == pytest.approx(V.simulate("mup", "adam")[1])


def test_mup_sgd_coordinate_check_is_decided_by_its_law(monkeypatch):
    chk, m = _check("sgd"), V.measure("sgd", Settings())
    assert judge(chk, m, Settings()).outcome != "fail"
    assert judge(chk, m, Settings(perturb=0.1)).outcome != "pass"
    # the same data against a hidden lr growing like fan_out (n along the width) cannot pass
    law = sl.law("mup.hidden.lr_sgd")
    monkeypatch.setattr(law, "expr", sp.Integer(1) * P.fan_out)
    wrong = judge(chk, m, Settings())
    assert wrong.outcome != "pass" and wrong.measured < -0.5


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
