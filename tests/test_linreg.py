"""Gaussian linear regression: exact expected-risk recursion vs Monte Carlo, numpy vs numba,
spectral binning, schedules, averaging, reproducibility and input validation.

The Monte Carlo comparison is the test that the recursion is right: at every checkpoint the
replica mean of the exact excess risk must lie within 4 standard errors (replica std / sqrt(R))
of the recursion, and the same data must reject recursions with a deliberately wrong term.
"""

import doctest

import numpy as np
import pytest

from scalinglaws.errors import DomainError, ParameterError, UnknownKeyError
from scalinglaws.validators.processes import backend as bk
from scalinglaws.validators.processes import linreg as L
from scalinglaws.validators.processes.linreg import _kernels as linreg_kernels
from scalinglaws.validators.processes.linreg import methods as linreg_methods
from scalinglaws.validators.processes.linreg import problem as linreg_problem
from scalinglaws.validators.processes.linreg import sampled as linreg_sampled
from scalinglaws.validators.processes.linreg import schedules as linreg_schedules

numba = pytest.importorskip("numba")

Z_MAX = 4.0  # standard errors allowed at every checkpoint


# =========================================================================== helpers


def _plain_recursion(problem, schedule, n_steps, averaging, batch, noise_coef=None,
                     cross_contracts=True, noise_over_batch=True):
    """The recursion written plainly (one loop, no chunking), with knobs for wrong variants.

    ``noise_coef`` replaces 1 + 1/B; ``cross_contracts=False`` uses C' = C instead of
    (1 - eta lam) C; ``noise_over_batch=False`` drops the 1/B on the (q + sigma^2) term.
    """
    lam, mult, w2 = problem.lam, problem.mult, problem.w2
    coef = 1.0 + 1.0 / batch if noise_coef is None else noise_coef
    scale = 1.0 / batch if noise_over_batch else 1.0
    etas = schedule.eta(np.arange(1, n_steps + 1))
    rho = L.averaging_weights(averaging, n_steps)
    ck = L.default_checkpoints(n_steps)
    S, A, C = w2.copy(), w2.copy(), w2.copy()
    last, avg = [], []
    for t in range(n_steps):
        eta = etas[t]
        q = np.sum(mult * lam * S)
        S = (1 - 2 * eta * lam + coef * eta**2 * lam**2) * S + eta**2 * scale * lam * (q + problem.sigma2)
        if rho is not None:
            r = rho[t]
            cp = (1 - eta * lam) * C if cross_contracts else C
            A = (1 - r) ** 2 * A + r**2 * S + 2 * r * (1 - r) * cp
            C = (1 - r) * cp + r * S
        else:
            A = S
        if t + 1 in ck:
            last.append(0.5 * np.sum(mult * lam * S))
            avg.append(0.5 * np.sum(mult * lam * A))
    return np.array(last), np.array(avg)


def _z(mc_mean, se, predicted):
    """|MC mean - prediction| in standard errors; exact agreement required where SE = 0."""
    diff = np.abs(mc_mean - predicted)
    # all replicas equal (e.g. a tail average before its window opens): SE is 0 up to rounding
    deterministic = se <= 1e-12 * np.abs(predicted)
    z = np.where(deterministic, 0.0, diff / np.where(deterministic, 1.0, se))
    bad_exact = deterministic & (diff > 1e-12 * np.abs(predicted))
    return np.where(bad_exact, np.inf, z)


# =========================================================================== Monte Carlo

MC_PROBLEM = dict(a=1.5, b=2.25, d=32, sigma2=0.25, bin_width=0)
# eta = 0.5 / tr H: at eta = 1 / tr H the risk of single runs is heavy tailed (one replica in
# 16000 carried 4 % of the total), which makes a standard error from 2000 replicas unreliable.
# Replicas vs steps: the per-replica risk is strongly skewed (sample skewness 5-30 at d = 32),
# which fattens the tails of the z statistic at small R; at equal cost (R * N * B draws) more
# replicas and fewer steps keep the Bonferroni-style 4 SE bound honest (measured over 16 seeds:
# max |z| <= 3.4 with R = 8000, while the wrong-coefficient control sits at >= 12 SE).
MC_SETTINGS = {
    "const_b1": dict(kind="constant", batch=1, averaging="uniform", n_steps=500, replicas=8000),
    "poly_b1": dict(kind="polynomial", batch=1, averaging=("ema", 10.0), n_steps=500, replicas=8000),
    "const_b4": dict(kind="constant", batch=4, averaging=("tail", 0.5), n_steps=250, replicas=4000),
    "poly_b4": dict(kind="polynomial", batch=4, averaging=("poly", 4.0), n_steps=250, replicas=4000),
}


