"""Muon capacity paper: laws, derivations, the associative-memory process and its checks."""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.derivations import check as lands
from scalinglaws.derivations import muon_capacity as D
from scalinglaws.errors import DomainError, ParameterError
from scalinglaws.validators.engine import Curve, Settings, judge, select_checks
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
    "muon_capacity.newton_matches_muon": ("hypothesis", "theta_log"),
    "muon_capacity.muon.learning_rate": ("transcribed", "theta"),
    "muon_capacity.muon.floor_schedule": ("transcribed", "theta_log"),
    "muon_capacity.muon.one_step_floor": ("transcribed", "theta"),
    "muon_capacity.muon.map": ("transcribed", "exact"),
    "muon_capacity.muon.newton_schulz_recovered": ("hypothesis", "theta_log"),
    "muon_capacity.sgd.threshold_frequency_two_term": ("hypothesis", "theta"),
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


def test_newton_schulz_and_two_term_laws():
    ns = sl.law("muon_capacity.muon.newton_schulz_recovered")
    # below the crossover (d^-alpha above the floor 3.4445^-k) exact Muon's capacity binds
    assert float(ns.evaluate(d=32, k=5, alpha=1.5)) == pytest.approx(32 ** (4 / 3))
    # beyond it the Newton-Schulz branch: (3.4445^k)^((2 alpha - 1)/(2 alpha^2)) d^(1/alpha)
    assert float(ns.evaluate(d=512, k=5, alpha=1.5)) == pytest.approx(
        3.4445 ** (5 * 4 / 9) * 512 ** (2 / 3))
    assert float(ns.evaluate(d=512, k=3, alpha=1.5)) / float(ns.evaluate(d=512, k=2, alpha=1.5)) \
        == pytest.approx(3.4445 ** (4 / 9))
    assert float(ns.exponent("d").subs(ns.params["alpha"].symbol, 1.5)) == pytest.approx(2 / 3)
    two = sl.law("muon_capacity.sgd.threshold_frequency_two_term")
    assert two.exponent("d") == sp.Rational(-1, 2)
    N, alpha = 1000, 2.0
    p = np.arange(1, N + 1, dtype=float) ** -alpha
    p /= p.sum()
    for d in (256, 4096):  # p_1/sqrt(d) + sqrt(2 ln N) ||p||_2/d with the finite-N normalisation
        expected = p[0] / math.sqrt(d) + math.sqrt(2 * math.log(N)) * np.linalg.norm(p) / d
        assert float(two.evaluate(d=d, N=N, alpha=alpha)) == pytest.approx(expected, rel=1e-10)
    # the two terms are comparable at simulated sizes: the second is 29 % of the first at
    # N = 16000, alpha = 2, d = 256 (the issue's numbers)
    h2 = float(mpmath.zeta(4) - mpmath.zeta(4, 16001))
    assert math.sqrt(2 * math.log(16000) * h2 / 256) == pytest.approx(0.29, abs=0.01)


def test_exact_polar_laws_state_the_newton_schulz_limitation():
    for key in ("muon.one_step_recovered", "muon.one_step_exponent", "muon.multi_step_recovered"):
        notes = sl.law(f"muon_capacity.{key}").notes
        assert "Newton-Schulz" in notes and "newton_schulz_recovered" in notes, key
    assert "Newton-Schulz" in sl.law("muon_capacity.muon.map").notes


def test_every_law_has_a_quick_check_or_a_reason():
    quick = {c.law_key for c in select_checks(("muon_capacity",)) if not c.full_only}
    for law in sl.laws(paper="muon_capacity"):
        assert law.key in quick or law.unchecked_reason == "definition", law.key
    exempt = {l.key for l in sl.laws(paper="muon_capacity") if l.unchecked}
    assert exempt == {"muon_capacity.muon.learning_rate", "muon_capacity.muon.floor_schedule",
                      "muon_capacity.muon.one_step_floor"}


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
    with pytest.raises(sl.RegimeError):  # alpha > 1: summable frequencies (a regime since issue 21)
        law.evaluate(d=256, alpha=1.0)
    with pytest.raises(DomainError):  # alpha > 0: the domain
        law.evaluate(d=256, alpha=0.0)
    with pytest.raises(ParameterError):
        law.evaluate(d=256)
    with pytest.raises(DomainError):  # at least one Newton-Schulz step
        sl.law("muon_capacity.muon.newton_schulz_recovered").evaluate(d=256, k=0, alpha=1.5)
    with pytest.raises(DomainError):  # N >= 2 items
        sl.law("muon_capacity.sgd.threshold_frequency_two_term").evaluate(d=256, N=1, alpha=2)


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


