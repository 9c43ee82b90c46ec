"""The one judge: tests by kind on synthetic measurements with known answers, negative controls,
``--perturb``, frozen verdicts, and the contract that paper validators only measure."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from scalinglaws import registry
from scalinglaws.errors import ParameterError, RegimeError
from scalinglaws.law import Paper
from scalinglaws.validators.engine import (
    Check,
    Curve,
    Exponent,
    LawCurve,
    LawValue,
    NEGATIVE_SHIFT,
    Settings,
    Value,
    Verdict,
    judge,
)


@pytest.fixture
def demo(monkeypatch):
    """Demo laws of every kind, registered for the duration of a test."""
    p = Paper("judgedemo", arxiv="0000.00000", version=1, title="Demo", register=False)
    N = p.param("N", "steps", integer=True)
    a = p.param("a", "capacity exponent", domain=sp.Interval.open(1, sp.oo))
    c = p.param("c", "constant")
    laws = [
        p.law("theta", quantity="risk", expr=N ** (-(a - 1) / a), kind="theta",
              regime=a < 3, where="Eq. 1", status="derived"),
        p.law("theta_log", quantity="risk", expr=N ** (-(a - 1) / a), kind="theta_log",
              where="Eq. 2", status="derived"),
        p.law("declared_log", quantity="risk", expr=N ** sp.Rational(-1, 2) * sp.log(N),
              kind="theta_log", where="Eq. 3", status="derived"),
        p.law("upper", quantity="risk", expr=N ** (-(a - 1) / a), kind="upper",
              where="Eq. 4", status="derived"),
        p.law("lower", quantity="risk", expr=N ** (-(a - 1) / a), kind="lower",
              where="Eq. 5", status="derived"),
        p.law("rate", quantity="rate", expr=(a - 1) / a, kind="theta", where="Eq. 6",
              status="derived"),
        p.law("exact_curve", quantity="moment", expr=c * N ** sp.Rational(-1, 2), kind="exact",
              where="Eq. 7", status="derived"),
        p.law("scale", quantity="critical batch", expr=4 * a**2, kind="theta", where="Eq. 8",
              status="derived"),
    ]
    for law in laws:
        monkeypatch.setitem(registry._LAWS, law.key, law)
    return {law.key.split(".", 1)[1]: law for law in laws}


def _check(key, name="demo"):
    return Check(name, f"judgedemo.{key}", lambda s: None, "demo", 1.0)


X = np.logspace(1, 5, 41)
WINDOW = (1e2, 1e5)


def _v(key, m, perturb=0.0, seed=0):
    return judge(_check(key), m, Settings(perturb=perturb, seed=seed))


# -- deterministic curves ------------------------------------------------------------------------


def test_prediction_comes_from_the_registry_not_the_check(demo):
    m = Curve(X, X**-0.5, Exponent("N"), point={"a": 2}, window=WINDOW)
    v = _v("theta", m)
    assert v.predicted == pytest.approx(-0.5) and v.outcome == "pass"
    assert v.negative_control["rejected"]
    assert v.negative_control["predicted"] == pytest.approx([-0.5 - NEGATIVE_SHIFT, -0.4])
    # the same curve at another point of the law: the engine predicts -2/3 and rejects it
    assert _v("theta", dataclasses.replace(m, point={"a": 2.9})).outcome == "fail"


def test_point_outside_the_regime_is_an_error(demo):
    with pytest.raises(RegimeError):
        _v("theta", Curve(X, X**-0.5, Exponent("N"), point={"a": 4}, window=WINDOW))


def test_converging_curve_passes_through_its_extrapolated_limit(demo):
    """The last local slope is 0.012 away; a zero-slack rule on the window would fail it."""
    y = X**-0.5 * (1 + 3 * X**-0.4)
    v = _v("theta", Curve(X, y, Exponent("N"), point={"a": 2}, window=WINDOW))
    assert v.outcome == "pass", v.summary()
    assert "extrapolated" in v.test and v.data["local_slopes"][-1] < -0.51


def test_curve_converging_elsewhere_fails(demo):
    y = X**-0.56 * (1 + X**-0.5)
    v = _v("theta", Curve(X, y, Exponent("N"), point={"a": 2}, window=WINDOW))
    assert v.outcome == "fail" and not v.ci[0] <= -0.5 <= v.ci[1]


def test_perturbation_fails_a_passing_check(demo):
    m = Curve(X, X**-0.5 * (1 + X**-0.7), Exponent("N"), point={"a": 2}, window=WINDOW)
    assert _v("theta", m).outcome == "pass"
    for delta in (0.1, -0.1):
        v = _v("theta", m, perturb=delta)
        assert v.outcome == "fail" and v.predicted == pytest.approx(-0.5 + delta)


def test_rate_law_value_with_sign(demo):
    m = Curve(X, X**-0.5, LawValue(sign=-1), point={"a": 2}, window=WINDOW)
    v = _v("rate", m)
    assert v.outcome == "pass" and v.predicted == pytest.approx(0.5) and v.measured > 0
    assert _v("rate", dataclasses.replace(m, predict=LawValue(sign=1))).outcome == "fail"


def test_theta_log_admits_a_free_log_power_but_theta_does_not(demo):
    y = X**-0.5 * np.log(X)
    m = Curve(X, y, Exponent("N"), point={"a": 2}, window=WINDOW)
    assert _v("theta_log", m).outcome == "pass"
    assert _v("theta", m).outcome != "pass"


def test_declared_log_power_is_read_from_the_expression(demo):
    y = X**-0.5 * np.log(X)
    v = _v("declared_log", Curve(X, y, Exponent("N"), window=WINDOW))
    assert "declared log power 1" in v.test and v.outcome == "pass"
    # a wrong log power is caught: x^-1/2 (ln x)^3 is not x^-1/2 ln x at a declared power
    bad = _v("declared_log", Curve(X, X**-0.5 * np.log(X) ** 3, Exponent("N"), window=WINDOW))
    assert bad.outcome != "pass"


def test_declared_log_power_range_for_a_mixture(demo):
    """x^-1/2 (3 + ln x): between log powers 0 and 1. Neither end alone is the truth at these
    sizes; their union holds it, and still rejects a 0.1 error."""
    y = X**-0.5 * (3 + np.log(X))
    m = Curve(X, y, Exponent("N"), point={"a": 2}, window=WINDOW, log_power=(0.0, 1.0),
              log_power_reason="a term with ln N and one without")
    v = _v("theta_log", m)
    assert v.outcome == "pass" and "declared log power in [0, 1]" in v.test
    with pytest.raises(ParameterError, match="can be declared for a theta_log law"):
        _v("theta", m)  # an Exponent of a Θ law: a log factor would contradict the law
    with pytest.raises(ParameterError, match="log_power_reason"):
        Curve(X, y, Exponent("N"), log_power=1.0)


def test_upper_bound_is_a_boundedness_test(demo):
    faster = Curve(X, X**-0.7, Exponent("N"), point={"a": 2}, window=WINDOW)
    v = _v("upper", faster)
    assert v.bound == "upper" and v.outcome == "pass"   # decays faster than N^-1/2: bound holds
    assert not v.negative_control["rejected"] and "not tight" in " ".join(v.warnings)
    slower = Curve(X, X**-0.3, Exponent("N"), point={"a": 2}, window=WINDOW)
    assert _v("upper", slower).outcome == "fail"
    # rising to a constant from below (ratio N^(1/2) y -> const): the bound holds
    rising = Curve(X, X**-0.5 * (1 - 0.5 * X**-0.3), Exponent("N"), point={"a": 2}, window=WINDOW)
    assert _v("upper", rising).outcome == "pass"
    # tight bound: the control (the stronger claim, -0.6) is rejected; a loose one cannot be
    assert _v("upper", Curve(X, X**-0.5, Exponent("N"), point={"a": 2},
                             window=WINDOW)).negative_control["rejected"]
    assert _v("lower", faster).outcome == "fail" and _v("lower", slower).outcome == "pass"
    # a perturbation makes a bound stronger, never weaker
    assert _v("upper", faster, perturb=0.1).predicted == pytest.approx(-0.6)
    assert _v("upper", faster, perturb=-0.1).predicted == pytest.approx(-0.6)


def test_bounded_ratio_law_curve(demo):
    pts = [{"N": int(n)} for n in np.round(X)]
    ok = Curve(X, 3 * X**-0.5 * (1 + 0.2 * X**-0.5), LawCurve(pts), point={"c": 1},
               window=WINDOW)
    assert _v("exact_curve", ok).outcome == "pass"
    drift = dataclasses.replace(ok, y=X**-0.3)
    assert _v("exact_curve", drift).outcome == "fail"


def test_level_of_an_exact_law_curve_with_replicas(demo):
    rng = np.random.default_rng(1)
    pts = [{"N": int(n)} for n in np.round(X)]
    truth = 2 * np.round(X) ** -0.5
    Y = truth * rng.lognormal(-0.02, 0.2, size=(64, X.size))
    m = Curve(X, Y, LawCurve(pts, level=True), point={"c": 2})
    v = _v("exact_curve", m)
    assert v.outcome == "pass" and v.ci[0] < 0 < v.ci[1]
    assert _v("exact_curve", dataclasses.replace(m, point={"c": 2.5})).outcome == "fail"


# -- replicas ------------------------------------------------------------------------------------


def _replicas(p, R=48, seed=0):
    rng = np.random.default_rng(seed)
    return X**p * rng.lognormal(-0.045, 0.3, size=(R, X.size))


def test_replicas_bootstrap_and_reproducibility(demo):
    m = Curve(X, _replicas(-0.5), Exponent("N"), point={"a": 2}, window=WINDOW)
    v = _v("theta", m, seed=3)
    assert v.outcome == "pass" and "bootstrap" in v.method
    assert _v("theta", m, seed=3) == v            # same seed, same verdict
    assert _v("theta", m, perturb=0.1).outcome == "fail"
    few = Curve(X[:8], _replicas(-0.5, R=3)[:, :8], Exponent("N"), point={"a": 2})
    assert _v("theta", few).outcome != "pass"   # too little data to reject +-0.1


# -- measured values -----------------------------------------------------------------------------


def test_value_additive_and_relative(demo):
    v = _v("rate", Value(0.51, (0.49, 0.53), "bootstrap", point={"a": 2}))
    assert v.outcome == "pass" and v.negative_control["rejected"]
    assert _v("rate", Value(0.51, (0.2, 0.8), "wide", point={"a": 2})).outcome == "inconclusive"
    s = _v("scale", Value(17.0, (15.5, 17.5), "halving", point={"a": 2}, relative=True))
    assert s.outcome == "pass" and s.negative_control["predicted"] == pytest.approx([14.4, 17.6])
    assert _v("scale", Value(17.0, (15.5, 17.5), "halving", point={"a": 2}, relative=True),
              perturb=0.2).outcome == "fail"


# -- verdicts ------------------------------------------------------------------------------------


def test_verdict_is_frozen_and_round_trips(demo):
    v = _v("theta", Curve(X, X**-0.5, Exponent("N"), point={"a": 2}, window=WINDOW))
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.outcome = "fail"
    text = json.dumps(v.to_dict(), allow_nan=False)
    assert Verdict.from_dict(json.loads(text)) == v


def test_a_check_returning_a_verdict_or_junk_is_refused(demo):
    with pytest.raises(ParameterError):
        judge(_check("theta"), {"passed": True}, Settings())


# -- the contract, over the real paper validators ------------------------------------------------


VALIDATORS = Path(__file__).resolve().parent.parent / "validators"
FORBIDDEN = {
    "perturbation arithmetic": re.compile(r"\bperturb\b"),
    "a hand-made negative control": re.compile(r"negative_control|NEGATIVE_SHIFT|_passes\("),
    "a verdict built outside the judge": re.compile(r"\bVerdict\("),
    "a hand-set tolerance": re.compile(r"\bslack\b|log_factor_slack|fit_drifting_slope"),
}


@pytest.mark.parametrize("path", sorted(VALIDATORS.glob("*.py")), ids=lambda p: p.name)
def test_paper_validators_only_measure(path):
    text = path.read_text()
    for what, pattern in FORBIDDEN.items():
        hit = pattern.search(text)
        assert hit is None, f"{path.name} contains {what}: {hit.group(0)!r}"


def test_declared_log_power_on_an_observable_whose_exponent_is_the_law(demo):
    """A rate law (its value is an exponent) read on an observable that carries a stated log
    factor: N^-(a-1)/a (ln N)^2 at a = 2 is judged after dividing the log factor out, and the
    same data without the declaration are biased by it."""
    y = X**-0.5 * np.log(X) ** 2
    declared = Curve(X, y, LawValue(sign=-1), point={"a": 2}, window=WINDOW, log_power=2.0,
                     log_power_reason="the observable's (ln N)^2, stated by another law")
    assert _v("rate", declared).outcome == "pass"
    plain = Curve(X, y, LawValue(sign=-1), point={"a": 2}, window=WINDOW)
    assert _v("rate", plain).outcome != "pass"


def test_a_sampled_fail_needs_the_prediction_outside_the_999_interval(demo):
    """Replicas (a Value from a bootstrap): outside the 95 % interval but inside the 99.9 % one is
    inconclusive, not a fail; far outside is a fail; a deterministic Value keeps the 95 % rule."""
    from scalinglaws.validators.engine.judge import FAIL_EXPANSION

    predicted = 16.0  # 4 a^2 at a = 2 (the demo's "scale" law)
    near = Value(17.0, (16.3, 17.7), "bootstrap", point={"a": 2}, relative=True)
    v = _v("scale", near)
    assert 17.0 - FAIL_EXPANSION * 0.7 < predicted < 16.3
    assert v.outcome == "inconclusive" and any("99.9 %" in w for w in v.warnings)
    far = Value(20.0, (19.5, 20.5), "bootstrap", point={"a": 2}, relative=True)
    assert _v("scale", far).outcome == "fail"
    exact = Value(17.0, (16.3, 17.7), "grid", point={"a": 2}, relative=True, deterministic=True)
    assert _v("scale", exact).outcome == "fail"
