"""The file format of a service account's key rotation: `key: {rotate_every_days, overlap_days}`.

`overlap_days` (default 7) must be shorter than `rotate_every_days`: the older keys are due for
retirement before the next rotation, so an account holds at most two generations of keys.
"""

from __future__ import annotations

from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from reconciler.core.model import KeyRotation, ServiceAccount, ServiceAccountRole

_Days = Annotated[int, Field(gt=0, strict=True)]
_Overlap = Annotated[int, Field(ge=0, strict=True)]


class KeyRotationConfig(BaseModel):
    """Rotate a service account's API key on a schedule (the new key goes to the secret sink)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    rotate_every_days: _Days = Field(
        description="A new key once the account's newest key is this many days old."
    )
    overlap_days: _Overlap = Field(
        default=7,
        description="Days the new and the older keys both work before the older are retired.",
    )

    @model_validator(mode="after")
    def _overlap_within_period(self) -> KeyRotationConfig:
        """The overlap ends before the next rotation is due."""
        if self.overlap_days >= self.rotate_every_days:
            raise ValueError("overlap_days must be less than rotate_every_days")
        return self


class DeclaredAccount(Protocol):
    """A service account as the file declares it (config/schema.py's ServiceAccountConfig)."""

    @property
    def name(self) -> str:
        """Its name."""
        ...

    @property
    def role(self) -> ServiceAccountRole:
        """Its project role."""
        ...

    @property
    def api_key(self) -> bool:
        """Whether it is created with an API key."""
        ...

    @property
    def key(self) -> KeyRotationConfig | None:
        """Its key rotation."""
        ...


def to_account(declared: DeclaredAccount) -> ServiceAccount:
    """The model's value of a declared service account, its key rotation with it."""
    rotation = declared.key
    policy = None if rotation is None else KeyRotation(**rotation.model_dump())
    return ServiceAccount(declared.name, declared.role, declared.api_key, key=policy)


def rotation_dict(rotation: KeyRotation | None) -> dict[str, Any]:
    """`{"key": {...}}` of a service account with a rotation policy, `{}` without one."""
    if rotation is None:
        return {}
    days = {"rotate_every_days": rotation.rotate_every_days, "overlap_days": rotation.overlap_days}
    return {"key": days}
