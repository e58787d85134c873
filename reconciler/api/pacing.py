"""Client-side pacing: a sliding-window limiter and a shared 429 cooldown per endpoint family.

The Admin API throttles each endpoint to a handful of requests per minute and sometimes answers
429 without `Retry-After`. Going faster than the server allows only buys 429s and backoff, so
the client keeps to the server's rate itself:

- a **limiter per endpoint family** lets at most `requests_per_minute` requests start in any
  window of `window` seconds (a sliding window, not a token bucket: a bucket refills
  continuously and would send request N+1 seconds after a burst of N, which a server counting
  per minute answers with 429);
- a **cooldown per family**: a 429 pauses every request to that family until it ends, for
  `Retry-After` seconds when the server says, else for a jittered exponential backoff. One 429
  is taken as transient: after the pause the family goes on at its rate. Only a run of
  `confirm_throttle` 429s in a row within one window (each on a request sent after the previous
  429 was seen, no success in between: the pause did not help) shows a real per-minute limit;
  then the family's limit drops to what the server admitted in the window, and creeps back by
  one per window free of 429s;
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
# 429s in a row that show a real per-minute limit: a real limit refuses every request until its
# window moves on, while with 10 % random 429s a transient one is followed by 3 more about once
# in 1,000 (0.1 ** 3).
DEFAULT_CONFIRM_THROTTLE = 4


@dataclass(frozen=True, slots=True)
class Pacing:
    """How fast the client may go, and how it backs off.

    `family_rates` overrides `requests_per_minute` for named families ("project_users", …).
    `window_margin` seconds are added to every window, so that a request the server stamps a
    little later than we did never lands in the server's previous window. `confirm_throttle`
    429s in a row make the client settle on the per-window limit the server enforces.
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
    confirm_throttle: int = DEFAULT_CONFIRM_THROTTLE
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
    to when its answer came (the server stamped it somewhere in between; the latest is safe).
    `sent` is when it left: whether it went out before or after a 429 was seen."""

    at: float
    sent: float


class FamilyLimiter:
    """Sliding-window limiter plus the shared cooldown of one endpoint family."""

    def __init__(
        self,
        family: str,
        *,
        limit: float,
        window: float,
        clock: Clock,
        confirm: int = DEFAULT_CONFIRM_THROTTLE,
    ) -> None:
        self.family = family
        self._configured = max(1, int(limit))
        self._limit = self._configured
        self._last_throttle = -window
        self._window = window
        self._clock = clock
        self._stamps: deque[Stamp] = deque()
        self._lock = asyncio.Lock()
        self._cooldown_until = 0.0
        self._confirm = max(1, confirm)
        self._streak = 0  # 429s in a row, each on a request sent after the previous one was seen
        self._streak_started = -float("inf")
        self._last_refusal = -float("inf")

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
                    stamp = Stamp(now, sent=now)
                    self._stamps.append(stamp)
                    return stamp
                oldest = min(s.at for s in self._stamps)
                await self._clock.sleep(oldest + self._window - now)

    def depart(self, stamp: Stamp) -> None:
        """The request leaves now: its stamp moves to now and records when it was sent."""
        stamp.sent = self._clock.monotonic()
        self.touch(stamp)

    def touch(self, stamp: Stamp) -> None:
        """Move a request's stamp to now (it left later than reserved, or was just answered)."""
        stamp.at = max(stamp.at, self._clock.monotonic())

    def admitted(self, stamp: Stamp) -> None:
        """The server answered without a 429: a request sent after a run of 429s began got
        through, so the run was transient and ends."""
        if stamp.sent > self._streak_started:
            self._streak = 0

    @property
    def limit(self) -> int:
        """Requests per window this family is paced to now (lowered by 429s, then recovering)."""
        return self._limit

    def _recover(self, now: float) -> None:
        """Additive increase: one more request per window after a whole window without a 429."""
        if self._limit < self._configured and now - self._last_throttle >= self._window:
            self._limit += 1
            self._last_throttle = now

    def _count(self, now: float, refused: Stamp | None) -> None:
        """Extend the run of 429s, or start one. A request already on its way when the last
        429 was seen is part of that same 429, not new evidence that the pause did not help."""
        if refused is None or refused.sent > self._last_refusal:
            if self._streak and now - self._streak_started <= self._window:
                self._streak += 1
            else:
                self._streak, self._streak_started = 1, now
        self._last_refusal = now

    def _learn(self, now: float) -> None:
        """A run of 429s says the server allows no more than it admitted in this window: pace
        to that. With nothing admitted there is no limit to learn (the window was used up
        elsewhere, or the 429s are not about rate): the cooldowns alone wait it out."""
        admitted = sum(1 for stamp in self._stamps if stamp.at + self._window > now)
        if 0 < admitted < self._limit:
            log.info("pacing %s down to %d requests per window", self.family, admitted)
            self._limit = admitted

    def cool_down(self, seconds: float, *, refused: Stamp | None = None) -> None:
        """Pause every request to this family for `seconds` from now (never shortens a pause).
        The refused request's stamp is dropped (the server did not count it); after
        `confirm` 429s in a row the family is paced below what the server refused."""
        now = self._clock.monotonic()
        if refused is not None and refused in self._stamps:
            self._stamps.remove(refused)
        self._count(now, refused)
        self._last_throttle = now
        if self._streak >= self._confirm:
            self._learn(now)
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
                family,
                limit=self.pacing.rate_for(family),
                window=window,
                clock=self._clock,
                confirm=self.pacing.confirm_throttle,
            )
            self._limiters[family] = found
        return found
