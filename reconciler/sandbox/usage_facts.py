"""The usage behind the sandbox's usage and costs endpoints: atomic records, derived from state.

Every usage endpoint and `/organization/costs` answer from one fact table: for each project and
time bucket, a few records, each keyed by every dimension the endpoint can group by (project,
user, API key, model, batch, size, ...) and carrying its counters. A route filters the records
and sums them by the requested `group_by`, so every grouping adds up to the ungrouped total.
A project's records keep to its permissions (`usage_policy`): completions only of models its
model policy allows, and no calls of a hosted tool it has disabled.

Who uses a project: its API keys, each only between its `created_at` and its `last_used_at` (a
key never used has no usage), at most `KEYS_PER_BUCKET` of them per bucket, and the project's
first member in the Playground (no API key, and no user when the project has no member). Each
of these uses an endpoint or not, for good (every one uses completions, so every project has
some usage).
Numbers come from a hash of (endpoint, project, key, bucket start): the same organization always
reports the same usage. A bucket after `now` has no records; the bucket holding `now` counts
only its elapsed part. Costs price the completions, embeddings and images records, one line
item per model and direction ("gpt-4o, input", "dall-e-3, images"), so costs by line item,
project or key sum to the same total.
"""

from __future__ import annotations

import functools
import hashlib
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from reconciler.sandbox.state import State
from reconciler.sandbox.usage_policy import allowed_choices, tool_disabled

DAY = 86_400
KEYS_PER_BUCKET = 3
Record = dict[str, Any]
Digest = tuple[int, ...]  # sixteen pseudo-random numbers in [0, 65536)
# Counters of one record from its hash bytes and the share of a day the bucket covers.
Counters = Callable[[Digest, float], dict[str, int]]
ACTOR_DIMS = ("project_id", "user_id", "api_key_id")


def _n(digest: Digest, index: int, low: int, high: int) -> int:
    """The index-th pseudo-random number in [low, high) of a digest."""
    return low + digest[index] % (high - low)


def _requests(counter: str, low: int, high: int, **per_request: tuple[int, int]) -> Counters:
    """Counters of a request-based endpoint: a daily request count scaled to the bucket, and
    each other counter a per-request amount times the requests."""

    def counters(digest: Digest, share: float) -> dict[str, int]:
        requests = int(_n(digest, 0, low, high) * share)
        found = {counter: requests}
        for index, (name, (lo, hi)) in enumerate(per_request.items(), start=1):
            found[name] = requests * _n(digest, index, lo, hi)
        return found

    return counters


def _completions(digest: Digest, share: float) -> dict[str, int]:
    requests = int(_n(digest, 0, 50, 2000) * share)
    input_tokens = requests * _n(digest, 1, 200, 4000)
    return {
        "input_tokens": input_tokens,
        "input_cached_tokens": input_tokens * _n(digest, 2, 0, 50) // 100,
        "output_tokens": requests * _n(digest, 3, 50, 800),
        "num_model_requests": requests,
    }


