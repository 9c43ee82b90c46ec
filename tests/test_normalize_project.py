"""Normalize-and-project: laws, derivations, the scale-invariant processes and the checks."""

import math

import numpy as np
import pytest

import scalinglaws as sl
from scalinglaws.derivations import check as lands
from scalinglaws.derivations import normalize_project as D
from scalinglaws.validators import normalize_project as V
from scalinglaws.validators.engine import Settings, Value, judge, select_checks
from scalinglaws.validators.processes import optimizer_steps as ops


def _check(name):
    (chk,) = select_checks((name,))
    return chk


def test_every_law_is_derived_and_lands():
    keys = {law.key for law in sl.laws(paper="normalize_project")}
    assert keys == set(D.DERIVATIONS) | set(D.NOT_DERIVED)
    for key, fn in D.DERIVATIONS.items():
        assert lands(fn()), key


def test_statuses_say_these_are_ours():
    # only the abstract was read: every law is our derivation, none claims the paper's text
    assert {law.status for law in sl.laws(paper="normalize_project")} == {"derived"}
    assert sl.law("normalize_project.wd_equilibrium_norm").reference.arxiv == "2006.08419"


def test_angular_update_small_and_large_decay():
    law = sl.law("normalize_project.angular_update")
    small = float(law.evaluate(eta=0.1, lam=0.05))
    assert small == pytest.approx(math.sqrt(2 * 0.005), rel=2e-3)  # sqrt(2 eta lam) limit
    large = float(law.evaluate(eta=0.9, lam=1.0))
    assert math.sqrt(1.8) / large == pytest.approx(1.348, abs=1e-3)  # the approximation fails
    with pytest.raises(sl.RegimeError):
        law.evaluate(eta=1.0, lam=1.5)


def test_complex_step_matches_the_analytic_gradient_and_scale_invariance():
    X, Y, W = ops.softmax_problem(3, n=32)
    f = lambda V_: ops.normalized_softmax_loss(V_, X, Y, 2.0)  # noqa: E731
    g = ops.normalized_softmax_grad(W, X, Y, 2.0)
    assert np.max(np.abs(g - ops.complex_step_grad(f, W))) < 1e-14
    assert f(5.0 * W) == pytest.approx(f(W), abs=1e-14)
    assert abs(np.sum(g * W)) < 1e-14


def test_sgd_norm_grows_step_by_step():
    X, Y, W0 = ops.softmax_problem(4)
    W, G, _ = ops.sgd_scale_invariant(W0, X, Y, eta=1.0, steps=50, batch=8, seed=4)
    n2 = np.sum(W**2, axis=(1, 2))
    assert np.allclose(n2[1:], n2[:-1] + np.sum(G**2, axis=(1, 2)), rtol=1e-13)
    assert n2[-1] > 1.05 * n2[0]


def test_projected_sgd_with_the_effective_rate_follows_the_same_directions():
    """NaP run explicitly: step, then project to rho, with eta_t = eta rho^2/||theta_t||^2 read
    from the unconstrained run; the directions agree to rounding, and a NaP run with the plain
    eta drifts away."""
    X, Y, W0 = ops.softmax_problem(5)
    eta, steps = 2.0, 100
    W, _, batches = ops.sgd_scale_invariant(W0, X, Y, eta=eta, steps=steps, batch=8, seed=5)
    rho = np.linalg.norm(W0)

    def nap(rates):
        U = W0.copy()
        out = [U / rho]
        for t, idx in enumerate(batches):
            U = U - rates[t] * ops.normalized_softmax_grad(U, X[idx], Y[idx], 2.0)
            U = rho * U / np.linalg.norm(U)
            out.append(U / rho)
        return np.array(out)

    norms = np.linalg.norm(W, axis=(1, 2))
    directions = W / norms[:, None, None]
    matched = nap(eta * rho**2 / norms[:-1] ** 2)
    assert np.max(np.abs(matched - directions)) < 1e-12
    assert np.max(np.abs(nap(np.full(steps, eta)) - directions)) > 1e-3


def test_tangential_noise_is_orthogonal_and_has_the_stated_norm():
    th = ops.tangential_noise_sgd(np.array([1.0, 0, 0, 0]), eta=0.1, G=2.0, rho0=0.5, lam=0.0,
                                  steps=200, seed=1)
    n2 = np.sum(th**2, axis=1)
    assert np.allclose(n2[1:], n2[:-1] + (0.1 * 2.0 * 0.5) ** 2 / n2[:-1], rtol=1e-13)


def test_quick_checks_pass_reproducibly_and_a_perturbed_run_fails():
    """Every law has a quick check; the machine-precision ones (Values) pass and fail under
    --perturb 0.1 (tests/test_verify.py runs every check; the curves are judged there)."""
    checks = [c for c in select_checks(("normalize_project",)) if not c.full_only]
    assert {c.law_key for c in checks} == {law.key for law in sl.laws(paper="normalize_project")}
    for chk in checks:
        m = chk.measure(Settings())
        if not isinstance(m, Value) and chk.law_key != "normalize_project.elr_decay_exponent":
            continue
        v = judge(chk, m, Settings())
        assert v.outcome == "pass", (chk.name, v.summary())
        assert v.negative_control["rejected"], chk.name
        assert judge(chk, m, Settings(perturb=0.1)).outcome == "fail", chk.name
    a = _check("normalize_project.norm_growth").measure(Settings(seed=3))
    b = _check("normalize_project.norm_growth").measure(Settings(seed=3))
    c = _check("normalize_project.norm_growth").measure(Settings(seed=4))
    assert a.value == b.value and a.value != c.value


def test_momentum_breaks_the_pythagorean_growth():
    """SGD with heavy-ball momentum on the same loss: its steps are not orthogonal to theta, so
    the identity's check must fail on it (the check can fail)."""
    X, Y, W0 = ops.softmax_problem(6)
    W, buf, S2 = W0.copy(), np.zeros_like(W0), 0.0
    rng = np.random.default_rng(6)
    for _ in range(200):
        idx = rng.choice(64, 8, replace=False)
        g = ops.normalized_softmax_grad(W, X[idx], Y[idx], 2.0)
        buf = 0.9 * buf + g
        S2 += np.sum(g * g)
        W = W - 0.5 * buf
    value = float(np.sum(W**2))
    m = Value(value, (value * (1 - 1e-9), value * (1 + 1e-9)), "momentum run",
              point={"x0": float(np.sum(W0**2)), "eta": 0.5, "S2": S2}, relative=True,
              deterministic=True)
    assert judge(_check("normalize_project.norm_growth"), m, Settings()).outcome == "fail"
