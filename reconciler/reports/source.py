"""What a governance report was read from, and how it writes instants and days (UTC)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class Source:
    """When a report was read (Unix seconds), from which organization (as far as the API lets
    us name it), and which config file (None: no config given)."""

    now: int
    organization: str
    config: str | None


def instant(stamp: int) -> str:
    """`2026-11-29T21:40:00Z`."""
    return datetime.fromtimestamp(stamp, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def day(stamp: int | None, *, missing: str) -> str:
    """`2026-11-29`, or `missing` when there is no stamp."""
    return missing if stamp is None else datetime.fromtimestamp(stamp, UTC).date().isoformat()
