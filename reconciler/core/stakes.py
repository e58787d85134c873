"""What a plan puts at stake: API keys that stop working, and each project's last 30 days.

A project is at stake when the plan archives it, or removes from it a member or a service
account (deleted or replaced), or removes from the organization a user who is one of its
members. For those projects `fetching.stakes.read_stakes` lists the API keys and reads usage; this
module is the pure part around that read:

    projects_at_stake(plan, live) -> {project name: project id}   which projects to read
    assemble(plan, live, keys=..., usage=...) -> Stakes            who loses which keys

A key stops working when its owner loses the project: every active key of an archived project,
the keys a removed member owns there, the keys of a removed (or recreated) service account,
and a key the key policy deletes. `key_costs` is each listed key's last 30 days of cost (costs
grouped by `api_key_id`), read for the projects at stake.
Keys whose owner already has no access (`owner_project_access: inactive`) do not work today and
are left out. Nothing here is a secret: keys are known by name and redacted value only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.core.breaks import Breaks
from reconciler.core.change import Action, Change, Kind
from reconciler.core.model import ApiKeyInfo, Live
from reconciler.core.plan import Plan
from reconciler.core.usage import ProjectUsage, UsageReport

ChangeRef = tuple[Kind, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class LostKey:
    """An API key that stops working, and the project it belongs to."""

    project: str
    key: ApiKeyInfo


@dataclass(frozen=True, slots=True)
class KeysLost:
    """The keys one change makes stop working; `unknown` names projects whose keys could not
    be read (so the list may be incomplete)."""

    keys: tuple[LostKey, ...] = ()
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProjectStake:
    """One project at stake: its last 30 days (None when unknown), and why its keys are
    unknown when they could not be read."""

    usage: ProjectUsage | None = None
    keys_note: str = ""


@dataclass(frozen=True, slots=True)
class Stakes:
    """Everything at stake in a plan, for the renderers; `note` says why usage is missing."""

    projects: Mapping[str, ProjectStake] = field(default_factory=dict)
    changes: Mapping[ChangeRef, KeysLost] = field(default_factory=dict)
    note: str = ""
    # Key id → its last 30 days of cost, in `key_currency`; None when not read.
    key_costs: Mapping[str, float] | None = None
    key_currency: str = "usd"
    # The models and hosted tools the plan takes away, with their use (core/breaks.py).
    breaks: Breaks = field(default_factory=Breaks)

    def key_cost(self, key: ApiKeyInfo) -> float | None:
        """The key's last 30 days of cost (0 when it cost nothing), or None when unknown."""
        return None if self.key_costs is None else self.key_costs.get(key.id, 0.0)

    def keys_lost_by(self, change: Change) -> KeysLost | None:
        """What `change` costs in API keys, or None when it puts no key at stake."""
        return self.changes.get((change.kind, change.key))

    def keys_lost_in(self, project: str) -> tuple[ApiKeyInfo, ...] | None:
        """The distinct keys of `project` that stop working, or None when they are unknown."""
        stake = self.projects.get(project)
        if stake is None or stake.keys_note:
            return None
        found = {k.key.id: k.key for lost in self.changes.values() for k in lost.keys
                 if k.project == project}  # fmt: skip
        return tuple(found.values())

    def to_json(self) -> dict[str, Any]:
        """A JSON-able summary (redacted key values only)."""
        return {
            "note": self.note,
            "projects": {name: _project_json(p) for name, p in sorted(self.projects.items())},
            "changes": [
                _change_json(kind, key, lost, self)
                for (kind, key), lost in sorted(self.changes.items())
            ],
        } | ({"takes_away": self.breaks.to_json()} if self.breaks.changes else {})


def projects_at_stake(plan: Plan, live: Live) -> dict[str, str]:
    """The live projects the plan puts at stake, name → id (sorted by name)."""
    names = {name for change in plan.changes for name in _projects_of(change, live)}
    return {name: live.ids.projects[name] for name in sorted(names) if name in live.ids.projects}


