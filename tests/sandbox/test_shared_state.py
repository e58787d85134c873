"""One state file, several processes: every change is kept and seen by the others, writes cost
one journal line, and a plan reads a state it may not write."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from reconciler.cli import main
from reconciler.sandbox import Sandbox, store
from reconciler.sandbox.client import SandboxClient
from tests.support.serving import start_serve

P = "/organization/projects"


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _user(http: httpx.Client, email: str) -> dict[str, object]:
    users = http.get("/organization/users", params={"limit": 100}).json()["data"]
    found: dict[str, object] = next(u for u in users if u["email"] == email)
    return found


def test_out_of_band_changes_while_serving_are_seen_over_http_and_kept(tmp_path: Path) -> None:
    """`set-role` and `accept-invite` on the state of a running `serve` show over HTTP at once,
    and the server's next write (and its exit) keeps them."""
    state = tmp_path / "s.json"
    process, base = start_serve(state)
    try:
        key = Sandbox.load(state).admin_key
        with httpx.Client(
            base_url=base, timeout=5, trust_env=False, headers={"Authorization": f"Bearer {key}"}
        ) as http:
            assert _user(http, "dan@example.com")["role"] == "reader"
            assert (
                _cli("sandbox", "set-role", "dan@example.com", "owner", "--state", str(state))[0]
                == 0
            )
            assert (
                _cli("sandbox", "accept-invite", "kim@example.com", "--state", str(state))[0] == 0
            )
            assert _user(http, "dan@example.com")["role"] == "owner"
            assert _user(http, "kim@example.com")["email"] == "kim@example.com"
            assert http.post(P, json={"name": "after-drift"}).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    final = Sandbox.load(state).state
    dan, kim = final.user_by_email("dan@example.com"), final.user_by_email("kim@example.com")
    assert dan is not None
    assert dan["role"] == "owner"
    assert kim is not None
    assert "after-drift" in [p["name"] for p in final.projects.values()]


def _config(path: Path, prefix: str, count: int) -> Path:
    lines = ["version: 1", "projects:"] + [f"  - name: {prefix}-{i:02d}" for i in range(count)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_concurrent_applies_on_one_state_keep_every_change(tmp_path: Path) -> None:
    """Two `apply --sandbox` processes at once on one state file: each one's changes are all
    kept, and a plan of either config afterwards is empty."""
    state = tmp_path / "s.json"
    assert _cli("sandbox", "key", "--state", str(state))[0] == 0
    configs = [_config(tmp_path / f"{p}.yaml", p, 25) for p in ("left", "right")]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reconciler",
                "apply",
                str(config),
                "--sandbox",
                "--sandbox-state",
                str(state),
                "--auto-approve",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for config in configs
    ]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        assert "25 applied, 0 failed" in out
    names = {p["name"] for p in Sandbox.load(state).state.projects.values()}
    assert {f"{side}-{i:02d}" for side in ("left", "right") for i in range(25)} <= names
    for config in configs:
        code, out, err = _cli("plan", str(config), "--sandbox", "--sandbox-state", str(state))
        assert code == 0, err
        assert "No changes" in out


def test_a_change_appends_one_journal_line_and_leaves_the_snapshot(tmp_path: Path) -> None:
    """A write costs one journal line, not a rewrite of the state (which grows with the org);
    closing folds the journal into the snapshot and removes it."""
    state = tmp_path / "s.json"
    box = Sandbox.load(state)
    before = (state.stat().st_ino, state.stat().st_mtime_ns, state.read_bytes())
    with SandboxClient(box) as client:
        for name in ("one", "two", "three"):
            assert client.post(P, {"name": name}).status_code == 200
    assert (state.stat().st_ino, state.stat().st_mtime_ns, state.read_bytes()) == before
    journal = tmp_path / "s.json.journal"
    assert len(journal.read_bytes().splitlines()) == 1 + 3  # the header, then one per change
    box.close()
    assert not journal.exists()
    assert {"one", "two", "three"} <= {
        p["name"] for p in Sandbox.load(state).state.projects.values()
    }


def test_interleaved_writers_end_in_the_same_state(tmp_path: Path) -> None:
    """Two sandboxes on one file, writing in turn (service accounts included, whose random
    keys are never stored), each see every change and hold identical states."""
    state = tmp_path / "s.json"
    first, second = Sandbox.load(state), Sandbox.load(state)
    with SandboxClient(first) as a, SandboxClient(second) as b:
        pid = a.post(P, {"name": "shared"}).json()["id"]
        created = b.post(f"{P}/{pid}/service_accounts", {"name": "bot"}).json()
        assert a.post(f"{P}/{pid}", {"name": "shared-renamed"}).status_code == 200
        assert b.get(f"{P}/{pid}").json()["name"] == "shared-renamed"
        assert a.get(f"{P}/{pid}/service_accounts/{created['id']}").status_code == 200
    assert first.state.to_json() == second.state.to_json()
    value = created["api_key"]["value"]
    journal = (tmp_path / "s.json.journal").read_text()
    assert value not in journal
    assert first.admin_key not in journal
    assert Sandbox.load(state).state.to_json() == first.state.to_json()


