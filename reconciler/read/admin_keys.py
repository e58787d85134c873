"""Admin API keys: read them to learn who owns the key in use (safety never removes that user).

The list shows each key as `redacted_value` "PREFIX...SUFFIX"; the key in use is the one whose
prefix and suffix it has. The client compares, so the key never leaves it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from reconciler.api import AdminClient
from reconciler.api.parsing import optional_text, text

log = logging.getLogger(__name__)

PATH = "/organization/admin_api_keys"


@dataclass(frozen=True, slots=True)
class AdminKey:
    """One admin key as listed (never its value)."""

    id: str
    redacted_value: str
    owner_type: str | None
    owner_id: str | None


def parse_admin_key(item: dict[str, Any]) -> AdminKey:
    """A listed admin key."""
    ident = text(item, "id", what="an admin API key")
    owner = item.get("owner")
    owner = owner if isinstance(owner, dict) else {}
    return AdminKey(
        id=ident,
        redacted_value=text(item, "redacted_value", what=f"admin API key {ident}"),
        owner_type=optional_text(owner, "type"),
        owner_id=optional_text(owner, "id"),
    )


async def read_admin_keys(client: AdminClient) -> list[AdminKey]:
    """Every admin API key of the organization."""
    return [parse_admin_key(item) for item in await client.list_all(PATH)]


def owner_of_key_in_use(client: AdminClient, keys: list[AdminKey]) -> str | None:
    """The user id owning the key in use, or None (logged) when it cannot be told."""
    matched = [key for key in keys if client.key_matches_redacted(key.redacted_value)]
    owners = {key.owner_id for key in matched}
    if len(owners) != 1 or matched[0].owner_id is None:
        log.info("admin key owner unknown: %d listed keys match the key in use", len(matched))
        return None
    key = matched[0]
    if key.owner_type not in (None, "user"):
        log.info("admin key owner is a %s, not a user", key.owner_type)
        return None
    return key.owner_id
