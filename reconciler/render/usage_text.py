"""The usage and cost report as tables for a terminal (rich, rendered to text; no colour)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table as RichTable

from reconciler.core.period import day_text
from reconciler.render.usage import (
    by_text,
    headline,
    metric_columns,
    money,
    usage_cell,
)
from reconciler.reports.usage import UsageReport


def render_text(report: UsageReport, *, width: int = 160) -> str:
    """Headline, money table, usage table, budgets, spikes, what was not read, and notes."""
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, force_terminal=False)
    console.print(f"Usage and cost, {report.period.label()}")
    console.print(headline(report))
    if report.total_cost is not None:
        console.print(_money_table(report))
    for table in _usage_tables(report, width=width):
        console.print(table)
    if report.budgets:
        console.print(_budgets(report))
    if report.spikes:
        console.print(_spikes(report))
    for what, reason in _not_read(report):
        console.print(f"unknown: {what} could not be read ({reason})")
    for note in report.notes:
        console.print(f"note: {note}")
    return out.getvalue()


def _money_table(report: UsageReport) -> RichTable:
    table = RichTable(title=f"Cost by {by_text(report.money)}", title_justify="left")
    for dim in report.money.by:
        table.add_column(dim, no_wrap=True)
    table.add_column("cost", justify="right")
    for row in report.money.rows:
        table.add_row(*row.key, money(row.cost, report.currency))
    if report.money.by:
        table.add_section()
        table.add_row("total", *[""] * (len(report.money.by) - 1),
                      money(report.total_cost, report.currency))  # fmt: skip
    return table


def _usage_tables(report: UsageReport, *, width: int) -> list[RichTable]:
    """The usage table, its metric columns split over as many tables as the width needs."""
    metrics = metric_columns(report)
    keys = sum(max([len(d), *(len(r.key[i]) for r in report.usage.rows)]) + 3
               for i, d in enumerate(report.usage.by))  # fmt: skip
    chunks: list[list[tuple[str, str]]] = [[]]
    used = keys
    for metric in metrics:
        need = max(8, len(metric[1])) + 3  # the header on one line, and the padding
        if chunks[-1] and used + need > width:
            chunks.append([])
            used = keys
        chunks[-1].append(metric)
        used += need
    title = f"Usage by {by_text(report.usage)}"
    return [
        _usage_table(report, chunk, title + (f" ({n}/{len(chunks)})" if len(chunks) > 1 else ""))
        for n, chunk in enumerate(chunks, start=1)
    ]


def _usage_table(report: UsageReport, metrics: list[tuple[str, str]], title: str) -> RichTable:
    table = RichTable(title=title, title_justify="left")
    for dim in report.usage.by:
        table.add_column(dim, no_wrap=True)
    for _, column in metrics:
        # Wide enough for the header's longest word, so a header wraps but is never cut.
        table.add_column(column, justify="right", min_width=max(map(len, column.split())))
    for row in report.usage.rows:
        table.add_row(*row.key, *(usage_cell(report, row.usage, m) for m, _ in metrics))
    if report.usage.by:
        table.add_section()
        totals = report.usage_totals
        table.add_row("total", *[""] * (len(report.usage.by) - 1),
                      *(usage_cell(report, totals, m) for m, _ in metrics))  # fmt: skip
    return table


def _budgets(report: UsageReport) -> RichTable:
    table = RichTable(title="Budgets (report only)", title_justify="left")
    for column in ("scope", "month", "budget", "spent", "projected", "status"):
        table.add_column(
            column, justify="right" if column in ("budget", "spent", "projected") else "left"
        )
    for b in report.budgets:
        table.add_row(b.scope, b.month, money(b.limit), money(b.spent), money(b.projected),
                      b.status)  # fmt: skip
    return table


def _spikes(report: UsageReport) -> RichTable:
    table = RichTable(title="Spikes", title_justify="left")
    for column in ("project", "day", "cost", "trailing median", "×"):
        table.add_column(column)
    for s in report.spikes:
        day = day_text(s.day) + (" (partial)" if s.partial else "")
        table.add_row(s.project, day, money(s.cost), money(s.median), f"{s.ratio:.1f}")
    return table


def _not_read(report: UsageReport) -> list[tuple[str, str]]:
    found = [("costs", report.costs_error)] if report.costs_error else []
    return found + sorted(report.unknown.items())
