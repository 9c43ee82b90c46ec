"""Exceptions raised by scalinglaws.

Every error a user can trigger by typing something is one of these, so that callers (and the
command line) can tell bad input from a bug.
"""

from __future__ import annotations

import difflib

__all__ = [
    "ScalingLawsError",
    "UnknownKeyError",
    "ParameterError",
    "DomainError",
    "RegimeError",
    "RegistrationError",
    "BackendUnavailableError",
    "EvaluationError",
]


class ScalingLawsError(Exception):
    """Base class of every error scalinglaws raises on bad input."""


class UnknownKeyError(ScalingLawsError, KeyError):
    """A law, paper, family or tag that is not in the catalogue.

    ``suggestions`` holds the closest known names.
    """

    def __init__(self, what: str, key: str, known=()):
        self.what = what
        self.key = key
        self.suggestions = difflib.get_close_matches(key, list(known), n=3, cutoff=0.5)
        msg = f"unknown {what} {key!r}"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]


class ParameterError(ScalingLawsError, TypeError):
    """A parameter is missing, unknown, or of the wrong type."""


class DomainError(ScalingLawsError, ValueError):
    """A parameter value lies outside the parameter's domain."""


class RegimeError(ScalingLawsError, ValueError):
    """A point lies outside the regime in which a law holds.

    ``condition`` is the violated condition (a SymPy relational), ``law_key`` the law.
    """

    def __init__(self, law_key: str, condition, values=None):
        self.law_key = law_key
        self.condition = condition
        self.values = dict(values or {})
        shown = ", ".join(f"{k}={_value_text(v)}" for k, v in self.values.items())
        super().__init__(
            f"{law_key}: outside its regime, condition {condition} fails"
            + (f" at {shown}" if shown else "")
        )


class RegistrationError(ScalingLawsError):
    """A law that cannot enter the catalogue (no reference, a symbol without a Param, ...)."""


class BackendUnavailableError(ScalingLawsError, RuntimeError):
    """An array backend (cupy, numba) was asked for but cannot be used here."""


class EvaluationError(ScalingLawsError, ArithmeticError):
    """A law has no number to give at a valid point: its value is not real, or no two working
    precisions agree on its digits (a point too close to a singularity or a zero of the law).

    ``reason`` is ``"not real"``, ``"precision"``, ``"too large"`` (a power with an exponent
    beyond 10**90) or ``"not a number"``.
    """

    def __init__(self, message: str, reason: str):
        self.reason = reason
        super().__init__(message)


def _value_text(value, limit: int = 40) -> str:
    """A value for a message, short and safe: an integer of 5000 digits reads ``~1.0e+4999``
    (Python refuses to turn an integer of more than 4300 digits into text)."""
    from .law import _value_text as text

    return text(value, limit)
