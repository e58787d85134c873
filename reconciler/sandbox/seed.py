"""Build a `State` from a human-readable seed (the format of `data/demo.yaml`).

A seed names things the way people do: projects by name, users by email. Top-level keys:
`organization` (the id; every generated id derives from it), `admin_key` ({owner, name}),
`org_rate_limits` ({model: {field: max}}), `users` ([{email, role, name?}]), `invites`
([{email, role, projects?: {project name: role}, status?, days_ago?}]), `default_project`
(its name), `projects` ([{name, archived?, members?, rate_limits?, models?: {allow|deny:
[model]}, hosted_tools?: {tool: enabled}, api_keys?, service_accounts?}]), `certificates`
([{name, pem, active?, projects?}]), `audit_logs` ([{type, actor, via?, days_ago?,
user?|project?|invite?, data?, changes_requested?}]), `spend_limits` ({organization|project
name: cents}), `spend_alerts` ([{scope: organization|project name, cents, notify,
subject_prefix?}]) and
`api_keys` ([{project, name, owner, created_days_ago?, last_used_days_ago?}]: more user keys,
made last so earlier ids stay put; the owner need not be a member, as for someone who left the
project). A key in a project's `api_keys` is {name, owner, created_days_ago?,
last_used_days_ago?}: created with its project unless said, last used a day ago unless said
(null: never used). Access (`data_retention`, `roles`, `groups`, `user_roles`,
`project_groups`) is described in `seed_access.py`.
A seed that does not fit raises `SandboxError` naming the problem.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from importlib import resources
from typing import Any

import yaml

from reconciler.errors import SandboxError
from reconciler.sandbox.context import Actor, Context
from reconciler.sandbox.routes import certificates as cert_routes
from reconciler.sandbox.routes.service_accounts import redacted_value
from reconciler.sandbox.seed_access import add_access
from reconciler.sandbox.state import State
from reconciler.sandbox.wire import JSON, ApiFailure, Request

DAY = 86400


def demo_seed() -> dict[str, Any]:
    """The demo organization's seed, as shipped in `data/demo.yaml`."""
    text = resources.files("reconciler.sandbox").joinpath("data/demo.yaml").read_text()
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def display_name(email: str) -> str:
    """A person's name made from their email ("ops-admin@x" -> "Ops Admin")."""
    local = email.split("@", 1)[0]
    return " ".join(part.capitalize() for part in local.replace(".", "-").split("-"))


def build_state(seed: Mapping[str, Any], *, now: int) -> State:
    """The organization a seed describes, as of `now`."""
    try:
        return _build(seed, now=now)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise SandboxError(f"invalid sandbox seed: {type(exc).__name__}: {exc}") from exc
    except ApiFailure as exc:
        raise SandboxError(f"invalid sandbox seed: {exc.message}") from exc


def _build(seed: Mapping[str, Any], *, now: int) -> State:
    state = State(org_id=str(seed["organization"]))
    state.org_limits = {m: dict(v) for m, v in (seed.get("org_rate_limits") or {}).items()}
    start = now - 365 * DAY
    for index, user in enumerate(seed.get("users") or []):
        _add_user(state, user, added_at=start + index * DAY)
    default = state.add_project(
        str(seed.get("default_project", "Default project")), created_at=start
    )
    state.default_project_id = default["id"]
    for index, spec in enumerate(seed.get("projects") or []):
        _add_project(state, spec, created_at=start + (index + 1) * DAY, now=now)
    _add_admin_key(state, seed["admin_key"], created_at=start)
    for spec in seed.get("invites") or []:
        _add_invite(state, spec, now=now)
    for spec in seed.get("certificates") or []:
        _add_certificate(state, spec, now=now)
    for spec in seed.get("audit_logs") or []:
        _add_audit(state, spec, now=now)
    for scope, cents in (seed.get("spend_limits") or {}).items():
        state.spend_limits["" if scope == "organization" else _project_id(state, scope)] = int(
            cents
        )
    for spec in seed.get("api_keys") or []:
        pid = _project_id(state, spec["project"])
        created = state.projects[pid]["created_at"]
        _add_key(state, pid, spec, created_at=created, now=now)
    for spec in seed.get("spend_alerts") or []:  # last: earlier objects keep their ids
        _add_alert(state, spec)
    add_access(state, seed, now=now)  # ids from names: no other id moves
    return state


def _add_user(state: State, spec: Mapping[str, Any], *, added_at: int) -> None:
    email = str(spec["email"])
    if spec["role"] not in ("owner", "reader"):
        raise ValueError(f"user {email}: role must be owner or reader")
    user_id = state.new_id("user-")
    name = spec.get("name") or display_name(email)
    state.users[user_id] = {
        "id": user_id,
        "email": email,
        "name": name,
        "role": spec["role"],
        "added_at": added_at,
    }


def _user_id(state: State, email: str) -> str:
    user = state.user_by_email(email)
    if user is None:
        raise ValueError(f"{email} is not a user of the seed")
    return str(user["id"])


def _project_id(state: State, name: str) -> str:
    found = next((p["id"] for p in state.projects.values() if p["name"] == name), None)
    if found is None:
        raise ValueError(f"no project named {name!r} in the seed")
    return str(found)


