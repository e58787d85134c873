"""The markdown "Review by owner" section: a directory plan's changes by the file declaring them.

For a config directory whose repository has a CODEOWNERS file, each fragment that the plan
touches gets a row naming the owners whose review its changes need (an organization-level
change counts for the file that declares it, see core/provenance.py), and its changes folded
in `<details>`. Appended after the plan's own comment, so the rest stays byte for byte what a
single file gives. Pure: the owners per file come from the caller.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.core.change import Change
from reconciler.core.plan import Plan, label
from reconciler.render.lines import MARKERS

_CAP = 50  # changes listed per file; a comment must stay under GitHub's size limit


def by_file(plan: Plan) -> dict[str, list[Change]]:
    """The plan's changes grouped by the fragment declaring them, files sorted ({} without
    provenance)."""
    if plan.provenance is None:
        return {}
    grouped: dict[str, list[Change]] = {}
    for change in plan.changes:
        grouped.setdefault(plan.provenance.place_of(change.kind, change.key).file, []).append(
            change
        )
    return dict(sorted(grouped.items()))


def owners_section(
    plan: Plan, owners: Mapping[str, tuple[str, ...]], *, room: int | None = None
) -> str:
    """`## Review by owner`: a table of files, change counts and owners, then each file's
    changes ('' when the plan has no changes or no provenance). Past `room` characters (what
    is left of a GitHub comment) the changes are left out, then the table is cut, saying so."""
    grouped = by_file(plan)
    if not grouped:
        return ""
    lines = ["", "## Review by owner", "", "| File | Changes | Review by |", "|---|---:|---|"]
    for file, changes in grouped.items():
        lines.append(f"| `{file}` | {len(changes)} | {_owners(owners.get(file, ()))} |")
    table = "\n".join(lines) + "\n"
    text = table + _details(grouped, owners)
    if room is None or len(text) <= room:
        return text
    note = "\n_The changes of each file are left out to fit a GitHub comment._\n"
    if len(table) + len(note) <= room:
        return table + note
    cut = "\n_… cut to fit a GitHub comment; run `reconciler plan` for the rest._\n"
    return table[: max(room - len(cut), 0)].rsplit("\n", 1)[0] + "\n" + cut


def _details(grouped: Mapping[str, list[Change]], owners: Mapping[str, tuple[str, ...]]) -> str:
    lines: list[str] = []
    for file, changes in grouped.items():
        body = [_bullet(c) for c in changes[:_CAP]]
        more = [f"- … and {len(changes) - _CAP} more"] if len(changes) > _CAP else []
        summary = f"<code>{file}</code> — {_owners(owners.get(file, ()))}"
        lines += ["", f"<details><summary>{summary}</summary>", "", *body, *more, "", "</details>"]
    return "\n".join(lines) + "\n"


def _bullet(change: Change) -> str:
    return f"- `{MARKERS[change.action]}` {change.action.value} {label(change.kind, change.key)}"


def _owners(owners: tuple[str, ...]) -> str:
    return " ".join(owners) if owners else "_no owner in CODEOWNERS_"
