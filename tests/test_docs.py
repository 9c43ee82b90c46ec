"""The documentation: it builds without warnings, the generated catalogue shows every law with its
provenance, and the examples in the hand-written pages run and print what they say."""

from __future__ import annotations

import doctest
import html as htmllib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

import scalinglaws as sl
from scalinglaws.law import STATUS_MEANINGS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

_missing = [m for m in ("sphinx", "myst_parser") if importlib.util.find_spec(m) is None]
needs_sphinx = pytest.mark.skipif(
    bool(_missing), reason=f"documentation build needs {', '.join(_missing)} (pip install -e '.[docs]')"
)


def _text(html: str) -> str:
    """The visible text of an HTML page: tags dropped, entities and smart quotes undone."""
    text = re.sub(r"<[^>]+>", " ", html)
    text = htmllib.unescape(text).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split())


def _generate_module():
    spec = importlib.util.spec_from_file_location("_docs_generate", DOCS / "_generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: The tests that read the built HTML share one worker under ``-n 2 --dist loadgroup``: spread
#: over two, each worker built the whole documentation (45 s) for its share of them.
uses_build = pytest.mark.xdist_group("docs_build")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the HTML once for the module: (exit code, output, html dir)."""
    out = tmp_path_factory.mktemp("docs_html")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(DOCS), str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    return proc.returncode, proc.stdout + proc.stderr, out


@needs_sphinx
@uses_build
def test_docs_build_without_warnings(built):
    code, output, out = built
    assert code == 0, output
    assert (out / "index.html").is_file()
    assert (out / "papers" / "index.html").is_file()


@needs_sphinx
@uses_build
def test_maths_renders_offline(built):
    """MathJax ships with the docs: the pages load it from _static, never from a CDN."""
    code, output, out = built
    assert code == 0, output
    assert (out / "_static" / "mathjax" / "tex-chtml.js").is_file()
    page = (out / "quickstart.html").read_text(encoding="utf-8")
    assert "_static/mathjax/tex-chtml.js" in page
    for html in out.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "cdn.jsdelivr" not in text and "mathjax@" not in text, html


@needs_sphinx
@uses_build
def test_every_paper_gets_a_page_with_every_law(built):
    code, output, out = built
    assert code == 0, output
    gen = _generate_module()
    for paper in sl.papers():
        html = (out / "papers" / f"{paper.name}.html").read_text(encoding="utf-8")
        assert paper.arxiv in html
        for law in sl.laws(paper=paper.name):
            assert law.key in html, law.key
            assert f'id="{gen.law_label(law.key)}"' in html, law.key


@needs_sphinx
@uses_build
def test_anytime_page_shows_provenance_and_maths(built):
    code, output, out = built
    assert code == 0, output
    html = (out / "papers" / "anytime.html").read_text(encoding="utf-8")
    members = sl.laws(paper="anytime")
    # each law's key, and each status the paper uses with its meaning
    for law in members:
        assert law.key in html
    text = _text(html)
    used = {law.status for law in members}
    for status in used:
        assert f"Provenance: {status}" in text, status
        assert re.search(rf"{status}\s*:\s*{re.escape(STATUS_MEANINGS[status])}", text), status
    # our own laws say so in words, not only through the status name
    if used & {"derived", "hypothesis"}:
        assert "ours, not the paper's" in text
    # formulas are display maths for MathJax, not escaped text
    assert html.count('class="math notranslate nohighlight"') >= len(members)
    assert r"\tilde{\Theta}" in html
    assert "mathjax" in html.lower()


def test_generated_status_block_marks_our_laws():
    """Independent of Sphinx: a derived/hypothesis law reads as ours, a paper law does not."""
    gen = _generate_module()
    text = gen._Text([law.key for law in sl.laws()])
    for law in sl.laws():
        paper = sl.paper(law.paper)
        section = gen.law_section(law, paper, text)
        assert law.key in section
        assert law.latex(lhs=True) in section
        says_ours = "not the paper's" in section.split(":::")[1]
        assert says_ours == (law.status in gen.OURS), law.key
    assert gen.OURS == {"derived", "hypothesis"}


def test_escape_keeps_markup_literal():
    gen = _generate_module()
    text = gen._Text(["anytime.minimax_risk", "anytime.minimax_risk_exponent"])
    got = text.inline("E[w*_i^2] ~ i^-b, see anytime.minimax_risk_exponent and $x$.")
    assert r"E\[w\*\_i^2\] \~ i^\-b" in got
    assert "{ref}`anytime.minimax_risk_exponent <law-anytime-minimax-risk-exponent>`" in got
    assert r"\$x\$" in got
    # the shorter key is not matched inside the longer one
    assert "<law-anytime-minimax-risk>" not in got


def _demo_paper():
    """An unregistered paper with one law per status, awkward text and maths."""
    from sympy import Abs, Interval, oo

    from scalinglaws.law import Paper, Reference

    p = Paper("demo", arxiv="0000.00001", title="A | demo: *not* markup", register=False,
              summary="Uses $x$ and a_b_c and <html> and demo.square.",
              conventions="One step is one sample.")
    x = p.param("x", "a | piped *meaning* with [brackets]", domain=Interval.open(0, oo))
    y = p.param("y", "an integer", integer=True, latex=r"\upsilon")
    fam = p.family("fam", "Two phases split at x = 1.")
    for i, status in enumerate(STATUS_MEANINGS):
        p.law(f"law_{status}", quantity=f"quantity {i}: the norm |x - {i}|",
              expr=Abs(x - i) * y, regime=(x > i) if i else True,
              kind="upper" if i % 2 else "theta_log", where=f"Eq. ({i})", status=status,
              symbol=r"\|f_{%d}\|" % i if i % 2 else None, family=fam if i < 2 else None,
              notes="See demo.law_paper; also demo.law_paper_x is not a key.")
    p.law("other", quantity="from another paper", expr=x,
          reference=Reference(arxiv="1111.11111", where="Thm 9", status="derived",
                              title="Another paper", authors="Someone", year=2000))
    return p


@needs_sphinx
def test_generated_page_survives_awkward_registry_text(tmp_path):
    """A paper page with pipes, markup characters and |x| in maths builds without warnings and
    shows the registry's text literally."""
    gen = _generate_module()
    demo = _demo_paper()
    text = gen._Text(demo.laws)
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'sphinx.ext.mathjax']\n"
        "myst_enable_extensions = ['dollarmath', 'amsmath', 'colon_fence', 'deflist']\n"
    )
    (src / "index.md").write_text("# Demo\n\n```{toctree}\ndemo\n```\n")
    (src / "demo.md").write_text(gen.paper_page(demo, text))
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(src), str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = (tmp_path / "out" / "demo.html").read_text(encoding="utf-8")
    page = _text(html)
    assert "A | demo: *not* markup" in page
    assert "a | piped *meaning* with [brackets]" in page
    assert "Uses $x$ and a_b_c and <html> and demo.square." in page
    for status in STATUS_MEANINGS:
        assert f"Provenance: {status}" in page
        assert f"demo.law_{status}" in page
    assert page.count("ours, not the paper's") == 3  # derived, hypothesis, and the other law
    assert "a different paper from this page's" in page
    # maths reaches MathJax intact, pipes included (escaped for the table, unescaped after)
    assert r"\left|{x - 1}\right|" in html
    assert r"\|f_{1}\| \lesssim" in html
    assert r"\upsilon \in" in html
    # the key in the notes links to its section; the non-key does not
    assert 'href="#law-demo-law-paper"' in html
    assert "demo.law_paper_x is not a key" in page


