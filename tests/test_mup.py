"""The TP5 μP table: laws, derivations, the MLP coordinate check and its negative control."""

import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.derivations import mup as DM
from scalinglaws.papers import mup as P
from scalinglaws.parameterization import abc_exponents, equivalent
from scalinglaws.validators import mup as V
from scalinglaws.validators.checks import Settings

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


def test_predictions_come_from_the_laws(monkeypatch):
    assert V.predicted_exponent("sgd") == 0.0
    monkeypatch.setattr(sl.law("mup.hidden.lr_sgd"), "expr", sp.Integer(1) * P.fan_out)
    assert V.predicted_exponent("sgd") == 1.0


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_standard_parameterization_fails_the_coordinate_check(optimizer):
    v = V.verdict(optimizer, Settings(), data_parameterization="sp")
    assert not v.passed
    assert v.measured > 0.5  # SP hidden updates grow with width


def test_mup_recipe_uses_the_table():
    var, lr = V.recipe("mup", "sgd", 256, 64)
    assert var["output"] == pytest.approx(256.0**-2)
    assert lr["input"] == pytest.approx(0.1 * 4)  # SGD input lr ~ fan_out
    assert lr["output"] == pytest.approx(0.1 / 4)
    assert lr["hidden"] == pytest.approx(0.1)
