"""The verification engine end to end: every check, the runner, the report, resume, the CLI."""

import json

import numpy as np
import pytest

from scalinglaws.cli import main
from scalinglaws.validators.engine import Curve, Exponent, Verdict
from scalinglaws.validators.engine import verify as verify_mod
from scalinglaws.validators.engine.checks import Check, Settings, all_checks, select_checks
from scalinglaws.validators.engine.report import read_results, write_report

import scalinglaws as sl

CHECKS = [c for c in all_checks() if not c.full_only]
FULL_ONLY = [c for c in all_checks() if c.full_only]


def test_every_anytime_law_with_a_validator_is_checked():
    checked = {c.law_key for c in CHECKS}
    for key in [
        "anytime.optimal_decay_exponent",
        "anytime.minimax_risk",
        "anytime.minimax_risk_exponent",
        "anytime.constant_lr_suffices",
        "anytime.wsd_last_iterate_rate",
        "anytime.bias_exponent",
        "anytime.variance_exponent",
        "anytime.early_noise_exponent",
        "anytime.early_noise_limited_exponent",
        "anytime.polynomial_schedule_rate_exponent",
        "anytime.large_source_rate_exponent",
    ]:
        assert key in checked, key
    for c in CHECKS:
        sl.law(c.law_key)  # every check names a registered law


@pytest.mark.parametrize("item", CHECKS, ids=[c.name for c in CHECKS])
def test_check_quick_mode_verdict_and_negative_control(item):
    """Each check in quick mode: a registered known failure fails and nothing else does; a pass of
    a stated value rejects the engine's negative control; the verdict round-trips through JSON.
    (Inconclusive outcomes are allowed here and listed by ``scalinglaws verify``.)"""
    settings = Settings(backend="numba")
    verdict = item.verdict(settings)
    assert isinstance(verdict, Verdict)
    assert verdict.key == item.law_key
    if item.expected_to_fail:
        assert verdict.outcome == "fail", f"{item.name} no longer fails: update its known_failure"
    else:
        assert verdict.outcome != "fail", verdict.summary()
    if verdict.outcome == "pass" and verdict.bound == "two":
        assert verdict.negative_control["rejected"], verdict.negative_control
    text = json.dumps(verdict.to_dict(), allow_nan=False)
    assert Verdict.from_dict(json.loads(text)) == verdict


@pytest.mark.slow
@pytest.mark.parametrize("item", FULL_ONLY, ids=[c.name for c in FULL_ONLY])
def test_full_only_check_at_full_size(item):
    """A check registered for --full only, run at its full size (minutes each on 2 cores)."""
    verdict = item.run(Settings(backend="numba", full=True))
    assert verdict.negative_control["rejected"] or item.expected_to_fail, verdict.negative_control
    assert verdict.passed != item.expected_to_fail, (verdict.predicted, verdict.measured, verdict.ci)


def test_quick_run_leaves_out_full_only_checks(tmp_path, monkeypatch, capsys):
    from scalinglaws.validators.engine import checks as checks_module
    from scalinglaws.validators.engine import verify

    ran = []

    def runner(settings):
        ran.append(settings.full)
        x = np.logspace(1, 4, 31)
        return Curve(x, x**-0.5, Exponent("N"), point={"a": 1.5, "b": 2, "sigma2": 1})

    fake = Check("fakepaper.big", "anytime.minimax_risk", runner, "a big one", 1.0,
                 full_only=True)
    monkeypatch.setattr(checks_module, "select_checks", lambda targets: [fake])
    monkeypatch.setattr(verify, "select_checks", lambda targets: [fake])
    parser = __import__("argparse").ArgumentParser()
    verify.add_arguments(parser)
    args = parser.parse_args(["--out", str(tmp_path / "q"), "--no-plots"])
    assert verify.run(args) == 2  # nothing verified is not a success
    err = capsys.readouterr().err
    assert ran == [] and "run only with --full" in err and "nothing to verify" in err
    args = parser.parse_args(["--out", str(tmp_path / "f"), "--no-plots", "--full"])
    assert verify.run(args) == 0
    assert ran == [True]


