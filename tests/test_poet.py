"""POET: spectrum invariance, the exact Cayley-Neumann error, SPO orthogonality and counts."""

import numpy as np
import pytest

import scalinglaws as sl
from scalinglaws.derivations import check as lands
from scalinglaws.derivations import poet as D
from scalinglaws.validators.engine import Settings, judge, select_checks
from scalinglaws.validators.processes import optimizer_steps as ops


def test_every_law_is_derived_and_lands():
    keys = {law.key for law in sl.laws(paper="poet")}
    assert keys == set(D.DERIVATIONS) | set(D.NOT_DERIVED)
    for key, fn in D.DERIVATIONS.items():
        assert lands(fn()), key


def test_even_orders_are_far_more_accurate():
    even, odd = sl.law("poet.cnp_error_even"), sl.law("poet.cnp_error_odd")
    err = [float((even if k % 2 == 0 else odd).evaluate(rho=0.104, k=k)) for k in range(1, 6)]
    with pytest.raises(sl.RegimeError):
        even.evaluate(rho=0.104, k=3)
    assert err[1] < err[0] / 1e4 and err[3] < err[2] / 1e6 and err[3] < err[4] / 1e4
    # closed forms: odd k -> rho^(k+1); even k -> sqrt(1 + rho^(2k+2)) - 1
    assert err[2] == pytest.approx(0.104**4)
    assert err[3] == pytest.approx(np.sqrt(1 + 0.104**10) - 1, rel=1e-6)


def test_cayley_neumann_is_c_times_i_minus_q_power():
    rng = np.random.default_rng(2)
    Q = ops.skew_with_radius(6, 0.4, rng)
    assert np.max(np.abs(np.linalg.eigvals(Q))) == pytest.approx(0.4)
    eye = np.eye(6)
    C = (eye + Q) @ np.linalg.inv(eye - Q)
    for k in range(1, 5):
        R = ops.cayley_neumann(Q, k)
        assert np.allclose(R, C @ (eye - np.linalg.matrix_power(Q, k + 1)), atol=1e-13)
    with pytest.raises(ValueError):
        ops.skew_with_radius(5, 0.4, rng)


def test_repo_kernel_series_is_not_a_cnp_order():
    """The digest's finding about the released kernel, I + 2 sum_{i<=4} Q^i: it differs from
    R_3 by Q^4, and its orthogonality error is about 2 rho^6 (not any order's)."""
    rng = np.random.default_rng(3)
    Q = ops.skew_with_radius(8, 0.2, rng)
    Q2 = Q @ Q
    S = np.eye(8) + 2 * (Q + Q2 + Q2 @ Q + Q2 @ Q2)
    assert np.allclose(S - ops.cayley_neumann(Q, 3), Q2 @ Q2, atol=1e-14)
    err = np.max(np.abs(np.linalg.svd(S, compute_uv=False) - 1))
    assert err == pytest.approx(2 * 0.2**6, rel=0.05)


def test_quick_checks_pass_and_a_perturbed_run_fails():
    checks = [c for c in select_checks(("poet",)) if not c.full_only]
    assert {c.law_key for c in checks} == {law.key for law in sl.laws(paper="poet")}
    for chk in checks:
        m = chk.measure(Settings())
        v = judge(chk, m, Settings())
        assert v.outcome == "pass", (chk.name, v.summary())
        assert v.negative_control["rejected"], chk.name
        assert judge(chk, m, Settings(perturb=0.1)).outcome == "fail", chk.name


def test_truncated_factor_breaks_the_spectrum_and_spo_orthogonality():
    """A CNP factor of odd order is visibly not orthogonal: the SPO check's law (exact
    orthogonality) fails on it."""
    from scalinglaws.validators.engine import Value

    Q = ops.skew_with_radius(8, 0.5, np.random.default_rng(4))
    R = ops.cayley_neumann(Q, 1)
    err = float(np.max(np.abs(R.T @ R - np.eye(8))))
    m = Value(err, (err - 1e-12, err + 1e-12), "CNP k = 1 factor", deterministic=True)
    (chk,) = select_checks(("poet.spo_orthogonality[BS]",))
    assert judge(chk, m, Settings()).outcome == "fail"
