"""A restricted parser for numbers typed on the command line.

``scalinglaws eval KEY a=3/2 N=2**20`` must turn ``3/2`` and ``2**20`` into exact numbers without
handing user text to :func:`eval`, :func:`exec` or :func:`sympy.sympify`. :func:`parse_value`
parses the text with :func:`ast.parse` and walks the tree against an explicit whitelist:

* integer and decimal literals, read exactly (``1.5`` is ``3/2``, ``1e-3`` is ``1/1000``);
* ``+ - * / **`` and unary ``+``/``-``, with parentheses;
* the constants ``pi`` and ``e``;
* the calls ``sqrt(x)``, ``log(x)`` (natural) and ``exp(x)``, one argument each.

Everything else (names, attribute access, subscripts, strings, lambdas, comprehensions, any
other call) is rejected with a :class:`~scalinglaws.errors.ParameterError`. Sizes are guarded
before anything is computed: an exponent may not exceed 1000 in absolute value, no
intermediate value may exceed 10**4000 in magnitude and no exact fraction may have more than
4000 digits above or below its bar, so ``9**9**9`` and ``((1 + 10**-1000)**1000)**1000`` are
refused at once (and every accepted number can be printed: Python refuses to turn integers of
more than 4300 digits into text). The result is a finite real SymPy number.

:func:`parse_expression` reads the same language with, in addition, the names of declared
symbols (``"M/N_e"``, ``"N**(-2)"`` over the scales of a parameterization table): the reader of
expressions stored in files.

>>> parse_value("3/2")
3/2
>>> parse_value("1.5") == parse_value("3/2")
True
>>> parse_value("2**10"), parse_value("-1e-3"), parse_value("sqrt(2)")
(1024, -1/1000, sqrt(2))
>>> parse_assignment("a=3/2")
('a', 3/2)
>>> parse_value("__import__('os')")
Traceback (most recent call last):
...
scalinglaws.errors.ParameterError: malformed value "__import__('os')": call of '__import__' is not allowed (allowed: sqrt, log, exp)
>>> import sympy
>>> N, M = sympy.symbols("N M", positive=True)
>>> parse_expression("M/N**2", {"N": N, "M": M})
M/N**2
"""

from __future__ import annotations

import ast
import math
import re
import warnings

import sympy as sp

from .errors import ParameterError

__all__ = ["parse_value", "parse_assignment", "parse_expression"]

#: Longest text accepted (command-line values are short; this also bounds literal sizes).
_MAX_LENGTH = 500
#: Largest |exponent| of ``**`` and of a decimal literal's ``e`` part.
_MAX_EXPONENT = 1000
#: Largest |log10 |x|| of any intermediate value.
_MAX_LOG10 = 4000
#: Most decimal digits of the numerator or denominator of an exact fraction (below Python's
#: 4300-digit limit on turning an integer into text, so that every value can be printed).
_MAX_DIGITS = 4000
#: The same limit in bits (a bound checked before a power is computed).
_MAX_BITS = int(_MAX_DIGITS * math.log2(10))

_CONSTANTS = {"pi": sp.pi, "e": sp.E}
_FUNCTIONS = ("sqrt", "log", "exp")
_DECIMAL = re.compile(r"^(?P<int>\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[+-]?\d+))?$")


class _Reject(Exception):
    """Internal: the reason a text is refused (turned into a ParameterError with the text)."""


def parse_value(text: str) -> sp.Expr:
    """Parse a number typed by a user into an exact, finite, real SymPy number.

    Parameters
    ----------
    text : str
        An integer (``"12"``), decimal (``"1.5"``, ``"1e-3"``), fraction (``"3/2"``), power
        (``"2**10"``) or a small expression of these with ``+ - * / **``, parentheses, the
        constants ``pi`` and ``e`` and the functions ``sqrt``, ``log``, ``exp``.

    Returns
    -------
    sympy.Expr
        The exact value: a SymPy ``Integer`` or ``Rational`` where the text is rational,
        otherwise an exact expression such as ``sqrt(2)`` or ``pi/4``.

    Raises
    ------
    ParameterError
        For anything else: a syntax error, a name or call outside the whitelist, an exponent or
        value that is too large, a division by zero, or a result that is not a finite real
        number. The message is one line and quotes the text.

    Examples
    --------
    >>> parse_value("-(1/4)")
    -1/4
    >>> parse_value("2*pi")
    2*pi
    >>> parse_value("9**9**9")
    Traceback (most recent call last):
    ...
    scalinglaws.errors.ParameterError: malformed value '9**9**9': exponent 387420489 is too large (|exponent| <= 1000)
    """
    if not isinstance(text, str):
        raise ParameterError(f"a value must be given as text, got {type(text).__name__}")
    return _parse(text, symbols=None, what="value", max_length=_MAX_LENGTH)