#: Checks known to pass at quick sizes, one or more per paper, for the per-paper self-test.
_QUICK_PASSING = {
    "anytime.polynomial_schedule_rate_exponent[a=1.5,b=3,gamma=0.25]",
    "dana.sgd.loss_slope",
    "dynmuon.noise_floor[p=-0.25]",
    "functional_scaling.constant.data_optimal_lr[s=1,beta=2]",
    "moe_mssp.ii.mssp.init_term",
    "momentum_batch.sgd.serial_runtime[B=1]",
    "plrf_phases.sgd_loss_exponent[a=1.5,b=0.3]",
}
_CHEAPEST = {}
for _c in CHECKS:
    if not _c.expected_to_fail and _c.name in _QUICK_PASSING and (
        _c.paper not in _CHEAPEST or _c.quick_seconds < _CHEAPEST[_c.paper].quick_seconds
    ):
        _CHEAPEST[_c.paper] = _c


@pytest.mark.parametrize("item", list(_CHEAPEST.values()), ids=list(_CHEAPEST))
def test_perturbed_prediction_fails(item):
    """Per paper, the cheapest passing check must fail once the engine perturbs its
    prediction by 0.1 (the check itself never sees the perturbation)."""
    verdict = item.verdict(Settings(backend="numba", perturb=0.1))
    assert verdict.outcome == "fail" or verdict.bound != "two", verdict.summary()


def test_known_failures_are_recorded_in_the_law_notes():
    for item in CHECKS:
        if item.expected_to_fail:
            assert "finding" in sl.law(item.law_key).notes.lower(), item.law_key


def test_select_checks_by_name_law_and_paper():
    assert select_checks(("anytime",)) == [c for c in all_checks() if c.paper == "anytime"]
    by_law = select_checks(("anytime.wsd_last_iterate_rate",))
    assert by_law and all(c.law_key == "anytime.wsd_last_iterate_rate" for c in by_law)
    one = select_checks((CHECKS[0].name,))
    assert [c.name for c in one] == [CHECKS[0].name]
    with pytest.raises(sl.UnknownKeyError, match="did you mean"):
        select_checks(("anytime.wsd_last_iterate_rat",))


# -- the runner, with cheap synthetic checks ----------------------------------------------------


def _synthetic(name, exponent, beta, *, known="", calls=None, boom=None):
    """A cheap check of plrf_phases.forcing_pp (a Θ law), (2 B gamma r)^((1 - 2 alpha - 2 beta)
    / (2 alpha)): replicas of r^exponent; at alpha = 1 the engine predicts -(1 + 2 beta)/2."""

    def run(settings):
        if calls is not None:
            calls.append(name)
        if boom is not None:
            raise boom
        x = np.logspace(1, 4, 40)
        rng = np.random.default_rng(np.random.SeedSequence(settings.seed))
        y = x**exponent * np.exp(0.02 * rng.standard_normal((16, 40)))
        return Curve(x, y, Exponent("r"), point={"alpha": 1, "beta": beta, "B": 1, "gamma": 0.1},
                     window=(100, 1e4))

    return Check(name, "plrf_phases.forcing_pp", run, "synthetic", 0.1, known)


def test_runner_writes_report_and_resumes(tmp_path):
    calls = []
    checks = [_synthetic("s.one", -0.75, 0.25, calls=calls),
              _synthetic("s.two", -1.0, 0.5, calls=calls)]
    settings = Settings(backend="numpy", seed=3)
    results = list(verify_mod.run_checks(checks, settings, tmp_path))
    assert [r["status"] for r in results] == ["pass", "pass"]
    assert calls == ["s.one", "s.two"]
    write_report(results, settings, tmp_path)
    for name in ("report.md", "report.tex", "report.json"):
        assert (tmp_path / name).stat().st_size > 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["passed"] and len(report["results"]) == 2
    assert (tmp_path / "plots" / "s.one.png").exists()
    assert [r["check"] for r in read_results(tmp_path)] == ["s.one", "s.two"]
    assert "\\toprule" in (tmp_path / "report.tex").read_text()
    # a second run reuses both results; a different seed does not
    list(verify_mod.run_checks(checks, settings, tmp_path))
    assert calls == ["s.one", "s.two"]
    list(verify_mod.run_checks(checks, Settings(backend="numpy", seed=4), tmp_path))
    assert calls == ["s.one", "s.two", "s.one", "s.two"]
    list(verify_mod.run_checks(checks, Settings(backend="numpy", seed=4), tmp_path, fresh=True))
    assert len(calls) == 6


