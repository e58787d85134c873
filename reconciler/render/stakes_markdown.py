"""The "At stake (last 30 days)" section of the pull-request comment.

One row per project the plan puts at stake: its cost and model requests over the last 30 days,
and how many of its API keys stop working; then why anything is unknown. Renders nothing
without stakes, or when nothing is at stake.
"""

from __future__ import annotations

from reconciler.core.stakes import Stakes
from reconciler.render.stakes_text import money

TITLE = "At stake (last 30 days)"


def stakes_section(stakes: Stakes | None, cap: int | None = None) -> list[str]:
    """The section's lines (empty when there is nothing to show); `cap` limits the rows."""
    if stakes is None or not (stakes.projects or stakes.note):
        return []
    rows = [_row(stakes, name) for name in sorted(stakes.projects)]
    shown = rows if cap is None else rows[:cap]
    more = [f"| … and {len(rows) - len(shown)} more | | | |"] if len(shown) < len(rows) else []
    table = [
        "| project | cost | model requests | API keys that stop working |",
        "|---|---:|---:|---:|",
        *shown,
        *more,
    ]
    notes = [
        f"- {_cell(name)}: {stake.keys_note}"
        for name, stake in sorted(stakes.projects.items())
        if stake.keys_note
    ] + ([f"- {stakes.note}"] if stakes.note else [])
    body = [table] if rows else []
    body += [notes] if notes else []
    return ["", f"#### {TITLE}", *(line for block in body for line in ["", *block])]


def _row(stakes: Stakes, name: str) -> str:
    usage = stakes.projects[name].usage
    keys = stakes.keys_lost_in(name)
    cost = money(usage) if usage is not None else "unknown"
    requests = f"{usage.requests:,}" if usage is not None else "unknown"
    lost = str(len(keys)) if keys is not None else "unknown"
    return f"| {_cell(name)} | {cost} | {requests} | {lost} |"


def _cell(text: str) -> str:
    """Text safe inside a table cell (a `|` would start a new column)."""
    return text.replace("|", "\\|")
