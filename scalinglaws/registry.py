"""The catalogue: every registered :class:`~scalinglaws.law.Law`, by key, paper, tag and family.

Paper modules under :mod:`scalinglaws.papers` register their laws when imported; the registry
imports them all on first use, so ``import scalinglaws`` stays cheap.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from typing import Iterable

import sympy as sp

from .errors import ParameterError, RegimeError, RegistrationError, UnknownKeyError
from .law import STATUSES, Law, Paper

__all__ = ["law", "laws", "papers", "paper", "families", "phase", "PhaseResult"]

_LAWS: dict[str, Law] = {}
_PAPERS: dict[str, Paper] = {}
_LOADED = False


def _register_paper(p: Paper) -> None:
    if p.name in _PAPERS and _PAPERS[p.name] is not p:
        raise RegistrationError(f"paper {p.name!r} registered twice")
    _PAPERS[p.name] = p


def _register_law(item: Law) -> None:
    if item.key in _LAWS:
        raise RegistrationError(f"law {item.key!r} registered twice")
    _LAWS[item.key] = item


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    package = importlib.import_module(__package__ + ".papers")

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{package.__name__}.{info.name}")


def law(key: str) -> Law:
    """The law registered under ``key``.

    >>> import scalinglaws as sl
    >>> sl.law("anytime.optimal_decay_exponent").kind
    'exact'
    >>> sl.law("anytime.optimal_decay_exponnt")
    Traceback (most recent call last):
    ...
    scalinglaws.errors.UnknownKeyError: unknown law 'anytime.optimal_decay_exponnt'; did you mean 'anytime.optimal_decay_exponent'...
    """
    _load()
    if not isinstance(key, str):
        raise ParameterError(f"a law key is a string, got {type(key).__name__}")
    try:
        return _LAWS[key]
    except KeyError:
        raise UnknownKeyError("law", key, _LAWS) from None


def laws(
    paper: str | None = None,
    tag: str | None = None,
    status: str | None = None,
    family: str | None = None,
) -> list[Law]:
    """Registered laws, filtered by paper name, tag, provenance status and phase family.

    >>> import scalinglaws as sl
    >>> [l.key for l in sl.laws(paper="anytime", tag="minimax")][:2]
    ['anytime.minimax_risk', 'anytime.minimax_risk_exponent']
    """
    _load()
    if paper is not None and paper not in _PAPERS:
        raise UnknownKeyError("paper", paper, _PAPERS)
    if status is not None and status not in STATUSES:
        raise UnknownKeyError("status", status, STATUSES)
    if tag is not None:
        known_tags = {t for item in _LAWS.values() for t in item.tags}
        if tag not in known_tags:
            raise UnknownKeyError("tag", tag, known_tags)
    if family is not None and family not in families():
        raise UnknownKeyError("family", family, families())
    out = [
        item
        for item in _LAWS.values()
        if (paper is None or item.paper == paper)
        and (tag is None or tag in item.tags)
        and (status is None or item.status == status)
        and (family is None or item.family == family)
    ]
    return sorted(out, key=lambda item: item.key)


def papers() -> list[Paper]:
    """Every paper in the catalogue, by name."""
    _load()
    return [_PAPERS[name] for name in sorted(_PAPERS)]


def paper(name: str) -> Paper:
    """The paper registered under ``name``."""
    _load()
    try:
        return _PAPERS[name]
    except KeyError:
        raise UnknownKeyError("paper", name, _PAPERS) from None


def families() -> dict[str, str]:
    """Phase families (``paper.family`` → description)."""
    _load()
    out: dict[str, str] = {}
    for p in _PAPERS.values():
        out.update(p.families)
    return dict(sorted(out.items()))


@dataclasses.dataclass(frozen=True)
class PhaseResult:
    """Which law(s) of a phase family apply at a point.

    ``laws`` holds every law whose regime contains the point: one inside a phase, several on a
    boundary (``on_boundary`` is then true).
    """

    family: str
    point: dict
    laws: tuple[Law, ...]

    @property
    def on_boundary(self) -> bool:
        return len(self.laws) > 1

    @property
    def law(self) -> Law:
        """The single applicable law (raises on a boundary, where several apply)."""
        if self.on_boundary:
            keys = ", ".join(item.key for item in self.laws)
            raise RegimeError(self.family, f"on the boundary between {keys}", self.point)
        return self.laws[0]

    def __str__(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.point.items())
        if self.on_boundary:
            keys = ", ".join(item.key for item in self.laws)
            return f"{self.family} at {where}: on the boundary between {keys}"
        return f"{self.family} at {where}: {self.laws[0].key}"


def phase(paper_or_family: str, **values) -> PhaseResult:
    """Say which law of a phase family applies at a point.

    ``paper_or_family`` is a family name (``"anytime.rate"``) or a paper with exactly one family.
    The point gives every symbol the regimes mention; other parameters may be left out.

    >>> import scalinglaws as sl
    >>> print(sl.phase("anytime", a=2, b=3))
    anytime.rate at a=2, b=3: anytime.minimax_risk_exponent
    >>> sl.phase("anytime", a=2, b=2).on_boundary
    True
    """
    fams = families()
    name = paper_or_family
    if name not in fams:
        if name in _PAPERS:
            own = list(_PAPERS[name].families)
            if len(own) != 1:
                raise UnknownKeyError(
                    f"family (paper {name!r} has {len(own)} families; name one)", name, own
                )
            name = own[0]
        else:
            raise UnknownKeyError("paper or family", name, list(fams) + list(_PAPERS))
    members = laws(family=name)
    needed: dict[str, object] = {}
    for item in members:
        for s in item.regime.free_symbols:
            needed[str(s)] = item.params[str(s)]
    unknown = [k for k in values if k not in needed]
    if unknown:
        raise ParameterError(
            f"{name}: unknown parameter(s) {', '.join(unknown)}; expected {', '.join(sorted(needed))}"
        )
    missing = [k for k in needed if k not in values]
    if missing:
        raise ParameterError(f"{name}: missing parameter(s) {', '.join(sorted(missing))}")
    subs = {needed[k].symbol: needed[k].check(v) for k, v in values.items()}
    holding = tuple(item for item in members if _holds(item.regime, subs))
    if not holding:
        raise RegimeError(name, "no phase of the family contains the point", values)
    return PhaseResult(family=name, point=dict(values), laws=holding)


def _holds(regime, subs) -> bool:
    truth = regime.subs(subs)
    if truth not in (sp.true, sp.false):
        truth = sp.simplify(truth)
    return truth is sp.true


def _iter_all() -> Iterable[Law]:
    _load()
    return list(_LAWS.values())
