"""Muon capacity paper: laws, derivations, the associative-memory process and its checks."""

import math

import numpy as np
import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.derivations import check as lands
from scalinglaws.derivations import muon_capacity as D
from scalinglaws.errors import DomainError, ParameterError
from scalinglaws.validators.checks import Settings, select_checks
from scalinglaws.validators.processes import assoc_memory as A

ISSUE_LAWS = {
    "muon_capacity.muon.multi_step_recovered": ("transcribed", "theta_log"),
    "muon_capacity.muon.multi_step_exponent": ("transcribed", "theta_log"),
    "muon_capacity.muon.one_step_recovered": ("derived", "theta_log"),
    "muon_capacity.muon.critical_batch": ("derived", "theta_log"),
    "muon_capacity.muon.multi_step_loss": ("transcribed", "upper"),
    "muon_capacity.information_limit": ("derived", "theta_log"),
    "muon_capacity.sgd.one_step_recovered": ("hypothesis", "theta_log"),
    "muon_capacity.sgd.critical_batch": ("hypothesis", "theta_log"),
    "muon_capacity.newton_matches_muon": ("derived", "theta_log"),
    "muon_capacity.muon.learning_rate": ("transcribed", "theta"),
    "muon_capacity.muon.floor_schedule": ("transcribed", "theta_log"),
    "muon_capacity.muon.one_step_floor": ("transcribed", "theta"),
    "muon_capacity.muon.map": ("transcribed", "exact"),
}


# ---- laws ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(ISSUE_LAWS))
def test_issue_laws_registered_with_status_and_kind(key):
    law = sl.law(key)
    assert (law.status, law.kind) == ISSUE_LAWS[key]
    assert law.conventions and law.quantity


def test_every_hypothesis_says_it_is_ours():
    for law in sl.laws(paper="muon_capacity", status="hypothesis"):
        assert "not in the paper" in law.reference.where
        assert "ours" in law.notes.lower() or "our heuristic" in law.notes.lower()


def test_schedule_notes_record_the_sqrt_d_discrepancy_and_the_validators_choice():
    notes = sl.law("muon_capacity.muon.floor_schedule").notes
    assert "sqrt(d)" in notes and "(log d)^2/B" in notes and "validators" in notes


def test_critical_batch_and_exponents():
    law = sl.law("muon_capacity.muon.critical_batch")
    assert float(law.evaluate(d=256, alpha=1.5)) == pytest.approx(256**2)
    assert law.exponent("d") == law.params["alpha"].symbol + sp.Rational(1, 2)
    one = sl.law("muon_capacity.muon.one_step_recovered")
    # d-branch below the critical batch: the B-branch binds
    assert float(one.evaluate(d=256, B=1000, alpha=1.5)) == pytest.approx(1000 ** (2 / 3))
    assert float(one.evaluate(d=256, B=10**7, alpha=1.5)) == pytest.approx(256 ** (4 / 3))
    a_t = sl.law("muon_capacity.muon.multi_step_exponent")
    values = [float(a_t.evaluate(alpha=1.5, t=t)) for t in (1, 2, 3, 4)]
    assert values == pytest.approx([4 / 3, 14 / 9, 1.7037037, 1.8024691], rel=1e-6)
    assert float(a_t.evaluate(alpha=1.5, t=200)) == pytest.approx(2.0)
    # the Muon/SGD capacity ratio is d at any alpha (one step, d-branches)
    muon = sl.law("muon_capacity.muon.one_step_exponent").expr
    sgd = sl.law("muon_capacity.sgd.one_step_exponent").expr
    assert sp.simplify(muon - sgd) == 1


def test_bad_points_raise_clear_errors():
    law = sl.law("muon_capacity.muon.critical_batch")
    with pytest.raises(DomainError):
        law.evaluate(d=256, alpha=1.0)  # alpha > 1: summable frequencies
    with pytest.raises(ParameterError):
        law.evaluate(d=256)
    with pytest.raises(sl.RegimeError):
        sl.law("dynmuon.noise_floor").evaluate(eta=3, kappa=1, h=1, p=0, c=1)


