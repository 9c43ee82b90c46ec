"""LaTeX (booktabs) and Markdown tables of laws.

A table is a list of laws, one row each, rendered from the laws' own fields: the expression and
regime through :func:`sympy.latex`, the provenance status and the arXiv location. With
``values=`` it also evaluates every law at one or several points.

>>> import scalinglaws as sl
>>> t = sl.table(["anytime.optimal_decay_exponent", "anytime.minimax_risk_exponent"],
...              values={"a": 1.5, "b": 2}, columns=["key", "expression", "status", "value"])
>>> print(t)
| Key | Expression | Status | Value at $a = 1.5$, $b = 2$ |
| --- | --- | --- | ---: |
| `anytime.optimal_decay_exponent` | $\\max\\left(0, - \\frac{a}{b} + 1\\right)$ | transcribed | 0.25 |
| `anytime.minimax_risk_exponent` | $\\tilde{\\Theta}\\left(1 - \\frac{1}{b}\\right)$ | transcribed | 0.5 |
<BLANKLINE>
Status. *transcribed*: quoted from the paper by a third party; not checked against the paper.
>>> t.rows[0]["value"]
'0.25'

A point outside a law's regime gives a note in the cell instead of a number:

>>> sl.table(["anytime.optimal_decay_exponent"], values={"a": 1.5, "b": 4}).rows[0]["value"]
'outside regime (b <= 2*a)'

A parameterization table (:class:`~scalinglaws.parameterization.ParamTable`: groups x
multiplier, initialisation variance, learning rate, Adam ε) renders through
:func:`param_table_markdown` and :func:`param_table_latex`.
"""

from __future__ import annotations

import decimal
import difflib
import numbers
import re
from typing import Iterable, Mapping, NamedTuple, Sequence

import sympy as sp

from .errors import DomainError, EvaluationError, ParameterError, RegimeError, UnknownKeyError
from .law import STATUS_MEANINGS, Law, _value_text
from .parameterization import QUANTITIES, ParamTable
from .registry import law as _lookup_law

__all__ = [
    "table",
    "Table",
    "COLUMNS",
    "select_by_tags",
    "tag_names",
    "param_table_markdown",
    "param_table_latex",
]

#: The columns a table can show, with what each holds. ``value`` needs ``values=`` and expands
#: to one column per point.
COLUMNS = {
    "key": "the law's key",
    "symbol": "the paper's symbol for the quantity (LaTeX), when the law has one",
    "quantity": "what the law gives, in words",
    "expression": "the closed form (LaTeX), wrapped in Θ, Θ̃, O or Ω according to the kind",
    "regime": "the conditions under which the law holds (LaTeX)",
    "kind": "exact, theta, theta_log, upper or lower",
    "status": "provenance status of the reference (paper, transcribed, derived, ...)",
    "source": "arXiv id and version, and where in the paper",
    "value": "the law evaluated at the point(s) given by values=",
}

_DEFAULT_COLUMNS = ("key", "quantity", "expression", "regime", "kind", "status", "source")

_HEADERS = {
    "key": "Key",
    "symbol": "Symbol",
    "quantity": "Quantity",
    "expression": "Expression",
    "regime": "Regime",
    "kind": "Kind",
    "status": "Status",
    "source": "Source",
}

# LaTeX column types for fit="none": long text gets a paragraph column, numbers are right-aligned.
_LATEX_ALIGN = {"quantity": "p{5cm}", "source": "p{3.5cm}"}
# fit="wrap"/"auto": the columns that wrap (tabularx X columns) and their relative widths.
_LATEX_WRAP = {"key": 0.8, "quantity": 1.5, "regime": 0.9, "source": 0.9}
# fit="auto": the width (em) each wrapping column keeps at least, times its relative width.
_LATEX_WRAP_MIN_EM = 7
# a LaTeX length: an optional factor and a length command, or a number with a unit
_LATEX_LENGTH = re.compile(r"(\d+(\.\d+)?)?\s*\\[A-Za-z]+|\d+(\.\d+)?\s*(pt|cm|mm|in|em|ex|bp)")
#: The ways :meth:`Table.to_latex` fits a table to the page.
LATEX_FITS = ("auto", "wrap", "resize", "none")
#: The packages the LaTeX of :meth:`Table.to_latex` needs.
LATEX_PACKAGES = "booktabs,amsmath,amssymb,tabularx,graphicx"


# ----------------------------------------------------------------------------------------------
# cells
# ----------------------------------------------------------------------------------------------


class _Cell(NamedTuple):
    """A cell: ``parts`` are ``("text", s)``, ``("math", latex)``, ``("code", s)``,
    ``("number", s)`` or ``("dash", "")`` pieces, rendered per format by :func:`_render_latex`
    and :func:`_render_markdown`; ``plain`` is the content exposed in :attr:`Table.rows`."""

    parts: tuple[tuple[str, str], ...]
    plain: str


def _text(s: str) -> _Cell:
    return _Cell((("text", s),), s)


def _math(latex: str, plain: str) -> _Cell:
    return _Cell((("math", latex),), plain)


_MISSING = _Cell((("dash", ""),), "—")


def _number_cell(value, digits: int) -> _Cell:
    text = _format_number(value, digits)
    return _Cell((("number", text),), text)


