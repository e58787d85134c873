"""What breaks: the models and hosted tools a plan takes away from projects, with their use.

    taking_away(plan, live) -> {project name: project id}   whose last 30 days to read
    tools_taken(plan, live) -> sorted tool names              which tool endpoints to read
    assess(plan, live, usage=RecentUse(...)) -> Breaks        what each change takes, and its use

A model-permission change takes a model away when the old policy allows it and the new one
does not: an allow list losing it, a deny list gaining it, a policy newly set that leaves it
out. Which models an open-ended change takes (a list set where every model was allowed) is
known only from what the project used: the models of its usage and cost line items. A hosted
tool is taken away when it goes from enabled (or unknown) to disabled.

A change that takes away a model or tool with traffic in the last 30 days (requests, calls or
cost above zero) is destructive and counts for `max_deletes` (core/safety.py); so is one whose
use could not be read (fail closed, as the spend-stop gate). `mcp` has no usage endpoint: its
use is never known, which the plan says, and it is not counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from reconciler.core.change import Action, Change, Kind
from reconciler.core.model import Live
from reconciler.core.plan import Plan

ChangeRef = tuple[Kind, tuple[str, ...]]
# A usage model id is a policy entry's dated snapshot ([inferred]: `gpt-4o` covers
# `gpt-4o-2024-08-06`; the spec does not say how policies match snapshots).
_SNAPSHOT = re.compile(r"-\d{4}-\d{2}-\d{2}")
# The hosted tools the usage API counts, and the unit of their count.
TOOL_UNITS = {
    "web_search": "calls",
    "file_search": "calls",
    "code_interpreter": "sessions",
    "image_generation": "requests",
}


@dataclass(frozen=True, slots=True)
class Use:
    """One model's (or tool's) last 30 days in one project; None where unknown (a tool's cost
    is always None: the costs API does not split cost by tool)."""

    requests: int | None = 0
    cost: float | None = 0.0

    @property
    def traffic(self) -> bool:
        """Used at all, or unknown (which counts as used)."""
        return self.requests is None or self.requests > 0 or self.cost is None or self.cost > 0


@dataclass(frozen=True, slots=True)
class RecentUse:
    """The last 30 days read for the projects losing something (project ids as keys).

    `models` is (project id, model) → use, None when the read failed; `tools` is tool →
    {project id: count}, a tool's value None when its endpoint could not be read."""

    models: Mapping[tuple[str, str], Use] | None = None
    tools: Mapping[str, Mapping[str, int] | None] = field(default_factory=dict)
    currency: str = "usd"
    note: str = ""


@dataclass(frozen=True, slots=True)
class Loss:
    """What one change takes away: `what` is model or tool, each name with its use."""

    project: str
    what: Literal["model", "tool"]
    taken: tuple[tuple[str, Use], ...] = ()
    # Why some use is unknown ("usage could not be read", "the usage API does not count mcp").
    note: str = ""
    # Models the change takes beyond those named: every model outside a new allow list.
    open_ended: bool = False
    destructive: bool = False


@dataclass(frozen=True, slots=True)
class Breaks:
    """Every change that takes a model or hosted tool away, with what it takes."""

    changes: Mapping[ChangeRef, Loss] = field(default_factory=dict)
    currency: str = "usd"

    def loss_of(self, change: Change) -> Loss | None:
        """What `change` takes away, or None when it takes nothing."""
        return self.changes.get((change.kind, change.key))

    def destructive(self, change: Change) -> bool:
        """Whether `change` takes away a model or tool with traffic (or unknown use)."""
        loss = self.loss_of(change)
        return loss is not None and loss.destructive

    def to_json(self) -> list[dict[str, Any]]:
        """One entry per change, in plan-key order."""
        return [_loss_json(kind, key, loss, self.currency)
                for (kind, key), loss in sorted(self.changes.items())]  # fmt: skip


def allows(policy: Mapping[str, Any] | None, model: str) -> bool:
    """Whether a policy (`{"mode": ..., "models": [...]}`, None: none) allows a model id."""
    if policy is None or policy.get("mode") in (None, "all"):
        return True
    listed = any(_covers(entry, model) for entry in policy.get("models") or ())
    return listed if policy["mode"] == "allow" else not listed


def _covers(entry: str, model: str) -> bool:
    return model == entry or (
        model.startswith(entry + "-") and _SNAPSHOT.fullmatch(model[len(entry) :]) is not None
    )


def _named(change: Change) -> tuple[set[str], bool]:
    """The models a policy change takes by name, and whether it takes others too (open)."""
    before, after = change.before, change.after
    if change.action is Action.DELETE or after is None:
        return set(), False
    listed = {*(before or {}).get("models", ()), *after.get("models", ())}
    named = {m for m in listed if allows(before, m) and not allows(after, m)}
    open_ended = after.get("mode") == "allow" and (before or {}).get("mode") != "allow"
    return named, open_ended


