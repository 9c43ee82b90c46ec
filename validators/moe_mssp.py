r"""Coordinate checks, table entries and learning-rate sweeps of the μP and MSSP tables of
:mod:`scalinglaws.papers.moe_mssp`.

The process is the MLP-MoE of :mod:`scalinglaws.validators.processes.moe` (sigmoid gates, soft
routing over all experts or top-K, MSE, teacher targets, online SGD or Adam) with a registered
table applied by name (:func:`scalinglaws.papers.moe_mssp.param_table`): init variances as the
table's expressions, learning rates (and Adam epsilons) ``base · factor(shape)/factor(base)``.

**One simulation per (regime, optimizer, parameterization, routing)** (:func:`simulate`, cached
on the run's seed, size and backend) is a coordinate check in the style of ``microsoft/mup``:
:func:`~scalinglaws.validators.processes.moe.moe_coordinates` trains ``REPLICAS`` networks for
``STEPS`` steps at every width of the regime's joint limit and records, for every group
(embedding, router, expert-up, expert-down/aggregate, readout), its activation, the per-step
change, the exact split into initial, effective and propagating terms, the effective update of
one step of unit learning rate (the *probe*) and Adam's denominator. Widths (quick; ``--full``
doubles the largest width and the replicas):

* Regime I: ``N = N_e`` in 64..256, ``M = 8`` (top-K: ``K = 2``);
* Regime II: ``N_e = 16``, ``M = N/8``, ``N`` in 64..512 (top-K: ``K = M/2``);
* Regime III: ``N_e = N/2``, ``M = N/16``, ``N`` in 64..256 (top-K: ``K = M/2``).

Every check reads its own observable from those few runs:

* **table entries** (:func:`entry_curve`), measured with an independent recipe, never with the
  entry itself: each entry is read at the first step where its group learns (step 1; the
  readout: step 0), so the entry under test has not acted yet on anything measured.

  - learning rate of group g: the rate that makes g's per-step contribution Θ(1) scales like
    1/probe (the effective update of a unit-rate step on fresh inputs);
  - Adam epsilon of g: the size at which epsilon stops being negligible in Adam's denominator,
    the RMS entry of :math:`\sqrt{\hat v}`;
  - init variance of g: the variance that makes g's initial activation unit RMS,
    :math:`\sigma_g^2/\mathrm{RMS}(\text{activation})^2`, which does not depend on
    :math:`\sigma_g` (the activation is linear in g's weights); the expert-down activation is
    one expert's output :math:`e_iW_{2,i}` (μP, and Regimes I, III) or the aggregate
    :math:`h_{agg}(0)` (MSSP's Regime II fix); Regime I's output-like μP router follows the TP5
    output rule instead: its initial entries as large as its first update's entries;
  - aggregation: the multiplier that makes the sum over experts of their effective updates
    Θ(1): each expert's share of the aggregate's probe (its change along the backward signal)
    over their sum, (RMS over experts of a share) / (sum), from which the gates' common
    factor cancels: ``1/M`` when the ``M`` shares add coherently, ``M^-1/2`` were they of
    random sign.

  The curve is judged against the law along the grid (``LawCurve``: the ratio
  measured / law must have log-slope 0 in N), since the registered monomials mean something
  only along the regime's joint limit. Learning rates and epsilons are measured on the MSSP
  run (the code uses the same entries for μP; the derivation assumes MSSP's initialisation,
  under μP the backward signal is still small at step 1, which is the delay the observable
  laws state). Init variances and the aggregation are read from the SGD runs.

* **the coordinate check proper**: under MSSP every term of every activation is Θ(1)
  (``moe_mssp.mssp.scale_stable``, one check per group and term); under μP, the laws of the
  terms that are not (``moe_mssp.mup.init_term``, ``moe_mssp.i.mup.router_propagating``,
  ``moe_mssp.ii.adam.mup.propagating_term``) and of the early output change
  (``moe_mssp.sgd.output_change_ratio``, ``moe_mssp.adam.*``).

The standard parameterization (:func:`sp_table`: variance 1/fan-in everywhere, raw sigmoid gates,
learning rates and epsilons held at their base-width values) fails the MSSP laws
(``tests/test_moe_mssp.py``).

Learning rate (Regime II, SGD, :func:`lr_sweep`): online training on the teacher task at widths
``N = 32..96`` (full: ``..512``) over a log2-spaced sweep of the base learning rate. Two
measurements: the loss at the optimal learning rate over the width (its log-log slope: the sign
the paper's monotonic-improvement claim is about, :func:`optimal_loss_curve`) and the range of
the optimal log2 learning rate across widths (:func:`lr_transfer`).
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

import scalinglaws as sl
from scalinglaws.papers import moe_mssp as P

from .engine import Curve, Exponent, LawCurve, LawValue, Settings, Value, check

BASE_LR = {"sgd": 0.1, "adam": 0.01}
#: Replicas (independent networks, teachers and data) per width: quick, full.
REPLICAS = {False: 16, True: 32}
BATCH = 16
STEPS = 2
ROUTINGS = ("soft", "top-K")

#: Quick-run seconds per check, measured (CPU seconds of one core, numba backend, seed 0;
#: a shared simulation's cost split over the checks that read it): the engine's estimates.
QUICK_SECONDS = {
    "moe_mssp.i.adam.embedding.eps[soft]": 1, "moe_mssp.i.adam.embedding.lr[soft]": 0.6,
    "moe_mssp.i.adam.expert_down.eps[soft]": 0.6, "moe_mssp.i.adam.expert_down.lr[soft]": 0.6,
    "moe_mssp.i.adam.expert_up.eps[soft]": 0.6, "moe_mssp.i.adam.expert_up.lr[soft]": 0.6,
    "moe_mssp.i.adam.readout.eps[soft]": 0.6, "moe_mssp.i.adam.readout.lr[soft]": 0.6,
    "moe_mssp.i.adam.router.eps[soft]": 0.6, "moe_mssp.i.adam.router.lr[soft]": 0.6,
    "moe_mssp.i.aggregation[soft]": 0.4, "moe_mssp.i.aggregation[top-K]": 0.4,
    "moe_mssp.i.embedding.init_var[soft]": 0.4, "moe_mssp.i.embedding.init_var[top-K]": 0.4,
    "moe_mssp.i.expert_down.init_var[soft]": 0.4, "moe_mssp.i.expert_down.init_var[top-K]": 0.4,
    "moe_mssp.i.expert_up.init_var[soft]": 0.4, "moe_mssp.i.expert_up.init_var[top-K]": 0.5,
    "moe_mssp.i.mssp.adam.coord[expert_down.eff]": 0.6,
    "moe_mssp.i.mssp.adam.coord[expert_down.prop]": 0.6,
    "moe_mssp.i.mssp.sgd.coord[expert_down.eff]": 0.4,
    "moe_mssp.i.mssp.sgd.coord[expert_down.prop]": 0.4,
    "moe_mssp.i.mup.adam.router_propagating": 4.7, "moe_mssp.i.mup.router.init_var[soft]": 0.4,
    "moe_mssp.i.mup.router.init_var[top-K]": 0.5, "moe_mssp.i.sgd.embedding.lr[soft]": 0.4,
    "moe_mssp.i.sgd.embedding.lr[top-K]": 0.4, "moe_mssp.i.sgd.expert_down.lr[soft]": 0.4,
    "moe_mssp.i.sgd.expert_down.lr[top-K]": 0.4, "moe_mssp.i.sgd.expert_up.lr[soft]": 0.4,
    "moe_mssp.i.sgd.expert_up.lr[top-K]": 0.4, "moe_mssp.i.sgd.readout.lr[soft]": 0.4,
    "moe_mssp.i.sgd.readout.lr[top-K]": 0.4, "moe_mssp.i.sgd.router.lr[soft]": 0.4,
    "moe_mssp.i.sgd.router.lr[top-K]": 0.4, "moe_mssp.ii.adam.embedding.eps[soft]": 0.2,
    "moe_mssp.ii.adam.embedding.lr[soft]": 0.2, "moe_mssp.ii.adam.expert_down.eps[soft]": 0.2,
    "moe_mssp.ii.adam.expert_down.lr[soft]": 0.2, "moe_mssp.ii.adam.expert_up.eps[soft]": 0.2,
    "moe_mssp.ii.adam.expert_up.lr[soft]": 0.2, "moe_mssp.ii.adam.readout.eps[soft]": 0.2,
    "moe_mssp.ii.adam.readout.lr[soft]": 0.2, "moe_mssp.ii.adam.router.eps[soft]": 0.2,
    "moe_mssp.ii.adam.router.lr[soft]": 0.2, "moe_mssp.ii.aggregation[soft]": 0.2,
    "moe_mssp.ii.aggregation[top-K]": 0.2, "moe_mssp.ii.embedding.init_var[soft]": 0.2,
    "moe_mssp.ii.embedding.init_var[top-K]": 0.2, "moe_mssp.ii.expert_up.init_var[soft]": 0.2,
    "moe_mssp.ii.expert_up.init_var[top-K]": 0.2,
    "moe_mssp.ii.mssp.adam.coord[expert_down.eff]": 0.2,
    "moe_mssp.ii.mssp.adam.coord[expert_down.prop]": 0.2,
    "moe_mssp.ii.mssp.adam.output_change": 0.2,
    "moe_mssp.ii.mssp.expert_down.init_var[soft]": 0.2,
    "moe_mssp.ii.mssp.expert_down.init_var[top-K]": 0.2, "moe_mssp.ii.mssp.init_term": 0.2,
    "moe_mssp.ii.mssp.init_term[top-K]": 0.2, "moe_mssp.ii.mssp.lr_transfer": 2.1,
    "moe_mssp.ii.mssp.optimal_loss": 1, "moe_mssp.ii.mssp.sgd.coord[expert_down.eff]": 0.2,
    "moe_mssp.ii.mssp.sgd.coord[expert_down.prop]": 0.2,
    "moe_mssp.ii.mup.adam.aggregate_propagating": 1.5,
    "moe_mssp.ii.mup.adam.relative_first_step": 1.7,
    "moe_mssp.ii.mup.expert_down.init_var[soft]": 0.2,
    "moe_mssp.ii.mup.expert_down.init_var[top-K]": 0.2, "moe_mssp.ii.mup.init_term": 1.1,
    "moe_mssp.ii.mup.optimal_loss": 1, "moe_mssp.ii.mup.relative_first_step": 1.2,
    "moe_mssp.ii.router.init_var[soft]": 0.2, "moe_mssp.ii.router.init_var[top-K]": 0.2,
    "moe_mssp.ii.sgd.embedding.lr[soft]": 0.2, "moe_mssp.ii.sgd.embedding.lr[top-K]": 0.2,
    "moe_mssp.ii.sgd.expert_down.lr[soft]": 0.2, "moe_mssp.ii.sgd.expert_down.lr[top-K]": 0.2,
    "moe_mssp.ii.sgd.expert_up.lr[soft]": 0.2, "moe_mssp.ii.sgd.expert_up.lr[top-K]": 0.2,
    "moe_mssp.ii.sgd.readout.lr[soft]": 0.2, "moe_mssp.ii.sgd.readout.lr[top-K]": 0.2,
    "moe_mssp.ii.sgd.router.lr[soft]": 0.2, "moe_mssp.ii.sgd.router.lr[top-K]": 0.2,
    "moe_mssp.iii.adam.embedding.eps[soft]": 0.3, "moe_mssp.iii.adam.embedding.lr[soft]": 0.3,
    "moe_mssp.iii.adam.expert_down.eps[soft]": 0.3, "moe_mssp.iii.adam.expert_down.lr[soft]": 0.3,
    "moe_mssp.iii.adam.expert_up.eps[soft]": 0.3, "moe_mssp.iii.adam.expert_up.lr[soft]": 0.3,
    "moe_mssp.iii.adam.readout.eps[soft]": 0.3, "moe_mssp.iii.adam.readout.lr[soft]": 0.3,
    "moe_mssp.iii.adam.router.eps[soft]": 0.3, "moe_mssp.iii.adam.router.lr[soft]": 0.3,
    "moe_mssp.iii.aggregation[soft]": 0.2, "moe_mssp.iii.aggregation[top-K]": 0.2,
    "moe_mssp.iii.embedding.init_var[soft]": 0.2, "moe_mssp.iii.embedding.init_var[top-K]": 0.2,
    "moe_mssp.iii.expert_down.init_var[soft]": 0.2,
    "moe_mssp.iii.expert_down.init_var[top-K]": 0.2, "moe_mssp.iii.expert_up.init_var[soft]": 0.2,
    "moe_mssp.iii.expert_up.init_var[top-K]": 0.2,
    "moe_mssp.iii.mssp.adam.coord[expert_down.eff]": 0.3,
    "moe_mssp.iii.mssp.adam.coord[expert_down.prop]": 0.3, "moe_mssp.iii.mssp.init_term": 0.2,
    "moe_mssp.iii.mssp.init_term[top-K]": 0.2,
    "moe_mssp.iii.mssp.sgd.coord[expert_down.eff]": 0.2,
    "moe_mssp.iii.mssp.sgd.coord[expert_down.prop]": 0.2, "moe_mssp.iii.mup.init_term": 2.8,
    "moe_mssp.iii.router.init_var[soft]": 0.2, "moe_mssp.iii.router.init_var[top-K]": 0.2,
    "moe_mssp.iii.sgd.embedding.lr[soft]": 0.2, "moe_mssp.iii.sgd.embedding.lr[top-K]": 0.2,
    "moe_mssp.iii.sgd.expert_down.lr[soft]": 0.2, "moe_mssp.iii.sgd.expert_down.lr[top-K]": 0.2,
    "moe_mssp.iii.sgd.expert_up.lr[soft]": 0.2, "moe_mssp.iii.sgd.expert_up.lr[top-K]": 0.2,
    "moe_mssp.iii.sgd.readout.lr[soft]": 0.2, "moe_mssp.iii.sgd.readout.lr[top-K]": 0.2,
    "moe_mssp.iii.sgd.router.lr[soft]": 0.2, "moe_mssp.iii.sgd.router.lr[top-K]": 0.2,
}

#: Grids along each regime's joint limit: widths N (quick, full), (N_e, M) at width N, and the
#: number of active experts under top-K routing.
REGIMES = {
    "I": {"grid": (64, 96, 128, 192, 256), "grid_full": (64, 96, 128, 192, 256, 384, 512),
          "dims": lambda N: (N, 8), "top_k": lambda M: 2},
    "II": {"grid": (64, 128, 256, 512), "grid_full": (64, 128, 256, 512, 1024),
           "dims": lambda N: (16, N // 8), "top_k": lambda M: M // 2},
    "III": {"grid": (64, 96, 128, 192, 256), "grid_full": (64, 96, 128, 192, 256, 384, 512),
            "dims": lambda N: (N // 2, N // 16), "top_k": lambda M: M // 2},
}


def shape(regime: str, N: int, routing: str = "soft"):
    """The MoE shape at width ``N`` along ``regime``'s joint limit (input 8, 4 outputs)."""
    from .processes.moe import MoEShape

    N_e, M = REGIMES[regime]["dims"](N)
    K = M if routing == "soft" else REGIMES[regime]["top_k"](M)
    return MoEShape(D=8, N=N, N_e=N_e, M=M, K=K, C=4)


