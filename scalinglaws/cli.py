"""The ``scalinglaws`` command.

::

    scalinglaws list [--paper P] [--tag T] [--status S] [--json]
    scalinglaws show KEY [--report DIR] [--json]
    scalinglaws coverage [PAPER ...] [--missing] [--json]
    scalinglaws cite KEY|PAPER ... [--package]
    scalinglaws eval KEY name=value ... [--exponent VAR] [--dps N] [--json]
    scalinglaws phase PAPER_OR_FAMILY name=value ... [--json]
    scalinglaws table [KEY_OR_PAPER ...] [--paper P] [--tag T] [--format latex|markdown]
                      [--values name=value ...] [--columns c1,c2,...] [--caption C] [--label L]
                      [--fit auto|wrap|resize|none] [--width LENGTH]
    scalinglaws verify ...        (the verification engine, scalinglaws.validators)
    scalinglaws completion bash|zsh

Values are parsed by a restricted parser (:mod:`scalinglaws._parse`): ``a=3/2``, ``N=2**20``,
``eta=1e-3``, ``x=sqrt(2)``; nothing typed reaches ``eval``. Bad input (an unknown key, a
missing or unknown parameter, a value outside its domain, a point outside the regime, a
malformed value) prints one line ``scalinglaws: error: ...`` on stderr and exits with status 2.

>>> main(["eval", "anytime.optimal_decay_exponent", "a=1.5", "b=2"])
0.25
0
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import Sequence

__all__ = ["main"]

_PROG = "scalinglaws"
_NOT_INSTALLED = (
    "verify: the verification engine is not installed (pip install 'scalinglaws[validate]')"
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    0 on success, 2 on bad input (one ``scalinglaws: error: ...`` line on stderr) or a usage
    error; ``verify`` returns its own status. Output that standard output cannot encode (a
    non-UTF-8 ``PYTHONIOENCODING`` or locale and a ``Θ`` to print) or cannot take (a full
    disk) is an error too, never a traceback; 130 when interrupted.
    """
    try:
        code = _main(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # output piped into head & co.: stop quietly
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except UnicodeEncodeError as exc:
        encoding = getattr(sys.stdout, "encoding", None) or exc.encoding
        _error(f"cannot print {exc.object[exc.start:exc.end]!r} in the encoding {encoding!r} "
               "of standard output; set PYTHONIOENCODING=utf-8 (or a UTF-8 locale, LANG=C.UTF-8)")
        return 2
    except OSError as exc:  # standard output closed or full, a file that cannot be written
        reason = exc.strerror or " ".join(str(exc).split())
        where = f"{exc.filename!s:.200}" if exc.filename else "the output"
        _error(f"cannot write {where}: {reason}")
        return 2
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except ModuleNotFoundError as exc:  # an optional extra that is not installed
        root = (exc.name or "").split(".")[0]
        if root not in _EXTRA_OF:
            raise
        _error(f"{root} is not installed, and this command needs it: "
               f"pip install 'scalinglaws[{_EXTRA_OF[root]}]'")
        return 2


#: The extra that installs each optional dependency (setup.cfg [options.extras_require]).
_EXTRA_OF = {"scipy": "validate", "numba": "validate", "array_api_compat": "validate",
             "matplotlib": "plot", "cupy": "gpu", "cupy_backends": "gpu", "dask": "dask",
             "distributed": "dask"}


def _main(argv: Sequence[str] | None) -> int:
    from .errors import ScalingLawsError

    argv = list(sys.argv[1:] if argv is None else argv)
    if _command_of(argv) == "verify":
        _one_blas_thread()
    parser = _build_parser(load_verify=_command_of(argv) == "verify")
    try:
        args, extras = parser.parse_known_args(argv)
        if extras:
            # name=value pairs after an option (eval KEY --exponent N b=2) land here
            if args.command in ("eval", "phase") and not any(e.startswith("-") for e in extras):
                args.values += extras
            else:
                parser.error(f"unrecognized arguments: {' '.join(extras)}")
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 2
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.handler(args)
    except ScalingLawsError as exc:
        _error(str(exc))
        return 2


def _error(message: str) -> None:
    """Print ``scalinglaws: error: message`` as one line on stderr, whatever its encoding."""
    _error_line(f"{_PROG}: error: {message}")


def _error_line(text: str) -> None:
    line = " ".join(text.split()) + "\n"
    stream = sys.stderr
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        line.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        line = line.encode("ascii", "backslashreplace").decode("ascii")
    stream.write(line)
    stream.flush()


# ----------------------------------------------------------------------------------------------
# parser
# ----------------------------------------------------------------------------------------------


class _ArgumentParser(argparse.ArgumentParser):
    """argparse with a one-line usage error: ``PROG: error: MESSAGE; usage: ...`` (exit 2)."""

    def error(self, message):
        usage = " ".join(self.format_usage().split())
        _error_line(f"{self.prog}: error: {message}; {usage}")
        self.exit(2)


def _one_blas_thread() -> None:
    """``verify`` runs its BLAS calls on one thread unless the user chose otherwise: on a
    shared 2-core machine multi-threaded OpenBLAS eigh/SVD ran 3-50x slower than one thread
    (the default must never be slower than one thread). Set before NumPy is first imported."""
    import os

    if "numpy" in sys.modules:
        return
    for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


def _command_of(argv: Sequence[str]) -> str | None:
    """The sub-command named in ``argv`` (the first argument that is not an option)."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg
    return None


def _build_parser(load_verify: bool) -> argparse.ArgumentParser:
    from . import __version__
    from .law import STATUSES
    from .tables import COLUMNS

    parser = _ArgumentParser(
        prog=_PROG,
        description="Closed-form results of optimization theory: query, tabulate, verify.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("list", help="list the laws in the catalogue", description="One line per "
                       "law: key, kind, provenance status, what it gives.")
    p.add_argument("--paper", help="only the laws of this paper")
    p.add_argument("--tag", help="only the laws with this tag")
    p.add_argument("--status", help=f"only this provenance status ({', '.join(STATUSES)})")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_cmd_list)

    p = sub.add_parser("show", help="everything about one law", description="Expression, "
                       "regime, parameters, kind, conventions, reference and provenance status.")
    p.add_argument("key", help="the law's key, e.g. anytime.optimal_decay_exponent")
    p.add_argument("--report", default="scalinglaws-report", metavar="DIR",
                   help="verify report directory to read the checks' last verdicts from "
                   "(default: scalinglaws-report)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_cmd_show)

    p = sub.add_parser("coverage", help="which laws the checks read",
                       description="For every law: the quick checks that name it, or why it has "
                       "none (a declared reason), and the share of laws with numeric content "
                       "that a quick check can contradict.")
    p.add_argument("papers", nargs="*", metavar="PAPER", help="only these papers")
    p.add_argument("--missing", action="store_true",
                   help="list only the laws without a quick check (full-only, table, exempt, "
                   "missing)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_cmd_coverage)

    p = sub.add_parser(
        "eval", help="evaluate a law at a point",
        description="Evaluate a law (domains and regime checked) or, with --exponent, its "
        "leading power-law exponent in one variable. Values: 1.5, 3/2, 2**20, 1e-3, sqrt(2), pi.",
    )
    p.add_argument("key", help="the law's key")
    p.add_argument("values", nargs="*", metavar="name=value", help="parameter values")
    p.add_argument("--exponent", metavar="VAR", help="print the leading exponent of the law in "
                   "VAR (log factors dropped) at the values given (symbolic in those left out); "
                   "VAR's own value is not needed")
    p.add_argument("--dps", type=_positive_int, default=15, metavar="N",
                   help="significant digits to compute and print (default 15)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_cmd_eval)

    p = sub.add_parser("phase", help="which law of a phase diagram applies at a point",
                       description="Say which law of a phase family holds at a point, or that "
                       "the point is on a boundary.")
    p.add_argument("family", metavar="PAPER_OR_FAMILY", help="a family (anytime.rate) or a paper "
                   "with one family (anytime)")
    p.add_argument("values", nargs="*", metavar="name=value", help="parameter values")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_cmd_phase)

    p = sub.add_parser("table", help="a LaTeX or Markdown table of laws",
                       description="A table of laws; a paper or family name stands for its laws.")
    p.add_argument("items", nargs="*", metavar="KEY_OR_PAPER", help="law keys, papers, families")
    p.add_argument("--paper", action="append", default=[], metavar="P",
                   help="add every law of paper P (repeatable)")
    p.add_argument("--tag", help="keep only the laws with this tag")
    p.add_argument("--format", choices=("latex", "markdown"), default="latex",
                   help="output format (default latex: a booktabs table float)")
    p.add_argument("--values", nargs="+", action="append", metavar="name=value",
                   help="evaluate every law at this point (repeat --values for several points); "
                   "a tag name instead of a parameter selects laws: regime=II optimizer=adam "
                   "keeps the laws tagged regime=II and optimizer=adam")
    p.add_argument("--columns", help="comma-separated columns, from: " + ", ".join(COLUMNS))
    p.add_argument("--caption", help="table caption (LaTeX, inserted verbatim)")
    p.add_argument("--label", help="LaTeX label")
    p.add_argument("--fit", choices=("auto", "wrap", "resize", "none"), default="auto",
                   help="how a LaTeX table fits the page width (default auto: wrap the text "
                   "columns, and scale down only what still does not fit)")
    p.add_argument("--width", default=r"\linewidth", metavar="LENGTH",
                   help=r"the LaTeX width to fit (default \linewidth; \textheight for landscape)")
    p.set_defaults(handler=_cmd_table)

    p = sub.add_parser("cite", help="BibTeX for the papers behind laws",
                       description="BibTeX entries of the papers of the named laws, papers or "
                       "families (each paper once); --package adds the entry for scalinglaws.")
    p.add_argument("items", nargs="*", metavar="KEY|PAPER", help="law keys, papers, families")
    p.add_argument("--package", action="store_true", help="also cite the scalinglaws package")
    p.set_defaults(handler=_cmd_cite)

    p = sub.add_parser("completion", help="a shell completion script",
                       description="Print a completion script for bash or zsh (commands, options, "
                       "law keys, papers and families). Enable it with: "
                       "eval \"$(scalinglaws completion bash)\" (in ~/.bashrc), or zsh.")
    p.add_argument("shell", choices=("bash", "zsh"), help="the shell")
    p.set_defaults(handler=_cmd_completion)

    _add_verify(sub, load_verify)
    return parser


def _cmd_completion(args) -> int:
    """Print a bash (or zsh, through bashcompinit) completion script, generated from the parser
    and the registry: regenerate it after an upgrade."""
    import shlex

    from .registry import families, laws, papers

    parser = _build_parser(load_verify=True)
    commands = {}
    for action in parser._subparsers._group_actions:  # the sub-commands
        for name, sub in action.choices.items():
            commands[name] = sorted(o for a in sub._actions for o in a.option_strings)
    words = sorted({law.key for law in laws()} | {p.name for p in papers()} | set(families()))
    cases = "\n".join(f"        {name}) opts={shlex.quote(' '.join(opts))} ;;"
                       for name, opts in commands.items())
    script = f"""# scalinglaws {args.shell} completion (generated by: scalinglaws completion {args.shell})
_scalinglaws() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" cmd="${{COMP_WORDS[1]}}" opts
    if [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=( $(compgen -W {shlex.quote(' '.join(commands) + ' --help --version')} -- "$cur") )
        return
    fi
    case "$cmd" in
{cases}
        *) opts="" ;;
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
    else
        COMPREPLY=( $(compgen -W {shlex.quote(' '.join(words))} -- "$cur") )
    fi
}}
complete -F _scalinglaws scalinglaws
"""
    if args.shell == "zsh":
        script = "autoload -U +X bashcompinit && bashcompinit\n" + script
    sys.stdout.write(script)
    return 0


def _add_verify(sub, load: bool) -> None:
    """Register ``verify``; its options come from the engine, imported only when it runs."""
    help_text = "run the validators: simulate, fit, compare with the laws"
    p = sub.add_parser("verify", help=help_text, description=help_text.capitalize() + ".")
    if load:
        try:
            engine = _load_verify_engine()
        except ImportError:
            engine = None
        if engine is not None:
            engine.add_arguments(p)
            p.set_defaults(handler=engine.run)
            return
    p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(handler=_cmd_verify_missing)


def _load_verify_engine():
    """The verification engine (numpy, scipy, numba): imported only for ``verify``."""
    from scalinglaws.validators.engine import verify as engine

    return engine


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"expected an integer from 1 to 1000, got {value}")
    return value


# ----------------------------------------------------------------------------------------------
# commands
# ----------------------------------------------------------------------------------------------


def _cmd_list(args) -> int:
    from .registry import laws

    found = laws(paper=args.paper, tag=args.tag, status=args.status)
    if args.json:
        _print_json([item.to_dict() for item in found])
        return 0
    if not found:
        print("no laws match", file=sys.stderr)
        return 0
    key_width = max(len(item.key) for item in found)
    kind_width = max(len(item.kind) for item in found)
    status_width = max(len(item.status) for item in found)
    for item in found:
        print(f"{item.key:<{key_width}}  {item.kind:<{kind_width}}  "
              f"{item.status:<{status_width}}  {_shorten(item.quantity, 60)}")
    return 0


def _cmd_show(args) -> int:
    import sympy as sp

    from .law import KINDS
    from .registry import law
    from .tables import _KIND_PLAIN

    item = law(args.key)
    derivation, checks = _law_evidence(item, args.report)
    if args.json:
        _print_json({**item.to_dict(), "derivation": derivation, "checks": checks})
        return 0
    ref = item.reference
    plain = _KIND_PLAIN[item.kind].format(sp.sstr(item.expr))
    lines = [item.key, _wrap(item.quantity, "  "), ""]
    lines.append(_field("expression", f"{plain}"))
    lines.append(_field("LaTeX", item.latex(lhs=bool(item.symbol))))
    lines.append(_field("kind", f"{item.kind}: {KINDS[item.kind]}"))
    if item.conditions:
        lines.append(_field("regime", sp.sstr(item.conditions[0])))
        lines += [_field("", sp.sstr(c)) for c in item.conditions[1:]]
    else:
        lines.append(_field("regime", "all parameter values (no condition)"))
    lines.append(_field("parameters", ""))
    width = max((len(n) for n in item.params), default=0)
    for name, param in item.params.items():
        domain = param.to_dict()["domain"] + (", integer" if param.integer else "")
        lines.append(f"  {name:<{width}}  in {domain}: {param.meaning}")
    if item.scale_vars:
        lines.append(_field("scales in", ", ".join(item.scale_vars)))
    if item.family:
        lines.append(_field("phase family", item.family))
    if item.tags:
        lines.append(_field("tags", ", ".join(sorted(item.tags))))
    lines.append(_field("reference", ref.citation()))
    if ref.title:
        lines.append(_field("", ref.title))
    lines.append(_field("", ref.url))
    lines.append(_field("status", f"{ref.status}: {ref.status_meaning}"))
    if item.conventions:
        lines.append(_field("conventions", item.conventions))
    if item.notes:
        lines.append(_field("notes", item.notes))
    lines.append(_field("derivation", derivation["text"]))
    lines.append(_field("checks", checks["text"]))
    for row in checks["checks"]:
        lines.append(f"  {row['name']}  [{row['mode']}]  last verdict: {row['last']}")
    print("\n".join(lines))
    return 0


def _law_evidence(item, report: str) -> tuple[dict, dict]:
    """The law's derivation (or why it has none) and its checks with their last verdicts."""
    try:
        from scalinglaws.derivations import derivations, not_derived

        if item.key in derivations():
            derivation = {"derived": True, "text": f"derivations/{item.paper}.py derives it "
                          f"(scalinglaws.derivations.derive({item.key!r}))"}
        else:
            reason = not_derived().get(item.key, "none declared")
            derivation = {"derived": False, "text": f"not derived: {reason}"}
    except ImportError:  # pragma: no cover - derivations ship with the package
        derivation = {"derived": False, "text": "derivations not installed"}
    try:
        from scalinglaws.validators.engine.checks import all_checks
        from scalinglaws.validators.engine.coverage import last_verdicts
    except ImportError:
        return derivation, {"checks": [], "text": "verification engine not installed "
                            "(pip install 'scalinglaws[validate]')"}
    mine = [c for c in all_checks() if c.law_key == item.key]
    records = last_verdicts(report, [c.name for c in mine])
    rows = []
    for c in mine:
        record = records.get(c.name)
        if record is None:
            last = f"none in {report}/"
        elif record.get("status") == "error":
            last = f"error ({record.get('error', '')[:60]})"
        else:
            summary = _verdict_line(record["verdict"])
            mode = "full" if record.get("settings", {}).get("full") else "quick"
            last = f"{record['status']} ({mode} run{', stale' if record['stale'] else ''}): {summary}"
        rows.append({"name": c.name, "mode": "full only" if c.full_only else "quick",
                     "known_failure": c.known_failure, "last": last})
    if rows:
        text = f"{len(rows)} (run: scalinglaws verify {item.key})"
    elif item.unchecked:
        text = f"none: {item.unchecked}"
    else:
        text = "none (a gap in coverage: see scalinglaws coverage)"
    return derivation, {"checks": rows, "text": text}


