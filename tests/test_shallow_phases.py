"""Tests of the shallow_phases paper: the LASSO process (state evolution, FISTA, the diagonal
network, the PSD program), and the laws' registration."""

import numpy as np
import pytest
from scalinglaws.validators.processes import lasso as L
from scalinglaws.validators.processes import matrix_sensing as MS
from scalinglaws.validators.processes.fixed_point import FixedPointError

import scalinglaws as sl


def test_laws_registered_with_honest_status():
    laws = {law.key: law for law in sl.laws(paper="shallow_phases")}
    assert len(laws) == 16
    for key, law in laws.items():
        assert law.reference.status in {"transcribed", "derived", "hypothesis"}, key
    plateau = laws["shallow_phases.plateau_risk"]
    assert plateau.exponent("n").subs({plateau.params["gamma"].symbol: 1}) == -1
    assert float(laws["shallow_phases.tuned_risk"].evaluate(gamma=1, n=100)) == pytest.approx(0.1)


def test_teacher_quadrature_matches_exact_sums():
    exact = L.power_law_teacher(1.5, 50_000, exact=50_000)
    binned = L.power_law_teacher(1.5, 50_000, exact=500, ratio=1.01)
    assert binned.d == 50_000 and exact.d == 50_000
    assert len(binned.theta) < 2000
    for t in (1e-3, 1e-4):
        tau = 1e-4
        e = L._sums(exact, tau, t)
        b = L._sums(binned, tau, t)
        assert b[1] == pytest.approx(e[1], rel=1e-3)
        assert b[0] == pytest.approx(e[0], rel=2e-2)


def test_soft_threshold_moments_against_sampling():
    rng = np.random.default_rng(0)
    theta, tau, t = np.array([0.0, 0.3, 1.0]), 0.2, 0.25
    z = rng.standard_normal((400_000, 1))
    u = theta + tau * z
    est = np.sign(u) * np.maximum(np.abs(u) - t, 0)
    P, mse, mean_abs = L.soft_threshold_moments(theta, tau, t)
    np.testing.assert_allclose(P, (est != 0).mean(0), atol=3e-3)
    np.testing.assert_allclose(mse, ((est - theta) ** 2).mean(0), rtol=1e-2, atol=1e-4)
    np.testing.assert_allclose(mean_abs, np.abs(est).mean(0), rtol=1e-2, atol=1e-4)


def test_state_evolution_is_a_fixed_point_and_calibrated():
    teacher = L.power_law_teacher(1.0, 300)
    p = L.state_evolution(teacher, 150, 2.0, 0.1)
    P, mse, _ = L.soft_threshold_moments(teacher.theta, p.tau, p.t)
    assert p.converged
    assert 150 * p.tau ** 2 == pytest.approx(0.1 + mse.sum(), rel=1e-10)
    assert p.t * (150 - P.sum()) == pytest.approx(2.0, rel=1e-10)
    # warm-started path agrees with cold solves
    path = L.state_evolution_path(teacher, n=[100, 150, 200], lam=2.0, delta=0.1)
    assert path[1].risk == pytest.approx(p.risk, rel=1e-9)
    # fixed-threshold solve gives back the penalty
    q = L.state_evolution_at_threshold(teacher, 150, p.t, 0.1, tau2_0=1.01 * p.tau ** 2)
    assert q.lam == pytest.approx(2.0, rel=1e-8) and q.risk == pytest.approx(p.risk, rel=1e-8)


def test_state_evolution_limits():
    # all coordinates active, tiny penalty: R -> Delta d / (n - d)
    teacher = L.power_law_teacher(1.0, 50)
    p = L.state_evolution(teacher, 5000, 1e-3, 1.0)
    assert p.risk == pytest.approx(50 / 4950, rel=1e-3)
    # huge penalty: everything thresholded, R = ||theta*||^2
    q = L.state_evolution(teacher, 100, 1e6, 0.1)
    assert q.risk == pytest.approx(teacher.norm2, rel=1e-6)
    assert q.active < 1e-6


