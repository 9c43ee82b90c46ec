"""anytime: the bias law's multiplicative-noise term, the shared recursion runs and the checks
of the classic source/capacity laws (issue 14)."""

import math

import numpy as np
import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.derivations import anytime as D
from scalinglaws.derivations import check as lands
from scalinglaws.validators import anytime as V
from scalinglaws.validators.engine import Settings, judge, select_checks

NUMBA = Settings(backend="numba")


def _check(name):
    (chk,) = select_checks((name,))
    return chk


# ---------------------------------------------------------------------------- laws


def test_bias_exponent_is_the_slower_of_tail_and_multiplicative_noise():
    law = sl.law("anytime.bias_exponent")
    # b <= 2a: the unlearned tail (1-gamma)(b-1)/a
    assert float(law.evaluate(a=2, b=3, gamma=0)) == pytest.approx(1.0)
    assert float(law.evaluate(a=1.5, b=3, gamma=0.25)) == pytest.approx(1.0)
    # b > 2a: the multiplicative SGD noise (1-gamma)(2a-1)/a, not the tail's 1.83
    assert float(law.evaluate(a=1.5, b=3.75, gamma=0)) == pytest.approx(4 / 3)
    assert float(law.evaluate(a=1.5, b=3.75, gamma=0.25)) == pytest.approx(1.0)
    assert law.regime == sp.true  # no cut needed: the min covers every b


def test_classic_bias_bound_carries_the_multiplicative_noise_term():
    law = sl.law("anytime.classic.averaged_sgd_bias")
    expo = law.exponent("N")
    assert float(expo.subs({law.params["a"].symbol: 1.5, law.params["b"].symbol: 3.75})) == (
        pytest.approx(-4 / 3))
    assert float(expo.subs({law.params["a"].symbol: 2, law.params["b"].symbol: 3})) == (
        pytest.approx(-1.0))


@pytest.mark.parametrize("key", ["anytime.bias_exponent", "anytime.classic.averaged_sgd_bias"])
def test_corrected_laws_are_derived_and_the_old_forms_are_not(key):
    d = D.DERIVATIONS[key]()
    assert lands(d)
    sym = {n: p.symbol for n, p in sl.law(key).params.items()}
    if key == "anytime.bias_exponent":
        old = (1 - sym["gamma"]) * (sym["b"] - 1) / sym["a"]
    else:
        old = (sym["eta"] * sym["N"]) ** (-(sym["b"] - 1) / sym["a"])
    assert not lands(d, target=old)


def test_cross_term_derivation_proves_convergence_and_the_boundary():
    _, _, nu, proved = D._cross_terms()
    assert proved
    a, b, g = D.a, D.b, D.gamma
    assert sp.simplify(nu - (1 - g) * (2 * a - 1) / a) == 0
    d = D.DERIVATIONS["anytime.bias_exponent"]()
    boundary = [s for s in d.steps if s[0].startswith("the second term is slower")]
    assert boundary and boundary[0][1] == (b > 2 * a)


# ---------------------------------------------------------------------------- shared runs


def test_long_run_prefix_is_the_short_run():
    """The recursion with eta t^-gamma and uniform averaging does not depend on the horizon: a
    longer run read at the shorter horizon's checkpoints is the shorter run (what lets the
    2^18 checks read the 4N run of large_source_rate_exponent)."""
    from scalinglaws.validators.processes.linreg import default_checkpoints

    short = default_checkpoints(2**10, 64)
    record = tuple(int(t) for t in np.union1d(short, default_checkpoints(2**12, 64)))
    s1, r1 = V._run("variance", 1.5, None, 0.5, 2**10, tuple(int(t) for t in short), "numba")
    s2, r2 = V._run("variance", 1.5, None, 0.5, 2**12, record, "numba")
    idx = np.searchsorted(s2, s1)
    assert np.array_equal(s2[idx], s1)
    np.testing.assert_allclose(r2[idx], r1, rtol=1e-12)