def test_report_redraws_only_figures_whose_record_changed(tmp_path, monkeypatch):
    """A rerun that reproduces a check's record (all but its timings) keeps its PNG; a changed
    record, a deleted PNG or a new drawing style draws again."""
    from scalinglaws.validators.engine import report as report_mod

    checks = [_synthetic("s.one", -0.75, 0.25), _synthetic("s.two", -1.0, 0.5)]
    settings = Settings(backend="numpy", seed=3)
    results = list(verify_mod.run_checks(checks, settings, tmp_path))
    drawn = []
    real = report_mod._plot_job

    def counting(job):
        drawn.append(job[1].name)
        return real(job)

    monkeypatch.setattr(report_mod, "_plot_job", counting)
    write_report(results, settings, tmp_path)
    assert sorted(drawn) == ["s.one.png", "s.two.png"]
    again = list(verify_mod.run_checks(checks, settings, tmp_path, fresh=True))
    write_report(again, settings, tmp_path)
    assert len(drawn) == 2
    report = json.loads((tmp_path / "report.json").read_text())
    assert all(r.get("plot") for r in report["results"])
    (tmp_path / "plots" / "s.two.png").unlink()
    other = list(verify_mod.run_checks(checks[:1], Settings(backend="numpy", seed=4), tmp_path))
    write_report(other + again[1:], settings, tmp_path)
    assert sorted(drawn[2:]) == ["s.one.png", "s.two.png"]
    monkeypatch.setattr(report_mod, "_PLOT_STYLE", report_mod._PLOT_STYLE + 1)
    write_report(other + again[1:], settings, tmp_path)
    assert len(drawn) == 6


def test_interrupted_run_keeps_finished_checks_and_resumes(tmp_path):
    calls = []
    first = _synthetic("s.first", -0.75, 0.25, calls=calls)
    interrupted = _synthetic("s.second", -0.75, 0.25, calls=calls, boom=KeyboardInterrupt())
    settings = Settings(backend="numpy")
    done = []
    with pytest.raises(KeyboardInterrupt):
        for r in verify_mod.run_checks([first, interrupted], settings, tmp_path):
            done.append(r)
    assert [r["check"] for r in done] == ["s.first"]
    assert (tmp_path / "checks" / "s.first.json").exists()
    assert not list((tmp_path / "checks").glob("*.tmp*"))  # atomic writes leave no debris
    calls.clear()
    second = _synthetic("s.second", -0.75, 0.25, calls=calls)
    results = list(verify_mod.run_checks([first, second], settings, tmp_path))
    assert calls == ["s.second"]  # the finished check was not run again
    assert [r["status"] for r in results] == ["pass", "pass"]


def test_failures_errors_and_known_failures(tmp_path):
    settings = Settings(backend="numpy")
    checks = [
        _synthetic("s.wrong", -0.75, 0.5),
        _synthetic("s.crash", -0.75, 0.25, boom=RuntimeError("kaboom")),
        _synthetic("s.known", -0.75, 0.5, known="a recorded finding"),
        _synthetic("s.xpass", -0.75, 0.25, known="a finding that no longer stands"),
    ]
    results = {r["check"]: r for r in verify_mod.run_checks(checks, settings, tmp_path)}
    assert results["s.wrong"]["status"] == "fail" and not results["s.wrong"].ok
    assert results["s.crash"]["status"] == "error" and "kaboom" in results["s.crash"]["error"]
    assert results["s.known"]["status"] == "known-fail" and results["s.known"].ok
    assert results["s.xpass"]["status"] == "xpass"
    table = verify_mod.format_table(list(results.values()))
    assert "KNOWN-FAIL" in table and "no longer stands" in table
    # errors are retried on the next run, failures are not
    again = {r["check"]: r for r in verify_mod.run_checks(checks[:2], settings, tmp_path)}
    assert again["s.crash"]["status"] == "error"


def test_a_law_edited_after_a_run_is_never_resumed(tmp_path, monkeypatch):
    """Edit the law (its expression) after a passing run: the record's fingerprint no longer
    matches, so the check reruns and now fails; the same holds for an edited check's code."""
    calls = []
    item = _synthetic("s.edit", -0.75, 0.25, calls=calls)
    settings = Settings(backend="numpy")
    first = list(verify_mod.run_checks([item], settings, tmp_path))
    assert first[0]["status"] == "pass" and calls == ["s.edit"]
    law = sl.law("plrf_phases.forcing_pp")
    r = law.params["r"].symbol
    monkeypatch.setattr(law, "expr", law.expr * r**-0.25)
    again = list(verify_mod.run_checks([item], settings, tmp_path))
    assert calls == ["s.edit", "s.edit"]  # rerun, not resumed
    assert again[0]["status"] == "fail"
    monkeypatch.undo()
    list(verify_mod.run_checks([item], settings, tmp_path))  # law restored: fingerprint differs again
    assert len(calls) == 3
    list(verify_mod.run_checks([item], settings, tmp_path))  # unchanged: resumed
    assert len(calls) == 3
    stamp = verify_mod.fingerprint(item)
    monkeypatch.setattr(verify_mod, "_source_hash", lambda *paths: "edited")
    assert verify_mod.fingerprint(item) != stamp
    list(verify_mod.run_checks([item], settings, tmp_path))
    assert len(calls) == 4


