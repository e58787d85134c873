"""`plan --out` and `export --output` never destroy a file: no overwrite without leave, never the
config, streams written through, symlinks kept, an existing file's mode kept (real CLI)."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import main


def _run(*args: str) -> tuple[int, str, str]:
    """Run the CLI with no admin key; assert no traceback escaped."""
    env = {"OPENAI_ADMIN_KEY": None, "OPENAI_BASE_URL": None}
    result = CliRunner().invoke(main, list(args), env=env, prog_name="reconciler")
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def _plan(org: Path, out: Path, *flags: str) -> tuple[int, str, str]:
    """`plan ORG --out OUT --allow-archive` on the sandbox next to the example."""
    state = org.parent.parent / "state.json"
    return _run(
        "plan", str(org), "--allow-archive", "--out", str(out), *flags,
        "--sandbox", "--sandbox-state", str(state),
    )  # fmt: skip


def _export(out: Path, *flags: str, state: Path) -> tuple[int, str, str]:
    """`export --output OUT` on the sandbox in `state`."""
    return _run("export", "--output", str(out), *flags, "--sandbox", "--sandbox-state", str(state))


def _error(stderr: str) -> str:
    """The last stderr line, checked to be the only `error:` line."""
    lines = stderr.rstrip("\n").splitlines()
    assert [line for line in lines if line.startswith("error: ")] == lines[-1:]
    return lines[-1]


def _is_plan(text: str) -> bool:
    return bool(json.loads(text)["format"] == "reconciler-plan")


@contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@contextmanager
def _fifo_reader(fifo: Path) -> Iterator[list[bytes]]:
    """A reader draining `fifo` in a thread; what it read is in the list once the block exits.
    A writer end held here keeps the reader from seeing EOF before the CLI ran, and never lets
    a test hang when the CLI writes nothing there."""
    read_fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    hold_fd = os.open(fifo, os.O_WRONLY)
    os.set_blocking(read_fd, True)
    chunks: list[bytes] = []

    def drain() -> None:
        while chunk := os.read(read_fd, 65536):
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        yield chunks
    finally:
        os.close(hold_fd)
        reader.join()
        os.close(read_fd)


def test_plan_out_refuses_a_file_that_is_not_a_saved_plan(org: Path, tmp_path: Path) -> None:
    """An existing file that is not a saved plan is kept, and refused before any API read."""
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me\n")
    code, out, err = _plan(org, notes)
    assert (code, out) == (1, "")
    assert _error(err) == (
        f"error: {notes} exists and is not a saved plan; remove it or choose another --out"
    )
    assert notes.read_text() == "keep me\n"
    assert not (tmp_path / "state.json").exists()


@pytest.mark.parametrize("how", ["same path", "symlink", "hard link"])
def test_plan_out_never_writes_over_the_config(org: Path, tmp_path: Path, how: str) -> None:
    """--out naming the config file (itself, a symlink to it, a hard link) is refused, even
    with --force."""
    before = org.read_text()
    out = org
    if how == "symlink":
        out = tmp_path / "link.json"
        out.symlink_to(org)
    elif how == "hard link":
        out = tmp_path / "hard.json"
        out.hardlink_to(org)
    code, _, err = _plan(org, out, "--force")
    assert code == 1
    assert _error(err) == f"error: cannot write the plan file {out}: it is the config file"
    assert org.read_text() == before
    assert out.is_symlink() == (how == "symlink")


def test_plan_out_never_writes_over_the_base_config(org: Path, tmp_path: Path) -> None:
    """--out naming the --base file is refused too."""
    base = tmp_path / "base.yaml"
    base.write_text(org.read_text())
    code, _, err = _plan(org, base, "--base", str(base))
    assert code == 1
    assert _error(err) == f"error: cannot write the plan file {base}: it is the base config"
    assert base.read_text() == org.read_text()


def test_a_refused_plan_writes_nothing(org: Path, tmp_path: Path) -> None:
    """A plan a safety gate refuses leaves --out absent, and a previous saved plan untouched."""
    state = tmp_path / "state.json"
    fresh, previous = tmp_path / "fresh.json", tmp_path / "previous.json"
    previous.write_text('{"format": "reconciler-plan", "version": 1}\n')
    for out in (fresh, previous):
        code, _, err = _run(
            "plan", str(org), "--out", str(out), "--sandbox", "--sandbox-state", str(state)
        )
        assert code == 1
        assert "--allow-archive" in err
    assert not fresh.exists()
    assert previous.read_text() == '{"format": "reconciler-plan", "version": 1}\n'


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o644], ids=oct)
def test_plan_out_replaces_a_saved_plan_keeping_its_mode(
    org: Path, tmp_path: Path, mode: int
) -> None:
    """Re-planning over a previous plan replaces it and keeps its mode (never widens 0600)."""
    saved = tmp_path / "plan.json"
    assert _plan(org, saved)[0] == 0
    saved.write_text('{"format": "reconciler-plan", "version": 1}\n')
    saved.chmod(mode)
    with _umask(0o022):
        assert _plan(org, saved)[0] == 0
    assert stat.S_IMODE(saved.stat().st_mode) == mode
    assert "changes" in json.loads(saved.read_text())


def test_plan_out_new_file_gets_the_umask_default(org: Path, tmp_path: Path) -> None:
    """A new plan file is created as any tool creates one (0644 under umask 022), not 0600."""
    saved = tmp_path / "plan.json"
    with _umask(0o022):
        assert _plan(org, saved)[0] == 0
    assert stat.S_IMODE(saved.stat().st_mode) == 0o644


def test_plan_out_through_a_symlink_keeps_the_link(org: Path, tmp_path: Path) -> None:
    """A symlink to a saved plan stays a symlink; the file it leads to gets the new plan."""
    real = tmp_path / "plans" / "real.json"
    real.parent.mkdir()
    real.write_text('{"format": "reconciler-plan", "version": 1}\n')
    link = tmp_path / "plan.json"
    link.symlink_to(real)
    assert _plan(org, link)[0] == 0
    assert link.is_symlink()
    assert os.readlink(link) == str(real)
    assert "changes" in json.loads(real.read_text())


def test_plan_out_through_a_dangling_symlink_creates_its_target(org: Path, tmp_path: Path) -> None:
    """A symlink to a file not there yet gets the file created where it points, as `>` does."""
    link = tmp_path / "plan.json"
    link.symlink_to(tmp_path / "target.json")
    assert _plan(org, link)[0] == 0
    assert link.is_symlink()
    assert _is_plan((tmp_path / "target.json").read_text())


def test_plan_out_writes_through_a_fifo(org: Path, tmp_path: Path) -> None:
    """A FIFO at --out is written to (as `>` would), not replaced by a regular file."""
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    with _fifo_reader(fifo) as chunks:
        code, _, _ = _plan(org, fifo)
    assert code == 0
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert _is_plan(b"".join(chunks).decode())


def test_plan_out_to_a_device_writes_through_and_keeps_it(org: Path, tmp_path: Path) -> None:
    """A symlink to a character device (/dev/null, as /dev/stdout is to a terminal) is written
    through: the link and the device stay."""
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    assert _plan(org, link)[0] == 0
    assert os.readlink(link) == "/dev/null"
    assert stat.S_ISCHR(os.stat(link).st_mode)


def test_plan_out_refuses_a_socket(
    org: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A socket (nor a block device) is no file to write: one line, nothing touched."""
    monkeypatch.chdir(tmp_path)
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("s.sock")
        code, _, err = _plan(org, Path("s.sock"))
    assert code == 1
    assert _error(err) == "error: cannot write the plan file s.sock: it is a socket"
    assert stat.S_ISSOCK(os.lstat(tmp_path / "s.sock").st_mode)


