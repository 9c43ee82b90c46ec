"""Reading a check's record back from a report directory, whatever the file holds.

A report directory outlives the runs that wrote it: a record may be from an older format, half
written, edited by hand or not a record at all. :func:`read_record` returns the record only when
its fields have the types the engine writes, else ``None``, so a foreign file is skipped (and the
check rerun) instead of crashing ``show --report`` or ``verify --out`` with a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["read_record"]

_NUMBER = (int, float)
_NONE = type(None)
# the fields the engine writes (validators/engine/verify.py) and the types they must have
_RECORD = {"format": int, "check": str, "law": str, "settings": dict, "seconds": _NUMBER,
           "cpu_seconds": _NUMBER, "verdict": (dict, _NONE), "status": str,
           "known_failure": (str, _NONE), "fingerprint": dict, "backend": str,
           "backend_requested": str, "backend_note": str, "error": str, "stale": bool}
_VERDICT = {"key": str, "check": str, "predicted": (*_NUMBER, _NONE),
            "measured": (*_NUMBER, _NONE), "ci": (list, _NONE), "outcome": str, "kind": str,
            "test": str, "observable": str, "bound": str, "method": str,
            "window": (list, _NONE), "point": (dict, _NONE), "negative_control": (dict, _NONE),
            "settle": (dict, _NONE), "warnings": list, "notes": str, "data": (dict, _NONE)}


def _typed(data, fields) -> bool:
    return isinstance(data, dict) and all(
        isinstance(data[k], t) for k, t in fields.items() if k in data)


def read_record(path) -> dict | None:
    """The check record in ``path``, or ``None`` if the file cannot be read, is not JSON, is
    nested too deeply to parse, or is not shaped like a record (its fields of the wrong type, no
    ``check``, ``status`` or ``settings``, no verdict where the status is not an error)."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError, RecursionError):
        return None
    if not _typed(data, _RECORD) or not all(k in data for k in ("check", "status", "settings")):
        return None
    verdict = data.get("verdict")
    if verdict is None:
        return data if data["status"] == "error" else None
    if not _typed(verdict, _VERDICT):
        return None
    ci = verdict.get("ci")
    if ci is not None and (len(ci) != 2 or not all(isinstance(x, (*_NUMBER, _NONE)) for x in ci)):
        return None
    return data
