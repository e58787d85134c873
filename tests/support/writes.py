"""Which write requests (method, path) each planned change may make, with concrete ids.

Ids come from the live state the plan was made from and the live state after the apply (for
what the apply created); a keyed service account whose key was lost in transit is deleted and
created again, so the ids of accounts created and deleted during the run are allowed deletes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reconciler.core.change import Action, Change, Kind
from reconciler.core.model import IdIndex

Write = tuple[str, str]
ORG = "/organization"


@dataclass(frozen=True)
class Ids:
    """Ids by natural key, before the run, then after it; and accounts created then deleted."""

    before: IdIndex
    after: IdIndex
    lost_accounts: frozenset[str] = frozenset()

    def project(self, name: str) -> str:
        """A project's id (live, or created by the run)."""
        return self.before.projects.get(name) or self.after.projects[name]

    def account(self, project: str, name: str) -> str | None:
        """A service account's id, if it exists before or after."""
        key = (project, name)
        return self.before.service_accounts.get(key) or self.after.service_accounts.get(key)

    def certificate(self, name: str) -> str:
        """A certificate's id (live, or uploaded by the run)."""
        return self.before.certificates.get(name) or self.after.certificates[name]


def allowed_writes(change: Change, ids: Ids) -> set[Write]:
    """Every write `change` may make (a re-send after read-back repeats one of them)."""
    return _BY_KIND[change.kind](change, ids)


def _user(change: Change, ids: Ids) -> set[Write]:
    return {(_method(change), f"{ORG}/users/{ids.before.users[change.key[0]]}")}


def _project_user(change: Change, ids: Ids) -> set[Write]:
    project, email = change.key
    base = f"{ORG}/projects/{ids.project(project)}/users"
    if change.action is Action.CREATE:
        return {("POST", base)}
    user = ids.before.users.get(email) or ids.after.users[email]
    return {(_method(change), f"{base}/{user}")}


def _rate_limit(change: Change, ids: Ids) -> set[Write]:
    project, model = change.key
    rid = ids.before.rate_limits[(project, model)]
    return {("POST", f"{ORG}/projects/{ids.project(project)}/rate_limits/{rid}")}


def _certificate(change: Change, ids: Ids) -> set[Write]:
    if change.action is Action.CREATE:
        return {("POST", f"{ORG}/certificates")}
    return {(_method(change), f"{ORG}/certificates/{ids.certificate(change.key[0])}")}


def _activation(change: Change, ids: Ids) -> set[Write]:
    scope = f"{ORG}/projects/{ids.project(change.key[0])}" if change.key[0] else ORG
    verb = "activate" if change.action is Action.CREATE else "deactivate"
    return {("POST", f"{scope}/certificates/{verb}")}


def _method(change: Change) -> str:
    return "DELETE" if change.action is Action.DELETE else "POST"


def _project(change: Change, ids: Ids) -> set[Write]:
    if change.action is Action.CREATE:
        return {("POST", f"{ORG}/projects")}
    pid = (change.before or {}).get("id") or ids.project(change.key[0])
    suffix = "/archive" if change.action is Action.ARCHIVE else ""
    return {("POST", f"{ORG}/projects/{pid}{suffix}")}


def _invite(change: Change, ids: Ids) -> set[Write]:
    writes: set[Write] = set()
    if change.action in (Action.DELETE, Action.REPLACE):
        writes.add(("DELETE", f"{ORG}/invites/{ids.before.invites[change.key[0]]}"))
    if change.action in (Action.CREATE, Action.REPLACE):
        writes.add(("POST", f"{ORG}/invites"))
    return writes


def _service_account(change: Change, ids: Ids) -> set[Write]:
    project, name = change.key
    base = f"{ORG}/projects/{ids.project(project)}/service_accounts"
    writes: set[Write] = set()
    old = ids.before.service_accounts.get((project, name))
    if change.action in (Action.DELETE, Action.REPLACE):
        writes.add(("DELETE", f"{base}/{old}"))
    if change.action is Action.UPDATE:
        writes.add(("POST", f"{base}/{old}"))
    if change.action in (Action.CREATE, Action.REPLACE):
        writes.add(("POST", base))
        new = ids.after.service_accounts.get((project, name))
        if new is not None and (change.after or {}).get("role") != "none":
            writes.add(("POST", f"{base}/{new}"))  # rename from pending, or set the role
        writes |= {("DELETE", f"{base}/{lost}") for lost in ids.lost_accounts}
    return writes


_BY_KIND: dict[Kind, Callable[[Change, Ids], set[Write]]] = {
    Kind.PROJECT: _project,
    Kind.USER: _user,
    Kind.INVITE: _invite,
    Kind.PROJECT_USER: _project_user,
    Kind.SERVICE_ACCOUNT: _service_account,
    Kind.RATE_LIMIT: _rate_limit,
    Kind.CERTIFICATE: _certificate,
    Kind.CERTIFICATE_ACTIVATION: _activation,
}
