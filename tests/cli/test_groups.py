"""Groups end to end on the sandbox: plan, apply, plan empty; a role given and a group made
out of band are drift attributed to who did it; export declares every group (a SCIM group
without members) and plans empty; a SCIM group's members and the last owner group's removal
are refused; the markdown and json renderings."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from reconciler.cli import main
from tests.support.sandbox_cli import run_on, write_config

CONFIG = """\
version: 1
groups:
  - name: ml-platform
    members: [alice@example.com, bob@example.com]
    roles: [billing-viewer]
  - name: finance
    roles: [reader, billing-viewer]
  - name: support
    members: [carol@example.com]
    roles: [reader]
"""


def _sandbox(tmp_path: Path, *args: str) -> Result:
    state = ["--state", str(tmp_path / "state.json")]
    return CliRunner().invoke(main, ["sandbox", *args, *state], env={"OPENAI_ADMIN_KEY": ""})


def _exec(tmp_path: Path, method: str, path: str, body: object | None = None) -> Result:
    """Call the sandbox out of band as alice, an owner, in the dashboard."""
    data = ["--data", json.dumps(body)] if body is not None else []
    return _sandbox(tmp_path, "exec", method, path, *data, "--as", "alice@example.com")


def _config(tmp_path: Path, text: str = CONFIG) -> Path:
    return write_config(tmp_path, text)


def _group_id(tmp_path: Path, name: str) -> str:
    state = json.loads((tmp_path / "state.json").read_text())
    return str(next(i for i, g in state["groups"].items() if g["name"] == name))


def _role_id(tmp_path: Path, name: str) -> str:
    listed = json.loads(_exec(tmp_path, "GET", "/organization/roles").stdout)
    return str(next(r["id"] for r in listed["data"] if r["name"] == name))


def test_plan_apply_plan_is_empty_then_drift_and_export(tmp_path: Path) -> None:
    """The plan creates the new group before its member and role and removes an undeclared
    member; after apply it is empty; a role given out of band is drift naming who gave it;
    export declares every group and plans empty."""
    org = _config(tmp_path)
    planned = run_on(tmp_path, "plan", str(org))
    assert planned.exit_code == 0, planned.output
    assert "  +   group support\n" in planned.stdout
    assert "-   group member grace@example.com of ml-platform (not declared)" in planned.stdout
    assert "+   group role billing-viewer of finance" in planned.stdout
    applied = run_on(tmp_path, "apply", str(org), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert run_on(tmp_path, "plan", str(org), "--detailed-exitcode").exit_code == 0
    path = f"/organization/groups/{_group_id(tmp_path, 'support')}/roles"
    given = _exec(tmp_path, "POST", path, {"role_id": _role_id(tmp_path, "owner")})
    assert given.exit_code == 0, given.output
    assert _exec(tmp_path, "POST", "/organization/groups", {"name": "shadow"}).exit_code == 0
    drift = run_on(tmp_path, "drift", str(org))
    assert drift.exit_code == 2, drift.output
    assert "group role owner of support: in the organization, not in the file" in drift.stdout
    assert "changed by: alice@example.com via dashboard" in drift.stdout
    assert "(role.assignment.created)" in drift.stdout
    assert "? group shadow: not in the file, left alone (not in the config; prune.groups" in (
        drift.stdout
    )
    assert "(group.created)" in drift.stdout
    exported = tmp_path / "exported.yaml"
    assert run_on(tmp_path, "export", "-o", str(exported)).exit_code == 0
    text = exported.read_text()
    assert "  - {name: finance, roles: [billing-viewer, reader]}\n" in text
    assert "  - {name: support, members: [carol@example.com], roles: [owner, reader]}\n" in text
    assert "  - {name: shadow, members: [], roles: []}\n" in text
    replan = run_on(tmp_path, "plan", str(exported), "--detailed-exitcode")
    assert replan.exit_code == 0, replan.output


def test_a_scim_groups_members_are_refused_with_the_reason(tmp_path: Path) -> None:
    """Declaring the members of a SCIM-managed group fails the plan with one line saying the
    identity provider owns them; apply refuses and writes nothing."""
    org = _config(tmp_path, "version: 1\ngroups:\n  - {name: finance, members: [a@x.com]}\n")
    planned = run_on(tmp_path, "plan", str(org))
    assert planned.exit_code == 1
    assert "! group finance: managed by SCIM: its members belong to the identity provider" in (
        planned.stdout
    )
    assert "Traceback" not in planned.output
    applied = run_on(tmp_path, "apply", str(org), "--auto-approve")
    assert applied.exit_code == 1
    assert "Apply:" not in applied.output


def test_removing_the_key_owners_only_owner_group_is_refused(tmp_path: Path) -> None:
    """When the admin key's owner is an owner only through a group, pruning that group is
    refused by safety unless --allow-key-owner-change is given."""
    assert _sandbox(tmp_path, "set-role", "ops-admin@example.com", "reader").exit_code == 0
    made = _exec(tmp_path, "POST", "/organization/groups", {"name": "admins"})
    group = json.loads(made.stdout)["id"]
    state = json.loads((tmp_path / "state.json").read_text())
    ops = next(i for i, u in state["users"].items() if u["email"] == "ops-admin@example.com")
    base = f"/organization/groups/{group}"
    assert _exec(tmp_path, "POST", f"{base}/users", {"user_id": ops}).exit_code == 0
    owner = {"role_id": _role_id(tmp_path, "owner")}
    assert _exec(tmp_path, "POST", f"{base}/roles", owner).exit_code == 0
    text = (
        "version: 1\nsettings:\n  prune: {groups: true}\n"
        "users:\n  - {email: ops-admin@example.com, role: reader}\n"
        "groups:\n  - {name: ml-platform}\n  - {name: finance}\n"
    )
    org = _config(tmp_path, text)
    refused = run_on(tmp_path, "apply", str(org), "--auto-approve")
    assert refused.exit_code != 0
    assert "admin_key_owner: the plan takes away the owner access ops-admin@example.com" in (
        refused.output
    )
    assert "through group(s) admins" in refused.output
    assert "admins" in json.dumps(json.loads((tmp_path / "state.json").read_text())["groups"])
    allowed = run_on(tmp_path, "apply", str(org), "--auto-approve", "--allow-key-owner-change")
    assert allowed.exit_code == 0, allowed.output


def test_markdown_and_json_render_group_changes(tmp_path: Path) -> None:
    """The markdown plan lists group changes under the organization with their group; the json
    plan carries each change's kind, natural key and values."""
    org = _config(tmp_path)
    markdown = run_on(tmp_path, "plan", str(org), "--format", "markdown")
    assert markdown.exit_code == 0, markdown.output
    assert "- `-` delete group member grace@example.com of ml-platform — not declared" in (
        markdown.stdout
    )
    assert "+   group role reader of support\n" in markdown.stdout
    planned = json.loads(run_on(tmp_path, "plan", str(org), "--format", "json").stdout)
    changes = {(c["kind"], tuple(c["key"])): c for c in planned["changes"]}
    assert changes[("group", ("support",))]["after"] == {"name": "support"}
    assert changes[("group_user", ("support", "carol@example.com"))]["action"] == "create"
    assert changes[("group_role", ("finance", "billing-viewer"))]["after"] == {
        "group": "finance",
        "role": "billing-viewer",
    }


def test_a_name_several_groups_share_is_refused_not_guessed(tmp_path: Path) -> None:
    """Group names are not unique: when two live groups share a declared name, the plan refuses
    to manage it (which would it mean?) and says how to resolve it; export refuses too, rather
    than write a file that would create a group named `name#id`. No traceback."""
    run_on(tmp_path, "plan", str(_config(tmp_path)))  # creates the sandbox state
    made = _exec(tmp_path, "post", "/organization/groups", {"name": "ml-platform"})
    assert made.exit_code == 0, made.output
    text = "version: 1\ngroups:\n  - {name: ml-platform, members: [alice@example.com]}\n"
    planned = run_on(tmp_path, "plan", str(_config(tmp_path, text)))
    assert planned.exit_code == 1, planned.output
    assert "several organization groups are named 'ml-platform'" in planned.output
    exported = run_on(tmp_path, "export", "-o", str(tmp_path / "out.yaml"))
    assert exported.exit_code == 1
    assert "several groups are named 'ml-platform'" in exported.output
    assert "Traceback" not in planned.output + exported.output
    assert not (tmp_path / "out.yaml").exists()
