"""The usage and cost report, from what was read (pure: values in, a value out).

    plan_reads(by, settings) -> Reads                 which groupings to ask the API for
    build_report(data, by=..., settings=..., spike_factor=...) -> UsageReport

Money is split only where the costs API splits it (project, line item, API key, and the labels
of projects); usage only where the usage endpoints do (project, model, API key, user, labels).
A `--by` the money cannot follow gets its usage counts beside the money, never an invented
split. Unknown (not read) is kept apart from zero throughout. Budgets and spikes are
budgets.py's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from reconciler.core.model import ReportSettings
from reconciler.core.period import Period
from reconciler.core.usage_data import (
    COST_FIELDS,
    DIMENSIONS,
    ENDPOINT_FIELDS,
    LEVELS,
    CostFact,
    Names,
    UsageData,
    UsageFact,
)
from reconciler.errors import ReconcilerError
from reconciler.reports import focus
from reconciler.reports.budgets import Budget, Spike, budgets_of, spikes_of

NOT_APPLICABLE = "(n/a)"
Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reads:
    """The group_by fields the report needs from costs and from the usage endpoints."""

    cost_fields: tuple[str, ...]
    usage_fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Row:
    """One group: its values (in the table's `by` order), its cost, or its usage counters
    (`endpoint.counter` → value)."""

    key: Key
    cost: float | None = None
    usage: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Table:
    """Rows grouped by `by` (empty: one row for everything)."""

    by: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class DayCost:
    """The organization's cost on one day of the period."""

    day: int
    cost: float
    partial: bool


@dataclass(frozen=True, slots=True)
class UsageReport:
    """The report: money (None when costs could not be read) and usage tables, per-day and
    per-project cost, budgets, spikes, what is unknown and why, and notes."""

    period: Period
    by: tuple[str, ...]
    currency: str
    total_cost: float | None
    money: Table
    usage: Table
    usage_totals: Mapping[str, int]
    daily: tuple[DayCost, ...]
    projects: tuple[Row, ...]
    budgets: tuple[Budget, ...] = ()
    spikes: tuple[Spike, ...] = ()
    costs_error: str = ""
    unknown: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    focus: tuple[focus.FocusRow, ...] = ()

    @property
    def alerting(self) -> bool:
        """Whether a budget is exceeded or a spike was found (exit 2 for a scheduled job)."""
        return bool(self.spikes) or any(b.status == "over" for b in self.budgets)


def dimensions(settings: ReportSettings) -> list[str]:
    """Every `--by` choice: the built-in ones and each label key the config declares."""
    labels = sorted({k for found in settings.labels.values() for k in found} - set(DIMENSIONS))
    return [*DIMENSIONS, *labels]


def check_by(by: Sequence[str], settings: ReportSettings) -> tuple[str, ...]:
    """`by` without repeats, or an error naming the choices."""
    allowed = dimensions(settings)
    for name in by:
        if name not in allowed:
            raise ReconcilerError(
                f"--by {name!r} is not a dimension; choose among {', '.join(allowed)} "
                "(labels come from the projects' `labels` in the config)"
            )
    return tuple(dict.fromkeys(by))


def plan_reads(by: Sequence[str]) -> Reads:
    """Costs always by project (budgets, spikes, top projects), plus what `by` splits money by;
    usage by the usage fields of `by` (a label is a project's)."""
    fields = {DIMENSIONS.get(d, "project_id") for d in by}
    cost = ("project_id", *(f for f in COST_FIELDS if f in fields and f != "project_id"))
    usage = tuple(f for f in ("project_id", "user_id", "api_key_id", "model") if f in fields)
    return Reads(cost_fields=cost, usage_fields=usage)


def build_report(
    data: UsageData, *, by: Sequence[str], settings: ReportSettings, spike_factor: float
) -> UsageReport:
    """The report of what was read, grouped by `by` (see the module docstring)."""
    period, names = data.period, data.names
    money_by = tuple(d for d in by if DIMENSIONS.get(d, "project_id") in COST_FIELDS)
    usage_by = tuple(d for d in by if d != "line_item")
    in_period = [c for c in data.costs or () if period.start <= c.day < period.end]
    value = _Values(names, settings)
    money = _money(in_period, money_by, value) if data.costs is not None else ()
    costs_by_project = _per_project_day(data.costs or (), names)
    usage = Table(usage_by, _usage(data.usage, usage_by, value))
    return UsageReport(
        period=period,
        by=tuple(by),
        currency=next((c.currency for c in in_period), "usd"),
        total_cost=sum(c.amount for c in in_period) if data.costs is not None else None,
        money=Table(money_by, money),
        usage=usage,
        usage_totals=_usage_totals(data.usage),
        daily=tuple(_daily(in_period, period)) if data.costs is not None else (),
        projects=_top_projects(in_period, names),
        budgets=budgets_of(costs_by_project, settings, period) if data.costs is not None else (),
        spikes=spikes_of(costs_by_project, period, factor=spike_factor),
        costs_error=data.costs_error,
        unknown=dict(data.unknown),
        notes=(*_split_notes(by), *_missing_projects(settings, names), *names.notes),
        labels=settings.labels,
        focus=_focus(data, usage, settings),
    )


def _focus(data: UsageData, usage: Table, settings: ReportSettings) -> tuple[focus.FocusRow, ...]:
    """The FOCUS rows: costs per day, usage per group and counter, and what is unknown."""
    period, labels = data.period, settings.labels
    rows = focus.cost_rows(data.costs or (), period=period, names=data.names, labels=labels)
    for row in usage.rows:
        values = dict(zip(usage.by, row.key, strict=True))
        rows += [
            focus.usage_row(period=period, values=values, metric=m, amount=n, labels=labels)
            for m, n in sorted(row.usage.items())
        ]
    if data.costs is None:
        rows.append(focus.unknown_row(period=period, what="costs", reason=data.costs_error))
    for endpoint, reason in sorted(data.unknown.items()):
        rows.append(focus.unknown_row(period=period, what=endpoint, reason=reason))
    return tuple(rows)


class _Values:
    """A group's value for each dimension, as a person reads it (names, not ids)."""

    def __init__(self, names: Names, settings: ReportSettings) -> None:
        self._names = names
        self._labels = settings.labels

    def of(self, dim: str, group: Callable[[str], str | None], fields: Iterable[str]) -> str:
        """The value of `dim` in a result (`group` reads its fields; `fields`: those it has)."""
        api_field = DIMENSIONS.get(dim, "project_id")
        if api_field not in fields:
            return NOT_APPLICABLE
        raw = group(api_field)
        names = self._names
        match dim:
            case "project":
                return names.projects.get(raw, raw) if raw else "(no project)"
            case "api_key":
                return str(names.keys[raw]) if raw and raw in names.keys else raw or "(no key)"
            case "user":
                return names.users.get(raw, raw) if raw else "(no user)"
            case "model" | "line_item":
                return raw or f"(no {dim.replace('_', ' ')})"
        project = names.projects.get(raw or "", raw or "")
        return self._labels.get(project, {}).get(dim, "(unlabelled)")


def _money(costs: list[CostFact], by: tuple[str, ...], value: _Values) -> tuple[Row, ...]:
    sums: dict[Key, float] = defaultdict(float)
    for cost in costs:
        sums[tuple(value.of(d, cost.field, COST_FIELDS) for d in by)] += cost.amount
    return tuple(Row(key, cost=amount) for key, amount in sorted(sums.items(), key=_by_cost))


def _usage(
    usage: Mapping[str, tuple[UsageFact, ...]], by: tuple[str, ...], value: _Values
) -> tuple[Row, ...]:
    sums: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for endpoint, facts in usage.items():
        fields = ENDPOINT_FIELDS[endpoint]
        last = max((f.day for f in facts), default=0)
        for fact in facts:
            key = tuple(value.of(d, fact.group.get, fields) for d in by)
            for name, amount in fact.counters.items():
                if name not in LEVELS or fact.day == last:
                    sums[key][f"{endpoint}.{name}"] += amount
    return tuple(Row(key, usage=dict(found)) for key, found in sorted(sums.items()))


def _usage_totals(usage: Mapping[str, tuple[UsageFact, ...]]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for endpoint, facts in usage.items():
        last = max((f.day for f in facts), default=0)
        for fact in facts:
            for name, amount in fact.counters.items():
                if name not in LEVELS or fact.day == last:
                    totals[f"{endpoint}.{name}"] += amount
    return dict(totals)


def _daily(costs: list[CostFact], period: Period) -> Iterable[DayCost]:
    per_day: dict[int, float] = defaultdict(float)
    for cost in costs:
        per_day[cost.day] += cost.amount
    for day in period.days:
        yield DayCost(day, per_day.get(day, 0.0), period.is_partial(day))


def _per_project_day(costs: Iterable[CostFact], names: Names) -> dict[str, dict[int, float]]:
    """Cost by project name and day, over everything read (the trailing days included)."""
    found: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for cost in costs:
        pid = cost.project_id or ""
        found[names.projects.get(pid, pid or "(no project)")][cost.day] += cost.amount
    return found


def _top_projects(costs: list[CostFact], names: Names) -> tuple[Row, ...]:
    found = _per_project_day(costs, names)
    rows = ((name, sum(days.values())) for name, days in found.items())
    return tuple(Row((name,), cost=cost) for name, cost in sorted(rows, key=lambda r: -r[1]))


def _by_cost(item: tuple[Key, float]) -> tuple[float, Key]:
    return -item[1], item[0]


def _missing_projects(settings: ReportSettings, names: Names) -> list[str]:
    """Budgets and labels the config gives projects the organization does not have."""
    live = set(names.projects.values())
    return [
        f"{name}: no such project in the organization (its budget counts nothing, its labels "
        "nothing)"
        for name in sorted({*settings.budgets, *settings.labels} - live)
    ]


def _split_notes(by: Sequence[str]) -> list[str]:
    """Say where the API cannot split money or usage by a requested dimension."""
    notes = []
    for dim in by:
        if DIMENSIONS.get(dim) in ("model", "user_id"):
            notes.append(
                f"money is not split by {dim}: the costs API groups only by project, line item "
                f"and API key; usage by {dim} is shown beside the money instead"
            )
        if dim == "line_item":
            notes.append("usage is not split by line item: only costs have line items")
    if any(DIMENSIONS.get(d) in ("model", "user_id", "api_key_id") for d in by):
        notes.append(
            f"{NOT_APPLICABLE}: endpoints that cannot group by that dimension "
            "(vector stores and code interpreter sessions by project only)"
        )
    return notes
