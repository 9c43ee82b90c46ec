"""The power-law random-features deterministic equivalent and the report's paper-figure hook."""

import sys
import types

import numpy as np
import pytest

from scalinglaws.errors import DomainError, ParameterError
from scalinglaws.validators.processes import linreg
from scalinglaws.validators.processes import powerlaw_ode as po


def test_sgd_ode_tracks_the_exact_discrete_recursion():
    # The ODE continuizes the exact second-moment recursion of the equivalent diagonal model
    # (label noise 2 P_inf); after the early transient the two agree to the continuization error.
    p = po.PLRFProblem(1.0, 0.4, 200)
    opt = po.sgd(p)
    curve = po.solve(p, opt, 2e4, dt=0.01)
    diag = linreg.SpectrumProblem(p.lam, w2=p.rho0, sigma2=2 * p.p_inf)
    steps = np.array([300, 1000, 3000, 10000, 20000])
    exact = linreg.expected_risk(
        diag, linreg.constant(opt.params["gamma2"]), 20000, checkpoints=steps, averaging="none"
    )
    ratio = curve.at(steps) / (exact.risk_last + p.p_inf)
    assert np.all(np.abs(ratio - 1) < 0.05), ratio
    # a wrong noise level (no P_inf in the noise) is visibly off at late times
    wrong = linreg.SpectrumProblem(p.lam, w2=p.rho0, sigma2=0.0)
    bad = linreg.expected_risk(wrong, linreg.constant(opt.params["gamma2"]), 20000,
                               checkpoints=steps, averaging="none")
    assert np.max(np.abs(curve.at(steps) / (bad.risk_last + p.p_inf) - 1)) > 0.05


def test_general_path_reduces_to_the_sgd_path():
    p = po.PLRFProblem(1.5, 0.3, 60)
    fast = po.sgd(p)
    general = po.GenMom("SGD via Gen-Mom", fast.gamma1, fast.gamma2, fast.gamma3, fast.delta, 1)
    a = po.solve(p, fast, 1e5)
    b = po.solve(p, general, 1e5)
    np.testing.assert_allclose(a.risk, b.risk, rtol=1e-9)


def test_log_time_step_converges():
    p = po.PLRFProblem(1.0, 0.4, 100)
    for opt in (po.sgd(p), po.dana_decaying(p)):
        coarse = po.solve(p, opt, 1e5, dt=0.02).at([1e3, 1e5])
        fine = po.solve(p, opt, 1e5, dt=0.005).at([1e3, 1e5])
        assert np.all(np.abs(coarse / fine - 1) < 0.01), (opt.name, coarse / fine)


def test_momentum_variants_reach_the_floor_region_and_dana_is_faster():
    p = po.PLRFProblem(1.5, 0.3, 400)
    t = 3e4
    sgd = po.solve(p, po.sgd(p), t).at(t)
    sgdm = po.solve(p, po.sgd_momentum(p), t).at(t)
    dana = po.solve(p, po.dana_decaying(p), t).at(t)
    assert p.p_inf < dana < sgd  # DANA-decaying accelerates, never below the floor
    assert p.p_inf < sgdm


def test_floor_decays_like_the_capacity_exponent():
    # F_0 ~ d^{-2 alpha} when 2 beta > 1 and ~ d^{-(2 alpha + 2 beta - 1)} when 2 beta < 1
    for alpha, beta, expo in ((1.0, 0.75, 2.0), (1.0, 0.25, 1.5)):
        ds = np.array([400, 800, 1600, 3200])
        floors = [po.PLRFProblem(alpha, beta, d).p_inf for d in ds]
        slope = np.polyfit(np.log(ds), np.log(floors), 1)[0]
        assert abs(slope + expo) < 0.1, (alpha, beta, slope)


def _synthetic_curve(d, a, b):
    p = po.PLRFProblem(1.0, 0.4, d)
    t = np.concatenate([[0.0], np.geomspace(1, 1e9, 400)])
    risk = d ** (-a) + (1 + t) ** (-b)
    return po.ODECurve(t, risk, p, po.sgd(p))


def test_isoflop_frontier_recovers_known_exponents():
    # P = d^-a + t^-b with f = t d: d* ~ f^{b/(a+b)}, P* ~ f^{-ab/(a+b)}
    a, b = 1.0, 0.5
    curves = [_synthetic_curve(d, a, b) for d in 10 * 2 ** np.arange(10)]
    fr = po.isoflop_frontier(curves, n_flops=30)
    m = fr.interior
    assert m.sum() >= 10
    xi = np.polyfit(np.log(fr.flops[m]), np.log(fr.d_star[m]), 1)[0]
    eta = -np.polyfit(np.log(fr.flops[m]), np.log(fr.loss_star[m]), 1)[0]
    assert abs(xi - b / (a + b)) < 0.02
    assert abs(eta - a * b / (a + b)) < 0.02
    assert not fr.interior[0] or fr.d_star[0] > fr.d_grid[0]