def sp_table(regime: str, base, optimizer: str = "sgd"):
    """The standard parameterization as a table: PyTorch-default variance 1/fan-in in every
    group (readout included), raw sigmoid gates (no aggregation multiplier), independent
    experts, and one learning rate (and, for Adam, epsilon) per group held at its μP value at
    the ``base`` shape (tuned there, then kept fixed across widths)."""
    from scalinglaws.parameterization import ParamTable

    mup = P.param_table(regime, optimizer, "mup", reduce=False)
    S = mup.symbols
    at_base = {S["N"]: base.N, S["N_e"]: base.N_e, S["M"]: base.M, S["K"]: base.K, S["D"]: base.D}
    var = {"embedding": 1 / S["D"], "router": 1 / S["N"], "expert_up": 1 / S["N"],
           "expert_down": 1 / S["N_e"], "readout": 1 / S["N"]}
    held = ("lr", "eps") if optimizer == "adam" else ("lr",)
    groups = {g: {"init_var": var[g],
                  **{q: sp.nsimplify(mup.groups[g][q].xreplace(at_base)) for q in held}}
              for g in P.GROUPS}
    return ParamTable(f"sp.{regime}.{optimizer}", optimizer, groups, scales=mup.scales,
                      flags={"aggregation": "1", "shared_expert_init": False})