def _value_cell(item: Law, point: Mapping, digits: int) -> _Cell:
    """The law at a point, or a note saying why there is no number."""
    if any(name not in point for name in item.params):
        return _MISSING
    for name, param in item.params.items():
        try:
            param.check(point[name])
        except DomainError:
            domain = param.to_dict()["domain"]
            integer = ", integer" if param.integer else ""
            return _Cell(
                (
                    ("text", "outside domain ("),
                    ("math", rf"{param.latex_name} \in {sp.latex(param.domain)}"),
                    ("text", f"{integer})"),
                ),
                f"outside domain ({name} in {domain}{integer})",
            )
    try:
        # evaluate confirms the digits shown at two working precisions, or refuses
        value = item.evaluate(dps=digits, **{n: point[n] for n in item.params})
    except EvaluationError as exc:
        notes = {
            "not real": "not real here",
            "precision": "digits not confirmed: too close to a singularity",
            "too large": "an exponent beyond 10**90",
        }
        note = notes.get(exc.reason, "no number")
        return _text(f"no value ({note})")
    except RegimeError as exc:
        names = {p.symbol: p.latex_name for p in item.params.values()}
        return _Cell(
            (
                ("text", "outside regime ("),
                ("math", sp.latex(exc.condition, symbol_names=names)),
                ("text", ")"),
            ),
            f"outside regime ({sp.sstr(exc.condition)})",
        )
    return _number_cell(value, digits)


def _format_number(value, digits: int = 15) -> str:
    """A real number (mpmath, SymPy or Python) with ``digits`` significant digits and no
    pointless trailing zeros.

    >>> import mpmath
    >>> _format_number(mpmath.mpf("0.25")), _format_number(3), _format_number(mpmath.mpf("1e-5"))
    ('0.25', '3', '1e-5')
    >>> _format_number(mpmath.mpf(2) / 3, 6)
    '0.666667'
    >>> import sympy
    >>> _format_number(sympy.pi, 30), _format_number(sympy.Rational(-1, 2))
    ('3.14159265358979323846264338328', '-0.5')
    """
    import mpmath

    if isinstance(value, sp.Basic):
        value = _confirmed(value, digits)
    with mpmath.workdps(digits + 10):  # never round a high-precision value to the context's
        # (+ rounds to digits + 10: mpmath's nstr fails on tiny values of very high precision)
        text = mpmath.nstr(+mpmath.mpf(value), digits)
    mantissa, sep, exponent = text.partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    if exponent.startswith("+"):
        exponent = exponent[1:]
    return mantissa + sep + exponent


def _confirmed(value: sp.Basic, digits: int):
    """An exact real SymPy number as an mpf whose ``digits`` significant digits agree at two
    working precisions (raised until they do); an
    :class:`~scalinglaws.errors.EvaluationError` when none agree or the value is not real."""
    import mpmath

    from .law import MAX_WORKING_DPS, _agree, _input_digits

    if isinstance(value, sp.Rational):
        with mpmath.workdps(digits + 10):
            return mpmath.mpf(value.p) / value.q
    if isinstance(value, sp.Float):
        return mpmath.mpf(value._mpf_)

    def at(working):
        number = sp.N(value, working, maxn=2 * working)
        if not number.is_number or number.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            return None
        if number.is_real is False:
            raise EvaluationError(f"the value {_value_text(number)} is not real", "not real")
        try:
            with mpmath.workdps(working):  # mpf() rounds to the context's precision
                return mpmath.mpf(sp.Float(number, working)._mpf_)
        except (TypeError, ValueError, AttributeError):
            return None

    working = min(digits + 10 + _input_digits([value]), MAX_WORKING_DPS // 2)
    previous = at(working)
    while True:
        higher = min(2 * working, MAX_WORKING_DPS)
        current = at(higher)
        if _agree(previous, current, digits):
            return current
        if higher >= MAX_WORKING_DPS:
            raise EvaluationError(
                f"no {digits} digits of {_value_text(value)} can be confirmed: the working "
                f"precisions {working} and {higher} disagree (a cancellation, or a zero)",
                "precision",
            )
        previous, working = current, higher


def _point_text(value) -> str:
    """A parameter value as a user would write it: ``1.5`` and ``Rational(3, 2)`` both give
    ``1.5``; ``Rational(1, 3)`` gives ``1/3``."""
    if isinstance(value, (int, sp.Rational)) and not isinstance(value, bool):
        r = sp.Rational(value)
        if max(abs(r.p).bit_length(), r.q.bit_length()) > 1000:  # ~300 digits: too long to show
            return _value_text(r)
    if isinstance(value, sp.Rational) and not isinstance(value, sp.Integer):
        q = int(value.q)
        for prime in (2, 5):
            while q % prime == 0:
                q //= prime
        if q == 1:  # a terminating decimal: print it exactly
            with decimal.localcontext() as ctx:
                ctx.prec = len(str(value.p)) + len(str(value.q))
                text = format(decimal.Decimal(int(value.p)) / decimal.Decimal(int(value.q)), "f")
            if len(text) <= 20:
                return text
    if isinstance(value, sp.Basic):
        return sp.sstr(value)
    return repr(value) if isinstance(value, float) else str(value)


def _point_cell(point: Mapping, latex_names: Mapping[str, str]) -> _Cell:
    parts: list[tuple[str, str]] = []
    for i, (name, value) in enumerate(point.items()):
        if i:
            parts.append(("text", ", "))
        shown = _point_text(value)
        relation = "="
        if shown.startswith("~"):  # too long to show exactly: its approximate value
            mantissa, _, exponent = shown[1:].partition("e")
            relation = r"\approx"
            shown = mantissa + (rf" \times 10^{{{int(exponent)}}}" if exponent else "")
        symbol = latex_names.get(name, sp.latex(sp.Symbol(name)))
        parts.append(("math", f"{symbol} {relation} {shown}"))
    plain = ", ".join(f"{name}={_point_text(value)}" for name, value in point.items())
    return _Cell(tuple(parts), plain)


# ----------------------------------------------------------------------------------------------
# escaping
# ----------------------------------------------------------------------------------------------

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}