@pytest.mark.parametrize("mode", [0o600, 0o644], ids=oct)
def test_export_force_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path, mode: int) -> None:
    """export --force over a file keeps its mode: a 0644 file is not reset to 0600."""
    out = tmp_path / "org.yaml"
    out.write_text("old\n")
    out.chmod(mode)
    with _umask(0o022):
        code, _, _ = _export(out, "--force", state=tmp_path / "s.json")
    assert code == 0
    assert out.read_text().startswith("# yaml-language-server")
    assert stat.S_IMODE(out.stat().st_mode) == mode


def test_export_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    """export --force to a symlink replaces the file it leads to; without --force, refused."""
    real = tmp_path / "real.yaml"
    real.write_text("old\n")
    link = tmp_path / "org.yaml"
    link.symlink_to(real)
    state = tmp_path / "s.json"
    code, _, err = _export(link, state=state)
    assert (code, _error(err)) == (1, f"error: {link} exists; pass --force to overwrite it")
    assert _export(link, "--force", state=state)[0] == 0
    assert link.is_symlink()
    assert real.read_text().startswith("# yaml-language-server")


def test_export_writes_through_a_fifo(tmp_path: Path) -> None:
    """A FIFO at --output (as /dev/stdout is to a pipe) gets the config, without --force, and
    the message names it truthfully; the FIFO stays a FIFO."""
    fifo = tmp_path / "org.fifo"
    os.mkfifo(fifo)
    with _fifo_reader(fifo) as chunks:
        code, _, err = _export(fifo, state=tmp_path / "s.json")
    assert code == 0
    assert f"to {fifo}" in err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert b"".join(chunks).decode().startswith("# yaml-language-server")


def test_export_never_writes_over_its_sandbox_state(tmp_path: Path) -> None:
    """export --force naming the sandbox state it reads is refused."""
    state = tmp_path / "s.json"
    assert _export(tmp_path / "first.yaml", state=state)[0] == 0
    before = state.read_text()
    code, _, err = _export(state, "--force", state=state)
    assert code == 1
    assert _error(err) == f"error: cannot write the config file {state}: it is the sandbox state"
    assert state.read_text() == before
