"""The maximal-update parameterization (μP) table of Tensor Programs V.

Yang, Hu, Babuschkin, Sidor, Liu, Farhi, Ryder, Pachocki, Chen, Gao, *Tensor Programs V: Tuning
Large Neural Networks via Zero-Shot Hyperparameter Transfer*, arXiv:2203.03466 (2022).

For a weight matrix with fan-in :math:`n_{in}` and fan-out :math:`n_{out}`, μP sets the
initialisation variance and the SGD / Adam learning-rate factor by the matrix's role: *input*
weights (only the fan-out grows with width), *hidden* weights (both grow), *output* weights
(only the fan-in grows). The table is stated here in its multiplier-free form (all forward
multipliers 1); :mod:`scalinglaws.parameterization` compares it with any other form through the
abc-symmetry (``microsoft/mup`` realises the output row with a :math:`1/\\text{width}` forward
multiplier and a constant-variance init, which is the same class).

Provenance: the paper's Table 3 was not read first-hand; every entry is as implemented in the
authors' package ``microsoft/mup`` (``MuReadout``, ``MuAdam``, ``MuSGD``; status
``authors_code``). Biases (treated like input weights in the paper) are not encoded.

The regime of the input (output) rows, ``fan_in <= fan_out`` (``fan_out <= fan_in``), encodes
which dimension grows with width: the rows are asymptotic statements for that case.

The standard parameterization (SP, PyTorch default: variance :math:`1/n_{in}`, one learning
rate) is not a law of this paper; :func:`sp_table` builds it as the negative control of the
coordinate checks.
"""

from __future__ import annotations

import sympy as sp

from scalinglaws.law import Paper

__all__ = ["paper", "GROUPS", "tp5_table", "sp_table", "law_key"]

paper = Paper(
    "mup",
    arxiv="2203.03466",
    version=1,
    title="Tensor Programs V: Tuning Large Neural Networks via Zero-Shot Hyperparameter Transfer",
    authors="Yang, Hu, Babuschkin, Sidor, Liu, Farhi, Ryder, Pachocki, Chen, Gao",
    year=2022,
    summary=(
        "The maximal-update parameterization (muP): per-layer initialisation variance and "
        "learning-rate scalings under which every (pre)activation stays Theta(1) and every layer "
        "updates maximally as width grows, so tuned hyperparameters transfer across widths."
    ),
    conventions=(
        "A layer computes W x with W of shape fan_out x fan_in; entries w_0 ~ N(0, init_var); "
        "learning rate = base lr x the listed factor; forward multipliers are 1 (multiplier-free "
        "form). Loss averaged over the batch. Factors are Theta(.) statements as width -> oo with "
        "input dimension and number of outputs fixed."
    ),
)

fan_in = paper.param("fan_in", "fan-in of the weight matrix (input dimension of the layer)",
                     latex=r"n_{\mathrm{in}}")
fan_out = paper.param("fan_out", "fan-out of the weight matrix (output dimension of the layer)",
                      latex=r"n_{\mathrm{out}}")

_WHERE = "Table 3 (entries as implemented in microsoft/mup: MuReadout, MuSGD, MuAdam)"

#: groups -> (init_var, sgd lr, adam lr, regime)
GROUPS = {
    "input": (1 / fan_in, fan_out, sp.Integer(1), fan_in <= fan_out),
    "hidden": (1 / fan_in, fan_out / fan_in, 1 / fan_in, sp.true),
    "output": (fan_in**-2, 1 / fan_in, 1 / fan_in, fan_out <= fan_in),
}
_ROLE = {
    "input": "input weights (fan-in fixed, fan-out grows with width)",
    "hidden": "hidden weights (fan-in and fan-out grow with width)",
    "output": "output weights (fan-in grows with width, fan-out fixed)",
}
_QUANTITY = {
    "init_var": ("initialisation variance of the entries", r"\sigma^2_{{\mathrm{{{g}}}}}"),
    "lr_sgd": ("SGD learning-rate factor (times the base learning rate)", r"\eta^{{\mathrm{{SGD}}}}_{{\mathrm{{{g}}}}}"),
    "lr_adam": ("Adam learning-rate factor (times the base learning rate)", r"\eta^{{\mathrm{{Adam}}}}_{{\mathrm{{{g}}}}}"),
}
_NOTES = {
    ("input", "lr_sgd"): "The SGD factor fan_out is width: input weights are vector-like.",
    ("hidden", "lr_adam"): (
        "Checked with an independent recipe (validators/mup.py: the inverse of the change one "
        "unit-rate Adam step makes along the backward signal, before any update) along the "
        "square width and along the fan-in alone. The coordinate check under the whole table "
        "is mup.hidden.max_update's."
    ),
    ("hidden", "lr_sgd"): (
        "General form fan_out/fan_in (MuSGD divides by fanin_mult/fanout_mult); 1 for square "
        "hidden matrices."
    ),
    ("output", "init_var"): (
        "Variance 1/fan_in^2 (std 1/fan_in). MuReadout keeps variance 1/fan_in and multiplies "
        "the forward by 1/width: the same class under the abc-symmetry. Zero init is the common "
        "alternative."
    ),
}


