"""The verification report: Markdown, LaTeX, JSON and one log-log PNG per check.

Everything is rendered from the JSON records of the checks (see
:func:`scalinglaws.validators.engine.verify.run_checks`), so a report can be rebuilt from a report
directory alone with :func:`write_report`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from .records import read_record

__all__ = ["write_report", "read_results", "plot_result", "paper_figures"]


def read_results(out: Path) -> list[dict]:
    """Every check record in ``out/checks``, sorted by check name."""
    records = []
    for path in sorted((Path(out) / "checks").glob("*.json")):
        record = read_record(path)
        if record is not None:  # a foreign or broken file is not a record
            records.append(record)
    return records


def _num(x, digits=4) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    return f"{x:.{digits}g}"


def _law_line(key: str) -> tuple[str, str]:
    """(status, citation) of a law, or ('?', '') when it is not in the catalogue."""
    import scalinglaws as sl

    try:
        law = sl.law(key)
    except sl.ScalingLawsError:
        return "?", ""
    return law.status, law.reference.citation()


def _tex_escape(text: str) -> str:
    repl = {"\\": r"\textbackslash{}", "_": r"\_", "&": r"\&", "%": r"\%", "#": r"\#",
            "$": r"\$", "{": r"\{", "}": r"\}", "^": r"\^{}", "~": r"\~{}"}
    return "".join(repl.get(ch, ch) for ch in text)


def _rows(results):
    from .verify import summary_rows

    return summary_rows(results)


def _provenance(settings) -> list[str]:
    """Package versions, git commit, date and platform of the run."""
    import datetime
    import importlib.metadata
    import platform
    import subprocess

    versions = []
    for name in ("scalinglaws", "numpy", "scipy", "sympy", "numba", "cupy"):
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5,
            cwd=Path(__file__).resolve().parent,
        ).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return [
        f"Run: {now}; git commit `{commit}`; {platform.platform()}, Python "
        f"{platform.python_version()}.",
        "",
        "Versions: " + ", ".join(versions) + ".",
    ]


def _prediction(row) -> str:
    return {"upper": "≤ ", "lower": "≥ "}.get(row.get("bound", "two"), "") + _num(row["predicted"])


def _backend_cell(record: dict) -> str:
    """The backend a check ran on; marked when it is not the one requested."""
    ran = record.get("backend") or "—"
    return f"{ran} ({record['backend_note']})" if record.get("backend_note") else ran


def _backend_lines(results, settings) -> list[str]:
    """How many checks ran on which backend, and how many not on the one requested."""
    counts: dict[str, int] = {}
    for r in results:
        counts[r.get("backend") or "?"] = counts.get(r.get("backend") or "?", 0) + 1
    if not counts:
        return []
    moved = sum(1 for r in results if r.get("backend_note"))
    text = "Backends that ran: " + ", ".join(f"{name} ({n} check(s))"
                                              for name, n in sorted(counts.items())) + "."
    if moved:
        text += (f" {moved} check(s) did not run on the requested `{settings.backend}`: their "
                 "process does not support it; the table says where each ran and why.")
    return [text, ""]


def _markdown(results, settings, figures=()) -> str:
    lines = [
        "# scalinglaws verification report",
        "",
        f"Settings: backend `{settings.backend}` requested, {'full' if settings.full else 'quick'} "
        f"sizes, seed {settings.seed}"
        + (f", predictions perturbed by {settings.perturb}" if settings.perturb else "") + ".",
        "",
        *_provenance(settings),
        "",
        "Every check returns a measurement and one judge decides, by the law's kind (see the "
        "docs, *Verification*): a deterministic curve by extrapolating its local slopes "
        "(the measured value is the extrapolated limit, its interval the spread of the admissible "
        "correction models), replicas by a bootstrap interval, a bound by the boundedness of the "
        "ratio. A check passes when the prediction agrees with the interval and the engine's "
        "negative control (the prediction off by 0.1, or 10 % for a scale) is rejected; it is "
        "*inconclusive* when the data cannot tell the two apart at these sizes. Exponents are "
        "slopes p of y ~ x^p unless the observable says otherwise; bounds show as ≤ / ≥.",
        "",
        *_backend_lines(results, settings),
        "| check | law | status | backend | predicted | measured [interval] | window | verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    details = []
    for r, row in zip(results, _rows(results)):
        status, citation = _law_line(r["law"])
        lo, hi = row["ci"]
        window = f"[{_num(row['window'][0])}, {_num(row['window'][1])}]" if row["window"] else "—"
        verdict = row["status"].upper()
        lines.append(
            f"| `{r['check']}` | `{r['law']}` | {status} | {_backend_cell(r)} | "
            f"{_prediction(row)} | {_num(row['measured'])} [{_num(lo)}, {_num(hi)}] | {window} | "
            f"**{verdict}** |"
        )
        v = r.get("verdict") or {}
        details.append(f"## `{r['check']}`")
        details.append("")
        details.append(f"Law `{r['law']}` ({status}; {citation}); kind `{v.get('kind', '?')}`; "
                       f"point {json.dumps(v.get('point', {}))}.")
        details.append(f"\nBackend: {r.get('backend', '—')}"
                       + (f" ({r['backend_note']})." if r.get("backend_note") else "."))
        if r.get("error"):
            details.append(f"\nError: `{r['error']}`")
        if v:
            details.append(f"\nTest: {v.get('test', '')}. Observable: {v.get('observable', '')}. "
                           f"Method: {v.get('method', '')}.")
            details.append(f"\nPredicted {_prediction(row)}; measured {_num(row['measured'])} "
                           f"[{_num(lo)}, {_num(hi)}]: **{row['status']}**.")
        models = (v.get("data") or {}).get("models")
        if models:
            parts = [f"{m['model']}" + (f" (ω = {m['omega']:.3g})" if m.get("omega") else "")
                     + (f" (u0 = {m['u0']:.3g})" if m.get("u0") else "")
                     + f": {_num(m['s_inf'])}" + (" [upper 2/3]" if m.get("upper") else "")
                     for m in models[:8]]
            details.append("\nAdmissible correction models and their limits: " + "; ".join(parts)
                           + ("; …" if len(models) > 8 else "") + ".")
        if v.get("settle"):
            details.append(f"\nWould settle near x = {_num(v['settle'].get('x'))}: "
                           f"{v['settle'].get('why', '')}.")
        if r.get("known_failure"):
            details.append(f"\nKnown failure (a finding): {r['known_failure']}")
        if v.get("notes"):
            details.append(f"\n{v['notes']}")
        control = v.get("negative_control")
        if control:
            details.append(f"\nNegative control: {json.dumps(control, allow_nan=False)}")
        for warning in v.get("warnings") or []:
            details.append(f"\nWarning: {warning}")
        if r.get("plot"):
            details.append(f"\n![{r['check']}]({r['plot']})")
        details.append("")
    counts = {k: sum(1 for r in results if r["status"] == k)
              for k in ("pass", "xpass", "inconclusive", "known-fail", "fail", "error")}
    lines += ["", f"{counts['pass'] + counts['xpass']}/{len(results)} checks passed; "
              f"{counts['inconclusive']} inconclusive at these sizes; {counts['known-fail']} "
              f"known failure(s) (findings: the law disagrees with our simulation, see below); "
              f"{counts['fail'] + counts['error']} failed.", ""]
    if settings.perturb:
        survivors = [r for r in results if r["status"] not in ("fail", "known-fail", "error")]
        lines += [f"Self-test (predictions perturbed by {settings.perturb}): "
                  f"{len(survivors)} check(s) did not fail and so cannot detect such an error "
                  "at these sizes:", ""]
        lines += [f"- `{r['check']}`: {r['status']} — "
                  + ("; ".join((r.get('verdict') or {}).get('warnings') or []) or
                     "the perturbed prediction still lies in the interval") for r in survivors]
        lines += [""]
    if figures:
        lines += ["## Figures", ""]
        for title, rel in figures:
            lines += [f"![{title}]({rel})", "", f"*{title}*", ""]
    lines += details
    return "\n".join(lines) + "\n"


def _latex(results, settings) -> str:
    lines = [
        r"\begin{table}[ht]",
        r"\centering",
        r"\begin{tabular}{llrrl}",
        r"\toprule",
        r"Check & Status & Predicted & Measured [interval] & Verdict \\",
        r"\midrule",
    ]
    for r, row in zip(results, _rows(results)):
        status, _ = _law_line(r["law"])
        lo, hi = row["ci"]
        pred = {"upper": r"$\le$ ", "lower": r"$\ge$ "}.get(row.get("bound", "two"), "")
        lines.append(
            f"\\texttt{{{_tex_escape(r['check'])}}} & {_tex_escape(status)} & "
            f"{pred}{_num(row['predicted'])} & {_num(row['measured'])} [{_num(lo)}, {_num(hi)}] & "
            f"{row['status']} \\\\"
        )
    lines += [
        r"\bottomrule",
        r"\end{tabular}",
        r"\caption{scalinglaws verification (backend " + _tex_escape(settings.backend)
        + (", full" if settings.full else ", quick") + f", seed {settings.seed}).}}",
        r"\label{tab:scalinglaws-verify}",
        r"\end{table}",
    ]
    return "\n".join(lines) + "\n"


def _paper_of(record: dict) -> str:
    """The paper of a check's record: its law's paper, as :attr:`checks.Check.paper` says."""
    return str(record.get("law", "")).split(".", 1)[0]


def paper_figures(results, plots_dir: Path) -> list[tuple[str, str]]:
    """Figures drawn across a paper's checks (a phase diagram, an IsoFLOP plot).

    A validator module ``scalinglaws.validators.<paper>`` may define
    ``report_figures(records, plots_dir) -> [(title, filename), ...]``; it receives that paper's
    records and writes PNGs into ``plots_dir``. Returns ``(title, "plots/<filename>")`` pairs. A
    figure that fails to draw is skipped with a warning: a report is never lost to a plot.
    """
    import importlib
    import warnings

    plots_dir = Path(plots_dir)
    by_paper: dict[str, list[dict]] = {}
    for r in results:
        by_paper.setdefault(_paper_of(r), []).append(r)
    figures = []
    for paper, records in sorted(by_paper.items()):
        if not paper.isidentifier():
            continue
        try:
            module = importlib.import_module(f"scalinglaws.validators.{paper}")
        except ImportError:
            continue
        hook = getattr(module, "report_figures", None)
        if hook is None:
            continue
        plots_dir.mkdir(parents=True, exist_ok=True)
        try:
            drawn = hook(records, plots_dir)
        except Exception as exc:  # a figure is an extra: never lose the report to it
            warnings.warn(f"{paper}: report figures failed: {exc}", RuntimeWarning, stacklevel=2)
            continue
        for title, name in drawn or []:
            figures.append((str(title), str(Path(plots_dir.name) / name)))
    return figures


def plot_result(record: dict, path: Path) -> bool:
    """Draw one check's data: measured points with their band, the fit, the prediction and the
    judged window (shaded), and under a log-log plot a panel of the local slopes with the
    extrapolated limit and the prediction. Never touches pyplot's global state; the PNG is
    written atomically. Returns False when there is nothing to plot."""
    fig = figure_for(record)
    if fig is None:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp, dpi=110)
    tmp.replace(path)
    return True


def _plot_job(job) -> bool:
    record, path = job
    return plot_result(record, path)


#: Version of the drawing code, part of each figure's digest: bump it when the figures change.
_PLOT_STYLE = 2
#: Record fields that do not change a check's figure (how long it took).
_NOT_DRAWN = ("seconds", "cpu_seconds", "plot")
#: ``plots/`` file holding, per PNG, the digest of the record it was drawn from.
_DRAWN_INDEX = "drawn.json"


def _figure_digest(record: dict) -> str:
    import hashlib

    data = {k: v for k, v in record.items() if k not in _NOT_DRAWN}
    data["_plot_style"] = _PLOT_STYLE
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _draw_all(jobs) -> list[bool]:
    """Draw every check's plot, on two worker processes when there are many (hundreds of
    figures take minutes on one core); in this process when a pool cannot start. A PNG drawn
    from the same record (same data, verdict and status; :data:`_DRAWN_INDEX`) is kept, not
    drawn again: a rerun that reproduces a check's numbers costs no drawing."""
    if not jobs:
        return []
    index_path = jobs[0][1].parent / _DRAWN_INDEX
    try:
        index = json.loads(index_path.read_text())
        index = index if isinstance(index, dict) else {}
    except (OSError, ValueError):
        index = {}
    digests = [_figure_digest(record) for record, _ in jobs]
    drawn: list = [None] * len(jobs)
    todo = []
    for i, ((record, path), digest) in enumerate(zip(jobs, digests)):
        if index.get(path.name) == digest and path.is_file():
            drawn[i] = True
        else:
            todo.append(i)
    results = _draw_jobs([jobs[i] for i in todo])
    for i, ok in zip(todo, results):
        drawn[i] = ok
        if ok:
            index[jobs[i][1].name] = digests[i]
        else:
            index.pop(jobs[i][1].name, None)
    if todo:
        from .verify import _write_atomic

        index_path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(index_path, json.dumps(index, indent=0, sort_keys=True))
    return drawn


