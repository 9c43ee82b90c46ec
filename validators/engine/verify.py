"""``scalinglaws verify``: run the checks, print a table, write a report; resumable.

Each finished check is written at once, atomically, to ``OUT/checks/<check>.json``; a run that is
interrupted (Ctrl-C, crash) resumes where it stopped unless ``--fresh`` is given, and loses no
finished check. A record carries a fingerprint of the law (expression, regime, kind), of the
check's code (its module's source), of the engine's judging code and of the package version; a
record whose fingerprint differs from the current one is never resumed: the check reruns.

Backends: a check runs on the requested backend when its process supports it (``@check(...,
gpu=True)`` for CuPy); otherwise on the nearest CPU backend (numba, then numpy), and its record
and the report say so ("ran on numba: cupy not supported by this check"). ``--strict-backend``
skips such checks instead (listed on stderr).

Dask: ``--dask [N]`` (a ``LocalCluster`` of N workers on this machine) or ``--scheduler ADDRESS``
(a running cluster) runs the checks as Dask tasks; each finished check comes back to this process,
which writes its record at once, exactly as a local run does (same seed, same numbers, whatever the
number of workers), so an interrupted cluster run resumes like a local one. Dask is optional
(``pip install 'scalinglaws[dask]'``) and imported only when asked for.

The exit status is 0 when no check failed (pass, inconclusive, and registered known failures
are not failures), 1 when a check failed or crashed, 2 on bad input, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import hashlib
import json
import math
import os
import sys
import time
import traceback
import warnings
from pathlib import Path

from scalinglaws.errors import ParameterError, ScalingLawsError

from .checks import Settings, select_checks
from .records import read_record

__all__ = ["add_arguments", "run", "run_checks", "CheckResult"]

RESULT_FORMAT = 2
#: Statuses that do not fail a run: ``inconclusive`` (the data cannot tell the law from its
#: negative control at these sizes), ``known-fail`` (a registered finding), ``xpass``.
_OK = ("pass", "xpass", "known-fail", "inconclusive")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``verify`` options to an argparse (sub)parser."""
    parser.add_argument(
        "targets", nargs="*", metavar="KEY|PAPER",
        help="checks, law keys or papers to verify (default: all)",
    )
    parser.add_argument("--full", action="store_true", help="full-size grids (GPU-sized)")
    parser.add_argument(
        "--backend", choices=("auto", "numpy", "numba", "cupy"), default="auto",
        help="array backend (auto: numba when installed, else numpy)",
    )
    parser.add_argument("--seed", type=int, default=0, help="root seed of every random stream")
    parser.add_argument(
        "--out", default="scalinglaws-report", metavar="DIR", help="report directory",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--fresh", action="store_true", help="ignore results of earlier runs")
    parser.add_argument("--list", action="store_true", help="list the checks and exit")
    parser.add_argument(
        "--perturb", default=0.0, metavar="DELTA",
        help="self-test: shift every prediction by DELTA, a number with |DELTA| < 1 such as 0.1 "
        "(the run must then fail)",
    )
    parser.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    parser.add_argument(
        "--strict-backend", action="store_true",
        help="skip the checks whose process cannot run on the requested backend (default: run "
        "them on the nearest CPU backend and say so in their record and the report)",
    )
    parser.add_argument(
        "--jobs", type=_jobs, default=None, metavar="N",
        help="run the checks on N worker processes of this machine, one thread each (default: "
        "the number of CPUs, at most 4; 1 runs them in this process); the records do not "
        "depend on N",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--dask", nargs="?", type=_workers, const=0, default=None, metavar="N",
        help="run the checks as Dask tasks on a LocalCluster of N worker processes on this "
        "machine (default N: the number of CPUs); needs pip install 'scalinglaws[dask]'. "
        "Put the targets before it (verify PAPER --dask 2)",
    )
    where.add_argument(
        "--scheduler", default=None, metavar="ADDRESS",
        help="run the checks as Dask tasks on the cluster whose scheduler is at ADDRESS "
        "(tcp://host:8786); the workers need the same scalinglaws installed",
    )


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of workers, got {text!r} (put the targets before --dask)"
        ) from None
    if not 1 <= value <= 1024:
        raise argparse.ArgumentTypeError(f"expected 1 to 1024 workers, got {value}")
    return value


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of processes, got {text!r}") from None
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError(f"expected 1 to 256 processes, got {value}")
    return value


