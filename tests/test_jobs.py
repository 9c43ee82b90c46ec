"""``verify --jobs N``: the checks run on N worker processes and write the records a run in this
process writes; short runs and unregistered checks stay in this process; bad N is exit 2."""

import json

import pytest

from scalinglaws.cli import main
from scalinglaws.validators.engine import processes_pool
from scalinglaws.validators.engine import verify as verify_mod
from scalinglaws.validators.engine.checks import Check, Settings, all_checks


def _cheap_checks():
    """Real checks of a few seconds in all: exact identities (poet, swd) and Monte Carlo (lion)."""
    chosen = [c for c in all_checks() if c.paper in ("poet", "swd", "lion") and not c.full_only]
    assert len(chosen) >= 8
    return chosen


def _comparable(record):
    return {k: v for k, v in record.items() if k not in ("seconds", "cpu_seconds")}


def _counting(monkeypatch):
    ran_here = []
    real_run_one = verify_mod._run_one

    def counting(item, settings, stamp):
        ran_here.append(item.name)
        return real_run_one(item, settings, stamp)

    monkeypatch.setattr(verify_mod, "_run_one", counting)
    return ran_here


def test_jobs_write_the_records_of_a_run_in_this_process(tmp_path, monkeypatch):
    monkeypatch.setattr(processes_pool, "MIN_SECONDS", 0.0)
    checks = _cheap_checks()
    base = checks[0]
    # a check made here (a closure: it cannot travel to a worker) runs here
    local = Check("local.copy", base.law_key, base.run, "a copy", 0.1)
    settings = Settings(backend="numpy", seed=3)
    here = {r["check"]: r for r in verify_mod.run_checks(checks, settings, tmp_path / "one")}
    ran_here = _counting(monkeypatch)
    pooled = {r["check"]: r for r in verify_mod.run_checks([local, *checks], settings,
                                                           tmp_path / "two", jobs=2)}
    assert ran_here == ["local.copy"]  # every registered check ran in a worker process
    assert set(pooled) == set(here) | {"local.copy"}
    for name, record in here.items():
        assert _comparable(pooled[name]) == _comparable(record), name
        assert record["status"] == "pass", name
    for path in (tmp_path / "one" / "checks").glob("*.json"):
        a = _comparable(json.loads(path.read_text()))
        assert a == _comparable(json.loads((tmp_path / "two" / "checks" / path.name).read_text()))


def test_short_runs_stay_in_this_process(tmp_path, monkeypatch):
    ran_here = _counting(monkeypatch)
    checks = _cheap_checks()[:3]
    assert sum(c.quick_seconds for c in checks) < processes_pool.MIN_SECONDS
    list(verify_mod.run_checks(checks, Settings(backend="numpy"), tmp_path / "a", jobs=4))
    assert ran_here == [c.name for c in checks]


@pytest.mark.parametrize("bad", ["0", "-1", "two", "1e3"])
def test_bad_jobs_is_one_line_exit_2(bad, capsys):
    assert main(["verify", "poet", "--jobs", bad]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--jobs" in err[0]


def test_default_jobs_is_the_usable_cpus_at_most_4():
    assert 1 <= processes_pool.default_jobs() <= 4


def test_schedule_keeps_a_module_on_one_worker_largest_first():
    """The pool hands out whole validator modules (their shared caches then serve every check of
    the module on one worker), the module with the most expected time first; a measured time
    (``estimates``) overrides a check's declared one; within a module the order is kept."""
    checks = [c for c in all_checks() if c.paper in ("poet", "swd", "lion") and not c.full_only]
    pending = [(c, None, None) for c in checks]
    groups = processes_pool.schedule(pending)
    modules = [{processes_pool._group(e[0]) for e in g} for g in groups]
    assert all(len(m) == 1 for m in modules)
    assert len(groups) == 3 and sum(len(g) for g in groups) == len(checks)
    for group in groups:
        names = [e[0].name for e in group]
        assert names == [c.name for c in checks if c in [e[0] for e in group]]
    costs = [sum(e[0].quick_seconds for e in g) for g in groups]
    assert costs == sorted(costs, reverse=True)
    # a measured time of 1000 s on the last group's first check puts that group first
    last = groups[-1][0][0].name
    assert processes_pool.schedule(pending, {last: 1000.0})[0][0][0].name == last
