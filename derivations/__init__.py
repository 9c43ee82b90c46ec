"""SymPy derivations that land on the registered laws.

Each module here carries the file name of its paper module (``derivations/anytime.py`` derives
the laws of ``scalinglaws/papers/anytime.py``) and declares two dictionaries:

``DERIVATIONS = {law_key: function}``
    ``function()`` computes a :class:`Derivation` from the paper's *model* (a spectrum, a
    recursion, a sum, a stability condition). It never reads the registered ``law.expr``: the
    point is to check that expression, so the derivation must reach it on its own.
``NOT_DERIVED = {law_key: reason}``
    The paper's laws the module does not derive, each with the honest reason.

:func:`check` says whether a derivation lands on its law; :func:`run_all` runs every derivation
of every module. :func:`drop_constants` is the one shared helper: the power-law reading
(":math:`\\asymp`") of a derived expression.

>>> import sympy as sp
>>> from scalinglaws.derivations import Derivation, check
>>> b = sp.Symbol("b", positive=True)
>>> d = Derivation("anytime.minimax_risk_exponent", "toy", [("balance", b)], (b - 1) / b)
>>> check(d)
True
>>> check(d, target=(b - 1) / b + sp.Rational(1, 7))
False
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import random
from typing import Callable, Iterable

import sympy as sp

from scalinglaws.errors import RegimeError, RegistrationError, ScalingLawsError, UnknownKeyError
from scalinglaws.registry import law as _law

__all__ = [
    "Derivation",
    "check",
    "derivations",
    "not_derived",
    "derive",
    "run_all",
    "run_all_modulo",
    "drop_constants",
]


@dataclasses.dataclass(frozen=True)
class Derivation:
    """A derivation of one law: a readable chain of steps and the expression it lands on.

    Parameters
    ----------
    key:
        The key of the law it derives (``"anytime.bias_exponent"``).
    title:
        One line saying what the derivation does.
    steps:
        ``(description, expression)`` pairs, in order, for display; an expression may be an
        equation, an inequality or a set.
    result:
        The derived expression, written in the law's symbols (matched by name).
    notes:
        Assumptions beyond the model, and caveats (heuristic steps, dropped terms).
    """

    key: str
    title: str
    steps: tuple
    result: sp.Expr
    notes: str = ""

    def __post_init__(self):
        steps = tuple((str(text), sp.sympify(expr)) for text, expr in self.steps)
        object.__setattr__(self, "steps", steps)
        object.__setattr__(self, "result", sp.sympify(self.result))

    def __str__(self) -> str:
        lines = [f"{self.key}: {self.title}"]
        for i, (text, expr) in enumerate(self.steps, 1):
            lines.append(f"  {i}. {text}")
            lines.append(f"       {sp.sstr(expr)}")
        lines.append(f"  => {sp.sstr(self.result)}")
        if self.notes:
            lines.append(f"  notes: {self.notes}")
        return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# the power-law reading
# ----------------------------------------------------------------------------------------------


def drop_constants(expr, *scales: sp.Symbol) -> sp.Expr:
    """The power-law reading of ``expr`` in the symbols ``scales`` (":math:`\\asymp`").

    Each additive term becomes the monomial ``prod(s**p_s)`` of its powers of the scale symbols;
    factors free of them (constants such as ``1/(b - 1)``, ``sqrt(pi)``, and any symbol not
    listed) are dropped, and terms that coincide after that are merged (``A + A`` is ``A`` up to a
    constant). All factors are taken to be positive, as they are in the models derived here. A
    term that is not a power-law monomial in the scales (``log(N)``, ``N + 1``) is an error.

    >>> import sympy as sp
    >>> N, eta, b = sp.symbols("N eta b", positive=True)
    >>> drop_constants((eta * N) ** (1 - b) / (b - 1), N)
    N**(1 - b)
    >>> drop_constants(3 / N + N ** -1 * eta, N)
    1/N
    """
    scales = tuple(scales)
    if not all(isinstance(s, sp.Symbol) for s in scales) or not scales:
        raise ScalingLawsError("drop_constants needs one or more scale symbols")
    expr = sp.sympify(expr)
    terms: list[sp.Expr] = []
    for term in sp.Add.make_args(expr):
        monomial = _scale_monomial(term, scales)
        if not any(sp.simplify(monomial - seen) == 0 for seen in terms):
            terms.append(monomial)
    return sp.Add(*terms)


def _scale_monomial(term: sp.Expr, scales: tuple[sp.Symbol, ...]) -> sp.Expr:
    term = sp.factor(sp.expand_power_base(sp.powdenest(term, force=True), force=True))
    powers: dict[sp.Symbol, sp.Expr] = {s: sp.Integer(0) for s in scales}
    for base, exp in term.as_powers_dict().items():
        touched = base.free_symbols & set(scales) if isinstance(base, sp.Basic) else set()
        touched |= exp.free_symbols & set(scales) if isinstance(exp, sp.Basic) else set()
        if not touched:
            continue
        if base in powers and not (exp.free_symbols & set(scales)):
            powers[base] += exp
            continue
        names = ", ".join(map(str, scales))
        raise ScalingLawsError(f"{term} is not a power-law monomial in {names}")
    return sp.Mul(*[s ** sp.simplify(p) for s, p in powers.items()])


# ----------------------------------------------------------------------------------------------
# checking a derivation against its law
# ----------------------------------------------------------------------------------------------


def check(derivation: Derivation, *, target=None, points: int = 48, seed: int = 0) -> bool:
    """Whether ``derivation.result`` equals the registered law's expression.

    Plain expressions must satisfy ``simplify(result - law.expr) == 0``. When either side holds a
    ``Min``, ``Max`` or ``Piecewise``, both must hold: symbolic equality (``Eq(...).simplify()``,
    or the same ``Min``/``Max`` over pairwise-equal arguments, or the same pieces) **and** numeric
    equality to 1e-20 relative at ``points`` random points drawn (seeded) from the parameters'
    domains and kept only inside the law's regime (:meth:`~scalinglaws.Law.in_regime`).

    ``target`` replaces the law's expression (to show that the check can fail). Symbols of the
    result are matched to the law's parameters by name; a result with a symbol that is not a
    parameter of the law does not land on it.
    """
    law = _law(derivation.key)
    expected = law.expr if target is None else sp.sympify(target)
    by_name = {p.symbol.name: p.symbol for p in law.params.values()}
    result = derivation.result
    foreign = [s for s in result.free_symbols if s.name not in by_name]
    if foreign:
        return False
    result = result.xreplace({s: by_name[s.name] for s in result.free_symbols})
    expected = expected.xreplace(
        {s: by_name[s.name] for s in expected.free_symbols if s.name in by_name}
    )
    if not (_has_branches(result) or _has_branches(expected)):
        return _is_zero(result - expected)
    return _symbolically_equal(result, expected) and _numerically_equal(
        result, expected, law, points, seed
    )


def _has_branches(expr: sp.Expr) -> bool:
    return expr.has(sp.Min, sp.Max, sp.Piecewise)


def _is_zero(expr: sp.Expr) -> bool:
    return sp.simplify(expr) == 0


def _symbolically_equal(left: sp.Expr, right: sp.Expr) -> bool:
    try:
        if sp.Eq(left, right).simplify() is sp.true:
            return True
    except (ValueError, TypeError):  # SymPy can fail comparing unequal Min/Max: not a proof
        pass
    if isinstance(left, (sp.Min, sp.Max)) and type(left) is type(right):
        return _same_multiset(left.args, right.args)
    if isinstance(left, sp.Piecewise) and isinstance(right, sp.Piecewise):
        if len(left.args) != len(right.args):
            return False
        return all(
            _is_zero(e1 - e2) and sp.simplify(sp.Equivalent(c1, c2)) is sp.true
            for (e1, c1), (e2, c2) in zip(left.args, right.args)
        )
    return False


def _same_multiset(xs: Iterable[sp.Expr], ys: Iterable[sp.Expr]) -> bool:
    rest = list(ys)
    for x in xs:
        match = next((i for i, y in enumerate(rest) if _is_zero(x - y)), None)
        if match is None:
            return False
        rest.pop(match)
    return not rest


def _numerically_equal(result, expected, law, points: int, seed: int) -> bool:
    rng = random.Random(seed)
    accepted = 0
    for _ in range(200 * points):
        point = {name: _draw(rng, param) for name, param in law.params.items()}
        try:  # Law.in_regime, keeping the exact substitution it validates
            subs = law.check(**point)
        except RegimeError:
            continue
        # evaluate with 50-digit floats: exact Rational powers can stall SymPy for minutes
        subs = {s: sp.Float(v, 50) for s, v in subs.items()}
        left = result.xreplace(subs).evalf(40)
        right = expected.xreplace(subs).evalf(40)
        if not (left.is_number and right.is_number and left.is_real and right.is_real):
            return False
        if abs(left - right) > sp.Float("1e-20") * max(1, abs(left), abs(right)):
            return False
        accepted += 1
        if accepted == points:
            return True
    return False  # the regime was too hard to hit: nothing confirmed


def _draw(rng: random.Random, param):
    """A value inside ``param``'s domain (an interval), of a reasonable magnitude."""
    domain = param.domain
    if not isinstance(domain, sp.Interval):
        raise ScalingLawsError(f"cannot sample the domain {domain} of {param.name}")
    lo = float(domain.start) if domain.start.is_finite else None
    hi = float(domain.end) if domain.end.is_finite else None
    while True:
        if param.integer:
            value = int(round(10 ** rng.uniform(0, 6)))  # counts in [1, 1e6]
        elif hi is None and lo == 0.0:
            value = 10 ** rng.uniform(-3, 3)  # scales: sigma^2, eta
        elif hi is None:
            start = -5.0 if lo is None else lo
            value = rng.uniform(start, start + 5.0)  # exponents: a, b in (1, 6)
        else:
            value = rng.uniform(hi - 10.0 if lo is None else lo, hi)
        if lo is not None and (value < lo or (domain.left_open and value == lo)):
            continue
        if hi is not None and (value > hi or (domain.right_open and value == hi)):
            continue
        return value


