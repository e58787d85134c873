"""The access part of a seed: data retention, custom roles, groups, role assignments, project
groups.

    data_retention: {eligible: [mode], organization?: mode, projects?: {project name: mode}}
    roles: [{name, description?, permissions: [...]}]                 custom organization roles
    groups: [{name, scim?: bool, members?: [email], roles?: [role name]}]
    user_roles: {email: [role name]}
    project_groups: {project name: {group name: project role name}}

Roles are named as people name them: a custom role's name or a predefined one (`owner`,
`reader`; for projects `owner`, `member`). `eligible` lists the retention modes the
organization's agreement with OpenAI covers (none by default). Everything here is seeded after
the rest, with ids derived from its names rather than from the state's sequence, so adding
access to a seed changes no other id, now or for objects created later.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from reconciler.sandbox.routes import data_retention, roles
from reconciler.sandbox.state import State
from reconciler.sandbox.wire import JSON

DAY = 86400
ACCESS_KEYS = ("data_retention", "roles", "groups", "user_roles", "project_groups")


def add_access(state: State, seed: Mapping[str, Any], *, now: int) -> None:
    """Seed the access objects `seed` declares (ValueError/KeyError when one does not fit)."""
    _add_retention(state, seed.get("data_retention") or {})
    created = now - 200 * DAY
    for spec in seed.get("roles") or []:
        _add_role(state, spec, created_at=created)
    for spec in seed.get("groups") or []:
        _add_group(state, spec, created_at=created)
    for email, names in (seed.get("user_roles") or {}).items():
        user = _user(state, str(email))
        for name in names:
            _assign(state.user_roles.setdefault(user["id"], {}), state, user["id"], name, created)
    for project_name, granted in (seed.get("project_groups") or {}).items():
        project_id = _project_id(state, str(project_name))
        access = state.project_groups.setdefault(project_id, {})
        for group_name, role_name in granted.items():
            group_id = _group_id(state, str(group_name))
            role = _role(state, str(role_name), roles.PROJECT_RESOURCE)
            access[group_id] = {
                "role_id": role["id"],
                "created_at": created,
                "assignment_id": _seed_id(state, "role_assignment_", f"{project_id}:{group_id}"),
            }


def _seed_id(state: State, prefix: str, name: str) -> str:
    """An id for a seeded object, from its name: the state's sequence is left alone."""
    digest = hashlib.sha256(f"{state.org_id}:seed:{prefix}{name}".encode()).hexdigest()
    return f"{prefix}{digest[:20]}"


def _add_retention(state: State, spec: Mapping[str, Any]) -> None:
    eligible = [str(m) for m in spec.get("eligible") or []]
    for mode in eligible:
        if mode not in data_retention.AGREEMENT_MODES:
            raise ValueError(f"data_retention: {mode!r} is not a mode that needs an agreement")
    state.retention_eligible = eligible
    if spec.get("organization"):
        if spec["organization"] not in data_retention.AGREEMENT_MODES:
            raise ValueError(f"data_retention: unknown organization mode {spec['organization']!r}")
        state.data_retention[""] = str(spec["organization"])
    for name, mode in (spec.get("projects") or {}).items():
        if mode not in data_retention.PROJECT_MODES:
            raise ValueError(f"data_retention: project {name}: unknown mode {mode!r}")
        state.data_retention[_project_id(state, str(name))] = str(mode)


def _add_role(state: State, spec: Mapping[str, Any], *, created_at: int) -> None:
    name = str(spec["name"])
    role_id = _seed_id(state, "role_", name)
    state.roles[role_id] = {
        "id": role_id,
        "name": name,
        "description": spec.get("description"),
        "permissions": [str(p) for p in spec["permissions"]],
        "resource_type": roles.ORG_RESOURCE,
        "predefined_role": False,
        "created_at": created_at,
        "updated_at": created_at,
        "created_by": state.admin_keys[0]["owner_id"] if state.admin_keys else None,
    }


def _add_group(state: State, spec: Mapping[str, Any], *, created_at: int) -> None:
    name = str(spec["name"])
    group_id = _seed_id(state, "group_", name)
    state.groups[group_id] = {
        "id": group_id,
        "name": name,
        "created_at": created_at,
        "is_scim_managed": bool(spec.get("scim")),
    }
    state.group_users[group_id] = {
        _user(state, str(email))["id"]: created_at for email in spec.get("members") or []
    }
    held = state.group_roles.setdefault(group_id, {})
    for role_name in spec.get("roles") or []:
        _assign(held, state, group_id, str(role_name), created_at)


def _assign(held: dict[str, JSON], state: State, principal: str, name: str, at: int) -> None:
    role = _role(state, name, roles.ORG_RESOURCE)
    assignment_id = _seed_id(state, "role_assignment_", f"{principal}:{role['id']}")
    held[role["id"]] = {"id": assignment_id, "created_at": at}


def _role(state: State, name: str, resource_type: str) -> JSON:
    candidates = (
        roles.organization_roles(state)
        if resource_type == roles.ORG_RESOURCE
        else roles.predefined_roles(state, resource_type)
    )
    found = next((r for r in candidates if r["name"] == name), None)
    if found is None:
        raise ValueError(f"no {resource_type} role named {name!r} in the seed")
    return found


def _user(state: State, email: str) -> JSON:
    user = state.user_by_email(email)
    if user is None:
        raise ValueError(f"{email} is not a user of the seed")
    return user


def _group_id(state: State, name: str) -> str:
    found = next((g["id"] for g in state.groups.values() if g["name"] == name), None)
    if found is None:
        raise ValueError(f"no group named {name!r} in the seed")
    return str(found)


def _project_id(state: State, name: str) -> str:
    found = next((p["id"] for p in state.projects.values() if p["name"] == name), None)
    if found is None:
        raise ValueError(f"no project named {name!r} in the seed")
    return str(found)
