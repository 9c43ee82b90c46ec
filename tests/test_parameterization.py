"""The abc-symmetry canonicaliser, table equivalence, JSON round trip, the renderers (in
scalinglaws.tables) and the tag filter."""

import json

import pytest
import sympy as sp

import scalinglaws as sl
from scalinglaws.parameterization import (
    ParamTable,
    abc_exponents,
    abc_shift,
    canonical,
    equivalent,
    from_json,
    select,
    to_json,
)
from scalinglaws.papers import moe_mssp, mup
from scalinglaws.tables import param_table_latex, param_table_markdown

n = sp.Symbol("n", positive=True)
ALL = [(r, o, p) for r in moe_mssp.REGIMES for o in moe_mssp.OPTIMIZERS for p in moe_mssp.PARAMETERIZATIONS]


def _toy(optimizer):
    groups = {
        "input": {"init_var": sp.S(1), "lr": n},
        "hidden": {"init_var": 1 / n, "lr": sp.S(1)},
        "output": {"init_var": n**-2, "lr": 1 / n},
    }
    if optimizer == "adam":
        groups = {g: dict(e, eps=1 / n) for g, e in groups.items()}
    return ParamTable("toy", optimizer, groups, scales=("n",))


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("theta", [sp.Rational(1, 2), 1, -1, sp.Rational(-3, 2)])
def test_abc_shift_is_equivalent_and_changes_the_entries(optimizer, theta):
    table = _toy(optimizer)
    shifted = abc_shift(table, "output", {"n": theta})
    assert shifted.groups["output"]["multiplier"] == n**-theta
    assert equivalent(table, shifted)
    assert canonical(shifted).groups == canonical(table).groups
    # the wrong learning-rate power (Adam's rule under SGD, or SGD's under Adam) is not a symmetry
    wrong = dict(shifted.groups)
    power = 1 if optimizer == "sgd" else 2
    wrong["output"] = dict(wrong["output"], lr=table.groups["output"]["lr"] * n ** (power * theta))
    assert not equivalent(table, ParamTable("w", optimizer, wrong, scales=("n",)))


def test_adam_eps_must_follow_the_gradient():
    table = _toy("adam")
    shifted = abc_shift(table, "hidden", {"n": 1})
    assert shifted.groups["hidden"]["eps"] == n**-2  # eps/n: the gradient of w shrinks by n
    bad = dict(shifted.groups)
    bad["hidden"] = dict(bad["hidden"], eps=table.groups["hidden"]["eps"])
    same, diffs = equivalent(table, ParamTable("b", "adam", bad, scales=("n",)), explain=True)
    assert not same and any("eps" in d for d in diffs)


def test_mup_readout_forms_are_equivalent():
    # microsoft/mup: output multiplier 1/n with constant variance vs the multiplier-free 1/n^2
    mu = ParamTable("m", "sgd", {"output": {"multiplier": 1 / n, "init_var": sp.S(1), "lr": n}}, scales=("n",))
    free = ParamTable("f", "sgd", {"output": {"init_var": n**-2, "lr": 1 / n}}, scales=("n",))
    assert equivalent(mu, free)
    wrong = ParamTable("w", "sgd", {"output": {"multiplier": 1 / n, "init_var": 1 / n, "lr": n}}, scales=("n",))
    assert not equivalent(wrong, free)
    assert abc_exponents(mu, "output") == {"a": {"n": 1}, "b": {"n": 0}, "c": {"n": -1}}


def test_zero_init_and_flags_are_compared():
    a = ParamTable("a", "sgd", {"w": {"init_var": sp.S(0), "lr": sp.S(1)}}, scales=("n",))
    b = ParamTable("b", "sgd", {"w": {"init_var": n**-2, "lr": sp.S(1)}}, scales=("n",))
    assert not equivalent(a, b)
    assert abc_exponents(a, "w")["b"] == {"n": sp.oo}
    c = ParamTable("c", "sgd", {"w": {"init_var": sp.S(0), "lr": sp.S(1)}}, scales=("n",), flags={"x": 1})
    assert not equivalent(a, c)


