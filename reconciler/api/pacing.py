"""Client-side pacing: a sliding-window limiter and a shared 429 cooldown per endpoint family.

The Admin API throttles each endpoint to a handful of requests per minute and sometimes answers
429 without `Retry-After`. Going faster than the server allows only buys 429s and backoff, so
the client keeps to the server's rate itself:

- a **limiter per endpoint family** lets at most `requests_per_minute` requests start in any
  window of `window` seconds (a sliding window, not a token bucket: a bucket refills
  continuously and would send request N+1 seconds after a burst of N, which a server counting
  per minute answers with 429);
- a **cooldown per family**: a 429 pauses every request to that family until it ends, for
  `Retry-After` seconds when the server says, else for a jittered exponential backoff; the 429
  also lowers the family's limit below what was sent in the window (the server allows less),
  and the limit creeps back by one per window free of 429s;
- a **global cap** on requests in flight (`max_in_flight`), applied by the client.

All time comes from the injected `Clock`, so tests and benchmarks run on a sped-up clock.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from reconciler.clock import Clock

log = logging.getLogger(__name__)

# The real API was measured at about 7–10 requests per minute per endpoint: pace at the low end.
DEFAULT_REQUESTS_PER_MINUTE = 8


@dataclass(frozen=True, slots=True)
class Pacing:
    """How fast the client may go, and how it backs off.

    `family_rates` overrides `requests_per_minute` for named families ("project_users", …).
    `window_margin` seconds are added to every window, so that a request the server stamps a
    little later than we did never lands in the server's previous window.
    """

    requests_per_minute: float = DEFAULT_REQUESTS_PER_MINUTE
    family_rates: Mapping[str, float] = field(default_factory=dict)
    window: float = 60.0
    window_margin: float = 0.5
    max_in_flight: int = 4
    max_attempts: int = 6
    backoff_base: float = 2.0
    backoff_max: float = 60.0
    retry_after_max: float = 600.0
    seed: int | None = None

    def rate_for(self, family: str) -> float:
        """Requests per window allowed for one family."""
        return float(self.family_rates.get(family, self.requests_per_minute))

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Jittered exponential backoff before retry number `attempt` (1-based): "equal jitter"."""
        ceiling = min(self.backoff_max, self.backoff_base * 2.0 ** (attempt - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


def endpoint_family(path: str) -> str:
    """The family of a path: its collection names, ids dropped, e.g. `project_users`.

    `/organization/projects/proj_1/users/user_2` → `project_users`;
    `/organization/certificates/activate` → `certificates`; `/organization/users` → `users`.
    Collection names sit at even positions after `organization`; ids and actions at odd ones.
    """
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    if parts and parts[0] == "v1":
        parts = parts[1:]
    if parts and parts[0] == "organization":
        parts = parts[1:]
    names = [part for index, part in enumerate(parts) if index % 2 == 0]
    if not names:
        return "organization"
    *parents, last = names
    return "_".join([*(p.removesuffix("s") for p in parents), last])


def endpoint_template(path: str) -> str:
    """The path with ids replaced by `{id}`: `/organization/projects/{id}/users`."""
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    offset = 1 if parts and parts[0] == "organization" else 0
    templated = [
        "{id}" if index >= offset and (index - offset) % 2 == 1 and _is_id(part) else part
        for index, part in enumerate(parts)
    ]
    return "/" + "/".join(templated)


def _is_id(segment: str) -> bool:
    """Action segments (archive, activate, …) stay; everything else at an id position is an id."""
    return segment not in _ACTIONS


_ACTIONS = frozenset({"archive", "activate", "deactivate"})


@dataclass(slots=True)
class Stamp:
    """When one request counts as sent: reserved, then moved to when it really left and again
    to when its answer came (the server stamped it somewhere in between; the latest is safe)."""

    at: float


class FamilyLimiter:
    """Sliding-window limiter plus the shared cooldown of one endpoint family."""

    def __init__(self, family: str, *, limit: float, window: float, clock: Clock) -> None:
        self.family = family
        self._configured = max(1, int(limit))
        self._limit = self._configured
        self._last_throttle = -window
        self._window = window
        self._clock = clock
        self._stamps: deque[Stamp] = deque()
        self._lock = asyncio.Lock()
        self._cooldown_until = 0.0

    @property
    def cooldown_until(self) -> float:
        """Clock time (monotonic) before which no request to this family starts."""
        return self._cooldown_until

    async def acquire(self) -> Stamp:
        """Wait for a free slot in the window and past any cooldown; FIFO per family."""
        async with self._lock:
            while True:
                now = self._clock.monotonic()
                if now < self._cooldown_until:
                    await self._clock.sleep(self._cooldown_until - now)
                    continue
                # Stamps move later after they are taken, so any of them may expire first.
                self._stamps = deque(s for s in self._stamps if s.at + self._window > now)
                self._recover(now)
                if len(self._stamps) < self._limit:
                    stamp = Stamp(now)
                    self._stamps.append(stamp)
                    return stamp
                oldest = min(s.at for s in self._stamps)
                await self._clock.sleep(oldest + self._window - now)

    def touch(self, stamp: Stamp) -> None:
        """Move a request's stamp to now (it left later than reserved, or was just answered)."""
        stamp.at = max(stamp.at, self._clock.monotonic())

    @property
    def limit(self) -> int:
        """Requests per window this family is paced to now (lowered by 429s, then recovering)."""
        return self._limit

    def _recover(self, now: float) -> None:
        """Additive increase: one more request per window after a whole window without a 429."""
        if self._limit < self._configured and now - self._last_throttle >= self._window:
            self._limit += 1
            self._last_throttle = now

    def _learn(self, now: float, refused: Stamp | None) -> None:
        """A 429 says the server allows no more than it admitted in this window: pace to that.

        The refused request's own stamp is dropped: the server did not count it.
        """
        self._last_throttle = now
        if refused is not None and refused in self._stamps:
            self._stamps.remove(refused)
        admitted = sum(1 for stamp in self._stamps if stamp.at + self._window > now)
        learned = max(1, admitted)
        if learned < self._limit:
            log.info("pacing %s down to %d requests per window", self.family, learned)
            self._limit = learned

    def cool_down(self, seconds: float, *, refused: Stamp | None = None) -> None:
        """Pause every request to this family for `seconds` from now (never shortens a pause),
        and pace the family below what the server just refused."""
        now = self._clock.monotonic()
        self._learn(now, refused)
        until = now + seconds
        if until > self._cooldown_until:
            log.info("throttled on %s: pausing the family for %.1fs", self.family, seconds)
            self._cooldown_until = until


class Pacer:
    """The limiters of every family and the global in-flight cap, created on first use."""

    def __init__(self, pacing: Pacing, *, clock: Clock) -> None:
        self.pacing = pacing
        self._clock = clock
        self._limiters: dict[str, FamilyLimiter] = {}
        self.in_flight = asyncio.Semaphore(pacing.max_in_flight)
        self.rng = random.Random(pacing.seed)

    def limiter(self, family: str) -> FamilyLimiter:
        """The limiter of one family."""
        found = self._limiters.get(family)
        if found is None:
            window = self.pacing.window + self.pacing.window_margin
            found = FamilyLimiter(
                family, limit=self.pacing.rate_for(family), window=window, clock=self._clock
            )
            self._limiters[family] = found
        return found
