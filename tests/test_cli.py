"""The ``scalinglaws`` command line and its restricted value parser.

Every command runs through ``main([...])`` with captured output; every user error must print one
line ``scalinglaws: error: ...`` on stderr and return 2, with no traceback.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import scalinglaws as sl
from scalinglaws import cli
from scalinglaws._parse import parse_assignment, parse_value
from scalinglaws.errors import ParameterError
from scalinglaws.law import KINDS, STATUS_MEANINGS


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_user_error(capsys, argv, *fragments):
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("scalinglaws: error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


# ----------------------------------------------------------------------------------------------
# list / show
# ----------------------------------------------------------------------------------------------


def test_list(capsys):
    code, out, err = run(capsys, "list")
    assert code == 0 and err == ""
    lines = out.splitlines()
    keys = [item.key for item in sl.laws()]
    assert [line.split()[0] for line in lines] == keys
    for line, item in zip(lines, sl.laws()):
        assert line.split()[1:3] == [item.kind, item.status]


def test_list_filters(capsys):
    code, out, _ = run(capsys, "list", "--paper", "anytime", "--tag", "classic")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [
        item.key for item in sl.laws(paper="anytime", tag="classic")
    ]
    code, out, _ = run(capsys, "list", "--status", "hypothesis")
    assert {line.split()[2] for line in out.splitlines()} == {"hypothesis"}


def test_list_json(capsys):
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    data = json.loads(out)
    assert [d["key"] for d in data] == [item.key for item in sl.laws()]
    assert all(d["reference"]["status"] in STATUS_MEANINGS for d in data)


def test_show(capsys):
    code, out, err = run(capsys, "show", "anytime.minimax_risk")
    assert code == 0 and err == ""
    item = sl.law("anytime.minimax_risk")
    assert out.splitlines()[0] == item.key
    assert "(sigma2/N)**(1 - 1/b)" in out  # plain expression
    assert item.latex() in out  # LaTeX
    assert "a <= b" in out and "b <= 2*a" in out  # regime conditions
    for name, param in item.params.items():
        assert name in out and param.meaning in out
    assert "(1, oo)" in out  # a domain
    assert KINDS["theta_log"] in out
    assert "transcribed: " + STATUS_MEANINGS["transcribed"] in out
    flat = " ".join(out.split())  # long fields are wrapped
    assert item.reference.url in out and item.reference.citation() in flat
    assert " ".join(item.conventions.split()) in flat
    assert " ".join(item.notes.split()) in flat


def test_show_json(capsys):
    code, out, _ = run(capsys, "show", "anytime.optimal_decay_exponent", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["key"] == "anytime.optimal_decay_exponent"
    assert data["reference"]["status_meaning"] == STATUS_MEANINGS["transcribed"]
    assert data["conditions"] == ["b <= 2*a"]


# ----------------------------------------------------------------------------------------------
# eval
# ----------------------------------------------------------------------------------------------


def test_eval_prints_the_number(capsys):
    code, out, err = run(capsys, "eval", "anytime.optimal_decay_exponent", "a=1.5", "b=2")
    assert (code, out, err) == (0, "0.25\n", "")


def test_eval_fraction_and_expression_values(capsys):
    assert run(capsys, "eval", "anytime.optimal_decay_exponent", "a=3/2", "b=2")[1] == "0.25\n"
    # (1/2**20)**(1 - 1/2) = 2**-10
    code, out, _ = run(capsys, "eval", "anytime.minimax_risk", "a=2", "b=2", "N=2**20",
                       "sigma2=1")
    assert code == 0 and float(out) == 2.0**-10


def test_eval_digits(capsys):
    code, out, _ = run(capsys, "eval", "anytime.minimax_risk_exponent", "a=2", "b=3")
    assert out == "0.666666666666667\n"
    code, out, _ = run(capsys, "eval", "anytime.minimax_risk_exponent", "a=2", "b=3",
                       "--dps", "40")
    assert out == "0." + "6" * 39 + "7\n"
    code, out, _ = run(capsys, "eval", "anytime.constant_lr_suffices", "a=2", "b=2")
    assert out == "0.5\n"  # no trailing zeros
    code, out, _ = run(capsys, "eval", "anytime.bias_exponent", "a=2", "b=3", "gamma=0")
    assert out == "1\n"


def test_eval_json(capsys):
    code, out, _ = run(capsys, "eval", "anytime.optimal_decay_exponent", "a=3/2", "b=2", "--json")
    assert code == 0
    assert json.loads(out) == {
        "key": "anytime.optimal_decay_exponent", "values": {"a": "3/2", "b": "2"},
        "value": "0.25", "kind": "exact", "status": "transcribed",
    }


def test_eval_exponent(capsys):
    # risk ~ (sigma2/N)**(1 - 1/b): exponent -(1 - 1/b) in N, -1/2 at b = 2
    code, out, _ = run(capsys, "eval", "anytime.minimax_risk", "--exponent", "N", "b=2")
    assert (code, out) == (0, "-0.5\n")
    code, out, _ = run(capsys, "eval", "anytime.minimax_risk", "b=3", "--exponent", "N")
    assert float(out) == pytest.approx(-2 / 3, abs=1e-14)
    # value of N itself not needed; the other parameters left out keep it symbolic
    code, out, _ = run(capsys, "eval", "anytime.minimax_risk", "--exponent", "N")
    assert sp.simplify(sp.sympify(out) - (1 - sp.Symbol("b")) / sp.Symbol("b")) == 0
    code, out, _ = run(capsys, "eval", "anytime.minimax_risk", "--exponent", "N", "b=2",
                       "--json")
    data = json.loads(out)
    assert data["value"] == "-0.5" and data["exact"] == "-1/2" and data["exponent_of"] == "N"


# ----------------------------------------------------------------------------------------------
# phase / table
# ----------------------------------------------------------------------------------------------


def test_phase_inside(capsys):
    code, out, _ = run(capsys, "phase", "anytime", "a=2", "b=3")
    assert code == 0
    assert out.splitlines()[0] == "anytime.rate at a=2, b=3: anytime.minimax_risk_exponent"
    assert "boundary" not in out
    assert "= 0.666666666666667" in out  # its value, 1 - 1/b


def test_phase_on_boundary(capsys):
    code, out, _ = run(capsys, "phase", "anytime.rate", "a=2", "b=2")
    assert code == 0
    first = out.splitlines()[0]
    assert "on the boundary between" in first
    assert "anytime.constant_lr_suffices" in first and "anytime.minimax_risk_exponent" in first
    code, out, _ = run(capsys, "phase", "anytime.rate", "a=2", "b=2", "--json")
    data = json.loads(out)
    assert data["on_boundary"] is True and len(data["laws"]) == 2
    # both phases give the same exponent on their common boundary: (b-1)/a = 1 - 1/b at a = b
    assert set(data["values"].values()) == {"0.5"}


def test_table_latex(capsys):
    code, out, _ = run(capsys, "table", "anytime.rate", "--format", "latex", "--values", "a=2",
                       "b=3", "--caption", "Rates", "--label", "tab:rates")
    assert code == 0
    assert out == sl.table(sl.laws(family="anytime.rate"), values={"a": 2, "b": 3},
                           caption="Rates", label="tab:rates").to_latex()
    assert r"\toprule" in out and r"\caption{Rates}" in out


def test_table_markdown_paper_expands(capsys):
    code, out, _ = run(capsys, "table", "anytime", "--format", "markdown")
    assert code == 0
    rows = [line for line in out.splitlines() if line.startswith("| `")]
    assert len(rows) == len(sl.laws(paper="anytime"))


def test_table_mixed_items_columns_and_points(capsys):
    code, out, _ = run(capsys, "table", "anytime.minimax_risk", "anytime.rate",
                       "anytime.minimax_risk", "--format", "markdown", "--columns", "key,value",
                       "--values", "a=2", "b=3", "--values", "a=2", "b=2")
    assert code == 0
    rows = [line for line in out.splitlines() if line.startswith("| `")]
    assert len(rows) == 4  # the repeated key once, then the family's three laws
    assert rows[0].startswith("| `anytime.minimax_risk` | — | — |")


def test_table_values_select_by_tags_as_in_issue(capsys):
    """``--paper moe_mssp --values regime=II optimizer=adam``: the tag selection, same as the API."""
    code, out, err = run(capsys, "table", "--paper", "moe_mssp", "--values", "regime=II",
                         "optimizer=adam", "--format", "markdown")
    assert code == 0, err
    expected = sl.table(paper="moe_mssp", where={"regime": "II", "optimizer": "adam"})
    assert out == expected.to_markdown()
    keys = [line.split("`")[1] for line in out.splitlines() if line.startswith("| `")]
    assert keys and all(".ii." in k for k in keys)
    for key in keys:  # every row is tagged regime=II and optimizer=adam
        assert {"regime=II", "optimizer=adam"} <= sl.law(key).tags
    # both parameterizations' expert-down variances, no SGD learning rate
    assert "moe_mssp.ii.mssp.expert_down.init_var" in keys
    assert "moe_mssp.ii.mup.expert_down.init_var" in keys
    assert not any(".sgd." in k for k in keys)
    # every Regime II Adam law is there
    wanted = {item.key for item in sl.laws(paper="moe_mssp")
              if {"regime=II", "optimizer=adam"} <= item.tags}
    assert set(keys) == wanted


def test_table_values_mix_selection_and_point(capsys):
    code, out, _ = run(capsys, "table", "--paper", "moe_mssp", "--format", "markdown",
                       "--columns", "key,value", "--values", "regime=II", "optimizer=adam",
                       "parameterization=mssp", "N=1024", "N_e=16", "M=128", "K=128", "D=8")
    assert code == 0
    row = next(line for line in out.splitlines() if "ii.mssp.expert_down.init_var" in line)
    assert row.endswith("| 8 |")  # M/N_e = 128/16
    rows = [line for line in out.splitlines() if line.startswith("| `")]
    assert len(rows) == len(sl.laws(paper="moe_mssp", tag="table=II.adam.mssp"))


@pytest.mark.parametrize("values, fragments", [
    (["regime=IV"], ["unknown regime 'IV'", "'II'"]),
    (["regime=II", "optimizer=adamw"], ["unknown optimizer 'adamw'", "'adam'"]),
    (["regme=II"], ["'regme' is neither a parameter nor a tag name", "did you mean 'regime'"]),
    (["regime=II", "N=x"], ["malformed value"]),
    (["regime="], ["value of regime is missing"]),
    (["regime=II"], []),  # a conflicting repeat in a second group (below)
])
def test_table_values_selection_errors(capsys, values, fragments):
    argv = ["table", "--paper", "moe_mssp", "--values", *values]
    if not fragments:
        argv += ["--values", "regime=III"]
        fragments = ["regime is given twice"]
    assert_user_error(capsys, argv, *fragments)


# ----------------------------------------------------------------------------------------------
# verify (the engine lives in scalinglaws.validators, loaded only for this command)
# ----------------------------------------------------------------------------------------------


def test_verify_without_engine(capsys, monkeypatch):
    def missing():
        raise ImportError("No module named 'scalinglaws.validators.verify'")

    monkeypatch.setattr(cli, "_load_verify_engine", missing)
    code, out, err = run(capsys, "verify", "anytime", "--full")
    assert code == 2 and out == ""
    assert err == ("verify: the verification engine is not installed "
                   "(pip install 'scalinglaws[validate]')\n")


def test_verify_dispatches_to_engine(capsys, monkeypatch):
    seen = {}

    class Engine:
        @staticmethod
        def add_arguments(parser):
            parser.add_argument("keys", nargs="*")
            parser.add_argument("--full", action="store_true")

        @staticmethod
        def run(args):
            seen.update(keys=args.keys, full=args.full)
            return 7

    monkeypatch.setattr(cli, "_load_verify_engine", lambda: Engine)
    assert run(capsys, "verify", "anytime", "--full")[0] == 7
    assert seen == {"keys": ["anytime"], "full": True}


def test_other_commands_do_not_load_the_engine(capsys, monkeypatch):
    def forbidden():
        raise AssertionError("the verify engine was imported for another command")

    monkeypatch.setattr(cli, "_load_verify_engine", forbidden)
    assert run(capsys, "list")[0] == 0


def test_list_imports_nothing_heavy():
    code = (
        "import sys\nfrom scalinglaws.cli import main\nassert main(['list']) == 0\n"
        "heavy = [m for m in ('numpy', 'scipy', 'numba', 'cupy', 'matplotlib')\n"
        "         if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


# ----------------------------------------------------------------------------------------------
# errors: one line on stderr, status 2
# ----------------------------------------------------------------------------------------------


def test_error_unknown_key_suggests(capsys):
    line = assert_user_error(capsys, ["show", "anytime.minimax_rsk"], "unknown law")
    assert "did you mean 'anytime.minimax_risk'" in line
    assert_user_error(capsys, ["eval", "anytime.optimal_decay_exponnt", "a=2", "b=2"],
                      "did you mean 'anytime.optimal_decay_exponent'")
    assert_user_error(capsys, ["table", "anytme"], "unknown law, paper or family", "'anytime'")


def test_error_missing_parameter(capsys):
    assert_user_error(capsys, ["eval", "anytime.optimal_decay_exponent", "a=2"],
                      "missing parameter(s) b", "source exponent")


def test_error_unknown_parameter(capsys):
    assert_user_error(capsys, ["eval", "anytime.optimal_decay_exponent", "a=2", "b=2", "bb=1"],
                      "unknown parameter(s) 'bb'")


def test_error_value_outside_domain(capsys):
    assert_user_error(capsys, ["eval", "anytime.optimal_decay_exponent", "a=0.5", "b=2"],
                      "outside its domain (1, oo)")
    assert_user_error(capsys, ["eval", "anytime.minimax_risk", "a=2", "b=3", "N=10.5",
                               "sigma2=1"], "integer")


def test_error_outside_regime_names_condition(capsys):
    assert_user_error(capsys, ["eval", "anytime.optimal_decay_exponent", "a=1.5", "b=4"],
                      "outside its regime", "b <= 2*a")
    assert_user_error(capsys, ["eval", "anytime.minimax_risk", "--exponent", "N", "a=3", "b=2"],
                      "outside its regime", "a <= b")


@pytest.mark.parametrize("value", ["x", "1/0", "2^3", "__import__('os')", "9**9**9", "1.2.3",
                                   "open('f')", "().__class__", "sqrt(-1)"])
def test_error_malformed_value(capsys, value):
    assert_user_error(capsys, ["eval", "anytime.optimal_decay_exponent", f"a={value}", "b=2"],
                      "a: malformed value")


@pytest.mark.parametrize("arg, fragment", [
    ("a", "expected name=value"), ("=3", "name is missing"), ("a==2", "single '='"),
    ("1a=2", "not a valid parameter name"), ("a=", "value of a is missing"),
])
def test_error_malformed_assignment(capsys, arg, fragment):
    assert_user_error(capsys, ["eval", "anytime.optimal_decay_exponent", arg, "b=2"], fragment)


def test_error_parameter_given_twice(capsys):
    assert_user_error(capsys, ["eval", "anytime.optimal_decay_exponent", "a=2", "a=3", "b=2"],
                      "a is given twice")


def test_error_exponent(capsys):
    assert_user_error(capsys, ["eval", "anytime.minimax_risk", "--exponent", "Q"],
                      "'Q' is not a parameter")


def test_error_phase(capsys):
    assert_user_error(capsys, ["phase", "anytime", "a=2"], "missing parameter(s) b")
    assert_user_error(capsys, ["phase", "anytim", "a=2", "b=3"], "did you mean 'anytime'")
    assert_user_error(capsys, ["phase", "anytime", "a=2", "b=3", "N=4"], "unknown parameter(s) N")


def test_error_list_filters(capsys):
    assert_user_error(capsys, ["list", "--status", "papr"], "unknown status", "'paper'")
    assert_user_error(capsys, ["list", "--tag", "minimx"], "unknown tag", "'minimax'")
    assert_user_error(capsys, ["list", "--paper", "anytim"], "unknown paper", "'anytime'")


def test_error_table(capsys):
    assert_user_error(capsys, ["table", "anytime", "--columns", "key,expresion"],
                      "unknown column", "'expression'")
    assert_user_error(capsys, ["table", "anytime", "--values", "q=1"], "parameter 'q'")
    assert_user_error(capsys, ["table", "anytime", "--values", "a=x"], "malformed value")


@pytest.mark.parametrize("argv", [
    [], ["frobnicate"], ["list", "--bogus"], ["eval", "anytime.minimax_risk", "--dps", "0"],
    ["eval", "anytime.minimax_risk", "--dps", "many"], ["table", "anytime", "--format", "html"],
    ["eval", "anytime.optimal_decay_exponent", "a=2", "--bogus", "b=3"], ["show"],
])
def test_usage_errors_exit_2(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert "usage:" in err and "Traceback" not in err


def test_help_exits_0(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "verify" in out and "table" in out


def test_console_script():
    exe = shutil.which("scalinglaws") or str(Path(sys.executable).with_name("scalinglaws"))
    if not Path(exe).exists():
        pytest.skip("the scalinglaws console script is not installed (pip install -e .)")
    proc = subprocess.run([exe, "eval", "anytime.optimal_decay_exponent", "a=1.5", "b=2"],
                          capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "0.25\n", "")


# ----------------------------------------------------------------------------------------------
# the restricted parser
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("12", sp.Integer(12)), ("1.5", sp.Rational(3, 2)), ("0.1", sp.Rational(1, 10)),
    ("3/2", sp.Rational(3, 2)), ("2**10", sp.Integer(1024)), ("1e-3", sp.Rational(1, 1000)),
    ("2.5E2", sp.Integer(250)), ("-1.5", sp.Rational(-3, 2)), ("-(1/4)", sp.Rational(-1, 4)),
    ("(1 + 2) * 3", sp.Integer(9)), ("2**-2", sp.Rational(1, 4)), ("+7", sp.Integer(7)),
    ("sqrt(2)", sp.sqrt(2)), ("log(e)", sp.Integer(1)), ("exp(0)", sp.Integer(1)),
    ("pi/4", sp.pi / 4), ("2**0.5", sp.sqrt(2)), (" 1_000 ", sp.Integer(1000)),
    (".5", sp.Rational(1, 2)),
    ("(-2)**3", sp.Integer(-8)), ("0**2", sp.Integer(0)),
])
def test_parse_value(text, value):
    assert parse_value(text) == value


def test_parse_value_is_exact():
    assert parse_value("0.1") + parse_value("0.2") == parse_value("0.3")
    assert isinstance(parse_value("1e-3"), sp.Rational)


@pytest.mark.parametrize("text, fragment", [
    ("a", "unknown name 'a'"), ("os.system", "attribute access"), ("x[0]", "subscripting"),
    ("lambda: 1", "lambda"), ("'1'", "a string"), ("1j", "complex"), ("sin(1)", "call of 'sin'"),
    ("sqrt", "is a function"), ("sqrt(1, 2)", "exactly one argument"), ("1 < 2", "comparison"),
    ("2^3", "use ** for powers"), ("7 // 2", "operator //"), ("True", "constant True"),
    ("1/0", "division by zero"), ("0**-1", "zero to a non-positive power"),
    ("(-8)**(1/3)", "non-integer power"), ("sqrt(-1)", "sqrt of the negative"),
    ("log(0)", "log of the non-positive"), ("9**9**9", "too large"),
    ("1e99999", "too large"), ("exp(10**6)", "too large"), ("(10**999)**999", "too large"),
    ("2**2000", "too large"), ("1 2", "not a number"), ("", "empty"), ("x" * 600, "longer than"),
    ("(" * 300 + "1" + ")" * 300, "malformed"), ("[1][0]", "subscripting"),
])
def test_parse_value_rejects(text, fragment):
    with pytest.raises(ParameterError) as info:
        parse_value(text)
    message = str(info.value)
    assert "\n" not in message and fragment in message


@pytest.mark.parametrize("text", ["9**9**9", "10**10**10", "exp(exp(exp(exp(9))))",
                                  "1e999999999", "((2**1000)**1000)**1000", "9" * 499])
def test_huge_values_are_refused_fast(text):
    start = time.perf_counter()
    try:
        value = parse_value(text)
    except ParameterError:
        pass
    else:  # only the long literal is acceptable: a 499-digit integer, well within the limits
        assert value == int(text)
    assert time.perf_counter() - start < 1.0


def test_parse_value_rejects_non_text():
    with pytest.raises(ParameterError, match="as text"):
        parse_value(1.5)


def test_parse_assignment():
    assert parse_assignment("a=3/2") == ("a", sp.Rational(3, 2))
    assert parse_assignment(" sigma2 = 1e-2 ") == ("sigma2", sp.Rational(1, 100))
    for bad in ["a", "=3", "a==2", "a=", "1a=2", "a b=2", "a.b=1", "a=b=2"]:
        with pytest.raises(ParameterError, match="malformed"):
            parse_assignment(bad)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**60), max_value=10**60))
def test_integers_round_trip(n):
    assert parse_value(str(n)) == n


@settings(max_examples=200, deadline=None)
@given(st.fractions(max_denominator=10**12).filter(lambda f: f.denominator != 1))
def test_fractions_round_trip(f):
    text = f"{f.numerator}/{f.denominator}"
    assert parse_value(text) == sp.Rational(f.numerator, f.denominator)
    assert parse_value(f"({text})") == parse_value(text)


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_reprs_are_read_exactly(x):
    # the decimal that repr prints, exactly (not the binary double)
    assert parse_value(repr(x)) == sp.Rational(Fraction(repr(x)).numerator,
                                               Fraction(repr(x)).denominator)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_junk_text_raises_only_parameter_error(text):
    try:
        value = parse_value(text)
    except ParameterError as exc:
        assert "\n" not in str(exc)
    else:
        assert value.is_extended_real and value.is_finite


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.+-*/()e pisqrtlogexp^_,=[]'", max_size=30))
def test_arithmetic_junk_raises_only_parameter_error(text):
    try:
        value = parse_value(text)
    except ParameterError:
        return
    assert value.is_number and value.is_extended_real and value.is_finite


@pytest.mark.parametrize("text", ["1if 1 else 2", "0x1for", "'\\d'"])
def test_junk_that_python_warns_about_is_one_line_of_error(text):
    """Python's parser warns about some junk (an invalid decimal literal, an escape) before it
    is rejected: the warning was a second line on stderr before the error."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ParameterError):
            parse_value(text)
    assert caught == []


