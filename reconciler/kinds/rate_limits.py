"""Project rate limits: read a project's per-model limits and find one by model.

The API has no create, delete or get-by-id for rate limits: they exist per model and are listed
(default page size 100) and updated.
"""

from __future__ import annotations

from typing import Any

from reconciler.api import AdminClient
from reconciler.kinds.parsing import optional_int, text
from reconciler.model import RATE_LIMIT_FIELDS, RateLimit


def rate_limits_path(project_id: str) -> str:
    """The URL path of a project's rate limits."""
    return f"/organization/projects/{project_id}/rate_limits"


def rate_limit_path(project_id: str, rate_limit_id: str) -> str:
    """The URL path of one rate limit."""
    return f"{rate_limits_path(project_id)}/{rate_limit_id}"


def parse_rate_limit(item: dict[str, Any]) -> tuple[RateLimit, str]:
    """A listed rate limit and its id (fields the model does not offer stay None)."""
    ident = text(item, "id", what="a rate limit")
    model = text(item, "model", what=f"rate limit {ident}")
    limits = {name: optional_int(item, name) for name in RATE_LIMIT_FIELDS}
    return RateLimit(model=model, **limits), ident


async def read_rate_limits(
    client: AdminClient, project_id: str
) -> dict[str, tuple[RateLimit, str]]:
    """Every rate limit of one project, keyed by model, with its id."""
    items = await client.list_all(rate_limits_path(project_id))
    pairs = (parse_rate_limit(item) for item in items)
    return {limit.model: (limit, ident) for limit, ident in pairs}


async def find_rate_limit(
    client: AdminClient, project_id: str, model: str
) -> tuple[RateLimit, str] | None:
    """The rate limit of this project for this model and its id, if any."""
    return (await read_rate_limits(client, project_id)).get(model)
