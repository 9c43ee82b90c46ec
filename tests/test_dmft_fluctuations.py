"""dmft_fluctuations: the exact finite-width reduction, the variance laws and their checks (issue 17)."""

import numpy as np
import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.derivations import check as lands
from scalinglaws.derivations import dmft_fluctuations as D
from scalinglaws.validators.engine import Settings, judge, select_checks
from scalinglaws.validators.processes.wide_nets import (
    output_sensitivities, reduced_ode, sample_initial, two_layer_flow)


def _check(name):
    (chk,) = select_checks((name,))
    return chk


def test_statuses_and_values():
    assert sl.law("dmft_fluctuations.variance_scaling").status == "transcribed"
    assert sl.law("dmft_fluctuations.variance_scaling").exponent("N") == -1
    law = sl.law("dmft_fluctuations.final_ntk_variance")
    assert float(law.evaluate(gamma0=1, y=1)) == 2.0
    assert float(law.evaluate(gamma0=1e-3, y=1)) == pytest.approx(4.0, rel=1e-5)  # lazy


@pytest.mark.parametrize("key", sorted(D.DERIVATIONS))
def test_derivations_land(key):
    d = D.DERIVATIONS[key]()
    assert lands(d)
    assert not lands(d, target=sl.law(key).expr + sp.Rational(1, 3))


def test_initial_moments():
    assert D.initial_moments() == (4, 1, 0)


def test_exact_initial_law_matches_the_weights():
    N, R = 40, 20000
    f0, K0 = sample_initial(N, 0.5, R, seed=1)
    rng = np.random.default_rng(2)
    a, h = rng.standard_normal((2, R, N))
    Kw, fw = (a * a + h * h).mean(axis=1), (a * h).sum(axis=1) / (0.5 * N)
    for x, z in ((K0, Kw), (f0, fw)):
        assert abs(x.mean() - z.mean()) < 4 * np.sqrt(x.var() / R + z.var() / R)
        assert abs(x.var() / z.var() - 1) < 0.06  # relative SE of a variance ~ sqrt(2/R)
    assert N * K0.var() == pytest.approx(4, rel=0.05)
    assert N * f0.var() == pytest.approx(1 / 0.25, rel=0.05)


def test_reduced_ode_is_exact_for_the_weights():
    out = two_layer_flow(N=16, gamma0=1.5, y=0.8, t_end=2.0, dt=0.002, replicas=4, seed=3)
    f, K = reduced_ode(out["f"][:, 0], out["K"][:, 0], 1.5, 0.8, 2.0, 0.002)
    assert np.abs(f - out["f"]).max() < 1e-8


def test_sensitivities_match_finite_differences():
    s = output_sensitivities(0.7, 1.2, 1.5)
    e = 1e-5
    fp = reduced_ode(np.array([e, 0.0, 0.0]), np.array([2.0, 2.0 + e, 2.0]), 0.7, 1.2, 1.5, 1e-3)[0]
    fm = reduced_ode(np.array([-e, 0.0]), np.array([2.0, 2.0 - e]), 0.7, 1.2, 1.5, 1e-3)[0]
    assert (fp[0, -1] - fm[0, -1]) / (2 * e) == pytest.approx(s["S_f"], rel=1e-6)
    assert (fp[1, -1] - fm[1, -1]) / (2 * e) == pytest.approx(s["S_K"], rel=1e-6)


def test_propagator_degenerate_limit():
    law = sl.law("dmft_fluctuations.lazy_propagator")
    assert float(law.evaluate(lambda_k=1.0, lambda_l=1.0 + 1e-7, t=2.0)) == pytest.approx(
        2 * np.exp(-2.0), rel=1e-5)


def test_lazy_value_four_is_rejected_where_feature_learning_predicts_two(monkeypatch):
    chk = _check("dmft_fluctuations.final_ntk_variance[gamma0=1]")
    m = chk.measure(Settings())
    assert judge(chk, m, Settings()).outcome == "pass"
    assert judge(chk, m, Settings(perturb=0.1)).outcome != "pass"
    monkeypatch.setattr(sl.law("dmft_fluctuations.final_ntk_variance"), "expr", sp.Integer(4))
    assert judge(chk, m, Settings()).outcome == "fail"


def test_variance_slope_check_and_a_wrong_exponent(monkeypatch):
    chk = _check("dmft_fluctuations.variance_scaling[K_final]")
    m = chk.measure(Settings())
    assert judge(chk, m, Settings()).outcome == "pass"
    N = sl.law("dmft_fluctuations.variance_scaling").params["N"].symbol
    Sigma = sl.law("dmft_fluctuations.variance_scaling").params["Sigma"].symbol
    monkeypatch.setattr(sl.law("dmft_fluctuations.variance_scaling"), "expr",
                        Sigma / sp.sqrt(N))
    assert judge(chk, m, Settings()).outcome == "fail"
