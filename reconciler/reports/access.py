"""`report access`: one row per principal and scope, with the config entry that grants it.

    found = await read_principals(client, memberships=True)        (read/principals.py, I/O)
    found = replace(found, teams=await read_teams(client, …))      (read/teams.py, I/O)
    report = access_report(found, declared, source=source)         (pure, here)

Rows: each organization user and pending invite with its organization role; each project
membership (and each project a pending invite brings) with its role; each service account
with its project and role; and a user who holds keys in a project they are no longer a member
of (and does not reach through a group), with role `none`; and, when `found.teams` was
read, the access held through groups and custom roles (reports/access_teams.py), each such row
saying how in its last column, `granted_through` (`direct` on every other row). Project API
keys are counted per row (the organization row of a user
counts their keys in every project), with the oldest key's age in days and the last use of any
(`none` without keys, `never` when no key was ever used).
`declared_in` is the `file:line` of the config entry that grants the row, `undeclared` when the
config has none, or `no config`. A service account whose config entry has `key:` shows its
`key_rotation` (ok, due, overlapping, retire, interrupted: core/rotation.py) and the day of its
`next_rotation` (`now` when due); every other row `none`. Rows sort by principal, the
organization scope first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TypeVar

from reconciler.core.declared import Declarations
from reconciler.core.key_policy import DAY
from reconciler.core.model import ApiKeyInfo, KeyRotation
from reconciler.core.pending import rotating_of
from reconciler.core.report_table import Cell, Report
from reconciler.core.rotation import RotationState, project_states
from reconciler.read.principals import Principals, ProjectPrincipals
from reconciler.reports.access_teams import (
    NO_CONFIG,
    ORGANIZATION,
    UNDECLARED,
    Grant,
    reached,
    team_grants,
)
from reconciler.reports.source import Source, day, instant

COLUMNS = (
    "principal",
    "type",
    "scope",
    "role",
    "api_keys",
    "oldest_key_age_days",
    "last_key_use",
    "declared_in",
    "key_rotation",
    "next_rotation",
    "granted_through",
)
NO_KEYS = "none"  # no keys at all (`never`: keys, none of them ever used)
K = TypeVar("K", str, tuple[str, str])
NOT_KNOWN = (
    "multi-factor authentication: the Admin API does not say who has it",
    "single sign-on: the Admin API does not say who signs in through SSO or was provisioned "
    "by SCIM",
    "when a person last signed in: only the last use of their project API keys is known",
    "admin API keys: not read by this report",
)
TEAMS_NOT_READ = "access through groups and custom (RBAC) roles: not read"

__all__ = ["COLUMNS", "NO_CONFIG", "ORGANIZATION", "UNDECLARED", "access_report"]


def access_report(
    found: Principals,
    declared: Declarations | None,
    *,
    source: Source,
    rotations: Mapping[tuple[str, str], KeyRotation] | None = None,
) -> Report:
    """The access review of what `read_principals` found (see the module docstring);
    `rotations` are the config's key rotation policies, by (project, service account)."""
    grants = [
        *_organization(found, declared),
        *_projects(found, declared),
        *team_grants(found, declared),
    ]
    keys = _keys_by_holder(found.projects)
    states = {
        ("service_account", f"project:{p.name}", name): state
        for p in found.projects
        for name, state in project_states(
            declared.project(p.name, p.id) if declared else p.name,
            p.keys,
            rotations or {},
            now=source.now,
        ).items()
    }
    rows = [
        _row(g, keys.get((g.principal, g.type, g.scope), []) if g.keys else [], source.now)
        + _rotation(states.get((g.type, g.scope, g.principal)))
        + (g.through,)
        for g in grants
    ]
    rows.sort(key=lambda r: (r[0], r[2] != ORGANIZATION, r[2], r[1]))
    notes = [
        "only pending invites are listed (an accepted one is a user; an expired one grants nothing)"
    ]
    absent = _declared_but_absent(found, declared)
    if absent:
        notes.append(f"declared in the config but neither a user nor invited: {', '.join(absent)}")
    if found.archived:
        notes.append(
            f"archived projects not read (their keys no longer work): {', '.join(found.archived)}"
        )
    return Report(
        kind="access",
        title="Access review",
        facts=(
            ("read_at", instant(source.now)),
            ("organization", source.organization),
            ("config", source.config or "none (every row is `no config`)"),
            ("row_count", str(len(rows))),
        ),
        columns=COLUMNS,
        rows=tuple(rows),
        not_known=NOT_KNOWN if found.teams else (*NOT_KNOWN, TEAMS_NOT_READ),
        notes=tuple(notes),
    )


