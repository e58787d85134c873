"""The `reconciler sandbox` commands, and `serve` as a real process on loopback."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from reconciler.cli import main
from reconciler.sandbox import Sandbox
from tests.support.serving import start_serve


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["sandbox", *args])
    return result.exit_code, result.stdout, result.stderr


def test_key_creates_the_state_and_prints_a_stable_key(tmp_path: Path) -> None:
    """`sandbox key` seeds the demo on first use and prints the same key every time."""
    state = str(tmp_path / "s.json")
    code, first, err = _run("key", "--state", state)
    assert code == 0
    assert first.startswith("sk-admin-sandbox-")
    assert "only works against this sandbox" in err
    assert _run("key", "--state", state)[1] == first


def test_accept_invite_and_set_role_persist_across_invocations(tmp_path: Path) -> None:
    """Changes made by one command are seen by the next through the state file."""
    state = tmp_path / "s.json"
    assert _run("accept-invite", "kim@example.com", "--state", str(state))[0] == 0
    assert _run("set-role", "dan@example.com", "owner", "--state", str(state))[0] == 0
    assert (
        _run(
            "set-role",
            "dan@example.com",
            "owner",
            "--project",
            "research",
            "--as",
            "alice@example.com",
            "--state",
            str(state),
        )[0]
        == 0
    )
    loaded = Sandbox.load(state)
    kim, dan = (
        loaded.state.user_by_email("kim@example.com"),
        loaded.state.user_by_email("dan@example.com"),
    )
    assert kim is not None
    assert dan is not None
    assert dan["role"] == "owner"
    research = next(p for p in loaded.state.projects.values() if p["name"] == "research")["id"]
    assert loaded.state.project_users[research][dan["id"]]["role"] == "owner"
    assert loaded.state.project_users[research][kim["id"]]["role"] == "owner"


def test_errors_are_one_line(tmp_path: Path) -> None:
    """A refused action exits 1 with `error: ...` and no traceback."""
    state = str(tmp_path / "s.json")
    code, _, err = _run("accept-invite", "nobody@example.com", "--state", state)
    assert code == 1
    assert err.strip() == "error: no pending invite for nobody@example.com"
    code, _, err = _run("set-role", "carol@example.com", "admin", "--state", state)
    assert code == 1
    assert "Invalid role 'admin'" in err
    assert "Traceback" not in err


def test_exec_calls_any_endpoint(tmp_path: Path) -> None:
    """`sandbox exec` prints the API's JSON answer."""
    code, out, _ = _run(
        "exec", "GET", "/organization/projects", "--state", str(tmp_path / "s.json")
    )
    assert code == 0
    assert json.loads(out)["object"] == "list"
    bad = _run(
        "exec",
        "POST",
        "/organization/projects",
        "--data",
        "{oops",
        "--state",
        str(tmp_path / "s.json"),
    )
    assert bad[0] == 1


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_answers_on_loopback_and_stops_on_signal(tmp_path: Path, stop_signal: int) -> None:
    """`sandbox serve` answers HTTP on 127.0.0.1, persists changes, and exits 0 on SIGTERM or
    SIGINT."""
    state = tmp_path / "s.json"
    process, base = start_serve(state)
    try:
        key = Sandbox.load(state).admin_key
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=base, timeout=5, trust_env=False) as http:
            assert http.get("/organization/projects").status_code == 401
            created = http.post("/organization/projects", json={"name": "over-http"},
                                headers=headers)  # fmt: skip
            assert created.status_code == 200
            listed = http.get("/organization/projects", params={"limit": 100}, headers=headers)
        assert "over-http" in [p["name"] for p in listed.json()["data"]]
    finally:
        process.send_signal(stop_signal)
        _, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    names = [p["name"] for p in Sandbox.load(state).state.projects.values()]
    assert "over-http" in names


def test_serve_refuses_a_malformed_fault(tmp_path: Path) -> None:
    """`--fault` takes NAME=PROBABILITY with a known name and 0 ≤ P ≤ 1, else a one-line error."""
    state = str(tmp_path / "s.json")
    for spec in ("nonsense=0.5", "server_error=lots", "server_error=2"):
        code, _, err = _run("serve", "--port", "0", "--fault", spec, "--state", state)
        assert code == 1
        assert err.startswith(f"error: --fault '{spec}'")