def test_table_compares_muon_sgd_newton():
    from scalinglaws.tables import table

    keys = [l.key for l in sl.laws(paper="muon_capacity", tag="comparison")]
    assert {"muon_capacity.muon.one_step_exponent", "muon_capacity.sgd.one_step_exponent",
            "muon_capacity.newton_matches_muon"} <= set(keys)
    tex = table(keys, values=[{"alpha": 1.5, "d": 1024}]).to_latex()
    assert "toprule" in tex and "alpha" in tex


# ---- derivations --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(D.DERIVATIONS))
def test_derivation_lands_and_a_wrong_target_does_not(key):
    dv = D.DERIVATIONS[key]()
    assert dv.key == key and lands(dv)
    law = sl.law(key)
    alpha = law.params["alpha"].symbol if "alpha" in law.params else None
    wrong = law.expr + sp.Rational(1, 7)
    assert not lands(dv, target=wrong)
    if alpha is not None and alpha in law.expr.free_symbols:
        assert not lands(dv, target=law.expr.subs(alpha, alpha + sp.Rational(1, 7)))


def test_every_law_is_derived_or_excused():
    keys = {l.key for l in sl.laws(paper="muon_capacity")}
    assert keys == set(D.DERIVATIONS) | set(D.NOT_DERIVED)
    assert not set(D.DERIVATIONS) & set(D.NOT_DERIVED)


# ---- the process --------------------------------------------------------------------------------


def test_muon_map_is_the_documented_matrix_function():
    rng = np.random.default_rng(0)
    G = rng.standard_normal((6, 6))
    lam = 0.7
    evals, V = np.linalg.eigh(G.T @ G + lam**2 * np.eye(6))
    expected = G @ (V * evals**-0.5) @ V.T
    assert np.allclose(A.muon_map(G, lam), expected, atol=1e-12)
    P = A.muon_map(G, 0.0)
    assert np.allclose(P.T @ P, np.eye(6), atol=1e-10)  # polar factor is orthogonal
    # the singular-value law on the same G
    s = np.linalg.svd(G, compute_uv=False)
    f = sl.law("muon_capacity.muon.map").lambdify()
    assert np.allclose(np.linalg.svd(A.muon_map(G, lam), compute_uv=False), np.sort(f(sigma=s, lam=lam))[::-1])
    with pytest.raises(DomainError):
        A.muon_map(G, -1.0)


def test_newton_direction_solves_the_damped_system():
    mem = A.make_memory(16, 1.5, 200, np.random.SeedSequence(1))
    w = A.batch_weights(mem, None)
    G = A.gradient(mem, w)
    Wn = A.newton_direction(mem, G, w, mu_rel=0.1)
    E = mem.E.astype(float)
    sigma = E.T @ (E * w[:, None])
    mu = 0.1 * np.median(np.linalg.eigvalsh(sigma))
    assert np.allclose(Wn @ (sigma + mu * np.eye(16)), G, atol=1e-5)


def test_sgd_shortcut_scores_like_the_explicit_matrix():
    mem = A.make_memory(24, 1.2, 500, np.random.SeedSequence(2))
    w = A.batch_weights(mem, None)
    explicit = A.observe(mem, A.gradient(mem, w), 60)
    shortcut = A.observe(mem, None, 60, sgd_weights=w)
    assert np.array_equal(explicit.recovered, shortcut.recovered)
    assert np.allclose(explicit.margin, shortcut.margin, rtol=1e-3, atol=1e-3)
    # a finite batch: only the sampled items enter the shortcut
    wb = A.batch_weights(mem, 40)
    assert 0 < np.count_nonzero(wb) < 40
    explicit = A.observe(mem, A.gradient(mem, wb), 60)
    shortcut = A.observe(mem, None, 60, sgd_weights=wb)
    assert np.array_equal(explicit.recovered, shortcut.recovered)
    assert np.allclose(explicit.margin, shortcut.margin, rtol=1e-3, atol=1e-3)
    with pytest.raises(DomainError):
        A.observe(mem, None, 60, sgd_weights=wb[:-1])