@settings(max_examples=100, deadline=None)
@given(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True), st.integers(-999, 999))
def test_assignment_round_trip(name, n):
    assert parse_assignment(f"{name}={n}") == (name, n)


# ----------------------------------------------------------------------------------------------
# issue 14: bad input found by fuzzing
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("argv, expected", [
    # a = 1 + 10**-40 raised AttributeError (0/0 at 35 working digits)
    (["eval", "momentum_batch.powerlaw.sgd.critical_batch", "a=1+10**-40", "d=100"],
     "5.60517018598809"),
    (["eval", "momentum_batch.powerlaw.sgd.critical_batch", "a=1-10**-400", "d=100"],
     "5.60517018598809"),
    # 40 digits: 1 + ln 100 - 10**-40 (ln 100)**2/2 + ...
    (["eval", "momentum_batch.powerlaw.sgd.critical_batch", "a=1+10**-40", "d=100",
      "--dps", "40"], "5.605170185988091368035982909368728415201"),
    # printed 4.84e-41 (true 5e-41): 1 - (1 - eta)**2 cancels
    (["eval", "dynmuon.noise_floor", "c=1", "eta=10**-40", "h=1", "kappa=1", "p=0", "beta=1"],
     "5e-41"),
])
def test_eval_near_removable_singularities(capsys, argv, expected):
    law = sl.law(argv[1])
    argv = [a for a in argv if a.split("=")[0] in law.params or "=" not in a]
    code, out, err = run(capsys, *argv)
    assert (code, out, err) == (0, expected + "\n", "")


