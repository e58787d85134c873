"""Project API keys: which keys a project has, whose they are, and deleting one.

Read where a plan puts a project at stake (removed members or service accounts, an archive),
to show which keys stop working, and in every declared project when the file has
`settings.api_keys`; deleted only by an enforcing key policy (core/kinds/api_keys.py). The
list is asked for with `owner_project_access=any`: without it the API applies membership-based
visibility rules that may hide enabled keys. Only redacted values exist in a listing; nothing
here is a secret.
"""

from __future__ import annotations

from typing import Any

from reconciler.api import AdminClient
from reconciler.api.parsing import choice, nested, optional_int, optional_text, text
from reconciler.core.change import Action, Change
from reconciler.core.kinds.api_keys import API_KEY
from reconciler.core.model import ApiKeyInfo, ApiKeyOwnerKind, normalize_email
from reconciler.kinds.spec import KindSpec
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import delete_at, unsupported

OWNER_KINDS: tuple[ApiKeyOwnerKind, ...] = ("user", "service_account")


def api_keys_path(project_id: str) -> str:
    """The URL path of a project's API keys."""
    return f"/organization/projects/{project_id}/api_keys"


def parse_api_key(item: dict[str, Any]) -> ApiKeyInfo:
    """A listed project API key (its owner by email or service-account name)."""
    ident = text(item, "id", what="a project API key")
    what = f"project API key {ident}"
    owner = nested(item, "owner")
    kind = choice(owner, "type", OWNER_KINDS, what=f"the owner of {what}")
    details = nested(owner, kind)
    who = (
        normalize_email(text(details, "email", what=f"the user owning {what}"))
        if kind == "user"
        else text(details, "name", what=f"the service account owning {what}")
    )
    access = item.get("owner_project_access", "active")
    return ApiKeyInfo(
        id=ident,
        name=optional_text(item, "name") or "(unnamed)",
        redacted_value=optional_text(item, "redacted_value") or "(redacted)",
        owner_kind=kind,
        owner=who,
        owner_id=optional_text(details, "id") or "",
        active=access != "inactive",
        last_used_at=optional_int(item, "last_used_at"),
        created_at=optional_int(item, "created_at"),
    )


async def read_api_keys(client: AdminClient, project_id: str) -> tuple[ApiKeyInfo, ...]:
    """Every API key of one project, whatever its owner's current access (one list call)."""
    items = await client.list_all(api_keys_path(project_id), params={"owner_project_access": "any"})
    return tuple(parse_api_key(item) for item in items)


def api_key_path(project_id: str, key_id: str) -> str:
    """The URL path of one project API key."""
    return f"{api_keys_path(project_id)}/{key_id}"


async def apply_api_key(change: Change, ctx: ApplyContext) -> str | None:
    """Delete one project API key (the only write the key policy makes); gone already is done."""
    if change.action is not Action.DELETE:
        raise unsupported(change)
    project, key_id = change.key
    path = api_key_path(ctx.project_id(project), key_id)
    await delete_at(ctx.client, path, what=f"API key {key_id}")
    return None


SPEC = KindSpec(API_KEY, write=apply_api_key)
