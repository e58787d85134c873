"""The key policy (`settings.api_keys`) through plan, apply and drift on the demo sandbox:
findings without `enforce`, deletes with it (each key's owner, age, last use and 30-day cost
shown), `max_deletes` obeyed, a lapsed exemption said, and no key value but the redacted one."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner, Result

from reconciler.cli import main
from reconciler.sandbox import Sandbox

PROJECTS = "projects:\n" + "".join(
    f"  - name: {name}\n" for name in ("data-platform", "research", "search-prod", "search-staging")
)


def config(tmp_path: Path, *, enforce: bool, max_age: int = 300, safety: str = "") -> Path:
    """A file declaring the demo's active projects and a key policy; heidi-dev's exemption has
    lapsed, bob-laptop's holds."""
    path = tmp_path / "org.yaml"
    path.write_text(
        "version: 1\nsettings:\n"
        f"  safety: {{max_delete_share: 1.0{safety}}}\n"
        "  api_keys:\n"
        f"    max_age_days: {max_age}\n    unused_days: 100\n"
        f"    owner_without_access: revoke\n    enforce: {str(enforce).lower()}\n"
        "    exempt:\n"
        "      - {name: heidi-dev, project: data-platform, reason: quarterly job,\n"
        "         until: 2000-01-01}\n"
        "      - {name: bob-laptop, reason: on leave, until: 2999-01-01}\n" + PROJECTS
    )
    return path


def run(tmp_path: Path, *args: str) -> Result:
    """A reconciler command on the demo sandbox kept in tmp_path."""
    sandbox = ["--sandbox", "--sandbox-state", str(tmp_path / "state.json")]
    return CliRunner().invoke(main, [*args, *sandbox])


def key_names(tmp_path: Path) -> set[str]:
    """The names of every API key left in the sandbox."""
    state = Sandbox.load(tmp_path / "state.json").state
    return {k["name"] for keys in state.api_keys.values() for k in keys.values()}


def test_without_enforce_violations_are_warnings_in_plan_and_drift(tmp_path: Path) -> None:
    """enforce off: no change, each violating key a warning in plan and in drift."""
    path = config(tmp_path, enforce=False)
    planned = run(tmp_path, "plan", str(path))
    assert planned.exit_code == 0, planned.output
    assert "No changes" in planned.output
    assert "ivan-test (sk-proj...f51c) of ivan@example.com violates the key policy" in (
        planned.output
    )
    assert "(not enforced)" in planned.output
    drift = run(tmp_path, "drift", str(path), "--format", "json")
    assert "frank-old-etl" in drift.output
    assert "violates the key policy" in drift.output


def test_plan_apply_plan_deletes_every_violation_kind_and_converges(tmp_path: Path) -> None:
    """enforce on: the old-and-ownerless, the idle, the never-used and the lapsed-exemption keys
    go; the exempt one stays; the next plan is empty."""
    path = config(tmp_path, enforce=True)
    planned = run(tmp_path, "plan", str(path))
    assert planned.exit_code == 0, planned.output
    assert "4 to delete" in planned.output
    assert "exemption lapsed on 2000-01-01 (quarterly job)" in planned.output
    assert "owner frank@example.com, 340 days old, last used 45 days ago" in planned.output
    applied = run(tmp_path, "apply", str(path), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "4 applied, 0 failed" in applied.output
    gone = {"heidi-dev", "frank-old-etl", "ivan-test", "dan-load-test"}
    assert not gone & key_names(tmp_path)
    assert "bob-laptop" in key_names(tmp_path)
    again = run(tmp_path, "plan", str(path), "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    events = Sandbox.load(tmp_path / "state.json").state.audit_logs
    assert sum(1 for e in events if e["type"] == "api_key.deleted") == 4


def test_key_deletes_count_for_max_deletes(tmp_path: Path) -> None:
    """Four key deletes against max_deletes 2: apply refuses and no key is deleted."""
    path = config(tmp_path, enforce=True, safety=", max_deletes: 2")
    before = key_names(tmp_path)
    refused = run(tmp_path, "apply", str(path), "--auto-approve")
    assert refused.exit_code != 0
    assert "max_deletes=2" in refused.output
    assert key_names(tmp_path) == before


def test_each_deleted_key_shows_its_cost_in_every_rendering(tmp_path: Path) -> None:
    """Text, markdown and json each give every deleted key's last 30 days of cost; a key in use
    costs something, an idle one nothing."""
    path = config(tmp_path, enforce=True, max_age=30)
    text = run(tmp_path, "plan", str(path)).output
    assert re.search(r"etl-nightly \(sk-proj\.\.\.\w{4}, \$[1-9][\d,]*\.\d\d in 30 days\)", text)
    assert re.search(r"ivan-test \(sk-proj\.\.\.\w{4}, \$0\.00 in 30 days\)", text)
    markdown = run(tmp_path, "plan", str(path), "--format", "markdown").output
    assert re.search(r"`etl-nightly` \(`sk-proj\.\.\.\w{4}`, \$[1-9][\d,]*\.\d\d in 30", markdown)
    document = json.loads(run(tmp_path, "plan", str(path), "--format", "json").output)
    costs = {
        k["name"]: k["cost_30_days"]
        for change in document["stakes"]["changes"]
        for k in change["keys_stop_working"]
    }
    assert len(costs) == 7
    assert costs["etl-nightly"] > 0
    assert costs["ivan-test"] == 0


def test_no_key_value_but_the_redacted_one_appears(tmp_path: Path) -> None:
    """Plan output in every format, the plan file, apply's output and the sandbox's audit log
    name keys by id, name and redacted value only."""
    path, plan_file = config(tmp_path, enforce=True), tmp_path / "plan.json"
    outputs = [
        run(tmp_path, "plan", str(path), "--format", fmt, "--out", str(plan_file)).output
        for fmt in ("text", "markdown", "json")
    ]
    outputs.append(plan_file.read_text())
    outputs.append(run(tmp_path, "apply", str(path), "--auto-approve").output)
    outputs.append(json.dumps(Sandbox.load(tmp_path / "state.json").state.audit_logs))
    secret = re.compile(r"sk-(proj|admin)-\w{8,}")
    assert all("sk-proj..." in text or "api_key.deleted" in text for text in outputs)
    assert not any(secret.search(text) for text in outputs)