# Unicode that pdflatex does not know by default, as math.
_LATEX_UNICODE = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon",
    "ζ": r"\zeta", "η": r"\eta", "θ": r"\theta", "κ": r"\kappa", "λ": r"\lambda", "μ": r"\mu",
    "ν": r"\nu", "ξ": r"\xi", "π": r"\pi", "ρ": r"\rho", "σ": r"\sigma", "τ": r"\tau",
    "φ": r"\phi", "χ": r"\chi", "ψ": r"\psi", "ω": r"\omega", "Γ": r"\Gamma", "Δ": r"\Delta",
    "Θ": r"\Theta", "Λ": r"\Lambda", "Σ": r"\Sigma", "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega",
    "≍": r"\asymp", "≤": r"\leq", "≥": r"\geq", "≲": r"\lesssim", "≳": r"\gtrsim",
    "≈": r"\approx", "∼": r"\sim", "≠": r"\neq", "∞": r"\infty", "→": r"\to", "·": r"\cdot",
    "×": r"\times", "±": r"\pm", "∈": r"\in", "√": r"\surd", "²": r"^{2}", "³": r"^{3}",
    "−": "-", "∑": r"\sum", "∏": r"\prod", "∂": r"\partial", "∇": r"\nabla",
}
_LATEX_TEXT_UNICODE = {"–": "--", "—": "---", "…": r"\ldots{}", "’": "'", "“": "``", "”": "''"}


def _latex_escape(text: str) -> str:
    r"""Escape text for a LaTeX document (pdflatex, no extra packages).

    >>> print(_latex_escape("eta_t ~ t^-1, 10% & λ_i ≍ i^-a"))
    eta\_t \textasciitilde{} t\textasciicircum{}-1, 10\% \& \ensuremath{\lambda}\_i
    \ensuremath{\asymp} i\textasciicircum{}-a
    """
    out = []
    for ch in text:
        if ch in _LATEX_SPECIAL:
            out.append(_LATEX_SPECIAL[ch])
        elif ch in _LATEX_UNICODE:
            out.append(r"\ensuremath{" + _LATEX_UNICODE[ch] + "}")
        elif ch in _LATEX_TEXT_UNICODE:
            out.append(_LATEX_TEXT_UNICODE[ch])
        elif ch in "\n\r\t":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


_MARKDOWN_SPECIAL = set("\\`*_[]<>|$#~&")


def _markdown_escape(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


#: How the kind column shows each kind: the symbol of the asymptotic statement.
_KIND_SYMBOL = {"exact": "exact", "theta": "Θ", "theta_log": "Θ̃", "upper": "O", "lower": "Ω"}
_KIND_LATEX = {"exact": "exact", "theta": r"$\Theta$", "theta_log": r"$\tilde{\Theta}$",
               "upper": r"$O$", "lower": r"$\Omega$"}

_GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "kappa",
          "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega",
          "Gamma", "Delta", "Theta", "Lambda", "Sigma", "Phi", "Psi", "Omega")
_GREEK_WORD = re.compile(r"(?<![A-Za-z\\])(" + "|".join(_GREEK) + r")(?![A-Za-z])")
# a power (base^exponent, the base a word or a parenthesised group, the exponent a signed word,
# number or parenthesised group), a subscripted name (eta_t, lambda_i), or a Greek name
_ATOM = r"(?:[A-Za-z0-9.]+|\([^()^]*\))"
_EXPONENT = r"-?(?:\((?:[^()]|\([^()]*\))*\)|[A-Za-z0-9./]+)"
_PROSE_MATH = re.compile(
    rf"{_ATOM}\^{_EXPONENT}"
    r"|\b(?:[A-Za-z]{1,2}|" + "|".join(_GREEK) + r")_[A-Za-z0-9]{1,3}\b"
    r"|\b(?:" + "|".join(_GREEK) + r")\b"
)


def _prose_math(token: str) -> str:
    """A math-like token of prose (``t^-gamma``, ``(eta N)^(1/a)``, ``eta_t``) as LaTeX maths."""
    if "^" in token:
        base, _, exponent = token.partition("^")
        sign = "-" if exponent.startswith("-") else ""
        exponent = exponent[len(sign):]
        if exponent.startswith("(") and exponent.endswith(")"):
            exponent = exponent[1:-1]
        return _prose_math(base) + "^{" + sign + _prose_math(exponent) + "}"
    if "_" in token and not token.startswith("("):
        name, _, sub = token.partition("_")
        return _prose_math(name) + "_{" + _prose_math(sub) + "}"
    token = _GREEK_WORD.sub(lambda m: "\\" + m.group(1) + " ", token)
    return re.sub(r" +(?=[ )}/*+-]|$)", "", token)