def _resolve_backend(name: str) -> str:
    from ..processes.backend import require_backend

    if name == "auto":
        try:
            require_backend("numba")
            return "numba"
        except ScalingLawsError:
            return "numpy"
    require_backend(name)
    return name


class CheckResult(dict):
    """The JSON record of one finished check: ``check``, ``law``, ``settings``, ``seconds``,
    ``verdict`` (a Verdict as a dict) or ``error``, and ``status`` (pass, fail, error)."""

    @property
    def ok(self) -> bool:
        return self.get("status") in _OK


def _status(verdict, item) -> str:
    """The record's status from the verdict's outcome; a check registered as a known failure
    reads known-fail (still failing), xpass (now passing) or inconclusive."""
    if item.expected_to_fail and verdict.outcome == "fail":
        return "known-fail"
    if item.expected_to_fail and verdict.outcome == "pass":
        return "xpass"
    return verdict.outcome


def _source_hash(*paths) -> str:
    h = hashlib.sha256()
    for path in paths:
        try:
            h.update(Path(path).read_bytes())
        except OSError:
            h.update(str(path).encode())
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def _engine_stamp() -> tuple[str, str]:
    """(hash of the engine's judging code, package version): the same for every check of a run."""
    import importlib.metadata

    engine_dir = Path(__file__).parent
    try:
        version = importlib.metadata.version("scalinglaws")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return _source_hash(*(engine_dir / f for f in ("judge.py", "fit.py", "measurement.py"))), version


def fingerprint(item) -> dict:
    """What a record must match to be resumed: the law (key, expression, regime, kind), the
    check's code (the source of the module that defines it), the engine's judging code and the
    package version."""
    import inspect

    import sympy as sp

    import scalinglaws as sl

    law = sl.law(item.law_key)
    law_text = "|".join([law.key, sp.srepr(law.expr), sp.srepr(law.regime), law.kind])
    try:
        check_file = inspect.getsourcefile(item.run)
    except TypeError:
        check_file = None
    engine, version = _engine_stamp()
    return {
        "law": hashlib.sha256(law_text.encode()).hexdigest()[:16],
        "check": _source_hash(check_file) if check_file else item.name,
        "engine": engine,
        "version": version,
    }


_NAME_ESCAPES = {"<": "_lt_", ">": "_gt_"}  # k<l and k>l must not share a record


def _safe_name(name: str) -> str:
    """A check's name as a file name (records, plots); distinct checks get distinct names
    (tested over every registered check)."""
    return "".join(_NAME_ESCAPES.get(ch, ch if ch.isalnum() or ch in "._-" else "_")
                   for ch in name)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, path)


def _load_previous(path: Path, settings: Settings, stamp: dict) -> CheckResult | None:
    data = read_record(path)
    if data is None:
        return None
    if data.get("format") != RESULT_FORMAT or data.get("settings") != settings.to_dict():
        return None
    if data.get("fingerprint") != stamp:
        return None  # the law, the check or the engine changed: rerun
    if data.get("status") == "error":
        return None  # errors are retried
    return CheckResult(data)


def _backend_note(item, requested: str, chosen: str, ran: str) -> str:
    """Why the process ran on ``ran`` when ``requested`` was asked for (``""`` if it did not, or
    if both are CPU backends the check supports: a recursion that numba asked for and numpy
    integrates is shown by the record's ``backend`` alone)."""
    if ran == requested:
        return ""
    if requested not in item.backends:
        return f"ran on {ran}: {requested} not supported by this check"
    if requested == "cupy":
        return f"ran on {ran}: the check's process runs on {ran} ({requested} requested)"
    return ""


def _run_one(item, settings: Settings, stamp: dict) -> dict:
    """Measure and judge one check under ``settings`` (the requested ones): the process runs on
    the backend the check supports (:meth:`Check.backend_for`); the record says where it ran.
    A check that raises is recorded as an error; KeyboardInterrupt propagates."""
    from .fit import UnsettledFitWarning
    from .judge import judge

    started, cpu_started = time.perf_counter(), time.process_time()
    chosen = settings.backend
    try:
        chosen, _ = item.backend_for(settings.backend)
        run_settings = dataclasses.replace(settings, backend=chosen)
        with warnings.catch_warnings():
            # fit warnings are recorded in the verdict; keep the progress display clean
            warnings.simplefilter("ignore", UnsettledFitWarning)
            measurement = item.measure(run_settings)
            verdict = judge(item, measurement, run_settings)
        ran = getattr(measurement, "backend", "") or chosen
        return dict(
            format=RESULT_FORMAT, check=item.name, law=item.law_key,
            settings=settings.to_dict(), seconds=time.perf_counter() - started,
            cpu_seconds=time.process_time() - cpu_started,
            verdict=verdict.to_dict(), status=_status(verdict, item),
            known_failure=item.known_failure, fingerprint=stamp, backend=ran,
            backend_requested=settings.backend,
            backend_note=_backend_note(item, settings.backend, chosen, ran),
        )
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # a crashing check is a failed check, recorded
        return dict(
            format=RESULT_FORMAT, check=item.name, law=item.law_key,
            settings=settings.to_dict(), seconds=time.perf_counter() - started,
            error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc(),
            status="error", fingerprint=stamp, backend=chosen,
            backend_requested=settings.backend,
            backend_note=_backend_note(item, settings.backend, chosen, chosen),
        )


