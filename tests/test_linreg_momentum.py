"""Heavy ball and ASGD in the exact expected-loss recursion of linreg, its contraction rate, and
the Monte Carlo cross-check at small d."""

import math

import numpy as np
import pytest

import scalinglaws as sl
from scalinglaws.validators.processes import linreg as L
from scalinglaws.validators.processes.linreg import methods as linreg_methods

HB = ("hb", {"momentum": 0.7}, 0.15)
ASGD = ("asgd", {"kappa": 20.0, "xi": 2.0, "c": 0.7}, 0.1)


def _dense_rate(problem, eta, batch, method, params):
    """Spectral radius of the second-moment map built entry by entry from the recursion itself:
    column j is one recursion step applied to the j-th unit moment (q included)."""
    n = problem.n_coords
    meth = linreg_methods._configured(method, params)
    k = 1 if method == "sgd" else 3
    names = ["S"] if method == "sgd" else ["s", "c", "v"]
    ml = problem.mult * problem.lam
    big = np.zeros((n * k, n * k))
    for j in range(n * k):
        vec = np.zeros(n * k)
        vec[j] = 1.0
        state = {name: vec[i::k].copy() for i, name in enumerate(names)}
        if method == "sgd":
            state["_f"] = np.empty(n)
        q = float(np.dot(ml, meth.gradient_moment(state)))
        out = meth.step(state, problem.lam, eta, q / batch, batch)
        for i, name in enumerate(names):
            big[i::k, j] = out[name]
    return float(np.max(np.abs(np.linalg.eigvals(big))))


@pytest.mark.parametrize("method,params,eta", [HB, ASGD])
@pytest.mark.parametrize("averaging", ["none", "uniform"])
def test_recursion_matches_monte_carlo(method, params, eta, averaging):
    """The exact recursion against 3000 sampled runs: within 4.5 standard errors everywhere."""
    p = L.SpectrumProblem.geometric(6, 20.0)
    ck = [3, 15, 40, 100]
    exact = L.expected_risk(p, L.constant(eta), 100, ck, averaging=averaging, batch=2,
                            method=method, method_params=params)
    mc = L.sample_risk(p, L.constant(eta), 100, 3000, 7, ck, averaging=averaging, batch=2,
                       method=method, method_params=params)
    for got, se, want in [(mc.mean_last, mc.se_last, exact.risk_last), (mc.mean_avg, mc.se_avg, exact.risk_avg)]:
        z = (got - want) / se
        assert np.all(np.abs(z) < 4.5), z
    assert exact.risk_last[-1] < 0.2 * exact.risk_last[0]


def test_monte_carlo_detects_a_wrong_momentum():
    """The same MC rejects the recursion run with a slightly different momentum."""
    p = L.SpectrumProblem.geometric(6, 20.0)
    ck = [40, 100]
    wrong = L.expected_risk(p, L.constant(0.15), 100, ck, averaging="none", batch=2,
                            method="hb", method_params={"momentum": 0.6})
    mc = L.sample_risk(p, L.constant(0.15), 100, 3000, 7, ck, averaging="none", batch=2,
                       method="hb", method_params={"momentum": 0.7})
    assert np.any(np.abs((mc.mean_last - wrong.risk_last) / mc.se_last) > 4.5)


def test_heavy_ball_with_zero_momentum_is_sgd():
    p = L.PowerLawProblem(1.5, 2.5, 200, sigma2=0.3)
    sched = L.constant(0.4 / p.trace)
    sgd = L.expected_risk(p, sched, 300, batch=4)
    hb = L.expected_risk(p, sched, 300, batch=4, method="hb", method_params={"momentum": 0.0})
    np.testing.assert_allclose(hb.risk_last, sgd.risk_last, rtol=1e-12)
    np.testing.assert_allclose(hb.risk_avg, sgd.risk_avg, rtol=1e-12)


def test_many_schedules_at_once_match_one_by_one():
    p = L.SpectrumProblem.power_law(10, 1.5)
    scheds = [L.constant(0.1), L.constant(0.2)]
    both = L.expected_risk(p, scheds, 50, method="asgd", method_params={"kappa": 10.0, "xi": 1.0})
    for i, s in enumerate(scheds):
        one = L.expected_risk(p, s, 50, method="asgd", method_params={"kappa": 10.0, "xi": 1.0})
        np.testing.assert_allclose(both.risk_avg[i], one.risk_avg, rtol=1e-12)


@pytest.mark.parametrize("method,params,eta", [("sgd", None, 0.3), HB, ASGD, ("hb", {"momentum": 0.97}, 0.05)])
@pytest.mark.parametrize("batch", [1, 5])
def test_contraction_rate_matches_dense_map_and_both_engines(method, params, eta, batch, monkeypatch):
    p = L.SpectrumProblem.geometric(12, 50.0)
    dense = _dense_rate(p, eta, batch, method, params)
    rate = L.contraction_rate(p, eta, batch, method, params)
    assert rate == pytest.approx(dense, rel=1e-10)
    monkeypatch.setattr(linreg_methods, "_DENSE_RATE_MAX", 0)  # force the secular equation
    assert L.contraction_rate(p, eta, batch, method, params) == pytest.approx(dense, rel=1e-10)


