"""The canonical model of an OpenAI organization, shared by desired and live state.

Desired state (from the config file) and live state (from the Admin API) are values of the
same type, keyed by natural keys: project name, user email (lower-cased), service-account name
within its project, model within its project, certificate name. Diffing two values of one type
is what keeps the core small.

Scope is part of the value: a collection that is `None` was not declared (desired) or not read
(live) and is left alone; an empty collection was declared empty and is authoritative.

Live state additionally carries an `IdIndex` of the server ids behind the natural keys, which
only `apply` needs. Nothing here does I/O.

Kinds added as plug-ins add no field here: their values live in `parts` (of the organization,
or of a project) under the kind's part name, absent when not declared or not read — the same
rule as the typed fields — and their ids in `IdIndex.parts` (see core/parts.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from reconciler.core.policies import HOSTED_TOOLS as HOSTED_TOOLS  # noqa: PLC0414
from reconciler.core.policies import ApiKeyPolicy as ApiKeyPolicy  # noqa: PLC0414
from reconciler.core.policies import KeyExemption as KeyExemption  # noqa: PLC0414
from reconciler.core.policies import KeyRotation as KeyRotation  # noqa: PLC0414
from reconciler.core.policies import ModelMode as ModelMode  # noqa: PLC0414 (re-export)
from reconciler.core.policies import ModelPolicy as ModelPolicy  # noqa: PLC0414
from reconciler.core.policies import OwnerWithoutAccess as OwnerWithoutAccess  # noqa: PLC0414
from reconciler.core.policies import SpendAlert as SpendAlert  # noqa: PLC0414
from reconciler.core.policies import SpendLimit as SpendLimit  # noqa: PLC0414
from reconciler.core.provenance import Provenance
from reconciler.core.report_settings import ReportSettings as ReportSettings  # noqa: PLC0414 (re-export)

OrgRole = Literal["owner", "reader"]
ProjectRole = Literal["owner", "member"]
ServiceAccountRole = Literal["owner", "member", "none"]
InviteStatus = Literal["pending", "accepted", "expired"]

RATE_LIMIT_FIELDS: tuple[str, ...] = (
    "max_requests_per_1_minute",
    "max_tokens_per_1_minute",
    "max_images_per_1_minute",
    "max_audio_megabytes_per_1_minute",
    "max_requests_per_1_day",
    "batch_1_day_max_input_tokens",
)


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively; the model stores them lower-cased and stripped."""
    return email.strip().lower()


@dataclass(frozen=True, slots=True)
class User:
    """An organization member."""

    email: str
    role: OrgRole


@dataclass(frozen=True, slots=True)
class Invite:
    """An invitation to the organization (live only; desired users become invites in the diff).

    `projects` holds (project name, role) pairs sorted by name; an invite never omits it.
    """

    email: str
    role: OrgRole
    projects: tuple[tuple[str, ProjectRole], ...] = ()
    status: InviteStatus = "pending"
    expires_at: int | None = None


