"""``verify`` from Python: run checks and get their verdicts, without the command line.

>>> import scalinglaws as sl
>>> verdicts = sl.verify("plrf_phases.xi_Ia", backend="numpy")   # doctest: +SKIP
>>> verdicts[0].outcome                                           # doctest: +SKIP
'pass'

Each :class:`~scalinglaws.validators.engine.verdict.Verdict` shows its result and plot in a
notebook. Nothing is written to disk and no matplotlib backend is switched; for the report
directory (records, plots, resumable runs) use ``scalinglaws verify``.
"""

from __future__ import annotations

import math
import warnings

from scalinglaws.errors import ParameterError

from .checks import Settings, select_checks

__all__ = ["verify"]


def verify(targets=(), *, full: bool = False, backend: str = "auto", seed: int = 0,
           perturb: float = 0.0) -> list:
    """Run the checks of ``targets`` (check names, law keys or papers; a string or a list; all
    checks if empty) and return their verdicts, in the catalogue's order.

    ``full`` adds the full-size checks (GPU-sized) and runs every check at its full size;
    ``backend`` is ``"auto"`` (Numba when installed, else NumPy), ``"numpy"``, ``"numba"`` or
    ``"cupy"``; ``seed`` roots every random stream; ``perturb`` shifts every prediction (the
    self-test: a perturbed run must fail). A check that raises propagates its exception.

    A check whose process cannot run on the requested backend (``--backend cupy`` for a CPU-only
    process) runs on the nearest CPU backend, and its verdict's ``warnings`` say so ("ran on
    numba: cupy not supported by this check").
    """
    import dataclasses

    from .fit import UnsettledFitWarning
    from .judge import judge
    from .verify import _backend_note, _resolve_backend

    if isinstance(targets, str):
        targets = (targets,)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ParameterError(f"seed must be a non-negative integer, got {seed!r}")
    try:
        perturb = float(perturb)
    except (TypeError, ValueError):
        raise ParameterError(f"perturb must be a number, got {perturb!r}") from None
    if not math.isfinite(perturb):
        raise ParameterError(f"perturb must be finite, got {perturb!r}")
    settings = Settings(full=bool(full), backend=_resolve_backend(backend), seed=seed,
                        perturb=perturb)
    chosen = [c for c in select_checks(tuple(targets)) if full or not c.full_only]
    verdicts = []
    for item in chosen:
        chosen, _ = item.backend_for(settings.backend)
        run_settings = dataclasses.replace(settings, backend=chosen)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnsettledFitWarning)
            measurement = item.measure(run_settings)
            verdict = judge(item, measurement, run_settings)
        ran = getattr(measurement, "backend", "") or chosen
        note = _backend_note(item, settings.backend, chosen, ran)
        if note:
            verdict = dataclasses.replace(verdict, warnings=verdict.warnings + (note,))
        verdicts.append(verdict)
    return verdicts
