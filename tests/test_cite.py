"""BibTeX from the laws' references (scalinglaws.cite) and the package's own citation."""

import re
from pathlib import Path

import pytest

import scalinglaws as sl
from scalinglaws.cli import main
from scalinglaws.errors import UnknownKeyError

ROOT = Path(__file__).resolve().parents[1]


def _entries(text):
    return re.findall(r"^@(\w+)\{([^,]+),", text, flags=re.M)


def test_every_paper_has_a_well_formed_entry_with_a_unique_key():
    text = sl.cite(*[p.name for p in sl.papers()])
    entries = _entries(text)
    assert len(entries) == len(sl.papers())
    keys = [k for _, k in entries]
    assert len(set(keys)) == len(keys)
    assert text.count("{") == text.count("}")
    for p in sl.papers():
        assert f"eprint        = {{{p.arxiv}}}" in text


def test_laws_of_one_paper_give_one_entry_in_the_order_named():
    text = sl.cite("dana.sgd.loss", "anytime.minimax_risk", "dana", "plrf_phases.eta")
    papers = [sl.paper(n) for n in ("dana", "anytime", "plrf_phases")]
    assert [k for _, k in _entries(text)] == [k for _, k in _entries(
        "\n".join(sl.cite(p.name) for p in papers))]
    assert sl.law("dana.sgd.loss").to_bibtex() == sl.cite("dana")


def test_package_entry_and_citation_file():
    text = sl.cite(package=True)
    assert _entries(text) == [("software", "scalinglaws")] and sl.__version__ in text
    cff = (ROOT / "CITATION.cff").read_text()
    assert "cff-version:" in cff and f"version: {sl.__version__}" in cff


def test_unknown_names_are_refused(capsys):
    with pytest.raises(UnknownKeyError):
        sl.cite("no.such.law")
    assert main(["cite", "no.such.law"]) == 2
    assert main(["cite"]) == 2
    assert main(["cite", "mup"]) == 0
    assert "@misc{yang2022tensor" in capsys.readouterr().out
