"""The configuration file's schema: pydantic v2 models, strict, unknown keys rejected.

This is the *file* format (what people write); `convert.py` turns a validated `ConfigFile`
into the canonical `model.Desired`. Strict mode means no silent coercion: `"500"` is not a
rate limit and `yes` is not a role. A key left out of a project (`members`, `rate_limits`, …)
means "not managed here" and stays None; an empty one is authoritative and means "none".
Cross-references (members are users, certificates are declared, names are unique) are checked
in `checks.py`, where every problem can be reported with its line.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.json_schema import WithJsonSchema

from reconciler.config.kinds.registry import parts
from reconciler.config.model_policy import MODELS_JSON_SCHEMA, HostedToolsConfig, ModelsConfig
from reconciler.config.names import (
    EMAIL_PATTERN,
    NAME_PATTERN,
    RESERVED_PATTERN,
    check_email,
    check_name,
    check_not_reserved,
    check_version,
)
from reconciler.config.parts import with_parts
from reconciler.config.report_settings import BudgetConfig, LabelKey, LabelValue
from reconciler.config.rotation import KeyRotationConfig
from reconciler.config.spend import OrganizationConfig, SpendAlerts, SpendLimitSetting
from reconciler.core import model

SCHEMA_ID = "https://github.com/openai-org-reconciler/reconciler.schema.json"

PositiveInt = Annotated[int, Field(gt=0, strict=True)]
# Every name, model key and email: no empty, blank or control-character-bearing value, and no
# padded email (names.py); the patterns say the same to editors.
Name = Annotated[
    str,
    Field(max_length=200, json_schema_extra={"pattern": NAME_PATTERN}),
    AfterValidator(check_name),
]
Email = Annotated[
    str,
    # minLength for editors only: here a short one is "not an email address" (checks.py).
    Field(json_schema_extra={"pattern": EMAIL_PATTERN, "minLength": 3}),
    AfterValidator(check_email),
]
AccountName = Annotated[
    Name,
    AfterValidator(check_not_reserved),
    Field(json_schema_extra={"not": {"pattern": RESERVED_PATTERN}}),
]

_PRUNE = model.PruneSettings()
_SAFETY = model.SafetySettings()


class _Strict(BaseModel):
    """Base: strict types, unknown keys are errors, values are frozen once validated."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PruneConfig(_Strict):
    """Which kinds the file is authoritative for: live objects it does not declare get deleted."""

    invites: bool = Field(default=_PRUNE.invites, description="Revoke undeclared pending invites.")
    project_users: bool = Field(
        default=_PRUNE.project_users,
        description="Remove members of declared projects who are not declared.",
    )
    service_accounts: bool = Field(
        default=_PRUNE.service_accounts,
        description="Delete service accounts of declared projects that are not declared.",
    )
    users: bool = Field(
        default=_PRUNE.users,
        description="Remove organization users not declared in `users` (off by default).",
    )
    certificates: bool = Field(
        default=_PRUNE.certificates,
        description="Delete organization certificates not declared in `certificates`.",
    )
    groups: bool = Field(
        default=_PRUNE.groups,
        description="Delete groups not declared in `groups` (off by default).",
    )
    roles: bool = Field(
        default=_PRUNE.roles,
        description="Delete custom roles not declared in `roles` (off by default).",
    )


class SafetyConfig(_Strict):
    """Gates checked before any write."""

    min_owners: int = Field(
        default=_SAFETY.min_owners, ge=0, description="Organization owners that must remain."
    )
    max_deletes: int = Field(
        default=_SAFETY.max_deletes, ge=0, description="More deletes than this need --force."
    )
    max_delete_share: float = Field(
        default=_SAFETY.max_delete_share,
        gt=0,
        le=1,
        description="Deleting more than this share of existing objects needs --force.",
    )
    protected_users: list[Email] = Field(
        default_factory=list, description="Emails never removed or demoted."
    )


