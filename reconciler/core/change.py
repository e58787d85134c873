"""Changes: the immutable values that diff produces, plan orders, safety checks and apply performs.

A `Change` names one object by kind and natural key, says what happens to it, and carries the
before/after values as plain JSON-able dicts (the one serialization that renderers, checksums,
saved plans and apply all read). A `Finding` is something the plan must say but cannot do
(an un-archive request, a rate limit the API cannot reset); an `Unmanaged` entry is a live
object left alone because the file does not manage it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

JSON = dict[str, Any]


class Kind(StrEnum):
    """Kinds of object reconciler manages; the value is the stable name used in plan files."""

    PROJECT = "project"
    USER = "user"
    INVITE = "invite"
    PROJECT_USER = "project_user"
    SERVICE_ACCOUNT = "service_account"
    RATE_LIMIT = "rate_limit"
    CERTIFICATE = "certificate"
    # Activation of a certificate: key (scope, certificate name), scope "" = organization.
    CERTIFICATE_ACTIVATION = "certificate_activation"
    # A hard monthly spend limit: key (scope, "limit"), scope "" = organization.
    SPEND_LIMIT = "spend_limit"
    # A spend alert: key (scope, threshold in dollars as the plan shows it, `$1,500`).
    SPEND_ALERT = "spend_alert"
    # A service account's key rotation (key: project, account name): a new key, created.
    SERVICE_ACCOUNT_KEY = "service_account_key"
    # A project API key (key: project, key id): only deleted, by an enforcing key policy.
    API_KEY = "api_key"
    # A project's model policy: key (project, "permissions").
    MODEL_PERMISSION = "model_permission"
    # One hosted tool's permission in a project: key (project, tool).
    HOSTED_TOOL = "hosted_tool"
    # A data-retention mode: key (scope, "mode"), scope "" = organization.
    DATA_RETENTION = "data_retention"
    # A group's access to a project: key (project, group name).
    PROJECT_GROUP = "project_group"
    ROLE = "role"  # A custom organization role: key (name,).
    ROLE_USER = "role_user"  # A user holding a custom role directly: key (role, email).
    # An organization group: key (group name,); its members (group, email); its organization
    # roles (group, role name).
    GROUP = "group"
    GROUP_USER = "group_user"
    GROUP_ROLE = "group_role"

    @classmethod
    def _missing_(cls, value: object) -> Kind | None:
        """A kind plugged in at run time (`plug_kind`) is found by its name too."""
        return _PLUGGED.get(value) if isinstance(value, str) else None


_PLUGGED: dict[str, Kind] = {}


def plug_kind(name: str) -> Kind:
    """A kind beyond the ones listed in `Kind`, for a kind plugged in at run time (a test's, a
    plug-in's): from now on `Kind(name)` finds it, so its changes read back from plan files.
    Kinds that ship with reconciler are listed in `Kind` instead."""
    try:
        return Kind(name)
    except ValueError:
        pass
    member = str.__new__(Kind, name)
    member._name_ = name.upper()
    member._value_ = name
    _PLUGGED[name] = member
    return member


class Action(StrEnum):
    """What a change does. REPLACE is delete-then-create, for what the API cannot update."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    ARCHIVE = "archive"
    REPLACE = "replace"


class Severity(StrEnum):
    """How serious a finding is: an error makes the plan unappliable."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field's before → after in an update."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class Change:
    """One change to one object.

    `key` is the natural key, whose parts each kind names (`KindInfo.key`, core/kinds/): say
    (project, email) for a project member; `core.kinds.registry.project_of` says which
    project, if any, a key places the object in.
    `before` is the live value (None for a create), `after` the desired one (None for a delete).
    `reason` says why, in a few words, when it is not obvious ("prune.project_users is on").
    """

    kind: Kind
    action: Action
    key: tuple[str, ...]
    before: JSON | None = None
    after: JSON | None = None
    fields: tuple[FieldChange, ...] = ()
    reason: str = ""

    @property
    def destructive(self) -> bool:
        """Deletes, replaces and archives lose something; safety and renderers single them out."""
        return self.action in (Action.DELETE, Action.REPLACE, Action.ARCHIVE)

    def to_json(self) -> JSON:
        """The canonical serialization (plan files, checksums, json rendering)."""
        return {
            "kind": self.kind.value,
            "action": self.action.value,
            "key": list(self.key),
            "before": self.before,
            "after": self.after,
            "fields": [
                {"field": f.field, "before": f.before, "after": f.after} for f in self.fields
            ],
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: JSON) -> Change:
        """Inverse of to_json (for saved plans)."""
        return cls(
            kind=Kind(data["kind"]),
            action=Action(data["action"]),
            key=tuple(data["key"]),
            before=data.get("before"),
            after=data.get("after"),
            fields=tuple(
                FieldChange(f["field"], f["before"], f["after"]) for f in data.get("fields", [])
            ),
            reason=data.get("reason", ""),
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """Something the plan must tell but no change can do. Errors block apply."""

    severity: Severity
    kind: Kind
    key: tuple[str, ...]
    message: str

    def to_json(self) -> JSON:
        """Canonical serialization."""
        return {
            "severity": self.severity.value,
            "kind": self.kind.value,
            "key": list(self.key),
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Unmanaged:
    """A live object left alone because the file does not manage it (drift is never silent)."""

    kind: Kind
    key: tuple[str, ...]
    reason: str = field(default="")

    def to_json(self) -> JSON:
        """Canonical serialization."""
        return {"kind": self.kind.value, "key": list(self.key), "reason": self.reason}