def test_tuned_risk_beats_fixed_penalties():
    teacher = L.power_law_teacher(1.0, 2000)
    best = L.tuned_risk(teacher, 1000, 1.0)
    for lam in (best.lam / 3, best.lam * 3):
        assert L.state_evolution(teacher, 1000, lam, 1.0).risk > best.risk
    with pytest.raises(ValueError):
        L.tuned_risk(teacher, 1000, 0.0)


def test_fista_reaches_the_lasso_optimum():
    rng = np.random.default_rng(3)
    X, y, _ = L.sample_problem(rng, L.power_law_teacher(1.0, 30).dense(), 20, 0.1)
    theta, _ = L.fista(X, y, 0.5, tol=1e-13, max_iter=50_000)
    # KKT: |X^T(y - X theta)| <= lam, equality with sign on the support
    g = X.T @ (y - X @ theta)
    assert np.all(np.abs(g) <= 0.5 + 1e-6)
    on = theta != 0
    np.testing.assert_allclose(g[on], 0.5 * np.sign(theta[on]), atol=1e-6)
    # the batched solver agrees
    tb, _ = L.fista_batched(X[None], y[None], 0.5, tol=1e-13, max_iter=50_000)
    np.testing.assert_allclose(tb[0], theta, atol=1e-7)


def test_erm_replicas_reproducible_and_independent():
    teacher = L.power_law_teacher(1.0, 40)
    a = L.erm_risks(teacher, 60, 1.0, 0.1, replicas=3, seed=4)
    b = L.erm_risks(teacher, 60, 1.0, 0.1, replicas=3, seed=4)
    c = L.erm_risks(teacher, 60, 1.0, 0.1, replicas=3, seed=5)
    np.testing.assert_array_equal(a, b)
    assert len(set(a.tolist())) == 3 and not np.allclose(a, c)


def test_diagonal_network_is_lasso():
    rng = np.random.default_rng(1)
    X, y, _ = L.sample_problem(rng, L.power_law_teacher(1.0, 15).dense(), 25, 0.1)
    a, w, f = L.diagonal_network_erm(X, y, 1.0, rng=rng)
    theta, _ = L.fista(X, y, 1.0, tol=1e-13, max_iter=50_000)
    assert f == pytest.approx(L.lasso_objective(X, y, theta, 1.0), rel=1e-7)
    np.testing.assert_allclose(a * w, theta, atol=1e-4)
    np.testing.assert_allclose(np.abs(a), np.abs(w), atol=1e-3)   # balanced at the optimum


def test_psd_erm_is_psd_and_fits_without_penalty():
    rng = np.random.default_rng(2)
    S_star = L.quadratic_teacher(1.0, 6, rng)
    assert np.sum(np.linalg.eigvalsh(S_star) ** 2) == pytest.approx(6.0)
    X, y = L.sample_quadratic_problem(rng, S_star, 400, 0.0)
    S, ev, _ = L.psd_erm(X, y, 1e-6, max_iter=3000, tol=1e-12)
    assert ev.min() >= -1e-12
    assert np.linalg.norm(S - S_star) / np.linalg.norm(S_star) < 2e-2
    # a large trace penalty shrinks the rank
    _, ev_big, _ = L.psd_erm(X, y, 60.0, max_iter=3000, tol=1e-10)
    assert np.count_nonzero(ev_big > 1e-10) < np.count_nonzero(ev > 1e-10)


