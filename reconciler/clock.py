"""Clocks: the one place time comes from, so tests and benchmarks can run it faster.

The API client paces and backs off with `clock.sleep`; the sandbox throttles and stamps
`created_at` with `clock.time()`. Sharing a `ScaledClock` between the two makes a minute of
Admin API throttling take a fraction of a second of wall time while every request count, every
`Retry-After` and every cooldown keeps its meaning.
"""

from __future__ import annotations

import asyncio
import heapq
import time
from typing import Protocol


class Clock(Protocol):
    """Where time comes from."""

    def time(self) -> float:
        """Seconds since the Unix epoch (for timestamps)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for rates and deadlines)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait this many (clock) seconds."""
        ...


class SystemClock:
    """Real time."""

    def time(self) -> float:
        """Wall-clock Unix time."""
        return time.time()

    def monotonic(self) -> float:
        """The process's monotonic clock."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """Sleep for real."""
        await asyncio.sleep(max(0.0, seconds))


class ScaledClock:
    """Time that runs `speed` times faster than real time, from a fixed epoch.

    With speed=600, a one-minute throttle window passes in 0.1 s of wall time.
    """

    def __init__(self, *, speed: float, epoch: float | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._real_start = time.monotonic()
        self._epoch = time.time() if epoch is None else epoch

    def _elapsed(self) -> float:
        return (time.monotonic() - self._real_start) * self.speed

    def time(self) -> float:
        """Scaled Unix time, starting at the epoch given."""
        return self._epoch + self._elapsed()

    def monotonic(self) -> float:
        """Scaled seconds since this clock was made."""
        return self._elapsed()

    async def sleep(self, seconds: float) -> None:
        """Sleep `seconds` of scaled time (seconds / speed of real time)."""
        await asyncio.sleep(max(0.0, seconds) / self.speed)


class VirtualClock:
    """Time that moves only when every task is asleep on it: deterministic tests.

    `sleep` parks the caller; a driver task lets every runnable task run (a bounded number of
    event-loop turns), then jumps time to the earliest deadline and wakes that sleeper. With
    in-process transports (respx, the sandbox) nothing waits on real I/O, so measured gaps are
    exact: a 6 s window is 6.0 s, whatever the machine's load. Not for real sockets.
    """

    _TURNS = 64  # event-loop turns granted to runnable tasks before time jumps

    def __init__(self, *, epoch: float = 1_780_000_000.0) -> None:
        self._now = 0.0
        self._epoch = epoch
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0
        self._driver: asyncio.Task[None] | None = None

    def time(self) -> float:
        """Virtual Unix time."""
        return self._epoch + self._now

    def monotonic(self) -> float:
        """Virtual seconds since this clock was made."""
        return self._now

    async def sleep(self, seconds: float) -> None:
        """Park until virtual time reaches now + seconds."""
        loop = asyncio.get_running_loop()
        wake: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._sleepers, (self._now + max(0.0, seconds), self._seq, wake))
        self._seq += 1
        if self._driver is None or self._driver.done():
            self._driver = loop.create_task(self._drive())
        await wake

    async def _drive(self) -> None:
        while self._sleepers:
            for _ in range(self._TURNS):
                await asyncio.sleep(0)
            deadline, _, wake = heapq.heappop(self._sleepers)
            self._now = max(self._now, deadline)
            if not wake.done():
                wake.set_result(None)