# ---- the examples in the hand-written pages run ------------------------------------------------

_PYCON = re.compile(r"^```pycon\n(.*?)^```", re.S | re.M)


def _doc_examples():
    for page in sorted(DOCS.glob("*.md")):
        content = page.read_text(encoding="utf-8")
        blocks = [(content.count("\n", 0, m.start(1)), m.group(1)) for m in _PYCON.finditer(content)]
        if blocks:
            yield pytest.param(page, blocks, id=page.name)


@pytest.mark.parametrize("page, blocks", list(_doc_examples()))
def test_page_examples_run(page, blocks):
    """Each page's ``pycon`` blocks run in order, sharing one namespace, like a session."""
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    namespace: dict = {}
    report: list[str] = []
    for lineno, source in blocks:
        test = parser.get_doctest(source, namespace, page.name, str(page), lineno)
        assert test.examples, f"{page.name}:{lineno + 1}: a pycon block without examples"
        runner.run(test, out=report.append, clear_globs=False)
        namespace = test.globs
    assert runner.failures == 0, "".join(report)


# ---- the command-line examples print what the pages say ----------------------------------------

_CONSOLE = re.compile(r"^```console\n(.*?)^```", re.S | re.M)


def _console_sessions():
    """(page, line, command, expected output) for each ``$ scalinglaws ...`` in a console block;
    ``$ echo $?`` checks the exit status of the command before it."""
    for page in sorted(DOCS.glob("*.md")):
        content = page.read_text(encoding="utf-8")
        for match in _CONSOLE.finditer(content):
            first = content.count("\n", 0, match.start(1)) + 1
            commands: list[list] = []
            for offset, line in enumerate(match.group(1).splitlines()):
                if line.startswith("$ "):
                    commands.append([first + offset, line[2:], []])
                elif commands:
                    commands[-1][2].append(line)
            for lineno, command, output in commands:
                yield page, lineno, command, "\n".join(output) + "\n" if output else ""


def _run_cli(argv: list[str]) -> tuple[int, str]:
    import contextlib
    import io

    from scalinglaws.cli import main

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        code = main(argv)
    return code, buffer.getvalue()


