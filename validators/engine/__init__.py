"""The verification engine: checks, the one judge, verdicts, run records, ``verify``, the report.

A paper validator imports what it needs from here::

    from .engine import Curve, Exponent, LawCurve, LawValue, Settings, Value, check

A check returns a measurement; :func:`judge` (the only builder of a :class:`Verdict`) computes the
prediction from the registry, applies ``--perturb`` once, tests by the law's kind and runs the
negative control.
"""

from .checks import Check, Settings, all_checks, check, select_checks
from .distributed import task_map
from .judge import NEGATIVE_SHIFT, judge
from .measurement import Curve, Exponent, LawCurve, LawValue, Value
from .verdict import OUTCOMES, Verdict

__all__ = [
    "Check", "Settings", "all_checks", "check", "select_checks",
    "judge", "NEGATIVE_SHIFT",
    "Curve", "Value", "Exponent", "LawValue", "LawCurve",
    "Verdict", "OUTCOMES",
    "task_map",
]
