"""Sphinx configuration for the scalinglaws documentation.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``. The catalogue
pages under ``docs/papers/`` are generated from the registry when the builder starts (see
``docs/_generate.py``); that folder is git-ignored.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # for _generate

import scalinglaws  # noqa: E402  (installed, or importable from the repository root)

project = "scalinglaws"
author = "the scalinglaws developers"
copyright = "the scalinglaws developers"
release = scalinglaws.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.mathjax",
    # MathJax shipped with the docs (copied into _static/mathjax), so the maths renders offline
    "sphinx-mathjax-offline",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "README.md"]
templates_path: list[str] = []

nitpicky = False

# MyST: $...$ and $$...$$ maths, amsmath environments, ::: fences for directives, definition lists.
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]

# autodoc + napoleon (numpy-style docstrings)
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False

html_theme = "alabaster"
html_title = f"scalinglaws {release}"
html_theme_options = {
    "description": "Closed forms of optimization theory: query, derive, verify.",
    "fixed_sidebar": True,
}
html_static_path: list[str] = []


def _generate_catalogue(app) -> None:
    from _generate import generate

    generate(Path(app.srcdir) / "papers")
    from _full_sizes import generate as generate_full_sizes  # the full-size checks' table

    generate_full_sizes(Path(app.srcdir) / "papers")


def setup(app):
    app.connect("builder-inited", _generate_catalogue)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