def test_quadratic_network_reaches_the_psd_minimum():
    rng = np.random.default_rng(5)
    X, y = L.sample_quadratic_problem(rng, L.quadratic_teacher(1.0, 5, rng), 80, 0.1)
    B, f = L.quadratic_network_erm(X, y, 3.0, width=5, rng=rng)
    S, ev, _ = L.psd_erm(X, y, 3.0, max_iter=20000, tol=1e-13)
    assert L.psd_objective(X, y, B @ B.T, 3.0) == pytest.approx(f, rel=1e-12)
    assert f == pytest.approx(L.psd_objective(X, y, S, 3.0), rel=1e-8)
    np.testing.assert_allclose(B @ B.T, S, atol=1e-4)


def test_fixed_point_error_propagates():
    teacher = L.power_law_teacher(1.0, 50)
    with pytest.raises(FixedPointError):
        L.state_evolution(teacher, 100, 1.0, 0.1, max_iter=1, tol=1e-15)


def test_every_law_has_a_quick_check():
    from scalinglaws.validators.engine import checks as C

    quick = {c.law_key for c in C.all_checks()
             if c.paper == "shallow_phases" and not c.full_only}
    assert quick == {law.key for law in sl.laws(paper="shallow_phases")}


# ---- the quadratic network: matrix-sensing state evolution ---------------------------------------

def test_matrix_sensing_se_is_a_fixed_point():
    s = MS.power_law_spectrum(1.0, 20)
    assert float(s @ s) == pytest.approx(20.0)
    Z = MS.goe_draws(20, 3, seed=1)
    p = MS.state_evolution(s, 600, 0.2, 0.1, Z=Z, tol=1e-12)
    assert p.converged
    qh, mh = MS._hats((p.q, p.m, p.sigma), 600 / 400, 0.1, 1.0)
    q, m, sig, rank, spec = MS._denoise(s, Z, qh, mh, 0.2)
    assert (q, m, sig) == pytest.approx((p.q, p.m, p.sigma), rel=1e-9)
    assert p.mse == pytest.approx(1.0 + p.q - 2 * p.m) and p.risk == pytest.approx(2 * p.mse)
    assert np.all(np.diff(p.spectrum) <= 0) and np.all(p.spectrum >= 0)
    assert rank == p.rank == pytest.approx(np.count_nonzero(spec > 0), abs=1)


def test_matrix_sensing_se_limits():
    s = MS.power_law_spectrum(1.0, 30)
    # huge decay: S_hat = 0, R = 2 Q0 = 2
    big = MS.state_evolution(s, 2000, 1e6, 0.1, draws=2, seed=0)
    assert big.rank == 0 and big.risk == pytest.approx(2.0, rel=1e-12)
    # vanishing decay, every direction kept: R = Delta zf / (2 alpha - 1) with zf = ||Z||_F^2/d
    # of the draws, up to the bias of the threshold, O(lamq / alpha)
    Z = MS.goe_draws(30, 2, seed=0)
    zf = np.mean([np.sum(z * z) for z in Z]) / 30
    for alpha in (50, 200):
        p = MS.state_evolution(s, alpha * 900, 1e-4, 1.0, Z=Z)
        assert p.rank == 30
        assert p.risk * (2 * alpha - 1) / zf == pytest.approx(1.0, abs=1e-3)


def test_matrix_sensing_rank_at_a_staircase_midpoint():
    # at large alpha the threshold lamq d^2/(4n) sits between s_3 and s_4: rank 3
    s = MS.power_law_spectrum(2.0, 40)
    lam = 100.0
    n = lam * 40 ** 2 / (4 * np.sqrt(s[2] * s[3]))
    p = MS.state_evolution(s, n, lam, 0.0, draws=2, seed=0)
    assert p.rank == 3
    # the kept eigenvalues copy the teacher's, shifted down by about the threshold
    t = lam * 40 ** 2 / (4 * n)
    np.testing.assert_allclose(p.spectrum[:3], s[:3] - t, rtol=0.05)


