"""How fetch reports progress: a small Protocol, so fetch never imports a terminal library."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Protocol, TypeVar

T = TypeVar("T")


class FetchProgress(Protocol):
    """Where fetch reports progress (a rich bar on a terminal, nothing otherwise)."""

    def planned(self, reads: int) -> None:
        """`reads` more collection reads are about to start."""

    def finished(self, label: str) -> None:
        """One collection read (all its pages) finished."""


class Tracker:
    """Wraps each read so the progress reporter, if any, hears of it."""

    def __init__(self, progress: FetchProgress | None) -> None:
        self._progress = progress

    async def run(self, label: str, read: Awaitable[T]) -> T:
        """Await one read, reporting its start and end."""
        if self._progress is not None:
            self._progress.planned(1)
        try:
            return await read
        finally:
            if self._progress is not None:
                self._progress.finished(label)
