"""Parameterization recipes: tables applied at a user's shapes, exported to optimizer groups and
an init function, and the coordinate check (scalinglaws.recipes)."""

import json
import math

import numpy as np
import pytest
import sympy as sp

from scalinglaws.errors import ParameterError, UnknownKeyError
from scalinglaws.parameterization import ParamTable, _monomial_exponents, equivalent, from_json
from scalinglaws.papers import moe_mssp
from scalinglaws.recipes import coord_check, detect_regime, recipe

N_SCALE = {"I": {"N": 2, "N_e": 2, "M": 1, "K": 1}, "II": {"N": 2, "N_e": 1, "M": 2, "K": 2},
           "III": {"N": 2, "N_e": 2, "M": 2, "K": 2}}


def _moe_shape(regime, k):
    base = {"N": 64, "N_e": 32, "M": 4, "K": 2, "D": 8}
    return {name: v * N_SCALE[regime].get(name, 1) ** k for name, v in base.items()}


def _exponent(expr, regime):
    exps = _monomial_exponents(expr, ("N", "N_e", "M", "K", "D"))
    return float(sum(exps.get(k, 0) for k, f in N_SCALE[regime].items() if f == 2))


@pytest.mark.parametrize("regime", ["I", "II", "III"])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("parameterization", ["mup", "mssp"])
def test_recipe_round_trips_with_the_moe_tables(regime, optimizer, parameterization):
    # the exponents read back from the recipe's numbers at growing shapes are the table's
    # monomial exponents summed over the scales that grow with N (read symbolically)
    shapes = [_moe_shape(regime, k) for k in range(4)]
    name = f"moe_mssp.{regime}.{optimizer}.{parameterization}"
    recipes = [recipe(name, shape=s, base=shapes[0], lr=0.1) for s in shapes]
    # the regime detected from the shapes is the one the shapes were grown in
    detected = recipe(f"moe_mssp.{optimizer}.{parameterization}", shape=shapes[3], base=shapes[0], lr=0.1)
    assert detected.table == name and detected.groups == recipes[3].groups
    table = moe_mssp.param_table(regime, optimizer, parameterization, reduce=False)
    logN = np.log([s["N"] for s in shapes])
    for group, entries in table.groups.items():
        lrs = [r.groups[group].lr for r in recipes]
        assert lrs[0] == pytest.approx(0.1, rel=1e-12)  # every group runs at lr at the base
        slope = np.polyfit(logN, np.log(lrs), 1)[0]
        assert slope == pytest.approx(_exponent(entries["lr"], regime), abs=1e-9)
        stds = [r.groups[group].init_std for r in recipes]
        if entries["init_var"] == 0:
            assert stds == [0.0] * 4
        else:
            var_slope = np.polyfit(logN, 2 * np.log(stds), 1)[0]
            expected = _exponent(entries["init_var"], regime)
            assert var_slope == pytest.approx(expected, abs=1e-9)
        if optimizer == "adam":
            eps_slope = np.polyfit(logN, np.log([r.groups[group].eps for r in recipes]), 1)[0]
            assert eps_slope == pytest.approx(_exponent(entries["eps"], regime), abs=1e-9)
        else:
            assert recipes[0].groups[group].eps is None


def test_mup_recipe_values():
    r = recipe("mup.sgd", shape={"n": 2048}, base={"n": 128}, lr=0.5, init_std=0.02)
    # SGD muP: hidden lr constant, input lr x n, output lr / n (microsoft/mup MuSGD, multiplier-free)
    assert r.groups["hidden"].lr == pytest.approx(0.5)
    assert r.groups["input"].lr == pytest.approx(0.5 * 16)
    assert r.groups["output"].lr == pytest.approx(0.5 / 16)
    # tuned std transferred: hidden variance 1/n -> std / 4, output 1/n^2 -> std / 16
    assert r.groups["hidden"].init_std == pytest.approx(0.02 / 4)
    assert r.groups["output"].init_std == pytest.approx(0.02 / 16)
    assert r.groups["input"].init_std == pytest.approx(0.02)
    assert r.optimizer == "sgd" and all(g.eps is None for g in r.groups.values())
    assert json.loads(json.dumps(r.to_dict()))["groups"]["output"]["lr"] == pytest.approx(0.5 / 16)


