"""Opening a client: key and base URL from the environment, refused when unsafe."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from reconciler.api import AdminClient
from reconciler.cli.runtime import open_client, pacing_from
from reconciler.errors import AuthError, BaseUrlError, ReconcilerError


def _open(env: dict[str, str]) -> str:
    async def scenario() -> str:
        async with open_client(env=env) as client:
            return repr(client)

    return asyncio.run(scenario())


def test_missing_key_names_the_variable() -> None:
    """Without OPENAI_ADMIN_KEY the error is one line naming the variable."""
    with pytest.raises(AuthError, match="OPENAI_ADMIN_KEY is not set"):
        _open({})


@pytest.mark.parametrize(
    "url",
    ["http://api.example.com/v1", "http://10.0.0.5:8080/v1", "ftp://api.openai.com/v1", "nope"],
)
def test_plain_http_off_loopback_is_refused(url: str, fake_key: str) -> None:
    """A base URL that would carry the key in clear text (or is not http at all) is refused."""
    with pytest.raises(BaseUrlError, match="OPENAI_BASE_URL"):
        _open({"OPENAI_ADMIN_KEY": fake_key, "OPENAI_BASE_URL": url})


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8321/v1",
        "http://localhost:8321/v1",
        "http://[::1]:8321/v1",
        "https://gateway.example.com/openai/v1",
    ],
)
def test_https_and_loopback_http_are_accepted(url: str, fake_key: str) -> None:
    """https anywhere, and plain http to this machine, are allowed."""
    assert url.rstrip("/") in _open({"OPENAI_ADMIN_KEY": fake_key, "OPENAI_BASE_URL": url})


def test_default_base_url_is_the_public_api(fake_key: str) -> None:
    """With no OPENAI_BASE_URL the client talks to api.openai.com and its repr hides the key."""
    shown = _open({"OPENAI_ADMIN_KEY": fake_key})
    assert "https://api.openai.com/v1" in shown
    assert fake_key not in shown


def test_client_refuses_plain_http_directly(fake_key: str) -> None:
    """The client itself checks the URL, not only the environment helper."""
    with pytest.raises(BaseUrlError):
        AdminClient(api_key=fake_key, base_url="http://example.com/v1")


def test_sandbox_state_is_saved_even_when_the_run_fails(tmp_path: Path) -> None:
    """On the sandbox, a write that happened persists in the state file although the run then
    failed; the next client sees it."""
    state = tmp_path / "sandbox.json"

    async def failing_run() -> None:
        async with open_client(env={}, sandbox_state=state) as client:
            await client.post("/organization/projects", json={"name": "made-before-crash"})
            raise RuntimeError("crash after the write")

    async def names() -> list[str]:
        async with open_client(env={}, sandbox_state=state) as client:
            items = await client.list_all("/organization/projects")
            return [str(item["name"]) for item in items]

    with pytest.raises(RuntimeError):
        asyncio.run(failing_run())
    assert state.exists()
    assert "made-before-crash" in asyncio.run(names())


def test_requests_per_minute_from_the_environment_sets_pacing() -> None:
    """RECONCILER_REQUESTS_PER_MINUTE becomes the per-family pacing of every command's client."""
    pacing = pacing_from({"RECONCILER_REQUESTS_PER_MINUTE": "120"})
    assert pacing is not None
    assert pacing.requests_per_minute == 120
    assert pacing_from({}) is None


@pytest.mark.parametrize("value", ["0", "-3", "fast"])
def test_a_nonsense_request_rate_is_a_one_line_error(value: str) -> None:
    """A rate that is not a positive number is refused, naming the variable and the value."""
    with pytest.raises(ReconcilerError, match=f"RECONCILER_REQUESTS_PER_MINUTE .*'{value}'"):
        pacing_from({"RECONCILER_REQUESTS_PER_MINUTE": value})


def test_client_refuses_a_key_that_cannot_be_a_header() -> None:
    """AdminClient refuses a key with a line break before any HTTP library can quote it."""
    with pytest.raises(AuthError, match="whitespace, control or non-ASCII") as caught:
        AdminClient(api_key="sk-admin-TEST-not-a-real-key\nSECRET-TAIL")
    assert "SECRET-TAIL" not in str(caught.value)
