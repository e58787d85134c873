"""Out-of-band changes, as an owner clicking in the dashboard (audit actor type "session").

A `DashboardSession` sends requests straight to the app (no faults, no throttling, not in the
request log), so tests and the demo can make drift that `reconciler drift` then attributes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from reconciler.errors import SandboxError
from reconciler.sandbox.wire import JSON, Request

if TYPE_CHECKING:
    from reconciler.sandbox.context import Actor
    from reconciler.sandbox.sandbox import Sandbox


class DashboardSession:
    """An owner's session in the sandbox's dashboard."""

    def __init__(self, sandbox: Sandbox, actor: Actor) -> None:
        self.sandbox = sandbox
        self.actor = actor

    def request(self, method: str, path: str, body: JSON | None = None) -> JSON:
        """Any API call (path with or without `/v1`); a refusal raises `SandboxError`."""
        full = path if path.startswith("/v1/") else "/v1" + path
        payload = json.dumps(body).encode() if body is not None else b""
        outcome = self.sandbox.process(
            Request(method.upper(), full, body=payload), actor=self.actor
        )
        assert outcome.response is not None  # no faults for people
        result = outcome.response.payload()
        if outcome.response.status != 200:
            raise SandboxError(f"{method.upper()} {path}: {result['error']['message']}")
        return result

    def project_id(self, name: str) -> str:
        """The id of the (unarchived first) project with this name."""
        ranked = sorted(
            self.sandbox.state.projects.values(), key=lambda p: p["archived_at"] is not None
        )
        found = next((p["id"] for p in ranked if p["name"] == name), None)
        if found is None:
            raise SandboxError(f"no project named {name!r}")
        return str(found)

    def user_id(self, email: str) -> str:
        """The id of the organization member with this email."""
        user = self.sandbox.state.user_by_email(email)
        if user is None:
            raise SandboxError(f"{email} is not a member of the organization")
        return str(user["id"])

    def set_org_role(self, email: str, role: str) -> JSON:
        """Change someone's organization role."""
        return self.request("POST", f"/organization/users/{self.user_id(email)}", {"role": role})

    def set_project_role(self, project: str, email: str, role: str) -> JSON:
        """Add someone to a project with a role, or change their role there."""
        pid, uid = self.project_id(project), self.user_id(email)
        if uid in self.sandbox.state.project_users.get(pid, {}):
            return self.request("POST", f"/organization/projects/{pid}/users/{uid}", {"role": role})
        return self.request(
            "POST", f"/organization/projects/{pid}/users", {"user_id": uid, "role": role}
        )

    def remove_from_project(self, project: str, email: str) -> JSON:
        """Remove someone from a project."""
        pid, uid = self.project_id(project), self.user_id(email)
        return self.request("DELETE", f"/organization/projects/{pid}/users/{uid}")

    def set_rate_limit(self, project: str, model: str, **limits: int) -> JSON:
        """Change a project's rate limit for one model."""
        pid = self.project_id(project)
        return self.request(
            "POST", f"/organization/projects/{pid}/rate_limits/rl-{model}", dict(limits)
        )

    def group_id(self, name: str) -> str:
        """The id of the (first) group with this name."""
        found = next(
            (g["id"] for g in self.sandbox.state.groups.values() if g["name"] == name), None
        )
        if found is None:
            raise SandboxError(f"no group named {name!r}")
        return str(found)

    def add_to_group(self, group: str, email: str) -> JSON:
        """Add someone to a group (refused for a SCIM-managed one, as through the API)."""
        path = f"/organization/groups/{self.group_id(group)}/users"
        return self.request("POST", path, {"user_id": self.user_id(email)})

    def remove_from_group(self, group: str, email: str) -> JSON:
        """Remove someone from a group."""
        gid, uid = self.group_id(group), self.user_id(email)
        return self.request("DELETE", f"/organization/groups/{gid}/users/{uid}")

    def grant_project_group(self, project: str, group: str, role: str) -> JSON:
        """Give a group access to a project with a project role named `owner` or `member`, or
        change its role there."""
        pid = self.project_id(project)
        roles = self.request("GET", f"/projects/{pid}/roles")["data"]
        role_id = next((r["id"] for r in roles if r["name"] == role), None)
        if role_id is None:
            raise SandboxError(f"no project role named {role!r}")
        body = {"group_id": self.group_id(group), "role": role_id}
        return self.request("POST", f"/organization/projects/{pid}/groups", body)
