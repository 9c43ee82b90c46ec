r"""Derivations of the side results of :mod:`scalinglaws.papers.stochastic_adam`.

Model: one coordinate, batch-mean gradient :math:`\hat g \sim N(\mu, \sigma^2/B)`. SignSGD's mean
update is :math:`P(\hat g > 0) - P(\hat g < 0) = 1 - 2F(0)`; Adam with :math:`\beta_1 = 0` and
:math:`\beta_2 \to 1` divides by :math:`\sqrt{v}` with :math:`v \to \mathbb E\hat g^2`. Both from
``sympy.stats``.

>>> from scalinglaws.derivations import check
>>> check(DERIVATIONS["stochastic_adam.slow_v_drift"]())
True
"""

from __future__ import annotations

import sympy as sp
from sympy.stats import E, Normal, cdf

from scalinglaws.registry import paper as _paper

from . import Derivation

__all__ = ["DERIVATIONS", "NOT_DERIVED"]

_P = _paper("stochastic_adam").params
mu, sigma, B = (_P[n].symbol for n in ("mu", "sigma", "B"))


def _gbar():
    return Normal("g_hat", mu, sigma / sp.sqrt(B))


def signsgd_drift() -> Derivation:
    F0 = cdf(_gbar())(0)
    drift = sp.simplify(1 - 2 * F0)
    return Derivation("stochastic_adam.signsgd_drift",
                      "E sign g_hat = P(g_hat > 0) - P(g_hat < 0) = 1 - 2 F(0)",
                      [("F(0) for g_hat ~ N(mu, sigma^2/B)", F0), ("1 - 2 F(0)", drift)], drift)


def slow_v_drift() -> Derivation:
    g = _gbar()
    v = sp.simplify(E(g**2))
    drift = E(g) / sp.sqrt(v)
    return Derivation("stochastic_adam.slow_v_drift",
                      "E[g_hat]/sqrt(v) with v -> E g_hat^2 as beta2 -> 1",
                      [("v = E g_hat^2", v), ("E g_hat / sqrt(v)", drift)], drift,
                      notes="Drops the O(1 - beta2) fluctuation of v and its correlation with g_hat.")


DERIVATIONS = {
    "stochastic_adam.signsgd_drift": signsgd_drift,
    "stochastic_adam.slow_v_drift": slow_v_drift,
}

_NO_FORM = ("the paper's statement (abstract) is an asymptotic claim under Theta-tilde "
            "conditions whose expressions we could not read; registered with its bare order, "
            "nothing to derive")
NOT_DERIVED = {
    "stochastic_adam.large_batch_test_error": _NO_FORM,
    "stochastic_adam.minibatch_test_error": _NO_FORM,
    "stochastic_adam.weight_decay_bound_ratio": _NO_FORM,
}
