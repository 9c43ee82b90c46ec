"""The catalogue of checks that ``scalinglaws verify`` runs.

A *check* runs a process and returns a *measurement* of the observable one law predicts
(:class:`~scalinglaws.validators.engine.measurement.Curve` or
:class:`~scalinglaws.validators.engine.measurement.Value`); it never computes the prediction.
:meth:`Check.verdict` hands the measurement to the one judge
(:func:`~scalinglaws.validators.engine.judge.judge`). Paper modules in ``validators/`` (one per
paper, same file name as in ``scalinglaws/papers/``) declare their checks with :func:`check`::

    @check("anytime.constant_lr_suffices", name="anytime.constant_lr_suffices[a=2,b=1.5]")
    def constant_lr(settings):
        steps, risk = ...                       # run the process
        return Curve(steps, risk, LawValue(sign=-1), point={"a": 2, "b": 1.5},
                     window=(steps[-1] / 32, steps[-1]), xlabel="N", ylabel="excess risk")

Discovery: every top-level module of ``scalinglaws.validators`` is a paper validator (the
infrastructure lives in the ``engine`` and ``processes`` subpackages).
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from typing import Callable

from scalinglaws.errors import RegistrationError, UnknownKeyError

__all__ = ["Settings", "Check", "check", "all_checks", "select_checks", "full_size_table"]


@dataclasses.dataclass(frozen=True)
class Settings:
    """What a check run is allowed to do.

    ``full`` selects the full-size grids (GPU-sized) instead of the quick CPU sizes; ``backend``
    is ``numpy``, ``numba`` or ``cupy``; ``seed`` is the root of every random stream;
    ``perturb`` shifts every prediction by that amount, applied once by the judge (a self-test of
    the pipeline: a perturbed run must fail); for a one-sided law (a bound) the shift goes to its
    strict side, making the bound stronger by ``|perturb|``, since a weaker bound would rightly
    still pass. Checks never read it.
    """

    full: bool = False
    backend: str = "numpy"
    seed: int = 0
    perturb: float = 0.0

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Check:
    """One verification experiment for one law."""

    name: str
    law_key: str
    run: Callable[[Settings], object]
    description: str
    quick_seconds: float
    known_failure: str = ""
    full_only: bool = False
    #: The backends its process really runs on (``("numpy", "numba")``: CPU only; add ``"cupy"``
    #: with ``@check(..., gpu=True)`` once the process is array-namespace generic).
    backends: tuple = ("numpy", "numba")
    #: The size that settles its law (what ``--full`` runs), in words: ``"d = 2048, 64 replicas"``.
    full_size: str = ""
    #: Expected seconds of the full-size run on one H100 (an estimate, not a measurement).
    h100_seconds: float | None = None

    @property
    def gpu(self) -> bool:
        """Whether the check's process runs on the GPU under ``--backend cupy``."""
        return "cupy" in self.backends

    def backend_for(self, requested: str) -> tuple[str, str]:
        """``(backend, note)``: where this check runs when ``requested`` is asked for (see
        :func:`~scalinglaws.validators.processes.backend.backend_for`)."""
        from ..processes.backend import backend_for

        return backend_for(requested, self.backends)

    @property
    def expected_to_fail(self) -> bool:
        return bool(self.known_failure)

    @property
    def paper(self) -> str:
        return self.law_key.split(".", 1)[0]

    def measure(self, settings: Settings):
        """Run the check's process: its measurement (a ``Curve`` or a ``Value``)."""
        return self.run(settings)

    def verdict(self, settings: Settings):
        """Measure, then judge: the :class:`~scalinglaws.validators.engine.verdict.Verdict`."""
        from .judge import judge

        return judge(self, self.measure(settings), settings)


_CHECKS: dict[str, Check] = {}
_LOADED = False