def parse_expression(text: str, symbols, *, what: str = "expression",
                     max_length: int = 2 * _MAX_LENGTH) -> sp.Expr:
    """Parse an expression over declared symbols, e.g. ``"M/N_e"`` or ``"N**(-2)"``.

    The language of :func:`parse_value` plus the names in ``symbols``; nothing else (no other
    name, attribute, call, string or lambda) is read, and no text reaches :func:`eval` or
    :func:`sympy.sympify`. Exponents must be numbers.

    Parameters
    ----------
    text : str
        The expression, as :func:`sympy.sstr` writes it.
    symbols : mapping of str to sympy.Symbol
        The names the expression may use; a declared name takes precedence over the constants
        ``pi`` and ``e``.
    what : str
        How the message of an error names the text (``"expression"``).

    Raises
    ------
    ParameterError
        For anything outside the language, with a one-line message quoting the text.

    Examples
    --------
    >>> import sympy
    >>> n = sympy.Symbol("n", positive=True)
    >>> parse_expression("sqrt(n)/2", {"n": n})
    sqrt(n)/2
    >>> parse_expression("n.__class__", {"n": n})
    Traceback (most recent call last):
    ...
    scalinglaws.errors.ParameterError: malformed expression 'n.__class__': attribute access is not allowed
    """
    if not isinstance(text, str):
        raise ParameterError(f"an {what} must be given as text, got {type(text).__name__}")
    table = {}
    for name, symbol in dict(symbols).items():
        if not (isinstance(name, str) and name.isidentifier() and isinstance(symbol, sp.Symbol)):
            raise ParameterError(f"symbols must map names to SymPy symbols, got {name!r}")
        table[name] = symbol
    return _parse(text, symbols=table, what=what, max_length=max_length)


def _parse(text: str, *, symbols, what: str, max_length: int) -> sp.Expr:
    stripped = text.strip()
    try:
        if not stripped:
            raise _Reject(f"empty {what}")
        if len(stripped) > max_length:
            raise _Reject(f"longer than {max_length} characters")
        try:
            with warnings.catch_warnings():  # the parser's own warnings (e.g. "invalid decimal
                warnings.simplefilter("ignore")  # literal" for 1if ...) would be a second line
                tree = ast.parse(stripped, mode="eval")
        except SyntaxError as exc:
            raise _Reject(f"not a number or arithmetic expression ({exc.msg})") from None
        except (ValueError, MemoryError, RecursionError):
            raise _Reject("not a number or arithmetic expression") from None
        value = _Evaluator(stripped, symbols).visit(tree.body)
        if symbols is None or value.is_number:
            if value.is_extended_real is not True or value.is_finite is not True:
                raise _Reject(f"the result {_short(value)} is not a finite real number")
        elif value.is_extended_real is False or value.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
            raise _Reject(f"the result {_short(value)} is not a finite real expression")
        return value
    except _Reject as exc:
        raise ParameterError(f"malformed {what} {_quote(text)}: {exc}") from None
    except RecursionError:
        raise ParameterError(f"malformed {what} {_quote(text)}: nested too deeply") from None


def parse_assignment(text: str) -> tuple[str, sp.Expr]:
    """Parse ``name=value`` into the parameter name and its value (see :func:`parse_value`).

    Parameters
    ----------
    text : str
        One command-line argument such as ``"a=3/2"`` or ``"N=2**20"``. Spaces around the name
        and the value are ignored.

    Returns
    -------
    tuple of (str, sympy.Expr)

    Raises
    ------
    ParameterError
        When there is no ``=``, no name, no value, more than one ``=``, a name that is not a
        Python identifier, or a malformed value.

    Examples
    --------
    >>> parse_assignment("N = 2**20")
    ('N', 1048576)
    >>> parse_assignment("a==2")
    Traceback (most recent call last):
    ...
    scalinglaws.errors.ParameterError: malformed assignment 'a==2': write name=value with a single '='
    """
    if not isinstance(text, str):
        raise ParameterError(f"an assignment must be given as text, got {type(text).__name__}")
    if "=" not in text:
        raise ParameterError(
            f"malformed assignment {_quote(text)}: expected name=value, e.g. a=3/2"
        )
    name, _, rest = text.partition("=")
    name = name.strip()
    if "=" in rest:
        raise ParameterError(
            f"malformed assignment {_quote(text)}: write name=value with a single '='"
        )
    if not name:
        raise ParameterError(f"malformed assignment {_quote(text)}: the parameter name is missing")
    if not name.isidentifier():
        raise ParameterError(
            f"malformed assignment {_quote(text)}: {name!r} is not a valid parameter name"
        )
    if not rest.strip():
        raise ParameterError(f"malformed assignment {_quote(text)}: the value of {name} is missing")
    try:
        return name, parse_value(rest)
    except ParameterError as exc:
        raise ParameterError(f"{name}: {exc}") from None