def _mc_schedule(problem, kind):
    eta = 0.5 / problem.trace
    return L.constant(eta) if kind == "constant" else L.polynomial(eta, 0.5)


@pytest.fixture(scope="module")
def mc_runs():
    cache = {}

    def get(name):
        if name not in cache:
            s = MC_SETTINGS[name]
            p = L.PowerLawProblem(**MC_PROBLEM)
            sched = _mc_schedule(p, s["kind"])
            mc = L.sample_risk(p, sched, s["n_steps"], s["replicas"], seed=20260202,
                               averaging=s["averaging"], batch=s["batch"])
            ex = L.expected_risk(p, sched, s["n_steps"], averaging=s["averaging"], batch=s["batch"])
            cache[name] = (p, sched, mc, ex)
        return cache[name]

    return get


@pytest.mark.parametrize("name", list(MC_SETTINGS))
def test_recursion_matches_monte_carlo(mc_runs, name):
    p, sched, mc, ex = mc_runs(name)
    np.testing.assert_array_equal(mc.steps, ex.steps)
    z_last = _z(mc.mean_last, mc.se_last, ex.risk_last)
    z_avg = _z(mc.mean_avg, mc.se_avg, ex.risk_avg)
    assert z_last.max() <= Z_MAX, f"last iterate off by {z_last.max():.1f} SE at step {ex.steps[z_last.argmax()]}"
    assert z_avg.max() <= Z_MAX, f"average off by {z_avg.max():.1f} SE at step {ex.steps[z_avg.argmax()]}"
    # the comparison is not vacuous: the risk moved by many SE over the run
    assert abs(ex.risk_avg[0] - ex.risk_avg[-1]) > 20 * mc.se_avg.max()


def test_monte_carlo_rejects_wrong_recursions(mc_runs):
    """Negative controls: the same Monte Carlo data must reject deliberately wrong recursions."""
    s = MC_SETTINGS["const_b1"]
    p, sched, mc, ex = mc_runs("const_b1")
    args = (p, sched, s["n_steps"], s["averaging"], s["batch"])
    right_last, right_avg = _plain_recursion(*args)
    np.testing.assert_allclose(right_last, ex.risk_last, rtol=1e-12)
    np.testing.assert_allclose(right_avg, ex.risk_avg, rtol=1e-12)
    # 1 + 1/B replaced by 1 (drops the Gaussian fourth-moment term)
    wrong_last, wrong_avg = _plain_recursion(*args, noise_coef=1.0)
    assert _z(mc.mean_last, mc.se_last, wrong_last).max() > Z_MAX
    assert _z(mc.mean_avg, mc.se_avg, wrong_avg).max() > Z_MAX
    # the cross term of the average not contracted by (1 - eta lam)
    _, wrong_avg = _plain_recursion(*args, cross_contracts=False)
    assert _z(mc.mean_avg, mc.se_avg, wrong_avg).max() > Z_MAX

    s4 = MC_SETTINGS["const_b4"]
    p4, sched4, mc4, ex4 = mc_runs("const_b4")
    wrong_last, _ = _plain_recursion(p4, sched4, s4["n_steps"], s4["averaging"], 4,
                                     noise_over_batch=False)
    assert _z(mc4.mean_last, mc4.se_last, wrong_last).max() > Z_MAX


# =========================================================================== numpy vs numba

AVERAGINGS = ["none", "uniform", ("tail", 0.3), ("ema", 25.0), ("poly", 4.0)]


@pytest.mark.parametrize("averaging", AVERAGINGS)
@pytest.mark.parametrize("batch", [1, 3])
def test_numpy_equals_numba(averaging, batch):
    p = L.PowerLawProblem(1.5, 2.25, d=10**6, sigma2=0.3, n_exact=256, bin_width=0.02)
    scheds = [L.polynomial(0.7 / p.trace, 0.4), L.wsd(0.5 / p.trace, 1500, 0.3, final=0.1)]
    a = L.expected_risk(p, scheds, 1500, averaging=averaging, batch=batch, backend="numpy")
    b = L.expected_risk(p, scheds, 1500, averaging=averaging, batch=batch, backend="numba")
    assert a.risk_last.shape == (2, a.steps.size)
    np.testing.assert_allclose(b.risk_last, a.risk_last, rtol=1e-10, atol=0)
    np.testing.assert_allclose(b.risk_avg, a.risk_avg, rtol=1e-10, atol=0)