def test_newton_schulz_is_the_quintic_on_singular_values():
    """k matrix steps X <- aX + (bA + cA^2)X from G/||G||_F equal U phi^k(sigma/||G||_F) V^T, for
    square and rectangular G; a singular value far below ||G||_F a^-k is multiplied by a^k,
    as h_lambda with lambda = ||G||_F a^-k does (sigma/lambda)."""
    rng = np.random.default_rng(7)
    for shape in ((12, 12), (9, 14), (14, 9)):
        U, _ = np.linalg.qr(rng.standard_normal((shape[0], min(shape))))
        V, _ = np.linalg.qr(rng.standard_normal((shape[1], min(shape))))
        s = np.logspace(-6, 0, min(shape))
        G = (U * s) @ V.T
        for k in (1, 3, 5):
            X = A.newton_schulz(G, k)
            F = np.linalg.norm(G)
            expected = (U * A.newton_schulz_singular_map(s / F, k)) @ V.T
            assert X.shape == G.shape
            assert np.allclose(X, expected, atol=1e-12), (shape, k)
    G = (U * s) @ V.T
    F = np.linalg.norm(G)
    tiny = s < 1e-3 * F * 3.4445**-5
    phi = A.newton_schulz_singular_map(s / F, 5)
    assert np.allclose(phi[tiny], (s / (F * 3.4445**-5))[tiny], rtol=1e-3)
    lam = F * 3.4445**-5
    assert np.allclose(phi[tiny], (s / np.sqrt(s**2 + lam**2))[tiny], rtol=1e-3)
    # above the floor the quintic maps into the band the tuned coefficients keep, not to 1
    assert np.all((phi[s > 10 * lam] > 0.6) & (phi[s > 10 * lam] < 1.25))
    # one step of Newton-Schulz Muon through the process: the direction's singular values
    mem = A.make_memory(32, 1.5, 600, np.random.SeedSequence(8))
    W = A.one_step(mem, "newton_schulz", ns_steps=2)
    G = A.gradient(mem, mem.p).astype(float)
    sv = np.linalg.svd(G, compute_uv=False)
    expected = np.sort(A.newton_schulz_singular_map(sv / np.linalg.norm(G), 2))
    assert np.allclose(np.sort(np.linalg.svd(W.astype(float), compute_uv=False)), expected, atol=1e-5)
    with pytest.raises(DomainError):
        A.newton_schulz(np.zeros((3, 3)), 2)
    with pytest.raises(DomainError):
        A.newton_schulz(G, 0)


def test_restricted_memories_share_their_draws():
    mem = A.make_memory(64, 1.5, 300, np.random.SeedSequence(9))
    small = A.restrict(mem, 16)
    assert small.d == 16 and small.n_items == 300 and small.p is mem.p
    assert np.allclose(small.U, mem.U[:, :16] * 2.0) and np.allclose(small.E, mem.E[:, :16] * 2.0)
    assert abs(float((small.E**2).sum(axis=1).mean()) - 1.0) < 0.1  # N(0, I/d) again
    with pytest.raises(DomainError):
        A.restrict(mem, 128)


def test_cross_entropy_and_extended_recovery():
    mem = A.make_memory(24, 1.5, 400, np.random.SeedSequence(10))
    W = A.one_step(mem, "muon")
    items, scales = np.array([0, 5, 99, 399]), np.array([0.5, 30.0])
    ce = A.cross_entropy(mem, W, items, scales)
    S = mem.U.astype(float) @ W.astype(float) @ mem.E.astype(float).T  # S[j, i] = u_j^T W e_i
    for a, i in enumerate(items):
        for b, eta in enumerate(scales):
            z = eta * S[:, i]
            expected = np.log(np.exp(z - z.max()).sum()) + z.max() - z[i]
            assert ce[a, b] == pytest.approx(expected, rel=1e-4, abs=1e-4)
    with pytest.raises(DomainError):
        A.cross_entropy(mem, W, [400], scales)
    # scoring 1..K in two pieces gives what one pass gives
    rec, margin = A.recovery(mem, W, 120)
    head, _ = A.recovery(mem, W, 50)
    tail, tail_margin = A.recovery(mem, W, 120, start=50)
    assert np.array_equal(np.concatenate([head, tail]), rec)
    assert np.allclose(tail_margin, margin[50:])
    with pytest.raises(DomainError):
        A.recovery(mem, W, 120, start=120)
    # multi_step reports every iterate to on_step
    seen = []
    obs = A.multi_step(mem, 2, 100, on_step=lambda t, W, o: seen.append((t, W.shape, o.count)))
    assert [t for t, _, _ in seen] == [1, 2] and seen[1][2] == obs[1].count


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
        A.make_memory(32, 0.0, 100, 0)
    flat = A.make_memory(32, 0.9, 100, 0)  # alpha <= 1: a fixed number of items (issue 21)
    assert flat.p.sum() == pytest.approx(1.0) and np.all(np.diff(flat.p) < 0)
    assert A.observe(flat, A.one_step(flat, "sgd"), 50).mass_unrec_inf == 1.0
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


