"""dmft_kernel: two-layer closed forms, the deep-linear DMFT solver and its checks (issue 17)."""

import numpy as np
import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.derivations import check as lands
from scalinglaws.derivations import dmft_kernel as D
from scalinglaws.validators import dmft_kernel as V
from scalinglaws.validators.engine import Settings, judge, select_checks
from scalinglaws.validators.processes.dmft import deep_linear_dmft
from scalinglaws.validators.processes.wide_nets import deep_linear_gd, reduced_ode, two_layer_flow


def _check(name):
    (chk,) = select_checks((name,))
    return chk


def test_laws_values_and_statuses():
    assert {l.status for l in sl.laws(paper="dmft_kernel")} == {"derived"}
    assert float(sl.law("dmft_kernel.final_ntk").evaluate(gamma0=1, y=1)) == pytest.approx(
        2 * np.sqrt(2))
    assert sl.law("dmft_kernel.lazy_ntk").in_regime(gamma0=0.01, y=1)
    assert not sl.law("dmft_kernel.lazy_ntk").in_regime(gamma0=1, y=1)
    assert sl.law("dmft_kernel.closure_mse").exponent("N") == -1


@pytest.mark.parametrize("key", sorted(D.DERIVATIONS))
def test_derivations_land_and_a_wrong_target_does_not(key):
    d = D.DERIVATIONS[key]()
    assert lands(d)
    assert not lands(d, target=sl.law(key).expr * 2 + 1)


def test_flow_identities_hold_on_explicit_neurons():
    assert D.flow_identities(4) == (0, 0)


def test_weights_conserve_the_invariant_and_match_the_reduced_ode():
    out = two_layer_flow(N=32, gamma0=2.0, y=-1.5, t_end=3.0, dt=0.005, replicas=3, seed=7)
    inv = out["K"] ** 2 - 16 * out["f"] ** 2
    assert np.abs(inv / inv[:, :1] - 1).max() < 1e-8
    assert np.abs(out["f"][:, -1] + 1.5).max() < 1e-6  # trained to the target
    f, K = reduced_ode(out["f"][:, 0], out["K"][:, 0], 2.0, -1.5, 3.0, 0.005)
    # RK4 on the weights and RK4 on (f, K) are different discretizations: O(dt^4) apart
    assert np.abs(K - out["K"]).max() < 1e-7


def _problem():
    return V.closure_problem()


def test_dmft_lazy_limit_is_the_static_ntk_recursion():
    """gamma0 -> 0: the kernels freeze at init, NTK = (L + 1) K^x, and GD on the output is the
    linear recursion Delta_{t+1} = (I - eta K/P) Delta_t."""
    X, y = _problem()
    Kx = X @ X.T / X.shape[1]
    for depth in (1, 2):
        sol = deep_linear_dmft(Kx, y, depth, 1e-4, 0.3, 10)
        d, ref = y.copy(), []
        for _ in range(10):
            ref.append(d.copy())
            d = d - 0.3 / 3 * (depth + 1) * Kx @ d
        assert np.allclose(sol.Delta, np.array(ref).T, atol=1e-6)
        assert np.allclose(sol.ntk[0], (depth + 1) * Kx)


def test_dmft_matches_wide_networks_and_a_wrong_closure_does_not():
    X, y = _problem()
    Kx = X @ X.T / X.shape[1]
    sol = deep_linear_dmft(Kx, y, 2, 1.0, 0.5, 20)
    out = deep_linear_gd(X, y, 1000, 2, 1.0, 0.5, 20, 6, seed=3, record_kernels=True)
    mean = out["Delta"].mean(axis=0).T
    assert np.abs(mean - sol.Delta).max() < 0.02
    H1 = out["H"][0].mean(axis=0).T
    assert np.abs(H1 / sol.diag("H", 1) - 1).max() < 0.03
    # a closure at the wrong feature-learning strength is visibly off
    wrong = deep_linear_dmft(Kx, y, 2, 1.5, 0.5, 20)
    assert np.abs(mean - wrong.Delta).max() > 0.05


def test_closure_check_passes_and_its_control_and_perturbation_fail():
    chk = _check("dmft_kernel.closure_mse[depth=1]")
    m = chk.measure(Settings())
    v = judge(chk, m, Settings())
    assert v.outcome == "pass" and v.negative_control["rejected"]
    assert judge(chk, m, Settings(perturb=0.1)).outcome != "pass"
    assert _check("dmft_kernel.closure_mse[depth=2]").full_only


@pytest.mark.parametrize("name", ["dmft_kernel.conserved_quantity[gamma0=3]",
                                  "dmft_kernel.output_ode[gamma0=1]",
                                  "dmft_kernel.lazy_ntk[gamma0=0.05]"])
def test_value_checks_pass_and_reject_a_ten_percent_error(name):
    chk = _check(name)
    m = chk.measure(Settings())
    assert judge(chk, m, Settings()).outcome == "pass"
    assert judge(chk, m, Settings(perturb=0.1)).outcome == "fail"


def test_final_ntk_rejects_the_lazy_value(monkeypatch):
    chk = _check("dmft_kernel.final_ntk[gamma0=1,y=1]")
    m = chk.measure(Settings())
    assert judge(chk, m, Settings()).outcome == "pass"
    law = sl.law("dmft_kernel.final_ntk")
    monkeypatch.setattr(law, "expr", sp.Integer(2))
    assert judge(chk, m, Settings()).outcome == "fail"