def _draw_jobs(jobs) -> list[bool]:
    if len(jobs) < 40:
        return [_plot_job(job) for job in jobs]
    import concurrent.futures
    import multiprocessing

    try:
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as pool:
            return list(pool.map(_plot_job, jobs, chunksize=16))
    except (OSError, RuntimeError, concurrent.futures.process.BrokenProcessPool):
        return [_plot_job(job) for job in jobs]


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def _decade_label(value, _position=None) -> str:
    """``10⁶``-style label of a decade tick in plain text (Unicode superscripts): the default
    labels are mathtext, whose parsing was a sixth of the drawing time of a report."""
    if not value > 0:
        return ""
    exponent = math.log10(value)
    if abs(exponent - round(exponent)) > 1e-9:
        return f"{value:.3g}"
    return "10" + str(int(round(exponent))).translate(_SUPERSCRIPT)


def _few_log_ticks(axis) -> None:
    """At most ~6 labelled decades and no minor ticks: matplotlib makes a tick object (two
    lines, two texts) per tick, and over hundreds of figures the minor ticks of log axes cost
    most of the drawing time."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    axis.set_major_locator(LogLocator(numticks=6))
    axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(FuncFormatter(_decade_label))


def figure_for(record: dict):
    """The figure of one check's record (a ``matplotlib.figure.Figure``, made without pyplot),
    or None when the record has no curve to draw."""
    verdict = record.get("verdict") or {}
    data = verdict.get("data") or {}
    x, y = data.get("x"), data.get("y")
    if not x or not y:
        return None
    from matplotlib.figure import Figure

    local = data.get("local_slopes")
    fig = Figure(figsize=(5.5, 5.6 if local else 4))
    if local:
        ax, ax2 = fig.subplots(2, 1, height_ratios=(2.2, 1), sharex=True)
    else:
        ax, ax2 = fig.subplots(), None
    loglog = data.get("loglog", True)
    lo, hi = data.get("y_lo"), data.get("y_hi")
    if lo and hi:
        ax.fill_between(x, lo, hi, color="C0", alpha=0.25, lw=0, label="replica band")
    ax.plot(x, y, "o", ms=3, color="C0", label=data.get("label", "measured"))
    if data.get("fit_x") and data.get("fit_y"):
        ax.plot(data["fit_x"], data["fit_y"], "-", color="C1", label="fit")
    px = data.get("predicted_x") or data.get("fit_x")
    if px and data.get("predicted_y") and len(px) == len(data["predicted_y"]):
        ax.plot(px, data["predicted_y"], "--", color="C3", label="predicted")
    for extra in data.get("series", []) or []:
        ax.plot(extra["x"], extra["y"], extra.get("style", "s-"), ms=3, label=extra.get("label"))
    window = data.get("window") or verdict.get("window")
    if window:
        ax.axvspan(window[0], window[1], color="0.85", zorder=0, label="judged window")
    if loglog:
        ax.set_xscale("log")
        _few_log_ticks(ax.xaxis)
        if any(v is not None and v > 0 for v in y):  # a log axis needs a positive value
            ax.set_yscale("log")
            _few_log_ticks(ax.yaxis)
    ax.set_ylabel(data.get("ylabel", "y"))
    ax.set_title(f"{record['check']}: {record.get('status', '')}", fontsize=9, y=1.0)  # y: no auto layout
    ax.legend(fontsize=7)
    if ax2 is not None:
        ax2.plot(data.get("local_x"), local, ".-", color="C0", ms=3, label="local slopes")
        lim = data.get("slope_limit")
        if lim is not None:
            ax2.axhline(lim, color="C1", lw=1, label="extrapolated limit")
        if data.get("predicted_slope") is not None:
            ax2.axhline(data["predicted_slope"], color="C3", ls="--", lw=1, label="predicted")
        ax2.set_ylabel("local slope", fontsize=8)
        ax2.legend(fontsize=6)
    (ax2 or ax).set_xlabel(data.get("xlabel", "x"))
    # fixed margins: tight_layout cost as much as the drawing itself over hundreds of figures
    fig.subplots_adjust(left=0.15, right=0.97, top=0.93, bottom=0.1 if local else 0.13,
                        hspace=0.08)
    return fig


def write_report(results, settings, out: Path, *, plots: bool = True) -> Path:
    """Write ``report.md``, ``report.tex``, ``report.json`` and ``plots/*.png`` into ``out``."""
    from .verify import _safe_name, _write_atomic

    out = Path(out)
    results = [dict(r) for r in results]
    if plots:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            plots = False
    figures = []
    if plots:
        jobs = [(r, out / "plots" / f"{_safe_name(r['check'])}.png") for r in results]
        for r, drawn in zip(results, _draw_all(jobs)):
            if drawn:
                r["plot"] = str(Path("plots") / f"{_safe_name(r['check'])}.png")
    if plots:
        figures = paper_figures(results, out / "plots")
    _write_atomic(out / "report.md", _markdown(results, settings, figures))
    _write_atomic(out / "report.tex", _latex(results, settings))
    payload = {
        "settings": settings.to_dict(),
        "passed": all(r["status"] in ("pass", "xpass", "known-fail", "inconclusive")
                      for r in results),
        "results": [{k: v for k, v in r.items() if k != "traceback"} for r in results],
    }
    _write_atomic(out / "report.json", json.dumps(payload, indent=1, allow_nan=False))
    return out