def test_reset_while_serving_is_seen_by_the_server(tmp_path: Path) -> None:
    """`sandbox reset` replaces the state under a running sandbox: the old key stops working,
    the next answers are the reset organization's, and its next write does not bring the old
    one back."""
    state = tmp_path / "s.json"
    box = Sandbox.load(state)
    with SandboxClient(box) as client:
        assert client.post(P, {"name": "before-reset"}).status_code == 200
        assert _cli("sandbox", "reset", "--state", str(state))[0] == 0
        assert client.get(P).status_code == 401
    with SandboxClient(box) as client:
        names = [p["name"] for p in client.get(P, limit=100).json()["data"]]
        assert "before-reset" not in names
        assert client.post(P, {"name": "after-reset"}).status_code == 200
    box.close()
    final = [p["name"] for p in Sandbox.load(state).state.projects.values()]
    assert "after-reset" in final
    assert "before-reset" not in final


def test_a_damaged_journal_is_one_line(tmp_path: Path) -> None:
    """A journal line that is not JSON stops the command with one line naming the journal."""
    state = tmp_path / "s.json"
    with SandboxClient(Sandbox.load(state)) as client:
        assert client.post(P, {"name": "x"}).status_code == 200
    journal = tmp_path / "s.json.journal"
    journal.write_bytes(journal.read_bytes() + b"{not json\n")
    code, _, err = _cli("sandbox", "key", "--state", str(state))
    assert code == 1
    assert err.strip().startswith(f"error: sandbox journal {journal} is damaged")
    assert len(err.strip().splitlines()) == 1


def _deny_writes_under(directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `directory` read-only: chmod, and (since root ignores modes) refuse in process
    every way this code writes a file there: access checks, os.open for writing, mkstemp."""
    directory.chmod(0o555)
    if os.geteuid() != 0:
        return
    inside = str(directory.resolve())

    def under(path: object) -> bool:
        return str(Path(str(path)).resolve()).startswith(inside)

    def denied(path: object) -> PermissionError:
        return PermissionError(errno.EACCES, "Permission denied", str(path))

    real_access, real_open, real_mkstemp = os.access, os.open, tempfile.mkstemp

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        return False if mode & os.W_OK and under(path) else real_access(path, mode, **kwargs)

    def open_(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and under(path):
            raise denied(path)
        return real_open(path, flags, *args, **kwargs)

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if under(kwargs.get("dir", ".")):
            raise denied(kwargs.get("dir"))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


def test_plan_reads_a_state_in_a_read_only_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`plan --sandbox` on an existing state it may not write prints the plan and writes
    nothing: a plan only reads."""
    directory = tmp_path / "ro"
    state = directory / "s.json"
    assert _cli("sandbox", "key", "--state", str(state))[0] == 0
    config = _config(tmp_path / "c.yaml", "new", 3)
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in directory.iterdir()}
    _deny_writes_under(directory, monkeypatch)
    try:
        code, out, err = _cli("plan", str(config), "--sandbox", "--sandbox-state", str(state))
    finally:
        monkeypatch.undo()
        directory.chmod(0o755)
    assert (code, err) == (0, "")
    assert "Plan: 3 to create" in out
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in directory.iterdir()}
    assert after == before


def test_a_journal_that_outgrows_the_snapshot_is_folded_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long run does not grow the journal without end: once it is larger than the snapshot,
    the next change rewrites the snapshot and starts over, and nothing is lost."""
    monkeypatch.setattr(store, "COMPACT_FLOOR", 0)
    state = tmp_path / "s.json"
    box = Sandbox.load(state)
    journal = tmp_path / "s.json.journal"
    snapshots = 0
    with SandboxClient(box) as client:
        pid = client.post(P, {"name": "renamed-0"}).json()["id"]
        for n in range(1, 400):
            inode = state.stat().st_ino
            assert client.post(f"{P}/{pid}", {"name": f"renamed-{n}"}).status_code == 200
            snapshots += state.stat().st_ino != inode
            if journal.exists():
                assert journal.stat().st_size <= 2 * state.stat().st_size
    assert snapshots >= 1
    assert Sandbox.load(state).state.projects[pid]["name"] == "renamed-399"


def test_a_journal_left_by_a_crash_mid_compaction_is_not_replayed_twice(tmp_path: Path) -> None:
    """A journal whose changes are already in the snapshot (a crash between writing the
    snapshot and removing the journal) is recognised as stale and ignored."""
    state = tmp_path / "s.json"
    box = Sandbox.load(state)
    with SandboxClient(box) as client:
        assert client.post(P, {"name": "once"}).status_code == 200
    journal = tmp_path / "s.json.journal"
    leftover = journal.read_bytes()
    box.close()
    journal.write_bytes(leftover)
    names = [p["name"] for p in Sandbox.load(state).state.projects.values()]
    assert names.count("once") == 1