def _table(regime: str, optimizer: str, parameterization: str, base):
    if parameterization == "sp":
        return sp_table(regime, base, optimizer)
    return P.param_table(regime, optimizer, parameterization, reduce=False)


_IDS = {"I": 1, "II": 2, "III": 3, "sgd": 0, "adam": 9, "mup": 0, "mssp": 1, "sp": 2,
        "soft": 0, "top-K": 1}


@functools.lru_cache(maxsize=32)
def simulate(regime: str, optimizer: str, parameterization: str, routing: str = "soft",
             seed: int = 0, full: bool = False, backend: str = "numpy") -> dict:
    """The coordinate check of one table along ``regime``'s joint limit.

    Returns ``{"N": widths (n,), "shapes": (MoEShape, ...), key: array}`` with every key of
    :func:`~scalinglaws.validators.processes.moe.moe_coordinates` stacked over the widths on
    axis 1: ``(R, n)`` or ``(R, n, T)`` / ``(R, n, T+1)``. Replica ``r`` at width ``N`` is the
    mean over :func:`networks_per_replica` networks; under SGD they and the replica's networks
    at every other width share one teacher and batch (common random numbers, from the first
    child of ``SeedSequence([seed, 6, regime, optimizer, routing])``), under Adam every network
    draws its own. Weights are independent at every width (the next children). The stream
    does not depend on the parameterization, so μP and MSSP runs share their draws and ratios
    between the two tables are taken replica by replica.
    """
    from .processes.backend import get_backend
    from .processes.blas_threads import map_tasks
    from .processes.moe import moe_coordinates, recipe_from_table

    xp = get_backend("cupy" if backend == "cupy" else "numpy").xp
    setup = REGIMES[regime]
    grid = setup["grid_full" if full else "grid"]
    base = shape(regime, grid[0], routing)
    table = _table(regime, optimizer, parameterization, base)
    root = np.random.SeedSequence(
        [seed, 6, _IDS[regime], _IDS[optimizer], _IDS[routing]])
    data_seed, *children = root.spawn(len(grid) + 1)
    shared = optimizer == "sgd"  # common random numbers: see networks_per_replica
    R = REPLICAS[bool(full)]
    recipes = [recipe_from_table(table, shape(regime, N, routing), base, lr=BASE_LR[optimizer])
               for N in grid]

    def width(w):
        N, child = grid[w], children[w]
        k = networks_per_replica(optimizer, N, grid[-1])
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            run = moe_coordinates(shape(regime, N, routing), recipes[w], replicas=R * k,
                                  batch=BATCH, steps=STEPS, seed=child,
                                  data_seed=data_seed if shared else None, data_repeat=k, xp=xp)
        # replica r is the mean over its k networks
        return {key: a.reshape((R, k) + a.shape[1:]).mean(axis=1) for key, a in run.items()}

    # widths are independent runs (own seeds): worker threads on the CPU, largest first
    order = list(reversed(range(len(grid))))
    done = dict(zip(order, map_tasks(width, order, workers=1 if backend == "cupy" else None)))
    runs = [done[w] for w in range(len(grid))]
    out = {k: np.stack([r[k] for r in runs], axis=1) for k in runs[0]}
    out["N"] = np.array(grid, dtype=float)
    out["shapes"] = tuple(shape(regime, N, routing) for N in grid)
    return out