@pytest.mark.parametrize("target", ["normalized", "zero"])
def test_numpy_equals_numba_targets(target):
    p = L.PowerLawProblem(2.0, 3.0, d=300, sigma2=1.0, target=target)
    sched = L.cosine(0.4 / p.trace, 800, final=0.05)
    a = L.expected_risk(p, sched, 800, averaging=("ema", 6.25))
    b = L.expected_risk(p, sched, 800, averaging=("ema", 6.25), backend="numba")
    np.testing.assert_allclose(b.risk_last, a.risk_last, rtol=1e-10)
    np.testing.assert_allclose(b.risk_avg, a.risk_avg, rtol=1e-10)


def test_numba_parallel_reduction_is_thread_count_independent():
    p = L.PowerLawProblem(1.5, 2.0, d=1 << 16, bin_width=0)
    assert p.n_coords >= linreg_kernels._PARALLEL_MIN_COORDS
    sched = L.polynomial(0.5 / p.trace, 0.3)
    n = 150
    etas = linreg_schedules._step_sizes([sched], n)
    rho = L.averaging_weights("uniform", n)
    ck = L.default_checkpoints(n, 12)
    args = (p.lam, p.mult, p.w2, p.sigma2, 1, etas, rho, ck)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = linreg_kernels._run_sgd_numba(*args, parallel=True)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = linreg_kernels._run_sgd_numba(*args, parallel=True)
    finally:
        numba.set_num_threads(before)
    serial = linreg_kernels._run_sgd_numba(*args, parallel=False)
    for x, y, z in zip(one, two, serial):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(x, z)
    ref = L.expected_risk(p, sched, n, checkpoints=ck)
    np.testing.assert_allclose(one[0][0], ref.risk_last, rtol=1e-10)
    np.testing.assert_allclose(one[1][0], ref.risk_avg, rtol=1e-10)


# =========================================================================== exact checks


@pytest.mark.parametrize("batch", [1, 3])
def test_one_dimension_closed_form(batch):
    """d = 1, lambda = 1: S <- (1 - 2 eta + (1 + 2/B) eta^2) S + eta^2 sigma^2 / B exactly
    (E[(mean of B x^2)^2] = 1 + 2/B for Gaussian x)."""
    p = L.PowerLawProblem(1.0, 1.0, d=1, sigma2=0.7)
    eta, n = 0.3, 40
    r = 1 - 2 * eta + (1 + 2 / batch) * eta**2
    s_inf = eta**2 * 0.7 / batch / (1 - r)
    steps = np.arange(1, n + 1)
    expected = 0.5 * (r**steps * (1.0 - s_inf) + s_inf)
    for backend in ("numpy", "numba"):
        c = L.expected_risk(p, L.constant(eta), n, checkpoints=steps, averaging="none",
                            batch=batch, backend=backend)
        np.testing.assert_allclose(c.risk_last, expected, rtol=1e-13)
        np.testing.assert_array_equal(c.risk_avg, c.risk_last)


def test_bias_plus_variance_is_total():
    kw = dict(a=1.5, b=3.0, d=10**5)
    total = L.PowerLawProblem(**kw, sigma2=0.4)
    bias = L.PowerLawProblem(**kw, sigma2=0.0)
    var = L.PowerLawProblem(**kw, sigma2=0.4, target="zero")
    sched = L.polynomial(0.5 / total.trace, 0.5)
    runs = [L.expected_risk(q, sched, 2000, averaging=("ema", 12.5)) for q in (total, bias, var)]
    np.testing.assert_allclose(runs[0].risk_avg, runs[1].risk_avg + runs[2].risk_avg, rtol=1e-12)
    np.testing.assert_allclose(runs[0].risk_last, runs[1].risk_last + runs[2].risk_last, rtol=1e-12)


def test_averaging_special_cases():
    p = L.PowerLawProblem(1.5, 2.0, d=200)
    sched = L.constant(0.5 / p.trace)
    n = 300
    # rho_t = min(c, t)/t = 1 for c >= N: the average is the last iterate
    full = L.expected_risk(p, sched, n, averaging=("poly", n))
    np.testing.assert_allclose(full.risk_avg, full.risk_last, rtol=1e-13)
    # tail average: the average is w_0 until the window opens
    tail = L.expected_risk(p, sched, n, averaging=("tail", 0.25))
    before = tail.steps < n - round(0.25 * n) + 1
    np.testing.assert_allclose(tail.risk_avg[before], p.initial_risk, rtol=1e-14)
    # uniform averaging of a decreasing risk sits above the last iterate in the bias phase
    uni = L.expected_risk(p.__class__(1.5, 2.0, d=200, sigma2=0.0), sched, n)
    assert np.all(uni.risk_avg[1:] > uni.risk_last[1:])