@pytest.mark.parametrize("method,params,eta", [HB, ASGD])
def test_contraction_rate_is_the_recursion_decay(method, params, eta):
    p = L.SpectrumProblem.geometric(8, 20.0)
    rho = L.contraction_rate(p, eta, 2, method, params)
    r = L.expected_risk(p, L.constant(eta), 4000, [3000, 4000], averaging="none", batch=2,
                        method=method, method_params=params)
    assert (r.risk_last[1] / r.risk_last[0]) ** (1 / 1000) == pytest.approx(rho, rel=1e-9)


def test_grouped_two_level_equals_the_explicit_spectrum():
    grouped = L.SpectrumProblem.two_level(12, 4, 30.0, grouped=True)
    plain = L.SpectrumProblem.two_level(12, 4, 30.0)
    assert grouped.n_coords == 2 and grouped.d == 12 and grouped.binned
    assert grouped.trace == pytest.approx(plain.trace)
    for method, params, eta in [("sgd", None, 0.2), HB, ASGD]:
        a = L.expected_risk(grouped, L.constant(eta), 200, batch=3, method=method, method_params=params)
        b = L.expected_risk(plain, L.constant(eta), 200, batch=3, method=method, method_params=params)
        np.testing.assert_allclose(a.risk_avg, b.risk_avg, rtol=1e-11)
        assert L.contraction_rate(grouped, eta, 3, method, params) == pytest.approx(
            L.contraction_rate(plain, eta, 3, method, params), rel=1e-10)
    with pytest.raises(sl.DomainError, match="bin_width=0"):
        L.sample_risk(grouped, L.constant(0.1), 5, 2, 0)


def test_unstable_configuration_has_rate_above_one():
    p = L.SpectrumProblem.geometric(5, 10.0)
    assert L.contraction_rate(p, 3.0, 1) > 1
    assert L.contraction_rate(p, 1.5, 1, "hb", {"momentum": 0.9}) > 1


def test_method_names_and_bad_input():
    assert L.method_names() == ("sgd", "hb", "asgd")
    p = L.SpectrumProblem.geometric(4, 10.0)
    with pytest.raises(sl.UnknownKeyError):
        L.expected_risk(p, L.constant(0.1), 10, method="nag")
    with pytest.raises(sl.ParameterError, match="momentum"):
        L.expected_risk(p, L.constant(0.1), 10, method="hb", method_params={"beta": 0.9})
    with pytest.raises(sl.ParameterError):
        L.expected_risk(p, L.constant(0.1), 10, method="sgd", method_params={"momentum": 0.9})
    with pytest.raises(sl.DomainError):
        L.contraction_rate(p, 0.1, 1, "hb", {"momentum": 1.0})
    with pytest.raises(sl.DomainError, match="beta"):
        L.contraction_rate(p, 0.1, 1, "asgd", {"kappa": 1.0, "xi": 10.0})
    with pytest.raises(sl.DomainError):
        L.contraction_rate(p, -0.1, 1)
    with pytest.raises(sl.ParameterError):
        L.contraction_rate("not a problem", 0.1, 1)
    with pytest.raises(sl.DomainError):
        L.SpectrumProblem([1.0, -1.0])
    with pytest.raises(sl.DomainError):
        L.SpectrumProblem([1.0, 0.5], mult=[1, 0])
    with pytest.raises(sl.DomainError):
        L.SpectrumProblem.two_level(4, 4, 10.0)


def test_asgd_mean_map_is_accsgd():
    """The ASGD matrices reproduce one AccSGD step written out directly."""
    lr, kap, xi, c = 0.1, 20.0, 2.0, 0.7
    meth = linreg_methods._configured("asgd", {"kappa": kap, "xi": xi, "c": c})
    w, v, g = 0.3, -0.2, 0.5
    beta = c * c * xi / kap
    zeta = c / (c + beta)
    large = lr * kap / c
    v_new = (1 - beta) * v + beta * w - beta * large * g
    w_new = zeta * (w - lr * g) + (1 - zeta) * v_new
    z = meth.mean_M @ np.array([w, v]) - lr * meth.mean_u * g
    np.testing.assert_allclose(z, [w_new, v_new], rtol=1e-14)
    assert math.isclose(meth.mean_M.sum(axis=1)[0], 1.0) and math.isclose(meth.mean_M.sum(axis=1)[1], 1.0)


# ---- the compiled contraction rate (backend="numba") ------------------------------------------