def test_variance_runs_are_shared_across_b():
    before = V._run.cache_info().currsize
    V._part("variance", 2.0, 1.5, 0.0, 2**10, NUMBA)
    V._part("variance", 2.0, 3.0, 0.0, 2**10, NUMBA)
    assert V._run.cache_info().currsize == before + 1


# ---------------------------------------------------------------------------- the checks


def test_the_b_above_2a_check_rejects_the_old_bias_law(monkeypatch):
    """The check that would have caught the bug: at a = 1.5, b = 3.75 the bias slope is the
    multiplicative-noise term's, and the tail alone (the old law) fails."""
    chk = _check("anytime.bias_exponent[a=1.5,b=3.75,gamma=0]")
    m = chk.measure(NUMBA)
    v = judge(chk, m, NUMBA)
    assert v.outcome == "pass" and v.negative_control["rejected"]
    law = sl.law("anytime.bias_exponent")
    a, b, g = (law.params[n].symbol for n in ("a", "b", "gamma"))
    monkeypatch.setattr(law, "expr", (1 - g) * (b - 1) / a)
    assert judge(chk, m, NUMBA).outcome == "fail"


def test_argmin_of_a_spline_is_continuous():
    u = np.linspace(-3, 3, 13)
    for centre in (-0.33, 0.0, 0.41):
        x, val = V._argmin_log(u, (u - centre) ** 2 + 1.0)
        assert x == pytest.approx(centre, abs=1e-9) and val == pytest.approx(1.0)


def test_horizon_optimal_step_is_flat_at_b_equal_a():
    steps, eta_opt, risk_opt, _, window = V._horizon_optimum(2.0, False, "numba")
    top = steps >= window[0]
    assert np.ptp(np.log(eta_opt[top])) < 0.01  # flat to 1 % over six octaves of N
    assert 0 < eta_opt.max() < V.ETA_MULTIPLIER  # inside the grid, below the stability edge
    slope = np.polyfit(np.log(steps[top]), np.log(risk_opt[top]), 1)[0]
    assert slope == pytest.approx(-0.5, abs=0.02)  # a plain fit; the judge extrapolates


def test_sketched_model_error_has_both_terms():
    sizes, horizons, errors = V._sketched_risks(2.0, 1.25, False, "numba")
    assert np.all(np.diff(errors) < 0) and np.allclose(horizons, np.round(sizes**2))
    # the approximation error alone, (1/2) sum_{i>M} i^-b, is a lower bound
    from scipy.special import zeta

    approx = np.array([zeta(1.25, m + 1) / 2 for m in sizes])
    assert np.all(errors > approx) and np.all(errors < 3 * approx)


