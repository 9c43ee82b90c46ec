"""Coordinate checks and learning-rate transfer of the μP and MSSP tables of
:mod:`scalinglaws.papers.moe_mssp`.

The process is the MLP-MoE of :mod:`scalinglaws.validators.processes.moe` (soft sigmoid routing
over all experts, MSE, teacher targets, online SGD or Adam), with the registered table of the
regime and parameterization applied by name (:func:`scalinglaws.papers.moe_mssp.param_table`):
init variances as the table's expressions, learning rates ``lr · factor(N)/factor(N_base)``.
Grids follow the regime's joint limit:

* Regime II: ``N_e = 16`` fixed, ``M = K = N/8``, ``N`` from 64 to 512;
* Regime III: ``N_e = N/2``, ``M = K = N/16``, ``N`` from 64 to 384.

Observables, one value per replica (independent seed streams): the RMS of the aggregation's
initial term :math:`h_{agg}(0)` and the RMS of the output change :math:`\\hat y_3 - \\hat y_0` after
three steps on the first training batch (for the μP/MSSP ratios, divided replica by replica by
the MSSP run's on the same seeds). Each check returns the replica curves over the number of
experts ``M`` (``M = N/8`` or ``N/16``: proportional to the width along the regime) and names
the law that states the observable (``moe_mssp.mup.init_term``, ``moe_mssp.mssp.init_term``,
``moe_mssp.sgd.output_change_ratio``, ``moe_mssp.adam.*``: monomials in ``M`` from our
bookkeeping on the tables, kind ``theta``); the engine takes the law's exponent in ``M`` and
compares it with the replicas' log-log slope (bootstrap over replicas). The tables themselves
enter only through the simulation, so a wrong table entry shows up as a failed check.

The standard parameterization (:func:`sp_table`: variance 1/fan-in everywhere, raw sigmoid
gates, one learning rate tuned at the base width) and the other table's data fail the same laws
(``tests/test_moe_mssp.py``): a test of the process and of the tables, beside the engine's own
controls.

Learning-rate transfer (Regime II, SGD, :func:`lr_transfer`): online training on the teacher
task at widths ``N = 32..128`` (full: ``..512``, more seeds and steps) over a log2-spaced sweep
of the base learning rate; the optimum per width by parabolic interpolation of the mean final
loss in log2 learning rate; the measured quantity is the range of the optima across widths,
:math:`|\\Delta|` in octaves, with a bootstrap interval over seeds (a :class:`Value`). It is not
a registered check: no registered law states it. The laws the old verdicts were filed under
are the expert-down init variances (``moe_mssp.ii.{mup,mssp}.expert_down.init_var``, kind
``theta``, values ``1/N_e`` and ``M/N_e``), whose value is not an optimum's shift; the factor-2
criterion (MSSP: at most one octave, an upper bound; μP as encoded: at least one, a lower
bound) was ours and is not in the registry.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from scalinglaws.papers import moe_mssp as P

from .engine import Curve, Exponent, Settings, Value, check

BASE_LR = 0.1
BASE_LR_ADAM = 0.01
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


def _table(regime: str, parameterization: str, optimizer: str = "sgd"):
    setup = _SETUP[regime]
    if parameterization == "sp":
        return sp_table(regime, setup["shape"](setup["grid"][0]))
    return P.param_table(regime, optimizer, parameterization, reduce=False)


@functools.lru_cache(maxsize=16)
def simulate(regime: str, parameterization: str, seed: int = 0, full: bool = False,
             backend: str = "numpy", optimizer: str = "sgd"):
    """(grid, init_term (R, n), output_change (R, n)) for one regime and parameterization
    (``"mup"``, ``"mssp"`` or ``"sp"``), trained with the table's ``optimizer`` (base learning
    rate :data:`BASE_LR` for SGD, :data:`BASE_LR_ADAM` for Adam)."""
    from .processes.backend import get_backend
    from .processes.moe import moe_coord_check, recipe_from_table

    xp = get_backend("cupy" if backend == "cupy" else "numpy").xp
    setup = _SETUP[regime]
    grid = setup["grid_full" if full else "grid"]
    replicas = 32 if full else REPLICAS
    table = _table(regime, parameterization, optimizer)
    base = setup["shape"](grid[0])
    init, change = [], []
    root = np.random.SeedSequence([seed, 6, {"II": 2, "III": 3}[regime]]
                                  + ([] if optimizer == "sgd" else [9]))
    for N, child in zip(grid, root.spawn(len(grid))):
        shape = setup["shape"](N)
        recipe = recipe_from_table(table, shape, base,
                                   lr=BASE_LR if optimizer == "sgd" else BASE_LR_ADAM)
        with np.errstate(over="ignore", invalid="ignore"):
            out = moe_coord_check(shape, recipe, replicas=replicas, batch=setup["batch"],
                                  steps=STEPS, seed=child, xp=xp)
        init.append(out["init_term"])
        change.append(out["output_change"])
    return np.array(grid, dtype=float), np.stack(init, axis=1), np.stack(change, axis=1)


# ------------------------------------------------------------------------------ coordinate checks

#: The law stating each observable: (observable, parameterization, optimizer) -> law key.
OBSERVABLE_LAWS = {
    ("init_term", "mup", "sgd"): "moe_mssp.mup.init_term",
    ("init_term", "mssp", "sgd"): "moe_mssp.mssp.init_term",
    ("relative_output_change", "mup", "sgd"): "moe_mssp.sgd.output_change_ratio",
    ("output_change", "mup", "adam"): "moe_mssp.adam.mup.output_change",
    ("output_change", "mssp", "adam"): "moe_mssp.adam.mssp.output_change",
    ("relative_output_change", "mup", "adam"): "moe_mssp.adam.output_change_ratio",
}

_WHAT = {
    "init_term": "aggregation initial term RMS",
    "output_change": "RMS output change after 3 steps",
    "relative_output_change": "output change relative to MSSP (same seeds)",
}


def coord_curve(regime: str, parameterization: str, observable: str, settings: Settings,
                optimizer: str = "sgd", data_parameterization: str | None = None) -> Curve:
    """The replica curves of ``observable`` over the width ``N`` along ``regime``'s limit.

    ``observable`` is ``"init_term"``, ``"output_change"`` or ``"relative_output_change"`` (the
    output change divided, replica by replica, by the MSSP run's on the same seeds). The data
    come from ``data_parameterization`` (default: ``parameterization``; ``"sp"`` for the
    standard parameterization); the curve is to be judged against the law
    :data:`OBSERVABLE_LAWS` names for ``(observable, parameterization, optimizer)``. Those
    laws are monomials in the number of experts ``M``, so the curve's scale variable is ``M``
    (proportional to ``N`` along both regimes) and the prediction is the law's exponent in
    ``M`` (``Exponent("M")``).
    """
    if observable not in _WHAT:
        raise ValueError(f"unknown observable {observable!r}")
    data_par = data_parameterization or parameterization
    grid, init, change = simulate(regime, data_par, settings.seed, settings.full, settings.backend,
                                  optimizer)
    if observable == "init_term":
        y = init
    elif observable == "output_change":
        y = change
    else:
        reference = simulate(regime, "mssp", settings.seed, settings.full, settings.backend,
                             optimizer)[2]
        y = change / reference
    shapes = [_SETUP[regime]["shape"](int(N)) for N in grid]
    M = np.array([sh.M for sh in shapes], dtype=float)
    what = _WHAT[observable]
    opt = "SGD" if optimizer == "sgd" else "Adam"
    return Curve(
        # the laws are monomials in M (soft routing: K = M); the point is the grid's start
        M, y, Exponent("M"), point={"M": shapes[0].M, "K": shapes[0].K},
        window=(M[0], M[-1]),
        xlabel=f"number of experts M = K (width N = {grid[0] // M[0]:.0f} M)", ylabel=what,
        label=f"{what}, Regime {regime}, {data_par} ({opt})",
        notes=(f"Regime {regime}: N = {int(grid[0])}..{int(grid[-1])}, M = K = "
               f"{shapes[0].M}..{shapes[-1].M}, N_e = {shapes[0].N_e}..{shapes[-1].N_e}; "
               f"{y.shape[0]} replicas, {STEPS} {opt} steps, base lr "
               f"{BASE_LR if optimizer == 'sgd' else BASE_LR_ADAM}"
               + ("" if data_par == parameterization else f"; data of the {data_par} table")),
        extra={"N": grid.tolist(), "N_e": [sh.N_e for sh in shapes]},
    )


def _register(regime: str, parameterization: str, observable: str, seconds: float,
              known_failure: str = "", optimizer: str = "sgd", doc: str = ""):
    key = OBSERVABLE_LAWS[(observable, parameterization, optimizer)]
    opt = "" if optimizer == "sgd" else f".{optimizer}"
    name = f"moe_mssp.{regime.lower()}.{parameterization}{opt}.{observable}"

    def run(settings: Settings) -> Curve:
        return coord_curve(regime, parameterization, observable, settings, optimizer)

    # the docstring first: @check reads it when it registers the check
    run.__doc__ = (
        f"The {observable.replace('_', ' ')} under the {parameterization} table of Regime "
        f"{regime} ({'SGD' if optimizer == 'sgd' else 'Adam'}) over the number of experts M "
        f"(proportional to the width N), against {key}." + (f"\n\n{doc}" if doc else "")
    )
    return check(key, name=name, quick_seconds=seconds, known_failure=known_failure)(run)


for _regime, _seconds in (("II", 4.0), ("III", 7.0)):
    for _par in ("mup", "mssp"):
        _register(_regime, _par, "init_term", _seconds)
_SGD_RELATIVE_FINDING = (
    "finding (precision level): slope -1.008 [-1.013, -1.003] against -1 over M = 8..64 (16 "
    "replicas), local slopes -1.001..-1.015 without a trend; see the law's notes"
)
_ADAM_MSSP_FINDING = (
    "finding (pre-asymptotic): slope -0.072 [-0.128, -0.012] against 0 over N = 64..512, local "
    "slopes rising towards 0 (-0.13 at N ~ 96, +0.02 at N ~ 384); see the law's notes"
)
_register("II", "mup", "relative_output_change", 0.5, known_failure=_SGD_RELATIVE_FINDING, doc=(
    "Quick sizes, seed 0: slope -1.008 [-1.013, -1.003] against -1, local slopes -1.001 to "
    "-1.015 without a trend: a 1.7 % drift of the ratio to the law over M = 8..64, which the "
    "bootstrap over 16 replicas resolves; the replica test has no allowance for a finite-width "
    "correction, so the engine's verdict is fail, recorded as a precision-level finding."))
_register("II", "mssp", "output_change", 5.0, optimizer="adam", known_failure=_ADAM_MSSP_FINDING,
          doc=(
    "Quick sizes, seed 0: slope -0.072 [-0.128, -0.012] against 0; the local slopes rise "
    "towards 0 (-0.13 at N ~ 96, +0.02 at N ~ 384): pre-asymptotic drift that the replica "
    "test cannot extrapolate over 4 widths; recorded as a finding until the full grid (N up "
    "to 1024, 32 replicas) settles it."))
_register("II", "mup", "output_change", 5.0, optimizer="adam", doc=(
    "Quick sizes: inconclusive (-0.453 [-0.512, -0.388], an interval that also holds -0.4); "
    "the full grid (N up to 1024, 32 replicas) narrows it."))
#: A finding (also in the notes of moe_mssp.adam.output_change_ratio).
_ADAM_RELATIVE_FINDING = (
    "finding: under Adam the muP output change relative to MSSP (same seeds) falls like "
    "M^-0.380 (95% CI [-0.387, -0.373]) on M = 8..64 (N = 64..512, 16 replicas, 3 steps, base "
    "lr 0.01), not M^-1/2 as the readout-only bookkeeping predicts, and its local slopes move "
    "away from -1/2 (-0.42 at N ~ 96 to -0.32 at N ~ 384): after the first step Adam's "
    "sign-like updates of the expert and router groups add output change that the bookkeeping "
    "leaves out"
)
_register("II", "mup", "relative_output_change", 0.5, known_failure=_ADAM_RELATIVE_FINDING,
          optimizer="adam")


# ------------------------------------------------------------------- learning-rate transfer

#: Sizes of the learning-rate sweep (Regime II): widths, log2 base learning rates, seeds, steps.
LR_SWEEP = {
    False: {"grid": (32, 64, 128), "log2_lr": tuple(np.arange(-6, 2.01, 0.5)), "seeds": 6,
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
    from .processes.moe import moe_train_loss, recipe_from_table

    xp = get_backend("cupy" if backend == "cupy" else "numpy").xp
    sizes = LR_SWEEP[bool(full)]
    setup = _SETUP[regime]
    grid = sizes["grid"]
    base = setup["shape"](grid[0])
    table = (sp_table(regime, base) if parameterization == "sp"
             else P.param_table(regime, "sgd", parameterization, reduce=False))
    log2_lr = np.array(sizes["log2_lr"], dtype=float)
    loss = np.full((len(grid), len(log2_lr), sizes["seeds"]), np.nan)
    root = np.random.SeedSequence([seed, 6, 7, {"II": 2, "III": 3}[regime]])
    start = len(log2_lr) // 2
    for w, (N, child) in enumerate(zip(grid, root.spawn(len(grid)))):
        shape = setup["shape"](N)

        def run(j):
            if np.isnan(loss[w, j]).all():
                recipe = recipe_from_table(table, shape, base, lr=float(2.0 ** log2_lr[j]))
                loss[w, j] = moe_train_loss(shape, recipe, replicas=sizes["seeds"], batch=32,
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
        start = best
    return np.array(grid, dtype=float), log2_lr, loss


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


#: Finding (see the notes of moe_mssp.ii.mup.lr_transfer).
_MUP_TRANSFER_FINDING = (
    "finding: muP's optimal learning rate moves by only 0.27 octaves (95% CI [0.10, 0.70]) over "
    "N = 32..128, not the >= 1 octave of no robust transfer (MSSP: 0.21 [0.04, 0.40])"
)


def _register_transfer(parameterization: str, known_failure: str = ""):
    def run(settings: Settings) -> Value:
        return lr_transfer("II", parameterization, settings,
                           compare="sp" if parameterization == "mssp" else "mssp")

    run.__doc__ = (f"Learning-rate transfer under the {parameterization} table of Regime II: range "
                   "over widths of the optimal log2 learning rate (SGD, MoE MLP, teacher task), "
                   f"against moe_mssp.ii.{parameterization}.lr_transfer.")
    return check(f"moe_mssp.ii.{parameterization}.lr_transfer",
                 name=f"moe_mssp.ii.{parameterization}.lr_transfer", quick_seconds=8.0,
                 known_failure=known_failure)(run)


_register_transfer("mssp")
_register_transfer("mup", _MUP_TRANSFER_FINDING)