# -- the command line ---------------------------------------------------------------------------


def test_cli_verify_passes_and_writes_report(tmp_path, capsys):
    out = tmp_path / "rep"
    rc = main(["verify", "anytime.constant_lr_suffices", "--out", str(out), "--backend", "numba"])
    text = capsys.readouterr().out
    assert rc == 0, text
    assert "PASS" in text and "anytime.constant_lr_suffices" in text
    assert (out / "report.md").exists() and list((out / "plots").glob("*.png"))


def test_cli_verify_perturbed_prediction_fails(tmp_path, capsys):
    rc = main([
        "verify", "anytime.constant_lr_suffices", "--out", str(tmp_path), "--perturb", "0.1",
        "--no-plots", "--json",
    ])
    payload = json.loads(capsys.readouterr().out)
    assert rc == 1 and payload["passed"] is False


def test_cli_verify_bad_input(tmp_path, capsys):
    assert main(["verify", "anytime.nonsense", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "did you mean" in err[0]
    assert main(["verify", "--seed", "x", "--out", str(tmp_path)]) == 2
    capsys.readouterr()


def test_cli_verify_cupy_without_gpu_is_one_clear_line(tmp_path, capsys):
    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
        pytest.skip("a GPU is present")
    except Exception:
        pass
    rc = main(["verify", "anytime.constant_lr_suffices", "--backend", "cupy", "--out", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "cupy" in err[0]


def test_cli_verify_list(capsys):
    assert main(["verify", "--list"]) == 0
    out = capsys.readouterr().out
    assert all(c.name in out for c in CHECKS)


class _Stream:
    def __init__(self, tty):
        self.parts, self._tty = [], tty

    def isatty(self):
        return self._tty

    def write(self, text):
        self.parts.append(text)

    def flush(self):
        pass

    @property
    def text(self):
        return "".join(self.parts)


def _two_fake_checks(sleep=0.0):
    import time as _time

    def runner(settings):
        _time.sleep(sleep)
        x = np.logspace(1, 4, 31)
        return Curve(x, x**-0.5, Exponent("N"), point={"a": 1.5, "b": 2, "sigma2": 1})

    return [Check(f"fakepaper.c{i}", "anytime.minimax_risk", runner, "fake", 5.0) for i in (1, 2)]


def test_progress_fills_by_expected_time_and_learns_from_measured_runs(tmp_path):
    from scalinglaws.validators.engine import verify
    from scalinglaws.validators.engine.checks import Settings as S

    items, settings = _two_fake_checks(), S(backend="numpy")
    stream = verify._Progress(_Stream(tty=False), estimates=verify.measured_seconds(tmp_path, items, settings))
    stream.plan(items)
    list(verify.run_checks(items, settings, tmp_path, progress=stream))
    stream.finish(2, 1.0)
    first = stream.stream.text
    assert "(~5s estimate)" in first and "left)" in first  # declared estimate, then time left
    assert first.rstrip().endswith("[" + "#" * 20 + "] 2/2 checks in 1s")
    # the second (fresh) run uses the measured seconds of the first as its estimates
    measured = verify.measured_seconds(tmp_path, items, settings)
    assert set(measured) == {"fakepaper.c1", "fakepaper.c2"} and all(v < 5 for v in measured.values())
    again = verify._Progress(_Stream(tty=False), estimates=measured)
    again.plan(items)
    list(verify.run_checks(items, settings, tmp_path, fresh=True, progress=again))
    assert "s measured" in again.stream.text and "estimate" not in again.stream.text
    # another backend's or size's times are not used
    assert verify.measured_seconds(tmp_path, items, S(backend="numba")) == {}
    assert verify.measured_seconds(tmp_path, items, S(backend="numpy", full=True)) == {}


def test_progress_shows_a_long_check_running_on_a_terminal(tmp_path):
    from scalinglaws.validators.engine import verify
    from scalinglaws.validators.engine.checks import Settings as S

    items = _two_fake_checks(sleep=0.35)[:1]
    progress = verify._Progress(_Stream(tty=True), tick=0.1)
    progress.plan(items)
    list(verify.run_checks(items, S(backend="numpy"), tmp_path, progress=progress))
    ticks = [p for p in progress.stream.parts if p.startswith("\r\033[K[") and p.endswith("s")
             and "fakepaper.c1" in p and p.rsplit(" ", 1)[1][:-1].isdigit()]
    assert len(ticks) >= 2  # rewritten while it ran, with the seconds elapsed
    assert progress._ticker is None  # stopped when the check finished


def test_figure_of_a_curve_without_positive_values_is_drawn_on_a_linear_axis():
    """A log-log record whose measured values are all <= 0 (a signed difference) gets a linear
    y axis instead of matplotlib's empty log axis and its warning."""
    import warnings

    pytest.importorskip("matplotlib")
    from scalinglaws.validators.engine import report

    record = {"check": "c", "status": "PASS",
              "verdict": {"data": {"x": [1.0, 10.0, 100.0], "y": [-1.0, -0.5, 0.0]}}}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = report.figure_for(record)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "linear"
    record["verdict"]["data"]["y"] = [1.0, 0.5, 0.25]
    assert report.figure_for(record).axes[0].get_yscale() == "log"


def _record_on_disk(tmp_path, name="r.json", **changes):
    record = {"format": 2, "check": "c", "law": "k", "settings": {"full": False}, "seconds": 1.0,
              "status": "PASS", "fingerprint": {}, "verdict": {"predicted": 1.0, "measured": 1.1,
                                                             "ci": [0.9, 1.2], "outcome": "pass"}}
    record.update(changes)
    path = tmp_path / name
    path.write_text(json.dumps(record))
    return path, record


@pytest.mark.parametrize("text", [
    "[1]", "{}", '{"status": "pass"}', "not json", "[" * 100000 + "]" * 100000,
])
def test_read_record_skips_what_is_not_a_record(tmp_path, text):
    from scalinglaws.validators.engine.records import read_record

    path = tmp_path / "r.json"
    path.write_text(text)
    assert read_record(path) is None
    assert read_record(tmp_path / "missing.json") is None


@pytest.mark.parametrize("changes", [
    {"verdict": "x"}, {"settings": [1]}, {"verdict": None}, {"error": 5},
    {"verdict": {"predicted": "abc"}}, {"verdict": {"ci": 5}}, {"verdict": {"ci": [1.0]}},
    {"verdict": {"ci": ["a", "b"]}},
])
def test_read_record_skips_a_record_of_the_wrong_shape(tmp_path, changes):
    from scalinglaws.validators.engine.records import read_record

    good, record = _record_on_disk(tmp_path, "good.json")
    assert read_record(good) == record
    bad, _ = _record_on_disk(tmp_path, "bad.json", **changes)
    assert read_record(bad) is None


def test_show_with_a_broken_record_in_the_report_is_not_a_traceback(tmp_path, capsys):
    """A report directory holding a broken record of a law's check: `show --report` shows the
    law without that record (it was an AttributeError or KeyError traceback, exit 1)."""
    from scalinglaws import cli
    from scalinglaws.validators.engine.checks import all_checks
    from scalinglaws.validators.engine.verify import _safe_name

    item = next(c for c in all_checks() if c.law_key == "anytime.optimal_decay_exponent")
    (tmp_path / "checks").mkdir()
    for text in ("[1]", '{"status": "pass"}', '{"check": "x", "status": "PASS", '
                 '"settings": {}, "verdict": {"ci": 5}}'):
        (tmp_path / "checks" / f"{_safe_name(item.name)}.json").write_text(text)
        code = cli.main(["show", "anytime.optimal_decay_exponent", "--report", str(tmp_path)])
        out, err = capsys.readouterr()
        assert code == 0 and "Traceback" not in err and "anytime.optimal_decay_exponent" in out


def test_every_check_has_its_own_record_file():
    """Two checks whose names differed only by < and > (dmft_fluctuations.lazy_propagator[k<l]
    and [k>l]) wrote one record file: the report held 683 records for 684 checks."""
    from scalinglaws.validators.engine.checks import all_checks
    from scalinglaws.validators.engine.verify import _safe_name

    names = [c.name for c in all_checks()]
    assert len({_safe_name(n) for n in names}) == len(names)
