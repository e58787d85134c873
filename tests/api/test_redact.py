"""The admin key appears in no message, log line, repr or exception, whatever goes wrong."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Callable

import httpx
import pytest
import respx

from reconciler.api import AdminClient
from reconciler.errors import ApiError

BASE = "https://api.openai.com/v1"


def test_key_never_leaks_through_any_failure(
    make_client: Callable[..., AdminClient],
    fake_key: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Errors that echo the key, transport errors quoting it, debug logs of every request and
    the client's repr are all free of the key; the key did go out in the Authorization header."""
    caplog.set_level(logging.DEBUG)
    echo = {
        "error": {
            "message": f"Incorrect API key provided: {fake_key}.",
            "type": "auth",
            "param": None,
            "code": "invalid_api_key",
        }
    }
    collected: list[str] = []

    async def scenario(client: AdminClient) -> None:
        for path in (
            "/organization/users",
            "/organization/invites",
            "/organization/projects",
            "/organization/certificates",
            "/organization/admin_api_keys",
        ):
            try:
                await client.get(path)
            except ApiError as exc:
                collected.extend(
                    [str(exc), repr(exc), exc.message, "".join(traceback.format_exception(exc))]
                )
        try:
            await client.post("/organization/invites", json={"email": "a@x.io"})
        except ApiError as exc:
            collected.extend([str(exc), "".join(traceback.format_exception(exc))])

    async def run() -> None:
        async with make_client(max_attempts=2) as client:
            collected.append(repr(client))
            await scenario(client)

    with respx.mock(base_url=BASE) as router:
        users = router.get("/organization/users").respond(401, json=echo)
        router.get("/organization/invites").respond(400, json=echo)
        router.get("/organization/projects").mock(
            side_effect=httpx.ConnectError(f"cannot connect with {fake_key}")
        )
        router.get("/organization/certificates").respond(500, json=echo)
        router.get("/organization/admin_api_keys").respond(200, content=fake_key.encode())
        router.post("/organization/invites").respond(429, json=echo)
        asyncio.run(run())
    out = capsys.readouterr()
    everything = "\n".join([*collected, caplog.text, out.out, out.err])
    assert len(collected) > 10
    assert "GET /organization/users" in caplog.text  # debug logging did happen
    assert fake_key not in everything
    assert "[REDACTED]" in everything
    assert users.calls[0].request.headers["authorization"] == f"Bearer {fake_key}"