def _verdict_line(v: dict) -> str:
    """predicted vs measured [ci] of a recorded verdict (None where the record has no number)."""
    def num(x):
        return "n/a" if x is None else f"{x:.4g}"

    ci = v.get("ci") or [None, None]
    relation = {"upper": " (bound: measured <= predicted)",
                "lower": " (bound: measured >= predicted)"}.get(v.get("bound"), "")
    return (f"predicted {num(v.get('predicted'))}{relation}, measured "
            f"{num(v.get('measured'))} [{num(ci[0])}, {num(ci[1])}]")


def _cmd_cite(args) -> int:
    from .cite import cite

    if not args.items and not args.package:
        print(f"{_PROG}: error: cite: name a law, a paper or a family (or --package)",
              file=sys.stderr)
        return 2
    print(cite(*args.items, package=args.package))
    return 0


def _cmd_coverage(args) -> int:
    try:
        from scalinglaws.validators.engine.coverage import law_coverage, summary
    except ImportError:
        print(_NOT_INSTALLED.replace("verify:", "coverage:"), file=sys.stderr)
        return 2
    from .registry import laws, paper

    chosen = None
    if args.papers:
        for name in args.papers:
            paper(name)  # an unknown paper raises UnknownKeyError (exit 2)
        chosen = [item for item in laws() if item.paper in args.papers]
    rows = law_coverage(chosen)
    total = summary(rows)
    shown = [r for r in rows if r.state != "quick"] if args.missing else rows
    if args.json:
        _print_json({"summary": total, "laws": [r.to_dict() for r in shown]})
        return 0
    width = max((len(r.key) for r in shown), default=0)
    for r in shown:
        detail = ", ".join(r.checks) if r.state == "quick" else (
            ", ".join(r.full_only_checks) if r.state == "full-only" else r.reason or "-")
        points = f"{len(r.checks)} pt" if r.state == "quick" else ""
        print(f"{r.key:<{width}}  {r.state:<9}  {points:>5}  {_shorten(detail, 84)}")
    print(
        f"{total['laws']} laws, {total['numeric']} with numeric content; a quick check reads "
        f"{total['quick_checked']} of those ({100 * total['quick_fraction']:.1f} %); "
        + ", ".join(f"{state} {total[state]}" for state in ("full-only", "table", "exempt",
                                                            "missing"))
        + f"; {total['regime_laws_two_points']} of the {total['regime_laws_checked']} "
        "quick-checked laws with a regime are checked at two or more points"
    )
    return 0