def _iso_date(value: Any) -> Any:
    """`until: 2026-12-31` arrives from YAML as a date; a quoted one as text: both are a day."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    return value


class KeyExemptionConfig(_Strict):
    """A project API key the key policy leaves alone, until a day."""

    name: Name = Field(description="The key's name, as the API lists it.")
    project: Name | None = Field(default=None, description="Only the key of this project.")
    reason: Name = Field(description="Why it is exempt (shown in the report).")
    until: Annotated[date, BeforeValidator(_iso_date)] = Field(
        description="Last day (UTC) of the exemption, YYYY-MM-DD; it lapses after it."
    )


class ApiKeysConfig(_Strict):
    """Key hygiene for project API keys (`reconciler report keys`)."""

    max_age_days: PositiveInt | None = Field(
        default=None, description="A key older than this many days violates the policy."
    )
    unused_days: PositiveInt | None = Field(
        default=None,
        description="A key not used for this many days (never used: since created) violates it.",
    )
    owner_without_access: model.OwnerWithoutAccess = Field(
        default="report", description="A key whose owner left its project: revoke|report."
    )
    enforce: bool = Field(default=False, description="Act on violations (off: report them only).")
    exempt: list[KeyExemptionConfig] = Field(default_factory=list)


class SettingsConfig(_Strict):
    """The `settings:` block."""

    prune: PruneConfig = Field(default_factory=PruneConfig)
    safety: SafetyConfig = Field(default_factory=SafetyConfig)
    api_keys: ApiKeysConfig = Field(default_factory=ApiKeysConfig)


class UserConfig(_Strict):
    """An organization member (invited when not yet in the organization)."""

    email: Email = Field(description="Compared case-insensitively.")
    role: model.OrgRole


class CertificateConfig(_Strict):
    """An mTLS certificate: its PEM from `file` (relative to the config file) or inline `pem`."""

    name: Name
    file: str | None = Field(default=None, description="PEM file, relative to the config file.")
    pem: str | None = Field(default=None, description="The PEM text itself.")
    active: bool = Field(default=False, description="Active for the whole organization.")


class RateLimitConfig(_Strict):
    """Limits for one model; a field left out is not managed."""

    max_requests_per_1_minute: PositiveInt | None = None
    max_tokens_per_1_minute: PositiveInt | None = None
    max_images_per_1_minute: PositiveInt | None = None
    max_audio_megabytes_per_1_minute: PositiveInt | None = None
    max_requests_per_1_day: PositiveInt | None = None
    batch_1_day_max_input_tokens: PositiveInt | None = None


class ServiceAccountConfig(_Strict):
    """A project service account. Role `none` is an account without project role or API key
    (what the API's `create_service_account_only` makes)."""

    name: AccountName
    role: model.ServiceAccountRole = Field(default="member", description="owner|member|none")
    api_key: bool = Field(
        default=True, description="Create an API key with the account (never with role none)."
    )
    key: KeyRotationConfig | None = Field(default=None, description="Rotate its API key.")

    @model_validator(mode="before")
    @classmethod
    def _no_key_without_role(cls, data: Any) -> Any:
        """Role none has no API key: implied when api_key is left out, an error when asked."""
        if isinstance(data, dict) and data.get("role") == "none":
            if data.get("api_key") is True:
                raise ValueError("a service account with role none cannot have an API key")
            data = {**data, "api_key": data.get("api_key", False)}
        if isinstance(data, dict) and data.get("key") is not None and data.get("api_key") is False:
            raise ValueError("key rotation needs an API key (role member or owner, api_key on)")
        return data


class ProjectConfig(_Strict):
    """A project. Leaving a collection out leaves it alone; an empty one means "none"."""

    name: Name
    id: str | None = Field(
        default=None, pattern=r"^proj_[A-Za-z0-9_-]+$", description="Pins identity across a rename."
    )
    archived: bool = Field(
        default=False, description="Irreversible: archived projects have nothing else."
    )
    members: dict[Email, model.ProjectRole] | None = Field(
        default=None, description="email: owner|member"
    )
    service_accounts: list[ServiceAccountConfig] | None = None
    rate_limit_profile: Name | None = Field(
        default=None, description="A name from `rate_limit_profiles`."
    )
    rate_limits: dict[Name, RateLimitConfig] | None = Field(
        default=None, description="model: limits; merged field by field over the profile's."
    )
    certificates: list[Name] | None = Field(
        default=None, description="Certificates active for this project."
    )
    labels: dict[LabelKey, LabelValue] = Field(
        default_factory=dict, description="key: value, for reports (`report usage --by team`)."
    )
    budget: BudgetConfig | None = Field(default=None, description="Report-only monthly budget.")
    spend_limit: SpendLimitSetting | None = Field(
        default=None, description="{usd_per_month: N}, or none to remove the limit."
    )
    spend_alerts: SpendAlerts | None = Field(
        default=None, description="Alerts by threshold; [] removes them all."
    )
    models: Annotated[ModelsConfig | None, WithJsonSchema(MODELS_JSON_SCHEMA)] = None
    hosted_tools: HostedToolsConfig | None = Field(
        default=None, description="tool: true|false; a tool left out is not managed."
    )


if not TYPE_CHECKING:  # plug-in kinds' keys (config/parts.py); the type checker sees the bases
    ProjectConfig = with_parts(ProjectConfig, parts("project"))
    OrganizationConfig = with_parts(OrganizationConfig, parts("organization"))


class ConfigFile(_Strict):
    """The whole configuration file (version 1)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        title="reconciler configuration",
        # Top-level `x-…` keys are ignored by the loader: a place for YAML anchors.
        json_schema_extra={"$id": SCHEMA_ID, "patternProperties": {"^x-": {}}},
    )

    version: Annotated[Literal[1], BeforeValidator(check_version)]
    settings: SettingsConfig = Field(default_factory=SettingsConfig)
    organization: OrganizationConfig | None = None
    users: list[UserConfig] | None = Field(
        default=None, description="Leave out to manage no users."
    )
    certificates: list[CertificateConfig] | None = None
    rate_limit_profiles: dict[Name, dict[Name, RateLimitConfig]] = Field(
        default_factory=dict, description="Named sets of per-model limits projects can share."
    )
    projects: list[ProjectConfig] = Field(default_factory=list)
    budget: BudgetConfig | None = Field(
        default=None, description="Report-only monthly budget of the whole organization."
    )


if not TYPE_CHECKING:
    ConfigFile = with_parts(ConfigFile, parts("root"))
