r"""Exponent bookkeeping that lands on the μP table of :mod:`scalinglaws.papers.mup` (TP5).

A layer computes :math:`z = W u` with :math:`W` of shape fan-out × fan-in, input coordinates
:math:`|u| = 1`, and receives the backward signal :math:`\delta = \partial L/\partial z`.
Desiderata (TP5, our bookkeeping): (i) :math:`z` has Θ(1) coordinates at init (variance
:math:`1/\text{fan-in}`) except at the output, whose initial value must not dominate; (ii) one
step moves :math:`z` by Θ(1): SGD's :math:`\Delta W = \eta\,\delta\otimes u` moves it by
:math:`\eta\,\text{fan-in}\,|\delta|`, Adam's entries move by :math:`\eta` and :math:`z` by
:math:`\eta\,\text{fan-in}`; (iii) backward sizes: :math:`\delta = 1` at the output, and
:math:`\delta = 1/\text{fan-out}` into a layer whose output feeds a width-:math:`n` hidden or
output layer (the output weights learn entries of size :math:`1/n`); (iv) the output weights'
initial entries must not exceed their update (:math:`\sqrt{\text{var}} \le \eta_{out} = 1/\text{fan-in}`,
variance :math:`1/\text{fan-in}^2`), else the backward signal is dominated by the random
initial readout (the kernel regime).

Input rows are compared with the law with the fan-in held fixed, output rows with the fan-out
held fixed (:func:`lands`), since that is what the rows assert.

>>> d = TABLE_DERIVATIONS["mup.hidden.lr_sgd"]()
>>> d.result
fan_out/fan_in
>>> lands(d)
True
"""

from __future__ import annotations

import functools

import sympy as sp

from scalinglaws.law import leading_exponent
from scalinglaws.registry import law as _law
from scalinglaws.registry import paper as _paper

from . import Derivation

__all__ = ["TABLE_DERIVATIONS", "LANDING", "DERIVATIONS", "NOT_DERIVED", "lands", "derive"]

_P = _paper("mup").params
fan_in, fan_out = _P["fan_in"].symbol, _P["fan_out"].symbol
_FIXED = {"input": {fan_in: sp.Integer(1)}, "output": {fan_out: sp.Integer(1)}, "hidden": {}}


def derive(group: str, quantity: str) -> Derivation:
    """The derivation of ``mup.<group>.<quantity>``."""
    steps = []
    delta = sp.Integer(1) if group == "output" else 1 / fan_out
    steps.append(("backward signal into the layer's output", delta))
    if quantity == "init_var":
        if group == "output":
            lr_out = 1 / fan_in
            steps.append(("output update entries eta_out |delta| |u| = 1/fan_in", lr_out))
            value = lr_out**2
            steps.append(("initial entries no larger: var = (1/fan_in)^2", value))
        else:
            value = 1 / fan_in
            steps.append(("|z|^2 = fan_in var = 1", value))
    elif quantity == "lr_sgd":
        value = 1 / (fan_in * delta)
        steps.append(("Delta z = eta fan_in |delta| = 1", value))
    elif quantity == "lr_adam":
        value = 1 / fan_in
        steps.append(("Delta z = eta fan_in = 1", value))
    else:
        raise ValueError(f"unknown quantity {quantity!r}")
    if _FIXED[group]:
        steps.append(("with the fixed dimension set to 1", value.xreplace(_FIXED[group])))
    return Derivation(f"mup.{group}.{quantity}", f"muP {quantity} of {group} weights", steps, value,
                      notes="Our bookkeeping of the TP5 desiderata.")


def lands(derivation: Derivation) -> bool:
    """Whether the derivation lands on its law with the row's fixed dimension held fixed."""
    item = _law(derivation.key)
    group = derivation.key.split(".")[1]
    fixed = _FIXED[group]
    got = derivation.result.xreplace(fixed)
    expected = item.expr.xreplace(fixed)
    for var in (fan_in, fan_out):
        if sp.simplify(leading_exponent(got, var) - leading_exponent(expected, var)) != 0:
            return False
    return True


#: How these derivations land (see :func:`scalinglaws.derivations.run_all_modulo`).
LANDING = "modulo the row's fixed dimension (exponents in fan-in and fan-out compared)"

#: ``{law_key: function}``, landing modulo the fixed dimension (:func:`lands`); kept out of
#: the shared exact ``DERIVATIONS`` registry.
TABLE_DERIVATIONS = {
    f"mup.{g}.{q}": functools.partial(derive, g, q)
    for g in ("input", "hidden", "output")
    for q in ("init_var", "lr_sgd", "lr_adam")
}
DERIVATIONS: dict = {}
NOT_DERIVED: dict = {
    "mup.hidden.max_update": (
        "The maximal-update desideratum the table derivations start from (step (ii) of the "
        "bookkeeping above), not a consequence of them: the table assumes it, the coordinate "
        "check tests it."
    ),
}
