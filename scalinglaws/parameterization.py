r"""The ParamTable data model of parameterization tables: abc exponents, equivalence, JSON.

:class:`ParamTable` holds one table; :func:`abc_exponents` and :func:`abc_shift` read and move
its abc exponents, :func:`canonical` gives its canonical form under the abc-symmetry and
:func:`equivalent` compares canonical forms, :func:`to_json` / :func:`from_json` serialise it, and
:func:`select` picks the registered laws of a table by their tags. Rendering lives with the other
tables: :func:`scalinglaws.tables.param_table_markdown` and
:func:`scalinglaws.tables.param_table_latex`.

A *parameterization table* says, for each parameter group (a weight matrix such as "input",
"hidden", "router", "expert_down"), how four quantities scale with the model's scale variables
(width :math:`N`, expert width :math:`N_e`, number of experts :math:`M`, ...):

``multiplier``
    the forward multiplier :math:`A` in :math:`W = A\,w` (:math:`A = n^{-a}`);
``init_var``
    the initialisation variance of the trainable entries :math:`w_0` (:math:`n^{-2b}`; zero for a
    zero-initialised group);
``lr``
    the learning-rate factor multiplying the base learning rate :math:`\eta` (:math:`n^{-c}`);
``eps``
    (Adam only) the factor multiplying the base Adam :math:`\epsilon` (:math:`n^{-e}`).

Each entry is a SymPy monomial in the scale symbols (constants dropped).

*abc-symmetry* (Yang & Hu 2021, TP4/TP5). With :math:`W = n^{-a} w`,
:math:`w_0 \sim N(0, n^{-2b})` and learning rate :math:`\eta n^{-c}`, the training dynamics of
:math:`W` are unchanged by :math:`(a, b, c) \to (a+\theta, b-\theta, c-2\theta)` for SGD and
:math:`(a+\theta, b-\theta, c-\theta)` for Adam, where Adam's :math:`\epsilon` must follow the
gradient of :math:`w`, :math:`e \to e+\theta`. The shift acts per group and, for several scale
variables, per variable. :func:`canonical` picks the multiplier-free representative
(:math:`a = 0`); :func:`equivalent` compares canonical forms.

In a joint scaling limit (an MoE regime where :math:`M \asymp N`) only the total exponent along
the limit is meaningful: ``coscaling={"M": N, "K": N}`` substitutes the regime's co-scaling
before comparing, so ``M/N`` and ``1`` are then the same entry.

>>> import sympy as sp
>>> n = sp.Symbol("n", positive=True)
>>> mup = ParamTable("mup_adam", "adam", {"out": {"multiplier": 1/n, "init_var": sp.S(1),
...                                                "lr": sp.S(1), "eps": sp.S(1)}}, scales=("n",))
>>> free = ParamTable("free_adam", "adam", {"out": {"multiplier": sp.S(1), "init_var": n**-2,
...                                                 "lr": 1/n, "eps": n}}, scales=("n",))
>>> equivalent(mup, free)
True
>>> canonical(mup).groups["out"]["lr"]
1/n
>>> from_json(to_json(free)) == free
True
"""

from __future__ import annotations

import dataclasses
import json
from typing import Iterable, Mapping

import sympy as sp

from .errors import ParameterError, ScalingLawsError, UnknownKeyError

__all__ = [
    "QUANTITIES",
    "OPTIMIZERS",
    "ParamTable",
    "abc_exponents",
    "canonical",
    "equivalent",
    "abc_shift",
    "to_json",
    "from_json",
    "select",
]

#: The quantities of a table entry, in display order.
QUANTITIES = ("multiplier", "init_var", "lr", "eps")
OPTIMIZERS = ("sgd", "adam")

_ZERO = sp.Integer(0)


def _symbols(names: Iterable[str]) -> dict[str, sp.Symbol]:
    return {name: sp.Symbol(name, positive=True) for name in names}


def _as_expr(value, symbols: Mapping[str, sp.Symbol] | None = None) -> sp.Expr:
    """``value`` as a SymPy expression: text through the restricted parser (never ``sympify``:
    a string from a user must not run code), numbers and SymPy objects as they are."""
    if isinstance(value, str):
        from ._parse import parse_expression

        return parse_expression(value, dict(symbols or {}))
    try:
        return sp.sympify(value, strict=True)
    except sp.SympifyError as error:
        raise ParameterError(f"not a number or expression: {value!r}") from error


