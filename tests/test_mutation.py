"""Mutation test: a one-line edit of a law's expression must be caught twice over.

For a fixed sample of laws across every paper, the expression is edited the way a typo or a
wrong transcription would edit it (an exponent moved by about 0.15, a sign, a constant). The
law's quick check, judged by the one judge on the *same* measurement, must then fail (a check
measures and never reads the law, so the measurement is taken once), and the law's derivation,
computed from the paper's model, must no longer land on it.
"""

import importlib

import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.derivations import check as derivation_lands
from scalinglaws.derivations import derivations
from scalinglaws.validators.engine import Settings
from scalinglaws.validators.engine.checks import select_checks
from scalinglaws.validators.engine.judge import judge

# (law key, check name, text in sstr(law.expr), replacement): one edit per law.
MUTANTS = [
    ("anytime.minimax_risk_exponent", "anytime.minimax_risk_exponent[a=2,b=3]",
     "1 - 1/b", "1.15 - 1/b"),
    ("dana.sgd.loss", "dana.sgd.loss_slope",
     "2*beta - 1", "2*beta - 1.5"),
    ("dynmuon.second_moment", "dynmuon.second_moment[matrix,p=1]",
     "c*eta**2", "1.25*c*eta**2"),
    ("functional_scaling.constant.data_optimal_lr",
     "functional_scaling.constant.data_optimal_lr[s=1,beta=2]",
     "D**(-s/(s + 1))", "D**(-s/(s + 1) - 0.15)"),
    ("momentum_batch.sgd.critical_batch", "momentum_batch.sgd.critical_batch[geometric]",
     "trH/lam_max", "trH**1.15/lam_max"),
    ("moe_mssp.ii.sgd.router.lr", "moe_mssp.ii.sgd.router.lr[soft]", "M/N", "M/N**1.2"),
    ("mup.hidden.lr_adam", "mup.hidden.lr_adam[square]", "1/fan_in", "fan_in**(-1.15)"),
    ("muon_capacity.muon.map", "muon_capacity.V0.map[lambda=0]",
     "lam**2 + sigma**2", "lam**2 + 1.25*sigma**2"),
    ("plrf_phases.xi_II", "plrf_phases.xi_II[isoflop]",
     "beta/(alpha + beta)", "beta/(alpha + beta) + 0.15"),
    ("plrf_phases.sgd_loss_exponent", "plrf_phases.sgd_loss_exponent[a=1.5,b=0.3]",
     "(2*alpha + 2*beta - 1)/(2*alpha)", "(2*alpha - 2*beta - 1)/(2*alpha)"),
]

_SETTINGS = Settings(backend="numpy")


def _mutated(law, old: str, new: str) -> sp.Expr:
    text = sp.sstr(law.expr)
    assert text.count(old) == 1, f"{law.key}: {old!r} not found once in {text!r}"
    symbols = {name: p.symbol for name, p in law.params.items()}
    # the edited text is this test's own constant (never user input)
    return sp.sympify(text.replace(old, new), locals=symbols)


@pytest.fixture
def mutate(monkeypatch):
    def apply(law, old, new):
        monkeypatch.setattr(law, "expr", _mutated(law, old, new))

    return apply


def test_the_sample_spans_every_paper():
    papers = {key.split(".", 1)[0] for key, *_ in MUTANTS}
    assert papers == {p.name for p in sl.papers()}


@pytest.mark.parametrize("key,check_name,old,new", MUTANTS, ids=[m[1] for m in MUTANTS])
def test_a_one_line_edit_fails_the_check_and_the_derivation(key, check_name, old, new, mutate):
    law = sl.law(key)
    (item,) = select_checks([check_name])
    assert item.law_key == key and not item.full_only
    measurement = item.measure(_SETTINGS)
    assert judge(item, measurement, _SETTINGS).outcome == "pass"
    derivation, lands = _derivation(key)
    assert lands(derivation)

    mutate(law, old, new)
    verdict = judge(item, measurement, _SETTINGS)
    assert verdict.outcome == "fail", verdict.summary()
    assert not lands(derivation)


def _derivation(key):
    """The law's derivation and the test it must pass: exact landing, or a table module's own
    landing modulo its stated identification (``TABLE_DERIVATIONS`` and ``lands``)."""
    if key in derivations():
        return derivations()[key](), derivation_lands
    module = importlib.import_module(f"scalinglaws.derivations.{key.split('.', 1)[0]}")
    return module.TABLE_DERIVATIONS[key](), module.lands
