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

__version__ = "0.1.0"

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
    "dictionary",
    "ScalingLawsError",
    "UnknownKeyError",
    "ParameterError",
    "DomainError",
    "RegimeError",
    "RegistrationError",
    "BackendUnavailableError",
]
