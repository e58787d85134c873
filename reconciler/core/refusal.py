"""What a safety gate says when it refuses a plan (core/safety.py and its gates)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Refusal:
    """One gate refusing the plan: which rule, which objects, and the flag that overrides it."""

    rule: str
    objects: tuple[str, ...]
    override_flag: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message} (override with {self.override_flag})"


def names(objects: Iterable[str], *, limit: int = 10) -> str:
    """Up to `limit` names, comma-separated, and how many more."""
    items = list(objects)
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