def lost_record(item, settings: Settings, stamp: dict, exc: BaseException) -> dict:
    """The error record of a check whose task failed outside the check (a worker died, the
    check could not be sent): recorded as an error, rerun by the next run."""
    return dict(
        format=RESULT_FORMAT, check=item.name, law=item.law_key,
        settings=settings.to_dict(), seconds=0.0, error=f"{type(exc).__name__}: {exc}",
        traceback="".join(traceback.format_exception(exc)),
        status="error", fingerprint=stamp, backend=settings.backend,
    )


def _registered(item) -> bool:
    from .checks import _CHECKS

    return _CHECKS.get(item.name) is item


def run_checks(checks, settings: Settings, out: Path, *, fresh=False, progress=None,
               client=None, jobs: int = 1):
    """Run ``checks`` (reusing finished results in ``out`` unless ``fresh``); yield results.

    Locally (``client=None``, ``jobs=1``) the checks run one after the other and are yielded in
    order. With ``jobs > 1`` the registered checks run on that many worker processes
    (:mod:`.processes_pool`; a run expected to take under ``MIN_SECONDS`` stays here), with a
    ``dask.distributed.Client`` as Dask tasks; either way they are yielded as they finish
    (finished records first) and each record is written here as soon as it arrives, so closing
    the generator early (an interrupt) keeps every finished check and cancels the rest. The
    records do not depend on ``jobs`` or on the number of Dask workers.
    """
    from .processes_pool import MIN_SECONDS

    check_dir = out / "checks"
    entries = []  # (check, record path, fingerprint, finished record or None)
    for item in checks:
        path = check_dir / f"{_safe_name(item.name)}.json"
        stamp = fingerprint(item)
        entries.append((item, path, stamp,
                        None if fresh else _load_previous(path, settings, stamp)))
    pending = []
    pooled = set()
    if client is None and jobs > 1:
        waiting = [item for item, _, _, previous in entries
                   if previous is None and _registered(item)]
        expected = sum(float(item.quick_seconds) for item in waiting)
        if len(waiting) >= 2 and (settings.full or expected >= MIN_SECONDS):
            pooled = {item.name for item in waiting}
    for index, (item, path, stamp, previous) in enumerate(entries, 1):
        if previous is None and (client is not None or item.name in pooled):
            pending.append((item, path, stamp))
            continue
        if progress:
            progress.start(index, len(checks), item, resumed=previous is not None)
        if previous is not None:
            result = previous
        else:
            result = CheckResult(_run_one(item, settings, stamp))
            _write_atomic(path, json.dumps(result, indent=1, allow_nan=False))
        if progress:
            progress.done(result)
        yield result
    if pending:
        if client is not None:
            from .distributed import run_on_dask

            finished = run_on_dask(client, pending, settings, _run_one)
            where = "dask"
        else:
            from .processes_pool import run_in_processes

            finished = run_in_processes(pending, settings, jobs,
                                        progress.estimates if progress else None)
            where = f"{jobs} jobs"
            if progress:
                progress.parallel = jobs
        done = len(checks) - len(pending)
        try:
            for item, path, record in finished:
                done += 1
                result = CheckResult(record)
                _write_atomic(path, json.dumps(result, indent=1, allow_nan=False))
                if progress:
                    progress.start(done, len(checks), item, resumed=False, remote=where)
                    progress.done(result)
                yield result
        finally:
            finished.close()