def test_microsoft_mup_form_gives_the_same_output_scale():
    n = sp.Symbol("n", positive=True)
    mu = ParamTable("m", "sgd", {"output": {"multiplier": 1 / n, "init_var": sp.S(1), "lr": n}},
                    scales=("n",))
    free = ParamTable("f", "sgd", {"output": {"init_var": n**-2, "lr": 1 / n}}, scales=("n",))
    assert equivalent(mu, free)
    a = [recipe(mu, shape={"n": w}, base={"n": 64}, lr=1.0).groups["output"] for w in (64, 4096)]
    b = [recipe(free, shape={"n": w}, base={"n": 64}, lr=1.0).groups["output"] for w in (64, 4096)]
    # the function the readout computes scales the same way: multiplier x init std
    ratio_a = (a[1].multiplier * a[1].init_std) / (a[0].multiplier * a[0].init_std)
    ratio_b = (b[1].multiplier * b[1].init_std) / (b[0].multiplier * b[0].init_std)
    assert ratio_a == pytest.approx(ratio_b) == pytest.approx(1 / 64)


def test_detect_regime():
    base = {"N": 64, "N_e": 32, "M": 4, "K": 2}
    assert detect_regime(dict(base, N=128, N_e=64), base) == "I"
    assert detect_regime(dict(base, N=128, M=8, K=4), base) == "II"
    assert detect_regime(dict(base, N=128, N_e=64, M=8), base) == "III"
    with pytest.raises(ParameterError, match="width N is the same"):
        detect_regime(dict(base, M=8), base)
    with pytest.raises(ParameterError, match="missing"):
        detect_regime({"N": 1}, base)


class FakeTensor:
    """The tensor methods initialize() uses, on a numpy array (torch is not a dependency)."""

    def __init__(self, shape, rng):
        self.a = np.full(shape, np.nan)
        self.rng = rng

    @property
    def data(self):
        return self

    def normal_(self, mean, std, generator=None):
        self.a[...] = self.rng.normal(mean, std, self.a.shape)

    def zero_(self):
        self.a[...] = 0

    def narrow(self, axis, start, length):
        view = FakeTensor((), self.rng)
        view.a = np.take(self.a, range(start, start + length), axis=axis)
        return view

    def expand_as(self, other):
        view = FakeTensor((), self.rng)
        view.a = np.broadcast_to(self.a, other.a.shape)
        return view

    def copy_(self, other):
        self.a[...] = other.a


def _moe_params(shape, rng):
    N, N_e, M, D = (int(shape[k]) for k in ("N", "N_e", "M", "D"))
    return [("embed.weight", FakeTensor((D, N), rng)), ("block.router.weight", FakeTensor((N, M), rng)),
            ("block.w_up", FakeTensor((N, M, N_e), rng)), ("block.w_down", FakeTensor((M, N_e, N), rng)),
            ("head.weight", FakeTensor((N, 3), rng))]


GROUPS = {"embedding": "embed.*", "router": "*.router.*", "expert_up": "*.w_up",
          "expert_down": "*.w_down", "readout": "head.*"}


def test_initialize_zero_readout_and_tied_experts():
    shape, base = _moe_shape("III", 2), _moe_shape("III", 0)
    r = recipe("moe_mssp.sgd.mssp", shape=shape, base=base, lr=0.1)
    assert r.table == "moe_mssp.III.sgd.mssp" and r.shared_expert_init
    params = _moe_params(shape, np.random.default_rng(0))
    where = r.initialize(params, GROUPS, expert_axis={"expert_up": 1, "expert_down": 0})
    p = dict(params)
    assert where["head.weight"] == "readout"
    assert r.groups["readout"].init_std == 0 and np.all(p["head.weight"].a == 0)
    up = p["block.w_up"].a
    assert np.all(up == up[:, :1, :])  # every expert a copy of expert 0
    assert np.std(up) == pytest.approx(r.groups["expert_up"].init_std, rel=0.05)
    emb = p["embed.weight"].a
    assert np.std(emb) == pytest.approx(r.groups["embedding"].init_std, rel=0.1)
    with pytest.raises(ParameterError, match="expert_axis"):
        r.initialize(params, GROUPS)
    # without tying (muP), experts differ
    r2 = recipe("moe_mssp.sgd.mup", shape=shape, base=base, lr=0.1)
    r2.initialize(params, GROUPS)
    assert not np.all(p["block.w_up"].a == p["block.w_up"].a[:, :1, :])