def test_table_near_a_removable_singularity(capsys):
    # printed 5.625 (true 5.6052): 45 working digits left 5 after the cancellation
    code, out, err = run(capsys, "table", "momentum_batch.powerlaw.sgd.critical_batch",
                         "--values", "a=1+10**-40", "d=100", "--format", "markdown",
                         "--columns", "key,value")
    assert code == 0 and err == ""
    assert out.splitlines()[2].endswith("| 5.60517 |")


@pytest.mark.parametrize("value", ["(10**1000)**5", "((1+10**-1000)**1000)**1000",
                                   "10**-1000*10**-1000*10**-1000*10**-1000*10**-1000"])
def test_values_beyond_4000_digits_are_refused_fast(capsys, value):
    start = time.perf_counter()
    assert_user_error(capsys, ["eval", "anytime.optimal_decay_exponent", f"a={value}", "b=2"],
                      "too large")
    assert time.perf_counter() - start < 2


def test_huge_values_in_messages_are_short(capsys):
    big = "10**999*10**999*10**999*10**999"  # 3997 digits: accepted, and printed short
    line = assert_user_error(capsys, ["eval", "anytime.optimal_decay_exponent", "a=1.5",
                                      f"b={big}"], "outside its regime", "b=~1.0e+3996")
    assert len(line) < 300
    line = assert_user_error(capsys, ["eval", "anytime.minimax_risk", "a=1.5", "b=2",
                                      "N=10**-1000", "sigma2=1"], "must be an integer")
    assert len(line) < 300
    code, out, err = run(capsys, "eval", "anytime.optimal_decay_exponent", f"a={big}", "b=2")
    assert (code, out, err) == (0, "0\n", "")


