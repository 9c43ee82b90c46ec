"""MoE μP/MSSP tables: the laws, their derivations, the MoE process and the negative controls."""

import numpy as np
import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.derivations import moe_mssp as DM
from scalinglaws.papers import moe_mssp as P
from scalinglaws.parameterization import equivalent
from scalinglaws.validators import moe_mssp as V
from scalinglaws.validators.engine import Settings, judge, select_checks
from scalinglaws.validators.processes.backend import replica_generators
from scalinglaws.validators.processes.moe import (
    GROUPS,
    MoEShape,
    Recipe,
    _init,
    moe_coord_check,
    moe_coordinates,
    moe_loss_and_grads,
    recipe_from_table,
)

ALL = [(r, o, p) for r in P.REGIMES for o in P.OPTIMIZERS for p in P.PARAMETERIZATIONS]
KEYS = sorted(DM.TABLE_DERIVATIONS)


# ---- laws ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("regime, optimizer, parameterization", ALL)
def test_every_table_is_complete(regime, optimizer, parameterization):
    rows = P.table_laws(regime, optimizer, parameterization)
    per_group = 3 if optimizer == "adam" else 2
    assert len(rows) == 5 * per_group + 2
    for item in rows:
        assert item.status == "authors_code"
        assert f"regime={regime}" in item.tags and f"optimizer={optimizer}" in item.tags
        assert item.in_regime(**{k: 4 for k in item.params})
        assert not item.in_regime(**{k: (2 if k == "M" else 4) for k in item.params})  # K > M


def test_mssp_differs_from_mup_only_at_init():
    for regime in P.REGIMES:
        for optimizer in P.OPTIMIZERS:
            mup = {k.key for k in P.table_laws(regime, optimizer, "mup")}
            mssp = {k.key for k in P.table_laws(regime, optimizer, "mssp")}
            only = sorted((mup ^ mssp))
            assert len(only) == 2, only
            assert all(k.endswith(("init_var", "shared_init")) for k in only)


def test_known_entries_and_exponents():
    assert sl.law("moe_mssp.ii.mssp.expert_down.init_var").expr == P.M / P.N_e
    assert sl.law("moe_mssp.ii.sgd.expert_down.lr").exponent("N") == 1
    assert sl.law("moe_mssp.ii.adam.expert_down.eps").exponent("M") == -1
    assert sl.law("moe_mssp.iii.mssp.shared_init").expr == 1
    assert sl.law("moe_mssp.i.mssp.router.init_var").expr == 0
    assert P.reduced_exponent(sl.law("moe_mssp.iii.sgd.expert_up.lr").expr, "III") == 1
    with pytest.raises(sl.UnknownKeyError):
        P.law_key("IV", "sgd", "mup", "router", "lr")
    with pytest.raises(sl.UnknownKeyError):
        P.law_key("II", "sgd", "mup", "router", "eps")


def test_table_renders():
    md = sl.table(sl.laws(paper="moe_mssp", tag="table=II.adam.mssp"), columns=["key", "expression"]).to_markdown()
    assert "moe_mssp.ii.mssp.expert_down.init_var" in md
    assert "\\frac{M}{N_{e}}" in P.to_latex("II", "adam", "mssp")
    assert '"optimizer": "adam"' in P.to_json("II", "adam", "mssp")


def test_depth_rules_are_documented_choices():
    for rule in ("depth_mup", "completep"):
        key = f"moe_mssp.depth_rule.{rule}.branch_multiplier"
        item = sl.law(key)
        assert item.status == "authors_code" and "choice" in item.tags
        assert item.reference.arxiv == "2505.01618"
        assert key in DM.NOT_DERIVED
    assert sl.law("moe_mssp.depth_rule.depth_mup.branch_multiplier").exponent("L") == sp.Rational(-1, 2)
    # the old keys (which read as MSSP prescriptions) are gone
    for old in ("moe_mssp.depth.branch_multiplier_sqrt", "moe_mssp.depth.branch_multiplier_completep"):
        with pytest.raises(sl.UnknownKeyError):
            sl.law(old)


@pytest.mark.parametrize("rule,alpha", [("depth_mup", sp.Rational(1, 2)), ("completep", 1)])
def test_depth_rule_learning_rate_and_epsilon(rule, alpha):
    """Hidden Adam lr ~ L^(alpha - 1), epsilon ~ L^-alpha (the CompleteP code's alpha family),
    derived from the first Adam step; a shifted exponent does not land."""
    from scalinglaws.derivations import check as lands_exactly

    Lsym = sp.Symbol("L", positive=True, integer=True)
    lr = sl.law(f"moe_mssp.depth_rule.{rule}.adam.hidden_lr").expr
    eps = sl.law(f"moe_mssp.depth_rule.{rule}.adam.hidden_eps").expr
    assert sp.simplify(lr.subs("L", Lsym) - Lsym ** (alpha - 1)) == 0
    assert sp.simplify(eps.subs("L", Lsym) - Lsym ** (-alpha)) == 0
    for q in ("hidden_lr", "hidden_eps"):
        d = DM.DERIVATIONS[f"moe_mssp.depth_rule.{rule}.adam.{q}"]()
        assert lands_exactly(d)
        law_L = sl.law(f"moe_mssp.depth_rule.{rule}.branch_multiplier").params["L"].symbol
        assert not lands_exactly(d, target=d.result * law_L ** sp.Rational(1, 7))


