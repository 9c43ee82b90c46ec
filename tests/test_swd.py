"""Weight-decay pitfalls / SWD: laws, derivations, the weight-decay processes and the checks."""

import numpy as np
import pytest

import scalinglaws as sl
from scalinglaws.derivations import check as lands
from scalinglaws.derivations import swd as D
from scalinglaws.validators.engine import Settings, Value, judge, select_checks
from scalinglaws.validators.processes import optimizer_steps as ops


def _check(name):
    (chk,) = select_checks((name,))
    return chk


def test_every_law_is_derived_and_lands():
    keys = {law.key for law in sl.laws(paper="swd")}
    assert keys == set(D.DERIVATIONS) | set(D.NOT_DERIVED)
    for key, fn in D.DERIVATIONS.items():
        assert lands(fn()), key
    assert {law.status for law in sl.laws(paper="swd")} == {"derived"}


def test_annealing_raises_the_vanilla_gradient_norm_but_not_the_coupled_one():
    vanilla = sl.law("swd.vanilla_gradient_norm")
    assert float(vanilla.evaluate(eta=0.02, lam0=0.01, h=1)) == pytest.approx(
        5 * float(vanilla.evaluate(eta=0.1, lam0=0.01, h=1)))
    gap = sl.law("swd.vanilla_phase_gap")
    assert float(gap.evaluate(eta1=0.1, eta2=0.02, h=1, a=2, lam0=0.01)) > 0
    with pytest.raises(sl.RegimeError):
        gap.evaluate(eta1=0.02, eta2=0.1, h=1, a=2, lam0=0.01)


def test_vanilla_process_has_no_common_fixed_point_and_coupled_does():
    h, a = np.array([0.5, 1.5]), np.array([2.0, 1.0])
    etas = [0.1, 0.02, 0.1, 0.02]
    v = ops.weight_decay_quadratic(h, a, np.zeros(2), etas=etas, phase_steps=3000, decay=0.01,
                                   mode="vanilla")
    assert np.allclose(v[0], v[2], rtol=1e-12) and np.allclose(v[1], v[3], rtol=1e-12)
    assert np.min(np.abs(v[0] - v[1])) > 0.05  # it keeps jumping between the phase points
    c = ops.weight_decay_quadratic(h, a, np.zeros(2), etas=etas, phase_steps=3000, decay=0.05,
                                   mode="coupled")
    assert np.allclose(c, h * a / (h + 0.05), rtol=1e-12)
    with pytest.raises(ValueError):
        ops.weight_decay_quadratic(h, a, np.zeros(2), etas=etas, phase_steps=1, decay=0.1,
                                   mode="l1")


def test_adams_matches_a_plain_reimplementation_of_the_authors_step():
    rng = np.random.default_rng(1)
    h, a = rng.uniform(0.5, 2, 5), rng.uniform(3, 5, 5)
    th, m, v = np.zeros(5), np.zeros(5), np.zeros(5)
    lr, wd, b1, b2, eps = 0.05, 0.5, 0.9, 0.99, 1e-8
    for t in range(1, 41):
        g = h * (th - a)
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        vh = v / (1 - b2**t)
        th = th * (1 - wd * lr / np.sqrt(vh.mean()))
        th = th - lr / (1 - b1**t) * m / (np.sqrt(vh) + eps)
    ours = ops.adams_quadratic(h, a, np.zeros(5), lr=lr, lr_decay=1.0, steps=40, wd=wd,
                               betas=(b1, b2), eps=eps)
    assert np.allclose(ours, th, rtol=1e-13)


def test_quick_checks_pass_and_a_perturbed_run_fails():
    checks = [c for c in select_checks(("swd",)) if not c.full_only]
    assert {c.law_key for c in checks} == {law.key for law in sl.laws(paper="swd")}
    for chk in checks:
        m = chk.measure(Settings())
        v = judge(chk, m, Settings())
        assert v.outcome == "pass", (chk.name, v.summary())
        assert v.negative_control["rejected"], chk.name
        assert judge(chk, m, Settings(perturb=0.1)).outcome == "fail", chk.name


def test_the_coupled_identity_rejects_a_vanilla_run():
    """The coupled law read on a vanilla-decay run (lam0/eta = 0.5 != lam): the check fails."""
    m = _check("swd.vanilla_gradient_norm[eta=0.02]").measure(Settings())
    as_coupled = Value(m.value, m.ci, m.method, point={"lam": 0.05}, relative=True,
                       deterministic=True)
    assert judge(_check("swd.coupled_gradient_norm"), as_coupled, Settings()).outcome == "fail"
