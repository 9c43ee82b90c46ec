"""``verify`` on Dask: a 2-worker LocalCluster gives the same records as a local run, resumes an
interrupted run, fans a check's replicas out as tasks, and fails in one line without Dask."""

import functools
import json
import subprocess
import sys

import numpy as np
import pytest

from scalinglaws.cli import main
from scalinglaws.validators.engine import Curve, Exponent
from scalinglaws.validators.engine import verify as verify_mod
from scalinglaws.validators.engine.checks import Check, Settings, all_checks
from scalinglaws.validators.engine.distributed import in_dask_task, task_map

distributed = pytest.importorskip("distributed")

#: Cheap real checks (well under a second each on numpy), skipped if renamed.
REAL = ("functional_scaling.exp_decay_intrinsic_time[eta_min=eta/K]",
        "muon_capacity.V0.map[lambda=0]")


def _real_checks():
    by_name = {c.name: c for c in all_checks()}
    return [by_name[n] for n in REAL if n in by_name]


def _replica(seed_and_index, exponent):
    """One replica curve: its own child stream of the run's seed (independent of who runs it)."""
    seed, r = seed_and_index
    x = np.logspace(1, 4, 40)
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(r + 1)[r])
    return x**exponent * np.exp(0.02 * rng.standard_normal(40))


def _synthetic(name, exponent=-0.75, *, calls=None, fan_out=False):
    """A check of plrf_phases.forcing_pp (at alpha = 1, beta = 0.25 the law's exponent is -0.75):
    16 replicas, drawn through task_map when ``fan_out``."""

    def run(settings):
        if calls is not None:  # a file: the check runs on a copy of itself on a worker
            with open(calls, "a") as f:
                f.write(name + "\n")
        x = np.logspace(1, 4, 40)
        pairs = [(settings.seed, r) for r in range(16)]
        one = functools.partial(_replica, exponent=exponent)
        rows = task_map(one, pairs) if fan_out else [one(p) for p in pairs]
        return Curve(x, np.array(rows), Exponent("r"),
                     point={"alpha": 1, "beta": 0.25, "B": 1, "gamma": 0.1}, window=(100, 1e4))

    return Check(name, "plrf_phases.forcing_pp", run, "synthetic", 0.1)


@pytest.fixture(scope="module")
def client():
    from scalinglaws.validators.engine.distributed import close_client, make_client

    c = make_client(workers=2, processes=False)
    yield c
    close_client(c)


def _comparable(record):
    """A record without what legitimately differs between two runs (wall time)."""
    return {k: v for k, v in record.items() if k not in ("seconds", "cpu_seconds")}


def test_dask_records_equal_local_records(client, tmp_path):
    checks = [_synthetic("d.plain"), _synthetic("d.fanned", fan_out=True), *_real_checks()]
    settings = Settings(backend="numpy", seed=5)
    local = {r["check"]: r for r in verify_mod.run_checks(checks, settings, tmp_path / "local")}
    remote = {r["check"]: r for r in verify_mod.run_checks(checks, settings, tmp_path / "dask",
                                                           client=client)}
    assert set(local) == set(remote) == {c.name for c in checks}
    for name in local:
        assert _comparable(remote[name]) == _comparable(local[name]), name
        assert remote[name]["status"] == "pass" or name in REAL
    # the records on disk are the same too (the report is rendered from them)
    for path in (tmp_path / "local" / "checks").glob("*.json"):
        a = _comparable(json.loads(path.read_text()))
        b = _comparable(json.loads((tmp_path / "dask" / "checks" / path.name).read_text()))
        assert a == b
    # the fanned-out replicas equal the plain ones: same seed, same numbers
    assert local["d.fanned"]["verdict"]["measured"] == local["d.plain"]["verdict"]["measured"]
    # another seed gives other numbers (the comparison above could not pass vacuously)
    other = list(verify_mod.run_checks(checks[:1], Settings(backend="numpy", seed=6),
                                       tmp_path / "other", client=client))
    assert other[0]["verdict"]["measured"] != local["d.plain"]["verdict"]["measured"]


