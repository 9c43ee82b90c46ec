"""scalinglaws: closed-form results of optimization theory as objects you can query, derive and verify.

>>> import scalinglaws as sl
>>> law = sl.law("anytime.optimal_decay_exponent")
>>> float(law.evaluate(a=1.5, b=2))
0.25
>>> law.reference.status
'transcribed'

The symbolic layer imports only SymPy and mpmath; the numeric layer lives in
``scalinglaws.validators`` and the derivations in ``scalinglaws.derivations``.
"""

from .errors import (
    BackendUnavailableError,
    DomainError,
    ParameterError,
    RegimeError,
    RegistrationError,
    ScalingLawsError,
    UnknownKeyError,
)
from . import papers as _papers_package  # noqa: F401  (before the papers() function below)
from .law import KINDS, STATUSES, Law, Paper, Param, Reference
from .registry import PhaseResult, families, law, laws, paper, papers, phase
from .tables import Table, table
from .conventions import convert, dictionary
from .cite import cite

__version__ = "0.1.0"


def verify(targets=(), *, full=False, backend="auto", seed=0, perturb=0.0):
    """Run the checks of laws or papers and return their verdicts (see
    :func:`scalinglaws.validators.engine.api.verify`; needs ``scalinglaws[validate]``)."""
    try:
        from .validators.engine.api import verify as _verify
    except ImportError as exc:
        raise BackendUnavailableError(
            f"verify needs the verification engine: pip install 'scalinglaws[validate]' ({exc})"
        ) from None
    return _verify(targets, full=full, backend=backend, seed=seed, perturb=perturb)

__all__ = [
    "Law",
    "Param",
    "Reference",
    "Paper",
    "KINDS",
    "STATUSES",
    "law",
    "laws",
    "paper",
    "papers",
    "families",
    "phase",
    "PhaseResult",
    "table",
    "Table",
    "convert",
    "cite",
    "verify",
    "dictionary",
    "ScalingLawsError",
    "UnknownKeyError",
    "ParameterError",
    "DomainError",
    "RegimeError",
    "RegistrationError",
    "BackendUnavailableError",
]
