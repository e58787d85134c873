"""Roles end to end on the sandbox: plan, apply, plan empty; drift attributed to who changed a
role or took it from someone; export's round trip; prune and max_deletes; a holder who is not
a user; the three renderings."""

from __future__ import annotations

import json
from pathlib import Path

from reconciler.sandbox.sandbox import Sandbox
from tests.support.sandbox_cli import run_on, write_config

# The demo has a custom role billing-viewer (api.usage.read, api.costs.read) held by heidi.
CONFIG = """\
version: 1
roles:
  - name: billing-viewer
    permissions: [api.usage.read, api.costs.read, api.audit_logs.read]
    users: [heidi@example.com, alice@example.com]
  - name: auditor
    description: Reads the audit log
    permissions: [api.audit_logs.read]
    users: [bob@example.com]
  - name: reader
"""


def _config(tmp_path: Path, text: str = CONFIG) -> Path:
    return write_config(tmp_path, text)


def _out_of_band(tmp_path: Path) -> None:
    """Alice, in the dashboard, takes billing-viewer from herself and changes auditor."""
    state = tmp_path / "state.json"
    box = Sandbox.load(state)
    session = box.act_as("alice@example.com")
    ids = {r["name"]: r["id"] for r in session.request("GET", "/organization/roles")["data"]}
    alice = session.user_id("alice@example.com")
    session.request("DELETE", f"/organization/users/{alice}/roles/{ids['billing-viewer']}")
    session.request("POST", f"/organization/roles/{ids['auditor']}", {"permissions": ["x.y"]})
    box.save(state)


def test_plan_apply_plan_is_empty_then_drift_with_who_and_export(tmp_path: Path) -> None:
    """The plan creates auditor and both holders and adds a permission; after apply it is
    empty; changes in the dashboard are drift naming who made them; export plans empty."""
    org = _config(tmp_path)
    planned = run_on(tmp_path, "plan", str(org))
    assert planned.exit_code == 0, planned.output
    assert "~   role billing-viewer" in planned.stdout
    assert "permissions: added api.audit_logs.read" in planned.stdout
    assert (
        "+   role auditor                       permissions: api.audit_logs.read" in planned.stdout
    )
    assert "+   role holder alice@example.com of billing-viewer" in planned.stdout
    assert "role reader" not in planned.stdout
    applied = run_on(tmp_path, "apply", str(org), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert run_on(tmp_path, "plan", str(org), "--detailed-exitcode").exit_code == 0
    _out_of_band(tmp_path)
    drift = run_on(tmp_path, "drift", str(org))
    assert drift.exit_code == 2, drift.output
    assert "role auditor: permissions: x.y live only; api.audit_logs.read in the file only" in (
        drift.stdout
    )
    assert "changed by: alice@example.com via dashboard" in drift.stdout
    assert "+ role holder alice@example.com of billing-viewer: in the file, not in" in drift.stdout
    assert "changed by: likely alice@example.com via dashboard" in drift.stdout
    assert "(role.assignment.deleted)" in drift.stdout
    exported = tmp_path / "exported.yaml"
    assert run_on(tmp_path, "export", "-o", str(exported)).exit_code == 0
    text = exported.read_text()
    assert "  - {name: auditor, description: Reads the audit log, permissions: [x.y], " in text
    assert "reader" not in text.split("roles:")[1].split("projects:")[0]
    replan = run_on(tmp_path, "plan", str(exported), "--detailed-exitcode")
    assert replan.exit_code == 0, replan.output


def test_an_undeclared_role_is_deleted_only_under_prune_and_counts_for_max_deletes(
    tmp_path: Path,
) -> None:
    """`roles: []` leaves the demo's role alone; with prune.roles it is a delete, which
    max_deletes 0 refuses and apply then performs."""
    kept = run_on(tmp_path, "plan", str(_config(tmp_path, "version: 1\nroles: []\n")))
    assert "1 role — not in the config; prune.roles is off" in kept.stdout
    text = "version: 1\nsettings:\n  prune: {roles: true}\n  safety: {max_deletes: 0}\nroles: []\n"
    refused = run_on(tmp_path, "apply", str(_config(tmp_path, text)), "--auto-approve")
    assert refused.exit_code != 0
    assert "max_deletes" in refused.output
    text = text.replace("max_deletes: 0", "max_deletes: 1")
    org = _config(tmp_path, text)
    applied = run_on(tmp_path, "apply", str(org), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "-   role billing-viewer" in applied.stdout
    assert run_on(tmp_path, "plan", str(org), "--detailed-exitcode").exit_code == 0


def test_a_holder_who_is_not_a_user_is_an_error_in_every_rendering(tmp_path: Path) -> None:
    """A role's user the organization does not have is an error finding: text, markdown and
    json all say so, and json carries the permission change's lists."""
    text = CONFIG.replace("[bob@example.com]", "[nobody@example.com]")
    org = _config(tmp_path, text)
    message = "role auditor: nobody@example.com is not a user of the organization"
    for fmt in ("text", "markdown"):
        result = run_on(tmp_path, "plan", str(org), "--format", fmt)
        assert message in result.stdout, result.output
    markdown = run_on(tmp_path, "plan", str(org), "--format", "markdown").stdout
    assert "permissions: added api.audit_logs.read" in markdown
    plan = json.loads(run_on(tmp_path, "plan", str(org), "--format", "json").stdout)
    assert [f["message"] for f in plan["findings"]] == [message]
    (update,) = [c for c in plan["changes"] if c["action"] == "update"]
    assert update["fields"] == [
        {
            "field": "permissions",
            "before": ["api.costs.read", "api.usage.read"],
            "after": ["api.audit_logs.read", "api.costs.read", "api.usage.read"],
        }
    ]
    assert run_on(tmp_path, "apply", str(org), "--auto-approve").exit_code != 0
