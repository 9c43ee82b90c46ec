"""The DANA paper: laws, derivations, the Gen-Mom extension of the exact recursion (against
heavy ball, SGD, Monte Carlo and the deterministic ODE) and the compute-optimal ordering."""

import math

import numpy as np
import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.derivations import check, dana as D
from scalinglaws.errors import BackendUnavailableError, DomainError, ParameterError, RegimeError
from scalinglaws.validators.processes import linreg as L
from scalinglaws.validators.processes import powerlaw_ode as O

P = sl.paper("dana").params
alpha, beta = P["alpha"].symbol, P["beta"].symbol


# ---- laws --------------------------------------------------------------------------------------


def test_every_dana_law_is_derived_or_excused():
    laws = {law.key for law in sl.laws(paper="dana")}
    done, excused = set(D.DERIVATIONS), set(D.NOT_DERIVED)
    assert not done & excused
    assert laws == done | excused, sorted(laws - done - excused)
    for key in done:
        assert check(D.DERIVATIONS[key]()), key


def test_statuses_are_honest():
    law = sl.law
    # our derivations are never presented as the paper's
    for key in ["dana.decaying.loss", "dana.decaying.speedup", "dana.constant.loss_accelerated",
                "dana.sgd.xi", "dana.constant.eta", "dana.decaying.xi", "dana.decaying.eta"]:
        assert law(key).reference.status == "derived", key
    assert law("dana.sgdm.loss").reference.status == "paper"  # Abstract: identical exponents
    assert law("dana.friction_threshold").reference.status == "authors_code"
    assert law("dana.constant.gamma3").reference.status == "transcribed"


def test_values_at_the_validation_point():
    v = dict(alpha=1.5, beta=0.3)
    assert float(sl.law("dana.decaying.speedup").evaluate(**v)) == pytest.approx(5 / 3)
    assert float(sl.law("dana.sgd.eta").evaluate(**v)) == pytest.approx(0.65)
    assert float(sl.law("dana.constant.eta").evaluate(**v)) == pytest.approx(2 * 2.6 / 6)
    assert float(sl.law("dana.decaying.xi").evaluate(**v)) == pytest.approx(5 / 14)
    # DANA-decaying loss exponent = SGD's x (2 - 1/(2 alpha))
    ratio = sl.law("dana.decaying.loss").exponent("t") / sl.law("dana.sgd.loss").exponent("t")
    assert sp.simplify(ratio - sl.law("dana.decaying.speedup").expr) == 0
    # the accelerated DANA-constant curve doubles SGD's exponent in t
    assert sp.simplify(sl.law("dana.constant.loss_accelerated").exponent("t")
                       - 2 * sl.law("dana.sgd.loss").exponent("t")) == 0


def test_nothing_is_encoded_outside_the_pure_point_region():
    for key in ["dana.sgd.eta", "dana.constant.xi", "dana.decaying.eta", "dana.decaying.speedup"]:
        with pytest.raises(RegimeError):
            sl.law(key).evaluate(alpha=1.5, beta=0.7)  # 2 beta > 1: F_ac region
        with pytest.raises(RegimeError):
            sl.law(key).evaluate(alpha=0.4, beta=0.3)  # below the high-dimensional line
    with pytest.raises(RegimeError):  # DANA-constant laws stop at the floor time d^(alpha+1/2)
        sl.law("dana.constant.loss_accelerated").evaluate(alpha=1.5, beta=0.3, d=100, t=1e5)


def test_ordering_of_compute_optimal_exponents_holds_in_the_whole_region():
    eta = {k: sl.law(f"dana.{k}.eta").expr for k in ("sgd", "constant", "decaying")}
    # eta_dc - eta_sgd and eta_dd - eta_dc are positive multiples of (2 alpha - 1)
    for hi, lo in [("constant", "sgd"), ("decaying", "constant")]:
        gap = sp.factor(eta[hi] - eta[lo])
        assert sp.simplify(gap.subs(alpha, sp.Rational(1, 2))) == 0
        for a_ in (0.6, 1.0, 1.5, 3.0):
            for b_ in (-0.05, 0.2, 0.45):
                assert float(gap.subs({alpha: a_, beta: b_})) > 0


