"""State files: round trip, atomic writes, mode 0600, determinism, and no secrets."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from reconciler.sandbox import Sandbox, SandboxError
from reconciler.sandbox.client import SandboxClient

P = "/organization/projects"


def test_save_then_load_round_trips(tmp_path: Path) -> None:
    """A change saved to the file is seen by a sandbox loaded from it, with the same key."""
    state_file = tmp_path / "state.json"
    first = Sandbox.load(state_file)
    with SandboxClient(first) as client:
        created = client.post(P, {"name": "support-bot"}).json()
    second = Sandbox.load(state_file)
    assert second.admin_key == first.admin_key
    with SandboxClient(second) as client:
        assert client.get(f"{P}/{created['id']}").json()["name"] == "support-bot"
    assert second.state.to_json() == first.state.to_json()


def test_save_is_atomic_and_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file is 0600; a write that fails midway leaves the old file whole and no temp file."""
    state_file = tmp_path / "state.json"
    sandbox = Sandbox.demo()
    sandbox.save(state_file)
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    before = state_file.read_text()
    sandbox.state.projects[sandbox.state.default_project_id]["name"] = "changed"

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(SandboxError, match="disk full"):
        sandbox.save(state_file)
    assert state_file.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_service_account_key_never_reaches_the_state_file(tmp_path: Path) -> None:
    """The one-time key is in the create response only; the file holds its redacted form."""
    state_file = tmp_path / "state.json"
    sandbox = Sandbox.load(state_file)
    with SandboxClient(sandbox) as client:
        pid = client.project("search-prod")
        created = client.post(f"{P}/{pid}/service_accounts", {"name": "ci-deployer"}).json()
        keys = client.get(f"{P}/{pid}/api_keys", limit=100).json()["data"]
    value = created["api_key"]["value"]
    assert value.startswith("sk-svcacct-")
    text = state_file.read_text()
    assert value not in text
    assert value[-4:] in {k["redacted_value"][-4:] for k in keys}
    assert value not in json.dumps(sandbox.state.to_json())


def test_service_account_only_has_no_key(api: SandboxClient) -> None:
    """`create_service_account_only` gives role none and a null `api_key`."""
    pid = api.project("search-prod")
    body = {"name": "bare", "create_service_account_only": True}
    created = api.post(f"{P}/{pid}/service_accounts", body).json()
    assert (created["role"], created["api_key"]) == ("none", None)


def test_unreadable_state_file_is_a_clear_error(tmp_path: Path) -> None:
    """A corrupt state file gives a one-line SandboxError, not a traceback."""
    state_file = tmp_path / "state.json"
    state_file.write_text("{not json")
    with pytest.raises(SandboxError, match="cannot read sandbox state"):
        Sandbox.load(state_file)


def test_ids_are_deterministic_across_runs() -> None:
    """Two demo sandboxes have the same ids, and the same requests create the same ids."""
    first, second = Sandbox.demo(), Sandbox.demo()
    assert list(first.state.projects) == list(second.state.projects)
    assert list(first.state.users) == list(second.state.users)
    with SandboxClient(first) as a, SandboxClient(second) as b:
        assert a.post(P, {"name": "x"}).json()["id"] == b.post(P, {"name": "x"}).json()["id"]


def test_bad_seed_is_a_clear_error() -> None:
    """A seed naming an unknown member fails with SandboxError naming the problem."""
    seed = {
        "organization": "org-x",
        "admin_key": {"owner": "a@example.com"},
        "users": [{"email": "a@example.com", "role": "owner"}],
        "projects": [{"name": "p", "members": {"nobody@example.com": "owner"}}],
    }
    with pytest.raises(SandboxError, match=r"nobody@example\.com"):
        Sandbox.from_seed(seed)