def test_averaging_weights():
    t = np.arange(1, 11)
    np.testing.assert_allclose(L.averaging_weights("uniform", 10), 1 / t)
    ema = L.averaging_weights(("ema", 25.0), 10)
    np.testing.assert_allclose(ema, 1 - 2.0 ** (-25.0 / t), rtol=1e-14)  # old weight 2^(-f/t)
    np.testing.assert_allclose(L.averaging_weights(("poly", 4), 10), np.minimum(4, t) / t)
    tail = L.averaging_weights(("tail", 0.3), 10)
    np.testing.assert_allclose(tail, [0] * 7 + [1, 1 / 2, 1 / 3])
    assert L.averaging_weights("none", 10) is None


# =========================================================================== binning


def test_binned_matches_unbinned():
    """Binned (1 % bins from index 65 on: most of the spectrum) vs exact at d = 2^16."""
    d = 1 << 16
    n = 4096
    for kw, sched_fn, averaging in [
        (dict(a=1.5, b=2.25, sigma2=1.0), lambda tr: L.polynomial(0.5 / tr, 1 / 3), "uniform"),
        (dict(a=1.5, b=1.5, sigma2=1.0, target="zero"), lambda tr: L.constant(0.5 / tr), ("ema", 25.0)),
    ]:
        exact = L.PowerLawProblem(d=d, bin_width=0, **kw)
        binned = L.PowerLawProblem(d=d, n_exact=64, bin_width=0.01, **kw)
        assert binned.n_coords < 1000 and int(binned.mult.sum()) == d
        assert binned.trace == pytest.approx(exact.trace, rel=1e-14)
        sched = sched_fn(exact.trace)
        before = numba.get_num_threads()
        numba.set_num_threads(1)  # serial driver: robust to busy cores (the prange path is tested above)
        try:
            a = L.expected_risk(exact, sched, n, averaging=averaging, backend="numba")
        finally:
            numba.set_num_threads(before)
        b = L.expected_risk(binned, sched, n, averaging=averaging)
        assert np.max(np.abs(b.risk_last / a.risk_last - 1)) < 0.01
        assert np.max(np.abs(b.risk_avg / a.risk_avg - 1)) < 0.01
        # negative control: the same bins without their multiplicities must fail the comparison
        binned.mult = np.ones_like(binned.mult)
        c = L.expected_risk(binned, sched, n, averaging=averaging)
        assert np.max(np.abs(c.risk_avg / a.risk_avg - 1)) > 0.01


def test_bins_partition_the_indices():
    p = L.PowerLawProblem(1.2, 2.0, d=123457, n_exact=100, bin_width=0.05)
    np.testing.assert_array_equal(p.index[:100], np.arange(1, 101))
    assert np.all(p.mult == np.floor(p.mult)) and int(p.mult.sum()) == 123457
    assert np.all(np.diff(p.index) > 0)
    assert p.index[-1] <= 123457 and p.index[100] > 100
    # relative bin width respected (up to the integer rounding of the edges)
    assert np.max(p.mult[100:] / p.index[100:]) < 0.05 * 1.01 + 1 / 100
    unb = L.PowerLawProblem(1.2, 2.0, d=50, n_exact=100)
    assert not unb.binned and unb.n_coords == 50


@pytest.mark.parametrize("p", [1.5, 1.0, 0.5, 0.0, -0.75, 3.0])
def test_power_sum_branches_agree(p):
    d = linreg_problem._DIRECT_SUM_MAX + 12345
    direct = float(np.sum(np.arange(1, d + 1, dtype=np.float64) ** (-p)))
    assert linreg_problem._power_sum(p, d) == pytest.approx(direct, rel=1e-13)


def test_normalized_target_has_unit_norm():
    for d, bw in [(500, 0.0), (10**7, 0.01)]:
        p = L.PowerLawProblem(1.5, 1.2, d=d, target="normalized", bin_width=bw)
        assert float(np.dot(p.mult, p.w2)) == pytest.approx(1.0, rel=2e-3 if bw else 1e-12)
    z = L.PowerLawProblem(1.5, 1.2, d=10, target="zero")
    assert z.initial_risk == 0.0


# =========================================================================== sampled process


