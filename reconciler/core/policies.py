"""Values of the policies a project or the organization carries: its model policy, its spend
limit and spend alerts (re-exported by core/model.py, where the organization is)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ModelMode = Literal["allow", "deny", "all"]


@dataclass(frozen=True, slots=True)
class ModelPolicy:
    """A project's model permissions: only `models` (allow), all but `models` (deny), or every
    model (all: no policy; the API's state after its DELETE)."""

    mode: ModelMode = "all"
    models: frozenset[str] = frozenset()


HOSTED_TOOLS: tuple[str, ...] = (
    "file_search",
    "web_search",
    "image_generation",
    "mcp",
    "code_interpreter",
)


@dataclass(frozen=True, slots=True)
class SpendLimit:
    """A hard monthly spend limit in US cents; `cents` None is no limit (desired: `none`, the
    limit is removed; live: the scope has none)."""

    cents: int | None


@dataclass(frozen=True, slots=True)
class SpendAlert:
    """An email alert when a scope's monthly spend reaches `cents` (one per threshold per
    scope): its recipients (lower-cased, sorted) and the emails' optional subject prefix.
    `copies` is how many live alerts share the threshold (the API allows several, say two
    overlapping applies each created one; a config declares one)."""

    cents: int
    recipients: tuple[str, ...]
    subject_prefix: str | None = None
    copies: int = 1
