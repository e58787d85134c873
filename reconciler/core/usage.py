"""Usage as values: per-bucket costs and requests as read, and a project's last 30 days as the
plan's "at stake" note shows them (reading them is reconciler/read/recent_usage.py's)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ProjectCost:
    """One project's cost in one bucket."""

    project_id: str
    amount: float
    currency: str


@dataclass(frozen=True, slots=True)
class ProjectRequests:
    """One project's completion requests in one bucket."""

    project_id: str
    requests: int


@dataclass(frozen=True, slots=True)
class ProjectUsage:
    """One project's last 30 days."""

    cost: float = 0.0
    currency: str = "usd"
    requests: int = 0


@dataclass(frozen=True, slots=True)
class UsageReport:
    """Usage by project id; `note` says why there is none when the API refused."""

    by_project: Mapping[str, ProjectUsage] = field(default_factory=dict)
    note: str = ""


def summarize(
    costs: Sequence[ProjectCost], usage: Sequence[ProjectRequests], ids: Sequence[str]
) -> dict[str, ProjectUsage]:
    """Per-project totals from per-bucket costs and requests (pure)."""
    cost: dict[str, float] = dict.fromkeys(ids, 0.0)
    currency: dict[str, str] = {}
    requests: dict[str, int] = dict.fromkeys(ids, 0)
    for item in costs:
        if item.project_id in cost:
            cost[item.project_id] += item.amount
            currency[item.project_id] = item.currency
    for used in usage:
        if used.project_id in requests:
            requests[used.project_id] += used.requests
    return {
        pid: ProjectUsage(round(cost[pid], 2), currency.get(pid, "usd"), requests[pid])
        for pid in ids
    }
