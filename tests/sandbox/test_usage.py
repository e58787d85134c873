"""Usage and costs in the sandbox are faithful: every `group_by` field and filter of the spec,
grouped results that add up to the ungrouped total, pages that lose nothing, and the API's 400s.

One demo sandbox on a frozen clock serves the module: the numbers of a past window never move.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

import pytest

from reconciler.clock import VirtualClock
from reconciler.sandbox import Sandbox
from reconciler.sandbox.client import SandboxClient
from reconciler.sandbox.client import api_error as error_of
from reconciler.sandbox.routes.usage import COST_DIMS
from reconciler.sandbox.seed import demo_seed
from reconciler.sandbox.usage_facts import ENDPOINTS

DAY = 86_400
NOW = 1_767_225_600 + 3600  # 2026-01-01T01:00:00Z
WINDOW = {"start_time": NOW - 3600 - 4 * DAY, "end_time": NOW - 3600}  # four whole past days
KINDS = [*ENDPOINTS, "costs"]
Result = dict[str, Any]


@pytest.fixture(scope="module")
def api() -> Any:
    """A client of a demo sandbox whose clock stands still at `NOW`."""
    sandbox = Sandbox.demo(clock=VirtualClock(epoch=NOW))
    with SandboxClient(sandbox) as client:
        yield client


def _path(kind: str) -> str:
    return "/organization/costs" if kind == "costs" else f"/organization/usage/{kind}"


def _dims(kind: str) -> tuple[str, ...]:
    return COST_DIMS if kind == "costs" else ENDPOINTS[kind].dims


def _buckets(api: SandboxClient, kind: str, **params: Any) -> list[list[Result]]:
    response = api.get(_path(kind), **WINDOW, **params)
    assert response.status_code == 200, response.text
    return [bucket["results"] for bucket in response.json()["data"]]


def _totals(results: list[Result]) -> dict[str, float]:
    """Every counter of these results summed (costs: the amount and nothing else)."""
    sums: dict[str, float] = defaultdict(float)
    for result in results:
        if "amount" in result:
            sums["amount"] += result["amount"]["value"]
            continue
        for name, value in result.items():
            if isinstance(value, int) and not isinstance(value, bool):
                sums[name] += value
    return dict(sums)


def _groupings(kind: str) -> list[tuple[str, ...]]:
    dims = _dims(kind)
    return [(d,) for d in dims] + list(combinations(dims, 2)) + [dims]


@pytest.mark.parametrize("kind", KINDS)
def test_every_grouping_sums_to_the_ungrouped_total(api: SandboxClient, kind: str) -> None:
    """Grouped by any field (alone, in pairs, or all), each bucket sums to its ungrouped total."""
    whole = _buckets(api, kind)
    assert any(results for results in whole), "no usage at all in the window"
    assert all(len(results) <= 1 for results in whole)
    for group_by in _groupings(kind):
        grouped = _buckets(api, kind, group_by=list(group_by))
        for total, parts in zip(whole, grouped, strict=True):
            assert _totals(parts) == pytest.approx(_totals(total)), (kind, group_by)


@pytest.mark.parametrize("kind", KINDS)
def test_results_name_their_group_and_leave_other_fields_null(
    api: SandboxClient, kind: str
) -> None:
    """Every result carries every grouping field of its endpoint: the grouped one set, the
    others null, and no two results of a bucket in the same group."""
    dims = _dims(kind)
    for field in dims:
        for results in _buckets(api, kind, group_by=[field]):
            assert all(set(dims) <= set(r) for r in results)
            assert all(r[d] is None for r in results for d in dims if d != field)
            assert len({r[field] for r in results}) == len(results)
    ungrouped = [r for results in _buckets(api, kind) for r in results]
    assert all(r[d] is None for r in ungrouped for d in dims)


def _filter_cases() -> list[tuple[str, str, str]]:
    cases = [(k, p, d) for k, e in ENDPOINTS.items() for p, d in e.filters.items()]
    return [*cases, ("costs", "project_ids", "project_id"), ("costs", "api_key_ids", "api_key_id")]


@pytest.mark.parametrize(("kind", "param", "field"), _filter_cases())
def test_a_filter_keeps_exactly_its_group(
    api: SandboxClient, kind: str, param: str, field: str
) -> None:
    """Filtered by a value, a bucket's total is that value's group of the grouped results."""
    grouped = _buckets(api, kind, group_by=[field])
    values = [r[field] for results in grouped for r in results if r[field] is not None]
    assert values, f"no {field} to filter {kind} on"
    value = values[0]
    sent = str(value).lower() if isinstance(value, bool) else value
    filtered = _buckets(api, kind, **{param: [sent] if param != "batch" else sent})
    for parts, kept in zip(grouped, filtered, strict=True):
        expected = [r for r in parts if r[field] == value]
        assert _totals(kept) == pytest.approx(_totals(expected)), (kind, param, value)
    regrouped = _buckets(api, kind, **{param: sent}, group_by=[field])
    assert {r[field] for results in regrouped for r in results} == {value}


@pytest.mark.parametrize(
    ("kind", "width", "limit"),
    [("completions", "1d", 3), ("images", "1h", 7), ("costs", "1d", 1)],
)
def test_pages_lose_nothing_across_boundaries(
    api: SandboxClient, kind: str, width: str, limit: int
) -> None:
    """Following `next_page` gives the same buckets and results as one big page."""
    params: dict[str, Any] = {**WINDOW, "bucket_width": width, "group_by": ["project_id"]}
    whole = api.get(_path(kind), **params, limit=96 if width == "1h" else 4).json()["data"]
    paged: list[Any] = []
    page: str | None = None
    while True:
        extra = {} if page is None else {"page": page}
        body = api.get(_path(kind), **params, limit=limit, **extra).json()
        paged += body["data"]
        page = body["next_page"]
        if not body["has_more"]:
            break
    assert paged == whole


def test_costs_are_the_usage_priced_per_line_item(api: SandboxClient) -> None:
    """Costs by line item are `<model>, input|output|images` with their quantity and unit: the
    day's input tokens and images of completions, embeddings and images, in USD."""
    costs = _buckets(api, "costs", group_by=["line_item"])
    usage = {
        kind: _buckets(api, kind, group_by=["model"])
        for kind in ("completions", "embeddings", "images")
    }
    for day, items in enumerate(costs):
        quantities = {(r["line_item"], r["quantity_unit"]): r["quantity"] for r in items}
        expected = {
            (f"{m['model']}, input", "tokens"): m["input_tokens"]
            for kind in ("completions", "embeddings")
            for m in usage[kind][day]
        } | {(f"{m['model']}, images", "images"): m["images"] for m in usage["images"][day]}
        assert {k: v for k, v in quantities.items() if not k[0].endswith("output")} == expected
        assert all(r["amount"]["currency"] == "usd" and r["amount"]["value"] > 0 for r in items)


