"""What a route handler receives: the state, who is acting, the request, and small parsers.

Handlers raise `ApiFailure` for any refusal; query and body parsers here turn malformed input
into the API's 400 so no handler has to.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from reconciler.sandbox.state import State
from reconciler.sandbox.wire import JSON, Request, bad_request

ActorKind = Literal["api_key", "session"]
_INTEGER = re.compile(r"-?[0-9]{1,30}")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a request: an admin key (owned by a user) or a dashboard session."""

    kind: ActorKind
    user_id: str
    email: str
    key_id: str | None = None
    ip_address: str = "127.0.0.1"

    def to_audit(self) -> JSON:
        """The `actor` object of an audit-log entry."""
        user = {"id": self.user_id, "email": self.email}
        if self.kind == "session":
            return {"type": "session", "session": {"user": user, "ip_address": self.ip_address}}
        return {"type": "api_key", "api_key": {"id": self.key_id, "type": "user", "user": user}}


@dataclass(slots=True)
class Context:
    """One request being handled."""

    state: State
    actor: Actor
    now: int
    request: Request
    params: dict[str, str] = field(default_factory=dict)
    issued: list[str] = field(default_factory=list)
    replaying: bool = False

    def issue(self, redacted: str) -> str:
        """The stored (redacted) form of a key issued now: `redacted` on a live request, recorded
        in `issued` for the journal; on a replay, the one recorded then (the key value is random
        and never stored, so a replay cannot recompute it)."""
        if self.replaying:
            return self.issued.pop(0)
        self.issued.append(redacted)
        return redacted

    def body(self) -> JSON:
        """The JSON object body (400 if absent, malformed or not an object)."""
        if not self.request.body:
            return {}
        try:
            decoded: Any = json.loads(self.request.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise bad_request(f"The request body is not valid JSON: {exc}.") from exc
        if not isinstance(decoded, dict):
            raise bad_request("The request body must be a JSON object.")
        return decoded

    def query_list(self, name: str) -> list[str]:
        """Every value of a list parameter, sent as `name=` or `name[]=` (both forms accepted)."""
        return [v for k, v in self.request.query if k in (name, f"{name}[]")]

    def query_one(self, name: str) -> str | None:
        """The last value of a scalar parameter, if sent."""
        values = [v for k, v in self.request.query if k == name]
        return values[-1] if values else None

    def query_int(self, name: str, *, default: int | None, low: int, high: int) -> int | None:
        """An integer parameter within [low, high] (400 otherwise)."""
        raw = self.query_one(name)
        if raw is None:
            return default
        if not _INTEGER.fullmatch(raw):
            raise bad_request(f"'{name}' must be an integer, got '{raw}'.", param=name)
        value = int(raw)
        if not low <= value <= high:
            raise bad_request(f"'{name}' must be between {low} and {high}.", param=name)
        return value

    def query_order(self, *, default: str) -> str:
        """The `order` parameter: asc or desc (400 otherwise)."""
        raw = self.query_one("order")
        if raw is None:
            return default
        if raw not in ("asc", "desc"):
            raise bad_request(f"'order' must be 'asc' or 'desc', got '{raw}'.", param="order")
        return raw

    def query_bool(self, name: str, *, default: bool) -> bool:
        """A boolean parameter sent as true/false."""
        raw = self.query_one(name)
        if raw is None:
            return default
        if raw.lower() in ("true", "1"):
            return True
        if raw.lower() in ("false", "0"):
            return False
        raise bad_request(f"'{name}' must be true or false, got '{raw}'.", param=name)

    def audit(self, event_type: str, details: JSON, *, project_id: str | None = None) -> None:
        """Append an audit-log entry for a change this request made."""
        scope = project_id or self.state.default_project_id
        project = self.state.projects.get(scope)
        entry: JSON = {
            "id": self.state.new_id("audit_log-"),
            "type": event_type,
            "effective_at": self.now,
            "actor": self.actor.to_audit(),
            event_type: details,
        }
        if project is not None:
            entry["project"] = {"id": project["id"], "name": project["name"]}
        self.state.audit_logs.append(entry)


def require_string(body: JSON, name: str, *, required: bool = True) -> str | None:
    """A string field of a body (400 if required and missing, or not a string)."""
    value = body.get(name)
    if value is None:
        if required:
            raise bad_request(f"Missing required parameter: '{name}'.", param=name)
        return None
    if not isinstance(value, str) or not value.strip():
        raise bad_request(f"'{name}' must be a non-empty string.", param=name)
    return value


def optional_string(body: JSON, name: str) -> str | None:
    """A field that is a string or null, as the spec's `anyOf [string, null]` (400 otherwise)."""
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise bad_request(f"'{name}' must be a string or null.", param=name)
    return value


def require_choice(value: object, allowed: tuple[str, ...], *, param: str) -> str:
    """A value that is one of `allowed`, an enum of the spec (400 naming the values otherwise)."""
    if not isinstance(value, str) or value not in allowed:
        raise bad_request(
            f"'{param}' must be one of {', '.join(allowed)}; got {value!r}.", param=param
        )
    return value


def require_role(value: object, allowed: tuple[str, ...], *, param: str = "role") -> str:
    """A role that is one of `allowed` (400 naming the allowed values otherwise)."""
    if not isinstance(value, str) or value not in allowed:
        choices = " or ".join(f"'{a}'" for a in allowed)
        raise bad_request(f"Invalid role {value!r}: must be {choices}.", param=param)
    return value
