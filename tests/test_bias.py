"""scalinglaws.bias: the delta-method estimators users call on their own microbatch statistics."""

import math

import numpy as np
import pytest
from scipy.special import gammaln

from scalinglaws import bias


def _chi2_moment(a, m):
    return math.exp(a * math.log(m / 2) + gammaln(m / 2 - a) - gammaln(m / 2))


def test_formulas_by_hand():
    # p = [1, 3]: p_bar = 2, Var_hat(p_bar) = 1
    assert bias.inverse_power_bias([1.0, 3.0], a=1) == pytest.approx(0.5 * 2 * 2**-3)
    assert bias.inverse_power_bias([1.0, 3.0], a=0.25) == pytest.approx(
        0.5 * 0.25 * 1.25 * 2**-2.25)
    assert bias.corrected_inverse_power([1.0, 3.0], a=1) == pytest.approx(0.5 - 0.125)
    # coupling: g = [1, 2, 3], P = 14/3, Cov_hat(g_bar, P_hat) = sum (g - 2)(g^2 - P) / 6
    P = 14 / 3
    cov = ((-1) * (1 - P) + (9 - P)) / 6
    assert bias.coupling_bias([1.0, 2.0, 3.0]) == pytest.approx(-0.5 * P**-1.5 * cov)


def test_adam_denominator_reduces_to_inverse_power_at_eps_zero():
    rng = np.random.default_rng(3)
    g = rng.normal(0.3, 1.0, size=(16, 5))
    r = bias.adam_denominator_bias(g)
    np.testing.assert_allclose(r.bias, bias.inverse_power_bias(g * g, a=0.5))
    np.testing.assert_allclose(r.coupling, bias.coupling_bias(g, a=0.5))
    np.testing.assert_allclose(r.inverse, 1 / np.sqrt((g * g).mean(axis=0)))
    # eps > 0 lowers the curvature of 1/(sqrt v + eps): a smaller bias
    assert np.all(bias.adam_denominator_bias(g, eps=0.1).bias < r.bias)


def test_eps_curvature_matches_finite_differences():
    """f''(v) of f(v) = 1/(sqrt v + eps) behind adam_denominator_bias, by central differences
    (the authors' pre-EMA code has 3/4 where 1/4 belongs, per the research digest)."""
    v, eps, h = 0.7, 0.05, 1e-4
    f = lambda x: 1 / (math.sqrt(x) + eps)  # noqa: E731
    fd = (f(v + h) - 2 * f(v) + f(v - h)) / h**2
    g = np.array([math.sqrt(v - 0.1), math.sqrt(v + 0.1)])  # v_hat = v, Var_hat(v_hat) = 0.01
    r = bias.adam_denominator_bias(g, eps=eps)
    assert r.bias == pytest.approx(0.5 * fd * 0.01, rel=1e-5)


def test_axis_and_shapes():
    rng = np.random.default_rng(0)
    p = rng.gamma(2.0, size=(8, 3, 4))
    a0 = bias.inverse_power_bias(p, a=1)
    a2 = bias.inverse_power_bias(np.moveaxis(p, 0, 2), a=1, axis=2)
    assert a0.shape == (3, 4)
    np.testing.assert_allclose(a0, a2)
    assert isinstance(bias.inverse_power_bias(p[:, 0, 0]), float)


def test_correction_removes_the_leading_bias_on_chi_square_microbatches():
    """Mean over many groups: the corrected inverse is far closer to the truth 1 than 1/p_bar."""
    rng = np.random.default_rng(1)
    m = 16
    p = rng.standard_normal((m, 50000)) ** 2
    raw = np.mean(1 / p.mean(axis=0))
    corrected = np.mean(bias.corrected_inverse_power(p, a=1, clamp=False))
    assert raw == pytest.approx(_chi2_moment(1, m), rel=0.01)
    assert abs(corrected - 1) < 0.25 * abs(raw - 1)
    # the estimated bias is, on average, the delta-method value 1/2 a(a+1) p^-3 s2/m = 2/16
    assert np.mean(bias.inverse_power_bias(p, a=1)) == pytest.approx(2 / m, rel=0.15)


def test_inverse_wishart_factor():
    assert bias.inverse_wishart_factor(64, 8) == pytest.approx(64 / 55)
    with pytest.raises(ValueError, match="n > dim"):
        bias.inverse_wishart_factor(9, 8)


@pytest.mark.parametrize("bad, match", [
    (1.0, "scalar"),
    ([1.0], "at least 2 microbatches"),
    ([1.0, -1.0], "positive"),
    ([1.0, np.nan], "finite"),
])
def test_bad_samples(bad, match):
    with pytest.raises(ValueError, match=match):
        bias.inverse_power_bias(bad)


def test_bad_parameters():
    with pytest.raises(ValueError, match="power"):
        bias.inverse_power_bias([1.0, 2.0], a=-1)
    with pytest.raises(ValueError, match="power"):
        bias.inverse_power_bias([1.0, 2.0], a="1")
    with pytest.raises(ValueError, match="out of bounds"):
        bias.inverse_power_bias([1.0, 2.0], axis=3)
    with pytest.raises(ValueError, match="eps"):
        bias.adam_denominator_bias([1.0, 2.0], eps=-1)
    with pytest.raises(ValueError, match="all zero"):
        bias.coupling_bias([0.0, 0.0])
    # gradients may be negative; preconditioner estimates may not
    assert bias.coupling_bias([-1.0, 2.0]) != 0


def test_light_import():
    import subprocess
    import sys

    code = ("import sys, scalinglaws.bias; bad = {'scipy', 'numba', 'matplotlib', 'cupy'} & "
            "{m.split('.')[0] for m in sys.modules}; print(sorted(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
