"""The :class:`Verdict`: what the engine concluded about one law from one measurement.

Built only by :func:`~scalinglaws.validators.engine.judge.judge`; frozen once built; round-trips
through strict JSON (the run records and the report are rendered from it).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Mapping

from scalinglaws.errors import DomainError, ParameterError

from .fit import _jsonable

__all__ = ["Verdict", "OUTCOMES"]

#: ``pass``: the measurement supports the law and rejects the negative control; ``fail``: it
#: contradicts the law (for a deterministic curve: the local slopes converge elsewhere);
#: ``inconclusive``: it cannot tell the law from the negative control at these sizes (or the
#: extrapolation is not settled) -- the record says which size would settle it.
OUTCOMES = ("pass", "fail", "inconclusive")
_BOUNDS = ("two", "upper", "lower")


def _float(name, value) -> float:
    if isinstance(value, bool):
        raise ParameterError(f"Verdict.{name} must be a number, got {value!r}")
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"Verdict.{name} must be a number, got {value!r}") from None
    if not math.isfinite(out):
        raise DomainError(f"Verdict.{name} must be finite, got {value!r}")
    return out


@dataclasses.dataclass(frozen=True)
class Verdict:
    r"""The engine's judgement of one law on one measurement.

    Attributes
    ----------
    key, check:
        The law's key and the check's name.
    point:
        The law's parameters where it was checked.
    kind:
        The law's asymptotic kind (``exact``, ``theta``, ``theta_log``, ``upper``, ``lower``).
    test:
        The test the engine chose from the kind and the measurement, in words.
    observable:
        What ``predicted`` and ``measured`` are (e.g. "exponent of y in N", "slope of y/law").
    predicted:
        The prediction, computed by the engine from the registry (perturbed by
        ``--perturb``, once, when asked).
    measured, ci:
        The measured value (for a deterministic curve: the extrapolated limit of the local
        slopes) and its interval, in the same units as ``predicted``.
    bound:
        ``two`` (the law states the value), ``upper`` or ``lower`` (the law bounds it).
    outcome:
        One of :data:`OUTCOMES`.
    method:
        How ``ci`` was obtained.
    window:
        The judged range of the scale variable, or None.
    negative_control:
        The deliberately wrong predictions the engine tried on the same data, and whether each
        was rejected (``rejected``: all were).
    settle:
        For an inconclusive verdict on a deterministic curve: the size of the scale variable at
        which every admissible correction model says the local slope is within a quarter of the
        control's shift of its limit (``{"x": ..., "why": ...}``), or None.
    warnings, notes:
        Caveats, and what was simulated.
    data:
        Plot data (curve, band, local slopes, extrapolation).
    """

    key: str
    check: str
    predicted: float
    measured: float
    ci: tuple
    outcome: str
    kind: str
    test: str
    observable: str = ""
    bound: str = "two"
    method: str = ""
    window: tuple | None = None
    point: dict = dataclasses.field(default_factory=dict)
    negative_control: dict = dataclasses.field(default_factory=dict)
    settle: dict | None = None
    warnings: tuple = ()
    notes: str = ""
    data: dict = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        set_ = object.__setattr__
        for name in ("key", "check", "kind", "test", "observable", "method", "notes"):
            if not isinstance(getattr(self, name), str):
                raise ParameterError(f"Verdict.{name} must be a string, got {getattr(self, name)!r}")
        if self.outcome not in OUTCOMES:
            raise DomainError(f"Verdict.outcome must be one of {OUTCOMES}, got {self.outcome!r}")
        if self.bound not in _BOUNDS:
            raise DomainError(f"Verdict.bound must be one of {_BOUNDS}, got {self.bound!r}")
        set_(self, "predicted", _float("predicted", self.predicted))
        set_(self, "measured", _float("measured", self.measured))
        lo, hi = (_float("ci", c) for c in self.ci)
        if lo > hi:
            raise DomainError(f"Verdict.ci must have lo <= hi, got {self.ci!r}")
        set_(self, "ci", (lo, hi))
        if self.window is not None:
            set_(self, "window", tuple(_float("window", w) for w in self.window))
        if isinstance(self.warnings, str) or not all(isinstance(w, str) for w in self.warnings):
            raise ParameterError("Verdict.warnings must be a sequence of strings")
        set_(self, "warnings", tuple(self.warnings))
        for name in ("point", "negative_control", "data"):
            value = getattr(self, name)
            if not isinstance(value, Mapping):
                raise ParameterError(f"Verdict.{name} must be a dict")
            set_(self, name, _jsonable(value))
        if self.settle is not None:
            set_(self, "settle", _jsonable(self.settle))

    @property
    def passed(self) -> bool:
        """True when the outcome is ``pass``."""
        return self.outcome == "pass"

    def summary(self) -> str:
        """One line: outcome, key, check, predicted vs measured [ci]."""
        rel = {"two": "", "upper": " (bound: measured <= predicted)",
               "lower": " (bound: measured >= predicted)"}[self.bound]
        s = (f"{self.outcome.upper()} {self.key} [{self.check}]: predicted {self.predicted:.4g}"
             f"{rel}, measured {self.measured:.4g} [{self.ci[0]:.4g}, {self.ci[1]:.4g}]")
        if self.outcome == "inconclusive" and self.settle:
            s += f"; settles at x ~ {self.settle.get('x')}"
        return s

    def _repr_markdown_(self) -> str:
        return f"**{self.outcome.upper()}** `{self.key}` ({self.check}): " + self.summary()

    def _repr_html_(self) -> str:
        """The result line and, when matplotlib is installed, the check's plot (inline PNG)."""
        import base64
        import html
        import io

        text = f"<p><b>{self.outcome.upper()}</b> {html.escape(self.summary())}</p>"
        try:
            from .report import figure_for
        except ImportError:  # pragma: no cover - report ships with the engine
            return text
        try:
            fig = figure_for({"check": self.check, "status": self.outcome,
                              "verdict": self.to_dict()})
        except ImportError:  # matplotlib not installed: the result line alone
            return text
        if fig is None:
            return text
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=90)
        encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
        return text + f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(self.check)}"/>'

    def to_dict(self) -> dict:
        """A strict-JSON-safe dict (tuples as lists, NaN/inf as None)."""
        return _jsonable({f.name: getattr(self, f.name) for f in dataclasses.fields(self)})

    @classmethod
    def from_dict(cls, d: Mapping) -> "Verdict":
        """Rebuild a verdict from :meth:`to_dict` output (after a JSON round trip)."""
        if not isinstance(d, Mapping):
            raise ParameterError(f"Verdict.from_dict needs a dict, got {type(d).__name__}")
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            raise ParameterError(f"unknown Verdict field(s): {', '.join(unknown)}")
        kwargs = dict(d)
        kwargs["ci"] = tuple(kwargs["ci"])
        if kwargs.get("window") is not None:
            kwargs["window"] = tuple(kwargs["window"])
        kwargs["warnings"] = tuple(kwargs.get("warnings", ()))
        return cls(**kwargs)