def test_param_groups_and_assignment_errors():
    shape = _moe_shape("II", 1)
    r = recipe("moe_mssp.adam.mssp", shape=shape, base=_moe_shape("II", 0), lr=1e-3, eps=1e-8)
    params = _moe_params(shape, np.random.default_rng(0))
    groups = r.param_groups(params, GROUPS, weight_decay=0.1)
    assert [g["name"] for g in groups] == list(r.groups)
    for g in groups:
        assert g["lr"] == r.groups[g["name"]].lr and g["eps"] == r.groups[g["name"]].eps
        assert g["weight_decay"] == 0.1
    assert sum(len(g["params"]) for g in groups) == len(params)
    with pytest.raises(ParameterError, match="in no group: head.weight"):
        r.param_groups(params, {k: v for k, v in GROUPS.items() if k != "readout"})
    with pytest.raises(ParameterError, match="several groups"):
        r.param_groups(params, dict(GROUPS, readout=["head.*", "embed.*"]))
    with pytest.raises(UnknownKeyError):
        r.param_groups(params, dict(GROUPS, hidden="x"))
    # a callable may leave parameters out
    only = r.param_groups(params, lambda name: "readout" if name.startswith("head") else None)
    assert [g["name"] for g in only] == ["readout"]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(table="mup.adamw", shape={"n": 8}), UnknownKeyError, "adamw"),
    (dict(table="nope", shape={"n": 8}), UnknownKeyError, "table"),
    (dict(table="mup.sgd", shape={"n": -8}), ParameterError, "positive"),
    (dict(table="mup.sgd", shape={"n": float("nan")}), ParameterError, "positive"),
    (dict(table="mup.sgd", shape={"width": 8}), UnknownKeyError, "scale"),
    (dict(table="mup.sgd", shape={}), ParameterError, "needs n"),
    (dict(table="mup.sgd", shape={"n": 8}, lr=0), ParameterError, "lr"),
    (dict(table="mup.sgd", shape={"n": 8}, init_std=-1.0), ParameterError, "init_std"),
    (dict(table="mup.sgd", shape={"n": 8}, init_std={"hiden": 1.0}), UnknownKeyError, "group"),
    (dict(table=3, shape={"n": 8}), ParameterError, "ParamTable"),
])
def test_bad_input_is_a_clear_error(kwargs, error, match):
    kwargs.setdefault("lr", 0.1)
    with pytest.raises(error, match=match):
        recipe(**kwargs)


def test_a_crafted_table_file_cannot_run_code(tmp_path):
    text = json.dumps({"format": "scalinglaws.parameterization/1", "name": "t", "optimizer": "sgd", "scales": ["n"],
                       "flags": {"aggregation": "__import__('os').system('touch pwned')"},
                       "groups": {"w": {"init_var": {"expr": "1/n"}, "lr": {"expr": "1"}}}})
    table = from_json(text)
    with pytest.raises(ParameterError, match="not allowed|malformed"):
        recipe(table, shape={"n": 8}, lr=0.1)


def test_coord_check_tells_standard_from_width_independent():
    # two-layer linear net, one SGD step; muP's output update is width-independent, the
    # standard parameterization's (one lr for all) grows like the width
    def run(width, seed, table):
        rng = np.random.default_rng(seed)
        r = recipe(table, shape={"n": width}, base={"n": 32}, lr=0.5)
        x, y = rng.standard_normal(8) / math.sqrt(8), 1.0
        u = rng.standard_normal((width, 8)) * r.groups["input"].init_std
        v = rng.standard_normal(width) * r.groups["output"].init_std
        h = u @ x
        f0 = v @ h
        g = f0 - y
        v1 = v - r.groups["output"].lr * g * h
        u1 = u - r.groups["input"].lr * g * np.outer(v, x)
        return {"hidden": [u1 @ x], "output update": [np.array([(v1 @ (u1 @ x)) - f0])]}

    from scalinglaws.papers.mup import sp_table

    widths = [32, 64, 128, 256, 512, 1024]
    mu = coord_check(lambda w, s: run(w, s, "mup.sgd"), widths, seeds=range(24)).verdicts()
    sp_ = coord_check(lambda w, s: run(w, s, sp_table("sgd")), widths, seeds=range(24)).verdicts()
    assert mu["hidden"].outcome == "pass" and mu["output update"].outcome == "pass"
    assert sp_["output update"].outcome == "fail"


def test_coord_check_input_errors():
    ok = lambda w, s: {"a": [np.ones(w)]}
    with pytest.raises(ParameterError, match="at least 3"):
        coord_check(ok, [8, 16])
    with pytest.raises(ParameterError, match="increasing"):
        coord_check(ok, [16, 8, 32])
    with pytest.raises(ParameterError, match="positive and finite"):
        coord_check(lambda w, s: {"a": [np.zeros(w)]}, [8, 16, 32])
    with pytest.raises(ParameterError, match="mapping"):
        coord_check(lambda w, s: [1.0], [8, 16, 32])
    with pytest.raises(ParameterError, match="steps"):
        coord_check(lambda w, s: {"a": [np.ones(w)] * (1 + (w > 8))}, [8, 16, 32])


def test_coord_check_plot(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib

    before = matplotlib.get_backend()
    c = coord_check(lambda w, s: {"a": [np.ones(w), 2 * np.ones(w)], "b": [np.ones(w) * w] * 2},
                    [8, 16, 32], seeds=[0])
    fig = c.plot(tmp_path / "coord.png")
    assert (tmp_path / "coord.png").stat().st_size > 0 and len(fig.axes) == 2
    assert matplotlib.get_backend() == before