def _declared_but_absent(found: Principals, declared: Declarations | None) -> list[str]:
    """Declared users with no access at all (the next apply invites them)."""
    if declared is None:
        return []
    live = {u.email for u in found.users} | {i.email for i in found.invites}
    return sorted(set(declared.users) - live)


def _organization(found: Principals, declared: Declarations | None) -> Iterator[Grant]:
    users_at = None if declared is None else declared.users
    for user in found.users:
        yield Grant(
            user.email,
            "user",
            ORGANIZATION,
            user.role,
            _where(users_at, user.email),
        )
    for invite in found.invites:
        where = _where(users_at, invite.email)
        yield Grant(invite.email, "invite", ORGANIZATION, invite.role, where)


def _projects(found: Principals, declared: Declarations | None) -> Iterator[Grant]:
    invited = {(name, i.email): role for i in found.invites for name, role in i.projects}
    members_at = None if declared is None else declared.members
    accounts_at = None if declared is None else declared.service_accounts
    through_groups = reached(found.teams)
    for project in found.projects:
        scope = f"project:{project.name}"
        config_name = declared.project(project.name, project.id) if declared else project.name
        members = {m.email for m in project.members} | through_groups.get(project.name, set())
        for member in project.members:
            where = _where(members_at, (config_name, member.email))
            yield Grant(member.email, "user", scope, member.role, where)
        for (name, email), role in sorted(invited.items()):
            if name == project.name:
                where = _where(members_at, (config_name, email))
                yield Grant(email, "invite", scope, role, where)
        for account in project.service_accounts:
            where = _where(accounts_at, (config_name, account.name))
            yield Grant(account.name, "service_account", scope, account.role, where)
        for email in sorted({k.owner for k in project.keys if k.owner_kind == "user"} - members):
            where = _where(members_at, (config_name, email))
            yield Grant(email, "user", scope, "none (not a member; holds keys)", where)


def _where(entries: Mapping[K, str] | None, key: K) -> str:
    """`file:line` of the entry declaring `key`, `undeclared`, or `no config` (no entries)."""
    return NO_CONFIG if entries is None else entries.get(key, UNDECLARED)


def _keys_by_holder(
    projects: Iterable[ProjectPrincipals],
) -> dict[tuple[str, str, str], list[ApiKeyInfo]]:
    """Keys by (owner, principal type, scope): each key under its project, and a user's keys
    under the organization too."""
    held: dict[tuple[str, str, str], list[ApiKeyInfo]] = {}
    for project in projects:
        for key in project.keys:
            owner = rotating_of(key.owner)[0]  # an account renamed mid-rotation
            held.setdefault((owner, key.owner_kind, f"project:{project.name}"), []).append(key)
            if key.owner_kind == "user":
                held.setdefault((key.owner, "user", ORGANIZATION), []).append(key)
    return held


def _row(grant: Grant, keys: list[ApiKeyInfo], now: int) -> tuple[Cell, ...]:
    created = [k.created_at for k in keys if k.created_at is not None]
    used = [k.last_used_at for k in keys if k.last_used_at is not None]
    oldest: Cell = NO_KEYS if not keys else (now - min(created)) // DAY if created else "unknown"
    last = NO_KEYS if not keys else day(max(used), missing="never") if used else "never"
    head = (grant.principal, grant.type, grant.scope, grant.role)
    return (*head, len(keys), oldest, last, grant.declared_in)


def _rotation(state: RotationState | None) -> tuple[Cell, Cell]:
    """`key_rotation` and `next_rotation` of a row."""
    if state is None:
        return ("none", "none")
    return (state.status, "now" if state.rotate else day(state.next_rotation, missing="now"))