# ---- Gen-Mom in the exact recursion -----------------------------------------------------------

PROBLEM = L.SpectrumProblem.power_law(8, 2.0, sigma2=0.05)
DANA_DEC = dict(gamma1=1.0, gamma3=0.1, kappa3=1 / 3, delta=4.0)
CK = [3, 10, 30, 100, 200]


def test_genmom_defaults_are_sgd():
    sgd = L.expected_risk(PROBLEM, L.constant(0.2), 300, CK, averaging="uniform")
    gm = L.expected_risk(PROBLEM, L.constant(0.2), 300, CK, averaging="uniform", method="genmom")
    np.testing.assert_allclose(gm.risk_last, sgd.risk_last, rtol=1e-12)
    np.testing.assert_allclose(gm.risk_avg, sgd.risk_avg, rtol=1e-12)


def test_genmom_is_heavy_ball_when_gamma2_is_zero():
    """gamma_2 = 0, gamma_1 = 1, gamma_3 = eta, Delta = 1 - mu is heavy ball (independent code)."""
    zero = L.Schedule("zero", {}, lambda t: np.zeros(t.shape))
    hb = L.expected_risk(PROBLEM, L.constant(0.2), 300, CK, averaging="uniform", batch=2,
                         method="hb", method_params={"momentum": 0.7})
    gm = L.expected_risk(PROBLEM, zero, 300, CK, averaging="uniform", batch=2, method="genmom",
                         method_params=dict(gamma1=1.0, gamma3=0.2, Delta=0.3))
    np.testing.assert_allclose(gm.risk_last, hb.risk_last, rtol=1e-11)
    np.testing.assert_allclose(gm.risk_avg, hb.risk_avg, rtol=1e-11)
    other = L.expected_risk(PROBLEM, zero, 300, CK, averaging="uniform", batch=2, method="genmom",
                            method_params=dict(gamma1=1.0, gamma3=0.2, Delta=0.35))
    assert np.max(np.abs(other.risk_last / hb.risk_last - 1)) > 1e-3


@pytest.mark.parametrize("averaging", ["none", "uniform"])
def test_genmom_recursion_matches_monte_carlo(averaging):
    """DANA-decaying-type Gen-Mom with label noise and batch 2: 3000 runs within 4.5 SE; the same
    runs reject the recursion with a wrong kappa3, delta or gamma3."""
    kw = dict(averaging=averaging, batch=2, method="genmom")
    exact = L.expected_risk(PROBLEM, L.constant(0.1), 200, CK, method_params=DANA_DEC, **kw)
    mc = L.sample_risk(PROBLEM, L.constant(0.1), 200, 3000, 11, CK, method_params=DANA_DEC, **kw)
    for got, se, want in [(mc.mean_last, mc.se_last, exact.risk_last), (mc.mean_avg, mc.se_avg, exact.risk_avg)]:
        assert np.all(np.abs((got - want) / se) < 4.5)
    for wrong in [dict(DANA_DEC, kappa3=0.45), dict(DANA_DEC, delta=3.0), dict(DANA_DEC, gamma3=0.08)]:
        w = L.expected_risk(PROBLEM, L.constant(0.1), 200, CK, method_params=wrong, **kw)
        assert np.max(np.abs((mc.mean_last - w.risk_last) / mc.se_last)) > 4.5
    assert exact.risk_last[-1] < 0.05 * exact.risk_last[0]


def test_genmom_runs_several_schedules_at_once():
    kw = dict(averaging="uniform", method="genmom", method_params=DANA_DEC)
    both = L.expected_risk(PROBLEM, [L.constant(0.1), L.constant(0.05)], 100, [10, 100], **kw)
    one = L.expected_risk(PROBLEM, L.constant(0.05), 100, [10, 100], **kw)
    np.testing.assert_allclose(both.risk_avg[1], one.risk_avg, rtol=1e-12)
    np.testing.assert_allclose(both.risk_last[1], one.risk_last, rtol=1e-12)


