"""Lion: the update, the README's translation rule, the l_inf box and the update-RMS ratio."""

import math

import numpy as np
import pytest

import scalinglaws as sl
from scalinglaws.derivations import check as lands
from scalinglaws.derivations import lion as D
from scalinglaws.validators.engine import Settings, Value, judge, select_checks
from scalinglaws.validators.processes import optimizer_steps as ops


def _check(name):
    (chk,) = select_checks((name,))
    return chk


def test_every_law_is_derived_and_lands():
    keys = {law.key for law in sl.laws(paper="lion")}
    assert keys == set(D.DERIVATIONS) | set(D.NOT_DERIVED)
    for key, fn in D.DERIVATIONS.items():
        assert lands(fn()), key
    assert sl.law("lion.update").status == "authors_code"
    assert sl.law("lion.box").status == "derived"


def test_update_law_is_the_code_step():
    law = sl.law("lion.update")
    # c = 0.9 * (-1) + 0.1 * 2 = -0.7: sign -1
    assert float(law.evaluate(theta=0.5, m=-1, g=2, lr=0.1, lam=0.2, beta1=0.9)) == pytest.approx(
        0.5 * (1 - 0.02) + 0.1)
    # one step of the process with zero noise, h = 0 (g = 0, m = 0: sign(0) = 0, pure decay)
    _, th = ops.lion_quadratic(np.zeros(1), np.zeros(1), np.array([1.5]), lr=0.1, wd=0.2,
                               steps=1, noise=0.0, seed=0)
    assert th[0] == pytest.approx(1.5 * 0.98)


@pytest.mark.parametrize("lion_lr, lion_wd, adamw_lr, adamw_wd", [
    (1e-4, 10.0, 1e-3, 1.0),  # ViT-B/16
    (3e-5, 0.1, 3e-4, 0.01),  # diffusion
    (1e-4, 0.01, 1e-3, 0.001),  # 7.5B LM (Adafactor)
])
def test_readme_worked_pairs_keep_lr_times_lambda(lion_lr, lion_wd, adamw_lr, adamw_wd):
    law = sl.law("lion.translation_weight_decay")
    assert float(law.evaluate(lr=lion_lr, lr_adamw=adamw_lr, lam_adamw=adamw_wd)) == (
        pytest.approx(lion_wd))
    assert 3 <= adamw_lr / lion_lr <= 10


def test_rms_ratio_sits_inside_the_readme_range():
    law = sl.law("lion.update_rms_ratio")
    assert float(law.evaluate(beta1=0.9)) == pytest.approx(math.sqrt(19))
    assert 3 <= float(law.evaluate(beta1=0.9)) <= 10


def test_box_violated_by_a_start_outside_or_too_large_a_step():
    law = sl.law("lion.box")
    with pytest.raises(sl.RegimeError):
        law.evaluate(lr=3.0, lam=1.0, th0inf=0.5)  # lr lam > 1: |theta| can leave the box
    top, _ = ops.lion_quadratic(np.ones(3), 10 * np.ones(3), np.zeros(3), lr=3.0, wd=1.0,
                                steps=20, noise=0.0, seed=0)
    assert top > 1.0  # so the regime condition is needed


def test_quick_checks_pass_and_a_perturbed_run_fails():
    checks = [c for c in select_checks(("lion",)) if not c.full_only]
    checked = {c.law_key for c in checks}
    for law in sl.laws(paper="lion"):
        assert (law.key in checked) != bool(law.unchecked), law.key
    for chk in checks:
        m = chk.measure(Settings())
        v = judge(chk, m, Settings())
        assert v.outcome == "pass", (chk.name, v.summary())
        assert v.negative_control["rejected"], chk.name
        assert judge(chk, m, Settings(perturb=0.1)).outcome == "fail", chk.name


def test_rms_ratio_rejects_adams_beta2_mismatch_and_is_reproducible():
    a = _check("lion.update_rms_ratio[beta1=0.9]").measure(Settings(seed=5))
    b = _check("lion.update_rms_ratio[beta1=0.9]").measure(Settings(seed=5))
    assert a.value == b.value
    # the same measurement read as if Adam had beta1 = 0.8 (ratio 3.0): rejected
    wrong = Value(a.value, a.ci, a.method, point={"beta1": 0.8}, relative=True)
    assert judge(_check("lion.update_rms_ratio[beta1=0.9]"), wrong, Settings()).outcome == "fail"
