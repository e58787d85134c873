"""A moment for tests whose numbers must never move: the demo sandbox's clock stands still here."""

from __future__ import annotations

NOW = 1_767_225_600 + 13 * 3600  # 2026-01-01T13:00:00Z: today is a partial day
