"""Project API keys parse to `ApiKeyInfo` (owner by email or account name, never a secret)
and are deleted by the key policy's handler."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from reconciler.core.change import Action, Change, Kind
from reconciler.core.model import IdIndex, Live, Organization
from reconciler.errors import ProtocolError, ReconcilerError
from reconciler.kinds.api_keys import apply_api_key, parse_api_key
from reconciler.sandbox import Sandbox
from reconciler.write.context import ApplyContext
from reconciler.write.secret_dir import DirSink
from tests.support import sandbox_client


def _key(owner: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "object": "organization.project.api_key",
        "id": "key_abc",
        "name": "ci-key",
        "redacted_value": "sk-abc...def",
        "created_at": 1,
        "last_used_at": None,
        "owner_project_access": "active",
        "owner": owner,
    } | extra


def test_a_user_key_is_owned_by_the_lower_cased_email() -> None:
    """A user's key names its owner by normalised email, with the user id."""
    owner = {"type": "user", "user": {"id": "user_1", "email": "Eve@Example.com", "name": "Eve",
                                      "created_at": 1, "role": "member"}}  # fmt: skip
    info = parse_api_key(_key(owner, last_used_at=99))
    assert (info.owner_kind, info.owner, info.owner_id) == ("user", "eve@example.com", "user_1")
    assert (info.name, info.redacted_value, info.last_used_at, info.active) == (
        "ci-key", "sk-abc...def", 99, True)  # fmt: skip


def test_a_service_account_key_is_owned_by_the_account_name() -> None:
    """A service account's key names the account; an inactive owner makes it inactive."""
    account = {"id": "svc_1", "name": "deployer", "created_at": 1, "role": "member"}
    owner = {"type": "service_account", "service_account": account}
    info = parse_api_key(_key(owner, owner_project_access="inactive"))
    assert (info.owner_kind, info.owner, info.owner_id) == ("service_account", "deployer", "svc_1")
    assert info.active is False


@pytest.mark.parametrize(
    "owner",
    [{}, {"type": "robot"}, {"type": "user"}, {"type": "user", "user": {"id": "u"}}],
)
def test_a_key_without_a_usable_owner_fails_closed(owner: dict[str, Any]) -> None:
    """A key whose owner cannot be told is a ProtocolError naming the key, not a guess."""
    with pytest.raises(ProtocolError, match="key_abc"):
        parse_api_key(_key(owner))


def test_a_delete_removes_the_key_once_and_a_key_gone_already_is_done(tmp_path: Path) -> None:
    """The handler deletes the key (one DELETE, an audit event); deleting it again is done,
    not an error; a create is refused as unsupported."""
    box = Sandbox.demo()
    project_id, keys = next((p, k) for p, k in box.state.api_keys.items() if k)
    key_id = next(i for i, k in keys.items() if k["owner_kind"] == "user")
    project = box.state.projects[project_id]["name"]
    change = Change(Kind.API_KEY, Action.DELETE, (project, key_id))

    async def run() -> None:
        async with sandbox_client(box) as client:
            live = Live(Organization(), ids=IdIndex(projects={project: project_id}))
            ctx = ApplyContext.start(client=client, live=live, sink=DirSink(tmp_path), changes=[])
            await apply_api_key(change, ctx)
            await apply_api_key(change, ctx)
            with pytest.raises(ReconcilerError, match="cannot create"):
                await apply_api_key(Change(Kind.API_KEY, Action.CREATE, change.key), ctx)

    asyncio.run(run())
    assert key_id not in box.state.api_keys[project_id]
    assert [e["type"] for e in box.state.audit_logs].count("api_key.deleted") == 1
