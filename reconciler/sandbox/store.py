"""The state file on disk, shared by every process that opens it: a snapshot, a journal, a lock.

    STATE           the snapshot: the whole state as one JSON document (`State.to_json`)
    STATE.journal   what changed since: a header line naming the snapshot it extends (the
                    sha256 of its bytes), then one JSON line per change, appended

Every access holds an flock on the state file's directory (exclusive to change, shared to read;
no lock file is left behind) and first catches up: a snapshot whose inode, size or mtime changed
is read again, else only the journal lines past the ones already seen. A change appends one line
(O(change), fsynced), never the whole state; the snapshot is rewritten ("compacted", journal
removed) when the journal outgrows it and when a command ends. A journal whose header names
another snapshot (a crash between a compaction's two steps, a `reset`) is stale and ignored.

This module only moves bytes; `Sandbox` decides what the lines mean (`journal.py` replays them).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.errors import SandboxError
from reconciler.files.atomic import atomic_write, write_all

JOURNAL_FORMAT = 1
COMPACT_FLOOR = 256 * 1024  # bytes of journal always allowed before a compaction


@dataclass(frozen=True, slots=True)
class Catchup:
    """What changed on disk since the last look: a new snapshot document (then `entries` is
    its whole journal), or only journal entries to replay on the state already in memory."""

    document: Any
    entries: list[dict[str, Any]]


class StateStore:
    """One state file as this process last saw it (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.journal = path.with_name(path.name + ".journal")
        self._snapshot: tuple[int, int, int] | None = None  # inode, size, mtime_ns last read
        self._base = ""  # sha256 of that snapshot's bytes
        self._journal_inode: int | None = None
        self._offset = 0  # bytes of the journal already seen
        self._journal_current = False  # its header names our snapshot

    def exists(self) -> bool:
        """Whether the snapshot file exists."""
        return self.path.exists()

    @contextmanager
    def locked(self, *, exclusive: bool) -> Iterator[None]:
        """Hold the state's lock; a reader that cannot open the directory reads unlocked (a
        torn last journal line is then left for the next look)."""
        directory = self.path.parent if str(self.path.parent) else Path()
        try:
            if exclusive:
                directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(directory, os.O_RDONLY)
        except OSError as exc:
            if exclusive:
                raise SandboxError(
                    f"cannot lock sandbox state {self.path}: {exc.strerror or exc}"
                ) from None
            fd = -1
        try:
            if fd >= 0:
                _flock(fd, exclusive=exclusive, path=self.path)
            yield
        finally:
            if fd >= 0:
                os.close(fd)  # releases the lock

    def catch_up(self) -> Catchup | None:
        """What other processes wrote since the last look (None: nothing); hold the lock and
        check `exists` first."""
        if self._snapshot is None or _identity(self.path) != self._snapshot:
            return self._read_snapshot()
        entries = self._read_journal()
        return Catchup(None, entries) if entries else None

    def write_snapshot(self, document: dict[str, Any]) -> None:
        """Replace the snapshot with `document` and drop the journal; hold the exclusive lock."""
        data = json.dumps(document, indent=1, sort_keys=True)
        try:
            atomic_write(self.path, data, mode=0o600, make_parents=True)
            self._remember(data.encode(), os.stat(self.path))
            self.journal.unlink(missing_ok=True)
        except OSError as exc:
            raise SandboxError(f"cannot write sandbox state {self.path}: {exc}") from exc
        self._journal_inode, self._offset, self._journal_current = None, 0, False

    def append(self, entry: dict[str, Any]) -> bool:
        """Append one change to the journal (fsynced); hold the exclusive lock and have caught
        up. True when the journal has outgrown the snapshot and should be compacted."""
        line = (json.dumps(entry, sort_keys=True, separators=(",", ":")) + "\n").encode()
        try:
            if not self._journal_current:
                header = {"journal": JOURNAL_FORMAT, "base": self._base}
                atomic_write(self.journal, json.dumps(header) + "\n", mode=0o600)
                status = os.stat(self.journal)
                self._journal_inode, self._offset = status.st_ino, status.st_size
                self._journal_current = True
            fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND)
            try:
                write_all(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise SandboxError(f"cannot write sandbox journal {self.journal}: {exc}") from exc
        self._offset += len(line)
        snapshot_size = self._snapshot[1] if self._snapshot else 0
        return self._offset > max(snapshot_size, COMPACT_FLOOR)

    def has_journal(self) -> bool:
        """Whether changes sit in the journal, not yet in the snapshot."""
        return self._journal_current and self.journal.exists()

    def _read_snapshot(self) -> Catchup:
        try:
            with self.path.open("rb") as handle:
                status = os.fstat(handle.fileno())
                data = handle.read()
            document = json.loads(data)
        except (OSError, ValueError) as exc:
            raise SandboxError(f"cannot read sandbox state {self.path}: {exc}") from exc
        self._remember(data, status)
        self._journal_inode, self._offset, self._journal_current = None, 0, False
        return Catchup(document, self._read_journal())

    def _remember(self, data: bytes, status: os.stat_result) -> None:
        self._snapshot = (status.st_ino, status.st_size, status.st_mtime_ns)
        self._base = hashlib.sha256(data).hexdigest()

    def _read_journal(self) -> list[dict[str, Any]]:
        """The complete journal lines not yet seen (all of them for a new journal file)."""
        try:
            with self.journal.open("rb") as handle:
                status = os.fstat(handle.fileno())
                fresh = status.st_ino != self._journal_inode or status.st_size < self._offset
                start = 0 if fresh else self._offset
                if status.st_size == start:
                    return []
                handle.seek(start)
                data = handle.read()
        except FileNotFoundError:
            self._journal_inode, self._offset, self._journal_current = None, 0, False
            return []
        except OSError as exc:
            raise SandboxError(f"cannot read sandbox journal {self.journal}: {exc}") from exc
        complete = data[: data.rfind(b"\n") + 1]
        lines = complete.splitlines()
        if fresh:
            if not lines:
                return []  # the header is still being written
            self._journal_inode = status.st_ino
            self._journal_current = _header_base(lines.pop(0)) == self._base
        self._offset = start + len(complete)
        if not self._journal_current:
            return []  # a stale journal: its changes are in the snapshot, or were reset
        return [self._entry(line) for line in lines]

    def _entry(self, line: bytes) -> dict[str, Any]:
        try:
            entry = json.loads(line)
        except ValueError as exc:
            raise SandboxError(f"sandbox journal {self.journal} is damaged: {exc}") from None
        if not isinstance(entry, dict):
            raise SandboxError(f"sandbox journal {self.journal} is damaged: {line[:40]!r}")
        return entry


def _flock(fd: int, *, exclusive: bool, path: Path) -> None:
    """Take the lock; a file system without flock fails a writer in one line (a reader goes on
    unlocked, as when the directory cannot be opened)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
    except OSError as exc:
        if exclusive:
            raise SandboxError(f"cannot lock sandbox state {path}: {exc.strerror or exc}") from None


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_ino, status.st_size, status.st_mtime_ns)


def _header_base(line: bytes) -> str | None:
    try:
        header = json.loads(line)
    except ValueError:
        return None
    if not isinstance(header, dict) or header.get("journal") != JOURNAL_FORMAT:
        return None
    base = header.get("base")
    return base if isinstance(base, str) else None