# ----------------------------------------------------------------------------------------------
# the registry of derivation modules
# ----------------------------------------------------------------------------------------------


def _modules():
    names = sorted(
        info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")
    )
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


def derivations() -> dict[str, Callable[[], Derivation]]:
    """Every declared derivation, ``{law_key: function}``, over all modules here."""
    out: dict[str, Callable[[], Derivation]] = {}
    for module in _modules():
        for key, function in getattr(module, "DERIVATIONS", {}).items():
            if key in out:
                raise RegistrationError(f"two derivations of {key!r}")
            out[key] = function
    return dict(sorted(out.items()))


def not_derived() -> dict[str, str]:
    """Laws a module declares it does not derive, ``{law_key: reason}``."""
    out: dict[str, str] = {}
    for module in _modules():
        out.update(getattr(module, "NOT_DERIVED", {}))
    return dict(sorted(out.items()))


def derive(key: str) -> Derivation:
    """Run the derivation of the law ``key``.

    >>> print(derive("anytime.minimax_risk_exponent").result)
    (b - 1)/b
    """
    known = derivations()
    if key not in known:
        raise UnknownKeyError("derivation", key, known)
    return known[key]()


def run_all() -> list[tuple[str, bool]]:
    """Run every derivation and check it: ``[(law_key, lands_on_law), ...]`` sorted by key.

    A derivation that raises counts as not landing (``False``); run it alone to see why.
    """
    out = []
    for key, function in derivations().items():
        try:
            derivation = function()
            ok = derivation.key == key and check(derivation)
        except Exception:  # noqa: BLE001 - reported as a failed derivation
            ok = False
        out.append((key, ok))
    return out


def run_all_modulo() -> list[tuple[str, bool, str]]:
    """Run the derivations that land on their laws only *modulo* a stated identification.

    A module may keep derivations out of ``DERIVATIONS`` (exact landing) in ``TABLE_DERIVATIONS``
    with its own ``lands(derivation) -> bool`` and a ``LANDING`` text saying modulo what (the
    MoE tables land modulo the regime's co-scaling of M, K, N_e with N; the muP table modulo
    each row's fixed dimension). Returns
    ``[(law_key, lands, how), ...]`` sorted by key; a derivation that raises does not land.
    """
    out = []
    for module in _modules():
        table = getattr(module, "TABLE_DERIVATIONS", None)
        if not table:
            continue
        lands = getattr(module, "lands")
        how = getattr(module, "LANDING", "modulo a module-specific identification")
        for key, function in table.items():
            try:
                derivation = function()
                ok = derivation.key == key and bool(lands(derivation))
            except Exception:  # noqa: BLE001 - reported as a failed derivation
                ok = False
            out.append((key, ok, how))
    return sorted(out)