def test_a_key_is_used_only_between_its_creation_and_its_last_use(api: SandboxClient) -> None:
    """A never-used key has no usage; a key last used four months ago has none since."""
    state = api.sandbox.state
    keys = {k["name"]: k["id"] for keys in state.api_keys.values() for k in keys.values()}
    for name in ("ivan-test", "heidi-dev"):
        results = _buckets(api, "completions", api_key_ids=[keys[name]])
        assert results == [[] for _ in results], name
    used = _buckets(api, "completions", api_key_ids=[keys["etl-nightly"]])
    assert all(results for results in used)


def test_the_bucket_after_now_is_empty_and_the_current_one_partial(api: SandboxClient) -> None:
    """Today's bucket counts only the hour elapsed; tomorrow's has no results."""
    window = {"start_time": NOW - 3600, "end_time": NOW + 2 * DAY, "group_by": ["project_id"]}
    today, tomorrow, _ = (b["results"] for b in api.get(_path("costs"), **window).json()["data"])
    assert tomorrow == []
    yesterday = _buckets(api, "costs", group_by=["project_id"])[-1]
    assert 0 < _totals(today)["amount"] < _totals(yesterday)["amount"]


@pytest.mark.parametrize(
    ("kind", "params", "param"),
    [
        ("completions", {"group_by": ["line_item"]}, "group_by"),
        ("vector_stores", {"group_by": ["user_id"]}, "group_by"),
        ("costs", {"group_by": ["model"]}, "group_by"),
        ("costs", {"bucket_width": "1h"}, "bucket_width"),
        ("completions", {"bucket_width": "1w"}, "bucket_width"),
        ("completions", {"limit": 32}, "limit"),
        ("completions", {"bucket_width": "1h", "limit": 169}, "limit"),
        ("costs", {"limit": 181}, "limit"),
        ("costs", {"limit": 0}, "limit"),
        ("images", {"sizes": ["2x2"]}, "sizes"),
        ("images", {"sources": ["image.paint"]}, "sources"),
        ("web_search_calls", {"context_levels": ["huge"]}, "context_levels"),
        ("completions", {"batch": "maybe"}, "batch"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(
    api: SandboxClient, kind: str, params: dict[str, Any], param: str
) -> None:
    """A value the spec does not allow is refused with 400 in the API's error shape."""
    response = api.get(_path(kind), **WINDOW, **params)
    assert response.status_code == 400
    assert error_of(response)["param"] == param


def test_keys_whose_owner_left_the_project_are_inactive_and_hidden_by_default(
    api: SandboxClient,
) -> None:
    """frank left data-platform: his key is `inactive`, listed with `any` or `inactive` only."""
    path = f"/organization/projects/{api.project('data-platform')}/api_keys"

    def names(**params: Any) -> set[str]:
        return {k["name"] for k in api.get(path, limit=100, **params).json()["data"]}

    everything = api.get(path, limit=100, owner_project_access="any").json()["data"]
    access = {k["name"]: k["owner_project_access"] for k in everything}
    assert access["frank-old-etl"] == "inactive"
    assert access["etl-nightly"] == "active"
    assert names(owner_project_access="inactive") == {"frank-old-etl"}
    assert names() == names(owner_project_access="active") == set(access) - {"frank-old-etl"}
    assert api.get(path, owner_project_access="all").status_code == 400


def test_the_extra_demo_keys_keep_every_earlier_id() -> None:
    """The seed's top-level `api_keys` are made last: without them, every other id is the same."""
    seed = demo_seed()
    extra = seed.pop("api_keys")
    assert extra
    bare = Sandbox.from_seed(seed, clock=VirtualClock(epoch=NOW)).state
    full = Sandbox.from_seed(demo_seed(), clock=VirtualClock(epoch=NOW)).state
    assert list(full.projects) == list(bare.projects)
    assert list(full.users) == list(bare.users)
    assert [list(k) for k in bare.api_keys.values()] == [
        [i for i in k if i in bare.api_keys[p]] for p, k in full.api_keys.items()
    ]


def test_key_dates_come_from_the_seed(api: SandboxClient) -> None:
    """A seeded key is created and last used the given days ago; null means never used."""
    keys = {k["name"]: k for keys in api.sandbox.state.api_keys.values() for k in keys.values()}
    assert keys["heidi-dev"]["created_at"] == NOW - 210 * DAY
    assert keys["heidi-dev"]["last_used_at"] == NOW - 120 * DAY
    assert keys["ivan-test"]["last_used_at"] is None