def networks_per_replica(optimizer: str, N: int, N_max: int) -> int:
    """How many networks one replica averages at width ``N``.

    The table checks read reciprocals of fluctuating sizes (``1/probe``); the mean of a
    reciprocal is biased by the square of the size's spread, and a bias that changes with the
    width is a bias in the slope. Under SGD the first updates of the hidden groups inherit the
    size of the readout's first step, whose spread has two parts: the task's (teacher and
    batch; about 0.3, the same at every width) and the weights' (falling with the width, about
    0.4 at N = 64 and 0.15 at N = 256 in Regime III). The task part is made common to all
    widths of a replica (common random numbers: its bias is one constant factor), and the
    weight part is equalised by averaging ``k = N_max/N`` networks. Adam's sign-like updates
    have a spread that does not fall with the width (about 0.3 throughout, mostly the task's):
    one network, with its own task, per replica.

    >>> [networks_per_replica("sgd", N, 512) for N in (64, 128, 256, 512)]
    [8, 4, 2, 1]
    >>> networks_per_replica("adam", 64, 512)
    1
    """
    if optimizer == "adam":
        return 1
    return max(1, round(N_max / N))


def _sim(regime, optimizer, parameterization, routing, settings: Settings) -> dict:
    return simulate(regime, optimizer, parameterization, routing, settings.seed, settings.full,
                    settings.backend)


def _points(shapes) -> tuple:
    return tuple({"N": s.N, "N_e": s.N_e, "M": s.M, "K": s.K, "D": s.D} for s in shapes)


def _describe(sim, regime, routing) -> str:
    s0, s1 = sim["shapes"][0], sim["shapes"][-1]
    R = next(v for k, v in sim.items() if k.startswith("act.")).shape[0]
    return (f"Regime {regime}, {routing} routing: N = {s0.N}..{s1.N}, N_e = {s0.N_e}..{s1.N_e}, "
            f"M = {s0.M}..{s1.M}, K = {s0.K}..{s1.K}; {R} replicas, batch {BATCH}, "
            f"{STEPS} steps")


def _curve(sim, y, law_points, *, regime, routing, ylabel, label, notes="") -> Curve:
    N = sim["N"]
    return Curve(
        N, y, LawCurve(law_points), window=(N[0], N[-1]),
        xlabel=f"width N (Regime {regime} joint limit)", ylabel=ylabel, label=label,
        notes=_describe(sim, regime, routing) + (f"; {notes}" if notes else ""),
        extra={"N_e": [s.N_e for s in sim["shapes"]], "M": [s.M for s in sim["shapes"]],
               "K": [s.K for s in sim["shapes"]]},
    )


# ------------------------------------------------------------------------------ table entries

#: The step at which each group first learns (the readout's gradient is the only nonzero one
#: at step 0, since the readout starts at zero): entries are read there.
FIRST_STEP = {"embedding": 1, "router": 1, "expert_up": 1, "expert_down": 1, "readout": 0}


def _entry_parts(key: str) -> tuple[str, str, str, str]:
    """(regime, optimizer, group, quantity) of a table entry's law key."""
    law = sl.law(key)
    tags = dict(t.split("=", 1) for t in law.tags if "=" in t)
    regime = tags["regime"]
    quantity = tags["quantity"]
    group = tags["group"]
    optimizer = "adam" if "optimizer=adam" in law.tags and "optimizer=sgd" not in law.tags \
        else "sgd"
    return regime, optimizer, group, quantity


def entry_observable(key: str, sim: dict) -> tuple[np.ndarray, str]:
    """(replicas (R, n), what) of the table entry ``key`` measured on ``sim`` (see the module
    docstring): the quantity that scales like the entry along the grid."""
    regime, _, group, quantity = _entry_parts(key)
    t = FIRST_STEP.get(group, 1)
    if quantity == "lr":
        return 1.0 / sim[f"probe.{group}"][:, :, t], (
            f"1 / effective update of a unit-rate step of the {group} group at step {t}")
    if quantity == "eps":
        return sim[f"denom.{group}"][:, :, t], (
            f"RMS entry of Adam's denominator sqrt(v_hat) of the {group} group at step {t}")
    if quantity == "aggregation":
        return sim["probe.expert_each"][:, :, 1] / sim["probe.expert_down"][:, :, 1], (
            "RMS over experts of one expert's share of the aggregate's probe / their sum "
            "(step 1)")
    if quantity == "init_var":
        if group == "router" and regime == "I":
            return sim["entry.router"][:, :, 1] ** 2, (
                "squared RMS entry of the router's first update (TP5 output rule)")
        if group == "expert_down":
            unit = "unit.expert_down" if ".mssp." in key and regime == "II" else "unit.expert_out"
            what = ("aggregate h_agg(0)" if unit == "unit.expert_down"
                    else "one expert's output e_i W2_i")
            return sim[unit] ** -2.0, f"variance that makes the {what} unit RMS"
        return sim[f"unit.{group}"] ** -2.0, (
            f"variance that makes the {group} group's initial activation unit RMS")
    raise ValueError(f"{key}: no measurement for quantity {quantity!r}")


def entry_curve(key: str, routing: str, settings: Settings,
                data_parameterization: str = "mssp") -> Curve:
    """The measurement of the table entry ``key`` on the ``routing`` run of its regime (the
    MSSP table by default; ``"sp"`` or ``"mup"`` for the tests' counter-examples)."""
    regime, optimizer, _, quantity = _entry_parts(key)
    if quantity in ("init_var", "aggregation"):
        optimizer = "sgd"
    sim = _sim(regime, optimizer, data_parameterization, routing, settings)
    y, what = entry_observable(key, sim)
    return _curve(sim, y, _points(sim["shapes"]), regime=regime, routing=routing, ylabel=what,
                  label=f"{key} ({routing}, {optimizer}, {data_parameterization} run)",
                  notes=f"{optimizer} base lr {BASE_LR[optimizer]}; {what}")


def _entry_keys() -> list[str]:
    keys = []
    for item in sl.laws(paper="moe_mssp", tag="table"):
        if item.unchecked:
            continue
        keys.append(item.key)
    return sorted(keys)


def _entry_routings(key: str) -> tuple[str, ...]:
    _, optimizer, _, quantity = _entry_parts(key)
    return ROUTINGS if (optimizer == "sgd" or quantity in ("init_var", "aggregation")) \
        else ("soft",)


#: Findings (also in the laws' notes): table checks that fail at the quick sizes.
ENTRY_FINDINGS = {
    "moe_mssp.i.adam.router.lr[soft]": (
        "finding (finite size, not settled): the Adam rate that makes the Regime I router's "
        "step Theta(1) scales like N^-1.10 (ratio slope -0.102 [-0.168, -0.045], N = 64..256, "
        "16 replicas; seeds 1, 2: -0.113, -0.085), not N^-1; over N = 64..512 -0.081 [-0.099, "
        "-0.065], local slopes -0.11 .. -0.04 with the last ones rising towards 0; see the "
        "law's notes"),
    "moe_mssp.i.aggregation[soft]": (
        "finding (precision level): ratio slope -0.009 [-0.011, -0.007] over N = 64..256 (the "
        "8 experts' shares even out as the expert width grows); see the law's notes"),
}