def test_tp5_is_not_sp_and_differs_where_expected():
    for opt in ("sgd", "adam"):
        same, diffs = equivalent(mup.tp5_table(opt), mup.sp_table(opt), explain=True)
        assert not same
        assert any(d.startswith("output") for d in diffs)


def test_coscaling_reduces_to_the_joint_limit():
    N, M = sp.symbols("N M", positive=True)
    t1 = ParamTable("a", "sgd", {"w": {"init_var": 1 / N, "lr": M / N}}, scales=("N", "M"), coscaling={"M": N})
    t2 = ParamTable("b", "sgd", {"w": {"init_var": 1 / M, "lr": sp.S(1)}}, scales=("N", "M"), coscaling={"M": N})
    assert equivalent(t1, t2)
    t3 = ParamTable("c", "sgd", {"w": {"init_var": 1 / M, "lr": sp.S(1)}}, scales=("N", "M"))
    t4 = ParamTable("d", "sgd", {"w": {"init_var": 1 / N, "lr": M / N}}, scales=("N", "M"))
    assert not equivalent(t3, t4)  # without the co-scaling they differ


@pytest.mark.parametrize("regime, optimizer, parameterization", ALL)
def test_json_round_trip_of_every_moe_table(regime, optimizer, parameterization):
    table = moe_mssp.param_table(regime, optimizer, parameterization)
    text = to_json(table)
    data = json.loads(text)
    assert data["format"] == "scalinglaws.parameterization/1"
    back = from_json(text)
    assert back == table
    assert equivalent(back, table)
    # every entry carries its exponents per scale
    entry = data["groups"]["expert_down"]["lr"]
    assert set(entry["exponents"]) == set(table.scales)


def test_mup_and_mssp_differ_exactly_where_the_fix_is():
    diffs = {r: equivalent(moe_mssp.param_table(r, "sgd", "mup"), moe_mssp.param_table(r, "sgd", "mssp"),
                           explain=True)[1] for r in moe_mssp.REGIMES}
    assert [d.split(":")[0] for d in diffs["I"]] == ["router.init_var"]
    assert [d.split(":")[0] for d in diffs["II"]] == ["expert_down.init_var"]
    assert diffs["III"] and diffs["III"][0].startswith("flags")


def test_bad_tables_raise():
    with pytest.raises(sl.UnknownKeyError):
        ParamTable("x", "rmsprop", {}, scales=("n",))
    with pytest.raises(sl.ParameterError, match="Adam only"):
        ParamTable("x", "sgd", {"w": {"eps": n}}, scales=("n",))
    with pytest.raises(sl.ParameterError, match="not scale variables"):
        ParamTable("x", "sgd", {"w": {"lr": sp.Symbol("q", positive=True)}}, scales=("n",))
    with pytest.raises(sl.UnknownKeyError):
        ParamTable("x", "sgd", {"w": {"learning_rate": n}}, scales=("n",))
    with pytest.raises(sl.ParameterError):
        from_json('{"format": "other"}')


def test_renderers():
    t = moe_mssp.param_table("II", "adam", "mssp", reduce=False)
    md = param_table_markdown(t)
    assert md.count("\n|") >= 6 and "expert_down" in md
    tex = param_table_latex(t, caption="c")
    assert tex.startswith("\\begin{table}") and "\\toprule" in tex and "expert\\_down" in tex


def test_select_filters_by_tag_values():
    rows = select(sl.laws(paper="moe_mssp"), regime="II", optimizer="adam", parameterization="mssp")
    assert {law.key for law in rows} == {law.key for law in moe_mssp.table_laws("II", "adam", "mssp")}
    assert len(rows) == 5 * 3 + 2
    with pytest.raises(sl.UnknownKeyError):
        select(sl.laws(paper="moe_mssp"), regime="IV")
    with pytest.raises(sl.UnknownKeyError, match="unknown tag name 'colour'"):
        select(sl.laws(paper="moe_mssp"), colour="red")


# -- from_json reads expressions with the restricted parser (issue 14, bad input) -------------

