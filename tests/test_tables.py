"""Tables of laws: structure, values, escaping, errors, golden files and a pdflatex build.

The golden files under ``tests/golden/`` render laws of a demo paper declared here (not the
catalogue's), so that editing a real law's wording does not break them. They were generated once
from this implementation (``SCALINGLAWS_REGENERATE_GOLDEN=1 pytest tests/test_tables.py``) and
then read line by line by eye: booktabs rules in place, one row per law, special characters
escaped, Θ/Θ̃/O/Ω wrappers matching each law's kind, values checked by hand (1.5**2 * 100**-0.75
= 0.0711512..., sqrt(16) * ln 16 = 11.0904...), the regime note naming the violated condition
and "—" where a parameter is missing. Regenerate only after a deliberate change, and review the
diff by eye again.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.errors import ParameterError, UnknownKeyError
from scalinglaws.law import STATUS_MEANINGS, Paper
from scalinglaws.tables import COLUMNS, _latex_escape

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("SCALINGLAWS_REGENERATE_GOLDEN") == "1"


# ----------------------------------------------------------------------------------------------
# a demo paper, outside the registry, whose texts exercise the escaping
# ----------------------------------------------------------------------------------------------


def _demo_laws():
    p = Paper("demo", arxiv="1234.56789", version=2, title="A demo paper", register=False)
    N = p.param("N", "number of samples_N", integer=True)
    alpha = p.param("alpha", "decay exponent α of the spectrum", latex=r"\alpha",
                    domain=sp.Interval.open(0, sp.oo))
    C = p.param("C", "a constant", domain=sp.Interval.open(0, sp.oo))
    d = p.param("d", "dimension", integer=True, domain=sp.Interval(1, sp.oo))
    rate = p.law(
        "rate", quantity="risk_N after N steps: 100% of E[x^2] & #1 ~ N^-alpha",
        expr=C**2 * N ** (-alpha), regime=alpha > sp.Rational(1, 2), kind="theta",
        symbol=r"R_N", where="Theorem 1 & Eq. (3)", status="paper",
    )
    batch = p.law(
        "critical_batch", quantity="critical batch B* ≍ √d · log d, in {samples}",
        expr=sp.sqrt(d) * sp.log(d), kind="exact", where="Section 4.2", status="derived",
    )
    bound = p.law(
        "bound", quantity="an upper bound | with a pipe and $5 of cost",
        expr=sp.Max(N ** (-alpha), 1 / d), regime=sp.And(alpha <= 1, d >= 2), kind="upper",
        where="Conjecture 2", status="conjecture",
    )
    floor = p.law(
        "floor", quantity="a lower bound with a backslash \\ and <angle> brackets",
        expr=sp.Min(C, d) * N ** (-1), kind="lower", where="Appendix B, Lemma 7",
        status="hypothesis",
    )
    return [rate, batch, bound, floor]


@pytest.fixture(scope="module")
def demo():
    return _demo_laws()


@pytest.fixture(scope="module")
def demo_tables(demo):
    return {
        "demo_default": sl.table(demo, caption="Demo laws", label="tab:demo"),
        "demo_values": sl.table(
            demo,
            values=[{"N": 100, "alpha": 0.75, "C": 1.5, "d": 16}, {"N": 100, "alpha": 2, "d": 16}],
            columns=["key", "symbol", "expression", "regime", "status", "value"],
        ),
    }


# ----------------------------------------------------------------------------------------------
# golden files
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["demo_default", "demo_values"])
@pytest.mark.parametrize("fmt", ["tex", "md"])
def test_golden(demo_tables, name, fmt):
    t = demo_tables[name]
    text = t.to_latex() if fmt == "tex" else t.to_markdown()
    path = GOLDEN / f"{name}.{fmt}"
    if REGENERATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        pytest.skip(f"rewrote {path.name}: review it by eye before committing")
    assert text == path.read_text(encoding="utf-8")


def test_demo_values_are_right(demo_tables):
    """The numbers in the golden tables, recomputed independently with floats."""
    rows = demo_tables["demo_values"].rows
    assert rows[0]["value_1"] == f"{1.5**2 * 100**-0.75:.6g}"
    assert rows[0]["value_2"] == "—"  # C missing at the second point
    assert rows[1]["value_1"] == rows[1]["value_2"] == f"{math.sqrt(16) * math.log(16):.6g}"
    assert rows[2]["value_1"] == f"{max(100**-0.75, 1 / 16):.6g}"
    assert rows[2]["value_2"] == "outside regime (alpha <= 1)"
    assert rows[3]["value_1"] == f"{min(1.5, 16) / 100:.6g}"


# ----------------------------------------------------------------------------------------------
# structure
# ----------------------------------------------------------------------------------------------


def _unescaped(char: str, line: str) -> int:
    return len(re.findall(r"(?<!\\)" + re.escape(char), line))


def _latex_body(latex: str) -> tuple[list[str], list[str]]:
    """(header rows, body rows) between the booktabs rules."""
    lines = latex.splitlines()
    top, mid, bottom = (lines.index(r) for r in (r"\toprule", r"\midrule", r"\bottomrule"))
    assert top < mid < bottom
    return lines[top + 1 : mid], lines[mid + 1 : bottom]


@pytest.mark.parametrize(
    "laws, kwargs",
    [
        ("anytime", {}),
        ("anytime.rate", {"values": {"a": 2, "b": 3}}),
        ("anytime", {"values": [{"a": 1.5, "b": 2}, {"a": 2, "b": 5, "N": 10**6, "sigma2": 1}],
                     "columns": list(COLUMNS)}),
    ],
)
def test_latex_structure(laws, kwargs):
    items = sl.laws(paper=laws) if "." not in laws else sl.laws(family=laws)
    t = sl.table(items, caption="Caption", label="tab:x", **kwargs)
    latex = t.to_latex()
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert latex.count(rule) == 1
    first, second = latex.splitlines()[:2]
    assert first.startswith("% needs \\usepackage{")  # what to paste into the preamble
    assert second.startswith(r"\begin{table}") and latex.rstrip().endswith(r"\end{table}")
    # fit="auto": the natural layout and the trial one are tabulars, the final one a tabularx
    assert latex.count(r"\begin{tabular}") == latex.count(r"\end{tabular}") == 2
    assert latex.count(r"\begin{tabularx}") == latex.count(r"\end{tabularx}") == 1
    assert r"\caption{Caption}" in latex and r"\label{tab:x}" in latex
    # the trial tabular and the final tabularx (fit="auto") both have one column per column
    trial = re.search(r"\\begin\{tabular\}\{(.*)\}\\slTableBody", latex).group(1)
    final = re.search(r"\\begin\{tabularx\}\{\\slTableWidth\}\{(.*)\}\\slTableBody", latex).group(1)
    for spec in (trial, final):
        spec = re.sub(r">\{(?:[^{}]|\{[^{}]*\})*\}", "", spec)  # drop the >{...} prefixes
        assert len(re.findall(r"p\{[^}]*\}|[lcrX]", spec)) == len(t.columns)
    header, body = _latex_body(latex)
    assert len(header) == 1 and len(body) == len(items) == len(t.rows)
    for row in header + body:
        assert row.endswith(r" \\")
        assert _unescaped("&", row) == len(t.columns) - 1
        assert _unescaped("$", row) % 2 == 0
    assert _unescaped("{", latex) == _unescaped("}", latex)


def test_markdown_structure():
    items = sl.laws(paper="anytime")
    t = sl.table(items, values={"a": 2, "b": 3})
    lines = [line for line in t.to_markdown().splitlines() if line.startswith("|")]
    assert len(lines) == len(items) + 2
    assert set(lines[1].strip("| ").split(" | ")) <= {"---", "---:"}
    for line in lines:
        assert _unescaped("|", line) == len(t.columns) + 1
    assert str(t) == t.to_markdown().rstrip("\n")


def test_default_columns_and_rows():
    t = sl.table(["anytime.optimal_decay_exponent"])
    assert t.columns == ("key", "quantity", "expression", "regime", "kind", "status", "source")
    row = t.rows[0]
    item = sl.law("anytime.optimal_decay_exponent")
    assert row["key"] == item.key and row["status"] == "transcribed"
    ref = item.reference
    assert row["source"] == f"arXiv:{ref.arxiv}v{ref.version}, {ref.where}"
    assert row["regime"] == "b <= 2*a"
    assert "transcribed" in t.to_latex() and "transcribed" in t.to_markdown()
    assert item.latex() in t.to_latex() and item.regime_latex() in t.to_latex()


def test_columns_select_and_order():
    t = sl.table(["anytime.minimax_risk"], columns=["status", "key", "symbol"])
    assert t.columns == ("status", "key", "symbol")
    assert t.headers == ["Status", "Key", "Symbol"]
    header, body = _latex_body(t.to_latex())
    assert header == [r"Status & Key & Symbol \\"]
    assert body[0].startswith(r"transcribed & \texttt{anytime.\allowbreak{}minimax\_risk} & $")


def test_single_key_and_law_objects_accepted():
    item = sl.law("anytime.minimax_risk")
    assert sl.table("anytime.minimax_risk").rows == sl.table(item).rows == sl.table([item]).rows


def test_status_legend_lists_only_statuses_shown():
    t = sl.table(["anytime.minimax_risk", "anytime.bias_exponent"])
    md, latex = t.to_markdown(), t.to_latex()
    for status in ("transcribed", "derived"):
        assert STATUS_MEANINGS[status].split(";")[0] in md
        assert rf"\emph{{{status}}}" in latex
    assert STATUS_MEANINGS["hypothesis"] not in md
    quiet = sl.table(["anytime.minimax_risk"], legend=False)
    assert "Status." not in quiet.to_markdown() and r"\emph" not in quiet.to_latex()
    no_status = sl.table(["anytime.minimax_risk"], columns=["key"])
    assert "Status." not in no_status.to_markdown()


def test_caption_in_markdown():
    t = sl.table(["anytime.minimax_risk"], caption="My caption", label="tab:l")
    assert t.to_markdown().rstrip().endswith("Table: My caption")
    assert "tab:l" not in t.to_markdown()


def test_to_dict_is_json_ready():
    t = sl.table(sl.laws(family="anytime.rate"), values=[{"a": 1.5, "b": 2}, {"a": 2, "b": 5}])
    data = json.loads(json.dumps(t.to_dict()))
    assert data["columns"][-2:] == ["value_1", "value_2"]
    assert data["points"] == [{"a": "1.5", "b": "2"}, {"a": "2", "b": "5"}]
    assert len(data["rows"]) == 3 and data["rows"] == t.rows


# ----------------------------------------------------------------------------------------------
# values
# ----------------------------------------------------------------------------------------------


def test_value_column_matches_independent_computation():
    t = sl.table(["anytime.optimal_decay_exponent", "anytime.minimax_risk"],
                 values={"a": 1.5, "b": 2, "N": 1000, "sigma2": 1})
    assert t.columns[-1] == "value"
    assert t.rows[0]["value"] == "0.25"  # max(1 - a/b, 0) = 1 - 3/4
    assert t.rows[1]["value"] == f"{(1 / 1000) ** (1 - 1 / 2):.6g}"
    assert t.headers[-1] == "Value at a=1.5, b=2, N=1000, sigma2=1"


def test_value_digits():
    t = sl.table(["anytime.minimax_risk_exponent"], values={"a": 2, "b": 3}, digits=12)
    assert t.rows[0]["value"] == "0.666666666667"


def test_value_outside_regime_missing_and_domain():
    t = sl.table(
        ["anytime.optimal_decay_exponent", "anytime.minimax_risk", "anytime.variance_exponent"],
        values={"a": 1.5, "b": 4, "gamma": 2},
    )
    assert t.rows[0]["value"] == "outside regime (b <= 2*a)"
    assert t.rows[1]["value"] == "—"  # N and sigma2 not given
    assert t.rows[2]["value"] == "outside domain (gamma in [0, 1))"
    latex = t.to_latex()
    assert r"outside regime ($b \leq 2 a$)" in latex
    assert r"outside domain ($\gamma \in \left[0, 1\right)$)" in latex
    assert "---" in latex and "—" in t.to_markdown()


def test_value_column_can_be_placed():
    t = sl.table(["anytime.optimal_decay_exponent"], values={"a": 1.5, "b": 2},
                 columns=["value", "key"])
    assert t.columns == ("value", "key")
    assert t.rows == [{"value": "0.25", "key": "anytime.optimal_decay_exponent"}]


def test_large_and_small_values_use_powers_of_ten_in_latex():
    t = sl.table(["anytime.minimax_risk"], values={"a": 2, "b": 3, "N": 10**30, "sigma2": 1},
                 columns=["value"])
    assert t.rows[0]["value"] == "1e-20"
    assert r"$1 \times 10^{-20}$" in t.to_latex()


# ----------------------------------------------------------------------------------------------
# escaping
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, escaped",
    [
        ("a_b", r"a\_b"),
        ("x & y", r"x \& y"),
        ("10%", r"10\%"),
        ("#1", r"\#1"),
        ("i^-a", r"i\textasciicircum{}-a"),
        ("a ~ b", r"a \textasciitilde{} b"),
        ("$5", r"\$5"),
        ("{x}", r"\{x\}"),
        ("a\\b", r"a\textbackslash{}b"),
        ("<=", r"\textless{}="),
        ("λ ≍ i", r"\ensuremath{\lambda} \ensuremath{\asymp} i"),
        ("plain text", "plain text"),
    ],
)
def test_latex_escape(text, escaped):
    assert _latex_escape(text) == escaped


def test_text_cells_are_escaped(demo):
    latex = sl.table(demo, columns=["key", "quantity", "source"]).to_latex()
    assert r"risk\_N after N steps: 100\% of E[$x^{2}$] \& \#1" in latex
    assert r"Theorem 1 \& Eq. (3)" in latex
    assert r"\texttt{demo.\allowbreak{}critical\_batch}" in latex
    md = sl.table(demo, columns=["quantity"]).to_markdown()
    assert r"an upper bound \| with a pipe and \$5 of cost" in md


# ----------------------------------------------------------------------------------------------
# errors
# ----------------------------------------------------------------------------------------------


def test_unknown_column_suggests():
    with pytest.raises(UnknownKeyError) as info:
        sl.table(["anytime.minimax_risk"], columns=["key", "expresion"])
    assert info.value.suggestions == ["expression"]


def test_unknown_law_suggests():
    with pytest.raises(UnknownKeyError) as info:
        sl.table(["anytime.minimax_risc"])
    assert "anytime.minimax_risk" in info.value.suggestions


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"columns": ["key", "key"]}, "more than once"),
        ({"columns": ["key", "value"]}, "needs values"),
        ({"columns": "key"}, "list of column names"),
        ({"values": {"q": 1}}, "no law in the table has a parameter 'q'"),
        ({"values": {"bb": 1}}, "did you mean 'b'"),
        ({"values": {"a": "2"}}, "a must be a number"),
        ({"values": []}, "empty list"),
        ({"values": "a=2"}, "dict of parameter values"),
        ({"digits": 0}, "digits"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        sl.table(["anytime.optimal_decay_exponent"], **kwargs)


def test_empty_table_is_an_error():
    with pytest.raises(ParameterError, match="at least one law"):
        sl.table([])


# ----------------------------------------------------------------------------------------------
# compile with pdflatex
# ----------------------------------------------------------------------------------------------


def _compile(tmp_path, body: str, options: str = "a4paper"):
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed: cannot compile the generated LaTeX")
    from scalinglaws.tables import LATEX_PACKAGES

    (tmp_path / "doc.tex").write_text(
        "\\documentclass[" + options + "]{article}\n\\usepackage{" + LATEX_PACKAGES + "}\n"
        "\\maxdeadcycles=1000\n\\begin{document}\n" + body + "\\end{document}\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=tmp_path, capture_output=True, text=True, errors="replace", timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 0
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert "Missing character" not in log  # no glyph silently dropped
    return log


def test_latex_compiles_and_fits_an_a4_page(tmp_path, demo_tables):
    full = sl.table(
        sl.laws(paper="anytime"), columns=list(COLUMNS), caption="All anytime laws", label="t:a",
        values=[{"a": 1.5, "b": 2, "N": 1000, "sigma2": 1, "gamma": 0.25}, {"a": 2, "b": 5}],
    )
    p = Paper("edge", arxiv="0000.00000", title="edge cases", register=False)
    x = p.param("x", "x")
    bracket = p.law("b", quantity="[a cell that opens with a bracket] ~ x^2", expr=x**2,
                    where="nowhere", status="hypothesis")
    edge = sl.table([bracket, bracket], columns=["quantity", "key"])
    # every registered paper's table too (momentum_batch's critical batches and windows, the
    # Muon/SGD/Newton exponents, the MoE parameterization tables, ...), and the table of the
    # issue that found tables overflowing the page by 315 pt
    papers = [sl.table(sl.laws(paper=p.name), caption=p.title, label=f"t:{p.name}") for p in sl.papers()]
    overflowing = sl.table(paper="anytime", values={"a": 2, "b": 3})
    tables = [full, edge, *demo_tables.values(), *papers, overflowing]
    log = _compile(tmp_path, "\n".join(t.to_latex() for t in tables))
    # fits: no box anywhere wider than the page (nor a word sticking out of a wrapped cell)
    assert "Overfull \\hbox" not in log
    assert "too wide" not in log


def test_latex_fit_none_overflows_where_auto_fits(tmp_path):
    # the negative control of the fit test: the plain tabular of the same table does overflow
    t = sl.table(paper="anytime", values={"a": 2, "b": 3})
    log = _compile(tmp_path, t.to_latex(fit="none"))
    assert "Overfull \\hbox" in log


@pytest.mark.parametrize("fit", ["wrap", "resize"])
def test_latex_other_fits_compile(tmp_path, fit):
    t = sl.table(paper="momentum_batch")
    text = t.to_latex(fit=fit, width="0.95\\textwidth")
    assert ("\\begin{tabularx}" in text) == (fit == "wrap")
    assert ("resizebox" in text) == (fit == "resize")
    _compile(tmp_path, text)


@pytest.mark.parametrize("kwargs, match", [
    (dict(fit="shrink"), "fit must be one of"),
    (dict(width="x}"), "LaTeX length"),
    (dict(width="\\linewidth}\\input{/etc/passwd"), "LaTeX length"),
    (dict(width=3), "LaTeX length"),
])
def test_latex_fit_arguments_are_validated(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        sl.table(paper="anytime").to_latex(**kwargs)


def test_kind_column_shows_the_symbol_and_prose_is_typeset():
    t = sl.table(["anytime.bias_exponent", "anytime.classic.averaged_sgd_variance"],
                 columns=["quantity", "kind"])
    latex, markdown = t.to_latex(), t.to_markdown()
    assert r"$\tilde{\Theta}$" in latex and "$O$" in latex and "theta_log" not in latex
    assert "Θ̃" in markdown and "theta_log" not in markdown
    assert t.rows[0]["kind"] == "theta_log"  # the data keep the kind's name
    # sigma^2 k*/N with k* ~ (eta N)^(1/a) in the quantity: typeset, not ASCII
    assert r"$\sigma^{2}$" in latex and r"$(\eta N)^{1/a}$" in latex
    assert "textasciicircum" not in latex


# ---- selection by tags (paper=, where=) -----------------------------------------------------------


def test_where_selects_by_tag_values():
    t = sl.table(paper="moe_mssp", where={"regime": "ii", "optimizer": "ADAM"})
    assert len(t) > 0
    for item in t.laws:
        assert "regime=II" in item.tags and "optimizer=adam" in item.tags
    everything = [item for item in sl.laws(paper="moe_mssp")
                  if "regime=II" in item.tags and "optimizer=adam" in item.tags]
    assert list(t.laws) == everything


def test_where_narrows_given_laws_and_paper_adds_without_repeats():
    first = sl.law("moe_mssp.ii.mssp.expert_down.init_var")
    t = sl.table([first], paper="moe_mssp", where={"parameterization": "mssp", "regime": "II"})
    assert t.laws[0] is first
    assert len(set(t.laws)) == len(t.laws)
    assert all("parameterization=mssp" in item.tags for item in t.laws)


@pytest.mark.parametrize("where, error, fragment", [
    ({"regime": "IV"}, sl.UnknownKeyError, "unknown regime 'IV'"),
    ({"regime": "X"}, sl.UnknownKeyError, "known: I, II, III"),
    ({"regme": "II"}, sl.UnknownKeyError, "did you mean 'regime'"),
    ("regime=II", sl.ParameterError, "where must be a dict"),
])
def test_where_errors(where, error, fragment):
    with pytest.raises(error, match=fragment):
        sl.table(paper="moe_mssp", where=where)


def test_where_on_laws_without_tags_and_empty_table():
    with pytest.raises(sl.UnknownKeyError, match="unknown tag name"):
        sl.table(["anytime.minimax_risk"], where={"regime": "II"})
    with pytest.raises(sl.ParameterError, match="at least one law"):
        sl.table()
    with pytest.raises(sl.UnknownKeyError):
        sl.table(paper="no_such_paper")
