"""Dictionaries between the papers' parameterizations (scalinglaws.conventions)."""

import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.conventions import DICTIONARIES
from scalinglaws.errors import ParameterError, UnknownKeyError


@pytest.mark.parametrize("edge", DICTIONARIES, ids=lambda d: f"{d.source}->{d.target}")
def test_each_dictionary_has_its_inverse_and_they_compose_to_the_identity(edge):
    forward = sl.dictionary(edge.source, edge.target)
    back = sl.dictionary(edge.target, edge.source)
    for symbol, image in forward.items():
        if image.free_symbols <= set(back):
            assert sp.simplify(image.xreplace(back) - symbol) == 0, (symbol, image)


def test_the_cross_paper_identities_read_through_the_dictionaries():
    # the anytime constant-step rate (b-1)/a is PLRF's SGD loss exponent and FSL's signal exponent s
    assert sl.convert("plrf_phases.sgd_loss_exponent", to="anytime") == sl.law(
        "anytime.constant_lr_suffices").expr
    assert sl.convert("plrf_phases.sgd_loss_exponent", to="functional_scaling") == sl.paper(
        "functional_scaling").params["s"].symbol
    # the anytime minimax exponent (b-1)/b is FSL's easy data-optimal exponent s beta/(1 + s beta)
    minimax = sl.convert("anytime.minimax_risk_exponent", to="functional_scaling")
    fsl = sl.law("functional_scaling.exp_decay.data_optimal_loss_exponent.easy").expr
    assert sp.simplify(minimax - fsl) == 0
    # a wrong dictionary (b = s beta, forgetting the 1) would not give it
    a, b = (sl.paper("anytime").params[n].symbol for n in "ab")
    s, beta = (sl.paper("functional_scaling").params[n].symbol for n in ("s", "beta"))
    wrong = sl.law("anytime.minimax_risk_exponent").expr.xreplace({a: beta, b: s * beta})
    assert sp.simplify(wrong - fsl) != 0


def test_composed_dictionary_through_an_intermediate_paper():
    subs = sl.dictionary("dana", "anytime")
    alpha = sl.paper("dana").params["alpha"].symbol
    a = sl.paper("anytime").params["a"].symbol
    assert subs[alpha] == a / 2


def test_errors():
    with pytest.raises(UnknownKeyError):
        sl.dictionary("anytime", "muon_capacity")
    with pytest.raises(UnknownKeyError):
        sl.dictionary("anytime", "no_such_paper")
    with pytest.raises(ParameterError, match="no counterpart"):
        sl.convert("anytime.classic.sketched_test_error", to="plrf_phases")  # M (sketch size)
    with pytest.raises(ParameterError, match="source="):
        sl.convert(sp.Symbol("a"), to="anytime")
    with pytest.raises(ParameterError):
        sl.convert(3, to="anytime")