def _prose_latex(text: str) -> str:
    r"""Prose for a LaTeX cell: text escaped, with the maths written in it as ASCII (powers,
    subscripts, Greek names) typeset as maths.

    >>> print(_prose_latex("eta_t = eta t^-gamma, sigma^2 k*/N with k* ~ (eta N)^(1/a)"))
    $\eta_{t}$ = $\eta$ $t^{-\gamma}$, $\sigma^{2}$ k*/N with k* \textasciitilde{} $(\eta N)^{1/a}$
    >>> print(_prose_latex("the tail (eta N)^-((b-1)/a), 10^-3"))
    the tail $(\eta N)^{-(b-1)/a}$, $10^{-3}$
    """
    out, start = [], 0
    for match in _PROSE_MATH.finditer(text):
        token = match.group(0)
        if re.search(r"[^A-Za-z0-9_^()./ *+-]", token):
            continue
        out.append(_latex_escape(text[start:match.start()]))
        out.append("$" + _prose_math(token) + "$")
        start = match.end()
    out.append(_latex_escape(text[start:]))
    return "".join(out)


def _render_latex(cell: _Cell) -> str:
    out = []
    for kind, s in cell.parts:
        if kind == "text":
            out.append(_latex_escape(s))
        elif kind == "math":
            out.append(f"${s}$")
        elif kind == "code":
            # break long keys after their dots and underscores
            out.append(r"\texttt{" + _latex_escape(s).replace(".", r".\allowbreak{}") + "}")
        elif kind == "prose":
            out.append(_prose_latex(s))
        elif kind == "kind":
            out.append(_KIND_LATEX[s])
        elif kind == "number":
            mantissa, _, exponent = s.partition("e")
            out.append(f"${mantissa}" + (rf" \times 10^{{{int(exponent)}}}$" if exponent else "$"))
        else:  # dash
            out.append("---")
    text = "".join(out)
    # a cell opening with [ would be read as the optional argument of the previous row's \\
    return "{}" + text if text.startswith("[") else text


def _render_markdown(cell: _Cell) -> str:
    out = []
    for kind, s in cell.parts:
        if kind == "text":
            out.append(_markdown_escape(s))
        elif kind == "math":
            # a bare | would end the table cell
            out.append("$" + " ".join(s.split()).replace("|", r"\vert ") + "$")
        elif kind == "code":
            out.append(f"`{s}`")
        elif kind == "prose":
            out.append(_markdown_escape(s))
        elif kind == "kind":
            out.append(_KIND_SYMBOL[s])
        elif kind == "number":
            out.append(s)
        else:
            out.append("—")
    return "".join(out)


# ----------------------------------------------------------------------------------------------
# Table
# ----------------------------------------------------------------------------------------------


