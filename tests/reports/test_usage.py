"""The usage report groups by every `--by` choice with names, never ids; splits money only where
the costs API does; and charges labels back by project."""

from __future__ import annotations

from collections import defaultdict

import pytest

from reconciler.core.model import ReportSettings
from reconciler.core.period import last_days
from reconciler.errors import ReconcilerError
from reconciler.reports.usage import UsageReport, check_by, plan_reads
from reconciler.sandbox import Sandbox
from tests.support import usage_report_on
from tests.support.frozen import NOW

PERIOD = last_days(10, now=NOW)
LABELS = ReportSettings(
    labels={
        "search-prod": {"team": "search"},
        "search-staging": {"team": "search", "cost_center": "4711"},
        "data-platform": {"team": "data"},
    }
)


def _usage_sums(report: UsageReport) -> dict[str, int]:
    sums: dict[str, int] = defaultdict(int)
    for row in report.usage.rows:
        for name, value in row.usage.items():
            sums[name] += value
    return dict(sums)


@pytest.fixture(scope="module")
def by_project(sandbox: Sandbox) -> UsageReport:
    """The report of PERIOD by project."""
    return usage_report_on(sandbox, PERIOD)


@pytest.mark.parametrize("dim", ["project", "model", "line_item", "api_key", "user", "team"])
def test_every_grouping_adds_up_to_the_totals(
    sandbox: Sandbox, by_project: UsageReport, dim: str
) -> None:
    """Grouped by any dimension, money and usage rows sum to the same totals as by project."""
    report = usage_report_on(sandbox, PERIOD, by=(dim,), settings=LABELS)
    assert report.total_cost == pytest.approx(by_project.total_cost)
    assert sum(r.cost or 0 for r in report.money.rows) == pytest.approx(report.total_cost)
    assert report.usage_totals == by_project.usage_totals
    if dim != "line_item":
        assert _usage_sums(report) == report.usage_totals
    assert len(report.money.rows if dim not in {"model", "user"} else report.usage.rows) > 1


def test_names_not_ids(sandbox: Sandbox) -> None:
    """Projects by name, keys by name with their redacted value and owner, users by email."""
    report = usage_report_on(sandbox, PERIOD, by=("project", "api_key", "user"))
    keys = {row.key[1] for row in report.usage.rows}
    bob = [k for k in keys if k.startswith("bob-laptop (sk-")]
    assert len(bob) == 1
    assert bob[0].endswith(", bob@example.com)")
    assert not any(row.key[0].startswith("proj_") for row in report.usage.rows)
    assert not any(key.startswith("key_") for key in keys)
    users = {row.key[2] for row in report.usage.rows} - {"(no user)", "(n/a)"}
    assert users
    assert all("@" in user for user in users)


@pytest.mark.parametrize("dim", ["model", "user"])
def test_money_is_not_split_where_the_api_cannot(sandbox: Sandbox, dim: str) -> None:
    """By model or user the money stays one total, a note says why, and usage is split."""
    report = usage_report_on(sandbox, PERIOD, by=(dim,))
    assert report.money.by == ()
    assert len(report.money.rows) == 1
    assert report.usage.by == (dim,)
    assert any(f"money is not split by {dim}" in note for note in report.notes)


def test_label_chargeback(sandbox: Sandbox, by_project: UsageReport) -> None:
    """By team, a team's cost is the sum of its projects'; unlabelled projects are one row."""
    report = usage_report_on(sandbox, PERIOD, by=("team",), settings=LABELS)
    project = {row.key[0]: row.cost or 0 for row in by_project.money.rows}
    team = {row.key[0]: row.cost for row in report.money.rows}
    assert team["search"] == pytest.approx(project["search-prod"] + project["search-staging"])
    assert team["data"] == pytest.approx(project["data-platform"])
    rest = sum(
        v for k, v in project.items() if k not in ("search-prod", "search-staging", "data-platform")
    )
    assert team["(unlabelled)"] == pytest.approx(rest)


def test_reads_only_the_groupings_needed() -> None:
    """Costs always by project; model and user never reach costs; line items never usage."""
    reads = plan_reads(["model", "line_item"])
    assert reads.cost_fields == ("project_id", "line_item")
    assert reads.usage_fields == ("model",)
    assert plan_reads(["team"]).usage_fields == ("project_id",)


def test_an_unknown_dimension_names_the_choices() -> None:
    """`--by teem` is refused with the list of dimensions, labels included."""
    with pytest.raises(
        ReconcilerError,
        match="choose among project, model, line_item, api_key, user, cost_center, team",
    ):
        check_by(["teem"], LABELS)


def test_a_budget_for_a_missing_project_is_a_note(sandbox: Sandbox) -> None:
    """A budget or label on a project the organization does not have is said, not silently $0."""
    settings = ReportSettings(budgets={"serch-prod": 10.0}, labels={"serch-prod": {"team": "x"}})
    report = usage_report_on(sandbox, PERIOD, settings=settings)
    assert any(note.startswith("serch-prod: no such project") for note in report.notes)