def test_matrix_sensing_reproducible_and_seeded():
    s = MS.power_law_spectrum(1.5, 16)
    a = MS.state_evolution(s, 300, 0.3, 0.1, draws=2, seed=3)
    b = MS.state_evolution(s, 300, 0.3, 0.1, draws=2, seed=3)
    c = MS.state_evolution(s, 300, 0.3, 0.1, draws=2, seed=4)
    assert a.risk == b.risk and a.risk != c.risk


def test_matrix_sensing_tuned_grid():
    s = MS.power_law_spectrum(2.0, 20)
    lams = np.logspace(-1, 1, 9)
    lam, R, pts = MS.tuned_risk_grid(s, 2000, 1.0, lams, draws=2, seed=0)
    assert lams[0] < lam < lams[-1]
    assert R <= min(p.risk for p in pts if p is not None) + 1e-12
    with pytest.raises(ValueError):
        MS.tuned_risk_grid(s, 2000, 1.0, np.logspace(2, 3, 4), draws=2, seed=0)


def test_matrix_sensing_erm_replicas():
    s = MS.power_law_spectrum(1.0, 8)
    a = MS.erm_replicas(s, 200, 0.5, 0.1, replicas=2, seed=0, max_iter=2000, tol=1e-10)
    b = MS.erm_replicas(s, 200, 0.5, 0.1, replicas=2, seed=0, max_iter=2000, tol=1e-10)
    assert [r.risk for r in a] == [r.risk for r in b] and a[0].risk != a[1].risk
    for r in a:
        assert r.spectrum.min() >= -1e-12 and 0 < r.rank <= 8


def test_psd_projection_divergence_is_the_statistical_dimension():
    # the PSD cone's statistical dimension d(d+1)/4; the identity's divergence is d(d+1)/2
    for d in (6, 15):
        g = MS.psd_projection_divergence(d, 3000, 1)
        se = g.std(ddof=1) / np.sqrt(g.size)
        assert abs(g.mean() - d * (d + 1) / 4) < 4 * se + 1e-9
        assert abs(g.mean() - d * (d + 1) / 2) > 50 * se


def test_psd_projection_divergence_matches_the_se_divergence():
    # the SE's sigma at a pure-noise denoiser (teacher and penalty off) is 2 div / (m_hat d^2)
    d, mh = 12, 1.7
    Z = MS.goe_draws(d, 5, 2)
    _, _, sig, _, _ = MS._denoise(np.zeros(d), Z, 1.0, mh, 0.0)
    g = MS.psd_projection_divergence(d, 5, 2)
    assert sig == pytest.approx(2 * g.mean() / (mh * d ** 2), rel=1e-10)


def test_vectorised_denoiser_matches_the_per_draw_loop():
    d = 9
    s = MS.power_law_spectrum(1.0, d)
    Z = MS.goe_draws(d, 3, 5)
    full = MS._denoise(s, Z, 0.4, 2.0, 0.05)
    parts = [MS._denoise(s, Z[a:a + 1], 0.4, 2.0, 0.05) for a in range(3)]
    for i in range(4):
        assert full[i] == pytest.approx(np.mean([p[i] for p in parts]), rel=1e-12)
    np.testing.assert_allclose(full[4], np.mean([p[4] for p in parts], axis=0), rtol=1e-12)


def test_quad_ratio_extrapolation_and_bootstrap():
    from scalinglaws.validators import shallow_phases as V

    ds = [12, 16, 20, 24, 30]
    se = [np.array([1.0, 1.0])] * len(ds)
    erm = [np.full(4, 1.0 + 0.5 / d + 60.0 / d ** 2) for d in ds]
    value, ratios = V._extrapolate_ratio(ds, erm, se)
    assert value == pytest.approx(1.0, abs=1e-9)
    assert ratios[0] == pytest.approx(1.0 + 0.5 / 12 + 60 / 144)
    lo, hi = V._quad_ratio_bootstrap(np.array([1.0, 1.2, 1.1, 1.3]), np.array([1.0, 1.0]), 0)
    assert 1.0 <= lo < 1.15 < hi <= 1.3