def _add_project(state: State, spec: Mapping[str, Any], *, created_at: int, now: int) -> None:
    project = state.add_project(str(spec["name"]), created_at=created_at)
    pid = project["id"]
    for email, role in (spec.get("members") or {}).items():
        if role not in ("owner", "member"):
            raise ValueError(f"project {spec['name']}: {email}: role must be owner or member")
        state.project_users[pid][_user_id(state, email)] = {"role": role, "added_at": created_at}
    for model, limits in (spec.get("rate_limits") or {}).items():
        state.rate_limits[pid][f"rl-{model}"].update(limits)
    if spec.get("models"):
        mode, ids = next(iter(dict(spec["models"]).items()))
        state.model_permissions[pid] = {"mode": f"{mode}_list", "model_ids": list(ids)}
    if spec.get("hosted_tools"):
        state.hosted_tools[pid] = {str(t): bool(on) for t, on in spec["hosted_tools"].items()}
    for key in spec.get("api_keys") or []:
        _add_key(state, pid, key, created_at=created_at, now=now)
    for account in spec.get("service_accounts") or []:
        sa_id = state.new_id("svc_acct_")
        role = account.get("role", "member")
        state.service_accounts[pid][sa_id] = {
            "id": sa_id,
            "name": account["name"],
            "role": role,
            "created_at": created_at,
        }
    if spec.get("archived"):
        project.update(archived_at=created_at + DAY, status="archived")


def _add_key(
    state: State, project_id: str, spec: Mapping[str, Any], *, created_at: int, now: int
) -> None:
    """A user's API key in a project, created and last used as the spec says."""
    key_id = state.new_id("key_")
    if "created_days_ago" in spec:
        created_at = now - int(spec["created_days_ago"]) * DAY
    last_used = spec.get("last_used_days_ago", 1)
    state.api_keys[project_id][key_id] = {
        "id": key_id,
        "name": spec["name"],
        "redacted_value": redacted_value(f"sk-proj-{key_id}"),
        "created_at": created_at,
        "last_used_at": None if last_used is None else max(created_at, now - int(last_used) * DAY),
        "owner_kind": "user",
        "owner_id": _user_id(state, spec["owner"]),
    }


def _add_admin_key(state: State, spec: Mapping[str, Any], *, created_at: int) -> None:
    value = f"sk-admin-sandbox-{secrets.token_hex(16)}"
    state.admin_keys.append(
        {
            "id": state.new_id("key_"),
            "name": spec.get("name", "Sandbox admin key"),
            "value": value,
            "redacted_value": f"sk-admin...{value[-4:]}",
            "created_at": created_at,
            "owner_id": _user_id(state, spec["owner"]),
        }
    )


def _add_invite(state: State, spec: Mapping[str, Any], *, now: int) -> None:
    created = now - int(spec.get("days_ago", 1)) * DAY
    accepted = spec.get("status") == "accepted"
    raw = spec.get("projects")
    projects = (
        [{"id": state.default_project_id, "role": "member"}]
        if raw is None
        else [{"id": _project_id(state, n), "role": r} for n, r in raw.items()]
    )
    invite_id = state.new_id("invite-")
    state.invites[invite_id] = {
        "id": invite_id,
        "email": spec["email"],
        "role": spec["role"],
        "status": "accepted" if accepted else "pending",
        "created_at": created,
        "expires_at": created + 7 * DAY,
        "accepted_at": created + 3600 if accepted else None,
        "projects": projects,
    }


def _add_certificate(state: State, spec: Mapping[str, Any], *, now: int) -> None:
    owner = state.users[state.admin_keys[0]["owner_id"]]
    actor = Actor(kind="session", user_id=owner["id"], email=owner["email"])
    body = json.dumps({"certificate": spec["pem"], "name": spec["name"]}).encode()
    ctx = Context(state=state, actor=actor, now=now, request=Request("POST", "/", body=body))
    cert = cert_routes.upload(ctx)
    state.certificates[cert["id"]]["active"] = bool(spec.get("active"))
    for name in spec.get("projects") or []:
        state.project_certificates[_project_id(state, name)].append(cert["id"])


def _add_alert(state: State, spec: Mapping[str, Any]) -> None:
    """A spend alert: `{scope: organization|project name, cents, notify, subject_prefix?}`."""
    scope = "" if spec["scope"] == "organization" else _project_id(state, spec["scope"])
    alert_id = state.new_id("alert_")
    channel: dict[str, Any] = {"type": "email", "recipients": list(spec["notify"])}
    channel["subject_prefix"] = spec.get("subject_prefix")
    state.spend_alerts.setdefault(scope, {})[alert_id] = {
        "id": alert_id, "threshold_amount": int(spec["cents"]), "currency": "USD",
        "interval": "month", "notification_channel": channel,
    }  # fmt: skip


def _add_audit(state: State, spec: Mapping[str, Any], *, now: int) -> None:
    email = str(spec["actor"])
    actor = Actor(kind=spec.get("via", "session"), user_id=_user_id(state, email), email=email)
    ctx = Context(
        state=state,
        actor=actor,
        now=now - int(spec.get("days_ago", 1)) * DAY,
        request=Request("GET", "/"),
    )
    details: JSON = {"id": _resource_id(state, spec)}
    for extra in ("data", "changes_requested"):
        if extra in spec:
            details[extra] = dict(spec[extra])
    project = spec.get("project")
    ctx.audit(
        str(spec["type"]), details, project_id=_project_id(state, project) if project else None
    )


def _resource_id(state: State, spec: Mapping[str, Any]) -> str:
    if "user" in spec:
        return _user_id(state, spec["user"])
    if "invite" in spec:
        return str(next(i["id"] for i in state.invites.values() if i["email"] == spec["invite"]))
    return _project_id(state, spec["project"])
