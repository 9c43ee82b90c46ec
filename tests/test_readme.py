"""The README's two set-up commands stay true: CI runs the README's test command verbatim."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bash_blocks(text):
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    blocks = _bash_blocks(readme)
    test_commands = [b for b in blocks if "pytest" in b and "\n" not in b]
    assert len(test_commands) == 1, test_commands
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_commands[0] in ci.splitlines()


def test_readme_main_job_is_verify():
    blocks = _bash_blocks((ROOT / "README.md").read_text())
    main_job = [b for b in blocks if "scalinglaws verify" in b and "pip install" in b]
    assert len(main_job) == 1
