"""Cross-paper identities between the anytime and the functional-scaling-law conventions.

Digest section 5: with the dictionary a = beta, b = 1 + s beta (anytime capacity/source from FSL
capacity/relative difficulty), the registered laws of the two papers, and the classic
(Dieuleveut-Bach) horizon-optimal step, must agree. Every identity is built from the REGISTERED
expressions (``sl.law(key).expr`` or ``.exponent(var)``), substituted and simplified to 0; a
wrong dictionary must not simplify to 0.
"""

import pytest
import sympy as sp

import scalinglaws as sl

ANY = sl.paper("anytime").params
FSL = sl.paper("functional_scaling").params
a, b = ANY["a"].symbol, ANY["b"].symbol
s, beta = FSL["s"].symbol, FSL["beta"].symbol
#: in the easy regime s >= 1 - 1/beta, write s = 1 - 1/beta + delta (delta >= 0) so that SymPy can
#: decide the sign of 1 - a/b
delta = sp.Symbol("delta", nonnegative=True)
EASY = {s: 1 - 1 / beta + delta}
#: in the hard regime s = (1 - 1/beta) * u with 0 < u <= 1
u = sp.Symbol("u", positive=True)

RIGHT = {a: beta, b: 1 + s * beta}
WRONG = [
    {a: beta, b: s * beta},  # forgets the 1 in b = 1 + s beta (source vs relative difficulty)
    {a: 1 + s * beta, b: beta},  # a and b swapped (the third-party mix-up, digest section 1)
]


def _zero(expr, extra=None) -> bool:
    expr = expr.subs(extra or {})
    return sp.simplify(sp.expand(expr)) == 0


def _to_fsl(expr, mapping):
    return expr.xreplace(mapping)


# ---- the identities, as functions of the dictionary ----------------------------------------------


def decay_vs_fsl_peak(mapping):
    """anytime gamma* = FSL exponential-decay optimal peak-LR exponent (easy regime)."""
    gamma_star = _to_fsl(sl.law("anytime.optimal_decay_exponent").expr, mapping)
    peak = -sl.law("functional_scaling.exp_decay.data_optimal_lr.easy").exponent("D")
    return (gamma_star - peak).subs(EASY)


def decay_vs_wsd_peak(mapping):
    """anytime gamma* = FSL WSD-like optimal peak-LR exponent (log factors dropped)."""
    gamma_star = _to_fsl(sl.law("anytime.optimal_decay_exponent").expr, mapping)
    peak = -sl.law("functional_scaling.wsd.data_optimal_lr.easy").exponent("D")
    return (gamma_star - peak).subs(EASY)


def decay_vs_classic_step(mapping):
    """anytime gamma* = the classic horizon-optimal constant step exponent, eta ~ N^-gamma*."""
    gamma_star = sl.law("anytime.optimal_decay_exponent").expr
    classic = -sl.law("anytime.classic.horizon_optimal_step").exponent("N")
    # both in anytime symbols; pass through the FSL dictionary so the check sees the mapping
    return (_to_fsl(gamma_star, mapping) - _to_fsl(classic, mapping)).subs(EASY)


def minimax_vs_fsl(mapping, schedule="exp_decay"):
    """anytime minimax exponent (b-1)/b = FSL exp/WSD easy data-optimal exponent s beta/(1+s beta)."""
    minimax = _to_fsl(sl.law("anytime.minimax_risk_exponent").expr, mapping)
    fsl = sl.law(f"functional_scaling.{schedule}.data_optimal_loss_exponent.easy").expr
    return minimax - fsl


def hard_vs_fsl(mapping, schedule="exp_decay"):
    """anytime hard rate (b-1)/a = FSL hard data-optimal exponent s."""
    hard = _to_fsl(sl.law("anytime.constant_lr_suffices").expr, mapping)
    fsl = sl.law(f"functional_scaling.{schedule}.data_optimal_loss_exponent.hard").expr
    return hard - fsl


