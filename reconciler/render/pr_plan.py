"""A plan scoped to a pull request, rendered with its two parts apart.

"Changes from this pull request" (what the head file adds to the base file's intent), "drift
already present" (what differs from the base file too; applying the merge reverts it), "drift
this pull request adopts" (live values the head file now declares), what the plan did not read
(drift there is neither shown nor applied by the merge's scoped apply), and, with `stakes`, the
API keys each change makes stop working and the last 30 days of cost and requests of the
projects at stake. Pure: returns text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from reconciler.core.change import Change, Kind
from reconciler.core.plan import Plan
from reconciler.core.pr_scope import NotRead, PrSplit
from reconciler.core.safety import Refusal
from reconciler.core.stakes import Stakes
from reconciler.render import Format, render
from reconciler.render.json import add_sources
from reconciler.render.lines import change_lines
from reconciler.render.markdown import MARKER
from reconciler.render.not_read import not_read_markdown, not_read_text


@dataclass(frozen=True, slots=True)
class PrPlan:
    """Everything a pull-request plan shows."""

    plan: Plan
    split: PrSplit
    refusals: tuple[Refusal, ...] = ()
    # From fetching.stakes.read_stakes: keys that stop working and usage, shown with the changes.
    stakes: Stakes | None = None
    # What the head file declares that the scoped plan left out (scope.not_read).
    not_read: NotRead = field(default_factory=NotRead)


def render_pr(pr: PrPlan, *, fmt: Format, color: bool = False) -> str:
    """Render in one of the three formats."""
    if fmt == "json":
        return json.dumps(_json(pr), indent=2, sort_keys=True) + "\n"
    # Declared projects outside the pull request's scope are not "unmanaged": leave them out.
    kept = tuple(u for u in pr.plan.unmanaged if u.kind is not Kind.PROJECT)
    own = replace(pr.plan, changes=pr.split.introduced, unmanaged=kept)
    body = render(own, fmt=fmt, color=color, refusals=pr.refusals, stakes=pr.stakes)
    if fmt == "markdown":
        return _markdown(pr, body.removeprefix(MARKER + "\n"))
    return _text(pr, body)


def _markdown(pr: PrPlan, body: str) -> str:
    parts = [MARKER, "## Changes from this pull request", "", body.rstrip(), ""]
    parts += _md_section(
        "Drift already present",
        "These differ from the base branch's file too; applying this pull request reverts them.",
        pr.split.drift,
    )
    parts += _md_section(
        "Drift this pull request adopts",
        "The live organization already has these; the pull request writes them into the file.",
        pr.split.adopted,
    )
    parts += not_read_markdown(pr.not_read)
    return "\n".join(parts).rstrip() + "\n"


def _md_section(title: str, intro: str, changes: Sequence[Change]) -> list[str]:
    if not changes:
        return [f"## {title}", "", "None.", ""]
    lines = [line for c in changes for line in change_lines(c)]
    return [f"## {title}", "", intro, "", "```", *lines, "```", ""]


def _text(pr: PrPlan, body: str) -> str:
    parts = ["Changes from this pull request:", body.rstrip(), ""]
    for title, changes in (("Drift already present", pr.split.drift),
                           ("Drift this pull request adopts", pr.split.adopted)):  # fmt: skip
        parts.append(f"{title}: {len(changes) or 'none'}")
        parts += [f"  {line}" for c in changes for line in change_lines(c)]
    parts += not_read_text(pr.not_read)
    return "\n".join(parts).rstrip() + "\n"


def _json(pr: PrPlan) -> dict[str, object]:
    plan = pr.plan.to_json()
    parts = {
        "pull_request": [c.to_json() for c in pr.split.introduced],
        "drift": [c.to_json() for c in pr.split.drift],
        "adopted": [c.to_json() for c in pr.split.adopted],
    }
    if pr.plan.provenance is not None:  # a config directory: each change names its file:line
        listed = (plan["changes"], plan["findings"], *parts.values())
        add_sources([entry for entries in listed for entry in entries], pr.plan.provenance)
    return {
        "plan": plan,
        **parts,
        "refusals": [str(r) for r in pr.refusals],
        "not_read": {
            "projects": list(pr.not_read.projects),
            "users": pr.not_read.users,
            "certificates": pr.not_read.certificates,
        },
    } | ({"stakes": pr.stakes.to_json()} if pr.stakes is not None else {})
