"""dmft_spectral: random-matrix laws, edge of stability, muP vs NTP outliers (issue 17)."""

import numpy as np
import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.derivations import check as lands
from scalinglaws.derivations import dmft_spectral as D
from scalinglaws.validators import dmft_spectral as V
from scalinglaws.validators.engine import Settings, judge, select_checks
from scalinglaws.validators.processes.wide_nets import spiked_top_singular_values


def _check(name):
    (chk,) = select_checks((name,))
    return chk


def test_statuses():
    st = {l.key: l.status for l in sl.laws(paper="dmft_spectral")}
    assert st["dmft_spectral.outlier_collapse"] == "hypothesis"
    assert st["dmft_spectral.spike_strength"] == "hypothesis"
    assert sl.law("dmft_spectral.eos_sharpness").kind == "upper"


@pytest.mark.parametrize("c", [0.3, 0.7, 1.0])
def test_bbp_meets_the_edge_at_the_threshold(c):
    theta = c ** 0.25
    out = float(sl.law("dmft_spectral.bbp_outlier").expr.subs(
        {sl.law("dmft_spectral.bbp_outlier").params["c"].symbol: c,
         sl.law("dmft_spectral.bbp_outlier").params["theta"].symbol: theta}))
    assert out == pytest.approx(float(sl.law("dmft_spectral.bulk_edge").evaluate(c=c)))
    assert not sl.law("dmft_spectral.bbp_outlier").in_regime(c=c, theta=0.9 * theta)


@pytest.mark.parametrize("key", sorted(D.DERIVATIONS))
def test_derivations_land(key):
    d = D.DERIVATIONS[key]()
    assert lands(d)
    assert not lands(d, target=sl.law(key).expr * sp.Rational(11, 10))


def test_a_subcritical_spike_stays_at_the_edge():
    s = spiked_top_singular_values(300, 1.0, 0.6, 6, seed=4)
    assert np.all(np.abs(s - 2.0) < 0.08)
    s = spiked_top_singular_values(300, 1.0, 2.0, 6, seed=4)
    assert abs(s.mean() - 2.5) < 0.1 and s.min() > 2.25  # sqrt(5 * 5)/2, clear of the edge


@pytest.mark.parametrize("name", ["dmft_spectral.bulk_edge[c=0.25]",
                                  "dmft_spectral.bbp_outlier[c=0.5,theta=1.2]",
                                  "dmft_spectral.eos_sharpness[eta=1]"])
def test_checks_pass_and_perturbed_fail(name):
    chk = _check(name)
    m = chk.measure(Settings())
    assert judge(chk, m, Settings()).outcome == "pass"
    assert judge(chk, m, Settings(perturb=0.1)).outcome == "fail"


def test_eos_sharpness_approaches_two_over_eta():
    lam, _ = V.eos_run(1.0, 0, False, "numpy")
    assert lam[:, 0].mean() < 1.0 < 1.8 < lam[:, -1].mean() <= 2.0 + 1e-3


@pytest.mark.slow
def test_spike_is_width_consistent_under_mup_and_not_under_ntp():
    chk = _check("dmft_spectral.spike_strength[mup]")
    assert judge(chk, V.escape_curve(Settings(), "mup", "spike"), Settings()).outcome == "pass"
    ntp = V.escape_curve(Settings(), "ntp", "spike")
    v = judge(chk, ntp, Settings())
    assert v.outcome == "fail" and v.measured < -0.3
    x, esc, _ = V.escape_run("ntp", 0, False, "numpy")
    assert np.abs(esc).max() < 0.02  # no outlier escapes under NTP at these widths