def _check(name):
    (c,) = [c for c in select_checks(("muon_capacity",)) if c.name == name]
    return c


def test_checks_cover_the_protocols():
    names = {c.name for c in select_checks(("muon_capacity",))}
    for tag in ("V0", "V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V11"):
        assert any(f".{tag}." in n for n in names), tag
    assert not [c.name for c in select_checks(("muon_capacity",)) if c.full_only]
    # quick_seconds are measured CPU seconds of one core (48.6 s in all, seed 0; the
    # simulations run on two worker threads, so a quiet 2-core machine takes about half)
    assert sum(c.quick_seconds for c in select_checks(("muon_capacity",))) <= 55
    assert select_checks(("dynmuon",))


def test_map_check_is_at_machine_precision():
    """V0 runs the process's Muon map on a real gradient: |ln(y/law)| ~ 1e-14, so the engine's
    control (0.1) and a perturbed law are rejected."""
    for name in ("muon_capacity.V0.map[lambda=0]", "muon_capacity.V0.map[lambda=median sigma]"):
        check = _check(name)
        verdict = check.verdict(Settings())
        assert verdict.outcome == "pass", verdict.summary()
        assert max(abs(verdict.ci[0]), abs(verdict.ci[1])) < 1e-11
        assert check.verdict(Settings(perturb=1e-6)).outcome == "fail"


def test_population_batch_puts_every_grid_point_on_the_d_branch():
    """The laws with a batch branch are evaluated at B_POPULATION (B = infinity in the
    simulation): on every d of the quick and full grids their value is the d-branch's."""
    from scalinglaws.validators import muon_capacity as V

    newton = sl.law("muon_capacity.newton_matches_muon")
    mass = sl.law("muon_capacity.muon.unrecovered_mass")
    for d in (128, 512, 1024, 2048):
        assert float(newton.evaluate(d=d, B=V.B_POPULATION, alpha=1.5)) == pytest.approx(d ** (4 / 3))
        for t in (1, 2, 3):
            a_t = 2 - (2 / 3) ** t
            assert float(mass.evaluate(d=d, B=V.B_POPULATION, alpha=1.5, t=t)) == pytest.approx(
                d ** (-0.5 * a_t))


def _synthetic_one_step(monkeypatch, muon_exponent, newton_rank_exponent, R=6, seed=0):
    """Replace the one-step runs by synthetic replicas: p* ~ d^muon_exponent and Newton's
    threshold rank ~ d^newton_rank_exponent, with 0.5 % lognormal replica noise."""
    from scalinglaws.validators import muon_capacity as V

    x = np.array([128.0, 181.0, 256.0, 362.0, 512.0])
    rng = np.random.default_rng(seed)

    def noisy(e):
        return x**e * rng.lognormal(0.0, 0.005, size=(R, x.size))

    runs = {m: {k: noisy(1.0) for k in ("count", "prefix")} for m in ("muon", "newton")}
    runs["muon"]["pstar"] = noisy(muon_exponent)
    runs["muon"]["rank"] = noisy(-muon_exponent / 1.5)
    runs["newton"]["pstar"] = noisy(-1.5 * newton_rank_exponent)
    runs["newton"]["rank"] = noisy(newton_rank_exponent)
    monkeypatch.setattr(V, "_one_step_runs", lambda *a: (x, runs))


