"""The notebook face: rich display of laws, tables and verdicts, and verify() from Python."""

import sys

import pytest

import scalinglaws as sl
from scalinglaws.errors import ParameterError, UnknownKeyError
from scalinglaws.validators.engine.checks import all_checks


def test_a_law_renders_formula_regime_kind_and_provenance():
    law = sl.law("anytime.minimax_risk")
    md = law._repr_markdown_()
    assert law.latex(lhs=True) in md and law.regime_latex() in md
    assert "theta_log" in md and law.status in md and law.reference.arxiv in md
    assert law._repr_latex_().startswith("$") and law.latex(lhs=True) in law._repr_latex_()


def test_a_table_renders_itself():
    table = sl.table(["anytime.minimax_risk", "anytime.optimal_decay_exponent"])
    assert table._repr_markdown_() == table.to_markdown()


@pytest.fixture(scope="module")
def cheap_check():
    return min((c for c in all_checks() if not c.full_only), key=lambda c: c.quick_seconds)


def test_verify_from_python_returns_verdicts_without_touching_pyplot(cheap_check):
    pyplot_before = "matplotlib.pyplot" in sys.modules
    (verdict,) = sl.verify(cheap_check.name, backend="numpy")
    assert verdict.check == cheap_check.name and verdict.outcome in ("pass", "fail", "inconclusive")
    again = sl.verify([cheap_check.name], backend="numpy")[0]
    assert again.measured == verdict.measured  # seeded: same numbers
    html = verdict._repr_html_()
    assert verdict.outcome.upper() in html
    if verdict.data.get("x"):
        pytest.importorskip("matplotlib")
        assert "data:image/png;base64," in html
    assert ("matplotlib.pyplot" in sys.modules) == pyplot_before


def test_verify_refuses_bad_arguments(cheap_check):
    with pytest.raises(ParameterError):
        sl.verify(cheap_check.name, seed=-1)
    with pytest.raises(ParameterError):
        sl.verify(cheap_check.name, perturb=float("nan"))
    with pytest.raises(UnknownKeyError):
        sl.verify("no.such.check")
