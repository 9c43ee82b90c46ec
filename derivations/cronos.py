r"""Derivations of the laws of :mod:`scalinglaws.papers.cronos`.

The one step behind the convex reformulation: for a neuron with product :math:`u\alpha = w`,
the constraint fixes :math:`u = w/\alpha`, and :math:`\tfrac12(\|w\|^2/\alpha^2 + \alpha^2)` is
minimal at :math:`\alpha^2 = \|w\|`, with value :math:`\|w\|` (AM-GM). Substituting it neuron by
neuron turns the weight-decayed gated network into the group lasso with the same data-fit term,
so the optimal values agree. The pattern count is Cover's count of the regions of a central
arrangement of :math:`n` lines through the origin of the plane.

>>> from scalinglaws.derivations import check
>>> check(DERIVATIONS["cronos.amgm_identity"]())
True
"""

from __future__ import annotations

import sympy as sp

from scalinglaws.registry import paper as _paper

from . import Derivation

__all__ = ["DERIVATIONS", "NOT_DERIVED"]

_P = _paper("cronos").params
w, n = _P["w"].symbol, _P["n"].symbol
_alpha = sp.Symbol("alpha", positive=True)
_k = sp.Symbol("k", integer=True, nonnegative=True)


def _neuron_penalty():
    f = sp.Rational(1, 2) * (w**2 / _alpha**2 + _alpha**2)
    (crit,) = sp.solve(sp.diff(f, _alpha), _alpha)
    value = sp.simplify(f.subs(_alpha, crit))
    steps = [("u = w/alpha: 1/2 (||u||^2 + alpha^2)", f), ("stationary alpha", crit),
             ("minimum", value)]
    return steps, value


def amgm_identity() -> Derivation:
    steps, value = _neuron_penalty()
    return Derivation("cronos.amgm_identity", "minimize the weight decay of one neuron at fixed "
                      "product", steps, value)


def gated_relu_equivalence() -> Derivation:
    steps, value = _neuron_penalty()
    fit = sp.Symbol("F", positive=True)  # the common data-fit term 1/2 ||sum D_i X w_i - y||^2
    beta = sp.Symbol("beta", positive=True)
    nonconvex = fit + beta * value  # per neuron, after minimizing over the split of w
    convex = fit + beta * w
    ratio = sp.simplify(nonconvex / convex)
    return Derivation("cronos.gated_relu_equivalence",
                      "minimize over the split u alpha = w inside the non-convex objective",
                      steps + [("non-convex objective at the best split", nonconvex),
                               ("group-lasso objective", convex), ("ratio", ratio)], ratio,
                      notes="Each gate carries one neuron; the data fit depends on w = u alpha only.")


def pattern_count_bound() -> Derivation:
    r = 2
    total = 2 * sp.Sum(sp.binomial(n - 1, _k), (_k, 0, r - 1))
    value = sp.simplify(total.doit())
    return Derivation("cronos.pattern_count_bound",
                      "Cover's count 2 sum_{k<r} C(n-1, k) of the regions of n central lines, r = 2",
                      [("count", total), ("at r = 2", value)], value)


DERIVATIONS = {
    "cronos.amgm_identity": amgm_identity,
    "cronos.gated_relu_equivalence": gated_relu_equivalence,
    "cronos.pattern_count_bound": pattern_count_bound,
}
NOT_DERIVED: dict = {}