def boundary(mapping):
    """The easy/hard boundary b = a is s = 1 - 1/beta: b - a = beta (s - (1 - 1/beta))."""
    (anytime_cond,) = sl.law("anytime.constant_lr_suffices").conditions  # b <= a
    (fsl_cond,) = [c for c in sl.law("functional_scaling.exp_decay.data_optimal_loss_exponent.hard").conditions]
    lhs = _to_fsl(anytime_cond.lhs - anytime_cond.rhs, mapping)  # b - a
    rhs = fsl_cond.lhs - fsl_cond.rhs  # s - (1 - 1/beta)
    return lhs - beta * rhs


IDENTITIES = {
    "decay=fsl_exp_peak": decay_vs_fsl_peak,
    "decay=fsl_wsd_peak": decay_vs_wsd_peak,
    "minimax=fsl_exp": minimax_vs_fsl,
    "minimax=fsl_wsd": lambda m: minimax_vs_fsl(m, "wsd"),
    "hard=fsl_exp": hard_vs_fsl,
    "hard=fsl_wsd": lambda m: hard_vs_fsl(m, "wsd"),
    "boundary": boundary,
}


@pytest.mark.parametrize("name", sorted(IDENTITIES))
def test_identity_holds_with_the_dictionary(name):
    assert _zero(IDENTITIES[name](RIGHT)), IDENTITIES[name](RIGHT)


@pytest.mark.parametrize("name", sorted(IDENTITIES))
@pytest.mark.parametrize("wrong", range(len(WRONG)))
def test_identity_fails_with_a_wrong_dictionary(name, wrong):
    assert not _zero(IDENTITIES[name](WRONG[wrong]))


def test_decay_equals_classic_step_exponent():
    # gamma*_anytime == the Dieuleveut-Bach horizon-optimal step exponent, in anytime symbols
    gamma_star = sl.law("anytime.optimal_decay_exponent").expr
    classic = -sl.law("anytime.classic.horizon_optimal_step").exponent("N")
    eps = sp.Symbol("eps", nonnegative=True)
    assert _zero((gamma_star - classic).subs(b, a + eps))
    assert _zero(decay_vs_classic_step(RIGHT))
    # and the three exponents coincide: anytime = classic = FSL peak
    assert _zero(decay_vs_classic_step(RIGHT) - decay_vs_fsl_peak(RIGHT))
    # negative control: the classic exponent is not 1 - b/a
    assert not _zero((1 - b / a) - classic)


def test_minimax_and_classic_averaged_rate_agree():
    averaged = sl.law("anytime.classic.averaged_rate_exponent").expr
    assert _zero(_to_fsl(averaged, RIGHT) - sl.law(
        "functional_scaling.exp_decay.data_optimal_loss_exponent.easy").expr)


def test_averaging_beats_the_constant_last_iterate_in_the_hard_regime():
    # item 4: FSL's constant-LR last iterate s/(s+1), mapped back (s = (b-1)/a), is below the
    # averaged constant-LR rate (b-1)/a of the anytime paper whenever b > 1
    last = sl.law("functional_scaling.constant.data_optimal_loss_exponent").expr
    back = last.xreplace({s: (b - 1) / a})
    averaged = sl.law("anytime.constant_lr_suffices").expr
    gap = sp.simplify(averaged - back)
    eps = sp.Symbol("eps", positive=True)
    assert sp.simplify(gap.subs(b, 1 + eps)).is_positive
    assert _zero(back - (b - 1) / (a + b - 1))
    # negative control: the gap is not zero (the two rates differ)
    assert not _zero(gap)


def test_hard_regime_equivalence_with_the_other_parametrisation():
    # the hard identity also holds written with s = (1 - 1/beta) u, 0 < u <= 1
    assert _zero(hard_vs_fsl(RIGHT).subs(s, (1 - 1 / beta) * u))
