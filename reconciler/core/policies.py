"""Values of the policies a project or the organization carries: its model policy, its spend
limit and spend alerts, its key rotation, and the API-key policy of `settings.api_keys`
(re-exported by core/model.py, where the organization is)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ModelMode = Literal["allow", "deny", "all"]


@dataclass(frozen=True, slots=True)
class ModelPolicy:
    """A project's model permissions: only `models` (allow), all but `models` (deny), or every
    model (all: no policy; the API's state after its DELETE)."""

    mode: ModelMode = "all"
    models: frozenset[str] = frozenset()


HOSTED_TOOLS: tuple[str, ...] = (
    "file_search",
    "web_search",
    "image_generation",
    "mcp",
    "code_interpreter",
)


@dataclass(frozen=True, slots=True)
class SpendLimit:
    """A hard monthly spend limit in US cents; `cents` None is no limit (desired: `none`, the
    limit is removed; live: the scope has none)."""

    cents: int | None


@dataclass(frozen=True, slots=True)
class SpendAlert:
    """An email alert when a scope's monthly spend reaches `cents` (one per threshold per
    scope): its recipients (lower-cased, sorted) and the emails' optional subject prefix.
    `copies` is how many live alerts share the threshold (the API allows several, say two
    overlapping applies each created one; a config declares one)."""

    cents: int
    recipients: tuple[str, ...]
    subject_prefix: str | None = None
    copies: int = 1


@dataclass(frozen=True, slots=True)
class KeyRotation:
    """A service account's key rotation: a new key once the newest is `rotate_every_days` old;
    the older keys are due for retirement once the new one is `overlap_days` old."""

    rotate_every_days: int
    overlap_days: int = 7


OwnerWithoutAccess = Literal["revoke", "report"]


@dataclass(frozen=True, slots=True)
class KeyExemption:
    """A project API key (by name, in one project or any) the key policy leaves alone, and why,
    up to and including the day `until` (a `YYYY-MM-DD` date, UTC); after it, it lapses."""

    name: str
    reason: str
    until: str
    project: str | None = None


@dataclass(frozen=True, slots=True)
class ApiKeyPolicy:
    """`settings.api_keys`: key hygiene (see core/key_policy.py). A limit that is None is not
    checked; `enforce` off (the default) means violations are reported, never acted on."""

    max_age_days: int | None = None
    unused_days: int | None = None
    owner_without_access: OwnerWithoutAccess = "report"
    enforce: bool = False
    exempt: tuple[KeyExemption, ...] = ()
    # Whether the file has `settings.api_keys` at all: only then do plan and drift read keys.
    declared: bool = field(default=False, compare=False)