def test_sampled_array_api_strict_equals_numpy():
    xps = pytest.importorskip("array_api_strict")
    p = L.PowerLawProblem(1.5, 2.0, d=8, sigma2=0.5, bin_width=0)
    kw = dict(n_steps=60, n_replicas=5, seed=11, batch=2, averaging=("ema", 5.0))
    ref = L.sample_risk(p, L.polynomial(0.3, 0.5), backend="array", **kw)
    strict = L.sample_risk(p, L.polynomial(0.3, 0.5), xp=xps, **kw)
    np.testing.assert_array_equal(strict.risk_last, ref.risk_last)
    np.testing.assert_array_equal(strict.risk_avg, ref.risk_avg)
    # and the compiled engine runs the same process on the same draws
    compiled = L.sample_risk(p, L.polynomial(0.3, 0.5), backend="numba", **kw)
    np.testing.assert_allclose(compiled.risk_last, ref.risk_last, rtol=1e-12)
    np.testing.assert_allclose(compiled.risk_avg, ref.risk_avg, rtol=1e-12)
    assert isinstance(strict.risk_last, np.ndarray) and strict.risk_last.shape == (5, ref.steps.size)


def test_sampled_reproducible_and_replica_independent(monkeypatch):
    p = L.PowerLawProblem(1.5, 2.0, d=6, bin_width=0)
    sched = L.constant(0.2)
    a = L.sample_risk(p, sched, 50, 4, seed=3)
    b = L.sample_risk(p, sched, 50, 4, seed=3)
    np.testing.assert_array_equal(a.risk_last, b.risk_last)
    c = L.sample_risk(p, sched, 50, 2, seed=3)
    np.testing.assert_array_equal(c.risk_last, a.risk_last[:2])
    np.testing.assert_array_equal(c.risk_avg, a.risk_avg[:2])
    # the block size the array engine draws in does not change the streams
    whole = L.sample_risk(p, sched, 50, 4, seed=3, backend="array")
    monkeypatch.setattr(linreg_sampled, "_BLOCK_NUMBERS", 7)
    monkeypatch.setattr(linreg_sampled, "_MIN_CALL_NUMBERS", 1)
    d = L.sample_risk(p, sched, 50, 4, seed=3, backend="array")
    np.testing.assert_array_equal(d.risk_last, whole.risk_last)
    e = L.sample_risk(p, sched, 50, 4, seed=4)
    assert not np.any(e.risk_last == a.risk_last)
    assert not np.array_equal(a.risk_last[0], a.risk_last[1])


def test_sampled_custom_draws():
    p = L.PowerLawProblem(1.5, 2.0, d=5, sigma2=1.0, bin_width=0)

    def zeros(start, count):
        return np.zeros((3, count, 2, 5)), np.zeros((3, count, 2))

    s = L.sample_risk(p, L.constant(0.1), 20, 3, seed=0, batch=2, draws=zeros)
    np.testing.assert_allclose(s.risk_last, p.initial_risk, rtol=1e-15)  # x = 0: no update

    def wrong(start, count):
        return np.zeros((3, count, 5)), np.zeros((3, count))

    with pytest.raises(DomainError):
        L.sample_risk(p, L.constant(0.1), 20, 3, seed=0, batch=2, draws=wrong)


@pytest.mark.gpu
def test_sampled_cupy_matches_recursion():
    cupy = bk.require_backend("cupy").xp
    p = L.PowerLawProblem(**MC_PROBLEM)
    sched = L.constant(0.5 / p.trace)
    mc = L.sample_risk(p, sched, 1000, 4000, seed=5, xp=cupy)
    ex = L.expected_risk(p, sched, 1000)
    assert _z(mc.mean_last, mc.se_last, ex.risk_last).max() <= Z_MAX
    assert _z(mc.mean_avg, mc.se_avg, ex.risk_avg).max() <= Z_MAX


# =========================================================================== schedules


def test_schedules():
    t = np.arange(1, 11)
    np.testing.assert_allclose(L.constant(0.3).eta(t), 0.3)
    np.testing.assert_allclose(L.polynomial(2.0, 0.5).eta(t), 2.0 / np.sqrt(t))
    w = L.wsd(1.0, 10, 0.2, final=0.5).eta(t)
    np.testing.assert_allclose(w, [1] * 8 + [0.75, 0.5])
    c = L.cosine(1.0, 10, final=0.1).eta(t)
    assert c[0] == pytest.approx(1.0) and c[-1] == pytest.approx(0.1) and np.all(np.diff(c) < 0)
    e = L.exponential(1.0, 10, 0.01).eta(t)
    assert e[-1] == pytest.approx(0.01) and np.allclose(e[1:] / e[:-1], 0.01 ** (1 / 9))
    with pytest.raises(DomainError):
        L.wsd(1.0, 10, 0.2).eta([11])
    with pytest.raises(DomainError):
        L.constant(1.0).eta([0])
    with pytest.raises(ParameterError):
        L.constant(1.0).eta([1.5])
    assert "wsd(" in repr(L.wsd(1.0, 10, 0.2))


