"""One exception tree for reconciler, and the process exit codes.

    ReconcilerError                 anything reconciler reports to a person (exit 1)
    ├── ConfigError                 the config file is unreadable or invalid (all problems at once)
    ├── CertificateParseError       a PEM text is not one certificate (the loader makes it a
    │                               ConfigError problem; a key pasted beside it is refused)
    ├── BaseUrlError                OPENAI_BASE_URL is not a URL the admin key may be sent to
    ├── ApiError                    the Admin API said no, or could not be reached
    │   ├── AuthError               401 / 403: the admin key is missing, wrong or not allowed
    │   ├── NotFoundError           404: an id that does not exist (any more)
    │   ├── BadRequestError         400 / 409 / 422 / 501: the API refused; its message says why
    │   ├── ThrottledError          429 after the retry budget was spent
    │   ├── ServerError             5xx after the retry budget was spent
    │   ├── TransportError          connect / read timeout, dropped connection (outcome unknown)
    │   └── ProtocolError           a response we cannot trust (malformed page, stuck cursor)
    ├── UnsafePlanError             a safety gate refused the plan (names rule, objects, override)
    ├── DuplicateProjectError       two live projects share a name the file declares unpinned
    ├── StalePlanError              a saved plan no longer matches the live organization
    ├── SecretSinkError             a created API key could not be delivered to its sink
    ├── ExportError                 the exported file could not be written where asked
    ├── HandoffError                a Terraform state is not `terraform show -json` output
    ├── SandboxError                the sandbox simulator cannot do what was asked
    └── GitHubError                 `gh` failed, or pull-request labels are not usable

Every exception class in reconciler/ is here, except the few tests/test_errors.py lists with
the reason (the simulator's internal API failure, click's usage errors). An apply that leaves
changes failed or skipped is not an error: its report says which, and the command exits 1.

Lower-level errors (httpx, yaml, OSError) are translated into this tree in exactly one place
each: the API client, the config loader, the secret sinks. Nothing below the command line
exits: commands return an ExitCode or raise, and only the CLI's entry (cli/errors.py
handle_errors, cli/group.py) turns a ReconcilerError into a one-line message and exit code 1;
a traceback is shown only with --debug.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, as `terraform plan -detailed-exitcode`, and the shell's for Ctrl-C."""

    OK = 0
    ERROR = 1
    CHANGES = 2
    CTRL_C = 130  # a run stopped by SIGINT (128 + 2), as the shell reports it


class ReconcilerError(Exception):
    """Base of every error reconciler reports; its str() is the one-line message for people."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a config file, located as precisely as we can."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.path}:" if self.path else ""
        prefix = "" if self.severity == "error" else f" {self.severity}:"
        return f"{where}:{prefix}{field} {self.message}"


class ConfigError(ReconcilerError):
    """The config file cannot be used; carries every problem found, not just the first.

    `source` names the file a command was given (set by the pipeline's load step): the CLI then
    prints every problem on its own line and `error: N problems found in SOURCE`.
    """

    def __init__(self, problems: list[Problem], *, source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        super().__init__("\n".join(str(p) for p in problems))


class ApiError(ReconcilerError):
    """The Admin API refused a request or could not be reached.

    `operation` names what we were doing ("GET /organization/projects"), never the key.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str = "",
        status: int | None = None,
        error_type: str | None = None,
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        self.message = message
        self.operation = operation
        self.status = status
        self.error_type = error_type
        self.code = code
        self.param = param
        super().__init__(self._render())

    def _render(self) -> str:
        parts = [self.operation] if self.operation else []
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        head = " ".join(parts)
        return f"{head}: {self.message}" if head else self.message


class AuthError(ApiError):
    """401 / 403."""


class NotFoundError(ApiError):
    """404."""


class BadRequestError(ApiError):
    """400 / 409 / 422, and 501 / 505 (not implemented: permanent): the API refused."""


class ThrottledError(ApiError):
    """429, still throttled after the retry budget."""


class ServerError(ApiError):
    """5xx, still failing after the retry budget."""


class TransportError(ApiError):
    """No usable response: timeout, refused or dropped connection. A write's outcome is unknown."""


class ProtocolError(ApiError):
    """A response that breaks the API's contract (a page without `has_more`, a stuck cursor)."""


class UnsafePlanError(ReconcilerError):
    """A safety gate refused the plan. The message names the rule, the objects and the override."""


class StalePlanError(ReconcilerError):
    """A saved plan was computed from a live state that has changed since."""


class SecretSinkError(ReconcilerError):
    """A created API key could not be delivered; the message never contains the key."""


class CertificateParseError(ReconcilerError):
    """The text is not one PEM-encoded X.509 certificate; str() says why, in a few words."""


class BaseUrlError(ReconcilerError):
    """OPENAI_BASE_URL is not a URL the admin key may be sent to."""


class DuplicateProjectError(ReconcilerError):
    """Two active live projects share a name that the file declares without an `id` pin."""


class ExportError(ReconcilerError):
    """The export could not be written (the file exists, or the directory is not writable)."""


class HandoffError(ReconcilerError):
    """The file is not the JSON of `terraform show -json` (message says where and what)."""


class SandboxError(ReconcilerError):
    """The sandbox cannot do what was asked (the message says what and why): a bad seed, an
    unreadable state file, an impossible person action."""


class GitHubError(ReconcilerError):
    """`gh` failed (its stderr is the message), or the labels or repository given are unusable."""