@pytest.mark.parametrize("perturb", ["nan", "inf", "1e400", "-1e400", "NaN", "2", "x", ""])
def test_verify_bad_perturb_is_one_line(capsys, tmp_path, perturb):
    pytest.importorskip("numpy")
    assert_user_error(capsys, ["verify", "anytime.constant_lr_suffices", f"--perturb={perturb}",
                               "--out", str(tmp_path)], "--perturb", "finite number")


def test_verify_bad_out_and_seed_are_one_line_before_any_check(capsys, tmp_path, monkeypatch):
    pytest.importorskip("numpy")
    from scalinglaws.validators.engine import verify as engine

    monkeypatch.setattr(engine, "run_checks", lambda *a, **k: pytest.fail("a check ran"))
    a_file = tmp_path / "report.txt"
    a_file.write_text("x")
    target = "anytime.constant_lr_suffices"
    assert_user_error(capsys, ["verify", target, "--out", str(a_file)], "is a file")
    assert_user_error(capsys, ["verify", target, "--out", str(a_file / "sub")],
                      "cannot write the report", "Not a directory")
    assert_user_error(capsys, ["verify", target, "--out", "a\x00b"], "cannot write the report")
    assert_user_error(capsys, ["verify", target, "--out="], "--out")
    assert_user_error(capsys, ["verify", target, "--seed=-1", "--out", str(tmp_path)], "--seed")
    assert a_file.read_text() == "x"


