"""The sandbox's own error: bad seeds, unreadable state files, impossible person actions."""

from __future__ import annotations

from reconciler.errors import ReconcilerError


class SandboxError(ReconcilerError):
    """The sandbox cannot do what was asked (the message says what and why)."""
