"""The accumulator the diff steps write into, and the field-level comparison they share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.core.change import Action, Change, FieldChange, Finding, Kind, Severity, Unmanaged


@dataclass(slots=True)
class Collector:
    """Changes, findings and unmanaged objects found so far; a change is recorded once."""

    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    unmanaged: list[Unmanaged] = field(default_factory=list)
    _seen: set[tuple[Kind, Action, tuple[str, ...]]] = field(default_factory=set)

    def change(self, change: Change) -> None:
        """Record a change, unless the same action on the same object was already recorded."""
        ident = (change.kind, change.action, change.key)
        if ident not in self._seen:
            self._seen.add(ident)
            self.changes.append(change)

    def finding(self, severity: Severity, kind: Kind, key: tuple[str, ...], message: str) -> None:
        """Record something the plan must say but cannot do."""
        self.findings.append(Finding(severity, kind, key, message))


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """before → after for every field of `after` whose value differs, in `after`'s order."""
    return tuple(
        FieldChange(name, before.get(name), value)
        for name, value in after.items()
        if before.get(name) != value
    )