def test_output_the_terminal_cannot_encode_is_one_line(capsys, monkeypatch):
    import io

    for encoding in ("ascii", "latin-1"):
        stdout = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
        monkeypatch.setattr(sys, "stdout", stdout)
        code = cli.main(["show", "anytime.minimax_risk"])  # Θ̃ in its expression
        err = capsys.readouterr().err
        assert code == 2 and len(err.splitlines()) == 1 and "Traceback" not in err
        assert "cannot print" in err and "PYTHONIOENCODING=utf-8" in err
    # an error message echoing non-ASCII input, on an ASCII stderr: escaped, one line
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stderr", stderr)
    assert cli.main(["eval", "Θ", "a=1"]) == 2
    stderr.seek(0)
    assert stderr.read() == "scalinglaws: error: unknown law '\\u0398'\n"


def test_non_utf8_stdout_in_a_real_process():
    env = dict(__import__("os").environ, PYTHONIOENCODING="ascii")
    proc = subprocess.run([sys.executable, "-c", "import sys; from scalinglaws.cli import main; "
                           "sys.exit(main(['show', 'anytime.minimax_risk']))"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr


def test_usage_errors_are_one_line(capsys):
    code, out, err = run(capsys, "eval", "anytime.minimax_risk", "--dps", "0")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert err.startswith("scalinglaws eval: error: argument --dps") and "usage: " in err


def test_completion_script_completes_commands_options_and_keys(tmp_path, capsys):
    import shutil
    import subprocess

    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    code, out, _ = run(capsys, "completion", "bash")
    assert code == 0 and "complete -F _scalinglaws scalinglaws" in out
    script = tmp_path / "c.sh"
    script.write_text(out)

    def complete(*words):
        body = (f"source {script}; COMP_WORDS=({' '.join(words)}); COMP_CWORD={len(words) - 1}; "
                "_scalinglaws; echo \"${COMPREPLY[@]}\"")
        return subprocess.run(["bash", "-c", body], capture_output=True, text=True,
                              timeout=30).stdout.split()

    assert complete("scalinglaws", "ph") == ["phase"]
    assert complete("scalinglaws", "show", "anytime.minimax") == [
        "anytime.minimax_risk", "anytime.minimax_risk_exponent"]
    assert complete("scalinglaws", "table", "--wi") == ["--width"]
    assert complete("scalinglaws", "table", "--nope") == []
    code, zsh, _ = run(capsys, "completion", "zsh")
    assert code == 0 and zsh.startswith("autoload -U +X bashcompinit")
    assert run(capsys, "completion", "fish")[0] == 2
