"""Without an optional extra the package still works where it can, and says what to install
where it cannot: one line, exit 2, never a raw ModuleNotFoundError (issue 18, packaging)."""

import subprocess
import sys

import pytest


def _run(blocked, *args, timeout=300):
    code = ("import sys\n"
            f"for name in {list(blocked)!r}: sys.modules[name] = None\n"
            "from scalinglaws.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=timeout)


def test_core_works_without_numba_scipy_and_matplotlib():
    code = ("import sys\n"
            "for name in ('numba', 'scipy', 'matplotlib', 'cupy', 'dask'): sys.modules[name] = None\n"
            "import scalinglaws as sl\n"
            "print(sl.law('anytime.optimal_decay_exponent').evaluate(a=1.5, b=2))\n"
            "print(sl.table(paper='anytime').to_markdown()[:5])\n"
            "from scalinglaws.recipes import recipe\n"
            "print(recipe('mup.sgd', shape={'n': 64}, base={'n': 32}, lr=1.0).groups['input'].lr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[:3] == ["0.25", "| Key", "2.0"]


def test_verify_without_numba_runs_on_numpy(tmp_path):
    proc = _run(["numba"], "verify", "momentum_batch.sgd.serial_runtime", "--no-plots",
                "--out", str(tmp_path / "r"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "backend numpy" in proc.stdout


def test_asking_for_numba_without_it_is_one_line(tmp_path):
    proc = _run(["numba"], "verify", "momentum_batch.sgd.serial_runtime", "--backend", "numba",
                "--no-plots", "--out", str(tmp_path / "r"))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "numba" in lines[0] and "Traceback" not in proc.stderr


@pytest.mark.parametrize("blocked, extra", [("scipy", "validate"), ("numpy", None)])
def test_verify_without_its_extra_says_what_to_install(tmp_path, blocked, extra):
    proc = _run([blocked], "verify", "momentum_batch.sgd.serial_runtime", "--no-plots",
                "--out", str(tmp_path / "r"))
    if extra is None:  # numpy is a core dependency: its absence is a broken install, not an extra
        assert proc.returncode != 0
        return
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and f"scalinglaws[{extra}]" in lines[0], proc.stderr[-2000:]