def _stored_bytes(digest: Digest, share: float) -> dict[str, int]:
    return {"usage_bytes": _n(digest, 0, 1, 5000) * 1_000_000}  # a level, not a flow


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One usage endpoint: its result object, counters, group-by fields and filters."""

    object: str
    counters: Counters
    dims: tuple[str, ...]
    # Values a record picks among, for the dimensions that are not who used it.
    choices: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    # Query filter parameter -> the dimension it restricts.
    filters: dict[str, str] = field(default_factory=dict)
    # Share of actors (in percent) that use this endpoint at all.
    adoption: int = 60


_WHO = {"project_ids": "project_id", "user_ids": "user_id", "api_key_ids": "api_key_id"}
_MODELS = {**_WHO, "models": "model"}


def _endpoint(obj: str, counters: Counters, *extra: str, **kwargs: Any) -> Endpoint:
    return Endpoint(obj, counters, (*ACTOR_DIMS, *extra), **kwargs)


ENDPOINTS: dict[str, Endpoint] = {
    "completions": _endpoint(
        "completions", _completions, "model", "batch", "service_tier",
        choices={"model": ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "o3"), "batch": (False, False, True),
                 "service_tier": ("default", "default", "flex")},
        filters={**_MODELS, "batch": "batch"}, adoption=100,
    ),
    "embeddings": _endpoint(
        "embeddings", _requests("num_model_requests", 10, 1000, input_tokens=(100, 2000)), "model",
        choices={"model": ("text-embedding-3-small", "text-embedding-3-large")}, filters=_MODELS,
    ),
    "moderations": _endpoint(
        "moderations", _requests("num_model_requests", 10, 500, input_tokens=(50, 500)), "model",
        choices={"model": ("omni-moderation-latest",)}, filters=_MODELS, adoption=30,
    ),
    "images": _endpoint(
        "images", _requests("num_model_requests", 1, 60, images=(1, 4)), "model", "size", "source",
        choices={"model": ("dall-e-3", "gpt-image-1"),
                 "size": ("1024x1024", "1024x1792", "512x512"),
                 "source": ("image.generation", "image.edit", "image.variation")},
        filters={**_MODELS, "sizes": "size", "sources": "source"}, adoption=30,
    ),
    "audio_speeches": _endpoint(
        "audio_speeches", _requests("num_model_requests", 1, 100, characters=(100, 2000)), "model",
        choices={"model": ("tts-1", "gpt-4o-mini-tts")}, filters=_MODELS, adoption=30,
    ),
    "audio_transcriptions": _endpoint(
        "audio_transcriptions", _requests("num_model_requests", 1, 100, seconds=(10, 600)),
        "model", choices={"model": ("whisper-1",)}, filters=_MODELS, adoption=30,
    ),
    "vector_stores": Endpoint(
        "vector_stores", _stored_bytes, ("project_id",), filters={"project_ids": "project_id"}
    ),
    "code_interpreter_sessions": Endpoint(
        "code_interpreter_sessions", _requests("num_sessions", 1, 50), ("project_id",),
        filters={"project_ids": "project_id"},
    ),
    "file_search_calls": _endpoint(
        "file_searches", _requests("num_requests", 1, 500), "vector_store_id",
        filters={**_WHO, "vector_store_ids": "vector_store_id"},
    ),
    "web_search_calls": _endpoint(
        "web_searches", _requests("num_model_requests", 1, 300, num_requests=(1, 3)), "model",
        "context_level", choices={"model": ("gpt-4o", "gpt-4o-mini"),
                                  "context_level": ("low", "medium", "high")},
        filters={**_MODELS, "context_levels": "context_level"},
    ),
}  # fmt: skip
# Dollars per million tokens (input, output), or per image for an image model.
PRICES = {
    "gpt-4o": (2.5, 10.0),
    "gpt-4o-mini": (0.15, 0.6),
    "gpt-4.1": (2.0, 8.0),
    "o3": (2.0, 8.0),
    "text-embedding-3-small": (0.02, 0.0),
    "text-embedding-3-large": (0.13, 0.0),
    "dall-e-3": (0.04, 0.0),
    "gpt-image-1": (0.042, 0.0),
}


def _digest(*parts: object) -> Digest:
    return struct.unpack(">16H", hashlib.sha256(":".join(map(str, parts)).encode()).digest())


@functools.lru_cache(maxsize=65_536)
def _adopts(kind: str, project_id: str, key_id: str | None) -> bool:
    """Whether this key (or the Playground) uses this endpoint at all."""
    return _n(_digest(kind, project_id, key_id), 0, 0, 100) < ENDPOINTS[kind].adoption


def _actors(state: State, project_id: str, start: int, end: int) -> Iterator[tuple[Any, Any]]:
    """(api key id, user id) of who used the project in [start, end): the Playground user
    (no key) and up to `KEYS_PER_BUCKET` keys in use then, picked in turn."""
    members = state.project_users.get(project_id) or {}
    yield None, next(iter(members), None)
    used = [
        key
        for key in (state.api_keys.get(project_id) or {}).values()
        if key["last_used_at"] is not None and key["created_at"] < end
        and key["last_used_at"] >= start
    ]  # fmt: skip
    offset = start // DAY % len(used) if len(used) > KEYS_PER_BUCKET else 0
    for key in (used[offset:] + used[:offset])[:KEYS_PER_BUCKET]:
        yield key["id"], key["owner_id"] if key["owner_kind"] == "user" else None


@functools.lru_cache(maxsize=4096)
def _vector_store(project_id: str, index: int) -> str:
    """One of a project's two vector stores."""
    return f"vs_{hashlib.sha256(f'{project_id}:{index}'.encode()).hexdigest()[:20]}"