def _cmd_eval(args) -> int:
    import sympy as sp

    from .registry import law
    from .tables import _format_number

    item = law(args.key)
    values = _parse_assignments(args.values)
    shown = {k: sp.sstr(v) for k, v in values.items()}
    if args.exponent is not None:
        from .testing import _exponent_at

        # the exponent at the values given; symbolic in the parameters left out
        exact = _exponent_at(item, args.exponent, values, partial=True)
        text = _format_number(exact, args.dps) if exact.is_number else sp.sstr(exact)
        if args.json:
            _print_json({
                "key": item.key, "exponent_of": args.exponent,
                "exponent": sp.sstr(item.exponent(args.exponent)), "values": shown,
                "value": text if exact.is_number else None, "exact": sp.sstr(exact),
                "kind": item.kind, "status": item.status,
            })
        else:
            print(text)
        return 0
    # evaluate confirms the digits printed at two working precisions, or refuses
    text = _format_number(item.evaluate(dps=args.dps, **values), args.dps)
    if args.json:
        _print_json({"key": item.key, "values": shown, "value": text, "kind": item.kind,
                     "status": item.status})
    else:
        print(text)
    return 0


def _cmd_phase(args) -> int:
    from .errors import ScalingLawsError
    from .registry import phase
    from .tables import _format_number

    values = _parse_assignments(args.values)
    result = phase(args.family, **values)
    evaluated = {}
    for item in result.laws:
        if set(item.params) <= set(values):
            try:
                evaluated[item.key] = _format_number(
                    item.evaluate(**{k: values[k] for k in item.params})
                )
            except ScalingLawsError:
                pass
    if args.json:
        _print_json({
            "family": result.family,
            "point": {k: str(v) for k, v in values.items()},
            "on_boundary": result.on_boundary,
            "laws": [item.key for item in result.laws],
            "values": evaluated,
        })
        return 0
    print(result)
    for item in result.laws:
        print(f"  {item.key}: {_shorten(item.quantity, 70)}")
        if item.key in evaluated:
            print(f"    = {evaluated[item.key]}  [{item.kind}, {item.status}]")
    return 0


