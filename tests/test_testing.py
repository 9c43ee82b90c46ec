"""scalinglaws.testing: the assertions pass when they should and fail when they should."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

import scalinglaws as sl
from scalinglaws.errors import DomainError, ParameterError, RegimeError, UnknownKeyError
from scalinglaws.testing import assert_exponent, assert_in_regime, assert_value, log_factor_slack


def _fit_slope(x, y, level=0.95):
    """OLS slope of log y on log x with its t-interval (the estimator's own standard error)."""
    u, v = np.log(x), np.log(y)
    res = stats.linregress(u, v)
    t = stats.t.ppf(0.5 + level / 2, len(u) - 2)
    return res.slope, (res.slope - t * res.stderr, res.slope + t * res.stderr)


@pytest.fixture(scope="module")
def noisy_risk():
    """risk(N) = (sigma2/N)**(1/2) (the minimax risk at b = 2) with 5% multiplicative noise."""
    rng = np.random.default_rng(np.random.SeedSequence(20260301))
    N = np.geomspace(1e2, 1e5, 25)
    risk = (1.0 / N) ** 0.5 * np.exp(0.05 * rng.standard_normal(N.size))
    return N, risk


# ----------------------------------------------------------------------------------------------
# assert_exponent
# ----------------------------------------------------------------------------------------------


def test_exponent_passes_on_data_from_the_law(noisy_risk):
    slope, ci = _fit_slope(*noisy_risk)
    predicted = assert_exponent(slope, ci, "anytime.minimax_risk", "N", values={"b": 2})
    assert predicted == -0.5
    # a Law object works like its key
    assert assert_exponent(slope, ci, sl.law("anytime.minimax_risk"), "N", values={"b": 2}) == -0.5


def test_exponent_fails_for_a_wrong_law(noisy_risk):
    slope, ci = _fit_slope(*noisy_risk)
    # the same data against b = 3 (exponent -2/3) and against the bias law's exponent
    with pytest.raises(AssertionError, match="predicted -0.666667"):
        assert_exponent(slope, ci, "anytime.minimax_risk", "N", values={"b": 3})
    with pytest.raises(AssertionError):
        assert_exponent(slope, ci, "anytime.classic.averaged_sgd_bias", "N",
                        values={"a": 2, "b": 3})  # exponent -(b-1)/a = -1


def test_exponent_negative_control_shift(noisy_risk):
    """A prediction shifted by a few standard errors is rejected; the unshifted one is not."""
    slope, ci = _fit_slope(*noisy_risk)
    half_width = (ci[1] - ci[0]) / 2
    assert ci[0] <= -0.5 <= ci[1]
    shifted_data = (noisy_risk[0], noisy_risk[1] * noisy_risk[0] ** (3 * half_width))
    shifted, shifted_ci = _fit_slope(*shifted_data)
    with pytest.raises(AssertionError):
        assert_exponent(shifted, shifted_ci, "anytime.minimax_risk", "N", values={"b": 2})


def test_failure_message_gives_everything():
    with pytest.raises(AssertionError) as info:
        assert_exponent(-0.30, (-0.32, -0.28), "anytime.minimax_risk", "N", values={"b": 2},
                        slack=0.01, reason="one log factor")
    message = str(info.value)
    for fragment in ("anytime.minimax_risk", "exponent in N", "b=2", "predicted -0.5",
                     "measured -0.3", "[-0.32, -0.28]", "slack 0.01", "one log factor",
                     "[-0.33, -0.27]"):
        assert fragment in message, fragment


def test_slack_widens_the_interval_both_ways():
    args = ("anytime.minimax_risk", "N")
    assert_exponent(-0.55, (-0.58, -0.52), *args, values={"b": 2}, slack=0.021)
    assert_exponent(-0.45, (-0.48, -0.42), *args, values={"b": 2}, slack=0.021)
    for lo, hi in ((-0.58, -0.52), (-0.48, -0.42)):
        with pytest.raises(AssertionError):
            assert_exponent((lo + hi) / 2, (lo, hi), *args, values={"b": 2}, slack=0.019)


def test_measured_outside_its_own_interval_fails():
    with pytest.raises(AssertionError, match="outside its own confidence interval"):
        assert_exponent(-0.6, (-0.52, -0.47), "anytime.minimax_risk", "N", values={"b": 2})


def test_exponent_values_are_validated():
    law = "anytime.minimax_risk"
    with pytest.raises(ParameterError, match="needs a value for b"):
        assert_exponent(-0.5, (-0.6, -0.4), law, "N")
    with pytest.raises(DomainError, match="b=0.5 is outside its domain"):
        assert_exponent(-0.5, (-0.6, -0.4), law, "N", values={"b": 0.5})
    with pytest.raises(ParameterError, match="unknown parameter"):
        assert_exponent(-0.5, (-0.6, -0.4), law, "N", values={"b": 2, "q": 1})
    with pytest.raises(ParameterError, match="not a parameter"):
        assert_exponent(-0.5, (-0.6, -0.4), law, "Q", values={"b": 2})
    with pytest.raises(RegimeError, match="b <= 2\\*a"):  # a decidable regime condition fails
        assert_exponent(-0.8, (-0.9, -0.7), law, "N", values={"a": 2, "b": 5})
    with pytest.raises(UnknownKeyError):
        assert_exponent(-0.5, (-0.6, -0.4), "anytime.minimax_rsk", "N", values={"b": 2})
    with pytest.raises(ParameterError, match="Law or a law key"):
        assert_exponent(-0.5, (-0.6, -0.4), 42, "N")


@pytest.mark.parametrize(
    "measured, ci, slack, error, match",
    [
        (-0.5, (-0.4, -0.6), 0.0, DomainError, "lo <= hi"),
        (-0.5, (-0.6,), 0.0, ParameterError, "pair"),
        (-0.5, 0.3, 0.0, ParameterError, "pair"),
        (-0.5, (-0.6, -0.4), -0.1, DomainError, "non-negative"),
        (float("nan"), (-0.6, -0.4), 0.0, ParameterError, "finite"),
        ("x", (-0.6, -0.4), 0.0, ParameterError, "real number"),
        (-0.5, (-0.6, float("inf")), 0.0, ParameterError, "finite"),
        (True, (-0.6, -0.4), 0.0, ParameterError, "bool"),
    ],
)
def test_bad_intervals(measured, ci, slack, error, match):
    with pytest.raises(error, match=match):
        assert_exponent(measured, ci, "anytime.minimax_risk", "N", values={"b": 2}, slack=slack)


# ----------------------------------------------------------------------------------------------
# assert_value / assert_in_regime
# ----------------------------------------------------------------------------------------------


def test_assert_value():
    law = "anytime.optimal_decay_exponent"  # max(1 - a/b, 0)
    assert assert_value(0.26, (0.24, 0.27), law, {"a": 1.5, "b": 2}) == 0.25
    with pytest.raises(AssertionError, match="predicted 0.25"):
        assert_value(0.30, (0.29, 0.31), law, {"a": 1.5, "b": 2})
    assert_value(0.30, (0.29, 0.31), law, {"a": 1.5, "b": 2}, slack=0.05)
    with pytest.raises(RegimeError, match="b <= 2\\*a"):
        assert_value(0.6, (0.5, 0.7), law, {"a": 1.5, "b": 4})
    with pytest.raises(ParameterError, match="missing"):
        assert_value(0.3, (0.2, 0.4), law, {"a": 1.5})
    with pytest.raises(ParameterError, match="dict"):
        assert_value(0.3, (0.2, 0.4), law, [1.5, 2])


def test_assert_in_regime():
    assert assert_in_regime("anytime.minimax_risk", a=2, b=3) is None
    assert_in_regime("anytime.minimax_risk", a=2, b=3, N=10, sigma2=1)  # extras are fine
    with pytest.raises(AssertionError, match="condition b <= 2\\*a fails"):
        assert_in_regime("anytime.minimax_risk", a=2, b=5)
    with pytest.raises(AssertionError, match="condition a <= b fails"):
        assert_in_regime(sl.law("anytime.minimax_risk"), a=3, b=2)
    with pytest.raises(ParameterError, match="the regime needs b"):
        assert_in_regime("anytime.minimax_risk", a=2)
    with pytest.raises(DomainError):
        assert_in_regime("anytime.minimax_risk", a=0.5, b=3)
    with pytest.raises(ParameterError, match="unknown parameter"):
        assert_in_regime("anytime.minimax_risk", a=2, b=3, c=1)


# ----------------------------------------------------------------------------------------------
# log_factor_slack
# ----------------------------------------------------------------------------------------------


def test_log_factor_slack_formula():
    assert log_factor_slack(1e2, 1e6) == pytest.approx(1 / math.log(1e2), rel=1e-15)
    assert log_factor_slack(1e2, 1e6, kappa=-2) == pytest.approx(2 / math.log(1e2), rel=1e-15)
    # it is the local log-log slope of (ln x)^kappa at the window's lower end
    lo, h, kappa = math.log(1e2), 1e-5, 1.5
    local = kappa * (math.log(lo + h) - math.log(lo - h)) / (2 * h)
    assert log_factor_slack(1e2, 1e6, kappa=kappa) == pytest.approx(local, rel=1e-8)


@pytest.mark.parametrize("x_lo, x_hi", [(1e2, 1e6), (1e3, 1e4), (10.0, 1e8)])
def test_log_factor_slack_bounds_a_fitted_slope(x_lo, x_hi):
    """A least-squares slope of (ln x)^kappa on log-spaced points over the window lies between
    kappa/ln x_hi and kappa/ln x_lo: the slack is the upper end, so it is never exceeded, and it
    is not loose by more than the window's spread."""
    x = np.geomspace(x_lo, x_hi, 20001)
    u = np.log(x)
    for kappa in (0.5, 1.0, 2.0):
        drift = stats.linregress(u, kappa * np.log(u)).slope
        slack = log_factor_slack(x_lo, x_hi, kappa=kappa)
        assert kappa / u[-1] < drift <= slack
        # the first-order value at the centre lies inside the same bracket
        assert kappa / u[-1] < kappa / u.mean() <= slack


def test_log_factor_is_caught_without_slack():
    """A law that hides a log factor fails the plain check: the slope drifts by ~1/ln x."""
    N = np.geomspace(1e2, 1e6, 25)
    rng = np.random.default_rng(np.random.SeedSequence(7))
    risk = N**-0.5 * np.log(N) * np.exp(0.02 * rng.standard_normal(N.size))
    slope, ci = _fit_slope(N, risk)
    with pytest.raises(AssertionError):
        assert_exponent(slope, ci, "anytime.minimax_risk", "N", values={"b": 2})
    # the fitted slope sits above the truth by more than the hi-end value and within the slack
    assert 1 / math.log(1e6) <= slope - (-0.5) <= log_factor_slack(1e2, 1e6)


@pytest.mark.parametrize(
    "args, error",
    [((1.0, 10.0), DomainError), ((0.5, 10.0), DomainError), ((10.0, 10.0), DomainError),
     ((100.0, 10.0), DomainError), ((float("inf"), 10.0), ParameterError),
     (("1", 10.0), ParameterError), ((10.0, 100.0, float("nan")), ParameterError)],
)
def test_log_factor_slack_bad_input(args, error):
    with pytest.raises(error):
        log_factor_slack(*args)


def test_module_is_light():
    code = "import sys, scalinglaws.testing\nassert 'numpy' not in sys.modules\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_assert_supports_uses_the_verify_judge():
    """A user's curve is judged exactly as verify judges: a wrong exponent fails, data that
    cannot resolve a 0.1 error is inconclusive (an assertion error unless allowed)."""
    np = pytest.importorskip("numpy")
    from scalinglaws.testing import assert_supports
    from scalinglaws.validators.engine import Curve, Exponent

    N = np.logspace(2, 6, 41)
    point = {"a": 1.5, "b": 2, "sigma2": 1}
    assert assert_supports("anytime.minimax_risk", Curve(N, N**-0.5, Exponent("N"), point=point)).passed
    with pytest.raises(AssertionError, match="FAIL"):
        assert_supports("anytime.minimax_risk", Curve(N, N**-0.7, Exponent("N"), point=point))
    rng = np.random.default_rng(0)
    noisy = N[:6] ** -0.5 * rng.lognormal(0, 1.0, size=(4, 6))
    short = Curve(N[:6], noisy, Exponent("N"), point=point)
    with pytest.raises(AssertionError):
        assert_supports("anytime.minimax_risk", short)
    assert assert_supports("anytime.minimax_risk", short, allow_inconclusive=True).outcome in (
        "pass", "inconclusive")
