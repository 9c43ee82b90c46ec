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
