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
    ("quadratic_escape.escape_rate", "quadratic_escape.escape_rate[p=6,p_star=3,eta=0.05]",
     "4*eta", "4.6*eta"),
    ("gmm_glm.ridgeless_q_over", "gmm_glm.ridgeless_q_over[alpha=3.0]",
     "(alpha - 1)", "(alpha - 1.2)"),
    ("dmft_kernel.final_ntk", "dmft_kernel.final_ntk[gamma0=2,y=1.5]",
     "gamma0**2*y**2 + 1", "gamma0**2*y**2 + 1.5"),
    ("dmft_fluctuations.final_ntk_variance", "dmft_fluctuations.final_ntk_variance[gamma0=3]",
     "4/(", "4.6/("),
    ("dmft_spectral.bulk_edge", "dmft_spectral.bulk_edge[c=0.25]", "sqrt(c) + 1", "sqrt(c) + 1.15"),
    ("shallow_phases.plateau_risk", "shallow_phases.plateau_risk[gamma=2.5]",
     "2 - 1/gamma", "2.15 - 1/gamma"),
    ("normalize_project.angular_update", "normalize_project.angular_update[eta*lam=0.9]",
     "-eta*lam + 2", "-eta*lam + 2.3"),
    ("swd.coupled_fixed_point", "swd.coupled_fixed_point[eta=0.1]", "(h + lam)", "(h + 1.2*lam)"),
    ("lion.update_rms_ratio", "lion.update_rms_ratio[beta1=0.9]", "sqrt(beta1 + 1)",
     "sqrt(beta1 + 1.3)"),
    ("poet.cnp_error_odd", "poet.cnp_error_odd[k=3,rho=0.5]", "rho**(k + 1)", "rho**(k + 0.85)"),
    ("precond_bias.inversion_bias", "precond_bias.inversion_bias[a=1,exact]", "a + 1", "a + 2"),
    ("cronos.amgm_identity", "cronos.amgm_identity[w=2.5]", "w", "1.15*w"),
    ("stochastic_adam.slow_v_drift", "stochastic_adam.slow_v_drift[B=64]", "sigma**2/B",
     "1.5*sigma**2/B"),
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