def measured_seconds(out: Path, checks, settings: Settings) -> dict[str, float]:
    """``{check name: seconds}`` of the last recorded run of each check in ``out`` with the same
    size (quick or full) and backend, whatever its result or fingerprint: the time estimates of
    the progress display, from measured runs rather than the checks' declared estimates."""
    found = {}
    for item in checks:
        path = out / "checks" / f"{_safe_name(item.name)}.json"
        data = read_record(path)
        if data is None:
            continue
        old = data["settings"]
        seconds = data.get("seconds")
        if (old.get("full") == settings.full and old.get("backend") == settings.backend
                and isinstance(seconds, (int, float)) and seconds >= 0):
            found[item.name] = float(seconds)
    return found


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class _Progress:
    """The progress display on stderr: one line per check, with a bar that fills by expected
    time (measured times of earlier runs where ``out`` has them, else the checks' declared
    estimates), the estimated time left, and, on a terminal, the time a long check has been
    running, updated every second while it runs."""

    def __init__(self, stream=None, estimates: dict | None = None, tick: float = 1.0):
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.estimates = dict(estimates or {})
        self.tick = tick
        self.parallel = 1  # checks running at once (worker processes of --jobs)
        self.unplanned = False
        self.total_expected = None
        self.expected_done = 0.0
        self.spent = 0.0
        self._line = ""
        self._ticker = None
        self._stop = None

    def expected(self, item) -> float:
        """The check's expected seconds: measured in an earlier run, else its estimate (1 for
        every check when the run was not planned)."""
        if self.unplanned:
            return 1.0
        return self.estimates.get(item.name, float(item.quick_seconds))

    def plan(self, checks) -> None:
        """The checks about to run, for the bar and the time left."""
        self.total_expected = sum(self.expected(c) for c in checks) or 1.0

    def _bar(self, fraction: float, width: int = 20) -> str:
        filled = min(width, int(width * fraction + 1e-9))
        return "#" * filled + "." * (width - filled)

    def start(self, index, total, item, resumed, remote=""):
        if self.total_expected is None:  # not planned: every check counts the same
            self.total_expected = float(total)
            self.estimates = {}
            self.unplanned = True
        expect = self.expected(item)
        self._last_expected, self._resumed = expect, bool(resumed)
        fraction = self.expected_done / self.total_expected
        measured = "measured" if item.name in self.estimates else "estimate"
        if resumed:
            what = "resumed"
        elif remote:  # where it ran instead: "dask", "2 jobs"
            what = remote
        else:
            what = f"~{expect:.0f}s {measured}"
        left = ""
        if self.expected_done > 0 and self.spent > 0:
            # scale what is left by how the run has gone so far against the expectations
            pace = self.spent / self.expected_done
            left = pace * (self.total_expected - self.expected_done) / self.parallel
            left = f", {_duration(left)} left"
        self._line = f"[{self._bar(fraction)}] {index}/{total} {item.name} ({what}{left})"
        self._started = time.perf_counter()
        self._write(self._line)
        if self.tty and not resumed and not remote:
            self._start_ticker()

    def _write(self, line: str) -> None:
        self.stream.write(("\r\033[K" + line) if self.tty else line)
        self.stream.flush()

    def _start_ticker(self) -> None:
        import threading

        stop = threading.Event()

        def run():
            while not stop.wait(self.tick):
                self._write(f"{self._line} {_duration(time.perf_counter() - self._started)}")

        self._stop = stop
        self._ticker = threading.Thread(target=run, daemon=True)
        self._ticker.start()

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._stop.set()
            self._ticker.join()
            self._ticker = None
            self._write(self._line)

    def done(self, result):
        self._stop_ticker()
        seconds = float(result.get("seconds", 0) or 0)
        if self._resumed:  # reused, not run: it neither takes time nor tells the pace
            self.total_expected = max(self.total_expected - self._last_expected, 1e-9)
        else:
            self.expected_done += self._last_expected
            self.spent += seconds
        tail = f" {result['status'].upper()} {seconds:.1f}s"
        if result.get("backend_note"):
            tail += f" ({result['backend_note']})"
        self.stream.write(tail + "\n")
        self.stream.flush()

    def finish(self, total: int, seconds: float) -> None:
        """The full bar and the run's time, once every check has a result."""
        self.stream.write(f"[{self._bar(1.0)}] {total}/{total} checks in {_duration(seconds)}\n")
        self.stream.flush()


def _format_number(x) -> str:
    return "—" if x is None else f"{x:.4g}"


