"""What an apply did: each change's outcome, and the report of a whole run.

The report never holds a secret: handlers return short notes ("key delivered to …"), and
failures carry the API's message, which the client has already scrubbed of the admin key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from reconciler.api.redact import redact
from reconciler.core.change import Change


class Outcome(StrEnum):
    """What happened to one change."""

    APPLIED = "applied"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_STARTED = "not started"


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """The outcome of one change: `message` is the API's message (failed), the failed
    dependency (skipped) or a short note (applied); `status` the HTTP status of a failure."""

    index: int
    change: Change
    outcome: Outcome
    message: str = ""
    status: int | None = None

    def to_json(self) -> dict[str, Any]:
        """Canonical serialization (json output of the apply command)."""
        return {
            "index": self.index,
            "change": self.change.to_json(),
            "outcome": self.outcome.value,
            "message": self.message,
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class ApplyReport:
    """Every change's outcome, in plan order; `interrupted` when Ctrl-C stopped the run,
    `error` (one line) when a bug in a handler did."""

    results: tuple[ChangeResult, ...] = ()
    interrupted: bool = False
    error: str = ""

    def with_outcome(self, outcome: Outcome) -> tuple[ChangeResult, ...]:
        """The results with one outcome, in plan order."""
        return tuple(r for r in self.results if r.outcome is outcome)

    @property
    def ok(self) -> bool:
        """Whether every change was applied."""
        if self.interrupted or self.error:
            return False
        return all(r.outcome is Outcome.APPLIED for r in self.results)

    def counts(self) -> dict[str, int]:
        """How many changes ended in each outcome."""
        return {o.value: len(self.with_outcome(o)) for o in Outcome}


OnEvent = Callable[[ChangeResult], None]


def internal_error(exc: Exception) -> str:
    """One line naming an unexpected exception, scrubbed of anything shaped like a key."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    return redact(f"internal error ({type(exc).__name__}{': ' + text if text else ''})")


def describe(change: Change) -> str:
    """A short human name for a change: `create service_account search-prod/ci-deployer`."""
    key = "/".join(part if part else "(organization)" for part in change.key)
    return f"{change.action.value} {change.kind.value} {key}"