def _register_entry(key: str, routing: str):
    def run(settings: Settings) -> Curve:
        return entry_curve(key, routing, settings)

    name = f"{key}[{routing}]"
    run.__doc__ = (f"The table entry {key}, measured with an independent recipe on the "
                   f"{routing}-routing MSSP run of its regime (see the module docstring).")
    return check(key, name=name, quick_seconds=QUICK_SECONDS.get(name, 0.3), gpu=True,
                 known_failure=ENTRY_FINDINGS.get(name, ""))(run)


for _key in _entry_keys():
    for _routing in _entry_routings(_key):
        _register_entry(_key, _routing)


# --------------------------------------------------------------- the coordinate check proper

#: The terms of the coordinate check judged under MSSP: the effective and propagating terms of
#: the aggregate h_agg, the activation the MoE adds and the one MSSP's desideratum is about (its
#: initial term is moe_mssp.mssp.init_term's). The other groups' per-step updates are the table
#: checks' probes.
TERMS = {r: (("expert_down", "eff"), ("expert_down", "prop")) for r in P.REGIMES}
_TERM_TEXT = {"eff": "effective term in_t (W_t - W_0)", "prop": "propagating term (in_t - in_0) W_0"}


def term_curve(regime: str, optimizer: str, group: str, term: str, settings: Settings,
               data_parameterization: str = "mssp", routing: str = "soft") -> Curve:
    """RMS of one term of one group's activation after ``STEPS`` steps, over the width."""
    sim = _sim(regime, optimizer, data_parameterization, routing, settings)
    y = sim[f"{term}.{group}"][:, :, -1]
    what = f"RMS {_TERM_TEXT[term]} of the {group} group after {STEPS} steps"
    return _curve(sim, y, _points(sim["shapes"]), regime=regime, routing=routing, ylabel=what,
                  label=f"{group} {term}, {optimizer}, {data_parameterization}",
                  notes=f"{optimizer} base lr {BASE_LR[optimizer]}")


def _register_term(regime, optimizer, group, term):
    def run(settings: Settings) -> Curve:
        return term_curve(regime, optimizer, group, term, settings)

    run.__doc__ = (f"MSSP coordinate check, Regime {regime}, {optimizer}: the {_TERM_TEXT[term]} "
                   f"of the {group} group stays Theta(1) along the joint limit.")
    name = f"moe_mssp.{regime.lower()}.mssp.{optimizer}.coord[{group}.{term}]"
    return check("moe_mssp.mssp.scale_stable", name=name, gpu=True,
                 quick_seconds=QUICK_SECONDS.get(name, 0.3))(run)


for _regime in P.REGIMES:
    for _opt in P.OPTIMIZERS:
        for _group, _term in TERMS[_regime]:
            _register_term(_regime, _opt, _group, _term)


# ------------------------------------------------------ observables of the μP coordinate check

#: The law stating each observable: (observable, parameterization, optimizer) -> law key.
OBSERVABLE_LAWS = {
    ("init_term", "mup", "sgd"): "moe_mssp.mup.init_term",
    ("init_term", "mssp", "sgd"): "moe_mssp.mssp.init_term",
    ("output_change", "mssp", "adam"): "moe_mssp.adam.mssp.output_change",
    ("output_change", "mssp", "sgd"): "moe_mssp.sgd.mssp.output_change",
    ("output_change", "mup", "sgd"): "moe_mssp.sgd.mup.output_change",
    ("router_propagating", "mup", "adam"): "moe_mssp.i.mup.router_propagating",
    ("aggregate_propagating", "mup", "adam"): "moe_mssp.ii.adam.mup.propagating_term",
    ("relative_first_step", "mup", "sgd"): "moe_mssp.sgd.output_change_ratio",
    ("relative_first_step", "mup", "adam"): "moe_mssp.adam.output_change_ratio",
}

_WHAT = {
    "init_term": "RMS of the aggregation's initial term h_agg(0)",
    "output_change": f"RMS output change after {STEPS} steps",
    "relative_first_step": "output change of the first step relative to MSSP (same draws)",
    "relative_output_change": f"output change after {STEPS} steps relative to MSSP (same draws)",
    "router_propagating": f"RMS of the router's propagating term W_r(0)(h_t - h_0), t = {STEPS}",
    "aggregate_propagating": f"RMS of the aggregate's propagating term, t = {STEPS}",
}


def observable(regime: str, parameterization: str, name: str, settings: Settings,
               optimizer: str = "sgd", routing: str = "soft") -> tuple[dict, np.ndarray]:
    """(simulation, replicas (R, n)) of one observable of the μP/MSSP coordinate check."""
    sim = _sim(regime, optimizer, parameterization, routing, settings)
    if name == "init_term":
        return sim, sim["base.expert_down"][:, :, 0]
    if name == "output_change":
        return sim, sim["output_change"]
    if name == "router_propagating":
        return sim, sim["prop.router"][:, :, -1]
    if name == "aggregate_propagating":
        return sim, sim["prop.expert_down"][:, :, -1]
    ref = _sim(regime, optimizer, "mssp", routing, settings)
    if name == "relative_first_step":
        return sim, sim["upd.readout"][:, :, 1] / ref["upd.readout"][:, :, 1]
    if name == "relative_output_change":
        return sim, sim["output_change"] / ref["output_change"]
    raise ValueError(f"unknown observable {name!r}")


def coord_curve(regime: str, parameterization: str, name: str, settings: Settings,
                optimizer: str = "sgd", data_parameterization: str | None = None,
                routing: str = "soft") -> Curve:
    """The replica curves of the observable ``name`` over the width along ``regime``'s limit,
    to be judged against the law :data:`OBSERVABLE_LAWS` names for ``(name,
    parameterization, optimizer)``; the data come from ``data_parameterization`` (default:
    ``parameterization``; ``"sp"`` for the standard parameterization)."""
    if name not in _WHAT:
        raise ValueError(f"unknown observable {name!r}")
    data_par = data_parameterization or parameterization
    sim, y = observable(regime, data_par, name, settings, optimizer, routing)
    return _curve(sim, y, _points(sim["shapes"]), regime=regime, routing=routing,
                  ylabel=_WHAT[name],
                  label=f"{_WHAT[name]}, Regime {regime}, {data_par} ({optimizer})",
                  notes=f"{optimizer} base lr {BASE_LR[optimizer]}"
                  + ("" if data_par == parameterization else f"; data of the {data_par} table"))


