"""The usage and cost report as Markdown for an issue or a pull-request comment: the headline,
a daily cost chart (a Mermaid `xychart-beta` block, which GitHub renders), the top projects,
budgets and spikes; the full tables folded in `<details>`."""

from __future__ import annotations

from reconciler.core.period import day_text
from reconciler.render.usage import (
    by_text,
    headline,
    metric_columns,
    money,
    usage_cell,
)
from reconciler.reports.usage import UsageReport

TOP_PROJECTS = 10


def render_markdown(report: UsageReport) -> str:
    """The report as GitHub-flavoured Markdown."""
    lines = [f"## Usage and cost, {report.period.label()}", "", f"**{headline(report)}**", ""]
    if report.daily:
        lines += _chart(report)
    if report.projects:
        lines += _top_projects(report)
    if report.budgets:
        lines += _budgets(report)
    if report.spikes:
        lines += _spikes(report)
    lines += _not_read(report)
    if report.total_cost is not None:
        lines += _money(report)
    lines += _usage(report)
    lines += [f"> {note}" for note in report.notes]
    return "\n".join(lines).rstrip() + "\n"


def _rule(left: int, right: int) -> str:
    """A table's delimiter row: `left` text columns, then `right` numbers."""
    return "| " + " | ".join(["---"] * left + ["---:"] * right) + " |"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _chart(report: UsageReport) -> list[str]:
    labels = ", ".join(f'"{day_text(d.day)[5:]}{"*" * d.partial}"' for d in report.daily)
    bars = ", ".join(f"{d.cost:.2f}" for d in report.daily)
    currency = report.currency.upper()
    lines = ["```mermaid", "xychart-beta", f'    title "Daily cost ({currency})"',
             f"    x-axis [{labels}]", f'    y-axis "{currency}"', f"    bar [{bars}]",
             "```"]  # fmt: skip
    if any(d.partial for d in report.daily):
        lines.append("\\* partial day: only its elapsed part is counted.")
    return [*lines, ""]


def _top_projects(report: UsageReport) -> list[str]:
    total = report.total_cost or 0.0
    lines = ["### Top projects", "", "| project | cost | share |", "| --- | ---: | ---: |"]
    for row in report.projects[:TOP_PROJECTS]:
        share = f"{(row.cost or 0) / total:.0%}" if total else "–"
        lines.append(f"| {_cell(row.key[0])} | {money(row.cost, report.currency)} | {share} |")
    if len(report.projects) > TOP_PROJECTS:
        lines.append(f"| … {len(report.projects) - TOP_PROJECTS} more | | |")
    return [*lines, ""]


def _budgets(report: UsageReport) -> list[str]:
    lines = ["### Budgets (report only)", "",
             "| scope | month | budget | spent | projected | status |",
             "| --- | --- | ---: | ---: | ---: | --- |"]  # fmt: skip
    for b in report.budgets:
        status = {"over": "**over**", "at risk": "at risk"}.get(b.status, b.status)
        lines.append(f"| {_cell(b.scope)} | {b.month} | {money(b.limit)} | {money(b.spent)} "
                     f"| {money(b.projected)} | {status} |")  # fmt: skip
    return [*lines, ""]


def _spikes(report: UsageReport) -> list[str]:
    lines = ["### Spikes", ""]
    for s in report.spikes:
        partial = " (partial day)" if s.partial else ""
        lines.append(f"- {_cell(s.project)} on {day_text(s.day)}{partial}: {money(s.cost)}, "
                     f"{s.ratio:.1f}× the trailing 14-day median ({money(s.median)})")  # fmt: skip
    return [*lines, ""]


def _not_read(report: UsageReport) -> list[str]:
    found = [("costs", report.costs_error)] if report.costs_error else []
    found += sorted(report.unknown.items())
    if not found:
        return []
    lines = ["### Not read (unknown, not zero)", ""]
    lines += [f"- `{what}`: {_cell(reason)}" for what, reason in found]
    return [*lines, ""]


def _money(report: UsageReport) -> list[str]:
    table = report.money
    head = [*table.by, "cost"]
    lines = [f"<details><summary>Cost by {by_text(table)}</summary>", "",
             f"| {' | '.join(head)} |", _rule(len(table.by), 1)]  # fmt: skip
    for row in table.rows:
        cells = [*map(_cell, row.key), money(row.cost, report.currency)]
        lines.append(f"| {' | '.join(cells)} |")
    return [*lines, "", "</details>", ""]


def _usage(report: UsageReport) -> list[str]:
    table, metrics = report.usage, metric_columns(report)
    head = [*table.by, *(column for _, column in metrics)]
    if not head:
        return []
    lines = [f"<details><summary>Usage by {by_text(table)}</summary>", "",
             f"| {' | '.join(head)} |", _rule(len(table.by), len(metrics))]  # fmt: skip
    for row in table.rows:
        cells = [
            *map(_cell, row.key),
            *(usage_cell(report, row.usage, m) for m, _ in metrics),
        ]
        lines.append(f"| {' | '.join(cells)} |")
    return [*lines, "", "</details>", ""]
