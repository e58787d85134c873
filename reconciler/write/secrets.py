"""Sinks for service-account API keys, which the Admin API returns exactly once, at creation.

A key travels wrapped in `Secret`, whose repr and str are redacted, so an accidental log line,
f-string or exception message cannot show it; only a sink calls `reveal()`. Sinks:

- `DirSink` (`--secrets-dir DIR`): one file per key, mode 0600, in a directory created 0700;
  an existing file is never overwritten (a fresh name is picked instead, so no key is lost),
  with a metadata JSON beside it that holds everything but the key and names its key file
  (a name is fresh only if its `.json` is too: a new key never gets an earlier key's).
- `CommandSink` (`--secrets-command CMD`): runs CMD (split with shlex, no shell) with the key
  on stdin and its metadata in `RECONCILER_*` environment variables.
- `NoSink`: refuses every key (the plan refuses keyed creates before any write anyway).
- `MaskingSink`: in GitHub Actions, emits `::add-mask::<key>` through the CLI's writer before
  the wrapped sink sees the key, so nothing printed later can show it in the job log.

Every sink is preflighted before apply sends its first write. OSError and subprocess failures
become `SecretSinkError`, whose message never contains the key.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shlex
import shutil
import stat
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from reconciler.errors import SecretSinkError
from reconciler.files import atomic as secure_io

log = logging.getLogger(__name__)

REDACTED = "**********"
COMMAND_TIMEOUT_SECONDS = 60.0
# Environment variables a secrets command never sees.
WITHHELD_VARIABLES = frozenset({"OPENAI_ADMIN_KEY"})
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9_-]+")


class Secret:
    """A secret string that does not show itself: repr/str/format are redacted."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself: only sinks call this."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({REDACTED!r})"

    def __str__(self) -> str:
        return REDACTED

    def __format__(self, spec: str) -> str:
        return REDACTED

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled")


@dataclass(frozen=True, slots=True)
class KeyMetadata:
    """What is known about a created key, without the key itself."""

    project: str
    project_id: str
    service_account: str
    service_account_id: str
    key_id: str
    key_name: str = ""

    def environment(self) -> dict[str, str]:
        """The `RECONCILER_*` variables a secrets command receives."""
        return {
            "RECONCILER_PROJECT": self.project,
            "RECONCILER_PROJECT_ID": self.project_id,
            "RECONCILER_SERVICE_ACCOUNT": self.service_account,
            "RECONCILER_SERVICE_ACCOUNT_ID": self.service_account_id,
            "RECONCILER_KEY_ID": self.key_id,
        }


class SecretSink(Protocol):
    """Where created API keys go."""

    @property
    def configured(self) -> bool:
        """Whether keys can be delivered at all (False only for NoSink)."""
        ...

    def preflight(self) -> None:
        """Check, before any write, that delivery can work; raise SecretSinkError if not."""
        ...

    def deliver(self, key: Secret, meta: KeyMetadata) -> str:
        """Deliver one key; return where it went (safe to print). Raise SecretSinkError."""
        ...


class NoSink:
    """No sink configured: keyed service accounts cannot be created."""

    configured = False

    def preflight(self) -> None:
        """Nothing to check."""

    def deliver(self, key: Secret, meta: KeyMetadata) -> str:
        """Refuse: the key would be lost."""
        raise SecretSinkError(
            f"the API returned a key for service account {meta.service_account!r} in project "
            f"{meta.project!r} but no --secrets-dir or --secrets-command was given"
        )


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


class CommandSink:
    """`--secrets-command CMD`: the key on stdin, metadata in `RECONCILER_*` env vars.

    The command runs in its own process group, with the environment minus the admin key (a
    secrets command has no business with it), stdout discarded (so a command that echoes
    the key cannot print it into a CI log) and `COMMAND_TIMEOUT_SECONDS` to finish; on the
    timeout the whole group is killed, so a grandchild holding a pipe cannot hang apply.
    """

    configured = True

    def __init__(self, command: str, *, env: Mapping[str, str] | None = None) -> None:
        try:
            self.argv = shlex.split(command)
        except ValueError as exc:
            raise SecretSinkError(f"--secrets-command: {exc}") from None
        if not self.argv:
            raise SecretSinkError("--secrets-command is empty")
        source = os.environ if env is None else env
        self.env = {k: v for k, v in source.items() if k not in WITHHELD_VARIABLES}

    def preflight(self) -> None:
        """The program must exist and be executable."""
        program = self.argv[0]
        if shutil.which(program, path=self.env.get("PATH")) is None:
            raise SecretSinkError(f"--secrets-command: {program!r} not found or not executable")

    def deliver(self, key: Secret, meta: KeyMetadata) -> str:
        """Run the command once for this key; a non-zero exit is a SecretSinkError."""
        env = {**self.env, **meta.environment()}
        failed = f"--secrets-command {self.argv[0]!r}"
        what = f"service account {meta.service_account!r} in project {meta.project!r}"
        timeout = COMMAND_TIMEOUT_SECONDS
        try:
            returncode, stderr = secure_io.run_group(
                self.argv, stdin=key.reveal(), env=env, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            raise SecretSinkError(
                f"{failed} did not finish within {timeout:g}s for {what} (killed)"
            ) from None
        except (OSError, subprocess.SubprocessError) as exc:
            raise SecretSinkError(f"{failed} failed for {what}: {type(exc).__name__}") from None
        if returncode != 0:
            detail = _last_line(stderr.replace(key.reveal(), REDACTED))
            raise SecretSinkError(
                f"{failed} exited {returncode} for {what}" + (f": {detail}" if detail else "")
            )
        return f"command {self.argv[0]}"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


class MaskingSink:
    """Emit `::add-mask::<key>` (GitHub Actions) before handing the key to the wrapped sink."""

    def __init__(self, inner: SecretSink, *, emit: Callable[[str], None]) -> None:
        self.inner = inner
        self.emit = emit

    @property
    def configured(self) -> bool:
        """As the wrapped sink."""
        return self.inner.configured

    def preflight(self) -> None:
        """As the wrapped sink."""
        self.inner.preflight()

    def deliver(self, key: Secret, meta: KeyMetadata) -> str:
        """Mask first, then deliver."""
        self.emit(f"::add-mask::{key.reveal()}")
        return self.inner.deliver(key, meta)


def make_sink(
    *,
    secrets_dir: Path | None,
    secrets_command: str | None,
    env: Mapping[str, str],
    emit: Callable[[str], None],
) -> SecretSink:
    """The sink the user named (at most one), masked when running in GitHub Actions."""
    if secrets_dir is not None and secrets_command is not None:
        raise SecretSinkError("give --secrets-dir or --secrets-command, not both")
    sink: SecretSink
    if secrets_dir is not None:
        sink = DirSink(secrets_dir)
    elif secrets_command is not None:
        sink = CommandSink(secrets_command, env=env)
    else:
        sink = NoSink()
    if env.get("GITHUB_ACTIONS") == "true":
        sink = MaskingSink(sink, emit=emit)
    return sink
