"""Labels and budgets: optional, validated, carried to the model for reports, and invisible
to plans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reconciler.config import config_from_dict, desired_to_config_dict
from reconciler.errors import ConfigError

BASE: dict[str, Any] = {"version": 1, "projects": [{"name": "search", "members": {}}]}


def _with(project: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {**BASE, **top, "projects": [{**BASE["projects"][0], **project}]}


def test_labels_and_budgets_reach_the_report_settings(tmp_path: Path) -> None:
    """Project labels and budgets, and the organization's budget, are in `Desired.reports`."""
    data = _with(
        {"labels": {"team": "search", "cost_center": "4711"}, "budget": {"usd_per_month": 500}},
        budget={"usd_per_month": 2000.5},
    )
    reports = config_from_dict(data, base_dir=tmp_path).desired.reports
    assert reports.labels == {"search": {"team": "search", "cost_center": "4711"}}
    assert reports.budgets == {"search": 500.0}
    assert reports.org_budget == 2000.5


def test_they_do_not_change_the_plan_model_or_an_old_digest(tmp_path: Path) -> None:
    """The organization model is the same with or without them; a file without them keeps its
    digest (they are written back only when set), and they round-trip."""
    plain = config_from_dict(BASE, base_dir=tmp_path)
    data = _with({"labels": {"team": "a"}, "budget": {"usd_per_month": 1}})
    labelled = config_from_dict(data, base_dir=tmp_path)
    assert labelled.desired.org == plain.desired.org
    assert "labels" not in desired_to_config_dict(plain.desired)["projects"][0]
    again = config_from_dict(desired_to_config_dict(labelled.desired), base_dir=tmp_path)
    assert again.desired == labelled.desired


@pytest.mark.parametrize(
    ("project", "where"),
    [
        ({"budget": {"usd_per_month": -1}}, "budget.usd_per_month"),
        ({"budget": {"usd_per_month": "500"}}, "budget.usd_per_month"),
        ({"budget": {}}, "budget: missing required key 'usd_per_month'"),
        ({"labels": {"Team": "a"}}, "labels"),
        ({"labels": {"team": 4711}}, "labels.team"),
    ],
)
def test_bad_labels_and_budgets_are_located(
    tmp_path: Path, project: dict[str, Any], where: str
) -> None:
    """A negative or quoted budget, an uppercase label key or a non-string value is an error
    at its place."""
    with pytest.raises(ConfigError) as caught:
        config_from_dict(_with(project), base_dir=tmp_path)
    assert f"projects[0].{where}" in str(caught.value)