def _cmd_table(args) -> int:
    from .errors import ParameterError
    from .tables import table

    import scalinglaws as sl

    if not args.items and not args.paper:
        raise ParameterError("table: give law keys, paper or family names, or --paper P")
    items = _expand(args.items) if args.items else []
    for name in args.paper:
        items += [law for law in sl.laws(paper=name) if law not in items]
    if args.tag is not None:
        sl.laws(tag=args.tag)  # an unknown tag is an error with suggestions
        items = [law if not isinstance(law, str) else sl.law(law) for law in items]
        items = [law for law in items if args.tag in law.tags]
        if not items:
            raise ParameterError(f"table: no selected law has the tag {args.tag!r}")
    items = [law if not isinstance(law, str) else sl.law(law) for law in items]
    where, points = _split_values(args.values or [], items)
    columns = None
    if args.columns is not None:
        columns = [c.strip() for c in args.columns.split(",") if c.strip()]
        if not columns:
            raise ParameterError("--columns: give at least one column name")
    result = table(items, values=points or None, columns=columns, caption=args.caption,
                   label=args.label, where=where or None)
    if args.format == "latex":
        text = result.to_latex(fit=args.fit, width=args.width)
    else:
        text = result.to_markdown()
    sys.stdout.write(text)
    return 0


