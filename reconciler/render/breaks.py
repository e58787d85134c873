"""What breaks, as the renderings say it: the models and hosted tools a change takes away.

    breaks_phrase(change, stakes)   "takes away gpt-4o-mini (1,234 requests, $5.67 in 30 days)
                                     — destructive: counts for max_deletes"
    breaks_section(stakes, cap)     the pull-request comment's "Taken away (last 30 days)" table

Both render nothing for a plan that takes nothing away, so other plans' output is unchanged.
"""

from __future__ import annotations

from reconciler.core.breaks import TOOL_UNITS, Loss, Use
from reconciler.core.change import Change
from reconciler.core.stakes import Stakes
from reconciler.core.usage import ProjectUsage
from reconciler.render.stakes_text import KEY_CAP, money

TITLE = "Taken away (last 30 days)"
DESTRUCTIVE = "destructive: counts for max_deletes"
OPEN = "every model outside the new list"


def breaks_phrase(change: Change, stakes: Stakes | None, *, code: bool = False) -> str | None:
    """What `change` takes away and its use, or None when it takes nothing (or no stakes)."""
    loss = stakes.breaks.loss_of(change) if stakes is not None else None
    if loss is None or stakes is None:
        return None
    currency = stakes.breaks.currency
    if loss.what == "tool":
        text = _tool(loss, currency, code=code)
    else:
        text = _models(loss, currency, code=code)
    if loss.note and loss.what == "model":
        text += f" ({loss.note})"
    return text + (f" — {DESTRUCTIVE}" if loss.destructive else "")


def _models(loss: Loss, currency: str, *, code: bool) -> str:
    items = [f"{_name(m, code)} ({use_text(use, currency, unit='requests')})"
             for m, use in loss.taken]  # fmt: skip
    more = len(items) - KEY_CAP
    listed = ", ".join(items[:KEY_CAP]) + (f", … and {more} more" if more > 0 else "")
    if not loss.open_ended:
        return f"takes away {listed}"
    if not items:
        none = "use unknown" if loss.note else "none used in the last 30 days"
        return f"takes away {OPEN}; {none}"
    return f"takes away {OPEN}; of those used: {listed}"


def _tool(loss: Loss, currency: str, *, code: bool) -> str:
    name, use = loss.taken[0]
    if use.requests is None:
        return f"takes away {_name(name, code)}; use unknown ({loss.note})"
    said = use_text(use, currency, unit=TOOL_UNITS[name])
    return f"takes away {_name(name, code)} ({said}; the costs API does not split cost by tool)"


def use_text(use: Use, currency: str, *, unit: str) -> str:
    """`1,234 requests, $5.67 in 30 days`, `unused in 30 days` or `use unknown`; requests are
    completions requests, so a model billed only through another endpoint (embeddings, images)
    shows its cost alone."""
    if use.requests is None:
        return "use unknown"
    if use.requests == 0 and not use.cost:
        return "unused in 30 days"
    cost = None if use.cost is None else money(ProjectUsage(use.cost, currency))
    if use.requests == 0 and cost is not None:
        return f"{cost} in 30 days"  # billed through an endpoint other than completions
    return f"{use.requests:,} {unit}" + (f", {cost}" if cost else "") + " in 30 days"


def _name(name: str, code: bool) -> str:
    return f"`{name}`" if code else name


def breaks_section(stakes: Stakes | None, cap: int | None = None) -> list[str]:
    """The comment's table of what the plan takes away (empty when it takes nothing)."""
    if stakes is None or not stakes.breaks.changes:
        return []
    currency = stakes.breaks.currency
    rows: list[str] = []
    notes: list[str] = []
    for loss in sorted(stakes.breaks.changes.values(), key=lambda x: (x.project, x.what)):
        rows += [_row(loss, name, use, currency) for name, use in loss.taken]
        if loss.open_ended and not loss.taken:
            # Nothing used is named: none in 30 days, or the use could not be read (destructive).
            unknown = loss.destructive
            used, cost, said = ("unknown", "unknown", "**yes**") if unknown else ("0", "—", "no")
            rows.append(f"| {loss.project} | {OPEN} | {used} | {cost} | {said} |")
        if loss.note:
            notes.append(f"- {loss.project}: {loss.note}")
    shown = rows if cap is None else rows[:cap]
    more = [f"| … and {len(rows) - len(shown)} more | | | | |"] if len(shown) < len(rows) else []
    table = ["| project | model or tool | requests | cost | destructive |",
             "|---|---|---:|---:|---|", *shown, *more]  # fmt: skip
    return ["", f"#### {TITLE}", "", *table, *(["", *notes] if notes else [])]


def _row(loss: Loss, name: str, use: Use, currency: str) -> str:
    unit = TOOL_UNITS.get(name, "requests") if loss.what == "tool" else "requests"
    requests = "unknown" if use.requests is None else f"{use.requests:,} {unit}"
    if use.requests == 0 and use.cost:
        requests = "—"  # billed through an endpoint other than completions
    if use.cost is None:
        cost = (
            "not split by tool" if loss.what == "tool" and use.requests is not None else "unknown"
        )
    else:
        cost = money(ProjectUsage(use.cost, currency))
    traffic = use.traffic if loss.what == "model" else loss.destructive
    return f"| {loss.project} | `{name}` | {requests} | {cost} | {'**yes**' if traffic else 'no'} |"
