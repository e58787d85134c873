"""`DirSink` (`--secrets-dir DIR`): one file per key, mode 0600, in a directory created 0700.

An existing file is never overwritten (a fresh name is picked instead, so no key is lost); a
metadata JSON beside each key holds everything but the key and names its key file (a name is
fresh only if its `.json` is too: a new key never gets an earlier key's).
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
from dataclasses import asdict
from pathlib import Path

from reconciler.errors import SecretSinkError
from reconciler.files import atomic as secure_io
from reconciler.write.secret import KeyMetadata, Secret

log = logging.getLogger(__name__)

_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9_-]+")


def key_file_stem(meta: KeyMetadata) -> str:
    """A file-system-safe stem for one key: `<project>__<service account>`."""
    project = _UNSAFE_CHARS.sub("_", meta.project).strip("_") or "project"
    account = _UNSAFE_CHARS.sub("_", meta.service_account).strip("_") or "service-account"
    return f"{project}__{account}"


class DirSink:
    """`--secrets-dir DIR`: one 0600 file per key in a 0700 directory; never overwrites."""

    configured = True

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def preflight(self) -> None:
        """Create the directory 0700 if missing; refuse one others can read or we cannot write."""
        path = self.directory
        try:
            if not path.exists():
                path.mkdir(mode=0o700, parents=True)
                os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask
            mode = path.stat().st_mode
        except OSError as exc:
            raise SecretSinkError(f"secrets dir {path}: {exc.strerror or exc}") from None
        if not stat.S_ISDIR(mode):
            raise SecretSinkError(f"secrets dir {path} is not a directory")
        if mode & 0o077:
            raise SecretSinkError(
                f"secrets dir {path} is accessible by other users (mode {mode & 0o777:o}); "
                f"run `chmod 700 {path}` or name a new directory"
            )
        if not os.access(path, os.W_OK | os.X_OK):
            raise SecretSinkError(f"secrets dir {path} is not writable")

    def deliver(self, key: Secret, meta: KeyMetadata) -> str:
        """Write the key to a fresh 0600 file (and its metadata beside it); return the path."""
        stem = key_file_stem(meta)
        for attempt in range(1, 1000):
            name = stem if attempt == 1 else f"{stem}.{attempt}"
            target, metadata = self.directory / f"{name}.key", self.directory / f"{name}.json"
            if metadata.exists():
                continue  # an earlier key's metadata (its key moved away): never pair with it
            if self._write_new(target, key.reveal() + "\n"):
                self._write_metadata(metadata, meta, key_file=target.name)
                log.info(
                    "delivered key for %s/%s to %s", meta.project, meta.service_account, target
                )
                return str(target)
        raise SecretSinkError(f"secrets dir {self.directory}: too many files named {stem}.*")

    @staticmethod
    def _write_new(target: Path, text: str) -> bool:
        """Create `target` exclusively with mode 0600 and make it durable; False if it exists.

        A write that fails part way (disk full, quota, I/O error) removes the file, so no
        half-written key is left behind; the caller then deletes the account it belonged to.
        """
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return False
        except OSError as exc:
            raise SecretSinkError(f"cannot write {target}: {exc.strerror or exc}") from None
        try:
            try:
                secure_io.write_all(fd, text.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            secure_io.remove_quietly(target)
            raise SecretSinkError(f"cannot write {target}: {exc.strerror or exc}") from None
        secure_io.sync_directory(target.parent)
        return True

    @staticmethod
    def _write_metadata(target: Path, meta: KeyMetadata, *, key_file: str) -> None:
        """Best effort, after the key (a crash between leaves a key without metadata, never
        metadata of another key): the key is already safe, so a failure is only logged."""
        text = json.dumps(asdict(meta) | {"key_file": key_file}, indent=2, sort_keys=True) + "\n"
        try:
            if not DirSink._write_new(target, text):  # appeared since the name was picked
                log.warning("%s exists and does not describe %s; left as it is", target, key_file)
        except SecretSinkError as exc:
            log.warning("%s", exc)
