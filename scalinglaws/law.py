"""The data model: :class:`Param`, :class:`Reference`, :class:`Law` and :class:`Paper`.

A :class:`Law` is one scalar closed form of a paper: a SymPy expression over declared
parameters, the regime (a SymPy Boolean) where it holds, its asymptotic kind and the exact place
it comes from, with an honest provenance status. Paper modules declare laws through a
:class:`Paper`; nothing here computes numerics beyond evaluating the expression.

Public methods validate their input and raise the errors of :mod:`scalinglaws.errors`; private
helpers compute.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import numbers
from fractions import Fraction
from typing import Any, Iterable, Mapping

import sympy as sp

from .errors import (
    BackendUnavailableError,
    DomainError,
    EvaluationError,
    ParameterError,
    RegimeError,
    RegistrationError,
    ScalingLawsError,
)

__all__ = [
    "Param", "Reference", "Law", "Paper", "KINDS", "STATUSES", "STATUS_MEANINGS",
    "UNCHECKED_REASONS", "MAX_WORKING_DPS",
]

#: Asymptotic kinds a law can have.
KINDS = {
    "exact": "equality",
    "theta": "Θ: equal up to constant factors",
    "theta_log": "Θ̃: equal up to constant and polylogarithmic factors",
    "upper": "O: an upper bound up to constant factors",
    "lower": "Ω: a lower bound up to constant factors",
}

#: Provenance statuses, strongest first.
STATUS_MEANINGS = {
    "paper": "read in the paper's own text",
    "transcribed": "quoted from the paper by a third party; not checked against the paper",
    "authors_code": "read in the authors' released code",
    "derived": "derived by the scalinglaws developers from a stated result (not the paper's theorem)",
    "conjecture": "conjectured in the paper",
    "hypothesis": "the scalinglaws developers' hypothesis, supported only by our simulations",
}
STATUSES = tuple(STATUS_MEANINGS)

#: Why a law may have no check of its own (``Law(unchecked="<reason>: <explanation>")``).
#: The first four mean the law has no numeric content a process could contradict; ``table``
#: names the check that tests the table the entry belongs to.
UNCHECKED_REASONS = {
    "definition": "a definition or update rule: every check of the paper runs it",
    "convention": "a convention (a choice of units, scaling or normalisation)",
    "label": "a label (a phase name, a boundary marker) with no value of its own",
    "no-numeric": "no numeric content a simulation could contradict",
    "table": "an entry of a table whose check (named) tests the entries together",
}
#: The reasons that take a law out of the "numeric content" count.
NON_NUMERIC_REASONS = frozenset({"definition", "convention", "label", "no-numeric"})

_KIND_LATEX = {
    "exact": "{}",
    "theta": r"\Theta\left({}\right)",
    "theta_log": r"\tilde{{\Theta}}\left({}\right)",
    "upper": r"O\left({}\right)",
    "lower": r"\Omega\left({}\right)",
}


# ----------------------------------------------------------------------------------------------
# Param
# ----------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Param:
    """A parameter of a law: its symbol, meaning and domain.

    Parameters
    ----------
    name:
        The Python name (``"a"``, ``"kappa"``, ``"B"``); also the keyword ``evaluate`` takes.
    meaning:
        What the parameter is, in the paper's words and symbols.
    domain:
        A SymPy set of admissible values (default: the positive reals).
    latex:
        How the paper writes the symbol (``r"\\kappa"``); default from the name.
    integer:
        Whether the parameter counts something (dimension, batch size, steps).

    Examples
    --------
    >>> from sympy import Interval, oo
    >>> a = Param("a", "capacity exponent", domain=Interval.open(1, oo))
    >>> a.check(1.5)
    3/2
    >>> a.symbol.is_positive
    True
    """

    name: str
    meaning: str
    domain: sp.Set = sp.Interval.open(0, sp.oo)
    latex: str | None = None
    integer: bool = False

    def __post_init__(self):
        if not self.name.isidentifier():
            raise RegistrationError(f"parameter name {self.name!r} is not an identifier")
        if not isinstance(self.domain, sp.Set):
            raise RegistrationError(f"domain of {self.name!r} must be a SymPy set")

    @functools.cached_property
    def symbol(self) -> sp.Symbol:
        """The SymPy symbol, with the assumptions the domain implies."""
        assumptions: dict[str, bool] = {"real": True}
        if self.domain.is_subset(sp.Interval.open(0, sp.oo)):
            assumptions = {"positive": True}
        elif self.domain.is_subset(sp.Interval(0, sp.oo)):
            assumptions = {"nonnegative": True}
        if self.integer:
            assumptions["integer"] = True
        return sp.Symbol(self.name, **assumptions)

    @property
    def latex_name(self) -> str:
        return self.latex if self.latex is not None else sp.latex(sp.Symbol(self.name))

    def check(self, value) -> sp.Expr:
        """Convert ``value`` to an exact SymPy number and check it lies in the domain.

        Raises :class:`~scalinglaws.errors.ParameterError` for a non-number and
        :class:`~scalinglaws.errors.DomainError` for a value outside the domain.
        """
        number = _to_sympy_number(self.name, value)
        if self.integer and not number.is_integer:
            raise DomainError(
                f"{self.name} must be an integer ({self.meaning}); got {_value_text(value)}"
            )
        inside = self.domain.contains(number)
        if inside is not sp.true:
            raise DomainError(
                f"{self.name}={_value_text(value)} is outside its domain {_set_text(self.domain)}"
                f" ({self.meaning})"
            )
        return number

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "meaning": self.meaning,
            "domain": _set_text(self.domain),
            "latex": self.latex_name,
            "integer": self.integer,
        }


def _set_text(domain: sp.Set) -> str:
    if isinstance(domain, sp.Interval):
        left = "(" if domain.left_open else "["
        right = ")" if domain.right_open else "]"
        return f"{left}{domain.start}, {domain.end}{right}"
    return str(domain)


def _to_sympy_number(name: str, value) -> sp.Expr:
    if isinstance(value, (bool, str, bytes)):
        raise ParameterError(
            f"{name} must be a number, got {type(value).__name__} {_value_text(value)}"
            " (the command line parses text; the Python API takes numbers)"
        )
    try:
        if isinstance(value, sp.Basic):
            number = value
        elif isinstance(value, numbers.Integral):
            number = sp.Integer(int(value))
        elif isinstance(value, Fraction):
            number = sp.Rational(value.numerator, value.denominator)
        elif isinstance(value, numbers.Real):
            # the decimal the user wrote, exactly: 1.5 -> 3/2, 0.1 -> 1/10
            number = sp.Rational(repr(float(value))) if math.isfinite(value) else sp.oo
        else:  # numpy scalars and mpmath numbers
            number = sp.Float(float(value)) if not hasattr(value, "_mpf_") else sp.Float(value)
    except (TypeError, ValueError, OverflowError, ArithmeticError):
        raise ParameterError(
            f"{name} must be a real number, got {type(value).__name__} {_value_text(value)}"
        ) from None
    if not (number.is_number and number.is_extended_real):
        raise ParameterError(f"{name} must be a real number, got {_value_text(value)}")
    if number.is_infinite or number == sp.nan:
        raise DomainError(f"{name} must be finite, got {_value_text(value)}")
    return number


#: Digits :meth:`Law.evaluate` keeps beyond those asked for: rounding the value to ``dps``
#: binary digits and printing ``dps`` decimal ones would round twice (off by one in the last).
_GUARD_DIGITS = 5

#: The highest working precision (decimal digits) :meth:`Law.evaluate` rises to when two
#: precisions disagree. Exact inputs have at most 4000 digits (the command line's parser), so a
#: cancellation costs at most about 4000 of them.
MAX_WORKING_DPS = 20_000


def _value_text(value, limit: int = 40) -> str:
    """A value for an error message, short and safe: an integer of 5000 digits is written
    ``~1.0e+4999`` (Python refuses to turn integers of more than 4300 digits into text), a
    fraction too long to show whole by its approximate decimal value (``~0.999999999999999``)."""
    try:
        if isinstance(value, (numbers.Integral, sp.Rational)) and not isinstance(value, bool):
            r = sp.Rational(value)
            if max(abs(r.p).bit_length(), r.q.bit_length()) > 200 or len(sp.sstr(r)) > limit:
                import mpmath

                with mpmath.workdps(20):
                    return "~" + mpmath.nstr(mpmath.mpf(r.p) / r.q, 15)
        text = sp.sstr(value) if isinstance(value, sp.Basic) else repr(value)
    except (ValueError, TypeError, OverflowError, RecursionError):
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[:limit - 12]}...{text[-9:]}"


def _point_text(values: Mapping) -> str:
    return ", ".join(f"{k}={_value_text(v, 24)}" for k, v in values.items()) or "this point"


def _mp_text(value) -> str:
    return "nan or infinite" if value is None else _nstr(value, 8)


def _nstr(x, digits: int) -> str:
    """``mpmath.nstr(x, digits)`` of a value of any precision (mpmath's own fails on a tiny
    value of high precision, turning a 5000-digit integer into text)."""
    import mpmath

    with mpmath.workdps(digits + 10):
        return mpmath.nstr(+x, digits)


def _input_digits(values: Iterable) -> int:
    """The most decimal digits above or below the bar of the exact fractions in ``values``: how
    close two inputs can be (``1 + 10**-40`` has 41), so how many digits a working precision
    needs before cancellation between them can even be seen."""
    bits = 0
    for value in values:
        atoms = [value] if isinstance(value, sp.Rational) else value.atoms(sp.Rational)
        for r in atoms:
            bits = max(bits, abs(r.p).bit_length(), r.q.bit_length())
    return int(bits * math.log10(2)) + 1


def _agree(x, y, digits: int) -> bool:
    """Whether two evaluations agree to ``digits`` significant digits (real or complex)."""
    import mpmath

    if x is None or y is None:
        return False
    if x == y:
        return True
    for part in ((mpmath.re, mpmath.im) if isinstance(x, mpmath.mpc) or
                 isinstance(y, mpmath.mpc) else (lambda z: z,)):
        a, b = part(x), part(y)
        if a == b:
            continue
        if _nstr(a, digits) == _nstr(b, digits):
            continue
        # straddling a rounding boundary: agreement far below the printed digits
        if abs(a - b) <= abs(b) * mpmath.mpf(10) ** -(digits + 8):
            continue
        return False
    return True


#: Exact arithmetic decides a regime condition only between numbers below 10**this in size:
#: ``L <= N**(a/b)`` at ``a = 10**40`` would otherwise build the integer 1000**(10**40).
_MAX_EXACT_LOG10 = 5000


#: The highest working precision for a law with special functions (Hurwitz zeta takes
#: seconds at 1000 digits, minutes at 6000).
_SPECIAL_WORKING_DPS = 400


def _working_cap(expr) -> int:
    """The highest working precision worth trying on ``expr`` (see ``MAX_WORKING_DPS``)."""
    if isinstance(expr, sp.Basic) and expr.has(*_SCIPY_FUNCTIONS):
        return _SPECIAL_WORKING_DPS
    return MAX_WORKING_DPS


#: Largest |y| of a power x**y (or exp(y)) a law is computed with: 10**(10**90) has a
#: 90-digit exponent, beyond which mpmath's powers and decimal output slow to minutes.
_MAX_POWER_EXPONENT = 10**90


def _guard_powers(key: str, exprs, subs: Mapping, values: Mapping) -> None:
    """Refuse a point at which a power of the law (or of its regime) has an exponent beyond
    ``_MAX_POWER_EXPONENT`` (``N**(a/b)`` at ``a = 10**4000``): its value is beyond any use,
    and computing it would take minutes."""
    import mpmath

    for expr in exprs:
        for node in sp.postorder_traversal(expr):  # inner powers first
            if isinstance(node, sp.Pow) and not node.exp.is_number:
                exponent = node.exp
            elif isinstance(node, (sp.exp, sp.zeta)) and not node.args[0].is_number:
                exponent = node.args[0]  # zeta(s, q) ~ q**-s
            else:
                continue
            value = _numeric_value(exponent, subs, 15)
            if value is not None and abs(value) > _MAX_POWER_EXPONENT:
                raise EvaluationError(
                    f"{key}: at {_point_text(values)} the term {_value_text(node, 30)} has the "
                    f"exponent {mpmath.nstr(value, 3)}, beyond 10**90: no number can be computed "
                    "there", "too large",
                )


def _decide(condition, subs: Mapping):
    """Whether a regime condition holds at ``subs``: True, False or None (undecidable).

    A comparison is decided numerically when both sides are confirmed to 10 digits at two
    working precisions and differ well beyond that; only a tie (a point on a boundary) falls
    back to exact arithmetic, and only between numbers of moderate size, so that no input can
    make SymPy build a gigantic exact power.
    """
    if condition is sp.true or condition is True:
        return True
    if condition is sp.false or condition is False:
        return False
    if isinstance(condition, (sp.And, sp.Or)):
        results = [_decide(c, subs) for c in condition.args]
        absorbing = isinstance(condition, sp.Or)  # True absorbs an Or, False an And
        if absorbing in results:
            return absorbing
        return None if None in results else not absorbing
    if isinstance(condition, sp.Not):
        inner = _decide(condition.args[0], subs)
        return None if inner is None else not inner
    if isinstance(condition, sp.core.relational.Relational):
        order = _numeric_order(condition.lhs, condition.rhs, subs)
        if order is None:
            return None
        if order != 0:
            return {
                sp.StrictLessThan: order < 0, sp.LessThan: order < 0,
                sp.StrictGreaterThan: order > 0, sp.GreaterThan: order > 0,
                sp.Eq: False, sp.Ne: True,
            }.get(type(condition))
    # a tie, or a condition of another kind: exact arithmetic, between moderate numbers only
    try:
        truth = condition.xreplace(dict(subs))
        if truth is not sp.true and truth is not sp.false:
            truth = sp.simplify(truth)
    except (TypeError, ValueError, RecursionError):
        return None
    return True if truth is sp.true else False if truth is sp.false else None


def _numeric_order(lhs, rhs, subs: Mapping, digits: int = 10):
    """-1 or 1 when ``lhs < rhs`` or ``lhs > rhs`` beyond doubt; 0 when exact arithmetic must
    decide (a tie, or no settled number) and may (no side beyond 10**±_MAX_EXACT_LOG10); None
    when it may not.

    Beyond doubt: at two working precisions both sides keep their signs and their orders of
    magnitude (to 0.1%), and these differ (a cheap pass at 30 and 60 digits settles
    ``1000 <= N**(a/b)`` at ``a = 10**40``); or both sides agree to ``digits`` digits and differ
    by more. The second pass starts above the digits of the inputs (see :func:`_input_digits`).
    """
    import mpmath

    scale = None
    cap = min(_working_cap(lhs), _working_cap(rhs))
    for start, passes in ((30, 2), (min(30 + _input_digits(subs.values()), cap // 4), 3)):
        previous = None
        for working in (start * 2**k for k in range(passes)):
            if working > cap:
                break
            current = tuple(_numeric_value(side, subs, working) for side in (lhs, rhs))
            if None in current:
                break
            with mpmath.workdps(working):
                scale = max(abs(current[0]), abs(current[1]))
                if previous is not None:
                    order = _settled_order(previous, current, digits)
                    if order is not None:
                        return order
            previous = current
    if scale:
        with mpmath.workdps(30):
            if abs(mpmath.log10(scale)) > _MAX_EXACT_LOG10:
                return None
    return 0


def _settled_order(previous, current, digits: int):
    """The order of ``current = (a, b)`` if two precisions leave no doubt about it, else None;
    0 for a settled tie (both sides agree to ``digits`` digits and so does their difference)."""
    import mpmath

    a, b = current
    signs = [mpmath.sign(x) for x in current]
    if signs != [mpmath.sign(x) for x in previous]:
        return None
    if signs[0] != signs[1]:
        return -1 if signs[0] < signs[1] else 1
    if all(_agree(p, c, digits) for p, c in zip(previous, current)):
        if abs(a - b) > max(abs(a), abs(b)) * mpmath.mpf(10) ** (3 - digits):
            return -1 if a < b else 1
        return 0
    if 0 in signs:
        return None
    logs = [mpmath.log10(abs(x)) for x in current]
    old_logs = [mpmath.log10(abs(x)) for x in previous]
    if any(abs(l - o) > mpmath.mpf("1e-3") * max(1, abs(l)) for l, o in zip(logs, old_logs)):
        return None  # not even the orders of magnitude are settled
    if abs(logs[0] - logs[1]) > mpmath.mpf("4e-3") * max(1, abs(logs[0]), abs(logs[1])) + 1:
        bigger = 1 if logs[0] > logs[1] else -1  # |a| > |b| when 1
        return bigger * int(signs[0])
    return None


def _numeric_value(expr, subs: Mapping, working: int):
    """``expr`` at ``subs`` in floats of ``working`` digits: an mpf, or None."""
    import mpmath

    with mpmath.workdps(working):
        floats = {s: sp.Float(v.evalf(working + 5), working) for s, v in subs.items()}
        try:
            value = expr.xreplace(floats).evalf(working)
            if not value.is_number or value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
                return None
            if value.is_real is False:
                return None
            number = mpmath.mpf(sp.Float(value, working)._mpf_)
        except (TypeError, ValueError, AttributeError, ZeroDivisionError):
            return None
        return number if mpmath.isfinite(number) else None


#: Functions under which an exact rational stays exact and small.
_EXACT_FUNCTIONS = (sp.Max, sp.Min, sp.Abs, sp.Piecewise, sp.sign, sp.floor, sp.ceiling)


def _exact_value(expr: sp.Expr, subs: Mapping):
    """The exact rational value of a rational function at rational values, else None.

    Only integer powers (of moderate size) and Max/Min/Abs/Piecewise are allowed, so nothing
    can stall; at a boundary where the law is exactly zero (``2*alpha + 2*beta - 1`` at
    ``alpha = 1.07, beta = -0.57``) this gives 0, where floats give rounding noise.
    """
    if not all(isinstance(v, sp.Rational) for v in subs.values()):
        return None
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow):
            if not (node.exp.is_Integer and abs(node.exp) <= 64):
                return None
        elif isinstance(node, sp.Function) and not isinstance(node, _EXACT_FUNCTIONS):
            return None
        elif isinstance(node, (sp.NumberSymbol, sp.Float)) or (
            node.is_number and not isinstance(node, sp.Rational) and node.is_Atom
        ):
            return None
    try:
        value = expr.xreplace(dict(subs))
    except (ZeroDivisionError, TypeError, ValueError):
        return None
    if isinstance(value, sp.Rational):
        return value
    return None


# ----------------------------------------------------------------------------------------------
# Reference
# ----------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Reference:
    """Where a law comes from, and how sure we are of it.

    ``status`` is the provenance: ``paper`` (read in the paper's own text), ``transcribed``
    (a third party quotes the paper), ``authors_code``, ``derived`` (ours, from a stated result),
    ``conjecture`` (the paper conjectures it) or ``hypothesis`` (ours, supported only by our
    simulations).
    """

    arxiv: str
    where: str
    status: str
    version: int | None = None
    title: str = ""
    authors: str = ""
    year: int | None = None
    venue: str = ""

    def __post_init__(self):
        if self.status not in STATUS_MEANINGS:
            raise RegistrationError(
                f"provenance status {self.status!r} is not one of {', '.join(STATUSES)}"
            )
        if not self.arxiv or not self.where:
            raise RegistrationError("a reference needs an arXiv id (or citation) and a location")

    @property
    def url(self) -> str:
        version = f"v{self.version}" if self.version else ""
        return f"https://arxiv.org/abs/{self.arxiv}{version}"

    @property
    def status_meaning(self) -> str:
        return STATUS_MEANINGS[self.status]

    def citation(self) -> str:
        """A short citation: ``Authors (year), arXiv:id vN, where``."""
        head = f"{self.authors} ({self.year}), " if self.authors else ""
        version = f"v{self.version}" if self.version else ""
        return f"{head}arXiv:{self.arxiv}{version}, {self.where}"

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["url"] = self.url
        data["status_meaning"] = self.status_meaning
        return data


# ----------------------------------------------------------------------------------------------
# Law
# ----------------------------------------------------------------------------------------------


def _conjuncts(regime: sp.Basic) -> tuple[sp.Basic, ...]:
    if regime is sp.true:
        return ()
    if isinstance(regime, sp.And):
        return tuple(regime.args)
    return (regime,)


class Law:
    """One closed-form result of a paper.

    Laws are built by :meth:`Paper.law` in a paper module and looked up with
    :func:`scalinglaws.law`.

    Examples
    --------
    >>> import scalinglaws as sl
    >>> law = sl.law("anytime.optimal_decay_exponent")
    >>> float(law.evaluate(a=1.5, b=2))
    0.25
    >>> law.reference.status
    'transcribed'
    """

    def __init__(
        self,
        key: str,
        *,
        quantity: str,
        expr,
        params: Iterable[Param],
        reference: Reference | None,
        regime=sp.true,
        kind: str = "exact",
        conventions: str = "",
        notes: str = "",
        tags: Iterable[str] = (),
        family: str | None = None,
        symbol: str | None = None,
        scale_vars: Iterable[str] = (),
        unchecked: str = "",
    ):
        if reference is None or not isinstance(reference, Reference):
            raise RegistrationError(f"{key}: a law needs a Reference (arXiv id, where, status)")
        if kind not in KINDS:
            raise RegistrationError(f"{key}: kind {kind!r} is not one of {', '.join(KINDS)}")
        self.key = key
        self.quantity = quantity
        self.expr = sp.sympify(expr)
        self.regime = sp.true if regime is True else regime
        if not isinstance(self.regime, sp.logic.boolalg.Boolean):
            raise RegistrationError(f"{key}: regime must be a SymPy Boolean, got {regime!r}")
        self.kind = kind
        self.reference = reference
        self.conventions = conventions.strip()
        self.notes = notes.strip()
        self.tags = frozenset(tags)
        self.family = family
        self.symbol = symbol
        params = tuple(params)
        self.params: dict[str, Param] = {}
        by_symbol = {p.symbol: p for p in params}
        needed = self.expr.free_symbols | self.regime.free_symbols
        missing = [str(s) for s in needed if s not in by_symbol]
        if missing:
            raise RegistrationError(f"{key}: symbol(s) {', '.join(sorted(missing))} have no Param")
        for p in sorted(params, key=lambda p: p.name):
            if p.symbol in needed:
                self.params[p.name] = p
        self.scale_vars = tuple(scale_vars)
        for v in self.scale_vars:
            if v not in self.params:
                raise RegistrationError(f"{key}: scale variable {v!r} is not a parameter")
        self.unchecked = unchecked.strip()
        if self.unchecked:
            reason = self.unchecked.split(":", 1)[0]
            if reason not in UNCHECKED_REASONS or ":" not in self.unchecked:
                raise RegistrationError(
                    f"{key}: unchecked must read '<reason>: <why>' with a reason among "
                    f"{', '.join(UNCHECKED_REASONS)}; got {self.unchecked!r}"
                )

    # -- description -------------------------------------------------------------------------

    @property
    def paper(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def status(self) -> str:
        return self.reference.status

    @property
    def symbols(self) -> dict[str, sp.Symbol]:
        return {name: p.symbol for name, p in self.params.items()}

    @property
    def unchecked_reason(self) -> str:
        """Why the law has no check of its own (a key of ``UNCHECKED_REASONS``), or ``""``."""
        return self.unchecked.split(":", 1)[0] if self.unchecked else ""

    @property
    def has_numeric_content(self) -> bool:
        """Whether a process could contradict the law (False for definitions, conventions...)."""
        return self.unchecked_reason not in NON_NUMERIC_REASONS

    @property
    def conditions(self) -> tuple[sp.Basic, ...]:
        """The regime as a tuple of conditions that must all hold."""
        return _conjuncts(self.regime)

    def __repr__(self) -> str:
        return f"<Law {self.key}: {self.expr} [{self.kind}, {self.status}]>"

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex(lhs=bool(self.symbol))}$"

    def _repr_markdown_(self) -> str:
        """Formula, regime, kind and provenance, for notebooks."""
        lines = [
            f"**`{self.key}`**: {self.quantity}",
            "",
            f"$$ {self.latex(lhs=bool(self.symbol))} $$",
            "",
            f"- regime: ${self.regime_latex()}$",
            f"- kind: `{self.kind}` ({KINDS[self.kind]})",
            f"- source: {self.reference.citation()}",
            f"- status: **{self.status}** ({self.reference.status_meaning})",
        ]
        return "\n".join(lines)

    # -- validation --------------------------------------------------------------------------

    def _check_names(self, values: Mapping[str, Any]) -> None:
        import difflib

        unknown = [k for k in values if k not in self.params]
        if unknown:
            hints = []
            for k in unknown:
                close = difflib.get_close_matches(k, list(self.params), n=1)
                hints.append(f"{k!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            raise ParameterError(
                f"{self.key}: unknown parameter(s) {', '.join(hints)}; "
                f"expected {', '.join(self.params) or 'none'}"
            )
        missing = [k for k in self.params if k not in values]
        if missing:
            raise ParameterError(
                f"{self.key}: missing parameter(s) {', '.join(missing)} "
                f"({'; '.join(f'{m}: {self.params[m].meaning}' for m in missing)})"
            )

    def check(self, **values) -> dict[sp.Symbol, sp.Expr]:
        """Validate a point: every parameter given, in its domain, and inside the regime.

        Returns the substitution ``{symbol: exact value}``. Raises
        :class:`~scalinglaws.errors.ParameterError`, :class:`~scalinglaws.errors.DomainError` or
        :class:`~scalinglaws.errors.RegimeError` (naming the violated condition); an
        :class:`~scalinglaws.errors.EvaluationError` at a point where a power of the law has an
        exponent beyond 10**90. A condition is decided in numbers when its sides are clearly
        apart, exactly on a tie (a boundary), so that no input builds a gigantic exact power.
        """
        self._check_names(values)
        subs = {self.params[k].symbol: self.params[k].check(v) for k, v in values.items()}
        # the regime first: a point outside it is a RegimeError even where the law's own
        # powers would overflow (the law need not make sense there)
        _guard_powers(self.key, (self.regime,), subs, values)
        for condition in self.conditions:
            if _decide(condition, subs) is not True:  # undecidable: a failure, never a guess
                raise RegimeError(self.key, condition, values)
        _guard_powers(self.key, (self.expr,), subs, values)
        return subs

    def in_regime(self, **values) -> bool:
        """Whether the point lies in the law's regime (domains must hold)."""
        try:
            self.check(**values)
        except RegimeError:
            return False
        return True

    # -- evaluation --------------------------------------------------------------------------

    def subs(self, **values) -> sp.Expr:
        """The exact SymPy value at a point (validated like :meth:`evaluate`)."""
        return sp.simplify(self.expr.subs(self.check(**values)))

    def evaluate(self, dps: int = 30, **values):
        """Evaluate with mpmath to ``dps`` significant digits, after validating the point.

        Returns an ``mpmath.mpf`` whose ``dps`` significant digits are confirmed (it carries
        ``_GUARD_DIGITS`` more, so that printing ``dps`` digits rounds correctly). A law that is
        a rational function of its parameters, at rational values, is computed exactly;
        otherwise the law is computed at two working precisions, and at higher ones until the
        two agree to ``dps`` digits. Near a removable singularity (``(a - d**(1 - a))/(a - 1)``
        at ``a = 1 + 10**-40``) cancellation eats the leading digits of a working precision; the
        precision then starts above the digits of the inputs and rises, up to
        ``MAX_WORKING_DPS`` digits.

        Raises
        ------
        ParameterError, DomainError, RegimeError
            For a bad point (see :meth:`check`), or a ``dps`` that is not an integer from 1 to
            1000.
        EvaluationError
            When the value is not a real number, no two working precisions up to
            ``MAX_WORKING_DPS`` digits agree to ``dps`` digits (a point too close to a
            singularity, or to a zero of the law), or a power of the law has an exponent beyond
            10**90: the number is refused, never guessed.

        >>> import mpmath, scalinglaws as sl
        >>> value = sl.law("anytime.minimax_risk_exponent").evaluate(a=2, b=3)
        >>> mpmath.nstr(value, 25)
        '0.6666666666666666666666667'
        >>> law = sl.law("momentum_batch.powerlaw.sgd.critical_batch")
        >>> mpmath.nstr(law.evaluate(dps=15, a=1 + sp.Rational(1, 10**40), d=100), 15)
        '5.60517018598809'
        """
        import mpmath

        if not isinstance(dps, numbers.Integral) or isinstance(dps, bool) or not 1 <= dps <= 1000:
            raise ParameterError(f"dps must be an integer from 1 to 1000, got {_value_text(dps)}")
        dps = int(dps)
        subs = self.check(**values)
        exact = _exact_value(self.expr, subs)
        if exact is not None:
            with mpmath.workdps(dps + _GUARD_DIGITS):
                return mpmath.mpf(exact.p) / exact.q
        # start above the digits of the inputs: 1 + 10**-40 must not round to 1 (a difference
        # of inputs that vanishes at two precisions would "agree" on a wrong 0)
        cap = _working_cap(self.expr)
        working = min(dps + 10 + _input_digits(subs.values()), cap // 2)
        previous = self._evaluate_at(subs, working)
        while True:
            higher = min(2 * working, cap)
            current = self._evaluate_at(subs, higher)
            if _agree(previous, current, dps):
                if isinstance(current, mpmath.mpc):
                    raise EvaluationError(
                        f"{self.key}: the value {_nstr(current, 8)} is not real at "
                        f"{_point_text(values)}", "not real"
                    )
                with mpmath.workdps(dps + _GUARD_DIGITS):
                    return +current
            if higher >= cap:
                raise EvaluationError(
                    f"{self.key}: no {dps} digits can be confirmed at {_point_text(values)}: "
                    f"at {working} and {higher} working digits the value reads "
                    f"{_mp_text(previous)} and {_mp_text(current)} (the point is too close to a "
                    f"singularity or a zero of the law); move the point or ask fewer digits",
                    "precision",
                )
            previous, working = current, higher

    def _evaluate_at(self, subs: Mapping, working: int):
        """The law at ``working`` decimal digits: an mpf, an mpc, or None (nan, an infinity)."""
        import mpmath

        with mpmath.workdps(working):
            # substitute floats, not the exact rationals: SymPy can stall on exact powers such
            # as Integer(61749)**Rational(-193, 10669)
            floats = {s: sp.Float(v.evalf(working + 5), working) for s, v in subs.items()}
            try:
                value = self.expr.xreplace(floats).evalf(working)
            except (ValueError, TypeError, ZeroDivisionError):
                return None  # Max(nan, ...) and the like: a higher precision may resolve it
            if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
                return None  # 0/0 or x/0 at this precision: a higher one may resolve it
            if value.free_symbols or not value.is_number:
                raise EvaluationError(f"{self.key}: could not evaluate to a number: "
                                      f"{_value_text(value)}", "not a number")
            re, im = value.as_real_imag()
            try:
                real = mpmath.mpf(sp.Float(re, working)._mpf_)
                imag = mpmath.mpf(sp.Float(im, working)._mpf_)
            except (TypeError, ValueError, AttributeError):
                raise EvaluationError(f"{self.key}: could not evaluate to a number: "
                                      f"{_value_text(value)}", "not a number") from None
            if not (mpmath.isfinite(real) and mpmath.isfinite(imag)):
                return None
            return real if imag == 0 else mpmath.mpc(real, imag)

    def exponent(self, var: str) -> sp.Expr:
        """The leading power-law exponent of the law in ``var``, log factors dropped.

        It is :math:`\\lim_{x\\to\\infty} \\log f / \\log x`, computed term by term: a sum
        contributes the largest exponent of its terms, a product the sum, ``log`` factors zero.

        >>> import scalinglaws as sl
        >>> sl.law("anytime.minimax_risk").exponent("N")
        (1 - b)/b
        """
        if var not in self.params:
            raise ParameterError(
                f"{self.key}: {_value_text(var)} is not a parameter; expected one of "
                f"{', '.join(self.params)}"
            )
        x = self.params[var].symbol
        try:
            return sp.simplify(leading_exponent(self.expr, x))
        except (NotImplementedError, ValueError, TypeError, RecursionError) as exc:
            # SymPy's limit cannot decide (the sign of log(d) for a d in (0, oo), say): no
            # exponent rather than SymPy's internal error
            reason = " ".join(str(exc).split())[:120] or type(exc).__name__
            raise ScalingLawsError(
                f"{self.key}: no power-law exponent in {var} can be computed ({reason}); "
                f"the scale variables of this law are {', '.join(self.scale_vars) or 'none'}"
            ) from None

    # -- rendering ---------------------------------------------------------------------------

    def _symbol_names(self) -> dict[sp.Symbol, str]:
        return {p.symbol: p.latex_name for p in self.params.values()}

    def latex(self, *, kind: bool = True, lhs: bool = False) -> str:
        """LaTeX of the expression (wrapped in Θ, Θ̃, O or Ω according to the kind).

        >>> import scalinglaws as sl
        >>> sl.law("anytime.optimal_decay_exponent").latex()
        '\\\\max\\\\left(0, - \\\\frac{a}{b} + 1\\\\right)'
        """
        body = sp.latex(self.expr, symbol_names=self._symbol_names())
        if kind:
            body = _KIND_LATEX[self.kind].format(body)
        if lhs and self.symbol:
            relation = {"upper": r"\lesssim", "lower": r"\gtrsim"}.get(self.kind, "=")
            if self.kind in ("upper", "lower"):
                body = sp.latex(self.expr, symbol_names=self._symbol_names())
            body = f"{self.symbol} {relation} {body}"
        return body

    def regime_latex(self) -> str:
        if self.regime is sp.true:
            return r"\text{all}"
        return sp.latex(self.regime, symbol_names=self._symbol_names())

    def to_bibtex(self) -> str:
        """The BibTeX entry of the law's paper (see :func:`scalinglaws.cite`)."""
        from .cite import bibtex
        from .registry import paper

        return bibtex(paper(self.paper))

    def to_dict(self) -> dict:
        """A JSON-ready description of the law."""
        return {
            "key": self.key,
            "quantity": self.quantity,
            "expr": sp.sstr(self.expr),
            "latex": self.latex(),
            "regime": sp.sstr(self.regime),
            "conditions": [sp.sstr(c) for c in self.conditions],
            "kind": self.kind,
            "kind_meaning": KINDS[self.kind],
            "params": [p.to_dict() for p in self.params.values()],
            "conventions": self.conventions,
            "notes": self.notes,
            "tags": sorted(self.tags),
            "family": self.family,
            "reference": self.reference.to_dict(),
            "unchecked": self.unchecked,
        }

    # -- vectorised evaluation ---------------------------------------------------------------

    def lambdify(self, backend: str = "numpy", *, outside: str = "raise"):
        """A vectorised function of the parameters (keyword arguments, broadcast together).

        ``backend`` is ``"numpy"``, ``"mpmath"`` or ``"cupy"`` (when CuPy and a GPU are there).
        A ``Piecewise`` is evaluated branch by branch, each branch only where its condition holds.
        Points outside the regime raise :class:`~scalinglaws.errors.RegimeError`
        (``outside="raise"``) or give NaN (``outside="nan"``); so do points where float64
        overflows (:class:`~scalinglaws.errors.EvaluationError`, or NaN). Values that are not
        real numbers within float64 raise :class:`~scalinglaws.errors.ParameterError`; an
        unknown backend or ``outside`` a :class:`~scalinglaws.errors.DomainError`.

        >>> import numpy as np, scalinglaws as sl
        >>> f = sl.law("anytime.optimal_decay_exponent").lambdify()
        >>> f(a=np.array([1.5, 2.0]), b=3.0)
        array([0.5       , 0.33333333])
        """
        if not isinstance(outside, str) or outside not in ("raise", "nan"):
            raise DomainError(f"outside must be 'raise' or 'nan', got {_value_text(outside)}")
        if not isinstance(backend, str) or backend not in ("numpy", "mpmath", "cupy"):
            raise DomainError(
                f"backend must be 'numpy', 'mpmath' or 'cupy', got {_value_text(backend)}"
            )
        if backend == "mpmath":
            return _MpmathFunction(self)
        xp = _array_module(backend)
        return _ArrayFunction(self, xp, backend, outside)


def _array_module(backend: str):
    if backend == "numpy":
        import numpy

        return numpy
    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # ImportError, CUDARuntimeError
        raise BackendUnavailableError(f"cupy backend unavailable: {exc}") from None
    return cupy


class _MpmathFunction:
    def __init__(self, law: Law):
        self.law = law

    def __call__(self, **values):
        return self.law.evaluate(**values)


class _ArrayFunction:
    """Vectorised evaluation of a law, one branch of a Piecewise at a time."""

    def __init__(self, law: Law, xp, backend: str, outside: str):
        self.law = law
        self.xp = xp
        self.outside = outside
        self.names = list(law.params)
        # lambdify binds every symbol of an expression by its name in the generated code's
        # namespace (``namespace[str(s)] = s``), and dummify=True only renames the arguments
        # in the code, not those bindings: a parameter named like a function of the expression
        # (the step size gamma beside Euler's Gamma, printed ``gamma(...)``) shadowed it. Every
        # lambdified part of the law gets the parameters as nameless Dummys (one mapping).
        symbols = [law.params[n].symbol for n in self.names]
        dummies = {s: sp.Dummy(**s.assumptions0) for s in symbols}
        args = [dummies[s] for s in symbols]
        modules = [backend]
        if backend == "numpy" and law.expr.has(*_SCIPY_FUNCTIONS):
            try:  # zeta & co. are not numpy functions: scipy.special has them
                import scipy.special  # noqa: F401
            except ImportError:
                pass
            else:
                modules = ["scipy", "numpy"]
        expr = sp.piecewise_fold(law.expr).xreplace(dummies)
        if isinstance(expr, sp.Piecewise):
            pieces = [(e, c) for e, c in expr.args]
        else:
            pieces = [(expr, sp.true)]
        self.pieces = [
            (sp.lambdify(args, e, modules=modules), self._condition(args, c, modules))
            for e, c in pieces
        ]
        # the regime's conditions keep their own form for the RegimeError's message
        self.conditions = [
            (c, sp.lambdify(args, _with_rounding_tolerance(c).xreplace(dummies), modules=modules))
            for c in law.conditions
        ]

    @staticmethod
    def _condition(args, cond, modules):
        if cond is sp.true:
            return None
        return sp.lambdify(args, cond, modules=modules)

    def __call__(self, **values):
        xp = self.xp
        self.law._check_names(values)
        arrays = [_float_array(xp, self.law.key, n, values[n]) for n in self.names]
        try:
            arrays = list(xp.broadcast_arrays(*arrays)) if arrays else []
        except ValueError:
            shapes = ", ".join(f"{n}: {tuple(a.shape)}" for n, a in zip(self.names, arrays))
            raise ParameterError(
                f"{self.law.key}: the arrays do not broadcast together ({shapes})"
            ) from None
        shape = arrays[0].shape if arrays else ()
        valid = xp.ones(shape, dtype=bool)
        for name, arr in zip(self.names, arrays):
            inside = _array_in_domain(xp, arr, self.law.params[name])
            if not bool(xp.all(inside)):
                if self.outside == "raise":
                    bad = float(arr[~inside].ravel()[0])
                    self.law.params[name].check(bad)  # raises DomainError with the message
                    raise DomainError(f"{name}={bad} is outside its domain")
                valid &= inside
        for cond, fn in self.conditions:
            with _quiet(xp):
                holds = xp.asarray(fn(*arrays), dtype=bool) & xp.ones(shape, dtype=bool)
            if not bool(xp.all(holds | ~valid)):
                if self.outside == "raise":
                    idx = tuple(int(i[0]) for i in xp.nonzero(~holds & valid)) if shape else ()
                    point = {n: float(a[idx]) for n, a in zip(self.names, arrays)}
                    raise RegimeError(self.law.key, cond, point)
                valid &= holds
        out = xp.full(shape, xp.nan, dtype=xp.float64)
        todo = valid.copy()
        for fn, cond in self.pieces:
            if cond is None:
                mask = todo
            else:
                with _quiet(xp):
                    mask = todo & xp.asarray(cond(*arrays), dtype=bool)
            if shape == ():
                if bool(mask):
                    with _quiet(xp):
                        out = xp.asarray(fn(*arrays), dtype=xp.float64)
                    todo = xp.zeros((), dtype=bool)
                continue
            if bool(xp.any(mask)):
                sub = [a[mask] for a in arrays]
                with _quiet(xp):
                    out[mask] = xp.asarray(fn(*sub), dtype=xp.float64) * xp.ones(
                        sub[0].shape if sub else (), dtype=xp.float64
                    )
                todo &= ~mask
        # float64 overflow or cancellation (s/(s + 1) at s = 1e308 gives inf/inf): no number
        # rather than a wrong one
        lost = valid & ~xp.isfinite(out)
        if bool(xp.any(lost)):
            if self.outside == "raise":
                idx = tuple(int(i[0]) for i in xp.nonzero(lost)) if shape else ()
                point = {n: float(a[idx]) for n, a in zip(self.names, arrays)}
                raise EvaluationError(
                    f"{self.law.key}: float64 overflows at {_point_text(point)} (the value "
                    "computed is not finite); use Law.evaluate, which computes with mpmath",
                    "precision",
                )
            out = xp.where(lost, xp.nan, out)
        return out[()] if shape == () else out


#: Functions the numpy backend takes from scipy.special (numpy has none of them).
_SCIPY_FUNCTIONS = (sp.zeta, sp.gamma, sp.loggamma, sp.polygamma, sp.erf, sp.erfc, sp.beta,
                    sp.RisingFactorial)


def _float_array(xp, key: str, name: str, value):
    """``value`` as a float64 array, or a ParameterError (text, booleans, complex numbers,
    None and numbers beyond float64 are refused, never coerced)."""
    try:
        raw = xp.asarray(value)
        kind = raw.dtype.kind
        if kind == "O":
            items = raw.ravel().tolist()
            if any(v is None or isinstance(v, (bool, str, bytes, complex)) for v in items):
                raise TypeError
            raw = raw.astype(xp.float64)
            kind = "f"
        if kind in "iuf":
            with _quiet(xp):
                array = raw.astype(xp.float64)
            if kind in "iu" and not bool(xp.all(xp.isfinite(array))):
                raise OverflowError
            return array
        problem = {"b": "booleans", "c": "complex numbers", "U": "text", "S": "bytes"}.get(
            kind, f"dtype {raw.dtype}"
        )
    except OverflowError:
        problem = "a number beyond float64"
    except (TypeError, ValueError):
        problem = "not numbers"
    raise ParameterError(
        f"{key}: {name} must be real numbers within float64 (the array backends); got "
        f"{problem}: {_value_text(value)}"
    )


#: Relative tolerance of a non-strict regime inequality in floating point: a point on a
#: boundary (alpha + beta = 1/2 written as 1.07 + (-0.57)) must not fall outside by rounding.
_REGIME_RTOL = 1e-12


def _with_rounding_tolerance(cond):
    """A point within float64 rounding of a boundary counts as on it, as the exact decision
    says: ``a <= b`` becomes ``a - b <= rtol (|a| + |b|)`` (likewise ``>=``), and ``a < b``
    becomes ``a - b < -rtol (|a| + |b|)`` (likewise ``>``). So 2a + 2b > 1 at a = 1.32,
    b = -0.82 (exactly 1, 1.0000000000000004 in float64) is outside, as it is exactly."""

    def adjust(rel):
        lhs, rhs = rel.lhs, rel.rhs
        slack = _REGIME_RTOL * (sp.Abs(lhs) + sp.Abs(rhs))
        if isinstance(rel, sp.LessThan):
            return sp.LessThan(lhs - rhs, slack, evaluate=False)
        if isinstance(rel, sp.GreaterThan):
            return sp.GreaterThan(lhs - rhs, -slack, evaluate=False)
        if isinstance(rel, sp.StrictLessThan):
            return sp.StrictLessThan(lhs - rhs, -slack, evaluate=False)
        return sp.StrictGreaterThan(lhs - rhs, slack, evaluate=False)

    return cond.replace(
        lambda e: isinstance(e, (sp.LessThan, sp.GreaterThan, sp.StrictLessThan,
                                 sp.StrictGreaterThan)), adjust
    )


def _array_in_domain(xp, arr, param: Param):
    domain = param.domain
    inside = xp.isfinite(arr)
    if isinstance(domain, sp.Interval):
        if domain.start != -sp.oo:
            lo = float(domain.start)
            inside &= (arr > lo) if domain.left_open else (arr >= lo)
        if domain.end != sp.oo:
            hi = float(domain.end)
            inside &= (arr < hi) if domain.right_open else (arr <= hi)
    if param.integer:
        inside &= arr == xp.round(arr)
    return inside


class _quiet:
    def __init__(self, xp):
        self.xp = xp

    def __enter__(self):
        if self.xp.__name__ == "numpy":
            self._state = self.xp.seterr(all="ignore")

    def __exit__(self, *exc):
        if self.xp.__name__ == "numpy":
            self.xp.seterr(**self._state)


def leading_exponent(expr: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """The exponent p with ``expr`` ≍ x**p (log factors dropped) as x → ∞.

    Sums take the largest exponent of their terms (terms are taken to be non-negative scales),
    products add exponents, ``Max``/``Min`` map through, logarithms count zero. Anything else falls
    back to ``limit(log(expr)/log(x), x, oo)``.
    """
    if x not in expr.free_symbols:
        return sp.Integer(0)
    if expr == x:
        return sp.Integer(1)
    if isinstance(expr, sp.Mul):
        return sp.Add(*[leading_exponent(f, x) for f in expr.args])
    if isinstance(expr, sp.Pow):
        base, power = expr.args
        if x not in power.free_symbols:
            return power * leading_exponent(base, x)
    if isinstance(expr, sp.Add):
        parts = [leading_exponent(t, x) for t in expr.args]
        return sp.Max(*parts)
    if isinstance(expr, sp.Max):
        return sp.Max(*[leading_exponent(t, x) for t in expr.args])
    if isinstance(expr, sp.Min):
        return sp.Min(*[leading_exponent(t, x) for t in expr.args])
    if isinstance(expr, sp.log):
        return sp.Integer(0)
    result = sp.limit(sp.log(expr) / sp.log(x), x, sp.oo)
    if result.has(sp.Limit) or x in result.free_symbols:
        raise ScalingLawsError(f"no power-law exponent in {x} for {expr}")
    return result


# ----------------------------------------------------------------------------------------------
# Paper
# ----------------------------------------------------------------------------------------------


class Paper:
    """A paper whose closed forms a module declares.

    >>> from sympy import Interval, oo
    >>> p = Paper("demo", arxiv="0000.00000", version=1, title="A demo", register=False)
    >>> x = p.param("x", "a positive number", domain=Interval.open(0, oo))
    >>> law = p.law("square", quantity="x squared", expr=x**2, where="Eq. (1)", status="derived")
    >>> law.key
    'demo.square'
    """

    def __init__(
        self,
        name: str,
        *,
        arxiv: str,
        title: str,
        version: int | None = None,
        authors: str = "",
        year: int | None = None,
        venue: str = "",
        summary: str = "",
        conventions: str = "",
        register: bool = True,
    ):
        self.name = name
        self.arxiv = arxiv
        self.version = version
        self.title = title
        self.authors = authors
        self.year = year
        self.venue = venue
        self.summary = summary.strip()
        self.conventions = conventions.strip()
        self.params: dict[str, Param] = {}
        self.laws: dict[str, Law] = {}
        self.families: dict[str, str] = {}
        self._register = register
        if register:
            from . import registry

            registry._register_paper(self)

    def param(self, name: str, meaning: str, **kwargs) -> sp.Symbol:
        """Declare a parameter and return its SymPy symbol."""
        if name in self.params:
            raise RegistrationError(f"{self.name}: parameter {name!r} declared twice")
        p = Param(name, meaning, **kwargs)
        self.params[name] = p
        return p.symbol

    def reference(self, where: str, status: str) -> Reference:
        return Reference(
            arxiv=self.arxiv,
            version=self.version,
            where=where,
            status=status,
            title=self.title,
            authors=self.authors,
            year=self.year,
            venue=self.venue,
        )

    def family(self, name: str, description: str) -> str:
        """Declare a phase family: laws whose regimes partition a parameter space."""
        full = f"{self.name}.{name}"
        self.families[full] = description.strip()
        return full

    def law(
        self,
        name: str,
        *,
        quantity: str,
        expr,
        where: str | None = None,
        status: str | None = None,
        reference: Reference | None = None,
        conventions: str | None = None,
        **kwargs,
    ) -> Law:
        """Declare a law of this paper (``where`` + ``status``, or an explicit ``reference``)."""
        if reference is None and where is not None and status is not None:
            reference = self.reference(where, status)
        if conventions is None:
            conventions = self.conventions
        law = Law(
            f"{self.name}.{name}",
            quantity=quantity,
            expr=expr,
            params=self.params.values(),
            reference=reference,
            conventions=conventions,
            **kwargs,
        )
        if law.key in self.laws:
            raise RegistrationError(f"law {law.key!r} declared twice")
        if law.family is not None and law.family not in self.families:
            raise RegistrationError(f"{law.key}: family {law.family!r} is not declared")
        self.laws[law.key] = law
        if self._register:
            from . import registry

            registry._register_law(law)
        return law

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "arxiv": self.arxiv,
            "version": self.version,
            "title": self.title,
            "authors": self.authors,
            "year": self.year,
            "venue": self.venue,
            "summary": self.summary,
            "laws": list(self.laws),
            "families": dict(self.families),
        }
