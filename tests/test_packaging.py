"""Packaging: one version, a license, an sdist that carries its tests, python -m scalinglaws."""

import configparser
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

import scalinglaws as sl

ROOT = Path(__file__).resolve().parents[1]


def _cfg():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    return cfg


def test_one_source_for_the_version():
    assert _cfg()["metadata"]["version"].strip() == "attr: scalinglaws.__version__"
    assert f"version: {sl.__version__}" in (ROOT / "CITATION.cff").read_text()


def test_license_file_and_metadata():
    meta = _cfg()["metadata"]
    assert meta["license"].strip() == "MIT" and meta["license_files"].strip() == "LICENSE"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_python_dash_m_runs_the_command():
    out = subprocess.run([sys.executable, "-m", "scalinglaws", "--version"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0 and sl.__version__ in out.stdout


@pytest.mark.slow
def test_sdist_carries_tests_docs_and_golden_files(tmp_path):
    pytest.importorskip("build")
    subprocess.run([sys.executable, "-m", "build", "--sdist", "-o", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    (sdist,) = tmp_path.glob("*.tar.gz")
    names = {n.split("/", 1)[1] for n in tarfile.open(sdist).getnames() if "/" in n}
    for needed in ("LICENSE", "CITATION.cff", "conftest.py", "docs/cli.md", "tests/test_cli.py",
                   "tests/golden"):
        assert needed in names, needed


def _wheel_venv(tmp_path):
    """A virtual environment with the package installed from a wheel (not editable); the
    dependencies come from this environment's site-packages."""
    import venv

    wheel_dir = tmp_path / "wheel"
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "-q", "-w", str(wheel_dir), str(ROOT)], capture_output=True, text=True,
                          timeout=600)
    if proc.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {proc.stderr.strip()[-300:]}")
    (wheel,) = wheel_dir.glob("scalinglaws-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # pip of the outer environment installs into the venv's prefix; --ignore-installed keeps the
    # outer (editable) install from satisfying the requirement
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed",
                    "--prefix", str(env_dir), str(wheel)], check=True, capture_output=True,
                   timeout=600)
    return python


def test_a_wheel_install_carries_every_subpackage(tmp_path):
    python = _wheel_venv(tmp_path)
    code = ("import scalinglaws as sl, scalinglaws.validators.engine as e, scalinglaws.derivations as d\n"
            "from scalinglaws.recipes import recipe\n"
            "from scalinglaws.validators.processes import fixed_point\n"
            "import pathlib\n"
            "print(pathlib.Path(sl.__file__).parent.parent.name)\n"
            "print(len(sl.laws()) > 200, len(d.derivations()) > 100, len(e.checks.all_checks()) > 300)\n")
    proc = subprocess.run([str(python), "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    where, counts = proc.stdout.split("\n")[:2]
    assert where == "site-packages"  # the installed copy, not the repository
    assert counts == "True True True"


@pytest.mark.slow
def test_docs_build_from_the_repository_root_after_a_wheel_install(tmp_path):
    pytest.importorskip("sphinx")
    python = _wheel_venv(tmp_path)
    proc = subprocess.run([str(python), "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                           "docs", str(tmp_path / "html")], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    assert (tmp_path / "html" / "papers" / "anytime.html").exists()