def first_step_ratio(regime: str, optimizer: str, settings: Settings,
                     data_parameterization: str = "mup") -> Value:
    r"""The exponent in ``M`` of the first step's output change under ``data_parameterization``
    divided by MSSP's, replica by replica on the same draws: an exact identity of the process.

    The readout starts at zero, so the first step moves only the readout, by
    :math:`-\eta_{out}\,h_{agg}(0)^\top U` (SGD: :math:`U` the output error; Adam: its sign
    pattern), and the two runs share every draw, their initial aggregates differing only by the
    expert-down scale. The ratio is then a deterministic function of the width: its log-log
    slope in ``M`` is read by least squares on the replica mean, with a systematic interval, the
    largest relative spread of the ratio over the replicas and widths (rounding, and Adam's
    epsilon), propagated to the slope.
    """
    sim, y = observable(regime, data_parameterization, "relative_first_step", settings, optimizer)
    M = np.array([s.M for s in sim["shapes"]], dtype=float)
    mean = y.mean(axis=0)
    slope = float(np.polyfit(np.log(M), np.log(mean), 1)[0])
    spread = float(np.max(np.abs(np.log(y / mean))))
    half = max(2.0 * spread / np.log(M[-1] / M[0]), 1e-9)
    return Value(
        slope, (slope - half, slope + half),
        method="least-squares log-log slope of the replica-mean ratio; interval from the "
               "largest relative spread of the ratio over replicas (systematic)",
        predict=Exponent("M"), point={"M": int(M[0]), "K": int(M[0])}, deterministic=True,
        data={"x": M.tolist(), "y": mean.tolist(), "xlabel": "number of experts M (= N/8)",
              "ylabel": _WHAT["relative_first_step"], "loglog": True},
        notes=(f"Regime {regime}, {optimizer}, {data_parameterization} / mssp, "
               f"{y.shape[0]} replicas; M = {int(M[0])}..{int(M[-1])}"),
    )


def _register(regime: str, parameterization: str, name: str, *, optimizer: str = "sgd",
              routing: str = "soft", known_failure: str = "", doc: str = "",
              seconds: float = 0.5):
    key = OBSERVABLE_LAWS[(name, parameterization, optimizer)]
    opt = "" if optimizer == "sgd" else f".{optimizer}"
    check_name = (f"moe_mssp.{regime.lower()}.{parameterization}{opt}.{name}"
                  + ("" if routing == "soft" else f"[{routing}]"))

    def run(settings: Settings):
        if name == "relative_first_step":
            return first_step_ratio(regime, optimizer, settings, parameterization)
        return coord_curve(regime, parameterization, name, settings, optimizer, routing=routing)

    run.__doc__ = (
        f"The {_WHAT[name]} under the {parameterization} table of Regime {regime} "
        f"({'SGD' if optimizer == 'sgd' else 'Adam'}, {routing} routing) over the width, "
        f"against {key}." + (f"\n\n{doc}" if doc else ""))
    return check(key, name=check_name, quick_seconds=QUICK_SECONDS.get(check_name, seconds), gpu=True,
                 known_failure=known_failure)(run)


for _regime in ("II", "III"):
    _register(_regime, "mup", "init_term")
    for _routing in ROUTINGS:
        _register(_regime, "mssp", "init_term", routing=_routing)
_register("II", "mup", "relative_first_step", doc=(
    "An exact identity of the process (first step: the readout's only), read with a "
    "systematic interval."))
_register("II", "mup", "relative_first_step", optimizer="adam", doc=(
    "An exact identity of the process (first step: the readout's only), read with a "
    "systematic interval; after more steps see the law's notes."))
_register("II", "mssp", "output_change", optimizer="adam")
_register("II", "mssp", "output_change", seconds=0.2)  # the SGD runs of the init-term checks
_register("II", "mup", "output_change", seconds=0.2)
_register("I", "mup", "router_propagating", optimizer="adam")
_register("II", "mup", "aggregate_propagating", optimizer="adam")


# ------------------------------------------------------------------- learning-rate sweeps

#: Sizes of the learning-rate sweep (Regime II): widths, log2 base learning rates, seeds, steps.
LR_SWEEP = {
    False: {"grid": (32, 48, 64, 96), "log2_lr": tuple(np.arange(-6, 2.01, 0.5)), "seeds": 6,
            "steps": 60},
    True: {"grid": (32, 64, 128, 256, 512), "log2_lr": tuple(np.arange(-7, 2.01, 0.5)),
           "seeds": 16, "steps": 200},
}
_BOOT = 400


@functools.lru_cache(maxsize=8)
def lr_sweep(regime: str, parameterization: str, seed: int = 0, full: bool = False,
             backend: str = "numpy"):
    """Final loss of SGD runs over a log-spaced sweep of the base learning rate.

    Returns ``(grid, log2_lr, loss)`` with ``loss[w, l, s]``: width ``grid[w]``, base learning
    rate ``2**log2_lr[l]`` (the rate at the smallest width; the table moves every group's rate
    with the scales), seed ``s``. Every learning rate at one width sees the same seeds (initial
    networks, teachers, data); widths get independent seed streams. Diverged runs are ``inf``.

    The sweep brackets the optimum instead of running every rate: at each width it starts
    around the previous width's best rate and extends the evaluated window towards lower loss
    until the mean loss has a minimum with an evaluated neighbour on each side (or a grid
    edge); rates not run are ``nan``.
    """
    from .processes.backend import get_backend
    from .processes.blas_threads import single_blas_thread

    xp = get_backend("cupy" if backend == "cupy" else "numpy").xp
    sizes = LR_SWEEP[bool(full)]
    grid = sizes["grid"]
    base = shape(regime, grid[0])
    table = _table(regime, "sgd", parameterization, base)
    log2_lr = np.array(sizes["log2_lr"], dtype=float)
    loss = np.full((len(grid), len(log2_lr), sizes["seeds"]), np.nan)
    root = np.random.SeedSequence([seed, 6, 7, {"II": 2, "III": 3}[regime]])
    start = len(log2_lr) // 2
    with single_blas_thread():  # stacks of small products: no barrier per call
        for w, (N, child) in enumerate(zip(grid, root.spawn(len(grid)))):
            start = _sweep_width(w, N, child, start, regime, table, base, log2_lr, loss, sizes, xp)
    return np.array(grid, dtype=float), log2_lr, loss


def _sweep_width(w, N, child, start, regime, table, base, log2_lr, loss, sizes, xp) -> int:
    """Bracket the optimum at width ``grid[w]`` (see :func:`lr_sweep`), filling ``loss[w]``;
    returns the index of the best rate."""
    from .processes.moe import moe_train_loss, recipe_from_table

    sh = shape(regime, N)

    def run(j):
        if np.isnan(loss[w, j]).all():
            recipe = recipe_from_table(table, sh, base, lr=float(2.0 ** log2_lr[j]))
            loss[w, j] = moe_train_loss(sh, recipe, replicas=sizes["seeds"], batch=32,
                                        steps=sizes["steps"], last=10, seed=child, xp=xp)

    lo, hi = max(start - 1, 0), min(start + 1, len(log2_lr) - 1)
    for j in range(lo, hi + 1):
        run(j)
    while True:
        mean = loss[w, lo:hi + 1].mean(axis=1)
        best = lo + int(np.argmin(np.where(np.isfinite(mean), mean, np.inf)))
        if best == lo and lo > 0:
            lo -= 1
            run(lo)
        elif best == hi and hi < len(log2_lr) - 1 and np.isfinite(mean[-1]):
            hi += 1
            run(hi)
        else:
            break
    return best