def summary_rows(results) -> list[dict]:
    """One row per result: check, law, predicted, measured, ci, window, verdict."""
    rows = []
    for r in results:
        v = r.get("verdict") or {}
        ci = v.get("ci") or (None, None)
        window = v.get("window")
        rows.append(
            {
                "check": r["check"],
                "law": r["law"],
                "predicted": v.get("predicted"),
                "measured": v.get("measured"),
                "ci": ci,
                "bound": v.get("bound", "two"),
                "window": window,
                "settle": (v.get("settle") or {}).get("x"),
                "status": r["status"],
                "error": r.get("error"),
                "backend": r.get("backend"),
                "backend_note": r.get("backend_note", ""),
            }
        )
    return rows


def format_prediction(value, bound: str) -> str:
    """A prediction as a bound reads (``<= p`` for an upper bound, ``>= p`` for a lower one)."""
    sign = {"upper": "<= ", "lower": ">= "}.get(bound, "")
    return sign + _format_number(value)


def format_table(results) -> str:
    """The plain-text table printed at the end of a run."""
    header = ("check", "predicted", "measured [CI]", "window", "verdict")
    lines = []
    for row in summary_rows(results):
        lo, hi = row["ci"]
        measured = (
            f"{_format_number(row['measured'])} [{_format_number(lo)}, {_format_number(hi)}]"
            if row["measured"] is not None
            else "—"
        )
        window = (
            f"[{_format_number(row['window'][0])}, {_format_number(row['window'][1])}]"
            if row["window"]
            else "—"
        )
        verdict = row["status"].upper() + (f" ({row['error']})" if row["error"] else "")
        if row["status"] == "xpass":
            verdict += " (registered as a known failure: the finding no longer stands)"
        if row["status"] == "inconclusive" and row["settle"]:
            verdict += f" (settles near x = {row['settle']:.3g})"
        if row["backend_note"]:
            verdict += f" ({row['backend_note']})"
        lines.append(
            (row["check"], format_prediction(row["predicted"], row["bound"]), measured,
             window, verdict)
        )
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines)] if lines else []
    out = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths))]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(str(c).ljust(w) for c, w in zip(line, widths)) for line in lines]
    return "\n".join(out)


def _backend_summary(results, requested: str) -> str:
    """``"3 ran on numba (cupy not supported by them); "`` or ``""`` when all ran as asked."""
    moved: dict[str, int] = {}
    for r in results:
        ran = r.get("backend") or requested
        if r.get("backend_note"):
            moved[ran] = moved.get(ran, 0) + 1
    if not moved:
        return ""
    parts = ", ".join(f"{n} on {name}" for name, n in sorted(moved.items()))
    return f"{parts} instead of {requested} (see each check's note); "


#: Largest |--perturb|: a relative shift of 1 or more would make a positive scale non-positive.
_MAX_PERTURB = 1.0
#: Seeds are non-negative integers below this (numpy's SeedSequence refuses negative ones).
_MAX_SEED = 2**128


def _perturbation(value) -> float:
    """``--perturb``'s value as a float: finite, with |DELTA| < 1; else a ParameterError."""
    text = str(value).strip() if not isinstance(value, float) else repr(value)
    try:
        delta = float(value)
    except (TypeError, ValueError, OverflowError):
        delta = None
    if delta is None or not math.isfinite(delta) or abs(delta) >= _MAX_PERTURB:
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise ParameterError(
            f"--perturb: expected a finite number with |DELTA| < {_MAX_PERTURB:g} (a self-test "
            f"shift such as 0.1), got {shown!r}"
        )
    return delta


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < _MAX_SEED:
        shown = "a huge number" if isinstance(seed, int) and seed.bit_length() > 200 else seed
        raise ParameterError(f"--seed: expected a non-negative integer below 2**128, got {shown}")
    return seed


def _writable_out(path) -> Path:
    """The report directory, created and tried before any check runs (a run of minutes must
    not end on an unwritable path); a ParameterError names the problem."""
    text = str(path)
    if not text.strip():
        raise ParameterError("--out: the report directory is empty; give a directory")
    out = Path(text)
    shown = text if len(text) <= 80 else text[:77] + "..."
    try:
        if out.exists() and not out.is_dir():
            raise ParameterError(
                f"--out: {shown!r} is a file, not a directory; give a directory for the report"
            )
        probe = out / "checks" / f".write-test-{os.getpid()}"
        probe.parent.mkdir(parents=True, exist_ok=True)
        probe.write_text("")
        probe.unlink()
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        reason = getattr(exc, "strerror", None) or " ".join(str(exc).split())
        raise ParameterError(f"--out: cannot write the report into {shown!r}: {reason}") from None
    return out