_cli_missing = importlib.util.find_spec("scalinglaws.cli") is None


@pytest.mark.skipif(_cli_missing, reason="scalinglaws.cli is not there yet")
@pytest.mark.parametrize("page", sorted({s[0].name for s in _console_sessions()}))
def test_page_command_lines_print_what_they_say(page):
    import shlex

    checker = doctest.OutputChecker()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    failures, ran, last_code = [], 0, None
    for path, lineno, command, want in _console_sessions():
        if path.name != page:
            continue
        argv = shlex.split(command)
        if argv == ["echo", "$?"]:
            got = f"{last_code}\n"
        elif argv[:1] == ["scalinglaws"] and argv[1:2] != ["verify"]:
            last_code, got = _run_cli(argv[1:])
            ran += 1
        else:  # pip install ..., verify (runs simulations): not run here
            continue
        if not checker.check_output(want, got, flags):
            failures.append(f"{page}:{lineno}: $ {command}\n--- expected\n{want}--- got\n{got}")
    assert ran or page == "quickstart.md", f"{page}: no scalinglaws command was run"
    assert not failures, "\n".join(failures)


@pytest.mark.skipif(_cli_missing, reason="scalinglaws.cli is not there yet")
@pytest.mark.parametrize("command", ["list", "show", "eval", "phase", "table", "verify"])
def test_cli_reference_lists_exactly_the_real_options(command):
    """The synopsis of each subcommand in docs/cli.md names every option ``--help`` shows."""
    content = (DOCS / "cli.md").read_text(encoding="utf-8")
    section = re.search(rf"^## `{command}`\n(.*?)(?=^## |\Z)", content, re.S | re.M)
    assert section, f"docs/cli.md has no section for {command}"
    synopsis = re.search(r"^```text\n(.*?)^```", section.group(1), re.S | re.M)
    assert synopsis, f"the {command} section has no synopsis block"
    documented = set(re.findall(r"--[a-z][a-z-]*", synopsis.group(1)))
    code, help_text = _run_cli([command, "--help"])
    assert code == 0, help_text
    real = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", help_text)) - {"--help"}
    if command == "verify" and not real:
        pytest.skip("the verification engine is not installed")
    assert documented == real, f"documented only: {documented - real}; real only: {real - documented}"


def test_law_sections_show_the_derivation_and_the_checks(tmp_path, monkeypatch):
    gen = _generate_module()
    text = gen._Text([])
    monkeypatch.setenv("SCALINGLAWS_DOCS_REPORT", str(tmp_path / "none"))
    derived = sl.law("anytime.minimax_risk_exponent")
    section = gen.law_section(derived, sl.paper("anytime"), text)
    assert "**Derivation**" in section and "derive('anytime.minimax_risk_exponent')" in section
    assert "def minimax_risk_exponent" in section  # the SymPy source that runs
    assert "**Checks**" in section and "`anytime.minimax_risk_exponent" in section
    assert "no report at hand" in section
    # a law without a derivation says why; one without a check says why
    from scalinglaws.derivations import not_derived

    key, reason = next(iter(not_derived().items()))
    section = gen.law_section(sl.law(key), sl.paper(key.split(".")[0]), text)
    assert "Not derived: " in section and gen._escape(reason)[:40] in section
    # the steps as maths on request
    monkeypatch.setenv("SCALINGLAWS_DOCS_STEPS", "1")
    section = gen.law_section(derived, sl.paper("anytime"), text)
    assert "$$" in section.split("**Derivation**")[1] and "def minimax" not in section


def test_law_sections_show_the_last_verdicts_of_a_report(tmp_path, monkeypatch):
    report = tmp_path / "report"
    proc = subprocess.run(
        [sys.executable, "-m", "scalinglaws", "verify", "anytime.constant_lr_suffices",
         "--out", str(report), "--no-plots"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    gen = _generate_module()
    monkeypatch.setenv("SCALINGLAWS_DOCS_REPORT", str(report))
    section = gen.law_section(sl.law("anytime.constant_lr_suffices"), sl.paper("anytime"),
                              gen._Text([]))
    rows = [line for line in section.splitlines() if line.startswith("| `anytime.constant_lr")]
    assert rows and all("quick run" in row for row in rows)
    assert any(re.search(r"\| (pass|inconclusive|fail|known-fail)", row) for row in rows)


def test_two_parameter_families_get_a_phase_diagram(tmp_path):
    pytest.importorskip("matplotlib")
    gen = _generate_module()
    written = gen.generate(tmp_path)
    figures = sorted(p.name for p in (tmp_path / "_figures").glob("*.png"))
    assert "anytime.rate.png" in figures and "plrf_phases.eta.png" in figures
    page = (tmp_path / "anytime.md").read_text(encoding="utf-8")
    assert "```{figure} _figures/anytime.rate.png" in page
    assert all(p.exists() for p in written)