def test_residual_depth_process_first_step():
    """The process behind the depth checks: the unit learning rate is 1 / the L1 norm of the
    output's Jacobian in the hidden weights (checked against a finite difference of a sign step),
    and the same seed shares the input and readout across depths."""
    from scalinglaws.validators.processes.residual_depth import first_adam_step

    N, L, alpha = 16, 4, 1.0
    out = first_adam_step(N=N, L=L, alpha=alpha, replicas=1, seed=3)
    rng = np.random.default_rng(np.random.SeedSequence(3).spawn(1)[0])
    x = rng.standard_normal(N)
    x *= np.sqrt(N) / np.linalg.norm(x)
    w = rng.standard_normal(N)
    W = rng.standard_normal((L, N, N)) / np.sqrt(N)

    def forward(W):
        h = x
        for ell in range(L):
            h = h + L**-alpha * (W[ell] @ h)
        return w @ h / N

    eps = 1e-6
    grads = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        Wp = W.copy()
        Wp[idx] += eps
        grads[idx] = (forward(Wp) - forward(W)) / eps
    step = 1e-5
    change = forward(W + step * np.sign(grads)) - forward(W)
    assert change / step == pytest.approx(1 / out["unit_lr"][0], rel=1e-3)
    other = first_adam_step(N=N, L=2 * L, alpha=alpha, replicas=1, seed=3)
    assert other["unit_lr"][0] != out["unit_lr"][0]


def test_depth_checks_pass_and_reject_a_shifted_exponent(monkeypatch):
    from scalinglaws.validators.engine import Settings, judge, select_checks

    (chk,) = select_checks(("moe_mssp.depth_rule.depth_mup.adam.hidden_lr",))
    m = chk.measure(Settings())
    v = judge(chk, m, Settings())
    assert v.outcome == "pass" and v.negative_control["rejected"]
    law = sl.law("moe_mssp.depth_rule.depth_mup.adam.hidden_lr")
    Lsym = law.params["L"].symbol
    monkeypatch.setattr(law, "expr", Lsym ** sp.Rational(-1, 4))
    assert judge(chk, m, Settings()).outcome == "fail"


# ---- derivations --------------------------------------------------------------------------------


def test_every_law_is_derived_or_excused():
    keys = {item.key for item in sl.laws(paper="moe_mssp")}
    assert keys == set(KEYS) | set(DM.NOT_DERIVED) | set(DM.DERIVATIONS)


@pytest.fixture(scope="module")
def derived():
    return {key: DM.TABLE_DERIVATIONS[key]() for key in KEYS}


def test_every_derivation_lands(derived):
    bad = [key for key, d in derived.items() if d.key != key or not DM.lands(d)]
    assert not bad


def test_lands_rejects_a_wrong_exponent(derived, monkeypatch):
    for key in KEYS:
        item = sl.law(key)
        wrong = item.expr * P.N if item.expr != 0 and "shared_init" not in key else 1 - item.expr
        monkeypatch.setattr(item, "expr", wrong)
    assert not any(DM.lands(d) for d in derived.values())


def test_derivations_do_not_read_the_registered_expressions(derived, monkeypatch):
    for key in KEYS:
        monkeypatch.setattr(sl.law(key), "expr", sp.Integer(42))
    DM._dynamics.cache_clear()
    try:
        again = {key: DM.TABLE_DERIVATIONS[key]() for key in KEYS}
    finally:
        DM._dynamics.cache_clear()
    assert all(sp.simplify(again[k].result - derived[k].result) == 0 for k in KEYS)


@pytest.mark.parametrize("regime, optimizer, parameterization", ALL)
def test_derived_tables_are_equivalent_to_the_registered_ones(regime, optimizer, parameterization):
    assert equivalent(DM.derive_table(regime, optimizer, parameterization),
                      P.param_table(regime, optimizer, parameterization))


def test_mssp_fix_per_regime_and_lr_independent_of_init():
    assert [DM.mssp_fix(r)[0] for r in P.REGIMES] == ["none", "variance", "shared"]
    for regime in P.REGIMES:
        for optimizer in P.OPTIMIZERS:
            a, b = DM._dynamics(regime, optimizer, "mssp"), DM._dynamics(regime, optimizer, "mup")
            for q in ("lr", "eps"):
                for g in a[q]:
                    assert DM._x(a[q][g], regime) == DM._x(b[q][g], regime), (regime, optimizer, q, g)


# ---- the process --------------------------------------------------------------------------------


