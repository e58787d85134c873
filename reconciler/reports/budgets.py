"""Budgets and spikes (pure): report-only checks of daily cost per project.

A budget counts the UTC month holding the period's last day: spent month to date, projected to
the month's end at the same daily rate; over when spent exceeds it, at risk when the projection
does. A spike is a day of a project that costs more than `factor` times the median of that
project's 14 days before it (a median of zero flags nothing: a first day of use is no spike).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from reconciler.core.model import ReportSettings
from reconciler.core.period import DAY, Period, day_text, days_in_month, month_start

TRAILING_DAYS = 14
ORGANIZATION = "(organization)"
Status = Literal["ok", "at risk", "over"]
# Cost by project name, then by day.
ProjectDays = Mapping[str, Mapping[int, float]]


@dataclass(frozen=True, slots=True)
class Budget:
    """One budget's month: spent so far, projected month end, and the verdict."""

    scope: str
    month: str
    limit: float
    spent: float
    projected: float

    @property
    def status(self) -> Status:
        """over: spent more than the budget; at risk: on course to; ok otherwise."""
        if self.spent > self.limit:
            return "over"
        return "at risk" if self.projected > self.limit else "ok"


@dataclass(frozen=True, slots=True)
class Spike:
    """A day a project cost more than `factor` × its trailing median."""

    project: str
    day: int
    cost: float
    median: float
    partial: bool = False

    @property
    def ratio(self) -> float:
        """How many times the trailing median the day cost."""
        return self.cost / self.median


def history_start(period: Period) -> int:
    """The first day costs must be read from: the trailing days of the first day, and the
    start of the month a budget counts."""
    return min(period.start - TRAILING_DAYS * DAY, month_start(period.end - 1))


def budgets_of(costs: ProjectDays, settings: ReportSettings, period: Period) -> tuple[Budget, ...]:
    """Each configured budget (the organization's first), for the month of the period's end."""
    first = month_start(period.end - 1)
    length = days_in_month(first)
    elapsed = min(period.end - first, length * DAY) / DAY
    scale = length / elapsed if elapsed else 0.0

    def budget(scope: str, limit: float, spent: float) -> Budget:
        return Budget(scope, day_text(first)[:7], limit, spent, spent * scale)

    def spent(days: Mapping[int, float]) -> float:
        return sum(cost for day, cost in days.items() if first <= day < period.end)

    found = []
    if settings.org_budget is not None:
        total = sum(spent(days) for days in costs.values())
        found.append(budget(ORGANIZATION, settings.org_budget, total))
    for project, limit in sorted(settings.budgets.items()):
        found.append(budget(project, limit, spent(costs.get(project, {}))))
    return tuple(found)


def spikes_of(costs: ProjectDays, period: Period, *, factor: float) -> tuple[Spike, ...]:
    """Every day of the period on which a project's cost spiked."""
    found = []
    for project, days in sorted(costs.items()):
        for day in period.days:
            before = [days.get(day - n * DAY, 0.0) for n in range(1, TRAILING_DAYS + 1)]
            median = statistics.median(before)
            cost = days.get(day, 0.0)
            if median > 0 and cost > factor * median:
                found.append(Spike(project, day, cost, median, period.is_partial(day)))
    return tuple(found)
