"""Coordinate checks of the μP and MSSP tables of :mod:`scalinglaws.papers.moe_mssp` (SGD).

The process is the MLP-MoE of :mod:`scalinglaws.validators.processes.moe` (soft sigmoid routing
over all experts, MSE, teacher targets, online SGD), with the registered table of the regime and
parameterization applied by name (:func:`scalinglaws.papers.moe_mssp.param_table`): init
variances as the table's expressions, learning rates ``lr · factor(N)/factor(N_base)``. Grids
follow the regime's joint limit:

* Regime II: ``N_e = 16`` fixed, ``M = K = N/8``, ``N`` from 64 to 512;
* Regime III: ``N_e = N/2``, ``M = K = N/16``, ``N`` from 64 to 384.

Observables, one value per replica (independent seed streams): the RMS of the aggregation's
initial term :math:`h_{agg}(0)` and the RMS of the output change :math:`\\hat y_3 - \\hat y_0` after
three steps on the first training batch. Slopes against ``N`` are fitted with a bootstrap
interval over replicas (:func:`~scalinglaws.validators.fit.fit_loglog_slope`).

Predictions, from the registered laws through our bookkeeping (no slack: the laws are Θ
statements and the bookkeeping carries no log factor):

* initial term :math:`\\rho\\,\\sqrt{M}\\,\\sqrt{N_e \\sigma_2^2}` for independent experts and
  :math:`\\rho\\,M\\sqrt{N_e\\sigma_2^2}` for shared ones (:math:`\\rho` the aggregation law,
  :math:`\\sigma_2^2` the expert-down variance law), reduced along the regime
  (μP: :math:`-1/2`, MSSP: 0);
* output change :math:`\\eta_{out} N |h_{agg}(0)|^2` (the readout's early update dominates):
  exponent of the readout learning-rate law + 1 + twice the initial term's (μP: −1, MSSP: 0).

Negative control beyond the shifted predictions: the standard parameterization
(:func:`sp_table`: variance 1/fan-in everywhere, raw sigmoid gates, one learning rate tuned at
the base width) fails the same checks (``tests/test_moe_mssp.py``).
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

import scalinglaws as sl
from scalinglaws.papers import moe_mssp as P

from .checks import Settings, check
from .fit import fit_loglog_slope, make_verdict

NEGATIVE_SHIFT = 0.15
BASE_LR = 0.1
REPLICAS = 16
STEPS = 3

_SETUP = {
    "II": {
        "grid": (64, 96, 128, 192, 256, 384, 512),
        "grid_full": (64, 96, 128, 192, 256, 384, 512, 768, 1024),
        "shape": lambda N: _shape(N, N_e=16, M=N // 8),
        "batch": 32,
    },
    "III": {
        "grid": (64, 96, 128, 192, 256, 384),
        "grid_full": (64, 96, 128, 192, 256, 384, 512, 768),
        "shape": lambda N: _shape(N, N_e=N // 2, M=N // 16),
        "batch": 16,
    },
}


def _shape(N, *, N_e, M):
    from .processes.moe import MoEShape

    return MoEShape(D=8, N=N, N_e=N_e, M=M, K=M, C=4)


def sp_table(regime: str, base):
    """The standard parameterization as a table: PyTorch-default variance 1/fan-in in every
    group (readout included), raw sigmoid gates (no aggregation multiplier), independent
    experts, and one learning rate per group held at its μP value at the ``base`` shape (tuned
    there, then kept fixed across widths)."""
    from scalinglaws.parameterization import ParamTable

    mup = P.param_table(regime, "sgd", "mup", reduce=False)
    S = mup.symbols
    at_base = {S["N"]: base.N, S["N_e"]: base.N_e, S["M"]: base.M, S["K"]: base.K, S["D"]: base.D}
    var = {"embedding": 1 / S["D"], "router": 1 / S["N"], "expert_up": 1 / S["N"],
           "expert_down": 1 / S["N_e"], "readout": 1 / S["N"]}
    groups = {g: {"init_var": var[g], "lr": sp.nsimplify(mup.groups[g]["lr"].xreplace(at_base))}
              for g in P.GROUPS}
    return ParamTable(f"sp.{regime}", "sgd", groups, scales=mup.scales,
                      flags={"aggregation": "1", "shared_expert_init": False})


def _table(regime: str, parameterization: str):
    setup = _SETUP[regime]
    if parameterization == "sp":
        return sp_table(regime, setup["shape"](setup["grid"][0]))
    return P.param_table(regime, "sgd", parameterization, reduce=False)


@functools.lru_cache(maxsize=16)
def simulate(regime: str, parameterization: str, seed: int = 0, full: bool = False,
             backend: str = "numpy"):
    """(grid, init_term (R, n), output_change (R, n)) for one regime and parameterization
    (``"mup"``, ``"mssp"`` or ``"sp"``)."""
    from .backend import get_backend
    from .processes.moe import moe_coord_check, recipe_from_table

    xp = get_backend("cupy" if backend == "cupy" else "numpy").xp
    setup = _SETUP[regime]
    grid = setup["grid_full" if full else "grid"]
    replicas = 32 if full else REPLICAS
    table = _table(regime, parameterization)
    base = setup["shape"](grid[0])
    init, change = [], []
    root = np.random.SeedSequence([seed, 6, {"II": 2, "III": 3}[regime]])
    for N, child in zip(grid, root.spawn(len(grid))):
        shape = setup["shape"](N)
        recipe = recipe_from_table(table, shape, base, lr=BASE_LR)
        with np.errstate(over="ignore", invalid="ignore"):
            out = moe_coord_check(shape, recipe, replicas=replicas, batch=setup["batch"],
                                  steps=STEPS, seed=child, xp=xp)
        init.append(out["init_term"])
        change.append(out["output_change"])
    return np.array(grid, dtype=float), np.stack(init, axis=1), np.stack(change, axis=1)


# ------------------------------------------------------------------------------ predictions


def _key(regime: str, parameterization: str) -> str:
    if regime == "II":
        return P.law_key(regime, "sgd", parameterization, "expert_down", "init_var")
    return P.law_key(regime, "sgd", parameterization, "experts", "shared_init")


def _init_term_size(regime: str, parameterization: str):
    def expr(group, q):
        return sl.law(P.law_key(regime, "sgd", parameterization, group, q)).expr

    agg = expr("aggregation", "aggregation")
    var2 = expr("expert_down", "init_var")
    shared = expr("experts", "shared_init") == 1
    n_e, m = sp.Symbol("N_e", positive=True, integer=True), sp.Symbol("M", positive=True, integer=True)
    return agg * (m if shared else sp.sqrt(m)) * sp.sqrt(n_e * var2)


def predicted_exponent(regime: str, parameterization: str, observable: str) -> float:
    """The predicted slope in ``N`` of an observable, from the registered laws.

    >>> predicted_exponent("II", "mup", "init_term"), predicted_exponent("II", "mssp", "output_change")
    (-0.5, 0.0)
    """
    x_init = P.reduced_exponent(_init_term_size(regime, parameterization), regime)
    if observable == "init_term":
        return float(x_init)
    lr_out = sl.law(P.law_key(regime, "sgd", parameterization, "readout", "lr")).expr
    return float(P.reduced_exponent(lr_out, regime) + 1 + 2 * x_init)


def verdict(regime: str, law_parameterization: str, observable: str, settings: Settings,
            data_parameterization: str | None = None):
    """Fit the slope of ``observable`` on the data of ``data_parameterization`` (default: the
    law's) and compare it with the prediction of ``law_parameterization``'s laws.

    ``observable`` is ``"init_term"``, ``"output_change"`` or ``"relative_output_change"``
    (the output change divided, replica by replica, by the MSSP run's on the same seeds: the
    delay of learning relative to MSSP, predicted as the difference of the two exponents).
    """
    data_par = data_parameterization or law_parameterization
    grid, init, change = simulate(regime, data_par, settings.seed, settings.full, settings.backend)
    if observable == "init_term":
        y = init
        predicted = predicted_exponent(regime, law_parameterization, "init_term")
        what = "aggregation initial term RMS"
    elif observable == "output_change":
        y = change
        predicted = predicted_exponent(regime, law_parameterization, "output_change")
        what = "RMS output change after 3 steps"
    elif observable == "relative_output_change":
        reference = simulate(regime, "mssp", settings.seed, settings.full, settings.backend)[2]
        y = change / reference
        predicted = (predicted_exponent(regime, law_parameterization, "output_change")
                     - predicted_exponent(regime, "mssp", "output_change"))
        what = "output change relative to MSSP (same seeds)"
    else:
        raise ValueError(f"unknown observable {observable!r}")
    fit = fit_loglog_slope(grid, y, (grid[0], grid[-1]), seed=settings.seed)
    v = make_verdict(
        _key(regime, law_parameterization),
        f"{what}, Regime {regime}, {law_parameterization} law on {data_par} data",
        predicted + settings.perturb,
        fit,
        slack=0.0,
        slack_reason="none: Θ law, our bookkeeping has no log factor",
        negative_shift=NEGATIVE_SHIFT,
        notes=f"{32 if settings.full else REPLICAS} replicas, SGD, base lr {BASE_LR}",
    )
    v.data = dict(v.data, xlabel="width N (joint limit of the regime)", ylabel=what)
    return v


_RELATIVE_FINDING = (
    "finding: relative output-change slope (muP / MSSP, same seeds) -1.008, 95% CI "
    "[-1.013, -1.003] on N = 64..512 (16 replicas) against the predicted -1: a residual of "
    "~0.008 that the zero-slack rule rejects; the absolute slopes carry a shared offset of "
    "about -0.1 (muP -1.11, MSSP -0.10), i.e. finite-size, not a muP/MSSP difference"
)


def _register(regime: str, parameterization: str, observable: str, seconds: float,
              known_failure: str = ""):
    key = _key(regime, parameterization)
    name = f"moe_mssp.{regime.lower()}.{parameterization}.{observable}"

    @check(key, name=name, quick_seconds=seconds, known_failure=known_failure)
    def run(settings: Settings):
        return verdict(regime, parameterization, observable, settings)

    run.__doc__ = (
        f"Slope in N of the {observable.replace('_', ' ')} under the {parameterization} table of "
        f"Regime {regime} (SGD)."
    )
    return run


for _regime, _seconds in (("II", 4.0), ("III", 7.0)):
    for _par in ("mup", "mssp"):
        _register(_regime, _par, "init_term", _seconds)
_register("II", "mup", "relative_output_change", 0.5, known_failure=_RELATIVE_FINDING)