def test_bad_input_is_rejected():
    with pytest.raises(DomainError, match="2\\*\\(alpha\\+beta\\)"):
        po.PLRFProblem(0.3, 0.1, 10)
    with pytest.raises(DomainError):
        po.PLRFProblem(1.0, 0.4, 0)
    with pytest.raises(DomainError):
        po.PLRFProblem(1.0, 0.4, 10, v_ratio=0.5)
    with pytest.raises(ParameterError):
        po.PLRFProblem("x", 0.4, 10)
    p = po.PLRFProblem(1.0, 0.4, 50)
    with pytest.raises(DomainError, match="diverged"):
        po.solve(p, po.sgd(p, c=20.0), 1e5)
    with pytest.raises(ParameterError):
        po.solve(p, "sgd", 10)
    with pytest.raises(DomainError):
        po.isoflop_frontier([po.solve(p, po.sgd(p), 10)] * 3)


def test_report_calls_a_papers_figure_hook(tmp_path, monkeypatch):
    from scalinglaws.validators.engine import report

    seen = {}

    def report_figures(records, plots_dir):
        seen["checks"] = [r["check"] for r in records]
        (plots_dir / "fake.png").write_bytes(b"png")
        return [("A fake figure", "fake.png")]

    module = types.ModuleType("scalinglaws.validators.fakepaper")
    module.report_figures = report_figures
    monkeypatch.setitem(sys.modules, "scalinglaws.validators.fakepaper", module)
    records = [{"check": "fakepaper.one", "law": "fakepaper.a"},
               {"check": "otherpaper.two", "law": "otherpaper.b"},
               {"check": "fakepaper.three", "law": "fakepaper.c"}]
    figures = report.paper_figures(records, tmp_path / "plots")
    assert seen["checks"] == ["fakepaper.one", "fakepaper.three"]
    assert figures == [("A fake figure", "plots/fake.png")]


# ---- the closed-form 3x3 step, the step and friction overrides, the Volterra terms -------------


def test_implicit_step_matches_lapack():
    """The adjugate solve of (I - h Omega_j) x = r agrees with LAPACK to round-off on the real
    coefficients (early and late steps of DANA-decaying) and on random systems; a wrong cofactor
    would not."""
    p = po.PLRFProblem(1.5, 0.3, 300)
    opt = po.dana_decaying(p)
    rng = np.random.default_rng(3)
    for s, h in ((1.0, 0.5), (1e3, 20.0), (1e9, 2e7)):
        entries, _ = po._omega(opt, s, p.lam)
        rhs = [[rng.standard_normal(p.lam.size) for _ in range(3)] for _ in range(2)]
        got = po._implicit_step(entries, h, rhs)
        A = np.eye(3)[None] - h * po._coefficients(opt, s, p.lam)[0]
        for r, x in zip(rhs, got):
            want = np.linalg.solve(A, np.stack(r, axis=1)[:, :, None])[:, :, 0]
            np.testing.assert_allclose(np.stack(x, axis=1), want, rtol=1e-9, atol=1e-12 * np.abs(want).max())
    M = rng.standard_normal((50, 3, 3)) + 3 * np.eye(3)
    entries = [[M[:, i, j] for j in range(3)] for i in range(3)]
    r = [rng.standard_normal(50) for _ in range(3)]
    (x,) = po._implicit_step(entries, -1.0, [r])  # solves (I + M) x = r
    want = np.linalg.solve(np.eye(3)[None] + M, np.stack(r, axis=1)[:, :, None])[:, :, 0]
    np.testing.assert_allclose(np.stack(x, axis=1), want, rtol=1e-10)


def test_step_and_friction_overrides():
    p = po.PLRFProblem(1.5, 0.3, 100)
    assert po.sgd(p, step=0.05).params["gamma2"] == 0.05
    assert po.sgd(p).params["gamma2"] == pytest.approx(0.375 / p.trace_K)
    default = po._dana_delta(p)
    for maker in (po.dana_constant, po.dana_decaying):
        assert maker(p).params["delta"] == default
        opt = maker(p, delta=0.5)
        assert opt.params["delta"] == 0.5 and float(opt.delta(9.0)) == pytest.approx(0.05)
        with pytest.raises(DomainError):
            maker(p, delta=-1.0)
    with pytest.raises(DomainError):
        po.sgd(p, step=0.0)
    # a small friction limits DANA-decaying: its excess loss falls more slowly (well above the
    # floor, t <= 1e4 << d^1.8)
    q = po.PLRFProblem(1.5, 0.3, 1000)
    slopes = []
    for dl in (0.25, 3.0):
        excess = po.solve(q, po.dana_decaying(q, delta=dl), 1e4).at([1e3, 1e4]) - q.p_inf
        slopes.append(float(np.diff(np.log(excess))[0] / np.log(10)))
    assert slopes[0] > slopes[1] + 0.2, slopes