class Table:
    """A table of laws, ready to render as LaTeX (booktabs) or Markdown.

    Build it with :func:`table`. ``columns`` are the column names (``value`` columns are named
    ``value`` for one point and ``value_1``, ``value_2``, ... for several), ``headers`` their
    titles, and :attr:`rows` one dict per law mapping column name to the cell's content.
    """

    def __init__(
        self,
        laws: Sequence[Law],
        columns: Sequence[str],
        headers: Sequence[_Cell],
        cells: Sequence[Sequence[_Cell]],
        *,
        points: Sequence[Mapping] = (),
        caption: str | None = None,
        label: str | None = None,
        legend: bool = True,
    ):
        self.laws = tuple(laws)
        self.columns = tuple(columns)
        self._headers = tuple(headers)
        self._cells = tuple(tuple(row) for row in cells)
        self.points = tuple(dict(p) for p in points)
        self.caption = caption
        self.label = label
        self.legend = legend

    @property
    def headers(self) -> list[str]:
        """Column titles as plain text."""
        return [h.plain for h in self._headers]

    @property
    def rows(self) -> list[dict[str, str]]:
        """One dict per law: column name → plain-text content.

        ``expression`` and ``regime`` hold SymPy's plain text (``Θ̃((b - 1)/a)``,
        ``b <= 2*a``), ``symbol`` the paper's LaTeX; ``value`` columns hold the number as text,
        ``"—"`` where a value is missing, or a note (``"outside regime (b <= 2*a)"``).
        """
        return [
            {name: cell.plain for name, cell in zip(self.columns, row)} for row in self._cells
        ]

    def __len__(self) -> int:
        return len(self._cells)

    def __repr__(self) -> str:
        shown = ", ".join(self.columns)
        return f"<Table: {len(self)} laws × {len(self.columns)} columns ({shown})>"

    def __str__(self) -> str:
        return self.to_markdown().rstrip("\n")

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _statuses(self) -> list[str]:
        if not self.legend or "status" not in self.columns:
            return []
        present = {item.status for item in self.laws}
        return [s for s in STATUS_MEANINGS if s in present]

    def to_latex(self, *, fit: str = "auto", width: str = r"\linewidth") -> str:
        r"""The table as a LaTeX ``table`` float with booktabs rules, fitted to ``width``.

        Needs ``\usepackage{booktabs,amsmath,amssymb,tabularx,graphicx}`` (the first line of
        the output says so, as a comment). The caption and label are inserted verbatim (write
        LaTeX in them); text cells are escaped, and the maths written in prose (``t^-gamma``,
        ``eta_t``) is typeset as maths. A legend of the provenance statuses shown follows the
        table.

        Parameters
        ----------
        fit : {"auto", "wrap", "resize", "none"}
            ``"wrap"``: a ``tabularx`` of the given width whose text columns (key, quantity,
            regime, source) wrap; ``"resize"``: the natural table scaled to the width;
            ``"auto"`` (default): as it comes if that fits, else wrap, and scale down only if
            the columns that cannot wrap (long formulas, values) still make it wider than
            ``width``; ``"none"``: a plain
            ``tabular`` with fixed paragraph columns, as wide as it comes.
        width : str
            A LaTeX length (default ``\linewidth``; ``\textheight`` for a landscape page).
        """
        if fit not in LATEX_FITS:
            raise ParameterError(f"fit must be one of {', '.join(LATEX_FITS)}; got {fit!r}")
        if not isinstance(width, str) or not _LATEX_LENGTH.fullmatch(width.strip()):
            raise ParameterError(
                "width must be a LaTeX length such as \\linewidth, 0.9\\textwidth or 16cm; "
                f"got {width!r}")
        width = width.strip()
        wrap = [name for name in self.columns if name in _LATEX_WRAP] if fit in ("auto", "wrap") else []
        total = sum(_LATEX_WRAP[name] for name in wrap)

        def column(name: str, trial: bool = False) -> str:
            if name.startswith("value"):
                return "r"
            if name in wrap:
                share = minimum[name] * len(wrap) / sum(minimum.values())
                if trial:
                    return (r">{\raggedright\arraybackslash}p{"
                            + f"{minimum[name]:.2f}em" + "}")
                return r">{\raggedright\arraybackslash\hsize=" + f"{share:.3f}" + r"\hsize}X"
            return "l" if fit != "none" else _LATEX_ALIGN.get(name, "l")

        # the longest word of each wrapping column (keys break only after their dots), in em
        # (10 pt Computer Modern: typewriter 0.525 em a character, roman about 0.5, plus 0.5)
        longest = {}
        for j, name in enumerate(self.columns):
            if name in wrap:
                texts = [self._headers[j].plain] + [row[j].plain for row in self._cells]
                split = r"[\s.]+" if name == "key" else r"\s+"
                words = [w for t in texts for w in re.split(split, t)]
                longest[name] = 0.53 * max((len(w) for w in words), default=0) + 0.5
        # each wrapping column's least width: its share of the room, or its longest word
        minimum = {name: max(_LATEX_WRAP[name] * len(wrap) / total * _LATEX_WRAP_MIN_EM,
                             longest[name]) for name in wrap}
        align = "".join(column(name) for name in self.columns)
        lines = ["% needs \\usepackage{" + LATEX_PACKAGES + "}", r"\begin{table}[htbp]",
                 r"\centering"]
        if self.caption is not None:
            lines.append(r"\caption{" + self.caption + "}")
        if self.label is not None:
            lines.append(r"\label{" + self.label + "}")
        body = [r"\toprule", " & ".join(_render_latex(h) for h in self._headers) + r" \\",
                r"\midrule"]
        body += [" & ".join(_render_latex(c) for c in row) + r" \\" for row in self._cells]
        body.append(r"\bottomrule")
        if fit == "auto" and wrap:
            # As it comes if that fits the width; else wrapped at the page width if the columns
            # fit there with the text columns at least _LATEX_WRAP_MIN_EM wide (measured by a
            # trial run), or at the width they need and then scaled down to the page: squeezing
            # the text columns to a word per line would make the table taller than the page.
            trial = "".join(column(name, trial=True) for name in self.columns)
            natural = "".join("r" if name.startswith("value") else "l" for name in self.columns)
            lines += [r"\def\slTableBody{%", *body, "}%",
                      # 1. as it comes, if that fits
                      r"\setbox0=\hbox{\begin{tabular}{" + natural + r"}\slTableBody\end{tabular}}%",
                      r"\ifdim\wd0>" + width + r"\relax",
                      # 2. else wrapped at the page width, or at the width the columns need
                      r"\setbox0=\hbox{\begin{tabular}{" + trial + r"}\slTableBody\end{tabular}}%",
                      r"\ifdim\wd0>" + width + r"\relax\edef\slTableWidth{\the\wd0}\else"
                      r"\edef\slTableWidth{\the\dimexpr " + width + r"\relax}\fi",
                      r"\setbox0=\hbox{\begin{tabularx}{\slTableWidth}{" + align
                      + r"}\slTableBody\end{tabularx}}%",
                      # 3. and scaled down to the page if that is wider
                      r"\ifdim\wd0>" + width + r"\relax\setbox0=\hbox{\resizebox{" + width
                      + r"}{!}{\box0}}\fi",
                      r"\fi",
                      r"\box0"]
        else:
            if wrap:
                begin, end = r"\begin{tabularx}{" + width + "}{" + align + "}", r"\end{tabularx}"
            else:
                begin, end = r"\begin{tabular}{" + align + "}", r"\end{tabular}"
            if fit == "resize":
                lines.append(r"\resizebox{" + width + r"}{!}{%")
            lines += [begin, *body, end]
            if fit == "resize":
                lines.append("}")
        statuses = self._statuses()
        if statuses:
            legend = " ".join(
                r"\emph{" + _latex_escape(s) + "}: " + _latex_escape(STATUS_MEANINGS[s]) + "."
                for s in statuses
            )
            lines += [r"\par\smallskip", r"{\footnotesize Status. " + legend + r"\par}"]
        lines.append(r"\end{table}")
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        """The table as a GitHub pipe table; expressions in ``$...$``.

        The caption, if any, follows as a ``Table: ...`` line (Pandoc's caption syntax); the
        label is not shown.
        """
        lines = ["| " + " | ".join(_render_markdown(h) for h in self._headers) + " |"]
        rules = ("---:" if name.startswith("value") else "---" for name in self.columns)
        lines.append("| " + " | ".join(rules) + " |")
        for row in self._cells:
            lines.append("| " + " | ".join(_render_markdown(c) for c in row) + " |")
        statuses = self._statuses()
        if statuses:
            legend = " ".join(f"*{s}*: {_markdown_escape(STATUS_MEANINGS[s])}." for s in statuses)
            lines += ["", f"Status. {legend}"]
        if self.caption is not None:
            lines += ["", f"Table: {' '.join(self.caption.split())}"]
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict:
        """A JSON-ready description: columns, headers, rows, points, caption and label."""
        return {
            "columns": list(self.columns),
            "headers": self.headers,
            "rows": self.rows,
            "points": [{k: _point_text(v) for k, v in p.items()} for p in self.points],
            "caption": self.caption,
            "label": self.label,
        }