@pytest.mark.parametrize("problem", [
    L.SpectrumProblem.geometric(12, 50.0),  # numpy: dense map; numba: the secular root
    L.SpectrumProblem.two_level(64, 32, 300.0, grouped=True),
    L.SpectrumProblem.power_law(64, 2.0),  # both: the secular root
])
@pytest.mark.parametrize("method,params,eta", [
    ("sgd", None, 0.3), HB, ASGD, ("hb", {"momentum": 0.97}, 0.05),
    ("asgd", {"kappa": 2000.0, "xi": 5.0, "c": 0.7}, 0.02),
])
@pytest.mark.parametrize("batch", [1, 7.5, 4096])
def test_contraction_rate_numba_matches_numpy(problem, method, params, eta, batch):
    """Where numpy also solves the secular equation, to round-off; where numpy takes the dense
    map's eigenvalues (at most 24 moments), to the secular path's resolution: a coupling that
    lifts rho by less than 1e-9 relative above the blocks' radius is not resolved (rho_0 is
    returned), which the dense eigenvalues do resolve."""
    pytest.importorskip("numba")
    want = L.contraction_rate(problem, eta, batch, method, params)
    got = L.contraction_rate(problem, eta, batch, method, params, backend="numba")
    k = 1 if method == "sgd" else 3
    dense = problem.n_coords * k <= linreg_methods._DENSE_RATE_MAX
    assert got == pytest.approx(want, rel=1e-11, abs=1e-9 if dense else 1e-12)
    if dense:
        assert got <= want * (1 + 1e-12)  # an unresolved lift only ever lowers the rate


def test_block_radius_is_the_largest_eigenvalue_and_respects_its_floor():
    """Newton on the shifted characteristic cubic of a 3x3 block (run here as plain Python)
    gives its spectral radius; with a floor above the radius it stops at or below the floor."""
    from scalinglaws.validators.processes.linreg import _rate

    rng = np.random.default_rng(3)
    p = L.SpectrumProblem.power_law(40, 1.5)
    for _ in range(40):
        method = "hb" if rng.random() < 0.5 else "asgd"
        params = ({"momentum": float(1 - 10 ** rng.uniform(-3, 0))} if method == "hb" else
                  {"kappa": float(10 ** rng.uniform(0.5, 4)),
                   "xi": float(10 ** rng.uniform(-0.5, 0.3)), "c": 0.7})
        meth = linreg_methods._configured(method, params)
        D, _ = linreg_methods._blocks(meth, p.lam, float(10 ** rng.uniform(-3, 0)),
                                      float(10 ** rng.uniform(0, 4)))
        want = np.max(np.abs(np.linalg.eigvals(D)), axis=1)
        got = np.array([_rate._k_block_radius(*blk.ravel(), -np.inf) for blk in D])
        np.testing.assert_allclose(got, want, rtol=1e-7)  # near-double roots: ~sqrt(eps)
        top = float(want.max())
        floored = [_rate._k_block_radius(*blk.ravel(), top * (1 + 1e-6)) for blk in D]
        assert max(floored) <= top * (1 + 1e-6)


def test_contraction_rate_numba_edge_cases():
    pytest.importorskip("numba")
    p = L.SpectrumProblem.geometric(5, 10.0)
    assert L.contraction_rate(p, 3.0, 1, backend="numba") > 1  # unstable SGD
    assert L.contraction_rate(p, 1.5, 1, "hb", {"momentum": 0.9}, backend="numba") > 1
    # B -> oo: no coupling left to lift the block radius; heavy ball at Polyak's tuning on a
    # two-level spectrum contracts like ((sqrt k - 1)/(sqrt k + 1))^2 per step (loss)
    k = 100.0
    two = L.SpectrumProblem.two_level(4, 2, k, grouped=True)
    mu = ((math.sqrt(k) - 1) / (math.sqrt(k) + 1)) ** 2
    eta = 4 / (1 + 1 / math.sqrt(k)) ** 2
    rate = L.contraction_rate(two, eta, 2.0**60, "hb", {"momentum": mu}, backend="numba")
    # critically damped: A has a double eigenvalue, so its symmetric square S(A) a triple one
    # (a 3x3 Jordan block), located to ~eps^(1/3) = 6e-6 on either path
    assert rate == pytest.approx(mu, rel=3e-5)
    assert rate == pytest.approx(L.contraction_rate(two, eta, 2.0**60, "hb", {"momentum": mu}),
                                 rel=3e-5)
    with pytest.raises(sl.UnknownKeyError):
        L.contraction_rate(p, 0.1, 1, backend="cupy")


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_contraction_rate_brackets_above_an_underestimated_block_radius(backend):
    """A regression: heavy ball at the stability edge on lambda_i = i^-2, d = 724. The slowest
    block is non-normal; its radius (0.9977788689) is computed ~1e-9 low by Newton and ~7e-10
    low by LAPACK, so the bracket's lower end rho_0 (1 + 1e-9) can sit left of the pole, where
    f < 0. The rate must still be the lifted root (0.99792), not rho_0."""
    if backend == "numba":
        pytest.importorskip("numba")
    p = L.SpectrumProblem.power_law(724, 2.0)
    eta, mu = math.exp(-0.0008458033929481648), -math.expm1(-5.8693553247505585)
    rate = L.contraction_rate(p, eta, 2048.0, "hb", {"momentum": mu}, backend=backend)
    assert rate == pytest.approx(0.9979217185365, abs=1e-12)
