"""Renderings of a drift report: text (terminal), markdown (the body of an issue), json.

The markdown begins with the hidden marker `<!-- reconciler:drift -->`, by which the drift
workflow finds its one issue. Times are UTC. Pure: returns text.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from reconciler.render import Format
from reconciler.reports.attribution import Attribution
from reconciler.reports.drift import DriftItem, DriftReport

MARKER = "<!-- reconciler:drift -->"
NO_EVENT = "no audit event (older than the log reaches, or made before logging was on)"
NOTHING = "— (not in the organization: nothing to look up)"
MARKS = {
    "differs": "~",
    "missing": "+",
    "extra": "-",
    "archived": "!",
    "problem": "!",
    "unmanaged": "?",
}


def render_drift(report: DriftReport, *, fmt: Format) -> str:
    """Render the report in one of the three formats."""
    match fmt:
        case "markdown":
            return render_markdown(report)
        case "json":
            return json.dumps(report.to_json(), indent=2, sort_keys=True) + "\n"
        case _:
            return render_text(report)


def when(at: int) -> str:
    """A Unix time as `2026-11-25 07:03 UTC`."""
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M UTC")


def changed_by(item: DriftItem, report: DriftReport) -> str:
    """`alice@example.com via dashboard, 2026-11-25 07:03 UTC (user.updated)` or why unknown."""
    if item.attribution is not None:
        return _attribution(item.attribution)
    if item.status == "missing":
        return NOTHING
    if not report.audit_available:
        return "unknown: audit logs unavailable"
    return NO_EVENT


def _attribution(found: Attribution) -> str:
    likely = "" if found.certain else "likely "
    return f"{likely}{found.actor} via {found.via}, {when(found.at)} ({found.event})"


def headline(report: DriftReport) -> str:
    """One line: in sync, or how many objects differ."""
    counted = [i for i in report.items if i.counts]
    if not counted:
        return f"In sync: the organization matches {report.config}."
    many = len(counted) != 1
    objects = f"{len(counted)} object{'s' if many else ''}"
    verb = "differ" if many else "differs"
    return f"Drift: {objects} in the organization {verb} from {report.config}."


def render_text(report: DriftReport) -> str:
    """Plain text for a terminal or a CI log."""
    lines = [headline(report)]
    if report.freshness:
        lines.append(f"freshness: {report.freshness}")
    if report.audit_note:
        lines.append(f"audit log: {report.audit_note}")
    for item in report.items:
        if not item.counts:
            continue
        lines.append(f"  {MARKS[item.status]} {item.label}: {item.detail}")
        lines.append(f"      changed by: {changed_by(item, report)}")
        if item.declared_in is not None:  # a config directory: the fragment to look in
            lines.append(f"      declared in: {item.declared_in}")
    benign = [i for i in report.items if not i.counts]
    if benign:
        lines.append(f"  (also {len(benign)} objects reported but not counted as drift, e.g. rate")
        lines.append("   limits of undeclared models; see --format json)")
    return "\n".join(lines) + "\n"


def render_markdown(report: DriftReport) -> str:
    """The body of the drift issue: marker, verdict, then a table of what differs."""
    lines = [MARKER, f"## {headline(report)}", ""]
    if report.freshness:
        lines += [f"> **Freshness:** {report.freshness}", ""]
    if report.audit_note:
        lines += [f"> **Audit log:** {report.audit_note}", ""]
    counted = [i for i in report.items if i.counts]
    if counted:
        lines += _table(counted, report)
        lines += [
            "",
            f"Either revert these in the organization with `reconciler apply {report.config}`, "
            "or adopt them by editing the file in a pull request.",
        ]
    benign = [i for i in report.items if not i.counts]
    if benign:
        lines += ["", "<details><summary>Reported but not counted as drift</summary>", ""]
        lines += [f"- {_cell(i.label)}: {_cell(i.detail)}" for i in benign]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _table(counted: list[DriftItem], report: DriftReport) -> list[str]:
    """The table of what differs; with a `declared in` column when a config directory says
    which fragment declares each object (a single file's table is as it always was)."""
    located = any(i.declared_in is not None for i in counted)
    head = "| | object | what differs | changed by |" + (" declared in |" if located else "")
    rule = "|---|---|---|---|" + ("---|" if located else "")
    rows = [
        f"| {MARKS[i.status]} | {_cell(i.label)} | {_cell(i.detail)} "
        f"| {_cell(changed_by(i, report))} |"
        + (f" {_cell(i.declared_in or '')} |" if located else "")
        for i in counted
    ]
    return [head, rule, *rows]


def _cell(text: str) -> str:
    """Text safe inside a markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")