# =========================================================================== validation


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(a=0.0, b=1.0, d=10), DomainError),
        (dict(a=-1.0, b=1.0, d=10), DomainError),
        (dict(a="1.5", b=1.0, d=10), ParameterError),
        (dict(a=float("nan"), b=1.0, d=10), DomainError),
        (dict(a=1.5, b=0.0, d=10), DomainError),
        (dict(a=1.5, b=1.0, d=2.5), ParameterError),
        (dict(a=1.5, b=1.0, d=0), DomainError),
        (dict(a=1.5, b=1.0, d=10, sigma2=-1.0), DomainError),
        (dict(a=1.5, b=1.0, d=10, target="unit"), UnknownKeyError),
        (dict(a=1.5, b=1.0, d=10, bin_width=1.5), DomainError),
        (dict(a=1.5, b=1.0, d=10, n_exact=0), DomainError),
        (dict(a=1.5, b=1.0, d=True), ParameterError),
        (dict(a=1.5, b=1.0, d=10**12, bin_width=0), DomainError),
    ],
)
def test_problem_validation(kwargs, error):
    with pytest.raises(error):
        L.PowerLawProblem(**kwargs)


def test_run_validation():
    p = L.PowerLawProblem(1.5, 2.0, d=20)
    s = L.constant(0.1)
    bad_calls = [
        (lambda: L.expected_risk(p, s, 0), DomainError),
        (lambda: L.expected_risk(p, s, 10.5), ParameterError),
        (lambda: L.expected_risk(p, s, 10, batch=0), DomainError),
        (lambda: L.expected_risk(p, s, 10, checkpoints=[0, 5]), DomainError),
        (lambda: L.expected_risk(p, s, 10, checkpoints=[11]), DomainError),
        (lambda: L.expected_risk(p, s, 10, checkpoints=[2.5]), ParameterError),
        (lambda: L.expected_risk(p, L.wsd(0.1, 5, 0.2), 10), DomainError),
        (lambda: L.expected_risk(p, s, 10, backend="cupy"), DomainError),
        (lambda: L.expected_risk(p, s, 10, backend="jax"), UnknownKeyError),
        (lambda: L.expected_risk(p, s, 10, method="adam"), UnknownKeyError),
        (lambda: L.expected_risk(p, s, 10, averaging="polyak"), UnknownKeyError),
        (lambda: L.expected_risk(p, s, 10, averaging=("ema", -1.0)), DomainError),
        (lambda: L.expected_risk(p, s, 10, averaging=("tail", 0.0)), DomainError),
        (lambda: L.expected_risk(p, s, 10, averaging=3), ParameterError),
        (lambda: L.expected_risk(p, 0.1, 10), ParameterError),
        (lambda: L.expected_risk(p, [], 10), ParameterError),
        (lambda: L.expected_risk("p", s, 10), ParameterError),
        (lambda: L.constant(0.0), DomainError),
        (lambda: L.polynomial(0.1, -0.5), DomainError),
        (lambda: L.wsd(0.1, 10, 1.5), DomainError),
        (lambda: L.exponential(0.1, 10, 0.0), DomainError),
        (lambda: L.sample_risk(L.PowerLawProblem(1.5, 2.0, d=5000), s, 10, 2, seed=0), DomainError),
        (lambda: L.sample_risk(p, s, 10, 0, seed=0), DomainError),
        (lambda: L.sample_risk(p, s, 10, 2, seed=-3), DomainError),
        (lambda: L.sample_risk(p, s, 10, 2, seed=0, draws="external"), ParameterError),
    ]
    for call, error in bad_calls:
        with pytest.raises(error):
            call()


def test_unstable_step_is_reported_not_hidden():
    p = L.PowerLawProblem(1.5, 2.0, d=50)
    c = L.expected_risk(p, L.constant(3.0 / p.trace), 200)
    assert c.risk_last[-1] > 1e6 * c.risk_last[0]  # divergence shows in the numbers


# =========================================================================== sanity vs theory


def _local_slope(steps, risk, hi):
    m = (steps >= hi / 32) & (steps <= hi)
    return -np.polyfit(np.log(steps[m]), np.log(risk[m]), 1)[0]


