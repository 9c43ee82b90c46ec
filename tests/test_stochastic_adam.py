"""Stochastic Adam: the paper's statements are registered honestly; the drift side results check."""

import math

import pytest

import scalinglaws as sl
from scalinglaws.derivations import check as lands
from scalinglaws.derivations import stochastic_adam as D
from scalinglaws.validators.engine import Settings, select_checks


def test_unchecked_statements_say_why():
    for key in ("large_batch_test_error", "minibatch_test_error", "weight_decay_bound_ratio"):
        law = sl.law(f"stochastic_adam.{key}")
        assert law.unchecked.startswith("no-numeric:")
        assert law.status == "paper"
    assert sl.law("stochastic_adam.signsgd_drift").status == "derived"


def test_drift_values_and_batch_dependence():
    sign = sl.law("stochastic_adam.signsgd_drift")
    slow = sl.law("stochastic_adam.slow_v_drift")
    assert float(sign.evaluate(mu=0.2, sigma=1, B=1)) == pytest.approx(math.erf(0.2 / math.sqrt(2)))
    assert float(slow.evaluate(mu=0.2, sigma=1, B=4)) == pytest.approx(0.2 / math.sqrt(0.29))
    # both grow with B towards 1 (SGD's drift mu does not depend on B)
    for law in (sign, slow):
        vals = [float(law.evaluate(mu=0.2, sigma=1, B=b)) for b in (1, 4, 16, 64)]
        assert vals == sorted(vals) and vals[-1] < 1


def test_derivations():
    for key, fn in D.DERIVATIONS.items():
        assert lands(fn()), key
    assert set(D.NOT_DERIVED) | set(D.DERIVATIONS) == {l.key for l in sl.laws(paper="stochastic_adam")}


def test_checks_pass_and_are_distinguished():
    checks = select_checks(["stochastic_adam"])
    assert len(checks) == 4
    for c in checks:
        assert c.verdict(Settings()).outcome == "pass", c.name
    # the slow-v measurement at B = 4 rejects the SignSGD drift erf(mu sqrt(B)/sqrt 2) = 0.311
    c = select_checks(["stochastic_adam.slow_v_drift[B=4]"])[0]
    m = c.measure(Settings())
    assert not (m.ci[0] <= math.erf(0.2 * 2 / math.sqrt(2)) <= m.ci[1])