def test_batches_and_observables():
    mem = A.make_memory(32, 1.5, 1000, np.random.SeedSequence(3))
    wb = A.batch_weights(mem, 500)
    assert wb.sum() == pytest.approx(1.0) and np.all(wb * 500 == np.round(wb * 500))
    obs = A.observe(mem, A.one_step(mem, "muon", B=500), 200)
    assert 0 <= obs.prefix <= obs.count <= 200
    assert obs.prefix == 200 or not obs.recovered[obs.prefix]
    assert obs.mass_unrec == pytest.approx(mem.p[:200][~obs.recovered].sum() + mem.p[200:].sum())
    assert obs.mass_unrec < obs.mass_unrec_inf < 1
    with pytest.raises(ParameterError):
        A.one_step(mem, "adam")
    with pytest.raises(DomainError):
        A.make_memory(32, 1.0, 100, 0)
    with pytest.raises(DomainError):
        A.observe(mem, A.one_step(mem, "sgd"), 5000)


def test_replicas_are_reproducible_and_distinct():
    a = A.make_memory(16, 1.5, 100, np.random.SeedSequence(5, spawn_key=(1,)))
    b = A.make_memory(16, 1.5, 100, np.random.SeedSequence(5, spawn_key=(1,)))
    c = A.make_memory(16, 1.5, 100, np.random.SeedSequence(5, spawn_key=(2,)))
    assert np.array_equal(a.U, b.U) and not np.array_equal(a.U, c.U)


def test_threshold_frequency_recovers_a_known_crossing():
    rng = np.random.default_rng(4)
    p = np.repeat(np.logspace(-5, -1, 200), 20)
    true = 1e-3
    prob = 1 / (1 + np.exp(-(np.log(p) - np.log(true)) / 0.4))
    est = A.threshold_frequency(p, rng.random(p.size) < prob)
    assert abs(math.log(est / true)) < 0.1
    with pytest.raises(DomainError):
        A.threshold_frequency(p, np.ones(p.size, dtype=bool))


def test_muon_stores_far_more_than_sgd_and_multi_step_grows():
    mem = A.make_memory(64, 1.5, 4000, np.random.SeedSequence(6))
    muon = A.observe(mem, A.one_step(mem, "muon"), 400).count
    sgd = A.observe(mem, A.one_step(mem, "sgd"), 400).count
    assert muon > 3 * sgd
    counts = [o.count for o in A.multi_step(mem, 3, 400)]
    assert counts[0] < counts[-1]


# ---- checks -------------------------------------------------------------------------------------


def test_checks_cover_the_protocols():
    names = {c.name for c in select_checks(("muon_capacity",))}
    for tag in ("V1", "V2", "V4", "V5", "V6"):
        assert any(f".{tag}." in n for n in names), tag
    assert select_checks(("dynmuon",))


@pytest.mark.slow
def test_multi_step_t3_diagnostic_passes_with_its_log_allowance():
    """t = 3 is not a registered check (a 0.2 perturbation is inside its resolution, see the
    report); it must still agree with the law within the one-log-factor slack."""
    from scalinglaws.validators import muon_capacity as V

    verdict = V.multi_step_threshold_3(Settings())
    assert verdict.passed and verdict.negative_control["rejected"]


@pytest.mark.slow
@pytest.mark.parametrize("method", ["muon", "sgd"])
def test_critical_batch_v3_at_small_size(method):
    """V3 (not registered: at CPU sizes a +0.34 error of the exponent is inside the interval plus
    log slack, see the validator's module notes). The law's exponent must pass within one log
    factor, the smaller wrong exponent must be rejected, and the batch-limited branch must be the
    'recovered once in the batch' level B p* ~ ln 2 at every d."""
    from scalinglaws.validators import muon_capacity as V

    verdict = getattr(V, f"{method}_critical_batch")(Settings())
    assert verdict.predicted == pytest.approx(2.0 if method == "muon" else 0.5)
    assert verdict.passed, (verdict.measured, verdict.ci, verdict.slack)
    low_rejected = not verdict.negative_control["passed"][0]
    assert low_rejected, verdict.negative_control
    x, Bs, pstar, _ = V._batch_runs(V._key(Settings()), method)
    base = (Bs[None, :2] * pstar[:, :, :2]).mean(axis=(0, 2))
    assert np.all((base > 0.693 / 2) & (base < 2 * 0.693)), base
    import json

    from scalinglaws.validators.fit import Verdict

    assert Verdict.from_dict(json.loads(json.dumps(verdict.to_dict(), allow_nan=False))) == verdict
    # a perturbed prediction moves by exactly the perturbation
    assert getattr(V, f"{method}_critical_batch")(Settings(perturb=0.2)).predicted == pytest.approx(
        verdict.predicted + 0.2)
