"""Spend limits end to end on the sandbox: plan, apply, drift, export, validate, spend-stop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import main
from tests.support.sandbox_cli import run_on, write_config

CONFIG = """\
version: 1
organization:
  spend_limit: {usd_per_month: 40000}
projects:
  - name: search-prod
    spend_limit: {usd_per_month: 1999.50}
"""


def _config(tmp_path: Path, text: str = CONFIG) -> Path:
    return write_config(tmp_path, text)


def test_plan_apply_plan_is_empty_then_drift_and_export(tmp_path: Path) -> None:
    """The plan shows dollars; after apply the plan is empty; an out-of-band change is drift;
    export writes the limits and the exported file plans empty."""
    org = _config(tmp_path)
    planned = run_on(tmp_path, "plan", str(org))
    assert planned.exit_code == 0, planned.output
    assert "usd_per_month: $50,000 → $40,000" in planned.stdout
    assert "usd_per_month: $2,000 → $1,999.50" in planned.stdout
    applied = run_on(tmp_path, "apply", str(org), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert run_on(tmp_path, "plan", str(org), "--detailed-exitcode").exit_code == 0
    state = json.loads((tmp_path / "state.json").read_text())
    assert state["spend_limits"][""] == 4_000_000  # cents, as the API counts
    state["spend_limits"][""] = 3_000_000
    (tmp_path / "state.json").write_text(json.dumps(state))
    drift = run_on(tmp_path, "drift", str(org))
    assert drift.exit_code == 2, drift.output
    assert (
        "monthly spend limit (organization): usd_per_month: $30,000 live, $40,000" in drift.stdout
    )
    exported = tmp_path / "exported.yaml"
    assert run_on(tmp_path, "export", "-o", str(exported)).exit_code == 0
    text = exported.read_text()
    assert "organization:\n  spend_limit: {usd_per_month: 30000}\n" in text
    assert "    spend_limit: {usd_per_month: 1999.5}\n" in text
    replan = run_on(tmp_path, "plan", str(exported), "--detailed-exitcode")
    assert replan.exit_code == 0, replan.output


def test_none_removes_a_limit_and_absent_leaves_it(tmp_path: Path) -> None:
    """`spend_limit: none` plans the removal and says what it does; leaving it out plans nothing."""
    none = _config(tmp_path, "version: 1\norganization:\n  spend_limit: none\nprojects: []\n")
    out = run_on(tmp_path, "plan", str(none)).stdout
    assert "lifts the limit of $50,000 per month (spend_limit: none; spending is no longer" in out
    absent = _config(tmp_path, "version: 1\nprojects: [{name: search-prod}]\n")
    assert run_on(tmp_path, "plan", str(absent), "--detailed-exitcode").exit_code == 0


LOWER = "version: 1\nprojects:\n  - name: search-prod\n    spend_limit: {usd_per_month: 0.01}\n"


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_a_limit_below_this_months_spend_is_refused(tmp_path: Path, fmt: str) -> None:
    """A limit below the month's spend is refused without --allow-spend-stop in every rendering,
    with the month-to-date spend beside the new limit; the flag lets it through."""
    org = _config(tmp_path, LOWER)
    refused = run_on(tmp_path, "plan", str(org), "--format", fmt)
    assert refused.exit_code == 1
    said = "monthly spend limit for search-prod $0.01 with month-to-date spend $"
    if fmt == "json":
        (refusal,) = json.loads(refused.stdout)["refusals"]
        assert refusal["rule"] == "spend_stop"
        assert refusal["override"] == "--allow-spend-stop"
        assert said in refusal["message"]
    else:
        assert said in refused.stdout
        assert "--allow-spend-stop" in refused.stdout
    assert "spend_stop:" in refused.stderr
    allowed = run_on(tmp_path, "plan", str(org), "--format", fmt, "--allow-spend-stop")
    assert allowed.exit_code == 0, allowed.output


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "Input should be greater than 0"),
        ('"5000"', "Input should be a valid number"),
        ("10.005", "10.005 is not a whole number of cents"),
    ],
)
def test_validate_locates_bad_dollars(tmp_path: Path, value: str, message: str) -> None:
    """A negative, non-numeric or sub-cent amount is a located one-line error."""
    text = f"version: 1\norganization:\n  spend_limit: {{usd_per_month: {value}}}\n"
    org = _config(tmp_path, text)
    result = CliRunner().invoke(main, ["validate", str(org)])
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{org}:3:")
    assert "organization.spend_limit" in first
    assert message in first
    assert "Traceback" not in result.stderr


ALERTS = """\
version: 1
organization:
  spend_alerts:
    - {usd_per_month: 30000, notify: [Finance@example.com, cfo@example.com], subject_prefix: "[$]"}
projects:
  - name: search-prod
    spend_alerts: [{usd_per_month: 1500, notify: [search-oncall@example.com]}]
"""


def test_alerts_plan_apply_drift_and_export(tmp_path: Path) -> None:
    """Recipients changed is an update; after apply the plan is empty; a recipient changed out
    of band is drift; the export plans empty."""
    org = _config(tmp_path, ALERTS)
    planned = run_on(tmp_path, "plan", str(org))
    assert "notify: finance@example.com → cfo@example.com, finance@example.com" in planned.stdout
    assert run_on(tmp_path, "apply", str(org), "--auto-approve").exit_code == 0
    assert run_on(tmp_path, "plan", str(org), "--detailed-exitcode").exit_code == 0
    state = json.loads((tmp_path / "state.json").read_text())
    for alert in state["spend_alerts"][""].values():
        alert["notification_channel"]["recipients"] = ["mallory@example.com"]
    (tmp_path / "state.json").write_text(json.dumps(state))
    drift = run_on(tmp_path, "drift", str(org))
    assert drift.exit_code == 2
    assert "spend alert at $30,000 (organization): notify: mallory@example.com live" in drift.stdout
    exported = tmp_path / "exported.yaml"
    assert run_on(tmp_path, "export", "-o", str(exported)).exit_code == 0
    assert "notify: [mallory@example.com]" in exported.read_text()
    assert run_on(tmp_path, "plan", str(exported), "--detailed-exitcode").exit_code == 0


def test_validate_locates_bad_alerts(tmp_path: Path) -> None:
    """A non-numeric threshold and two alerts at one threshold are located errors."""
    text = (
        "version: 1\norganization:\n  spend_alerts:\n"
        "    - {usd_per_month: ten, notify: [a@example.com]}\n"
        "projects:\n  - name: p\n    spend_alerts:\n"
        "      - {usd_per_month: 5, notify: [a@example.com]}\n"
        "      - {usd_per_month: 5.00, notify: [b@example.com]}\n"
    )
    org = _config(tmp_path, text)
    result = CliRunner().invoke(main, ["validate", str(org)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{org}:4:")
    assert "organization.spend_alerts[0].usd_per_month: Input should be a valid number" in lines[0]
    assert "projects[0].spend_alerts" in lines[1]
    assert "one per threshold" in lines[1]
