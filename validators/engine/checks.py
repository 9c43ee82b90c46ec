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

__all__ = ["Settings", "Check", "check", "all_checks", "select_checks"]


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
    """

    def decorate(func):
        check_name = name or f"{law_key}"
        if check_name in _CHECKS:
            raise RegistrationError(f"check {check_name!r} registered twice")
        doc = (func.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        _CHECKS[check_name] = Check(
            check_name, law_key, func, doc, quick_seconds, known_failure, bool(full_only)
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