def assemble(
    plan: Plan,
    live: Live,
    *,
    keys: Mapping[str, Sequence[ApiKeyInfo] | str],
    usage: UsageReport,
    key_costs: Mapping[str, float] | None = None,
    key_currency: str = "usd",
    breaks: Breaks | None = None,
) -> Stakes:
    """The stakes of a plan, from each project's keys (or why they could not be read) and usage.

    `keys` is keyed by project name; a string value is the reason that project's keys are
    unknown.
    """
    at_stake = projects_at_stake(plan, live)
    projects = {
        name: ProjectStake(
            usage=usage.by_project.get(pid),
            keys_note=found if isinstance(found := keys.get(name, ""), str) else "",
        )
        for name, pid in at_stake.items()
    }
    lost = {
        (change.kind, change.key): _keys_lost(change, live, keys)
        for change in plan.changes
        if any(name in at_stake for name in _projects_of(change, live))
    }
    return Stakes(
        projects=projects,
        changes=lost,
        note=usage.note,
        key_costs=key_costs,
        key_currency=key_currency,
        breaks=breaks or Breaks(),
    )


def _projects_of(change: Change, live: Live) -> Iterator[str]:
    """The projects in which `change` makes someone's keys stop working."""
    match change.kind, change.action:
        case Kind.PROJECT, Action.ARCHIVE:
            yield change.key[0]
        case Kind.PROJECT_USER, Action.DELETE:
            yield change.key[0]
        case Kind.SERVICE_ACCOUNT, Action.DELETE | Action.REPLACE:
            yield change.key[0]
        case Kind.API_KEY, Action.DELETE:
            yield change.key[0]
        case Kind.USER, Action.DELETE:
            email = change.key[0]
            for name, project in sorted(live.org.projects.items()):
                if project.members is not None and email in project.members:
                    yield name


def _keys_lost(
    change: Change, live: Live, keys: Mapping[str, Sequence[ApiKeyInfo] | str]
) -> KeysLost:
    """The active keys in the change's projects that belong to what it removes."""
    found: list[LostKey] = []
    unknown: list[str] = []
    for name in _projects_of(change, live):
        listed = keys.get(name)
        if listed is None or isinstance(listed, str):
            unknown.append(name)
            continue
        # A deleted key goes whatever its owner's access; otherwise only working keys count.
        deleted = change.kind is Kind.API_KEY
        found += [
            LostKey(name, k) for k in listed if (k.active or deleted) and _owned(change, live, k)
        ]
    return KeysLost(keys=tuple(found), unknown=tuple(unknown))


def _owned(change: Change, live: Live, key: ApiKeyInfo) -> bool:
    """Whether `key` belongs to what `change` removes (an archive removes every owner)."""
    match change.kind:
        case Kind.PROJECT:
            return True
        case Kind.PROJECT_USER | Kind.USER:
            return key.owner_kind == "user" and key.owner == change.key[-1]
        case Kind.SERVICE_ACCOUNT:
            ident = live.ids.service_accounts.get((change.key[0], change.key[1]))
            if key.owner_kind != "service_account":
                return False
            return key.owner_id == ident if ident else key.owner == change.key[1]
        case Kind.API_KEY:
            return key.id == change.key[1]
        case _:
            return False


def _project_json(stake: ProjectStake) -> dict[str, Any]:
    usage = stake.usage
    return {
        "usage": None
        if usage is None
        else {"cost": usage.cost, "currency": usage.currency, "requests": usage.requests},
        "keys_note": stake.keys_note,
    }


def _change_json(
    kind: Kind, key: tuple[str, ...], lost: KeysLost, stakes: Stakes
) -> dict[str, Any]:
    return {
        "kind": kind.value,
        "key": list(key),
        "keys_stop_working": [
            {
                "project": k.project,
                "id": k.key.id,
                "name": k.key.name,
                "redacted_value": k.key.redacted_value,
                "owner_kind": k.key.owner_kind,
                "owner": k.key.owner,
            }
            | _cost_json(k.key, stakes)
            for k in lost.keys
        ],
        "unknown_projects": list(lost.unknown),
    }


def _cost_json(key: ApiKeyInfo, stakes: Stakes) -> dict[str, Any]:
    """The key's 30-day cost, when costs by key were read (only for plans deleting keys)."""
    cost = stakes.key_cost(key)
    return {} if cost is None else {"cost_30_days": cost, "currency": stakes.key_currency}
