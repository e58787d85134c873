"""Invites: list, create (with `projects`), retrieve, delete; and acceptance by the invitee.

An invite for an existing member is refused; an accepted invite cannot be deleted; an invite
without `projects` goes to the default project (legacy behaviour), with `[]` to none.
"""

from __future__ import annotations

import re

from reconciler.sandbox.context import Actor, Context, require_role, require_string
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.routes.paging import page
from reconciler.sandbox.wire import JSON, bad_request, not_found

ORG_ROLES = ("owner", "reader")
PROJECT_ROLES = ("owner", "member")
INVITE_LIFETIME = 7 * 24 * 3600
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
BASE = "/organization/invites"
ITEM = BASE + "/{invite_id}"


def render(invite: JSON, now: int) -> JSON:
    """An invite as the API returns it; a pending invite past `expires_at` shows as expired."""
    status = invite["status"]
    if status == "pending" and invite["expires_at"] is not None and now >= invite["expires_at"]:
        status = "expired"
    return {
        "object": "organization.invite",
        "id": invite["id"],
        "email": invite["email"],
        "role": invite["role"],
        "status": status,
        "created_at": invite["created_at"],
        "expires_at": invite["expires_at"],
        "accepted_at": invite["accepted_at"],
        "projects": [dict(p) for p in invite["projects"]],
    }


def list_invites(ctx: Context) -> JSON:
    """GET /organization/invites."""
    return page(ctx, [render(i, ctx.now) for i in ctx.state.invites.values()])


def create_invite(ctx: Context) -> JSON:
    """POST /organization/invites."""
    body = ctx.body()
    email = require_string(body, "email")
    assert email is not None
    if not _EMAIL.fullmatch(email.strip()):
        raise bad_request(f"'{email}' is not a valid email address.", param="email")
    role = require_role(body.get("role"), ORG_ROLES)
    if ctx.state.user_by_email(email) is not None:
        raise bad_request(f"{email} is already a member of this organization.", param="email")
    if any(_pending_for(i, email, ctx.now) for i in ctx.state.invites.values()):
        raise bad_request(f"{email} already has a pending invite.", param="email")
    projects = _invite_projects(ctx, body)
    invite: JSON = {
        "id": ctx.state.new_id("invite-"),
        "email": email,
        "role": role,
        "status": "pending",
        "created_at": ctx.now,
        "expires_at": ctx.now + INVITE_LIFETIME,
        "accepted_at": None,
        "projects": projects,
    }
    ctx.state.invites[invite["id"]] = invite
    ctx.audit("invite.sent", {"id": invite["id"], "data": {"email": email, "role": role}})
    return render(invite, ctx.now)


def _pending_for(invite: JSON, email: str, now: int) -> bool:
    same: bool = invite["email"].lower() == email.strip().lower()
    return same and render(invite, now)["status"] == "pending"


def _invite_projects(ctx: Context, body: JSON) -> list[JSON]:
    if "projects" not in body or body["projects"] is None:
        return [{"id": ctx.state.default_project_id, "role": "member"}]
    raw = body["projects"]
    if not isinstance(raw, list):
        raise bad_request("'projects' must be a list of {id, role}.", param="projects")
    projects: list[JSON] = []
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise bad_request("Each of 'projects' needs an 'id' and a 'role'.", param="projects")
        _invitable(ctx, entry["id"])
        role = require_role(entry.get("role"), PROJECT_ROLES, param="projects")
        projects.append({"id": entry["id"], "role": role})
    return projects


def _invitable(ctx: Context, project_id: str) -> None:
    """A project an invite may name: it exists and is not archived (400 on `projects`)."""
    project = ctx.state.projects.get(project_id)
    if project is None:
        raise bad_request(f"'projects': no project with id '{project_id}'.", param="projects")
    if project["archived_at"] is not None:
        raise bad_request(
            f"'projects': project '{project_id}' is archived; archived projects cannot be used.",
            param="projects",
            code="project_archived",
        )


def retrieve_invite(ctx: Context) -> JSON:
    """GET /organization/invites/{invite_id}."""
    return render(_invite(ctx), ctx.now)


def delete_invite(ctx: Context) -> JSON:
    """DELETE /organization/invites/{invite_id} (refused once accepted)."""
    invite = _invite(ctx)
    if invite["status"] == "accepted":
        raise bad_request("This invite has already been accepted and cannot be deleted.")
    del ctx.state.invites[invite["id"]]
    ctx.audit("invite.deleted", {"id": invite["id"]})
    return {"object": "organization.invite.deleted", "id": invite["id"], "deleted": True}


def _invite(ctx: Context) -> JSON:
    invite = ctx.state.invites.get(ctx.params["invite_id"])
    if invite is None:
        raise not_found("invite", ctx.params["invite_id"])
    return invite


def pending_invite(ctx: Context, email: str) -> JSON | None:
    """The pending (unexpired) invite for an email, if any."""
    return next((i for i in ctx.state.invites.values() if _pending_for(i, email, ctx.now)), None)


def accept(ctx: Context, invite: JSON, *, name: str) -> JSON:
    """The invitee accepts: they join the organization and the invite's active projects."""
    user_id = ctx.state.new_id("user-")
    user: JSON = {
        "id": user_id,
        "email": invite["email"],
        "name": name,
        "role": invite["role"],
        "added_at": ctx.now,
    }
    ctx.state.users[user_id] = user
    for entry in invite["projects"]:
        project = ctx.state.projects.get(entry["id"])
        if project is not None and project["archived_at"] is None:
            ctx.state.project_users[entry["id"]][user_id] = {
                "role": entry["role"],
                "added_at": ctx.now,
            }
    invite["status"] = "accepted"
    invite["accepted_at"] = ctx.now
    ctx.actor = Actor(kind="session", user_id=user_id, email=invite["email"])
    ctx.audit("invite.accepted", {"id": invite["id"]})
    return user


ROUTES: list[RouteSpec] = [
    ("GET", BASE, list_invites),
    ("POST", BASE, create_invite),
    ("GET", ITEM, retrieve_invite),
    ("DELETE", ITEM, delete_invite),
]
