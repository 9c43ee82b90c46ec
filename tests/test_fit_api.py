"""The public fitting API (scalinglaws.fit), user-declared laws and the assert_law fixture."""

import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.errors import ParameterError
from scalinglaws.fit import fit_exponent
from scalinglaws.validators.engine import Curve, Exponent


def _my_law():
    mine = sl.Paper("mine", arxiv="unpublished", title="My model", register=False)
    n = mine.param("n", "samples")
    return mine.law("rate", quantity="my risk", expr=n ** sp.Rational(-2, 3), kind="theta",
                    where="my notes", status="hypothesis")


def test_one_curve_extrapolated_through_its_correction():
    x = np.logspace(1, 5, 41)
    y = x ** -0.7 * (1 + 2 * x ** -0.5)
    f = fit_exponent(x, y)
    assert f.ci[0] <= -0.7 <= f.ci[1] and f.ci[1] - f.ci[0] < 0.05
    assert len(f.local_slopes) == len(f.local_x) > 5 and f.settled
    # the plain log-log slope over the window is biased by the correction: the fit is not it
    naive = np.polyfit(np.log(x), np.log(y), 1)[0]
    assert not f.ci[0] <= naive <= f.ci[1]
    assert f.against(-0.7).outcome == "pass"
    assert f.against(-0.8).outcome == "fail"


def test_replicas_bootstrap_and_reproducibility():
    rng = np.random.default_rng(1)
    x = np.logspace(1, 4, 13)
    y = x ** -0.5 * np.exp(0.05 * rng.standard_normal((32, x.size)))
    f = fit_exponent(x, y, seed=3)
    assert f.ci[0] < -0.5 < f.ci[1] and "bootstrap" in f.method
    assert fit_exponent(x, y, seed=3).ci == f.ci


def test_against_a_registered_law_and_a_law_of_ones_own():
    n = np.logspace(2, 6, 41)
    f = fit_exponent(n, n ** (-2 / 3) * (1 + n ** -0.5))
    assert f.against(_my_law(), var="n").outcome == "pass"
    assert f.against("anytime.minimax_risk", var="N",
                     point={"a": 1.5, "b": 2, "sigma2": 1}).outcome == "fail"  # -1/2 predicted
    assert "mine.rate" not in {law.key for law in sl.laws()}  # not registered
    with pytest.raises(ParameterError):
        f.against("anytime.minimax_risk")  # no var
    with pytest.raises(ParameterError):
        fit_exponent(n, n, seed=-1)


def test_assert_law_fixture_names_a_plot_when_it_fails(assert_law):
    n = np.logspace(2, 6, 41)
    good = Curve(n, n ** (-2 / 3) * (1 + n ** -0.5), Exponent("n"))
    assert assert_law(_my_law(), good).outcome == "pass"
    bad = Curve(n, n ** -0.4, Exponent("n"))
    with pytest.raises(AssertionError) as info:
        assert_law(_my_law(), bad)
    message = str(info.value)
    assert "FAIL mine.rate" in message
    pytest.importorskip("matplotlib")
    path = Path(re.search(r"plot: (\S+\.png)", message).group(1))
    assert path.is_file() and path.stat().st_size > 1000
