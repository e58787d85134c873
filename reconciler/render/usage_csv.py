"""The usage and cost report as FOCUS-style CSV (the stdlib csv module), safe to open in a
spreadsheet: a cell starting with = + - @ (or a tab or carriage return) is prefixed with `'`
so it is never taken for a formula (a number, such as a credit of -5.00, stays a number)."""

from __future__ import annotations

import csv
import io

from reconciler.reports.focus import COLUMNS, label_columns
from reconciler.reports.usage import UsageReport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render_csv(report: UsageReport) -> str:
    """One header line, then the report's FOCUS rows (costs per day, usage, unknowns)."""
    out = io.StringIO()
    columns = [*COLUMNS, *label_columns(report.labels)]
    writer = csv.DictWriter(out, fieldnames=columns, restval="", lineterminator="\n")
    writer.writeheader()
    for row in report.focus:
        writer.writerow({name: neutralise(value) for name, value in row.items()})
    return out.getvalue()


def neutralise(cell: str) -> str:
    """`cell`, or `'cell` when a spreadsheet would read it as a formula."""
    if not cell.startswith(FORMULA_STARTS):
        return cell
    try:
        float(cell)
    except ValueError:
        return f"'{cell}"
    return cell