@pytest.mark.parametrize(
    "a, b, gamma, asymptote",
    [
        (1.5, 1.5, 0.0, 1 - 1 / 1.5),  # constant step: variance ~ N^-(1 - 1/a)
        (1.5, 3.0, 0.5, 1 - 0.5 / 1.5),  # gamma = 1/2: N^-(1 - (1-gamma)/a) times log N
    ],
)
def test_variance_local_slope_approaches_rate_from_below(a, b, gamma, asymptote):
    """Variance-only run (w* = 0) on d = 1e8 (binned): the local slope of the averaged risk on
    [N/32, N] grows with N and stays below the asymptotic exponent (finite-N / log factors)."""
    p = L.PowerLawProblem(a, b, d=10**8, sigma2=1.0, target="zero")
    n = 1 << 15
    curve = L.expected_risk(p, L.polynomial(0.5 / p.trace, gamma), n,
                            checkpoints=L.default_checkpoints(n, 90), backend="numba")
    slopes = [_local_slope(curve.steps, curve.risk_avg, hi) for hi in (1 << 11, 1 << 13, 1 << 15)]
    assert slopes[0] < slopes[1] < slopes[2] < asymptote


# =========================================================================== docs


@pytest.mark.parametrize(
    "module", [bk, L, linreg_problem, linreg_schedules, linreg_methods]  # the modules with examples
)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("n_sched", [1, 3])
def test_numba_drivers_and_thread_counts_give_identical_numbers(n_sched, monkeypatch):
    # every driver (serial, per-step prange, over-runs, adaptive default) and thread count
    # gives the same bits: the chunked trace is added in a fixed order
    p = L.PowerLawProblem(1.5, 2.0, d=(1 << 15) + 999, bin_width=0)
    assert p.n_coords >= linreg_kernels._PARALLEL_MIN_COORDS
    scheds = [L.polynomial(c / p.trace, 0.3) for c in (0.5, 0.3, 0.1)][:n_sched]
    n = 300
    etas = linreg_schedules._step_sizes(scheds, n)
    rho = L.averaging_weights("uniform", n)
    ck = L.default_checkpoints(n, 12)
    args = (p.lam, p.mult, p.w2, p.sigma2, 2, etas, rho, ck)
    before = numba.get_num_threads()
    outs = []
    old_block = linreg_kernels._BLOCK_WORK
    try:
        linreg_kernels._BLOCK_WORK = 16 * p.n_coords  # force many blocks, so probes happen
        monkeypatch.setattr(linreg_kernels, "_idle_cores", lambda: True)  # probe even if loaded
        for threads in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
            numba.set_num_threads(threads)
            for mode in (None, False, True, "runs", "adaptive"):
                outs.append(linreg_kernels._run_sgd_numba(*args, parallel=mode))
    finally:
        numba.set_num_threads(before)
        linreg_kernels._BLOCK_WORK = old_block
    assert len(linreg_kernels.last_log) > 10  # the adaptive driver ran in blocks
    assert {m for m, _, _ in linreg_kernels.last_log} == {"serial", "parallel"}
    for other in outs[1:]:
        for x, y in zip(outs[0], other):
            np.testing.assert_array_equal(x, y)
    ref = L.expected_risk(p, scheds, n, checkpoints=ck, batch=2)
    np.testing.assert_allclose(outs[0][0], np.atleast_2d(ref.risk_last), rtol=1e-10)
    np.testing.assert_allclose(outs[0][1], np.atleast_2d(ref.risk_avg), rtol=1e-10)


@pytest.mark.parametrize("backend", ["numba", "array"])
def test_sampled_thread_count_does_not_change_the_numbers(backend):
    p = L.PowerLawProblem(1.5, 2.25, d=16, sigma2=0.5, bin_width=0)
    sched = L.constant(0.5 / p.trace)
    before = numba.get_num_threads()
    runs = []
    try:
        for threads in (1, before):
            numba.set_num_threads(threads)
            runs.append(L.sample_risk(p, sched, 40, 24, seed=5, batch=2, backend=backend))
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(runs[0].risk_last, runs[1].risk_last)
    np.testing.assert_array_equal(runs[0].risk_avg, runs[1].risk_avg)
    # and replica r's numbers do not depend on how many replicas run beside it
    few = L.sample_risk(p, sched, 40, 5, seed=5, batch=2, backend=backend)
    np.testing.assert_array_equal(few.risk_last, runs[0].risk_last[:5])


