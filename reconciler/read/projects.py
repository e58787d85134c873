"""Fetch, per project: keying live projects by name, matching declared ones, reading details.

Keys: an active project holds its name; an archived project holds its name only when no active
project does (else `name#id`), and a second active project with the same name is `name#id`.
A declared project pinned by `id` matches that id; an unpinned one matches the active project
of its name, and two active projects with that name are an error that says how to keep one and
archive the other (projects are listed oldest first, so the older is named first). Details (members,
service accounts, rate limits, certificates, model and hosted-tool permissions) are read only
for declared, active projects and only where the declaration has them; API keys with
`settings.api_keys`, or where a service account declares a key rotation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from reconciler.api import AdminClient
from reconciler.api.parsing import unique_key
from reconciler.core.model import Desired, Project
from reconciler.errors import DuplicateProjectError
from reconciler.kinds import (
    api_keys,
    certificates,
    hosted_tools,
    model_permissions,
    project_users,
    rate_limits,
    registry,
    service_accounts,
    spend_alerts,
    spend_limits,
)
from reconciler.read.progress import Tracker


def key_projects(live: list[Project], desired: Desired) -> dict[str, Project]:
    """Live projects by key (see the module docstring); refuses ambiguous declared names."""
    keyed: dict[str, Project] = {}
    for project in sorted(live, key=lambda p: p.archived):
        key = unique_key(project.name, project.id or "", keyed)
        if key != project.name and not project.archived:
            _refuse_duplicate(keyed[project.name], project, desired)
        keyed[key] = project
    return keyed


def _refuse_duplicate(first: Project, second: Project, desired: Desired) -> None:
    declared = desired.org.projects.get(first.name)
    if declared is not None and declared.id is None:
        raise DuplicateProjectError(
            f"project {first.name!r}: two active live projects have this name ({first.id} and "
            f"{second.id}, oldest first; overlapping applies or the dashboard made both): pin the "
            f"one to keep with `id: {first.id}` on this project, and archive the other by "
            f"declaring it under a name of its own: "
            f"`- {{name: {first.name}-duplicate, id: {second.id}, archived: true}}`"
        )


def rotates(declared: Project) -> bool:
    """Whether a declared project has a service account with a key rotation policy."""
    return any(a.key is not None for a in (declared.service_accounts or {}).values())


def match_project(declared: Project, keyed: Mapping[str, Project]) -> str | None:
    """The key of the live project a declared one refers to, if it exists."""
    if declared.id is not None:
        return next((key for key, p in keyed.items() if p.id == declared.id), None)
    found = keyed.get(declared.name)
    return declared.name if found is not None else None


# Reads of plug-in kinds' parts are named `part:<name>` among a project's reads.
_PART = "part:"


@dataclass(slots=True)
class ProjectDetails:
    """Live projects with their details read, and the ids behind their natural keys."""

    projects: dict[str, Project] = field(default_factory=dict)
    service_account_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    rate_limit_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    spend_alert_ids: dict[tuple[str, int], str] = field(default_factory=dict)
    # Plug-in kinds' ids: part name → (project key, *rest of the natural key) → id.
    part_ids: dict[str, dict[tuple[str, ...], str]] = field(default_factory=dict)


class ProjectReads:
    """Starts the detail reads of declared projects and assembles their results."""

    def __init__(self, client: AdminClient, tracker: Tracker, *, keys: bool = False) -> None:
        self._client = client
        self._tracker = tracker
        self._keys = keys  # the file has `settings.api_keys`: read every declared project's
        self._tasks: dict[str, tuple[Project, dict[str, asyncio.Task[Any]]]] = {}

    def start(self, group: asyncio.TaskGroup, key: str, live: Project, declared: Project) -> None:
        """Start, in `group`, the reads `declared` asks for on the live project `live`."""
        assert live.id is not None, "live projects always carry their id"
        client, run, pid = self._client, self._tracker.run, live.id
        reads: dict[str, tuple[object, Coroutine[Any, Any, Any]]] = {
            "members": (declared.members, project_users.read_members(client, pid)),
            "service_accounts": (
                declared.service_accounts,
                service_accounts.read_service_accounts(client, pid),
            ),
            "rate_limits": (declared.rate_limits, rate_limits.read_rate_limits(client, pid)),
            "certificates": (
                declared.certificates,
                certificates.read_project_certificates(client, pid),
            ),
            "spend_limit": (declared.spend_limit, spend_limits.read_spend_limit(client, pid)),
            "spend_alerts": (declared.spend_alerts, spend_alerts.read_spend_alerts(client, pid)),
            "API_keys": (
                True if self._keys or rotates(declared) else None,
                api_keys.read_api_keys(client, pid),
            ),
            "models": (declared.models, model_permissions.read_model_permissions(client, pid)),
            "hosted_tools": (declared.hosted_tools, hosted_tools.read_hosted_tools(client, pid)),
        }
        for spec in registry.specs():
            part, read_part = spec.part, spec.read_project
            if part is not None and read_part is not None and part in declared.parts:
                reads[_PART + part] = (True, read_part(client, pid))
        tasks: dict[str, asyncio.Task[Any]] = {}
        for name, (wanted, read) in reads.items():
            if wanted is None:
                read.close()  # never awaited: not in scope
                continue
            label = name.removeprefix(_PART).replace("_", " ")
            tasks[name] = group.create_task(run(f"{key}: {label}", read))
        self._tasks[key] = (live, tasks)

    def results(self, certificate_keys: Mapping[str, str]) -> ProjectDetails:
        """Assemble the finished reads; `certificate_keys` maps certificate ids to names."""
        details = ProjectDetails()
        for key, (live, tasks) in self._tasks.items():
            done = {name: task.result() for name, task in tasks.items()}
            details.projects[key] = _with_details(key, live, done, details, certificate_keys)
        return details


def _with_details(
    key: str,
    project: Project,
    done: Mapping[str, Any],
    details: ProjectDetails,
    certificate_keys: Mapping[str, str],
) -> Project:
    """`project` with the collections that were read; their ids go into `details`."""
    if "members" in done:
        project = replace(project, members={m.email: m.role for m in done["members"]})
    if "service_accounts" in done:
        accounts = done["service_accounts"]
        project = replace(project, service_accounts={n: a for n, (a, _) in accounts.items()})
        details.service_account_ids.update({(key, n): i for n, (_, i) in accounts.items()})
    if "rate_limits" in done:
        limits = done["rate_limits"]
        project = replace(project, rate_limits={m: r for m, (r, _) in limits.items()})
        details.rate_limit_ids.update({(key, m): i for m, (_, i) in limits.items()})
    if "certificates" in done:
        active = [c for c in done["certificates"] if c.active]
        names = frozenset(certificate_keys.get(c.id, c.name) for c in active)
        project = replace(project, certificates=names)
    if "spend_limit" in done:
        project = replace(project, spend_limit=done["spend_limit"])
    if "spend_alerts" in done:
        alerts = done["spend_alerts"]
        project = replace(project, spend_alerts={c: a for c, (a, _) in alerts.items()})
        details.spend_alert_ids.update({(key, c): i for c, (_, i) in alerts.items()})
    if "API_keys" in done:
        project = replace(project, api_keys={k.id: k for k in done["API_keys"]})
    if "models" in done:
        project = replace(project, models=done["models"])
    if "hosted_tools" in done:
        project = replace(project, hosted_tools=done["hosted_tools"])
    parts = dict(project.parts)
    for name, read in done.items():
        if name.startswith(_PART):
            part, (value, ids) = name.removeprefix(_PART), read
            parts[part] = value
            found = details.part_ids.setdefault(part, {})
            found.update({(key, *rest): ident for rest, ident in ids.items()})
    return replace(project, parts=parts) if parts != project.parts else project
