"""The plain-text line for each change, shared by the text and markdown renderings.

A line is a marker (`+` create, `~` update, `-` delete, `-/+` replace, `!` archive), a short
label, and a detail: field-level before → after for updates (what is added and removed, for a
set such as a role's permissions), what a create carries, and why a
delete or replace happens. Changes are grouped: organization first, then each project by name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from reconciler.core.change import Action, Change, FieldChange, Unmanaged
from reconciler.core.kinds.registry import info, project_of
from reconciler.core.plan import Plan, label

MARKERS: dict[Action, str] = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.DELETE: "-",
    Action.REPLACE: "-/+",
    Action.ARCHIVE: "!",
}
LABEL_WIDTH = 34
ORGANIZATION = "organization"


def groups(plan: Plan) -> list[tuple[str, list[Change]]]:
    """(title, changes) per group, in plan order within each: organization, then projects."""
    org: list[Change] = []
    projects: dict[str, list[Change]] = {}
    for change in plan.changes:
        project = project_of(change.kind, change.key)
        if project is None:
            org.append(change)
        else:
            projects.setdefault(project, []).append(change)
    result = [(ORGANIZATION, org)] if org else []
    result += [(f"project {name}", projects[name]) for name in sorted(projects)]
    return result


def change_lines(change: Change) -> list[str]:
    """The lines for one change: `~ user bob@example.com   role: reader → owner` (+ more fields)."""
    marker = MARKERS[change.action].ljust(3)
    head = f"{marker} {short_label(change):<{LABEL_WIDTH}}"
    details = _details(change)
    first, rest = (details[0], details[1:]) if details else ("", [])
    pad = " " * len(head)
    return [f"{head} {first}".rstrip()] + [f"{pad} {line}" for line in rest]


def short_label(change: Change) -> str:
    """The label inside its group (projects are the group titles)."""
    return label(change.kind, change.key, short=True)


def _details(change: Change) -> list[str]:
    action = change.action
    if action is Action.ARCHIVE:
        return ["irreversible; needs --allow-archive"]
    if action is Action.DELETE:
        return [" ".join(x for x in (_detail(change), _reason(change)) if x)]
    if action is Action.CREATE:
        return [_detail(change)]
    lines = [_field_line(change, f) for f in change.fields]
    if action is Action.REPLACE and change.reason:
        lines.append(_reason(change))
    return lines or [_reason(change)]


def _field_line(change: Change, field: FieldChange) -> str:
    """`role: reader → owner`; a set field says what is added and removed instead
    (`permissions: added api.costs.read; removed api.usage.read`)."""
    before, after = field.before, field.after
    listed = isinstance(before, list | None) and isinstance(after, list)
    if listed and field.field in info(change.kind).set_fields:
        had, has = before or [], after or []
        added = [item for item in has if item not in had]
        removed = [item for item in had if item not in has]
        said = [f"added {', '.join(map(str, added))}"] if added else []
        said += [f"removed {', '.join(map(str, removed))}"] if removed else []
        return f"{field.field}: {'; '.join(said) or 'unchanged'}"
    return f"{field.field}: {_value(before)} → {_value(after)}"


def _reason(change: Change) -> str:
    return f"({change.reason})" if change.reason else ""


def _detail(change: Change) -> str:
    detail = info(change.kind).detail
    return detail(change) if detail is not None else ""


def _value(value: Any) -> str:
    """A field value for people: None is the server default, invite projects and names read as
    a list."""
    if value is None:
        return "(default)"
    if isinstance(value, list):
        if not value:
            return "none"
        if all(isinstance(p, str) for p in value):
            return ", ".join(value)  # names, as a model policy's models
        return ", ".join(f"{p['project']} ({p['role']})" for p in value)
    return str(value)


def unmanaged_summary(unmanaged: Sequence[Unmanaged]) -> list[str]:
    """`3 users — not in the config; prune.users is off`, one line per (kind, reason)."""
    counted = Counter((u.kind, u.reason) for u in unmanaged)
    lines = []
    for (kind, reason), n in sorted(counted.items()):
        counted_kind = info(kind).counted(n)
        lines.append(f"{counted_kind} — {reason}" if reason else counted_kind)
    return lines