@dataclass(frozen=True, slots=True)
class ServiceAccount:
    """A project service account. `api_key` is whether one is wanted at creation (desired only:
    the API cannot tell afterwards, so the diff never compares it)."""

    name: str
    role: ServiceAccountRole = "member"
    api_key: bool = field(default=True, compare=False)
    # Desired: the key rotation policy (core/rotation.py). Live: the nonce of a rotation whose
    # new key may not have reached the sink (the account's name carries it; core/pending.py).
    key: KeyRotation | None = field(default=None, compare=False)
    rotating: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A project's rate limit for one model. A field that is None is not managed (desired) or
    not offered for this model (live)."""

    model: str
    max_requests_per_1_minute: int | None = None
    max_tokens_per_1_minute: int | None = None
    max_images_per_1_minute: int | None = None
    max_audio_megabytes_per_1_minute: int | None = None
    max_requests_per_1_day: int | None = None
    batch_1_day_max_input_tokens: int | None = None

    def limits(self) -> dict[str, int]:
        """The fields that are set, by name."""
        values = {name: getattr(self, name) for name in RATE_LIMIT_FIELDS}
        return {name: value for name, value in values.items() if value is not None}


@dataclass(frozen=True, slots=True)
class Certificate:
    """An organization mTLS certificate, identified by the SHA-256 fingerprint of its DER.

    `pem` is the content to upload (desired) and is not compared; `active` is activation at the
    organization level (project activation lives on `Project.certificates`). `valid_at` (start
    of validity, Unix seconds) is not compared either: with the name and expiry it is what a
    listing shows, which fetch uses to avoid downloading content it can tell apart.
    """

    name: str
    fingerprint: str
    active: bool = False
    expires_at: int | None = None
    pem: str | None = field(default=None, compare=False, repr=False)
    valid_at: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Project:
    """A project. Collections that are None are out of scope (not declared / not read).

    `id` pins identity across a rename in desired state and is the server id in live state; it
    is not compared directly (the diff matches projects by pin, then by name).
    """

    name: str
    id: str | None = field(default=None, compare=False)
    archived: bool = False
    members: Mapping[str, ProjectRole] | None = None
    service_accounts: Mapping[str, ServiceAccount] | None = None
    rate_limits: Mapping[str, RateLimit] | None = None
    certificates: frozenset[str] | None = None
    spend_limit: SpendLimit | None = None
    spend_alerts: Mapping[int, SpendAlert] | None = None
    # Live only: the project's API keys by id, read when `settings.api_keys` is declared.
    api_keys: Mapping[str, ApiKeyInfo] | None = None
    models: ModelPolicy | None = None
    hosted_tools: Mapping[str, bool] | None = None
    # Plug-in kinds' values by part name (core/parts.py); a part left out is not in scope.
    parts: Mapping[str, object] = field(default_factory=dict)


ApiKeyOwnerKind = Literal["user", "service_account"]


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """A project API key as listed (live only, read only where a plan puts it at stake).

    Never a secret: the API lists only `redacted_value` ("sk-...abcd"). `owner` is the owner's
    email (a user's key) or name (a service account's key); `owner_id` its server id; `active`
    is false when the owner no longer has access to the project.
    """

    id: str
    name: str
    redacted_value: str
    owner_kind: ApiKeyOwnerKind
    owner: str
    owner_id: str = ""
    active: bool = True
    last_used_at: int | None = None
    created_at: int | None = None


@dataclass(frozen=True, slots=True)
class Organization:
    """The whole organization. `users`, `invites` and `certificates` are None when out of scope;
    `projects` holds every project in scope (desired: declared; live: read, archived included).
    """

    users: Mapping[str, User] | None = None
    invites: Mapping[str, Invite] | None = None
    certificates: Mapping[str, Certificate] | None = None
    projects: Mapping[str, Project] = field(default_factory=dict)
    spend_limit: SpendLimit | None = None
    spend_alerts: Mapping[int, SpendAlert] | None = None
    # Plug-in kinds' values by part name (core/parts.py); a part left out is not in scope.
    parts: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PruneSettings:
    """Which kinds the file is authoritative for: undeclared live objects get deleted."""

    invites: bool = True
    project_users: bool = True
    service_accounts: bool = True
    users: bool = False
    certificates: bool = False
    groups: bool = False
    roles: bool = False


# Switches added after plan files recorded digests: in a digest only when on (core/digest.py).
LATER_PRUNE_SWITCHES = ("groups", "roles")


@dataclass(frozen=True, slots=True)
class SafetySettings:
    """Gates checked before any write (see safety.py)."""

    min_owners: int = 1
    max_deletes: int = 10
    max_delete_share: float = 0.25
    protected_users: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Settings:
    """The `settings:` block of the config."""

    prune: PruneSettings = PruneSettings()
    safety: SafetySettings = SafetySettings()
    api_keys: ApiKeyPolicy = field(default_factory=ApiKeyPolicy)


@dataclass(frozen=True, slots=True)
class Desired:
    """What the config file declares, after validation."""

    org: Organization
    settings: Settings = Settings()
    reports: ReportSettings = field(default_factory=ReportSettings)
    # Where a config directory declares each object (None for a single file); not content.
    provenance: Provenance | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class IdIndex:
    """Server ids behind natural keys in live state (only apply and drift attribution need them).

    Keys: project name; user email; invite email; (project, service-account name);
    (project, model) for rate limits; certificate name; (scope, cents) for spend alerts.
    """

    projects: Mapping[str, str] = field(default_factory=dict)
    users: Mapping[str, str] = field(default_factory=dict)
    invites: Mapping[str, str] = field(default_factory=dict)
    service_accounts: Mapping[tuple[str, str], str] = field(default_factory=dict)
    rate_limits: Mapping[tuple[str, str], str] = field(default_factory=dict)
    certificates: Mapping[str, str] = field(default_factory=dict)
    spend_alerts: Mapping[tuple[str, int], str] = field(default_factory=dict)
    # Plug-in kinds: part name → natural key → server id.
    parts: Mapping[str, Mapping[tuple[str, ...], str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Live:
    """What the Admin API returned, in scope, with its ids.

    `admin_key_owner` is the email of the user who owns the admin key in use, when it could be
    identified (safety never lets a plan remove or demote that user); `default_project` is the
    name of the organization's default project when known. `spend_to_date` is the month's spend
    so far in US cents by scope ("" the organization, else a project name), read only when a
    plan lowers a spend limit (None: not read).
    """

    org: Organization
    ids: IdIndex = IdIndex()
    admin_key_owner: str | None = None
    default_project: str | None = None
    spend_to_date: Mapping[str, int] | None = None
    # When it was read (Unix seconds): what key ages and idle days count up to.
    read_at: int | None = field(default=None, compare=False)