class _Evaluator:
    """Walks a whitelisted expression tree, computing exact SymPy values with size guards."""

    def __init__(self, source: str, symbols=None):
        self.source = source
        self.symbols = symbols or {}

    def visit(self, node: ast.AST) -> sp.Expr:
        method = getattr(self, "_visit_" + type(node).__name__, None)
        if method is None:
            raise _Reject(_describe(node) + " is not allowed")
        value = method(node)
        _check_size(value)
        return value

    # -- leaves ------------------------------------------------------------------------------

    def _visit_Constant(self, node: ast.Constant) -> sp.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Reject(f"{_describe(node)} is not allowed")
        if isinstance(value, int):
            return sp.Integer(value)
        segment = ast.get_source_segment(self.source, node) or ""
        return _exact_decimal(segment.replace("_", ""))

    def _visit_Name(self, node: ast.Name) -> sp.Expr:
        if node.id in self.symbols:
            return self.symbols[node.id]
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        if node.id in _FUNCTIONS:
            raise _Reject(f"{node.id} is a function; call it, e.g. {node.id}(2)")
        names = ", ".join(list(self.symbols) + ["pi", "e", "sqrt()", "log()", "exp()"])
        raise _Reject(f"unknown name {_quote(node.id, 30)} (allowed: {_shorten(names, 120)})")

    # -- operators ---------------------------------------------------------------------------

    def _visit_UnaryOp(self, node: ast.UnaryOp) -> sp.Expr:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise _Reject(f"operator {_OPERATOR_TEXT.get(type(node.op), '?')} is not allowed")

    def _visit_BinOp(self, node: ast.BinOp) -> sp.Expr:
        op = type(node.op)
        if op not in (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow):
            hint = "; use ** for powers" if op is ast.BitXor else ""
            raise _Reject(f"operator {_OPERATOR_TEXT.get(op, '?')} is not allowed{hint}")
        left = self.visit(node.left)
        right = self.visit(node.right)
        if op is ast.Add:
            return left + right
        if op is ast.Sub:
            return left - right
        if op is ast.Mult:
            return left * right
        if op is ast.Div:
            if right.is_number and _sign(right) == 0:
                raise _Reject("division by zero")
            return left / right
        return _power(left, right)

    def _visit_Call(self, node: ast.Call) -> sp.Expr:
        if not isinstance(node.func, ast.Name):
            raise _Reject(f"{_describe(node.func)} cannot be called (allowed: sqrt, log, exp)")
        name = node.func.id
        if name not in _FUNCTIONS:
            raise _Reject(f"call of {name!r} is not allowed (allowed: sqrt, log, exp)")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise _Reject(f"{name}() takes exactly one argument")
        x = self.visit(node.args[0])
        if not x.is_number:
            return {"sqrt": sp.sqrt, "log": sp.log, "exp": sp.exp}[name](x)
        sign = _sign(x)
        if name == "sqrt":
            if sign < 0:
                raise _Reject(f"sqrt of the negative number {_short(x)}")
            return sp.sqrt(x)
        if name == "log":
            if sign <= 0:
                raise _Reject(f"log of the non-positive number {_short(x)}")
            return sp.log(x)
        if abs(_float(x)) > _MAX_LOG10 * math.log(10):
            raise _Reject(f"exp({_short(x)}) is too large")
        return sp.exp(x)


_OPERATOR_TEXT = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.FloorDiv: "//",
    ast.Mod: "%", ast.MatMult: "@", ast.BitXor: "^", ast.BitAnd: "&", ast.BitOr: "|",
    ast.LShift: "<<", ast.RShift: ">>", ast.Invert: "~", ast.Not: "not", ast.USub: "-",
    ast.UAdd: "+",
}

_NODE_TEXT = {
    ast.Attribute: "attribute access", ast.Subscript: "subscripting", ast.Lambda: "a lambda",
    ast.Compare: "a comparison", ast.BoolOp: "and/or", ast.IfExp: "a conditional expression",
    ast.Tuple: "a tuple", ast.List: "a list", ast.Set: "a set", ast.Dict: "a dict",
    ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension", ast.GeneratorExp: "a generator expression",
    ast.JoinedStr: "an f-string", ast.NamedExpr: "an assignment expression",
    ast.Starred: "unpacking", ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield",
    ast.Slice: "a slice",
}


def _quote(text: str, limit: int = 60) -> str:
    """``repr`` of user text, shortened so that an error message stays one readable line."""
    return repr(text) if len(text) <= limit else repr(text[: limit - 3] + "...")