def _cmd_verify_missing(args) -> int:
    print(_NOT_INSTALLED, file=sys.stderr)
    return 2


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------

def _parse_assignments(texts: Sequence[str]) -> dict:
    from ._parse import parse_assignment
    from .errors import ParameterError

    values: dict = {}
    for text in texts:
        name, value = parse_assignment(text)
        if name in values:
            raise ParameterError(f"{name} is given twice")
        values[name] = value
    return values


def _split_values(groups: Sequence[Sequence[str]], items: Sequence) -> tuple[dict, list]:
    """Split ``--values`` groups into a tag selection and evaluation points.

    ``name=value`` with ``name`` a parameter of a selected law is part of a point (the value
    read by the restricted parser); with ``name`` a tag name (the laws carry ``name=...``
    tags, e.g. ``regime=II``) it selects the laws with that tag. A selection applies to the
    whole table, whichever ``--values`` group it appears in; a group with only selections
    gives no point.
    """
    import difflib

    from ._parse import parse_assignment
    from .errors import ParameterError
    from .tables import tag_names

    params = {name for item in items for name in item.params}
    tags = tag_names(items)
    where: dict = {}
    points = []
    for group in groups:
        texts = []
        for text in group:
            name, sep, value = text.partition("=")
            name, value = name.strip(), value.strip()
            if not sep or name in params:
                texts.append(text)
            elif name in tags:
                if not value:
                    parse_assignment(text)  # the parser's message for a missing value
                if name in where and where[name].lower() != value.lower():
                    raise ParameterError(f"{name} is given twice ({where[name]}, {value})")
                where[name] = value
            elif tags:
                known = sorted(params | set(tags))
                close = difflib.get_close_matches(name, known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ParameterError(
                    f"values: {name!r} is neither a parameter nor a tag name of the selected "
                    f"laws{hint}; parameters: {', '.join(sorted(params)) or 'none'}; tag names: "
                    f"{', '.join(tags)}"
                )
            else:
                texts.append(text)
        point = _parse_assignments(texts)
        if point:
            points.append(point)
    return where, points


def _expand(items: Sequence[str]) -> list:
    """Law keys, paper names and family names -> laws, in order, without repeats."""
    from .errors import UnknownKeyError
    from .registry import families, laws, papers

    known_laws = {item.key: item for item in laws()}
    paper_names = {p.name for p in papers()}
    family_names = families()
    out: dict = {}
    for name in items:
        if name in known_laws:
            group = [known_laws[name]]
        elif name in paper_names:
            group = laws(paper=name)
        elif name in family_names:
            group = laws(family=name)
        else:
            raise UnknownKeyError(
                "law, paper or family", name, list(known_laws) + sorted(paper_names)
                + list(family_names)
            )
        for item in group:
            out.setdefault(item.key, item)
    return list(out.values())


def _print_json(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _shorten(text: str, width: int) -> str:
    return textwrap.shorten(text, width=width, placeholder=" …")


def _field(name: str, text: str) -> str:
    head = f"{name + ':' if name else '':<14}"
    if not text:
        return head.rstrip()
    return textwrap.fill(text, width=96, initial_indent=head, subsequent_indent=" " * 14,
                         break_on_hyphens=False, break_long_words=False)


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(" ".join(text.split()), width=96, initial_indent=indent,
                         subsequent_indent=indent, break_on_hyphens=False)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