def test_genmom_bad_input():
    run = lambda **mp: L.expected_risk(PROBLEM, L.constant(0.1), 5, method="genmom", method_params=mp)
    with pytest.raises(ParameterError):
        run(Delta=0.5, delta=3.0)
    with pytest.raises(ParameterError):
        run(momentum=0.9)
    with pytest.raises(DomainError):
        run(Delta=1.5)
    with pytest.raises(DomainError):
        run(delta=-1.0)
    with pytest.raises(DomainError):
        run(gamma3=lambda k: float("nan"))
    with pytest.raises(ParameterError):
        run(gamma3=lambda k: 0.1, kappa3=0.5)
    with pytest.raises(DomainError):
        L.contraction_rate(PROBLEM, 0.1, method="genmom")
    with pytest.raises((DomainError, BackendUnavailableError)):  # no numba runner
        L.expected_risk(PROBLEM, L.constant(0.1), 5, method="genmom", backend="numba")
    assert L.method_names() == ("sgd", "hb", "asgd")
    assert L.method_names(time_dependent=True) == ("sgd", "hb", "asgd", "genmom")


@pytest.mark.parametrize("maker", [O.sgd, lambda p: O.sgd_momentum(p, 0.1), O.dana_constant, O.dana_decaying],
                         ids=["sgd", "sgdm", "dana_constant", "dana_decaying"])
def test_ode_matches_the_exact_discrete_recursion(maker):
    """The continuized ODE against the exact discrete recursion on the same problem (PLRF as
    linear regression with label noise 2 P_inf): within 5% for t >= 300 (the accuracy the digest
    reports against stochastic runs); a recursion with gamma_3 doubled is further off."""
    p = O.PLRFProblem(1.5, 0.3, 200)
    opt = maker(p)
    lin = L.SpectrumProblem(p.lam, w2=p.rho0, sigma2=2 * p.p_inf)
    N = 5000
    ck = L.default_checkpoints(N, 30)

    def recursion(scale3):
        if opt.is_sgd:
            return L.expected_risk(lin, L.constant(float(opt.gamma2(0.0))), N, ck, averaging="none")
        mp = dict(gamma1=float(opt.gamma1(0.0)), Delta=lambda k: float(opt.delta(float(k))),
                  gamma3=lambda k: scale3 * float(opt.gamma3(float(k))))
        return L.expected_risk(lin, L.constant(float(opt.gamma2(0.0))), N, ck, averaging="none",
                               method="genmom", method_params=mp)

    ode = O.solve(p, opt, N, dt=0.01).at(ck.astype(float))
    late = ck >= 300
    dev = np.abs(ode / (recursion(1.0).risk_last + p.p_inf) - 1)
    assert dev[late].max() < 0.05
    if not opt.is_sgd:
        wrong = np.abs(ode / (recursion(2.0).risk_last + p.p_inf) - 1)
        assert wrong[late].max() > 0.05


# ---- compute-optimal ordering (measured) -------------------------------------------------------


def test_measured_compute_optimal_ordering():
    """eta_DANA-dec > eta_DANA-const > eta_SGD on the IsoFLOP frontiers the checks measure.

    eta is read as least-squares slopes of log P* against log f over each check's window, over
    its lower and upper decade and over its middle decade (robust to what is left of the d-grid
    ripple); the ordering must hold between every pair of these readings (the smallest of one
    family above the largest of the next)."""
    from scalinglaws.validators.engine import LawValue, Settings, select_checks

    checks = {c.name: c for c in select_checks(("dana",))}
    etas = {}
    for family in ("sgd", "constant", "decaying"):
        m = checks[f"dana.{family}.eta_isoflop"].measure(Settings())
        assert m.predict == LawValue(sign=-1) and m.deterministic
        lo, hi = m.window
        readings = []
        for a, b in [(lo, hi), (lo, 10 * lo), (hi / 10, hi), (lo * 10**0.5, hi / 10**0.5)]:
            w = (m.x >= a * (1 - 1e-9)) & (m.x <= b * (1 + 1e-9))
            assert w.sum() >= 5
            readings.append(-np.polyfit(np.log(m.x[w]), np.log(m.y[w]), 1)[0])
        etas[family] = readings
    assert min(etas["decaying"]) > max(etas["constant"])
    assert min(etas["constant"]) > max(etas["sgd"])