@pytest.mark.parametrize("K", [4, 2])
def test_gradients_match_finite_differences(K):
    shape = MoEShape(D=3, N=5, N_e=2, M=4, K=K, C=2)
    recipe = Recipe.uniform(shape)
    params, _ = _init(shape, recipe, [np.random.default_rng(1)], np)
    params["readout"] = np.random.default_rng(2).standard_normal(params["readout"].shape)
    x = np.random.default_rng(3).standard_normal((1, 6, 3))
    t = np.sign(np.random.default_rng(4).standard_normal((1, 6, 2)))
    _, grads, _, _ = moe_loss_and_grads(params, x, t, shape, recipe)
    h = 1e-6
    for g in GROUPS:
        p = params[g]
        for idx in [tuple(i) for i in np.ndindex(p.shape)][:: max(1, p.size // 12)]:
            old = p[idx]
            p[idx] = old + h
            lp = moe_loss_and_grads(params, x, t, shape, recipe)[0].sum()
            p[idx] = old - h
            lm = moe_loss_and_grads(params, x, t, shape, recipe)[0].sum()
            p[idx] = old
            assert abs((lp - lm) / (2 * h) - grads[g][idx]) < 1e-6 * (1 + abs(grads[g][idx])), (g, idx)


def test_shared_init_copies_every_expert_and_zero_init():
    shape = MoEShape(D=3, N=6, N_e=4, M=5, K=5, C=2)
    table = P.param_table("III", "sgd", "mssp", reduce=False)
    recipe = recipe_from_table(table, shape, shape, lr=0.1)
    assert recipe.shared and recipe.var["readout"] == 0
    params, _ = _init(shape, recipe, [np.random.default_rng(0)], np)
    up, down = params["expert_up"][0], params["expert_down"][0]
    assert np.all(up == up[:, :1, :]) and np.all(down == down[:1])
    assert np.all(params["readout"] == 0)
    mup = recipe_from_table(P.param_table("III", "sgd", "mup", reduce=False), shape, shape, lr=0.1)
    p2, _ = _init(shape, mup, [np.random.default_rng(0)], np)
    assert not np.all(p2["expert_up"][0] == p2["expert_up"][0][:, :1, :])


def test_coord_check_is_reproducible_and_replicas_are_independent():
    shape = MoEShape(D=4, N=8, N_e=4, M=4, K=2, C=2)
    recipe = Recipe.uniform(shape, lr=0.05)
    a = moe_coord_check(shape, recipe, replicas=3, batch=4, steps=2, seed=7)
    b = moe_coord_check(shape, recipe, replicas=3, batch=4, steps=2, seed=7)
    c = moe_coord_check(shape, recipe, replicas=5, batch=4, steps=2, seed=7)
    np.testing.assert_array_equal(a["output_change"], b["output_change"])
    np.testing.assert_allclose(a["init_term"], c["init_term"][:3])
    assert len(set(np.round(c["init_term"], 12))) == 5


def test_bad_input_raises():
    with pytest.raises(sl.DomainError):
        MoEShape(D=4, N=8, N_e=4, M=2, K=3)
    with pytest.raises(sl.ParameterError):
        Recipe({"router": 1.0}, {})
    shape = MoEShape(D=4, N=8, N_e=4, M=4, K=4)
    with pytest.raises(sl.ParameterError):
        Recipe.uniform(shape).__class__(Recipe.uniform(shape).var, Recipe.uniform(shape).lr, optimizer="adam")


# ---- observables, their laws and the checks ------------------------------------------------------


def _table_bookkeeping(regime, parameterization, observable, optimizer="sgd"):
    """The exponent of N along ``regime`` that the bookkeeping gives from the *registered table*
    (aggregation g, expert-down variance, init sharing, readout learning rate)."""
    def expr(group, q, opt="sgd"):
        return sl.law(P.law_key(regime, opt, parameterization, group, q)).expr

    shared = expr("experts", "shared_init") == 1
    init = (expr("aggregation", "aggregation") * (P.M if shared else sp.sqrt(P.M))
            * sp.sqrt(P.N_e * expr("expert_down", "init_var")))
    x_init = P.reduced_exponent(init, regime)
    if observable == "init_term":
        return x_init
    powers = 2 if optimizer == "sgd" else 1
    return P.reduced_exponent(expr("readout", "lr", optimizer), regime) + 1 + powers * x_init


@pytest.mark.parametrize("regime", ["II", "III"])
def test_observable_laws_follow_from_the_registered_tables(regime):
    """The laws the coordinate checks name (ours) agree with the bookkeeping on the tables."""
    def law_x(key):
        return P.reduced_exponent(sl.law(key).expr, regime)

    for par in ("mup", "mssp"):
        assert law_x(f"moe_mssp.{par}.init_term") == _table_bookkeeping(regime, par, "init_term")
    assert law_x("moe_mssp.adam.mssp.output_change") == _table_bookkeeping(
        regime, "mssp", "output_change", "adam")
    for opt, key in (("sgd", "moe_mssp.sgd.output_change_ratio"),
                     ("adam", "moe_mssp.adam.output_change_ratio")):
        ratio = (_table_bookkeeping(regime, "mup", "output_change", opt)
                 - _table_bookkeeping(regime, "mssp", "output_change", opt))
        assert law_x(key) == ratio
    assert law_x("moe_mssp.mup.init_term") == sp.Rational(-1, 2)
    assert law_x("moe_mssp.sgd.output_change_ratio") == -1


def test_every_coordinate_check_names_the_law_of_its_observable():
    names = {c.name: c for c in select_checks(("moe_mssp",))}
    for (obs, par, opt), key in V.OBSERVABLE_LAWS.items():
        law = sl.law(key)
        assert "observable" in law.tags and law.status == "derived" and law.kind == "theta"
        assert any(c.law_key == key for c in names.values()), key
    coord = [c for c in names.values() if ".coord[" in c.name]
    assert {c.law_key for c in coord} == {"moe_mssp.mssp.scale_stable"}
    assert len(coord) == 2 * len(P.REGIMES) * len(P.OPTIMIZERS)


def test_every_law_has_a_quick_check_or_a_reason():
    checked = {c.law_key for c in select_checks(("moe_mssp",)) if not c.full_only}
    for item in sl.laws(paper="moe_mssp"):
        assert (item.key in checked) != bool(item.unchecked), item.key
        if item.unchecked.startswith("table:"):
            named = item.unchecked.split("covered by check ", 1)[1].split(" ")[0]
            assert any(c.name == named for c in select_checks(("moe_mssp",))), named
    # the table entries with a value are checked at both routings where their run has both
    for item in sl.laws(paper="moe_mssp", tag="table"):
        if item.unchecked or "optimizer=adam" in item.tags and "optimizer=sgd" not in item.tags:
            continue
        routings = {c.name.rsplit("[", 1)[1] for c in select_checks((item.key,))}
        assert routings == {"soft]", "top-K]"}, item.key


def _check(name):
    (c,) = [c for c in select_checks(("moe_mssp",)) if c.name == name]
    return c


def test_a_wrong_table_entry_fails_its_check(monkeypatch):
    """The tables enter only through the simulation: MSSP's Regime II table with muP's
    expert-down variance makes the initial term vanish, and the MSSP law rejects it."""
    key = P.law_key("II", "sgd", "mssp", "expert_down", "init_var")
    monkeypatch.setattr(sl.law(key), "expr", 1 / P.N_e)
    check = _check("moe_mssp.ii.mssp.init_term")
    try:
        v = check.verdict(Settings(seed=11))
    finally:
        V.simulate.cache_clear()  # no run under the edited table may outlive this test
    assert v.outcome == "fail" and v.predicted == 0.0
    assert v.measured == pytest.approx(-0.5, abs=0.1)


@pytest.mark.parametrize("regime", ["II", "III"])
@pytest.mark.parametrize("parameterization", ["mup", "mssp"])
def test_standard_parameterization_fails_the_init_term_checks(regime, parameterization):
    check = _check(f"moe_mssp.{regime.lower()}.{parameterization}.init_term")
    curve = V.coord_curve(regime, parameterization, "init_term", Settings(),
                          data_parameterization="sp")
    v = judge(check, curve, Settings())
    assert v.outcome == "fail"
    assert v.measured > 0.3  # the SP initial term grows like sqrt(M)


def test_standard_parameterization_fails_the_first_step_ratio():
    check = _check("moe_mssp.ii.mup.relative_first_step")
    v = judge(check, V.first_step_ratio("II", "sgd", Settings(), data_parameterization="sp"),
              Settings())
    assert v.outcome == "fail" and v.measured > 0  # SP's output change grows with the width


def test_first_step_ratios_are_exact_identities():
    for optimizer, expected in (("sgd", -1.0), ("adam", -0.5)):
        m = V.first_step_ratio("II", optimizer, Settings())
        assert m.deterministic and m.value == pytest.approx(expected, abs=1e-4)
        assert m.ci[1] - m.ci[0] < 1e-3


def test_standard_parameterization_fails_the_scale_stability_check():
    """SP (variance 1/fan-in everywhere, raw gates, rates held at the base width): the
    aggregate's effective term grows with the width."""
    check = _check("moe_mssp.ii.mssp.sgd.coord[expert_down.eff]")
    curve = V.term_curve("II", "sgd", "expert_down", "eff", Settings(), data_parameterization="sp")
    v = judge(check, curve, Settings())
    assert v.outcome == "fail" and v.measured > 0.3


def test_mup_data_fail_the_mssp_law_and_vice_versa():
    for regime in ("II", "III"):
        for law_par, data_par in (("mssp", "mup"), ("mup", "mssp")):
            check = _check(f"moe_mssp.{regime.lower()}.{law_par}.init_term")
            curve = V.coord_curve(regime, law_par, "init_term", Settings(),
                                  data_parameterization=data_par)
            assert judge(check, curve, Settings()).outcome == "fail"


def test_mssp_init_term_check_passes_and_a_perturbed_run_does_not():
    check = _check("moe_mssp.ii.mssp.init_term")
    v = check.verdict(Settings())
    assert v.outcome == "pass" and v.negative_control["rejected"]
    assert v.ci[0] <= 0.0 <= v.ci[1]
    assert check.verdict(Settings(perturb=0.1)).outcome != "pass"


# ---- learning-rate transfer ---------------------------------------------------------------------

from scalinglaws.validators.processes.moe import moe_train_loss  # noqa: E402


def test_optimum_by_parabolic_interpolation():
    x = np.arange(-4.0, 3.0, 0.5)
    assert V.optimum_log2_lr(x, (x + 0.8) ** 2 + 1) == pytest.approx((-0.8, True))
    y = (x + 0.8) ** 2
    y[x > 0] = np.inf  # divergence right of the optimum: still interior, still interpolated
    assert V.optimum_log2_lr(x, y)[0] == pytest.approx(-0.8)
    edge = V.optimum_log2_lr(x, x)  # minimum at the grid edge: no interpolation
    assert edge == (x[0], False)
    y = (x + 0.8) ** 2
    y[x <= -1.0] = np.nan  # left neighbour not run: the grid minimum itself
    assert V.optimum_log2_lr(x, y) == (-0.5, False)
    assert np.isnan(V.optimum_log2_lr(x, np.full_like(x, np.inf))[0])


@pytest.mark.parametrize("true_shift", [0.0, 1.5])
def test_optimum_shift_interval_covers_a_known_shift(true_shift):
    rng = np.random.default_rng(3)
    x = np.arange(-3.0, 3.01, 0.5)
    optima = np.linspace(0, true_shift, 3) - 0.5
    loss = np.stack([(x[:, None] - o) ** 2 + 1 + 0.05 * rng.standard_normal((len(x), 24))
                     for o in optima])
    res = V.optimum_shift(x, loss, seed=1)
    assert res["ci"][0] <= true_shift <= res["ci"][1]
    assert res["abs_ci"][1] - res["abs_ci"][0] < 0.3
    assert res["shift"] == pytest.approx(true_shift, abs=0.1)


def test_train_loss_learns_diverges_and_is_reproducible():
    shape = MoEShape(D=8, N=32, N_e=8, M=4, K=4, C=4)
    table = P.param_table("II", "sgd", "mssp", reduce=False)
    at = lambda lr: recipe_from_table(table, shape, shape, lr=lr)  # noqa: E731
    kw = dict(replicas=3, batch=16, steps=40, last=5, seed=7)
    tiny, good, huge = (moe_train_loss(shape, at(lr), **kw) for lr in (1e-4, 0.5, 1e3))
    assert np.all(good < tiny)  # a sensible rate learns the teacher task
    assert np.all(huge > good)  # far too large a rate: diverged (inf) or a dead network
    blown = Recipe({g: 1e150 for g in GROUPS}, {g: 1.0 for g in GROUPS})
    assert np.all(np.isinf(moe_train_loss(shape, blown, **kw)))  # overflow is inf, not a number
    assert np.array_equal(good, moe_train_loss(shape, at(0.5), **kw))
    with pytest.raises(sl.DomainError):
        moe_train_loss(shape, at(0.5), replicas=2, steps=5, last=6)


def test_lr_transfer_measures_the_range_of_the_optima(monkeypatch):
    """The measurement is |shift| in octaves with a bootstrap interval over seeds that moves
    with the run's seed; another parameterization's shift is kept only as information."""
    grid = np.array([32.0, 64.0])
    x = np.arange(-2.0, 2.01, 0.5)
    curves = {"mssp": (0.0, 0.3), "sp": (0.0, -2.0)}

    def fake(regime, par, seed=0, full=False, backend="numpy"):
        a, b = curves[par]
        rng = np.random.default_rng(seed)
        loss = np.stack([(x[:, None] - o) ** 2 + 1 + 0.05 * rng.standard_normal((len(x), 8))
                         for o in (a, b)])
        return grid, x, loss

    monkeypatch.setattr(V, "lr_sweep", fake)
    v = V.lr_transfer("II", "mssp", Settings(), compare="sp")
    assert isinstance(v, V.Value) and not v.relative
    assert v.value == pytest.approx(0.3, abs=0.05) and v.ci[0] <= v.value <= v.ci[1]
    assert v.ci[1] < 1.0
    assert v.data["compare"]["parameterization"] == "sp"
    assert v.data["compare"]["abs_shift"] == pytest.approx(2.0, abs=0.1)
    assert v.data["optima"][1] == pytest.approx(0.3, abs=0.05)
    assert V.lr_transfer("II", "mssp", Settings(seed=3)).ci != v.ci  # the run's seed is used


@pytest.mark.slow
def test_lr_transfer_with_another_seed():
    """Quick sizes, seed 1: MSSP's optimum moves by less than a factor 2 and by less than the
    standard parameterization's."""
    settings = Settings(seed=1)
    v = V.lr_transfer("II", "mssp", settings, compare="sp")
    assert v.ci[1] < 1.0, (v.value, v.ci)
    assert v.data["compare"]["abs_ci"][0] > v.ci[1], v.data["compare"]


def test_lr_transfer_checks_name_the_transfer_laws_and_bounds():
    """The transfer check judges MSSP's shift in octaves against its hypothesis (an upper
    bound); the paper's monotonic-improvement claim is a bound on the sign of the slope of the
    loss at the optimum, MSSP's from above and muP's from below."""
    by_name = {c.name: c for c in select_checks(("moe_mssp",))}
    c = by_name["moe_mssp.ii.mssp.lr_transfer"]
    law = sl.law(c.law_key)
    assert law.kind == "upper" and law.status == "hypothesis"
    assert float(law.evaluate(M=4, K=4)) == 1
    assert "moe_mssp.ii.mup.lr_transfer" not in {i.key for i in sl.laws(paper="moe_mssp")}
    # MSSP: the abstract read in the arXiv announcement text (issue 21: transcribed -> paper)
    for par, kind, status in (("mssp", "upper", "paper"), ("mup", "lower", "hypothesis")):
        law = sl.law(f"moe_mssp.ii.{par}.optimal_loss_slope")
        assert law.kind == kind and law.status == status
        assert float(law.evaluate(M=4, K=4)) == 0
        assert by_name[f"moe_mssp.ii.{par}.optimal_loss"].law_key == law.key


def test_optimal_loss_curve_reads_each_seed_at_the_common_optimum(monkeypatch):
    grid = np.array([32.0, 48.0, 64.0, 96.0])
    x = np.arange(-2.0, 2.01, 0.5)
    rng = np.random.default_rng(0)
    floor = 1.0 + 0.1 * np.log(grid / 32)  # loss at the optimum rises like N^0.1-ish

    def fake(regime, par, seed=0, full=False, backend="numpy"):
        loss = np.stack([(x[:, None] - 0.5) ** 2 + f + 0.01 * rng.standard_normal((len(x), 6))
                         for f in floor])
        loss[0, 0] = np.inf  # a diverged run away from the optimum is ignored
        return grid, x, loss

    monkeypatch.setattr(V, "lr_sweep", fake)
    m = V.optimal_loss_curve("II", "mup", Settings())
    assert m.y.shape == (6, 4) and np.all(np.isfinite(m.y))
    assert m.extra["optimal_log2_lr"] == [0.5] * 4
    up = judge(_check("moe_mssp.ii.mup.optimal_loss"), m, Settings())
    down = judge(_check("moe_mssp.ii.mssp.optimal_loss"), m, Settings())
    assert up.outcome == "pass" and up.measured > 0
    assert down.outcome == "fail"  # a rising loss at the optimum contradicts MSSP's bound


# ---- the coordinate-check process ---------------------------------------------------------------


def _coords(recipe, shape, **kw):
    kw = {"replicas": 3, "batch": 5, "steps": 3, "seed": 3, **kw}
    return moe_coordinates(shape, recipe, **kw), shape


def test_coordinates_decomposition_and_a_frozen_network():
    shape = MoEShape(D=4, N=12, N_e=4, M=4, K=4, C=2)
    recipe = Recipe.uniform(shape, lr=0.05)
    out, _ = _coords(recipe, shape)
    for g in GROUPS:  # at t = 0 the activation is its initial term, and nothing has moved
        assert np.allclose(out[f"act.{g}"][:, 0], out[f"base.{g}"][:, 0])
        assert np.all(out[f"eff.{g}"][:, 0] == 0) and np.all(out[f"prop.{g}"][:, 0] == 0)
    assert np.all(out["prop.embedding"] == 0)  # the input never changes
    assert np.all(out["eff.router"][:, 1:] > 0)
    frozen, _ = _coords(Recipe.uniform(shape, lr=0.0), shape)
    for g in GROUPS:
        assert np.all(frozen[f"upd.{g}"] == 0) and np.all(frozen[f"eff.{g}"] == 0)
    assert np.all(frozen["output_change"] == 0)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_probe_is_the_change_along_the_backward_signal(optimizer):
    """probe = <in U, c> / (|c| sqrt(n)): checked against a finite step of the router."""
    shape = MoEShape(D=4, N=10, N_e=3, M=4, K=4, C=2)
    base = Recipe.uniform(shape, lr=0.0)
    recipe = Recipe(base.var, base.lr, optimizer=optimizer,
                    eps={g: 1e-12 for g in GROUPS} if optimizer == "adam" else None)
    out, _ = _coords(recipe, shape, replicas=1, steps=1)
    rng = replica_generators(3, 1)
    params, teacher = _init(shape, recipe, rng, np)
    x = np.stack([rng[0].standard_normal((5, shape.D))])
    signals = {}
    _, grads, _, _ = moe_loss_and_grads(params, x, np.sign(x @ teacher), shape, recipe, np,
                                        signals)
    U = grads["router"] if optimizer == "sgd" else np.sign(grads["router"])
    from scalinglaws.validators.processes.moe import _io
    r0 = _io(params, x, shape, recipe, np)["r"]
    eps = 1e-6
    params["router"] = params["router"] - eps * U
    r1 = _io(params, x, shape, recipe, np)["r"]
    c = signals["router"]
    along = -np.sum((r1 - r0) * c) / eps / (np.linalg.norm(c) * np.sqrt(c[0].size))
    assert out["probe.router"][0, 0] == pytest.approx(along, rel=1e-4)


def test_unit_sizes_do_not_depend_on_the_group_variance():
    """The init-variance checks read the input of each group: the group's own variance never
    enters their measurement (other groups' do: the router's sets the gates the aggregate
    reads)."""
    shape = MoEShape(D=4, N=12, N_e=4, M=4, K=2, C=2)
    a = Recipe.uniform(shape)
    out_a, _ = _coords(a, shape, steps=1)
    for group, value in (("router", 7.0), ("expert_down", 5.0), ("expert_up", 3.0)):
        b = Recipe({**a.var, group: value}, a.lr)
        out_b, _ = _coords(b, shape, steps=1)
        np.testing.assert_allclose(out_a[f"unit.{group}"], out_b[f"unit.{group}"])
        if group == "expert_down":
            np.testing.assert_allclose(out_a["unit.expert_out"], out_b["unit.expert_out"])
        if group == "router":
            assert not np.allclose(out_a["unit.expert_down"], out_b["unit.expert_down"])


def test_top_k_mask_keeps_exactly_k_experts_even_when_logits_tie():
    from scalinglaws.validators.processes.moe import _topk_mask

    r = np.array([[[0.0, 0.0, 0.0, 0.0], [3.0, 1.0, 2.0, 0.0]]])
    mask = _topk_mask(np, r, 2)
    assert mask.sum(axis=-1).tolist() == [[2.0, 2.0]]
    assert mask[0, 1].tolist() == [1.0, 0.0, 1.0, 0.0]
    assert np.all(_topk_mask(np, r, 4) == 1)


def test_common_random_numbers_share_the_task_within_a_group():
    shape = MoEShape(D=4, N=12, N_e=4, M=4, K=4, C=2)
    recipe = Recipe.uniform(shape, lr=0.05)
    data = np.random.SeedSequence(11)
    out = moe_coordinates(shape, recipe, replicas=4, batch=5, steps=1, seed=1, data_seed=data,
                          data_repeat=2)
    x = out["unit.embedding"]  # the RMS input row: the task's data alone
    assert x[0] == x[1] and x[2] == x[3] and x[0] != x[2]
    wide = moe_coordinates(MoEShape(D=4, N=24, N_e=4, M=4, K=4, C=2), Recipe.uniform(
        MoEShape(D=4, N=24, N_e=4, M=4, K=4, C=2), lr=0.05), replicas=4, batch=5, steps=1,
        seed=2, data_seed=data, data_repeat=2)
    np.testing.assert_array_equal(wide["unit.embedding"], x)  # same tasks at another width
    assert out["unit.router"][0] != out["unit.router"][1]  # independent weights
    with pytest.raises(sl.DomainError):
        moe_coordinates(shape, recipe, replicas=3, steps=1, data_seed=data, data_repeat=2)


def test_networks_per_replica_equalises_sgd_and_not_adam():
    assert [V.networks_per_replica("sgd", N, 256) for N in (64, 128, 256)] == [4, 2, 1]
    assert V.networks_per_replica("adam", 64, 256) == 1


# ---- table entries: measured with an independent recipe ---------------------------------------


def test_entry_measurement_does_not_read_the_entry_and_a_wrong_entry_fails(monkeypatch):
    """The checks measure each entry on a run of the table, at the step before the entry acts:
    editing the law changes the prediction, never the data, and the edited law fails."""
    key = "moe_mssp.ii.adam.router.lr"
    chk = _check(f"{key}[soft]")
    before = V.entry_curve(key, "soft", Settings()).y.copy()
    monkeypatch.setattr(sl.law(key), "expr", P.N ** -2)
    try:
        again = V.entry_curve(key, "soft", Settings())
        np.testing.assert_array_equal(again.y, before)  # the cached run is the same data
        V.simulate.cache_clear()
        rerun = V.entry_curve(key, "soft", Settings())  # a fresh run with the edited table
        v = judge(chk, rerun, Settings())
    finally:
        V.simulate.cache_clear()
    np.testing.assert_allclose(rerun.y[:, 0], before[:, 0])  # base width: same rates
    assert v.outcome == "fail" and v.measured > 0.5


@pytest.mark.parametrize("key", ["moe_mssp.ii.router.init_var", "moe_mssp.ii.sgd.readout.lr",
                                 "moe_mssp.ii.adam.expert_down.eps"])
def test_entry_checks_pass_their_laws_and_reject_a_perturbation(key):
    chk = _check(f"{key}[soft]")
    v = chk.verdict(Settings())
    assert v.outcome in ("pass", "inconclusive") and v.ci[0] <= 0 <= v.ci[1]
    assert chk.verdict(Settings(perturb=0.1)).outcome != "pass"


def test_standard_parameterization_fails_an_entry_of_the_mssp_table():
    """Under SP the readout starts at variance 1/N and every rate is held at the base width:
    the router's SGD rate that makes its step Theta(1) no longer follows the table's M/N."""
    key = "moe_mssp.ii.sgd.router.lr"
    v = judge(_check(f"{key}[soft]"), V.entry_curve(key, "soft", Settings(), "sp"), Settings())
    assert v.outcome == "fail"


# ---- array namespaces and threads ---------------------------------------------------------------


@pytest.mark.parametrize("optimizer, K", [("sgd", 2), ("adam", 4)])
def test_the_process_is_array_namespace_generic(optimizer, K):
    """Under array-api-strict (standing in for CuPy) the MoE process gives the numpy numbers:
    the draws are made per replica with numpy and moved, and every array operation goes
    through the namespace (a numpy-only call fails under the strict namespace)."""
    xps = pytest.importorskip("array_api_strict")
    shape = MoEShape(D=4, N=8, N_e=4, M=4, K=K, C=2)
    recipe = Recipe.uniform(shape, lr=0.05)
    if optimizer == "adam":
        recipe = Recipe(recipe.var, recipe.lr, optimizer="adam", eps={g: 1e-8 for g in GROUPS})
    a = moe_coordinates(shape, recipe, replicas=2, batch=4, steps=2, seed=3)
    b = moe_coordinates(shape, recipe, replicas=2, batch=4, steps=2, seed=3, xp=xps)
    assert sorted(a) == sorted(b)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    la = moe_train_loss(shape, recipe, replicas=2, batch=8, steps=6, last=3, seed=1)
    lb = moe_train_loss(shape, recipe, replicas=2, batch=8, steps=6, last=3, seed=1, xp=xps)
    np.testing.assert_array_equal(la, lb)


def test_simulation_does_not_depend_on_the_worker_threads(monkeypatch):
    """The widths run on worker threads; the numbers are those of a serial run."""
    from scalinglaws.validators.processes import blas_threads

    monkeypatch.setitem(V.REGIMES, "II", dict(V.REGIMES["II"], grid=(16, 32, 64)))
    V.simulate.cache_clear()
    try:
        monkeypatch.setattr(blas_threads, "default_workers", lambda: 1)
        serial = V.simulate("II", "sgd", "mssp", "top-K", seed=5)
        V.simulate.cache_clear()
        monkeypatch.setattr(blas_threads, "default_workers", lambda: 3)
        threaded = V.simulate("II", "sgd", "mssp", "top-K", seed=5)
    finally:
        V.simulate.cache_clear()
    for key, value in serial.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(value, threaded[key], err_msg=key)


# ---- the Transformer-MoE tables (issue 21) --------------------------------------------------------


def test_transformer_tables_match_the_mlp_exponents_and_name_real_checks():
    """Every Transformer entry is a law: the MLP-MoE law where the code writes the same
    expression (tagged with the Transformer table), else a Transformer-only law whose exponent
    along the regime's co-scaling is its MLP counterpart's and whose covering check exists."""
    names = {c.name for c in select_checks(("moe_mssp",))}
    assert 5 <= len(P.TRANSFORMER_COVER) <= 12  # few Transformer-only laws (coverage budget)
    for key, (chk, cover) in P.TRANSFORMER_COVER.items():
        item = sl.law(key)
        for tag in (t for t in item.tags if t.startswith("table=transformer.")):
            regime = tag.split(".")[1]
            e = P.reduced_exponent(item.expr, regime)
            e_mlp = P.reduced_exponent(sl.law(cover).expr, cover.split(".")[1].upper())
            assert e == e_mlp, key
        assert chk in names and item.unchecked_reason == "table"
        assert item.status == "authors_code" and "optimizer=adam" not in item.tags
    for regime, par in (("I", "mup"), ("II", "mup"), ("II", "mssp"), ("III", "mup"),
                        ("III", "mssp")):
        table = P.transformer_table(regime, par)
        assert len(table) == (20 if regime == "I" else 21)
        for (g, q), key in table.items():
            assert f"table=transformer.{regime}.adam.{par}" in sl.law(key).tags
    # what the code says, entry by entry where the tables differ from one another
    t2 = P.transformer_table("II", "mssp")
    assert sl.law(t2[("expert_down", "init_var")]).expr == P.M / P.N_e
    assert sl.law(P.transformer_table("II", "mup")[("expert_down", "init_var")]).expr == 1 / P.N_e
    assert sl.law(t2[("expert_down", "lr")]).expr == 1
    assert sl.law(t2[("hidden", "eps")]).expr == 1 / P.N
    t3 = P.transformer_table("III", "mssp")
    assert sl.law(t3[("expert_down", "eps")]).expr == 1 / (P.N * P.M)
    assert sl.law(t3[("expert_down", "lr")]).expr == 1 / P.N
    assert sl.law(t3[("experts", "shared_init")]).expr == 1
    assert sl.law(P.transformer_table("III", "mup")[("experts", "shared_init")]).expr == 0
    assert sl.law(P.transformer_table("I", "mup")[("router", "init_var")]).expr == P.N**-2
    assert sl.law("moe_mssp.transformer.topk.aggregation").expr == 1 / P.K
    with pytest.raises(sl.UnknownKeyError):
        P.transformer_table("I", "mssp")  # no MSSP Transformer config in Regime I
