"""What the usage and cost report reads, as values: daily cost and usage facts, the names behind
ids, and what could not be read (with why).

Also the API's facts the report's logic depends on: which fields each usage endpoint and the
costs endpoint can group by (money splits only by project, line item and API key), and which
counters a table shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reconciler.core.period import Period

# Report dimension (`--by`) → the API's group_by field. A label groups by project.
DIMENSIONS: dict[str, str] = {
    "project": "project_id",
    "model": "model",
    "line_item": "line_item",
    "api_key": "api_key_id",
    "user": "user_id",
}
COST_FIELDS = ("project_id", "line_item", "api_key_id")
_WHO = ("project_id", "user_id", "api_key_id")
# Each usage endpoint and the fields it can group by (the spec's `group_by` of each).
ENDPOINT_FIELDS: dict[str, tuple[str, ...]] = {
    "completions": (*_WHO, "model"),
    "embeddings": (*_WHO, "model"),
    "moderations": (*_WHO, "model"),
    "images": (*_WHO, "model"),
    "audio_speeches": (*_WHO, "model"),
    "audio_transcriptions": (*_WHO, "model"),
    "vector_stores": ("project_id",),
    "code_interpreter_sessions": ("project_id",),
    "file_search_calls": _WHO,
    "web_search_calls": (*_WHO, "model"),
}
# The counters a table shows: (endpoint, counter, column): requests unless the column says
# otherwise; interpreter counts sessions. JSON and CSV carry every counter.
METRICS: tuple[tuple[str, str, str], ...] = (
    ("completions", "num_model_requests", "completions"),
    ("completions", "input_tokens", "input tokens"),
    ("completions", "output_tokens", "output tokens"),
    ("embeddings", "num_model_requests", "embeddings"),
    ("moderations", "num_model_requests", "moderations"),
    ("images", "images", "images"),
    ("audio_speeches", "characters", "speech chars"),
    ("audio_transcriptions", "seconds", "transcribed s"),
    ("vector_stores", "usage_bytes", "vector bytes"),
    ("code_interpreter_sessions", "num_sessions", "interpreter"),
    ("file_search_calls", "num_requests", "file search"),
    ("web_search_calls", "num_requests", "web search"),
)
# Counters that are a level (bytes stored), not a flow: the last day counts, not the sum.
LEVELS = frozenset({"usage_bytes"})


@dataclass(frozen=True, slots=True)
class CostFact:
    """One result of one daily costs bucket (fields not grouped by are None)."""

    day: int
    amount: float
    currency: str = "usd"
    project_id: str | None = None
    line_item: str | None = None
    api_key_id: str | None = None
    quantity: float | None = None
    unit: str | None = None

    def field(self, name: str) -> str | None:
        """The value of a COST_FIELDS field."""
        return {"project_id": self.project_id, "line_item": self.line_item,
                "api_key_id": self.api_key_id}[name]  # fmt: skip


@dataclass(frozen=True, slots=True)
class UsageFact:
    """One result of one daily bucket of a usage endpoint: its group and its counters."""

    endpoint: str
    day: int
    group: Mapping[str, str | None]
    counters: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class KeyName:
    """A project API key as a person knows it (never a secret: the value is redacted)."""

    name: str
    redacted: str
    owner: str

    def __str__(self) -> str:
        return f"{self.name} ({self.redacted}, {self.owner})"


@dataclass(frozen=True, slots=True)
class Names:
    """Names behind ids: project names, API keys, user emails; `notes` say what is missing."""

    projects: Mapping[str, str] = field(default_factory=dict)
    keys: Mapping[str, KeyName] = field(default_factory=dict)
    users: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UsageData:
    """Everything read for one report. `costs` is None when they could not be read
    (`costs_error` says why); an endpoint in `unknown` could not be read (the reason)."""

    period: Period
    costs: tuple[CostFact, ...] | None
    usage: Mapping[str, tuple[UsageFact, ...]]
    names: Names
    costs_error: str = ""
    unknown: Mapping[str, str] = field(default_factory=dict)
