"""Data retention end to end on the sandbox: plan, apply, plan empty, the API's refusal of a
mode without an agreement, drift, and export's round trip."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.sandbox_cli import run_on, write_config

# The demo organization's agreement covers zero_data_retention only.
CONFIG = """\
version: 1
organization:
  data_retention: zero_data_retention
projects:
  - name: search-prod
    data_retention: none
  - name: research
    data_retention: zero_data_retention
"""


def _config(tmp_path: Path, text: str = CONFIG) -> Path:
    return write_config(tmp_path, text)


def test_plan_apply_plan_is_empty_then_drift_and_export(tmp_path: Path) -> None:
    """The plan names both modes; after apply the plan is empty; a mode changed out of band is
    drift; export writes the modes that are not defaults and plans empty."""
    org = _config(tmp_path)
    planned = run_on(tmp_path, "plan", str(org))
    assert planned.exit_code == 0, planned.output
    assert "data retention mode                mode: organization_default → none" in planned.stdout
    assert "mode: none → zero_data_retention" in planned.stdout
    applied = run_on(tmp_path, "apply", str(org), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert run_on(tmp_path, "plan", str(org), "--detailed-exitcode").exit_code == 0
    state_file = tmp_path / "state.json"
    state = json.loads(state_file.read_text())
    project_id = next(i for i, p in state["projects"].items() if p["name"] == "search-prod")
    state["data_retention"][project_id] = "zero_data_retention"
    state_file.write_text(json.dumps(state))
    drift = run_on(tmp_path, "drift", str(org))
    assert drift.exit_code == 2, drift.output
    assert (
        "data retention mode of search-prod: mode: zero_data_retention live, none" in drift.stdout
    )
    exported = tmp_path / "exported.yaml"
    assert run_on(tmp_path, "export", "-o", str(exported)).exit_code == 0
    text = exported.read_text()
    assert "\n  data_retention: zero_data_retention\n\nusers:" in text
    assert text.count("    data_retention: zero_data_retention\n") == 2
    replan = run_on(tmp_path, "plan", str(exported), "--detailed-exitcode")
    assert replan.exit_code == 0, replan.output


def test_a_mode_without_an_agreement_is_the_apis_refusal_on_one_line(tmp_path: Path) -> None:
    """The API refuses a mode the organization has no agreement for: apply reports the API's
    words on the change's line, the other changes still go through, and nothing is a traceback."""
    text = CONFIG.replace(
        "organization:\n  data_retention: zero_data_retention",
        "organization:\n  data_retention: modified_abuse_monitoring",
    )
    org = _config(tmp_path, text)
    applied = run_on(tmp_path, "apply", str(org), "--auto-approve")
    assert applied.exit_code == 1, applied.output
    assert "Traceback" not in applied.output
    assert "requires an agreement with OpenAI" in applied.output
    assert "2 applied, 1 failed" in applied.output
    replan = run_on(tmp_path, "plan", str(org), "--format", "json")
    changes = json.loads(replan.stdout)["changes"]
    assert [(c["kind"], c["key"]) for c in changes] == [("data_retention", ["", "mode"])]
