"""Every format of the usage report carries the API's own totals for the period, across page
boundaries, and marks the partial day."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from typing import Any

import pytest

from reconciler.core.period import last_days
from reconciler.core.usage_data import ENDPOINT_FIELDS, LEVELS
from reconciler.render.usage import render_usage
from reconciler.reports.usage import UsageReport
from reconciler.sandbox import Sandbox
from reconciler.sandbox.client import SandboxClient
from tests.support import usage_report_on
from tests.support.frozen import NOW

DAYS = 200  # more than one costs page (180 buckets) and six usage pages (31)


def _ungrouped(sandbox: Sandbox, path: str, *, start: int, end: int) -> dict[str, float]:
    """The sandbox's ungrouped totals of one endpoint over [start, end), page by page (a level
    counter: its last bucket)."""
    totals: dict[str, float] = defaultdict(float)
    params: dict[str, Any] = {"start_time": start, "end_time": end, "limit": 31}
    with SandboxClient(sandbox) as api:
        while True:
            body = api.get(path, **params).json()
            for bucket in body["data"]:
                for result in bucket["results"]:
                    if "amount" in result:
                        totals["amount"] += result["amount"]["value"]
                    for name, value in result.items():
                        if isinstance(value, int) and not isinstance(value, bool):
                            totals[name] = value if name in LEVELS else totals[name] + value
            if not body["has_more"]:
                return dict(totals)
            params["page"] = body["next_page"]


@pytest.fixture(scope="module")
def report(sandbox: Sandbox) -> UsageReport:
    """Cost and usage of the last DAYS days, by project."""
    return usage_report_on(sandbox, last_days(DAYS, now=NOW))


def test_totals_equal_the_apis_across_pages(sandbox: Sandbox, report: UsageReport) -> None:
    """The report's total cost and every usage total equal the ungrouped API totals."""
    span = {"start": report.period.start, "end": report.period.end}
    assert report.total_cost == pytest.approx(
        _ungrouped(sandbox, "/organization/costs", **span)["amount"]
    )
    for endpoint in ENDPOINT_FIELDS:
        truth = _ungrouped(sandbox, f"/organization/usage/{endpoint}", **span)
        mine = {
            k.split(".")[1]: v
            for k, v in report.usage_totals.items()
            if k.startswith(f"{endpoint}.")
        }
        assert mine == truth, endpoint
    assert sum(r.cost or 0 for r in report.money.rows) == pytest.approx(report.total_cost)


def test_every_format_shows_the_same_total(report: UsageReport) -> None:
    """text and markdown print the total to the cent; json and the csv's BilledCost sum to it."""
    total = report.total_cost
    assert total is not None
    cents = f"${total:,.2f}"
    assert f"Total cost {cents}" in render_usage(report, fmt="text")
    assert f"Total cost {cents}" in render_usage(report, fmt="markdown")
    assert json.loads(render_usage(report, fmt="json"))["total_cost"] == pytest.approx(total)
    rows = list(csv.DictReader(io.StringIO(render_usage(report, fmt="csv"))))
    billed = sum(float(r["BilledCost"]) for r in rows if r["x_RowType"] == "cost")
    assert billed == pytest.approx(total, abs=1e-6)
    usage = [r for r in rows if r["x_RowType"] == "usage"]
    requests = sum(int(r["ConsumedQuantity"]) for r in usage
                   if r["ConsumedUnit"] == "completions.num_model_requests")  # fmt: skip
    assert requests == report.usage_totals["completions.num_model_requests"]


def test_the_partial_day_is_marked_everywhere(report: UsageReport) -> None:
    """Today (13:00 of it) is marked partial: in the label, the chart, json and csv."""
    assert report.daily[-1].partial
    assert not any(d.partial for d in report.daily[:-1])
    assert len(report.daily) == DAYS
    assert report.period.label().endswith("2026-01-01 (partial)")
    markdown = render_usage(report, fmt="markdown")
    assert re.search(r'x-axis \[.*"01-01\*"\]', markdown)
    assert "xychart-beta" in markdown
    assert json.loads(render_usage(report, fmt="json"))["daily"][-1]["partial"] is True
    rows = csv.DictReader(io.StringIO(render_usage(report, fmt="csv")))
    partial = {
        r["ChargePeriodStart"][:10]
        for r in rows
        if r["x_RowType"] == "cost" and r["x_Partial"] == "true"
    }
    assert partial == {"2026-01-01"}