def check(
    law_key: str,
    *,
    name: str | None = None,
    quick_seconds: float = 10.0,
    known_failure: str = "",
    full_only: bool = False,
    gpu: bool = False,
    full_size: str = "",
    h100_seconds: float | None = None,
):
    """Register the decorated function as a check of ``law_key``.

    The function takes a :class:`Settings` and returns a measurement (``Curve`` or ``Value``). ``quick_seconds`` is the
    expected run time in quick mode on 2 CPU cores (shown before running).

    ``known_failure`` records a *finding*: the check is known to fail, for the reason given
    (which must also be in the law's notes). Such a check still runs and its verdict is never
    altered; the report shows it as ``known-fail`` and it does not make the run fail. If it
    starts to pass, the report says so (``xpass``), since the finding no longer stands.

    ``full_only`` marks a check that cannot resolve its law at quick (CPU) sizes, so it runs only
    with ``Settings(full=True)`` (``scalinglaws verify --full``); ``quick_seconds`` is then its
    cost at full size. A quick run lists what it left out.

    ``gpu=True`` declares that the check's process is array-namespace generic and really runs on
    CuPy under ``--backend cupy``. Without it the check runs on the CPU (numba, else numpy) when
    cupy is asked for, and its record and the report say so ("ran on numba: cupy not supported by
    this check"); nothing runs elsewhere silently.

    ``full_size`` states, in words, the size its ``--full`` run uses, the one that settles its
    law (``"d = 256..2048, 32 replicas"``), and ``h100_seconds`` the expected time of that run
    on one H100 GPU: an estimate, listed as such in the docs (*Verification*, "Full sizes").
    """
    if not isinstance(full_size, str):
        raise RegistrationError(f"check of {law_key!r}: full_size must be a string")
    if h100_seconds is not None and not (isinstance(h100_seconds, (int, float))
                                         and h100_seconds > 0):
        raise RegistrationError(f"check of {law_key!r}: h100_seconds must be a positive number")
    backends = ("numpy", "numba", "cupy") if gpu else ("numpy", "numba")

    def decorate(func):
        check_name = name or f"{law_key}"
        if check_name in _CHECKS:
            raise RegistrationError(f"check {check_name!r} registered twice")
        doc = (func.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        _CHECKS[check_name] = Check(
            check_name, law_key, func, doc, quick_seconds, known_failure, bool(full_only),
            backends, full_size, None if h100_seconds is None else float(h100_seconds),
        )
        return func

    return decorate


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    package = importlib.import_module(__package__.rsplit(".", 1)[0])
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.ispkg:
            continue
        importlib.import_module(f"{package.__name__}.{info.name}")
    _LOADED = True


def all_checks() -> list[Check]:
    """Every registered check, in a stable order (paper, then name)."""
    _load()
    return sorted(_CHECKS.values(), key=lambda c: (c.paper, c.name))


def select_checks(selectors: list[str] | tuple[str, ...] = ()) -> list[Check]:
    """The checks named by ``selectors``: check names, law keys or paper names (all if empty).

    An unknown selector raises :class:`~scalinglaws.errors.UnknownKeyError` with suggestions.
    """
    checks = all_checks()
    if not selectors:
        return checks
    chosen: dict[str, Check] = {}
    for selector in selectors:
        hits = [
            c
            for c in checks
            if selector in (c.name, c.law_key, c.paper) or c.law_key.startswith(selector + ".")
        ]
        if not hits:
            known = {c.name for c in checks} | {c.law_key for c in checks} | {c.paper for c in checks}
            raise UnknownKeyError("check, law or paper to verify", selector, sorted(known))
        for c in hits:
            chosen[c.name] = c
    return [c for c in checks if c.name in chosen]


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 90:
        return f"~{seconds:.0f} s"
    return f"~{seconds / 60:.0f} min"


def full_size_table(checks=None) -> str:
    """A Markdown table of the checks that have a full size (every ``full_only`` check and every
    check that states its ``full_size``): the size that settles the law, the expected time on one
    H100 (an estimate) and whether the process runs on the GPU. Generated into the docs.
    """
    rows = [c for c in (all_checks() if checks is None else checks)
            if c.full_only or c.full_size]
    lines = ["| check | law | runs | full size (settles the law) | expected time on one H100 "
             "(estimate) | process on the GPU |",
             "|---|---|---|---|---|---|"]
    total = 0.0
    for c in rows:
        total += c.h100_seconds or 0.0
        lines.append(
            f"| `{c.name}` | `{c.law_key}` | {'--full only' if c.full_only else 'quick and --full'}"
            f" | {c.full_size or 'not stated'} | {_duration(c.h100_seconds)} | "
            f"{'yes (cupy)' if c.gpu else 'no (CPU: numba/numpy)'} |"
        )
    lines.append("")
    lines.append(f"{len(rows)} check(s); stated H100 estimates add up to {_duration(total)}.")
    return "\n".join(lines) + "\n"