_MALICIOUS = [
    "__import__('os').system('touch {canary}')",
    "(lambda: __import__('os').system('touch {canary}'))()",
    "N.__class__.__mro__[1].__subclasses__()",
    "N.__class__",
    "__builtins__",
    "open('{canary}', 'w')",
    "exec('import os')",
    "eval('1')",
    "Symbol('x')",
    "S('1')",
    "N if 1 else M",
    "[N][0]",
    "'N'",
    "N; import os",
    "Q",  # a name that is not a declared scale
    "N**M",  # symbolic exponents are not table entries
    "N**(10**6)",
]


def _doc(expr, where="lr"):
    doc = {"format": "scalinglaws.parameterization/1", "name": "evil", "optimizer": "sgd",
           "scales": ["N", "M"], "groups": {"w": {"lr": {"expr": "1/N"}}}}
    if where == "lr":
        doc["groups"]["w"]["lr"]["expr"] = expr
    else:
        doc["coscaling"] = {"M": expr}
    return doc


@pytest.mark.parametrize("template", _MALICIOUS)
@pytest.mark.parametrize("where", ["lr", "coscaling"])
def test_from_json_refuses_code_and_runs_nothing(template, where, tmp_path):
    canary = tmp_path / "pwned"
    expr = template.format(canary=canary)
    for doc in (_doc(expr, where), json.dumps(_doc(expr, where))):
        with pytest.raises(sl.ParameterError) as info:
            from_json(doc)
        assert "\n" not in str(info.value) and "malformed expression" in str(info.value)
    assert not canary.exists()


def test_from_json_never_sympifies_text(monkeypatch):
    # every registered table reads back with sympy.sympify unable to see a string
    original = sp.sympify

    def guarded(a, *args, **kwargs):
        assert not isinstance(a, str), f"sympify reached with text {a!r}"
        return original(a, *args, **kwargs)

    tables = [moe_mssp.param_table(r, o, p) for r, o, p in ALL]
    tables += [mup.tp5_table("adam"), mup.sp_table("sgd")]
    monkeypatch.setattr(sp, "sympify", guarded)
    for table in tables:
        assert from_json(to_json(table)) == table


@pytest.mark.parametrize("doc, fragment", [
    ("{", "not a JSON"), (b"\xff\xfe", "not a JSON"), ("[]", "a JSON list"), ("null", "NoneType"),
    ("[" * 100_000 + "]" * 100_000, "not a JSON"), (42, "JSON string or a dict"),
    ({"format": "scalinglaws.parameterization/1"}, "'name' is missing"),
    ({"format": "scalinglaws.parameterization/1", "name": "t", "optimizer": "sgd",
      "scales": "N", "groups": {}}, "'scales' must be a list"),
    ({"format": "scalinglaws.parameterization/1", "name": "t", "optimizer": "sgd",
      "scales": ["N N"], "groups": {}}, "scales must be a non-empty list of names"),
    ({"format": "scalinglaws.parameterization/1", "name": "t", "optimizer": "sgd",
      "scales": ["N"], "groups": {"w": {"lr": 1}}}, "must be an object with 'expr'"),
    ({"format": "scalinglaws.parameterization/1", "name": "t", "optimizer": "sgd",
      "scales": ["N"], "groups": {"w": {"lr": {"expr": 2}}}}, "as a string"),
    ({"format": "scalinglaws.parameterization/1", "name": "t", "optimizer": "sgd",
      "scales": ["N"], "groups": {}, "flags": {"x": [1]}}, "flag 'x'"),
])
def test_from_json_malformed_documents_are_parameter_errors(doc, fragment):
    with pytest.raises(sl.ParameterError) as info:
        from_json(doc)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_from_json_reads_the_expressions_tables_hold():
    doc = _doc("M/N**2")
    doc["groups"]["w"]["init_var"] = {"expr": "N**(-2)"}
    doc["groups"]["w"]["multiplier"] = {"expr": "sqrt(M)/N"}
    table = from_json(doc)
    N, M = table.symbols["N"], table.symbols["M"]
    assert table.groups["w"] == {"lr": M / N**2, "init_var": N**-2, "multiplier": sp.sqrt(M) / N}
