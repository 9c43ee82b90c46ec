"""Coordinate check of the TP5 μP table (:mod:`scalinglaws.papers.mup`) in a plain MLP.

A ReLU MLP ``D=16 -> n -> n -> 4`` (:func:`scalinglaws.validators.processes.moe.mlp_coord_check`)
is trained for 3 steps (SGD or Adam, MSE, teacher targets) with the registered μP table applied
at each width: variances from the ``init_var`` laws, learning rates ``lr · factor(n)/factor(n0)``
from the ``lr_sgd`` / ``lr_adam`` laws (n0 = 64). Observable, one value per replica: the RMS
change of the hidden pre-activation :math:`z_2` on a fixed batch. Its slope in ``n`` is fitted
over ``n = 128..1024`` (the base width excluded, as in the digest's protocol) with a bootstrap
interval over 20 replicas.

Prediction from the laws (our bookkeeping): SGD moves :math:`z_2` by
:math:`\\eta_{hidden}\\, n\\, |\\delta_2|` with :math:`|\\delta_2| = \\eta_{out}` (the learned
readout entries), Adam by :math:`\\eta_{hidden}\\, n`; exponents in ``n`` of the registered
factors give 0 under μP. No slack (Θ statements, no log factor). The standard
parameterization (variance 1/fan-in, one learning rate) fails the same check
(``tests/test_mup.py``).
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

import scalinglaws as sl

from .checks import Settings, check
from .fit import fit_loglog_slope, make_verdict

D, C = 16, 4
BASE_LR = {"sgd": 0.1, "adam": 0.01}
REPLICAS = 20
NEGATIVE_SHIFT = 0.15


def _grid(full: bool):
    return (64, 128, 256, 512, 1024, 2048) if full else (64, 128, 256, 512, 1024)


def _dims(n):
    return {"input": (D, n), "hidden": (n, n), "output": (n, C)}


def _at(expr, fan_in, fan_out) -> float:
    p = sl.law("mup.hidden.init_var").params["fan_in"].symbol
    q = sl.law("mup.hidden.lr_sgd").params["fan_out"].symbol
    return float(sp.sympify(expr).xreplace({p: fan_in, q: fan_out}))


def recipe(parameterization: str, optimizer: str, n: int, n0: int):
    """(variances, learning rates) of the MLP at width ``n`` (``"mup"`` or ``"sp"``)."""
    var, lr = {}, {}
    for g, (i, o) in _dims(n).items():
        if parameterization == "sp":
            var[g], lr[g] = 1.0 / i, BASE_LR[optimizer]
            continue
        i0, o0 = _dims(n0)[g]
        factor = sl.law(f"mup.{g}.lr_{optimizer}").expr
        var[g] = _at(sl.law(f"mup.{g}.init_var").expr, i, o)
        lr[g] = BASE_LR[optimizer] * _at(factor, i, o) / _at(factor, i0, o0)
    return var, lr


@functools.lru_cache(maxsize=8)
def simulate(parameterization: str, optimizer: str, seed: int = 0, full: bool = False,
             backend: str = "numpy"):
    """(grid, hidden change (R, n)) of the MLP coordinate check."""
    from .backend import get_backend
    from .processes.moe import MLPShape, mlp_coord_check

    xp = get_backend("cupy" if backend == "cupy" else "numpy").xp
    grid = _grid(full)
    root = np.random.SeedSequence([seed, 5, {"sgd": 1, "adam": 2}[optimizer]])
    rows = []
    for n, child in zip(grid, root.spawn(len(grid))):
        var, lr = recipe(parameterization, optimizer, n, grid[0])
        out = mlp_coord_check(MLPShape(D, n, C), var, lr, optimizer=optimizer,
                              replicas=32 if full else REPLICAS, steps=3, seed=child, xp=xp)
        rows.append(out["hidden"])
    return np.array(grid, dtype=float), np.stack(rows, axis=1)


def predicted_exponent(optimizer: str) -> float:
    """The predicted slope in ``n`` of the hidden pre-activation change, from the laws.

    >>> predicted_exponent("sgd"), predicted_exponent("adam")
    (0.0, 0.0)
    """
    from scalinglaws.law import leading_exponent

    n = sp.Symbol("n", positive=True)
    p = sl.law("mup.hidden.init_var").params["fan_in"].symbol
    q = sl.law("mup.hidden.lr_sgd").params["fan_out"].symbol
    hidden = sl.law(f"mup.hidden.lr_{optimizer}").expr.xreplace({p: n, q: n})
    size = hidden * n
    if optimizer == "sgd":
        size *= sl.law("mup.output.lr_sgd").expr.xreplace({p: n, q: C})
    return float(leading_exponent(size, n))


def verdict(optimizer: str, settings: Settings, data_parameterization: str = "mup"):
    grid, y = simulate(data_parameterization, optimizer, settings.seed, settings.full, settings.backend)
    fit = fit_loglog_slope(grid, y, (grid[1], grid[-1]), seed=settings.seed)
    v = make_verdict(
        f"mup.hidden.lr_{optimizer}",
        f"hidden pre-activation change, {optimizer}, muP law on {data_parameterization} data",
        predicted_exponent(optimizer) + settings.perturb,
        fit,
        slack=0.0,
        slack_reason="none: Θ law, no log factor",
        negative_shift=NEGATIVE_SHIFT,
        notes=f"ReLU MLP {D}-n-n-{C}, 3 steps, base lr {BASE_LR[optimizer]}",
    )
    v.data = dict(v.data, xlabel="width n", ylabel="RMS change of the hidden pre-activation")
    return v


@check("mup.hidden.lr_sgd", name="mup.coord_check.sgd", quick_seconds=3.0)
def coord_check_sgd(settings: Settings):
    """Width-independent hidden-coordinate updates under the TP5 μP table with SGD."""
    return verdict("sgd", settings)


_ADAM_FINDING = (
    "finding: hidden-update slope -0.022, 95% CI [-0.038, -0.005] over n = 128..1024 "
    "(20 replicas, 3 Adam steps) against the predicted 0; SP gives +1.11"
)


@check("mup.hidden.lr_adam", name="mup.coord_check.adam", quick_seconds=3.0,
       known_failure=_ADAM_FINDING)
def coord_check_adam(settings: Settings):
    """Width-independent hidden-coordinate updates under the TP5 μP table with Adam."""
    return verdict("adam", settings)
