"""Small helpers for turning API JSON into model values, failing closed on a wrong shape."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from reconciler.errors import ProtocolError

T = TypeVar("T", bound=str)


def text(item: Mapping[str, Any], name: str, *, what: str) -> str:
    """A required non-empty string field, or ProtocolError naming the object and field."""
    value = item.get(name)
    if not isinstance(value, str) or not value:
        raise ProtocolError(f"{what} has no usable `{name}` field (got {value!r})")
    return value


def optional_text(item: Mapping[str, Any], name: str) -> str | None:
    """A string field that may be absent or null."""
    value = item.get(name)
    return value if isinstance(value, str) and value else None


def nested(item: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """A nested object field, or an empty one when absent, null or not an object."""
    value = item.get(name)
    return value if isinstance(value, dict) else {}


def optional_int(item: Mapping[str, Any], name: str) -> int | None:
    """An integer field that may be absent or null (booleans are not integers here)."""
    value = item.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def choice(item: Mapping[str, Any], name: str, allowed: Collection[T], *, what: str) -> T:
    """A string field that must be one of `allowed` (the spec gives the values only in prose)."""
    value = item.get(name)
    for option in allowed:
        if value == option:
            return option
    raise ProtocolError(f"{what} has `{name}` {value!r}; expected one of {sorted(allowed)}")


def unique_key(name: str, ident: str, taken: Collection[str]) -> str:
    """`name`, or `name#id` when another object already holds that name."""
    return name if name not in taken else f"{name}#{ident}"
