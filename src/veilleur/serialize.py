"""The plain (JSON-ready) form of a record, derived from its dataclass fields.

One converter instead of a hand-written ``to_dict`` per dataclass: a record's dict form lists its fields in
declaration order, with datetimes as ISO 8601, severities and other enums as their lower-case name, tuples
and sets as lists and nested records as their own dict form. A record whose dict form differs (a field left
out, a derived value, a rounded score) says only what differs::

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self, skip=("record",), score=round(self.score, 4))

This module imports nothing from the package: every area may use it.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import cache
from pathlib import PurePath
from typing import Any

__all__ = ["as_dict", "plain"]


_SCALARS = (str, int, float, bool, type(None))


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def plain(value: Any) -> Any:
    """``value`` in the form JSON writes: records as dicts, datetimes as ISO 8601, enums by lower-case name.

    Mappings are copied one level deep (their values are the caller's: a finding's ``details`` stays as the
    detector wrote it); sequences and sets become lists of plain values.
    """
    if type(value) in _SCALARS:  # the common case first (an IntEnum is not one of these exact types)
        return value
    if isinstance(value, enum.Enum):
        return value.name.lower()
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        return to_dict() if callable(to_dict) else as_dict(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Iterable) and not isinstance(value, (bytes, bytearray)):
        return [plain(v) for v in value]
    return value


def as_dict(
    record: Any, *, skip: Iterable[str] = (), first: Iterable[str] = (), **values: Any
) -> dict[str, Any]:
    """The dict form of the dataclass instance ``record``.

    ``skip``: fields left out (a value given for one of them is ignored too). ``first``: fields put at the front (e.g. the id). ``values``: keys whose value
    is given rather than read from the field (a rounded score, a count instead of a set), or extra keys (a
    derived property), appended after the fields in the order given.
    """
    if not dataclasses.is_dataclass(record) or isinstance(record, type):
        raise TypeError(f"as_dict() needs a dataclass instance, not {type(record).__name__}")
    skipped = set(skip)
    values = {k: v for k, v in values.items() if k not in skipped}
    names = [n for n in _field_names(type(record)) if n not in skipped]
    leading = [n for n in first if n in names]
    ordered = leading + [n for n in names if n not in leading]
    out = {n: values.pop(n) if n in values else plain(getattr(record, n)) for n in ordered}
    out.update(values)
    return out