def law_key(group: str, quantity: str) -> str:
    """``mup.<group>.<quantity>`` with quantity ``init_var``, ``lr_sgd`` or ``lr_adam``."""
    return f"mup.{group}.{quantity}"


for _group, (_var, _sgd, _adam, _regime) in GROUPS.items():
    for _q, _expr in (("init_var", _var), ("lr_sgd", _sgd), ("lr_adam", _adam)):
        _text, _sym = _QUANTITY[_q]
        _opt = {"lr_sgd": "sgd", "lr_adam": "adam"}.get(_q)
        paper.law(
            f"{_group}.{_q}",
            quantity=f"muP {_text}: {_ROLE[_group]}",
            symbol=_sym.format(g=_group),
            expr=_expr,
            regime=_regime,
            kind="theta",
            where=_WHERE,
            status="authors_code",
            tags={"table", "tp5", "parameterization=mup", f"group={_group}",
                  f"quantity={'lr' if _opt else 'init_var'}"}
            | ({f"optimizer={_opt}"} if _opt else {"optimizer=sgd", "optimizer=adam"}),
            scale_vars=tuple(str(s) for s in sorted(_expr.free_symbols | _regime.free_symbols, key=str)),
            notes=_NOTES.get((_group, _q), ""),
        )


paper.law(
    "hidden.max_update",
    quantity="RMS change of the hidden pre-activation after a few steps under the muP table "
    "(the maximal-update desideratum: Theta(1) in width)",
    symbol=r"|\Delta z_{\mathrm{hidden}}|",
    expr=sp.Integer(1),
    regime=sp.true,
    kind="theta",
    where="README 'basic math' of microsoft/mup (every layer updated as much as possible "
    "without divergence) and its coordinate check",
    status="derived",
    tags={"coordinate_check", "parameterization=mup"},
    scale_vars=(),
    notes=(
        "Ours: the desideratum the table is built for, stated for the hidden layer. Checked by "
        "mup.coord_check.sgd (quick) and mup.coord_check.adam (full only: at quick sizes the "
        "Adam change drifts by 1-2 % per doubling of the width, -0.022 [-0.038, -0.005] over "
        "n = 128..1024; -0.008 [-0.018, 0.002] over n = 128..2048 with 32 replicas)."
    ),
)


def tp5_table(optimizer: str, *, width: str = "n"):
    """The μP table as a :class:`~scalinglaws.parameterization.ParamTable` in one width ``n``.

    Built from the registered laws with the input dimension and the number of outputs fixed
    (set to 1) and every growing dimension set to ``n``.

    >>> from scalinglaws.tables import param_table_markdown
    >>> print(param_table_markdown(tp5_table("adam")), end="")
    | group | multiplier | init. variance | learning rate |
    | --- | --- | --- | --- |
    | input | $1$ | $1$ | $1$ |
    | hidden | $1$ | $\\frac{1}{n}$ | $\\frac{1}{n}$ |
    | output | $1$ | $\\frac{1}{n^{2}}$ | $\\frac{1}{n}$ |
    """
    from scalinglaws.parameterization import ParamTable
    from scalinglaws.registry import law

    n = sp.Symbol(width, positive=True)
    dims = {"input": (1, n), "hidden": (n, n), "output": (n, 1)}
    groups = {}
    for group, (i, o) in dims.items():
        subs = {fan_in: i, fan_out: o}
        lr = law(law_key(group, f"lr_{optimizer}")).expr if optimizer in ("sgd", "adam") else None
        if lr is None:
            raise ValueError(f"optimizer must be 'sgd' or 'adam', got {optimizer!r}")
        groups[group] = {
            "init_var": law(law_key(group, "init_var")).expr.subs(subs),
            "lr": lr.subs(subs),
        }
    return ParamTable(f"mup.tp5.{optimizer}", optimizer, groups, scales=(width,))


def sp_table(optimizer: str, *, width: str = "n"):
    """The standard parameterization (variance 1/fan_in everywhere, one learning rate).

    Not a law of the paper: the negative control of the μP checks.

    >>> from scalinglaws.parameterization import equivalent
    >>> equivalent(sp_table("sgd"), tp5_table("sgd"))
    False
    """
    from scalinglaws.parameterization import ParamTable

    n = sp.Symbol(width, positive=True)
    one = sp.Integer(1)
    groups = {
        "input": {"init_var": one, "lr": one},
        "hidden": {"init_var": 1 / n, "lr": one},
        "output": {"init_var": 1 / n, "lr": one},
    }
    return ParamTable(f"mup.sp.{optimizer}", optimizer, groups, scales=(width,))