def test_speedup_curve_is_dana_against_sgd_at_the_same_t():
    """The speedup check's curve: x = 1/(P_SGD - F_0), y = P_DANA-dec - F_0 at the same t, so its
    local slope is minus the ratio of the two local exponents."""
    from scalinglaws.validators import dana as V
    from scalinglaws.validators.engine import LawValue, Settings, select_checks

    (c,) = select_checks(("dana.decaying.speedup_ratio",))
    m = c.measure(Settings())
    assert m.predict == LawValue(sign=-1) and m.deterministic
    assert np.all(np.diff(m.x) > 0)
    t = np.array(m.extra["t"])
    d = m.extra["d"]
    sgd, dana = (V._curve(name, V.ALPHA, V.BETA, d, float(t[-1]))
                 for name in ("sgd", "dana_decaying"))
    sgd, dana = sgd.risk[1:] - sgd.problem.p_inf, dana.risk[1:] - dana.problem.p_inf
    np.testing.assert_allclose(m.x, 1 / sgd, rtol=1e-12)
    np.testing.assert_allclose(m.y, dana, rtol=1e-12)
    # the local slope is the ratio of the local exponents: check it at one t inside the window
    i = np.searchsorted(t, 3e5)
    ratio = np.gradient(np.log(dana), np.log(t))[i] / np.gradient(np.log(sgd), np.log(t))[i]
    assert -np.gradient(np.log(m.y), np.log(m.x))[i] == pytest.approx(ratio, rel=1e-6)



# ---- issue 14: coverage, the finer IsoFLOP grid, the new checks ---------------------------------


def test_every_law_has_a_quick_check_or_a_reason():
    from scalinglaws.validators.engine import all_checks

    quick = {c.law_key for c in all_checks() if c.paper == "dana" and not c.full_only}
    for law in sl.laws(paper="dana"):
        assert law.key in quick or law.unchecked, law.key
        assert not (law.key in quick and law.unchecked), law.key
    assert sl.law("dana.update.iterate").unchecked.startswith("definition:")
    assert sl.law("dana.default_delta").unchecked.startswith("convention:")


def test_friction_finding_is_recorded_on_the_law():
    from scalinglaws.validators.engine import select_checks

    checks = select_checks(("dana.friction_threshold",))
    assert len(checks) == 2 and all(c.known_failure for c in checks)
    assert "finding" in sl.law("dana.friction_threshold").notes.lower()


def test_isoflop_grid_is_finer_above_400():
    from scalinglaws.validators import dana as V

    ds = np.array(V.isoflop_sizes(False))
    assert ds[0] == 25 and ds[-1] == 3200 and np.all(np.diff(ds) > 0)
    ratios = ds[1:] / ds[:-1]
    fine = ds[1:] > V.FINE_FROM
    np.testing.assert_allclose(ratios[fine], 2**0.25, rtol=0.01)
    np.testing.assert_allclose(ratios[~fine], 2.0)
    assert V.isoflop_sizes(True)[-1] == 6400


def test_first_below_interpolates_in_log():
    from scalinglaws.validators import dana as V

    t = np.geomspace(1, 1e6, 61)
    ratio = 1e3 * t**-0.5  # crosses 1 at t = 1e6 ... and 10 at t = 1e4
    assert V._first_below(t, ratio, 10.0) == pytest.approx(1e4, rel=1e-9)
    with pytest.raises(RuntimeError):
        V._first_below(t, ratio, 1e-3)