def test_one_step_checks_judge_synthetic_replicas(monkeypatch):
    """A check only measures: on synthetic replicas the engine computes the predictions from
    the laws (-2 for V1, ratio slope 0 for V6), and rejects a wrong exponent. The free log
    power of a Θ̃ law can only widen the interval of a pure power law, never make it fail."""
    v1, v6 = (_check("muon_capacity.V1.one_step_threshold[alpha=1.5]"),
              _check("muon_capacity.V6.newton_vs_muon[alpha=1.5]"))
    _synthetic_one_step(monkeypatch, -2.0, 4 / 3)
    right = v1.verdict(Settings()), v6.verdict(Settings())
    assert right[0].predicted == pytest.approx(-2.0) and right[1].predicted == 0.0
    assert all(v.outcome != "fail" for v in right), [v.summary() for v in right]
    assert all(v.ci[0] <= v.predicted <= v.ci[1] for v in right)
    _synthetic_one_step(monkeypatch, -2.6, 1.8)
    wrong = v1.verdict(Settings()), v6.verdict(Settings())
    assert all(v.outcome == "fail" for v in wrong), [v.summary() for v in wrong]
    # the measurement does not depend on --perturb; the engine's prediction does
    m0 = v6.measure(Settings())
    m1 = v6.measure(Settings(perturb=0.3))
    assert np.array_equal(m0.y, m1.y) and m0.predict == m1.predict
    assert judge(v6, m1, Settings(perturb=0.3)).predicted == pytest.approx(0.3)


def test_check_measurements_are_replica_curves_in_d(monkeypatch):
    _synthetic_one_step(monkeypatch, -2.0, 4 / 3)
    m = _check("muon_capacity.V6.newton_vs_muon[alpha=1.5]").measure(Settings())
    assert isinstance(m, Curve) and m.y.shape == (6, 5) and not m.deterministic
    assert [p["d"] for p in m.predict.points] == [128, 181, 256, 362, 512]
    assert m.extra["rank_ratio"] == pytest.approx([1.0] * 5, rel=0.05)


def test_newton_schulz_k_scan_rejects_the_head_dominated_exponent(monkeypatch):
    """V7's k-scan with its declared log power 0: synthetic r* ~ (3.4445^k)^e is judged
    against the law's e = (2 alpha - 1)/(2 alpha^2) = 0.444; the head-competitor exponent
    1/alpha = 0.667 (or exact Muon's flat r*) fails."""
    from scalinglaws.validators import muon_capacity as V

    ks = (1, 2, 3, 4, 5)
    x = np.array([3.4445**k for k in ks])
    rng = np.random.default_rng(3)

    def fake(e):
        scan = {"rank": 20 * x**e * rng.lognormal(0.0, 0.01, size=(3, x.size)),
                "count": np.ones((3, x.size)), "pstar": np.ones((3, x.size)),
                "scored": np.ones((3, x.size))}
        monkeypatch.setattr(V, "_one_step_runs", lambda *a: (np.array([128.0]), {"scan": scan}))

    check = _check("muon_capacity.V7.newton_schulz[k=1-5,d=362]")
    fake(4 / 9)
    right = check.verdict(Settings())
    assert right.outcome == "pass", right.summary()
    for wrong in (2 / 3, 0.0):
        fake(wrong)
        assert check.verdict(Settings()).outcome == "fail"


@pytest.mark.slow
def test_sgd_critical_batch_at_full_size_on_cpu():
    """V3 (SGD) at its full size (d = 256-4096, 16 replicas), on the CPU: about two minutes on
    2 cores (70 s of one core). With the declared log power 0 (at fixed N the SGD threshold has
    no log of d) the interval holds the law's 1/2 and rejects 0.4; at seed 0 its upper end,
    0.603, still holds the control 0.6, so the engine says inconclusive, not pass (the
    issue's 'passes' predates the judge's handling of Θ̃ laws). Asserted: it does not fail,
    the interval is about +-0.065 around a slope within 0.05 of 1/2."""
    check = _check("muon_capacity.V3.critical_batch[sgd,alpha=1.1]")
    verdict = check.verdict(Settings(full=True, backend="numpy"))
    assert verdict.outcome in ("pass", "inconclusive"), verdict.summary()
    assert verdict.predicted == pytest.approx(0.5)
    assert verdict.ci[0] <= 0.5 <= verdict.ci[1] and verdict.ci[0] > 0.4, verdict.summary()
    assert abs(verdict.measured - 0.5) < 0.05 and verdict.ci[1] - verdict.ci[0] < 0.15


