"""Who can reach the organization: its principals and their keys, for the governance reports.

    found = await read_principals(client, memberships=True, progress=progress)

What is read, each collection listed once (100 objects a request), independent lists at once:
the projects (archived ones are named but not read: their keys no longer work), the admin
keys (one request: which one is in use identifies the organization, as the API names none),
and for every active project its API keys with `owner_project_access=any` (so that keys of
owners who left the project are not hidden). With `memberships`: organization users, pending
invites, and every active project's members and service accounts too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reconciler.api import AdminClient
from reconciler.api.parsing import unique_key
from reconciler.core.model import ApiKeyInfo, Invite, Project, ServiceAccount, User
from reconciler.kinds import api_keys, invites, project_users, projects, service_accounts, users
from reconciler.kinds.project_users import Member
from reconciler.read import admin_keys
from reconciler.read.progress import FetchProgress, Tracker
from reconciler.read.tasks import read_group
from reconciler.read.teams import Teams

__all__ = ["Principals", "ProjectPrincipals", "read_principals"]


@dataclass(frozen=True, slots=True)
class ProjectPrincipals:
    """One active project: its key (its name, `name#id` when another has it), id, API keys,
    and (when read) members and service accounts."""

    name: str
    id: str
    keys: tuple[ApiKeyInfo, ...]
    members: tuple[Member, ...] = ()
    service_accounts: tuple[ServiceAccount, ...] = ()


@dataclass(frozen=True, slots=True)
class Principals:
    """What `read_principals` found. `admin_key` names the admin key in use as the API lists
    it (`key_… (sk-admin…abc)`), or None when no listed key matches it. `user_ids` are the
    users' ids by email; `teams` (read apart, by `read_teams`) is None when not read."""

    projects: tuple[ProjectPrincipals, ...]
    archived: tuple[str, ...] = ()
    users: tuple[User, ...] = ()
    invites: tuple[Invite, ...] = ()
    admin_key: str | None = None
    user_ids: Mapping[str, str] = field(default_factory=dict)
    teams: Teams | None = None


async def read_principals(
    client: AdminClient, *, memberships: bool, progress: FetchProgress | None = None
) -> Principals:
    """The organization's projects and keys, and with `memberships` its people and accounts."""
    tracker = Tracker(progress)
    listed = await tracker.run("projects", projects.read_projects(client))
    active = _keyed(p for p in listed if not p.archived)
    names = {str(p.id): key for key, p in active.items()}
    async with read_group() as group:
        admin_task = group.create_task(
            tracker.run("admin keys", admin_keys.read_admin_keys(client))
        )
        user_task = invite_task = None
        if memberships:
            user_task = group.create_task(tracker.run("users", users.read_users(client)))
            invite_task = group.create_task(
                tracker.run("invites", invites.read_invites(client, names))
            )
        project_tasks = [
            group.create_task(_read_project(client, tracker, key, str(p.id), memberships))
            for key, p in active.items()
        ]
    in_use = [k for k in admin_task.result() if client.key_matches_redacted(k.redacted_value)]
    pending = invite_task.result().values() if invite_task else ()
    return Principals(
        projects=tuple(task.result() for task in project_tasks),
        archived=tuple(sorted(p.name for p in listed if p.archived)),
        users=tuple(user for user, _ in (user_task.result() if user_task else ())),
        user_ids={user.email: ident for user, ident in (user_task.result() if user_task else ())},
        invites=tuple(invite for invite, _ in pending if invite.status == "pending"),
        admin_key=f"{in_use[0].id} ({in_use[0].redacted_value})" if len(in_use) == 1 else None,
    )


def _keyed(active: Iterable[Project]) -> dict[str, Project]:
    """Active projects by name; a repeated name is `name#id` (projects list oldest first)."""
    keyed: dict[str, Project] = {}
    for project in active:
        keyed[unique_key(project.name, project.id or "", keyed)] = project
    return keyed


async def _read_project(
    client: AdminClient, tracker: Tracker, name: str, project_id: str, memberships: bool
) -> ProjectPrincipals:
    """One project's keys, and with `memberships` its members and service accounts."""
    async with read_group() as group:
        keys = group.create_task(
            tracker.run(f"{name}: API keys", api_keys.read_api_keys(client, project_id))
        )
        members = accounts = None
        if memberships:
            members = group.create_task(
                tracker.run(f"{name}: members", project_users.read_members(client, project_id))
            )
            accounts = group.create_task(
                tracker.run(
                    f"{name}: service accounts",
                    service_accounts.read_service_accounts(client, project_id),
                )
            )
    return ProjectPrincipals(
        name=name,
        id=project_id,
        keys=keys.result(),
        members=tuple(members.result()) if members else (),
        service_accounts=tuple(a for a, _ in accounts.result().values()) if accounts else (),
    )