def table(
    laws: Iterable[Law | str] | Law | str | None = None,
    values: Mapping | Sequence[Mapping] | None = None,
    columns: Sequence[str] | None = None,
    caption: str | None = None,
    label: str | None = None,
    *,
    paper: str | None = None,
    where: Mapping[str, str] | None = None,
    digits: int = 6,
    legend: bool = True,
) -> Table:
    """A table of laws, one row each.

    Parameters
    ----------
    laws : iterable of Law or str, optional
        The laws, as :class:`~scalinglaws.law.Law` objects or keys (a single law or key is
        accepted too). Rows keep this order.
    paper : str, optional
        Add every law of this paper (after ``laws``, without repeats).
    where : dict, optional
        Keep only the laws tagged ``name=value`` for every item (values compared without
        regard to case), e.g. ``{"regime": "II", "optimizer": "adam"}`` for the tags
        ``regime=II`` and ``optimizer=adam`` of a parameterization paper. An unknown tag
        name or value is an :class:`~scalinglaws.errors.UnknownKeyError` with suggestions.
    values : dict or list of dict, optional
        A point ``{"a": 1.5, "b": 2}`` (or several) at which to evaluate every law: adds a
        ``value`` column (one per point). Each law takes only the parameters it needs; a law
        missing one shows ``—``, a point outside a law's regime shows
        ``outside regime (<condition>)`` and a value outside a parameter's domain
        ``outside domain (...)``. Every name must be a parameter of at least one law.
    columns : sequence of str, optional
        Which columns, in order, from :data:`COLUMNS`. Default: key, quantity, expression,
        regime, kind, status, source (and ``value`` when ``values`` is given).
    caption, label : str, optional
        LaTeX caption and label (inserted verbatim).
    digits : int
        Significant digits of the values.
    legend : bool
        Whether to print the meaning of each provenance status shown under the table.

    Returns
    -------
    Table

    Raises
    ------
    UnknownKeyError
        For an unknown law key, paper, column name, or tag name or value in ``where`` (with
        suggestions).
    ParameterError
        For no laws, a repeated column, a ``value`` column without values, a value name that no
        law in the table uses, or a value that is not a number.

    Examples
    --------
    >>> import scalinglaws as sl
    >>> t = sl.table(sl.laws(family="anytime.rate"), columns=["key", "regime"])
    >>> len(t), t.columns
    (3, ('key', 'regime'))
    >>> print(t.to_latex(fit="none"))  # doctest: +ELLIPSIS
    % needs \\usepackage{booktabs,amsmath,amssymb,tabularx,graphicx}
    \\begin{table}[htbp]
    \\centering
    \\begin{tabular}{ll}
    \\toprule
    Key & Regime \\\\
    \\midrule
    \\texttt{anytime.\\allowbreak{}constant\\_lr\\_suffices} & $b \\leq a$ \\\\
    ...
    \\end{table}
    <BLANKLINE>
    >>> sl.table(["anytime.minimax_risk"], columns=["kye"])
    Traceback (most recent call last):
    ...
    scalinglaws.errors.UnknownKeyError: unknown column 'kye'; did you mean 'key'?

    Selecting by tags: the Regime II, Adam entries of the MoE parameterization tables (the
    command line's ``--paper moe_mssp --values regime=II optimizer=adam``):

    >>> t = sl.table(paper="moe_mssp", where={"regime": "II", "optimizer": "adam"},
    ...              columns=["key", "expression"])
    >>> print(t)  # doctest: +ELLIPSIS
    | Key | Expression |
    | --- | --- |
    | `moe_mssp.ii.adam.embedding.eps` | $\\Theta\\left(\\frac{1}{N}\\right)$ |
    ...
    | `moe_mssp.ii.mssp.expert_down.init_var` | $\\Theta\\left(\\frac{M}{N_{e}}\\right)$ |
    ...
    >>> sl.table(paper="moe_mssp", where={"regime": "IV"})
    Traceback (most recent call last):
    ...
    scalinglaws.errors.UnknownKeyError: unknown regime 'IV'; did you mean 'I', 'II'?
    """
    if laws is None:
        laws = []
    elif isinstance(laws, (str, Law)):
        laws = [laws]
    items = [entry if isinstance(entry, Law) else _lookup_law(entry) for entry in laws]
    if paper is not None:
        from .registry import laws as _laws

        items += [item for item in _laws(paper=paper) if item not in items]
    if where is not None:
        if not isinstance(where, Mapping):
            raise ParameterError("where must be a dict of tag names and values")
        items = select_by_tags(items, where)
    if not items:
        raise ParameterError("a table needs at least one law")
    if not isinstance(digits, int) or isinstance(digits, bool) or not 1 <= digits <= 100:
        raise ParameterError(
            f"digits must be an integer from 1 to 100, got {_value_text(digits)}"
        )

    points = _points(values)
    _check_point_names(items, points)

    if columns is None:
        columns = _DEFAULT_COLUMNS + (("value",) if points else ())
    elif isinstance(columns, str):
        raise ParameterError("columns must be a list of column names, not one string")
    columns = list(columns)
    for name in columns:
        if name not in COLUMNS:
            raise UnknownKeyError("column", name, COLUMNS)
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise ParameterError(f"column(s) {', '.join(repeated)} given more than once")
    if "value" in columns and not points:
        raise ParameterError("the 'value' column needs values= (a point to evaluate at)")
    if points and "value" not in columns:
        columns.append("value")

    latex_names = {name: p.latex_name for item in items for name, p in item.params.items()}
    names: list[str] = []
    headers: list[_Cell] = []
    for name in columns:
        if name != "value":
            names.append(name)
            headers.append(_text(_HEADERS[name]))
        elif len(points) == 1:
            names.append("value")
            point = _point_cell(points[0], latex_names)
            headers.append(_Cell((("text", "Value at "),) + point.parts, "Value at " + point.plain))
        else:
            for i, point in enumerate(points, 1):
                names.append(f"value_{i}")
                headers.append(_point_cell(point, latex_names))

    cells = []
    for item in items:
        row = []
        for name in columns:
            if name == "value":
                row += [_value_cell(item, point, digits) for point in points]
            else:
                row.append(_CELL_MAKERS[name](item))
        cells.append(row)
    return Table(
        items, names, headers, cells, points=points, caption=caption, label=label, legend=legend
    )


