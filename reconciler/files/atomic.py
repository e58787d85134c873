"""Careful file and process I/O: no half-written file, no hung command.

atomic_write(path, text, ...)         temporary file in the same directory, fsync, rename; keeps
                                      the replaced file's mode unless given one
write_all(fd, data)                   every byte, or OSError
remove_quietly(path)                  unlink a partial file; a failure is only logged
sync_directory(path)                  best-effort fsync of a directory entry
run_group(argv, stdin=..., env=..., timeout=...) -> (status, stderr)
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import signal
import stat
import subprocess
from collections.abc import Mapping
from pathlib import Path

from reconciler.errors import ReconcilerError

log = logging.getLogger(__name__)


def atomic_write(
    path: Path, text: str, *, mode: int | None = None, make_parents: bool = False
) -> None:
    """Replace `path` with `text` all at once: a reader sees the old file or the new one, never
    half of either. The new file gets `mode` (e.g. 0o600) when given, else the mode (and, where
    allowed, the owner) of the file it replaces, else the umask's default; the temporary file is
    never more open than that. `make_parents` creates missing directories. Raises OSError; the
    temporary file is removed on any failure."""
    directory = path.parent if str(path.parent) else Path()
    if make_parents:
        directory.mkdir(parents=True, exist_ok=True)
    old = _stat_or_none(path) if mode is None else None
    final = mode if mode is not None else (stat.S_IMODE(old.st_mode) if old else None)
    fd, tmp = _create_temporary(directory, path.name, 0o666 if final is None else final)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            if final is not None:
                os.fchmod(handle.fileno(), final)
            if old is not None:
                _keep_owner(handle.fileno(), old)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _stat_or_none(path: Path) -> os.stat_result | None:
    """The regular file at `path` (not followed through a symlink), or None."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return None
    return found if stat.S_ISREG(found.st_mode) else None


def _create_temporary(directory: Path, name: str, mode: int) -> tuple[int, Path]:
    """A new, exclusive temporary file next to `name`, created with `mode` (minus the umask)."""
    for _ in range(100):
        tmp = directory / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name next to {directory / name}")


def _keep_owner(fd: int, old: os.stat_result) -> None:
    """Give the new file the old one's owner and group, where this process may (as root)."""
    if (old.st_uid, old.st_gid) == (os.getuid(), os.getgid()):
        return
    with contextlib.suppress(OSError):
        os.fchown(fd, old.st_uid, old.st_gid)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of `data` to `fd` (os.write may write less than asked)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def remove_quietly(path: Path) -> None:
    """Remove a file this process created (a half-written key); a failure is only logged."""
    try:
        path.unlink()
    except OSError as exc:
        log.warning("could not remove the partial file %s: %s", path, exc.strerror or exc)


def sync_directory(directory: Path) -> None:
    """Best effort: persist a new directory entry, so a delivered key survives a crash."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def run_group(
    argv: list[str], *, stdin: str, env: Mapping[str, str], timeout: float
) -> tuple[int, str]:
    """Run `argv` (no shell) in a new process group: (exit status, stderr). On the timeout,
    kill the whole group and raise TimeoutExpired without waiting for its pipes."""
    process = subprocess.Popen(  # argv from the user's own flag, no shell
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=dict(env),
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise
    return process.returncode, stderr or ""


def _kill_group(process: subprocess.Popen[str]) -> None:
    """SIGKILL the process group of `process` and reap the process (not its pipes)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        process.kill()
    for stream in (process.stdin, process.stderr):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass
    process.wait()


def check_writable(path: Path, *, what: str) -> None:
    """Fail early, with one line, when `path` cannot be written (before minutes of reading)."""
    if path.is_dir():
        raise ReconcilerError(f"cannot write {what} {path}: it is a directory")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise ReconcilerError(f"cannot write {what} {path}: {parent} is not a directory")
    target = path if path.exists() else parent
    if not os.access(target, os.W_OK):
        raise ReconcilerError(f"cannot write {what} {path}: permission denied")
