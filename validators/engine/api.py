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
    """
    from .fit import UnsettledFitWarning
    from .judge import judge
    from .verify import _resolve_backend

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
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnsettledFitWarning)
            verdicts.append(judge(item, item.measure(settings), settings))
    return verdicts
