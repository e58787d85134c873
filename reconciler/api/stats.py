"""Request accounting: what the client sent, by endpoint family and by endpoint.

For reconciler the number of requests is the performance, so every request the client sends
(retries included) is counted here; tests and benchmarks compare it with the minimum.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(slots=True)
class RequestStats:
    """Counters of one client's requests. `total` includes retries; `throttled` counts 429s."""

    total: int = 0
    retries: int = 0
    throttled: int = 0
    by_family: Counter[str] = field(default_factory=Counter)
    by_endpoint: Counter[tuple[str, str]] = field(default_factory=Counter)

    def record(self, *, method: str, family: str, template: str) -> None:
        """Count one request sent (a retry counts again)."""
        self.total += 1
        self.by_family[family] += 1
        self.by_endpoint[(method, template)] += 1