def optimum_log2_lr(log2_lr, mean_loss) -> tuple[float, bool]:
    """The optimum of a loss curve in log2 learning rate, by parabolic interpolation.

    The parabola goes through the grid minimum and its two neighbours; at an edge of the grid,
    or next to a diverged (``inf``) or not-run (``nan``) rate, the grid minimum itself is
    returned. The flag says whether the
    optimum was interpolated (an interior minimum with finite neighbours).

    >>> x = np.arange(-3.0, 3.0)
    >>> round(optimum_log2_lr(x, (x - 0.3) ** 2)[0], 6)
    0.3
    >>> optimum_log2_lr(x, -x)
    (2.0, False)
    """
    x = np.asarray(log2_lr, dtype=float)
    y = np.asarray(mean_loss, dtype=float)
    if not np.isfinite(y).any():
        return float("nan"), False
    i = int(np.argmin(np.where(np.isfinite(y), y, np.inf)))
    if 0 < i < len(y) - 1 and np.isfinite(y[i - 1:i + 2]).all():
        y0, y1, y2 = y[i - 1:i + 2]
        h = x[i + 1] - x[i]
        curvature = y0 - 2 * y1 + y2
        if curvature > 0:
            return float(x[i] + h * (y0 - y2) / (2 * curvature)), True
    return float(x[i]), False


def optimum_shift(log2_lr, loss, *, seed: int = 0, boot: int = _BOOT):
    """Optima per width and the shift of the optimum across widths, with bootstrap intervals.

    ``loss[w, l, s]`` as from :func:`lr_sweep`. The shift is ``max - min`` over widths of the
    optimum's log2 learning rate, signed by whether the largest width's optimum lies above
    (+) or below (-) the smallest width's. Intervals: 95% percentile bootstrap, resampling
    seeds with replacement independently per width. Returns a dict with ``optima``,
    ``interpolated``, ``shift``, ``abs_ci``, ``ci`` and ``boot`` (the bootstrap shifts).
    """
    def shift_of(opts):
        opts = np.asarray(opts)
        sign = 1.0 if opts[-1] >= opts[0] else -1.0
        return sign * (opts.max() - opts.min())

    n_w, _, n_s = loss.shape
    pairs = [optimum_log2_lr(log2_lr, loss[w].mean(axis=1)) for w in range(n_w)]
    optima = [p[0] for p in pairs]
    rng = np.random.default_rng(np.random.SeedSequence([seed, 6, 8]))
    shifts = np.empty(boot)
    for b in range(boot):
        opts = []
        for w in range(n_w):
            idx = rng.integers(0, n_s, n_s)
            opts.append(optimum_log2_lr(log2_lr, loss[w][:, idx].mean(axis=1))[0])
        shifts[b] = shift_of(opts)
    return {
        "optima": optima,
        "interpolated": [p[1] for p in pairs],
        "shift": shift_of(optima),
        "ci": tuple(np.nanpercentile(shifts, [2.5, 97.5])),
        "abs_ci": tuple(np.nanpercentile(np.abs(shifts), [2.5, 97.5])),
        "boot": shifts,
    }