def tag_names(laws: Iterable[Law]) -> dict[str, list[str]]:
    """``{name: [values]}`` of the ``name=value`` tags the laws carry (sorted).

    >>> import scalinglaws as sl
    >>> tag_names(sl.laws(paper="moe_mssp"))["regime"]
    ['I', 'II', 'III']
    """
    out: dict[str, set] = {}
    for item in laws:
        for tag in item.tags:
            name, sep, value = tag.partition("=")
            if sep:
                out.setdefault(name, set()).add(value)
    return {name: sorted(values) for name, values in sorted(out.items())}


def select_by_tags(laws: Iterable[Law], where: Mapping[str, object]) -> list[Law]:
    """The laws tagged ``name=value`` for every item of ``where``, in their order.

    Values are compared as text, without regard to case. An unknown tag name or value raises
    :class:`~scalinglaws.errors.UnknownKeyError` naming the closest known ones; a selection
    that leaves no law raises :class:`~scalinglaws.errors.ParameterError`.

    >>> import scalinglaws as sl
    >>> rows = select_by_tags(sl.laws(paper="moe_mssp"), {"regime": "ii", "optimizer": "adam"})
    >>> all("regime=II" in item.tags for item in rows), len(rows)
    (True, 18)
    >>> select_by_tags(sl.laws(paper="moe_mssp"), {"regme": "II"})
    Traceback (most recent call last):
    ...
    scalinglaws.errors.UnknownKeyError: unknown tag name 'regme'; did you mean 'regime'?
    """
    out = list(laws)
    for name, value in where.items():
        name, value = str(name).strip(), str(value).strip()
        known = tag_names(out)
        if name not in known:
            raise _unknown("tag name", name, known)
        wanted = value.lower()
        hits = [item for item in out if any(
            t.partition("=")[0] == name and t.partition("=")[2].lower() == wanted for t in item.tags
        )]
        if not hits:
            raise _unknown(name, value, known[name])
        out = hits
    return out


def _unknown(what: str, key: str, known) -> UnknownKeyError:
    exc = UnknownKeyError(what, key, list(known))
    if not exc.suggestions and known:
        exc.args = (exc.args[0] + "; known: " + ", ".join(list(known)[:12]),)
    return exc


def _points(values) -> list[dict]:
    if values is None:
        return []
    if isinstance(values, Mapping):
        values = [values]
    elif isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise ParameterError("values must be a dict of parameter values or a list of such dicts")
    points = []
    for point in values:
        if not isinstance(point, Mapping):
            raise ParameterError(
                f"values: expected dicts of parameter values, got {_value_text(point)}"
            )
        points.append(dict(point))
    if not points:
        raise ParameterError("values is an empty list; give at least one point or None")
    return points


