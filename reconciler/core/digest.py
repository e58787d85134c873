"""Canonical JSON of the organization model, and the sha256 digests a plan records.

`live_digest` lets `apply --plan` tell that the organization changed since the plan was made
(it covers content, not only ids); `desired_digest` identifies the configuration a plan came
from. Certificate PEMs are represented by their fingerprint; nothing here is secret.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from reconciler.core.model import (
    LATER_PRUNE_SWITCHES,
    Desired,
    Live,
    Organization,
    Project,
    SpendAlert,
    SpendLimit,
)
from reconciler.core.parts import parts_json

JSON = dict[str, Any]


def canonical(data: Any) -> str:
    """The one canonical JSON text: sorted keys, no spaces (checksums and digests hash it)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(data: Any) -> str:
    """`sha256:<hex>` of the canonical JSON of `data`."""
    return "sha256:" + hashlib.sha256(canonical(data).encode()).hexdigest()


def live_digest(live: Live) -> str:
    """Digest of the live organization in scope: its content and project ids."""
    return sha256(org_json(live.org))


def desired_digest(desired: Desired) -> str:
    """Digest of a desired state (organization and settings), independent of YAML layout."""
    settings = desired.settings
    return sha256(
        {
            "org": org_json(desired.org),
            "prune": {
                name: on
                for name, on in _fields(settings.prune).items()
                if on or name not in LATER_PRUNE_SWITCHES
            },
            "safety": {
                **_fields(settings.safety),
                "protected_users": sorted(settings.safety.protected_users),
            },
        }
    )


def org_json(org: Organization) -> JSON:
    """The organization as plain, deterministic JSON (None = out of scope, kept distinct)."""
    return {
        "users": None if org.users is None else {e: u.role for e, u in org.users.items()},
        "invites": None
        if org.invites is None
        else {
            e: [i.role, [list(p) for p in i.projects], i.status, i.expires_at]
            for e, i in org.invites.items()
        },
        "certificates": None
        if org.certificates is None
        else {n: [c.fingerprint, c.active, c.expires_at] for n, c in org.certificates.items()},
        "projects": {n: _project_json(p) for n, p in org.projects.items()},
        **_spend_json(org.spend_limit),
        **_alerts_json(org.spend_alerts),
        **parts_json(org.parts),
    }


def _spend_json(limit: SpendLimit | None) -> JSON:
    """A managed (desired) or read (live) spend limit; nothing when neither, so digests of
    files and organizations without one are what they were before spend limits."""
    return {} if limit is None else {"spend_limit": limit.cents}


def _alerts_json(alerts: Mapping[int, SpendAlert] | None) -> JSON:
    """Managed or read spend alerts by threshold; nothing when neither (as _spend_json)."""
    if alerts is None:
        return {}
    return {
        "spend_alerts": {
            str(c): [list(a.recipients), a.subject_prefix] for c, a in sorted(alerts.items())
        }
    }


def _project_json(project: Project) -> JSON:
    keys = {} if project.api_keys is None else {"api_keys": sorted(project.api_keys)}
    return (
        keys
        | {
            "id": project.id,
            "archived": project.archived,
            "members": None if project.members is None else dict(project.members),
            "service_accounts": None
            if project.service_accounts is None
            else {n: [a.role, a.api_key] for n, a in project.service_accounts.items()},
            "rate_limits": None
            if project.rate_limits is None
            else {m: r.limits() for m, r in project.rate_limits.items()},
            "certificates": None if project.certificates is None else sorted(project.certificates),
            **_spend_json(project.spend_limit),
            **_alerts_json(project.spend_alerts),
        }
        | _models_json(project)
        | parts_json(project.parts)
    )


def _models_json(project: Project) -> JSON:
    """A project's model policy and hosted tools, only when read (digests of files without them
    keep their value)."""
    policy = project.models
    out: JSON = {} if policy is None else {"models": [policy.mode, sorted(policy.models)]}
    if project.hosted_tools is not None:
        out["hosted_tools"] = dict(sorted(project.hosted_tools.items()))
    return out


def _fields(value: Any) -> JSON:
    return {name: getattr(value, name) for name in value.__slots__ if name != "protected_users"}
