"""Fault injection: latency, 429s, 5xx, timeouts, dropped responses, per-endpoint throttling.

`FaultConfig` is plain mutable configuration with its own `random.Random(seed)`, so a run with
the same seed and the same requests injects the same faults. Faults decide what the client
sees, never what the state becomes: a fault "before" means the request was not performed; a
fault "after" (`drop_after_commit`, `timeout_after`) means it was, and only the response is lost
(the case that makes naive retries create duplicates).
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

from reconciler.clock import Clock

WRITES = frozenset({"POST", "DELETE"})
READS = frozenset({"GET"})
WINDOW = 60.0


class Fault(StrEnum):
    """One injected fault."""

    RATE_LIMITED = "rate_limited"  # 429 with Retry-After
    RATE_LIMITED_BARE = "rate_limited_bare"  # 429 without Retry-After
    SERVER_ERROR = "server_error"  # 500
    BAD_GATEWAY = "bad_gateway"  # 502
    UNAVAILABLE = "unavailable"  # 503
    TIMEOUT_BEFORE = "timeout_before"  # no response, nothing done
    DROP_AFTER_COMMIT = "drop_after_commit"  # done, connection dropped
    TIMEOUT_AFTER = "timeout_after"  # done, read timed out

    @property
    def after_commit(self) -> bool:
        """Whether the request is performed before the fault hits."""
        return self in (Fault.DROP_AFTER_COMMIT, Fault.TIMEOUT_AFTER)

    @property
    def status(self) -> int | None:
        """The HTTP status this fault answers with, if it answers at all."""
        return _STATUSES.get(self)


_STATUSES = {
    Fault.RATE_LIMITED: 429,
    Fault.RATE_LIMITED_BARE: 429,
    Fault.SERVER_ERROR: 500,
    Fault.BAD_GATEWAY: 502,
    Fault.UNAVAILABLE: 503,
}


@dataclass
class FaultConfig:
    """What to inject, with which probability, where. All off by default.

    `methods` and `paths` (path templates such as "/organization/projects/{project_id}/users")
    restrict the probabilistic faults and latency; None means everywhere. Throttling allows
    `throttle_per_minute` requests per path template per clock-minute (rolling window), with
    per-template overrides, and answers 429 beyond it (with `Retry-After` if asked).
    """

    seed: int = 0
    latency: float = 0.0
    rate_limited: float = 0.0
    rate_limited_bare: float = 0.0
    retry_after: int = 1
    server_error: float = 0.0
    bad_gateway: float = 0.0
    unavailable: float = 0.0
    timeout_before: float = 0.0
    drop_after_commit: float = 0.0
    timeout_after: float = 0.0
    methods: frozenset[str] | None = None
    paths: frozenset[str] | None = None
    throttle_per_minute: int | None = None
    throttle_retry_after: bool = False
    throttle_overrides: dict[str, int] = field(default_factory=dict)
    _rng: random.Random = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.reseed()

    def reseed(self, seed: int | None = None) -> None:
        """Restart the random sequence (from `seed`, or the configured one)."""
        if seed is not None:
            self.seed = seed
        self._rng = random.Random(self.seed)

    def applies_to(self, method: str, template: str) -> bool:
        """Whether latency and probabilistic faults apply to this endpoint."""
        method_ok = self.methods is None or method in self.methods
        return method_ok and (self.paths is None or template in self.paths)

    def roll(self, method: str, template: str) -> Fault | None:
        """The fault for one request, drawn from the seeded sequence (None: no fault)."""
        if not self.applies_to(method, template):
            return None
        draw = self._rng.random()
        for fault, probability in self._table():
            if draw < probability:
                return fault
            draw -= probability
        return None

    def _table(self) -> list[tuple[Fault, float]]:
        return [
            (Fault.RATE_LIMITED, self.rate_limited),
            (Fault.RATE_LIMITED_BARE, self.rate_limited_bare),
            (Fault.SERVER_ERROR, self.server_error),
            (Fault.BAD_GATEWAY, self.bad_gateway),
            (Fault.UNAVAILABLE, self.unavailable),
            (Fault.TIMEOUT_BEFORE, self.timeout_before),
            (Fault.DROP_AFTER_COMMIT, self.drop_after_commit),
            (Fault.TIMEOUT_AFTER, self.timeout_after),
        ]

    def limit_for(self, template: str) -> int | None:
        """The throttle limit of an endpoint family (None: unthrottled)."""
        return self.throttle_overrides.get(template, self.throttle_per_minute)


class Throttle:
    """Rolling one-minute windows of accepted requests per endpoint family."""

    def __init__(self) -> None:
        self._windows: dict[str, deque[float]] = {}

    def admit(self, template: str, limit: int | None, clock: Clock) -> float | None:
        """Record the request and return None, or return the seconds until it would be allowed."""
        if limit is None:
            return None
        now = clock.monotonic()
        window = self._windows.setdefault(template, deque())
        while window and window[0] <= now - WINDOW:
            window.popleft()
        if len(window) >= limit:
            return max(0.0, window[0] + WINDOW - now)
        window.append(now)
        return None

    def reset(self) -> None:
        """Forget every window."""
        self._windows.clear()


def retry_after_header(seconds: float) -> dict[str, str]:
    """A `Retry-After` header in whole seconds (at least 1, as the spec requires)."""
    return {"retry-after": str(max(1, math.ceil(seconds)))}