def lr_transfer(regime: str, parameterization: str, settings: Settings, *,
                compare: str | None = None) -> Value:
    """The learning-rate-transfer measurement of one parameterization of ``regime`` (SGD).

    Measured: :math:`|\\Delta|`, the range over widths of the optimal log2 learning rate, in
    octaves, with a 95% percentile bootstrap interval over seeds (:func:`optimum_shift`, seeded
    by the run's seed). A :class:`Value` in the law's units (``LawValue()``) of
    ``moe_mssp.ii.<parameterization>.lr_transfer`` (octaves). ``compare`` names another
    parameterization (e.g. ``"sp"``) whose shift is kept in ``data`` for information only (the
    negative control is the engine's).
    """
    grid, log2_lr, loss = lr_sweep(regime, parameterization, settings.seed, settings.full,
                                   settings.backend)
    res = optimum_shift(log2_lr, loss, seed=settings.seed)
    mean = loss.mean(axis=2)
    series = []
    for w, N in enumerate(grid):
        ok = np.isfinite(mean[w])
        series.append({"x": (2.0 ** log2_lr[ok]).tolist(), "y": mean[w][ok].tolist(),
                       "label": f"N={int(N)}", "style": "-o"})
    data = {"x": series[-1]["x"], "y": series[-1]["y"], "label": series[-1]["label"],
            "series": series[:-1], "loglog": True,
            "xlabel": "base learning rate", "ylabel": "final loss (mean over seeds)",
            "optima": res["optima"], "interpolated": res["interpolated"], "grid": grid.tolist(),
            "signed_shift": res["shift"], "signed_ci": list(res["ci"])}
    notes = (f"optima (log2 lr) per width "
             f"{', '.join(f'{int(n)}: {o:.3f}' for n, o in zip(grid, res['optima']))}; signed "
             f"shift {res['shift']:.3f} [{res['ci'][0]:.3f}, {res['ci'][1]:.3f}]; "
             f"{loss.shape[2]} seeds, {LR_SWEEP[bool(settings.full)]['steps']} steps")
    if not all(res["interpolated"]):
        notes += ("; an optimum sits at a grid edge or next to a diverged rate (not "
                  "interpolated)")
    if compare is not None:
        other = optimum_shift(*lr_sweep(regime, compare, settings.seed, settings.full,
                                        settings.backend)[1:], seed=settings.seed)
        data["compare"] = {"parameterization": compare, "abs_shift": abs(other["shift"]),
                           "abs_ci": list(other["abs_ci"]), "optima": other["optima"]}
        notes += (f"; for comparison, {compare}: |shift| {abs(other['shift']):.3f} "
                  f"[{other['abs_ci'][0]:.3f}, {other['abs_ci'][1]:.3f}]")
    m0 = max(int(grid[0]) // 8, 1)  # Regime II: M = K = N/8 at the smallest width
    return Value(
        abs(res["shift"]), res["abs_ci"],
        method="range over widths of the optimal log2 learning rate; bootstrap over seeds "
               "(95% percentile, seeds resampled per width)",
        point={"M": m0, "K": m0}, data=data, notes=notes,
    )


def _register_transfer(parameterization: str):
    def run(settings: Settings) -> Value:
        return lr_transfer("II", parameterization, settings, compare="mup")

    run.__doc__ = (f"Learning-rate transfer under the {parameterization} table of Regime II: range "
                   "over widths of the optimal log2 learning rate (SGD, MoE MLP, teacher task), "
                   f"against moe_mssp.ii.{parameterization}.lr_transfer; muP's shift is kept "
                   "beside it for information.")
    return check(f"moe_mssp.ii.{parameterization}.lr_transfer", gpu=True,
                 name=f"moe_mssp.ii.{parameterization}.lr_transfer",
                 quick_seconds=QUICK_SECONDS.get(
                     f"moe_mssp.ii.{parameterization}.lr_transfer", 4.0))(run)


_register_transfer("mssp")


def optimal_loss_curve(regime: str, parameterization: str, settings: Settings) -> Curve:
    """The loss at the optimal learning rate over the width, one curve per seed.

    At each width the optimum is the evaluated learning rate with the lowest seed-mean loss
    (:func:`lr_sweep`); the replicas are each seed's loss at that rate (seeds are independent
    networks, teachers and data). The engine bootstraps the log-log slope of their mean over
    seeds; the laws ``moe_mssp.ii.<parameterization>.optimal_loss_slope`` state its sign.
    """
    grid, log2_lr, loss = lr_sweep(regime, parameterization, settings.seed, settings.full,
                                   settings.backend)
    mean = loss.mean(axis=2)
    best = [int(np.argmin(np.where(np.isfinite(m), m, np.inf))) for m in mean]
    y = np.stack([loss[w, j] for w, j in enumerate(best)], axis=1)  # (seeds, widths)
    sizes = LR_SWEEP[bool(settings.full)]
    m0 = shape(regime, int(grid[0])).M
    return Curve(
        grid, y, LawValue(), point={"M": m0, "K": m0}, window=(grid[0], grid[-1]),
        xlabel="width N (M = N/8, N_e = 16)", ylabel="final loss at the optimal learning rate",
        label=f"{parameterization}, Regime II, SGD",
        notes=(f"optimal log2 lr per width "
               f"{', '.join(f'{int(n)}: {log2_lr[j]:.1f}' for n, j in zip(grid, best))}; mean "
               f"loss at the optimum {', '.join(f'{mean[w, j]:.4f}' for w, j in enumerate(best))};"
               f" {loss.shape[2]} seeds, {sizes['steps']} steps, batch 32"),
        extra={"optimal_log2_lr": [float(log2_lr[j]) for j in best]},
    )


def _register_optimal_loss(parameterization: str, doc: str):
    def run(settings: Settings) -> Curve:
        return optimal_loss_curve("II", parameterization, settings)

    run.__doc__ = (f"The loss at the optimal learning rate under the {parameterization} table of "
                   "Regime II (SGD) over the width: the sign of its slope, against "
                   f"moe_mssp.ii.{parameterization}.optimal_loss_slope.\n\n{doc}")
    return check(f"moe_mssp.ii.{parameterization}.optimal_loss_slope", gpu=True,
                 name=f"moe_mssp.ii.{parameterization}.optimal_loss",
                 quick_seconds=QUICK_SECONDS.get(
                     f"moe_mssp.ii.{parameterization}.optimal_loss", 0.1))(run)


_register_optimal_loss("mssp", "MSSP: monotonic improvement, the slope is at most 0.")
_register_optimal_loss("mup", "muP: the loss at the optimum does not fall with the width, the "
                       "slope is at least 0.")


# -- depth rules: the hidden Adam learning rate and epsilon they imply -----------------------------

_DEPTH = {"N": 64, "depths": (8, 16, 32, 64, 128), "window": (16, 128), "replicas": 24,
          "full_replicas": 96}
_DEPTH_ALPHA = {"depth_mup": 0.5, "completep": 1.0}
_DEPTH_TAG = {"depth_mup": 71, "completep": 72}


@functools.lru_cache(maxsize=8)
def _depth_run(rule: str, seed: int, full: bool) -> dict:
    """unit_lr and grad_rms of the deep linear residual network, (replicas, depths) each."""
    from .processes.residual_depth import first_adam_step

    replicas = _DEPTH["full_replicas"] if full else _DEPTH["replicas"]
    root = np.random.SeedSequence(entropy=seed, spawn_key=(_DEPTH_TAG[rule],))
    # the same root at every depth: replica r has the same input and readout at every depth
    outs = [first_adam_step(N=_DEPTH["N"], L=L, alpha=_DEPTH_ALPHA[rule], replicas=replicas,
                            seed=root)
            for L in _DEPTH["depths"]]
    return {k: np.stack([o[k] for o in outs], axis=1) for k in ("unit_lr", "grad_rms")}


def _depth_curve(rule: str, quantity: str, settings: Settings) -> Curve:
    run = _depth_run(rule, settings.seed, bool(settings.full))
    y = run["unit_lr" if quantity == "hidden_lr" else "grad_rms"]
    L = np.array(_DEPTH["depths"], dtype=float)
    key = f"moe_mssp.depth_rule.{rule}.adam.{quantity}"
    if "L" in sl.law(key).params:
        predict, point = Exponent("L"), {}
    else:  # the CompleteP learning rate has no depth factor: a bounded ratio to the law (1)
        predict, point = LawCurve(tuple({} for _ in L)), {}
    what = ("hidden learning rate at which the first Adam (sign) step moves the output by 1"
            if quantity == "hidden_lr" else "RMS entry of the hidden gradients")
    return Curve(
        L, y, predict, point=point, window=_DEPTH["window"], xlabel="depth L (residual blocks)",
        ylabel=what, label=f"deep linear residual net, branch multiplier L^-{_DEPTH_ALPHA[rule]}",
        notes=(f"validators/processes/residual_depth.py: width N = {_DEPTH['N']}, "
               f"L = {', '.join(str(d) for d in _DEPTH['depths'])} (judged on L >= "
               f"{_DEPTH['window'][0]}: the stream's norm carries a (1 + L^-2alpha)^L factor "
               f"whose log-slope in L is O(1/L)), {y.shape[0]} replicas (input and readout "
               "shared across depths, hidden weights fresh), muP hidden init and 1/N readout, "
               "first step at init"),
    )


def _register_depth(rule: str, quantity: str):
    def run(settings: Settings) -> Curve:
        return _depth_curve(rule, quantity, settings)

    run.__doc__ = (
        f"The {quantity.replace('_', ' ')} depth factor under the {rule} rule (branch multiplier "
        f"L^-{_DEPTH_ALPHA[rule]}), measured on a deep linear residual network at its first Adam "
        "step: " + ("the learning rate that moves the output by 1 (1 / the L1 norm of the "
                    "output's Jacobian in the hidden weights)" if quantity == "hidden_lr"
                    else "the RMS hidden-gradient entry, which epsilon must follow") + ".")
    return check(f"moe_mssp.depth_rule.{rule}.adam.{quantity}",
                 name=f"moe_mssp.depth_rule.{rule}.adam.{quantity}", quick_seconds=0.7)(run)


for _rule in _DEPTH_ALPHA:
    for _q in ("hidden_lr", "hidden_eps"):
        _register_depth(_rule, _q)
