"""Write the table of full-size checks (``docs/papers/full_sizes.inc``) from the check metadata.

``conf.py`` calls :func:`generate` when the builder starts, next to ``_generate.py``; the page
*Verification* includes the file. Each row comes from a check's ``@check(..., full_size=...,
h100_seconds=..., gpu=...)`` declaration (:func:`scalinglaws.validators.engine.checks.
full_size_table`), so a new full-size check appears without any change here.

Run it by hand with ``python docs/_full_sizes.py [OUTDIR]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

NAME = "full_sizes.inc"


def table() -> str:
    """The Markdown table, or a note when the verification engine is not installed here."""
    try:
        from scalinglaws.validators.engine.checks import full_size_table
    except ImportError as exc:  # docs built without the validate extra
        return (f"*(The table is generated from the checks; the verification engine could not "
                f"be imported here: {exc}. Install `scalinglaws[validate]` and rebuild.)*\n")
    return full_size_table()


def generate(outdir: str | Path) -> Path:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / NAME
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(table(), encoding="utf-8")
    tmp.replace(path)
    return path


if __name__ == "__main__":  # pragma: no cover - manual use
    print(generate(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "papers"))