def _by_name(expr: sp.Expr, symbols: Mapping[str, sp.Symbol]) -> sp.Expr:
    """``expr`` with its symbols replaced by the positive symbols of the same name."""
    expr = _as_expr(expr, symbols)
    return expr.xreplace({s: symbols[s.name] for s in expr.free_symbols if s.name in symbols})


@dataclasses.dataclass(frozen=True)
class ParamTable:
    """A parameterization table: ``groups[group][quantity]`` is a monomial in ``scales``.

    Parameters
    ----------
    name:
        A label (``"moe_mssp.II.adam.mssp"``).
    optimizer:
        ``"sgd"`` or ``"adam"``; it fixes how the abc-symmetry acts on ``lr`` (and ``eps``).
    groups:
        ``{group: {quantity: expr}}`` with quantities from :data:`QUANTITIES`; a missing
        ``multiplier`` is 1; ``eps`` is for Adam only. ``init_var`` may be 0 (zero init).
    scales:
        Names of the scale variables the entries are power laws in.
    coscaling:
        ``{name: expr}``: the regime's co-scaling (``{"M": N}`` when :math:`M \\asymp N`),
        applied before comparing two tables.
    flags:
        Further entries that are not power laws (``{"shared_expert_init": True}``); compared
        as they are.
    """

    name: str
    optimizer: str
    groups: Mapping[str, Mapping[str, sp.Expr]]
    scales: tuple[str, ...]
    coscaling: Mapping[str, sp.Expr] = dataclasses.field(default_factory=dict)
    flags: Mapping[str, object] = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        if self.optimizer not in OPTIMIZERS:
            raise UnknownKeyError("optimizer", self.optimizer, OPTIMIZERS)
        scales = tuple(self.scales)
        if not scales or not all(isinstance(s, str) and s.isidentifier() for s in scales):
            raise ParameterError(f"{self.name}: scales must be names of scale variables")
        symbols = _symbols(scales)
        groups: dict[str, dict[str, sp.Expr]] = {}
        for group, entries in self.groups.items():
            out: dict[str, sp.Expr] = {}
            for quantity, expr in entries.items():
                if quantity not in QUANTITIES:
                    raise UnknownKeyError("quantity", quantity, QUANTITIES)
                if quantity == "eps" and self.optimizer != "adam":
                    raise ParameterError(f"{self.name}: group {group!r}: eps is for Adam only")
                value = _by_name(expr, symbols)
                stray = {s.name for s in value.free_symbols} - set(scales)
                if stray:
                    raise ParameterError(
                        f"{self.name}: {group}.{quantity} = {value} uses {sorted(stray)}, "
                        f"which are not scale variables {scales}"
                    )
                if value == 0 and quantity != "init_var":
                    raise ParameterError(f"{self.name}: {group}.{quantity} cannot be zero")
                out[quantity] = value
            out.setdefault("multiplier", sp.Integer(1))
            groups[group] = out
        coscaling = {}
        for name, expr in dict(self.coscaling).items():
            if name not in symbols:
                raise ParameterError(f"{self.name}: coscaling names {name!r}, not a scale")
            coscaling[name] = _by_name(expr, symbols)
        object.__setattr__(self, "scales", scales)
        object.__setattr__(self, "groups", groups)
        object.__setattr__(self, "coscaling", coscaling)
        object.__setattr__(self, "flags", dict(self.flags))

    @property
    def symbols(self) -> dict[str, sp.Symbol]:
        return _symbols(self.scales)

    def to_dict(self) -> dict:
        """A JSON-ready dict: expressions as SymPy strings, plus their exponents."""
        groups = {}
        for group, entries in self.groups.items():
            groups[group] = {
                q: {"expr": sp.sstr(e), "exponents": _exponent_strings(e, self.scales)}
                for q, e in entries.items()
            }
        return {
            "format": "scalinglaws.parameterization/1",
            "name": self.name,
            "optimizer": self.optimizer,
            "scales": list(self.scales),
            "coscaling": {k: sp.sstr(v) for k, v in self.coscaling.items()},
            "flags": dict(self.flags),
            "groups": groups,
        }


def _exponent_strings(expr: sp.Expr, scales) -> dict | None:
    if expr == 0:
        return None  # zero: no power law (b = infinity)
    exps = _monomial_exponents(expr, scales)
    return {k: sp.sstr(v) for k, v in exps.items()}


