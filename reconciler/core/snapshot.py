"""The drift snapshot: the live organization as last read, where the audit log was, and when.

    Snapshot.to_json() -> dict          plain data (no secret: what `export` shows, plus ids)
    Snapshot.from_json(data) -> Snapshot   validated; ValueError says what is wrong
    scope_digest(desired) -> str        what a fetch of `desired` reads (not the values it wants)

The format is versioned (`format`, `version`); a snapshot of another format or version, or
one that does not validate, is unusable and `drift --snapshot` reads in full instead.
Certificates keep no PEM; nothing holds a key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from reconciler.core.model import (
    Certificate,
    Desired,
    IdIndex,
    Invite,
    Live,
    Organization,
    Project,
    RateLimit,
    ServiceAccount,
    User,
)

FORMAT = "reconciler-drift-snapshot"
VERSION = 1


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What an incremental drift run starts from.

    `position_id`/`position_at` are the newest audit event seen (None: the log was empty);
    `seen` the ids of the events inside the overlap window before it, so a re-read window
    does not count them twice; `full_read_at` when the organization was last read in full,
    and `events` how many events incremental runs have applied since.
    """

    live: Live
    full_read_at: int
    config_digest: str
    scope_digest: str
    position_id: str | None = None
    position_at: int = 0
    seen: frozenset[str] = frozenset()
    events: int = 0

    def to_json(self) -> dict[str, Any]:
        """Plain data (stable keys)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "full_read_at": self.full_read_at,
            "config_digest": self.config_digest,
            "scope_digest": self.scope_digest,
            "audit": {
                "id": self.position_id,
                "at": self.position_at,
                "seen": sorted(self.seen),
                "events": self.events,
            },
            "live": _live_json(self.live),
        }

    @classmethod
    def from_json(cls, data: object) -> Snapshot:
        """A snapshot from plain data; ValueError for another format or a malformed one."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a drift snapshot (format is not {FORMAT!r})")
        if data.get("version") != VERSION:
            raise ValueError(f"snapshot version {data.get('version')!r}, expected {VERSION}")
        try:
            audit = data["audit"]
            position = audit["id"]
            return cls(
                live=_live(data["live"]),
                full_read_at=_int(data["full_read_at"]),
                config_digest=str(data["config_digest"]),
                scope_digest=str(data["scope_digest"]),
                position_id=None if position is None else str(position),
                position_at=_int(audit["at"]),
                seen=frozenset(str(i) for i in audit["seen"]),
                events=_int(audit["events"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"malformed snapshot ({type(exc).__name__}: {exc})") from None


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{value!r} is not an integer")
    return value


def scope_digest(desired: Desired) -> str:
    """A digest of what a fetch of `desired` reads: which projects, which of their collections,
    which organization collections, and what decides certificate keys. A change of a value
    (a role) keeps it; a newly declared project or collection changes it."""
    org = desired.org
    shape = {
        "users": org.users is not None,
        "prune": [desired.settings.prune.users, desired.settings.prune.certificates],
        "certificates": sorted((c.name, c.fingerprint) for c in (org.certificates or {}).values()),
        "projects": {
            name: [
                p.id,
                p.archived,
                *(getattr(p, part) is not None for part in _PARTS),
            ]
            for name, p in sorted(org.projects.items())
        },
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()


_PARTS = ("members", "service_accounts", "rate_limits", "certificates")
# Project settings the snapshot does not carry yet: a config that declares one is read in full.
_NOT_CARRIED = ("spend_limit", "spend_alerts", "models", "hosted_tools")
ORG_PARTS = ("spend_limit", "spend_alerts")


def not_carried(desired: Desired) -> list[str]:
    """What `desired` manages that a snapshot does not hold (so an incremental run could not
    tell it from a removal): organization spend settings, a project's spend limit, alerts,
    model or hosted-tool permissions, the API-key policy and key rotations (key ages move
    with the clock)."""
    org = desired.org
    found = [f"organization {part}" for part in ORG_PARTS if getattr(org, part) is not None]
    parts = {
        part for p in org.projects.values() for part in _NOT_CARRIED if getattr(p, part) is not None
    }
    found += [f"project {part}" for part in sorted(parts)]
    # Plug-in kinds' parts (core/parts.py) are not carried either.
    found += [f"organization {name}" for name in sorted(org.parts)]
    plugged = {name for p in org.projects.values() for name in p.parts}
    found += [f"project {name}" for name in sorted(plugged)]
    if desired.settings.api_keys.declared:
        found.append("settings.api_keys")
    accounts = [a for p in org.projects.values() for a in (p.service_accounts or {}).values()]
    if any(a.key is not None for a in accounts):
        found.append("service-account key rotation")
    return found


# -- Live as plain data ----------------------------------------------------------------------


def _live_json(live: Live) -> dict[str, Any]:
    org, ids = live.org, live.ids
    return {
        "users": _opt(org.users, lambda u: {"role": u.role}),
        "invites": _opt(org.invites, _invite_json),
        "certificates": _opt(org.certificates, _cert_json),
        "projects": {key: _project_json(p) for key, p in org.projects.items()},
        "admin_key_owner": live.admin_key_owner,
        "default_project": live.default_project,
        "ids": {
            "projects": dict(ids.projects),
            "users": dict(ids.users),
            "invites": dict(ids.invites),
            "certificates": dict(ids.certificates),
            "service_accounts": [[*k, v] for k, v in ids.service_accounts.items()],
            "rate_limits": [[*k, v] for k, v in ids.rate_limits.items()],
        },
    }


def _opt(values: Mapping[str, Any] | None, encode: Any) -> dict[str, Any] | None:
    return None if values is None else {key: encode(value) for key, value in values.items()}


def _invite_json(invite: Invite) -> dict[str, Any]:
    return {
        "role": invite.role,
        "projects": [list(p) for p in invite.projects],
        "status": invite.status,
        "expires_at": invite.expires_at,
    }


def _cert_json(cert: Certificate) -> dict[str, Any]:
    return {
        "fingerprint": cert.fingerprint,
        "active": cert.active,
        "expires_at": cert.expires_at,
        "valid_at": cert.valid_at,
    }


def _project_json(p: Project) -> dict[str, Any]:
    return {
        "name": p.name,
        "id": p.id,
        "archived": p.archived,
        "members": None if p.members is None else dict(p.members),
        "service_accounts": _opt(p.service_accounts, lambda a: a.role),
        "rate_limits": _opt(p.rate_limits, lambda r: r.limits()),
        "certificates": None if p.certificates is None else sorted(p.certificates),
    }


def _live(data: Mapping[str, Any]) -> Live:
    ids = data["ids"]
    org = Organization(
        users=_dec(data["users"], lambda e, v: User(e, _role(v["role"]))),
        invites=_dec(data["invites"], _invite),
        certificates=_dec(data["certificates"], _cert),
        projects={str(k): _project(v) for k, v in data["projects"].items()},
    )
    index = IdIndex(
        projects=_strs(ids["projects"]),
        users=_strs(ids["users"]),
        invites=_strs(ids["invites"]),
        certificates=_strs(ids["certificates"]),
        service_accounts={(str(p), str(n)): str(i) for p, n, i in ids["service_accounts"]},
        rate_limits={(str(p), str(m)): str(i) for p, m, i in ids["rate_limits"]},
    )
    owner, default = data["admin_key_owner"], data["default_project"]
    return Live(
        org=org,
        ids=index,
        admin_key_owner=None if owner is None else str(owner),
        default_project=None if default is None else str(default),
    )


def _strs(values: Mapping[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in values.items()}


def _dec(values: Mapping[str, Any] | None, decode: Any) -> dict[str, Any] | None:
    if values is None:
        return None
    return {str(key): decode(str(key), value) for key, value in values.items()}


def _role(value: object) -> Any:
    if value not in ("owner", "reader", "member", "none"):
        raise ValueError(f"unknown role {value!r}")
    return value


def _opt_int(value: object) -> int | None:
    return None if value is None else _int(value)


def _invite(email: str, v: Mapping[str, Any]) -> Invite:
    return Invite(
        email=email,
        role=_role(v["role"]),
        projects=tuple((str(n), _role(r)) for n, r in v["projects"]),
        status=cast(Any, str(v["status"])),
        expires_at=_opt_int(v["expires_at"]),
    )


def _cert(name: str, v: Mapping[str, Any]) -> Certificate:
    return Certificate(
        name=name,
        fingerprint=str(v["fingerprint"]),
        active=bool(v["active"]),
        expires_at=_opt_int(v["expires_at"]),
        valid_at=_opt_int(v["valid_at"]),
    )


def _project(v: Mapping[str, Any]) -> Project:
    members, accounts, limits, certs = (
        v["members"],
        v["service_accounts"],
        v["rate_limits"],
        v["certificates"],
    )
    return Project(
        name=str(v["name"]),
        id=None if v["id"] is None else str(v["id"]),
        archived=bool(v["archived"]),
        members=None if members is None else {str(e): _role(r) for e, r in members.items()},
        service_accounts=_dec(accounts, lambda n, role: ServiceAccount(n, _role(role))),
        rate_limits=_dec(
            limits, lambda m, f: RateLimit(m, **{str(k): _int(x) for k, x in f.items()})
        ),
        certificates=None if certs is None else frozenset(str(c) for c in certs),
    )
