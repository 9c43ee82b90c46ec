r"""Parameterization recipes for your own model: μP and MSSP tables applied at your shapes.

A parameterization table (:class:`~scalinglaws.parameterization.ParamTable`: the μP table of
Tensor Programs V, the μP/MSSP tables of the MoE paper, or your own from JSON) says how each
group's initialisation, learning rate and Adam :math:`\epsilon` move with the model's scales.
:func:`recipe` turns it into numbers for one model: you tune at a *base* shape, and the recipe
transfers the tuned values to the *target* shape,

.. math::

    \eta_g(\text{shape}) = \eta \cdot \frac{f^{\eta}_g(\text{shape})}{f^{\eta}_g(\text{base})},
    \qquad
    \sigma_g(\text{shape}) = \sigma_g \cdot
        \sqrt{\frac{f^{\sigma^2}_g(\text{shape})}{f^{\sigma^2}_g(\text{base})}},

and the same ratio for Adam's :math:`\epsilon` and for a forward multiplier. Without a base
standard deviation the table's own variance is used as it stands (:math:`\sigma_g^2 =
f^{\sigma^2}_g(\text{shape})`, e.g. :math:`1/n_{in}`). A zero-variance entry is a zero
initialisation (the MoE tables' readout).

>>> import scalinglaws as sl
>>> from scalinglaws.recipes import recipe
>>> r = recipe("mup.adam", shape={"n": 1024}, base={"n": 256}, lr=1e-3)
>>> r.groups["hidden"].lr, r.groups["input"].lr
(0.00025, 0.001)
>>> round(r.groups["hidden"].init_std ** 2 * 1024, 12)   # variance 1/n
1.0

The MoE tables are chosen by regime, stated (``"moe_mssp.II.adam.mssp"``) or detected from
which scales differ between base and target (:func:`detect_regime`):

>>> shape = {"N": 512, "N_e": 64, "M": 32, "K": 8, "D": 16}
>>> base = {"N": 128, "N_e": 64, "M": 8, "K": 2, "D": 16}
>>> r = recipe("moe_mssp.adam.mssp", shape=shape, base=base, lr=1e-3)
>>> r.table, r.aggregation
('moe_mssp.II.adam.mssp', 0.03125)

**PyTorch** (no import of torch here: the functions only call the tensors' own methods):
:meth:`Recipe.param_groups` gives ``torch.optim`` parameter groups and :meth:`Recipe.initialize`
initialises the parameters in place (normal with the group's standard deviation, zeros where
the table says zero, one expert's weights copied to all where the table says the experts share
their initialisation)::

    groups = {"embedding": "embed.*", "router": "*.router.*", "expert_up": "*.w_up",
              "expert_down": "*.w_down", "readout": "head.*"}
    r.initialize(model.named_parameters(), groups, expert_axis={"expert_up": 1, "expert_down": 0})
    opt = torch.optim.Adam(r.param_groups(model.named_parameters(), groups))

The forward multipliers and the MoE aggregation factor are not parameters: apply
``r.groups[g].multiplier`` and ``r.aggregation`` in your forward pass (they are 1 in the
multiplier-free tables this package carries, except the aggregation).

**microsoft/mup.** Its ``set_base_shapes`` + ``MuReadout`` + ``MuAdam`` form realises the same
class as ``mup.adam`` with a readout multiplier :math:`1/\text{width}` and a constant readout
variance instead of a readout variance :math:`1/n^2`; the two are the same parameterization by
the abc-symmetry (:func:`~scalinglaws.parameterization.equivalent` says so, see
``docs/quickstart.md``). A recipe built from either table gives the same function at every
width once the multiplier is applied.

:func:`coord_check` is the check that your model really is in the parameterization you think:
activations (and updates) per group and step across widths, their log-log slopes judged by the
same engine as ``scalinglaws verify``.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import math
import numbers
from typing import Callable, Iterable, Mapping, Sequence

import sympy as sp

from .errors import ParameterError, UnknownKeyError

__all__ = ["recipe", "Recipe", "GroupRecipe", "detect_regime", "coord_check", "CoordCheck"]


# ----------------------------------------------------------------------------------------------
# tables by name
# ----------------------------------------------------------------------------------------------

_MOE_SCALES = ("N", "N_e", "M", "K")


def detect_regime(shape: Mapping[str, float], base: Mapping[str, float]) -> str:
    """The MoE scaling regime of a move from ``base`` to ``shape``.

    Regime I grows the expert width ``N_e`` with ``N`` at a fixed number of experts; Regime II
    grows the number of experts ``M`` (and active ones ``K``) at a fixed expert width;
    Regime III grows both.

    >>> detect_regime({"N": 512, "N_e": 512, "M": 8, "K": 2}, {"N": 128, "N_e": 128, "M": 8, "K": 2})
    'I'
    """
    missing = [k for k in _MOE_SCALES if k not in shape or k not in base]
    if missing:
        raise ParameterError(f"detect_regime needs {', '.join(_MOE_SCALES)} in shape and base; "
                             f"missing {', '.join(missing)}")
    grows = {k for k in _MOE_SCALES if shape[k] != base[k]}
    width, experts = "N_e" in grows, bool(grows & {"M", "K"})
    if "N" not in grows:
        raise ParameterError("detect_regime: the width N is the same in shape and base; state the "
                             "regime (moe_mssp.<I|II|III>.<optimizer>.<parameterization>)")
    if width and experts:
        return "III"
    if experts:
        return "II"
    return "I"


def _table_by_name(name: str, shape, base):
    from .parameterization import ParamTable

    if isinstance(name, ParamTable):
        return name
    if not isinstance(name, str):
        raise ParameterError(f"table must be a ParamTable or a name such as 'mup.adam', got "
                             f"{type(name).__name__}")
    parts = name.split(".")
    if parts[0] == "mup" and len(parts) == 2:
        from .papers import mup

        if parts[1] not in ("sgd", "adam"):
            raise UnknownKeyError("optimizer", parts[1], ("sgd", "adam"))
        return mup.tp5_table(parts[1])
    if parts[0] == "moe_mssp" and len(parts) in (3, 4):
        from .papers import moe_mssp

        if len(parts) == 3:
            regime = detect_regime(shape, base)
            optimizer, parameterization = parts[1:]
        else:
            regime, optimizer, parameterization = parts[1:]
        return moe_mssp.param_table(regime, optimizer, parameterization, reduce=False)
    raise UnknownKeyError("table", name, ("mup.sgd", "mup.adam", "moe_mssp.<optimizer>.<mup|mssp>",
                                          "moe_mssp.<I|II|III>.<optimizer>.<mup|mssp>"))


def _shape(what: str, values, scales: Sequence[str], needed: set[str]) -> dict[str, float]:
    if not isinstance(values, Mapping):
        raise ParameterError(f"{what} must be a mapping of scale names to sizes, got "
                             f"{type(values).__name__}")
    out = {}
    for name, value in values.items():
        if name not in scales:
            raise UnknownKeyError("scale", name, scales)
        if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                or not math.isfinite(value) or value <= 0:
            raise ParameterError(f"{what}: {name} must be a positive finite number, got {value!r}")
        out[name] = float(value)
    missing = sorted(needed - set(out))
    if missing:
        raise ParameterError(f"{what}: the table needs {', '.join(missing)}")
    return out


# ----------------------------------------------------------------------------------------------
# the recipe
# ----------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class GroupRecipe:
    """One group's numbers: init standard deviation (0: zero init), learning rate, Adam
    :math:`\\epsilon` (``None`` for SGD) and forward multiplier."""

    init_std: float
    lr: float
    eps: float | None
    multiplier: float


@dataclasses.dataclass(frozen=True)
class Recipe:
    """A parameterization table applied at one shape (see :func:`recipe`)."""

    table: str
    optimizer: str
    shape: Mapping[str, float]
    base: Mapping[str, float]
    groups: Mapping[str, GroupRecipe]
    aggregation: float = 1.0
    shared_expert_init: bool = False

    def to_dict(self) -> dict:
        """JSON-ready content."""
        return {"table": self.table, "optimizer": self.optimizer, "shape": dict(self.shape),
                "base": dict(self.base), "aggregation": self.aggregation,
                "shared_expert_init": self.shared_expert_init,
                "groups": {g: dataclasses.asdict(r) for g, r in self.groups.items()}}

    def _repr_markdown_(self) -> str:
        rows = ["| group | init std | lr | Adam ε | multiplier |", "| --- | ---: | ---: | ---: | ---: |"]
        for g, r in self.groups.items():
            eps = "—" if r.eps is None else f"{r.eps:.4g}"
            rows.append(f"| {g} | {r.init_std:.4g} | {r.lr:.4g} | {eps} | {r.multiplier:.4g} |")
        return f"**{self.table}** at {dict(self.shape)} (base {dict(self.base)})\n\n" + "\n".join(rows)

    # -- assignment of parameters to groups -----------------------------------------------------

    def assign(self, names: Iterable[str], group_of) -> dict[str, str]:
        """``{parameter name: group}`` for the given names.

        ``group_of`` is a callable ``name -> group`` (or ``None`` to leave a parameter out), or
        a mapping ``{group: pattern or list of patterns}`` (shell-style, :mod:`fnmatch`). Every
        name must land in exactly one group of the table, else :class:`ParameterError` names
        the ones that do not.
        """
        names = list(names)
        out, unassigned, ambiguous = {}, [], []
        if callable(group_of):
            for name in names:
                g = group_of(name)
                if g is None:
                    continue
                if g not in self.groups:
                    raise UnknownKeyError("group", g, tuple(self.groups))
                out[name] = g
            return out
        if not isinstance(group_of, Mapping):
            raise ParameterError("group_of must be a callable or a mapping {group: patterns}")
        for g in group_of:
            if g not in self.groups:
                raise UnknownKeyError("group", g, tuple(self.groups))
        for name in names:
            hits = [g for g, pats in group_of.items()
                    if any(fnmatch.fnmatchcase(name, p) for p in ([pats] if isinstance(pats, str) else pats))]
            if not hits:
                unassigned.append(name)
            elif len(hits) > 1:
                ambiguous.append(f"{name} ({', '.join(hits)})")
            else:
                out[name] = hits[0]
        if unassigned or ambiguous:
            parts = []
            if unassigned:
                parts.append("in no group: " + ", ".join(unassigned))
            if ambiguous:
                parts.append("in several groups: " + ", ".join(ambiguous))
            raise ParameterError("parameters " + "; ".join(parts))
        return out

    def param_groups(self, named_parameters, group_of, **options) -> list[dict]:
        """Optimizer parameter groups (``torch.optim``'s format): one dict per table group with
        its ``params``, ``lr`` (and ``eps`` for Adam) and ``name``; ``options`` (e.g.
        ``weight_decay``) are added to every group."""
        pairs = list(named_parameters)
        where = self.assign([n for n, _ in pairs], group_of)
        out = []
        for g, r in self.groups.items():
            params = [p for n, p in pairs if where.get(n) == g]
            if not params:
                continue
            group = {"params": params, "lr": r.lr, "name": g, **options}
            if r.eps is not None:
                group["eps"] = r.eps
            out.append(group)
        return out

    def initialize(self, named_parameters, group_of, *, expert_axis: Mapping[str, int] | None = None,
                   generator=None) -> dict[str, str]:
        """Initialise parameters in place (PyTorch tensors, or anything with ``normal_``,
        ``zero_``, ``copy_``, ``narrow`` and ``expand_as``): normal with the group's standard
        deviation, zeros where it is 0, and, where the table says the experts share their
        initialisation, expert 0's weights copied to every expert along ``expert_axis[group]``.
        Returns the assignment ``{name: group}``."""
        pairs = list(named_parameters)
        where = self.assign([n for n, _ in pairs], group_of)
        expert_axis = dict(expert_axis or {})
        if self.shared_expert_init and not expert_axis:
            raise ParameterError("this table ties the experts' initialisation: give expert_axis "
                                 "{group: axis of the expert index}")
        for name, p in pairs:
            g = where.get(name)
            if g is None:
                continue
            data = getattr(p, "data", p)
            std = self.groups[g].init_std
            if std == 0:
                data.zero_()
                continue
            if generator is None:
                data.normal_(0.0, std)
            else:
                data.normal_(0.0, std, generator=generator)
            if self.shared_expert_init and g in expert_axis:
                data.copy_(data.narrow(expert_axis[g], 0, 1).expand_as(data))
        return where


def recipe(table, shape: Mapping[str, float], base: Mapping[str, float] | None = None, *,
           lr: float, init_std: float | Mapping[str, float] | None = None,
           eps: float = 1e-8) -> Recipe:
    """Apply a parameterization table at ``shape``, tuned at ``base``.

    Parameters
    ----------
    table : ParamTable or str
        A table, or a name: ``"mup.sgd"``, ``"mup.adam"`` (scale ``n``, the width),
        ``"moe_mssp.<I|II|III>.<sgd|adam>.<mup|mssp>"`` or ``"moe_mssp.<sgd|adam>.<mup|mssp>"``
        (regime detected from which scales differ, :func:`detect_regime`; scales ``N, N_e, M,
        K, D``).
    shape, base : mapping of str to positive number
        The target and base sizes of the table's scales (``base`` defaults to ``shape``).
    lr : float
        The learning rate tuned at ``base`` (every group runs at it there).
    init_std : float or mapping, optional
        The init standard deviation tuned at ``base`` (one number, or per group); by default
        the table's own variance at ``shape`` is used as it stands.
    eps : float
        Adam's :math:`\\epsilon` at ``base`` (Adam tables only).
    """
    from .parameterization import _as_expr

    t = _table_by_name(table, shape if shape is not None else {}, base if base is not None else shape)
    for name, value in (("lr", lr), ("eps", eps)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                or not math.isfinite(value) or value <= 0:
            raise ParameterError(f"{name} must be a positive finite number, got {value!r}")
    symbols = t.symbols
    needed = {s.name for g in t.groups.values() for e in g.values()
              for s in sp.sympify(e).free_symbols}
    aggregation = _as_expr(t.flags.get("aggregation", "1"), symbols)
    needed |= {s.name for s in aggregation.free_symbols}
    target = _shape("shape", shape, t.scales, needed)
    tuned = _shape("base", base if base is not None else shape, t.scales, needed)
    if isinstance(init_std, Mapping):
        unknown = set(init_std) - set(t.groups)
        if unknown:
            raise UnknownKeyError("group", sorted(unknown)[0], tuple(t.groups))
    elif init_std is not None and (isinstance(init_std, bool) or not isinstance(init_std, numbers.Real)
                                   or not math.isfinite(init_std) or init_std < 0):
        raise ParameterError(f"init_std must be a non-negative number or a mapping, got {init_std!r}")

    def at(expr, sizes) -> float:
        expr = _as_expr(expr, symbols)
        value = expr.xreplace({symbols[k]: sp.Float(v, 30) for k, v in sizes.items() if k in symbols})
        value = complex(value.evalf(30))
        if value.imag != 0 or not math.isfinite(value.real) or value.real < 0:
            raise ParameterError(f"table {t.name}: entry {expr} is not a non-negative number at {sizes}")
        return value.real

    def ratio(expr) -> float:
        b = at(expr, tuned)
        if b == 0:
            raise ParameterError(f"table {t.name}: entry {expr} is 0 at the base shape")
        return at(expr, target) / b

    groups = {}
    for g, entries in t.groups.items():
        var = entries.get("init_var", 1)
        if at(var, target) == 0:
            std = 0.0
        elif init_std is None:
            std = math.sqrt(at(var, target))
        else:
            base_std = init_std.get(g) if isinstance(init_std, Mapping) else init_std
            if base_std is None:
                std = math.sqrt(at(var, target))
            else:
                std = float(base_std) * math.sqrt(ratio(var))
        groups[g] = GroupRecipe(
            init_std=std,
            lr=float(lr) * ratio(entries.get("lr", 1)),
            eps=float(eps) * ratio(entries["eps"]) if t.optimizer == "adam" and "eps" in entries
            else (float(eps) if t.optimizer == "adam" else None),
            multiplier=ratio(entries.get("multiplier", 1)),
        )
    return Recipe(t.name, t.optimizer, target, tuned, groups, aggregation=at(aggregation, target),
                  shared_expert_init=bool(t.flags.get("shared_expert_init", False)))


# ----------------------------------------------------------------------------------------------
# coordinate check
# ----------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class CoordCheck:
    """Sizes recorded across widths (see :func:`coord_check`).

    ``rms[name]`` has shape ``(seeds, widths, steps)``.
    """

    widths: tuple
    names: tuple
    rms: Mapping[str, object]
    steps: int

    def slope(self, name: str, step: int = -1):
        """The exponent of ``name``'s size in the width at ``step``, as an
        :class:`~scalinglaws.fit.ExponentFit` (replicas: the seeds)."""
        import numpy as np

        from .fit import fit_exponent

        if name not in self.rms:
            raise UnknownKeyError("name", name, self.names)
        y = np.asarray(self.rms[name])[:, :, step]
        return fit_exponent(np.asarray(self.widths, float), y if y.shape[0] > 1 else y[0],
                            xlabel="width", ylabel=f"rms {name} (step {step})")

    def verdicts(self, step: int = -1, expected: float | Mapping[str, float] = 0.0) -> dict:
        """``{name: verdict}``: each size's width exponent at ``step`` judged against
        ``expected`` (0: width-independent, what μP asks of activations) by the one judge."""
        out = {}
        for name in self.names:
            target = expected.get(name, 0.0) if isinstance(expected, Mapping) else expected
            out[name] = self.slope(name, step).against(float(target))
        return out

    def plot(self, path=None, steps: Sequence[int] | None = None):
        """A log-log plot of each size against the width, one panel per name, one line per
        step. Written to ``path`` if given (the figure is returned); never switches the user's
        matplotlib backend."""
        import numpy as np
        from matplotlib.figure import Figure

        steps = range(self.steps) if steps is None else steps
        n = len(self.names)
        fig = Figure(figsize=(3.2 * n, 3.0))
        for i, name in enumerate(self.names):
            ax = fig.add_subplot(1, n, i + 1)
            mean = np.asarray(self.rms[name]).mean(axis=0)
            for s in steps:
                ax.loglog(self.widths, mean[:, s], marker="o", label=f"step {s}")
            ax.set_title(name)
            ax.set_xlabel("width")
        fig.axes[0].set_ylabel("rms")
        fig.axes[0].legend(fontsize="small")
        fig.tight_layout()
        if path is not None:
            fig.savefig(path)
        return fig


def coord_check(run: Callable[[int, int], Mapping[str, Sequence]], widths: Sequence[int], *,
                seeds: Sequence[int] = (0, 1, 2)) -> CoordCheck:
    """Record your model's sizes across widths: the coordinate check of μP.

    ``run(width, seed)`` trains your model (any framework) for a few steps at ``width`` and
    returns ``{name: [x_0, x_1, ...]}``: for each quantity you track (a layer's activations, a
    group's update) and each step, either an array (its root-mean-square is taken) or the RMS
    itself. In a correct μP every activation and every update is width-independent, so the
    log-log slopes of :meth:`CoordCheck.verdicts` should pass against 0; in the standard
    parameterization the output and the updates drift.

    With PyTorch, forward hooks collect the activations::

        def run(width, seed):
            torch.manual_seed(seed)
            model = build(width)  # your model, set up with recipe(...).initialize(...)
            seen = {}
            for name, module in model.named_modules():
                if name in ("embed", "blocks.0", "head"):
                    module.register_forward_hook(
                        lambda m, i, o, name=name: seen.setdefault(name, []).append(o.detach().numpy()))
            for step in range(4):
                loss = model(x).pow(2).mean(); loss.backward(); opt.step(); opt.zero_grad()
            return seen

    >>> import numpy as np
    >>> def run(width, seed):              # a toy: mean-field output, standard-scaled hidden
    ...     rng = np.random.default_rng(seed)
    ...     x = rng.standard_normal(16)
    ...     w = rng.standard_normal((width, 16)) / 4.0
    ...     h = np.tanh(w @ x)
    ...     v = rng.standard_normal((8, width))
    ...     return {"hidden": [h], "output": [v @ h / width]}   # output shrinks like width^-1/2
    >>> c = coord_check(run, [64, 128, 256, 512, 1024, 2048], seeds=range(8))
    >>> v = c.verdicts()
    >>> v["hidden"].outcome, v["output"].outcome
    ('pass', 'fail')
    >>> round(c.slope("output").exponent, 1)
    -0.5
    """
    import numpy as np

    widths = tuple(widths)
    if len(widths) < 3 or any(isinstance(w, bool) or not isinstance(w, numbers.Integral) or w <= 0
                              for w in widths):
        raise ParameterError("widths: give at least 3 positive integer widths")
    if list(widths) != sorted(set(widths)):
        raise ParameterError("widths must be increasing and distinct")
    seeds = tuple(seeds)
    if not seeds:
        raise ParameterError("seeds: give at least one seed")
    records, names, steps = {}, None, None
    for si, seed in enumerate(seeds):
        for wi, width in enumerate(widths):
            out = run(width, seed)
            if not isinstance(out, Mapping) or not out:
                raise ParameterError("run(width, seed) must return a non-empty mapping "
                                     "{name: per-step values}")
            if names is None:
                names = tuple(out)
                steps = len(next(iter(out.values())))
                records = {n: np.full((len(seeds), len(widths), steps), np.nan) for n in names}
            if tuple(out) != names:
                raise ParameterError(f"run returned names {tuple(out)} at width {width}, seed "
                                     f"{seed}; expected {names}")
            for n in names:
                values = list(out[n])
                if len(values) != steps:
                    raise ParameterError(f"{n}: {len(values)} steps at width {width}; expected {steps}")
                for k, x in enumerate(values):
                    a = np.asarray(x, dtype=float)
                    rms = float(np.sqrt(np.mean(a * a))) if a.size else float("nan")
                    if not math.isfinite(rms) or rms <= 0:
                        raise ParameterError(f"{n}: size {rms} at width {width}, step {k} "
                                             "(must be positive and finite)")
                    records[n][si, wi, k] = rms
    return CoordCheck(widths, names, records, steps)