def _short(x: sp.Expr, limit: int = 30) -> str:
    """A number as text for an error message, shortened when long."""
    return _shorten(str(x), limit)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit - 12]}...{text[-9:]}"


def _describe(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return "a string"
        if isinstance(node.value, complex):
            return "a complex number"
        return f"the constant {node.value!r}"
    if isinstance(node, ast.Name):
        return f"the name {node.id!r}"
    return _NODE_TEXT.get(type(node), f"the syntax {type(node).__name__}")


def _exact_decimal(literal: str) -> sp.Rational:
    """``"1.5e-3"`` -> ``Rational(3, 2000)``, refusing huge exponents before computing."""
    match = _DECIMAL.match(literal)
    if match is None or not (match["int"] or match["frac"]):
        raise _Reject(f"cannot read the number {literal!r}")
    digits = (match["int"] or "") + (match["frac"] or "")
    exponent = int(match["exp"] or 0) - len(match["frac"] or "")
    if abs(int(match["exp"] or 0)) > _MAX_EXPONENT:
        raise _Reject(f"exponent in {literal!r} is too large (|exponent| <= {_MAX_EXPONENT})")
    mantissa = int(digits)
    if exponent >= 0:
        return sp.Integer(mantissa * 10**exponent)
    return sp.Rational(mantissa, 10**-exponent)


def _float(x: sp.Expr) -> float:
    """A float approximation of a (size-checked) real SymPy number."""
    return float(sp.N(x, 20))


def _sign(x: sp.Expr) -> int:
    """-1, 0 or 1; numerically when SymPy's assumptions cannot decide."""
    if x.is_zero:
        return 0
    if x.is_positive:
        return 1
    if x.is_negative:
        return -1
    approx = sp.N(x, 50)
    if not approx.is_comparable:
        raise _Reject(f"{_short(x)} is not a real number")
    if approx == 0:
        raise _Reject(f"cannot decide the sign of {_short(x)}")
    return 1 if approx > 0 else -1


def _log10_abs(x: sp.Expr) -> float:
    """log10 |x| for a nonzero number, without computing anything large."""
    if isinstance(x, sp.Rational):
        return _int_log10(abs(x.p)) - _int_log10(x.q)
    return float(sp.log(abs(sp.N(x, 20)), 10))


def _int_log10(n: int) -> float:
    return math.log10(n) if n.bit_length() < 1000 else n.bit_length() * math.log10(2)


def _check_size(x: sp.Expr) -> None:
    for r in [x] if isinstance(x, sp.Rational) else x.atoms(sp.Rational):
        if max(abs(r.p).bit_length(), r.q.bit_length()) > _MAX_BITS:
            raise _Reject(f"a value is too large or too small (an exact number of more than "
                          f"{_MAX_DIGITS} digits)")
    if x.is_number and x.is_comparable and _sign(x) != 0:
        if abs(_log10_abs(x)) > _MAX_LOG10:
            raise _Reject(f"a value is too large or too small (beyond 10**±{_MAX_LOG10})")


def _power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    if not exponent.is_number:
        raise _Reject(f"the exponent {_short(exponent)} must be a number")
    if not exponent.is_comparable:
        raise _Reject(f"the exponent {_short(exponent)} is not a real number")
    size = abs(_float(exponent))
    if size > _MAX_EXPONENT:
        shown = _short(exponent) if isinstance(exponent, sp.Integer) else f"{size:.4g}"
        raise _Reject(f"exponent {shown} is too large (|exponent| <= {_MAX_EXPONENT})")
    if not base.is_number:  # a symbol of an expression: nothing is computed
        return base**exponent
    # an exact power of an exact fraction has |exponent| times its digits: refuse before
    # computing ((1 + 10**-1000)**1000)**1000 would otherwise run for hours
    for r in [base] if isinstance(base, sp.Rational) else base.atoms(sp.Rational):
        if max(abs(r.p).bit_length(), r.q.bit_length()) * size > _MAX_BITS:
            raise _Reject(f"{_short(base)}**{_short(exponent)} is too large (an exact number "
                          f"of more than {_MAX_DIGITS} digits)")
    sign = _sign(base)
    if sign == 0:
        if _sign(exponent) <= 0:
            raise _Reject("zero to a non-positive power")
        return sp.Integer(0)
    if sign < 0 and not exponent.is_integer:
        raise _Reject(f"a negative number to the non-integer power {_short(exponent)}")
    if abs(_float(exponent) * _log10_abs(base)) > _MAX_LOG10:
        raise _Reject(f"{_short(base)}**{_short(exponent)} is too large or too small")
    return base**exponent