@pytest.mark.slow
def test_muon_critical_batch_log_separates_at_the_former_quick_grid():
    """V3 (Muon) on d = 128-362 (the quick grid before V3 joined the quick tier): B* follows
    c d^2 ln d, and with the log power declared in [0, 1] the interval of the exponent holds
    the law's 2 and excludes 2.34 (the plain slope a pure power would need)."""
    from scalinglaws.validators import muon_capacity as V
    from scalinglaws.validators.engine import judge

    check = _check("muon_capacity.V3.critical_batch[muon,alpha=1.5]")
    m = V._critical_batch(Settings(), "muon", "small")
    assert m.log_power == V.MUON_BATCH_LOG_POWER
    verdict = judge(check, m, Settings())
    assert verdict.outcome != "fail", verdict.summary()
    assert verdict.ci[0] <= 2.0 <= verdict.ci[1] and verdict.ci[1] < 2.34, verdict.summary()
    x, _, crit, *_ = V.critical_batches(Settings(), "muon", "small")
    ratio = crit.mean(0) / (x**2 * np.log(x))
    assert np.ptp(np.log(ratio)) < 0.15, ratio  # c d^2 ln d within 7 %


@pytest.mark.slow
@pytest.mark.parametrize("method", ["muon", "sgd"])
def test_critical_batch_v3_at_small_size(method):
    """V3 at quick sizes: the engine predicts the law's exponent, the batch-limited branch is
    the 'recovered once in the batch' level B p* ~ ln 2 at every d, the thresholds grow with
    d, and the verdict survives a JSON round trip."""
    import json

    from scalinglaws.validators import muon_capacity as V
    from scalinglaws.validators.engine import Verdict

    check = _check(f"muon_capacity.V3.critical_batch[{method},alpha={1.5 if method == 'muon' else 1.1}]")
    verdict = check.verdict(Settings())
    assert verdict.predicted == pytest.approx(2.0 if method == "muon" else 0.5)
    _, Bs, crit, _, pstar, _ = V.critical_batches(Settings(), method)
    base = (Bs[None, :2] * pstar[:, :, :2]).mean(axis=(0, 2))
    assert np.all((base > 0.693 / 2) & (base < 2 * 0.693)), base
    assert np.all(np.diff(np.log(crit.mean(axis=0))) > 0), crit
    assert Verdict.from_dict(json.loads(json.dumps(verdict.to_dict(), allow_nan=False))) == verdict


@pytest.mark.slow
def test_multi_step_t3_measurement_is_judged_against_its_own_point():
    """t = 3 is not a registered check (see its docstring); its measurement, judged by the
    t = 2 check's law, gets the t = 3 prediction -alpha a_3 from the engine."""
    from scalinglaws.validators import muon_capacity as V

    m = V.multi_step_threshold_3(Settings())
    assert m.point == {"alpha": 1.5, "t": 3} and m.y.shape == (2, 4)
    v = judge(_check("muon_capacity.V4.multi_step_threshold[t=2]"), m, Settings())
    assert v.predicted == pytest.approx(-1.5 * (2 - (2 / 3) ** 3))
    slope = np.polyfit(np.log(m.x), np.log(m.y.mean(axis=0)), 1)[0]
    assert abs(slope - v.predicted) < 0.1, slope  # the plain slope agrees (digest numbers)


# ---- array namespaces, BLAS threads, worker threads ---------------------------------------------


def test_memory_process_runs_through_its_namespace():
    """numpy-as-xp (array_api_compat's numpy namespace) gives the numpy numbers for every
    method, the SGD shortcut, the multi-step run and the cross-entropy."""
    cnp = pytest.importorskip("array_api_compat.numpy")

    def run(xp):
        mem = A.make_memory(32, 1.5, 400, np.random.SeedSequence(0), xp=xp)
        out = []
        for method in A.METHODS:
            obs = A.observe(mem, A.one_step(mem, method), 100)
            out += [obs.count, obs.prefix, *obs.margin]
        obs = A.observe(mem, None, 100, sgd_weights=mem.p)
        out += [obs.count, *obs.margin]
        out += [o.count for o in A.multi_step(mem, 2, 100)]
        out += list(A.cross_entropy(mem, A.one_step(mem, "polar"), [0, 5, 9], [1.0, 3.0]).ravel())
        return np.array(out, dtype=float)

    np.testing.assert_array_equal(run(np), run(cnp))


def test_single_blas_thread_is_reentrant_and_restores():
    from scalinglaws.validators.processes.blas_threads import blas_threads, single_blas_thread

    before = blas_threads()
    with single_blas_thread():
        inside = blas_threads()
        with single_blas_thread():
            assert blas_threads() == inside
        assert blas_threads() == inside
    assert blas_threads() == before
    assert all(n == 1 for n in inside)


