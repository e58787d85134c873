"""A created API key in transit (`Secret`), what is known about it (`KeyMetadata`), and the
`SecretSink` protocol every sink implements (write/secrets.py, write/secret_dir.py).

`Secret`'s repr, str and format show the one redaction marker (api/redact.py), never the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from reconciler.api.redact import REDACTED


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