def test_friction_check_reads_the_branch_and_the_plateau():
    """The friction check's line and plateau come from ODE curves that differ only in delta:
    the friction-limited exponents rise with delta and stay below the plateau."""
    from scalinglaws.validators import dana as V
    from scalinglaws.validators.engine import Settings, Value, select_checks

    (c,) = select_checks(("dana.friction_threshold[decaying,b=0.3]",))
    m = c.measure(Settings())
    assert isinstance(m, Value) and m.deterministic and m.ci[0] <= m.value <= m.ci[1]
    e = np.array(m.data["y"])
    assert np.all(np.diff(e) > 0.05)
    plateau = V._late_exponent(V._curve("dana_decaying", V.ALPHA, V.BETA, V.FRICTION_D, 1e6),
                               V.FRICTION_WINDOWS[-1])
    assert e.max() < plateau
    assert min(V.FRICTION_LOW) < m.value < O._dana_delta(O.PLRFProblem(V.ALPHA, V.BETA, 25))


def test_schedule_checks_read_what_the_process_runs():
    from scalinglaws.validators.engine import LawCurve, Settings, select_checks

    for name in ("dana.decaying.gamma3_schedule", "dana.delta_schedule[process]",
                 "dana.constant.gamma3_scaling"):
        (c,) = select_checks((name,))
        m = c.measure(Settings())
        assert isinstance(m.predict, LawCurve) and len(m.predict.points) == m.x.size
    (c,) = select_checks(("dana.delta_schedule[process]",))
    m = c.measure(Settings())
    assert m.predict.level and m.x[0] >= m.point["delta"] - 1


# ---- issue 21: the other loss-curve shapes, the table outside the pure-point region -----------


def _grid():
    """(alpha, beta) points of the plane, boundaries included (2a = 1, 2b = 1, b = a,
    2(a + b) = 1, a = 1/4)."""
    values = [0.05, 0.25, 0.3, 0.45, 0.5, 0.55, 0.7, 1.0, 1.5, 2.0, 3.0]
    betas = [-0.9, -0.5, -0.25, 0.0, 0.2, 0.25, 0.45, 0.5, 0.55, 0.7, 1.0, 1.5, 2.0, 3.0]
    return [(a, b) for a in values for b in betas]


def test_the_phase_family_covers_the_plane_once():
    """Every point of the (alpha, beta) plane, boundaries included, lies in exactly one law
    of dana.decaying_eta (the paper's only family), and the law is the expected region's."""
    def expected(a, b):
        if a + b <= 0.5:
            return "dana.decaying.eta_no_power_law"
        if a <= 0.5:
            return "dana.decaying.eta_highdim_bound"
        if b <= 0.5:
            return "dana.decaying.eta"
        return "dana.decaying.eta_ac" if b < a else "dana.decaying.eta_noise"

    for a, b in _grid():
        res = sl.phase("dana", alpha=a, beta=b)
        assert [law.key for law in res.laws] == [expected(a, b)], (a, b)
    # the loss-curve shape laws have the same regions as the family's members
    shape = {"dana.decaying.eta": "dana.decaying.loss", "dana.decaying.eta_ac": "dana.decaying.loss_ac",
             "dana.decaying.eta_noise": "dana.decaying.loss_noise",
             "dana.decaying.eta_highdim_bound": "dana.decaying.loss_highdim"}
    for a, b in _grid():
        key = expected(a, b)
        if key in shape:
            law = sl.law(shape[key])
            point = {k: v for k, v in dict(alpha=a, beta=b, t=10.0, d=100).items() if k in law.params}
            assert law.in_regime(**point), (a, b)
    assert sl.phase("dana", alpha=1.0, beta=1.0).laws[0].key == "dana.decaying.eta_noise"
    assert sl.phase("dana", alpha=1.0, beta=0.5).laws[0].key == "dana.decaying.eta"