def test_multipass_sgd_without_reuse_matches_the_recursion():
    """With N >> L (almost no sample drawn twice) the Monte Carlo is one-pass SGD, whose
    expected risk is the exact recursion on the top-M problem with the tail as label noise."""
    from scipy.special import zeta

    from scalinglaws.validators.processes.linreg import PowerLawProblem, constant, expected_risk

    a, b, M, L, R = 1.5, 1.25, 16, 64, 400
    rng = np.random.default_rng(3)
    errors = V.multipass_sgd(a, b, M, 200_000 // M, L, R, rng)
    tail = float(zeta(b, M + 1))
    problem = PowerLawProblem(a, b, M, sigma2=tail, target="power")
    exact = float(np.asarray(expected_risk(problem, constant(0.5 / problem.trace), L, [L],
                                           "uniform").risk_avg).ravel()[-1]) + tail / 2
    se = errors.std(ddof=1) / math.sqrt(R)
    assert abs(errors.mean() - exact) < 4 * se + 0.01 * exact


def test_every_anytime_law_has_a_quick_check():
    checked = {c.law_key for c in select_checks(("anytime",)) if not c.full_only}
    assert checked == {law.key for law in sl.laws(paper="anytime")}


# ---------------------------------------------------------------------------- issue 21


def test_figure3_gap_law_signs():
    law = sl.law("anytime.sqrt_vs_constant_exponent_gap")
    assert float(law.evaluate(a=1.5, b=3.0)) == pytest.approx(1 / 3)  # b = 2a: 1/(2a)
    assert float(law.evaluate(a=1.5, b=1.5)) == pytest.approx(-1 / 6)  # b = a: constant wins
    assert float(law.evaluate(a=2.0, b=3.0)) == pytest.approx(0.0)  # sign change at b = 2a - 1
    assert law.status == "derived"
    # the difference of the two schedules' rates (anytime.polynomial_schedule_rate_exponent)
    rate = sl.law("anytime.polynomial_schedule_rate_exponent")
    for a_, b_ in ((1.5, 3.0), (1.5, 1.5), (2.0, 3.5)):
        gap = float(rate.evaluate(a=a_, b=b_, gamma=0.5)) - float(rate.evaluate(a=a_, b=b_,
                                                                                  gamma=0))
        assert gap == pytest.approx(float(law.evaluate(a=a_, b=b_)))


def test_ema_equivalence_law_and_richardson():
    law = sl.law("anytime.ema_polynomial_equivalence")
    assert float(law.evaluate(f=25)) == pytest.approx(25 * math.log(2))
    assert lands(D.DERIVATIONS["anytime.ema_polynomial_equivalence"]())
    # c(N) = c + A / N on horizons in ratio 4: the extrapolation recovers c, inside its interval
    ns = V.EMA_HORIZONS[False]
    cs = tuple(17.0 - 300.0 / n for n in ns)
    value, (lo, hi) = V._richardson(cs)
    assert value == pytest.approx(17.0, rel=1e-9) and lo <= 17.0 <= hi


def test_ema_weights_match_polynomial_weights_far_from_the_start():
    from scalinglaws.validators.processes.linreg import averaging_weights

    f, N = 25.0, 4000
    rho_e = averaging_weights(("ema", f), N)
    rho_p = averaging_weights(("poly", f * math.log(2)), N)
    t = np.arange(1, N + 1)
    c = f * math.log(2)
    late = t > 4 * c
    # both are c/t to leading order; they differ by c^2/(2 t^2) (the EMA's second order)
    assert np.max(np.abs(rho_e - rho_p)[late] * t[late] ** 2) < 0.6 * c**2
    assert abs(rho_p[-1] - rho_e[-1]) * N**2 == pytest.approx(c**2 / 2, rel=0.05)


def test_theorem1_bound_decreases_and_smoothing_is_a_bounded_change():
    from scalinglaws.validators.processes.linreg_bounds import binned_spectrum, theorem1_bound

    lam, lw2, mult = V._general_spectrum(*V.GENERAL)
    eta = 0.5 / float(np.sum(mult * lam))
    ns = [2**10, 2**12, 2**14]
    raw = [theorem1_bound(lam, lw2, mult, 1.0, eta, 0.0, n) for n in ns]
    smooth = [theorem1_bound(lam, lw2, mult, 1.0, eta, 0.0, n, smooth=True) for n in ns]
    assert raw[0] > raw[1] > raw[2]
    assert all(0.5 < s / r < 2.0 for s, r in zip(smooth, raw))
    lam2, lw22, mult2 = binned_spectrum(lambda i: i ** -2.0, lambda i: i ** -3.0, 10**8)
    assert float(np.sum(mult2)) == 10**8
    with pytest.raises(sl.errors.DomainError):
        binned_spectrum(lambda i: i ** 0.5, lambda i: i ** -3.0, 100)  # increasing spectrum


@pytest.mark.slow
def test_general_spectrum_check_measures_risk_over_bound():
    curve = _check("anytime.general_spectrum_bound[gamma=0]").run(NUMBA)
    assert curve.deterministic and np.all(curve.y < 1)  # the bound (unit constants) holds
    assert curve.window[0] > curve.x[0]  # judged only where k* >= K_STAR_MIN
