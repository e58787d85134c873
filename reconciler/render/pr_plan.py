"""A plan scoped to a pull request, rendered with its two parts apart.

"Changes from this pull request" (what the head file adds to the base file's intent), "drift
already present" (what differs from the base file too; applying the merge reverts it), "drift
this pull request adopts" (live values the head file now declares), and, for projects the plan
archives or removes members from, the last 30 days of cost and requests; with `stakes`, also
the API keys each change makes stop working. Pure: returns text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from reconciler.change import Action, Change, Kind
from reconciler.plan import Plan
from reconciler.render import render
from reconciler.render.lines import change_lines
from reconciler.render.markdown import MARKER
from reconciler.safety import Refusal
from reconciler.scope import PrSplit
from reconciler.stakes import Stakes
from reconciler.usage import ProjectUsage

Fmt = Literal["text", "markdown", "json"]


@dataclass(frozen=True, slots=True)
class PrPlan:
    """Everything a pull-request plan shows."""

    plan: Plan
    split: PrSplit
    refusals: tuple[Refusal, ...] = ()
    at_stake: Mapping[str, ProjectUsage] = field(default_factory=dict)
    stakes_note: str = ""
    # From fetch_stakes.read_stakes: keys that stop working and usage, shown with the changes
    # (when set, it replaces `at_stake` and `stakes_note` in text and markdown).
    stakes: Stakes | None = None


def projects_at_stake(plan: Plan) -> list[str]:
    """Projects the plan archives or removes members from (sorted names)."""
    names = {
        c.key[0]
        for c in plan.changes
        if (c.kind is Kind.PROJECT and c.action is Action.ARCHIVE)
        or (c.kind is Kind.PROJECT_USER and c.action is Action.DELETE)
    }
    return sorted(names)


def render_pr(pr: PrPlan, *, fmt: Fmt, color: bool = False) -> str:
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
    parts += _md_stakes(pr)
    return "\n".join(parts).rstrip() + "\n"


def _md_section(title: str, intro: str, changes: Sequence[Change]) -> list[str]:
    if not changes:
        return [f"## {title}", "", "None.", ""]
    lines = [line for c in changes for line in change_lines(c)]
    return [f"## {title}", "", intro, "", "```", *lines, "```", ""]


def _md_stakes(pr: PrPlan) -> list[str]:
    if pr.stakes is not None or (not pr.at_stake and not pr.stakes_note):
        return []
    rows = ["## At stake (last 30 days)", ""]
    if pr.stakes_note:
        rows += [f"_{pr.stakes_note}_", ""]
    if pr.at_stake:
        rows += ["| project | cost | model requests |", "|---|---:|---:|"]
        rows += [
            f"| {name} | {u.cost:,.2f} {u.currency.upper()} | {u.requests:,} |"
            for name, u in sorted(pr.at_stake.items())
        ]
    return [*rows, ""]


def _text(pr: PrPlan, body: str) -> str:
    parts = ["Changes from this pull request:", body.rstrip(), ""]
    for title, changes in (("Drift already present", pr.split.drift),
                           ("Drift this pull request adopts", pr.split.adopted)):  # fmt: skip
        parts.append(f"{title}: {len(changes) or 'none'}")
        parts += [f"  {line}" for c in changes for line in change_lines(c)]
    for name, u in sorted(pr.at_stake.items() if pr.stakes is None else ()):
        parts.append(f"At stake in {name} (30 days): {u.cost:,.2f} {u.currency.upper()}, "
                     f"{u.requests:,} model requests")  # fmt: skip
    if pr.stakes_note and pr.stakes is None:
        parts.append(pr.stakes_note)
    return "\n".join(parts).rstrip() + "\n"


def _json(pr: PrPlan) -> dict[str, object]:
    return {
        "plan": pr.plan.to_json(),
        "pull_request": [c.to_json() for c in pr.split.introduced],
        "drift": [c.to_json() for c in pr.split.drift],
        "adopted": [c.to_json() for c in pr.split.adopted],
        "at_stake": {
            name: {"cost": u.cost, "currency": u.currency, "requests": u.requests}
            for name, u in sorted(pr.at_stake.items())
        },
        "refusals": [str(r) for r in pr.refusals],
    } | ({"stakes": pr.stakes.to_json()} if pr.stakes is not None else {})
