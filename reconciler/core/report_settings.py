"""What only reports read of a config: labels and budgets (never part of a plan or a digest)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ReportSettings:
    """What only reports read: project labels and monthly budgets in US dollars (by project
    name; `org_budget` for the whole organization). Never part of a plan."""

    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    budgets: Mapping[str, float] = field(default_factory=dict)
    org_budget: float | None = None
