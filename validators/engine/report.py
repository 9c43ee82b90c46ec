"""The verification report: Markdown, LaTeX, JSON and one log-log PNG per check.

Everything is rendered from the JSON records of the checks (see
:func:`scalinglaws.validators.verify.run_checks`), so a report can be rebuilt from a report
directory alone with :func:`write_report`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

__all__ = ["write_report", "read_results", "plot_result", "paper_figures"]


def read_results(out: Path) -> list[dict]:
    """Every check record in ``out/checks``, sorted by check name."""
    records = []
    for path in sorted((Path(out) / "checks").glob("*.json")):
        records.append(json.loads(path.read_text()))
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


def _markdown(results, settings, figures=()) -> str:
    lines = [
        "# scalinglaws verification report",
        "",
        f"Settings: backend `{settings.backend}`, {'full' if settings.full else 'quick'} sizes, "
        f"seed {settings.seed}" + (f", predictions perturbed by {settings.perturb}" if settings.perturb else "")
        + ".",
        "",
        "A check passes when the prediction lies in the measured interval widened by the stated "
        "slack, and the negative control (the prediction shifted) is rejected by the same rule. "
        "Exponents are slopes p of y ~ x^p, so a rate law's value r (risk ~ N^-r) shows as -r. "
        "For a deterministic curve (an exact recursion) the interval is the window interval "
        "widened by the drift allowance, a systematic interval, not a confidence level.",
        "",
        "| check | law | status | predicted | measured [CI] | slack | window | verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    details = []
    for r, row in zip(results, _rows(results)):
        status, citation = _law_line(r["law"])
        lo, hi = row["ci"]
        window = f"[{_num(row['window'][0])}, {_num(row['window'][1])}]" if row["window"] else "—"
        verdict = row["status"].upper()
        lines.append(
            f"| `{r['check']}` | `{r['law']}` | {status} | {_num(row['predicted'])} | "
            f"{_num(row['measured'])} [{_num(lo)}, {_num(hi)}] | {_num(row['slack'])} | {window} | "
            f"**{verdict}** |"
        )
        v = r.get("verdict") or {}
        details.append(f"## `{r['check']}`")
        details.append("")
        details.append(f"Law `{r['law']}` ({status}; {citation}).")
        if r.get("error"):
            details.append(f"\nError: `{r['error']}`")
        if r.get("known_failure"):
            details.append(f"\nKnown failure (a finding): {r['known_failure']}")
        if v.get("notes"):
            details.append(f"\n{v['notes']}")
        if v.get("slack_reason"):
            details.append(f"\nSlack: {v['slack_reason']}")
        control = v.get("negative_control")
        if control:
            details.append(
                f"\nNegative control: {json.dumps(control, allow_nan=False)}"
            )
        for warning in v.get("warnings") or []:
            details.append(f"\nWarning: {warning}")
        if r.get("plot"):
            details.append(f"\n![{r['check']}]({r['plot']})")
        details.append("")
    passed = sum(1 for r in results if r["status"] in ("pass", "xpass"))
    known = sum(1 for r in results if r["status"] == "known-fail")
    lines += ["", f"{passed}/{len(results)} checks passed; {known} known failure(s) "
              "(findings: the law disagrees with our simulation, see below).", ""]
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
        r"\begin{tabular}{llrrrl}",
        r"\toprule",
        r"Check & Status & Predicted & Measured [95\% CI] & Slack & Verdict \\",
        r"\midrule",
    ]
    for r, row in zip(results, _rows(results)):
        status, _ = _law_line(r["law"])
        lo, hi = row["ci"]
        lines.append(
            f"\\texttt{{{_tex_escape(r['check'])}}} & {_tex_escape(status)} & "
            f"{_num(row['predicted'])} & {_num(row['measured'])} [{_num(lo)}, {_num(hi)}] & "
            f"{_num(row['slack'])} & {row['status']} \\\\"
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
    fitted window (shaded). Returns False when there is nothing to plot."""
    verdict = record.get("verdict") or {}
    data = verdict.get("data") or {}
    x, y = data.get("x"), data.get("y")
    if not x or not y:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 4))
    try:
        loglog = data.get("loglog", True)
        lo, hi = data.get("y_lo"), data.get("y_hi")
        if lo and hi:
            ax.fill_between(x, lo, hi, color="C0", alpha=0.25, lw=0, label="replica band")
        ax.plot(x, y, "o", ms=3, color="C0", label=data.get("label", "measured"))
        if data.get("fit_x"):
            ax.plot(data["fit_x"], data["fit_y"], "-", color="C1", label="fit")
        if data.get("predicted_x") or data.get("fit_x"):
            px = data.get("predicted_x") or data.get("fit_x")
            if data.get("predicted_y"):
                ax.plot(px, data["predicted_y"], "--", color="C3", label="predicted")
        for extra in data.get("series", []) or []:
            ax.plot(extra["x"], extra["y"], extra.get("style", "s-"), ms=3, label=extra.get("label"))
        window = data.get("window") or verdict.get("window")
        if window:
            ax.axvspan(window[0], window[1], color="0.85", zorder=0, label="fit window")
        if loglog:
            ax.set_xscale("log")
            ax.set_yscale("log")
        ax.set_xlabel(data.get("xlabel", "x"))
        ax.set_ylabel(data.get("ylabel", "y"))
        ax.set_title(record["check"], fontsize=9)
        ax.legend(fontsize=7)
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=110)
    finally:
        plt.close(fig)
    return True


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
    for r in results:
        if plots:
            rel = Path("plots") / f"{_safe_name(r['check'])}.png"
            if plot_result(r, out / rel):
                r["plot"] = str(rel)
    if plots:
        figures = paper_figures(results, out / "plots")
    _write_atomic(out / "report.md", _markdown(results, settings, figures))
    _write_atomic(out / "report.tex", _latex(results, settings))
    payload = {
        "settings": settings.to_dict(),
        "passed": all(r["status"] in ("pass", "xpass", "known-fail") for r in results),
        "results": [{k: v for k, v in r.items() if k != "traceback"} for r in results],
    }
    _write_atomic(out / "report.json", json.dumps(payload, indent=1, allow_nan=False))
    return out