def test_compute_optimal_table_is_continuous_across_phases():
    """The DANA-decaying exponents of neighbouring phases agree on the shared boundaries, and
    reduce to the 4+3 SGD exponents at s = 1 (checked through the SGD laws of plrf_phases)."""
    law = sl.law
    for a in (0.7, 1.0, 1.5, 3.0):
        # 2 beta = 1: pure-point vs F_ac (approached from the F_ac side)
        b = 0.5 + 1e-9
        assert float(law("dana.decaying.eta_ac").evaluate(alpha=a, beta=b)) == pytest.approx(
            float(law("dana.decaying.eta").evaluate(alpha=a, beta=0.5 - 1e-9)), rel=1e-6)
        assert float(law("dana.decaying.xi_ac").evaluate(alpha=a, beta=b)) == pytest.approx(
            float(law("dana.decaying.xi").evaluate(alpha=a, beta=0.5 - 1e-9)), rel=1e-6)
        # beta = alpha: F_ac vs noise
        assert float(law("dana.decaying.eta_ac").evaluate(alpha=a, beta=a - 1e-9)) == pytest.approx(
            float(law("dana.decaying.eta_noise").evaluate(alpha=a, beta=a)), rel=1e-6)
        assert float(law("dana.decaying.xi_ac").evaluate(alpha=a, beta=a - 1e-9)) == pytest.approx(
            float(law("dana.decaying.xi_noise").evaluate(alpha=a, beta=a)), rel=1e-6)


def test_outscaling_gain_sign_and_values():
    """The gain is the difference of the two tables (DANA-decaying minus the 4+3 SGD laws),
    positive exactly above the high-dimensional line, 0 below it."""
    law = sl.law
    sgd = {"Ia": "plrf_phases.eta_Ia", "II": "plrf_phases.eta_II", "III": "plrf_phases.eta_III"}
    dec = {"Ia": "dana.decaying.eta", "II": "dana.decaying.eta_ac", "III": "dana.decaying.eta_noise"}
    for a, b in _grid():
        if a + b <= 0.5:
            continue
        gain = float(law("dana.outscaling.decaying_gain").evaluate(alpha=a, beta=b))
        if a <= 0.5:
            assert gain == 0.0
            continue
        assert gain > 0, (a, b)
        ph = "Ia" if b < 0.5 else ("II" if b < a else "III")
        if ph == "Ia" and b < 0.5:
            want = float(law(dec[ph]).evaluate(alpha=a, beta=b)) - float(law(sgd[ph]).evaluate(alpha=a, beta=b))
            assert gain == pytest.approx(want, rel=1e-9)
        elif ph != "Ia" and b > 0.5:
            want = float(law(dec[ph]).evaluate(alpha=a, beta=b)) - float(law(sgd[ph]).evaluate(alpha=a, beta=b))
            assert gain == pytest.approx(want, rel=1e-9), (a, b)


def test_highdim_dana_decaying_is_sgd_like_on_the_ode():
    """Below the line, with the authors' high-dimensional schedule, DANA-decaying's excess loss
    stays within a factor 1.5 of SGD's (alpha = 0.4, beta = 0.3, d = 500): no outscaling."""
    p = O.PLRFProblem(0.4, 0.3, 500)
    sgd = O.solve(p, O.sgd(p), 1e4, dt=0.05)
    dana = O.solve(p, O.dana_decaying(p, c3=1.0 / p.trace_K), 1e4, dt=0.05)
    m = sgd.t >= 100
    r = (dana.risk[m] - p.p_inf) / (sgd.risk[m] - p.p_inf)
    assert 1 / 1.5 < r.min() and r.max() < 1.5
    # while above the line (alpha = 1.5) DANA-decaying is far ahead by t = 1e4
    q = O.PLRFProblem(1.5, 0.3, 500)
    s2 = O.solve(q, O.sgd(q), 1e4, dt=0.05)
    d2 = O.solve(q, O.dana_decaying(q), 1e4, dt=0.05)
    assert (d2.risk[-1] - q.p_inf) < 0.5 * (s2.risk[-1] - q.p_inf)