def records(
    state: State, kind: str, project_ids: list[str], *, start: int, width: int, now: int
) -> list[Record]:
    """Every atomic record of one endpoint in one bucket, for these projects."""
    if start >= now:
        return []
    endpoint = ENDPOINTS[kind]
    end = start + width
    share = (min(end, now) - start) / DAY
    found: list[Record] = []
    for pid in project_ids:
        project = state.projects[pid]
        if project["created_at"] >= end:
            continue
        actors = _actors(state, pid, start, end) if "user_id" in endpoint.dims else [(None, None)]
        if tool_disabled(state, pid, kind):
            continue
        choices = {d: allowed_choices(state, pid, kind, d, v) for d, v in endpoint.choices.items()}
        if not all(choices.values()):
            continue  # its policy allows none of this endpoint's models
        for key_id, user_id in actors:
            if not _adopts(kind, pid, key_id):
                continue
            digest = _digest(kind, pid, key_id, start)
            record: Record = {"project_id": pid}
            if "user_id" in endpoint.dims:
                record |= {"user_id": user_id, "api_key_id": key_id}
            for index, (dim, values) in enumerate(choices.items(), start=10):
                record[dim] = values[_n(digest, index, 0, len(values))]
            if "vector_store_id" in endpoint.dims:
                record["vector_store_id"] = _vector_store(pid, _n(digest, 15, 0, 2))
            found.append(record | endpoint.counters(digest, share))
    return found


def _line(record: Record, item: str, quantity: int, unit: str, price: float) -> Record:
    return {
        "project_id": record["project_id"],
        "api_key_id": record["api_key_id"],
        "line_item": item,
        "quantity": quantity,
        "quantity_unit": unit,
        "amount": quantity * price,
    }


def cost_records(
    state: State, project_ids: list[str], *, start: int, width: int, now: int
) -> list[Record]:
    """The cost records of one daily bucket: the completions and embeddings tokens and the
    images of the same records, each priced (a batch request at half price)."""
    found: list[Record] = []
    span = {"start": start, "width": width, "now": now}
    for record in records(state, "completions", project_ids, **span):
        model, (per_input, per_output) = record["model"], PRICES[record["model"]]
        discount = 0.5 if record["batch"] else 1.0
        for direction, tokens, price in (
            ("input", record["input_tokens"], per_input),
            ("output", record["output_tokens"], per_output),
        ):
            item = f"{model}, {direction}"
            found.append(_line(record, item, tokens, "tokens", price * discount / 1e6))
    for record in records(state, "embeddings", project_ids, **span):
        price = PRICES[record["model"]][0] / 1e6
        item = f"{record['model']}, input"
        found.append(_line(record, item, record["input_tokens"], "tokens", price))
    for record in records(state, "images", project_ids, **span):
        price = PRICES[record["model"]][0]
        item = f"{record['model']}, images"
        found.append(_line(record, item, record["images"], "images", price))
    return found