def test_simulations_do_not_depend_on_the_worker_threads(monkeypatch):
    """The (d, replica) tasks run on worker threads; the numbers are those of a serial run."""
    from scalinglaws.validators import muon_capacity as V
    from scalinglaws.validators.processes import blas_threads

    small = {"grid": (32, 45), "B": (1.0, 2.0), "R": 2, "min_items": 600}
    monkeypatch.setitem(V._BATCH_SIZES["muon"], "tiny", small)
    runs = []
    for workers in (1, 3):
        monkeypatch.setattr(blas_threads, "default_workers", lambda w=workers: w)
        V._batch_runs.cache_clear()
        runs.append(V._batch_runs((False, "numpy", 3), "muon", "tiny"))
    V._batch_runs.cache_clear()
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)
    assert np.isfinite(runs[0][2]).all()


# ---------------------------------------------------------------------------- issue 21


def test_alpha_at_most_one_is_in_the_domain_and_only_our_sgd_laws_cover_it():
    laws = sl.laws(paper="muon_capacity")
    extended = {"muon_capacity.sgd.one_step_exponent"}
    for law in laws:
        if "alpha" not in law.params:
            continue
        values = {"alpha": 0.9, "d": 256, "B": 10**6, "t": 2, "N": 1000, "k": 3}
        values = {k: v for k, v in values.items() if k in law.params}
        assert law.in_regime(**values) == (law.key in extended), law.key
    two = sl.law("muon_capacity.sgd.threshold_frequency_two_term")
    N, d = 1000, 512
    H = lambda s: float(np.sum(np.arange(1, N + 1.0) ** -s))  # noqa: E731
    direct = (1 / math.sqrt(d) + math.sqrt(2 * math.log(N) * H(2 * 1.1)) / d) / H(1.1)
    assert float(two.evaluate(d=d, N=N, alpha=1.1)) == pytest.approx(direct, rel=1e-12)
    for alpha in (0.9, 1):  # no float64 form of the Hurwitz zeta below s = 1: not extended
        with pytest.raises(sl.RegimeError):
            two.evaluate(d=d, N=N, alpha=alpha)
    checks = {c.name for c in select_checks(("muon_capacity",))}
    for name in ("V2.sgd_threshold_two_term[alpha=1.1]",
                 "V2.sgd_one_step_exponent[alpha=0.9]", "V2.sgd_one_step_exponent[alpha=1.1]"):
        assert f"muon_capacity.{name}" in checks


def test_newton_and_multi_step_sgd_laws():
    muon = sl.law("muon_capacity.muon.one_step_recovered")
    newton = sl.law("muon_capacity.newton.one_step_recovered")
    assert sp.simplify(newton.expr - muon.expr) == 0 and newton.status == "hypothesis"
    assert sl.law("muon_capacity.newton.threshold_frequency").expr == sl.law(
        "muon_capacity.muon.threshold_frequency").expr
    ms = sl.law("muon_capacity.sgd.multi_step_recovered")
    one = sl.law("muon_capacity.sgd.one_step_recovered")
    pt = dict(d=256, alpha=1.5, B=10**20)
    assert float(ms.evaluate(t=1, **pt)) == pytest.approx(float(one.evaluate(**pt)))
    assert float(ms.evaluate(t=10**9, **pt)) == pytest.approx(256.0**2)  # the information limit
    thr = sl.law("muon_capacity.sgd.multi_step_threshold_frequency")
    assert thr.exponent("t") == -1 and thr.kind == "theta_log"
    for key in ("newton.one_step_recovered", "sgd.multi_step_recovered"):
        assert lands(D.DERIVATIONS[f"muon_capacity.{key}"]())


def test_thresholded_sgd_threshold_falls_with_steps():
    """The multi-step SGD process (V12's): at fixed d the threshold frequency falls roughly like
    1/t (the law up to a log), far faster than not at all and slower than 1/t^2."""
    mem = A.make_memory(128, 1.5, 1000, np.random.SeedSequence(3))
    obs = A.multi_step(mem, 8, 120, method="sgd")
    ps = np.array([A.threshold_frequency(mem.p[:120], o.recovered) for o in obs])
    assert np.all(np.diff(ps[[0, 3, 7]]) < 0)
    slope = np.polyfit(np.log(np.arange(1, 9)), np.log(ps), 1)[0]
    assert -1.5 < slope < -0.5