def _dask_client(args):
    """The Dask client ``--dask``/``--scheduler`` ask for, or None for a plain local run."""
    workers = getattr(args, "dask", None)
    address = getattr(args, "scheduler", None)
    if workers is None and address is None:
        return None
    from .distributed import make_client

    return make_client(address=address, workers=workers or None)


def run(args: argparse.Namespace) -> int:
    """Entry point of ``scalinglaws verify`` (argparse namespace from :func:`add_arguments`).

    Bad options (``--perturb nan``, a negative ``--seed``, an ``--out`` that is a file or cannot
    be written) raise :class:`~scalinglaws.errors.ParameterError` before any check runs.
    """
    perturb = _perturbation(args.perturb)
    seed = _check_seed(args.seed)
    checks = select_checks(tuple(args.targets))
    if args.list:
        for item in checks:
            cost = f"~{item.quick_seconds:.0f}s " + ("full only" if item.full_only else "quick")
            cost += ", gpu" if item.gpu else ""
            print(f"{item.name}  ({item.law_key}, {cost})  {item.description}")
        return 0
    skipped = [] if args.full else [c for c in checks if c.full_only]
    out = _writable_out(args.out) if len(skipped) < len(checks) else None
    if skipped:
        checks = [c for c in checks if not c.full_only]
        names = ", ".join(c.name for c in skipped)
        if not checks:  # one line, as every bad-input error
            sys.stderr.write(
                f"scalinglaws: error: nothing to verify in quick mode: the selected check(s) "
                f"run only with --full (too small to resolve their law at quick sizes): {names}\n"
            )
            return 2
        sys.stderr.write(
            f"{len(skipped)} check(s) run only with --full (too small to resolve their law at "
            f"quick sizes): {names}\n"
        )
    backend = _resolve_backend(args.backend)
    if getattr(args, "strict_backend", False):
        elsewhere = [c for c in checks if backend not in c.backends]
        if elsewhere:
            checks = [c for c in checks if backend in c.backends]
            names = ", ".join(c.name for c in elsewhere)
            if not checks:
                sys.stderr.write(
                    f"scalinglaws: error: nothing to verify with --strict-backend: no selected "
                    f"check runs on {backend} (they run on the CPU only): {names}\n"
                )
                return 2
            sys.stderr.write(
                f"--strict-backend: skipped {len(elsewhere)} check(s) whose process cannot run "
                f"on {backend}: {names}\n"
            )
    settings = Settings(full=args.full, backend=backend, seed=seed, perturb=perturb)
    client = _dask_client(args)
    progress = _Progress(estimates=measured_seconds(out, checks, settings))
    progress.plan(checks)
    started = time.perf_counter()
    results = []
    try:
        from .processes_pool import default_jobs

        jobs = args.jobs if getattr(args, "jobs", None) else default_jobs()
        for result in run_checks(checks, settings, out, fresh=args.fresh, progress=progress,
                                 client=client, jobs=jobs):
            results.append(result)
    except KeyboardInterrupt:
        sys.stderr.write(
            f"\ninterrupted: {len(results)} finished check(s) kept in {out}; "
            "run the same command again to resume\n"
        )
        return 130
    finally:
        if client is not None:
            from .distributed import close_client

            close_client(client)
    progress.finish(len(results), time.perf_counter() - started)
    order = {c.name: i for i, c in enumerate(checks)}
    results.sort(key=lambda r: order.get(r["check"], len(order)))  # Dask: in finishing order
    from .report import write_report

    written = write_report(results, settings, out, plots=not args.no_plots)
    failed = [r for r in results if not r.ok]
    known = [r for r in results if r["status"] == "known-fail"]
    unsettled = [r for r in results if r["status"] == "inconclusive"]
    if args.json:
        print(json.dumps({"settings": settings.to_dict(), "results": results,
                          "passed": not failed}, indent=1, allow_nan=False))
    else:
        print(format_table(results))
        print(
            f"\n{len(results) - len(failed) - len(known) - len(unsettled)}/{len(results)} checks "
            f"passed, {len(unsettled)} inconclusive at these sizes, {len(known)} known failure(s) "
            f"(findings, see the report), {len(failed)} failed "
            f"(backend {backend}, {'full' if args.full else 'quick'}, seed {args.seed}); "
            + _backend_summary(results, backend) +
            f"report: {written}"
        )
    return 1 if failed else 0
