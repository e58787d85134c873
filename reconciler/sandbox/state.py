"""The simulated organization's state: plain JSON-able records, in creation order.

Records are kept close to the API's shapes (the routes render them), keyed by id in dicts whose
insertion order is creation order, which is the order every list endpoint returns. Ids come from
a sequence hashed with the organization id, so the same seed and the same requests give the same
ids on every run. The state is one JSON document (see `to_json`), which is what the state file
holds; it never holds a service-account key value.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from typing import Any

from reconciler.sandbox.wire import JSON, bad_request, not_found


@dataclass(slots=True)
class State:
    """Everything the simulator knows about its organization."""

    org_id: str
    default_project_id: str = ""
    seq: int = 0
    org_limits: dict[str, dict[str, int]] = field(default_factory=dict)
    projects: dict[str, JSON] = field(default_factory=dict)
    users: dict[str, JSON] = field(default_factory=dict)
    invites: dict[str, JSON] = field(default_factory=dict)
    project_users: dict[str, dict[str, JSON]] = field(default_factory=dict)
    service_accounts: dict[str, dict[str, JSON]] = field(default_factory=dict)
    api_keys: dict[str, dict[str, JSON]] = field(default_factory=dict)
    rate_limits: dict[str, dict[str, JSON]] = field(default_factory=dict)
    model_permissions: dict[str, JSON] = field(default_factory=dict)
    hosted_tools: dict[str, dict[str, bool]] = field(default_factory=dict)
    certificates: dict[str, JSON] = field(default_factory=dict)
    project_certificates: dict[str, list[str]] = field(default_factory=dict)
    audit_logs: list[JSON] = field(default_factory=list)
    admin_keys: list[JSON] = field(default_factory=list)
    # Hard spend limits in cents by scope: "" the organization, else a project id.
    spend_limits: dict[str, int] = field(default_factory=dict)
    # Spend alerts by scope ("" the organization, else a project id), then by id.
    spend_alerts: dict[str, dict[str, JSON]] = field(default_factory=dict)
    # Access by team: groups, their members (user id -> added_at), custom organization roles
    # (the predefined ones are computed, see routes/roles.py), role assignments (principal id ->
    # role id -> {id, created_at}) and project groups (project id -> group id -> {role_id,
    # created_at}).
    groups: dict[str, JSON] = field(default_factory=dict)
    group_users: dict[str, dict[str, int]] = field(default_factory=dict)
    roles: dict[str, JSON] = field(default_factory=dict)
    user_roles: dict[str, dict[str, JSON]] = field(default_factory=dict)
    group_roles: dict[str, dict[str, JSON]] = field(default_factory=dict)
    project_groups: dict[str, dict[str, JSON]] = field(default_factory=dict)
    # Data-retention types by scope ("" the organization, else a project id), and the types
    # the organization's agreement with OpenAI allows it to choose.
    data_retention: dict[str, str] = field(default_factory=dict)
    retention_eligible: list[str] = field(default_factory=list)

    def new_id(self, prefix: str) -> str:
        """A fresh opaque id, deterministic for a given organization and creation order."""
        self.seq += 1
        digest = hashlib.sha256(f"{self.org_id}:{self.seq}".encode()).hexdigest()
        return f"{prefix}{digest[:20]}"

    def to_json(self) -> JSON:
        """The whole state as one JSON-able document."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        """Inverse of `to_json`; unknown keys are ignored so older files still load."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    # Lookups shared by the routes; each raises the API's 404 / 400 on a bad id.

    def project(self, project_id: str) -> JSON:
        """A project by id (404 if unknown)."""
        found = self.projects.get(project_id)
        if found is None:
            raise not_found("project", project_id)
        return found

    def active_project(self, project_id: str) -> JSON:
        """A project that may still be changed (400 if archived)."""
        project = self.project(project_id)
        if project["archived_at"] is not None:
            raise bad_request(
                f"Project '{project_id}' is archived; archived projects cannot be used or updated.",
                code="project_archived",
            )
        return project

    def user(self, user_id: str) -> JSON:
        """An organization user by id (404 if unknown)."""
        found = self.users.get(user_id)
        if found is None:
            raise not_found("user", user_id)
        return found

    def group(self, group_id: str) -> JSON:
        """A group by id (404 if unknown)."""
        found = self.groups.get(group_id)
        if found is None:
            raise not_found("group", group_id)
        return found

    def forget_user(self, user_id: str) -> None:
        """Drop a departed user from every group and role assignment."""
        for members in self.group_users.values():
            members.pop(user_id, None)
        self.user_roles.pop(user_id, None)

    def forget_group(self, group_id: str) -> None:
        """Drop a deleted group with its members, roles and project access."""
        self.groups.pop(group_id, None)
        self.group_users.pop(group_id, None)
        self.group_roles.pop(group_id, None)
        for groups in self.project_groups.values():
            groups.pop(group_id, None)

    def user_by_email(self, email: str) -> JSON | None:
        """The organization member with this email (case-insensitive), if any."""
        wanted = email.strip().lower()
        return next((u for u in self.users.values() if u["email"].lower() == wanted), None)

    def add_project(self, name: str, *, created_at: int) -> JSON:
        """Create a project record, with its rate limits seeded from the organization's."""
        project_id = self.new_id("proj_")
        project: JSON = {
            "id": project_id,
            "name": name,
            "created_at": created_at,
            "archived_at": None,
            "status": "active",
        }
        self.projects[project_id] = project
        self.project_users[project_id] = {}
        self.service_accounts[project_id] = {}
        self.api_keys[project_id] = {}
        self.project_certificates[project_id] = []
        self.rate_limits[project_id] = {
            f"rl-{model}": {"id": f"rl-{model}", "model": model, **limits}
            for model, limits in self.org_limits.items()
        }
        return project

    def certificate_active_anywhere(self, cert_id: str) -> bool:
        """Whether a certificate is active for the organization or for any project."""
        if self.certificates[cert_id]["active"]:
            return True
        return any(cert_id in active for active in self.project_certificates.values())
