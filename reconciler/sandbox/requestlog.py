"""A record of every request the sandbox received, for tests and benchmarks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class RequestLog:
    """Counts per (METHOD, path template) and the list of (method, path, status) received.

    The status is what the server did: a request whose response was dropped after commit is
    logged with the status it would have had; one that timed out before being performed is
    logged with 0.
    """

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    entries: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many requests were received."""
        return len(self.entries)

    def count(self, method: str, template: str) -> int:
        """Requests received for one endpoint."""
        return self.counts[(method, template)]

    def record(self, method: str, template: str, path: str, status: int) -> None:
        """Log one request."""
        self.counts[(method, template)] += 1
        self.entries.append((method, path, status))

    def reset(self) -> None:
        """Forget everything (between phases of a benchmark, say)."""
        self.counts.clear()
        self.entries.clear()