def _check_point_names(items: Sequence[Law], points: Sequence[Mapping]) -> None:
    known = {name for item in items for name in item.params}
    for point in points:
        for name in point:
            if name not in known:
                close = difflib.get_close_matches(
                    name if isinstance(name, str) else "", sorted(known), n=1
                )
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ParameterError(
                    f"values: no law in the table has a parameter {_value_text(name)}{hint}; "
                    f"parameters: {', '.join(sorted(known))}"
                )
            value = point[name]
            if isinstance(value, bool) or not isinstance(value, (numbers.Number, sp.Basic)):
                raise ParameterError(f"values: {name} must be a number, got {_value_text(value)}")


def _source(item: Law) -> _Cell:
    ref = item.reference
    version = f"v{ref.version}" if ref.version else ""
    return _text(f"arXiv:{ref.arxiv}{version}, {ref.where}")


def _regime(item: Law) -> _Cell:
    if item.regime is sp.true:
        return _math(item.regime_latex(), "all")
    return _math(item.regime_latex(), sp.sstr(item.regime))


_KIND_PLAIN = {
    "exact": "{}", "theta": "Θ({})", "theta_log": "Θ̃({})", "upper": "O({})", "lower": "Ω({})",
}

_CELL_MAKERS = {
    "key": lambda item: _Cell((("code", item.key),), item.key),
    "symbol": lambda item: _math(item.symbol, item.symbol) if item.symbol else _MISSING,
    "quantity": lambda item: _Cell((("prose", item.quantity),), item.quantity),
    "expression": lambda item: _math(
        item.latex(), _KIND_PLAIN[item.kind].format(sp.sstr(item.expr))
    ),
    "regime": _regime,
    "kind": lambda item: _Cell((("kind", item.kind),), item.kind),
    "status": lambda item: _text(item.status),
    "source": _source,
}


# ----------------------------------------------------------------------------------------------
# parameterization tables
# ----------------------------------------------------------------------------------------------

_PARAM_HEAD = {
    "multiplier": "multiplier",
    "init_var": "init. variance",
    "lr": "learning rate",
    "eps": "Adam ε",
}
_PARAM_HEAD_TEX = {
    "multiplier": "multiplier",
    "init_var": "init.\\ variance",
    "lr": "learning rate",
    "eps": "Adam $\\epsilon$",
}


def _param_columns(table: ParamTable) -> list[str]:
    present = {q for entries in table.groups.values() for q in entries}
    return [q for q in QUANTITIES if q in present]


def _param_latex_names(table: ParamTable, names: Mapping[str, str] | None) -> dict:
    names = dict(names or {})
    return {sym: names.get(n, sp.latex(sp.Symbol(n))) for n, sym in table.symbols.items()}


def param_table_markdown(table: ParamTable, latex_names: Mapping[str, str] | None = None) -> str:
    """The table as Markdown: one row per group, one column per quantity (LaTeX in ``$``).

    ``latex_names`` maps a scale variable's name to its LaTeX (default :func:`sympy.latex`).

    >>> import sympy as sp
    >>> from scalinglaws.parameterization import ParamTable
    >>> n = sp.Symbol("n", positive=True)
    >>> toy = ParamTable("toy", "sgd", {"hidden": {"init_var": 1 / n, "lr": sp.S(1)}},
    ...                  scales=("n",))
    >>> print(param_table_markdown(toy), end="")
    | group | multiplier | init. variance | learning rate |
    | --- | --- | --- | --- |
    | hidden | $1$ | $\\frac{1}{n}$ | $1$ |
    """
    cols = _param_columns(table)
    sym = _param_latex_names(table, latex_names)
    lines = ["| group | " + " | ".join(_PARAM_HEAD[c] for c in cols) + " |"]
    lines.append("| --- |" + " --- |" * len(cols))
    for group, entries in table.groups.items():
        cells = [f"${sp.latex(entries[c], symbol_names=sym)}$" if c in entries else "—" for c in cols]
        lines.append(f"| {group} | " + " | ".join(cells) + " |")
    for k, v in table.flags.items():
        lines.append(f"\n{k}: {v}")
    return "\n".join(lines) + "\n"


def param_table_latex(
    table: ParamTable, latex_names: Mapping[str, str] | None = None, caption: str | None = None
) -> str:
    """The table as a LaTeX booktabs ``tabular`` (wrapped in a ``table`` float with a caption).

    ``latex_names`` as in :func:`param_table_markdown`.
    """
    cols = _param_columns(table)
    sym = _param_latex_names(table, latex_names)
    out = ["\\begin{table}[htbp]", "\\centering", "\\begin{tabular}{l" + "c" * len(cols) + "}", "\\toprule"]
    out.append("group & " + " & ".join(_PARAM_HEAD_TEX[c] for c in cols) + " \\\\")
    out.append("\\midrule")
    for group, entries in table.groups.items():
        cells = [f"${sp.latex(entries[c], symbol_names=sym)}$" if c in entries else "--" for c in cols]
        out.append(f"\\texttt{{{group.replace('_', chr(92) + '_')}}} & " + " & ".join(cells) + " \\\\")
    out += ["\\bottomrule", "\\end{tabular}"]
    if caption:
        out.append(f"\\caption{{{caption}}}")
    out.append("\\end{table}")
    return "\n".join(out) + "\n"
