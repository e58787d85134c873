"""Budgets say over and at risk from month-to-date spend and its projection; a spike is a day
above N times its project's trailing 14-day median."""

from __future__ import annotations

from reconciler.core.model import ReportSettings
from reconciler.core.period import DAY, Period, month
from reconciler.reports.budgets import ORGANIZATION, budgets_of, history_start, spikes_of

NOV_1 = 1_793_491_200  # 2026-11-01T00:00:00Z
NOW = NOV_1 + 9 * DAY + 12 * 3600  # 10 Nov, noon: 9.5 of 30 days elapsed


def _flat(per_day: float, *, days: int = 40, start: int = NOV_1 - 30 * DAY) -> dict[int, float]:
    return {start + n * DAY: per_day for n in range(days)}


def test_over_at_risk_and_ok() -> None:
    """$10 a day for 9.5 days: $95 spent. Over $90, at risk at $200 ($300 projected), ok at $400."""
    costs = {"a": _flat(10.0), "b": _flat(10.0), "c": _flat(10.0)}
    costs = {k: {d: v for d, v in days.items() if d < NOW} for k, days in costs.items()}
    settings = ReportSettings(budgets={"a": 90, "b": 200, "c": 400}, org_budget=1000)
    period = Period(start=NOV_1 - 5 * DAY, end=NOW, now=NOW)
    found = {b.scope: b for b in budgets_of(costs, settings, period)}
    assert found["a"].spent == 100.0  # the partial 10th day counts with its $10 as read
    assert (found["a"].status, found["b"].status, found["c"].status) == ("over", "at risk", "ok")
    assert found["b"].projected == 100.0 * 30 / 9.5
    assert found[ORGANIZATION].spent == 300.0
    assert found[ORGANIZATION].month == "2026-11"


def test_a_past_month_projects_what_was_spent() -> None:
    """For a finished month the projection is the spend itself."""
    period = month("2026-10", now=NOW)
    costs = {"a": _flat(1.0, days=60, start=NOV_1 - 45 * DAY)}
    (budget,) = budgets_of(costs, ReportSettings(budgets={"a": 30.0}), period)
    assert budget.month == "2026-10"
    assert budget.spent == budget.projected == 31.0
    assert budget.status == "over"


def test_costs_are_read_from_the_month_start_or_the_trailing_days() -> None:
    """A week in mid-month reads from the 1st; a period starting on the 1st, 14 days before."""
    week = Period(start=NOV_1 + 15 * DAY, end=NOV_1 + 22 * DAY, now=NOW + 30 * DAY)
    assert history_start(week) == NOV_1
    assert history_start(month("2026-11", now=NOW)) == NOV_1 - 14 * DAY


def test_a_spike_is_flagged_against_the_trailing_median() -> None:
    """A day at 6× the median of the 14 before is a spike at factor 5, not at 7."""
    days = _flat(10.0)
    spike_day = NOV_1 + 3 * DAY
    days[spike_day] = 60.0
    period = Period(start=NOV_1, end=NOW, now=NOW)
    (spike,) = spikes_of({"a": days}, period, factor=5.0)
    assert (spike.project, spike.day, spike.median, spike.ratio) == ("a", spike_day, 10.0, 6.0)
    assert spikes_of({"a": days}, period, factor=7.0) == ()


def test_a_first_day_of_use_is_no_spike() -> None:
    """Cost after 14 days of nothing has a zero median: not flagged."""
    days = {NOV_1 + 5 * DAY: 100.0}
    assert spikes_of({"a": days}, Period(start=NOV_1, end=NOW, now=NOW), factor=2.0) == ()