def _takes(change: Change) -> bool:
    """Whether a change may take a model or tool away (before any usage is known)."""
    if change.kind is Kind.MODEL_PERMISSION:
        named, open_ended = _named(change)
        return bool(named) or open_ended
    if change.kind is Kind.HOSTED_TOOL and change.after is not None:
        return change.after.get("enabled") is False and (change.before or {}).get("enabled") in (
            True,
            None,
        )
    return False


def _losing(plan: Plan, live: Live) -> Iterable[tuple[Change, str]]:
    """(change, project id) of each change that may take something from a live project."""
    for change in plan.changes:
        pid = live.ids.projects.get(change.key[0]) if change.key else None
        if pid is not None and _takes(change):
            yield change, pid


def taking_away(plan: Plan, live: Live) -> dict[str, str]:
    """The live projects from which the plan may take a model or tool, name → id."""
    return {change.key[0]: pid for change, pid in _losing(plan, live)}


def takes_models(plan: Plan, live: Live) -> bool:
    """Whether the plan may take a model away from a live project (costs and models to read)."""
    return any(c.kind is Kind.MODEL_PERMISSION for c, _ in _losing(plan, live))


def tools_taken(plan: Plan, live: Live) -> list[str]:
    """The counted tools the plan may take away from live projects (their endpoints to read)."""
    return sorted({c.key[1] for c, _ in _losing(plan, live)
                   if c.kind is Kind.HOSTED_TOOL and c.key[1] in TOOL_UNITS})  # fmt: skip


def assess(plan: Plan, live: Live, *, usage: RecentUse) -> Breaks:
    """What each change takes away, weighed with the projects' last 30 days."""
    found: dict[ChangeRef, Loss] = {}
    for change, pid in _losing(plan, live):
        if change.kind is Kind.MODEL_PERMISSION:
            loss = _model_loss(change, pid, usage)
        else:
            loss = _tool_loss(change, pid, usage)
        found[(change.kind, change.key)] = loss
    return Breaks(changes=found, currency=usage.currency)


def _model_loss(change: Change, pid: str, usage: RecentUse) -> Loss:
    named, open_ended = _named(change)
    project = change.key[0]
    if usage.models is None:
        taken = tuple((m, Use(None, None)) for m in sorted(named))
        note = usage.note or "usage could not be read"
        return Loss(project, "model", taken, note, open_ended, destructive=True)
    used = {model for (p, model) in usage.models if p == pid}
    models = {m for m in used if allows(change.before, m) and not allows(change.after, m)}
    taken = tuple((m, usage.models.get((pid, m), Use())) for m in sorted(models | named))
    destructive = any(use.traffic for _, use in taken)
    return Loss(project, "model", taken, "", open_ended, destructive)


def _tool_loss(change: Change, pid: str, usage: RecentUse) -> Loss:
    project, tool = change.key[0], change.key[1]
    if tool not in TOOL_UNITS:
        note = f"the usage API does not count {tool} calls; not counted for max_deletes"
        return Loss(project, "tool", ((tool, Use(None, None)),), note)
    counts = usage.tools.get(tool)
    if counts is None:
        note = f"{tool} usage could not be read"
        return Loss(project, "tool", ((tool, Use(None, None)),), note, destructive=True)
    use = Use(counts.get(pid, 0), None)
    return Loss(project, "tool", ((tool, use),), destructive=(use.requests or 0) > 0)


def _loss_json(kind: Kind, key: tuple[str, ...], loss: Loss, currency: str) -> dict[str, Any]:
    return {
        "kind": kind.value,
        "key": list(key),
        "project": loss.project,
        "takes": loss.what,
        "destructive": loss.destructive,
        "reason": _reason(loss),
        "open_ended": loss.open_ended,
        "note": loss.note,
        "last_30_days": [
            {"name": name, "requests": use.requests, "cost": use.cost, "currency": currency}
            | ({"unit": TOOL_UNITS.get(name, "calls")} if loss.what == "tool" else {})
            for name, use in loss.taken
        ],
    }


def _reason(loss: Loss) -> str:
    """Why a loss is destructive ("" when it is not), as the json rendering says it."""
    if not loss.destructive:
        return ""
    if any(use.requests is None for _, use in loss.taken) or not loss.taken:
        return f"takes away a {loss.what} whose use is unknown, counted as in use"
    used = [name for name, use in loss.taken if (use.requests or 0) > 0 or (use.cost or 0) > 0]
    return f"takes away {', '.join(used)}, used in the last 30 days; counts for max_deletes"