def test_volterra_terms_solve_the_second_moment_recursion():
    """P = P_inf + F_pp + F_ac + K * P with the terms of volterra_terms reproduces the discrete
    second-moment recursion s_j(r+1) = a_j s_j(r) + (gamma^2/B) lambda_j 2P(r) exactly."""
    for alpha, beta, batch in ((1.0, 0.75, 1), (0.8, 0.3, 2)):
        p = po.PLRFProblem(alpha, beta, 40)
        gamma, n = 0.3, 60
        a = (1 - gamma * p.lam) ** 2 + gamma**2 * p.lam**2 / batch
        s = p.rho0.copy()
        direct = []
        for _ in range(n + 1):
            P = p.p_inf + 0.5 * float((p.lam * s).sum())
            direct.append(P)
            s = a * s + gamma**2 / batch * p.lam * 2 * P
        r = np.arange(1, n + 1, dtype=float)
        v = po.volterra_terms(alpha, beta, 40, r, gamma, batch=batch)
        P = [direct[0]]
        for k in range(1, n + 1):
            conv = sum(v.kernel[k - i - 1] * P[i] for i in range(k))
            P.append(p.p_inf + v.forcing_pp[k - 1] + v.forcing_ac[k - 1] + conv)
        np.testing.assert_allclose(P, direct, rtol=1e-12)
        assert (v.forcing_ac > 0).all() == (2 * beta > 1)
    # chunking does not change the sums
    a1 = po.volterra_terms(1.0, 0.75, 500, [3.0, 30.0, 300.0], 0.2)
    a2 = po.volterra_terms(1.0, 0.75, 500, [3.0, 30.0, 300.0], 0.2, chunk=50)
    np.testing.assert_allclose(a1.kernel, a2.kernel, rtol=1e-13)
    with pytest.raises(DomainError):
        po.volterra_terms(1.0, 0.75, 10, [0.5], 0.2)
    with pytest.raises(DomainError):
        po.volterra_terms(1.0, 0.75, 10, [5.0], 1.5)  # gamma lambda_1 >= 1


@pytest.mark.parametrize("maker", [po.sgd, po.dana_decaying])
def test_bdf2_is_second_order_and_its_error_estimate_is_honest(maker):
    # against a fine solve, BDF2 at dt beats implicit Euler (the authors' step h = dt (1+s))
    # by a wide margin, its error falls ~4x when dt halves, and the stated dt-halving estimate
    # is within a factor 2 of the true error where the error is not negligible
    p = po.PLRFProblem(1.5, 0.3, 60)
    opt = maker(p)
    t_max, n = 1e5, 300
    ref = po._integrate(p, opt, t_max, 32 * n)[1][::32]
    bdf = po._integrate(p, opt, t_max, n)[1]
    bdf_half = po._integrate(p, opt, t_max, 2 * n)[1][::2]
    euler = po._integrate(p, opt, t_max, n, rule="log")[1]
    err = lambda c: float(np.max(np.abs(c / ref - 1)))
    assert err(bdf) < err(euler) / 10
    assert 2.5 < err(bdf) / err(bdf_half) < 6.0
    curve = po.solve(p, opt, t_max, dt=np.log1p(t_max) / n, error_estimate=True)
    np.testing.assert_array_equal(curve.risk, bdf)
    true = np.abs(bdf / ref - 1)
    big = true > 0.1 * true.max()
    ratio = curve.error[big] / true[big]
    assert 0.5 < np.median(ratio) < 2.0
    assert po.solve(p, opt, t_max).error is None


@pytest.mark.parametrize("rule", ["bdf2", "log", "linear"])
def test_compiled_momentum_path_agrees_with_numpy(rule):
    """The compiled momentum loop (numba) and the numpy steps: same grid, risks equal to
    rounding, for the three momentum methods and every step rule."""
    pytest.importorskip("numba")
    p = po.PLRFProblem(1.5, 0.3, 300)
    for opt in (po.sgd_momentum(p, delta=0.1), po.dana_constant(p), po.dana_decaying(p, c3=0.3)):
        po._genmom_kernel.cache_clear()
        _, a = po._integrate(p, opt, 1e5, 250, rule=rule, engine="numpy")
        assert po._genmom_kernel.cache_info().misses == 0  # the numpy steps ran
        _, b = po._integrate(p, opt, 1e5, 250, rule=rule)
        assert po._genmom_kernel.cache_info().misses == 1  # the compiled loop ran
        np.testing.assert_allclose(b, a, rtol=1e-13, atol=0)


def test_compiled_momentum_path_reports_divergence_alike():
    pytest.importorskip("numba")
    p = po.PLRFProblem(1.0, 0.4, 50)
    opt = po.sgd_momentum(p, delta=0.1, c=40.0)
    messages = []
    for engine in ("numpy", "auto"):
        with pytest.raises(DomainError, match="diverged") as err:
            po._integrate(p, opt, 1e5, 200, engine=engine)
        messages.append(str(err.value))
    assert messages[0] == messages[1]


def test_engine_is_checked_and_a_singular_coupling_is_divergence_not_a_crash():
    p = po.PLRFProblem(1.0, 0.4, 20)
    with pytest.raises(ParameterError, match="engine"):
        po._integrate(p, po.dana_constant(p), 10.0, 5, engine="nunpy")
    assert po._coupled(2.0, 0.5) == 4.0
    assert po._coupled(2.0, 1.0) == np.inf and po._coupled(-2.0, 1.0) == -np.inf
    assert np.isnan(po._coupled(0.0, 1.0))
