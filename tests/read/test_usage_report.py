"""The usage report reads the minimum: one grouped read per endpoint, in pages of the largest
bucket limit, names only where shown; an endpoint the API refuses is unknown, never zero."""

from __future__ import annotations

import csv
import io
import json
import math

import httpx
import pytest

from reconciler.core.period import last_days
from reconciler.render.usage import render_usage
from reconciler.sandbox import Sandbox
from tests.support import usage_report_on
from tests.support.frozen import NOW

USAGE_ENDPOINTS = 10


def _requests(sandbox: Sandbox) -> dict[str, int]:
    """Requests received since the last reset, by path template."""
    return {template: n for (_, template), n in sandbox.requests.counts.items()}


@pytest.mark.parametrize("days", [7, 31, 40, 170])
def test_request_count_is_the_minimum(sandbox: Sandbox, days: int) -> None:
    """By project: one project list, ceil(days+14 / 180) costs pages, ceil(days / 31) pages per
    usage endpoint; nothing else."""
    sandbox.requests.reset()
    usage_report_on(sandbox, last_days(days, now=NOW))
    counts = _requests(sandbox)
    usage_pages = {t: n for t, n in counts.items() if t.startswith("/organization/usage/")}
    assert len(usage_pages) == USAGE_ENDPOINTS
    assert set(usage_pages.values()) == {math.ceil(days / 31)}
    assert counts["/organization/costs"] == math.ceil((days + 14) / 180)
    assert counts["/organization/projects"] == 1
    assert sandbox.requests.total == 1 + counts["/organization/costs"] + sum(usage_pages.values())


def test_names_cost_one_list_each(sandbox: Sandbox) -> None:
    """By user: one user list more; by API key: one key list per project with keys in use."""
    sandbox.requests.reset()
    usage_report_on(sandbox, last_days(7, now=NOW), by=("user",))
    assert _requests(sandbox)["/organization/users"] == 1
    sandbox.requests.reset()
    report = usage_report_on(sandbox, last_days(7, now=NOW), by=("api_key",))
    key_lists = _requests(sandbox)["/organization/projects/{project_id}/api_keys"]
    projects_with_keys = {
        p
        for p, keys in sandbox.state.api_keys.items()
        if any(k["last_used_at"] for k in keys.values())
    }
    assert 0 < key_lists <= len(projects_with_keys)
    assert "/organization/users" not in _requests(sandbox)
    assert report.money.rows


class _Refuse(httpx.AsyncBaseTransport):
    """The sandbox, answering 403 on one usage endpoint as the API does without permission."""

    def __init__(self, sandbox: Sandbox, path: str) -> None:
        self._inner = sandbox.transport()
        self._path = path

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Refuse `path`; pass everything else on."""
        if request.url.path.endswith(self._path):
            body = {"error": {"message": "You have insufficient permissions.", "type": "x"}}
            return httpx.Response(403, json=body, request=request)
        return await self._inner.handle_async_request(request)


def test_a_refused_endpoint_is_unknown_not_zero(sandbox: Sandbox) -> None:
    """A 403 on the images endpoint: images are unknown with the API's reason in every format;
    the rest is read."""
    transport = _Refuse(sandbox, "/organization/usage/images")
    report = usage_report_on(sandbox, last_days(7, now=NOW), transport=transport)
    assert report.unknown == {"images": "HTTP 403: You have insufficient permissions."}
    assert not any(k.startswith("images.") for k in report.usage_totals)
    assert report.total_cost is not None
    assert report.usage_totals["completions.num_model_requests"] > 0
    text = render_usage(report, fmt="text")
    assert (
        "unknown: images could not be read (HTTP 403: You have insufficient permissions.)" in text
    )
    markdown = render_usage(report, fmt="markdown")
    assert "- `images`: HTTP 403: You have insufficient permissions." in markdown
    doc = json.loads(render_usage(report, fmt="json"))
    assert doc["unknown"] == {"images": "HTTP 403: You have insufficient permissions."}
    assert "images.images" not in doc["usage_totals"]
    rows = list(csv.DictReader(io.StringIO(render_usage(report, fmt="csv"))))
    (unknown,) = [r for r in rows if r["x_RowType"] == "unknown"]
    assert (unknown["ConsumedUnit"], unknown["ConsumedQuantity"]) == ("images", "")
    assert not any(r["ConsumedUnit"].startswith("images.") for r in rows)
    rows_of_search = [line for line in text.splitlines() if line.startswith("│ search-prod")]
    assert any("unknown" in [c.strip() for c in line.split("│")] for line in rows_of_search)


def test_refused_costs_are_unknown_and_usage_is_still_read(sandbox: Sandbox) -> None:
    """A 403 on costs: no total (None, not $0), no money rows or budgets, the reason kept; usage
    is read, and the csv has an `unknown` row for costs and no BilledCost."""
    report = usage_report_on(
        sandbox, last_days(7, now=NOW), transport=_Refuse(sandbox, "/organization/costs")
    )
    assert report.total_cost is None
    assert report.costs_error == "HTTP 403: You have insufficient permissions."
    assert (report.money.rows, report.daily, report.budgets) == ((), (), ())
    assert report.usage_totals["completions.num_model_requests"] > 0
    assert "Total cost unknown" in render_usage(report, fmt="text")
    rows = list(csv.DictReader(io.StringIO(render_usage(report, fmt="csv"))))
    assert [r["ConsumedUnit"] for r in rows if r["x_RowType"] == "unknown"] == ["costs"]
    assert not any(r["BilledCost"] for r in rows)