def test_batch_kappa3_reduces_to_the_batch_one_schedule():
    law = sl.law
    assert float(law("dana.batch.kappa3").evaluate(kappa_b=0, alpha=1.5)) == pytest.approx(1 / 3)
    assert float(law("dana.batch.kappa1").evaluate(kappa_b=0.2, alpha=1.5)) == 0.0
    assert float(law("dana.batch.kappa1").evaluate(kappa_b=0.1, alpha=0.3)) == pytest.approx(0.3)


def test_batch_family_laws_interpolate_between_the_two_danas():
    law = sl.law
    def nu(a, b):
        return (2 * a + 2 * b - 1) / (2 * a)

    # kappa_b = 0: DANA-decaying's loss exponent and floor time d^(4a^2/(4a-1))
    e0 = law("dana.batch.loss").evaluate(kappa_b=0, alpha=1.5, beta=0.3, t=10.0)
    assert math.log(float(e0)) / math.log(10.0) == pytest.approx(
        -nu(1.5, 0.3) * (2 - 1 / 3.0))
    # kappa_b = 1: DANA-constant's accelerated 2 nu per iteration, and floor time d^alpha
    e1 = law("dana.batch.loss").evaluate(kappa_b=1, alpha=1.5, beta=0.3, t=10.0)
    assert math.log(float(e1)) / math.log(10.0) == pytest.approx(-2 * nu(1.5, 0.3))
    f1 = law("dana.batch.floor_time").evaluate(kappa_b=1, alpha=1.5, beta=0.3, d=100)
    assert float(f1) == pytest.approx(100**1.5)
    f0 = law("dana.batch.floor_time").evaluate(kappa_b=0, alpha=1.5, beta=0.3, d=100)
    assert float(f0) == pytest.approx(100 ** (9 / 5))
    for key in ("dana.batch.loss", "dana.batch.floor_time"):
        assert law(key).reference.status == "derived"


def test_batch_optimizer_is_the_notebook_schedule():
    from scalinglaws.validators import dana as V

    p = O.PLRFProblem(1.5, 0.3, 400)
    opt = V.batch_optimizer(p, 0.5)
    assert opt.batch == 20
    s = np.array([0.0, 9.0, 999.0])
    assert np.allclose(opt.gamma3(s), 0.25 * (1 + s) ** (-(0.5 / 3.0)))
    assert np.allclose(opt.gamma2(s), 0.5)
    assert np.allclose(opt.delta(s), 1 / (1 + s / (4 + 1.8 / 1.5)))
    assert V.batch_optimizer(p, 1.0).batch == 400
    # sizes make B = d^kappa_b an integer
    for kb in (0.5, 1.0):
        for d in V.batch_sizes(kb, False):
            assert abs(d**kb - round(d**kb)) < 1e-9


def test_batch_schedule_reaches_the_floor_later_in_d_with_a_smaller_batch():
    """On the ODE the batch-d schedule reaches P - F_0 = F_0 at ~1.2 d^alpha iterations, the
    batch-sqrt(d) one later (its law d^(18/11) at alpha = 1.5)."""
    from scalinglaws.validators import dana as V

    d = 400
    out = {}
    for kb in (0.5, 1.0):
        e = V._batch_law_exponent(1.5, kb)
        c = V._batch_curve(1.5, 0.3, d, kb, 30.0 * d**e, V.DT_BATCH)
        out[kb] = V._first_below(c.t[1:], (c.risk[1:] - c.problem.p_inf) / c.problem.p_inf, 1.0)
    assert 1.0 < out[1.0] / d**1.5 < 1.5
    assert 1.0 < out[0.5] / d ** (18 / 11) < 1.5
    assert out[0.5] > out[1.0]
