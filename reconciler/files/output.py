"""Where `plan --out` and `export --output` write, decided before minutes of reading the API.

    out = output_target(path, what="the plan file", protect={"the config file": config})
    out.kind        "new" (no file there), "file" (a regular file, replaced only if the command
                    allows it) or "stream" (a FIFO or a character device such as a terminal or
                    /dev/stdout: written through, nothing replaced)
    write_output(out, text)

A symlink is followed: the file it leads to is replaced atomically (the link stays) or, for a
stream, opened and written. A directory, a block device, a socket, and any file the command
reads (`protect`: the config, the base config, the sandbox state) are refused, --force or not.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reconciler.errors import ReconcilerError
from reconciler.files.atomic import atomic_write, check_writable, write_all

OutputKind = Literal["new", "file", "stream"]
_REFUSED = {stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a directory"}


@dataclass(frozen=True, slots=True)
class Output:
    """A checked destination: `path` as given, `target` the file written (symlinks resolved)."""

    path: Path
    target: Path
    kind: OutputKind
    what: str


def output_target(path: Path, *, what: str, protect: Mapping[str, Path | None]) -> Output:
    """Classify `path` (one-line ReconcilerError for a destination never written)."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        target = Path(os.path.realpath(path)) if os.path.islink(path) else path
        check_writable(target, what=what)
        return Output(path, target, "new", what)
    except OSError as exc:
        check_writable(path, what=what)  # names a parent that is not a directory
        raise ReconcilerError(f"cannot write {what} {path}: {exc.strerror or exc}") from None
    refused = _REFUSED.get(stat.S_IFMT(found.st_mode))
    if refused is not None:
        raise ReconcilerError(f"cannot write {what} {path}: it is {refused}")
    for label, protected in protect.items():
        if protected is not None and _same_file(found, protected):
            raise ReconcilerError(f"cannot write {what} {path}: it is {label}")
    if not os.access(path, os.W_OK):
        raise ReconcilerError(f"cannot write {what} {path}: permission denied")
    if not stat.S_ISREG(found.st_mode):
        return Output(path, path, "stream", what)
    target = Path(os.path.realpath(path))
    if not _same_file(found, target):  # e.g. /dev/stdout onto a deleted file
        raise ReconcilerError(f"cannot write {what} {path}: its symlinks lead nowhere to replace")
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise ReconcilerError(f"cannot write {what} {path}: {target.parent} is not writable")
    return Output(path, target, "file", what)


def write_output(out: Output, text: str, *, make_parents: bool = False) -> None:
    """Write `text`: a stream is written through, a file replaced atomically keeping its mode."""
    try:
        if out.kind == "stream":
            fd = os.open(out.target, os.O_WRONLY | os.O_NOCTTY)
            try:
                write_all(fd, text.encode("utf-8"))
            finally:
                os.close(fd)
        else:
            atomic_write(out.target, text, make_parents=make_parents)
    except OSError as exc:
        raise ReconcilerError(f"cannot write {out.path}: {exc.strerror or exc}") from None


def _same_file(found: os.stat_result, other: Path) -> bool:
    """Whether `other` (followed through symlinks) is the file `found` describes."""
    try:
        theirs = os.stat(other)
    except OSError:
        return False
    return (theirs.st_dev, theirs.st_ino) == (found.st_dev, found.st_ino)