def _monomial_exponents(expr: sp.Expr, scales: Iterable[str]) -> dict[str, sp.Expr]:
    """``{scale: p}`` with ``expr ≍ prod(scale**p)``; constant factors are dropped."""
    scales = list(scales)
    expr = _as_expr(expr, _symbols(scales))
    expr = sp.expand_power_base(sp.powdenest(expr, force=True), force=True)
    by_name = {s.name: s for s in expr.free_symbols}
    out: dict[str, sp.Expr] = {}
    for name in scales:
        if name not in by_name:
            out[name] = _ZERO
            continue
        x = by_name[name]
        log = sp.expand_log(sp.log(expr), force=True)
        p = sp.simplify(sp.diff(log, x) * x)
        if p.free_symbols:
            raise ScalingLawsError(f"{expr} is not a power-law monomial in {name}")
        out[name] = p
    return out


def _reduced(table: ParamTable, expr: sp.Expr) -> sp.Expr:
    if not table.coscaling:
        return expr
    symbols = table.symbols
    subs = {symbols[name]: value for name, value in table.coscaling.items()}
    return sp.powsimp(sp.expand_power_base(expr.xreplace(subs), force=True), force=True)


def abc_exponents(table: ParamTable, group: str) -> dict[str, dict[str, sp.Expr]]:
    """The exponents ``{"a": {scale: ...}, "b": ..., "c": ..., ["e": ...]}`` of one group.

    Conventions: multiplier :math:`= \\prod s^{-a_s}`, init std :math:`= \\prod s^{-b_s}`
    (variance exponent halved), lr :math:`= \\prod s^{-c_s}`, eps :math:`= \\prod s^{-e_s}`,
    after the table's co-scaling. A zero-initialised group has ``b = oo`` in every scale.

    >>> import sympy as sp
    >>> n = sp.Symbol("n", positive=True)
    >>> t = ParamTable("t", "sgd", {"hidden": {"init_var": 1/n, "lr": sp.S(1)}}, scales=("n",))
    >>> abc_exponents(t, "hidden")
    {'a': {'n': 0}, 'b': {'n': 1/2}, 'c': {'n': 0}}
    """
    if group not in table.groups:
        raise UnknownKeyError("group", group, table.groups)
    entries = table.groups[group]
    scales = [s for s in table.scales if s not in table.coscaling]
    letters = {"multiplier": "a", "init_var": "b", "lr": "c", "eps": "e"}
    out: dict[str, dict[str, sp.Expr]] = {}
    for quantity, letter in letters.items():
        if quantity not in entries:
            continue
        expr = _reduced(table, entries[quantity])
        if quantity == "init_var" and expr == 0:
            out[letter] = {s: sp.oo for s in scales}
            continue
        exps = _monomial_exponents(expr, scales)
        factor = sp.Rational(-1, 2) if quantity == "init_var" else sp.Integer(-1)
        out[letter] = {s: sp.simplify(factor * p) for s, p in exps.items()}
    return out


def abc_shift(table: ParamTable, group: str, theta: Mapping[str, object]) -> ParamTable:
    """Apply the abc-symmetry with shift ``theta`` (per scale) to one group.

    The multiplier gains :math:`s^{-\\theta_s}`, the init std :math:`s^{+\\theta_s}`, the
    learning rate :math:`s^{2\\theta_s}` (SGD) or :math:`s^{\\theta_s}` (Adam), and Adam's
    :math:`\\epsilon` :math:`s^{-\\theta_s}`. The result is :func:`equivalent` to ``table``.
    """
    if group not in table.groups:
        raise UnknownKeyError("group", group, table.groups)
    symbols = table.symbols
    factor = sp.Integer(1)
    for name, value in theta.items():
        if name not in symbols:
            raise UnknownKeyError("scale", name, symbols)
        factor *= symbols[name] ** _as_expr(value)
    lr_power = 2 if table.optimizer == "sgd" else 1
    entries = dict(table.groups[group])
    entries["multiplier"] = entries["multiplier"] / factor
    if "init_var" in entries:
        entries["init_var"] = entries["init_var"] * factor**2
    if "lr" in entries:
        entries["lr"] = entries["lr"] * factor**lr_power
    if "eps" in entries:
        entries["eps"] = entries["eps"] / factor
    entries = {k: sp.powsimp(sp.expand_power_base(v, force=True), force=True) for k, v in entries.items()}
    groups = dict(table.groups)
    groups[group] = entries
    return dataclasses.replace(table, groups=groups)


