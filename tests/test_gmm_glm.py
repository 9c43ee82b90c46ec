"""Tests of the Gaussian-mixture ridge process (saddle-point solver, Monte Carlo) and the checks."""

import numpy as np
import pytest

import scalinglaws as sl
from scalinglaws.validators.processes.gmm import ridge_monte_carlo, solve_k2_ridge


@pytest.mark.parametrize("alpha,lam,Delta,rho", [(0.5, 0.1, 1.0, 0.5), (2.0, 1.0, 0.5, 0.3),
                                                 (1.0, 1e-3, 1.0, 0.5)])
def test_closed_form_equals_solver(alpha, lam, Delta, rho):
    s = solve_k2_ridge(alpha=alpha, lam=lam, rho=rho, Delta=Delta)
    pt = dict(alpha=alpha, lam=lam, Delta=Delta, rho=rho)
    for law, key in (("ridge_V", "V"), ("ridge_m", "m"), ("ridge_q", "q"), ("ridge_error", "eps_g")):
        L = sl.law(f"gmm_glm.{law}")
        val = float(L.evaluate(**{k: v for k, v in pt.items() if k in L.params}))
        assert abs(val / s[key] - 1) < 1e-9


def test_authors_block_curve_rows():
    # rows of the authors' stored theory curve (K2mix/data/theory, blocks Delta = (0.1, 0.5),
    # fractions (0.5, 0.5), lam = 0.01, rho = 0.5; alpha on linspace(0.01, 3, 50)), as quoted in
    # the research digest
    grid = np.linspace(0.01, 3.0, 50)
    for alpha, eps, m, q in ((grid[7], 0.110121, 0.63168, 0.26552),
                             (grid[21], 0.075066, 0.83271, 0.33483),
                             (grid[49], 0.024307, 0.85197, 0.18666)):
        s = solve_k2_ridge(alpha=alpha, lam=0.01, rho=0.5, blocks=((0.5, 0.1), (0.5, 0.5)))
        assert abs(s["eps_g"] - eps) < 5e-6 and abs(s["m"] - m) < 5e-5 and abs(s["q"] - q) < 5e-5


def test_monte_carlo_agrees_and_is_seeded():
    a = ridge_monte_carlo(alpha=2.0, lam=0.1, rho=0.5, Delta=1.0, d=200, replicas=8, seed=1)
    b = ridge_monte_carlo(alpha=2.0, lam=0.1, rho=0.5, Delta=1.0, d=200, replicas=8, seed=1)
    assert np.array_equal(a["eps_g"], b["eps_g"])
    th = solve_k2_ridge(alpha=2.0, lam=0.1, rho=0.5, Delta=1.0)
    se = a["eps_g"].std(ddof=1) / np.sqrt(8)
    assert abs(a["eps_g"].mean() - th["eps_g"]) < 4 * se + 0.005
    assert abs(a["m"].mean() - th["m"]) < 0.03


def test_interpolation_peak():
    q = [solve_k2_ridge(alpha=a, lam=1e-5, rho=0.5, Delta=1.0)["q"] for a in (0.5, 0.9, 1.1, 2.0)]
    assert q[1] > q[0] and q[2] > q[3] and min(q[1], q[2]) > 3 * max(q[0], q[3])


@pytest.mark.parametrize("name", ["gmm_glm.ridge_q[alpha=0.5,lam=0.1,Delta=1.0,rho=0.5]",
                                  "gmm_glm.ridgeless_q_over[alpha=3.0]"])
def test_checks_pass_and_perturbed_fail(name):
    import scalinglaws.validators.gmm_glm  # noqa: F401 - registers the checks
    from scalinglaws.validators.engine import Settings
    from scalinglaws.validators.engine.checks import _CHECKS

    c = _CHECKS[name]
    assert c.verdict(Settings()).outcome == "pass"
    assert c.verdict(Settings(perturb=0.1)).outcome == "fail"


def test_general_k_equations_against_monte_carlo():
    from scalinglaws.validators.processes.gmm import multik_ridge_monte_carlo, solve_multik_ridge

    rho = np.ones(3) / 3
    th = solve_multik_ridge(alpha=2.0, lam=0.1, Delta=0.5, rho=rho, error_samples=100_000)
    mc = multik_ridge_monte_carlo(alpha=2.0, lam=0.1, Delta=0.5, rho=rho, d=200, replicas=6,
                                  seed=2, test=5000)
    se = mc.std(ddof=1) / np.sqrt(mc.size)
    assert abs(mc.mean() - th["eps_g"]) < 4 * se + 0.01
    # and the equations at K = 2 reproduce the K = 2 solver
    two = solve_multik_ridge(alpha=0.5, lam=0.1, Delta=1.0, rho=np.array([0.4, 0.6]))
    assert abs(two["eps_g"] - solve_k2_ridge(alpha=0.5, lam=0.1, rho=0.4, Delta=1.0)["eps_g"]) < 1e-9
