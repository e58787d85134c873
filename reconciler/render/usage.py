"""Renderers of the usage and cost report: text (a rich table), csv (FOCUS), json, markdown.

    render_usage(report, fmt="markdown", width=100) -> str

Every format carries the same total (the API's, for the period), says what is unknown and why
(never a zero), and marks a partial day. The helpers here are shared by the formats.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from reconciler.core.period import day_text
from reconciler.core.usage_data import METRICS
from reconciler.reports.usage import Table, UsageReport

UNKNOWN = "unknown"


def render_usage(report: UsageReport, *, fmt: str, width: int = 160) -> str:
    """The report in one format (text, csv, json, markdown)."""
    from reconciler.render.usage_csv import render_csv
    from reconciler.render.usage_markdown import render_markdown
    from reconciler.render.usage_text import render_text

    renderers: dict[str, Callable[[UsageReport], str]] = {
        "text": lambda r: render_text(r, width=width),
        "csv": render_csv,
        "json": render_json,
        "markdown": render_markdown,
    }
    return renderers[fmt](report)


def money(amount: float | None, currency: str = "usd") -> str:
    """`$1,234.56` (other currencies by code); None is unknown."""
    if amount is None:
        return UNKNOWN
    return f"${amount:,.2f}" if currency == "usd" else f"{amount:,.2f} {currency.upper()}"


def count(amount: int) -> str:
    """A counter in at most five characters and a unit: 987, 12.3k, 4.5M, 6.7G."""
    for limit, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(amount) >= limit:
            return f"{amount / limit:.1f}{unit}"
    return str(amount)


def metric_columns(report: UsageReport) -> list[tuple[str, str]]:
    """(endpoint.counter, column) of the metrics to show: those with a value, and those of
    endpoints that could not be read (shown as unknown)."""
    found = {name for row in report.usage.rows for name in row.usage} | set(report.usage_totals)
    return [
        (f"{endpoint}.{counter}", column)
        for endpoint, counter, column in METRICS
        if f"{endpoint}.{counter}" in found or endpoint in report.unknown
    ]


def usage_cell(report: UsageReport, usage: Mapping[str, int], metric: str) -> str:
    """A usage counter as shown: unknown when its endpoint was not read, blank when the group
    has none (a zero the API returned is shown as 0)."""
    if metric.split(".", maxsplit=1)[0] in report.unknown:
        return UNKNOWN
    return count(usage[metric]) if metric in usage else ""


def by_text(table: Table) -> str:
    """`project, model`, or `total` for an ungrouped table."""
    return ", ".join(table.by) or "total"


def headline(report: UsageReport) -> str:
    """One line: the total, and what is over, at risk or spiking."""
    parts = [f"Total cost {money(report.total_cost, report.currency)} (as invoiced)"]
    over = sum(b.status == "over" for b in report.budgets)
    risk = sum(b.status == "at risk" for b in report.budgets)
    if over:
        parts.append(f"{over} budget{'s' * (over != 1)} over")
    if risk:
        parts.append(f"{risk} at risk")
    if report.spikes:
        parts.append(f"{len(report.spikes)} spike{'s' * (len(report.spikes) != 1)}")
    if report.unknown or report.costs_error:
        parts.append(f"{len(report.unknown) + bool(report.costs_error)} not read")
    return " · ".join(parts)


def render_json(report: UsageReport) -> str:
    """The report as one JSON document (exact numbers; unknown endpoints with their reason)."""
    period = report.period

    def table(t: Table, *, cost: bool) -> dict[str, Any]:
        rows = [
            {"group": dict(zip(t.by, r.key, strict=True))}
            | ({"cost": r.cost} if cost else {"usage": dict(r.usage)})
            for r in t.rows
        ]
        return {"by": list(t.by), "rows": rows}

    doc = {
        "format": "reconciler-usage-report",
        "version": 1,
        "period": {"first_day": day_text(period.start), "last_day": day_text(period.end - 1),
                   "start_time": period.start, "end_time": period.end, "now": period.now,
                   "label": period.label()},
        "by": list(report.by),
        "currency": report.currency,
        "total_cost": report.total_cost,
        "costs_error": report.costs_error or None,
        "money": table(report.money, cost=True) if report.total_cost is not None else None,
        "usage": table(report.usage, cost=False),
        "usage_totals": dict(sorted(report.usage_totals.items())),
        "unknown": dict(sorted(report.unknown.items())),
        "daily": [{"day": day_text(d.day), "cost": d.cost, "partial": d.partial}
                  for d in report.daily],
        "projects": [{"project": r.key[0], "cost": r.cost} for r in report.projects],
        "budgets": [{"scope": b.scope, "month": b.month, "budget": b.limit, "spent": b.spent,
                     "projected": b.projected, "status": b.status} for b in report.budgets],
        "spikes": [{"project": s.project, "day": day_text(s.day), "cost": s.cost,
                    "trailing_median": s.median, "ratio": s.ratio, "partial": s.partial}
                   for s in report.spikes],
        "notes": list(report.notes),
    }  # fmt: skip
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