def canonical(table: ParamTable) -> ParamTable:
    """The multiplier-free representative (``a = 0`` in every group) of ``table``'s class.

    The co-scaling is applied first; entries are returned as monomials with unit constants.
    """
    symbols = table.symbols
    scales = [s for s in table.scales if s not in table.coscaling]
    groups: dict[str, dict[str, sp.Expr]] = {}
    lr_power = 2 if table.optimizer == "sgd" else 1
    for group in table.groups:
        abc = abc_exponents(table, group)
        theta = {s: -abc["a"][s] for s in scales}  # a + theta = 0
        out: dict[str, sp.Expr] = {"multiplier": sp.Integer(1)}

        def mono(exps, sign=-1):
            return sp.Mul(*[symbols[s] ** (sign * exps[s]) for s in scales])

        if "b" in abc:
            if any(v == sp.oo for v in abc["b"].values()):
                out["init_var"] = _ZERO
            else:
                out["init_var"] = mono({s: 2 * (abc["b"][s] - theta[s]) for s in scales})
        if "c" in abc:
            out["lr"] = mono({s: abc["c"][s] - lr_power * theta[s] for s in scales})
        if "e" in abc:
            out["eps"] = mono({s: abc["e"][s] + theta[s] for s in scales})
        groups[group] = out
    return ParamTable(
        f"{table.name} (canonical)", table.optimizer, groups, tuple(scales), flags=table.flags
    )


def equivalent(table1: ParamTable, table2: ParamTable, *, explain: bool = False):
    """Whether two tables define the same training dynamics up to the abc-symmetry.

    Both must have the same optimizer, groups, quantities (eps present in both or neither) and
    flags; their canonical forms (:func:`canonical`, after each table's co-scaling) must agree
    exponent by exponent. With ``explain=True`` returns ``(bool, [differences])``.

    >>> import sympy as sp
    >>> n = sp.Symbol("n", positive=True)
    >>> a = ParamTable("a", "sgd", {"out": {"multiplier": 1/n, "init_var": sp.S(1), "lr": n}},
    ...                scales=("n",))
    >>> b = ParamTable("b", "sgd", {"out": {"init_var": n**-2, "lr": 1/n}}, scales=("n",))
    >>> equivalent(a, b)
    True
    >>> equivalent(a, ParamTable("c", "adam", {"out": {"init_var": n**-2, "lr": 1/n}},
    ...                          scales=("n",)), explain=True)[1]
    ['optimizer: sgd vs adam']
    """
    diffs: list[str] = []
    if table1.optimizer != table2.optimizer:
        diffs.append(f"optimizer: {table1.optimizer} vs {table2.optimizer}")
    if dict(table1.flags) != dict(table2.flags):
        diffs.append(f"flags: {dict(table1.flags)} vs {dict(table2.flags)}")
    if set(table1.groups) != set(table2.groups):
        diffs.append(f"groups: {sorted(table1.groups)} vs {sorted(table2.groups)}")
    if not diffs:
        c1, c2 = canonical(table1), canonical(table2)
        names = sorted(set(c1.scales) | set(c2.scales))
        for group in c1.groups:
            e1, e2 = c1.groups[group], c2.groups[group]
            if set(e1) != set(e2):
                diffs.append(f"{group}: quantities {sorted(e1)} vs {sorted(e2)}")
                continue
            for q in e1:
                if (e1[q] == 0) != (e2[q] == 0):
                    diffs.append(f"{group}.{q}: {e1[q]} vs {e2[q]}")
                    continue
                if e1[q] == 0:
                    continue
                x1 = _monomial_exponents(e1[q], names)
                x2 = _monomial_exponents(e2[q], names)
                if any(sp.simplify(x1[s] - x2[s]) != 0 for s in names):
                    diffs.append(f"{group}.{q}: {e1[q]} vs {e2[q]} (canonical)")
    same = not diffs
    return (same, diffs) if explain else same


# ----------------------------------------------------------------------------------------------
# export
# ----------------------------------------------------------------------------------------------


def to_json(table: ParamTable, *, indent: int | None = 2) -> str:
    """The table as JSON (expressions as SymPy strings, with their exponents per scale)."""
    return json.dumps(table.to_dict(), indent=indent, allow_nan=False, sort_keys=False)


