"""Preconditioner update bias: laws, derivations, the Monte Carlo process and the checks."""

import numpy as np
import pytest

import scalinglaws as sl
from scalinglaws.derivations import check as lands
from scalinglaws.derivations import precond_bias as D
from scalinglaws.validators import precond_bias as V
from scalinglaws.validators.engine import Settings, Value, judge, select_checks
from scalinglaws.validators.processes import preconditioner as pc


def test_laws_and_statuses():
    laws = {law.key: law for law in sl.laws(paper="precond_bias")}
    assert laws["precond_bias.inversion_bias"].status == "authors_code"
    for key in ("coupling_bias", "crossfit_bias", "crossfit_amplification", "chi2_inverse_moment",
                "inverse_wishart_mean"):
        assert laws[f"precond_bias.{key}"].status == "derived"
    assert set(laws) == set(D.DERIVATIONS) | set(D.NOT_DERIVED)


def test_law_values():
    # a = 1: 1/2 a(a+1) = 1; a = 1/4: 5/32 (the Shampoo coefficient in the authors' code)
    ib = sl.law("precond_bias.inversion_bias")
    assert float(ib.evaluate(a=1, p=1, s2=1, m=4)) == pytest.approx(0.25)
    assert float(ib.evaluate(a=0.25, p=1, s2=1, m=1)) == pytest.approx(5 / 32)
    amp = sl.law("precond_bias.crossfit_amplification")
    assert float(amp.evaluate(mu=0.5, sigma=1)) == pytest.approx(9.0)
    # at least 3 everywhere: cross-fitting alone never reduces the leading |bias|
    for mu in (1e-3, 0.3, 0.8, 2.0, 50.0):
        assert float(amp.evaluate(mu=mu, sigma=1)) >= 3 - 1e-9
    assert amp.in_regime(mu=1, sigma=1)


def test_chi2_moment_matches_law_and_expansion():
    law = sl.law("precond_bias.chi2_inverse_moment")
    for a, m in ((1, 8), (0.25, 2), (0.5, 16)):
        assert pc.chi2_inverse_moment(a, m) == pytest.approx(float(law.evaluate(a=a, m=m, sigma2=1)))
    # 1/m^2 coefficient a(a+1)(a+2)(3a+1)/6 = 4 at a = 1
    m = 10**4
    second = (pc.chi2_inverse_moment(1.0, m) - 1 - 2 / m) * m * m
    assert second == pytest.approx(4.0, rel=1e-2)
    with pytest.raises(ValueError):
        pc.chi2_inverse_moment(1.0, 2)


def test_process_estimators_agree_with_exact_references():
    rng = np.random.default_rng(5)
    p_j = pc.microbatch_estimates(rng, groups=40000, m=8)
    assert pc.inverse_power_bias_mc(p_j, a=1.0, p=1.0) == pytest.approx(1 / 3, rel=0.03)
    res = pc.corrected_bias_mc(p_j, a=1.0, p=1.0, s2=2.0)
    assert 0 < res < 0.3 * (1 / 3)  # the correction removes most of the bias 1/3
    w = pc.wishart_inverse_mc(rng, reps=400, k=4, m=8, samples=2)
    assert w["inverse"].mean() == pytest.approx(16 / 11, rel=0.03)
    assert 1 < w["corrected"].mean() < w["inverse"].mean()  # partial correction only


def test_coupling_process_signs():
    r = pc.coupling_mc(np.random.default_rng(2), groups=20000, B=32, mu=0.5, sigma=1.0)
    assert r["coupling"] < 0 < r["crossfit"]
    assert abs(r["crossfit"]) > 3 * abs(r["same"])  # the cancellation


def test_derivations_land():
    for key, fn in D.DERIVATIONS.items():
        assert lands(fn()), key


def test_quick_checks_pass_and_reject_their_control():
    for c in select_checks(["precond_bias"]):
        if c.full_only or c.quick_seconds > 0.5:
            continue  # the heavier ones run in verify; these are the exact and the cheap ones
        v = c.verdict(Settings())
        assert v.outcome == "pass", (c.name, v.summary())


def test_exact_check_fails_a_wrong_coefficient():
    """The Richardson measurement of the a = 1 leading term, judged against a law with
    coefficient a(a+2)/2 instead of a(a+1)/2, fails."""
    m = V.inversion_exact_adamw(Settings())
    law = sl.law("precond_bias.inversion_bias")
    wrong = sl.Law("precond_bias.inversion_bias", quantity="wrong",
                   expr=law.expr * (law.params["a"].symbol + 2) / (law.params["a"].symbol + 1),
                   params=law.params.values(), reference=law.reference, regime=law.regime)
    check = select_checks(["precond_bias.inversion_bias[a=1,exact]"])[0]
    assert judge(check, m, Settings(), law=wrong).outcome == "fail"
    assert isinstance(m, Value) and m.deterministic


def test_reproducible():
    a = V._inversion_mc_value(0.25, 16, Settings(seed=3))
    V._inversion_mc.cache_clear()
    b = V._inversion_mc_value(0.25, 16, Settings(seed=3))
    assert a.value == b.value and a.ci == b.ci
