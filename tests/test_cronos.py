"""CRONOS: the gated-ReLU / group-lasso equivalence, solved on both sides."""

import numpy as np
import pytest

import scalinglaws as sl
from scalinglaws.derivations import check as lands
from scalinglaws.derivations import cronos as D
from scalinglaws.validators import cronos as V
from scalinglaws.validators.engine import Settings, select_checks
from scalinglaws.validators.processes import group_lasso as gl


def test_laws_and_derivations():
    keys = {law.key for law in sl.laws(paper="cronos")}
    assert keys == set(D.DERIVATIONS)
    for fn in D.DERIVATIONS.values():
        assert lands(fn())
    assert float(sl.law("cronos.pattern_count_bound").evaluate(n=40)) == 80


def test_gradient_of_the_nonconvex_objective():
    rng = np.random.default_rng(0)
    X, y, D_ = gl.gated_relu_data(rng, n=12, d=3, gates=5)
    theta = rng.standard_normal(5 * 3 + 5)
    f, g = gl.gated_net_objective(theta, X, D_, y, 0.3)
    h = 1e-6
    fd = np.array([(gl.gated_net_objective(theta + h * e, X, D_, y, 0.3)[0]
                    - gl.gated_net_objective(theta - h * e, X, D_, y, 0.3)[0]) / (2 * h)
                   for e in np.eye(theta.size)])
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-7)


def test_recovered_network_attains_the_convex_value():
    """u = w/sqrt||w||, alpha = sqrt||w||: the non-convex objective equals the convex one."""
    X, y, D_ = gl.gated_relu_data(np.random.default_rng(1), n=20, d=3, gates=10)
    res = gl.group_lasso(X, D_, y, beta=0.2, iters=4000)
    W = res["w"]
    norms = np.linalg.norm(W, axis=1)
    scale = np.where(norms > 0, np.sqrt(norms), 1.0)
    U, alpha = W / scale[:, None], np.where(norms > 0, np.sqrt(norms), 0.0)
    f, _ = gl.gated_net_objective(np.concatenate([U.ravel(), alpha]), X, D_, y, 0.2)
    assert f == pytest.approx(res["primal"], rel=1e-12)
    assert res["dual"] <= res["primal"]


def test_fewer_gates_cannot_do_better():
    """Dropping gates can only raise the optimum (a nested program): the solver sees it."""
    X, y, D_ = gl.gated_relu_data(np.random.default_rng(2), n=20, d=3, gates=10)
    full = gl.group_lasso(X, D_, y, beta=0.1, iters=4000)
    part = gl.group_lasso(X, D_[:, :3], y, beta=0.1, iters=4000)
    assert part["dual"] > full["primal"] - 1e-9


def test_plane_pattern_count_is_exactly_2n():
    for n in (2, 5, 17):
        assert V._patterns_in_plane(n, seed=0) == 2 * n


@pytest.mark.parametrize("seed", [0, 1])
def test_checks_pass(seed):
    for c in select_checks(["cronos"]):
        assert c.verdict(Settings(seed=seed)).outcome == "pass", c.name