def from_json(text: str | bytes | Mapping) -> ParamTable:
    """Read a table written by :func:`to_json` (a JSON string or the parsed dict).

    Expressions are read by the restricted parser (:func:`scalinglaws._parse.parse_expression`)
    against the table's declared scales only: a file can hold ``"M/N_e"`` or ``"N**(-2)"``,
    never code (no other name, attribute, call, string or lambda is read; nothing reaches
    :func:`eval` or :func:`sympy.sympify`).

    Raises
    ------
    ParameterError
        For text that is not JSON, a document that is not a parameterization table (wrong
        format, a missing or mistyped field) or an expression outside the parser's language.

    Examples
    --------
    >>> bad = {"format": "scalinglaws.parameterization/1", "name": "t", "optimizer": "sgd",
    ...        "scales": ["n"], "groups": {"w": {"lr": {"expr": "__import__('os')"}}}}
    >>> from_json(bad)
    Traceback (most recent call last):
    ...
    scalinglaws.errors.ParameterError: parameterization table 't': w.lr: malformed expression "__import__('os')": call of '__import__' is not allowed (allowed: sqrt, log, exp)
    """
    from ._parse import _quote, parse_expression

    if isinstance(text, (str, bytes, bytearray)):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
            reason = " ".join(str(exc).split())[:120] if isinstance(exc, ValueError) else ""
            raise ParameterError(f"not a JSON parameterization table: {reason or 'too deep'}")\
                from None
    elif isinstance(text, Mapping):
        data = dict(text)
    else:
        raise ParameterError(
            f"from_json takes a JSON string or a dict, got {type(text).__name__}"
        )
    if not isinstance(data, dict):
        raise ParameterError(
            f"not a scalinglaws parameterization table: a JSON {type(data).__name__}"
        )
    fmt = data.get("format")
    if fmt != "scalinglaws.parameterization/1":
        shown = _quote(fmt) if isinstance(fmt, str) else type(fmt).__name__
        raise ParameterError(f"not a scalinglaws parameterization table: format {shown}")

    def field(name, kind, default=None):
        if name not in data:
            if default is not None:
                return default
            raise ParameterError(f"parameterization table: the field {name!r} is missing")
        value = data[name]
        if not isinstance(value, kind):
            raise ParameterError(
                f"parameterization table: {name!r} must be a {_JSON_TYPES[kind]}, "
                f"got {type(value).__name__}"
            )
        return value

    name = field("name", str)
    label = f"parameterization table {_quote(name)}"
    optimizer = field("optimizer", str)
    scales = field("scales", list)
    if not scales or not all(isinstance(s, str) and s.isidentifier() for s in scales):
        raise ParameterError(f"{label}: scales must be a non-empty list of names")
    symbols = _symbols(scales)

    def parse(where: str, expr) -> sp.Expr:
        if not isinstance(expr, str):
            raise ParameterError(f"{label}: {where} must be an expression as a string, got "
                                 f"{type(expr).__name__}")
        try:
            return parse_expression(expr, symbols)
        except ParameterError as exc:
            raise ParameterError(f"{label}: {where}: {exc}") from None

    groups = {}
    for group, entries in field("groups", dict).items():
        if not isinstance(entries, dict):
            raise ParameterError(f"{label}: group {_quote(group)} must be an object")
        groups[group] = {}
        for quantity, entry in entries.items():
            where = f"{group}.{quantity}"
            if not isinstance(entry, dict) or "expr" not in entry:
                raise ParameterError(f"{label}: {_quote(where)} must be an object with 'expr'")
            groups[group][quantity] = parse(_quote(where)[1:-1], entry["expr"])
    coscaling = {
        k: parse(f"coscaling {_quote(k)}", v) for k, v in field("coscaling", dict, {}).items()
    }
    flags = field("flags", dict, {})
    for key, value in flags.items():
        if not isinstance(value, (str, bool, int, float)) or value is None:
            raise ParameterError(f"{label}: flag {_quote(key)} must be a string, number or "
                                 f"boolean, got {type(value).__name__}")
    return ParamTable(name, optimizer, groups, tuple(scales), coscaling=coscaling, flags=flags)


_JSON_TYPES = {str: "string", list: "list", dict: "object"}


def select(laws, **values) -> list:
    """The laws whose tags contain ``name=value`` for every keyword (case-insensitive values).

    Paper modules tag table entries ``regime=II``, ``optimizer=adam``, ``parameterization=mssp``,
    ``group=...``, ``quantity=...``; this is :func:`scalinglaws.tables.select_by_tags`, the
    filter behind ``scalinglaws table --paper moe_mssp --values regime=II optimizer=adam``.

    >>> import scalinglaws as sl
    >>> rows = select(sl.laws(paper="moe_mssp"), regime="II", optimizer="adam",
    ...               parameterization="mssp")
    >>> len(rows) > 0 and all("regime=II" in law.tags for law in rows)
    True
    """
    from .tables import select_by_tags

    return select_by_tags(laws, values)
