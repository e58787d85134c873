"""Sinks for service-account API keys, which the Admin API returns exactly once, at creation.

A key travels wrapped in `Secret` (write/secret.py), whose repr and str are redacted, so an
accidental log line, f-string or exception message cannot show it; only a sink calls
`reveal()`. Sinks:

- `DirSink` (`--secrets-dir DIR`, write/secret_dir.py): one 0600 file per key in a 0700
  directory, never overwriting one.
- `CommandSink` (`--secrets-command CMD`): runs CMD (split with shlex, no shell) with the key
  on stdin and its metadata in `RECONCILER_*` environment variables.
- `NoSink`: refuses every key (the plan refuses keyed creates before any write anyway).
- `MaskingSink`: in GitHub Actions, emits `::add-mask::<key>` through the CLI's writer before
  the wrapped sink sees the key, so nothing printed later can show it in the job log.

Every sink is preflighted before apply sends its first write. OSError and subprocess failures
become `SecretSinkError`, whose message never contains the key.
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

from reconciler.api.redact import REDACTED
from reconciler.errors import SecretSinkError
from reconciler.files import atomic as secure_io
from reconciler.write.secret import KeyMetadata, Secret, SecretSink
from reconciler.write.secret_dir import DirSink

__all__ = [
    "CommandSink",
    "DirSink",
    "KeyMetadata",
    "MaskingSink",
    "NoSink",
    "Secret",
    "SecretSink",
    "make_sink",
]

log = logging.getLogger(__name__)

COMMAND_TIMEOUT_SECONDS = 60.0
# Environment variables a secrets command never sees.
WITHHELD_VARIABLES = frozenset({"OPENAI_ADMIN_KEY"})


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
