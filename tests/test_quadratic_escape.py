"""Tests of the quadratic-network overlap ODEs, the SGD process and the quadratic_escape checks."""

import numpy as np
import pytest

import scalinglaws as sl
from scalinglaws.validators.processes.overlap_ode import (
    first_crossing, integrate_quadratic, polar_factor, quadratic_moments)
from scalinglaws.validators.processes.teacher_student import quadratic_sgd


def test_moments_match_monte_carlo():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 3)) * 0.5
    C = A @ A.T + np.eye(3)
    Q, R, T = C[:2, :2], C[:2, 2:], C[2:, 2:]
    F1, F2, eps = quadratic_moments(Q, R, T)
    u = rng.multivariate_normal(np.zeros(3), C, size=400_000)
    e = (u[:, :2] ** 2).mean(axis=1) - u[:, 2] ** 2
    assert abs(0.5 * np.mean(e**2) / eps - 1) < 0.03
    emp = (e[:, None, None] * u[:, :, None] * u[:, None, :]).mean(axis=0)
    assert np.allclose(emp, F1, atol=0.05 * np.abs(F1).max())


def test_plateau_and_escape_from_ode():
    p, ps = 4, 2
    run = integrate_quadratic(np.eye(p), np.zeros((p, ps)), np.eye(ps), eta=0.1, t_max=400.0,
                              noise=False)
    assert abs(run.Q[-1, 0, 0] - p / (p + 2)) < 1e-8
    assert abs(run.eps[-1] - (1 / (p + 2) + 1 / ps)) < 1e-8
    G = np.random.default_rng(1).standard_normal((p, ps))
    r = integrate_quadratic(np.eye(p), G / 100, np.eye(ps), eta=0.1, t_max=300.0, noise=False,
                            t_eval=np.linspace(0, 300, 601))
    t_esc = first_crossing(r.t, r.eps, 0.5 * (1 / (p + 2) + 1 / ps))
    assert 20 < t_esc < 300
    # singular vectors of R conserved
    P0 = polar_factor(G)
    assert abs(np.trace(polar_factor(r.R[-1]).T @ P0) / ps - 1) < 1e-8


def test_wrong_plateau_is_rejected_by_ode():
    run = integrate_quadratic(np.eye(2), np.zeros((2, 1)), np.eye(1), eta=0.1, t_max=400.0,
                              noise=False)
    assert abs(run.Q[-1, 0, 0] - 2 / 3) > 0.1  # not p/(p+1)


def test_sgd_reproducible_and_tracks_ode():
    kw = dict(p=2, p_star=4, N=300, eta=0.1, t_max=8.0, replicas=4, record_every=150)
    a = quadratic_sgd(seed=3, **kw)
    b = quadratic_sgd(seed=3, **kw)
    assert np.array_equal(a.eps, b.eps)
    assert not np.array_equal(a.eps, quadratic_sgd(seed=4, **kw).eps)
    # the replica mean follows the ODE with the eta^2 term started from Q = I, R = 0
    ode = integrate_quadratic(np.eye(2), np.zeros((2, 4)), np.eye(4), eta=0.1, t_max=8.0,
                              t_eval=a.t, noise=True)
    assert np.max(np.abs(a.eps.mean(axis=0) - ode.eps)) < 0.05


def test_laws_registered_and_tables():
    laws = [k for k in sl.keys() if k.startswith("quadratic_escape.")] if hasattr(sl, "keys") else []
    assert float(sl.law("quadratic_escape.escape_time_slope").evaluate(p=4, p_star=2, eta=0.05)) == 20.0
    assert float(sl.law("quadratic_escape.plateau_error").evaluate(p=4, p_star=2)) == pytest.approx(2 / 3)
    del laws


@pytest.mark.parametrize("name", [
    "quadratic_escape.plateau_overlap[p=1]",
    "quadratic_escape.escape_rate[p=2,p_star=2,eta=0.1]",
])
def test_checks_pass_and_perturbed_fail(name):
    import scalinglaws.validators.quadratic_escape  # noqa: F401 - registers the checks
    from scalinglaws.validators.engine import Settings
    from scalinglaws.validators.engine.checks import _CHECKS

    c = _CHECKS[name]
    assert c.verdict(Settings()).outcome == "pass"
    assert c.verdict(Settings(perturb=0.1)).outcome == "fail"
