"""Plan: the ordered, serializable set of changes that apply performs.

(Skeleton of the contract; diff ordering, serialization and checksums are filled in by plan work.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reconciler.change import Change, Finding, Unmanaged


@dataclass(frozen=True, slots=True)
class Plan:
    """Changes in dependency order, with what the plan must say but cannot do."""

    changes: tuple[Change, ...] = ()
    findings: tuple[Finding, ...] = ()
    unmanaged: tuple[Unmanaged, ...] = ()
    config_digest: str = ""
    live_digest: str = ""

    def dependencies(self) -> Mapping[int, frozenset[int]]:
        """For each change (by index in `changes`), the indices of the changes it must follow."""
        return {i: frozenset() for i in range(len(self.changes))}
