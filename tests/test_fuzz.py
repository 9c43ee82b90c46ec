"""Fuzzing the command line and the Python API with generated bad input.

Every generated command runs through ``main([...])`` in-process. A command built to be wrong
(an unknown key, a value outside the parser's language, a bad option) must exit 2 with exactly
one line ``scalinglaws...: error: ...`` on stderr, nothing on stdout and no traceback. A command
that may be right (extreme but well-formed numbers) must either print a number or fail the same
clean way. The Python API must raise only the package's own errors. The cases are generated
from a fixed seed, so the suite is deterministic; run this file as a script for a larger run::

    python tests/test_fuzz.py 3000 --seed 7
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import sys
import time
import traceback

import pytest

import scalinglaws as sl
from scalinglaws import cli
from scalinglaws.errors import ScalingLawsError
from scalinglaws.parameterization import from_json

LAWS = sl.laws()
PAPERS = [p.name for p in sl.papers()]

# -- pieces of bad input --------------------------------------------------------------------------

_ODD_TEXT = [
    "", " ", "\t", "\x00", "\udcff", "Θ", "θ=1", "π", "\u200b", "\u202e", "🙂", "ß", "İ", "ﬁ",
    "é", "\ufeff", "a" * 5000, "." * 50, "anytime.", ".anytime", "anytime..rate", "-", "--",
    "=", "==", "$HOME", "`id`", "'", '"', "\\", "\n", "anytime.optimal_decay_exponent\x00",
    "ANYTIME.OPTIMAL_DECAY_EXPONENT", "anytime.optimal-decay-exponent", "%s%n", "{0}", "../",
]

_BAD_VALUES = [
    "", " ", "x", "a", "N", "nan", "inf", "-inf", "Infinity", "NaN", "None", "True", "1j",
    "__import__('os').system('echo pwned')", "__import__", "os.system('id')", "(1).__class__",
    "().__class__.__bases__[0].__subclasses__()", "lambda: 1", "(lambda x: x)(1)", "[1]", "{}",
    "{1: 2}", "(1, 2)", "'1'", "b'1'", "f'{1}'", "[x for x in ()]", "(x := 1)", "1 if 1 else 2",
    "1 < 2", "1 and 2", "not 1", "~1", "1 // 2", "1 % 2", "1 @ 2", "2 ^ 3", "1 << 2", "1 | 2",
    "sqrt", "sqrt()", "sqrt(1, 2)", "sqrt(x=1)", "sqrt(*[1])", "sin(1)", "eval('1')",
    "exec('1')", "open('/etc/passwd')", "getattr(1, 'real')", "globals()", "1/0", "0**-1",
    "(-8)**(1/3)", "sqrt(-1)", "log(0)", "log(-1)", "exp(10**6)", "9**9**9", "10**10**10",
    "1e99999", "1e-99999", "(10**999)**999", "2**2000", "((1+10**-1000)**1000)**1000",
    "10**-1000*10**-1000*10**-1000*10**-1000*10**-1000", "1 2", "1,5", "1..5", "1e", "e1",
    "0x", "1_", "١٢", "٣", "１", "½", "²", "−1", "1−1", "√2", "π", "∞", "1\x00", "(" * 300,
    "(" * 300 + "1" + ")" * 300, "1" + "+1" * 300, "--1" * 200, "x" * 600, "\udcff",
    "yield 1", "await x", "*a", "**a", "a.b.c", "sqrt.__globals__", "pi.__class__",
    "e.__dict__", "[].__class__", "\"\".join('x')",
]

_TEMPLATES = ["{v}", "({v})", "-{v}", "1+{v}", "{v}*2", "sqrt({v})", "{v}**2", "2**{v}"]

_EXTREME = [
    "10**1000", "10**-1000", "1+10**-40", "1-10**-40", "1+10**-999", "10**999*10**999",
    "10**-999*10**-999", "2**-1000", "1e-300", "1e300", "1/3", "sqrt(2)", "pi", "exp(700)",
    "exp(-700)", "log(2)", "1+1e-15", "0.5", "2", "7", "100", "1000000", "0", "-1", "-10**40",
]


def _ids(cases):
    return [" ".join(repr(a)[1:-1][:40] for a in c[1])[:90] for c in cases]


def _bad_value(rng: random.Random) -> str:
    value = rng.choice(_BAD_VALUES)
    if rng.random() < 0.3:
        value = rng.choice(_TEMPLATES).format(v=value)
    return value


def _law_and_params(rng: random.Random):
    item = rng.choice(LAWS)
    return item, list(item.params)


def cli_cases(n: int, seed: int = 0) -> list[tuple[str, list[str]]]:
    """``n`` generated commands, each ``(expectation, argv)``: ``"error"`` (must exit 2 with one
    line) or ``"either"`` (a number on stdout, or exit 2 with one line)."""
    rng = random.Random(seed)
    makers = [
        _bad_key, _bad_value_eval, _bad_assignment, _bad_table, _bad_phase, _bad_list,
        _bad_verify, _bad_exponent, _extreme_eval, _extreme_table, _extreme_exponent,
        _extreme_phase,
    ]
    return [rng.choice(makers)(rng) for _ in range(n)]


def _bad_key(rng):
    command = rng.choice(["eval", "show", "table", "phase", "verify"])
    key = rng.choice(_ODD_TEXT + [f"{rng.choice(PAPERS)}.{rng.choice(_ODD_TEXT)}",
                                  rng.choice(LAWS).key + rng.choice(["x", ".", "_", " ", "Θ"])])
    if key == "" and command == "verify":
        key = "Θ"
    if key.startswith("-"):
        key = "x" + key
    argv = [command, key]
    if command == "verify":
        argv += ["--list"]
    elif command in ("eval", "phase"):
        argv += ["a=1.5"]
    return "error", argv


def _bad_value_eval(rng):
    item, names = _law_and_params(rng)
    values = [f"{name}=2" for name in names]
    if values:  # one value bad (or a name given twice: an error too)
        values[rng.randrange(len(values))] = f"{rng.choice(names)}={_bad_value(rng)}"
    else:
        values = [f"x={_bad_value(rng)}"]
    return "error", ["eval", item.key, *values]


def _bad_assignment(rng):
    item, names = _law_and_params(rng)
    name = rng.choice(names) if names else "x"
    bad = rng.choice([
        name, f"={2}", f"{name}==2", f"{name}=", f"1{name}=2", f"{name} b=2", f"{name}.x=1",
        f"{name}=2=3", f"{rng.choice(_ODD_TEXT)}=2", f"{name}\x00=2", f"Θ{name}=2",
        "__class__=1", f"{name}=2 {name}=3",
    ])
    argv = ["eval", item.key, *bad.split(" ")] if " " in bad and "=" in bad.split(" ")[1] \
        else ["eval", item.key, bad]
    if argv[-1].startswith("-"):
        argv[-1] = "x" + argv[-1]
    return "error", argv


def _bad_table(rng):
    item = rng.choice(LAWS)
    variant = rng.randrange(6)
    if variant == 0:
        return "error", ["table", item.key, "--columns", rng.choice(
            ["", ",", "kye", "value", "key,key", "Θ", "key,\x00", "__class__"])]
    if variant == 1:
        name = rng.choice(list(item.params) or ["x"])
        return "error", ["table", item.key, "--values", f"{name}={_bad_value(rng)}"]
    if variant == 2:
        return "error", ["table", item.key, "--values", f"{rng.choice(_ODD_TEXT) or 'q'}x=1"]
    if variant == 3:
        return "error", ["table", "--tag", rng.choice(_ODD_TEXT) or "nope", item.key]
    if variant == 4:
        return "error", ["table", "--paper", rng.choice(_ODD_TEXT) or "nope"]
    return "error", ["table"]


def _bad_phase(rng):
    family = rng.choice([*(_ODD_TEXT[:20]), "anytime.rate", "anytime"])
    if family.startswith("-") or not family:
        family = "x" + family
    values = [f"a={_bad_value(rng)}", "b=2"] if family.startswith("anytime") else ["a=1"]
    return "error", ["phase", family, *values]


def _bad_list(rng):
    option = rng.choice(["--paper", "--tag", "--status"])
    value = rng.choice(_ODD_TEXT[1:]) if rng.random() < 0.7 else "nope"
    if value.startswith("-"):
        value = "x" + value
    return "error", ["list", f"{option}={value}"]


def _bad_verify(rng):
    target = rng.choice(["anytime.constant_lr_suffices", "anytime"])
    variant = rng.randrange(4)
    if variant == 0:
        bad = rng.choice(["nan", "inf", "-inf", "1e400", "-1e400", "1", "-1", "5", "", "x",
                          "0x1", "1,5", "١", "NaN", "infinity", "1e308", "\x00", "Θ"])
        return "error", ["verify", target, f"--perturb={bad}"]
    if variant == 1:
        return "error", ["verify", target, f"--seed={rng.choice(['-1', 'x', '1.5', '', '10**3'])}"]
    if variant == 2:
        return "error", ["verify", target, "--out", rng.choice(
            [__file__, "/dev/null", f"{__file__}/sub", "", "/proc/nonexistent/x", "a\x00b"])]
    return "error", ["verify", rng.choice(_ODD_TEXT[1:20]) or "x", "--list"]


def _bad_exponent(rng):
    item, names = _law_and_params(rng)
    var = rng.choice(_ODD_TEXT[1:12] + ["__class__", "zz", "N N"])
    if var.startswith("-"):
        var = "x" + var
    return "error", ["eval", item.key, "--exponent", var, *[f"{n}=2" for n in names[:1]]]


def _extreme_eval(rng):
    item, names = _law_and_params(rng)
    values = [f"{name}={rng.choice(_EXTREME)}" for name in names]
    argv = ["eval", item.key, *values]
    if rng.random() < 0.2:
        argv += ["--dps", str(rng.choice([1, 2, 40, 100]))]
    return "either", argv


def _extreme_exponent(rng):
    item, names = _law_and_params(rng)
    if not names:
        return "error", ["eval", item.key, "--exponent", "zz"]
    var = rng.choice(names)
    values = [f"{name}={rng.choice(_EXTREME)}" for name in names if name != var]
    return "either", ["eval", item.key, "--exponent", var, *values]


def _extreme_phase(rng):
    values = [f"{name}={rng.choice(_EXTREME)}" for name in ("a", "b")]
    return "either", ["phase", "anytime", *values]


def _extreme_table(rng):
    item, names = _law_and_params(rng)
    values = [f"{name}={rng.choice(_EXTREME)}" for name in names] or ["x=1"]
    return "either", ["table", item.key, "--format", "markdown", "--columns", "key,value",
                      "--values", *values]


# -- running --------------------------------------------------------------------------------------


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def check_cli(expectation: str, argv: list[str]) -> None:
    """Raise AssertionError when ``argv`` does not behave as ``expectation`` requires."""
    code, out, err = run_cli(argv)
    assert "Traceback" not in err, (argv, err)
    if expectation == "either" and code == 0:
        assert err == "", (argv, err)
        for line in out.splitlines():
            cell = line.rsplit("|", 2)[-2].strip() if line.startswith("|") else line.strip()
            if cell and not cell.startswith(("Key", "---", "`")) and argv[0] == "eval":
                float(cell)  # a number, nothing else
        return
    assert code == 2, (argv, code, out, err)
    assert out == "", (argv, out)
    lines = err.splitlines()
    assert len(lines) == 1, (argv, err)
    assert lines[0].startswith("scalinglaws") and ": error: " in lines[0], (argv, err)


# -- the Python API -------------------------------------------------------------------------------

_API_VALUES = [
    "1.5", b"1", None, True, 1j, float("nan"), float("inf"), -float("inf"), 10**5000,
    -(10**5000), 10**-30, [1.5], {"a": 1}, object(), (1, 2), 1e308, 5e-324,
]


def api_cases(n: int, seed: int = 0):
    rng = random.Random(seed)
    cases = []
    for _ in range(n):
        item, names = _law_and_params(rng)
        values = {name: 2 for name in names}
        if names:
            values[rng.choice(names)] = rng.choice(_API_VALUES)
        cases.append((item.key, values, rng.choice(["evaluate", "lambdify", "table", "check"])))
    return cases


def check_api(key: str, values: dict, how: str) -> None:
    item = sl.law(key)
    try:
        if how == "evaluate":
            item.evaluate(**values)
        elif how == "lambdify":
            item.lambdify()(**values)
        elif how == "table":
            sl.table([item], values=values).to_markdown()
        else:
            item.check(**values)
    except ScalingLawsError as exc:
        message = str(exc)
        assert "\n" not in message and len(message) < 2000, message[:300]


_JSON_BAD = [
    "", "{", "[]", "null", "1", '"x"', "\xff", b"\xff\xfe", "{}", '{"format": 1}',
    '{"format": "scalinglaws.parameterization/1"}',
]


def json_cases(seed: int = 0) -> list:
    rng = random.Random(seed)
    base = {"format": "scalinglaws.parameterization/1", "name": "t", "optimizer": "sgd",
            "scales": ["N", "M"], "groups": {"w": {"lr": {"expr": "1/N"}}}}
    cases = list(_JSON_BAD)
    for value in _BAD_VALUES[:60] + ["N.__class__", "__import__('os').system('touch /tmp/x')",
                                     "N**M", "Q", "N**(1/0)", "N**1001", "M/N" * 200]:
        doc = json.loads(json.dumps(base))
        doc["groups"]["w"]["lr"]["expr"] = value
        cases.append(json.dumps(doc))
    for field, junk in [("scales", "N"), ("scales", []), ("scales", ["__class__ x"]),
                        ("groups", []), ("groups", {"w": "x"}), ("groups", {"w": {"lr": 1}}),
                        ("optimizer", "rmsprop"), ("optimizer", 3), ("name", None),
                        ("coscaling", {"M": "N.x"}), ("coscaling", {"Q": "N"}),
                        ("flags", {"x": [1]}), ("flags", "x")]:
        doc = json.loads(json.dumps(base))
        doc[field] = junk
        cases.append(doc if rng.random() < 0.5 else json.dumps(doc))
    deep = base | {"flags": {"x": None}}
    cases += [deep, "[" * 100_000 + "]" * 100_000]
    return cases


def check_json(doc) -> None:
    try:
        from_json(doc)
    except ScalingLawsError as exc:
        assert "\n" not in str(exc)


#: What fuzzing found (each a traceback, a hang or a wrong number before issue 14's fixes).
FOUND = [
    # AttributeError ('NaN' object has no attribute '_mpf_'): 0/0 at 35 working digits
    ("either", ["eval", "momentum_batch.powerlaw.sgd.critical_batch", "a=1+10**-40", "d=100"]),
    # ValueError: Exceeds the limit (4300 digits) for integer string conversion
    ("error", ["eval", "anytime.optimal_decay_exponent", "a=(10**1000)**5", "b=2"]),
    ("error", ["phase", "anytime", "a=1.5", "b=(10**1000)**5"]),
    ("error", ["table", "anytime", "--values", "a=(10**1000)**5", "b=2"]),
    # hours of exact arithmetic: a 10**9-digit fraction
    ("error", ["eval", "anytime.optimal_decay_exponent", "a=((1+10**-1000)**1000)**1000", "b=2"]),
    # a hang: the regime L <= N**(a/b) built 1000**(10**40) exactly
    ("either", ["eval", "anytime.classic.multi_pass_hard", "L=1000", "M=1000", "N=1000",
                "a=10**40", "b=1.5"]),
    ("error", ["eval", "anytime.classic.multi_pass_hard", "L=1000", "M=1000", "N=1000",
               "a=10**999*10**999", "b=1.5"]),
    # NotImplementedError from SymPy's limit
    ("error", ["eval", "dynmuon.shaping", "--exponent", "p", "sigma=0"]),
    ("error", ["eval", "momentum_batch.powerlaw.hb.serial_runtime", "--exponent", "a", "B=2",
               "d=100"]),
    # verify: nan, inf and 1e400 were accepted as --perturb; --out at a file failed late
    ("error", ["verify", "anytime.constant_lr_suffices", "--perturb=nan"]),
    ("error", ["verify", "anytime.constant_lr_suffices", "--perturb=1e400"]),
    ("error", ["verify", "anytime.constant_lr_suffices", "--out", __file__]),
    # usage errors printed several lines
    ("error", ["eval", "anytime.minimax_risk", "--dps", "0"]),
]


@pytest.mark.parametrize("expectation, argv", FOUND, ids=_ids(FOUND))
def test_what_fuzzing_found(expectation, argv):
    check_cli(expectation, argv)


# -- the suite ------------------------------------------------------------------------------------

CLI_CASES = cli_cases(300, seed=20240611)


@pytest.mark.parametrize("expectation, argv", CLI_CASES, ids=_ids(CLI_CASES))
def test_cli_bad_input_is_one_line_exit_2(expectation, argv):
    check_cli(expectation, argv)


@pytest.mark.parametrize("key, values, how", api_cases(120, seed=11))
def test_api_raises_only_package_errors(key, values, how):
    check_api(key, values, how)


JSON_CASES = json_cases()


@pytest.mark.parametrize("doc", JSON_CASES, ids=[f"doc{i}" for i in range(len(JSON_CASES))])
def test_from_json_raises_only_package_errors(doc, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    check_json(doc)
    assert list(tmp_path.iterdir()) == []  # nothing ran


def _main(argv: list[str]) -> int:  # pragma: no cover - a larger run by hand
    import argparse

    parser = argparse.ArgumentParser(description="fuzz the scalinglaws command line")
    parser.add_argument("n", type=int, nargs="?", default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    failures = 0
    slow = []
    for expectation, case in cli_cases(args.n, args.seed):
        start = time.perf_counter()
        try:
            check_cli(expectation, case)
        except Exception as exc:  # noqa: BLE001 - report every failure, keep going
            failures += 1
            print(f"FAIL {case!r}: {type(exc).__name__}: {str(exc)[:400]}")
        elapsed = time.perf_counter() - start
        if elapsed > 1:
            slow.append((elapsed, case))
    for key, values, how in api_cases(args.n // 2, args.seed):
        try:
            check_api(key, values, how)
        except Exception as exc:  # noqa: BLE001
            failures += 1
            shown = {k: v if not isinstance(v, int) or v.bit_length() < 1000 else "<huge int>"
                     for k, v in values.items()}
            print(f"FAIL api {key} {how} {shown!r:.200}: {type(exc).__name__}: {str(exc)[:300]}")
            traceback.print_exc(limit=-4)
    for doc in json_cases(args.seed):
        try:
            check_json(doc)
        except Exception as exc:  # noqa: BLE001
            failures += 1
            print(f"FAIL json {str(doc)[:200]!r}: {type(exc).__name__}: {str(exc)[:300]}")
    for elapsed, case in sorted(slow, reverse=True)[:10]:
        print(f"slow {elapsed:.1f}s {case!r:.200}")
    print(f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main(sys.argv[1:]))