@pytest.mark.parametrize("method, params", [
    ("sgd", None), ("hb", None), ("asgd", None),
    ("genmom", dict(gamma1=0.5, gamma3=0.05, Delta=0.3, kappa3=0.5)),  # defaults are SGD
])
@pytest.mark.parametrize("averaging", ["uniform", "none"])
def test_sampled_engines_agree(method, params, averaging, monkeypatch):
    """The compiled engine and the array engine: same process, same draws, same risks."""
    p = L.PowerLawProblem(1.5, 2.0, d=13, sigma2=0.5, bin_width=0)  # d % 4 != 0: the dot's tail
    kw = dict(n_steps=70, n_replicas=6, seed=2, batch=3, averaging=averaging, method=method,
              method_params=params, checkpoints=[1, 2, 7, 8, 9, 30, 69, 70])
    a = L.sample_risk(p, L.constant(0.2), backend="numba", **kw)
    b = L.sample_risk(p, L.constant(0.2), backend="array", **kw)
    np.testing.assert_allclose(a.risk_last, b.risk_last, rtol=1e-11)
    np.testing.assert_allclose(a.risk_avg, b.risk_avg, rtol=1e-11)
    # the stream's own numbers, passed in as given draws in 7-step blocks, give the compiled
    # engine's internal-draw run bit for bit (blocks, k0 and t0 included)
    from scalinglaws.validators.processes import normal_streams

    calls = normal_streams.fill_calls(normal_streams.stream_states(2, 6), 3 * 14, 70, "numpy")
    calls = calls.reshape(6, 70, 3, 14)

    def draws(start, count):
        return calls[:, start : start + count, :, :13], calls[:, start : start + count, :, 13]

    monkeypatch.setattr(linreg_sampled, "_BLOCK_NUMBERS", 7 * 6 * 3 * 14)
    monkeypatch.setattr(linreg_sampled, "_MIN_CALL_NUMBERS", 1)
    c = L.sample_risk(p, L.constant(0.2), backend="numba", draws=draws, **kw)
    np.testing.assert_array_equal(c.risk_last, a.risk_last)
    np.testing.assert_array_equal(c.risk_avg, a.risk_avg)
    # other given draws: both engines consume them the same way
    rng = np.random.default_rng(4)
    Z = rng.standard_normal((6, 70, 3, 13))
    XI = rng.standard_normal((6, 70, 3))

    def other(start, count):
        return Z[:, start : start + count], XI[:, start : start + count]

    e = L.sample_risk(p, L.constant(0.2), backend="numba", draws=other, **kw)
    f = L.sample_risk(p, L.constant(0.2), backend="array", draws=other, **kw)
    np.testing.assert_allclose(e.risk_last, f.risk_last, rtol=1e-11)
    assert not np.allclose(e.risk_last, a.risk_last)  # the given draws were used


def test_sampled_kernel_detects_a_stale_stream(monkeypatch):
    """The compiled engine checks itself against normal_streams' numpy reference on first use
    (a disk-cached kernel may inline an older stream): other draws are detected."""
    from scalinglaws.validators.processes import normal_streams
    from scalinglaws.validators.processes.linreg import _sampled_kernel as K

    kernel = K._kernel()
    assert K._agrees_with_the_streams(kernel)
    fill = normal_streams.fill_calls
    with monkeypatch.context() as m:  # other draws
        m.setattr(normal_streams, "fill_calls", lambda *a, **k: fill(*a, **k)[..., ::-1])
        assert not K._agrees_with_the_streams(kernel)

    guard = fill(normal_streams.stream_states(1768, 1), 5 * 201, 3, "numpy")
    assert (guard > normal_streams.ZIGGURAT_R).any() and (guard < -normal_streams.ZIGGURAT_R).any()

    def tails_flipped(*a, **k):  # only the two tail values of the guard's draws differ
        z = fill(*a, **k)
        return np.where(np.abs(z) > normal_streams.ZIGGURAT_R, -z, z)

    monkeypatch.setattr(normal_streams, "fill_calls", tails_flipped)
    assert not K._agrees_with_the_streams(kernel)


def test_sampled_backend_errors():
    p = L.PowerLawProblem(1.5, 2.0, d=4, bin_width=0)
    with pytest.raises(ParameterError, match="backend must be"):
        L.sample_risk(p, L.constant(0.1), 5, 2, seed=0, backend="gpu")
    xps = pytest.importorskip("array_api_strict")
    with pytest.raises(ParameterError, match="numpy arrays"):
        L.sample_risk(p, L.constant(0.1), 5, 2, seed=0, backend="numba", xp=xps)
