"""A governance report (core/report_table.py) as a terminal table, CSV, JSON or Markdown.

Every format carries the same header facts (what was read, when, from which organization), the
digest of the rows, and what the API cannot tell; CSV puts them on `# ` lines before the
column row and neutralises formula-like cells (render/csv_cells.py). Pure: returns text.
"""

from __future__ import annotations

import json
from typing import Literal

from reconciler.core.report_table import Cell, Report
from reconciler.render.csv_cells import csv_text

ReportFormat = Literal["table", "csv", "json", "markdown"]
FORMATS: tuple[ReportFormat, ...] = ("table", "csv", "json", "markdown")


def render_report(report: Report, *, fmt: ReportFormat) -> str:
    """`report` in one format (deterministic: the same report gives the same text)."""
    match fmt:
        case "csv":
            return csv_text(report.columns, report.rows, preamble=_preamble(report))
        case "json":
            return json.dumps(report.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        case "markdown":
            return _markdown(report)
        case _:
            return _table(report)


def _preamble(report: Report) -> list[str]:
    lines = [f"{name}: {value}" for name, value in _facts(report)]
    lines += [f"not known: {item}" for item in report.not_known]
    return lines + [f"note: {note}" for note in report.notes]


def _facts(report: Report) -> list[tuple[str, str]]:
    return [("report", report.kind), *report.facts, ("digest", report.digest())]


def _table(report: Report) -> str:
    """Aligned columns under the header facts; the notes after."""
    lines = [report.title, *(f"  {name}: {value}" for name, value in _facts(report)), ""]
    grid = [list(report.columns), *([_plain(c) for c in row] for row in report.rows)]
    widths = [max(len(row[i]) for row in grid) for i in range(len(report.columns))]
    for row in grid:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    if not report.rows:
        lines.append("(no rows)")
    lines.append("")
    lines += [f"Not known: {item}" for item in report.not_known]
    lines += [f"Note: {note}" for note in report.notes]
    return "\n".join(lines).rstrip() + "\n"


def _markdown(report: Report) -> str:
    lines = [f"## {report.title}", ""]
    lines += [f"- **{name}**: `{value}`" for name, value in _facts(report)]
    lines += ["", "| " + " | ".join(report.columns) + " |"]
    lines.append("|" + " --- |" * len(report.columns))
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in report.rows]
    if report.not_known:
        lines += ["", "**Not known** (the API does not say):", ""]
        lines += [f"- {item}" for item in report.not_known]
    if report.notes:
        lines += ["", *(f"- {note}" for note in report.notes)]
    return "\n".join(lines) + "\n"


def _plain(cell: Cell) -> str:
    """A cell on one line (a control character shown escaped)."""
    text = str(cell)
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def _md(cell: Cell) -> str:
    return _plain(cell).replace("|", "\\|")
