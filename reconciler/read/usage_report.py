"""Reading what `report usage` needs, in as few requests as the API allows.

    await read_usage_data(client, period=..., cost_fields=..., usage_fields=..., history_start=...)

Concurrently: the project list (names), `/organization/costs` grouped by `cost_fields` from
`history_start` (the trailing days spikes compare with, and the month a budget counts) in pages
of 180 daily buckets, and each of the ten usage endpoints over the period grouped by the
`usage_fields` it supports, in pages of 31. Then, only if the report shows them: the users
(emails) and the API keys of the projects whose keys appear in the results.

An endpoint the API refuses (a 403, a 5xx after retries) is recorded as unknown with the API's
message, never as zero; so are costs. Only the project list is required.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Collection, Mapping
from typing import Any, TypeVar

from reconciler.api.parsing import optional_text
from reconciler.api.protocols import Reader
from reconciler.core.period import Period
from reconciler.core.usage_data import (
    ENDPOINT_FIELDS,
    CostFact,
    KeyName,
    Names,
    UsageData,
    UsageFact,
)
from reconciler.errors import ApiError
from reconciler.kinds.api_keys import api_keys_path, parse_api_key
from reconciler.kinds.projects import read_projects
from reconciler.kinds.users import read_users
from reconciler.read.usage_buckets import COSTS_PATH, bucket_results

log = logging.getLogger(__name__)
T = TypeVar("T")

COST_PAGE = 180  # the costs endpoint's largest page of daily buckets
USAGE_PAGE = 31  # a usage endpoint's largest page of daily buckets
USAGE_PATH = "/organization/usage/{endpoint}"


async def read_usage_data(
    client: Reader,
    *,
    period: Period,
    cost_fields: Collection[str],
    usage_fields: Collection[str],
    history_start: int,
) -> UsageData:
    """Costs, usage and the names behind their ids for `period` (see the module docstring)."""
    endpoints = list(ENDPOINT_FIELDS)
    projects, costs, usage = await asyncio.gather(
        read_projects(client),
        _or_error(_costs(client, cost_fields, start=history_start, end=period.end)),
        asyncio.gather(
            *(_or_error(_usage(client, e, usage_fields, period=period)) for e in endpoints)
        ),
    )
    read = dict(zip(endpoints, usage, strict=True))
    facts = {e: found for e, found in read.items() if not isinstance(found, ApiError)}
    unknown = {e: _reason(found) for e, found in read.items() if isinstance(found, ApiError)}
    cost_facts = None if isinstance(costs, ApiError) else costs
    names = Names(projects={p.id: p.name for p in projects if p.id})
    names = await _more_names(
        client, names, users="user_id" in usage_fields, keys=_key_projects(cost_facts, facts)
    )
    return UsageData(
        period=period,
        costs=cost_facts,
        usage=facts,
        names=names,
        costs_error=_reason(costs) if isinstance(costs, ApiError) else "",
        unknown=unknown,
    )


async def _costs(
    client: Reader, fields: Collection[str], *, start: int, end: int
) -> tuple[CostFact, ...]:
    query = _query(fields, start=start, end=end, limit=COST_PAGE)
    return tuple(_cost(day, r) for day, r in await bucket_results(client, COSTS_PATH, query))


async def _usage(
    client: Reader, endpoint: str, fields: Collection[str], *, period: Period
) -> tuple[UsageFact, ...]:
    grouped = [f for f in ENDPOINT_FIELDS[endpoint] if f in fields]
    query = _query(grouped, start=period.start, end=period.end, limit=USAGE_PAGE)
    found = await bucket_results(client, USAGE_PATH.format(endpoint=endpoint), query)
    return tuple(_usage_fact(endpoint, day, r, grouped) for day, r in found)


def _query(fields: Collection[str], *, start: int, end: int, limit: int) -> dict[str, Any]:
    query: dict[str, Any] = {
        "start_time": start, "end_time": end, "bucket_width": "1d", "limit": limit,
    }  # fmt: skip
    if fields:
        query["group_by"] = list(fields)
    return query


def _cost(day: int, result: Mapping[str, Any]) -> CostFact:
    amount = result.get("amount") if isinstance(result.get("amount"), dict) else {}
    assert isinstance(amount, dict)
    quantity = result.get("quantity")
    return CostFact(
        day=day,
        amount=float(amount.get("value") or 0),
        currency=optional_text(amount, "currency") or "usd",
        project_id=optional_text(result, "project_id"),
        line_item=optional_text(result, "line_item"),
        api_key_id=optional_text(result, "api_key_id"),
        quantity=float(quantity) if isinstance(quantity, int | float) else None,
        unit=optional_text(result, "quantity_unit"),
    )


def _usage_fact(
    endpoint: str, day: int, result: Mapping[str, Any], grouped: list[str]
) -> UsageFact:
    counters = {
        name: value
        for name, value in result.items()
        if isinstance(value, int) and not isinstance(value, bool)
    }
    group = {f: (str(result[f]) if result.get(f) is not None else None) for f in grouped}
    return UsageFact(endpoint=endpoint, day=day, group=group, counters=counters)


def _key_projects(
    costs: tuple[CostFact, ...] | None, usage: Mapping[str, tuple[UsageFact, ...]]
) -> set[str]:
    """The projects whose API keys appear in the results (only these key lists are read)."""
    found = {(c.project_id, c.api_key_id) for c in costs or ()}
    found |= {
        (u.group.get("project_id"), u.group.get("api_key_id")) for f in usage.values() for u in f
    }
    return {pid for pid, key in found if pid and key}


async def _more_names(client: Reader, names: Names, *, users: bool, keys: set[str]) -> Names:
    """Add user emails (if asked) and the key names of these projects; a refusal is a note."""
    notes: list[str] = []
    emails: dict[str, str] = {}
    if users:
        found = await _or_error(read_users(client))
        if isinstance(found, ApiError):
            notes.append(f"user emails could not be read ({_reason(found)}): ids shown")
        else:
            emails = {ident: user.email for user, ident in found}
    lists = await asyncio.gather(*(_or_error(_keys(client, pid)) for pid in sorted(keys)))
    key_names: dict[str, KeyName] = {}
    for pid, listed in zip(sorted(keys), lists, strict=True):
        if isinstance(listed, ApiError):
            project = names.projects.get(pid, pid)
            notes.append(f"API keys of {project} could not be read ({_reason(listed)}): ids shown")
            continue
        key_names |= listed
    return Names(projects=names.projects, keys=key_names, users=emails, notes=tuple(notes))


async def _keys(client: Reader, project_id: str) -> dict[str, KeyName]:
    items = await client.list_all(api_keys_path(project_id), params={"owner_project_access": "any"})
    keys = (parse_api_key(item) for item in items)
    return {k.id: KeyName(name=k.name, redacted=k.redacted_value, owner=k.owner) for k in keys}


async def _or_error(read: Awaitable[T]) -> T | ApiError:
    """A read's result, or the API's refusal as a value (to be reported as unknown)."""
    try:
        return await read
    except ApiError as exc:
        log.info("not read: %s", exc)
        return exc


def _reason(failure: ApiError) -> str:
    """Why something could not be read: the status and the API's own message."""
    status = f"HTTP {failure.status}: " if failure.status is not None else ""
    return f"{status}{failure.message}"