def test_every_run_submits_under_keys_of_its_own(client, tmp_path, monkeypatch):
    """Dask returns the result still held under a key: a second run (another seed) that reused
    the first run's keys got the first run's numbers (seen once in CI)."""
    keys = []
    submit = client.submit

    def recording(*args, **kwargs):
        keys.append(kwargs.get("key"))
        return submit(*args, **kwargs)

    monkeypatch.setattr(client, "submit", recording)
    check = _synthetic("d.keys")
    held = [list(verify_mod.run_checks([check], Settings(backend="numpy", seed=s),
                                       tmp_path / str(s), client=client)) for s in (1, 2)]
    assert len(keys) == 2 and None not in keys and keys[0] != keys[1]
    assert held[0][0]["verdict"]["measured"] != held[1][0]["verdict"]["measured"]


def test_task_map_fans_out_only_inside_a_dask_task(client):
    assert not in_dask_task()
    here = task_map(lambda k: (k * k, in_dask_task()), range(5))
    assert here == [(k * k, False) for k in range(5)]
    there = client.submit(lambda: task_map(lambda k: (k * k, in_dask_task()), range(5)),
                          pure=False).result()
    assert there == [(k * k, True) for k in range(5)]  # each item ran as its own task


def test_interrupted_dask_run_resumes(client, tmp_path):
    calls = tmp_path / "calls.txt"
    checks = [_synthetic(f"d.r{i}", calls=calls) for i in range(4)]
    settings = Settings(backend="numpy", seed=1)
    first = []
    for result in verify_mod.run_checks(checks, settings, tmp_path, client=client):
        first.append(result)
        break  # the interrupt: the generator is closed, the other tasks are cancelled
    written = sorted(p.name for p in (tmp_path / "checks").glob("*.json"))
    assert written == [f"{first[0]['check']}.json"]
    assert not list((tmp_path / "checks").glob("*.tmp*"))
    kept = (tmp_path / "checks" / written[0]).read_text()
    calls.write_text("")
    resumed = {r["check"]: r for r in verify_mod.run_checks(checks, settings, tmp_path,
                                                            client=client)}
    ran = calls.read_text().split()
    assert first[0]["check"] not in ran  # the finished check was not run again
    # (a set: a cancelled task that had already started may still finish in the background)
    assert set(ran) == {c.name for c in checks if c.name != first[0]["check"]}
    assert (tmp_path / "checks" / written[0]).read_text() == kept
    local = {r["check"]: r for r in verify_mod.run_checks(checks, settings, tmp_path / "local")}
    for name, record in local.items():
        assert _comparable(resumed[name]) == _comparable(record)


def test_cli_dask_gives_the_local_report(tmp_path, capsys, monkeypatch):
    real = _real_checks()
    if not real:
        pytest.skip("the cheap real checks were renamed")
    from scalinglaws.validators.engine import distributed as dist

    monkeypatch.setattr(dist, "make_client",
                        functools.partial(dist.make_client, processes=False))
    names = [c.name for c in real]
    assert main(["verify", *names, "--backend", "numpy", "--no-plots", "--json",
                 "--out", str(tmp_path / "a")]) == 0
    local = json.loads(capsys.readouterr().out)
    assert main(["verify", *names, "--backend", "numpy", "--no-plots", "--json",
                 "--out", str(tmp_path / "b"), "--dask", "2"]) == 0
    remote = json.loads(capsys.readouterr().out)
    assert [r["check"] for r in remote["results"]] == [r["check"] for r in local["results"]]
    for a, b in zip(local["results"], remote["results"]):
        assert _comparable(a) == _comparable(b)


def test_missing_dask_is_one_clear_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    rc = main(["verify", "muon_capacity.V0.map[lambda=0]", "--backend", "numpy",
               "--out", str(tmp_path), "--dask"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1, err
    assert "pip install 'scalinglaws[dask]'" in err[0]
    assert not list((tmp_path / "checks").glob("*.json"))  # nothing ran


def test_unreachable_scheduler_is_a_parameter_error():
    from scalinglaws.errors import ParameterError
    from scalinglaws.validators.engine.distributed import make_client

    with pytest.raises(ParameterError, match="cannot reach a Dask scheduler"):
        make_client(address="tcp://127.0.0.1:9", timeout=1)


def test_bad_worker_count_is_a_usage_error(tmp_path, capsys):
    assert main(["verify", "--dask", "0", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "workers" in err[0]


def test_import_never_loads_dask():
    code = (
        "import sys\n"
        "import scalinglaws as sl\n"
        "import scalinglaws.validators.engine.verify, scalinglaws.validators.engine.distributed\n"
        "from scalinglaws.validators.engine.distributed import task_map\n"
        "assert task_map(abs, [-1, 2]) == [1, 2]\n"
        "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
