"""A governance report as one value: header facts, columns, rows, and what is not known.

`report access` and `report keys` each build one; render/report.py draws it as a table, CSV,
JSON or Markdown. The digest is the sha256 of the canonical JSON of the rows (a list of
objects, column → cell), so the same evidence gives the same digest whatever the format, and
anyone can recompute it from the JSON rendering's `rows`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reconciler.core.digest import sha256

Cell = str | int


@dataclass(frozen=True, slots=True)
class Report:
    """A report: `title`; `facts` (name, value) such as when it was read and from which
    organization; `columns` and `rows` (one cell per column); `not_known` lists what the API
    cannot tell (so no column pretends to know it); `notes` anything else a reader needs."""

    kind: str
    title: str
    facts: tuple[tuple[str, str], ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    not_known: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def records(self) -> list[dict[str, Cell]]:
        """The rows as objects, column → cell."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def digest(self) -> str:
        """`sha256:<hex>` of the canonical JSON of `records()`."""
        return sha256(self.records())

    def to_json(self) -> dict[str, Any]:
        """The JSON document (format `reconciler-report`, version 1)."""
        return {
            "format": "reconciler-report",
            "version": 1,
            "report": self.kind,
            **dict(self.facts),
            "digest": self.digest(),
            "columns": list(self.columns),
            "rows": self.records(),
            "not_known": list(self.not_known),
            "notes": list(self.notes),
        }
