"""Which laws the checks read: the coverage of the catalogue by ``scalinglaws verify``.

Every registered law either has a quick check that can fail (a check of the quick run naming
it) or declares why it has none (:attr:`Law.unchecked <scalinglaws.Law>`, one of
:data:`scalinglaws.law.UNCHECKED_REASONS`). :func:`law_coverage` classifies every law:

``quick``
    at least one check of the quick run names the law;
``full-only``
    only ``--full`` checks name it (they cannot resolve it at CPU sizes);
``table``
    an entry of a table whose named check tests the table (the named check must exist);
``exempt``
    no numeric content a process could contradict (a definition, a convention, a label);
``missing``
    none of the above: a gap.

>>> from scalinglaws.validators.engine.coverage import law_coverage, summary
>>> rows = law_coverage()
>>> s = summary(rows)
>>> s["laws"] == len(rows) and s["numeric"] <= s["laws"]
True

The last verdict of each check, for ``scalinglaws show``, comes from a report directory written
by ``scalinglaws verify`` (:func:`last_verdicts`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import sympy as sp

from scalinglaws.errors import RegistrationError

from .checks import all_checks
from .records import read_record

__all__ = ["LawCoverage", "law_coverage", "summary", "last_verdicts", "STATES"]

#: The coverage states, from best to worst.
STATES = ("quick", "full-only", "table", "exempt", "missing")


@dataclasses.dataclass(frozen=True)
class LawCoverage:
    """How one law is covered: its ``state``, the checks that name it and the declared reason."""

    key: str
    state: str
    checks: tuple[str, ...]
    full_only_checks: tuple[str, ...]
    reason: str
    numeric: bool
    has_regime: bool = False

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def law_coverage(laws=None) -> list[LawCoverage]:
    """The coverage of every law (or of ``laws``, an iterable of :class:`Law`)."""
    import scalinglaws as sl

    checks = all_checks()
    names = {c.name for c in checks}
    quick: dict[str, list[str]] = {}
    full: dict[str, list[str]] = {}
    for c in checks:
        (full if c.full_only else quick).setdefault(c.law_key, []).append(c.name)
    rows = []
    for law in (sl.laws() if laws is None else laws):
        reason = law.unchecked_reason
        q = tuple(quick.get(law.key, ()))
        f = tuple(full.get(law.key, ()))
        if q:
            state = "quick"
        elif f:
            state = "full-only"
        elif reason == "table":
            named = _named_check(law.unchecked)
            if named not in names:
                raise RegistrationError(
                    f"{law.key}: unchecked names the table check {named!r}, which does not exist"
                )
            state = "table"
        elif reason:
            state = "exempt"
        else:
            state = "missing"
        rows.append(LawCoverage(law.key, state, q, f, law.unchecked, law.has_numeric_content,
                                law.regime is not sp.true))
    return rows


def _named_check(unchecked: str) -> str:
    """The check a ``table: covered by check NAME ...`` reason names (the word after the first
    ``check``)."""
    text = unchecked.split(":", 1)[1].strip()
    marker = "check "
    at = text.find(marker)
    return text[at + len(marker):].split()[0].rstrip(".;,") if at >= 0 else ""


def summary(rows) -> dict:
    """Counts by state, the fraction of laws with numeric content that a quick check reads, and
    how many quick-checked laws with a regime are checked at two or more points (checks)."""
    counts = {state: 0 for state in STATES}
    for row in rows:
        counts[row.state] += 1
    numeric = [r for r in rows if r.numeric]
    checked = sum(1 for r in numeric if r.state == "quick")
    with_regime = [r for r in numeric if r.state == "quick" and r.has_regime]
    return {
        "regime_laws_checked": len(with_regime),
        "regime_laws_two_points": sum(1 for r in with_regime if len(r.checks) >= 2),
        "laws": len(rows),
        "numeric": len(numeric),
        "quick_checked": checked,
        "quick_fraction": checked / len(numeric) if numeric else 1.0,
        **counts,
    }


def last_verdicts(report: str | Path, check_names) -> dict[str, dict]:
    """The last recorded result of each named check in a ``verify`` report directory.

    Returns ``{check name: record}`` for the checks that have one; each record carries
    ``status``, ``verdict`` (or ``error``), ``settings`` and ``stale`` (True when the law, the
    check's code or the engine changed since the record was written).
    """
    from .checks import select_checks
    from .verify import _safe_name, fingerprint

    directory = Path(report) / "checks"
    found = {}
    if not directory.is_dir():
        return found
    by_name = {c.name: c for c in select_checks(list(check_names))} if check_names else {}
    for name, item in by_name.items():
        path = directory / f"{_safe_name(name)}.json"
        record = read_record(path)
        if record is None:
            continue
        record["stale"] = record.get("fingerprint") != fingerprint(item)
        found[name] = record
    return found
