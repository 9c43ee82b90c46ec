"""Derivations of the Lion laws (:mod:`scalinglaws.papers.lion`).

Start: the code's step (``theta *= 1 - lr lam``, then ``theta -= lr sign(c)``), the README's
effective weight decay ``lr x lam``, and Adam's first moment as an EMA of i.i.d. noise.

>>> from scalinglaws.derivations import check
>>> check(DERIVATIONS["lion.box"]())
True
"""

from __future__ import annotations

import sympy as sp

from scalinglaws.registry import paper as _paper

from . import Derivation

__all__ = ["DERIVATIONS", "NOT_DERIVED"]

_P = _paper("lion").params
theta, m, g, lr, lam, beta1, lr_adamw, lam_adamw, th0inf = (
    _P[n].symbol for n in ("theta", "m", "g", "lr", "lam", "beta1", "lr_adamw", "lam_adamw",
                           "th0inf")
)


def update() -> Derivation:
    c = beta1 * m + (1 - beta1) * g
    decayed = theta * (1 - lr * lam)
    code = sp.expand(decayed - lr * sp.sign(c))
    return Derivation(
        "lion.update", "the code's two-stage step as one update",
        [("interpolation c = beta1 m + (1 - beta1) g", c),
         ("decay first: theta (1 - lr lam)", decayed),
         ("then the sign step, expanded", code)],
        code,
        notes="Equal to theta - lr (sign(c) + lam theta) with the old theta.",
    )


def translation_weight_decay() -> Derivation:
    lam_l = sp.Symbol("lam_L", positive=True)
    (sol,) = sp.solve(sp.Eq(lr * lam_l, lr_adamw * lam_adamw), lam_l)
    return Derivation(
        "lion.translation_weight_decay", "keep the effective weight decay lr x lam",
        [("README: effective weight decay is lr x lambda, kept equal",
          sp.Eq(lr * lam_l, lr_adamw * lam_adamw)),
         ("solve for Lion's lambda", sol)],
        sol,
    )


def box() -> Derivation:
    worst = (1 - lr * lam) * (1 / lam) + lr  # |theta| = 1/lam and the sign step outward
    bound = sp.simplify(worst)
    return Derivation(
        "lion.box", "largest |theta'| from |theta| <= 1/lam",
        [("|theta (1 - lr lam) - lr sign(c)| <= (1 - lr lam)|theta| + lr (lr lam <= 1)",
          (1 - lr * lam) * sp.Symbol("|theta|") + lr),
         ("at |theta| = 1/lam", worst), ("simplified: the box maps into itself", bound)],
        bound,
    )


def update_rms_ratio() -> Derivation:
    k = sp.Symbol("k", integer=True, nonnegative=True)
    # m_t = (1 - beta1) sum_k beta1^k g_{t-k}, g i.i.d. with variance v; v_hat -> v
    var = sp.simplify(sp.summation(((1 - beta1) * beta1**k) ** 2, (k, 0, sp.oo)))
    var = sp.simplify(sp.piecewise_fold(var).args[0][0] if isinstance(var, sp.Piecewise) else var)
    adam_rms = sp.sqrt(sp.factor(var))
    ratio = sp.sqrt(sp.cancel(sp.together(1 / var)))
    return Derivation(
        "lion.update_rms_ratio", "RMS(sign) / RMS(m_hat / sqrt(v_hat)) on stationary noise",
        [("Var(m)/v: sum_k ((1 - beta1) beta1^k)^2", var),
         ("Adam update RMS with v_hat = v (beta2 -> 1)", adam_rms),
         ("Lion's sign has RMS 1; ratio", ratio)],
        ratio,
    )


DERIVATIONS = {
    "lion.update": update,
    "lion.translation_weight_decay": translation_weight_decay,
    "lion.box": box,
    "lion.update_rms_ratio": update_rms_ratio,
}

NOT_DERIVED: dict[str, str] = {}
